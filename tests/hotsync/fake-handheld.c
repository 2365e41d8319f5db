/* Test helper: see fake-handheld.h. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-records.h"
#include "tests/hotsync/fake-handheld.h"


static void
rec_free (gpointer p)
{
	FakeRec *r = p;

	g_bytes_unref (r->data);
	g_free (r);
}

static void
db_free (gpointer p)
{
	FakeDb *db = p;

	g_free (db->name);
	g_ptr_array_unref (db->recs);
	g_clear_pointer (&db->app_info, g_bytes_unref);
	g_free (db);
}

FakeDb *
add_db (FakeHandheld *hh, const char *name)
{
	FakeDb *db = g_new0 (FakeDb, 1);
	g_autoptr (GByteArray) a = g_byte_array_new ();
	HotsyncCategories cats = { 0 };

	db->name = g_strdup (name);
	db->recs = g_ptr_array_new_with_free_func (rec_free);
	cats.names[0] = (char *) "Unfiled";
	g_assert_true (hotsync_categories_encode (&cats, a, NULL));
	db->app_info = g_bytes_new (a->data, a->len);
	g_ptr_array_add (hh->dbs, db);
	return db;
}

void
add_rec (FakeHandheld *hh, FakeDb *db, guint8 attr, const char *text)
{
	FakeRec *r = g_new0 (FakeRec, 1);

	r->id = hh->next_id++;
	r->attr = attr;
	r->data = g_bytes_new (text, strlen (text) + 1);
	g_ptr_array_add (db->recs, r);
}

FakeHandheld *
fake_new (void)
{
	FakeHandheld *hh = g_new0 (FakeHandheld, 1);

	hh->dbs = g_ptr_array_new_with_free_func (db_free);
	hh->next_id = 0x100001;
	hh->trace = g_string_new (NULL);
	hh->user_id = 77;
	hh->user_name = g_strdup ("Test 0");
	return hh;
}

void
fake_free (FakeHandheld *hh)
{
	g_ptr_array_unref (hh->dbs);
	g_string_free (hh->trace, TRUE);
	g_free (hh->user_name);
	g_free (hh->log);
	g_free (hh);
}


static FakeRec *
find_rec (FakeDb *db, guint32 id, guint *out_index)
{
	for (guint i = 0; i < db->recs->len; i++) {
		FakeRec *r = g_ptr_array_index (db->recs, i);

		if (r->id == id) {
			if (out_index != NULL)
				*out_index = i;
			return r;
		}
	}
	return NULL;
}

static void
put_rec (HotsyncDlpResponse *resp, FakeRec *r, guint index)
{
	resp->rec_id = r->id;
	resp->index = (guint16) index;
	resp->attr = r->attr;
	resp->category = r->category;
	resp->data = g_bytes_ref (r->data);
}

static void
serve_records (FakeHandheld *hh, const HotsyncDlpRequest *req, HotsyncDlpResponse *resp)
{
	FakeDb *db = hh->open;

	switch (req->cmd) {
	case HOTSYNC_DLP_CMD_READ_NEXT_MODIFIED_REC:
		if (hh->endless) {
			FakeRec r = { hh->next_id++, HOTSYNC_RECORD_ATTR_DIRTY, 0, g_bytes_new_static ("x", 2) };

			put_rec (resp, &r, 0);
			g_bytes_unref (r.data);
			return;
		}
		while (db->next_modified < db->recs->len) {
			FakeRec *r = g_ptr_array_index (db->recs, db->next_modified++);

			if (r->attr & (HOTSYNC_RECORD_ATTR_DIRTY | HOTSYNC_RECORD_ATTR_DELETED)) {
				put_rec (resp, r, db->next_modified - 1);
				return;
			}
		}
		resp->error = HOTSYNC_DLP_STATUS_NOT_FOUND;
		return;
	case HOTSYNC_DLP_CMD_READ_RECORD:
		g_assert_true (req->by_index);
		if (req->index >= db->recs->len)
			resp->error = HOTSYNC_DLP_STATUS_NOT_FOUND;
		else
			put_rec (resp, g_ptr_array_index (db->recs, req->index), req->index);
		return;
	case HOTSYNC_DLP_CMD_WRITE_RECORD: {
		FakeRec *r = req->rec_id != 0 ? find_rec (db, req->rec_id, NULL) : NULL;

		if (r == NULL) {
			r = g_new0 (FakeRec, 1);
			r->id = req->rec_id != 0 ? req->rec_id : hh->next_id++;
			g_ptr_array_add (db->recs, r);
		} else {
			g_bytes_unref (r->data);
		}
		r->attr = req->attr;
		r->category = req->category;
		r->data = g_bytes_ref (req->data);
		resp->rec_id = r->id;
		return;
	}
	case HOTSYNC_DLP_CMD_DELETE_RECORD: {
		guint i;

		if (find_rec (db, req->rec_id, &i) == NULL)
			resp->error = HOTSYNC_DLP_STATUS_NOT_FOUND;
		else
			g_ptr_array_remove_index (db->recs, i);
		return;
	}
	case HOTSYNC_DLP_CMD_CLEAN_UP_DATABASE:
		for (guint i = db->recs->len; i > 0; i--) {
			FakeRec *r = g_ptr_array_index (db->recs, i - 1);

			if (r->attr & (HOTSYNC_RECORD_ATTR_DELETED | HOTSYNC_RECORD_ATTR_ARCHIVED))
				g_ptr_array_remove_index (db->recs, i - 1);
		}
		return;
	case HOTSYNC_DLP_CMD_RESET_SYNC_FLAGS:
		for (guint i = 0; i < db->recs->len; i++)
			((FakeRec *) g_ptr_array_index (db->recs, i))->attr &= (guint8) ~HOTSYNC_RECORD_ATTR_DIRTY;
		return;
	default:
		g_assert_not_reached ();
	}
}

static void
serve_db (FakeHandheld *hh, const HotsyncDlpRequest *req, HotsyncDlpResponse *resp)
{
	switch (req->cmd) {
	case HOTSYNC_DLP_CMD_OPEN_DB:
		g_assert_null (hh->open);
		resp->error = HOTSYNC_DLP_STATUS_NOT_FOUND;
		for (guint i = 0; i < hh->dbs->len; i++) {
			FakeDb *db = g_ptr_array_index (hh->dbs, i);

			if (g_strcmp0 (db->name, req->name) == 0) {
				hh->open = db;
				db->next_modified = 0;
				resp->handle = (guint8) (i + 1);
				resp->error = 0;
			}
		}
		return;
	case HOTSYNC_DLP_CMD_READ_OPEN_DB_INFO:
		resp->num_records = (guint16) hh->open->recs->len;
		return;
	case HOTSYNC_DLP_CMD_READ_APP_BLOCK:
		if (hh->open->app_info == NULL)
			resp->error = HOTSYNC_DLP_STATUS_NOT_FOUND;
		else
			resp->data = g_bytes_ref (hh->open->app_info);
		return;
	case HOTSYNC_DLP_CMD_WRITE_APP_BLOCK: {
		const HotsyncDlpArg *arg = hotsync_dlp_message_get_arg (req->raw, 0x20);
		gsize n;
		const guint8 *d = g_bytes_get_data (arg->data, &n);

		g_assert_cmpuint (n, >=, 4);
		g_clear_pointer (&hh->open->app_info, g_bytes_unref);
		hh->open->app_info = g_bytes_new (d + 4, n - 4);
		return;
	}
	case HOTSYNC_DLP_CMD_CLOSE_DB:
		g_assert_nonnull (hh->open);
		hh->open = NULL;
		return;
	default:
		serve_records (hh, req, resp);
		return;
	}
}

GBytes *
fake_answer (FakeHandheld *hh, GBytes *request)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HotsyncDlpRequest) req = hotsync_dlp_request_decode (g_bytes_get_data (request, NULL),
	                                                                 g_bytes_get_size (request), NULL, &error);
	g_autoptr (HotsyncDlpResponse) resp = NULL;

	g_assert_no_error (error);
	g_assert_false (hh->ended);
	hh->served++;
	if (hh->served < 50)
		g_string_append_printf (hh->trace, "%s ", hotsync_dlp_command_name (req->cmd));
	resp = hotsync_dlp_response_new (req->cmd, 0);
	if (req->cmd == hh->fail_cmd) {
		resp->error = hh->fail_error;
		return hotsync_dlp_response_encode (resp);
	}
	switch (req->cmd) {
	case HOTSYNC_DLP_CMD_READ_SYS_INFO:
		g_assert_cmpuint (req->host_major, ==, 1);
		g_assert_cmpuint (req->host_minor, ==, 2);
		resp->sys.rom_version = 0x04103000;
		resp->sys.has_dlp_version = TRUE;
		resp->sys.dlp_major = 1;
		resp->sys.dlp_minor = 2;
		break;
	case HOTSYNC_DLP_CMD_READ_USER_INFO:
		resp->user.user_id = hh->user_id;
		resp->user.last_sync_pc = hh->last_sync_pc;
		resp->user.user_name = g_strdup (hh->user_name);
		break;
	case HOTSYNC_DLP_CMD_OPEN_CONDUIT:
		break;
	case HOTSYNC_DLP_CMD_WRITE_USER_INFO:
		hh->user_id = req->user.user_id;
		hh->last_sync_pc = req->user.last_sync_pc;
		hh->last_sync_date = req->user.last_sync_date;
		hh->mod_flags = req->user.mod_flags;
		if (req->user.mod_flags & HOTSYNC_DLP_USER_MOD_NAME) {
			g_free (hh->user_name);
			hh->user_name = g_strdup (req->user.user_name);
		}
		break;
	case HOTSYNC_DLP_CMD_ADD_SYNC_LOG_ENTRY:
		g_free (hh->log);
		hh->log = g_strdup (req->text);
		break;
	case HOTSYNC_DLP_CMD_END_OF_SYNC:
		hh->end_status = req->status;
		hh->ended = TRUE;
		break;
	default:
		serve_db (hh, req, resp);
		break;
	}
	return hotsync_dlp_response_encode (resp);
}

/* What the test's "conduit" decides for each database. */