/* eas-sync.h — the Sync command model ([MS-ASCMD] 2.2.1.21): typed request,
 * stored options, and a streaming response encoder.
 *
 * Pure: no I/O.  The decoder takes a tree from eas_wbxml_parse() (whose
 * limits bound the document) and applies its own limits to counts and
 * string lengths.  Errors: EAS_SYNC_ERROR; a decode error maps to Sync
 * Status 4 (protocol error) at the server; messages name the element and
 * never echo client bytes.
 */
#pragma once

#include <glib.h>

#include "eas/eas-email.h"
#include "eas/eas-query.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

/* Limits:
 * - EAS_SYNC_MAX_COLLECTIONS: collections per Sync.  Devices sync a few
 *   dozen folders at most; Exchange allows 1000 in Ping/Sync lists, we
 *   follow that bound so a request cannot make us open unbounded state.
 * - EAS_SYNC_MAX_COMMANDS: client commands per collection.  Clients send
 *   at most one window (512) of changes; twice that leaves margin.
 * - EAS_SYNC_ID_MAX_BYTES: CollectionId, ServerId, ClientId: [MS-ASCMD]
 *   2.2.3.30.6, 2.2.3.166, 2.2.3.28: at most 64 characters.
 * - EAS_SYNC_CLASS_MAX_BYTES: "Email", "Contacts", "Calendar", "Tasks",
 *   "Notes", "SMS" are the only classes.
 * - EAS_SYNC_FLAG_TYPE_MAX_BYTES: FlagType is a short label.
 * - EAS_SYNC_DRAFT_FIELD_MAX_BYTES: To/Cc/Bcc/Subject of a draft; the
 *   server's decoded header values stop at 4 KiB, 64 KiB of recipients is
 *   far beyond any mail client.  Bodies are bounded by the WBXML string
 *   limit (EAS_WBXML_DEFAULT_STRING_BYTES). */
#define EAS_SYNC_MAX_COLLECTIONS 1000
#define EAS_SYNC_MAX_COMMANDS 1024
#define EAS_SYNC_ID_MAX_BYTES 64
#define EAS_SYNC_CLASS_MAX_BYTES 16
#define EAS_SYNC_FLAG_TYPE_MAX_BYTES 256
#define EAS_SYNC_DRAFT_FIELD_MAX_BYTES (64u * 1024)

/* [MS-ASCMD] 2.2.3.199 WindowSize: absent → 100; 0 or > 512 → 512. */
#define EAS_SYNC_WINDOW_DEFAULT 100
#define EAS_SYNC_WINDOW_MAX 512

/* [MS-ASCMD] 2.2.3.198 Wait (minutes) and 2.2.3.88.2 HeartbeatInterval
 * (seconds): out of range → Status 14 with Limit. */
#define EAS_SYNC_WAIT_MIN 1
#define EAS_SYNC_WAIT_MAX 59
#define EAS_SYNC_HEARTBEAT_MIN 60
#define EAS_SYNC_HEARTBEAT_MAX 3540

#define EAS_SYNC_ERROR (eas_sync_error_quark ())
GQuark eas_sync_error_quark (void);

typedef enum {
	EAS_SYNC_ERROR_INVALID,	/* wrong root, missing or malformed element */
	EAS_SYNC_ERROR_LIMIT,	/* a count or length limit above was exceeded */
} EasSyncErrorCode;

/* [MS-ASCMD] 2.2.3.177.17 Status (Sync). */
typedef enum {
	EAS_SYNC_STATUS_OK = 1,
	EAS_SYNC_STATUS_INVALID_SYNC_KEY = 3,
	EAS_SYNC_STATUS_PROTOCOL_ERROR = 4,
	EAS_SYNC_STATUS_SERVER_ERROR = 5,
	EAS_SYNC_STATUS_CONVERSION_ERROR = 6,
	EAS_SYNC_STATUS_CONFLICT = 7,
	EAS_SYNC_STATUS_NOT_FOUND = 8,
	EAS_SYNC_STATUS_CANNOT_COMPLETE = 9,
	EAS_SYNC_STATUS_HIERARCHY_CHANGED = 12,
	EAS_SYNC_STATUS_INCOMPLETE_REQUEST = 13,
	EAS_SYNC_STATUS_INVALID_WAIT = 14,
	EAS_SYNC_STATUS_INVALID_COMMAND = 15,
	EAS_SYNC_STATUS_RETRY = 16,
} EasSyncStatus;

