/* Tests for pst/pststore-pipe.c (the reader → parent record format) and
 * the parent's importer that applies those records to the store. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pst/pststore-import.h"
#include "pst/pststore-pipe.h"

static PststorePipeLimits limits;

static PststoreItem *
full_task (void)
{
	PststoreItem *it = pststore_item_new ("IPM.Task");
	const char *cats[] = { "Work", "Home", NULL };

	it->subject = g_strdup ("Pay \xe2\x82\xac bills");
	it->body = g_strdup ("line\r\nline");
	it->categories = g_strdupv ((char **) cats);
	it->importance = 2;
	it->sensitivity = 3;
	it->created = -11644473600;	/* 1601-01-01, the first FILETIME */
	it->modified = 253402300799;	/* 9999-12-31 23:59:59 */
	it->task_start = 1700000000;
	it->task_due = 1700100000;
	it->task_date_completed = 1700200000;
	it->task_complete = TRUE;
	it->task_percent = 0.25;
	it->task_status = PSTSTORE_TASK_DEFERRED;
	it->reminder = 1699999000;
	it->recurrence = g_strdup ("FREQ=MONTHLY;BYMONTHDAY=3");
	it->data = g_strdup ("extra");
	return it;
}

static void
assert_items_equal (const PststoreItem *a, const PststoreItem *b)
{
	g_assert_cmpstr (a->message_class, ==, b->message_class);
	g_assert_cmpstr (a->subject, ==, b->subject);
	g_assert_cmpstr (a->body, ==, b->body);
	g_assert_cmpstrv (a->categories, b->categories);
	g_assert_cmpint (a->importance, ==, b->importance);
	g_assert_cmpint (a->sensitivity, ==, b->sensitivity);
	g_assert_cmpint (a->created, ==, b->created);
	g_assert_cmpint (a->modified, ==, b->modified);
	g_assert_cmpint (a->task_start, ==, b->task_start);
	g_assert_cmpint (a->task_due, ==, b->task_due);
	g_assert_cmpint (a->task_date_completed, ==, b->task_date_completed);
	g_assert_cmpint (a->task_complete, ==, b->task_complete);
	g_assert_cmpfloat_with_epsilon (a->task_percent, b->task_percent, 1e-6);
	g_assert_cmpint (a->task_status, ==, b->task_status);
	g_assert_cmpint (a->reminder, ==, b->reminder);
	g_assert_cmpstr (a->recurrence, ==, b->recurrence);
	g_assert_cmpint (a->note_colour, ==, b->note_colour);
	g_assert_cmpstr (a->data, ==, b->data);
}

/* Encodes @rec and decodes the frame back. */
static PststorePipeRecord *
roundtrip (const PststorePipeRecord *rec, GError **error)
{
	g_autoptr (GByteArray) buf = g_byte_array_new ();
	gsize len = 0;

	pststore_pipe_encode (rec, buf);
	g_assert_true (pststore_pipe_frame_length (buf->data, &limits, &len, NULL));
	g_assert_cmpuint (len + 4, ==, buf->len);
	return pststore_pipe_decode (buf->data + 4, len, &limits, error);
}

