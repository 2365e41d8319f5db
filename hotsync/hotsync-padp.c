/* PADP: see hotsync-padp.h. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-padp.h"
#include "hotsync/hotsync-private.h"

G_DEFINE_QUARK (hotsync-padp-error-quark, hotsync_padp_error)

typedef struct {
	guint8 xid;
	GBytes *data;
} Message;

struct _HotsyncPadp {
	gsize max_message;
	gboolean long_form;
	gint64 ack_timeout_us;
	guint max_retries;
	guint8 last_xid;

	GQueue output;      /* GBytes: SLP frames */
	GQueue messages;    /* Message */

	/* Receiving */
	gboolean rx_active;
	guint8 rx_xid;
	guint8 *rx_buf;
	gsize rx_total;
	gsize rx_have;
	gboolean rx_have_last_key;
	guint8 rx_last_key_xid;
	guint8 rx_last_key_flags;
	guint32 rx_last_key_size;

	/* Sending */
	gboolean tx_active;
	guint8 tx_xid;
	GBytes *tx_data;
	gsize tx_off;        /* start of the fragment in flight */
	gsize tx_frag_len;
	GBytes *tx_frame;    /* the fragment in flight, for retransmission */
	gint64 tx_deadline;
	guint tx_retries;
};

static void
message_free (gpointer p)
{
	Message *m = p;

	g_bytes_unref (m->data);
	g_free (m);
}

gboolean
hotsync_padp_header_parse (const guint8      *data,
                           gsize              len,
                           HotsyncPadpHeader *out_header,
                           gsize             *out_header_len,
                           GError           **error)
{
	HotsyncReader r;
	HotsyncPadpHeader h = { 0 };
	guint16 size16;

	hotsync_reader_init (&r, data, len);
	if (!hotsync_reader_u8 (&r, &h.type) || !hotsync_reader_u8 (&r, &h.flags))
		goto short_header;
	switch (h.type) {
	case HOTSYNC_PADP_TYPE_DATA:
	case HOTSYNC_PADP_TYPE_ACK:
	case HOTSYNC_PADP_TYPE_TICKLE:
	case HOTSYNC_PADP_TYPE_ABORT:
		break;
	default:
		g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_MALFORMED,
		             "PADP header: unknown type %u", h.type);
		return FALSE;
	}
	if (h.flags & HOTSYNC_PADP_FLAG_LONG) {
		if (!hotsync_reader_u32 (&r, &h.size))
			goto short_header;
	} else {
		if (!hotsync_reader_u16 (&r, &size16))
			goto short_header;
		h.size = size16;
	}
	*out_header = h;
	*out_header_len = r.off;
	return TRUE;

short_header:
	g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_MALFORMED,
	             "PADP header: %" G_GSIZE_FORMAT " bytes are too few", len);
	return FALSE;
}

gsize
hotsync_padp_header_encode (const HotsyncPadpHeader *header, guint8 out[HOTSYNC_PADP_HEADER_MAX])
{
	out[0] = header->type;
	out[1] = header->flags;
	if (header->flags & HOTSYNC_PADP_FLAG_LONG) {
		hotsync_put_u32 (out + 2, header->size);
		return 6;
	}
	g_return_val_if_fail (header->size <= G_MAXUINT16, 4);
	hotsync_put_u16 (out + 2, (guint16) header->size);
	return 4;
}

HotsyncPadp *
hotsync_padp_new (gsize max_message)
{
	HotsyncPadp *padp = g_new0 (HotsyncPadp, 1);

	padp->max_message = max_message;
	padp->ack_timeout_us = HOTSYNC_PADP_ACK_TIMEOUT_US;
	padp->max_retries = HOTSYNC_PADP_MAX_RETRIES;
	g_queue_init (&padp->output);
	g_queue_init (&padp->messages);
	return padp;
}

static void
rx_reset (HotsyncPadp *padp)
{
	g_clear_pointer (&padp->rx_buf, g_free);
	padp->rx_active = FALSE;
	padp->rx_total = 0;
	padp->rx_have = 0;
}

static void
tx_reset (HotsyncPadp *padp)
{
	g_clear_pointer (&padp->tx_data, g_bytes_unref);
	g_clear_pointer (&padp->tx_frame, g_bytes_unref);
	padp->tx_active = FALSE;
	padp->tx_off = 0;
	padp->tx_frag_len = 0;
	padp->tx_retries = 0;
}

