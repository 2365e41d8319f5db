/* harness.c — run the real airdockd for tests. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "server/airdockd-seclog.h"
#include "tests/server/harness.h"

/* How long to wait for the server to listen.  A bound, not a measurement:
 * under sanitizers on a loaded 2-core machine a start takes well under 1 s. */
#define START_WAIT_US (30 * G_USEC_PER_SEC)
#define STOP_WAIT_US (30 * G_USEC_PER_SEC)

char *
airdock_harness_build_path (const char *relpath)
{
	const char *builddir = g_getenv ("G_TEST_BUILDDIR");

	return g_build_filename (builddir != NULL ? builddir : ".", relpath, NULL);
}

static void
write_config (AirdockHarness *h, const char *extra_config)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *text = g_strdup_printf (
		"[server]\n"
		"data_dir = %s\n"
		"http_port = 0\n"
		"https_port = 0\n"
		"listen_address = 127.0.0.1\n"
		"hostnames = localhost, 127.0.0.1\n"
		"[lmtp]\n"
		"listen = 127.0.0.1:0\n"
		"[smtp]\n"
		"relay = 127.0.0.1:1\n"
		"%s\n",
		h->data_dir, extra_config != NULL ? extra_config : "");

	g_file_set_contents (h->config_path, text, -1, &error);
	g_assert_no_error (error);
}

static void
read_ports (AirdockHarness *h, const char *text)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++) {
		guint64 port = 0;
		const char *eq = strchr (lines[i], '=');
		if (eq == NULL)
			continue;
		g_assert_true (g_ascii_string_to_unsigned (eq + 1, 10, 0, 65535, &port, NULL));
		if (g_str_has_prefix (lines[i], "http="))
			h->http_port = (guint16) port;
		else if (g_str_has_prefix (lines[i], "https="))
			h->https_port = (guint16) port;
	}
}

static void
dump_log (AirdockHarness *h)
{
	g_autofree char *log = NULL;

	if (g_file_get_contents (h->log_path, &log, NULL, NULL))
		g_printerr ("# airdockd stdout:\n%s\n", log);
}

/* Waits for the ports file; fails the test if the server exits first. */
static void
wait_listening (AirdockHarness *h)
{
	gint64 deadline = g_get_monotonic_time () + START_WAIT_US;

	while (g_get_monotonic_time () < deadline) {
		g_autofree char *text = NULL;
		int status = 0;

		if (g_file_get_contents (h->ports_path, &text, NULL, NULL)) {
			read_ports (h, text);
			return;
		}
		if (waitpid (h->pid, &status, WNOHANG) == h->pid) {
			h->pid = 0;
			dump_log (h);
			g_error ("airdockd exited during start-up (status 0x%x)", status);
		}
		g_usleep (5000);
	}
	dump_log (h);
	g_error ("airdockd did not start listening");
}

/* In the child before exec: if the test process dies (a failed assertion
 * aborts it before the harness is freed), the server gets SIGTERM instead
 * of running on as an orphan. */
static void
child_setup (gpointer user_data)
{
	prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
spawn (AirdockHarness *h)
{
	g_autofree char *binary = airdock_harness_build_path ("server/airdockd");
	const char *argv[] = { binary, "-c", h->config_path, "--ports-file", h->ports_path, NULL };
	g_autoptr (GError) error = NULL;
	int log_fd;

	g_unlink (h->ports_path);
	log_fd = g_open (h->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	g_assert_cmpint (log_fd, >=, 0);
	/* stdout to a file: the test's own stdout is TAP. */
	g_spawn_async_with_fds (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
	                        child_setup, NULL, &h->pid, -1, log_fd,
	                        h->capture_stderr ? log_fd : STDERR_FILENO, &error);
	close (log_fd);
	g_assert_no_error (error);
	wait_listening (h);
}

static AirdockHarness *
harness_start (const char *extra_config, gboolean capture_stderr)
{
	g_autoptr (GError) error = NULL;
	AirdockHarness *h = g_new0 (AirdockHarness, 1);

	h->capture_stderr = capture_stderr;
	h->dir = g_dir_make_tmp ("airdock-test-XXXXXX", &error);
	g_assert_no_error (error);
	h->data_dir = g_build_filename (h->dir, "data", NULL);
	h->config_path = g_build_filename (h->dir, "airdockd.conf", NULL);
	h->ports_path = g_build_filename (h->dir, "ports", NULL);
	h->log_path = g_build_filename (h->dir, "airdockd.log", NULL);
	write_config (h, extra_config);
	spawn (h);
	return h;
}

AirdockHarness *
airdock_harness_start (const char *extra_config)
{
	return harness_start (extra_config, FALSE);
}

AirdockHarness *
airdock_harness_start_capturing_log (const char *extra_config)
{
	return harness_start (extra_config, TRUE);
}

char *
airdock_harness_read_log (AirdockHarness *h)
{
	g_autoptr (GError) error = NULL;
	char *text = NULL;

	g_file_get_contents (h->log_path, &text, NULL, &error);
	g_assert_no_error (error);
	return text;
}

void
airdock_harness_stop (AirdockHarness *h)
{
	int status = 0;
	pid_t r;

	if (h->pid == 0)
		return;
	kill (h->pid, SIGTERM);
	do
		r = waitpid (h->pid, &status, 0);
	while (r < 0 && errno == EINTR);
	g_assert_cmpint (r, ==, h->pid);
	h->pid = 0;
	h->http_port = h->https_port = 0;
	if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
		dump_log (h);
	g_assert_true (WIFEXITED (status));
	g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

void
airdock_harness_restart (AirdockHarness *h, const char *extra_config)
{
	airdock_harness_stop (h);
	write_config (h, extra_config);
	spawn (h);
}

guint
airdock_harness_raw_post (AirdockHarness *h, const char *query, const char *user,
                          const char *password, const char *version,
                          goffset content_length, gboolean send_body)
{
	g_autoptr (GSocketClient) sc = g_socket_client_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GSocketConnection) conn = g_socket_client_connect_to_host (sc, "127.0.0.1", h->http_port, NULL, &error);
	g_autofree char *credentials = g_strconcat (user, ":", password, NULL);
	g_autofree char *auth = g_base64_encode ((const guchar *) credentials, strlen (credentials));
	g_autofree char *head = NULL;
	g_autoptr (GDataInputStream) in = NULL;
	g_autofree char *line = NULL;
	g_autofree char *code = NULL;
	guint64 status = 0;

	g_assert_no_error (error);
	head = g_strdup_printf ("POST /Microsoft-Server-ActiveSync?%s HTTP/1.1\r\n"
	                        "Host: 127.0.0.1\r\nAuthorization: Basic %s\r\n"
	                        "MS-ASProtocolVersion: %s\r\n"
	                        "Content-Type: application/vnd.ms-sync.wbxml\r\n"
	                        "Content-Length: %" G_GOFFSET_FORMAT "\r\n\r\n",
	                        query, auth, version, content_length);
	g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), head,
	                           strlen (head), NULL, NULL, &error);
	g_assert_no_error (error);
	if (send_body) {
		g_autofree char *body = g_malloc0 (content_length);

		g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), body,
		                           content_length, NULL, NULL, &error);
		g_assert_no_error (error);
	}
	in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
	line = g_data_input_stream_read_line (in, NULL, NULL, &error);
	g_assert_no_error (error);
	g_assert_nonnull (line);
	g_assert_true (g_str_has_prefix (line, "HTTP/1.1 "));
	code = g_strndup (line + 9, 3);
	g_assert_true (g_ascii_string_to_unsigned (code, 10, 100, 599, &status, NULL));
	return (guint) status;
}

