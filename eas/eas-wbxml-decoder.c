/* eas-wbxml-decoder.c — the streaming WBXML decoder.
 *
 * The decoder reads the caller's bytes in place.  Only the bytes of a token
 * that is cut by a feed boundary are copied (into `carry`), and a token is at
 * most a string (bounded by limits.string_bytes) or the header with its
 * string table (same bound); an OPAQUE value is never buffered, it is handed
 * out chunk by chunk.  So memory is bounded by the limits, not by the input.
 *
 * The caller's bytes must stay valid until eas_wbxml_decoder_next() returns
 * NEED_MORE, DONE or FAILED: by then whatever is still needed was copied. */
#include "config.h"

#include <string.h>

#include "eas/eas-limits.h"
#include "eas/eas-wbxml-private.h"

G_DEFINE_QUARK (eas-wbxml-error-quark, eas_wbxml_error)

/* MIBenum of UTF-8 (IANA character sets), the only charset EAS uses. */
#define MIBENUM_UTF8 106

typedef enum {
	STATE_HEADER,
	STATE_BODY,
	STATE_OPAQUE,
	STATE_DONE,
	STATE_FAILED,
} DecoderState;

/* Result of one step over the current window. */
typedef enum {
	STEP_NEED_MORE,
	STEP_CONSUMED,	/* *out_used bytes consumed, no event */
	STEP_EVENT,	/* *out_used bytes consumed, event filled */
	STEP_ERROR,
} StepResult;

struct _EasWbxmlDecoder {
	EasWbxmlLimits limits;
	DecoderState state;

	GByteArray *carry;	/* copied bytes of a token cut by a boundary */
	gsize carry_off;	/* bytes of carry already consumed */
	const guint8 *ext;	/* the caller's bytes, read in place */
	gsize ext_len;
	gsize ext_off;
	gsize consumed;		/* document offset of the next unread byte */
	gsize fed;		/* bytes fed so far */

	guint page;
	EasTag *stack;		/* open elements */
	guint depth;
	gsize elements;
	gboolean pending_end;	/* an empty element still owes its END */

	guint8 *strtbl;
	gsize strtbl_len;

	EasTag opaque_tag;
	guint64 opaque_total;
	guint64 opaque_done;
	gsize opaque_token_offset;

	gsize str_scanned;	/* STR_I bytes already searched for the NUL */
	guint8 entity_utf8[8];
};

void
eas_wbxml_limits_init_default (EasWbxmlLimits *limits)
{
	g_return_if_fail (limits != NULL);

	limits->depth = EAS_WBXML_DEFAULT_DEPTH;
	limits->elements = EAS_WBXML_DEFAULT_ELEMENTS;
	limits->string_bytes = EAS_WBXML_DEFAULT_STRING_BYTES;
	limits->opaque_bytes = EAS_WBXML_DEFAULT_OPAQUE_BYTES;
	limits->document_bytes = EAS_WBXML_DEFAULT_DOCUMENT_BYTES;
}

EasWbxmlDecoder *
eas_wbxml_decoder_new (const EasWbxmlLimits *limits)
{
	EasWbxmlDecoder *dec = g_new0 (EasWbxmlDecoder, 1);

	if (limits != NULL)
		dec->limits = *limits;
	else
		eas_wbxml_limits_init_default (&dec->limits);
	dec->state = STATE_HEADER;
	dec->carry = g_byte_array_new ();
	/* depth is bounded by the limit; allocate the stack once, lazily sized. */
	dec->stack = g_new (EasTag, MIN (dec->limits.depth, 1024) + 1);
	return dec;
}

void
eas_wbxml_decoder_free (EasWbxmlDecoder *decoder)
{
	if (decoder == NULL)
		return;
	g_byte_array_unref (decoder->carry);
	g_free (decoder->stack);
	g_free (decoder->strtbl);
	g_free (decoder);
}

