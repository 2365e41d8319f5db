/* test-contact.c — contact model ⇄ ApplicationData ⇄ vCard, and the merge. */
#include "config.h"

#include <string.h>

#include "eas/eas-contact.h"
#include "tests/eas/pim-test-util.h"

#define NS "xmlns=\"AirSync:\" xmlns:c=\"Contacts:\" xmlns:c2=\"Contacts2:\" xmlns:b=\"AirSyncBase:\""

static EasContact *
decode_xml (const char *xml, EasVersion version, GError **error)
{
	g_autoptr(EasNode) root = pim_test_parse_xml (xml);

	return eas_contact_decode (root, version, error);
}

/* Encodes for version and parses the result back into a tree. */
static EasNode *
encode_tree (const EasContact *c, EasVersion version)
{
	g_autoptr(EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_contact_encode (w, c, version);
	eas_wbxml_writer_end (w);
	return pim_test_finish_and_parse (w);
}

static const char *full_xml =
	"<ApplicationData " NS ">"
	"<c:FirstName>Jane</c:FirstName><c:LastName>Doe</c:LastName>"
	"<c:MiddleName>Q</c:MiddleName><c:Title>Dr.</c:Title><c:Suffix>Jr.</c:Suffix>"
	"<c:FileAs>Doe, Jane</c:FileAs>"
	"<c:CompanyName>ACME; Inc.</c:CompanyName><c:Department>R&amp;D</c:Department>"
	"<c:JobTitle>Engineer</c:JobTitle><c:OfficeLocation>B2</c:OfficeLocation>"
	"<c:Email1Address>jane@acme.example</c:Email1Address>"
	"<c:Email2Address>\"Jane\" &lt;jane@home.example&gt;</c:Email2Address>"
	"<c:Email3Address>j@x.example</c:Email3Address>"
	"<c:BusinessPhoneNumber>+1 555 0100</c:BusinessPhoneNumber>"
	"<c:Business2PhoneNumber>+1 555 0101</c:Business2PhoneNumber>"
	"<c:HomePhoneNumber>+1 555 0200</c:HomePhoneNumber>"
	"<c:Home2PhoneNumber>+1 555 0201</c:Home2PhoneNumber>"
	"<c:MobilePhoneNumber>+1 555 0300</c:MobilePhoneNumber>"
	"<c:BusinessFaxNumber>+1 555 0400</c:BusinessFaxNumber>"
	"<c:HomeFaxNumber>+1 555 0401</c:HomeFaxNumber>"
	"<c:CarPhoneNumber>+1 555 0500</c:CarPhoneNumber>"
	"<c:PagerNumber>+1 555 0600</c:PagerNumber>"
	"<c:RadioPhoneNumber>+1 555 0700</c:RadioPhoneNumber>"
	"<c:AssistantPhoneNumber>+1 555 0800</c:AssistantPhoneNumber>"
	"<c:AssistantName>Igor</c:AssistantName><c:Spouse>John</c:Spouse>"
	"<c:BusinessAddressStreet>1 Main St\nFloor 2</c:BusinessAddressStreet>"
	"<c:BusinessAddressCity>Springfield</c:BusinessAddressCity>"
	"<c:BusinessAddressState>IL</c:BusinessAddressState>"
	"<c:BusinessAddressPostalCode>62701</c:BusinessAddressPostalCode>"
	"<c:BusinessAddressCountry>USA</c:BusinessAddressCountry>"
	"<c:HomeAddressStreet>2 Elm St</c:HomeAddressStreet><c:HomeAddressCity>Shelbyville</c:HomeAddressCity>"
	"<c:OtherAddressCity>Capital City</c:OtherAddressCity>"
	"<c:WebPage>https://jane.example</c:WebPage>"
	"<c:Birthday>1980-01-02T12:00:00.000Z</c:Birthday>"
	"<c:Anniversary>2005-06-07T12:00:00.000Z</c:Anniversary>"
	"<c:YomiFirstName>Jeen</c:YomiFirstName><c:YomiLastName>Dou</c:YomiLastName>"
	"<c:YomiCompanyName>Akme</c:YomiCompanyName>"
	"<c:Categories><c:Category>Work</c:Category><c:Category>VIP, gold</c:Category></c:Categories>"
	"<c:Children><c:Child>Tim</c:Child><c:Child>Ann</c:Child></c:Children>"
	"<c:Picture>/9j/4AAQSkZJRg==</c:Picture>"
	"<c:Alias>jdoe</c:Alias><c:WeightedRank>5</c:WeightedRank>"
	"<c2:CustomerId>C-1</c2:CustomerId><c2:GovernmentId>G-2</c2:GovernmentId>"
	"<c2:IMAddress>xmpp:jane@im.example</c2:IMAddress><c2:IMAddress2>sip:jane@sip.example</c2:IMAddress2>"
	"<c2:IMAddress3>aim:jane</c2:IMAddress3>"
	"<c2:ManagerName>Boss</c2:ManagerName><c2:CompanyMainPhone>+1 555 0000</c2:CompanyMainPhone>"
	"<c2:AccountName>acct</c2:AccountName><c2:NickName>JJ</c2:NickName><c2:MMS>+1 555 0300</c2:MMS>"
	"<b:Body><b:Type>1</b:Type><b:Data>Met at a conference.\nLikes tea.</b:Data></b:Body>"
	"</ApplicationData>";

static void
assert_lists_equal (const GPtrArray *a, const GPtrArray *b)
{
	g_assert_cmpint (a == NULL, ==, b == NULL);
	if (a == NULL)
		return;
	g_assert_cmpuint (a->len, ==, b->len);
	for (guint i = 0; i < a->len; i++)
		g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

static void
assert_contacts_equal (const EasContact *a, const EasContact *b, gboolean with_file_as)
{
	for (guint f = 0; f < EAS_CONTACT_N_FIELDS; f++) {
		if (f == EAS_CONTACT_FILE_AS && !with_file_as)
			continue;
		if (g_strcmp0 (a->fields[f], b->fields[f]) != 0)
			g_error ("field %s: \"%s\" vs \"%s\"", eas_tag_name (eas_contact_field_tag (f)),
			         a->fields[f], b->fields[f]);
	}
	assert_lists_equal (a->categories, b->categories);
	assert_lists_equal (a->children, b->children);
	g_assert_cmpstr (a->body, ==, b->body);
}

/* Every element decodes, and every field survives model → vCard text →
 * model. */
static void
test_vcard_roundtrip (void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(EasContact) c = decode_xml (full_xml, 161, &error);
	g_autoptr(EasVCard) card = NULL;
	g_autoptr(EasVCard) parsed = NULL;
	g_autoptr(EasContact) back = NULL;
	g_autofree char *text = NULL;

	g_assert_no_error (error);
	/* Every field is set except these address parts. */
	for (guint f = 0; f < EAS_CONTACT_N_FIELDS; f++) {
		static const EasContactField unset[] = {
			EAS_CONTACT_HOME_ADDRESS_COUNTRY, EAS_CONTACT_HOME_ADDRESS_POSTAL_CODE,
			EAS_CONTACT_HOME_ADDRESS_STATE, EAS_CONTACT_OTHER_ADDRESS_COUNTRY,
			EAS_CONTACT_OTHER_ADDRESS_POSTAL_CODE, EAS_CONTACT_OTHER_ADDRESS_STATE,
			EAS_CONTACT_OTHER_ADDRESS_STREET,
		};
		gboolean expect_unset = FALSE;

		for (guint i = 0; i < G_N_ELEMENTS (unset); i++)
			expect_unset |= unset[i] == f;
		if ((c->fields[f] == NULL) != expect_unset)
			g_error ("field %s set: %d", eas_tag_name (eas_contact_field_tag (f)), c->fields[f] != NULL);
	}
	g_assert_cmpuint (c->categories->len, ==, 2);
	g_assert_cmpstr (c->body, ==, "Met at a conference.\nLikes tea.");

	card = eas_contact_to_vcard (c);
	text = eas_vcard_to_string (card);
	parsed = eas_vcard_parse (text, strlen (text), NULL, &error);
	g_assert_no_error (error);
	back = eas_contact_from_vcard (parsed);
	assert_contacts_equal (c, back, TRUE);

	/* The vCard speaks vCard: N, ORG, typed TEL/ADR, BDAY as a date. */
	g_assert_cmpstr (eas_vcard_get (parsed, "N")->value, ==, "Doe;Jane;Q;Dr.;Jr.");
	g_assert_cmpstr (eas_vcard_get (parsed, "ORG")->value, ==, "ACME\\; Inc.;R&D");
	g_assert_cmpstr (eas_vcard_get (parsed, "BDAY")->value, ==, "19800102");
	g_assert_true (g_str_has_prefix (eas_vcard_get (parsed, "PHOTO")->value, "data:image/jpeg;base64,"));
}

/* Encoding per version: only that version's elements, and its body form. */
static void
test_encode_versions (void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(EasContact) c = decode_xml (full_xml, 161, &error);
	g_autoptr(EasNode) v25 = NULL;
	g_autoptr(EasNode) v141 = NULL;
	g_autoptr(EasContact) back25 = NULL;
	g_autoptr(EasContact) back141 = NULL;

	g_assert_no_error (error);
	v25 = encode_tree (c, 25);
	g_assert_null (eas_node_child (v25, EAS_CONTACTS_ALIAS));
	g_assert_null (eas_node_child (v25, EAS_CONTACTS_WEIGHTED_RANK));
	g_assert_null (eas_node_child (v25, EAS_AIRSYNCBASE_BODY));
	g_assert_cmpstr (eas_node_child_text (v25, EAS_CONTACTS_BODY), ==, c->body);
	g_assert_nonnull (eas_node_child (v25, EAS_CONTACTS2_NICK_NAME));
	back25 = eas_contact_decode (v25, 25, &error);
	g_assert_no_error (error);
	g_assert_null (back25->fields[EAS_CONTACT_ALIAS]);
	g_assert_cmpstr (back25->fields[EAS_CONTACT_PICTURE], ==, c->fields[EAS_CONTACT_PICTURE]);

	v141 = encode_tree (c, 141);
	g_assert_cmpstr (eas_node_child_text (v141, EAS_CONTACTS_ALIAS), ==, "jdoe");
	g_assert_null (eas_node_child (v141, EAS_CONTACTS_BODY));
	g_assert_nonnull (eas_node_path (v141, EAS_AIRSYNCBASE_BODY, EAS_AIRSYNCBASE_DATA, 0));
	back141 = eas_contact_decode (v141, 141, &error);
	g_assert_no_error (error);
	assert_contacts_equal (c, back141, TRUE);

	/* A 12.1 device's Alias is not an element of its version: ignored. */
	{
		g_autoptr(EasContact) old = eas_contact_decode (v141, 121, &error);
		g_assert_no_error (error);
		g_assert_null (old->fields[EAS_CONTACT_ALIAS]);
		g_assert_cmpstr (old->fields[EAS_CONTACT_FIRST_NAME], ==, "Jane");
	}
}

static void
decode_fails (const char *body, EasVersion version, int code)
{
	g_autofree char *xml = g_strdup_printf ("<ApplicationData " NS ">%s</ApplicationData>", body);
	g_autoptr(GError) error = NULL;
	g_autoptr(EasContact) c = decode_xml (xml, version, &error);

	g_assert_null (c);
	g_assert_error (error, EAS_PIM_ERROR, code);
}

static void
decode_ok (const char *body, EasVersion version)
{
	g_autofree char *xml = g_strdup_printf ("<ApplicationData " NS ">%s</ApplicationData>", body);
	g_autoptr(GError) error = NULL;
	g_autoptr(EasContact) c = decode_xml (xml, version, &error);

	g_assert_no_error (error);
	g_assert_nonnull (c);
}

static char *
repeat (const char *open, const char *item, const char *close, guint n)
{
	GString *s = g_string_new (open);

	for (guint i = 0; i < n; i++)
		g_string_append (s, item);
	g_string_append (s, close);
	return g_string_free (s, FALSE);
}

static void
test_decode_errors (void)
{
	g_autofree char *pic_ok = NULL;
	g_autofree char *pic_big = NULL;
	g_autofree char *cat_ok = repeat ("<c:Categories>", "<c:Category>x</c:Category>", "</c:Categories>", 300);
	g_autofree char *cat_big = repeat ("<c:Categories>", "<c:Category>x</c:Category>", "</c:Categories>", 301);
	g_autofree char *kid_ok = repeat ("<c:Children>", "<c:Child>x</c:Child>", "</c:Children>", 300);
	g_autofree char *kid_big = repeat ("<c:Children>", "<c:Child>x</c:Child>", "</c:Children>", 301);
	g_autofree char *a = g_strnfill (EAS_PIM_MAX_PICTURE_BASE64, 'A');
	g_autofree char *b = g_strnfill (EAS_PIM_MAX_PICTURE_BASE64 + 1, 'A');

	pic_ok = g_strdup_printf ("<c:Picture>%s</c:Picture>", a);
	pic_big = g_strdup_printf ("<c:Picture>%s</c:Picture>", b);
	decode_ok (pic_ok, 141);
	decode_fails (pic_big, 141, EAS_PIM_ERROR_PICTURE_TOO_LARGE);
	decode_ok (cat_ok, 141);
	decode_fails (cat_big, 141, EAS_PIM_ERROR_LIMIT);
	decode_ok (kid_ok, 141);
	decode_fails (kid_big, 141, EAS_PIM_ERROR_LIMIT);
	decode_fails ("<c:Birthday>1980-02-30T00:00:00.000Z</c:Birthday>", 141, EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<c:Birthday>28/09/1889T00:00:00.000Z</c:Birthday>", 141, EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<c:Anniversary>yesterday</c:Anniversary>", 141, EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<c:FirstName>a</c:FirstName><c:FirstName>b</c:FirstName>", 141, EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<c:FirstName><c:LastName>x</c:LastName></c:FirstName>", 141, EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<b:Body><b:Type>9</b:Type></b:Body>", 141, EAS_PIM_ERROR_MALFORMED);
}

/* ---- The merge ---------------------------------------------------------- */

static const char *stored_text =
	"BEGIN:VCARD\r\n"
	"VERSION:4.0\r\n"
	"FN:Jane Doe\r\n"
	"N:Doe;Jane;;;\r\n"
	"EMAIL;TYPE=work;PREF=1:jane@acme.example\r\n"
	"EMAIL;TYPE=home:jane@home.example\r\n"
	"EMAIL;TYPE=x-school:jane@uni.example\r\n"
	"EMAIL;TYPE=x-old:jane@old.example\r\n"
	"EMAIL;TYPE=x-list:jane@list.example\r\n"
	"TEL;TYPE=work,voice:+1 555 0100\r\n"
	"TEL;TYPE=work,voice:+1 555 0101\r\n"
	"TEL;TYPE=cell:+1 555 0300\r\n"
	"ADR;TYPE=home:;;2 Elm St;Shelbyville;;;USA\r\n"
	"X-ALIAS:jdoe\r\n"
	"GEO:geo:37.386013\\,-122.082932\r\n"
	"X-CUSTOM;X-FOO=bar:kept\r\n"
	"NOTE:old note\r\n"
	"END:VCARD\r\n";

static EasVCard *
stored_card (void)
{
	g_autoptr(GError) error = NULL;
	EasVCard *card = eas_vcard_parse (stored_text, strlen (stored_text), NULL, &error);

	g_assert_no_error (error);
	return card;
}

static EasVCardProperty *
nth_prop (const EasVCard *card, const char *name, guint n)
{
	for (guint i = 0; i < card->properties->len; i++) {
		EasVCardProperty *p = g_ptr_array_index (card->properties, i);

		if (g_ascii_strcasecmp (p->name, name) == 0 && n-- == 0)
			return p;
	}
	return NULL;
}

static guint
count_props (const EasVCard *card, const char *name)
{
	guint n = 0;

	while (nth_prop (card, name, n) != NULL)
		n++;
	return n;
}

static void
assert_email (const EasVCard *card, guint n, const char *value, const char *type)
{
	EasVCardProperty *p = nth_prop (card, "EMAIL", n);

	g_assert_nonnull (p);
	g_assert_cmpstr (p->value, ==, value);
	if (type != NULL)
		g_assert_true (eas_vcard_property_has_type (p, type));
	else
		g_assert_false (eas_vcard_property_has_type (p, "work") ||
		                eas_vcard_property_has_type (p, "home") ||
		                eas_vcard_property_has_type (p, "x-school"));
}

/* What a device sees of the stored card: it sends it back unchanged (as a
 * Change, in its own "Name <addr>" form): nothing is lost. */
static void
test_merge_unchanged (void)
{
	g_autoptr(EasVCard) stored = stored_card ();
	g_autoptr(EasContact) seen = eas_contact_from_vcard (stored);
	g_autoptr(EasVCard) merged = NULL;
	g_autofree char *a = NULL;
	g_autofree char *b = NULL;

	g_assert_cmpstr (seen->fields[EAS_CONTACT_EMAIL3_ADDRESS], ==, "jane@uni.example");
	g_free (seen->fields[EAS_CONTACT_EMAIL1_ADDRESS]);
	seen->fields[EAS_CONTACT_EMAIL1_ADDRESS] = g_strdup ("\"Jane Doe\" <Jane@ACME.example>");
	g_free (seen->fields[EAS_CONTACT_BUSINESS_PHONE_NUMBER]);
	seen->fields[EAS_CONTACT_BUSINESS_PHONE_NUMBER] = g_strdup ("+15550100");
	merged = eas_contact_merge (stored, seen, 141, NULL, 0);
	a = eas_vcard_to_string (stored);
	b = eas_vcard_to_string (merged);
	g_assert_cmpstr (a, ==, b);
}

/* Rule: a changed Email2 gets the new value (and loses the old address's
 * type); Email1 and Email3 keep their types; the 4th and 5th addresses are
 * kept with their types. */
static void
test_merge_email_changed (void)
{
	g_autoptr(EasVCard) stored = stored_card ();
	g_autoptr(EasContact) change = eas_contact_new ();
	g_autoptr(EasVCard) merged = NULL;

	change->fields[EAS_CONTACT_EMAIL1_ADDRESS] = g_strdup ("jane@acme.example");
	change->fields[EAS_CONTACT_EMAIL2_ADDRESS] = g_strdup ("jane@new.example");
	change->fields[EAS_CONTACT_EMAIL3_ADDRESS] = g_strdup ("jane@uni.example");
	merged = eas_contact_merge (stored, change, 141, NULL, 0);
	g_assert_cmpuint (count_props (merged, "EMAIL"), ==, 5);
	assert_email (merged, 0, "jane@acme.example", "work");
	g_assert_cmpstr (eas_vcard_property_get_param (nth_prop (merged, "EMAIL", 0), "PREF"), ==, "1");
	assert_email (merged, 1, "jane@new.example", NULL);
	assert_email (merged, 2, "jane@uni.example", "x-school");
	assert_email (merged, 3, "jane@old.example", "x-old");
	assert_email (merged, 4, "jane@list.example", "x-list");
}

/* Rule: an element sent empty clears; the addresses beyond the third stay. */
static void
test_merge_email_cleared (void)
{
	g_autoptr(EasVCard) stored = stored_card ();
	g_autoptr(EasContact) change = eas_contact_new ();
	g_autoptr(EasVCard) merged = NULL;

	change->fields[EAS_CONTACT_EMAIL3_ADDRESS] = g_strdup ("");
	merged = eas_contact_merge (stored, change, 141, NULL, 0);
	g_assert_cmpuint (count_props (merged, "EMAIL"), ==, 4);
	assert_email (merged, 0, "jane@acme.example", "work");
	assert_email (merged, 1, "jane@home.example", "home");
	assert_email (merged, 2, "jane@old.example", "x-old");
	assert_email (merged, 3, "jane@list.example", "x-list");
}

/* Rule: absent + declared Supported = cleared; absent + not Supported =
 * untouched (ghosted). */
static void
test_merge_supported (void)
{
	g_autoptr(EasVCard) stored = stored_card ();
	g_autoptr(EasContact) change = eas_contact_new ();
	g_autoptr(EasVCard) ghosted = NULL;
	g_autoptr(EasVCard) cleared = NULL;
	const EasTag supported[] = {
		EAS_CONTACTS_EMAIL2_ADDRESS, EAS_CONTACTS_MOBILE_PHONE_NUMBER,
		EAS_CONTACTS_HOME_ADDRESS_CITY, EAS_AIRSYNCBASE_BODY,
	};

	change->fields[EAS_CONTACT_FIRST_NAME] = g_strdup ("Janet");
	ghosted = eas_contact_merge (stored, change, 141, NULL, 0);
	g_assert_cmpuint (count_props (ghosted, "EMAIL"), ==, 5);
	g_assert_nonnull (eas_vcard_get (ghosted, "NOTE"));
	g_assert_cmpstr (eas_vcard_get (ghosted, "N")->value, ==, "Doe;Janet;;;");
	g_assert_cmpuint (count_props (ghosted, "TEL"), ==, 3);

	cleared = eas_contact_merge (stored, change, 141, supported, G_N_ELEMENTS (supported));
	g_assert_cmpuint (count_props (cleared, "EMAIL"), ==, 4);
	assert_email (cleared, 1, "jane@uni.example", "x-school");
	g_assert_cmpuint (count_props (cleared, "TEL"), ==, 2);
	g_assert_null (eas_vcard_get (cleared, "NOTE"));
	/* Only the city of the home address is gone. */
	g_assert_cmpstr (eas_vcard_get (cleared, "ADR")->value, ==, ";;2 Elm St;;;;USA");
	/* Not listed: untouched. */
	g_assert_cmpuint (count_props (cleared, "EMAIL"), ==, 4);
	assert_email (cleared, 0, "jane@acme.example", "work");
	g_assert_cmpstr (nth_prop (cleared, "TEL", 0)->value, ==, "+1 555 0100");
}

/* Rule: fields outside the device's version (Alias is 14.0+) and fields
 * EAS has no element for (GEO, X-CUSTOM) survive even a device that
 * declares everything it knows as Supported. */
static void
test_merge_outside_version (void)
{
	g_autoptr(EasVCard) stored = stored_card ();
	g_autoptr(EasContact) change = eas_contact_new ();
	g_autoptr(EasVCard) merged = NULL;
	g_autoptr(GArray) supported = g_array_new (FALSE, FALSE, sizeof (EasTag));

	for (guint f = 0; f < EAS_CONTACT_N_FIELDS; f++) {
		EasTag t = eas_contact_field_tag (f);
		g_array_append_val (supported, t);
	}
	change->fields[EAS_CONTACT_LAST_NAME] = g_strdup ("Roe");
	merged = eas_contact_merge (stored, change, 121, (EasTag *) supported->data, supported->len);
	g_assert_cmpstr (eas_vcard_get (merged, "X-ALIAS")->value, ==, "jdoe");
	g_assert_nonnull (eas_vcard_get (merged, "GEO"));
	g_assert_cmpstr (eas_vcard_property_get_param (eas_vcard_get (merged, "X-CUSTOM"), "X-FOO"), ==, "bar");
	/* Everything of 12.1 the device left out was cleared … */
	g_assert_cmpuint (count_props (merged, "TEL"), ==, 0);
	g_assert_null (eas_vcard_get (merged, "ADR"));
	/* … but the emails beyond its three, with their types, stay. */
	g_assert_cmpuint (count_props (merged, "EMAIL"), ==, 2);
	assert_email (merged, 0, "jane@old.example", "x-old");
	assert_email (merged, 1, "jane@list.example", "x-list");
	g_assert_cmpstr (eas_vcard_get (merged, "N")->value, ==, "Roe;;;;");
	/* The same change from a 14.1 device clears Alias too. */
	{
		g_autoptr(EasVCard) v141 = eas_contact_merge (stored, change, 141, (EasTag *) supported->data, supported->len);
		g_assert_null (eas_vcard_get (v141, "X-ALIAS"));
	}
}

/* Clearing Business while changing Business2 hits the right phones. */
static void
test_merge_phone_slots (void)
{
	g_autoptr(EasVCard) stored = stored_card ();
	g_autoptr(EasContact) change = eas_contact_new ();
	g_autoptr(EasVCard) merged = NULL;
	g_autoptr(EasContact) seen = NULL;

	change->fields[EAS_CONTACT_BUSINESS_PHONE_NUMBER] = g_strdup ("");
	change->fields[EAS_CONTACT_BUSINESS2_PHONE_NUMBER] = g_strdup ("+1 555 0199");
	change->fields[EAS_CONTACT_HOME_PHONE_NUMBER] = g_strdup ("+1 555 0222");
	merged = eas_contact_merge (stored, change, 141, NULL, 0);
	seen = eas_contact_from_vcard (merged);
	g_assert_cmpstr (seen->fields[EAS_CONTACT_BUSINESS_PHONE_NUMBER], ==, "+1 555 0199");
	g_assert_null (seen->fields[EAS_CONTACT_BUSINESS2_PHONE_NUMBER]);
	g_assert_cmpstr (seen->fields[EAS_CONTACT_HOME_PHONE_NUMBER], ==, "+1 555 0222");
	g_assert_cmpstr (seen->fields[EAS_CONTACT_MOBILE_PHONE_NUMBER], ==, "+1 555 0300");
}

/* A new contact (Add): FN is made up when FileAs is absent. */
static void
test_merge_new (void)
{
	g_autoptr(EasContact) change = eas_contact_new ();
	g_autoptr(EasVCard) card = NULL;

	change->fields[EAS_CONTACT_FIRST_NAME] = g_strdup ("Ann");
	change->fields[EAS_CONTACT_LAST_NAME] = g_strdup ("Lee");
	card = eas_contact_merge (NULL, change, 141, NULL, 0);
	g_assert_cmpstr (card->version, ==, "4.0");
	g_assert_cmpstr (eas_vcard_get (card, "FN")->value, ==, "Ann Lee");
	g_assert_cmpstr (eas_vcard_get (card, "N")->value, ==, "Lee;Ann;;;");
}

/* Lists follow the same rules: sent replaces, sent empty clears, absent
 * and Supported clears, absent and not Supported stays. */
static void
test_merge_lists (void)
{
	g_autoptr(EasVCard) stored = stored_card ();
	g_autoptr(EasContact) change = eas_contact_new ();
	g_autoptr(EasVCard) with_lists = NULL;
	g_autoptr(EasVCard) kept = NULL;
	g_autoptr(EasVCard) cleared = NULL;
	g_autoptr(EasContact) seen = NULL;
	const EasTag supported[] = { EAS_CONTACTS_CATEGORIES };

	change->categories = g_ptr_array_new_with_free_func (g_free);
	g_ptr_array_add (change->categories, g_strdup ("Friends, close"));
	change->children = g_ptr_array_new_with_free_func (g_free);
	g_ptr_array_add (change->children, g_strdup ("Tim"));
	with_lists = eas_contact_merge (stored, change, 141, NULL, 0);
	seen = eas_contact_from_vcard (with_lists);
	g_assert_cmpuint (seen->categories->len, ==, 1);
	g_assert_cmpstr (g_ptr_array_index (seen->categories, 0), ==, "Friends, close");
	g_assert_cmpstr (g_ptr_array_index (seen->children, 0), ==, "Tim");

	g_clear_pointer (&change->categories, g_ptr_array_unref);
	g_clear_pointer (&change->children, g_ptr_array_unref);
	kept = eas_contact_merge (with_lists, change, 141, NULL, 0);
	g_assert_nonnull (eas_vcard_get (kept, "CATEGORIES"));
	g_assert_nonnull (eas_vcard_get (kept, "RELATED"));
	cleared = eas_contact_merge (with_lists, change, 141, supported, G_N_ELEMENTS (supported));
	g_assert_null (eas_vcard_get (cleared, "CATEGORIES"));
	g_assert_nonnull (eas_vcard_get (cleared, "RELATED"));
}

/* A stored vCard 3.0 stays 3.0, with a 3.0-style PHOTO. */
static void
test_merge_v3 (void)
{
	const char *v3 = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nN:A;;;;\r\nEND:VCARD\r\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(EasVCard) stored = eas_vcard_parse (v3, strlen (v3), NULL, &error);
	g_autoptr(EasContact) change = eas_contact_new ();
	g_autoptr(EasVCard) merged = NULL;
	g_autoptr(EasContact) seen = NULL;
	EasVCardProperty *photo;

	g_assert_no_error (error);
	change->fields[EAS_CONTACT_PICTURE] = g_strdup ("iVBORw0KGgo=");
	merged = eas_contact_merge (stored, change, 141, NULL, 0);
	g_assert_cmpstr (merged->version, ==, "3.0");
	photo = eas_vcard_get (merged, "PHOTO");
	g_assert_cmpstr (photo->value, ==, "iVBORw0KGgo=");
	g_assert_cmpstr (eas_vcard_property_get_param (photo, "ENCODING"), ==, "b");
	g_assert_cmpstr (eas_vcard_property_get_param (photo, "TYPE"), ==, "png");
	seen = eas_contact_from_vcard (merged);
	g_assert_cmpstr (seen->fields[EAS_CONTACT_PICTURE], ==, "iVBORw0KGgo=");
}

/* Birthdays sent as local midnight east of UTC keep their day. */
static void
test_birthday_zones (void)
{
	g_autoptr(EasContact) c = eas_contact_new ();
	g_autoptr(EasVCard) card = NULL;

	c->fields[EAS_CONTACT_BIRTHDAY] = g_strdup ("1980-01-01T23:00:00.000Z");	/* Berlin */
	c->fields[EAS_CONTACT_ANNIVERSARY] = g_strdup ("2005-06-07T04:00:00.000Z");	/* New York */
	card = eas_contact_to_vcard (c);
	g_assert_cmpstr (eas_vcard_get (card, "BDAY")->value, ==, "19800102");
	g_assert_cmpstr (eas_vcard_get (card, "ANNIVERSARY")->value, ==, "20050607");
}

/* evolution-activesync's translator pairs: the XML and the vCard describe
 * the same contact. */
static void
test_fixtures (void)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	const char *names[] = { "businessAdr", "email_webPage", "mobile", "name", "note", "pagerNumber", "blank" };

	if (shared == NULL) {
		g_test_skip ("AIRDOCK_SHARED is not set: shared fixtures unavailable");
		return;
	}
	for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
		g_autofree char *dir = g_build_filename (shared, "fixtures/eas/evolution-activesync/TestData/Con_Info_Translator/_Request", NULL);
		g_autofree char *xml_name = g_strdup_printf ("XML_Data/_XML_info_translator_parse_request_%s.xml", names[i]);
		g_autofree char *vcf_name = g_strdup_printf ("VCard_Data/VCard_info_translator_parse_request_%s.txt", names[i]);
		g_autofree char *xml_path = g_build_filename (dir, xml_name, NULL);
		g_autofree char *vcf_path = g_build_filename (dir, vcf_name, NULL);
		g_autofree char *xml = NULL;
		g_autofree char *vcf = NULL;
		gsize vcf_len = 0;
		g_autoptr(GError) error = NULL;
		g_autoptr(EasContact) from_xml = NULL;
		g_autoptr(EasVCard) card = NULL;
		g_autoptr(EasContact) from_vcf = NULL;
		g_autoptr(EasVCard) ours = NULL;
		g_autoptr(EasContact) from_ours = NULL;
		g_autoptr(GString) s = NULL;

		if (!g_file_get_contents (xml_path, &xml, NULL, NULL) ||
		    !g_file_get_contents (vcf_path, &vcf, &vcf_len, NULL)) {
			g_test_skip ("fixture missing");
			return;
		}
		/* The fixtures use an undeclared airsyncbase prefix. */
		s = g_string_new (xml);
		g_string_replace (s, "<ApplicationData>", "<ApplicationData xmlns:airsyncbase=\"AirSyncBase:\">", 1);
		from_xml = decode_xml (s->str, 141, &error);
		g_assert_no_error (error);
		card = eas_vcard_parse (vcf, vcf_len, NULL, &error);
		g_assert_no_error (error);
		from_vcf = eas_contact_from_vcard (card);
		ours = eas_contact_to_vcard (from_xml);
		from_ours = eas_contact_from_vcard (ours);
		assert_contacts_equal (from_xml, from_vcf, FALSE);
		assert_contacts_equal (from_xml, from_ours, FALSE);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/contact/vcard/roundtrip", test_vcard_roundtrip);
	g_test_add_func ("/contact/vcard/birthday-zones", test_birthday_zones);
	g_test_add_func ("/contact/encode/versions", test_encode_versions);
	g_test_add_func ("/contact/decode/errors", test_decode_errors);
	g_test_add_func ("/contact/decode/fixtures", test_fixtures);
	g_test_add_func ("/contact/merge/unchanged", test_merge_unchanged);
	g_test_add_func ("/contact/merge/email-changed", test_merge_email_changed);
	g_test_add_func ("/contact/merge/email-cleared", test_merge_email_cleared);
	g_test_add_func ("/contact/merge/supported", test_merge_supported);
	g_test_add_func ("/contact/merge/outside-version", test_merge_outside_version);
	g_test_add_func ("/contact/merge/phone-slots", test_merge_phone_slots);
	g_test_add_func ("/contact/merge/new", test_merge_new);
	g_test_add_func ("/contact/merge/vcard-3.0", test_merge_v3);
	g_test_add_func ("/contact/merge/lists", test_merge_lists);
	return g_test_run ();
}
