/* eas-provision.c — the pure provisioning model ([MS-ASPROV]).
 *
 * Pure: no I/O.  The policy table below is the one place that knows each
 * setting's tag, type, range and the version that introduced it.
 */
#include "config.h"

#include <string.h>

#include "eas/eas-provision.h"

G_DEFINE_QUARK (eas-provision-error-quark, eas_provision_error)

/* ---- The policy table ------------------------------------------------------ */

typedef struct {
	EasTag tag;
	EasVersion since;
	gboolean is_bool;
	gsize offset;
	gint32 min, max;
	/* Unset numbers: an empty element where the type is "…OrEmpty"
	 * ([MS-ASPROV] 2.2.3.2), otherwise this value. */
	gboolean empty_when_unset;
	gint32 fallback;
} PolicySetting;

#define BOOL_SETTING(TAG, since, field) \
	{ EAS_PROVISION_##TAG, since, TRUE, G_STRUCT_OFFSET (EasPolicy, field), 0, 1, FALSE, 0 }
#define EMPTY_SETTING(TAG, since, field, lo, hi) \
	{ EAS_PROVISION_##TAG, since, FALSE, G_STRUCT_OFFSET (EasPolicy, field), lo, hi, TRUE, 0 }
#define NUMBER_SETTING(TAG, since, field, lo, hi, fallback) \
	{ EAS_PROVISION_##TAG, since, FALSE, G_STRUCT_OFFSET (EasPolicy, field), lo, hi, FALSE, fallback }

/* In the order Exchange sends them (token order but for 0x10/0x11).  Versions:
 * the "Protocol Versions" table of each element in [MS-ASPROV] 2.2.2. */
static const PolicySetting policy_settings[] = {
	BOOL_SETTING (DEVICE_PASSWORD_ENABLED, 120, device_password_enabled),
	BOOL_SETTING (ALPHANUMERIC_DEVICE_PASSWORD_REQUIRED, 120, alphanumeric_device_password_required),
	BOOL_SETTING (PASSWORD_RECOVERY_ENABLED, 120, password_recovery_enabled),
	BOOL_SETTING (REQUIRE_STORAGE_CARD_ENCRYPTION, 120, require_storage_card_encryption),
	BOOL_SETTING (ATTACHMENTS_ENABLED, 120, attachments_enabled),
	EMPTY_SETTING (MIN_DEVICE_PASSWORD_LENGTH, 120, min_device_password_length, 1, 16),
	EMPTY_SETTING (MAX_INACTIVITY_TIME_DEVICE_LOCK, 120, max_inactivity_time_device_lock, 0, 9999),
	EMPTY_SETTING (MAX_DEVICE_PASSWORD_FAILED_ATTEMPTS, 120, max_device_password_failed_attempts, 4, 16),
	EMPTY_SETTING (MAX_ATTACHMENT_SIZE, 120, max_attachment_size, 0, G_MAXINT32),
	BOOL_SETTING (ALLOW_SIMPLE_DEVICE_PASSWORD, 120, allow_simple_device_password),
	EMPTY_SETTING (DEVICE_PASSWORD_EXPIRATION, 120, device_password_expiration, 0, G_MAXINT32),
	NUMBER_SETTING (DEVICE_PASSWORD_HISTORY, 120, device_password_history, 0, G_MAXINT32, 0),
	BOOL_SETTING (ALLOW_STORAGE_CARD, 121, allow_storage_card),
	BOOL_SETTING (ALLOW_CAMERA, 121, allow_camera),
	BOOL_SETTING (REQUIRE_DEVICE_ENCRYPTION, 121, require_device_encryption),
	BOOL_SETTING (ALLOW_UNSIGNED_APPLICATIONS, 121, allow_unsigned_applications),
	BOOL_SETTING (ALLOW_UNSIGNED_INSTALLATION_PACKAGES, 121, allow_unsigned_installation_packages),
	NUMBER_SETTING (MIN_DEVICE_PASSWORD_COMPLEX_CHARACTERS, 121, min_device_password_complex_characters, 1, 4, 1),
	BOOL_SETTING (ALLOW_WIFI, 121, allow_wifi),
	BOOL_SETTING (ALLOW_TEXT_MESSAGING, 121, allow_text_messaging),
	BOOL_SETTING (ALLOW_POPIMAP_EMAIL, 121, allow_popimap_email),
	NUMBER_SETTING (ALLOW_BLUETOOTH, 121, allow_bluetooth, 0, 2, 2),
	BOOL_SETTING (ALLOW_IRDA, 121, allow_irda),
	BOOL_SETTING (REQUIRE_MANUAL_SYNC_WHEN_ROAMING, 121, require_manual_sync_when_roaming),
	BOOL_SETTING (ALLOW_DESKTOP_SYNC, 121, allow_desktop_sync),
	NUMBER_SETTING (MAX_CALENDAR_AGE_FILTER, 121, max_calendar_age_filter, 0, 7, 0),
	BOOL_SETTING (ALLOW_HTML_EMAIL, 121, allow_html_email),
	NUMBER_SETTING (MAX_EMAIL_AGE_FILTER, 121, max_email_age_filter, 0, 5, 0),
	NUMBER_SETTING (MAX_EMAIL_BODY_TRUNCATION_SIZE, 121, max_email_body_truncation_size, -1, G_MAXINT32, -1),
	NUMBER_SETTING (MAX_EMAIL_HTML_BODY_TRUNCATION_SIZE, 121, max_email_html_body_truncation_size, -1, G_MAXINT32, -1),
	BOOL_SETTING (REQUIRE_SIGNED_SMIME_MESSAGES, 121, require_signed_smime_messages),
	BOOL_SETTING (REQUIRE_ENCRYPTED_SMIME_MESSAGES, 121, require_encrypted_smime_messages),
	NUMBER_SETTING (REQUIRE_SIGNED_SMIME_ALGORITHM, 121, require_signed_smime_algorithm, 0, 1, 0),
	NUMBER_SETTING (REQUIRE_ENCRYPTION_SMIME_ALGORITHM, 121, require_encryption_smime_algorithm, 0, 4, 0),
	NUMBER_SETTING (ALLOW_SMIME_ENCRYPTION_ALGORITHM_NEGOTIATION, 121, allow_smime_encryption_algorithm_negotiation, 0, 2, 2),
	BOOL_SETTING (ALLOW_SMIME_SOFT_CERTS, 121, allow_smime_soft_certs),
	BOOL_SETTING (ALLOW_BROWSER, 121, allow_browser),
	BOOL_SETTING (ALLOW_CONSUMER_EMAIL, 121, allow_consumer_email),
	BOOL_SETTING (ALLOW_REMOTE_DESKTOP, 121, allow_remote_desktop),
	BOOL_SETTING (ALLOW_INTERNET_SHARING, 121, allow_internet_sharing),
};

/* Application lists (12.1): sent empty, i.e. no restriction. */
#define APPLICATION_LISTS_SINCE 121

static gboolean *
setting_bool (EasPolicy *policy, const PolicySetting *s)
{
	return &G_STRUCT_MEMBER (gboolean, policy, s->offset);
}

static gint32
setting_number (const EasPolicy *policy, const PolicySetting *s)
{
	return G_STRUCT_MEMBER (gint32, policy, s->offset);
}

void
eas_policy_init_default (EasPolicy *policy)
{
	g_return_if_fail (policy != NULL);

	memset (policy, 0, sizeof *policy);
	for (gsize i = 0; i < G_N_ELEMENTS (policy_settings); i++) {
		const PolicySetting *s = &policy_settings[i];
		if (s->is_bool)
			continue;
		G_STRUCT_MEMBER (gint32, policy, s->offset) = s->empty_when_unset ? EAS_POLICY_UNSET : s->fallback;
	}
	/* Everything allowed, nothing required. */
	policy->attachments_enabled = TRUE;
	policy->allow_simple_device_password = TRUE;
	policy->allow_storage_card = TRUE;
	policy->allow_camera = TRUE;
	policy->allow_unsigned_applications = TRUE;
	policy->allow_unsigned_installation_packages = TRUE;
	policy->allow_wifi = TRUE;
	policy->allow_text_messaging = TRUE;
	policy->allow_popimap_email = TRUE;
	policy->allow_irda = TRUE;
	policy->allow_desktop_sync = TRUE;
	policy->allow_html_email = TRUE;
	policy->allow_smime_soft_certs = TRUE;
	policy->allow_browser = TRUE;
	policy->allow_consumer_email = TRUE;
	policy->allow_remote_desktop = TRUE;
	policy->allow_internet_sharing = TRUE;
}

static gboolean
validate_list (const char *name, const char *const *list, GError **error)
{
	gsize n = 0;

	for (; list != NULL && list[n] != NULL; n++) {
		gsize len = strlen (list[n]);
		if (len == 0 || len > EAS_POLICY_MAX_APPLICATION_BYTES ||
		    !g_utf8_validate (list[n], (gssize) len, NULL)) {
			g_set_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID,
			             "policy setting %s: entry %" G_GSIZE_FORMAT " is empty, too long or not UTF-8",
			             name, n);
			return FALSE;
		}
	}
	if (n > EAS_POLICY_MAX_APPLICATIONS) {
		g_set_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID,
		             "policy setting %s: %" G_GSIZE_FORMAT " entries exceed the limit of %d",
		             name, n, EAS_POLICY_MAX_APPLICATIONS);
		return FALSE;
	}
	return TRUE;
}

gboolean
eas_policy_validate (const EasPolicy *policy, GError **error)
{
	g_return_val_if_fail (policy != NULL, FALSE);

	for (gsize i = 0; i < G_N_ELEMENTS (policy_settings); i++) {
		const PolicySetting *s = &policy_settings[i];
		gint32 v = s->is_bool ? (gint32) *setting_bool ((EasPolicy *) policy, s) : setting_number (policy, s);
		gboolean unset_ok = !s->is_bool && v == EAS_POLICY_UNSET;

		if (!unset_ok && (v < s->min || v > s->max)) {
			g_set_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID,
			             "policy setting %s: %d is outside %d–%d",
			             eas_tag_name (s->tag), v, s->min, s->max);
			return FALSE;
		}
	}
	if (!validate_list ("ApprovedApplicationList", policy->approved_application_hashes, error) ||
	    !validate_list ("UnapprovedInROMApplicationList", policy->unapproved_in_rom_applications, error))
		return FALSE;
	/* [MS-ASPROV] 2.2.2.34: 1–3 are not calendar windows. */
	if (policy->max_calendar_age_filter >= 1 && policy->max_calendar_age_filter <= 3) {
		g_set_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID,
		             "policy setting MaxCalendarAgeFilter: %d is not 0, 4, 5, 6 or 7",
		             policy->max_calendar_age_filter);
		return FALSE;
	}
	return TRUE;
}

