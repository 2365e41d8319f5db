/* Tests for eas/eas-provision.c: policy, Provision request/response, decision. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "eas/eas-provision.h"
#include "test-eas-doc.h"

static const EasVersion all_versions[] = { 25, 120, 121, 140, 141, 160, 161 };

/* ---- Helpers ------------------------------------------------------------------ */

static EasProvisionRequest *
decode (const char *xml, EasVersion version, GError **error)
{
	g_autoptr (GBytes) doc = test_eas_doc ("Provision", xml);
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (doc, &len);

	return eas_provision_request_decode (data, len, version, NULL, error);
}

static EasProvisionRequest *
decode_ok (const char *xml, EasVersion version)
{
	g_autoptr (GError) error = NULL;
	EasProvisionRequest *req = decode (xml, version, &error);

	g_assert_no_error (error);
	g_assert_nonnull (req);
	return req;
}

static void
decode_fails (const char *xml, EasVersion version, int code)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasProvisionRequest) req = decode (xml, version, &error);

	g_assert_null (req);
	g_assert_error (error, EAS_PROVISION_ERROR, code);
}

static GBytes *
provision_doc (const EasPolicy *policy, EasVersion version)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GError) error = NULL;

	eas_policy_write_provision_doc (policy, version, w);
	GBytes *out = eas_wbxml_writer_finish (w, &error);
	g_assert_no_error (error);
	return out;
}

static const EasNode *
child_of (const EasNode *node, EasTag tag)
{
	const EasNode *c = eas_node_child (node, tag);

	g_assert_nonnull (c);
	return c;
}

static void
assert_header (GBytes *doc)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (doc, &len);

	g_assert_cmpuint (len, >=, 4);
	g_assert_cmpmem (data, 4, "\x03\x01\x6a\x00", 4);
}

/* ---- Policy ---------------------------------------------------------------------- */

static void
test_policy_default (void)
{
	EasPolicy p;
	g_autoptr (GError) error = NULL;

	eas_policy_init_default (&p);
	g_assert_true (eas_policy_validate (&p, &error));
	g_assert_no_error (error);
	g_assert_false (p.device_password_enabled);
	g_assert_true (p.attachments_enabled);
	g_assert_cmpint (p.min_device_password_length, ==, EAS_POLICY_UNSET);
	g_assert_cmpint (p.allow_bluetooth, ==, 2);
	g_assert_cmpint (p.max_email_body_truncation_size, ==, -1);
}

typedef struct {
	gsize offset;
	gint32 good, bad;
} RangeCase;

#define RC(field, good, bad) { G_STRUCT_OFFSET (EasPolicy, field), good, bad }

static void
test_policy_validate (void)
{
	/* Each limit at N (valid) and N+1 or N-1 (invalid). */
	static const RangeCase cases[] = {
		RC (min_device_password_length, 1, 0), RC (min_device_password_length, 16, 17),
		RC (max_inactivity_time_device_lock, 0, -2), RC (max_inactivity_time_device_lock, 9999, 10000),
		RC (max_device_password_failed_attempts, 4, 3), RC (max_device_password_failed_attempts, 16, 17),
		RC (max_attachment_size, 0, -2), RC (device_password_expiration, 0, -5),
		RC (device_password_history, 0, -2),
		RC (min_device_password_complex_characters, 1, 0), RC (min_device_password_complex_characters, 4, 5),
		RC (allow_bluetooth, 0, -2), RC (allow_bluetooth, 2, 3),
		RC (max_calendar_age_filter, 7, 8), RC (max_calendar_age_filter, 4, 3),
		RC (max_calendar_age_filter, 0, 1), RC (max_calendar_age_filter, 0, 2),
		RC (max_email_age_filter, 5, 6), RC (max_email_age_filter, 0, -2),
		RC (max_email_body_truncation_size, -1, -2), RC (max_email_html_body_truncation_size, -1, -2),
		RC (require_signed_smime_algorithm, 1, 2), RC (require_encryption_smime_algorithm, 4, 5),
		RC (allow_smime_encryption_algorithm_negotiation, 2, 3),
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		EasPolicy p;
		g_autoptr (GError) error = NULL;

		eas_policy_init_default (&p);
		G_STRUCT_MEMBER (gint32, &p, cases[i].offset) = cases[i].good;
		g_assert_true (eas_policy_validate (&p, &error));
		G_STRUCT_MEMBER (gint32, &p, cases[i].offset) = cases[i].bad;
		g_assert_false (eas_policy_validate (&p, &error));
		g_assert_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID);
	}
	/* A boolean that is neither 0 nor 1. */
	EasPolicy p;
	g_autoptr (GError) error = NULL;
	eas_policy_init_default (&p);
	p.allow_camera = 2;
	g_assert_false (eas_policy_validate (&p, &error));
	g_assert_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID);
}

static void
test_policy_setting_version (void)
{
	g_assert_cmpuint (eas_policy_setting_version (EAS_PROVISION_DEVICE_PASSWORD_ENABLED), ==, 120);
	g_assert_cmpuint (eas_policy_setting_version (EAS_PROVISION_DEVICE_PASSWORD_HISTORY), ==, 120);
	g_assert_cmpuint (eas_policy_setting_version (EAS_PROVISION_ALLOW_STORAGE_CARD), ==, 121);
	g_assert_cmpuint (eas_policy_setting_version (EAS_PROVISION_MIN_DEVICE_PASSWORD_COMPLEX_CHARACTERS), ==, 121);
	g_assert_cmpuint (eas_policy_setting_version (EAS_PROVISION_ALLOW_INTERNET_SHARING), ==, 121);
	g_assert_cmpuint (eas_policy_setting_version (EAS_PROVISION_APPROVED_APPLICATION_LIST), ==, 121);
	g_assert_cmpuint (eas_policy_setting_version (EAS_PROVISION_POLICY_KEY), ==, 0);
	g_assert_cmpuint (eas_policy_setting_version (EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE), ==, 0);
}

static guint
count_settings_up_to (EasVersion version)
{
	guint n = 0;

	for (guint token = 0x05; token <= 0x3F; token++) {
		EasVersion since = eas_policy_setting_version (EAS_TAG (EAS_PAGE_PROVISION, token));
		if (since != 0 && since <= version)
			n++;
	}
	return n;
}

static void
test_doc_version_filter (void)
{
	EasPolicy p;

	eas_policy_init_default (&p);
	for (gsize v = 1; v < G_N_ELEMENTS (all_versions); v++) {
		EasVersion version = all_versions[v];
		g_autoptr (GBytes) doc = provision_doc (&p, version);
		g_autoptr (EasNode) root = test_eas_parse (doc);
		guint n = 0;

		g_assert_cmpuint (root->tag, ==, EAS_PROVISION_EAS_PROVISION_DOC);
		for (const EasNode *c = root->first_child; c != NULL; c = c->next) {
			EasVersion since = eas_policy_setting_version (c->tag);
			g_assert_cmpuint (since, !=, 0);
			g_assert_cmpuint (since, <=, version);
			n++;
		}
		g_assert_cmpuint (n, ==, count_settings_up_to (version));
		/* 12.0 stops at DevicePasswordHistory; 12.1 adds the rest. */
		g_assert_cmpint (eas_node_child (root, EAS_PROVISION_ALLOW_CAMERA) != NULL, ==, version >= 121);
		g_assert_nonnull (eas_node_child (root, EAS_PROVISION_DEVICE_PASSWORD_HISTORY));
	}
	g_assert_cmpuint (count_settings_up_to (120), ==, 12);
	g_assert_cmpuint (count_settings_up_to (121), ==, 42);
}

static void
test_doc_values (void)
{
	EasPolicy p;

	eas_policy_init_default (&p);
	p.device_password_enabled = TRUE;
	p.min_device_password_length = 6;
	p.max_device_password_failed_attempts = 8;
	p.allow_bluetooth = 1;
	p.max_email_body_truncation_size = EAS_POLICY_UNSET;
	p.max_email_html_body_truncation_size = 100;
	g_autoptr (GBytes) doc = provision_doc (&p, 141);
	g_autoptr (EasNode) root = test_eas_parse (doc);

	g_assert_cmpstr (eas_node_child_text (root, EAS_PROVISION_DEVICE_PASSWORD_ENABLED), ==, "1");
	g_assert_cmpstr (eas_node_child_text (root, EAS_PROVISION_ALPHANUMERIC_DEVICE_PASSWORD_REQUIRED), ==, "0");
	g_assert_cmpstr (eas_node_child_text (root, EAS_PROVISION_MIN_DEVICE_PASSWORD_LENGTH), ==, "6");
	g_assert_cmpstr (eas_node_child_text (root, EAS_PROVISION_MAX_DEVICE_PASSWORD_FAILED_ATTEMPTS), ==, "8");
	g_assert_cmpstr (eas_node_child_text (root, EAS_PROVISION_ALLOW_BLUETOOTH), ==, "1");
	g_assert_cmpstr (eas_node_child_text (root, EAS_PROVISION_MAX_EMAIL_BODY_TRUNCATION_SIZE), ==, "-1");
	g_assert_cmpstr (eas_node_child_text (root, EAS_PROVISION_MAX_EMAIL_HTML_BODY_TRUNCATION_SIZE), ==, "100");
	/* Unset "…OrEmpty" settings are empty elements. */
	const EasNode *size = child_of (root, EAS_PROVISION_MAX_ATTACHMENT_SIZE);
	g_assert_null (size->text);
	g_assert_null (size->first_child);
	g_assert_nonnull (eas_node_child (root, EAS_PROVISION_UNAPPROVED_IN_ROM_APPLICATION_LIST));
}

