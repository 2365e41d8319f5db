/* test-account.c — `airdock-conduit account …` against a real airdockd
 * (tests/server/harness): certificates trusted only by fingerprint, a wrong
 * password saves nothing, the 0600 secrets file, list (table and JSON),
 * remove, Autodiscover, the Secret Service under dbus-run-session; and the
 * contract functions of conduit/conduit-account.h. */
#define _GNU_SOURCE 1  /* posix_openpt, ptsname */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "conduit/conduit-account.h"
#include "eas/eas-autodiscover.h"
#include "tests/server/harness.h"

#define PASSWORD "s3cret-alice"

#define RESPONSE(body) \
	"<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">" \
	"<Response xmlns=\"" EAS_AUTODISCOVER_MOBILESYNC_RESPONSE_SCHEMA "\">" body "</Response></Autodiscover>"

static AirdockHarness *server;
static const char *run_language;	/* LANGUAGE for run (), with the build tree's catalogs */
static char *fingerprint;	/* lowercase hex SHA-256 of the server's DER */

typedef struct {
	char *home;		/* temporary XDG_CONFIG_HOME */
	char *dir;		/* home/airdock */
	char *url;		/* https://127.0.0.1:PORT */
	char *id;		/* alice@127.0.0.1:PORT */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	f->home = g_dir_make_tmp ("airdock-account-XXXXXX", &error);
	g_assert_no_error (error);
	f->dir = g_build_filename (f->home, "airdock", NULL);
	f->url = airdock_harness_url (server, TRUE);
	f->id = g_strdup_printf ("alice@127.0.0.1:%u", server->https_port);
}

static void
remove_tree (const char *path)
{
	g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
		g_autofree char *child = g_build_filename (path, name, NULL);

		if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
			remove_tree (child);
		else
			g_unlink (child);
	}
	g_rmdir (path);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	remove_tree (f->home);
	g_free (f->home);
	g_free (f->dir);
	g_free (f->url);
	g_free (f->id);
}

/* Runs airdock-conduit with args (NULL-terminated) and input on stdin, with
 * XDG_CONFIG_HOME = f->home, no session bus and the C locale. */
