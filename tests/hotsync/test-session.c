/* HotsyncSession against a fake handheld that answers DLP from a small
 * in-memory model of its databases. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-records.h"
#include "hotsync/hotsync-session.h"

#include "tests/hotsync/fake-handheld.h"

#define DESKTOP_ID 0x5eed1234

typedef struct {
	gboolean fast;
	guint records_seen;
	guint32 seen_ids[16];
	guint written;
	guint32 written_ids[8];
	guint databases;
	gboolean app_info_ok;
	const HotsyncSessionChange *changes;
	gsize n_changes;
	GBytes *new_app_info;
	gboolean cancel_at_changes;
	guint16 done_status;
	gboolean done;
} Conduit;

static void
run (HotsyncSession *s, FakeHandheld *hh, Conduit *c)
{
	HotsyncSessionEvent ev;
	static const char *const dbs[] = { "MemoDB", "ToDoDB" };

	while (hotsync_session_next (s, &ev)) {
		g_autoptr (GError) error = NULL;

		switch (ev.type) {
		case HOTSYNC_SESSION_EVENT_SEND: {
			g_autoptr (GBytes) answer = fake_answer (hh, ev.request);

			g_assert_true (hotsync_session_receive (s, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), &error));
			g_assert_no_error (error);
			break;
		}
		case HOTSYNC_SESSION_EVENT_PLAN:
			g_assert_nonnull (hotsync_session_get_user_info (s));
			g_assert_cmpuint (hotsync_session_get_sys_info (s)->rom_version, ==, 0x04103000);
			g_assert_true (hotsync_session_set_plan (s, c->fast, dbs, G_N_ELEMENTS (dbs), &error));
			break;
		case HOTSYNC_SESSION_EVENT_DATABASE: {
			g_auto (HotsyncCategories) cats = { 0 };

			c->databases++;
			c->app_info_ok = ev.app_info != NULL &&
			                 hotsync_categories_decode (g_bytes_get_data (ev.app_info, NULL),
			                                            g_bytes_get_size (ev.app_info), &cats, NULL) &&
			                 g_strcmp0 (cats.names[0], "Unfiled") == 0;
			break;
		}
		case HOTSYNC_SESSION_EVENT_RECORD:
			if (c->records_seen < G_N_ELEMENTS (c->seen_ids))
				c->seen_ids[c->records_seen] = ev.rec_id;
			c->records_seen++;
			break;
		case HOTSYNC_SESSION_EVENT_CHANGES:
			if (c->cancel_at_changes) {
				hotsync_session_cancel (s, HOTSYNC_DLP_END_USER_CANCEL);
				break;
			}
			g_assert_true (hotsync_session_set_changes (s, c->changes, c->n_changes, c->new_app_info, &error));
			break;
		case HOTSYNC_SESSION_EVENT_WRITTEN:
			g_assert_cmpuint (ev.change, <, c->n_changes);
			c->written_ids[c->written++] = ev.rec_id;
			break;
		case HOTSYNC_SESSION_EVENT_DONE:
			c->done = TRUE;
			c->done_status = ev.end_status;
			break;
		default:
			g_assert_not_reached ();
		}
		hotsync_session_event_clear (&ev);
	}
}

static HotsyncSession *
new_session (void)
{
	HotsyncSessionConfig config = { DESKTOP_ID, { 2026, 11, 26, 15, 0, 0, 0 }, 0, NULL };

	return hotsync_session_new (&config);
}

static FakeHandheld *
memo_handheld (void)
{
	FakeHandheld *hh = fake_new ();
	FakeDb *db = add_db (hh, "MemoDB");

	hh->last_sync_pc = DESKTOP_ID;
	add_rec (hh, db, 0, "unchanged");                            /* 0x100001 */
	add_rec (hh, db, HOTSYNC_RECORD_ATTR_DIRTY, "edited");      /* 0x100002 */
	add_rec (hh, db, HOTSYNC_RECORD_ATTR_DELETED, "gone");      /* 0x100003 */
	add_rec (hh, db, 0, "to delete");                            /* 0x100004 */
	return hh;
}

