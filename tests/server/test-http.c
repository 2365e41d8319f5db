/* test-http.c — airdockd's HTTP front over real HTTP and HTTPS: OPTIONS,
 * /server.cer, auth and lockout, limits before the body, bad requests,
 * hostile WBXML, config validation. */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "server/airdockd-auth.h"
#include "server/airdockd-config.h"
#include "server/airdockd-request.h"
#include "server/airdockd-tls.h"
#include "tests/server/eas-client.h"

#define USER "alice"
#define EMAIL "alice@example.org"
#define PASSWORD "correct horse"

typedef struct {
	AirdockHarness *h;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	f->h = airdock_harness_start (data);
	airdock_harness_add_user (f->h, USER, EMAIL, PASSWORD);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_pointer (&f->h, airdock_harness_free);
}

static AirdockEasClient *
client (Fixture *f, gboolean https, const char *user, const char *password, EasVersion v)
{
	return airdock_eas_client_new (f->h, https, user, password, "TESTDEV01", "TestPhone", v);
}

/* ---- OPTIONS --------------------------------------------------------------- */

static void
check_options (Fixture *f, gboolean https)
{
	g_autoptr (AirdockEasClient) c = client (f, https, USER, PASSWORD, 141);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_request (c, "OPTIONS",
	                                                               "/Microsoft-Server-ActiveSync", &error);
	const char *commands;
	g_auto (GStrv) names = NULL;

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_cmpstr (soup_message_headers_get_one (r->headers, "MS-ASProtocolVersions"), ==,
	                 "2.5,12.0,12.1,14.0,14.1,16.0,16.1");
	g_assert_nonnull (soup_message_headers_get_one (r->headers, "MS-Server-ActiveSync"));
	commands = soup_message_headers_get_one (r->headers, "MS-ASProtocolCommands");
	g_assert_nonnull (commands);
	names = g_strsplit (commands, ",", -1);
	g_assert_true (g_strv_contains ((const char * const *) names, "Provision"));
	g_assert_true (g_strv_contains ((const char * const *) names, "Settings"));
	/* Only implemented commands: each one has a handler. */
	for (guint i = 0; names[i] != NULL; i++) {
		EasCommand cmd = eas_command_from_name (names[i]);
		g_assert_cmpint (cmd, !=, EAS_CMD_UNKNOWN);
		g_assert_nonnull (airdockd_command_lookup (cmd));
	}
}

static void
test_options (Fixture *f, gconstpointer data)
{
	check_options (f, FALSE);
	check_options (f, TRUE);
	/* Clients validate a new account with OPTIONS: it needs the password. */
	for (int https = 0; https <= 1; https++) {
		g_autoptr (AirdockEasClient) none = client (f, https, USER, NULL, 141);
		g_autoptr (AirdockEasClient) wrong = client (f, https, USER, "wrong", 141);
		g_autoptr (GError) error = NULL;
		g_autoptr (AirdockEasResponse) r1 = airdock_eas_client_request (none, "OPTIONS", "/Microsoft-Server-ActiveSync", &error);
		g_autoptr (AirdockEasResponse) r2 = airdock_eas_client_request (wrong, "OPTIONS", "/Microsoft-Server-ActiveSync", &error);

		g_assert_no_error (error);
		g_assert_cmpuint (r1->http_status, ==, 401);
		g_assert_cmpuint (r2->http_status, ==, 401);
		g_assert_null (soup_message_headers_get_one (r2->headers, "MS-ASProtocolCommands"));
	}
}

/* ---- /server.cer ------------------------------------------------------------- */

static void
check_certificate_der (GBytes *der)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d = { (unsigned char *) g_bytes_get_data (der, NULL), g_bytes_get_size (der) };
	guint8 serial[64];
	size_t serial_len = sizeof serial;
	gboolean have_ip = FALSE, have_dns = FALSE;

	g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
	g_assert_cmpint (gnutls_x509_crt_import (crt, &d, GNUTLS_X509_FMT_DER), ==, 0);
	g_assert_cmpint (gnutls_x509_crt_get_serial (crt, serial, &serial_len), ==, 0);
	g_assert_cmpuint (serial_len, ==, 16);
	g_assert_cmpint (gnutls_x509_crt_get_expiration_time (crt) -
	                 gnutls_x509_crt_get_activation_time (crt), <=,
	                 (time_t) AIRDOCKD_TLS_VALIDITY_DAYS * 86400);
	g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (crt), ==, GNUTLS_SIGN_ECDSA_SHA256);
	for (unsigned i = 0;; i++) {
		char san[256];
		size_t san_len = sizeof san;
		int type = gnutls_x509_crt_get_subject_alt_name (crt, i, san, &san_len, NULL);
		if (type < 0)
			break;
		if (type == GNUTLS_SAN_IPADDRESS && san_len == 4 && memcmp (san, "\x7f\0\0\x01", 4) == 0)
			have_ip = TRUE;
		if (type == GNUTLS_SAN_DNSNAME && g_strcmp0 (san, "localhost") == 0)
			have_dns = TRUE;
	}
	g_assert_true (have_ip);
	g_assert_true (have_dns);
	g_assert_cmpint (gnutls_x509_crt_check_key_purpose (crt, GNUTLS_KP_TLS_WWW_SERVER, 0), !=, 0);
	gnutls_x509_crt_deinit (crt);
}

