/* airdockd-mime.c — message structure with GMime 3, streaming from the file.
 *
 * The parser runs over a GMimeStreamFs with persist-stream on, so part
 * contents stay substreams of the file; decoding writes through a small
 * GMimeStream sink (SinkStream) that counts, keeps a bounded prefix and/or
 * forwards to a GOutputStream.  Nothing holds a whole attachment.
 */
#include "config.h"

#include <fcntl.h>
#include <gmime/gmime.h>
#include <string.h>

#include "server/airdockd-mime.h"

G_DEFINE_QUARK (airdockd-mime-error-quark, airdockd_mime_error)

/* GMime 3.2 ships no autoptr cleanups */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

/* ------------------------------------------------------------ sink stream */

#define SINK_TYPE_STREAM (sink_stream_get_type ())
G_DECLARE_FINAL_TYPE (SinkStream, sink_stream, SINK, STREAM, GMimeStream)

struct _SinkStream {
	GMimeStream parent;
	guint64 total;		/* bytes written */
	GString *prefix;	/* first keep bytes, or NULL */
	gsize keep;
	GOutputStream *out;	/* forward everything, or NULL */
	GCancellable *cancellable;
	GError *error;		/* first forwarding error */
};

G_DEFINE_TYPE (SinkStream, sink_stream, GMIME_TYPE_STREAM)

static ssize_t
sink_write (GMimeStream *stream, const char *buf, size_t len)
{
	SinkStream *self = SINK_STREAM (stream);

	if (self->error != NULL)
		return -1;
	if (self->prefix != NULL && self->prefix->len < self->keep)
		g_string_append_len (self->prefix, buf, MIN (len, self->keep - self->prefix->len));
	if (self->out != NULL &&
	    !g_output_stream_write_all (self->out, buf, len, NULL, self->cancellable, &self->error))
		return -1;
	self->total += len;
	return (ssize_t) len;
}

static int
sink_flush (GMimeStream *stream)
{
	return 0;
}

static int
sink_close (GMimeStream *stream)
{
	return 0;
}

static gboolean
sink_eos (GMimeStream *stream)
{
	return FALSE;
}

static void
sink_stream_finalize (GObject *object)
{
	SinkStream *self = SINK_STREAM (object);

	if (self->prefix != NULL)
		g_string_free (self->prefix, TRUE);
	g_clear_object (&self->out);
	g_clear_object (&self->cancellable);
	g_clear_error (&self->error);
	G_OBJECT_CLASS (sink_stream_parent_class)->finalize (object);
}

static void
sink_stream_class_init (SinkStreamClass *klass)
{
	GMimeStreamClass *stream_class = GMIME_STREAM_CLASS (klass);

	G_OBJECT_CLASS (klass)->finalize = sink_stream_finalize;
	stream_class->write = sink_write;
	stream_class->flush = sink_flush;
	stream_class->close = sink_close;
	stream_class->eos = sink_eos;
}

static void
sink_stream_init (SinkStream *self)
{
}

static SinkStream *
sink_stream_new (gsize keep, GOutputStream *out, GCancellable *cancellable)
{
	SinkStream *self = g_object_new (SINK_TYPE_STREAM, NULL);

	g_mime_stream_construct (GMIME_STREAM (self), 0, -1);
	if (keep > 0)
		self->prefix = g_string_sized_new (MIN (keep, 64 * 1024));
	self->keep = keep;
	self->out = out ? g_object_ref (out) : NULL;
	self->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
	return self;
}

/* ------------------------------------------------------------ parsing */

static void
mime_init (void)
{
	static gsize once = 0;

	if (g_once_init_enter (&once)) {
		g_mime_init ();
		g_once_init_leave (&once, 1);
	}
}

#define SCAN_KEEP 64	/* bytes of each line start the pre-scan looks at */

