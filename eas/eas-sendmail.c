/* eas-sendmail.c — SendMail / SmartReply / SmartForward models. */
#include "config.h"

#include <string.h>

#include "eas/eas-sendmail.h"

G_DEFINE_QUARK (eas-compose-error-quark, eas_compose_error)

void
eas_compose_request_free (EasComposeRequest *request)
{
	if (request == NULL)
		return;
	g_free (request->client_id);
	g_free (request->account_id);
	g_free (request->folder_id);
	g_free (request->item_id);
	g_free (request->long_id);
	g_free (request->instance_id);
	g_clear_pointer (&request->mime, g_bytes_unref);
	g_free (request);
}

EasTag
eas_compose_kind_tag (EasComposeKind kind)
{
	switch (kind) {
	case EAS_COMPOSE_SEND_MAIL:
		return EAS_COMPOSEMAIL_SEND_MAIL;
	case EAS_COMPOSE_SMART_REPLY:
		return EAS_COMPOSEMAIL_SMART_REPLY;
	case EAS_COMPOSE_SMART_FORWARD:
		return EAS_COMPOSEMAIL_SMART_FORWARD;
	default:
		g_return_val_if_reached (EAS_COMPOSEMAIL_SEND_MAIL);
	}
}

EasCommand
eas_compose_kind_command (EasComposeKind kind)
{
	switch (kind) {
	case EAS_COMPOSE_SEND_MAIL:
		return EAS_CMD_SEND_MAIL;
	case EAS_COMPOSE_SMART_REPLY:
		return EAS_CMD_SMART_REPLY;
	case EAS_COMPOSE_SMART_FORWARD:
		return EAS_CMD_SMART_FORWARD;
	default:
		g_return_val_if_reached (EAS_CMD_UNKNOWN);
	}
}

gboolean
eas_compose_kind_from_command (EasCommand cmd, EasComposeKind *out_kind)
{
	EasComposeKind kind;

	switch (cmd) {
	case EAS_CMD_SEND_MAIL:
		kind = EAS_COMPOSE_SEND_MAIL;
		break;
	case EAS_CMD_SMART_REPLY:
		kind = EAS_COMPOSE_SMART_REPLY;
		break;
	case EAS_CMD_SMART_FORWARD:
		kind = EAS_COMPOSE_SMART_FORWARD;
		break;
	default:
		return FALSE;
	}
	if (out_kind != NULL)
		*out_kind = kind;
	return TRUE;
}

/* ---- WBXML decoding --------------------------------------------------- */

#define COMPOSE_MAX_DEPTH 8

typedef struct {
	EasComposeRequest *req;
	GBytes *body;
	const guint8 *base;
	gsize body_len;
	gsize max_mime;
	EasTag stack[COMPOSE_MAX_DEPTH];
	guint depth;
	char **text_target;	/* field receiving TEXT of the open element */
	GString *text;
	gboolean source_seen;
	gboolean mime_seen;
	GByteArray *mime_buf;
} ComposeDecode;

static gboolean
compose_fail (GError **error, EasComposeErrorCode code, EasTag tag, const char *what)
{
	g_set_error (error, EAS_COMPOSE_ERROR, code, "%s: %s",
	             eas_tag_name (tag) ? eas_tag_name (tag) : "element", what);
	return FALSE;
}

static char **
compose_field_for (ComposeDecode *d, EasTag tag, EasTag parent)
{
	EasComposeRequest *r = d->req;

	if (parent == EAS_COMPOSEMAIL_SOURCE) {
		switch (tag) {
		case EAS_COMPOSEMAIL_FOLDER_ID:
			return &r->folder_id;
		case EAS_COMPOSEMAIL_ITEM_ID:
			return &r->item_id;
		case EAS_COMPOSEMAIL_LONG_ID:
			return &r->long_id;
		case EAS_COMPOSEMAIL_INSTANCE_ID:
			return &r->instance_id;
		default:
			return NULL;
		}
	}
	if (tag == EAS_COMPOSEMAIL_CLIENT_ID)
		return &r->client_id;
	if (tag == EAS_COMPOSEMAIL_ACCOUNT_ID)
		return &r->account_id;
	return NULL;
}

