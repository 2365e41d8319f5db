/* test-wbxml-xml.c — the XML view of the WBXML codec (eas/eas-wbxml-xml.c). */
#include "config.h"

#include <string.h>

#include "eas/eas-wbxml.h"
#include "tests/eas/test-wbxml-common.h"

static char *
to_xml (GBytes *doc)
{
	gsize len;
	const guint8 *p = g_bytes_get_data (doc, &len);
	g_autoptr (GError) error = NULL;
	char *xml = eas_wbxml_to_xml (p, len, NULL, &error);

	g_assert_no_error (error);
	g_assert_nonnull (xml);
	return xml;
}

static GBytes *
from_xml (const char *xml)
{
	g_autoptr (GError) error = NULL;
	GBytes *doc = eas_xml_to_wbxml (xml, strlen (xml), &error);

	g_assert_no_error (error);
	g_assert_nonnull (doc);
	return doc;
}

static void
test_known_answer (void)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	static const guint8 conv[] = { 0x00, 0xFF, 0x10 };

	eas_wbxml_writer_start (w, EAS_AIRSYNC_SYNC);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COLLECTIONS);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SYNC_KEY, "a<b&c>");
	eas_wbxml_writer_empty (w, EAS_AIRSYNC_GET_CHANGES);
	eas_wbxml_writer_opaque_element (w, EAS_EMAIL2_CONVERSATION_ID, conv, sizeof conv);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNCBASE_DATA, "line\r\nbell\a");
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	g_autoptr (GBytes) doc = eas_wbxml_writer_finish (w, NULL);
	g_autofree char *xml = to_xml (doc);

	g_assert_cmpstr (xml, ==,
	                 "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	                 "<Sync xmlns=\"AirSync:\" xmlns:airsyncbase=\"AirSyncBase:\" xmlns:email2=\"Email2:\">\n"
	                 "  <Collections>\n"
	                 "    <SyncKey>a&lt;b&amp;c&gt;</SyncKey>\n"
	                 "    <GetChanges/>\n"
	                 "    <email2:ConversationId opaque=\"base64\">AP8Q</email2:ConversationId>\n"
	                 "    <airsyncbase:Data text=\"base64\">bGluZQ0KYmVsbAc=</airsyncbase:Data>\n"
	                 "  </Collections>\n"
	                 "</Sync>\n");
	g_autoptr (GBytes) again = from_xml (xml);
	g_assert_true (g_bytes_equal (again, doc));
}

static void
test_roundtrip_random (void)
{
	g_autoptr (GRand) rand = g_rand_new_with_seed (777);

	for (guint round = 0; round < 300; round++) {
		g_autoptr (GBytes) doc = random_document (rand, 7, 30);
		g_autofree char *xml = to_xml (doc);
		g_autoptr (GBytes) again = from_xml (xml);
		if (!g_bytes_equal (again, doc))
			g_error ("round %u: WBXML → XML → WBXML differs:\n%s", round, xml);
	}
}

/* Mixed content (never in EAS, but WBXML allows it) still round-trips. */
static void
test_roundtrip_mixed (void)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	static const guint8 bytes[] = { 1, 2, 3, 0 };

	eas_wbxml_writer_start (w, EAS_NOTES_SUBJECT);
	eas_wbxml_writer_text (w, "before ", -1);
	eas_wbxml_writer_empty (w, EAS_NOTES_CATEGORY);
	eas_wbxml_writer_text (w, "  ", -1);
	eas_wbxml_writer_opaque_begin (w, sizeof bytes);
	eas_wbxml_writer_opaque_data (w, bytes, sizeof bytes);
	eas_wbxml_writer_opaque_end (w);
	eas_wbxml_writer_text (w, "\x01", -1);
	eas_wbxml_writer_start (w, EAS_NOTES_CATEGORIES);
	eas_wbxml_writer_text_element (w, EAS_NOTES_CATEGORY, "x");
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_text (w, "after", -1);
	eas_wbxml_writer_end (w);
	g_autoptr (GBytes) doc = eas_wbxml_writer_finish (w, NULL);
	g_autofree char *xml = to_xml (doc);

	g_assert_nonnull (strstr (xml, "<?wbxml-opaque AQIDAA==?>"));
	g_assert_nonnull (strstr (xml, "<?wbxml-text ICA=?>"));
	g_autoptr (GBytes) again = from_xml (xml);
	g_assert_true (g_bytes_equal (again, doc));
}