static void G_GNUC_PRINTF (4, 5)
decoder_fail (EasWbxmlDecoder *dec, GError **error, EasWbxmlErrorCode code,
              const char *format, ...)
{
	va_list args;

	va_start (args, format);
	g_autofree char *msg = g_strdup_vprintf (format, args);
	va_end (args);
	g_set_error_literal (error, EAS_WBXML_ERROR, code, msg);
	dec->state = STATE_FAILED;
}

void
eas_wbxml_decoder_feed (EasWbxmlDecoder *decoder, const guint8 *data, gsize len)
{
	g_return_if_fail (decoder != NULL);
	g_return_if_fail (data != NULL || len == 0);

	if (len == 0)
		return;
	/* Bytes of an earlier feed that were not read yet: keep them. */
	if (decoder->ext_off < decoder->ext_len) {
		g_byte_array_append (decoder->carry, decoder->ext + decoder->ext_off,
		                     decoder->ext_len - decoder->ext_off);
	}
	decoder->ext = data;
	decoder->ext_len = len;
	decoder->ext_off = 0;
	decoder->fed += len;
}

/* Reads a mb_u_int32 (WAP-192 5.1) at *off.  1 = read, 0 = need more,
 * -1 = longer than 5 bytes or above 2^32 - 1. */
static int
read_mb_u_int32 (const guint8 *p, gsize avail, gsize *off, guint32 *out_value)
{
	guint32 value = 0;

	for (guint i = 0; i < 5; i++) {
		g_assert (*off <= avail);
		if (avail - *off < 1)
			return 0;
		guint8 b = p[(*off)++];
		if (value > (G_MAXUINT32 >> 7))
			return -1;
		value = (value << 7) | (b & 0x7F);
		if ((b & 0x80) == 0) {
			*out_value = value;
			return 1;
		}
	}
	return -1;
}

/* Reads a mb_u_int32 for a step; maps the result to a StepResult. */
static gboolean
step_mb (EasWbxmlDecoder *dec, const guint8 *p, gsize avail, gsize *off,
         guint32 *out_value, StepResult *out_result, GError **error)
{
	int r = read_mb_u_int32 (p, avail, off, out_value);

	if (r > 0)
		return TRUE;
	if (r == 0) {
		*out_result = STEP_NEED_MORE;
	} else {
		decoder_fail (dec, error, EAS_WBXML_ERROR_MALFORMED,
		              "Malformed mb_u_int32 at offset %" G_GSIZE_FORMAT,
		              dec->consumed + *off);
		*out_result = STEP_ERROR;
	}
	return FALSE;
}

/* WAP-192 5.4: version, publicid (or 0 + string table index), charset,
 * string table.  The whole header is one token. */
static StepResult
step_header (EasWbxmlDecoder *dec, const guint8 *p, gsize avail, gsize *out_used,
             GError **error)
{
	gsize off = 1;
	guint32 publicid, index, charset, tbl_len;
	StepResult result;

	/* 0x01..0x03 = WBXML 1.1..1.3; 1.0 had no charset field. */
	if (p[0] < 0x01 || p[0] > 0x03) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_MALFORMED,
		              "Unsupported WBXML version 0x%02x at offset 0", p[0]);
		return STEP_ERROR;
	}
	if (!step_mb (dec, p, avail, &off, &publicid, &result, error))
		return result;
	if (publicid == 0 && !step_mb (dec, p, avail, &off, &index, &result, error))
		return result;
	gsize charset_off = off;
	if (!step_mb (dec, p, avail, &off, &charset, &result, error))
		return result;
	if (charset != MIBENUM_UTF8) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_ENCODING,
		              "Unsupported charset %u at offset %" G_GSIZE_FORMAT
		              " (EAS uses UTF-8, 106)", charset, charset_off);
		return STEP_ERROR;
	}
	gsize tbl_off = off;
	if (!step_mb (dec, p, avail, &off, &tbl_len, &result, error))
		return result;
	if (tbl_len > dec->limits.string_bytes) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_LIMIT,
		              "String table of %u bytes at offset %" G_GSIZE_FORMAT
		              " exceeds the limit of %" G_GSIZE_FORMAT,
		              tbl_len, tbl_off, dec->limits.string_bytes);
		return STEP_ERROR;
	}
	g_assert (off <= avail);
	if (tbl_len > avail - off)
		return STEP_NEED_MORE;
	dec->strtbl = g_memdup2 (p + off, tbl_len);
	dec->strtbl_len = tbl_len;
	*out_used = off + tbl_len;
	dec->state = STATE_BODY;
	return STEP_CONSUMED;
}

