/* End to end: real airdock-conduit and airdock-handheld processes over TCP
 * and a pty; the store checked through libpststore, the handheld through
 * its `list`. */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "tests/conduit/harness.h"

#define USER_ID 4242
#define USER_ID_STR "4242"

static void
new_handheld (Harness *h)
{
	g_autofree char *a = harness_handheld (h, 0, "--user", "Test User", "--user-id", USER_ID_STR, "memo", "add",
	                                       "Shopping\nmilk\neggs", NULL);
	g_autofree char *b = harness_handheld (h, 0, "--category", "Business", "memo", "add", "Budget", NULL);
	g_autofree char *c = harness_handheld (h, 0, "--due", "2026-12-01", "--priority", "2", "--note", "about Q4",
	                                       "todo", "add", "Call Bob", NULL);
}

static void
sync_ok (Harness *h, const char *mode)
{
	g_assert_cmpint (harness_sync_net (h, NULL, NULL), ==, 0);
	g_assert_nonnull (strstr (h->conduit_line, " ok "));
	g_assert_nonnull (strstr (h->conduit_line, mode));
	g_assert_nonnull (strstr (h->handheld_out, "hotsync completed"));
}

static gint64
store_add (Harness *h, PststoreKind kind, const char *subject, const char *body, const char *category)
{
	g_autoptr (PststoreStore) s = harness_store_open (h);
	g_autoptr (PststoreItem) it = pststore_item_new (kind == PSTSTORE_KIND_NOTE ? "IPM.StickyNote" : "IPM.Task");
	g_autoptr (GError) error = NULL;

	it->folder_id = pststore_folder_default (s, kind, &error);
	it->subject = g_strdup (subject);
	it->body = g_strdup (body);
	if (category != NULL) {
		it->categories = g_new0 (char *, 2);
		it->categories[0] = g_strdup (category);
	}
	g_assert_true (pststore_item_save (s, it, NULL, &error));
	g_assert_no_error (error);
	return it->id;
}

static PststoreItem *
store_find (Harness *h, PststoreKind kind, const char *subject)
{
	g_autoptr (PststoreStore) s = harness_store_open (h);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) items = pststore_item_list (s, pststore_folder_default (s, kind, NULL), &error);

	g_assert_no_error (error);
	for (guint i = 0; i < items->len; i++) {
		PststoreItem *it = g_ptr_array_index (items, i);

		if (g_strcmp0 (it->subject, subject) == 0)
			return pststore_item_copy (it);
	}
	return NULL;
}

static void
store_edit_body (Harness *h, const char *subject, const char *body)
{
	g_autoptr (PststoreItem) it = store_find (h, PSTSTORE_KIND_NOTE, subject);
	g_autoptr (PststoreStore) s = harness_store_open (h);
	g_autoptr (GError) error = NULL;

	g_assert_nonnull (it);
	g_free (it->body);
	it->body = g_strdup (body);
	g_free (it->subject);
	it->subject = g_strdup (body);
	*strchr (it->subject, '\n') = '\0';
	g_assert_true (pststore_item_save (s, it, NULL, &error));
	g_assert_no_error (error);
}

static void
store_delete (Harness *h, PststoreKind kind, const char *subject)
{
	g_autoptr (PststoreItem) it = store_find (h, kind, subject);
	g_autoptr (PststoreStore) s = harness_store_open (h);
	g_autoptr (GError) error = NULL;

	g_assert_nonnull (it);
	g_assert_true (pststore_item_delete (s, it->id, NULL, &error));
	g_assert_no_error (error);
}

static void
test_first_sync (void)
{
	Harness h;
	g_autofree char *notes = NULL, *hh = NULL;
	g_autoptr (PststoreItem) todo = NULL;
	g_autoptr (GDateTime) due = NULL;

	harness_init (&h);
	new_handheld (&h);
	sync_ok (&h, "slow");
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Budget|Budget|Business\nShopping|Shopping\\nmilk\\neggs|Unfiled\n");
	todo = store_find (&h, PSTSTORE_KIND_TASK, "Call Bob");
	g_assert_nonnull (todo);
	g_assert_cmpstr (todo->body, ==, "about Q4");
	g_assert_false (todo->task_complete);
	g_assert_cmpint (todo->importance, ==, 1);
	due = g_date_time_new_from_unix_utc (todo->task_due);
	g_assert_cmpint (g_date_time_get_year (due), ==, 2026);
	g_assert_cmpint (g_date_time_get_month (due), ==, 12);
	g_assert_cmpint (g_date_time_get_day_of_month (due), ==, 1);
	/* The handheld is now ours: clean records, our id, a log entry. */
	hh = harness_handheld (&h, 0, "list", NULL);
	g_assert_null (strstr (hh, "dirty"));
	g_assert_null (strstr (hh, "last-sync-pc=0\n"));
	g_assert_nonnull (strstr (hh, "log\tAirdock slow sync"));
	g_assert_cmpuint (harness_count_logs (&h, USER_ID), ==, 1);
	harness_clear (&h);
}

