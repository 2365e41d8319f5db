/* The store ⇄ server reconciler against the real airdockd over HTTPS, with
 * a phone of the same user (the EAS test client): both directions for notes
 * and tasks, deletions, conflicts (keep both / server wins), paging, a lost
 * SyncKey, and network drops at many points of a run. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "conduit/conduit-reconcile.h"
#include "tests/conduit/test-reconcile-proxy.h"
#include "tests/conduit/test-reconcile-util.h"

#define USER "alice"
#define PASSWORD "s3cret-alice"

typedef struct {
	AirdockHarness *h;
	gint64 uid;
	Phone phone;
	char *dir;
	char *store_path;
	PststoreStore *store;
	ConduitReconcileOptions opts;
	ConduitReconcileStats stats;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	(void) data;
	f->h = airdock_harness_start (NULL);
	f->uid = airdock_harness_add_user (f->h, USER, "alice@example.org", PASSWORD);
	phone_init (&f->phone, f->h, f->uid, USER, PASSWORD);
	f->dir = g_dir_make_tmp ("test-reconcile-XXXXXX", &error);
	g_assert_no_error (error);
	f->store_path = g_build_filename (f->dir, "store.sqlite", NULL);
	f->store = pststore_open (f->store_path, &error);
	g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	(void) data;
	g_clear_pointer (&f->store, pststore_close);
	phone_clear (&f->phone);
	g_clear_pointer (&f->h, airdock_harness_free);
	airdock_harness_remove_tree (f->dir);
	g_free (f->dir);
	g_free (f->store_path);
}

/* One run through port (0: straight to the server). */
static gboolean
run_via (Fixture *f, guint16 port, GError **error)
{
	g_autoptr (ConduitAccount) account = test_account_new (f->h, port, USER, PASSWORD);
	g_autoptr (ConduitEas) eas = conduit_eas_new (account, f->dir, error);

	memset (&f->stats, 0, sizeof f->stats);
	if (eas == NULL)
		return FALSE;
	conduit_eas_set_timeout (eas, 20);
	if (!conduit_eas_connect (eas, error))
		return FALSE;
	return conduit_reconcile_run (f->store, eas, account->id, &f->opts, &f->stats, error);
}

static void
run_ok (Fixture *f)
{
	g_autoptr (GError) error = NULL;

	g_assert_true (run_via (f, 0, &error));
	g_assert_no_error (error);
}

static gint64
store_add (Fixture *f, PststoreKind kind, const char *subject, const char *body)
{
	g_autoptr (PststoreItem) it = pststore_item_new (kind == PSTSTORE_KIND_NOTE ? "IPM.StickyNote" : "IPM.Task");
	g_autoptr (GError) error = NULL;

	it->folder_id = pststore_folder_default (f->store, kind, &error);
	it->subject = g_strdup (subject);
	it->body = g_strdup (body);
	g_assert_true (pststore_item_save (f->store, it, NULL, &error));
	g_assert_no_error (error);
	return it->id;
}

static PststoreItem *
store_find (Fixture *f, PststoreKind kind, const char *subject)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) items = pststore_item_list (f->store, pststore_folder_default (f->store, kind, NULL), &error);

	g_assert_no_error (error);
	for (guint i = 0; i < items->len; i++) {
		PststoreItem *it = g_ptr_array_index (items, i);

		if (g_strcmp0 (it->subject, subject) == 0)
			return pststore_item_copy (it);
	}
	return NULL;
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The store's items in the phone's format (phone_list). */
static char *
store_dump (Fixture *f, PststoreKind kind)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) items = pststore_item_list (f->store, pststore_folder_default (f->store, kind, NULL), &error);
	g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

	g_assert_no_error (error);
	for (guint i = 0; i < items->len; i++) {
		PststoreItem *it = g_ptr_array_index (items, i);

		if (kind == PSTSTORE_KIND_NOTE)
			g_ptr_array_add (lines, g_strdup_printf ("%s|%s", it->subject ? it->subject : "", it->body ? it->body : ""));
		else
			g_ptr_array_add (lines, g_strdup_printf ("%s|%d", it->subject ? it->subject : "", it->task_complete != 0));
	}
	g_ptr_array_sort (lines, cmp_str);
	g_ptr_array_add (lines, NULL);
	return g_strjoinv ("\n", (char **) lines->pdata);
}

