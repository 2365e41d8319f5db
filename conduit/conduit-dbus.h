/* The conduit's side of org.airdock.Conduit1 (conduit/org.airdock.Conduit1.xml,
 * the contract with airdock-tray): well-known name org.airdock.Conduit1,
 * object /org/airdock/Conduit1; State, Progress, ProgressText, Device,
 * LastResult, LastSyncTime, LastLogPath; SyncNow, FullSync; SyncFinished.
 * HotSync is started on the handheld: FullSync makes the next handheld
 * sync a slow sync, SyncNow asks for a normal one (it clears a pending
 * FullSync).  Updates may come from any thread; signals are emitted from
 * the main context. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _ConduitDbus ConduitDbus;

/* Owns the name on the bus; NULL with error when the bus is not reachable. */
ConduitDbus *conduit_dbus_new (GBusType bus, GError **error);
void conduit_dbus_free (ConduitDbus *d);
/* Writes out queued signals (before the process exits). */
void conduit_dbus_flush (ConduitDbus *d);

/* Thread-safe. */
void conduit_dbus_set_connected (ConduitDbus *d);
void conduit_dbus_set_device (ConduitDbus *d, const char *user_name);
void conduit_dbus_set_progress (ConduitDbus *d, const char *db, guint done, guint total);
void conduit_dbus_finish (ConduitDbus *d, gboolean ok, const char *summary, guint conflicts, const char *log_path);
/* Progress of a server sync ("Server: Notes 3/10"); fraction 0–1 or
 * negative when unknown.  Sets State "syncing" and always notifies. */
void conduit_dbus_set_progress_text (ConduitDbus *d, const char *text, double fraction);
/* Called in the main context after SyncNow or FullSync was answered
 * (full: which one); the conduit starts a server sync from it. */
void conduit_dbus_set_sync_func (ConduitDbus *d, void (*func) (gboolean full, gpointer user_data),
                                 gpointer user_data);
/* TRUE once after FullSync was called (and SyncNow not since). */
gboolean conduit_dbus_take_full_sync (ConduitDbus *d);

G_END_DECLS
