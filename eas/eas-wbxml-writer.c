/* eas-wbxml-writer.c — the streaming WBXML writer.
 *
 * Output is canonical: header 03 01 6A 00 (WBXML 1.3, unknown public id,
 * UTF-8, no string table, [MS-ASWBXML] 2.1.2), SWITCH_PAGE only when the
 * page changes, and an element without content is always written as an
 * empty tag (no content bit): _start writes nothing until it knows whether
 * content follows. */
#include "config.h"

#include <string.h>

#include "eas/eas-wbxml-private.h"

struct _EasWbxmlWriter {
	GByteArray *out;
	guint page;
	guint depth;		/* elements opened with content */
	gboolean has_pending;	/* a _start whose tag is not written yet */
	EasTag pending;
	gboolean in_opaque;
	guint64 opaque_left;
	gboolean wrote_root;
};

static const guint8 canonical_header[] = { 0x03, 0x01, 0x6A, 0x00 };

EasWbxmlWriter *
eas_wbxml_writer_new (void)
{
	EasWbxmlWriter *w = g_new0 (EasWbxmlWriter, 1);

	w->out = g_byte_array_sized_new (256);
	g_byte_array_append (w->out, canonical_header, sizeof canonical_header);
	return w;
}

void
eas_wbxml_writer_free (EasWbxmlWriter *writer)
{
	if (writer == NULL)
		return;
	g_byte_array_unref (writer->out);
	g_free (writer);
}

static void
write_tag (EasWbxmlWriter *w, EasTag tag, gboolean content)
{
	guint page = EAS_TAG_PAGE (tag);
	guint8 bytes[3];
	guint n = 0;

	if (page != w->page) {
		bytes[n++] = EAS_WBXML_TOK_SWITCH_PAGE;
		bytes[n++] = (guint8) page;
		w->page = page;
	}
	w->wrote_root = TRUE;
	bytes[n++] = (guint8) (EAS_TAG_TOKEN (tag) | (content ? EAS_WBXML_TAG_CONTENT : 0));
	g_byte_array_append (w->out, bytes, n);
}

/* Content follows: the pending element gets its tag with the content bit. */
static void
flush_pending (EasWbxmlWriter *w)
{
	if (!w->has_pending)
		return;
	write_tag (w, w->pending, TRUE);
	w->depth++;
	w->has_pending = FALSE;
}

void
eas_wbxml_writer_start (EasWbxmlWriter *writer, EasTag tag)
{
	g_return_if_fail (writer != NULL);
	g_return_if_fail (eas_tag_is_known (tag));
	g_return_if_fail (!writer->in_opaque);

	flush_pending (writer);
	writer->has_pending = TRUE;
	writer->pending = tag;
}

void
eas_wbxml_writer_end (EasWbxmlWriter *writer)
{
	g_return_if_fail (writer != NULL);
	g_return_if_fail (!writer->in_opaque);

	if (writer->has_pending) {
		write_tag (writer, writer->pending, FALSE);
		writer->has_pending = FALSE;
		return;
	}
	g_return_if_fail (writer->depth > 0);
	g_byte_array_append (writer->out, (const guint8 *) "\x01", 1);
	writer->depth--;
}

void
eas_wbxml_writer_empty (EasWbxmlWriter *writer, EasTag tag)
{
	g_return_if_fail (writer != NULL);
	g_return_if_fail (eas_tag_is_known (tag));
	g_return_if_fail (!writer->in_opaque);

	flush_pending (writer);
	write_tag (writer, tag, FALSE);
}

void
eas_wbxml_writer_text (EasWbxmlWriter *writer, const char *text, gssize len)
{
	g_return_if_fail (writer != NULL);
	g_return_if_fail (text != NULL || len == 0);
	g_return_if_fail (!writer->in_opaque);
	g_return_if_fail (writer->has_pending || writer->depth > 0);

	gsize n = len < 0 ? strlen (text) : (gsize) len;
	g_return_if_fail (n <= G_MAXUINT32);
	g_return_if_fail (n == 0 || memchr (text, 0, n) == NULL);
	/* Empty text is no content: the element stays empty (canonical). */
	if (n == 0)
		return;
	flush_pending (writer);
	g_byte_array_append (writer->out, (const guint8 *) "\x03", 1);
	g_byte_array_append (writer->out, (const guint8 *) text, (guint) n);
	g_byte_array_append (writer->out, (const guint8 *) "", 1);
}

