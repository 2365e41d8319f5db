/* Palm text ⇄ UTF-8.
 *
 * Western Palm OS ROMs store text in Windows-1252.  The five bytes that
 * Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1
 * control of the same number (U+0081 …), as the WHATWG encoding standard does,
 * so every byte 0x01–0xFF has exactly one UTF-8 form and converts back to
 * itself.  A character with no Windows-1252 byte becomes '?' (counted).
 *
 * Errors: HOTSYNC_TEXT_ERROR. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HOTSYNC_TEXT_ERROR (hotsync_text_error_quark ())
GQuark hotsync_text_error_quark (void);

typedef enum {
	HOTSYNC_TEXT_ERROR_INVALID_UTF8,
} HotsyncTextError;

/* The Unicode code point of one Windows-1252 byte. */
gunichar hotsync_text_byte_to_unichar (guint8 byte);

/* Converts len bytes (stopping early at a NUL) to a new NUL-terminated UTF-8
 * string.  Never fails. */
char *hotsync_text_to_utf8 (const guint8 *data, gsize len);

/* Converts UTF-8 (len bytes, or up to the NUL when len < 0) to Windows-1252,
 * without a NUL.  A NUL in the input ends it.  *out_substituted (may be NULL)
 * counts characters replaced by '?'.  Fails only on invalid UTF-8. */
GBytes *hotsync_text_from_utf8 (const char *utf8,
                                gssize      len,
                                gsize      *out_substituted,
                                GError    **error);

G_END_DECLS
