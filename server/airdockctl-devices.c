/* airdockctl-devices.c — `airdockctl devices list|show|wipe|cancel-wipe|
 * remove|resync`: tables for people, --json for scripts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n.h>

#include "server/airdockctl-devices.h"
#include "server/airdockd-admin.h"
#include "server/airdockd-config.h"
#include "server/airdockd-seclog.h"

#define EXIT_USAGE 2

static char *opt_config = NULL;
static char *opt_data_dir = NULL;
static gboolean opt_json = FALSE;
static gboolean opt_account_only = FALSE;
static char *opt_folder = NULL;

static const GOptionEntry entries[] = {
	{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config, "airdockd configuration file", "FILE" },
	{ "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_data_dir, "store directory (instead of -c)", "DIR" },
	{ "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, "JSON output for scripts", NULL },
	{ "account-only", 0, 0, G_OPTION_ARG_NONE, &opt_account_only, "wipe: only the account (EAS 16.1)", NULL },
	{ "folder", 0, 0, G_OPTION_ARG_STRING, &opt_folder, "resync: only this folder (CollectionId)", "ID" },
	{ NULL }
};

gboolean
airdockctl_devices_is_command (int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp (argv[i], "-c") == 0 || strcmp (argv[i], "--config") == 0 ||
		    strcmp (argv[i], "--data-dir") == 0)
			i++;
		else if (argv[i][0] != '-')
			return strcmp (argv[i], "devices") == 0;
	}
	return FALSE;
}

static char *
format_time (gint64 t)
{
	g_autoptr (GDateTime) dt = NULL;

	if (t == 0)
		return g_strdup ("-");
	dt = g_date_time_new_from_unix_utc (t);
	return dt ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("-");
}

static const char *
or_dash (const char *s)
{
	return s ? s : "-";
}

static void
json_str (GString *out, const char *key, const char *value, gboolean comma)
{
	g_string_append_printf (out, "%s\"%s\":", comma ? "," : "", key);
	if (value == NULL)
		g_string_append (out, "null");
	else
		airdockd_json_append_string (out, value);
}

static void
json_int (GString *out, const char *key, gint64 value)
{
	g_string_append_printf (out, ",\"%s\":%" G_GINT64_FORMAT, key, value);
}

static void
json_device (GString *out, const AirdockdAdminDevice *d)
{
	const AirdockdDevice *dev = d->device;

	json_str (out, "user", d->user_name, FALSE);
	json_str (out, "device_id", dev->device_id, TRUE);
	json_str (out, "device_type", dev->device_type, TRUE);
	json_str (out, "protocol_version", dev->protocol_version, TRUE);
	json_int (out, "first_seen", dev->first_seen);
	json_int (out, "last_seen", dev->last_seen);
	json_int (out, "last_sync", dev->last_sync);
	g_string_append_printf (out, ",\"provisioned\":%s", dev->policy_key != 0 ? "true" : "false");
	json_int (out, "policy_acknowledged", dev->policy_acknowledged);
	json_str (out, "wipe", airdockd_admin_wipe_state_name (dev->wipe_state), TRUE);
	json_int (out, "wipe_requested", dev->wipe_requested);
	json_int (out, "wipe_sent", dev->wipe_sent);
	json_int (out, "wipe_acknowledged", dev->wipe_acknowledged);
	json_str (out, "model", dev->info.model, TRUE);
	json_str (out, "friendly_name", dev->info.friendly_name, TRUE);
	json_str (out, "os", dev->info.os, TRUE);
	json_str (out, "os_language", dev->info.os_language, TRUE);
	json_str (out, "user_agent", dev->info.user_agent, TRUE);
	json_str (out, "phone_number", dev->info.phone_number, TRUE);
	json_str (out, "imei", dev->info.imei, TRUE);
	json_str (out, "mobile_operator", dev->info.mobile_operator, TRUE);
	g_string_append (out, ",\"folders\":[");
	for (guint i = 0; d->folders != NULL && i < d->folders->len; i++) {
		const AirdockdAdminFolder *f = g_ptr_array_index (d->folders, i);

		g_string_append (out, i ? ",{" : "{");
		json_str (out, "id", f->collection_id, FALSE);
		json_str (out, "name", f->display_name, TRUE);
		json_int (out, "last_sync", f->last_sync);
		g_string_append_c (out, '}');
	}
	g_string_append_c (out, ']');
}

static void
print_list (GPtrArray *devices)
{
	if (opt_json) {
		GString *out = g_string_new ("[");
		for (guint i = 0; i < devices->len; i++) {
			g_string_append (out, i ? ",{" : "{");
			json_device (out, g_ptr_array_index (devices, i));
			g_string_append_c (out, '}');
		}
		g_string_append (out, "]\n");
		g_print ("%s", out->str);
		g_string_free (out, TRUE);
		return;
	}
	g_print ("%-16s %-24s %-16s %-7s %-20s %-20s %-11s %s\n", _("USER"), _("DEVICE"), _("TYPE"),
		 _("VERSION"), _("LAST SEEN"), _("LAST SYNC"), _("PROVISIONED"), _("WIPE"));
	for (guint i = 0; i < devices->len; i++) {
		const AirdockdAdminDevice *d = g_ptr_array_index (devices, i);
		g_autofree char *seen = format_time (d->device->last_seen);
		g_autofree char *synced = format_time (d->device->last_sync);
		g_print ("%-16s %-24s %-16s %-7s %-20s %-20s %-11s %s\n", d->user_name, d->device->device_id,
			 or_dash (d->device->device_type), or_dash (d->device->protocol_version), seen, synced,
			 d->device->policy_key != 0 ? _("yes") : _("no"),
			 airdockd_admin_wipe_state_name (d->device->wipe_state));
	}
}

/* "Label:" padded to one column. */
static void
print_field (const char *label, const char *value)
{
	g_autofree char *l = g_strconcat (label, ":", NULL);

	g_print ("%-20s%s\n", l, value);
}

