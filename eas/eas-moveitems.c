/* eas-moveitems.c — MoveItems request decoder and response encoder. */
#include "config.h"

#include <string.h>

#include "eas/eas-moveitems.h"

G_DEFINE_QUARK (eas-move-items-error-quark, eas_move_items_error)

void
eas_move_items_move_free (EasMoveItemsMove *move)
{
	if (move == NULL)
		return;
	g_free (move->src_msg_id);
	g_free (move->src_fld_id);
	g_free (move->dst_fld_id);
	g_free (move);
}

void
eas_move_items_request_free (EasMoveItemsRequest *request)
{
	if (request == NULL)
		return;
	g_clear_pointer (&request->moves, g_ptr_array_unref);
	g_free (request);
}

void
eas_move_items_result_free (EasMoveItemsResult *result)
{
	if (result == NULL)
		return;
	g_free (result->src_msg_id);
	g_free (result->dst_msg_id);
	g_free (result);
}

static gboolean
move_fail (GError **error, EasMoveItemsErrorCode code, EasTag tag, guint index, const char *what)
{
	g_set_error (error, EAS_MOVE_ITEMS_ERROR, code, "Move %u: %s: %s", index,
	             eas_tag_name (tag) ? eas_tag_name (tag) : "element", what);
	return FALSE;
}

/* Exactly one child with tag, 1..MAX_ID_BYTES of text. */
static gboolean
move_take_id (const EasNode *move, EasTag tag, guint index, char **out_id, GError **error)
{
	const EasNode *child = eas_node_child (move, tag);

	if (child == NULL || child->text == NULL || child->text[0] == '\0')
		return move_fail (error, EAS_MOVE_ITEMS_ERROR_INVALID, tag, index, "missing or empty");
	if (eas_node_next_same (child) != NULL)
		return move_fail (error, EAS_MOVE_ITEMS_ERROR_INVALID, tag, index, "given twice");
	if (strlen (child->text) > EAS_MOVE_ITEMS_MAX_ID_BYTES)
		return move_fail (error, EAS_MOVE_ITEMS_ERROR_LIMIT, tag, index, "too long");
	*out_id = g_strdup (child->text);
	return TRUE;
}

static EasMoveItemsMove *
move_decode_one (const EasNode *node, guint index, GError **error)
{
	g_autoptr (EasMoveItemsMove) move = g_new0 (EasMoveItemsMove, 1);

	if (!move_take_id (node, EAS_MOVE_SRC_MSG_ID, index, &move->src_msg_id, error) ||
	    !move_take_id (node, EAS_MOVE_SRC_FLD_ID, index, &move->src_fld_id, error) ||
	    !move_take_id (node, EAS_MOVE_DST_FLD_ID, index, &move->dst_fld_id, error))
		return NULL;
	return g_steal_pointer (&move);
}

EasMoveItemsRequest *
eas_move_items_request_decode (const guint8 *data, gsize len,
                               const EasWbxmlLimits *limits,
                               GError **error)
{
	g_return_val_if_fail (data != NULL || len == 0, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, limits, error);
	if (root == NULL)
		return NULL;
	if (root->tag != EAS_MOVE_MOVE_ITEMS)
		return move_fail (error, EAS_MOVE_ITEMS_ERROR_INVALID, root->tag, 0, "unexpected root"), NULL;

	g_autoptr (EasMoveItemsRequest) req = g_new0 (EasMoveItemsRequest, 1);
	req->moves = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_move_items_move_free);
	for (const EasNode *n = root->first_child; n != NULL; n = n->next) {
		if (n->tag != EAS_MOVE_MOVE)
			return move_fail (error, EAS_MOVE_ITEMS_ERROR_INVALID, n->tag,
			                  req->moves->len, "unexpected element"), NULL;
		if (req->moves->len >= EAS_MOVE_ITEMS_MAX_MOVES)
			return move_fail (error, EAS_MOVE_ITEMS_ERROR_LIMIT, n->tag,
			                  req->moves->len, "too many moves"), NULL;
		EasMoveItemsMove *move = move_decode_one (n, req->moves->len, error);
		if (move == NULL)
			return NULL;
		g_ptr_array_add (req->moves, move);
	}
	if (req->moves->len == 0)
		return move_fail (error, EAS_MOVE_ITEMS_ERROR_INVALID, EAS_MOVE_MOVE, 0, "missing"), NULL;
	return g_steal_pointer (&req);
}

GBytes *
eas_move_items_request_encode (const EasMoveItemsRequest *request)
{
	g_return_val_if_fail (request != NULL && request->moves != NULL, NULL);

	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	eas_wbxml_writer_start (w, EAS_MOVE_MOVE_ITEMS);
	for (guint i = 0; i < request->moves->len; i++) {
		const EasMoveItemsMove *m = g_ptr_array_index (request->moves, i);
		eas_wbxml_writer_start (w, EAS_MOVE_MOVE);
		eas_wbxml_writer_text_element (w, EAS_MOVE_SRC_MSG_ID, m->src_msg_id);
		eas_wbxml_writer_text_element (w, EAS_MOVE_SRC_FLD_ID, m->src_fld_id);
		eas_wbxml_writer_text_element (w, EAS_MOVE_DST_FLD_ID, m->dst_fld_id);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

GBytes *
eas_move_items_response_encode (GPtrArray *results)
{
	g_return_val_if_fail (results != NULL, NULL);

	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	eas_wbxml_writer_start (w, EAS_MOVE_MOVE_ITEMS);
	for (guint i = 0; i < results->len; i++) {
		const EasMoveItemsResult *r = g_ptr_array_index (results, i);
		eas_wbxml_writer_start (w, EAS_MOVE_RESPONSE);
		/* [MS-ASCMD] 2.2.3.171.2: SrcMsgId echoes the request. */
		if (r->src_msg_id != NULL)
			eas_wbxml_writer_text_element (w, EAS_MOVE_SRC_MSG_ID, r->src_msg_id);
		eas_wbxml_writer_uint_element (w, EAS_MOVE_STATUS, r->status);
		if (r->dst_msg_id != NULL)
			eas_wbxml_writer_text_element (w, EAS_MOVE_DST_MSG_ID, r->dst_msg_id);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

GPtrArray *
eas_move_items_response_decode (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, NULL, error);
	if (root == NULL)
		return NULL;
	if (root->tag != EAS_MOVE_MOVE_ITEMS)
		return move_fail (error, EAS_MOVE_ITEMS_ERROR_INVALID, root->tag, 0, "unexpected root"), NULL;

	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_move_items_result_free);
	for (const EasNode *n = eas_node_child (root, EAS_MOVE_RESPONSE); n != NULL; n = eas_node_next_same (n)) {
		guint64 status = 0;
		if (!eas_node_child_uint (n, EAS_MOVE_STATUS, 1, G_MAXUINT, &status, error))
			return NULL;
		EasMoveItemsResult *r = g_new0 (EasMoveItemsResult, 1);
		r->status = (guint) status;
		r->src_msg_id = g_strdup (eas_node_child_text (n, EAS_MOVE_SRC_MSG_ID));
		r->dst_msg_id = g_strdup (eas_node_child_text (n, EAS_MOVE_DST_MSG_ID));
		g_ptr_array_add (out, r);
	}
	return g_steal_pointer (&out);
}