static int
run (Fixture *f, const char *input, char **out_stdout, char **out_stderr, ...)
{
	g_autofree char *bin = airdock_harness_build_path ("conduit/airdock-conduit");
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (
		G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr (GSubprocess) p = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *out = NULL, *err = NULL;
	const char *arg;
	va_list ap;

	g_ptr_array_add (argv, bin);
	g_ptr_array_add (argv, (gpointer) "account");
	va_start (ap, out_stderr);
	while ((arg = va_arg (ap, const char *)) != NULL)
		g_ptr_array_add (argv, (gpointer) arg);
	va_end (ap);
	g_ptr_array_add (argv, NULL);
	g_subprocess_launcher_setenv (l, "XDG_CONFIG_HOME", f->home, TRUE);
	g_subprocess_launcher_setenv (l, "LC_ALL", "C", TRUE);
	g_subprocess_launcher_unsetenv (l, "LANGUAGE");
	g_subprocess_launcher_unsetenv (l, "DBUS_SESSION_BUS_ADDRESS");
	g_subprocess_launcher_unsetenv (l, "XDG_RUNTIME_DIR");
	if (run_language != NULL) {
		g_autofree char *locale = g_test_build_filename (G_TEST_BUILT, "po", "locale", NULL);

		g_subprocess_launcher_setenv (l, "LC_ALL", "C.UTF-8", TRUE);
		g_subprocess_launcher_setenv (l, "LANGUAGE", run_language, TRUE);
		g_subprocess_launcher_setenv (l, "AIRDOCK_LOCALEDIR", locale, TRUE);
	}
	p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (p, input != NULL ? input : "", NULL, &out, &err, &error);
	g_assert_no_error (error);
	g_test_message ("account %s: stdout: %s stderr: %s", (const char *) argv->pdata[2], out, err);
	if (out_stdout != NULL)
		*out_stdout = g_steal_pointer (&out);
	if (out_stderr != NULL)
		*out_stderr = g_steal_pointer (&err);
	g_assert_true (g_subprocess_get_if_exited (p));
	return g_subprocess_get_exit_status (p);
}

static char *
file_text (Fixture *f, const char *name)
{
	g_autofree char *path = g_build_filename (f->dir, name, NULL);
	char *text = NULL;

	if (!g_file_get_contents (path, &text, NULL, NULL))
		return NULL;
	return text;
}

/* The fingerprint as a user copies it from a browser: AB:CD:… */
static char *
colon_fingerprint (void)
{
	GString *s = g_string_new (NULL);

	for (gsize i = 0; fingerprint[i] != '\0'; i += 2)
		g_string_append_printf (s, "%s%c%c", i > 0 ? ":" : "", g_ascii_toupper (fingerprint[i]),
		                        g_ascii_toupper (fingerprint[i + 1]));
	return g_string_free (s, FALSE);
}

static void
add_pinned (Fixture *f)
{
	g_autofree char *fp = colon_fingerprint ();

	g_assert_cmpint (run (f, PASSWORD "\n", NULL, NULL, "add", f->url, "alice", "--accept-certificate", fp,
	                      "--conflicts", "server-wins", NULL), ==, 0);
}

static void
test_untrusted (Fixture *f, gconstpointer data)
{
	g_autofree char *err = NULL;

	g_assert_cmpint (run (f, PASSWORD "\n", NULL, &err, "add", f->url, "alice", NULL), ==, 1);
	g_assert_nonnull (strstr (err, fingerprint));
	g_assert_nonnull (strstr (err, "--accept-certificate"));
	g_assert_null (file_text (f, "accounts.ini"));
	g_assert_null (file_text (f, "secrets"));
}

static void
test_pinned (Fixture *f, gconstpointer data)
{
	g_autofree char *ini = NULL, *secrets = NULL, *path = g_build_filename (f->dir, "secrets", NULL);
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autofree char *cert = NULL, *url = NULL, *want_url = g_strconcat (f->url, "/Microsoft-Server-ActiveSync", NULL);
	g_autoptr (ConduitAccount) a = NULL;
	g_autoptr (GError) error = NULL;
	GStatBuf st;

	add_pinned (f);
	ini = file_text (f, "accounts.ini");
	g_assert_nonnull (ini);
	g_assert_null (strstr (ini, PASSWORD));
	g_assert_true (g_key_file_load_from_data (kf, ini, strlen (ini), G_KEY_FILE_NONE, NULL));
	cert = g_key_file_get_string (kf, f->id, "cert_sha256", NULL);
	url = g_key_file_get_string (kf, f->id, "url", NULL);
	g_assert_cmpstr (cert, ==, fingerprint);
	g_assert_cmpstr (url, ==, want_url);
	secrets = file_text (f, "secrets");
	g_assert_nonnull (secrets);
	g_assert_nonnull (strstr (secrets, PASSWORD));
	g_assert_cmpint (g_stat (path, &st), ==, 0);
	g_assert_cmpint (st.st_mode & 0777, ==, 0600);

	/* The reconciler's view through the contract. */
	a = conduit_account_get (f->dir, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (a->id, ==, f->id);
	g_assert_cmpstr (a->user, ==, "alice");
	g_assert_cmpstr (a->cert_sha256, ==, fingerprint);
	g_assert_null (a->password);
	g_assert_true (conduit_account_load_password (f->dir, a, &error));
	g_assert_no_error (error);
	g_assert_cmpstr (a->password, ==, PASSWORD);
	g_assert_cmpint (conduit_account_get_conflict_policy (f->dir, a), ==, CONDUIT_CONFLICT_SERVER_WINS);
	g_assert_cmpint (conduit_account_get_secret_store (f->dir, a), ==, CONDUIT_SECRET_FILE);
}

static void
test_wrong_fingerprint (Fixture *f, gconstpointer data)
{
	g_autofree char *err = NULL;
	g_autofree char *wrong = g_strdup (fingerprint);

	wrong[0] = wrong[0] == '0' ? '1' : '0';
	g_assert_cmpint (run (f, PASSWORD "\n", NULL, &err, "add", f->url, "alice", "--accept-certificate", wrong,
	                      NULL), ==, 1);
	g_assert_nonnull (strstr (err, fingerprint));
	g_assert_nonnull (strstr (err, wrong));
	g_assert_null (file_text (f, "accounts.ini"));
	g_assert_null (file_text (f, "secrets"));
	/* Not a fingerprint at all: a usage error. */
	g_assert_cmpint (run (f, PASSWORD "\n", NULL, NULL, "add", f->url, "alice", "--accept-certificate", "abcd",
	                      NULL), ==, 2);
}

static void
test_wrong_password (Fixture *f, gconstpointer data)
{
	g_autofree char *err = NULL;

	g_assert_cmpint (run (f, "not-the-password\n", NULL, &err, "add", f->url, "alice", "--accept-certificate",
	                      fingerprint, NULL), ==, 1);
	g_assert_nonnull (strstr (err, "refused the user name or password"));
	g_assert_nonnull (strstr (err, "Nothing was saved"));
	g_assert_null (file_text (f, "accounts.ini"));
	g_assert_null (file_text (f, "secrets"));
}

static void
test_list (Fixture *f, gconstpointer data)
{
	g_autofree char *empty = NULL, *table = NULL, *json = NULL, *expect = NULL;

	g_assert_cmpint (run (f, NULL, &empty, NULL, "list", NULL), ==, 0);
	g_assert_nonnull (strstr (empty, "No accounts"));
	add_pinned (f);
	g_assert_cmpint (run (f, NULL, &table, NULL, "list", NULL), ==, 0);
	g_assert_true (g_str_has_prefix (table, "ID"));
	g_assert_nonnull (strstr (table, f->id));
	g_assert_nonnull (strstr (table, "/Microsoft-Server-ActiveSync"));
	g_assert_nonnull (strstr (table, " yes "));
	g_assert_true (g_str_has_suffix (table, "file\n"));
	g_assert_cmpint (run (f, NULL, &json, NULL, "list", "--json", NULL), ==, 0);
	expect = g_strdup_printf ("\"id\": \"%s\"", f->id);
	g_assert_nonnull (strstr (json, expect));
	g_assert_nonnull (strstr (json, "\"certificate_pinned\": true"));
	g_assert_nonnull (strstr (json, "\"password_store\": \"file\""));
	g_assert_nonnull (strstr (json, "\"conflicts\": \"server-wins\""));
	g_assert_nonnull (strstr (json, "\"email\": null"));
	g_assert_null (strstr (json, PASSWORD));
}

static void
test_remove (Fixture *f, gconstpointer data)
{
	g_autofree char *json = NULL, *secrets = NULL, *err = NULL;

	add_pinned (f);
	g_assert_cmpint (run (f, NULL, NULL, NULL, "remove", f->id, NULL), ==, 0);
	g_assert_cmpint (run (f, NULL, &json, NULL, "list", "--json", NULL), ==, 0);
	g_assert_cmpstr (json, ==, "[]\n");
	secrets = file_text (f, "secrets");
	g_assert_nonnull (secrets);
	g_assert_null (strstr (secrets, PASSWORD));
	g_assert_cmpint (run (f, NULL, NULL, &err, "remove", f->id, NULL), ==, 1);
	g_assert_nonnull (strstr (err, "no account"));
}

/* A secrets file others can read is refused, by the API and the CLI. */
static void
test_secrets_mode (Fixture *f, gconstpointer data)
{
	g_autofree char *path = g_build_filename (f->dir, "secrets", NULL);
	g_autofree char *err = NULL;
	g_autoptr (ConduitAccount) a = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *fp = colon_fingerprint ();

	add_pinned (f);
	g_assert_cmpint (g_chmod (path, 0640), ==, 0);
	a = conduit_account_get (f->dir, f->id, &error);
	g_assert_no_error (error);
	g_assert_false (conduit_account_load_password (f->dir, a, &error));
	g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
	g_assert_nonnull (strstr (error->message, path));
	g_assert_null (a->password);
	g_assert_cmpint (run (f, PASSWORD "\n", NULL, &err, "add", f->url, "alice", "--accept-certificate", fp, NULL),
	                 ==, 1);
	g_assert_nonnull (strstr (err, "chmod 600"));
}

static void
test_bad_config (Fixture *f, gconstpointer data)
{
	g_autofree char *path = g_build_filename (f->dir, "accounts.ini", NULL);
	g_autofree char *err = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) list = NULL;

	g_assert_cmpint (g_mkdir_with_parents (f->dir, 0700), ==, 0);
	g_assert_true (g_file_set_contents (path, "[a@b]\nurl=https://b/\nuser=a\npassword=oops\n", -1, NULL));
	list = conduit_accounts_list (f->dir, &error);
	g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
	g_assert_nonnull (strstr (error->message, "unknown key password"));
	g_assert_null (list);
	g_assert_cmpint (run (f, NULL, NULL, &err, "list", NULL), ==, 1);
	g_assert_nonnull (strstr (err, path));
}

static void
test_autodiscover (Fixture *f, gconstpointer data)
{
	g_autofree char *ad = g_strconcat (f->url, "/autodiscover/autodiscover.xml", NULL);
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr (GPtrArray) list = NULL;
	g_autofree char *want = g_strdup_printf ("https://localhost:%u/Microsoft-Server-ActiveSync", server->https_port);
	g_autoptr (ConduitAccount) a = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_cmpint (run (f, PASSWORD "\n", &out, NULL, "add", "alice@example.org", "alice", "--autodiscover-url",
	                      ad, "--accept-certificate", fingerprint, NULL), ==, 0);
	g_assert_nonnull (strstr (out, want));
	a = conduit_account_get (f->dir, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (a->url, ==, want);
	g_assert_cmpstr (a->email, ==, "alice@example.org");
	g_assert_cmpstr (a->user, ==, "alice");
	g_assert_cmpstr (a->cert_sha256, ==, fingerprint);
	/* The wrong password stops at Autodiscover, and changes nothing. */
	g_assert_cmpint (run (f, "wrong\n", NULL, &err, "add", "alice@example.org", "--autodiscover-url", ad,
	                      "--accept-certificate", fingerprint, NULL), ==, 1);
	g_assert_nonnull (strstr (err, "refused the user name or password"));
	list = conduit_accounts_list (f->dir, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (list->len, ==, 1);
}

/* An Autodiscover server of another domain, in a thread with its own main
 * context (run () blocks this one): old@example.org gets an Action/Redirect
 * to alice@example.org, which gets an HTTP 307 to the real airdockd. */
typedef struct {
	GThread *thread;
	GMainContext *ctx;
	GMainLoop *loop;
	char *target;
	guint16 port;
	GMutex lock;
	GCond cond;
	gboolean ready;
} Redirector;

static void
redirector_handle (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
	Redirector *r = data;
	g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
	g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
	static const char redirect[] = RESPONSE ("<Action><Redirect>alice@example.org</Redirect></Action>");

	if (strstr (text, "<EMailAddress>old@example.org</EMailAddress>") != NULL) {
		soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
		soup_server_message_set_response (msg, "text/xml", SOUP_MEMORY_STATIC, redirect, strlen (redirect));
	} else {
		soup_server_message_set_redirect (msg, SOUP_STATUS_TEMPORARY_REDIRECT, r->target);
	}
}

static gpointer
redirector_thread (gpointer data)
{
	Redirector *r = data;
	g_autofree char *cert_path = g_build_filename (server->data_dir, "tls-cert.pem", NULL);
	g_autofree char *key_path = g_build_filename (server->data_dir, "tls-key.pem", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (GTlsCertificate) cert = g_tls_certificate_new_from_files (cert_path, key_path, &error);
	g_autoptr (SoupServer) soup = NULL;
	GSList *uris;

	g_assert_no_error (error);
	g_main_context_push_thread_default (r->ctx);
	soup = soup_server_new ("tls-certificate", cert, NULL);
	soup_server_add_handler (soup, NULL, redirector_handle, r, NULL);
	g_assert_true (soup_server_listen_local (soup, 0, SOUP_SERVER_LISTEN_HTTPS | SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
	g_assert_no_error (error);
	uris = soup_server_get_uris (soup);
	g_mutex_lock (&r->lock);
	r->port = (guint16) g_uri_get_port (uris->data);
	r->ready = TRUE;
	g_cond_signal (&r->cond);
	g_mutex_unlock (&r->lock);
	g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
	g_main_loop_run (r->loop);
	soup_server_disconnect (soup);
	g_main_context_pop_thread_default (r->ctx);
	return NULL;
}

static gboolean
quit_loop (gpointer loop)
{
	g_main_loop_quit (loop);
	return G_SOURCE_REMOVE;
}

static void
test_autodiscover_redirects (Fixture *f, gconstpointer data)
{
	Redirector r = { 0 };
	g_autofree char *ad = NULL, *out = NULL;
	g_autofree char *want = g_strdup_printf ("https://localhost:%u/Microsoft-Server-ActiveSync", server->https_port);
	g_autoptr (ConduitAccount) a = NULL;
	g_autoptr (GError) error = NULL;

	r.ctx = g_main_context_new ();
	r.loop = g_main_loop_new (r.ctx, FALSE);
	r.target = g_strconcat (f->url, "/autodiscover/autodiscover.xml", NULL);
	g_mutex_init (&r.lock);
	g_cond_init (&r.cond);
	r.thread = g_thread_new ("redirector", redirector_thread, &r);
	g_mutex_lock (&r.lock);
	while (!r.ready)
		g_cond_wait (&r.cond, &r.lock);
	g_mutex_unlock (&r.lock);
	ad = g_strdup_printf ("https://127.0.0.1:%u/autodiscover/autodiscover.xml", r.port);

	g_assert_cmpint (run (f, PASSWORD "\n", &out, NULL, "add", "old@example.org", "alice", "--autodiscover-url", ad,
	                      "--accept-certificate", fingerprint, NULL), ==, 0);
	g_main_context_invoke (r.ctx, quit_loop, r.loop);
	g_thread_join (r.thread);
	g_main_loop_unref (r.loop);
	g_main_context_unref (r.ctx);
	g_free (r.target);
	g_mutex_clear (&r.lock);
	g_cond_clear (&r.cond);

	g_assert_nonnull (strstr (out, want));
	a = conduit_account_get (f->dir, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (a->url, ==, want);
	g_assert_cmpstr (a->email, ==, "old@example.org");
}

/* Reads the pty until what has been read contains want (or EOF/EIO). */
static gboolean
pty_expect (int master, GString *seen, const char *want)
{
	while (strstr (seen->str, want) == NULL) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		char buf[512];
		ssize_t n;

		/* A guard against a hang, not a timing assertion. */
		if (poll (&p, 1, 60000) <= 0)
			return FALSE;
		n = read (master, buf, sizeof buf);
		if (n <= 0)
			return FALSE;
		g_string_append_len (seen, buf, n);
	}
	return TRUE;
}

/* On a terminal: the password prompt without echo, then the certificate
 * shown with its fingerprint and "Trust this certificate? [y/N]". */
static void
test_terminal (Fixture *f, gconstpointer data)
{
	g_autofree char *bin = airdock_harness_build_path ("conduit/airdock-conduit");
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
	g_autoptr (GSubprocess) p = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GString) seen = g_string_new (NULL);
	g_autoptr (ConduitAccount) a = NULL;
	int master = posix_openpt (O_RDWR | O_NOCTTY), slave;

	g_assert_cmpint (master, >=, 0);
	g_assert_cmpint (grantpt (master), ==, 0);
	g_assert_cmpint (unlockpt (master), ==, 0);
	slave = open (ptsname (master), O_RDWR | O_NOCTTY);
	g_assert_cmpint (slave, >=, 0);
	g_subprocess_launcher_take_stdin_fd (l, slave);
	g_subprocess_launcher_take_stdout_fd (l, dup (slave));
	g_subprocess_launcher_take_stderr_fd (l, dup (slave));
	g_subprocess_launcher_setenv (l, "XDG_CONFIG_HOME", f->home, TRUE);
	g_subprocess_launcher_setenv (l, "LC_ALL", "C", TRUE);
	g_subprocess_launcher_unsetenv (l, "DBUS_SESSION_BUS_ADDRESS");
	g_subprocess_launcher_unsetenv (l, "XDG_RUNTIME_DIR");
	p = g_subprocess_launcher_spawn (l, &error, bin, "account", "add", f->url, "alice", NULL);
	g_assert_no_error (error);
	g_assert_true (pty_expect (master, seen, "Password for alice"));
	g_assert_cmpint (write (master, PASSWORD "\n", strlen (PASSWORD) + 1), ==, (gssize) strlen (PASSWORD) + 1);
	if (!pty_expect (master, seen, "[y/N]"))
		g_error ("no trust question in: %s", seen->str);
	g_assert_cmpint (write (master, "y\n", 2), ==, 2);
	g_assert_true (pty_expect (master, seen, "Pinned certificate"));
	g_assert_true (g_subprocess_wait_check (p, NULL, &error));
	g_assert_no_error (error);
	close (master);
	g_test_message ("terminal: %s", seen->str);
	g_assert_null (strstr (seen->str, PASSWORD));	/* no echo */
	g_assert_nonnull (strstr (seen->str, "Subject:"));
	g_assert_nonnull (strstr (seen->str, "Issuer:"));
	g_assert_nonnull (strstr (seen->str, "Valid:"));
	g_assert_nonnull (strstr (seen->str, fingerprint));
	a = conduit_account_get (f->dir, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (a->cert_sha256, ==, fingerprint);
}

/* The Secret Service path: gnome-keyring on a private session bus, with
 * an unlocked login keyring (data NULL) or none at all (data non-NULL: the
 * service starts on demand and has no default collection to store into). */
static void
test_keyring (Fixture *f, gconstpointer data)
{
	gboolean locked = data != NULL;
	g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");
	g_autofree char *session = g_find_program_in_path ("dbus-run-session");
	g_autofree char *tool = g_find_program_in_path ("secret-tool");
	g_autofree char *bin = airdock_harness_build_path ("conduit/airdock-conduit");
	g_autofree char *runtime = g_build_filename (f->home, "run", NULL);
	g_autofree char *script = NULL, *out = NULL, *err = NULL, *expect = NULL;
	g_autoptr (GSubprocessLauncher) l = NULL;
	g_autoptr (GSubprocess) p = NULL;
	g_autoptr (GError) error = NULL;

	if (daemon == NULL || session == NULL || tool == NULL) {
		g_test_skip ("gnome-keyring-daemon, dbus-run-session or secret-tool missing "
		             "(scripts/install-deps installs them)");
		return;
	}
	g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
	script = g_strdup_printf (
		"set -e\n"
		"%s"
		"printf '%%s\\n' '" PASSWORD "' | '%s' account add '%s' alice --accept-certificate %s\n"
		"'%s' account list --json\n"
		"echo \"lookup=$(secret-tool lookup account '%s')\"\n"
		"'%s' account remove '%s'\n"
		"echo \"after=$(secret-tool lookup account '%s' || true)\"\n",
		locked ? "" : "printf keyring-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n",
		bin, f->url, fingerprint, bin, f->id, bin, f->id, f->id);
	l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_subprocess_launcher_setenv (l, "HOME", f->home, TRUE);
	g_subprocess_launcher_setenv (l, "XDG_CONFIG_HOME", f->home, TRUE);
	g_subprocess_launcher_setenv (l, "XDG_DATA_HOME", f->home, TRUE);
	g_subprocess_launcher_setenv (l, "XDG_RUNTIME_DIR", runtime, TRUE);
	g_subprocess_launcher_setenv (l, "LC_ALL", "C", TRUE);
	g_subprocess_launcher_unsetenv (l, "DBUS_SESSION_BUS_ADDRESS");
	p = g_subprocess_launcher_spawn (l, &error, session, "--", "sh", "-c", script, NULL);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (p, NULL, NULL, &out, &err, &error);
	g_assert_no_error (error);
	g_test_message ("keyring: stdout: %s stderr: %s", out, err);
	g_assert_true (g_subprocess_get_if_exited (p));
	if (locked && g_subprocess_get_exit_status (p) != 0) {
		/* Refused by the keyring (no prompt possible here): said so, and
		 * nothing saved anywhere. */
		g_assert_nonnull (strstr (err, "keyring"));
		g_assert_null (file_text (f, "accounts.ini"));
		g_assert_null (file_text (f, "secrets"));
		return;
	}
	g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
	g_assert_nonnull (strstr (out, "password in the desktop keyring"));
	g_assert_nonnull (strstr (out, "\"password_store\": \"keyring\""));
	g_assert_nonnull (strstr (out, "lookup=" PASSWORD "\n"));
	g_assert_nonnull (strstr (out, "after=\n"));
	g_assert_null (file_text (f, "secrets"));
	expect = file_text (f, "accounts.ini");
	g_assert_nonnull (expect);
	g_assert_null (strstr (expect, PASSWORD));
}

/* The CLI speaks German and Czech from the catalogs of the build tree. */
static void
test_translated (Fixture *f, gconstpointer data)
{
	g_autofree char *mo = g_test_build_filename (G_TEST_BUILT, "po", "locale", "de", "LC_MESSAGES", GETTEXT_PACKAGE ".mo",
	                                            NULL);
	g_autofree char *de = NULL, *cs = NULL, *err = NULL, *fp = colon_fingerprint ();

	if (!g_file_test (mo, G_FILE_TEST_EXISTS)) {
		g_test_skip ("po/locale not built (make builds it)");
		return;
	}
	run_language = "de";
	g_assert_cmpint (run (f, NULL, &de, NULL, "list", NULL), ==, 0);
	g_assert_cmpint (run (f, "wrong\n", NULL, &err, "add", f->url, "alice", "--accept-certificate", fp, NULL), ==, 1);
	run_language = "cs";
	g_assert_cmpint (run (f, NULL, &cs, NULL, "list", NULL), ==, 0);
	run_language = NULL;
	g_assert_nonnull (strstr (de, "Keine Konten"));
	g_assert_nonnull (strstr (err, "Es wurde nichts gespeichert"));
	g_assert_nonnull (strstr (cs, "Žádné účty"));
}

static GTlsCertificate *
server_certificate (void)
{
	g_autoptr (GBytes) der = airdock_harness_certificate_der (server);
	g_autofree char *b64 = g_base64_encode (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
	g_autofree char *pem = g_strdup_printf ("-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n", b64);
	g_autoptr (GError) error = NULL;
	GTlsCertificate *cert = g_tls_certificate_new_from_pem (pem, -1, &error);

	g_assert_no_error (error);
	return cert;
}

static void
test_certificate_ok (void)
{
	g_autoptr (GTlsCertificate) cert = server_certificate ();
	g_autofree char *upper = colon_fingerprint ();
	g_autofree char *wrong = g_strdup (fingerprint);
	g_autofree char *sha = conduit_account_certificate_sha256 (cert);
	ConduitAccount a = { 0 };

	g_assert_cmpstr (sha, ==, fingerprint);
	/* No pin: the system's verdict. */
	g_assert_true (conduit_account_certificate_ok (&a, cert, 0));
	g_assert_false (conduit_account_certificate_ok (&a, cert, G_TLS_CERTIFICATE_UNKNOWN_CA));
	/* A pin: exactly the fingerprint, whatever the errors. */
	a.cert_sha256 = fingerprint;
	g_assert_true (conduit_account_certificate_ok (&a, cert, G_TLS_CERTIFICATE_UNKNOWN_CA));
	g_assert_true (conduit_account_certificate_ok (&a, cert, G_TLS_CERTIFICATE_BAD_IDENTITY));
	g_assert_true (conduit_account_certificate_ok (&a, cert, 0));
	a.cert_sha256 = upper;
	g_assert_true (conduit_account_certificate_ok (&a, cert, G_TLS_CERTIFICATE_UNKNOWN_CA));
	wrong[63] = wrong[63] == 'a' ? 'b' : 'a';
	a.cert_sha256 = wrong;
	g_assert_false (conduit_account_certificate_ok (&a, cert, G_TLS_CERTIFICATE_UNKNOWN_CA));
	g_assert_false (conduit_account_certificate_ok (&a, cert, 0));
	a.cert_sha256 = (char *) "abcd";
	g_assert_false (conduit_account_certificate_ok (&a, cert, 0));
	a.cert_sha256 = fingerprint;
	g_assert_false (conduit_account_certificate_ok (&a, NULL, 0));
}

static void
test_helpers (void)
{
	g_autofree char *upper = colon_fingerprint ();
	g_autofree char *n1 = conduit_account_normalize_fingerprint (upper, NULL);
	g_autofree char *n2 = conduit_account_normalize_fingerprint (fingerprint, NULL);
	g_autofree char *longer = g_strconcat (fingerprint, "00", NULL);
	g_autofree char *id1 = conduit_account_make_id ("https://mail.example.org/Microsoft-Server-ActiveSync", "bob", NULL);
	g_autofree char *id2 = conduit_account_make_id ("https://mail.example.org:8443/x", "bob", NULL);
	g_autoptr (GError) error = NULL;
	char *none;

	g_assert_cmpstr (n1, ==, fingerprint);
	g_assert_cmpstr (n2, ==, fingerprint);
	none = conduit_account_normalize_fingerprint (longer, &error);
	g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
	g_assert_null (none);
	g_clear_error (&error);
	none = conduit_account_normalize_fingerprint ("zz", &error);
	g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
	g_assert_null (none);
	g_clear_error (&error);
	g_assert_cmpstr (id1, ==, "bob@mail.example.org");
	g_assert_cmpstr (id2, ==, "bob@mail.example.org:8443");
	none = conduit_account_make_id ("http://mail.example.org/", "bob", &error);
	g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
	g_assert_null (none);
}

static EasAutodiscoverResponse *
parse_response (const char *xml, GError **error)
{
	return eas_autodiscover_response_parse ((const guint8 *) xml, strlen (xml), error);
}

/* The client's parser: the MobileSync server among others, Redirect,
 * both error forms, and the request it sends parses on the server side. */
static void
test_response_parse (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasAutodiscoverResponse) r = NULL;
	g_autoptr (GBytes) req = eas_autodiscover_build_request ("a&b@example.org");
	g_autoptr (EasAutodiscoverRequest) parsed = NULL;

	r = parse_response (RESPONSE ("<User><DisplayName>A</DisplayName><EMailAddress>a@example.org</EMailAddress></User>"
	                              "<Action><Settings><Server><Type>CertEnroll</Type><Url>https://ca/</Url></Server>"
	                              "<Server><Type>MobileSync</Type><Url> https://m.example.org/Microsoft-Server-ActiveSync "
	                              "</Url></Server></Settings></Action>"), &error);
	g_assert_no_error (error);
	g_assert_cmpstr (r->url, ==, "https://m.example.org/Microsoft-Server-ActiveSync");
	g_assert_cmpstr (r->display_name, ==, "A");
	g_assert_cmpstr (r->email_address, ==, "a@example.org");
	g_assert_null (r->redirect);
	g_assert_cmpuint (r->error_code, ==, 0);
	g_clear_pointer (&r, eas_autodiscover_response_free);

	r = parse_response (RESPONSE ("<Action><Redirect>b@eu.example.org</Redirect></Action>"), &error);
	g_assert_no_error (error);
	g_assert_cmpstr (r->redirect, ==, "b@eu.example.org");
	g_assert_null (r->url);
	g_clear_pointer (&r, eas_autodiscover_response_free);

	r = parse_response (RESPONSE ("<Error Time=\"1\" Id=\"2\"><ErrorCode>601</ErrorCode><Message>No</Message></Error>"),
	                    &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->error_code, ==, 601);
	g_assert_cmpstr (r->error_message, ==, "No");
	g_clear_pointer (&r, eas_autodiscover_response_free);

	r = parse_response (RESPONSE ("<Action><Error><Status>1</Status><Message>x</Message><ErrorCode>600</ErrorCode>"
	                              "</Error></Action>"), &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->error_code, ==, 600);
	g_clear_pointer (&r, eas_autodiscover_response_free);

	/* A server that is not MobileSync, nothing else: nothing to use. */
	r = parse_response (RESPONSE ("<Action><Settings><Server><Type>CertEnroll</Type><Url>https://ca/</Url></Server>"
	                              "</Settings></Action>"), &error);
	g_assert_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_INVALID);
	g_assert_null (r);
	g_clear_error (&error);
	r = parse_response ("<Other/>", &error);
	g_assert_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_INVALID);
	g_clear_error (&error);
	r = parse_response (RESPONSE ("<Error><ErrorCode>x1</ErrorCode></Error>"), &error);
	g_assert_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_INVALID);
	g_clear_error (&error);

	parsed = eas_autodiscover_request_parse (g_bytes_get_data (req, NULL), g_bytes_get_size (req), &error);
	g_assert_no_error (error);
	g_assert_cmpstr (parsed->email_address, ==, "a&b@example.org");
	g_assert_true (eas_autodiscover_wants_mobilesync (parsed));
}

/* Text limit and depth limit at N and N+1. */
static void
test_response_limits (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasAutodiscoverResponse) r = NULL;
	g_autofree char *n = g_strnfill (EAS_AUTODISCOVER_MAX_TEXT, 'a');
	g_autofree char *n1 = g_strnfill (EAS_AUTODISCOVER_MAX_TEXT + 1, 'a');
	g_autofree char *ok = g_strdup_printf (RESPONSE ("<Action><Redirect>x@%s</Redirect></Action>"), n + 2);
	g_autofree char *over = g_strdup_printf (RESPONSE ("<Action><Redirect>x@%s</Redirect></Action>"), n1 + 2);
	/* Autodiscover/Response/Action/Settings/Server is depth 5: nest to the
	 * limit (8) and one past it. */
	const char *deep_ok = RESPONSE ("<Action><Settings><Server><Type>MobileSync</Type><Url>https://x/</Url>"
	                                "<Ext><a><b/></a></Ext></Server></Settings></Action>");
	const char *deep_over = RESPONSE ("<Action><Settings><Server><Url><a><b><c/></b></a></Url></Server></Settings>"
	                                  "</Action>");

	r = parse_response (ok, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (strlen (r->redirect), ==, EAS_AUTODISCOVER_MAX_TEXT);
	g_clear_pointer (&r, eas_autodiscover_response_free);
	r = parse_response (over, &error);
	g_assert_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_LIMIT);
	g_assert_null (r);
	g_clear_error (&error);
	r = parse_response (deep_ok, &error);
	g_assert_no_error (error);
	g_assert_nonnull (r->url);
	g_clear_pointer (&r, eas_autodiscover_response_free);
	r = parse_response (deep_over, &error);
	g_assert_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_LIMIT);
	g_assert_null (r);
}

int
main (int argc, char **argv)
{
	g_autoptr (GBytes) der = NULL;
	int status;

	g_test_init (&argc, &argv, NULL);
	server = airdock_harness_start (NULL);
	airdock_harness_add_user (server, "alice", "alice@example.org", PASSWORD);
	der = airdock_harness_certificate_der (server);
	fingerprint = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
#define ADD(path, fn) g_test_add ("/account/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("add/untrusted-certificate", test_untrusted);
	ADD ("add/pinned", test_pinned);
	ADD ("add/wrong-fingerprint", test_wrong_fingerprint);
	ADD ("add/wrong-password", test_wrong_password);
	ADD ("add/autodiscover", test_autodiscover);
	ADD ("add/autodiscover-redirects", test_autodiscover_redirects);
	ADD ("list", test_list);
	ADD ("remove", test_remove);
	ADD ("secrets-mode", test_secrets_mode);
	ADD ("bad-config", test_bad_config);
	ADD ("add/terminal", test_terminal);
	ADD ("keyring", test_keyring);
	g_test_add ("/account/keyring-locked", Fixture, "locked", fixture_setup, test_keyring, fixture_teardown);
	ADD ("translated", test_translated);
	g_test_add_func ("/account/certificate-ok", test_certificate_ok);
	g_test_add_func ("/account/helpers", test_helpers);
	g_test_add_func ("/account/autodiscover-response/parse", test_response_parse);
	g_test_add_func ("/account/autodiscover-response/limits", test_response_limits);
	status = g_test_run ();
	g_clear_pointer (&server, airdock_harness_free);
	g_free (fingerprint);
	return status;
}