typedef struct {
	char line[SCAN_KEEP];
	gsize len;		/* bytes kept of the current line */
	gboolean ct_pending;	/* a Content-Type line without "multipart" yet (folding) */
	guint multiparts;
	gint64 header_end;	/* offset after the top-level header block, or -1 */
	gint64 offset;
} Scan;

static gboolean
has_ci (const char *hay, gsize len, const char *needle)
{
	gsize n = strlen (needle);

	for (gsize i = 0; n <= len && i <= len - n; i++)
		if (g_ascii_strncasecmp (hay + i, needle, n) == 0)
			return TRUE;
	return FALSE;
}

static void
scan_line_end (Scan *sc)
{
	gboolean continuation = sc->len > 0 && (sc->line[0] == ' ' || sc->line[0] == '\t');
	gboolean empty = sc->len == 0 || (sc->len == 1 && sc->line[0] == '\r');

	if (empty && sc->header_end < 0)
		sc->header_end = sc->offset;
	if (sc->len >= 13 && g_ascii_strncasecmp (sc->line, "content-type:", 13) == 0) {
		sc->ct_pending = !has_ci (sc->line, sc->len, "multipart");
		sc->multiparts += !sc->ct_pending;
	} else if (continuation && sc->ct_pending) {
		sc->ct_pending = !has_ci (sc->line, sc->len, "multipart");
		sc->multiparts += !sc->ct_pending;
	} else {
		sc->ct_pending = FALSE;
	}
	sc->len = 0;
}

/* Counts multipart Content-Type headers (anywhere) in one streaming pass and
 * finds the end of the top-level headers; leaves the stream at its start. */
static void
prescan (GMimeStream *stream, Scan *sc)
{
	char buf[65536];
	gssize n;

	memset (sc, 0, sizeof *sc);
	sc->header_end = -1;
	while ((n = g_mime_stream_read (stream, buf, sizeof buf)) > 0) {
		for (gssize i = 0; i < n; i++) {
			sc->offset++;
			if (buf[i] == '\n')
				scan_line_end (sc);
			else if (sc->len < SCAN_KEEP)
				sc->line[sc->len++] = buf[i];
		}
	}
	g_mime_stream_reset (stream);
}

static GMimeMessage *
parse_stream (GMimeStream *stream, GError **error)
{
	g_autoptr (GMimeParser) parser = NULL;
	g_autoptr (GMimeStream) headers = NULL;
	GMimeMessage *message;
	Scan sc;

	prescan (stream, &sc);
	if (sc.multiparts > AIRDOCKD_MIME_MAX_MULTIPARTS) {
		/* Too many for GMime's boundary stack: headers only, no body parts. */
		headers = g_mime_stream_substream (stream, 0, sc.header_end >= 0 ? sc.header_end : sc.offset);
		stream = headers;
	}
	parser = g_mime_parser_new_with_stream (stream);

	g_mime_parser_set_persist_stream (parser, TRUE);
	message = g_mime_parser_construct_message (parser, NULL);
	if (message == NULL)
		g_set_error_literal (error, AIRDOCKD_MIME_ERROR, AIRDOCKD_MIME_ERROR_PARSE,
				     "not an RFC 822 message");
	return message;
}

static GMimeMessage *
open_message (const char *path, gint64 *out_size, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (GMimeStream) stream = NULL;

	mime_init ();
	stream = g_mime_stream_fs_open (path, O_RDONLY, 0, &local);
	if (stream == NULL) {
		g_set_error (error, AIRDOCKD_MIME_ERROR, AIRDOCKD_MIME_ERROR_FAILED,
			     "cannot open %s: %s", path, local->message);
		return NULL;
	}
	if (out_size != NULL)
		*out_size = g_mime_stream_length (stream);
	return parse_stream (stream, error);
}

typedef enum {
	ROLE_PLAIN,
	ROLE_HTML,
	ROLE_ATTACHMENT,
} Role;

typedef struct {
	GMimeObject *object;	/* borrowed from the message */
	Role role;
} Leaf;

