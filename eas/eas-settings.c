/* eas-settings.c — the Settings command model ([MS-ASCMD] 2.2.1.18).
 *
 * Pure: no I/O.  Decoding is strict about structure (each section once,
 * known children only) because the answer is per-section Status values
 * that the server must be able to pick from a precise error.
 */
#include "config.h"

#include <string.h>

#include "eas/eas-settings.h"

G_DEFINE_QUARK (eas-settings-error-quark, eas_settings_error)

/* ---- Small helpers --------------------------------------------------------- */

static gboolean
fail (GError **error, EasSettingsErrorCode code, const char *what, EasTag tag)
{
	const char *name = eas_tag_name (tag);

	g_set_error (error, EAS_SETTINGS_ERROR, code, "Settings: %s %s", what,
	             name != NULL ? name : "element");
	return FALSE;
}

/* Checks that every child of node is in allowed[] and none repeats. */
static gboolean
children_allowed (const EasNode *node, const EasTag *allowed, gsize n_allowed, GError **error)
{
	guint seen = 0;

	g_assert (n_allowed <= 32);
	for (const EasNode *c = node->first_child; c != NULL; c = c->next) {
		gsize i;
		for (i = 0; i < n_allowed && allowed[i] != c->tag; i++)
			;
		if (i == n_allowed)
			return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "unexpected", c->tag);
		if (seen & (1u << i))
			return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "repeated", c->tag);
		seen |= 1u << i;
	}
	return TRUE;
}

/* Copies the text of an element, refusing more than max bytes. */
static gboolean
take_text (const EasNode *node, gsize max, char **out, GError **error)
{
	if (node->opaque != NULL)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "binary content in", node->tag);
	if (node->text != NULL && strlen (node->text) > max) {
		g_set_error (error, EAS_SETTINGS_ERROR, EAS_SETTINGS_ERROR_INVALID,
		             "Settings: %s longer than %" G_GSIZE_FORMAT " bytes",
		             eas_tag_name (node->tag), max);
		return FALSE;
	}
	g_free (*out);
	*out = g_strdup (node->text);
	return TRUE;
}

static gboolean
parse_number (const EasNode *node, guint64 min, guint64 max, guint64 *out, GError **error)
{
	const char *text = node->text;

	if (text == NULL || strlen (text) > 20 ||
	    !g_ascii_string_to_unsigned (text, 10, min, max, out, NULL)) {
		g_set_error (error, EAS_SETTINGS_ERROR, EAS_SETTINGS_ERROR_INVALID,
		             "Settings: %s is not a number in %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT,
		             eas_tag_name (node->tag), min, max);
		return FALSE;
	}
	return TRUE;
}

/* The only child, which must be the given tag (Get or Set). */
static const EasNode *
only_child (const EasNode *node, EasTag tag, GError **error)
{
	if (node->first_child == NULL || node->first_child != node->last_child ||
	    node->first_child->tag != tag) {
		fail (error, EAS_SETTINGS_ERROR_MALFORMED, "expected exactly one child in", node->tag);
		return NULL;
	}
	return node->first_child;
}

/* ---- DeviceInformation ----------------------------------------------------------- */

void
eas_device_information_free (EasDeviceInformation *info)
{
	if (info == NULL)
		return;
	g_free (info->model);
	g_free (info->imei);
	g_free (info->friendly_name);
	g_free (info->os);
	g_free (info->os_language);
	g_free (info->phone_number);
	g_free (info->user_agent);
	g_free (info->mobile_operator);
	g_free (info);
}

static char **
device_field (EasDeviceInformation *info, EasTag tag)
{
	switch (tag) {
	case EAS_SETTINGS_MODEL: return &info->model;
	case EAS_SETTINGS_IMEI: return &info->imei;
	case EAS_SETTINGS_FRIENDLY_NAME: return &info->friendly_name;
	case EAS_SETTINGS_OS: return &info->os;
	case EAS_SETTINGS_OS_LANGUAGE: return &info->os_language;
	case EAS_SETTINGS_PHONE_NUMBER: return &info->phone_number;
	case EAS_SETTINGS_USER_AGENT: return &info->user_agent;
	case EAS_SETTINGS_MOBILE_OPERATOR: return &info->mobile_operator;
	default: return NULL;
	}
}

