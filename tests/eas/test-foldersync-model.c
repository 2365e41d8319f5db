/* test-foldersync-model.c — FolderSync and FolderCreate/Update/Delete models. */
#include "config.h"

#include <string.h>

#include "eas/eas-foldersync.h"
#include "eas/eas-sync.h"
#include "eas/eas-synckey.h"

static EasNode *
roundtrip (EasNode *root)
{
	g_autoptr (GBytes) bytes = eas_node_encode (root);
	g_autoptr (GError) error = NULL;
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	EasNode *back = eas_wbxml_parse (data, len, NULL, &error);

	g_assert_no_error (error);
	eas_node_free (root);
	return back;
}

static EasNode *
parse_bytes (GBytes *bytes)
{
	g_autoptr (GError) error = NULL;
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	EasNode *root = eas_wbxml_parse (data, len, NULL, &error);

	g_assert_no_error (error);
	return root;
}

static void
test_request (void)
{
	EasNode *root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_SYNC);
	g_autoptr (GError) error = NULL;

	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, "0");
	g_autoptr (EasNode) parsed = roundtrip (root);
	g_autofree char *key = eas_folder_sync_request_decode (parsed, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (key, ==, "0");

	/* Missing key; wrong root. */
	root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_SYNC);
	eas_node_append (root, EAS_FOLDERHIERARCHY_SYNC_KEY);
	g_autoptr (EasNode) p2 = roundtrip (root);
	g_assert_null (eas_folder_sync_request_decode (p2, &error));
	g_assert_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID);
	g_clear_error (&error);
	root = eas_node_new (EAS_AIRSYNC_SYNC);
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, "0");
	g_autoptr (EasNode) p3 = roundtrip (root);
	g_assert_null (eas_folder_sync_request_decode (p3, &error));
	g_assert_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID);
	g_clear_error (&error);

	/* Key length at 64 and 65 bytes. */
	for (guint extra = 0; extra <= 1; extra++) {
		g_autofree char *k = g_strnfill (EAS_SYNC_KEY_MAX_BYTES + extra, '7');

		root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_SYNC);
		eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, k);
		g_autoptr (EasNode) p = roundtrip (root);
		g_autofree char *got = eas_folder_sync_request_decode (p, &error);
		if (extra == 0) {
			g_assert_no_error (error);
			g_assert_cmpstr (got, ==, k);
		} else {
			g_assert_null (got);
			g_assert_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_LIMIT);
			g_clear_error (&error);
		}
	}
}

static void
test_response_roundtrip (void)
{
	g_autoptr (EasFolderSyncResponse) r = eas_folder_sync_response_new (EAS_FOLDER_STATUS_OK, "{0f8fad5b-d9cb-469f-a165-70867728950e}1");
	g_autoptr (GError) error = NULL;

	g_ptr_array_add (r->adds, eas_folder_new ("1", "0", "Inbox", 2));
	g_ptr_array_add (r->adds, eas_folder_new ("12", "1", "Caf\xc3\xa9", 12));
	g_ptr_array_add (r->updates, eas_folder_new ("13", "0", "Renamed", 12));
	g_ptr_array_add (r->deletes, g_strdup ("14"));
	g_autoptr (GBytes) bytes = eas_folder_sync_response_encode (r);
	g_autoptr (EasNode) root = parse_bytes (bytes);
	g_assert_cmpstr (eas_node_path (root, EAS_FOLDERHIERARCHY_CHANGES, EAS_FOLDERHIERARCHY_COUNT, 0)->text, ==, "4");
	g_autoptr (EasFolderSyncResponse) back = eas_folder_sync_response_decode (root, &error);
	g_assert_no_error (error);
	g_assert_cmpint (back->status, ==, EAS_FOLDER_STATUS_OK);
	g_assert_cmpstr (back->sync_key, ==, r->sync_key);
	g_assert_cmpuint (back->adds->len, ==, 2);
	EasFolder *f = g_ptr_array_index (back->adds, 1);
	g_assert_cmpstr (f->server_id, ==, "12");
	g_assert_cmpstr (f->parent_id, ==, "1");
	g_assert_cmpstr (f->display_name, ==, "Caf\xc3\xa9");
	g_assert_cmpuint (f->type, ==, 12);
	g_assert_cmpuint (back->updates->len, ==, 1);
	g_assert_cmpstr (((EasFolder *) g_ptr_array_index (back->updates, 0))->display_name, ==, "Renamed");
	g_assert_cmpuint (back->deletes->len, ==, 1);
	g_assert_cmpstr (g_ptr_array_index (back->deletes, 0), ==, "14");

	/* An error response carries only the status. */
	g_autoptr (EasFolderSyncResponse) e = eas_folder_sync_response_new (EAS_FOLDER_STATUS_INVALID_SYNC_KEY, "x");
	g_autoptr (GBytes) eb = eas_folder_sync_response_encode (e);
	g_autoptr (EasNode) er = parse_bytes (eb);
	g_assert_cmpstr (eas_node_child_text (er, EAS_FOLDERHIERARCHY_STATUS), ==, "9");
	g_assert_null (eas_node_child (er, EAS_FOLDERHIERARCHY_SYNC_KEY));
	g_assert_null (eas_node_child (er, EAS_FOLDERHIERARCHY_CHANGES));
}

