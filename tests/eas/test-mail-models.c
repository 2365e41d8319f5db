/* test-mail-models.c — SendMail/SmartReply/SmartForward, MoveItems and
 * ItemOperations models (eas/eas-sendmail.h, eas-moveitems.h, eas-itemops.h). */
#include "config.h"

#include <string.h>

#include "eas/eas-itemops.h"
#include "eas/eas-moveitems.h"
#include "eas/eas-sendmail.h"

static const char test_mime[] =
	"From: a@example.test\r\nTo: b@example.test\r\nSubject: hi\r\n\r\nbody\r\n";

static EasComposeRequest *
make_compose (EasComposeKind kind)
{
	EasComposeRequest *r = g_new0 (EasComposeRequest, 1);

	r->kind = kind;
	r->client_id = g_strdup ("client-1");
	r->save_in_sent = TRUE;
	if (kind != EAS_COMPOSE_SEND_MAIL) {
		r->folder_id = g_strdup ("5");
		r->item_id = g_strdup ("5:12");
	}
	r->mime = g_bytes_new_static (test_mime, strlen (test_mime));
	return r;
}

static void
test_compose_roundtrip (void)
{
	for (EasComposeKind kind = EAS_COMPOSE_SEND_MAIL; kind <= EAS_COMPOSE_SMART_FORWARD; kind++) {
		g_autoptr (EasComposeRequest) in = make_compose (kind);
		g_autoptr (GBytes) doc = eas_compose_request_encode (in);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasComposeRequest) out = eas_compose_request_decode (kind, doc, NULL, &error);

		g_assert_no_error (error);
		g_assert_nonnull (out);
		g_assert_cmpint (out->kind, ==, kind);
		g_assert_cmpstr (out->client_id, ==, "client-1");
		g_assert_true (out->save_in_sent);
		g_assert_false (out->replace_mime);
		g_assert_cmpstr (out->item_id, ==, in->item_id);
		g_assert_cmpstr (out->folder_id, ==, in->folder_id);
		g_assert_true (g_bytes_equal (out->mime, in->mime));

		/* The MIME is a slice of the body, not a copy. */
		gsize doc_len, mime_len;
		const guint8 *doc_data = g_bytes_get_data (doc, &doc_len);
		const guint8 *mime_data = g_bytes_get_data (out->mime, &mime_len);
		g_assert_true (mime_data >= doc_data && mime_data + mime_len <= doc_data + doc_len);
	}
}

static void
test_compose_wrong_root (void)
{
	g_autoptr (EasComposeRequest) in = make_compose (EAS_COMPOSE_SEND_MAIL);
	g_autoptr (GBytes) doc = eas_compose_request_encode (in);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasComposeRequest) out = eas_compose_request_decode (EAS_COMPOSE_SMART_REPLY, doc, NULL, &error);

	g_assert_error (error, EAS_COMPOSE_ERROR, EAS_COMPOSE_ERROR_INVALID);
	g_assert_null (out);
}

static void
test_compose_missing (void)
{
	struct {
		EasComposeKind kind;
		gboolean drop_client_id, drop_mime, drop_source, replace_mime;
		gboolean ok;
	} cases[] = {
		{ EAS_COMPOSE_SEND_MAIL, TRUE, FALSE, FALSE, FALSE, FALSE },
		{ EAS_COMPOSE_SEND_MAIL, FALSE, TRUE, FALSE, FALSE, FALSE },
		{ EAS_COMPOSE_SMART_REPLY, FALSE, FALSE, TRUE, FALSE, FALSE },
		{ EAS_COMPOSE_SMART_FORWARD, FALSE, FALSE, TRUE, FALSE, FALSE },
		/* ReplaceMime: the original is not needed. */
		{ EAS_COMPOSE_SMART_FORWARD, FALSE, FALSE, TRUE, TRUE, TRUE },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (EasComposeRequest) in = make_compose (cases[i].kind);
		if (cases[i].drop_client_id)
			g_clear_pointer (&in->client_id, g_free);
		if (cases[i].drop_mime)
			g_clear_pointer (&in->mime, g_bytes_unref);
		if (cases[i].drop_source) {
			g_clear_pointer (&in->item_id, g_free);
			g_clear_pointer (&in->folder_id, g_free);
		}
		in->replace_mime = cases[i].replace_mime;
		g_autoptr (GBytes) doc = eas_compose_request_encode (in);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasComposeRequest) out = eas_compose_request_decode (cases[i].kind, doc, NULL, &error);
		if (cases[i].ok) {
			g_assert_no_error (error);
			g_assert_true (out->replace_mime);
		} else {
			g_assert_error (error, EAS_COMPOSE_ERROR, EAS_COMPOSE_ERROR_INVALID);
			g_assert_null (out);
		}
	}
}

