/* Windows-1252 ⇄ UTF-8: see hotsync-text.h. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-text.h"

G_DEFINE_QUARK (hotsync-text-error-quark, hotsync_text_error)

/* Bytes 0x80–0x9F of Windows-1252 (cp1252.txt of the Unicode consortium);
 * the five undefined ones keep their C1 code point. */
static const guint16 high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

gunichar
hotsync_text_byte_to_unichar (guint8 byte)
{
	if (byte >= 0x80 && byte <= 0x9f)
		return high[byte - 0x80];
	return byte;
}

/* The byte for a code point, or -1. */
static int
unichar_to_byte (gunichar c)
{
	if (c < 0x80 || (c >= 0xa0 && c <= 0xff))
		return (int) c;
	for (int i = 0; i < 32; i++)
		if (high[i] == c)
			return 0x80 + i;
	return -1;
}

char *
hotsync_text_to_utf8 (const guint8 *data, gsize len)
{
	GString *s = g_string_sized_new (len + 1);

	g_return_val_if_fail (data != NULL || len == 0, NULL);
	for (gsize i = 0; i < len && data[i] != 0; i++)
		g_string_append_unichar (s, hotsync_text_byte_to_unichar (data[i]));
	return g_string_free (s, FALSE);
}

GBytes *
hotsync_text_from_utf8 (const char *utf8,
                        gssize      len,
                        gsize      *out_substituted,
                        GError    **error)
{
	g_autoptr (GByteArray) out = NULL;
	const char *end = NULL;
	gsize n, subst = 0;

	g_return_val_if_fail (utf8 != NULL || len == 0, NULL);
	n = len < 0 ? strlen (utf8) : (gsize) len;
	if (n > 0) {
		const char *nul = memchr (utf8, 0, n);

		if (nul != NULL)
			n = (gsize) (nul - utf8);
	}
	if (!g_utf8_validate_len (utf8, n, &end)) {
		g_set_error (error, HOTSYNC_TEXT_ERROR, HOTSYNC_TEXT_ERROR_INVALID_UTF8,
		             "invalid UTF-8 at byte %" G_GSIZE_FORMAT, (gsize) (end - utf8));
		return NULL;
	}
	out = g_byte_array_sized_new ((guint) n);
	for (const char *p = utf8; p < utf8 + n; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		int b;
		guint8 byte;

		b = unichar_to_byte (c);
		if (b < 0) {
			subst++;
			b = '?';
		}
		byte = (guint8) b;
		g_byte_array_append (out, &byte, 1);
	}
	if (out_substituted != NULL)
		*out_substituted = subst;
	return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
