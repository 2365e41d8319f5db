/* airdock-handheld: a simulated Palm handheld for tests and demos.
 *
 *   airdock-handheld --state FILE [--user NAME] [--user-id N] COMMAND…
 *     list | memo add TEXT | memo edit N TEXT | memo delete N | memo archive N
 *     todo add TEXT | todo edit N TEXT | todo complete N | todo delete N | todo archive N
 *     (memo|todo) purge N: remove outright, as another desktop's CleanUp would
 *     (--category NAME, --due YYYY-MM-DD, --priority 1-5, --note TEXT)
 *   airdock-handheld --state FILE --net HOST:PORT     HotSync over TCP
 *   airdock-handheld --state FILE --pty               HotSync over a pty pair:
 *     prints "pty PATH" and waits for the conduit on the other end.
 * N counts live (not deleted) records from 1, as `list` prints them. */
#define _GNU_SOURCE 1  /* posix_openpt, ptsname */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "hotsync/hotsync-records.h"
#include "tests/handheld/handheld-link.h"

typedef struct {
	char *category;
	char *due;
	gint priority;
	char *note;
} EditOptions;

static gboolean
fail (GError **error, const char *msg)
{
	g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, msg);
	return FALSE;
}

static guint8
category_of (HandheldDb *db, const char *name)
{
	g_auto (HotsyncCategories) cats = { 0 };
	int i;

	if (name == NULL || db->app_info == NULL ||
	    !hotsync_categories_decode (g_bytes_get_data (db->app_info, NULL), g_bytes_get_size (db->app_info), &cats, NULL))
		return 0;
	i = hotsync_categories_find (&cats, name);
	return i > 0 ? (guint8) i : 0;
}

static const char *
category_name (HandheldDb *db, guint8 index, HotsyncCategories *cats)
{
	if (cats->names[0] == NULL && db->app_info != NULL)
		(void) hotsync_categories_decode (g_bytes_get_data (db->app_info, NULL), g_bytes_get_size (db->app_info), cats, NULL);
	return index < HOTSYNC_CATEGORY_COUNT && cats->names[index] != NULL ? cats->names[index] : "?";
}

static GBytes *
todo_bytes (const char *text, const EditOptions *eo, const HotsyncTodo *old, GError **error)
{
	HotsyncTodo t = { 0 };
	guint y, m, d;

	if (old != NULL)
		t = *old;
	t.description = (char *) (text != NULL ? text : old->description);
	t.note = (char *) (eo->note != NULL ? eo->note : old != NULL ? old->note : "");
	if (eo->priority > 0)
		t.priority = (guint8) eo->priority;
	else if (old == NULL)
		t.priority = 1;
	if (eo->due != NULL) {
		if (sscanf (eo->due, "%4u-%2u-%2u", &y, &m, &d) != 3) {
			fail (error, "--due wants YYYY-MM-DD");
			return NULL;
		}
		t.has_due = TRUE;
		t.due_year = (guint16) y;
		t.due_month = (guint8) m;
		t.due_day = (guint8) d;
	}
	return hotsync_todo_encode (&t, error);
}

static gboolean
edit (HandheldState *s, char **args, const EditOptions *eo, GError **error)
{
	gboolean todo = strcmp (args[0], "todo") == 0;
	HandheldDb *db = handheld_state_find_db (s, todo ? "ToDoDB" : "MemoDB");
	const char *verb = args[1];
	guint64 n = 0;
	HandheldRecord *r = NULL;
	g_autoptr (GBytes) data = NULL;

	if (verb == NULL)
		return fail (error, "memo/todo needs a verb");
	if (strcmp (verb, "add") == 0) {
		if (args[2] == NULL)
			return fail (error, "add needs TEXT");
		data = todo ? todo_bytes (args[2], eo, NULL, error) : hotsync_memo_encode (args[2], error);
		if (data == NULL)
			return FALSE;
		handheld_db_add (s, db, category_of (db, eo->category), data);
		return TRUE;
	}
	if (args[2] == NULL || !g_ascii_string_to_unsigned (args[2], 10, 1, 65535, &n, NULL) ||
	    (r = handheld_db_nth_live (db, (guint) n)) == NULL)
		return fail (error, "no such record number");
	if (strcmp (verb, "edit") == 0 || strcmp (verb, "complete") == 0) {
		g_autoptr (HotsyncTodo) old = todo ? hotsync_todo_decode (g_bytes_get_data (r->data, NULL),
		                                                          g_bytes_get_size (r->data), error) : NULL;

		if (todo && old == NULL)
			return FALSE;
		if (strcmp (verb, "complete") == 0 && old != NULL)
			old->completed = TRUE;
		else if (args[3] == NULL)
			return fail (error, "edit needs TEXT");
		data = todo ? todo_bytes (args[3], eo, old, error) : hotsync_memo_encode (args[3], error);
		if (data == NULL)
			return FALSE;
		g_bytes_unref (r->data);
		r->data = g_steal_pointer (&data);
		if (eo->category != NULL)
			r->category = category_of (db, eo->category);
		r->attr |= HOTSYNC_RECORD_ATTR_DIRTY;
	} else if (strcmp (verb, "delete") == 0) {
		r->attr |= HOTSYNC_RECORD_ATTR_DELETED | HOTSYNC_RECORD_ATTR_DIRTY;
	} else if (strcmp (verb, "purge") == 0) {
		/* Gone without a trace, as after another desktop's CleanUp. */
		g_ptr_array_remove (db->records, r);
	} else if (strcmp (verb, "archive") == 0) {
		r->attr |= HOTSYNC_RECORD_ATTR_DELETED | HOTSYNC_RECORD_ATTR_ARCHIVED | HOTSYNC_RECORD_ATTR_DIRTY;
	} else {
		return fail (error, "unknown verb");
	}
	return TRUE;
}

