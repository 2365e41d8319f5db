/* Fuzz target: CMP parsing and negotiation. */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "hotsync/hotsync-cmp.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	HotsyncCmp c, reply;
	guint8 back[HOTSYNC_CMP_LEN];

	if (!hotsync_cmp_parse (data, size, &c, &error)) {
		g_assert_nonnull (error);
		return 0;
	}
	hotsync_cmp_encode (&c, back);
	g_assert_cmpmem (back, sizeof back, data, size);
	if (hotsync_cmp_negotiate (&c, 115200, TRUE, &reply, &error)) {
		g_assert_cmpuint (reply.type, ==, HOTSYNC_CMP_TYPE_INIT);
		g_assert_cmpuint (reply.baud, <=, 115200);
		g_assert_cmpuint (reply.baud, >, 0);
	} else {
		g_assert_nonnull (error);
	}
	return 0;
}
