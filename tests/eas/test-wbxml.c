/* test-wbxml.c — tests for the EAS WBXML codec (eas/eas-wbxml*.c). */
#include "config.h"

#include <string.h>

#include "eas/eas-limits.h"
#include "eas/eas-wbxml.h"
#include "eas/eas-wbxml-private.h"
#include "tests/eas/test-wbxml-common.h"

/* ---- Known answers ----------------------------------------------------- */

static void
test_writer_known_answer (void)
{
	/* FolderSync request, [MS-ASCMD] 4.5.1: page 7, FolderSync 0x16, SyncKey 0x12. */
	static const guint8 expected[] = {
		0x03, 0x01, 0x6A, 0x00, 0x00, 0x07, 0x56, 0x52, 0x03, '0', 0x00, 0x01, 0x01,
	};
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GError) error = NULL;

	eas_wbxml_writer_start (w, EAS_FOLDERHIERARCHY_FOLDER_SYNC);
	eas_wbxml_writer_text_element (w, EAS_FOLDERHIERARCHY_SYNC_KEY, "0");
	eas_wbxml_writer_end (w);
	g_autoptr (GBytes) out = eas_wbxml_writer_finish (w, &error);
	g_assert_no_error (error);
	assert_bytes_equal (out, expected, sizeof expected);
}

static void
test_writer_switch_page_only_when_needed (void)
{
	static const guint8 expected[] = {
		0x03, 0x01, 0x6A, 0x00,
		0x45,				/* AirSync:Sync, content */
		0x5C,				/* Collections */
		0x00, 0x11, 0x45,		/* AirSyncBase:BodyPreference */
		0x46, 0x03, '2', 0x00, 0x01,	/* Type 2 */
		0x08,				/* AllOrNone, empty */
		0x01,				/* /BodyPreference */
		0x00, 0x00, 0x1C,		/* AirSync:Collections, empty */
		0x01, 0x01,
	};
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_AIRSYNC_SYNC);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COLLECTIONS);
	eas_wbxml_writer_start (w, EAS_AIRSYNCBASE_BODY_PREFERENCE);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_TYPE, 2);
	eas_wbxml_writer_empty (w, EAS_AIRSYNCBASE_ALL_OR_NONE);
	eas_wbxml_writer_end (w);
	/* start + end with nothing between is an empty element (canonical). */
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COLLECTIONS);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	g_autoptr (GBytes) out = eas_wbxml_writer_finish (w, NULL);
	assert_bytes_equal (out, expected, sizeof expected);
}

static void
test_writer_opaque (void)
{
	/* 200 bytes: the length needs two mb_u_int32 bytes (0x81 0x48). */
	guint8 payload[200];
	for (guint i = 0; i < sizeof payload; i++)
		payload[i] = (guint8) (i * 7);
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GByteArray) all = g_byte_array_new ();

	eas_wbxml_writer_start (w, EAS_COMPOSEMAIL_SEND_MAIL);
	eas_wbxml_writer_start (w, EAS_COMPOSEMAIL_MIME);
	eas_wbxml_writer_opaque_begin (w, sizeof payload);
	for (guint off = 0; off < sizeof payload; off += 50) {
		eas_wbxml_writer_opaque_data (w, payload + off, 50);
		g_autoptr (GBytes) part = eas_wbxml_writer_take (w);
		g_byte_array_append (all, g_bytes_get_data (part, NULL), (guint) g_bytes_get_size (part));
	}
	eas_wbxml_writer_opaque_end (w);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	g_autoptr (GBytes) rest = eas_wbxml_writer_finish (w, NULL);
	g_byte_array_append (all, g_bytes_get_data (rest, NULL), (guint) g_bytes_get_size (rest));

	static const guint8 head[] = { 0x03, 0x01, 0x6A, 0x00, 0x00, 0x15, 0x45, 0x50, 0xC3, 0x81, 0x48 };
	g_assert_cmpuint (all->len, ==, sizeof head + sizeof payload + 2);
	g_assert_cmpmem (all->data, sizeof head, head, sizeof head);
	g_assert_cmpmem (all->data + sizeof head, sizeof payload, payload, sizeof payload);
	g_assert_cmpuint (all->data[all->len - 2], ==, 0x01);
	g_assert_cmpuint (all->data[all->len - 1], ==, 0x01);

	/* The tree sees the same bytes. */
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (all->data, all->len, NULL, &error);
	g_assert_no_error (error);
	EasNode *mime = eas_node_child (root, EAS_COMPOSEMAIL_MIME);
	g_assert_nonnull (mime);
	g_assert_nonnull (mime->opaque);
	g_assert_cmpmem (g_bytes_get_data (mime->opaque, NULL), g_bytes_get_size (mime->opaque),
	                 payload, sizeof payload);
}

static void
test_writer_unbalanced (void)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GError) error = NULL;

	eas_wbxml_writer_start (w, EAS_PING_PING);
	eas_wbxml_writer_start (w, EAS_PING_FOLDERS);
	eas_wbxml_writer_text_element (w, EAS_PING_ID, "1");
	eas_wbxml_writer_end (w);
	g_autoptr (GBytes) out = eas_wbxml_writer_finish (w, &error);
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_USAGE);
	g_assert_null (out);

	g_autoptr (EasWbxmlWriter) w2 = eas_wbxml_writer_new ();
	g_clear_error (&error);
	g_autoptr (GBytes) out2 = eas_wbxml_writer_finish (w2, &error);
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_USAGE);
	g_assert_null (out2);
}

