/* NetSync framing (network HotSync on TCP 14238, and most USB devices).
 *
 * A datagram is a 6-byte header — type u8 (1 data, 2 tickle), transaction id
 * u8, payload length u32 big-endian — and the payload.  There is no checksum,
 * so a bad header cannot be resynchronised: the decoder fails for good and the
 * caller drops the connection.
 *
 * The decoder is a push parser: hand it whatever the transport read, in any
 * split; it consumes bytes up to the end of one datagram at a time and hands
 * the datagram back.  It buffers at most one payload (bounded by max_payload).
 *
 * Errors: HOTSYNC_NETSYNC_ERROR. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HOTSYNC_NETSYNC_ERROR (hotsync_netsync_error_quark ())
GQuark hotsync_netsync_error_quark (void);

typedef enum {
	HOTSYNC_NETSYNC_ERROR_BAD_TYPE,  /* header type neither data nor tickle */
	HOTSYNC_NETSYNC_ERROR_TOO_LONG,  /* payload length above the limit */
	HOTSYNC_NETSYNC_ERROR_FAILED,    /* an earlier error stopped the decoder */
} HotsyncNetsyncError;

#define HOTSYNC_NETSYNC_HEADER_LEN 6

typedef enum {
	HOTSYNC_NETSYNC_TYPE_DATA = 1,
	HOTSYNC_NETSYNC_TYPE_TICKLE = 2,
} HotsyncNetsyncType;

/* Sizes of the opening exchange, before DLP (payload bytes).  The contents
 * are opaque; the handheld's packets are checked by size and first byte. */
#define HOTSYNC_NETSYNC_HELLO_LEN 22    /* handheld: 90 01 … */
#define HOTSYNC_NETSYNC_ACCEPT1_LEN 50  /* desktop:  12 01 … */
#define HOTSYNC_NETSYNC_REPLY1_LEN 50   /* handheld: 92 01 … */
#define HOTSYNC_NETSYNC_ACCEPT2_LEN 46  /* desktop:  13 01 … */
#define HOTSYNC_NETSYNC_REPLY2_LEN 8    /* handheld: 93 00 … */

/* The desktop's two fixed handshake payloads (HOTSYNC_NETSYNC_ACCEPT1_LEN and
 * HOTSYNC_NETSYNC_ACCEPT2_LEN bytes), static data. */
const guint8 *hotsync_netsync_accept1 (void);
const guint8 *hotsync_netsync_accept2 (void);
/* A handheld's three handshake payloads (HELLO, REPLY1, REPLY2 lengths), as
 * a Palm OS 5 device sends them; for simulators.  Static data. */
const guint8 *hotsync_netsync_hello (void);
const guint8 *hotsync_netsync_reply1 (void);
const guint8 *hotsync_netsync_reply2 (void);

/* One datagram.  payload is owned by the frame: hotsync_netsync_frame_clear(). */
typedef struct {
	guint8 type;
	guint8 xid;
	GBytes *payload;
} HotsyncNetsyncFrame;

void hotsync_netsync_frame_clear (HotsyncNetsyncFrame *frame);

typedef struct _HotsyncNetsyncDecoder HotsyncNetsyncDecoder;

/* max_payload: HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT unless there is a reason.
 * headerless_hello: some devices lose the first header and open with the
 * bare 22-byte hello (first byte 0x90); when TRUE, a stream whose first byte is
 * 0x90 yields that hello as a data frame with xid 0xFF. */
HotsyncNetsyncDecoder *hotsync_netsync_decoder_new (gsize max_payload, gboolean headerless_hello);
void hotsync_netsync_decoder_free (HotsyncNetsyncDecoder *dec);

/* Consumes bytes of data until one datagram is complete or data runs out.
 * Returns FALSE with error on a bad header (and on every call after that).
 * On TRUE, *out_consumed is the number of bytes used (less than len only when
 * a frame completed: call again with the rest), and *out_frame is filled when
 * a datagram completed, else zeroed (payload NULL). */
gboolean hotsync_netsync_decoder_feed (HotsyncNetsyncDecoder *dec,
                                       const guint8          *data,
                                       gsize                  len,
                                       gsize                 *out_consumed,
                                       HotsyncNetsyncFrame   *out_frame,
                                       GError               **error);

/* TRUE when no partial datagram is buffered. */
gboolean hotsync_netsync_decoder_is_idle (const HotsyncNetsyncDecoder *dec);

/* Writes the 6-byte header (USB transports send it as its own write). */
void hotsync_netsync_encode_header (guint8 type, guint8 xid, guint32 payload_len, guint8 out[HOTSYNC_NETSYNC_HEADER_LEN]);

/* Header + payload in one buffer.  payload_len must fit in u32. */
GBytes *hotsync_netsync_encode (guint8 type, guint8 xid, const guint8 *payload, gsize payload_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncNetsyncDecoder, hotsync_netsync_decoder_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HotsyncNetsyncFrame, hotsync_netsync_frame_clear)

G_END_DECLS
