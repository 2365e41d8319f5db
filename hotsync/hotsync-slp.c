/* SLP framing: see hotsync-slp.h. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-private.h"
#include "hotsync/hotsync-slp.h"

static const guint8 signature[3] = { 0xbe, 0xef, 0xed };

struct _HotsyncSlpDecoder {
	gsize max_body;
	guint8 *buf;      /* 12 + max_body */
	gsize have;
	gsize need;       /* total frame length once the header is in */
	/* Bytes handed back after a false signature, processed before new input.
	 * At most HOTSYNC_SLP_HEADER_LEN - 1 of them. */
	guint8 replay[HOTSYNC_SLP_HEADER_LEN];
	gsize replay_len;
	guint64 skipped;
};

void
hotsync_slp_frame_clear (HotsyncSlpFrame *frame)
{
	if (frame == NULL)
		return;
	g_clear_pointer (&frame->body, g_bytes_unref);
	frame->dest = frame->src = frame->type = frame->xid = 0;
}

void
hotsync_slp_event_clear (HotsyncSlpEvent *event)
{
	if (event == NULL)
		return;
	hotsync_slp_frame_clear (&event->frame);
	event->type = HOTSYNC_SLP_EVENT_NONE;
}

HotsyncSlpDecoder *
hotsync_slp_decoder_new (gsize max_body)
{
	HotsyncSlpDecoder *dec;

	g_return_val_if_fail (max_body <= G_MAXUINT16, NULL);
	dec = g_new0 (HotsyncSlpDecoder, 1);
	dec->max_body = max_body;
	dec->buf = g_malloc (HOTSYNC_SLP_HEADER_LEN + max_body + HOTSYNC_SLP_CRC_LEN);
	return dec;
}

void
hotsync_slp_decoder_free (HotsyncSlpDecoder *dec)
{
	if (dec == NULL)
		return;
	g_free (dec->buf);
	g_free (dec);
}

guint64
hotsync_slp_decoder_get_skipped (const HotsyncSlpDecoder *dec)
{
	return dec->skipped;
}

