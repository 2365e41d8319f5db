/* Tests for eas/eas-settings.c: Settings request decoder and response encoder. */
#include "config.h"

#include <string.h>

#include "eas/eas-settings.h"
#include "test-eas-doc.h"

static EasSettingsRequest *
decode (const char *xml, EasVersion version, GError **error)
{
	g_autoptr (GBytes) doc = test_eas_doc ("Settings", xml);
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (doc, &len);

	return eas_settings_request_decode (data, len, version, NULL, error);
}

static EasSettingsRequest *
decode_ok (const char *xml, EasVersion version)
{
	g_autoptr (GError) error = NULL;
	EasSettingsRequest *req = decode (xml, version, &error);

	g_assert_no_error (error);
	g_assert_nonnull (req);
	return req;
}

static void
decode_fails (const char *xml, EasVersion version, int code)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasSettingsRequest) req = decode (xml, version, &error);

	g_assert_null (req);
	g_assert_error (error, EAS_SETTINGS_ERROR, code);
}

/* user_data: non-NULL to build the fixture from its XML with our
 * eas_xml_to_wbxml(), NULL for libwbxml's own encoding; both must agree. */
static EasSettingsRequest *
decode_fixture (const char *name, gconstpointer via_xml, gboolean *out_skipped, GError **error)
{
	g_autoptr (GBytes) doc = test_eas_libwbxml_fixture (name, via_xml != NULL);
	gsize len = 0;

	*out_skipped = doc == NULL;
	if (doc == NULL)
		return NULL;
	const guint8 *data = g_bytes_get_data (doc, &len);
	return eas_settings_request_decode (data, len, 141, NULL, error);
}

/* ---- Fixtures (encoded by libwbxml, an independent encoder) -------------------- */

static void
test_fixture_device_information (gconstpointer via_xml)
{
	g_autoptr (GError) error = NULL;
	gboolean skipped;
	g_autoptr (EasSettingsRequest) req = decode_fixture ("activesync-001-settings_device_information",
	                                                     via_xml, &skipped, &error);

	if (skipped)
		return;
	g_assert_no_error (error);
	const EasDeviceInformation *info = req->device_information;
	g_assert_nonnull (info);
	g_assert_cmpstr (info->model, ==, "0.11-beta");
	g_assert_cmpstr (info->imei, ==, "1234567890");
	g_assert_cmpstr (info->friendly_name, ==, "Test Device");
	g_assert_cmpstr (info->os, ==, "Linux");
	g_assert_cmpstr (info->os_language, ==, "de_DE");
	g_assert_cmpstr (info->phone_number, ==, "+49301234567890");
	g_assert_cmpstr (info->mobile_operator, ==, "O2");
	g_assert_cmpstr (info->user_agent, ==, "libwbxml");
	g_assert_false (info->has_enable_outbound_sms);
	g_assert_false (req->user_information_get);
	g_assert_null (req->oof_set);
}

static void
test_fixture_invalid_documents (gconstpointer via_xml)
{
	/* libwbxml's 002–004 are tokeniser tests (DeviceInformation fields under
	 * UserInformation/DevicePassword/Oof Set) and 005 is a response: none
	 * is a valid Settings request. */
	static const char *names[] = {
		"activesync-002-settings_user_information",
		"activesync-003-settings_device_password",
		"activesync-004-settings_oof",
		"activesync-005-settings_status",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
		g_autoptr (GError) error = NULL;
		gboolean skipped;
		g_autoptr (EasSettingsRequest) req = decode_fixture (names[i], via_xml, &skipped, &error);

		if (skipped)
			return;
		g_assert_null (req);
		g_assert_error (error, EAS_SETTINGS_ERROR, EAS_SETTINGS_ERROR_MALFORMED);
	}
}

/* ---- DeviceInformation ------------------------------------------------------------ */

static void
test_device_information_fields (void)
{
	g_autoptr (EasSettingsRequest) req = decode_ok (
		"<Settings><DeviceInformation><Set><Model>SM-G991B</Model><UserAgent>Android/13</UserAgent>"
		"<EnableOutboundSMS>1</EnableOutboundSMS></Set></DeviceInformation></Settings>", 160);

	g_assert_cmpstr (req->device_information->model, ==, "SM-G991B");
	g_assert_cmpstr (req->device_information->user_agent, ==, "Android/13");
	g_assert_null (req->device_information->imei);
	g_assert_true (req->device_information->has_enable_outbound_sms);
	g_assert_true (req->device_information->enable_outbound_sms);

	decode_fails ("<Settings><DeviceInformation><Set><EnableOutboundSMS>2</EnableOutboundSMS></Set>"
	              "</DeviceInformation></Settings>", 160, EAS_SETTINGS_ERROR_INVALID);
	decode_fails ("<Settings><DeviceInformation><Set><Model>a</Model><Model>b</Model></Set>"
	              "</DeviceInformation></Settings>", 160, EAS_SETTINGS_ERROR_MALFORMED);
	decode_fails ("<Settings><DeviceInformation><Set><Password>a</Password></Set>"
	              "</DeviceInformation></Settings>", 160, EAS_SETTINGS_ERROR_MALFORMED);
	decode_fails ("<Settings><DeviceInformation><Set/><Set/></DeviceInformation></Settings>",
	              160, EAS_SETTINGS_ERROR_MALFORMED);
	decode_fails ("<Settings><DeviceInformation/></Settings>", 160, EAS_SETTINGS_ERROR_MALFORMED);
	decode_fails ("<Settings><DeviceInformation><Get/></DeviceInformation></Settings>",
	              160, EAS_SETTINGS_ERROR_MALFORMED);
}

