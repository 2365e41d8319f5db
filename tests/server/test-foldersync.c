/* test-foldersync.c — FolderSync and FolderCreate/Update/Delete over real
 * HTTP against the real airdockd. */
#include "config.h"

#include <string.h>

#include "eas/eas-foldersync.h"
#include "server/airdockd-store.h"
#include "tests/server/eas-client.h"

#define USER "dora"
#define EMAIL "dora@example.org"
#define PASSWORD "f0lders-dora"

typedef struct {
	AirdockHarness *h;
	gint64 uid;
	AirdockdStore *store;
	AirdockEasClient *c;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	f->h = airdock_harness_start (NULL);
	f->uid = airdock_harness_add_user (f->h, USER, EMAIL, PASSWORD);
	f->store = airdock_harness_open_store (f->h);
	f->c = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "FOLDERDEV1", "TestPhone", 141);
	g_assert_true (airdock_eas_client_provision (f->c, NULL, &error));
	g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_pointer (&f->c, airdock_eas_client_free);
	g_clear_pointer (&f->store, airdockd_store_unref);
	g_clear_pointer (&f->h, airdock_harness_free);
}

static AirdockEasResponse *
post (Fixture *f, EasCommand cmd, EasNode *root_taken)
{
	g_autoptr (EasNode) root = root_taken;
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r = airdock_eas_client_post_tree (f->c, cmd, root, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	return r;
}

static EasFolderSyncResponse *
folder_sync (Fixture *f, const char *key, AirdockEasResponse **out_raw)
{
	EasNode *root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_SYNC);
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r;
	EasFolderSyncResponse *resp;

	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, key);
	r = post (f, EAS_CMD_FOLDER_SYNC, root);
	resp = eas_folder_sync_response_decode (r->tree, &error);
	g_assert_no_error (error);
	if (out_raw != NULL)
		*out_raw = r;
	else
		airdock_eas_response_free (r);
	return resp;
}

static const EasFolder *
find (GPtrArray *folders, const char *name)
{
	for (guint i = 0; i < folders->len; i++) {
		const EasFolder *fo = g_ptr_array_index (folders, i);
		if (g_strcmp0 (fo->display_name, name) == 0)
			return fo;
	}
	return NULL;
}

static void
test_initial_and_incremental (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) raw = NULL;
	g_autoptr (EasFolderSyncResponse) r0 = folder_sync (f, "0", &raw);

	g_assert_cmpint (r0->status, ==, EAS_FOLDER_STATUS_OK);
	g_assert_nonnull (r0->sync_key);
	g_autoptr (GPtrArray) live = airdockd_store_folder_list (f->store, f->uid, &error);
	g_assert_cmpuint (r0->adds->len, ==, live->len);
	gboolean inbox = FALSE;
	for (guint i = 0; i < r0->adds->len; i++)
		inbox |= ((EasFolder *) g_ptr_array_index (r0->adds, i))->type == 2;
	g_assert_true (inbox);

	/* Nothing changed: the same key, nothing listed. */
	g_autoptr (EasFolderSyncResponse) same = folder_sync (f, r0->sync_key, NULL);
	g_assert_cmpstr (same->sync_key, ==, r0->sync_key);
	g_assert_cmpuint (same->adds->len + same->updates->len + same->deletes->len, ==, 0);

	/* Server-side add, rename, delete arrive as Add, Update, Delete. */
	g_autoptr (AirdockdFolder) a = airdockd_store_folder_create (f->store, f->uid, AIRDOCKD_FOLDER_ROOT, "Alpha",
	                                                             AIRDOCKD_FOLDER_USER_MAIL, &error);
	g_autoptr (AirdockdFolder) b = airdockd_store_folder_create (f->store, f->uid, AIRDOCKD_FOLDER_ROOT, "Beta",
	                                                             AIRDOCKD_FOLDER_USER_MAIL, &error);
	g_assert_no_error (error);
	g_autoptr (AirdockEasResponse) raw1 = NULL;
	g_autoptr (EasFolderSyncResponse) r1 = folder_sync (f, r0->sync_key, &raw1);
	g_assert_cmpuint (r1->adds->len, ==, 2);
	g_assert_nonnull (find (r1->adds, "Alpha"));
	g_assert_cmpstr (r1->sync_key, !=, r0->sync_key);

	g_assert_true (airdockd_store_folder_update (f->store, f->uid, a->server_id, AIRDOCKD_FOLDER_ROOT,
	                                             "Alpha renamed", &error));
	g_assert_true (airdockd_store_folder_delete (f->store, f->uid, b->server_id, &error));
	g_autoptr (AirdockEasResponse) raw2 = NULL;
	g_autoptr (EasFolderSyncResponse) r2 = folder_sync (f, r1->sync_key, &raw2);
	g_assert_cmpuint (r2->adds->len, ==, 0);
	g_assert_cmpuint (r2->updates->len, ==, 1);
	g_assert_cmpstr (((EasFolder *) g_ptr_array_index (r2->updates, 0))->display_name, ==, "Alpha renamed");
	g_assert_cmpuint (r2->deletes->len, ==, 1);
	g_assert_cmpstr (g_ptr_array_index (r2->deletes, 0), ==, b->server_id);

	/* The previous key again: the identical response. */
	g_autoptr (AirdockEasResponse) raw1b = NULL;
	g_autoptr (EasFolderSyncResponse) r1b = folder_sync (f, r0->sync_key, &raw1b);
	g_assert_cmpint (r1b->status, ==, EAS_FOLDER_STATUS_INVALID_SYNC_KEY);
	g_autoptr (AirdockEasResponse) raw2b = NULL;
	g_autoptr (EasFolderSyncResponse) r2b = folder_sync (f, r1->sync_key, &raw2b);
	g_assert_cmpuint (r2b->updates->len, ==, 1);
	g_assert_cmpstr (r2b->sync_key, ==, r2->sync_key);
	g_assert_true (g_bytes_equal (raw2b->body, raw2->body));

	/* Unknown key: Status 9. */
	g_autoptr (EasFolderSyncResponse) bad = folder_sync (f, "{0f8fad5b-d9cb-469f-a165-70867728950e}5", NULL);
	g_assert_cmpint (bad->status, ==, EAS_FOLDER_STATUS_INVALID_SYNC_KEY);
	g_assert_null (bad->sync_key);
}

