/* test-calendar.c — event model ⇄ ApplicationData ⇄ iCalendar, recurrences. */
#include "config.h"

#include <string.h>

#include "eas/eas-calendar.h"
#include "tests/eas/pim-test-util.h"

#define NS "xmlns=\"AirSync:\" xmlns:cal=\"Calendar:\" xmlns:b=\"AirSyncBase:\""

static EasEvent *
decode_body (const char *body, EasVersion version, GError **error)
{
	g_autofree char *xml = g_strdup_printf ("<ApplicationData " NS ">%s</ApplicationData>", body);
	g_autoptr(EasNode) root = pim_test_parse_xml (xml);

	return eas_event_decode (root, version, error);
}

static EasNode *
encode_tree (const EasEvent *ev, EasVersion version)
{
	g_autoptr(EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_event_encode (w, ev, version);
	eas_wbxml_writer_end (w);
	return pim_test_finish_and_parse (w);
}

static char *
berlin_b64 (void)
{
	EasTimeZone tz;

	g_assert_true (eas_timezone_from_iana ("Europe/Berlin", 2026, &tz, NULL));
	return eas_timezone_encode_base64 (&tz);
}

/* A weekly Monday 09:00 Berlin meeting from 2026-03-16 (before the DST
 * switch on 29 March) for 6 weeks, with the 23 March occurrence deleted and
 * the 6 April one moved to 10:00 with another subject. */
static char *
full_event_xml (void)
{
	g_autofree char *tz = berlin_b64 ();

	return g_strdup_printf (
		"<cal:Timezone>%s</cal:Timezone>"
		"<cal:AllDayEvent>0</cal:AllDayEvent>"
		"<cal:StartTime>20260316T080000Z</cal:StartTime><cal:EndTime>20260316T090000Z</cal:EndTime>"
		"<cal:DtStamp>20260301T120000Z</cal:DtStamp>"
		"<cal:Subject>Standup</cal:Subject><cal:Location>Room 1</cal:Location>"
		"<cal:UID>uid-123@example</cal:UID>"
		"<cal:OrganizerName>Olga</cal:OrganizerName><cal:OrganizerEmail>olga@example.com</cal:OrganizerEmail>"
		"<cal:BusyStatus>1</cal:BusyStatus><cal:Sensitivity>1</cal:Sensitivity>"
		"<cal:Reminder>15</cal:Reminder><cal:MeetingStatus>1</cal:MeetingStatus>"
		"<cal:Attendees>"
		"<cal:Attendee><cal:Email>a@example.com</cal:Email><cal:Name>Ann</cal:Name>"
		"<cal:AttendeeStatus>3</cal:AttendeeStatus><cal:AttendeeType>1</cal:AttendeeType></cal:Attendee>"
		"<cal:Attendee><cal:Email>b@example.com</cal:Email><cal:Name>Bob</cal:Name>"
		"<cal:AttendeeStatus>4</cal:AttendeeStatus><cal:AttendeeType>2</cal:AttendeeType></cal:Attendee>"
		"<cal:Attendee><cal:Email>room@example.com</cal:Email><cal:Name>Room</cal:Name>"
		"<cal:AttendeeType>3</cal:AttendeeType></cal:Attendee>"
		"</cal:Attendees>"
		"<cal:Categories><cal:Category>Work</cal:Category><cal:Category>Team; A</cal:Category></cal:Categories>"
		"<cal:Recurrence><cal:Type>1</cal:Type><cal:Occurrences>6</cal:Occurrences>"
		"<cal:Interval>1</cal:Interval><cal:DayOfWeek>2</cal:DayOfWeek></cal:Recurrence>"
		"<cal:Exceptions>"
		"<cal:Exception><cal:Deleted>1</cal:Deleted><cal:ExceptionStartTime>20260323T080000Z</cal:ExceptionStartTime></cal:Exception>"
		"<cal:Exception><cal:ExceptionStartTime>20260406T070000Z</cal:ExceptionStartTime>"
		"<cal:StartTime>20260406T080000Z</cal:StartTime><cal:EndTime>20260406T090000Z</cal:EndTime>"
		"<cal:Subject>Moved standup</cal:Subject></cal:Exception>"
		"</cal:Exceptions>"
		"<cal:ResponseRequested>1</cal:ResponseRequested><cal:ResponseType>1</cal:ResponseType>"
		"<cal:DisallowNewTimeProposal>1</cal:DisallowNewTimeProposal>"
		"<cal:AppointmentReplyTime>20260302T100000Z</cal:AppointmentReplyTime>"
		"<cal:OnlineMeetingConfLink>https://meet.example/conf</cal:OnlineMeetingConfLink>"
		"<cal:OnlineMeetingExternalLink>https://meet.example/ext</cal:OnlineMeetingExternalLink>"
		"<b:Body><b:Type>1</b:Type><b:Data>Agenda:\n1. news</b:Data></b:Body>", tz);
}

static EasEvent *
full_event (EasVersion version)
{
	g_autofree char *xml = full_event_xml ();
	g_autoptr(GError) error = NULL;
	EasEvent *ev = decode_body (xml, version, &error);

	g_assert_no_error (error);
	return ev;
}

static void
assert_events_equal (const EasEvent *a, const EasEvent *b)
{
	g_assert_cmpint (a->start_time, ==, b->start_time);
	g_assert_cmpint (a->end_time, ==, b->end_time);
	g_assert_cmpint (a->dt_stamp, ==, b->dt_stamp);
	g_assert_cmpstr (a->subject, ==, b->subject);
	g_assert_cmpstr (a->location, ==, b->location);
	g_assert_cmpstr (a->body, ==, b->body);
	g_assert_cmpint (a->busy_status, ==, b->busy_status);
	g_assert_cmpint (a->sensitivity, ==, b->sensitivity);
	g_assert_cmpint (a->reminder, ==, b->reminder);
	g_assert_cmpint (a->meeting_status, ==, b->meeting_status);
	g_assert_cmpint (a->response_requested, ==, b->response_requested);
	g_assert_cmpint (a->response_type, ==, b->response_type);
	g_assert_cmpint (a->disallow_new_time_proposal, ==, b->disallow_new_time_proposal);
	g_assert_cmpint (a->appointment_reply_time, ==, b->appointment_reply_time);
	g_assert_cmpstr (a->organizer_email, ==, b->organizer_email);
	g_assert_cmpstr (a->organizer_name, ==, b->organizer_name);
	g_assert_cmpstr (a->online_meeting_conf_link, ==, b->online_meeting_conf_link);
	g_assert_cmpstr (a->online_meeting_external_link, ==, b->online_meeting_external_link);
	g_assert_cmpint (a->attendees == NULL, ==, b->attendees == NULL);
	for (guint i = 0; a->attendees != NULL && i < a->attendees->len; i++) {
		const EasAttendee *x = g_ptr_array_index (a->attendees, i);
		const EasAttendee *y = g_ptr_array_index (b->attendees, i);

		g_assert_cmpuint (a->attendees->len, ==, b->attendees->len);
		g_assert_cmpstr (x->email, ==, y->email);
		g_assert_cmpstr (x->name, ==, y->name);
		g_assert_cmpint (x->type, ==, y->type);
	}
	g_assert_cmpint (a->categories == NULL, ==, b->categories == NULL);
	for (guint i = 0; a->categories != NULL && i < a->categories->len; i++)
		g_assert_cmpstr (g_ptr_array_index (a->categories, i), ==, g_ptr_array_index (b->categories, i));
	g_assert_cmpint (a->recurrence == NULL, ==, b->recurrence == NULL);
	if (a->recurrence != NULL)
		g_assert_cmpmem (a->recurrence, sizeof *a->recurrence, b->recurrence, sizeof *b->recurrence);
}

static void
test_encode_versions (void)
{
	g_autoptr(EasEvent) ev = full_event (141);
	g_autoptr(EasNode) v25 = encode_tree (ev, 25);
	g_autoptr(EasNode) v141 = encode_tree (ev, 141);
	g_autoptr(EasNode) v160 = encode_tree (ev, 160);
	g_autoptr(GError) error = NULL;
	g_autoptr(EasEvent) back = NULL;
	g_autoptr(EasEvent) back25 = NULL;

	g_assert_true (ev->has_timezone);
	g_assert_cmpuint (ev->exceptions->len, ==, 2);
	/* 2.5: calendar:Body, no 14.0 elements, no attendee status. */
	g_assert_cmpstr (eas_node_child_text (v25, EAS_CALENDAR_BODY), ==, ev->body);
	g_assert_null (eas_node_child (v25, EAS_AIRSYNCBASE_BODY));
	g_assert_null (eas_node_child (v25, EAS_CALENDAR_RESPONSE_TYPE));
	g_assert_null (eas_node_path (v25, EAS_CALENDAR_ATTENDEES, EAS_CALENDAR_ATTENDEE,
	                              EAS_CALENDAR_ATTENDEE_STATUS, 0));
	g_assert_null (eas_node_child (v25, EAS_CALENDAR_ONLINE_MEETING_CONF_LINK));
	back25 = eas_event_decode (v25, 25, &error);
	g_assert_no_error (error);
	g_assert_cmpint (back25->response_type, ==, -1);
	g_assert_cmpstr (ev->online_meeting_conf_link, ==, "https://meet.example/conf");
	/* 14.1: everything, and back. */
	g_assert_nonnull (eas_node_path (v141, EAS_AIRSYNCBASE_BODY, EAS_AIRSYNCBASE_DATA, 0));
	g_assert_nonnull (eas_node_path (v141, EAS_CALENDAR_EXCEPTIONS, EAS_CALENDAR_EXCEPTION,
	                                 EAS_CALENDAR_EXCEPTION_START_TIME, 0));
	back = eas_event_decode (v141, 141, &error);
	g_assert_no_error (error);
	assert_events_equal (ev, back);
	g_assert_cmpmem (&ev->timezone, sizeof ev->timezone, &back->timezone, sizeof back->timezone);
	/* 16.0: exceptions named by InstanceId. */
	g_assert_nonnull (eas_node_path (v160, EAS_CALENDAR_EXCEPTIONS, EAS_CALENDAR_EXCEPTION,
	                                 EAS_AIRSYNCBASE_INSTANCE_ID, 0));
	g_assert_null (eas_node_path (v160, EAS_CALENDAR_EXCEPTIONS, EAS_CALENDAR_EXCEPTION,
	                              EAS_CALENDAR_EXCEPTION_START_TIME, 0));
	{
		g_autoptr(EasEvent) b160 = eas_event_decode (v160, 160, &error);
		g_assert_no_error (error);
		g_assert_cmpint (((EasEvent *) g_ptr_array_index (b160->exceptions, 1))->exception_start_time, ==,
		                 ((EasEvent *) g_ptr_array_index (ev->exceptions, 1))->exception_start_time);
	}
}

static void
count_cb (icalcomponent *comp, struct icaltime_span *span, void *data)
{
	GArray *starts = data;
	gint64 t = span->start;

	(void) comp;
	g_array_append_val (starts, t);
}

/* The iCalendar form expands, with libical, to the occurrences EAS means:
 * 09:00 Berlin time each Monday across the DST change, minus the deleted
 * one. */
static void
test_ical_expand (void)
{
	g_autoptr(EasEvent) ev = full_event (141);
	g_autoptr(GError) error = NULL;
	icalcomponent *cal = eas_event_to_ical (ev, &error);
	icalcomponent *master = icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT);
	g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));
	struct icaltimetype from = icaltime_from_string ("20260101T000000Z");
	struct icaltimetype to = icaltime_from_string ("20270101T000000Z");
	icaltimezone *berlin = icaltimezone_get_builtin_timezone ("Europe/Berlin");
	icalcomponent *over;

	g_assert_no_error (error);
	g_assert_nonnull (icalcomponent_get_first_component (cal, ICAL_VTIMEZONE_COMPONENT));
	g_assert_null (icalcomponent_get_first_property (master, ICAL_RECURRENCEID_PROPERTY));
	icalcomponent_foreach_recurrence (master, from, to, count_cb, starts);
	/* 6 occurrences, one deleted by EXDATE. */
	g_assert_cmpuint (starts->len, ==, 5);
	for (guint i = 0; i < starts->len; i++) {
		struct icaltimetype local = icaltime_from_timet_with_zone ((time_t) g_array_index (starts, gint64, i), 0, berlin);

		g_assert_cmpint (local.hour, ==, 9);
		g_assert_cmpint (icaltime_day_of_week (local), ==, 2);	/* Monday */
		g_assert_cmpint (local.day, !=, 23);
	}
	/* The changed occurrence is an override with RECURRENCE-ID. */
	icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT);
	over = icalcomponent_get_next_component (cal, ICAL_VEVENT_COMPONENT);
	g_assert_nonnull (over);
	g_assert_nonnull (icalcomponent_get_first_property (over, ICAL_RECURRENCEID_PROPERTY));
	g_assert_cmpstr (icalcomponent_get_summary (over), ==, "Moved standup");
	g_assert_cmpstr (icalcomponent_get_location (over), ==, "Room 1");
	icalcomponent_free (cal);
}

