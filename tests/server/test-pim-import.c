/* test-pim-import.c — `airdockctl import`/`export` against the real
 * airdockd: the hand-written real-world files of tests/data/pim (Google
 * Calendar, Thunderbird, Apple vCard 3.0, vCard 4.0) land in the right
 * folders and reach a phone through Sync; a re-import updates in place;
 * malformed entries are reported as FILE:LINE and the good ones still
 * imported; export ∘ import is lossless; --folder creates a second calendar
 * that FolderSync lists; an import wakes a parked Ping; 10,000 events
 * import (time reported). */
#include "config.h"

#include <string.h>

#include "eas/eas-foldersync.h"
#include "eas/eas-ping.h"
#include "tests/server/test-pim-util.h"

typedef struct {
	PimFixture p;
	AirdockEasClient *c;	/* a 16.1 phone */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	pim_fixture_setup (&f->p, data);
	f->c = pim_device (&f->p, "IMPORTDEV1", 161);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_pointer (&f->c, airdock_eas_client_free);
	pim_fixture_teardown (&f->p, data);
}

/* ---- running airdockctl ------------------------------------------------- */

/* airdockctl --data-dir D args…; returns its exit status. */
static int
ctl (Fixture *f, const char *const *args, char **out_stdout, char **out_stderr)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	g_autofree char *o = NULL;
	g_autofree char *e = NULL;
	int status = 0;

	g_ptr_array_add (argv, airdock_harness_build_path ("server/airdockctl"));
	g_ptr_array_add (argv, g_strdup ("--data-dir"));
	g_ptr_array_add (argv, g_strdup (f->p.h->data_dir));
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add (argv, g_strdup (args[i]));
	g_ptr_array_add (argv, NULL);
	g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
	                             &o, &e, &status, &error));
	g_assert_no_error (error);
	if (!g_spawn_check_wait_status (status, &error))
		g_assert_true (g_error_matches (error, G_SPAWN_EXIT_ERROR, error->code));
	if (out_stdout != NULL)
		*out_stdout = g_steal_pointer (&o);
	if (out_stderr != NULL)
		*out_stderr = g_steal_pointer (&e);
	return error != NULL ? error->code : 0;
}

static char *
data_file (const char *name)
{
	return g_test_build_filename (G_TEST_DIST, "tests", "data", "pim", name, NULL);
}

/* Imports path (a path, or a name under tests/data/pim) with an optional
 * --folder; asserts the exit status and returns stdout. */
static char *
import (Fixture *f, const char *file, const char *folder, int want_status, char **out_stderr)
{
	g_autofree char *path = g_path_is_absolute (file) ? g_strdup (file) : data_file (file);
	const char *args[] = { "import", PIM_USER, path, folder ? "--folder" : NULL, folder, NULL };
	g_autofree char *err = NULL;
	char *out = NULL;
	int status = ctl (f, args, &out, &err);

	if (status != want_status)
		g_printerr ("%s", err);
	g_assert_cmpint (status, ==, want_status);
	if (out_stderr != NULL)
		*out_stderr = g_steal_pointer (&err);
	return out;
}

static char *
export (Fixture *f, const char *folder, gboolean vcard3)
{
	const char *args[] = { "export", PIM_USER, "--folder", folder, vcard3 ? "--vcard3" : NULL, NULL };
	char *out = NULL;

	g_assert_cmpint (ctl (f, args, &out, NULL), ==, 0);
	return out;
}

static char *
write_temp (Fixture *f, const char *name, const char *text)
{
	char *path = g_build_filename (f->p.h->dir, name, NULL);
	g_autoptr (GError) error = NULL;

	g_assert_true (g_file_set_contents (path, text, -1, &error));
	g_assert_no_error (error);
	return path;
}

/* ---- the store and the device --------------------------------------------- */

static GPtrArray *
items_of (Fixture *f, const char *folder_id)
{
	g_autoptr (GError) error = NULL;
	GPtrArray *items = airdockd_store_item_list (f->p.store, f->p.uid, folder_id, 0, &error);

	g_assert_no_error (error);
	return items;
}

static char *
item_text (const AirdockdItem *it)
{
	return g_strndup (g_bytes_get_data (it->data, NULL), g_bytes_get_size (it->data));
}

/* The stored item whose text contains needle. */
static const AirdockdItem *
item_with (GPtrArray *items, const char *needle)
{
	for (guint i = 0; i < items->len; i++) {
		const AirdockdItem *it = g_ptr_array_index (items, i);
		g_autofree char *text = item_text (it);

		if (strstr (text, needle) != NULL)
			return it;
	}
	g_assert_not_reached ();
}

