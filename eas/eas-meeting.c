/* eas-meeting.c — iTIP, MeetingRequest, GlobalObjId and MeetingResponse;
 * see eas-meeting.h. */
#include "config.h"

#include <string.h>

#include "eas/eas-email.h"
#include "eas/eas-meeting.h"
#include "eas/eas-pim-ical.h"

G_DEFINE_QUARK (eas-meeting-error-quark, eas_meeting_error)

/* ---- GlobalObjId ([MS-ASEMAIL] 2.2.2.37) --------------------------------- */

static const guint8 class_id[16] = {
	0x04, 0x00, 0x00, 0x00, 0x82, 0x00, 0xE0, 0x00,
	0x74, 0xC5, 0xB7, 0x10, 0x1A, 0x82, 0xE0, 0x08,
};
#define CLASS_ID_HEX "040000008200E00074C5B7101A82E008"
/* CLASSID, INSTDATE, NOW, RESERVED, BYTECOUNT */
#define GOID_HEADER 40
#define VCAL_MARKER "vCal-Uid"
/* "vCal-Uid", VERSION (4 bytes), the terminating NUL. */
#define VCAL_OVERHEAD 13

static void
put_le32 (guint8 *p, guint32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (guint8) (v >> (8 * i));
}

static guint32
get_le32 (const guint8 *p)
{
	return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static GBytes *
outlook_id_from_hex (const char *uid, gsize n)
{
	guint8 *bytes = g_malloc (n / 2);

	for (gsize i = 0; i < n / 2; i++)
		bytes[i] = (guint8) (g_ascii_xdigit_value (uid[2 * i]) << 4 | g_ascii_xdigit_value (uid[2 * i + 1]));
	return g_bytes_new_take (bytes, n / 2);
}

static gboolean
is_outlook_hex (const char *uid, gsize n)
{
	if (n < 2 * GOID_HEADER || n % 2 != 0 || g_ascii_strncasecmp (uid, CLASS_ID_HEX, strlen (CLASS_ID_HEX)) != 0)
		return FALSE;
	for (gsize i = 0; i < n; i++) {
		if (!g_ascii_isxdigit (uid[i]))
			return FALSE;
	}
	return TRUE;
}

GBytes *
eas_meeting_global_obj_id_from_uid (const char *uid)
{
	gsize n = uid != NULL ? strlen (uid) : 0;
	guint8 *buf;

	if (n == 0 || n > EAS_MEETING_UID_MAX_BYTES)
		return NULL;
	/* [MS-ASEMAIL] 3.1.4.7 step 3 backwards: Outlook ids travel as hex. */
	if (is_outlook_hex (uid, n))
		return outlook_id_from_hex (uid, n);
	buf = g_malloc0 (GOID_HEADER + VCAL_OVERHEAD + n);
	memcpy (buf, class_id, sizeof class_id);
	put_le32 (buf + 36, (guint32) (VCAL_OVERHEAD + n));
	memcpy (buf + GOID_HEADER, VCAL_MARKER, 8);
	buf[GOID_HEADER + 8] = 0x01;
	memcpy (buf + GOID_HEADER + 12, uid, n);
	return g_bytes_new_take (buf, GOID_HEADER + VCAL_OVERHEAD + n);
}

char *
eas_meeting_uid_from_global_obj_id (const guint8 *data, gsize len)
{
	guint32 count;
	GString *hex;

	if (data == NULL || len < GOID_HEADER || memcmp (data, class_id, sizeof class_id) != 0)
		return NULL;
	count = get_le32 (data + 36);
	/* [MS-ASEMAIL] 3.1.4.7 step 2: a vCal id, else an Outlook id. */
	if (len >= 53 && memcmp (data + GOID_HEADER, VCAL_MARKER, 8) == 0 &&
	    count >= VCAL_OVERHEAD && count <= len - GOID_HEADER) {
		gsize n = count - VCAL_OVERHEAD;

		if (memchr (data + GOID_HEADER + 12, '\0', n) != NULL)
			return NULL;
		return g_strndup ((const char *) data + GOID_HEADER + 12, n);
	}
	hex = g_string_sized_new (len * 2);
	for (gsize i = 0; i < len; i++)
		g_string_append_printf (hex, "%02X", (i >= 16 && i < 20) ? 0 : data[i]);
	return g_string_free (hex, FALSE);
}

/* ---- iCalendar helpers ------------------------------------------------------ */

static gint64
unix_of (struct icaltimetype tt)
{
	if (icaltime_is_null_time (tt))
		return 0;
	return (gint64) icaltime_as_timet_with_zone (tt, tt.zone != NULL ? tt.zone : icaltimezone_get_utc_timezone ());
}

/* RECURRENCE-ID as Unix time: its TZID is looked up in the VCALENDAR's
 * VTIMEZONEs, then in libical's zones; floating times count as UTC. */
static gint64
rid_of (icalcomponent *vevent)
{
	icalproperty *p = icalcomponent_get_first_property (vevent, ICAL_RECURRENCEID_PROPERTY);
	icalparameter *tzid = p != NULL ? icalproperty_get_first_parameter (p, ICAL_TZID_PARAMETER) : NULL;
	icalcomponent *parent = icalcomponent_get_parent (vevent);
	struct icaltimetype tt;
	icaltimezone *zone = NULL;

	if (p == NULL)
		return 0;
	tt = icalproperty_get_recurrenceid (p);
	if (icaltime_is_null_time (tt) || !icaltime_is_valid_time (tt))
		return 0;
	if (tzid != NULL && icalparameter_get_tzid (tzid) != NULL) {
		const char *id = icalparameter_get_tzid (tzid);

		if (parent != NULL)
			zone = icalcomponent_get_timezone (parent, id);
		if (zone == NULL)
			zone = icaltimezone_get_builtin_timezone (id);
	}
	if (zone != NULL && !icaltime_is_utc (tt) && !tt.is_date)
		return (gint64) icaltime_as_timet_with_zone (tt, zone);
	return unix_of (tt);
}

icalcomponent *
eas_itip_find_vevent (icalcomponent *vcalendar, gint64 rid)
{
	g_return_val_if_fail (vcalendar != NULL, NULL);
	for (icalcomponent *c = icalcomponent_get_first_component (vcalendar, ICAL_VEVENT_COMPONENT); c != NULL;
	     c = icalcomponent_get_next_component (vcalendar, ICAL_VEVENT_COMPONENT)) {
		if (rid_of (c) == rid)
			return c;
	}
	return NULL;
}

/* Replaces every X-NAME of c by one with value. */
static void
set_x (icalcomponent *c, const char *name, const char *value)
{
	icalproperty *p = icalcomponent_get_first_property (c, ICAL_X_PROPERTY);

	while (p != NULL) {
		icalproperty *next = icalcomponent_get_next_property (c, ICAL_X_PROPERTY);
		const char *n = icalproperty_get_x_name (p);

		if (n != NULL && g_ascii_strcasecmp (n, name) == 0) {
			icalcomponent_remove_property (c, p);
			icalproperty_free (p);
		}
		p = next;
	}
	eas_pim_ical_add_x (c, name, value);
}

static void
remove_all (icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p;

	while ((p = icalcomponent_get_first_property (c, kind)) != NULL) {
		icalcomponent_remove_property (c, p);
		icalproperty_free (p);
	}
}

static gboolean
same_address (const char *cal_address, const char *email)
{
	if (cal_address == NULL || email == NULL)
		return FALSE;
	if (g_ascii_strncasecmp (cal_address, "mailto:", 7) == 0)
		cal_address += 7;
	if (g_ascii_strncasecmp (email, "mailto:", 7) == 0)
		email += 7;
	return g_ascii_strcasecmp (cal_address, email) == 0;
}

static icalproperty *
find_attendee (icalcomponent *vevent, const char *email)
{
	for (icalproperty *p = icalcomponent_get_first_property (vevent, ICAL_ATTENDEE_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property (vevent, ICAL_ATTENDEE_PROPERTY)) {
		if (same_address (icalproperty_get_attendee (p), email))
			return p;
	}
	return NULL;
}

static void
set_partstat (icalproperty *p, icalparameter_partstat partstat)
{
	icalproperty_remove_parameter_by_kind (p, ICAL_PARTSTAT_PARAMETER);
	icalproperty_add_parameter (p, icalparameter_new_partstat (partstat));
}

/* ---- iTIP parsing ------------------------------------------------------------ */

void
eas_itip_free (EasItip *itip)
{
	if (itip == NULL)
		return;
	g_free (itip->uid);
	g_clear_pointer (&itip->vcalendar, icalcomponent_free);
	g_clear_pointer (&itip->event, eas_event_free);
	g_free (itip);
}

static EasItipMethod
method_of (icalcomponent *vcalendar)
{
	if (icalcomponent_get_first_property (vcalendar, ICAL_METHOD_PROPERTY) == NULL)
		return EAS_ITIP_NONE;
	switch (icalcomponent_get_method (vcalendar)) {
	case ICAL_METHOD_REQUEST: return EAS_ITIP_REQUEST;
	case ICAL_METHOD_CANCEL: return EAS_ITIP_CANCEL;
	case ICAL_METHOD_REPLY: return EAS_ITIP_REPLY;
	default: return EAS_ITIP_OTHER;
	}
}

static gboolean
check_shape (icalcomponent *comp, GError **error)
{
	guint n = 0;

	if (icalcomponent_isa (comp) != ICAL_VCALENDAR_COMPONENT) {
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_INVALID, "not a VCALENDAR");
		return FALSE;
	}
	for (icalcomponent *c = icalcomponent_get_first_component (comp, ICAL_ANY_COMPONENT); c != NULL;
	     c = icalcomponent_get_next_component (comp, ICAL_ANY_COMPONENT)) {
		if (++n > EAS_MEETING_ITIP_MAX_COMPONENTS) {
			g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_LIMIT,
			             "more than %u components", EAS_MEETING_ITIP_MAX_COMPONENTS);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
read_first_vevent (EasItip *itip, GError **error)
{
	icalcomponent *ev = icalcomponent_get_first_component (itip->vcalendar, ICAL_VEVENT_COMPONENT);
	icalproperty *p;
	const char *uid;

	if (ev == NULL) {
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_INVALID, "no VEVENT");
		return FALSE;
	}
	p = icalcomponent_get_first_property (ev, ICAL_UID_PROPERTY);
	uid = p != NULL ? icalproperty_get_uid (p) : NULL;
	if (uid == NULL || uid[0] == '\0') {
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_INVALID, "VEVENT without UID");
		return FALSE;
	}
	if (strlen (uid) > EAS_MEETING_UID_MAX_BYTES) {
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_LIMIT,
		             "UID longer than %u bytes", EAS_MEETING_UID_MAX_BYTES);
		return FALSE;
	}
	itip->uid = g_strdup (uid);
	if ((p = icalcomponent_get_first_property (ev, ICAL_SEQUENCE_PROPERTY)) != NULL)
		itip->sequence = MAX (icalproperty_get_sequence (p), 0);
	if ((p = icalcomponent_get_first_property (ev, ICAL_DTSTAMP_PROPERTY)) != NULL)
		itip->dt_stamp = unix_of (icalproperty_get_dtstamp (p));
	itip->recurrence_id = rid_of (ev);
	return TRUE;
}

