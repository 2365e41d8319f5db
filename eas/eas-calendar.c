/* eas-calendar.c — calendar items ([MS-ASCAL]) ⇄ ApplicationData ⇄ iCalendar. */
#include "config.h"

#include <string.h>

#include "eas/eas-calendar.h"
#include "eas/eas-pim-ical.h"

/* Longest text field kept (subject, location, names, UID). */
#define TEXT_MAX_BYTES (64u * 1024)
/* Reminder minutes: a year. */
#define REMINDER_MAX (366u * 24 * 60)

/* ---- Recurrence ------------------------------------------------------------ */

typedef struct {
	EasTag type, until, occurrences, interval, day_of_week, day_of_month,
	       week_of_month, month_of_year, calendar_type, is_leap_month,
	       first_day_of_week, start, regenerate, dead_occur;
} RecTags;

static const RecTags cal_tags = {
	EAS_CALENDAR_TYPE, EAS_CALENDAR_UNTIL, EAS_CALENDAR_OCCURRENCES, EAS_CALENDAR_INTERVAL,
	EAS_CALENDAR_DAY_OF_WEEK, EAS_CALENDAR_DAY_OF_MONTH, EAS_CALENDAR_WEEK_OF_MONTH,
	EAS_CALENDAR_MONTH_OF_YEAR, EAS_CALENDAR_CALENDAR_TYPE, EAS_CALENDAR_IS_LEAP_MONTH,
	EAS_CALENDAR_FIRST_DAY_OF_WEEK, 0, 0, 0,
};

static const RecTags task_tags = {
	EAS_TASKS_TYPE, EAS_TASKS_UNTIL, EAS_TASKS_OCCURRENCES, EAS_TASKS_INTERVAL,
	EAS_TASKS_DAY_OF_WEEK, EAS_TASKS_DAY_OF_MONTH, EAS_TASKS_WEEK_OF_MONTH,
	EAS_TASKS_MONTH_OF_YEAR, EAS_TASKS_CALENDAR_TYPE, EAS_TASKS_IS_LEAP_MONTH,
	EAS_TASKS_FIRST_DAY_OF_WEEK, EAS_TASKS_START, EAS_TASKS_REGENERATE, EAS_TASKS_DEAD_OCCUR,
};

void
eas_recurrence_init (EasRecurrence *r)
{
	memset (r, 0, sizeof *r);
	r->first_day_of_week = -1;
	r->calendar_type = -1;
	r->is_leap_month = -1;
	r->regenerate = -1;
	r->dead_occur = -1;
}

static gboolean
rec_fail (GError **error, const char *what)
{
	g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_RECURRENCE, "Recurrence: %s", what);
	return FALSE;
}

gboolean
eas_recurrence_validate (const EasRecurrence *r, GError **error)
{
	gboolean dow = r->day_of_week != 0, dom = r->day_of_month != 0;
	gboolean wom = r->week_of_month != 0, moy = r->month_of_year != 0;

	if (r->occurrences != 0 && r->until != 0)
		return rec_fail (error, "both Occurrences and Until");
	if (r->day_of_week > EAS_DAY_ALL || r->day_of_month > 31 || r->week_of_month > 5 ||
	    r->month_of_year > 12 || r->interval > EAS_RECURRENCE_MAX_INTERVAL ||
	    r->occurrences > EAS_RECURRENCE_MAX_OCCURRENCES)
		return rec_fail (error, "a value out of range");
	switch (r->type) {
	case EAS_RECUR_DAILY:
		if (dow || dom || wom || moy)
			return rec_fail (error, "a daily recurrence with day, week or month rules");
		return TRUE;
	case EAS_RECUR_WEEKLY:
		if (!dow)
			return rec_fail (error, "a weekly recurrence without DayOfWeek");
		if (dom || wom || moy)
			return rec_fail (error, "a weekly recurrence with month rules");
		return TRUE;
	case EAS_RECUR_MONTHLY:
		if (!dom || dow || wom || moy)
			return rec_fail (error, "a monthly recurrence needs DayOfMonth alone");
		return TRUE;
	case EAS_RECUR_MONTHLY_NTH:
		if (!dow || !wom || dom || moy)
			return rec_fail (error, "a monthly-nth recurrence needs WeekOfMonth and DayOfWeek alone");
		return TRUE;
	case EAS_RECUR_YEARLY:
		if (!dom || !moy || dow || wom)
			return rec_fail (error, "a yearly recurrence needs DayOfMonth and MonthOfYear alone");
		/* 29 February exists (in leap years); 30 February never. */
		if (!g_date_valid_dmy ((GDateDay) r->day_of_month, (GDateMonth) r->month_of_year, 2000))
			return rec_fail (error, "a day that does not exist in MonthOfYear");
		return TRUE;
	case EAS_RECUR_YEARLY_NTH:
		if (!dow || !wom || !moy || dom)
			return rec_fail (error, "a yearly-nth recurrence needs WeekOfMonth, DayOfWeek and MonthOfYear alone");
		return TRUE;
	default:
		return rec_fail (error, "an unknown Type");
	}
}

static gboolean
rec_uint (const EasNode *n, guint min, guint max, guint *out, GError **error)
{
	return eas_pim_node_uint (n, min, max, out, error);
}

static gboolean
rec_child (const EasNode *n, const RecTags *t, EasVersion version, gboolean task,
           EasRecurrence *r, gboolean *has_type, GError **error)
{
	guint v = 0;
	EasTag tag = n->tag;

	if (tag == t->type) {
		*has_type = TRUE;
		if (!rec_uint (n, 0, 6, &v, error))
			return FALSE;
		r->type = (EasRecurrenceType) v;
	} else if (tag == t->occurrences) {
		if (!rec_uint (n, 0, G_MAXUINT32, &v, error))
			return FALSE;
		if (v == 0)
			return rec_fail (error, "Occurrences is 0");
		r->occurrences = v;
	} else if (tag == t->interval) {
		if (!rec_uint (n, 0, G_MAXUINT32, &v, error))
			return FALSE;
		if (v == 0)
			return rec_fail (error, "Interval is 0");
		/* 1 is the default: kept as "absent" so that equal rules compare equal. */
		r->interval = v > 1 ? v : 0;
	} else if (tag == t->until) {
		return eas_pim_node_time (n, &r->until, error);
	} else if (tag == t->day_of_week) {
		if (!rec_uint (n, 1, EAS_DAY_ALL, &r->day_of_week, error))
			return FALSE;
	} else if (tag == t->day_of_month) {
		return rec_uint (n, 1, 31, &r->day_of_month, error);
	} else if (tag == t->week_of_month) {
		return rec_uint (n, 1, 5, &r->week_of_month, error);
	} else if (tag == t->month_of_year) {
		return rec_uint (n, 1, 12, &r->month_of_year, error);
	} else if (tag == t->calendar_type && version >= 140) {
		if (!rec_uint (n, 0, 23, &v, error))
			return FALSE;
		r->calendar_type = (int) v;
	} else if (tag == t->is_leap_month && version >= 140) {
		if (!rec_uint (n, 0, 1, &v, error))
			return FALSE;
		r->is_leap_month = (int) v;
	} else if (tag == t->first_day_of_week && version >= 141) {
		if (!rec_uint (n, 0, 6, &v, error))
			return FALSE;
		r->first_day_of_week = (int) v;
	} else if (task && tag == t->start) {
		return eas_pim_node_time (n, &r->start, error);
	} else if (task && tag == t->regenerate) {
		if (!rec_uint (n, 0, 1, &v, error))
			return FALSE;
		r->regenerate = (int) v;
	} else if (task && tag == t->dead_occur) {
		if (!rec_uint (n, 0, 1, &v, error))
			return FALSE;
		r->dead_occur = (int) v;
	}
	return TRUE;
}

gboolean
eas_recurrence_decode (const EasNode *node, EasVersion version, gboolean task,
                       EasRecurrence *out, GError **error)
{
	const RecTags *t = task ? &task_tags : &cal_tags;
	EasRecurrence r;
	gboolean has_type = FALSE;

	eas_recurrence_init (&r);
	for (const EasNode *n = node->first_child; n != NULL; n = n->next) {
		if (!rec_child (n, t, version, task, &r, &has_type, error))
			return FALSE;
	}
	if (!has_type)
		return rec_fail (error, "no Type");
	if (!eas_recurrence_validate (&r, error))
		return FALSE;
	*out = r;
	return TRUE;
}

