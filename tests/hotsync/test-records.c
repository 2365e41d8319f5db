/* Palm record codecs: categories, MemoDB, ToDoDB. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-records.h"

static void
fill_categories (HotsyncCategories *c)
{
	static const char *const names[] = { "Unfiled", "Business", "Personal", "Caf\xc3\xa9 \xe2\x82\xac" };

	for (int i = 0; i < HOTSYNC_CATEGORY_COUNT; i++) {
		c->names[i] = g_strdup (i < (int) G_N_ELEMENTS (names) ? names[i] : "");
		c->ids[i] = (guint8) (i < (int) G_N_ELEMENTS (names) ? i : 0);
	}
	c->renamed = 0x0006;
	c->last_unique_id = 3;
}

static void
test_categories_round_trip (void)
{
	g_auto (HotsyncCategories) c = { 0 };
	g_auto (HotsyncCategories) back = { 0 };
	g_autoptr (GByteArray) a = g_byte_array_new ();
	g_autoptr (GError) error = NULL;

	fill_categories (&c);
	g_assert_true (hotsync_categories_encode (&c, a, &error));
	g_assert_cmpuint (a->len, ==, HOTSYNC_CATEGORY_BLOCK_LEN);
	/* "Café €" in Windows-1252 at slot 3. */
	g_assert_cmpmem (a->data + 2 + 3 * 16, 7, "Caf\xe9 \x80\0", 7);
	g_assert_true (hotsync_categories_decode (a->data, a->len, &back, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (back.renamed, ==, 6);
	g_assert_cmpuint (back.last_unique_id, ==, 3);
	for (int i = 0; i < HOTSYNC_CATEGORY_COUNT; i++) {
		g_assert_cmpstr (back.names[i], ==, c.names[i]);
		g_assert_cmpuint (back.ids[i], ==, c.ids[i]);
	}
	g_assert_cmpint (hotsync_categories_find (&back, "Personal"), ==, 2);
	g_assert_cmpint (hotsync_categories_find (&back, "Nope"), ==, -1);
	g_assert_cmpint (hotsync_categories_find (&back, ""), ==, -1);
	/* N-1 bytes fail. */
	hotsync_categories_clear (&back);
	g_assert_false (hotsync_categories_decode (a->data, a->len - 1, &back, &error));
	g_assert_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_TRUNCATED);
}

static void
test_category_name_cut (void)
{
	g_auto (HotsyncCategories) c = { 0 };
	g_auto (HotsyncCategories) back = { 0 };
	g_autoptr (GByteArray) a = g_byte_array_new ();
	guint8 raw[HOTSYNC_CATEGORY_BLOCK_LEN] = { 0 };

	/* 15 characters fit; the 16th is cut. */
	c.names[1] = g_strdup ("0123456789abcdef");
	g_assert_true (hotsync_categories_encode (&c, a, NULL));
	g_assert_true (hotsync_categories_decode (a->data, a->len, &back, NULL));
	g_assert_cmpstr (back.names[1], ==, "0123456789abcde");
	/* A handheld name without its NUL stops at 15 bytes. */
	hotsync_categories_clear (&back);
	memset (raw + 2, 'x', 16);
	g_assert_true (hotsync_categories_decode (raw, sizeof raw, &back, NULL));
	g_assert_cmpuint (strlen (back.names[0]), ==, 15);
}

static void
test_memo (void)
{
	static const guint8 rec[] = "Hello, world!\nSecond line";
	g_autoptr (GError) error = NULL;
	g_autofree char *text = hotsync_memo_decode (rec, sizeof rec, &error);
	g_autofree char *title = NULL;
	g_autofree char *no_nul = NULL;
	g_autoptr (GBytes) enc = NULL;

	g_assert_no_error (error);
	g_assert_cmpstr (text, ==, "Hello, world!\nSecond line");
	title = hotsync_memo_title (text);
	g_assert_cmpstr (title, ==, "Hello, world!");
	enc = hotsync_memo_encode (text, &error);
	g_assert_cmpmem (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), rec, sizeof rec);
	/* Without the NUL: the text up to the end. */
	no_nul = hotsync_memo_decode (rec, 5, &error);
	g_assert_cmpstr (no_nul, ==, "Hello");
}

