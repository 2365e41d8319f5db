/* Tests of airdock-tray.
 *
 * /tray/view/…: the strings it shows (conduit/tray-view.c), in English, and
 * in German and Czech from the build tree's catalogs (po/locale, built from
 * the po files).
 *
 * /tray/gui/…: the real program under Xvfb on a private session bus
 * (dbus-daemon), against tests/conduit/fake-conduit.  The tray runs with
 * --print-state, which reports what its widgets show; the window title is
 * also read back from the X server (xprop), "Sync now" is pressed with the
 * keyboard (xdotool, through XTEST), and screenshots of the screen go to
 * tests/conduit/tray-*.png in the build tree.  With a StatusNotifier watcher
 * on the bus, the indicator's properties and menu are read as a tray host
 * would read them.  Every child process
 * gets SIGTERM when this program dies (PR_SET_PDEATHSIG), so a failed
 * assertion leaves nothing running. */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "conduit/tray-view.h"

/* Only a guard against a hung child: no test asserts how long anything takes. */
#define WAIT_LIMIT_S 30

typedef struct {
	gboolean tried;
	gboolean usable;
	char *skip_reason;
	char *runtime_dir;
	char **environ;         /* for every child: the private display and bus */
	GSubprocess *xvfb;
	GSubprocess *bus;
	GDBusConnection *connection;
} Env;

static Env env;

typedef struct {
	GSubprocess *proc;
	GDataInputStream *out;
	GCancellable *cancel;
	char *xid;
	char **state;           /* fields of the newest STATE line */
	gboolean eof;
} Tray;

/* ---------------------------------------------------------------- view */

static void
use_language (const char *language)
{
	if (language != NULL)
		g_setenv ("LANGUAGE", language, TRUE);
	else
		g_unsetenv ("LANGUAGE");
	/* glibc re-reads LANGUAGE once the catalogs are invalidated */
	setlocale (LC_ALL, "");
	textdomain (GETTEXT_PACKAGE);
}

static void
test_view_english (void)
{
	g_autofree char *syncing = NULL;
	g_autofree char *over = NULL;
	g_autofree char *absent = NULL;
	g_autofree char *device = NULL;
	g_autofree char *progress = NULL;
	g_autofree char *never = NULL;
	g_autofree char *last = NULL;
	g_autofree char *one = NULL;
	g_autofree char *two = NULL;

	use_language (NULL);
	syncing = tray_view_title (TRAY_STATUS_SYNCING, 0.4);
	over = tray_view_title (TRAY_STATUS_SYNCING, 7.0);
	absent = tray_view_title (TRAY_STATUS_ABSENT, 0.0);
	device = tray_view_status_line (TRAY_STATUS_CONNECTED, "Ada", NULL);
	progress = tray_view_status_line (TRAY_STATUS_SYNCING, NULL, "MemoDB 120/300");
	never = tray_view_last_sync ("", 0);
	last = tray_view_last_sync ("12 memos, 3 todos", 1795705200);
	one = tray_view_conflicts_body (1);
	two = tray_view_conflicts_body (2);
	g_assert_cmpstr (syncing, ==, "Airdock — Syncing 40%");
	g_assert_cmpstr (over, ==, "Airdock — Syncing 100%");
	g_assert_cmpstr (absent, ==, "Airdock — Conduit not running");
	g_assert_cmpstr (device, ==, "Handheld “Ada” is connected.");
	g_assert_cmpstr (progress, ==, "Syncing: MemoDB 120/300");
	g_assert_cmpstr (never, ==, "No sync yet.");
	g_assert_cmpstr (last, ==, "Last sync: 2026-11-26 15:00 — 12 memos, 3 todos");
	g_assert_cmpstr (one, ==, "1 conflict: both versions were kept.");
	g_assert_cmpstr (two, ==, "2 conflicts: both versions were kept.");
}

static void
test_view_states (void)
{
	g_assert_cmpint (tray_status_from_string ("idle"), ==, TRAY_STATUS_IDLE);
	g_assert_cmpint (tray_status_from_string ("connected"), ==, TRAY_STATUS_CONNECTED);
	g_assert_cmpint (tray_status_from_string ("syncing"), ==, TRAY_STATUS_SYNCING);
	g_assert_cmpint (tray_status_from_string ("error"), ==, TRAY_STATUS_ERROR);
	/* a state this tray does not know must not look healthy */
	g_assert_cmpint (tray_status_from_string ("exploded"), ==, TRAY_STATUS_ERROR);
	g_assert_cmpint (tray_status_from_string (NULL), ==, TRAY_STATUS_ERROR);
	g_assert_cmpstr (tray_status_icon_name (TRAY_STATUS_SYNCING), !=, tray_status_icon_name (TRAY_STATUS_IDLE));
}

