/* One HotSync over one transport: see conduit-session.h. */
#include "config.h"

#include <string.h>

#include "conduit/conduit-session.h"
#include "hotsync/hotsync-link.h"
#include "hotsync/hotsync-text.h"

#define READ_CHUNK 16384

typedef struct {
	ConduitTransport *t;
	const ConduitSessionConfig *config;
	HotsyncLink *link;
	HotsyncSession *session;
	ConduitSync *sync;
	PststoreStore *store;
	gboolean waiting;
	gboolean done;
	guint16 end_status;
	guint db;
	guint db_records;
	guint db_total;              /* records in the open database (ReadOpenDBInfo) */
	guint8 sent_cmd;
	guint32 new_user_id;
	ConduitSessionResult *result;
} Run;

void
conduit_session_result_clear (ConduitSessionResult *r)
{
	g_clear_pointer (&r->log_path, g_free);
	g_clear_pointer (&r->error, g_free);
	memset (r, 0, sizeof *r);
}

static gboolean
flush_output (Run *run, GError **error)
{
	GBytes *out;
	guint32 baud;

	while ((out = hotsync_link_pop_output (run->link)) != NULL) {
		gsize n;
		const guint8 *d = g_bytes_get_data (out, &n);
		gboolean ok = conduit_transport_write (run->t, d, n, error);

		g_bytes_unref (out);
		if (!ok)
			return FALSE;
	}
	baud = hotsync_link_take_baud_change (run->link);
	if (baud != 0) {
		run->result->baud = baud;
		return conduit_transport_set_baud (run->t, baud, error);
	}
	return TRUE;
}

static gboolean
on_plan (Run *run, GError **error)
{
	gboolean fast;
	gsize n;
	const char *const *names = conduit_sync_db_names (&n);

	HotsyncDlpUserInfo user = *hotsync_session_get_user_info (run->session);

	/* A handheld without a user id gets one in WriteUserInfo: its partner
	 * is named after that id from the start. */
	if (user.user_id == 0)
		user.user_id = run->new_user_id;
	if (run->config->device != NULL) {
		const char *raw = user.user_name != NULL ? user.user_name : "";
		g_autofree char *name = hotsync_text_to_utf8 ((const guint8 *) raw, strlen (raw));

		run->config->device (name, run->config->user_data);
	}
	if (!conduit_sync_plan (run->sync, &user, &fast, error))
		return FALSE;
	return hotsync_session_set_plan (run->session, fast, names, n, error);
}

static gboolean
on_changes (Run *run, guint db, GError **error)
{
	g_autoptr (GArray) changes = NULL;
	g_autoptr (GBytes) app_info = NULL;
	g_autofree char *summary = NULL;
	g_autoptr (GBytes) palm = NULL;

	if (!conduit_sync_changes (run->sync, db, &changes, &app_info, error) ||
	    !hotsync_session_set_changes (run->session, (const HotsyncSessionChange *) (gpointer) changes->data,
	                                  changes->len, app_info, error))
		return FALSE;
	summary = conduit_sync_summary (run->sync);
	palm = hotsync_text_from_utf8 (summary, -1, NULL, NULL);
	if (palm != NULL) {
		g_autofree char *text = g_strndup (g_bytes_get_data (palm, NULL), g_bytes_get_size (palm));

		hotsync_session_set_log (run->session, text);
	}
	return TRUE;
}

static void
report (Run *run, guint db, guint done)
{
	gsize n;
	const char *const *names = conduit_sync_db_names (&n);

	if (run->config->progress != NULL && db < n)
		run->config->progress (names[db], done, run->db_total, run->config->user_data);
}

/* Runs session events until it waits for an answer; FALSE on a store or
 * session error. */