void
eas_recurrence_encode (EasWbxmlWriter *writer, const EasRecurrence *r, EasVersion version,
                       gboolean task)
{
	const RecTags *t = task ? &task_tags : &cal_tags;
	g_autofree char *until = r->until != 0 ? eas_pim_format_time (r->until, !task) : NULL;
	g_autofree char *start = r->start != 0 ? eas_pim_format_time (r->start, FALSE) : NULL;

	eas_wbxml_writer_start (writer, task ? EAS_TASKS_RECURRENCE : EAS_CALENDAR_RECURRENCE);
	eas_wbxml_writer_uint_element (writer, t->type, r->type);
	if (task && start != NULL)
		eas_wbxml_writer_text_element (writer, t->start, start);
	if (until != NULL)
		eas_wbxml_writer_text_element (writer, t->until, until);
	if (r->occurrences != 0)
		eas_wbxml_writer_uint_element (writer, t->occurrences, r->occurrences);
	if (r->interval != 0)
		eas_wbxml_writer_uint_element (writer, t->interval, r->interval);
	if (r->day_of_week != 0)
		eas_wbxml_writer_uint_element (writer, t->day_of_week, r->day_of_week);
	if (r->day_of_month != 0)
		eas_wbxml_writer_uint_element (writer, t->day_of_month, r->day_of_month);
	if (r->week_of_month != 0)
		eas_wbxml_writer_uint_element (writer, t->week_of_month, r->week_of_month);
	if (r->month_of_year != 0)
		eas_wbxml_writer_uint_element (writer, t->month_of_year, r->month_of_year);
	if (task && r->regenerate >= 0)
		eas_wbxml_writer_uint_element (writer, t->regenerate, (guint) r->regenerate);
	if (task && r->dead_occur >= 0)
		eas_wbxml_writer_uint_element (writer, t->dead_occur, (guint) r->dead_occur);
	if (version >= 140 && r->calendar_type >= 0)
		eas_wbxml_writer_uint_element (writer, t->calendar_type, (guint) r->calendar_type);
	if (version >= 140 && r->is_leap_month >= 0)
		eas_wbxml_writer_uint_element (writer, t->is_leap_month, (guint) r->is_leap_month);
	if (version >= 141 && r->first_day_of_week >= 0)
		eas_wbxml_writer_uint_element (writer, t->first_day_of_week, (guint) r->first_day_of_week);
	eas_wbxml_writer_end (writer);
}

/* libical 3.0: BYDAY entries are ±(weekday + 8 × |position|), weekday 1 = Sunday. */
static short
encode_day (int weekday, int pos)
{
	return (short) ((pos < 0 ? -1 : 1) * (weekday + 8 * ABS (pos)));
}

static void
set_days (struct icalrecurrencetype *rule, guint mask, int pos)
{
	int n = 0;

	for (int d = 0; d < 7; d++) {
		if (mask & (1u << d))
			rule->by_day[n++] = encode_day (d + 1, pos);
	}
	rule->by_day[n] = ICAL_RECURRENCE_ARRAY_MAX;
}

static void
set_nth_days (struct icalrecurrencetype *rule, guint mask, guint week)
{
	int pos = week == 5 ? -1 : (int) week;

	/* One weekday: BYDAY=2TU.  Several ("the last weekday"): BYDAY=MO,…,FR;BYSETPOS=-1. */
	if ((mask & (mask - 1)) == 0) {
		set_days (rule, mask, pos);
	} else {
		set_days (rule, mask, 0);
		rule->by_set_pos[0] = (short) pos;
		rule->by_set_pos[1] = ICAL_RECURRENCE_ARRAY_MAX;
	}
}

struct icalrecurrencetype
eas_recurrence_to_rrule (const EasRecurrence *r)
{
	struct icalrecurrencetype rule;

	icalrecurrencetype_clear (&rule);
	rule.interval = (short) (r->interval != 0 ? r->interval : 1);
	rule.count = (int) r->occurrences;
	if (r->until != 0)
		rule.until = icaltime_from_timet_with_zone ((time_t) r->until, 0, icaltimezone_get_utc_timezone ());
	if (r->first_day_of_week >= 0)
		rule.week_start = (icalrecurrencetype_weekday) (r->first_day_of_week + 1);
	switch (r->type) {
	case EAS_RECUR_DAILY:
		rule.freq = ICAL_DAILY_RECURRENCE;
		break;
	case EAS_RECUR_WEEKLY:
		rule.freq = ICAL_WEEKLY_RECURRENCE;
		set_days (&rule, r->day_of_week, 0);
		break;
	case EAS_RECUR_MONTHLY:
	case EAS_RECUR_YEARLY:
		rule.freq = r->type == EAS_RECUR_MONTHLY ? ICAL_MONTHLY_RECURRENCE : ICAL_YEARLY_RECURRENCE;
		rule.by_month_day[0] = (short) r->day_of_month;
		rule.by_month_day[1] = ICAL_RECURRENCE_ARRAY_MAX;
		break;
	case EAS_RECUR_MONTHLY_NTH:
	case EAS_RECUR_YEARLY_NTH:
		rule.freq = r->type == EAS_RECUR_MONTHLY_NTH ? ICAL_MONTHLY_RECURRENCE : ICAL_YEARLY_RECURRENCE;
		set_nth_days (&rule, r->day_of_week, r->week_of_month);
		break;
	}
	if (r->type == EAS_RECUR_YEARLY || r->type == EAS_RECUR_YEARLY_NTH) {
		rule.by_month[0] = (short) r->month_of_year;
		rule.by_month[1] = ICAL_RECURRENCE_ARRAY_MAX;
	}
	return rule;
}

static int
array_len (const short *a, int max)
{
	int n = 0;

	while (n < max && a[n] != ICAL_RECURRENCE_ARRAY_MAX)
		n++;
	return n;
}

/* The BYDAY list as a mask; *out_pos gets the common position (0 if none). */
static gboolean
days_mask (const struct icalrecurrencetype *rule, guint *out_mask, int *out_pos, GError **error)
{
	int n = array_len (rule->by_day, ICAL_BY_DAY_SIZE);
	int pos = 0;
	guint mask = 0;

	for (int i = 0; i < n; i++) {
		int wd = (int) icalrecurrencetype_day_day_of_week (rule->by_day[i]);
		int p = icalrecurrencetype_day_position (rule->by_day[i]);

		if (wd < 1 || wd > 7)
			return rec_fail (error, "a BYDAY weekday EAS cannot express");
		if (i > 0 && p != pos)
			return rec_fail (error, "BYDAY with different positions");
		pos = p;
		mask |= 1u << (wd - 1);
	}
	*out_mask = mask;
	*out_pos = pos;
	return TRUE;
}

static gboolean
week_from_pos (int pos, guint *out_week, GError **error)
{
	if (pos == -1)
		*out_week = 5;
	else if (pos >= 1 && pos <= 4)
		*out_week = (guint) pos;
	else
		return rec_fail (error, "a week position EAS cannot express");
	return TRUE;
}

/* MONTHLY/YEARLY: on a day of the month, or on the n-th weekday. */
static gboolean
monthly_from_rrule (const struct icalrecurrencetype *rule, struct icaltimetype dtstart,
                    gboolean yearly, EasRecurrence *r, GError **error)
{
	int n_mday = array_len (rule->by_month_day, ICAL_BY_MONTHDAY_SIZE);
	int n_setpos = array_len (rule->by_set_pos, ICAL_BY_SETPOS_SIZE);
	guint mask = 0;
	int pos = 0;

	if (!days_mask (rule, &mask, &pos, error))
		return FALSE;
	if (mask == 0) {
		if (n_mday > 1 || n_setpos > 0 || (n_mday == 1 && rule->by_month_day[0] < 1))
			return rec_fail (error, "BYMONTHDAY EAS cannot express");
		r->type = yearly ? EAS_RECUR_YEARLY : EAS_RECUR_MONTHLY;
		r->day_of_month = n_mday == 1 ? (guint) rule->by_month_day[0] : (guint) dtstart.day;
		return TRUE;
	}
	if (n_mday > 0)
		return rec_fail (error, "BYDAY together with BYMONTHDAY");
	if (pos == 0) {
		if (n_setpos != 1)
			return rec_fail (error, "BYDAY without a position");
		pos = rule->by_set_pos[0];
	} else if (n_setpos > 0) {
		return rec_fail (error, "BYDAY positions together with BYSETPOS");
	}
	r->type = yearly ? EAS_RECUR_YEARLY_NTH : EAS_RECUR_MONTHLY_NTH;
	r->day_of_week = mask;
	return week_from_pos (pos, &r->week_of_month, error);
}

static gboolean
freq_from_rrule (const struct icalrecurrencetype *rule, struct icaltimetype dtstart,
                 EasRecurrence *r, GError **error)
{
	guint mask = 0;
	int pos = 0;
	int n_month = array_len (rule->by_month, ICAL_BY_MONTH_SIZE);

	if (!days_mask (rule, &mask, &pos, error))
		return FALSE;
	switch (rule->freq) {
	case ICAL_DAILY_RECURRENCE:
	case ICAL_WEEKLY_RECURRENCE:
		if (pos != 0 || n_month > 0 || array_len (rule->by_month_day, ICAL_BY_MONTHDAY_SIZE) > 0)
			return rec_fail (error, "a daily or weekly rule with month parts");
		if (rule->freq == ICAL_DAILY_RECURRENCE && mask == 0) {
			r->type = EAS_RECUR_DAILY;
			return TRUE;
		}
		/* FREQ=DAILY;BYDAY=MO,…,FR is EAS's weekly rule; only at
		 * interval 1 do both mean the same days. */
		if (rule->freq == ICAL_DAILY_RECURRENCE && rule->interval > 1)
			return rec_fail (error, "a daily rule with BYDAY and an interval");
		r->type = EAS_RECUR_WEEKLY;
		r->day_of_week = mask != 0 ? mask : 1u << (icaltime_day_of_week (dtstart) - 1);
		return TRUE;
	case ICAL_MONTHLY_RECURRENCE:
		if (n_month > 0)
			return rec_fail (error, "a monthly rule with BYMONTH");
		return monthly_from_rrule (rule, dtstart, FALSE, r, error);
	case ICAL_YEARLY_RECURRENCE:
		if (n_month > 1)
			return rec_fail (error, "a yearly rule in several months");
		r->month_of_year = n_month == 1 ? (guint) rule->by_month[0] : (guint) dtstart.month;
		return monthly_from_rrule (rule, dtstart, TRUE, r, error);
	default:
		return rec_fail (error, "a frequency EAS cannot express");
	}
}

