/* Palm record codecs: see hotsync-records.h.  Layouts from protocols/hotsync.md. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-private.h"
#include "hotsync/hotsync-records.h"
#include "hotsync/hotsync-text.h"

G_DEFINE_QUARK (hotsync-record-error-quark, hotsync_record_error)

#define TODO_NO_DUE 0xffff
#define TODO_COMPLETED 0x80

static gboolean
too_long (gsize len, GError **error)
{
	if (len > HOTSYNC_RECORD_MAX_SIZE) {
		g_set_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_TOO_LONG,
		             "record of %" G_GSIZE_FORMAT " bytes exceeds the limit of %d",
		             len, HOTSYNC_RECORD_MAX_SIZE);
		return TRUE;
	}
	return FALSE;
}

/* ---- Categories ---- */

void
hotsync_categories_clear (HotsyncCategories *cats)
{
	if (cats == NULL)
		return;
	for (int i = 0; i < HOTSYNC_CATEGORY_COUNT; i++)
		g_clear_pointer (&cats->names[i], g_free);
	memset (cats, 0, sizeof *cats);
}

gboolean
hotsync_categories_decode (const guint8      *data,
                           gsize              len,
                           HotsyncCategories *out_cats,
                           GError           **error)
{
	g_auto (HotsyncCategories) cats = { 0 };
	const guint8 *p;

	if (len < HOTSYNC_CATEGORY_BLOCK_LEN) {
		g_set_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_TRUNCATED,
		             "category block of %" G_GSIZE_FORMAT " bytes, expected %d",
		             len, HOTSYNC_CATEGORY_BLOCK_LEN);
		return FALSE;
	}
	/* The length is checked above: plain offsets from here on. */
	cats.renamed = hotsync_get_u16 (data);
	p = data + 2;
	for (int i = 0; i < HOTSYNC_CATEGORY_COUNT; i++) {
		/* A name without its NUL stops at the field's end. */
		cats.names[i] = hotsync_text_to_utf8 (p, HOTSYNC_CATEGORY_NAME_LEN - 1);
		p += HOTSYNC_CATEGORY_NAME_LEN;
	}
	memcpy (cats.ids, p, HOTSYNC_CATEGORY_COUNT);
	cats.last_unique_id = p[HOTSYNC_CATEGORY_COUNT];
	*out_cats = cats;
	memset (&cats, 0, sizeof cats);
	return TRUE;
}

gboolean
hotsync_categories_encode (const HotsyncCategories *cats, GByteArray *out, GError **error)
{
	g_autoptr (GByteArray) a = g_byte_array_new ();
	static const guint8 pad[3] = { 0, 0, 0 };

	hotsync_append_u16 (a, cats->renamed);
	for (int i = 0; i < HOTSYNC_CATEGORY_COUNT; i++) {
		guint8 field[HOTSYNC_CATEGORY_NAME_LEN] = { 0 };
		g_autoptr (GBytes) b = NULL;

		if (cats->names[i] != NULL) {
			gsize n;
			const guint8 *d;

			b = hotsync_text_from_utf8 (cats->names[i], -1, NULL, error);
			if (b == NULL) {
				g_prefix_error (error, "category %d: ", i);
				return FALSE;
			}
			d = g_bytes_get_data (b, &n);
			/* One byte per character, so any cut is a boundary. */
			if (n > 0)
				memcpy (field, d, MIN (n, (gsize) HOTSYNC_CATEGORY_NAME_LEN - 1));
		}
		g_byte_array_append (a, field, sizeof field);
	}
	g_byte_array_append (a, cats->ids, HOTSYNC_CATEGORY_COUNT);
	hotsync_append_u8 (a, cats->last_unique_id);
	g_byte_array_append (a, pad, sizeof pad);
	g_byte_array_append (out, a->data, a->len);
	return TRUE;
}

int
hotsync_categories_find (const HotsyncCategories *cats, const char *name)
{
	for (int i = 0; i < HOTSYNC_CATEGORY_COUNT; i++)
		if (cats->names[i] != NULL && cats->names[i][0] != '\0' && g_strcmp0 (cats->names[i], name) == 0)
			return i;
	return -1;
}