static void
test_roundtrip (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PststorePipeRecord) item = pststore_pipe_record_new (PSTSTORE_REC_ITEM);
	g_autoptr (PststorePipeRecord) hello = pststore_pipe_record_new (PSTSTORE_REC_HELLO);
	g_autoptr (PststorePipeRecord) folder = pststore_pipe_record_new (PSTSTORE_REC_FOLDER);

	item->nid = 0x200024;
	item->parent = 0x8082;
	item->item = full_task ();
	g_autoptr (PststorePipeRecord) item2 = roundtrip (item, &error);
	g_assert_no_error (error);
	g_assert_cmpint (item2->type, ==, PSTSTORE_REC_ITEM);
	g_assert_cmpuint (item2->nid, ==, 0x200024);
	g_assert_cmpuint (item2->parent, ==, 0x8082);
	assert_items_equal (item->item, item2->item);
	g_assert_cmpint (item2->item->kind, ==, PSTSTORE_KIND_TASK);

	hello->store_uid = g_strdup ("0011aabb");
	hello->total = 12345;
	hello->password = TRUE;
	g_autoptr (PststorePipeRecord) hello2 = roundtrip (hello, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (hello2->store_uid, ==, "0011aabb");
	g_assert_cmpuint (hello2->total, ==, 12345);
	g_assert_true (hello2->password);

	folder->nid = 0x8082;
	folder->name = g_strdup ("Posta in arrivo");
	folder->container_class = g_strdup ("IPF.Note");
	g_autoptr (PststorePipeRecord) folder2 = roundtrip (folder, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (folder2->name, ==, "Posta in arrivo");
	g_assert_cmpstr (folder2->container_class, ==, "IPF.Note");
	g_assert_cmpuint (folder2->parent, ==, 0);

	/* A note without colour keeps "unset". */
	g_autoptr (PststorePipeRecord) note = pststore_pipe_record_new (PSTSTORE_REC_ITEM);
	note->nid = 4;
	note->item = pststore_item_new ("IPM.StickyNote");
	g_autoptr (PststorePipeRecord) note2 = roundtrip (note, &error);
	g_assert_cmpint (note2->item->note_colour, ==, PSTSTORE_NOTE_COLOUR_UNSET);
	note->item->note_colour = PSTSTORE_NOTE_WHITE;
	g_autoptr (PststorePipeRecord) note3 = roundtrip (note, &error);
	g_assert_cmpint (note3->item->note_colour, ==, PSTSTORE_NOTE_WHITE);
}

/* A payload built by hand: type, then (tag, bytes) fields. */
static GByteArray *
payload (guint8 type)
{
	GByteArray *b = g_byte_array_new ();

	g_byte_array_append (b, &type, 1);
	return b;
}

static void
add_field (GByteArray *b, guint8 tag, const void *data, guint32 len)
{
	guint8 h[5] = { tag, len >> 24, len >> 16, len >> 8, len };

	g_byte_array_append (b, h, 5);
	g_byte_array_append (b, data, len);
}

static void
add_u64 (GByteArray *b, guint8 tag, guint64 v)
{
	guint8 d[8];

	for (int i = 0; i < 8; i++)
		d[i] = (guint8) (v >> (56 - 8 * i));
	add_field (b, tag, d, 8);
}

/* Tags as in pststore-pipe.c (the format is the contract). */
enum { T_NID = 1, T_PARENT, T_TOTAL, T_PASSWORD, T_UID, T_NAME, T_CCLASS, T_MESSAGE, T_CLASS, T_SUBJECT,
       T_BODY, T_CATEGORIES, T_IMPORTANCE, T_SENSITIVITY, T_CREATED };

static void
expect_error (GByteArray *b, gint code)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PststorePipeRecord) rec = pststore_pipe_decode (b->data, b->len, &limits, &error);

	g_assert_null (rec);
	g_assert_error (error, PSTSTORE_PIPE_ERROR, code);
	g_byte_array_unref (b);
}

static PststorePipeRecord *
expect_ok (GByteArray *b)
{
	g_autoptr (GError) error = NULL;
	PststorePipeRecord *rec = pststore_pipe_decode (b->data, b->len, &limits, &error);

	g_assert_no_error (error);
	g_assert_nonnull (rec);
	g_byte_array_unref (b);
	return rec;
}

static GByteArray *
folder_with_name_len (gsize n)
{
	GByteArray *b = payload (PSTSTORE_REC_FOLDER);
	g_autofree char *name = g_strnfill (n, 'x');

	add_u64 (b, T_NID, 2);
	add_field (b, T_NAME, name, (guint32) n);
	return b;
}