/* The default policy is the one Exchange sent in libwbxml's test document
 * (encoded there by libwbxml's own encoder): same elements, same order,
 * same values. */
static void
test_doc_matches_exchange (gconstpointer via_xml)
{
	g_autoptr (GBytes) fixture = test_eas_libwbxml_fixture ("activesync-012-provision-eas", via_xml != NULL);
	if (fixture == NULL)
		return;
	g_autoptr (EasNode) theirs_root = test_eas_parse (fixture);
	const EasNode *theirs = eas_node_path (theirs_root, EAS_PROVISION_POLICIES, EAS_PROVISION_POLICY,
	                                       EAS_PROVISION_DATA, EAS_PROVISION_EAS_PROVISION_DOC, 0);
	EasPolicy p;
	eas_policy_init_default (&p);
	g_autoptr (GBytes) doc = provision_doc (&p, 141);
	g_autoptr (EasNode) ours = test_eas_parse (doc);
	const EasNode *a = ours->first_child, *b;

	g_assert_nonnull (theirs);
	for (b = theirs->first_child; a != NULL && b != NULL; a = a->next, b = b->next) {
		g_assert_cmpstr (eas_tag_name (a->tag), ==, eas_tag_name (b->tag));
		g_assert_cmpstr (a->text, ==, b->text);
	}
	g_assert_null (a);
	g_assert_null (b);
	g_assert_cmpstr (eas_node_path (theirs_root, EAS_PROVISION_POLICIES, EAS_PROVISION_POLICY,
	                                EAS_PROVISION_POLICY_KEY, 0)->text, ==, "1686474474");
}

static GHashTable *
wap_parms (const char *xml)
{
	/* GMarkup without callbacks proves the document well-formed. */
	static const GMarkupParser checker = { 0 };
	GHashTable *parms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr (GError) error = NULL;
	GMarkupParseContext *ctx = g_markup_parse_context_new (&checker, 0, NULL, NULL);

	g_markup_parse_context_parse (ctx, xml, -1, &error);
	g_assert_no_error (error);
	g_markup_parse_context_end_parse (ctx, &error);
	g_assert_no_error (error);
	g_markup_parse_context_free (ctx);

	for (const char *p = strstr (xml, "<parm "); p != NULL; p = strstr (p + 1, "<parm ")) {
		char name[64], value[64];
		g_assert_cmpint (sscanf (p, "<parm name=\"%63[^\"]\" value=\"%63[^\"]\"", name, value), ==, 2);
		g_hash_table_insert (parms, g_strdup (name), g_strdup (value));
	}
	return parms;
}

static void
test_wap_xml (void)
{
	EasPolicy p;

	eas_policy_init_default (&p);
	g_autofree char *open = eas_policy_to_wap_xml (&p);
	g_autoptr (GHashTable) o = wap_parms (open);
	g_assert_true (g_str_has_prefix (open, "<wap-provisioningdoc>"));
	g_assert_cmpstr (g_hash_table_lookup (o, "4131"), ==, "1");
	g_assert_cmpstr (g_hash_table_lookup (o, "AEFrequencyType"), ==, "0");
	g_assert_cmpstr (g_hash_table_lookup (o, "DeviceWipeThreshold"), ==, "-1");
	g_assert_cmpstr (g_hash_table_lookup (o, "PasswordComplexity"), ==, "2");
	g_assert_cmpstr (g_hash_table_lookup (o, "MinimumPasswordLength"), ==, "1");
	g_assert_nonnull (strstr (open, "HKLM\\Comm\\Security\\Policy\\LASSD\\AE\\{50C13377-C66D-400C-889E-C316FC4AB374}"));

	p.device_password_enabled = TRUE;
	p.alphanumeric_device_password_required = TRUE;
	p.max_inactivity_time_device_lock = 61;	/* rounds up to 2 minutes */
	p.max_device_password_failed_attempts = 8;
	p.min_device_password_length = 5;
	g_autofree char *strict = eas_policy_to_wap_xml (&p);
	g_autoptr (GHashTable) s = wap_parms (strict);
	g_assert_cmpstr (g_hash_table_lookup (s, "4131"), ==, "0");
	g_assert_cmpstr (g_hash_table_lookup (s, "AEFrequencyType"), ==, "1");
	g_assert_cmpstr (g_hash_table_lookup (s, "AEFrequencyValue"), ==, "2");
	g_assert_cmpstr (g_hash_table_lookup (s, "DeviceWipeThreshold"), ==, "8");
	g_assert_cmpstr (g_hash_table_lookup (s, "PasswordComplexity"), ==, "0");
	g_assert_cmpstr (g_hash_table_lookup (s, "MinimumPasswordLength"), ==, "5");
}

static void
test_hash (void)
{
	EasPolicy a, b;

	eas_policy_init_default (&a);
	eas_policy_init_default (&b);
	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		g_assert_cmpuint (eas_policy_hash (&a, all_versions[v]), !=, 0);
		g_assert_cmpuint (eas_policy_hash (&a, all_versions[v]), ==, eas_policy_hash (&b, all_versions[v]));
	}
	/* A 12.1 setting: invisible to 2.5 and 12.0 devices, visible from 12.1. */
	b.allow_camera = FALSE;
	g_assert_cmpuint (eas_policy_hash (&a, 25), ==, eas_policy_hash (&b, 25));
	g_assert_cmpuint (eas_policy_hash (&a, 120), ==, eas_policy_hash (&b, 120));
	g_assert_cmpuint (eas_policy_hash (&a, 121), !=, eas_policy_hash (&b, 121));
	g_assert_cmpuint (eas_policy_hash (&a, 161), !=, eas_policy_hash (&b, 161));
	/* A password requirement changes every version's view. */
	eas_policy_init_default (&b);
	b.device_password_enabled = TRUE;
	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++)
		g_assert_cmpuint (eas_policy_hash (&a, all_versions[v]), !=, eas_policy_hash (&b, all_versions[v]));
	/* Different versions see different documents. */
	g_assert_cmpuint (eas_policy_hash (&a, 120), !=, eas_policy_hash (&a, 121));
}

/* ---- Provision request -------------------------------------------------------- */

static void
test_request_initial (void)
{
	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		EasVersion version = all_versions[v];
		const char *type = version < 120 ? EAS_POLICY_TYPE_WAP_XML : EAS_POLICY_TYPE_WBXML;
		const char *other = version < 120 ? EAS_POLICY_TYPE_WBXML : EAS_POLICY_TYPE_WAP_XML;
		g_autofree char *xml = g_strdup_printf ("<Provision><Policies><Policy><PolicyType>%s</PolicyType>"
		                                        "</Policy></Policies></Provision>", type);
		g_autofree char *bad = g_strdup_printf ("<Provision><Policies><Policy><PolicyType>%s</PolicyType>"
		                                        "</Policy></Policies></Provision>", other);
		g_autoptr (EasProvisionRequest) req = decode_ok (xml, version);

		g_assert_cmpint (req->kind, ==, EAS_PROVISION_REQUEST_INITIAL);
		g_assert_true (req->has_policy_type);
		g_assert_null (req->device_information);
		decode_fails (bad, version, EAS_PROVISION_ERROR_POLICY_TYPE);
	}
	decode_fails ("<Provision><Policies><Policy><PolicyType>MS-EAS-Provisioning-XML</PolicyType>"
	              "</Policy></Policies></Provision>", 141, EAS_PROVISION_ERROR_POLICY_TYPE);
	decode_fails ("<Provision><Policies><Policy/></Policies></Provision>", 141, EAS_PROVISION_ERROR_MALFORMED);
}

static void
test_request_empty (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasProvisionRequest) none = eas_provision_request_decode (NULL, 0, 140, NULL, &error);

	g_assert_no_error (error);
	g_assert_cmpint (none->kind, ==, EAS_PROVISION_REQUEST_INITIAL);
	g_assert_false (none->has_policy_type);

	g_autoptr (EasProvisionRequest) empty = decode_ok ("<Provision/>", 140);
	g_assert_cmpint (empty->kind, ==, EAS_PROVISION_REQUEST_INITIAL);
	g_assert_false (empty->has_policy_type);
}

