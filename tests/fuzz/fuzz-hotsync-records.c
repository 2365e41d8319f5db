/* Fuzz target: MemoDB and ToDoDB records and AppInfo blocks.  Whatever
 * decodes encodes, and decodes again to the same fields. */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "hotsync/hotsync-records.h"

static void
check_memo (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *text = hotsync_memo_decode (data, size, &error);
	g_autoptr (GBytes) enc = NULL;
	g_autofree char *again = NULL;

	if (text == NULL)
		return;
	g_assert_true (g_utf8_validate (text, -1, NULL));
	enc = hotsync_memo_encode (text, &error);
	g_assert_no_error (error);
	again = hotsync_memo_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), &error);
	g_assert_cmpstr (again, ==, text);
}

static void
check_todo (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HotsyncTodo) t = hotsync_todo_decode (data, size, &error);
	g_autoptr (GBytes) enc = NULL;
	g_autoptr (HotsyncTodo) again = NULL;

	if (t == NULL)
		return;
	/* Every decoded field is in the encoder's range. */
	enc = hotsync_todo_encode (t, &error);
	g_assert_no_error (error);
	again = hotsync_todo_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), &error);
	g_assert_no_error (error);
	g_assert_cmpint (again->has_due, ==, t->has_due);
	g_assert_cmpuint (again->due_year, ==, t->due_year);
	g_assert_cmpuint (again->priority, ==, t->priority);
	g_assert_cmpstr (again->description, ==, t->description);
	g_assert_cmpstr (again->note, ==, t->note);
}

static void
check_app_info (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HotsyncMemoAppInfo) m = hotsync_memo_app_info_decode (data, size, &error);
	g_autoptr (HotsyncTodoAppInfo) t = NULL;
	g_autoptr (GBytes) enc = NULL;

	if (m == NULL)
		return;
	enc = hotsync_memo_app_info_encode (m, &error);
	g_assert_no_error (error);
	{
		g_autoptr (HotsyncMemoAppInfo) again = hotsync_memo_app_info_decode (g_bytes_get_data (enc, NULL),
		                                                                     g_bytes_get_size (enc), &error);

		g_assert_no_error (error);
		for (int i = 0; i < HOTSYNC_CATEGORY_COUNT; i++)
			g_assert_cmpstr (again->categories.names[i], ==, m->categories.names[i]);
	}
	t = hotsync_todo_app_info_decode (data, size, &error);
	g_assert_no_error (error);
	g_clear_pointer (&enc, g_bytes_unref);
	enc = hotsync_todo_app_info_encode (t, &error);
	g_assert_no_error (error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	check_memo (data, size);
	check_todo (data, size);
	check_app_info (data, size);
	return 0;
}
