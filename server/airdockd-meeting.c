/* airdockd-meeting.c — meetings by mail; see airdockd-meeting.h. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "server/airdockd-meeting.h"
#include "server/airdockd-mime.h"

static void
meeting_log (GLogLevelFlags level, const char *user, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
meeting_log (GLogLevelFlags level, const char *user, const char *format, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start (ap, format);
	msg = g_strdup_vprintf (format, ap);
	va_end (ap);
	g_log_structured (G_LOG_DOMAIN, level, "EAS_USER", user != NULL ? user : "",
	                  "EAS_CMD", "Meeting", "MESSAGE", "%s", msg);
}

/* ---- the calendar part --------------------------------------------------- */

static gboolean
is_calendar (const AirdockdAttachment *a)
{
	return a->content_type != NULL && g_ascii_strcasecmp (a->content_type, "text/calendar") == 0;
}

EasItip *
airdockd_meeting_read_itip (AirdockdStore *store, const AirdockdItem *item, GError **error)
{
	g_autoptr (GPtrArray) atts = NULL;
	const AirdockdAttachment *cal = NULL;
	g_autoptr (GOutputStream) mem = NULL;

	g_return_val_if_fail (store != NULL && item != NULL, NULL);
	if (item->item_class != AIRDOCKD_ITEM_EMAIL || !item->has_attachments || item->message_path == NULL)
		return NULL;
	atts = airdockd_store_item_attachments (store, item->user_id, item->server_id, error);
	if (atts == NULL)
		return NULL;
	for (guint i = 0; i < atts->len && cal == NULL; i++) {
		if (is_calendar (g_ptr_array_index (atts, i)))
			cal = g_ptr_array_index (atts, i);
	}
	if (cal == NULL)
		return NULL;
	if (cal->size < 0 || (guint64) cal->size > EAS_MEETING_ITIP_MAX_BYTES) {
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_LIMIT,
		             "calendar part larger than %u bytes", EAS_MEETING_ITIP_MAX_BYTES);
		return NULL;
	}
	mem = g_memory_output_stream_new_resizable ();
	if (!airdockd_mime_write_attachment (item->message_path, cal->index, mem, NULL, NULL, error) ||
	    !g_output_stream_close (mem, NULL, error))
		return NULL;
	return eas_itip_parse (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (mem)),
	                       g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (mem)), error);
}

void
airdockd_meeting_fill_email (AirdockdStore *store, const AirdockdItem *item, EasEmailItem *email)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasItip) itip = airdockd_meeting_read_itip (store, item, &error);
	const char *klass;

	/* Unreadable: logged at delivery; the mail is sent as plain mail. */
	if (itip == NULL || (klass = eas_meeting_message_class (itip)) == NULL)
		return;
	g_free (email->message_class);
	email->message_class = g_strdup (klass);
	if (itip->method == EAS_ITIP_REQUEST || itip->method == EAS_ITIP_CANCEL) {
		g_clear_pointer (&email->meeting_request, eas_meeting_request_free);
		email->meeting_request = eas_meeting_request_from_itip (itip);
		/* [MS-ASEMAIL] 2.2.2.48: DtStamp is required; without DTSTAMP the
		 * mail's date stands in. */
		if (email->meeting_request != NULL && email->meeting_request->event->dt_stamp == 0)
			email->meeting_request->event->dt_stamp = item->date_received;
	}
}

/* ---- events by UID --------------------------------------------------------- */

icalcomponent *
airdockd_meeting_parse_event (const AirdockdItem *item, GError **error)
{
	gsize len = 0;
	const char *p = item->data != NULL ? g_bytes_get_data (item->data, &len) : NULL;
	g_autofree char *text = p != NULL ? g_strndup (p, len) : NULL;
	icalcomponent *comp = text != NULL ? icalparser_parse_string (text) : NULL;

	if (comp != NULL && icalcomponent_isa (comp) != ICAL_VCALENDAR_COMPONENT)
		g_clear_pointer (&comp, icalcomponent_free);
	if (comp == NULL)
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_INVALID, "stored event unreadable");
	return comp;
}

static const char *
master_uid (icalcomponent *vcalendar)
{
	icalcomponent *ev = icalcomponent_get_first_component (vcalendar, ICAL_VEVENT_COMPONENT);
	icalproperty *p = ev != NULL ? icalcomponent_get_first_property (ev, ICAL_UID_PROPERTY) : NULL;

	return p != NULL ? icalproperty_get_uid (p) : NULL;
}