/* Every WBXML fixture: WBXML → XML → WBXML is byte-exact when the input is
 * canonical, and WBXML → XML → WBXML → XML is stable otherwise. */
static void
test_fixtures (void)
{
	g_autoptr (GPtrArray) paths = fixture_wbxml_paths ();
	guint exact = 0;

	if (paths == NULL)
		return;
	for (guint i = 0; i < paths->len; i++) {
		const char *path = g_ptr_array_index (paths, i);
		g_autoptr (GBytes) doc = fixture_load (path);
		gsize len;
		const guint8 *p = g_bytes_get_data (doc, &len);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasNode) root = eas_wbxml_parse (p, len, NULL, &error);
		if (root == NULL)
			g_error ("%s: %s", path, error->message);
		g_autoptr (GBytes) canonical = eas_node_encode (root);
		g_autofree char *xml = to_xml (doc);
		g_autoptr (GBytes) again = from_xml (xml);

		if (g_bytes_equal (canonical, doc)) {
			if (!g_bytes_equal (again, doc))
				g_error ("%s: canonical document does not round-trip", path);
			exact++;
		} else {
			g_autofree char *xml2 = to_xml (again);
			g_assert_cmpstr (xml2, ==, xml);
		}
	}
	g_test_message ("%u of %u fixtures round-trip byte for byte", exact, paths->len);
	g_assert_cmpuint (exact, >, 0);
}

/* libwbxml's XML (its tag names, SynCE namespaces, no namespace at all)
 * encodes, and means what libwbxml's own encoding means. */
static void
test_libwbxml_xml (void)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	if (shared == NULL) {
		g_test_skip ("AIRDOCK_SHARED not set");
		return;
	}
	g_autofree char *dir = g_build_filename (shared, "fixtures", "eas", "libwbxml", NULL);
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	if (d == NULL) {
		g_test_skip ("libwbxml fixtures not found");
		return;
	}
	const char *name;
	guint compared = 0;
	while ((name = g_dir_read_name (d)) != NULL) {
		if (!g_str_has_suffix (name, ".xml"))
			continue;
		g_autofree char *path = g_build_filename (dir, name, NULL);
		g_autofree char *xml = NULL;
		gsize len;
		g_assert_true (g_file_get_contents (path, &xml, &len, NULL));
		g_autoptr (GError) error = NULL;
		g_autoptr (GBytes) ours = eas_xml_to_wbxml (xml, len, &error);
		if (ours == NULL)
			g_error ("%s: %s", name, error->message);

		/* libwbxml's own encoding, where there is one: same elements and
		 * texts (it turns base64 MIME into OPAQUE; we keep the text). */
		g_autofree char *base = g_strndup (name, strlen (name) - 4);
		g_autofree char *wb = g_strdup_printf ("%s.wbxml", base);
		g_autofree char *theirs_path = g_build_filename (dir, "encoded-by-xml2wbxml", wb, NULL);
		if (!g_file_test (theirs_path, G_FILE_TEST_EXISTS))
			continue;
		g_autoptr (GBytes) theirs = fixture_load (theirs_path);
		gsize l1, l2;
		const guint8 *p1 = g_bytes_get_data (ours, &l1);
		const guint8 *p2 = g_bytes_get_data (theirs, &l2);
		g_autofree char *t1 = trace_decode (p1, l1, 0, NULL, &error);
		g_assert_no_error (error);
		g_autofree char *t2 = trace_decode (p2, l2, 0, NULL, &error);
		g_assert_no_error (error);
		if (strstr (t2, "[opaque") != NULL)
			continue;
		g_assert_cmpstr (t1, ==, t2);
		compared++;
	}
	g_assert_cmpuint (compared, >=, 10);
}

typedef struct {
	const char *name;
	const char *xml;
	const char *needle;
} BadXml;

