/* fake-conduit: plays airdock-conduit's side of org.airdock.Conduit1 on the
 * session bus for the tray's tests (and for trying the tray by hand), and a
 * notification server (org.freedesktop.Notifications) that records what it
 * is asked to show.
 *
 * A control object, /org/airdock/test/FakeConduit (interface
 * org.airdock.test.FakeConduit, on the name org.airdock.Conduit1), drives it:
 *   Set (a{sv})       sets Conduit1 properties by name ("State", "Progress",
 *                     …) and emits PropertiesChanged before it returns
 *   Finish (bsu)      emits SyncFinished
 *   Calls () → (uu)   how often SyncNow and FullSync were called
 *   Notifications () → (as)  "summary<TAB>body" of each Notify, in order
 *   signal Called (s)  a Conduit1 method ("SyncNow", "FullSync") was called
 * With --watcher it also plays a StatusNotifier watcher
 * (org.kde.StatusNotifierWatcher) with a host, which makes the tray use its
 * indicator; the control method Items () → (a(ss)) lists the (bus name,
 * object path) of each registered StatusNotifierItem.
 * It prints "READY" on stdout once it owns its names, and exits on SIGTERM. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "conduit/tray-conduit1.h"

typedef struct {
	GMainLoop *loop;
	TrayConduit1 *skeleton;
	guint sync_now_calls;
	guint full_sync_calls;
	GPtrArray *notifications;
	guint32 next_notification;
	guint names_owned;
	guint names_wanted;
	GPtrArray *items;       /* "bus name\tpath" */
} Fake;

static const char control_xml[] =
	"<node>"
	"  <interface name='org.airdock.test.FakeConduit'>"
	"    <method name='Set'><arg name='props' type='a{sv}' direction='in'/></method>"
	"    <method name='Finish'>"
	"      <arg name='success' type='b' direction='in'/>"
	"      <arg name='summary' type='s' direction='in'/>"
	"      <arg name='conflicts' type='u' direction='in'/>"
	"    </method>"
	"    <method name='Calls'>"
	"      <arg name='sync_now' type='u' direction='out'/>"
	"      <arg name='full_sync' type='u' direction='out'/>"
	"    </method>"
	"    <method name='Notifications'><arg name='shown' type='as' direction='out'/></method>"
	"    <method name='Items'><arg name='items' type='a(ss)' direction='out'/></method>"
	"    <signal name='Called'><arg name='method' type='s'/></signal>"
	"  </interface>"
	"</node>";

/* The StatusNotifierWatcher of the KDE/freedesktop StatusNotifierItem
 * specification, as libayatana-appindicator uses it. */
static const char watcher_xml[] =
	"<node>"
	"  <interface name='org.kde.StatusNotifierWatcher'>"
	"    <method name='RegisterStatusNotifierItem'><arg type='s' direction='in'/></method>"
	"    <method name='RegisterStatusNotifierHost'><arg type='s' direction='in'/></method>"
	"    <property name='RegisteredStatusNotifierItems' type='as' access='read'/>"
	"    <property name='IsStatusNotifierHostRegistered' type='b' access='read'/>"
	"    <property name='ProtocolVersion' type='i' access='read'/>"
	"    <signal name='StatusNotifierItemRegistered'><arg type='s'/></signal>"
	"    <signal name='StatusNotifierItemUnregistered'><arg type='s'/></signal>"
	"    <signal name='StatusNotifierHostRegistered'/>"
	"  </interface>"
	"</node>";

/* The part of the Desktop Notifications Specification that GLib's
 * GNotification backend uses. */
static const char notifications_xml[] =
	"<node>"
	"  <interface name='org.freedesktop.Notifications'>"
	"    <method name='Notify'>"
	"      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
	"      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
	"      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
	"      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
	"      <arg type='u' direction='out'/>"
	"    </method>"
	"    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
	"    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
	"    <method name='GetServerInformation'>"
	"      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
	"      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
	"    </method>"
	"    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
	"    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
	"  </interface>"
	"</node>";