static void
test_certificate (Fixture *f, gconstpointer data)
{
	g_autoptr (GBytes) expected = airdock_harness_certificate_der (f->h);

	check_certificate_der (expected);
	for (int https = 0; https <= 1; https++) {
		g_autoptr (AirdockEasClient) c = client (f, https, USER, NULL, 141);
		g_autoptr (GError) error = NULL;
		/* Over HTTPS the client only accepts the pinned certificate, so a
		 * successful request proves TLS serves the same certificate. */
		g_autoptr (AirdockEasResponse) r = airdock_eas_client_request (c, "GET", "/server.cer", &error);

		g_assert_no_error (error);
		g_assert_cmpuint (r->http_status, ==, 200);
		g_assert_cmpstr (r->content_type, ==, "application/x-x509-ca-cert");
		g_assert_true (g_bytes_equal (r->body, expected));
	}
}

/* [server] tls_cert / tls_key: the configured certificate is served and
 * nothing is generated. */
static void
test_certificate_configured (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("airdock-pem-XXXXXX", &error);
	g_autofree char *crt = g_build_filename (dir, "my-cert.pem", NULL);
	g_autofree char *key = g_build_filename (dir, "my-key.pem", NULL);
	const char *names[] = { "configured.example.org", NULL };
	g_autofree char *config = NULL;
	g_autoptr (GTlsCertificate) mine = NULL;
	GByteArray *mine_der = NULL;

	g_assert_no_error (error);
	g_assert_true (airdockd_tls_generate (names, crt, key, &error));
	g_assert_no_error (error);
	mine = g_tls_certificate_new_from_file (crt, &error);
	g_assert_no_error (error);
	g_object_get (mine, "certificate", &mine_der, NULL);
	config = g_strdup_printf ("[server]\ntls_cert = %s\ntls_key = %s\n", crt, key);
	{
		g_autoptr (AirdockHarness) h = airdock_harness_start (config);
		g_autoptr (AirdockEasClient) c = airdock_eas_client_new (h, FALSE, "x", NULL, "D", "T", 141);
		g_autoptr (AirdockEasResponse) r = airdock_eas_client_request (c, "GET", "/server.cer", &error);
		g_autofree char *generated = g_build_filename (h->data_dir, "tls-cert.pem", NULL);

		g_assert_no_error (error);
		g_assert_cmpuint (r->http_status, ==, 200);
		g_assert_cmpmem (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body),
		                 mine_der->data, mine_der->len);
		g_assert_false (g_file_test (generated, G_FILE_TEST_EXISTS));
	}
	g_byte_array_unref (mine_der);
	g_unlink (crt);
	g_unlink (key);
	g_rmdir (dir);
}

static void
test_not_found (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, FALSE, USER, PASSWORD, 141);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_request (c, "GET", "/etc/passwd", &error);
	g_autoptr (AirdockEasResponse) r2 = airdock_eas_client_request (c, "GET", "/Microsoft-Server-ActiveSync", &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 404);
	g_assert_cmpuint (r2->http_status, ==, 405);
}

/* ---- auth ---------------------------------------------------------------------- */

static guint
post_settings_status (AirdockEasClient *c)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (c, EAS_CMD_SETTINGS, NULL, NULL, NULL, &error);

	g_assert_no_error (error);
	return r->http_status;
}

static void
test_auth_required (Fixture *f, gconstpointer data)
{
	for (int https = 0; https <= 1; https++) {
		g_autoptr (AirdockEasClient) none = client (f, https, USER, NULL, 141);
		g_autoptr (AirdockEasClient) wrong = client (f, https, USER, "wrong", 141);
		g_autoptr (AirdockEasClient) nobody = client (f, https, "nobody", PASSWORD, 141);
		g_autoptr (AirdockEasClient) right = client (f, https, USER, PASSWORD, 141);
		g_autoptr (GError) error = NULL;
		g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (none, EAS_CMD_SETTINGS, NULL, NULL, NULL, &error);

		g_assert_no_error (error);
		g_assert_cmpuint (r->http_status, ==, 401);
		g_assert_nonnull (soup_message_headers_get_one (r->headers, "WWW-Authenticate"));
		g_assert_cmpuint (post_settings_status (wrong), ==, 401);
		g_assert_cmpuint (post_settings_status (nobody), ==, 401);
		/* The right password passes auth (Settings itself then asks for
		 * provisioning inside a 200 answer on 14.1). */
		g_assert_cmpuint (post_settings_status (right), ==, 200);
	}
}

