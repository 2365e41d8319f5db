/* airdockd-cmd-provision.c — the provisioning gate and the Provision command
 * ([MS-ASPROV] 3.2.5). */
#include "config.h"

#include <string.h>

#include "eas/eas-wbxml.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-http.h"

/* [MS-ASPROV] 3.2.5.1: how to refuse a device that must (re)provision. */
static gboolean
deny (AirdockdRequest *req, guint eas_status)
{
	if (req->version >= 140)
		airdockd_request_set_status (req, eas_status);
	else
		req->http_status = 449;
	return FALSE;
}

/* Fingerprint of the configured policy: a device whose acknowledged policy
 * has another fingerprint must provision again (Status 143). */
static char *
policy_hash (const AirdockdPolicyConfig *p)
{
	g_autofree char *text = g_strdup_printf (
		"v1;%d;%d;%d;%" G_GINT64_FORMAT ";%" G_GINT64_FORMAT ";%" G_GINT64_FORMAT
		";%" G_GINT64_FORMAT ";%" G_GINT64_FORMAT ";%d;%d;%" G_GINT64_FORMAT,
		p->pin_required, p->alphanumeric_pin_required, p->allow_simple_pin,
		p->min_pin_length, p->max_failed_attempts, p->inactivity_lock_seconds,
		p->pin_expiration_days, p->pin_history, p->require_encryption,
		p->allow_attachments, p->max_attachment_bytes);

	return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

gboolean
airdockd_provision_check (AirdockdRequest *req, const AirdockdDevice *device)
{
	EasCommand cmd = req->query->cmd;
	const AirdockdConfig *config = airdockd_server_get_config (req->server);
	g_autofree char *hash = NULL;

	if (device->wipe_state == AIRDOCKD_WIPE_WIPED ||
	    device->wipe_state == AIRDOCKD_WIPE_ACCOUNT_ONLY_WIPED) {
		req->http_status = 403;
		return FALSE;
	}
	if (cmd == EAS_CMD_PROVISION)
		return TRUE;
	if (device->wipe_state != AIRDOCKD_WIPE_NONE)
		return deny (req, 140);
	/* [MS-ASPROV] 3.1.5.1: Settings may carry DeviceInformation before the
	 * device has provisioned. */
	if (cmd == EAS_CMD_SETTINGS)
		return TRUE;
	if (device->policy_key == 0 || req->policy_key == 0)
		return deny (req, 142);
	hash = policy_hash (&config->policy);
	if (g_strcmp0 (hash, device->policy_hash) != 0)
		return deny (req, 143);
	if (req->policy_key != device->policy_key)
		return deny (req, 144);
	return TRUE;
}

void
airdockd_cmd_provision (AirdockdRequest *req)
{
	airdockd_request_set_status (req, 2);
}