EasVersion
eas_policy_setting_version (EasTag tag)
{
	for (gsize i = 0; i < G_N_ELEMENTS (policy_settings); i++) {
		if (policy_settings[i].tag == tag)
			return policy_settings[i].since;
	}
	if (tag == EAS_PROVISION_UNAPPROVED_IN_ROM_APPLICATION_LIST ||
	    tag == EAS_PROVISION_APPROVED_APPLICATION_LIST)
		return APPLICATION_LISTS_SINCE;
	return 0;
}

/* An empty list is an empty element: "no restriction" ([MS-ASPROV] 2.2.2.22, 2.2.2.55). */
static void
write_list (EasWbxmlWriter *w, EasTag list_tag, EasTag item_tag, const char *const *items)
{
	if (items == NULL || items[0] == NULL) {
		eas_wbxml_writer_empty (w, list_tag);
		return;
	}
	eas_wbxml_writer_start (w, list_tag);
	for (gsize i = 0; items[i] != NULL; i++)
		eas_wbxml_writer_text_element (w, item_tag, items[i]);
	eas_wbxml_writer_end (w);
}

void
eas_policy_write_provision_doc (const EasPolicy *policy, EasVersion version,
                                EasWbxmlWriter *writer)
{
	g_return_if_fail (policy != NULL && writer != NULL);
	g_return_if_fail (version >= 120);

	eas_wbxml_writer_start (writer, EAS_PROVISION_EAS_PROVISION_DOC);
	for (gsize i = 0; i < G_N_ELEMENTS (policy_settings); i++) {
		const PolicySetting *s = &policy_settings[i];
		char buf[16];
		gint32 v;

		if (s->since > version)
			continue;	/* clients loop on settings they do not know */
		v = s->is_bool ? (*setting_bool ((EasPolicy *) policy, s) ? 1 : 0) : setting_number (policy, s);
		if (!s->is_bool && v == EAS_POLICY_UNSET) {
			if (s->empty_when_unset) {
				eas_wbxml_writer_empty (writer, s->tag);
				continue;
			}
			v = s->fallback;
		}
		g_snprintf (buf, sizeof buf, "%" G_GINT32_FORMAT, v);
		eas_wbxml_writer_text_element (writer, s->tag, buf);
	}
	if (version >= APPLICATION_LISTS_SINCE) {
		write_list (writer, EAS_PROVISION_UNAPPROVED_IN_ROM_APPLICATION_LIST,
		            EAS_PROVISION_APPLICATION_NAME, policy->unapproved_in_rom_applications);
		write_list (writer, EAS_PROVISION_APPROVED_APPLICATION_LIST,
		            EAS_PROVISION_HASH, policy->approved_application_hashes);
	}
	eas_wbxml_writer_end (writer);
}