/* Programming errors are criticals (g_return_if_fail), never GErrors. */
static void
test_writer_misuse (void)
{
	if (g_test_subprocess ()) {
		g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
		guint mode = (guint) g_ascii_strtoull (g_getenv ("WBXML_MISUSE"), NULL, 10);
		if (mode == 0) {
			eas_wbxml_writer_end (w);		/* nothing open */
		} else if (mode == 1) {
			eas_wbxml_writer_start (w, EAS_TAG (0, 0x3F));	/* unknown tag */
		} else {
			eas_wbxml_writer_start (w, EAS_AIRSYNC_SYNC);
			eas_wbxml_writer_opaque_begin (w, 4);
			eas_wbxml_writer_opaque_data (w, (const guint8 *) "12345", 5);	/* too much */
		}
		return;
	}
	for (guint mode = 0; mode < 3; mode++) {
		g_autofree char *value = g_strdup_printf ("%u", mode);
		g_setenv ("WBXML_MISUSE", value, TRUE);
		g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
		g_test_trap_assert_failed ();
		g_test_trap_assert_stderr ("*CRITICAL*");
	}
}

/* ---- Every tag of every page ------------------------------------------- */

typedef struct {
	guint page;
	guint token;
	const char *name;
	EasTag constant;
} TableEntry;

static const TableEntry table[] = {
#define EAS_CODEPAGE(num, PREFIX, ns_name)
#define EAS_CODEPAGE_TAG(num, PREFIX, token, NAME, name) { num, token, name, EAS_##PREFIX##_##NAME },
#include "eas/eas-codepages.def"
#undef EAS_CODEPAGE
#undef EAS_CODEPAGE_TAG
};

static void
test_codepages_table (void)
{
	guint seen_pages = 0;

	for (guint page = 0; page < EAS_CODEPAGE_COUNT; page++) {
		g_assert_nonnull (eas_codepage_name (page));
		g_assert_cmpint (eas_codepage_lookup (eas_codepage_name (page)), ==, (int) page);
		g_autofree char *colon = g_strconcat (eas_codepage_name (page), ":", NULL);
		g_assert_cmpint (eas_codepage_lookup (colon), ==, (int) page);
	}
	g_assert_null (eas_codepage_name (EAS_CODEPAGE_COUNT));
	g_assert_cmpint (eas_codepage_lookup ("NoSuchPage"), ==, -1);

	for (gsize i = 0; i < G_N_ELEMENTS (table); i++) {
		const TableEntry *e = &table[i];
		EasTag tag;

		g_assert_cmpuint (e->token, >=, 0x05);
		g_assert_cmpuint (e->token, <=, 0x3F);
		g_assert_cmpuint (e->constant, ==, EAS_TAG (e->page, e->token));
		g_assert_cmpstr (eas_tag_name (e->constant), ==, e->name);
		g_assert_true (eas_tag_lookup (e->page, e->name, &tag));
		g_assert_cmpuint (tag, ==, e->constant);
		seen_pages |= 1u << e->page;
	}
	g_assert_cmpuint (seen_pages, ==, (1u << EAS_CODEPAGE_COUNT) - 1);
	/* 16.x tags named in the brief. */
	g_assert_cmpstr (eas_tag_name (EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE), ==, "AccountOnlyRemoteWipe");
	g_assert_cmpstr (eas_tag_name (EAS_MEETINGRESPONSE_PROPOSED_START_TIME), ==, "ProposedStartTime");
	g_assert_cmpstr (eas_tag_name (EAS_MEETINGRESPONSE_PROPOSED_END_TIME), ==, "ProposedEndTime");
	g_assert_cmpstr (eas_codepage_name (EAS_PAGE_FIND), ==, "Find");
	g_assert_false (eas_tag_is_known (EAS_TAG (0, 0x11 + 0x30)));
	g_assert_false (eas_tag_is_known (EAS_TAG (25, 0x0F)));
}

/* Each tag encodes as SWITCH_PAGE (when not page 0) + token and decodes back,
 * both as an empty element and with text. */
static void
test_codepages_every_tag_roundtrip (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (table); i++) {
		const TableEntry *e = &table[i];
		g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

		eas_wbxml_writer_start (w, e->constant);
		eas_wbxml_writer_empty (w, e->constant);
		eas_wbxml_writer_text_element (w, e->constant, e->name);
		eas_wbxml_writer_end (w);
		g_autoptr (GBytes) out = eas_wbxml_writer_finish (w, NULL);
		gsize len;
		const guint8 *p = g_bytes_get_data (out, &len);

		/* Known answer for the bytes. */
		g_autoptr (GByteArray) want = g_byte_array_new ();
		g_byte_array_append (want, (const guint8 *) "\x03\x01\x6A\x00", 4);
		if (e->page != 0) {
			guint8 sw[2] = { 0x00, (guint8) e->page };
			g_byte_array_append (want, sw, 2);
		}
		guint8 t[3] = { (guint8) (e->token | 0x40), (guint8) e->token, (guint8) (e->token | 0x40) };
		g_byte_array_append (want, t, 3);
		g_byte_array_append (want, (const guint8 *) "\x03", 1);
		g_byte_array_append (want, (const guint8 *) e->name, (guint) strlen (e->name) + 1);
		g_byte_array_append (want, (const guint8 *) "\x01\x01", 2);
		g_assert_cmpmem (p, len, want->data, want->len);

		g_autoptr (GError) error = NULL;
		g_autoptr (EasNode) root = eas_wbxml_parse (p, len, NULL, &error);
		g_assert_no_error (error);
		g_assert_cmpuint (root->tag, ==, e->constant);
		g_assert_nonnull (root->first_child);
		g_assert_cmpuint (root->first_child->tag, ==, e->constant);
		g_assert_null (root->first_child->text);
		g_assert_cmpstr (root->last_child->text, ==, e->name);
		g_autoptr (GBytes) again = eas_node_encode (root);
		g_assert_true (g_bytes_equal (again, out));
	}
}

