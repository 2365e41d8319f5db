/* eas-csv.c — RFC 4180 CSV with a header row; bad records are reported
 * with their line and skipped. */
#include "config.h"

#include <string.h>

#include "eas/eas-csv.h"

G_DEFINE_QUARK (eas-csv-error-quark, eas_csv_error)

void
eas_csv_limits_init_default (EasCsvLimits *limits)
{
	g_return_if_fail (limits != NULL);
	limits->total_bytes = EAS_CSV_DEFAULT_TOTAL_BYTES;
	limits->field_bytes = EAS_CSV_DEFAULT_FIELD_BYTES;
	limits->fields = EAS_CSV_DEFAULT_FIELDS;
	limits->records = EAS_CSV_DEFAULT_RECORDS;
	limits->errors = EAS_CSV_DEFAULT_ERRORS;
}

static void
record_free (EasCsvRecord *r)
{
	if (r == NULL)
		return;
	g_strfreev (r->fields);
	g_free (r);
}

static void
line_error_free (EasCsvLineError *e)
{
	if (e == NULL)
		return;
	g_free (e->message);
	g_free (e);
}

void
eas_csv_table_free (EasCsvTable *table)
{
	if (table == NULL)
		return;
	g_strfreev (table->header);
	g_clear_pointer (&table->records, g_ptr_array_unref);
	g_clear_pointer (&table->errors, g_ptr_array_unref);
	g_free (table);
}

/* The cursor over the input. */
typedef struct {
	const guint8 *data;
	gsize len;
	gsize off;
	guint line;
	const EasCsvLimits *limits;
} Cursor;

static gboolean
field_append (GString *field, guint8 c, const Cursor *cur, const char **why)
{
	if (field->len >= cur->limits->field_bytes) {
		*why = "field over the length limit";
		return FALSE;
	}
	g_string_append_c (field, (char) c);
	return TRUE;
}

/* A quoted field, cur->off just past the opening quote; leaves cur->off
 * just past the closing one. */
static gboolean
parse_quoted (Cursor *cur, GString *field, const char **why)
{
	for (;;) {
		guint8 c;

		g_assert (cur->off <= cur->len);
		if (cur->off == cur->len) {
			*why = "unterminated quoted field";
			return FALSE;
		}
		c = cur->data[cur->off++];
		if (c == '"') {
			if (cur->off == cur->len || cur->data[cur->off] != '"')
				return TRUE;
			cur->off++;	/* RFC 4180 2.7: "" is one quote */
		} else if (c == '\n') {
			cur->line++;
		}
		if (!field_append (field, c, cur, why))
			return FALSE;
	}
}

static gboolean
field_finish (GPtrArray *fields, GString *field, const Cursor *cur, const char **why)
{
	if (!g_utf8_validate_len (field->str, field->len, NULL)) {
		*why = "field is not UTF-8";
		return FALSE;
	}
	if (fields->len >= cur->limits->fields) {
		*why = "too many fields";
		return FALSE;
	}
	g_ptr_array_add (fields, g_strndup (field->str, field->len));
	g_string_truncate (field, 0);
	return TRUE;
}

/* At a record end (EOF, LF or CRLF)?  *out_n: the bytes of the line end. */
static gboolean
peek_end (const Cursor *cur, gsize *out_n)
{
	g_assert (cur->off <= cur->len);
	*out_n = 0;
	if (cur->off == cur->len)
		return TRUE;
	if (cur->data[cur->off] == '\n')
		*out_n = 1;
	else if (cur->data[cur->off] == '\r' && cur->len - cur->off >= 2 && cur->data[cur->off + 1] == '\n')
		*out_n = 2;
	return *out_n > 0;
}

static void
consume_end (Cursor *cur, gsize n)
{
	if (n == 0)
		return;
	cur->off += n;
	cur->line++;
}

/* The record ends after the current field, or there is a comma, or why. */
static gboolean
field_end (Cursor *cur, GPtrArray *fields, GString *field, gboolean *out_done, const char **why)
{
	gsize n;

	*out_done = FALSE;
	if (peek_end (cur, &n)) {
		if (!field_finish (fields, field, cur, why))
			return FALSE;
		consume_end (cur, n);
		*out_done = TRUE;
		return TRUE;
	}
	if (cur->data[cur->off] != ',') {
		*why = "text after a closing quote";
		return FALSE;
	}
	cur->off++;
	return field_finish (fields, field, cur, why);
}

