/* The desktop's side of a HotSync session above DLP, as a pure
 * command/response generator: it says which DLP request to send next, takes
 * the handheld's answers, hands the records it read to the caller and writes
 * back the caller's decisions.  It does no I/O and keeps no store: the
 * conduit program drives it over a HotsyncLink and applies the reconcile
 * table (hotsync-reconcile.h) between reading and writing.
 *
 * Sequence:
 *   ReadSysInfo (we report DLP 1.2), ReadUserInfo
 *     → event PLAN: call hotsync_session_set_plan() with fast or slow sync
 *       (hotsync_reconcile_is_fast()) and the databases to sync;
 *   per database: OpenConduit, OpenDB (read, write, secret), ReadOpenDBInfo,
 *     ReadAppBlock → event DATABASE (categories first);
 *     fast sync: ReadNextModifiedRec until "not found"; slow sync:
 *     ReadRecord by index for every record → one event RECORD each;
 *     → event CHANGES: call hotsync_session_set_changes();
 *     WriteAppBlock (when the caller gave a new block), then each change:
 *     DeleteRecord, or WriteRecord (event WRITTEN with the id the handheld
 *     assigned); CleanUpDatabase, ResetSyncFlags, CloseDB;
 *   WriteUserInfo (our id as lastSyncPC, the date), AddSyncLogEntry,
 *   EndOfSync → event DONE.
 * All records are read before any is written or deleted, so deleting never
 * shifts the index of a record still to be read, and records we write carry
 * no dirty bit (ResetSyncFlags clears the rest).  A database the handheld
 * does not have (OpenDB "not found") is skipped.  Any other DLP error ends
 * the session with EndOfSync(other) and hotsync_session_get_error() tells
 * why.
 *
 * Driving loop:
 *   while (hotsync_session_next (s, &ev)) switch (ev.type) {
 *   SEND: write ev.request, wait for the answer, hotsync_session_receive();
 *   PLAN / CHANGES: decide, then set_plan / set_changes;
 *   DATABASE / RECORD / WRITTEN: update the store; DONE: hang up. }
 *
 * Errors: HOTSYNC_SESSION_ERROR and those of hotsync-dlp.h.  A FALSE from
 * hotsync_session_receive() means the answer made no sense (not a DLP
 * error code): drop the connection. */
#pragma once

#include <glib.h>

#include "hotsync/hotsync-dlp.h"

G_BEGIN_DECLS

#define HOTSYNC_SESSION_ERROR (hotsync_session_error_quark ())
GQuark hotsync_session_error_quark (void);

typedef enum {
	HOTSYNC_SESSION_ERROR_STATE,      /* a call that does not fit the current step */
	HOTSYNC_SESSION_ERROR_HANDHELD,   /* the handheld answered with a DLP error */
	HOTSYNC_SESSION_ERROR_LIMIT,      /* more records than the limit */
} HotsyncSessionError;

/* Records read from one database: a slow sync reads every record, and the
 * count comes from the handheld; bound it (Palm OS caps a database at 65535
 * records). */
#define HOTSYNC_SESSION_MAX_RECORDS 65535

typedef enum {
	HOTSYNC_SESSION_EVENT_SEND,
	HOTSYNC_SESSION_EVENT_PLAN,
	HOTSYNC_SESSION_EVENT_DATABASE,
	HOTSYNC_SESSION_EVENT_RECORD,
	HOTSYNC_SESSION_EVENT_CHANGES,
	HOTSYNC_SESSION_EVENT_WRITTEN,
	HOTSYNC_SESSION_EVENT_DONE,
} HotsyncSessionEventType;

typedef struct {
	HotsyncSessionEventType type;
	GBytes *request;      /* SEND: the encoded DLP request */
	guint db;             /* DATABASE, RECORD, CHANGES, WRITTEN: index in the plan */
	GBytes *app_info;     /* DATABASE: the AppInfo block, NULL when the database has none */
	guint32 rec_id;       /* RECORD; WRITTEN: the id the handheld assigned */
	guint16 index;        /* RECORD */
	guint8 attr;          /* RECORD */
	guint8 category;      /* RECORD */
	GBytes *data;         /* RECORD */
	guint change;         /* WRITTEN: index in the changes */
	guint16 end_status;   /* DONE: the EndOfSync status sent */
} HotsyncSessionEvent;

void hotsync_session_event_clear (HotsyncSessionEvent *event);

typedef struct {
	guint32 desktop_id;           /* becomes the handheld's lastSyncPC; not 0 */
	HotsyncDlpDate now;           /* lastSyncDate to write */
	guint32 new_user_id;          /* for a handheld that has none (0 = leave) */
	const char *new_user_name;    /* with new_user_id; Palm code page */
} HotsyncSessionConfig;

/* One change to apply on the handheld after reading a database. */
typedef struct {
	gboolean delete_record;   /* DeleteRecord rec_id; else WriteRecord */
	guint32 rec_id;           /* 0: a new record */
	guint8 attr;              /* written without the dirty and deleted bits */
	guint8 category;
	GBytes *data;             /* borrowed for the call */
} HotsyncSessionChange;

typedef struct _HotsyncSession HotsyncSession;

/* config is copied. */
HotsyncSession *hotsync_session_new (const HotsyncSessionConfig *config);
void hotsync_session_free (HotsyncSession *session);

/* The next thing to do; FALSE while the session waits for a call
 * (receive, set_plan, set_changes) or after DONE.  *out_event is owned by the
 * caller: hotsync_session_event_clear(). */
gboolean hotsync_session_next (HotsyncSession *session, HotsyncSessionEvent *out_event);

/* The answer to the last SEND. */
gboolean hotsync_session_receive (HotsyncSession *session, const guint8 *data, gsize len, GError **error);

/* After PLAN: what the handheld reported (valid until the session is freed). */
const HotsyncDlpUserInfo *hotsync_session_get_user_info (const HotsyncSession *session);
const HotsyncDlpSysInfo *hotsync_session_get_sys_info (const HotsyncSession *session);

/* Answers PLAN.  db_names: databases in sync order (e.g. "MemoDB",
 * "ToDoDB"), in the handheld's code page; copied. */
gboolean hotsync_session_set_plan (HotsyncSession     *session,
                                   gboolean            fast,
                                   const char * const *db_names,
                                   gsize               n_dbs,
                                   GError            **error);

/* Answers CHANGES.  app_info: a new AppInfo block to write first, or NULL.
 * Changes and their data are copied. */
gboolean hotsync_session_set_changes (HotsyncSession             *session,
                                      const HotsyncSessionChange *changes,
                                      gsize                       n_changes,
                                      GBytes                     *app_info,
                                      GError                    **error);

/* The sync log text for AddSyncLogEntry (Palm code page); copied. */
void hotsync_session_set_log (HotsyncSession *session, const char *text);

/* Ends the session early: closes the open database and sends EndOfSync
 * with status (HotsyncDlpEndStatus) as soon as the current answer is in. */
void hotsync_session_cancel (HotsyncSession *session, guint16 status);

/* The reason the session ended early, or NULL. */
const GError *hotsync_session_get_error (const HotsyncSession *session);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncSession, hotsync_session_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HotsyncSessionEvent, hotsync_session_event_clear)

G_END_DECLS