/* ---- Decoder ----------------------------------------------------------- */

static GBytes *nested_document (guint depth);

static void
test_decode_events (void)
{
	static const guint8 doc[] = {
		0x03, 0x01, 0x6A, 0x00, 0x00, 0x07, 0x56, 0x52, 0x03, '1', '2', 0x00, 0x01,
		0x17, 0x01,
	};
	g_autofree char *trace = trace_decode (doc, sizeof doc, 0, NULL, NULL);
	g_assert_cmpstr (trace, ==,
	                 "<FolderHierarchy:FolderSync>(1)"
	                 "<FolderHierarchy:SyncKey>(2)\"12\"</FolderHierarchy:SyncKey>"
	                 "<FolderHierarchy:Count/>(2)</FolderHierarchy:Count>"
	                 "</FolderHierarchy:FolderSync>");
}

static void
test_decode_string_table (void)
{
	/* Header with a 10-byte string table "abc\0Inbox\0"; STR_T refs 0 and 4. */
	static const guint8 doc[] = {
		0x03, 0x01, 0x6A, 0x0A, 'a', 'b', 'c', 0x00, 'I', 'n', 'b', 'o', 'x', 0x00,
		0x00, 0x07, 0x56, 0x52, 0x83, 0x04, 0x01, 0x47, 0x83, 0x00, 0x03, 'd', 0x00, 0x01, 0x01,
	};
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (doc, sizeof doc, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (eas_node_child_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY), ==, "Inbox");
	/* Adjacent texts of one element are joined. */
	g_assert_cmpstr (eas_node_child_text (root, EAS_FOLDERHIERARCHY_DISPLAY_NAME), ==, "abcd");

	/* The tree re-encodes canonically: STR_I, no string table. */
	g_autoptr (GBytes) out = eas_node_encode (root);
	static const guint8 canonical[] = {
		0x03, 0x01, 0x6A, 0x00, 0x00, 0x07, 0x56, 0x52, 0x03, 'I', 'n', 'b', 'o', 'x', 0x00, 0x01,
		0x47, 0x03, 'a', 'b', 'c', 'd', 0x00, 0x01, 0x01,
	};
	assert_bytes_equal (out, canonical, sizeof canonical);

	/* A reference past the table, or to a string without its NUL, fails. */
	static const guint8 bad_ref[] = {
		0x03, 0x01, 0x6A, 0x03, 'a', 'b', 0x00, 0x00, 0x07, 0x56, 0x83, 0x03, 0x01,
	};
	g_clear_error (&error);
	g_assert_null (eas_wbxml_parse (bad_ref, sizeof bad_ref, NULL, &error));
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED);
	g_assert_nonnull (strstr (error->message, "offset 10"));
	static const guint8 no_nul[] = {
		0x03, 0x01, 0x6A, 0x02, 'a', 'b', 0x00, 0x07, 0x56, 0x83, 0x00, 0x01,
	};
	g_clear_error (&error);
	g_assert_null (eas_wbxml_parse (no_nul, sizeof no_nul, NULL, &error));
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED);
}

static void
test_decode_public_id_index (void)
{
	/* publicid 0 + string table index (WAP-192 5.5), charset UTF-8. */
	static const guint8 doc[] = {
		0x03, 0x00, 0x00, 0x6A, 0x02, 'x', 0x00, 0x00, 0x0D, 0x05, 0x01,
	};
	g_autoptr (GError) error = NULL;
	/* 0x05 = Ping:Ping empty; the final byte is garbage after the root. */
	g_assert_null (eas_wbxml_parse (doc, sizeof doc, NULL, &error));
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED);
	g_assert_nonnull (strstr (error->message, "Trailing"));
	g_clear_error (&error);
	g_autoptr (EasNode) root = eas_wbxml_parse (doc, sizeof doc - 1, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (root->tag, ==, EAS_PING_PING);
}

typedef struct {
	const char *name;
	const guint8 *data;
	gsize len;
	EasWbxmlErrorCode code;
	const char *needle;	/* expected in the message */
} BadDoc;

#define BAD(n, code, needle, ...) \
	{ n, (const guint8[]) { __VA_ARGS__ }, sizeof ((const guint8[]) { __VA_ARGS__ }), code, needle }