/* A phone's first Sync of the folder: the response carrying its Adds. */
static AirdockEasResponse *
phone_sync (Fixture *f, const char *folder_id, char **key)
{
	airdock_eas_response_free (pim_sync (f->c, key, folder_id, -1, NULL, "1"));
	return pim_sync (f->c, key, folder_id, -1, NULL, "1");
}

/* The model a phone got in r for server_id (an Add or a Change). */
static void *
seen (AirdockEasResponse *r, EasTag tag, PimKind kind, const char *server_id)
{
	EasNode *n = pim_find_command (r, tag, server_id);

	g_assert_nonnull (n);
	return pim_decode (kind, eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA), 161);
}

/* ---- tests -------------------------------------------------------------------- */

static void
test_google (Fixture *f, gconstpointer data)
{
	g_autofree char *cal = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CALENDAR);
	g_autofree char *out = import (f, "google-calendar.ics", NULL, 0, NULL);
	g_autoptr (GPtrArray) items = items_of (f, cal);
	g_autofree char *key = g_strdup ("0");
	g_autoptr (AirdockEasResponse) r = NULL;
		g_autoptr (EasEvent) series = NULL;
	g_autoptr (EasEvent) allday = NULL;
	const AirdockdItem *it;
	g_autofree char *text = NULL;
	guint deleted = 0, moved = 0;

	g_assert_true (g_str_has_prefix (out, "added 2, updated 0, unchanged 0, skipped 0"));
	/* The series and its moved occurrence are one item with its zone. */
	g_assert_cmpuint (items->len, ==, 2);
	it = item_with (items, "UID:0a1b2c3d4e5f6g7h8i9j@google.com");
	text = item_text (it);
	g_assert_nonnull (strstr (text, "TZID:America/New_York"));
	g_assert_nonnull (strstr (text, "RECURRENCE-ID;TZID=America/New_York:20260126T100000"));

	r = phone_sync (f, cal, &key);
	g_assert_cmpuint (pim_count_commands (r), ==, 2);
	series = seen (r, EAS_AIRSYNC_ADD, PIM_KIND_EVENT, it->server_id);
	g_assert_cmpstr (series->subject, ==, "Team sync");
	g_assert_cmpstr (series->location, ==, "Room 4, Building B");
	/* 2026-01-05 10:00 EST = 15:00 UTC; EST is UTC−5 (Bias 300). */
	g_assert_cmpint (series->start_time, ==, 1767625200);
	g_assert_true (series->has_timezone);
	g_assert_cmpint (series->timezone.bias, ==, 300);
	g_assert_nonnull (series->recurrence);
	g_assert_cmpuint (series->attendees->len, ==, 3);
	g_assert_cmpstr (series->organizer_email, ==, "carol@example.com");
	g_assert_cmpint (series->reminder, ==, 10);
	g_assert_nonnull (series->exceptions);
	for (guint i = 0; i < series->exceptions->len; i++) {
		const EasEvent *x = g_ptr_array_index (series->exceptions, i);

		if (x->deleted)
			deleted++;
		else if (g_strcmp0 (x->subject, "Team sync (moved)") == 0)
			moved++;
	}
	g_assert_cmpuint (deleted, ==, 1);
	g_assert_cmpuint (moved, ==, 1);
	allday = seen (r, EAS_AIRSYNC_ADD, PIM_KIND_EVENT, item_with (items, "Offsite day")->server_id);
	g_assert_cmpint (allday->all_day_event, ==, 1);
	g_assert_cmpint (allday->busy_status, ==, 0);
}

