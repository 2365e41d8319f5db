/* eas-task.c — task items ([MS-ASTASK]) ⇄ ApplicationData ⇄ VTODO. */
#include "config.h"

#include <string.h>

#include "eas/eas-task.h"
#include "eas/eas-pim-ical.h"

#define TEXT_MAX_BYTES (64u * 1024)

EasTask *
eas_task_new (void)
{
	EasTask *t = g_new0 (EasTask, 1);

	t->body_type = 1;
	t->complete = -1;
	t->importance = -1;
	t->sensitivity = -1;
	t->reminder_set = -1;
	return t;
}

void
eas_task_free (EasTask *task)
{
	if (task == NULL)
		return;
	g_free (task->subject);
	g_free (task->body);
	g_clear_pointer (&task->categories, g_ptr_array_unref);
	g_free (task->recurrence);
	g_free (task);
}

static gboolean
fail (GError **error, const char *what)
{
	g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "%s", what);
	return FALSE;
}

static gboolean
take_int (int *slot, const EasNode *n, guint max, GError **error)
{
	guint v = 0;

	if (!eas_pim_node_uint (n, 0, max, &v, error))
		return FALSE;
	*slot = (int) v;
	return TRUE;
}

static gboolean
take_subject (EasTask *t, const EasNode *n, GError **error)
{
	if (n->first_child != NULL || n->opaque != NULL)
		return fail (error, "Tasks:Subject: not text");
	if (n->text != NULL && strlen (n->text) > TEXT_MAX_BYTES) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT, "Tasks:Subject: too long");
		return FALSE;
	}
	g_free (t->subject);
	t->subject = g_strdup (n->text != NULL ? n->text : "");
	return TRUE;
}

static gboolean
take_body (EasTask *t, const EasNode *n, EasVersion version, GError **error)
{
	if (n->tag == EAS_TASKS_BODY) {
		if (version >= 120)
			return TRUE;
		if (n->text != NULL && strlen (n->text) > EAS_PIM_MAX_BODY_BYTES) {
			g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT, "Tasks:Body: too large");
			return FALSE;
		}
		g_free (t->body);
		t->body = g_strdup (n->text != NULL ? n->text : "");
		return TRUE;
	}
	if (version < 120)
		return TRUE;
	g_clear_pointer (&t->body, g_free);
	return eas_pim_decode_body (n, &t->body, &t->body_type, error);
}

static gboolean
take_recurrence (EasTask *t, const EasNode *n, EasVersion version, GError **error)
{
	EasRecurrence r;

	if (!eas_recurrence_decode (n, version, TRUE, &r, error))
		return FALSE;
	/* [MS-ASTASK] 2.2.2.27: Start is required in a task's Recurrence. */
	if (r.start == 0) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_RECURRENCE, "Recurrence: no Start");
		return FALSE;
	}
	g_free (t->recurrence);
	t->recurrence = g_memdup2 (&r, sizeof r);
	return TRUE;
}

static gboolean
take_categories (EasTask *t, const EasNode *n, GError **error)
{
	GPtrArray *list = eas_pim_decode_list (n, EAS_TASKS_CATEGORY, EAS_PIM_MAX_CATEGORIES, error);

	if (list == NULL)
		return FALSE;
	g_clear_pointer (&t->categories, g_ptr_array_unref);
	t->categories = list;
	return TRUE;
}

