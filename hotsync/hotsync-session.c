/* The desktop's HotSync session: see hotsync-session.h. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-private.h"
#include "hotsync/hotsync-records.h"
#include "hotsync/hotsync-session.h"

G_DEFINE_QUARK (hotsync-session-error-quark, hotsync_session_error)

/* We report DLP 1.2 until ReadRecordEx/WriteRecordEx are supported
 * (protocols/hotsync.md). */
#define HOST_DLP_MAJOR 1
#define HOST_DLP_MINOR 2

typedef enum {
	ST_SYS_INFO,
	ST_USER_INFO,
	ST_WAIT_PLAN,
	ST_OPEN_CONDUIT,
	ST_OPEN_DB,
	ST_DB_INFO,
	ST_APP_BLOCK,
	ST_READ,
	ST_WAIT_CHANGES,
	ST_WRITE_APP_BLOCK,
	ST_APPLY,
	ST_CLEAN_UP,
	ST_RESET_FLAGS,
	ST_CLOSE_DB,
	ST_WRITE_USER,
	ST_LOG,
	ST_END,
	ST_DONE,
} State;

typedef struct {
	gboolean delete_record;
	guint32 rec_id;
	guint8 attr;
	guint8 category;
	GBytes *data;
} Change;

struct _HotsyncSession {
	HotsyncSessionConfig config;
	char *new_user_name;
	State state;
	gboolean waiting;        /* a SEND was handed out */
	guint8 sent_cmd;
	GQueue events;
	HotsyncDlpResponse *sys;
	HotsyncDlpResponse *user;
	gboolean fast;
	GPtrArray *dbs;
	guint db;
	gboolean db_open;
	guint8 handle;
	guint16 num_records;
	guint next_index;
	guint records_read;
	GArray *changes;
	guint next_change;
	GBytes *new_app_info;
	char *log;
	gboolean ending;         /* cancelled or failed: close, then EndOfSync */
	guint16 end_status;
	GError *error;
};

void
hotsync_session_event_clear (HotsyncSessionEvent *event)
{
	if (event == NULL)
		return;
	g_clear_pointer (&event->request, g_bytes_unref);
	g_clear_pointer (&event->app_info, g_bytes_unref);
	g_clear_pointer (&event->data, g_bytes_unref);
	memset (event, 0, sizeof *event);
}

static void
event_free (gpointer p)
{
	hotsync_session_event_clear (p);
	g_free (p);
}

static void
change_clear (gpointer p)
{
	Change *c = p;

	g_clear_pointer (&c->data, g_bytes_unref);
}

HotsyncSession *
hotsync_session_new (const HotsyncSessionConfig *config)
{
	HotsyncSession *s;

	g_return_val_if_fail (config != NULL && config->desktop_id != 0, NULL);
	s = g_new0 (HotsyncSession, 1);
	s->config = *config;
	s->new_user_name = g_strdup (config->new_user_name);
	s->config.new_user_name = s->new_user_name;
	g_queue_init (&s->events);
	s->dbs = g_ptr_array_new_with_free_func (g_free);
	s->changes = g_array_new (FALSE, TRUE, sizeof (Change));
	g_array_set_clear_func (s->changes, change_clear);
	s->state = ST_SYS_INFO;
	return s;
}

void
hotsync_session_free (HotsyncSession *s)
{
	if (s == NULL)
		return;
	g_free (s->new_user_name);
	g_queue_clear_full (&s->events, event_free);
	hotsync_dlp_response_free (s->sys);
	hotsync_dlp_response_free (s->user);
	g_ptr_array_unref (s->dbs);
	g_array_unref (s->changes);
	g_clear_pointer (&s->new_app_info, g_bytes_unref);
	g_free (s->log);
	g_clear_error (&s->error);
	g_free (s);
}

static HotsyncSessionEvent *
push_event (HotsyncSession *s, HotsyncSessionEventType type)
{
	HotsyncSessionEvent *ev = g_new0 (HotsyncSessionEvent, 1);

	ev->type = type;
	ev->db = s->db;
	g_queue_push_tail (&s->events, ev);
	return ev;
}

