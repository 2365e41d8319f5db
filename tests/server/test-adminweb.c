/* test-adminweb.c — the administrator's web page against the real server
 * over HTTP: listing, wipe with confirmation, cancel, remove, resync, CSRF,
 * authentication and the escaping of client-supplied device fields.
 *
 *   test-adminweb --serve DIR   starts a server with one admin and one
 *                               device, writes DIR/url and waits until
 *                               DIR/stop exists (for test-adminweb-chromium.sh)
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "server/airdockd-admin.h"
#include "server/airdockd-adminweb.h"
#include "server/airdockd-seclog.h"
#include "tests/server/harness.h"

#define ADMIN "boss"
#define ADMIN_PASSWORD "b0ss-pw"
#define USER "alice"
#define USER_PASSWORD "al1ce-pw"
#define DEVICE "DEV1"
#define HOSTILE "<script>alert(1)</script>"

typedef struct {
	AirdockHarness *h;
	guint16 admin_port;
	SoupSession *session;
	AirdockdStore *store;
	gint64 user_id;
} Fixture;

static guint16
read_admin_port (AirdockHarness *h)
{
	g_autofree char *text = NULL;
	const char *p;
	guint64 port = 0;

	g_assert_true (g_file_get_contents (h->ports_path, &text, NULL, NULL));
	p = strstr (text, "admin=");
	g_assert_nonnull (p);
	*strchr (p, '\n') = '\0';
	g_assert_true (g_ascii_string_to_unsigned (p + 6, 10, 1, 65535, &port, NULL));
	return (guint16) port;
}

static void
add_device (Fixture *f, const char *device_id, const char *type)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdDevice) d = airdockd_store_device_ensure (f->store, f->user_id, device_id, type, &error);
	AirdockdDeviceInfo info = {
		.model = (char *) "Pixel & <b>9</b>", .imei = (char *) "356938035643809",
		.friendly_name = (char *) "Alice's phone", .os = (char *) "Android 15",
		.phone_number = (char *) "+15551234", .user_agent = (char *) "TestAgent/1.0",
	};

	g_assert_no_error (error);
	g_assert_true (airdockd_store_device_set_protocol_version (f->store, f->user_id, d->id, "16.1", &error));
	g_assert_true (airdockd_store_device_set_policy (f->store, f->user_id, d->id, 0, 1234, "h", &error));
	g_assert_true (airdockd_store_device_set_info (f->store, f->user_id, d->id, &info, &error));
	g_assert_no_error (error);
}

/* data: more config text (nullable). */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autofree char *config = g_strconcat ("[admin]\nlisten = 127.0.0.1:0\nusers = " ADMIN "\n",
	                                       (const char *) data, NULL);

	f->h = airdock_harness_start (config);
	f->admin_port = read_admin_port (f->h);
	f->user_id = airdock_harness_add_user (f->h, USER, USER "@example.org", USER_PASSWORD);
	airdock_harness_add_user (f->h, ADMIN, ADMIN "@example.org", ADMIN_PASSWORD);
	f->store = airdock_harness_open_store (f->h);
	add_device (f, DEVICE, HOSTILE);
	f->session = soup_session_new ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_object (&f->session);
	g_clear_pointer (&f->store, airdockd_store_unref);
	g_clear_pointer (&f->h, airdock_harness_free);
}