static void
test_device_information_limit (void)
{
	static const char *fields[] = { "Model", "IMEI", "FriendlyName", "OS", "OSLanguage",
	                                "PhoneNumber", "UserAgent", "MobileOperator" };
	g_autofree char *at = g_strnfill (EAS_SETTINGS_MAX_FIELD_BYTES, 'a');
	g_autofree char *over = g_strnfill (EAS_SETTINGS_MAX_FIELD_BYTES + 1, 'a');

	for (gsize i = 0; i < G_N_ELEMENTS (fields); i++) {
		g_autofree char *ok = g_strdup_printf ("<Settings><DeviceInformation><Set><%s>%s</%s></Set>"
		                                       "</DeviceInformation></Settings>", fields[i], at, fields[i]);
		g_autofree char *bad = g_strdup_printf ("<Settings><DeviceInformation><Set><%s>%s</%s></Set>"
		                                        "</DeviceInformation></Settings>", fields[i], over, fields[i]);
		g_autoptr (EasSettingsRequest) req = decode_ok (ok, 141);
		const EasDeviceInformation *d = req->device_information;
		const char *got[] = { d->model, d->imei, d->friendly_name, d->os, d->os_language,
		                      d->phone_number, d->user_agent, d->mobile_operator };

		g_assert_cmpstr (got[i], ==, at);
		decode_fails (bad, 141, EAS_SETTINGS_ERROR_INVALID);
	}
}

/* ---- Oof ---------------------------------------------------------------------------- */

static void
test_oof_get (void)
{
	static const struct { const char *text; EasOofBodyType type; } types[] = {
		{ "Text", EAS_OOF_BODY_TEXT }, { "TEXT", EAS_OOF_BODY_TEXT },
		{ "HTML", EAS_OOF_BODY_HTML }, { "html", EAS_OOF_BODY_HTML },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (types); i++) {
		g_autofree char *xml = g_strdup_printf ("<Settings><Oof><Get><BodyType>%s</BodyType></Get></Oof></Settings>",
		                                        types[i].text);
		g_autoptr (EasSettingsRequest) req = decode_ok (xml, 140);
		g_assert_true (req->oof_get);
		g_assert_cmpint (req->oof_get_body_type, ==, types[i].type);
		g_assert_null (req->oof_set);
	}
	decode_fails ("<Settings><Oof><Get><BodyType>RTF</BodyType></Get></Oof></Settings>", 140, EAS_SETTINGS_ERROR_INVALID);
	decode_fails ("<Settings><Oof><Get/></Oof></Settings>", 140, EAS_SETTINGS_ERROR_MALFORMED);
	decode_fails ("<Settings><Oof/></Settings>", 140, EAS_SETTINGS_ERROR_MALFORMED);
	decode_fails ("<Settings><Oof><Get><BodyType>Text</BodyType></Get><Set><OofState>0</OofState></Set></Oof></Settings>",
	              140, EAS_SETTINGS_ERROR_CONFLICT);
}

static void
test_oof_set (void)
{
	g_autoptr (EasSettingsRequest) req = decode_ok (
		"<Settings><Oof><Set><OofState>2</OofState>"
		"<StartTime>2026-11-26T10:00:00.000Z</StartTime><EndTime>2026-11-30T18:30:00.000Z</EndTime>"
		"<OofMessage><AppliesToInternal/><Enabled>1</Enabled><ReplyMessage>Back Monday</ReplyMessage>"
		"<BodyType>Text</BodyType></OofMessage>"
		"<OofMessage><AppliesToExternalKnown/><Enabled>1</Enabled><ReplyMessage>&lt;p&gt;Away&lt;/p&gt;</ReplyMessage>"
		"<BodyType>HTML</BodyType></OofMessage>"
		"<OofMessage><AppliesToExternalUnknown/><Enabled>0</Enabled></OofMessage>"
		"</Set></Oof></Settings>", 140);
	const EasOofSettings *oof = req->oof_set;

	g_assert_nonnull (oof);
	g_assert_true (oof->has_state);
	g_assert_cmpint (oof->state, ==, EAS_OOF_STATE_TIME_BASED);
	g_assert_cmpint (g_date_time_get_day_of_month (oof->start_time), ==, 26);
	g_assert_cmpint (g_date_time_get_hour (oof->end_time), ==, 18);
	g_assert_cmpint (g_date_time_get_minute (oof->end_time), ==, 30);
	g_assert_true (oof->messages[EAS_OOF_INTERNAL].present);
	g_assert_true (oof->messages[EAS_OOF_INTERNAL].enabled);
	g_assert_cmpstr (oof->messages[EAS_OOF_INTERNAL].reply_message, ==, "Back Monday");
	g_assert_cmpint (oof->messages[EAS_OOF_EXTERNAL_KNOWN].body_type, ==, EAS_OOF_BODY_HTML);
	g_assert_cmpstr (oof->messages[EAS_OOF_EXTERNAL_KNOWN].reply_message, ==, "<p>Away</p>");
	g_assert_true (oof->messages[EAS_OOF_EXTERNAL_UNKNOWN].present);
	g_assert_false (oof->messages[EAS_OOF_EXTERNAL_UNKNOWN].enabled);
	g_assert_null (oof->messages[EAS_OOF_EXTERNAL_UNKNOWN].reply_message);

	/* Just switching it off. */
	g_autoptr (EasSettingsRequest) off = decode_ok ("<Settings><Oof><Set><OofState>0</OofState></Set></Oof></Settings>", 121);
	g_assert_cmpint (off->oof_set->state, ==, EAS_OOF_STATE_DISABLED);
	g_assert_false (off->oof_set->messages[EAS_OOF_INTERNAL].present);
}