static void
test_view_german (void)
{
	g_autofree char *idle = NULL;
	g_autofree char *syncing = NULL;
	g_autofree char *five = NULL;

	use_language ("de");
	idle = tray_view_title (TRAY_STATUS_IDLE, 0.0);
	syncing = tray_view_title (TRAY_STATUS_SYNCING, 0.4);
	five = tray_view_conflicts_body (5);
	use_language (NULL);
	g_assert_cmpstr (idle, ==, "Airdock — Bereit");
	g_assert_cmpstr (syncing, ==, "Airdock — Synchronisiere 40 %");
	g_assert_cmpstr (five, ==, "5 Konflikte: Beide Fassungen wurden behalten.");
}

static void
test_view_czech_plurals (void)
{
	g_autofree char *one = NULL;
	g_autofree char *few = NULL;
	g_autofree char *many = NULL;
	g_autofree char *absent = NULL;

	use_language ("cs");
	one = tray_view_conflicts_body (1);
	few = tray_view_conflicts_body (3);
	many = tray_view_conflicts_body (5);
	absent = tray_view_title (TRAY_STATUS_ABSENT, 0.0);
	use_language (NULL);
	g_assert_cmpstr (one, ==, "1 konflikt: ponechány byly obě verze.");
	g_assert_cmpstr (few, ==, "3 konflikty: ponechány byly obě verze.");
	g_assert_cmpstr (many, ==, "5 konfliktů: ponechány byly obě verze.");
	g_assert_cmpstr (absent, ==, "Airdock — Conduit neběží");
}

/* ---------------------------------------------------------------- env */

static void
child_setup (gpointer data)
{
	(void) data;
	(void) prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn (GSubprocessFlags    flags,
       const char *const  *argv,
       const char *const  *extra_env,
       GError            **error)
{
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (flags);

	g_subprocess_launcher_set_child_setup (l, child_setup, NULL, NULL);
	if (env.environ != NULL)
		g_subprocess_launcher_set_environ (l, env.environ);
	for (gsize i = 0; extra_env != NULL && extra_env[i] != NULL; i += 2) {
		if (extra_env[i + 1] != NULL)
			g_subprocess_launcher_setenv (l, extra_env[i], extra_env[i + 1], TRUE);
		else
			g_subprocess_launcher_unsetenv (l, extra_env[i]);
	}
	return g_subprocess_launcher_spawnv (l, argv, error);
}

/* The first line a child prints on stdout, or NULL when it exits first. */
static char *
first_line (GSubprocess *proc)
{
	g_autoptr (GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));

	g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
	return g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL);
}

