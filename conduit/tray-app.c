/* tray-app: see tray-app.h. */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <gdk/gdkx.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <libayatana-appindicator/app-indicator.h>

#include "conduit/tray-app.h"
#include "conduit/tray-conduit1.h"
#include "conduit/tray-view.h"

#define CONDUIT_NAME "org.airdock.Conduit1"
#define CONDUIT_PATH "/org/airdock/Conduit1"
/* The StatusNotifierItem watcher: without it no tray can show an indicator. */
#define SNI_WATCHER_NAME "org.kde.StatusNotifierWatcher"

struct _TrayApp {
	GtkApplication *app;
	gboolean print_state;
	guint conduit_watch;
	guint sni_watch;
	GCancellable *cancel;
	TrayConduit1 *proxy;
	gboolean indicator_active;
	AppIndicator *indicator;
	char *last_printed;
	gboolean paint_hooked;

	GtkWidget *window;
	GtkWidget *header;
	GtkWidget *image;
	GtkWidget *status_label;
	GtkWidget *last_label;
	GtkWidget *progress;
	GtkWidget *buttons;

	GtkWidget *menu;
	GtkWidget *menu_status;
	GtkWidget *menu_last;
};

static TrayStatus
current_status (TrayApp *self)
{
	g_autofree char *owner = NULL;

	if (self->proxy == NULL)
		return TRAY_STATUS_ABSENT;
	owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (self->proxy));
	if (owner == NULL)
		return TRAY_STATUS_ABSENT;
	return tray_status_from_string (tray_conduit1_get_state (self->proxy));
}

/* The actions of the window's sensitive buttons, "sync-now,full-sync", or
 * "none". */
static char *
enabled_buttons (TrayApp *self)
{
	g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (self->buttons));
	g_autoptr (GString) out = g_string_new (NULL);

	for (GList *l = children; l != NULL; l = l->next) {
		const char *action = gtk_actionable_get_action_name (l->data);

		if (!gtk_widget_is_sensitive (l->data) || action == NULL)
			continue;
		if (out->len > 0)
			g_string_append_c (out, ',');
		g_string_append (out, g_str_has_prefix (action, "app.") ? action + 4 : action);
	}
	if (out->len == 0)
		g_string_append (out, "none");
	return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
print_state (TrayApp *self)
{
	g_autofree char *line = NULL;
	g_autofree char *progress = NULL;
	g_autofree char *enabled = NULL;
	const char *icon = NULL;

	if (gtk_widget_get_visible (self->progress))
		progress = g_strdup_printf ("%.2f", gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (self->progress)));
	else
		progress = g_strdup ("-");
	gtk_image_get_icon_name (GTK_IMAGE (self->image), &icon, NULL);
	enabled = enabled_buttons (self);
	line = g_strdup_printf ("STATE\t%s\t%s\t%s\t%s\t%s\t%s\n",
	                        gtk_window_get_title (GTK_WINDOW (self->window)),
	                        gtk_label_get_text (GTK_LABEL (self->status_label)),
	                        gtk_label_get_text (GTK_LABEL (self->last_label)),
	                        progress, icon != NULL ? icon : "", enabled);
	if (g_strcmp0 (line, self->last_printed) == 0)
		return;
	/* Once the X server has drawn what the line says (see on_after_paint). */
	gdk_display_sync (gtk_widget_get_display (self->window));
	fputs (line, stdout);
	fflush (stdout);
	g_free (self->last_printed);
	self->last_printed = g_steal_pointer (&line);
}

/* --print-state reports a state once it is painted, so that a screenshot
 * taken after the line shows it; a hidden window reports at once. */
static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
	print_state (user_data);
}

static void
print_state_when_shown (TrayApp *self)
{
	if (!self->print_state)
		return;
	if (gtk_widget_get_mapped (self->window))
		gtk_widget_queue_draw (self->window);
	else
		print_state (self);
}

static void
set_action_enabled (TrayApp    *self,
                    const char *name,
                    gboolean    enabled)
{
	GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->app), name);

	g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
