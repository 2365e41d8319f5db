/* airdockd-cmd-provision.c — the provisioning gate and the Provision command
 * ([MS-ASPROV] 3.2.5): policy from [policy] in the config, keys and wipe
 * state on the device in the store, documents from eas/eas-provision.h. */
#include "config.h"

#include <string.h>

#include "eas/eas-provision.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-http.h"
#include "server/airdockd-seclog.h"

/* ---- the policy -------------------------------------------------------- */

void
airdockd_policy_from_config (const AirdockdPolicyConfig *c, EasPolicy *out_policy)
{
	eas_policy_init_default (out_policy);
	out_policy->device_password_enabled = c->pin_required;
	out_policy->alphanumeric_device_password_required = c->alphanumeric_pin_required;
	out_policy->allow_simple_device_password = c->allow_simple_pin;
	out_policy->attachments_enabled = c->allow_attachments;
	out_policy->require_device_encryption = c->require_encryption;
	if (c->pin_required) {
		out_policy->min_device_password_length = (gint32) c->min_pin_length;
		out_policy->max_device_password_failed_attempts = (gint32) c->max_failed_attempts;
		out_policy->device_password_history = (gint32) c->pin_history;
		if (c->pin_expiration_days > 0)
			out_policy->device_password_expiration = (gint32) c->pin_expiration_days;
	}
	if (c->inactivity_lock_seconds > 0)
		out_policy->max_inactivity_time_device_lock = (gint32) c->inactivity_lock_seconds;
	if (c->max_attachment_bytes > 0)
		out_policy->max_attachment_size = (gint32) MIN (c->max_attachment_bytes, G_MAXINT32);
}

static void
request_policy (AirdockdRequest *req, EasPolicy *out_policy)
{
	airdockd_policy_from_config (&airdockd_server_get_config (req->server)->policy, out_policy);
}

static char *
hash_to_string (guint64 hash)
{
	return g_strdup_printf ("%016" G_GINT64_MODIFIER "x", hash);
}

static guint64
hash_from_string (const char *text)
{
	guint64 v = 0;

	if (text == NULL || !g_ascii_string_to_unsigned (text, 16, 0, G_MAXUINT64, &v, NULL))
		return 0;
	return v;
}

/* Keys stay below 2^31: some clients parse them as signed 32-bit numbers;
 * never 0 (iOS treats it as "no key"). */
static guint32
new_policy_key (guint32 avoid)
{
	guint32 key;

	do
		key = (guint32) g_random_int_range (1, G_MAXINT32);
	while (key == avoid);
	return key;
}

/* ---- the gate before every command -------------------------------------- */

static EasWipeState
wipe_state (AirdockdWipeState s)
{
	switch (s) {
	case AIRDOCKD_WIPE_PENDING:
	case AIRDOCKD_WIPE_SENT:
		return EAS_WIPE_PENDING;
	case AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING:
	case AIRDOCKD_WIPE_ACCOUNT_ONLY_SENT:
		return EAS_WIPE_ACCOUNT_ONLY_PENDING;
	case AIRDOCKD_WIPE_WIPED:
	case AIRDOCKD_WIPE_ACCOUNT_ONLY_WIPED:
		return EAS_WIPE_DONE;
	case AIRDOCKD_WIPE_NONE:
	default:
		return EAS_WIPE_NONE;
	}
}

gboolean
airdockd_provision_check (AirdockdRequest *req, const AirdockdDevice *device)
{
	EasPolicy policy;
	EasDeviceProvisioning state = { 0 };
	EasPolicyDecision decision = { 0 };

	request_policy (req, &policy);
	state.acknowledged_key = device->policy_key;
	state.acknowledged_hash = hash_from_string (device->policy_hash);
	state.current_hash = eas_policy_hash (&policy, req->version);
	state.wipe = wipe_state (device->wipe_state);
	eas_policy_decide (req->version, req->query->cmd, req->policy_key != 0, req->policy_key,
	                   &state, &decision);
	if (decision.verdict == EAS_POLICY_ALLOW)
		return TRUE;
	if (decision.verdict == EAS_POLICY_BLOCKED)
		airdockd_seclog_repeatable (airdockd_store_get_data_dir (req->store), AIRDOCKD_SECLOG_REFUSED_WIPED, req->user_name, req->query->device_id, eas_command_name (req->query->cmd));
	if (decision.http_status == 200 && decision.eas_status != 0)
		airdockd_request_set_status (req, decision.eas_status);
	else
		req->http_status = decision.http_status;
	return FALSE;
}

/* ---- Provision ------------------------------------------------------------ */