gboolean
eas_recurrence_from_rrule (const struct icalrecurrencetype *rule, struct icaltimetype dtstart,
                           EasRecurrence *out, GError **error)
{
	EasRecurrence r;

	eas_recurrence_init (&r);
	if (array_len (rule->by_second, ICAL_BY_SECOND_SIZE) > 0 ||
	    array_len (rule->by_minute, ICAL_BY_MINUTE_SIZE) > 0 ||
	    array_len (rule->by_hour, ICAL_BY_HOUR_SIZE) > 0 ||
	    array_len (rule->by_year_day, ICAL_BY_YEARDAY_SIZE) > 0 ||
	    array_len (rule->by_week_no, ICAL_BY_WEEKNO_SIZE) > 0)
		return rec_fail (error, "BYHOUR/BYMINUTE/BYSECOND/BYYEARDAY/BYWEEKNO");
	if (rule->interval < 1 || rule->interval > EAS_RECURRENCE_MAX_INTERVAL)
		return rec_fail (error, "an interval out of range");
	if (rule->count < 0 || rule->count > EAS_RECURRENCE_MAX_OCCURRENCES)
		return rec_fail (error, "a count out of range");
	r.interval = rule->interval > 1 ? (guint) rule->interval : 0;
	r.occurrences = (guint) rule->count;
	if (!icaltime_is_null_time (rule->until))
		r.until = (gint64) icaltime_as_timet_with_zone (rule->until, icaltimezone_get_utc_timezone ());
	/* libical defaults WKST to Monday: only another day was said. */
	if (rule->week_start != ICAL_NO_WEEKDAY && rule->week_start != ICAL_MONDAY_WEEKDAY)
		r.first_day_of_week = (int) rule->week_start - 1;
	if (!freq_from_rrule (rule, dtstart, &r, error) || !eas_recurrence_validate (&r, error))
		return FALSE;
	*out = r;
	return TRUE;
}

/* ---- Event model ------------------------------------------------------------- */

EasAttendee *
eas_attendee_new (const char *email, const char *name)
{
	EasAttendee *a = g_new0 (EasAttendee, 1);

	a->email = g_strdup (email);
	a->name = g_strdup (name);
	a->status = -1;
	a->type = -1;
	return a;
}

void
eas_attendee_free (EasAttendee *attendee)
{
	if (attendee == NULL)
		return;
	g_free (attendee->email);
	g_free (attendee->name);
	g_free (attendee);
}

EasEvent *
eas_event_new (void)
{
	EasEvent *ev = g_new0 (EasEvent, 1);

	ev->all_day_event = -1;
	ev->body_type = 1;
	ev->busy_status = -1;
	ev->sensitivity = -1;
	ev->reminder = -1;
	ev->meeting_status = -1;
	ev->response_requested = -1;
	ev->response_type = -1;
	ev->disallow_new_time_proposal = -1;
	return ev;
}

void
eas_event_free (EasEvent *event)
{
	if (event == NULL)
		return;
	g_free (event->subject);
	g_free (event->location);
	g_free (event->uid);
	g_free (event->client_uid);
	g_free (event->organizer_name);
	g_free (event->organizer_email);
	g_free (event->body);
	g_free (event->online_meeting_conf_link);
	g_free (event->online_meeting_external_link);
	g_clear_pointer (&event->attendees, g_ptr_array_unref);
	g_clear_pointer (&event->categories, g_ptr_array_unref);
	g_free (event->recurrence);
	g_clear_pointer (&event->exceptions, g_ptr_array_unref);
	g_free (event);
}

/* ---- ApplicationData decoding ------------------------------------------------ */

static gboolean
fail_node (const EasNode *n, int code, const char *what, GError **error)
{
	g_autofree char *label = eas_pim_tag_label (n->tag);

	g_set_error (error, EAS_PIM_ERROR, code, "%s: %s", label, what);
	return FALSE;
}

static gboolean
take_text (char **slot, const EasNode *n, GError **error)
{
	if (n->first_child != NULL || n->opaque != NULL)
		return fail_node (n, EAS_PIM_ERROR_MALFORMED, "not text", error);
	if (n->text != NULL && strlen (n->text) > TEXT_MAX_BYTES)
		return fail_node (n, EAS_PIM_ERROR_LIMIT, "text too long", error);
	g_free (*slot);
	*slot = g_strdup (n->text != NULL ? n->text : "");
	return TRUE;
}

static gboolean
take_int (int *slot, const EasNode *n, guint min, guint max, GError **error)
{
	guint v = 0;

	if (!eas_pim_node_uint (n, min, max, &v, error))
		return FALSE;
	*slot = (int) v;
	return TRUE;
}

static gboolean
decode_attendee (const EasNode *node, EasVersion version, EasAttendee **out, GError **error)
{
	g_autoptr(EasAttendee) a = eas_attendee_new (NULL, NULL);

	for (const EasNode *n = node->first_child; n != NULL; n = n->next) {
		gboolean ok = TRUE;

		if (n->tag == EAS_CALENDAR_EMAIL)
			ok = take_text (&a->email, n, error);
		else if (n->tag == EAS_CALENDAR_NAME)
			ok = take_text (&a->name, n, error);
		else if (n->tag == EAS_CALENDAR_ATTENDEE_STATUS && version >= 120)
			ok = take_int (&a->status, n, 0, 5, error);
		else if (n->tag == EAS_CALENDAR_ATTENDEE_TYPE && version >= 120)
			ok = take_int (&a->type, n, 1, 3, error);
		if (!ok)
			return FALSE;
	}
	if (a->email == NULL)
		return fail_node (node, EAS_PIM_ERROR_MALFORMED, "no Email", error);
	*out = g_steal_pointer (&a);
	return TRUE;
}

static gboolean
decode_attendees (EasEvent *ev, const EasNode *node, EasVersion version, GError **error)
{
	g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_attendee_free);

	for (const EasNode *n = node->first_child; n != NULL; n = n->next) {
		EasAttendee *a = NULL;

		if (n->tag != EAS_CALENDAR_ATTENDEE)
			continue;
		if (list->len >= EAS_PIM_MAX_ATTENDEES)
			return fail_node (node, EAS_PIM_ERROR_LIMIT, "too many attendees", error);
		if (!decode_attendee (n, version, &a, error))
			return FALSE;
		g_ptr_array_add (list, a);
	}
	g_clear_pointer (&ev->attendees, g_ptr_array_unref);
	ev->attendees = g_steal_pointer (&list);
	return TRUE;
}

static gboolean decode_event_child (EasEvent *ev, const EasNode *n, EasVersion version,
                                    gboolean exception, GError **error);

static gboolean
decode_exception (const EasNode *node, EasVersion version, EasEvent **out, GError **error)
{
	g_autoptr(EasEvent) ex = eas_event_new ();

	for (const EasNode *n = node->first_child; n != NULL; n = n->next) {
		if (!decode_event_child (ex, n, version, TRUE, error))
			return FALSE;
	}
	if (ex->exception_start_time == 0)
		return fail_node (node, EAS_PIM_ERROR_MALFORMED, "no ExceptionStartTime", error);
	*out = g_steal_pointer (&ex);
	return TRUE;
}

static gboolean
decode_exceptions (EasEvent *ev, const EasNode *node, EasVersion version, GError **error)
{
	g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_event_free);

	for (const EasNode *n = node->first_child; n != NULL; n = n->next) {
		EasEvent *ex = NULL;

		if (n->tag != EAS_CALENDAR_EXCEPTION)
			continue;
		if (list->len >= EAS_PIM_MAX_EXCEPTIONS)
			return fail_node (node, EAS_PIM_ERROR_LIMIT, "too many exceptions", error);
		if (!decode_exception (n, version, &ex, error))
			return FALSE;
		g_ptr_array_add (list, ex);
	}
	g_clear_pointer (&ev->exceptions, g_ptr_array_unref);
	ev->exceptions = g_steal_pointer (&list);
	return TRUE;
}

