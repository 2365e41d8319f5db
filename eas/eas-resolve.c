/* eas-resolve.c — ResolveRecipients request decoder and response writer. */
#include "config.h"

#include <string.h>

#include "eas/eas-resolve.h"

G_DEFINE_QUARK (eas-resolve-error-quark, eas_resolve_error)

/* [MS-ASCMD] 2.2.3.110: MaxAmbiguousRecipients defaults to 19. */
#define DEFAULT_MAX_AMBIGUOUS 19

static gboolean
resolve_fail (GError **error, EasResolveErrorCode code, EasTag tag, const char *what)
{
	g_set_error (error, EAS_RESOLVE_ERROR, code, "ResolveRecipients: %s: %s", eas_tag_name (tag), what);
	return FALSE;
}

void
eas_resolve_request_free (EasResolveRequest *request)
{
	if (request == NULL)
		return;
	g_clear_pointer (&request->to, g_ptr_array_unref);
	g_free (request);
}

static gboolean
parse_time (const EasNode *parent, EasTag tag, gint64 *out, GError **error)
{
	const char *text = eas_node_child_text (parent, tag);
	g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
	g_autoptr (GDateTime) dt = NULL;

	if (text == NULL || strlen (text) > 64)
		return resolve_fail (error, EAS_RESOLVE_ERROR_INVALID, tag, "missing");
	dt = g_date_time_new_from_iso8601 (text, utc);
	if (dt == NULL)
		return resolve_fail (error, EAS_RESOLVE_ERROR_INVALID, tag, "not a date");
	*out = g_date_time_to_unix (dt);
	return TRUE;
}

static gboolean
decode_availability (const EasNode *node, EasResolveRequest *r, GError **error)
{
	if (!parse_time (node, EAS_RESOLVERECIPIENTS_START_TIME, &r->start_time, error))
		return FALSE;
	/* [MS-ASCMD] 2.2.3.61.1: without EndTime the span is seven days. */
	if (eas_node_child (node, EAS_RESOLVERECIPIENTS_END_TIME) == NULL)
		r->end_time = r->start_time + EAS_RESOLVE_DEFAULT_SPAN_DAYS * 86400;
	else if (!parse_time (node, EAS_RESOLVERECIPIENTS_END_TIME, &r->end_time, error))
		return FALSE;
	if (r->end_time < r->start_time + EAS_RESOLVE_FREEBUSY_INTERVAL)
		return resolve_fail (error, EAS_RESOLVE_ERROR_INVALID, node->tag,
		                     "EndTime less than 30 minutes after StartTime");
	if ((guint64) (r->end_time - r->start_time) > (guint64) EAS_RESOLVE_MAX_SPAN_DAYS * 86400 ||
	    (guint64) (r->end_time - r->start_time) >
	    (guint64) EAS_RESOLVE_MAX_FREEBUSY * EAS_RESOLVE_FREEBUSY_INTERVAL)
		return resolve_fail (error, EAS_RESOLVE_ERROR_LIMIT, node->tag, "span too long");
	r->availability = TRUE;
	return TRUE;
}

static gboolean
opt_uint (const EasNode *options, EasTag tag, guint64 min, guint64 max, guint64 *out, GError **error)
{
	if (!eas_node_child_uint (options, tag, min, max, out, NULL))
		return resolve_fail (error, EAS_RESOLVE_ERROR_INVALID, tag, "not a number in range");
	return TRUE;
}

/* [MS-ASCMD] ResolveRecipients Options Picture, with optional MaxSize (bytes) and
 * MaxPictures. */
static gboolean
decode_picture (const EasNode *picture, EasResolveRequest *r, GError **error)
{
	guint64 value;

	r->picture = TRUE;
	for (const EasNode *c = picture->first_child; c != NULL; c = c->next) {
		if (c->tag != EAS_RESOLVERECIPIENTS_MAX_SIZE && c->tag != EAS_RESOLVERECIPIENTS_MAX_PICTURES)
			return resolve_fail (error, EAS_RESOLVE_ERROR_INVALID, c->tag, "unexpected in Picture");
		if (c->text == NULL || !g_ascii_string_to_unsigned (c->text, 10, 0, G_MAXUINT32, &value, NULL))
			return resolve_fail (error, EAS_RESOLVE_ERROR_INVALID, c->tag, "not a number");
		if (c->tag == EAS_RESOLVERECIPIENTS_MAX_SIZE)
			r->picture_max_size = (guint) value;
		else
			r->picture_max_count = (guint) value;
	}
	return TRUE;
}

