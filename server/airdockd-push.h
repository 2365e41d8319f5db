/* airdockd-push.h — the push hub: parked Pings (and Sync Waits) and the
 * change events that wake them ([MS-ASCMD] 2.2.1.13 Ping, 2.2.3.198 Wait).
 *
 * A parked request holds its client connection, taken over from libsoup
 * (soup_server_message_steal_connection), in a compact per-device record:
 *   - one timer wheel (1 s slots, one GSource) for every heartbeat;
 *   - one epoll set (one GSource) that notices a client hanging up
 *     (EPOLLRDHUP, or a zero-byte MSG_PEEK: TLS data is never consumed);
 *   - the response is written on the stolen GIOStream with
 *     "Connection: close".
 * At most one request is parked per device: a new request from the device
 * ends the older one, which is answered (the respond callback with
 * AIRDOCKD_PUSH_ENDED), never dropped.
 *
 * Events (the bus): airdockd_push_notify() for "items of this folder of
 * this user changed" — fed by the store's change hook for changes made in
 * this process (LMTP, other devices' Sync), and the seam for a future
 * PostgreSQL LISTEN/NOTIFY feed.  Changes by other processes (`airdockctl
 * deliver`, `airdockctl wipe`) are noticed by a poll every [push]
 * poll_interval seconds that does nothing unless the SQLite files changed
 * (stat of data_dir/airdock.sqlite and -wal), and then rechecks each user
 * with parked requests (item and hierarchy counters); pending wipes are
 * looked for at most every 5 polls (one query listing every device).
 *
 * The hub is one per process, created on first use by
 * airdockd_push_get(); its state file data_dir/push.status
 * ("parked=N\n") is rewritten at most once a second when N changed.
 */
#pragma once

#include <gio/gio.h>

#include "eas/eas-sync.h"
#include "server/airdockd-request.h"

G_BEGIN_DECLS

typedef struct _AirdockdPush AirdockdPush;

typedef enum {
	AIRDOCKD_PUSH_EXPIRED,		/* heartbeat ran out */
	AIRDOCKD_PUSH_CHANGES,		/* folders (subscribed ones) changed */
	AIRDOCKD_PUSH_HIERARCHY,	/* folder hierarchy changed: FolderSync needed */
	AIRDOCKD_PUSH_ENDED,		/* a newer request from the device */
	AIRDOCKD_PUSH_WIPE,		/* a remote wipe is pending for the device */
	AIRDOCKD_PUSH_SHUTDOWN,		/* server stops */
} AirdockdPushReason;

/* Builds the WBXML body for a woken request; folders lists the changed
 * subscribed folder ids for AIRDOCKD_PUSH_CHANGES (else n_folders 0).
 * Returns a new reference; NULL = empty body.  (For AIRDOCKD_PUSH_WIPE on
 * a version below 14.0 the hub answers HTTP 449 without calling it.) */
typedef GBytes *(*AirdockdPushRespondFunc) (AirdockdPushReason reason,
                                            const char * const *folders,
                                            gsize n_folders,
                                            gpointer user_data);

typedef struct {
	char **folders;			/* subscribed folder ids (taken over) */
	guint heartbeat;		/* seconds */
	gint64 item_modseq;		/* user's counters when checked */
	gint64 folder_modseq;
	AirdockdPushRespondFunc respond;
	gpointer user_data;
	GDestroyNotify destroy;		/* for user_data, may be NULL */
} AirdockdPushPark;

/* The process's hub for this server (created on first call). */
AirdockdPush *airdockd_push_get (AirdockdServer *server);

/* Ends the parked request of req's device, if any (answered ENDED).
 * Called by the HTTP layer for every request before its handler. */
void airdockd_push_device_request (AirdockdRequest *req);

/* Parks req: takes its connection over (req->http_message), sets
 * req->parked.  park->folders and user_data are taken over in every case.
 * FALSE (nothing parked, user_data destroyed) when the connection cannot
 * be taken over; the caller then answers at once. */
gboolean airdockd_push_park (AirdockdPush *hub, AirdockdRequest *req, AirdockdPushPark *park);

/* The event bus: items of folder_server_id (NULL = any folder, recheck
 * the user's counters) changed for user_id. */
void airdockd_push_notify (AirdockdPush *hub, gint64 user_id, const char *folder_server_id);

/* Sync with Wait (minutes) or HeartbeatInterval (seconds), already
 * range-checked ([MS-ASCMD] 2.2.3.198, 2.2.3.88.2): when no collection has
 * client commands or changes to send, parks req and returns TRUE; on a
 * change (or expiry, or a newer request) the hub runs the same Sync again
 * and answers with its result.  FALSE: answer now. */
gboolean airdockd_push_sync_wait (AirdockdRequest *req, const EasSyncRequest *sreq);

/* Number of parked requests. */
guint airdockd_push_count (AirdockdPush *hub);

/* Ping's limits from the config ([push] group). */
guint airdockd_push_heartbeat_min (AirdockdPush *hub);
guint airdockd_push_heartbeat_max (AirdockdPush *hub);
guint airdockd_push_max_folders (AirdockdPush *hub);

G_END_DECLS