static void
security_log (AirdockdRequest *req, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
security_log (AirdockdRequest *req, const char *format, ...)
{
	va_list args;
	g_autofree char *message = NULL;

	va_start (args, format);
	message = g_strdup_vprintf (format, args);
	va_end (args);
	g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
	                  "AIRDOCK_SECURITY", "1",
	                  "EAS_USER", req->user_name,
	                  "EAS_DEVICE_ID", req->query->device_id,
	                  "EAS_CMD", "Provision",
	                  "MESSAGE", "security: %s [user=%s device=%s]", message,
	                  req->user_name, req->query->device_id);
}

static void
store_failed (AirdockdRequest *req, GError *error)
{
	g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
	                  "EAS_USER", req->user_name,
	                  "EAS_DEVICE_ID", req->query->device_id,
	                  "EAS_CMD", "Provision",
	                  "MESSAGE", "Provision: store: %s", error->message);
	/* [MS-ASPROV] 2.2.2.54.2: Status 3 = server error. */
	airdockd_request_set_wbxml (req, eas_provision_encode_status (3));
}

static void
store_device_info (AirdockdRequest *req, const AirdockdDevice *device,
                   const EasDeviceInformation *info, guint *out_status)
{
	AirdockdDeviceInfo di = {
		info->model, info->imei, info->friendly_name, info->os, info->os_language,
		info->phone_number, info->user_agent, info->mobile_operator,
	};
	g_autoptr (GError) error = NULL;

	*out_status = 1;
	/* While a wipe is pending the device's self-description is not trusted. */
	if (device->wipe_state != AIRDOCKD_WIPE_NONE)
		return;
	if (!airdockd_store_device_set_info (req->store, req->user_id, device->id, &di, &error)) {
		g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
		                  "EAS_USER", req->user_name,
		                  "EAS_DEVICE_ID", req->query->device_id,
		                  "EAS_CMD", "Provision",
		                  "MESSAGE", "storing DeviceInformation: %s", error->message);
		*out_status = 2;
	}
}

/* Phase 1 (or an empty request): a pending wipe, else the policy under a
 * new temporary key. */
static void
provision_initial (AirdockdRequest *req, const AirdockdDevice *device,
                   const EasProvisionRequest *preq)
{
	g_autoptr (GError) error = NULL;
	EasPolicy policy;
	guint di_status = 0;
	guint32 temp;

	if (device->wipe_state == AIRDOCKD_WIPE_PENDING || device->wipe_state == AIRDOCKD_WIPE_SENT ||
	    device->wipe_state == AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING ||
	    device->wipe_state == AIRDOCKD_WIPE_ACCOUNT_ONLY_SENT) {
		gboolean account_only = device->wipe_state == AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING ||
		                        device->wipe_state == AIRDOCKD_WIPE_ACCOUNT_ONLY_SENT;
		if (!airdockd_store_device_set_wipe (req->store, req->user_id, device->id,
		                                     account_only ? AIRDOCKD_WIPE_ACCOUNT_ONLY_SENT
		                                                  : AIRDOCKD_WIPE_SENT, &error)) {
			store_failed (req, error);
			return;
		}
		security_log (req, "%s sent", account_only ? "AccountOnlyRemoteWipe" : "RemoteWipe");
		airdockd_seclog (airdockd_store_get_data_dir (req->store), AIRDOCKD_SECLOG_WIPE_SENT, req->user_name, req->query->device_id, account_only ? "AccountOnlyRemoteWipe" : "RemoteWipe");
		airdockd_request_set_wbxml (req, account_only
		                            ? eas_provision_encode_account_only_remote_wipe (req->version)
		                            : eas_provision_encode_remote_wipe ());
		return;
	}
	if (!preq->has_policy_type) {
		airdockd_request_set_wbxml (req, eas_provision_encode_status (2));
		return;
	}
	if (preq->device_information != NULL)
		store_device_info (req, device, preq->device_information, &di_status);
	temp = new_policy_key (device->policy_key);
	if (!airdockd_store_device_set_policy (req->store, req->user_id, device->id, temp,
	                                       device->policy_key, device->policy_hash, &error)) {
		store_failed (req, error);
		return;
	}
	request_policy (req, &policy);
	airdockd_request_set_wbxml (req, eas_provision_encode_policy (req->version, &policy, temp, di_status));
}