static gboolean
check_text (EasWbxmlDecoder *dec, const guint8 *text, gsize len, gsize offset,
            GError **error)
{
	if (dec->depth == 0) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_MALFORMED,
		              "Text outside the root element at offset %" G_GSIZE_FORMAT,
		              offset);
		return FALSE;
	}
	if (!g_utf8_validate_len ((const char *) text, len, NULL)) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_ENCODING,
		              "Text at offset %" G_GSIZE_FORMAT " is not valid UTF-8",
		              offset);
		return FALSE;
	}
	return TRUE;
}

static void
fill_event (EasWbxmlDecoder *dec, EasWbxmlEvent *ev, EasWbxmlEventType type,
            EasTag tag, guint depth)
{
	memset (ev, 0, sizeof *ev);
	ev->type = type;
	ev->tag = tag;
	ev->depth = depth;
	ev->input_offset = dec->consumed;
}

static StepResult
step_str_i (EasWbxmlDecoder *dec, const guint8 *p, gsize avail, gsize *out_used,
            EasWbxmlEvent *ev, GError **error)
{
	gsize have = avail - 1;	/* string bytes present after the token */
	gsize from = dec->str_scanned;
	gsize scan = MIN (have, dec->limits.string_bytes + 1);
	const guint8 *nul = NULL;

	if (from < scan)
		nul = memchr (p + 1 + from, 0, scan - from);
	if (nul == NULL) {
		if (scan > dec->limits.string_bytes) {
			decoder_fail (dec, error, EAS_WBXML_ERROR_LIMIT,
			              "Inline string at offset %" G_GSIZE_FORMAT
			              " exceeds the limit of %" G_GSIZE_FORMAT " bytes",
			              dec->consumed, dec->limits.string_bytes);
			return STEP_ERROR;
		}
		dec->str_scanned = scan;
		return STEP_NEED_MORE;
	}
	gsize len = (gsize) (nul - (p + 1));
	if (!check_text (dec, p + 1, len, dec->consumed, error))
		return STEP_ERROR;
	fill_event (dec, ev, EAS_WBXML_EVENT_TEXT, dec->stack[dec->depth - 1], dec->depth);
	ev->data = p + 1;
	ev->len = len;
	*out_used = len + 2;
	return STEP_EVENT;
}

static StepResult
step_str_t (EasWbxmlDecoder *dec, const guint8 *p, gsize avail, gsize *out_used,
            EasWbxmlEvent *ev, GError **error)
{
	gsize off = 1;
	guint32 ref;
	StepResult result;

	if (!step_mb (dec, p, avail, &off, &ref, &result, error))
		return result;
	const guint8 *nul = NULL;
	if (ref < dec->strtbl_len)
		nul = memchr (dec->strtbl + ref, 0, dec->strtbl_len - ref);
	if (nul == NULL) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_MALFORMED,
		              "String table reference %u at offset %" G_GSIZE_FORMAT
		              " is outside the %" G_GSIZE_FORMAT "-byte table",
		              ref, dec->consumed, dec->strtbl_len);
		return STEP_ERROR;
	}
	gsize len = (gsize) (nul - (dec->strtbl + ref));
	if (!check_text (dec, dec->strtbl + ref, len, dec->consumed, error))
		return STEP_ERROR;
	fill_event (dec, ev, EAS_WBXML_EVENT_TEXT, dec->stack[dec->depth - 1], dec->depth);
	ev->data = dec->strtbl + ref;
	ev->len = len;
	*out_used = off;
	return STEP_EVENT;
}

