/* airdockd-cmd-itemops.c — ItemOperations ([MS-ASCMD] 2.2.1.10) and
 * GetAttachment ([MS-ASCMD] 2.2.1.7).
 *
 * Fetch of a mailbox item (ServerId or LongId) goes through the email
 * encoder (server/airdockd-email.h, eas/eas-email.h) with the op's
 * BodyPreference/MIMESupport.  Fetch of an attachment (FileReference
 * "<item server id>:<index>") decodes the attachment from the message file
 * into a temporary file and streams it: as base64 in Data, or — when the
 * client accepts multipart ([MS-ASCMD] 2.2.1.10.1) — raw in a part that a
 * Part element names.  The response itself is spooled to a temporary file
 * and handed over memory-mapped: no attachment is held on the heap.
 *
 * Statuses per op ([MS-ASCMD] 2.2.3.177.8): 1 ok, 2 protocol error, 3
 * server error, 6 item not found, 8 bad byte range, 9 store not supported
 * (document libraries), 15 attachment not found, 156 Move of conversations
 * (not supported).  An undecodable request: global Status 2.
 *
 * GetAttachment (12.1 and earlier; accepted from any version): the
 * AttachmentName query parameter is the FileReference; the answer is the
 * raw bytes with the attachment's Content-Type, HTTP 500 when not found.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "eas/eas-itemops.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-compose.h"
#include "server/airdockd-email.h"
#include "server/airdockd-mime.h"
#include "server/airdockd-store.h"

#define COPY_CHUNK (64 * 1024)

/* ---- Spool: a response built in a temporary file ----------------------- */

typedef struct {
	char *path;
	GOutputStream *out;
} Spool;

static void
spool_free (Spool *s)
{
	if (s == NULL)
		return;
	g_clear_object (&s->out);
	if (s->path != NULL)
		g_unlink (s->path);
	g_free (s->path);
	g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Spool, spool_free)

static Spool *
spool_new (AirdockdStore *store, GError **error)
{
	g_autoptr (Spool) s = g_new0 (Spool, 1);

	s->out = airdockd_store_temp_file_new (store, &s->path, error);
	return s->out != NULL ? g_steal_pointer (&s) : NULL;
}

static gboolean
spool_write_bytes (Spool *s, GBytes *bytes, GError **error)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);

	return len == 0 || g_output_stream_write_all (s->out, data, len, NULL, NULL, error);
}

static gboolean
spool_drain (Spool *s, EasWbxmlWriter *w, GError **error)
{
	g_autoptr (GBytes) bytes = eas_wbxml_writer_take (w);

	return spool_write_bytes (s, bytes, error);
}

/* Copies len bytes from offset of the file at path into the spool. */
static gboolean
spool_copy_file (Spool *s, const char *path, guint64 offset, guint64 len, GError **error)
{
	g_autoptr (GFile) file = g_file_new_for_path (path);
	g_autoptr (GFileInputStream) in = g_file_read (file, NULL, error);
	g_autofree guint8 *buf = g_malloc (COPY_CHUNK);

	if (in == NULL || !g_seekable_seek (G_SEEKABLE (in), (goffset) offset, G_SEEK_SET, NULL, error))
		return FALSE;
	while (len > 0) {
		gsize got = 0;
		if (!g_input_stream_read_all (G_INPUT_STREAM (in), buf, (gsize) MIN (len, COPY_CHUNK), &got, NULL, error))
			return FALSE;
		if (got == 0)
			return g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "file shorter than expected"), FALSE;
		if (!g_output_stream_write_all (s->out, buf, got, NULL, NULL, error))
			return FALSE;
		len -= got;
	}
	return TRUE;
}

/* Closes the spool and maps it; the file name is removed at once (the
 * mapping keeps the data). */
static GBytes *
spool_finish (Spool *s, GError **error)
{
	if (!g_output_stream_close (s->out, NULL, error))
		return NULL;
	g_autoptr (GMappedFile) map = g_mapped_file_new (s->path, FALSE, error);
	g_unlink (s->path);
	g_clear_pointer (&s->path, g_free);
	return map != NULL ? g_mapped_file_get_bytes (map) : NULL;
}

/* ---- Attachments --------------------------------------------------------- */

typedef struct {
	char *path;		/* decoded bytes in a temporary file */
	char *content_type;
	guint64 size;
	guint64 offset;		/* range to send */
	guint64 length;
} Extract;