static gboolean
decode_child (EasTask *t, const EasNode *n, EasVersion version, GError **error)
{
	switch (n->tag) {
	case EAS_TASKS_SUBJECT: return take_subject (t, n, error);
	case EAS_TASKS_BODY:
	case EAS_AIRSYNCBASE_BODY: return take_body (t, n, version, error);
	case EAS_TASKS_START_DATE: return eas_pim_node_time (n, &t->start_date, error);
	case EAS_TASKS_UTC_START_DATE: return eas_pim_node_time (n, &t->utc_start_date, error);
	case EAS_TASKS_DUE_DATE: return eas_pim_node_time (n, &t->due_date, error);
	case EAS_TASKS_UTC_DUE_DATE: return eas_pim_node_time (n, &t->utc_due_date, error);
	case EAS_TASKS_COMPLETE: return take_int (&t->complete, n, 1, error);
	case EAS_TASKS_DATE_COMPLETED: return eas_pim_node_time (n, &t->date_completed, error);
	case EAS_TASKS_IMPORTANCE: return take_int (&t->importance, n, 2, error);
	case EAS_TASKS_SENSITIVITY: return take_int (&t->sensitivity, n, 3, error);
	case EAS_TASKS_REMINDER_SET: return take_int (&t->reminder_set, n, 1, error);
	case EAS_TASKS_REMINDER_TIME: return eas_pim_node_time (n, &t->reminder_time, error);
	case EAS_TASKS_CATEGORIES: return take_categories (t, n, error);
	case EAS_TASKS_RECURRENCE: return take_recurrence (t, n, version, error);
	default: return TRUE;
	}
}

EasTask *
eas_task_decode (const EasNode *app_data, EasVersion version, GError **error)
{
	g_autoptr(EasTask) t = eas_task_new ();

	g_return_val_if_fail (app_data != NULL, NULL);
	for (const EasNode *n = app_data->first_child; n != NULL; n = n->next) {
		if (!decode_child (t, n, version, error))
			return NULL;
	}
	/* [MS-ASTASK] 2.2.2.9: DateCompleted is required when Complete is 1. */
	if (t->complete == 1 && t->date_completed == 0) {
		fail (error, "Tasks:Complete: 1 without DateCompleted");
		return NULL;
	}
	return g_steal_pointer (&t);
}

static void
write_time (EasWbxmlWriter *w, EasTag tag, gint64 t)
{
	g_autofree char *s = NULL;

	if (t == 0)
		return;
	s = eas_pim_format_time (t, FALSE);
	eas_wbxml_writer_text_element (w, tag, s);
}

static void
write_int (EasWbxmlWriter *w, EasTag tag, int v)
{
	if (v >= 0)
		eas_wbxml_writer_uint_element (w, tag, (guint64) v);
}

void
eas_task_encode (EasWbxmlWriter *writer, const EasTask *task, EasVersion version)
{
	if (task->subject != NULL)
		eas_wbxml_writer_text_element (writer, EAS_TASKS_SUBJECT, task->subject);
	write_int (writer, EAS_TASKS_IMPORTANCE, task->importance);
	write_time (writer, EAS_TASKS_UTC_START_DATE, task->utc_start_date);
	write_time (writer, EAS_TASKS_START_DATE, task->start_date);
	write_time (writer, EAS_TASKS_UTC_DUE_DATE, task->utc_due_date);
	write_time (writer, EAS_TASKS_DUE_DATE, task->due_date);
	eas_pim_write_list (writer, EAS_TASKS_CATEGORIES, EAS_TASKS_CATEGORY, task->categories);
	if (task->recurrence != NULL)
		eas_recurrence_encode (writer, task->recurrence, version, TRUE);
	write_int (writer, EAS_TASKS_COMPLETE, task->complete);
	write_time (writer, EAS_TASKS_DATE_COMPLETED, task->date_completed);
	write_int (writer, EAS_TASKS_SENSITIVITY, task->sensitivity);
	write_time (writer, EAS_TASKS_REMINDER_TIME, task->reminder_time);
	write_int (writer, EAS_TASKS_REMINDER_SET, task->reminder_set);
	eas_pim_write_body (writer, version, EAS_TASKS_BODY, task->body, task->body_type);
}

/* ---- VTODO ---------------------------------------------------------------- */

static struct icaltimetype
utc_time (gint64 t)
{
	return icaltime_from_timet_with_zone ((time_t) t, 0, icaltimezone_get_utc_timezone ());
}