void
eas_wbxml_writer_text_element (EasWbxmlWriter *writer, EasTag tag, const char *text)
{
	g_return_if_fail (text != NULL);

	eas_wbxml_writer_start (writer, tag);
	eas_wbxml_writer_text (writer, text, -1);
	eas_wbxml_writer_end (writer);
}

void
eas_wbxml_writer_uint_element (EasWbxmlWriter *writer, EasTag tag, guint64 value)
{
	char buf[24];

	g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, value);
	eas_wbxml_writer_text_element (writer, tag, buf);
}

void
eas_wbxml_writer_opaque_element (EasWbxmlWriter *writer, EasTag tag,
                                 const guint8 *data, gsize len)
{
	g_return_if_fail (data != NULL || len == 0);

	eas_wbxml_writer_start (writer, tag);
	eas_wbxml_writer_opaque_begin (writer, len);
	eas_wbxml_writer_opaque_data (writer, data, len);
	eas_wbxml_writer_opaque_end (writer);
	eas_wbxml_writer_end (writer);
}

void
eas_wbxml_writer_opaque_begin (EasWbxmlWriter *writer, guint64 total_len)
{
	g_return_if_fail (writer != NULL);
	g_return_if_fail (!writer->in_opaque);
	g_return_if_fail (writer->has_pending || writer->depth > 0);
	/* WAP-192 5.8.4.6: the length is a mb_u_int32. */
	g_return_if_fail (total_len <= G_MAXUINT32);

	flush_pending (writer);
	g_byte_array_append (writer->out, (const guint8 *) "\xC3", 1);
	eas_wbxml_append_mb_u_int32 (writer->out, (guint32) total_len);
	writer->in_opaque = TRUE;
	writer->opaque_left = total_len;
}

void
eas_wbxml_writer_opaque_data (EasWbxmlWriter *writer, const guint8 *data, gsize len)
{
	g_return_if_fail (writer != NULL);
	g_return_if_fail (writer->in_opaque);
	g_return_if_fail (data != NULL || len == 0);
	g_return_if_fail (len <= writer->opaque_left);

	g_byte_array_append (writer->out, data, (guint) len);
	writer->opaque_left -= len;
}

void
eas_wbxml_writer_opaque_end (EasWbxmlWriter *writer)
{
	g_return_if_fail (writer != NULL);
	g_return_if_fail (writer->in_opaque);
	g_return_if_fail (writer->opaque_left == 0);

	writer->in_opaque = FALSE;
}

GBytes *
eas_wbxml_writer_take (EasWbxmlWriter *writer)
{
	g_return_val_if_fail (writer != NULL, NULL);

	guint len = writer->out->len;
	GBytes *bytes = g_byte_array_free_to_bytes (writer->out);

	/* Reserve what the last round needed (bounded) for the next one. */
	writer->out = g_byte_array_sized_new (MIN (MAX (len, 256u), 64u * 1024));
	return bytes;
}

GBytes *
eas_wbxml_writer_finish (EasWbxmlWriter *writer, GError **error)
{
	g_return_val_if_fail (writer != NULL, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	if (writer->in_opaque) {
		g_set_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_USAGE,
		             "An OPAQUE value still lacks %" G_GUINT64_FORMAT " bytes",
		             writer->opaque_left);
		return NULL;
	}
	if (writer->depth > 0 || writer->has_pending) {
		g_set_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_USAGE,
		             "%u elements are still open",
		             writer->depth + (writer->has_pending ? 1 : 0));
		return NULL;
	}
	if (!writer->wrote_root) {
		g_set_error_literal (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_USAGE,
		                     "No element was written");
		return NULL;
	}
	return eas_wbxml_writer_take (writer);
}
