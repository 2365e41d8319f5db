/* test-ping.c — Ping (DirectPush) against the real airdockd: statuses,
 * parking, waking by LMTP delivery, heartbeat expiry, a newer request
 * ending a parked Ping, and a client that hangs up. */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "eas/eas-ping.h"
#include "server/airdockd-store.h"
#include "tests/server/eas-client.h"

#define PASSWORD "p1ng-secret"

/* [push] bounds for tests: 2–30 s, so expiry takes seconds, not minutes. */
#define TEST_CONFIG "[push]\nheartbeat_min = 2\nheartbeat_max = 30\nmax_folders = 3\npoll_interval = 1\n"

typedef struct {
	AirdockHarness *h;
	AirdockdStore *store;
	gint64 alice, bob;
	char *alice_inbox, *bob_inbox;
} Fixture;

static char *
inbox_of (AirdockdStore *store, gint64 uid)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) f = airdockd_store_folder_get_by_type (store, uid, AIRDOCKD_FOLDER_INBOX, &error);

	g_assert_no_error (error);
	return g_strdup (f->server_id);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	f->h = airdock_harness_start (TEST_CONFIG);
	f->alice = airdock_harness_add_user (f->h, "alice", "alice@example.org", PASSWORD);
	f->bob = airdock_harness_add_user (f->h, "bob", "bob@example.org", PASSWORD);
	f->store = airdock_harness_open_store (f->h);
	f->alice_inbox = inbox_of (f->store, f->alice);
	f->bob_inbox = inbox_of (f->store, f->bob);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_free (f->alice_inbox);
	g_free (f->bob_inbox);
	g_clear_pointer (&f->store, airdockd_store_unref);
	g_clear_pointer (&f->h, airdock_harness_free);
}

static AirdockEasClient *
client_on (Fixture *f, gboolean https, const char *user, const char *device)
{
	g_autoptr (GError) error = NULL;
	AirdockEasClient *c = airdock_eas_client_new (f->h, https, user, PASSWORD, device, "TestPhone", 141);

	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
	return c;
}

static AirdockEasClient *
client (Fixture *f, const char *user, const char *device)
{
	return client_on (f, FALSE, user, device);
}

/* A second connection of an already provisioned device (same key). */
static AirdockEasClient *
second_client (Fixture *f, AirdockEasClient *first, const char *user, const char *device)
{
	AirdockEasClient *c = airdock_eas_client_new (f->h, FALSE, user, PASSWORD, device, "TestPhone", 141);

	airdock_eas_client_set_policy_key (c, airdock_eas_client_get_policy_key (first));
	return c;
}

/* <Ping> with heartbeat (0 = none) and folders (NULL-terminated ids). */
static EasNode *
ping_body (guint heartbeat, const char * const *folders)
{
	EasNode *root = eas_node_new (EAS_PING_PING);

	if (heartbeat > 0) {
		g_autofree char *hb = g_strdup_printf ("%u", heartbeat);
		eas_node_append_text (root, EAS_PING_HEARTBEAT_INTERVAL, hb);
	}
	if (folders != NULL && folders[0] != NULL) {
		EasNode *fs = eas_node_append (root, EAS_PING_FOLDERS);
		for (gsize i = 0; folders[i] != NULL; i++) {
			EasNode *one = eas_node_append (fs, EAS_PING_FOLDER);
			eas_node_append_text (one, EAS_PING_ID, folders[i]);
			eas_node_append_text (one, EAS_PING_CLASS, "Email");
		}
	}
	return root;
}

/* Posts a Ping (root NULL = empty body) and returns its Status; the
 * response tree stays in *out (may be NULL). */
static guint
ping (AirdockEasClient *c, EasNode *root_taken, AirdockEasResponse **out)
{
	g_autoptr (EasNode) root = root_taken;
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post_tree (c, EAS_CMD_PING, root, &error);
	guint64 status = 0;

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	g_assert_true (eas_node_child_uint (r->tree, EAS_PING_STATUS, 1, 200, &status, NULL));
	if (out != NULL)
		*out = g_steal_pointer (&r);
	return (guint) status;
}