static gboolean
decode_options (const EasNode *options, EasResolveRequest *r, GError **error)
{
	guint64 v;

	for (const EasNode *n = options->first_child; n != NULL; n = n->next) {
		switch (n->tag) {
		case EAS_RESOLVERECIPIENTS_CERTIFICATE_RETRIEVAL:
			if (!opt_uint (options, n->tag, 1, 3, &v, error))
				return FALSE;
			r->cert_retrieval = (EasResolveCertRetrieval) v;
			break;
		case EAS_RESOLVERECIPIENTS_MAX_CERTIFICATES:
			if (!opt_uint (options, n->tag, 0, 9999, &v, error))
				return FALSE;
			r->max_certificates = (guint) v;
			break;
		case EAS_RESOLVERECIPIENTS_MAX_AMBIGUOUS_RECIPIENTS:
			if (!opt_uint (options, n->tag, 0, 9999, &v, error))
				return FALSE;
			r->max_ambiguous = (guint) v;
			break;
		case EAS_RESOLVERECIPIENTS_AVAILABILITY:
			if (!decode_availability (n, r, error))
				return FALSE;
			break;
		case EAS_RESOLVERECIPIENTS_PICTURE:
			if (!decode_picture (n, r, error))
				return FALSE;
			break;
		default:
			return resolve_fail (error, EAS_RESOLVE_ERROR_INVALID, n->tag, "unexpected in Options");
		}
	}
	return TRUE;
}

EasResolveRequest *
eas_resolve_request_decode (const EasNode *root, GError **error)
{
	g_autoptr (EasResolveRequest) r = g_new0 (EasResolveRequest, 1);

	g_return_val_if_fail (root != NULL, NULL);
	r->to = g_ptr_array_new_with_free_func (g_free);
	r->cert_retrieval = EAS_RESOLVE_CERTS_NONE;
	r->max_ambiguous = DEFAULT_MAX_AMBIGUOUS;
	r->picture_max_size = G_MAXUINT;
	r->picture_max_count = G_MAXUINT;
	if (root->tag != EAS_RESOLVERECIPIENTS_RESOLVE_RECIPIENTS) {
		resolve_fail (error, EAS_RESOLVE_ERROR_INVALID, root->tag, "root is not ResolveRecipients");
		return NULL;
	}
	for (const EasNode *n = root->first_child; n != NULL; n = n->next) {
		if (n->tag == EAS_RESOLVERECIPIENTS_TO) {
			if (n->text == NULL || n->text[0] == '\0' || strlen (n->text) > EAS_RESOLVE_MAX_TO_LEN) {
				resolve_fail (error, EAS_RESOLVE_ERROR_INVALID, n->tag, "empty or too long");
				return NULL;
			}
			if (r->to->len == EAS_RESOLVE_MAX_TO) {
				resolve_fail (error, EAS_RESOLVE_ERROR_LIMIT, n->tag, "too many");
				return NULL;
			}
			g_ptr_array_add (r->to, g_strdup (n->text));
		} else if (n->tag == EAS_RESOLVERECIPIENTS_OPTIONS) {
			if (!decode_options (n, r, error))
				return NULL;
		} else {
			resolve_fail (error, EAS_RESOLVE_ERROR_INVALID, n->tag, "unexpected");
			return NULL;
		}
	}
	if (r->to->len == 0) {
		resolve_fail (error, EAS_RESOLVE_ERROR_INVALID, EAS_RESOLVERECIPIENTS_TO, "missing");
		return NULL;
	}
	return g_steal_pointer (&r);
}

guint
eas_resolve_freebusy_length (const EasResolveRequest *request)
{
	guint64 span;

	if (!request->availability || request->end_time <= request->start_time)
		return 0;
	span = (guint64) (request->end_time - request->start_time);
	return (guint) ((span + EAS_RESOLVE_FREEBUSY_INTERVAL - 1) / EAS_RESOLVE_FREEBUSY_INTERVAL);
}

void
eas_resolve_freebusy_mark (const EasResolveRequest *request, char *free_busy,
                           gint64 start, gint64 end, char digit)
{
	guint n = eas_resolve_freebusy_length (request);
	gint64 first, last;

	if (end <= start)
		end = start + 1;
	if (n == 0 || end <= request->start_time || start >= request->end_time)
		return;
	start = MAX (start, request->start_time);
	end = MIN (end, request->end_time);
	first = (start - request->start_time) / EAS_RESOLVE_FREEBUSY_INTERVAL;
	last = (end - request->start_time + EAS_RESOLVE_FREEBUSY_INTERVAL - 1) / EAS_RESOLVE_FREEBUSY_INTERVAL;
	for (gint64 i = first; i < last && i < (gint64) n; i++) {
		if (free_busy[i] < digit)
			free_busy[i] = digit;
	}
}

guint
eas_resolve_picture_status (const EasResolveRequest *request, GBytes *photo, guint *io_sent)
{
	g_return_val_if_fail (request != NULL && io_sent != NULL, 0);
	if (!request->picture)
		return 0;
	if (photo == NULL || g_bytes_get_size (photo) == 0)
		return EAS_RESOLVE_STATUS_PICTURE_NONE;
	if (g_bytes_get_size (photo) > request->picture_max_size)
		return EAS_RESOLVE_STATUS_PICTURE_TOO_LARGE;
	if (*io_sent >= request->picture_max_count)
		return EAS_RESOLVE_STATUS_PICTURE_LIMIT;
	(*io_sent)++;
	return EAS_RESOLVE_STATUS_SUCCESS;
}

