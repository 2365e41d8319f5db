/* airdockd-cmd-settings.c — the Settings command ([MS-ASCMD] 2.2.1.18):
 * Oof get/set per user, DeviceInformation on the device, UserInformation
 * from the account, DevicePassword and RightsManagementInformation answered. */
#include "config.h"

#include "eas/eas-settings.h"
#include "server/airdockd-commands.h"

static void
log_settings (AirdockdRequest *req, GLogLevelFlags level, const char *what, const GError *error)
{
	g_log_structured (G_LOG_DOMAIN, level,
	                  "EAS_USER", req->user_name,
	                  "EAS_DEVICE_ID", req->query->device_id,
	                  "EAS_CMD", "Settings",
	                  "MESSAGE", "Settings: %s: %s", what, error->message);
}

/* ---- Oof: store record ↔ model ----------------------------------------------- */

static EasOofSettings *
oof_to_model (const AirdockdOof *oof)
{
	g_autoptr (EasOofSettings) m = eas_oof_settings_new ();
	EasOofBodyType type = g_strcmp0 (oof->body_type, "HTML") == 0 ? EAS_OOF_BODY_HTML : EAS_OOF_BODY_TEXT;
	const struct { gboolean enabled; const char *text; } msgs[EAS_OOF_AUDIENCE_COUNT] = {
		{ oof->internal_enabled, oof->internal_message },
		{ oof->external_known_enabled, oof->external_known_message },
		{ oof->external_unknown_enabled, oof->external_unknown_message },
	};

	m->has_state = TRUE;
	m->state = (EasOofState) oof->state;
	if (oof->state == AIRDOCKD_OOF_TIME_BASED) {
		m->start_time = g_date_time_new_from_unix_utc (oof->start_time);
		m->end_time = g_date_time_new_from_unix_utc (oof->end_time);
	}
	for (guint i = 0; i < EAS_OOF_AUDIENCE_COUNT; i++) {
		m->messages[i].present = TRUE;
		m->messages[i].enabled = msgs[i].enabled;
		m->messages[i].reply_message = g_strdup (msgs[i].text);
		m->messages[i].body_type = type;
	}
	return g_steal_pointer (&m);
}

static void
apply_message (const EasOofMessage *m, gboolean *enabled, char **text, char **body_type)
{
	if (!m->present)
		return;
	*enabled = m->enabled;
	if (m->reply_message != NULL) {
		g_free (*text);
		*text = g_strdup (m->reply_message);
		g_free (*body_type);
		*body_type = g_strdup (m->body_type == EAS_OOF_BODY_HTML ? "HTML" : "Text");
	}
}

/* Merges what the client sent into the stored record (absent parts stay). */
static void
oof_apply (AirdockdOof *oof, const EasOofSettings *set)
{
	if (set->has_state)
		oof->state = (AirdockdOofState) set->state;
	if (set->start_time != NULL)
		oof->start_time = g_date_time_to_unix (set->start_time);
	if (set->end_time != NULL)
		oof->end_time = g_date_time_to_unix (set->end_time);
	apply_message (&set->messages[EAS_OOF_INTERNAL], &oof->internal_enabled,
	               &oof->internal_message, &oof->body_type);
	apply_message (&set->messages[EAS_OOF_EXTERNAL_KNOWN], &oof->external_known_enabled,
	               &oof->external_known_message, &oof->body_type);
	apply_message (&set->messages[EAS_OOF_EXTERNAL_UNKNOWN], &oof->external_unknown_enabled,
	               &oof->external_unknown_message, &oof->body_type);
}

static guint
oof_get (AirdockdRequest *req, EasOofSettings **out_model)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdOof) oof = airdockd_store_oof_get (req->store, req->user_id, &error);

	if (oof == NULL) {
		log_settings (req, G_LOG_LEVEL_WARNING, "reading Oof", error);
		return EAS_SETTINGS_STATUS_SERVER_UNAVAILABLE;
	}
	*out_model = oof_to_model (oof);
	return EAS_SETTINGS_STATUS_SUCCESS;
}

