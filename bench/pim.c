/* bench/pim.c — initial Sync of a large Calendar, Contacts and Tasks
 * folder, and incremental Syncs of one changed event.
 *
 *   bench/pim [--events N] [--contacts N] [--tasks N] [--window N] [--incremental N]
 *
 * Starts the real airdockd (through the test harness, temporary data dir)
 * and imports, with the real `airdockctl import`, an iCalendar file of N
 * events (VTIMEZONEs for Europe/Berlin and America/New_York as calendar
 * programs write them, 10% in UTC, 5% all-day; 20% weekly series with one
 * moved occurrence and one EXDATE; an organizer and 2–8 attendees on 30%;
 * a reminder on half), a vCard 3.0 file of contacts and an iCalendar file
 * of tasks.  A 16.1 client then syncs each folder from SyncKey 0 with
 * WindowSize 512 until MoreAvailable stops, and the server's CPU time
 * (sum of /proc/PID/task/<tid>/schedstat), wall time, requests and bytes
 * are printed per class.  Then, --incremental times: one event is changed
 * through the store and the Calendar is synced once.
 *
 * Compare with bench/sync (10,000 messages: about 1.4 s of server CPU).
 * Figures are printed, never asserted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bench/bench-util.h"
#include "eas/eas-sync.h"
#include "server/airdockd-store.h"
#include "tests/server/eas-client.h"

#define USER "bench"
#define PASSWORD "bench-password"

static gint n_events = 10000;
static gint n_contacts = 10000;
static gint n_tasks = 10000;
static gint window = 512;
static gint n_incremental = 20;
static gboolean digest;

static const GOptionEntry options[] = {
	{ "events", 'e', 0, G_OPTION_ARG_INT, &n_events, "Events in the Calendar (10000)", "N" },
	{ "contacts", 'c', 0, G_OPTION_ARG_INT, &n_contacts, "Contacts (10000)", "N" },
	{ "tasks", 't', 0, G_OPTION_ARG_INT, &n_tasks, "Tasks (10000)", "N" },
	{ "window", 'w', 0, G_OPTION_ARG_INT, &window, "WindowSize (512)", "N" },
	{ "incremental", 'i', 0, G_OPTION_ARG_INT, &n_incremental, "Incremental Syncs to time (20)", "N" },
	{ "digest", 'd', 0, G_OPTION_ARG_NONE, &digest, "Print a SHA-256 of each folder's Commands (to compare builds)", NULL },
	{ NULL }
};

/* ---- the files to import ------------------------------------------------ */

/* As Outlook and Google Calendar write them: yearly rules, with history. */
static const char vtz_berlin[] =
	"BEGIN:VTIMEZONE\r\n"
	"TZID:Europe/Berlin\r\n"
	"X-LIC-LOCATION:Europe/Berlin\r\n"
	"BEGIN:DAYLIGHT\r\n"
	"TZOFFSETFROM:+0100\r\n"
	"TZOFFSETTO:+0200\r\n"
	"TZNAME:CEST\r\n"
	"DTSTART:19700329T020000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
	"END:DAYLIGHT\r\n"
	"BEGIN:STANDARD\r\n"
	"TZOFFSETFROM:+0200\r\n"
	"TZOFFSETTO:+0100\r\n"
	"TZNAME:CET\r\n"
	"DTSTART:19701025T030000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
	"END:STANDARD\r\n"
	"END:VTIMEZONE\r\n";

static const char vtz_new_york[] =
	"BEGIN:VTIMEZONE\r\n"
	"TZID:America/New_York\r\n"
	"X-LIC-LOCATION:America/New_York\r\n"
	"BEGIN:DAYLIGHT\r\n"
	"TZOFFSETFROM:-0500\r\n"
	"TZOFFSETTO:-0400\r\n"
	"TZNAME:EDT\r\n"
	"DTSTART:19700308T020000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"
	"END:DAYLIGHT\r\n"
	"BEGIN:STANDARD\r\n"
	"TZOFFSETFROM:-0400\r\n"
	"TZOFFSETTO:-0500\r\n"
	"TZNAME:EST\r\n"
	"DTSTART:19701101T020000\r\n"
	"RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n"
	"END:STANDARD\r\n"
	"END:VTIMEZONE\r\n";

