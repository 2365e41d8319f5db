/* eas-email.c — the email ApplicationData encoder; see eas-email.h. */
#include "config.h"

#include <string.h>

#include "eas/eas-email.h"
#include "eas/eas-meeting.h"

#define EAS_DEFAULT_MESSAGE_CLASS "IPM.Note"
#define EAS_DEFAULT_CONTENT_CLASS "urn:content-classes:message"
#define EAS_DEFAULT_FLAG_TYPE "for Follow Up"
#define EAS_CPID_UTF8 65001

void
eas_email_encode_options_init (EasEmailEncodeOptions *opts, EasVersion version)
{
	g_return_if_fail (opts != NULL);

	memset (opts, 0, sizeof *opts);
	opts->version = version;
	opts->mime_support = EAS_MIME_SUPPORT_NEVER;
	opts->mime_truncation = G_MAXUINT32;
	opts->truncation = G_MAXUINT32;
}

EasEmailAttachment *
eas_email_attachment_new (void)
{
	EasEmailAttachment *att = g_new0 (EasEmailAttachment, 1);

	att->method = 1;
	return att;
}

void
eas_email_attachment_free (EasEmailAttachment *att)
{
	if (att == NULL)
		return;
	g_free (att->display_name);
	g_free (att->file_reference);
	g_free (att->content_id);
	g_free (att->content_location);
	g_free (att);
}

EasEmailItem *
eas_email_item_new (void)
{
	EasEmailItem *item = g_new0 (EasEmailItem, 1);

	item->importance = 1;
	item->native_body_type = EAS_BODY_TYPE_PLAIN;
	item->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_email_attachment_free);
	return item;
}

void
eas_email_item_free (EasEmailItem *item)
{
	if (item == NULL)
		return;
	g_free (item->to);
	g_free (item->cc);
	g_free (item->from);
	g_free (item->reply_to);
	g_free (item->subject);
	g_free (item->display_to);
	g_free (item->thread_topic);
	g_free (item->message_class);
	g_free (item->content_class);
	g_free (item->flag_type);
	g_free (item->body_plain);
	g_free (item->body_html);
	g_free (item->preview);
	g_clear_pointer (&item->mime, g_bytes_unref);
	g_clear_pointer (&item->attachments, g_ptr_array_unref);
	g_clear_pointer (&item->conversation_id, g_bytes_unref);
	g_clear_pointer (&item->conversation_index, g_bytes_unref);
	g_clear_pointer (&item->meeting_request, eas_meeting_request_free);
	g_free (item);
}

gsize
eas_utf8_truncate_len (const char *text, gsize len, gsize max)
{
	gsize cut;

	g_return_val_if_fail (text != NULL || len == 0, 0);

	if (len <= max)
		return len;
	cut = max;
	/* Step back over continuation bytes (10xxxxxx) to a sequence start. */
	while (cut > 0 && ((guchar) text[cut] & 0xC0) == 0x80)
		cut--;
	return cut;
}

char *
eas_email_format_date (gint64 unix_seconds)
{
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

	if (dt == NULL)
		return g_strdup ("1970-01-01T00:00:00.000Z");
	return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S.000Z");
}

static const EasBodyPreference *
find_pref (const EasEmailEncodeOptions *opts, EasBodyType type)
{
	for (guint i = 0; i < opts->n_body_prefs && i < EAS_BODY_PREFERENCES_MAX; i++) {
		if (opts->body_prefs[i].type == type)
			return &opts->body_prefs[i];
	}
	return NULL;
}

/* 2.5 has no BodyPreference: MIME with MIMESupport 1 (S/MIME mail) or 2
 * ([MS-ASCMD] 2.2.3.110.3). */
static gboolean
wants_mime (const EasEmailEncodeOptions *opts)
{
	if (opts->version < 120)
		return opts->mime_support != EAS_MIME_SUPPORT_NEVER;
	return find_pref (opts, EAS_BODY_TYPE_MIME) != NULL;
}

EasEmailNeeds
eas_email_needed_bodies (const EasEmailEncodeOptions *opts)
{
	EasEmailNeeds needs = 0;

	g_return_val_if_fail (opts != NULL, 0);

	if (wants_mime (opts))
		needs |= EAS_EMAIL_NEED_MIME;
	if (opts->version >= 120 && find_pref (opts, EAS_BODY_TYPE_HTML) != NULL)
		needs |= EAS_EMAIL_NEED_HTML;
	/* Plain is the fallback for every other choice (no preference, RTF,
	 * HTML asked of a plain-only message). */
	if (needs != EAS_EMAIL_NEED_MIME || opts->n_body_prefs > 1 ||
	    opts->mime_support == EAS_MIME_SUPPORT_SMIME_ONLY)
		needs |= EAS_EMAIL_NEED_PLAIN;
	return needs;
}