/* A header of exactly the limit parses; one byte more does not. */
static void
test_auth_parse_limit (void)
{
	for (gsize extra = 0; extra <= 1; extra++) {
		/* "Basic " + padding spaces + base64 of a length divisible by 4. */
		gsize b64_len = (AIRDOCKD_AUTH_MAX_HEADER_BYTES - strlen ("Basic ")) / 4 * 4;
		gsize pad = AIRDOCKD_AUTH_MAX_HEADER_BYTES - strlen ("Basic ") - b64_len + extra;
		gsize raw_len = b64_len / 4 * 3;
		g_autofree char *raw = g_malloc (raw_len);
		g_autofree char *b64 = NULL;
		g_autofree char *header = NULL;
		g_autofree char *user = NULL;
		g_autofree char *password = NULL;
		g_autoptr (GError) error = NULL;

		memset (raw, 'p', raw_len);
		memcpy (raw, "bob:", 4);
		b64 = g_base64_encode ((const guchar *) raw, raw_len);
		header = g_strdup_printf ("Basic %*s%s", (int) pad, "", b64);
		g_assert_cmpuint (strlen (header), ==, AIRDOCKD_AUTH_MAX_HEADER_BYTES + extra);
		if (extra == 0) {
			g_assert_true (airdockd_auth_parse_basic (header, strlen (header), &user, &password, &error));
			g_assert_no_error (error);
			g_assert_cmpstr (user, ==, "bob");
			g_assert_cmpuint (strlen (password), ==, raw_len - 4);
		} else {
			g_assert_false (airdockd_auth_parse_basic (header, strlen (header), &user, &password, &error));
			g_assert_error (error, AIRDOCKD_AUTH_ERROR, AIRDOCKD_AUTH_ERROR_MALFORMED);
			g_assert_null (user);
		}
	}
}

static void
test_auth_parse_forms (void)
{
	g_autofree char *user = NULL;
	g_autofree char *password = NULL;
	g_autoptr (GError) error = NULL;
	/* "CORP\\alice:pa:ss" — the domain goes, colons stay in the password. */
	const char *header = "Basic Q09SUFxhbGljZTpwYTpzcw==";

	g_assert_true (airdockd_auth_parse_basic (header, strlen (header), &user, &password, &error));
	g_assert_cmpstr (user, ==, "alice");
	g_assert_cmpstr (password, ==, "pa:ss");
}

#define LOCKOUT_CONFIG "[limits]\nauth_max_failures = 3\nauth_lockout_seconds = 600\n"

static void
test_auth_lockout (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) wrong = client (f, FALSE, USER, "wrong", 141);
	g_autoptr (AirdockEasClient) right = client (f, FALSE, USER, PASSWORD, 141);
	g_autoptr (AirdockEasClient) bob = NULL;

	airdock_harness_add_user (f->h, "bob", "bob@example.org", "bobpass");
	bob = client (f, FALSE, "bob", "bobpass", 141);

	/* N-1 failures: the right password still works, and clears the count. */
	for (int i = 0; i < 2; i++)
		g_assert_cmpuint (post_settings_status (wrong), ==, 401);
	g_assert_cmpuint (post_settings_status (right), ==, 200);
	/* N failures (in any letter case): locked, even with the right password. */
	for (int i = 0; i < 2; i++)
		g_assert_cmpuint (post_settings_status (wrong), ==, 401);
	{
		g_autoptr (AirdockEasClient) upper = client (f, FALSE, "ALICE", "wrong", 141);
		g_assert_cmpuint (post_settings_status (upper), ==, 401);
	}
	g_assert_cmpuint (post_settings_status (right), ==, 401);
	/* Another user from the same address is not locked by alice's failures. */
	g_assert_cmpuint (post_settings_status (bob), ==, 200);
}

