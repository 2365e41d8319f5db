/* eas-note.c — note items ([MS-ASNOTE]) ⇄ ApplicationData ⇄ VJOURNAL. */
#include "config.h"

#include <string.h>

#include "eas/eas-note.h"
#include "eas/eas-pim-ical.h"

#define TEXT_MAX_BYTES (64u * 1024)

EasNote *
eas_note_new (void)
{
	EasNote *n = g_new0 (EasNote, 1);

	n->body_type = 1;
	return n;
}

void
eas_note_free (EasNote *note)
{
	if (note == NULL)
		return;
	g_free (note->subject);
	g_free (note->body);
	g_clear_pointer (&note->categories, g_ptr_array_unref);
	g_free (note->message_class);
	g_free (note);
}

static gboolean
fail (GError **error, int code, const char *what)
{
	g_set_error (error, EAS_PIM_ERROR, code, "%s", what);
	return FALSE;
}

static gboolean
take_text (char **slot, const EasNode *n, const char *label, GError **error)
{
	if (n->first_child != NULL || n->opaque != NULL) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "%s: not text", label);
		return FALSE;
	}
	if (n->text != NULL && strlen (n->text) > TEXT_MAX_BYTES) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT, "%s: too long", label);
		return FALSE;
	}
	g_free (*slot);
	*slot = g_strdup (n->text != NULL ? n->text : "");
	return TRUE;
}

static gboolean
valid_class (const char *cls)
{
	return g_strcmp0 (cls, EAS_NOTE_DEFAULT_MESSAGE_CLASS) == 0 ||
	       g_str_has_prefix (cls, EAS_NOTE_DEFAULT_MESSAGE_CLASS ".");
}

static gboolean
decode_child (EasNote *note, const EasNode *n, GError **error)
{
	GPtrArray *list;

	switch (n->tag) {
	case EAS_NOTES_SUBJECT:
		return take_text (&note->subject, n, "Notes:Subject", error);
	case EAS_NOTES_MESSAGE_CLASS:
		if (!take_text (&note->message_class, n, "Notes:MessageClass", error))
			return FALSE;
		return valid_class (note->message_class) ||
		       fail (error, EAS_PIM_ERROR_MALFORMED, "Notes:MessageClass: not a note class");
	case EAS_NOTES_LAST_MODIFIED_DATE:
		return eas_pim_node_time (n, &note->last_modified, error);
	case EAS_NOTES_CATEGORIES:
		list = eas_pim_decode_list (n, EAS_NOTES_CATEGORY, EAS_PIM_MAX_CATEGORIES, error);
		if (list == NULL)
			return FALSE;
		g_clear_pointer (&note->categories, g_ptr_array_unref);
		note->categories = list;
		return TRUE;
	case EAS_AIRSYNCBASE_BODY:
		g_clear_pointer (&note->body, g_free);
		return eas_pim_decode_body (n, &note->body, &note->body_type, error);
	default:
		return TRUE;
	}
}

EasNote *
eas_note_decode (const EasNode *app_data, EasVersion version, GError **error)
{
	g_autoptr(EasNote) note = eas_note_new ();

	g_return_val_if_fail (app_data != NULL, NULL);
	/* [MS-ASNOTE] 1.7: the Notes class needs protocol 14.0 or later. */
	if (version < 140) {
		fail (error, EAS_PIM_ERROR_MALFORMED, "notes need protocol version 14.0");
		return NULL;
	}
	for (const EasNode *n = app_data->first_child; n != NULL; n = n->next) {
		if (!decode_child (note, n, error))
			return NULL;
	}
	return g_steal_pointer (&note);
}

void
eas_note_encode (EasWbxmlWriter *writer, const EasNote *note, EasVersion version)
{
	g_autofree char *modified = NULL;

	if (version < 140)
		return;
	if (note->subject != NULL)
		eas_wbxml_writer_text_element (writer, EAS_NOTES_SUBJECT, note->subject);
	eas_pim_write_body (writer, version, 0, note->body, note->body_type);
	eas_wbxml_writer_text_element (writer, EAS_NOTES_MESSAGE_CLASS,
	                               note->message_class != NULL ? note->message_class
	                                                           : EAS_NOTE_DEFAULT_MESSAGE_CLASS);
	if (note->last_modified != 0) {
		modified = eas_pim_format_time (note->last_modified, FALSE);
		eas_wbxml_writer_text_element (writer, EAS_NOTES_LAST_MODIFIED_DATE, modified);
	}
	eas_pim_write_list (writer, EAS_NOTES_CATEGORIES, EAS_NOTES_CATEGORY, note->categories);
}

