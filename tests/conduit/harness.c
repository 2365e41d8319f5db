/* Shared by the conduit tests: see harness.h. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include "tests/conduit/harness.h"

static void
child_setup (gpointer data)
{
	(void) data;
	(void) prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
tool (const char *rel)
{
	return g_test_build_filename (G_TEST_BUILT, rel, NULL);
}

void
harness_init (Harness *h)
{
	g_autoptr (GError) error = NULL;

	memset (h, 0, sizeof *h);
	h->dir = g_dir_make_tmp ("airdock-conduit-XXXXXX", &error);
	g_assert_no_error (error);
	h->state = g_build_filename (h->dir, "handheld.ini", NULL);
	h->store = g_build_filename (h->dir, "store.sqlite", NULL);
	h->logs = g_build_filename (h->dir, "logs", NULL);
}

static void
rm_rf (const char *path)
{
	g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
	const char *name;

	if (d != NULL) {
		while ((name = g_dir_read_name (d)) != NULL) {
			g_autofree char *p = g_build_filename (path, name, NULL);

			rm_rf (p);
		}
		(void) g_rmdir (path);
	} else {
		(void) g_unlink (path);
	}
}

void
harness_clear (Harness *h)
{
	rm_rf (h->dir);
	g_free (h->dir);
	g_free (h->state);
	g_free (h->store);
	g_free (h->logs);
	g_free (h->conduit_line);
	g_free (h->handheld_out);
}

static void
copy_tree (const char *from, const char *to)
{
	g_autoptr (GDir) d = g_dir_open (from, 0, NULL);
	const char *name;

	if (d == NULL) {
		g_autofree char *text = NULL;
		gsize len;

		g_assert_true (g_file_get_contents (from, &text, &len, NULL));
		g_assert_true (g_file_set_contents (to, text, (gssize) len, NULL));
		return;
	}
	g_assert_cmpint (g_mkdir_with_parents (to, 0700), ==, 0);
	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree char *a = g_build_filename (from, name, NULL);
		g_autofree char *b = g_build_filename (to, name, NULL);

		copy_tree (a, b);
	}
}

void
harness_copy (Harness *h, Harness *out_copy)
{
	harness_init (out_copy);
	copy_tree (h->dir, out_copy->dir);
}

static GSubprocess *
spawn (GPtrArray *argv, GError **error)
{
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

	g_ptr_array_add (argv, NULL);
	g_subprocess_launcher_set_child_setup (l, child_setup, NULL, NULL);
	return g_subprocess_launcher_spawnv (l, (const char *const *) argv->pdata, error);
}

char *
harness_handheld (Harness *h, int want_status, const char *first, ...)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GSubprocess) p = NULL;
	g_autoptr (GError) error = NULL;
	char *out = NULL;
	va_list ap;

	g_ptr_array_add (argv, tool ("tests/handheld/airdock-handheld"));
	g_ptr_array_add (argv, g_strdup ("--state"));
	g_ptr_array_add (argv, g_strdup (h->state));
	va_start (ap, first);
	for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
		g_ptr_array_add (argv, g_strdup (a));
	va_end (ap);
	p = spawn (argv, &error);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpint (g_subprocess_get_exit_status (p), ==, want_status);
	return out;
}

static char *
read_line (GSubprocess *p)
{
	g_autoptr (GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
	g_autoptr (GError) error = NULL;
	char *line;

	g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
	/* unbuffered: read byte by byte so that nothing past the line is lost */
	g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (in), 1);
	line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
	g_assert_no_error (error);
	return line;
}

GSubprocess *
harness_spawn (const char *tool_path, const char *first, ...)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	GSubprocess *p;
	va_list ap;

	g_ptr_array_add (argv, tool (tool_path));
	va_start (ap, first);
	for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
		g_ptr_array_add (argv, g_strdup (a));
	va_end (ap);
	p = spawn (argv, &error);
	g_assert_no_error (error);
	return p;
}