static gboolean
is_attachment_disposition (GMimeObject *object)
{
	GMimeContentDisposition *disp = g_mime_object_get_content_disposition (object);
	return disp != NULL && g_mime_content_disposition_is_attachment (disp);
}

static void
walk (GMimeObject *object, guint depth, GArray *leaves)
{
	GMimeContentType *ct = g_mime_object_get_content_type (object);
	Leaf leaf = { object, ROLE_ATTACHMENT };

	if (depth > AIRDOCKD_MIME_MAX_DEPTH || leaves->len >= AIRDOCKD_MIME_MAX_PARTS)
		return;
	if (GMIME_IS_MULTIPART (object)) {
		int n = g_mime_multipart_get_count (GMIME_MULTIPART (object));
		for (int i = 0; i < n && leaves->len < AIRDOCKD_MIME_MAX_PARTS; i++)
			walk (g_mime_multipart_get_part (GMIME_MULTIPART (object), i), depth + 1, leaves);
		return;
	}
	/* message/rfc822 counts as one attachment (an attached mail), not descended */
	if (GMIME_IS_PART (object) && !is_attachment_disposition (object) &&
	    g_mime_part_get_filename (GMIME_PART (object)) == NULL && ct != NULL) {
		if (g_mime_content_type_is_type (ct, "text", "plain"))
			leaf.role = ROLE_PLAIN;
		else if (g_mime_content_type_is_type (ct, "text", "html"))
			leaf.role = ROLE_HTML;
	}
	g_array_append_val (leaves, leaf);
}

static GArray *
leaves_of (GMimeMessage *message)
{
	GArray *leaves = g_array_new (FALSE, FALSE, sizeof (Leaf));
	GMimeObject *body = g_mime_message_get_mime_part (message);

	if (body != NULL)
		walk (body, 0, leaves);
	return leaves;
}

/* The first leaf of role, or NULL. */
static GMimeObject *
best_of (GArray *leaves, Role role)
{
	for (guint i = 0; i < leaves->len; i++)
		if (g_array_index (leaves, Leaf, i).role == role)
			return g_array_index (leaves, Leaf, i).object;
	return NULL;
}

/* Writes the decoded content of a leaf (charset-converted to UTF-8 when
 * to_utf8) into sink.  Returns FALSE with error only for sink errors. */
static gboolean
write_leaf (GMimeObject *object, gboolean to_utf8, SinkStream *sink, GError **error)
{
	g_autoptr (GMimeStream) filtered = NULL;
	GMimeStream *target = GMIME_STREAM (sink);
	gssize n = 0;

	if (to_utf8) {
		const char *charset = g_mime_object_get_content_type_parameter (object, "charset");
		if (charset != NULL && g_ascii_strcasecmp (charset, "utf-8") != 0) {
			GMimeFilter *conv = g_mime_filter_charset_new (charset, "UTF-8");
			if (conv != NULL) {
				filtered = g_mime_stream_filter_new (target);
				g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), conv);
				g_object_unref (conv);
				target = filtered;
			}
		}
	}
	if (GMIME_IS_MESSAGE_PART (object)) {
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));
		if (inner != NULL)
			n = g_mime_object_write_to_stream (GMIME_OBJECT (inner), NULL, target);
	} else if (GMIME_IS_PART (object)) {
		GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (object));
		if (content != NULL)
			n = g_mime_data_wrapper_write_to_stream (content, target);
	}
	g_mime_stream_flush (target);
	if (sink->error != NULL) {
		g_set_error (error, AIRDOCKD_MIME_ERROR, AIRDOCKD_MIME_ERROR_FAILED,
			     "writing the part: %s", sink->error->message);
		return FALSE;
	}
	if (n < 0) {
		g_set_error_literal (error, AIRDOCKD_MIME_ERROR, AIRDOCKD_MIME_ERROR_FAILED,
				     "cannot read the part");
		return FALSE;
	}
	return TRUE;
}