static void
test_change_requests (void)
{
	g_autoptr (GError) error = NULL;
	EasNode *root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_CREATE);

	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, "{0f8fad5b-d9cb-469f-a165-70867728950e}1");
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_PARENT_ID, "0");
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_DISPLAY_NAME, "Projects");
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_TYPE, "12");
	g_autoptr (EasNode) p1 = roundtrip (root);
	g_autoptr (EasFolderChangeRequest) c = eas_folder_change_request_decode (p1, &error);
	g_assert_no_error (error);
	g_assert_cmpint (c->op, ==, EAS_FOLDER_OP_CREATE);
	g_assert_cmpstr (c->parent_id, ==, "0");
	g_assert_cmpstr (c->display_name, ==, "Projects");
	g_assert_cmpuint (c->type, ==, 12);
	g_assert_null (c->server_id);

	root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_UPDATE);
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, "1");
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SERVER_ID, "12");
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_PARENT_ID, "0");
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_DISPLAY_NAME, "Old projects");
	g_autoptr (EasNode) p2 = roundtrip (root);
	g_autoptr (EasFolderChangeRequest) u = eas_folder_change_request_decode (p2, &error);
	g_assert_no_error (error);
	g_assert_cmpint (u->op, ==, EAS_FOLDER_OP_UPDATE);
	g_assert_cmpstr (u->server_id, ==, "12");
	g_assert_cmpstr (u->display_name, ==, "Old projects");

	root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_DELETE);
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, "1");
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SERVER_ID, "12");
	g_autoptr (EasNode) p3 = roundtrip (root);
	g_autoptr (EasFolderChangeRequest) d = eas_folder_change_request_decode (p3, &error);
	g_assert_no_error (error);
	g_assert_cmpint (d->op, ==, EAS_FOLDER_OP_DELETE);

	/* Create without Type; Delete without ServerId. */
	root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_CREATE);
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, "1");
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_PARENT_ID, "0");
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_DISPLAY_NAME, "x");
	g_autoptr (EasNode) p4 = roundtrip (root);
	g_assert_null (eas_folder_change_request_decode (p4, &error));
	g_assert_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID);
	g_clear_error (&error);
	root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_DELETE);
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, "1");
	g_autoptr (EasNode) p5 = roundtrip (root);
	g_assert_null (eas_folder_change_request_decode (p5, &error));
	g_assert_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID);
	g_clear_error (&error);

	/* DisplayName at 256 and 257 bytes. */
	for (guint extra = 0; extra <= 1; extra++) {
		g_autofree char *name = g_strnfill (EAS_FOLDER_NAME_MAX_BYTES + extra, 'n');

		root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_CREATE);
		eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, "1");
		eas_node_append_text (root, EAS_FOLDERHIERARCHY_PARENT_ID, "0");
		eas_node_append_text (root, EAS_FOLDERHIERARCHY_DISPLAY_NAME, name);
		eas_node_append_text (root, EAS_FOLDERHIERARCHY_TYPE, "12");
		g_autoptr (EasNode) p = roundtrip (root);
		g_autoptr (EasFolderChangeRequest) r = eas_folder_change_request_decode (p, &error);
		if (extra == 0) {
			g_assert_no_error (error);
			g_assert_cmpstr (r->display_name, ==, name);
		} else {
			g_assert_null (r);
			g_assert_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_LIMIT);
			g_clear_error (&error);
		}
	}
}