EasDeviceInformation *
eas_device_information_from_node (const EasNode *node, GError **error)
{
	static const EasTag fields[] = {
		EAS_SETTINGS_MODEL, EAS_SETTINGS_IMEI, EAS_SETTINGS_FRIENDLY_NAME,
		EAS_SETTINGS_OS, EAS_SETTINGS_OS_LANGUAGE, EAS_SETTINGS_PHONE_NUMBER,
		EAS_SETTINGS_USER_AGENT, EAS_SETTINGS_ENABLE_OUTBOUND_SMS,
		EAS_SETTINGS_MOBILE_OPERATOR,
	};
	g_autoptr (EasDeviceInformation) info = g_new0 (EasDeviceInformation, 1);

	g_return_val_if_fail (node != NULL, NULL);

	if (node->tag != EAS_SETTINGS_DEVICE_INFORMATION)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "expected DeviceInformation, got", node->tag), NULL;
	const EasNode *set = only_child (node, EAS_SETTINGS_SET, error);
	if (set == NULL || !children_allowed (set, fields, G_N_ELEMENTS (fields), error))
		return NULL;
	for (const EasNode *c = set->first_child; c != NULL; c = c->next) {
		char **field = device_field (info, c->tag);
		guint64 v;

		if (field != NULL) {
			if (!take_text (c, EAS_SETTINGS_MAX_FIELD_BYTES, field, error))
				return NULL;
			continue;
		}
		/* EnableOutboundSMS: 0 or 1. */
		if (!parse_number (c, 0, 1, &v, error))
			return NULL;
		info->has_enable_outbound_sms = TRUE;
		info->enable_outbound_sms = v == 1;
	}
	return g_steal_pointer (&info);
}

void
eas_device_information_write (const EasDeviceInformation *info, EasWbxmlWriter *w)
{
	/* [MS-ASCMD] 2.2.3.168.1: the order of Set's children. */
	static const EasTag order[] = {
		EAS_SETTINGS_MODEL, EAS_SETTINGS_IMEI, EAS_SETTINGS_FRIENDLY_NAME,
		EAS_SETTINGS_OS, EAS_SETTINGS_OS_LANGUAGE, EAS_SETTINGS_PHONE_NUMBER,
		EAS_SETTINGS_USER_AGENT, EAS_SETTINGS_ENABLE_OUTBOUND_SMS,
		EAS_SETTINGS_MOBILE_OPERATOR,
	};

	g_return_if_fail (info != NULL && w != NULL);

	eas_wbxml_writer_start (w, EAS_SETTINGS_DEVICE_INFORMATION);
	eas_wbxml_writer_start (w, EAS_SETTINGS_SET);
	for (gsize i = 0; i < G_N_ELEMENTS (order); i++) {
		char **field = device_field ((EasDeviceInformation *) info, order[i]);
		if (field != NULL && *field != NULL)
			eas_wbxml_writer_text_element (w, order[i], *field);
		else if (field == NULL && info->has_enable_outbound_sms)
			eas_wbxml_writer_uint_element (w, order[i], info->enable_outbound_sms ? 1 : 0);
	}
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
}

/* ---- Out of office --------------------------------------------------------------- */

EasOofSettings *
eas_oof_settings_new (void)
{
	return g_new0 (EasOofSettings, 1);
}

void
eas_oof_settings_free (EasOofSettings *oof)
{
	if (oof == NULL)
		return;
	g_clear_pointer (&oof->start_time, g_date_time_unref);
	g_clear_pointer (&oof->end_time, g_date_time_unref);
	for (int i = 0; i < EAS_OOF_AUDIENCE_COUNT; i++)
		g_free (oof->messages[i].reply_message);
	g_free (oof);
}

static gboolean
parse_body_type (const EasNode *node, EasOofBodyType *out, GError **error)
{
	/* [MS-ASCMD] 2.2.3.17: "Text" or "HTML"; clients differ in case. */
	if (node->text != NULL && g_ascii_strcasecmp (node->text, "Text") == 0) {
		*out = EAS_OOF_BODY_TEXT;
		return TRUE;
	}
	if (node->text != NULL && g_ascii_strcasecmp (node->text, "HTML") == 0) {
		*out = EAS_OOF_BODY_HTML;
		return TRUE;
	}
	return fail (error, EAS_SETTINGS_ERROR_INVALID, "neither Text nor HTML in", node->tag);
}