/* EAS → iCalendar text → EAS keeps every field. */
static void
test_ical_roundtrip (void)
{
	g_autoptr(EasEvent) ev = full_event (141);
	g_autoptr(GError) error = NULL;
	icalcomponent *cal = eas_event_to_ical (ev, &error);
	g_autofree char *text = icalcomponent_as_ical_string_r (cal);
	icalcomponent *parsed = icalparser_parse_string (text);
	g_autoptr(EasEvent) back = eas_event_from_ical (parsed, &error);
	EasEvent *moved;

	g_assert_no_error (error);
	assert_events_equal (ev, back);
	g_assert_cmpstr (back->uid, ==, "uid-123@example");
	g_assert_cmpint (eas_timezone_standard_offset (&back->timezone), ==, 60);
	g_assert_cmpint (eas_timezone_daylight_offset (&back->timezone), ==, 120);
	g_assert_cmpuint (back->exceptions->len, ==, 2);
	g_assert_true (((EasEvent *) g_ptr_array_index (back->exceptions, 0))->deleted);
	moved = g_ptr_array_index (back->exceptions, 1);
	g_assert_false (moved->deleted);
	g_assert_cmpint (moved->exception_start_time, ==,
	                 ((EasEvent *) g_ptr_array_index (ev->exceptions, 1))->exception_start_time);
	g_assert_cmpstr (moved->subject, ==, "Moved standup");
	g_assert_cmpint (((EasAttendee *) g_ptr_array_index (back->attendees, 0))->status, ==, 3);
	g_assert_cmpint (((EasAttendee *) g_ptr_array_index (back->attendees, 1))->status, ==, 4);
	icalcomponent_free (cal);
	icalcomponent_free (parsed);
}

