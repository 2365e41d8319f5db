/* airdockd-store-private.h — the backend vtable behind airdockd-store.h.
 *
 * airdockd-store.c validates arguments, hashes passwords, places message
 * files, keeps transaction depth and change hooks; a backend only stores
 * rows.  Backend functions follow the public conventions (GError, out_ only
 * on success) and may assume their arguments were validated.  Every function
 * that writes is called inside a transaction (begin at depth 0 opened it).
 * Every query is scoped by user_id.
 */
#pragma once

#include "server/airdockd-store.h"
#include "server/airdockd-mime.h"

G_BEGIN_DECLS

typedef struct _AirdockdStoreBackend AirdockdStoreBackend;

typedef struct {
	const char *name;
	void (*close) (AirdockdStoreBackend *b);

	/* depth 0: start/end the transaction (a write lock); deeper: savepoints */
	gboolean (*begin) (AirdockdStoreBackend *b, guint depth, GError **error);
	gboolean (*commit) (AirdockdStoreBackend *b, guint depth, GError **error);
	void (*rollback) (AirdockdStoreBackend *b, guint depth);

	/* users */
	gboolean (*user_add) (AirdockdStoreBackend *b, const char *name, const char *email,
			      const char *hash, gint64 *out_id, GError **error);
	gboolean (*user_set_hash) (AirdockdStoreBackend *b, gint64 user_id, const char *hash, GError **error);
	gboolean (*user_set_email) (AirdockdStoreBackend *b, gint64 user_id, const char *email, GError **error);
	gboolean (*user_delete) (AirdockdStoreBackend *b, gint64 user_id, GError **error);
	GPtrArray *(*user_list) (AirdockdStoreBackend *b, GError **error);
	/* by id (name NULL) or by name/email (lookup: name matches name or email) */
	AirdockdUser *(*user_get) (AirdockdStoreBackend *b, gint64 user_id, const char *name,
				   gboolean or_email, char **out_hash, GError **error);
	AirdockdOof *(*oof_get) (AirdockdStoreBackend *b, gint64 user_id, GError **error);
	gboolean (*oof_set) (AirdockdStoreBackend *b, gint64 user_id, const AirdockdOof *oof, GError **error);

	/* devices */
	AirdockdDevice *(*device_ensure) (AirdockdStoreBackend *b, gint64 user_id, const char *device_id,
					  const char *device_type, GError **error);
	AirdockdDevice *(*device_get) (AirdockdStoreBackend *b, gint64 user_id, const char *device_id,
				       gint64 id, GError **error);
	GPtrArray *(*device_list) (AirdockdStoreBackend *b, gint64 user_id, GError **error);
	/* Writes every mutable field of device (matched by user_id and id). */
	gboolean (*device_update) (AirdockdStoreBackend *b, const AirdockdDevice *device, GError **error);
	gboolean (*device_delete) (AirdockdStoreBackend *b, gint64 user_id, gint64 id, GError **error);
	GBytes *(*device_blob_get) (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
				    const char *key, GError **error);
	gboolean (*device_blob_set) (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
				     const char *key, GBytes *value, GError **error);

	/* folders */
	GPtrArray *(*folder_list) (AirdockdStoreBackend *b, gint64 user_id, gboolean with_deleted,
				   gint64 since_modseq, GError **error);
	AirdockdFolder *(*folder_get) (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
				       AirdockdFolderType type, GError **error);
	/* Allocates the next folder server id of the user, bumps the hierarchy counter. */
	AirdockdFolder *(*folder_insert) (AirdockdStoreBackend *b, gint64 user_id, const char *parent_id,
					  const char *display_name, AirdockdFolderType type, GError **error);
	gboolean (*folder_update) (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
				   const char *parent_id, const char *display_name, GError **error);
	/* Tombstones the folder (its items must be gone already). */
	gboolean (*folder_delete) (AirdockdStoreBackend *b, gint64 user_id, const char *server_id, GError **error);
	gint64 (*folder_modseq) (AirdockdStoreBackend *b, gint64 user_id, GError **error);

	/* items: "files" arrays get the relative message file paths of removed items */
	AirdockdItem *(*item_insert) (AirdockdStoreBackend *b, gint64 user_id, const char *folder_id,
				      AirdockdItemClass item_class, const AirdockdMimeInfo *info,
				      gboolean read, gint64 date_received, GBytes *data, GError **error);
	gboolean (*item_set_file) (AirdockdStoreBackend *b, gint64 user_id, gint64 item_id,
				   const char *file, GError **error);
	gboolean (*item_set_data) (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
				   GBytes *data, GError **error);
	AirdockdItem *(*item_get) (AirdockdStoreBackend *b, gint64 user_id, const char *server_id, GError **error);
	GPtrArray *(*item_list) (AirdockdStoreBackend *b, gint64 user_id, const char *folder_id,
				 gint64 min_date, GError **error);
	GPtrArray *(*item_changes) (AirdockdStoreBackend *b, gint64 user_id, const char *folder_id,
				    gint64 since_modseq, guint limit, gboolean *out_more, GError **error);
	gboolean (*item_count) (AirdockdStoreBackend *b, gint64 user_id, const char *folder_id,
				gboolean changes, gint64 since_modseq, guint64 *out_count, GError **error);
	gint64 (*item_modseq) (AirdockdStoreBackend *b, gint64 user_id, GError **error);
	gboolean (*item_set_read) (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
				   gboolean read, GError **error);
	gboolean (*item_set_flag) (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
				   const AirdockdItemFlag *flag, GError **error);
	char *(*item_move) (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
			    const char *dest_folder_id, GError **error);
	gboolean (*item_delete) (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
				 GPtrArray *files, GError **error);
	gboolean (*folder_clear) (AirdockdStoreBackend *b, gint64 user_id, const char *folder_id,
				  GPtrArray *files, GError **error);
	GPtrArray *(*item_attachments) (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
					GError **error);
	/* All relative message files of live items (any user), for recovery. */
	GHashTable *(*live_files) (AirdockdStoreBackend *b, GError **error);

	/* sync state */
	AirdockdSyncState *(*sync_state_get) (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
					      const char *collection_id, GError **error);
	gboolean (*sync_state_put) (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
				    const char *collection_id, const AirdockdSyncState *state, GError **error);
	gboolean (*sync_state_delete) (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
				       const char *collection_id, GError **error);
	/* Sets the collection's and the device's last_sync to when; NOT_FOUND
	 * when the collection has no state. */
	gboolean (*sync_state_touch) (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
				      const char *collection_id, gint64 when, GError **error);
	GPtrArray *(*sync_state_list) (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
				       GError **error);
	GHashTable *(*device_items_get) (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
					 const char *collection_id, GError **error);
	gboolean (*device_items_set) (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
				      const char *collection_id, const char *server_id, gint64 value,
				      GError **error);
	/* server_id NULL = all of the collection */
	gboolean (*device_items_remove) (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
					 const char *collection_id, const char *server_id, GError **error);
} AirdockdStoreBackendClass;

struct _AirdockdStoreBackend {
	const AirdockdStoreBackendClass *klass;
};

AirdockdStoreBackend *airdockd_store_sqlite_open (const char *path, GError **error);

/* Tests only: the process _exit()s when a message delivery reaches the named
 * point ("after-place": file renamed into place, row not committed;
 * "after-commit": row committed, before returning).  NULL turns it off. */
void airdockd_store_set_crash_point (AirdockdStore *store, const char *point);

G_END_DECLS