void
hotsync_padp_free (HotsyncPadp *padp)
{
	if (padp == NULL)
		return;
	rx_reset (padp);
	tx_reset (padp);
	g_queue_clear_full (&padp->output, (GDestroyNotify) g_bytes_unref);
	g_queue_clear_full (&padp->messages, message_free);
	g_free (padp);
}

void
hotsync_padp_set_long_form (HotsyncPadp *padp, gboolean long_form)
{
	padp->long_form = long_form;
}

void
hotsync_padp_set_timing (HotsyncPadp *padp, gint64 ack_timeout_us, guint max_retries)
{
	padp->ack_timeout_us = ack_timeout_us;
	padp->max_retries = max_retries;
}

static GBytes *
build_frame (guint8 xid, const HotsyncPadpHeader *h, const guint8 *data, gsize len)
{
	guint8 body[HOTSYNC_PADP_HEADER_MAX + HOTSYNC_PADP_FRAGMENT_SIZE];
	gsize hl = hotsync_padp_header_encode (h, body);

	g_assert (len <= HOTSYNC_PADP_FRAGMENT_SIZE);
	if (len > 0)
		memcpy (body + hl, data, len);
	return hotsync_slp_encode (HOTSYNC_SLP_SOCKET_DLP, HOTSYNC_SLP_SOCKET_DLP,
	                           HOTSYNC_SLP_TYPE_PADP, xid, body, hl + len);
}

static void
queue_ack (HotsyncPadp *padp, guint8 xid, const HotsyncPadpHeader *data_header)
{
	HotsyncPadpHeader ack = { HOTSYNC_PADP_TYPE_ACK, HOTSYNC_PADP_FLAG_FIRST | HOTSYNC_PADP_FLAG_LAST, data_header->size };

	/* The acks of the recorded desktop (tests/data/hotsync/SOURCE.md),
	 * which real handhelds accept: flags first|last whatever the
	 * fragment's, the size repeated, the short form when it fits.
	 * Handhelds match acks by transaction id. */
	if (ack.size > G_MAXUINT16)
		ack.flags |= HOTSYNC_PADP_FLAG_LONG;

	g_queue_push_tail (&padp->output, build_frame (xid, &ack, NULL, 0));
}

static void
tx_send_fragment (HotsyncPadp *padp, gint64 now_us)
{
	gsize total = g_bytes_get_size (padp->tx_data);
	const guint8 *data = g_bytes_get_data (padp->tx_data, NULL);
	HotsyncPadpHeader h = { HOTSYNC_PADP_TYPE_DATA, 0, 0 };

	g_assert (padp->tx_off <= total);
	padp->tx_frag_len = MIN (total - padp->tx_off, (gsize) HOTSYNC_PADP_FRAGMENT_SIZE);
	if (padp->tx_off == 0) {
		h.flags |= HOTSYNC_PADP_FLAG_FIRST;
		h.size = (guint32) total;
	} else {
		h.size = (guint32) padp->tx_off;
	}
	if (padp->tx_off + padp->tx_frag_len == total)
		h.flags |= HOTSYNC_PADP_FLAG_LAST;
	if (padp->long_form || total > G_MAXUINT16)
		h.flags |= HOTSYNC_PADP_FLAG_LONG;
	g_clear_pointer (&padp->tx_frame, g_bytes_unref);
	padp->tx_frame = build_frame (padp->tx_xid, &h, data + padp->tx_off, padp->tx_frag_len);
	g_queue_push_tail (&padp->output, g_bytes_ref (padp->tx_frame));
	padp->tx_deadline = now_us + padp->ack_timeout_us;
	padp->tx_retries = 0;
}

/* Our fragment in flight was acked (or answered). */
static void
tx_acked (HotsyncPadp *padp, gint64 now_us)
{
	padp->tx_off += padp->tx_frag_len;
	if (padp->tx_off >= g_bytes_get_size (padp->tx_data)) {
		tx_reset (padp);
		return;
	}
	tx_send_fragment (padp, now_us);
}