static gboolean
parse_time (const EasNode *node, GDateTime **out, GError **error)
{
	g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
	g_autoptr (GDateTime) t = NULL;

	if (node->text != NULL && strlen (node->text) <= 64)
		t = g_date_time_new_from_iso8601 (node->text, utc);
	if (t == NULL)
		return fail (error, EAS_SETTINGS_ERROR_INVALID, "not a date-time:", node->tag);
	g_clear_pointer (out, g_date_time_unref);
	*out = g_date_time_to_utc (t);
	return TRUE;
}

static int
audience_of (EasTag tag)
{
	switch (tag) {
	case EAS_SETTINGS_APPLIES_TO_INTERNAL: return EAS_OOF_INTERNAL;
	case EAS_SETTINGS_APPLIES_TO_EXTERNAL_KNOWN: return EAS_OOF_EXTERNAL_KNOWN;
	case EAS_SETTINGS_APPLIES_TO_EXTERNAL_UNKNOWN: return EAS_OOF_EXTERNAL_UNKNOWN;
	default: return -1;
	}
}

/* One OofMessage: exactly one AppliesTo* plus Enabled, ReplyMessage, BodyType. */
static gboolean
parse_oof_message (const EasNode *node, EasOofSettings *oof, GError **error)
{
	static const EasTag allowed[] = {
		EAS_SETTINGS_APPLIES_TO_INTERNAL, EAS_SETTINGS_APPLIES_TO_EXTERNAL_KNOWN,
		EAS_SETTINGS_APPLIES_TO_EXTERNAL_UNKNOWN, EAS_SETTINGS_ENABLED,
		EAS_SETTINGS_REPLY_MESSAGE, EAS_SETTINGS_BODY_TYPE,
	};
	EasOofMessage msg = { TRUE, FALSE, NULL, EAS_OOF_BODY_TEXT };
	gboolean has_body_type = FALSE, ok = TRUE;
	int audience = -1;
	guint64 v = 0;

	if (!children_allowed (node, allowed, G_N_ELEMENTS (allowed), error))
		return FALSE;
	for (const EasNode *c = node->first_child; ok && c != NULL; c = c->next) {
		if (audience_of (c->tag) >= 0) {
			if (audience >= 0)
				ok = fail (error, EAS_SETTINGS_ERROR_MALFORMED, "second audience in", node->tag);
			audience = audience_of (c->tag);
		} else if (c->tag == EAS_SETTINGS_ENABLED) {
			ok = parse_number (c, 0, 1, &v, error);
			msg.enabled = v == 1;
		} else if (c->tag == EAS_SETTINGS_REPLY_MESSAGE) {
			ok = take_text (c, EAS_SETTINGS_MAX_REPLY_BYTES, &msg.reply_message, error);
		} else {
			ok = parse_body_type (c, &msg.body_type, error);
			has_body_type = TRUE;
		}
	}
	if (ok && audience < 0)
		ok = fail (error, EAS_SETTINGS_ERROR_MALFORMED, "no AppliesTo* in", node->tag);
	if (ok && msg.reply_message != NULL && !has_body_type)
		ok = fail (error, EAS_SETTINGS_ERROR_MALFORMED, "ReplyMessage without BodyType in", node->tag);
	if (ok && oof->messages[audience].present)
		ok = fail (error, EAS_SETTINGS_ERROR_MALFORMED, "audience given twice:", node->tag);
	if (!ok) {
		g_free (msg.reply_message);
		return FALSE;
	}
	oof->messages[audience] = msg;
	return TRUE;
}

static gboolean
parse_oof_set_child (const EasNode *c, EasOofSettings *oof, guint *seen, GError **error)
{
	guint64 v = 0;
	guint bit = c->tag == EAS_SETTINGS_OOF_STATE ? 1 : c->tag == EAS_SETTINGS_START_TIME ? 2 : 4;

	if (c->tag == EAS_SETTINGS_OOF_MESSAGE)
		return parse_oof_message (c, oof, error);
	if (c->tag != EAS_SETTINGS_OOF_STATE && c->tag != EAS_SETTINGS_START_TIME &&
	    c->tag != EAS_SETTINGS_END_TIME)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "unexpected", c->tag);
	if (*seen & bit)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "repeated", c->tag);
	*seen |= bit;
	if (c->tag == EAS_SETTINGS_START_TIME)
		return parse_time (c, &oof->start_time, error);
	if (c->tag == EAS_SETTINGS_END_TIME)
		return parse_time (c, &oof->end_time, error);
	if (!parse_number (c, 0, 2, &v, error))
		return FALSE;
	oof->has_state = TRUE;
	oof->state = (EasOofState) v;
	return TRUE;
}

