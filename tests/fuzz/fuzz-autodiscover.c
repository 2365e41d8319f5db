/* fuzz-autodiscover.c — the Autodiscover request parser on arbitrary
 * bytes; what parses yields a well-formed response. */
#include "config.h"

#include <string.h>

#include "eas/eas-autodiscover.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (EasAutodiscoverRequest) req = eas_autodiscover_request_parse (data, size, NULL);
	g_autoptr (GBytes) xml = NULL;
	g_autoptr (GMarkupParseContext) pc = NULL;
	static const GMarkupParser nothing = { 0 };

	if (req == NULL)
		return 0;
	g_assert_nonnull (req->email_address);
	g_assert_cmpuint (strlen (req->email_address), <=, EAS_AUTODISCOVER_MAX_EMAIL);
	(void) eas_autodiscover_wants_mobilesync (req);
	/* Whatever the client sent is echoed escaped: the answer stays XML. */
	xml = eas_autodiscover_build_response ("en:us", req->email_address, req->email_address,
	                                       req->response_schema != NULL ? req->response_schema : "x");
	pc = g_markup_parse_context_new (&nothing, 0, NULL, NULL);
	g_assert_true (g_markup_parse_context_parse (pc, g_bytes_get_data (xml, NULL),
	                                             (gssize) g_bytes_get_size (xml), NULL));
	g_assert_true (g_markup_parse_context_end_parse (pc, NULL));
	return 0;
}