/* WriteAppBlock has no typed fields: handle, 0, length u16, data. */
static HotsyncDlpRequest *
write_app_block (HotsyncSession *s)
{
	HotsyncDlpRequest *req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_WRITE_APP_BLOCK);
	g_autoptr (GByteArray) a = g_byte_array_new ();
	gsize n = g_bytes_get_size (s->new_app_info);

	hotsync_append_u8 (a, s->handle);
	hotsync_append_u8 (a, 0);
	hotsync_append_u16 (a, (guint16) MIN (n, (gsize) G_MAXUINT16));
	g_byte_array_append (a, g_bytes_get_data (s->new_app_info, NULL), (guint) MIN (n, (gsize) G_MAXUINT16));
	req->raw = hotsync_dlp_message_new (HOTSYNC_DLP_CMD_WRITE_APP_BLOCK, FALSE);
	hotsync_dlp_message_add_arg (req->raw, 0x20, a->data, a->len);
	return req;
}

static HotsyncDlpRequest *
apply_request (HotsyncSession *s)
{
	const Change *c = &g_array_index (s->changes, Change, s->next_change);
	HotsyncDlpRequest *req;

	if (c->delete_record) {
		req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_DELETE_RECORD);
		req->handle = s->handle;
		req->rec_id = c->rec_id;
		return req;
	}
	req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_WRITE_RECORD);
	req->handle = s->handle;
	req->flags = 0x80;   /* as every desktop sends it */
	req->rec_id = c->rec_id;
	/* protocols/hotsync.md: records the desktop writes must not stay dirty. */
	req->attr = c->attr & (guint8) ~(HOTSYNC_RECORD_ATTR_DIRTY | HOTSYNC_RECORD_ATTR_DELETED | HOTSYNC_RECORD_ATTR_BUSY);
	req->category = c->category;
	req->data = g_bytes_ref (c->data);
	return req;
}

static HotsyncDlpRequest *
user_request (HotsyncSession *s)
{
	HotsyncDlpRequest *req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_WRITE_USER_INFO);

	req->user.user_id = s->user->user.user_id;
	req->user.viewer_id = s->user->user.viewer_id;
	req->user.last_sync_pc = s->config.desktop_id;
	req->user.last_sync_date = s->config.now;
	req->user.mod_flags = HOTSYNC_DLP_USER_MOD_SYNC_PC | HOTSYNC_DLP_USER_MOD_SYNC_DATE;
	if (s->user->user.user_id == 0 && s->config.new_user_id != 0) {
		req->user.user_id = s->config.new_user_id;
		req->user.user_name = g_strdup (s->new_user_name);
		req->user.mod_flags |= HOTSYNC_DLP_USER_MOD_USER_ID | HOTSYNC_DLP_USER_MOD_NAME;
	}
	return req;
}

/* A request whose only argument is the database handle. */
static HotsyncDlpRequest *
handle_request (HotsyncSession *s, guint8 cmd)
{
	HotsyncDlpRequest *req = hotsync_dlp_request_new (cmd);

	req->handle = s->handle;
	return req;
}

/* Requests about the open database. */
static HotsyncDlpRequest *
database_request (HotsyncSession *s)
{
	HotsyncDlpRequest *req;

	switch (s->state) {
	case ST_OPEN_DB:
		req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_OPEN_DB);
		req->flags = HOTSYNC_DLP_OPEN_READ | HOTSYNC_DLP_OPEN_WRITE | HOTSYNC_DLP_OPEN_SECRET;
		req->name = g_strdup (g_ptr_array_index (s->dbs, s->db));
		return req;
	case ST_APP_BLOCK:
		req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_READ_APP_BLOCK);
		req->max_len = 0xffff;
		break;
	case ST_READ:
		if (s->fast)
			return handle_request (s, HOTSYNC_DLP_CMD_READ_NEXT_MODIFIED_REC);
		req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_READ_RECORD);
		req->by_index = TRUE;
		req->index = (guint16) s->next_index;
		req->max_len = 0xffff;
		break;
	case ST_WRITE_APP_BLOCK:
		return write_app_block (s);
	case ST_APPLY:
		return apply_request (s);
	case ST_DB_INFO:
		return handle_request (s, HOTSYNC_DLP_CMD_READ_OPEN_DB_INFO);
	case ST_CLEAN_UP:
		return handle_request (s, HOTSYNC_DLP_CMD_CLEAN_UP_DATABASE);
	case ST_RESET_FLAGS:
		return handle_request (s, HOTSYNC_DLP_CMD_RESET_SYNC_FLAGS);
	case ST_CLOSE_DB:
	default:
		return handle_request (s, HOTSYNC_DLP_CMD_CLOSE_DB);
	}
	req->handle = s->handle;
	return req;
}

