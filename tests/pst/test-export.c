/* Tests for pst/pststore-export.c and the airdock-pst command line: a real
 * .pst imported by the program, its notes and tasks listed and exported. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libical/ical.h>
#include <string.h>

#include "pst/pststore-export.h"
#include "pst/pststore.h"

typedef struct {
	char *dir;
	char *path;
	PststoreStore *store;
} Fixture;

static void
setup (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	fx->dir = g_dir_make_tmp ("pstexport-XXXXXX", &error);
	g_assert_no_error (error);
	fx->path = g_build_filename (fx->dir, "store.sqlite", NULL);
	fx->store = pststore_open (fx->path, &error);
	g_assert_no_error (error);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
	g_autoptr (GDir) dir = g_dir_open (fx->dir, 0, NULL);
	const char *name;

	pststore_close (fx->store);
	while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
		g_autofree char *p = g_build_filename (fx->dir, name, NULL);
		g_remove (p);
	}
	g_rmdir (fx->dir);
	g_free (fx->dir);
	g_free (fx->path);
}

static gint64
add_task (Fixture *fx)
{
	g_autoptr (PststoreItem) t = pststore_item_new ("IPM.Task");
	const char *cats[] = { "Work", NULL };

	t->folder_id = pststore_folder_lookup (fx->store, "Tasks", NULL);
	t->subject = g_strdup ("File taxes");
	t->body = g_strdup ("Before April");
	t->categories = g_strdupv ((char **) cats);
	t->importance = 2;
	t->task_start = 1700000000;
	t->task_due = 1700086400;
	t->task_percent = 0.5;
	t->task_status = PSTSTORE_TASK_IN_PROGRESS;
	t->reminder = 1700080000;
	t->recurrence = g_strdup ("FREQ=YEARLY");
	t->source_id = g_strdup ("test:task");
	g_assert_true (pststore_item_save (fx->store, t, NULL, NULL));
	return t->id;
}

static char *
export (Fixture *fx, const char *folder, PststoreExportFormat fmt, gsize *written, gsize *skipped)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
	gint64 id = pststore_folder_lookup (fx->store, folder, &error);

	g_assert_no_error (error);
	g_assert_true (pststore_export_folder (fx->store, id, fmt, out, written, skipped, &error));
	g_assert_no_error (error);
	g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
	g_output_stream_close (out, NULL, NULL);
	return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_task_ics (Fixture *fx, gconstpointer data)
{
	gsize written = 0, skipped = 0;
	g_autoptr (PststoreItem) mail = pststore_item_new ("IPM.Note");

	add_task (fx);
	mail->folder_id = pststore_folder_lookup (fx->store, "Tasks", NULL);
	g_assert_true (pststore_item_save (fx->store, mail, NULL, NULL));
	g_autofree char *ics = export (fx, "Tasks", PSTSTORE_EXPORT_ICS, &written, &skipped);
	g_assert_cmpuint (written, ==, 1);
	g_assert_cmpuint (skipped, ==, 1);

	icalcomponent *cal = icalcomponent_new_from_string (ics);
	g_assert_nonnull (cal);
	icalcomponent *todo = icalcomponent_get_first_component (cal, ICAL_VTODO_COMPONENT);
	g_assert_nonnull (todo);
	g_assert_cmpstr (icalcomponent_get_summary (todo), ==, "File taxes");
	g_assert_cmpstr (icalcomponent_get_uid (todo), ==, "test:task");
	g_assert_cmpint (icaltime_as_timet (icalcomponent_get_due (todo)), ==, 1700086400);
	g_assert_cmpint (icaltime_as_timet (icalcomponent_get_dtstart (todo)), ==, 1700000000);
	icalproperty *p = icalcomponent_get_first_property (todo, ICAL_PERCENTCOMPLETE_PROPERTY);
	g_assert_cmpint (icalproperty_get_percentcomplete (p), ==, 50);
	g_assert_cmpint (icalcomponent_get_status (todo), ==, ICAL_STATUS_INPROCESS);
	p = icalcomponent_get_first_property (todo, ICAL_PRIORITY_PROPERTY);
	g_assert_cmpint (icalproperty_get_priority (p), ==, 1);
	p = icalcomponent_get_first_property (todo, ICAL_CATEGORIES_PROPERTY);
	g_assert_cmpstr (icalproperty_get_categories (p), ==, "Work");
	p = icalcomponent_get_first_property (todo, ICAL_RRULE_PROPERTY);
	g_assert_cmpint (icalproperty_get_rrule (p).freq, ==, ICAL_YEARLY_RECURRENCE);
	g_assert_nonnull (icalcomponent_get_first_component (todo, ICAL_VALARM_COMPONENT));
	icalcomponent_free (cal);
}

static void
test_note_and_text (Fixture *fx, gconstpointer data)
{
	g_autoptr (PststoreItem) n = pststore_item_new ("IPM.StickyNote");
	gsize written = 0;

	n->folder_id = pststore_folder_lookup (fx->store, "Notes", NULL);
	n->subject = g_strdup ("Groceries");
	n->body = g_strdup ("milk\neggs");
	n->note_colour = PSTSTORE_NOTE_GREEN;
	g_assert_true (pststore_item_save (fx->store, n, NULL, NULL));

	g_autofree char *ics = export (fx, "Notes", PSTSTORE_EXPORT_ICS, &written, NULL);
	g_assert_cmpuint (written, ==, 1);
	icalcomponent *cal = icalcomponent_new_from_string (ics);
	icalcomponent *j = icalcomponent_get_first_component (cal, ICAL_VJOURNAL_COMPONENT);
	g_assert_nonnull (j);
	g_assert_cmpstr (icalcomponent_get_description (j), ==, "milk\neggs");
	g_assert_nonnull (strstr (ics, "X-AIRDOCK-NOTE-COLOUR:green"));
	icalcomponent_free (cal);

	g_autofree char *txt = export (fx, "Notes", PSTSTORE_EXPORT_TXT, &written, NULL);
	g_assert_nonnull (strstr (txt, "Subject: Groceries\n"));
	g_assert_nonnull (strstr (txt, "Colour: green\n"));
	g_assert_nonnull (strstr (txt, "\nmilk\neggs\n"));
	/* A note is no contact. */
	gsize skipped = 0;
	g_autofree char *vcf = export (fx, "Notes", PSTSTORE_EXPORT_VCF, &written, &skipped);
	g_assert_cmpuint (written, ==, 0);
	g_assert_cmpuint (skipped, ==, 1);
	g_assert_cmpstr (vcf, ==, "");
}