refresh_indicator (TrayApp    *self,
                   const char *icon,
                   const char *title,
                   const char *status_line,
                   const char *last,
                   int         percent)
{
	g_autofree char *label = NULL;

	gtk_menu_item_set_label (GTK_MENU_ITEM (self->menu_status), status_line);
	gtk_menu_item_set_label (GTK_MENU_ITEM (self->menu_last), last);
	if (self->indicator == NULL)
		return;
	app_indicator_set_icon_full (self->indicator, icon, title);
	app_indicator_set_title (self->indicator, title);
	if (percent >= 0)
		label = g_strdup_printf ("%d%%", percent);
	app_indicator_set_label (self->indicator, label != NULL ? label : "", "100%");
}

static void
refresh (TrayApp *self)
{
	TrayStatus status = current_status (self);
	gboolean present = status != TRAY_STATUS_ABSENT;
	double progress = present ? tray_conduit1_get_progress (self->proxy) : 0.0;
	const char *log_path = present ? tray_conduit1_get_last_log_path (self->proxy) : NULL;
	const char *icon = tray_status_icon_name (status);
	g_autofree char *title = tray_view_title (status, progress);
	g_autofree char *status_line = NULL;
	g_autofree char *last = NULL;
	gboolean syncing = status == TRAY_STATUS_SYNCING;

	status_line = tray_view_status_line (status,
	                                     present ? tray_conduit1_get_device (self->proxy) : NULL,
	                                     present ? tray_conduit1_get_progress_text (self->proxy) : NULL);
	last = tray_view_last_sync (present ? tray_conduit1_get_last_result (self->proxy) : NULL,
	                            present ? tray_conduit1_get_last_sync_time (self->proxy) : 0);
	progress = CLAMP (progress, 0.0, 1.0);

	gtk_window_set_title (GTK_WINDOW (self->window), title);
	gtk_header_bar_set_title (GTK_HEADER_BAR (self->header), title);
	gtk_window_set_icon_name (GTK_WINDOW (self->window), icon);
	gtk_image_set_from_icon_name (GTK_IMAGE (self->image), icon, GTK_ICON_SIZE_DIALOG);
	gtk_label_set_text (GTK_LABEL (self->status_label), status_line);
	gtk_label_set_text (GTK_LABEL (self->last_label), last);
	gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), syncing ? progress : 0.0);
	gtk_widget_set_visible (self->progress, syncing);

	set_action_enabled (self, "sync-now", present && !syncing);
	set_action_enabled (self, "full-sync", present && !syncing);
	set_action_enabled (self, "open-log", log_path != NULL && *log_path != '\0');
	refresh_indicator (self, icon, title, status_line, last, syncing ? (int) (progress * 100.0 + 0.5) : -1);
	print_state_when_shown (self);
}

static void
send_notification (TrayApp    *self,
                   const char *id,
                   const char *title,
                   const char *body,
                   gboolean    urgent)
{
	g_autoptr (GNotification) n = g_notification_new (title);

	if (body != NULL && *body != '\0')
		g_notification_set_body (n, body);
	g_notification_set_priority (n, urgent ? G_NOTIFICATION_PRIORITY_HIGH : G_NOTIFICATION_PRIORITY_NORMAL);
	g_notification_set_default_action (n, "app.open-log");
	g_application_send_notification (G_APPLICATION (self->app), id, n);
}

static void
on_sync_finished (TrayConduit1 *proxy,
                  gboolean      success,
                  const char   *summary,
                  guint         conflicts,
                  gpointer      user_data)
{
	TrayApp *self = user_data;
	g_autofree char *title = tray_view_finished_title (success);

	send_notification (self, "sync-finished", title, summary, !success);
	if (conflicts > 0) {
		g_autofree char *body = tray_view_conflicts_body (conflicts);

		send_notification (self, "sync-conflicts", _ ("Sync conflicts"), body, TRUE);
	}
	refresh (self);
}

static void
on_properties_changed (GDBusProxy *proxy,
                       GVariant   *changed,
                       GStrv       invalidated,
                       gpointer    user_data)
{
	refresh (user_data);
}

static void
drop_proxy (TrayApp *self)
{
	g_cancellable_cancel (self->cancel);
	g_clear_object (&self->cancel);
	if (self->proxy != NULL)
		g_signal_handlers_disconnect_by_data (self->proxy, self);
	g_clear_object (&self->proxy);
}

