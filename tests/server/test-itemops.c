/* test-itemops.c — ItemOperations, GetAttachment and MoveItems over real
 * HTTP against the real airdockd. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "eas/eas-itemops.h"
#include "eas/eas-moveitems.h"
#include "server/airdockd-email.h"
#include "server/airdockd-store.h"
#include "tests/server/eas-client.h"
#include "tests/server/harness.h"

#define ATT_SIZE 5000	/* not a multiple of 3: the base64 tail is exercised */

typedef struct {
	AirdockHarness *h;
	AirdockdStore *store;
	gint64 alice;
	gint64 bob;
	AirdockEasClient *c;
	guint8 att[ATT_SIZE];
	AirdockdItem *item;	/* alice's message with the attachment, in Inbox */
} Fixture;

static char *
message_with_attachment (const guint8 *att, gsize len)
{
	g_autofree char *b64 = g_base64_encode (att, len);
	g_autoptr (GString) s = g_string_new (
		"From: Bob <bob@example.test>\r\n"
		"To: alice@example.test\r\n"
		"Subject: Report\r\n"
		"Message-ID: <report-1@example.test>\r\n"
		"Date: Tue, 03 Mar 2026 10:00:00 +0000\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe report is attached.\r\n"
		"--b1\r\nContent-Type: application/x-report\r\n"
		"Content-Disposition: attachment; filename=\"report.dat\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n");

	gsize b64_len = strlen (b64);

	for (gsize i = 0; i < b64_len; i += 76) {
		g_string_append_len (s, b64 + i, (gssize) MIN (76, b64_len - i));
		g_string_append (s, "\r\n");
	}
	g_string_append (s, "--b1--\r\n");
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static AirdockdItem *
seed (Fixture *f, gint64 user, const char *folder_id, const char *text)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = g_build_filename (f->h->dir, "seed.eml", NULL);

	g_file_set_contents (path, text, -1, &error);
	g_assert_no_error (error);
	AirdockdItem *item = airdockd_store_add_message (f->store, user, folder_id, path, FALSE, &error);
	g_assert_no_error (error);
	g_unlink (path);
	return item;
}

/* Item ids are per user ("<folder>:<n>"): give Bob an item whose id Alice
 * does not also have, so that "not found" can only mean isolation. */
static AirdockdItem *
seed_bob (Fixture *f, const char *bob_inbox)
{
	for (guint i = 0; i < 2; i++)
		airdockd_item_free (seed (f, f->bob, bob_inbox, "To: bob@example.test\r\nSubject: pad\r\n\r\nx\r\n"));
	return seed (f, f->bob, bob_inbox, "To: bob@example.test\r\nSubject: mine\r\n\r\nx\r\n");
}

static char *
folder_id (Fixture *f, gint64 user, AirdockdFolderType type)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) folder = airdockd_store_folder_get_by_type (f->store, user, type, &error);

	g_assert_no_error (error);
	return g_strdup (folder->server_id);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	f->h = airdock_harness_start (NULL);
	f->alice = airdock_harness_add_user (f->h, "alice", "alice@example.test", "secret");
	f->bob = airdock_harness_add_user (f->h, "bob", "bob@example.test", "secret");
	f->store = airdock_harness_open_store (f->h);
	for (gsize i = 0; i < ATT_SIZE; i++)
		f->att[i] = (guint8) g_test_rand_int_range (0, 256);
	g_autofree char *text = message_with_attachment (f->att, ATT_SIZE);
	g_autofree char *inbox = folder_id (f, f->alice, AIRDOCKD_FOLDER_INBOX);
	f->item = seed (f, f->alice, inbox, text);
	f->c = airdock_eas_client_new (f->h, FALSE, "alice", "secret", "DEVOPS1", "TestPhone",
	                               data != NULL ? GPOINTER_TO_UINT (data) : 141);
	g_assert_true (airdock_eas_client_provision (f->c, NULL, &error));
	g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
	airdock_eas_client_free (f->c);
	airdockd_item_free (f->item);
	airdockd_store_unref (f->store);
	airdock_harness_free (f->h);
}