static void
test_oof_set_invalid (void)
{
	static const struct { const char *set; int code; } cases[] = {
		{ "<OofState>3</OofState>", EAS_SETTINGS_ERROR_INVALID },
		{ "<OofState>1</OofState><OofState>1</OofState>", EAS_SETTINGS_ERROR_MALFORMED },
		{ "<OofState>2</OofState>", EAS_SETTINGS_ERROR_MALFORMED },
		{ "<OofState>2</OofState><StartTime>2026-11-26T10:00:00.000Z</StartTime>", EAS_SETTINGS_ERROR_MALFORMED },
		{ "<StartTime>2026-11-27T10:00:00.000Z</StartTime><EndTime>2026-11-26T10:00:00.000Z</EndTime>",
		  EAS_SETTINGS_ERROR_INVALID },
		{ "<StartTime>yesterday</StartTime>", EAS_SETTINGS_ERROR_INVALID },
		{ "<OofMessage><Enabled>1</Enabled></OofMessage>", EAS_SETTINGS_ERROR_MALFORMED },
		{ "<OofMessage><AppliesToInternal/><AppliesToExternalKnown/></OofMessage>", EAS_SETTINGS_ERROR_MALFORMED },
		{ "<OofMessage><AppliesToInternal/></OofMessage><OofMessage><AppliesToInternal/></OofMessage>",
		  EAS_SETTINGS_ERROR_MALFORMED },
		{ "<OofMessage><AppliesToInternal/><ReplyMessage>x</ReplyMessage></OofMessage>", EAS_SETTINGS_ERROR_MALFORMED },
		{ "<OofMessage><AppliesToInternal/><Enabled>2</Enabled></OofMessage>", EAS_SETTINGS_ERROR_INVALID },
		{ "<OofMessage><AppliesToInternal/><Model>x</Model></OofMessage>", EAS_SETTINGS_ERROR_MALFORMED },
		{ "<Model>x</Model>", EAS_SETTINGS_ERROR_MALFORMED },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *xml = g_strdup_printf ("<Settings><Oof><Set>%s</Set></Oof></Settings>", cases[i].set);
		decode_fails (xml, 140, cases[i].code);
	}
}

static void
test_oof_reply_limit (void)
{
	g_autofree char *at = g_strnfill (EAS_SETTINGS_MAX_REPLY_BYTES, 'r');
	g_autofree char *over = g_strnfill (EAS_SETTINGS_MAX_REPLY_BYTES + 1, 'r');
#define REPLY_FMT "<Settings><Oof><Set><OofMessage><AppliesToInternal/><Enabled>1</Enabled>" \
	"<ReplyMessage>%s</ReplyMessage><BodyType>Text</BodyType></OofMessage></Set></Oof></Settings>"
	g_autofree char *ok = g_strdup_printf (REPLY_FMT, at);
	g_autofree char *bad = g_strdup_printf (REPLY_FMT, over);
	g_autoptr (EasSettingsRequest) req = decode_ok (ok, 140);

	g_assert_cmpuint (strlen (req->oof_set->messages[EAS_OOF_INTERNAL].reply_message), ==, EAS_SETTINGS_MAX_REPLY_BYTES);
	decode_fails (bad, 140, EAS_SETTINGS_ERROR_INVALID);
}

/* ---- DevicePassword, UserInformation, RightsManagement, structure ---------------------- */

