/* Fuzz target: our reader of a recurrence pattern's end date
 * (pststore_map_recurrence_end, [MS-OXOCAL] 2.2.1.44.1). */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "pst/pststore-map.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	gint64 end = pststore_map_recurrence_end (data, size);

	/* Either no end, or a time iCalendar can write (1601 … 9999). */
	g_assert_true (end == PSTSTORE_TIME_UNSET ||
		       (end >= G_GINT64_CONSTANT (-11644473600) && end <= G_GINT64_CONSTANT (253402300799)));
	return 0;
}