/* Sends a request; returns the status, the body in out_body (nullable). */
static guint
request (Fixture *f, const char *method, const char *path, const char *user, const char *password,
         const char *form, char **out_body)
{
	g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", f->admin_port, path);
	g_autoptr (SoupMessage) msg = soup_message_new (method, url);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) body = NULL;

	soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
	if (user != NULL) {
		g_autofree char *pair = g_strdup_printf ("%s:%s", user, password);
		g_autofree char *b64 = g_base64_encode ((const guint8 *) pair, strlen (pair));
		g_autofree char *auth = g_strdup_printf ("Basic %s", b64);
		soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
	}
	if (form != NULL) {
		g_autoptr (GBytes) b = g_bytes_new (form, strlen (form));
		soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", b);
	}
	body = soup_session_send_and_read (f->session, msg, NULL, &error);
	g_assert_no_error (error);
	if (soup_message_get_status (msg) == SOUP_STATUS_SEE_OTHER)
		g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg),
		                                               "Location"), ==, "/");
	if (soup_message_get_status (msg) == SOUP_STATUS_UNAUTHORIZED)
		g_assert_nonnull (soup_message_headers_get_one (soup_message_get_response_headers (msg),
		                                                "WWW-Authenticate"));
	if (out_body != NULL)
		*out_body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
	return soup_message_get_status (msg);
}

static char *
get_page (Fixture *f, const char *path)
{
	char *body = NULL;

	g_assert_cmpuint (request (f, "GET", path, ADMIN, ADMIN_PASSWORD, NULL, &body), ==, 200);
	return body;
}

static char *
csrf_of (const char *page)
{
	const char *p = strstr (page, "name=\"csrf\" value=\"");

	g_assert_nonnull (p);
	return g_strndup (p + strlen ("name=\"csrf\" value=\""), 32);
}

static guint
post (Fixture *f, const char *action, const char *csrf)
{
	g_autofree char *path = g_strdup_printf ("/%s", action);
	g_autofree char *form = g_strdup_printf ("user=" USER "&device=" DEVICE "&csrf=%s", csrf);

	return request (f, "POST", path, ADMIN, ADMIN_PASSWORD, form, NULL);
}

static AirdockdWipeState
wipe_state (Fixture *f)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdAdminDevice) d = airdockd_admin_device_show (f->store, USER, DEVICE, &error);

	g_assert_no_error (error);
	return d->device->wipe_state;
}