/* A cheap test before parsing: the stored text holds "UID:" and the UID's
 * first characters (before anything iCalendar escapes, and short enough
 * not to be folded). */
static gboolean
may_hold_uid (GBytes *data, const char *uid)
{
	gsize n = strcspn (uid, ",;\\\r\n");
	gsize len = 0;
	const char *p = data != NULL ? g_bytes_get_data (data, &len) : NULL;
	g_autofree char *needle = g_strdup_printf ("UID:%.*s", (int) MIN (n, 60), uid);

	return p != NULL && len <= G_MAXSSIZE && g_strstr_len (p, (gssize) len, needle) != NULL;
}

AirdockdItem *
airdockd_meeting_find_event (AirdockdStore *store, gint64 user_id, const char *folder_id,
                             const char *uid, icalcomponent **out_vcalendar, GError **error)
{
	g_autoptr (GPtrArray) items = airdockd_store_item_list (store, user_id, folder_id, 0, error);

	if (items == NULL)
		return NULL;
	for (guint i = 0; i < items->len; i++) {
		AirdockdItem *it = g_ptr_array_index (items, i);
		icalcomponent *vcal;

		if (it->item_class != AIRDOCKD_ITEM_CALENDAR || !may_hold_uid (it->data, uid))
			continue;
		vcal = airdockd_meeting_parse_event (it, NULL);
		if (vcal == NULL)
			continue;
		if (g_strcmp0 (master_uid (vcal), uid) == 0) {
			*out_vcalendar = vcal;
			return g_ptr_array_steal_index (items, i);
		}
		icalcomponent_free (vcal);
	}
	return NULL;
}

gboolean
airdockd_meeting_save_event (AirdockdStore *store, gint64 user_id, const AirdockdItem *event,
                             icalcomponent *vcalendar, GError **error)
{
	char *text = icalcomponent_as_ical_string_r (vcalendar);
	g_autoptr (GBytes) data = g_bytes_new_take (text, strlen (text));

	return airdockd_store_item_set_data (store, user_id, event->server_id, data, error);
}

static gboolean
add_event (AirdockdStore *store, gint64 user_id, const char *folder_id, icalcomponent *vcalendar,
           GError **error)
{
	char *text = icalcomponent_as_ical_string_r (vcalendar);
	g_autoptr (GBytes) data = g_bytes_new_take (text, strlen (text));
	g_autoptr (AirdockdItem) added = airdockd_store_add_item (store, user_id, folder_id,
	                                                          AIRDOCKD_ITEM_CALENDAR, data, error);

	return added != NULL;
}

/* ---- delivery ----------------------------------------------------------------- */

static int
stored_sequence (icalcomponent *vcalendar)
{
	icalcomponent *master = eas_itip_find_vevent (vcalendar, 0);
	icalproperty *p;

	if (master == NULL)
		master = icalcomponent_get_first_component (vcalendar, ICAL_VEVENT_COMPONENT);
	p = master != NULL ? icalcomponent_get_first_property (master, ICAL_SEQUENCE_PROPERTY) : NULL;
	return p != NULL ? icalproperty_get_sequence (p) : 0;
}

/* VTIMEZONEs of from that to lacks (by TZID). */
static void
merge_timezones (icalcomponent *to, icalcomponent *from)
{
	for (icalcomponent *tz = icalcomponent_get_first_component (from, ICAL_VTIMEZONE_COMPONENT); tz != NULL;
	     tz = icalcomponent_get_next_component (from, ICAL_VTIMEZONE_COMPONENT)) {
		icalproperty *id = icalcomponent_get_first_property (tz, ICAL_TZID_PROPERTY);

		if (id != NULL && icalcomponent_get_timezone (to, icalproperty_get_tzid (id)) == NULL)
			icalcomponent_add_component (to, icalcomponent_new_clone (tz));
	}
}

/* One changed occurrence of a series we hold: replace (or add) its VEVENT. */
static void
merge_occurrence (icalcomponent *stored, const EasItip *itip, const char *attendee)
{
	icalcomponent *copy = icalcomponent_new_clone (itip->vcalendar);
	icalcomponent *old = eas_itip_find_vevent (stored, itip->recurrence_id);
	icalcomponent *ev;

	eas_itip_make_attendee_copy (copy, attendee);
	ev = eas_itip_find_vevent (copy, itip->recurrence_id);
	if (old != NULL) {
		icalcomponent_remove_component (stored, old);
		icalcomponent_free (old);
	}
	if (ev != NULL) {
		icalcomponent_remove_component (copy, ev);
		icalcomponent_add_component (stored, ev);
	}
	merge_timezones (stored, copy);
	icalcomponent_free (copy);
}

