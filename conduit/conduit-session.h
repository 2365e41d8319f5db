/* One HotSync over one transport: detects the framing from the first bytes,
 * runs libhotsync's HotsyncLink and HotsyncSession over it, lets
 * conduit-sync.h decide and commit, and reports progress.  Blocking: the
 * caller runs it in the thread that owns the link (one handheld at a time
 * per link, several links in several threads).
 *
 * Errors: CONDUIT_TRANSPORT_ERROR (hang-up, I/O), HOTSYNC_* (bad frames
 * beyond repair), CONDUIT_SYNC_ERROR / PSTSTORE_ERROR (store). */
#pragma once

#include <glib.h>

#include "conduit/conduit-sync.h"
#include "conduit/conduit-transport.h"

G_BEGIN_DECLS

/* Called from the syncing thread.  db: "MemoDB"…, done: records read so
 * far in it, total: the records it holds (0 when not known yet). */
typedef void (*ConduitProgressFunc) (const char *db, guint done, guint total, gpointer user_data);

typedef struct {
	const char *store_path;       /* NULL: the default store */
	const char *log_dir;
	guint32 desktop_id;
	guint32 max_baud;             /* serial: the fastest rate to accept */
	gboolean force_slow;          /* "full sync" */
	int idle_timeout_ms;          /* no byte for this long ends the sync; 0 = 30 s */
	ConduitProgressFunc progress;
	/* Called once the handheld said who it is (UTF-8 user name); may be NULL. */
	void (*device) (const char *user_name, gpointer user_data);
	gpointer user_data;
} ConduitSessionConfig;

typedef struct {
	gboolean ok;
	ConduitSyncStats stats;
	guint64 bytes_in;
	guint64 bytes_out;
	guint round_trips;            /* DLP requests answered */
	guint dropped_frames;         /* serial frames dropped for bad checksums */
	guint32 baud;                 /* serial: the rate used for DLP */
	gboolean serial;
	char *log_path;
	char *error;                  /* why it failed, or NULL */
} ConduitSessionResult;

void conduit_session_result_clear (ConduitSessionResult *result);

/* Runs one sync.  FALSE only when nothing could be done at all (no bytes,
 * no store); a sync that started and failed returns TRUE with
 * out_result->ok FALSE and ->error set (and nothing committed). */
gboolean conduit_session_run (ConduitTransport           *transport,
                              const ConduitSessionConfig *config,
                              ConduitSessionResult       *out_result,
                              GError                    **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConduitSessionResult, conduit_session_result_clear)

G_END_DECLS