static EasNode *
fetch_node (EasNode *root, const char *server_id, const char *collection_id, const char *file_ref)
{
	EasNode *fetch = eas_node_append (root, EAS_ITEMOPERATIONS_FETCH);

	eas_node_append_text (fetch, EAS_ITEMOPERATIONS_STORE, "Mailbox");
	if (collection_id != NULL)
		eas_node_append_text (fetch, EAS_AIRSYNC_COLLECTION_ID, collection_id);
	if (server_id != NULL)
		eas_node_append_text (fetch, EAS_AIRSYNC_SERVER_ID, server_id);
	if (file_ref != NULL)
		eas_node_append_text (fetch, EAS_AIRSYNCBASE_FILE_REFERENCE, file_ref);
	return fetch;
}

static AirdockEasResponse *
post_ops (Fixture *f, const EasNode *root)
{
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r = airdock_eas_client_post_tree (f->c, EAS_CMD_ITEM_OPERATIONS, root, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	return r;
}

static guint
node_uint (const EasNode *node, EasTag tag)
{
	guint64 v = 0;
	g_autoptr (GError) error = NULL;

	g_assert_true (eas_node_child_uint (node, tag, 0, G_MAXUINT32, &v, &error));
	return (guint) v;
}

/* Fetch elements of the response, in order. */
static GPtrArray *
response_ops (const AirdockEasResponse *r)
{
	GPtrArray *out = g_ptr_array_new ();

	g_assert_nonnull (r->tree);
	g_assert_cmpuint (r->tree->tag, ==, EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	g_assert_cmpuint (node_uint (r->tree, EAS_ITEMOPERATIONS_STATUS), ==, 1);
	EasNode *resp = eas_node_child (r->tree, EAS_ITEMOPERATIONS_RESPONSE);
	g_assert_nonnull (resp);
	for (EasNode *n = resp->first_child; n != NULL; n = n->next)
		g_ptr_array_add (out, n);
	return out;
}

static GBytes *
data_bytes (const EasNode *props)
{
	EasNode *data = eas_node_child (props, EAS_ITEMOPERATIONS_DATA);
	gsize out_len = 0;

	g_assert_nonnull (data);
	g_autofree char *b64 = data->opaque != NULL
		? g_strndup (g_bytes_get_data (data->opaque, NULL), g_bytes_get_size (data->opaque))
		: g_strdup (data->text != NULL ? data->text : "");
	guint8 *raw = g_base64_decode (b64, &out_len);
	return g_bytes_new_take (raw, out_len);
}

static void
test_fetch_item (Fixture *f, gconstpointer data)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	EasNode *fetch = fetch_node (root, f->item->server_id, f->item->folder_id, NULL);
	EasNode *bp = eas_node_append (eas_node_append (fetch, EAS_ITEMOPERATIONS_OPTIONS), EAS_AIRSYNCBASE_BODY_PREFERENCE);
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TYPE, "1");
	g_autoptr (AirdockEasResponse) r = post_ops (f, root);
	g_autoptr (GPtrArray) ops = response_ops (r);

	g_assert_cmpuint (ops->len, ==, 1);
	EasNode *op = g_ptr_array_index (ops, 0);
	g_assert_cmpuint (op->tag, ==, EAS_ITEMOPERATIONS_FETCH);
	g_assert_cmpuint (node_uint (op, EAS_ITEMOPERATIONS_STATUS), ==, 1);
	g_assert_cmpstr (eas_node_child_text (op, EAS_AIRSYNC_SERVER_ID), ==, f->item->server_id);
	EasNode *props = eas_node_child (op, EAS_ITEMOPERATIONS_PROPERTIES);
	g_assert_nonnull (props);
	g_assert_cmpstr (eas_node_child_text (props, EAS_EMAIL_SUBJECT), ==, "Report");
	EasNode *body = eas_node_child (props, EAS_AIRSYNCBASE_BODY);
	g_assert_nonnull (body);
	g_assert_nonnull (strstr (eas_node_child_text (body, EAS_AIRSYNCBASE_DATA), "The report is attached."));
	/* The attachment is listed with a FileReference the client can fetch. */
	EasNode *att = eas_node_path (props, EAS_AIRSYNCBASE_ATTACHMENTS, EAS_AIRSYNCBASE_ATTACHMENT, 0);
	g_assert_nonnull (att);
	g_assert_cmpstr (eas_node_child_text (att, EAS_AIRSYNCBASE_DISPLAY_NAME), ==, "report.dat");
	g_assert_nonnull (eas_node_child_text (att, EAS_AIRSYNCBASE_FILE_REFERENCE));
}

