/* Either end of a HotSync connection below DLP: see hotsync-link.h. */
#include "config.h"

#include "hotsync/hotsync-cmp.h"
#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-link.h"
#include "hotsync/hotsync-netsync.h"
#include "hotsync/hotsync-padp.h"
#include "hotsync/hotsync-slp.h"

G_DEFINE_QUARK (hotsync-link-error-quark, hotsync_link_error)

typedef enum {
	/* NetSync: which handheld packet comes next. */
	STATE_NET_HELLO,
	STATE_NET_REPLY1,
	STATE_NET_REPLY2,
	/* Serial */
	STATE_SERIAL_WAKE,
	STATE_SERIAL_INIT_SENT,
	/* The handheld's end: which desktop packet comes next. */
	STATE_HH_NET_ACCEPT1,
	STATE_HH_NET_ACCEPT2,
	STATE_HH_SERIAL_INIT,
	STATE_READY,
} State;

struct _HotsyncLink {
	HotsyncLinkKind kind;
	guint32 max_baud;
	State state;
	GQueue output;
	gboolean handheld;           /* the handheld's end */
	guint8 last_xid;             /* NetSync: the desktop's ids */
	gboolean waiting;            /* a DLP request is unanswered */
	guint8 request_xid;
	GBytes *response;            /* desktop: the answer, not yet popped */
	GBytes *request;             /* handheld: the request, not yet popped */
	GBytes *pending;             /* handheld, serial: answer waiting for PADP */
	guint32 baud_change;
	guint dropped;
	HotsyncNetsyncDecoder *net;
	HotsyncSlpDecoder *slp;
	HotsyncPadp *padp;
};

static void net_send (HotsyncLink *link, guint8 xid, const guint8 *data, gsize len);

HotsyncLink *
hotsync_link_new (HotsyncLinkKind kind, guint32 max_baud)
{
	HotsyncLink *link = g_new0 (HotsyncLink, 1);

	link->kind = kind;
	link->max_baud = max_baud;
	g_queue_init (&link->output);
	if (kind == HOTSYNC_LINK_NETSYNC) {
		link->state = STATE_NET_HELLO;
		link->net = hotsync_netsync_decoder_new (HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT, TRUE);
	} else {
		link->state = STATE_SERIAL_WAKE;
		link->slp = hotsync_slp_decoder_new (HOTSYNC_SLP_MAX_BODY_DEFAULT);
		link->padp = hotsync_padp_new (HOTSYNC_PADP_MAX_MESSAGE_DEFAULT);
	}
	return link;
}

HotsyncLink *
hotsync_link_new_handheld (HotsyncLinkKind kind, guint32 max_baud, gint64 now_us)
{
	HotsyncLink *link = hotsync_link_new (kind, max_baud);

	link->handheld = TRUE;
	if (kind == HOTSYNC_LINK_NETSYNC) {
		link->state = STATE_HH_NET_ACCEPT1;
		/* The desktop's decoder must not take a bare 0x90 as a hello. */
		hotsync_netsync_decoder_free (link->net);
		link->net = hotsync_netsync_decoder_new (HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT, FALSE);
		net_send (link, 0xff, hotsync_netsync_hello (), HOTSYNC_NETSYNC_HELLO_LEN);
	} else {
		HotsyncCmp wake = { HOTSYNC_CMP_TYPE_WAKE, HOTSYNC_CMP_FLAG_LONG_PADP, 1, 3, 0, max_baud };
		guint8 buf[HOTSYNC_CMP_LEN];
		GBytes *out;

		link->state = STATE_HH_SERIAL_INIT;
		hotsync_padp_set_long_form (link->padp, TRUE);
		hotsync_cmp_encode (&wake, buf);
		/* The handheld's first packet carries id 0xFF. */
		hotsync_padp_send (link->padp, 0xff, buf, sizeof buf, now_us, NULL);
		while ((out = hotsync_padp_pop_output (link->padp)) != NULL)
			g_queue_push_tail (&link->output, out);
	}
	return link;
}

void
hotsync_link_free (HotsyncLink *link)
{
	if (link == NULL)
		return;
	g_queue_clear_full (&link->output, (GDestroyNotify) g_bytes_unref);
	g_clear_pointer (&link->response, g_bytes_unref);
	g_clear_pointer (&link->request, g_bytes_unref);
	g_clear_pointer (&link->pending, g_bytes_unref);
	hotsync_netsync_decoder_free (link->net);
	hotsync_slp_decoder_free (link->slp);
	hotsync_padp_free (link->padp);
	g_free (link);
}

static guint8
next_net_xid (HotsyncLink *link)
{
	link->last_xid = link->last_xid >= 0xfe ? 1 : link->last_xid + 1;
	return link->last_xid;
}

