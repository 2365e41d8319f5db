/* pststore-export.c — folders as iCalendar, vCard or text.
 * See pststore-export.h. */
#include "config.h"

#include "pst/pststore-export.h"

#include <libical/ical.h>
#include <string.h>

gboolean
pststore_export_format_from_string (const char *name, PststoreExportFormat *out_format)
{
	if (name == NULL)
		return FALSE;
	if (g_ascii_strcasecmp (name, "ics") == 0)
		*out_format = PSTSTORE_EXPORT_ICS;
	else if (g_ascii_strcasecmp (name, "vcf") == 0)
		*out_format = PSTSTORE_EXPORT_VCF;
	else if (g_ascii_strcasecmp (name, "txt") == 0)
		*out_format = PSTSTORE_EXPORT_TXT;
	else
		return FALSE;
	return TRUE;
}

static struct icaltimetype
utc_time (gint64 t)
{
	return icaltime_from_timet_with_zone ((time_t) t, 0, icaltimezone_get_utc_timezone ());
}

static void
add_time (icalcomponent *c, icalproperty *(*ctor) (struct icaltimetype), gint64 t)
{
	if (t != PSTSTORE_TIME_UNSET)
		icalcomponent_add_property (c, ctor (utc_time (t)));
}

static void
add_text (icalcomponent *c, icalproperty *(*ctor) (const char *), const char *s)
{
	if (s != NULL && s[0] != '\0')
		icalcomponent_add_property (c, ctor (s));
}

static void
add_x (icalcomponent *c, const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x (value);

	icalproperty_set_x_name (p, name);
	icalcomponent_add_property (c, p);
}

/* Properties every exported component has. */
static void
add_common (icalcomponent *c, const PststoreItem *item)
{
	g_autofree char *uid = item->source_id ? g_strdup (item->source_id)
					       : g_strdup_printf ("airdock-%" G_GINT64_FORMAT, item->id);
	static const enum icalproperty_class classes[] = {
		ICAL_CLASS_PUBLIC, ICAL_CLASS_PRIVATE, ICAL_CLASS_PRIVATE, ICAL_CLASS_CONFIDENTIAL
	};

	icalcomponent_add_property (c, icalproperty_new_uid (uid));
	add_time (c, icalproperty_new_dtstamp, item->modified != PSTSTORE_TIME_UNSET ? item->modified : 0);
	add_text (c, icalproperty_new_summary, item->subject);
	add_text (c, icalproperty_new_description, item->body);
	add_time (c, icalproperty_new_created, item->created);
	add_time (c, icalproperty_new_lastmodified, item->modified);
	if (item->sensitivity > 0 && item->sensitivity <= 3)
		icalcomponent_add_property (c, icalproperty_new_class (classes[item->sensitivity]));
	for (guint i = 0; item->categories && item->categories[i]; i++)
		icalcomponent_add_property (c, icalproperty_new_categories (item->categories[i]));
}

static icalcomponent *
task_component (const PststoreItem *item)
{
	/* RFC 5545 3.8.1.9: 1 highest, 5 normal, 9 lowest. */
	static const int priority[] = { 9, 5, 1 };
	static const enum icalproperty_status status[] = {
		ICAL_STATUS_NEEDSACTION, ICAL_STATUS_INPROCESS, ICAL_STATUS_COMPLETED, ICAL_STATUS_NEEDSACTION,
		ICAL_STATUS_CANCELLED
	};
	icalcomponent *c = icalcomponent_new_vtodo ();

	add_common (c, item);
	add_time (c, icalproperty_new_dtstart, item->task_start);
	add_time (c, icalproperty_new_due, item->task_due);
	add_time (c, icalproperty_new_completed, item->task_date_completed);
	icalcomponent_add_property (c, icalproperty_new_priority (priority[CLAMP (item->importance, 0, 2)]));
	icalcomponent_add_property (c, icalproperty_new_percentcomplete ((int) (item->task_percent * 100.0 + 0.5)));
	icalcomponent_add_property (c, icalproperty_new_status (item->task_complete ? ICAL_STATUS_COMPLETED
									: status[CLAMP (item->task_status, 0, 4)]));
	if (item->recurrence != NULL) {
		struct icalrecurrencetype r = icalrecurrencetype_from_string (item->recurrence);
		if (r.freq != ICAL_NO_RECURRENCE)
			icalcomponent_add_property (c, icalproperty_new_rrule (r));
	}
	if (item->reminder != PSTSTORE_TIME_UNSET) {
		icalcomponent *al = icalcomponent_new_valarm ();
		struct icaltriggertype tr = icaltriggertype_from_int (0);
		tr.time = utc_time (item->reminder);
		icalcomponent_add_property (al, icalproperty_new_action (ICAL_ACTION_DISPLAY));
		icalcomponent_add_property (al, icalproperty_new_trigger (tr));
		icalcomponent_add_property (al, icalproperty_new_description ("Reminder"));
		icalcomponent_add_component (c, al);
	}
	return c;
}

static icalcomponent *
note_component (const PststoreItem *item)
{
	static const char *const colours[] = { "blue", "green", "pink", "yellow", "white" };
	icalcomponent *c = icalcomponent_new_vjournal ();

	add_common (c, item);
	if (item->note_colour >= PSTSTORE_NOTE_BLUE && item->note_colour <= PSTSTORE_NOTE_WHITE)
		add_x (c, "X-AIRDOCK-NOTE-COLOUR", colours[item->note_colour]);
	return c;
}