static void
test_device_password (void)
{
	g_autofree char *at = g_strnfill (EAS_SETTINGS_MAX_PASSWORD_CHARS, 'p');
	g_autofree char *over = g_strnfill (EAS_SETTINGS_MAX_PASSWORD_CHARS + 1, 'p');
#define PASSWORD_FMT "<Settings><DevicePassword><Set><Password>%s</Password></Set></DevicePassword></Settings>"
	g_autofree char *ok = g_strdup_printf (PASSWORD_FMT, at);
	g_autofree char *bad = g_strdup_printf (PASSWORD_FMT, over);
	g_autoptr (EasSettingsRequest) req = decode_ok (ok, 120);

	g_assert_cmpstr (req->device_password, ==, at);
	decode_fails (bad, 120, EAS_SETTINGS_ERROR_INVALID);

	/* The limit counts characters: 255 "ü" (510 bytes) pass, 256 do not. */
	GString *wide = g_string_new (NULL);
	for (int i = 0; i < EAS_SETTINGS_MAX_PASSWORD_CHARS; i++)
		g_string_append (wide, "\xc3\xbc");
	g_autofree char *wide_ok = g_strdup_printf (PASSWORD_FMT, wide->str);
	g_autoptr (EasSettingsRequest) w = decode_ok (wide_ok, 120);
	g_assert_cmpstr (w->device_password, ==, wide->str);
	g_string_append (wide, "\xc3\xbc");
	g_autofree char *wide_bad = g_strdup_printf (PASSWORD_FMT, wide->str);
	decode_fails (wide_bad, 120, EAS_SETTINGS_ERROR_INVALID);
	g_string_free (wide, TRUE);

	g_autoptr (EasSettingsRequest) empty = decode_ok ("<Settings><DevicePassword><Set><Password/></Set></DevicePassword></Settings>", 120);
	g_assert_cmpstr (empty->device_password, ==, "");
	decode_fails ("<Settings><DevicePassword><Set/></DevicePassword></Settings>", 120, EAS_SETTINGS_ERROR_MALFORMED);
	decode_fails ("<Settings><DevicePassword><Get/></DevicePassword></Settings>", 120, EAS_SETTINGS_ERROR_MALFORMED);
}

static void
test_user_information_and_rights (void)
{
	g_autoptr (EasSettingsRequest) req = decode_ok ("<Settings><UserInformation><Get/></UserInformation></Settings>", 121);
	g_assert_true (req->user_information_get);
	g_assert_false (req->rights_management_get);
	decode_fails ("<Settings><UserInformation><Set/></UserInformation></Settings>", 121, EAS_SETTINGS_ERROR_MALFORMED);
	decode_fails ("<Settings><UserInformation><Get><Model>x</Model></Get></UserInformation></Settings>",
	              121, EAS_SETTINGS_ERROR_MALFORMED);

	const char *rm = "<Settings><RightsManagementInformation><Get/></RightsManagementInformation></Settings>";
	g_autoptr (EasSettingsRequest) r = decode_ok (rm, 141);
	g_assert_true (r->rights_management_get);
	decode_fails (rm, 140, EAS_SETTINGS_ERROR_MALFORMED);
}

static void
test_structure (void)
{
	g_autoptr (EasSettingsRequest) all = decode_ok (
		"<Settings><Oof><Get><BodyType>Text</BodyType></Get></Oof>"
		"<DevicePassword><Set><Password>x</Password></Set></DevicePassword>"
		"<DeviceInformation><Set><Model>m</Model></Set></DeviceInformation>"
		"<UserInformation><Get/></UserInformation></Settings>", 141);
	g_assert_true (all->oof_get);
	g_assert_cmpstr (all->device_password, ==, "x");
	g_assert_cmpstr (all->device_information->model, ==, "m");
	g_assert_true (all->user_information_get);

	decode_fails ("<Settings/>", 141, EAS_SETTINGS_ERROR_MALFORMED);
	decode_fails ("<Settings><UserInformation><Get/></UserInformation><UserInformation><Get/></UserInformation></Settings>",
	              141, EAS_SETTINGS_ERROR_MALFORMED);
	decode_fails ("<Settings><Status>1</Status></Settings>", 141, EAS_SETTINGS_ERROR_MALFORMED);
	decode_fails ("<Provision:Provision/>", 141, EAS_SETTINGS_ERROR_MALFORMED);

	/* Every proper prefix of a valid document fails cleanly. */
	g_autoptr (GBytes) doc = test_eas_doc ("Settings",
		"<Settings><Oof><Set><OofState>1</OofState><OofMessage><AppliesToInternal/><Enabled>1</Enabled>"
		"<ReplyMessage>m</ReplyMessage><BodyType>Text</BodyType></OofMessage></Set></Oof></Settings>");
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (doc, &len);
	for (gsize n = 0; n < len; n++) {
		g_autoptr (GError) error = NULL;
		g_autofree guint8 *copy = g_memdup2 (data, n);
		g_autoptr (EasSettingsRequest) req = eas_settings_request_decode (copy, n, 141, NULL, &error);
		g_assert_null (req);
		g_assert_nonnull (error);
	}
}

/* ---- Response ----------------------------------------------------------------------------- */

static EasNode *
encode_parse (EasVersion version, const EasSettingsResponse *r)
{
	g_autoptr (GBytes) doc = eas_settings_encode_response (version, r);
	gsize len = 0;

	g_assert_nonnull (doc);
	g_assert_cmpmem (g_bytes_get_data (doc, &len), 4, "\x03\x01\x6a\x00", 4);
	return test_eas_parse (doc);
}

