/* Fuzz target: task ApplicationData (WBXML) → EasTask → iCalendar text →
 * EasTask → ApplicationData.  The first byte picks the protocol version. */
#include "config.h"

#include "eas/eas-task.h"
#include "fuzz-pim-roundtrip.h"

static icalcomponent *
task_to_ical (const EasTask *task, GError **error)
{
	(void) error;
	return eas_task_to_ical (task);
}

PIM_ROUNDTRIP_FUZZER (EasTask, eas_task_decode, eas_task_encode, task_to_ical, eas_task_from_ical)