/* [MS-ASCMD] 2.2.3.68.2 FilterType. */
#define EAS_FILTER_ALL 0
#define EAS_FILTER_MAX 8
/* Seconds a FilterType (1..5 for email) reaches back; 0 = everything. */
gint64 eas_filter_type_seconds (guint filter_type);

/* Options of one collection ([MS-ASCMD] 2.2.3.125.6).  Remembered per
 * device and collection: a Sync without Options reuses the stored ones. */
typedef struct {
	guint filter_type;		/* EAS_FILTER_ALL when absent */
	guint conflict;			/* 0 client wins, 1 server wins (default) */
	guint max_items;		/* 0 = not given */
	EasEmailEncodeOptions email;	/* bodies, MIME, truncation */
} EasSyncOptions;

/* Defaults for version (FilterType all, Conflict 1, no body preference). */
void eas_sync_options_init (EasSyncOptions *opts, EasVersion version);
/* Stores options as a small WBXML document and reads it back (the form the
 * server keeps per device and collection).  _deserialize: FALSE + error
 * when the blob is not one we wrote. */
GBytes *eas_sync_options_serialize (const EasSyncOptions *opts);
gboolean eas_sync_options_deserialize (GBytes *blob, EasVersion version,
                                       EasSyncOptions *out_opts, GError **error);

typedef enum {
	EAS_SYNC_CMD_ADD,
	EAS_SYNC_CMD_CHANGE,
	EAS_SYNC_CMD_DELETE,
	EAS_SYNC_CMD_FETCH,
	EAS_SYNC_CMD_SOFT_DELETE,	/* server → client only */
} EasSyncCommandType;

/* One client command.  For email Changes only Read and Flag are
 * meaningful: what a client does not send stays as it is (ghosting). */
typedef struct {
	EasSyncCommandType type;
	char *server_id;		/* Change, Delete, Fetch */
	char *client_id;		/* Add */
	char *class_name;		/* 2.5 Add/Change may carry Class; NULL */
	gboolean has_read;
	gboolean read;
	gboolean has_flag;		/* Flag present (empty = cleared) */
	EasFlagStatus flag_status;
	char *flag_type;
	gboolean has_application_data;
	/* Add of a draft (16.0+, [MS-ASEMAIL] 2.2.2.x in the Drafts folder):
	 * the message to create.  NULL/0 when absent. */
	char *to;
	char *cc;
	char *bcc;			/* Email2:Bcc */
	char *subject;
	gboolean has_importance;
	guint importance;
	EasBodyType body_type;		/* AirSyncBase:Body Type (1 plain, 2 HTML) */
	char *body;			/* AirSyncBase:Body Data */
} EasSyncCommand;

void eas_sync_command_free (EasSyncCommand *cmd);

typedef struct {
	char *sync_key;			/* as sent; validated with eas_sync_key_parse later */
	char *collection_id;
	char *class_name;		/* 2.5/12.x Class, or NULL */
	gboolean get_changes;		/* resolved: absent → TRUE unless SyncKey is "0" */
	guint window_size;		/* resolved per the rule above */
	gboolean has_window_size;
	gboolean deletes_as_moves;	/* absent → TRUE */
	gboolean conversation_mode;
	gboolean has_options;
	EasSyncOptions options;		/* defaults when !has_options */
	GPtrArray *commands;		/* of EasSyncCommand*, never NULL */
} EasSyncCollection;

void eas_sync_collection_free (EasSyncCollection *collection);

typedef struct {
	EasVersion version;
	gboolean empty;			/* no body, no Collections or no Collection: reuse the last (12.1+) */
	gboolean partial;		/* Partial: collections to add to the cached set */
	gboolean has_wait;
	guint wait;			/* minutes, as sent (range check by the caller) */
	gboolean has_heartbeat;
	guint heartbeat;		/* seconds, as sent */
	gboolean has_window_size;
	guint window_size;		/* request-level (12.1+), resolved */
	GPtrArray *collections;		/* of EasSyncCollection*, never NULL */
} EasSyncRequest;

/* Decodes a Sync request.  root may be NULL (an empty body, 12.1+): then
 * the request is marked empty.  Returns NULL + error on a malformed one. */