/* A depth-2 element (child of the root). */
static gboolean
compose_start_child (ComposeDecode *d, EasTag tag, GError **error)
{
	gboolean *flag = NULL;

	switch (tag) {
	case EAS_COMPOSEMAIL_SAVE_IN_SENT_ITEMS:
		flag = &d->req->save_in_sent;
		break;
	case EAS_COMPOSEMAIL_REPLACE_MIME:
		flag = &d->req->replace_mime;
		break;
	case EAS_COMPOSEMAIL_SOURCE:
		flag = &d->source_seen;
		break;
	case EAS_COMPOSEMAIL_MIME:
		flag = &d->mime_seen;
		break;
	default:
		break;
	}
	if (flag != NULL) {
		if (*flag)
			return compose_fail (error, EAS_COMPOSE_ERROR_INVALID, tag, "given twice");
		*flag = TRUE;
	}
	return TRUE;
}

static gboolean
compose_on_start (ComposeDecode *d, const EasWbxmlEvent *ev, GError **error)
{
	EasTag parent = d->depth > 0 ? d->stack[MIN (d->depth, COMPOSE_MAX_DEPTH) - 1] : 0;

	if (d->depth == 0 && ev->tag != eas_compose_kind_tag (d->req->kind))
		return compose_fail (error, EAS_COMPOSE_ERROR_INVALID, ev->tag, "unexpected root element");
	if (d->depth < COMPOSE_MAX_DEPTH)
		d->stack[d->depth] = ev->tag;
	d->depth++;
	d->text_target = NULL;
	if (d->depth == 2 && !compose_start_child (d, ev->tag, error))
		return FALSE;
	if (d->depth == 2 || (d->depth == 3 && parent == EAS_COMPOSEMAIL_SOURCE)) {
		char **field = compose_field_for (d, ev->tag, parent);
		if (field != NULL) {
			if (*field != NULL)
				return compose_fail (error, EAS_COMPOSE_ERROR_INVALID, ev->tag, "given twice");
			d->text_target = field;
			g_string_truncate (d->text, 0);
		}
	}
	return TRUE;
}

static gboolean
compose_on_end (ComposeDecode *d, const EasWbxmlEvent *ev, GError **error)
{
	if (d->text_target != NULL) {
		/* An empty element still counts as given (an empty id). */
		if (memchr (d->text->str, '\0', d->text->len) != NULL)
			return compose_fail (error, EAS_COMPOSE_ERROR_INVALID, ev->tag, "NUL in text");
		*d->text_target = g_strndup (d->text->str, d->text->len);
		d->text_target = NULL;
	}
	g_assert (d->depth > 0);
	d->depth--;
	return TRUE;
}

static gboolean
compose_mime_chunk (ComposeDecode *d, const EasWbxmlEvent *ev, GError **error)
{
	if (ev->opaque_total > d->max_mime)
		return compose_fail (error, EAS_COMPOSE_ERROR_LIMIT, ev->tag, "message over the size limit");
	if (d->req->mime == NULL && d->mime_buf == NULL && ev->opaque_offset == 0 &&
	    ev->len == ev->opaque_total && ev->len > 0 &&
	    ev->data >= d->base && ev->data < d->base + d->body_len &&
	    ev->len <= d->body_len - (gsize) (ev->data - d->base)) {
		/* The whole value lies in the body: hand out a slice, no copy. */
		d->req->mime = g_bytes_new_from_bytes (d->body, (gsize) (ev->data - d->base), ev->len);
		return TRUE;
	}
	if (d->req->mime != NULL)
		return compose_fail (error, EAS_COMPOSE_ERROR_INVALID, ev->tag, "more than one value");
	if (d->mime_buf == NULL)
		d->mime_buf = g_byte_array_sized_new ((guint) MIN (ev->opaque_total, 1024 * 1024));
	if (ev->len > d->max_mime - d->mime_buf->len)
		return compose_fail (error, EAS_COMPOSE_ERROR_LIMIT, ev->tag, "message over the size limit");
	g_byte_array_append (d->mime_buf, ev->data, (guint) ev->len);
	return TRUE;
}

static gboolean
compose_on_data (ComposeDecode *d, const EasWbxmlEvent *ev, GError **error)
{
	EasTag cur = d->depth > 0 && d->depth <= COMPOSE_MAX_DEPTH ? d->stack[d->depth - 1] : 0;

	if (d->depth == 2 && cur == EAS_COMPOSEMAIL_MIME) {
		if (ev->type == EAS_WBXML_EVENT_OPAQUE)
			return compose_mime_chunk (d, ev, error);
		/* Some clients send the message as inline text. */
		if (d->mime_buf == NULL)
			d->mime_buf = g_byte_array_new ();
		if (ev->len > d->max_mime - d->mime_buf->len)
			return compose_fail (error, EAS_COMPOSE_ERROR_LIMIT, cur, "message over the size limit");
		g_byte_array_append (d->mime_buf, ev->data, (guint) ev->len);
		return TRUE;
	}
	if (d->text_target == NULL)
		return TRUE;	/* content of an element we do not use */
	if (ev->len > EAS_COMPOSE_MAX_ID_BYTES - d->text->len)
		return compose_fail (error, EAS_COMPOSE_ERROR_LIMIT, cur, "value too long");
	g_string_append_len (d->text, (const char *) ev->data, (gssize) ev->len);
	return TRUE;
}