static void
print_folders (const AirdockdAdminDevice *d)
{
	if (d->folders == NULL || d->folders->len == 0) {
		print_field (_("Folders"), _("none synced"));
		return;
	}
	print_field (_("Folders"), "");
	g_print ("  %-12s %-28s %s\n", _("ID"), _("NAME"), _("LAST SYNC"));
	for (guint i = 0; i < d->folders->len; i++) {
		const AirdockdAdminFolder *f = g_ptr_array_index (d->folders, i);
		g_autofree char *t = format_time (f->last_sync);
		const char *name = f->display_name;

		if (f->collection_id[0] == '\0')
			name = _("(folder hierarchy)");
		else if (name == NULL)
			name = _("(deleted folder)");
		g_print ("  %-12s %-28s %s\n", f->collection_id[0] ? f->collection_id : "-", name, t);
	}
}

static void
print_show (const AirdockdAdminDevice *d)
{
	const AirdockdDevice *dev = d->device;
	g_autofree char *first = format_time (dev->first_seen);
	g_autofree char *last = format_time (dev->last_seen);
	g_autofree char *synced = format_time (dev->last_sync);
	g_autofree char *acked = format_time (dev->policy_acknowledged);
	g_autofree char *req = format_time (dev->wipe_requested);
	g_autofree char *sent = format_time (dev->wipe_sent);
	g_autofree char *wack = format_time (dev->wipe_acknowledged);
	g_autofree char *prov = NULL;

	if (opt_json) {
		GString *out = g_string_new ("{");
		json_device (out, d);
		g_string_append (out, "}\n");
		g_print ("%s", out->str);
		g_string_free (out, TRUE);
		return;
	}
	prov = g_strdup_printf ("%s (%s)", dev->policy_key != 0 ? _("yes") : _("no"), acked);
	print_field (_("User"), d->user_name);
	print_field (_("Device ID"), dev->device_id);
	print_field (_("Device type"), or_dash (dev->device_type));
	print_field (_("Protocol version"), or_dash (dev->protocol_version));
	print_field (_("First seen"), first);
	print_field (_("Last seen"), last);
	print_field (_("Last sync"), synced);
	print_field (_("Provisioned"), prov);
	print_field (_("Wipe"), airdockd_admin_wipe_state_name (dev->wipe_state));
	print_field (_("Wipe requested"), req);
	print_field (_("Wipe sent"), sent);
	print_field (_("Wipe acknowledged"), wack);
	print_field (_("Model"), or_dash (dev->info.model));
	print_field (_("Friendly name"), or_dash (dev->info.friendly_name));
	print_field (_("OS"), or_dash (dev->info.os));
	print_field (_("OS language"), or_dash (dev->info.os_language));
	print_field (_("User agent"), or_dash (dev->info.user_agent));
	print_field (_("Phone number"), or_dash (dev->info.phone_number));
	print_field (_("IMEI"), or_dash (dev->info.imei));
	print_field (_("Mobile operator"), or_dash (dev->info.mobile_operator));
	print_folders (d);
}