/* ---- MemoDB ---- */

void
hotsync_memo_app_info_free (HotsyncMemoAppInfo *info)
{
	if (info == NULL)
		return;
	hotsync_categories_clear (&info->categories);
	g_free (info);
}

HotsyncMemoAppInfo *
hotsync_memo_app_info_decode (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (HotsyncMemoAppInfo) info = g_new0 (HotsyncMemoAppInfo, 1);
	HotsyncReader r;
	guint8 sort;

	if (too_long (len, error) || !hotsync_categories_decode (data, len, &info->categories, error))
		return NULL;
	/* hotsync_categories_decode() checked the block's length. */
	hotsync_reader_init (&r, data + HOTSYNC_CATEGORY_BLOCK_LEN, len - HOTSYNC_CATEGORY_BLOCK_LEN);
	/* The fields after the categories came with Palm OS 2. */
	if (hotsync_reader_u16 (&r, &info->reserved) && hotsync_reader_u8 (&r, &sort))
		info->sort_by_alpha = sort != 0;
	return g_steal_pointer (&info);
}

GBytes *
hotsync_memo_app_info_encode (const HotsyncMemoAppInfo *info, GError **error)
{
	g_autoptr (GByteArray) a = g_byte_array_new ();

	if (!hotsync_categories_encode (&info->categories, a, error))
		return NULL;
	hotsync_append_u16 (a, info->reserved);
	hotsync_append_u8 (a, info->sort_by_alpha ? 1 : 0);
	hotsync_append_u8 (a, 0);
	return g_byte_array_free_to_bytes (g_steal_pointer (&a));
}

char *
hotsync_memo_decode (const guint8 *data, gsize len, GError **error)
{
	if (too_long (len, error))
		return NULL;
	return hotsync_text_to_utf8 (data, len);
}

GBytes *
hotsync_memo_encode (const char *text, GError **error)
{
	g_autoptr (GBytes) b = hotsync_text_from_utf8 (text, -1, NULL, error);
	g_autoptr (GByteArray) a = NULL;
	gsize n;
	const guint8 *d;

	if (b == NULL)
		return NULL;
	d = g_bytes_get_data (b, &n);
	if (too_long (n + 1, error))
		return NULL;
	a = g_byte_array_sized_new ((guint) n + 1);
	if (n > 0)
		g_byte_array_append (a, d, (guint) n);
	hotsync_append_u8 (a, 0);
	return g_byte_array_free_to_bytes (g_steal_pointer (&a));
}

char *
hotsync_memo_title (const char *text)
{
	const char *nl = strchr (text, '\n');

	return nl != NULL ? g_strndup (text, (gsize) (nl - text)) : g_strdup (text);
}

/* ---- ToDoDB ---- */

void
hotsync_todo_free (HotsyncTodo *todo)
{
	if (todo == NULL)
		return;
	g_free (todo->description);
	g_free (todo->note);
	g_free (todo);
}

/* A NUL-terminated string at the reader, converted. */
static char *
read_string (HotsyncReader *r)
{
	gsize left = hotsync_reader_left (r);
	const guint8 *p = r->data + r->off;
	const guint8 *nul = left > 0 ? memchr (p, 0, left) : NULL;

	if (nul == NULL)
		return NULL;
	r->off += (gsize) (nul - p) + 1;
	return hotsync_text_to_utf8 (p, (gsize) (nul - p));
}

