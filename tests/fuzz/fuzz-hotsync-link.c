/* Fuzz target: HotsyncLink, both ends of a connection, fed as a NetSync
 * and as a serial link; the first byte picks the chunk size. */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "hotsync/hotsync-link.h"

static void
run (HotsyncLinkKind kind, gboolean handheld, const uint8_t *data, size_t size, gsize step)
{
	g_autoptr (HotsyncLink) link = handheld ? hotsync_link_new_handheld (kind, 57600, 0) : hotsync_link_new (kind, 115200);
	static const guint8 ans[] = { 0xaf, 0x00, 0x00, 0x00 };
	g_autoptr (GBytes) answer = g_bytes_new_static (ans, sizeof ans);
	static const guint8 req[] = { 0x2f, 0x01, 0x20, 0x02, 0x00, 0x00 };
	g_autoptr (GBytes) request = g_bytes_new_static (req, sizeof req);
	gsize off = 0;
	gint64 now = 0;

	while (off < size) {
		gsize n = MIN (step, size - off);
		g_autoptr (GError) error = NULL;
		GBytes *out = NULL;

		if (!hotsync_link_feed (link, data + off, n, now, &error)) {
			g_assert_nonnull (error);
			return;
		}
		off += n;
		now += 500000;
		g_clear_pointer (&error, g_error_free);
		if (!hotsync_link_handle_timeout (link, now, &error))
			return;
		hotsync_link_take_baud_change (link);
		if (handheld) {
			out = hotsync_link_pop_request (link);
			if (out != NULL && !hotsync_link_send_response (link, answer, now, &error))
				return;
		} else {
			out = hotsync_link_pop_response (link);
			if (hotsync_link_is_ready (link) && (out != NULL || off == n))
				hotsync_link_send_request (link, request, now, NULL);
		}
		g_clear_pointer (&out, g_bytes_unref);
		while ((out = hotsync_link_pop_output (link)) != NULL)
			g_bytes_unref (out);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	gsize step;

	if (size == 0)
		return 0;
	step = (gsize) data[0] + 1;
	for (int handheld = 0; handheld < 2; handheld++) {
		run (HOTSYNC_LINK_NETSYNC, handheld, data + 1, size - 1, step);
		run (HOTSYNC_LINK_SERIAL, handheld, data + 1, size - 1, step);
	}
	return 0;
}