/* A Sync state to prove FolderSync 0 from a known device keeps it. */
static char *
prime_inbox (Fixture *f, const char *inbox)
{
	EasNode *root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, "0");
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, inbox);
	g_autoptr (AirdockEasResponse) r = post (f, EAS_CMD_SYNC, root);
	return g_strdup (eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
	                                EAS_AIRSYNC_SYNC_KEY, 0)->text);
}

static void
test_key0_known_device (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasFolderSyncResponse) r0 = folder_sync (f, "0", NULL);
	g_autoptr (AirdockdFolder) inbox = airdockd_store_folder_get_by_type (f->store, f->uid, AIRDOCKD_FOLDER_INBOX, &error);
	g_autofree char *key = prime_inbox (f, inbox->server_id);

	/* Refresh: the whole list again, and the Inbox key still works. */
	g_autoptr (EasFolderSyncResponse) again = folder_sync (f, "0", NULL);
	g_assert_cmpint (again->status, ==, EAS_FOLDER_STATUS_OK);
	g_assert_cmpuint (again->adds->len, ==, r0->adds->len);
	g_assert_cmpstr (again->sync_key, !=, r0->sync_key);

	EasNode *root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, inbox->server_id);
	g_autoptr (AirdockEasResponse) r = post (f, EAS_CMD_SYNC, root);
	g_assert_cmpstr (eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
	                                EAS_AIRSYNC_STATUS, 0)->text, ==, "1");
}

static EasNode *
folder_op (EasTag root_tag, const char *key, const char *server_id, const char *parent,
           const char *name, const char *type)
{
	EasNode *root = eas_node_new (root_tag);

	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, key);
	if (server_id != NULL)
		eas_node_append_text (root, EAS_FOLDERHIERARCHY_SERVER_ID, server_id);
	if (parent != NULL)
		eas_node_append_text (root, EAS_FOLDERHIERARCHY_PARENT_ID, parent);
	if (name != NULL)
		eas_node_append_text (root, EAS_FOLDERHIERARCHY_DISPLAY_NAME, name);
	if (type != NULL)
		eas_node_append_text (root, EAS_FOLDERHIERARCHY_TYPE, type);
	return root;
}

static guint
op_status (AirdockEasResponse *r)
{
	return (guint) g_ascii_strtoull (eas_node_child_text (r->tree, EAS_FOLDERHIERARCHY_STATUS), NULL, 10);
}

