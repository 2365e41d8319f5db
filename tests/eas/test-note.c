/* test-note.c — note model ⇄ ApplicationData ⇄ VJOURNAL. */
#include "config.h"

#include <string.h>

#include "eas/eas-note.h"
#include "tests/eas/pim-test-util.h"

#define NS "xmlns=\"AirSync:\" xmlns:n=\"Notes:\" xmlns:b=\"AirSyncBase:\""

static EasNote *
decode_xml (const char *body, EasVersion version, GError **error)
{
	g_autofree char *xml = g_strdup_printf ("<ApplicationData " NS ">%s</ApplicationData>", body);
	g_autoptr(EasNode) root = pim_test_parse_xml (xml);

	return eas_note_decode (root, version, error);
}

static const char *full =
	"<n:Subject>Shopping</n:Subject>"
	"<n:MessageClass>IPM.StickyNote</n:MessageClass>"
	"<n:LastModifiedDate>2026-11-26T10:00:00.000Z</n:LastModifiedDate>"
	"<n:Categories><n:Category>Home</n:Category></n:Categories>"
	"<b:Body><b:Type>1</b:Type><b:Data>milk\neggs</b:Data></b:Body>";

static void
assert_notes_equal (const EasNote *a, const EasNote *b)
{
	g_assert_cmpstr (a->subject, ==, b->subject);
	g_assert_cmpstr (a->body, ==, b->body);
	g_assert_cmpuint (a->body_type, ==, b->body_type);
	g_assert_cmpstr (a->message_class, ==, b->message_class);
	g_assert_cmpint (a->last_modified, ==, b->last_modified);
	g_assert_cmpuint (a->categories->len, ==, b->categories->len);
	for (guint i = 0; i < a->categories->len; i++)
		g_assert_cmpstr (g_ptr_array_index (a->categories, i), ==, g_ptr_array_index (b->categories, i));
}

static void
test_roundtrip (void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(EasNote) note = decode_xml (full, 140, &error);
	g_autoptr(EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(EasNode) root = NULL;
	g_autoptr(EasNote) back = NULL;
	g_autoptr(EasNote) from_ical = NULL;
	icalcomponent *cal, *parsed;
	g_autofree char *text = NULL;

	g_assert_no_error (error);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_note_encode (w, note, 161);
	eas_wbxml_writer_end (w);
	bytes = eas_wbxml_writer_finish (w, &error);
	root = eas_wbxml_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, &error);
	g_assert_no_error (error);
	back = eas_note_decode (root, 161, &error);
	g_assert_no_error (error);
	assert_notes_equal (note, back);

	cal = eas_note_to_ical (note);
	text = icalcomponent_as_ical_string_r (cal);
	g_assert_nonnull (strstr (text, "BEGIN:VJOURNAL"));
	parsed = icalparser_parse_string (text);
	from_ical = eas_note_from_ical (parsed, &error);
	g_assert_no_error (error);
	assert_notes_equal (note, from_ical);
	icalcomponent_free (cal);
	icalcomponent_free (parsed);
}

static void
test_versions (void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(EasNote) old = decode_xml (full, 121, &error);
	g_autoptr(EasNote) note = NULL;
	g_autoptr(EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr(GBytes) bytes = NULL;

	g_assert_null (old);
	g_assert_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED);
	g_clear_error (&error);
	note = decode_xml (full, 140, &error);
	g_assert_no_error (error);
	/* Nothing is written for a 12.1 device. */
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_note_encode (w, note, 121);
	eas_wbxml_writer_end (w);
	bytes = eas_wbxml_writer_finish (w, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (g_bytes_get_size (bytes), ==, 4 + 1);	/* header + empty ApplicationData */
}

static void
test_message_class (void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(EasNote) yellow = decode_xml ("<n:MessageClass>IPM.StickyNote.Yellow</n:MessageClass>", 141, &error);
	g_autoptr(EasNote) mail = NULL;

	g_assert_no_error (error);
	g_assert_cmpstr (yellow->message_class, ==, "IPM.StickyNote.Yellow");
	mail = decode_xml ("<n:MessageClass>IPM.Note</n:MessageClass>", 141, &error);
	g_assert_null (mail);
	g_assert_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED);
	g_clear_error (&error);
	g_clear_pointer (&mail, eas_note_free);
	mail = decode_xml ("<n:LastModifiedDate>2026-13-01T00:00:00.000Z</n:LastModifiedDate>", 141, &error);
	g_assert_null (mail);
	g_assert_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED);
}

/* Bodies at the limit, one byte over, and a 10 MB note (built as a tree:
 * the WBXML decoder would refuse it even earlier). */
static void
test_body_limit (void)
{
	const gsize sizes[] = { EAS_PIM_MAX_BODY_BYTES, EAS_PIM_MAX_BODY_BYTES + 1, 10u * 1000 * 1000 };

	for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
		g_autoptr(EasNode) root = eas_node_new (EAS_AIRSYNC_APPLICATION_DATA);
		EasNode *body = eas_node_append (root, EAS_AIRSYNCBASE_BODY);
		g_autofree char *text = g_strnfill (sizes[i], 'n');
		g_autoptr(GError) error = NULL;
		g_autoptr(EasNote) note = NULL;

		eas_node_append_text (body, EAS_AIRSYNCBASE_TYPE, "1");
		eas_node_append_text (body, EAS_AIRSYNCBASE_DATA, text);
		note = eas_note_decode (root, 141, &error);
		if (i == 0) {
			g_assert_no_error (error);
			g_assert_cmpuint (strlen (note->body), ==, sizes[i]);
		} else {
			g_assert_null (note);
			g_assert_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT);
		}
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/note/roundtrip", test_roundtrip);
	g_test_add_func ("/note/versions", test_versions);
	g_test_add_func ("/note/message-class", test_message_class);
	g_test_add_func ("/note/body-limit", test_body_limit);
	return g_test_run ();
}