/* The request of a sending state; NULL for the others. */
static HotsyncDlpRequest *
request_for_state (HotsyncSession *s)
{
	HotsyncDlpRequest *req = NULL;

	switch (s->state) {
	case ST_SYS_INFO:
		req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_READ_SYS_INFO);
		req->host_major = HOST_DLP_MAJOR;
		req->host_minor = HOST_DLP_MINOR;
		return req;
	case ST_USER_INFO:
		return hotsync_dlp_request_new (HOTSYNC_DLP_CMD_READ_USER_INFO);
	case ST_OPEN_CONDUIT:
		return hotsync_dlp_request_new (HOTSYNC_DLP_CMD_OPEN_CONDUIT);
	case ST_WRITE_USER:
		return user_request (s);
	case ST_LOG:
		req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_ADD_SYNC_LOG_ENTRY);
		req->text = g_strdup (s->log);
		return req;
	case ST_END:
		req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_END_OF_SYNC);
		req->status = s->end_status;
		return req;
	case ST_WAIT_PLAN:
	case ST_WAIT_CHANGES:
	case ST_DONE:
		return NULL;
	default:
		return database_request (s);
	}
}

/* Queues what the new state needs: a request, or an event for the caller. */
static void
enter (HotsyncSession *s, State state)
{
	g_autoptr (HotsyncDlpRequest) req = NULL;

	s->state = state;
	if (state == ST_WAIT_PLAN) {
		push_event (s, HOTSYNC_SESSION_EVENT_PLAN);
		return;
	}
	if (state == ST_WAIT_CHANGES) {
		push_event (s, HOTSYNC_SESSION_EVENT_CHANGES);
		return;
	}
	if (state == ST_DONE) {
		push_event (s, HOTSYNC_SESSION_EVENT_DONE)->end_status = s->end_status;
		return;
	}
	req = request_for_state (s);
	g_assert (req != NULL);
	s->sent_cmd = req->cmd;
	s->waiting = TRUE;
	push_event (s, HOTSYNC_SESSION_EVENT_SEND)->request = hotsync_dlp_request_encode (req);
}

/* Stops syncing: close what is open, then EndOfSync with status. */
static void
end_early (HotsyncSession *s, guint16 status)
{
	s->ending = TRUE;
	s->end_status = status;
	enter (s, s->db_open ? ST_CLOSE_DB : ST_END);
}

static void
fail (HotsyncSession *s, guint16 dlp_error)
{
	if (s->error == NULL)
		g_set_error (&s->error, HOTSYNC_SESSION_ERROR, HOTSYNC_SESSION_ERROR_HANDHELD,
		             "%s failed on the handheld: %s (0x%02x)", hotsync_dlp_command_name (s->sent_cmd),
		             hotsync_dlp_status_name (dlp_error), dlp_error);
	end_early (s, HOTSYNC_DLP_END_OTHER);
}

static void
next_database (HotsyncSession *s)
{
	s->db_open = FALSE;
	s->db++;
	g_array_set_size (s->changes, 0);
	g_clear_pointer (&s->new_app_info, g_bytes_unref);
	if (s->db < s->dbs->len)
		enter (s, ST_OPEN_CONDUIT);
	else
		enter (s, ST_WRITE_USER);
}

static void
after_read (HotsyncSession *s, HotsyncDlpResponse *resp)
{
	HotsyncSessionEvent *ev;

	if (resp->error == HOTSYNC_DLP_STATUS_NOT_FOUND) {
		enter (s, ST_WAIT_CHANGES);
		return;
	}
	if (resp->error != HOTSYNC_DLP_STATUS_NONE) {
		fail (s, resp->error);
		return;
	}
	if (++s->records_read > HOTSYNC_SESSION_MAX_RECORDS) {
		g_set_error (&s->error, HOTSYNC_SESSION_ERROR, HOTSYNC_SESSION_ERROR_LIMIT,
		             "more than %d records in one database", HOTSYNC_SESSION_MAX_RECORDS);
		end_early (s, HOTSYNC_DLP_END_OTHER);
		return;
	}
	ev = push_event (s, HOTSYNC_SESSION_EVENT_RECORD);
	ev->rec_id = resp->rec_id;
	ev->index = resp->index;
	ev->attr = resp->attr;
	ev->category = resp->category;
	ev->data = g_steal_pointer (&resp->data);
	s->next_index++;
	if (!s->fast && s->next_index >= s->num_records)
		enter (s, ST_WAIT_CHANGES);
	else
		enter (s, ST_READ);
}