static void
test_limits (void)
{
	PststorePipeLimits saved = limits;
	guint8 hdr[4];
	gsize len;

	/* Name length: 1024 is the limit. */
	g_autoptr (PststorePipeRecord) ok = expect_ok (folder_with_name_len (limits.name_bytes));
	g_assert_cmpuint (strlen (ok->name), ==, limits.name_bytes);
	expect_error (folder_with_name_len (limits.name_bytes + 1), PSTSTORE_PIPE_ERROR_LIMIT);

	/* Field count: at the limit and one over. */
	limits.fields = 2;
	g_autoptr (PststorePipeRecord) two = expect_ok (folder_with_name_len (3));
	GByteArray *three = folder_with_name_len (3);
	add_field (three, T_CCLASS, "IPF", 3);
	expect_error (three, PSTSTORE_PIPE_ERROR_LIMIT);
	limits = saved;

	/* Categories: 256 and 257. */
	for (guint n = limits.categories; n <= limits.categories + 1; n++) {
		GByteArray *b = payload (PSTSTORE_REC_ITEM);
		g_autoptr (GString) cats = g_string_new (NULL);
		for (guint i = 0; i < n; i++)
			g_string_append_printf (cats, "%sc%u", i ? "\n" : "", i);
		add_u64 (b, T_NID, 4);
		add_field (b, T_CLASS, "IPM.Note", 8);
		add_field (b, T_CATEGORIES, cats->str, (guint32) cats->len);
		if (n == limits.categories) {
			g_autoptr (PststorePipeRecord) rec = expect_ok (b);
			g_assert_cmpuint (g_strv_length (rec->item->categories), ==, n);
		} else {
			expect_error (b, PSTSTORE_PIPE_ERROR_LIMIT);
		}
	}

	/* Frame length: 0 is malformed, the limit passes, one more does not. */
	memset (hdr, 0, 4);
	g_assert_false (pststore_pipe_frame_length (hdr, &limits, &len, NULL));
	for (gsize n = limits.frame_bytes; n <= limits.frame_bytes + 1; n++) {
		g_autoptr (GError) error = NULL;
		hdr[0] = (guint8) (n >> 24);
		hdr[1] = (guint8) (n >> 16);
		hdr[2] = (guint8) (n >> 8);
		hdr[3] = (guint8) n;
		gboolean r = pststore_pipe_frame_length (hdr, &limits, &len, &error);
		g_assert_true (r == (n == limits.frame_bytes));
		if (!r)
			g_assert_error (error, PSTSTORE_PIPE_ERROR, PSTSTORE_PIPE_ERROR_LIMIT);
	}
}

static void
test_malformed (void)
{
	GByteArray *b;
	guint8 three = 3, bad_utf8[] = { 'a', 0xff }, nul[] = { 'a', 0, 'b' };

	/* Empty payload, unknown record type. */
	b = g_byte_array_new ();
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
	expect_error (payload (0), PSTSTORE_PIPE_ERROR_MALFORMED);
	expect_error (payload (6), PSTSTORE_PIPE_ERROR_MALFORMED);
	/* Truncated field header and value. */
	b = payload (PSTSTORE_REC_END);
	g_byte_array_append (b, (const guint8 *) "\x01\x00\x00", 3);
	expect_error (b, PSTSTORE_PIPE_ERROR_TRUNCATED);
	b = payload (PSTSTORE_REC_END);
	g_byte_array_append (b, (const guint8 *) "\x01\x00\x00\x00\x08\x00", 6);
	expect_error (b, PSTSTORE_PIPE_ERROR_TRUNCATED);
	/* A huge announced length does not overflow the check. */
	b = payload (PSTSTORE_REC_END);
	g_byte_array_append (b, (const guint8 *) "\x01\xff\xff\xff\xff", 5);
	expect_error (b, PSTSTORE_PIPE_ERROR_TRUNCATED);
	/* Repeated and unknown tags. */
	b = payload (PSTSTORE_REC_END);
	add_u64 (b, T_NID, 1);
	add_u64 (b, T_NID, 1);
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
	b = payload (PSTSTORE_REC_END);
	add_u64 (b, 200, 1);
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
	/* Integers: wrong size, out of range. */
	b = payload (PSTSTORE_REC_END);
	add_field (b, T_NID, "\x01\x02", 2);
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
	b = payload (PSTSTORE_REC_ITEM);
	add_u64 (b, T_NID, 4);
	add_field (b, T_CLASS, "IPM.Note", 8);
	add_u64 (b, T_IMPORTANCE, 3);
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
	b = payload (PSTSTORE_REC_HELLO);
	add_field (b, T_UID, "ab", 2);
	add_field (b, T_PASSWORD, &three, 1);
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
	/* Times: the last second of 9999 passes, the next one does not. */
	for (gint64 t = 253402300799; t <= 253402300800; t++) {
		b = payload (PSTSTORE_REC_ITEM);
		add_u64 (b, T_NID, 4);
		add_field (b, T_CLASS, "IPM.Note", 8);
		add_u64 (b, T_CREATED, (guint64) t);
		if (t == 253402300799) {
			g_autoptr (PststorePipeRecord) rec = expect_ok (b);
			g_assert_cmpint (rec->item->created, ==, t);
		} else {
			expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
		}
	}
	/* Strings must be UTF-8 without NUL. */
	b = payload (PSTSTORE_REC_ERROR);
	add_field (b, T_MESSAGE, bad_utf8, 2);
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
	b = payload (PSTSTORE_REC_ERROR);
	add_field (b, T_MESSAGE, nul, 3);
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
	/* Item fields only in items; required fields present. */
	b = payload (PSTSTORE_REC_FOLDER);
	add_u64 (b, T_NID, 2);
	add_field (b, T_NAME, "x", 1);
	add_field (b, T_SUBJECT, "s", 1);
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
	b = payload (PSTSTORE_REC_ITEM);
	add_u64 (b, T_NID, 4);
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
	b = payload (PSTSTORE_REC_HELLO);
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
	/* Empty categories are refused. */
	b = payload (PSTSTORE_REC_ITEM);
	add_u64 (b, T_NID, 4);
	add_field (b, T_CLASS, "IPM.Note", 8);
	add_field (b, T_CATEGORIES, "a\n\nb", 4);
	expect_error (b, PSTSTORE_PIPE_ERROR_MALFORMED);
}