/* A Ping running in its own thread (the client is blocking). */
typedef struct {
	AirdockEasClient *c;
	EasNode *root;
	guint status;
	AirdockEasResponse *r;
} AsyncPing;

static gpointer
ping_thread (gpointer data)
{
	AsyncPing *a = data;

	a->status = ping (a->c, g_steal_pointer (&a->root), &a->r);
	return NULL;
}

static GThread *
ping_start (AsyncPing *a, AirdockEasClient *c, EasNode *root)
{
	a->c = c;
	a->root = root;
	return g_thread_new ("ping", ping_thread, a);
}

/* What an administrator sees: the "parked Pings:" line of `airdockctl status`. */
static guint
ctl_status_parked (Fixture *f)
{
	g_autofree char *ctl = airdock_harness_build_path ("server/airdockctl");
	const char *argv[] = { ctl, "--data-dir", f->h->data_dir, "status", NULL };
	g_autofree char *out = NULL;
	g_autoptr (GError) error = NULL;
	int wait_status = 0;
	g_autofree char *digits = NULL;
	const char *line;
	guint64 n = 0;

	g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
	                             &out, NULL, &wait_status, &error));
	g_assert_no_error (error);
	g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
	line = strstr (out, "parked Pings:");
	g_assert_nonnull (line);
	line += strlen ("parked Pings:");
	while (*line == ' ')
		line++;
	digits = g_strndup (line, strspn (line, "0123456789"));
	g_assert_true (g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT, &n, NULL));
	return (guint) n;
}

static guint16
lmtp_port (Fixture *f)
{
	g_autofree char *text = NULL;
	g_autofree char *num = NULL;
	const char *p;
	guint64 port = 0;

	g_assert_true (g_file_get_contents (f->h->ports_path, &text, NULL, NULL));
	p = strstr (text, "lmtp=");
	g_assert_nonnull (p);
	num = g_strndup (p + 5, strcspn (p + 5, "\n"));
	g_assert_true (g_ascii_string_to_unsigned (num, 10, 1, 65535, &port, NULL));
	return (guint16) port;
}

static void
lmtp_expect (GDataInputStream *in, const char *code)
{
	g_autoptr (GError) error = NULL;

	for (;;) {
		g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, &error);

		g_assert_no_error (error);
		g_assert_nonnull (line);
		g_assert_true (g_str_has_prefix (line, code));
		if (line[3] != '-')
			return;
	}
}

static void
lmtp_send (GOutputStream *out, const char *text)
{
	g_autoptr (GError) error = NULL;

	g_assert_true (g_output_stream_write_all (out, text, strlen (text), NULL, NULL, &error));
	g_assert_no_error (error);
}

/* Delivers one message to rcpt over real LMTP. */
static void
deliver (Fixture *f, const char *rcpt)
{
	g_autoptr (GSocketClient) sc = g_socket_client_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GSocketConnection) conn = g_socket_client_connect_to_host (sc, "127.0.0.1", lmtp_port (f), NULL, &error);
	g_autoptr (GDataInputStream) in = NULL;
	GOutputStream *out;
	g_autofree char *rcpt_line = g_strdup_printf ("RCPT TO:<%s>\r\n", rcpt);

	g_assert_no_error (error);
	in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
	g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
	out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
	lmtp_expect (in, "220");
	lmtp_send (out, "LHLO test\r\n");
	lmtp_expect (in, "250");
	lmtp_send (out, "MAIL FROM:<sender@example.net>\r\n");
	lmtp_expect (in, "250");
	lmtp_send (out, rcpt_line);
	lmtp_expect (in, "250");
	lmtp_send (out, "DATA\r\n");
	lmtp_expect (in, "354");
	lmtp_send (out, "From: sender@example.net\r\nTo: someone\r\nSubject: push\r\n"
	                "Message-ID: <push@example.net>\r\n\r\nHello.\r\n.\r\n");
	lmtp_expect (in, "250");
	lmtp_send (out, "QUIT\r\n");
}

static void
test_missing_parameters (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, "alice", "PINGDEV1");

	/* Nothing sent, nothing remembered. */
	g_assert_cmpuint (ping (c, NULL, NULL), ==, EAS_PING_STATUS_MISSING_PARAMETERS);
}

