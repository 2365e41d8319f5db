/* eas-foldersync.h — FolderSync, FolderCreate, FolderUpdate, FolderDelete
 * models ([MS-ASCMD] 2.2.1.5, 2.2.1.3, 2.2.1.6, 2.2.1.4).
 *
 * Pure: no I/O.  Decoders take a tree from eas_wbxml_parse(); errors are in
 * EAS_SYNC_ERROR (INVALID → Status 10 "incorrectly formatted request" at the
 * server; LIMIT likewise).  Encoders return whole documents.
 */
#pragma once

#include <glib.h>

#include "eas/eas-query.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

/* [MS-ASCMD] 2.2.3.47.2 DisplayName: folder names; Exchange allows 256. */
#define EAS_FOLDER_NAME_MAX_BYTES 256

/* FolderSync Status ([MS-ASCMD] 2.2.3.177.4) and the Folder* statuses
 * (2.2.3.177.2/3/5) share these values. */
typedef enum {
	EAS_FOLDER_STATUS_OK = 1,
	EAS_FOLDER_STATUS_EXISTS = 2,		/* Create/Update: name taken */
	EAS_FOLDER_STATUS_SPECIAL = 3,		/* system folder */
	EAS_FOLDER_STATUS_NOT_FOUND = 4,	/* Update/Delete: no such folder */
	EAS_FOLDER_STATUS_PARENT_NOT_FOUND = 5,	/* Create/Update */
	EAS_FOLDER_STATUS_SERVER_ERROR = 6,
	EAS_FOLDER_STATUS_INVALID_SYNC_KEY = 9,
	EAS_FOLDER_STATUS_MALFORMED = 10,
	EAS_FOLDER_STATUS_UNKNOWN_ERROR = 11,
} EasFolderStatus;

/* One folder in a FolderSync response. */
typedef struct {
	char *server_id;
	char *parent_id;
	char *display_name;
	guint type;		/* [MS-ASCMD] 2.2.3.186.3 */
} EasFolder;

EasFolder *eas_folder_new (const char *server_id, const char *parent_id,
                           const char *display_name, guint type);
void eas_folder_free (EasFolder *folder);

/* FolderSync request: only the key. */
char *eas_folder_sync_request_decode (const EasNode *root, GError **error);

typedef struct {
	EasFolderStatus status;
	char *sync_key;		/* NULL on errors */
	GPtrArray *adds;	/* EasFolder*, owned */
	GPtrArray *updates;	/* EasFolder*, owned */
	GPtrArray *deletes;	/* char * server ids, owned */
} EasFolderSyncResponse;

EasFolderSyncResponse *eas_folder_sync_response_new (EasFolderStatus status,
                                                     const char *sync_key);
void eas_folder_sync_response_free (EasFolderSyncResponse *resp);
/* <FolderSync><Status/>[<SyncKey/><Changes><Count/> Update… Delete… Add…</Changes>]. */
GBytes *eas_folder_sync_response_encode (const EasFolderSyncResponse *resp);
/* Reads a response back (tests, the conduit's client). */
EasFolderSyncResponse *eas_folder_sync_response_decode (const EasNode *root, GError **error);

typedef enum {
	EAS_FOLDER_OP_CREATE,
	EAS_FOLDER_OP_UPDATE,
	EAS_FOLDER_OP_DELETE,
} EasFolderOp;

/* FolderCreate (SyncKey, ParentId, DisplayName, Type), FolderUpdate
 * (SyncKey, ServerId, ParentId, DisplayName), FolderDelete (SyncKey,
 * ServerId).  The op comes from the root element. */
typedef struct {
	EasFolderOp op;
	char *sync_key;
	char *server_id;	/* Update, Delete */
	char *parent_id;	/* Create, Update */
	char *display_name;	/* Create, Update */
	guint type;		/* Create */
} EasFolderChangeRequest;

EasFolderChangeRequest *eas_folder_change_request_decode (const EasNode *root, GError **error);
void eas_folder_change_request_free (EasFolderChangeRequest *req);

/* <FolderCreate|FolderUpdate|FolderDelete><Status/>[<SyncKey/>][<ServerId/>]:
 * sync_key only on success, server_id only for a created folder. */
GBytes *eas_folder_change_response_encode (EasFolderOp op, EasFolderStatus status,
                                           const char *sync_key, const char *server_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasFolder, eas_folder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasFolderSyncResponse, eas_folder_sync_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasFolderChangeRequest, eas_folder_change_request_free)

G_END_DECLS
