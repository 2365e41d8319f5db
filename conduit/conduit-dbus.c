/* The conduit's side of org.airdock.Conduit1: see conduit-dbus.h. */
#include "config.h"

#include <string.h>

#include "conduit/conduit-dbus.h"

/* Kept equal to conduit/org.airdock.Conduit1.xml. */
static const char introspection[] =
	"<node>"
	"  <interface name='org.airdock.Conduit1'>"
	"    <property name='State' type='s' access='read'/>"
	"    <property name='Progress' type='d' access='read'/>"
	"    <property name='ProgressText' type='s' access='read'/>"
	"    <property name='Device' type='s' access='read'/>"
	"    <property name='LastResult' type='s' access='read'/>"
	"    <property name='LastSyncTime' type='x' access='read'/>"
	"    <property name='LastLogPath' type='s' access='read'/>"
	"    <method name='SyncNow'/>"
	"    <method name='FullSync'/>"
	"    <signal name='SyncFinished'>"
	"      <arg name='success' type='b'/>"
	"      <arg name='summary' type='s'/>"
	"      <arg name='conflicts' type='u'/>"
	"    </signal>"
	"  </interface>"
	"</node>";

#define PATH "/org/airdock/Conduit1"
#define IFACE "org.airdock.Conduit1"

struct _ConduitDbus {
	GMutex lock;
	GDBusConnection *conn;
	GDBusNodeInfo *info;
	guint reg_id;
	guint own_id;
	GMainContext *context;
	/* the properties */
	const char *state;       /* static string */
	double progress;
	char *progress_text;
	char *device;
	char *result;
	gint64 last_time;
	char *log_path;
	gboolean full;
	/* a SyncFinished to emit */
	gboolean finished, finished_ok;
	guint finished_conflicts;
	void (*sync_func) (gboolean full, gpointer user_data);
	gpointer sync_data;
};

static GVariant *
prop_locked (ConduitDbus *d, const char *name)
{
	if (strcmp (name, "State") == 0)
		return g_variant_new_string (d->state);
	if (strcmp (name, "Progress") == 0)
		return g_variant_new_double (d->progress);
	if (strcmp (name, "ProgressText") == 0)
		return g_variant_new_string (d->progress_text != NULL ? d->progress_text : "");
	if (strcmp (name, "Device") == 0)
		return g_variant_new_string (d->device != NULL ? d->device : "");
	if (strcmp (name, "LastResult") == 0)
		return g_variant_new_string (d->result != NULL ? d->result : "");
	if (strcmp (name, "LastSyncTime") == 0)
		return g_variant_new_int64 (d->last_time);
	if (strcmp (name, "LastLogPath") == 0)
		return g_variant_new_string (d->log_path != NULL ? d->log_path : "");
	return NULL;
}

static GVariant *
get_property (GDBusConnection *c, const char *sender, const char *path, const char *iface, const char *name,
              GError **error, gpointer data)
{
	ConduitDbus *d = data;
	GVariant *v;

	(void) c; (void) sender; (void) path; (void) iface; (void) error;
	g_mutex_lock (&d->lock);
	v = prop_locked (d, name);
	g_mutex_unlock (&d->lock);
	return v;
}

static void
emit_changed (ConduitDbus *d)
{
	static const char *const names[] = {
		"State", "Progress", "ProgressText", "Device", "LastResult", "LastSyncTime", "LastLogPath",
	};
	GVariantBuilder b;
	gboolean finished, ok;
	guint conflicts;
	g_autofree char *summary = NULL;

	g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
	g_mutex_lock (&d->lock);
	for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
		g_variant_builder_add (&b, "{sv}", names[i], prop_locked (d, names[i]));
	finished = d->finished;
	ok = d->finished_ok;
	conflicts = d->finished_conflicts;
	summary = g_strdup (d->result != NULL ? d->result : "");
	d->finished = FALSE;
	g_mutex_unlock (&d->lock);
	(void) g_dbus_connection_emit_signal (d->conn, NULL, PATH, "org.freedesktop.DBus.Properties",
	                                      "PropertiesChanged", g_variant_new ("(sa{sv}as)", IFACE, &b, NULL), NULL);
	if (finished)
		(void) g_dbus_connection_emit_signal (d->conn, NULL, PATH, IFACE, "SyncFinished",
		                                      g_variant_new ("(bsu)", ok, summary, conflicts), NULL);
}

static void
method_call (GDBusConnection *c, const char *sender, const char *path, const char *iface, const char *method,
             GVariant *params, GDBusMethodInvocation *inv, gpointer data)
{
	ConduitDbus *d = data;
	gboolean full = strcmp (method, "FullSync") == 0;

	(void) c; (void) sender; (void) path; (void) iface; (void) params;
	g_mutex_lock (&d->lock);
	d->full = full;
	g_mutex_unlock (&d->lock);
	g_dbus_method_invocation_return_value (inv, NULL);
	if (d->sync_func != NULL)
		d->sync_func (full, d->sync_data);
}