static void
test_thunderbird (Fixture *f, gconstpointer data)
{
	g_autofree char *tasks = pim_folder_of (&f->p, AIRDOCKD_FOLDER_TASKS);
	g_autofree char *cal = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CALENDAR);
	g_autofree char *out = import (f, "thunderbird.ics", NULL, 0, NULL);
	g_autoptr (GPtrArray) task_items = items_of (f, tasks);
	g_autoptr (GPtrArray) cal_items = items_of (f, cal);
	g_autofree char *key = g_strdup ("0");
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (EasTask) done = NULL;
	g_autoptr (EasTask) open = NULL;
	g_autofree char *text = NULL;

	g_assert_true (g_str_has_prefix (out, "added 3, "));
	g_assert_cmpuint (task_items->len, ==, 2);
	g_assert_cmpuint (cal_items->len, ==, 1);
	r = phone_sync (f, tasks, &key);
	done = seen (r, EAS_AIRSYNC_ADD, PIM_KIND_TASK, item_with (task_items, "tax return")->server_id);
	g_assert_cmpstr (done->subject, ==, "File the tax return");
	g_assert_cmpint (done->complete, ==, 1);
	/* COMPLETED:20251110T164200Z */
	g_assert_cmpint (done->date_completed, ==, 1762792920);
	g_assert_cmpint (done->importance, ==, 2);
	open = seen (r, EAS_AIRSYNC_ADD, PIM_KIND_TASK, item_with (task_items, "Book flights")->server_id);
	g_assert_cmpint (open->complete, ==, 0);
	/* DUE;TZID=Europe/Berlin:20251201T120000: the task mapping gives the
	 * device the local date as written (eas-task.c read_time). */
	g_assert_cmpint (open->due_date, ==, 1764590400);
	/* The task carries the VTIMEZONE its DUE uses. */
	text = item_text (item_with (task_items, "Book flights"));
	g_assert_nonnull (strstr (text, "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
}

static void
test_apple (Fixture *f, gconstpointer data)
{
	g_autofree char *contacts = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CONTACTS);
	g_autofree char *out = import (f, "apple.vcf", NULL, 0, NULL);
	g_autoptr (GPtrArray) items = items_of (f, contacts);
	g_autofree char *key = g_strdup ("0");
	g_autoptr (AirdockEasResponse) r = NULL;
		g_autoptr (EasContact) johnny = NULL;
	const AirdockdItem *it;
	g_autofree char *text = NULL;

	g_assert_true (g_str_has_prefix (out, "added 2, "));
	g_assert_cmpuint (items->len, ==, 2);
	it = item_with (items, "Appleseed");
	text = item_text (it);
	/* Stored as vCard 4.0: the photo as a data: URI, pref as PREF=1,
	 * the Apple groups and labels kept. */
	g_assert_true (g_str_has_prefix (text, "BEGIN:VCARD\r\nVERSION:4.0\r\n"));
	g_assert_nonnull (strstr (text, "PHOTO:data:image/jpeg;base64,/9j/4AAQ"));
	g_assert_null (strstr (text, "ENCODING"));
	g_assert_nonnull (strstr (text, "EMAIL;TYPE=INTERNET;TYPE=WORK;PREF=1:johnny@orchard.example"));
	g_assert_nonnull (strstr (text, "item1.X-ABLABEL:_$!<School>!$_"));
	g_assert_nonnull (strstr (text, "X-ABUID:"));

	r = phone_sync (f, contacts, &key);
	g_assert_cmpuint (pim_count_commands (r), ==, 2);
	johnny = seen (r, EAS_AIRSYNC_ADD, PIM_KIND_CONTACT, it->server_id);
	g_assert_cmpstr (johnny->fields[EAS_CONTACT_FIRST_NAME], ==, "Johnny");
	g_assert_cmpstr (johnny->fields[EAS_CONTACT_LAST_NAME], ==, "Appleseed");
	g_assert_cmpstr (johnny->fields[EAS_CONTACT_COMPANY_NAME], ==, "Example Orchard");
	g_assert_cmpstr (johnny->fields[EAS_CONTACT_EMAIL1_ADDRESS], ==, "johnny@orchard.example");
	g_assert_cmpstr (johnny->fields[EAS_CONTACT_HOME_ADDRESS_CITY], ==, "Cupertino");
	g_assert_nonnull (johnny->fields[EAS_CONTACT_PICTURE]);
	g_assert_true (g_str_has_prefix (johnny->fields[EAS_CONTACT_PICTURE], "/9j/4AAQ"));
}

static void
test_vcard4 (Fixture *f, gconstpointer data)
{
	g_autofree char *contacts = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CONTACTS);
	g_autofree char *out = import (f, "vcard4.vcf", NULL, 0, NULL);
	g_autofree char *again = NULL;
	g_autoptr (GPtrArray) items = items_of (f, contacts);
	g_autoptr (GPtrArray) after = NULL;
	g_autofree char *simon = NULL;

	g_assert_true (g_str_has_prefix (out, "added 2, "));
	g_assert_nonnull (strstr (out, "1 entries had no UID"));
	g_assert_cmpuint (items->len, ==, 2);
	simon = item_text (item_with (items, "Perreault"));
	/* All four addresses with their types stay in the store. */
	g_assert_nonnull (strstr (simon, "EMAIL;TYPE=work:perreault@example.com"));
	g_assert_nonnull (strstr (simon, "UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"));
	/* The card without UID got a derived one, so the re-import finds both. */
	item_with (items, "UID:airdock-import-");
	again = import (f, "vcard4.vcf", NULL, 0, NULL);
	g_assert_true (g_str_has_prefix (again, "added 0, updated 0, unchanged 2, skipped 0"));
	after = items_of (f, contacts);
	g_assert_cmpuint (after->len, ==, 2);
}

/* vCard 2.1 (quoted-printable over two lines, bare PREF) is stored as 4.0;
 * a UID twice in one file: the later card wins, and the exit status says. */