static const BadDoc bad_docs[] = {
	BAD ("version", EAS_WBXML_ERROR_MALFORMED, "offset 0", 0x04, 0x01, 0x6A, 0x00, 0x45, 0x01),
	BAD ("charset", EAS_WBXML_ERROR_ENCODING, "offset 2", 0x03, 0x01, 0x04, 0x00, 0x45, 0x01),
	BAD ("unknown-token", EAS_WBXML_ERROR_UNKNOWN_TAG, "token 0x2a on code page 0 at offset 4",
	     0x03, 0x01, 0x6A, 0x00, 0x2A),
	BAD ("unknown-page", EAS_WBXML_ERROR_UNKNOWN_TAG, "code page 26 at offset 4",
	     0x03, 0x01, 0x6A, 0x00, 0x00, 0x1A, 0x05),
	BAD ("unknown-find-token", EAS_WBXML_ERROR_UNKNOWN_TAG, "token 0x0f on code page 25 at offset 7",
	     0x03, 0x01, 0x6A, 0x00, 0x00, 0x19, 0x45, 0x0F, 0x01),
	BAD ("attributes", EAS_WBXML_ERROR_MALFORMED, "offset 4", 0x03, 0x01, 0x6A, 0x00, 0xC5, 0x01, 0x01),
	BAD ("literal", EAS_WBXML_ERROR_MALFORMED, "LITERAL", 0x03, 0x01, 0x6A, 0x00, 0x45, 0x04, 0x00, 0x01),
	BAD ("literal-c", EAS_WBXML_ERROR_MALFORMED, "LITERAL", 0x03, 0x01, 0x6A, 0x00, 0x44, 0x00, 0x01),
	BAD ("ext", EAS_WBXML_ERROR_MALFORMED, "offset 5", 0x03, 0x01, 0x6A, 0x00, 0x45, 0xC0, 0x01),
	BAD ("pi", EAS_WBXML_ERROR_MALFORMED, "offset 4", 0x03, 0x01, 0x6A, 0x00, 0x43, 0x01),
	BAD ("stray-end", EAS_WBXML_ERROR_MALFORMED, "offset 4", 0x03, 0x01, 0x6A, 0x00, 0x01),
	BAD ("text-outside", EAS_WBXML_ERROR_MALFORMED, "offset 4", 0x03, 0x01, 0x6A, 0x00, 0x03, 'a', 0x00),
	BAD ("opaque-outside", EAS_WBXML_ERROR_MALFORMED, "offset 4", 0x03, 0x01, 0x6A, 0x00, 0xC3, 0x00),
	BAD ("bad-utf8", EAS_WBXML_ERROR_ENCODING, "offset 5",
	     0x03, 0x01, 0x6A, 0x00, 0x45, 0x03, 0xC3, 0x28, 0x00, 0x01),
	BAD ("mb-too-long", EAS_WBXML_ERROR_MALFORMED, "offset",
	     0x03, 0x01, 0x6A, 0x00, 0x45, 0xC3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x01),
	BAD ("mb-overflow", EAS_WBXML_ERROR_MALFORMED, "offset",
	     0x03, 0x01, 0x6A, 0x00, 0x45, 0xC3, 0x9F, 0xFF, 0xFF, 0xFF, 0x7F, 0x01),
	BAD ("entity-invalid", EAS_WBXML_ERROR_ENCODING, "offset 5",
	     0x03, 0x01, 0x6A, 0x00, 0x45, 0x02, 0x83, 0xB0, 0x00, 0x01),
	BAD ("trailing", EAS_WBXML_ERROR_MALFORMED, "offset 5", 0x03, 0x01, 0x6A, 0x00, 0x05, 0x05),
	/* The input that aborts libwbxml 0.11.8 (entity 0xFFFFFFFF). */
	BAD ("libwbxml-crash", EAS_WBXML_ERROR_ENCODING, "offset 8",
	     0x03, 0x01, 0x6a, 0x00, 0x00, 0x07, 0x56, 0x52, 0x02, 0x8f, 0xff, 0xff, 0xff, 0x7f, 0x01, 0x01),
};

static void
test_decode_bad (gconstpointer user_data)
{
	const BadDoc *bad = user_data;
	g_autoptr (GError) error = NULL;

	g_assert_null (eas_wbxml_parse (bad->data, bad->len, NULL, &error));
	g_assert_error (error, EAS_WBXML_ERROR, (gint) bad->code);
	if (strstr (error->message, bad->needle) == NULL)
		g_error ("%s: message \"%s\" lacks \"%s\"", bad->name, error->message, bad->needle);
	/* Fed one byte at a time, the decoder fails the same way. */
	g_autoptr (GError) error2 = NULL;
	g_autofree char *trace = trace_decode (bad->data, bad->len, 1, NULL, &error2);
	g_assert_null (trace);
	g_assert_error (error2, EAS_WBXML_ERROR, (gint) bad->code);
	g_assert_cmpstr (error2->message, ==, error->message);
}

/* Every proper prefix of a valid document is an error, not a crash. */
static void
test_decode_truncated_everywhere (void)
{
	g_autoptr (GBytes) doc = build_sample_document (3);
	gsize len;
	const guint8 *p = g_bytes_get_data (doc, &len);

	for (gsize cut = 0; cut < len; cut++) {
		g_autoptr (GError) error = NULL;
		g_autofree guint8 *copy = g_memdup2 (p, cut);
		g_autoptr (EasNode) root = eas_wbxml_parse (copy, cut, NULL, &error);
		g_assert_null (root);
		g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_TRUNCATED);
		g_autofree char *want = g_strdup_printf ("offset %" G_GSIZE_FORMAT, cut);
		g_assert_nonnull (strstr (error->message, want));
	}
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (p, len, NULL, &error);
	g_assert_no_error (error);
	g_assert_nonnull (root);
}