/* Notes as the store and the phone hold them (a phone's note whose body
 * does not start with its title has it prepended in the store only). */
static void
assert_sides (Fixture *f, const char *want_store_notes, const char *want_phone_notes, const char *want_tasks)
{
	g_autofree char *sn = store_dump (f, PSTSTORE_KIND_NOTE);
	g_autofree char *pn = phone_list (&f->phone, PHONE_NOTES);
	g_autofree char *st = store_dump (f, PSTSTORE_KIND_TASK);
	g_autofree char *pt = phone_list (&f->phone, PHONE_TASKS);

	g_assert_cmpstr (sn, ==, want_store_notes);
	g_assert_cmpstr (pn, ==, want_phone_notes);
	g_assert_cmpstr (st, ==, want_tasks);
	g_assert_cmpstr (pt, ==, want_tasks);
}

static void
assert_same (Fixture *f, const char *want_notes, const char *want_tasks)
{
	assert_sides (f, want_notes, want_notes, want_tasks);
}

/* ---- tests ------------------------------------------------------------------ */

static void
test_notes_both_ways (Fixture *f, gconstpointer data)
{
	g_autofree char *sid = NULL;
	g_autoptr (PststoreItem) it = NULL;
	g_autoptr (GError) error = NULL;

	(void) data;
	store_add (f, PSTSTORE_KIND_NOTE, "Shopping", "Shopping\nmilk\neggs");
	run_ok (f);
	g_assert_cmpuint (f->stats.server_added, ==, 1);
	assert_same (f, "Shopping|Shopping\nmilk\neggs", "");

	/* From the phone: a note whose body does not repeat its title. */
	g_free (phone_add (&f->phone, PHONE_NOTES, "Ideas", "more tests"));
	run_ok (f);
	g_assert_cmpuint (f->stats.local_added, ==, 1);
	it = store_find (f, PSTSTORE_KIND_NOTE, "Ideas");
	g_assert_nonnull (it);
	g_assert_cmpstr (it->body, ==, "Ideas\nmore tests");
	/* The phone keeps its own form: nothing is echoed back. */
	run_ok (f);
	g_assert_cmpuint (f->stats.server_changed, ==, 0);
	assert_sides (f, "Ideas|Ideas\nmore tests\nShopping|Shopping\nmilk\neggs",
		      "Ideas|more tests\nShopping|Shopping\nmilk\neggs", "");

	/* Changed on the phone. */
	sid = phone_find (&f->phone, PHONE_NOTES, "Shopping");
	g_assert_nonnull (sid);
	phone_change (&f->phone, PHONE_NOTES, sid, "Shopping", "Shopping\nmilk\nbread", FALSE);
	run_ok (f);
	g_assert_cmpuint (f->stats.local_changed, ==, 1);
	assert_sides (f, "Ideas|Ideas\nmore tests\nShopping|Shopping\nmilk\nbread",
		      "Ideas|more tests\nShopping|Shopping\nmilk\nbread", "");

	/* Deleted on the desktop, then on the phone. */
	g_clear_pointer (&it, pststore_item_free);
	it = store_find (f, PSTSTORE_KIND_NOTE, "Ideas");
	g_assert_true (pststore_item_delete (f->store, it->id, NULL, &error));
	g_assert_no_error (error);
	run_ok (f);
	g_assert_cmpuint (f->stats.server_deleted, ==, 1);
	assert_same (f, "Shopping|Shopping\nmilk\nbread", "");
	phone_delete (&f->phone, PHONE_NOTES, sid);
	run_ok (f);
	g_assert_cmpuint (f->stats.local_deleted, ==, 1);
	assert_same (f, "", "");
	/* Quiet when nothing changed. */
	run_ok (f);
	g_assert_cmpuint (f->stats.server_added + f->stats.server_changed + f->stats.server_deleted, ==, 0);
	g_assert_cmpuint (f->stats.local_added + f->stats.local_changed + f->stats.local_deleted, ==, 0);
}