static const char *const words[] = {
	"meeting", "project", "review", "budget", "planning", "team", "call", "lunch",
	"quarterly", "design", "sync", "customer", "workshop", "training", "interview", "offsite",
};

static void
add_words (GString *s, GRand *rand, guint n)
{
	for (guint i = 0; i < n; i++) {
		if (i > 0)
			g_string_append_c (s, ' ');
		g_string_append (s, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
	}
}

/* "20260314T093000" (local) for day d (from 2025-01-01) at minutes m. */
static char *
local_time (int day, int minutes)
{
	g_autoptr (GDateTime) base = g_date_time_new_utc (2025, 1, 1, 0, 0, 0);
	g_autoptr (GDateTime) t = g_date_time_add_seconds (base, (gdouble) day * 86400 + minutes * 60);

	return g_date_time_format (t, "%Y%m%dT%H%M%S");
}

static char *
local_date (int day)
{
	g_autoptr (GDateTime) base = g_date_time_new_utc (2025, 1, 1, 0, 0, 0);
	g_autoptr (GDateTime) t = g_date_time_add_days (base, day);

	return g_date_time_format (t, "%Y%m%d");
}

static void
write_event (GString *s, GRand *rand, guint i)
{
	int zone_pick = g_rand_int_range (rand, 0, 100);
	const char *tzid = zone_pick < 50 ? "Europe/Berlin" : zone_pick < 90 ? "America/New_York" : NULL;
	gboolean all_day = g_rand_int_range (rand, 0, 100) < 5;
	gboolean weekly = g_rand_int_range (rand, 0, 100) < 20;
	gboolean attendees = g_rand_int_range (rand, 0, 100) < 30;
	int day = g_rand_int_range (rand, 0, 730);
	int start = 60 * g_rand_int_range (rand, 7, 19) + 15 * g_rand_int_range (rand, 0, 4);
	int length = 30 * g_rand_int_range (rand, 1, 5);
	g_autofree char *tz_param = tzid ? g_strdup_printf (";TZID=%s", tzid) : g_strdup ("");
	const char *z = tzid ? "" : "Z";
	g_autofree char *dtstart = all_day ? local_date (day) : local_time (day, start);
	g_autofree char *dtend = all_day ? local_date (day + 1) : local_time (day, start + length);
	g_autofree char *uid = g_strdup_printf ("bench-event-%u@example.org", i);
	g_autoptr (GString) summary = g_string_new (NULL);

	add_words (summary, rand, (guint) g_rand_int_range (rand, 2, 6));
	g_string_append (s, "BEGIN:VEVENT\r\n");
	g_string_append_printf (s, "UID:%s\r\nDTSTAMP:20250101T000000Z\r\n", uid);
	if (all_day)
		g_string_append_printf (s, "DTSTART;VALUE=DATE:%s\r\nDTEND;VALUE=DATE:%s\r\n", dtstart, dtend);
	else
		g_string_append_printf (s, "DTSTART%s:%s%s\r\nDTEND%s:%s%s\r\n",
		                        tz_param, dtstart, z, tz_param, dtend, z);
	g_string_append_printf (s, "SUMMARY:%s %u\r\n", summary->str, i);
	if (g_rand_int_range (rand, 0, 100) < 40)
		g_string_append_printf (s, "LOCATION:Room %d\r\n", g_rand_int_range (rand, 100, 500));
	if (g_rand_int_range (rand, 0, 100) < 50) {
		g_autoptr (GString) d = g_string_new (NULL);

		add_words (d, rand, (guint) g_rand_int_range (rand, 10, 80));
		g_string_append_printf (s, "DESCRIPTION:%s\r\n", d->str);
	}
	if (g_rand_int_range (rand, 0, 100) < 25)
		g_string_append (s, "CATEGORIES:Work\r\n");
	if (attendees) {
		int n = g_rand_int_range (rand, 2, 9);

		g_string_append_printf (s, "ORGANIZER;CN=Organizer %u:mailto:org%u@example.org\r\n", i % 53, i % 53);
		for (int k = 0; k < n; k++)
			g_string_append_printf (s, "ATTENDEE;CN=Person %d;ROLE=%s;PARTSTAT=%s;RSVP=TRUE:"
			                        "mailto:person%d@example.org\r\n",
			                        (int) ((i + (guint) k) % 211), k % 3 == 2 ? "OPT-PARTICIPANT" : "REQ-PARTICIPANT",
			                        k % 2 ? "ACCEPTED" : "NEEDS-ACTION", (int) ((i + (guint) k) % 211));
	}
	if (weekly && !all_day) {
		g_autofree char *ex_orig = local_time (day + 14, start);
		g_autofree char *ex_new = local_time (day + 15, start + 60);
		g_autofree char *ex_end = local_time (day + 15, start + 60 + length);
		g_autofree char *skip = local_time (day + 21, start);

		g_string_append_printf (s, "RRULE:FREQ=WEEKLY;COUNT=%d\r\n", g_rand_int_range (rand, 10, 53));
		g_string_append_printf (s, "EXDATE%s:%s%s\r\n", tz_param, skip, z);
		if (g_rand_int_range (rand, 0, 100) < 50)
			g_string_append (s, "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\n"
			                 "TRIGGER:-PT15M\r\nEND:VALARM\r\n");
		g_string_append (s, "END:VEVENT\r\n");
		/* The moved occurrence, a day later and an hour later. */
		g_string_append (s, "BEGIN:VEVENT\r\n");
		g_string_append_printf (s, "UID:%s\r\nDTSTAMP:20250101T000000Z\r\n", uid);
		g_string_append_printf (s, "RECURRENCE-ID%s:%s%s\r\n", tz_param, ex_orig, z);
		g_string_append_printf (s, "DTSTART%s:%s%s\r\nDTEND%s:%s%s\r\n",
		                        tz_param, ex_new, z, tz_param, ex_end, z);
		g_string_append_printf (s, "SUMMARY:%s %u (moved)\r\n", summary->str, i);
		g_string_append (s, "END:VEVENT\r\n");
		return;
	}
	if (g_rand_int_range (rand, 0, 100) < 50)
		g_string_append (s, "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\n"
		                 "TRIGGER:-PT15M\r\nEND:VALARM\r\n");
	g_string_append (s, "END:VEVENT\r\n");
}

static char *
make_events (GRand *rand)
{
	GString *s = g_string_new ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Airdock//bench//EN\r\n");

	g_string_append (s, vtz_berlin);
	g_string_append (s, vtz_new_york);
	for (gint i = 0; i < n_events; i++)
		write_event (s, rand, (guint) i);
	g_string_append (s, "END:VCALENDAR\r\n");
	return g_string_free (s, FALSE);
}

static char *
make_tasks (GRand *rand)
{
	GString *s = g_string_new ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Airdock//bench//EN\r\n");

	for (gint i = 0; i < n_tasks; i++) {
		g_autoptr (GString) summary = g_string_new (NULL);
		g_autofree char *due = local_date (g_rand_int_range (rand, 0, 730));
		int pick = g_rand_int_range (rand, 0, 100);

		add_words (summary, rand, (guint) g_rand_int_range (rand, 2, 6));
		g_string_append_printf (s, "BEGIN:VTODO\r\nUID:bench-task-%d@example.org\r\n"
		                        "DTSTAMP:20250101T000000Z\r\nSUMMARY:%s %d\r\n",
		                        i, summary->str, i);
		if (pick < 70)
			g_string_append_printf (s, "DUE;VALUE=DATE:%s\r\n", due);
		if (pick < 30)
			g_string_append (s, "STATUS:COMPLETED\r\nCOMPLETED:20250301T120000Z\r\n");
		if (pick % 4 == 0)
			g_string_append_printf (s, "PRIORITY:%d\r\n", 1 + pick % 9);
		if (pick % 3 == 0) {
			g_autoptr (GString) d = g_string_new (NULL);

			add_words (d, rand, (guint) g_rand_int_range (rand, 5, 40));
			g_string_append_printf (s, "DESCRIPTION:%s\r\n", d->str);
		}
		g_string_append (s, "END:VTODO\r\n");
	}
	g_string_append (s, "END:VCALENDAR\r\n");
	return g_string_free (s, FALSE);
}

static char *
make_contacts (GRand *rand)
{
	static const char *const given[] = { "Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hugo" };
	static const char *const family[] = { "Meyer", "Smith", "Garcia", "Nguyen", "Kowalski", "Rossi", "Brown" };
	GString *s = g_string_new (NULL);

	for (gint i = 0; i < n_contacts; i++) {
		const char *g = given[g_rand_int_range (rand, 0, G_N_ELEMENTS (given))];
		const char *f = family[g_rand_int_range (rand, 0, G_N_ELEMENTS (family))];

		g_string_append_printf (s, "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-contact-%d\r\n"
		                        "N:%s;%s;;;\r\nFN:%s %s\r\n"
		                        "EMAIL;TYPE=INTERNET,WORK:%s.%s%d@example.org\r\n",
		                        i, f, g, g, f, g, f, i);
		if (g_rand_int_range (rand, 0, 100) < 70)
			g_string_append_printf (s, "TEL;TYPE=CELL:+49 151 %07d\r\n", g_rand_int_range (rand, 0, 9999999));
		if (g_rand_int_range (rand, 0, 100) < 40)
			g_string_append_printf (s, "TEL;TYPE=WORK:+1 212 555 %04d\r\n", g_rand_int_range (rand, 0, 9999));
		if (g_rand_int_range (rand, 0, 100) < 50)
			g_string_append_printf (s, "ORG:Company %d;Sales\r\nTITLE:Manager\r\n", g_rand_int_range (rand, 0, 300));
		if (g_rand_int_range (rand, 0, 100) < 30)
			g_string_append_printf (s, "ADR;TYPE=WORK:;;%d Main Street;Springfield;;12345;USA\r\n",
			                        g_rand_int_range (rand, 1, 999));
		if (g_rand_int_range (rand, 0, 100) < 20)
			g_string_append (s, "BDAY:1980-05-17\r\n");
		if (g_rand_int_range (rand, 0, 100) < 15)
			g_string_append (s, "NOTE:Met at the conference\\, follow up.\r\n");
		g_string_append (s, "END:VCARD\r\n");
	}
	return g_string_free (s, FALSE);
}

/* `airdockctl --data-dir D import USER path`; a failure ends the bench. */
static void
import (AirdockHarness *h, const char *name, const char *text)
{
	g_autofree char *path = g_build_filename (h->dir, name, NULL);
	g_autofree char *ctl = airdock_harness_build_path ("server/airdockctl");
	const char *argv[] = { ctl, "--data-dir", h->data_dir, "import", USER, path, NULL };
	g_autoptr (GError) error = NULL;
	g_autofree char *err = NULL;
	int status = 0;
	gint64 t0 = g_get_monotonic_time ();

	if (!g_file_set_contents (path, text, -1, &error))
		g_error ("%s", error->message);
	if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
	                   NULL, &err, &status, &error) ||
	    !g_spawn_check_wait_status (status, &error))
		g_error ("airdockctl import %s: %s\n%s", name, error->message, err ? err : "");
	printf ("setup: imported %s (%.1f MiB) in %.1f s\n", name, strlen (text) / 1048576.0,
	        (g_get_monotonic_time () - t0) / 1e6);
	g_unlink (path);
}

