/* eas-itemops.c — ItemOperations request decoder, response helpers and the
 * multipart framing. */
#include "config.h"

#include <string.h>

#include "eas/eas-itemops.h"
#include "eas/eas-sync.h"

G_DEFINE_QUARK (eas-itemops-error-quark, eas_itemops_error)

void
eas_item_op_free (EasItemOp *op)
{
	if (op == NULL)
		return;
	g_free (op->store);
	g_free (op->server_id);
	g_free (op->collection_id);
	g_free (op->file_reference);
	g_free (op->long_id);
	g_free (op->link_id);
	g_clear_pointer (&op->conversation_id, g_bytes_unref);
	g_free (op->dst_fld_id);
	g_free (op);
}

void
eas_itemops_request_free (EasItemOpsRequest *request)
{
	if (request == NULL)
		return;
	g_clear_pointer (&request->ops, g_ptr_array_unref);
	g_free (request);
}

static gboolean
ops_fail (GError **error, EasItemOpsErrorCode code, EasTag tag, const char *what)
{
	g_set_error (error, EAS_ITEMOPS_ERROR, code, "%s: %s",
	             eas_tag_name (tag) ? eas_tag_name (tag) : "element", what);
	return FALSE;
}

/* At most one child with tag; copies its text (may stay NULL). */
static gboolean
ops_take_text (const EasNode *parent, EasTag tag, char **out, GError **error)
{
	const EasNode *child = eas_node_child (parent, tag);

	if (child == NULL)
		return TRUE;
	if (eas_node_next_same (child) != NULL)
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, tag, "given twice");
	if (child->text == NULL || child->text[0] == '\0')
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, tag, "empty");
	if (strlen (child->text) > EAS_ITEMOPS_MAX_ID_BYTES)
		return ops_fail (error, EAS_ITEMOPS_ERROR_LIMIT, tag, "too long");
	*out = g_strdup (child->text);
	return TRUE;
}

/* "start-end", inclusive, start <= end ([MS-ASCMD] 2.2.3.143.2). */
static gboolean
ops_parse_range (const char *text, EasItemOp *op, GError **error)
{
	const char *dash = text != NULL ? strchr (text, '-') : NULL;
	guint64 start, end;

	if (dash == NULL || dash == text || dash[1] == '\0' || strlen (text) > 41)
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, EAS_ITEMOPERATIONS_RANGE, "not start-end");
	g_autofree char *a = g_strndup (text, (gsize) (dash - text));
	if (!g_ascii_string_to_unsigned (a, 10, 0, G_MAXUINT64, &start, NULL) ||
	    !g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXUINT64, &end, NULL) || start > end)
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, EAS_ITEMOPERATIONS_RANGE, "bad bounds");
	op->has_range = TRUE;
	op->range_start = start;
	op->range_end = end;
	return TRUE;
}

static gboolean
ops_parse_body_pref (const EasNode *node, EasEmailEncodeOptions *email, GError **error)
{
	if (email->n_body_prefs >= EAS_BODY_PREFERENCES_MAX)
		return ops_fail (error, EAS_ITEMOPS_ERROR_LIMIT, node->tag, "too many");
	if (!eas_body_preference_decode (node, email->version,
	                                 &email->body_prefs[email->n_body_prefs], error))
		return FALSE;
	email->n_body_prefs++;
	return TRUE;
}

static gboolean
ops_parse_fetch_options (const EasNode *options, EasItemOp *op, GError **error)
{
	guint64 value;

	for (const EasNode *n = options->first_child; n != NULL; n = n->next) {
		switch (n->tag) {
		case EAS_ITEMOPERATIONS_RANGE:
			if (op->has_range)
				return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, n->tag, "given twice");
			if (!ops_parse_range (n->text, op, error))
				return FALSE;
			break;
		case EAS_ITEMOPERATIONS_SCHEMA:
			op->has_schema = TRUE;
			break;
		case EAS_AIRSYNC_MIME_SUPPORT:
			if (!eas_node_child_uint (options, EAS_AIRSYNC_MIME_SUPPORT, 0, 2, &value, error))
				return FALSE;
			op->email.mime_support = (EasMimeSupport) value;
			break;
		case EAS_AIRSYNCBASE_BODY_PREFERENCE:
			if (!ops_parse_body_pref (n, &op->email, error))
				return FALSE;
			break;
		default:
			/* UserName/Password (document libraries), BodyPartPreference,
			 * RightsManagementSupport: accepted, not used. */
			break;
		}
	}
	return TRUE;
}