static void
test_compose_duplicate (void)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_COMPOSEMAIL_SEND_MAIL);
	eas_node_append_text (root, EAS_COMPOSEMAIL_CLIENT_ID, "a");
	eas_node_append_text (root, EAS_COMPOSEMAIL_CLIENT_ID, "b");
	EasNode *mime = eas_node_append (root, EAS_COMPOSEMAIL_MIME);
	mime->opaque = g_bytes_new_static (test_mime, strlen (test_mime));
	g_autoptr (GBytes) doc = eas_node_encode (root);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasComposeRequest) out = eas_compose_request_decode (EAS_COMPOSE_SEND_MAIL, doc, NULL, &error);

	g_assert_error (error, EAS_COMPOSE_ERROR, EAS_COMPOSE_ERROR_INVALID);
	g_assert_null (out);
}

static void
test_compose_id_limit (void)
{
	for (gsize n = EAS_COMPOSE_MAX_ID_BYTES; n <= EAS_COMPOSE_MAX_ID_BYTES + 1; n++) {
		g_autoptr (EasComposeRequest) in = make_compose (EAS_COMPOSE_SMART_REPLY);
		g_free (in->item_id);
		in->item_id = g_strnfill (n, 'x');
		g_autoptr (GBytes) doc = eas_compose_request_encode (in);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasComposeRequest) out = eas_compose_request_decode (EAS_COMPOSE_SMART_REPLY, doc, NULL, &error);
		if (n == EAS_COMPOSE_MAX_ID_BYTES) {
			g_assert_no_error (error);
			g_assert_cmpuint (strlen (out->item_id), ==, n);
		} else {
			g_assert_error (error, EAS_COMPOSE_ERROR, EAS_COMPOSE_ERROR_LIMIT);
			g_assert_null (out);
		}
	}
}

static void
test_compose_mime_limit (void)
{
	gsize max = strlen (test_mime);

	for (gsize limit = max - 1; limit <= max; limit++) {
		EasComposeLimits limits = { .max_mime_bytes = limit };
		g_autoptr (EasComposeRequest) in = make_compose (EAS_COMPOSE_SEND_MAIL);
		g_autoptr (GBytes) doc = eas_compose_request_encode (in);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasComposeRequest) out = eas_compose_request_decode (EAS_COMPOSE_SEND_MAIL, doc, &limits, &error);
		if (limit == max)
			g_assert_no_error (error);
		else
			g_assert_error (error, EAS_COMPOSE_ERROR, EAS_COMPOSE_ERROR_LIMIT);

		/* Same limit on the 12.x form. */
		g_autoptr (EasQuery) q = g_new0 (EasQuery, 1);
		g_autoptr (GError) error2 = NULL;
		g_autoptr (EasComposeRequest) raw = eas_compose_request_from_mime (EAS_COMPOSE_SEND_MAIL, in->mime, q,
		                                                                   &limits, &error2);
		if (limit == max)
			g_assert_no_error (error2);
		else
			g_assert_error (error2, EAS_COMPOSE_ERROR, EAS_COMPOSE_ERROR_LIMIT);
	}
}