/* An invitation for one occurrence carries no series: its first VEVENT is
 * read as an event of its own (with the message's VTIMEZONEs). */
static EasEvent *
occurrence_event (icalcomponent *vcalendar, GError **error)
{
	icalcomponent *copy = icalcomponent_new_clone (vcalendar);
	icalcomponent *first = icalcomponent_get_first_component (copy, ICAL_VEVENT_COMPONENT);
	icalcomponent *c;
	EasEvent *ev;

	while ((c = icalcomponent_get_next_component (copy, ICAL_VEVENT_COMPONENT)) != NULL) {
		icalcomponent_remove_component (copy, c);
		icalcomponent_free (c);
	}
	remove_all (first, ICAL_RECURRENCEID_PROPERTY);
	ev = eas_event_from_ical (copy, error);
	icalcomponent_free (copy);
	return ev;
}

EasItip *
eas_itip_parse (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (EasItip) itip = g_new0 (EasItip, 1);
	g_autofree char *text = NULL;
	g_autoptr (GError) local = NULL;

	g_return_val_if_fail (data != NULL || len == 0, NULL);
	if (len > EAS_MEETING_ITIP_MAX_BYTES) {
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_LIMIT,
		             "calendar part larger than %u bytes", EAS_MEETING_ITIP_MAX_BYTES);
		return NULL;
	}
	text = g_strndup ((const char *) data, len);
	itip->vcalendar = icalparser_parse_string (text);
	if (itip->vcalendar == NULL) {
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_INVALID, "not iCalendar");
		return NULL;
	}
	if (!check_shape (itip->vcalendar, error) || !read_first_vevent (itip, error))
		return NULL;
	itip->method = method_of (itip->vcalendar);
	itip->event = itip->recurrence_id != 0 ? occurrence_event (itip->vcalendar, &local)
	                                       : eas_event_from_ical (itip->vcalendar, &local);
	/* A REPLY names an attendee and a UID; it needs no times. */
	if (itip->event == NULL && itip->method != EAS_ITIP_REPLY) {
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_INVALID, "VEVENT: %s", local->message);
		return NULL;
	}
	return g_steal_pointer (&itip);
}

