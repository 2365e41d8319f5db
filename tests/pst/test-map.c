/* Tests for pst/pststore-map.c with in-memory libpst structures: what no
 * public PST file holds (recurring tasks, all-day events with alarms, ANSI
 * strings, odd classes) is built here by hand. */
#include "config.h"

#include <glib.h>
#include <libical/ical.h>
#include <string.h>

#include "pst/pststore-map.h"

#define FT_UNIX_EPOCH G_GUINT64_CONSTANT (116444736000000000)

static FILETIME
ft_from_unix (gint64 t)
{
	guint64 v = FT_UNIX_EPOCH + (guint64) t * 10000000;
	FILETIME ft = { (uint32_t) v, (uint32_t) (v >> 32) };

	return ft;
}

static void
set_str (pst_string *s, const char *v)
{
	s->str = (char *) v;
	s->is_utf8 = 1;
}

static void
test_filetime (void)
{
	FILETIME epoch = ft_from_unix (0);
	FILETIME zero = { 0, 0 };

	g_assert_cmpint (pststore_map_filetime (NULL), ==, PSTSTORE_TIME_UNSET);
	g_assert_cmpint (pststore_map_filetime (&zero), ==, PSTSTORE_TIME_UNSET);
	g_assert_cmpint (pststore_map_filetime (&epoch), ==, 0);
	g_assert_cmpint (pststore_map_filetime_u64 (1), ==, -G_GINT64_CONSTANT (11644473600));
	/* [MS-OXOTASK]: 4501-01-01 means "no date"; the tick before is a date. */
	g_assert_cmpint (pststore_map_filetime_u64 (G_GUINT64_CONSTANT (0x0CB34557A3DD4000)), ==,
			 PSTSTORE_TIME_UNSET);
	g_assert_cmpint (pststore_map_filetime_u64 (G_GUINT64_CONSTANT (0x0CB34557A3DD4000) - 10000000), !=,
			 PSTSTORE_TIME_UNSET);
	FILETIME y2k = ft_from_unix (946684800);
	g_assert_cmpint (pststore_map_filetime (&y2k), ==, 946684800);
}

static void
check_rrule (const pst_recurrence *r, gint64 until, const char *expect)
{
	g_autofree char *rrule = pststore_map_rrule (r, until);

	g_assert_cmpstr (rrule, ==, expect);
	if (expect != NULL) {
		/* libical accepts what we write. */
		struct icalrecurrencetype parsed = icalrecurrencetype_from_string (rrule);
		g_assert_cmpint (parsed.freq, !=, ICAL_NO_RECURRENCE);
	}
}

static void
test_rrule (void)
{
	pst_recurrence daily = { .type = 0, .interval = 2, .termination = 1, .count = 10 };
	pst_recurrence weekly = { .type = 1, .interval = 1, .termination = 2, .bydaymask = 0x2a };
	pst_recurrence monthly = { .type = 2, .interval = 3, .termination = 2, .dayofmonth = 15 };
	pst_recurrence last_friday = { .type = 2, .interval = 1, .termination = 2, .bydaymask = 0x20, .position = 5 };
	pst_recurrence yearly = { .type = 3, .interval = 1, .termination = 0, .dayofmonth = 29, .monthofyear = 2 };
	pst_recurrence bogus = { .type = 4 };

	check_rrule (&daily, PSTSTORE_TIME_UNSET, "FREQ=DAILY;INTERVAL=2;COUNT=10");
	check_rrule (&weekly, PSTSTORE_TIME_UNSET, "FREQ=WEEKLY;BYDAY=MO,WE,FR");
	check_rrule (&monthly, PSTSTORE_TIME_UNSET, "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15");
	check_rrule (&last_friday, PSTSTORE_TIME_UNSET, "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1");
	check_rrule (&yearly, 1767139200, "FREQ=YEARLY;UNTIL=20251231T000000Z;BYMONTHDAY=29;BYMONTH=2");
	check_rrule (&bogus, PSTSTORE_TIME_UNSET, NULL);
	check_rrule (NULL, PSTSTORE_TIME_UNSET, NULL);
}

/* A [MS-OXOCAL] 2.2.1.44.1 RecurrencePattern as PidLidTaskRecurrence
 * carries it (no public PST has a recurring task): weekly every two weeks
 * on Monday and Wednesday, with @end_type and @end_minutes. */