static gboolean
env_start (char **out_reason)
{
	const char *xvfb_argv[] = { "Xvfb", "-displayfd", "1", "-screen", "0", "800x450x24", "-nolisten", "tcp", NULL };
	const char *bus_argv[] = { "dbus-daemon", "--session", "--nofork", "--print-address=1", NULL };
	g_autoptr (GError) error = NULL;
	g_autofree char *display = NULL;
	g_autofree char *address = NULL;

	env.xvfb = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, xvfb_argv, NULL, &error);
	if (env.xvfb == NULL) {
		*out_reason = g_strdup_printf ("Xvfb cannot run (%s): install the Debian package 'xvfb'", error->message);
		return FALSE;
	}
	display = first_line (env.xvfb);
	if (display == NULL || *display == '\0') {
		*out_reason = g_strdup ("Xvfb exited without opening a display");
		return FALSE;
	}
	g_autofree char *display_name = g_strdup_printf (":%s", display);

	env.bus = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, bus_argv, NULL, &error);
	g_assert_no_error (error);
	address = first_line (env.bus);
	g_assert_nonnull (address);

	/* The children's environment (this process's own stays untouched: other
	 * threads run by now): the private display and bus, and a small
	 * session without accessibility bus, dconf or gvfs. */
	env.runtime_dir = g_dir_make_tmp ("airdock-tray-XXXXXX", &error);
	g_assert_no_error (error);
	env.environ = g_get_environ ();
	env.environ = g_environ_setenv (env.environ, "DISPLAY", display_name, TRUE);
	env.environ = g_environ_setenv (env.environ, "DBUS_SESSION_BUS_ADDRESS", address, TRUE);
	env.environ = g_environ_setenv (env.environ, "XDG_RUNTIME_DIR", env.runtime_dir, TRUE);
	env.environ = g_environ_setenv (env.environ, "NO_AT_BRIDGE", "1", TRUE);
	env.environ = g_environ_setenv (env.environ, "GSETTINGS_BACKEND", "memory", TRUE);
	env.environ = g_environ_setenv (env.environ, "GIO_USE_VFS", "local", TRUE);
	env.environ = g_environ_setenv (env.environ, "GTK_THEME", "Adwaita", TRUE);

	env.connection = g_dbus_connection_new_for_address_sync (address,
	                                                         G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
	                                                         G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
	                                                         NULL, NULL, &error);
	g_assert_no_error (error);
	/* For screenshots: GTK on the Xvfb display. */
	{
		char *gtk_args[] = { (char *) "test-tray", (char *) "--display", display_name, NULL };
		char **gtk_argv = gtk_args;
		int gtk_argc = 3;

		if (!gtk_init_check (&gtk_argc, &gtk_argv)) {
			*out_reason = g_strdup ("GTK cannot open the Xvfb display");
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
gui_env (void)
{
	if (!env.tried) {
		env.tried = TRUE;
		env.usable = env_start (&env.skip_reason);
	}
	if (!env.usable)
		g_test_skip (env.skip_reason);
	return env.usable;
}

static void
env_stop (void)
{
	g_clear_object (&env.connection);
	if (env.bus != NULL) {
		g_subprocess_send_signal (env.bus, SIGTERM);
		(void) g_subprocess_wait (env.bus, NULL, NULL);
		g_clear_object (&env.bus);
	}
	if (env.xvfb != NULL) {
		g_subprocess_send_signal (env.xvfb, SIGTERM);
		(void) g_subprocess_wait (env.xvfb, NULL, NULL);
		g_clear_object (&env.xvfb);
	}
	if (env.runtime_dir != NULL)
		(void) g_rmdir (env.runtime_dir);
	g_free (env.runtime_dir);
	g_strfreev (env.environ);
	g_free (env.skip_reason);
}

/* ---------------------------------------------------------------- waiting */

typedef gboolean (*Condition) (gpointer data);

static gboolean
on_limit (gpointer data)
{
	*(gboolean *) data = TRUE;
	return G_SOURCE_REMOVE;
}

static gboolean
on_recheck (gpointer data)
{
	return G_SOURCE_CONTINUE;
}

/* Runs the main context until cond holds, checking it after each event and
 * at least every 50 ms (for conditions polled over D-Bus); FALSE when
 * WAIT_LIMIT_S passed. */
static gboolean
wait_for (Condition cond,
          gpointer  data)
{
	gboolean expired = FALSE;
	guint limit = g_timeout_add_seconds (WAIT_LIMIT_S, on_limit, &expired);
	guint recheck = g_timeout_add (50, on_recheck, NULL);

	while (!cond (data) && !expired)
		g_main_context_iteration (NULL, TRUE);
	g_source_remove (recheck);
	if (!expired)
		g_source_remove (limit);
	return !expired;
}

/* ---------------------------------------------------------------- processes */

static GSubprocess *
fake_start_full (const char *option)
{
	g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "tests", "conduit", "fake-conduit", NULL);
	const char *argv[] = { path, option, NULL };
	g_autoptr (GError) error = NULL;
	g_autoptr (GSubprocess) proc = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv, NULL, &error);
	g_autofree char *line = NULL;

	g_assert_no_error (error);
	line = first_line (proc);
	g_assert_cmpstr (line, ==, "READY");
	return g_steal_pointer (&proc);
}

static GSubprocess *
fake_start (void)
{
	return fake_start_full (NULL);
}