/* One byte at a time and random splits give the same events as one feed. */
static void
test_decode_any_split (void)
{
	g_autoptr (GRand) rand = g_rand_new_with_seed (20261126);

	for (guint round = 0; round < 40; round++) {
		g_autoptr (GBytes) doc = random_document (rand, 6, 40);
		gsize len;
		const guint8 *p = g_bytes_get_data (doc, &len);
		g_autoptr (GError) error = NULL;
		g_autofree char *whole = trace_decode (p, len, 0, NULL, &error);
		g_assert_no_error (error);
		g_autofree char *bytewise = trace_decode (p, len, 1, NULL, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (bytewise, ==, whole);
		g_autofree char *random_split = trace_decode (p, len, 0, rand, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (random_split, ==, whole);
	}
}

/* The fixtures decode the same whole, byte by byte and in random pieces. */
static void
test_decode_fixtures_any_split (void)
{
	g_autoptr (GPtrArray) paths = fixture_wbxml_paths ();
	g_autoptr (GRand) rand = g_rand_new_with_seed (31337);

	if (paths == NULL)
		return;
	for (guint i = 0; i < paths->len; i++) {
		g_autoptr (GBytes) doc = fixture_load (g_ptr_array_index (paths, i));
		gsize len;
		const guint8 *p = g_bytes_get_data (doc, &len);
		g_autoptr (GError) error = NULL;
		g_autofree char *whole = trace_decode (p, len, 0, NULL, &error);
		g_assert_no_error (error);
		g_autofree char *bytewise = trace_decode (p, len, 1, NULL, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (bytewise, ==, whole);
		g_autofree char *pieces = trace_decode (p, len, 0, rand, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (pieces, ==, whole);
	}
}

/* Feeding again before draining keeps the unread bytes, in order. */
static void
test_decode_feed_before_drain (void)
{
	g_autoptr (GBytes) doc = build_sample_document (2);
	gsize len;
	const guint8 *p = g_bytes_get_data (doc, &len);
	g_autoptr (GError) error = NULL;
	g_autofree char *whole = trace_decode (p, len, 0, NULL, &error);
	g_assert_no_error (error);

	g_autoptr (EasWbxmlDecoder) dec = eas_wbxml_decoder_new (NULL);
	g_autoptr (GString) trace = g_string_new (NULL);
	gsize third = len / 3;
	EasWbxmlEvent ev;
	EasWbxmlStatus st;

	/* Three feeds, the first two only partly read (one event each). */
	eas_wbxml_decoder_feed (dec, p, third);
	eas_wbxml_decoder_feed (dec, p + third, third);
	g_assert_cmpint (eas_wbxml_decoder_next (dec, &ev, &error), ==, EAS_WBXML_GOT_EVENT);
	g_string_append_printf (trace, "%u/", ev.tag);
	eas_wbxml_decoder_feed (dec, p + 2 * third, len - 2 * third);
	while ((st = eas_wbxml_decoder_next (dec, &ev, &error)) == EAS_WBXML_GOT_EVENT) {
		if (ev.type == EAS_WBXML_EVENT_START)
			g_string_append_printf (trace, "%u/", ev.tag);
	}
	g_assert_no_error (error);
	g_assert_cmpint (st, ==, EAS_WBXML_DONE);
	g_assert_true (eas_wbxml_decoder_finish (dec, NULL));

	/* Same START sequence as the tree of the document. */
	g_autoptr (EasNode) root = eas_wbxml_parse (p, len, NULL, NULL);
	g_autoptr (GString) want = g_string_new (NULL);
	for (EasNode *n = root; n != NULL;) {
		g_string_append_printf (want, "%u/", n->tag);
		if (n->first_child != NULL) {
			n = n->first_child;
			continue;
		}
		while (n != NULL && n->next == NULL)
			n = n->parent;
		if (n != NULL)
			n = n->next;
	}
	g_assert_cmpstr (trace->str, ==, want->str);
}

/* The XML view applies the limits it is given. */
static void
test_xml_limits (void)
{
	g_autoptr (GBytes) doc = nested_document (10);
	gsize len;
	const guint8 *p = g_bytes_get_data (doc, &len);
	EasWbxmlLimits limits;
	g_autoptr (GError) error = NULL;

	eas_wbxml_limits_init_default (&limits);
	limits.depth = 10;
	g_autofree char *ok = eas_wbxml_to_xml (p, len, &limits, &error);
	g_assert_no_error (error);
	g_assert_nonnull (ok);
	limits.depth = 9;
	g_autofree char *bad = eas_wbxml_to_xml (p, len, &limits, &error);
	g_assert_null (bad);
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_LIMIT);
}

/* OPAQUE arrives in chunks as its bytes arrive: memory stays flat. */
static void
test_decode_opaque_chunks (void)
{
	gsize total = 1u << 20;
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (EasWbxmlDecoder) dec = eas_wbxml_decoder_new (NULL);
	g_autofree guint8 *block = g_malloc (4096);
	guint64 seen = 0, expect_offset = 0;
	guint chunks = 0;
	gboolean done = FALSE;
	guint32 sum_in = 0, sum_out = 0;

	eas_wbxml_writer_start (w, EAS_COMPOSEMAIL_SEND_MAIL);
	eas_wbxml_writer_start (w, EAS_COMPOSEMAIL_MIME);
	eas_wbxml_writer_opaque_begin (w, total);
	for (gsize off = 0; off <= total; off += 4096) {
		if (off < total) {
			for (guint i = 0; i < 4096; i++) {
				block[i] = (guint8) ((off + i) * 31 + 7);
				sum_in = sum_in * 33 + block[i];
			}
			eas_wbxml_writer_opaque_data (w, block, 4096);
		} else {
			eas_wbxml_writer_opaque_end (w);
			eas_wbxml_writer_end (w);
			eas_wbxml_writer_end (w);
		}
		/* Drain the writer into the decoder as a socket would. */
		g_autoptr (GBytes) part = off < total ? eas_wbxml_writer_take (w)
		                                      : eas_wbxml_writer_finish (w, NULL);
		gsize plen;
		const guint8 *pp = g_bytes_get_data (part, &plen);
		eas_wbxml_decoder_feed (dec, pp, plen);
		EasWbxmlEvent ev;
		EasWbxmlStatus st;
		g_autoptr (GError) error = NULL;
		while ((st = eas_wbxml_decoder_next (dec, &ev, &error)) == EAS_WBXML_GOT_EVENT) {
			if (ev.type != EAS_WBXML_EVENT_OPAQUE)
				continue;
			g_assert_cmpuint (ev.tag, ==, EAS_COMPOSEMAIL_MIME);
			g_assert_cmpuint (ev.opaque_total, ==, total);
			g_assert_cmpuint (ev.opaque_offset, ==, expect_offset);
			/* No chunk is larger than what one feed brought. */
			g_assert_cmpuint (ev.len, <=, plen);
			for (gsize i = 0; i < ev.len; i++)
				sum_out = sum_out * 33 + ev.data[i];
			expect_offset += ev.len;
			seen += ev.len;
			chunks++;
		}
		g_assert_no_error (error);
		done = st == EAS_WBXML_DONE;
	}
	g_assert_true (done);
	g_assert_true (eas_wbxml_decoder_finish (dec, NULL));
	g_assert_cmpuint (seen, ==, total);
	g_assert_cmpuint (sum_out, ==, sum_in);
	g_assert_cmpuint (chunks, >=, total / 4096);
}

static void
test_decode_empty_opaque (void)
{
	static const guint8 doc[] = { 0x03, 0x01, 0x6A, 0x00, 0x00, 0x15, 0x45, 0x50, 0xC3, 0x00, 0x01, 0x01 };
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (doc, sizeof doc, NULL, &error);
	g_assert_no_error (error);
	EasNode *mime = eas_node_child (root, EAS_COMPOSEMAIL_MIME);
	g_assert_nonnull (mime->opaque);
	g_assert_cmpuint (g_bytes_get_size (mime->opaque), ==, 0);
	g_autoptr (GBytes) out = eas_node_encode (root);
	assert_bytes_equal (out, doc, sizeof doc);
}

/* ---- Limits: each at N (passes) and N + 1 (fails, naming the offset) ---- */

static GBytes *
nested_document (guint depth)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	for (guint i = 0; i < depth; i++)
		eas_wbxml_writer_start (w, EAS_AIRSYNC_ADD);
	eas_wbxml_writer_text (w, "x", 1);
	for (guint i = 0; i < depth; i++)
		eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

static void
assert_limit (GBytes *doc, const EasWbxmlLimits *limits, gboolean ok, const char *needle)
{
	gsize len;
	const guint8 *p = g_bytes_get_data (doc, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (p, len, limits, &error);

	if (ok) {
		g_assert_no_error (error);
		g_assert_nonnull (root);
		return;
	}
	g_assert_null (root);
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_LIMIT);
	if (strstr (error->message, needle) == NULL)
		g_error ("message \"%s\" lacks \"%s\"", error->message, needle);
	/* The streaming decoder fed byte by byte agrees. */
	g_autoptr (GError) error2 = NULL;
	g_autofree char *trace = trace_decode_full (p, len, 1, NULL, limits, &error2);
	g_assert_error (error2, EAS_WBXML_ERROR, EAS_WBXML_ERROR_LIMIT);
	g_assert_cmpstr (error2->message, ==, error->message);
}

static void
test_limit_depth (void)
{
	EasWbxmlLimits limits;
	eas_wbxml_limits_init_default (&limits);
	limits.depth = 20;

	g_autoptr (GBytes) at = nested_document (20);
	g_autoptr (GBytes) over = nested_document (21);
	assert_limit (at, &limits, TRUE, NULL);
	/* The 21st Add is at offset 4 + 20. */
	assert_limit (over, &limits, FALSE, "offset 24");
	assert_limit (over, &limits, FALSE, "limit of 20");
}

static void
test_limit_depth_10000 (void)
{
	/* 10,000 levels: refused at the default limit without recursion. */
	g_autoptr (GBytes) deep = nested_document (10000);
	assert_limit (deep, NULL, FALSE, "limit of 64");

	/* With the limit raised, the tree is built, encoded and freed without
	 * recursion. */
	EasWbxmlLimits limits;
	eas_wbxml_limits_init_default (&limits);
	limits.depth = 10000;
	gsize len;
	const guint8 *p = g_bytes_get_data (deep, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (p, len, &limits, &error);
	g_assert_no_error (error);
	g_autoptr (GBytes) again = eas_node_encode (root);
	g_assert_true (g_bytes_equal (again, deep));
	limits.depth = 9999;
	g_assert_null (eas_wbxml_parse (p, len, &limits, &error));
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_LIMIT);
}

static GBytes *
flat_document (guint children)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_PING_FOLDERS);
	for (guint i = 0; i < children; i++)
		eas_wbxml_writer_empty (w, EAS_PING_FOLDER);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

static void
test_limit_elements (void)
{
	EasWbxmlLimits limits;
	eas_wbxml_limits_init_default (&limits);
	limits.elements = 100;

	g_autoptr (GBytes) at = flat_document (99);	/* 100 with the root */
	g_autoptr (GBytes) over = flat_document (100);
	assert_limit (at, &limits, TRUE, NULL);
	/* header 4 + SWITCH_PAGE 2 + root 1 + 99 children: the 101st at 106. */
	assert_limit (over, &limits, FALSE, "offset 106");
}

static GBytes *
text_document (gsize text_len, gboolean opaque)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autofree char *text = g_malloc (text_len + 1);

	memset (text, 'a', text_len);
	text[text_len] = '\0';
	eas_wbxml_writer_start (w, EAS_AIRSYNC_SYNC);
	if (opaque)
		eas_wbxml_writer_opaque_element (w, EAS_AIRSYNC_SYNC_KEY, (guint8 *) text, text_len);
	else
		eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SYNC_KEY, text);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

/* A document whose string table has `size` bytes, and a root using it. */
static GBytes *
string_table_document (gsize size)
{
	GByteArray *doc = g_byte_array_new ();

	g_byte_array_append (doc, (const guint8 *) "\x03\x01\x6A", 3);
	eas_wbxml_append_mb_u_int32 (doc, (guint32) size);
	gsize at = doc->len;
	g_byte_array_set_size (doc, doc->len + (guint) size);
	memset (doc->data + at, 's', size);
	doc->data[doc->len - 1] = '\0';
	g_byte_array_append (doc, (const guint8 *) "\x45\x83\x00\x01", 4);
	return g_byte_array_free_to_bytes (doc);
}

static void
test_limit_string (void)
{
	EasWbxmlLimits limits;
	eas_wbxml_limits_init_default (&limits);
	limits.string_bytes = 1000;

	g_autoptr (GBytes) at = text_document (1000, FALSE);
	g_autoptr (GBytes) over = text_document (1001, FALSE);
	assert_limit (at, &limits, TRUE, NULL);
	assert_limit (over, &limits, FALSE, "offset 6");

	/* The string table is bounded by the same limit. */
	g_autoptr (GBytes) tbl_at = string_table_document (1000);
	g_autoptr (GBytes) tbl_over = string_table_document (1001);
	assert_limit (tbl_at, &limits, TRUE, NULL);
	assert_limit (tbl_over, &limits, FALSE, "offset 3");
}

static void
test_limit_opaque (void)
{
	EasWbxmlLimits limits;
	eas_wbxml_limits_init_default (&limits);
	limits.opaque_bytes = 5000;

	g_autoptr (GBytes) at = text_document (5000, TRUE);
	g_autoptr (GBytes) over = text_document (5001, TRUE);
	assert_limit (at, &limits, TRUE, NULL);
	assert_limit (over, &limits, FALSE, "offset 6");
}

static void
test_limit_document (void)
{
	g_autoptr (GBytes) doc = text_document (500, FALSE);
	EasWbxmlLimits limits;
	eas_wbxml_limits_init_default (&limits);

	limits.document_bytes = g_bytes_get_size (doc);
	assert_limit (doc, &limits, TRUE, NULL);
	limits.document_bytes = g_bytes_get_size (doc) - 1;
	g_autofree char *needle = g_strdup_printf ("offset %" G_GSIZE_FORMAT, limits.document_bytes);
	assert_limit (doc, &limits, FALSE, needle);
}

static void
test_limit_defaults (void)
{
	EasWbxmlLimits limits;
	eas_wbxml_limits_init_default (&limits);
	g_assert_cmpuint (limits.depth, ==, EAS_WBXML_DEFAULT_DEPTH);
	g_assert_cmpuint (limits.elements, ==, EAS_WBXML_DEFAULT_ELEMENTS);
	g_assert_cmpuint (limits.string_bytes, ==, EAS_WBXML_DEFAULT_STRING_BYTES);
	g_assert_cmpuint (limits.opaque_bytes, ==, EAS_WBXML_DEFAULT_OPAQUE_BYTES);
	g_assert_cmpuint (limits.document_bytes, ==, EAS_WBXML_DEFAULT_DOCUMENT_BYTES);
	g_assert_cmpuint (limits.document_bytes, >, limits.opaque_bytes);
}

/* ---- Tree helpers ------------------------------------------------------ */

static void
test_tree_helpers (void)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *cols = eas_node_append (root, EAS_AIRSYNC_COLLECTIONS);
	EasNode *c1 = eas_node_append (cols, EAS_AIRSYNC_COLLECTION);
	EasNode *c2 = eas_node_append (cols, EAS_AIRSYNC_COLLECTION);
	eas_node_append_text (c1, EAS_AIRSYNC_SYNC_KEY, "0");
	eas_node_append_text (c1, EAS_AIRSYNC_COLLECTION_ID, "5");
	eas_node_append_text (c1, EAS_AIRSYNC_WINDOW_SIZE, "513");
	eas_node_append_text (c2, EAS_AIRSYNC_WINDOW_SIZE, "-1");
	eas_node_append_text (c2, EAS_AIRSYNC_SYNC_KEY, "{abc}");

	g_assert_true (eas_node_path (root, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0) == c1);
	g_assert_null (eas_node_path (root, EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_ADD, 0));
	g_assert_true (eas_node_path (root, 0) == root);
	g_assert_true (eas_node_next_same (c1) == c2);
	g_assert_null (eas_node_next_same (c2));
	g_assert_cmpstr (eas_node_child_text (c1, EAS_AIRSYNC_COLLECTION_ID), ==, "5");
	g_assert_null (eas_node_child_text (c1, EAS_AIRSYNC_CLASS));

	guint64 v = 0;
	g_autoptr (GError) error = NULL;
	g_assert_true (eas_node_child_uint (c1, EAS_AIRSYNC_COLLECTION_ID, 0, 10, &v, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (v, ==, 5);
	/* 512 is the WindowSize maximum: 513 is refused, naming the tag. */
	g_assert_false (eas_node_child_uint (c1, EAS_AIRSYNC_WINDOW_SIZE, 1, 512, &v, &error));
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED);
	g_assert_nonnull (strstr (error->message, "AirSync:WindowSize"));
	g_clear_error (&error);
	g_assert_true (eas_node_child_uint (c1, EAS_AIRSYNC_WINDOW_SIZE, 1, 513, &v, NULL));
	g_assert_false (eas_node_child_uint (c2, EAS_AIRSYNC_WINDOW_SIZE, 0, 512, &v, &error));
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED);
	g_clear_error (&error);
	g_assert_false (eas_node_child_uint (c2, EAS_AIRSYNC_CLASS, 0, 512, &v, &error));
	g_assert_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED);
	g_assert_nonnull (strstr (error->message, "AirSync:Class"));

	/* Freeing a subtree unlinks it from its parent. */
	eas_node_free (c1);
	g_assert_true (cols->first_child == c2);
	g_assert_true (cols->last_child == c2);
	eas_node_free (NULL);

	/* A tree built on its own joins as the last child, and goes with
	 * its new parent. */
	EasNode *add = eas_node_new (EAS_AIRSYNC_ADD);
	eas_node_append_text (add, EAS_AIRSYNC_CLIENT_ID, "c1");
	EasNode *cmds = eas_node_new (EAS_AIRSYNC_COMMANDS);
	eas_node_adopt (cmds, add);
	eas_node_adopt (c2, cmds);
	g_assert_true (cmds->parent == c2);
	g_assert_true (c2->last_child == cmds);
	g_assert_true (eas_node_path (root, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
	                              EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_ADD, 0) == add);
	g_assert_cmpstr (eas_node_child_text (add, EAS_AIRSYNC_CLIENT_ID), ==, "c1");
	g_assert_null (add->next);
}