static EasOofSettings *
parse_oof_set (const EasNode *set, GError **error)
{
	g_autoptr (EasOofSettings) oof = eas_oof_settings_new ();
	guint seen = 0;

	for (const EasNode *c = set->first_child; c != NULL; c = c->next) {
		if (!parse_oof_set_child (c, oof, &seen, error))
			return NULL;
	}
	/* [MS-ASCMD] 2.2.3.119: a time-based OOF needs both ends. */
	if (oof->has_state && oof->state == EAS_OOF_STATE_TIME_BASED &&
	    (oof->start_time == NULL || oof->end_time == NULL))
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "time-based without StartTime and EndTime in", set->tag), NULL;
	if (oof->start_time != NULL && oof->end_time != NULL &&
	    g_date_time_compare (oof->start_time, oof->end_time) > 0)
		return fail (error, EAS_SETTINGS_ERROR_INVALID, "StartTime after EndTime in", set->tag), NULL;
	return g_steal_pointer (&oof);
}

/* ---- Settings request --------------------------------------------------------------- */

void
eas_settings_request_free (EasSettingsRequest *request)
{
	if (request == NULL)
		return;
	eas_oof_settings_free (request->oof_set);
	if (request->device_password != NULL) {
		explicit_bzero (request->device_password, strlen (request->device_password));
		g_free (request->device_password);
	}
	eas_device_information_free (request->device_information);
	g_free (request);
}

static gboolean
decode_oof (const EasNode *node, EasSettingsRequest *req, GError **error)
{
	static const EasTag allowed[] = { EAS_SETTINGS_GET, EAS_SETTINGS_SET };
	static const EasTag get_children[] = { EAS_SETTINGS_BODY_TYPE };
	const EasNode *get = eas_node_child (node, EAS_SETTINGS_GET);
	const EasNode *set = eas_node_child (node, EAS_SETTINGS_SET);

	if (!children_allowed (node, allowed, G_N_ELEMENTS (allowed), error))
		return FALSE;
	if (get != NULL && set != NULL)
		return fail (error, EAS_SETTINGS_ERROR_CONFLICT, "both Get and Set in", node->tag);
	if (set != NULL) {
		req->oof_set = parse_oof_set (set, error);
		return req->oof_set != NULL;
	}
	if (get == NULL)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "neither Get nor Set in", node->tag);
	const EasNode *body_type = eas_node_child (get, EAS_SETTINGS_BODY_TYPE);
	if (!children_allowed (get, get_children, G_N_ELEMENTS (get_children), error))
		return FALSE;
	if (body_type == NULL)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "BodyType missing in Oof", get->tag);
	req->oof_get = TRUE;
	return parse_body_type (body_type, &req->oof_get_body_type, error);
}

static gboolean
decode_device_password (const EasNode *node, EasSettingsRequest *req, GError **error)
{
	static const EasTag allowed[] = { EAS_SETTINGS_PASSWORD };
	const EasNode *set = only_child (node, EAS_SETTINGS_SET, error);
	const EasNode *password;

	if (set == NULL || !children_allowed (set, allowed, G_N_ELEMENTS (allowed), error))
		return FALSE;
	password = eas_node_child (set, EAS_SETTINGS_PASSWORD);
	if (password == NULL)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "Password missing in DevicePassword", set->tag);
	/* The codec hands out valid UTF-8: at most 4 bytes a character. */
	if (!take_text (password, EAS_SETTINGS_MAX_PASSWORD_CHARS * 4, &req->device_password, error))
		return FALSE;
	if (req->device_password != NULL &&
	    g_utf8_strlen (req->device_password, -1) > EAS_SETTINGS_MAX_PASSWORD_CHARS) {
		g_set_error (error, EAS_SETTINGS_ERROR, EAS_SETTINGS_ERROR_INVALID,
		             "Settings: Password longer than %d characters", EAS_SETTINGS_MAX_PASSWORD_CHARS);
		return FALSE;
	}
	if (req->device_password == NULL)
		req->device_password = g_strdup ("");	/* an empty password clears it */
	return TRUE;
}