static void
on_proxy_ready (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
	TrayApp *self = user_data;
	g_autoptr (GError) error = NULL;
	TrayConduit1 *proxy = tray_conduit1_proxy_new_for_bus_finish (result, &error);

	if (proxy == NULL) {
		if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			g_message ("Cannot talk to %s: %s", CONDUIT_NAME, error->message);
		return;
	}
	self->proxy = proxy;
	g_signal_connect (proxy, "g-properties-changed", G_CALLBACK (on_properties_changed), self);
	g_signal_connect (proxy, "sync-finished", G_CALLBACK (on_sync_finished), self);
	refresh (self);
}

static void
on_conduit_appeared (GDBusConnection *connection,
                     const char      *name,
                     const char      *owner,
                     gpointer         user_data)
{
	TrayApp *self = user_data;

	drop_proxy (self);
	self->cancel = g_cancellable_new ();
	tray_conduit1_proxy_new (connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
	                         CONDUIT_NAME, CONDUIT_PATH, self->cancel, on_proxy_ready, self);
}

static void
on_conduit_vanished (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
	TrayApp *self = user_data;

	drop_proxy (self);
	refresh (self);
}

static void
on_call_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);

	if (reply == NULL)
		g_message ("%s failed: %s", (const char *) user_data, error->message);
}

static void
on_sync_now (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
	TrayApp *self = user_data;

	if (self->proxy != NULL)
		tray_conduit1_call_sync_now (self->proxy, NULL, on_call_done, (gpointer) "SyncNow");
}

static void
on_full_sync (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
	TrayApp *self = user_data;

	if (self->proxy != NULL)
		tray_conduit1_call_full_sync (self->proxy, NULL, on_call_done, (gpointer) "FullSync");
}

static void
on_open_log (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
	TrayApp *self = user_data;
	const char *path = self->proxy != NULL ? tray_conduit1_get_last_log_path (self->proxy) : NULL;
	g_autoptr (GFile) file = NULL;
	g_autofree char *uri = NULL;
	g_autoptr (GError) error = NULL;

	if (path == NULL || *path == '\0')
		return;
	file = g_file_new_for_path (path);
	uri = g_file_get_uri (file);
	if (!gtk_show_uri_on_window (GTK_WINDOW (self->window), uri, GDK_CURRENT_TIME, &error))
		g_message ("Cannot open the sync log: %s", error->message);
}

static void
on_show_window (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
	TrayApp *self = user_data;

	gtk_window_present (GTK_WINDOW (self->window));
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
	TrayApp *self = user_data;

	g_application_quit (G_APPLICATION (self->app));
}

static const GActionEntry actions[] = {
	{ .name = "sync-now", .activate = on_sync_now },
	{ .name = "full-sync", .activate = on_full_sync },
	{ .name = "open-log", .activate = on_open_log },
	{ .name = "show-window", .activate = on_show_window },
	{ .name = "quit", .activate = on_quit },
};

static GtkWidget *
action_button (const char *mnemonic,
               const char *action)
{
	GtkWidget *button = gtk_button_new_with_mnemonic (mnemonic);

	gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
	return button;
}

static GtkWidget *
new_label (void)
{
	GtkWidget *label = gtk_label_new (NULL);

	gtk_label_set_xalign (GTK_LABEL (label), 0.0);
	gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
	gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
	return label;
}

static gboolean
on_map_event (GtkWidget *widget,
              GdkEvent  *event,
              gpointer   user_data)
{
	TrayApp *self = user_data;
	GdkWindow *w = gtk_widget_get_window (widget);

	if (self->print_state && GDK_IS_X11_WINDOW (w)) {
		printf ("XID\t0x%lx\n", (unsigned long) gdk_x11_window_get_xid (w));
		fflush (stdout);
		if (!self->paint_hooked)
			g_signal_connect (gdk_window_get_frame_clock (w), "after-paint", G_CALLBACK (on_after_paint), self);
		self->paint_hooked = TRUE;
	}
	return GDK_EVENT_PROPAGATE;
}

/* While an indicator shows the state, closing the window only hides it;
 * without one, closing it ends the program. */
static gboolean
on_delete_event (GtkWidget *widget,
                 GdkEvent  *event,
                 gpointer   user_data)
{
	TrayApp *self = user_data;

	if (self->indicator_active)
		gtk_widget_hide (widget);
	else
		g_application_quit (G_APPLICATION (self->app));
	return GDK_EVENT_STOP;
}

