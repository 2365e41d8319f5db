/* test-postfix.c — the real mail round trip: a device sends with EAS
 * SendMail, airdockd relays over SMTP to a private Postfix instance, Postfix
 * delivers over LMTP back into airdockd, and the recipient's device sees the
 * message in its Inbox through Sync.
 *
 * Postfix runs as root from a temporary directory with its own main.cf and
 * master.cf (tests/server/postfix/, main.cf.in and master.cf.in), queue and data directories, on
 * 127.0.0.1 only.  A guard process (a shell waiting on a pipe from this
 * test) stops that Postfix and removes the directory when the test process
 * ends in any way, so a failed assertion leaves no master running.
 *
 * Skips (with the reason) when not root or when Debian's postfix is not
 * installed (scripts/install-deps installs it).
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

#include "eas/eas-sendmail.h"
#include "tests/server/eas-client.h"
#include "tests/server/harness.h"

#define POSTFIX "/usr/sbin/postfix"
#define DOMAIN "airdock.test"
/* Bound on the whole round trip (queueing, LMTP, Sync); it normally takes
 * well under a second.  A bound, not a measurement. */
#define ROUND_TRIP_WAIT_US (60 * G_USEC_PER_SEC)

typedef struct {
	char *top;		/* temporary directory (mode 0755, root) */
	char *etc;		/* config_directory */
	GPid guard;
	int guard_fd;		/* write end of the guard's stdin; closing it = clean up */
	gboolean started;
} PostfixInstance;

static guint16
free_port (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GSocket) s = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
	g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
	g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);

	g_assert_no_error (error);
	g_assert_true (g_socket_bind (s, any, TRUE, &error));
	g_autoptr (GSocketAddress) bound = g_socket_get_local_address (s, &error);
	g_assert_no_error (error);
	return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static char *
read_template (const char *name)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tests", "server", "postfix", name, NULL);
	char *text = NULL;

	g_file_get_contents (path, &text, NULL, &error);
	g_assert_no_error (error);
	return text;
}

static char *
substitute (const char *text, const char * const *pairs)
{
	g_autofree char *out = g_strdup (text);

	for (guint i = 0; pairs[i] != NULL; i += 2) {
		g_auto (GStrv) parts = g_strsplit (out, pairs[i], -1);
		g_free (out);
		out = g_strjoinv (pairs[i + 1], parts);
	}
	g_assert_null (strstr (out, "@"  "QUEUE_DIR@"));
	return g_steal_pointer (&out);
}

static gboolean
run (const char * const *argv, char **out_output)
{
	g_autoptr (GError) error = NULL;
	int status = 0;
	g_autofree char *out = NULL, *err = NULL;

	if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error)) {
		if (out_output != NULL)
			*out_output = g_strdup (error->message);
		return FALSE;
	}
	if (out_output != NULL)
		*out_output = g_strconcat (out != NULL ? out : "", err != NULL ? err : "", NULL);
	return g_spawn_check_wait_status (status, NULL);
}

/* The guard: waits for EOF on stdin (this process ending or closing the
 * pipe), then stops this instance's master (by its pid file) and removes
 * the directory. */
static void
start_guard (PostfixInstance *p)
{
	static const char script[] =
		"read _unused\n"
		"top=\"$1\"\n"
		"if [ -f \"$top/queue/pid/master.pid\" ]; then\n"
		"  " POSTFIX " -c \"$top/etc\" abort >/dev/null 2>&1\n"
		"  pid=$(tr -dc 0-9 < \"$top/queue/pid/master.pid\")\n"
		"  i=0\n"
		"  while [ -n \"$pid\" ] && [ \"$(cat /proc/$pid/comm 2>/dev/null)\" = master ] && [ $i -lt 100 ]; do\n"
		"    sleep 0.1; i=$((i+1))\n"
		"  done\n"
		"  if [ -n \"$pid\" ] && [ \"$(cat /proc/$pid/comm 2>/dev/null)\" = master ]; then kill -9 \"$pid\"; fi\n"
		"fi\n"
		"rm -rf \"$top\"\n";
	const char *argv[] = { "/bin/sh", "-c", script, "airdock-postfix-guard", p->top, NULL };
	g_autoptr (GError) error = NULL;

	g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
	                          &p->guard, &p->guard_fd, NULL, NULL, &error);
	g_assert_no_error (error);
}