static gboolean
decode_timezone (EasEvent *ev, const EasNode *n, GError **error)
{
	if (n->text == NULL || !eas_timezone_decode_base64 (n->text, -1, &ev->timezone, error)) {
		if (error != NULL && *error != NULL)
			g_prefix_error (error, "Calendar:Timezone: ");
		else
			fail_node (n, EAS_PIM_ERROR_MALFORMED, "empty", error);
		return FALSE;
	}
	ev->has_timezone = TRUE;
	return TRUE;
}

static gboolean
decode_recurrence (EasEvent *ev, const EasNode *n, EasVersion version, GError **error)
{
	EasRecurrence r;

	if (!eas_recurrence_decode (n, version, FALSE, &r, error))
		return FALSE;
	g_free (ev->recurrence);
	ev->recurrence = g_memdup2 (&r, sizeof r);
	return TRUE;
}

static gboolean
decode_body (EasEvent *ev, const EasNode *n, EasVersion version, GError **error)
{
	if (n->tag == EAS_CALENDAR_BODY) {
		if (version >= 120)
			return TRUE;
		if (n->text != NULL && strlen (n->text) > EAS_PIM_MAX_BODY_BYTES)
			return fail_node (n, EAS_PIM_ERROR_LIMIT, "body too large", error);
		g_free (ev->body);
		ev->body = g_strdup (n->text != NULL ? n->text : "");
		ev->body_type = 1;
		return TRUE;
	}
	if (version < 120)
		return TRUE;
	g_clear_pointer (&ev->body, g_free);
	return eas_pim_decode_body (n, &ev->body, &ev->body_type, error);
}

static gboolean
decode_categories (EasEvent *ev, const EasNode *n, GError **error)
{
	GPtrArray *list = eas_pim_decode_list (n, EAS_CALENDAR_CATEGORY, EAS_PIM_MAX_CATEGORIES, error);

	if (list == NULL)
		return FALSE;
	g_clear_pointer (&ev->categories, g_ptr_array_unref);
	ev->categories = list;
	return TRUE;
}

static gboolean
decode_event_child (EasEvent *ev, const EasNode *n, EasVersion version, gboolean exception,
                    GError **error)
{
	switch (n->tag) {
	case EAS_CALENDAR_TIMEZONE: return exception || decode_timezone (ev, n, error);
	case EAS_CALENDAR_ALL_DAY_EVENT: return take_int (&ev->all_day_event, n, 0, 1, error);
	case EAS_CALENDAR_START_TIME: return eas_pim_node_time (n, &ev->start_time, error);
	case EAS_CALENDAR_END_TIME: return eas_pim_node_time (n, &ev->end_time, error);
	case EAS_CALENDAR_DT_STAMP: return eas_pim_node_time (n, &ev->dt_stamp, error);
	case EAS_CALENDAR_SUBJECT: return take_text (&ev->subject, n, error);
	case EAS_CALENDAR_LOCATION: return take_text (&ev->location, n, error);
	case EAS_CALENDAR_UID: return exception || take_text (&ev->uid, n, error);
	case EAS_CALENDAR_CLIENT_UID: return exception || version < 160 || take_text (&ev->client_uid, n, error);
	case EAS_CALENDAR_ORGANIZER_NAME: return take_text (&ev->organizer_name, n, error);
	case EAS_CALENDAR_ORGANIZER_EMAIL: return take_text (&ev->organizer_email, n, error);
	case EAS_CALENDAR_BODY:
	case EAS_AIRSYNCBASE_BODY: return decode_body (ev, n, version, error);
	case EAS_CALENDAR_BUSY_STATUS: return take_int (&ev->busy_status, n, 0, 4, error);
	case EAS_CALENDAR_SENSITIVITY: return take_int (&ev->sensitivity, n, 0, 3, error);
	case EAS_CALENDAR_REMINDER: return take_int (&ev->reminder, n, 0, REMINDER_MAX, error);
	case EAS_CALENDAR_MEETING_STATUS: return take_int (&ev->meeting_status, n, 0, 15, error);
	case EAS_CALENDAR_ATTENDEES: return decode_attendees (ev, n, version, error);
	case EAS_CALENDAR_CATEGORIES: return decode_categories (ev, n, error);
	case EAS_CALENDAR_RECURRENCE: return exception || decode_recurrence (ev, n, version, error);
	case EAS_CALENDAR_EXCEPTIONS: return exception || decode_exceptions (ev, n, version, error);
	case EAS_CALENDAR_DELETED: return !exception || take_int (&ev->deleted, n, 0, 1, error);
	case EAS_CALENDAR_EXCEPTION_START_TIME:
		return !exception || eas_pim_node_time (n, &ev->exception_start_time, error);
	case EAS_AIRSYNCBASE_INSTANCE_ID:
		return !exception || version < 160 || eas_pim_node_time (n, &ev->exception_start_time, error);
	default:
		break;
	}
	if (version < 140)
		return TRUE;
	switch (n->tag) {
	case EAS_CALENDAR_RESPONSE_REQUESTED: return take_int (&ev->response_requested, n, 0, 1, error);
	case EAS_CALENDAR_RESPONSE_TYPE: return take_int (&ev->response_type, n, 0, 5, error);
	case EAS_CALENDAR_DISALLOW_NEW_TIME_PROPOSAL:
		return take_int (&ev->disallow_new_time_proposal, n, 0, 1, error);
	case EAS_CALENDAR_APPOINTMENT_REPLY_TIME:
		return eas_pim_node_time (n, &ev->appointment_reply_time, error);
	case EAS_CALENDAR_ONLINE_MEETING_CONF_LINK:
		return version < 141 || take_text (&ev->online_meeting_conf_link, n, error);
	case EAS_CALENDAR_ONLINE_MEETING_EXTERNAL_LINK:
		return version < 141 || take_text (&ev->online_meeting_external_link, n, error);
	default:
		return TRUE;
	}
}

EasEvent *
eas_event_decode (const EasNode *app_data, EasVersion version, GError **error)
{
	g_autoptr(EasEvent) ev = eas_event_new ();

	g_return_val_if_fail (app_data != NULL, NULL);
	for (const EasNode *n = app_data->first_child; n != NULL; n = n->next) {
		if (!decode_event_child (ev, n, version, FALSE, error))
			return NULL;
	}
	if (ev->start_time != 0 && ev->end_time != 0 && ev->end_time < ev->start_time) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED,
		             "Calendar:EndTime: before StartTime");
		return NULL;
	}
	return g_steal_pointer (&ev);
}

/* ---- ApplicationData encoding ---------------------------------------------- */

static void
write_time (EasWbxmlWriter *w, EasTag tag, gint64 t)
{
	g_autofree char *s = NULL;

	if (t == 0)
		return;
	s = eas_pim_format_time (t, TRUE);
	eas_wbxml_writer_text_element (w, tag, s);
}

static void
write_text (EasWbxmlWriter *w, EasTag tag, const char *text)
{
	if (text != NULL)
		eas_wbxml_writer_text_element (w, tag, text);
}

static void
write_int (EasWbxmlWriter *w, EasTag tag, int v)
{
	if (v >= 0)
		eas_wbxml_writer_uint_element (w, tag, (guint64) v);
}

