/* tray-view: see tray-view.h. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "conduit/tray-view.h"

TrayStatus
tray_status_from_string (const char *state)
{
	if (g_strcmp0 (state, "idle") == 0)
		return TRAY_STATUS_IDLE;
	if (g_strcmp0 (state, "connected") == 0)
		return TRAY_STATUS_CONNECTED;
	if (g_strcmp0 (state, "syncing") == 0)
		return TRAY_STATUS_SYNCING;
	return TRAY_STATUS_ERROR;
}

const char *
tray_status_icon_name (TrayStatus status)
{
	switch (status) {
	case TRAY_STATUS_ABSENT:
		return "network-offline";
	case TRAY_STATUS_IDLE:
		return "network-idle";
	case TRAY_STATUS_CONNECTED:
		return "phone";
	case TRAY_STATUS_SYNCING:
		return "emblem-synchronizing";
	case TRAY_STATUS_ERROR:
	default:
		return "dialog-error";
	}
}

static int
percent (double progress)
{
	if (isnan (progress) || progress < 0.0)
		return 0;
	if (progress > 1.0)
		return 100;
	return (int) lround (progress * 100.0);
}

char *
tray_view_title (TrayStatus status,
                 double     progress)
{
	switch (status) {
	case TRAY_STATUS_ABSENT:
		/* Translators: window title; the conduit service is not on the bus */
		return g_strdup (_("Airdock — Conduit not running"));
	case TRAY_STATUS_IDLE:
		/* Translators: window title; waiting for a handheld */
		return g_strdup (_("Airdock — Idle"));
	case TRAY_STATUS_CONNECTED:
		/* Translators: window title; a handheld is in its cradle */
		return g_strdup (_("Airdock — Handheld connected"));
	case TRAY_STATUS_SYNCING:
		/* Translators: window title; %d is the percentage done, %% a percent sign */
		return g_strdup_printf (_("Airdock — Syncing %d%%"), percent (progress));
	case TRAY_STATUS_ERROR:
	default:
		/* Translators: window title; the last sync failed */
		return g_strdup (_("Airdock — Sync failed"));
	}
}

static gboolean
empty (const char *s)
{
	return s == NULL || *s == '\0';
}

char *
tray_view_status_line (TrayStatus  status,
                       const char *device,
                       const char *progress_text)
{
	switch (status) {
	case TRAY_STATUS_ABSENT:
		return g_strdup (_("The Airdock conduit is not running."));
	case TRAY_STATUS_IDLE:
		return g_strdup (_("Waiting for a handheld."));
	case TRAY_STATUS_CONNECTED:
		if (empty (device))
			return g_strdup (_("A handheld is connected."));
		/* Translators: %s is the handheld's user name */
		return g_strdup_printf (_("Handheld “%s” is connected."), device);
	case TRAY_STATUS_SYNCING:
		if (empty (progress_text))
			return g_strdup (_("Syncing…"));
		/* Translators: %s says what is being synced, e.g. "MemoDB 120/1000" */
		return g_strdup_printf (_("Syncing: %s"), progress_text);
	case TRAY_STATUS_ERROR:
	default:
		return g_strdup (_("The last sync failed."));
	}
}

char *
tray_view_last_sync (const char *last_result,
                     gint64      last_time)
{
	g_autoptr (GDateTime) utc = NULL;
	g_autoptr (GDateTime) local = NULL;
	g_autofree char *when = NULL;

	if (last_time <= 0)
		return g_strdup (_("No sync yet."));
	utc = g_date_time_new_from_unix_utc (last_time);
	if (utc == NULL)
		return g_strdup (_("No sync yet."));
	local = g_date_time_to_local (utc);
	/* Translators: strftime-style format of the last sync's time, see
	 * g_date_time_format(); keep it short */
	when = g_date_time_format (local, _("%Y-%m-%d %H:%M"));
	if (empty (last_result))
		/* Translators: %s is the date and time */
		return g_strdup_printf (_("Last sync: %s"), when);
	/* Translators: first %s is the date and time, second the summary,
	 * e.g. "12 memos, 3 todos" */
	return g_strdup_printf (_("Last sync: %s — %s"), when, last_result);
}

char *
tray_view_finished_title (gboolean success)
{
	return g_strdup (success ? _("Sync finished") : _("Sync failed"));
}

char *
tray_view_conflicts_body (guint conflicts)
{
	/* Translators: a conflict is a record changed on both sides; Airdock
	 * keeps both versions */
	return g_strdup_printf (ngettext ("%u conflict: both versions were kept.",
	                                  "%u conflicts: both versions were kept.",
	                                  conflicts),
	                        conflicts);
}
