/* airdock-conduit: waits for handhelds on the network (NetSync, TCP 14238)
 * and on serial ports, and syncs their memos and todos with the desktop
 * store.  One handheld at a time per link, several links at once (one
 * thread each).  With a server account (airdock-conduit account add), the
 * store is reconciled with the server after each HotSync, on D-Bus
 * SyncNow and every --server-interval minutes; `airdock-conduit
 * sync-server` does it once. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "conduit/conduit-account-cli.h"
#include "conduit/conduit-dbus.h"
#include "conduit/conduit-listen.h"
#include "conduit/conduit-reconcile.h"
#include "conduit/conduit-session.h"
#include "conduit/conduit-usb.h"

typedef struct {
	char *store;
	char *log_dir;
	guint32 desktop_id;
	guint32 max_baud;
	gboolean once;
	gboolean full;
	GMutex lock;
	guint finished;
	gboolean last_ok;
	GMainLoop *loop;
	ConduitDbus *dbus;
	/* the server road */
	char *account;
	gboolean server_wins;
	GMutex server_lock;
	gboolean server_running, server_again;
} Conduit;

static Conduit conduit;

static void
on_progress (const char *db, guint done, guint total, gpointer user_data)
{
	(void) user_data;
	if (conduit.dbus != NULL)
		conduit_dbus_set_progress (conduit.dbus, db, done, total);
	if (done % 25 == 0 && isatty (STDERR_FILENO))
		fprintf (stderr, "\r%s: %u/%u records ", db, done, total);
}

static void
on_device (const char *user_name, gpointer user_data)
{
	(void) user_data;
	if (conduit.dbus != NULL)
		conduit_dbus_set_device (conduit.dbus, user_name);
}

static gboolean
quit_loop (gpointer data)
{
	(void) data;
	g_main_loop_quit (conduit.loop);
	return G_SOURCE_REMOVE;
}

static void
on_server_progress (const char *what, guint done, guint total, gpointer user_data)
{
	g_autofree char *text = NULL;

	(void) user_data;
	if (conduit.dbus == NULL)
		return;
	text = total > 0 ? g_strdup_printf (_("Server: %s %u/%u"), what, done, total)
	       : g_strdup_printf (_("Server: %s %u"), what, done);
	conduit_dbus_set_progress_text (conduit.dbus, text, total > 0 ? (double) done / total : -1.0);
}

/* One reconcile with the server, when an account exists; reports on stdout
 * and D-Bus.  Serialised: a request while one runs makes it run again. */
static gboolean
server_sync (void)
{
	ConduitReconcileOptions opts = { conduit.server_wins, 0, on_server_progress, NULL };
	g_autoptr (GError) list_error = NULL;
	g_autoptr (GPtrArray) accounts = conduit_accounts_list (NULL, &list_error);
	gboolean ok = TRUE, again;

	/* A broken account list is said, not taken for "no account". */
	if (accounts == NULL) {
		g_autofree char *line = g_strdup_printf ("server-sync failed: %s", list_error->message);

		printf ("%s\n", line);
		fflush (stdout);
		if (conduit.dbus != NULL)
			conduit_dbus_finish (conduit.dbus, FALSE, line, 0, NULL);
		return FALSE;
	}
	if (accounts->len == 0)
		return TRUE;
	g_mutex_lock (&conduit.server_lock);
	do {
		ConduitReconcileStats st = { 0 };
		g_autoptr (GError) error = NULL;
		g_autofree char *summary = NULL, *line = NULL;

		g_mutex_lock (&conduit.lock);
		conduit.server_again = FALSE;
		g_mutex_unlock (&conduit.lock);
		if (conduit.dbus != NULL)
			conduit_dbus_set_progress_text (conduit.dbus, _("Server: connecting"), -1.0);
		ok = conduit_reconcile_account (conduit.store, NULL, conduit.account, &opts, &st, &error);
		summary = conduit_reconcile_summary (&st);
		line = ok ? g_strdup_printf ("server-sync ok %s", summary)
		       : g_strdup_printf ("server-sync failed %s: %s", summary, error->message);
		printf ("%s\n", line);
		fflush (stdout);
		if (conduit.dbus != NULL)
			conduit_dbus_finish (conduit.dbus, ok, line, st.conflicts, NULL);
		g_mutex_lock (&conduit.lock);
		again = conduit.server_again;
		g_mutex_unlock (&conduit.lock);
	} while (again);
	g_mutex_unlock (&conduit.server_lock);
	return ok;
}

