/* Fuzz target: the CSV parser, with small limits so that every limit is
 * reached by small inputs. */
#include "config.h"

#include <glib.h>

#include "eas/eas-csv.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	EasCsvLimits limits = { .total_bytes = 64 * 1024, .field_bytes = 64, .fields = 8,
	                        .records = 50, .errors = 5 };
	g_autoptr (GError) error = NULL;
	g_autoptr (EasCsvTable) t = eas_csv_parse (data, size, &limits, &error);
	guint n_cols;

	/* Exactly one of result and error. */
	g_assert_true ((t == NULL) != (error == NULL));
	if (t == NULL)
		return 0;
	n_cols = g_strv_length (t->header);
	g_assert_cmpuint (n_cols, <=, limits.fields);
	g_assert_cmpuint (t->records->len, <=, limits.records);
	g_assert_cmpuint (t->errors->len, <=, limits.errors);
	g_assert_cmpuint (t->errors->len, <=, t->n_errors);
	for (guint i = 0; i < t->records->len; i++) {
		const EasCsvRecord *r = g_ptr_array_index (t->records, i);
		g_assert_cmpuint (g_strv_length (r->fields), ==, n_cols);
		g_assert_cmpuint (r->line, >=, 1);
		for (guint j = 0; j < n_cols; j++) {
			g_assert_true (g_utf8_validate (r->fields[j], -1, NULL));
			g_assert_cmpuint (strlen (r->fields[j]), <=, limits.field_bytes);
		}
	}
	return 0;
}