static gboolean
ops_decode_fetch (const EasNode *node, EasItemOp *op, GError **error)
{
	guint ways;
	const EasNode *options;

	if (!ops_take_text (node, EAS_ITEMOPERATIONS_STORE, &op->store, error) ||
	    !ops_take_text (node, EAS_AIRSYNC_SERVER_ID, &op->server_id, error) ||
	    !ops_take_text (node, EAS_AIRSYNC_COLLECTION_ID, &op->collection_id, error) ||
	    !ops_take_text (node, EAS_AIRSYNCBASE_FILE_REFERENCE, &op->file_reference, error) ||
	    !ops_take_text (node, EAS_SEARCH_LONG_ID, &op->long_id, error) ||
	    !ops_take_text (node, EAS_DOCUMENTLIBRARY_LINK_ID, &op->link_id, error))
		return FALSE;
	if (op->store == NULL)
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, EAS_ITEMOPERATIONS_STORE, "missing");
	ways = (op->server_id != NULL) + (op->file_reference != NULL) +
	       (op->long_id != NULL) + (op->link_id != NULL);
	if (ways != 1)
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, EAS_ITEMOPERATIONS_FETCH,
		                 "needs exactly one of ServerId, FileReference, LongId, LinkId");
	options = eas_node_child (node, EAS_ITEMOPERATIONS_OPTIONS);
	if (options != NULL && eas_node_next_same (options) != NULL)
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, EAS_ITEMOPERATIONS_OPTIONS, "given twice");
	return options == NULL || ops_parse_fetch_options (options, op, error);
}

static gboolean
ops_decode_empty (const EasNode *node, EasItemOp *op, GError **error)
{
	const EasNode *options = eas_node_child (node, EAS_ITEMOPERATIONS_OPTIONS);

	if (!ops_take_text (node, EAS_AIRSYNC_COLLECTION_ID, &op->collection_id, error))
		return FALSE;
	if (op->collection_id == NULL)
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, EAS_AIRSYNC_COLLECTION_ID, "missing");
	if (options != NULL && eas_node_child (options, EAS_ITEMOPERATIONS_DELETE_SUB_FOLDERS) != NULL)
		op->delete_sub_folders = TRUE;
	return TRUE;
}

static gboolean
ops_decode_move (const EasNode *node, EasItemOp *op, GError **error)
{
	const EasNode *conv = eas_node_child (node, EAS_ITEMOPERATIONS_CONVERSATION_ID);
	const EasNode *options = eas_node_child (node, EAS_ITEMOPERATIONS_OPTIONS);

	if (!ops_take_text (node, EAS_ITEMOPERATIONS_DST_FLD_ID, &op->dst_fld_id, error))
		return FALSE;
	if (conv == NULL || op->dst_fld_id == NULL)
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, EAS_ITEMOPERATIONS_MOVE,
		                 "needs ConversationId and DstFldId");
	if (conv->opaque != NULL) {
		if (g_bytes_get_size (conv->opaque) > EAS_ITEMOPS_MAX_ID_BYTES)
			return ops_fail (error, EAS_ITEMOPS_ERROR_LIMIT, conv->tag, "too long");
		op->conversation_id = g_bytes_ref (conv->opaque);
	} else if (conv->text != NULL && strlen (conv->text) <= EAS_ITEMOPS_MAX_ID_BYTES) {
		op->conversation_id = g_bytes_new (conv->text, strlen (conv->text));
	} else {
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, conv->tag, "empty or too long");
	}
	if (options != NULL && eas_node_child (options, EAS_ITEMOPERATIONS_MOVE_ALWAYS) != NULL)
		op->move_always = TRUE;
	return TRUE;
}

