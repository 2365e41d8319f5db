/* test-csv.c — the CSV parser: RFC 4180 quoting, header, bad lines with
 * their numbers, limits at N and N+1. */
#include "config.h"

#include <string.h>

#include "eas/eas-csv.h"

static EasCsvTable *
parse (const char *text, const EasCsvLimits *limits, GError **error)
{
	return eas_csv_parse ((const guint8 *) text, strlen (text), limits, error);
}

static void
test_quoting (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasCsvTable) t = parse ("email,name\r\n"
	                                   "a@x.org,\"Smith, Ann\"\r\n"
	                                   "b@x.org,\"say \"\"hi\"\"\r\nthere\"\r\n"
	                                   "\n"
	                                   "c@x.org,\n", NULL, &error);
	const EasCsvRecord *r;

	g_assert_no_error (error);
	g_assert_cmpuint (g_strv_length (t->header), ==, 2);
	g_assert_cmpuint (t->records->len, ==, 3);
	r = g_ptr_array_index (t->records, 0);
	g_assert_cmpstr (r->fields[1], ==, "Smith, Ann");
	g_assert_cmpuint (r->line, ==, 2);
	r = g_ptr_array_index (t->records, 1);
	g_assert_cmpstr (r->fields[1], ==, "say \"hi\"\r\nthere");
	r = g_ptr_array_index (t->records, 2);
	g_assert_cmpuint (r->line, ==, 6);
	g_assert_cmpstr (r->fields[1], ==, "");
	g_assert_cmpint (eas_csv_table_column (t, "NAME"), ==, 1);
	g_assert_cmpint (eas_csv_table_column (t, "phone"), ==, -1);
	g_assert_cmpuint (t->n_errors, ==, 0);
}

static void
test_bad_lines (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasCsvTable) t = parse ("email,name\n"
	                                   "a@x.org,A\n"
	                                   "b@x.org,B,extra\n"
	                                   "c@x.org,C\"q\n"
	                                   "\"d@x.org\"x,D\n"
	                                   "e@x.org,E\n"
	                                   "f@x.org,\"F", NULL, &error);
	const EasCsvLineError *e;

	g_assert_no_error (error);
	g_assert_cmpuint (t->records->len, ==, 2);
	g_assert_cmpuint (t->n_errors, ==, 4);
	e = g_ptr_array_index (t->errors, 0);
	g_assert_cmpuint (e->line, ==, 3);
	g_assert_true (g_str_has_prefix (e->message, "line 3: "));
	e = g_ptr_array_index (t->errors, 1);
	g_assert_cmpuint (e->line, ==, 4);
	e = g_ptr_array_index (t->errors, 2);
	g_assert_cmpuint (e->line, ==, 5);
	e = g_ptr_array_index (t->errors, 3);
	g_assert_cmpuint (e->line, ==, 7);
	g_assert_cmpuint (((EasCsvRecord *) g_ptr_array_index (t->records, 1))->line, ==, 6);
}

static void
test_no_header (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasCsvTable) t = parse ("\n\n", NULL, &error);

	g_assert_error (error, EAS_CSV_ERROR, EAS_CSV_ERROR_MALFORMED);
	g_assert_null (t);
	g_clear_error (&error);
	t = parse ("\"a\"b\n", NULL, &error);
	g_assert_error (error, EAS_CSV_ERROR, EAS_CSV_ERROR_MALFORMED);
}

static void
test_not_utf8 (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasCsvTable) t = parse ("a\n\xff\nok\n", NULL, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (t->records->len, ==, 1);
	g_assert_cmpuint (t->n_errors, ==, 1);
}

static void
test_limits (void)
{
	EasCsvLimits l;
	g_autoptr (GError) error = NULL;
	g_autoptr (EasCsvTable) t = NULL;

	eas_csv_limits_init_default (&l);
	l.field_bytes = 3;
	t = parse ("a\nabc\nabcd\n", &l, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (t->records->len, ==, 1);
	g_assert_cmpuint (t->n_errors, ==, 1);
	g_clear_pointer (&t, eas_csv_table_free);

	eas_csv_limits_init_default (&l);
	l.fields = 2;
	t = parse ("a,b\n1,2\n", &l, &error);
	g_assert_no_error (error);
	g_clear_pointer (&t, eas_csv_table_free);
	t = parse ("a,b,c\n", &l, &error);
	g_assert_error (error, EAS_CSV_ERROR, EAS_CSV_ERROR_MALFORMED);
	g_clear_error (&error);

	eas_csv_limits_init_default (&l);
	l.records = 2;
	t = parse ("a\n1\n2\n", &l, &error);
	g_assert_no_error (error);
	g_clear_pointer (&t, eas_csv_table_free);
	t = parse ("a\n1\n2\n3\n", &l, &error);
	g_assert_error (error, EAS_CSV_ERROR, EAS_CSV_ERROR_LIMIT);
	g_clear_error (&error);

	eas_csv_limits_init_default (&l);
	l.total_bytes = 4;
	t = parse ("a\n1\n", &l, &error);
	g_assert_no_error (error);
	g_clear_pointer (&t, eas_csv_table_free);
	t = parse ("a\n12\n", &l, &error);
	g_assert_error (error, EAS_CSV_ERROR, EAS_CSV_ERROR_LIMIT);
	g_clear_error (&error);

	eas_csv_limits_init_default (&l);
	l.errors = 1;
	t = parse ("a\n\"\"x\n\"\"y\n", &l, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (t->errors->len, ==, 1);
	g_assert_cmpuint (t->n_errors, ==, 2);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/csv/parse/quoting", test_quoting);
	g_test_add_func ("/csv/parse/bad-lines", test_bad_lines);
	g_test_add_func ("/csv/parse/no-header", test_no_header);
	g_test_add_func ("/csv/parse/not-utf8", test_not_utf8);
	g_test_add_func ("/csv/parse/limits", test_limits);
	return g_test_run ();
}
