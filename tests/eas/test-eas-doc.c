/* Test helper: compact XML → WBXML through the real writer. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <wbxml/wbxml.h>

#include "test-eas-doc.h"

typedef struct {
	EasWbxmlWriter *writer;
	int default_page;
	GArray *pending;	/* gboolean per open element: start not yet written */
	GArray *tags;
} Builder;

static EasTag
lookup (Builder *b, const char *name)
{
	const char *colon = strchr (name, ':');
	int page = b->default_page;
	EasTag tag = 0;

	if (colon != NULL) {
		g_autofree char *ns = g_strndup (name, (gsize) (colon - name));
		page = eas_codepage_lookup (ns);
		name = colon + 1;
	}
	g_assert_cmpint (page, >=, 0);
	if (!eas_tag_lookup ((guint) page, name, &tag))
		g_error ("test document: no tag %s on page %d", name, page);
	return tag;
}

static void
flush (Builder *b)
{
	if (b->pending->len == 0)
		return;
	gboolean *p = &g_array_index (b->pending, gboolean, b->pending->len - 1);
	if (*p) {
		eas_wbxml_writer_start (b->writer, g_array_index (b->tags, EasTag, b->tags->len - 1));
		*p = FALSE;
	}
}

static void
on_start (GMarkupParseContext *ctx, const char *name, const char **attr_names,
          const char **attr_values, gpointer user_data, GError **error)
{
	Builder *b = user_data;
	gboolean yes = TRUE;
	EasTag tag = lookup (b, name);

	flush (b);
	g_array_append_val (b->pending, yes);
	g_array_append_val (b->tags, tag);
}

static void
on_end (GMarkupParseContext *ctx, const char *name, gpointer user_data, GError **error)
{
	Builder *b = user_data;
	gboolean pending = g_array_index (b->pending, gboolean, b->pending->len - 1);
	EasTag tag = g_array_index (b->tags, EasTag, b->tags->len - 1);

	if (pending)
		eas_wbxml_writer_empty (b->writer, tag);
	else
		eas_wbxml_writer_end (b->writer);
	g_array_set_size (b->pending, b->pending->len - 1);
	g_array_set_size (b->tags, b->tags->len - 1);
}

static void
on_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer user_data, GError **error)
{
	Builder *b = user_data;
	gboolean blank = TRUE;

	for (gsize i = 0; i < len; i++)
		blank &= g_ascii_isspace (text[i]);
	if (blank || b->pending->len == 0)
		return;
	flush (b);
	eas_wbxml_writer_text (b->writer, text, (gssize) len);
}

GBytes *
test_eas_doc (const char *default_page, const char *xml)
{
	static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };
	Builder b = { eas_wbxml_writer_new (), eas_codepage_lookup (default_page),
	              g_array_new (FALSE, FALSE, sizeof (gboolean)),
	              g_array_new (FALSE, FALSE, sizeof (EasTag)) };
	g_autoptr (GError) error = NULL;
	GMarkupParseContext *ctx = g_markup_parse_context_new (&parser, 0, &b, NULL);

	g_assert_cmpint (b.default_page, >=, 0);
	g_markup_parse_context_parse (ctx, xml, -1, &error);
	g_assert_no_error (error);
	g_markup_parse_context_end_parse (ctx, &error);
	g_assert_no_error (error);
	g_markup_parse_context_free (ctx);
	GBytes *out = eas_wbxml_writer_finish (b.writer, &error);
	g_assert_no_error (error);
	eas_wbxml_writer_free (b.writer);
	g_array_unref (b.pending);
	g_array_unref (b.tags);
	return out;
}

EasNode *
test_eas_parse (GBytes *bytes)
{
	g_autoptr (GError) error = NULL;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	EasNode *root = eas_wbxml_parse (data, len, NULL, &error);

	g_assert_no_error (error);
	g_assert_nonnull (root);
	return root;
}

GBytes *
test_eas_fixture (const char *relative)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	g_autofree char *path = NULL;
	g_autofree char *msg = NULL;
	char *contents = NULL;
	gsize len = 0;

	if (shared == NULL) {
		g_test_skip ("AIRDOCK_SHARED is not set: shared fixtures unavailable");
		return NULL;
	}
	path = g_build_filename (shared, "fixtures", relative, NULL);
	if (!g_file_get_contents (path, &contents, &len, NULL)) {
		msg = g_strdup_printf ("fixture %s is absent", relative);
		g_test_skip (msg);
		return NULL;
	}
	return g_bytes_new_take (contents, len);
}

char *
test_eas_libwbxml_xml (GBytes *doc)
{
	WBXMLConvWBXML2XML *conv = NULL;
	WB_UTINY *xml = NULL;
	WB_ULONG xml_len = 0;
	gsize len = 0;
	const void *data = g_bytes_get_data (doc, &len);
	g_autofree guint8 *copy = g_memdup2 (data, len);	/* libwbxml takes non-const */

	g_assert_cmpint (wbxml_conv_wbxml2xml_create (&conv), ==, WBXML_OK);
	wbxml_conv_wbxml2xml_set_language (conv, WBXML_LANG_ACTIVESYNC);
	wbxml_conv_wbxml2xml_set_gen_type (conv, WBXML_GEN_XML_COMPACT);
	WBXMLError ret = wbxml_conv_wbxml2xml_run (conv, copy, (WB_ULONG) len, &xml, &xml_len);
	wbxml_conv_wbxml2xml_destroy (conv);
	if (ret != WBXML_OK)
		return NULL;
	char *out = g_strndup ((const char *) xml, xml_len);
	free (xml);
	return out;
}

GBytes *
test_eas_libwbxml_fixture (const char *name, gboolean via_our_xml)
{
	g_autofree char *rel = via_our_xml
		? g_strdup_printf ("eas/libwbxml/%s.xml", name)
		: g_strdup_printf ("eas/libwbxml/encoded-by-xml2wbxml/%s.wbxml", name);
	g_autoptr (GBytes) raw = test_eas_fixture (rel);
	g_autoptr (GError) error = NULL;

	if (raw == NULL || !via_our_xml)
		return g_steal_pointer (&raw);
	gsize len = 0;
	const char *xml = g_bytes_get_data (raw, &len);
	GBytes *out = eas_xml_to_wbxml (xml, len, &error);
	g_assert_no_error (error);
	return out;
}