static void
test_heartbeat_limits (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, "alice", "PINGDEV1");
	const char *folders[] = { f->alice_inbox, NULL };
	g_autoptr (AirdockEasResponse) low = NULL;
	g_autoptr (AirdockEasResponse) high = NULL;

	g_assert_cmpuint (ping (c, ping_body (1, folders), &low), ==, EAS_PING_STATUS_HEARTBEAT_OUT_OF_RANGE);
	g_assert_cmpstr (eas_node_child_text (low->tree, EAS_PING_HEARTBEAT_INTERVAL), ==, "2");
	g_assert_cmpuint (ping (c, ping_body (31, folders), &high), ==, EAS_PING_STATUS_HEARTBEAT_OUT_OF_RANGE);
	g_assert_cmpstr (eas_node_child_text (high->tree, EAS_PING_HEARTBEAT_INTERVAL), ==, "30");
	g_assert_cmpuint (airdock_harness_parked (f->h), ==, 0);
}

static void
test_too_many_folders (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, "alice", "PINGDEV1");
	const char *four[] = { "a", "b", "c", "d", NULL };
	g_autoptr (AirdockEasResponse) r = NULL;

	g_assert_cmpuint (ping (c, ping_body (10, four), &r), ==, EAS_PING_STATUS_TOO_MANY_FOLDERS);
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_PING_MAX_FOLDERS), ==, "3");
}

static void
test_unknown_folder (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, "alice", "PINGDEV1");
	const char *folders[] = { "no-such-folder", NULL };

	g_assert_cmpuint (ping (c, ping_body (10, folders), NULL), ==, EAS_PING_STATUS_FOLDER_SYNC_REQUIRED);
}

static void
test_syntax_error (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, "alice", "PINGDEV1");
	g_autoptr (EasNode) bad = eas_node_new (EAS_PING_PING);
	EasNode *fs = eas_node_append (bad, EAS_PING_FOLDERS);

	eas_node_append_text (eas_node_append (fs, EAS_PING_FOLDER), EAS_PING_CLASS, "Email");
	g_assert_cmpuint (ping (c, g_steal_pointer (&bad), NULL), ==, EAS_PING_STATUS_SYNTAX_ERROR);
}

/* The heartbeat runs out: status 1, and the count goes back to 0. */
static void
test_expire (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, "alice", "PINGDEV1");
	const char *folders[] = { f->alice_inbox, NULL };

	g_assert_cmpuint (ping (c, ping_body (2, folders), NULL), ==, EAS_PING_STATUS_EXPIRED);
	airdock_harness_wait_parked (f->h, 0);
}

/* Mail for alice wakes alice's Ping (2, her Inbox) and not bob's; a new
 * request from bob's device ends his (answered 1). */
static void
test_wake_by_lmtp (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) a = client (f, "alice", "PINGDEV1");
	g_autoptr (AirdockEasClient) b = client (f, "bob", "PINGDEV2");
	g_autoptr (AirdockEasClient) b2 = second_client (f, b, "bob", "PINGDEV2");
	const char *af[] = { f->alice_inbox, NULL };
	const char *bf[] = { f->bob_inbox, NULL };
	AsyncPing pa = { 0 }, pb = { 0 };
	GThread *ta, *tb;
	const EasNode *folder;

	ta = ping_start (&pa, a, ping_body (30, af));
	tb = ping_start (&pb, b, ping_body (30, bf));
	airdock_harness_wait_parked (f->h, 2);
	deliver (f, "alice@example.org");
	g_thread_join (ta);
	g_assert_cmpuint (pa.status, ==, EAS_PING_STATUS_CHANGES);
	folder = eas_node_child (eas_node_child (pa.r->tree, EAS_PING_FOLDERS), EAS_PING_FOLDER);
	g_assert_nonnull (folder);
	g_assert_cmpstr (folder->text, ==, f->alice_inbox);
	g_assert_null (eas_node_next_same (folder));
	airdock_harness_wait_parked (f->h, 1);

	/* Bob's device asks again (an empty Ping reuses its folders and
	 * heartbeat): the older Ping is answered 1, the new one parks. */
	{
		AsyncPing pb2 = { 0 };
		GThread *tb2 = ping_start (&pb2, b2, NULL);

		g_thread_join (tb);
		g_assert_cmpuint (pb.status, ==, EAS_PING_STATUS_EXPIRED);
		airdock_harness_wait_parked (f->h, 1);
		deliver (f, "bob@example.org");
		g_thread_join (tb2);
		g_assert_cmpuint (pb2.status, ==, EAS_PING_STATUS_CHANGES);
		g_clear_pointer (&pb2.r, airdock_eas_response_free);
	}
	airdock_harness_wait_parked (f->h, 0);
	g_clear_pointer (&pa.r, airdock_eas_response_free);
	g_clear_pointer (&pb.r, airdock_eas_response_free);
}