/* UserInformation and RightsManagementInformation: a single empty Get. */
static gboolean
decode_get_only (const EasNode *node, gboolean *out, GError **error)
{
	const EasNode *get = only_child (node, EAS_SETTINGS_GET, error);

	if (get == NULL)
		return FALSE;
	if (get->first_child != NULL)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "unexpected content in Get of", node->tag);
	*out = TRUE;
	return TRUE;
}

static gboolean
decode_section (const EasNode *c, EasVersion version, EasSettingsRequest *req, GError **error)
{
	switch (c->tag) {
	case EAS_SETTINGS_OOF:
		return decode_oof (c, req, error);
	case EAS_SETTINGS_DEVICE_PASSWORD:
		return decode_device_password (c, req, error);
	case EAS_SETTINGS_DEVICE_INFORMATION:
		req->device_information = eas_device_information_from_node (c, error);
		return req->device_information != NULL;
	case EAS_SETTINGS_USER_INFORMATION:
		return decode_get_only (c, &req->user_information_get, error);
	case EAS_SETTINGS_RIGHTS_MANAGEMENT_INFORMATION:
		/* [MS-ASCMD] 2.2.3.151: 14.1 and later. */
		if (version < 141)
			return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "protocol below 14.1 cannot send", c->tag);
		return decode_get_only (c, &req->rights_management_get, error);
	default:
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "unexpected", c->tag);
	}
}

EasSettingsRequest *
eas_settings_request_from_node (const EasNode *root, EasVersion version, GError **error)
{
	static const EasTag allowed[] = {
		EAS_SETTINGS_OOF, EAS_SETTINGS_DEVICE_PASSWORD, EAS_SETTINGS_DEVICE_INFORMATION,
		EAS_SETTINGS_USER_INFORMATION, EAS_SETTINGS_RIGHTS_MANAGEMENT_INFORMATION,
	};
	g_autoptr (EasSettingsRequest) req = g_new0 (EasSettingsRequest, 1);

	g_return_val_if_fail (root != NULL, NULL);

	if (root->tag != EAS_SETTINGS_SETTINGS)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "root is", root->tag), NULL;
	if (!children_allowed (root, allowed, G_N_ELEMENTS (allowed), error))
		return NULL;
	if (root->first_child == NULL)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "no section in", root->tag), NULL;
	for (const EasNode *c = root->first_child; c != NULL; c = c->next) {
		if (!decode_section (c, version, req, error))
			return NULL;
	}
	return g_steal_pointer (&req);
}

EasSettingsRequest *
eas_settings_request_decode (const guint8 *data, gsize len, EasVersion version,
                             const EasWbxmlLimits *limits, GError **error)
{
	g_return_val_if_fail (data != NULL || len == 0, NULL);

	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, limits, error);
	if (root == NULL) {
		g_prefix_error (error, "Settings: ");
		return NULL;
	}
	return eas_settings_request_from_node (root, version, error);
}

/* ---- Settings response ---------------------------------------------------------------- */

static void
write_time (EasWbxmlWriter *w, EasTag tag, GDateTime *t)
{
	/* [MS-ASDTYPE] 2.3: YYYY-MM-DDTHH:MM:SS.MSSZ */
	g_autofree char *text = g_date_time_format (t, "%Y-%m-%dT%H:%M:%S.000Z");

	eas_wbxml_writer_text_element (w, tag, text);
}

/* The body of an Oof Get response and of an Oof Set request: same shape
 * ([MS-ASCMD] 2.2.3.83, 2.2.3.167).  A response always states OofState. */
