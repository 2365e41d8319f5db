/* airdockd-compose.c — builds the outgoing message of SendMail/Smart*. */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <string.h>

#include "server/airdockd-compose.h"
#include "server/airdockd-mime.h"
#include "server/airdockd-request.h"

G_DEFINE_QUARK (airdockd-compose-error-quark, airdockd_compose_error)

/* GMime 3.2 declares no autoptr cleanups. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

/* How deep we look for the client's text parts and the original's
 * attachments (GMime itself does not bound nesting). */
#define COMPOSE_MAX_DEPTH 16
#define COMPOSE_MAX_ATTACHMENTS 1000

void
airdockd_outgoing_free (AirdockdOutgoing *out)
{
	if (out == NULL)
		return;
	if (out->relay_path != NULL)
		g_unlink (out->relay_path);
	if (out->sent_path != NULL)
		g_unlink (out->sent_path);
	g_free (out->relay_path);
	g_free (out->sent_path);
	g_free (out->mail_from);
	g_clear_pointer (&out->recipients, g_ptr_array_unref);
	g_free (out);
}

static void
compose_init_gmime (void)
{
	static gsize done = 0;

	if (g_once_init_enter (&done)) {
		g_mime_init ();
		g_once_init_leave (&done, 1);
	}
}

/* A new empty temporary file of the store; the caller unlinks it. */
static char *
temp_path (AirdockdStore *store, GError **error)
{
	g_autofree char *path = NULL;
	g_autoptr (GOutputStream) out = airdockd_store_temp_file_new (store, &path, error);

	if (out == NULL)
		return NULL;
	if (!g_output_stream_close (out, NULL, error)) {
		g_unlink (path);
		return NULL;
	}
	return g_steal_pointer (&path);
}

/* Spools the client's MIME into a temporary file (GMime then parses from
 * the file, keeping large parts there). */
static char *
spool_bytes (AirdockdStore *store, GBytes *bytes, GError **error)
{
	g_autofree char *path = NULL;
	g_autoptr (GOutputStream) out = airdockd_store_temp_file_new (store, &path, error);
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);

	if (out == NULL)
		return NULL;
	if (!g_output_stream_write_all (out, data, len, NULL, NULL, error) ||
	    !g_output_stream_close (out, NULL, error)) {
		g_unlink (path);
		return NULL;
	}
	return g_steal_pointer (&path);
}

static GMimeMessage *
parse_file (const char *path, GError **error)
{
	g_autoptr (GMimeStream) stream = g_mime_stream_fs_open (path, O_RDONLY, 0, error);

	if (stream == NULL)
		return NULL;
	g_autoptr (GMimeParser) parser = g_mime_parser_new_with_stream (stream);
	g_mime_parser_set_persist_stream (parser, TRUE);
	GMimeMessage *msg = g_mime_parser_construct_message (parser, NULL);
	if (msg == NULL || g_mime_header_list_get_count (g_mime_object_get_header_list (GMIME_OBJECT (msg))) == 0) {
		g_clear_object (&msg);
		g_set_error (error, AIRDOCKD_COMPOSE_ERROR, AIRDOCKD_COMPOSE_ERROR_INVALID_MIME,
		             "not an RFC 822 message");
	}
	return msg;
}

/* ---- Recipients ------------------------------------------------------- */

static gboolean
add_recipients (GPtrArray *rcpts, GHashTable *seen, InternetAddressList *list, guint depth, GError **error)
{
	int n = list != NULL ? internet_address_list_length (list) : 0;

	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);

		if (INTERNET_ADDRESS_IS_GROUP (ia)) {
			if (depth < 2 && !add_recipients (rcpts, seen, internet_address_group_get_members (
			                                  INTERNET_ADDRESS_GROUP (ia)), depth + 1, error))
				return FALSE;
			continue;
		}
		const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
		if (addr == NULL || *addr == '\0' || strchr (addr, '@') == NULL)
			continue;
		g_autofree char *key = g_ascii_strdown (addr, -1);
		if (g_hash_table_contains (seen, key))
			continue;
		if (rcpts->len >= AIRDOCKD_COMPOSE_MAX_RECIPIENTS + 1)
			return g_set_error (error, AIRDOCKD_COMPOSE_ERROR, AIRDOCKD_COMPOSE_ERROR_TOO_MANY,
			                    "more than %u recipients", AIRDOCKD_COMPOSE_MAX_RECIPIENTS), FALSE;
		g_hash_table_add (seen, g_steal_pointer (&key));
		/* The array is NULL-terminated: insert before the terminator. */
		g_ptr_array_insert (rcpts, (gint) rcpts->len - 1, g_strdup (addr));
	}
	return TRUE;
}