static void
test_fetch_attachment (Fixture *f, gconstpointer data)
{
	g_autofree char *ref = airdockd_email_file_reference (f->item->server_id, 0);
	g_autoptr (EasNode) root = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	fetch_node (root, NULL, NULL, ref);
	EasNode *ranged = fetch_node (root, NULL, NULL, ref);
	eas_node_append_text (eas_node_append (ranged, EAS_ITEMOPERATIONS_OPTIONS), EAS_ITEMOPERATIONS_RANGE, "10-19");
	g_autoptr (AirdockEasResponse) r = post_ops (f, root);
	g_autoptr (GPtrArray) ops = response_ops (r);

	g_assert_cmpuint (ops->len, ==, 2);
	EasNode *whole = g_ptr_array_index (ops, 0);
	g_assert_cmpuint (node_uint (whole, EAS_ITEMOPERATIONS_STATUS), ==, 1);
	g_assert_cmpstr (eas_node_child_text (whole, EAS_AIRSYNCBASE_FILE_REFERENCE), ==, ref);
	EasNode *props = eas_node_child (whole, EAS_ITEMOPERATIONS_PROPERTIES);
	g_assert_cmpstr (eas_node_child_text (props, EAS_AIRSYNCBASE_CONTENT_TYPE), ==, "application/x-report");
	g_autoptr (GBytes) bytes = data_bytes (props);
	g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), f->att, ATT_SIZE);

	EasNode *part = g_ptr_array_index (ops, 1);
	props = eas_node_child (part, EAS_ITEMOPERATIONS_PROPERTIES);
	g_assert_cmpstr (eas_node_child_text (props, EAS_ITEMOPERATIONS_RANGE), ==, "10-19");
	g_assert_cmpuint (node_uint (props, EAS_ITEMOPERATIONS_TOTAL), ==, ATT_SIZE);
	g_autoptr (GBytes) slice = data_bytes (props);
	g_assert_cmpmem (g_bytes_get_data (slice, NULL), g_bytes_get_size (slice), f->att + 10, 10);
}