static void
test_compose_truncated (void)
{
	g_autoptr (EasComposeRequest) in = make_compose (EAS_COMPOSE_SMART_FORWARD);
	g_autoptr (GBytes) doc = eas_compose_request_encode (in);
	gsize len;
	const guint8 *data = g_bytes_get_data (doc, &len);

	/* Every proper prefix fails, none crashes. */
	for (gsize cut = 0; cut < len; cut++) {
		g_autoptr (GBytes) part = g_bytes_new (data, cut);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasComposeRequest) out = eas_compose_request_decode (EAS_COMPOSE_SMART_FORWARD, part, NULL, &error);
		g_assert_null (out);
		g_assert_nonnull (error);
	}
}

static void
test_compose_from_mime (void)
{
	g_autoptr (EasQuery) q = g_new0 (EasQuery, 1);
	g_autoptr (GBytes) body = g_bytes_new_static (test_mime, strlen (test_mime));
	g_autoptr (GError) error = NULL;

	q->save_in_sent = TRUE;
	q->item_id = g_strdup ("5:3");
	q->collection_id = g_strdup ("5");
	g_autoptr (EasComposeRequest) r = eas_compose_request_from_mime (EAS_COMPOSE_SMART_REPLY, body, q, NULL, &error);
	g_assert_no_error (error);
	g_assert_true (r->save_in_sent);
	g_assert_cmpstr (r->item_id, ==, "5:3");
	g_assert_cmpstr (r->folder_id, ==, "5");
	g_assert_null (r->client_id);
	g_assert_true (g_bytes_get_data (r->mime, NULL) == g_bytes_get_data (body, NULL));

	/* SmartReply without a source item; an empty body. */
	g_autoptr (EasQuery) q2 = g_new0 (EasQuery, 1);
	g_autoptr (GError) e2 = NULL;
	g_assert_null (eas_compose_request_from_mime (EAS_COMPOSE_SMART_REPLY, body, q2, NULL, &e2));
	g_assert_error (e2, EAS_COMPOSE_ERROR, EAS_COMPOSE_ERROR_INVALID);
	g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
	g_autoptr (GError) e3 = NULL;
	g_assert_null (eas_compose_request_from_mime (EAS_COMPOSE_SEND_MAIL, empty, q2, NULL, &e3));
	g_assert_error (e3, EAS_COMPOSE_ERROR, EAS_COMPOSE_ERROR_INVALID);
}