/* ---- syncing ------------------------------------------------------------ */

typedef struct {
	char *key;
	guint adds;
	guint changes;
	gboolean more;
	gsize bytes;
	GPtrArray *server_ids;	/* of the first Adds, for the incremental runs */
	GChecksum *commands;	/* the Commands as XML, with --digest */
} SyncResult;

static void
do_sync (AirdockEasClient *c, const char *folder, gboolean calendar, SyncResult *io)
{
	g_autoptr (EasNode) root = bench_sync_request (io->key, folder, window, calendar ? "0" : NULL, "1", 32768);
	EasNode *cmds = NULL;
	g_autoptr (AirdockEasResponse) r = bench_sync_post (c, root, &io->key, &io->more, &io->bytes, &cmds);

	if (digest && cmds != NULL) {
		g_autoptr (GBytes) wbxml = eas_node_encode (cmds);
		gsize len = 0;
		const guchar *p = g_bytes_get_data (wbxml, &len);

		if (io->commands == NULL)
			io->commands = g_checksum_new (G_CHECKSUM_SHA256);
		g_checksum_update (io->commands, p, (gssize) len);
	}
	for (EasNode *n = cmds ? cmds->first_child : NULL; n != NULL; n = n->next) {
		io->adds += n->tag == EAS_AIRSYNC_ADD;
		io->changes += n->tag == EAS_AIRSYNC_CHANGE;
		if (n->tag == EAS_AIRSYNC_ADD && io->server_ids != NULL && io->server_ids->len < 1000)
			g_ptr_array_add (io->server_ids, g_strdup (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID)));
	}
}

