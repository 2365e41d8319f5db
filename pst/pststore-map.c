/* pststore-map.c — libpst items to store items.  See pststore-map.h. */
#include "config.h"

#include "pst/pststore-map.h"

#include <libical/ical.h>
#include <string.h>

/* Seconds between 1601-01-01 and 1970-01-01. */
#define FILETIME_UNIX_OFFSET G_GINT64_CONSTANT (11644473600)
/* [MS-OXOTASK] 2.2.2.2: 4501-01-01 stands for "none" in task dates. */
#define FILETIME_NONE G_GUINT64_CONSTANT (0x0CB34557A3DD4000)

gint64
pststore_map_filetime_u64 (guint64 ticks)
{
	if (ticks == 0 || ticks >= FILETIME_NONE)
		return PSTSTORE_TIME_UNSET;
	return (gint64) (ticks / 10000000) - FILETIME_UNIX_OFFSET;
}

gint64
pststore_map_filetime (const FILETIME *ft)
{
	if (ft == NULL)
		return PSTSTORE_TIME_UNSET;
	return pststore_map_filetime_u64 (((guint64) ft->dwHighDateTime << 32) | ft->dwLowDateTime);
}

/* A new UTF-8 copy of a libpst string, or NULL when empty.  Converts the
 * string in place first (its code page comes from the item). */
static char *
dup_utf8 (pst_item *item, pst_string *s)
{
	if (s == NULL || s->str == NULL || s->str[0] == '\0')
		return NULL;
	if (!s->is_utf8)
		pst_convert_utf8 (item, s);
	if (s->str == NULL || s->str[0] == '\0')
		return NULL;
	return g_utf8_make_valid (s->str, -1);
}

const char *
pststore_map_class (const pst_item *item)
{
	if (item->ascii_type != NULL && item->ascii_type[0] != '\0' &&
	    g_utf8_validate (item->ascii_type, -1, NULL))
		return item->ascii_type;
	switch (item->type) {
	case PST_TYPE_NOTE: return "IPM.Note";
	case PST_TYPE_SCHEDULE: return "IPM.Schedule.Meeting.Request";
	case PST_TYPE_APPOINTMENT: return "IPM.Appointment";
	case PST_TYPE_CONTACT: return "IPM.Contact";
	case PST_TYPE_JOURNAL: return "IPM.Activity";
	case PST_TYPE_STICKYNOTE: return "IPM.StickyNote";
	case PST_TYPE_TASK: return "IPM.Task";
	case PST_TYPE_REPORT: return "REPORT.IPM.Note";
	default: return "IPM";
	}
}

/* ---- Recurrence -------------------------------------------------------------- */

