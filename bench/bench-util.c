/* bench/bench-util.c — helpers shared by the benchmarks (see bench-util.h). */
#include "config.h"

#include <stdlib.h>

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
