/* Fuzz target: MoveItems requests. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "eas/eas-moveitems.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasMoveItemsRequest) req = eas_move_items_request_decode (data, size, NULL, &error);

	g_assert_true ((req == NULL) != (error == NULL));
	if (req == NULL)
		return 0;
	g_assert_cmpuint (req->moves->len, >, 0);
	g_assert_cmpuint (req->moves->len, <=, EAS_MOVE_ITEMS_MAX_MOVES);
	for (guint i = 0; i < req->moves->len; i++) {
		const EasMoveItemsMove *m = g_ptr_array_index (req->moves, i);
		g_assert_cmpuint (strlen (m->src_msg_id), <=, EAS_MOVE_ITEMS_MAX_ID_BYTES);
		g_assert_cmpuint (strlen (m->dst_fld_id), >, 0);
	}
	return 0;
}