static void
after_apply (HotsyncSession *s, HotsyncDlpResponse *resp)
{
	const Change *c = &g_array_index (s->changes, Change, s->next_change);

	/* A record already gone is what a delete wanted. */
	if (resp->error != HOTSYNC_DLP_STATUS_NONE &&
	    !(c->delete_record && resp->error == HOTSYNC_DLP_STATUS_NOT_FOUND)) {
		fail (s, resp->error);
		return;
	}
	if (!c->delete_record) {
		HotsyncSessionEvent *ev = push_event (s, HOTSYNC_SESSION_EVENT_WRITTEN);

		ev->change = s->next_change;
		ev->rec_id = resp->rec_id;
	}
	if (++s->next_change < s->changes->len)
		enter (s, ST_APPLY);
	else
		enter (s, ST_CLEAN_UP);
}

/* Database steps between OpenDB and the reading of records. */
static void
after_open_steps (HotsyncSession *s, HotsyncDlpResponse *resp)
{
	switch (s->state) {
	case ST_OPEN_DB:
		if (resp->error == HOTSYNC_DLP_STATUS_NOT_FOUND) {
			next_database (s);   /* the handheld has no such database */
			return;
		}
		s->handle = resp->handle;
		s->db_open = TRUE;
		enter (s, ST_DB_INFO);
		return;
	case ST_DB_INFO:
		s->num_records = resp->num_records;
		enter (s, ST_APP_BLOCK);
		return;
	case ST_APP_BLOCK:
	default: {
		HotsyncSessionEvent *ev = push_event (s, HOTSYNC_SESSION_EVENT_DATABASE);

		ev->app_info = g_steal_pointer (&resp->data);
		s->next_index = 0;
		s->records_read = 0;
		if (!s->fast && s->num_records == 0)
			enter (s, ST_WAIT_CHANGES);
		else
			enter (s, ST_READ);
		return;
	}
	}
}

/* Cancelled or failed: close the database if one is open (a handle from
 * this very answer counts), then EndOfSync.  The outcome of the CloseDB
 * changes nothing. */
static void
handle_ending (HotsyncSession *s, const HotsyncDlpResponse *resp)
{
	if (s->state == ST_OPEN_DB && resp->error == HOTSYNC_DLP_STATUS_NONE) {
		s->handle = resp->handle;
		s->db_open = TRUE;
	}
	if (s->state == ST_CLOSE_DB)
		s->db_open = FALSE;
	enter (s, s->db_open ? ST_CLOSE_DB : ST_END);
}

static void
handle_response (HotsyncSession *s, HotsyncDlpResponse *taken)
{
	g_autoptr (HotsyncDlpResponse) resp = taken;
	gboolean tolerated = resp->error == HOTSYNC_DLP_STATUS_NOT_FOUND &&
	                     (s->state == ST_OPEN_DB || s->state == ST_APP_BLOCK || s->state == ST_READ ||
	                      s->state == ST_APPLY);

	if (s->state == ST_END) {
		enter (s, ST_DONE);
		return;
	}
	if (s->ending) {
		handle_ending (s, resp);
		return;
	}
	if (resp->error != HOTSYNC_DLP_STATUS_NONE && !tolerated) {
		fail (s, resp->error);
		return;
	}
	switch (s->state) {
	case ST_SYS_INFO:
		s->sys = g_steal_pointer (&resp);
		enter (s, ST_USER_INFO);
		break;
	case ST_USER_INFO:
		s->user = g_steal_pointer (&resp);
		enter (s, ST_WAIT_PLAN);
		break;
	case ST_OPEN_CONDUIT:
		enter (s, ST_OPEN_DB);
		break;
	case ST_OPEN_DB:
	case ST_DB_INFO:
	case ST_APP_BLOCK:
		after_open_steps (s, resp);
		break;
	case ST_READ:
		after_read (s, resp);
		break;
	case ST_WRITE_APP_BLOCK:
		enter (s, s->changes->len > 0 ? ST_APPLY : ST_CLEAN_UP);
		break;
	case ST_APPLY:
		after_apply (s, resp);
		break;
	case ST_CLEAN_UP:
		enter (s, ST_RESET_FLAGS);
		break;
	case ST_RESET_FLAGS:
		enter (s, ST_CLOSE_DB);
		break;
	case ST_CLOSE_DB:
		next_database (s);
		break;
	case ST_WRITE_USER:
		enter (s, s->log != NULL ? ST_LOG : ST_END);
		break;
	case ST_LOG:
	default:
		enter (s, ST_END);
		break;
	}
}