static void
test_change_responses (void)
{
	g_autoptr (GBytes) ok = eas_folder_change_response_encode (EAS_FOLDER_OP_CREATE, EAS_FOLDER_STATUS_OK, "k2", "20");
	g_autoptr (EasNode) r1 = parse_bytes (ok);
	g_assert_cmpuint (r1->tag, ==, EAS_FOLDERHIERARCHY_FOLDER_CREATE);
	g_assert_cmpstr (eas_node_child_text (r1, EAS_FOLDERHIERARCHY_STATUS), ==, "1");
	g_assert_cmpstr (eas_node_child_text (r1, EAS_FOLDERHIERARCHY_SYNC_KEY), ==, "k2");
	g_assert_cmpstr (eas_node_child_text (r1, EAS_FOLDERHIERARCHY_SERVER_ID), ==, "20");

	g_autoptr (GBytes) bad = eas_folder_change_response_encode (EAS_FOLDER_OP_DELETE, EAS_FOLDER_STATUS_SPECIAL, "k2", NULL);
	g_autoptr (EasNode) r2 = parse_bytes (bad);
	g_assert_cmpuint (r2->tag, ==, EAS_FOLDERHIERARCHY_FOLDER_DELETE);
	g_assert_cmpstr (eas_node_child_text (r2, EAS_FOLDERHIERARCHY_STATUS), ==, "3");
	g_assert_null (eas_node_child (r2, EAS_FOLDERHIERARCHY_SYNC_KEY));

	g_autoptr (GBytes) upd = eas_folder_change_response_encode (EAS_FOLDER_OP_UPDATE, EAS_FOLDER_STATUS_OK, "k3", "20");
	g_autoptr (EasNode) r3 = parse_bytes (upd);
	g_assert_cmpstr (eas_node_child_text (r3, EAS_FOLDERHIERARCHY_SYNC_KEY), ==, "k3");
	g_assert_null (eas_node_child (r3, EAS_FOLDERHIERARCHY_SERVER_ID));
}

/* libwbxml's FolderSync fixtures (encoded by xml2wbxml): a request and a
 * response with five Adds, one a user folder below the Inbox. */
static void
test_fixtures (void)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	g_autofree char *dir = NULL;
	g_autofree char *req_path = NULL;
	g_autofree char *resp_path = NULL;
	g_autofree char *req = NULL;
	g_autofree char *resp = NULL;
	gsize req_len = 0, resp_len = 0;
	g_autoptr (GError) error = NULL;

	if (shared == NULL) {
		g_test_skip ("AIRDOCK_SHARED is not set: no fixtures");
		return;
	}
	dir = g_build_filename (shared, "fixtures", "eas", "libwbxml", "encoded-by-xml2wbxml", NULL);
	req_path = g_build_filename (dir, "activesync-020-folder_sync_initial_request.wbxml", NULL);
	resp_path = g_build_filename (dir, "activesync-021-folder_sync_initial_response.wbxml", NULL);
	if (!g_file_get_contents (req_path, &req, &req_len, NULL) ||
	    !g_file_get_contents (resp_path, &resp, &resp_len, NULL)) {
		g_test_skip ("FolderSync fixtures not found");
		return;
	}
	g_autoptr (EasNode) rq = eas_wbxml_parse ((const guint8 *) req, req_len, NULL, &error);
	g_assert_no_error (error);
	g_autofree char *key = eas_folder_sync_request_decode (rq, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (key, ==, "0");

	g_autoptr (EasNode) rs = eas_wbxml_parse ((const guint8 *) resp, resp_len, NULL, &error);
	g_assert_no_error (error);
	g_autoptr (EasFolderSyncResponse) r = eas_folder_sync_response_decode (rs, &error);
	g_assert_no_error (error);
	g_assert_cmpint (r->status, ==, EAS_FOLDER_STATUS_OK);
	g_assert_cmpstr (r->sync_key, ==, "1");
	g_assert_cmpuint (r->adds->len, ==, 5);
	EasFolder *family = g_ptr_array_index (r->adds, 3);
	g_assert_cmpstr (family->display_name, ==, "Family");
	g_assert_cmpstr (family->parent_id, ==, "3");
	g_assert_cmpuint (family->type, ==, 12);

	/* Re-encoded by us, it decodes to the same folders. */
	g_autoptr (GBytes) again = eas_folder_sync_response_encode (r);
	g_autoptr (EasNode) back = parse_bytes (again);
	g_autoptr (EasFolderSyncResponse) r2 = eas_folder_sync_response_decode (back, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r2->adds->len, ==, 5);
	for (guint i = 0; i < 5; i++) {
		EasFolder *a = g_ptr_array_index (r->adds, i), *b = g_ptr_array_index (r2->adds, i);
		g_assert_cmpstr (a->server_id, ==, b->server_id);
		g_assert_cmpstr (a->display_name, ==, b->display_name);
		g_assert_cmpuint (a->type, ==, b->type);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/foldersync-model/request", test_request);
	g_test_add_func ("/foldersync-model/response-roundtrip", test_response_roundtrip);
	g_test_add_func ("/foldersync-model/change-requests", test_change_requests);
	g_test_add_func ("/foldersync-model/change-responses", test_change_responses);
	g_test_add_func ("/foldersync-model/fixtures", test_fixtures);
	return g_test_run ();
}