static void
test_fast_sync (void)
{
	g_autoptr (FakeHandheld) hh = memo_handheld ();
	g_autoptr (HotsyncSession) s = new_session ();
	g_autoptr (GBytes) new_text = g_bytes_new_static ("from desktop", 13);
	g_autoptr (GBytes) upd_text = g_bytes_new_static ("desktop edit", 13);
	HotsyncSessionChange changes[] = {
		{ FALSE, 0, HOTSYNC_RECORD_ATTR_DIRTY, 2, new_text },   /* dirty bit must not stick */
		{ FALSE, 0x100001, 0, 0, upd_text },
		{ TRUE, 0x100004, 0, 0, NULL },
	};
	Conduit c = { .fast = TRUE, .changes = changes, .n_changes = G_N_ELEMENTS (changes) };
	FakeDb *db;

	hotsync_session_set_log (s, "Airdock: 2 memos");
	run (s, hh, &c);
	g_assert_true (c.done);
	g_assert_null (hotsync_session_get_error (s));
	g_assert_cmpuint (c.done_status, ==, HOTSYNC_DLP_END_OK);
	/* Only the modified records came back: the dirty and the deleted one. */
	g_assert_cmpuint (c.records_seen, ==, 2);
	g_assert_cmpuint (c.seen_ids[0], ==, 0x100002);
	g_assert_cmpuint (c.seen_ids[1], ==, 0x100003);
	g_assert_cmpuint (c.databases, ==, 1);   /* no ToDoDB on this handheld */
	g_assert_true (c.app_info_ok);
	g_assert_cmpuint (c.written, ==, 2);
	g_assert_cmpuint (c.written_ids[0], ==, 0x100005);
	g_assert_cmpuint (c.written_ids[1], ==, 0x100001);
	/* The handheld's state afterwards. */
	db = g_ptr_array_index (hh->dbs, 0);
	g_assert_cmpuint (db->recs->len, ==, 3);   /* deleted purged, one deleted by us, one new */
	for (guint i = 0; i < db->recs->len; i++) {
		FakeRec *r = g_ptr_array_index (db->recs, i);

		g_assert_cmpuint (r->attr & HOTSYNC_RECORD_ATTR_DIRTY, ==, 0);
		g_assert_cmpuint (r->id, !=, 0x100004);
		if (r->id == 0x100005)
			g_assert_cmpuint (r->category, ==, 2);
	}
	g_assert_cmpuint (hh->last_sync_pc, ==, DESKTOP_ID);
	g_assert_cmpuint (hh->last_sync_date.year, ==, 2026);
	g_assert_cmpuint (hh->mod_flags, ==, HOTSYNC_DLP_USER_MOD_SYNC_PC | HOTSYNC_DLP_USER_MOD_SYNC_DATE);
	g_assert_cmpuint (hh->user_id, ==, 77);
	g_assert_cmpstr (hh->log, ==, "Airdock: 2 memos");
	g_assert_true (hh->ended);
	g_assert_null (hh->open);
	g_assert_cmpstr (hh->trace->str, ==,
	                 "ReadSysInfo ReadUserInfo OpenConduit OpenDB ReadOpenDBInfo ReadAppBlock "
	                 "ReadNextModifiedRec ReadNextModifiedRec ReadNextModifiedRec "
	                 "WriteRecord WriteRecord DeleteRecord CleanUpDatabase ResetSyncFlags CloseDB "
	                 "OpenConduit OpenDB WriteUserInfo AddSyncLogEntry EndOfSync ");
}