/* ---- the attendee's calendar copy -------------------------------------------- */

static const char *const busy_names[] = { "FREE", "TENTATIVE", "BUSY", "OOF", "WORKINGELSEWHERE" };

void
eas_itip_make_attendee_copy (icalcomponent *vcalendar, const char *attendee)
{
	g_return_if_fail (vcalendar != NULL);
	remove_all (vcalendar, ICAL_METHOD_PROPERTY);
	for (icalcomponent *c = icalcomponent_get_first_component (vcalendar, ICAL_VEVENT_COMPONENT); c != NULL;
	     c = icalcomponent_get_next_component (vcalendar, ICAL_VEVENT_COMPONENT)) {
		icalproperty *a = find_attendee (c, attendee);

		/* [MS-ASCAL] 2.2.2.29: 3 = received meeting; 2.2.2.41: 5 = not responded. */
		set_x (c, "X-EAS-MEETING-STATUS", "3");
		set_x (c, "X-MICROSOFT-CDO-BUSYSTATUS", "TENTATIVE");
		set_x (c, "X-EAS-RESPONSE-TYPE", "5");
		set_x (c, "X-EAS-RESPONSE-REQUESTED", "1");
		if (a != NULL)
			set_partstat (a, ICAL_PARTSTAT_NEEDSACTION);
	}
}

void
eas_itip_mark_cancelled (icalcomponent *vcalendar, gint64 rid)
{
	g_return_if_fail (vcalendar != NULL);
	for (icalcomponent *c = icalcomponent_get_first_component (vcalendar, ICAL_VEVENT_COMPONENT); c != NULL;
	     c = icalcomponent_get_next_component (vcalendar, ICAL_VEVENT_COMPONENT)) {
		if (rid != 0 && rid_of (c) != rid)
			continue;
		/* [MS-ASCAL] 2.2.2.29: 7 = received meeting, cancelled. */
		set_x (c, "X-EAS-MEETING-STATUS", "7");
		set_x (c, "X-MICROSOFT-CDO-BUSYSTATUS", "FREE");
		remove_all (c, ICAL_STATUS_PROPERTY);
		icalcomponent_add_property (c, icalproperty_new_status (ICAL_STATUS_CANCELLED));
	}
}

/* A VEVENT for one occurrence of the series: the master's copy without
 * recurrence, moved to rid. */