EasBodyType
eas_email_choose_body (const EasEmailItem *item, const EasEmailEncodeOptions *opts)
{
	g_return_val_if_fail (item != NULL && opts != NULL, EAS_BODY_TYPE_PLAIN);

	/* MIMESupport 1: MIME for S/MIME mail only ([MS-ASCMD] 2.2.3.110.3). */
	if (wants_mime (opts) && item->mime != NULL &&
	    (opts->mime_support != EAS_MIME_SUPPORT_SMIME_ONLY ||
	     g_str_has_prefix (item->message_class ? item->message_class : "", "IPM.Note.SMIME")))
		return EAS_BODY_TYPE_MIME;
	if (opts->version >= 120 && item->body_html != NULL &&
	    find_pref (opts, EAS_BODY_TYPE_HTML) != NULL)
		return EAS_BODY_TYPE_HTML;
	return EAS_BODY_TYPE_PLAIN;
}

/* The preference that governs truncation of a chosen type: its own, else
 * (HTML asked, plain sent) the first one given. */
static const EasBodyPreference *
pref_for (const EasEmailEncodeOptions *opts, EasBodyType type)
{
	const EasBodyPreference *pref = find_pref (opts, type);

	if (pref == NULL && opts->n_body_prefs > 0)
		pref = &opts->body_prefs[0];
	return pref;
}

gsize
eas_email_body_read_limit (const EasEmailEncodeOptions *opts)
{
	guint32 limit = 0;

	g_return_val_if_fail (opts != NULL, 0);

	if (opts->version < 120)
		return opts->truncation == G_MAXUINT32 ? 0 : (gsize) opts->truncation;
	if (opts->n_body_prefs == 0)
		return 0;
	for (guint i = 0; i < opts->n_body_prefs && i < EAS_BODY_PREFERENCES_MAX; i++) {
		const EasBodyPreference *p = &opts->body_prefs[i];

		if (p->type == EAS_BODY_TYPE_MIME)
			continue;
		if (!p->has_truncation_size)
			return 0;
		limit = MAX (limit, p->truncation_size);
	}
	/* A limit of 0 bytes still needs the full size: read one byte so
	 * "0 = whole body" stays unambiguous. */
	return limit == 0 ? 1 : limit;
}

static void
text_el (EasWbxmlWriter *w, EasTag tag, const char *text)
{
	if (text != NULL)
		eas_wbxml_writer_text_element (w, tag, text);
}

static void
write_preview (EasWbxmlWriter *w, const EasEmailItem *item, const EasEmailEncodeOptions *opts)
{
	guint32 chars = 0;
	const char *src = item->preview;

	/* [MS-ASAIRS] 2.2.2.33 Preview: 14.0+, the largest requested count. */
	if (opts->version < 140)
		return;
	for (guint i = 0; i < opts->n_body_prefs && i < EAS_BODY_PREFERENCES_MAX; i++)
		chars = MAX (chars, opts->body_prefs[i].preview);
	chars = MIN (chars, EAS_BODY_PREVIEW_MAX);
	if (chars == 0)
		return;
	if (src == NULL)
		src = item->body_plain != NULL ? item->body_plain : "";
	if (!g_utf8_validate (src, -1, NULL))
		return;
	g_autofree char *cut = g_utf8_substring (src, 0, MIN ((glong) chars, g_utf8_strlen (src, -1)));
	eas_wbxml_writer_text_element (w, EAS_AIRSYNCBASE_PREVIEW, cut);
}

/* Text or, for bytes that cannot be STR_I (NUL, invalid UTF-8), OPAQUE. */
static void
write_data (EasWbxmlWriter *w, EasTag tag, const char *data, gsize len)
{
	if (memchr (data, '\0', len) == NULL && g_utf8_validate (data, (gssize) len, NULL)) {
		eas_wbxml_writer_start (w, tag);
		eas_wbxml_writer_text (w, data, (gssize) len);
		eas_wbxml_writer_end (w);
	} else {
		eas_wbxml_writer_opaque_element (w, tag, (const guint8 *) data, len);
	}
}

static void
body_source (const EasEmailItem *item, EasBodyType type,
             const char **out_data, gsize *out_len, guint64 *out_full)
{
	if (type == EAS_BODY_TYPE_MIME) {
		*out_data = g_bytes_get_data (item->mime, out_len);
		*out_full = MAX (item->mime_size, (guint64) *out_len);
	} else if (type == EAS_BODY_TYPE_HTML) {
		*out_data = item->body_html;
		*out_len = strlen (item->body_html);
		*out_full = MAX (item->body_html_size, (guint64) *out_len);
	} else {
		*out_data = item->body_plain != NULL ? item->body_plain : "";
		*out_len = strlen (*out_data);
		*out_full = MAX (item->body_plain_size, (guint64) *out_len);
	}
	if (*out_data == NULL)
		*out_data = "";
}