static void
remember_key (HotsyncPadp *padp, guint8 xid, const HotsyncPadpHeader *h)
{
	padp->rx_have_last_key = TRUE;
	padp->rx_last_key_xid = xid;
	padp->rx_last_key_flags = h->flags;
	padp->rx_last_key_size = h->size;
}

static gboolean
receive_first (HotsyncPadp *padp, guint8 xid, const HotsyncPadpHeader *h, gsize n, GError **error)
{
	if (h->size > padp->max_message) {
		g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_TOO_LONG,
		             "PADP: message of %" G_GUINT32_FORMAT " bytes exceeds the limit of %" G_GSIZE_FORMAT,
		             h->size, padp->max_message);
		return FALSE;
	}
	if (n > h->size) {
		g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_SEQUENCE,
		             "PADP: first fragment of %" G_GSIZE_FORMAT " bytes exceeds its total of %" G_GUINT32_FORMAT,
		             n, h->size);
		return FALSE;
	}
	rx_reset (padp);
	padp->rx_active = TRUE;
	padp->rx_xid = xid;
	padp->rx_total = h->size;
	padp->rx_buf = g_malloc (h->size > 0 ? h->size : 1);
	return TRUE;
}

static gboolean
receive_data (HotsyncPadp *padp, guint8 xid, const HotsyncPadpHeader *h,
              const guint8 *data, gsize n, gint64 now_us, GError **error)
{
	if (padp->rx_have_last_key && xid == padp->rx_last_key_xid &&
	    h->flags == padp->rx_last_key_flags && h->size == padp->rx_last_key_size) {
		queue_ack (padp, xid, h);   /* a retransmission: our ack was lost */
		return TRUE;
	}
	if (n > HOTSYNC_PADP_FRAGMENT_SIZE) {
		g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_MALFORMED,
		             "PADP: fragment of %" G_GSIZE_FORMAT " bytes exceeds %d", n, HOTSYNC_PADP_FRAGMENT_SIZE);
		return FALSE;
	}
	if (h->flags & HOTSYNC_PADP_FLAG_FIRST) {
		if (!receive_first (padp, xid, h, n, error))
			return FALSE;
		/* The peer's answer to our message doubles as the last ack. */
		if (padp->tx_active && xid == padp->tx_xid &&
		    padp->tx_off + padp->tx_frag_len == g_bytes_get_size (padp->tx_data))
			tx_acked (padp, now_us);
	} else if (!padp->rx_active || xid != padp->rx_xid || h->size != padp->rx_have) {
		g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_SEQUENCE,
		             "PADP: fragment at offset %" G_GUINT32_FORMAT " does not follow %" G_GSIZE_FORMAT " received bytes",
		             h->size, padp->rx_have);
		return FALSE;
	}
	if (n > padp->rx_total - padp->rx_have) {
		g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_SEQUENCE,
		             "PADP: fragment runs past the message total of %" G_GSIZE_FORMAT, padp->rx_total);
		if (h->flags & HOTSYNC_PADP_FLAG_FIRST)
			rx_reset (padp);
		return FALSE;
	}
	if ((h->flags & HOTSYNC_PADP_FLAG_LAST) && n != padp->rx_total - padp->rx_have) {
		g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_SEQUENCE,
		             "PADP: last fragment ends before the message total of %" G_GSIZE_FORMAT, padp->rx_total);
		rx_reset (padp);
		return FALSE;
	}
	if (n > 0)
		memcpy (padp->rx_buf + padp->rx_have, data, n);
	padp->rx_have += n;
	queue_ack (padp, xid, h);
	remember_key (padp, xid, h);
	if (h->flags & HOTSYNC_PADP_FLAG_LAST) {
		Message *m = g_new0 (Message, 1);

		m->xid = xid;
		m->data = g_bytes_new_take (g_steal_pointer (&padp->rx_buf), padp->rx_have);
		g_queue_push_tail (&padp->messages, m);
		rx_reset (padp);
	}
	return TRUE;
}

