/* airdockd-admin.c — device administration rules (see the header). */
#include "config.h"

#include "server/airdockd-admin.h"
#include "server/airdockd-seclog.h"

G_DEFINE_QUARK (airdockd-admin-error-quark, airdockd_admin_error)

void
airdockd_admin_folder_free (AirdockdAdminFolder *f)
{
	if (f == NULL)
		return;
	g_free (f->collection_id);
	g_free (f->display_name);
	g_free (f);
}

void
airdockd_admin_device_free (AirdockdAdminDevice *d)
{
	if (d == NULL)
		return;
	g_free (d->user_name);
	airdockd_device_free (d->device);
	g_clear_pointer (&d->folders, g_ptr_array_unref);
	g_free (d);
}

const char *
airdockd_admin_wipe_state_name (AirdockdWipeState state)
{
	switch (state) {
	case AIRDOCKD_WIPE_NONE:
		return "none";
	case AIRDOCKD_WIPE_PENDING:
		return "pending";
	case AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING:
		return "account-only-pending";
	case AIRDOCKD_WIPE_SENT:
		return "sent";
	case AIRDOCKD_WIPE_ACCOUNT_ONLY_SENT:
		return "account-only-sent";
	case AIRDOCKD_WIPE_WIPED:
		return "wiped";
	case AIRDOCKD_WIPE_ACCOUNT_ONLY_WIPED:
		return "account-only-wiped";
	default:
		return "unknown";
	}
}

/* ServerId → display name of the user's live folders. */
static GHashTable *
folder_names (AirdockdStore *store, gint64 user_id, GError **error)
{
	g_autoptr (GPtrArray) folders = airdockd_store_folder_list (store, user_id, error);
	GHashTable *names;

	if (folders == NULL)
		return NULL;
	names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (guint i = 0; i < folders->len; i++) {
		AirdockdFolder *f = g_ptr_array_index (folders, i);
		g_hash_table_replace (names, g_strdup (f->server_id), g_strdup (f->display_name));
	}
	return names;
}

/* Takes device over; NULL (device freed) on a store error. */
static AirdockdAdminDevice *
admin_device_new (AirdockdStore *store, const char *user_name, AirdockdDevice *device,
		  GHashTable *names, GError **error)
{
	g_autoptr (AirdockdAdminDevice) d = g_new0 (AirdockdAdminDevice, 1);
	g_autoptr (GPtrArray) states = NULL;

	d->user_name = g_strdup (user_name);
	d->device = device;
	states = airdockd_store_sync_state_list (store, device->user_id, device->id, error);
	if (states == NULL)
		return NULL;
	/* The store orders by id, and "" (the hierarchy) sorts first. */
	d->folders = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_admin_folder_free);
	for (guint i = 0; i < states->len; i++) {
		const AirdockdSyncInfo *info = g_ptr_array_index (states, i);
		AirdockdAdminFolder *f = g_new0 (AirdockdAdminFolder, 1);

		f->collection_id = g_strdup (info->collection_id);
		f->display_name = g_strdup (g_hash_table_lookup (names, info->collection_id));
		f->last_sync = info->last_sync;
		g_ptr_array_add (d->folders, f);
	}
	return g_steal_pointer (&d);
}

GPtrArray *
airdockd_admin_device_list (AirdockdStore *store, const char *user_name, GError **error)
{
	g_autoptr (GPtrArray) users = NULL;
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_admin_device_free);

	if (user_name != NULL) {
		AirdockdUser *u = airdockd_store_user_get_by_name (store, user_name, error);
		if (u == NULL)
			return NULL;
		users = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_user_free);
		g_ptr_array_add (users, u);
	} else {
		users = airdockd_store_user_list (store, error);
		if (users == NULL)
			return NULL;
	}
	for (guint i = 0; i < users->len; i++) {
		AirdockdUser *u = g_ptr_array_index (users, i);
		g_autoptr (GPtrArray) devices = airdockd_store_device_list (store, u->id, error);
		g_autoptr (GHashTable) names = NULL;

		if (devices == NULL)
			return NULL;
		if (devices->len == 0)
			continue;
		names = folder_names (store, u->id, error);
		if (names == NULL)
			return NULL;
		while (devices->len > 0) {
			AirdockdAdminDevice *d = admin_device_new (store, u->name,
								   g_ptr_array_steal_index (devices, 0),
								   names, error);
			if (d == NULL)
				return NULL;
			g_ptr_array_add (out, d);
		}
	}
	return g_steal_pointer (&out);
}

AirdockdAdminDevice *
airdockd_admin_device_show (AirdockdStore *store, const char *user_name,
			    const char *device_id, GError **error)
{
	g_autoptr (AirdockdUser) u = airdockd_store_user_get_by_name (store, user_name, error);
	g_autoptr (GHashTable) names = NULL;
	AirdockdDevice *device;

	if (u == NULL)
		return NULL;
	device = airdockd_store_device_get (store, u->id, device_id, error);
	if (device == NULL)
		return NULL;
	names = folder_names (store, u->id, error);
	if (names == NULL) {
		airdockd_device_free (device);
		return NULL;
	}
	return admin_device_new (store, u->name, device, names, error);
}