static void
test_compose_response (void)
{
	guint status = 0;
	g_autoptr (GError) error = NULL;

	g_assert_null (eas_compose_response_encode (EAS_COMPOSE_SEND_MAIL, EAS_COMPOSE_STATUS_SUCCESS));
	g_assert_true (eas_compose_response_decode (EAS_COMPOSE_SEND_MAIL, NULL, 0, &status, &error));
	g_assert_cmpuint (status, ==, 1);

	g_autoptr (GBytes) doc = eas_compose_response_encode (EAS_COMPOSE_SMART_REPLY,
	                                                      EAS_COMPOSE_STATUS_SUBMISSION_FAILED);
	gsize len;
	const guint8 *data = g_bytes_get_data (doc, &len);
	g_assert_true (eas_compose_response_decode (EAS_COMPOSE_SMART_REPLY, data, len, &status, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (status, ==, 120);
	g_assert_false (eas_compose_response_decode (EAS_COMPOSE_SEND_MAIL, data, len, &status, &error));
	g_assert_error (error, EAS_COMPOSE_ERROR, EAS_COMPOSE_ERROR_INVALID);
}

/* ---- MoveItems ---- */

static EasMoveItemsRequest *
make_moves (guint n, gsize id_len)
{
	EasMoveItemsRequest *r = g_new0 (EasMoveItemsRequest, 1);

	r->moves = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_move_items_move_free);
	for (guint i = 0; i < n; i++) {
		EasMoveItemsMove *m = g_new0 (EasMoveItemsMove, 1);
		m->src_msg_id = id_len ? g_strnfill (id_len, 'm') : g_strdup_printf ("5:%u", i);
		m->src_fld_id = g_strdup ("5");
		m->dst_fld_id = g_strdup ("7");
		g_ptr_array_add (r->moves, m);
	}
	return r;
}

static void
test_move_roundtrip (void)
{
	g_autoptr (EasMoveItemsRequest) in = make_moves (3, 0);
	g_autoptr (GBytes) doc = eas_move_items_request_encode (in);
	gsize len;
	const guint8 *data = g_bytes_get_data (doc, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasMoveItemsRequest) out = eas_move_items_request_decode (data, len, NULL, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (out->moves->len, ==, 3);
	for (guint i = 0; i < 3; i++) {
		EasMoveItemsMove *a = g_ptr_array_index (in->moves, i), *b = g_ptr_array_index (out->moves, i);
		g_assert_cmpstr (a->src_msg_id, ==, b->src_msg_id);
		g_assert_cmpstr (a->src_fld_id, ==, b->src_fld_id);
		g_assert_cmpstr (a->dst_fld_id, ==, b->dst_fld_id);
	}

	g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_move_items_result_free);
	EasMoveItemsResult *r1 = g_new0 (EasMoveItemsResult, 1);
	r1->src_msg_id = g_strdup ("5:0");
	r1->status = EAS_MOVE_ITEMS_STATUS_SUCCESS;
	r1->dst_msg_id = g_strdup ("7:9");
	g_ptr_array_add (results, r1);
	EasMoveItemsResult *r2 = g_new0 (EasMoveItemsResult, 1);
	r2->src_msg_id = g_strdup ("5:1");
	r2->status = EAS_MOVE_ITEMS_STATUS_INVALID_SOURCE;
	g_ptr_array_add (results, r2);
	g_autoptr (GBytes) resp = eas_move_items_response_encode (results);
	data = g_bytes_get_data (resp, &len);
	g_autoptr (GPtrArray) back = eas_move_items_response_decode (data, len, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (back->len, ==, 2);
	EasMoveItemsResult *b1 = g_ptr_array_index (back, 0), *b2 = g_ptr_array_index (back, 1);
	g_assert_cmpuint (b1->status, ==, 3);
	g_assert_cmpstr (b1->dst_msg_id, ==, "7:9");
	g_assert_cmpuint (b2->status, ==, 1);
	g_assert_null (b2->dst_msg_id);
	g_assert_cmpstr (b2->src_msg_id, ==, "5:1");
}

static void
test_move_limits (void)
{
	EasWbxmlLimits wl;

	eas_wbxml_limits_init_default (&wl);
	wl.elements = G_MAXSIZE / 2;
	wl.document_bytes = G_MAXSIZE / 2;
	for (guint n = EAS_MOVE_ITEMS_MAX_MOVES; n <= EAS_MOVE_ITEMS_MAX_MOVES + 1; n++) {
		g_autoptr (EasMoveItemsRequest) in = make_moves (n, 0);
		g_autoptr (GBytes) doc = eas_move_items_request_encode (in);
		gsize len;
		const guint8 *data = g_bytes_get_data (doc, &len);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasMoveItemsRequest) out = eas_move_items_request_decode (data, len, &wl, &error);
		if (n == EAS_MOVE_ITEMS_MAX_MOVES) {
			g_assert_no_error (error);
			g_assert_cmpuint (out->moves->len, ==, n);
		} else {
			g_assert_error (error, EAS_MOVE_ITEMS_ERROR, EAS_MOVE_ITEMS_ERROR_LIMIT);
		}
	}
	for (gsize n = EAS_MOVE_ITEMS_MAX_ID_BYTES; n <= EAS_MOVE_ITEMS_MAX_ID_BYTES + 1; n++) {
		g_autoptr (EasMoveItemsRequest) in = make_moves (1, n);
		g_autoptr (GBytes) doc = eas_move_items_request_encode (in);
		gsize len;
		const guint8 *data = g_bytes_get_data (doc, &len);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasMoveItemsRequest) out = eas_move_items_request_decode (data, len, NULL, &error);
		if (n == EAS_MOVE_ITEMS_MAX_ID_BYTES)
			g_assert_no_error (error);
		else
			g_assert_error (error, EAS_MOVE_ITEMS_ERROR, EAS_MOVE_ITEMS_ERROR_LIMIT);
	}
}