static GPtrArray *
collect_recipients (GMimeMessage *msg, GError **error)
{
	g_autoptr (GPtrArray) rcpts = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	const GMimeAddressType types[] = { GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC, GMIME_ADDRESS_TYPE_BCC };

	g_ptr_array_add (rcpts, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
		if (!add_recipients (rcpts, seen, g_mime_message_get_addresses (msg, types[i]), 0, error))
			return NULL;
	if (rcpts->len == 1) {
		g_set_error (error, AIRDOCKD_COMPOSE_ERROR, AIRDOCKD_COMPOSE_ERROR_NO_RECIPIENT,
		             "no recipient in To, Cc or Bcc");
		return NULL;
	}
	return g_steal_pointer (&rcpts);
}

/* ---- Headers ---------------------------------------------------------- */

static void
fix_headers (GMimeMessage *msg, const char *account_email)
{
	InternetAddressList *from = g_mime_message_get_from (msg);
	InternetAddress *first = from != NULL && internet_address_list_length (from) > 0
		? internet_address_list_get_address (from, 0) : NULL;
	gboolean from_ok = first != NULL && INTERNET_ADDRESS_IS_MAILBOX (first) &&
		internet_address_list_length (from) == 1 &&
		g_ascii_strcasecmp (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (first)),
		                    account_email) == 0;

	if (!from_ok) {
		/* No sending as someone else: From is the account. */
		g_autofree char *name = first != NULL && internet_address_get_name (first) != NULL
			? g_strdup (internet_address_get_name (first)) : NULL;
		internet_address_list_clear (from);
		InternetAddress *me = internet_address_mailbox_new (name, account_email);
		internet_address_list_add (from, me);
		g_object_unref (me);
	}
	if (g_mime_message_get_date (msg) == NULL) {
		g_autoptr (GDateTime) now = g_date_time_new_now_local ();
		g_mime_message_set_date (msg, now);
	}
	if (g_mime_message_get_message_id (msg) == NULL) {
		const char *at = strchr (account_email, '@');
		g_autofree char *id = g_mime_utils_generate_message_id (at != NULL ? at + 1 : "airdock.invalid");
		g_mime_message_set_message_id (msg, id);
	}
}

static void
set_reply_headers (GMimeMessage *msg, const AirdockdItem *original)
{
	GMimeObject *obj = GMIME_OBJECT (msg);

	if (original->message_id == NULL || original->message_id[0] == '\0')
		return;
	g_autofree char *id = g_strdup_printf ("<%s>", original->message_id);
	if (g_mime_object_get_header (obj, "In-Reply-To") == NULL)
		g_mime_object_set_header (obj, "In-Reply-To", id, NULL);
	if (g_mime_object_get_header (obj, "References") == NULL)
		g_mime_object_set_header (obj, "References", id, NULL);
}

/* ---- Quoting the original --------------------------------------------- */

static gboolean
is_text_body (GMimeObject *obj, const char *subtype)
{
	return GMIME_IS_TEXT_PART (obj) && !g_mime_part_is_attachment (GMIME_PART (obj)) &&
	       g_mime_content_type_is_type (g_mime_object_get_content_type (obj), "text", subtype);
}

static void
find_text_parts (GMimeObject *obj, guint depth, GMimeTextPart **plain, GMimeTextPart **html)
{
	if (depth > COMPOSE_MAX_DEPTH)
		return;
	if (*plain == NULL && is_text_body (obj, "plain"))
		*plain = GMIME_TEXT_PART (obj);
	else if (*html == NULL && is_text_body (obj, "html"))
		*html = GMIME_TEXT_PART (obj);
	else if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);
		for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
			find_text_parts (g_mime_multipart_get_part (mp, i), depth + 1, plain, html);
	}
}

static char *
format_date (gint64 t)
{
	if (t <= 0)
		return g_strdup ("");
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);
	return dt != NULL ? g_date_time_format (dt, "%a, %d %b %Y %H:%M:%S +0000") : g_strdup ("");
}

/* The "Original Message" block, then the text, each line prefixed with
 * prefix.  Plain text. */
