/* fuzz-ping.c — the Ping request decoder, merge and check on arbitrary
 * bytes; whatever decodes must survive the remembered form unchanged. */
#include "config.h"

#include "eas/eas-ping.h"
#include "eas/eas-wbxml.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (data, size, NULL, &error);
	g_autoptr (EasPingRequest) req = NULL;
	g_autoptr (EasPingRequest) merged = NULL;
	g_autoptr (EasPingRequest) back = NULL;
	g_autoptr (EasNode) back_root = NULL;
	g_autoptr (GBytes) blob = NULL;
	EasPingLimits limits;
	guint limit = 0;
	EasPingStatus status;

	if (root == NULL)
		return 0;
	req = eas_ping_request_decode (root, NULL);
	if (req == NULL)
		return 0;
	g_assert_cmpuint (req->folders->len, <=, EAS_PING_DECODE_MAX_FOLDERS);
	eas_ping_limits_init_default (&limits);
	status = eas_ping_request_check (req, req, &limits, &merged, &limit);
	g_assert_true (status == 0 || (status >= EAS_PING_STATUS_MISSING_PARAMETERS &&
	                               status <= EAS_PING_STATUS_TOO_MANY_FOLDERS));
	blob = eas_ping_request_encode (merged);
	back_root = eas_wbxml_parse (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), NULL, NULL);
	g_assert_nonnull (back_root);
	back = eas_ping_request_decode (back_root, NULL);
	g_assert_nonnull (back);
	g_assert_cmpuint (back->folders->len, ==, merged->folders->len);
	g_assert_cmpuint (back->heartbeat, ==, merged->heartbeat);
	return 0;
}
