/* PADP, the Packet Assembly/Disassembly Protocol: reliable messages over SLP.
 *
 * Header: type u8 (1 data, 2 ack, 4 tickle, 8 abort), flags u8 (0x80 first,
 * 0x40 last, 0x20 memory error, 0x10 long form), size u16 (u32 in long form):
 * the total length on a first fragment, the offset on later ones.  Fragments
 * carry at most 1024 data bytes and share the SLP transaction id of their
 * message; each data fragment is acked with its size and id.  Our acks
 * carry flags first|last and the short form whenever the size fits, byte for
 * byte what the recorded desktop sends to real handhelds; incoming acks are
 * matched by id only.
 *
 * HotsyncPadp is the desktop's (or a simulated handheld's) side of one link as
 * a state machine with no I/O and no clock of its own:
 *   - feed it every SLP frame that arrived (hotsync_padp_receive_frame);
 *   - write out what hotsync_padp_pop_output() hands back (whole SLP frames);
 *   - take complete incoming messages from hotsync_padp_pop_message();
 *   - send one message at a time with hotsync_padp_send(); it is delivered
 *     when hotsync_padp_is_sending() turns FALSE;
 *   - when the monotonic clock passes hotsync_padp_get_deadline(), call
 *     hotsync_padp_handle_timeout(): it retransmits, or fails after the
 *     retry limit.
 * Duplicates (same id, flags and size as the last accepted fragment) are
 * re-acked and dropped; tickles are not acked; a reply (a first fragment with
 * the id of our message) counts as the ack of our last fragment.
 *
 * Errors: HOTSYNC_PADP_ERROR.  A receive error drops that one packet and
 * leaves the state as it was; the caller decides whether to go on. */
#pragma once

#include <glib.h>

#include "hotsync/hotsync-slp.h"

G_BEGIN_DECLS

#define HOTSYNC_PADP_ERROR (hotsync_padp_error_quark ())
GQuark hotsync_padp_error_quark (void);

typedef enum {
	HOTSYNC_PADP_ERROR_MALFORMED,   /* header cut short, unknown type */
	HOTSYNC_PADP_ERROR_TOO_LONG,    /* message total above the limit */
	HOTSYNC_PADP_ERROR_SEQUENCE,    /* fragment out of order */
	HOTSYNC_PADP_ERROR_ABORTED,     /* the peer sent an abort packet */
	HOTSYNC_PADP_ERROR_MEMORY,      /* the peer reported a memory error */
	HOTSYNC_PADP_ERROR_TIMEOUT,     /* no ack after all retries */
	HOTSYNC_PADP_ERROR_BUSY,        /* a message is still being sent */
} HotsyncPadpError;

typedef enum {
	HOTSYNC_PADP_TYPE_DATA = 1,
	HOTSYNC_PADP_TYPE_ACK = 2,
	HOTSYNC_PADP_TYPE_TICKLE = 4,
	HOTSYNC_PADP_TYPE_ABORT = 8,
} HotsyncPadpType;

#define HOTSYNC_PADP_FLAG_FIRST 0x80
#define HOTSYNC_PADP_FLAG_LAST 0x40
#define HOTSYNC_PADP_FLAG_MEMORY_ERROR 0x20
#define HOTSYNC_PADP_FLAG_LONG 0x10

#define HOTSYNC_PADP_HEADER_MAX 6

typedef struct {
	guint8 type;
	guint8 flags;
	guint32 size;
} HotsyncPadpHeader;

/* Parses the header at the start of an SLP body; *out_header_len is 4 or 6. */
gboolean hotsync_padp_header_parse (const guint8      *data,
                                    gsize              len,
                                    HotsyncPadpHeader *out_header,
                                    gsize             *out_header_len,
                                    GError           **error);

/* Writes 4 bytes, or 6 with HOTSYNC_PADP_FLAG_LONG; returns the count.
 * Without the long flag, size must fit in u16. */
gsize hotsync_padp_header_encode (const HotsyncPadpHeader *header, guint8 out[HOTSYNC_PADP_HEADER_MAX]);

typedef struct _HotsyncPadp HotsyncPadp;

/* max_message: HOTSYNC_PADP_MAX_MESSAGE_DEFAULT; the largest message accepted
 * from the peer, and sent (a larger send is a programming error). */
HotsyncPadp *hotsync_padp_new (gsize max_message);
void hotsync_padp_free (HotsyncPadp *padp);

/* Long-form headers on every data fragment we send (what handhelds do).
 * Otherwise (the default, and what desktops do) the long form is used only
 * for messages above 0xFFFF bytes.  Acks use the short form whenever the
 * size fits. */
void hotsync_padp_set_long_form (HotsyncPadp *padp, gboolean long_form);
/* Defaults: HOTSYNC_PADP_ACK_TIMEOUT_US, HOTSYNC_PADP_MAX_RETRIES. */
void hotsync_padp_set_timing (HotsyncPadp *padp, gint64 ack_timeout_us, guint max_retries);

/* Takes one SLP frame from the peer.  Frames that are not PADP (loop-back,
 * system) are ignored.  now_us: the caller's monotonic clock. */
gboolean hotsync_padp_receive_frame (HotsyncPadp           *padp,
                                     const HotsyncSlpFrame *frame,
                                     gint64                 now_us,
                                     GError               **error);

/* Next SLP frame to write, or NULL.  Transfer full. */
GBytes *hotsync_padp_pop_output (HotsyncPadp *padp);

/* Next complete incoming message, or NULL; *out_xid its transaction id.
 * Transfer full. */
GBytes *hotsync_padp_pop_message (HotsyncPadp *padp, guint8 *out_xid);

/* A fresh transaction id: 1, 2, … 0xFE, then 1 again (never 0 or 0xFF). */
guint8 hotsync_padp_next_xid (HotsyncPadp *padp);

/* Starts sending a message with transaction id xid (1–0xFF).  Fails with
 * HOTSYNC_PADP_ERROR_BUSY while an earlier message is not delivered. */
gboolean hotsync_padp_send (HotsyncPadp  *padp,
                            guint8        xid,
                            const guint8 *data,
                            gsize         len,
                            gint64        now_us,
                            GError      **error);

gboolean hotsync_padp_is_sending (const HotsyncPadp *padp);

/* Queues a tickle (keep-alive) frame with transaction id xid. */
void hotsync_padp_tickle (HotsyncPadp *padp, guint8 xid);

/* When an ack is due, the monotonic time of its deadline; else G_MAXINT64. */
gint64 hotsync_padp_get_deadline (const HotsyncPadp *padp);

/* Call when now_us >= the deadline: queues a retransmission, or fails with
 * HOTSYNC_PADP_ERROR_TIMEOUT after the last retry (the send is abandoned).
 * Before the deadline it does nothing and returns TRUE. */
gboolean hotsync_padp_handle_timeout (HotsyncPadp *padp, gint64 now_us, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncPadp, hotsync_padp_free)

G_END_DECLS