static void
test_vcard21_duplicate (Fixture *f, gconstpointer data)
{
	g_autofree char *contacts = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CONTACTS);
	g_autofree char *path = write_temp (f, "old.vcf",
		"BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:M=C3=BCller;J=\r\n"
		"=C3=B6rg\r\nTEL;PREF;WORK:123\r\nUID:dup\r\nEND:VCARD\r\n"
		"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Later;Card;;;\r\nUID:dup\r\nEND:VCARD\r\n");
	g_autofree char *once = write_temp (f, "once.vcf",
		"BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:M=C3=BCller;J=\r\n"
		"=C3=B6rg\r\nTEL;PREF;WORK:123\r\nUID:qp\r\nEND:VCARD\r\n");
	g_autofree char *err = NULL;
	g_autofree char *out = import (f, path, NULL, 3, &err);
	g_autofree char *want = g_strdup_printf ("%s:8: an earlier entry has the same UID: this one replaces it\n", path);
	g_autofree char *out2 = import (f, once, NULL, 0, NULL);
	g_autoptr (GPtrArray) items = items_of (f, contacts);
	g_autofree char *qp = NULL;

	g_assert_cmpstr (err, ==, want);
	g_assert_true (g_str_has_prefix (out, "added 1, "));
	g_assert_cmpuint (items->len, ==, 2);
	item_with (items, "N:Later;Card;;;");
	qp = item_text (item_with (items, "UID:qp"));
	g_assert_nonnull (strstr (qp, "VERSION:4.0\r\nN:M\xc3\xbcller;J\xc3\xb6rg\r\n"));
	g_assert_nonnull (strstr (qp, "PREF=1"));
	g_assert_null (strstr (qp, "QUOTED-PRINTABLE"));
}

/* A changed file imported again changes the same items, and the phone
 * gets a Change for the one that changed. */
static void
test_reimport (Fixture *f, gconstpointer data)
{
	g_autofree char *cal = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CALENDAR);
	g_autofree char *out = import (f, "google-calendar.ics", NULL, 0, NULL);
	g_autoptr (GPtrArray) before = items_of (f, cal);
	g_autoptr (GPtrArray) after = NULL;
	g_autofree char *path = data_file ("google-calendar.ics");
	g_autofree char *text = NULL;
	g_autofree char *changed_path = NULL;
	g_autofree char *out2 = NULL;
	g_autofree char *key = g_strdup ("0");
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (AirdockEasResponse) r2 = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (EasEvent) ev = NULL;
	g_auto (GStrv) parts = NULL;
	const char *series_id = item_with (before, "SUMMARY:Team sync\r\n")->server_id;

	r = phone_sync (f, cal, &key);
	g_assert_cmpuint (pim_count_commands (r), ==, 2);
	g_assert_true (g_file_get_contents (path, &text, NULL, &error));
	g_assert_no_error (error);
	parts = g_strsplit (text, "SUMMARY:Team sync\r\n", 2);
	g_free (text);
	text = g_strjoinv ("SUMMARY:Team sync (renamed)\r\n", parts);
	changed_path = write_temp (f, "changed.ics", text);
	out2 = import (f, changed_path, NULL, 0, NULL);
	g_assert_true (g_str_has_prefix (out2, "added 0, updated 1, unchanged 1, skipped 0"));

	/* Same items, same server ids. */
	after = items_of (f, cal);
	g_assert_cmpuint (after->len, ==, 2);
	for (guint i = 0; i < 2; i++)
		g_assert_cmpstr (((AirdockdItem *) before->pdata[i])->server_id, ==,
		                 ((AirdockdItem *) after->pdata[i])->server_id);
	g_assert_true (strcmp (item_with (after, "Team sync (renamed)")->server_id, series_id) == 0);

	r2 = pim_sync (f->c, &key, cal, -1, NULL, "1");
	g_assert_cmpuint (pim_count_commands (r2), ==, 1);
	ev = seen (r2, EAS_AIRSYNC_CHANGE, PIM_KIND_EVENT, series_id);
	g_assert_cmpstr (ev->subject, ==, "Team sync (renamed)");
}