/* Initial Sync of one folder, printed as one line. */
static void
initial (AirdockHarness *h, AirdockEasClient *c, const char *label, const char *folder,
         gboolean calendar, gint expected, SyncResult *state)
{
	guint requests = 0;
	guint64 cpu0, cpu1;
	gint64 w0, w1;

	do_sync (c, folder, calendar, state);	/* key 0 → first key, no items */
	state->bytes = 0;
	cpu0 = bench_server_cpu_ns (h->pid);
	w0 = g_get_monotonic_time ();
	do {
		do_sync (c, folder, calendar, state);
		requests++;
	} while (state->more);
	w1 = g_get_monotonic_time ();
	cpu1 = bench_server_cpu_ns (h->pid);
	printf ("initial Sync %-8s: %5u items, %3u requests, %6.1f MiB of WBXML, server CPU %7.3f s, wall %7.3f s\n",
	        label, state->adds, requests, state->bytes / 1048576.0, (cpu1 - cpu0) / 1e9, (w1 - w0) / 1e6);
	if (state->commands != NULL)
		printf ("  digest of the Commands: %s\n", g_checksum_get_string (state->commands));
	if (state->adds < (guint) expected)
		printf ("  note: expected %d %s, got %u\n", expected, label, state->adds);
}

/* The stored iCalendar with its first SUMMARY renamed (run i). */
static GBytes *
changed_data (GBytes *data, gint i)
{
	gsize len = 0;
	const char *p = g_bytes_get_data (data, &len);
	g_autofree char *text = g_strndup (p, len);
	char *at = strstr (text, "SUMMARY:");
	GString *s = g_string_new (NULL);

	if (at == NULL)
		g_error ("stored event without SUMMARY");
	g_string_append_len (s, text, at - text);
	g_string_append_printf (s, "SUMMARY:Changed %d ", i);
	g_string_append (s, at + strlen ("SUMMARY:"));
	return g_string_free_to_bytes (s);
}