char *
harness_read_line (GSubprocess *p)
{
	return read_line (p);
}

static GSubprocess *
start_conduit (Harness *h, const char *listen, const char *const *extra)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	GSubprocess *p;

	g_ptr_array_add (argv, tool ("conduit/airdock-conduit"));
	g_ptr_array_add (argv, g_strconcat ("--store=", h->store, NULL));
	g_ptr_array_add (argv, g_strconcat ("--log-dir=", h->logs, NULL));
	g_ptr_array_add (argv, g_strconcat ("--listen=", listen, NULL));
	g_ptr_array_add (argv, g_strdup ("--once"));
	for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
		g_ptr_array_add (argv, g_strdup (extra[i]));
	p = spawn (argv, &error);
	g_assert_no_error (error);
	return p;
}

static GSubprocess *
start_handheld (Harness *h, const char *link, const char *link_arg, const char *const *extra)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	GSubprocess *p;

	g_ptr_array_add (argv, tool ("tests/handheld/airdock-handheld"));
	g_ptr_array_add (argv, g_strdup ("--state"));
	g_ptr_array_add (argv, g_strdup (h->state));
	g_ptr_array_add (argv, g_strdup (link));
	if (link_arg != NULL)
		g_ptr_array_add (argv, g_strdup (link_arg));
	for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
		g_ptr_array_add (argv, g_strdup (extra[i]));
	p = spawn (argv, &error);
	g_assert_no_error (error);
	return p;
}

static int
finish (Harness *h, GSubprocess *conduit, GSubprocess *handheld)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *hh_rest = NULL;
	g_autofree char *c_rest = NULL;

	g_subprocess_communicate_utf8 (handheld, NULL, NULL, &hh_rest, NULL, &error);
	g_assert_no_error (error);
	g_subprocess_communicate_utf8 (conduit, NULL, NULL, &c_rest, NULL, &error);
	g_assert_no_error (error);
	g_free (h->handheld_out);
	h->handheld_out = g_steal_pointer (&hh_rest);
	g_free (h->conduit_line);
	h->conduit_line = g_strdup (c_rest != NULL ? c_rest : "");
	g_test_message ("conduit: %s", h->conduit_line);
	g_test_message ("handheld: %s", h->handheld_out);
	return g_subprocess_get_exit_status (conduit);
}

GSubprocess *
harness_conduit_start_net (Harness *h, const char *const *conduit_extra, char **out_where)
{
	GSubprocess *c = start_conduit (h, "net:127.0.0.1:0", conduit_extra);
	g_autofree char *line = read_line (c);

	g_assert_nonnull (line);
	g_assert_true (g_str_has_prefix (line, "listening net:"));
	*out_where = g_strdup (line + strlen ("listening net:"));
	return c;
}

int
harness_handheld_sync_net (Harness *h, GSubprocess *conduit, const char *where, const char *const *handheld_extra)
{
	g_autoptr (GSubprocess) hh = start_handheld (h, "--net", where, handheld_extra);

	return finish (h, conduit, hh);
}

int
harness_sync_net (Harness *h, const char *const *conduit_extra, const char *const *handheld_extra)
{
	g_autofree char *where = NULL;
	g_autoptr (GSubprocess) c = harness_conduit_start_net (h, conduit_extra, &where);

	return harness_handheld_sync_net (h, c, where, handheld_extra);
}

int
harness_sync_pty (Harness *h, guint baud, const char *const *handheld_extra)
{
	g_autoptr (GPtrArray) extra = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GSubprocess) hh = NULL;
	g_autoptr (GSubprocess) c = NULL;
	g_autofree char *line = NULL;
	g_autofree char *listen = NULL;

	g_ptr_array_add (extra, g_strdup_printf ("--baud=%u", baud));
	for (guint i = 0; handheld_extra != NULL && handheld_extra[i] != NULL; i++)
		g_ptr_array_add (extra, g_strdup (handheld_extra[i]));
	g_ptr_array_add (extra, NULL);
	hh = start_handheld (h, "--pty", NULL, (const char *const *) extra->pdata);
	line = read_line (hh);
	g_assert_nonnull (line);
	g_assert_true (g_str_has_prefix (line, "pty /"));
	listen = g_strdup_printf ("serial:%s@%u", line + 4, baud);
	c = start_conduit (h, listen, NULL);
	return finish (h, c, hh);
}