/* g_strescape() keeping UTF-8 as it is: only controls, '\\' and '"' escaped. */
static char *
escape (const char *text)
{
	static char high[129];

	if (high[0] == '\0')
		for (int i = 0; i < 128; i++)
			high[i] = (char) (128 + i);
	return g_strescape (text, high);
}

static void
list (HandheldState *s)
{
	const char *const dbs[] = { "MemoDB", "ToDoDB" };

	for (guint k = 0; k < G_N_ELEMENTS (dbs); k++) {
		HandheldDb *db = handheld_state_find_db (s, dbs[k]);
		g_auto (HotsyncCategories) cats = { 0 };
		guint n = 0;

		for (guint i = 0; i < db->records->len; i++) {
			HandheldRecord *r = g_ptr_array_index (db->records, i);
			gsize len;
			const guint8 *d = g_bytes_get_data (r->data, &len);
			const char *cat = category_name (db, r->category, &cats);

			if (r->attr & HOTSYNC_RECORD_ATTR_DELETED)
				continue;
			if (k == 0) {
				g_autofree char *text = hotsync_memo_decode (d, len, NULL);
				g_autofree char *esc = escape (text != NULL ? text : "?");

				printf ("memo\t%u\t%s\t%s\t%s\n", ++n, cat, r->attr & HOTSYNC_RECORD_ATTR_DIRTY ? "dirty" : "clean", esc);
			} else {
				g_autoptr (HotsyncTodo) t = hotsync_todo_decode (d, len, NULL);
				g_autofree char *esc = escape (t != NULL ? t->description : "?");

				if (t == NULL)
					continue;
				printf ("todo\t%u\t%s\t%s\t%s\tpriority=%u\tcompleted=%d\tdue=", ++n, cat,
				        r->attr & HOTSYNC_RECORD_ATTR_DIRTY ? "dirty" : "clean", esc, t->priority, t->completed);
				if (t->has_due)
					printf ("%04u-%02u-%02u\n", t->due_year, t->due_month, t->due_day);
				else
					printf ("-\n");
			}
		}
	}
	printf ("user\t%u\t%s\tlast-sync-pc=%u\n", s->user_id, s->user_name, s->last_sync_pc);
	if (s->last_log != NULL)
		printf ("log\t%s", s->last_log);
}

static ConduitTransport *
dial (const char *where, GError **error)
{
	g_autoptr (GSocketClient) client = g_socket_client_new ();
	g_autoptr (GSocketConnection) conn = g_socket_client_connect_to_host (client, where, 14238, NULL, error);
	int fd;

	if (conn == NULL)
		return NULL;
	fd = dup (g_socket_get_fd (g_socket_connection_get_socket (conn)));
	if (fd < 0)
		return NULL;
	return conduit_transport_new_fd (fd, FALSE);
}

static ConduitTransport *
open_pty (int *out_slave, GError **error)
{
	int master = posix_openpt (O_RDWR | O_NOCTTY);
	const char *name;

	if (master < 0 || grantpt (master) < 0 || unlockpt (master) < 0 || (name = ptsname (master)) == NULL) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "pty: %s", g_strerror (errno));
		return NULL;
	}
	/* Keep the slave open and raw so that nothing echoes or hangs up while
	 * the conduit opens it. */
	*out_slave = open (name, O_RDWR | O_NOCTTY);
	if (*out_slave < 0 || !conduit_tty_set_raw (*out_slave, 9600, error) || !conduit_tty_set_raw (master, 9600, error))
		return NULL;
	printf ("pty %s\n", name);
	fflush (stdout);
	return conduit_transport_new_fd (master, TRUE);
}