static void
stop (GSubprocess *proc)
{
	g_autoptr (GError) error = NULL;

	g_subprocess_send_signal (proc, SIGTERM);
	g_assert_true (g_subprocess_wait (proc, NULL, &error));
	g_assert_no_error (error);
	/* A clean exit also lets the sanitizers report leaks. */
	g_assert_true (g_subprocess_get_if_exited (proc));
	g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static void read_next_line (Tray *tray);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
	Tray *tray = data;
	g_autoptr (GError) error = NULL;
	g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
	                                                                    NULL, &error);

	if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (line == NULL) {
		tray->eof = TRUE;
		return;
	}
	g_test_message ("tray: %s", line);
	if (g_str_has_prefix (line, "XID\t")) {
		g_free (tray->xid);
		tray->xid = g_strdup (line + 4);
	} else if (g_str_has_prefix (line, "STATE\t")) {
		g_strfreev (tray->state);
		tray->state = g_strsplit (line + 6, "\t", -1);
		g_assert_cmpuint (g_strv_length (tray->state), ==, 6);
	}
	read_next_line (tray);
}

static void
read_next_line (Tray *tray)
{
	g_data_input_stream_read_line_async (tray->out, G_PRIORITY_DEFAULT, tray->cancel, on_line, tray);
}

static gboolean
tray_mapped (gpointer data)
{
	Tray *tray = data;

	return tray->xid != NULL || tray->eof;
}

static gboolean
tray_has_state (gpointer data)
{
	Tray *tray = data;

	return tray->state != NULL || tray->eof;
}

/* Starts airdock-tray; with wait_mapped, returns once its window is mapped,
 * else once it has shown its first state. */
static Tray *
tray_start_full (const char *language,
                 gboolean    wait_mapped)
{
	g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "conduit", "airdock-tray", NULL);
	g_autofree char *locale = g_test_build_filename (G_TEST_BUILT, "po", "locale", NULL);
	const char *argv[] = { path, "--print-state", NULL };
	const char *extra_env[] = { "AIRDOCK_LOCALEDIR", locale, "LANGUAGE", language, NULL, NULL };
	g_autoptr (GError) error = NULL;
	Tray *tray = g_new0 (Tray, 1);

	tray->proc = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv, extra_env, &error);
	g_assert_no_error (error);
	tray->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (tray->proc));
	tray->cancel = g_cancellable_new ();
	read_next_line (tray);
	g_assert_true (wait_for (wait_mapped ? tray_mapped : tray_has_state, tray));
	g_assert_false (tray->eof);
	return tray;
}

static Tray *
tray_start (const char *language)
{
	return tray_start_full (language, TRUE);
}

static void
tray_stop (Tray *tray)
{
	stop (tray->proc);
	g_cancellable_cancel (tray->cancel);
	g_object_unref (tray->cancel);
	g_object_unref (tray->out);
	g_object_unref (tray->proc);
	g_strfreev (tray->state);
	g_free (tray->xid);
	g_free (tray);
}

/* ---------------------------------------------------------------- what the user sees */

typedef struct {
	Tray *tray;
	guint field;
	const char *want;
} Shows;

static gboolean
tray_shows (gpointer data)
{
	Shows *s = data;

	return s->tray->eof ||
	       (s->tray->state != NULL && g_strcmp0 (s->tray->state[s->field], s->want) == 0);
}

enum { FIELD_TITLE, FIELD_STATUS, FIELD_LAST, FIELD_PROGRESS, FIELD_ICON, FIELD_BUTTONS };

/* The window title as the X server has it (what a window manager shows). */
static char *
x_title (const char *xid)
{
	const char *argv[] = { "xprop", "-id", xid, "-notype", "_NET_WM_NAME", NULL };
	g_autofree char *out = NULL;
	g_autoptr (GError) error = NULL;
	int status;
	const char *open;
	const char *close;

	g_assert_true (g_spawn_sync (NULL, (char **) argv, env.environ, G_SPAWN_SEARCH_PATH, NULL, NULL,
	                             &out, NULL, &status, &error));
	g_assert_no_error (error);
	g_assert_true (g_spawn_check_wait_status (status, NULL));
	/* _NET_WM_NAME = "…" */
	open = strchr (out, '"');
	close = strrchr (out, '"');
	g_assert_nonnull (open);
	g_assert_true (close > open);
	return g_strndup (open + 1, (gsize) (close - open - 1));
}