static icalcomponent *
add_occurrence (icalcomponent *vcalendar, gint64 rid)
{
	icalcomponent *master = eas_itip_find_vevent (vcalendar, 0);
	icalcomponent *occ;
	struct icaltimetype start, end;
	icaltimezone *utc = icaltimezone_get_utc_timezone ();
	gint64 duration;

	if (master == NULL || icalcomponent_get_first_property (master, ICAL_RRULE_PROPERTY) == NULL)
		return NULL;
	start = icalcomponent_get_dtstart (master);
	end = icalcomponent_get_dtend (master);
	duration = icaltime_is_null_time (end) ? 0 : unix_of (end) - unix_of (start);
	occ = icalcomponent_new_clone (master);
	remove_all (occ, ICAL_RRULE_PROPERTY);
	remove_all (occ, ICAL_EXDATE_PROPERTY);
	remove_all (occ, ICAL_RDATE_PROPERTY);
	remove_all (occ, ICAL_DTSTART_PROPERTY);
	remove_all (occ, ICAL_DTEND_PROPERTY);
	remove_all (occ, ICAL_DURATION_PROPERTY);
	icalcomponent_add_property (occ, icalproperty_new_recurrenceid (icaltime_from_timet_with_zone ((time_t) rid, 0, utc)));
	icalcomponent_add_property (occ, icalproperty_new_dtstart (icaltime_from_timet_with_zone ((time_t) rid, 0, utc)));
	icalcomponent_add_property (occ, icalproperty_new_dtend (icaltime_from_timet_with_zone ((time_t) (rid + duration), 0, utc)));
	icalcomponent_add_component (vcalendar, occ);
	return occ;
}

static void
respond_in (icalcomponent *c, const char *attendee, EasMeetingUserResponse response, gint64 now)
{
	static const icalparameter_partstat partstat[] = {
		ICAL_PARTSTAT_NEEDSACTION, ICAL_PARTSTAT_ACCEPTED, ICAL_PARTSTAT_TENTATIVE, ICAL_PARTSTAT_DECLINED,
	};
	/* [MS-ASCAL] 2.2.2.41 ResponseType: 3 accepted, 2 tentative, 4 declined. */
	static const char *const response_type[] = { "5", "3", "2", "4" };
	static const char *const busy[] = { "TENTATIVE", "BUSY", "TENTATIVE", "FREE" };
	icalproperty *a = find_attendee (c, attendee);
	g_autofree char *reply = eas_pim_format_time (now, FALSE);
	g_autofree char *address = g_strconcat ("mailto:", attendee, NULL);

	if (a == NULL) {
		/* Invited through a list: the attendee is not named. */
		a = icalproperty_new_attendee (address);
		icalcomponent_add_property (c, a);
	}
	set_partstat (a, partstat[response]);
	icalproperty_remove_parameter_by_kind (a, ICAL_RSVP_PARAMETER);
	set_x (c, "X-EAS-RESPONSE-TYPE", response_type[response]);
	set_x (c, "X-MICROSOFT-CDO-BUSYSTATUS", busy[response]);
	set_x (c, "X-EAS-APPOINTMENT-REPLY-TIME", reply);
}

gboolean
eas_itip_set_response (icalcomponent *vcalendar, const char *attendee,
                       EasMeetingUserResponse response, gint64 rid, gint64 now)
{
	icalcomponent *target;

	g_return_val_if_fail (vcalendar != NULL && attendee != NULL, FALSE);
	g_return_val_if_fail (response >= EAS_MEETING_ACCEPT && response <= EAS_MEETING_DECLINE, FALSE);
	if (rid == 0) {
		for (icalcomponent *c = icalcomponent_get_first_component (vcalendar, ICAL_VEVENT_COMPONENT); c != NULL;
		     c = icalcomponent_get_next_component (vcalendar, ICAL_VEVENT_COMPONENT))
			respond_in (c, attendee, response, now);
		return icalcomponent_get_first_component (vcalendar, ICAL_VEVENT_COMPONENT) != NULL;
	}
	target = eas_itip_find_vevent (vcalendar, rid);
	if (target == NULL)
		target = add_occurrence (vcalendar, rid);
	if (target == NULL)
		return FALSE;
	respond_in (target, attendee, response, now);
	return TRUE;
}

/* ---- the REPLY ---------------------------------------------------------------- */

static void
copy_prop (icalcomponent *to, icalcomponent *from, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property (from, kind);

	if (p != NULL)
		icalcomponent_add_property (to, icalproperty_new_clone (p));
}