static char *
quote_block (const AirdockdItem *original, const char *text, const char *prefix)
{
	g_autoptr (GString) s = g_string_new ("\n\n-----Original Message-----\n");
	g_autofree char *date = format_date (original->date_received);
	g_auto (GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

	g_string_append_printf (s, "From: %s\nSent: %s\nTo: %s\n", original->from ? original->from : "",
	                        date, original->to ? original->to : "");
	if (original->cc != NULL && original->cc[0] != '\0')
		g_string_append_printf (s, "Cc: %s\n", original->cc);
	g_string_append_printf (s, "Subject: %s\n\n", original->subject ? original->subject : "");
	for (guint i = 0; lines[i] != NULL; i++) {
		gsize l = strlen (lines[i]);
		if (l > 0 && lines[i][l - 1] == '\r')
			lines[i][l - 1] = '\0';
		if (lines[i + 1] == NULL && lines[i][0] == '\0')
			break;
		g_string_append_printf (s, "%s%s\n", prefix, lines[i]);
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
set_text (GMimeTextPart *part, const char *text)
{
	g_mime_text_part_set_text (part, text);
	g_mime_part_set_content_encoding (GMIME_PART (part),
	                                  g_mime_part_get_best_content_encoding (GMIME_PART (part),
	                                                                         GMIME_ENCODING_CONSTRAINT_7BIT));
}

static void
append_to_html (GMimeTextPart *html, const char *block)
{
	g_autofree char *old = g_mime_text_part_get_text (html);
	g_autofree char *esc = g_markup_escape_text (block, -1);
	g_autofree char *lower = g_ascii_strdown (old != NULL ? old : "", -1);
	const char *end = strstr (lower, "</body>");
	gsize at = end != NULL ? (gsize) (end - lower) : strlen (lower);
	g_autoptr (GString) s = g_string_new_len (old != NULL ? old : "", (gssize) at);

	g_string_append_printf (s, "<hr><pre>%s</pre>", esc);
	g_string_append (s, (old != NULL ? old : "") + at);
	set_text (html, s->str);
}

/* Makes sure the root is multipart/mixed (wrapping it if needed). */
static GMimeMultipart *
ensure_mixed (GMimeMessage *msg)
{
	GMimeObject *root = g_mime_message_get_mime_part (msg);

	if (root != NULL && GMIME_IS_MULTIPART (root) &&
	    g_mime_content_type_is_type (g_mime_object_get_content_type (root), "multipart", "mixed"))
		return GMIME_MULTIPART (root);

	GMimeMultipart *mixed = g_mime_multipart_new_with_subtype ("mixed");
	if (root != NULL)
		g_mime_multipart_add (mixed, root);
	g_mime_message_set_mime_part (msg, GMIME_OBJECT (mixed));
	g_object_unref (mixed);
	return mixed;
}

static void
add_original_text (GMimeMessage *msg, const AirdockdItem *original, gboolean quote)
{
	GMimeTextPart *plain = NULL, *html = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = original->message_path != NULL
		? airdockd_mime_get_text (original->message_path, AIRDOCKD_COMPOSE_MAX_QUOTE_BYTES,
		                          NULL, NULL, &error)
		: NULL;
	g_autofree char *block = quote_block (original, text, quote ? "> " : "");

	find_text_parts (g_mime_message_get_mime_part (msg), 0, &plain, &html);
	if (plain != NULL) {
		g_autofree char *old = g_mime_text_part_get_text (plain);
		g_autofree char *joined = g_strconcat (old != NULL ? old : "", block, NULL);
		set_text (plain, joined);
	}
	if (html != NULL)
		append_to_html (html, block);
	if (plain == NULL && html == NULL) {
		GMimeTextPart *part = g_mime_text_part_new_with_subtype ("plain");
		set_text (part, block);
		g_mime_multipart_insert (ensure_mixed (msg), 0, GMIME_OBJECT (part));
		g_object_unref (part);
	}
}

/* The original's attachments, in walk order, as GMime objects that still
 * read from the original's file. */
static void
collect_attachments (GMimeObject *obj, guint depth, GPtrArray *out)
{
	if (depth > COMPOSE_MAX_DEPTH || out->len >= COMPOSE_MAX_ATTACHMENTS)
		return;
	if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);
		for (int i = 0; i < g_mime_multipart_get_count (mp); i++)
			collect_attachments (g_mime_multipart_get_part (mp, i), depth + 1, out);
		return;
	}
	/* Attachments, and any part that is not a text body (inline images). */
	if ((GMIME_IS_PART (obj) && (g_mime_part_is_attachment (GMIME_PART (obj)) ||
	                             !GMIME_IS_TEXT_PART (obj))) ||
	    (GMIME_IS_MESSAGE_PART (obj) && depth > 0))
		g_ptr_array_add (out, g_object_ref (obj));
}

static gboolean
add_original_attachments (GMimeMessage *msg, const AirdockdItem *original,
                          GMimeMessage **out_original, GError **error)
{
	if (original->message_path == NULL)
		return TRUE;

	g_autoptr (GMimeMessage) orig = parse_file (original->message_path, error);
	if (orig == NULL)
		return FALSE;
	g_autoptr (GPtrArray) atts = g_ptr_array_new_with_free_func (g_object_unref);
	collect_attachments (g_mime_message_get_mime_part (orig), 0, atts);
	if (atts->len > 0) {
		GMimeMultipart *mixed = ensure_mixed (msg);
		for (guint i = 0; i < atts->len; i++)
			g_mime_multipart_add (mixed, g_ptr_array_index (atts, i));
	}
	/* The parts read from orig's stream until the message is written. */
	*out_original = g_steal_pointer (&orig);
	return TRUE;
}

/* ---- Output ----------------------------------------------------------- */

static gboolean
write_message (GMimeMessage *msg, const char *path, GError **error)
{
	g_autoptr (GMimeStream) stream = g_mime_stream_fs_open (path, O_WRONLY | O_TRUNC, 0600, error);

	if (stream == NULL)
		return FALSE;
	if (g_mime_object_write_to_stream (GMIME_OBJECT (msg), NULL, stream) < 0 ||
	    g_mime_stream_flush (stream) != 0 || g_mime_stream_close (stream) != 0) {
		g_set_error (error, AIRDOCKD_COMPOSE_ERROR, AIRDOCKD_COMPOSE_ERROR_FAILED,
		             "could not write the outgoing message");
		return FALSE;
	}
	return TRUE;
}

static gboolean
compose_build (GMimeMessage *msg, const EasComposeRequest *request, const AirdockdItem *original,
               GMimeMessage **out_original, GError **error)
{
	if (original == NULL || request->replace_mime || request->kind == EAS_COMPOSE_SEND_MAIL)
		return TRUE;
	if (request->kind == EAS_COMPOSE_SMART_REPLY) {
		set_reply_headers (msg, original);
		add_original_text (msg, original, TRUE);
		return TRUE;
	}
	add_original_text (msg, original, FALSE);
	return add_original_attachments (msg, original, out_original, error);
}

AirdockdOutgoing *
airdockd_compose_prepare (AirdockdStore *store,
                          const char *account_email,
                          const EasComposeRequest *request,
                          const AirdockdItem *original,
                          GError **error)
{
	g_return_val_if_fail (store != NULL && account_email != NULL && request != NULL, NULL);

	compose_init_gmime ();

	g_autofree char *in_path = spool_bytes (store, request->mime, error);
	if (in_path == NULL)
		return NULL;
	g_autoptr (GMimeMessage) msg = parse_file (in_path, error);
	/* The parsed message keeps the file open; the name can go now. */
	g_unlink (in_path);
	if (msg == NULL)
		return NULL;

	g_autoptr (AirdockdOutgoing) out = g_new0 (AirdockdOutgoing, 1);
	out->mail_from = g_strdup (account_email);
	out->recipients = collect_recipients (msg, error);
	if (out->recipients == NULL)
		return NULL;
	fix_headers (msg, account_email);

	g_autoptr (GMimeMessage) orig = NULL;
	if (!compose_build (msg, request, original, &orig, error))
		return NULL;

	out->sent_path = temp_path (store, error);
	if (out->sent_path == NULL || !write_message (msg, out->sent_path, error))
		return NULL;
	g_mime_object_remove_header (GMIME_OBJECT (msg), "Bcc");
	out->relay_path = temp_path (store, error);
	if (out->relay_path == NULL || !write_message (msg, out->relay_path, error))
		return NULL;
	return g_steal_pointer (&out);
}

void
airdockd_mail_log (gconstpointer request, GLogLevelFlags level, const char *format, ...)
{
	const AirdockdRequest *req = request;
	const char *cmd = eas_command_name (req->query->cmd);
	g_autofree char *message = NULL;
	va_list args;

	va_start (args, format);
	message = g_strdup_vprintf (format, args);
	va_end (args);
	/* Fields other than MESSAGE take their value as is (no format). */
	g_log_structured (G_LOG_DOMAIN, level,
	                  "EAS_USER", req->user_name != NULL ? req->user_name : "",
	                  "EAS_DEVICE_ID", req->query->device_id != NULL ? req->query->device_id : "",
	                  "EAS_CMD", cmd != NULL ? cmd : "?",
	                  "MESSAGE", "%s: %s [user=%s device=%s]", cmd != NULL ? cmd : "?", message,
	                  req->user_name, req->query->device_id);
}
