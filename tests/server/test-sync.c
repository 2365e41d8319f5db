/* test-sync.c — Sync and GetItemEstimate of mail over real HTTP against
 * the real airdockd: keys, windows, repeated keys, client changes, FilterType
 * SoftDelete, body preferences, other users' collections. */
#include "config.h"

#include <string.h>

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "eas/eas-sync.h"
#include "server/airdockd-email.h"
#include "server/airdockd-mime.h"
#include "server/airdockd-store.h"
#include "tests/server/eas-client.h"

#define USER "alice"
#define EMAIL "alice@example.org"
#define PASSWORD "s3cret-alice"

typedef struct {
	AirdockHarness *h;
	gint64 uid;
	AirdockdStore *store;
	AirdockEasClient *c;
	char *inbox;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) inbox = NULL;

	f->h = airdock_harness_start (NULL);
	f->uid = airdock_harness_add_user (f->h, USER, EMAIL, PASSWORD);
	f->store = airdock_harness_open_store (f->h);
	inbox = airdockd_store_folder_get_by_type (f->store, f->uid, AIRDOCKD_FOLDER_INBOX, &error);
	g_assert_no_error (error);
	f->inbox = g_strdup (inbox->server_id);
	f->c = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "SYNCDEV1", "TestPhone", 141);
	g_assert_true (airdock_eas_client_provision (f->c, NULL, &error));
	g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_pointer (&f->c, airdock_eas_client_free);
	g_clear_pointer (&f->store, airdockd_store_unref);
	g_clear_pointer (&f->h, airdock_harness_free);
	g_free (f->inbox);
}

/* Adds a message to a folder the way delivery does; returns its server id. */
static char *
deliver_to (Fixture *f, gint64 uid, const char *folder, const char *subject, gint64 date,
            const char *content_type, const char *body)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (date);
	g_autofree char *when = g_date_time_format (dt, "%a, %d %b %Y %H:%M:%S +0000");
	g_autofree char *msg = g_strdup_printf ("From: Bob <bob@example.org>\r\nTo: Alice <alice@example.org>\r\n"
	                                        "Subject: %s\r\nDate: %s\r\nMessage-ID: <%s.%" G_GINT64_FORMAT "@example.org>\r\n"
	                                        "MIME-Version: 1.0\r\nContent-Type: %s\r\n\r\n%s",
	                                        subject, when, subject, date, content_type, body);
	g_autofree char *path = g_build_filename (f->h->dir, "msg.eml", NULL);
	g_autoptr (AirdockdItem) item = NULL;

	g_assert_true (g_file_set_contents (path, msg, -1, &error));
	item = airdockd_store_add_message (f->store, uid, folder, path, FALSE, &error);
	g_assert_no_error (error);
	g_unlink (path);
	return g_strdup (item->server_id);
}

static char *
deliver (Fixture *f, const char *subject)
{
	return deliver_to (f, f->uid, f->inbox, subject, g_get_real_time () / G_USEC_PER_SEC,
	                   "text/plain; charset=utf-8", "Hello Alice, this is a test message.\r\n");
}

/* ---- requests ------------------------------------------------------------ */

typedef struct {
	const char *key;
	const char *collection;
	guint window;		/* 0: absent */
	gboolean options;	/* send Options (FilterType, BodyPreference) */
	guint filter;
	guint body_type;	/* 0: no BodyPreference */
	guint truncation;	/* 0: absent */
	gboolean all_or_none;
	guint preview;
	gboolean no_deletes_as_moves;	/* DeletesAsMoves 0 */
	EasNode *commands;	/* taken */
} SyncArgs;

static EasNode *
sync_request (const SyncArgs *a)
{
	EasNode *root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, a->key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, a->collection);
	if (a->no_deletes_as_moves)
		eas_node_append_text (col, EAS_AIRSYNC_DELETES_AS_MOVES, "0");
	if (a->window > 0) {
		g_autofree char *v = g_strdup_printf ("%u", a->window);
		eas_node_append_text (col, EAS_AIRSYNC_WINDOW_SIZE, v);
	}
	if (a->options) {
		EasNode *opts = eas_node_append (col, EAS_AIRSYNC_OPTIONS);
		g_autofree char *v = g_strdup_printf ("%u", a->filter);

		eas_node_append_text (opts, EAS_AIRSYNC_FILTER_TYPE, v);
		if (a->body_type > 0) {
			EasNode *bp = eas_node_append (opts, EAS_AIRSYNCBASE_BODY_PREFERENCE);
			g_autofree char *t = g_strdup_printf ("%u", a->body_type);

			eas_node_append_text (bp, EAS_AIRSYNCBASE_TYPE, t);
			if (a->truncation > 0) {
				g_autofree char *n = g_strdup_printf ("%u", a->truncation);
				eas_node_append_text (bp, EAS_AIRSYNCBASE_TRUNCATION_SIZE, n);
			}
			if (a->all_or_none)
				eas_node_append_text (bp, EAS_AIRSYNCBASE_ALL_OR_NONE, "1");
			if (a->preview > 0) {
				g_autofree char *p = g_strdup_printf ("%u", a->preview);
				eas_node_append_text (bp, EAS_AIRSYNCBASE_PREVIEW, p);
			}
		}
	}
	if (a->commands != NULL) {
		a->commands->parent = col;
		if (col->last_child != NULL)
			col->last_child->next = a->commands;
		else
			col->first_child = a->commands;
		col->last_child = a->commands;
	}
	return root;
}

static AirdockEasResponse *
post_sync (AirdockEasClient *c, const SyncArgs *a)
{
	g_autoptr (EasNode) root = sync_request (a);
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r = airdock_eas_client_post_tree (c, EAS_CMD_SYNC, root, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	g_assert_cmpuint (r->tree->tag, ==, EAS_AIRSYNC_SYNC);
	return r;
}


static EasNode *
collection_of (AirdockEasResponse *r)
{
	EasNode *col = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);

	g_assert_nonnull (col);
	return col;
}

static guint
status_of (EasNode *col)
{
	const char *s = eas_node_child_text (col, EAS_AIRSYNC_STATUS);

	g_assert_nonnull (s);
	return (guint) g_ascii_strtoull (s, NULL, 10);
}

static guint
count_commands (EasNode *col, EasTag tag)
{
	EasNode *cmds = eas_node_child (col, EAS_AIRSYNC_COMMANDS);
	guint n = 0;

	for (EasNode *c = cmds ? cmds->first_child : NULL; c != NULL; c = c->next)
		n += c->tag == tag;
	return n;
}

/* Initial Sync: key 0 → a new key and no items. */
static char *
initial_sync (Fixture *f, const char *collection, gint filter)
{
	SyncArgs a = { .key = "0", .collection = collection, .options = filter >= 0,
	               .filter = filter >= 0 ? (guint) filter : 0 };
	g_autoptr (AirdockEasResponse) r = post_sync (f->c, &a);
	EasNode *col = collection_of (r);

	g_assert_cmpuint (status_of (col), ==, 1);
	g_assert_null (eas_node_child (col, EAS_AIRSYNC_COMMANDS));
	g_assert_nonnull (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));
	g_assert_cmpstr (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY), !=, "0");
	return g_strdup (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));
}

/* ---- tests --------------------------------------------------------------- */

