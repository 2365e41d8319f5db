/* airdockd-admin.h — device administration shared by airdockctl and the
 * admin web page: list, show, wipe, cancel a wipe, remove, resync.
 *
 * Every operation names the device by login name and EAS DeviceId, checks
 * the rules below, changes the store and appends the security log
 * (data_dir/security.log, see airdockd-seclog.h).
 *
 * Rules ([MS-ASPROV] 3.2.5.1.2):
 *  - wipe: only a device without a wipe in progress or done; account_only
 *    needs a device that last spoke 16.1 or later (AccountOnlyRemoteWipe
 *    exists only there): UNSUPPORTED otherwise.
 *  - cancel-wipe: only while the wipe is still pending (not yet sent).
 *  - remove: deletes the device record and all its sync state; the next
 *    contact starts as a new device (provisions again).
 *  - resync: drops the sync state of one folder (folder_id, a folder
 *    ServerId of that user: NOT_FOUND otherwise) or of all folders and the
 *    hierarchy (NULL), so the device starts over.
 *
 * Error domain: AIRDOCKD_ADMIN_ERROR, or AIRDOCKD_STORE_ERROR from the store
 * (NOT_FOUND for an unknown user or device).
 */
#pragma once

#include "server/airdockd-store.h"

G_BEGIN_DECLS

#define AIRDOCKD_ADMIN_ERROR (airdockd_admin_error_quark ())
GQuark airdockd_admin_error_quark (void);

typedef enum {
	AIRDOCKD_ADMIN_ERROR_STATE,		/* not allowed in the device's wipe state */
	AIRDOCKD_ADMIN_ERROR_UNSUPPORTED,	/* the device's protocol version cannot do it */
} AirdockdAdminError;

/* One collection the device syncs, with its last successful sync. */
typedef struct {
	char *collection_id;	/* folder ServerId; "" (AIRDOCKD_SYNC_HIERARCHY) = FolderSync */
	char *display_name;	/* the folder's name; NULL for the hierarchy or a deleted folder */
	gint64 last_sync;	/* 0 = none recorded */
} AirdockdAdminFolder;

void airdockd_admin_folder_free (AirdockdAdminFolder *f);

/* A device with its owner's login name and the collections it syncs
 * (AirdockdAdminFolder, hierarchy first, then by collection id).  The
 * device's last successful sync is device->last_sync. */
typedef struct {
	char *user_name;
	AirdockdDevice *device;
	GPtrArray *folders;
} AirdockdAdminDevice;

void airdockd_admin_device_free (AirdockdAdminDevice *d);

/* user_name NULL = every user's devices.  AirdockdAdminDevice elements,
 * ordered by user, DeviceId. */
GPtrArray *airdockd_admin_device_list (AirdockdStore *store, const char *user_name, GError **error);
AirdockdAdminDevice *airdockd_admin_device_show (AirdockdStore *store,
						 const char *user_name,
						 const char *device_id,
						 GError **error);
gboolean airdockd_admin_device_wipe (AirdockdStore *store,
				     const char *user_name,
				     const char *device_id,
				     gboolean account_only,
				     GError **error);
gboolean airdockd_admin_device_cancel_wipe (AirdockdStore *store,
					    const char *user_name,
					    const char *device_id,
					    GError **error);
gboolean airdockd_admin_device_remove (AirdockdStore *store,
				       const char *user_name,
				       const char *device_id,
				       GError **error);
/* folder_id NULL = every folder and the hierarchy. */
gboolean airdockd_admin_device_resync (AirdockdStore *store,
				       const char *user_name,
				       const char *device_id,
				       const char *folder_id,
				       GError **error);

/* "none", "pending", "account-only-pending", "sent", … "wiped". */
const char *airdockd_admin_wipe_state_name (AirdockdWipeState state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdAdminDevice, airdockd_admin_device_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdAdminFolder, airdockd_admin_folder_free)

G_END_DECLS