static void
test_move_invalid (void)
{
	/* Missing DstFldId; an empty MoveItems; a wrong root. */
	g_autoptr (EasNode) a = eas_node_new (EAS_MOVE_MOVE_ITEMS);
	EasNode *m = eas_node_append (a, EAS_MOVE_MOVE);
	eas_node_append_text (m, EAS_MOVE_SRC_MSG_ID, "5:1");
	eas_node_append_text (m, EAS_MOVE_SRC_FLD_ID, "5");
	g_autoptr (EasNode) b = eas_node_new (EAS_MOVE_MOVE_ITEMS);
	g_autoptr (EasNode) c = eas_node_new (EAS_MOVE_MOVE);
	eas_node_append_text (c, EAS_MOVE_SRC_MSG_ID, "5:1");
	EasNode *trees[] = { a, b, c };

	for (gsize i = 0; i < G_N_ELEMENTS (trees); i++) {
		g_autoptr (GBytes) doc = eas_node_encode (trees[i]);
		gsize len;
		const guint8 *data = g_bytes_get_data (doc, &len);
		g_autoptr (GError) error = NULL;
		g_assert_null (eas_move_items_request_decode (data, len, NULL, &error));
		g_assert_error (error, EAS_MOVE_ITEMS_ERROR, EAS_MOVE_ITEMS_ERROR_INVALID);
	}
}

/* ---- ItemOperations ---- */

static EasItemOpsRequest *
decode_tree (const EasNode *root, GError **error)
{
	g_autoptr (GBytes) doc = eas_node_encode (root);
	gsize len;
	const guint8 *data = g_bytes_get_data (doc, &len);

	return eas_itemops_request_decode (data, len, 141, NULL, error);
}

static EasNode *
add_fetch (EasNode *root, const char *server_id, const char *file_ref)
{
	EasNode *f = eas_node_append (root, EAS_ITEMOPERATIONS_FETCH);

	eas_node_append_text (f, EAS_ITEMOPERATIONS_STORE, "Mailbox");
	if (server_id != NULL) {
		eas_node_append_text (f, EAS_AIRSYNC_COLLECTION_ID, "5");
		eas_node_append_text (f, EAS_AIRSYNC_SERVER_ID, server_id);
	}
	if (file_ref != NULL)
		eas_node_append_text (f, EAS_AIRSYNCBASE_FILE_REFERENCE, file_ref);
	return f;
}

static void
test_itemops_decode (void)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	EasNode *f = add_fetch (root, "5:7", NULL);
	EasNode *opt = eas_node_append (f, EAS_ITEMOPERATIONS_OPTIONS);
	eas_node_append_text (opt, EAS_AIRSYNC_MIME_SUPPORT, "2");
	EasNode *bp = eas_node_append (opt, EAS_AIRSYNCBASE_BODY_PREFERENCE);
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TYPE, "4");
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TRUNCATION_SIZE, "1000");
	EasNode *g = add_fetch (root, NULL, "5:7:1");
	EasNode *opt2 = eas_node_append (g, EAS_ITEMOPERATIONS_OPTIONS);
	eas_node_append_text (opt2, EAS_ITEMOPERATIONS_RANGE, "10-19");
	EasNode *e = eas_node_append (root, EAS_ITEMOPERATIONS_EMPTY_FOLDER_CONTENTS);
	eas_node_append_text (e, EAS_AIRSYNC_COLLECTION_ID, "4");
	eas_node_append (eas_node_append (e, EAS_ITEMOPERATIONS_OPTIONS), EAS_ITEMOPERATIONS_DELETE_SUB_FOLDERS);
	EasNode *mv = eas_node_append (root, EAS_ITEMOPERATIONS_MOVE);
	EasNode *conv = eas_node_append (mv, EAS_ITEMOPERATIONS_CONVERSATION_ID);
	conv->opaque = g_bytes_new ("\x01\x02\x00\x03", 4);
	eas_node_append_text (mv, EAS_ITEMOPERATIONS_DST_FLD_ID, "9");

	g_autoptr (GError) error = NULL;
	g_autoptr (EasItemOpsRequest) req = decode_tree (root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (req->ops->len, ==, 4);

	EasItemOp *op = g_ptr_array_index (req->ops, 0);
	g_assert_cmpint (op->kind, ==, EAS_ITEMOPS_FETCH);
	g_assert_cmpstr (op->store, ==, "Mailbox");
	g_assert_cmpstr (op->server_id, ==, "5:7");
	g_assert_cmpstr (op->collection_id, ==, "5");
	g_assert_cmpint (op->email.mime_support, ==, EAS_MIME_SUPPORT_ALWAYS);
	g_assert_cmpuint (op->email.n_body_prefs, ==, 1);
	g_assert_cmpint (op->email.body_prefs[0].type, ==, EAS_BODY_TYPE_MIME);
	g_assert_true (op->email.body_prefs[0].has_truncation_size);
	g_assert_cmpuint (op->email.body_prefs[0].truncation_size, ==, 1000);
	g_assert_false (op->has_range);

	op = g_ptr_array_index (req->ops, 1);
	g_assert_cmpstr (op->file_reference, ==, "5:7:1");
	g_assert_true (op->has_range);
	g_assert_cmpuint (op->range_start, ==, 10);
	g_assert_cmpuint (op->range_end, ==, 19);

	op = g_ptr_array_index (req->ops, 2);
	g_assert_cmpint (op->kind, ==, EAS_ITEMOPS_EMPTY_FOLDER_CONTENTS);
	g_assert_cmpstr (op->collection_id, ==, "4");
	g_assert_true (op->delete_sub_folders);

	op = g_ptr_array_index (req->ops, 3);
	g_assert_cmpint (op->kind, ==, EAS_ITEMOPS_MOVE);
	g_assert_cmpstr (op->dst_fld_id, ==, "9");
	g_assert_cmpuint (g_bytes_get_size (op->conversation_id), ==, 4);
}