static void
assert_shows (Tray       *tray,
              guint       field,
              const char *want)
{
	Shows s = { tray, field, want };

	if (!wait_for (tray_shows, &s))
		g_error ("the tray does not show “%s” (field %u) but “%s”", want, field,
		         tray->state != NULL ? tray->state[field] : "(nothing)");
	g_assert_false (tray->eof);
	if (field == FIELD_TITLE) {
		g_autofree char *title = x_title (tray->xid);

		g_assert_cmpstr (title, ==, want);
	}
}

static void
fake_set (const char *first_key,
          ...)
{
	g_auto (GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{sv}"));
	g_autoptr (GVariant) reply = NULL;
	g_autoptr (GError) error = NULL;
	va_list ap;

	va_start (ap, first_key);
	for (const char *key = first_key; key != NULL; key = va_arg (ap, const char *))
		g_variant_builder_add (&b, "{sv}", key, va_arg (ap, GVariant *));
	va_end (ap);
	reply = g_dbus_connection_call_sync (env.connection, "org.airdock.Conduit1", "/org/airdock/test/FakeConduit",
	                                     "org.airdock.test.FakeConduit", "Set",
	                                     g_variant_new ("(a{sv})", &b), NULL, G_DBUS_CALL_FLAGS_NONE,
	                                     -1, NULL, &error);
	g_assert_no_error (error);
}

static GVariant *
fake_call (const char *method,
           GVariant   *args)
{
	g_autoptr (GError) error = NULL;
	GVariant *reply = g_dbus_connection_call_sync (env.connection, "org.airdock.Conduit1",
	                                               "/org/airdock/test/FakeConduit",
	                                               "org.airdock.test.FakeConduit", method, args, NULL,
	                                               G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);

	g_assert_no_error (error);
	return reply;
}

static gboolean
fake_has_notification (gpointer data)
{
	g_autoptr (GVariant) reply = fake_call ("Notifications", NULL);
	g_autofree const char **shown = NULL;

	g_variant_get (reply, "(^a&s)", &shown);
	if (g_strv_contains (shown, data))
		return TRUE;
	return FALSE;
}

static void
on_called (GDBusConnection *connection,
           const char      *sender,
           const char      *path,
           const char      *interface,
           const char      *signal,
           GVariant        *parameters,
           gpointer         user_data)
{
	GPtrArray *called = user_data;
	const char *method;

	g_variant_get (parameters, "(&s)", &method);
	g_ptr_array_add (called, g_strdup (method));
}

static gboolean
has_call (gpointer data)
{
	return ((GPtrArray *) data)->len > 0;
}

static gboolean
has_second_call (gpointer data)
{
	return ((GPtrArray *) data)->len > 1;
}

/* Saves the whole Xvfb screen; the picture must not be one flat colour. */
static void
screenshot (const char *name)
{
	GdkWindow *root = gdk_get_default_root_window ();
	g_autoptr (GdkPixbuf) shot = NULL;
	g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "tests", "conduit", name, NULL);
	g_autoptr (GError) error = NULL;
	const guint8 *px;
	gsize len;
	gboolean varied = FALSE;

	gdk_display_sync (gdk_display_get_default ());
	shot = gdk_pixbuf_get_from_window (root, 0, 0, gdk_window_get_width (root), gdk_window_get_height (root));
	g_assert_nonnull (shot);
	px = gdk_pixbuf_read_pixels (shot);
	len = gdk_pixbuf_get_byte_length (shot);
	for (gsize i = 3; i < len && !varied; i++)
		varied = px[i] != px[i % 3];
	g_assert_true (varied);
	g_assert_true (gdk_pixbuf_save (shot, path, "png", &error, NULL));
	g_assert_no_error (error);
	g_test_message ("screenshot: %s", path);
}

/* ---------------------------------------------------------------- gui tests */

static void
test_gui_absent_then_idle (void)
{
	Tray *tray;
	g_autoptr (GSubprocess) fake = NULL;

	if (!gui_env ())
		return;
	tray = tray_start (NULL);
	assert_shows (tray, FIELD_TITLE, "Airdock — Conduit not running");
	assert_shows (tray, FIELD_STATUS, "The Airdock conduit is not running.");
	assert_shows (tray, FIELD_BUTTONS, "none");
	fake = fake_start ();
	assert_shows (tray, FIELD_TITLE, "Airdock — Idle");
	assert_shows (tray, FIELD_STATUS, "Waiting for a handheld.");
	assert_shows (tray, FIELD_LAST, "No sync yet.");
	assert_shows (tray, FIELD_BUTTONS, "sync-now,full-sync");
	/* the conduit goes away and comes back: the tray keeps watching */
	stop (fake);
	assert_shows (tray, FIELD_TITLE, "Airdock — Conduit not running");
	g_clear_object (&fake);
	fake = fake_start ();
	assert_shows (tray, FIELD_TITLE, "Airdock — Idle");
	tray_stop (tray);
	stop (fake);
}

