/* test-wbxml-libwbxml.c — differential test of our decoder against libwbxml.
 *
 * libwbxml 0.11.8 is the oracle: for every WBXML fixture and a few hundred
 * random valid documents, its XML (names normalised through our libwbxml
 * aliases, by re-encoding it with eas_xml_to_wbxml) must describe the same
 * elements and texts as our decoder.  libwbxml aborts on some malformed
 * input, so it only ever sees documents our own decoder accepted, built
 * from tags its tables know (it lacks the 16.1 ones). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <wbxml/wbxml.h>

#include "eas/eas-wbxml.h"
#include "tests/eas/test-wbxml-common.h"

/* Our tree of a document, with OPAQUE rendered as base64 text: libwbxml
 * prints the OPAQUE values of EAS documents (MIME, pictures) in base64. */
static EasNode *
our_tree (const guint8 *data, gsize len)
{
	g_autoptr (GError) error = NULL;
	EasNode *root = eas_wbxml_parse (data, len, NULL, &error);
	g_assert_no_error (error);

	for (EasNode *n = root; n != NULL;) {
		if (n->opaque != NULL) {
			gsize olen;
			const guint8 *p = g_bytes_get_data (n->opaque, &olen);
			g_free (n->text);
			n->text = g_base64_encode (p, olen);
			g_clear_pointer (&n->opaque, g_bytes_unref);
		}
		if (n->first_child != NULL) {
			n = n->first_child;
			continue;
		}
		while (n != NULL && n->next == NULL)
			n = n->parent;
		if (n != NULL)
			n = n->next;
	}
	return root;
}

/* libwbxml's view: its XML, encoded and parsed by us (which maps its tag
 * names and namespaces to ours). */
static EasNode *
libwbxml_tree (const guint8 *data, gsize len)
{
	WBXMLConvWBXML2XML *conv = NULL;
	WB_UTINY *xml = NULL;
	WB_ULONG xml_len = 0;

	g_assert_cmpint (wbxml_conv_wbxml2xml_create (&conv), ==, WBXML_OK);
	wbxml_conv_wbxml2xml_set_language (conv, WBXML_LANG_ACTIVESYNC);
	wbxml_conv_wbxml2xml_set_gen_type (conv, WBXML_GEN_XML_COMPACT);
	wbxml_conv_wbxml2xml_set_charset (conv, WBXML_CHARSET_UTF_8);
	wbxml_conv_wbxml2xml_enable_preserve_whitespaces (conv);
	g_autofree guint8 *copy = g_memdup2 (data, len);
	WBXMLError ret = wbxml_conv_wbxml2xml_run (conv, copy, (WB_ULONG) len, &xml, &xml_len);
	wbxml_conv_wbxml2xml_destroy (conv);
	if (ret != WBXML_OK)
		g_error ("libwbxml refused a document we accept: %s", wbxml_errors_string (ret));

	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) ours = eas_xml_to_wbxml ((const char *) xml, xml_len, &error);
	if (ours == NULL)
		g_error ("libwbxml's XML does not encode: %s\n%.*s", error->message, (int) xml_len, xml);
	free (xml);
	gsize olen;
	const guint8 *op = g_bytes_get_data (ours, &olen);
	EasNode *root = eas_wbxml_parse (op, olen, NULL, &error);
	g_assert_no_error (error);
	return root;
}

/* libwbxml prints the text of some tags (AirSyncBase:Content …) in base64
 * even when it was STR_I: such a text matches when it decodes to ours. */
static gboolean
same_text (const char *ours, const char *theirs)
{
	if (g_strcmp0 (ours, theirs) == 0)
		return TRUE;
	if (ours == NULL || theirs == NULL)
		return FALSE;
	gsize n = 0;
	g_autofree guint8 *decoded = g_base64_decode (theirs, &n);
	return n == strlen (ours) && memcmp (decoded, ours, n) == 0;
}