static void
test_slow_sync_reads_all_before_writing (void)
{
	g_autoptr (FakeHandheld) hh = memo_handheld ();
	g_autoptr (HotsyncSession) s = new_session ();
	HotsyncSessionChange changes[] = { { TRUE, 0x100001, 0, 0, NULL }, { TRUE, 0x100002, 0, 0, NULL } };
	Conduit c = { .fast = FALSE, .changes = changes, .n_changes = G_N_ELEMENTS (changes) };
	const char *last_read, *first_delete;

	run (s, hh, &c);
	g_assert_true (c.done);
	/* Every record, in index order. */
	g_assert_cmpuint (c.records_seen, ==, 4);
	for (guint i = 0; i < 4; i++)
		g_assert_cmpuint (c.seen_ids[i], ==, 0x100001 + i);
	last_read = g_strrstr (hh->trace->str, "ReadRecord");
	first_delete = strstr (hh->trace->str, "DeleteRecord");
	g_assert_nonnull (first_delete);
	g_assert_true (last_read < first_delete);
	/* Only "to delete" (0x100004) survives: 1 and 2 deleted by us, 3 purged. */
	g_assert_cmpuint (((FakeDb *) g_ptr_array_index (hh->dbs, 0))->recs->len, ==, 1);
	g_assert_null (strstr (hh->trace->str, "ReadNextModifiedRec"));
}

static void
test_empty_slow_and_app_info (void)
{
	g_autoptr (FakeHandheld) hh = fake_new ();
	g_autoptr (HotsyncSession) s = new_session ();
	g_autoptr (GBytes) block = g_bytes_new_static ("\x00\x01new block", 11);
	FakeDb *db = add_db (hh, "ToDoDB");
	Conduit c = { .fast = FALSE, .new_app_info = block };

	run (s, hh, &c);
	g_assert_true (c.done);
	g_assert_cmpuint (c.records_seen, ==, 0);
	g_assert_null (strstr (hh->trace->str, "ReadRecord"));
	g_assert_nonnull (strstr (hh->trace->str, "WriteAppBlock"));
	g_assert_true (g_bytes_equal (db->app_info, block));
	/* No log text: no AddSyncLogEntry. */
	g_assert_null (strstr (hh->trace->str, "AddSyncLogEntry"));
}

static void
test_handheld_error_ends_session (void)
{
	g_autoptr (FakeHandheld) hh = memo_handheld ();
	g_autoptr (HotsyncSession) s = new_session ();
	g_autoptr (GBytes) text = g_bytes_new_static ("x", 2);
	HotsyncSessionChange changes[] = { { FALSE, 0, 0, 0, text } };
	Conduit c = { .fast = TRUE, .changes = changes, .n_changes = 1 };
	const GError *error;

	hh->fail_cmd = HOTSYNC_DLP_CMD_WRITE_RECORD;
	hh->fail_error = HOTSYNC_DLP_STATUS_SPACE;
	hotsync_session_set_log (s, "log");
	run (s, hh, &c);
	g_assert_true (c.done);
	g_assert_cmpuint (c.done_status, ==, HOTSYNC_DLP_END_OTHER);
	error = hotsync_session_get_error (s);
	g_assert_error ((GError *) error, HOTSYNC_SESSION_ERROR, HOTSYNC_SESSION_ERROR_HANDHELD);
	/* Closed, not recorded as a successful sync. */
	g_assert_true (g_str_has_suffix (hh->trace->str, "WriteRecord CloseDB EndOfSync "));
	g_assert_null (strstr (hh->trace->str, "WriteUserInfo"));
	g_assert_cmpuint (hh->mod_flags, ==, 0);
	g_assert_cmpuint (hh->end_status, ==, HOTSYNC_DLP_END_OTHER);
	g_assert_null (hh->open);
}

static void
test_cancel (void)
{
	g_autoptr (FakeHandheld) hh = memo_handheld ();
	g_autoptr (HotsyncSession) s = new_session ();
	Conduit c = { .fast = TRUE, .cancel_at_changes = TRUE };

	run (s, hh, &c);
	g_assert_true (c.done);
	g_assert_cmpuint (c.done_status, ==, HOTSYNC_DLP_END_USER_CANCEL);
	g_assert_true (g_str_has_suffix (hh->trace->str, "ReadNextModifiedRec CloseDB EndOfSync "));
	g_assert_cmpuint (hh->end_status, ==, HOTSYNC_DLP_END_USER_CANCEL);
	g_assert_null (hotsync_session_get_error (s));
}