static gboolean
set_property (Fake       *fake,
              const char *key,
              GVariant   *value)
{
	TrayConduit1 *s = fake->skeleton;

	if (g_str_equal (key, "Progress") && g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
		tray_conduit1_set_progress (s, g_variant_get_double (value));
	else if (g_str_equal (key, "LastSyncTime") && g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
		tray_conduit1_set_last_sync_time (s, g_variant_get_int64 (value));
	else if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
		return FALSE;
	else if (g_str_equal (key, "State"))
		tray_conduit1_set_state (s, g_variant_get_string (value, NULL));
	else if (g_str_equal (key, "ProgressText"))
		tray_conduit1_set_progress_text (s, g_variant_get_string (value, NULL));
	else if (g_str_equal (key, "Device"))
		tray_conduit1_set_device (s, g_variant_get_string (value, NULL));
	else if (g_str_equal (key, "LastResult"))
		tray_conduit1_set_last_result (s, g_variant_get_string (value, NULL));
	else if (g_str_equal (key, "LastLogPath"))
		tray_conduit1_set_last_log_path (s, g_variant_get_string (value, NULL));
	else
		return FALSE;
	return TRUE;
}

static void
control_set (Fake                  *fake,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation)
{
	g_autoptr (GVariantIter) iter = NULL;
	const char *key;
	GVariant *value;

	g_variant_get (parameters, "(a{sv})", &iter);
	while (g_variant_iter_loop (iter, "{&sv}", &key, &value)) {
		if (!set_property (fake, key, value)) {
			g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
			                                       "Unknown property or wrong type: %s", key);
			g_variant_unref (value);
			return;
		}
	}
	g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (fake->skeleton));
	g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
control_call (GDBusConnection       *connection,
              const char            *sender,
              const char            *path,
              const char            *interface,
              const char            *method,
              GVariant              *parameters,
              GDBusMethodInvocation *invocation,
              gpointer               user_data)
{
	Fake *fake = user_data;

	if (g_str_equal (method, "Set")) {
		control_set (fake, parameters, invocation);
	} else if (g_str_equal (method, "Finish")) {
		gboolean success;
		const char *summary;
		guint32 conflicts;

		g_variant_get (parameters, "(b&su)", &success, &summary, &conflicts);
		tray_conduit1_emit_sync_finished (fake->skeleton, success, summary, conflicts);
		g_dbus_method_invocation_return_value (invocation, NULL);
	} else if (g_str_equal (method, "Calls")) {
		g_dbus_method_invocation_return_value (invocation,
		                                       g_variant_new ("(uu)", fake->sync_now_calls, fake->full_sync_calls));
	} else if (g_str_equal (method, "Items")) {
		g_auto (GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(ss)"));

		for (guint i = 0; i < fake->items->len; i++) {
			g_auto (GStrv) parts = g_strsplit (fake->items->pdata[i], "\t", 2);

			g_variant_builder_add (&b, "(ss)", parts[0], parts[1]);
		}
		g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(ss))", &b));
	} else {
		const char *const *shown = (const char *const *) fake->notifications->pdata;

		g_dbus_method_invocation_return_value (invocation,
		                                       g_variant_new ("(^as)", (char **) shown));
	}
}

static void
notifications_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *path,
                    const char            *interface,
                    const char            *method,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
	Fake *fake = user_data;

	if (g_str_equal (method, "Notify")) {
		const char *summary;
		const char *body;

		g_variant_get (parameters, "(&su&s&s&s@as@a{sv}i)", NULL, NULL, NULL, &summary, &body, NULL, NULL, NULL);
		/* keep the array NULL-terminated for Notifications () */
		g_ptr_array_insert (fake->notifications, (int) fake->notifications->len - 1,
		                    g_strdup_printf ("%s\t%s", summary, body));
		g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", ++fake->next_notification));
	} else if (g_str_equal (method, "GetCapabilities")) {
		const char *caps[] = { "body", "actions", NULL };

		g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", (char **) caps));
	} else if (g_str_equal (method, "GetServerInformation")) {
		g_dbus_method_invocation_return_value (invocation,
		                                       g_variant_new ("(ssss)", "fake-conduit", "Airdock", "0", "1.2"));
	} else {
		g_dbus_method_invocation_return_value (invocation, NULL);
	}
}

static void
emit_called (GDBusMethodInvocation *invocation,
             const char            *method)
{
	g_autoptr (GError) error = NULL;

	if (!g_dbus_connection_emit_signal (g_dbus_method_invocation_get_connection (invocation), NULL,
	                                    "/org/airdock/test/FakeConduit", "org.airdock.test.FakeConduit",
	                                    "Called", g_variant_new ("(s)", method), &error))
		g_printerr ("fake-conduit: cannot emit Called: %s\n", error->message);
}

static void
watcher_call (GDBusConnection       *connection,
              const char            *sender,
              const char            *path,
              const char            *interface,
              const char            *method,
              GVariant              *parameters,
              GDBusMethodInvocation *invocation,
              gpointer               user_data)
{
	Fake *fake = user_data;

	if (g_str_equal (method, "RegisterStatusNotifierItem")) {
		const char *item;

		g_variant_get (parameters, "(&s)", &item);
		/* the item is an object path on the caller's connection, or a bus name */
		if (g_variant_is_object_path (item))
			g_ptr_array_add (fake->items, g_strdup_printf ("%s\t%s", sender, item));
		else
			g_ptr_array_add (fake->items, g_strdup_printf ("%s\t/StatusNotifierItem", item));
	}
	g_dbus_method_invocation_return_value (invocation, NULL);
}