static void
test_response_user_information (void)
{
	static const char *addrs[] = { "jo@example.org", "jo.doe@example.org", NULL };
	EasSettingsResponse r = { 0 };

	r.status = EAS_SETTINGS_STATUS_SUCCESS;
	r.user_information_status = EAS_SETTINGS_STATUS_SUCCESS;
	r.email_addresses = addrs;
	r.display_name = "Jo Doe";

	/* Below 14.1: Get/EmailAddresses/SmtpAddress. */
	g_autoptr (EasNode) old = encode_parse (140, &r);
	const EasNode *ea = eas_node_path (old, EAS_SETTINGS_USER_INFORMATION, EAS_SETTINGS_GET,
	                                   EAS_SETTINGS_EMAIL_ADDRESSES, 0);
	g_assert_cmpstr (eas_node_child_text (old, EAS_SETTINGS_STATUS), ==, "1");
	g_assert_cmpstr (eas_node_child_text (eas_node_child (old, EAS_SETTINGS_USER_INFORMATION), EAS_SETTINGS_STATUS), ==, "1");
	g_assert_nonnull (ea);
	g_assert_cmpstr (ea->first_child->text, ==, "jo@example.org");
	g_assert_cmpstr (eas_node_next_same (ea->first_child)->text, ==, "jo.doe@example.org");
	g_assert_null (eas_node_child (ea, EAS_SETTINGS_PRIMARY_SMTP_ADDRESS));
	g_assert_null (eas_node_path (old, EAS_SETTINGS_USER_INFORMATION, EAS_SETTINGS_GET, EAS_SETTINGS_ACCOUNTS, 0));
	g_assert_null (eas_node_child (old, EAS_SETTINGS_OOF));

	/* 14.1: Accounts/Account with display name and primary address. */
	g_autoptr (EasNode) now = encode_parse (141, &r);
	const EasNode *acct = eas_node_path (now, EAS_SETTINGS_USER_INFORMATION, EAS_SETTINGS_GET,
	                                     EAS_SETTINGS_ACCOUNTS, EAS_SETTINGS_ACCOUNT, 0);
	g_assert_nonnull (acct);
	g_assert_cmpstr (eas_node_child_text (acct, EAS_SETTINGS_USER_DISPLAY_NAME), ==, "Jo Doe");
	const EasNode *ea2 = eas_node_child (acct, EAS_SETTINGS_EMAIL_ADDRESSES);
	g_assert_cmpstr (eas_node_child_text (ea2, EAS_SETTINGS_PRIMARY_SMTP_ADDRESS), ==, "jo@example.org");
	g_assert_cmpstr (eas_node_child_text (ea2, EAS_SETTINGS_SMTP_ADDRESS), ==, "jo@example.org");

	/* A failed section carries its Status only. */
	r.user_information_status = EAS_SETTINGS_STATUS_ACCESS_DENIED;
	g_autoptr (EasNode) denied = encode_parse (141, &r);
	const EasNode *ui = eas_node_child (denied, EAS_SETTINGS_USER_INFORMATION);
	g_assert_cmpstr (eas_node_child_text (ui, EAS_SETTINGS_STATUS), ==, "3");
	g_assert_null (eas_node_child (ui, EAS_SETTINGS_GET));
}

static void
test_response_oof (void)
{
	g_autoptr (EasOofSettings) oof = eas_oof_settings_new ();
	g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
	EasSettingsResponse r = { 0 };

	oof->has_state = TRUE;
	oof->state = EAS_OOF_STATE_TIME_BASED;
	oof->start_time = g_date_time_new (utc, 2026, 12, 24, 8, 0, 0);
	oof->end_time = g_date_time_new (utc, 2027, 1, 2, 17, 45, 0);
	oof->messages[EAS_OOF_EXTERNAL_UNKNOWN].present = TRUE;
	oof->messages[EAS_OOF_EXTERNAL_UNKNOWN].enabled = TRUE;
	oof->messages[EAS_OOF_EXTERNAL_UNKNOWN].reply_message = g_strdup ("<b>Away</b>");
	oof->messages[EAS_OOF_EXTERNAL_UNKNOWN].body_type = EAS_OOF_BODY_HTML;
	r.status = 1;
	r.oof_status = 1;
	r.oof_get = oof;
	r.device_information_status = 1;
	r.device_password_status = 5;

	g_autoptr (EasNode) root = encode_parse (140, &r);
	const EasNode *get = eas_node_path (root, EAS_SETTINGS_OOF, EAS_SETTINGS_GET, 0);
	g_assert_nonnull (get);
	g_assert_cmpstr (eas_node_child_text (get, EAS_SETTINGS_OOF_STATE), ==, "2");
	g_assert_cmpstr (eas_node_child_text (get, EAS_SETTINGS_START_TIME), ==, "2026-12-24T08:00:00.000Z");
	g_assert_cmpstr (eas_node_child_text (get, EAS_SETTINGS_END_TIME), ==, "2027-01-02T17:45:00.000Z");
	const EasNode *msg = eas_node_child (get, EAS_SETTINGS_OOF_MESSAGE);
	g_assert_true (msg == get->last_child);	/* only the present audience */
	g_assert_nonnull (eas_node_child (msg, EAS_SETTINGS_APPLIES_TO_EXTERNAL_UNKNOWN));
	g_assert_cmpstr (eas_node_child_text (msg, EAS_SETTINGS_ENABLED), ==, "1");
	g_assert_cmpstr (eas_node_child_text (msg, EAS_SETTINGS_REPLY_MESSAGE), ==, "<b>Away</b>");
	g_assert_cmpstr (eas_node_child_text (msg, EAS_SETTINGS_BODY_TYPE), ==, "HTML");
	g_assert_cmpstr (eas_node_child_text (eas_node_child (root, EAS_SETTINGS_DEVICE_INFORMATION), EAS_SETTINGS_STATUS), ==, "1");
	g_assert_cmpstr (eas_node_child_text (eas_node_child (root, EAS_SETTINGS_DEVICE_PASSWORD), EAS_SETTINGS_STATUS), ==, "5");
	g_assert_null (eas_node_child (root, EAS_SETTINGS_USER_INFORMATION));

}