static void
write_attendees (EasWbxmlWriter *w, const GPtrArray *list, EasVersion version)
{
	if (list == NULL)
		return;
	if (list->len == 0) {
		eas_wbxml_writer_empty (w, EAS_CALENDAR_ATTENDEES);
		return;
	}
	eas_wbxml_writer_start (w, EAS_CALENDAR_ATTENDEES);
	for (guint i = 0; i < list->len; i++) {
		const EasAttendee *a = g_ptr_array_index (list, i);

		eas_wbxml_writer_start (w, EAS_CALENDAR_ATTENDEE);
		write_text (w, EAS_CALENDAR_EMAIL, a->email);
		write_text (w, EAS_CALENDAR_NAME, a->name != NULL ? a->name : a->email);
		if (version >= 120) {
			write_int (w, EAS_CALENDAR_ATTENDEE_STATUS, a->status);
			write_int (w, EAS_CALENDAR_ATTENDEE_TYPE, a->type);
		}
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
}

static void
write_common (EasWbxmlWriter *w, const EasEvent *ev, EasVersion version)
{
	write_int (w, EAS_CALENDAR_ALL_DAY_EVENT, ev->all_day_event);
	eas_pim_write_body (w, version, EAS_CALENDAR_BODY, ev->body, ev->body_type);
	write_int (w, EAS_CALENDAR_BUSY_STATUS, ev->busy_status);
	write_time (w, EAS_CALENDAR_DT_STAMP, ev->dt_stamp);
	write_time (w, EAS_CALENDAR_END_TIME, ev->end_time);
	write_text (w, EAS_CALENDAR_LOCATION, ev->location);
	write_int (w, EAS_CALENDAR_REMINDER, ev->reminder);
	write_int (w, EAS_CALENDAR_SENSITIVITY, ev->sensitivity);
	write_text (w, EAS_CALENDAR_SUBJECT, ev->subject);
	write_time (w, EAS_CALENDAR_START_TIME, ev->start_time);
	write_int (w, EAS_CALENDAR_MEETING_STATUS, ev->meeting_status);
	write_attendees (w, ev->attendees, version);
	eas_pim_write_list (w, EAS_CALENDAR_CATEGORIES, EAS_CALENDAR_CATEGORY, ev->categories);
	if (version >= 140) {
		write_int (w, EAS_CALENDAR_RESPONSE_REQUESTED, ev->response_requested);
		write_time (w, EAS_CALENDAR_APPOINTMENT_REPLY_TIME, ev->appointment_reply_time);
		write_int (w, EAS_CALENDAR_RESPONSE_TYPE, ev->response_type);
		write_int (w, EAS_CALENDAR_DISALLOW_NEW_TIME_PROPOSAL, ev->disallow_new_time_proposal);
	}
}

static void
write_exceptions (EasWbxmlWriter *w, const GPtrArray *list, EasVersion version)
{
	if (list == NULL || list->len == 0)
		return;
	eas_wbxml_writer_start (w, EAS_CALENDAR_EXCEPTIONS);
	for (guint i = 0; i < list->len; i++) {
		const EasEvent *ex = g_ptr_array_index (list, i);
		g_autofree char *orig = eas_pim_format_time (ex->exception_start_time, TRUE);

		eas_wbxml_writer_start (w, EAS_CALENDAR_EXCEPTION);
		if (ex->deleted)
			eas_wbxml_writer_uint_element (w, EAS_CALENDAR_DELETED, 1);
		/* [MS-ASCAL] 2.2.2.23: 16.0 names the occurrence with InstanceId. */
		eas_wbxml_writer_text_element (w, version >= 160 ? EAS_AIRSYNCBASE_INSTANCE_ID
		                                                 : EAS_CALENDAR_EXCEPTION_START_TIME, orig);
		if (!ex->deleted)
			write_common (w, ex, version);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
}

void
eas_event_encode (EasWbxmlWriter *writer, const EasEvent *event, EasVersion version)
{
	if (event->has_timezone) {
		g_autofree char *b64 = eas_timezone_encode_base64 (&event->timezone);
		eas_wbxml_writer_text_element (writer, EAS_CALENDAR_TIMEZONE, b64);
	}
	write_text (writer, EAS_CALENDAR_ORGANIZER_NAME, event->organizer_name);
	write_text (writer, EAS_CALENDAR_ORGANIZER_EMAIL, event->organizer_email);
	write_text (writer, EAS_CALENDAR_UID, event->uid);
	write_common (writer, event, version);
	if (event->recurrence != NULL)
		eas_recurrence_encode (writer, event->recurrence, version, FALSE);
	write_exceptions (writer, event->exceptions, version);
	if (version >= 141) {
		write_text (writer, EAS_CALENDAR_ONLINE_MEETING_CONF_LINK, event->online_meeting_conf_link);
		write_text (writer, EAS_CALENDAR_ONLINE_MEETING_EXTERNAL_LINK, event->online_meeting_external_link);
	}
	if (version >= 160)
		write_text (writer, EAS_CALENDAR_CLIENT_UID, event->client_uid);
}

/* ---- To iCalendar ---------------------------------------------------------- */

typedef struct {
	icaltimezone *zone;	/* NULL: UTC */
	char *tzid;
	gboolean all_day;
} TimeCtx;

/* A time property: DATE for all-day events, local time + TZID with a
 * zone, UTC otherwise. */
static icalproperty *
time_prop (icalproperty_kind kind, gint64 t, const TimeCtx *ctx)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone ();
	struct icaltimetype tt = icaltime_from_timet_with_zone ((time_t) t, ctx->all_day,
	                                                        ctx->zone != NULL ? ctx->zone : utc);
	icalproperty *p = icalproperty_new (kind);
	gboolean local = ctx->zone != NULL && !ctx->all_day;

	if (ctx->all_day || local)
		tt.zone = NULL;
	if (kind == ICAL_EXDATE_PROPERTY)
		icalproperty_set_exdate (p, tt);
	else
		icalproperty_set_value (p, ctx->all_day ? icalvalue_new_date (tt) : icalvalue_new_datetime (tt));
	if (local)
		icalproperty_add_parameter (p, icalparameter_new_tzid (ctx->tzid));
	if (ctx->all_day && kind == ICAL_EXDATE_PROPERTY)
		icalproperty_add_parameter (p, icalparameter_new_value (ICAL_VALUE_DATE));
	return p;
}

static const char *const busy_names[] = { "FREE", "TENTATIVE", "BUSY", "OOF", "WORKINGELSEWHERE" };

static void
add_attendee (icalcomponent *c, const EasAttendee *a)
{
	static const icalparameter_partstat partstat[] = {
		ICAL_PARTSTAT_NEEDSACTION, ICAL_PARTSTAT_NEEDSACTION, ICAL_PARTSTAT_TENTATIVE,
		ICAL_PARTSTAT_ACCEPTED, ICAL_PARTSTAT_DECLINED, ICAL_PARTSTAT_NEEDSACTION,
	};
	g_autofree char *uri = g_strconcat ("mailto:", a->email, NULL);
	icalproperty *p = icalproperty_new_attendee (uri);

	/* EAS requires a Name and devices repeat the address there: no CN then. */
	if (a->name != NULL && a->name[0] != '\0' && g_strcmp0 (a->name, a->email) != 0)
		icalproperty_add_parameter (p, icalparameter_new_cn (a->name));
	if (a->status >= 0)
		icalproperty_add_parameter (p, icalparameter_new_partstat (partstat[a->status]));
	/* No type (2.5 has no AttendeeType): no ROLE, so none comes back. */
	if (a->type == 3)
		icalproperty_add_parameter (p, icalparameter_new_cutype (ICAL_CUTYPE_RESOURCE));
	else if (a->type >= 0)
		icalproperty_add_parameter (p, icalparameter_new_role (a->type == 2 ? ICAL_ROLE_OPTPARTICIPANT
		                                                                     : ICAL_ROLE_REQPARTICIPANT));
	icalcomponent_add_property (c, p);
}

static void
add_alarm (icalcomponent *c, int minutes)
{
	icalcomponent *alarm = icalcomponent_new_valarm ();
	struct icaltriggertype trig;

	memset (&trig, 0, sizeof trig);
	trig.time = icaltime_null_time ();
	trig.duration = icaldurationtype_from_int (-minutes * 60);
	icalcomponent_add_property (alarm, icalproperty_new_action (ICAL_ACTION_DISPLAY));
	icalcomponent_add_property (alarm, icalproperty_new_description ("Reminder"));
	icalcomponent_add_property (alarm, icalproperty_new_trigger (trig));
	icalcomponent_add_component (c, alarm);
}

static icalproperty_class
class_for (int sensitivity)
{
	switch (sensitivity) {
	case 2: return ICAL_CLASS_PRIVATE;
	case 3: return ICAL_CLASS_CONFIDENTIAL;
	default: return ICAL_CLASS_PUBLIC;
	}
}

#define PICK(f, absent) (ev->f != (absent) ? ev->f : (master != NULL ? master->f : (absent)))

static void
fill_people (icalcomponent *c, const EasEvent *ev, const EasEvent *master)
{
	const char *org_email = PICK (organizer_email, NULL);
	const char *org_name = PICK (organizer_name, NULL);
	const GPtrArray *att = PICK (attendees, NULL);
	const GPtrArray *cats = PICK (categories, NULL);

	if (org_email != NULL) {
		g_autofree char *uri = g_strconcat ("mailto:", org_email, NULL);
		icalproperty *p = icalproperty_new_organizer (uri);

		if (org_name != NULL && org_name[0] != '\0')
			icalproperty_add_parameter (p, icalparameter_new_cn (org_name));
		icalcomponent_add_property (c, p);
	}
	for (guint i = 0; att != NULL && i < att->len; i++)
		add_attendee (c, g_ptr_array_index (att, i));
	for (guint i = 0; cats != NULL && i < cats->len; i++)
		icalcomponent_add_property (c, icalproperty_new_categories (g_ptr_array_index (cats, i)));
}

static void
fill_flags (icalcomponent *c, const EasEvent *ev, const EasEvent *master)
{
	int busy = PICK (busy_status, -1);
	int sens = PICK (sensitivity, -1);
	int meeting = PICK (meeting_status, -1);
	int reminder = PICK (reminder, -1);

	if (busy >= 0) {
		icalcomponent_add_property (c, icalproperty_new_transp (busy == 0 ? ICAL_TRANSP_TRANSPARENT
		                                                                  : ICAL_TRANSP_OPAQUE));
		eas_pim_ical_add_x (c, "X-MICROSOFT-CDO-BUSYSTATUS", busy_names[busy]);
	}
	if (sens == 1) {
		/* Personal has no iCalendar class: an extension value. */
		icalproperty *p = icalproperty_new_class (ICAL_CLASS_X);
		icalproperty_set_value (p, icalvalue_new_from_string (ICAL_CLASS_VALUE, "X-PERSONAL"));
		icalcomponent_add_property (c, p);
	} else if (sens >= 0) {
		icalcomponent_add_property (c, icalproperty_new_class (class_for (sens)));
	}
	if (meeting >= 0) {
		eas_pim_ical_add_x_int (c, "X-EAS-MEETING-STATUS", meeting);
		/* [MS-ASCAL] 2.2.2.29: bit 2 marks a cancelled meeting. */
		if (meeting & 4)
			icalcomponent_add_property (c, icalproperty_new_status (ICAL_STATUS_CANCELLED));
	}
	if (reminder >= 0)
		add_alarm (c, reminder);
	eas_pim_ical_add_x_int (c, "X-EAS-RESPONSE-REQUESTED", PICK (response_requested, -1));
	eas_pim_ical_add_x_int (c, "X-EAS-RESPONSE-TYPE", PICK (response_type, -1));
	if (PICK (disallow_new_time_proposal, -1) >= 0)
		eas_pim_ical_add_x (c, "X-MICROSOFT-DISALLOW-COUNTER", PICK (disallow_new_time_proposal, -1) ? "TRUE" : "FALSE");
	if (PICK (appointment_reply_time, 0) != 0) {
		g_autofree char *t = eas_pim_format_time (PICK (appointment_reply_time, 0), TRUE);
		eas_pim_ical_add_x (c, "X-EAS-APPOINTMENT-REPLY-TIME", t);
	}
}

static void
fill_vevent (icalcomponent *c, const EasEvent *ev, const EasEvent *master, const TimeCtx *ctx)
{
	const char *uid = master != NULL ? (master->uid != NULL ? master->uid : master->client_uid)
	                                 : (ev->uid != NULL ? ev->uid : ev->client_uid);
	gint64 start = PICK (start_time, 0);
	gint64 end = PICK (end_time, 0);
	const char *text;

	if (uid != NULL)
		icalcomponent_add_property (c, icalproperty_new_uid (uid));
	if (PICK (dt_stamp, 0) != 0)
		icalcomponent_add_property (c, icalproperty_new_dtstamp (
			icaltime_from_timet_with_zone ((time_t) PICK (dt_stamp, 0), 0, icaltimezone_get_utc_timezone ())));
	if (start != 0)
		icalcomponent_add_property (c, time_prop (ICAL_DTSTART_PROPERTY, start, ctx));
	if (end != 0)
		icalcomponent_add_property (c, time_prop (ICAL_DTEND_PROPERTY, end, ctx));
	if ((text = PICK (subject, NULL)) != NULL)
		icalcomponent_add_property (c, icalproperty_new_summary (text));
	if ((text = PICK (location, NULL)) != NULL)
		icalcomponent_add_property (c, icalproperty_new_location (text));
	if ((text = PICK (body, NULL)) != NULL && text[0] != '\0')
		icalcomponent_add_property (c, icalproperty_new_description (text));
	if (master == NULL && ev->client_uid != NULL)
		eas_pim_ical_add_x (c, "X-EAS-CLIENT-UID", ev->client_uid);
	if (master == NULL && ev->online_meeting_conf_link != NULL)
		eas_pim_ical_add_x (c, "X-EAS-ONLINE-MEETING-CONF-LINK", ev->online_meeting_conf_link);
	if (master == NULL && ev->online_meeting_external_link != NULL)
		eas_pim_ical_add_x (c, "X-EAS-ONLINE-MEETING-EXTERNAL-LINK", ev->online_meeting_external_link);
	fill_people (c, ev, master);
	fill_flags (c, ev, master);
}

static void
add_exceptions (icalcomponent *cal, icalcomponent *master_c, const EasEvent *ev, const TimeCtx *ctx)
{
	for (guint i = 0; ev->exceptions != NULL && i < ev->exceptions->len; i++) {
		const EasEvent *ex = g_ptr_array_index (ev->exceptions, i);
		icalcomponent *c;

		if (ex->deleted) {
			icalcomponent_add_property (master_c, time_prop (ICAL_EXDATE_PROPERTY,
			                                                 ex->exception_start_time, ctx));
			continue;
		}
		c = icalcomponent_new_vevent ();
		icalcomponent_add_property (c, time_prop (ICAL_RECURRENCEID_PROPERTY, ex->exception_start_time, ctx));
		/* An exception without times keeps the occurrence's slot. */
		if (ex->start_time == 0 && ev->start_time != 0) {
			EasEvent shifted = *ex;

			shifted.start_time = ex->exception_start_time;
			shifted.end_time = ex->exception_start_time + (ev->end_time - ev->start_time);
			fill_vevent (c, &shifted, ev, ctx);
		} else {
			fill_vevent (c, ex, ev, ctx);
		}
		icalcomponent_add_component (cal, c);
	}
}

icalcomponent *
eas_event_to_ical (const EasEvent *event, GError **error)
{
	icalcomponent *cal, *vevent;
	TimeCtx ctx = { NULL, NULL, event->all_day_event == 1 };

	g_return_val_if_fail (event != NULL, NULL);
	(void) error;
	cal = icalcomponent_new_vcalendar ();
	icalcomponent_add_property (cal, icalproperty_new_version ("2.0"));
	icalcomponent_add_property (cal, icalproperty_new_prodid ("-//Airdock//EAS//EN"));
	if (event->has_timezone) {
		icalcomponent *vtz;

		ctx.tzid = g_strdup (event->timezone.standard_name[0] != '\0'
		                     ? event->timezone.standard_name : "Custom");
		vtz = eas_timezone_to_vtimezone (&event->timezone, ctx.tzid);
		ctx.zone = icaltimezone_new ();
		icaltimezone_set_component (ctx.zone, icalcomponent_new_clone (vtz));
		/* All-day events are dates: the zone still says which local day
		 * they fall on, and the device's TimeZone must come back.  The
		 * VTIMEZONE stays, named by X-EAS-ALLDAY-TZID (readers that do
		 * not know it see plain dates). */
		icalcomponent_add_component (cal, vtz);
	}
	vevent = icalcomponent_new_vevent ();
	if (ctx.all_day && ctx.tzid != NULL)
		eas_pim_ical_add_x (vevent, "X-EAS-ALLDAY-TZID", ctx.tzid);
	fill_vevent (vevent, event, NULL, &ctx);
	if (event->recurrence != NULL)
		icalcomponent_add_property (vevent, icalproperty_new_rrule (eas_recurrence_to_rrule (event->recurrence)));
	icalcomponent_add_component (cal, vevent);
	add_exceptions (cal, vevent, event, &ctx);
	if (ctx.zone != NULL)
		icaltimezone_free (ctx.zone, 1);
	g_free (ctx.tzid);
	return cal;
}

/* ---- From iCalendar ------------------------------------------------------ */

/* The calendar's zones met so far and their shared equivalents
 * (eas_timezone_shared() serialises the VTIMEZONE: once per zone and
 * item is enough). */
#define FROM_ZONES 4

typedef struct {
	icaltimezone *own[FROM_ZONES];
	icaltimezone *shared[FROM_ZONES];
	guint n;
} ZoneMemo;

typedef struct {
	icalcomponent *cal;	/* may be NULL */
	ZoneMemo *zones;
} FromCtx;

/* The VTIMEZONE tzid of the calendar as a process-wide zone, so that
 * libical expands its rules once per process, not once per item. */
static icaltimezone *
calendar_zone (const FromCtx *fc, const char *tzid)
{
	icaltimezone *zone = fc->cal != NULL ? icalcomponent_get_timezone (fc->cal, tzid) : NULL;
	ZoneMemo *m = fc->zones;

	if (zone == NULL || m == NULL)
		return zone;
	for (guint i = 0; i < m->n; i++) {
		if (m->own[i] == zone)
			return m->shared[i];
	}
	if (m->n == FROM_ZONES)
		return eas_timezone_shared (zone);
	m->own[m->n] = zone;
	m->shared[m->n] = eas_timezone_shared (zone);
	return m->shared[m->n++];
}

static icaltimezone *
zone_of (const FromCtx *fc, icalproperty *p, struct icaltimetype tt)
{
	icalparameter *param;
	const char *tzid;
	icaltimezone *zone = NULL;

	if (icaltime_is_utc (tt))
		return icaltimezone_get_utc_timezone ();
	param = icalproperty_get_first_parameter (p, ICAL_TZID_PARAMETER);
	tzid = param != NULL ? icalparameter_get_tzid (param) : NULL;
	if (tzid == NULL)
		return NULL;
	zone = calendar_zone (fc, tzid);
	if (zone == NULL)
		zone = icaltimezone_get_builtin_timezone_from_tzid (tzid);
	if (zone == NULL)
		zone = icaltimezone_get_builtin_timezone (tzid);
	return zone;
}

static gboolean
prop_time (const FromCtx *fc, icalproperty *p, gint64 *out, icaltimezone **out_zone,
           gboolean *out_date, GError **error)
{
	struct icaltimetype tt = icalvalue_get_datetimedate (icalproperty_get_value (p));
	icaltimezone *zone;

	if (icaltime_is_null_time (tt) || !icaltime_is_valid_time (tt) || tt.year < 1601 || tt.year > 9999) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "%s: invalid date-time",
		             icalproperty_kind_to_string (icalproperty_isa (p)));
		return FALSE;
	}
	zone = zone_of (fc, p, tt);
	*out = (gint64) icaltime_as_timet_with_zone (tt, zone != NULL ? zone : icaltimezone_get_utc_timezone ());
	if (out_zone != NULL)
		*out_zone = zone;
	if (out_date != NULL)
		*out_date = tt.is_date;
	return TRUE;
}