PststoreStore *
harness_store_open (Harness *h)
{
	g_autoptr (GError) error = NULL;
	PststoreStore *s = pststore_open (h->store, &error);

	g_assert_no_error (error);
	return s;
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

char *
harness_store_dump (Harness *h, PststoreKind kind)
{
	g_autoptr (PststoreStore) s = harness_store_open (h);
	g_autoptr (GError) error = NULL;
	gint64 folder = pststore_folder_default (s, kind, &error);
	g_autoptr (GPtrArray) items = pststore_item_list (s, folder, &error);
	g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
	GString *out = g_string_new (NULL);

	g_assert_no_error (error);
	for (guint i = 0; i < items->len; i++) {
		PststoreItem *it = g_ptr_array_index (items, i);
		g_autofree char *body = g_strescape (it->body != NULL ? it->body : "", NULL);

		g_ptr_array_add (lines, g_strdup_printf ("%s|%s|%s", it->subject != NULL ? it->subject : "", body,
		                                         it->categories != NULL ? it->categories[0] : "Unfiled"));
	}
	g_ptr_array_sort (lines, cmp_str);
	for (guint i = 0; i < lines->len; i++)
		g_string_append_printf (out, "%s\n", (char *) lines->pdata[i]);
	return g_string_free (out, FALSE);
}

char *
harness_handheld_dump (Harness *h, const char *what)
{
	g_autofree char *out = harness_handheld (h, 0, "list", NULL);
	g_auto (GStrv) rows = g_strsplit (out, "\n", -1);
	g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
	GString *s = g_string_new (NULL);

	for (guint i = 0; rows[i] != NULL; i++) {
		g_auto (GStrv) f = g_strsplit (rows[i], "\t", -1);

		if (g_strv_length (f) < 5 || strcmp (f[0], what) != 0)
			continue;
		/* category and text: the number and dirty bit vary */
		g_ptr_array_add (lines, g_strdup_printf ("%s|%s%s%s", f[2], f[4], f[5] != NULL ? "|" : "",
		                                         f[5] != NULL ? f[5] : ""));
	}
	g_ptr_array_sort (lines, cmp_str);
	for (guint i = 0; i < lines->len; i++)
		g_string_append_printf (s, "%s\n", (char *) lines->pdata[i]);
	return g_string_free (s, FALSE);
}

static char *
device_dir (Harness *h, guint32 user_id)
{
	g_autofree char *name = g_strdup_printf ("palm-%u", user_id);

	return g_build_filename (h->logs, name, NULL);
}

static GPtrArray *
log_names (Harness *h, guint32 user_id)
{
	g_autofree char *dir = device_dir (h, user_id);
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	const char *name;

	while (d != NULL && (name = g_dir_read_name (d)) != NULL)
		if (g_str_has_suffix (name, ".log"))
			g_ptr_array_add (names, g_build_filename (dir, name, NULL));
	g_ptr_array_sort (names, cmp_str);
	return names;
}

guint
harness_count_logs (Harness *h, guint32 user_id)
{
	g_autoptr (GPtrArray) names = log_names (h, user_id);

	return names->len;
}

char *
harness_newest_log (Harness *h, guint32 user_id)
{
	g_autoptr (GPtrArray) names = log_names (h, user_id);
	char *text = NULL;

	g_assert_cmpuint (names->len, >, 0);
	g_assert_true (g_file_get_contents (names->pdata[names->len - 1], &text, NULL, NULL));
	return text;
}