static void
test_broken (Fixture *f, gconstpointer data)
{
	g_autofree char *cal = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CALENDAR);
	g_autofree char *tasks = pim_folder_of (&f->p, AIRDOCKD_FOLDER_TASKS);
	g_autofree char *contacts = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CONTACTS);
	g_autofree char *ics = data_file ("broken.ics");
	g_autofree char *vcf = data_file ("broken.vcf");
	g_autofree char *err = NULL;
	g_autofree char *err2 = NULL;
	g_autofree char *out = import (f, "broken.ics", NULL, 3, &err);
	g_autofree char *out2 = import (f, "broken.vcf", NULL, 3, &err2);
	g_autofree char *want = g_strdup_printf (
		"%1$s:14: DTSTART: invalid date or date-time: skipped\n"
		"%1$s:22: broken line: no NAME:value: skipped\n"
		"%1$s:25: BEGIN:VEVENT without END:VEVENT\n"
		"%1$s:44: unknown iCalendar VERSION (2.0 expected): the calendar's entries are skipped\n"
		"%1$s:63: BEGIN:VFREEBUSY: not a contact, event, task or note, skipped\n"
		"%1$s:30: a TZID has no VTIMEZONE in the file and is no zone libical knows: skipped\n", ics);
	g_autofree char *want2 = g_strdup_printf (
		"%1$s:8: unknown vCard VERSION (2.1, 3.0 or 4.0 expected): skipped\n"
		"%1$s:15: BDAY: invalid date: skipped\n"
		"%1$s:18: BEGIN:VCARD without END:VCARD\n", vcf);
	g_autoptr (GPtrArray) cal_items = items_of (f, cal);
	g_autoptr (GPtrArray) task_items = items_of (f, tasks);
	g_autoptr (GPtrArray) cards = items_of (f, contacts);

	g_assert_cmpstr (err, ==, want);
	g_assert_true (g_str_has_prefix (out, "added 3, updated 0, unchanged 0, skipped 6"));
	g_assert_cmpstr (err2, ==, want2);
	g_assert_true (g_str_has_prefix (out2, "added 2, updated 0, unchanged 0, skipped 3"));
	/* The good entries are in, and nothing of the bad ones. */
	g_assert_cmpuint (cal_items->len, ==, 2);
	item_with (cal_items, "UID:good-1@example.org");
	item_with (cal_items, "UID:good-3@example.org");
	g_assert_cmpuint (task_items->len, ==, 1);
	g_assert_cmpuint (cards->len, ==, 2);
	item_with (cards, "UID:good-card");
	item_with (cards, "UID:last-good");
}

/* A file that is no vCard or iCalendar at all (a CSV by mistake): one
 * message for the run of stray lines, exit status 3, nothing imported. */
static void
test_not_pim (Fixture *f, gconstpointer data)
{
	g_autofree char *path = write_temp (f, "people.csv", "name,email\nAnn,ann@example.org\n\nBob,bob@example.org\n");
	g_autofree char *err = NULL;
	g_autofree char *out = import (f, path, NULL, 3, &err);
	g_autofree char *want = g_strdup_printf ("%s:1: text outside BEGIN:VCARD ... END:VCARD or "
	                                         "BEGIN:VCALENDAR ... END:VCALENDAR, skipped\n", path);

	g_assert_cmpstr (err, ==, want);
	g_assert_true (g_str_has_prefix (out, "added 0, updated 0, unchanged 0, skipped 0"));
}

/* A VTIMEZONE after the event that uses it: the event waits for it. */
static void
test_zone_after_event (Fixture *f, gconstpointer data)
{
	g_autofree char *cal = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CALENDAR);
	g_autofree char *path = write_temp (f, "late-zone.ics",
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
		"BEGIN:VEVENT\r\nUID:late-zone\r\nDTSTAMP:20260101T000000Z\r\n"
		"DTSTART;TZID=Office Time:20260115T090000\r\nSUMMARY:Early riser\r\nEND:VEVENT\r\n"
		"BEGIN:VTIMEZONE\r\nTZID:Office Time\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
		"TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nTZNAME:IST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
		"END:VCALENDAR\r\n");
	g_autofree char *out = import (f, path, NULL, 0, NULL);
	g_autoptr (GPtrArray) items = items_of (f, cal);
	g_autofree char *text = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (EasEvent) ev = NULL;
	icalcomponent *ical;

	g_assert_true (g_str_has_prefix (out, "added 1, "));
	g_assert_cmpuint (items->len, ==, 1);
	text = item_text (g_ptr_array_index (items, 0));
	g_assert_nonnull (strstr (text, "TZID:Office Time\r\n"));
	ical = icalparser_parse_string (text);
	ev = eas_event_from_ical (ical, &error);
	icalcomponent_free (ical);
	g_assert_no_error (error);
	/* 09:00 at UTC+5:30 is 03:30 UTC; Bias −330. */
	g_assert_cmpint (ev->start_time, ==, 1768447800);
	g_assert_cmpint (ev->timezone.bias, ==, -330);
}