static void
test_create_update_delete (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasFolderSyncResponse) r0 = folder_sync (f, "0", NULL);
	g_autoptr (AirdockdFolder) inbox = airdockd_store_folder_get_by_type (f->store, f->uid, AIRDOCKD_FOLDER_INBOX, &error);

	/* Create. */
	g_autoptr (AirdockEasResponse) c = post (f, EAS_CMD_FOLDER_CREATE,
	                                         folder_op (EAS_FOLDERHIERARCHY_FOLDER_CREATE, r0->sync_key, NULL, "0", "Projects", "12"));
	g_assert_cmpuint (op_status (c), ==, 1);
	const char *pid = eas_node_child_text (c->tree, EAS_FOLDERHIERARCHY_SERVER_ID);
	g_autofree char *k1 = g_strdup (eas_node_child_text (c->tree, EAS_FOLDERHIERARCHY_SYNC_KEY));
	g_assert_nonnull (pid);
	g_autoptr (AirdockdFolder) stored = airdockd_store_folder_get (f->store, f->uid, pid, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (stored->display_name, ==, "Projects");

	/* The same name again: 2.  A special folder: 3.  A missing parent: 5.
	 * A stale key: 9. */
	g_autoptr (AirdockEasResponse) dup = post (f, EAS_CMD_FOLDER_CREATE,
	                                           folder_op (EAS_FOLDERHIERARCHY_FOLDER_CREATE, k1, NULL, "0", "Projects", "12"));
	g_assert_cmpuint (op_status (dup), ==, 2);
	g_assert_null (eas_node_child (dup->tree, EAS_FOLDERHIERARCHY_SYNC_KEY));
	g_autoptr (AirdockEasResponse) special = post (f, EAS_CMD_FOLDER_UPDATE,
	                                               folder_op (EAS_FOLDERHIERARCHY_FOLDER_UPDATE, k1, inbox->server_id, "0", "Not inbox", NULL));
	g_assert_cmpuint (op_status (special), ==, 3);
	g_autoptr (AirdockEasResponse) orphan = post (f, EAS_CMD_FOLDER_CREATE,
	                                              folder_op (EAS_FOLDERHIERARCHY_FOLDER_CREATE, k1, NULL, "no-such-parent", "Kid", "12"));
	g_assert_cmpuint (op_status (orphan), ==, 5);
	g_autoptr (AirdockEasResponse) stale = post (f, EAS_CMD_FOLDER_CREATE,
	                                             folder_op (EAS_FOLDERHIERARCHY_FOLDER_CREATE, r0->sync_key, NULL, "0", "Other", "12"));
	g_assert_cmpuint (op_status (stale), ==, 9);

	/* Rename. */
	g_autoptr (AirdockEasResponse) u = post (f, EAS_CMD_FOLDER_UPDATE,
	                                         folder_op (EAS_FOLDERHIERARCHY_FOLDER_UPDATE, k1, pid, "0", "Projects 2026", NULL));
	g_assert_cmpuint (op_status (u), ==, 1);
	g_autofree char *k2 = g_strdup (eas_node_child_text (u->tree, EAS_FOLDERHIERARCHY_SYNC_KEY));
	g_autoptr (AirdockdFolder) renamed = airdockd_store_folder_get (f->store, f->uid, pid, &error);
	g_assert_cmpstr (renamed->display_name, ==, "Projects 2026");

	/* FolderSync does not echo the device's own changes. */
	g_autoptr (EasFolderSyncResponse) fs = folder_sync (f, k2, NULL);
	g_assert_cmpint (fs->status, ==, EAS_FOLDER_STATUS_OK);
	g_assert_cmpuint (fs->adds->len + fs->updates->len + fs->deletes->len, ==, 0);

	/* Delete; a missing folder: 4; Inbox: 3. */
	g_autoptr (AirdockEasResponse) d = post (f, EAS_CMD_FOLDER_DELETE,
	                                         folder_op (EAS_FOLDERHIERARCHY_FOLDER_DELETE, fs->sync_key, pid, NULL, NULL, NULL));
	g_assert_cmpuint (op_status (d), ==, 1);
	g_autofree char *k3 = g_strdup (eas_node_child_text (d->tree, EAS_FOLDERHIERARCHY_SYNC_KEY));
	g_autoptr (AirdockdFolder) deleted = airdockd_store_folder_get (f->store, f->uid, pid, &error);
	g_assert_null (deleted);
	g_clear_error (&error);
	g_autoptr (AirdockEasResponse) d2 = post (f, EAS_CMD_FOLDER_DELETE,
	                                          folder_op (EAS_FOLDERHIERARCHY_FOLDER_DELETE, k3, pid, NULL, NULL, NULL));
	g_assert_cmpuint (op_status (d2), ==, 4);
	g_autoptr (AirdockEasResponse) d3 = post (f, EAS_CMD_FOLDER_DELETE,
	                                          folder_op (EAS_FOLDERHIERARCHY_FOLDER_DELETE, k3, inbox->server_id, NULL, NULL, NULL));
	g_assert_cmpuint (op_status (d3), ==, 3);

	/* Malformed (create without Type): 10. */
	g_autoptr (AirdockEasResponse) m = post (f, EAS_CMD_FOLDER_CREATE,
	                                         folder_op (EAS_FOLDERHIERARCHY_FOLDER_CREATE, k3, NULL, "0", "NoType", NULL));
	g_assert_cmpuint (op_status (m), ==, 10);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/server/foldersync/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("initial-and-incremental", test_initial_and_incremental);
	ADD ("key0-known-device", test_key0_known_device);
	ADD ("create-update-delete", test_create_update_delete);
#undef ADD
	return g_test_run ();
}
