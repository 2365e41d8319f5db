/* airdock-conduit: waits for handhelds on the network (NetSync, TCP 14238)
 * and on serial ports, and syncs their memos and todos with the desktop
 * store.  One handheld at a time per link, several links at once (one
 * thread each). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "conduit/conduit-listen.h"
#include "conduit/conduit-session.h"

typedef struct {
	char *store;
	char *log_dir;
	guint32 desktop_id;
	guint32 max_baud;
	gboolean once;
	gboolean full;
	GMutex lock;
	GCond cond;
	guint finished;
	gboolean last_ok;
} Conduit;

static Conduit conduit;

static void
on_progress (const char *db, guint done, guint total, gpointer user_data)
{
	(void) user_data;
	(void) total;
	if (done % 100 == 0 && isatty (STDERR_FILENO))
		fprintf (stderr, "\r%s: %u records", db, done);
}

static void
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
	config.force_slow = conduit.full;
	config.progress = on_progress;
	ok = conduit_session_run (t, &config, &r, &error) && r.ok;
	if (error != NULL)
		g_message ("%s: no sync: %s", where, error->message);
	else
		printf ("sync %s %s %s: handheld +%u ~%u -%u desktop +%u ~%u -%u archived %u conflicts %u "
		        "bytes %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " round-trips %u dropped %u%s%s\n",
		        where, r.ok ? "ok" : "failed", r.stats.fast ? "fast" : "slow",
		        r.stats.hh_added, r.stats.hh_changed, r.stats.hh_deleted,
		        r.stats.pc_added, r.stats.pc_changed, r.stats.pc_deleted, r.stats.pc_archived,
		        r.stats.conflicts, r.bytes_in, r.bytes_out, r.round_trips, r.dropped_frames,
		        r.error != NULL ? ": " : "", r.error != NULL ? r.error : "");
	fflush (stdout);
	g_mutex_lock (&conduit.lock);
	conduit.finished++;
	conduit.last_ok = ok;
	g_cond_broadcast (&conduit.cond);
	g_mutex_unlock (&conduit.lock);
}

int
main (int argc, char **argv)
{
	g_autofree char *store = NULL, *log_dir = NULL, *id_file = NULL, *config_file = NULL;
	g_auto (GStrv) listen = NULL;
	gint max_baud = 115200;
	gboolean once = FALSE, full = FALSE;
	GOptionEntry entries[] = {
		{ "store", 0, 0, G_OPTION_ARG_FILENAME, &store, "Store file", "PATH" },
		{ "listen", 0, 0, G_OPTION_ARG_STRING_ARRAY, &listen,
		  "net:[HOST:]PORT, serial:DEVICE[@BAUD] or usb (repeatable)", "WHERE" },
		{ "config", 0, 0, G_OPTION_ARG_FILENAME, &config_file, "Config file ([conduit] listen=…;…)", "FILE" },
		{ "log-dir", 0, 0, G_OPTION_ARG_FILENAME, &log_dir, "Per-device sync logs", "DIR" },
		{ "max-baud", 0, 0, G_OPTION_ARG_INT, &max_baud, "Fastest serial rate (default 115200)", "BAUD" },
		{ "once", 0, 0, G_OPTION_ARG_NONE, &once, "Exit after one sync", NULL },
		{ "full-sync", 0, 0, G_OPTION_ARG_NONE, &full, "Slow sync every handheld", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new ("— HotSync conduit");
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) conduit_listener_free);
	g_autofree char *store_path = NULL;
	g_autofree char *dir = NULL;

	g_option_context_add_main_entries (ctx, entries, NULL);
	if (!g_option_context_parse (ctx, &argc, &argv, &error) ||
	    !conduit_config_load (config_file, &listen, &error)) {
		g_printerr ("airdock-conduit: %s\n", error->message);
		return 2;
	}
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
	fflush (stdout);
	g_mutex_lock (&conduit.lock);
	while (!once || conduit.finished == 0)
		g_cond_wait (&conduit.cond, &conduit.lock);
	g_mutex_unlock (&conduit.lock);
	g_free (conduit.log_dir);
	/* Listener threads may be blocked in accept: leave without joining. */
	fflush (stdout);
	_exit (conduit.last_ok ? 0 : 1);
}