/* One record into fields. */
static gboolean
parse_record (Cursor *cur, GPtrArray *fields, const char **why)
{
	g_autoptr (GString) field = g_string_new (NULL);
	gboolean done = FALSE;

	while (!done) {
		gsize n;

		if (cur->off < cur->len && cur->data[cur->off] == '"' && field->len == 0) {
			cur->off++;
			if (!parse_quoted (cur, field, why) || !field_end (cur, fields, field, &done, why))
				return FALSE;
		} else if (peek_end (cur, &n) || cur->data[cur->off] == ',') {
			if (!field_end (cur, fields, field, &done, why))
				return FALSE;
		} else if (cur->data[cur->off] == '"') {
			*why = "quote inside an unquoted field";
			return FALSE;
		} else if (!field_append (field, cur->data[cur->off++], cur, why)) {
			return FALSE;
		}
	}
	return TRUE;
}

/* After a bad record: on to the start of the next physical line. */
static void
skip_line (Cursor *cur)
{
	gsize n;

	while (!peek_end (cur, &n))
		cur->off++;
	consume_end (cur, n);
}

static void
add_error (EasCsvTable *t, const EasCsvLimits *limits, guint line, const char *why)
{
	EasCsvLineError *e;

	t->n_errors++;
	if (t->errors->len >= limits->errors)
		return;
	e = g_new0 (EasCsvLineError, 1);
	e->line = line;
	e->message = g_strdup_printf ("line %u: %s", line, why);
	g_ptr_array_add (t->errors, e);
}

/* One record handled: header, data row or error.  FALSE + error when fatal. */
static gboolean
take_record (EasCsvTable *t, Cursor *cur, GError **error)
{
	g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
	guint line = cur->line;
	const char *why = NULL;
	EasCsvRecord *r;

	if (!parse_record (cur, fields, &why)) {
		if (t->header == NULL) {
			g_set_error (error, EAS_CSV_ERROR, EAS_CSV_ERROR_MALFORMED, "line %u: header: %s", line, why);
			return FALSE;
		}
		skip_line (cur);
		add_error (t, cur->limits, line, why);
		return TRUE;
	}
	if (fields->len == 1 && ((char *) g_ptr_array_index (fields, 0))[0] == '\0')
		return TRUE;	/* blank line */
	g_ptr_array_add (fields, NULL);
	if (t->header == NULL) {
		t->header = (GStrv) g_ptr_array_free (g_steal_pointer (&fields), FALSE);
		return TRUE;
	}
	if (fields->len - 1 != g_strv_length (t->header)) {
		add_error (t, cur->limits, line, "field count differs from the header");
		return TRUE;
	}
	if (t->records->len >= cur->limits->records) {
		g_set_error (error, EAS_CSV_ERROR, EAS_CSV_ERROR_LIMIT, "line %u: more than %u records",
		             line, cur->limits->records);
		return FALSE;
	}
	r = g_new0 (EasCsvRecord, 1);
	r->line = line;
	r->fields = (GStrv) g_ptr_array_free (g_steal_pointer (&fields), FALSE);
	g_ptr_array_add (t->records, r);
	return TRUE;
}

EasCsvTable *
eas_csv_parse (const guint8 *data, gsize len, const EasCsvLimits *limits, GError **error)
{
	EasCsvLimits defaults;
	g_autoptr (EasCsvTable) t = g_new0 (EasCsvTable, 1);
	Cursor cur = { .data = data, .len = len, .off = 0, .line = 1 };

	g_return_val_if_fail (data != NULL || len == 0, NULL);
	if (limits == NULL) {
		eas_csv_limits_init_default (&defaults);
		limits = &defaults;
	}
	cur.limits = limits;
	if (len > limits->total_bytes) {
		g_set_error (error, EAS_CSV_ERROR, EAS_CSV_ERROR_LIMIT, "input over %" G_GSIZE_FORMAT " bytes",
		             limits->total_bytes);
		return NULL;
	}
	t->records = g_ptr_array_new_with_free_func ((GDestroyNotify) record_free);
	t->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) line_error_free);
	if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
		cur.off = 3;
	while (cur.off < cur.len)
		if (!take_record (t, &cur, error))
			return NULL;
	if (t->header == NULL) {
		g_set_error (error, EAS_CSV_ERROR, EAS_CSV_ERROR_MALFORMED, "no header row");
		return NULL;
	}
	return g_steal_pointer (&t);
}

int
eas_csv_table_column (const EasCsvTable *table, const char *name)
{
	g_return_val_if_fail (table != NULL && name != NULL, -1);
	for (guint i = 0; table->header[i] != NULL; i++) {
		g_autofree char *h = g_strstrip (g_strdup (table->header[i]));
		if (g_ascii_strcasecmp (h, name) == 0)
			return (int) i;
	}
	return -1;
}