static const GDBusInterfaceVTable vtable = { method_call, get_property, NULL, { 0 } };

ConduitDbus *
conduit_dbus_new (GBusType bus, GError **error)
{
	ConduitDbus *d = g_new0 (ConduitDbus, 1);

	g_mutex_init (&d->lock);
	d->state = "idle";
	d->context = g_main_context_ref_thread_default ();
	d->conn = g_bus_get_sync (bus, NULL, error);
	d->info = g_dbus_node_info_new_for_xml (introspection, NULL);
	if (d->conn == NULL)
		goto fail;
	d->reg_id = g_dbus_connection_register_object (d->conn, PATH, d->info->interfaces[0], &vtable, d, NULL, error);
	if (d->reg_id == 0)
		goto fail;
	d->own_id = g_bus_own_name_on_connection (d->conn, IFACE, G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
	return d;
fail:
	conduit_dbus_free (d);
	return NULL;
}

void
conduit_dbus_free (ConduitDbus *d)
{
	if (d == NULL)
		return;
	if (d->own_id != 0)
		g_bus_unown_name (d->own_id);
	if (d->reg_id != 0)
		(void) g_dbus_connection_unregister_object (d->conn, d->reg_id);
	g_clear_object (&d->conn);
	g_clear_pointer (&d->info, g_dbus_node_info_unref);
	g_main_context_unref (d->context);
	g_free (d->progress_text);
	g_free (d->device);
	g_free (d->result);
	g_free (d->log_path);
	g_mutex_clear (&d->lock);
	g_free (d);
}

void
conduit_dbus_flush (ConduitDbus *d)
{
	if (d != NULL && d->conn != NULL)
		(void) g_dbus_connection_flush_sync (d->conn, NULL, NULL);
}

static gboolean
emit_idle (gpointer data)
{
	emit_changed (data);
	return G_SOURCE_REMOVE;
}

static void
changed (ConduitDbus *d)
{
	g_main_context_invoke (d->context, emit_idle, d);
}

void
conduit_dbus_set_connected (ConduitDbus *d)
{
	g_mutex_lock (&d->lock);
	d->state = "connected";
	d->progress = 0.0;
	g_clear_pointer (&d->progress_text, g_free);
	g_clear_pointer (&d->device, g_free);
	g_mutex_unlock (&d->lock);
	changed (d);
}

void
conduit_dbus_set_device (ConduitDbus *d, const char *user_name)
{
	g_mutex_lock (&d->lock);
	g_free (d->device);
	d->device = g_strdup (user_name);
	g_mutex_unlock (&d->lock);
	changed (d);
}

void
conduit_dbus_set_progress (ConduitDbus *d, const char *db, guint done, guint total)
{
	g_mutex_lock (&d->lock);
	d->state = "syncing";
	d->progress = total > 0 ? MIN ((double) done / total, 1.0) : 0.0;
	g_free (d->progress_text);
	d->progress_text = g_strdup_printf ("%s %u/%u", db, done, total);
	g_mutex_unlock (&d->lock);
	/* At most every 50 records: a sync reads thousands. */
	if (done % 50 == 0)
		changed (d);
}

void
conduit_dbus_finish (ConduitDbus *d, gboolean ok, const char *summary, guint conflicts, const char *log_path)
{
	g_mutex_lock (&d->lock);
	d->state = ok ? "idle" : "error";
	d->progress = 0.0;
	g_clear_pointer (&d->progress_text, g_free);
	g_clear_pointer (&d->device, g_free);
	g_free (d->result);
	d->result = g_strdup (summary);
	g_free (d->log_path);
	d->log_path = g_strdup (log_path != NULL ? log_path : "");
	d->last_time = g_get_real_time () / G_USEC_PER_SEC;
	d->finished = TRUE;
	d->finished_ok = ok;
	d->finished_conflicts = conflicts;
	g_mutex_unlock (&d->lock);
	changed (d);
}

gboolean
conduit_dbus_take_full_sync (ConduitDbus *d)
{
	gboolean full;

	g_mutex_lock (&d->lock);
	full = d->full;
	d->full = FALSE;
	g_mutex_unlock (&d->lock);
	return full;
}

void
conduit_dbus_set_progress_text (ConduitDbus *d, const char *text, double fraction)
{
	g_mutex_lock (&d->lock);
	d->state = "syncing";
	d->progress = fraction < 0.0 ? 0.0 : MIN (fraction, 1.0);
	g_free (d->progress_text);
	d->progress_text = g_strdup (text);
	g_mutex_unlock (&d->lock);
	changed (d);
}

void
conduit_dbus_set_sync_func (ConduitDbus *d, void (*func) (gboolean full, gpointer user_data), gpointer user_data)
{
	d->sync_func = func;
	d->sync_data = user_data;
}