static void
write_oof (EasWbxmlWriter *w, EasTag container, const EasOofSettings *oof, gboolean always_state)
{
	static const EasTag audience_tags[EAS_OOF_AUDIENCE_COUNT] = {
		EAS_SETTINGS_APPLIES_TO_INTERNAL, EAS_SETTINGS_APPLIES_TO_EXTERNAL_KNOWN,
		EAS_SETTINGS_APPLIES_TO_EXTERNAL_UNKNOWN,
	};

	eas_wbxml_writer_start (w, container);
	if (oof->has_state || always_state)
		eas_wbxml_writer_uint_element (w, EAS_SETTINGS_OOF_STATE, oof->has_state ? oof->state : EAS_OOF_STATE_DISABLED);
	if (oof->start_time != NULL && oof->end_time != NULL) {
		write_time (w, EAS_SETTINGS_START_TIME, oof->start_time);
		write_time (w, EAS_SETTINGS_END_TIME, oof->end_time);
	}
	for (int i = 0; i < EAS_OOF_AUDIENCE_COUNT; i++) {
		const EasOofMessage *m = &oof->messages[i];
		if (!m->present)
			continue;
		eas_wbxml_writer_start (w, EAS_SETTINGS_OOF_MESSAGE);
		eas_wbxml_writer_empty (w, audience_tags[i]);
		eas_wbxml_writer_uint_element (w, EAS_SETTINGS_ENABLED, m->enabled ? 1 : 0);
		if (m->reply_message != NULL) {
			eas_wbxml_writer_text_element (w, EAS_SETTINGS_REPLY_MESSAGE, m->reply_message);
			eas_wbxml_writer_text_element (w, EAS_SETTINGS_BODY_TYPE,
			                               m->body_type == EAS_OOF_BODY_HTML ? "HTML" : "Text");
		}
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
}

static void
write_user_information (EasWbxmlWriter *w, EasVersion version, const EasSettingsResponse *r)
{
	const char *const *addrs = r->email_addresses;

	eas_wbxml_writer_start (w, EAS_SETTINGS_GET);
	if (version >= 141) {
		/* [MS-ASCMD] 2.2.3.2: the Accounts form of 14.1. */
		eas_wbxml_writer_start (w, EAS_SETTINGS_ACCOUNTS);
		eas_wbxml_writer_start (w, EAS_SETTINGS_ACCOUNT);
		if (r->display_name != NULL)
			eas_wbxml_writer_text_element (w, EAS_SETTINGS_USER_DISPLAY_NAME, r->display_name);
	}
	eas_wbxml_writer_start (w, EAS_SETTINGS_EMAIL_ADDRESSES);
	for (gsize i = 0; addrs != NULL && addrs[i] != NULL; i++)
		eas_wbxml_writer_text_element (w, EAS_SETTINGS_SMTP_ADDRESS, addrs[i]);
	if (version >= 141 && addrs != NULL && addrs[0] != NULL)
		eas_wbxml_writer_text_element (w, EAS_SETTINGS_PRIMARY_SMTP_ADDRESS, addrs[0]);
	eas_wbxml_writer_end (w);
	if (version >= 141) {
		eas_wbxml_writer_end (w);	/* Account */
		eas_wbxml_writer_end (w);	/* Accounts */
	}
	eas_wbxml_writer_end (w);	/* Get */
}

static GBytes *
settings_finish (EasWbxmlWriter *w)
{
	g_autoptr (GError) error = NULL;
	GBytes *out = eas_wbxml_writer_finish (w, &error);

	if (out == NULL)
		g_critical ("settings: unbalanced document: %s", error->message);
	return out;
}

static void
write_get_only (EasWbxmlWriter *w, EasTag section)
{
	eas_wbxml_writer_start (w, section);
	eas_wbxml_writer_empty (w, EAS_SETTINGS_GET);
	eas_wbxml_writer_end (w);
}

GBytes *
eas_settings_encode_request (EasVersion version, const EasSettingsRequest *q)
{
	g_return_val_if_fail (q != NULL, NULL);
	g_return_val_if_fail (!(q->oof_get && q->oof_set != NULL), NULL);

	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	eas_wbxml_writer_start (w, EAS_SETTINGS_SETTINGS);
	if (q->oof_get) {
		eas_wbxml_writer_start (w, EAS_SETTINGS_OOF);
		eas_wbxml_writer_start (w, EAS_SETTINGS_GET);
		eas_wbxml_writer_text_element (w, EAS_SETTINGS_BODY_TYPE,
		                               q->oof_get_body_type == EAS_OOF_BODY_HTML ? "HTML" : "Text");
		eas_wbxml_writer_end (w);
		eas_wbxml_writer_end (w);
	} else if (q->oof_set != NULL) {
		eas_wbxml_writer_start (w, EAS_SETTINGS_OOF);
		write_oof (w, EAS_SETTINGS_SET, q->oof_set, FALSE);
		eas_wbxml_writer_end (w);
	}
	if (q->device_password != NULL) {
		eas_wbxml_writer_start (w, EAS_SETTINGS_DEVICE_PASSWORD);
		eas_wbxml_writer_start (w, EAS_SETTINGS_SET);
		if (q->device_password[0] != '\0')
			eas_wbxml_writer_text_element (w, EAS_SETTINGS_PASSWORD, q->device_password);
		else
			eas_wbxml_writer_empty (w, EAS_SETTINGS_PASSWORD);	/* clears it */
		eas_wbxml_writer_end (w);
		eas_wbxml_writer_end (w);
	}
	if (q->device_information != NULL)
		eas_device_information_write (q->device_information, w);
	if (q->user_information_get)
		write_get_only (w, EAS_SETTINGS_USER_INFORMATION);
	if (q->rights_management_get && version >= 141)
		write_get_only (w, EAS_SETTINGS_RIGHTS_MANAGEMENT_INFORMATION);
	eas_wbxml_writer_end (w);
	return settings_finish (w);
}

static void
section_begin (EasWbxmlWriter *w, EasTag tag, guint status)
{
	eas_wbxml_writer_start (w, tag);
	eas_wbxml_writer_uint_element (w, EAS_SETTINGS_STATUS, status);
}

GBytes *
eas_settings_encode_response (EasVersion version, const EasSettingsResponse *r)
{
	g_return_val_if_fail (r != NULL && r->status != 0, NULL);

	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_SETTINGS_SETTINGS);
	eas_wbxml_writer_uint_element (w, EAS_SETTINGS_STATUS, r->status);
	if (r->oof_status != 0) {
		section_begin (w, EAS_SETTINGS_OOF, r->oof_status);
		if (r->oof_status == EAS_SETTINGS_STATUS_SUCCESS && r->oof_get != NULL)
			write_oof (w, EAS_SETTINGS_GET, r->oof_get, TRUE);
		eas_wbxml_writer_end (w);
	}
	if (r->device_password_status != 0) {
		section_begin (w, EAS_SETTINGS_DEVICE_PASSWORD, r->device_password_status);
		eas_wbxml_writer_end (w);
	}
	if (r->device_information_status != 0) {
		section_begin (w, EAS_SETTINGS_DEVICE_INFORMATION, r->device_information_status);
		eas_wbxml_writer_end (w);
	}
	if (r->user_information_status != 0) {
		section_begin (w, EAS_SETTINGS_USER_INFORMATION, r->user_information_status);
		if (r->user_information_status == EAS_SETTINGS_STATUS_SUCCESS)
			write_user_information (w, version, r);
		eas_wbxml_writer_end (w);
	}
	if (r->rights_management_status != 0 && version >= 141) {
		section_begin (w, EAS_SETTINGS_RIGHTS_MANAGEMENT_INFORMATION, r->rights_management_status);
		if (r->rights_management_status == EAS_SETTINGS_STATUS_SUCCESS) {
			eas_wbxml_writer_start (w, EAS_SETTINGS_GET);
			eas_wbxml_writer_empty (w, EAS_RIGHTSMANAGEMENT_RIGHTS_MANAGEMENT_TEMPLATES);
			eas_wbxml_writer_end (w);
		}
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
	return settings_finish (w);
}

/* ---- Client side: Settings response ------------------------------------------------ */

void
eas_settings_result_free (EasSettingsResult *result)
{
	if (result == NULL)
		return;
	eas_oof_settings_free (result->oof);
	g_strfreev (result->email_addresses);
	g_free (result->display_name);
	g_free (result);
}

/* The Status child of a section, 1–255; 0 when the section is absent. */
static gboolean
section_status (const EasNode *section, guint *out, GError **error)
{
	const EasNode *st = section != NULL ? eas_node_child (section, EAS_SETTINGS_STATUS) : NULL;
	guint64 v;

	if (section == NULL)
		return TRUE;
	if (st == NULL)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "Status missing in", section->tag);
	if (!parse_number (st, 1, 255, &v, error))
		return FALSE;
	*out = (guint) v;
	return TRUE;
}