/* [MS-ASPROV] 2.2.2.24.2: the 2.5 policy as Windows Mobile provisioning
 * XML.  4131 is "password required" with 0 meaning yes; AEFrequency* is
 * the inactivity lock in minutes; DeviceWipeThreshold is the failed
 * attempts before a wipe (-1 none); PasswordComplexity 0 requires an
 * alphanumeric password, 2 allows a simple PIN. */
char *
eas_policy_to_wap_xml (const EasPolicy *policy)
{
	g_return_val_if_fail (policy != NULL, NULL);

	gint32 lock = policy->max_inactivity_time_device_lock;
	gint32 minutes = lock > 0 ? (lock + 59) / 60 : 0;
	gint32 wipe = policy->max_device_password_failed_attempts;
	gint32 min_len = policy->min_device_password_length;
	GString *s = g_string_new ("<wap-provisioningdoc>");

	g_string_append_printf (s, "<characteristic type=\"SecurityPolicy\">"
	                           "<parm name=\"4131\" value=\"%d\"/>"
	                           "</characteristic>",
	                        policy->device_password_enabled ? 0 : 1);
	g_string_append (s, "<characteristic type=\"Registry\">");
	g_string_append_printf (s, "<characteristic type=\"HKLM\\Comm\\Security\\Policy\\LASSD\\AE\\{50C13377-C66D-400C-889E-C316FC4AB374}\">"
	                           "<parm name=\"AEFrequencyType\" value=\"%d\"/>"
	                           "<parm name=\"AEFrequencyValue\" value=\"%" G_GINT32_FORMAT "\"/>"
	                           "</characteristic>",
	                        minutes > 0 ? 1 : 0, minutes);
	g_string_append_printf (s, "<characteristic type=\"HKLM\\Comm\\Security\\Policy\\LASSD\">"
	                           "<parm name=\"DeviceWipeThreshold\" value=\"%" G_GINT32_FORMAT "\"/>"
	                           "</characteristic>",
	                        wipe == EAS_POLICY_UNSET ? -1 : wipe);
	g_string_append (s, "<characteristic type=\"HKLM\\Comm\\Security\\Policy\\LASSD\">"
	                    "<parm name=\"CodewordFrequency\" value=\"0\"/>"
	                    "</characteristic>");
	g_string_append_printf (s, "<characteristic type=\"HKLM\\Comm\\Security\\Policy\\LASSD\\LAP\\lap_pw\">"
	                           "<parm name=\"MinimumPasswordLength\" value=\"%" G_GINT32_FORMAT "\"/>"
	                           "</characteristic>",
	                        min_len == EAS_POLICY_UNSET ? 1 : min_len);
	g_string_append_printf (s, "<characteristic type=\"HKLM\\Comm\\Security\\Policy\\LASSD\\LAP\\lap_pw\">"
	                           "<parm name=\"PasswordComplexity\" value=\"%d\"/>"
	                           "</characteristic>",
	                        policy->alphanumeric_device_password_required ? 0 : 2);
	g_string_append (s, "</characteristic></wap-provisioningdoc>");
	return g_string_free (s, FALSE);
}