static GVariant *
watcher_get (GDBusConnection *connection,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *property,
             GError         **error,
             gpointer         user_data)
{
	if (g_str_equal (property, "IsStatusNotifierHostRegistered"))
		return g_variant_new_boolean (TRUE);
	if (g_str_equal (property, "ProtocolVersion"))
		return g_variant_new_int32 (0);
	return g_variant_new_strv (NULL, 0);
}

static gboolean
on_sync_now (TrayConduit1          *skeleton,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
	Fake *fake = user_data;

	fake->sync_now_calls++;
	emit_called (invocation, "SyncNow");
	tray_conduit1_complete_sync_now (skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_full_sync (TrayConduit1          *skeleton,
              GDBusMethodInvocation *invocation,
              gpointer               user_data)
{
	Fake *fake = user_data;

	fake->full_sync_calls++;
	emit_called (invocation, "FullSync");
	tray_conduit1_complete_full_sync (skeleton, invocation);
	return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
register_object (GDBusConnection            *connection,
                 const char                 *xml,
                 const char                 *path,
                 const GDBusInterfaceVTable *vtable,
                 Fake                       *fake)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (xml, &error);

	g_assert_no_error (error);
	if (g_dbus_connection_register_object (connection, path, info->interfaces[0], vtable, fake, NULL, &error) == 0)
		g_error ("Cannot export %s: %s", path, error->message);
}

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
	Fake *fake = user_data;

	if (++fake->names_owned == fake->names_wanted) {
		puts ("READY");
		fflush (stdout);
	}
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
	g_printerr ("fake-conduit: cannot own %s\n", name);
	exit (1);
}

static gboolean
on_sigterm (gpointer user_data)
{
	Fake *fake = user_data;

	g_main_loop_quit (fake->loop);
	return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
	static const GDBusInterfaceVTable control_vtable = { .method_call = control_call };
	static const GDBusInterfaceVTable notifications_vtable = { .method_call = notifications_call };
	static const GDBusInterfaceVTable watcher_vtable = { .method_call = watcher_call, .get_property = watcher_get };
	g_autoptr (GError) error = NULL;
	g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
	gboolean watcher = argc > 1 && g_str_equal (argv[1], "--watcher");
	Fake fake = { 0 };
	guint owner[3] = { 0 };

	if (bus == NULL)
		g_error ("No session bus: %s", error->message);
	fake.loop = g_main_loop_new (NULL, FALSE);
	fake.notifications = g_ptr_array_new_with_free_func (g_free);
	g_ptr_array_add (fake.notifications, NULL);
	fake.items = g_ptr_array_new_with_free_func (g_free);
	fake.names_wanted = watcher ? 3 : 2;
	fake.skeleton = tray_conduit1_skeleton_new ();
	tray_conduit1_set_state (fake.skeleton, "idle");
	g_signal_connect (fake.skeleton, "handle-sync-now", G_CALLBACK (on_sync_now), &fake);
	g_signal_connect (fake.skeleton, "handle-full-sync", G_CALLBACK (on_full_sync), &fake);
	if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (fake.skeleton), bus,
	                                       "/org/airdock/Conduit1", &error))
		g_error ("Cannot export the conduit: %s", error->message);
	register_object (bus, control_xml, "/org/airdock/test/FakeConduit", &control_vtable, &fake);
	register_object (bus, notifications_xml, "/org/freedesktop/Notifications", &notifications_vtable, &fake);
	owner[0] = g_bus_own_name_on_connection (bus, "org.airdock.Conduit1", G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
	                                         on_name_acquired, on_name_lost, &fake, NULL);
	owner[1] = g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications",
	                                         G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
	                                         on_name_acquired, on_name_lost, &fake, NULL);
	if (watcher) {
		register_object (bus, watcher_xml, "/StatusNotifierWatcher", &watcher_vtable, &fake);
		owner[2] = g_bus_own_name_on_connection (bus, "org.kde.StatusNotifierWatcher",
		                                         G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
		                                         on_name_acquired, on_name_lost, &fake, NULL);
	}
	g_unix_signal_add (SIGTERM, on_sigterm, &fake);
	g_main_loop_run (fake.loop);

	g_bus_unown_name (owner[0]);
	g_bus_unown_name (owner[1]);
	if (owner[2] != 0)
		g_bus_unown_name (owner[2]);
	g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (fake.skeleton));
	g_object_unref (fake.skeleton);
	g_ptr_array_unref (fake.notifications);
	g_ptr_array_unref (fake.items);
	g_main_loop_unref (fake.loop);
	return 0;
}