static void
test_request_fixtures (gconstpointer via_xml)
{
	g_autoptr (GBytes) eas = test_eas_libwbxml_fixture ("activesync-010-provision-eas", via_xml != NULL);
	g_autoptr (GBytes) wap = test_eas_libwbxml_fixture ("activesync-011-provision-wap", via_xml != NULL);
	g_autoptr (GBytes) resp = test_eas_libwbxml_fixture ("activesync-012-provision-eas", via_xml != NULL);
	if (eas == NULL || wap == NULL || resp == NULL)
		return;
	gsize elen, wlen, rlen;
	const guint8 *e = g_bytes_get_data (eas, &elen), *w = g_bytes_get_data (wap, &wlen);
	const guint8 *r = g_bytes_get_data (resp, &rlen);
	g_autoptr (GError) error = NULL;

	g_autoptr (EasProvisionRequest) e14 = eas_provision_request_decode (e, elen, 140, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpint (e14->kind, ==, EAS_PROVISION_REQUEST_INITIAL);
	g_autoptr (EasProvisionRequest) e25 = eas_provision_request_decode (e, elen, 25, NULL, &error);
	g_assert_null (e25);
	g_assert_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_POLICY_TYPE);
	g_clear_error (&error);

	g_autoptr (EasProvisionRequest) w25 = eas_provision_request_decode (w, wlen, 25, NULL, &error);
	g_assert_no_error (error);
	g_assert_true (w25->has_policy_type);
	g_autoptr (EasProvisionRequest) w12 = eas_provision_request_decode (w, wlen, 120, NULL, &error);
	g_assert_null (w12);
	g_assert_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_POLICY_TYPE);
	g_clear_error (&error);

	/* A server response is not a request. */
	g_autoptr (EasProvisionRequest) r14 = eas_provision_request_decode (r, rlen, 141, NULL, &error);
	g_assert_null (r14);
	g_assert_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_MALFORMED);
}

static void
test_request_acknowledge (void)
{
	g_autoptr (EasProvisionRequest) req = decode_ok (
		"<Provision><Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType>"
		"<PolicyKey>1307199584</PolicyKey><Status>1</Status></Policy></Policies></Provision>", 140);

	g_assert_cmpint (req->kind, ==, EAS_PROVISION_REQUEST_ACKNOWLEDGE);
	g_assert_cmpuint (req->policy_key, ==, 1307199584);
	g_assert_cmpuint (req->status, ==, 1);

	/* Status 1–4 accepted, 0 and 5 not; key up to 2^32-1. */
	static const struct { const char *key, *status; int code; } cases[] = {
		{ "1", "4", -1 }, { "4294967295", "2", -1 }, { "0", "3", -1 },
		{ "1", "0", EAS_PROVISION_ERROR_INVALID }, { "1", "5", EAS_PROVISION_ERROR_INVALID },
		{ "4294967296", "1", EAS_PROVISION_ERROR_INVALID }, { "12ab", "1", EAS_PROVISION_ERROR_INVALID },
		{ "-1", "1", EAS_PROVISION_ERROR_INVALID }, { "1", "x", EAS_PROVISION_ERROR_INVALID },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *xml = g_strdup_printf (
			"<Provision><Policies><Policy><PolicyType>MS-WAP-Provisioning-XML</PolicyType>"
			"<PolicyKey>%s</PolicyKey><Status>%s</Status></Policy></Policies></Provision>",
			cases[i].key, cases[i].status);
		if (cases[i].code < 0) {
			g_autoptr (EasProvisionRequest) ok = decode_ok (xml, 25);
			g_assert_cmpuint (ok->policy_key, ==, g_ascii_strtoull (cases[i].key, NULL, 10));
			g_assert_cmpuint (ok->status, ==, g_ascii_strtoull (cases[i].status, NULL, 10));
		} else {
			decode_fails (xml, 25, cases[i].code);
		}
	}
	/* Key without Status and Status without key. */
	decode_fails ("<Provision><Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType>"
	              "<PolicyKey>5</PolicyKey></Policy></Policies></Provision>", 140, EAS_PROVISION_ERROR_MALFORMED);
	decode_fails ("<Provision><Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType>"
	              "<Status>1</Status></Policy></Policies></Provision>", 140, EAS_PROVISION_ERROR_MALFORMED);
}

static void
test_request_remote_wipe_ack (void)
{
	for (guint s = 1; s <= 2; s++) {
		g_autofree char *xml = g_strdup_printf ("<Provision><RemoteWipe><Status>%u</Status></RemoteWipe></Provision>", s);
		g_autoptr (EasProvisionRequest) req = decode_ok (xml, 121);
		g_assert_cmpint (req->kind, ==, EAS_PROVISION_REQUEST_REMOTE_WIPE_ACK);
		g_assert_cmpuint (req->status, ==, s);
	}
	decode_fails ("<Provision><RemoteWipe><Status>3</Status></RemoteWipe></Provision>", 121, EAS_PROVISION_ERROR_INVALID);
	decode_fails ("<Provision><RemoteWipe><Status>0</Status></RemoteWipe></Provision>", 121, EAS_PROVISION_ERROR_INVALID);
	decode_fails ("<Provision><RemoteWipe/></Provision>", 121, EAS_PROVISION_ERROR_MALFORMED);
	decode_fails ("<Provision><RemoteWipe><Status>1</Status><Status>1</Status></RemoteWipe></Provision>",
	              121, EAS_PROVISION_ERROR_MALFORMED);
}

static void
test_request_account_only_wipe_ack (void)
{
	const char *xml = "<Provision><AccountOnlyRemoteWipe><Status>1</Status></AccountOnlyRemoteWipe></Provision>";
	g_autoptr (EasProvisionRequest) req = decode_ok (xml, 161);

	g_assert_cmpint (req->kind, ==, EAS_PROVISION_REQUEST_ACCOUNT_ONLY_WIPE_ACK);
	g_assert_cmpuint (req->status, ==, 1);
	decode_fails (xml, 160, EAS_PROVISION_ERROR_MALFORMED);
	decode_fails (xml, 141, EAS_PROVISION_ERROR_MALFORMED);
}

static void
test_request_device_information (void)
{
	const char *xml =
		"<Provision><Settings:DeviceInformation><Settings:Set>"
		"<Settings:Model>iPhone15,2</Settings:Model><Settings:IMEI>3567</Settings:IMEI>"
		"<Settings:FriendlyName>Jo's phone</Settings:FriendlyName><Settings:OS>iOS 17.1</Settings:OS>"
		"<Settings:OSLanguage>en</Settings:OSLanguage><Settings:PhoneNumber>+4930</Settings:PhoneNumber>"
		"<Settings:UserAgent>Apple-iPhone/2101</Settings:UserAgent>"
		"<Settings:EnableOutboundSMS>0</Settings:EnableOutboundSMS>"
		"<Settings:MobileOperator>O2</Settings:MobileOperator>"
		"</Settings:Set></Settings:DeviceInformation>"
		"<Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType></Policy></Policies></Provision>";
	g_autoptr (EasProvisionRequest) req = decode_ok (xml, 141);
	const EasDeviceInformation *info = req->device_information;

	g_assert_nonnull (info);
	g_assert_cmpstr (info->model, ==, "iPhone15,2");
	g_assert_cmpstr (info->imei, ==, "3567");
	g_assert_cmpstr (info->friendly_name, ==, "Jo's phone");
	g_assert_cmpstr (info->os, ==, "iOS 17.1");
	g_assert_cmpstr (info->os_language, ==, "en");
	g_assert_cmpstr (info->phone_number, ==, "+4930");
	g_assert_cmpstr (info->user_agent, ==, "Apple-iPhone/2101");
	g_assert_cmpstr (info->mobile_operator, ==, "O2");
	g_assert_true (info->has_enable_outbound_sms);
	g_assert_false (info->enable_outbound_sms);

	/* Below 14.1 the block is not part of Provision: ignored. */
	g_autoptr (EasProvisionRequest) old = decode_ok (xml, 140);
	g_assert_null (old->device_information);
	/* A broken block fails the request on 14.1. */
	decode_fails ("<Provision><Settings:DeviceInformation/>"
	              "<Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType></Policy></Policies></Provision>",
	              141, EAS_PROVISION_ERROR_MALFORMED);
}