/* 16.1 or later: the versions we speak are 2.5 … 16.1. */
static gboolean
version_at_least_16_1 (const char *version)
{
	g_auto (GStrv) parts = NULL;
	guint64 major = 0, minor = 0;

	if (version == NULL)
		return FALSE;
	parts = g_strsplit (version, ".", 3);
	if (g_strv_length (parts) != 2 ||
	    !g_ascii_string_to_unsigned (parts[0], 10, 0, 99, &major, NULL) ||
	    !g_ascii_string_to_unsigned (parts[1], 10, 0, 99, &minor, NULL))
		return FALSE;
	return major > 16 || (major == 16 && minor >= 1);
}

static void
seclog (AirdockdStore *store, const char *event, const AirdockdAdminDevice *d, const char *detail)
{
	airdockd_seclog (airdockd_store_get_data_dir (store), event, d->user_name,
			 d->device->device_id, detail);
}

gboolean
airdockd_admin_device_wipe (AirdockdStore *store, const char *user_name,
			    const char *device_id, gboolean account_only, GError **error)
{
	g_autoptr (AirdockdAdminDevice) d = airdockd_admin_device_show (store, user_name, device_id, error);

	if (d == NULL)
		return FALSE;
	if (d->device->wipe_state != AIRDOCKD_WIPE_NONE) {
		g_set_error (error, AIRDOCKD_ADMIN_ERROR, AIRDOCKD_ADMIN_ERROR_STATE,
			     "device %s of %s: a wipe is already %s", device_id, user_name,
			     airdockd_admin_wipe_state_name (d->device->wipe_state));
		return FALSE;
	}
	/* [MS-ASPROV] 2.2.2.1: AccountOnlyRemoteWipe exists from 16.1 on. */
	if (account_only && !version_at_least_16_1 (d->device->protocol_version)) {
		g_set_error (error, AIRDOCKD_ADMIN_ERROR, AIRDOCKD_ADMIN_ERROR_UNSUPPORTED,
			     "device %s of %s speaks EAS %s: an account-only wipe needs 16.1 or later",
			     device_id, user_name,
			     d->device->protocol_version ? d->device->protocol_version : "(unknown)");
		return FALSE;
	}
	if (!airdockd_store_device_set_wipe (store, d->device->user_id, d->device->id,
					     account_only ? AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING
							  : AIRDOCKD_WIPE_PENDING, error))
		return FALSE;
	seclog (store, AIRDOCKD_SECLOG_WIPE_REQUESTED, d, account_only ? "account-only" : "full");
	return TRUE;
}

gboolean
airdockd_admin_device_cancel_wipe (AirdockdStore *store, const char *user_name,
				   const char *device_id, GError **error)
{
	g_autoptr (AirdockdAdminDevice) d = airdockd_admin_device_show (store, user_name, device_id, error);
	AirdockdWipeState s;

	if (d == NULL)
		return FALSE;
	s = d->device->wipe_state;
	if (s != AIRDOCKD_WIPE_PENDING && s != AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING) {
		g_set_error (error, AIRDOCKD_ADMIN_ERROR, AIRDOCKD_ADMIN_ERROR_STATE,
			     s == AIRDOCKD_WIPE_NONE
			     ? "device %s of %s has no pending wipe (%s)"
			     : "device %s of %s already received the wipe (%s): it cannot be cancelled",
			     device_id, user_name, airdockd_admin_wipe_state_name (s));
		return FALSE;
	}
	if (!airdockd_store_device_set_wipe (store, d->device->user_id, d->device->id,
					     AIRDOCKD_WIPE_NONE, error))
		return FALSE;
	seclog (store, AIRDOCKD_SECLOG_WIPE_CANCELLED, d, NULL);
	return TRUE;
}

gboolean
airdockd_admin_device_remove (AirdockdStore *store, const char *user_name,
			      const char *device_id, GError **error)
{
	g_autoptr (AirdockdAdminDevice) d = airdockd_admin_device_show (store, user_name, device_id, error);

	if (d == NULL)
		return FALSE;
	if (!airdockd_store_device_delete (store, d->device->user_id, d->device->id, error))
		return FALSE;
	seclog (store, AIRDOCKD_SECLOG_DEVICE_REMOVED, d,
		airdockd_admin_wipe_state_name (d->device->wipe_state));
	return TRUE;
}

gboolean
airdockd_admin_device_resync (AirdockdStore *store, const char *user_name,
			      const char *device_id, const char *folder_id, GError **error)
{
	g_autoptr (AirdockdAdminDevice) d = airdockd_admin_device_show (store, user_name, device_id, error);
	g_autofree char *detail = NULL;

	if (d == NULL)
		return FALSE;
	/* A mistyped folder id must not look like a resync that happened. */
	if (folder_id != NULL) {
		g_autoptr (AirdockdFolder) folder = airdockd_store_folder_get (store, d->device->user_id,
									       folder_id, error);
		if (folder == NULL) {
			g_prefix_error (error, "folder %s: ", folder_id);
			return FALSE;
		}
	}
	if (!airdockd_store_sync_state_delete (store, d->device->user_id, d->device->id, folder_id, error))
		return FALSE;
	detail = folder_id ? g_strdup_printf ("folder %s", folder_id) : g_strdup ("all folders");
	seclog (store, AIRDOCKD_SECLOG_DEVICE_RESYNC, d, detail);
	return TRUE;
}
