/* Fuzz target: Calendar ApplicationData (WBXML) → EasEvent → iCalendar
 * text → EasEvent → ApplicationData.  The first byte picks the version. */
#include "config.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "eas/eas-calendar.h"
#include "fuzz.h"

static const EasVersion versions[] = { 25, 120, 121, 140, 141, 160, 161 };

static void
encode (const EasEvent *ev, EasVersion version)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GBytes) out = NULL;
	g_autoptr (GError) error = NULL;

	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_event_encode (w, ev, version);
	eas_wbxml_writer_end (w);
	out = eas_wbxml_writer_finish (w, &error);
	g_assert_no_error (error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = NULL;
	g_autoptr (EasEvent) ev = NULL;
	g_autoptr (EasEvent) back = NULL;
	icalcomponent *cal, *parsed;
	char *text;
	EasVersion version;

	if (size < 1)
		return 0;
	version = versions[data[0] % G_N_ELEMENTS (versions)];
	root = eas_wbxml_parse (data + 1, size - 1, NULL, &error);
	if (root == NULL)
		return 0;
	ev = eas_event_decode (root, version, &error);
	g_assert_true ((ev == NULL) != (error == NULL));
	if (ev == NULL)
		return 0;
	encode (ev, version);
	cal = eas_event_to_ical (ev, &error);
	g_assert_no_error (error);
	text = icalcomponent_as_ical_string_r (cal);
	parsed = icalparser_parse_string (text);
	if (parsed != NULL) {
		back = eas_event_from_ical (parsed, &error);
		g_assert_true ((back == NULL) != (error == NULL));
		if (back != NULL)
			encode (back, version);
		icalcomponent_free (parsed);
	}
	free (text);
	icalcomponent_free (cal);
	return 0;
}