static gboolean
apply_request (AirdockdStore *store, const AirdockdUser *user, const AirdockdFolder *calendar,
               const EasItip *itip, GError **error)
{
	icalcomponent *stored = NULL;
	g_autoptr (AirdockdItem) event = airdockd_meeting_find_event (store, user->id, calendar->server_id,
	                                                              itip->uid, &stored, error);
	icalcomponent *copy;
	gboolean ok;

	if (event == NULL && error != NULL && *error != NULL)
		return FALSE;
	if (event != NULL && itip->recurrence_id != 0) {
		merge_occurrence (stored, itip, user->email);
		ok = airdockd_meeting_save_event (store, user->id, event, stored, error);
		icalcomponent_free (stored);
		return ok;
	}
	/* RFC 5546 2.1.5: an older SEQUENCE is outdated. */
	if (event != NULL && itip->sequence < stored_sequence (stored)) {
		meeting_log (G_LOG_LEVEL_INFO, user->name, "meeting update older than the stored event: ignored");
		icalcomponent_free (stored);
		return TRUE;
	}
	g_clear_pointer (&stored, icalcomponent_free);
	copy = icalcomponent_new_clone (itip->vcalendar);
	eas_itip_make_attendee_copy (copy, user->email);
	ok = event != NULL ? airdockd_meeting_save_event (store, user->id, event, copy, error)
	                   : add_event (store, user->id, calendar->server_id, copy, error);
	icalcomponent_free (copy);
	return ok;
}

/* A cancelled occurrence we have no VEVENT for: an EXDATE on the master. */
static void
exclude_occurrence (icalcomponent *stored, gint64 rid)
{
	icalcomponent *master = eas_itip_find_vevent (stored, 0);

	if (master == NULL)
		return;
	icalcomponent_add_property (master, icalproperty_new_exdate (
		icaltime_from_timet_with_zone ((time_t) rid, 0, icaltimezone_get_utc_timezone ())));
}

static gboolean
apply_cancel (AirdockdStore *store, const AirdockdUser *user, const AirdockdFolder *calendar,
              const EasItip *itip, GError **error)
{
	icalcomponent *stored = NULL;
	g_autoptr (AirdockdItem) event = airdockd_meeting_find_event (store, user->id, calendar->server_id,
	                                                              itip->uid, &stored, error);
	gboolean ok;

	if (event == NULL)
		return error == NULL || *error == NULL;
	if (itip->recurrence_id != 0 && eas_itip_find_vevent (stored, itip->recurrence_id) == NULL)
		exclude_occurrence (stored, itip->recurrence_id);
	else
		eas_itip_mark_cancelled (stored, itip->recurrence_id);
	ok = airdockd_meeting_save_event (store, user->id, event, stored, error);
	icalcomponent_free (stored);
	return ok;
}

static gboolean
apply_reply (AirdockdStore *store, const AirdockdUser *user, const AirdockdFolder *calendar,
             const EasItip *itip, GError **error)
{
	icalcomponent *stored = NULL;
	g_autoptr (AirdockdItem) event = airdockd_meeting_find_event (store, user->id, calendar->server_id,
	                                                              itip->uid, &stored, error);
	gboolean ok = TRUE;

	if (event == NULL)
		return error == NULL || *error == NULL;
	if (eas_itip_apply_reply (stored, itip))
		ok = airdockd_meeting_save_event (store, user->id, event, stored, error);
	icalcomponent_free (stored);
	return ok;
}