static gboolean
step (Run *run, GError **error)
{
	HotsyncSessionEvent ev;

	while (!run->waiting && !run->done && hotsync_session_next (run->session, &ev)) {
		gboolean ok = TRUE;

		switch (ev.type) {
		case HOTSYNC_SESSION_EVENT_SEND:
			run->sent_cmd = g_bytes_get_size (ev.request) > 0 ?
			                *(const guint8 *) g_bytes_get_data (ev.request, NULL) : 0;
			ok = hotsync_link_send_request (run->link, ev.request, g_get_monotonic_time (), error);
			run->waiting = TRUE;
			break;
		case HOTSYNC_SESSION_EVENT_PLAN:
			ok = on_plan (run, error);
			break;
		case HOTSYNC_SESSION_EVENT_DATABASE:
			conduit_sync_database (run->sync, ev.db, ev.app_info);
			run->db = ev.db;
			run->db_records = 0;
			/* ReadOpenDBInfo came before this event: keep its count. */
			report (run, ev.db, 0);
			break;
		case HOTSYNC_SESSION_EVENT_RECORD:
			conduit_sync_record (run->sync, ev.db, &ev);
			report (run, ev.db, ++run->db_records);
			break;
		case HOTSYNC_SESSION_EVENT_CHANGES:
			ok = on_changes (run, ev.db, error);
			break;
		case HOTSYNC_SESSION_EVENT_WRITTEN:
			conduit_sync_written (run->sync, ev.db, ev.change, ev.rec_id);
			break;
		case HOTSYNC_SESSION_EVENT_DONE:
			run->done = TRUE;
			run->end_status = ev.end_status;
			break;
		default:
			break;
		}
		hotsync_session_event_clear (&ev);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static gboolean
take_response (Run *run, GError **error)
{
	g_autoptr (GBytes) resp = hotsync_link_pop_response (run->link);

	if (resp == NULL)
		return TRUE;
	run->waiting = FALSE;
	run->result->round_trips++;
	/* For progress: the record count the session reads on its own. */
	if (run->sent_cmd == HOTSYNC_DLP_CMD_READ_OPEN_DB_INFO) {
		g_autoptr (HotsyncDlpResponse) info = hotsync_dlp_response_decode (g_bytes_get_data (resp, NULL),
		                                                                   g_bytes_get_size (resp),
		                                                                   run->sent_cmd, NULL, NULL);

		run->db_total = info != NULL && info->error == 0 ? info->num_records : 0;
	}
	return hotsync_session_receive (run->session, g_bytes_get_data (resp, NULL), g_bytes_get_size (resp), error);
}

static int
wait_ms (Run *run)
{
	gint64 deadline = hotsync_link_get_deadline (run->link);
	int idle = run->config->idle_timeout_ms > 0 ? run->config->idle_timeout_ms : 30000;
	gint64 now, ms;

	if (deadline == G_MAXINT64)
		return idle;
	now = g_get_monotonic_time ();
	ms = deadline > now ? (deadline - now + 999) / 1000 : 0;
	return (int) MIN (ms, idle);
}

static gboolean
pump (Run *run, guint8 *buf, GError **error)
{
	int timeout = wait_ms (run);
	gint64 started = g_get_monotonic_time ();
	gssize n = conduit_transport_read (run->t, buf, READ_CHUNK, timeout, error);
	gint64 now = g_get_monotonic_time ();

	if (n < 0)
		return FALSE;
	if (n > 0 && !hotsync_link_feed (run->link, buf, (gsize) n, now, error))
		return FALSE;
	if (now >= hotsync_link_get_deadline (run->link) &&
	    !hotsync_link_handle_timeout (run->link, now, error))
		return FALSE;
	if (n == 0 && hotsync_link_get_deadline (run->link) == G_MAXINT64 &&
	    now - started >= (gint64) timeout * 1000) {
		g_set_error_literal (error, CONDUIT_TRANSPORT_ERROR, CONDUIT_TRANSPORT_ERROR_CLOSED,
		                     "the handheld went silent");
		return FALSE;
	}
	return take_response (run, error);
}

static gboolean
run_link (Run *run, guint8 *buf, GError **error)
{
	while (!run->done) {
		if (hotsync_link_is_ready (run->link) && !step (run, error))
			return FALSE;
		if (!flush_output (run, error))
			return FALSE;
		if (run->done)
			break;
		if (!pump (run, buf, error))
			return FALSE;
	}
	return flush_output (run, error);
}

static gboolean
open_link (Run *run, guint8 *buf, GError **error)
{
	int idle = run->config->idle_timeout_ms > 0 ? run->config->idle_timeout_ms : 30000;
	gboolean serial = run->t->serial;
	gssize n = 0;

	/* Framing from the first bytes (hotsync.md), except on a tty. */
	while (n == 0) {
		n = conduit_transport_read (run->t, buf, READ_CHUNK, idle, error);
		if (n < 0)
			return FALSE;
	}
	if (!run->t->serial)
		(void) conduit_detect_framing (buf, (gsize) n, &serial);
	run->result->serial = serial;
	run->link = hotsync_link_new (serial ? HOTSYNC_LINK_SERIAL : HOTSYNC_LINK_NETSYNC,
	                              run->config->max_baud != 0 ? run->config->max_baud : 115200);
	return hotsync_link_feed (run->link, buf, (gsize) n, g_get_monotonic_time (), error);
}

static void
finish (Run *run, const GError *failure)
{
	g_autoptr (GError) local = NULL;
	const GError *serr = hotsync_session_get_error (run->session);
	gboolean ok = failure == NULL && run->done && run->end_status == 0 && serr == NULL;
	ConduitSessionResult *r = run->result;

	if (!ok)
		r->error = g_strdup (failure != NULL ? failure->message : serr != NULL ? serr->message :
		                     "the session ended early");
	if (!conduit_sync_finish (run->sync, ok, r->error, &local)) {
		ok = FALSE;
		if (r->error == NULL)
			r->error = g_strdup (local->message);
	}
	r->ok = ok;
	r->stats = *conduit_sync_get_stats (run->sync);
	r->log_path = g_strdup (conduit_sync_get_log_path (run->sync));
}

gboolean
conduit_session_run (ConduitTransport *t, const ConduitSessionConfig *config, ConduitSessionResult *out_result,
                     GError **error)
{
	g_autofree guint8 *buf = g_malloc (READ_CHUNK);
	g_autoptr (GError) failure = NULL;
	g_autoptr (GDateTime) now = g_date_time_new_now_local ();
	HotsyncSessionConfig sc = { 0 };
	Run run = { 0 };

	memset (out_result, 0, sizeof *out_result);
	run.t = t;
	run.config = config;
	run.result = out_result;
	run.store = pststore_open (config->store_path, error);
	if (run.store == NULL)
		return FALSE;
	if (!open_link (&run, buf, error)) {
		pststore_close (run.store);
		hotsync_link_free (run.link);
		return FALSE;
	}
	sc.desktop_id = config->desktop_id;
	hotsync_dlp_date_from_date_time (now, &sc.now);
	run.new_user_id = (guint32) g_random_int_range (1, G_MAXINT32);
	sc.new_user_id = run.new_user_id;
	sc.new_user_name = "Airdock";
	run.session = hotsync_session_new (&sc);
	run.sync = conduit_sync_new (run.store, config->desktop_id, config->log_dir, config->force_slow);
	if (!run_link (&run, buf, &failure) && failure == NULL)
		g_set_error_literal (&failure, CONDUIT_SYNC_ERROR, CONDUIT_SYNC_ERROR_FAILED, "sync failed");
	finish (&run, failure);
	out_result->bytes_in = t->bytes_in;
	out_result->bytes_out = t->bytes_out;
	out_result->dropped_frames = hotsync_link_get_dropped (run.link);
	conduit_sync_free (run.sync);
	hotsync_session_free (run.session);
	hotsync_link_free (run.link);
	pststore_close (run.store);
	return TRUE;
}
