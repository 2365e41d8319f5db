/* Test helper: builds WBXML documents from compact XML and reads trees.
 *
 * test_eas_doc ("Provision", "<Provision><Policies/></Provision>") encodes
 * through the real writer; elements take the default page, or the page
 * named by a prefix ("Settings:DeviceInformation").  An element with no
 * text and no children becomes an empty element.  Whitespace-only text is
 * dropped.  Aborts the test on malformed input (it is test data). */
#pragma once

#include <glib.h>

#include "eas/eas-wbxml.h"

GBytes *test_eas_doc (const char *default_page, const char *xml);
/* Parses bytes into a tree and asserts success. */
EasNode *test_eas_parse (GBytes *bytes);
/* Decodes with libwbxml (an independent decoder, the test oracle) into
 * compact XML; NULL when libwbxml refuses the document. */
char *test_eas_libwbxml_xml (GBytes *doc);
/* Loads a libwbxml fixture document as WBXML, either libwbxml's own
 * encoding (encoded-by-xml2wbxml/NAME.wbxml) or the XML (NAME.xml) through
 * eas_xml_to_wbxml(); NULL (after g_test_skip) when absent. */
GBytes *test_eas_libwbxml_fixture (const char *name, gboolean via_our_xml);
/* Loads $AIRDOCK_SHARED/fixtures/<relative>; NULL (after g_test_skip) when absent. */
GBytes *test_eas_fixture (const char *relative);