static void
test_auth_lockout_address (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) right = client (f, FALSE, USER, PASSWORD, 141);
	guint limit = 3 * AIRDOCKD_AUTH_ADDRESS_FACTOR;

	/* Guessing over many user names from one address: limit - 1 failures
	 * leave the address open, the limit-th closes it for every user. */
	for (guint i = 0; i + 1 < limit; i++) {
		g_autofree char *name = g_strdup_printf ("guess%u", i);
		g_autoptr (AirdockEasClient) c = client (f, FALSE, name, "x", 141);
		g_assert_cmpuint (post_settings_status (c), ==, 401);
	}
	g_assert_cmpuint (post_settings_status (right), ==, 200);
	{
		g_autoptr (AirdockEasClient) c = client (f, FALSE, "guess-last", "x", 141);
		g_assert_cmpuint (post_settings_status (c), ==, 401);
	}
	g_assert_cmpuint (post_settings_status (right), ==, 401);
}

/* What the server logs names the user, device and command, but never a
 * password or the Authorization header, even with [log] debug on. */
static void
test_log_no_secrets (void)
{
	g_autoptr (AirdockHarness) h = airdock_harness_start_capturing_log ("[log]\ndebug = true\n");
	g_autoptr (AirdockEasClient) wrong = NULL;
	g_autoptr (AirdockEasClient) right = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *log = NULL;
	g_autofree char *b64_wrong = g_base64_encode ((const guchar *) USER ":Wr0ngSecret", strlen (USER ":Wr0ngSecret"));
	g_autofree char *b64_right = g_base64_encode ((const guchar *) USER ":" PASSWORD, strlen (USER ":" PASSWORD));

	airdock_harness_add_user (h, USER, EMAIL, PASSWORD);
	wrong = airdock_eas_client_new (h, FALSE, USER, "Wr0ngSecret", "LOGDEV1", "TestPhone", 141);
	right = airdock_eas_client_new (h, FALSE, USER, PASSWORD, "LOGDEV1", "TestPhone", 141);
	g_assert_cmpuint (post_settings_status (wrong), ==, 401);
	g_assert_true (airdock_eas_client_provision (right, NULL, &error));
	g_assert_no_error (error);
	airdock_harness_stop (h);
	log = airdock_harness_read_log (h);
	g_assert_nonnull (strstr (log, "authentication failed"));
	g_assert_nonnull (strstr (log, "user=" USER));
	g_assert_nonnull (strstr (log, "device=LOGDEV1"));
	g_assert_null (strstr (log, "Wr0ngSecret"));
	g_assert_null (strstr (log, PASSWORD));
	g_assert_null (strstr (log, b64_wrong));
	g_assert_null (strstr (log, b64_right));
	g_assert_null (strstr (log, "Basic "));
}

/* [log] traffic: bodies as XML in the log, a DevicePassword withheld; and
 * nothing of the kind without it. */
static void
test_log_traffic (void)
{
	for (int traffic = 0; traffic <= 1; traffic++) {
		g_autoptr (AirdockHarness) h = airdock_harness_start_capturing_log (
			traffic ? "[log]\ntraffic = true\n" : "[log]\ndebug = true\n");
		g_autoptr (AirdockEasClient) c = NULL;
		g_autoptr (GError) error = NULL;
		g_autoptr (EasNode) root = eas_node_new (EAS_SETTINGS_SETTINGS);
		g_autoptr (AirdockEasResponse) r = NULL;
		g_autofree char *log = NULL;
		EasNode *set;

		airdock_harness_add_user (h, USER, EMAIL, PASSWORD);
		c = airdock_eas_client_new (h, FALSE, USER, PASSWORD, "TRAFDEV1", "TestPhone", 141);
		g_assert_true (airdock_eas_client_provision (c, NULL, &error));
		g_assert_no_error (error);
		set = eas_node_append (eas_node_append (root, EAS_SETTINGS_DEVICE_PASSWORD), EAS_SETTINGS_SET);
		eas_node_append_text (set, EAS_SETTINGS_PASSWORD, "Rec0veryPin");
		r = airdock_eas_client_post_tree (c, EAS_CMD_SETTINGS, root, &error);
		g_assert_no_error (error);
		g_assert_cmpuint (r->http_status, ==, 200);
		airdock_harness_stop (h);
		log = airdock_harness_read_log (h);
		g_assert_null (strstr (log, "Rec0veryPin"));
		if (traffic) {
			g_assert_nonnull (strstr (log, "traffic request: "));
			g_assert_nonnull (strstr (log, "<Provision"));
			g_assert_nonnull (strstr (log, "PolicyKey"));
			g_assert_nonnull (strstr (log, "withheld"));
		} else {
			g_assert_null (strstr (log, "traffic"));
		}
	}
}

/* ---- request limits before the body ---------------------------------------- */

#define SIZE_CONFIG "[limits]\nmax_request_bytes = 4096\n"

/* Sends only headers announcing content_length bytes and returns the status
 * line's code, read without sending any body byte. */