static GByteArray *
weekly_blob (guint32 end_type, guint32 count, guint32 deleted, guint32 end_minutes)
{
	GByteArray *blob = g_byte_array_new ();
	const guint16 head[] = { 0x3004, 0x3004, 0x200b, 0x0001, 0 };	/* versions, weekly, week, Gregorian */
	g_autoptr (GArray) fields = g_array_new (FALSE, FALSE, sizeof (guint32));
	const guint32 fixed[] = { 0, 2, 0, 0x0a, end_type, count, 0, deleted };

	g_array_append_vals (fields, fixed, G_N_ELEMENTS (fixed));
	for (guint32 i = 0; i < deleted; i++) {
		guint32 d = 0x0CB00000 + i;
		g_array_append_val (fields, d);
	}
	const guint32 tail[] = { 0, 0x0CB00000, end_minutes };	/* ModifiedInstanceCount, StartDate, EndDate */
	g_array_append_vals (fields, tail, G_N_ELEMENTS (tail));
	for (gsize i = 0; i < G_N_ELEMENTS (head); i++) {
		guint8 b[2] = { head[i] & 0xff, head[i] >> 8 };
		g_byte_array_append (blob, b, 2);
	}
	for (guint i = 0; i < fields->len; i++) {
		guint32 v = g_array_index (fields, guint32, i);
		guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
		g_byte_array_append (blob, b, 4);
	}
	return blob;
}

static void
test_rrule_blob (void)
{
	g_autoptr (GByteArray) count = weekly_blob (0x2022, 10, 0, 0x5AE980DF);
	g_autofree char *rrule = pststore_map_rrule_blob (count->data, count->len,
							  pststore_map_recurrence_end (count->data, count->len));
	g_assert_cmpstr (rrule, ==, "FREQ=WEEKLY;INTERVAL=2;COUNT=10;BYDAY=MO,WE");
	/* Too short to be a pattern. */
	g_assert_null (pststore_map_rrule_blob (count->data, 3, PSTSTORE_TIME_UNSET));

	/* Ended by a date: 2024-01-01 00:00 UTC in minutes since 1601, past
	 * two deleted instances. */
	guint32 minutes = (guint32) ((G_GINT64_CONSTANT (1704067200) + G_GINT64_CONSTANT (11644473600)) / 60);
	g_autoptr (GByteArray) dated = weekly_blob (0x2021, 10, 2, minutes);
	g_assert_cmpint (pststore_map_recurrence_end (dated->data, dated->len), ==, 1704067200);
	g_autofree char *until = pststore_map_rrule_blob (dated->data, dated->len,
							  pststore_map_recurrence_end (dated->data, dated->len));
	g_assert_cmpstr (until, ==, "FREQ=WEEKLY;INTERVAL=2;UNTIL=20240101T000000Z;BYDAY=MO,WE");
	/* Every truncation of it has no end date, and reads nothing past its end. */
	for (gsize n = 0; n < dated->len; n++) {
		g_autofree guint8 *cut = g_memdup2 (dated->data, n);
		g_assert_cmpint (pststore_map_recurrence_end (cut, n), ==, PSTSTORE_TIME_UNSET);
	}
	/* A deleted-instance count larger than the blob. */
	g_autoptr (GByteArray) lying = weekly_blob (0x2021, 10, 0, minutes);
	lying->data[22 + 4 + 12] = 0xff;
	g_assert_cmpint (pststore_map_recurrence_end (lying->data, lying->len), ==, PSTSTORE_TIME_UNSET);
	/* Ends after a count or never: no end date. */
	g_assert_cmpint (pststore_map_recurrence_end (count->data, count->len), ==, PSTSTORE_TIME_UNSET);
	g_autoptr (GByteArray) never = weekly_blob (0x2023, 0, 0, 0x5AE980DF);
	g_assert_cmpint (pststore_map_recurrence_end (never->data, never->len), ==, PSTSTORE_TIME_UNSET);
}