static void
test_windows_and_repeat (Fixture *f, gconstpointer data)
{
	g_autofree char *k1 = NULL;
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

	for (int i = 0; i < 5; i++) {
		g_autofree char *subject = g_strdup_printf ("message %d", i);
		g_free (deliver (f, subject));
	}
	k1 = initial_sync (f, f->inbox, -1);

	SyncArgs a = { .key = k1, .collection = f->inbox, .window = 2 };
	g_autoptr (AirdockEasResponse) r1 = post_sync (f->c, &a);
	EasNode *col = collection_of (r1);
	g_assert_cmpuint (status_of (col), ==, 1);
	g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_ADD), ==, 2);
	g_assert_nonnull (eas_node_child (col, EAS_AIRSYNC_MORE_AVAILABLE));
	g_autofree char *k2 = g_strdup (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));
	g_assert_cmpstr (k2, !=, k1);

	/* The same key again (lost response): byte-identical answer. */
	g_autoptr (AirdockEasResponse) again = post_sync (f->c, &a);
	g_assert_true (g_bytes_equal (again->body, r1->body));

	/* Walk the rest: 2 more, then 1 without MoreAvailable. */
	const char *key = k2;
	guint total = 2;
	g_autoptr (AirdockEasResponse) r2 = NULL;
	g_autoptr (AirdockEasResponse) r3 = NULL;
	a.key = key;
	r2 = post_sync (f->c, &a);
	col = collection_of (r2);
	g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_ADD), ==, 2);
	g_assert_nonnull (eas_node_child (col, EAS_AIRSYNC_MORE_AVAILABLE));
	total += 2;
	a.key = eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY);
	r3 = post_sync (f->c, &a);
	col = collection_of (r3);
	g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_ADD), ==, 1);
	g_assert_null (eas_node_child (col, EAS_AIRSYNC_MORE_AVAILABLE));
	total += 1;
	g_assert_cmpuint (total, ==, 5);

	/* Every ServerId once. */
	AirdockEasResponse *rs[] = { r1, r2, r3 };
	for (gsize i = 0; i < G_N_ELEMENTS (rs); i++) {
		EasNode *cmds = eas_node_child (collection_of (rs[i]), EAS_AIRSYNC_COMMANDS);
		for (EasNode *add = eas_node_child (cmds, EAS_AIRSYNC_ADD); add; add = eas_node_next_same (add))
			g_assert_true (g_hash_table_add (seen, g_strdup (eas_node_child_text (add, EAS_AIRSYNC_SERVER_ID))));
	}
	g_assert_cmpuint (g_hash_table_size (seen), ==, 5);

	/* The key before last is now neither current nor previous: Status 3. */
	a.key = k2;
	g_autoptr (AirdockEasResponse) stale = post_sync (f->c, &a);
	g_assert_cmpuint (status_of (collection_of (stale)), ==, 3);
}

static void
test_unknown_key_and_other_user (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *k1 = initial_sync (f, f->inbox, -1);

	/* A forged key (the next counter, never handed out). */
	SyncArgs a = { .key = "{0f8fad5b-d9cb-469f-a165-70867728950e}7", .collection = f->inbox };
	g_autoptr (AirdockEasResponse) r = post_sync (f->c, &a);
	g_assert_cmpuint (status_of (collection_of (r)), ==, 3);
	g_assert_cmpstr (eas_node_child_text (collection_of (r), EAS_AIRSYNC_SYNC_KEY), ==, "0");

	/* Bob's own folder: alice gets "not found", exactly as for no folder. */
	gint64 bob = airdock_harness_add_user (f->h, "bob", "bob@example.org", "bobpass1");
	g_autoptr (AirdockdFolder) bf = airdockd_store_folder_create (f->store, bob, AIRDOCKD_FOLDER_ROOT,
	                                                              "Bob only", AIRDOCKD_FOLDER_USER_MAIL, &error);
	g_assert_no_error (error);
	g_autoptr (AirdockdFolder) mine = airdockd_store_folder_get (f->store, f->uid, bf->server_id, &error);
	g_assert_null (mine);
	g_clear_error (&error);
	g_free (deliver_to (f, bob, bf->server_id, "for bob", g_get_real_time () / G_USEC_PER_SEC,
	                    "text/plain", "private"));
	SyncArgs b = { .key = "0", .collection = bf->server_id };
	g_autoptr (AirdockEasResponse) rb = post_sync (f->c, &b);
	g_assert_cmpuint (status_of (collection_of (rb)), ==, 8);
	g_assert_null (eas_node_child (collection_of (rb), EAS_AIRSYNC_COMMANDS));
	g_assert_null (strstr ((const char *) g_bytes_get_data (rb->body, NULL), "private"));

	/* A folder this device synced, deleted since: Status 12 (FolderSync). */
	g_autoptr (AirdockdFolder) mf = airdockd_store_folder_create (f->store, f->uid, AIRDOCKD_FOLDER_ROOT,
	                                                              "Short-lived", AIRDOCKD_FOLDER_USER_MAIL, &error);
	g_assert_no_error (error);
	g_autofree char *km = initial_sync (f, mf->server_id, -1);
	g_assert_true (airdockd_store_folder_delete (f->store, f->uid, mf->server_id, &error));
	SyncArgs m = { .key = km, .collection = mf->server_id };
	g_autoptr (AirdockEasResponse) rm = post_sync (f->c, &m);
	g_assert_cmpuint (status_of (collection_of (rm)), ==, 12);
}

static EasNode *
change_cmd (const char *server_id, gint read, gint flag)
{
	EasNode *cmds = eas_node_new (EAS_AIRSYNC_COMMANDS);
	EasNode *ch = eas_node_append (cmds, EAS_AIRSYNC_CHANGE);
	EasNode *app;

	eas_node_append_text (ch, EAS_AIRSYNC_SERVER_ID, server_id);
	app = eas_node_append (ch, EAS_AIRSYNC_APPLICATION_DATA);
	if (read >= 0)
		eas_node_append_text (app, EAS_EMAIL_READ, read ? "1" : "0");
	if (flag >= 0) {
		EasNode *fl = eas_node_append (app, EAS_EMAIL_FLAG);
		g_autofree char *v = g_strdup_printf ("%d", flag);

		if (flag > 0) {
			eas_node_append_text (fl, EAS_EMAIL_STATUS, v);
			eas_node_append_text (fl, EAS_EMAIL_FLAG_TYPE, "for Follow Up");
		}
	}
	return cmds;
}

static EasNode *
simple_cmd (EasTag tag, const char *server_id)
{
	EasNode *cmds = eas_node_new (EAS_AIRSYNC_COMMANDS);

	eas_node_append_text (eas_node_append (cmds, tag), EAS_AIRSYNC_SERVER_ID, server_id);
	return cmds;
}

static char *
sync_all (Fixture *f, const char *key, guint expect_adds)
{
	SyncArgs a = { .key = key, .collection = f->inbox };
	g_autoptr (AirdockEasResponse) r = post_sync (f->c, &a);
	EasNode *col = collection_of (r);

	g_assert_cmpuint (status_of (col), ==, 1);
	g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_ADD), ==, expect_adds);
	return g_strdup (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));
}