static GBytes *
writer_finish (EasWbxmlWriter *writer)
{
	g_autoptr (GError) error = NULL;
	GBytes *out = eas_wbxml_writer_finish (writer, &error);

	if (out == NULL)
		g_critical ("provision: unbalanced response document: %s", error->message);
	return out;
}

static guint64
digest64 (const guint8 *data, gsize len)
{
	g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
	guint8 digest[32];
	gsize dlen = sizeof digest;
	guint64 h = 0;

	g_checksum_update (sum, data, (gssize) len);
	g_checksum_get_digest (sum, digest, &dlen);
	for (int i = 0; i < 8; i++)
		h = h << 8 | digest[i];
	return h != 0 ? h : 1;	/* 0 stays free for "no policy acknowledged" */
}

guint64
eas_policy_hash (const EasPolicy *policy, EasVersion version)
{
	g_return_val_if_fail (policy != NULL, 0);

	if (version < 120) {
		g_autofree char *xml = eas_policy_to_wap_xml (policy);
		return digest64 ((const guint8 *) xml, strlen (xml));
	}
	g_autoptr (EasWbxmlWriter) writer = eas_wbxml_writer_new ();
	eas_policy_write_provision_doc (policy, version, writer);
	g_autoptr (GBytes) doc = writer_finish (writer);
	gsize len = 0;
	const guint8 *data = doc != NULL ? g_bytes_get_data (doc, &len) : NULL;
	return digest64 (data, len);
}

/* ---- Provision request ---------------------------------------------------------- */

void
eas_provision_request_free (EasProvisionRequest *request)
{
	if (request == NULL)
		return;
	eas_device_information_free (request->device_information);
	g_free (request);
}

static gboolean
malformed (GError **error, const char *what, EasTag tag)
{
	g_set_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_MALFORMED,
	             "Provision: %s %s", what, eas_tag_name (tag) ? eas_tag_name (tag) : "element");
	return FALSE;
}

/* The text of a single child holding a number in [min, max]. */
static gboolean
child_number (const EasNode *node, EasTag tag, guint64 min, guint64 max,
              guint64 *out, GError **error)
{
	const char *text = eas_node_child_text (node, tag);
	g_autoptr (GError) local = NULL;

	if (text == NULL)
		return malformed (error, "missing", tag);
	if (strlen (text) > 64 ||
	    !g_ascii_string_to_unsigned (text, 10, min, max, out, &local)) {
		g_set_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID,
		             "Provision: %s is not a number in %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT,
		             eas_tag_name (tag), min, max);
		return FALSE;
	}
	return TRUE;
}

/* Checks that node's children are among allowed[] and none repeats. */
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
			return malformed (error, "unexpected", c->tag);
		if (seen & (1u << i))
			return malformed (error, "repeated", c->tag);
		seen |= 1u << i;
	}
	return TRUE;
}

static gboolean
decode_wipe_ack (const EasNode *wipe, EasProvisionRequest *req, GError **error)
{
	static const EasTag allowed[] = { EAS_PROVISION_STATUS };
	guint64 status;

	if (!children_allowed (wipe, allowed, G_N_ELEMENTS (allowed), error) ||
	    !child_number (wipe, EAS_PROVISION_STATUS, 1, 2, &status, error))
		return FALSE;
	req->status = (guint) status;
	return TRUE;
}

static gboolean
decode_policy_type (const EasNode *policy, EasVersion version, GError **error)
{
	const char *type = eas_node_child_text (policy, EAS_PROVISION_POLICY_TYPE);
	const char *want = version < 120 ? EAS_POLICY_TYPE_WAP_XML : EAS_POLICY_TYPE_WBXML;

	if (type == NULL)
		return malformed (error, "missing", EAS_PROVISION_POLICY_TYPE);
	if (strcmp (type, want) != 0) {
		g_set_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_POLICY_TYPE,
		             "Provision: PolicyType is not %s (protocol %s)", want,
		             eas_version_to_string (version));
		return FALSE;
	}
	return TRUE;
}

