/* bench/hotsync: 1,000 memos + 1,000 todos of realistic lengths, a first
 * (slow) sync and then a fast sync with 10 changes, over a pty paced to
 * 115200 baud and over TCP, with the real airdock-conduit and
 * airdock-handheld processes.  Prints time, bytes on the wire, round trips
 * and, on serial, the ratio of the time taken to the time the bytes need
 * on the wire (bytes × 10 bits / baud).  Goal: ≤ 1.3× on serial.
 *
 *   bench/hotsync [--builddir DIR] [--records N] [--baud B] [--skip-serial] [--skip-net]
 *
 * A pty has no line speed of its own: the simulator paces both directions
 * to the negotiated rate (--pace). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "hotsync/hotsync-records.h"
#include "tests/handheld/handheld-state.h"

static char *builddir;

static const char *const words[] = {
	"meeting", "call", "budget", "report", "review", "the", "and", "with", "client", "project",
	"deadline", "draft", "notes", "ideas", "buy", "milk", "bread", "phone", "email", "follow up",
	"agenda", "quarter", "team", "plan", "travel", "hotel", "flight", "invoice", "design", "test",
};

static char *
text_of (GRand *r, guint min, guint max)
{
	guint target = (guint) g_rand_int_range (r, (gint32) min, (gint32) max + 1);
	GString *s = g_string_new (NULL);

	while (s->len < target) {
		if (s->len > 0)
			g_string_append_c (s, g_rand_int_range (r, 0, 12) == 0 ? '\n' : ' ');
		g_string_append (s, words[g_rand_int_range (r, 0, G_N_ELEMENTS (words))]);
	}
	return g_string_free (s, FALSE);
}

static void
make_state (const char *path, guint n)
{
	g_autoptr (HandheldState) s = handheld_state_new ("Bench User", 31337);
	HandheldDb *memos = handheld_state_find_db (s, "MemoDB");
	HandheldDb *todos = handheld_state_find_db (s, "ToDoDB");
	g_autoptr (GRand) r = g_rand_new_with_seed (42);
	g_autoptr (GError) error = NULL;

	for (guint i = 0; i < n; i++) {
		/* Memos: a title line and a body, 20–800 bytes (mean ~400). */
		g_autofree char *m = text_of (r, 20, 800);
		g_autofree char *d = text_of (r, 10, 60);
		g_autofree char *note = g_rand_int_range (r, 0, 3) == 0 ? text_of (r, 10, 200) : g_strdup ("");
		HotsyncTodo t = { i % 4 == 0, 2027, (guint8) (1 + i % 12), (guint8) (1 + i % 28),
		                  (guint8) (1 + i % 5), i % 7 == 0, d, note };
		g_autoptr (GBytes) mb = hotsync_memo_encode (m, NULL);
		g_autoptr (GBytes) tb = hotsync_todo_encode (&t, NULL);

		handheld_db_add (s, memos, (guint8) (i % 3), mb);
		handheld_db_add (s, todos, (guint8) (i % 3), tb);
	}
	if (!handheld_state_save (s, path, &error))
		g_error ("%s", error->message);
}

static GSubprocess *
spawn (GError **error, const char *first, ...)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	va_list ap;

	va_start (ap, first);
	for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
		g_ptr_array_add (argv, (gpointer) a);
	va_end (ap);
	g_ptr_array_add (argv, NULL);
	return g_subprocess_newv ((const char *const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
}

static char *
first_line (GSubprocess *p)
{
	g_autoptr (GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));

	g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
	g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (in), 1);
	return g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL);
}

static guint64
field (const char *line, const char *name)
{
	const char *p = line != NULL ? strstr (line, name) : NULL;

	return p != NULL ? g_ascii_strtoull (p + strlen (name), NULL, 10) : 0;
}

static void
report (const char *what, const char *line, gint64 us, guint baud)
{
	guint64 in = field (line, "bytes ");
	const char *slash = line != NULL ? strstr (strstr (line, "bytes "), "/") : NULL;
	guint64 out = slash != NULL ? g_ascii_strtoull (slash + 1, NULL, 10) : 0;
	guint64 rt = field (line, "round-trips ");
	double secs = (double) us / G_USEC_PER_SEC;

	printf ("%-28s %8.2f s  %9" G_GUINT64_FORMAT " bytes (%" G_GUINT64_FORMAT " in, %" G_GUINT64_FORMAT " out)  %6"
	        G_GUINT64_FORMAT " round trips", what, secs, in + out, in, out, rt);
	if (baud > 0) {
		double wire = (double) (in + out) * 10.0 / baud;

		printf ("  wire %.2f s  ratio %.2f×", wire, secs / wire);
	}
	printf ("\n");
	if (line == NULL || strstr (line, " ok ") == NULL)
		printf ("    (sync did not succeed: %s)\n", line != NULL ? line : "no result");
}

