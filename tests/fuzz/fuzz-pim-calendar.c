/* Fuzz target: Calendar ApplicationData (WBXML) → EasEvent → iCalendar
 * text → EasEvent → ApplicationData.  The first byte picks the version. */
#include "config.h"

#include "eas/eas-calendar.h"
#include "fuzz-pim-roundtrip.h"

PIM_ROUNDTRIP_FUZZER (EasEvent, eas_event_decode, eas_event_encode, eas_event_to_ical, eas_event_from_ical)