static void
net_send (HotsyncLink *link, guint8 xid, const guint8 *data, gsize len)
{
	g_queue_push_tail (&link->output, hotsync_netsync_encode (HOTSYNC_NETSYNC_TYPE_DATA, xid, data, len));
}

/* Handheld: a request from the desktop. */
static gboolean
take_request (HotsyncLink *link, guint8 xid, GBytes *data, GError **error)
{
	if (link->waiting || link->request != NULL) {
		g_set_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_STATE,
		             "DLP request with id 0x%02x before the previous one was answered", xid);
		return FALSE;
	}
	link->waiting = TRUE;
	link->request_xid = xid;
	link->request = g_bytes_ref (data);
	return TRUE;
}

static gboolean
take_response (HotsyncLink *link, guint8 xid, GBytes *data, GError **error)
{
	if (link->handheld)
		return take_request (link, xid, data, error);
	if (!link->waiting || xid != link->request_xid) {
		g_set_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_STATE,
		             "DLP answer with id 0x%02x while %s", xid,
		             link->waiting ? "waiting for another id" : "no request is outstanding");
		return FALSE;
	}
	link->waiting = FALSE;
	link->response = g_bytes_ref (data);
	return TRUE;
}

/* The handheld's side of the NetSync opening: the desktop's two packets,
 * each answered with the same id. */
static gboolean
net_packet_handheld (HotsyncLink *link, const HotsyncNetsyncFrame *f, GError **error)
{
	gboolean first = link->state == STATE_HH_NET_ACCEPT1;
	gsize want = first ? HOTSYNC_NETSYNC_ACCEPT1_LEN : HOTSYNC_NETSYNC_ACCEPT2_LEN;
	gsize len = g_bytes_get_size (f->payload);

	if (len != want) {
		g_set_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_HANDSHAKE,
		             "NetSync opening: desktop packet of %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT,
		             len, want);
		return FALSE;
	}
	if (first) {
		net_send (link, f->xid, hotsync_netsync_reply1 (), HOTSYNC_NETSYNC_REPLY1_LEN);
		link->state = STATE_HH_NET_ACCEPT2;
	} else {
		net_send (link, f->xid, hotsync_netsync_reply2 (), HOTSYNC_NETSYNC_REPLY2_LEN);
		link->state = STATE_READY;
	}
	return TRUE;
}

/* The NetSync opening: three handheld packets of fixed size, answered by
 * our two fixed ones; then DLP. */
static gboolean
net_packet (HotsyncLink *link, const HotsyncNetsyncFrame *f, GError **error)
{
	static const gsize sizes[] = { HOTSYNC_NETSYNC_HELLO_LEN, HOTSYNC_NETSYNC_REPLY1_LEN, HOTSYNC_NETSYNC_REPLY2_LEN };
	gsize len = g_bytes_get_size (f->payload);

	if (f->type == HOTSYNC_NETSYNC_TYPE_TICKLE)
		return TRUE;
	if (link->state == STATE_READY)
		return take_response (link, f->xid, f->payload, error);
	if (link->handheld)
		return net_packet_handheld (link, f, error);
	if (len != sizes[link->state - STATE_NET_HELLO]) {
		g_set_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_HANDSHAKE,
		             "NetSync opening: packet %d of %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT,
		             link->state - STATE_NET_HELLO + 1, len, sizes[link->state - STATE_NET_HELLO]);
		return FALSE;
	}
	switch (link->state) {
	case STATE_NET_HELLO:
		net_send (link, next_net_xid (link), hotsync_netsync_accept1 (), HOTSYNC_NETSYNC_ACCEPT1_LEN);
		link->state = STATE_NET_REPLY1;
		break;
	case STATE_NET_REPLY1:
		net_send (link, next_net_xid (link), hotsync_netsync_accept2 (), HOTSYNC_NETSYNC_ACCEPT2_LEN);
		link->state = STATE_NET_REPLY2;
		break;
	case STATE_NET_REPLY2:
	default:
		link->state = STATE_READY;
		break;
	}
	return TRUE;
}