/* An all-day event is a DATE in the event's own zone. */
static void
test_all_day (void)
{
	g_autofree char *tz = berlin_b64 ();
	g_autofree char *xml = g_strdup_printf (
		"<cal:Timezone>%s</cal:Timezone><cal:AllDayEvent>1</cal:AllDayEvent>"
		"<cal:StartTime>20260709T220000Z</cal:StartTime><cal:EndTime>20260710T220000Z</cal:EndTime>"
		"<cal:Subject>Holiday</cal:Subject>", tz);
	g_autoptr(GError) error = NULL;
	g_autoptr(EasEvent) ev = decode_body (xml, 141, &error);
	icalcomponent *cal = eas_event_to_ical (ev, &error);
	icalcomponent *ve = icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT);
	struct icaltimetype start = icalcomponent_get_dtstart (ve);
	g_autoptr(EasEvent) back = eas_event_from_ical (cal, &error);

	g_assert_no_error (error);
	g_assert_true (start.is_date);
	g_assert_cmpint (start.year, ==, 2026);
	g_assert_cmpint (start.month, ==, 7);
	g_assert_cmpint (start.day, ==, 10);
	g_assert_cmpint (back->all_day_event, ==, 1);
	g_assert_cmpint (back->end_time - back->start_time, ==, 86400);
	icalcomponent_free (cal);
}