static void
extract_free (Extract *x)
{
	if (x == NULL)
		return;
	if (x->path != NULL)
		g_unlink (x->path);
	g_free (x->path);
	g_free (x->content_type);
	g_free (x);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Extract, extract_free)

/* Decodes the attachment named by file_ref into a temporary file.  NULL +
 * *out_status 15 (unknown reference) or 3 (I/O). */
static Extract *
extract_attachment (AirdockdRequest *req, const char *file_ref, guint *out_status)
{
	g_autofree char *item_id = NULL;
	guint index = 0;
	g_autoptr (GError) error = NULL;

	*out_status = EAS_ITEMOPS_STATUS_BAD_ATTACHMENT;
	if (!airdockd_email_parse_file_reference (file_ref, &item_id, &index))
		return NULL;
	g_autoptr (AirdockdItem) item = airdockd_store_item_get (req->store, req->user_id, item_id, &error);
	if (item == NULL || item->message_path == NULL)
		return NULL;
	g_autoptr (GPtrArray) atts = airdockd_store_item_attachments (req->store, req->user_id, item_id, &error);
	const AirdockdAttachment *att = NULL;
	for (guint i = 0; atts != NULL && i < atts->len; i++) {
		const AirdockdAttachment *a = g_ptr_array_index (atts, i);
		if (a->index == index)
			att = a;
	}
	if (att == NULL)
		return NULL;

	g_autoptr (Extract) x = g_new0 (Extract, 1);
	gsize size = 0;
	x->content_type = g_strdup (att->content_type != NULL ? att->content_type : "application/octet-stream");
	g_autoptr (GOutputStream) out = airdockd_store_temp_file_new (req->store, &x->path, &error);
	if (out == NULL ||
	    !airdockd_mime_write_attachment (item->message_path, index, out, &size, NULL, &error) ||
	    !g_output_stream_close (out, NULL, &error)) {
		airdockd_mail_log (req, G_LOG_LEVEL_WARNING, "attachment: %s", error->message);
		*out_status = EAS_ITEMOPS_STATUS_IO_FAILURE;
		return NULL;
	}
	x->size = size;
	x->length = size;
	*out_status = EAS_ITEMOPS_STATUS_SUCCESS;
	return g_steal_pointer (&x);
}

/* ---- The operations ---------------------------------------------------- */

typedef struct {
	AirdockdRequest *req;
	EasWbxmlWriter *w;
	Spool *spool;
	GPtrArray *parts;	/* Extract*, multipart data parts 1… */
} OpsContext;

static gboolean
write_data (OpsContext *ctx, const Extract *x, GError **error)
{
	g_autoptr (GFile) file = g_file_new_for_path (x->path);
	g_autoptr (GFileInputStream) in = g_file_read (file, NULL, error);
	g_autofree guint8 *buf = g_malloc (COPY_CHUNK);
	guint64 left = x->length;

	if (in == NULL || !g_seekable_seek (G_SEEKABLE (in), (goffset) x->offset, G_SEEK_SET, NULL, error))
		return FALSE;
	EasItemOpsDataWriter *dw = eas_itemops_data_begin (ctx->w, x->length);
	while (left > 0) {
		gsize got = 0;
		if (!g_input_stream_read_all (G_INPUT_STREAM (in), buf, (gsize) MIN (left, COPY_CHUNK), &got, NULL, error) ||
		    got == 0)
			break;
		eas_itemops_data_write (dw, buf, got);
		left -= got;
		/* Keep memory flat: move what the writer holds to the spool. */
		if (!spool_drain (ctx->spool, ctx->w, error))
			break;
	}
	if (left > 0) {
		/* Cannot happen with an intact temp file; the response is lost anyway. */
		g_clear_pointer (&dw, g_free);
		if (error != NULL && *error == NULL)
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "attachment file shorter than expected");
		return FALSE;
	}
	eas_itemops_data_end (dw);
	return TRUE;
}