static void
test_itemops_invalid (void)
{
	const char *ranges[] = { "5-4", "-4", "4-", "a-b", "4", "1-2-3" };

	for (gsize i = 0; i < G_N_ELEMENTS (ranges); i++) {
		g_autoptr (EasNode) root = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
		EasNode *f = add_fetch (root, NULL, "5:7:1");
		eas_node_append_text (eas_node_append (f, EAS_ITEMOPERATIONS_OPTIONS), EAS_ITEMOPERATIONS_RANGE, ranges[i]);
		g_autoptr (GError) error = NULL;
		g_assert_null (decode_tree (root, &error));
		g_assert_error (error, EAS_ITEMOPS_ERROR, EAS_ITEMOPS_ERROR_INVALID);
	}

	/* Two ways of naming the target; none; no Store; empty request. */
	g_autoptr (EasNode) two = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	add_fetch (two, "5:7", "5:7:1");
	g_autoptr (EasNode) none = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	add_fetch (none, NULL, NULL);
	g_autoptr (EasNode) nostore = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	eas_node_append_text (eas_node_append (nostore, EAS_ITEMOPERATIONS_FETCH), EAS_AIRSYNC_SERVER_ID, "5:1");
	g_autoptr (EasNode) empty = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	g_autoptr (EasNode) efc = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	eas_node_append (efc, EAS_ITEMOPERATIONS_EMPTY_FOLDER_CONTENTS);
	EasNode *trees[] = { two, none, nostore, empty, efc };
	for (gsize i = 0; i < G_N_ELEMENTS (trees); i++) {
		g_autoptr (GError) error = NULL;
		g_assert_null (decode_tree (trees[i], &error));
		g_assert_error (error, EAS_ITEMOPS_ERROR, EAS_ITEMOPS_ERROR_INVALID);
	}
}