static void
test_request_structure (void)
{
	decode_fails ("<Provision><Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType></Policy>"
	              "<Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType></Policy></Policies></Provision>",
	              140, EAS_PROVISION_ERROR_MALFORMED);
	decode_fails ("<Provision><Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType></Policy>"
	              "</Policies><RemoteWipe><Status>1</Status></RemoteWipe></Provision>",
	              140, EAS_PROVISION_ERROR_MALFORMED);
	decode_fails ("<Provision><Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType>"
	              "<Data>x</Data></Policy></Policies></Provision>", 140, EAS_PROVISION_ERROR_MALFORMED);
	decode_fails ("<Provision><Status>1</Status></Provision>", 140, EAS_PROVISION_ERROR_MALFORMED);
	decode_fails ("<Provision><Policies/><Policies/></Provision>", 140, EAS_PROVISION_ERROR_MALFORMED);
	decode_fails ("<Provision><Policies/></Provision>", 140, EAS_PROVISION_ERROR_MALFORMED);
	decode_fails ("<Settings:Settings/>", 140, EAS_PROVISION_ERROR_MALFORMED);

	/* Bytes that are not WBXML: the codec's error, prefixed. */
	static const guint8 junk[] = { 0x03, 0x01, 0x6a, 0x00, 0x00, 0x0e, 0x45, 0x01 };
	g_autoptr (GError) error = NULL;
	g_autoptr (EasProvisionRequest) req = eas_provision_request_decode (junk, 3, 140, NULL, &error);
	g_assert_null (req);
	g_assert_true (error->domain == EAS_WBXML_ERROR);
	g_assert_true (g_str_has_prefix (error->message, "Provision: "));
}

static void
test_request_truncated (void)
{
	g_autoptr (GBytes) doc = test_eas_doc ("Provision",
		"<Provision><Settings:DeviceInformation><Settings:Set><Settings:Model>m</Settings:Model>"
		"</Settings:Set></Settings:DeviceInformation><Policies><Policy>"
		"<PolicyType>MS-EAS-Provisioning-WBXML</PolicyType><PolicyKey>7</PolicyKey><Status>1</Status>"
		"</Policy></Policies></Provision>");
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (doc, &len);

	/* Every proper prefix fails cleanly (never a request, always an error). */
	for (gsize n = 1; n < len; n++) {
		g_autoptr (GError) error = NULL;
		g_autofree guint8 *copy = g_memdup2 (data, n);
		g_autoptr (EasProvisionRequest) req = eas_provision_request_decode (copy, n, 141, NULL, &error);
		g_assert_null (req);
		g_assert_nonnull (error);
	}
	g_autoptr (GError) error = NULL;
	g_autoptr (EasProvisionRequest) whole = eas_provision_request_decode (data, len, 141, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (whole->policy_key, ==, 7);
}

/* ---- Provision responses -------------------------------------------------------- */

static void
test_response_policy (void)
{
	EasPolicy p;

	eas_policy_init_default (&p);
	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		EasVersion version = all_versions[v];
		g_autoptr (GBytes) doc = eas_provision_encode_policy (version, &p, 42, 1);
		g_autoptr (EasNode) root = test_eas_parse (doc);
		const EasNode *policy = eas_node_path (root, EAS_PROVISION_POLICIES, EAS_PROVISION_POLICY, 0);
		const EasNode *info = eas_node_child (root, EAS_SETTINGS_DEVICE_INFORMATION);

		assert_header (doc);
		g_assert_cmpuint (root->tag, ==, EAS_PROVISION_PROVISION);
		g_assert_cmpstr (eas_node_child_text (root, EAS_PROVISION_STATUS), ==, "1");
		g_assert_nonnull (policy);
		g_assert_cmpstr (eas_node_child_text (policy, EAS_PROVISION_POLICY_TYPE), ==,
		                 version < 120 ? EAS_POLICY_TYPE_WAP_XML : EAS_POLICY_TYPE_WBXML);
		g_assert_cmpstr (eas_node_child_text (policy, EAS_PROVISION_STATUS), ==, "1");
		g_assert_cmpstr (eas_node_child_text (policy, EAS_PROVISION_POLICY_KEY), ==, "42");
		const EasNode *data = child_of (policy, EAS_PROVISION_DATA);
		if (version < 120) {
			g_autofree char *wap = eas_policy_to_wap_xml (&p);
			g_assert_cmpstr (data->text, ==, wap);
		} else {
			const EasNode *pd = child_of (data, EAS_PROVISION_EAS_PROVISION_DOC);
			g_assert_cmpint (eas_node_child (pd, EAS_PROVISION_ALLOW_CAMERA) != NULL, ==, version >= 121);
		}
		/* DeviceInformation status only where Provision carries it (14.1+), first. */
		g_assert_cmpint (info != NULL, ==, version >= 141);
		if (info != NULL) {
			g_assert_true (root->first_child == info);
			g_assert_cmpstr (eas_node_child_text (info, EAS_SETTINGS_STATUS), ==, "1");
		}
	}
	g_autoptr (GBytes) no_info = eas_provision_encode_policy (161, &p, 42, 0);
	g_autoptr (EasNode) r = test_eas_parse (no_info);
	g_assert_null (eas_node_child (r, EAS_SETTINGS_DEVICE_INFORMATION));
}

static void
test_response_final_key (void)
{
	g_autoptr (GBytes) doc = eas_provision_encode_final_key (141, 3942919513u, 2);
	g_autoptr (EasNode) root = test_eas_parse (doc);
	const EasNode *policy = eas_node_path (root, EAS_PROVISION_POLICIES, EAS_PROVISION_POLICY, 0);

	g_assert_cmpstr (eas_node_child_text (root, EAS_PROVISION_STATUS), ==, "1");
	g_assert_cmpstr (eas_node_child_text (policy, EAS_PROVISION_POLICY_KEY), ==, "3942919513");
	g_assert_cmpstr (eas_node_child_text (policy, EAS_PROVISION_STATUS), ==, "1");
	g_assert_null (eas_node_child (policy, EAS_PROVISION_DATA));
	g_assert_cmpstr (eas_node_child_text (eas_node_child (root, EAS_SETTINGS_DEVICE_INFORMATION),
	                                      EAS_SETTINGS_STATUS), ==, "2");

	g_autoptr (GBytes) wap = eas_provision_encode_final_key (25, 1, 0);
	g_autoptr (EasNode) wroot = test_eas_parse (wap);
	g_assert_cmpstr (eas_node_child_text (eas_node_path (wroot, EAS_PROVISION_POLICIES, EAS_PROVISION_POLICY, 0),
	                                      EAS_PROVISION_POLICY_TYPE), ==, EAS_POLICY_TYPE_WAP_XML);
}

static void
test_response_statuses (void)
{
	for (guint s = 2; s <= 5; s++) {
		g_autoptr (GBytes) doc = eas_provision_encode_policy_status (140, s);
		g_autoptr (EasNode) root = test_eas_parse (doc);
		const EasNode *policy = eas_node_path (root, EAS_PROVISION_POLICIES, EAS_PROVISION_POLICY, 0);
		g_autofree char *want = g_strdup_printf ("%u", s);

		g_assert_cmpstr (eas_node_child_text (policy, EAS_PROVISION_STATUS), ==, want);
		g_assert_null (eas_node_child (policy, EAS_PROVISION_POLICY_KEY));
	}
	for (guint s = 1; s <= 3; s++) {
		g_autoptr (GBytes) doc = eas_provision_encode_status (s);
		g_autoptr (EasNode) root = test_eas_parse (doc);
		g_autofree char *want = g_strdup_printf ("%u", s);

		g_assert_cmpstr (eas_node_child_text (root, EAS_PROVISION_STATUS), ==, want);
		g_assert_true (root->first_child == root->last_child);
	}
}

static void
test_response_wipes (void)
{
	g_autoptr (GBytes) wipe = eas_provision_encode_remote_wipe ();
	g_autoptr (EasNode) w = test_eas_parse (wipe);
	g_assert_cmpstr (eas_node_child_text (w, EAS_PROVISION_STATUS), ==, "1");
	g_assert_nonnull (eas_node_child (w, EAS_PROVISION_REMOTE_WIPE));
	g_assert_null (eas_node_child (w, EAS_PROVISION_POLICIES));

	g_autoptr (GBytes) acct = eas_provision_encode_account_only_remote_wipe (161);
	g_autoptr (EasNode) a = test_eas_parse (acct);
	g_assert_nonnull (eas_node_child (a, EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE));
	g_assert_null (eas_node_child (a, EAS_PROVISION_REMOTE_WIPE));

	/* Below 16.1 it is a programming error. */
	if (g_test_undefined ()) {
		g_test_expect_message ("eas", G_LOG_LEVEL_CRITICAL, "*version >= 161*");
		GBytes *none = eas_provision_encode_account_only_remote_wipe (160);
		g_test_assert_expected_messages ();
		g_assert_null (none);
	}
}

/* libwbxml, an independent decoder, reads every response (it predates
 * 16.1, so AccountOnlyRemoteWipe is left out). */
static void
assert_oracle (GBytes *doc, const char *const *wanted)
{
	g_autofree char *xml = test_eas_libwbxml_xml (doc);

	g_assert_nonnull (xml);
	for (gsize i = 0; wanted[i] != NULL; i++) {
		if (strstr (xml, wanted[i]) == NULL)
			g_error ("libwbxml's reading lacks %s: %s", wanted[i], xml);
	}
}