static void
test_client_changes (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *m1 = deliver (f, "one");
	g_autofree char *m2 = deliver (f, "two");
	g_autofree char *m3 = deliver (f, "three");
	g_autofree char *k1 = initial_sync (f, f->inbox, -1);
	g_autofree char *k2 = sync_all (f, k1, 3);

	/* Read + flag from the client. */
	SyncArgs a = { .key = k2, .collection = f->inbox, .commands = change_cmd (m1, 1, 2) };
	g_autoptr (AirdockEasResponse) r = post_sync (f->c, &a);
	EasNode *col = collection_of (r);
	g_assert_cmpuint (status_of (col), ==, 1);
	/* Successful changes are not answered, nor echoed back. */
	g_assert_null (eas_node_child (col, EAS_AIRSYNC_RESPONSES));
	g_assert_null (eas_node_child (col, EAS_AIRSYNC_COMMANDS));
	g_autoptr (AirdockdItem) i1 = airdockd_store_item_get (f->store, f->uid, m1, &error);
	g_assert_no_error (error);
	g_assert_true (i1->read);
	g_assert_cmpint (i1->flag.status, ==, AIRDOCKD_FLAG_ACTIVE);
	g_autofree char *k3 = g_strdup (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));

	/* Delete (DeletesAsMoves default): the item goes to Deleted Items. */
	g_autoptr (AirdockdFolder) trash = airdockd_store_folder_get_by_type (f->store, f->uid, AIRDOCKD_FOLDER_DELETED, &error);
	guint64 before = 0, after = 0;
	g_assert_true (airdockd_store_item_count (f->store, f->uid, trash->server_id, &before, &error));
	SyncArgs d = { .key = k3, .collection = f->inbox, .commands = simple_cmd (EAS_AIRSYNC_DELETE, m2) };
	g_autoptr (AirdockEasResponse) rd = post_sync (f->c, &d);
	col = collection_of (rd);
	g_assert_cmpuint (status_of (col), ==, 1);
	g_assert_null (eas_node_child (col, EAS_AIRSYNC_COMMANDS));
	g_assert_true (airdockd_store_item_count (f->store, f->uid, trash->server_id, &after, &error));
	g_assert_cmpuint (after, ==, before + 1);
	g_autoptr (AirdockdItem) gone = airdockd_store_item_get (f->store, f->uid, m2, &error);
	g_assert_null (gone);
	g_clear_error (&error);
	g_autofree char *k4 = g_strdup (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));

	/* DeletesAsMoves 0: gone for good, Deleted Items unchanged. */
	SyncArgs d0 = { .key = k4, .collection = f->inbox, .no_deletes_as_moves = TRUE,
	                .commands = simple_cmd (EAS_AIRSYNC_DELETE, m3) };
	g_autoptr (AirdockEasResponse) rd0 = post_sync (f->c, &d0);
	col = collection_of (rd0);
	g_assert_true (airdockd_store_item_count (f->store, f->uid, trash->server_id, &before, &error));
	g_assert_cmpuint (before, ==, after);
	g_autofree char *k5 = g_strdup (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));

	/* A change to an item that does not exist: Status 8 for it. */
	SyncArgs bad = { .key = k5, .collection = f->inbox, .commands = change_cmd (m2, 1, -1) };
	g_autoptr (AirdockEasResponse) rb = post_sync (f->c, &bad);
	col = collection_of (rb);
	EasNode *resp = eas_node_path (col, EAS_AIRSYNC_RESPONSES, EAS_AIRSYNC_CHANGE, 0);
	g_assert_nonnull (resp);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_AIRSYNC_SERVER_ID), ==, m2);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_AIRSYNC_STATUS), ==, "8");
	g_autofree char *k6 = g_strdup (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));

	/* A server-side change reaches the device as a Change with Read/Flag. */
	g_assert_true (airdockd_store_item_set_read (f->store, f->uid, m1, FALSE, &error));
	SyncArgs s = { .key = k6, .collection = f->inbox };
	g_autoptr (AirdockEasResponse) rs = post_sync (f->c, &s);
	col = collection_of (rs);
	EasNode *ch = eas_node_path (col, EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_CHANGE, 0);
	g_assert_nonnull (ch);
	g_assert_cmpstr (eas_node_child_text (ch, EAS_AIRSYNC_SERVER_ID), ==, m1);
	EasNode *app = eas_node_child (ch, EAS_AIRSYNC_APPLICATION_DATA);
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_READ), ==, "0");
	g_assert_cmpstr (eas_node_path (app, EAS_EMAIL_FLAG, EAS_EMAIL_STATUS, 0)->text, ==, "2");
	g_autofree char *k7 = g_strdup (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));

	/* Conflict, server wins (default): the server changed m1 after k7's
	 * state; the client's change is refused with Status 7 and the server's
	 * version goes out. */
	g_assert_true (airdockd_store_item_set_read (f->store, f->uid, m1, TRUE, &error));
	SyncArgs c = { .key = k7, .collection = f->inbox, .commands = change_cmd (m1, -1, 0) };
	g_autoptr (AirdockEasResponse) rc = post_sync (f->c, &c);
	col = collection_of (rc);
	resp = eas_node_path (col, EAS_AIRSYNC_RESPONSES, EAS_AIRSYNC_CHANGE, 0);
	g_assert_nonnull (resp);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_AIRSYNC_STATUS), ==, "7");
	g_assert_nonnull (eas_node_path (col, EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_CHANGE, 0));
	g_autoptr (AirdockdItem) i1b = airdockd_store_item_get (f->store, f->uid, m1, &error);
	g_assert_cmpint (i1b->flag.status, ==, AIRDOCKD_FLAG_ACTIVE);

	/* The server deletes: the device gets a Delete. */
	g_autofree char *k8 = g_strdup (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));
	g_assert_true (airdockd_store_item_delete (f->store, f->uid, m1, &error));
	SyncArgs sd = { .key = k8, .collection = f->inbox };
	g_autoptr (AirdockEasResponse) rsd = post_sync (f->c, &sd);
	EasNode *del = eas_node_path (collection_of (rsd), EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_DELETE, 0);
	g_assert_nonnull (del);
	g_assert_cmpstr (eas_node_child_text (del, EAS_AIRSYNC_SERVER_ID), ==, m1);
}