static void
test_response_rights_management (void)
{
	EasSettingsResponse r = { 0 };

	r.status = 1;
	r.rights_management_status = 1;
	g_autoptr (EasNode) now = encode_parse (141, &r);
	g_assert_nonnull (eas_node_path (now, EAS_SETTINGS_RIGHTS_MANAGEMENT_INFORMATION, EAS_SETTINGS_GET,
	                                 EAS_RIGHTSMANAGEMENT_RIGHTS_MANAGEMENT_TEMPLATES, 0));
	g_autoptr (EasNode) old = encode_parse (140, &r);
	g_assert_null (eas_node_child (old, EAS_SETTINGS_RIGHTS_MANAGEMENT_INFORMATION));

	/* A whole-command failure alone. */
	EasSettingsResponse e = { 0 };
	e.status = EAS_SETTINGS_STATUS_PROTOCOL_ERROR;
	g_autoptr (EasNode) err = encode_parse (141, &e);
	g_assert_cmpstr (eas_node_child_text (err, EAS_SETTINGS_STATUS), ==, "2");
	g_assert_true (err->first_child == err->last_child);
}

static void
test_response_libwbxml_oracle (void)
{
	static const char *addrs[] = { "a@example.org", "b@example.org", NULL };
	g_autoptr (EasOofSettings) oof = eas_oof_settings_new ();
	EasSettingsResponse r = { 0 };

	oof->has_state = TRUE;
	oof->state = EAS_OOF_STATE_GLOBAL;
	oof->messages[EAS_OOF_INTERNAL].present = TRUE;
	oof->messages[EAS_OOF_INTERNAL].enabled = TRUE;
	oof->messages[EAS_OOF_INTERNAL].reply_message = g_strdup ("Out");
	r.status = 1;
	r.oof_status = 1;
	r.oof_get = oof;
	r.user_information_status = 1;
	r.email_addresses = addrs;
	r.display_name = "A";
	g_autoptr (GBytes) doc = eas_settings_encode_response (141, &r);
	g_autofree char *xml = test_eas_libwbxml_xml (doc);
	const char *wanted[] = {
		"<Settings xmlns=\"Settings:\"><Status>1</Status><Oof><Status>1</Status><Get><OofState>1</OofState>",
		"<OofMessage><AppliesToInternal/><Enabled>1</Enabled><ReplyMessage>Out</ReplyMessage><BodyType>Text</BodyType></OofMessage>",
		"<Accounts><Account><UserDisplayName>A</UserDisplayName><EmailAddresses><SmtpAddress>a@example.org</SmtpAddress>",
		"<PrimarySmtpAddress>a@example.org</PrimarySmtpAddress>", NULL,
	};

	g_assert_nonnull (xml);
	for (gsize i = 0; wanted[i] != NULL; i++) {
		if (strstr (xml, wanted[i]) == NULL)
			g_error ("libwbxml's reading lacks %s: %s", wanted[i], xml);
	}
}

static EasSettingsRequest *
roundtrip (EasVersion version, const EasSettingsRequest *q)
{
	g_autoptr (GBytes) doc = eas_settings_encode_request (version, q);
	g_autoptr (GError) error = NULL;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (doc, &len);
	EasSettingsRequest *back = eas_settings_request_decode (data, len, version, NULL, &error);

	g_assert_no_error (error);
	return back;
}

