/* End to end with real processes: the handheld simulator ⇄ airdock-conduit
 * ⇄ the desktop store ⇄ airdockd ⇄ a phone of the same user (the EAS test
 * client).  The account is added with `airdock-conduit account add`; the
 * conduit reconciles with the server after each HotSync, and
 * `airdock-conduit sync-server` does it alone.  A TCP proxy in front of the
 * server drops connections mid-sync; the simulator hangs up mid-HotSync. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tests/conduit/harness.h"
#include "tests/conduit/test-reconcile-proxy.h"
#include "tests/conduit/test-reconcile-util.h"

#define USER "alice"
#define PASSWORD "s3cret-alice"
#define HH_USER_ID "4242"

typedef struct {
	AirdockHarness *server;
	TestProxy *proxy;
	gint64 uid;
	Phone phone;
	Harness hh;		/* handheld state, store, logs */
	char *home;		/* XDG_CONFIG_HOME of the conduit */
} Fixture;

/* `airdock-conduit ARGS…` with the fixture's config; returns its status
 * and (optionally) its stdout. */
static int
conduit_run (Fixture *f, const char *input, char **out_stdout, const char *first, ...)
{
	g_autofree char *bin = g_test_build_filename (G_TEST_BUILT, "conduit", "airdock-conduit", NULL);
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (
		G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr (GSubprocess) p = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *out = NULL, *err = NULL;
	va_list ap;

	g_ptr_array_add (argv, bin);
	va_start (ap, first);
	for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
		g_ptr_array_add (argv, (gpointer) a);
	va_end (ap);
	g_ptr_array_add (argv, NULL);
	p = g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, &error);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (p, input != NULL ? input : "", NULL, &out, &err, &error);
	g_assert_no_error (error);
	g_test_message ("airdock-conduit %s: %s%s", first, out, err);
	if (out_stdout != NULL)
		*out_stdout = g_steal_pointer (&out);
	return g_subprocess_get_exit_status (p);
}

static char *config_root;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) der = NULL;
	g_autofree char *fp = NULL, *url = NULL;

	(void) data;
	f->server = airdock_harness_start (NULL);
	f->uid = airdock_harness_add_user (f->server, USER, "alice@example.org", PASSWORD);
	f->proxy = test_proxy_new (f->server->https_port);
	phone_init (&f->phone, f->server, f->uid, USER, PASSWORD);
	harness_init (&f->hh);
	/* The children inherit XDG_CONFIG_HOME (set once in main, before any
	 * thread: setenv is not thread-safe): the account and DeviceId live in
	 * its airdock/, which every test starts without. */
	f->home = g_build_filename (config_root, "airdock", NULL);
	airdock_harness_remove_tree (f->home);
	der = airdock_harness_certificate_der (f->server);
	fp = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
	/* Through the proxy, so that tests can cut the line. */
	url = g_strdup_printf ("https://127.0.0.1:%u", test_proxy_port (f->proxy));
	g_assert_cmpint (conduit_run (f, PASSWORD "\n", NULL, "account", "add", url, USER, "--accept-certificate", fp,
				      NULL), ==, 0);
	g_free (harness_handheld (&f->hh, 0, "--user", "Test User", "--user-id", HH_USER_ID, "list", NULL));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	(void) data;
	phone_clear (&f->phone);
	test_proxy_free (f->proxy);
	airdock_harness_free (f->server);
	harness_clear (&f->hh);
	g_free (f->home);
}

/* A HotSync (and the server sync after it); asserts the conduit's status. */
static void
hotsync (Fixture *f, int want_status, const char *const *handheld_extra)
{
	g_assert_cmpint (harness_sync_net (&f->hh, NULL, handheld_extra), ==, want_status);
	if (want_status == 0) {
		g_assert_nonnull (strstr (f->hh.conduit_line, "server-sync ok"));
		g_assert_nonnull (strstr (f->hh.handheld_out, "hotsync completed"));
	}
}