/* ---- Recurrences ---------------------------------------------------------- */

typedef struct {
	const char *xml;	/* children of Recurrence */
	const char *rrule;	/* expected RRULE, or NULL for an error */
} RecCase;

static const RecCase rec_cases[] = {
	{ "<cal:Type>0</cal:Type><cal:Interval>2</cal:Interval><cal:Occurrences>10</cal:Occurrences>",
	  "FREQ=DAILY;COUNT=10;INTERVAL=2" },
	{ "<cal:Type>1</cal:Type><cal:DayOfWeek>62</cal:DayOfWeek><cal:Until>20261231T000000Z</cal:Until>",
	  "FREQ=WEEKLY;UNTIL=20261231T000000Z;BYDAY=MO,TU,WE,TH,FR" },
	{ "<cal:Type>2</cal:Type><cal:DayOfMonth>31</cal:DayOfMonth>", "FREQ=MONTHLY;BYMONTHDAY=31" },
	{ "<cal:Type>3</cal:Type><cal:WeekOfMonth>2</cal:WeekOfMonth><cal:DayOfWeek>4</cal:DayOfWeek>",
	  "FREQ=MONTHLY;BYDAY=2TU" },
	{ "<cal:Type>3</cal:Type><cal:WeekOfMonth>5</cal:WeekOfMonth><cal:DayOfWeek>62</cal:DayOfWeek>",
	  "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1" },
	{ "<cal:Type>5</cal:Type><cal:DayOfMonth>29</cal:DayOfMonth><cal:MonthOfYear>2</cal:MonthOfYear>",
	  "FREQ=YEARLY;BYMONTHDAY=29;BYMONTH=2" },
	{ "<cal:Type>6</cal:Type><cal:WeekOfMonth>5</cal:WeekOfMonth><cal:DayOfWeek>1</cal:DayOfWeek>"
	  "<cal:MonthOfYear>10</cal:MonthOfYear>", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" },
	/* Limits at N and N+1. */
	{ "<cal:Type>0</cal:Type><cal:Occurrences>999</cal:Occurrences>", "FREQ=DAILY;COUNT=999" },
	{ "<cal:Type>0</cal:Type><cal:Occurrences>1000</cal:Occurrences>", NULL },
	{ "<cal:Type>0</cal:Type><cal:Interval>999</cal:Interval>", "FREQ=DAILY;INTERVAL=999" },
	{ "<cal:Type>0</cal:Type><cal:Interval>1000</cal:Interval>", NULL },
	/* Impossible ones. */
	{ "<cal:Type>0</cal:Type><cal:Occurrences>0</cal:Occurrences>", NULL },
	{ "<cal:Type>0</cal:Type><cal:Interval>0</cal:Interval>", NULL },
	{ "<cal:Type>0</cal:Type><cal:DayOfWeek>2</cal:DayOfWeek>", NULL },
	{ "<cal:Type>1</cal:Type>", NULL },
	{ "<cal:Type>2</cal:Type><cal:DayOfWeek>2</cal:DayOfWeek>", NULL },
	{ "<cal:Type>3</cal:Type><cal:DayOfWeek>2</cal:DayOfWeek>", NULL },
	{ "<cal:Type>5</cal:Type><cal:DayOfMonth>30</cal:DayOfMonth><cal:MonthOfYear>2</cal:MonthOfYear>", NULL },
	{ "<cal:Type>4</cal:Type>", NULL },
	{ "<cal:Interval>2</cal:Interval>", NULL },
	{ "<cal:Type>0</cal:Type><cal:Occurrences>3</cal:Occurrences><cal:Until>20261231T000000Z</cal:Until>", NULL },
};

static void
test_recurrence_cases (void)
{
	for (guint i = 0; i < G_N_ELEMENTS (rec_cases); i++) {
		g_autofree char *xml = g_strdup_printf ("<cal:StartTime>20260105T100000Z</cal:StartTime>"
		                                        "<cal:Recurrence>%s</cal:Recurrence>", rec_cases[i].xml);
		g_autoptr(GError) error = NULL;
		g_autoptr(EasEvent) ev = decode_body (xml, 141, &error);
		struct icalrecurrencetype rule;
		g_autofree char *s = NULL;
		EasRecurrence back;

		if (rec_cases[i].rrule == NULL) {
			g_assert_null (ev);
			if (!g_error_matches (error, EAS_PIM_ERROR, EAS_PIM_ERROR_RECURRENCE))
				g_assert_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED);
			continue;
		}
		g_assert_no_error (error);
		rule = eas_recurrence_to_rrule (ev->recurrence);
		s = icalrecurrencetype_as_string_r (&rule);
		g_assert_cmpstr (s, ==, rec_cases[i].rrule);
		/* And back from the RRULE text. */
		rule = icalrecurrencetype_from_string (s);
		g_assert_true (eas_recurrence_from_rrule (&rule, icaltime_from_string ("20260105T100000Z"), &back, &error));
		g_assert_no_error (error);
		g_assert_cmpmem (&back, sizeof back, ev->recurrence, sizeof back);
	}
}