static void
test_fetch_multipart (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *ref = airdockd_email_file_reference (f->item->server_id, 0);
	g_autoptr (EasNode) root = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	fetch_node (root, NULL, NULL, ref);
	g_autoptr (GBytes) req = eas_node_encode (root);
	EasQuery params = { .accept_multipart = TRUE };

	/* The base64 query form carries AcceptMultiPart in its Options. */
	airdock_eas_client_set_base64 (f->c, TRUE);
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (f->c, EAS_CMD_ITEM_OPERATIONS, &params, req,
	                                                            NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_cmpstr (r->content_type, ==, "application/vnd.ms-sync.multipart");

	gsize len;
	const guint8 *body = g_bytes_get_data (r->body, &len);
	g_autoptr (GArray) parts = eas_multipart_parse (body, len, 0, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (parts->len, ==, 2);
	EasMultipartPart *p0 = &g_array_index (parts, EasMultipartPart, 0);
	g_autoptr (EasNode) tree = eas_wbxml_parse (body + p0->offset, p0->length, NULL, &error);
	g_assert_no_error (error);
	EasNode *fetch = eas_node_path (tree, EAS_ITEMOPERATIONS_RESPONSE, EAS_ITEMOPERATIONS_FETCH, 0);
	EasNode *props = eas_node_child (fetch, EAS_ITEMOPERATIONS_PROPERTIES);
	g_assert_null (eas_node_child (props, EAS_ITEMOPERATIONS_DATA));
	guint index = node_uint (props, EAS_ITEMOPERATIONS_PART);
	g_assert_cmpuint (index, ==, 1);
	EasMultipartPart *p = &g_array_index (parts, EasMultipartPart, index);
	g_assert_cmpmem (body + p->offset, p->length, f->att, ATT_SIZE);
}

static void
test_fetch_errors (Fixture *f, gconstpointer data)
{
	g_autofree char *bob_inbox = folder_id (f, f->bob, AIRDOCKD_FOLDER_INBOX);
	g_autoptr (AirdockdItem) bobs = seed_bob (f, bob_inbox);
	g_autofree char *bob_ref = airdockd_email_file_reference (bobs->server_id, 0);
	g_autofree char *bad_index = airdockd_email_file_reference (f->item->server_id, 7);
	g_autofree char *ref = airdockd_email_file_reference (f->item->server_id, 0);
	g_autoptr (EasNode) root = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);

	fetch_node (root, bobs->server_id, NULL, NULL);		/* another user's item → 6 */
	fetch_node (root, f->item->server_id, "nope", NULL);	/* wrong collection → 6 */
	fetch_node (root, NULL, NULL, bob_ref);			/* another user's attachment → 15 */
	fetch_node (root, NULL, NULL, bad_index);		/* no such attachment → 15 */
	fetch_node (root, NULL, NULL, "garbage");		/* not a reference → 15 */
	EasNode *past = fetch_node (root, NULL, NULL, ref);	/* range past the end → 8 */
	g_autofree char *range = g_strdup_printf ("%u-%u", ATT_SIZE, ATT_SIZE + 5);
	eas_node_append_text (eas_node_append (past, EAS_ITEMOPERATIONS_OPTIONS), EAS_ITEMOPERATIONS_RANGE, range);
	EasNode *last = fetch_node (root, NULL, NULL, ref);	/* range at the last byte → 1 */
	g_autofree char *range2 = g_strdup_printf ("%u-%u", ATT_SIZE - 1, ATT_SIZE + 5);
	eas_node_append_text (eas_node_append (last, EAS_ITEMOPERATIONS_OPTIONS), EAS_ITEMOPERATIONS_RANGE, range2);
	EasNode *doc = eas_node_append (root, EAS_ITEMOPERATIONS_FETCH);	/* document library → 9 */
	eas_node_append_text (doc, EAS_ITEMOPERATIONS_STORE, "DocumentLibrary");
	eas_node_append_text (doc, EAS_DOCUMENTLIBRARY_LINK_ID, "\\\\server\\share\\file.txt");

	g_autoptr (AirdockEasResponse) r = post_ops (f, root);
	g_autoptr (GPtrArray) ops = response_ops (r);
	const guint expect[] = { 6, 6, 15, 15, 15, 8, 1, 9 };
	g_assert_cmpuint (ops->len, ==, G_N_ELEMENTS (expect));
	for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
		g_assert_cmpuint (node_uint (g_ptr_array_index (ops, i), EAS_ITEMOPERATIONS_STATUS), ==, expect[i]);
	/* Nothing of Bob's leaked into the answer. */
	g_assert_null (eas_node_child (g_ptr_array_index (ops, 0), EAS_ITEMOPERATIONS_PROPERTIES));
	EasNode *props = eas_node_child (g_ptr_array_index (ops, 6), EAS_ITEMOPERATIONS_PROPERTIES);
	g_autoptr (GBytes) one = data_bytes (props);
	g_assert_cmpmem (g_bytes_get_data (one, NULL), g_bytes_get_size (one), f->att + ATT_SIZE - 1, 1);

	/* Undecodable request → global Status 2. */
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) junk = g_bytes_new_static ("\x03\x01\x6a\x00\x00\x14\x45\x46\x01", 9);
	g_autoptr (AirdockEasResponse) r2 = airdock_eas_client_post (f->c, EAS_CMD_ITEM_OPERATIONS, NULL, junk, NULL, &error);
	g_assert_no_error (error);
	g_assert_nonnull (r2->tree);
	g_assert_cmpuint (node_uint (r2->tree, EAS_ITEMOPERATIONS_STATUS), ==, 2);
}

