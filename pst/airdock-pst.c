/* airdock-pst — the desktop store's command line: import Outlook .pst files,
 * list, show and export what the store holds. */
#include "config.h"

#include <gio/gio.h>
#include <gio/gunixoutputstream.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pst/pststore-export.h"
#include "pst/pststore-import.h"
#include "pst/pststore.h"

#define EXIT_USAGE 64
#define EXIT_PARTIAL 2

typedef struct {
	char *store;
	char *folder;
	char *format;
	char *output;
	char *password;
	gboolean quiet;
	gboolean json;
} Options;

typedef struct {
	gint64 started;
	gint64 last_draw;
	gboolean drawn;
} Progress;

static void
progress_draw (gsize done, gsize total, gpointer user_data)
{
	Progress *p = user_data;
	gint64 now = g_get_monotonic_time ();
	double secs = (double) (now - p->started) / G_USEC_PER_SEC;
	guint width = 30, filled;

	if (now - p->last_draw < G_USEC_PER_SEC / 10 && done < total)
		return;
	p->last_draw = now;
	p->drawn = TRUE;
	filled = total > 0 ? (guint) ((double) done / (double) total * width) : width;
	fprintf (stderr, "\r[");
	for (guint i = 0; i < width; i++)
		fputc (i < filled ? '#' : '-', stderr);
	fprintf (stderr, "] %" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT " items  %.1f/s ", done, total,
		 secs > 0 ? (double) done / secs : 0.0);
	fflush (stderr);
}

static void
print_summary (const PststoreImportSummary *s, const Options *o)
{
	if (o->json) {
		printf ("{\"mail\":%" G_GSIZE_FORMAT ",\"contact\":%" G_GSIZE_FORMAT ",\"appointment\":%" G_GSIZE_FORMAT
			",\"task\":%" G_GSIZE_FORMAT ",\"note\":%" G_GSIZE_FORMAT ",\"other\":%" G_GSIZE_FORMAT
			",\"errors\":%" G_GSIZE_FORMAT "}\n",
			s->counts[PSTSTORE_KIND_MAIL], s->counts[PSTSTORE_KIND_CONTACT],
			s->counts[PSTSTORE_KIND_APPOINTMENT], s->counts[PSTSTORE_KIND_TASK],
			s->counts[PSTSTORE_KIND_NOTE], s->counts[PSTSTORE_KIND_OTHER], s->errors);
		return;
	}
	if (o->quiet)
		return;
	printf ("Imported %" G_GSIZE_FORMAT " folders:", s->folders);
	for (int k = 0; k < PSTSTORE_N_KINDS; k++)
		printf (" %" G_GSIZE_FORMAT " %s%s", s->counts[k], pststore_kind_to_string (k),
			k + 1 < PSTSTORE_N_KINDS ? "," : "");
	printf ("; %" G_GSIZE_FORMAT " errors\n", s->errors);
}

static int
cmd_import (PststoreStore *store, char **args, const Options *o)
{
	PststoreImportOptions opts;
	PststoreImportSummary summary = { 0 };
	Progress progress = { g_get_monotonic_time (), 0, FALSE };
	g_autoptr (GError) error = NULL;
	gboolean ok;

	if (args[0] == NULL || args[1] != NULL) {
		g_printerr ("usage: airdock-pst import FILE.pst [--folder PATH] [--password PW] [--quiet] [--json]\n");
		return EXIT_USAGE;
	}
	pststore_import_options_init (&opts);
	opts.password = o->password;
	if (o->folder != NULL && (opts.target_folder = pststore_folder_ensure_path (store, o->folder, &error)) == 0) {
		g_printerr ("airdock-pst: %s\n", error->message);
		return EXIT_FAILURE;
	}
	if (!o->quiet && !o->json && isatty (STDERR_FILENO)) {
		opts.progress = progress_draw;
		opts.user_data = &progress;
	}
	ok = pststore_import_file (store, args[0], &opts, &summary, &error);
	if (progress.drawn)
		fputc ('\n', stderr);
	if (!ok) {
		g_printerr ("airdock-pst: %s: %s\n", args[0], error->message);
		/* Scripts reading --json get a summary either way: nothing
		 * imported, one error. */
		memset (&summary, 0, sizeof summary);
		summary.errors = 1;
		if (o->json)
			print_summary (&summary, o);
		return EXIT_FAILURE;
	}
	for (guint i = 0; !o->quiet && i < summary.messages->len; i++)
		g_printerr ("airdock-pst: %s: %s\n", args[0], (const char *) summary.messages->pdata[i]);
	print_summary (&summary, o);
	ok = summary.errors == 0;
	pststore_import_summary_clear (&summary);
	return ok ? EXIT_SUCCESS : EXIT_PARTIAL;
}

static int
list_folders (PststoreStore *store, GError **error)
{
	g_autoptr (GPtrArray) folders = pststore_folder_list (store, error);

	if (folders == NULL)
		return EXIT_FAILURE;
	for (guint i = 0; i < folders->len; i++) {
		PststoreFolder *f = g_ptr_array_index (folders, i);
		g_autofree char *path = pststore_folder_path (store, f->id, error);
		gsize n = 0;

		if (path == NULL || !pststore_folder_count (store, f->id, &n, error))
			return EXIT_FAILURE;
		printf ("%-40s %6" G_GSIZE_FORMAT "  %s\n", path, n, f->container_class ? f->container_class : "");
	}
	return EXIT_SUCCESS;
}

