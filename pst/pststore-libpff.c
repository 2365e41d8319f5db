/* pststore-libpff.c — task and note properties through libpff.
 * See pststore-libpff.h. */
#include "config.h"

#include "pst/pststore-libpff.h"
#include "pst/pststore-map.h"

#include <libpff.h>
#include <string.h>

/* Named property ids as libpff reports them after name-to-id mapping. */
#define LID_TASK_STATUS 0x8101		/* [MS-OXOTASK] 2.2.2.2.2 PtypInteger32 */
#define LID_PERCENT_COMPLETE 0x8102	/* 2.2.2.2.3 PtypFloating64 */
#define LID_TASK_START 0x8104		/* 2.2.2.2.4 PtypTime */
#define LID_TASK_DUE 0x8105		/* 2.2.2.2.5 PtypTime */
#define LID_TASK_DATE_COMPLETED 0x810F	/* 2.2.2.2.9 PtypTime */
#define LID_TASK_RECURRENCE 0x8116	/* 2.2.2.2.15 PtypBinary */
#define LID_TASK_COMPLETE 0x811C	/* 2.2.2.2.20 PtypBoolean */
#define LID_REMINDER_SET 0x8503		/* [MS-OXORMDR] PtypBoolean */
#define LID_REMINDER_TIME 0x8502	/* [MS-OXORMDR] PtypTime */
#define LID_NOTE_COLOR 0x8B00		/* [MS-OXONOTE] 2.2.1.1 PtypInteger32 */
#define TAG_IMPORTANCE 0x0017		/* [MS-OXCMSG] 2.2.1.11 PidTagImportance */
#define TAG_CREATION_TIME 0x3007	/* [MS-OXCMSG] 2.2.2.3 PidTagCreationTime */
#define TAG_LAST_MODIFICATION_TIME 0x3008	/* [MS-OXCMSG] 2.2.2.2 PidTagLastModificationTime */

/* [MS-OXCMSG] 2.2.1.17 PidNameKeywords: the categories, a named property
 * with a string name in PS_PUBLIC_STRINGS; PtypMultipleString. */
#define NAME_KEYWORDS "Keywords"
/* Outlook caps a category name at 255 characters; we cap their number. */
#define MAX_CATEGORIES 256
#define MAX_CATEGORY_BYTES 1024

/* A recurrence blob longer than this is not a real pattern. */
#define MAX_RECURRENCE_BYTES (64 * 1024)

struct _PststorePffFile {
	libpff_file_t *file;
};

G_DEFINE_QUARK (pststore-pff-error-quark, pststore_pff_error)

static void
set_pff_error (GError **error, gint code, const char *what, libpff_error_t *perr)
{
	char buf[256] = "";

	if (perr != NULL) {
		libpff_error_sprint (perr, buf, sizeof buf);
		libpff_error_free (&perr);
	}
	g_set_error (error, PSTSTORE_PFF_ERROR, code, "%s%s%s", what, buf[0] ? ": " : "", buf);
}

PststorePffFile *
pststore_pff_open (const char *path, GError **error)
{
	libpff_error_t *perr = NULL;
	g_autoptr (PststorePffFile) f = g_new0 (PststorePffFile, 1);

	if (libpff_file_initialize (&f->file, &perr) != 1) {
		set_pff_error (error, PSTSTORE_PFF_ERROR_OPEN, "libpff initialisation failed", perr);
		return NULL;
	}
	if (libpff_file_open (f->file, path, LIBPFF_OPEN_READ, &perr) != 1) {
		set_pff_error (error, PSTSTORE_PFF_ERROR_OPEN, "libpff cannot open the file", perr);
		return NULL;
	}
	return g_steal_pointer (&f);
}

void
pststore_pff_close (PststorePffFile *f)
{
	if (f == NULL)
		return;
	if (f->file != NULL) {
		libpff_file_close (f->file, NULL);
		libpff_file_free (&f->file, NULL);
	}
	g_free (f);
}

/* The entry @type of value type @vtype, or NULL when absent. */
static libpff_record_entry_t *
entry (libpff_record_set_t *rs, guint32 type, guint32 vtype)
{
	libpff_record_entry_t *e = NULL;

	if (libpff_record_set_get_entry_by_type (rs, type, vtype, &e, 0, NULL) != 1)
		return NULL;
	return e;
}

