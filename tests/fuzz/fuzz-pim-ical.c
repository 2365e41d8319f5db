/* Fuzz target: iCalendar text (as an import or the store hands it over) →
 * EasEvent / EasTask / EasNote → ApplicationData and back to iCalendar;
 * every VTIMEZONE → TimeZone blob → VTIMEZONE.  The first byte picks the
 * class and the protocol version; the rest is the text. */
#include "config.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "eas/eas-calendar.h"
#include "eas/eas-note.h"
#include "eas/eas-task.h"
#include "eas/eas-timezone.h"
#include "fuzz.h"

static const EasVersion versions[] = { 25, 120, 121, 140, 141, 160, 161 };

/* Inputs beyond this are not interesting and make libical slow. */
#define FUZZ_MAX_ICAL (64 * 1024)

static void
finish (EasWbxmlWriter *w)
{
	g_autoptr (GBytes) out = NULL;
	g_autoptr (GError) error = NULL;

	eas_wbxml_writer_end (w);
	out = eas_wbxml_writer_finish (w, &error);
	g_assert_no_error (error);
}

static void
event (icalcomponent *comp, EasVersion version)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasEvent) ev = eas_event_from_ical (comp, &error);
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	icalcomponent *back;

	g_assert_true ((ev == NULL) != (error == NULL));
	if (ev == NULL)
		return;
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_event_encode (w, ev, version);
	finish (w);
	back = eas_event_to_ical (ev, &error);
	g_assert_true ((back == NULL) != (error == NULL));
	if (back != NULL)
		icalcomponent_free (back);
}

static void
task (icalcomponent *comp, EasVersion version)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasTask) t = eas_task_from_ical (comp, &error);
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	g_assert_true ((t == NULL) != (error == NULL));
	if (t == NULL)
		return;
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_task_encode (w, t, version);
	finish (w);
	icalcomponent_free (eas_task_to_ical (t));
}

static void
note (icalcomponent *comp, EasVersion version)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNote) n = eas_note_from_ical (comp, &error);
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	g_assert_true ((n == NULL) != (error == NULL));
	if (n == NULL)
		return;
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_note_encode (w, n, version);
	finish (w);
	icalcomponent_free (eas_note_to_ical (n));
}

/* VTIMEZONE → blob → base64 → blob → VTIMEZONE. */
static void
timezones (icalcomponent *comp)
{
	for (icalcomponent *vtz = icalcomponent_get_first_component (comp, ICAL_VTIMEZONE_COMPONENT);
	     vtz != NULL; vtz = icalcomponent_get_next_component (comp, ICAL_VTIMEZONE_COMPONENT)) {
		icaltimezone *zone = icaltimezone_new ();
		g_autoptr (GError) error = NULL;
		g_autofree char *b64 = NULL;
		EasTimeZone tz, again;

		if (icaltimezone_set_component (zone, icalcomponent_new_clone (vtz)) &&
		    eas_timezone_from_icaltimezone (zone, 2026, &tz, &error)) {
			b64 = eas_timezone_encode_base64 (&tz);
			g_assert_true (eas_timezone_decode_base64 (b64, -1, &again, &error));
			icalcomponent_free (eas_timezone_to_vtimezone (&again, "fuzz"));
		}
		icaltimezone_free (zone, TRUE);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autofree char *text = NULL;
	icalcomponent *comp;
	EasVersion version;

	if (size < 1 || size > FUZZ_MAX_ICAL)
		return 0;
	version = versions[(data[0] >> 2) % G_N_ELEMENTS (versions)];
	text = g_strndup ((const char *) data + 1, size - 1);
	comp = icalparser_parse_string (text);
	if (comp == NULL)
		return 0;
	switch (data[0] & 3) {
	case 0:
		event (comp, version);
		break;
	case 1:
		task (comp, version);
		break;
	case 2:
		note (comp, version);
		break;
	default:
		timezones (comp);
		break;
	}
	icalcomponent_free (comp);
	return 0;
}
