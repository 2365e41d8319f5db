/* Fuzz target: NetSync framing.  The same bytes fed whole and one byte at a
 * time give the same datagrams (or the same failure). */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "hotsync/hotsync-netsync.h"

static GPtrArray *
decode (const uint8_t *data, size_t size, gsize step, gboolean *out_failed)
{
	/* A small limit keeps the fuzzer from spending its time in malloc. */
	g_autoptr (HotsyncNetsyncDecoder) dec = hotsync_netsync_decoder_new (64 * 1024, TRUE);
	GPtrArray *frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	gsize off = 0;

	*out_failed = FALSE;
	while (off < size) {
		gsize n = MIN (step, size - off);

		while (n > 0) {
			g_auto (HotsyncNetsyncFrame) f = { 0 };
			g_autoptr (GError) error = NULL;
			gsize used = 0;

			if (!hotsync_netsync_decoder_feed (dec, data + off, n, &used, &f, &error)) {
				g_assert_nonnull (error);
				*out_failed = TRUE;
				return frames;
			}
			g_assert_cmpuint (used, <=, n);
			off += used;
			n -= used;
			if (f.payload != NULL)
				g_ptr_array_add (frames, hotsync_netsync_encode (f.type, f.xid, g_bytes_get_data (f.payload, NULL),
				                                                 g_bytes_get_size (f.payload)));
		}
	}
	return frames;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	gboolean failed_a, failed_b;
	g_autoptr (GPtrArray) a = decode (data, size, G_MAXSIZE, &failed_a);
	g_autoptr (GPtrArray) b = decode (data, size, 1, &failed_b);

	g_assert_cmpint (failed_a, ==, failed_b);
	g_assert_cmpuint (a->len, ==, b->len);
	for (guint i = 0; i < a->len; i++)
		g_assert_true (g_bytes_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)));
	return 0;
}