/* The same over TLS: the response is written on the stolen TLS stream. */
static void
test_wake_https (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) a = client_on (f, TRUE, "alice", "PINGDEV1");
	const char *af[] = { f->alice_inbox, NULL };
	AsyncPing pa = { 0 };
	GThread *ta = ping_start (&pa, a, ping_body (30, af));

	airdock_harness_wait_parked (f->h, 1);
	deliver (f, "alice@example.org");
	g_thread_join (ta);
	g_assert_cmpuint (pa.status, ==, EAS_PING_STATUS_CHANGES);
	g_clear_pointer (&pa.r, airdock_eas_response_free);
	airdock_harness_wait_parked (f->h, 0);
}

static EasNode *
sync_body (const char *key, const char *collection, const char *heartbeat)
{
	EasNode *root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, collection);
	if (heartbeat != NULL)
		eas_node_append_text (root, EAS_AIRSYNC_HEARTBEAT_INTERVAL, heartbeat);
	return root;
}

typedef struct {
	AirdockEasClient *c;
	EasNode *root;
	AirdockEasResponse *r;
} AsyncSync;

static gpointer
sync_thread (gpointer data)
{
	AsyncSync *a = data;
	g_autoptr (EasNode) root = g_steal_pointer (&a->root);

	a->r = airdock_eas_client_post_tree (a->c, EAS_CMD_SYNC, root, NULL);
	return NULL;
}

/* Sync with HeartbeatInterval and nothing to send parks; a delivery wakes
 * it with the new message. */
static void
test_sync_wait (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, "alice", "SYNCWAIT1");
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) first = sync_body ("0", f->alice_inbox, NULL);
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post_tree (c, EAS_CMD_SYNC, first, &error);
	const EasNode *col;
	AsyncSync a = { 0 };
	GThread *t;

	g_assert_no_error (error);
	col = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	g_assert_nonnull (col);
	a.c = c;
	a.root = sync_body (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY), f->alice_inbox, "60");
	t = g_thread_new ("sync", sync_thread, &a);
	airdock_harness_wait_parked (f->h, 1);
	deliver (f, "alice@example.org");
	g_thread_join (t);
	g_assert_nonnull (a.r);
	g_assert_cmpuint (a.r->http_status, ==, 200);
	col = eas_node_path (a.r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	g_assert_nonnull (col);
	g_assert_nonnull (eas_node_path (col, EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_ADD, 0));
	g_clear_pointer (&a.r, airdock_eas_response_free);
	airdock_harness_wait_parked (f->h, 0);
}

/* Parks alice's PINGDEV1 on her Inbox in a thread; returns the thread. */
static GThread *
park_alice (Fixture *f, AsyncPing *pa, AirdockEasClient *c)
{
	const char *af[] = { f->alice_inbox, NULL };
	GThread *t = ping_start (pa, c, ping_body (30, af));

	airdock_harness_wait_parked (f->h, 1);
	return t;
}

/* `airdockctl deliver` is another process: the server notices its commit
 * by polling the store's files ([push] poll_interval). */