static void
test_filter_soft_delete (Fixture *f, gconstpointer data)
{
	gint64 now = g_get_real_time () / G_USEC_PER_SEC;
	g_autofree char *old = deliver_to (f, f->uid, f->inbox, "old", now - 2 * 86400, "text/plain", "old one");
	g_autofree char *fresh = deliver_to (f, f->uid, f->inbox, "fresh", now - 60, "text/plain", "new one");
	g_autofree char *k1 = initial_sync (f, f->inbox, 1);

	/* One day: only the fresh one. */
	SyncArgs a = { .key = k1, .collection = f->inbox, .options = TRUE, .filter = 1 };
	g_autoptr (AirdockEasResponse) r1 = post_sync (f->c, &a);
	EasNode *col = collection_of (r1);
	g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_ADD), ==, 1);
	g_assert_cmpstr (eas_node_path (col, EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_ADD, EAS_AIRSYNC_SERVER_ID, 0)->text, ==, fresh);

	/* Restart with a week: both. */
	g_autofree char *k2 = initial_sync (f, f->inbox, 3);
	SyncArgs b = { .key = k2, .collection = f->inbox, .options = TRUE, .filter = 3 };
	g_autoptr (AirdockEasResponse) r2 = post_sync (f->c, &b);
	col = collection_of (r2);
	g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_ADD), ==, 2);

	/* Narrow to one day: the old one leaves as SoftDelete, once. */
	SyncArgs c = { .key = eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY),
	               .collection = f->inbox, .options = TRUE, .filter = 1 };
	g_autoptr (AirdockEasResponse) r3 = post_sync (f->c, &c);
	col = collection_of (r3);
	g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_SOFT_DELETE), ==, 1);
	g_assert_cmpstr (eas_node_path (col, EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_SOFT_DELETE, EAS_AIRSYNC_SERVER_ID, 0)->text, ==, old);
	g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_ADD), ==, 0);
	/* Options are remembered: no Options now, still one day, nothing more. */
	SyncArgs d = { .key = eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY), .collection = f->inbox };
	g_autoptr (AirdockEasResponse) r4 = post_sync (f->c, &d);
	g_assert_null (eas_node_child (collection_of (r4), EAS_AIRSYNC_COMMANDS));

	/* From no filter to a filter without starting over: the server does
	 * not know what the device holds, so the client must restart. */
	g_autofree char *k3 = initial_sync (f, f->inbox, 0);
	g_autofree char *k4 = sync_all (f, k3, 2);
	SyncArgs e = { .key = k4, .collection = f->inbox, .options = TRUE, .filter = 1 };
	g_autoptr (AirdockEasResponse) r5 = post_sync (f->c, &e);
	g_assert_cmpuint (status_of (collection_of (r5)), ==, 3);
}

static EasNode *
estimate_request (const char *key, const char *collection)
{
	EasNode *root = eas_node_new (EAS_GETITEMESTIMATE_GET_ITEM_ESTIMATE);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_GETITEMESTIMATE_COLLECTIONS),
	                                EAS_GETITEMESTIMATE_COLLECTION);

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, key);
	eas_node_append_text (col, EAS_GETITEMESTIMATE_COLLECTION_ID, collection);
	return root;
}

static EasNode *
estimate (Fixture *f, const char *key, const char *collection, AirdockEasResponse **out)
{
	g_autoptr (EasNode) root = estimate_request (key, collection);
	g_autoptr (GError) error = NULL;

	*out = airdock_eas_client_post_tree (f->c, EAS_CMD_GET_ITEM_ESTIMATE, root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint ((*out)->http_status, ==, 200);
	g_assert_nonnull ((*out)->tree);
	return eas_node_child ((*out)->tree, EAS_GETITEMESTIMATE_RESPONSE);
}

static void
test_estimate (Fixture *f, gconstpointer data)
{
	g_autofree char *k1 = initial_sync (f, f->inbox, -1);
	g_autoptr (AirdockEasResponse) r0 = NULL;
	g_autoptr (AirdockEasResponse) r1 = NULL;
	g_autoptr (AirdockEasResponse) r2 = NULL;
	g_autoptr (AirdockEasResponse) r3 = NULL;
	EasNode *resp;

	for (int i = 0; i < 3; i++)
		g_free (deliver (f, "estimate me"));
	/* Twice: the key does not move. */
	for (int round = 0; round < 2; round++) {
		g_autoptr (AirdockEasResponse) r = NULL;

		resp = estimate (f, k1, f->inbox, &r);
		g_assert_cmpstr (eas_node_child_text (resp, EAS_GETITEMESTIMATE_STATUS), ==, "1");
		g_assert_cmpstr (eas_node_path (resp, EAS_GETITEMESTIMATE_COLLECTION, EAS_GETITEMESTIMATE_ESTIMATE, 0)->text, ==, "3");
	}
	g_free (sync_all (f, k1, 3));

	resp = estimate (f, "0", f->inbox, &r0);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_GETITEMESTIMATE_STATUS), ==, "3");
	resp = estimate (f, "{0f8fad5b-d9cb-469f-a165-70867728950e}9", f->inbox, &r1);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_GETITEMESTIMATE_STATUS), ==, "4");
	resp = estimate (f, k1, "no-such-folder", &r2);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_GETITEMESTIMATE_STATUS), ==, "2");
	/* k1 is now the previous key, not the current one. */
	resp = estimate (f, k1, f->inbox, &r3);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_GETITEMESTIMATE_STATUS), ==, "4");
}

static EasNode *
first_add_body (AirdockEasResponse *r)
{
	EasNode *app = eas_node_path (collection_of (r), EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_ADD,
	                              EAS_AIRSYNC_APPLICATION_DATA, 0);

	g_assert_nonnull (app);
	return eas_node_child (app, EAS_AIRSYNCBASE_BODY);
}

static void
test_body_preferences (Fixture *f, gconstpointer data)
{
	const char *html = "<html><body><p>Hello <b>Alice</b>, here is the agenda.</p></body></html>";
	g_autofree char *id = deliver_to (f, f->uid, f->inbox, "html", g_get_real_time () / G_USEC_PER_SEC,
	                                  "text/html; charset=utf-8", html);
	struct {
		guint type, trunc;
		gboolean aon;
		const char *want_type, *want_truncated, *want_data_prefix;
		gboolean want_data;
	} cases[] = {
		{ 2, 10, FALSE, "2", "1", "<html><bo", TRUE },
		{ 2, 0, FALSE, "2", NULL, "<html><body><p>Hello", TRUE },
		{ 2, 10, TRUE, "2", "1", NULL, FALSE },
		{ 1, 0, FALSE, "1", NULL, "Hello Alice", TRUE },
		{ 4, 12, FALSE, "4", "1", "From: Bob <b", TRUE },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *k = initial_sync (f, f->inbox, 0);
		SyncArgs a = { .key = k, .collection = f->inbox, .options = TRUE,
		               .body_type = cases[i].type, .truncation = cases[i].trunc,
		               .all_or_none = cases[i].aon, .preview = 5 };
		g_autoptr (AirdockEasResponse) r = post_sync (f->c, &a);
		EasNode *body = first_add_body (r);

		g_assert_nonnull (body);
		g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_TYPE), ==, cases[i].want_type);
		g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_TRUNCATED), ==, cases[i].want_truncated);
		g_assert_nonnull (eas_node_child_text (body, EAS_AIRSYNCBASE_ESTIMATED_DATA_SIZE));
		if (cases[i].want_data) {
			const char *d = eas_node_child_text (body, EAS_AIRSYNCBASE_DATA);
			g_assert_nonnull (d);
			g_assert_true (g_str_has_prefix (d, cases[i].want_data_prefix));
		} else {
			g_assert_null (eas_node_child (body, EAS_AIRSYNCBASE_DATA));
		}
		g_assert_cmpuint (strlen (eas_node_child_text (body, EAS_AIRSYNCBASE_PREVIEW)), ==, 5);
	}

	/* Fetch returns the item with the stored options. */
	g_autofree char *k = initial_sync (f, f->inbox, 0);
	SyncArgs a = { .key = k, .collection = f->inbox, .options = TRUE, .body_type = 2,
	               .truncation = 4 };
	g_autoptr (AirdockEasResponse) r = post_sync (f->c, &a);
	SyncArgs fa = { .key = eas_node_child_text (collection_of (r), EAS_AIRSYNC_SYNC_KEY),
	                .collection = f->inbox, .commands = simple_cmd (EAS_AIRSYNC_FETCH, id) };
	g_autoptr (AirdockEasResponse) rf = post_sync (f->c, &fa);
	EasNode *fetch = eas_node_path (collection_of (rf), EAS_AIRSYNC_RESPONSES, EAS_AIRSYNC_FETCH, 0);
	g_assert_nonnull (fetch);
	g_assert_cmpstr (eas_node_child_text (fetch, EAS_AIRSYNC_STATUS), ==, "1");
	EasNode *body = eas_node_path (fetch, EAS_AIRSYNC_APPLICATION_DATA, EAS_AIRSYNCBASE_BODY, 0);
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_DATA), ==, "<htm");
}