static gboolean
decode_policies (const EasNode *policies, EasVersion version, EasProvisionRequest *req, GError **error)
{
	static const EasTag top[] = { EAS_PROVISION_POLICY };
	static const EasTag inner[] = { EAS_PROVISION_POLICY_TYPE, EAS_PROVISION_POLICY_KEY, EAS_PROVISION_STATUS };
	const EasNode *policy = eas_node_child (policies, EAS_PROVISION_POLICY);
	guint64 key, status;

	if (!children_allowed (policies, top, G_N_ELEMENTS (top), error))
		return FALSE;
	if (policy == NULL)
		return malformed (error, "missing", EAS_PROVISION_POLICY);
	if (!children_allowed (policy, inner, G_N_ELEMENTS (inner), error) ||
	    !decode_policy_type (policy, version, error))
		return FALSE;
	req->has_policy_type = TRUE;
	if (eas_node_child (policy, EAS_PROVISION_POLICY_KEY) == NULL) {
		if (eas_node_child (policy, EAS_PROVISION_STATUS) != NULL)
			return malformed (error, "Status without PolicyKey in", EAS_PROVISION_POLICY);
		req->kind = EAS_PROVISION_REQUEST_INITIAL;
		return TRUE;
	}
	/* [MS-ASPROV] 2.2.2.54.1: 1 applied, 2 partly, 3 not applied, 4 managed by a third party. */
	if (!child_number (policy, EAS_PROVISION_POLICY_KEY, 0, G_MAXUINT32, &key, error) ||
	    !child_number (policy, EAS_PROVISION_STATUS, 1, 4, &status, error))
		return FALSE;
	req->kind = EAS_PROVISION_REQUEST_ACKNOWLEDGE;
	req->policy_key = (guint32) key;
	req->status = (guint) status;
	return TRUE;
}

static EasProvisionRequest *
provision_from_root (const EasNode *root, EasVersion version, GError **error)
{
	static const EasTag allowed[] = {
		EAS_SETTINGS_DEVICE_INFORMATION, EAS_PROVISION_POLICIES,
		EAS_PROVISION_REMOTE_WIPE, EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE,
	};
	g_autoptr (EasProvisionRequest) req = g_new0 (EasProvisionRequest, 1);
	const EasNode *policies = eas_node_child (root, EAS_PROVISION_POLICIES);
	const EasNode *wipe = eas_node_child (root, EAS_PROVISION_REMOTE_WIPE);
	const EasNode *account = eas_node_child (root, EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE);
	const EasNode *info = eas_node_child (root, EAS_SETTINGS_DEVICE_INFORMATION);

	if (root->tag != EAS_PROVISION_PROVISION)
		return malformed (error, "root is", root->tag), NULL;
	if (!children_allowed (root, allowed, G_N_ELEMENTS (allowed), error))
		return NULL;
	if ((policies != NULL) + (wipe != NULL) + (account != NULL) > 1)
		return malformed (error, "more than one of Policies, RemoteWipe, AccountOnlyRemoteWipe in", root->tag), NULL;
	if (account != NULL && version < 161)
		return malformed (error, "protocol below 16.1 cannot send", account->tag), NULL;

	req->kind = EAS_PROVISION_REQUEST_INITIAL;
	if (wipe != NULL) {
		req->kind = EAS_PROVISION_REQUEST_REMOTE_WIPE_ACK;
		if (!decode_wipe_ack (wipe, req, error))
			return NULL;
	} else if (account != NULL) {
		req->kind = EAS_PROVISION_REQUEST_ACCOUNT_ONLY_WIPE_ACK;
		if (!decode_wipe_ack (account, req, error))
			return NULL;
	} else if (policies != NULL && !decode_policies (policies, version, req, error)) {
		return NULL;
	}
	/* [MS-ASPROV] 2.2.2.53: DeviceInformation in Provision is 14.1+. */
	if (info != NULL && version >= 141) {
		g_autoptr (GError) local = NULL;
		req->device_information = eas_device_information_from_node (info, &local);
		if (req->device_information == NULL) {
			/* One error domain for callers of this decoder. */
			g_set_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_MALFORMED,
			             "Provision: DeviceInformation: %s", local->message);
			return NULL;
		}
	}
	return g_steal_pointer (&req);
}

EasProvisionRequest *
eas_provision_request_decode (const guint8 *data, gsize len, EasVersion version,
                              const EasWbxmlLimits *limits, GError **error)
{
	g_return_val_if_fail (data != NULL || len == 0, NULL);
	g_return_val_if_fail (eas_version_to_string (version) != NULL, NULL);

	if (len == 0) {
		/* An empty body: the "empty Provision" of a device told to wipe. */
		EasProvisionRequest *req = g_new0 (EasProvisionRequest, 1);
		req->kind = EAS_PROVISION_REQUEST_INITIAL;
		return req;
	}
	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, limits, error);
	if (root == NULL) {
		g_prefix_error (error, "Provision: ");
		return NULL;
	}
	return provision_from_root (root, version, error);
}

/* ---- Provision responses ------------------------------------------------------- */

static const char *
policy_type_for (EasVersion version)
{
	return version < 120 ? EAS_POLICY_TYPE_WAP_XML : EAS_POLICY_TYPE_WBXML;
}

/* <Provision>[<settings:DeviceInformation><settings:Status/>…]<Status>1</Status>
 * in the order of [MS-ASPROV] 3.2.5.1.1. */