static void
test_task (void)
{
	pst_item item = { 0 };
	pst_item_email email = { 0 };
	FILETIME created = ft_from_unix (1600000000), modified = ft_from_unix (1600000100);

	item.type = PST_TYPE_TASK;
	item.ascii_type = (char *) "IPM.Task";
	set_str (&item.subject, "Écrire le rapport");
	set_str (&item.body, "détails\r\nsuite");
	item.create_date = &created;
	item.modify_date = &modified;
	item.email = &email;
	email.importance = 2;
	email.sensitivity = 2;
	g_autoptr (PststoreItem) it = pststore_map_item (&item, "uid-1");
	g_assert_cmpint (it->kind, ==, PSTSTORE_KIND_TASK);
	g_assert_cmpstr (it->message_class, ==, "IPM.Task");
	g_assert_cmpstr (it->subject, ==, "Écrire le rapport");
	g_assert_cmpstr (it->body, ==, "détails\r\nsuite");
	g_assert_cmpint (it->created, ==, 1600000000);
	g_assert_cmpint (it->modified, ==, 1600000100);
	g_assert_cmpint (it->importance, ==, 2);
	g_assert_cmpint (it->sensitivity, ==, 2);
	/* 0 from libpst may mean "not set": it stays normal here. */
	email.importance = 0;
	g_autoptr (PststoreItem) unset = pststore_map_item (&item, "uid-1");
	g_assert_cmpint (unset->importance, ==, 1);
	/* libpst has no task fields: those come from libpff. */
	g_assert_cmpint (it->task_due, ==, PSTSTORE_TIME_UNSET);
	g_assert_null (it->recurrence);
}