static void
test_request_statuses (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	g_autoptr (AirdockEasResponse) r = NULL;

	/* Empty (no collections): Status 13, the client sends the full request. */
	r = airdock_eas_client_post_tree (f->c, EAS_CMD_SYNC, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_AIRSYNC_STATUS), ==, "13");
	g_clear_pointer (&r, airdock_eas_response_free);

	/* Wait 60 minutes: out of range, Limit 59. */
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, "0");
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, f->inbox);
	eas_node_append_text (root, EAS_AIRSYNC_WAIT, "60");
	r = airdock_eas_client_post_tree (f->c, EAS_CMD_SYNC, root, &error);
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_AIRSYNC_STATUS), ==, "14");
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_AIRSYNC_LIMIT), ==, "59");
	g_clear_pointer (&r, airdock_eas_response_free);

	/* Garbage: Status 4. */
	g_autoptr (GBytes) junk = g_bytes_new_static ("\x03\x01\x6a\x00\x45\x01\x01\x01", 8);
	r = airdock_eas_client_post (f->c, EAS_CMD_SYNC, NULL, junk, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_AIRSYNC_STATUS), ==, "4");
}

/* An empty Sync reuses the last collection set with the current keys; a
 * Partial one adds to it. */
static void
test_empty_and_partial (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *k1 = initial_sync (f, f->inbox, -1);
	g_autoptr (AirdockdFolder) sent = airdockd_store_folder_get_by_type (f->store, f->uid, AIRDOCKD_FOLDER_SENT, &error);

	g_free (deliver (f, "for the empty sync"));
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post_tree (f->c, EAS_CMD_SYNC, NULL, &error);
	g_assert_no_error (error);
	g_assert_nonnull (r->tree);
	EasNode *col = collection_of (r);
	g_assert_cmpstr (eas_node_child_text (col, EAS_AIRSYNC_COLLECTION_ID), ==, f->inbox);
	g_assert_cmpuint (status_of (col), ==, 1);
	g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_ADD), ==, 1);
	g_assert_cmpstr (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY), !=, k1);

	/* Partial: Sent Items joins the set. */
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *c = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	eas_node_append_text (c, EAS_AIRSYNC_SYNC_KEY, "0");
	eas_node_append_text (c, EAS_AIRSYNC_COLLECTION_ID, sent->server_id);
	eas_node_append (root, EAS_AIRSYNC_PARTIAL);
	g_autoptr (AirdockEasResponse) rp = airdock_eas_client_post_tree (f->c, EAS_CMD_SYNC, root, &error);
	g_assert_no_error (error);
	EasNode *c1 = collection_of (rp);
	EasNode *c2 = eas_node_next_same (c1);
	g_assert_nonnull (c2);
	g_assert_cmpstr (eas_node_child_text (c1, EAS_AIRSYNC_COLLECTION_ID), ==, f->inbox);
	g_assert_cmpuint (status_of (c1), ==, 1);
	g_assert_cmpstr (eas_node_child_text (c2, EAS_AIRSYNC_COLLECTION_ID), ==, sent->server_id);
	g_assert_cmpuint (status_of (c2), ==, 1);
	g_assert_null (eas_node_next_same (c2));
}

static EasNode *
draft_add (const char *client_id, const char *subject)
{
	EasNode *cmds = eas_node_new (EAS_AIRSYNC_COMMANDS);
	EasNode *add = eas_node_append (cmds, EAS_AIRSYNC_ADD);
	EasNode *app, *body;

	eas_node_append_text (add, EAS_AIRSYNC_CLIENT_ID, client_id);
	app = eas_node_append (add, EAS_AIRSYNC_APPLICATION_DATA);
	eas_node_append_text (app, EAS_EMAIL_TO, "Bob <bob@example.org>");
	eas_node_append_text (app, EAS_EMAIL_SUBJECT, subject);
	body = eas_node_append (app, EAS_AIRSYNCBASE_BODY);
	eas_node_append_text (body, EAS_AIRSYNCBASE_TYPE, "1");
	eas_node_append_text (body, EAS_AIRSYNCBASE_DATA, "Draft text");
	return cmds;
}

/* 16.0 clients add drafts; the Add answer maps ClientId to the new
 * ServerId and the draft is not echoed back.  Before 16.0: refused. */
static void
test_draft_add (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) drafts = airdockd_store_folder_get_by_type (f->store, f->uid, AIRDOCKD_FOLDER_DRAFTS, &error);
	g_autoptr (AirdockEasClient) c16 = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "DRAFTDEV", "TestPhone", 160);
	g_assert_true (airdock_eas_client_provision (c16, NULL, &error));

	AirdockEasClient *saved = f->c;
	f->c = c16;
	g_autofree char *k1 = initial_sync (f, drafts->server_id, -1);
	SyncArgs a = { .key = k1, .collection = drafts->server_id, .commands = draft_add ("cid-1", "My draft") };
	g_autoptr (AirdockEasResponse) r = post_sync (c16, &a);
	EasNode *col = collection_of (r);
	EasNode *resp = eas_node_path (col, EAS_AIRSYNC_RESPONSES, EAS_AIRSYNC_ADD, 0);
	g_assert_nonnull (resp);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_AIRSYNC_CLIENT_ID), ==, "cid-1");
	g_assert_cmpstr (eas_node_child_text (resp, EAS_AIRSYNC_STATUS), ==, "1");
	const char *sid = eas_node_child_text (resp, EAS_AIRSYNC_SERVER_ID);
	g_assert_nonnull (sid);
	g_assert_null (eas_node_child (col, EAS_AIRSYNC_COMMANDS));
	g_autoptr (AirdockdItem) item = airdockd_store_item_get (f->store, f->uid, sid, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (item->subject, ==, "My draft");
	g_assert_cmpstr (item->folder_id, ==, drafts->server_id);
	g_assert_nonnull (strstr (item->to, "bob@example.org"));

	/* The next Sync does not send the draft back. */
	SyncArgs b = { .key = eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY), .collection = drafts->server_id };
	g_autoptr (AirdockEasResponse) r2 = post_sync (c16, &b);
	g_assert_null (eas_node_child (collection_of (r2), EAS_AIRSYNC_COMMANDS));
	f->c = saved;

	/* 14.1: Add is refused per item. */
	g_autofree char *k2 = initial_sync (f, drafts->server_id, -1);
	SyncArgs old = { .key = k2, .collection = drafts->server_id, .commands = draft_add ("cid-2", "Old") };
	g_autoptr (AirdockEasResponse) r3 = post_sync (f->c, &old);
	resp = eas_node_path (collection_of (r3), EAS_AIRSYNC_RESPONSES, EAS_AIRSYNC_ADD, 0);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_AIRSYNC_STATUS), ==, "6");
	g_assert_null (eas_node_child (resp, EAS_AIRSYNC_SERVER_ID));
}