char *
pststore_map_rrule (const pst_recurrence *r, gint64 until)
{
	static const char *const freq[] = { "DAILY", "WEEKLY", "MONTHLY", "YEARLY" };
	static const char *const days[] = { "SU", "MO", "TU", "WE", "TH", "FR", "SA" };
	g_autoptr (GString) s = NULL;

	if (r == NULL || r->type >= G_N_ELEMENTS (freq))
		return NULL;
	s = g_string_new ("FREQ=");
	g_string_append (s, freq[r->type]);
	if (r->interval > 1 && r->interval < 1000)
		g_string_append_printf (s, ";INTERVAL=%u", r->interval);
	/* [MS-OXOCAL] 2.2.1.44.1: EndType 0x2022 (here 1) ends after a count,
	 * 0x2021 (0) on a date, anything else never. */
	if (r->termination == 1 && r->count > 0 && r->count < 100000)
		g_string_append_printf (s, ";COUNT=%u", r->count);
	else if (r->termination == 0 && until != PSTSTORE_TIME_UNSET) {
		g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (until);
		if (dt != NULL) {
			g_autofree char *u = g_date_time_format (dt, "%Y%m%dT%H%M%SZ");
			g_string_append_printf (s, ";UNTIL=%s", u);
		}
	}
	if (r->bydaymask & 0x7f) {
		gboolean first = TRUE;
		g_string_append (s, ";BYDAY=");
		for (guint d = 0; d < 7; d++) {
			if (r->bydaymask & (1u << d)) {
				g_string_append_printf (s, "%s%s", first ? "" : ",", days[d]);
				first = FALSE;
			}
		}
	}
	if (r->dayofmonth >= 1 && r->dayofmonth <= 31)
		g_string_append_printf (s, ";BYMONTHDAY=%u", r->dayofmonth);
	if (r->monthofyear >= 1 && r->monthofyear <= 12)
		g_string_append_printf (s, ";BYMONTH=%u", r->monthofyear);
	if (r->position >= 1 && r->position <= 4)
		g_string_append_printf (s, ";BYSETPOS=%u", r->position);
	else if (r->position == 5)
		g_string_append (s, ";BYSETPOS=-1");	/* "last" */
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
item_rrule (pst_item_appointment *appt)
{
	pst_recurrence *r;
	char *rrule;

	if (appt == NULL || appt->recurrence_data.data == NULL || appt->recurrence_data.size < 4)
		return NULL;
	r = pst_convert_recurrence (appt);
	if (r == NULL)
		return NULL;
	rrule = pststore_map_rrule (r, pststore_map_filetime (appt->recurrence_end));
	pst_free_recurrence (r);
	return rrule;
}

static guint32
le32 (const guint8 *p)
{
	return p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* [MS-OXOCAL] 2.2.1.44.1: bytes of PatternTypeSpecific per PatternType. */
static gboolean
pattern_specific_size (guint pattern_type, gsize *out)
{
	switch (pattern_type) {
	case 0x0000: *out = 0; return TRUE;			/* Day */
	case 0x0001: case 0x0002: case 0x0004:			/* Week, Month, MonthEnd */
	case 0x000A: case 0x000C: *out = 4; return TRUE;	/* HjMonth, HjMonthEnd */
	case 0x0003: case 0x000B: *out = 8; return TRUE;	/* MonthNth, HjMonthNth */
	default: return FALSE;
	}
}

gint64
pststore_map_recurrence_end (const guint8 *data, gsize len)
{
	/* Fixed part: versions, frequency, pattern type, calendar type (5 × u16),
	 * FirstDateTime, Period, SlidingFlag (3 × u32). */
	gsize off = 22, spec;
	guint32 end_type, n;

	if (data == NULL || len < off || !pattern_specific_size (data[6] | data[7] << 8, &spec))
		return PSTSTORE_TIME_UNSET;
	g_assert (off <= len);
	if (spec + 12 > len - off)	/* specific, EndType, OccurrenceCount, FirstDOW */
		return PSTSTORE_TIME_UNSET;
	off += spec;
	end_type = le32 (data + off);
	off += 12;
	/* Deleted and modified instance date lists, each a count and u32s. */
	for (int list = 0; list < 2; list++) {
		if (4 > len - off)
			return PSTSTORE_TIME_UNSET;
		n = le32 (data + off);
		off += 4;
		if (n > (len - off) / 4)
			return PSTSTORE_TIME_UNSET;
		off += (gsize) n * 4;
	}
	if (8 > len - off || end_type != 0x2021)	/* StartDate, EndDate; END_AFTER_DATE */
		return PSTSTORE_TIME_UNSET;
	n = le32 (data + off + 4);	/* minutes since 1601-01-01 */
	if (n == 0 || n >= 0x5AE980DF)	/* 0x5AE980DF: "no end date" */
		return PSTSTORE_TIME_UNSET;
	return (gint64) n * 60 - FILETIME_UNIX_OFFSET;
}

char *
pststore_map_rrule_blob (const guint8 *data, gsize len, gint64 until)
{
	pst_item_appointment appt = { 0 };
	g_autofree char *copy = NULL;
	pst_recurrence *r;
	char *rrule;

	if (data == NULL || len < 4)
		return NULL;
	copy = g_memdup2 (data, len);
	appt.recurrence_data.data = copy;
	appt.recurrence_data.size = len;
	r = pst_convert_recurrence (&appt);
	if (r == NULL)
		return NULL;
	rrule = pststore_map_rrule (r, until);
	pst_free_recurrence (r);
	return rrule;
}

/* ---- vCard ----------------------------------------------------------------------- */

/* RFC 2426 3.4 / RFC 6350 3.4: escape \ , ; and line breaks in values. */
static void
vcard_escape (GString *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': g_string_append (out, "\\\\"); break;
		case ',': g_string_append (out, "\\,"); break;
		case ';': g_string_append (out, "\\;"); break;
		case '\n': g_string_append (out, "\\n"); break;
		case '\r': break;
		default: g_string_append_c (out, *s); break;
		}
	}
}

static void
vcard_prop (GString *out, const char *name, pst_item *item, pst_string *value)
{
	g_autofree char *v = dup_utf8 (item, value);

	if (v == NULL)
		return;
	g_string_append_printf (out, "%s:", name);
	vcard_escape (out, v);
	g_string_append (out, "\r\n");
}