static void
test_fast_sync_both_ways (void)
{
	Harness h;
	g_autofree char *notes = NULL, *memos = NULL, *log = NULL, *todos = NULL;

	harness_init (&h);
	new_handheld (&h);
	sync_ok (&h, "slow");
	/* Handheld: edit, add, delete.  Desktop: add (with a new category),
	 * edit another, delete a task. */
	g_free (harness_handheld (&h, 0, "memo", "edit", "1", "Shopping\nmilk\neggs\nbread", NULL));
	g_free (harness_handheld (&h, 0, "memo", "add", "Ideas", NULL));
	store_add (&h, PSTSTORE_KIND_NOTE, "Desk note", "Desk note\nfrom Outlook", "Travel");
	store_edit_body (&h, "Budget", "Budget\n2027 figures");
	store_delete (&h, PSTSTORE_KIND_TASK, "Call Bob");
	store_add (&h, PSTSTORE_KIND_TASK, "Desk task", NULL, "Personal");
	sync_ok (&h, "fast");
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==,
	                 "Budget|Budget\\n2027 figures|Business\n"
	                 "Desk note|Desk note\\nfrom Outlook|Travel\n"
	                 "Ideas|Ideas|Unfiled\n"
	                 "Shopping|Shopping\\nmilk\\neggs\\nbread|Unfiled\n");
	memos = harness_handheld_dump (&h, "memo");
	g_assert_cmpstr (memos, ==,
	                 "Business|Budget\\n2027 figures\n"
	                 "Travel|Desk note\\nfrom Outlook\n"
	                 "Unfiled|Ideas\n"
	                 "Unfiled|Shopping\\nmilk\\neggs\\nbread\n");
	todos = harness_handheld_dump (&h, "todo");
	g_assert_cmpstr (todos, ==, "Personal|Desk task|priority=3\n");
	log = harness_newest_log (&h, USER_ID);
	g_assert_nonnull (strstr (log, "Fast sync"));
	g_assert_nonnull (strstr (log, "desktop: added memo \"Ideas\""));
	g_assert_nonnull (strstr (log, "desktop: changed memo \"Shopping\""));
	g_assert_nonnull (strstr (log, "handheld: added memo \"Desk note\""));
	g_assert_nonnull (strstr (log, "handheld: changed memo \"Budget\""));
	g_assert_nonnull (strstr (log, "handheld: deleted todo"));
	/* A third sync has nothing to do. */
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "handheld +0 ~0 -0 desktop +0 ~0 -0"));
	harness_clear (&h);
}

static void
test_conflict_keeps_both (void)
{
	Harness h;
	g_autofree char *notes = NULL, *memos = NULL, *log = NULL;

	harness_init (&h);
	new_handheld (&h);
	sync_ok (&h, "slow");
	g_free (harness_handheld (&h, 0, "memo", "edit", "2", "Budget\nhandheld edit", NULL));
	store_edit_body (&h, "Budget", "Budget\ndesktop edit");
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "conflicts 1"));
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_nonnull (strstr (notes, "Budget|Budget\\nhandheld edit|Business\n"));
	g_assert_nonnull (strstr (notes, "Budget|Budget\\ndesktop edit|Business\n"));
	memos = harness_handheld_dump (&h, "memo");
	g_assert_nonnull (strstr (memos, "Business|Budget\\nhandheld edit\n"));
	g_assert_nonnull (strstr (memos, "Business|Budget\\ndesktop edit\n"));
	log = harness_newest_log (&h, USER_ID);
	g_assert_nonnull (strstr (log, "conflict: memo \"Budget\""));
	/* Both copies are paired now: the next sync changes nothing. */
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "handheld +0 ~0 -0 desktop +0 ~0 -0"));
	harness_clear (&h);
}