void
eas_resolve_write_begin (EasWbxmlWriter *writer)
{
	eas_wbxml_writer_start (writer, EAS_RESOLVERECIPIENTS_RESOLVE_RECIPIENTS);
	eas_wbxml_writer_uint_element (writer, EAS_RESOLVERECIPIENTS_STATUS, EAS_RESOLVE_STATUS_SUCCESS);
}

void
eas_resolve_write_response_begin (EasWbxmlWriter *writer, const char *to,
                                  EasResolveStatus status, guint recipient_count)
{
	eas_wbxml_writer_start (writer, EAS_RESOLVERECIPIENTS_RESPONSE);
	eas_wbxml_writer_text_element (writer, EAS_RESOLVERECIPIENTS_TO, to);
	eas_wbxml_writer_uint_element (writer, EAS_RESOLVERECIPIENTS_STATUS, status);
	eas_wbxml_writer_uint_element (writer, EAS_RESOLVERECIPIENTS_RECIPIENT_COUNT, recipient_count);
}

static void
write_status_container (EasWbxmlWriter *writer, EasTag tag, guint status)
{
	eas_wbxml_writer_start (writer, tag);
	eas_wbxml_writer_uint_element (writer, EAS_RESOLVERECIPIENTS_STATUS, status);
}

/* [MS-ASCMD] 2.2.3.27: Status, CertificateCount, RecipientCount, then one
 * Certificate (base64 of the DER X.509 certificate) or MiniCertificate each. */
static void
write_certificates (EasWbxmlWriter *writer, const EasResolveRecipient *r)
{
	guint n = r->certificates != NULL ? r->certificates->len : 0;

	write_status_container (writer, EAS_RESOLVERECIPIENTS_CERTIFICATES, r->certificates_status);
	eas_wbxml_writer_uint_element (writer, EAS_RESOLVERECIPIENTS_CERTIFICATE_COUNT, n);
	if (n > 0)
		eas_wbxml_writer_uint_element (writer, EAS_RESOLVERECIPIENTS_RECIPIENT_COUNT, 1);
	for (guint i = 0; i < n; i++) {
		gsize len;
		const guchar *der = g_bytes_get_data (g_ptr_array_index (r->certificates, i), &len);
		g_autofree char *b64 = g_base64_encode (der, len);

		eas_wbxml_writer_text_element (writer, r->mini_certificates ? EAS_RESOLVERECIPIENTS_MINI_CERTIFICATE
		                                                           : EAS_RESOLVERECIPIENTS_CERTIFICATE, b64);
	}
	eas_wbxml_writer_end (writer);
}

void
eas_resolve_write_recipient (EasWbxmlWriter *writer, const EasResolveRecipient *r)
{
	eas_wbxml_writer_start (writer, EAS_RESOLVERECIPIENTS_RECIPIENT);
	eas_wbxml_writer_uint_element (writer, EAS_RESOLVERECIPIENTS_TYPE, r->type);
	eas_wbxml_writer_text_element (writer, EAS_RESOLVERECIPIENTS_DISPLAY_NAME, r->display_name);
	eas_wbxml_writer_text_element (writer, EAS_RESOLVERECIPIENTS_EMAIL_ADDRESS, r->email_address);
	if (r->availability_status != 0) {
		write_status_container (writer, EAS_RESOLVERECIPIENTS_AVAILABILITY, r->availability_status);
		if (r->merged_free_busy != NULL)
			eas_wbxml_writer_text_element (writer, EAS_RESOLVERECIPIENTS_MERGED_FREE_BUSY,
			                               r->merged_free_busy);
		eas_wbxml_writer_end (writer);
	}
	if (r->certificates_status != 0) {
		write_certificates (writer, r);
	}
	if (r->picture_status != 0) {
		write_status_container (writer, EAS_RESOLVERECIPIENTS_PICTURE, r->picture_status);
		if (r->picture_status == EAS_RESOLVE_STATUS_SUCCESS && r->picture != NULL) {
			gsize len;
			const guint8 *data = g_bytes_get_data (r->picture, &len);
			g_autofree char *b64 = g_base64_encode (data, len);

			eas_wbxml_writer_text_element (writer, EAS_RESOLVERECIPIENTS_DATA, b64);
		}
		eas_wbxml_writer_end (writer);
	}
	eas_wbxml_writer_end (writer);
}

void
eas_resolve_write_response_end (EasWbxmlWriter *writer)
{
	eas_wbxml_writer_end (writer);
}

void
eas_resolve_write_end (EasWbxmlWriter *writer)
{
	eas_wbxml_writer_end (writer);
}

GBytes *
eas_resolve_encode_status (EasResolveStatus status)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_RESOLVERECIPIENTS_RESOLVE_RECIPIENTS);
	eas_wbxml_writer_uint_element (w, EAS_RESOLVERECIPIENTS_STATUS, status);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}
