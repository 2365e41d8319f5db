/* The conduit's D-Bus interface for the tray: object /org/airdock/Conduit1,
 * interface org.airdock.Conduit1, bus name org.airdock.Conduit1.
 *   properties  State s ("waiting", "syncing"), Database s, Done u
 *               (records read so far in Database), Total u (records Database
 *               holds), LastResult s (the
 *               conduit's "sync …" line of the last sync), FullSyncPending b
 *   methods     FullSync () — the next HotSync of any handheld is a slow
 *               (full) sync; SyncNow () — HotSync is started on the
 *               handheld, so this clears a pending full sync and makes the
 *               next one a normal sync
 * Updates may come from any thread; they are applied in the main context. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _ConduitDbus ConduitDbus;

/* Owns the name on the bus; NULL with error when the bus is not reachable. */
ConduitDbus *conduit_dbus_new (GBusType bus, GError **error);
void conduit_dbus_free (ConduitDbus *d);

/* Thread-safe. */
void conduit_dbus_set_syncing (ConduitDbus *d, gboolean syncing);
void conduit_dbus_set_progress (ConduitDbus *d, const char *db, guint done, guint total);
void conduit_dbus_set_result (ConduitDbus *d, const char *line);
/* TRUE once after FullSync was called (and SyncNow not since). Thread-safe. */
gboolean conduit_dbus_take_full_sync (ConduitDbus *d);

G_END_DECLS