static icalcomponent *
reply_vevent (icalcomponent *src, const char *attendee, EasMeetingUserResponse response,
              gint64 rid, gint64 now)
{
	static const icalparameter_partstat partstat[] = {
		ICAL_PARTSTAT_NEEDSACTION, ICAL_PARTSTAT_ACCEPTED, ICAL_PARTSTAT_TENTATIVE, ICAL_PARTSTAT_DECLINED,
	};
	icaltimezone *utc = icaltimezone_get_utc_timezone ();
	icalcomponent *ev = icalcomponent_new (ICAL_VEVENT_COMPONENT);
	icalproperty *a = find_attendee (src, attendee);
	g_autofree char *address = g_strconcat ("mailto:", attendee, NULL);

	copy_prop (ev, src, ICAL_UID_PROPERTY);
	copy_prop (ev, src, ICAL_SEQUENCE_PROPERTY);
	copy_prop (ev, src, ICAL_ORGANIZER_PROPERTY);
	copy_prop (ev, src, ICAL_SUMMARY_PROPERTY);
	copy_prop (ev, src, ICAL_DTSTART_PROPERTY);
	copy_prop (ev, src, ICAL_DTEND_PROPERTY);
	if (rid != 0 && icalcomponent_get_first_property (src, ICAL_RECURRENCEID_PROPERTY) == NULL)
		icalcomponent_add_property (ev, icalproperty_new_recurrenceid (icaltime_from_timet_with_zone ((time_t) rid, 0, utc)));
	else
		copy_prop (ev, src, ICAL_RECURRENCEID_PROPERTY);
	icalcomponent_add_property (ev, icalproperty_new_dtstamp (icaltime_from_timet_with_zone ((time_t) now, 0, utc)));
	a = a != NULL ? icalproperty_new_clone (a) : icalproperty_new_attendee (address);
	set_partstat (a, partstat[response]);
	icalproperty_remove_parameter_by_kind (a, ICAL_RSVP_PARAMETER);
	icalcomponent_add_property (ev, a);
	return ev;
}

static void
propose (icalcomponent *ev, gint64 start, gint64 end)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone ();

	remove_all (ev, ICAL_DTSTART_PROPERTY);
	remove_all (ev, ICAL_DTEND_PROPERTY);
	icalcomponent_add_property (ev, icalproperty_new_dtstart (icaltime_from_timet_with_zone ((time_t) start, 0, utc)));
	icalcomponent_add_property (ev, icalproperty_new_dtend (icaltime_from_timet_with_zone ((time_t) end, 0, utc)));
}

char *
eas_itip_make_reply (icalcomponent *vcalendar, const char *attendee,
                     EasMeetingUserResponse response, gint64 rid, gint64 now,
                     const char *comment, gint64 proposed_start,
                     gint64 proposed_end, GError **error)
{
	icalcomponent *src;
	icalcomponent *out;
	icalcomponent *ev;
	gboolean counter = proposed_start != 0 && proposed_end >= proposed_start;
	char *text;

	g_return_val_if_fail (vcalendar != NULL && attendee != NULL, NULL);
	g_return_val_if_fail (response >= EAS_MEETING_ACCEPT && response <= EAS_MEETING_DECLINE, NULL);
	src = rid != 0 ? eas_itip_find_vevent (vcalendar, rid) : NULL;
	if (src == NULL)
		src = eas_itip_find_vevent (vcalendar, 0);
	if (src == NULL) {
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_INVALID, "no VEVENT to answer");
		return NULL;
	}
	out = icalcomponent_new (ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property (out, icalproperty_new_version ("2.0"));
	icalcomponent_add_property (out, icalproperty_new_prodid ("-//Airdock//airdockd//EN"));
	/* RFC 5546 3.2.7: a new time is proposed with COUNTER. */
	icalcomponent_add_property (out, icalproperty_new_method (counter ? ICAL_METHOD_COUNTER : ICAL_METHOD_REPLY));
	for (icalcomponent *tz = icalcomponent_get_first_component (vcalendar, ICAL_VTIMEZONE_COMPONENT); tz != NULL;
	     tz = icalcomponent_get_next_component (vcalendar, ICAL_VTIMEZONE_COMPONENT))
		icalcomponent_add_component (out, icalcomponent_new_clone (tz));
	ev = reply_vevent (src, attendee, response, rid, now);
	if (comment != NULL && comment[0] != '\0')
		icalcomponent_add_property (ev, icalproperty_new_comment (comment));
	if (counter)
		propose (ev, proposed_start, proposed_end);
	icalcomponent_add_component (out, ev);
	text = icalcomponent_as_ical_string_r (out);
	icalcomponent_free (out);
	return text;
}

gboolean
eas_itip_apply_reply (icalcomponent *organizer_copy, const EasItip *reply)
{
	gboolean changed = FALSE;

	g_return_val_if_fail (organizer_copy != NULL && reply != NULL, FALSE);
	for (icalcomponent *r = icalcomponent_get_first_component (reply->vcalendar, ICAL_VEVENT_COMPONENT); r != NULL;
	     r = icalcomponent_get_next_component (reply->vcalendar, ICAL_VEVENT_COMPONENT)) {
		icalcomponent *target = eas_itip_find_vevent (organizer_copy, rid_of (r));

		if (target == NULL)
			continue;
		for (icalproperty *a = icalcomponent_get_first_property (r, ICAL_ATTENDEE_PROPERTY); a != NULL;
		     a = icalcomponent_get_next_property (r, ICAL_ATTENDEE_PROPERTY)) {
			icalproperty *mine = find_attendee (target, icalproperty_get_attendee (a));
			icalparameter *ps = icalproperty_get_first_parameter (a, ICAL_PARTSTAT_PARAMETER);

			if (mine == NULL || ps == NULL)
				continue;
			set_partstat (mine, icalparameter_get_partstat (ps));
			changed = TRUE;
		}
	}
	return changed;
}

/* ---- Email MeetingRequest ------------------------------------------------------ */

void
eas_meeting_request_free (EasMeetingRequest *mr)
{
	if (mr == NULL)
		return;
	g_clear_pointer (&mr->event, eas_event_free);
	g_free (mr);
}

