/* airdockd-email.c — a stored mail item as the EAS email model; see
 * airdockd-email.h. */
#include "config.h"

#include <string.h>

#include <gmime/gmime.h>

#include "server/airdockd-email.h"
#include "server/airdockd-meeting.h"
#include "server/airdockd-mime.h"

/* An attachment index never exceeds the MIME walk's part limit. */
#define FILE_REFERENCE_MAX_INDEX AIRDOCKD_MIME_MAX_PARTS

char *
airdockd_email_file_reference (const char *item_server_id, guint index)
{
	g_return_val_if_fail (item_server_id != NULL, NULL);
	return g_strdup_printf ("%s:%u", item_server_id, index);
}

gboolean
airdockd_email_parse_file_reference (const char *ref, char **out_item_server_id, guint *out_index)
{
	const char *colon;
	guint64 index = 0;
	gsize id_len;

	g_return_val_if_fail (out_item_server_id != NULL && out_index != NULL, FALSE);

	if (ref == NULL || strlen (ref) > AIRDOCKD_STORE_MAX_SERVER_ID + 11)
		return FALSE;
	colon = strrchr (ref, ':');
	if (colon == NULL || colon == ref || colon[1] == '\0')
		return FALSE;
	id_len = (gsize) (colon - ref);
	if (id_len > AIRDOCKD_STORE_MAX_SERVER_ID)
		return FALSE;
	for (const char *p = colon + 1; *p != '\0'; p++) {
		if (!g_ascii_isdigit (*p))
			return FALSE;
	}
	if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, FILE_REFERENCE_MAX_INDEX, &index, NULL))
		return FALSE;
	*out_item_server_id = g_strndup (ref, id_len);
	*out_index = (guint) index;
	return TRUE;
}

static gsize gmime_ready;

/* [MS-ASEMAIL] 2.2.2.24 DisplayTo: the display names of the To recipients,
 * separated by semicolons (addresses when a recipient has no name). */
static char *
display_to (const char *to)
{
	g_autoptr (GObject) list_obj = NULL;
	InternetAddressList *list;
	g_autoptr (GString) s = NULL;
	int n;

	if (to == NULL || to[0] == '\0')
		return NULL;
	if (g_once_init_enter (&gmime_ready)) {
		/* GMime counts its initialisations: harmless if already done. */
		g_mime_init ();
		g_once_init_leave (&gmime_ready, 1);
	}
	list = internet_address_list_parse (NULL, to);
	if (list == NULL)
		return g_strdup (to);
	list_obj = G_OBJECT (list);
	s = g_string_new (NULL);
	n = internet_address_list_length (list);
	for (int i = 0; i < n; i++) {
		InternetAddress *a = internet_address_list_get_address (list, i);
		const char *name = internet_address_get_name (a);

		if (s->len > 0)
			g_string_append (s, "; ");
		if (name != NULL && name[0] != '\0')
			g_string_append (s, name);
		else if (INTERNET_ADDRESS_IS_MAILBOX (a))
			g_string_append (s, internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a)));
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

/* ThreadTopic: the subject without reply/forward prefixes. */
static char *
thread_topic (const char *subject)
{
	static const char *const prefixes[] = { "re:", "fw:", "fwd:", "aw:", "wg:" };
	const char *p = subject;
	gboolean again = TRUE;

	if (subject == NULL)
		return NULL;
	while (again) {
		again = FALSE;
		while (*p == ' ' || *p == '\t')
			p++;
		for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++) {
			gsize n = strlen (prefixes[i]);

			if (g_ascii_strncasecmp (p, prefixes[i], n) == 0) {
				p += n;
				again = TRUE;
				break;
			}
		}
	}
	return g_strdup (p);
}

/* [MS-ASEMAIL] 2.2.2.16/17: ConversationId is 16 bytes; ConversationIndex
 * starts with a 5-byte time stamp.  We derive both from the store's thread
 * key so every message of a thread shares the id. */