/* export → import into another folder → export gives the same file. */
static void
round_trip (Fixture *f, const char *folder, const char *copy, gboolean vcard3)
{
	g_autofree char *first = export (f, folder, vcard3);
	g_autofree char *path = write_temp (f, vcard3 ? "export3" : "export", first);
	g_autofree char *out = import (f, path, copy, 0, NULL);
	g_autofree char *second = export (f, copy, vcard3);
	g_autofree char *name_line = g_strdup_printf ("X-WR-CALNAME:%s\r\n", folder);
	g_autofree char *copy_line = g_strdup_printf ("X-WR-CALNAME:%s\r\n", copy);
	g_auto (GStrv) parts = g_strsplit (second, copy_line, 2);
	g_autofree char *renamed = g_strjoinv (name_line, parts);

	g_assert_cmpstr (renamed, ==, first);
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
	g_autofree char *o1 = import (f, "google-calendar.ics", NULL, 0, NULL);
	g_autofree char *o2 = import (f, "thunderbird.ics", NULL, 0, NULL);
	g_autofree char *o3 = import (f, "apple.vcf", NULL, 0, NULL);
	g_autofree char *o4 = import (f, "vcard4.vcf", NULL, 0, NULL);
	g_autofree char *v3 = NULL;

	round_trip (f, "Calendar", "Calendar copy", FALSE);
	round_trip (f, "Tasks", "Tasks copy", FALSE);
	round_trip (f, "Contacts", "Contacts copy", FALSE);
	round_trip (f, "Contacts", "Contacts via 3.0", TRUE);
	/* -o FILE writes what stdout gets. */
	{
		g_autofree char *path = g_build_filename (f->p.h->dir, "out.ics", NULL);
		const char *args[] = { "export", PIM_USER, "--folder", "Calendar", "-o", path, NULL };
		g_autofree char *to_stdout = export (f, "Calendar", FALSE);
		g_autofree char *to_file = NULL;
		g_autofree char *printed = NULL;
		g_autoptr (GError) error = NULL;

		g_assert_cmpint (ctl (f, args, &printed, NULL), ==, 0);
		g_assert_cmpstr (printed, ==, "");
		g_assert_true (g_file_get_contents (path, &to_file, NULL, &error));
		g_assert_no_error (error);
		g_assert_cmpstr (to_file, ==, to_stdout);
	}
	v3 = export (f, "Contacts", TRUE);
	g_assert_nonnull (strstr (v3, "VERSION:3.0\r\n"));
	g_assert_nonnull (strstr (v3, "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ"));
	g_assert_null (strstr (v3, "VERSION:4.0"));
}

/* --folder creates a second calendar that the phone's FolderSync lists,
 * and entries of another class are refused from it. */
static void
test_second_calendar (Fixture *f, gconstpointer data)
{
	g_autofree char *cal = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CALENDAR);
	g_autofree char *err = NULL;
	g_autofree char *out = import (f, "thunderbird.ics", "Holidays", 3, &err);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (EasFolderSyncResponse) fs = NULL;
	g_autoptr (GPtrArray) main_items = items_of (f, cal);
	g_autoptr (GPtrArray) holiday_items = NULL;
	const EasFolder *found = NULL;

	/* The first entry is a VTODO: the new folder is a task folder, and
	 * the event is refused from it. */
	g_assert_nonnull (strstr (err, "created tasks folder \"Holidays\""));
	g_assert_nonnull (strstr (err, ":58: an event does not belong in the tasks folder \"Holidays\": skipped"));
	g_assert_true (g_str_has_prefix (out, "added 2, updated 0, unchanged 0, skipped 1"));
	g_free (out);
	g_free (err);
	err = NULL;
	out = import (f, "google-calendar.ics", "Team calendar", 0, &err);
	g_assert_nonnull (strstr (err, "created calendar folder \"Team calendar\""));
	g_assert_cmpuint (main_items->len, ==, 0);

	r = airdock_eas_client_folder_sync (f->c, "0", &error);
	g_assert_no_error (error);
	fs = eas_folder_sync_response_decode (r->tree, &error);
	g_assert_no_error (error);
	for (guint i = 0; i < fs->adds->len; i++) {
		const EasFolder *fo = g_ptr_array_index (fs->adds, i);

		if (g_strcmp0 (fo->display_name, "Team calendar") == 0)
			found = fo;
	}
	g_assert_nonnull (found);
	g_assert_cmpuint (found->type, ==, AIRDOCKD_FOLDER_USER_CALENDAR);
	holiday_items = items_of (f, found->server_id);
	g_assert_cmpuint (holiday_items->len, ==, 2);
	/* By server id too, and a second import finds it instead of creating. */
	g_free (out);
	g_free (err);
	err = NULL;
	out = import (f, "google-calendar.ics", found->server_id, 0, &err);
	g_assert_null (strstr (err, "created"));
	g_assert_true (g_str_has_prefix (out, "added 0, updated 0, unchanged 2"));
}