static EasWbxmlWriter *
response_begin (EasVersion version, guint device_info_status, guint status)
{
	EasWbxmlWriter *w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_PROVISION_PROVISION);
	if (device_info_status != 0 && version >= 141) {
		eas_wbxml_writer_start (w, EAS_SETTINGS_DEVICE_INFORMATION);
		eas_wbxml_writer_uint_element (w, EAS_SETTINGS_STATUS, device_info_status);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_uint_element (w, EAS_PROVISION_STATUS, status);
	return w;
}

static void
write_key (EasWbxmlWriter *w, guint32 key)
{
	char buf[16];

	g_snprintf (buf, sizeof buf, "%" G_GUINT32_FORMAT, key);
	eas_wbxml_writer_text_element (w, EAS_PROVISION_POLICY_KEY, buf);
}

GBytes *
eas_provision_encode_policy (EasVersion version, const EasPolicy *policy,
                             guint32 temporary_key, guint device_info_status)
{
	g_return_val_if_fail (policy != NULL, NULL);
	g_return_val_if_fail (temporary_key != 0, NULL);
	g_return_val_if_fail (eas_version_to_string (version) != NULL, NULL);

	g_autoptr (EasWbxmlWriter) w = response_begin (version, device_info_status, 1);
	eas_wbxml_writer_start (w, EAS_PROVISION_POLICIES);
	eas_wbxml_writer_start (w, EAS_PROVISION_POLICY);
	eas_wbxml_writer_text_element (w, EAS_PROVISION_POLICY_TYPE, policy_type_for (version));
	eas_wbxml_writer_uint_element (w, EAS_PROVISION_STATUS, 1);
	write_key (w, temporary_key);
	if (version < 120) {
		g_autofree char *xml = eas_policy_to_wap_xml (policy);
		eas_wbxml_writer_text_element (w, EAS_PROVISION_DATA, xml);
	} else {
		eas_wbxml_writer_start (w, EAS_PROVISION_DATA);
		eas_policy_write_provision_doc (policy, version, w);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);	/* Policy */
	eas_wbxml_writer_end (w);	/* Policies */
	eas_wbxml_writer_end (w);	/* Provision */
	return writer_finish (w);
}

GBytes *
eas_provision_encode_final_key (EasVersion version, guint32 final_key, guint device_info_status)
{
	g_return_val_if_fail (final_key != 0, NULL);
	g_return_val_if_fail (eas_version_to_string (version) != NULL, NULL);

	g_autoptr (EasWbxmlWriter) w = response_begin (version, device_info_status, 1);
	eas_wbxml_writer_start (w, EAS_PROVISION_POLICIES);
	eas_wbxml_writer_start (w, EAS_PROVISION_POLICY);
	eas_wbxml_writer_text_element (w, EAS_PROVISION_POLICY_TYPE, policy_type_for (version));
	eas_wbxml_writer_uint_element (w, EAS_PROVISION_STATUS, 1);
	write_key (w, final_key);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	return writer_finish (w);
}

GBytes *
eas_provision_encode_policy_status (EasVersion version, guint policy_status)
{
	g_return_val_if_fail (policy_status >= 2 && policy_status <= 5, NULL);
	g_return_val_if_fail (eas_version_to_string (version) != NULL, NULL);

	g_autoptr (EasWbxmlWriter) w = response_begin (version, 0, 1);
	eas_wbxml_writer_start (w, EAS_PROVISION_POLICIES);
	eas_wbxml_writer_start (w, EAS_PROVISION_POLICY);
	eas_wbxml_writer_text_element (w, EAS_PROVISION_POLICY_TYPE, policy_type_for (version));
	eas_wbxml_writer_uint_element (w, EAS_PROVISION_STATUS, policy_status);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	return writer_finish (w);
}

static GBytes *
encode_wipe (EasTag tag)
{
	g_autoptr (EasWbxmlWriter) w = response_begin (0, 0, 1);

	eas_wbxml_writer_empty (w, tag);
	eas_wbxml_writer_end (w);
	return writer_finish (w);
}

GBytes *
eas_provision_encode_remote_wipe (void)
{
	return encode_wipe (EAS_PROVISION_REMOTE_WIPE);
}

GBytes *
eas_provision_encode_account_only_remote_wipe (EasVersion version)
{
	/* [MS-ASPROV] 2.2.2.1: AccountOnlyRemoteWipe exists in 16.1 only. */
	g_return_val_if_fail (version >= 161, NULL);

	return encode_wipe (EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE);
}

GBytes *
eas_provision_encode_status (guint status)
{
	g_return_val_if_fail (status >= 1, NULL);

	g_autoptr (EasWbxmlWriter) w = response_begin (0, 0, status);
	eas_wbxml_writer_end (w);
	return writer_finish (w);
}

/* ---- The decision before every command ------------------------------------------- */

static void
refuse (EasVersion version, EasPolicyVerdict verdict, guint eas_status, EasPolicyDecision *out)
{
	out->verdict = verdict;
	/* [MS-ASCMD] 2.2.2: 140–144 exist from 14.0; earlier clients get HTTP 449. */
	if (version >= 140) {
		out->http_status = 200;
		out->eas_status = eas_status;
	} else {
		out->http_status = 449;
		out->eas_status = 0;
	}
}