static void
build_window (TrayApp *self)
{
	GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
	GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
	GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
	GtkWidget *buttons = gtk_button_box_new (GTK_ORIENTATION_HORIZONTAL);

	self->buttons = buttons;

	self->window = gtk_application_window_new (self->app);
	gtk_window_set_default_size (GTK_WINDOW (self->window), 420, -1);
	/* The title bar is drawn by GTK, so the state shows even where no
	 * window manager draws titles. */
	self->header = gtk_header_bar_new ();
	gtk_header_bar_set_show_close_button (GTK_HEADER_BAR (self->header), TRUE);
	gtk_window_set_titlebar (GTK_WINDOW (self->window), self->header);
	gtk_widget_show (self->header);
	gtk_container_set_border_width (GTK_CONTAINER (box), 12);
	g_signal_connect (self->window, "map-event", G_CALLBACK (on_map_event), self);
	g_signal_connect (self->window, "delete-event", G_CALLBACK (on_delete_event), self);

	self->image = gtk_image_new ();
	self->status_label = new_label ();
	self->last_label = new_label ();
	self->progress = gtk_progress_bar_new ();
	gtk_widget_set_no_show_all (self->progress, TRUE);

	gtk_box_pack_start (GTK_BOX (texts), self->status_label, FALSE, FALSE, 0);
	gtk_box_pack_start (GTK_BOX (texts), self->last_label, FALSE, FALSE, 0);
	gtk_box_pack_start (GTK_BOX (top), self->image, FALSE, FALSE, 0);
	gtk_box_pack_start (GTK_BOX (top), texts, TRUE, TRUE, 0);
	gtk_button_box_set_layout (GTK_BUTTON_BOX (buttons), GTK_BUTTONBOX_END);
	gtk_box_set_spacing (GTK_BOX (buttons), 6);
	gtk_container_add (GTK_CONTAINER (buttons), action_button (_ ("_Sync now"), "app.sync-now"));
	gtk_container_add (GTK_CONTAINER (buttons), action_button (_ ("_Full sync"), "app.full-sync"));
	gtk_container_add (GTK_CONTAINER (buttons), action_button (_ ("Open sync _log"), "app.open-log"));
	gtk_box_pack_start (GTK_BOX (box), top, FALSE, FALSE, 0);
	gtk_box_pack_start (GTK_BOX (box), self->progress, FALSE, FALSE, 0);
	gtk_box_pack_end (GTK_BOX (box), buttons, FALSE, FALSE, 0);
	gtk_container_add (GTK_CONTAINER (self->window), box);
	gtk_widget_show_all (box);
}

static GtkWidget *
menu_append (GtkWidget  *menu,
             const char *label,
             const char *action)
{
	GtkWidget *item = gtk_menu_item_new_with_mnemonic (label);

	if (action != NULL)
		gtk_actionable_set_action_name (GTK_ACTIONABLE (item), action);
	else
		gtk_widget_set_sensitive (item, FALSE);
	gtk_menu_shell_append (GTK_MENU_SHELL (menu), item);
	return item;
}

static void
build_menu (TrayApp *self)
{
	self->menu = g_object_ref_sink (gtk_menu_new ());
	self->menu_status = menu_append (self->menu, "", NULL);
	self->menu_last = menu_append (self->menu, "", NULL);
	gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), gtk_separator_menu_item_new ());
	menu_append (self->menu, _ ("_Sync now"), "app.sync-now");
	menu_append (self->menu, _ ("_Full sync"), "app.full-sync");
	menu_append (self->menu, _ ("Open sync _log"), "app.open-log");
	gtk_menu_shell_append (GTK_MENU_SHELL (self->menu), gtk_separator_menu_item_new ());
	menu_append (self->menu, _ ("Show _window"), "app.show-window");
	menu_append (self->menu, _ ("_Quit"), "app.quit");
	gtk_widget_show_all (self->menu);
}

/* A StatusNotifier host is on the bus: the indicator shows the state and the
 * window hides until asked for. */