static void
postfix_cleanup (PostfixInstance *p)
{
	int status = 0;

	if (p->started) {
		const char *argv[] = { POSTFIX, "-c", p->etc, "stop", NULL };
		run (argv, NULL);
	}
	/* Closing the pipe lets the guard finish the job; wait for it. */
	close (p->guard_fd);
	waitpid (p->guard, &status, 0);
	g_spawn_close_pid (p->guard);
	g_assert_false (g_file_test (p->top, G_FILE_TEST_EXISTS));
	g_free (p->top);
	g_free (p->etc);
}

static void
write_config (PostfixInstance *p, guint16 smtp_port, guint16 lmtp_port)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *queue = g_build_filename (p->top, "queue", NULL);
	g_autofree char *data = g_build_filename (p->top, "data", NULL);
	g_autofree char *log = g_build_filename (p->top, "maillog", NULL);
	g_autofree char *sp = g_strdup_printf ("%u", smtp_port);
	g_autofree char *lp = g_strdup_printf ("%u", lmtp_port);
	const char *pairs[] = {
		"@QUEUE_DIR@", queue, "@DATA_DIR@", data, "@DOMAIN@", DOMAIN,
		"@SMTP_PORT@", sp, "@LMTP_PORT@", lp, "@LOG_FILE@", log, "@TOP_DIR@", p->top, NULL
	};
	struct passwd *pw = getpwnam ("postfix");

	g_assert_nonnull (pw);
	/* Postfix refuses group/world-writable directories and a config not
	 * owned by root; its daemons (user postfix) must traverse top. */
	g_assert_cmpint (g_mkdir (p->etc, 0755), ==, 0);
	g_assert_cmpint (g_mkdir (queue, 0755), ==, 0);
	g_assert_cmpint (g_mkdir (data, 0700), ==, 0);
	g_assert_cmpint (chown (data, pw->pw_uid, pw->pw_gid), ==, 0);
	for (guint i = 0; i < 2; i++) {
		const char *name = i == 0 ? "main.cf" : "master.cf";
		g_autofree char *tmpl_name = g_strconcat (name, ".in", NULL);
		g_autofree char *tmpl = read_template (tmpl_name);
		g_autofree char *text = substitute (tmpl, pairs);
		g_autofree char *path = g_build_filename (p->etc, name, NULL);
		g_file_set_contents (path, text, -1, &error);
		g_assert_no_error (error);
		g_assert_cmpint (g_chmod (path, 0644), ==, 0);
	}
}

static gboolean
postfix_start (PostfixInstance *p, guint16 smtp_port, guint16 lmtp_port, char **out_why)
{
	g_autoptr (GError) error = NULL;

	p->top = g_dir_make_tmp ("airdock-postfix-XXXXXX", &error);
	g_assert_no_error (error);
	g_assert_cmpint (g_chmod (p->top, 0755), ==, 0);
	p->etc = g_build_filename (p->top, "etc", NULL);
	start_guard (p);
	write_config (p, smtp_port, lmtp_port);

	const char *check[] = { POSTFIX, "-c", p->etc, "check", NULL };
	const char *start[] = { POSTFIX, "-c", p->etc, "start", NULL };
	g_autofree char *check_output = NULL;
	g_autofree char *output = NULL;
	if (!run (check, &check_output) || !run (start, &output)) {
		g_autofree char *log_path = g_build_filename (p->top, "maillog", NULL);
		g_autofree char *log = NULL;
		g_file_get_contents (log_path, &log, NULL, NULL);
		*out_why = g_strdup_printf ("postfix would not start: %s%s %s", check_output,
		                            output != NULL ? output : "", log != NULL ? log : "");
		return FALSE;
	}
	p->started = TRUE;
	return TRUE;
}

/* ---- EAS side ------------------------------------------------------------ */

static char *
inbox_id (AirdockEasClient *c)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_folder_sync (c, "0", &error);

	g_assert_no_error (error);
	g_assert_nonnull (r->tree);
	EasNode *changes = eas_node_child (r->tree, EAS_FOLDERHIERARCHY_CHANGES);
	g_assert_nonnull (changes);
	for (EasNode *add = eas_node_child (changes, EAS_FOLDERHIERARCHY_ADD); add != NULL; add = eas_node_next_same (add))
		if (g_strcmp0 (eas_node_child_text (add, EAS_FOLDERHIERARCHY_TYPE), "2") == 0)
			return g_strdup (eas_node_child_text (add, EAS_FOLDERHIERARCHY_SERVER_ID));
	g_assert_not_reached ();
}