static gboolean
fetch_attachment (OpsContext *ctx, const EasItemOp *op, GError **error)
{
	guint status;
	g_autoptr (Extract) x = extract_attachment (ctx->req, op->file_reference, &status);

	if (x != NULL && op->has_range) {
		/* [MS-ASCMD] 2.2.3.143.2: a range starting past the end is invalid;
		 * one running past the end is cut. */
		if (op->range_start >= x->size && !(x->size == 0 && op->range_start == 0)) {
			status = EAS_ITEMOPS_STATUS_BAD_RANGE;
		} else {
			x->offset = op->range_start;
			x->length = x->size == 0 ? 0 : MIN (op->range_end, x->size - 1) - op->range_start + 1;
		}
	}
	eas_itemops_write_fetch_begin (ctx->w, status, op);
	if (status == EAS_ITEMOPS_STATUS_SUCCESS) {
		eas_itemops_write_properties_begin (ctx->w);
		eas_itemops_write_attachment_head (ctx->w, x->content_type, op->has_range,
		                                   x->offset, x->length, x->size);
		if (ctx->parts != NULL) {
			eas_itemops_write_part (ctx->w, ctx->parts->len + 1);
			g_ptr_array_add (ctx->parts, g_steal_pointer (&x));
		} else if (!write_data (ctx, x, error)) {
			return FALSE;
		}
		eas_itemops_write_properties_end (ctx->w);
	}
	eas_itemops_write_fetch_end (ctx->w);
	return TRUE;
}

static void
fetch_item (OpsContext *ctx, const EasItemOp *op)
{
	const char *id = op->server_id != NULL ? op->server_id : op->long_id;
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdItem) item = airdockd_store_item_get (ctx->req->store, ctx->req->user_id, id, &error);
	g_autoptr (EasEmailItem) email = NULL;
	guint status = EAS_ITEMOPS_STATUS_NOT_FOUND;

	if (item != NULL && item->item_class == AIRDOCKD_ITEM_EMAIL &&
	    (op->collection_id == NULL || g_strcmp0 (op->collection_id, item->folder_id) == 0)) {
		email = airdockd_email_from_item (ctx->req->store, item, &op->email, &error);
		if (email == NULL)
			airdockd_mail_log (ctx->req, G_LOG_LEVEL_WARNING, "fetch: %s", error->message);
		status = email != NULL ? EAS_ITEMOPS_STATUS_SUCCESS : EAS_ITEMOPS_STATUS_CONVERSION_FAILED;
	}
	eas_itemops_write_fetch_begin (ctx->w, status, op);
	if (email != NULL) {
		eas_itemops_write_properties_begin (ctx->w);
		/* Multipart: the body stays inline (only attachments go to parts). */
		eas_email_encode (ctx->w, email, &op->email);
		eas_itemops_write_properties_end (ctx->w);
	}
	eas_itemops_write_fetch_end (ctx->w);
}

static void
empty_folder (OpsContext *ctx, const EasItemOp *op)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) folder = airdockd_store_folder_get (ctx->req->store, ctx->req->user_id,
	                                                              op->collection_id, &error);
	guint status = EAS_ITEMOPS_STATUS_NOT_FOUND;

	if (folder != NULL) {
		status = EAS_ITEMOPS_STATUS_SUCCESS;
		if (!airdockd_store_folder_empty (ctx->req->store, ctx->req->user_id, op->collection_id,
		                                  op->delete_sub_folders, &error)) {
			airdockd_mail_log (ctx->req, G_LOG_LEVEL_WARNING, "empty folder: %s", error->message);
			status = EAS_ITEMOPS_STATUS_SERVER_ERROR;
		}
	}
	eas_itemops_write_empty_folder (ctx->w, status, op->collection_id);
}

static gboolean
run_op (OpsContext *ctx, const EasItemOp *op, GError **error)
{
	switch (op->kind) {
	case EAS_ITEMOPS_FETCH:
		if (g_ascii_strcasecmp (op->store, "Mailbox") != 0 || op->link_id != NULL) {
			eas_itemops_write_fetch_begin (ctx->w, EAS_ITEMOPS_STATUS_STORE_UNKNOWN, op);
			eas_itemops_write_fetch_end (ctx->w);
		} else if (op->file_reference != NULL) {
			return fetch_attachment (ctx, op, error);
		} else {
			fetch_item (ctx, op);
		}
		return TRUE;
	case EAS_ITEMOPS_EMPTY_FOLDER_CONTENTS:
		empty_folder (ctx, op);
		return TRUE;
	case EAS_ITEMOPS_MOVE:
		/* Conversation moves need conversation tracking we do not keep. */
		eas_itemops_write_move (ctx->w, EAS_ITEMOPS_STATUS_ACTION_NOT_SUPPORTED, op->conversation_id);
		return TRUE;
	default:
		g_return_val_if_reached (FALSE);
	}
}