static AirdockdStore *
open_store (GError **error)
{
	g_autoptr (AirdockdConfig) config = NULL;

	if (opt_data_dir != NULL)
		return airdockd_store_open (opt_data_dir, error);
	config = opt_config ? airdockd_config_load (opt_config, error) : airdockd_config_new_default ();
	if (config == NULL)
		return NULL;
	return airdockd_store_open (config->data_dir, error);
}

/* argv[0] is the verb. */
static gboolean
run (AirdockdStore *store, int argc, char **argv, GError **error)
{
	const char *verb = argv[0];

	if (strcmp (verb, "list") == 0) {
		g_autoptr (GPtrArray) devices = airdockd_admin_device_list (store, argc > 1 ? argv[1] : NULL, error);
		if (devices == NULL)
			return FALSE;
		print_list (devices);
		return TRUE;
	}
	if (strcmp (verb, "show") == 0) {
		g_autoptr (AirdockdAdminDevice) d = airdockd_admin_device_show (store, argv[1], argv[2], error);
		if (d == NULL)
			return FALSE;
		print_show (d);
		return TRUE;
	}
	if (strcmp (verb, "wipe") == 0)
		return airdockd_admin_device_wipe (store, argv[1], argv[2], opt_account_only, error);
	if (strcmp (verb, "cancel-wipe") == 0)
		return airdockd_admin_device_cancel_wipe (store, argv[1], argv[2], error);
	if (strcmp (verb, "remove") == 0)
		return airdockd_admin_device_remove (store, argv[1], argv[2], error);
	return airdockd_admin_device_resync (store, argv[1], argv[2], opt_folder, error);
}

/* argv[0] is the verb; argc counts from there. */
static gboolean
is_usage (int argc, char **argv)
{
	const char *two[] = { "show", "wipe", "cancel-wipe", "remove", "resync" };

	if (argc < 1)
		return TRUE;
	if (strcmp (argv[0], "list") == 0)
		return argc > 2 || opt_account_only || opt_folder;
	if (opt_account_only && strcmp (argv[0], "wipe") != 0)
		return TRUE;
	if (opt_folder && strcmp (argv[0], "resync") != 0)
		return TRUE;
	for (gsize i = 0; i < G_N_ELEMENTS (two); i++)
		if (strcmp (argv[0], two[i]) == 0)
			return argc != 3;
	return TRUE;
}

int
airdockctl_devices_main (int argc, char **argv)
{
	g_autoptr (GOptionContext) ctx = g_option_context_new (
		"devices list [USER] | show|wipe|cancel-wipe|remove|resync USER DEVICEID");
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdStore) store = NULL;
	gboolean ok;

	g_option_context_add_main_entries (ctx, entries, NULL);
	g_option_context_set_summary (ctx, "Administer devices: list, show, remote wipe, remove, resync.");
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("airdockctl: %s\n", error->message);
		return EXIT_USAGE;
	}
	/* argv[1] is "devices" (options are gone now). */
	if (argc < 3 || is_usage (argc - 2, argv + 2)) {
		g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);
		g_printerr ("%s", help);
		return EXIT_USAGE;
	}
	store = open_store (&error);
	ok = store != NULL && run (store, argc - 2, argv + 2, &error);
	if (!ok) {
		g_printerr ("airdockctl: %s\n", error ? error->message : "failed");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