static char *
strip_mailto (const char *v)
{
	if (v == NULL)
		return NULL;
	if (g_ascii_strncasecmp (v, "mailto:", 7) == 0)
		v += 7;
	return g_strdup (v);
}

static const char *
param_cn (icalproperty *p)
{
	icalparameter *cn = icalproperty_get_first_parameter (p, ICAL_CN_PARAMETER);

	return cn != NULL ? icalparameter_get_cn (cn) : NULL;
}

static EasAttendee *
attendee_from (icalproperty *p)
{
	g_autofree char *email = strip_mailto (icalproperty_get_attendee (p));
	EasAttendee *a = eas_attendee_new (email != NULL ? email : "", param_cn (p));
	icalparameter *ps = icalproperty_get_first_parameter (p, ICAL_PARTSTAT_PARAMETER);
	icalparameter *role = icalproperty_get_first_parameter (p, ICAL_ROLE_PARAMETER);
	icalparameter *cut = icalproperty_get_first_parameter (p, ICAL_CUTYPE_PARAMETER);

	if (ps != NULL) {
		switch (icalparameter_get_partstat (ps)) {
		case ICAL_PARTSTAT_TENTATIVE: a->status = 2; break;
		case ICAL_PARTSTAT_ACCEPTED: a->status = 3; break;
		case ICAL_PARTSTAT_DECLINED: a->status = 4; break;
		default: a->status = 5; break;
		}
	}
	if (cut != NULL && icalparameter_get_cutype (cut) == ICAL_CUTYPE_RESOURCE)
		a->type = 3;
	else
		a->type = role == NULL ? -1 : icalparameter_get_role (role) == ICAL_ROLE_OPTPARTICIPANT ? 2 : 1;
	return a;
}