/* Mail delivered the way a local MTA hands it over (airdockctl deliver),
 * with an attachment and High importance. */
static void
test_airdockctl_delivery (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *ctl = airdock_harness_build_path ("server/airdockctl");
	g_autofree char *path = g_build_filename (f->h->dir, "in.eml", NULL);
	const char *msg =
		"From: Carol <carol@example.org>\r\nTo: Alice <alice@example.org>, Dan <dan@example.org>\r\n"
		"Subject: Re: Quarterly report\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
		"Message-ID: <report.1@example.org>\r\nImportance: High\r\nMIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n\r\nSee the attached report.\r\n--b\r\n"
		"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"q3.pdf\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK\r\n--b--\r\n";
	g_autofree char *k1 = initial_sync (f, f->inbox, -1);

	g_assert_true (g_file_set_contents (path, msg, -1, &error));
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
	g_subprocess_launcher_set_stdin_file_path (l, path);
	g_autoptr (GSubprocess) p = g_subprocess_launcher_spawn (l, &error, ctl, "-c", f->h->config_path,
	                                                         "deliver", USER, NULL);
	g_assert_no_error (error);
	g_assert_true (g_subprocess_wait_check (p, NULL, &error));
	g_assert_no_error (error);

	SyncArgs a = { .key = k1, .collection = f->inbox };
	g_autoptr (AirdockEasResponse) r = post_sync (f->c, &a);
	EasNode *app = eas_node_path (collection_of (r), EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_ADD,
	                              EAS_AIRSYNC_APPLICATION_DATA, 0);
	g_assert_nonnull (app);
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_SUBJECT), ==, "Re: Quarterly report");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_THREAD_TOPIC), ==, "Quarterly report");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_DISPLAY_TO), ==, "Alice; Dan");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_IMPORTANCE), ==, "2");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_READ), ==, "0");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_DATE_RECEIVED), ==, "2026-11-24T10:00:00.000Z");
	EasNode *att = eas_node_path (app, EAS_AIRSYNCBASE_ATTACHMENTS, EAS_AIRSYNCBASE_ATTACHMENT, 0);
	g_assert_nonnull (att);
	g_assert_cmpstr (eas_node_child_text (att, EAS_AIRSYNCBASE_DISPLAY_NAME), ==, "q3.pdf");
	g_assert_cmpstr (eas_node_child_text (att, EAS_AIRSYNCBASE_ESTIMATED_DATA_SIZE), ==, "48");
	const char *ref = eas_node_child_text (att, EAS_AIRSYNCBASE_FILE_REFERENCE);
	g_assert_nonnull (ref);
	const char *sid = eas_node_path (collection_of (r), EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_ADD,
	                                 EAS_AIRSYNC_SERVER_ID, 0)->text;
	g_assert_true (g_str_has_prefix (ref, sid));
	EasNode *conv = eas_node_child (app, EAS_EMAIL2_CONVERSATION_ID);
	g_assert_nonnull (conv);
	g_assert_cmpuint (g_bytes_get_size (conv->opaque), ==, 16);
	EasNode *body = eas_node_child (app, EAS_AIRSYNCBASE_BODY);
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_DATA), ==, "See the attached report.");
}

/* A window of big messages stops at the response budget (8 MiB): two
 * 3 MiB messages fit, the third waits for the next request. */
static void
test_response_budget (Fixture *f, gconstpointer data)
{
	g_autoptr (GString) big = g_string_new (NULL);
	g_autofree char *k1 = initial_sync (f, f->inbox, -1);

	while (big->len < 3 * 1024 * 1024)
		g_string_append (big, "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n");
	for (int i = 0; i < 3; i++)
		g_free (deliver_to (f, f->uid, f->inbox, "big", g_get_real_time () / G_USEC_PER_SEC,
		                    "text/plain; charset=utf-8", big->str));
	SyncArgs a = { .key = k1, .collection = f->inbox, .options = TRUE, .body_type = 1 };
	g_autoptr (AirdockEasResponse) r = post_sync (f->c, &a);
	EasNode *col = collection_of (r);
	g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_ADD), ==, 2);
	g_assert_nonnull (eas_node_child (col, EAS_AIRSYNC_MORE_AVAILABLE));
	g_assert_cmpuint (g_bytes_get_size (r->body), >, 6u * 1024 * 1024);
	SyncArgs b = { .key = eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY), .collection = f->inbox };
	g_autoptr (AirdockEasResponse) r2 = post_sync (f->c, &b);
	col = collection_of (r2);
	g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_ADD), ==, 1);
	g_assert_null (eas_node_child (col, EAS_AIRSYNC_MORE_AVAILABLE));
}

/* EAS 2.5: Class in the request and the answer, Email:Body cut by the
 * Truncation code, no AirSyncBase. */
static void
test_v25 (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasClient) c25 = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "OLDDEV25", "PocketPC", 25);
	g_autoptr (GString) text = g_string_new (NULL);

	g_assert_true (airdock_eas_client_provision (c25, NULL, &error));
	while (text->len < 2000)
		g_string_append (text, "twenty-five chars of tex");
	g_free (deliver_to (f, f->uid, f->inbox, "old device", g_get_real_time () / G_USEC_PER_SEC,
	                    "text/plain; charset=utf-8", text->str));
	g_autofree char *key = NULL;
	for (int round = 0; round < 2; round++) {
		g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
		EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);

		eas_node_append_text (col, EAS_AIRSYNC_CLASS, "Email");
		eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, key ? key : "0");
		eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, f->inbox);
		eas_node_append_text (eas_node_append (col, EAS_AIRSYNC_OPTIONS), EAS_AIRSYNC_TRUNCATION, "1");
		g_autoptr (AirdockEasResponse) r = airdock_eas_client_post_tree (c25, EAS_CMD_SYNC, root, &error);
		g_assert_no_error (error);
		EasNode *rc = collection_of (r);
		g_assert_cmpstr (eas_node_child_text (rc, EAS_AIRSYNC_CLASS), ==, "Email");
		g_assert_cmpuint (status_of (rc), ==, 1);
		g_free (key);
		key = g_strdup (eas_node_child_text (rc, EAS_AIRSYNC_SYNC_KEY));
		if (round == 0) {
			/* 2.5 GetItemEstimate: Class, CollectionId, FilterType, no key. */
			g_autoptr (EasNode) est = eas_node_new (EAS_GETITEMESTIMATE_GET_ITEM_ESTIMATE);
			EasNode *ec = eas_node_append (eas_node_append (est, EAS_GETITEMESTIMATE_COLLECTIONS),
			                               EAS_GETITEMESTIMATE_COLLECTION);
			eas_node_append_text (ec, EAS_GETITEMESTIMATE_CLASS, "Email");
			eas_node_append_text (ec, EAS_GETITEMESTIMATE_COLLECTION_ID, f->inbox);
			eas_node_append_text (ec, EAS_AIRSYNC_FILTER_TYPE, "0");
			g_autoptr (AirdockEasResponse) er = airdock_eas_client_post_tree (c25, EAS_CMD_GET_ITEM_ESTIMATE, est, &error);
			g_assert_no_error (error);
			EasNode *resp = eas_node_child (er->tree, EAS_GETITEMESTIMATE_RESPONSE);
			g_assert_cmpstr (eas_node_child_text (resp, EAS_GETITEMESTIMATE_STATUS), ==, "1");
			g_assert_cmpstr (eas_node_path (resp, EAS_GETITEMESTIMATE_COLLECTION, EAS_GETITEMESTIMATE_ESTIMATE, 0)->text, ==, "1");
			continue;
		}
		EasNode *app = eas_node_path (rc, EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_ADD, EAS_AIRSYNC_APPLICATION_DATA, 0);
		g_assert_nonnull (app);
		g_assert_cmpuint (strlen (eas_node_child_text (app, EAS_EMAIL_BODY)), ==, 512);
		g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_BODY_TRUNCATED), ==, "1");
		g_assert_null (eas_node_child (app, EAS_AIRSYNCBASE_BODY));
		g_assert_null (eas_node_child (app, EAS_EMAIL_FLAG));
	}
}