static void
incremental (AirdockHarness *h, AirdockdStore *store, gint64 uid, const char *folder,
             AirdockEasClient *c, SyncResult *state)
{
	g_autofree guint64 *cpu = g_new0 (guint64, MAX (n_incremental, 1));
	g_autofree char *summary = NULL;

	g_clear_pointer (&state->commands, g_checksum_free);
	if (n_incremental <= 0 || state->server_ids->len == 0)
		return;
	for (gint i = 0; i < n_incremental; i++) {
		const char *id = g_ptr_array_index (state->server_ids, (guint) i % state->server_ids->len);
		g_autoptr (GError) error = NULL;
		g_autoptr (AirdockdItem) item = airdockd_store_item_get (store, uid, id, &error);
		g_autoptr (GBytes) data = NULL;
		guint changes = state->changes;
		guint64 before;

		if (item == NULL)
			g_error ("%s", error->message);
		data = changed_data (item->data, i);
		if (!airdockd_store_item_set_data (store, uid, id, data, &error))
			g_error ("%s", error->message);
		before = bench_server_cpu_ns (h->pid);
		do_sync (c, folder, TRUE, state);
		cpu[i] = bench_server_cpu_ns (h->pid) - before;
		if (state->changes != changes + 1)
			g_error ("incremental Sync brought %u changes", state->changes - changes);
	}
	summary = bench_ns_summary (cpu, (gsize) n_incremental);
	printf ("incremental Sync Calendar (1 changed event, %d runs): server CPU %s\n",
	        n_incremental, summary);
}