icalcomponent *
eas_note_to_ical (const EasNote *note)
{
	icalcomponent *cal = icalcomponent_new_vcalendar ();
	icalcomponent *j = icalcomponent_new_vjournal ();
	icalproperty *p;

	icalcomponent_add_property (cal, icalproperty_new_version ("2.0"));
	icalcomponent_add_property (cal, icalproperty_new_prodid ("-//Airdock//EAS//EN"));
	if (note->subject != NULL)
		icalcomponent_add_property (j, icalproperty_new_summary (note->subject));
	if (note->body != NULL && note->body[0] != '\0')
		icalcomponent_add_property (j, icalproperty_new_description (note->body));
	for (guint i = 0; note->categories != NULL && i < note->categories->len; i++)
		icalcomponent_add_property (j, icalproperty_new_categories (g_ptr_array_index (note->categories, i)));
	if (note->last_modified != 0)
		icalcomponent_add_property (j, icalproperty_new_lastmodified (
			icaltime_from_timet_with_zone ((time_t) note->last_modified, 0,
			                               icaltimezone_get_utc_timezone ())));
	if (note->message_class != NULL) {
		p = icalproperty_new_x (note->message_class);
		icalproperty_set_x_name (p, "X-EAS-MESSAGE-CLASS");
		icalcomponent_add_property (j, p);
	}
	if (note->body_type != 1) {
		char buf[4];

		g_snprintf (buf, sizeof buf, "%u", note->body_type);
		p = icalproperty_new_x (buf);
		icalproperty_set_x_name (p, "X-EAS-BODY-TYPE");
		icalcomponent_add_property (j, p);
	}
	icalcomponent_add_component (cal, j);
	return cal;
}

static gboolean
read_journal (EasNote *note, icalcomponent *j, GError **error)
{
	icalproperty *p;
	const char *cls = eas_pim_ical_get_x (j, "X-EAS-MESSAGE-CLASS");
	const char *type = eas_pim_ical_get_x (j, "X-EAS-BODY-TYPE");
	guint64 t = 1;

	if ((p = icalcomponent_get_first_property (j, ICAL_SUMMARY_PROPERTY)) != NULL)
		note->subject = g_strdup (icalproperty_get_summary (p));
	if ((p = icalcomponent_get_first_property (j, ICAL_DESCRIPTION_PROPERTY)) != NULL) {
		const char *d = icalproperty_get_description (p);

		if (d != NULL && strlen (d) > EAS_PIM_MAX_BODY_BYTES)
			return fail (error, EAS_PIM_ERROR_LIMIT, "DESCRIPTION: too large");
		note->body = g_strdup (d);
	}
	if ((p = icalcomponent_get_first_property (j, ICAL_LASTMODIFIED_PROPERTY)) != NULL)
		note->last_modified = (gint64) icaltime_as_timet_with_zone (icalproperty_get_lastmodified (p),
		                                                            icaltimezone_get_utc_timezone ());
	for (p = icalcomponent_get_first_property (j, ICAL_CATEGORIES_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property (j, ICAL_CATEGORIES_PROPERTY)) {
		if (note->categories == NULL)
			note->categories = g_ptr_array_new_with_free_func (g_free);
		if (note->categories->len >= EAS_PIM_MAX_CATEGORIES)
			return fail (error, EAS_PIM_ERROR_LIMIT, "CATEGORIES: too many");
		g_ptr_array_add (note->categories, g_strdup (icalproperty_get_categories (p)));
	}
	if (cls != NULL && valid_class (cls))
		note->message_class = g_strdup (cls);
	if (type != NULL && g_ascii_string_to_unsigned (type, 10, 1, 3, &t, NULL))
		note->body_type = (guint) t;
	return TRUE;
}

EasNote *
eas_note_from_ical (icalcomponent *comp, GError **error)
{
	g_autoptr(EasNote) note = eas_note_new ();
	icalcomponent *j = comp;

	g_return_val_if_fail (comp != NULL, NULL);
	if (icalcomponent_isa (comp) != ICAL_VJOURNAL_COMPONENT)
		j = icalcomponent_get_first_component (comp, ICAL_VJOURNAL_COMPONENT);
	if (j == NULL) {
		fail (error, EAS_PIM_ERROR_MALFORMED, "no VJOURNAL");
		return NULL;
	}
	if (!read_journal (note, j, error))
		return NULL;
	return g_steal_pointer (&note);
}