static EasItemOp *
ops_decode_one (const EasNode *node, EasVersion version, GError **error)
{
	g_autoptr (EasItemOp) op = g_new0 (EasItemOp, 1);
	gboolean ok;

	eas_email_encode_options_init (&op->email, version);
	switch (node->tag) {
	case EAS_ITEMOPERATIONS_FETCH:
		op->kind = EAS_ITEMOPS_FETCH;
		ok = ops_decode_fetch (node, op, error);
		break;
	case EAS_ITEMOPERATIONS_EMPTY_FOLDER_CONTENTS:
		op->kind = EAS_ITEMOPS_EMPTY_FOLDER_CONTENTS;
		ok = ops_decode_empty (node, op, error);
		break;
	case EAS_ITEMOPERATIONS_MOVE:
		op->kind = EAS_ITEMOPS_MOVE;
		ok = ops_decode_move (node, op, error);
		break;
	default:
		ok = ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, node->tag, "unexpected element");
		break;
	}
	return ok ? g_steal_pointer (&op) : NULL;
}

EasItemOpsRequest *
eas_itemops_request_decode (const guint8 *data, gsize len,
                            EasVersion version,
                            const EasWbxmlLimits *limits,
                            GError **error)
{
	g_return_val_if_fail (data != NULL || len == 0, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, limits, error);
	if (root == NULL)
		return NULL;
	if (root->tag != EAS_ITEMOPERATIONS_ITEM_OPERATIONS)
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, root->tag, "unexpected root"), NULL;

	g_autoptr (EasItemOpsRequest) req = g_new0 (EasItemOpsRequest, 1);
	req->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_item_op_free);
	for (const EasNode *n = root->first_child; n != NULL; n = n->next) {
		if (req->ops->len >= EAS_ITEMOPS_MAX_OPERATIONS)
			return ops_fail (error, EAS_ITEMOPS_ERROR_LIMIT, n->tag, "too many operations"), NULL;
		EasItemOp *op = ops_decode_one (n, version, error);
		if (op == NULL)
			return NULL;
		g_ptr_array_add (req->ops, op);
	}
	if (req->ops->len == 0)
		return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, root->tag, "no operation"), NULL;
	return g_steal_pointer (&req);
}

/* ---- Response writing -------------------------------------------------- */