EasSyncRequest *eas_sync_request_decode (const EasNode *root, EasVersion version,
                                         GError **error);
void eas_sync_request_free (EasSyncRequest *req);

/* ---- Response encoder: call in document order ------------------------ */

/* <Sync><Status>status</Status></Sync> (errors for the whole request;
 * limit > 0 adds <Limit> for Status 14). */
GBytes *eas_sync_encode_status (EasSyncStatus status, guint limit);

/* Opens <Sync><Collections>. */
void eas_sync_write_begin (EasWbxmlWriter *w);
/* Opens <Collection> and writes Class (2.5/12.x when class_name is not
 * NULL), SyncKey (when not NULL), CollectionId and Status. */
void eas_sync_write_collection_begin (EasWbxmlWriter *w, EasVersion version,
                                      const char *class_name,
                                      const char *sync_key,
                                      const char *collection_id,
                                      EasSyncStatus status);
void eas_sync_write_more_available (EasWbxmlWriter *w);
/* <Commands> / </Commands>, <Responses> / </Responses>. */
void eas_sync_write_commands_begin (EasWbxmlWriter *w);
void eas_sync_write_responses_begin (EasWbxmlWriter *w);
void eas_sync_write_section_end (EasWbxmlWriter *w);
/* Server Add: <Add><ServerId/><ApplicationData> … email … </ApplicationData></Add>. */
void eas_sync_write_add (EasWbxmlWriter *w, const char *server_id,
                         const EasEmailItem *item, const EasEmailEncodeOptions *opts);
/* Server Change of Read/Flag. */
void eas_sync_write_change_flags (EasWbxmlWriter *w, const char *server_id,
                                  const EasEmailItem *item,
                                  const EasEmailEncodeOptions *opts);
/* Server Delete or SoftDelete. */
void eas_sync_write_delete (EasWbxmlWriter *w, const char *server_id, gboolean soft);
/* Response to a client command: <Change|Delete|Add><ServerId|ClientId/><Status/>. */
void eas_sync_write_response (EasWbxmlWriter *w, EasSyncCommandType type,
                              const char *client_id, const char *server_id,
                              EasSyncStatus status);
/* Response to Fetch: with the item when status is OK (item may then not be
 * NULL). */
void eas_sync_write_fetch_response (EasWbxmlWriter *w, const char *server_id,
                                    EasSyncStatus status,
                                    const EasEmailItem *item,
                                    const EasEmailEncodeOptions *opts);
/* Closes </Collection>. */
void eas_sync_write_collection_end (EasWbxmlWriter *w);
/* Closes </Collections></Sync> and returns the document. */
GBytes *eas_sync_write_finish (EasWbxmlWriter *w);

/* ---- Helpers shared by the sync command models (FolderSync, Folder*,
 * GetItemEstimate); errors in EAS_SYNC_ERROR ---------------------------- */

/* Copies the text of node's child tag into *out (NULL when absent and not
 * required).  INVALID when required and absent or empty; LIMIT when longer
 * than max_bytes; INVALID when not UTF-8 or containing a NUL. */
gboolean eas_sync_child_string (const EasNode *node, EasTag tag, gsize max_bytes,
                                gboolean required, char **out, GError **error);
/* Reads node's child tag as a number in [min, max].  Absent: *out_has =
 * FALSE, *out untouched.  Present but empty: empty_value (G_MAXUINT64 =
 * INVALID).  Decimal only, no sign. */
gboolean eas_sync_child_uint (const EasNode *node, EasTag tag, guint64 min, guint64 max,
                              guint64 empty_value, gboolean *out_has, guint64 *out,
                              GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasSyncCommand, eas_sync_command_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasSyncCollection, eas_sync_collection_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasSyncRequest, eas_sync_request_free)

/* Decodes one AirSyncBase:BodyPreference ([MS-ASAIRS] 2.2.2.7): Type 1–4
 * (required), TruncationSize, AllOrNone (empty = TRUE), Preview 0–255 (read
 * from 14.0 on).  Shared by the Sync, ItemOperations and Search decoders.
 * FALSE + error naming the element; *out untouched then. */
gboolean eas_body_preference_decode (const EasNode *node, EasVersion version,
                                     EasBodyPreference *out, GError **error);

G_END_DECLS