static void
one_sync (const char *dir, const char *state, gboolean serial, guint baud, const char *what)
{
	g_autofree char *conduit = g_build_filename (builddir, "conduit/airdock-conduit", NULL);
	g_autofree char *handheld = g_build_filename (builddir, "tests/handheld/airdock-handheld", NULL);
	g_autofree char *store = g_strdup_printf ("--store=%s/store.sqlite", dir);
	g_autofree char *logs = g_strdup_printf ("--log-dir=%s/logs", dir);
	g_autofree char *baud_arg = g_strdup_printf ("--baud=%u", baud);
	g_autoptr (GError) error = NULL;
	g_autoptr (GSubprocess) c = NULL, h = NULL;
	g_autofree char *line = NULL, *listen = NULL, *rest = NULL;
	gint64 t0 = g_get_monotonic_time ();

	if (serial) {
		h = spawn (&error, handheld, "--state", state, "--pty", "--pace", baud_arg, NULL);
		line = h != NULL ? first_line (h) : NULL;
		if (line == NULL || !g_str_has_prefix (line, "pty "))
			g_error ("no pty from the simulator");
		listen = g_strdup_printf ("--listen=serial:%s@%u", line + 4, baud);
		c = spawn (&error, conduit, store, logs, listen, "--once", NULL);
	} else {
		c = spawn (&error, conduit, store, logs, "--listen=net:127.0.0.1:0", "--once", NULL);
		line = c != NULL ? first_line (c) : NULL;
		if (line == NULL || !g_str_has_prefix (line, "listening net:"))
			g_error ("conduit did not start");
		h = spawn (&error, handheld, "--state", state, "--net", line + strlen ("listening net:"), NULL);
	}
	if (c == NULL || h == NULL)
		g_error ("%s", error->message);
	g_subprocess_wait (h, NULL, NULL);
	g_subprocess_communicate_utf8 (c, NULL, NULL, &rest, NULL, NULL);
	report (what, rest, g_get_monotonic_time () - t0, serial ? baud : 0);
}

static void
ten_changes (const char *handheld, const char *state, guint records)
{
	for (guint i = 1; i <= 10; i++) {
		g_autofree char *n = g_strdup_printf ("%u", 1 + (i - 1) * MAX (records / 10, 1));
		g_autofree char *text = g_strdup_printf ("Changed memo %u\nwith a new line of text", i);
		g_autoptr (GSubprocess) p = spawn (NULL, handheld, "--state", state, "memo", "edit", n, text, NULL);

		g_subprocess_wait (p, NULL, NULL);
	}
}

static void
run (gboolean serial, guint n, guint baud)
{
	g_autofree char *dir = g_dir_make_tmp ("airdock-bench-XXXXXX", NULL);
	g_autofree char *state = g_build_filename (dir, "handheld.ini", NULL);
	g_autofree char *handheld = g_build_filename (builddir, "tests/handheld/airdock-handheld", NULL);
	g_autofree char *a = g_strdup_printf ("%s first sync", serial ? "serial" : "tcp");
	g_autofree char *b = g_strdup_printf ("%s fast sync, 10 changes", serial ? "serial" : "tcp");
	g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);

	make_state (state, n);
	one_sync (dir, state, serial, baud, a);
	ten_changes (handheld, state, n);
	one_sync (dir, state, serial, baud, b);
	if (system (rm) != 0)
		g_warning ("could not remove %s", dir);
}

int
main (int argc, char **argv)
{
	gint records = 1000, baud = 115200;
	gboolean skip_serial = FALSE, skip_net = FALSE;
	GOptionEntry entries[] = {
		{ "builddir", 0, 0, G_OPTION_ARG_FILENAME, &builddir, "Build directory (default .)", "DIR" },
		{ "records", 0, 0, G_OPTION_ARG_INT, &records, "Memos and todos each (default 1000)", "N" },
		{ "baud", 0, 0, G_OPTION_ARG_INT, &baud, "Serial rate (default 115200)", "B" },
		{ "skip-serial", 0, 0, G_OPTION_ARG_NONE, &skip_serial, "Only TCP", NULL },
		{ "skip-net", 0, 0, G_OPTION_ARG_NONE, &skip_net, "Only serial", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new ("— HotSync benchmark");
	g_autoptr (GError) error = NULL;

	g_option_context_add_main_entries (ctx, entries, NULL);
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("%s\n", error->message);
		return 2;
	}
	if (builddir == NULL)
		builddir = g_strdup (".");
	printf ("%d memos + %d todos\n", records, records);
	if (!skip_net)
		run (FALSE, (guint) records, 0);
	if (!skip_serial)
		run (TRUE, (guint) records, (guint) baud);
	g_free (builddir);
	return 0;
}