static void
test_list (Fixture *f, gconstpointer data)
{
	g_autofree char *page = get_page (f, "/");

	g_assert_nonnull (strstr (page, "<td>" USER "</td><td>" DEVICE "</td>"));
	g_assert_nonnull (strstr (page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	g_assert_null (strstr (page, "<script"));
	g_assert_nonnull (strstr (page, "Pixel &amp; &lt;b&gt;9&lt;/b&gt;"));
	g_assert_nonnull (strstr (page, "Alice&#39;s phone"));
	g_assert_nonnull (strstr (page, "<div>IMEI: 356938035643809</div>"));
	g_assert_nonnull (strstr (page, "<div>Phone number: +15551234</div>"));
	g_assert_nonnull (strstr (page, "<div>OS: Android 15</div>"));
	g_assert_nonnull (strstr (page, "TestAgent/1.0"));
	g_assert_nonnull (strstr (page, "<td>16.1</td>"));
	g_assert_nonnull (strstr (page, "<td>provisioned</td>"));
	g_assert_nonnull (strstr (page, "<td class=\"wipe\">none</td>"));
	g_assert_nonnull (strstr (page, ADMIN "@example.org"));
	g_assert_nonnull (strstr (page, ">Cancel wipe</button>"));
}

static void
test_auth (Fixture *f, gconstpointer data)
{
	g_autofree char *body = NULL;

	g_assert_cmpuint (request (f, "GET", "/", NULL, NULL, NULL, NULL), ==, 401);
	g_assert_cmpuint (request (f, "GET", "/", ADMIN, "wrong", NULL, NULL), ==, 401);
	g_assert_cmpuint (request (f, "GET", "/", "nobody", "x", NULL, NULL), ==, 401);
	g_assert_cmpuint (request (f, "GET", "/", USER, USER_PASSWORD, NULL, &body), ==, 403);
	g_assert_null (strstr (body, DEVICE));
	g_assert_cmpuint (request (f, "POST", "/remove", USER, USER_PASSWORD,
	                           "user=" USER "&device=" DEVICE, NULL), ==, 403);
	g_assert_cmpuint (request (f, "GET", "/nope", ADMIN, ADMIN_PASSWORD, NULL, NULL), ==, 404);
	g_assert_cmpuint (request (f, "GET", "/remove", ADMIN, ADMIN_PASSWORD, NULL, NULL), ==, 405);
}

/* Lines of the security log with all of the given substrings. */
static guint
seclog_count (Fixture *f, const char *event, const char *user, const char *detail)
{
	g_autofree char *text = airdock_harness_read_seclog (f->h);
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	g_autofree char *e = g_strdup_printf ("\"event\":\"%s\"", event);
	g_autofree char *u = g_strdup_printf ("\"user\":\"%s\"", user);
	guint n = 0;

	for (gsize i = 0; lines[i] != NULL; i++)
		if (strstr (lines[i], e) && strstr (lines[i], u) && strstr (lines[i], detail))
			n++;
	return n;
}

#define LOCKOUT_CONFIG "[limits]\nauth_max_failures = 2\nauth_lockout_seconds = 600\n"

/* Wrong passwords on the admin page lock the login out (even with the
 * right password then) and are in the security log; the lockout is the
 * page's own: the same account still works over EAS. */
static void
test_auth_lockout (Fixture *f, gconstpointer data)
{
	g_autofree char *body = NULL;

	g_assert_cmpuint (seclog_count (f, AIRDOCKD_SECLOG_AUTH_FAILED, ADMIN, "admin page"), ==, 0);
	g_assert_cmpuint (request (f, "GET", "/", ADMIN, "wrong", NULL, NULL), ==, 401);
	g_assert_cmpuint (seclog_count (f, AIRDOCKD_SECLOG_AUTH_FAILED, ADMIN,
	                                "\"detail\":\"admin page from 127.0.0.1\""), ==, 1);
	g_assert_cmpuint (seclog_count (f, AIRDOCKD_SECLOG_AUTH_LOCKED, ADMIN, "admin page"), ==, 0);
	/* Below the limit the right password still works. */
	g_assert_cmpuint (request (f, "GET", "/", ADMIN, ADMIN_PASSWORD, NULL, NULL), ==, 200);
	g_assert_cmpuint (request (f, "GET", "/", ADMIN, "wrong", NULL, NULL), ==, 401);
	g_assert_cmpuint (request (f, "GET", "/", ADMIN, "Wrong", NULL, NULL), ==, 401);
	g_assert_cmpuint (seclog_count (f, AIRDOCKD_SECLOG_AUTH_FAILED, ADMIN, "admin page"), ==, 3);
	/* Locked: the right password is refused too, and the list is not shown. */
	g_assert_cmpuint (request (f, "GET", "/", ADMIN, ADMIN_PASSWORD, NULL, &body), ==, 401);
	g_assert_null (strstr (body, DEVICE));
	g_assert_cmpuint (seclog_count (f, AIRDOCKD_SECLOG_AUTH_LOCKED, ADMIN, "admin page from 127.0.0.1"),
	                  ==, 1);
	/* A valid account that is no administrator is logged, not locked. */
	g_assert_cmpuint (request (f, "GET", "/", USER, USER_PASSWORD, NULL, NULL), ==, 403);
	g_assert_cmpuint (seclog_count (f, AIRDOCKD_SECLOG_AUTH_FAILED, USER, "not an administrator"), ==, 1);
	g_assert_cmpuint (request (f, "GET", "/", USER, USER_PASSWORD, NULL, NULL), ==, 403);
	/* The password never reaches the log. */
	g_autofree char *log = airdock_harness_read_seclog (f->h);
	g_assert_null (strstr (log, ADMIN_PASSWORD));
	g_assert_null (strstr (log, "wrong"));
}

/* DEVICE syncs the hierarchy and the Inbox; the Inbox (and, with
 * hierarchy_too, the hierarchy) synced just now.  Returns the Inbox id. */
static char *
add_sync_times (Fixture *f, gboolean hierarchy_too)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdDevice) d = airdockd_store_device_get (f->store, f->user_id, DEVICE, &error);
	g_autoptr (AirdockdFolder) inbox = NULL;
	AirdockdSyncState state = { .sync_key = (char *) "1" };

	g_assert_no_error (error);
	inbox = airdockd_store_folder_get_by_type (f->store, f->user_id, AIRDOCKD_FOLDER_INBOX, &error);
	g_assert_no_error (error);
	g_assert_true (airdockd_store_sync_state_put (f->store, f->user_id, d->id, inbox->server_id, &state, &error));
	g_assert_true (airdockd_store_sync_state_put (f->store, f->user_id, d->id, AIRDOCKD_SYNC_HIERARCHY,
	                                              &state, &error));
	g_assert_true (airdockd_store_sync_state_touch (f->store, f->user_id, d->id, inbox->server_id, &error));
	if (hierarchy_too)
		g_assert_true (airdockd_store_sync_state_touch (f->store, f->user_id, d->id,
		                                                AIRDOCKD_SYNC_HIERARCHY, &error));
	g_assert_no_error (error);
	return g_strdup (inbox->server_id);
}

