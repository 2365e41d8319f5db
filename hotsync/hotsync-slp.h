/* SLP, the Serial Link Protocol (serial cradles, some early USB devices).
 *
 * Frame: BE EF ED, destination socket, source socket, type, body length u16,
 * transaction id, header checksum (8-bit sum of the 9 bytes before it), body,
 * CRC-16/XMODEM (poly 0x1021, init 0) over header and body, big-endian.
 *
 * The decoder is a push parser that never fails: bytes before a signature are
 * skipped, a frame with a bad header checksum, an oversize length or a bad CRC
 * is dropped and reported as an event, and scanning resumes (after a bad
 * header or oversize length at the byte after the false signature; after a
 * bad CRC behind the whole frame).  It buffers at most one frame
 * (12 + max_body bytes).  Feeding any split of a stream gives the same events. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HOTSYNC_SLP_HEADER_LEN 10
#define HOTSYNC_SLP_CRC_LEN 2

/* Sockets and frame types. */
#define HOTSYNC_SLP_SOCKET_DLP 3
typedef enum {
	HOTSYNC_SLP_TYPE_SYSTEM = 0,
	HOTSYNC_SLP_TYPE_PADP = 2,
	HOTSYNC_SLP_TYPE_LOOPBACK = 3,
} HotsyncSlpType;

typedef struct {
	guint8 dest;
	guint8 src;
	guint8 type;
	guint8 xid;
	GBytes *body;   /* owned; hotsync_slp_frame_clear() */
} HotsyncSlpFrame;

void hotsync_slp_frame_clear (HotsyncSlpFrame *frame);

typedef enum {
	HOTSYNC_SLP_EVENT_NONE,        /* data ran out; nothing to report */
	HOTSYNC_SLP_EVENT_FRAME,       /* a good frame: event.frame */
	HOTSYNC_SLP_EVENT_BAD_HEADER,  /* header checksum mismatch: dropped */
	HOTSYNC_SLP_EVENT_TOO_LONG,    /* body length above the limit: dropped */
	HOTSYNC_SLP_EVENT_BAD_CRC,     /* CRC mismatch: frame dropped */
} HotsyncSlpEventType;

typedef struct {
	HotsyncSlpEventType type;
	HotsyncSlpFrame frame;  /* only for HOTSYNC_SLP_EVENT_FRAME */
} HotsyncSlpEvent;

void hotsync_slp_event_clear (HotsyncSlpEvent *event);

typedef struct _HotsyncSlpDecoder HotsyncSlpDecoder;

/* max_body: HOTSYNC_SLP_MAX_BODY_DEFAULT (at most 0xFFFF). */
HotsyncSlpDecoder *hotsync_slp_decoder_new (gsize max_body);
void hotsync_slp_decoder_free (HotsyncSlpDecoder *dec);

/* Consumes bytes until one event happens or data runs out; returns how many
 * it consumed and fills *out_event (type NONE when nothing happened).  Call
 * again with the rest after an event. */
gsize hotsync_slp_decoder_feed (HotsyncSlpDecoder *dec,
                                const guint8      *data,
                                gsize              len,
                                HotsyncSlpEvent   *out_event);

/* Bytes skipped while looking for a signature, since the decoder was made. */
guint64 hotsync_slp_decoder_get_skipped (const HotsyncSlpDecoder *dec);

/* CRC-16/XMODEM, continuing from crc (start with 0). */
guint16 hotsync_crc16 (guint16 crc, const guint8 *data, gsize len);

/* One complete frame.  body_len must be at most 0xFFFF. */
GBytes *hotsync_slp_encode (guint8 dest, guint8 src, guint8 type, guint8 xid,
                            const guint8 *body, gsize body_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncSlpDecoder, hotsync_slp_decoder_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HotsyncSlpEvent, hotsync_slp_event_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HotsyncSlpFrame, hotsync_slp_frame_clear)

G_END_DECLS
