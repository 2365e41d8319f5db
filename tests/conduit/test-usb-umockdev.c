/* The libusb glue on a mocked USB bus: umockdev-run builds a testbed from
 * tests/data/conduit/palm-and-hub.umockdev (a Palm device 0830:0060 with
 * bulk endpoints 0x81/0x02, and a root hub 1d6b:0002) and runs
 * airdock-conduit --listen usb in it.  The conduit must find the Palm
 * device by its vendor id (hot-plug enumeration or scan) and try to open
 * it, and leave the hub alone.  The testbed answers no usbfs ioctls, so
 * the open fails: this covers discovery, not the bulk transfers (those run
 * over the in-memory pipe in test-transport). */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <gio/gio.h>

static void
child_setup (gpointer data)
{
	(void) data;
	(void) prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
test_discovery (void)
{
	g_autofree char *run = g_find_program_in_path ("umockdev-run");
	g_autofree char *desc = g_test_build_filename (G_TEST_DIST, "tests/data/conduit/palm-and-hub.umockdev", NULL);
	g_autofree char *prog = g_test_build_filename (G_TEST_BUILT, "conduit/airdock-conduit", NULL);
	g_autofree char *dir = g_dir_make_tmp ("airdock-usb-XXXXXX", NULL);
	g_autofree char *store = g_strdup_printf ("--store=%s/store.sqlite", dir);
	g_autoptr (GSubprocessLauncher) l = NULL;
	g_autoptr (GSubprocess) p = NULL;
	g_autoptr (GDataInputStream) err = NULL;
	g_autoptr (GError) error = NULL;
	gboolean palm = FALSE;

	if (run == NULL) {
		g_test_skip ("umockdev-run is not installed");
		return;
	}
	l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	g_subprocess_launcher_set_child_setup (l, child_setup, NULL, NULL);
	{
		/* umockdev preloads its library: a sanitizer build must accept
		 * that it comes before the ASan runtime. */
		const char *asan = g_getenv ("ASAN_OPTIONS");
		g_autofree char *opts = g_strconcat (asan != NULL ? asan : "", asan != NULL ? ":" : "",
		                                     "verify_asan_link_order=0", NULL);

		g_subprocess_launcher_setenv (l, "ASAN_OPTIONS", opts, TRUE);
	}
	p = g_subprocess_launcher_spawn (l, &error, run, "-d", desc, "--", prog, store, "--listen=usb", "--once", NULL);
	g_assert_no_error (error);
	err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (p));
	/* Lines until the Palm device is reported (the process keeps waiting
	 * for a sync; it is killed below). */
	while (!palm) {
		g_autofree char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);

		g_assert_no_error (error);
		g_assert_nonnull (line);
		g_test_message ("%s", line);
		g_assert_null (strstr (line, "1d6b"));
		palm = strstr (line, "usb 0830:0060:") != NULL;
	}
	g_subprocess_force_exit (p);
	g_subprocess_wait (p, NULL, NULL);
	{
		g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

		g_assert_cmpint (system (cmd), ==, 0);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/conduit/usb/umockdev/discovery", test_discovery);
	return g_test_run ();
}