/* The listing shows the last successful sync of the device and of each
 * collection it syncs. */
static void
test_list_sync_times (Fixture *f, gconstpointer data)
{
	g_autofree char *before = get_page (f, "/");
	g_autofree char *after = NULL;
	g_autofree char *want = NULL;
	g_autofree char *inbox = NULL;
	g_autofree char *csrf = NULL;
	g_autofree char *form = NULL;
	g_autofree char *resynced = NULL;
	g_autofree char *log = NULL;

	g_assert_nonnull (strstr (before, "<td class=\"last-sync\">never</td>"));
	g_assert_nonnull (strstr (before, "<td class=\"folders\"></td>"));
	inbox = add_sync_times (f, FALSE);
	after = get_page (f, "/");
	g_assert_null (strstr (after, "<td class=\"last-sync\">never</td>"));
	g_assert_nonnull (strstr (after, "<th>Last successful sync (UTC)</th>"));
	/* Hierarchy first (never synced yet), then the Inbox with its time. */
	want = g_strdup_printf ("<td class=\"folders\"><div>(folder hierarchy): never</div><div>Inbox (%s): 2",
	                        inbox);
	g_assert_nonnull (strstr (after, want));

	/* Resync of that one folder: its line goes, the hierarchy stays. */
	csrf = csrf_of (after);
	form = g_strdup_printf ("user=" USER "&device=" DEVICE "&folder=%s&csrf=%s", inbox, csrf);
	g_assert_cmpuint (request (f, "POST", "/resync", ADMIN, ADMIN_PASSWORD, form, NULL), ==, 303);
	resynced = get_page (f, "/");
	g_assert_nonnull (strstr (resynced, "<td class=\"folders\"><div>(folder hierarchy): never</div></td>"));
	log = g_strdup_printf ("\"detail\":\"folder %s\"", inbox);
	g_assert_cmpuint (seclog_count (f, AIRDOCKD_SECLOG_DEVICE_RESYNC, USER, log), ==, 1);
}

static void
test_wipe_cancel (Fixture *f, gconstpointer data)
{
	g_autofree char *page = get_page (f, "/");
	g_autofree char *csrf = csrf_of (page);
	g_autofree char *confirm = get_page (f, "/wipe?user=" USER "&device=" DEVICE);
	g_autofree char *after = NULL;

	g_assert_nonnull (strstr (confirm, "Really wipe " DEVICE " of " USER "?"));
	g_assert_nonnull (strstr (confirm, "method=\"post\" action=\"/wipe\""));
	g_assert_cmpint (wipe_state (f), ==, AIRDOCKD_WIPE_NONE);
	/* Without or with a wrong token nothing happens. */
	g_assert_cmpuint (post (f, "wipe", ""), ==, 403);
	g_assert_cmpuint (post (f, "wipe", "0123456789abcdef0123456789abcdef"), ==, 403);
	g_assert_cmpint (wipe_state (f), ==, AIRDOCKD_WIPE_NONE);
	g_assert_cmpuint (post (f, "wipe", csrf), ==, 303);
	g_assert_cmpint (wipe_state (f), ==, AIRDOCKD_WIPE_PENDING);
	after = get_page (f, "/");
	g_assert_nonnull (strstr (after, "<td class=\"wipe\">pending</td>"));
	/* The rules of airdockd-admin.h apply: no second wipe. */
	g_assert_cmpuint (post (f, "wipe", csrf), ==, 409);
	g_assert_cmpuint (post (f, "cancel-wipe", csrf), ==, 303);
	g_assert_cmpint (wipe_state (f), ==, AIRDOCKD_WIPE_NONE);
	g_assert_cmpuint (post (f, "cancel-wipe", csrf), ==, 409);
}