static gpointer
server_thread (gpointer data)
{
	(void) data;
	(void) server_sync ();
	g_mutex_lock (&conduit.lock);
	conduit.server_running = FALSE;
	g_mutex_unlock (&conduit.lock);
	return NULL;
}

/* Starts a server sync in a worker thread (or asks the running one for
 * another round). */
static void
server_sync_start (void)
{
	g_mutex_lock (&conduit.lock);
	conduit.server_again = TRUE;
	if (!conduit.server_running) {
		conduit.server_running = TRUE;
		g_thread_unref (g_thread_new ("server-sync", server_thread, NULL));
	}
	g_mutex_unlock (&conduit.lock);
}

static void
on_sync_now (gboolean full, gpointer user_data)
{
	(void) full; (void) user_data;
	server_sync_start ();
}

static gboolean
on_server_timer (gpointer data)
{
	(void) data;
	server_sync_start ();
	return G_SOURCE_CONTINUE;
}

/* Seconds a Ping stays parked, and the pause after a failure or while
 * there is nothing to ping yet. */
#define PING_HEARTBEAT_S 540
#define PING_RETRY_S 60

/* Connects and pings until something fails; a change starts a server sync. */
static void
ping_session (void)
{
	g_autoptr (ConduitAccount) account = conduit_account_get (NULL, conduit.account, NULL);
	g_autoptr (ConduitEas) eas = NULL;
	g_autoptr (PststoreStore) store = NULL;
	g_autoptr (GPtrArray) folders = NULL;
	g_autoptr (GError) error = NULL;
	gboolean changes = FALSE;

	if (account == NULL || !conduit_account_load_password (NULL, account, &error) ||
	    (eas = conduit_eas_new (account, NULL, &error)) == NULL || !conduit_eas_connect (eas, &error) ||
	    (store = pststore_open (conduit.store, &error)) == NULL ||
	    (folders = conduit_reconcile_ping_folders (store, account->id, &error)) == NULL)
		goto out;
	g_clear_pointer (&store, pststore_close);
	if (folders->len == 0) {
		/* Nothing synced yet: a first sync gives the folders. */
		(void) server_sync ();
		return;
	}
	while (conduit_eas_ping (eas, folders, PING_HEARTBEAT_S, &changes, &error)) {
		if (changes)
			(void) server_sync ();
	}
out:
	if (error != NULL)
		g_message ("ping: %s", error->message);
	g_usleep ((gulong) PING_RETRY_S * G_USEC_PER_SEC);
}

static gpointer
ping_thread (gpointer data)
{
	(void) data;
	for (;;)
		ping_session ();
	return NULL;
}

/* airdock-conduit sync-server [--account ID] [--store PATH] [--conflicts server-wins] */
static int
sync_server_main (int argc, char **argv)
{
	g_autofree char *store = NULL, *conflicts = NULL;
	GOptionEntry entries[] = {
		{ "account", 0, 0, G_OPTION_ARG_STRING, &conduit.account, N_("Account id (default: the first)"), "ID" },
		{ "store", 0, 0, G_OPTION_ARG_FILENAME, &store, N_("Store file"), "PATH" },
		{ "conflicts", 0, 0, G_OPTION_ARG_STRING, &conflicts, N_("keep-both (default) or server-wins"), "RULE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new (_("— reconcile the store with the server once"));
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) accounts = NULL;
	const char *localedir = g_getenv ("AIRDOCK_LOCALEDIR");

	setlocale (LC_ALL, "");
	bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);
	g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("airdock-conduit: %s\n", error->message);
		return 2;
	}
	if (conflicts != NULL && strcmp (conflicts, "server-wins") != 0 && strcmp (conflicts, "keep-both") != 0) {
		g_printerr (_("airdock-conduit: --conflicts must be keep-both or server-wins\n"));
		return 2;
	}
	accounts = conduit_accounts_list (NULL, &error);
	if (accounts == NULL) {
		g_printerr ("airdock-conduit: %s\n", error->message);
		return 1;
	}
	if (accounts->len == 0) {
		/* The message keeps its translated form (with its two empty fields). */
		g_printerr (_("airdock-conduit: no server account: add one with `airdock-conduit account add URL USER`%s%s\n"),
			    "", "");
		return 1;
	}
	conduit.store = store;
	conduit.server_wins = g_strcmp0 (conflicts, "server-wins") == 0;
	return server_sync () ? 0 : 1;
}

