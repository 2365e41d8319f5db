/* test-wbxml-common.c — helpers shared by the WBXML test programs. */
#include "config.h"

#include <string.h>

#include "tests/eas/test-wbxml-common.h"

typedef struct {
	GString *out;
	GByteArray *opaque;	/* pending merged OPAQUE chunks */
} Trace;

static void
trace_flush_opaque (Trace *t)
{
	if (t->opaque == NULL)
		return;
	guint32 h = 5381;
	for (guint i = 0; i < t->opaque->len; i++)
		h = h * 33 + t->opaque->data[i];
	g_string_append_printf (t->out, "[opaque %u bytes #%08x]", t->opaque->len, h);
	g_clear_pointer (&t->opaque, g_byte_array_unref);
}

static void
trace_event (Trace *t, const EasWbxmlEvent *ev)
{
	const char *ns = eas_codepage_name (EAS_TAG_PAGE (ev->tag));
	const char *name = eas_tag_name (ev->tag);

	g_assert_nonnull (ns);
	g_assert_nonnull (name);
	if (ev->type != EAS_WBXML_EVENT_OPAQUE)
		trace_flush_opaque (t);
	switch (ev->type) {
	case EAS_WBXML_EVENT_START:
		g_string_append_printf (t->out, "<%s:%s%s>(%u)", ns, name,
		                        ev->has_content ? "" : "/", ev->depth);
		break;
	case EAS_WBXML_EVENT_END:
		g_string_append_printf (t->out, "</%s:%s>", ns, name);
		break;
	case EAS_WBXML_EVENT_TEXT:
		g_string_append_c (t->out, '"');
		g_string_append_len (t->out, (const char *) ev->data, (gssize) ev->len);
		g_string_append_c (t->out, '"');
		break;
	case EAS_WBXML_EVENT_OPAQUE:
	default:
		if (t->opaque == NULL)
			t->opaque = g_byte_array_new ();
		g_assert_cmpuint (ev->opaque_offset, ==, t->opaque->len);
		g_byte_array_append (t->opaque, ev->data, (guint) ev->len);
		break;
	}
}

char *
trace_decode_full (const guint8 *data, gsize len, gsize step, GRand *rand,
                   const EasWbxmlLimits *limits, GError **error)
{
	g_autoptr (EasWbxmlDecoder) dec = eas_wbxml_decoder_new (limits);
	Trace t = { g_string_new (NULL), NULL };
	gsize off = 0;
	EasWbxmlStatus st = EAS_WBXML_NEED_MORE;

	while (st != EAS_WBXML_FAILED && off < len) {
		gsize n = len - off;
		if (step > 0)
			n = MIN (step, n);
		else if (rand != NULL) {
			gsize r = (gsize) g_rand_int_range (rand, 1, 64);
			n = MIN (r, n);
		}
		/* Each piece lives in its own buffer, freed right after use, so
		 * that ASan catches a decoder keeping pointers into it. */
		g_autofree guint8 *piece = g_memdup2 (data + off, n);
		eas_wbxml_decoder_feed (dec, piece, n);
		off += n;
		EasWbxmlEvent ev;
		while ((st = eas_wbxml_decoder_next (dec, &ev, error)) == EAS_WBXML_GOT_EVENT)
			trace_event (&t, &ev);
	}
	trace_flush_opaque (&t);
	if (st == EAS_WBXML_FAILED ||
	    (st == EAS_WBXML_NEED_MORE && !eas_wbxml_decoder_finish (dec, error))) {
		g_string_free (t.out, TRUE);
		return NULL;
	}
	return g_string_free (t.out, FALSE);
}

char *
trace_decode (const guint8 *data, gsize len, gsize step, GRand *rand, GError **error)
{
	return trace_decode_full (data, len, step, rand, NULL, error);
}

static const EasTag all_tags[] = {
#define EAS_CODEPAGE(num, PREFIX, ns_name)
#define EAS_CODEPAGE_TAG(num, PREFIX, token, NAME, name) EAS_##PREFIX##_##NAME,
#include "eas/eas-codepages.def"
#undef EAS_CODEPAGE
#undef EAS_CODEPAGE_TAG
};