static void
test_ansi (void)
{
	pst_item item = { 0 };
	char subject[] = "Caf\xe9 cr\xe8me";	/* Windows-1252 */

	item.type = PST_TYPE_STICKYNOTE;
	item.ascii_type = (char *) "IPM.StickyNote";
	item.subject.str = g_strdup (subject);
	item.subject.is_utf8 = 0;
	item.message_codepage = 1252;
	g_autoptr (PststoreItem) it = pststore_map_item (&item, "uid-2");
	g_assert_cmpint (it->kind, ==, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (it->subject, ==, "Café crème");
	g_assert_cmpint (it->note_colour, ==, PSTSTORE_NOTE_COLOUR_UNSET);
	free (item.subject.str);
}

static void
test_invalid_utf8 (void)
{
	pst_item item = { 0 };

	item.type = PST_TYPE_NOTE;
	item.ascii_type = (char *) "IPM.Note";
	set_str (&item.subject, "ok \xff\xfe bad");
	g_autoptr (PststoreItem) it = pststore_map_item (&item, "uid-3");
	g_assert_true (g_utf8_validate (it->subject, -1, NULL));
	g_assert_true (g_str_has_prefix (it->subject, "ok "));
}

static void
test_classes (void)
{
	pst_item item = { 0 };

	/* Unknown classes are kept as generic items with their class. */
	item.type = PST_TYPE_OTHER;
	item.ascii_type = (char *) "IPM.Post";
	g_autoptr (PststoreItem) post = pststore_map_item (&item, "u");
	g_assert_cmpint (post->kind, ==, PSTSTORE_KIND_OTHER);
	g_assert_cmpstr (post->message_class, ==, "IPM.Post");
	/* Without a class, libpst's type decides. */
	item.ascii_type = NULL;
	item.type = PST_TYPE_TASK;
	g_assert_cmpstr (pststore_map_class (&item), ==, "IPM.Task");
	item.type = PST_TYPE_STICKYNOTE;
	g_assert_cmpstr (pststore_map_class (&item), ==, "IPM.StickyNote");
	item.type = PST_TYPE_REPORT;
	g_assert_cmpint (pststore_kind_from_class (pststore_map_class (&item)), ==, PSTSTORE_KIND_MAIL);
	item.type = 99;
	g_assert_cmpint (pststore_kind_from_class (pststore_map_class (&item)), ==, PSTSTORE_KIND_OTHER);
	/* A class that is not UTF-8 is not trusted. */
	item.ascii_type = (char *) "IPM.\xff";
	item.type = PST_TYPE_TASK;
	g_assert_cmpstr (pststore_map_class (&item), ==, "IPM.Task");
}

static void
test_contact (void)
{
	pst_item item = { 0 };
	pst_item_contact c = { 0 };
	FILETIME bday = ft_from_unix (315532800);	/* 1980-01-01 */

	item.type = PST_TYPE_CONTACT;
	item.ascii_type = (char *) "IPM.Contact";
	item.contact = &c;
	set_str (&c.fullname, "Smith, John; Jr.");
	set_str (&c.surname, "Smith");
	set_str (&c.first_name, "John");
	set_str (&c.address1, "john@example.org");
	set_str (&c.mobile_phone, "+1 555 0100");
	set_str (&c.company_name, "ACME");
	set_str (&c.business_city, "Springfield");
	set_str (&item.body, "line 1\nline 2");
	c.birthday = &bday;
	g_autoptr (PststoreItem) it = pststore_map_item (&item, "pst:ab:24");
	g_assert_cmpint (it->kind, ==, PSTSTORE_KIND_CONTACT);
	g_assert_nonnull (it->data);
	g_assert_true (g_str_has_prefix (it->data, "BEGIN:VCARD\r\nVERSION:3.0\r\n"));
	g_assert_nonnull (strstr (it->data, "FN:Smith\\, John\\; Jr.\r\n"));
	g_assert_nonnull (strstr (it->data, "N:Smith;John;;;\r\n"));
	g_assert_nonnull (strstr (it->data, "EMAIL;TYPE=INTERNET:john@example.org\r\n"));
	g_assert_nonnull (strstr (it->data, "TEL;TYPE=CELL:+1 555 0100\r\n"));
	g_assert_nonnull (strstr (it->data, "ORG:ACME;\r\n"));
	g_assert_nonnull (strstr (it->data, "ADR;TYPE=WORK:;;;Springfield;;;\r\n"));
	g_assert_nonnull (strstr (it->data, "BDAY:1980-01-01\r\n"));
	g_assert_nonnull (strstr (it->data, "NOTE:line 1\\nline 2\r\n"));
	g_assert_nonnull (strstr (it->data, "UID:pst:ab:24\r\n"));
	g_assert_true (g_str_has_suffix (it->data, "END:VCARD\r\n"));
	g_assert_null (strstr (it->data, "ADR;TYPE=HOME"));

	/* Only a display name: N is still there, empty. */
	pst_item bare = { 0 };
	pst_item_contact bc = { 0 };
	bare.type = PST_TYPE_CONTACT;
	bare.ascii_type = (char *) "IPM.Contact";
	bare.contact = &bc;
	set_str (&bare.file_as, "Just A Name");
	g_autoptr (PststoreItem) b = pststore_map_item (&bare, "u2");
	g_assert_nonnull (strstr (b->data, "FN:Just A Name\r\nN:;;;;\r\n"));
}

static void
test_appointment (void)
{
	pst_item item = { 0 };
	pst_item_appointment a = { 0 };
	FILETIME start = ft_from_unix (1700006400), end = ft_from_unix (1700092800);	/* whole day */

	item.type = PST_TYPE_APPOINTMENT;
	item.ascii_type = (char *) "IPM.Appointment";
	item.appointment = &a;
	set_str (&item.subject, "Holiday");
	set_str (&a.location, "Beach");
	a.start = &start;
	a.end = &end;
	a.all_day = 1;
	a.alarm = 1;
	a.alarm_minutes = 15;
	g_autoptr (PststoreItem) it = pststore_map_item (&item, "uid-ev");
	g_assert_cmpint (it->kind, ==, PSTSTORE_KIND_APPOINTMENT);
	icalcomponent *cal = icalcomponent_new_from_string (it->data);
	g_assert_nonnull (cal);
	icalcomponent *ev = icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT);
	g_assert_nonnull (ev);
	g_assert_cmpstr (icalcomponent_get_uid (ev), ==, "uid-ev");
	g_assert_cmpstr (icalcomponent_get_summary (ev), ==, "Holiday");
	g_assert_cmpstr (icalcomponent_get_location (ev), ==, "Beach");
	struct icaltimetype dt = icalcomponent_get_dtstart (ev);
	g_assert_true (dt.is_date);
	g_assert_cmpint (dt.year, ==, 2023);
	g_assert_cmpint (dt.month, ==, 11);
	g_assert_cmpint (dt.day, ==, 15);
	icalcomponent *al = icalcomponent_get_first_component (ev, ICAL_VALARM_COMPONENT);
	g_assert_nonnull (al);
	icalproperty *trig = icalcomponent_get_first_property (al, ICAL_TRIGGER_PROPERTY);
	struct icaltriggertype tr = icalproperty_get_trigger (trig);
	g_assert_cmpint (icaldurationtype_as_int (tr.duration), ==, -15 * 60);
	g_assert_null (icalcomponent_get_first_property (ev, ICAL_RRULE_PROPERTY));
	icalcomponent_free (cal);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/map/filetime", test_filetime);
	g_test_add_func ("/map/rrule", test_rrule);
	g_test_add_func ("/map/rrule-blob", test_rrule_blob);
	g_test_add_func ("/map/task", test_task);
	g_test_add_func ("/map/ansi", test_ansi);
	g_test_add_func ("/map/invalid-utf8", test_invalid_utf8);
	g_test_add_func ("/map/classes", test_classes);
	g_test_add_func ("/map/contact", test_contact);
	g_test_add_func ("/map/appointment", test_appointment);
	return g_test_run ();
}