/* One Sync of the Inbox; updates *key; TRUE when an Add with subject came. */
static gboolean
sync_once (AirdockEasClient *c, const char *inbox, char **key, const char *subject)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *coll = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	eas_node_append_text (coll, EAS_AIRSYNC_SYNC_KEY, *key);
	eas_node_append_text (coll, EAS_AIRSYNC_COLLECTION_ID, inbox);
	if (g_strcmp0 (*key, "0") != 0)
		eas_node_append (coll, EAS_AIRSYNC_GET_CHANGES);
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post_tree (c, EAS_CMD_SYNC, root, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	if (r->tree == NULL)
		return FALSE;	/* empty body: no changes */
	EasNode *rc = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	g_assert_nonnull (rc);
	const char *next = eas_node_child_text (rc, EAS_AIRSYNC_SYNC_KEY);
	if (next != NULL) {
		g_free (*key);
		*key = g_strdup (next);
	}
	EasNode *commands = eas_node_child (rc, EAS_AIRSYNC_COMMANDS);
	for (EasNode *add = commands ? eas_node_child (commands, EAS_AIRSYNC_ADD) : NULL; add != NULL;
	     add = eas_node_next_same (add)) {
		EasNode *app = eas_node_child (add, EAS_AIRSYNC_APPLICATION_DATA);
		if (app != NULL && g_strcmp0 (eas_node_child_text (app, EAS_EMAIL_SUBJECT), subject) == 0)
			return TRUE;
	}
	return FALSE;
}

static void
test_round_trip (void)
{
	PostfixInstance pf = { 0 };
	g_autofree char *why = NULL;
	g_autoptr (GError) error = NULL;

	if (geteuid () != 0) {
		g_test_skip ("the private Postfix instance needs root");
		return;
	}
	if (!g_file_test (POSTFIX, G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip ("postfix is not installed (scripts/install-deps installs it)");
		return;
	}

	guint16 smtp_port = free_port ();
	guint16 lmtp_port = free_port ();
	g_autofree char *extra = g_strdup_printf ("[smtp]\nrelay = 127.0.0.1:%u\n[lmtp]\nlisten = 127.0.0.1:%u\n",
	                                          smtp_port, lmtp_port);
	g_autoptr (AirdockHarness) h = airdock_harness_start (extra);
	airdock_harness_add_user (h, "alice", "alice@" DOMAIN, "secret");
	airdock_harness_add_user (h, "bob", "bob@" DOMAIN, "secret");

	if (!postfix_start (&pf, smtp_port, lmtp_port, &why)) {
		postfix_cleanup (&pf);
		g_test_skip (why);
		return;
	}

	/* Bob's device knows its Inbox before the mail arrives. */
	g_autoptr (AirdockEasClient) bob = airdock_eas_client_new (h, FALSE, "bob", "secret", "BOBDEV", "TestPhone", 141);
	g_assert_true (airdock_eas_client_provision (bob, NULL, &error));
	g_autofree char *inbox = inbox_id (bob);
	g_autofree char *key = g_strdup ("0");
	g_assert_false (sync_once (bob, inbox, &key, "Round trip"));

	g_autoptr (AirdockEasClient) alice = airdock_eas_client_new (h, FALSE, "alice", "secret", "ALICEDEV", "TestPhone", 141);
	g_assert_true (airdock_eas_client_provision (alice, NULL, &error));
	g_autoptr (EasComposeRequest) req = g_new0 (EasComposeRequest, 1);
	static const char mime[] = "To: Bob <bob@" DOMAIN ">\r\nSubject: Round trip\r\n\r\nThrough Postfix and back.\r\n";
	req->kind = EAS_COMPOSE_SEND_MAIL;
	req->client_id = g_strdup ("rt-1");
	req->mime = g_bytes_new_static (mime, strlen (mime));
	g_autoptr (GBytes) body = eas_compose_request_encode (req);
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (alice, EAS_CMD_SEND_MAIL, NULL, body, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_cmpuint (g_bytes_get_size (r->body), ==, 0);

	/* Bounded polling: Postfix queues, delivers over LMTP, Sync shows it. */
	gint64 deadline = g_get_monotonic_time () + ROUND_TRIP_WAIT_US;
	gboolean arrived = FALSE;
	while (!arrived && g_get_monotonic_time () < deadline) {
		arrived = sync_once (bob, inbox, &key, "Round trip");
		if (!arrived)
			g_usleep (200 * 1000);
	}
	if (!arrived) {
		g_autofree char *log_path = g_build_filename (pf.top, "maillog", NULL);
		g_autofree char *log = NULL;
		g_file_get_contents (log_path, &log, NULL, NULL);
		g_printerr ("# postfix log:\n%s\n", log != NULL ? log : "(none)");
	}
	postfix_cleanup (&pf);
	g_assert_true (arrived);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/postfix/round-trip", test_round_trip);
	return g_test_run ();
}
