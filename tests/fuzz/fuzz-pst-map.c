/* Fuzz target: our mapping of libpst items (pst/pststore-map.c) — the
 * structures libpst hands over from a hostile file: any bytes in strings
 * (UTF-8 or in a code page), any times, any recurrence values. */
#include "config.h"

#include <glib.h>
#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pst/pststore-map.h"

typedef struct {
	const uint8_t *data;
	size_t size;
	size_t off;
} Input;

static guint8
take_byte (Input *in)
{
	return in->off < in->size ? in->data[in->off++] : 0;
}

static guint32
take_u32 (Input *in)
{
	guint32 v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | take_byte (in);
	return v;
}

/* A string of up to 255 bytes, NUL-terminated (libpst's are C strings).
 * Freed through @strings afterwards: pst_convert_utf8() replaces s->str. */
static void
take_string (Input *in, GPtrArray *strings, pst_string *s, gboolean utf8)
{
	gsize n = take_byte (in);

	g_assert (in->off <= in->size);
	if (n > in->size - in->off)
		n = in->size - in->off;
	s->str = g_strndup ((const char *) in->data + in->off, n);
	s->is_utf8 = utf8;
	in->off += n;
	g_ptr_array_add (strings, s);
}

static void
free_strings (GPtrArray *strings)
{
	for (guint i = 0; i < strings->len; i++) {
		pst_string *s = g_ptr_array_index (strings, i);
		free (s->str);
		s->str = NULL;
	}
	g_ptr_array_unref (strings);
}

static FILETIME *
take_time (Input *in, GPtrArray *keep)
{
	FILETIME *ft;

	if (take_byte (in) % 2 == 0)
		return NULL;
	ft = g_new (FILETIME, 1);
	ft->dwHighDateTime = take_u32 (in);
	ft->dwLowDateTime = take_u32 (in);
	g_ptr_array_add (keep, ft);
	return ft;
}

static void
check_item (const PststoreItem *it)
{
	g_assert_nonnull (it->message_class);
	g_assert_true (it->subject == NULL || g_utf8_validate (it->subject, -1, NULL));
	g_assert_true (it->body == NULL || g_utf8_validate (it->body, -1, NULL));
	g_assert_true (it->data == NULL || g_utf8_validate (it->data, -1, NULL));
	if (it->kind == PSTSTORE_KIND_CONTACT && it->data != NULL) {
		g_assert_true (g_str_has_prefix (it->data, "BEGIN:VCARD\r\n"));
		g_assert_true (g_str_has_suffix (it->data, "END:VCARD\r\n"));
	}
	if (it->kind == PSTSTORE_KIND_APPOINTMENT) {
		icalcomponent *c = icalcomponent_new_from_string (it->data);
		g_assert_nonnull (c);
		g_assert_nonnull (icalcomponent_get_first_component (c, ICAL_VEVENT_COMPONENT));
		icalcomponent_free (c);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static const int types[] = { PST_TYPE_NOTE, PST_TYPE_APPOINTMENT, PST_TYPE_CONTACT, PST_TYPE_STICKYNOTE,
				     PST_TYPE_TASK, PST_TYPE_OTHER, PST_TYPE_REPORT, 0 };
	static const int codepages[] = { 0, 1252, 1251, 932, 65001 };
	Input in = { data, size, 0 };
	g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
	GPtrArray *strings = g_ptr_array_new ();
	pst_item item = { 0 };
	pst_item_contact contact = { 0 };
	pst_item_appointment appt = { 0 };
	pst_item_email email = { 0 };
	pst_string cls = { 0 };
	guint8 flags = take_byte (&in);
	gboolean utf8 = (flags & 1) != 0;

	item.type = types[take_byte (&in) % G_N_ELEMENTS (types)];
	item.message_codepage = codepages[take_byte (&in) % G_N_ELEMENTS (codepages)];
	take_string (&in, strings, &cls, TRUE);
	item.ascii_type = (flags & 2) ? cls.str : NULL;	/* never converted */
	take_string (&in, strings, &item.subject, utf8);
	take_string (&in, strings, &item.body, utf8);
	take_string (&in, strings, &item.file_as, utf8);
	item.create_date = take_time (&in, keep);
	item.modify_date = take_time (&in, keep);
	if (flags & 4) {
		item.email = &email;
		email.importance = (int32_t) take_u32 (&in);
		email.sensitivity = (int32_t) take_u32 (&in);
		take_string (&in, strings, &email.htmlbody, utf8);
	}
	if (flags & 8) {
		item.contact = &contact;
		take_string (&in, strings, &contact.fullname, utf8);
		take_string (&in, strings, &contact.surname, utf8);
		take_string (&in, strings, &contact.address1, utf8);
		take_string (&in, strings, &contact.business_city, utf8);
		contact.birthday = take_time (&in, keep);
	}
	if (flags & 16) {
		item.appointment = &appt;
		appt.start = take_time (&in, keep);
		appt.end = take_time (&in, keep);
		appt.all_day = take_byte (&in) & 1;
		appt.alarm = take_byte (&in) & 1;
		appt.alarm_minutes = (int32_t) take_u32 (&in);
		appt.reminder = take_time (&in, keep);
		take_string (&in, strings, &appt.location, utf8);
	}
	g_autoptr (PststoreItem) it = pststore_map_item (&item, "fuzz-uid");
	check_item (it);
	free_strings (strings);

	pst_recurrence r = { 0 };
	r.type = take_byte (&in) % 6;
	r.termination = take_byte (&in) % 4;
	r.interval = take_u32 (&in);
	r.count = take_u32 (&in);
	r.bydaymask = take_u32 (&in);
	r.dayofmonth = take_u32 (&in);
	r.monthofyear = take_u32 (&in);
	r.position = take_u32 (&in);
	gint64 until = (gint64) take_u32 (&in) * 60 - G_GINT64_CONSTANT (11644473600);
	g_autofree char *rrule = pststore_map_rrule (&r, until);
	if (rrule != NULL) {
		struct icalrecurrencetype parsed = icalrecurrencetype_from_string (rrule);
		g_assert_cmpint (parsed.freq, !=, ICAL_NO_RECURRENCE);
	}
	return 0;
}