static void
test_new_user (void)
{
	g_autoptr (FakeHandheld) hh = fake_new ();
	HotsyncSessionConfig config = { DESKTOP_ID, { 2026, 1, 2, 3, 4, 5, 0 }, 4242, "Alice" };
	g_autoptr (HotsyncSession) s = hotsync_session_new (&config);
	Conduit c = { .fast = FALSE };

	hh->user_id = 0;
	run (s, hh, &c);
	g_assert_true (c.done);
	g_assert_cmpuint (hh->user_id, ==, 4242);
	g_assert_cmpstr (hh->user_name, ==, "Alice");
	g_assert_true (hh->mod_flags & HOTSYNC_DLP_USER_MOD_USER_ID);
	g_assert_true (hh->mod_flags & HOTSYNC_DLP_USER_MOD_NAME);
}

static void
test_misuse (void)
{
	g_autoptr (HotsyncSession) s = new_session ();
	g_autoptr (GError) error = NULL;
	HotsyncSessionEvent ev;
	static const guint8 wrong[] = { 0x90, 0x00, 0x00, 0x00 };   /* ReadUserInfo, not ReadSysInfo */
	static const char *const dbs[] = { "MemoDB" };

	g_assert_false (hotsync_session_receive (s, wrong, sizeof wrong, &error));
	g_assert_error (error, HOTSYNC_SESSION_ERROR, HOTSYNC_SESSION_ERROR_STATE);
	g_clear_error (&error);
	g_assert_false (hotsync_session_set_plan (s, TRUE, dbs, 1, &error));
	g_assert_error (error, HOTSYNC_SESSION_ERROR, HOTSYNC_SESSION_ERROR_STATE);
	g_clear_error (&error);
	g_assert_false (hotsync_session_set_changes (s, NULL, 0, NULL, &error));
	g_assert_error (error, HOTSYNC_SESSION_ERROR, HOTSYNC_SESSION_ERROR_STATE);
	g_clear_error (&error);
	g_assert_true (hotsync_session_next (s, &ev));
	g_assert_cmpint (ev.type, ==, HOTSYNC_SESSION_EVENT_SEND);
	hotsync_session_event_clear (&ev);
	/* Nothing more until the answer is in. */
	g_assert_false (hotsync_session_next (s, &ev));
	g_assert_false (hotsync_session_receive (s, wrong, sizeof wrong, &error));
	g_assert_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MISMATCH);
}

/* A handheld reporting modified records forever: the limit stops it, at
 * N records accepted and N+1 refused. */
static void
test_record_limit (void)
{
	g_autoptr (FakeHandheld) hh = memo_handheld ();
	g_autoptr (HotsyncSession) s = new_session ();
	Conduit c = { .fast = TRUE };

	hh->endless = TRUE;
	run (s, hh, &c);
	g_assert_true (c.done);
	g_assert_cmpuint (c.records_seen, ==, HOTSYNC_SESSION_MAX_RECORDS);
	g_assert_error ((GError *) hotsync_session_get_error (s), HOTSYNC_SESSION_ERROR, HOTSYNC_SESSION_ERROR_LIMIT);
	g_assert_cmpuint (hh->end_status, ==, HOTSYNC_DLP_END_OTHER);
	g_assert_null (hh->open);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/hotsync/session/fast-sync", test_fast_sync);
	g_test_add_func ("/hotsync/session/slow-sync-reads-all-before-writing", test_slow_sync_reads_all_before_writing);
	g_test_add_func ("/hotsync/session/empty-slow-and-app-info", test_empty_slow_and_app_info);
	g_test_add_func ("/hotsync/session/handheld-error-ends-session", test_handheld_error_ends_session);
	g_test_add_func ("/hotsync/session/cancel", test_cancel);
	g_test_add_func ("/hotsync/session/new-user", test_new_user);
	g_test_add_func ("/hotsync/session/misuse", test_misuse);
	g_test_add_func ("/hotsync/session/record-limit", test_record_limit);
	return g_test_run ();
}