int
main (int argc, char **argv)
{
	g_autofree char *state_path = NULL, *net = NULL, *user = NULL;
	gboolean pty = FALSE;
	gint64 user_id = 0;
	gint baud = 115200, drop_after = 0, corrupt = 0, ack_ms = 0;
	gboolean do_pace = FALSE;
	EditOptions eo = { 0 };
	GOptionEntry entries[] = {
		{ "state", 0, 0, G_OPTION_ARG_FILENAME, &state_path, "State file (made when missing)", "FILE" },
		{ "user", 0, 0, G_OPTION_ARG_FILENAME, &user, "User name of a new handheld", "NAME" },
		{ "user-id", 0, 0, G_OPTION_ARG_INT64, &user_id, "User id of a new handheld (0: none yet)", "N" },
		{ "net", 0, 0, G_OPTION_ARG_STRING, &net, "HotSync over TCP", "HOST:PORT" },
		{ "pty", 0, 0, G_OPTION_ARG_NONE, &pty, "HotSync over a pty pair", NULL },
		{ "baud", 0, 0, G_OPTION_ARG_INT, &baud, "Fastest serial rate offered", "BAUD" },
		{ "pace", 0, 0, G_OPTION_ARG_NONE, &do_pace, "Pace the pty to the line rate", NULL },
		{ "drop-after", 0, 0, G_OPTION_ARG_INT, &drop_after, "Hang up on DLP request N", "N" },
		{ "corrupt-every", 0, 0, G_OPTION_ARG_INT, &corrupt, "Spoil every Nth frame sent", "N" },
		{ "ack-timeout-ms", 0, 0, G_OPTION_ARG_INT, &ack_ms, "PADP ack timeout", "MS" },
		{ "category", 0, 0, G_OPTION_ARG_FILENAME, &eo.category, "Category of a record", "NAME" },
		{ "due", 0, 0, G_OPTION_ARG_STRING, &eo.due, "Due date of a todo", "YYYY-MM-DD" },
		{ "priority", 0, 0, G_OPTION_ARG_INT, &eo.priority, "Priority of a todo", "1-5" },
		{ "note", 0, 0, G_OPTION_ARG_FILENAME, &eo.note, "Note of a todo", "TEXT" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new ("[list | memo … | todo …]");
	g_autoptr (GError) error = NULL;
	g_autoptr (HandheldState) state = NULL;
	g_autoptr (ConduitTransport) t = NULL;
	HandheldLinkOptions lo = { 0 };
	HandheldLinkResult res = { 0 };
	int slave = -1;
	gboolean ok = TRUE;

	g_option_context_add_main_entries (ctx, entries, NULL);
	if (!g_option_context_parse (ctx, &argc, &argv, &error) || state_path == NULL) {
		g_printerr ("airdock-handheld: %s\n", error != NULL ? error->message : "--state is required");
		return 2;
	}
	/* Names and notes are taken as bytes: they must be UTF-8. */
	if ((user != NULL && !g_utf8_validate (user, -1, NULL)) ||
	    (eo.category != NULL && !g_utf8_validate (eo.category, -1, NULL)) ||
	    (eo.note != NULL && !g_utf8_validate (eo.note, -1, NULL))) {
		g_printerr ("airdock-handheld: text options must be UTF-8\n");
		return 2;
	}
	if (g_file_test (state_path, G_FILE_TEST_EXISTS))
		state = handheld_state_load (state_path, &error);
	else
		state = handheld_state_new (user != NULL ? user : "Palm User", (guint32) user_id);
	if (state == NULL) {
		g_printerr ("airdock-handheld: %s\n", error->message);
		return 1;
	}
	if (argc > 1 && strcmp (argv[1], "list") == 0)
		list (state);
	else if (argc > 2 && (strcmp (argv[1], "memo") == 0 || strcmp (argv[1], "todo") == 0))
		ok = edit (state, argv + 1, &eo, &error);
	else if (argc > 1 && strcmp (argv[1], "init") != 0)
		ok = fail (&error, "unknown command");
	if (ok && (net != NULL || pty)) {
		lo.max_baud = (guint32) baud;
		lo.drop_after = (guint) MAX (drop_after, 0);
		lo.corrupt_every = (guint) MAX (corrupt, 0);
		lo.pace = do_pace;
		lo.ack_timeout_us = (gint64) ack_ms * 1000;
		t = net != NULL ? dial (net, &error) : open_pty (&slave, &error);
		ok = t != NULL && handheld_link_run (t, pty, state, &lo, &res, &error);
		printf ("hotsync %s requests %u baud %u corrupted %u\n",
		        res.completed ? "completed" : res.dropped ? "dropped" : "failed", res.requests, res.baud, res.corrupted);
	}
	/* A real handheld keeps what it did, whatever happened to the link. */
	if (!handheld_state_save (state, state_path, error == NULL ? &error : NULL))
		ok = FALSE;
	if (slave >= 0)
		close (slave);
	g_free (eo.category);
	g_free (eo.due);
	g_free (eo.note);
	if (!ok) {
		g_printerr ("airdock-handheld: %s\n", error != NULL ? error->message : "failed");
		return 1;
	}
	return 0;
}