static guint
raw_post_headers (Fixture *f, goffset content_length, gboolean send_body)
{
	return airdock_harness_raw_post (f->h, "Cmd=Settings&User=" USER "&DeviceId=RAW1&DeviceType=Raw",
	                                 USER, PASSWORD, "14.1", content_length, send_body);
}

static void
test_too_large (Fixture *f, gconstpointer data)
{
	/* N+1 and far beyond: 413 without the body ever being sent. */
	g_assert_cmpuint (raw_post_headers (f, 4097, FALSE), ==, 413);
	g_assert_cmpuint (raw_post_headers (f, G_GOFFSET_CONSTANT (1) << 40, FALSE), ==, 413);
	/* N: accepted (the 4096 zero bytes are malformed WBXML, answered in a 200). */
	g_assert_cmpuint (raw_post_headers (f, 4096, TRUE), ==, 200);
}

/* [server] allow_plain_eas = false: EAS only over HTTPS, the certificate
 * still over HTTP. */
static void
test_plain_eas_off (Fixture *f, gconstpointer data)
{
	for (int https = 0; https <= 1; https++) {
		g_autoptr (AirdockEasClient) c = client (f, https, USER, PASSWORD, 141);
		g_autoptr (GError) error = NULL;
		g_autoptr (AirdockEasResponse) o = airdock_eas_client_request (c, "OPTIONS", "/Microsoft-Server-ActiveSync", &error);
		g_autoptr (AirdockEasResponse) cer = airdock_eas_client_request (c, "GET", "/server.cer", &error);

		g_assert_no_error (error);
		g_assert_cmpuint (o->http_status, ==, https ? 200 : 403);
		g_assert_cmpuint (post_settings_status (c), ==, https ? 200 : 403);
		g_assert_cmpuint (cer->http_status, ==, 200);
	}
}

#define CONNECTIONS_CONFIG "[limits]\nmax_connections = 2\n"

/* N open connections are served; the N+1-th gets 503 with Retry-After;
 * once one closes, requests are served again. */
static void
test_max_connections (Fixture *f, gconstpointer data)
{
	g_autoptr (GSocketClient) sc = g_socket_client_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GSocketConnection) idle = g_socket_client_connect_to_host (sc, "127.0.0.1", f->h->http_port, NULL, &error);
	g_autoptr (AirdockEasClient) second = client (f, FALSE, USER, PASSWORD, 141);
	guint status = 503;

	g_assert_no_error (error);
	/* Connection 2 of 2 (the client keeps it alive afterwards). */
	g_assert_cmpuint (post_settings_status (second), ==, 200);
	/* Connection 3: refused. */
	{
		g_autoptr (AirdockEasClient) third = client (f, FALSE, USER, PASSWORD, 141);
		g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (third, EAS_CMD_SETTINGS, NULL, NULL, NULL, &error);
		g_assert_no_error (error);
		g_assert_cmpuint (r->http_status, ==, 503);
		g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, "30");
	}
	/* The idle one goes away: the server notices and serves again (a
	 * bounded wait for the close to reach it, not a measurement). */
	g_io_stream_close (G_IO_STREAM (idle), NULL, NULL);
	for (int i = 0; i < 200 && status == 503; i++) {
		g_autoptr (AirdockEasClient) again = client (f, FALSE, USER, PASSWORD, 141);
		status = post_settings_status (again);
		if (status == 503)
			g_usleep (50000);
	}
	g_assert_cmpuint (status, ==, 200);
}

#define TIMEOUT_CONFIG "[server]\nconnection_timeout = 5\n"

/* A client that connects and sends nothing (no request, no TLS hello) is
 * dropped by the server: the read ends with EOF, not with our own (much
 * longer) client-side timeout. */
static void
test_idle_timeout (Fixture *f, gconstpointer data)
{
	g_autoptr (GSocketClient) sc = g_socket_client_new ();
	GSocketConnection *conns[2];

	/* Both connected first, so the two waits overlap. */
	for (int https = 0; https <= 1; https++) {
		g_autoptr (GError) error = NULL;
		conns[https] = g_socket_client_connect_to_host (sc, "127.0.0.1",
		                                                https ? f->h->https_port : f->h->http_port,
		                                                NULL, &error);
		g_assert_no_error (error);
		g_socket_set_timeout (g_socket_connection_get_socket (conns[https]), 120);
	}
	for (int https = 0; https <= 1; https++) {
		g_autoptr (GError) error = NULL;
		char buf[64];
		gssize n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conns[https])),
		                                buf, sizeof buf, NULL, &error);

		if (error != NULL)
			g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
			               g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE));
		else
			g_assert_cmpint (n, ==, 0);
		g_object_unref (conns[https]);
	}
}

/* ---- bad requests ------------------------------------------------------------ */