/* A character entity becomes a TEXT event with its UTF-8 encoding. */
static StepResult
step_entity (EasWbxmlDecoder *dec, const guint8 *p, gsize avail, gsize *out_used,
             EasWbxmlEvent *ev, GError **error)
{
	gsize off = 1;
	guint32 cp;
	StepResult result;

	if (!step_mb (dec, p, avail, &off, &cp, &result, error))
		return result;
	if (cp == 0 || !g_unichar_validate (cp)) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_ENCODING,
		              "Invalid character entity %u at offset %" G_GSIZE_FORMAT,
		              cp, dec->consumed);
		return STEP_ERROR;
	}
	gsize len = (gsize) g_unichar_to_utf8 (cp, (char *) dec->entity_utf8);
	if (!check_text (dec, dec->entity_utf8, len, dec->consumed, error))
		return STEP_ERROR;
	fill_event (dec, ev, EAS_WBXML_EVENT_TEXT, dec->stack[dec->depth - 1], dec->depth);
	ev->data = dec->entity_utf8;
	ev->len = len;
	*out_used = off;
	return STEP_EVENT;
}

static StepResult
step_opaque_token (EasWbxmlDecoder *dec, const guint8 *p, gsize avail, gsize *out_used,
                   EasWbxmlEvent *ev, GError **error)
{
	gsize off = 1;
	guint32 len;
	StepResult result;

	if (!step_mb (dec, p, avail, &off, &len, &result, error))
		return result;
	if (dec->depth == 0) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_MALFORMED,
		              "OPAQUE outside the root element at offset %" G_GSIZE_FORMAT,
		              dec->consumed);
		return STEP_ERROR;
	}
	if (len > dec->limits.opaque_bytes) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_LIMIT,
		              "OPAQUE of %u bytes at offset %" G_GSIZE_FORMAT
		              " exceeds the limit of %" G_GSIZE_FORMAT,
		              len, dec->consumed, dec->limits.opaque_bytes);
		return STEP_ERROR;
	}
	dec->opaque_tag = dec->stack[dec->depth - 1];
	dec->opaque_total = len;
	dec->opaque_done = 0;
	dec->opaque_token_offset = dec->consumed;
	*out_used = off;
	if (len > 0) {
		dec->state = STATE_OPAQUE;
		return STEP_CONSUMED;
	}
	/* An empty OPAQUE still tells the consumer that the value is binary. */
	fill_event (dec, ev, EAS_WBXML_EVENT_OPAQUE, dec->opaque_tag, dec->depth);
	return STEP_EVENT;
}

static StepResult
step_opaque_data (EasWbxmlDecoder *dec, const guint8 *p, gsize avail, gsize *out_used,
                  EasWbxmlEvent *ev)
{
	guint64 left = dec->opaque_total - dec->opaque_done;
	gsize n = (gsize) MIN ((guint64) avail, left);

	fill_event (dec, ev, EAS_WBXML_EVENT_OPAQUE, dec->opaque_tag, dec->depth);
	ev->input_offset = dec->opaque_token_offset;
	ev->data = p;
	ev->len = n;
	ev->opaque_offset = dec->opaque_done;
	ev->opaque_total = dec->opaque_total;
	dec->opaque_done += n;
	if (dec->opaque_done == dec->opaque_total)
		dec->state = STATE_BODY;
	*out_used = n;
	return STEP_EVENT;
}

static StepResult
step_switch_page (EasWbxmlDecoder *dec, const guint8 *p, gsize avail, gsize *out_used,
                  GError **error)
{
	if (avail < 2)
		return STEP_NEED_MORE;
	if (p[1] >= EAS_CODEPAGE_COUNT) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_UNKNOWN_TAG,
		              "Unknown code page %u at offset %" G_GSIZE_FORMAT,
		              p[1], dec->consumed);
		return STEP_ERROR;
	}
	dec->page = p[1];
	*out_used = 2;
	return STEP_CONSUMED;
}