typedef struct {
	AirdockEasClient *client;
	EasNode *root;
	AirdockEasResponse *response;
} PostJob;

static gpointer
post_job (gpointer data)
{
	PostJob *job = data;

	/* The server may die under the request: a transport error is fine. */
	job->response = airdock_eas_client_post_tree (job->client, EAS_CMD_SYNC, job->root, NULL);
	return NULL;
}

static guint
count_read (Fixture *f, GPtrArray *ids)
{
	guint n = 0;

	for (guint i = 0; i < ids->len; i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (AirdockdItem) it = airdockd_store_item_get (f->store, f->uid, ids->pdata[i], &error);

		g_assert_no_error (error);
		n += it->read;
	}
	return n;
}

static AirdockEasClient *
reconnect (Fixture *f)
{
	guint32 key = airdock_eas_client_get_policy_key (f->c);
	AirdockEasClient *c = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "SYNCDEV1", "TestPhone", 141);

	airdock_eas_client_set_policy_key (c, key);
	return c;
}

/* kill -9 while the server applies a change set: afterwards either every
 * change and the new key are there, or none and the old key still works. */
static void
test_kill_during_changes (Fixture *f, gconstpointer data)
{
	g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GRand) rand = g_rand_new_with_seed (4242);
	const guint n = 60;

	for (guint i = 0; i < n; i++)
		g_ptr_array_add (ids, deliver (f, "kill me"));
	g_autofree char *k0 = initial_sync (f, f->inbox, -1);
	SyncArgs a = { .key = k0, .collection = f->inbox, .window = 512 };
	g_autoptr (AirdockEasResponse) all = post_sync (f->c, &a);
	g_autofree char *key = g_strdup (eas_node_child_text (collection_of (all), EAS_AIRSYNC_SYNC_KEY));

	for (guint round = 0; round < 6; round++) {
		gboolean want = round % 2 == 0;
		EasNode *cmds = eas_node_new (EAS_AIRSYNC_COMMANDS);
		int status = 0;

		for (guint i = 0; i < n; i++) {
			EasNode *ch = eas_node_append (cmds, EAS_AIRSYNC_CHANGE);
			eas_node_append_text (ch, EAS_AIRSYNC_SERVER_ID, ids->pdata[i]);
			eas_node_append_text (eas_node_append (ch, EAS_AIRSYNC_APPLICATION_DATA), EAS_EMAIL_READ,
			                      want ? "1" : "0");
		}
		SyncArgs c = { .key = key, .collection = f->inbox, .commands = cmds };
		PostJob job = { .client = reconnect (f), .root = sync_request (&c) };
		GThread *t = g_thread_new ("post", post_job, &job);

		g_usleep ((gulong) g_rand_int_range (rand, 0, 60000));
		kill (f->h->pid, SIGKILL);
		while (waitpid (f->h->pid, &status, 0) < 0 && errno == EINTR)
			;
		f->h->pid = 0;
		g_thread_join (t);
		airdock_harness_restart (f->h, NULL);
		AirdockEasClient *fresh = reconnect (f);
		airdock_eas_client_free (f->c);
		f->c = fresh;

		guint nread = count_read (f, ids);
		g_assert_true (nread == 0 || nread == n);
		gboolean applied = nread == (want ? n : 0);

		g_test_message ("round %u: killed %s the change set committed", round, applied ? "after" : "before");
		/* The same request again: answered from the stored response when it
		 * committed, applied now when it did not — the result is the same. */
		g_autoptr (AirdockEasResponse) again = airdock_eas_client_post_tree (f->c, EAS_CMD_SYNC, job.root, NULL);
		g_assert_nonnull (again);
		g_assert_cmpuint (status_of (collection_of (again)), ==, 1);
		g_assert_cmpuint (count_read (f, ids), ==, want ? n : 0);
		if (applied && job.response != NULL && job.response->http_status == 200)
			g_assert_true (g_bytes_equal (again->body, job.response->body));
		g_free (key);
		key = g_strdup (eas_node_child_text (collection_of (again), EAS_AIRSYNC_SYNC_KEY));
		g_clear_pointer (&job.response, airdock_eas_response_free);
		eas_node_free (job.root);
		airdock_eas_client_free (job.client);
	}
}

/* Real-world messages (Horde's fixtures: S/MIME, encrypted, iOS
 * multipart/alternative, IDNA, an invitation, nested message/rfc822): every
 * one syncs, as HTML/plain and as whole MIME. */
static void
test_real_messages (Fixture *f, gconstpointer data)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	const char *names[] = { "email_plain.eml", "email_signed.eml", "encrypted.eml",
	                        "iOSMultipartAlternative.eml", "idna.eml", "invitation_one.eml",
	                        "mime_encoding.eml", "rfc822_multipart.eml", "signed_attachment.eml" };
	g_autoptr (GHashTable) sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr (GHashTable) classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr (GError) error = NULL;

	if (shared == NULL) {
		g_test_skip ("AIRDOCK_SHARED is not set: no fixtures");
		return;
	}
	for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
		g_autofree char *path = g_build_filename (shared, "fixtures", "eas", "horde", names[i], NULL);
		g_autoptr (AirdockdItem) item = NULL;

		if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
			g_test_skip ("Horde fixtures not found");
			return;
		}
		item = airdockd_store_add_message (f->store, f->uid, f->inbox, path, FALSE, &error);
		g_assert_no_error (error);
		g_hash_table_insert (sizes, g_strdup (item->server_id), g_strdup_printf ("%" G_GINT64_FORMAT, item->size));
	}
	for (guint type = 2; type <= 4; type += 2) {
		g_autofree char *k = initial_sync (f, f->inbox, 0);
		SyncArgs a = { .key = k, .collection = f->inbox, .options = TRUE, .body_type = type,
		               .preview = 100 };
		g_autoptr (AirdockEasResponse) r = post_sync (f->c, &a);
		EasNode *col = collection_of (r);

		g_assert_cmpuint (count_commands (col, EAS_AIRSYNC_ADD), ==, G_N_ELEMENTS (names));
		for (EasNode *add = eas_node_path (col, EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_ADD, 0); add != NULL;
		     add = eas_node_next_same (add)) {
			const char *sid = eas_node_child_text (add, EAS_AIRSYNC_SERVER_ID);
			EasNode *body = eas_node_path (add, EAS_AIRSYNC_APPLICATION_DATA, EAS_AIRSYNCBASE_BODY, 0);
			EasNode *d = eas_node_child (body, EAS_AIRSYNCBASE_DATA);

			g_assert_nonnull (body);
			g_assert_nonnull (eas_node_child (eas_node_child (add, EAS_AIRSYNC_APPLICATION_DATA), EAS_EMAIL_FROM));
			g_hash_table_add (classes, g_strdup (eas_node_path (add, EAS_AIRSYNC_APPLICATION_DATA,
			                                                    EAS_EMAIL_MESSAGE_CLASS, 0)->text));
			if (type == 4) {
				/* The whole message, as text or (8-bit bytes) OPAQUE. */
				g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_TYPE), ==, "4");
				g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_ESTIMATED_DATA_SIZE), ==,
				                 g_hash_table_lookup (sizes, sid));
				g_assert_nonnull (d);
				gsize n = d->opaque ? g_bytes_get_size (d->opaque) : strlen (d->text);
				g_assert_cmpuint (n, ==, g_ascii_strtoull (g_hash_table_lookup (sizes, sid), NULL, 10));
			}
		}
	}
	/* Signed and encrypted mail says so (devices then ask for its MIME). */
	g_assert_true (g_hash_table_contains (classes, "IPM.Note"));
	g_assert_true (g_hash_table_contains (classes, "IPM.Note.SMIME.MultipartSigned"));
	g_assert_true (g_hash_table_contains (classes, "IPM.Note.SMIME"));
}