static void
test_wake_by_airdockctl (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, "alice", "PINGDEV1");
	g_autoptr (GError) error = NULL;
	g_autofree char *ctl = airdock_harness_build_path ("server/airdockctl");
	g_autofree char *path = g_build_filename (f->h->dir, "in.eml", NULL);
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
	g_autoptr (GSubprocess) p = NULL;
	AsyncPing pa = { 0 };
	GThread *t = park_alice (f, &pa, c);
	const EasNode *folder;

	g_assert_true (g_file_set_contents (path, "From: a@example.net\r\nSubject: ctl\r\n\r\nHi.\r\n", -1, &error));
	g_subprocess_launcher_set_stdin_file_path (l, path);
	p = g_subprocess_launcher_spawn (l, &error, ctl, "-c", f->h->config_path, "deliver", "alice", NULL);
	g_assert_no_error (error);
	g_assert_true (g_subprocess_wait_check (p, NULL, &error));
	g_thread_join (t);
	g_assert_cmpuint (pa.status, ==, EAS_PING_STATUS_CHANGES);
	folder = eas_node_child (eas_node_child (pa.r->tree, EAS_PING_FOLDERS), EAS_PING_FOLDER);
	g_assert_nonnull (folder);
	g_assert_cmpstr (folder->text, ==, f->alice_inbox);
	g_clear_pointer (&pa.r, airdock_eas_response_free);
}

/* A folder created elsewhere (here: through another store connection, as
 * an administrator tool would) answers 7: FolderSync needed. */
static void
test_hierarchy_change (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, "alice", "PINGDEV1");
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) created = NULL;
	AsyncPing pa = { 0 };
	GThread *t = park_alice (f, &pa, c);

	created = airdockd_store_folder_create (f->store, f->alice, AIRDOCKD_FOLDER_ROOT, "Projects",
	                                        AIRDOCKD_FOLDER_USER_MAIL, &error);
	g_assert_no_error (error);
	g_thread_join (t);
	g_assert_cmpuint (pa.status, ==, EAS_PING_STATUS_FOLDER_SYNC_REQUIRED);
	g_clear_pointer (&pa.r, airdock_eas_response_free);
}

/* A remote wipe requested while the device waits wakes it with 140, so it
 * provisions and receives the wipe. */
static void
test_wipe_pending (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, "alice", "PINGDEV1");
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdDevice) d = NULL;
	AsyncPing pa = { 0 };
	GThread *t = park_alice (f, &pa, c);

	d = airdockd_store_device_get (f->store, f->alice, "PINGDEV1", &error);
	g_assert_no_error (error);
	g_assert_true (airdockd_store_device_set_wipe (f->store, f->alice, d->id, AIRDOCKD_WIPE_PENDING, &error));
	g_thread_join (t);
	g_assert_cmpuint (pa.status, ==, 140);
	g_clear_pointer (&pa.r, airdock_eas_response_free);
}

/* Posts a Sync of alice's Inbox; returns the new key, and in *out_id
 * (may be NULL) the ServerId of the first Add. */