static void
test_client_request_roundtrip (void)
{
	g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
	EasSettingsRequest q = { 0 };
	EasDeviceInformation info = { 0 };
	g_autoptr (EasOofSettings) oof = eas_oof_settings_new ();

	oof->has_state = TRUE;
	oof->state = EAS_OOF_STATE_TIME_BASED;
	oof->start_time = g_date_time_new (utc, 2026, 7, 1, 9, 0, 0);
	oof->end_time = g_date_time_new (utc, 2026, 7, 15, 18, 0, 0);
	for (int i = 0; i < EAS_OOF_AUDIENCE_COUNT; i++) {
		oof->messages[i].present = TRUE;
		oof->messages[i].enabled = i != EAS_OOF_EXTERNAL_UNKNOWN;
		oof->messages[i].reply_message = i == EAS_OOF_EXTERNAL_UNKNOWN ? NULL : g_strdup_printf ("msg %d", i);
		oof->messages[i].body_type = i == EAS_OOF_EXTERNAL_KNOWN ? EAS_OOF_BODY_HTML : EAS_OOF_BODY_TEXT;
	}
	info.model = (char *) "Tungsten T3";
	info.imei = (char *) "0";
	info.mobile_operator = (char *) "none";
	info.has_enable_outbound_sms = TRUE;
	info.enable_outbound_sms = TRUE;
	q.oof_set = oof;
	q.device_password = (char *) "";
	q.device_information = &info;
	q.user_information_get = TRUE;
	q.rights_management_get = TRUE;

	g_autoptr (EasSettingsRequest) back = roundtrip (141, &q);
	g_assert_false (back->oof_get);
	g_assert_nonnull (back->oof_set);
	g_assert_cmpint (back->oof_set->state, ==, EAS_OOF_STATE_TIME_BASED);
	g_assert_true (g_date_time_equal (back->oof_set->start_time, oof->start_time));
	g_assert_true (g_date_time_equal (back->oof_set->end_time, oof->end_time));
	for (int i = 0; i < EAS_OOF_AUDIENCE_COUNT; i++) {
		g_assert_true (back->oof_set->messages[i].present);
		g_assert_cmpint (back->oof_set->messages[i].enabled, ==, oof->messages[i].enabled);
		g_assert_cmpstr (back->oof_set->messages[i].reply_message, ==, oof->messages[i].reply_message);
		if (oof->messages[i].reply_message != NULL)
			g_assert_cmpint (back->oof_set->messages[i].body_type, ==, oof->messages[i].body_type);
	}
	g_assert_cmpstr (back->device_password, ==, "");
	g_assert_cmpstr (back->device_information->model, ==, "Tungsten T3");
	g_assert_cmpstr (back->device_information->imei, ==, "0");
	g_assert_cmpstr (back->device_information->mobile_operator, ==, "none");
	g_assert_null (back->device_information->os);
	g_assert_true (back->device_information->enable_outbound_sms);
	g_assert_true (back->user_information_get);
	g_assert_true (back->rights_management_get);

	/* 14.0 has no RightsManagementInformation: left out. */
	g_autoptr (EasSettingsRequest) old = roundtrip (140, &q);
	g_assert_false (old->rights_management_get);

	/* Oof Get with its body type; a password. */
	EasSettingsRequest g = { 0 };
	g.oof_get = TRUE;
	g.oof_get_body_type = EAS_OOF_BODY_HTML;
	g.device_password = (char *) "s3cret";
	g_autoptr (EasSettingsRequest) gb = roundtrip (121, &g);
	g_assert_true (gb->oof_get);
	g_assert_cmpint (gb->oof_get_body_type, ==, EAS_OOF_BODY_HTML);
	g_assert_cmpstr (gb->device_password, ==, "s3cret");
	g_assert_null (gb->oof_set);
}

static EasSettingsResult *
result_of (EasVersion version, const EasSettingsResponse *r)
{
	g_autoptr (GBytes) doc = eas_settings_encode_response (version, r);
	g_autoptr (GError) error = NULL;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (doc, &len);
	EasSettingsResult *res = eas_settings_response_decode (data, len, NULL, &error);

	g_assert_no_error (error);
	g_assert_nonnull (res);
	return res;
}

static void
test_client_response_roundtrip (void)
{
	static const char *addrs[] = { "jo@example.org", "jd@example.org", NULL };
	g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
	g_autoptr (EasOofSettings) oof = eas_oof_settings_new ();
	EasSettingsResponse r = { 0 };

	oof->has_state = TRUE;
	oof->state = EAS_OOF_STATE_TIME_BASED;
	oof->start_time = g_date_time_new (utc, 2026, 8, 3, 0, 0, 0);
	oof->end_time = g_date_time_new (utc, 2026, 8, 21, 0, 0, 0);
	oof->messages[EAS_OOF_INTERNAL].present = TRUE;
	oof->messages[EAS_OOF_INTERNAL].enabled = TRUE;
	oof->messages[EAS_OOF_INTERNAL].reply_message = g_strdup ("On leave");
	r.status = 1;
	r.oof_status = 1;
	r.oof_get = oof;
	r.device_information_status = 1;
	r.device_password_status = 7;
	r.user_information_status = 1;
	r.email_addresses = addrs;
	r.display_name = "Jo Doe";
	r.rights_management_status = 1;

	for (EasVersion v = 140; v <= 141; v++) {
		g_autoptr (EasSettingsResult) res = result_of (v, &r);
		g_assert_cmpuint (res->status, ==, 1);
		g_assert_cmpuint (res->oof_status, ==, 1);
		g_assert_cmpuint (res->device_information_status, ==, 1);
		g_assert_cmpuint (res->device_password_status, ==, 7);
		g_assert_cmpuint (res->user_information_status, ==, 1);
		g_assert_cmpuint (res->rights_management_status, ==, v >= 141 ? 1 : 0);
		/* Primary first, listed once, in both forms. */
		g_assert_cmpstrv (res->email_addresses, addrs);
		g_assert_cmpstr (res->display_name, ==, v >= 141 ? "Jo Doe" : NULL);
		g_assert_nonnull (res->oof);
		g_assert_cmpint (res->oof->state, ==, EAS_OOF_STATE_TIME_BASED);
		g_assert_true (g_date_time_equal (res->oof->end_time, oof->end_time));
		g_assert_cmpstr (res->oof->messages[EAS_OOF_INTERNAL].reply_message, ==, "On leave");
		g_assert_false (res->oof->messages[EAS_OOF_EXTERNAL_KNOWN].present);
	}
}