static void
fill_conversation (EasEmailItem *email, const AirdockdItem *item)
{
	const char *key = item->thread_id ? item->thread_id : item->server_id;
	g_autoptr (GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
	guint8 digest[16];
	gsize len = sizeof digest;
	guint8 index[6];
	/* FILETIME: 100 ns ticks since 1601; its bytes 2..6 (big-endian). */
	guint64 ft = ((guint64) MAX (item->date_received, 0) + G_GUINT64_CONSTANT (11644473600)) * 10000000u;

	g_checksum_update (md5, (const guchar *) key, (gssize) strlen (key));
	g_checksum_get_digest (md5, digest, &len);
	email->conversation_id = g_bytes_new (digest, sizeof digest);
	index[0] = 0x01;
	for (int i = 0; i < 5; i++)
		index[1 + i] = (guint8) (ft >> (56 - 8 * i));
	email->conversation_index = g_bytes_new (index, sizeof index);
}

/* Crude HTML → text for HTML-only mail when plain text is asked: drop tags,
 * keep text.  Good enough for previews and truncated bodies. */
static char *
html_to_text (const char *html)
{
	GString *s = g_string_sized_new (strlen (html));
	gboolean in_tag = FALSE;

	for (const char *p = html; *p != '\0'; p++) {
		if (*p == '<')
			in_tag = TRUE;
		else if (*p == '>')
			in_tag = FALSE;
		else if (!in_tag)
			g_string_append_c (s, *p);
	}
	return g_string_free (s, FALSE);
}

static gboolean
load_text_bodies (EasEmailItem *email, const AirdockdItem *item, EasEmailNeeds needs,
                  gsize limit, GError **error)
{
	gboolean truncated = FALSE;
	gsize total = 0;
	g_autoptr (GError) local = NULL;

	if (item->message_path == NULL)
		return TRUE;
	if ((needs & EAS_EMAIL_NEED_HTML) && item->html_type != NULL) {
		email->body_html = airdockd_mime_get_html (item->message_path, limit, &truncated, &total, &local);
		if (email->body_html == NULL && !g_error_matches (local, AIRDOCKD_MIME_ERROR, AIRDOCKD_MIME_ERROR_NOT_FOUND)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		g_clear_error (&local);
		email->body_html_size = total;
	}
	/* With HTML at hand the encoder never sends plain text (it prefers the
	 * richer type, and the preview comes from the index). */
	if (!(needs & EAS_EMAIL_NEED_PLAIN) || (email->body_html != NULL && email->preview != NULL))
		return TRUE;
	if (item->plain_type != NULL) {
		email->body_plain = airdockd_mime_get_text (item->message_path, limit, &truncated, &total, &local);
		if (email->body_plain == NULL && !g_error_matches (local, AIRDOCKD_MIME_ERROR, AIRDOCKD_MIME_ERROR_NOT_FOUND)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		g_clear_error (&local);
		email->body_plain_size = total;
	}
	if (email->body_plain == NULL && item->html_type != NULL) {
		g_autofree char *html = airdockd_mime_get_html (item->message_path, 0, NULL, NULL, NULL);

		if (html != NULL) {
			email->body_plain = html_to_text (html);
			email->body_plain_size = strlen (email->body_plain);
		}
	}
	return TRUE;
}

/* The raw message, read only as far as a MIME truncation needs. */
static gboolean
load_mime (EasEmailItem *email, const AirdockdItem *item, const EasEmailEncodeOptions *opts,
           GError **error)
{
	gsize limit = G_MAXSIZE;
	g_autoptr (GFile) file = NULL;
	g_autoptr (GFileInputStream) in = NULL;
	g_autofree guint8 *buf = NULL;
	gsize got = 0;

	if (item->message_path == NULL)
		return TRUE;
	for (guint i = 0; i < opts->n_body_prefs && i < EAS_BODY_PREFERENCES_MAX; i++) {
		if (opts->body_prefs[i].type == EAS_BODY_TYPE_MIME && opts->body_prefs[i].has_truncation_size)
			limit = opts->body_prefs[i].truncation_size;
	}
	if (opts->version < 120 && opts->mime_truncation != G_MAXUINT32)
		limit = opts->mime_truncation;
	limit = MIN (limit, (gsize) MAX (item->size, 0));
	file = g_file_new_for_path (item->message_path);
	in = g_file_read (file, NULL, error);
	if (in == NULL)
		return FALSE;
	buf = g_malloc (limit + 1);
	if (!g_input_stream_read_all (G_INPUT_STREAM (in), buf, limit, &got, NULL, error))
		return FALSE;
	email->mime = g_bytes_new_take (g_steal_pointer (&buf), got);
	email->mime_size = (guint64) MAX (item->size, (gint64) got);
	return TRUE;
}

/* [MS-ASEMAIL] 2.2.2.53 MessageClass: S/MIME mail is told apart so that
 * devices ask for its MIME; the signature or envelope shows up as a part. */
static void
note_smime (EasEmailItem *email, const char *content_type)
{
	if (content_type == NULL)
		return;
	if (g_ascii_strcasecmp (content_type, "application/pkcs7-signature") == 0 ||
	    g_ascii_strcasecmp (content_type, "application/x-pkcs7-signature") == 0) {
		if (email->message_class == NULL)
			email->message_class = g_strdup ("IPM.Note.SMIME.MultipartSigned");
	} else if (g_ascii_strcasecmp (content_type, "application/pkcs7-mime") == 0 ||
	           g_ascii_strcasecmp (content_type, "application/x-pkcs7-mime") == 0) {
		g_free (email->message_class);
		email->message_class = g_strdup ("IPM.Note.SMIME");
	}
}

static void
fill_attachments (EasEmailItem *email, AirdockdStore *store, const AirdockdItem *item)
{
	g_autoptr (GPtrArray) atts = NULL;
	gboolean calendar = FALSE;

	if (!item->has_attachments)
		return;
	atts = airdockd_store_item_attachments (store, item->user_id, item->server_id, NULL);
	for (guint i = 0; atts != NULL && i < atts->len; i++) {
		const AirdockdAttachment *a = g_ptr_array_index (atts, i);
		EasEmailAttachment *ea = eas_email_attachment_new ();

		ea->display_name = g_strdup (a->file_name ? a->file_name : "attachment");
		ea->file_reference = airdockd_email_file_reference (item->server_id, a->index);
		ea->method = g_ascii_strcasecmp (a->content_type ? a->content_type : "", "message/rfc822") == 0 ? 5 : 1;
		ea->estimated_size = (guint64) MAX (a->size, 0);
		ea->content_id = g_strdup (a->content_id);
		ea->is_inline = a->is_inline;
		g_ptr_array_add (email->attachments, ea);
		note_smime (email, a->content_type);
		calendar |= g_ascii_strcasecmp (a->content_type ? a->content_type : "", "text/calendar") == 0;
	}
	/* A meeting request, cancellation or response: its class and the
	 * MeetingRequest data come from the calendar part (Sync, ItemOperations
	 * and Search all write mail through here). */
	if (calendar)
		airdockd_meeting_fill_email (store, item, email);
}

EasEmailItem *
airdockd_email_from_item (AirdockdStore *store, const AirdockdItem *item,
                          const EasEmailEncodeOptions *opts, GError **error)
{
	g_autoptr (EasEmailItem) email = eas_email_item_new ();
	EasEmailNeeds needs = opts ? eas_email_needed_bodies (opts) : 0;

	g_return_val_if_fail (store != NULL && item != NULL, NULL);

	email->to = g_strdup (item->to);
	email->cc = g_strdup (item->cc);
	email->from = g_strdup (item->from);
	email->reply_to = g_strdup (item->reply_to);
	email->subject = g_strdup (item->subject);
	email->display_to = display_to (item->to);
	email->thread_topic = thread_topic (item->subject);
	email->date_received = item->date_received;
	email->importance = (guint) item->importance;
	email->read = item->read;
	email->flag_status = (EasFlagStatus) item->flag.status;
	email->flag_type = g_strdup (item->flag.flag_type);
	email->flag_complete_time = item->flag.complete_time;
	email->native_body_type = item->html_type != NULL ? EAS_BODY_TYPE_HTML : EAS_BODY_TYPE_PLAIN;
	email->preview = g_strdup (item->preview);
	email->mime_size = (guint64) MAX (item->size, 0);
	fill_conversation (email, item);
	fill_attachments (email, store, item);

	if (opts != NULL && !load_text_bodies (email, item, needs, eas_email_body_read_limit (opts), error))
		return NULL;
	/* MIMESupport 1 wants MIME of S/MIME mail only. */
	if (opts != NULL && opts->mime_support == EAS_MIME_SUPPORT_SMIME_ONLY &&
	    !g_str_has_prefix (email->message_class ? email->message_class : "", "IPM.Note.SMIME"))
		needs &= ~EAS_EMAIL_NEED_MIME;
	if ((needs & EAS_EMAIL_NEED_MIME) && !load_mime (email, item, opts, error))
		return NULL;
	return g_steal_pointer (&email);
}

EasEmailItem *
airdockd_email_load (AirdockdStore *store, gint64 user_id, const char *server_id,
                     const EasEmailEncodeOptions *opts, GError **error)
{
	g_autoptr (AirdockdItem) item = NULL;

	g_return_val_if_fail (store != NULL && server_id != NULL, NULL);

	item = airdockd_store_item_get (store, user_id, server_id, error);
	if (item == NULL)
		return NULL;
	if (item->item_class != AIRDOCKD_ITEM_EMAIL) {
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND,
		             "item is not an email");
		return NULL;
	}
	return airdockd_email_from_item (store, item, opts, error);
}