static char *
folder_of (AirdockdStore *store, gint64 uid, AirdockdFolderType type)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) folder = airdockd_store_folder_get_by_type (store, uid, type, &error);

	if (folder == NULL)
		g_error ("%s", error->message);
	return g_strdup (folder->server_id);
}

static void
result_clear (SyncResult *r)
{
	g_free (r->key);
	g_clear_pointer (&r->server_ids, g_ptr_array_unref);
	g_clear_pointer (&r->commands, g_checksum_free);
}

int
main (int argc, char **argv)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GRand) rand = g_rand_new_with_seed (20261126);
	SyncResult cal = { .key = g_strdup ("0"), .server_ids = g_ptr_array_new_with_free_func (g_free) };
	SyncResult contacts = { .key = g_strdup ("0") };
	SyncResult tasks = { .key = g_strdup ("0") };

	if (!bench_init (&argc, &argv, "- time initial Sync of calendar, contacts, tasks", options))
		return 2;

	g_autoptr (AirdockHarness) h = airdock_harness_start (NULL);
	gint64 uid = airdock_harness_add_user (h, USER, "bench@example.org", PASSWORD);
	g_autoptr (AirdockdStore) store = airdock_harness_open_store (h);
	g_autofree char *cal_id = folder_of (store, uid, AIRDOCKD_FOLDER_CALENDAR);
	g_autofree char *contacts_id = folder_of (store, uid, AIRDOCKD_FOLDER_CONTACTS);
	g_autofree char *tasks_id = folder_of (store, uid, AIRDOCKD_FOLDER_TASKS);

	{
		g_autofree char *events_text = make_events (rand);
		g_autofree char *contacts_text = make_contacts (rand);
		g_autofree char *tasks_text = make_tasks (rand);

		import (h, "events.ics", events_text);
		import (h, "contacts.vcf", contacts_text);
		import (h, "tasks.ics", tasks_text);
	}

	g_autoptr (AirdockEasClient) c = airdock_eas_client_new (h, FALSE, USER, PASSWORD, "BENCHPIM", "Bench", 161);
	if (!airdock_eas_client_provision (c, NULL, &error))
		g_error ("provision: %s", error->message);
	/* FolderSync once, as a phone does before its first Sync. */
	{
		g_autoptr (AirdockEasResponse) r = airdock_eas_client_folder_sync (c, "0", &error);

		if (r == NULL || r->http_status != 200)
			g_error ("FolderSync failed");
	}

	printf ("WindowSize %d, protocol 16.1\n", window);
	initial (h, c, "Calendar", cal_id, TRUE, n_events, &cal);
	initial (h, c, "Contacts", contacts_id, FALSE, n_contacts, &contacts);
	initial (h, c, "Tasks", tasks_id, FALSE, n_tasks, &tasks);
	incremental (h, store, uid, cal_id, c, &cal);

	result_clear (&cal);
	result_clear (&contacts);
	result_clear (&tasks);
	return 0;
}