static void
test_gui_follows_sync (void)
{
	g_autoptr (GSubprocess) fake = NULL;
	g_autofree char *last = NULL;
	Tray *tray;

	if (!gui_env ())
		return;
	fake = fake_start ();
	tray = tray_start (NULL);
	assert_shows (tray, FIELD_TITLE, "Airdock — Idle");
	assert_shows (tray, FIELD_PROGRESS, "-");

	fake_set ("State", g_variant_new_string ("connected"), "Device", g_variant_new_string ("Ada"), NULL);
	assert_shows (tray, FIELD_TITLE, "Airdock — Handheld connected");
	assert_shows (tray, FIELD_STATUS, "Handheld “Ada” is connected.");

	fake_set ("State", g_variant_new_string ("syncing"), "Progress", g_variant_new_double (0.4),
	          "ProgressText", g_variant_new_string ("MemoDB 120/300"), NULL);
	assert_shows (tray, FIELD_TITLE, "Airdock — Syncing 40%");
	assert_shows (tray, FIELD_STATUS, "Syncing: MemoDB 120/300");
	assert_shows (tray, FIELD_PROGRESS, "0.40");
	assert_shows (tray, FIELD_ICON, tray_status_icon_name (TRAY_STATUS_SYNCING));
	assert_shows (tray, FIELD_BUTTONS, "none");
	screenshot ("tray-syncing.png");

	fake_set ("State", g_variant_new_string ("idle"), "Progress", g_variant_new_double (0.0),
	          "ProgressText", g_variant_new_string (""), "Device", g_variant_new_string (""),
	          "LastResult", g_variant_new_string ("12 memos, 3 todos"),
	          "LastSyncTime", g_variant_new_int64 (1795705200),
	          "LastLogPath", g_variant_new_string ("/nonexistent/airdock/Ada.log"), NULL);
	g_variant_unref (fake_call ("Finish", g_variant_new ("(bsu)", TRUE, "12 memos, 3 todos", 2)));
	assert_shows (tray, FIELD_TITLE, "Airdock — Idle");
	assert_shows (tray, FIELD_PROGRESS, "-");
	assert_shows (tray, FIELD_LAST, "Last sync: 2026-11-26 15:00 — 12 memos, 3 todos");
	assert_shows (tray, FIELD_BUTTONS, "sync-now,full-sync,open-log");
	g_assert_true (wait_for (fake_has_notification, (gpointer) "Sync finished\t12 memos, 3 todos"));
	g_assert_true (wait_for (fake_has_notification,
	                         (gpointer) "Sync conflicts\t2 conflicts: both versions were kept."));
	screenshot ("tray-idle.png");

	fake_set ("State", g_variant_new_string ("error"), NULL);
	g_variant_unref (fake_call ("Finish", g_variant_new ("(bsu)", FALSE, "The handheld went away", 0)));
	assert_shows (tray, FIELD_TITLE, "Airdock — Sync failed");
	assert_shows (tray, FIELD_ICON, tray_status_icon_name (TRAY_STATUS_ERROR));
	g_assert_true (wait_for (fake_has_notification, (gpointer) "Sync failed\tThe handheld went away"));
	tray_stop (tray);
	stop (fake);
}

static void
xdotool (const char *first,
         ...)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autoptr (GError) error = NULL;
	int status;
	va_list ap;

	g_ptr_array_add (argv, (gpointer) "xdotool");
	va_start (ap, first);
	for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
		g_ptr_array_add (argv, (gpointer) a);
	va_end (ap);
	g_ptr_array_add (argv, NULL);
	g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env.environ, G_SPAWN_SEARCH_PATH, NULL, NULL,
	                             NULL, NULL, &status, &error));
	g_assert_no_error (error);
	g_assert_true (g_spawn_check_wait_status (status, &error));
	g_assert_no_error (error);
}