static void
test_delete_and_archive (void)
{
	Harness h;
	g_autofree char *notes = NULL, *memos = NULL;
	g_autoptr (PststoreStore) s = NULL;
	g_autoptr (GError) error = NULL;
	gint64 archive;
	gsize n = 0;

	harness_init (&h);
	new_handheld (&h);
	sync_ok (&h, "slow");
	g_free (harness_handheld (&h, 0, "memo", "archive", "1", NULL));   /* Shopping */
	g_free (harness_handheld (&h, 0, "memo", "delete", "1", NULL));    /* Budget, now the first live one */
	sync_ok (&h, "fast");
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "");
	memos = harness_handheld_dump (&h, "memo");
	g_assert_cmpstr (memos, ==, "");
	s = harness_store_open (&h);
	archive = pststore_folder_find_child (s, pststore_folder_default (s, PSTSTORE_KIND_NOTE, NULL), "Archive", &error);
	g_assert_no_error (error);
	g_assert_cmpint (archive, !=, 0);
	g_assert_true (pststore_folder_count (s, archive, &n, &error));
	g_assert_cmpuint (n, ==, 1);
	harness_clear (&h);
}

static void
test_slow_sync_other_desktop (void)
{
	Harness h;
	g_autofree char *notes = NULL, *memos = NULL, *text = NULL;
	g_autofree char *edited = NULL;
	gsize len;

	harness_init (&h);
	new_handheld (&h);
	sync_ok (&h, "slow");
	/* Another desktop synced it: lastSyncPC changes, dirty bits cleared. */
	g_free (harness_handheld (&h, 0, "memo", "edit", "2", "Budget\nedited elsewhere", NULL));
	g_assert_true (g_file_get_contents (h.state, &text, &len, NULL));
	{
		GRegex *re = g_regex_new ("last-sync-pc=[0-9]+", 0, 0, NULL);
		GRegex *dirty = g_regex_new ("attr=64", 0, 0, NULL);
		g_autofree char *t1 = g_regex_replace_literal (re, text, -1, 0, "last-sync-pc=7", 0, NULL);

		edited = g_regex_replace_literal (dirty, t1, -1, 0, "attr=0", 0, NULL);
		g_regex_unref (re);
		g_regex_unref (dirty);
	}
	g_assert_true (g_file_set_contents (h.state, edited, -1, NULL));
	sync_ok (&h, "slow");
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_nonnull (strstr (notes, "Budget|Budget\\nedited elsewhere|Business\n"));
	g_assert_null (strstr (notes, "Budget|Budget|Business\n"));
	memos = harness_handheld_dump (&h, "memo");
	g_assert_cmpstr (memos, ==, "Business|Budget\\nedited elsewhere\nUnfiled|Shopping\\nmilk\\neggs\n");
	harness_clear (&h);
}

static void
test_logs_kept (void)
{
	Harness h;

	harness_init (&h);
	new_handheld (&h);
	for (guint i = 0; i < 4; i++)
		sync_ok (&h, i == 0 ? "slow" : "fast");
	g_assert_cmpuint (harness_count_logs (&h, USER_ID), ==, 3);
	harness_clear (&h);
}

static void
test_pty (gconstpointer data)
{
	guint baud = GPOINTER_TO_UINT (data);
	Harness h;
	g_autofree char *notes = NULL, *memos = NULL, *want = NULL;

	harness_init (&h);
	new_handheld (&h);
	store_add (&h, PSTSTORE_KIND_NOTE, "From desk", "From desk", NULL);
	g_assert_cmpint (harness_sync_pty (&h, baud, NULL), ==, 0);
	g_assert_nonnull (strstr (h.conduit_line, " ok slow"));
	/* CMP: 9600 needs no change; above it the handheld switched to the rate. */
	want = g_strdup_printf (" baud %u ", baud == 9600 ? 0 : baud);
	g_assert_true (g_str_has_prefix (h.handheld_out, "hotsync completed"));
	g_assert_nonnull (strstr (h.handheld_out, want));
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Budget|Budget|Business\nFrom desk|From desk|Unfiled\nShopping|Shopping\\nmilk\\neggs|Unfiled\n");
	memos = harness_handheld_dump (&h, "memo");
	g_assert_cmpstr (memos, ==, "Business|Budget\nUnfiled|From desk\nUnfiled|Shopping\\nmilk\\neggs\n");
	/* and a fast sync on the same line */
	g_free (harness_handheld (&h, 0, "memo", "add", "Later", NULL));
	g_assert_cmpint (harness_sync_pty (&h, baud, NULL), ==, 0);
	g_assert_nonnull (strstr (h.conduit_line, " ok fast: handheld +0 ~0 -0 desktop +1 "));
	harness_clear (&h);
}