/* [MS-ASAIRS] 2.2.2.9 Body: Type, EstimatedDataSize, Truncated, Data, Preview. */
static void
write_body (EasWbxmlWriter *w, const EasEmailItem *item, const EasEmailEncodeOptions *opts)
{
	EasBodyType type = eas_email_choose_body (item, opts);
	const EasBodyPreference *pref = pref_for (opts, type);
	const char *data;
	gsize len, send;
	guint64 full;
	gboolean truncated;

	body_source (item, type, &data, &len, &full);
	send = len;
	if (pref != NULL && pref->has_truncation_size)
		send = (type == EAS_BODY_TYPE_MIME) ? MIN (len, (gsize) pref->truncation_size)
			: eas_utf8_truncate_len (data, len, pref->truncation_size);
	truncated = send < full;

	eas_wbxml_writer_start (w, EAS_AIRSYNCBASE_BODY);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_TYPE, type);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_ESTIMATED_DATA_SIZE, full);
	if (truncated)
		eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_TRUNCATED, 1);
	/* AllOrNone: a body that does not fit is not sent at all
	 * ([MS-ASAIRS] 2.2.2.3). */
	if (!(truncated && pref != NULL && pref->all_or_none) && send > 0)
		write_data (w, EAS_AIRSYNCBASE_DATA, data, send);
	write_preview (w, item, opts);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_NATIVE_BODY_TYPE,
	                               item->native_body_type ? item->native_body_type : EAS_BODY_TYPE_PLAIN);
}

/* 2.5: Email:Body + BodyTruncated, or MIMEData/MIMETruncated/MIMESize
 * ([MS-ASEMAIL] 2.2.2.9, 2.2.2.44-46 in the 2.5 column). */
static void
write_body_25 (EasWbxmlWriter *w, const EasEmailItem *item, const EasEmailEncodeOptions *opts)
{
	EasBodyType type = eas_email_choose_body (item, opts);
	const char *data;
	gsize len, send;
	guint64 full;

	body_source (item, type, &data, &len, &full);
	if (type == EAS_BODY_TYPE_MIME) {
		send = MIN (len, (gsize) opts->mime_truncation);
		eas_wbxml_writer_uint_element (w, EAS_EMAIL_MIME_TRUNCATED, send < full);
		eas_wbxml_writer_uint_element (w, EAS_EMAIL_MIME_SIZE, full);
		write_data (w, EAS_EMAIL_MIME_DATA, data, send);
		return;
	}
	send = eas_utf8_truncate_len (data, len, opts->truncation);
	if (send > 0)
		write_data (w, EAS_EMAIL_BODY, data, send);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_BODY_TRUNCATED, send < full);
}

static void
write_attachments (EasWbxmlWriter *w, const EasEmailItem *item, const EasEmailEncodeOptions *opts)
{
	if (item->attachments == NULL || item->attachments->len == 0)
		return;
	if (opts->version < 120) {
		eas_wbxml_writer_start (w, EAS_EMAIL_ATTACHMENTS);
		for (guint i = 0; i < item->attachments->len; i++) {
			const EasEmailAttachment *a = g_ptr_array_index (item->attachments, i);

			eas_wbxml_writer_start (w, EAS_EMAIL_ATTACHMENT);
			eas_wbxml_writer_uint_element (w, EAS_EMAIL_ATT_METHOD, a->method);
			eas_wbxml_writer_uint_element (w, EAS_EMAIL_ATT_SIZE, a->estimated_size);
			text_el (w, EAS_EMAIL_DISPLAY_NAME, a->display_name ? a->display_name : "attachment");
			text_el (w, EAS_EMAIL_ATT_NAME, a->file_reference);
			eas_wbxml_writer_end (w);
		}
		eas_wbxml_writer_end (w);
		return;
	}
	eas_wbxml_writer_start (w, EAS_AIRSYNCBASE_ATTACHMENTS);
	for (guint i = 0; i < item->attachments->len; i++) {
		const EasEmailAttachment *a = g_ptr_array_index (item->attachments, i);

		eas_wbxml_writer_start (w, EAS_AIRSYNCBASE_ATTACHMENT);
		text_el (w, EAS_AIRSYNCBASE_DISPLAY_NAME, a->display_name ? a->display_name : "attachment");
		text_el (w, EAS_AIRSYNCBASE_FILE_REFERENCE, a->file_reference);
		eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_METHOD, a->method);
		eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_ESTIMATED_DATA_SIZE, a->estimated_size);
		text_el (w, EAS_AIRSYNCBASE_CONTENT_ID, a->content_id);
		text_el (w, EAS_AIRSYNCBASE_CONTENT_LOCATION, a->content_location);
		if (a->is_inline)
			eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_IS_INLINE, 1);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
}

