/* The simulated handheld's DLP server: see handheld-dlp.h. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-dlp.h"
#include "hotsync/hotsync-records.h"
#include "hotsync/hotsync-text.h"
#include "tests/handheld/handheld-dlp.h"

static void
put_record (HotsyncDlpResponse *resp, HandheldRecord *r, guint index)
{
	resp->rec_id = r->id;
	resp->index = (guint16) index;
	resp->attr = r->attr;
	resp->category = r->category;
	resp->data = g_bytes_ref (r->data);
}

static HandheldRecord *
find_record (HandheldDb *db, guint32 id, guint *out_index)
{
	for (guint i = 0; i < db->records->len; i++) {
		HandheldRecord *r = g_ptr_array_index (db->records, i);

		if (r->id == id) {
			*out_index = i;
			return r;
		}
	}
	return NULL;
}

static void
date_from_unix (gint64 t, HotsyncDlpDate *out)
{
	g_autoptr (GDateTime) dt = t > 0 ? g_date_time_new_from_unix_local (t) : NULL;

	memset (out, 0, sizeof *out);
	if (dt != NULL)
		hotsync_dlp_date_from_date_time (dt, out);
}

static void
read_user_info (HandheldDlp *dlp, HotsyncDlpResponse *resp)
{
	HandheldState *s = dlp->state;
	g_autoptr (GBytes) name = hotsync_text_from_utf8 (s->user_name, -1, NULL, NULL);

	resp->user.user_id = s->user_id;
	resp->user.last_sync_pc = s->last_sync_pc;
	date_from_unix (s->last_sync_time, &resp->user.last_sync_date);
	date_from_unix (s->successful_sync_time, &resp->user.successful_sync_date);
	if (name != NULL)
		resp->user.user_name = g_strndup (g_bytes_get_data (name, NULL), g_bytes_get_size (name));
}

static void
write_user_info (HandheldDlp *dlp, const HotsyncDlpRequest *req)
{
	HandheldState *s = dlp->state;
	const HotsyncDlpUserInfo *u = &req->user;

	if (u->mod_flags & HOTSYNC_DLP_USER_MOD_USER_ID)
		s->user_id = u->user_id;
	if (u->mod_flags & HOTSYNC_DLP_USER_MOD_SYNC_PC)
		s->last_sync_pc = u->last_sync_pc;
	if (u->mod_flags & HOTSYNC_DLP_USER_MOD_SYNC_DATE) {
		g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
		g_autoptr (GDateTime) dt = hotsync_dlp_date_to_date_time (&u->last_sync_date, tz);

		s->last_sync_time = dt != NULL ? g_date_time_to_unix (dt) : 0;
		s->successful_sync_time = s->last_sync_time;
	}
	if ((u->mod_flags & HOTSYNC_DLP_USER_MOD_NAME) && u->user_name != NULL) {
		g_free (s->user_name);
		s->user_name = hotsync_text_to_utf8 ((const guint8 *) u->user_name, strlen (u->user_name));
	}
}

static void
sys_info (HotsyncDlpResponse *resp)
{
	/* A Palm OS 4.1 device reporting DLP 1.2 (hotsync.md). */
	resp->sys.rom_version = 0x04103000;
	resp->sys.locale = 0x00010000;
	resp->sys.product_id = g_bytes_new_static ("palm", 4);
	resp->sys.has_dlp_version = TRUE;
	resp->sys.dlp_major = 1;
	resp->sys.dlp_minor = 2;
	resp->sys.compat_major = 1;
	resp->sys.compat_minor = 0;
	resp->sys.max_rec_size = 0xffff;
}

static void
open_db (HandheldDlp *dlp, const HotsyncDlpRequest *req, HotsyncDlpResponse *resp)
{
	HandheldDb *db = handheld_state_find_db (dlp->state, req->name);

	if (dlp->open != NULL) {
		resp->error = HOTSYNC_DLP_STATUS_TOO_MANY_OPEN;
		return;
	}
	if (db == NULL) {
		resp->error = HOTSYNC_DLP_STATUS_NOT_FOUND;
		return;
	}
	dlp->open = db;
	db->next_modified = 0;
	resp->handle = 1;
}

