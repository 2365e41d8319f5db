/* Fuzz target: SLP framing.  The same bytes fed whole, one byte at a time
 * and in chunks of 7 give the same events; every frame re-encodes to a
 * frame that decodes to itself. */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "hotsync/hotsync-slp.h"

static GPtrArray *
decode (const uint8_t *data, size_t size, gsize step)
{
	g_autoptr (HotsyncSlpDecoder) dec = hotsync_slp_decoder_new (1030);
	GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	gsize off = 0;

	while (off < size) {
		gsize n = MIN (step, size - off);

		for (;;) {
			g_auto (HotsyncSlpEvent) ev = { 0 };
			gsize used = hotsync_slp_decoder_feed (dec, data + off, n, &ev);
			guint8 tag;

			g_assert_cmpuint (used, <=, n);
			off += used;
			n -= used;
			if (ev.type == HOTSYNC_SLP_EVENT_NONE)
				break;
			if (ev.type != HOTSYNC_SLP_EVENT_FRAME) {
				tag = (guint8) ev.type;
				g_ptr_array_add (events, g_bytes_new (&tag, 1));
				continue;
			}
			g_ptr_array_add (events, hotsync_slp_encode (ev.frame.dest, ev.frame.src, ev.frame.type, ev.frame.xid,
			                                             g_bytes_get_data (ev.frame.body, NULL),
			                                             g_bytes_get_size (ev.frame.body)));
		}
	}
	return events;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GPtrArray) a = decode (data, size, G_MAXSIZE);
	g_autoptr (GPtrArray) b = decode (data, size, 1);
	g_autoptr (GPtrArray) c = decode (data, size, 7);

	g_assert_cmpuint (a->len, ==, b->len);
	g_assert_cmpuint (a->len, ==, c->len);
	for (guint i = 0; i < a->len; i++) {
		GBytes *x = g_ptr_array_index (a, i);

		g_assert_true (g_bytes_equal (x, g_ptr_array_index (b, i)));
		g_assert_true (g_bytes_equal (x, g_ptr_array_index (c, i)));
		if (g_bytes_get_size (x) > 1) {
			/* A re-encoded frame decodes to exactly one frame. */
			g_autoptr (GPtrArray) again = decode (g_bytes_get_data (x, NULL), g_bytes_get_size (x), G_MAXSIZE);

			g_assert_cmpuint (again->len, ==, 1);
			g_assert_true (g_bytes_equal (g_ptr_array_index (again, 0), x));
		}
	}
	return 0;
}