static void
on_sni_appeared (GDBusConnection *connection,
                 const char      *name,
                 const char      *owner,
                 gpointer         user_data)
{
	TrayApp *self = user_data;

	if (self->indicator == NULL) {
		self->indicator = app_indicator_new ("airdock-tray", tray_status_icon_name (TRAY_STATUS_ABSENT),
		                                     APP_INDICATOR_CATEGORY_APPLICATION_STATUS);
		app_indicator_set_menu (self->indicator, GTK_MENU (self->menu));
	}
	app_indicator_set_status (self->indicator, APP_INDICATOR_STATUS_ACTIVE);
	self->indicator_active = TRUE;
	gtk_widget_hide (self->window);
	refresh (self);
}

static void
on_sni_vanished (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
	TrayApp *self = user_data;

	if (self->indicator != NULL)
		app_indicator_set_status (self->indicator, APP_INDICATOR_STATUS_PASSIVE);
	if (self->indicator_active)
		gtk_window_present (GTK_WINDOW (self->window));
	self->indicator_active = FALSE;
}

static gboolean
on_sigterm (gpointer user_data)
{
	TrayApp *self = user_data;

	g_application_quit (G_APPLICATION (self->app));
	return G_SOURCE_CONTINUE;
}

static void
on_startup (GApplication *app,
            gpointer      user_data)
{
	TrayApp *self = user_data;

	g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), self);
	build_window (self);
	build_menu (self);
	refresh (self);
	g_unix_signal_add (SIGTERM, on_sigterm, self);
	g_unix_signal_add (SIGINT, on_sigterm, self);
	self->conduit_watch = g_bus_watch_name (G_BUS_TYPE_SESSION, CONDUIT_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
	                                        on_conduit_appeared, on_conduit_vanished, self, NULL);
	self->sni_watch = g_bus_watch_name (G_BUS_TYPE_SESSION, SNI_WATCHER_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
	                                    on_sni_appeared, on_sni_vanished, self, NULL);
}

static void
on_activate (GApplication *app,
             gpointer      user_data)
{
	TrayApp *self = user_data;

	if (!self->indicator_active)
		gtk_window_present (GTK_WINDOW (self->window));
}

static void
on_shutdown (GApplication *app,
             gpointer      user_data)
{
	TrayApp *self = user_data;

	g_clear_handle_id (&self->conduit_watch, g_bus_unwatch_name);
	g_clear_handle_id (&self->sni_watch, g_bus_unwatch_name);
	drop_proxy (self);
	g_clear_object (&self->indicator);
	if (self->menu != NULL)
		gtk_widget_destroy (self->menu);
	g_clear_object (&self->menu);
}

static int
on_handle_local_options (GApplication *app,
                         GVariantDict *options,
                         gpointer      user_data)
{
	TrayApp *self = user_data;

	self->print_state = g_variant_dict_contains (options, "print-state");
	return -1;
}

TrayApp *
tray_app_new (void)
{
	TrayApp *self = g_new0 (TrayApp, 1);
	const GOptionEntry entries[] = {
		{ "print-state", 0, 0, G_OPTION_ARG_NONE, NULL,
		  N_ ("Print each change of the displayed state to standard output"), NULL },
		{ NULL },
	};

	self->app = gtk_application_new ("org.airdock.Tray", G_APPLICATION_DEFAULT_FLAGS);
	g_application_add_main_option_entries (G_APPLICATION (self->app), entries);
	g_application_set_option_context_summary (G_APPLICATION (self->app),
	                                          _ ("Shows the state of the Airdock conduit and starts syncs."));
	g_signal_connect (self->app, "handle-local-options", G_CALLBACK (on_handle_local_options), self);
	g_signal_connect (self->app, "startup", G_CALLBACK (on_startup), self);
	g_signal_connect (self->app, "activate", G_CALLBACK (on_activate), self);
	g_signal_connect (self->app, "shutdown", G_CALLBACK (on_shutdown), self);
	return self;
}

int
tray_app_run (TrayApp *self,
              int      argc,
              char   **argv)
{
	g_return_val_if_fail (self != NULL, 1);
	return g_application_run (G_APPLICATION (self->app), argc, argv);
}

void
tray_app_free (TrayApp *self)
{
	if (self == NULL)
		return;
	g_clear_object (&self->app);
	g_free (self->last_printed);
	g_free (self);
}