static void
add_x_time (icalcomponent *c, const char *name, gint64 t)
{
	g_autofree char *s = NULL;

	if (t == 0)
		return;
	s = eas_pim_format_time (t, FALSE);
	eas_pim_ical_add_x (c, name, s);
}

/* DTSTART/DUE: the UTC instant, or the local value as a floating time. */
static void
add_date (icalcomponent *c, icalproperty_kind kind, gint64 utc, gint64 local, const char *x_name)
{
	struct icaltimetype tt;
	icalproperty *p;

	if (utc == 0 && local == 0)
		return;
	tt = utc_time (utc != 0 ? utc : local);
	if (utc == 0)
		tt.zone = NULL;
	p = icalproperty_new (kind);
	icalproperty_set_value (p, icalvalue_new_datetime (tt));
	icalcomponent_add_property (c, p);
	if (utc != 0)
		add_x_time (c, x_name, local);
}

static void
add_reminder (icalcomponent *c, const EasTask *task)
{
	icalcomponent *alarm;
	struct icaltriggertype trig;

	eas_pim_ical_add_x_int (c, "X-EAS-REMINDER-SET", task->reminder_set);
	if (task->reminder_time == 0)
		return;
	memset (&trig, 0, sizeof trig);
	trig.time = utc_time (task->reminder_time);
	trig.duration = icaldurationtype_null_duration ();
	alarm = icalcomponent_new_valarm ();
	icalcomponent_add_property (alarm, icalproperty_new_action (ICAL_ACTION_DISPLAY));
	icalcomponent_add_property (alarm, icalproperty_new_description ("Reminder"));
	icalcomponent_add_property (alarm, icalproperty_new_trigger (trig));
	icalcomponent_add_component (c, alarm);
}

static void
add_recurrence (icalcomponent *c, const EasRecurrence *r)
{
	icalcomponent_add_property (c, icalproperty_new_rrule (eas_recurrence_to_rrule (r)));
	add_x_time (c, "X-EAS-RECURRENCE-START", r->start);
	eas_pim_ical_add_x_int (c, "X-EAS-REGENERATE", r->regenerate);
	eas_pim_ical_add_x_int (c, "X-EAS-DEAD-OCCUR", r->dead_occur);
}

/* [MS-ASTASK] 2.2.2.14 Importance ⇄ RFC 5545 3.8.1.9 PRIORITY. */
static const int priorities[] = { 9, 5, 1 };

icalcomponent *
eas_task_to_ical (const EasTask *task)
{
	icalcomponent *cal = icalcomponent_new_vcalendar ();
	icalcomponent *c = icalcomponent_new_vtodo ();

	icalcomponent_add_property (cal, icalproperty_new_version ("2.0"));
	icalcomponent_add_property (cal, icalproperty_new_prodid ("-//Airdock//EAS//EN"));
	if (task->subject != NULL)
		icalcomponent_add_property (c, icalproperty_new_summary (task->subject));
	if (task->body != NULL && task->body[0] != '\0')
		icalcomponent_add_property (c, icalproperty_new_description (task->body));
	add_date (c, ICAL_DTSTART_PROPERTY, task->utc_start_date, task->start_date, "X-EAS-START-DATE");
	add_date (c, ICAL_DUE_PROPERTY, task->utc_due_date, task->due_date, "X-EAS-DUE-DATE");
	if (task->complete >= 0)
		icalcomponent_add_property (c, icalproperty_new_status (task->complete ? ICAL_STATUS_COMPLETED
		                                                                       : ICAL_STATUS_NEEDSACTION));
	if (task->date_completed != 0)
		icalcomponent_add_property (c, icalproperty_new_completed (utc_time (task->date_completed)));
	if (task->importance >= 0)
		icalcomponent_add_property (c, icalproperty_new_priority (priorities[task->importance]));
	if (task->sensitivity >= 0) {
		static const icalproperty_class classes[] = {
			ICAL_CLASS_PUBLIC, ICAL_CLASS_PRIVATE, ICAL_CLASS_PRIVATE, ICAL_CLASS_CONFIDENTIAL,
		};
		icalcomponent_add_property (c, icalproperty_new_class (classes[task->sensitivity]));
		eas_pim_ical_add_x_int (c, "X-EAS-SENSITIVITY", task->sensitivity);
	}
	for (guint i = 0; task->categories != NULL && i < task->categories->len; i++)
		icalcomponent_add_property (c, icalproperty_new_categories (g_ptr_array_index (task->categories, i)));
	add_reminder (c, task);
	if (task->recurrence != NULL)
		add_recurrence (c, task->recurrence);
	icalcomponent_add_component (cal, c);
	return cal;
}