static void
sync_server (Fixture *f)
{
	g_autofree char *store_arg = g_strconcat ("--store=", f->hh.store, NULL);
	g_autofree char *out = NULL;

	g_assert_cmpint (conduit_run (f, NULL, &out, "sync-server", store_arg, NULL), ==, 0);
	g_assert_nonnull (strstr (out, "server-sync ok"));
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Lines of text (a trailing newline ends the last one). */
static guint
count_lines (const char *text)
{
	guint n = 0;

	for (const char *p = text; *p != '\0'; p++)
		n += *p == '\n';
	return n + (text[0] != '\0' && text[strlen (text) - 1] != '\n');
}

/* The handheld's records: memos "text", todos "description|completed". */
static char *
handheld_list (Fixture *f, const char *what)
{
	g_autofree char *out = harness_handheld (&f->hh, 0, "list", NULL);
	g_auto (GStrv) rows = g_strsplit (out, "\n", -1);
	g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

	for (guint i = 0; rows[i] != NULL; i++) {
		g_auto (GStrv) c = g_strsplit (rows[i], "\t", -1);

		if (g_strv_length (c) < 5 || strcmp (c[0], what) != 0)
			continue;
		if (strcmp (what, "memo") == 0)
			g_ptr_array_add (lines, g_strcompress (c[4]));
		else
			g_ptr_array_add (lines, g_strdup_printf ("%s|%s", c[4], strstr (rows[i], "completed=1") ? "1" : "0"));
	}
	g_ptr_array_sort (lines, cmp_str);
	g_ptr_array_add (lines, NULL);
	return g_strjoinv ("\n", (char **) lines->pdata);
}

static void
test_memo_and_task (Fixture *f, gconstpointer data)
{
	g_autofree char *notes = NULL, *tasks = NULL, *sid = NULL, *hh = NULL;

	(void) data;
	g_free (harness_handheld (&f->hh, 0, "memo", "add", "Shopping\nmilk\neggs", NULL));
	g_free (harness_handheld (&f->hh, 0, "todo", "add", "Call Bob", NULL));
	hotsync (f, 0, NULL);
	/* The memo is a note on the phone, the todo a task. */
	notes = phone_list (&f->phone, PHONE_NOTES);
	g_assert_cmpstr (notes, ==, "Shopping|Shopping\nmilk\neggs");
	tasks = phone_list (&f->phone, PHONE_TASKS);
	g_assert_cmpstr (tasks, ==, "Call Bob|0");

	/* Completed on the phone: completed on the handheld. */
	sid = phone_find (&f->phone, PHONE_TASKS, "Call Bob");
	phone_change (&f->phone, PHONE_TASKS, sid, "Call Bob", NULL, TRUE);
	sync_server (f);
	hotsync (f, 0, NULL);
	hh = handheld_list (f, "todo");
	g_assert_cmpstr (hh, ==, "Call Bob|1");

	/* Deleted on the handheld: gone from the phone. */
	g_free (harness_handheld (&f->hh, 0, "memo", "delete", "1", NULL));
	hotsync (f, 0, NULL);
	g_free (notes);
	notes = phone_list (&f->phone, PHONE_NOTES);
	g_assert_cmpstr (notes, ==, "");

	/* Deleted on the phone: gone from the handheld. */
	phone_delete (&f->phone, PHONE_TASKS, sid);
	sync_server (f);
	hotsync (f, 0, NULL);
	g_free (hh);
	hh = handheld_list (f, "todo");
	g_assert_cmpstr (hh, ==, "");
	g_free (tasks);
	tasks = harness_store_dump (&f->hh, PSTSTORE_KIND_TASK);
	g_assert_cmpstr (tasks, ==, "");
}

/* The same memo edited on the handheld and on the phone: two copies on
 * every side. */
static void
test_concurrent_edits (Fixture *f, gconstpointer data)
{
	g_autofree char *sid = NULL, *notes = NULL, *hh = NULL;
	const char *want = "Plan\nfrom the handheld\nPlan\nfrom the phone";
	const char *want_phone = "Plan|Plan\nfrom the handheld\nPlan|Plan\nfrom the phone";

	(void) data;
	g_free (harness_handheld (&f->hh, 0, "memo", "add", "Plan\nfirst", NULL));
	hotsync (f, 0, NULL);
	sid = phone_find (&f->phone, PHONE_NOTES, "Plan");
	g_assert_nonnull (sid);
	phone_change (&f->phone, PHONE_NOTES, sid, "Plan", "Plan\nfrom the phone", FALSE);
	g_free (harness_handheld (&f->hh, 0, "memo", "edit", "1", "Plan\nfrom the handheld", NULL));
	hotsync (f, 0, NULL);
	g_assert_nonnull (strstr (f->hh.conduit_line, "conflicts 1"));
	/* The next HotSync brings the copy to the handheld. */
	hotsync (f, 0, NULL);
	hh = handheld_list (f, "memo");
	g_assert_cmpstr (hh, ==, want);
	notes = phone_list (&f->phone, PHONE_NOTES);
	g_assert_cmpstr (notes, ==, want_phone);
	g_free (notes);
	notes = harness_store_dump (&f->hh, PSTSTORE_KIND_NOTE);
	g_assert_nonnull (strstr (notes, "from the handheld"));
	g_assert_nonnull (strstr (notes, "from the phone"));
}

/* The account says conflicts=server-wins: the phone's edit replaces the
 * handheld's everywhere. */
static void
test_server_wins (Fixture *f, gconstpointer data)
{
	g_autofree char *sid = NULL, *notes = NULL, *hh = NULL, *fp = NULL, *url = NULL;
	g_autoptr (GBytes) der = airdock_harness_certificate_der (f->server);

	(void) data;
	fp = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
	url = g_strdup_printf ("https://127.0.0.1:%u", test_proxy_port (f->proxy));
	g_assert_cmpint (conduit_run (f, PASSWORD "\n", NULL, "account", "add", url, USER, "--accept-certificate", fp,
				      "--conflicts", "server-wins", NULL), ==, 0);
	g_free (harness_handheld (&f->hh, 0, "memo", "add", "Plan\nfirst", NULL));
	hotsync (f, 0, NULL);
	sid = phone_find (&f->phone, PHONE_NOTES, "Plan");
	phone_change (&f->phone, PHONE_NOTES, sid, "Plan", "Plan\nfrom the phone", FALSE);
	g_free (harness_handheld (&f->hh, 0, "memo", "edit", "1", "Plan\nfrom the handheld", NULL));
	hotsync (f, 0, NULL);
	g_assert_nonnull (strstr (f->hh.conduit_line, "conflicts 0"));
	hotsync (f, 0, NULL);
	hh = handheld_list (f, "memo");
	g_assert_cmpstr (hh, ==, "Plan\nfrom the phone");
	notes = phone_list (&f->phone, PHONE_NOTES);
	g_assert_cmpstr (notes, ==, "Plan|Plan\nfrom the phone");
}

/* With --ping the conduit keeps a Ping parked on the server: a note the
 * phone adds reaches the store with no HotSync and no timer. */
static void
test_ping (Fixture *f, gconstpointer data)
{
	g_autofree char *store_arg = g_strconcat ("--store=", f->hh.store, NULL);
	g_autofree char *line = NULL, *notes = NULL;
	g_autoptr (GSubprocess) conduit = NULL;
	gboolean seen = FALSE;

	(void) data;
	sync_server (f);
	conduit = harness_spawn ("conduit/airdock-conduit", store_arg, "--listen=net:127.0.0.1:0", "--ping", "--server-interval=0", NULL);
	line = harness_read_line (conduit);
	g_assert_true (g_str_has_prefix (line, "listening net:"));
	g_free (phone_add (&f->phone, PHONE_NOTES, "Pushed", "Pushed"));
	/* Only a guard against a hang: the test does not measure time. */
	alarm (300);
	while (!seen) {
		g_free (line);
		line = harness_read_line (conduit);
		g_assert_nonnull (line);
		g_test_message ("conduit: %s", line);
		seen = g_str_has_prefix (line, "server-sync ok") && strstr (line, "desktop +1 ") != NULL;
	}
	alarm (0);
	g_subprocess_force_exit (conduit);
	notes = harness_store_dump (&f->hh, PSTSTORE_KIND_NOTE);
	g_assert_nonnull (strstr (notes, "Pushed|Pushed"));
}

/* Changes on all three sides, then a network drop in the server sync and a
 * handheld hanging up mid-HotSync: the next runs complete and every side
 * has every item exactly once. */
static void
test_drops (Fixture *f, gconstpointer data)
{
	g_autofree char *hh = NULL, *notes = NULL, *store = NULL;
	const char *const drop[] = { "--drop-after", "6", NULL };
	const char *want = "Desk\nHand 1\nHand 2\nPhone";
	gint64 quiet;

	(void) data;
	g_free (harness_handheld (&f->hh, 0, "memo", "add", "Hand 1", NULL));
	hotsync (f, 0, NULL);
	/* The bytes of a run with nothing to do: a run with changes is past
	 * Provision and FolderSync, inside a Sync, by then. */
	test_proxy_cut_after (f->proxy, G_MAXINT64);
	sync_server (f);
	quiet = test_proxy_server_bytes (f->proxy);
	g_free (harness_handheld (&f->hh, 0, "memo", "add", "Hand 2", NULL));
	g_free (phone_add (&f->phone, PHONE_NOTES, "Phone", "Phone"));
	{
		g_autoptr (PststoreStore) s = harness_store_open (&f->hh);
		g_autoptr (PststoreItem) it = pststore_item_new ("IPM.StickyNote");
		g_autoptr (GError) error = NULL;

		it->folder_id = pststore_folder_default (s, PSTSTORE_KIND_NOTE, NULL);
		it->subject = g_strdup ("Desk");
		it->body = g_strdup ("Desk");
		g_assert_true (pststore_item_save (s, it, NULL, &error));
		g_assert_no_error (error);
	}
	/* The line drops during the server sync after the HotSync. */
	test_proxy_cut_after (f->proxy, quiet * 3 / 4);
	hotsync (f, 1, NULL);
	g_assert_true (test_proxy_did_cut (f->proxy));
	g_assert_nonnull (strstr (f->hh.conduit_line, "server-sync failed"));
	g_assert_null (strstr (f->hh.conduit_line, "Provision"));
	test_proxy_cut_after (f->proxy, G_MAXINT64);
	/* The handheld hangs up mid-HotSync: nothing of it is committed. */
	g_assert_cmpint (harness_sync_net (&f->hh, NULL, drop), !=, 0);
	/* Then everything completes. */
	hotsync (f, 0, NULL);
	hotsync (f, 0, NULL);
	hh = handheld_list (f, "memo");
	g_assert_cmpstr (hh, ==, want);
	notes = phone_list (&f->phone, PHONE_NOTES);
	g_assert_cmpstr (notes, ==, "Desk|Desk\nHand 1|Hand 1\nHand 2|Hand 2\nPhone|Phone");
	store = harness_store_dump (&f->hh, PSTSTORE_KIND_NOTE);
	g_test_message ("store: %s", store);
	g_assert_cmpuint (count_lines (store), ==, 4);
	for (guint i = 0; i < 4; i++) {
		static const char *const subjects[] = { "\nDesk|", "\nHand 1|", "\nHand 2|", "\nPhone|" };
		g_autofree char *all = g_strconcat ("\n", store, NULL);

		g_assert_nonnull (strstr (all, subjects[i]));
	}
}

int
main (int argc, char **argv)
{
	int ret;

	/* Passwords go to the 0600 file, not to a keyring of the session. */
	g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
	g_setenv ("LC_ALL", "C", TRUE);
	config_root = g_dir_make_tmp ("airdock-e2e-config-XXXXXX", NULL);
	g_assert_nonnull (config_root);
	g_setenv ("XDG_CONFIG_HOME", config_root, TRUE);
	g_test_init (&argc, &argv, NULL);
	g_test_add ("/e2e-server/memo-and-task", Fixture, NULL, fixture_setup, test_memo_and_task, fixture_teardown);
	g_test_add ("/e2e-server/concurrent-edits", Fixture, NULL, fixture_setup, test_concurrent_edits, fixture_teardown);
	g_test_add ("/e2e-server/server-wins", Fixture, NULL, fixture_setup, test_server_wins, fixture_teardown);
	g_test_add ("/e2e-server/ping", Fixture, NULL, fixture_setup, test_ping, fixture_teardown);
	g_test_add ("/e2e-server/drops", Fixture, NULL, fixture_setup, test_drops, fixture_teardown);
	ret = g_test_run ();
	airdock_harness_remove_tree (config_root);
	g_free (config_root);
	return ret;
}