static char *
sync_inbox (Fixture *f, AirdockEasClient *c, const char *key, const char *delete_id, char **out_id)
{
	g_autoptr (EasNode) root = sync_body (key, f->alice_inbox, NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;
	const EasNode *col, *add;

	if (delete_id != NULL) {
		EasNode *c0 = eas_node_path (root, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
		EasNode *del = eas_node_append (eas_node_append (c0, EAS_AIRSYNC_COMMANDS), EAS_AIRSYNC_DELETE);

		eas_node_append_text (c0, EAS_AIRSYNC_DELETES_AS_MOVES, "0");
		eas_node_append_text (del, EAS_AIRSYNC_SERVER_ID, delete_id);
	}
	r = airdock_eas_client_post_tree (c, EAS_CMD_SYNC, root, &error);
	g_assert_no_error (error);
	col = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	g_assert_nonnull (col);
	g_assert_cmpstr (eas_node_child_text (col, EAS_AIRSYNC_STATUS), ==, "1");
	add = eas_node_path (col, EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_ADD, 0);
	if (out_id != NULL) {
		g_assert_nonnull (add);
		*out_id = g_strdup (eas_node_child_text (add, EAS_AIRSYNC_SERVER_ID));
	}
	return g_strdup (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));
}

/* Another device of the same user deletes a message: that wakes this
 * device's Ping; the deleting device's own next Ping does not wake for
 * its own change (it parks, and only its next request ends it: 1). */
static void
test_other_device_change (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) a = client (f, "alice", "PINGDEV1");
	g_autoptr (AirdockEasClient) b = client (f, "alice", "PINGDEV2");
	g_autoptr (AirdockEasClient) b2 = second_client (f, b, "alice", "PINGDEV2");
	g_autofree char *k1 = NULL, *k2 = NULL, *k3 = NULL, *id = NULL;
	const char *af[] = { f->alice_inbox, NULL };
	AsyncPing pa = { 0 }, pb = { 0 };
	GThread *t;

	deliver (f, "alice@example.org");
	k1 = sync_inbox (f, b, "0", NULL, NULL);
	k2 = sync_inbox (f, b, k1, NULL, &id);
	t = park_alice (f, &pa, a);
	k3 = sync_inbox (f, b, k2, id, NULL);
	g_thread_join (t);
	g_assert_cmpuint (pa.status, ==, EAS_PING_STATUS_CHANGES);
	g_clear_pointer (&pa.r, airdock_eas_response_free);
	airdock_harness_wait_parked (f->h, 0);

	t = ping_start (&pb, b, ping_body (30, af));
	airdock_harness_wait_parked (f->h, 1);
	g_assert_cmpuint (ping (b2, ping_body (3, af), NULL), ==, EAS_PING_STATUS_EXPIRED);
	g_thread_join (t);
	g_assert_cmpuint (pb.status, ==, EAS_PING_STATUS_EXPIRED);
	g_clear_pointer (&pb.r, airdock_eas_response_free);
}

/* A client that hangs up while parked is freed at once. */
static void
test_hangup (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client (f, "alice", "PINGDEV1");
	g_autoptr (GSocketClient) sc = g_socket_client_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GSocketConnection) conn = NULL;
	const char *folders[] = { f->alice_inbox, NULL };
	g_autoptr (EasNode) root = ping_body (30, folders);
	g_autoptr (GBytes) body = eas_node_encode (root);
	g_autofree char *auth = g_base64_encode ((const guchar *) "alice:" PASSWORD, strlen ("alice:" PASSWORD));
	g_autofree char *head = NULL;
	GOutputStream *out;

	head = g_strdup_printf ("POST /Microsoft-Server-ActiveSync?Cmd=Ping&User=alice&DeviceId=PINGDEV1"
	                        "&DeviceType=TestPhone HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                        "Authorization: Basic %s\r\nMS-ASProtocolVersion: 14.1\r\n"
	                        "X-MS-PolicyKey: %u\r\nContent-Type: application/vnd.ms-sync.wbxml\r\n"
	                        "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
	                        auth, airdock_eas_client_get_policy_key (c), g_bytes_get_size (body));
	conn = g_socket_client_connect_to_host (sc, "127.0.0.1", f->h->http_port, NULL, &error);
	g_assert_no_error (error);
	out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
	g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
	g_assert_true (g_output_stream_write_all (out, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
	                                          NULL, NULL, &error));
	g_assert_no_error (error);
	airdock_harness_wait_parked (f->h, 1);
	g_assert_cmpuint (ctl_status_parked (f), ==, 1);
	g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
	airdock_harness_wait_parked (f->h, 0);
	g_assert_cmpuint (ctl_status_parked (f), ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/ping/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("missing-parameters", test_missing_parameters);
	ADD ("heartbeat-limits", test_heartbeat_limits);
	ADD ("too-many-folders", test_too_many_folders);
	ADD ("unknown-folder", test_unknown_folder);
	ADD ("syntax-error", test_syntax_error);
	ADD ("expire", test_expire);
	ADD ("wake-by-lmtp", test_wake_by_lmtp);
	ADD ("wake-https", test_wake_https);
	ADD ("hangup", test_hangup);
	ADD ("sync-wait", test_sync_wait);
	ADD ("wake-by-airdockctl", test_wake_by_airdockctl);
	ADD ("hierarchy-change", test_hierarchy_change);
	ADD ("wipe-pending", test_wipe_pending);
	ADD ("other-device-change", test_other_device_change);
#undef ADD
	return g_test_run ();
}