static void
test_response_libwbxml_oracle (void)
{
	EasPolicy p;

	eas_policy_init_default (&p);
	p.min_device_password_length = 4;
	g_autoptr (GBytes) pol = eas_provision_encode_policy (141, &p, 42, 1);
	const char *const pol_want[] = {
		"<Provision xmlns=\"Provision:\"><DeviceInformation xmlns=\"Settings:\"><Status>1</Status></DeviceInformation>",
		"<PolicyType>MS-EAS-Provisioning-WBXML</PolicyType><Status>1</Status><PolicyKey>42</PolicyKey>",
		"<MinDevicePasswordLength>4</MinDevicePasswordLength>", "<MaxAttachmentSize/>",
		"<AllowCamera>1</AllowCamera>", "<MaxEmailBodyTruncationSize>-1</MaxEmailBodyTruncationSize>",
		"<ApprovedApplicationList/></EASProvisionDoc></Data>", NULL,
	};
	assert_oracle (pol, pol_want);

	g_autoptr (GBytes) wap = eas_provision_encode_policy (25, &p, 9, 0);
	const char *const wap_want[] = {
		"<PolicyType>MS-WAP-Provisioning-XML</PolicyType>",
		"<Data>&lt;wap-provisioningdoc&gt;", "MinimumPasswordLength&quot; value=&quot;4&quot;", NULL,
	};
	assert_oracle (wap, wap_want);

	g_autoptr (GBytes) fin = eas_provision_encode_final_key (140, 7, 0);
	const char *const fin_want[] = { "<Status>1</Status><PolicyKey>7</PolicyKey></Policy>", NULL };
	assert_oracle (fin, fin_want);

	g_autoptr (GBytes) wipe = eas_provision_encode_remote_wipe ();
	const char *const wipe_want[] = { "<Status>1</Status><RemoteWipe/></Provision>", NULL };
	assert_oracle (wipe, wipe_want);

	g_autoptr (GBytes) st = eas_provision_encode_policy_status (121, 3);
	const char *const st_want[] = { "<PolicyType>MS-EAS-Provisioning-WBXML</PolicyType><Status>3</Status></Policy>", NULL };
	assert_oracle (st, st_want);
}

/* ---- Client side: round trips through the server's decoders and encoders ---------- */

static EasPolicy
strict_policy (void)
{
	EasPolicy p;

	eas_policy_init_default (&p);
	p.device_password_enabled = TRUE;
	p.alphanumeric_device_password_required = TRUE;
	p.min_device_password_length = 8;
	p.max_inactivity_time_device_lock = 300;
	p.max_device_password_failed_attempts = 10;
	p.max_attachment_size = 1048576;
	p.allow_simple_device_password = FALSE;
	p.device_password_expiration = 90;
	p.device_password_history = 5;
	p.allow_camera = FALSE;
	p.require_device_encryption = TRUE;
	p.min_device_password_complex_characters = 3;
	p.allow_bluetooth = 1;
	p.max_calendar_age_filter = 5;
	p.max_email_age_filter = 3;
	p.max_email_body_truncation_size = 100;
	p.require_encryption_smime_algorithm = 2;
	p.allow_internet_sharing = FALSE;
	return p;
}

static GBytes *
server_request_bytes (GBytes *b, EasVersion version, EasProvisionRequest **out)
{
	g_autoptr (GError) error = NULL;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (b, &len);

	*out = eas_provision_request_decode (data, len, version, NULL, &error);
	g_assert_no_error (error);
	return b;
}

static void
test_client_requests_roundtrip (void)
{
	EasDeviceInformation info = { 0 };

	info.model = (char *) "Palm Tungsten";
	info.os = (char *) "Palm OS 5";
	info.user_agent = (char *) "airdock-conduit";
	info.has_enable_outbound_sms = TRUE;
	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		EasVersion version = all_versions[v];
		g_autoptr (EasProvisionRequest) init = NULL, ack = NULL, wipe = NULL;
		g_autoptr (GBytes) a = server_request_bytes (eas_provision_encode_initial_request (version, &info), version, &init);
		g_autoptr (GBytes) b = server_request_bytes (eas_provision_encode_acknowledgement (version, 4000000000u, 2), version, &ack);
		g_autoptr (GBytes) c = server_request_bytes (eas_provision_encode_wipe_acknowledgement (version, FALSE, 2), version, &wipe);

		g_assert_cmpint (init->kind, ==, EAS_PROVISION_REQUEST_INITIAL);
		g_assert_true (init->has_policy_type);
		g_assert_cmpint (init->device_information != NULL, ==, version >= 141);
		if (init->device_information != NULL) {
			g_assert_cmpstr (init->device_information->model, ==, "Palm Tungsten");
			g_assert_cmpstr (init->device_information->os, ==, "Palm OS 5");
			g_assert_cmpstr (init->device_information->user_agent, ==, "airdock-conduit");
			g_assert_null (init->device_information->imei);
			g_assert_true (init->device_information->has_enable_outbound_sms);
			g_assert_false (init->device_information->enable_outbound_sms);
		}
		g_assert_cmpint (ack->kind, ==, EAS_PROVISION_REQUEST_ACKNOWLEDGE);
		g_assert_cmpuint (ack->policy_key, ==, 4000000000u);
		g_assert_cmpuint (ack->status, ==, 2);
		g_assert_cmpint (wipe->kind, ==, EAS_PROVISION_REQUEST_REMOTE_WIPE_ACK);
		g_assert_cmpuint (wipe->status, ==, 2);
	}
	g_autoptr (EasProvisionRequest) acct = NULL;
	g_autoptr (GBytes) d = server_request_bytes (eas_provision_encode_wipe_acknowledgement (161, TRUE, 1), 161, &acct);
	g_assert_cmpint (acct->kind, ==, EAS_PROVISION_REQUEST_ACCOUNT_ONLY_WIPE_ACK);
}

static EasProvisionResponse
client_decode (GBytes *b)
{
	EasProvisionResponse r;
	g_autoptr (GError) error = NULL;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (b, &len);

	memset (&r, 0xAA, sizeof r);
	g_assert_true (eas_provision_response_decode (data, len, NULL, &r, &error));
	g_assert_no_error (error);
	return r;
}

static void
test_client_response_roundtrip (void)
{
	EasPolicy strict = strict_policy ();
	EasPolicy dflt;
	g_autoptr (GError) error = NULL;

	eas_policy_init_default (&dflt);
	g_assert_true (eas_policy_validate (&strict, &error));
	for (gsize v = 1; v < G_N_ELEMENTS (all_versions); v++) {
		EasVersion version = all_versions[v];
		g_autoptr (GBytes) doc = eas_provision_encode_policy (version, &strict, 77, 1);
		g_auto (EasProvisionResponse) r = client_decode (doc);

		g_assert_cmpuint (r.status, ==, 1);
		g_assert_true (r.has_policy);
		g_assert_cmpuint (r.policy_status, ==, 1);
		g_assert_cmpuint (r.policy_key, ==, 77);
		g_assert_true (r.has_policy_data);
		g_assert_cmpuint (r.device_information_status, ==, version >= 141 ? 1 : 0);
		g_assert_false (r.remote_wipe);
		if (version >= 121) {
			g_assert_cmpmem (&r.policy, sizeof r.policy, &strict, sizeof strict);
		} else {
			/* 12.0 carries the first twelve settings only. */
			g_assert_cmpint (r.policy.min_device_password_length, ==, 8);
			g_assert_cmpint (r.policy.device_password_history, ==, 5);
			g_assert_cmpint (r.policy.allow_camera, ==, dflt.allow_camera);
			g_assert_cmpint (r.policy.allow_bluetooth, ==, dflt.allow_bluetooth);
		}
	}
	g_autoptr (GBytes) fin = eas_provision_encode_final_key (141, 99, 0);
	g_auto (EasProvisionResponse) f = client_decode (fin);
	g_assert_cmpuint (f.policy_key, ==, 99);
	g_assert_false (f.has_policy_data);
	g_assert_cmpuint (f.device_information_status, ==, 0);

	g_autoptr (GBytes) wipe = eas_provision_encode_remote_wipe ();
	g_auto (EasProvisionResponse) w = client_decode (wipe);
	g_assert_true (w.remote_wipe);
	g_assert_false (w.account_only_remote_wipe);
	g_assert_false (w.has_policy);

	g_autoptr (GBytes) acct = eas_provision_encode_account_only_remote_wipe (161);
	g_auto (EasProvisionResponse) a = client_decode (acct);
	g_assert_true (a.account_only_remote_wipe);
	g_assert_false (a.remote_wipe);

	g_autoptr (GBytes) st = eas_provision_encode_policy_status (140, 5);
	g_auto (EasProvisionResponse) s = client_decode (st);
	g_assert_cmpuint (s.policy_status, ==, 5);
	g_assert_cmpuint (s.policy_key, ==, 0);

	g_autoptr (GBytes) err = eas_provision_encode_status (2);
	g_auto (EasProvisionResponse) e = client_decode (err);
	g_assert_cmpuint (e.status, ==, 2);
}