/* Multipart body: header, the WBXML (spooled), then each data part. */
static GBytes *
assemble_multipart (OpsContext *ctx, GBytes *wbxml, GError **error)
{
	g_autofree guint64 *lens = g_new0 (guint64, ctx->parts->len + 1);
	g_autoptr (Spool) out = NULL;

	lens[0] = g_bytes_get_size (wbxml);
	for (guint i = 0; i < ctx->parts->len; i++)
		lens[i + 1] = ((Extract *) g_ptr_array_index (ctx->parts, i))->length;
	g_autoptr (GBytes) header = eas_multipart_header_encode (lens, ctx->parts->len + 1, error);
	if (header == NULL || (out = spool_new (ctx->req->store, error)) == NULL)
		return NULL;
	if (!spool_write_bytes (out, header, error) || !spool_write_bytes (out, wbxml, error))
		return NULL;
	for (guint i = 0; i < ctx->parts->len; i++) {
		const Extract *x = g_ptr_array_index (ctx->parts, i);
		if (!spool_copy_file (out, x->path, x->offset, x->length, error))
			return NULL;
	}
	return spool_finish (out, error);
}

static GBytes *
run_all (AirdockdRequest *req, const EasItemOpsRequest *request, GError **error)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (Spool) spool = spool_new (req->store, error);
	g_autoptr (GPtrArray) parts = req->accept_multipart
		? g_ptr_array_new_with_free_func ((GDestroyNotify) extract_free) : NULL;
	OpsContext ctx = { req, w, spool, parts };

	if (spool == NULL)
		return NULL;
	eas_itemops_write_begin (w, EAS_ITEMOPS_STATUS_SUCCESS);
	for (guint i = 0; i < request->ops->len; i++) {
		if (!run_op (&ctx, g_ptr_array_index (request->ops, i), error) || !spool_drain (spool, w, error))
			return NULL;
	}
	eas_itemops_write_end (w);
	g_autoptr (GBytes) rest = eas_wbxml_writer_finish (w, error);
	if (rest == NULL || !spool_write_bytes (spool, rest, error))
		return NULL;
	g_autoptr (GBytes) wbxml = spool_finish (spool, error);
	if (wbxml == NULL || parts == NULL)
		return g_steal_pointer (&wbxml);
	return assemble_multipart (&ctx, wbxml, error);
}

void
airdockd_cmd_item_operations (AirdockdRequest *req)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (req->body, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasItemOpsRequest) request = eas_itemops_request_decode (data, len, req->version, NULL, &error);

	if (request == NULL) {
		airdockd_mail_log (req, G_LOG_LEVEL_INFO, "bad request: %s", error->message);
		airdockd_request_set_wbxml (req, eas_itemops_encode_global_status (EAS_ITEMOPS_STATUS_PROTOCOL_ERROR));
		return;
	}
	g_autoptr (GBytes) body = run_all (req, request, &error);
	if (body == NULL) {
		airdockd_mail_log (req, G_LOG_LEVEL_WARNING, "response: %s", error->message);
		airdockd_request_set_wbxml (req, eas_itemops_encode_global_status (EAS_ITEMOPS_STATUS_SERVER_ERROR));
		return;
	}
	airdockd_request_set_wbxml (req, g_steal_pointer (&body));
	if (request != NULL && req->accept_multipart)
		req->response_content_type = "application/vnd.ms-sync.multipart";
}

void
airdockd_cmd_get_attachment (AirdockdRequest *req)
{
	guint status;
	g_autoptr (GError) error = NULL;
	const char *name = req->query->attachment_name;
	g_autoptr (Extract) x = name != NULL ? extract_attachment (req, name, &status) : NULL;
	g_autoptr (GMappedFile) map = NULL;
	g_autoptr (GBytes) body = NULL;

	if (x == NULL) {
		airdockd_mail_log (req, G_LOG_LEVEL_INFO, "no such attachment");
		req->http_status = 500;
		return;
	}
	/* Mapped, not read: the temporary file goes when x is freed. */
	map = g_mapped_file_new (x->path, FALSE, &error);
	if (map == NULL) {
		airdockd_mail_log (req, G_LOG_LEVEL_WARNING, "attachment: %s", error->message);
		req->http_status = 500;
		return;
	}
	body = g_mapped_file_get_bytes (map);
	g_clear_pointer (&req->response_body, g_bytes_unref);
	req->response_body = g_steal_pointer (&body);
	/* response_content_type must be static: keep our copy alive with the
	 * request by parking it in the extra headers, then point at it. */
	if (req->response_headers == NULL)
		req->response_headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_hash_table_replace (req->response_headers, g_strdup ("Content-Type"), g_strdup (x->content_type));
	req->response_content_type = g_hash_table_lookup (req->response_headers, "Content-Type");
}