static void
write_app_block (HandheldDlp *dlp, const HotsyncDlpRequest *req, HotsyncDlpResponse *resp)
{
	const HotsyncDlpArg *arg = req->raw != NULL ? hotsync_dlp_message_get_arg (req->raw, 0x20) : NULL;
	gsize n = 0;
	const guint8 *d = arg != NULL ? g_bytes_get_data (arg->data, &n) : NULL;

	/* handle u8, pad u8, length u16, then the block */
	if (d == NULL || n < 4) {
		resp->error = HOTSYNC_DLP_STATUS_PARAMETER;
		return;
	}
	g_clear_pointer (&dlp->open->app_info, g_bytes_unref);
	dlp->open->app_info = g_bytes_new (d + 4, n - 4);
}

static void
read_next_modified (HandheldDb *db, HotsyncDlpResponse *resp)
{
	while (db->next_modified < db->records->len) {
		HandheldRecord *r = g_ptr_array_index (db->records, db->next_modified++);

		if (r->attr & (HOTSYNC_RECORD_ATTR_DIRTY | HOTSYNC_RECORD_ATTR_DELETED)) {
			put_record (resp, r, db->next_modified - 1);
			return;
		}
	}
	resp->error = HOTSYNC_DLP_STATUS_NOT_FOUND;
}

static void
read_record (HandheldDb *db, const HotsyncDlpRequest *req, HotsyncDlpResponse *resp)
{
	HandheldRecord *r;
	guint index = req->index;

	if (req->by_index)
		r = index < db->records->len ? g_ptr_array_index (db->records, index) : NULL;
	else
		r = find_record (db, req->rec_id, &index);
	if (r == NULL)
		resp->error = HOTSYNC_DLP_STATUS_NOT_FOUND;
	else
		put_record (resp, r, index);
}

static void
write_record (HandheldDlp *dlp, const HotsyncDlpRequest *req, HotsyncDlpResponse *resp)
{
	HandheldDb *db = dlp->open;
	guint index;
	HandheldRecord *r = req->rec_id != 0 ? find_record (db, req->rec_id, &index) : NULL;

	if (req->data == NULL || g_bytes_get_size (req->data) > HANDHELD_STATE_MAX_RECORD) {
		resp->error = HOTSYNC_DLP_STATUS_SIZE;
		return;
	}
	if (r == NULL) {
		if (db->records->len >= HANDHELD_STATE_MAX_RECORDS) {
			resp->error = HOTSYNC_DLP_STATUS_SPACE;
			return;
		}
		r = handheld_db_add (dlp->state, db, req->category, req->data);
		if (req->rec_id != 0)
			r->id = req->rec_id;
	} else {
		g_bytes_unref (r->data);
		r->data = g_bytes_ref (req->data);
	}
	r->attr = req->attr & (guint8) ~(HOTSYNC_RECORD_ATTR_DELETED | HOTSYNC_RECORD_ATTR_BUSY);
	r->category = req->category & 0x0f;
	resp->rec_id = r->id;
}

static void
delete_record (HandheldDlp *dlp, const HotsyncDlpRequest *req, HotsyncDlpResponse *resp)
{
	HandheldDb *db = dlp->open;
	guint index;

	if (req->flags & HOTSYNC_DLP_DELETE_ALL) {
		g_ptr_array_set_size (db->records, 0);
		return;
	}
	if (find_record (db, req->rec_id, &index) == NULL)
		resp->error = HOTSYNC_DLP_STATUS_NOT_FOUND;
	else
		g_ptr_array_remove_index (db->records, index);
}

static void
clean_up (HandheldDb *db)
{
	for (guint i = db->records->len; i > 0; i--) {
		HandheldRecord *r = g_ptr_array_index (db->records, i - 1);

		if (r->attr & (HOTSYNC_RECORD_ATTR_DELETED | HOTSYNC_RECORD_ATTR_ARCHIVED))
			g_ptr_array_remove_index (db->records, i - 1);
	}
}