guint16
hotsync_crc16 (guint16 crc, const guint8 *data, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		crc ^= (guint16) (data[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? (guint16) ((crc << 1) ^ 0x1021) : (guint16) (crc << 1);
	}
	return crc;
}

static guint8
header_sum (const guint8 *h)
{
	guint sum = 0;

	for (int i = 0; i < HOTSYNC_SLP_HEADER_LEN - 1; i++)
		sum += h[i];
	return (guint8) sum;
}

/* A false start: keep the bytes after the first for rescanning. */
static void
rescan_after_first (HotsyncSlpDecoder *dec)
{
	gsize n = dec->have - 1;

	g_assert (n + dec->replay_len <= sizeof dec->replay);
	/* Buffered bytes come before anything still waiting in replay. */
	memmove (dec->replay + n, dec->replay, dec->replay_len);
	memcpy (dec->replay, dec->buf + 1, n);
	dec->replay_len += n;
	dec->have = 0;
	dec->need = 0;
}

/* Takes one byte; returns the event it completes, if any. */
static HotsyncSlpEventType
take_byte (HotsyncSlpDecoder *dec, guint8 byte, HotsyncSlpEvent *out_event)
{
	if (dec->have < sizeof signature) {
		if (byte != signature[dec->have]) {
			/* BE EF ED has no proper prefix that is also a suffix,
			 * so a mismatch restarts at this byte. */
			dec->skipped += dec->have;
			dec->have = 0;
			if (byte != signature[0]) {
				dec->skipped++;
				return HOTSYNC_SLP_EVENT_NONE;
			}
		}
		dec->buf[dec->have++] = byte;
		return HOTSYNC_SLP_EVENT_NONE;
	}
	dec->buf[dec->have++] = byte;
	if (dec->have < HOTSYNC_SLP_HEADER_LEN)
		return HOTSYNC_SLP_EVENT_NONE;
	if (dec->have == HOTSYNC_SLP_HEADER_LEN) {
		guint16 body_len = hotsync_get_u16 (dec->buf + 6);

		if (header_sum (dec->buf) != dec->buf[9]) {
			dec->skipped++;
			rescan_after_first (dec);
			return HOTSYNC_SLP_EVENT_BAD_HEADER;
		}
		if (body_len > dec->max_body) {
			dec->skipped++;
			rescan_after_first (dec);
			return HOTSYNC_SLP_EVENT_TOO_LONG;
		}
		dec->need = HOTSYNC_SLP_HEADER_LEN + body_len + HOTSYNC_SLP_CRC_LEN;
		return HOTSYNC_SLP_EVENT_NONE;
	}
	if (dec->have < dec->need)
		return HOTSYNC_SLP_EVENT_NONE;

	gsize body_len = dec->need - HOTSYNC_SLP_HEADER_LEN - HOTSYNC_SLP_CRC_LEN;
	guint16 crc = hotsync_crc16 (0, dec->buf, HOTSYNC_SLP_HEADER_LEN + body_len);

	dec->have = 0;
	dec->need = 0;
	if (crc != hotsync_get_u16 (dec->buf + HOTSYNC_SLP_HEADER_LEN + body_len))
		return HOTSYNC_SLP_EVENT_BAD_CRC;
	out_event->frame.dest = dec->buf[3];
	out_event->frame.src = dec->buf[4];
	out_event->frame.type = dec->buf[5];
	out_event->frame.xid = dec->buf[8];
	out_event->frame.body = g_bytes_new (dec->buf + HOTSYNC_SLP_HEADER_LEN, body_len);
	return HOTSYNC_SLP_EVENT_FRAME;
}

gsize
hotsync_slp_decoder_feed (HotsyncSlpDecoder *dec,
                          const guint8      *data,
                          gsize              len,
                          HotsyncSlpEvent   *out_event)
{
	gsize off = 0;

	g_return_val_if_fail (dec != NULL, 0);
	g_return_val_if_fail (data != NULL || len == 0, 0);

	memset (out_event, 0, sizeof *out_event);
	for (;;) {
		guint8 byte;
		HotsyncSlpEventType type;

		if (dec->replay_len > 0) {
			byte = dec->replay[0];
			dec->replay_len--;
			memmove (dec->replay, dec->replay + 1, dec->replay_len);
		} else if (off < len) {
			byte = data[off++];
		} else {
			return off;
		}
		type = take_byte (dec, byte, out_event);
		if (type != HOTSYNC_SLP_EVENT_NONE) {
			out_event->type = type;
			return off;
		}
	}
}

GBytes *
hotsync_slp_encode (guint8 dest, guint8 src, guint8 type, guint8 xid,
                    const guint8 *body, gsize body_len)
{
	guint8 *buf;
	gsize total;

	g_return_val_if_fail (body_len <= G_MAXUINT16, NULL);
	g_return_val_if_fail (body != NULL || body_len == 0, NULL);

	total = HOTSYNC_SLP_HEADER_LEN + body_len + HOTSYNC_SLP_CRC_LEN;
	buf = g_malloc (total);
	memcpy (buf, signature, sizeof signature);
	buf[3] = dest;
	buf[4] = src;
	buf[5] = type;
	hotsync_put_u16 (buf + 6, (guint16) body_len);
	buf[8] = xid;
	buf[9] = header_sum (buf);
	if (body_len > 0)
		memcpy (buf + HOTSYNC_SLP_HEADER_LEN, body, body_len);
	hotsync_put_u16 (buf + HOTSYNC_SLP_HEADER_LEN + body_len,
	                 hotsync_crc16 (0, buf, HOTSYNC_SLP_HEADER_LEN + body_len));
	return g_bytes_new_take (buf, total);
}