static void
test_remove_resync (Fixture *f, gconstpointer data)
{
	g_autofree char *page = get_page (f, "/");
	g_autofree char *csrf = csrf_of (page);
	g_autofree char *after = NULL;
	g_autofree char *log = NULL;
	g_autofree char *log_path = g_build_filename (f->h->data_dir, "security.log", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdAdminDevice) gone = NULL;

	g_assert_cmpuint (post (f, "resync", csrf), ==, 303);
	g_assert_cmpuint (post (f, "remove", csrf), ==, 303);
	gone = airdockd_admin_device_show (f->store, USER, DEVICE, &error);
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_assert_cmpuint (post (f, "remove", csrf), ==, 404);
	after = get_page (f, "/");
	g_assert_null (strstr (after, "<td>" DEVICE "</td>"));
	g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
	g_assert_nonnull (strstr (log, "\"device-resync\""));
	g_assert_nonnull (strstr (log, "\"device-removed\""));
}

static void
test_escape (void)
{
	g_autofree char *e = airdockd_adminweb_escape ("<a href=\"x\">&'</a>");
	g_autofree char *n = airdockd_adminweb_escape (NULL);

	g_assert_cmpstr (e, ==, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
	g_assert_cmpstr (n, ==, "");
}

/* For test-adminweb-chromium.sh: serve until DIR/stop appears. */
static int
serve (const char *dir)
{
	Fixture f = { 0 };
	g_autofree char *url = NULL;
	g_autofree char *url_path = g_build_filename (dir, "url", NULL);
	g_autofree char *stop_path = g_build_filename (dir, "stop", NULL);

	fixture_setup (&f, NULL);
	add_sync_times (&f, TRUE);
	url = g_strdup_printf ("http://" ADMIN ":" ADMIN_PASSWORD "@127.0.0.1:%u/\n", f.admin_port);
	g_assert_true (g_file_set_contents (url_path, url, -1, NULL));
	for (guint i = 0; i < 1200 && !g_file_test (stop_path, G_FILE_TEST_EXISTS); i++)
		g_usleep (100 * 1000);
	fixture_teardown (&f, NULL);
	return 0;
}

int
main (int argc, char **argv)
{
	if (argc == 3 && g_str_equal (argv[1], "--serve"))
		return serve (argv[2]);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/adminweb/escape", test_escape);
	g_test_add ("/adminweb/list", Fixture, NULL, fixture_setup, test_list, fixture_teardown);
	g_test_add ("/adminweb/auth", Fixture, NULL, fixture_setup, test_auth, fixture_teardown);
	g_test_add ("/adminweb/auth-lockout", Fixture, LOCKOUT_CONFIG, fixture_setup, test_auth_lockout,
	            fixture_teardown);
	g_test_add ("/adminweb/list-sync-times", Fixture, NULL, fixture_setup, test_list_sync_times,
	            fixture_teardown);
	g_test_add ("/adminweb/wipe-cancel", Fixture, NULL, fixture_setup, test_wipe_cancel, fixture_teardown);
	g_test_add ("/adminweb/remove-resync", Fixture, NULL, fixture_setup, test_remove_resync,
	            fixture_teardown);
	return g_test_run ();
}