static int
intended_busy (icalcomponent *vcalendar)
{
	icalcomponent *ev = icalcomponent_get_first_component (vcalendar, ICAL_VEVENT_COMPONENT);
	const char *v = ev != NULL ? eas_pim_ical_get_x (ev, "X-MICROSOFT-CDO-INTENDEDSTATUS") : NULL;

	for (guint i = 0; v != NULL && i < G_N_ELEMENTS (busy_names); i++) {
		if (g_ascii_strcasecmp (v, busy_names[i]) == 0)
			return (int) i;
	}
	return -1;
}

EasMeetingRequest *
eas_meeting_request_from_itip (EasItip *itip)
{
	EasMeetingRequest *mr;

	g_return_val_if_fail (itip != NULL, NULL);
	if (itip->event == NULL)
		return NULL;
	mr = g_new0 (EasMeetingRequest, 1);
	mr->event = g_steal_pointer (&itip->event);
	mr->method = itip->method;
	mr->sequence = itip->sequence;
	mr->recurrence_id = itip->recurrence_id;
	/* [MS-ASEMAIL] 2.2.2.43 InstanceType. */
	if (itip->recurrence_id != 0)
		mr->instance_type = 3;
	else
		mr->instance_type = mr->event->recurrence != NULL ? 1 : 0;
	mr->response_requested = itip->method == EAS_ITIP_REQUEST;
	mr->intended_busy_status = intended_busy (itip->vcalendar);
	return mr;
}

const char *
eas_meeting_message_class (const EasItip *itip)
{
	icalcomponent *ev;
	icalproperty *a;
	icalparameter *ps;

	g_return_val_if_fail (itip != NULL, NULL);
	switch (itip->method) {
	case EAS_ITIP_REQUEST:
		return "IPM.Schedule.Meeting.Request";
	case EAS_ITIP_CANCEL:
		return "IPM.Schedule.Meeting.Canceled";
	case EAS_ITIP_REPLY:
		ev = icalcomponent_get_first_component (itip->vcalendar, ICAL_VEVENT_COMPONENT);
		a = ev != NULL ? icalcomponent_get_first_property (ev, ICAL_ATTENDEE_PROPERTY) : NULL;
		ps = a != NULL ? icalproperty_get_first_parameter (a, ICAL_PARTSTAT_PARAMETER) : NULL;
		switch (ps != NULL ? icalparameter_get_partstat (ps) : ICAL_PARTSTAT_NONE) {
		case ICAL_PARTSTAT_ACCEPTED: return "IPM.Schedule.Meeting.Resp.Pos";
		case ICAL_PARTSTAT_TENTATIVE: return "IPM.Schedule.Meeting.Resp.Tent";
		case ICAL_PARTSTAT_DECLINED: return "IPM.Schedule.Meeting.Resp.Neg";
		default: return NULL;
		}
	default:
		return NULL;
	}
}

static void
write_date (EasWbxmlWriter *w, EasTag tag, gint64 t)
{
	g_autofree char *s = NULL;

	if (t == 0)
		return;
	s = eas_email_format_date (t);
	eas_wbxml_writer_text_element (w, tag, s);
}

/* [MS-ASEMAIL] 2.2.2.62 Recurrences: the calendar recurrence in the Email
 * namespace (CalendarType, IsLeapMonth, FirstDayOfWeek in Email2). */
static void
write_recurrence (EasWbxmlWriter *w, const EasRecurrence *r, EasVersion version)
{
	eas_wbxml_writer_start (w, EAS_EMAIL_RECURRENCES);
	eas_wbxml_writer_start (w, EAS_EMAIL_RECURRENCE);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_TYPE, r->type);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_INTERVAL, MAX (r->interval, 1u));
	if (r->until != 0) {
		g_autofree char *until = eas_pim_format_time (r->until, TRUE);

		eas_wbxml_writer_text_element (w, EAS_EMAIL_UNTIL, until);
	}
	if (r->occurrences != 0)
		eas_wbxml_writer_uint_element (w, EAS_EMAIL_OCCURRENCES, r->occurrences);
	if (r->week_of_month != 0)
		eas_wbxml_writer_uint_element (w, EAS_EMAIL_WEEK_OF_MONTH, r->week_of_month);
	if (r->day_of_month != 0)
		eas_wbxml_writer_uint_element (w, EAS_EMAIL_DAY_OF_MONTH, r->day_of_month);
	if (r->day_of_week != 0)
		eas_wbxml_writer_uint_element (w, EAS_EMAIL_DAY_OF_WEEK, r->day_of_week);
	if (r->month_of_year != 0)
		eas_wbxml_writer_uint_element (w, EAS_EMAIL_MONTH_OF_YEAR, r->month_of_year);
	if (version >= 140 && r->calendar_type >= 0)
		eas_wbxml_writer_uint_element (w, EAS_EMAIL2_CALENDAR_TYPE, (guint) r->calendar_type);
	if (version >= 140 && r->is_leap_month >= 0)
		eas_wbxml_writer_uint_element (w, EAS_EMAIL2_IS_LEAP_MONTH, (guint) r->is_leap_month);
	if (version >= 141 && r->first_day_of_week >= 0)
		eas_wbxml_writer_uint_element (w, EAS_EMAIL2_FIRST_DAY_OF_WEEK, (guint) r->first_day_of_week);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
}