static void
test_tree_roundtrip_random (void)
{
	g_autoptr (GRand) rand = g_rand_new_with_seed (4242);

	for (guint round = 0; round < 100; round++) {
		g_autoptr (GBytes) doc = random_document (rand, 8, 60);
		gsize len;
		const guint8 *p = g_bytes_get_data (doc, &len);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasNode) root = eas_wbxml_parse (p, len, NULL, &error);
		g_assert_no_error (error);
		g_autoptr (GBytes) again = eas_node_encode (root);
		g_assert_true (g_bytes_equal (again, doc));
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/wbxml/writer/known-answer", test_writer_known_answer);
	g_test_add_func ("/wbxml/writer/switch-page", test_writer_switch_page_only_when_needed);
	g_test_add_func ("/wbxml/writer/opaque", test_writer_opaque);
	g_test_add_func ("/wbxml/writer/unbalanced", test_writer_unbalanced);
	g_test_add_func ("/wbxml/writer/misuse", test_writer_misuse);
	g_test_add_func ("/wbxml/codepages/table", test_codepages_table);
	g_test_add_func ("/wbxml/codepages/every-tag-roundtrip", test_codepages_every_tag_roundtrip);
	g_test_add_func ("/wbxml/decode/events", test_decode_events);
	g_test_add_func ("/wbxml/decode/string-table", test_decode_string_table);
	g_test_add_func ("/wbxml/decode/public-id-index", test_decode_public_id_index);
	for (gsize i = 0; i < G_N_ELEMENTS (bad_docs); i++) {
		g_autofree char *path = g_strdup_printf ("/wbxml/decode/bad/%s", bad_docs[i].name);
		g_test_add_data_func (path, &bad_docs[i], test_decode_bad);
	}
	g_test_add_func ("/wbxml/decode/truncated-everywhere", test_decode_truncated_everywhere);
	g_test_add_func ("/wbxml/decode/any-split", test_decode_any_split);
	g_test_add_func ("/wbxml/decode/fixtures-any-split", test_decode_fixtures_any_split);
	g_test_add_func ("/wbxml/decode/feed-before-drain", test_decode_feed_before_drain);
	g_test_add_func ("/wbxml/decode/opaque-chunks", test_decode_opaque_chunks);
	g_test_add_func ("/wbxml/limits/xml", test_xml_limits);
	g_test_add_func ("/wbxml/decode/empty-opaque", test_decode_empty_opaque);
	g_test_add_func ("/wbxml/limits/defaults", test_limit_defaults);
	g_test_add_func ("/wbxml/limits/depth", test_limit_depth);
	g_test_add_func ("/wbxml/limits/depth-10000", test_limit_depth_10000);
	g_test_add_func ("/wbxml/limits/elements", test_limit_elements);
	g_test_add_func ("/wbxml/limits/string", test_limit_string);
	g_test_add_func ("/wbxml/limits/opaque", test_limit_opaque);
	g_test_add_func ("/wbxml/limits/document", test_limit_document);
	g_test_add_func ("/wbxml/tree/helpers", test_tree_helpers);
	g_test_add_func ("/wbxml/tree/roundtrip-random", test_tree_roundtrip_random);

	return g_test_run ();
}