HotsyncTodo *
hotsync_todo_decode (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (HotsyncTodo) todo = g_new0 (HotsyncTodo, 1);
	HotsyncReader r;
	guint16 due;
	guint8 prio;

	if (too_long (len, error))
		return NULL;
	hotsync_reader_init (&r, data, len);
	if (!hotsync_reader_u16 (&r, &due) || !hotsync_reader_u8 (&r, &prio)) {
		g_set_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_TRUNCATED,
		             "to-do record of %" G_GSIZE_FORMAT " bytes has no header", len);
		return NULL;
	}
	if (due != TODO_NO_DUE) {
		todo->has_due = TRUE;
		todo->due_year = (guint16) (1904 + (due >> 9));
		todo->due_month = (due >> 5) & 0x0f;
		todo->due_day = due & 0x1f;
		if (todo->due_month < 1 || todo->due_month > 12 || todo->due_day < 1) {
			g_set_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_INVALID,
			             "to-do due date 0x%04x has no valid month or day", due);
			return NULL;
		}
	}
	todo->priority = prio & 0x7f;
	todo->completed = (prio & TODO_COMPLETED) != 0;
	todo->description = read_string (&r);
	if (todo->description == NULL) {
		g_set_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_TRUNCATED,
		             "to-do description at offset 3 has no NUL");
		return NULL;
	}
	/* The note's NUL may be missing at the very end of the record. */
	todo->note = hotsync_reader_left (&r) > 0 ? hotsync_text_to_utf8 (r.data + r.off, hotsync_reader_left (&r))
	                                          : g_strdup ("");
	return g_steal_pointer (&todo);
}

static gboolean
append_text (GByteArray *a, const char *text, GError **error)
{
	g_autoptr (GBytes) b = hotsync_text_from_utf8 (text != NULL ? text : "", -1, NULL, error);

	if (b == NULL)
		return FALSE;
	g_byte_array_append (a, g_bytes_get_data (b, NULL), (guint) g_bytes_get_size (b));
	hotsync_append_u8 (a, 0);
	return TRUE;
}

GBytes *
hotsync_todo_encode (const HotsyncTodo *todo, GError **error)
{
	g_autoptr (GByteArray) a = g_byte_array_new ();
	guint16 due = TODO_NO_DUE;

	if (todo->has_due) {
		if (todo->due_year < 1904 || todo->due_year > 1904 + 127 || todo->due_month < 1 ||
		    todo->due_month > 12 || todo->due_day < 1 || todo->due_day > 31) {
			g_set_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_INVALID,
			             "to-do due date %u-%u-%u outside 1904–2031", todo->due_year,
			             todo->due_month, todo->due_day);
			return NULL;
		}
		due = (guint16) (((todo->due_year - 1904) << 9) | (todo->due_month << 5) | todo->due_day);
	}
	if (todo->priority > 0x7f) {
		g_set_error (error, HOTSYNC_RECORD_ERROR, HOTSYNC_RECORD_ERROR_INVALID,
		             "to-do priority %u above 127", todo->priority);
		return NULL;
	}
	hotsync_append_u16 (a, due);
	hotsync_append_u8 (a, (guint8) (todo->priority | (todo->completed ? TODO_COMPLETED : 0)));
	if (!append_text (a, todo->description, error) || !append_text (a, todo->note, error))
		return NULL;
	if (too_long (a->len, error))
		return NULL;
	return g_byte_array_free_to_bytes (g_steal_pointer (&a));
}

void
hotsync_todo_app_info_free (HotsyncTodoAppInfo *info)
{
	if (info == NULL)
		return;
	hotsync_categories_clear (&info->categories);
	g_free (info);
}

HotsyncTodoAppInfo *
hotsync_todo_app_info_decode (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (HotsyncTodoAppInfo) info = g_new0 (HotsyncTodoAppInfo, 1);
	HotsyncReader r;
	guint8 sort;

	if (too_long (len, error) || !hotsync_categories_decode (data, len, &info->categories, error))
		return NULL;
	/* hotsync_categories_decode() checked the block's length. */
	hotsync_reader_init (&r, data + HOTSYNC_CATEGORY_BLOCK_LEN, len - HOTSYNC_CATEGORY_BLOCK_LEN);
	if (hotsync_reader_u16 (&r, &info->dirty) && hotsync_reader_u8 (&r, &sort))
		info->sort_by_priority = sort != 0;
	return g_steal_pointer (&info);
}

GBytes *
hotsync_todo_app_info_encode (const HotsyncTodoAppInfo *info, GError **error)
{
	g_autoptr (GByteArray) a = g_byte_array_new ();

	if (!hotsync_categories_encode (&info->categories, a, error))
		return NULL;
	hotsync_append_u16 (a, info->dirty);
	hotsync_append_u8 (a, info->sort_by_priority ? 1 : 0);
	hotsync_append_u8 (a, 0);
	return g_byte_array_free_to_bytes (g_steal_pointer (&a));
}