static gboolean
compose_validate (EasComposeRequest *req, GError **error)
{
	EasTag root = eas_compose_kind_tag (req->kind);

	if (req->mime == NULL || g_bytes_get_size (req->mime) == 0)
		return compose_fail (error, EAS_COMPOSE_ERROR_INVALID, EAS_COMPOSEMAIL_MIME, "missing or empty");
	if (req->kind != EAS_COMPOSE_SEND_MAIL && !req->replace_mime &&
	    (req->item_id == NULL || *req->item_id == '\0') &&
	    (req->long_id == NULL || *req->long_id == '\0'))
		return compose_fail (error, EAS_COMPOSE_ERROR_INVALID, root,
		                     "Source needs an ItemId or a LongId");
	return TRUE;
}

static void
compose_limits (const EasComposeLimits *limits, EasWbxmlLimits *out_wbxml, gsize *out_max_mime)
{
	gsize max_mime = limits && limits->max_mime_bytes ? limits->max_mime_bytes
	                                                  : EAS_COMPOSE_DEFAULT_MAX_MIME_BYTES;

	if (limits != NULL && limits->wbxml != NULL) {
		*out_wbxml = *limits->wbxml;
	} else {
		eas_wbxml_limits_init_default (out_wbxml);
		/* The message is one OPAQUE; the rest of the document is small. */
		out_wbxml->opaque_bytes = MAX (out_wbxml->opaque_bytes, max_mime);
		out_wbxml->document_bytes = MAX (out_wbxml->document_bytes, max_mime + 64 * 1024);
	}
	*out_max_mime = max_mime;
}

static gboolean
compose_run (ComposeDecode *d, EasWbxmlDecoder *dec, GError **error)
{
	EasWbxmlEvent ev;

	eas_wbxml_decoder_feed (dec, d->base, d->body_len);
	for (;;) {
		EasWbxmlStatus st = eas_wbxml_decoder_next (dec, &ev, error);
		gboolean ok = TRUE;

		if (st == EAS_WBXML_FAILED)
			return FALSE;
		if (st == EAS_WBXML_NEED_MORE || st == EAS_WBXML_DONE)
			return eas_wbxml_decoder_finish (dec, error);
		switch (ev.type) {
		case EAS_WBXML_EVENT_START:
			ok = compose_on_start (d, &ev, error);
			break;
		case EAS_WBXML_EVENT_END:
			ok = compose_on_end (d, &ev, error);
			break;
		case EAS_WBXML_EVENT_TEXT:
		case EAS_WBXML_EVENT_OPAQUE:
			ok = compose_on_data (d, &ev, error);
			break;
		default:
			break;
		}
		if (!ok)
			return FALSE;
	}
}