static void
test_gui_sync_now (void)
{
	g_autoptr (GSubprocess) fake = NULL;
	g_autoptr (GPtrArray) called = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GVariant) reply = NULL;
	guint called_id;
	guint32 sync_now;
	guint32 full_sync;
	Tray *tray;

	if (!gui_env ())
		return;
	fake = fake_start ();
	tray = tray_start (NULL);
	assert_shows (tray, FIELD_TITLE, "Airdock — Idle");
	called_id = g_dbus_connection_signal_subscribe (env.connection, NULL, "org.airdock.test.FakeConduit", "Called",
	                                                "/org/airdock/test/FakeConduit", NULL,
	                                                G_DBUS_SIGNAL_FLAGS_NONE, on_called, called, NULL);
	/* What a user does: focus the window, press Alt+S ("_Sync now").  Two
	 * runs: chained after windowfocus, xdotool would send the key with
	 * XSendEvent, which GTK ignores, instead of through XTEST. */
	xdotool ("windowfocus", "--sync", tray->xid, NULL);
	xdotool ("key", "alt+s", NULL);
	g_assert_true (wait_for (has_call, called));
	/* and Alt+F for "_Full sync" */
	xdotool ("key", "alt+f", NULL);
	g_assert_true (wait_for (has_second_call, called));
	g_dbus_connection_signal_unsubscribe (env.connection, called_id);
	g_assert_cmpuint (called->len, ==, 2);
	g_assert_cmpstr (called->pdata[0], ==, "SyncNow");
	g_assert_cmpstr (called->pdata[1], ==, "FullSync");
	reply = fake_call ("Calls", NULL);
	g_variant_get (reply, "(uu)", &sync_now, &full_sync);
	g_assert_cmpuint (sync_now, ==, 1);
	g_assert_cmpuint (full_sync, ==, 1);
	tray_stop (tray);
	stop (fake);
}

typedef struct {
	char *name;
	char *path;
} Item;

static gboolean
fake_has_item (gpointer data)
{
	Item *item = data;
	g_autoptr (GVariant) reply = fake_call ("Items", NULL);
	g_autoptr (GVariantIter) iter = NULL;

	g_variant_get (reply, "(a(ss))", &iter);
	if (g_variant_iter_next (iter, "(ss)", &item->name, &item->path))
		return TRUE;
	return FALSE;
}

typedef struct {
	Item *item;
	const char *property;
	const char *want;
} ItemShows;

static gboolean
item_shows (gpointer data)
{
	ItemShows *s = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GVariant) reply = NULL;
	g_autoptr (GVariant) value = NULL;

	reply = g_dbus_connection_call_sync (env.connection, s->item->name, s->item->path,
	                                     "org.freedesktop.DBus.Properties", "Get",
	                                     g_variant_new ("(ss)", "org.kde.StatusNotifierItem", s->property),
	                                     G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	g_assert_no_error (error);
	g_variant_get (reply, "(v)", &value);
	if (g_strcmp0 (g_variant_get_string (value, NULL), s->want) == 0)
		return TRUE;
	return FALSE;
}

static void
assert_item_shows (Item       *item,
                   const char *property,
                   const char *want)
{
	ItemShows s = { item, property, want };

	g_assert_true (wait_for (item_shows, &s));
}

/* The labels of the indicator's menu, as a tray host reads them (dbusmenu). */
static char *
item_menu_labels (Item *item)
{
	const char *props[] = { "label", NULL };
	g_autoptr (GError) error = NULL;
	g_autoptr (GVariant) reply = NULL;
	g_autoptr (GVariant) layout = NULL;
	g_autoptr (GVariant) children = NULL;
	g_autoptr (GString) labels = g_string_new (NULL);
	g_autofree char *menu_path = g_strdup_printf ("%s/Menu", item->path);

	reply = g_dbus_connection_call_sync (env.connection, item->name, menu_path, "com.canonical.dbusmenu",
	                                     "GetLayout", g_variant_new ("(ii^as)", 0, -1, props),
	                                     G_VARIANT_TYPE ("(u(ia{sv}av))"), G_DBUS_CALL_FLAGS_NONE, -1,
	                                     NULL, &error);
	g_assert_no_error (error);
	layout = g_variant_get_child_value (reply, 1);
	children = g_variant_get_child_value (layout, 2);
	for (gsize i = 0; i < g_variant_n_children (children); i++) {
		g_autoptr (GVariant) boxed = g_variant_get_child_value (children, i);
		g_autoptr (GVariant) child = g_variant_get_variant (boxed);
		g_autoptr (GVariant) child_props = g_variant_get_child_value (child, 1);
		const char *label = NULL;

		if (g_variant_lookup (child_props, "label", "&s", &label))
			g_string_append_printf (labels, "%s|", label);
	}
	return g_string_free (g_steal_pointer (&labels), FALSE);
}