static void
test_tasks_complete (Fixture *f, gconstpointer data)
{
	g_autofree char *sid = NULL;
	g_autoptr (PststoreItem) it = NULL;
	g_autoptr (GError) error = NULL;

	(void) data;
	store_add (f, PSTSTORE_KIND_TASK, "Call Bob", "about Q4");
	run_ok (f);
	assert_same (f, "", "Call Bob|0");
	sid = phone_find (&f->phone, PHONE_TASKS, "Call Bob");
	g_assert_nonnull (sid);
	phone_change (&f->phone, PHONE_TASKS, sid, "Call Bob", "about Q4", TRUE);
	run_ok (f);
	it = store_find (f, PSTSTORE_KIND_TASK, "Call Bob");
	g_assert_true (it->task_complete);
	g_assert_cmpint (it->task_status, ==, PSTSTORE_TASK_COMPLETE);
	g_assert_cmpstr (it->body, ==, "about Q4");
	assert_same (f, "", "Call Bob|1");

	/* Completed on the desktop goes the other way. */
	store_add (f, PSTSTORE_KIND_TASK, "Pay rent", NULL);
	run_ok (f);
	g_clear_pointer (&it, pststore_item_free);
	it = store_find (f, PSTSTORE_KIND_TASK, "Pay rent");
	it->task_complete = TRUE;
	g_assert_true (pststore_item_save (f->store, it, NULL, &error));
	g_assert_no_error (error);
	run_ok (f);
	assert_same (f, "", "Call Bob|1\nPay rent|1");
}

static void
test_conflict (Fixture *f, gconstpointer data)
{
	gboolean server_wins = GPOINTER_TO_INT (data);
	g_autofree char *sid = NULL;
	g_autoptr (PststoreItem) it = NULL;
	g_autoptr (GError) error = NULL;

	f->opts.server_wins = server_wins;
	store_add (f, PSTSTORE_KIND_NOTE, "Plan", "Plan\nv1");
	run_ok (f);
	sid = phone_find (&f->phone, PHONE_NOTES, "Plan");
	phone_change (&f->phone, PHONE_NOTES, sid, "Plan", "Plan\nphone", FALSE);
	it = store_find (f, PSTSTORE_KIND_NOTE, "Plan");
	g_free (it->body);
	it->body = g_strdup ("Plan\ndesktop");
	g_assert_true (pststore_item_save (f->store, it, NULL, &error));
	g_assert_no_error (error);
	run_ok (f);
	if (server_wins) {
		g_assert_cmpuint (f->stats.conflicts, ==, 0);
		assert_same (f, "Plan|Plan\nphone", "");
	} else {
		g_assert_cmpuint (f->stats.conflicts, ==, 1);
		assert_same (f, "Plan|Plan\ndesktop\nPlan|Plan\nphone", "");
	}
	/* Settled: the next run changes nothing. */
	run_ok (f);
	g_assert_cmpuint (f->stats.conflicts + f->stats.local_added + f->stats.server_added, ==, 0);
}

static void
test_paging (Fixture *f, gconstpointer data)
{
	(void) data;
	f->opts.window_size = 2;
	for (guint i = 0; i < 5; i++) {
		g_autofree char *s = g_strdup_printf ("phone %u", i);

		g_free (phone_add (&f->phone, PHONE_NOTES, s, s));
		s[0] = 'P';
		store_add (f, PSTSTORE_KIND_NOTE, s, s);
	}
	run_ok (f);
	g_assert_cmpuint (f->stats.local_added, ==, 5);
	g_assert_cmpuint (f->stats.server_added, ==, 5);
	/* FolderSync, key, 3 pages of 2 for notes, 3 pushes, 2 for tasks. */
	g_assert_cmpuint (f->stats.round_trips, >=, 9);
	assert_same (f, "Phone 0|Phone 0\nPhone 1|Phone 1\nPhone 2|Phone 2\nPhone 3|Phone 3\nPhone 4|Phone 4\n"
		     "phone 0|phone 0\nphone 1|phone 1\nphone 2|phone 2\nphone 3|phone 3\nphone 4|phone 4", "");
}