/* Cuts s (len bytes) to valid UTF-8 of at most max bytes. */
static char *
utf8_prefix (const char *s, gsize len, gsize max)
{
	g_autofree char *valid = g_utf8_make_valid (s, len);
	gsize n = strlen (valid);
	const char *end = valid;

	if (n <= max)
		return g_steal_pointer (&valid);
	g_utf8_validate (valid, max, &end);
	return g_strndup (valid, end - valid);
}

static char *
header_text (const char *value)
{
	if (value == NULL)
		return NULL;
	return utf8_prefix (value, strlen (value), AIRDOCKD_MIME_MAX_HEADER_CHARS);
}

static char *
address_text (GMimeMessage *message, GMimeAddressType type)
{
	InternetAddressList *list = g_mime_message_get_addresses (message, type);
	g_autofree char *s = NULL;

	if (list == NULL || internet_address_list_length (list) == 0)
		return NULL;
	s = internet_address_list_to_string (list, NULL, FALSE);
	return header_text (s);
}

static AirdockdImportance
importance_of (GMimeObject *object)
{
	const char *imp = g_mime_object_get_header (object, "Importance");
	const char *prio = g_mime_object_get_header (object, "X-Priority");

	if (imp != NULL) {
		g_autofree char *v = g_strstrip (g_strdup (imp));
		if (g_ascii_strcasecmp (v, "high") == 0)
			return AIRDOCKD_IMPORTANCE_HIGH;
		if (g_ascii_strcasecmp (v, "low") == 0)
			return AIRDOCKD_IMPORTANCE_LOW;
	}
	if (prio != NULL) {
		while (*prio == ' ' || *prio == '\t')
			prio++;
		if (*prio == '1' || *prio == '2')
			return AIRDOCKD_IMPORTANCE_HIGH;
		if (*prio == '4' || *prio == '5')
			return AIRDOCKD_IMPORTANCE_LOW;
	}
	return AIRDOCKD_IMPORTANCE_NORMAL;
}

static char *
thread_of (GMimeMessage *message)
{
	GMimeObject *obj = GMIME_OBJECT (message);
	const char *refs = g_mime_object_get_header (obj, "References");
	const char *reply = g_mime_object_get_header (obj, "In-Reply-To");
	const char *own = g_mime_message_get_message_id (message);

	if (refs != NULL) {
		GMimeReferences *r = g_mime_references_parse (NULL, refs);
		char *id = NULL;
		if (r != NULL && g_mime_references_length (r) > 0)
			id = header_text (g_mime_references_get_message_id (r, 0));
		if (r != NULL)
			g_mime_references_free (r);
		if (id != NULL)
			return id;
	}
	if (reply != NULL) {
		g_autofree char *id = g_mime_utils_decode_message_id (reply);
		if (id != NULL && *id != '\0')
			return header_text (id);
	}
	return header_text (own);
}

static char *
content_type_text (GMimeObject *object)
{
	GMimeContentType *ct;

	if (object == NULL)
		return NULL;
	ct = g_mime_object_get_content_type (object);
	if (ct == NULL)
		return NULL;
	g_autofree char *type = g_mime_content_type_get_mime_type (ct);
	const char *charset = g_mime_content_type_get_parameter (ct, "charset");
	if (charset == NULL)
		return g_ascii_strdown (type, -1);
	g_autofree char *full = g_strdup_printf ("%s; charset=%s", type, charset);
	return header_text (full);
}