static void
test_client_response_limits (void)
{
	GString *xml = g_string_new ("<Settings><Status>1</Status><UserInformation><Status>1</Status><Get><EmailAddresses>");

	for (int i = 0; i < EAS_SETTINGS_MAX_ADDRESSES; i++)
		g_string_append_printf (xml, "<SmtpAddress>u%d@example.org</SmtpAddress>", i);
	g_autofree char *at = g_strconcat (xml->str, "</EmailAddresses></Get></UserInformation></Settings>", NULL);
	g_string_append (xml, "<SmtpAddress>one@too.many</SmtpAddress>");
	g_autofree char *over = g_strconcat (xml->str, "</EmailAddresses></Get></UserInformation></Settings>", NULL);
	g_string_free (xml, TRUE);

	static const char *bad[] = {
		"<Settings/>",
		"<Settings><Status>0</Status></Settings>",
		"<Settings><Status>1</Status><Oof/></Settings>",
		"<Settings><Status>1</Status><Oof><Status>1</Status><Get><OofState>9</OofState></Get></Oof></Settings>",
		"<Provision:Provision><Provision:Status>1</Provision:Status></Provision:Provision>",
	};
	const char *docs[G_N_ELEMENTS (bad) + 2] = { at, over };
	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
		docs[i + 2] = bad[i];

	for (gsize i = 0; i < G_N_ELEMENTS (docs); i++) {
		g_autoptr (GBytes) doc = test_eas_doc ("Settings", docs[i]);
		g_autoptr (GError) error = NULL;
		gsize len = 0;
		const guint8 *data = g_bytes_get_data (doc, &len);
		g_autoptr (EasSettingsResult) res = eas_settings_response_decode (data, len, NULL, &error);

		if (i == 0) {
			g_assert_no_error (error);
			g_assert_cmpuint (g_strv_length (res->email_addresses), ==, EAS_SETTINGS_MAX_ADDRESSES);
		} else {
			g_assert_null (res);
			g_assert_true (error != NULL && error->domain == EAS_SETTINGS_ERROR);
		}
	}
}

static void
test_client_response_fixture (gconstpointer via_xml)
{
	/* libwbxml's 005 puts Status under DeviceInformation/Set: not the
	 * response shape of [MS-ASCMD] 2.2.3.47.2. */
	g_autoptr (GBytes) doc = test_eas_libwbxml_fixture ("activesync-005-settings_status", via_xml != NULL);
	g_autoptr (GError) error = NULL;
	gsize len = 0;

	if (doc == NULL)
		return;
	const guint8 *data = g_bytes_get_data (doc, &len);
	g_autoptr (EasSettingsResult) res = eas_settings_response_decode (data, len, NULL, &error);
	g_assert_null (res);
	g_assert_error (error, EAS_SETTINGS_ERROR, EAS_SETTINGS_ERROR_MALFORMED);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/settings/client/request-roundtrip", test_client_request_roundtrip);
	g_test_add_func ("/settings/client/response-roundtrip", test_client_response_roundtrip);
	g_test_add_func ("/settings/client/response-limits", test_client_response_limits);
	g_test_add_data_func ("/settings/client/response-fixture/libwbxml-encoded", NULL, test_client_response_fixture);
	g_test_add_data_func ("/settings/client/response-fixture/from-xml", "xml", test_client_response_fixture);
	g_test_add_data_func ("/settings/fixture/libwbxml-encoded/device-information", NULL, test_fixture_device_information);
	g_test_add_data_func ("/settings/fixture/libwbxml-encoded/invalid-documents", NULL, test_fixture_invalid_documents);
	g_test_add_data_func ("/settings/fixture/from-xml/device-information", "xml", test_fixture_device_information);
	g_test_add_data_func ("/settings/fixture/from-xml/invalid-documents", "xml", test_fixture_invalid_documents);
	g_test_add_func ("/settings/device-information/fields", test_device_information_fields);
	g_test_add_func ("/settings/device-information/limit", test_device_information_limit);
	g_test_add_func ("/settings/oof/get", test_oof_get);
	g_test_add_func ("/settings/oof/set", test_oof_set);
	g_test_add_func ("/settings/oof/set-invalid", test_oof_set_invalid);
	g_test_add_func ("/settings/oof/reply-limit", test_oof_reply_limit);
	g_test_add_func ("/settings/device-password", test_device_password);
	g_test_add_func ("/settings/user-information-and-rights", test_user_information_and_rights);
	g_test_add_func ("/settings/structure", test_structure);
	g_test_add_func ("/settings/response/user-information", test_response_user_information);
	g_test_add_func ("/settings/response/oof", test_response_oof);
	g_test_add_func ("/settings/response/rights-management", test_response_rights_management);
	g_test_add_func ("/settings/response/libwbxml-oracle", test_response_libwbxml_oracle);

	return g_test_run ();
}