gboolean
hotsync_session_receive (HotsyncSession *s, const guint8 *data, gsize len, GError **error)
{
	HotsyncDlpResponse *resp;

	g_return_val_if_fail (s != NULL, FALSE);
	if (!s->waiting) {
		g_set_error (error, HOTSYNC_SESSION_ERROR, HOTSYNC_SESSION_ERROR_STATE,
		             "DLP answer while no request is outstanding");
		return FALSE;
	}
	resp = hotsync_dlp_response_decode (data, len, s->sent_cmd, NULL, error);
	if (resp == NULL)
		return FALSE;
	s->waiting = FALSE;
	handle_response (s, resp);   /* takes resp */
	return TRUE;
}

gboolean
hotsync_session_next (HotsyncSession *s, HotsyncSessionEvent *out_event)
{
	HotsyncSessionEvent *ev;

	g_return_val_if_fail (s != NULL && out_event != NULL, FALSE);
	if (s->state == ST_SYS_INFO && !s->waiting)
		enter (s, ST_SYS_INFO);
	ev = g_queue_pop_head (&s->events);
	if (ev == NULL)
		return FALSE;
	*out_event = *ev;
	g_free (ev);
	return TRUE;
}

const HotsyncDlpUserInfo *
hotsync_session_get_user_info (const HotsyncSession *s)
{
	return s->user != NULL ? &s->user->user : NULL;
}

const HotsyncDlpSysInfo *
hotsync_session_get_sys_info (const HotsyncSession *s)
{
	return s->sys != NULL ? &s->sys->sys : NULL;
}

static gboolean
check_state (HotsyncSession *s, State want, const char *what, GError **error)
{
	if (s->state != want || s->waiting) {
		g_set_error (error, HOTSYNC_SESSION_ERROR, HOTSYNC_SESSION_ERROR_STATE,
		             "%s called at the wrong step", what);
		return FALSE;
	}
	return TRUE;
}

gboolean
hotsync_session_set_plan (HotsyncSession     *s,
                          gboolean            fast,
                          const char * const *db_names,
                          gsize               n_dbs,
                          GError            **error)
{
	if (!check_state (s, ST_WAIT_PLAN, "set_plan", error))
		return FALSE;
	s->fast = fast;
	for (gsize i = 0; i < n_dbs; i++)
		g_ptr_array_add (s->dbs, g_strdup (db_names[i]));
	if (s->ending) {
		enter (s, ST_END);
		return TRUE;
	}
	s->db = 0;
	if (s->dbs->len > 0)
		enter (s, ST_OPEN_CONDUIT);
	else
		enter (s, ST_WRITE_USER);
	return TRUE;
}

gboolean
hotsync_session_set_changes (HotsyncSession             *s,
                             const HotsyncSessionChange *changes,
                             gsize                       n_changes,
                             GBytes                     *app_info,
                             GError                    **error)
{
	if (!check_state (s, ST_WAIT_CHANGES, "set_changes", error))
		return FALSE;
	g_array_set_size (s->changes, 0);
	for (gsize i = 0; i < n_changes; i++) {
		Change c = { changes[i].delete_record, changes[i].rec_id, changes[i].attr, changes[i].category,
		             changes[i].data != NULL ? g_bytes_ref (changes[i].data) : g_bytes_new (NULL, 0) };

		g_array_append_val (s->changes, c);
	}
	s->next_change = 0;
	g_clear_pointer (&s->new_app_info, g_bytes_unref);
	if (app_info != NULL)
		s->new_app_info = g_bytes_ref (app_info);
	if (s->ending)
		enter (s, ST_CLOSE_DB);
	else if (s->new_app_info != NULL)
		enter (s, ST_WRITE_APP_BLOCK);
	else if (s->changes->len > 0)
		enter (s, ST_APPLY);
	else
		enter (s, ST_CLEAN_UP);
	return TRUE;
}

void
hotsync_session_set_log (HotsyncSession *s, const char *text)
{
	g_free (s->log);
	s->log = g_strdup (text);
}

void
hotsync_session_cancel (HotsyncSession *s, guint16 status)
{
	if (s->ending || s->state == ST_DONE || s->state == ST_END)
		return;
	s->ending = TRUE;
	s->end_status = status;
	/* Waiting for the caller: act now.  Otherwise the answer in flight
	 * comes first (handle_response sees ->ending). */
	if (!s->waiting && (s->state == ST_WAIT_PLAN || s->state == ST_WAIT_CHANGES))
		enter (s, s->db_open ? ST_CLOSE_DB : ST_END);
}

const GError *
hotsync_session_get_error (const HotsyncSession *s)
{
	return s->error;
}