static void
test_gui_indicator (void)
{
	g_autoptr (GSubprocess) fake = NULL;
	g_autofree char *labels = NULL;
	Item item = { NULL, NULL };
	Tray *tray;

	if (!gui_env ())
		return;
	/* A StatusNotifier host on the bus: the tray shows an indicator. */
	fake = fake_start_full ("--watcher");
	tray = tray_start_full (NULL, FALSE);
	g_assert_true (wait_for (fake_has_item, &item));
	assert_item_shows (&item, "Title", "Airdock — Idle");
	assert_item_shows (&item, "IconName", tray_status_icon_name (TRAY_STATUS_IDLE));
	assert_item_shows (&item, "Status", "Active");

	fake_set ("State", g_variant_new_string ("syncing"), "Progress", g_variant_new_double (0.4),
	          "ProgressText", g_variant_new_string ("MemoDB 120/300"), NULL);
	assert_item_shows (&item, "Title", "Airdock — Syncing 40%");
	assert_item_shows (&item, "IconName", tray_status_icon_name (TRAY_STATUS_SYNCING));
	assert_item_shows (&item, "XAyatanaLabel", "40%");
	labels = item_menu_labels (&item);
	g_assert_cmpstr (labels, ==, "Syncing: MemoDB 120/300|No sync yet.|_Sync now|_Full sync|Open sync _log|"
	                             "Show _window|_Quit|");
	tray_stop (tray);
	stop (fake);
	g_free (item.name);
	g_free (item.path);
}

static void
test_gui_german (void)
{
	g_autoptr (GSubprocess) fake = NULL;
	Tray *tray;

	if (!gui_env ())
		return;
	tray = tray_start ("de");
	assert_shows (tray, FIELD_TITLE, "Airdock — Conduit läuft nicht");
	fake = fake_start ();
	assert_shows (tray, FIELD_TITLE, "Airdock — Bereit");
	assert_shows (tray, FIELD_STATUS, "Warte auf einen Handheld.");
	fake_set ("State", g_variant_new_string ("syncing"), "Progress", g_variant_new_double (0.75), NULL);
	assert_shows (tray, FIELD_TITLE, "Airdock — Synchronisiere 75 %");
	screenshot ("tray-german.png");
	tray_stop (tray);
	stop (fake);
}

int
main (int   argc,
      char *argv[])
{
	g_autofree char *localedir = NULL;
	int ret;

	/* English by default, times in UTC, the build tree's catalogs. */
	g_setenv ("LC_ALL", "C.UTF-8", TRUE);
	g_setenv ("TZ", "UTC", TRUE);
	g_unsetenv ("LANGUAGE");
	/* GTK in this process only takes screenshots. */
	g_setenv ("NO_AT_BRIDGE", "1", TRUE);
	g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
	g_setenv ("GIO_USE_VFS", "local", TRUE);
	g_test_init (&argc, &argv, NULL);
	localedir = g_test_build_filename (G_TEST_BUILT, "po", "locale", NULL);
	setlocale (LC_ALL, "");
	bindtextdomain (GETTEXT_PACKAGE, localedir);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);

	g_test_add_func ("/tray/view/english", test_view_english);
	g_test_add_func ("/tray/view/states", test_view_states);
	g_test_add_func ("/tray/view/german", test_view_german);
	g_test_add_func ("/tray/view/czech-plurals", test_view_czech_plurals);
	g_test_add_func ("/tray/gui/absent-then-idle", test_gui_absent_then_idle);
	g_test_add_func ("/tray/gui/follows-sync", test_gui_follows_sync);
	g_test_add_func ("/tray/gui/sync-now", test_gui_sync_now);
	g_test_add_func ("/tray/gui/indicator", test_gui_indicator);
	g_test_add_func ("/tray/gui/german", test_gui_german);
	ret = g_test_run ();
	env_stop ();
	return ret;
}