static void
reset_sync_flags (HandheldDb *db)
{
	for (guint i = 0; i < db->records->len; i++)
		((HandheldRecord *) g_ptr_array_index (db->records, i))->attr &= (guint8) ~HOTSYNC_RECORD_ATTR_DIRTY;
}

static void
read_db_list (HandheldDlp *dlp, const HotsyncDlpRequest *req, HotsyncDlpResponse *resp)
{
	HandheldState *s = dlp->state;
	guint start = req->start;

	/* RAM databases only; one per answer unless "multiple" was asked. */
	if (!(req->flags & HOTSYNC_DLP_DBLIST_RAM) || start >= s->dbs->len) {
		resp->error = HOTSYNC_DLP_STATUS_NOT_FOUND;
		return;
	}
	for (guint i = start; i < s->dbs->len; i++) {
		HandheldDb *db = g_ptr_array_index (s->dbs, i);
		HotsyncDlpDbInfo *info = g_new0 (HotsyncDlpDbInfo, 1);

		info->misc_flags = 0x80;   /* RAM */
		info->flags = 0x0008;      /* backup */
		info->type = ((guint32) 'D' << 24) | ((guint32) 'A' << 16) | ((guint32) 'T' << 8) | 'A';
		info->creator = db->creator;
		info->index = (guint16) i;
		info->name = g_strdup (db->name);
		g_ptr_array_add (resp->dbs, info);
		resp->last_index = (guint16) i;
		if (!(req->flags & HOTSYNC_DLP_DBLIST_MULTIPLE))
			break;
	}
	resp->list_flags = resp->last_index + 1u < s->dbs->len ? HOTSYNC_DLP_DBLIST_MORE : 0;
}

/* Commands the DLP library leaves raw: answered with their usual layout. */
static HotsyncDlpMessage *
raw_answer (HandheldDlp *dlp, const HotsyncDlpRequest *req)
{
	g_autoptr (HotsyncDlpMessage) msg = hotsync_dlp_message_new (req->cmd, TRUE);
	g_autoptr (GByteArray) a = g_byte_array_new ();

	switch (req->cmd) {
	case HOTSYNC_DLP_CMD_GET_SYS_DATE_TIME: {
		g_autoptr (GDateTime) now = g_date_time_new_now_local ();
		HotsyncDlpDate d;
		guint8 w[8];

		hotsync_dlp_date_from_date_time (now, &d);
		w[0] = (guint8) (d.year >> 8);
		w[1] = (guint8) d.year;
		w[2] = d.month;
		w[3] = d.day;
		w[4] = d.hour;
		w[5] = d.minute;
		w[6] = d.second;
		w[7] = 0;
		hotsync_dlp_message_add_arg (msg, 0x20, w, sizeof w);
		break;
	}
	case HOTSYNC_DLP_CMD_SET_SYS_DATE_TIME:
		break;
	case HOTSYNC_DLP_CMD_READ_RECORD_ID_LIST: {
		/* handle, flags, start u16, max u16 → count u16, ids u32 */
		HandheldDb *db = dlp->open;
		guint n = db != NULL ? db->records->len : 0;
		guint8 c[2] = { (guint8) (n >> 8), (guint8) n };

		if (db == NULL) {
			msg->error = HOTSYNC_DLP_STATUS_NONE_OPEN;
			break;
		}
		g_byte_array_append (a, c, 2);
		for (guint i = 0; i < n; i++) {
			guint32 id = ((HandheldRecord *) g_ptr_array_index (db->records, i))->id;
			guint8 b[4] = { (guint8) (id >> 24), (guint8) (id >> 16), (guint8) (id >> 8), (guint8) id };

			g_byte_array_append (a, b, 4);
		}
		hotsync_dlp_message_add_arg (msg, 0x20, a->data, a->len);
		break;
	}
	default:
		msg->error = HOTSYNC_DLP_STATUS_NOT_SUPPORTED;
		break;
	}
	return g_steal_pointer (&msg);
}