static void
test_empty_folder (Fixture *f, gconstpointer data)
{
	g_autofree char *deleted = folder_id (f, f->alice, AIRDOCKD_FOLDER_DELETED);
	g_autoptr (AirdockdItem) a = seed (f, f->alice, deleted, "To: a@x.test\r\nSubject: 1\r\n\r\nx\r\n");
	g_autoptr (AirdockdItem) b = seed (f, f->alice, deleted, "To: a@x.test\r\nSubject: 2\r\n\r\nx\r\n");
	g_autoptr (GError) error = NULL;
	guint64 n = 0;

	g_assert_true (airdockd_store_item_count (f->store, f->alice, deleted, &n, &error));
	g_assert_cmpuint (n, ==, 2);

	g_autoptr (EasNode) root = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	EasNode *e = eas_node_append (root, EAS_ITEMOPERATIONS_EMPTY_FOLDER_CONTENTS);
	eas_node_append_text (e, EAS_AIRSYNC_COLLECTION_ID, deleted);
	EasNode *e2 = eas_node_append (root, EAS_ITEMOPERATIONS_EMPTY_FOLDER_CONTENTS);
	eas_node_append_text (e2, EAS_AIRSYNC_COLLECTION_ID, "no-such-folder");
	g_autoptr (AirdockEasResponse) r = post_ops (f, root);
	g_autoptr (GPtrArray) ops = response_ops (r);

	g_assert_cmpuint (ops->len, ==, 2);
	g_assert_cmpuint (node_uint (g_ptr_array_index (ops, 0), EAS_ITEMOPERATIONS_STATUS), ==, 1);
	g_assert_cmpstr (eas_node_child_text (g_ptr_array_index (ops, 0), EAS_AIRSYNC_COLLECTION_ID), ==, deleted);
	g_assert_cmpuint (node_uint (g_ptr_array_index (ops, 1), EAS_ITEMOPERATIONS_STATUS), ==, 6);
	g_assert_true (airdockd_store_item_count (f->store, f->alice, deleted, &n, &error));
	g_assert_cmpuint (n, ==, 0);
	/* Inbox untouched. */
	g_assert_true (airdockd_store_item_count (f->store, f->alice, f->item->folder_id, &n, &error));
	g_assert_cmpuint (n, ==, 1);
}

static void
test_get_attachment (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *ref = airdockd_email_file_reference (f->item->server_id, 0);
	EasQuery params = { .attachment_name = ref };
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (f->c, EAS_CMD_GET_ATTACHMENT, &params, NULL,
	                                                            NULL, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_cmpstr (r->content_type, ==, "application/x-report");
	g_assert_cmpmem (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body), f->att, ATT_SIZE);

	/* Unknown attachment → HTTP 500, no body. */
	g_autofree char *bad = airdockd_email_file_reference (f->item->server_id, 3);
	EasQuery params2 = { .attachment_name = bad };
	g_autoptr (AirdockEasResponse) r2 = airdock_eas_client_post (f->c, EAS_CMD_GET_ATTACHMENT, &params2, NULL,
	                                                             NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r2->http_status, ==, 500);
}

/* ---- MoveItems ---- */

static GPtrArray *
post_moves (Fixture *f, EasMoveItemsRequest *req)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) body = eas_move_items_request_encode (req);
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (f->c, EAS_CMD_MOVE_ITEMS, NULL, body, NULL, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	GPtrArray *results = eas_move_items_response_decode (g_bytes_get_data (r->body, NULL),
	                                                     g_bytes_get_size (r->body), &error);
	g_assert_no_error (error);
	return results;
}

static void
add_move (EasMoveItemsRequest *req, const char *msg, const char *src, const char *dst)
{
	EasMoveItemsMove *m = g_new0 (EasMoveItemsMove, 1);

	m->src_msg_id = g_strdup (msg);
	m->src_fld_id = g_strdup (src);
	m->dst_fld_id = g_strdup (dst);
	g_ptr_array_add (req->moves, m);
}