static int
cmd_list (PststoreStore *store, char **args, const Options *o)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) items = NULL;
	gint64 folder;

	if (o->folder == NULL) {
		if (list_folders (store, &error) == EXIT_SUCCESS)
			return EXIT_SUCCESS;
		g_printerr ("airdock-pst: %s\n", error->message);
		return EXIT_FAILURE;
	}
	folder = pststore_folder_lookup (store, o->folder, &error);
	items = folder ? pststore_item_list (store, folder, &error) : NULL;
	if (items == NULL) {
		g_printerr ("airdock-pst: %s\n", error->message);
		return EXIT_FAILURE;
	}
	for (guint i = 0; i < items->len; i++) {
		PststoreItem *it = g_ptr_array_index (items, i);
		printf ("%8" G_GINT64_FORMAT "  %-11s  %s\n", it->id, pststore_kind_to_string (it->kind),
			it->subject ? it->subject : "");
	}
	return EXIT_SUCCESS;
}

static int
cmd_show (PststoreStore *store, char **args, const Options *o)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PststoreItem) it = NULL;
	g_autofree char *text = NULL;
	guint64 id = 0;

	if (args[0] == NULL || args[1] != NULL ||
	    !g_ascii_string_to_unsigned (args[0], 10, 1, G_MAXINT64, &id, &error)) {
		g_printerr ("usage: airdock-pst show ID%s%s\n", error ? ": " : "", error ? error->message : "");
		return EXIT_USAGE;
	}
	it = pststore_item_get (store, (gint64) id, &error);
	if (it == NULL) {
		g_printerr ("airdock-pst: %s\n", error->message);
		return EXIT_FAILURE;
	}
	text = pststore_export_item_text (it);
	fputs (text, stdout);
	if (it->data != NULL && it->body != NULL)
		printf ("%s\n", it->data);
	return EXIT_SUCCESS;
}

static int
cmd_export (PststoreStore *store, char **args, const Options *o)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GOutputStream) out = NULL;
	PststoreExportFormat format;
	gint64 folder;

	if (o->folder == NULL || !pststore_export_format_from_string (o->format, &format) || args[0] != NULL) {
		g_printerr ("usage: airdock-pst export --folder PATH --format ics|vcf|txt [--output FILE]\n");
		return EXIT_USAGE;
	}
	folder = pststore_folder_lookup (store, o->folder, &error);
	if (folder != 0 && o->output != NULL) {
		g_autoptr (GFile) file = g_file_new_for_commandline_arg (o->output);
		out = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error));
	} else if (folder != 0) {
		out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
	}
	if (out == NULL || !pststore_export_folder (store, folder, format, out, NULL, NULL, &error) ||
	    !g_output_stream_close (out, NULL, &error)) {
		g_printerr ("airdock-pst: %s\n", error->message);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static const struct {
	const char *name;
	int (*run) (PststoreStore *store, char **args, const Options *o);
} commands[] = {
	{ "import", cmd_import },
	{ "list", cmd_list },
	{ "show", cmd_show },
	{ "export", cmd_export },
};

int
main (int argc, char **argv)
{
	Options o = { 0 };
	g_auto (GStrv) rest = NULL;
	g_autofree char *store_path = NULL, *folder = NULL, *format = NULL, *output = NULL, *password = NULL;
	GOptionEntry entries[] = {
		{ "store", 's', 0, G_OPTION_ARG_FILENAME, &store_path, "Store file (default: $XDG_DATA_HOME/airdock/store.sqlite)", "PATH" },
		{ "folder", 'f', 0, G_OPTION_ARG_STRING, &folder, "Store folder, e.g. Tasks or Inbox/Lists", "PATH" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "Export format", "ics|vcf|txt" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Export to FILE instead of standard output", "FILE" },
		{ "password", 0, 0, G_OPTION_ARG_STRING, &password, "Password of a password-protected .pst", "PASSWORD" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No progress bar or summary", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "Print the import summary as JSON", NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, "COMMAND [ARGS]" },
		G_OPTION_ENTRY_NULL
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new ("— the Airdock desktop store");
	g_autoptr (GError) error = NULL;
	g_autoptr (PststoreStore) store = NULL;

	setlocale (LC_ALL, "");
	g_option_context_add_main_entries (ctx, entries, NULL);
	g_option_context_set_summary (ctx, "Commands:\n  import FILE.pst   import an Outlook .pst/.ost file\n"
					   "  list              list folders (or the items of --folder)\n"
					   "  show ID           show one item\n"
					   "  export            export --folder as --format");
	if (!g_option_context_parse (ctx, &argc, &argv, &error) || rest == NULL) {
		g_printerr ("airdock-pst: %s\n", error ? error->message : "no command given (see --help)");
		return EXIT_USAGE;
	}
	o.store = store_path;
	o.folder = folder;
	o.format = format;
	o.output = output;
	o.password = password;
	for (gsize i = 0; i < G_N_ELEMENTS (commands); i++) {
		int status;

		if (g_strcmp0 (rest[0], commands[i].name) != 0)
			continue;
		store = pststore_open (o.store, &error);
		if (store == NULL) {
			g_printerr ("airdock-pst: %s\n", error->message);
			return EXIT_FAILURE;
		}
		status = commands[i].run (store, rest + 1, &o);
		if (password != NULL)
			explicit_bzero (password, strlen (password));
		return status;
	}
	g_printerr ("airdock-pst: unknown command “%s” (see --help)\n", rest[0]);
	return EXIT_USAGE;
}
