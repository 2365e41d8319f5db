/* Fuzz target: the typed Provision and Settings request decoders.
 *
 * Byte 0 picks the decoder (bits 7–6: 10 Settings request, 11 Settings
 * response, 01 Provision response, 00 Provision request) and the
 * negotiated version (low bits); the rest is the WBXML body. */
#include "config.h"

#include <glib.h>

#include "eas/eas-provision.h"
#include "eas/eas-settings.h"
#include "fuzz.h"

static const EasVersion versions[] = { 25, 120, 121, 140, 141, 160, 161 };

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;

	if (size < 1)
		return 0;
	EasVersion version = versions[(data[0] & 0x3F) % G_N_ELEMENTS (versions)];
	const guint8 *body = data + 1;
	gsize len = size - 1;

	if ((data[0] & 0xC0) == 0xC0) {
		g_autoptr (EasSettingsResult) r = eas_settings_response_decode (body, len, NULL, &error);
		g_assert_true ((r == NULL) != (error == NULL));
		if (r != NULL)
			g_assert_cmpuint (r->email_addresses != NULL ? g_strv_length (r->email_addresses) : 0, <=,
			                  EAS_SETTINGS_MAX_ADDRESSES + 1);
		return 0;
	}
	if (data[0] & 0x80) {
		g_autoptr (EasSettingsRequest) s = eas_settings_request_decode (body, len, version, NULL, &error);
		g_assert_true ((s == NULL) != (error == NULL));
		if (s != NULL && s->oof_set != NULL && s->oof_set->start_time != NULL && s->oof_set->end_time != NULL)
			g_assert_cmpint (g_date_time_compare (s->oof_set->start_time, s->oof_set->end_time), <=, 0);
		return 0;
	}
	if (data[0] & 0x40) {
		g_auto (EasProvisionResponse) r = { 0 };
		g_autoptr (GError) verr = NULL;
		if (eas_provision_response_decode (body, len, NULL, &r, &error)) {
			g_assert_no_error (error);
			/* What the client read is within the policy's ranges. */
			g_assert_true (eas_policy_validate (&r.policy, &verr) || r.policy.max_calendar_age_filter <= 3);
			/* And it encodes again. */
			g_autoptr (GBytes) again = eas_provision_encode_policy (161, &r.policy, 1, 0);
			g_assert_nonnull (again);
		} else {
			g_assert_nonnull (error);
		}
		return 0;
	}
	g_autoptr (EasProvisionRequest) p = eas_provision_request_decode (body, len, version, NULL, &error);
	g_assert_true ((p == NULL) != (error == NULL));
	if (p != NULL && p->kind == EAS_PROVISION_REQUEST_ACCOUNT_ONLY_WIPE_ACK)
		g_assert_cmpuint (version, ==, 161);
	if (p != NULL && p->device_information != NULL)
		g_assert_cmpuint (version, >=, 141);
	return 0;
}
