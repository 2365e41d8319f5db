/* tray-view: what airdock-tray shows for a given conduit state.
 *
 * Pure functions, no GTK and no D-Bus: they turn the properties of
 * org.airdock.Conduit1 (see conduit/org.airdock.Conduit1.xml) into the
 * translated strings and icon names the window and the indicator display.
 * Every returned string is newly allocated (free with g_free()) unless the
 * function returns `const char *`, which is static. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	TRAY_STATUS_ABSENT,     /* org.airdock.Conduit1 has no owner */
	TRAY_STATUS_IDLE,       /* waiting for a handheld */
	TRAY_STATUS_CONNECTED,  /* a handheld is on a link, not yet syncing */
	TRAY_STATUS_SYNCING,
	TRAY_STATUS_ERROR,      /* the last sync failed */
} TrayStatus;

/* Maps the conduit's State property; an unknown or NULL value is
 * TRAY_STATUS_ERROR so that a newer conduit never looks healthy by mistake. */
TrayStatus   tray_status_from_string   (const char *state);

/* Icon name (freedesktop naming) for the status; static. */
const char  *tray_status_icon_name     (TrayStatus status);

/* Window title, e.g. "Airdock — Syncing 40%"; progress (0.0 … 1.0, clamped)
 * is used only for TRAY_STATUS_SYNCING. */
char        *tray_view_title           (TrayStatus  status,
                                        double      progress);

/* One line under the title: what is happening now.  device and
 * progress_text may be NULL or empty. */
char        *tray_view_status_line     (TrayStatus  status,
                                        const char *device,
                                        const char *progress_text);

/* The last sync's summary and time, or "No sync yet" when last_time is 0.
 * last_time is seconds since the epoch (UTC); it is shown in local time. */
char        *tray_view_last_sync       (const char *last_result,
                                        gint64      last_time);

/* Notification texts for SyncFinished. */
char        *tray_view_finished_title  (gboolean    success);
char        *tray_view_conflicts_body  (guint       conflicts);

G_END_DECLS
