/* conduit-reconcile.h — the desktop store ⇄ server reconciler.
 *
 * For one account, the store's Notes and Tasks folders (and Contacts and
 * Calendar, when the store has them) are synced with the user's default
 * folders of those classes on the server over EAS (conduit-eas.h).
 * Contacts travel as the store's vCard text (item->data), appointments as
 * its iCalendar text; an appointment without usable iCalendar is not sent.
 * The store knows the account as the partner "eas:<account id>": its map
 * holds "<CollectionId>/<ServerId>" ⇄ store item, its anchor the store
 * counter up to which local changes were sent.
 *
 * One run, per collection:
 *   1. pull: Sync with GetChanges and no commands, page by page
 *      (MoreAvailable); each page is applied in one store transaction that
 *      also records the new SyncKey;
 *   2. push: the local changes since the anchor (Add with the store item id
 *      as ClientId, Change, Delete), in windows, each answer applied in one
 *      transaction with its SyncKey;
 *   and after every collection the anchor moves to the counter read before
 *   the run.
 * Resume: nothing is recorded before the server's answer is applied, so a
 * connection lost mid-request leaves the last confirmed SyncKey; the next
 * run starts with a pull on that key, which the server answers with its
 * stored answer when it had applied our request (the replies map our Adds by
 * ClientId), and the push then resends what is not yet confirmed (a Change
 * sent twice is harmless, a Delete of a gone item is ignored).
 *
 * The SyncKeys are kept in the partner's map too, as records
 * "synckey\t<CollectionId>\t<key>" mapped to the negative id of the store
 * folder (and "synckey\t\t<key>" at CONDUIT_RECONCILE_HIERARCHY_SLOT for
 * FolderSync), so they commit in the same transaction as the items.
 *
 * Conflicts: an item changed on both sides since the last run keeps both:
 * the store item takes the server's version and a copy of the local one is
 * made as a new item (sent to the server as an Add, and to the handheld by
 * the next HotSync).  With server_wins the local change is dropped.  A
 * server delete of a locally changed item keeps the local item (sent again
 * as an Add); a server change of a locally deleted item comes back.
 * SyncKey lost on the server (Status 3): start from "0"; items the server
 * returns are matched by ServerId, local items it no longer has are sent
 * again; nothing local is deleted.
 *
 * Errors: CONDUIT_EAS_ERROR (network, server), PSTSTORE_ERROR (store),
 * G_IO_ERROR (account).
 */
#pragma once

#include <glib.h>

#include "conduit/conduit-eas.h"
#include "pst/pststore.h"

G_BEGIN_DECLS

#define CONDUIT_RECONCILE_HIERARCHY_SLOT (-(G_GINT64_CONSTANT (1) << 40))

/* Called from the reconciling thread: what ("Notes"), items done and the
 * total when known (0 otherwise). */
typedef void (*ConduitReconcileProgress) (const char *what, guint done, guint total, gpointer user_data);

typedef struct {
	gboolean server_wins;		/* conflicts: the server's version only */
	guint window_size;		/* items per Sync; 0 = 100 */
	ConduitReconcileProgress progress;
	gpointer user_data;
} ConduitReconcileOptions;

typedef struct {
	guint server_added;		/* store → server */
	guint server_changed;
	guint server_deleted;
	guint local_added;		/* server → store */
	guint local_changed;
	guint local_deleted;
	guint conflicts;
	guint skipped;			/* server items that could not be read */
	guint round_trips;
	gboolean resync;		/* a SyncKey was reset (full resync) */
} ConduitReconcileStats;

/* The partner name of an account ("eas:<id>"; new string). */
char *conduit_reconcile_partner (const char *account_id);

/* One run with a connected client (conduit_eas_connect() done).  stats
 * (may be NULL) is filled as far as the run got, also on failure. */
gboolean conduit_reconcile_run (PststoreStore                 *store,
				ConduitEas                    *eas,
				const char                    *account_id,
				const ConduitReconcileOptions *options,
				ConduitReconcileStats         *stats,
				GError                       **error);

/* Everything for one account: loads it (account_id NULL: the first) and
 * its password from config_dir (NULL: the default), connects, opens the
 * store at store_path (NULL: the default) and runs.  The account's
 * conflicts=server-wins key turns options->server_wins on. */
gboolean conduit_reconcile_account (const char                    *store_path,
				    const char                    *config_dir,
				    const char                    *account_id,
				    const ConduitReconcileOptions *options,
				    ConduitReconcileStats         *stats,
				    GError                       **error);

/* The collections a previous run synced (EasPingFolder*), for a Ping; an
 * empty array before the first run. */
GPtrArray *conduit_reconcile_ping_folders (PststoreStore *store, const char *account_id, GError **error);

/* "server +1 ~0 -0 desktop +2 ~0 -1 conflicts 0" (new string). */
char *conduit_reconcile_summary (const ConduitReconcileStats *stats);

G_END_DECLS