static void
write_organizer (EasWbxmlWriter *w, const EasEvent *ev)
{
	g_autofree char *s = NULL;

	if (ev->organizer_email == NULL)
		return;
	if (ev->organizer_name != NULL && ev->organizer_name[0] != '\0')
		s = g_strdup_printf ("\"%s\" <%s>", ev->organizer_name, ev->organizer_email);
	else
		s = g_strdup (ev->organizer_email);
	eas_wbxml_writer_text_element (w, EAS_EMAIL_ORGANIZER, s);
}

static void
write_location (EasWbxmlWriter *w, const EasEvent *ev, EasVersion version)
{
	if (ev->location == NULL)
		return;
	/* [MS-ASEMAIL] 2.2.2.45: 16.0+ carries airsyncbase:Location. */
	if (version >= 160) {
		eas_wbxml_writer_start (w, EAS_AIRSYNCBASE_LOCATION);
		eas_wbxml_writer_text_element (w, EAS_AIRSYNCBASE_DISPLAY_NAME, ev->location);
		eas_wbxml_writer_end (w);
	} else {
		eas_wbxml_writer_text_element (w, EAS_EMAIL_LOCATION, ev->location);
	}
}

static void
write_timezone (EasWbxmlWriter *w, const EasEvent *ev)
{
	EasTimeZone utc;
	g_autofree char *b64 = NULL;

	/* TimeZone is required: UTC when the event has none. */
	memset (&utc, 0, sizeof utc);
	strcpy (utc.standard_name, "UTC");
	b64 = eas_timezone_encode_base64 (ev->has_timezone ? &ev->timezone : &utc);
	eas_wbxml_writer_text_element (w, EAS_EMAIL_TIME_ZONE, b64);
}

/* [MS-ASEMAIL] 2.2.2.47 MeetingMessageType: 1 initial request, 2 full
 * update, 0 otherwise (a cancellation). */
static guint
meeting_message_type (const EasMeetingRequest *mr)
{
	if (mr->method != EAS_ITIP_REQUEST)
		return 0;
	return mr->sequence > 0 ? 2 : 1;
}

void
eas_meeting_request_encode (EasWbxmlWriter *w, const EasMeetingRequest *mr, EasVersion version)
{
	const EasEvent *ev;

	g_return_if_fail (w != NULL && mr != NULL && mr->event != NULL);
	ev = mr->event;
	eas_wbxml_writer_start (w, EAS_EMAIL_MEETING_REQUEST);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_ALL_DAY_EVENT, ev->all_day_event == 1 ? 1 : 0);
	write_date (w, EAS_EMAIL_START_TIME, ev->start_time);
	write_date (w, EAS_EMAIL_DT_STAMP, ev->dt_stamp);
	write_date (w, EAS_EMAIL_END_TIME, ev->end_time);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_INSTANCE_TYPE, mr->instance_type);
	write_location (w, ev, version);
	write_organizer (w, ev);
	if (mr->instance_type >= 2)
		write_date (w, EAS_EMAIL_RECURRENCE_ID, mr->recurrence_id);
	/* [MS-ASEMAIL] 2.2.2.64: Reminder here is in seconds. */
	if (ev->reminder >= 0)
		eas_wbxml_writer_uint_element (w, EAS_EMAIL_REMINDER, (guint64) ev->reminder * 60);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_RESPONSE_REQUESTED, mr->response_requested ? 1 : 0);
	if (ev->recurrence != NULL && mr->instance_type == 1)
		write_recurrence (w, ev->recurrence, version);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_SENSITIVITY, (guint) MAX (ev->sensitivity, 0));
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_BUSY_STATUS,
	                               (guint) (mr->intended_busy_status >= 0 ? mr->intended_busy_status : 2));
	write_timezone (w, ev);
	if (version < 160) {
		g_autoptr (GBytes) goid = eas_meeting_global_obj_id_from_uid (ev->uid);

		if (goid != NULL) {
			g_autofree char *b64 = g_base64_encode (g_bytes_get_data (goid, NULL), g_bytes_get_size (goid));

			eas_wbxml_writer_text_element (w, EAS_EMAIL_GLOBAL_OBJ_ID, b64);
		}
	}
	if (version >= 140 && ev->disallow_new_time_proposal >= 0)
		eas_wbxml_writer_uint_element (w, EAS_EMAIL_DISALLOW_NEW_TIME_PROPOSAL,
		                               ev->disallow_new_time_proposal ? 1 : 0);
	if (version >= 141)
		eas_wbxml_writer_uint_element (w, EAS_EMAIL2_MEETING_MESSAGE_TYPE, meeting_message_type (mr));
	/* [MS-ASEMAIL] 2.2.2.37: 16.0+ sends calendar:UID instead of GlobalObjId. */
	if (version >= 160 && ev->uid != NULL)
		eas_wbxml_writer_text_element (w, EAS_CALENDAR_UID, ev->uid);
	eas_wbxml_writer_end (w);
}

/* ---- MeetingResponse ----------------------------------------------------------- */

void
eas_meeting_response_request_free (EasMeetingResponseRequest *r)
{
	if (r == NULL)
		return;
	g_free (r->collection_id);
	g_free (r->request_id);
	g_free (r->long_id);
	g_free (r->instance_id);
	g_free (r->body);
	g_free (r);
}

void
eas_meeting_response_result_free (EasMeetingResponseResult *r)
{
	if (r == NULL)
		return;
	g_free (r->request_id);
	g_free (r->calendar_id);
	g_free (r);
}