static guint
oof_set (AirdockdRequest *req, const EasOofSettings *set)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdOof) oof = airdockd_store_oof_get (req->store, req->user_id, &error);

	if (oof == NULL) {
		log_settings (req, G_LOG_LEVEL_WARNING, "reading Oof", error);
		return EAS_SETTINGS_STATUS_SERVER_UNAVAILABLE;
	}
	oof_apply (oof, set);
	if (oof->state == AIRDOCKD_OOF_TIME_BASED &&
	    (oof->start_time == 0 || oof->end_time <= oof->start_time))
		return EAS_SETTINGS_STATUS_INVALID_ARGUMENTS;
	if (!airdockd_store_oof_set (req->store, req->user_id, oof, &error)) {
		log_settings (req, G_LOG_LEVEL_WARNING, "storing Oof", error);
		return EAS_SETTINGS_STATUS_SERVER_UNAVAILABLE;
	}
	return EAS_SETTINGS_STATUS_SUCCESS;
}

/* ---- DeviceInformation ------------------------------------------------------- */

static guint
device_information_set (AirdockdRequest *req, const EasDeviceInformation *info)
{
	AirdockdDeviceInfo di = {
		info->model, info->imei, info->friendly_name, info->os, info->os_language,
		info->phone_number, info->user_agent, info->mobile_operator,
	};
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdDevice) device = airdockd_store_device_get_by_id (req->store, req->user_id,
	                                                                     req->device_id, &error);

	/* [MS-ASPROV]: while a wipe is pending, DeviceInformation changes are ignored. */
	if (device != NULL && device->wipe_state != AIRDOCKD_WIPE_NONE)
		return EAS_SETTINGS_STATUS_SUCCESS;
	if (device == NULL ||
	    !airdockd_store_device_set_info (req->store, req->user_id, req->device_id, &di, &error)) {
		log_settings (req, G_LOG_LEVEL_WARNING, "storing DeviceInformation", error);
		return EAS_SETTINGS_STATUS_SERVER_UNAVAILABLE;
	}
	return EAS_SETTINGS_STATUS_SUCCESS;
}

static guint
decode_error_status (const GError *error)
{
	if (g_error_matches (error, EAS_SETTINGS_ERROR, EAS_SETTINGS_ERROR_INVALID))
		return EAS_SETTINGS_STATUS_INVALID_ARGUMENTS;
	if (g_error_matches (error, EAS_SETTINGS_ERROR, EAS_SETTINGS_ERROR_CONFLICT))
		return EAS_SETTINGS_STATUS_CONFLICTING_ARGUMENTS;
	return EAS_SETTINGS_STATUS_PROTOCOL_ERROR;
}

void
airdockd_cmd_settings (AirdockdRequest *req)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasSettingsRequest) sreq = NULL;
	g_autoptr (EasOofSettings) oof_model = NULL;
	EasSettingsResponse resp = { 0 };
	const char *addresses[] = { req->user_email, NULL };
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (req->body, &len);

	sreq = eas_settings_request_decode (data, len, req->version, NULL, &error);
	if (sreq == NULL) {
		log_settings (req, G_LOG_LEVEL_INFO, "bad request", error);
		resp.status = decode_error_status (error);
		airdockd_request_set_wbxml (req, eas_settings_encode_response (req->version, &resp));
		return;
	}
	resp.status = EAS_SETTINGS_STATUS_SUCCESS;
	if (sreq->oof_get) {
		resp.oof_status = oof_get (req, &oof_model);
		resp.oof_get = oof_model;
	} else if (sreq->oof_set != NULL) {
		resp.oof_status = oof_set (req, sreq->oof_set);
	}
	/* The recovery password is not kept: answered so clients go on. */
	if (sreq->device_password != NULL)
		resp.device_password_status = EAS_SETTINGS_STATUS_SUCCESS;
	if (sreq->device_information != NULL)
		resp.device_information_status = device_information_set (req, sreq->device_information);
	if (sreq->user_information_get) {
		resp.user_information_status = req->user_email != NULL ? EAS_SETTINGS_STATUS_SUCCESS
		                                                       : EAS_SETTINGS_STATUS_SERVER_UNAVAILABLE;
		resp.email_addresses = req->user_email != NULL ? addresses : NULL;
		resp.display_name = req->user_name;
	}
	if (sreq->rights_management_get)
		resp.rights_management_status = EAS_SETTINGS_STATUS_SUCCESS;
	airdockd_request_set_wbxml (req, eas_settings_encode_response (req->version, &resp));
}