static void
test_itemops_limits (void)
{
	for (guint n = EAS_ITEMOPS_MAX_OPERATIONS; n <= EAS_ITEMOPS_MAX_OPERATIONS + 1; n++) {
		g_autoptr (EasNode) root = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
		for (guint i = 0; i < n; i++)
			add_fetch (root, "5:1", NULL);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasItemOpsRequest) req = decode_tree (root, &error);
		if (n == EAS_ITEMOPS_MAX_OPERATIONS) {
			g_assert_no_error (error);
			g_assert_cmpuint (req->ops->len, ==, n);
		} else {
			g_assert_error (error, EAS_ITEMOPS_ERROR, EAS_ITEMOPS_ERROR_LIMIT);
		}
	}
	for (guint n = EAS_BODY_PREFERENCES_MAX; n <= EAS_BODY_PREFERENCES_MAX + 1; n++) {
		g_autoptr (EasNode) root = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
		EasNode *opt = eas_node_append (add_fetch (root, "5:1", NULL), EAS_ITEMOPERATIONS_OPTIONS);
		for (guint i = 0; i < n; i++)
			eas_node_append_text (eas_node_append (opt, EAS_AIRSYNCBASE_BODY_PREFERENCE),
			                      EAS_AIRSYNCBASE_TYPE, "1");
		g_autoptr (GError) error = NULL;
		g_autoptr (EasItemOpsRequest) req = decode_tree (root, &error);
		if (n == EAS_BODY_PREFERENCES_MAX)
			g_assert_no_error (error);
		else
			g_assert_error (error, EAS_ITEMOPS_ERROR, EAS_ITEMOPS_ERROR_LIMIT);
	}
	for (gsize n = EAS_ITEMOPS_MAX_ID_BYTES; n <= EAS_ITEMOPS_MAX_ID_BYTES + 1; n++) {
		g_autoptr (EasNode) root = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
		g_autofree char *id = g_strnfill (n, 'f');
		add_fetch (root, NULL, id);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasItemOpsRequest) req = decode_tree (root, &error);
		if (n == EAS_ITEMOPS_MAX_ID_BYTES)
			g_assert_no_error (error);
		else
			g_assert_error (error, EAS_ITEMOPS_ERROR, EAS_ITEMOPS_ERROR_LIMIT);
	}
}

/* The streamed Data element decodes to the input for every length mod 3
 * and every chunking. */
static void
test_itemops_data (void)
{
	for (gsize len = 0; len < 40; len++) {
		g_autofree guint8 *raw = g_malloc (len + 1);
		for (gsize i = 0; i < len; i++)
			raw[i] = (guint8) (i * 37 + len);
		for (gsize chunk = 1; chunk <= 7; chunk += 3) {
			g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
			eas_itemops_write_begin (w, 1);
			EasItemOpsDataWriter *dw = eas_itemops_data_begin (w, len);
			for (gsize off = 0; off < len; off += chunk)
				eas_itemops_data_write (dw, raw + off, MIN (chunk, len - off));
			eas_itemops_data_end (dw);
			eas_itemops_write_end (w);
			g_autoptr (GError) error = NULL;
			g_autoptr (GBytes) doc = eas_wbxml_writer_finish (w, &error);
			g_assert_no_error (error);
			gsize dlen;
			const guint8 *d = g_bytes_get_data (doc, &dlen);
			g_autoptr (EasNode) root = eas_wbxml_parse (d, dlen, NULL, &error);
			g_assert_no_error (error);
			EasNode *data = eas_node_path (root, EAS_ITEMOPERATIONS_RESPONSE, EAS_ITEMOPERATIONS_DATA, 0);
			g_assert_nonnull (data);
			gsize b64_len = data->opaque ? g_bytes_get_size (data->opaque) : 0;
			g_assert_cmpuint (b64_len, ==, (len + 2) / 3 * 4);
			g_autofree char *b64 = b64_len > 0 ? g_strndup (g_bytes_get_data (data->opaque, NULL), b64_len)
			                                   : g_strdup ("");
			gsize out_len = 0;
			g_autofree guint8 *out = g_base64_decode (b64, &out_len);
			g_assert_cmpmem (out, out_len, raw, len);
		}
	}
}

