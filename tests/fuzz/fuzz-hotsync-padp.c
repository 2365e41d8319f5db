/* Fuzz target: PADP receive, send and timeouts.  The input is a script:
 * each step is an opcode byte, then for "frame" an xid, a length byte and
 * that many body bytes. */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "hotsync/hotsync-padp.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (4096);
	gsize off = 0;
	gint64 now = 0;

	while (off < size) {
		guint8 op = data[off++];
		g_autoptr (GError) error = NULL;
		GBytes *out;
		guint8 xid;

		switch (op % 4) {
		case 0: {   /* a PADP frame from the peer */
			g_auto (HotsyncSlpFrame) f = { 3, 3, HOTSYNC_SLP_TYPE_PADP, 0, NULL };
			gsize n;

			if (2 > size - off)
				return 0;
			f.xid = data[off];
			n = data[off + 1];
			off += 2;
			n = MIN (n, size - off);
			if (op & 0x80)
				n = MIN ((gsize) (op & 0x7f) * 16 + n, size - off);
			f.body = g_bytes_new (data + off, n);
			off += n;
			if (!hotsync_padp_receive_frame (padp, &f, now, &error))
				g_assert_nonnull (error);
			break;
		}
		case 1: {   /* send a message made of what follows */
			gsize n = MIN ((gsize) op * 13, size - off);
			gboolean busy = hotsync_padp_is_sending (padp);
			gboolean ok = hotsync_padp_send (padp, hotsync_padp_next_xid (padp), data + off, n, now, &error);

			g_assert_cmpint (ok, ==, !busy);
			break;
		}
		case 2:     /* time passes */
			now += (gint64) op * 100000;
			if (!hotsync_padp_handle_timeout (padp, now, &error))
				g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_TIMEOUT);
			break;
		default:
			hotsync_padp_set_long_form (padp, op & 0x80);
			hotsync_padp_tickle (padp, op);
			break;
		}
		while ((out = hotsync_padp_pop_output (padp)) != NULL) {
			g_assert_cmpuint (g_bytes_get_size (out), <=, 12 + 6 + 1024);
			g_bytes_unref (out);
		}
		while ((out = hotsync_padp_pop_message (padp, &xid)) != NULL) {
			g_assert_cmpuint (g_bytes_get_size (out), <=, 4096);
			g_bytes_unref (out);
		}
	}
	return 0;
}