/* EmailAddresses: SmtpAddress* and (14.1) PrimarySmtpAddress, primary first. */
static gboolean
read_addresses (const EasNode *list, EasSettingsResult *r, GError **error)
{
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
	const char *primary = eas_node_child_text (list, EAS_SETTINGS_PRIMARY_SMTP_ADDRESS);

	if (primary != NULL && strlen (primary) > EAS_SETTINGS_MAX_FIELD_BYTES)
		return fail (error, EAS_SETTINGS_ERROR_INVALID, "too long PrimarySmtpAddress in", list->tag);
	if (primary != NULL)
		g_ptr_array_add (out, g_strdup (primary));
	for (const EasNode *c = list->first_child; c != NULL; c = c->next) {
		if (c->tag != EAS_SETTINGS_SMTP_ADDRESS || c->text == NULL || g_strcmp0 (c->text, primary) == 0)
			continue;
		if (out->len == EAS_SETTINGS_MAX_ADDRESSES || strlen (c->text) > EAS_SETTINGS_MAX_FIELD_BYTES)
			return fail (error, EAS_SETTINGS_ERROR_INVALID, "too many or too long addresses in", list->tag);
		g_ptr_array_add (out, g_strdup (c->text));
	}
	g_ptr_array_add (out, NULL);
	r->email_addresses = (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
	return TRUE;
}

static gboolean
read_user_information (const EasNode *get, EasSettingsResult *r, GError **error)
{
	const EasNode *account = eas_node_path (get, EAS_SETTINGS_ACCOUNTS, EAS_SETTINGS_ACCOUNT, 0);
	const EasNode *holder = account != NULL ? account : get;
	const EasNode *list = eas_node_child (holder, EAS_SETTINGS_EMAIL_ADDRESSES);
	const EasNode *name = account != NULL ? eas_node_child (account, EAS_SETTINGS_USER_DISPLAY_NAME) : NULL;

	if (name != NULL && !take_text (name, EAS_SETTINGS_MAX_FIELD_BYTES, &r->display_name, error))
		return FALSE;
	return list == NULL || read_addresses (list, r, error);
}

static gboolean
read_settings_result (const EasNode *root, EasSettingsResult *r, GError **error)
{
	const EasNode *oof = eas_node_child (root, EAS_SETTINGS_OOF);
	const EasNode *ui = eas_node_child (root, EAS_SETTINGS_USER_INFORMATION);
	const EasNode *get;

	if (root->tag != EAS_SETTINGS_SETTINGS)
		return fail (error, EAS_SETTINGS_ERROR_MALFORMED, "response root is", root->tag);
	if (!section_status (root, &r->status, error) ||
	    !section_status (oof, &r->oof_status, error) ||
	    !section_status (eas_node_child (root, EAS_SETTINGS_DEVICE_PASSWORD), &r->device_password_status, error) ||
	    !section_status (eas_node_child (root, EAS_SETTINGS_DEVICE_INFORMATION), &r->device_information_status, error) ||
	    !section_status (ui, &r->user_information_status, error) ||
	    !section_status (eas_node_child (root, EAS_SETTINGS_RIGHTS_MANAGEMENT_INFORMATION),
	                     &r->rights_management_status, error))
		return FALSE;
	/* The Oof Get answer has the shape of an Oof Set request. */
	if (oof != NULL && (get = eas_node_child (oof, EAS_SETTINGS_GET)) != NULL) {
		r->oof = parse_oof_set (get, error);
		if (r->oof == NULL)
			return FALSE;
	}
	if (ui != NULL && (get = eas_node_child (ui, EAS_SETTINGS_GET)) != NULL)
		return read_user_information (get, r, error);
	return TRUE;
}

EasSettingsResult *
eas_settings_response_decode (const guint8 *data, gsize len, const EasWbxmlLimits *limits,
                              GError **error)
{
	g_return_val_if_fail (data != NULL || len == 0, NULL);

	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, limits, error);
	if (root == NULL) {
		g_prefix_error (error, "Settings response: ");
		return NULL;
	}
	g_autoptr (EasSettingsResult) r = g_new0 (EasSettingsResult, 1);
	if (!read_settings_result (root, r, error))
		return NULL;
	return g_steal_pointer (&r);
}