static void
test_bad_request_line (Fixture *f, gconstpointer data)
{
	g_autoptr (SoupSession) session = soup_session_new ();
	g_autofree char *base = airdock_harness_url (f->h, FALSE);
	g_autofree char *auth = g_base64_encode ((const guchar *) USER ":" PASSWORD, strlen (USER ":" PASSWORD));
	g_autofree char *auth_value = g_strdup_printf ("Basic %s", auth);
	g_autofree char *unimplemented = NULL;

	/* A real command without a handler (the table grows, so look one up). */
	for (int code = 0; code <= EAS_CMD_FIND && unimplemented == NULL; code++)
		if (eas_command_name ((EasCommand) code) != NULL &&
		    airdockd_command_lookup ((EasCommand) code) == NULL)
			unimplemented = g_strdup_printf ("Cmd=%s&User=alice&DeviceId=D1&DeviceType=T",
			                                 eas_command_name ((EasCommand) code));
	if (unimplemented == NULL)
		unimplemented = g_strdup ("Cmd=Bogus&User=alice&DeviceId=D1&DeviceType=T");

	const struct { const char *query; const char *version; guint status; } cases[] = {
		{ "Cmd=Bogus&User=alice&DeviceId=D1&DeviceType=T", "14.1", 501 },
		{ unimplemented, "14.1", 501 },
		{ "Cmd=Settings&User=alice&DeviceType=T", "14.1", 400 },
		{ "Cmd=Settings&User=alice&DeviceId=D1&DeviceType=T", "2.0", 400 },
		{ "Cmd=Settings&User=alice&DeviceId=D1&DeviceType=T", NULL, 400 },
		{ "Cmd=Settings&User=alice&DeviceId=D1&DeviceType=T", "14.1", 200 },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *url = g_strdup_printf ("%s/Microsoft-Server-ActiveSync?%s", base, cases[i].query);
		g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
		g_autoptr (GError) error = NULL;
		g_autoptr (GBytes) body = NULL;
		SoupMessageHeaders *h = soup_message_get_request_headers (msg);

		soup_message_headers_replace (h, "Authorization", auth_value);
		if (cases[i].version != NULL)
			soup_message_headers_replace (h, "MS-ASProtocolVersion", cases[i].version);
		body = soup_session_send_and_read (session, msg, NULL, &error);
		g_assert_no_error (error);
		g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].query);
		g_assert_cmpuint (soup_message_get_status (msg), ==, cases[i].status);
		if (cases[i].status == 400 && i >= 3)
			g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (msg),
			                                                "MS-ASProtocolVersions"));
	}
}

static guint
provision_status_for_body (AirdockEasClient *c, GBytes *body)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (c, EAS_CMD_PROVISION, NULL, body, NULL, &error);
	guint64 status = 0;

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	g_assert_no_error (eas_node_child_uint (r->tree, EAS_PROVISION_STATUS, 0, 1000, &status, &error) ? NULL : error);
	return (guint) status;
}

static void
test_malformed_wbxml (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, TRUE, USER, PASSWORD, 141);
	static const guint8 garbage[] = { 0x03, 0x01, 0x6a, 0x00, 0x00, 0x0e, 0x45, 0xff, 0x01 };
	static const guint8 truncated[] = { 0x03, 0x01, 0x6a, 0x00, 0x00, 0x0e, 0x45, 0x46 };
	static const guint8 not_wbxml[] = "<Provision/>";
	g_autoptr (GBytes) b1 = g_bytes_new_static (garbage, sizeof garbage);
	g_autoptr (GBytes) b2 = g_bytes_new_static (truncated, sizeof truncated);
	g_autoptr (GBytes) b3 = g_bytes_new_static (not_wbxml, sizeof not_wbxml - 1);

	/* [MS-ASPROV] 2.2.2.54.2: Status 2 = protocol error. */
	g_assert_cmpuint (provision_status_for_body (c, b1), ==, 2);
	g_assert_cmpuint (provision_status_for_body (c, b2), ==, 2);
	g_assert_cmpuint (provision_status_for_body (c, b3), ==, 2);
}

static void
test_deep_document (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, FALSE, USER, PASSWORD, 141);
	g_autoptr (GByteArray) doc = g_byte_array_new ();
	g_autoptr (GBytes) body = NULL;
	g_autoptr (GError) error = NULL;
	static const guint8 header[] = { 0x03, 0x01, 0x6a, 0x00, 0x00, 0x0e };
	const guint8 open = 0x45, end = 0x01;	/* Provision:Provision with content */

	g_byte_array_append (doc, header, sizeof header);
	for (int i = 0; i < 10000; i++)
		g_byte_array_append (doc, &open, 1);
	for (int i = 0; i < 10000; i++)
		g_byte_array_append (doc, &end, 1);
	body = g_byte_array_free_to_bytes (g_steal_pointer (&doc));
	g_assert_cmpuint (provision_status_for_body (c, body), ==, 2);
	/* Still alive and well. */
	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
}