static void
test_format_names (void)
{
	PststoreExportFormat f;

	g_assert_true (pststore_export_format_from_string ("ICS", &f));
	g_assert_cmpint (f, ==, PSTSTORE_EXPORT_ICS);
	g_assert_true (pststore_export_format_from_string ("vcf", &f));
	g_assert_cmpint (f, ==, PSTSTORE_EXPORT_VCF);
	g_assert_true (pststore_export_format_from_string ("txt", &f));
	g_assert_cmpint (f, ==, PSTSTORE_EXPORT_TXT);
	g_assert_false (pststore_export_format_from_string ("csv", &f));
	g_assert_false (pststore_export_format_from_string (NULL, &f));
}

/* ---- The program ------------------------------------------------------------- */

static int
run (const char *const *args, char **out, char **err)
{
	const char *builddir = g_getenv ("G_TEST_BUILDDIR");
	g_autofree char *prog = g_build_filename (builddir ? builddir : ".", "pst", "airdock-pst", NULL);
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autoptr (GError) error = NULL;
	int status = 0;

	g_ptr_array_add (argv, prog);
	for (guint i = 0; args[i]; i++)
		g_ptr_array_add (argv, (gpointer) args[i]);
	g_ptr_array_add (argv, NULL);
	g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
	g_assert_no_error (error);
	return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_cli (Fixture *fx, gconstpointer data)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	g_autofree char *pst = shared ? g_build_filename (shared, "fixtures", "pst", "aspose-email-java",
							  "MapiNoteToPST_out.pst", NULL) : NULL;
	g_autofree char *store = g_build_filename (fx->dir, "cli.sqlite", NULL);
	g_autofree char *ics = g_build_filename (fx->dir, "notes.ics", NULL);
	char *out = NULL, *err = NULL;

	if (pst == NULL || !g_file_test (pst, G_FILE_TEST_IS_REGULAR)) {
		g_test_skip ("PST fixtures are missing (AIRDOCK_SHARED)");
		return;
	}
	const char *import[] = { "--store", store, "import", pst, "--json", NULL };
	g_assert_cmpint (run (import, &out, &err), ==, 0);
	g_assert_cmpstr (out, ==, "{\"mail\":0,\"contact\":0,\"appointment\":0,\"task\":0,\"note\":3,\"other\":0,\"errors\":0}\n");
	g_clear_pointer (&out, g_free);
	g_clear_pointer (&err, g_free);

	/* --quiet prints nothing; a re-import does not duplicate. */
	const char *quiet[] = { "--store", store, "import", "--quiet", pst, NULL };
	g_assert_cmpint (run (quiet, &out, &err), ==, 0);
	g_assert_cmpstr (out, ==, "");
	g_assert_cmpstr (err, ==, "");
	g_clear_pointer (&out, g_free);
	g_clear_pointer (&err, g_free);

	const char *list[] = { "--store", store, "list", "--folder", "Notes", NULL };
	g_assert_cmpint (run (list, &out, &err), ==, 0);
	g_auto (GStrv) lines = g_strsplit (g_strchomp (out), "\n", -1);
	g_assert_cmpuint (g_strv_length (lines), ==, 3);
	g_assert_nonnull (strstr (lines[0], "note"));
	g_autofree char *id = g_strstrip (g_strndup (lines[0], 8));
	g_clear_pointer (&out, g_free);
	g_clear_pointer (&err, g_free);

	const char *show[] = { "--store", store, "show", id, NULL };
	g_assert_cmpint (run (show, &out, &err), ==, 0);
	g_assert_nonnull (strstr (out, "Class: IPM.StickyNote\n"));
	g_assert_nonnull (strstr (out, "Colour: "));
	g_clear_pointer (&out, g_free);
	g_clear_pointer (&err, g_free);

	const char *exp[] = { "--store", store, "export", "--folder", "Notes", "--format", "ics", "-o", ics, NULL };
	g_assert_cmpint (run (exp, &out, &err), ==, 0);
	g_autofree char *text = NULL;
	g_assert_true (g_file_get_contents (ics, &text, NULL, NULL));
	icalcomponent *cal = icalcomponent_new_from_string (text);
	g_assert_cmpint (icalcomponent_count_components (cal, ICAL_VJOURNAL_COMPONENT), ==, 3);
	icalcomponent_free (cal);
	g_clear_pointer (&out, g_free);
	g_clear_pointer (&err, g_free);

	/* Usage errors and a missing file. */
	const char *bad_format[] = { "--store", store, "export", "--folder", "Notes", "--format", "csv", NULL };
	g_assert_cmpint (run (bad_format, &out, &err), ==, 64);
	g_clear_pointer (&out, g_free);
	g_clear_pointer (&err, g_free);
	const char *bad_cmd[] = { "--store", store, "frobnicate", NULL };
	g_assert_cmpint (run (bad_cmd, &out, &err), ==, 64);
	g_clear_pointer (&out, g_free);
	g_clear_pointer (&err, g_free);
	const char *missing[] = { "--store", store, "import", "/nonexistent.pst", "--json", NULL };
	g_assert_cmpint (run (missing, &out, &err), ==, 1);
	g_assert_nonnull (strstr (err, "nonexistent.pst"));
	g_assert_cmpstr (out, ==, "{\"mail\":0,\"contact\":0,\"appointment\":0,\"task\":0,\"note\":0,\"other\":0,\"errors\":1}\n");
	g_free (out);
	g_free (err);
}

#define ADD(name, fn) g_test_add (name, Fixture, NULL, setup, fn, teardown)

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/export/format-names", test_format_names);
	ADD ("/export/task-ics", test_task_ics);
	ADD ("/export/note-and-text", test_note_and_text);
	ADD ("/export/cli", test_cli);
	return g_test_run ();
}