static gboolean
run_one (ConduitTransport *t, const char *where)
{
	ConduitSessionConfig config = { 0 };
	g_auto (ConduitSessionResult) r = { 0 };
	g_autoptr (GError) error = NULL;
	gboolean ok;

	config.store_path = conduit.store;
	config.log_dir = conduit.log_dir;
	config.desktop_id = conduit.desktop_id;
	config.max_baud = conduit.max_baud;
	config.force_slow = conduit.full || (conduit.dbus != NULL && conduit_dbus_take_full_sync (conduit.dbus));
	config.progress = on_progress;
	config.device = on_device;
	if (conduit.dbus != NULL)
		conduit_dbus_set_connected (conduit.dbus);
	ok = conduit_session_run (t, &config, &r, &error) && r.ok;
	if (error != NULL) {
		g_message ("%s: no sync: %s", where, error->message);
	} else {
		g_autofree char *line = g_strdup_printf (
			"sync %s %s %s: handheld +%u ~%u -%u desktop +%u ~%u -%u archived %u conflicts %u "
			"bytes %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " round-trips %u dropped %u%s%s",
			where, r.ok ? "ok" : "failed", r.stats.fast ? "fast" : "slow",
			r.stats.hh_added, r.stats.hh_changed, r.stats.hh_deleted,
			r.stats.pc_added, r.stats.pc_changed, r.stats.pc_deleted, r.stats.pc_archived,
			r.stats.conflicts, r.bytes_in, r.bytes_out, r.round_trips, r.dropped_frames,
			r.error != NULL ? ": " : "", r.error != NULL ? r.error : "");

		printf ("%s\n", line);
		if (conduit.dbus != NULL)
			conduit_dbus_finish (conduit.dbus, r.ok, line, r.stats.conflicts, r.log_path);
	}
	if (error != NULL && conduit.dbus != NULL)
		conduit_dbus_finish (conduit.dbus, FALSE, error->message, 0, NULL);
	fflush (stdout);
	/* The handheld's changes go on to the server right away. */
	if (ok)
		ok = server_sync ();
	g_mutex_lock (&conduit.lock);
	conduit.finished++;
	conduit.last_ok = ok;
	g_mutex_unlock (&conduit.lock);
	if (conduit.once)
		g_main_context_invoke (NULL, quit_loop, NULL);
	return !conduit.once;
}