static gboolean
get_i32 (libpff_record_set_t *rs, guint32 type, gint32 *out)
{
	libpff_record_entry_t *e = entry (rs, type, LIBPFF_VALUE_TYPE_INTEGER_32BIT_SIGNED);
	uint32_t v = 0;
	gboolean ok;

	if (e == NULL)
		return FALSE;
	ok = libpff_record_entry_get_data_as_32bit_integer (e, &v, NULL) == 1;
	libpff_record_entry_free (&e, NULL);
	if (ok)
		*out = (gint32) v;
	return ok;
}

static gboolean
get_bool (libpff_record_set_t *rs, guint32 type, gboolean *out)
{
	libpff_record_entry_t *e = entry (rs, type, LIBPFF_VALUE_TYPE_BOOLEAN);
	uint8_t v = 0;
	gboolean ok;

	if (e == NULL)
		return FALSE;
	ok = libpff_record_entry_get_data_as_boolean (e, &v, NULL) == 1;
	libpff_record_entry_free (&e, NULL);
	if (ok)
		*out = v != 0;
	return ok;
}

static gboolean
get_double (libpff_record_set_t *rs, guint32 type, gdouble *out)
{
	libpff_record_entry_t *e = entry (rs, type, LIBPFF_VALUE_TYPE_DOUBLE_64BIT);
	double v = 0;
	gboolean ok;

	if (e == NULL)
		return FALSE;
	ok = libpff_record_entry_get_data_as_floating_point (e, &v, NULL) == 1;
	libpff_record_entry_free (&e, NULL);
	if (ok)
		*out = v;
	return ok;
}

/* Leaves *out alone when the property is absent. */
static void
get_time (libpff_record_set_t *rs, guint32 type, gint64 *out)
{
	libpff_record_entry_t *e = entry (rs, type, LIBPFF_VALUE_TYPE_FILETIME);
	uint64_t v = 0;

	if (e == NULL)
		return;
	if (libpff_record_entry_get_data_as_filetime (e, &v, NULL) == 1)
		*out = pststore_map_filetime_u64 (v);
	libpff_record_entry_free (&e, NULL);
}

static GBytes *
get_binary (libpff_record_set_t *rs, guint32 type)
{
	libpff_record_entry_t *e = entry (rs, type, LIBPFF_VALUE_TYPE_BINARY_DATA);
	size_t size = 0;
	GBytes *out = NULL;

	if (e == NULL)
		return NULL;
	if (libpff_record_entry_get_data_size (e, &size, NULL) == 1 && size > 0 && size <= MAX_RECURRENCE_BYTES) {
		guint8 *buf = g_malloc (size);
		if (libpff_record_entry_get_data (e, buf, size, NULL) == 1)
			out = g_bytes_new_take (g_steal_pointer (&buf), size);
		g_free (buf);
	}
	libpff_record_entry_free (&e, NULL);
	return out;
}

static char *
category_at (libpff_multi_value_t *mv, int i)
{
	size_t size = 0;
	g_autofree char *buf = NULL;

	if (libpff_multi_value_get_value_utf8_string_size (mv, i, &size, NULL) != 1 || size < 2 ||
	    size > MAX_CATEGORY_BYTES)
		return NULL;
	buf = g_malloc0 (size);
	if (libpff_multi_value_get_value_utf8_string (mv, i, (uint8_t *) buf, size, NULL) != 1)
		return NULL;
	buf[size - 1] = '\0';
	g_strdelimit (buf, "\r\n", ' ');
	g_strstrip (buf);
	if (buf[0] == '\0' || !g_utf8_validate (buf, -1, NULL))
		return NULL;
	return g_steal_pointer (&buf);
}