/* ---- Importer -------------------------------------------------------------- */

typedef struct {
	char *dir;
	PststoreStore *store;
} Fixture;

static void
setup (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = NULL;

	fx->dir = g_dir_make_tmp ("pstpipe-XXXXXX", &error);
	g_assert_no_error (error);
	path = g_build_filename (fx->dir, "store.sqlite", NULL);
	fx->store = pststore_open (path, &error);
	g_assert_no_error (error);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
	g_autoptr (GDir) dir = g_dir_open (fx->dir, 0, NULL);
	const char *name;

	pststore_close (fx->store);
	while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
		g_autofree char *p = g_build_filename (fx->dir, name, NULL);
		g_remove (p);
	}
	g_rmdir (fx->dir);
	g_free (fx->dir);
}

static void
encode (GByteArray *out, PststoreRecType type, guint64 nid, guint64 parent, const char *name, PststoreItem *item)
{
	g_autoptr (PststorePipeRecord) rec = pststore_pipe_record_new (type);

	rec->nid = nid;
	rec->parent = parent;
	if (type == PSTSTORE_REC_HELLO) {
		rec->store_uid = g_strdup ("feedface");
		rec->total = 2;
	} else if (type == PSTSTORE_REC_ERROR) {
		rec->message = g_strdup (name);
	} else {
		rec->name = g_strdup (name);
	}
	rec->item = item;
	pststore_pipe_encode (rec, out);
}

static GByteArray *
good_stream (void)
{
	GByteArray *s = g_byte_array_new ();
	PststoreItem *note = pststore_item_new ("IPM.StickyNote");

	note->subject = g_strdup ("yellow");
	note->note_colour = PSTSTORE_NOTE_YELLOW;
	encode (s, PSTSTORE_REC_HELLO, 0, 0, NULL, NULL);
	encode (s, PSTSTORE_REC_FOLDER, 0x8082, 0, "Tasks", NULL);
	encode (s, PSTSTORE_REC_FOLDER, 0x80a2, 0x8082, "Sub/Tasks", NULL);
	encode (s, PSTSTORE_REC_ITEM, 0x200024, 0x80a2, NULL, full_task ());
	encode (s, PSTSTORE_REC_ITEM, 0x200044, 0, NULL, note);
	encode (s, PSTSTORE_REC_ERROR, 0x200064, 0, "item 0x200064 could not be read", NULL);
	encode (s, PSTSTORE_REC_END, 0, 0, NULL, NULL);
	return s;
}

/* The whole stream fed one byte at a time: task properties, folder tree,
 * errors and counts arrive in the store. */
static void
test_importer_apply (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GByteArray) s = good_stream ();
	g_autoptr (PststoreImporter) imp = pststore_importer_new (fx->store, 0, &error);

	g_assert_no_error (error);
	for (guint i = 0; i < s->len; i++) {
		g_assert_false (pststore_importer_finished (imp));
		g_assert_true (pststore_importer_feed (imp, s->data + i, 1, &error));
		g_assert_no_error (error);
	}
	g_assert_true (pststore_importer_finished (imp));
	const PststoreImportSummary *sum = pststore_importer_summary (imp);
	g_assert_cmpuint (sum->counts[PSTSTORE_KIND_TASK], ==, 1);
	g_assert_cmpuint (sum->counts[PSTSTORE_KIND_NOTE], ==, 1);
	g_assert_cmpuint (sum->folders, ==, 2);
	g_assert_cmpuint (sum->errors, ==, 1);
	g_assert_cmpstr (sum->messages->pdata[0], ==, "item 0x200064 could not be read");
	g_assert_true (pststore_importer_commit (imp, &error));

	/* "Tasks" merged into the store's own; '/' in a name is replaced. */
	gint64 sub = pststore_folder_lookup (fx->store, "Tasks/Sub_Tasks", &error);
	g_assert_no_error (error);
	g_autoptr (GPtrArray) items = pststore_item_list (fx->store, sub, &error);
	g_assert_cmpuint (items->len, ==, 1);
	g_autoptr (PststoreItem) expect = full_task ();
	assert_items_equal (items->pdata[0], expect);
	g_assert_cmpstr (((PststoreItem *) items->pdata[0])->source_id, ==, "pst:feedface:200024");
	/* An item at the top of the PST goes to "Imported". */
	gint64 imported = pststore_folder_lookup (fx->store, "Imported", &error);
	g_autoptr (GPtrArray) top = pststore_item_list (fx->store, imported, &error);
	g_assert_cmpuint (top->len, ==, 1);
	g_assert_cmpint (((PststoreItem *) top->pdata[0])->note_colour, ==, PSTSTORE_NOTE_YELLOW);
}