/* RRULEs EAS cannot carry are refused; ones it can are normalised. */
static void
test_rrule_import (void)
{
	static const struct { const char *rrule; int type; guint dow; } cases[] = {
		{ "FREQ=WEEKLY", EAS_RECUR_WEEKLY, 2 },	/* DTSTART is a Monday */
		{ "FREQ=DAILY;BYDAY=MO,WE", EAS_RECUR_WEEKLY, 10 },
		{ "FREQ=MONTHLY", EAS_RECUR_MONTHLY, 0 },
		{ "FREQ=HOURLY", -1, 0 },
		{ "FREQ=MONTHLY;BYMONTHDAY=1,15", -1, 0 },
		{ "FREQ=MONTHLY;BYMONTHDAY=-1", -1, 0 },
		{ "FREQ=DAILY;BYDAY=MO;INTERVAL=2", -1, 0 },
		{ "FREQ=YEARLY;BYMONTH=1,7", -1, 0 },
		{ "FREQ=MONTHLY;BYDAY=3MO", EAS_RECUR_MONTHLY_NTH, 2 },
		{ "FREQ=DAILY;BYHOUR=9", -1, 0 },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		struct icalrecurrencetype rule = icalrecurrencetype_from_string (cases[i].rrule);
		g_autoptr(GError) error = NULL;
		EasRecurrence r;
		gboolean ok = eas_recurrence_from_rrule (&rule, icaltime_from_string ("20260105T100000Z"), &r, &error);

		if (cases[i].type < 0) {
			g_assert_false (ok);
			g_assert_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_RECURRENCE);
			continue;
		}
		g_assert_no_error (error);
		g_assert_cmpint (r.type, ==, cases[i].type);
		g_assert_cmpuint (r.day_of_week, ==, cases[i].dow);
		if (cases[i].type == EAS_RECUR_MONTHLY)
			g_assert_cmpuint (r.day_of_month, ==, 5);
	}
}

/* ---- Bad input ------------------------------------------------------------ */

static void
decode_fails (const char *body, GQuark domain, int code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(EasEvent) ev = decode_body (body, 141, &error);

	g_assert_null (ev);
	g_assert_error (error, domain, code);
}

static char *
attendees_xml (guint n)
{
	GString *s = g_string_new ("<cal:Attendees>");

	for (guint i = 0; i < n; i++)
		g_string_append_printf (s, "<cal:Attendee><cal:Email>a%u@example.com</cal:Email>"
		                           "<cal:Name>A %u</cal:Name></cal:Attendee>", i, i);
	g_string_append (s, "</cal:Attendees>");
	return g_string_free (s, FALSE);
}