static void
test_base64_query (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, TRUE, USER, PASSWORD, 141);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (EasNode) root = eas_node_new (EAS_SETTINGS_SETTINGS);

	airdock_eas_client_set_base64 (c, TRUE);
	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
	eas_node_append (eas_node_append (root, EAS_SETTINGS_USER_INFORMATION), EAS_SETTINGS_GET);
	r = airdock_eas_client_post_tree (c, EAS_CMD_SETTINGS, root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_SETTINGS_STATUS), ==, "1");
}

/* ---- config --------------------------------------------------------------------- */

static GError *
load_config_text (const char *text)
{
	g_autofree char *path = NULL;
	GError *error = NULL;
	int fd = g_file_open_tmp ("airdock-conf-XXXXXX", &path, &error);
	g_autoptr (AirdockdConfig) config = NULL;

	g_assert_no_error (error);
	close (fd);
	g_file_set_contents (path, text, -1, &error);
	g_assert_no_error (error);
	config = airdockd_config_load (path, &error);
	g_unlink (path);
	g_assert_true ((config == NULL) == (error != NULL));
	return error;
}

static void
expect_config_error (const char *text, const char *fragment)
{
	g_autoptr (GError) error = load_config_text (text);

	g_assert_nonnull (error);
	g_test_message ("%s", error->message);
	g_assert_nonnull (strstr (error->message, fragment));
}

static void
expect_config_ok (const char *text)
{
	g_autoptr (GError) error = load_config_text (text);

	g_assert_no_error (error);
}

static void
test_config (void)
{
	g_autoptr (AirdockdConfig) def = airdockd_config_new_default ();

	g_assert_cmpint (def->http_port, ==, 80);
	g_assert_cmpint (def->https_port, ==, 443);
	expect_config_ok ("[server]\nhttp_port = 65535\nhttps_port = 0\n");
	expect_config_error ("[server]\nhttp_port = 65536\n", ":2: [server] http_port");
	expect_config_error ("[server]\n\n# c\nbogus = 1\n", ":4: unknown key 'bogus'");
	expect_config_error ("[server]\nhttp_port = 1\n[nope]\nx = 1\n", ":3: unknown group [nope]");
	expect_config_ok ("[limits]\nmax_request_bytes = 4096\n");
	expect_config_error ("[limits]\nmax_request_bytes = 4095\n", "max_request_bytes");
	expect_config_ok ("[policy]\nmax_failed_attempts = 16\n");
	expect_config_error ("[policy]\nmax_failed_attempts = 17\n", "max_failed_attempts");
	expect_config_error ("[policy]\npin_required = maybe\n", "pin_required");
	expect_config_error ("[server]\ntls_cert = /x.pem\n", "tls_cert and tls_key");
	expect_config_error ("[server]\nlisten_address = example.org\n", "listen_address");
	expect_config_error ("[lmtp]\nlisten = 127.0.0.1\n", "[lmtp] listen");
	expect_config_error ("[server]\nhttp_port = 8080\nhttps_port = 8080\n", "the same");
	expect_config_error ("[server\n", "");
}

static int
run_check_config (const char *text, char **out_stderr)
{
	g_autofree char *path = NULL;
	g_autofree char *binary = airdock_harness_build_path ("server/airdockd");
	g_autoptr (GError) error = NULL;
	int fd = g_file_open_tmp ("airdock-conf-XXXXXX", &path, &error);
	int status = 0;
	const char *argv[] = { binary, "--check-config", "-c", path, NULL };

	close (fd);
	g_file_set_contents (path, text, -1, &error);
	g_assert_no_error (error);
	g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
	              NULL, out_stderr, &status, &error);
	g_unlink (path);
	g_assert_no_error (error);
	g_assert_true (WIFEXITED (status));
	return WEXITSTATUS (status);
}

static void
test_check_config (void)
{
	g_autofree char *err1 = NULL;
	g_autofree char *err2 = NULL;

	g_assert_cmpint (run_check_config ("[server]\nhttp_port = 8080\n", &err1), ==, 0);
	g_assert_cmpint (run_check_config ("[server]\nhttp_port = 8080\nhttp_prot = 1\n", &err2), ==, 1);
	g_assert_nonnull (strstr (err2, ":3: unknown key 'http_prot'"));
	{
		g_autofree char *err3 = NULL;
		g_assert_cmpint (run_check_config ("[server]\ntls_cert = /nonexistent/c.pem\n"
		                                   "tls_key = /nonexistent/k.pem\n", &err3), ==, 1);
		g_assert_nonnull (strstr (err3, "tls_cert"));
	}
}

