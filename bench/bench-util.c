/* bench/bench-util.c — helpers shared by the benchmarks (see bench-util.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "eas/eas-sync.h"

#include "bench/bench-util.h"

void
bench_set_build_dir (const char *argv0)
{
	g_autofree char *dir = NULL;
	g_autofree char *top = NULL;

	if (g_getenv ("G_TEST_BUILDDIR") != NULL)
		return;
	/* bench/NAME (or bench/.libs/NAME): the build tree is the parent. */
	dir = g_path_get_dirname (argv0);
	top = g_path_get_dirname (dir);
	if (g_str_has_suffix (dir, ".libs")) {
		char *up = g_path_get_dirname (top);

		g_free (top);
		top = up;
	}
	g_setenv ("G_TEST_BUILDDIR", top, TRUE);
}

gboolean
bench_init (int *argc, char ***argv, const char *parameter_string, const GOptionEntry *options)
{
	g_autoptr (GOptionContext) ctx = g_option_context_new (parameter_string);
	g_autoptr (GError) error = NULL;

	g_option_context_add_main_entries (ctx, options, NULL);
	if (!g_option_context_parse (ctx, argc, argv, &error)) {
		fprintf (stderr, "%s\n", error->message);
		return FALSE;
	}
	bench_set_build_dir ((*argv)[0]);
	/* Setup fsyncs every file it writes: on a RAM file system it takes
	 * seconds instead of minutes, and the figures do not depend on it (the
	 * files are in the page cache either way). */
	if (g_getenv ("TMPDIR") == NULL && g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR))
		g_setenv ("TMPDIR", "/dev/shm", TRUE);
	return TRUE;
}

guint64
bench_server_cpu_ns (GPid pid)
{
	g_autofree char *dir_path = g_strdup_printf ("/proc/%d/task", (int) pid);
	g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
	const char *tid;
	guint64 total = 0;

	while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL) {
		g_autofree char *path = g_build_filename (dir_path, tid, "schedstat", NULL);
		g_autofree char *text = NULL;

		if (g_file_get_contents (path, &text, NULL, NULL))
			total += g_ascii_strtoull (text, NULL, 10);
	}
	return total;
}

EasNode *
bench_sync_request (const char *key, const char *folder, gint window,
                    const char *filter_type, const char *body_type, gint truncation)
{
	EasNode *root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	g_autofree char *w = g_strdup_printf ("%d", window);
	g_autofree char *t = g_strdup_printf ("%d", truncation);
	EasNode *opts, *bp;

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, folder);
	eas_node_append_text (col, EAS_AIRSYNC_WINDOW_SIZE, w);
	opts = eas_node_append (col, EAS_AIRSYNC_OPTIONS);
	if (filter_type != NULL)
		eas_node_append_text (opts, EAS_AIRSYNC_FILTER_TYPE, filter_type);
	bp = eas_node_append (opts, EAS_AIRSYNCBASE_BODY_PREFERENCE);
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TYPE, body_type);
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TRUNCATION_SIZE, t);
	return root;
}

AirdockEasResponse *
bench_sync_post (AirdockEasClient *c, EasNode *root, char **key,
                 gboolean *out_more, gsize *bytes, EasNode **out_commands)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post_tree (c, EAS_CMD_SYNC, root, &error);
	EasNode *col;

	if (r == NULL || r->http_status != 200 || r->tree == NULL)
		g_error ("Sync failed: %s", error ? error->message : "bad response");
	col = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	if (col == NULL || g_strcmp0 (eas_node_child_text (col, EAS_AIRSYNC_STATUS), "1") != 0)
		g_error ("Sync status is not 1");
	g_free (*key);
	*key = g_strdup (eas_node_child_text (col, EAS_AIRSYNC_SYNC_KEY));
	*out_more = eas_node_child (col, EAS_AIRSYNC_MORE_AVAILABLE) != NULL;
	*bytes += g_bytes_get_size (r->body);
	*out_commands = eas_node_child (col, EAS_AIRSYNC_COMMANDS);
	return g_steal_pointer (&r);
}

static int
compare_u64 (const void *a, const void *b)
{
	guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

	return x < y ? -1 : x > y;
}

char *
bench_ns_summary (guint64 *values, gsize n_values)
{
	guint64 sum = 0;

	g_return_val_if_fail (values != NULL && n_values > 0, NULL);
	qsort (values, n_values, sizeof *values, compare_u64);
	for (gsize i = 0; i < n_values; i++)
		sum += values[i];
	return g_strdup_printf ("median %.3f ms, mean %.3f ms, min %.3f ms, max %.3f ms",
	                        values[n_values / 2] / 1e6, sum / 1e6 / n_values,
	                        values[0] / 1e6, values[n_values - 1] / 1e6);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return x < y ? -1 : x > y;
}

void
bench_sort_doubles (GArray *values)
{
	g_array_sort (values, compare_double);
}

double
bench_percentile (GArray *sorted, guint pct)
{
	gsize i;

	if (sorted->len == 0)
		return 0;
	i = MIN ((gsize) sorted->len * pct / 100, (gsize) sorted->len - 1);
	return g_array_index (sorted, double, i);
}