static void
test_bad_input (void)
{
	g_autofree char *att_ok = attendees_xml (EAS_PIM_MAX_ATTENDEES);
	g_autofree char *att_big = attendees_xml (EAS_PIM_MAX_ATTENDEES + 1);
	g_autoptr(GError) error = NULL;
	g_autoptr(EasEvent) ev = decode_body (att_ok, 141, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (ev->attendees->len, ==, EAS_PIM_MAX_ATTENDEES);
	decode_fails (att_big, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT);
	decode_fails ("<cal:StartTime>20260231T100000Z</cal:StartTime>", EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<cal:StartTime>2026-02-01</cal:StartTime>", EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<cal:StartTime>20260201T100000Z</cal:StartTime><cal:EndTime>20260201T090000Z</cal:EndTime>",
	              EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<cal:Timezone>AAAA</cal:Timezone>", EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED);
	decode_fails ("<cal:BusyStatus>5</cal:BusyStatus>", EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<cal:Sensitivity>-1</cal:Sensitivity>", EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<cal:Exceptions><cal:Exception><cal:Deleted>1</cal:Deleted></cal:Exception></cal:Exceptions>",
	              EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED);
	decode_fails ("<cal:Attendees><cal:Attendee><cal:Name>x</cal:Name></cal:Attendee></cal:Attendees>",
	              EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED);
}

/* The iCalendar side has the same attendee limit, at N and N+1. */
static void
test_ical_attendee_limit (void)
{
	for (guint n = EAS_PIM_MAX_ATTENDEES; n <= EAS_PIM_MAX_ATTENDEES + 1; n++) {
		icalcomponent *ve = icalcomponent_new_vevent ();
		g_autoptr(GError) error = NULL;
		g_autoptr(EasEvent) ev = NULL;

		icalcomponent_add_property (ve, icalproperty_new_summary ("big"));
		for (guint i = 0; i < n; i++) {
			g_autofree char *a = g_strdup_printf ("mailto:a%u@example.com", i);
			icalcomponent_add_property (ve, icalproperty_new_attendee (a));
		}
		ev = eas_event_from_ical (ve, &error);
		if (n == EAS_PIM_MAX_ATTENDEES) {
			g_assert_no_error (error);
			g_assert_cmpuint (ev->attendees->len, ==, n);
		} else {
			g_assert_null (ev);
			g_assert_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT);
		}
		icalcomponent_free (ve);
	}
}

/* Bodies: EAS_PIM_MAX_BODY_BYTES is accepted, one more byte is not. */
static void
test_body_limit (void)
{
	for (gsize n = EAS_PIM_MAX_BODY_BYTES; n <= EAS_PIM_MAX_BODY_BYTES + 1; n++) {
		g_autoptr(EasWbxmlWriter) w = eas_wbxml_writer_new ();
		g_autofree char *body = g_strnfill (n, 'x');
		g_autoptr(GBytes) bytes = NULL;
		g_autoptr(EasNode) root = NULL;
		g_autoptr(EasEvent) ev = NULL;
		g_autoptr(GError) error = NULL;

		eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
		eas_wbxml_writer_start (w, EAS_AIRSYNCBASE_BODY);
		eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_TYPE, 1);
		eas_wbxml_writer_text_element (w, EAS_AIRSYNCBASE_DATA, body);
		eas_wbxml_writer_end (w);
		eas_wbxml_writer_end (w);
		bytes = eas_wbxml_writer_finish (w, NULL);
		root = eas_wbxml_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, &error);
		g_assert_no_error (error);
		ev = eas_event_decode (root, 141, &error);
		if (n == EAS_PIM_MAX_BODY_BYTES) {
			g_assert_no_error (error);
			g_assert_cmpuint (strlen (ev->body), ==, n);
		} else {
			g_assert_null (ev);
			g_assert_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT);
		}
	}
}

/* ---- Fixtures -------------------------------------------------------------- */

static const char *
fixture_dir (void)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");

	if (shared == NULL)
		g_test_skip ("AIRDOCK_SHARED is not set: shared fixtures unavailable");
	return shared;
}

static char *
prop_text (icalproperty *p)
{
	icalproperty_kind k = icalproperty_isa (p);

	if (k == ICAL_ORGANIZER_PROPERTY || k == ICAL_ATTENDEE_PROPERTY) {
		const char *v = icalproperty_get_value_as_string (p);
		const char *cn = NULL;
		icalparameter *param = icalproperty_get_first_parameter (p, ICAL_CN_PARAMETER);

		if (param != NULL)
			cn = icalparameter_get_cn (param);
		if (g_ascii_strncasecmp (v, "mailto:", 7) == 0)
			v += 7;
		return g_strdup_printf ("%s|%s", v, cn != NULL ? cn : "");
	}
	if (k == ICAL_DTSTART_PROPERTY || k == ICAL_DTEND_PROPERTY) {
		struct icaltimetype t = icalproperty_get_dtstart (p);
		return g_strdup_printf ("%" G_GINT64_FORMAT,
		                        (gint64) icaltime_as_timet_with_zone (t, icaltimezone_get_utc_timezone ()));
	}
	return g_strdup (icalproperty_get_value_as_string (p));
}

/* Every property of these kinds in the fixture's VEVENT is in ours. */
static void
assert_has_props (icalcomponent *fixture, icalcomponent *ours)
{
	static const icalproperty_kind kinds[] = {
		ICAL_SUMMARY_PROPERTY, ICAL_LOCATION_PROPERTY, ICAL_CLASS_PROPERTY, ICAL_UID_PROPERTY,
		ICAL_TRANSP_PROPERTY, ICAL_DTSTART_PROPERTY, ICAL_ORGANIZER_PROPERTY,
		ICAL_ATTENDEE_PROPERTY, ICAL_DESCRIPTION_PROPERTY,
	};

	for (guint k = 0; k < G_N_ELEMENTS (kinds); k++) {
		for (icalproperty *p = icalcomponent_get_first_property (fixture, kinds[k]); p != NULL;
		     p = icalcomponent_get_next_property (fixture, kinds[k])) {
			g_autofree char *want = prop_text (p);
			gboolean found = FALSE;

			for (icalproperty *q = icalcomponent_get_first_property (ours, kinds[k]); q != NULL && !found;
			     q = icalcomponent_get_next_property (ours, kinds[k])) {
				g_autofree char *have = prop_text (q);
				found = g_strcmp0 (g_strstrip (want), g_strstrip (have)) == 0;
			}
			if (!found)
				g_error ("missing %s", want);
		}
	}
}