static gboolean
people_from (EasEvent *ev, icalcomponent *c, GError **error)
{
	icalproperty *p = icalcomponent_get_first_property (c, ICAL_ORGANIZER_PROPERTY);

	if (p != NULL) {
		ev->organizer_email = strip_mailto (icalproperty_get_organizer (p));
		ev->organizer_name = g_strdup (param_cn (p));
	}
	for (p = icalcomponent_get_first_property (c, ICAL_ATTENDEE_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property (c, ICAL_ATTENDEE_PROPERTY)) {
		if (ev->attendees == NULL)
			ev->attendees = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_attendee_free);
		if (ev->attendees->len >= EAS_PIM_MAX_ATTENDEES) {
			g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT,
			             "ATTENDEE: more than %u", EAS_PIM_MAX_ATTENDEES);
			return FALSE;
		}
		g_ptr_array_add (ev->attendees, attendee_from (p));
	}
	for (p = icalcomponent_get_first_property (c, ICAL_CATEGORIES_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property (c, ICAL_CATEGORIES_PROPERTY)) {
		if (ev->categories == NULL)
			ev->categories = g_ptr_array_new_with_free_func (g_free);
		if (ev->categories->len >= EAS_PIM_MAX_CATEGORIES) {
			g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT,
			             "CATEGORIES: more than %u", EAS_PIM_MAX_CATEGORIES);
			return FALSE;
		}
		g_ptr_array_add (ev->categories, g_strdup (icalproperty_get_categories (p)));
	}
	return TRUE;
}

static int
reminder_from (icalcomponent *c)
{
	for (icalcomponent *a = icalcomponent_get_first_component (c, ICAL_VALARM_COMPONENT); a != NULL;
	     a = icalcomponent_get_next_component (c, ICAL_VALARM_COMPONENT)) {
		icalproperty *p = icalcomponent_get_first_property (a, ICAL_TRIGGER_PROPERTY);
		struct icaltriggertype trig;
		int secs;

		if (p == NULL)
			continue;
		trig = icalproperty_get_trigger (p);
		if (!icaltime_is_null_time (trig.time))
			continue;
		secs = icaldurationtype_as_int (trig.duration);
		if (secs <= 0 && -secs / 60 <= (int) REMINDER_MAX)
			return -secs / 60;
	}
	return -1;
}

static void
flags_from (EasEvent *ev, icalcomponent *c)
{
	icalproperty *p;
	const char *busy = eas_pim_ical_get_x (c, "X-MICROSOFT-CDO-BUSYSTATUS");
	const char *counter = eas_pim_ical_get_x (c, "X-MICROSOFT-DISALLOW-COUNTER");
	const char *reply = eas_pim_ical_get_x (c, "X-EAS-APPOINTMENT-REPLY-TIME");

	for (guint i = 0; busy != NULL && i < G_N_ELEMENTS (busy_names); i++) {
		if (g_ascii_strcasecmp (busy, busy_names[i]) == 0)
			ev->busy_status = (int) i;
	}
	if (ev->busy_status < 0 && (p = icalcomponent_get_first_property (c, ICAL_TRANSP_PROPERTY)) != NULL)
		ev->busy_status = icalproperty_get_transp (p) == ICAL_TRANSP_TRANSPARENT ? 0 : 2;
	if ((p = icalcomponent_get_first_property (c, ICAL_CLASS_PROPERTY)) != NULL) {
		switch (icalproperty_get_class (p)) {
		case ICAL_CLASS_PRIVATE: ev->sensitivity = 2; break;
		case ICAL_CLASS_CONFIDENTIAL: ev->sensitivity = 3; break;
		case ICAL_CLASS_X: ev->sensitivity = 1; break;
		default: ev->sensitivity = 0; break;
		}
	}
	ev->meeting_status = eas_pim_ical_get_x_int (c, "X-EAS-MEETING-STATUS", 15);
	ev->response_requested = eas_pim_ical_get_x_int (c, "X-EAS-RESPONSE-REQUESTED", 1);
	ev->response_type = eas_pim_ical_get_x_int (c, "X-EAS-RESPONSE-TYPE", 5);
	if (counter != NULL)
		ev->disallow_new_time_proposal = g_ascii_strcasecmp (counter, "TRUE") == 0;
	if (reply != NULL && !eas_pim_parse_time (reply, &ev->appointment_reply_time))
		ev->appointment_reply_time = 0;
	ev->reminder = reminder_from (c);
}

/* Midnight of a DATE property's day in zone. */
static gint64
midnight_in (icalproperty *p, icaltimezone *zone)
{
	struct icaltimetype tt = icalvalue_get_datetimedate (icalproperty_get_value (p));

	tt.is_date = 0;
	tt.hour = tt.minute = tt.second = 0;
	tt.zone = NULL;
	return (gint64) icaltime_as_timet_with_zone (tt, zone);
}

/* An all-day event we wrote with X-EAS-ALLDAY-TZID: its days start at
 * midnight in that VTIMEZONE ([MS-ASCAL] 2.2.2.1: StartTime of an all-day
 * event is local midnight), and that zone is the event's TimeZone. */
static void
allday_in_zone (EasEvent *ev, const FromCtx *fc, icalcomponent *c, icalproperty *start,
                icalproperty *end, icaltimezone **out_zone)
{
	const char *tzid = eas_pim_ical_get_x (c, "X-EAS-ALLDAY-TZID");
	icaltimezone *zone = tzid != NULL ? calendar_zone (fc, tzid) : NULL;
	gint64 days = ev->end_time - ev->start_time;

	if (zone == NULL)
		return;
	ev->start_time = midnight_in (start, zone);
	ev->end_time = end != NULL ? midnight_in (end, zone) : ev->start_time + days;
	if (out_zone != NULL)
		*out_zone = zone;
}

static gboolean
times_from (EasEvent *ev, const FromCtx *fc, icalcomponent *c, icaltimezone **out_zone, GError **error)
{
	icalproperty *start = icalcomponent_get_first_property (c, ICAL_DTSTART_PROPERTY);
	icalproperty *end = icalcomponent_get_first_property (c, ICAL_DTEND_PROPERTY);
	icalproperty *dur = icalcomponent_get_first_property (c, ICAL_DURATION_PROPERTY);
	gboolean is_date = FALSE;

	if (start == NULL)
		return TRUE;
	if (!prop_time (fc, start, &ev->start_time, out_zone, &is_date, error))
		return FALSE;
	ev->all_day_event = is_date ? 1 : 0;
	if (end != NULL) {
		if (!prop_time (fc, end, &ev->end_time, NULL, NULL, error))
			return FALSE;
	} else if (dur != NULL) {
		ev->end_time = ev->start_time + icaldurationtype_as_int (icalproperty_get_duration (dur));
	} else {
		ev->end_time = ev->start_time + (is_date ? 86400 : 0);
	}
	if (is_date)
		allday_in_zone (ev, fc, c, start, end, out_zone);
	if (ev->end_time < ev->start_time) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "DTEND: before DTSTART");
		return FALSE;
	}
	return TRUE;
}

