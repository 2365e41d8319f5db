/* The simulated handheld's end of a HotSync link: see handheld-link.h. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-cmp.h"
#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-netsync.h"
#include "hotsync/hotsync-padp.h"
#include "hotsync/hotsync-slp.h"
#include "tests/handheld/handheld-link.h"

#define CHUNK 16384
#define IDLE_MS 30000

/* The handheld's opening NetSync packets (hotsync.md: opaque, fixed size;
 * these are what a Palm OS 4 device sends). */
static const guint8 net_hello[HOTSYNC_NETSYNC_HELLO_LEN] = {
	0x90, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00,
	0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const guint8 net_reply1_head[] = {
	0x92, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x24,
	0xff, 0xff, 0xff, 0xff, 0x3c, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x00, 0x40,
};
static const guint8 net_reply2[HOTSYNC_NETSYNC_REPLY2_LEN] = { 0x93, 0x00, 0, 0, 0, 0, 0, 0 };

typedef struct {
	ConduitTransport *t;
	HandheldDlp dlp;
	const HandheldLinkOptions *opt;
	HandheldLinkResult *result;
	guint32 baud;
	gint64 out_free;     /* pacing: when the line is free again (µs) */
	gint64 in_free;
	guint frames_out;
} Hh;

static void
pace (Hh *hh, gint64 *line_free, gsize n)
{
	gint64 now = g_get_monotonic_time ();
	gint64 start = MAX (now, *line_free);

	if (!hh->opt->pace || hh->baud == 0)
		return;
	*line_free = start + (gint64) n * 10 * G_USEC_PER_SEC / hh->baud;
	if (*line_free > now)
		g_usleep ((gulong) (*line_free - now));
}

static gboolean
hh_write (Hh *hh, const guint8 *data, gsize len, gboolean frame, GError **error)
{
	g_autofree guint8 *copy = NULL;

	if (frame && hh->opt->corrupt_every > 0 && ++hh->frames_out % hh->opt->corrupt_every == 0 && len > 12) {
		/* Spoil a body byte: the CRC no longer matches. */
		copy = g_memdup2 (data, len);
		copy[len - 3] ^= 0x5a;
		data = copy;
		hh->result->corrupted++;
	}
	pace (hh, &hh->out_free, len);
	return conduit_transport_write (hh->t, data, len, error);
}

static gssize
hh_read (Hh *hh, guint8 *buf, int timeout_ms, GError **error)
{
	gssize n = conduit_transport_read (hh->t, buf, CHUNK, timeout_ms, error);

	if (n > 0)
		pace (hh, &hh->in_free, (gsize) n);
	return n;
}

/* The answer to one DLP request; FALSE with result->dropped when the test
 * asked to hang up here. */
static GBytes *
serve (Hh *hh, GBytes *request)
{
	if (hh->opt->drop_after > 0 && hh->dlp.requests + 1 >= hh->opt->drop_after) {
		hh->result->dropped = TRUE;
		return NULL;
	}
	return handheld_dlp_answer (&hh->dlp, g_bytes_get_data (request, NULL), g_bytes_get_size (request));
}

static gboolean
net_send (Hh *hh, guint8 xid, const guint8 *data, gsize len, GError **error)
{
	g_autoptr (GBytes) b = hotsync_netsync_encode (HOTSYNC_NETSYNC_TYPE_DATA, xid, data, len);

	return hh_write (hh, g_bytes_get_data (b, NULL), g_bytes_get_size (b), TRUE, error);
}

static gboolean
net_frame (Hh *hh, guint *stage, HotsyncNetsyncFrame *f, GError **error)
{
	guint8 reply1[HOTSYNC_NETSYNC_REPLY1_LEN] = { 0 };
	g_autoptr (GBytes) answer = NULL;

	if (f->type != HOTSYNC_NETSYNC_TYPE_DATA)
		return TRUE;   /* tickle */
	switch ((*stage)++) {
	case 0:
		memcpy (reply1, net_reply1_head, sizeof net_reply1_head);
		return net_send (hh, f->xid, reply1, sizeof reply1, error);
	case 1:
		return net_send (hh, f->xid, net_reply2, sizeof net_reply2, error);
	default:
		answer = serve (hh, f->payload);
		if (answer == NULL)
			return TRUE;
		return net_send (hh, f->xid, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), error);
	}
}

