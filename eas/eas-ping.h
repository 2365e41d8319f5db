/* eas-ping.h — the Ping model ([MS-ASCMD] 2.2.1.13): DirectPush.
 *
 * Pure: no I/O.  Decodes a Ping request into a typed struct, merges it with
 * what the device sent last (an empty Ping, or one without Folders or
 * without HeartbeatInterval, reuses the remembered values), checks it
 * against the server's limits, and encodes the response.
 *
 * Limits: at most EAS_PING_DECODE_MAX_FOLDERS Folder elements are decoded
 * (more: EAS_PING_ERROR_LIMIT, which the server answers with Status 6);
 * Id at most EAS_SYNC_ID_MAX_BYTES, Class at most EAS_SYNC_CLASS_MAX_BYTES.
 * Errors: EAS_PING_ERROR.
 */
#pragma once

#include <glib.h>

#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

/* Why 1000: [MS-ASCMD] lets the server choose MaxFolders; Exchange allows
 * a few hundred.  The server's own (configurable) limit is smaller; this
 * one only bounds what a hostile body can make us allocate. */
#define EAS_PING_DECODE_MAX_FOLDERS 1000

/* [MS-ASCMD] 2.2.3.88.3: clients expect 60–3540 s. */
#define EAS_PING_HEARTBEAT_MIN_DEFAULT 60
#define EAS_PING_HEARTBEAT_MAX_DEFAULT 3540
#define EAS_PING_MAX_FOLDERS_DEFAULT 300

#define EAS_PING_ERROR (eas_ping_error_quark ())
GQuark eas_ping_error_quark (void);

typedef enum {
	EAS_PING_ERROR_INVALID,	/* wrong root, malformed or misplaced element */
	EAS_PING_ERROR_LIMIT,	/* more than EAS_PING_DECODE_MAX_FOLDERS, or a string too long */
} EasPingErrorCode;

/* [MS-ASCMD] 2.2.3.177.11 Status (Ping). */
typedef enum {
	EAS_PING_STATUS_EXPIRED = 1,		/* heartbeat ran out, nothing changed */
	EAS_PING_STATUS_CHANGES = 2,		/* Folders lists what changed */
	EAS_PING_STATUS_MISSING_PARAMETERS = 3,	/* nothing sent and nothing remembered */
	EAS_PING_STATUS_SYNTAX_ERROR = 4,
	EAS_PING_STATUS_HEARTBEAT_OUT_OF_RANGE = 5,	/* with HeartbeatInterval = the bound */
	EAS_PING_STATUS_TOO_MANY_FOLDERS = 6,	/* with MaxFolders */
	EAS_PING_STATUS_FOLDER_SYNC_REQUIRED = 7,
	EAS_PING_STATUS_SERVER_ERROR = 8,
} EasPingStatus;

typedef struct {
	char *id;		/* CollectionId (ServerId of the folder) */
	char *class_name;	/* "Email", "Calendar", "Contacts", "Tasks", "Notes" */
} EasPingFolder;

void eas_ping_folder_free (EasPingFolder *folder);

typedef struct {
	gboolean has_heartbeat;
	guint heartbeat;	/* seconds, as sent (0..G_MAXUINT32) */
	GPtrArray *folders;	/* EasPingFolder*, never NULL; empty = none sent */
} EasPingRequest;

EasPingRequest *eas_ping_request_new (void);
void eas_ping_request_free (EasPingRequest *req);

/* root NULL (empty body) gives an empty request. */
EasPingRequest *eas_ping_request_decode (const EasNode *root, GError **error);
/* Encodes req as a Ping request body (what clients send; also the form in
 * which the server remembers a device's last Ping).  Never NULL. */
GBytes *eas_ping_request_encode (const EasPingRequest *req);

typedef struct {
	guint heartbeat_min;
	guint heartbeat_max;
	guint max_folders;
} EasPingLimits;

void eas_ping_limits_init_default (EasPingLimits *limits);

/* Merges req with the remembered one (may be NULL) into *out_merged (a new
 * request: sent values win, missing ones come from remembered) and checks
 * it.  Returns 0 when the Ping may park, else the status to answer at
 * once; *out_limit is the bound to send with status 5 (HeartbeatInterval)
 * or 6 (MaxFolders).  *out_merged is set in every case. */
EasPingStatus eas_ping_request_check (const EasPingRequest *req,
                                      const EasPingRequest *remembered,
                                      const EasPingLimits *limits,
                                      EasPingRequest **out_merged,
                                      guint *out_limit);

/* The response.  changed_folders: ids sent with status 2 (may be NULL
 * otherwise); limit: with status 5 (HeartbeatInterval) or 6 (MaxFolders). */
GBytes *eas_ping_response_encode (EasPingStatus status,
                                  const char * const *changed_folders,
                                  gsize n_changed,
                                  guint limit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasPingFolder, eas_ping_folder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasPingRequest, eas_ping_request_free)

G_END_DECLS