static void
compare (const char *what, const guint8 *data, gsize len)
{
	g_autoptr (EasNode) ours = our_tree (data, len);
	g_autoptr (EasNode) theirs = libwbxml_tree (data, len);
	EasNode *a = ours, *b = theirs;
	guint nodes = 0;

	/* Walk both trees in step, without recursion. */
	while (a != NULL && b != NULL) {
		nodes++;
		if (a->tag != b->tag || !same_text (a->text, b->text) ||
		    (a->first_child == NULL) != (b->first_child == NULL))
			break;
		if (a->first_child != NULL) {
			a = a->first_child;
			b = b->first_child;
			continue;
		}
		while (a != NULL && a->next == NULL) {
			if (b->next != NULL)
				goto mismatch;
			a = a->parent;
			b = b->parent;
		}
		if (a == NULL)
			return;
		if (b->next == NULL)
			goto mismatch;
		a = a->next;
		b = b->next;
	}
mismatch:
	{
		const char *dump = g_getenv ("AIRDOCK_WBXML_DUMP");
		if (dump != NULL)
			g_file_set_contents (dump, (const char *) data, (gssize) len, NULL);
		g_error ("%s: our decoder and libwbxml disagree at element %u (%s:%s \"%s\" vs %s:%s \"%s\")",
		         what, nodes,
		         a ? eas_codepage_name (EAS_TAG_PAGE (a->tag)) : "-", a ? eas_tag_name (a->tag) : "-",
		         a && a->text ? a->text : "",
		         b ? eas_codepage_name (EAS_TAG_PAGE (b->tag)) : "-", b ? eas_tag_name (b->tag) : "-",
		         b && b->text ? b->text : "");
	}
}

static void
test_fixtures (void)
{
	g_autoptr (GPtrArray) paths = fixture_wbxml_paths ();

	if (paths == NULL)
		return;
	for (guint i = 0; i < paths->len; i++) {
		const char *path = g_ptr_array_index (paths, i);
		g_autoptr (GBytes) doc = fixture_load (path);
		gsize len;
		const guint8 *p = g_bytes_get_data (doc, &len);
		compare (path, p, len);
	}
	g_test_message ("%u fixtures agree", paths->len);
}

/* libwbxml 0.11.8 knows no 16.1 tag; map them to ones it knows. */
static gboolean
libwbxml_knows (EasTag tag)
{
	return EAS_TAG_PAGE (tag) != EAS_PAGE_FIND &&
	       tag != EAS_MEETINGRESPONSE_PROPOSED_START_TIME &&
	       tag != EAS_MEETINGRESPONSE_PROPOSED_END_TIME &&
	       tag != EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE;
}

static void
make_libwbxml_safe (EasNode *root)
{
	EasNode *n = root;

	while (n != NULL) {
		if (!libwbxml_knows (n->tag))
			n->tag = EAS_AIRSYNC_APPLICATION_DATA;
		/* libwbxml copies OPAQUE of most tags raw into its XML (not
		 * XML any more): random OPAQUE becomes base64 text here; the
		 * fixtures cover the OPAQUE tags it prints in base64. */
		if (n->opaque != NULL) {
			gsize olen;
			const guint8 *p = g_bytes_get_data (n->opaque, &olen);
			g_free (n->text);
			n->text = g_base64_encode (p, olen);
			g_clear_pointer (&n->opaque, g_bytes_unref);
		}
		/* Whitespace-only texts: libwbxml drops them as ignorable. */
		g_autofree char *stripped = g_strstrip (g_strdup (n->text ? n->text : "x"));
		if (stripped[0] == '\0') {
			g_free (n->text);
			n->text = g_strdup ("x");
		}
		if (n->first_child != NULL) {
			n = n->first_child;
			continue;
		}
		while (n != NULL && n->next == NULL)
			n = n->parent;
		if (n != NULL)
			n = n->next;
	}
}

static void
test_random (void)
{
	g_autoptr (GRand) rand = g_rand_new_with_seed (1234567);
	guint n = g_test_slow () ? 2000 : 300;

	for (guint i = 0; i < n; i++) {
		g_autoptr (EasNode) root = random_tree (rand, 6, 12);
		make_libwbxml_safe (root);
		g_autoptr (GBytes) doc = eas_node_encode (root);
		gsize len;
		const guint8 *p = g_bytes_get_data (doc, &len);
		g_autofree char *what = g_strdup_printf ("random document %u", i);
		compare (what, p, len);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/wbxml/libwbxml/fixtures", test_fixtures);
	g_test_add_func ("/wbxml/libwbxml/random", test_random);
	return g_test_run ();
}
