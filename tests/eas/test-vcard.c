/* test-vcard.c — vCard parser and writer. */
#include "config.h"

#include <string.h>

#include "eas/eas-vcard.h"

static EasVCard *
parse_ok (const char *text)
{
	g_autoptr(GError) error = NULL;
	EasVCard *card = eas_vcard_parse (text, strlen (text), NULL, &error);

	g_assert_no_error (error);
	g_assert_nonnull (card);
	return card;
}

static void
parse_fails (const char *text, int code, const char *line_prefix)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(EasVCard) card = eas_vcard_parse (text, strlen (text), NULL, &error);

	g_assert_null (card);
	g_assert_error (error, EAS_VCARD_ERROR, code);
	if (line_prefix != NULL)
		g_assert_true (g_str_has_prefix (error->message, line_prefix));
}

static void
test_parse_30 (void)
{
	g_autoptr(EasVCard) card = parse_ok (
		"BEGIN:VCARD\r\n"
		"VERSION:3.0\r\n"
		"N:Doe;Jane;Q\\, Jr.;;\r\n"
		"item1.EMAIL;TYPE=INTERNET,HOME;TYPE=pref:jane@exa\r\n"
		" mple.org\r\n"
		"ADR;TYPE=\"work,postal\":;;1 Main St\\nSuite 2;Town;;12345;DE\r\n"
		"NOTE:a\\;b\\\\c\r\n"
		"END:VCARD\r\n");
	EasVCardProperty *email = eas_vcard_get (card, "email");
	EasVCardProperty *adr = eas_vcard_get (card, "ADR");
	g_auto(GStrv) n = eas_vcard_split (eas_vcard_get (card, "N")->value, ';');
	g_auto(GStrv) a = eas_vcard_split (adr->value, ';');
	g_autofree char *note = eas_vcard_property_get_text (eas_vcard_get (card, "NOTE"));

	g_assert_cmpstr (card->version, ==, "3.0");
	g_assert_cmpuint (card->properties->len, ==, 4);
	g_assert_cmpstr (email->group, ==, "item1");
	g_assert_cmpstr (email->value, ==, "jane@example.org");
	g_assert_true (eas_vcard_property_has_type (email, "home"));
	g_assert_true (eas_vcard_property_has_type (email, "PREF"));
	g_assert_false (eas_vcard_property_has_type (email, "work"));
	g_assert_true (eas_vcard_property_has_type (adr, "postal"));
	g_assert_cmpuint (g_strv_length (n), ==, 5);
	g_assert_cmpstr (n[0], ==, "Doe");
	g_assert_cmpstr (n[2], ==, "Q, Jr.");
	g_assert_cmpstr (a[2], ==, "1 Main St\nSuite 2");
	g_assert_cmpstr (a[6], ==, "DE");
	g_assert_cmpstr (note, ==, "a;b\\c");
}

/* vCard 2.1: bare types, quoted-printable with soft breaks, CHARSET. */
static void
test_parse_21 (void)
{
	g_autoptr(EasVCard) card = parse_ok (
		"BEGIN:VCARD\n"
		"VERSION:2.1\n"
		"TEL;HOME;VOICE:+49 30 1234\n"
		"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Gr=FC=DFe=0D=0A=\n"
		"aus M=FCnchen\n"
		"FN;CHARSET=UTF-8;QUOTED-PRINTABLE:J=C3=BCrgen\n"
		"END:VCARD\n");
	EasVCardProperty *tel = eas_vcard_get (card, "TEL");
	EasVCardProperty *note = eas_vcard_get (card, "NOTE");

	g_assert_true (eas_vcard_property_has_type (tel, "HOME"));
	g_assert_true (eas_vcard_property_has_type (tel, "voice"));
	g_assert_cmpstr (note->value, ==, "Grüße\r\naus München");
	g_assert_null (eas_vcard_property_get_param (note, "ENCODING"));
	g_assert_cmpstr (eas_vcard_get (card, "FN")->value, ==, "Jürgen");
}

static void
test_base64 (void)
{
	g_autoptr(EasVCard) card = parse_ok (
		"BEGIN:VCARD\r\nVERSION:3.0\r\n"
		"PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\r\n"
		" SkZJRg==\r\n"
		"END:VCARD\r\n");
	EasVCardProperty *photo = eas_vcard_get (card, "PHOTO");
	gsize n = 0;
	g_autofree guchar *raw = g_base64_decode (photo->value, &n);

	g_assert_cmpuint (n, ==, 10);
	g_assert_cmpint (raw[0], ==, 0xff);
	parse_fails ("BEGIN:VCARD\r\nVERSION:3.0\r\nPHOTO;ENCODING=b:ab*d\r\nEND:VCARD\r\n",
	             EAS_VCARD_ERROR_ENCODING, "line 3:");
}