static gboolean
run_net (Hh *hh, GError **error)
{
	g_autoptr (HotsyncNetsyncDecoder) dec = hotsync_netsync_decoder_new (HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT, FALSE);
	g_autofree guint8 *buf = g_malloc (CHUNK);
	guint stage = 0;

	if (!net_send (hh, 0xff, net_hello, sizeof net_hello, error))
		return FALSE;
	while (!hh->dlp.ended && !hh->result->dropped) {
		gssize n = hh_read (hh, buf, IDLE_MS, error);
		gsize off = 0;

		if (n <= 0) {
			if (n == 0)
				g_set_error_literal (error, CONDUIT_TRANSPORT_ERROR, CONDUIT_TRANSPORT_ERROR_CLOSED,
				                     "the desktop went silent");
			return FALSE;
		}
		while (off < (gsize) n && !hh->result->dropped) {
			g_auto (HotsyncNetsyncFrame) f = { 0 };
			gsize used;

			if (!hotsync_netsync_decoder_feed (dec, buf + off, (gsize) n - off, &used, &f, error))
				return FALSE;
			off += used;
			if (f.payload != NULL && !net_frame (hh, &stage, &f, error))
				return FALSE;
		}
	}
	return TRUE;
}

/* ---- Serial ---- */

static gboolean
flush_padp (Hh *hh, HotsyncPadp *padp, GError **error)
{
	GBytes *out;

	while ((out = hotsync_padp_pop_output (padp)) != NULL) {
		gboolean ok = hh_write (hh, g_bytes_get_data (out, NULL), g_bytes_get_size (out), TRUE, error);

		g_bytes_unref (out);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static gboolean
serial_message (Hh *hh, HotsyncPadp *padp, GBytes *msg, guint8 xid, guint32 *pending_baud, GError **error)
{
	g_autoptr (GBytes) answer = NULL;

	if (hh->baud == 0) {
		HotsyncCmp init;

		/* Waiting for CMP INIT. */
		if (!hotsync_cmp_parse (g_bytes_get_data (msg, NULL), g_bytes_get_size (msg), &init, error))
			return FALSE;
		hh->baud = HOTSYNC_CMP_INITIAL_BAUD;
		if (init.flags & HOTSYNC_CMP_FLAG_CHANGE_BAUD)
			*pending_baud = init.baud;
		return TRUE;
	}
	answer = serve (hh, msg);
	if (answer == NULL)
		return TRUE;
	return hotsync_padp_send (padp, xid, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
	                          g_get_monotonic_time (), error);
}

static gboolean
serial_feed (Hh *hh, HotsyncSlpDecoder *slp, HotsyncPadp *padp, const guint8 *buf, gsize n,
             guint32 *pending_baud, GError **error)
{
	gsize off = 0;
	GBytes *msg;
	guint8 xid;

	while (off < n) {
		g_auto (HotsyncSlpEvent) ev = { 0 };

		off += hotsync_slp_decoder_feed (slp, buf + off, n - off, &ev);
		if (ev.type == HOTSYNC_SLP_EVENT_FRAME) {
			g_autoptr (GError) local = NULL;

			/* A PADP error drops that packet (hotsync-padp.h). */
			(void) hotsync_padp_receive_frame (padp, &ev.frame, g_get_monotonic_time (), &local);
		} else if (ev.type == HOTSYNC_SLP_EVENT_NONE) {
			break;
		}
	}
	while ((msg = hotsync_padp_pop_message (padp, &xid)) != NULL) {
		gboolean ok = serial_message (hh, padp, msg, xid, pending_baud, error);

		g_bytes_unref (msg);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static int
serial_wait (HotsyncPadp *padp)
{
	gint64 deadline = hotsync_padp_get_deadline (padp);
	gint64 now = g_get_monotonic_time ();

	if (deadline == G_MAXINT64)
		return IDLE_MS;
	return deadline > now ? (int) MIN ((deadline - now + 999) / 1000, IDLE_MS) : 0;
}

static gboolean
serial_step (Hh *hh, HotsyncSlpDecoder *slp, HotsyncPadp *padp, guint8 *buf, GError **error)
{
	guint32 pending_baud = 0;
	int wait = serial_wait (padp);
	gssize n = hh_read (hh, buf, wait, error);
	gint64 now = g_get_monotonic_time ();

	if (n < 0)
		return FALSE;
	if (n == 0 && hotsync_padp_get_deadline (padp) == G_MAXINT64) {
		g_set_error_literal (error, CONDUIT_TRANSPORT_ERROR, CONDUIT_TRANSPORT_ERROR_CLOSED,
		                     "the desktop went silent");
		return FALSE;
	}
	if (n > 0 && !serial_feed (hh, slp, padp, buf, (gsize) n, &pending_baud, error))
		return FALSE;
	if (now >= hotsync_padp_get_deadline (padp) && !hotsync_padp_handle_timeout (padp, now, error))
		return FALSE;
	if (!flush_padp (hh, padp, error))
		return FALSE;
	if (pending_baud != 0) {
		/* CMP: switch once our ack of the INIT is out. */
		hh->baud = pending_baud;
		hh->result->baud = pending_baud;
		return conduit_transport_set_baud (hh->t, pending_baud, error);
	}
	return TRUE;
}

static gboolean
run_serial (Hh *hh, GError **error)
{
	g_autoptr (HotsyncSlpDecoder) slp = hotsync_slp_decoder_new (HOTSYNC_SLP_MAX_BODY_DEFAULT);
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (HOTSYNC_PADP_MAX_MESSAGE_DEFAULT);
	g_autofree guint8 *buf = g_malloc (CHUNK);
	HotsyncCmp wake = { HOTSYNC_CMP_TYPE_WAKE, 0, 1, 1, 0, hh->opt->max_baud ? hh->opt->max_baud : 115200 };
	guint8 wire[HOTSYNC_CMP_LEN];

	hotsync_padp_set_long_form (padp, TRUE);
	if (hh->opt->ack_timeout_us > 0)
		hotsync_padp_set_timing (padp, hh->opt->ack_timeout_us, HOTSYNC_PADP_MAX_RETRIES);
	hotsync_cmp_encode (&wake, wire);
	hh->baud = 0;
	if (!hotsync_padp_send (padp, 0xff, wire, sizeof wire, g_get_monotonic_time (), error) ||
	    !flush_padp (hh, padp, error))
		return FALSE;
	/* Until EndOfSync is answered and its answer acknowledged. */
	while (!hh->result->dropped && !(hh->dlp.ended && !hotsync_padp_is_sending (padp)))
		if (!serial_step (hh, slp, padp, buf, error))
			return FALSE;
	return TRUE;
}

gboolean
handheld_link_run (ConduitTransport *t, gboolean serial, HandheldState *state, const HandheldLinkOptions *options,
                   HandheldLinkResult *out_result, GError **error)
{
	Hh hh = { 0 };
	gboolean ok;

	memset (out_result, 0, sizeof *out_result);
	hh.t = t;
	hh.dlp.state = state;
	hh.opt = options;
	hh.result = out_result;
	hh.baud = serial ? HOTSYNC_CMP_INITIAL_BAUD : 0;
	ok = serial ? run_serial (&hh, error) : run_net (&hh, error);
	out_result->requests = hh.dlp.requests;
	out_result->completed = ok && hh.dlp.ended;
	return ok;
}
