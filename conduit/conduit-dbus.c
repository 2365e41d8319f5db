/* The conduit's D-Bus interface: see conduit-dbus.h. */
#include "config.h"

#include <string.h>

#include "conduit/conduit-dbus.h"

static const char introspection[] =
	"<node>"
	"  <interface name='org.airdock.Conduit1'>"
	"    <method name='SyncNow'/>"
	"    <method name='FullSync'/>"
	"    <property name='State' type='s' access='read'/>"
	"    <property name='Database' type='s' access='read'/>"
	"    <property name='Done' type='u' access='read'/>"
	"    <property name='Total' type='u' access='read'/>"
	"    <property name='LastResult' type='s' access='read'/>"
	"    <property name='FullSyncPending' type='b' access='read'/>"
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
	gboolean syncing;
	char *db;
	guint done;
	guint total;
	char *result;
	gboolean full;
};

static GVariant *
get_property (GDBusConnection *c, const char *sender, const char *path, const char *iface, const char *name,
              GError **error, gpointer data)
{
	ConduitDbus *d = data;
	GVariant *v = NULL;

	(void) c; (void) sender; (void) path; (void) iface; (void) error;
	g_mutex_lock (&d->lock);
	if (strcmp (name, "State") == 0)
		v = g_variant_new_string (d->syncing ? "syncing" : "waiting");
	else if (strcmp (name, "Database") == 0)
		v = g_variant_new_string (d->db != NULL ? d->db : "");
	else if (strcmp (name, "Done") == 0)
		v = g_variant_new_uint32 (d->done);
	else if (strcmp (name, "Total") == 0)
		v = g_variant_new_uint32 (d->total);
	else if (strcmp (name, "LastResult") == 0)
		v = g_variant_new_string (d->result != NULL ? d->result : "");
	else if (strcmp (name, "FullSyncPending") == 0)
		v = g_variant_new_boolean (d->full);
	g_mutex_unlock (&d->lock);
	return v;
}

static void
emit_changed (ConduitDbus *d)
{
	GVariantBuilder b;

	g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
	g_mutex_lock (&d->lock);
	g_variant_builder_add (&b, "{sv}", "State", g_variant_new_string (d->syncing ? "syncing" : "waiting"));
	g_variant_builder_add (&b, "{sv}", "Database", g_variant_new_string (d->db != NULL ? d->db : ""));
	g_variant_builder_add (&b, "{sv}", "Done", g_variant_new_uint32 (d->done));
	g_variant_builder_add (&b, "{sv}", "Total", g_variant_new_uint32 (d->total));
	g_variant_builder_add (&b, "{sv}", "LastResult", g_variant_new_string (d->result != NULL ? d->result : ""));
	g_variant_builder_add (&b, "{sv}", "FullSyncPending", g_variant_new_boolean (d->full));
	g_mutex_unlock (&d->lock);
	(void) g_dbus_connection_emit_signal (d->conn, NULL, PATH, "org.freedesktop.DBus.Properties",
	                                      "PropertiesChanged",
	                                      g_variant_new ("(sa{sv}as)", IFACE, &b, NULL), NULL);
}

static void
method_call (GDBusConnection *c, const char *sender, const char *path, const char *iface, const char *method,
             GVariant *params, GDBusMethodInvocation *inv, gpointer data)
{
	ConduitDbus *d = data;

	(void) c; (void) sender; (void) path; (void) iface; (void) params;
	g_mutex_lock (&d->lock);
	d->full = strcmp (method, "FullSync") == 0;
	g_mutex_unlock (&d->lock);
	emit_changed (d);
	g_dbus_method_invocation_return_value (inv, NULL);
}

static const GDBusInterfaceVTable vtable = { method_call, get_property, NULL, { 0 } };

ConduitDbus *
conduit_dbus_new (GBusType bus, GError **error)
{
	ConduitDbus *d = g_new0 (ConduitDbus, 1);

	g_mutex_init (&d->lock);
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
	g_free (d->db);
	g_free (d->result);
	g_mutex_clear (&d->lock);
	g_free (d);
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
conduit_dbus_set_syncing (ConduitDbus *d, gboolean syncing)
{
	g_mutex_lock (&d->lock);
	d->syncing = syncing;
	d->done = 0;
	d->total = 0;
	g_clear_pointer (&d->db, g_free);
	g_mutex_unlock (&d->lock);
	changed (d);
}

void
conduit_dbus_set_progress (ConduitDbus *d, const char *db, guint done, guint total)
{
	g_mutex_lock (&d->lock);
	if (g_strcmp0 (d->db, db) != 0) {
		g_free (d->db);
		d->db = g_strdup (db);
	}
	d->done = done;
	d->total = total;
	g_mutex_unlock (&d->lock);
	/* Signals at most every 50 records: a sync reads thousands. */
	if (done % 50 == 0)
		changed (d);
}

void
conduit_dbus_set_result (ConduitDbus *d, const char *line)
{
	g_mutex_lock (&d->lock);
	g_free (d->result);
	d->result = g_strdup (line);
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
	if (full)
		changed (d);
	return full;
}