static char *
random_text (GRand *rand)
{
	static const char *const pieces[] = {
		"a", "Z", "0", "9", " ", "<", ">", "&", "\"", "'", "\t", "\n", "é", "€",
		"日本", "😀", "SyncKey", "{8B2F-41}", "=", "]]>",
	};
	GString *s = g_string_new (NULL);
	guint n = (guint) g_rand_int_range (rand, 1, 12);

	for (guint i = 0; i < n; i++)
		g_string_append (s, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
	return g_string_free (s, FALSE);
}

static GBytes *
random_opaque (GRand *rand)
{
	guint n = (guint) g_rand_int_range (rand, 0, 300);
	guint8 *p = g_malloc (n + 1);

	for (guint i = 0; i < n; i++)
		p[i] = (guint8) g_rand_int_range (rand, 0, 256);
	return g_bytes_new_take (p, n);
}

static EasTag
random_tag (GRand *rand)
{
	return all_tags[g_rand_int_range (rand, 0, G_N_ELEMENTS (all_tags))];
}

static void
random_fill (GRand *rand, EasNode *node, guint depth, guint max_depth, guint max_children)
{
	guint kind = (guint) g_rand_int_range (rand, 0, 10);

	if (depth >= max_depth || kind < 3) {
		if (kind == 0) {
			g_autoptr (GBytes) b = random_opaque (rand);
			node->opaque = g_bytes_ref (b);
		} else if (kind < 3 || depth >= max_depth) {
			node->text = random_text (rand);
		}
		return;
	}
	if (kind == 3)
		return;	/* empty */
	guint n = (guint) g_rand_int_range (rand, 1, (gint) max_children + 1);
	for (guint i = 0; i < n; i++) {
		EasNode *child = eas_node_append (node, random_tag (rand));
		/* Keep the trees small on average: most children are leaves. */
		guint child_max = g_rand_int_range (rand, 0, (gint) n + 1) < 2 ? max_depth : depth + 1;
		random_fill (rand, child, depth + 1, child_max, max_children);
	}
}

EasNode *
random_tree (GRand *rand, guint max_depth, guint max_children)
{
	EasNode *root = eas_node_new (random_tag (rand));

	random_fill (rand, root, 1, max_depth, max_children);
	return root;
}

GBytes *
random_document (GRand *rand, guint max_depth, guint max_children)
{
	g_autoptr (EasNode) root = random_tree (rand, max_depth, max_children);

	return eas_node_encode (root);
}

GBytes *
build_sample_document (guint items)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_AIRSYNC_SYNC);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COLLECTIONS);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COLLECTION);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SYNC_KEY, "{2f6a1c}7");
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_COLLECTION_ID, "5");
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNC_STATUS, 1);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COMMANDS);
	for (guint i = 0; i < items; i++) {
		g_autofree char *id = g_strdup_printf ("5:%u", i + 1);
		g_autofree char *subject = g_strdup_printf ("Réunion n°%u — agenda", i);
		guint8 conv[16];
		for (guint k = 0; k < sizeof conv; k++)
			conv[k] = (guint8) (i * 13 + k);
		eas_wbxml_writer_start (w, EAS_AIRSYNC_ADD);
		eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SERVER_ID, id);
		eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
		eas_wbxml_writer_text_element (w, EAS_EMAIL_TO, "\"Bob\" <bob@example.com>");
		eas_wbxml_writer_text_element (w, EAS_EMAIL_FROM, "alice@example.com");
		eas_wbxml_writer_text_element (w, EAS_EMAIL_SUBJECT, subject);
		eas_wbxml_writer_text_element (w, EAS_EMAIL_DATE_RECEIVED, "2026-11-26T14:00:00.000Z");
		eas_wbxml_writer_uint_element (w, EAS_EMAIL_READ, i % 2);
		eas_wbxml_writer_start (w, EAS_AIRSYNCBASE_BODY);
		eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_TYPE, 1);
		eas_wbxml_writer_text_element (w, EAS_AIRSYNCBASE_DATA, "Hello,\nsee you at 10.\n");
		eas_wbxml_writer_end (w);
		eas_wbxml_writer_empty (w, EAS_EMAIL_FLAG);
		eas_wbxml_writer_opaque_element (w, EAS_EMAIL2_CONVERSATION_ID, conv, sizeof conv);
		eas_wbxml_writer_end (w);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

void
assert_bytes_equal (GBytes *bytes, const guint8 *expected, gsize expected_len)
{
	g_assert_nonnull (bytes);
	gsize len;
	const guint8 *p = g_bytes_get_data (bytes, &len);
	g_assert_cmpmem (p, len, expected, expected_len);
}

static void
add_dir (GPtrArray *paths, const char *dir_path)
{
	g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
	const char *name;

	if (dir == NULL)
		return;
	while ((name = g_dir_read_name (dir)) != NULL) {
		if (g_str_has_suffix (name, ".wbxml"))
			g_ptr_array_add (paths, g_build_filename (dir_path, name, NULL));
	}
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
	return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

GPtrArray *
fixture_wbxml_paths (void)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	g_autofree char *base = NULL;

	if (shared != NULL)
		base = g_build_filename (shared, "fixtures", "eas", NULL);
	if (base == NULL || !g_file_test (base, G_FILE_TEST_IS_DIR)) {
		g_test_skip ("EAS fixtures not found: set AIRDOCK_SHARED to the shared folder");
		return NULL;
	}
	GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *libwbxml = g_build_filename (base, "libwbxml", "encoded-by-xml2wbxml", NULL);
	g_autofree char *horde = g_build_filename (base, "horde", NULL);
	add_dir (paths, libwbxml);
	add_dir (paths, horde);
	g_ptr_array_sort (paths, compare_paths);
	if (paths->len == 0) {
		g_ptr_array_unref (paths);
		g_test_skip ("No WBXML files under the EAS fixtures");
		return NULL;
	}
	return paths;
}

GBytes *
fixture_load (const char *path)
{
	g_autofree char *contents = NULL;
	gsize len = 0;
	g_autoptr (GError) error = NULL;

	g_file_get_contents (path, &contents, &len, &error);
	g_assert_no_error (error);
	if (len > 0 && contents[0] == 0x03)
		return g_bytes_new (contents, len);
	GByteArray *doc = g_byte_array_new ();
	g_byte_array_append (doc, (const guint8 *) "\x03\x01\x6A\x00", 4);
	gboolean bare = len > 0 && contents[0] == 0x00;
	if (bare)
		g_byte_array_append (doc, (const guint8 *) "\x5D", 1);
	g_byte_array_append (doc, (const guint8 *) contents, (guint) len);
	if (bare)
		g_byte_array_append (doc, (const guint8 *) "\x01", 1);
	return g_byte_array_free_to_bytes (doc);
}
