/* Fuzz target: HotsyncSession fed arbitrary answers.  The input is a list
 * of answers, each a length byte and that many bytes; the first byte picks
 * fast or slow sync.  The session must never crash, and never hand out a
 * request that does not decode. */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "hotsync/hotsync-session.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	HotsyncSessionConfig config = { 0x1234, { 2026, 1, 1, 0, 0, 0, 0 }, 9, "fuzz" };
	g_autoptr (HotsyncSession) s = hotsync_session_new (&config);
	static const char *const dbs[] = { "MemoDB", "ToDoDB" };
	g_autoptr (GBytes) text = g_bytes_new_static ("memo", 5);
	HotsyncSessionChange changes[] = { { FALSE, 0, 0x40, 1, text }, { TRUE, 5, 0, 0, NULL } };
	HotsyncSessionEvent ev;
	gsize off = 1;

	if (size == 0)
		return 0;
	hotsync_session_set_log (s, "log");
	while (hotsync_session_next (s, &ev)) {
		g_autoptr (GError) error = NULL;
		gboolean stop = FALSE;

		switch (ev.type) {
		case HOTSYNC_SESSION_EVENT_SEND: {
			g_autoptr (HotsyncDlpRequest) req = hotsync_dlp_request_decode (g_bytes_get_data (ev.request, NULL),
			                                                                 g_bytes_get_size (ev.request), NULL, &error);
			gsize n;

			g_assert_no_error (error);
			g_assert_nonnull (req);
			if (off >= size) {
				stop = TRUE;
				break;
			}
			n = MIN ((gsize) data[off], size - off - 1);
			if (!hotsync_session_receive (s, data + off + 1, n, &error))
				stop = TRUE;
			off += 1 + n;
			break;
		}
		case HOTSYNC_SESSION_EVENT_PLAN:
			g_assert_true (hotsync_session_set_plan (s, data[0] & 1, dbs, 2, &error));
			break;
		case HOTSYNC_SESSION_EVENT_CHANGES:
			if (data[0] & 2)
				hotsync_session_cancel (s, 2);
			else
				g_assert_true (hotsync_session_set_changes (s, changes, G_N_ELEMENTS (changes), NULL, &error));
			break;
		default:
			break;
		}
		hotsync_session_event_clear (&ev);
		if (stop)
			break;
	}
	return 0;
}