/* The first VEVENT of an appointment's stored iCalendar, as a new component. */
static icalcomponent *
event_component (const PststoreItem *item)
{
	icalcomponent *cal, *ev, *copy = NULL;

	if (item->data == NULL)
		return NULL;
	cal = icalcomponent_new_from_string (item->data);
	if (cal == NULL)
		return NULL;
	ev = icalcomponent_isa (cal) == ICAL_VEVENT_COMPONENT
		     ? cal : icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT);
	if (ev != NULL)
		copy = icalcomponent_new_clone (ev);
	icalcomponent_free (cal);
	return copy;
}

static icalcomponent *
item_component (const PststoreItem *item)
{
	switch (pststore_kind_from_class (item->message_class)) {
	case PSTSTORE_KIND_TASK: return task_component (item);
	case PSTSTORE_KIND_NOTE: return note_component (item);
	case PSTSTORE_KIND_APPOINTMENT: return event_component (item);
	default: return NULL;
	}
}

char *
pststore_export_item_ical (const PststoreItem *item)
{
	icalcomponent *c = item_component (item);
	char *s;

	if (c == NULL)
		return NULL;
	s = icalcomponent_as_ical_string_r (c);
	icalcomponent_free (c);
	return s;
}

static void
text_time (GString *s, const char *label, gint64 t)
{
	g_autoptr (GDateTime) dt = NULL;
	g_autofree char *v = NULL;

	if (t == PSTSTORE_TIME_UNSET)
		return;
	dt = g_date_time_new_from_unix_utc (t);
	if (dt == NULL)
		return;
	v = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC");
	g_string_append_printf (s, "%s: %s\n", label, v);
}

char *
pststore_export_item_text (const PststoreItem *item)
{
	static const char *const status[] = { "not started", "in progress", "complete", "waiting", "deferred" };
	static const char *const colours[] = { "blue", "green", "pink", "yellow", "white" };
	static const char *const importance[] = { "low", "normal", "high" };
	GString *s = g_string_new (NULL);
	PststoreKind kind = pststore_kind_from_class (item->message_class);

	g_string_append_printf (s, "Subject: %s\n", item->subject ? item->subject : "");
	g_string_append_printf (s, "Class: %s\n", item->message_class);
	if (item->categories && item->categories[0]) {
		g_autofree char *cats = g_strjoinv (", ", item->categories);
		g_string_append_printf (s, "Categories: %s\n", cats);
	}
	g_string_append_printf (s, "Importance: %s\n", importance[CLAMP (item->importance, 0, 2)]);
	text_time (s, "Created", item->created);
	text_time (s, "Modified", item->modified);
	if (kind == PSTSTORE_KIND_TASK) {
		text_time (s, "Start", item->task_start);
		text_time (s, "Due", item->task_due);
		g_string_append_printf (s, "Status: %s\n", status[CLAMP (item->task_status, 0, 4)]);
		g_string_append_printf (s, "Complete: %s (%d%%)\n", item->task_complete ? "yes" : "no",
					(int) (item->task_percent * 100.0 + 0.5));
		text_time (s, "Completed", item->task_date_completed);
		if (item->recurrence)
			g_string_append_printf (s, "Recurrence: %s\n", item->recurrence);
	}
	text_time (s, "Reminder", item->reminder);
	if (kind == PSTSTORE_KIND_NOTE && item->note_colour >= 0 && item->note_colour <= 4)
		g_string_append_printf (s, "Colour: %s\n", colours[item->note_colour]);
	g_string_append_c (s, '\n');
	if (item->body)
		g_string_append (s, item->body);
	else if (item->data)
		g_string_append (s, item->data);
	g_string_append (s, "\n\n");
	return g_string_free (s, FALSE);
}

static gboolean
write_str (GOutputStream *out, const char *s, GError **error)
{
	return g_output_stream_write_all (out, s, strlen (s), NULL, NULL, error);
}

gboolean
pststore_export_folder (PststoreStore *store, gint64 folder_id, PststoreExportFormat format, GOutputStream *out,
			gsize *out_written, gsize *out_skipped, GError **error)
{
	g_autoptr (GPtrArray) items = pststore_item_list (store, folder_id, error);
	icalcomponent *cal = NULL;
	gsize written = 0, skipped = 0;
	gboolean ok = TRUE;

	if (items == NULL)
		return FALSE;
	if (format == PSTSTORE_EXPORT_ICS) {
		cal = icalcomponent_new_vcalendar ();
		icalcomponent_add_property (cal, icalproperty_new_version ("2.0"));
		icalcomponent_add_property (cal, icalproperty_new_prodid ("-//Airdock//pst export//EN"));
	}
	for (guint i = 0; ok && i < items->len; i++) {
		const PststoreItem *it = g_ptr_array_index (items, i);
		g_autofree char *text = NULL;

		if (format == PSTSTORE_EXPORT_ICS) {
			icalcomponent *c = item_component (it);
			if (c != NULL)
				icalcomponent_add_component (cal, c);
			if (c != NULL)
				written++;
			else
				skipped++;
			continue;
		}
		if (format == PSTSTORE_EXPORT_VCF)
			text = it->kind == PSTSTORE_KIND_CONTACT && it->data ? g_strdup (it->data) : NULL;
		else
			text = pststore_export_item_text (it);
		if (text == NULL) {
			skipped++;
			continue;
		}
		ok = write_str (out, text, error);
		written++;
	}
	if (cal != NULL) {
		g_autofree char *s = icalcomponent_as_ical_string_r (cal);
		icalcomponent_free (cal);
		ok = write_str (out, s, error);
	}
	if (ok && out_written)
		*out_written = written;
	if (ok && out_skipped)
		*out_skipped = skipped;
	return ok;
}