void
eas_policy_decide (EasVersion version, EasCommand cmd,
                   gboolean client_has_key, guint32 client_key,
                   const EasDeviceProvisioning *device,
                   EasPolicyDecision *out_decision)
{
	EasPolicyDecision d = { EAS_POLICY_ALLOW, 200, 0 };

	g_return_if_fail (device != NULL && out_decision != NULL);
	g_return_if_fail (eas_command_name (cmd) != NULL);

	if (!client_has_key)
		client_key = 0;
	if (device->wipe == EAS_WIPE_DONE ||
	    (device->wipe == EAS_WIPE_ACCOUNT_ONLY_PENDING && version < 161)) {
		d.verdict = EAS_POLICY_BLOCKED;
		d.http_status = 403;
	} else if (cmd == EAS_CMD_PROVISION) {
		/* allowed: it carries the policy and the wipe */
	} else if (device->wipe != EAS_WIPE_NONE) {
		refuse (version, EAS_POLICY_WIPE_REQUESTED, 140, &d);
	} else if (cmd == EAS_CMD_PING) {
		/* [MS-ASPROV] 3.1.5.1: Ping carries no policy key */
	} else if (device->acknowledged_key == 0 || client_key == 0) {
		refuse (version, EAS_POLICY_NOT_PROVISIONED, 142, &d);
	} else if (client_key != device->acknowledged_key) {
		refuse (version, EAS_POLICY_INVALID_KEY, 144, &d);
	} else if (device->acknowledged_hash != device->current_hash) {
		refuse (version, EAS_POLICY_REFRESH, 143, &d);
	}
	*out_decision = d;
}

/* ---- Client side ------------------------------------------------------------------- */

GBytes *
eas_provision_encode_initial_request (EasVersion version, const EasDeviceInformation *info)
{
	g_return_val_if_fail (eas_version_to_string (version) != NULL, NULL);

	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	eas_wbxml_writer_start (w, EAS_PROVISION_PROVISION);
	/* [MS-ASPROV] 3.1.5.1.1: DeviceInformation first, 14.1+. */
	if (info != NULL && version >= 141)
		eas_device_information_write (info, w);
	eas_wbxml_writer_start (w, EAS_PROVISION_POLICIES);
	eas_wbxml_writer_start (w, EAS_PROVISION_POLICY);
	eas_wbxml_writer_text_element (w, EAS_PROVISION_POLICY_TYPE, policy_type_for (version));
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	return writer_finish (w);
}

GBytes *
eas_provision_encode_acknowledgement (EasVersion version, guint32 temporary_key, guint status)
{
	g_return_val_if_fail (eas_version_to_string (version) != NULL, NULL);
	g_return_val_if_fail (status >= 1 && status <= 4, NULL);

	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	eas_wbxml_writer_start (w, EAS_PROVISION_PROVISION);
	eas_wbxml_writer_start (w, EAS_PROVISION_POLICIES);
	eas_wbxml_writer_start (w, EAS_PROVISION_POLICY);
	eas_wbxml_writer_text_element (w, EAS_PROVISION_POLICY_TYPE, policy_type_for (version));
	/* [MS-ASPROV] 2.2.2.41: PolicyKey MUST come before Status. */
	write_key (w, temporary_key);
	eas_wbxml_writer_uint_element (w, EAS_PROVISION_STATUS, status);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	return writer_finish (w);
}

GBytes *
eas_provision_encode_wipe_acknowledgement (EasVersion version, gboolean account_only, guint status)
{
	g_return_val_if_fail (!account_only || version >= 161, NULL);
	g_return_val_if_fail (status == 1 || status == 2, NULL);

	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	eas_wbxml_writer_start (w, EAS_PROVISION_PROVISION);
	eas_wbxml_writer_start (w, account_only ? EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE : EAS_PROVISION_REMOTE_WIPE);
	eas_wbxml_writer_uint_element (w, EAS_PROVISION_STATUS, status);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	return writer_finish (w);
}

static const PolicySetting *
setting_for_tag (EasTag tag)
{
	for (gsize i = 0; i < G_N_ELEMENTS (policy_settings); i++) {
		if (policy_settings[i].tag == tag)
			return &policy_settings[i];
	}
	return NULL;
}

static gboolean
read_setting (const PolicySetting *s, const EasNode *node, EasPolicy *policy, GError **error)
{
	const char *text = node->text;
	gint64 v = 0;

	if (text == NULL && !s->is_bool) {
		/* Empty: unset ("…OrEmpty"), or the spec's default otherwise. */
		G_STRUCT_MEMBER (gint32, policy, s->offset) = s->empty_when_unset ? EAS_POLICY_UNSET : s->fallback;
		return TRUE;
	}
	if (text == NULL || strlen (text) > 16 ||
	    !g_ascii_string_to_signed (text, 10, s->min, s->max, &v, NULL)) {
		g_set_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID,
		             "EASProvisionDoc: %s is not a number in %d–%d",
		             eas_tag_name (s->tag), s->min, s->max);
		return FALSE;
	}
	if (s->is_bool)
		*setting_bool (policy, s) = v == 1;
	else
		G_STRUCT_MEMBER (gint32, policy, s->offset) = (gint32) v;
	return TRUE;
}