static void
test_memo_limit (void)
{
	g_autofree guint8 *big = g_malloc (HOTSYNC_RECORD_MAX_SIZE + 1);
	g_autofree char *ok = NULL;
	g_autofree char *too = NULL;
	g_autofree char *text = NULL;
	g_autoptr (GBytes) enc = NULL;
	g_autoptr (GError) error = NULL;

	memset (big, 'm', HOTSYNC_RECORD_MAX_SIZE + 1);
	ok = hotsync_memo_decode (big, HOTSYNC_RECORD_MAX_SIZE, &error);
	g_assert_no_error (error);
	g_assert_nonnull (ok);
	too = hotsync_memo_decode (big, HOTSYNC_RECORD_MAX_SIZE + 1, &error);
	g_assert_null (too);
	g_assert_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_TOO_LONG);
	g_clear_error (&error);
	/* Encoding: N-1 characters plus the NUL fit, N do not. */
	text = g_strndup ((const char *) big, HOTSYNC_RECORD_MAX_SIZE - 1);
	enc = hotsync_memo_encode (text, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (g_bytes_get_size (enc), ==, HOTSYNC_RECORD_MAX_SIZE);
	g_clear_pointer (&text, g_free);
	text = g_strndup ((const char *) big, HOTSYNC_RECORD_MAX_SIZE);
	g_assert_null (hotsync_memo_encode (text, &error));
	g_assert_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_TOO_LONG);
}

static void
test_memo_app_info (void)
{
	g_autoptr (HotsyncMemoAppInfo) info = g_new0 (HotsyncMemoAppInfo, 1);
	g_autoptr (HotsyncMemoAppInfo) back = NULL;
	g_autoptr (HotsyncMemoAppInfo) old = NULL;
	g_autoptr (GBytes) enc = NULL;
	g_autoptr (GError) error = NULL;

	fill_categories (&info->categories);
	info->sort_by_alpha = TRUE;
	enc = hotsync_memo_app_info_encode (info, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (g_bytes_get_size (enc), ==, HOTSYNC_CATEGORY_BLOCK_LEN + 4);
	back = hotsync_memo_app_info_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), &error);
	g_assert_no_error (error);
	g_assert_true (back->sort_by_alpha);
	g_assert_cmpstr (back->categories.names[2], ==, "Personal");
	/* An old block with the categories only. */
	old = hotsync_memo_app_info_decode (g_bytes_get_data (enc, NULL), HOTSYNC_CATEGORY_BLOCK_LEN, &error);
	g_assert_no_error (error);
	g_assert_false (old->sort_by_alpha);
}

static void
test_todo_round_trip (void)
{
	HotsyncTodo t = { TRUE, 2023, 6, 13, 2, TRUE, (char *) "Buy milk \xe2\x82\xac", (char *) "2 litres" };
	g_autoptr (GBytes) enc = NULL;
	g_autoptr (HotsyncTodo) back = NULL;
	g_autoptr (GError) error = NULL;
	const guint8 *d;
	guint16 due;

	enc = hotsync_todo_encode (&t, &error);
	g_assert_no_error (error);
	d = g_bytes_get_data (enc, NULL);
	due = (guint16) ((d[0] << 8) | d[1]);
	g_assert_cmpuint (due >> 9, ==, 2023 - 1904);
	g_assert_cmpuint ((due >> 5) & 0xf, ==, 6);
	g_assert_cmpuint (due & 0x1f, ==, 13);
	g_assert_cmphex (d[2], ==, 0x82);
	g_assert_cmpmem (d + 3, 11, "Buy milk \x80\0", 11);
	back = hotsync_todo_decode (d, g_bytes_get_size (enc), &error);
	g_assert_no_error (error);
	g_assert_true (back->has_due);
	g_assert_cmpuint (back->due_year, ==, 2023);
	g_assert_cmpuint (back->due_month, ==, 6);
	g_assert_cmpuint (back->due_day, ==, 13);
	g_assert_cmpuint (back->priority, ==, 2);
	g_assert_true (back->completed);
	g_assert_cmpstr (back->description, ==, t.description);
	g_assert_cmpstr (back->note, ==, "2 litres");
}