/* Written cards fold at 75 octets without splitting characters and read
 * back to the same properties. */
static void
test_write_roundtrip (void)
{
	g_autoptr(EasVCard) card = eas_vcard_new ("4.0");
	g_autoptr(EasVCard) back = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) long_text = g_string_new (NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	EasVCardProperty *p;

	for (int i = 0; i < 100; i++)
		g_string_append (long_text, "äö€𝄞;,\n");
	p = eas_vcard_add_text (card, "NOTE", long_text->str);
	p = eas_vcard_add (card, "EMAIL", "a@b.c");
	eas_vcard_property_add_param (p, "TYPE", "work");
	eas_vcard_property_add_param (p, "X-LABEL", "a:b;c");
	p->group = g_strdup ("item1");
	text = eas_vcard_to_string (card);
	g_assert_true (g_str_has_prefix (text, "BEGIN:VCARD\r\nVERSION:4.0\r\n"));
	lines = g_strsplit (text, "\r\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_assert_cmpuint (strlen (lines[i]), <=, 75);
		g_assert_true (g_utf8_validate (lines[i], -1, NULL));
	}
	back = eas_vcard_parse (text, strlen (text), NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (back->version, ==, "4.0");
	g_assert_cmpuint (back->properties->len, ==, 2);
	{
		g_autofree char *note = eas_vcard_property_get_text (eas_vcard_get (back, "NOTE"));
		EasVCardProperty *e = eas_vcard_get (back, "EMAIL");

		g_assert_cmpstr (note, ==, long_text->str);
		g_assert_cmpstr (e->group, ==, "item1");
		g_assert_cmpstr (eas_vcard_property_get_param (e, "X-LABEL"), ==, "a:b;c");
		g_assert_true (eas_vcard_property_has_type (e, "work"));
	}
}

static void
test_errors (void)
{
	parse_fails ("", EAS_VCARD_ERROR_MALFORMED, NULL);
	parse_fails ("VERSION:3.0\r\n", EAS_VCARD_ERROR_MALFORMED, "line 1:");
	parse_fails ("BEGIN:VCARD\r\nFN:x\r\n", EAS_VCARD_ERROR_MALFORMED, NULL);
	parse_fails ("BEGIN:VCARD\r\nFN:x\r\nNOCOLON\r\nEND:VCARD\r\n",
	             EAS_VCARD_ERROR_MALFORMED, "line 3:");
	parse_fails ("BEGIN:VCARD\r\nFN:x\r\n:value\r\nEND:VCARD\r\n",
	             EAS_VCARD_ERROR_MALFORMED, "line 3:");
	parse_fails ("BEGIN:VCARD\r\nFN:x\r\nNOTE:\xff\xfe\r\nEND:VCARD\r\n",
	             EAS_VCARD_ERROR_ENCODING, "line 3:");
	parse_fails ("BEGIN:VCARD\r\nEND:VCARD\r\nFN:x\r\n", EAS_VCARD_ERROR_MALFORMED, "line 3:");
	parse_fails ("BEGIN:VCARD\r\nBEGIN:VCARD\r\nEND:VCARD\r\n", EAS_VCARD_ERROR_MALFORMED, "line 2:");
	parse_fails ("BEGIN:VCARD\r\nNOTE;ENCODING=QUOTED-PRINTABLE:=FF\r\nEND:VCARD\r\n",
	             EAS_VCARD_ERROR_ENCODING, "line 2:");
	parse_fails ("BEGIN:VCARD\r\nNOTE;CHARSET=X-NO-SUCH;ENCODING=QUOTED-PRINTABLE:a\r\nEND:VCARD\r\n",
	             EAS_VCARD_ERROR_ENCODING, "line 2:");
}

static EasVCard *
parse_limited (const char *text, const EasVCardLimits *limits, GError **error)
{
	return eas_vcard_parse (text, strlen (text), limits, error);
}

static void
test_limits (void)
{
	EasVCardLimits limits;
	g_autoptr(GString) s = g_string_new ("BEGIN:VCARD\r\nVERSION:3.0\r\n");
	g_autofree char *text = NULL;
	gsize total;

	for (int i = 0; i < 10; i++)
		g_string_append_printf (s, "X-P%d;A=1;B=2;C=3:0123456789\r\n", i);
	g_string_append (s, "NOTE:01234567\r\n 89\r\n");	/* unfolds to 15 bytes */
	g_string_append (s, "END:VCARD\r\n");
	total = s->len;

	/* Properties: 11 (VERSION is not one). */
	for (guint n = 10; n <= 11; n++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(EasVCard) card = NULL;

		eas_vcard_limits_init_default (&limits);
		limits.properties = n;
		card = parse_limited (s->str, &limits, &error);
		g_assert_cmpint (card != NULL, ==, n == 11);
		if (n == 10)
			g_assert_error (error, EAS_VCARD_ERROR, EAS_VCARD_ERROR_LIMIT);
	}
	/* Parameters: 3 per property. */
	for (guint n = 2; n <= 3; n++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(EasVCard) card = NULL;

		eas_vcard_limits_init_default (&limits);
		limits.params = n;
		card = parse_limited (s->str, &limits, &error);
		g_assert_cmpint (card != NULL, ==, n == 3);
		if (n == 2)
			g_assert_error (error, EAS_VCARD_ERROR, EAS_VCARD_ERROR_LIMIT);
	}
	/* Logical line: the longest is "X-P0;A=1;B=2;C=3:0123456789", 27 bytes. */
	for (gsize n = 26; n <= 27; n++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(EasVCard) card = NULL;

		eas_vcard_limits_init_default (&limits);
		limits.line_bytes = n;
		card = parse_limited (s->str, &limits, &error);
		g_assert_cmpint (card != NULL, ==, n == 27);
		if (n == 26)
			g_assert_error (error, EAS_VCARD_ERROR, EAS_VCARD_ERROR_LIMIT);
	}
	/* A folded line counts unfolded: 15 bytes. */
	for (gsize n = 14; n <= 15; n++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(EasVCard) card = NULL;
		const char *folded = "BEGIN:VCARD\r\nNOTE:01234567\r\n 89\r\nEND:VCARD\r\n";

		eas_vcard_limits_init_default (&limits);
		limits.line_bytes = n;
		card = parse_limited (folded, &limits, &error);
		g_assert_cmpint (card != NULL, ==, n == 15);
		if (n == 14)
			g_assert_error (error, EAS_VCARD_ERROR, EAS_VCARD_ERROR_LIMIT);
	}
	/* Total size. */
	for (gsize n = total - 1; n <= total; n++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(EasVCard) card = NULL;

		eas_vcard_limits_init_default (&limits);
		limits.total_bytes = n;
		card = parse_limited (s->str, &limits, &error);
		g_assert_cmpint (card != NULL, ==, n == total);
		if (n < total)
			g_assert_error (error, EAS_VCARD_ERROR, EAS_VCARD_ERROR_LIMIT);
	}
}

static void
test_split_escape (void)
{
	const char *parts[] = { "a;b", "c,d", "e\\f", "g\nh", NULL, "" };
	g_autofree char *joined = eas_vcard_join (parts, G_N_ELEMENTS (parts), ';');
	g_auto(GStrv) back = eas_vcard_split (joined, ';');

	g_assert_cmpstr (joined, ==, "a\\;b;c\\,d;e\\\\f;g\\nh;;");
	g_assert_cmpuint (g_strv_length (back), ==, 6);
	for (guint i = 0; i < 4; i++)
		g_assert_cmpstr (back[i], ==, parts[i]);
	g_assert_cmpstr (back[4], ==, "");
}

/* The evolution-activesync translator's vCard parses, folding included. */
static void
test_fixture (void)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	g_autofree char *path = NULL;
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr(GError) error = NULL;
	g_autoptr(EasVCard) card = NULL;
	EasVCardProperty *adr = NULL;

	if (shared == NULL) {
		g_test_skip ("AIRDOCK_SHARED is not set: shared fixtures unavailable");
		return;
	}
	path = g_build_filename (shared, "fixtures/eas/evolution-activesync/TestData/Con_Info_Translator/_Request/VCard_Data/VCard_info_translator_parse_request_all.txt", NULL);
	if (!g_file_get_contents (path, &text, &len, NULL)) {
		g_test_skip ("fixture missing");
		return;
	}
	card = eas_vcard_parse (text, len, NULL, &error);
	g_assert_no_error (error);
	for (guint i = 0; i < card->properties->len; i++) {
		EasVCardProperty *p = g_ptr_array_index (card->properties, i);
		if (g_str_equal (p->name, "ADR") && eas_vcard_property_has_type (p, "OTHER"))
			adr = p;
	}
	g_assert_nonnull (adr);
	g_assert_true (g_str_has_suffix (adr->value, ";other street"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/vcard/parse/3.0", test_parse_30);
	g_test_add_func ("/vcard/parse/2.1", test_parse_21);
	g_test_add_func ("/vcard/parse/base64", test_base64);
	g_test_add_func ("/vcard/parse/errors", test_errors);
	g_test_add_func ("/vcard/parse/limits", test_limits);
	g_test_add_func ("/vcard/parse/fixture", test_fixture);
	g_test_add_func ("/vcard/write/roundtrip", test_write_roundtrip);
	g_test_add_func ("/vcard/split-escape", test_split_escape);
	return g_test_run ();
}