static void
test_pty_bad_frames (void)
{
	const char *const extra[] = { "--corrupt-every=4", "--ack-timeout-ms=100", NULL };
	Harness h;
	g_autofree char *notes = NULL;
	guint dropped = 0;
	const char *p;

	harness_init (&h);
	new_handheld (&h);
	g_assert_cmpint (harness_sync_pty (&h, 57600, extra), ==, 0);
	g_assert_nonnull (strstr (h.conduit_line, " ok slow"));
	p = strstr (h.conduit_line, "dropped ");
	g_assert_nonnull (p);
	dropped = (guint) g_ascii_strtoull (p + strlen ("dropped "), NULL, 10);
	g_assert_cmpuint (dropped, >, 0);
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Budget|Budget|Business\nShopping|Shopping\\nmilk\\neggs|Unfiled\n");
	harness_clear (&h);
}

/* Hang up at every DLP request of a sync with changes on both sides: the
 * store must stay as it was, and the next full sync must reach the state
 * an uninterrupted sync reaches. */
static void
prepare_changes (Harness *h)
{
	new_handheld (h);
	sync_ok (h, "slow");
	g_free (harness_handheld (h, 0, "memo", "edit", "1", "Shopping\nmilk", NULL));
	g_free (harness_handheld (h, 0, "memo", "add", "New on handheld", NULL));
	g_free (harness_handheld (h, 0, "todo", "complete", "1", NULL));
	store_add (h, PSTSTORE_KIND_NOTE, "New on desk", "New on desk", "Travel");
	store_edit_body (h, "Budget", "Budget\nrevised");
}

static void
test_disconnect_every_step (void)
{
	Harness ref, template;
	g_autofree char *want_notes = NULL, *want_memos = NULL, *want_tasks = NULL, *want_todos = NULL;
	guint requests;
	const char *p;

	harness_init (&template);
	prepare_changes (&template);
	harness_copy (&template, &ref);
	sync_ok (&ref, "fast");
	p = strstr (ref.handheld_out, "requests ");
	g_assert_nonnull (p);
	requests = (guint) g_ascii_strtoull (p + strlen ("requests "), NULL, 10);
	g_assert_cmpuint (requests, >, 20);
	want_notes = harness_store_dump (&ref, PSTSTORE_KIND_NOTE);
	want_tasks = harness_store_dump (&ref, PSTSTORE_KIND_TASK);
	want_memos = harness_handheld_dump (&ref, "memo");
	want_todos = harness_handheld_dump (&ref, "todo");
	harness_clear (&ref);

	for (guint k = 1; k <= requests; k++) {
		Harness h;
		g_autofree char *drop = g_strdup_printf ("--drop-after=%u", k);
		const char *const extra[] = { drop, NULL };
		g_autofree char *before = NULL, *after = NULL, *notes = NULL, *memos = NULL, *tasks = NULL, *todos = NULL;

		harness_copy (&template, &h);
		before = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
		g_assert_cmpint (harness_sync_net (&h, NULL, extra), ==, 1);
		g_assert_nonnull (strstr (h.handheld_out, "hotsync dropped"));
		after = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
		g_assert_cmpstr (after, ==, before);
		/* The next sync heals: a slow sync once the conduit had planned
		 * (requests 1 and 2 are ReadSysInfo and ReadUserInfo), then
		 * everything is there. */
		sync_ok (&h, k <= 2 ? "fast" : "slow");
		notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
		tasks = harness_store_dump (&h, PSTSTORE_KIND_TASK);
		memos = harness_handheld_dump (&h, "memo");
		todos = harness_handheld_dump (&h, "todo");
		g_assert_cmpstr (notes, ==, want_notes);
		g_assert_cmpstr (tasks, ==, want_tasks);
		g_assert_cmpstr (memos, ==, want_memos);
		g_assert_cmpstr (todos, ==, want_todos);
		harness_clear (&h);
	}
	harness_clear (&template);
}