/* Occurrences apart from their series, across the 500-item batches: one
 * before its series, one after the batch that wrote its series. */
static void
test_series_across_batches (Fixture *f, gconstpointer data)
{
	g_autofree char *cal = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CALENDAR);
	g_autoptr (GString) s = g_string_new ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
	static const char series[] = "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n"
	                             "DTSTART:20260301T090000Z\r\nDTEND:20260301T100000Z\r\n"
	                             "RRULE:FREQ=DAILY;COUNT=5\r\nSUMMARY:Series %s\r\nEND:VEVENT\r\n";
	static const char moved[] = "BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\n"
	                            "RECURRENCE-ID:%s\r\nDTSTART:%s\r\nSUMMARY:Moved %s\r\nEND:VEVENT\r\n";
	g_autofree char *path = NULL;
	g_autofree char *out = NULL;
	g_autoptr (GPtrArray) items = NULL;
	g_autofree char *early = NULL;
	g_autofree char *late = NULL;

	g_string_append_printf (s, series, "early", "early");
	g_string_append_printf (s, moved, "late", "20260302T090000Z", "20260302T150000Z", "late");
	for (guint i = 0; i < 600; i++)
		g_string_append_printf (s, "BEGIN:VEVENT\r\nUID:filler-%u\r\nDTSTAMP:20260101T000000Z\r\n"
		                        "DTSTART:20260401T090000Z\r\nSUMMARY:Filler\r\nEND:VEVENT\r\n", i);
	g_string_append_printf (s, moved, "early", "20260303T090000Z", "20260303T150000Z", "early");
	g_string_append_printf (s, series, "late", "late");
	g_string_append (s, "END:VCALENDAR\r\n");
	path = write_temp (f, "batches.ics", s->str);
	out = import (f, path, NULL, 0, NULL);
	g_assert_true (g_str_has_prefix (out, "added 602, updated 0, unchanged 0, skipped 0"));
	items = items_of (f, cal);
	g_assert_cmpuint (items->len, ==, 602);
	early = item_text (item_with (items, "UID:early"));
	g_assert_nonnull (strstr (early, "SUMMARY:Series early"));
	g_assert_nonnull (strstr (early, "RECURRENCE-ID:20260303T090000Z"));
	late = item_text (item_with (items, "UID:late"));
	g_assert_nonnull (strstr (late, "SUMMARY:Series late"));
	g_assert_nonnull (strstr (late, "RECURRENCE-ID:20260302T090000Z"));
}

/* ---- an import wakes a phone's Ping ------------------------------------------ */

typedef struct {
	AirdockEasClient *c;
	EasNode *root;
	guint64 status;
	AirdockEasResponse *r;
} AsyncPing;

static gpointer
ping_thread (gpointer data)
{
	AsyncPing *a = data;
	g_autoptr (EasNode) root = g_steal_pointer (&a->root);
	g_autoptr (GError) error = NULL;

	a->r = airdock_eas_client_post_tree (a->c, EAS_CMD_PING, root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (a->r->http_status, ==, 200);
	g_assert_true (eas_node_child_uint (a->r->tree, EAS_PING_STATUS, 1, 200, &a->status, NULL));
	return NULL;
}

/* airdockctl writes to the store from another process; airdockd's store
 * poll ([push] poll_interval, 2 s) sees the commit and answers the Ping
 * with Status 2 for the folder, long before its 60 s heartbeat. */
static void
test_wakes_ping (Fixture *f, gconstpointer data)
{
	g_autofree char *cal = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CALENDAR);
	g_autofree char *key = g_strdup ("0");
	g_autoptr (AirdockEasResponse) r = phone_sync (f, cal, &key);
	g_autofree char *out = NULL;
	AsyncPing a = { .c = f->c, .root = eas_node_new (EAS_PING_PING) };
	EasNode *one = eas_node_append (eas_node_append (a.root, EAS_PING_FOLDERS), EAS_PING_FOLDER);
	const EasNode *folder;
	GThread *t;

	eas_node_append_text (a.root, EAS_PING_HEARTBEAT_INTERVAL, "60");
	eas_node_append_text (one, EAS_PING_ID, cal);
	eas_node_append_text (one, EAS_PING_CLASS, "Calendar");
	t = g_thread_new ("ping", ping_thread, &a);
	airdock_harness_wait_parked (f->p.h, 1);
	out = import (f, "google-calendar.ics", NULL, 0, NULL);
	g_thread_join (t);
	g_assert_cmpuint (a.status, ==, EAS_PING_STATUS_CHANGES);
	folder = eas_node_child (eas_node_child (a.r->tree, EAS_PING_FOLDERS), EAS_PING_FOLDER);
	g_assert_nonnull (folder);
	g_assert_cmpstr (folder->text, ==, cal);
	airdock_eas_response_free (a.r);
}

