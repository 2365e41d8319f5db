/* conduit-eas.h — the desktop's EAS client: the store ⇄ server road talks
 * to the user's server (Airdock's airdockd or any EAS 14.1/16.1 server)
 * with it.
 *
 * Two layers:
 *  - pure protocol helpers (version choice, Provision request/response,
 *    Sync request building and response interpretation, HTTP status text):
 *    no I/O, tested directly and fuzzed (tests/fuzz/fuzz-conduit-eas.c);
 *  - ConduitEas, a blocking client over libsoup-3 for one account: Basic
 *    auth over HTTPS, the certificate checked by
 *    conduit_account_certificate_ok(), DeviceType "AirdockDesktop" and a
 *    DeviceId stable per desktop (the file "eas-device-id" in the config
 *    directory), the protocol version from OPTIONS, Provision in two
 *    phases, re-provisioning on HTTP 449 and Status 140/142/143/144.  Use it
 *    from one thread at a time (the conduit runs it in a worker thread).
 *
 * A server that asks for a remote wipe gets no acknowledgement and nothing
 * on the desktop is deleted: the client stops with CONDUIT_EAS_ERROR_WIPE.
 *
 * Errors: CONDUIT_EAS_ERROR; messages are meant for the user ("the server
 * refused the user name or password (HTTP 401)") and never hold the
 * password or a body.
 */
#pragma once

#include <gio/gio.h>

#include "conduit/conduit-account.h"
#include "eas/eas-calendar.h"
#include "eas/eas-contact.h"
#include "eas/eas-foldersync.h"
#include "eas/eas-note.h"
#include "eas/eas-ping.h"
#include "eas/eas-query.h"
#include "eas/eas-sync.h"
#include "eas/eas-task.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define CONDUIT_EAS_ERROR (conduit_eas_error_quark ())
GQuark conduit_eas_error_quark (void);

typedef enum {
	CONDUIT_EAS_ERROR_NETWORK,	/* no connection, or it dropped mid-request */
	CONDUIT_EAS_ERROR_CERTIFICATE,	/* the server's certificate is not trusted */
	CONDUIT_EAS_ERROR_AUTH,		/* HTTP 401 */
	CONDUIT_EAS_ERROR_DENIED,	/* HTTP 403: blocked device, EAS off for the user */
	CONDUIT_EAS_ERROR_HTTP,		/* any other HTTP failure */
	CONDUIT_EAS_ERROR_VERSION,	/* the server offers neither 14.1 nor 16.1 */
	CONDUIT_EAS_ERROR_PROVISION,	/* Provision failed */
	CONDUIT_EAS_ERROR_WIPE,		/* the server asked to wipe this desktop */
	CONDUIT_EAS_ERROR_PROTOCOL,	/* malformed response or unexpected status */
	CONDUIT_EAS_ERROR_SYNC_KEY,	/* Status 3/9: the key is gone, start from "0" */
	CONDUIT_EAS_ERROR_HIERARCHY,	/* Sync Status 12: FolderSync first */
} ConduitEasErrorCode;

/* The item classes the reconciler syncs. */
typedef enum {
	CONDUIT_EAS_NOTES,
	CONDUIT_EAS_TASKS,
	CONDUIT_EAS_CONTACTS,
	CONDUIT_EAS_CALENDAR,
} ConduitEasClass;

/* "Notes", "Tasks", "Contacts", "Calendar". */
const char *conduit_eas_class_name (ConduitEasClass cls);

/* ---- Pure helpers ------------------------------------------------------- */

/* The version to speak from an MS-ASProtocolVersions header value
 * ("2.5,12.0,…,16.1"): 161 when offered, else 141, else 0. */
EasVersion conduit_eas_pick_version (const char *versions);

/* A user-facing sentence for an HTTP status that is not 200 (new string). */
char *conduit_eas_http_message (guint status);

/* [MS-ASCMD] 2.2.2 common statuses 140 (remote wipe requested), 142 (not
 * provisioned), 143 (policy refresh), 144 (invalid policy key): provision
 * again (which reports a wipe as CONDUIT_EAS_ERROR_WIPE). */
gboolean conduit_eas_status_needs_provision (guint status);

/* Provision request ([MS-ASPROV] 3.1.5.1): phase 1 without temp_key (with
 * DeviceInformation on 14.1+), phase 2 acknowledging temp_key. */
EasNode *conduit_eas_provision_request (EasVersion version, const char *temp_key);

/* Reads a Provision response: the policy key (new string) in *out_key.
 * A RemoteWipe element gives FALSE + CONDUIT_EAS_ERROR_WIPE; a status other
 * than 1 FALSE + CONDUIT_EAS_ERROR_PROVISION (or needs-provision statuses
 * likewise). */
gboolean conduit_eas_provision_parse (const EasNode *root, char **out_key, GError **error);

/* One outgoing command.  Add: id is the ClientId and exactly the class's
 * item (note, task, contact or event) is set; Change: id is the ServerId,
 * item set; Delete: id is the ServerId. */
typedef struct {
	EasSyncCommandType type;
	char *id;
	EasNote *note;
	EasTask *task;
	EasContact *contact;
	EasEvent *event;
} ConduitEasOut;