/* Rows of the reconcile table (hotsync-reconcile.h) not covered above,
 * end to end.  Start: memos "Shopping…" (1) and "Budget" (2) synced. */
static void
synced (Harness *h)
{
	harness_init (h);
	new_handheld (h);
	sync_ok (h, "slow");
}

static void
test_row7_changed_vs_deleted (void)
{
	Harness h;
	g_autofree char *notes = NULL, *memos = NULL;

	synced (&h);
	g_free (harness_handheld (&h, 0, "memo", "edit", "1", "Shopping\nmilk\nsugar", NULL));
	store_delete (&h, PSTSTORE_KIND_NOTE, "Shopping");
	sync_ok (&h, "fast");
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Budget|Budget|Business\nShopping|Shopping\\nmilk\\nsugar|Unfiled\n");
	memos = harness_handheld_dump (&h, "memo");
	g_assert_cmpstr (memos, ==, "Business|Budget\nUnfiled|Shopping\\nmilk\\nsugar\n");
	harness_clear (&h);
}

static void
test_row12_deleted_vs_changed (void)
{
	Harness h;
	g_autofree char *notes = NULL, *memos = NULL;

	synced (&h);
	g_free (harness_handheld (&h, 0, "memo", "delete", "2", NULL));
	store_edit_body (&h, "Budget", "Budget\nkeep me");
	sync_ok (&h, "fast");
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Budget|Budget\\nkeep me|Business\nShopping|Shopping\\nmilk\\neggs|Unfiled\n");
	memos = harness_handheld_dump (&h, "memo");
	g_assert_cmpstr (memos, ==, "Business|Budget\\nkeep me\nUnfiled|Shopping\\nmilk\\neggs\n");
	harness_clear (&h);
}

static void
test_row14_deleted_both (void)
{
	Harness h;
	g_autofree char *notes = NULL, *memos = NULL;

	synced (&h);
	g_free (harness_handheld (&h, 0, "memo", "delete", "2", NULL));
	store_delete (&h, PSTSTORE_KIND_NOTE, "Budget");
	sync_ok (&h, "fast");
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Shopping|Shopping\\nmilk\\neggs|Unfiled\n");
	memos = harness_handheld_dump (&h, "memo");
	g_assert_cmpstr (memos, ==, "Unfiled|Shopping\\nmilk\\neggs\n");
	harness_clear (&h);
}

static void
test_row17_archived_vs_changed (void)
{
	Harness h;
	g_autofree char *memos = NULL;

	synced (&h);
	g_free (harness_handheld (&h, 0, "memo", "archive", "2", NULL));
	store_edit_body (&h, "Budget", "Budget\ndesk edit");
	sync_ok (&h, "fast");
	memos = harness_handheld_dump (&h, "memo");
	g_assert_cmpstr (memos, ==, "Business|Budget\\ndesk edit\nUnfiled|Shopping\\nmilk\\neggs\n");
	harness_clear (&h);
}

static void
test_row20_purged_on_handheld (void)
{
	Harness h;
	g_autofree char *notes = NULL;

	synced (&h);
	g_free (harness_handheld (&h, 0, "memo", "purge", "2", NULL));
	sync_ok (&h, "fast");   /* fast: a purged record is simply not reported */
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Budget|Budget|Business\nShopping|Shopping\\nmilk\\neggs|Unfiled\n");
	/* A full sync sees it is gone: delete both. */
	{
		const char *const full[] = { "--full-sync", NULL };

		g_assert_cmpint (harness_sync_net (&h, full, NULL), ==, 0);
		g_assert_nonnull (strstr (h.conduit_line, " ok slow"));
	}
	g_clear_pointer (&notes, g_free);
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Shopping|Shopping\\nmilk\\neggs|Unfiled\n");
	harness_clear (&h);
}