/* 10,000 events (with a zone each) in one file: all in, then all unchanged;
 * the time goes to the test log (no timing assertion). */
static void
test_many (Fixture *f, gconstpointer data)
{
	g_autofree char *cal = pim_folder_of (&f->p, AIRDOCKD_FOLDER_CALENDAR);
	g_autoptr (GString) s = g_string_new ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
	g_autofree char *path = NULL;
	g_autofree char *out = NULL;
	g_autofree char *again = NULL;
	g_autoptr (GPtrArray) items = NULL;
	guint64 n = 0;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;
	g_autoptr (EasEvent) ev = NULL;
	icalcomponent *ical;

	for (guint i = 0; i < 10000; i++)
		g_string_append_printf (s, "BEGIN:VEVENT\r\nUID:many-%u@example.org\r\nDTSTAMP:20260101T000000Z\r\n"
		                        "DTSTART;TZID=Europe/Berlin:2026%02u%02uT%02u0000\r\n"
		                        "DTEND;TZID=Europe/Berlin:2026%02u%02uT%02u3000\r\n"
		                        "SUMMARY:Event number %u\r\nDESCRIPTION:Some text for event %u.\r\n"
		                        "END:VEVENT\r\n", i, i % 12 + 1, i % 28 + 1, i % 20 + 1,
		                        i % 12 + 1, i % 28 + 1, i % 20 + 1, i, i);
	g_string_append (s, "END:VCALENDAR\r\n");
	path = write_temp (f, "many.ics", s->str);
	out = import (f, path, NULL, 0, NULL);
	g_test_message ("10,000 events: %s", out);
	g_assert_true (g_str_has_prefix (out, "added 10000, updated 0, unchanged 0, skipped 0"));
	g_assert_true (airdockd_store_item_count (f->p.store, f->p.uid, cal, &n, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (n, ==, 10000);
	again = import (f, path, NULL, 0, NULL);
	g_test_message ("again: %s", again);
	g_assert_true (g_str_has_prefix (again, "added 0, updated 0, unchanged 10000, skipped 0"));
	/* Each event carries libical's Europe/Berlin zone (the file has no
	 * VTIMEZONE), which gives a phone CET/CEST. */
	items = items_of (f, cal);
	text = item_text (g_ptr_array_index (items, 0));
	g_assert_nonnull (strstr (text, "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
	ical = icalparser_parse_string (text);
	ev = eas_event_from_ical (ical, &error);
	icalcomponent_free (ical);
	g_assert_no_error (error);
	g_assert_cmpint (ev->timezone.bias, ==, -60);
	g_assert_cmpint (ev->timezone.daylight_bias, ==, -60);
	/* DTSTART;TZID=Europe/Berlin:20260101T010000 is 00:00 UTC. */
	g_assert_cmpint (ev->start_time, ==, 1767225600);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add ("/pim-import/google-calendar", Fixture, NULL, fixture_setup, test_google, fixture_teardown);
	g_test_add ("/pim-import/thunderbird", Fixture, NULL, fixture_setup, test_thunderbird, fixture_teardown);
	g_test_add ("/pim-import/apple-vcard3", Fixture, NULL, fixture_setup, test_apple, fixture_teardown);
	g_test_add ("/pim-import/vcard4", Fixture, NULL, fixture_setup, test_vcard4, fixture_teardown);
	g_test_add ("/pim-import/vcard21-duplicate-uid", Fixture, NULL, fixture_setup, test_vcard21_duplicate,
	            fixture_teardown);
	g_test_add ("/pim-import/reimport-updates", Fixture, NULL, fixture_setup, test_reimport, fixture_teardown);
	g_test_add ("/pim-import/broken-lines", Fixture, NULL, fixture_setup, test_broken, fixture_teardown);
	g_test_add ("/pim-import/zone-after-event", Fixture, NULL, fixture_setup, test_zone_after_event, fixture_teardown);
	g_test_add ("/pim-import/not-pim", Fixture, NULL, fixture_setup, test_not_pim, fixture_teardown);
	g_test_add ("/pim-import/export-round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
	g_test_add ("/pim-import/second-calendar", Fixture, NULL, fixture_setup, test_second_calendar, fixture_teardown);
	g_test_add ("/pim-import/series-across-batches", Fixture, NULL, fixture_setup, test_series_across_batches,
	            fixture_teardown);
	g_test_add ("/pim-import/wakes-ping", Fixture, NULL, fixture_setup, test_wakes_ping, fixture_teardown);
	g_test_add ("/pim-import/10000-events", Fixture, NULL, fixture_setup, test_many, fixture_teardown);
	return g_test_run ();
}