EasComposeRequest *
eas_compose_request_decode (EasComposeKind kind,
                            GBytes *body,
                            const EasComposeLimits *limits,
                            GError **error)
{
	g_return_val_if_fail (body != NULL, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	EasWbxmlLimits wl;
	ComposeDecode d = { 0 };
	g_autoptr (EasComposeRequest) req = g_new0 (EasComposeRequest, 1);

	req->kind = kind;
	compose_limits (limits, &wl, &d.max_mime);
	d.req = req;
	d.body = body;
	d.base = g_bytes_get_data (body, &d.body_len);
	d.text = g_string_new (NULL);

	g_autoptr (EasWbxmlDecoder) dec = eas_wbxml_decoder_new (&wl);
	gboolean ok = compose_run (&d, dec, error);

	g_string_free (d.text, TRUE);
	if (ok && d.mime_buf != NULL)
		req->mime = g_byte_array_free_to_bytes (g_steal_pointer (&d.mime_buf));
	if (d.mime_buf != NULL)
		g_byte_array_unref (d.mime_buf);
	if (!ok)
		return NULL;
	if (req->client_id == NULL)
		return compose_fail (error, EAS_COMPOSE_ERROR_INVALID, EAS_COMPOSEMAIL_CLIENT_ID, "missing"), NULL;
	if (!compose_validate (req, error))
		return NULL;
	return g_steal_pointer (&req);
}

static gboolean
compose_copy_param (char **field, const char *value, EasTag tag, GError **error)
{
	if (value == NULL)
		return TRUE;
	if (strlen (value) > EAS_COMPOSE_MAX_ID_BYTES)
		return compose_fail (error, EAS_COMPOSE_ERROR_LIMIT, tag, "value too long");
	*field = g_strdup (value);
	return TRUE;
}

EasComposeRequest *
eas_compose_request_from_mime (EasComposeKind kind,
                               GBytes *body,
                               const EasQuery *query,
                               const EasComposeLimits *limits,
                               GError **error)
{
	g_return_val_if_fail (body != NULL, NULL);
	g_return_val_if_fail (query != NULL, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	EasWbxmlLimits wl;
	gsize max_mime;
	g_autoptr (EasComposeRequest) req = g_new0 (EasComposeRequest, 1);

	compose_limits (limits, &wl, &max_mime);
	if (g_bytes_get_size (body) > max_mime)
		return compose_fail (error, EAS_COMPOSE_ERROR_LIMIT, EAS_COMPOSEMAIL_MIME,
		                     "message over the size limit"), NULL;
	req->kind = kind;
	req->save_in_sent = query->save_in_sent;
	req->mime = g_bytes_ref (body);
	if (!compose_copy_param (&req->item_id, query->item_id, EAS_COMPOSEMAIL_ITEM_ID, error) ||
	    !compose_copy_param (&req->folder_id, query->collection_id, EAS_COMPOSEMAIL_FOLDER_ID, error) ||
	    !compose_copy_param (&req->long_id, query->long_id, EAS_COMPOSEMAIL_LONG_ID, error))
		return NULL;
	if (!compose_validate (req, error))
		return NULL;
	return g_steal_pointer (&req);
}

/* ---- Encoding --------------------------------------------------------- */

GBytes *
eas_compose_response_encode (EasComposeKind kind, guint status)
{
	if (status == EAS_COMPOSE_STATUS_SUCCESS)
		return NULL;

	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	eas_wbxml_writer_start (w, eas_compose_kind_tag (kind));
	eas_wbxml_writer_uint_element (w, EAS_COMPOSEMAIL_STATUS, status);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

gboolean
eas_compose_response_decode (EasComposeKind kind,
                             const guint8 *data, gsize len,
                             guint *out_status,
                             GError **error)
{
	guint64 status = 0;

	if (len == 0) {
		*out_status = EAS_COMPOSE_STATUS_SUCCESS;
		return TRUE;
	}
	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, NULL, error);
	if (root == NULL)
		return FALSE;
	if (root->tag != eas_compose_kind_tag (kind))
		return compose_fail (error, EAS_COMPOSE_ERROR_INVALID, root->tag, "unexpected root element");
	if (!eas_node_child_uint (root, EAS_COMPOSEMAIL_STATUS, 1, G_MAXUINT, &status, error))
		return FALSE;
	*out_status = (guint) status;
	return TRUE;
}

static void
write_opt_text (EasWbxmlWriter *w, EasTag tag, const char *text)
{
	if (text != NULL)
		eas_wbxml_writer_text_element (w, tag, text);
}

GBytes *
eas_compose_request_encode (const EasComposeRequest *request)
{
	g_return_val_if_fail (request != NULL, NULL);

	const EasComposeRequest *r = request;
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, eas_compose_kind_tag (r->kind));
	write_opt_text (w, EAS_COMPOSEMAIL_CLIENT_ID, r->client_id);
	write_opt_text (w, EAS_COMPOSEMAIL_ACCOUNT_ID, r->account_id);
	if (r->save_in_sent)
		eas_wbxml_writer_empty (w, EAS_COMPOSEMAIL_SAVE_IN_SENT_ITEMS);
	if (r->replace_mime)
		eas_wbxml_writer_empty (w, EAS_COMPOSEMAIL_REPLACE_MIME);
	if (r->folder_id || r->item_id || r->long_id || r->instance_id) {
		eas_wbxml_writer_start (w, EAS_COMPOSEMAIL_SOURCE);
		write_opt_text (w, EAS_COMPOSEMAIL_FOLDER_ID, r->folder_id);
		write_opt_text (w, EAS_COMPOSEMAIL_ITEM_ID, r->item_id);
		write_opt_text (w, EAS_COMPOSEMAIL_LONG_ID, r->long_id);
		write_opt_text (w, EAS_COMPOSEMAIL_INSTANCE_ID, r->instance_id);
		eas_wbxml_writer_end (w);
	}
	if (r->mime != NULL) {
		gsize len;
		const guint8 *data = g_bytes_get_data (r->mime, &len);
		eas_wbxml_writer_opaque_element (w, EAS_COMPOSEMAIL_MIME, data, len);
	}
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}