/* Folds whitespace, drops HTML tags when html, keeps ≤ 255 characters. */
static char *
make_preview (const char *text, gboolean html)
{
	GString *out = g_string_new (NULL);
	gboolean in_tag = FALSE, space = TRUE;
	guint chars = 0;

	for (const char *p = text; *p != '\0' && chars < AIRDOCKD_MIME_PREVIEW_CHARS; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (html && c == '<')
			in_tag = TRUE;
		if (in_tag) {
			in_tag = c != '>';
			continue;
		}
		if (g_unichar_isspace (c) || g_unichar_iscntrl (c)) {
			if (!space)
				g_string_append_c (out, ' ');
			space = TRUE;
		} else {
			g_string_append_unichar (out, c);
			space = FALSE;
		}
		if (!space || out->len > 0)
			chars++;
	}
	while (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate (out, out->len - 1);
	return g_string_free (out, FALSE);
}

/* Decoded UTF-8 text of a leaf: at most max bytes (0 = all). */
static char *
leaf_text (GMimeObject *object, gsize max, gboolean *out_truncated, gsize *out_total, GError **error)
{
	g_autoptr (SinkStream) sink = sink_stream_new (max > 0 ? max + 4 : G_MAXSIZE, NULL, NULL);
	g_autofree char *text = NULL;

	if (!write_leaf (object, TRUE, sink, error))
		return NULL;
	text = utf8_prefix (sink->prefix->str, sink->prefix->len, max > 0 ? max : G_MAXSIZE);
	if (out_truncated != NULL)
		*out_truncated = sink->total > strlen (text);
	if (out_total != NULL)
		*out_total = sink->total;
	return g_steal_pointer (&text);
}

static AirdockdAttachment *
attachment_of (GMimeObject *object, guint index)
{
	AirdockdAttachment *a = g_new0 (AirdockdAttachment, 1);
	GMimeContentType *ct = g_mime_object_get_content_type (object);
	GMimeContentDisposition *disp = g_mime_object_get_content_disposition (object);
	g_autoptr (SinkStream) sink = sink_stream_new (0, NULL, NULL);

	a->index = index;
	a->content_type = ct ? g_mime_content_type_get_mime_type (ct) : g_strdup ("application/octet-stream");
	if (GMIME_IS_PART (object))
		a->file_name = header_text (g_mime_part_get_filename (GMIME_PART (object)));
	a->content_id = header_text (g_mime_object_get_content_id (object));
	a->is_inline = disp != NULL ? !g_mime_content_disposition_is_attachment (disp) : a->content_id != NULL;
	if (write_leaf (object, FALSE, sink, NULL))
		a->size = (gint64) sink->total;
	return a;
}

static AirdockdMimeInfo *
info_of (GMimeMessage *message, gint64 size)
{
	g_autoptr (AirdockdMimeInfo) info = g_new0 (AirdockdMimeInfo, 1);
	g_autoptr (GArray) leaves = leaves_of (message);
	GMimeObject *plain = best_of (leaves, ROLE_PLAIN);
	GMimeObject *html = best_of (leaves, ROLE_HTML);
	GDateTime *date = g_mime_message_get_date (message);
	guint index = 0;

	info->from = address_text (message, GMIME_ADDRESS_TYPE_FROM);
	info->to = address_text (message, GMIME_ADDRESS_TYPE_TO);
	info->cc = address_text (message, GMIME_ADDRESS_TYPE_CC);
	info->reply_to = address_text (message, GMIME_ADDRESS_TYPE_REPLY_TO);
	info->subject = header_text (g_mime_message_get_subject (message));
	info->message_id = header_text (g_mime_message_get_message_id (message));
	info->thread_id = thread_of (message);
	info->date = date != NULL ? g_date_time_to_unix (date) : 0;
	if (info->date < 0)
		info->date = 0;
	info->size = size;
	info->importance = importance_of (GMIME_OBJECT (message));
	info->plain_type = content_type_text (plain);
	info->html_type = content_type_text (html);
	if (plain != NULL || html != NULL) {
		g_autofree char *text = leaf_text (plain ? plain : html, 4096, NULL, NULL, NULL);
		if (text != NULL)
			info->preview = make_preview (text, plain == NULL);
	}
	info->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_attachment_free);
	for (guint i = 0; i < leaves->len; i++) {
		Leaf *leaf = &g_array_index (leaves, Leaf, i);
		/* Body parts other than the best plain/html are attachments too. */
		if (leaf->object == plain || leaf->object == html)
			continue;
		g_ptr_array_add (info->attachments, attachment_of (leaf->object, index++));
	}
	return g_steal_pointer (&info);
}