static StepResult
step_end (EasWbxmlDecoder *dec, gsize *out_used, EasWbxmlEvent *ev, GError **error)
{
	if (dec->depth == 0) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_MALFORMED,
		              "END without an open element at offset %" G_GSIZE_FORMAT,
		              dec->consumed);
		return STEP_ERROR;
	}
	fill_event (dec, ev, EAS_WBXML_EVENT_END, dec->stack[dec->depth - 1], dec->depth);
	dec->depth--;
	if (dec->depth == 0)
		dec->state = STATE_DONE;
	*out_used = 1;
	return STEP_EVENT;
}

static StepResult
step_tag (EasWbxmlDecoder *dec, guint8 b, gsize *out_used, EasWbxmlEvent *ev,
          GError **error)
{
	EasTag tag = EAS_TAG (dec->page, b & 0x3F);

	if (b & EAS_WBXML_TAG_ATTRIBUTES) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_MALFORMED,
		              "Tag 0x%02x with attributes at offset %" G_GSIZE_FORMAT
		              " (EAS uses no attributes)", b, dec->consumed);
		return STEP_ERROR;
	}
	if (!eas_tag_is_known (tag)) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_UNKNOWN_TAG,
		              "Unknown tag: token 0x%02x on code page %u at offset %"
		              G_GSIZE_FORMAT, b & 0x3F, dec->page, dec->consumed);
		return STEP_ERROR;
	}
	if (dec->depth >= dec->limits.depth) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_LIMIT,
		              "Element at offset %" G_GSIZE_FORMAT " nests deeper than "
		              "the limit of %u", dec->consumed, dec->limits.depth);
		return STEP_ERROR;
	}
	if (dec->elements >= dec->limits.elements) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_LIMIT,
		              "Element at offset %" G_GSIZE_FORMAT " exceeds the limit "
		              "of %" G_GSIZE_FORMAT " elements", dec->consumed,
		              dec->limits.elements);
		return STEP_ERROR;
	}
	dec->elements++;
	if (dec->depth % 1024 == 0 && dec->depth > 0)
		dec->stack = g_renew (EasTag, dec->stack, dec->depth + 1024 + 1);
	dec->stack[dec->depth++] = tag;
	fill_event (dec, ev, EAS_WBXML_EVENT_START, tag, dec->depth);
	ev->has_content = (b & EAS_WBXML_TAG_CONTENT) != 0;
	dec->pending_end = !ev->has_content;
	*out_used = 1;
	return STEP_EVENT;
}

static StepResult
step_body (EasWbxmlDecoder *dec, const guint8 *p, gsize avail, gsize *out_used,
           EasWbxmlEvent *ev, GError **error)
{
	guint8 b = p[0];

	switch (b) {
	case EAS_WBXML_TOK_SWITCH_PAGE:
		return step_switch_page (dec, p, avail, out_used, error);
	case EAS_WBXML_TOK_END:
		return step_end (dec, out_used, ev, error);
	case EAS_WBXML_TOK_ENTITY:
		return step_entity (dec, p, avail, out_used, ev, error);
	case EAS_WBXML_TOK_STR_I:
		return step_str_i (dec, p, avail, out_used, ev, error);
	case EAS_WBXML_TOK_STR_T:
		return step_str_t (dec, p, avail, out_used, ev, error);
	case EAS_WBXML_TOK_OPAQUE:
		return step_opaque_token (dec, p, avail, out_used, ev, error);
	case EAS_WBXML_TOK_LITERAL:
	case EAS_WBXML_TOK_LITERAL_A:
	case EAS_WBXML_TOK_LITERAL_C:
	case EAS_WBXML_TOK_LITERAL_AC:
		decoder_fail (dec, error, EAS_WBXML_ERROR_MALFORMED,
		              "LITERAL token 0x%02x at offset %" G_GSIZE_FORMAT
		              " (EAS uses no literal tags)", b, dec->consumed);
		return STEP_ERROR;
	case EAS_WBXML_TOK_EXT_I_0: case EAS_WBXML_TOK_EXT_I_1: case EAS_WBXML_TOK_EXT_I_2:
	case EAS_WBXML_TOK_EXT_T_0: case EAS_WBXML_TOK_EXT_T_1: case EAS_WBXML_TOK_EXT_T_2:
	case EAS_WBXML_TOK_EXT_0: case EAS_WBXML_TOK_EXT_1: case EAS_WBXML_TOK_EXT_2:
	case EAS_WBXML_TOK_PI:
		decoder_fail (dec, error, EAS_WBXML_ERROR_MALFORMED,
		              "Token 0x%02x at offset %" G_GSIZE_FORMAT
		              " (extensions and PIs are not used by EAS)", b, dec->consumed);
		return STEP_ERROR;
	default:
		return step_tag (dec, b, out_used, ev, error);
	}
}