static void
assert_same_alarm (icalcomponent *fixture, icalcomponent *ours)
{
	icalcomponent *a = icalcomponent_get_first_component (fixture, ICAL_VALARM_COMPONENT);
	icalcomponent *b = icalcomponent_get_first_component (ours, ICAL_VALARM_COMPONENT);

	if (a == NULL)
		return;
	g_assert_nonnull (b);
	g_assert_cmpint (icaldurationtype_as_int (icalproperty_get_trigger (
		icalcomponent_get_first_property (a, ICAL_TRIGGER_PROPERTY)).duration), ==,
		icaldurationtype_as_int (icalproperty_get_trigger (
		icalcomponent_get_first_property (b, ICAL_TRIGGER_PROPERTY)).duration));
}

static void
assert_same_zone (icalcomponent *fixture_cal, icalcomponent *our_cal)
{
	icalcomponent *a = icalcomponent_get_first_component (fixture_cal, ICAL_VTIMEZONE_COMPONENT);
	icalcomponent *b = icalcomponent_get_first_component (our_cal, ICAL_VTIMEZONE_COMPONENT);
	icaltimezone *za, *zb;

	if (a == NULL)
		return;
	g_assert_nonnull (b);
	za = icaltimezone_new ();
	zb = icaltimezone_new ();
	g_assert_true (icaltimezone_set_component (za, icalcomponent_new_clone (a)));
	g_assert_true (icaltimezone_set_component (zb, icalcomponent_new_clone (b)));
	for (gint64 t = 1735689600; t < 1735689600 + 365 * 86400; t += 3600) {
		struct icaltimetype tt = icaltime_from_timet_with_zone ((time_t) t, 0, icaltimezone_get_utc_timezone ());
		int d = 0;

		g_assert_cmpint (icaltimezone_get_utc_offset_of_utc_time (za, &tt, &d), ==,
		                 icaltimezone_get_utc_offset_of_utc_time (zb, &tt, &d));
	}
	icaltimezone_free (za, 1);
	icaltimezone_free (zb, 1);
}

static void
test_fixtures_evolution (void)
{
	const char *shared = fixture_dir ();
	const char *good[] = { "subject", "location", "sensitivity", "reminder", "timeZone", "attendee",
	                       "organizer", "uid", "busy", "startTime", "body" };
	const char *bad[] = { "recurrence", "exception" };

	if (shared == NULL)
		return;
	for (guint i = 0; i < G_N_ELEMENTS (good) + G_N_ELEMENTS (bad); i++) {
		gboolean ok = i < G_N_ELEMENTS (good);
		const char *name = ok ? good[i] : bad[i - G_N_ELEMENTS (good)];
		g_autofree char *dir = g_build_filename (shared, "fixtures/eas/evolution-activesync/TestData/Cal_Info_Translator/_Request", NULL);
		g_autofree char *xp = g_strdup_printf ("%s/XML_Data/_XML_cal_info_translator_parse_request_%s.xml", dir, name);
		g_autofree char *vp = g_strdup_printf ("%s/VCalendar_Data/VCard_cal_info_translator_parse_request_%s.txt", dir, name);
		g_autofree char *xml = NULL;
		g_autofree char *ics = NULL;
		g_autoptr(GString) s = NULL;
		g_autoptr(EasNode) root = NULL;
		g_autoptr(EasEvent) ev = NULL;
		g_autoptr(GError) error = NULL;
		icalcomponent *fixture, *ours;

		if (!g_file_get_contents (xp, &xml, NULL, NULL) || !g_file_get_contents (vp, &ics, NULL, NULL)) {
			g_test_skip ("fixture missing");
			return;
		}
		/* The fixtures use undeclared prefixes. */
		s = g_string_new (xml);
		g_string_replace (s, "<ApplicationData>",
		                  "<ApplicationData xmlns:calendar=\"Calendar:\" xmlns:airsyncbase=\"AirSyncBase:\">", 1);
		/* An unqualified Sensitivity would be Email's (page 2 comes first). */
		g_string_replace (s, "<Sensitivity>", "<calendar:Sensitivity>", 0);
		g_string_replace (s, "</Sensitivity>", "</calendar:Sensitivity>", 0);
		root = pim_test_parse_xml (s->str);
		ev = eas_event_decode (root, 141, &error);
		if (!ok) {
			g_assert_null (ev);
			g_assert_nonnull (error);
			continue;
		}
		g_assert_no_error (error);
		ours = eas_event_to_ical (ev, &error);
		fixture = icalparser_parse_string (ics);
		g_assert_nonnull (fixture);
		assert_has_props (icalcomponent_get_first_component (fixture, ICAL_VEVENT_COMPONENT),
		                  icalcomponent_get_first_component (ours, ICAL_VEVENT_COMPONENT));
		assert_same_alarm (icalcomponent_get_first_component (fixture, ICAL_VEVENT_COMPONENT),
		                   icalcomponent_get_first_component (ours, ICAL_VEVENT_COMPONENT));
		assert_same_zone (fixture, ours);
		icalcomponent_free (fixture);
		icalcomponent_free (ours);
	}
}