int
main (int argc, char **argv)
{
	g_autofree char *store = NULL, *log_dir = NULL, *id_file = NULL, *config_file = NULL;
	g_auto (GStrv) listen = NULL;
	gint max_baud = 115200, interval = 15;
	g_autofree char *conflicts = NULL;
	gboolean once = FALSE, full = FALSE, check = FALSE, ping = FALSE;
	g_autofree char *bus = NULL;
	GOptionEntry entries[] = {
		{ "store", 0, 0, G_OPTION_ARG_FILENAME, &store, "Store file", "PATH" },
		{ "listen", 0, 0, G_OPTION_ARG_STRING_ARRAY, &listen,
		  "net:[HOST:]PORT, serial:DEVICE[@BAUD] or usb (repeatable)", "WHERE" },
		{ "config", 0, 0, G_OPTION_ARG_FILENAME, &config_file, "Config file ([conduit] listen=…;…)", "FILE" },
		{ "log-dir", 0, 0, G_OPTION_ARG_FILENAME, &log_dir, "Per-device sync logs", "DIR" },
		{ "max-baud", 0, 0, G_OPTION_ARG_INT, &max_baud, "Fastest serial rate (default 115200)", "BAUD" },
		{ "once", 0, 0, G_OPTION_ARG_NONE, &once, "Exit after one sync", NULL },
		{ "check-config", 0, 0, G_OPTION_ARG_NONE, &check, "Check the options and config file, then exit", NULL },
		{ "full-sync", 0, 0, G_OPTION_ARG_NONE, &full, "Slow sync every handheld", NULL },
		{ "dbus", 0, 0, G_OPTION_ARG_STRING, &bus, "Offer org.airdock.Conduit1 on the session or system bus", "session|system" },
		{ "account", 0, 0, G_OPTION_ARG_STRING, &conduit.account, "Server account to sync (default: the first)", "ID" },
		{ "server-interval", 0, 0, G_OPTION_ARG_INT, &interval, "Sync with the server every N minutes (default 15, 0: never)", "N" },
		{ "conflicts", 0, 0, G_OPTION_ARG_STRING, &conflicts, "Server conflicts: keep-both (default) or server-wins", "RULE" },
		{ "ping", 0, 0, G_OPTION_ARG_NONE, &ping, "Keep a Ping open so server changes arrive at once", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new ("— HotSync conduit");
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) conduit_listener_free);
	g_autofree char *store_path = NULL;
	g_autofree char *dir = NULL;

	if (argc >= 2 && strcmp (argv[1], "account") == 0)
		return conduit_account_cli_main (argc - 1, argv + 1);
	if (argc >= 2 && strcmp (argv[1], "sync-server") == 0)
		return sync_server_main (argc - 1, argv + 1);
	g_option_context_add_main_entries (ctx, entries, NULL);
	if (!g_option_context_parse (ctx, &argc, &argv, &error) ||
	    !conduit_config_load (config_file, &listen, &error)) {
		g_printerr ("airdock-conduit: %s\n", error->message);
		return 2;
	}
	for (guint i = 0; listen != NULL && listen[i] != NULL; i++) {
		if (!conduit_listen_check_spec (listen[i], &error)) {
			g_printerr ("airdock-conduit: %s: %s\n", listen[i], error->message);
			return 2;
		}
	}
	if (max_baud < 9600 || max_baud > 230400 || interval < 0 || interval > 10080 ||
	    (conflicts != NULL && strcmp (conflicts, "server-wins") != 0 && strcmp (conflicts, "keep-both") != 0)) {
		g_printerr ("airdock-conduit: --max-baud must be 9600–230400, --server-interval 0–10080, "
			    "--conflicts keep-both or server-wins\n");
		return 2;
	}
	conduit.server_wins = g_strcmp0 (conflicts, "server-wins") == 0;
	if (check)
		return 0;
	store_path = store != NULL ? g_strdup (store) : pststore_default_path ();
	dir = g_path_get_dirname (store_path);
	if (g_mkdir_with_parents (dir, 0700) < 0) {
		g_printerr ("airdock-conduit: %s: %s\n", dir, g_strerror (errno));
		return 1;
	}
	id_file = g_strconcat (store_path, ".conduit", NULL);
	conduit.store = store_path;
	conduit.log_dir = log_dir != NULL ? g_strdup (log_dir) : g_build_filename (dir, "synclogs", NULL);
	conduit.desktop_id = conduit_desktop_id_load (id_file, &error);
	conduit.max_baud = (guint32) max_baud;
	conduit.once = once;
	conduit.full = full;
	if (conduit.desktop_id == 0) {
		g_printerr ("airdock-conduit: %s\n", error->message);
		return 1;
	}
	for (guint i = 0; listen != NULL && listen[i] != NULL; i++) {
		ConduitListener *l = conduit_listener_start (listen[i], conduit.max_baud, run_one, &error);

		if (l == NULL) {
			g_printerr ("airdock-conduit: %s: %s\n", listen[i], error->message);
			return 1;
		}
		g_ptr_array_add (links, l);
	}
	if (links->len == 0) {
		g_printerr ("airdock-conduit: nothing to listen on\n");
		return 2;
	}
	conduit.loop = g_main_loop_new (NULL, FALSE);
	if (bus != NULL) {
		conduit.dbus = conduit_dbus_new (strcmp (bus, "system") == 0 ? G_BUS_TYPE_SYSTEM : G_BUS_TYPE_SESSION, &error);
		if (conduit.dbus == NULL) {
			g_printerr ("airdock-conduit: D-Bus: %s\n", error->message);
			return 1;
		}
		conduit_dbus_set_sync_func (conduit.dbus, on_sync_now, NULL);
		printf ("dbus org.airdock.Conduit1\n");
	}
	if (interval > 0)
		g_timeout_add_seconds ((guint) interval * 60, on_server_timer, NULL);
	if (ping)
		g_thread_unref (g_thread_new ("ping", ping_thread, NULL));
	fflush (stdout);
	g_main_loop_run (conduit.loop);
	conduit_dbus_flush (conduit.dbus);
	g_free (conduit.log_dir);
	/* Listener threads may be blocked in accept: leave without joining,
	 * but let a USB device that just synced be released first. */
	conduit_usb_wait_closed (2000);
	fflush (stdout);
	_exit (conduit.last_ok ? 0 : 1);
}
