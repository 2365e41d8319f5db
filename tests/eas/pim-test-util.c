/* pim-test-util.c — see pim-test-util.h. */
#include "config.h"

#include <string.h>

#include "tests/eas/pim-test-util.h"

static EasNode *
parse_bytes (GBytes *wbxml)
{
	g_autoptr(GError) error = NULL;
	EasNode *root = eas_wbxml_parse (g_bytes_get_data (wbxml, NULL), g_bytes_get_size (wbxml), NULL, &error);

	g_assert_no_error (error);
	return root;
}

EasNode *
pim_test_parse_xml (const char *xml)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) wbxml = eas_xml_to_wbxml (xml, strlen (xml), &error);

	g_assert_no_error (error);
	return parse_bytes (wbxml);
}

EasNode *
pim_test_finish_and_parse (EasWbxmlWriter *writer)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) bytes = eas_wbxml_writer_finish (writer, &error);

	g_assert_no_error (error);
	return parse_bytes (bytes);
}