static gboolean
fields_from (EasEvent *ev, const FromCtx *fc, icalcomponent *c, icaltimezone **out_zone, GError **error)
{
	icalproperty *p;

	if (!times_from (ev, fc, c, out_zone, error))
		return FALSE;
	if ((p = icalcomponent_get_first_property (c, ICAL_SUMMARY_PROPERTY)) != NULL)
		ev->subject = g_strdup (icalproperty_get_summary (p));
	if ((p = icalcomponent_get_first_property (c, ICAL_LOCATION_PROPERTY)) != NULL)
		ev->location = g_strdup (icalproperty_get_location (p));
	if ((p = icalcomponent_get_first_property (c, ICAL_DESCRIPTION_PROPERTY)) != NULL)
		ev->body = g_strdup (icalproperty_get_description (p));
	if ((p = icalcomponent_get_first_property (c, ICAL_DTSTAMP_PROPERTY)) != NULL)
		ev->dt_stamp = (gint64) icaltime_as_timet_with_zone (icalproperty_get_dtstamp (p),
		                                                     icaltimezone_get_utc_timezone ());
	flags_from (ev, c);
	return people_from (ev, c, error);
}

static gboolean
add_exception (EasEvent *ev, EasEvent *ex, GError **error)
{
	if (ev->exceptions == NULL)
		ev->exceptions = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_event_free);
	if (ev->exceptions->len >= EAS_PIM_MAX_EXCEPTIONS) {
		eas_event_free (ex);
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT,
		             "more than %u exceptions", EAS_PIM_MAX_EXCEPTIONS);
		return FALSE;
	}
	g_ptr_array_add (ev->exceptions, ex);
	return TRUE;
}

static gboolean
exdates_from (EasEvent *ev, const FromCtx *fc, icalcomponent *c, GError **error)
{
	for (icalproperty *p = icalcomponent_get_first_property (c, ICAL_EXDATE_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property (c, ICAL_EXDATE_PROPERTY)) {
		EasEvent *ex = eas_event_new ();

		ex->deleted = TRUE;
		if (!prop_time (fc, p, &ex->exception_start_time, NULL, NULL, error)) {
			eas_event_free (ex);
			return FALSE;
		}
		if (!add_exception (ev, ex, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
same_strings (const GPtrArray *a, const GPtrArray *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->len != b->len)
		return FALSE;
	for (guint i = 0; i < a->len; i++) {
		if (g_strcmp0 (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
			return FALSE;
	}
	return TRUE;
}

static gboolean
same_attendees (const GPtrArray *a, const GPtrArray *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->len != b->len)
		return FALSE;
	for (guint i = 0; i < a->len; i++) {
		const EasAttendee *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

		if (g_strcmp0 (x->email, y->email) != 0 || g_strcmp0 (x->name, y->name) != 0 ||
		    x->status != y->status || x->type != y->type)
			return FALSE;
	}
	return TRUE;
}

#define TRIM_INT(field) do { if (ex->field == series->field) ex->field = -1; } while (0)
#define TRIM_STR(field) do { if (g_strcmp0 (ex->field, series->field) == 0) g_clear_pointer (&ex->field, g_free); } while (0)

/* An iCalendar override is a whole VEVENT; an EAS exception lists only
 * what differs from the series ([MS-ASCAL] 2.2.2.20: absent = as in the
 * series).  Drops the values equal to the series'. */
static void
trim_inherited (EasEvent *ex, const EasEvent *series)
{
	TRIM_STR (subject);
	TRIM_STR (location);
	TRIM_STR (organizer_name);
	TRIM_STR (organizer_email);
	if (g_strcmp0 (ex->body, series->body) == 0 && ex->body_type == series->body_type)
		g_clear_pointer (&ex->body, g_free);
	TRIM_INT (all_day_event);
	TRIM_INT (busy_status);
	TRIM_INT (sensitivity);
	TRIM_INT (reminder);
	TRIM_INT (meeting_status);
	TRIM_INT (response_requested);
	TRIM_INT (response_type);
	TRIM_INT (disallow_new_time_proposal);
	if (ex->dt_stamp == series->dt_stamp)
		ex->dt_stamp = 0;
	if (ex->appointment_reply_time == series->appointment_reply_time)
		ex->appointment_reply_time = 0;
	if (same_strings (ex->categories, series->categories))
		g_clear_pointer (&ex->categories, g_ptr_array_unref);
	if (same_attendees (ex->attendees, series->attendees))
		g_clear_pointer (&ex->attendees, g_ptr_array_unref);
}

#undef TRIM_INT
#undef TRIM_STR

void
eas_event_trim_exceptions (EasEvent *event)
{
	g_return_if_fail (event != NULL);
	for (guint i = 0; event->exceptions != NULL && i < event->exceptions->len; i++) {
		EasEvent *ex = g_ptr_array_index (event->exceptions, i);

		if (!ex->deleted)
			trim_inherited (ex, event);
	}
}

static gboolean
override_from (EasEvent *ev, const FromCtx *fc, icalcomponent *c, GError **error)
{
	g_autoptr(EasEvent) ex = eas_event_new ();
	icalproperty *rid = icalcomponent_get_first_property (c, ICAL_RECURRENCEID_PROPERTY);

	if (!prop_time (fc, rid, &ex->exception_start_time, NULL, NULL, error) ||
	    !fields_from (ex, fc, c, NULL, error))
		return FALSE;
	return add_exception (ev, g_steal_pointer (&ex), error);
}

static gboolean
master_from (EasEvent *ev, const FromCtx *fc, icalcomponent *c, GError **error)
{
	icaltimezone *zone = NULL;
	icalproperty *p;

	if (!fields_from (ev, fc, c, &zone, error))
		return FALSE;
	if ((p = icalcomponent_get_first_property (c, ICAL_UID_PROPERTY)) != NULL)
		ev->uid = g_strdup (icalproperty_get_uid (p));
	ev->client_uid = g_strdup (eas_pim_ical_get_x (c, "X-EAS-CLIENT-UID"));
	ev->online_meeting_conf_link = g_strdup (eas_pim_ical_get_x (c, "X-EAS-ONLINE-MEETING-CONF-LINK"));
	ev->online_meeting_external_link = g_strdup (eas_pim_ical_get_x (c, "X-EAS-ONLINE-MEETING-EXTERNAL-LINK"));
	if (ev->start_time != 0) {
		g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ev->start_time);

		ev->has_timezone = TRUE;
		if (zone == NULL || zone == icaltimezone_get_utc_timezone ())
			strcpy (ev->timezone.standard_name, "UTC");
		else if (!eas_timezone_from_icaltimezone (zone, g_date_time_get_year (dt), &ev->timezone, error))
			return FALSE;
	}
	if ((p = icalcomponent_get_first_property (c, ICAL_RRULE_PROPERTY)) != NULL) {
		struct icalrecurrencetype rule = icalproperty_get_rrule (p);
		struct icaltimetype start = icalcomponent_get_dtstart (c);
		EasRecurrence r;

		if (!eas_recurrence_from_rrule (&rule, start, &r, error))
			return FALSE;
		ev->recurrence = g_memdup2 (&r, sizeof r);
	}
	return exdates_from (ev, fc, c, error);
}

EasEvent *
eas_event_from_ical (icalcomponent *comp, GError **error)
{
	g_autoptr(EasEvent) ev = eas_event_new ();
	ZoneMemo zones = { { NULL } };
	FromCtx fc = { NULL, &zones };
	icalcomponent *master = NULL;

	g_return_val_if_fail (comp != NULL, NULL);
	if (icalcomponent_isa (comp) == ICAL_VEVENT_COMPONENT) {
		master = comp;
	} else {
		fc.cal = comp;
		for (icalcomponent *c = icalcomponent_get_first_component (comp, ICAL_VEVENT_COMPONENT);
		     c != NULL && master == NULL; c = icalcomponent_get_next_component (comp, ICAL_VEVENT_COMPONENT)) {
			if (icalcomponent_get_first_property (c, ICAL_RECURRENCEID_PROPERTY) == NULL)
				master = c;
		}
	}
	if (master == NULL) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "no VEVENT");
		return NULL;
	}
	if (!master_from (ev, &fc, master, error))
		return NULL;
	for (icalcomponent *c = fc.cal != NULL ? icalcomponent_get_first_component (fc.cal, ICAL_VEVENT_COMPONENT) : NULL;
	     c != NULL; c = icalcomponent_get_next_component (fc.cal, ICAL_VEVENT_COMPONENT)) {
		icalproperty *uid = icalcomponent_get_first_property (c, ICAL_UID_PROPERTY);

		if (c == master || icalcomponent_get_first_property (c, ICAL_RECURRENCEID_PROPERTY) == NULL)
			continue;
		if (ev->uid != NULL && (uid == NULL || g_strcmp0 (icalproperty_get_uid (uid), ev->uid) != 0))
			continue;
		if (!override_from (ev, &fc, c, error))
			return NULL;
	}
	return g_steal_pointer (&ev);
}