void
airdockd_mime_info_free (AirdockdMimeInfo *info)
{
	if (info == NULL)
		return;
	g_free (info->from);
	g_free (info->to);
	g_free (info->cc);
	g_free (info->reply_to);
	g_free (info->subject);
	g_free (info->message_id);
	g_free (info->thread_id);
	g_free (info->plain_type);
	g_free (info->html_type);
	g_free (info->preview);
	g_clear_pointer (&info->attachments, g_ptr_array_unref);
	g_free (info);
}

AirdockdMimeInfo *
airdockd_mime_parse_file (const char *path, GError **error)
{
	g_autoptr (GMimeMessage) message = NULL;
	gint64 size = 0;

	g_return_val_if_fail (path != NULL, NULL);
	message = open_message (path, &size, error);
	if (message == NULL)
		return NULL;
	return info_of (message, size);
}

AirdockdMimeInfo *
airdockd_mime_parse_data (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (GMimeStream) stream = NULL;
	g_autoptr (GMimeMessage) message = NULL;

	g_return_val_if_fail (data != NULL || len == 0, NULL);
	mime_init ();
	stream = g_mime_stream_mem_new_with_buffer ((const char *) data, len);
	message = parse_stream (stream, error);
	if (message == NULL)
		return NULL;
	return info_of (message, (gint64) len);
}

static char *
get_body (const char *path, Role role, gsize max_bytes, gboolean *out_truncated,
	  gsize *out_total, GError **error)
{
	g_autoptr (GMimeMessage) message = open_message (path, NULL, error);
	g_autoptr (GArray) leaves = NULL;
	GMimeObject *part;

	if (message == NULL)
		return NULL;
	leaves = leaves_of (message);
	part = best_of (leaves, role);
	if (part == NULL) {
		g_set_error (error, AIRDOCKD_MIME_ERROR, AIRDOCKD_MIME_ERROR_NOT_FOUND,
			     "the message has no %s part", role == ROLE_PLAIN ? "text/plain" : "text/html");
		return NULL;
	}
	return leaf_text (part, max_bytes, out_truncated, out_total, error);
}

char *
airdockd_mime_get_text (const char *path, gsize max_bytes, gboolean *out_truncated,
			gsize *out_total_bytes, GError **error)
{
	return get_body (path, ROLE_PLAIN, max_bytes, out_truncated, out_total_bytes, error);
}

char *
airdockd_mime_get_html (const char *path, gsize max_bytes, gboolean *out_truncated,
			gsize *out_total_bytes, GError **error)
{
	return get_body (path, ROLE_HTML, max_bytes, out_truncated, out_total_bytes, error);
}

gboolean
airdockd_mime_write_attachment (const char *path, guint index, GOutputStream *out,
				gsize *out_size, GCancellable *cancellable, GError **error)
{
	g_autoptr (GMimeMessage) message = open_message (path, NULL, error);
	g_autoptr (GArray) leaves = NULL;
	g_autoptr (SinkStream) sink = NULL;
	GMimeObject *plain, *html;
	guint n = 0;

	g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
	if (message == NULL)
		return FALSE;
	leaves = leaves_of (message);
	plain = best_of (leaves, ROLE_PLAIN);
	html = best_of (leaves, ROLE_HTML);
	for (guint i = 0; i < leaves->len; i++) {
		GMimeObject *object = g_array_index (leaves, Leaf, i).object;
		if (object == plain || object == html)
			continue;
		if (n++ != index)
			continue;
		sink = sink_stream_new (0, out, cancellable);
		if (!write_leaf (object, FALSE, sink, error))
			return FALSE;
		if (out_size != NULL)
			*out_size = sink->total;
		return TRUE;
	}
	g_set_error (error, AIRDOCKD_MIME_ERROR, AIRDOCKD_MIME_ERROR_NOT_FOUND, "no attachment %u", index);
	return FALSE;
}