static const BadXml bad_xml[] = {
	{ "unknown-element", "<Sync xmlns=\"AirSync:\"><Nope/></Sync>", "unknown element Nope" },
	{ "unknown-namespace", "<Sync xmlns=\"Bogus:\"/>", "namespace Bogus:" },
	{ "unbound-prefix", "<Sync xmlns=\"AirSync:\"><x:Add/></Sync>", "x:Add" },
	{ "bad-base64", "<Sync xmlns=\"AirSync:\"><SyncKey opaque=\"base64\">a*b=</SyncKey></Sync>", "base64" },
	{ "text-b64-nul", "<Sync xmlns=\"AirSync:\"><SyncKey text=\"base64\">AA==</SyncKey></Sync>", "NUL" },
	{ "attribute", "<Sync xmlns=\"AirSync:\" foo=\"1\"/>", "attribute foo" },
	{ "text-outside", "<Sync xmlns=\"AirSync:\"/>junk", "line 1" },
	{ "two-roots", "<Sync xmlns=\"AirSync:\"/><Sync xmlns=\"AirSync:\"/>", "" },
	{ "no-root", "  ", "empty" },
	{ "not-xml", "<Sync xmlns=\"AirSync:\">", "XML" },
	{ "b64-children", "<Sync xmlns=\"AirSync:\" opaque=\"base64\"><Add/></Sync>", "child" },
};

static void
test_bad_xml (gconstpointer data)
{
	const BadXml *bad = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) out = eas_xml_to_wbxml (bad->xml, strlen (bad->xml), &error);

	g_assert_null (out);
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED);
	if (strstr (error->message, bad->needle) == NULL)
		g_error ("%s: \"%s\" lacks \"%s\"", bad->name, error->message, bad->needle);
}

/* 10,000 levels (limits raised): printed and read back without recursion
 * and without quadratic indentation. */
static void
test_deep (void)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	EasWbxmlLimits limits;

	for (guint i = 0; i < 10000; i++)
		eas_wbxml_writer_start (w, i % 2 ? EAS_AIRSYNC_ADD : EAS_EMAIL_CATEGORIES);
	eas_wbxml_writer_text (w, "deep", -1);
	for (guint i = 0; i < 10000; i++)
		eas_wbxml_writer_end (w);
	g_autoptr (GBytes) doc = eas_wbxml_writer_finish (w, NULL);
	gsize len;
	const guint8 *p = g_bytes_get_data (doc, &len);
	eas_wbxml_limits_init_default (&limits);
	limits.depth = 10000;
	g_autoptr (GError) error = NULL;
	g_autofree char *xml = eas_wbxml_to_xml (p, len, &limits, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (strlen (xml), <, 100 * len);
	g_autoptr (GBytes) again = from_xml (xml);
	g_assert_true (g_bytes_equal (again, doc));
}

static void
test_decode_error (void)
{
	static const guint8 doc[] = { 0x03, 0x01, 0x6A, 0x00, 0x45, 0x2A, 0x01 };
	g_autoptr (GError) error = NULL;

	g_assert_null (eas_wbxml_to_xml (doc, sizeof doc, NULL, &error));
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_UNKNOWN_TAG);
	g_assert_nonnull (strstr (error->message, "offset 5"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/wbxml/xml/known-answer", test_known_answer);
	g_test_add_func ("/wbxml/xml/roundtrip-random", test_roundtrip_random);
	g_test_add_func ("/wbxml/xml/roundtrip-mixed", test_roundtrip_mixed);
	g_test_add_func ("/wbxml/xml/fixtures", test_fixtures);
	g_test_add_func ("/wbxml/xml/libwbxml-xml", test_libwbxml_xml);
	g_test_add_func ("/wbxml/xml/deep", test_deep);
	g_test_add_func ("/wbxml/xml/decode-error", test_decode_error);
	for (gsize i = 0; i < G_N_ELEMENTS (bad_xml); i++) {
		g_autofree char *path = g_strdup_printf ("/wbxml/xml/bad/%s", bad_xml[i].name);
		g_test_add_data_func (path, &bad_xml[i], test_bad_xml);
	}
	return g_test_run ();
}
