/* fuzz-pim-roundtrip.h — the body shared by the PIM class fuzz targets:
 * ApplicationData (WBXML) → model → iCalendar text → model →
 * ApplicationData.  The first input byte picks the protocol version.
 *
 *   PIM_ROUNDTRIP_FUZZER (EasTask, eas_task_decode, eas_task_encode,
 *                         task_to_ical, eas_task_from_ical)
 *
 * where to_ical is icalcomponent *(const Type *, GError **) and never
 * fails for a decoded item; decode and from_ical set exactly one of their
 * result and error. */
#pragma once

#include <glib.h>
#include <stdlib.h>

#include "eas/eas-wbxml.h"
#include "fuzz.h"

static const EasVersion pim_roundtrip_versions[] = { 25, 120, 121, 140, 141, 160, 161 };

#define PIM_ROUNDTRIP_FUZZER(Type, decode, encode, to_ical, from_ical)                  \
	static void                                                                    \
	pim_roundtrip_encode (const Type *item, EasVersion version)                    \
	{                                                                              \
		g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();                \
		g_autoptr (GBytes) out = NULL;                                         \
		g_autoptr (GError) error = NULL;                                       \
                                                                                       \
		eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);              \
		encode (w, item, version);                                             \
		eas_wbxml_writer_end (w);                                              \
		out = eas_wbxml_writer_finish (w, &error);                             \
		g_assert_no_error (error);                                             \
	}                                                                              \
                                                                                       \
	int                                                                            \
	LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)                     \
	{                                                                              \
		g_autoptr (GError) error = NULL;                                       \
		g_autoptr (EasNode) root = NULL;                                       \
		g_autoptr (Type) item = NULL;                                          \
		g_autoptr (Type) back = NULL;                                          \
		icalcomponent *cal, *parsed;                                           \
		char *text;                                                            \
		EasVersion version;                                                    \
                                                                                       \
		if (size < 1)                                                          \
			return 0;                                                      \
		version = pim_roundtrip_versions[data[0] % G_N_ELEMENTS (pim_roundtrip_versions)]; \
		root = eas_wbxml_parse (data + 1, size - 1, NULL, &error);             \
		if (root == NULL)                                                      \
			return 0;                                                      \
		item = decode (root, version, &error);                                 \
		g_assert_true ((item == NULL) != (error == NULL));                     \
		if (item == NULL)                                                      \
			return 0;                                                      \
		pim_roundtrip_encode (item, version);                                  \
		cal = to_ical (item, &error);                                          \
		g_assert_no_error (error);                                             \
		text = icalcomponent_as_ical_string_r (cal);                           \
		parsed = icalparser_parse_string (text);                               \
		if (parsed != NULL) {                                                  \
			back = from_ical (parsed, &error);                             \
			g_assert_true ((back == NULL) != (error == NULL));             \
			if (back != NULL)                                              \
				pim_roundtrip_encode (back, version);                  \
			icalcomponent_free (parsed);                                   \
		}                                                                      \
		free (text);                                                           \
		icalcomponent_free (cal);                                              \
		return 0;                                                              \
	}