static EasEvent *
horde_event (const char *shared, const char *name, EasVersion version)
{
	g_autofree char *path = g_strdup_printf ("%s/fixtures/eas/horde/%s.wbxml", shared, name);
	g_autofree char *data = NULL;
	gsize len = 0;
	g_autoptr(GError) error = NULL;
	g_autoptr(EasNode) root = NULL;
	g_autoptr(GByteArray) doc = g_byte_array_new ();
	static const guint8 header[] = { 0x03, 0x01, 0x6A, 0x00 };
	static const guint8 open_app[] = { 0x00, 0x00, 0x5D };
	static const guint8 end = 0x01;
	gboolean bare;
	EasEvent *ev;

	/* The fragments lack the WBXML header, and some the ApplicationData
	 * wrapper (see the fixtures' SOURCE.md). */
	g_assert_true (g_file_get_contents (path, &data, &len, NULL));
	bare = len > 0 && data[0] == 0x00;
	g_byte_array_append (doc, header, sizeof header);
	if (bare)
		g_byte_array_append (doc, open_app, sizeof open_app);
	g_byte_array_append (doc, (const guint8 *) data, (guint) len);
	if (bare)
		g_byte_array_append (doc, &end, 1);
	root = eas_wbxml_parse (doc->data, doc->len, NULL, &error);
	g_assert_no_error (error);
	ev = eas_event_decode (root, version, &error);
	g_assert_no_error (error);
	return ev;
}

static void
test_fixtures_horde (void)
{
	const char *shared = fixture_dir ();
	g_autoptr(EasEvent) appt = NULL;
	g_autoptr(EasEvent) allday = NULL;
	g_autoptr(EasEvent) dst = NULL;
	g_autoptr(EasEvent) exc = NULL;
	g_autoptr(GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));
	icalcomponent *cal;
	struct icaltimetype start;

	if (shared == NULL)
		return;
	appt = horde_event (shared, "appointment", 25);
	g_assert_cmpstr (appt->subject, ==, "Event Title");
	g_assert_cmpstr (appt->body, ==, "Event Description");
	g_assert_cmpint (appt->sensitivity, ==, 1);
	g_assert_cmpint (eas_timezone_standard_offset (&appt->timezone), ==, -300);

	/* All day in New York: 20 March 1970. */
	allday = horde_event (shared, "allday_appointment", 121);
	cal = eas_event_to_ical (allday, NULL);
	start = icalcomponent_get_dtstart (icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT));
	g_assert_true (start.is_date);
	g_assert_cmpint (start.day, ==, 20);
	icalcomponent_free (cal);

	/* Every other Saturday, 15:00 New York time on both sides of DST. */
	dst = horde_event (shared, "dst", 121);
	g_assert_cmpint (dst->recurrence->type, ==, EAS_RECUR_WEEKLY);
	cal = eas_event_to_ical (dst, NULL);
	icalcomponent_foreach_recurrence (icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT),
	                                  icaltime_from_string ("20111001T000000Z"),
	                                  icaltime_from_string ("20111201T000000Z"), count_cb, starts);
	g_assert_cmpuint (starts->len, ==, 5);
	for (guint i = 0; i < starts->len; i++) {
		struct icaltimetype local = icaltime_from_timet_with_zone (
			(time_t) g_array_index (starts, gint64, i), 0,
			icaltimezone_get_builtin_timezone ("America/New_York"));
		g_assert_cmpint (local.hour, ==, 15);
	}
	icalcomponent_free (cal);

	/* A deleted occurrence becomes an EXDATE. */
	exc = horde_event (shared, "simpleexception", 121);
	g_assert_cmpuint (exc->exceptions->len, ==, 1);
	cal = eas_event_to_ical (exc, NULL);
	g_assert_nonnull (icalcomponent_get_first_property (
		icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT), ICAL_EXDATE_PROPERTY));
	g_array_set_size (starts, 0);
	icalcomponent_foreach_recurrence (icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT),
	                                  icaltime_from_string ("20111201T000000Z"),
	                                  icaltime_from_string ("20120201T000000Z"), count_cb, starts);
	/* 1, 15, (29 deleted) December, 12, 26 January. */
	g_assert_cmpuint (starts->len, ==, 4);
	icalcomponent_free (cal);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/calendar/encode/versions", test_encode_versions);
	g_test_add_func ("/calendar/ical/expand", test_ical_expand);
	g_test_add_func ("/calendar/ical/roundtrip", test_ical_roundtrip);
	g_test_add_func ("/calendar/ical/all-day", test_all_day);
	g_test_add_func ("/calendar/recurrence/cases", test_recurrence_cases);
	g_test_add_func ("/calendar/recurrence/rrule-import", test_rrule_import);
	g_test_add_func ("/calendar/decode/bad-input", test_bad_input);
	g_test_add_func ("/calendar/decode/body-limit", test_body_limit);
	g_test_add_func ("/calendar/ical/attendee-limit", test_ical_attendee_limit);
	g_test_add_func ("/calendar/fixtures/evolution", test_fixtures_evolution);
	g_test_add_func ("/calendar/fixtures/horde", test_fixtures_horde);
	return g_test_run ();
}
