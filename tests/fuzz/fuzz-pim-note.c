/* Fuzz target: note ApplicationData (WBXML) → EasNote → iCalendar text →
 * EasNote → ApplicationData.  The first byte picks the protocol version. */
#include "config.h"

#include "eas/eas-note.h"
#include "fuzz-pim-roundtrip.h"

static icalcomponent *
note_to_ical (const EasNote *note, GError **error)
{
	(void) error;
	return eas_note_to_ical (note);
}

PIM_ROUNDTRIP_FUZZER (EasNote, eas_note_decode, eas_note_encode, note_to_ical, eas_note_from_ical)