static void
test_move_items (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) archive = airdockd_store_folder_create (f->store, f->alice, AIRDOCKD_FOLDER_ROOT,
	                                                                  "Archive", AIRDOCKD_FOLDER_USER_MAIL, &error);
	g_assert_no_error (error);
	g_autofree char *bob_inbox = folder_id (f, f->bob, AIRDOCKD_FOLDER_INBOX);
	g_autoptr (AirdockdItem) bobs = seed_bob (f, bob_inbox);
	g_autofree char *contacts = folder_id (f, f->alice, AIRDOCKD_FOLDER_CONTACTS);
	const char *inbox = f->item->folder_id;

	g_autoptr (EasMoveItemsRequest) req = g_new0 (EasMoveItemsRequest, 1);
	req->moves = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_move_items_move_free);
	add_move (req, f->item->server_id, inbox, inbox);		/* same folder → 4 */
	add_move (req, f->item->server_id, inbox, "no-such");		/* bad destination → 2 */
	add_move (req, f->item->server_id, inbox, contacts);		/* wrong class → 2 */
	add_move (req, bobs->server_id, bob_inbox, archive->server_id);	/* another user's → 1 */
	add_move (req, f->item->server_id, archive->server_id, inbox);	/* wrong source folder → 1 */
	add_move (req, f->item->server_id, inbox, archive->server_id);	/* → 3 */
	add_move (req, f->item->server_id, inbox, archive->server_id);	/* gone from inbox → 1 */
	g_autoptr (GPtrArray) results = post_moves (f, req);

	const guint expect[] = { 4, 2, 2, 1, 1, 3, 1 };
	g_assert_cmpuint (results->len, ==, G_N_ELEMENTS (expect));
	for (guint i = 0; i < G_N_ELEMENTS (expect); i++) {
		EasMoveItemsResult *r = g_ptr_array_index (results, i);
		EasMoveItemsMove *m = g_ptr_array_index (req->moves, i);
		g_assert_cmpuint (r->status, ==, expect[i]);
		g_assert_cmpstr (r->src_msg_id, ==, m->src_msg_id);
		g_assert_true ((r->dst_msg_id != NULL) == (expect[i] == 3));
	}

	/* The item lives under its new id in Archive; Bob's is where it was. */
	EasMoveItemsResult *ok = g_ptr_array_index (results, 5);
	g_autoptr (AirdockdItem) moved = airdockd_store_item_get (f->store, f->alice, ok->dst_msg_id, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (moved->folder_id, ==, archive->server_id);
	g_assert_cmpstr (moved->subject, ==, "Report");
	g_autoptr (AirdockdItem) still = airdockd_store_item_get (f->store, f->bob, bobs->server_id, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (still->folder_id, ==, bob_inbox);

	/* Malformed request → command Status. */
	g_autoptr (GBytes) junk = g_bytes_new_static ("\x03\x01\x6a\x00\x00\x05\x45\x01", 8);
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (f->c, EAS_CMD_MOVE_ITEMS, NULL, junk, NULL, &error);
	g_assert_no_error (error);
	g_assert_nonnull (r->tree);
	g_assert_cmpuint (node_uint (r->tree, EAS_MOVE_STATUS), ==, 103);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

#define ADD(path, fn, version) \
	g_test_add (path, Fixture, GUINT_TO_POINTER (version), fixture_set_up, fn, fixture_tear_down)
	ADD ("/itemops/fetch-item", test_fetch_item, 141);
	ADD ("/itemops/fetch-attachment", test_fetch_attachment, 141);
	ADD ("/itemops/fetch-multipart", test_fetch_multipart, 141);
	ADD ("/itemops/fetch-errors", test_fetch_errors, 160);
	ADD ("/itemops/empty-folder", test_empty_folder, 141);
	ADD ("/itemops/get-attachment-12.1", test_get_attachment, 121);
	ADD ("/moveitems/statuses", test_move_items, 141);
#undef ADD

	return g_test_run ();
}