static void
test_tls_generate (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("airdock-tls-XXXXXX", &error);
	const char *names[] = { "mail.example.org", "192.0.2.7", NULL };
	g_autoptr (GBytes) der1 = NULL;
	g_autoptr (GBytes) der2 = NULL;
	g_autoptr (GTlsCertificate) c1 = airdockd_tls_load (dir, NULL, NULL, names, &der1, &error);
	g_autoptr (GTlsCertificate) c2 = NULL;
	g_autofree char *key = g_build_filename (dir, "tls-key.pem", NULL);
	g_autofree char *crt = g_build_filename (dir, "tls-cert.pem", NULL);
	GStatBuf st;

	g_assert_no_error (error);
	g_assert_nonnull (c1);
	/* Reused on the next start, not regenerated. */
	c2 = airdockd_tls_load (dir, NULL, NULL, names, &der2, &error);
	g_assert_no_error (error);
	g_assert_true (g_bytes_equal (der1, der2));
	g_assert_cmpint (g_stat (key, &st), ==, 0);
	g_assert_cmpint (st.st_mode & 0077, ==, 0);
	/* A new host name the certificate does not cover: a new certificate,
	 * which is then reused. */
	{
		const char *more[] = { "mail.example.org", "192.0.2.7", "other.example.org", NULL };
		g_autoptr (GBytes) der3 = NULL;
		g_autoptr (GBytes) der4 = NULL;
		g_autoptr (GTlsCertificate) c3 = airdockd_tls_load (dir, NULL, NULL, more, &der3, &error);
		g_autoptr (GTlsCertificate) c4 = NULL;

		g_assert_no_error (error);
		g_assert_false (g_bytes_equal (der1, der3));
		c4 = airdockd_tls_load (dir, NULL, NULL, more, &der4, &error);
		g_assert_no_error (error);
		g_assert_true (g_bytes_equal (der3, der4));
	}
	g_unlink (key);
	g_unlink (crt);
	g_rmdir (dir);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/http/config/table", test_config);
	g_test_add_func ("/http/config/check-config", test_check_config);
	g_test_add_func ("/http/tls/generate", test_tls_generate);
	g_test_add_func ("/http/certificate/configured", test_certificate_configured);
	g_test_add_func ("/http/log/no-secrets", test_log_no_secrets);
	g_test_add_func ("/http/log/traffic", test_log_traffic);
	g_test_add_func ("/http/auth/parse-limit", test_auth_parse_limit);
	g_test_add_func ("/http/auth/parse-forms", test_auth_parse_forms);
	g_test_add ("/http/options", Fixture, NULL, fixture_setup, test_options, fixture_teardown);
	g_test_add ("/http/certificate", Fixture, NULL, fixture_setup, test_certificate, fixture_teardown);
	g_test_add ("/http/not-found", Fixture, NULL, fixture_setup, test_not_found, fixture_teardown);
	g_test_add ("/http/auth/required", Fixture, NULL, fixture_setup, test_auth_required, fixture_teardown);
	g_test_add ("/http/auth/lockout-user", Fixture, LOCKOUT_CONFIG, fixture_setup, test_auth_lockout, fixture_teardown);
	g_test_add ("/http/auth/lockout-address", Fixture, LOCKOUT_CONFIG, fixture_setup, test_auth_lockout_address, fixture_teardown);
	g_test_add ("/http/limits/too-large", Fixture, SIZE_CONFIG, fixture_setup, test_too_large, fixture_teardown);
	g_test_add ("/http/plain-eas-off", Fixture, "[server]\nallow_plain_eas = false\n", fixture_setup, test_plain_eas_off, fixture_teardown);
	g_test_add ("/http/limits/max-connections", Fixture, CONNECTIONS_CONFIG, fixture_setup, test_max_connections, fixture_teardown);
	g_test_add ("/http/limits/idle-timeout", Fixture, TIMEOUT_CONFIG, fixture_setup, test_idle_timeout, fixture_teardown);
	g_test_add ("/http/request/bad-line", Fixture, NULL, fixture_setup, test_bad_request_line, fixture_teardown);
	g_test_add ("/http/request/base64", Fixture, NULL, fixture_setup, test_base64_query, fixture_teardown);
	g_test_add ("/http/wbxml/malformed", Fixture, NULL, fixture_setup, test_malformed_wbxml, fixture_teardown);
	g_test_add ("/http/wbxml/deep", Fixture, NULL, fixture_setup, test_deep_document, fixture_teardown);

	return g_test_run ();
}