static void
test_client_response_fixture (gconstpointer via_xml)
{
	g_autoptr (GBytes) fixture = test_eas_libwbxml_fixture ("activesync-012-provision-eas", via_xml != NULL);
	if (fixture == NULL)
		return;
	g_auto (EasProvisionResponse) r = client_decode (fixture);
	EasPolicy dflt;

	eas_policy_init_default (&dflt);
	g_assert_cmpuint (r.status, ==, 1);
	g_assert_cmpuint (r.device_information_status, ==, 1);
	g_assert_cmpuint (r.policy_key, ==, 1686474474u);
	g_assert_cmpmem (&r.policy, sizeof r.policy, &dflt, sizeof dflt);
}

static void
test_read_provision_doc (void)
{
	g_autoptr (GBytes) good = test_eas_doc ("Provision",
		"<EASProvisionDoc><DevicePasswordEnabled>1</DevicePasswordEnabled>"
		"<MinDevicePasswordLength>12</MinDevicePasswordLength><MaxAttachmentSize/>"
		"<AllowBluetooth/><DocumentBrowseEnabled>1</DocumentBrowseEnabled></EASProvisionDoc>");
	g_autoptr (GBytes) bad = test_eas_doc ("Provision",
		"<EASProvisionDoc><DevicePasswordEnabled>1</DevicePasswordEnabled>"
		"<AllowBluetooth>3</AllowBluetooth></EASProvisionDoc>");
	g_autoptr (EasNode) g = test_eas_parse (good);
	g_autoptr (EasNode) b = test_eas_parse (bad);
	g_autoptr (GError) error = NULL;
	EasPolicy p, before;

	eas_policy_init_default (&p);
	p.max_attachment_size = 5;
	p.allow_bluetooth = 0;
	g_assert_true (eas_policy_read_provision_doc (g, &p, &error));
	g_assert_no_error (error);
	g_assert_true (p.device_password_enabled);
	g_assert_cmpint (p.min_device_password_length, ==, 12);
	g_assert_cmpint (p.max_attachment_size, ==, EAS_POLICY_UNSET);	/* empty: unset */
	g_assert_cmpint (p.allow_bluetooth, ==, 2);	/* empty, not "…OrEmpty": the default */

	/* A bad value leaves the policy untouched. */
	eas_policy_init_default (&p);
	before = p;
	g_assert_false (eas_policy_read_provision_doc (b, &p, &error));
	g_assert_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID);
	g_assert_cmpmem (&p, sizeof p, &before, sizeof before);
}

static void
test_application_lists (void)
{
	static const char *const hashes[] = { "6D1AF3B2C7A0E9F1D4B5C6A7E8F90123456789AB", "0123456789ABCDEF0123456789ABCDEF01234567", NULL };
	static const char *const rom[] = { "\\Windows\\iexplore.exe", NULL };
	EasPolicy p;
	g_autoptr (GError) error = NULL;

	eas_policy_init_default (&p);
	p.approved_application_hashes = hashes;
	p.unapproved_in_rom_applications = rom;
	g_assert_true (eas_policy_validate (&p, &error));

	/* Written from 12.1 on, read back by the client decoder. */
	g_autoptr (GBytes) v120 = provision_doc (&p, 120);
	g_autoptr (EasNode) r120 = test_eas_parse (v120);
	g_assert_null (eas_node_child (r120, EAS_PROVISION_APPROVED_APPLICATION_LIST));
	g_autoptr (GBytes) resp = eas_provision_encode_policy (141, &p, 3, 0);
	g_auto (EasProvisionResponse) r = client_decode (resp);
	g_assert_nonnull (r.policy.approved_application_hashes);
	g_assert_cmpstrv (r.policy.approved_application_hashes, hashes);
	g_assert_cmpstrv (r.policy.unapproved_in_rom_applications, rom);
	/* They count in the hash. */
	EasPolicy plain;
	eas_policy_init_default (&plain);
	g_assert_cmpuint (eas_policy_hash (&p, 141), !=, eas_policy_hash (&plain, 141));
	g_assert_cmpuint (eas_policy_hash (&p, 120), ==, eas_policy_hash (&plain, 120));

	/* Limits: 256 entries of up to 1024 bytes, none empty. */
	g_autoptr (GPtrArray) many = g_ptr_array_new_with_free_func (g_free);
	for (int i = 0; i < EAS_POLICY_MAX_APPLICATIONS; i++)
		g_ptr_array_add (many, g_strdup_printf ("%040d", i));
	g_ptr_array_add (many, NULL);
	p.approved_application_hashes = (const char *const *) many->pdata;
	g_assert_true (eas_policy_validate (&p, &error));
	g_autoptr (GBytes) big = eas_provision_encode_policy (161, &p, 3, 0);
	g_auto (EasProvisionResponse) rb = client_decode (big);
	g_assert_cmpuint (g_strv_length (rb.approved_application_hashes), ==, EAS_POLICY_MAX_APPLICATIONS);
	g_ptr_array_remove_index (many, many->len - 1);
	g_ptr_array_add (many, g_strdup ("one too many"));
	g_ptr_array_add (many, NULL);
	p.approved_application_hashes = (const char *const *) many->pdata;
	g_assert_false (eas_policy_validate (&p, &error));
	g_assert_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID);
	g_clear_error (&error);
	/* The client refuses a server's list over the limit too. */
	g_autoptr (GBytes) over = eas_provision_encode_policy (161, &p, 3, 0);
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (over, &len);
	g_auto (EasProvisionResponse) ro = { 0 };
	g_assert_false (eas_provision_response_decode (data, len, NULL, &ro, &error));
	g_assert_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID);
	g_clear_error (&error);

	g_autofree char *at = g_strnfill (EAS_POLICY_MAX_APPLICATION_BYTES, 'h');
	g_autofree char *past = g_strnfill (EAS_POLICY_MAX_APPLICATION_BYTES + 1, 'h');
	const char *one_at[] = { at, NULL }, *one_past[] = { past, NULL }, *one_empty[] = { "", NULL };
	p.approved_application_hashes = NULL;
	p.unapproved_in_rom_applications = one_at;
	g_assert_true (eas_policy_validate (&p, &error));
	p.unapproved_in_rom_applications = one_past;
	g_assert_false (eas_policy_validate (&p, &error));
	g_clear_error (&error);
	p.unapproved_in_rom_applications = one_empty;
	g_assert_false (eas_policy_validate (&p, &error));
	g_assert_error (error, EAS_PROVISION_ERROR, EAS_PROVISION_ERROR_INVALID);
}

static void
test_client_response_invalid (void)
{
	static const char *docs[] = {
		"<Provision><Status>1</Status><Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType>"
		"<Status>1</Status><PolicyKey>1</PolicyKey><Data><EASProvisionDoc>"
		"<MinDevicePasswordLength>17</MinDevicePasswordLength></EASProvisionDoc></Data></Policy></Policies></Provision>",
		"<Provision><Status>1</Status><Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType>"
		"<Status>1</Status><PolicyKey>1</PolicyKey><Data><EASProvisionDoc>"
		"<AllowCamera/></EASProvisionDoc></Data></Policy></Policies></Provision>",
		"<Provision><Status>1</Status><Policies><Policy><Status>1</Status><PolicyKey>x</PolicyKey>"
		"</Policy></Policies></Provision>",
		"<Provision><Status>0</Status></Provision>",
		"<Provision><RemoteWipe/></Provision>",
		"<Provision><Status>1</Status><Policies><Policy><Status>1</Status><Data><EASProvisionDoc>"
		"<ApprovedApplicationList><Hash>a</Hash><ApplicationName>b</ApplicationName></ApprovedApplicationList>"
		"</EASProvisionDoc></Data></Policy></Policies></Provision>",
		"<Provision><Status>1</Status><Policies><Policy><Status>1</Status><Data><EASProvisionDoc>"
		"<UnapprovedInROMApplicationList><ApplicationName/></UnapprovedInROMApplicationList>"
		"</EASProvisionDoc></Data></Policy></Policies></Provision>",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (docs); i++) {
		g_autoptr (GBytes) doc = test_eas_doc ("Provision", docs[i]);
		g_auto (EasProvisionResponse) r = { 0 };
		g_autoptr (GError) error = NULL;
		gsize len = 0;
		const guint8 *data = g_bytes_get_data (doc, &len);

		r.status = 12345;
		g_assert_false (eas_provision_response_decode (data, len, NULL, &r, &error));
		g_assert_nonnull (error);
		g_assert_true (error->domain == EAS_PROVISION_ERROR);
		g_assert_cmpuint (r.status, ==, 12345);	/* untouched on failure */
	}
}

/* ---- The decision, one test per row of the table ----------------------------------- */

static const EasDeviceProvisioning good = { 1111, 77, 77, EAS_WIPE_NONE };

static EasPolicyDecision
decide (EasVersion version, EasCommand cmd, gboolean has_key, guint32 key, const EasDeviceProvisioning *d)
{
	EasPolicyDecision out = { EAS_POLICY_ALLOW, 0, 0 };

	eas_policy_decide (version, cmd, has_key, key, d, &out);
	return out;
}