/* An id child: NULL when absent; an over-long one makes the request invalid. */
static char *
take_id (const EasNode *n, EasTag tag, gboolean *valid)
{
	const char *t = eas_node_child_text (n, tag);

	if (t == NULL)
		return NULL;
	if (strlen (t) > EAS_MEETING_MAX_ID_BYTES || t[0] == '\0') {
		*valid = FALSE;
		return NULL;
	}
	return g_strdup (t);
}

static void
decode_send_response (EasMeetingResponseRequest *r, const EasNode *n)
{
	const EasNode *sr = eas_node_child (n, EAS_MEETINGRESPONSE_SEND_RESPONSE);
	const EasNode *where = sr != NULL ? sr : n;
	const char *start = eas_node_child_text (where, EAS_MEETINGRESPONSE_PROPOSED_START_TIME);
	const char *end = eas_node_child_text (where, EAS_MEETINGRESPONSE_PROPOSED_END_TIME);
	const EasNode *data = sr != NULL ? eas_node_path (sr, EAS_AIRSYNCBASE_BODY, EAS_AIRSYNCBASE_DATA, 0) : NULL;
	const char *body = data != NULL ? data->text : NULL;

	r->send_response = sr != NULL;
	if (body != NULL && strlen (body) <= EAS_PIM_MAX_BODY_BYTES)
		r->body = g_strdup (body);
	if (start != NULL && end != NULL &&
	    (!eas_pim_parse_time (start, &r->proposed_start) || !eas_pim_parse_time (end, &r->proposed_end) ||
	     r->proposed_end < r->proposed_start))
		r->valid = FALSE;
}

static EasMeetingResponseRequest *
decode_one (const EasNode *n, EasVersion version)
{
	EasMeetingResponseRequest *r = g_new0 (EasMeetingResponseRequest, 1);
	guint64 ur = 0;
	const char *text = eas_node_child_text (n, EAS_MEETINGRESPONSE_USER_RESPONSE);

	r->valid = TRUE;
	if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, 3, &ur, NULL))
		r->valid = FALSE;
	r->user_response = (guint) ur;
	r->collection_id = take_id (n, EAS_MEETINGRESPONSE_COLLECTION_ID, &r->valid);
	r->request_id = take_id (n, EAS_MEETINGRESPONSE_REQUEST_ID, &r->valid);
	r->long_id = take_id (n, EAS_SEARCH_LONG_ID, &r->valid);
	if (r->request_id == NULL && r->long_id == NULL)
		r->valid = FALSE;
	if ((text = eas_node_child_text (n, EAS_MEETINGRESPONSE_INSTANCE_ID)) != NULL) {
		r->instance_id = g_strndup (text, EAS_MEETING_MAX_ID_BYTES);
		/* [MS-ASCMD] 2.2.3.92.1: 14.1+. */
		if (version < 141 || !eas_pim_parse_time (text, &r->instance_time))
			r->valid = FALSE;
	}
	if (version >= 160)
		decode_send_response (r, n);
	return r;
}

GPtrArray *
eas_meeting_response_decode (const guint8 *data, gsize len, EasVersion version, GError **error)
{
	g_autoptr (EasNode) root = NULL;
	g_autoptr (GPtrArray) out = NULL;

	g_return_val_if_fail (data != NULL || len == 0, NULL);
	root = eas_wbxml_parse (data, len, NULL, error);
	if (root == NULL)
		return NULL;
	if (root->tag != EAS_MEETINGRESPONSE_MEETING_RESPONSE) {
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_INVALID, "root is not MeetingResponse");
		return NULL;
	}
	out = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_meeting_response_request_free);
	for (const EasNode *n = root->first_child; n != NULL; n = n->next) {
		if (n->tag != EAS_MEETINGRESPONSE_REQUEST) {
			g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_INVALID,
			             "element %u: not a Request", out->len);
			return NULL;
		}
		if (out->len >= EAS_MEETING_MAX_REQUESTS) {
			g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_LIMIT,
			             "more than %u Request elements", EAS_MEETING_MAX_REQUESTS);
			return NULL;
		}
		g_ptr_array_add (out, decode_one (n, version));
	}
	if (out->len == 0) {
		g_set_error (error, EAS_MEETING_ERROR, EAS_MEETING_ERROR_INVALID, "no Request");
		return NULL;
	}
	return g_steal_pointer (&out);
}

GBytes *
eas_meeting_response_encode (GPtrArray *results)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	g_return_val_if_fail (results != NULL, NULL);
	eas_wbxml_writer_start (w, EAS_MEETINGRESPONSE_MEETING_RESPONSE);
	for (guint i = 0; i < results->len; i++) {
		const EasMeetingResponseResult *r = g_ptr_array_index (results, i);

		eas_wbxml_writer_start (w, EAS_MEETINGRESPONSE_RESULT);
		if (r->request_id != NULL)
			eas_wbxml_writer_text_element (w, EAS_MEETINGRESPONSE_REQUEST_ID, r->request_id);
		eas_wbxml_writer_uint_element (w, EAS_MEETINGRESPONSE_STATUS, r->status);
		if (r->calendar_id != NULL)
			eas_wbxml_writer_text_element (w, EAS_MEETINGRESPONSE_CALENDAR_ID, r->calendar_id);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}