static void
read_categories (libpff_record_set_t *rs, PststoreItem *item)
{
	libpff_record_entry_t *e = NULL;
	libpff_multi_value_t *mv = NULL;
	g_autoptr (GPtrArray) cats = NULL;
	int n = 0;

	if (libpff_record_set_get_entry_by_utf8_name (rs, (const uint8_t *) NAME_KEYWORDS, strlen (NAME_KEYWORDS),
						      LIBPFF_VALUE_TYPE_MULTI_VALUE_STRING_UNICODE, &e, 0, NULL) != 1 &&
	    libpff_record_set_get_entry_by_utf8_name (rs, (const uint8_t *) NAME_KEYWORDS, strlen (NAME_KEYWORDS),
						      LIBPFF_VALUE_TYPE_MULTI_VALUE_STRING_ASCII, &e, 0, NULL) != 1)
		return;
	if (libpff_record_entry_get_multi_value (e, &mv, NULL) == 1 &&
	    libpff_multi_value_get_number_of_values (mv, &n, NULL) == 1 && n > 0) {
		cats = g_ptr_array_new_with_free_func (g_free);
		for (int i = 0; i < n && cats->len < MAX_CATEGORIES; i++) {
			char *c = category_at (mv, i);
			if (c != NULL)
				g_ptr_array_add (cats, c);
		}
	}
	if (mv != NULL)
		libpff_multi_value_free (&mv, NULL);
	libpff_record_entry_free (&e, NULL);
	if (cats != NULL && cats->len > 0 && item->categories == NULL) {
		g_ptr_array_add (cats, NULL);
		item->categories = (char **) g_ptr_array_free (g_steal_pointer (&cats), FALSE);
	}
}

static void
read_task (libpff_record_set_t *rs, PststoreItem *item, GBytes **out_recurrence)
{
	gint32 status;
	gdouble percent;
	gboolean b;

	if (get_i32 (rs, LID_TASK_STATUS, &status) && status >= 0 && status <= 4)
		item->task_status = (PststoreTaskStatus) status;
	if (get_double (rs, LID_PERCENT_COMPLETE, &percent) && percent >= 0.0 && percent <= 1.0)
		item->task_percent = percent;
	if (get_bool (rs, LID_TASK_COMPLETE, &b))
		item->task_complete = b;
	get_time (rs, LID_TASK_START, &item->task_start);
	get_time (rs, LID_TASK_DUE, &item->task_due);
	get_time (rs, LID_TASK_DATE_COMPLETED, &item->task_date_completed);
	if (get_bool (rs, LID_REMINDER_SET, &b) && b)
		get_time (rs, LID_REMINDER_TIME, &item->reminder);
	if (out_recurrence != NULL)
		*out_recurrence = get_binary (rs, LID_TASK_RECURRENCE);
}

gboolean
pststore_pff_read_extras (PststorePffFile *f, guint32 nid, PststoreItem *item, GBytes **out_recurrence,
			  GError **error)
{
	libpff_error_t *perr = NULL;
	libpff_item_t *pitem = NULL;
	libpff_record_set_t *rs = NULL;
	gint32 colour, importance;

	g_return_val_if_fail (f != NULL && item != NULL, FALSE);
	if (out_recurrence != NULL)
		*out_recurrence = NULL;
	if (libpff_file_get_item_by_identifier (f->file, nid, &pitem, &perr) != 1) {
		set_pff_error (error, PSTSTORE_PFF_ERROR_ITEM, "libpff does not find the item", perr);
		return FALSE;
	}
	if (libpff_item_get_record_set_by_index (pitem, 0, &rs, &perr) != 1) {
		libpff_item_free (&pitem, NULL);
		set_pff_error (error, PSTSTORE_PFF_ERROR_ITEM, "libpff cannot read the item's properties", perr);
		return FALSE;
	}
	/* libpst lets an attachment's times overwrite its message's. */
	get_time (rs, TAG_CREATION_TIME, &item->created);
	get_time (rs, TAG_LAST_MODIFICATION_TIME, &item->modified);
	read_categories (rs, item);
	if (get_i32 (rs, TAG_IMPORTANCE, &importance) && importance >= 0 && importance <= 2)
		item->importance = importance;
	if (item->kind == PSTSTORE_KIND_TASK)
		read_task (rs, item, out_recurrence);
	else if (item->kind == PSTSTORE_KIND_NOTE && get_i32 (rs, LID_NOTE_COLOR, &colour) && colour >= 0 &&
		 colour <= 4)
		item->note_colour = (PststoreNoteColour) colour;
	libpff_record_set_free (&rs, NULL);
	libpff_item_free (&pitem, NULL);
	return TRUE;
}
