/* One end of a HotSync connection below DLP: NetSync (network, most USB
 * devices) or SLP/PADP/CMP (serial, some USB devices), with the opening
 * handshake, as one state machine with no I/O and no clock.  The desktop's
 * end comes from hotsync_link_new(), the handheld's (for simulators) from
 * hotsync_link_new_handheld().
 *
 * A transport drives the desktop's end like this:
 *   - every chunk it reads goes to hotsync_link_feed();
 *   - it writes each buffer hotsync_link_pop_output() returns, in order;
 *   - on serial, after hotsync_link_take_baud_change() returns a rate, it
 *     drains its output, waits ~50 ms, and switches the line to that rate;
 *   - once hotsync_link_is_ready(), the session sends one DLP request at a
 *     time with hotsync_link_send_request() and collects the answer from
 *     hotsync_link_pop_response();
 *   - it calls hotsync_link_handle_timeout() when its monotonic clock passes
 *     hotsync_link_get_deadline().
 * A USB transport may write a NetSync buffer as Palm Desktop does — the
 * 6-byte header alone, then the payload in 4096-byte chunks: the bytes are
 * the same.
 * Errors (HOTSYNC_LINK_ERROR and those of the layers below) are fatal for
 * the connection unless stated otherwise; bad serial frames are dropped and
 * counted, as SLP prescribes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HOTSYNC_LINK_ERROR (hotsync_link_error_quark ())
GQuark hotsync_link_error_quark (void);

typedef enum {
	HOTSYNC_LINK_ERROR_HANDSHAKE,   /* unexpected packet during the opening */
	HOTSYNC_LINK_ERROR_STATE,       /* a response nobody asked for */
	HOTSYNC_LINK_ERROR_BUSY,        /* a request is still outstanding */
} HotsyncLinkError;

typedef enum {
	HOTSYNC_LINK_NETSYNC,
	HOTSYNC_LINK_SERIAL,
} HotsyncLinkKind;

typedef struct _HotsyncLink HotsyncLink;

/* max_baud: the fastest serial rate the desktop's port supports (ignored
 * for NetSync).  Limits are the defaults of hotsync-limits.h. */
HotsyncLink *hotsync_link_new (HotsyncLinkKind kind, guint32 max_baud);

/* The handheld's end, for simulators: it opens the connection itself (the
 * first output is the NetSync hello, or a CMP WAKE offering max_baud with
 * long PADP headers), answers the desktop's requests one at a time
 * (hotsync_link_pop_request() / hotsync_link_send_response()), and sends
 * its PADP fragments in the long form, as Palm OS devices do.  On serial,
 * hotsync_link_take_baud_change() gives the rate of the desktop's INIT. */
HotsyncLink *hotsync_link_new_handheld (HotsyncLinkKind kind, guint32 max_baud, gint64 now_us);

/* Handheld: the next DLP request, or NULL.  Transfer full.  A desktop that
 * sends another request before the answer fails the feed with
 * HOTSYNC_LINK_ERROR_STATE. */
GBytes *hotsync_link_pop_request (HotsyncLink *link);

/* Handheld: answers the request last popped.  On serial the answer waits
 * while PADP still delivers the previous one. */
gboolean hotsync_link_send_response (HotsyncLink *link, GBytes *response, gint64 now_us, GError **error);
void hotsync_link_free (HotsyncLink *link);

/* Processes all len bytes.  now_us: the caller's monotonic clock. */
gboolean hotsync_link_feed (HotsyncLink *link, const guint8 *data, gsize len, gint64 now_us, GError **error);

/* The next buffer to write, or NULL.  Transfer full. */
GBytes *hotsync_link_pop_output (HotsyncLink *link);

/* Serial: the negotiated rate once, after the handheld acked our INIT;
 * 0 otherwise. */
guint32 hotsync_link_take_baud_change (HotsyncLink *link);

/* The handshake is done: DLP may flow. */
gboolean hotsync_link_is_ready (const HotsyncLink *link);

/* Sends one DLP request (its encoded bytes).  Fails with
 * HOTSYNC_LINK_ERROR_BUSY while the previous answer has not arrived, and
 * HOTSYNC_LINK_ERROR_STATE before the link is ready. */
gboolean hotsync_link_send_request (HotsyncLink *link, GBytes *request, gint64 now_us, GError **error);

/* The answer to the outstanding request, or NULL.  Transfer full. */
GBytes *hotsync_link_pop_response (HotsyncLink *link);

/* Monotonic time of the next retransmission, or G_MAXINT64. */
gint64 hotsync_link_get_deadline (const HotsyncLink *link);
gboolean hotsync_link_handle_timeout (HotsyncLink *link, gint64 now_us, GError **error);

/* Queues a keep-alive (a NetSync tickle datagram or a PADP tickle, never
 * acked) for when the desktop needs a while before its next request: a
 * handheld gives up on a silent desktop after its CMP timeout (1–2 min). */
void hotsync_link_tickle (HotsyncLink *link);

/* Serial frames dropped for bad checksums, lengths or CRCs. */
guint hotsync_link_get_dropped (const HotsyncLink *link);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncLink, hotsync_link_free)

G_END_DECLS