static gint64
get_x_time (icalcomponent *c, const char *name)
{
	gint64 t = 0;

	if (!eas_pim_parse_time (eas_pim_ical_get_x (c, name), &t))
		return 0;
	return t;
}

static gboolean
read_time (icalproperty *p, gint64 *out, gboolean *out_floating, GError **error)
{
	struct icaltimetype tt = icalvalue_get_datetimedate (icalproperty_get_value (p));

	if (icaltime_is_null_time (tt) || !icaltime_is_valid_time (tt) || tt.year < 1601 || tt.year > 9999) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "%s: invalid date-time",
		             icalproperty_kind_to_string (icalproperty_isa (p)));
		return FALSE;
	}
	/* Floating and zoned times are taken as written (a task's dates are
	 * the user's local dates). */
	*out_floating = !icaltime_is_utc (tt);
	tt.zone = NULL;
	*out = (gint64) icaltime_as_timet_with_zone (tt, icaltimezone_get_utc_timezone ());
	return TRUE;
}

static gboolean
read_date (icalcomponent *c, icalproperty_kind kind, const char *x_name,
           gint64 *out_utc, gint64 *out_local, GError **error)
{
	icalproperty *p = icalcomponent_get_first_property (c, kind);
	gboolean floating = FALSE;
	gint64 t = 0;

	if (p == NULL)
		return TRUE;
	if (!read_time (p, &t, &floating, error))
		return FALSE;
	if (floating) {
		*out_local = t;
		*out_utc = 0;
	} else {
		gint64 local = get_x_time (c, x_name);

		*out_utc = t;
		*out_local = local != 0 ? local : t;
	}
	return TRUE;
}

static void
read_flags (EasTask *t, icalcomponent *c)
{
	icalproperty *p;

	if ((p = icalcomponent_get_first_property (c, ICAL_STATUS_PROPERTY)) != NULL)
		t->complete = icalproperty_get_status (p) == ICAL_STATUS_COMPLETED;
	if ((p = icalcomponent_get_first_property (c, ICAL_COMPLETED_PROPERTY)) != NULL) {
		t->date_completed = (gint64) icaltime_as_timet_with_zone (icalproperty_get_completed (p),
		                                                          icaltimezone_get_utc_timezone ());
		if (t->complete < 0)
			t->complete = 1;
	}
	if ((p = icalcomponent_get_first_property (c, ICAL_PRIORITY_PROPERTY)) != NULL) {
		int prio = icalproperty_get_priority (p);
		t->importance = prio == 0 ? -1 : prio < 5 ? 2 : prio == 5 ? 1 : 0;
	}
	t->sensitivity = eas_pim_ical_get_x_int (c, "X-EAS-SENSITIVITY", 3);
	if (t->sensitivity < 0 && (p = icalcomponent_get_first_property (c, ICAL_CLASS_PROPERTY)) != NULL) {
		icalproperty_class cls = icalproperty_get_class (p);
		t->sensitivity = cls == ICAL_CLASS_PRIVATE ? 2 : cls == ICAL_CLASS_CONFIDENTIAL ? 3 : 0;
	}
	t->reminder_set = eas_pim_ical_get_x_int (c, "X-EAS-REMINDER-SET", 1);
	for (icalcomponent *a = icalcomponent_get_first_component (c, ICAL_VALARM_COMPONENT); a != NULL;
	     a = icalcomponent_get_next_component (c, ICAL_VALARM_COMPONENT)) {
		icalproperty *trig = icalcomponent_get_first_property (a, ICAL_TRIGGER_PROPERTY);
		struct icaltriggertype tr;

		if (trig == NULL)
			continue;
		tr = icalproperty_get_trigger (trig);
		if (icaltime_is_null_time (tr.time))
			continue;
		t->reminder_time = (gint64) icaltime_as_timet_with_zone (tr.time, icaltimezone_get_utc_timezone ());
		if (t->reminder_set < 0)
			t->reminder_set = 1;
		break;
	}
}

