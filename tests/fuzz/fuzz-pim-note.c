/* Fuzz target: note ApplicationData (WBXML) → model → iCalendar text →
 * model → ApplicationData.  The first byte picks the protocol version. */
#include "config.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "eas/eas-note.h"
#include "fuzz.h"

static const EasVersion versions[] = { 25, 120, 121, 140, 141, 160, 161 };

static void
encode (const EasNote *item, EasVersion version)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GBytes) out = NULL;
	g_autoptr (GError) error = NULL;

	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_note_encode (w, item, version);
	eas_wbxml_writer_end (w);
	out = eas_wbxml_writer_finish (w, &error);
	g_assert_no_error (error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = NULL;
	g_autoptr (EasNote) item = NULL;
	g_autoptr (EasNote) back = NULL;
	icalcomponent *cal, *parsed;
	char *text;
	EasVersion version;

	if (size < 1)
		return 0;
	version = versions[data[0] % G_N_ELEMENTS (versions)];
	root = eas_wbxml_parse (data + 1, size - 1, NULL, &error);
	if (root == NULL)
		return 0;
	item = eas_note_decode (root, version, &error);
	g_assert_true ((item == NULL) != (error == NULL));
	if (item == NULL)
		return 0;
	encode (item, version);
	cal = eas_note_to_ical (item);
	text = icalcomponent_as_ical_string_r (cal);
	parsed = icalparser_parse_string (text);
	if (parsed != NULL) {
		back = eas_note_from_ical (parsed, &error);
		g_assert_true ((back == NULL) != (error == NULL));
		if (back != NULL)
			encode (back, version);
		icalcomponent_free (parsed);
	}
	free (text);
	icalcomponent_free (cal);
	return 0;
}