/* A structured property: @n values joined by ';', omitted when all empty. */
static void
vcard_struct (GString *out, const char *name, pst_item *item, pst_string **values, guint n)
{
	g_autoptr (GString) line = g_string_new (NULL);
	gboolean any = FALSE;

	for (guint i = 0; i < n; i++) {
		g_autofree char *v = values[i] ? dup_utf8 (item, values[i]) : NULL;

		if (i > 0)
			g_string_append_c (line, ';');
		if (v != NULL) {
			vcard_escape (line, v);
			any = TRUE;
		}
	}
	if (any)
		g_string_append_printf (out, "%s:%s\r\n", name, line->str);
}

static char *
map_vcard (pst_item *item, const char *uid)
{
	pst_item_contact *c = item->contact;
	g_autoptr (GString) v = g_string_new ("BEGIN:VCARD\r\nVERSION:3.0\r\n");
	g_autofree char *fn = NULL;

	fn = dup_utf8 (item, &c->fullname);
	if (fn == NULL)
		fn = dup_utf8 (item, &item->file_as);
	if (fn == NULL)
		fn = dup_utf8 (item, &item->subject);
	g_string_append (v, "FN:");
	vcard_escape (v, fn ? fn : "");
	g_string_append (v, "\r\n");
	{
		pst_string *n[] = { &c->surname, &c->first_name, &c->middle_name, &c->display_name_prefix,
				    &c->suffix };
		pst_string *org[] = { &c->company_name, &c->department };
		pst_string *work[] = { &c->business_po_box, NULL, &c->business_street, &c->business_city,
				       &c->business_state, &c->business_postal_code, &c->business_country };
		pst_string *home[] = { &c->home_po_box, NULL, &c->home_street, &c->home_city, &c->home_state,
				       &c->home_postal_code, &c->home_country };
		/* RFC 2426 3.1.2: N is required in 3.0, even when empty. */
		gsize before = v->len;
		vcard_struct (v, "N", item, n, G_N_ELEMENTS (n));
		if (v->len == before)
			g_string_append (v, "N:;;;;\r\n");
		vcard_struct (v, "ORG", item, org, G_N_ELEMENTS (org));
		vcard_struct (v, "ADR;TYPE=WORK", item, work, G_N_ELEMENTS (work));
		vcard_struct (v, "ADR;TYPE=HOME", item, home, G_N_ELEMENTS (home));
	}
	vcard_prop (v, "NICKNAME", item, &c->nickname);
	vcard_prop (v, "TITLE", item, &c->job_title);
	vcard_prop (v, "EMAIL;TYPE=INTERNET", item, &c->address1);
	vcard_prop (v, "EMAIL;TYPE=INTERNET", item, &c->address2);
	vcard_prop (v, "EMAIL;TYPE=INTERNET", item, &c->address3);
	vcard_prop (v, "TEL;TYPE=WORK,VOICE", item, &c->business_phone);
	vcard_prop (v, "TEL;TYPE=HOME,VOICE", item, &c->home_phone);
	vcard_prop (v, "TEL;TYPE=CELL", item, &c->mobile_phone);
	vcard_prop (v, "TEL;TYPE=WORK,FAX", item, &c->business_fax);
	vcard_prop (v, "TEL;TYPE=HOME,FAX", item, &c->home_fax);
	vcard_prop (v, "TEL;TYPE=PAGER", item, &c->pager_phone);
	vcard_prop (v, "URL", item, &c->business_homepage);
	if (c->birthday != NULL) {
		gint64 t = pststore_map_filetime (c->birthday);
		g_autoptr (GDateTime) dt = t != PSTSTORE_TIME_UNSET ? g_date_time_new_from_unix_utc (t) : NULL;
		if (dt != NULL) {
			g_autofree char *d = g_date_time_format (dt, "%Y-%m-%d");
			g_string_append_printf (v, "BDAY:%s\r\n", d);
		}
	}
	vcard_prop (v, "NOTE", item, &item->body);
	g_string_append (v, "UID:");
	vcard_escape (v, uid);
	g_string_append (v, "\r\nEND:VCARD\r\n");
	return g_string_free (g_steal_pointer (&v), FALSE);
}

/* ---- iCalendar -------------------------------------------------------------------- */