static void
assert_refused (EasPolicyDecision d, EasVersion version, EasPolicyVerdict verdict, guint eas_status)
{
	g_assert_cmpint (d.verdict, ==, verdict);
	if (version >= 140) {
		g_assert_cmpuint (d.http_status, ==, 200);
		g_assert_cmpuint (d.eas_status, ==, eas_status);
	} else {
		g_assert_cmpuint (d.http_status, ==, 449);
		g_assert_cmpuint (d.eas_status, ==, 0);
	}
}

static void
assert_blocked (EasPolicyDecision d)
{
	g_assert_cmpint (d.verdict, ==, EAS_POLICY_BLOCKED);
	g_assert_cmpuint (d.http_status, ==, 403);
	g_assert_cmpuint (d.eas_status, ==, 0);
}

static void
assert_allowed (EasPolicyDecision d)
{
	g_assert_cmpint (d.verdict, ==, EAS_POLICY_ALLOW);
	g_assert_cmpuint (d.http_status, ==, 200);
	g_assert_cmpuint (d.eas_status, ==, 0);
}

static void
test_decide_1_wiped_blocked (void)
{
	EasDeviceProvisioning d = good;

	d.wipe = EAS_WIPE_DONE;
	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		assert_blocked (decide (all_versions[v], EAS_CMD_SYNC, TRUE, 1111, &d));
		assert_blocked (decide (all_versions[v], EAS_CMD_PROVISION, FALSE, 0, &d));
		assert_blocked (decide (all_versions[v], EAS_CMD_PING, FALSE, 0, &d));
	}
}

static void
test_decide_2_account_wipe_old_device_blocked (void)
{
	EasDeviceProvisioning d = good;

	d.wipe = EAS_WIPE_ACCOUNT_ONLY_PENDING;
	for (gsize v = 0; all_versions[v] < 161; v++) {
		assert_blocked (decide (all_versions[v], EAS_CMD_FOLDER_SYNC, TRUE, 1111, &d));
		assert_blocked (decide (all_versions[v], EAS_CMD_PROVISION, TRUE, 1111, &d));
	}
	/* 16.1 devices are not blocked by it (row 4 applies instead). */
	g_assert_cmpint (decide (161, EAS_CMD_FOLDER_SYNC, TRUE, 1111, &d).verdict, !=, EAS_POLICY_BLOCKED);
}

static void
test_decide_3_provision_always_runs (void)
{
	static const EasDeviceProvisioning states[] = {
		{ 0, 0, 77, EAS_WIPE_NONE },	/* never provisioned */
		{ 1111, 76, 77, EAS_WIPE_NONE },	/* stale policy */
		{ 1111, 77, 77, EAS_WIPE_PENDING },
	};

	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		for (gsize s = 0; s < G_N_ELEMENTS (states); s++) {
			assert_allowed (decide (all_versions[v], EAS_CMD_PROVISION, FALSE, 0, &states[s]));
			assert_allowed (decide (all_versions[v], EAS_CMD_PROVISION, TRUE, 999, &states[s]));
		}
	}
	EasDeviceProvisioning acct = good;
	acct.wipe = EAS_WIPE_ACCOUNT_ONLY_PENDING;
	assert_allowed (decide (161, EAS_CMD_PROVISION, TRUE, 1111, &acct));
}

static void
test_decide_4_wipe_requested (void)
{
	EasDeviceProvisioning d = good;

	d.wipe = EAS_WIPE_PENDING;
	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		assert_refused (decide (all_versions[v], EAS_CMD_SYNC, TRUE, 1111, &d),
		                all_versions[v], EAS_POLICY_WIPE_REQUESTED, 140);
		/* Ping too: the wipe must not wait for the next Sync. */
		assert_refused (decide (all_versions[v], EAS_CMD_PING, FALSE, 0, &d),
		                all_versions[v], EAS_POLICY_WIPE_REQUESTED, 140);
	}
	d.wipe = EAS_WIPE_ACCOUNT_ONLY_PENDING;
	assert_refused (decide (161, EAS_CMD_SYNC, TRUE, 1111, &d), 161, EAS_POLICY_WIPE_REQUESTED, 140);
}

static void
test_decide_5_ping_without_key (void)
{
	static const EasDeviceProvisioning never = { 0, 0, 77, EAS_WIPE_NONE };
	static const EasDeviceProvisioning stale = { 1111, 76, 77, EAS_WIPE_NONE };

	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		assert_allowed (decide (all_versions[v], EAS_CMD_PING, FALSE, 0, &never));
		assert_allowed (decide (all_versions[v], EAS_CMD_PING, FALSE, 0, &stale));
		assert_allowed (decide (all_versions[v], EAS_CMD_PING, TRUE, 5, &good));
	}
}

static void
test_decide_6_not_provisioned (void)
{
	static const EasDeviceProvisioning never = { 0, 0, 77, EAS_WIPE_NONE };

	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		EasVersion ver = all_versions[v];
		assert_refused (decide (ver, EAS_CMD_FOLDER_SYNC, FALSE, 0, &never), ver, EAS_POLICY_NOT_PROVISIONED, 142);
		assert_refused (decide (ver, EAS_CMD_FOLDER_SYNC, TRUE, 1111, &never), ver, EAS_POLICY_NOT_PROVISIONED, 142);
		/* Device is provisioned but the request carries no key, or "0". */
		assert_refused (decide (ver, EAS_CMD_SYNC, FALSE, 1111, &good), ver, EAS_POLICY_NOT_PROVISIONED, 142);
		assert_refused (decide (ver, EAS_CMD_SYNC, TRUE, 0, &good), ver, EAS_POLICY_NOT_PROVISIONED, 142);
	}
}

static void
test_decide_7_invalid_key (void)
{
	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		EasVersion ver = all_versions[v];
		assert_refused (decide (ver, EAS_CMD_SYNC, TRUE, 1112, &good), ver, EAS_POLICY_INVALID_KEY, 144);
	}
	/* A wrong key wins over a stale policy (either way the device re-provisions). */
	EasDeviceProvisioning stale = good;
	stale.acknowledged_hash = 1;
	assert_refused (decide (141, EAS_CMD_SYNC, TRUE, 1, &stale), 141, EAS_POLICY_INVALID_KEY, 144);
}

static void
test_decide_8_policy_refresh (void)
{
	EasDeviceProvisioning stale = good;

	stale.acknowledged_hash = 76;
	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		EasVersion ver = all_versions[v];
		assert_refused (decide (ver, EAS_CMD_ITEM_OPERATIONS, TRUE, 1111, &stale), ver, EAS_POLICY_REFRESH, 143);
	}
}

static void
test_decide_9_allowed (void)
{
	static const EasCommand cmds[] = {
		EAS_CMD_SYNC, EAS_CMD_SEND_MAIL, EAS_CMD_SMART_FORWARD, EAS_CMD_SMART_REPLY,
		EAS_CMD_GET_ATTACHMENT, EAS_CMD_FOLDER_SYNC, EAS_CMD_FOLDER_CREATE,
		EAS_CMD_FOLDER_DELETE, EAS_CMD_FOLDER_UPDATE, EAS_CMD_MOVE_ITEMS,
		EAS_CMD_GET_ITEM_ESTIMATE, EAS_CMD_MEETING_RESPONSE, EAS_CMD_SEARCH,
		EAS_CMD_SETTINGS, EAS_CMD_PING, EAS_CMD_ITEM_OPERATIONS, EAS_CMD_PROVISION,
		EAS_CMD_RESOLVE_RECIPIENTS, EAS_CMD_VALIDATE_CERT, EAS_CMD_FIND,
	};

	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		for (gsize c = 0; c < G_N_ELEMENTS (cmds); c++)
			assert_allowed (decide (all_versions[v], cmds[c], TRUE, 1111, &good));
	}
}

/* ---- The whole life of a device, with only these pure functions ------------------ */

typedef struct {
	EasVersion version;
	EasPolicy policy;		/* the server's current policy */
	EasDeviceProvisioning device;	/* what the server stores for the device */
	guint32 temporary_key;
	guint32 next_key;
	guint32 client_key;		/* what the device sends in X-MS-PolicyKey */
} Scenario;

static EasPolicyDecision
scenario_request (Scenario *s, EasCommand cmd)
{
	EasPolicyDecision d;

	s->device.current_hash = eas_policy_hash (&s->policy, s->version);
	eas_policy_decide (s->version, cmd, s->client_key != 0, s->client_key, &s->device, &d);
	return d;
}

/* One Provision round trip: the device's request through the server's
 * decoder, the server's answer through the device's decoder. */