static void
test_multipart (void)
{
	guint64 lens[] = { 5, 0, 3 };
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) head = eas_multipart_header_encode (lens, 3, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (g_bytes_get_size (head), ==, 4 + 3 * 8);

	g_autoptr (GByteArray) body = g_byte_array_new ();
	g_byte_array_append (body, g_bytes_get_data (head, NULL), (guint) g_bytes_get_size (head));
	g_byte_array_append (body, (const guint8 *) "helloabc", 8);
	g_autoptr (GArray) parts = eas_multipart_parse (body->data, body->len, 0, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (parts->len, ==, 3);
	EasMultipartPart *p = &g_array_index (parts, EasMultipartPart, 0);
	g_assert_cmpmem (body->data + p->offset, p->length, "hello", 5);
	p = &g_array_index (parts, EasMultipartPart, 2);
	g_assert_cmpmem (body->data + p->offset, p->length, "abc", 3);
	/* Little-endian count. */
	g_assert_cmpuint (body->data[0], ==, 3);
	g_assert_cmpuint (body->data[3], ==, 0);

	/* Every cut of the body fails cleanly. */
	for (guint cut = 0; cut < body->len; cut++) {
		g_autoptr (GError) e = NULL;
		g_autoptr (GArray) a = eas_multipart_parse (body->data, cut, 0, &e);
		g_assert_null (a);
		g_assert_nonnull (e);
	}
	/* max_parts at N and N-1. */
	g_autoptr (GArray) ok = eas_multipart_parse (body->data, body->len, 3, &error);
	g_assert_no_error (error);
	g_assert_null (eas_multipart_parse (body->data, body->len, 2, &error));
	g_assert_error (error, EAS_ITEMOPS_ERROR, EAS_ITEMOPS_ERROR_LIMIT);
	g_clear_error (&error);

	/* A part pointing into the header. */
	body->data[4] = 0;
	g_assert_null (eas_multipart_parse (body->data, body->len, 0, &error));
	g_assert_error (error, EAS_ITEMOPS_ERROR, EAS_ITEMOPS_ERROR_INVALID);
	g_clear_error (&error);

	/* Encoder limits: zero parts, too many parts, 32-bit overflow. */
	g_assert_null (eas_multipart_header_encode (lens, 0, &error));
	g_assert_error (error, EAS_ITEMOPS_ERROR, EAS_ITEMOPS_ERROR_LIMIT);
	g_clear_error (&error);
	guint64 many[EAS_ITEMOPS_MAX_PARTS + 1] = { 0 };
	g_autoptr (GBytes) at_max = eas_multipart_header_encode (many, EAS_ITEMOPS_MAX_PARTS, &error);
	g_assert_no_error (error);
	g_assert_null (eas_multipart_header_encode (many, EAS_ITEMOPS_MAX_PARTS + 1, &error));
	g_assert_error (error, EAS_ITEMOPS_ERROR, EAS_ITEMOPS_ERROR_LIMIT);
	g_clear_error (&error);
	guint64 big[] = { 10, G_MAXUINT32 };
	g_assert_null (eas_multipart_header_encode (big, 2, &error));
	g_assert_error (error, EAS_ITEMOPS_ERROR, EAS_ITEMOPS_ERROR_LIMIT);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/mail-models/compose/roundtrip", test_compose_roundtrip);
	g_test_add_func ("/mail-models/compose/wrong-root", test_compose_wrong_root);
	g_test_add_func ("/mail-models/compose/missing", test_compose_missing);
	g_test_add_func ("/mail-models/compose/duplicate", test_compose_duplicate);
	g_test_add_func ("/mail-models/compose/id-limit", test_compose_id_limit);
	g_test_add_func ("/mail-models/compose/mime-limit", test_compose_mime_limit);
	g_test_add_func ("/mail-models/compose/truncated", test_compose_truncated);
	g_test_add_func ("/mail-models/compose/from-mime", test_compose_from_mime);
	g_test_add_func ("/mail-models/compose/response", test_compose_response);
	g_test_add_func ("/mail-models/move/roundtrip", test_move_roundtrip);
	g_test_add_func ("/mail-models/move/limits", test_move_limits);
	g_test_add_func ("/mail-models/move/invalid", test_move_invalid);
	g_test_add_func ("/mail-models/itemops/decode", test_itemops_decode);
	g_test_add_func ("/mail-models/itemops/invalid", test_itemops_invalid);
	g_test_add_func ("/mail-models/itemops/limits", test_itemops_limits);
	g_test_add_func ("/mail-models/itemops/data", test_itemops_data);
	g_test_add_func ("/mail-models/itemops/multipart", test_multipart);

	return g_test_run ();
}
