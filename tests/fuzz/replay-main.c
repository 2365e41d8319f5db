/* Replays a fuzz target's corpus under `make check`.
 *
 * Every file in the corpus folder (FUZZ_CORPUS, relative to G_TEST_SRCDIR)
 * becomes one GTest case that feeds its bytes to LLVMFuzzerTestOneInput.  A
 * crash, an assertion or a sanitizer report fails the run; a target reports
 * nothing else.  Files named on the command line are replayed too, so a
 * crashing input found by the real fuzzer can be checked before it goes into
 * the corpus. */
#include "config.h"

#include <glib.h>

#include "fuzz.h"

static void
replay_one (gconstpointer user_data)
{
	const char *path = user_data;
	g_autofree char *contents = NULL;
	gsize len = 0;
	g_autoptr (GError) error = NULL;

	g_file_get_contents (path, &contents, &len, &error);
	g_assert_no_error (error);
	/* Copy into an exact-size buffer so ASan sees reads past the end. */
	g_autofree guint8 *exact = g_memdup2 (contents, len);
	g_assert_cmpint (LLVMFuzzerTestOneInput (exact, len), ==, 0);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
	return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
add_file (const char *path)
{
	g_autofree char *base = g_path_get_basename (path);
	g_autofree char *name = g_strdup_printf ("/fuzz/replay/%s", base);

	g_test_add_data_func_full (name, g_strdup (path), replay_one, g_free);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			add_file (argv[i]);
		return g_test_run ();
	}

	const char *srcdir = g_getenv ("G_TEST_SRCDIR");
	g_autofree char *dir_path = g_build_filename (srcdir ? srcdir : ".", FUZZ_CORPUS, NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (GDir) dir = g_dir_open (dir_path, 0, &error);
	g_assert_no_error (error);

	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	const char *entry;
	while ((entry = g_dir_read_name (dir)) != NULL)
		g_ptr_array_add (names, g_build_filename (dir_path, entry, NULL));
	/* A corpus with no file would replay nothing and pass: refuse it. */
	g_assert_cmpuint (names->len, >, 0);
	g_ptr_array_sort (names, compare_paths);
	for (guint i = 0; i < names->len; i++)
		add_file (g_ptr_array_index (names, i));

	return g_test_run ();
}