char *
airdock_harness_read_seclog (AirdockHarness *h)
{
	g_autofree char *path = g_build_filename (h->data_dir, AIRDOCKD_SECLOG_FILE, NULL);
	g_autoptr (GError) error = NULL;
	char *text = NULL;

	if (!g_file_get_contents (path, &text, NULL, &error)) {
		g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
		return g_strdup ("");
	}
	return text;
}

guint
airdock_harness_parked (AirdockHarness *h)
{
	g_autofree char *path = g_build_filename (h->data_dir, "push.status", NULL);
	g_autofree char *text = NULL;
	guint64 n = 0;

	if (!g_file_get_contents (path, &text, NULL, NULL) || !g_str_has_prefix (text, "parked="))
		return 0;
	g_strchomp (text);
	g_assert_true (g_ascii_string_to_unsigned (text + 7, 10, 0, G_MAXUINT, &n, NULL));
	return (guint) n;
}

void
airdock_harness_wait_parked (AirdockHarness *h, guint n)
{
	for (guint i = 0; i < 1000 && airdock_harness_parked (h) != n; i++)
		g_usleep (20 * 1000);
	g_assert_cmpuint (airdock_harness_parked (h), ==, n);
}

void
airdock_harness_remove_tree (const char *path)
{
	g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
	const char *name;

	if (dir != NULL) {
		while ((name = g_dir_read_name (dir)) != NULL) {
			g_autofree char *child = g_build_filename (path, name, NULL);
			if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
			    !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
				airdock_harness_remove_tree (child);
			else
				g_unlink (child);
		}
	}
	g_rmdir (path);
}

void
airdock_harness_free (AirdockHarness *h)
{
	if (h == NULL)
		return;
	airdock_harness_stop (h);
	if (h->dir != NULL)
		airdock_harness_remove_tree (h->dir);
	g_free (h->dir);
	g_free (h->data_dir);
	g_free (h->config_path);
	g_free (h->ports_path);
	g_free (h->log_path);
	g_free (h);
}

char *
airdock_harness_url (AirdockHarness *h, gboolean https)
{
	return g_strdup_printf ("%s://127.0.0.1:%u", https ? "https" : "http",
	                        https ? h->https_port : h->http_port);
}

GBytes *
airdock_harness_certificate_der (AirdockHarness *h)
{
	g_autofree char *path = g_build_filename (h->data_dir, "tls-cert.pem", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (GTlsCertificate) cert = g_tls_certificate_new_from_file (path, &error);
	GByteArray *der = NULL;

	g_assert_no_error (error);
	g_object_get (cert, "certificate", &der, NULL);
	g_assert_nonnull (der);
	return g_byte_array_free_to_bytes (der);
}

AirdockdStore *
airdock_harness_open_store (AirdockHarness *h)
{
	g_autoptr (GError) error = NULL;
	AirdockdStore *store = airdockd_store_open (h->data_dir, &error);

	g_assert_no_error (error);
	return store;
}

gint64
airdock_harness_add_user (AirdockHarness *h, const char *name, const char *email,
                          const char *password)
{
	g_autoptr (AirdockdStore) store = airdock_harness_open_store (h);
	g_autoptr (AirdockdUser) user = NULL;
	g_autoptr (GError) error = NULL;

	airdockd_store_user_add (store, name, email, password, &user, &error);
	g_assert_no_error (error);
	return user->id;
}
