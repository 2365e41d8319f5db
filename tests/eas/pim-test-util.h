/* pim-test-util.h — helpers shared by the PIM model tests. */
#pragma once

#include "eas/eas-wbxml.h"

/* Turns namespaced XML into WBXML with our encoder and parses it back into a
 * tree; any error fails the test. */
EasNode *pim_test_parse_xml (const char *xml);
/* Finishes writer (ApplicationData already closed) and parses its output. */
EasNode *pim_test_finish_and_parse (EasWbxmlWriter *writer);
