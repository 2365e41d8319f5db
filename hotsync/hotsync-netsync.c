/* NetSync framing: see hotsync-netsync.h. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-netsync.h"
#include "hotsync/hotsync-private.h"

G_DEFINE_QUARK (hotsync-netsync-error-quark, hotsync_netsync_error)

struct _HotsyncNetsyncDecoder {
	gsize max_payload;
	gboolean headerless_hello;
	gboolean started;   /* any byte seen */
	gboolean failed;
	guint8 header[HOTSYNC_NETSYNC_HEADER_LEN];
	gsize header_len;
	gboolean in_payload;
	guint8 type;
	guint8 xid;
	guint8 *payload;
	gsize payload_len;
	gsize payload_have;
};

/* The desktop's handshake payloads, as Palm's HotSync Manager sends them and
 * as recorded from real sessions; handhelds check only their sizes. */
static const guint8 accept1[HOTSYNC_NETSYNC_ACCEPT1_LEN] = {
	0x12, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
	0x00, 0x24, 0xff, 0xff, 0xff, 0xff, 0x3c, 0x00, 0x3c, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x21, 0x04, 0x27,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
};

static const guint8 accept2[HOTSYNC_NETSYNC_ACCEPT2_LEN] = {
	0x13, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
	0x00, 0x20, 0xff, 0xff, 0xff, 0xff, 0x00, 0x3c, 0x00, 0x3c, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* A Palm OS 5 handheld's packets (recorded, no-op-test.net.json). */
static const guint8 hello[HOTSYNC_NETSYNC_HELLO_LEN] = {
	0x90, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
	0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const guint8 reply1[HOTSYNC_NETSYNC_REPLY1_LEN] = {
	0x92, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00,
	0x00, 0x24, 0xff, 0xff, 0xff, 0xff, 0x3c, 0x00, 0x3c, 0x00, 0x00, 0x00,
	0x00, 0x40, 0x00, 0x00, 0x00, 0x02, 0xc0, 0xa8, 0x02, 0x05, 0xe0, 0x6b,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
};

static const guint8 reply2[HOTSYNC_NETSYNC_REPLY2_LEN] = {
	0x93, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

const guint8 *
hotsync_netsync_hello (void)
{
	return hello;
}

const guint8 *
hotsync_netsync_reply1 (void)
{
	return reply1;
}

const guint8 *
hotsync_netsync_reply2 (void)
{
	return reply2;
}

const guint8 *
hotsync_netsync_accept1 (void)
{
	return accept1;
}

const guint8 *
hotsync_netsync_accept2 (void)
{
	return accept2;
}

void
hotsync_netsync_frame_clear (HotsyncNetsyncFrame *frame)
{
	if (frame == NULL)
		return;
	g_clear_pointer (&frame->payload, g_bytes_unref);
	frame->type = 0;
	frame->xid = 0;
}

HotsyncNetsyncDecoder *
hotsync_netsync_decoder_new (gsize max_payload, gboolean headerless_hello)
{
	HotsyncNetsyncDecoder *dec = g_new0 (HotsyncNetsyncDecoder, 1);

	dec->max_payload = max_payload;
	dec->headerless_hello = headerless_hello;
	return dec;
}

void
hotsync_netsync_decoder_free (HotsyncNetsyncDecoder *dec)
{
	if (dec == NULL)
		return;
	g_free (dec->payload);
	g_free (dec);
}

gboolean
hotsync_netsync_decoder_is_idle (const HotsyncNetsyncDecoder *dec)
{
	return dec->header_len == 0 && !dec->in_payload;
}

static gboolean
start_payload (HotsyncNetsyncDecoder *dec, GError **error)
{
	guint32 len = hotsync_get_u32 (dec->header + 2);

	dec->type = dec->header[0];
	dec->xid = dec->header[1];
	if (dec->type != HOTSYNC_NETSYNC_TYPE_DATA && dec->type != HOTSYNC_NETSYNC_TYPE_TICKLE) {
		g_set_error (error, HOTSYNC_NETSYNC_ERROR, HOTSYNC_NETSYNC_ERROR_BAD_TYPE,
		             "NetSync header: unknown type %u", dec->type);
		return FALSE;
	}
	if (len > dec->max_payload) {
		g_set_error (error, HOTSYNC_NETSYNC_ERROR, HOTSYNC_NETSYNC_ERROR_TOO_LONG,
		             "NetSync header: payload of %" G_GUINT32_FORMAT " bytes exceeds the limit of %" G_GSIZE_FORMAT,
		             len, dec->max_payload);
		return FALSE;
	}
	dec->payload_len = len;
	dec->payload_have = 0;
	dec->payload = g_malloc (len > 0 ? len : 1);
	dec->in_payload = TRUE;
	return TRUE;
}

static void
finish_frame (HotsyncNetsyncDecoder *dec, HotsyncNetsyncFrame *out_frame)
{
	out_frame->type = dec->type;
	out_frame->xid = dec->xid;
	out_frame->payload = g_bytes_new_take (g_steal_pointer (&dec->payload), dec->payload_len);
	dec->in_payload = FALSE;
	dec->header_len = 0;
}

gboolean
hotsync_netsync_decoder_feed (HotsyncNetsyncDecoder *dec,
                              const guint8          *data,
                              gsize                  len,
                              gsize                 *out_consumed,
                              HotsyncNetsyncFrame   *out_frame,
                              GError               **error)
{
	gsize off = 0;

	g_return_val_if_fail (dec != NULL, FALSE);
	g_return_val_if_fail (data != NULL || len == 0, FALSE);

	if (dec->failed) {
		g_set_error (error, HOTSYNC_NETSYNC_ERROR, HOTSYNC_NETSYNC_ERROR_FAILED,
		             "NetSync decoder stopped after an earlier error");
		return FALSE;
	}
	if (!dec->started && len > 0) {
		dec->started = TRUE;
		if (dec->headerless_hello && data[0] == 0x90) {
			/* Pretend the lost header was there: 01 ff 00000016. */
			guint8 h[HOTSYNC_NETSYNC_HEADER_LEN];

			hotsync_netsync_encode_header (HOTSYNC_NETSYNC_TYPE_DATA, 0xff, HOTSYNC_NETSYNC_HELLO_LEN, h);
			memcpy (dec->header, h, sizeof h);
			dec->header_len = sizeof h;
			if (!start_payload (dec, error)) {
				dec->failed = TRUE;
				return FALSE;
			}
		}
	}
	while (off < len) {
		g_assert (off <= len);
		if (!dec->in_payload) {
			dec->header[dec->header_len++] = data[off++];
			if (dec->header_len < HOTSYNC_NETSYNC_HEADER_LEN)
				continue;
			if (!start_payload (dec, error)) {
				dec->failed = TRUE;
				return FALSE;
			}
			if (dec->payload_len > 0)
				continue;
		} else {
			gsize want = dec->payload_len - dec->payload_have;
			gsize n = MIN (want, len - off);

			memcpy (dec->payload + dec->payload_have, data + off, n);
			dec->payload_have += n;
			off += n;
			if (dec->payload_have < dec->payload_len)
				continue;
		}
		finish_frame (dec, out_frame);
		*out_consumed = off;
		return TRUE;
	}
	/* An empty payload right after the headerless hello cannot happen (22 bytes). */
	out_frame->type = 0;
	out_frame->xid = 0;
	out_frame->payload = NULL;
	*out_consumed = off;
	return TRUE;
}

void
hotsync_netsync_encode_header (guint8 type, guint8 xid, guint32 payload_len, guint8 out[HOTSYNC_NETSYNC_HEADER_LEN])
{
	out[0] = type;
	out[1] = xid;
	hotsync_put_u32 (out + 2, payload_len);
}

GBytes *
hotsync_netsync_encode (guint8 type, guint8 xid, const guint8 *payload, gsize payload_len)
{
	guint8 *buf;

	g_return_val_if_fail (payload_len <= G_MAXUINT32, NULL);
	g_return_val_if_fail (payload != NULL || payload_len == 0, NULL);

	buf = g_malloc (HOTSYNC_NETSYNC_HEADER_LEN + payload_len);
	hotsync_netsync_encode_header (type, xid, (guint32) payload_len, buf);
	if (payload_len > 0)
		memcpy (buf + HOTSYNC_NETSYNC_HEADER_LEN, payload, payload_len);
	return g_bytes_new_take (buf, HOTSYNC_NETSYNC_HEADER_LEN + payload_len);
}