static StepResult
decoder_step (EasWbxmlDecoder *dec, const guint8 *p, gsize avail, gsize *out_used,
              EasWbxmlEvent *ev, GError **error)
{
	switch (dec->state) {
	case STATE_HEADER:
		return step_header (dec, p, avail, out_used, error);
	case STATE_BODY:
		return step_body (dec, p, avail, out_used, ev, error);
	case STATE_OPAQUE:
		return step_opaque_data (dec, p, avail, out_used, ev);
	case STATE_DONE:
	case STATE_FAILED:
	default:
		g_assert_not_reached ();
		return STEP_ERROR;
	}
}

/* Drops the consumed prefix of carry, then moves up to `want` caller bytes in. */
static void
carry_refill (EasWbxmlDecoder *dec, gsize want)
{
	if (dec->carry_off > 0) {
		g_byte_array_remove_range (dec->carry, 0, (guint) dec->carry_off);
		dec->carry_off = 0;
	}
	gsize n = MIN (want, dec->ext_len - dec->ext_off);
	g_byte_array_append (dec->carry, dec->ext + dec->ext_off, (guint) n);
	dec->ext_off += n;
}

static void
consume (EasWbxmlDecoder *dec, gboolean in_carry, gsize used)
{
	/* A fully read carry is emptied by next_window(), not here: the
	 * event just filled may point into it until the next call. */
	if (in_carry) {
		dec->carry_off += used;
	} else {
		dec->ext_off += used;
	}
	dec->consumed += used;
	dec->str_scanned = 0;
}

static gsize
unread_bytes (EasWbxmlDecoder *dec)
{
	return (dec->carry->len - dec->carry_off) + (dec->ext_len - dec->ext_off);
}

static EasWbxmlStatus
decoder_done (EasWbxmlDecoder *dec, GError **error)
{
	if (unread_bytes (dec) > 0) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_MALFORMED,
		              "Trailing data after the root element at offset %"
		              G_GSIZE_FORMAT, dec->consumed);
		return EAS_WBXML_FAILED;
	}
	return EAS_WBXML_DONE;
}

/* What to do when a step needs bytes beyond the window. */
static gboolean
need_more (EasWbxmlDecoder *dec, gboolean in_carry, gboolean capped, GError **error)
{
	if (capped) {
		decoder_fail (dec, error, EAS_WBXML_ERROR_LIMIT,
		              "Document exceeds the limit of %" G_GSIZE_FORMAT
		              " bytes at offset %" G_GSIZE_FORMAT,
		              dec->limits.document_bytes, dec->limits.document_bytes);
		return FALSE;
	}
	if (!in_carry) {
		/* Keep the cut token: the caller may now reuse its buffer. */
		carry_refill (dec, dec->ext_len - dec->ext_off);
		return FALSE;
	}
	if (dec->ext_off == dec->ext_len)
		return FALSE;
	/* Grow the carried token geometrically: linear total copying. */
	carry_refill (dec, MAX (dec->carry->len - dec->carry_off, 64));
	return TRUE;
}

/* The END owed by an empty element (a tag without the content bit). */
static EasWbxmlStatus
emit_pending_end (EasWbxmlDecoder *dec, EasWbxmlEvent *out_event)
{
	dec->pending_end = FALSE;
	fill_event (dec, out_event, EAS_WBXML_EVENT_END, dec->stack[dec->depth - 1], dec->depth);
	out_event->input_offset = dec->consumed - 1;
	if (--dec->depth == 0)
		dec->state = STATE_DONE;
	return EAS_WBXML_GOT_EVENT;
}