/* The server forgets our key (a key it never gave): Status 3, then a full
 * resync that loses and doubles nothing. */
static void
test_synckey_reset (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *rec = NULL;
	g_autofree char *partner = NULL;
	gint64 folder;

	(void) data;
	store_add (f, PSTSTORE_KIND_NOTE, "Kept", "Kept");
	g_free (phone_add (&f->phone, PHONE_NOTES, "Phone", "Phone"));
	run_ok (f);
	assert_same (f, "Kept|Kept\nPhone|Phone", "");
	g_free (phone_add (&f->phone, PHONE_NOTES, "Later", "Later"));
	store_add (f, PSTSTORE_KIND_NOTE, "Local", "Local");
	partner = conduit_reconcile_partner (USER "@127.0.0.1");
	folder = pststore_folder_default (f->store, PSTSTORE_KIND_NOTE, NULL);
	rec = pststore_partner_lookup_record (f->store, partner, -folder, &error);
	g_assert_no_error (error);
	g_assert_nonnull (rec);
	g_assert_true (g_str_has_prefix (rec, "synckey\t"));
	*strrchr (rec, '\t') = '\0';
	g_free (g_steal_pointer (&rec));
	rec = g_strdup_printf ("synckey\t%s\t{8e7a3b1c-0000-4000-8000-000000000000}7", f->phone.collection[PHONE_NOTES]);
	g_assert_true (pststore_partner_map (f->store, partner, rec, -folder, &error));
	g_assert_no_error (error);
	run_ok (f);
	g_assert_true (f->stats.resync);
	assert_same (f, "Kept|Kept\nLater|Later\nLocal|Local\nPhone|Phone", "");
}

/* Contacts and appointments travel as vCard / iCalendar in the store. */
static void
test_contacts_calendar (Fixture *f, gconstpointer data)
{
	g_autoptr (PststoreItem) it = pststore_item_new ("IPM.Contact");
	g_autoptr (PststoreItem) ev = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *contacts = NULL, *events = NULL;

	(void) data;
	it->folder_id = pststore_folder_default (f->store, PSTSTORE_KIND_CONTACT, NULL);
	it->subject = g_strdup ("Ann Example");
	it->data = g_strdup ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Example\r\nN:Example;Ann;;;\r\n"
			     "EMAIL;TYPE=INTERNET:ann@example.org\r\nEND:VCARD\r\n");
	g_assert_true (pststore_item_save (f->store, it, NULL, &error));
	g_assert_no_error (error);
	g_free (phone_add (&f->phone, PHONE_CALENDAR, "Meeting", NULL));
	run_ok (f);
	contacts = phone_list (&f->phone, PHONE_CONTACTS);
	g_assert_cmpstr (contacts, ==, "Ann|ann@example.org");
	ev = store_find (f, PSTSTORE_KIND_APPOINTMENT, "Meeting");
	g_assert_nonnull (ev);
	g_assert_nonnull (strstr (ev->data, "BEGIN:VCALENDAR"));
	g_assert_nonnull (strstr (ev->data, "SUMMARY:Meeting"));
	/* Renamed on the desktop: the phone sees the new subject, same time. */
	g_free (ev->subject);
	ev->subject = g_strdup ("Team meeting");
	g_assert_true (pststore_item_save (f->store, ev, NULL, &error));
	g_assert_no_error (error);
	run_ok (f);
	events = phone_list (&f->phone, PHONE_CALENDAR);
	g_assert_cmpstr (events, ==, "Team meeting|1767258000");
	/* Quiet afterwards. */
	run_ok (f);
	g_assert_cmpuint (f->stats.local_added + f->stats.local_changed + f->stats.server_added, ==, 0);
}

/* The administrator wipes the desktop: the sync stops with a clear error,
 * sends no acknowledgement, and deletes nothing on the desktop. */