static void
expect_protocol_error (Fixture *fx, GByteArray *s)
{
	g_autoptr (GError) error = NULL;
	gint64 before, after;

	g_assert_true (pststore_get_counter (fx->store, &before, NULL));
	PststoreImporter *imp = pststore_importer_new (fx->store, 0, &error);
	g_assert_false (pststore_importer_feed (imp, s->data, s->len, &error));
	g_assert_nonnull (error);
	pststore_importer_free (imp);	/* rolls back */
	g_assert_true (pststore_get_counter (fx->store, &after, NULL));
	g_assert_cmpint (after, ==, before);
	g_byte_array_unref (s);
}

static void
test_importer_protocol (Fixture *fx, gconstpointer data)
{
	GByteArray *s;

	/* An item before the hello. */
	s = g_byte_array_new ();
	encode (s, PSTSTORE_REC_ITEM, 0x24, 0, NULL, pststore_item_new ("IPM.Note"));
	expect_protocol_error (fx, s);
	/* An item in a folder that was never announced. */
	s = g_byte_array_new ();
	encode (s, PSTSTORE_REC_HELLO, 0, 0, NULL, NULL);
	encode (s, PSTSTORE_REC_FOLDER, 0x22, 0, "A", NULL);
	encode (s, PSTSTORE_REC_ITEM, 0x24, 0x42, NULL, pststore_item_new ("IPM.Note"));
	expect_protocol_error (fx, s);
	/* A folder twice (a loop in the tree). */
	s = g_byte_array_new ();
	encode (s, PSTSTORE_REC_HELLO, 0, 0, NULL, NULL);
	encode (s, PSTSTORE_REC_FOLDER, 0x22, 0, "A", NULL);
	encode (s, PSTSTORE_REC_FOLDER, 0x22, 0x22, "A", NULL);
	expect_protocol_error (fx, s);
	/* Two hellos; data after the end. */
	s = g_byte_array_new ();
	encode (s, PSTSTORE_REC_HELLO, 0, 0, NULL, NULL);
	encode (s, PSTSTORE_REC_HELLO, 0, 0, NULL, NULL);
	expect_protocol_error (fx, s);
	s = g_byte_array_new ();
	encode (s, PSTSTORE_REC_HELLO, 0, 0, NULL, NULL);
	encode (s, PSTSTORE_REC_FOLDER, 0x22, 0, "A", NULL);
	encode (s, PSTSTORE_REC_END, 0, 0, NULL, NULL);
	encode (s, PSTSTORE_REC_END, 0, 0, NULL, NULL);
	expect_protocol_error (fx, s);
	/* A frame over the limit is refused before it is buffered. */
	s = g_byte_array_new ();
	encode (s, PSTSTORE_REC_HELLO, 0, 0, NULL, NULL);
	g_byte_array_append (s, (const guint8 *) "\x7f\xff\xff\xff", 4);
	expect_protocol_error (fx, s);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	pststore_pipe_limits_init_default (&limits);
	g_test_add_func ("/pipe/roundtrip", test_roundtrip);
	g_test_add_func ("/pipe/limits", test_limits);
	g_test_add_func ("/pipe/malformed", test_malformed);
	g_test_add ("/pipe/importer/apply", Fixture, NULL, setup, test_importer_apply, teardown);
	g_test_add ("/pipe/importer/protocol", Fixture, NULL, setup, test_importer_protocol, teardown);
	return g_test_run ();
}
