/* fuzz-validatecert.c — the ValidateCert request decoder on arbitrary
 * bytes: limits hold and a response can be written for what decodes. */
#include "config.h"

#include "eas/eas-validatecert.h"
#include "eas/eas-wbxml.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (EasNode) root = eas_wbxml_parse (data, size, NULL, NULL);
	g_autoptr (EasValidateCertRequest) req = NULL;
	g_autoptr (GBytes) out = NULL;
	guint statuses[EAS_VALIDATECERT_MAX_CERTS] = { 0 };

	if (root == NULL)
		return 0;
	req = eas_validatecert_request_decode (root, NULL);
	if (req == NULL)
		return 0;
	g_assert_cmpuint (req->certificates->len, >=, 1);
	g_assert_cmpuint (req->certificates->len, <=, EAS_VALIDATECERT_MAX_CERTS);
	g_assert_cmpuint (req->chain->len, <=, EAS_VALIDATECERT_MAX_CERTS);
	for (guint i = 0; i < req->certificates->len; i++) {
		GBytes *der = g_ptr_array_index (req->certificates, i);
		statuses[i] = der != NULL ? EAS_VALIDATECERT_STATUS_SUCCESS : EAS_VALIDATECERT_STATUS_FAILED;
	}
	out = eas_validatecert_encode (statuses, req->certificates->len);
	g_assert_nonnull (out);
	return 0;
}