static void
ical_time (icalcomponent *ev, gboolean start, gint64 t, gboolean all_day)
{
	struct icaltimetype it;

	if (t == PSTSTORE_TIME_UNSET)
		return;
	it = icaltime_from_timet_with_zone ((time_t) t, all_day, icaltimezone_get_utc_timezone ());
	icalcomponent_add_property (ev, start ? icalproperty_new_dtstart (it) : icalproperty_new_dtend (it));
}

static void
ical_text (icalcomponent *ev, icalproperty *(*ctor) (const char *), pst_item *item, pst_string *s)
{
	g_autofree char *v = dup_utf8 (item, s);

	if (v != NULL)
		icalcomponent_add_property (ev, ctor (v));
}

static char *
map_ical (pst_item *item, const char *uid, const char *rrule)
{
	pst_item_appointment *a = item->appointment;
	icalcomponent *cal = icalcomponent_new_vcalendar ();
	icalcomponent *ev = icalcomponent_new_vevent ();
	char *out;

	icalcomponent_add_property (cal, icalproperty_new_version ("2.0"));
	icalcomponent_add_property (cal, icalproperty_new_prodid ("-//Airdock//pst import//EN"));
	icalcomponent_add_property (ev, icalproperty_new_uid (uid));
	ical_text (ev, icalproperty_new_summary, item, &item->subject);
	ical_text (ev, icalproperty_new_description, item, &item->body);
	if (a != NULL) {
		ical_time (ev, TRUE, pststore_map_filetime (a->start), a->all_day != 0);
		ical_time (ev, FALSE, pststore_map_filetime (a->end), a->all_day != 0);
		ical_text (ev, icalproperty_new_location, item, &a->location);
		if (rrule != NULL) {
			struct icalrecurrencetype r = icalrecurrencetype_from_string (rrule);
			if (r.freq != ICAL_NO_RECURRENCE)
				icalcomponent_add_property (ev, icalproperty_new_rrule (r));
		}
		if (a->alarm && a->alarm_minutes >= 0 && a->alarm_minutes < 60 * 24 * 365) {
			icalcomponent *al = icalcomponent_new_valarm ();
			struct icaltriggertype tr = icaltriggertype_from_int (-60 * a->alarm_minutes);
			icalcomponent_add_property (al, icalproperty_new_action (ICAL_ACTION_DISPLAY));
			icalcomponent_add_property (al, icalproperty_new_trigger (tr));
			icalcomponent_add_property (al, icalproperty_new_description ("Reminder"));
			icalcomponent_add_component (ev, al);
		}
	}
	icalcomponent_add_component (cal, ev);
	out = icalcomponent_as_ical_string_r (cal);
	icalcomponent_free (cal);
	return out;
}

/* ---- Items ------------------------------------------------------------------------- */

static void
map_common (pst_item *item, PststoreItem *it)
{
	it->subject = dup_utf8 (item, &item->subject);
	it->body = dup_utf8 (item, &item->body);
	it->created = pststore_map_filetime (item->create_date);
	it->modified = pststore_map_filetime (item->modify_date);
	if (item->email != NULL) {
		/* libpst leaves 0 both for "low" and for "not set" (most notes
		 * and tasks): only "high" is certain here; the reader fills in
		 * "low" from libpff, which knows whether PR_IMPORTANCE exists. */
		if (item->email->importance == 2)
			it->importance = 2;
		it->sensitivity = CLAMP (item->email->sensitivity, 0, 3);
	}
	if (item->appointment != NULL && item->appointment->alarm)
		it->reminder = pststore_map_filetime (item->appointment->reminder);
}

PststoreItem *
pststore_map_item (pst_item *item, const char *uid)
{
	PststoreItem *it = pststore_item_new (pststore_map_class (item));

	map_common (item, it);
	switch (it->kind) {
	case PSTSTORE_KIND_MAIL:
		/* Keep an HTML-only body: data holds the HTML part of mail. */
		if (item->email != NULL)
			it->data = dup_utf8 (item, &item->email->htmlbody);
		break;
	case PSTSTORE_KIND_CONTACT:
		if (item->contact != NULL)
			it->data = map_vcard (item, uid);
		break;
	case PSTSTORE_KIND_APPOINTMENT:
		it->recurrence = item_rrule (item->appointment);
		it->data = map_ical (item, uid, it->recurrence);
		break;
	case PSTSTORE_KIND_TASK:
		it->recurrence = item_rrule (item->appointment);
		break;
	default:
		break;
	}
	return it;
}
