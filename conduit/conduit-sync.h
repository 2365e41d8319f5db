/* The store side of one HotSync: decides fast or slow sync, applies the
 * reconcile table (hotsync-reconcile.h) to every record of MemoDB and ToDoDB
 * against the store's Notes and Tasks folders, and commits what the handheld
 * changed in ONE store transaction only when the session ended well
 * (conduit_sync_finish with ok).  A sync that does not finish leaves the
 * store untouched and a marker that makes the next sync of that handheld a
 * slow sync, which heals whatever the handheld already applied (records
 * equal on both sides are paired, not duplicated).
 *
 * Partner: "palm:<user id>".  Logs: LOGDIR/palm-<user id>/<time>.log, the
 * three most recent kept, one line per record added/changed/deleted/
 * archived on either side and per conflict.
 *
 * Errors: CONDUIT_SYNC_ERROR, PSTSTORE_ERROR, HOTSYNC_RECORD_ERROR. */
#pragma once

#include <glib.h>

#include "hotsync/hotsync-session.h"
#include "pst/pststore.h"

G_BEGIN_DECLS

#define CONDUIT_SYNC_ERROR (conduit_sync_error_quark ())
GQuark conduit_sync_error_quark (void);

typedef enum {
	CONDUIT_SYNC_ERROR_FAILED,
} ConduitSyncError;

#define CONDUIT_SYNC_LOGS_KEPT 3

typedef struct _ConduitSync ConduitSync;

typedef struct {
	guint hh_added, hh_changed, hh_deleted;       /* applied on the handheld */
	guint pc_added, pc_changed, pc_deleted, pc_archived;  /* on the desktop */
	guint conflicts;
	guint records_read;
	gboolean fast;
} ConduitSyncStats;

/* store: borrowed for the sync's lifetime.  log_dir: where per-device logs go. */
ConduitSync *conduit_sync_new (PststoreStore *store, guint32 desktop_id, const char *log_dir,
                               gboolean force_slow);
void conduit_sync_free (ConduitSync *sync);

/* The databases to sync, for hotsync_session_set_plan(). */
const char * const *conduit_sync_db_names (gsize *out_n);

/* PLAN: registers the partner and says fast or slow. */
gboolean conduit_sync_plan (ConduitSync *sync, const HotsyncDlpUserInfo *user, gboolean *out_fast,
                            GError **error);
void conduit_sync_database (ConduitSync *sync, guint db, GBytes *app_info);
void conduit_sync_record (ConduitSync *sync, guint db, const HotsyncSessionEvent *ev);
/* CHANGES: the table applied; *out_changes (HotsyncSessionChange, data owned
 * by the sync) and *out_app_info (or NULL) go to hotsync_session_set_changes. */
gboolean conduit_sync_changes (ConduitSync *sync, guint db, GArray **out_changes, GBytes **out_app_info,
                               GError **error);
void conduit_sync_written (ConduitSync *sync, guint db, guint change, guint32 rec_id);
/* The summary for AddSyncLogEntry (UTF-8). */
char *conduit_sync_summary (ConduitSync *sync);
/* ok: EndOfSync(0) was acknowledged.  Commits (ok) or discards, writes the log. */
gboolean conduit_sync_finish (ConduitSync *sync, gboolean ok, const char *failure, GError **error);
const ConduitSyncStats *conduit_sync_get_stats (const ConduitSync *sync);
/* The path of the log written by conduit_sync_finish(), or NULL. */
const char *conduit_sync_get_log_path (const ConduitSync *sync);

/* The desktop's id (lastSyncPC), kept in the key file at path; made on
 * first use.  0 on error. */
guint32 conduit_desktop_id_load (const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitSync, conduit_sync_free)

G_END_DECLS