static gboolean
net_feed (HotsyncLink *link, const guint8 *data, gsize len, GError **error)
{
	gsize off = 0;

	while (off < len) {
		g_auto (HotsyncNetsyncFrame) f = { 0 };
		gsize used = 0;

		if (!hotsync_netsync_decoder_feed (link->net, data + off, len - off, &used, &f, error))
			return FALSE;
		off += used;
		if (f.payload != NULL && !net_packet (link, &f, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
serial_wake (HotsyncLink *link, guint8 xid, GBytes *msg, gint64 now_us, GError **error)
{
	HotsyncCmp wake, reply;
	guint8 buf[HOTSYNC_CMP_LEN];
	gboolean ok;

	if (!hotsync_cmp_parse (g_bytes_get_data (msg, NULL), g_bytes_get_size (msg), &wake, error))
		return FALSE;
	ok = hotsync_cmp_negotiate (&wake, link->max_baud, TRUE, &reply, error);
	if (!ok && reply.type != HOTSYNC_CMP_TYPE_ABORT)
		return FALSE;
	hotsync_cmp_encode (&reply, buf);
	/* Our INIT (or ABORT) carries the WAKE's id (0xFF). */
	if (!hotsync_padp_send (link->padp, xid, buf, sizeof buf, now_us, ok ? error : NULL))
		return FALSE;
	if (!ok)
		return FALSE;
	/* With HOTSYNC_CMP_FLAG_LONG_PADP agreed, PADP may use long headers
	 * for messages above 64 KiB; shorter ones keep the short form. */
	link->baud_change = reply.baud;
	link->state = STATE_SERIAL_INIT_SENT;
	return TRUE;
}

/* Handheld: the desktop's answer to our WAKE. */
static gboolean
serial_init (HotsyncLink *link, GBytes *msg, GError **error)
{
	HotsyncCmp init;

	if (!hotsync_cmp_parse (g_bytes_get_data (msg, NULL), g_bytes_get_size (msg), &init, error))
		return FALSE;
	if (init.type != HOTSYNC_CMP_TYPE_INIT) {
		g_set_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_HANDSHAKE,
		             "serial opening: the desktop answered with CMP type %u", init.type);
		return FALSE;
	}
	link->baud_change = init.baud != 0 ? init.baud : HOTSYNC_CMP_INITIAL_BAUD;
	link->state = STATE_READY;
	return TRUE;
}

/* Handheld, serial: send the held answer once PADP is free. */
static gboolean
flush_pending (HotsyncLink *link, gint64 now_us, GError **error)
{
	GBytes *out;

	if (link->pending != NULL && !hotsync_padp_is_sending (link->padp)) {
		g_autoptr (GBytes) answer = g_steal_pointer (&link->pending);

		if (!hotsync_padp_send (link->padp, link->request_xid, g_bytes_get_data (answer, NULL),
		                        g_bytes_get_size (answer), now_us, error))
			return FALSE;
	}
	while ((out = hotsync_padp_pop_output (link->padp)) != NULL)
		g_queue_push_tail (&link->output, out);
	return TRUE;
}

static gboolean
serial_frame (HotsyncLink *link, const HotsyncSlpFrame *frame, gint64 now_us, GError **error)
{
	GBytes *out, *msg;
	guint8 xid;
	gboolean was_sending = hotsync_padp_is_sending (link->padp);

	if (!hotsync_padp_receive_frame (link->padp, frame, now_us, error))
		return FALSE;
	while ((out = hotsync_padp_pop_output (link->padp)) != NULL)
		g_queue_push_tail (&link->output, out);
	if (link->state == STATE_SERIAL_INIT_SENT && was_sending && !hotsync_padp_is_sending (link->padp))
		link->state = STATE_READY;   /* INIT acked: switch rates */
	while ((msg = hotsync_padp_pop_message (link->padp, &xid)) != NULL) {
		g_autoptr (GBytes) m = msg;

		if (link->state == STATE_HH_SERIAL_INIT) {
			if (!serial_init (link, m, error))
				return FALSE;
		} else if (link->state == STATE_SERIAL_WAKE) {
			gboolean ok = serial_wake (link, xid, m, now_us, error);

			/* An ABORT goes out even when the WAKE is refused. */
			while ((out = hotsync_padp_pop_output (link->padp)) != NULL)
				g_queue_push_tail (&link->output, out);
			if (!ok)
				return FALSE;
		} else if (link->state == STATE_READY) {
			if (!take_response (link, xid, m, error))
				return FALSE;
		} else {
			g_set_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_HANDSHAKE,
			             "serial opening: data before our INIT was acked");
			return FALSE;
		}
	}
	return link->handheld ? flush_pending (link, now_us, error) : TRUE;
}

static gboolean
serial_feed (HotsyncLink *link, const guint8 *data, gsize len, gint64 now_us, GError **error)
{
	gsize off = 0;

	for (;;) {
		g_auto (HotsyncSlpEvent) ev = { 0 };

		off += hotsync_slp_decoder_feed (link->slp, data + off, len - off, &ev);
		switch (ev.type) {
		case HOTSYNC_SLP_EVENT_NONE:
			return TRUE;
		case HOTSYNC_SLP_EVENT_FRAME:
			if (!serial_frame (link, &ev.frame, now_us, error))
				return FALSE;
			break;
		default:
			link->dropped++;
			break;
		}
	}
}

gboolean
hotsync_link_feed (HotsyncLink *link, const guint8 *data, gsize len, gint64 now_us, GError **error)
{
	g_return_val_if_fail (link != NULL, FALSE);
	g_return_val_if_fail (data != NULL || len == 0, FALSE);

	if (link->kind == HOTSYNC_LINK_NETSYNC)
		return net_feed (link, data, len, error);
	return serial_feed (link, data, len, now_us, error);
}

GBytes *
hotsync_link_pop_output (HotsyncLink *link)
{
	return g_queue_pop_head (&link->output);
}

guint32
hotsync_link_take_baud_change (HotsyncLink *link)
{
	guint32 baud;

	if (link->kind != HOTSYNC_LINK_SERIAL || link->state != STATE_READY)
		return 0;
	baud = link->baud_change;
	link->baud_change = 0;
	return baud;
}

gboolean
hotsync_link_is_ready (const HotsyncLink *link)
{
	return link->state == STATE_READY;
}

gboolean
hotsync_link_send_request (HotsyncLink *link, GBytes *request, gint64 now_us, GError **error)
{
	gsize len;
	const guint8 *data;

	g_return_val_if_fail (link != NULL && request != NULL, FALSE);
	g_return_val_if_fail (!link->handheld, FALSE);
	if (link->state != STATE_READY) {
		g_set_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_STATE,
		             "DLP request before the opening handshake finished");
		return FALSE;
	}
	if (link->waiting || link->response != NULL) {
		g_set_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_BUSY,
		             "DLP request while the previous one is unanswered");
		return FALSE;
	}
	data = g_bytes_get_data (request, &len);
	if (link->kind == HOTSYNC_LINK_NETSYNC) {
		link->request_xid = next_net_xid (link);
		net_send (link, link->request_xid, data, len);
	} else {
		GBytes *out;

		link->request_xid = hotsync_padp_next_xid (link->padp);
		if (!hotsync_padp_send (link->padp, link->request_xid, data, len, now_us, error))
			return FALSE;
		while ((out = hotsync_padp_pop_output (link->padp)) != NULL)
			g_queue_push_tail (&link->output, out);
	}
	link->waiting = TRUE;
	return TRUE;
}