static void
test_todo_edges (void)
{
	static const guint8 no_due[] = { 0xff, 0xff, 0x01, 'x', 0, 0 };
	static const guint8 no_note_nul[] = { 0xff, 0xff, 0x03, 'x', 0 };
	static const guint8 no_desc_nul[] = { 0xff, 0xff, 0x03, 'x' };
	static const guint8 bad_month[] = { 0x00, 0x01, 0x03, 'x', 0, 0 };   /* month 0 */
	static const guint8 header_only[] = { 0xff, 0xff };
	g_autoptr (GError) error = NULL;
	g_autoptr (HotsyncTodo) a = hotsync_todo_decode (no_due, sizeof no_due, &error);
	g_autoptr (HotsyncTodo) b = NULL;
	HotsyncTodo bad = { TRUE, 2032, 1, 1, 1, FALSE, (char *) "x", NULL };
	HotsyncTodo last = { TRUE, 2031, 12, 31, 1, FALSE, (char *) "x", NULL };
	g_autoptr (GBytes) enc = NULL;

	g_assert_no_error (error);
	g_assert_false (a->has_due);
	g_assert_cmpstr (a->note, ==, "");
	b = hotsync_todo_decode (no_note_nul, sizeof no_note_nul, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (b->note, ==, "");
	g_assert_null (hotsync_todo_decode (no_desc_nul, sizeof no_desc_nul, &error));
	g_assert_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_TRUNCATED);
	g_clear_error (&error);
	g_assert_null (hotsync_todo_decode (bad_month, sizeof bad_month, &error));
	g_assert_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_INVALID);
	g_clear_error (&error);
	g_assert_null (hotsync_todo_decode (header_only, sizeof header_only, &error));
	g_assert_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_TRUNCATED);
	g_clear_error (&error);
	/* The year limit: 2031 (N) encodes, 2032 (N+1) does not. */
	enc = hotsync_todo_encode (&last, &error);
	g_assert_no_error (error);
	g_assert_nonnull (enc);
	g_assert_null (hotsync_todo_encode (&bad, &error));
	g_assert_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_INVALID);
	g_clear_error (&error);
	bad.due_year = 2000;
	bad.priority = 0x80;
	g_assert_null (hotsync_todo_encode (&bad, &error));
	g_assert_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_INVALID);
}

static void
test_todo_app_info (void)
{
	g_autoptr (HotsyncTodoAppInfo) info = g_new0 (HotsyncTodoAppInfo, 1);
	g_autoptr (HotsyncTodoAppInfo) back = NULL;
	g_autoptr (GBytes) enc = NULL;
	g_autoptr (GError) error = NULL;

	fill_categories (&info->categories);
	info->dirty = 0x1234;
	info->sort_by_priority = TRUE;
	enc = hotsync_todo_app_info_encode (info, &error);
	back = hotsync_todo_app_info_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), &error);
	g_assert_no_error (error);
	g_assert_cmpuint (back->dirty, ==, 0x1234);
	g_assert_true (back->sort_by_priority);
	g_assert_cmpstr (back->categories.names[3], ==, "Caf\xc3\xa9 \xe2\x82\xac");
	g_assert_null (hotsync_todo_app_info_decode (g_bytes_get_data (enc, NULL), 10, &error));
	g_assert_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_TRUNCATED);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/hotsync/records/categories-round-trip", test_categories_round_trip);
	g_test_add_func ("/hotsync/records/category-name-cut", test_category_name_cut);
	g_test_add_func ("/hotsync/records/memo", test_memo);
	g_test_add_func ("/hotsync/records/memo-limit", test_memo_limit);
	g_test_add_func ("/hotsync/records/memo-app-info", test_memo_app_info);
	g_test_add_func ("/hotsync/records/todo-round-trip", test_todo_round_trip);
	g_test_add_func ("/hotsync/records/todo-edges", test_todo_edges);
	g_test_add_func ("/hotsync/records/todo-app-info", test_todo_app_info);
	return g_test_run ();
}