static void
test_row5_same_edit (void)
{
	Harness h;
	g_autofree char *notes = NULL, *memos = NULL;

	synced (&h);
	g_free (harness_handheld (&h, 0, "memo", "edit", "2", "Budget\nsame", NULL));
	store_edit_body (&h, "Budget", "Budget\nsame");
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "conflicts 0"));
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Budget|Budget\\nsame|Business\nShopping|Shopping\\nmilk\\neggs|Unfiled\n");
	memos = harness_handheld_dump (&h, "memo");
	g_assert_cmpstr (memos, ==, "Business|Budget\\nsame\nUnfiled|Shopping\\nmilk\\neggs\n");
	harness_clear (&h);
}

/* Text crosses as Windows-1252: what it holds survives both ways,
 * what it lacks becomes '?' on the handheld only. */
static void
test_text (void)
{
	Harness h;
	g_autofree char *a = NULL, *notes = NULL, *memos = NULL;

	harness_init (&h);
	a = harness_handheld (&h, 0, "--user", "J\xc3\xbcrgen", "--user-id", USER_ID_STR, "memo", "add",
	                      "Gr\xc3\xbc\xc3\x9f" "e \xe2\x80\x94 5 \xe2\x82\xac", NULL);
	store_add (&h, PSTSTORE_KIND_NOTE, "Caf\xc3\xa9 \xe6\x97\xa5", "Caf\xc3\xa9 \xe6\x97\xa5", NULL);
	sync_ok (&h, "slow");
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_nonnull (strstr (notes, "Gr\xc3\xbc\xc3\x9f" "e \xe2\x80\x94 5 \xe2\x82\xac|"));
	memos = harness_handheld_dump (&h, "memo");
	g_assert_nonnull (strstr (memos, "Unfiled|Caf\xc3\xa9 ?\n"));
	g_assert_nonnull (strstr (memos, "Unfiled|Gr\xc3\xbc\xc3\x9f" "e \xe2\x80\x94 5 \xe2\x82\xac\n"));
	harness_clear (&h);
}

/* A record that does not decode (a todo cut short) is skipped and logged;
 * the rest syncs, now and next time. */
static void
test_bad_record (void)
{
	Harness h;
	g_autofree char *text = NULL, *notes = NULL, *log = NULL;
	g_autoptr (GString) s = NULL;

	harness_init (&h);
	new_handheld (&h);
	g_assert_true (g_file_get_contents (h.state, &text, NULL, NULL));
	s = g_string_new (text);
	g_string_append (s, "\n[ToDoDB record 1]\nid=999\nattr=64\ncategory=0\ndata=ff\n");
	g_assert_true (g_file_set_contents (h.state, s->str, -1, NULL));
	sync_ok (&h, "slow");
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Budget|Budget|Business\nShopping|Shopping\\nmilk\\neggs|Unfiled\n");
	log = harness_newest_log (&h, USER_ID);
	g_assert_nonnull (strstr (log, "skipped: todo record 0x0003e7 does not decode"));
	sync_ok (&h, "fast");
	harness_clear (&h);
}

static int
check_config (const char *conf_text)
{
	g_autofree char *dir = g_dir_make_tmp ("airdock-cc-XXXXXX", NULL);
	g_autofree char *conf = g_build_filename (dir, "conduit.ini", NULL);
	g_autofree char *prog = g_test_build_filename (G_TEST_BUILT, "conduit/airdock-conduit", NULL);
	g_autofree char *arg = g_strconcat ("--config=", conf, NULL);
	const char *argv[] = { prog, "--check-config", arg, NULL };
	g_autoptr (GError) error = NULL;
	int status = -1;

	g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));
	g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL,
	                             &status, &error));
	g_assert_no_error (error);
	(void) g_remove (conf);
	(void) g_rmdir (dir);
	return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_check_config (void)
{
	g_assert_cmpint (check_config ("[conduit]\nlisten=net:14238;serial:/dev/ttyS0@115200;usb\n"), ==, 0);
	g_assert_cmpint (check_config ("[conduit]\nlisten=net:65536\n"), ==, 2);
	g_assert_cmpint (check_config ("[conduit]\nlisten=serial:/dev/ttyS0@300\n"), ==, 2);
	g_assert_cmpint (check_config ("[conduit]\nport=14238\n"), ==, 2);
	g_assert_cmpint (check_config ("[other]\n"), ==, 2);
}