ConduitEasOut *conduit_eas_out_new (EasSyncCommandType type, const char *id);
void conduit_eas_out_free (ConduitEasOut *out);

typedef struct {
	ConduitEasClass cls;
	const char *collection_id;
	const char *sync_key;
	gboolean get_changes;		/* ignored (never sent) with key "0" */
	guint window_size;		/* 1–512; 0 = EAS_SYNC_WINDOW_DEFAULT */
	gboolean server_wins;		/* Options/Conflict 1, else 0 */
	GPtrArray *commands;		/* ConduitEasOut*, may be NULL */
} ConduitEasSyncRequest;

/* The Sync document for one collection. */
GBytes *conduit_eas_sync_request_encode (const ConduitEasSyncRequest *req, EasVersion version);

/* A server command. */
typedef struct {
	EasSyncCommandType type;	/* ADD, CHANGE, DELETE or SOFT_DELETE */
	char *server_id;
	EasNote *note;			/* ADD/CHANGE of Notes, NULL when unreadable */
	EasTask *task;			/* ADD/CHANGE of Tasks, NULL when unreadable */
	EasContact *contact;		/* ADD/CHANGE of Contacts, NULL when unreadable */
	EasEvent *event;		/* ADD/CHANGE of Calendar, NULL when unreadable */
	char *error;			/* why ApplicationData could not be read, or NULL */
} ConduitEasIn;

/* The server's answer to one of our commands (Add always; Change and
 * Delete only when they failed). */
typedef struct {
	EasSyncCommandType type;
	char *client_id;		/* Add */
	char *server_id;		/* Add (the new id), Change, Delete */
	guint status;
} ConduitEasReply;

typedef struct {
	guint status;			/* the collection's (or the whole Sync's) Status */
	char *sync_key;			/* NULL when status is not 1 */
	gboolean more_available;
	GPtrArray *commands;		/* ConduitEasIn*, in document order */
	GPtrArray *replies;		/* ConduitEasReply* */
} ConduitEasSyncResponse;

void conduit_eas_sync_response_free (ConduitEasSyncResponse *resp);

/* Interprets a Sync response for collection_id.  root NULL (an empty body)
 * means "nothing new": status 1, key NULL.  An item whose ApplicationData
 * does not decode stays in the list with ->error set (the caller skips it
 * and says so).  FALSE-like NULL + CONDUIT_EAS_ERROR_PROTOCOL when the
 * document is not a Sync response or lacks what Status 1 requires. */
ConduitEasSyncResponse *conduit_eas_sync_response_parse (const EasNode *root, const char *collection_id,
							 ConduitEasClass cls, EasVersion version,
							 GError **error);

/* Reads a Ping response: its Status in *out_status and, with Status 5,
 * the server's bound in *out_heartbeat (0 otherwise).  FALSE +
 * CONDUIT_EAS_ERROR_PROTOCOL when it is not a Ping response with a Status. */
gboolean conduit_eas_ping_response_parse (const EasNode *root, guint *out_status, guint *out_heartbeat,
					  GError **error);

/* ---- The client --------------------------------------------------------- */

typedef struct _ConduitEas ConduitEas;

/* A client for account (copied; account->password must be loaded).
 * config_dir NULL = $XDG_CONFIG_HOME/airdock; the DeviceId file is made
 * there when missing. */
ConduitEas *conduit_eas_new (const ConduitAccount *account, const char *config_dir, GError **error);
void conduit_eas_free (ConduitEas *eas);

/* Seconds before a request without an answer fails (default 60). */
void conduit_eas_set_timeout (ConduitEas *eas, guint seconds);
const char *conduit_eas_get_device_id (const ConduitEas *eas);
EasVersion conduit_eas_get_version (const ConduitEas *eas);

/* OPTIONS (version) and Provision. */
gboolean conduit_eas_connect (ConduitEas *eas, GError **error);

/* FolderSync from sync_key ("0" for the whole hierarchy); Status 9 is
 * CONDUIT_EAS_ERROR_SYNC_KEY. */
EasFolderSyncResponse *conduit_eas_folder_sync (ConduitEas *eas, const char *sync_key, GError **error);

/* One Sync round trip.  A collection Status 3 is CONDUIT_EAS_ERROR_SYNC_KEY,
 * 12 CONDUIT_EAS_ERROR_HIERARCHY, other statuses but 1 PROTOCOL errors
 * naming the status. */
ConduitEasSyncResponse *conduit_eas_sync (ConduitEas *eas, const ConduitEasSyncRequest *req, GError **error);

/* One Ping ([MS-ASCMD] 2.2.1.13) on folders (EasPingFolder*): blocks until
 * the server answers, at most heartbeat seconds plus a margin.
 * *out_changes: TRUE when a folder changed (Status 2), FALSE when the
 * heartbeat ran out (Status 1).  Status 5 retries once with the server's
 * bound; Status 7 is CONDUIT_EAS_ERROR_HIERARCHY; others PROTOCOL errors. */
gboolean conduit_eas_ping (ConduitEas *eas, const GPtrArray *folders, guint heartbeat, gboolean *out_changes,
			   GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitEasOut, conduit_eas_out_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitEasSyncResponse, conduit_eas_sync_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitEas, conduit_eas_free)

G_END_DECLS