void
eas_itemops_write_begin (EasWbxmlWriter *writer, guint status)
{
	eas_wbxml_writer_start (writer, EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	eas_wbxml_writer_uint_element (writer, EAS_ITEMOPERATIONS_STATUS, status);
	eas_wbxml_writer_start (writer, EAS_ITEMOPERATIONS_RESPONSE);
}

void
eas_itemops_write_end (EasWbxmlWriter *writer)
{
	eas_wbxml_writer_end (writer);	/* Response */
	eas_wbxml_writer_end (writer);	/* ItemOperations */
}

GBytes *
eas_itemops_encode_global_status (guint status)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	eas_wbxml_writer_uint_element (w, EAS_ITEMOPERATIONS_STATUS, status);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

void
eas_itemops_write_empty_folder (EasWbxmlWriter *writer, guint status, const char *collection_id)
{
	eas_wbxml_writer_start (writer, EAS_ITEMOPERATIONS_EMPTY_FOLDER_CONTENTS);
	eas_wbxml_writer_uint_element (writer, EAS_ITEMOPERATIONS_STATUS, status);
	if (collection_id != NULL)
		eas_wbxml_writer_text_element (writer, EAS_AIRSYNC_COLLECTION_ID, collection_id);
	eas_wbxml_writer_end (writer);
}

void
eas_itemops_write_move (EasWbxmlWriter *writer, guint status, GBytes *conversation_id)
{
	eas_wbxml_writer_start (writer, EAS_ITEMOPERATIONS_MOVE);
	eas_wbxml_writer_uint_element (writer, EAS_ITEMOPERATIONS_STATUS, status);
	if (conversation_id != NULL) {
		gsize len;
		const guint8 *data = g_bytes_get_data (conversation_id, &len);
		eas_wbxml_writer_opaque_element (writer, EAS_ITEMOPERATIONS_CONVERSATION_ID, data, len);
	}
	eas_wbxml_writer_end (writer);
}

void
eas_itemops_write_fetch_begin (EasWbxmlWriter *writer, guint status, const EasItemOp *op)
{
	eas_wbxml_writer_start (writer, EAS_ITEMOPERATIONS_FETCH);
	eas_wbxml_writer_uint_element (writer, EAS_ITEMOPERATIONS_STATUS, status);
	if (op->server_id != NULL) {
		if (op->collection_id != NULL)
			eas_wbxml_writer_text_element (writer, EAS_AIRSYNC_COLLECTION_ID, op->collection_id);
		eas_wbxml_writer_text_element (writer, EAS_AIRSYNC_SERVER_ID, op->server_id);
	} else if (op->file_reference != NULL) {
		eas_wbxml_writer_text_element (writer, EAS_AIRSYNCBASE_FILE_REFERENCE, op->file_reference);
	} else if (op->long_id != NULL) {
		eas_wbxml_writer_text_element (writer, EAS_SEARCH_LONG_ID, op->long_id);
	} else if (op->link_id != NULL) {
		eas_wbxml_writer_text_element (writer, EAS_DOCUMENTLIBRARY_LINK_ID, op->link_id);
	}
	/* [MS-ASCMD] 2.2.3.67.1: Class is sent for mailbox items. */
	if (op->server_id != NULL || op->long_id != NULL)
		eas_wbxml_writer_text_element (writer, EAS_AIRSYNC_CLASS, "Email");
}

void
eas_itemops_write_fetch_end (EasWbxmlWriter *writer)
{
	eas_wbxml_writer_end (writer);
}

void
eas_itemops_write_properties_begin (EasWbxmlWriter *writer)
{
	eas_wbxml_writer_start (writer, EAS_ITEMOPERATIONS_PROPERTIES);
}

void
eas_itemops_write_properties_end (EasWbxmlWriter *writer)
{
	eas_wbxml_writer_end (writer);
}

void
eas_itemops_write_attachment_head (EasWbxmlWriter *writer,
                                   const char *content_type,
                                   gboolean with_range,
                                   guint64 range_start, guint64 range_len,
                                   guint64 total)
{
	if (content_type != NULL)
		eas_wbxml_writer_text_element (writer, EAS_AIRSYNCBASE_CONTENT_TYPE, content_type);
	if (with_range) {
		/* [MS-ASCMD] 2.2.3.143.2: the range actually returned, inclusive. */
		g_autofree char *range = range_len > 0
			? g_strdup_printf ("%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT,
			                   range_start, range_start + range_len - 1)
			: g_strdup_printf ("%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT,
			                   range_start, range_start);
		eas_wbxml_writer_text_element (writer, EAS_ITEMOPERATIONS_RANGE, range);
		eas_wbxml_writer_uint_element (writer, EAS_ITEMOPERATIONS_TOTAL, total);
	}
}

/* Data carries base64 text ([MS-ASCMD] 2.2.3.39.2).  It is written as one
 * OPAQUE whose bytes are that text: its length is known up front (4 per 3
 * input bytes), so the attachment streams through in pieces. */
struct _EasItemOpsDataWriter {
	EasWbxmlWriter *writer;
	guint64 remaining;
	gint state;
	gint save;
};

EasItemOpsDataWriter *
eas_itemops_data_begin (EasWbxmlWriter *writer, guint64 raw_len)
{
	g_return_val_if_fail (raw_len <= G_MAXUINT64 / 4 - 3, NULL);

	EasItemOpsDataWriter *dw = g_new0 (EasItemOpsDataWriter, 1);
	dw->writer = writer;
	dw->remaining = raw_len;
	eas_wbxml_writer_start (writer, EAS_ITEMOPERATIONS_DATA);
	eas_wbxml_writer_opaque_begin (writer, (raw_len + 2) / 3 * 4);
	return dw;
}

void
eas_itemops_data_write (EasItemOpsDataWriter *dw, const guint8 *data, gsize len)
{
	guint8 out[4096 / 3 * 4 + 8];

	g_return_if_fail (len <= dw->remaining);
	dw->remaining -= len;
	while (len > 0) {
		gsize n = MIN (len, (gsize) 3072);
		gsize o = g_base64_encode_step (data, n, FALSE, (char *) out, &dw->state, &dw->save);
		eas_wbxml_writer_opaque_data (dw->writer, out, o);
		data += n;
		len -= n;
	}
}

void
eas_itemops_data_end (EasItemOpsDataWriter *dw)
{
	guint8 out[8];
	gsize o;

	g_return_if_fail (dw != NULL);
	g_warn_if_fail (dw->remaining == 0);
	o = g_base64_encode_close (FALSE, (char *) out, &dw->state, &dw->save);
	if (o > 0)
		eas_wbxml_writer_opaque_data (dw->writer, out, o);
	eas_wbxml_writer_opaque_end (dw->writer);
	eas_wbxml_writer_end (dw->writer);
	g_free (dw);
}

void
eas_itemops_write_part (EasWbxmlWriter *writer, guint part)
{
	eas_wbxml_writer_uint_element (writer, EAS_ITEMOPERATIONS_PART, part);
}

/* ---- Multipart framing ------------------------------------------------- */

static void
put_le32 (guint8 *p, guint32 v)
{
	p[0] = (guint8) v;
	p[1] = (guint8) (v >> 8);
	p[2] = (guint8) (v >> 16);
	p[3] = (guint8) (v >> 24);
}

static guint32
get_le32 (const guint8 *p)
{
	return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

GBytes *
eas_multipart_header_encode (const guint64 *part_lengths, guint n_parts, GError **error)
{
	g_return_val_if_fail (part_lengths != NULL || n_parts == 0, NULL);

	if (n_parts == 0 || n_parts > EAS_ITEMOPS_MAX_PARTS)
		return ops_fail (error, EAS_ITEMOPS_ERROR_LIMIT, EAS_ITEMOPERATIONS_PART,
		                 "part count out of range"), NULL;

	gsize header_len = 4 + (gsize) n_parts * 8;
	guint8 *buf = g_malloc (header_len);
	guint64 offset = header_len;

	put_le32 (buf, n_parts);
	for (guint i = 0; i < n_parts; i++) {
		if (part_lengths[i] > G_MAXUINT32 || offset > G_MAXUINT32 - part_lengths[i]) {
			g_free (buf);
			return ops_fail (error, EAS_ITEMOPS_ERROR_LIMIT, EAS_ITEMOPERATIONS_PART,
			                 "response over 4 GiB"), NULL;
		}
		put_le32 (buf + 4 + i * 8, (guint32) offset);
		put_le32 (buf + 8 + i * 8, (guint32) part_lengths[i]);
		offset += part_lengths[i];
	}
	return g_bytes_new_take (buf, header_len);
}

GArray *
eas_multipart_parse (const guint8 *data, gsize len, guint max_parts, GError **error)
{
	g_return_val_if_fail (data != NULL || len == 0, NULL);

	guint32 count;
	gsize off = 0;

	if (max_parts == 0)
		max_parts = EAS_ITEMOPS_MAX_PARTS;
	if (4 > len - off)
		return ops_fail (error, EAS_ITEMOPS_ERROR_TRUNCATED, EAS_ITEMOPERATIONS_PART,
		                 "no part count"), NULL;
	count = get_le32 (data);
	off += 4;
	if (count == 0 || count > max_parts)
		return ops_fail (error, EAS_ITEMOPS_ERROR_LIMIT, EAS_ITEMOPERATIONS_PART,
		                 "part count out of range"), NULL;

	g_autoptr (GArray) parts = g_array_sized_new (FALSE, FALSE, sizeof (EasMultipartPart), count);
	for (guint32 i = 0; i < count; i++) {
		EasMultipartPart p;

		g_assert (off <= len);
		if (8 > len - off)
			return ops_fail (error, EAS_ITEMOPS_ERROR_TRUNCATED, EAS_ITEMOPERATIONS_PART,
			                 "metadata cut short"), NULL;
		p.offset = get_le32 (data + off);
		p.length = get_le32 (data + off + 4);
		off += 8;
		if (p.offset > len || p.length > len - p.offset)
			return ops_fail (error, EAS_ITEMOPS_ERROR_TRUNCATED, EAS_ITEMOPERATIONS_PART,
			                 "part outside the body"), NULL;
		g_array_append_val (parts, p);
	}
	/* Parts must not overlap the header. */
	for (guint i = 0; i < parts->len; i++) {
		const EasMultipartPart *p = &g_array_index (parts, EasMultipartPart, i);
		if (p->length > 0 && p->offset < off)
			return ops_fail (error, EAS_ITEMOPS_ERROR_INVALID, EAS_ITEMOPERATIONS_PART,
			                 "part overlaps the header"), NULL;
	}
	return g_steal_pointer (&parts);
}