/* Phase 2: the device acknowledges the temporary key. */
static void
provision_acknowledge (AirdockdRequest *req, const AirdockdDevice *device,
                       const EasProvisionRequest *preq)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *hash = NULL;
	EasPolicy policy;
	guint32 final_key;

	if (device->policy_key_temporary == 0 || preq->policy_key != device->policy_key_temporary) {
		/* [MS-ASPROV] 2.2.2.54.1: Status 5 = the policy key does not match. */
		airdockd_request_set_wbxml (req, eas_provision_encode_policy_status (req->version, 5));
		return;
	}
	request_policy (req, &policy);
	/* Status 3 = the device did not apply the policy: a policy that asks for
	 * anything cannot be waived that way ([MS-ASPROV] 3.2.5.1.2). */
	if (preq->status == 3 && (policy.device_password_enabled || policy.require_device_encryption)) {
		security_log (req, "device refused to apply the policy");
		airdockd_request_set_wbxml (req, eas_provision_encode_policy_status (req->version, 2));
		return;
	}
	final_key = new_policy_key (device->policy_key_temporary);
	hash = hash_to_string (eas_policy_hash (&policy, req->version));
	if (!airdockd_store_device_set_policy (req->store, req->user_id, device->id, 0,
	                                       final_key, hash, &error)) {
		store_failed (req, error);
		return;
	}
	security_log (req, "policy acknowledged (status %u)", preq->status);
	airdockd_seclog_printf (airdockd_store_get_data_dir (req->store), AIRDOCKD_SECLOG_POLICY_ACKNOWLEDGED, req->user_name, req->query->device_id, "status %u", preq->status);
	airdockd_request_set_wbxml (req, eas_provision_encode_final_key (req->version, final_key, 0));
}

static void
provision_wipe_ack (AirdockdRequest *req, const AirdockdDevice *device,
                    const EasProvisionRequest *preq, gboolean account_only)
{
	g_autoptr (GError) error = NULL;
	AirdockdWipeState sent = account_only ? AIRDOCKD_WIPE_ACCOUNT_ONLY_SENT : AIRDOCKD_WIPE_SENT;
	AirdockdWipeState next;

	if (device->wipe_state != sent) {
		airdockd_request_set_wbxml (req, eas_provision_encode_status (2));
		return;
	}
	/* Status 2 = the wipe failed: ask again on the next request. */
	if (preq->status == 1)
		next = account_only ? AIRDOCKD_WIPE_ACCOUNT_ONLY_WIPED : AIRDOCKD_WIPE_WIPED;
	else
		next = account_only ? AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING : AIRDOCKD_WIPE_PENDING;
	if (!airdockd_store_device_set_wipe (req->store, req->user_id, device->id, next, &error)) {
		store_failed (req, error);
		return;
	}
	security_log (req, "%s acknowledged with status %u", account_only ? "AccountOnlyRemoteWipe" : "RemoteWipe",
	              preq->status);
	airdockd_seclog_printf (airdockd_store_get_data_dir (req->store), AIRDOCKD_SECLOG_WIPE_ACKNOWLEDGED, req->user_name, req->query->device_id, "%s status %u", account_only ? "AccountOnlyRemoteWipe" : "RemoteWipe", preq->status);
	airdockd_request_set_wbxml (req, eas_provision_encode_status (1));
}

void
airdockd_cmd_provision (AirdockdRequest *req)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasProvisionRequest) preq = NULL;
	g_autoptr (AirdockdDevice) device = NULL;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (req->body, &len);

	preq = eas_provision_request_decode (data, len, req->version, NULL, &error);
	if (preq == NULL) {
		gboolean type = g_error_matches (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_POLICY_TYPE);
		g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
		                  "EAS_USER", req->user_name,
		                  "EAS_DEVICE_ID", req->query->device_id,
		                  "EAS_CMD", "Provision",
		                  "MESSAGE", "bad Provision request: %s", error->message);
		/* Policy Status 3 = unknown PolicyType; Provision Status 2 = protocol error. */
		airdockd_request_set_wbxml (req, type ? eas_provision_encode_policy_status (req->version, 3)
		                                      : eas_provision_encode_status (2));
		return;
	}
	device = airdockd_store_device_get_by_id (req->store, req->user_id, req->device_id, &error);
	if (device == NULL) {
		store_failed (req, error);
		return;
	}
	switch (preq->kind) {
	case EAS_PROVISION_REQUEST_INITIAL:
		provision_initial (req, device, preq);
		break;
	case EAS_PROVISION_REQUEST_ACKNOWLEDGE:
		provision_acknowledge (req, device, preq);
		break;
	case EAS_PROVISION_REQUEST_REMOTE_WIPE_ACK:
		provision_wipe_ack (req, device, preq, FALSE);
		break;
	case EAS_PROVISION_REQUEST_ACCOUNT_ONLY_WIPE_ACK:
		provision_wipe_ack (req, device, preq, TRUE);
		break;
	default:
		g_assert_not_reached ();
	}
}