void
airdockd_meeting_delivered (AirdockdStore *store, gint64 user_id, const AirdockdItem *item)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasItip) itip = NULL;
	g_autoptr (AirdockdUser) user = NULL;
	g_autoptr (AirdockdFolder) calendar = NULL;
	gboolean ok = TRUE;

	g_return_if_fail (store != NULL && item != NULL);
	user = airdockd_store_user_get (store, user_id, &error);
	if (user == NULL) {
		meeting_log (G_LOG_LEVEL_WARNING, NULL, "meeting: delivered to an unknown user: %s", error->message);
		return;
	}
	itip = airdockd_meeting_read_itip (store, item, &error);
	if (itip == NULL) {
		/* Bad input from the sender: the mail stays plain mail. */
		if (error != NULL)
			meeting_log (G_LOG_LEVEL_INFO, user->name, "meeting: calendar part of %s ignored: %s",
			             item->server_id, error->message);
		return;
	}
	calendar = airdockd_store_folder_get_by_type (store, user_id, AIRDOCKD_FOLDER_CALENDAR, &error);
	if (calendar == NULL) {
		meeting_log (G_LOG_LEVEL_WARNING, user->name, "meeting: no Calendar folder: %s", error->message);
		return;
	}
	/* The organizer's own copy of an invitation (Bcc, a list they are on)
	 * must not turn their meeting into an invitation to themselves. */
	if ((itip->method == EAS_ITIP_REQUEST || itip->method == EAS_ITIP_CANCEL) && itip->event != NULL &&
	    itip->event->organizer_email != NULL && g_ascii_strcasecmp (itip->event->organizer_email, user->email) == 0)
		return;
	switch (itip->method) {
	case EAS_ITIP_REQUEST:
		ok = apply_request (store, user, calendar, itip, &error);
		break;
	case EAS_ITIP_CANCEL:
		ok = apply_cancel (store, user, calendar, itip, &error);
		break;
	case EAS_ITIP_REPLY:
		ok = apply_reply (store, user, calendar, itip, &error);
		break;
	default:
		break;
	}
	if (!ok)
		meeting_log (G_LOG_LEVEL_WARNING, user->name, "meeting: updating the calendar for %s: %s",
		             item->server_id, error->message);
}

/* ---- outgoing iTIP messages ----------------------------------------------------- */

/* RFC 2047 B-encoding for a header value that is not plain ASCII. */
static char *
header_text (const char *value)
{
	g_autofree char *b64 = NULL;

	for (const char *p = value; *p != '\0'; p++) {
		if ((guchar) *p >= 0x80 || *p == '\r' || *p == '\n')
			goto encode;
	}
	return g_strdup (value);
encode:
	b64 = g_base64_encode ((const guchar *) value, strlen (value));
	return g_strdup_printf ("=?UTF-8?B?%s?=", b64);
}

static void
append_base64 (GString *s, const char *text)
{
	g_autofree char *b64 = g_base64_encode ((const guchar *) text, strlen (text));
	gsize n = strlen (b64);

	for (gsize off = 0; off < n; off += 76) {
		g_string_append_len (s, b64 + off, (gssize) MIN ((gsize) 76, n - off));
		g_string_append (s, "\r\n");
	}
}

char *
airdockd_meeting_write_message (AirdockdStore *store, const char *from_email,
                                const char *to_email, const char *subject,
                                const char *note, const char *method,
                                const char *ical_text, GError **error)
{
	g_autoptr (GString) s = g_string_new (NULL);
	g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
	g_autofree char *date = g_date_time_format (now, "%a, %d %b %Y %H:%M:%S +0000");
	g_autofree char *id = g_uuid_string_random ();
	g_autofree char *boundary = g_strdup_printf ("=_airdock_%s", id);
	g_autofree char *subj = header_text (subject);
	const char *domain = strchr (from_email, '@');
	g_autofree char *path = NULL;
	g_autoptr (GOutputStream) out = NULL;

	g_string_append_printf (s, "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\n",
	                        from_email, to_email, subj, date);
	g_string_append_printf (s, "Message-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n", id,
	                        domain != NULL ? domain + 1 : "localhost");
	g_string_append_printf (s, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", boundary);
	g_string_append_printf (s, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	                        "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
	append_base64 (s, note);
	g_string_append_printf (s, "--%s\r\nContent-Type: text/calendar; charset=utf-8; method=%s\r\n"
	                        "Content-Transfer-Encoding: base64\r\n\r\n", boundary, method);
	append_base64 (s, ical_text);
	g_string_append_printf (s, "--%s--\r\n", boundary);

	out = airdockd_store_temp_file_new (store, &path, error);
	if (out == NULL)
		return NULL;
	if (!g_output_stream_write_all (out, s->str, s->len, NULL, NULL, error) ||
	    !g_output_stream_close (out, NULL, error)) {
		g_unlink (path);
		return NULL;
	}
	return g_steal_pointer (&path);
}