static gboolean
read_lists (EasTask *t, icalcomponent *c, GError **error)
{
	icalproperty *p;

	for (p = icalcomponent_get_first_property (c, ICAL_CATEGORIES_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property (c, ICAL_CATEGORIES_PROPERTY)) {
		if (t->categories == NULL)
			t->categories = g_ptr_array_new_with_free_func (g_free);
		if (t->categories->len >= EAS_PIM_MAX_CATEGORIES) {
			g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT, "CATEGORIES: more than %u",
			             EAS_PIM_MAX_CATEGORIES);
			return FALSE;
		}
		g_ptr_array_add (t->categories, g_strdup (icalproperty_get_categories (p)));
	}
	if ((p = icalcomponent_get_first_property (c, ICAL_RRULE_PROPERTY)) != NULL) {
		struct icalrecurrencetype rule = icalproperty_get_rrule (p);
		struct icaltimetype start = icalcomponent_get_dtstart (c);
		EasRecurrence r;

		if (!eas_recurrence_from_rrule (&rule, start, &r, error))
			return FALSE;
		r.start = get_x_time (c, "X-EAS-RECURRENCE-START");
		if (r.start == 0)
			r.start = t->start_date != 0 ? t->start_date : t->due_date;
		r.regenerate = eas_pim_ical_get_x_int (c, "X-EAS-REGENERATE", 1);
		r.dead_occur = eas_pim_ical_get_x_int (c, "X-EAS-DEAD-OCCUR", 1);
		t->recurrence = g_memdup2 (&r, sizeof r);
	}
	return TRUE;
}

EasTask *
eas_task_from_ical (icalcomponent *comp, GError **error)
{
	g_autoptr(EasTask) t = eas_task_new ();
	icalcomponent *c = comp;
	icalproperty *p;

	g_return_val_if_fail (comp != NULL, NULL);
	if (icalcomponent_isa (comp) != ICAL_VTODO_COMPONENT)
		c = icalcomponent_get_first_component (comp, ICAL_VTODO_COMPONENT);
	if (c == NULL) {
		fail (error, "no VTODO");
		return NULL;
	}
	if ((p = icalcomponent_get_first_property (c, ICAL_SUMMARY_PROPERTY)) != NULL)
		t->subject = g_strdup (icalproperty_get_summary (p));
	if ((p = icalcomponent_get_first_property (c, ICAL_DESCRIPTION_PROPERTY)) != NULL)
		t->body = g_strdup (icalproperty_get_description (p));
	if (!read_date (c, ICAL_DTSTART_PROPERTY, "X-EAS-START-DATE", &t->utc_start_date, &t->start_date, error) ||
	    !read_date (c, ICAL_DUE_PROPERTY, "X-EAS-DUE-DATE", &t->utc_due_date, &t->due_date, error))
		return NULL;
	read_flags (t, c);
	if (!read_lists (t, c, error))
		return NULL;
	return g_steal_pointer (&t);
}