static EasProvisionResponse
scenario_provision (Scenario *s, GBytes *device_request)
{
	g_autoptr (GError) error = NULL;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (device_request, &len);
	g_autoptr (EasProvisionRequest) req = eas_provision_request_decode (data, len, s->version, NULL, &error);
	g_autoptr (GBytes) answer = NULL;

	g_assert_no_error (error);
	g_assert_cmpint (scenario_request (s, EAS_CMD_PROVISION).verdict, ==, EAS_POLICY_ALLOW);
	switch (req->kind) {
	case EAS_PROVISION_REQUEST_INITIAL:
		if (s->device.wipe == EAS_WIPE_PENDING) {
			answer = eas_provision_encode_remote_wipe ();
			break;
		}
		s->temporary_key = s->next_key++;
		answer = eas_provision_encode_policy (s->version, &s->policy, s->temporary_key,
		                                      req->device_information != NULL ? 1 : 0);
		break;
	case EAS_PROVISION_REQUEST_ACKNOWLEDGE:
		if (req->policy_key != s->temporary_key) {
			answer = eas_provision_encode_policy_status (s->version, 5);
			break;
		}
		s->device.acknowledged_key = s->next_key++;
		s->device.acknowledged_hash = eas_policy_hash (&s->policy, s->version);
		answer = eas_provision_encode_final_key (s->version, s->device.acknowledged_key, 0);
		break;
	case EAS_PROVISION_REQUEST_REMOTE_WIPE_ACK:
		if (req->status == 1)
			s->device.wipe = EAS_WIPE_DONE;
		answer = eas_provision_encode_status (1);
		break;
	default:
		g_assert_not_reached ();
	}
	return client_decode (answer);
}

static void
scenario_full_provisioning (Scenario *s)
{
	EasDeviceInformation info = { 0 };
	info.model = (char *) "T3";

	s->client_key = 0;
	g_autoptr (GBytes) init = eas_provision_encode_initial_request (s->version, &info);
	g_auto (EasProvisionResponse) r1 = scenario_provision (s, init);
	g_assert_cmpuint (r1.policy_status, ==, 1);
	g_assert_cmpuint (r1.policy_key, ==, s->temporary_key);
	g_assert_cmpuint (r1.device_information_status, ==, s->version >= 141 ? 1 : 0);
	g_autoptr (GBytes) ack = eas_provision_encode_acknowledgement (s->version, r1.policy_key, 1);
	g_auto (EasProvisionResponse) r2 = scenario_provision (s, ack);
	g_assert_cmpuint (r2.policy_status, ==, 1);
	g_assert_cmpuint (r2.policy_key, ==, s->device.acknowledged_key);
	s->client_key = r2.policy_key;
}

static void
test_scenario (gconstpointer data)
{
	Scenario s = { 0 };
	EasPolicyVerdict v;

	s.version = GPOINTER_TO_UINT (data);
	s.next_key = 1000;
	eas_policy_init_default (&s.policy);

	/* A new device is sent to provision, provisions, and may sync. */
	g_assert_cmpint (scenario_request (&s, EAS_CMD_FOLDER_SYNC).verdict, ==, EAS_POLICY_NOT_PROVISIONED);
	scenario_full_provisioning (&s);
	g_assert_cmpint (scenario_request (&s, EAS_CMD_FOLDER_SYNC).verdict, ==, EAS_POLICY_ALLOW);

	/* Acknowledging a key it was never given gets Policy Status 5. */
	g_autoptr (GBytes) wrong = eas_provision_encode_acknowledgement (s.version, 4242, 1);
	g_auto (EasProvisionResponse) rw = scenario_provision (&s, wrong);
	g_assert_cmpuint (rw.policy_status, ==, 5);
	g_assert_cmpint (scenario_request (&s, EAS_CMD_SYNC).verdict, ==, EAS_POLICY_ALLOW);

	/* The administrator requires a password: the device must refresh. */
	s.policy.device_password_enabled = TRUE;
	g_assert_cmpint (scenario_request (&s, EAS_CMD_SYNC).verdict, ==, EAS_POLICY_REFRESH);
	scenario_full_provisioning (&s);
	g_assert_cmpint (scenario_request (&s, EAS_CMD_SYNC).verdict, ==, EAS_POLICY_ALLOW);

	/* Remote wipe: refused, empty Provision, <RemoteWipe/>, acknowledged, out. */
	s.device.wipe = EAS_WIPE_PENDING;
	v = scenario_request (&s, EAS_CMD_PING).verdict;
	g_assert_cmpint (v, ==, EAS_POLICY_WIPE_REQUESTED);
	g_autoptr (GBytes) empty = test_eas_doc ("Provision", "<Provision/>");
	g_auto (EasProvisionResponse) r3 = scenario_provision (&s, empty);
	g_assert_true (r3.remote_wipe);
	g_autoptr (GBytes) wack = eas_provision_encode_wipe_acknowledgement (s.version, FALSE, 1);
	g_auto (EasProvisionResponse) r4 = scenario_provision (&s, wack);
	g_assert_cmpuint (r4.status, ==, 1);
	g_assert_cmpint (s.device.wipe, ==, EAS_WIPE_DONE);
	g_assert_cmpint (scenario_request (&s, EAS_CMD_PROVISION).verdict, ==, EAS_POLICY_BLOCKED);
	g_assert_cmpint (scenario_request (&s, EAS_CMD_SYNC).verdict, ==, EAS_POLICY_BLOCKED);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/provision/policy/default", test_policy_default);
	g_test_add_func ("/provision/policy/validate", test_policy_validate);
	g_test_add_func ("/provision/policy/setting-version", test_policy_setting_version);
	g_test_add_func ("/provision/policy/doc-version-filter", test_doc_version_filter);
	g_test_add_func ("/provision/policy/doc-values", test_doc_values);
	g_test_add_data_func ("/provision/policy/doc-matches-exchange/libwbxml-encoded", NULL, test_doc_matches_exchange);
	g_test_add_data_func ("/provision/policy/doc-matches-exchange/from-xml", "xml", test_doc_matches_exchange);
	g_test_add_func ("/provision/policy/wap-xml", test_wap_xml);
	g_test_add_func ("/provision/policy/hash", test_hash);
	g_test_add_func ("/provision/request/initial", test_request_initial);
	g_test_add_func ("/provision/request/empty", test_request_empty);
	g_test_add_data_func ("/provision/request/fixtures/libwbxml-encoded", NULL, test_request_fixtures);
	g_test_add_data_func ("/provision/request/fixtures/from-xml", "xml", test_request_fixtures);
	g_test_add_func ("/provision/request/acknowledge", test_request_acknowledge);
	g_test_add_func ("/provision/request/remote-wipe-ack", test_request_remote_wipe_ack);
	g_test_add_func ("/provision/request/account-only-wipe-ack", test_request_account_only_wipe_ack);
	g_test_add_func ("/provision/request/device-information", test_request_device_information);
	g_test_add_func ("/provision/request/structure", test_request_structure);
	g_test_add_func ("/provision/request/truncated", test_request_truncated);
	g_test_add_func ("/provision/response/policy", test_response_policy);
	g_test_add_func ("/provision/response/final-key", test_response_final_key);
	g_test_add_func ("/provision/response/statuses", test_response_statuses);
	g_test_add_func ("/provision/response/wipes", test_response_wipes);
	g_test_add_func ("/provision/response/libwbxml-oracle", test_response_libwbxml_oracle);
	g_test_add_func ("/provision/client/requests-roundtrip", test_client_requests_roundtrip);
	g_test_add_func ("/provision/client/response-roundtrip", test_client_response_roundtrip);
	g_test_add_data_func ("/provision/client/response-fixture/libwbxml-encoded", NULL, test_client_response_fixture);
	g_test_add_data_func ("/provision/client/response-fixture/from-xml", "xml", test_client_response_fixture);
	g_test_add_func ("/provision/client/response-invalid", test_client_response_invalid);
	g_test_add_func ("/provision/client/application-lists", test_application_lists);
	g_test_add_func ("/provision/client/read-provision-doc", test_read_provision_doc);
	g_test_add_func ("/provision/decide/1-wiped-blocked", test_decide_1_wiped_blocked);
	g_test_add_func ("/provision/decide/2-account-wipe-old-device-blocked", test_decide_2_account_wipe_old_device_blocked);
	g_test_add_func ("/provision/decide/3-provision-always-runs", test_decide_3_provision_always_runs);
	g_test_add_func ("/provision/decide/4-wipe-requested", test_decide_4_wipe_requested);
	g_test_add_func ("/provision/decide/5-ping-without-key", test_decide_5_ping_without_key);
	g_test_add_func ("/provision/decide/6-not-provisioned", test_decide_6_not_provisioned);
	g_test_add_func ("/provision/decide/7-invalid-key", test_decide_7_invalid_key);
	g_test_add_func ("/provision/decide/8-policy-refresh", test_decide_8_policy_refresh);
	g_test_add_func ("/provision/decide/9-allowed", test_decide_9_allowed);

	for (gsize v = 0; v < G_N_ELEMENTS (all_versions); v++) {
		g_autofree char *path = g_strdup_printf ("/provision/scenario/%s", eas_version_to_string (all_versions[v]));
		g_test_add_data_func (path, GUINT_TO_POINTER (all_versions[v]), test_scenario);
	}

	return g_test_run ();
}