GBytes *
hotsync_link_pop_response (HotsyncLink *link)
{
	return g_steal_pointer (&link->response);
}

gint64
hotsync_link_get_deadline (const HotsyncLink *link)
{
	return link->padp != NULL ? hotsync_padp_get_deadline (link->padp) : G_MAXINT64;
}

gboolean
hotsync_link_handle_timeout (HotsyncLink *link, gint64 now_us, GError **error)
{
	GBytes *out;

	if (link->padp == NULL)
		return TRUE;
	if (!hotsync_padp_handle_timeout (link->padp, now_us, error))
		return FALSE;
	if (link->handheld)
		return flush_pending (link, now_us, error);
	while ((out = hotsync_padp_pop_output (link->padp)) != NULL)
		g_queue_push_tail (&link->output, out);
	return TRUE;
}

GBytes *
hotsync_link_pop_request (HotsyncLink *link)
{
	return g_steal_pointer (&link->request);
}

gboolean
hotsync_link_send_response (HotsyncLink *link, GBytes *response, gint64 now_us, GError **error)
{
	g_return_val_if_fail (link != NULL && response != NULL, FALSE);
	g_return_val_if_fail (link->handheld, FALSE);

	if (!link->waiting) {
		g_set_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_STATE,
		             "DLP answer while no request is unanswered");
		return FALSE;
	}
	link->waiting = FALSE;
	if (link->kind == HOTSYNC_LINK_NETSYNC) {
		net_send (link, link->request_xid, g_bytes_get_data (response, NULL), g_bytes_get_size (response));
		return TRUE;
	}
	link->pending = g_bytes_ref (response);
	return flush_pending (link, now_us, error);
}

void
hotsync_link_tickle (HotsyncLink *link)
{
	GBytes *out;

	if (link->kind == HOTSYNC_LINK_NETSYNC) {
		g_queue_push_tail (&link->output,
		                   hotsync_netsync_encode (HOTSYNC_NETSYNC_TYPE_TICKLE, link->last_xid, NULL, 0));
		return;
	}
	hotsync_padp_tickle (link->padp, hotsync_padp_next_xid (link->padp));
	while ((out = hotsync_padp_pop_output (link->padp)) != NULL)
		g_queue_push_tail (&link->output, out);
}

guint
hotsync_link_get_dropped (const HotsyncLink *link)
{
	return link->dropped;
}
