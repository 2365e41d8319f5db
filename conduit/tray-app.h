/* tray-app: airdock-tray's application — a GtkApplication that follows the
 * conduit's org.airdock.Conduit1 object on the session bus and shows it in a
 * StatusNotifier indicator (libayatana-appindicator3) when a host is on the
 * bus, else in a small window.
 *
 * With --print-state the displayed state is written to stdout, one line per
 * change, read back from the widgets themselves (for tests and debugging):
 *   XID<TAB>0x<window id>                      once the window is mapped
 *   STATE<TAB>title<TAB>status<TAB>last<TAB>progress<TAB>icon<TAB>buttons
 * where progress is "-" while the progress bar is hidden and buttons lists
 * the sensitive buttons' actions ("sync-now,full-sync,open-log") or "none".
 * A STATE line comes once the window has painted it (or at once while the
 * window is hidden). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _TrayApp TrayApp;

/* A new application with id org.airdock.Tray; never NULL. */
TrayApp *tray_app_new     (void);
void     tray_app_free    (TrayApp *self);
/* Runs the application (g_application_run); returns the exit status. */
int      tray_app_run     (TrayApp *self,
                           int      argc,
                           char   **argv);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TrayApp, tray_app_free)

G_END_DECLS