/* Two handhelds at once, one on TCP and one on a pty, into one store. */
static void
test_two_links (void)
{
	Harness a, b;
	g_autofree char *pty = NULL, *listen_serial = NULL, *listening = NULL, *store_arg = NULL, *logs_arg = NULL;
	g_autofree char *line1 = NULL, *line2 = NULL, *notes = NULL;
	g_autoptr (GSubprocess) hb = NULL, c = NULL, ha = NULL;

	harness_init (&a);
	harness_init (&b);
	g_free (harness_handheld (&a, 0, "--user-id", "101", "memo", "add", "from TCP", NULL));
	g_free (harness_handheld (&b, 0, "--user-id", "202", "memo", "add", "from serial", NULL));
	hb = harness_spawn ("tests/handheld/airdock-handheld", "--state", b.state, "--pty", "--baud=115200", NULL);
	pty = harness_read_line (hb);
	g_assert_nonnull (pty);
	g_assert_true (g_str_has_prefix (pty, "pty /"));
	listen_serial = g_strdup_printf ("--listen=serial:%s@115200", pty + 4);
	store_arg = g_strconcat ("--store=", a.store, NULL);
	logs_arg = g_strconcat ("--log-dir=", a.logs, NULL);
	c = harness_spawn ("conduit/airdock-conduit", store_arg, logs_arg, "--listen=net:127.0.0.1:0", listen_serial, NULL);
	listening = harness_read_line (c);
	g_assert_nonnull (listening);
	g_assert_true (g_str_has_prefix (listening, "listening net:"));
	ha = harness_spawn ("tests/handheld/airdock-handheld", "--state", a.state, "--net",
	                    listening + strlen ("listening net:"), NULL);
	g_assert_true (g_subprocess_wait_check (ha, NULL, NULL));
	g_assert_true (g_subprocess_wait_check (hb, NULL, NULL));
	line1 = harness_read_line (c);
	line2 = harness_read_line (c);
	g_subprocess_force_exit (c);
	g_assert_nonnull (line1);
	g_assert_nonnull (line2);
	g_assert_nonnull (strstr (line1, " ok slow"));
	g_assert_nonnull (strstr (line2, " ok slow"));
	notes = harness_store_dump (&a, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "from TCP|from TCP|Unfiled\nfrom serial|from serial|Unfiled\n");
	g_assert_cmpuint (harness_count_logs (&a, 101), ==, 1);
	g_assert_cmpuint (harness_count_logs (&a, 202), ==, 1);
	harness_clear (&a);
	harness_clear (&b);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/conduit/net/first-sync", test_first_sync);
	g_test_add_func ("/conduit/net/fast-sync-both-ways", test_fast_sync_both_ways);
	g_test_add_func ("/conduit/net/conflict-keeps-both", test_conflict_keeps_both);
	g_test_add_func ("/conduit/net/delete-and-archive", test_delete_and_archive);
	g_test_add_func ("/conduit/net/slow-sync-other-desktop", test_slow_sync_other_desktop);
	g_test_add_func ("/conduit/net/logs-kept", test_logs_kept);
	g_test_add_func ("/conduit/net/windows-1252", test_text);
	g_test_add_func ("/conduit/net/bad-record", test_bad_record);
	g_test_add_func ("/conduit/check-config", test_check_config);
	g_test_add_func ("/conduit/two-links", test_two_links);
	g_test_add_func ("/conduit/rows/7-changed-vs-deleted", test_row7_changed_vs_deleted);
	g_test_add_func ("/conduit/rows/12-deleted-vs-changed", test_row12_deleted_vs_changed);
	g_test_add_func ("/conduit/rows/14-deleted-both", test_row14_deleted_both);
	g_test_add_func ("/conduit/rows/17-archived-vs-changed", test_row17_archived_vs_changed);
	g_test_add_func ("/conduit/rows/20-purged-on-handheld", test_row20_purged_on_handheld);
	g_test_add_func ("/conduit/rows/5-same-edit", test_row5_same_edit);
	g_test_add_data_func ("/conduit/pty/9600", GUINT_TO_POINTER (9600), test_pty);
	g_test_add_data_func ("/conduit/pty/57600", GUINT_TO_POINTER (57600), test_pty);
	g_test_add_data_func ("/conduit/pty/115200", GUINT_TO_POINTER (115200), test_pty);
	g_test_add_func ("/conduit/pty/bad-frames", test_pty_bad_frames);
	g_test_add_func ("/conduit/net/disconnect-every-step", test_disconnect_every_step);
	return g_test_run ();
}