gboolean
eas_policy_read_provision_doc (const EasNode *doc, EasPolicy *policy, GError **error)
{
	g_return_val_if_fail (doc != NULL && policy != NULL, FALSE);

	EasPolicy p = *policy;	/* *policy is written only on success */

	if (doc->tag != EAS_PROVISION_EAS_PROVISION_DOC)
		return malformed (error, "expected EASProvisionDoc, got", doc->tag);
	for (const EasNode *c = doc->first_child; c != NULL; c = c->next) {
		const PolicySetting *s = setting_for_tag (c->tag);
		if (s == NULL)
			continue;	/* lists (read by the caller), settings of later versions */
		if (!read_setting (s, c, &p, error))
			return FALSE;
	}
	*policy = p;
	return TRUE;
}

/* Reads the item texts of a list element into a new GStrv (NULL when empty). */
static gboolean
read_list (const EasNode *list, EasTag item_tag, char ***out, GError **error)
{
	g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

	for (const EasNode *c = list != NULL ? list->first_child : NULL; c != NULL; c = c->next) {
		if (c->tag != item_tag)
			return malformed (error, "unexpected", c->tag);
		if (items->len == EAS_POLICY_MAX_APPLICATIONS || c->text == NULL ||
		    strlen (c->text) > EAS_POLICY_MAX_APPLICATION_BYTES) {
			g_set_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID,
			             "EASProvisionDoc: %s over the limits (%d entries of 1–%d bytes)",
			             eas_tag_name (list->tag), EAS_POLICY_MAX_APPLICATIONS,
			             EAS_POLICY_MAX_APPLICATION_BYTES);
			return FALSE;
		}
		g_ptr_array_add (items, g_strdup (c->text));
	}
	if (items->len == 0) {
		*out = NULL;
		return TRUE;
	}
	g_ptr_array_add (items, NULL);
	*out = (char **) g_ptr_array_free (g_steal_pointer (&items), FALSE);
	return TRUE;
}

void
eas_provision_response_clear (EasProvisionResponse *response)
{
	if (response == NULL)
		return;
	g_strfreev (response->approved_application_hashes);
	g_strfreev (response->unapproved_in_rom_applications);
	memset (response, 0, sizeof *response);
}

static gboolean
response_status (const EasNode *node, EasTag tag, guint *out, GError **error)
{
	guint64 v;

	if (!child_number (node, tag, 1, 255, &v, error))
		return FALSE;
	*out = (guint) v;
	return TRUE;
}

static gboolean
read_response_policy (const EasNode *policy, EasProvisionResponse *r, GError **error)
{
	const EasNode *data = eas_node_child (policy, EAS_PROVISION_DATA);
	guint64 key;

	r->has_policy = TRUE;
	if (!response_status (policy, EAS_PROVISION_STATUS, &r->policy_status, error))
		return FALSE;
	if (eas_node_child (policy, EAS_PROVISION_POLICY_KEY) != NULL) {
		if (!child_number (policy, EAS_PROVISION_POLICY_KEY, 0, G_MAXUINT32, &key, error))
			return FALSE;
		r->policy_key = (guint32) key;
	}
	if (data == NULL)
		return TRUE;
	r->has_policy_data = TRUE;
	const EasNode *doc = eas_node_child (data, EAS_PROVISION_EAS_PROVISION_DOC);
	if (doc == NULL)
		return TRUE;	/* 2.5: WAP XML text */
	if (!eas_policy_read_provision_doc (doc, &r->policy, error) ||
	    !read_list (eas_node_child (doc, EAS_PROVISION_APPROVED_APPLICATION_LIST), EAS_PROVISION_HASH,
	                &r->approved_application_hashes, error) ||
	    !read_list (eas_node_child (doc, EAS_PROVISION_UNAPPROVED_IN_ROM_APPLICATION_LIST),
	                EAS_PROVISION_APPLICATION_NAME, &r->unapproved_in_rom_applications, error))
		return FALSE;
	r->policy.approved_application_hashes = (const char *const *) r->approved_application_hashes;
	r->policy.unapproved_in_rom_applications = (const char *const *) r->unapproved_in_rom_applications;
	return TRUE;
}

gboolean
eas_provision_response_decode (const guint8 *data, gsize len, const EasWbxmlLimits *limits,
                               EasProvisionResponse *out, GError **error)
{
	g_return_val_if_fail (data != NULL || len == 0, FALSE);
	g_return_val_if_fail (out != NULL, FALSE);

	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, limits, error);
	if (root == NULL) {
		g_prefix_error (error, "Provision response: ");
		return FALSE;
	}
	EasProvisionResponse r = { 0 };
	const EasNode *info = eas_node_child (root, EAS_SETTINGS_DEVICE_INFORMATION);
	const EasNode *policy = eas_node_path (root, EAS_PROVISION_POLICIES, EAS_PROVISION_POLICY, 0);

	eas_policy_init_default (&r.policy);
	if (root->tag != EAS_PROVISION_PROVISION)
		return malformed (error, "response root is", root->tag);
	if (!response_status (root, EAS_PROVISION_STATUS, &r.status, error))
		return FALSE;
	if (info != NULL && !response_status (info, EAS_SETTINGS_STATUS, &r.device_information_status, error))
		return FALSE;
	if (policy != NULL && !read_response_policy (policy, &r, error)) {
		eas_provision_response_clear (&r);
		return FALSE;
	}
	r.remote_wipe = eas_node_child (root, EAS_PROVISION_REMOTE_WIPE) != NULL;
	r.account_only_remote_wipe = eas_node_child (root, EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE) != NULL;
	*out = r;
	return TRUE;
}