static void
test_remote_wipe (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *ctl = airdock_harness_build_path ("server/airdockctl");
	g_autofree char *id_path = g_build_filename (f->dir, "eas-device-id", NULL);
	g_autofree char *device = NULL, *notes = NULL;
	int status = 0;

	(void) data;
	store_add (f, PSTSTORE_KIND_NOTE, "Keep me", "Keep me");
	run_ok (f);
	g_assert_true (g_file_get_contents (id_path, &device, NULL, &error));
	g_assert_no_error (error);
	g_strstrip (device);
	{
		const char *argv[] = { ctl, "--data-dir", f->h->data_dir, "devices", "wipe", USER, device, NULL };

		g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
					     NULL, &status, &error));
		g_assert_no_error (error);
		g_assert_true (g_spawn_check_wait_status (status, NULL));
	}
	g_assert_false (run_via (f, 0, &error));
	g_assert_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_WIPE);
	g_assert_nonnull (strstr (error->message, "no data on the desktop was deleted"));
	notes = store_dump (f, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Keep me|Keep me");
}

/* Clear errors: a wrong password, a certificate that is not the pinned
 * one, no server at all, no EAS at the URL. */
static void
test_errors (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ConduitAccount) a = test_account_new (f->h, 0, USER, "wrong");
	g_autoptr (ConduitEas) eas = NULL;
	char pinned;

	(void) data;
	eas = conduit_eas_new (a, f->dir, &error);
	g_assert_no_error (error);
	g_assert_false (conduit_eas_connect (eas, &error));
	g_assert_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_AUTH);
	g_assert_nonnull (strstr (error->message, "password"));
	g_assert_null (strstr (error->message, "wrong"));
	g_clear_error (&error);
	g_clear_pointer (&eas, conduit_eas_free);

	g_free (a->password);
	a->password = g_strdup (PASSWORD);
	pinned = a->cert_sha256[0];
	a->cert_sha256[0] = pinned == '0' ? '1' : '0';
	eas = conduit_eas_new (a, f->dir, &error);
	g_assert_false (conduit_eas_connect (eas, &error));
	g_assert_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_CERTIFICATE);
	g_assert_nonnull (strstr (error->message, "not trusted"));
	g_clear_error (&error);
	g_clear_pointer (&eas, conduit_eas_free);

	g_free (a->url);
	a->url = g_strdup_printf ("https://127.0.0.1:%u/nothing-here", f->h->https_port);
	a->cert_sha256[0] = pinned;
	eas = conduit_eas_new (a, f->dir, &error);
	g_assert_false (conduit_eas_connect (eas, &error));
	g_assert_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_HTTP);
	g_assert_nonnull (strstr (error->message, "404"));
	g_clear_error (&error);
	g_clear_pointer (&eas, conduit_eas_free);

	airdock_harness_stop (f->h);
	eas = conduit_eas_new (a, f->dir, &error);
	g_assert_false (conduit_eas_connect (eas, &error));
	g_assert_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_NETWORK);
}

/* Another provisioning of the same DeviceId makes our policy key stale
 * mid-run: the server answers 144 (or 449), the client provisions again
 * and the run completes. */
static void
test_reprovision (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ConduitAccount) account = test_account_new (f->h, 0, USER, PASSWORD);
	g_autoptr (ConduitEas) eas = conduit_eas_new (account, f->dir, &error);
	g_autoptr (AirdockEasClient) other = NULL;
	g_autofree char *notes = NULL;

	(void) data;
	g_assert_no_error (error);
	g_assert_true (conduit_eas_connect (eas, &error));
	g_assert_no_error (error);
	other = airdock_eas_client_new (f->h, TRUE, USER, PASSWORD, conduit_eas_get_device_id (eas), "AirdockDesktop",
					conduit_eas_get_version (eas));
	g_assert_true (airdock_eas_client_provision (other, NULL, &error));
	g_assert_no_error (error);
	store_add (f, PSTSTORE_KIND_NOTE, "After", "After");
	g_assert_true (conduit_reconcile_run (f->store, eas, account->id, &f->opts, &f->stats, &error));
	g_assert_no_error (error);
	notes = phone_list (&f->phone, PHONE_NOTES);
	g_assert_cmpstr (notes, ==, "After|After");
}