/* The unread bytes to parse next: the carried token if any, else the
 * caller's.  *out_capped when the document limit shortened the window. */
static const guint8 *
next_window (EasWbxmlDecoder *dec, gboolean *out_in_carry, gsize *out_avail,
             gboolean *out_capped)
{
	if (dec->carry_off > 0 && dec->carry_off == dec->carry->len) {
		g_byte_array_set_size (dec->carry, 0);
		dec->carry_off = 0;
	}
	gboolean in_carry = dec->carry_off < dec->carry->len;
	gsize avail = in_carry ? dec->carry->len - dec->carry_off : dec->ext_len - dec->ext_off;

	*out_in_carry = in_carry;
	*out_capped = FALSE;
	g_assert (dec->consumed <= dec->limits.document_bytes);
	if (avail > dec->limits.document_bytes - dec->consumed) {
		avail = dec->limits.document_bytes - dec->consumed;
		*out_capped = TRUE;
	}
	*out_avail = avail;
	if (avail == 0)
		return NULL;
	return in_carry ? dec->carry->data + dec->carry_off : dec->ext + dec->ext_off;
}

EasWbxmlStatus
eas_wbxml_decoder_next (EasWbxmlDecoder *decoder, EasWbxmlEvent *out_event,
                        GError **error)
{
	EasWbxmlDecoder *dec = decoder;

	g_return_val_if_fail (decoder != NULL, EAS_WBXML_FAILED);
	g_return_val_if_fail (out_event != NULL, EAS_WBXML_FAILED);
	g_return_val_if_fail (error == NULL || *error == NULL, EAS_WBXML_FAILED);

	if (dec->state == STATE_FAILED) {
		g_set_error_literal (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_USAGE,
		                     "The decoder already failed");
		return EAS_WBXML_FAILED;
	}
	if (dec->pending_end)
		return emit_pending_end (dec, out_event);
	for (;;) {
		gboolean in_carry, capped;
		gsize avail, used = 0;

		if (dec->state == STATE_DONE)
			return decoder_done (dec, error);
		const guint8 *p = next_window (dec, &in_carry, &avail, &capped);
		if (p == NULL && !capped)
			return EAS_WBXML_NEED_MORE;
		StepResult r = p == NULL ? STEP_NEED_MORE
		                         : decoder_step (dec, p, avail, &used, out_event, error);
		if (r == STEP_ERROR)
			return EAS_WBXML_FAILED;
		if (r == STEP_NEED_MORE) {
			if (need_more (dec, in_carry, capped, error))
				continue;
			return dec->state == STATE_FAILED ? EAS_WBXML_FAILED : EAS_WBXML_NEED_MORE;
		}
		consume (dec, in_carry, used);
		if (r == STEP_EVENT)
			return EAS_WBXML_GOT_EVENT;
	}
}

gboolean
eas_wbxml_decoder_finish (EasWbxmlDecoder *decoder, GError **error)
{
	g_return_val_if_fail (decoder != NULL, FALSE);
	g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

	switch (decoder->state) {
	case STATE_DONE:
		return decoder_done (decoder, error) == EAS_WBXML_DONE;
	case STATE_FAILED:
		g_set_error_literal (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_USAGE,
		                     "The decoder already failed");
		return FALSE;
	case STATE_HEADER:
	case STATE_BODY:
	case STATE_OPAQUE:
	default:
		decoder_fail (decoder, error, EAS_WBXML_ERROR_TRUNCATED,
		              "Input ends at offset %" G_GSIZE_FORMAT
		              " inside the document", decoder->fed);
		return FALSE;
	}
}

void
eas_wbxml_append_mb_u_int32 (GByteArray *out, guint32 value)
{
	guint8 buf[5];
	guint i = sizeof buf;

	buf[--i] = value & 0x7F;
	value >>= 7;
	while (value > 0) {
		buf[--i] = 0x80 | (value & 0x7F);
		value >>= 7;
	}
	g_byte_array_append (out, buf + i, sizeof buf - i);
}
