/* org.airdock.Conduit1 on a private session bus (GTestDBus): FullSync
 * makes the next HotSync a slow sync, and LastResult reports it. */
#include "config.h"

#include <string.h>

#include "tests/conduit/harness.h"

static GVariant *
get (GDBusProxy *p, const char *name)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GVariant) r = g_dbus_proxy_call_sync (p, "org.freedesktop.DBus.Properties.Get",
	                                                 g_variant_new ("(ss)", "org.airdock.Conduit1", name),
	                                                 G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
	GVariant *v = NULL;

	g_assert_no_error (error);
	g_variant_get (r, "(v)", &v);
	return v;
}

static GDBusProxy *
wait_for_conduit (void)
{
	g_autoptr (GError) error = NULL;

	/* The conduit prints its "dbus" line after owning the name is asked
	 * for; poll the bus until the name has an owner. */
	for (guint i = 0; i < 100; i++) {
		g_autoptr (GDBusProxy) p = g_dbus_proxy_new_for_bus_sync (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_NONE, NULL,
		                                                          "org.airdock.Conduit1", "/org/airdock/Conduit1",
		                                                          "org.airdock.Conduit1", NULL, &error);
		g_autofree char *owner = NULL;

		g_assert_no_error (error);
		owner = g_dbus_proxy_get_name_owner (p);
		if (owner != NULL)
			return g_steal_pointer (&p);
		g_usleep (50 * 1000);
	}
	g_assert_not_reached ();
}

typedef struct {
	gboolean seen;
	gboolean ok;
	char *summary;
	guint conflicts;
} Finished;

static void
on_finished (GDBusConnection *c, const char *sender, const char *path, const char *iface, const char *signal,
             GVariant *params, gpointer data)
{
	Finished *f = data;

	(void) c; (void) sender; (void) path; (void) iface; (void) signal;
	g_variant_get (params, "(bsu)", &f->ok, &f->summary, &f->conflicts);
	f->seen = TRUE;
}

static gboolean
give_up (gpointer data)
{
	*(gboolean *) data = TRUE;
	return G_SOURCE_REMOVE;
}

static void
test_full_sync (void)
{
	Finished fin = { 0 };
	g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
	guint sub, timeout;
	gboolean timed_out = FALSE;
	const char *const extra[] = { "--dbus=session", NULL };
	Harness h;
	g_autofree char *where = NULL;
	g_autoptr (GSubprocess) c = NULL;
	g_autoptr (GDBusProxy) p = NULL;
	g_autoptr (GVariant) state = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GVariant) r = NULL;

	harness_init (&h);
	g_free (harness_handheld (&h, 0, "--user-id", "9", "memo", "add", "hello", NULL));
	g_assert_cmpint (harness_sync_net (&h, NULL, NULL), ==, 0);
	/* Next time would be fast; ask for a full sync over D-Bus. */
	c = harness_conduit_start_net (&h, extra, &where);
	p = wait_for_conduit ();
	state = get (p, "State");
	g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "idle");
	r = g_dbus_proxy_call_sync (p, "FullSync", NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
	g_assert_no_error (error);
	sub = g_dbus_connection_signal_subscribe (bus, NULL, "org.airdock.Conduit1", "SyncFinished", "/org/airdock/Conduit1",
	                                          NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_finished, &fin, NULL);
	g_assert_cmpint (harness_handheld_sync_net (&h, c, where, NULL), ==, 0);
	g_assert_nonnull (strstr (h.conduit_line, " ok slow"));
	/* The signal went out before the conduit exited; collect it. */
	timeout = g_timeout_add_seconds (10, give_up, &timed_out);
	while (!fin.seen && !timed_out)
		g_main_context_iteration (NULL, TRUE);
	if (!timed_out)
		g_source_remove (timeout);
	g_dbus_connection_signal_unsubscribe (bus, sub);
	g_assert_true (fin.seen);
	g_assert_true (fin.ok);
	g_assert_nonnull (strstr (fin.summary, " ok slow"));
	g_free (fin.summary);
	harness_clear (&h);
}

static void
test_sync_now_cancels_full_sync (void)
{
	const char *const extra[] = { "--dbus=session", NULL };
	Harness h;
	g_autofree char *where = NULL;
	g_autoptr (GSubprocess) c = NULL;
	g_autoptr (GDBusProxy) p = NULL;
	g_autoptr (GError) error = NULL;

	harness_init (&h);
	g_free (harness_handheld (&h, 0, "--user-id", "9", "memo", "add", "hello", NULL));
	g_assert_cmpint (harness_sync_net (&h, NULL, NULL), ==, 0);
	c = harness_conduit_start_net (&h, extra, &where);
	p = wait_for_conduit ();
	g_variant_unref (g_dbus_proxy_call_sync (p, "FullSync", NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error));
	g_assert_no_error (error);
	g_variant_unref (g_dbus_proxy_call_sync (p, "SyncNow", NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (harness_handheld_sync_net (&h, c, where, NULL), ==, 0);
	g_assert_nonnull (strstr (h.conduit_line, " ok fast"));
	harness_clear (&h);
}

int
main (int argc, char **argv)
{
	g_autoptr (GTestDBus) bus = NULL;
	int ret;

	g_test_init (&argc, &argv, NULL);
	if (!g_file_test ("/usr/bin/dbus-daemon", G_FILE_TEST_IS_EXECUTABLE)) {
		g_test_skip ("no dbus-daemon");
		return g_test_run ();
	}
	bus = g_test_dbus_new (G_TEST_DBUS_NONE);
	g_test_dbus_up (bus);
	g_test_add_func ("/conduit/dbus/full-sync", test_full_sync);
	g_test_add_func ("/conduit/dbus/sync-now-cancels-full-sync", test_sync_now_cancels_full_sync);
	ret = g_test_run ();
	g_test_dbus_down (bus);
	return ret;
}