static void
answer_db (HandheldDlp *dlp, const HotsyncDlpRequest *req, HotsyncDlpResponse *resp)
{
	HandheldDb *db = dlp->open;

	if (db == NULL) {
		resp->error = HOTSYNC_DLP_STATUS_NONE_OPEN;
		return;
	}
	switch (req->cmd) {
	case HOTSYNC_DLP_CMD_CLOSE_DB:
		dlp->open = NULL;
		break;
	case HOTSYNC_DLP_CMD_READ_OPEN_DB_INFO:
		resp->num_records = (guint16) db->records->len;
		break;
	case HOTSYNC_DLP_CMD_READ_APP_BLOCK:
		if (db->app_info == NULL)
			resp->error = HOTSYNC_DLP_STATUS_NOT_FOUND;
		else
			resp->data = g_bytes_ref (db->app_info);
		break;
	case HOTSYNC_DLP_CMD_WRITE_APP_BLOCK:
		write_app_block (dlp, req, resp);
		break;
	case HOTSYNC_DLP_CMD_READ_NEXT_MODIFIED_REC:
		read_next_modified (db, resp);
		break;
	case HOTSYNC_DLP_CMD_RESET_RECORD_INDEX:
		db->next_modified = 0;
		break;
	case HOTSYNC_DLP_CMD_READ_RECORD:
		read_record (db, req, resp);
		break;
	case HOTSYNC_DLP_CMD_WRITE_RECORD:
		write_record (dlp, req, resp);
		break;
	case HOTSYNC_DLP_CMD_DELETE_RECORD:
		delete_record (dlp, req, resp);
		break;
	case HOTSYNC_DLP_CMD_CLEAN_UP_DATABASE:
		clean_up (db);
		break;
	case HOTSYNC_DLP_CMD_RESET_SYNC_FLAGS:
		reset_sync_flags (db);
		break;
	default:
		resp->error = HOTSYNC_DLP_STATUS_NOT_SUPPORTED;
		break;
	}
}

GBytes *
handheld_dlp_answer (HandheldDlp *dlp, const guint8 *request, gsize len)
{
	g_autoptr (HotsyncDlpRequest) req = hotsync_dlp_request_decode (request, len, NULL, NULL);
	g_autoptr (HotsyncDlpResponse) resp = NULL;

	dlp->requests++;
	if (req == NULL) {
		resp = hotsync_dlp_response_new (len > 0 ? request[0] & 0x7f : 0, HOTSYNC_DLP_STATUS_ILLEGAL_REQUEST);
		return hotsync_dlp_response_encode (resp);
	}
	resp = hotsync_dlp_response_new (req->cmd, 0);
	switch (req->cmd) {
	case HOTSYNC_DLP_CMD_READ_SYS_INFO:
		sys_info (resp);
		break;
	case HOTSYNC_DLP_CMD_READ_USER_INFO:
		read_user_info (dlp, resp);
		break;
	case HOTSYNC_DLP_CMD_WRITE_USER_INFO:
		write_user_info (dlp, req);
		break;
	case HOTSYNC_DLP_CMD_OPEN_CONDUIT:
		break;
	case HOTSYNC_DLP_CMD_OPEN_DB:
		open_db (dlp, req, resp);
		break;
	case HOTSYNC_DLP_CMD_ADD_SYNC_LOG_ENTRY:
		g_free (dlp->state->last_log);
		dlp->state->last_log = req->text != NULL ? hotsync_text_to_utf8 ((const guint8 *) req->text, strlen (req->text)) : NULL;
		break;
	case HOTSYNC_DLP_CMD_END_OF_SYNC:
		dlp->ended = TRUE;
		dlp->end_status = req->status;
		break;
	case HOTSYNC_DLP_CMD_READ_DB_LIST:
		read_db_list (dlp, req, resp);
		break;
	case HOTSYNC_DLP_CMD_GET_SYS_DATE_TIME:
	case HOTSYNC_DLP_CMD_SET_SYS_DATE_TIME:
	case HOTSYNC_DLP_CMD_READ_RECORD_ID_LIST:
		resp->raw = raw_answer (dlp, req);
		break;
	default:
		answer_db (dlp, req, resp);
		break;
	}
	return hotsync_dlp_response_encode (resp);
}