/* Two collections in one request: each answered on its own, and a repeat
 * of one key with another collection's current key still works. */
static void
test_two_collections (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) sent = airdockd_store_folder_get_by_type (f->store, f->uid, AIRDOCKD_FOLDER_SENT, &error);
	g_autofree char *ki = initial_sync (f, f->inbox, -1);
	g_autofree char *ks = initial_sync (f, sent->server_id, -1);
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *cols = eas_node_append (root, EAS_AIRSYNC_COLLECTIONS);
	/* First a collection that only gets a status (its fragment ends in
	 * code page 0), then two with mail (ending in other pages). */
	const char *pairs[3][2] = { { "1", "no-such-folder" }, { ki, f->inbox }, { ks, sent->server_id } };

	g_free (deliver (f, "in inbox"));
	g_free (deliver_to (f, f->uid, sent->server_id, "sent one", g_get_real_time () / G_USEC_PER_SEC,
	                    "text/plain", "x"));
	for (int i = 0; i < 3; i++) {
		EasNode *col = eas_node_append (cols, EAS_AIRSYNC_COLLECTION);
		eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, pairs[i][0]);
		eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, pairs[i][1]);
	}
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post_tree (f->c, EAS_CMD_SYNC, root, &error);
	g_assert_no_error (error);
	g_assert_nonnull (r->tree);
	EasNode *c0 = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	g_assert_cmpuint (status_of (c0), ==, 8);
	EasNode *c1 = eas_node_next_same (c0);
	EasNode *c2 = eas_node_next_same (c1);
	g_assert_nonnull (c2);
	g_assert_cmpstr (eas_node_child_text (c1, EAS_AIRSYNC_COLLECTION_ID), ==, f->inbox);
	g_assert_cmpstr (eas_node_child_text (c2, EAS_AIRSYNC_COLLECTION_ID), ==, sent->server_id);
	g_assert_cmpuint (count_commands (c1, EAS_AIRSYNC_ADD), ==, 1);
	g_assert_cmpuint (count_commands (c2, EAS_AIRSYNC_ADD), ==, 1);
	/* The spliced answer is canonical WBXML: the same bytes as the tree
	 * encoded in one go (SWITCH_PAGE only where the page changes). */
	g_autoptr (GBytes) canonical = eas_node_encode (r->tree);
	g_assert_true (g_bytes_equal (canonical, r->body));
	/* The same request again: the same answer, byte for byte. */
	g_autoptr (AirdockEasResponse) again = airdock_eas_client_post_tree (f->c, EAS_CMD_SYNC, root, &error);
	g_assert_true (g_bytes_equal (again->body, r->body));
}

/* FileReference "<item server id>:<index>": formatting and strict parsing
 * (GetAttachment and ItemOperations take it from clients). */
static void
test_file_reference (void)
{
	g_autofree char *ref = airdockd_email_file_reference ("5:17", 3);
	g_autofree char *id = NULL;
	guint index = 99;

	g_assert_cmpstr (ref, ==, "5:17:3");
	g_assert_true (airdockd_email_parse_file_reference (ref, &id, &index));
	g_assert_cmpstr (id, ==, "5:17");
	g_assert_cmpuint (index, ==, 3);

	const char *bad[] = { "", ":", "5:17:", ":3", "5", "5:17:-1", "5:17:+1", "5:17:3a", "5:17: 3",
	                      "5:17:99999999999999999999" };
	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autofree char *out = NULL;
		guint k = 7;

		g_assert_false (airdockd_email_parse_file_reference (bad[i], &out, &k));
		g_assert_null (out);
		g_assert_cmpuint (k, ==, 7);
	}
	/* Index limit: the MIME walk's part limit, and one more. */
	g_autofree char *at = g_strdup_printf ("1:1:%u", AIRDOCKD_MIME_MAX_PARTS);
	g_autofree char *over = g_strdup_printf ("1:1:%u", AIRDOCKD_MIME_MAX_PARTS + 1);
	g_autofree char *a_id = NULL;
	g_autofree char *o_id = NULL;
	g_assert_true (airdockd_email_parse_file_reference (at, &a_id, &index));
	g_assert_false (airdockd_email_parse_file_reference (over, &o_id, &index));
	/* Item server id length: 64 bytes, and 65. */
	g_autofree char *id64 = g_strnfill (AIRDOCKD_STORE_MAX_SERVER_ID, '1');
	g_autofree char *id65 = g_strnfill (AIRDOCKD_STORE_MAX_SERVER_ID + 1, '1');
	g_autofree char *r64 = g_strdup_printf ("%s:0", id64);
	g_autofree char *r65 = g_strdup_printf ("%s:0", id65);
	g_autofree char *got64 = NULL;
	g_autofree char *got65 = NULL;
	g_assert_true (airdockd_email_parse_file_reference (r64, &got64, &index));
	g_assert_cmpstr (got64, ==, id64);
	g_assert_false (airdockd_email_parse_file_reference (r65, &got65, &index));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/server/sync/file-reference", test_file_reference);
#define ADD(path, fn) g_test_add ("/server/sync/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("windows-and-repeat", test_windows_and_repeat);
	ADD ("unknown-key-and-other-user", test_unknown_key_and_other_user);
	ADD ("client-changes", test_client_changes);
	ADD ("filter-soft-delete", test_filter_soft_delete);
	ADD ("estimate", test_estimate);
	ADD ("body-preferences", test_body_preferences);
	ADD ("request-statuses", test_request_statuses);
	ADD ("two-collections", test_two_collections);
	ADD ("empty-and-partial", test_empty_and_partial);
	ADD ("draft-add", test_draft_add);
	ADD ("airdockctl-delivery", test_airdockctl_delivery);
	ADD ("response-budget", test_response_budget);
	ADD ("v25", test_v25);
	ADD ("kill-during-changes", test_kill_during_changes);
	ADD ("real-messages", test_real_messages);
#undef ADD
	return g_test_run ();
}