gboolean
hotsync_padp_receive_frame (HotsyncPadp           *padp,
                            const HotsyncSlpFrame *frame,
                            gint64                 now_us,
                            GError               **error)
{
	HotsyncPadpHeader h;
	gsize hl, len;
	const guint8 *body;

	g_return_val_if_fail (padp != NULL && frame != NULL && frame->body != NULL, FALSE);
	if (frame->type != HOTSYNC_SLP_TYPE_PADP)
		return TRUE;
	body = g_bytes_get_data (frame->body, &len);
	if (!hotsync_padp_header_parse (body, len, &h, &hl, error))
		return FALSE;
	switch (h.type) {
	case HOTSYNC_PADP_TYPE_DATA:
		if (h.flags & HOTSYNC_PADP_FLAG_MEMORY_ERROR) {
			g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_MEMORY,
			             "PADP: the peer is out of memory");
			return FALSE;
		}
		return receive_data (padp, frame->xid, &h, body + hl, len - hl, now_us, error);
	case HOTSYNC_PADP_TYPE_ACK:
		if (padp->tx_active && frame->xid == padp->tx_xid) {
			if (h.flags & HOTSYNC_PADP_FLAG_MEMORY_ERROR) {
				tx_reset (padp);
				g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_MEMORY,
				             "PADP: the peer is out of memory");
				return FALSE;
			}
			tx_acked (padp, now_us);
		}
		return TRUE;   /* a stale ack is harmless */
	case HOTSYNC_PADP_TYPE_TICKLE:
		return TRUE;
	case HOTSYNC_PADP_TYPE_ABORT:
	default:
		g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_ABORTED,
		             "PADP: the peer aborted the connection");
		return FALSE;
	}
}

GBytes *
hotsync_padp_pop_output (HotsyncPadp *padp)
{
	return g_queue_pop_head (&padp->output);
}

GBytes *
hotsync_padp_pop_message (HotsyncPadp *padp, guint8 *out_xid)
{
	Message *m = g_queue_pop_head (&padp->messages);
	GBytes *data;

	if (m == NULL)
		return NULL;
	if (out_xid != NULL)
		*out_xid = m->xid;
	data = g_steal_pointer (&m->data);
	g_free (m);
	return data;
}

guint8
hotsync_padp_next_xid (HotsyncPadp *padp)
{
	padp->last_xid = padp->last_xid >= 0xfe ? 1 : padp->last_xid + 1;
	return padp->last_xid;
}

gboolean
hotsync_padp_send (HotsyncPadp  *padp,
                   guint8        xid,
                   const guint8 *data,
                   gsize         len,
                   gint64        now_us,
                   GError      **error)
{
	g_return_val_if_fail (padp != NULL, FALSE);
	g_return_val_if_fail (xid != 0, FALSE);
	g_return_val_if_fail (data != NULL || len == 0, FALSE);
	g_return_val_if_fail (len <= padp->max_message && len <= G_MAXUINT32, FALSE);

	if (padp->tx_active) {
		g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_BUSY,
		             "PADP: a message is still being sent");
		return FALSE;
	}
	padp->tx_active = TRUE;
	padp->tx_xid = xid;
	padp->tx_data = g_bytes_new (data, len);
	padp->tx_off = 0;
	tx_send_fragment (padp, now_us);
	return TRUE;
}

gboolean
hotsync_padp_is_sending (const HotsyncPadp *padp)
{
	return padp->tx_active;
}

void
hotsync_padp_tickle (HotsyncPadp *padp, guint8 xid)
{
	HotsyncPadpHeader h = { HOTSYNC_PADP_TYPE_TICKLE, 0, 0 };

	g_queue_push_tail (&padp->output, build_frame (xid, &h, NULL, 0));
}

gint64
hotsync_padp_get_deadline (const HotsyncPadp *padp)
{
	return padp->tx_active ? padp->tx_deadline : G_MAXINT64;
}

gboolean
hotsync_padp_handle_timeout (HotsyncPadp *padp, gint64 now_us, GError **error)
{
	if (!padp->tx_active || now_us < padp->tx_deadline)
		return TRUE;
	if (padp->tx_retries >= padp->max_retries) {
		tx_reset (padp);
		g_set_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_TIMEOUT,
		             "PADP: no ack after %u retries", padp->max_retries);
		return FALSE;
	}
	padp->tx_retries++;
	g_queue_push_tail (&padp->output, g_bytes_ref (padp->tx_frame));
	padp->tx_deadline = now_us + padp->ack_timeout_us;
	return TRUE;
}