/* A network drop at many points of a run: the run fails, the next one
 * completes, and every side has every item exactly once. */
static void
test_drop_resume (void)
{
	gint64 total = 0;
	guint drops = 0;

	for (guint step = 0; step <= 8; step++) {
		Fixture fx = { 0 }, *f = &fx;
		g_autoptr (GError) error = NULL;
		TestProxy *proxy;
		gint64 limit;
		g_autofree char *sid = NULL;

		fixture_setup (f, NULL);
		proxy = test_proxy_new (f->h->https_port);
		/* First sync: one note each way, then changes on both sides. */
		store_add (f, PSTSTORE_KIND_NOTE, "Desk", "Desk");
		g_free (phone_add (&f->phone, PHONE_NOTES, "Phone", "Phone"));
		(void) run_via (f, test_proxy_port (proxy), &error);
		g_assert_no_error (error);
		store_add (f, PSTSTORE_KIND_NOTE, "Desk 2", "Desk 2");
		store_add (f, PSTSTORE_KIND_TASK, "Task", NULL);
		g_free (phone_add (&f->phone, PHONE_NOTES, "Phone 2", "Phone 2"));
		sid = phone_find (&f->phone, PHONE_NOTES, "Phone");
		phone_delete (&f->phone, PHONE_NOTES, sid);
		if (step == 0) {
			/* Measure a whole run's bytes: the cut points are eighths. */
			test_proxy_cut_after (proxy, G_MAXINT64);
			(void) run_via (f, test_proxy_port (proxy), &error);
			g_assert_no_error (error);
			total = test_proxy_server_bytes (proxy);
			g_assert_cmpint (total, >, 0);
		} else {
			limit = total * step / 8 - 1;
			test_proxy_cut_after (proxy, limit);
			if (!run_via (f, test_proxy_port (proxy), &error)) {
				g_assert_true (g_error_matches (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_NETWORK) ||
					       g_error_matches (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL));
				g_assert_true (test_proxy_did_cut (proxy));
				drops++;
			}
			g_clear_error (&error);
			test_proxy_cut_after (proxy, G_MAXINT64);
			(void) run_via (f, test_proxy_port (proxy), &error);
		}
		g_assert_no_error (error);
		assert_same (f, "Desk 2|Desk 2\nDesk|Desk\nPhone 2|Phone 2", "Task|0");
		test_proxy_free (proxy);
		fixture_teardown (f, NULL);
	}
	/* Most cut points fall inside the run. */
	g_assert_cmpuint (drops, >=, 6);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add ("/reconcile/notes/both-ways", Fixture, NULL, fixture_setup, test_notes_both_ways, fixture_teardown);
	g_test_add ("/reconcile/tasks/complete", Fixture, NULL, fixture_setup, test_tasks_complete, fixture_teardown);
	g_test_add ("/reconcile/conflict/keep-both", Fixture, GINT_TO_POINTER (FALSE), fixture_setup, test_conflict,
		    fixture_teardown);
	g_test_add ("/reconcile/conflict/server-wins", Fixture, GINT_TO_POINTER (TRUE), fixture_setup, test_conflict,
		    fixture_teardown);
	g_test_add ("/reconcile/paging", Fixture, NULL, fixture_setup, test_paging, fixture_teardown);
	g_test_add ("/reconcile/contacts-calendar", Fixture, NULL, fixture_setup, test_contacts_calendar, fixture_teardown);
	g_test_add ("/reconcile/errors", Fixture, NULL, fixture_setup, test_errors, fixture_teardown);
	g_test_add ("/reconcile/reprovision", Fixture, NULL, fixture_setup, test_reprovision, fixture_teardown);
	g_test_add ("/reconcile/remote-wipe", Fixture, NULL, fixture_setup, test_remote_wipe, fixture_teardown);
	g_test_add ("/reconcile/synckey-reset", Fixture, NULL, fixture_setup, test_synckey_reset, fixture_teardown);
	g_test_add_func ("/reconcile/drop-resume", test_drop_resume);
	return g_test_run ();
}