/* [MS-ASEMAIL] 2.2.2.34 Flag: empty when cleared; 12.0+ only. */
static void
write_flag (EasWbxmlWriter *w, const EasEmailItem *item, const EasEmailEncodeOptions *opts)
{
	if (opts->version < 120)
		return;
	if (item->flag_status == EAS_FLAG_STATUS_CLEARED) {
		eas_wbxml_writer_empty (w, EAS_EMAIL_FLAG);
		return;
	}
	eas_wbxml_writer_start (w, EAS_EMAIL_FLAG);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_STATUS, item->flag_status);
	text_el (w, EAS_EMAIL_FLAG_TYPE, item->flag_type ? item->flag_type : EAS_DEFAULT_FLAG_TYPE);
	if (item->flag_status == EAS_FLAG_STATUS_COMPLETE && item->flag_complete_time > 0) {
		g_autofree char *t = eas_email_format_date (item->flag_complete_time);

		eas_wbxml_writer_text_element (w, EAS_EMAIL_COMPLETE_TIME, t);
	}
	eas_wbxml_writer_end (w);
}

static void
write_header_fields (EasWbxmlWriter *w, const EasEmailItem *item)
{
	text_el (w, EAS_EMAIL_TO, item->to);
	text_el (w, EAS_EMAIL_CC, item->cc);
	text_el (w, EAS_EMAIL_FROM, item->from);
	text_el (w, EAS_EMAIL_SUBJECT, item->subject);
	text_el (w, EAS_EMAIL_REPLY_TO, item->reply_to);
	if (item->date_received > 0) {
		g_autofree char *d = eas_email_format_date (item->date_received);

		eas_wbxml_writer_text_element (w, EAS_EMAIL_DATE_RECEIVED, d);
	}
	text_el (w, EAS_EMAIL_DISPLAY_TO, item->display_to);
	text_el (w, EAS_EMAIL_THREAD_TOPIC, item->thread_topic);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_IMPORTANCE, MIN (item->importance, 2u));
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_READ, item->read ? 1 : 0);
}

void
eas_email_encode (EasWbxmlWriter *w, const EasEmailItem *item, const EasEmailEncodeOptions *opts)
{
	g_return_if_fail (w != NULL && item != NULL && opts != NULL);

	write_header_fields (w, item);
	write_attachments (w, item, opts);
	if (opts->version < 120)
		write_body_25 (w, item, opts);
	else
		write_body (w, item, opts);
	text_el (w, EAS_EMAIL_MESSAGE_CLASS,
	         item->message_class ? item->message_class : EAS_DEFAULT_MESSAGE_CLASS);
	/* [MS-ASEMAIL] 2.2.2.48: after MessageClass. */
	if (item->meeting_request != NULL)
		eas_meeting_request_encode (w, item->meeting_request, opts->version);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_INTERNET_CPID,
	                               item->internet_cpid ? item->internet_cpid : EAS_CPID_UTF8);
	write_flag (w, item, opts);
	if (opts->version >= 120)
		text_el (w, EAS_EMAIL_CONTENT_CLASS,
		         item->content_class ? item->content_class : EAS_DEFAULT_CONTENT_CLASS);
	/* [MS-ASEMAIL] 2.2.2.16/17: 14.0+, binary. */
	if (opts->version >= 140 && item->conversation_id != NULL) {
		gsize n;
		const guint8 *p = g_bytes_get_data (item->conversation_id, &n);

		eas_wbxml_writer_opaque_element (w, EAS_EMAIL2_CONVERSATION_ID, p, n);
	}
	if (opts->version >= 140 && item->conversation_index != NULL) {
		gsize n;
		const guint8 *p = g_bytes_get_data (item->conversation_index, &n);

		eas_wbxml_writer_opaque_element (w, EAS_EMAIL2_CONVERSATION_INDEX, p, n);
	}
}

void
eas_email_encode_flags (EasWbxmlWriter *w, const EasEmailItem *item, const EasEmailEncodeOptions *opts)
{
	g_return_if_fail (w != NULL && item != NULL && opts != NULL);

	eas_wbxml_writer_uint_element (w, EAS_EMAIL_READ, item->read ? 1 : 0);
	write_flag (w, item, opts);
}
