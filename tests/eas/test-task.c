/* test-task.c — task model ⇄ ApplicationData ⇄ VTODO. */
#include "config.h"

#include <string.h>

#include "eas/eas-task.h"
#include "tests/eas/pim-test-util.h"

#define NS "xmlns=\"AirSync:\" xmlns:t=\"Tasks:\" xmlns:b=\"AirSyncBase:\""

static EasTask *
decode_body (const char *body, EasVersion version, GError **error)
{
	g_autofree char *xml = g_strdup_printf ("<ApplicationData " NS ">%s</ApplicationData>", body);
	g_autoptr(EasNode) root = pim_test_parse_xml (xml);

	return eas_task_decode (root, version, error);
}

static EasNode *
encode_tree (const EasTask *t, EasVersion version)
{
	g_autoptr(EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_task_encode (w, t, version);
	eas_wbxml_writer_end (w);
	return pim_test_finish_and_parse (w);
}

static const char *full =
	"<t:Subject>File taxes</t:Subject>"
	"<t:Importance>2</t:Importance>"
	"<t:UtcStartDate>2026-03-31T22:00:00.000Z</t:UtcStartDate>"
	"<t:StartDate>2026-04-01T00:00:00.000Z</t:StartDate>"
	"<t:UtcDueDate>2026-04-14T22:00:00.000Z</t:UtcDueDate>"
	"<t:DueDate>2026-04-15T00:00:00.000Z</t:DueDate>"
	"<t:Categories><t:Category>Home</t:Category><t:Category>Money</t:Category></t:Categories>"
	"<t:Recurrence><t:Type>5</t:Type><t:Start>2026-04-01T00:00:00.000Z</t:Start>"
	"<t:Occurrences>5</t:Occurrences><t:DayOfMonth>15</t:DayOfMonth><t:MonthOfYear>4</t:MonthOfYear>"
	"<t:Regenerate>0</t:Regenerate><t:DeadOccur>0</t:DeadOccur>"
	"<t:CalendarType>1</t:CalendarType><t:FirstDayOfWeek>0</t:FirstDayOfWeek></t:Recurrence>"
	"<t:Complete>1</t:Complete><t:DateCompleted>2026-04-10T08:00:00.000Z</t:DateCompleted>"
	"<t:Sensitivity>1</t:Sensitivity>"
	"<t:ReminderSet>1</t:ReminderSet><t:ReminderTime>2026-04-14T07:00:00.000Z</t:ReminderTime>"
	"<b:Body><b:Type>1</b:Type><b:Data>Forms in the drawer</b:Data></b:Body>";

static void
assert_tasks_equal (const EasTask *a, const EasTask *b)
{
	g_assert_cmpstr (a->subject, ==, b->subject);
	g_assert_cmpstr (a->body, ==, b->body);
	g_assert_cmpint (a->start_date, ==, b->start_date);
	g_assert_cmpint (a->utc_start_date, ==, b->utc_start_date);
	g_assert_cmpint (a->due_date, ==, b->due_date);
	g_assert_cmpint (a->utc_due_date, ==, b->utc_due_date);
	g_assert_cmpint (a->complete, ==, b->complete);
	g_assert_cmpint (a->date_completed, ==, b->date_completed);
	g_assert_cmpint (a->importance, ==, b->importance);
	g_assert_cmpint (a->sensitivity, ==, b->sensitivity);
	g_assert_cmpint (a->reminder_set, ==, b->reminder_set);
	g_assert_cmpint (a->reminder_time, ==, b->reminder_time);
	g_assert_cmpint (a->categories == NULL, ==, b->categories == NULL);
	for (guint i = 0; a->categories != NULL && i < a->categories->len; i++)
		g_assert_cmpstr (g_ptr_array_index (a->categories, i), ==, g_ptr_array_index (b->categories, i));
	g_assert_cmpint (a->recurrence == NULL, ==, b->recurrence == NULL);
	if (a->recurrence != NULL)
		g_assert_cmpmem (a->recurrence, sizeof *a->recurrence, b->recurrence, sizeof *b->recurrence);
}

static void
test_versions (void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(EasTask) t = decode_body (full, 141, &error);
	g_autoptr(EasNode) v25 = NULL;
	g_autoptr(EasNode) v141 = NULL;
	g_autoptr(EasTask) back = NULL;
	g_autoptr(EasTask) back25 = NULL;

	g_assert_no_error (error);
	g_assert_cmpint (t->recurrence->type, ==, EAS_RECUR_YEARLY);
	g_assert_cmpint (t->recurrence->first_day_of_week, ==, 0);
	v141 = encode_tree (t, 141);
	back = eas_task_decode (v141, 141, &error);
	g_assert_no_error (error);
	assert_tasks_equal (t, back);
	/* 2.5: tasks:Body; no 14.x recurrence elements. */
	v25 = encode_tree (t, 25);
	g_assert_cmpstr (eas_node_child_text (v25, EAS_TASKS_BODY), ==, "Forms in the drawer");
	g_assert_null (eas_node_child (v25, EAS_AIRSYNCBASE_BODY));
	g_assert_null (eas_node_path (v25, EAS_TASKS_RECURRENCE, EAS_TASKS_FIRST_DAY_OF_WEEK, 0));
	g_assert_null (eas_node_path (v25, EAS_TASKS_RECURRENCE, EAS_TASKS_CALENDAR_TYPE, 0));
	back25 = eas_task_decode (v25, 25, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (back25->body, ==, t->body);
	g_assert_cmpint (back25->recurrence->first_day_of_week, ==, -1);
}

static void
test_vtodo_roundtrip (void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(EasTask) t = decode_body (full, 141, &error);
	icalcomponent *cal = eas_task_to_ical (t);
	g_autofree char *text = icalcomponent_as_ical_string_r (cal);
	icalcomponent *parsed = icalparser_parse_string (text);
	g_autoptr(EasTask) back = eas_task_from_ical (parsed, &error);
	icalcomponent *todo = icalcomponent_get_first_component (parsed, ICAL_VTODO_COMPONENT);

	g_assert_no_error (error);
	g_assert_cmpint (icalproperty_get_priority (icalcomponent_get_first_property (todo, ICAL_PRIORITY_PROPERTY)), ==, 1);
	g_assert_cmpint (icalcomponent_get_status (todo), ==, ICAL_STATUS_COMPLETED);
	g_assert_nonnull (icalcomponent_get_first_property (todo, ICAL_RRULE_PROPERTY));
	g_assert_nonnull (icalcomponent_get_first_component (todo, ICAL_VALARM_COMPONENT));
	/* CalendarType has no RRULE form: the rest must survive. */
	t->recurrence->calendar_type = -1;
	assert_tasks_equal (t, back);
	icalcomponent_free (cal);
	icalcomponent_free (parsed);
}

/* A VTODO from elsewhere: date-only DUE, PRIORITY, floating DTSTART. */
static void
test_vtodo_foreign (void)
{
	const char *ics =
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:1\r\n"
		"SUMMARY:Buy milk\r\nDTSTART:20260501T090000\r\nDUE;VALUE=DATE:20260502\r\n"
		"PRIORITY:7\r\nCLASS:CONFIDENTIAL\r\nSTATUS:NEEDS-ACTION\r\n"
		"END:VTODO\r\nEND:VCALENDAR\r\n";
	icalcomponent *cal = icalparser_parse_string (ics);
	g_autoptr(GError) error = NULL;
	g_autoptr(EasTask) t = eas_task_from_ical (cal, &error);
	g_autofree char *due = NULL;

	g_assert_no_error (error);
	g_assert_cmpstr (t->subject, ==, "Buy milk");
	g_assert_cmpint (t->importance, ==, 0);
	g_assert_cmpint (t->sensitivity, ==, 3);
	g_assert_cmpint (t->complete, ==, 0);
	g_assert_cmpint (t->utc_start_date, ==, 0);
	due = eas_pim_format_time (t->due_date, FALSE);
	g_assert_cmpstr (due, ==, "2026-05-02T00:00:00.000Z");
	icalcomponent_free (cal);
}

static void
decode_fails (const char *body, int code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(EasTask) t = decode_body (body, 141, &error);

	g_assert_null (t);
	g_assert_error (error, EAS_PIM_ERROR, code);
}

static char *
categories (guint n)
{
	GString *s = g_string_new ("<t:Categories>");

	for (guint i = 0; i < n; i++)
		g_string_append (s, "<t:Category>c</t:Category>");
	g_string_append (s, "</t:Categories>");
	return g_string_free (s, FALSE);
}

static void
test_bad_input (void)
{
	g_autofree char *ok = categories (EAS_PIM_MAX_CATEGORIES);
	g_autofree char *big = categories (EAS_PIM_MAX_CATEGORIES + 1);
	g_autoptr(GError) error = NULL;
	g_autoptr(EasTask) t = decode_body (ok, 141, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (t->categories->len, ==, EAS_PIM_MAX_CATEGORIES);
	decode_fails (big, EAS_PIM_ERROR_LIMIT);
	decode_fails ("<t:Complete>1</t:Complete>", EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<t:Importance>3</t:Importance>", EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<t:DueDate>2026-04-31T00:00:00.000Z</t:DueDate>", EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<t:ReminderTime>soon</t:ReminderTime>", EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<t:Recurrence><t:Type>0</t:Type></t:Recurrence>", EAS_PIM_ERROR_RECURRENCE);
	decode_fails ("<t:Recurrence><t:Type>0</t:Type><t:Start>2026-04-01T00:00:00.000Z</t:Start>"
	              "<t:Occurrences>0</t:Occurrences></t:Recurrence>", EAS_PIM_ERROR_RECURRENCE);
	decode_fails ("<t:Recurrence><t:Type>1</t:Type><t:Start>2026-04-01T00:00:00.000Z</t:Start>"
	              "</t:Recurrence>", EAS_PIM_ERROR_RECURRENCE);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/task/encode/versions", test_versions);
	g_test_add_func ("/task/vtodo/roundtrip", test_vtodo_roundtrip);
	g_test_add_func ("/task/vtodo/foreign", test_vtodo_foreign);
	g_test_add_func ("/task/decode/bad-input", test_bad_input);
	return g_test_run ();
}
