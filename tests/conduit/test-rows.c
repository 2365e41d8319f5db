/* End to end, one test per row of the reconcile table
 * (hotsync/hotsync-reconcile.h): real airdock-conduit and airdock-handheld
 * processes over TCP; the handheld checked through its `list`, the store
 * through libpststore, and the sync log.
 *
 * Every test starts from two synced memos: 1 "Shopping\nmilk\neggs"
 * (Unfiled) and 2 "Budget" (Business).
 *
 * How the desktop side is reached: an edit or a delete through pststore
 * is CHANGED or DELETED for the handheld's partner; an item saved or
 * deleted with origin "palm:4242" (the handheld's own partner) is not
 * reported to it, so an item that vanishes that way is ABSENT with no
 * tombstone (and its pairing is dropped), and an item added that way is
 * UNCHANGED and not paired. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tests/conduit/harness.h"

#define USER_ID 4242
#define USER_ID_STR "4242"
#define PARTNER "palm:" USER_ID_STR

static const char *const full_sync[] = { "--full-sync", NULL };

static void
sync_with (Harness *h, const char *const *conduit_extra, const char *mode)
{
	g_assert_cmpint (harness_sync_net (h, conduit_extra, NULL), ==, 0);
	g_assert_nonnull (strstr (h->conduit_line, " ok "));
	g_assert_nonnull (strstr (h->conduit_line, mode));
	g_assert_nonnull (strstr (h->handheld_out, "hotsync completed"));
}

static void
sync_ok (Harness *h, const char *mode)
{
	sync_with (h, NULL, mode);
}

static void
synced (Harness *h)
{
	harness_init (h);
	g_free (harness_handheld (h, 0, "--user", "Test User", "--user-id", USER_ID_STR, "memo", "add",
	                          "Shopping\nmilk\neggs", NULL));
	g_free (harness_handheld (h, 0, "--category", "Business", "memo", "add", "Budget", NULL));
	sync_ok (h, "slow");
}

static void
memo (Harness *h, const char *verb, const char *n, const char *text)
{
	g_free (harness_handheld (h, 0, "memo", verb, n, text, NULL));
}

static gint64
store_add (Harness *h, const char *subject, const char *body, const char *category, const char *origin)
{
	g_autoptr (PststoreStore) s = harness_store_open (h);
	g_autoptr (PststoreItem) it = pststore_item_new ("IPM.StickyNote");
	g_autoptr (GError) error = NULL;

	it->folder_id = pststore_folder_default (s, PSTSTORE_KIND_NOTE, &error);
	g_assert_no_error (error);
	it->subject = g_strdup (subject);
	it->body = g_strdup (body);
	if (category != NULL) {
		it->categories = g_new0 (char *, 2);
		it->categories[0] = g_strdup (category);
	}
	g_assert_true (pststore_item_save (s, it, origin, &error));
	g_assert_no_error (error);
	return it->id;
}

static PststoreItem *
store_find (Harness *h, const char *subject)
{
	g_autoptr (PststoreStore) s = harness_store_open (h);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) items = pststore_item_list (s, pststore_folder_default (s, PSTSTORE_KIND_NOTE, NULL),
	                                                   &error);

	g_assert_no_error (error);
	for (guint i = 0; i < items->len; i++) {
		PststoreItem *it = g_ptr_array_index (items, i);

		if (g_strcmp0 (it->subject, subject) == 0)
			return pststore_item_copy (it);
	}
	return NULL;
}

/* body "Subject\nrest": the subject is its first line */
static void
store_edit (Harness *h, const char *subject, const char *body)
{
	g_autoptr (PststoreItem) it = store_find (h, subject);
	g_autoptr (PststoreStore) s = harness_store_open (h);
	g_autoptr (GError) error = NULL;

	g_assert_nonnull (it);
	g_free (it->body);
	it->body = g_strdup (body);
	g_free (it->subject);
	it->subject = g_strndup (body, strcspn (body, "\n"));
	g_assert_true (pststore_item_save (s, it, NULL, &error));
	g_assert_no_error (error);
}

/* origin NULL: a local delete (a tombstone for the handheld); PARTNER: the
 * handheld's partner sees no tombstone and the pairing is gone. */
static void
store_delete (Harness *h, const char *subject, const char *origin)
{
	g_autoptr (PststoreItem) it = store_find (h, subject);
	g_autoptr (PststoreStore) s = harness_store_open (h);
	g_autoptr (GError) error = NULL;

	g_assert_nonnull (it);
	g_assert_true (pststore_item_delete (s, it->id, origin, &error));
	g_assert_no_error (error);
}

static int
cmp_str (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The subjects in the Notes folder's Archive, sorted, one a line. */
static char *
archive_dump (Harness *h)
{
	g_autoptr (PststoreStore) s = harness_store_open (h);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) items = NULL;
	GString *out = g_string_new (NULL);
	gint64 archive;

	archive = pststore_folder_find_child (s, pststore_folder_default (s, PSTSTORE_KIND_NOTE, NULL), "Archive",
	                                      &error);
	if (archive == 0) {
		g_clear_error (&error);
		return g_string_free (out, FALSE);
	}
	items = pststore_item_list (s, archive, &error);
	g_assert_no_error (error);
	for (guint i = 0; i < items->len; i++) {
		PststoreItem *it = g_ptr_array_index (items, i);
		g_autofree char *body = g_strescape (it->body != NULL ? it->body : "", NULL);

		g_ptr_array_add (lines, g_strdup_printf ("%s|%s", it->subject, body));
	}
	g_ptr_array_sort (lines, cmp_str);
	for (guint i = 0; i < lines->len; i++)
		g_string_append_printf (out, "%s\n", (char *) lines->pdata[i]);
	return g_string_free (out, FALSE);
}

static void
assert_both (Harness *h, const char *want_notes, const char *want_memos)
{
	g_autofree char *notes = harness_store_dump (h, PSTSTORE_KIND_NOTE);
	g_autofree char *memos = harness_handheld_dump (h, "memo");

	g_assert_cmpstr (notes, ==, want_notes);
	g_assert_cmpstr (memos, ==, want_memos);
}

static void
assert_log (Harness *h, const char *line, gboolean want)
{
	g_autofree char *log = harness_newest_log (h, USER_ID);

	if (want && strstr (log, line) == NULL)
		g_error ("log lacks \"%s\":\n%s", line, log);
	if (!want && strstr (log, line) != NULL)
		g_error ("log has \"%s\":\n%s", line, log);
}

/* No deleted, archived or dirty record is left on the handheld after a
 * sync (CleanUpDatabase, ResetSyncFlags): read from its state file, since
 * `list` shows live records only. */
static void
assert_handheld_clean (Harness *h)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (GError) error = NULL;
	g_auto (GStrv) groups = NULL;
	guint n = 0;

	g_assert_true (g_key_file_load_from_file (kf, h->state, G_KEY_FILE_NONE, &error));
	g_assert_no_error (error);
	groups = g_key_file_get_groups (kf, NULL);
	for (guint i = 0; groups[i] != NULL; i++) {
		gint attr;

		if (!g_str_has_prefix (groups[i], "MemoDB record "))
			continue;
		attr = g_key_file_get_integer (kf, groups[i], "attr", &error);
		g_assert_no_error (error);
		/* deleted 0x80, dirty 0x40, archived 0x08 */
		g_assert_cmphex (attr & 0xc8, ==, 0);
		n++;
	}
	g_assert_cmpuint (n, >, 0);
}

/* The next fast sync has nothing left to do. */
static void
assert_settled (Harness *h)
{
	sync_ok (h, "fast");
	g_assert_nonnull (strstr (h->conduit_line, "handheld +0 ~0 -0 desktop +0 ~0 -0 archived 0 conflicts 0"));
}

#define BUDGET_NOTE "Budget|Budget|Business\n"
#define SHOPPING_NOTE "Shopping|Shopping\\nmilk\\neggs|Unfiled\n"
#define BUDGET_MEMO "Business|Budget\n"
#define SHOPPING_MEMO "Unfiled|Shopping\\nmilk\\neggs\n"

/* 1: CHANGED / ABSENT / not known: new on the handheld. */
static void
test_row01 (void)
{
	Harness h;

	synced (&h);
	memo (&h, "add", "Ideas\nnew", NULL);
	sync_ok (&h, "fast");
	assert_both (&h, BUDGET_NOTE "Ideas|Ideas\\nnew|Unfiled\n" SHOPPING_NOTE,
	             BUDGET_MEMO "Unfiled|Ideas\\nnew\n" SHOPPING_MEMO);
	assert_log (&h, "desktop: added memo \"Ideas\"", TRUE);
	assert_handheld_clean (&h);
	assert_settled (&h);
	harness_clear (&h);
}

/* 2: CHANGED / ABSENT / known.  The conduit knows a pair only through the
 * desktop's item or its tombstone, so "known" with the item gone and no
 * tombstone is classified as row 1 (not known); the action is the same,
 * STORE_ON_DESKTOP, which is what is checked: the handheld's edit comes
 * back as a desktop item although the item vanished without a trace. */
static void
test_row02 (void)
{
	Harness h;

	synced (&h);
	memo (&h, "edit", "2", "Budget\nhandheld edit");
	store_delete (&h, "Budget", PARTNER);
	sync_ok (&h, "fast");
	assert_both (&h, "Budget|Budget\\nhandheld edit|Business\n" SHOPPING_NOTE,
	             "Business|Budget\\nhandheld edit\n" SHOPPING_MEMO);
	assert_log (&h, "desktop: added memo \"Budget\"", TRUE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 3: ABSENT / CHANGED / not known: new on the desktop. */
static void
test_row03 (void)
{
	Harness h;

	synced (&h);
	store_add (&h, "Desk note", "Desk note\nfrom Outlook", "Travel", NULL);
	sync_ok (&h, "fast");
	assert_both (&h, BUDGET_NOTE "Desk note|Desk note\\nfrom Outlook|Travel\n" SHOPPING_NOTE,
	             BUDGET_MEMO "Travel|Desk note\\nfrom Outlook\n" SHOPPING_MEMO);
	assert_log (&h, "handheld: added memo \"Desk note\"", TRUE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 4: ABSENT / CHANGED / known: the record was purged on the handheld (as
 * another desktop's CleanUp would), the desktop edited it.  A fast sync
 * cannot see a purge (unreported records are UNCHANGED), so a slow sync. */
static void
test_row04 (void)
{
	Harness h;

	synced (&h);
	memo (&h, "purge", "2", NULL);
	store_edit (&h, "Budget", "Budget\ndesk edit");
	sync_with (&h, full_sync, "slow");
	assert_both (&h, "Budget|Budget\\ndesk edit|Business\n" SHOPPING_NOTE,
	             "Business|Budget\\ndesk edit\n" SHOPPING_MEMO);
	assert_log (&h, "handheld: added memo \"Budget\"", TRUE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 5: CHANGED / CHANGED, different: keep both. */
static void
test_row05_different (void)
{
	Harness h;

	synced (&h);
	memo (&h, "edit", "2", "Budget\nhandheld edit");
	store_edit (&h, "Budget", "Budget\ndesktop edit");
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "conflicts 1"));
	assert_both (&h,
	             "Budget|Budget\\ndesktop edit|Business\nBudget|Budget\\nhandheld edit|Business\n" SHOPPING_NOTE,
	             "Business|Budget\\ndesktop edit\nBusiness|Budget\\nhandheld edit\n" SHOPPING_MEMO);
	assert_log (&h, "conflict: memo \"Budget\"", TRUE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 5: CHANGED / CHANGED, the same edit on both sides: nothing to do. */
static void
test_row05_same (void)
{
	Harness h;

	synced (&h);
	memo (&h, "edit", "2", "Budget\nsame");
	store_edit (&h, "Budget", "Budget\nsame");
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "conflicts 0"));
	assert_both (&h, "Budget|Budget\\nsame|Business\n" SHOPPING_NOTE, "Business|Budget\\nsame\n" SHOPPING_MEMO);
	assert_log (&h, "conflict:", FALSE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 6: CHANGED / UNCHANGED: handheld wins. */
static void
test_row06 (void)
{
	Harness h;
	g_autoptr (PststoreItem) before = NULL, after = NULL;

	synced (&h);
	before = store_find (&h, "Budget");
	memo (&h, "edit", "2", "Budget\nhandheld edit");
	sync_ok (&h, "fast");
	assert_both (&h, "Budget|Budget\\nhandheld edit|Business\n" SHOPPING_NOTE,
	             "Business|Budget\\nhandheld edit\n" SHOPPING_MEMO);
	/* replaced in place, not added */
	after = store_find (&h, "Budget");
	g_assert_cmpint (after->id, ==, before->id);
	assert_log (&h, "desktop: changed memo \"Budget\"", TRUE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 7: CHANGED / DELETED: handheld wins, the item is restored. */
static void
test_row07 (void)
{
	Harness h;

	synced (&h);
	memo (&h, "edit", "1", "Shopping\nmilk\nsugar");
	store_delete (&h, "Shopping", NULL);
	sync_ok (&h, "fast");
	assert_both (&h, BUDGET_NOTE "Shopping|Shopping\\nmilk\\nsugar|Unfiled\n",
	             BUDGET_MEMO "Unfiled|Shopping\\nmilk\\nsugar\n");
	assert_log (&h, "handheld: deleted", FALSE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 8: UNCHANGED / CHANGED: desktop wins, written over the same record. */
static void
test_row08 (void)
{
	Harness h;

	synced (&h);
	store_edit (&h, "Budget", "Budget\ndesk edit");
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "handheld +0 ~1 -0"));
	assert_both (&h, "Budget|Budget\\ndesk edit|Business\n" SHOPPING_NOTE,
	             "Business|Budget\\ndesk edit\n" SHOPPING_MEMO);
	assert_log (&h, "handheld: changed memo \"Budget\"", TRUE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 6 and 8 on a slow sync: the handheld's state comes from comparing with
 * the last-sync copy (its dirty bits are not looked at). */
static void
test_row06_slow (void)
{
	Harness h;

	synced (&h);
	memo (&h, "edit", "2", "Budget\nhandheld edit");
	sync_with (&h, full_sync, "slow");
	assert_both (&h, "Budget|Budget\\nhandheld edit|Business\n" SHOPPING_NOTE,
	             "Business|Budget\\nhandheld edit\n" SHOPPING_MEMO);
	assert_log (&h, "desktop: changed memo \"Budget\"", TRUE);
	assert_log (&h, "conflict:", FALSE);
	assert_settled (&h);
	harness_clear (&h);
}

static void
test_row08_slow (void)
{
	Harness h;

	synced (&h);
	store_edit (&h, "Budget", "Budget\ndesk edit");
	sync_with (&h, full_sync, "slow");
	assert_both (&h, "Budget|Budget\\ndesk edit|Business\n" SHOPPING_NOTE,
	             "Business|Budget\\ndesk edit\n" SHOPPING_MEMO);
	assert_log (&h, "handheld: changed memo \"Budget\"", TRUE);
	assert_log (&h, "conflict:", FALSE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 9: UNCHANGED / UNCHANGED: nothing, on a fast and on a slow sync (where
 * the handheld's state comes from comparing with the last-sync copy). */
static void
test_row09 (void)
{
	Harness h;

	synced (&h);
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "handheld +0 ~0 -0 desktop +0 ~0 -0 archived 0 conflicts 0"));
	sync_with (&h, full_sync, "slow");
	g_assert_nonnull (strstr (h.conduit_line, "handheld +0 ~0 -0 desktop +0 ~0 -0 archived 0 conflicts 0"));
	assert_both (&h, BUDGET_NOTE SHOPPING_NOTE, BUDGET_MEMO SHOPPING_MEMO);
	harness_clear (&h);
}

/* 10: UNCHANGED / DELETED: delete on the handheld and forget. */
static void
test_row10 (void)
{
	Harness h;
	g_autoptr (PststoreStore) s = NULL;
	gsize n = 99;

	synced (&h);
	store_delete (&h, "Budget", NULL);
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "handheld +0 ~0 -1"));
	assert_both (&h, SHOPPING_NOTE, SHOPPING_MEMO);
	assert_log (&h, "handheld: deleted memo", TRUE);
	assert_settled (&h);
	/* forgotten: the tombstone has served every partner */
	s = harness_store_open (&h);
	g_assert_true (pststore_count_tombstones (s, &n, NULL));
	g_assert_cmpuint (n, ==, 0);
	harness_clear (&h);
}

/* 10 on a slow sync: the handheld's record is unchanged by the hash of its
 * last-sync copy (last-sync.ini), the desktop's item has a tombstone. */
static void
test_row10_slow (void)
{
	Harness h;

	synced (&h);
	store_delete (&h, "Budget", NULL);
	sync_with (&h, full_sync, "slow");
	assert_both (&h, SHOPPING_NOTE, SHOPPING_MEMO);
	assert_log (&h, "handheld: deleted memo", TRUE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 11: UNCHANGED / ABSENT.  Not reachable as classified: a fast sync never
 * reports an unchanged record (and the desktop has no tombstone to look
 * at), and on a slow sync "unchanged" needs the last-sync copy, which the
 * conduit takes from the paired item — without the item the record is
 * CHANGED and not known (row 1).  The nearest situation: the item vanished
 * without a tombstone, then a slow sync; the promise of row 11 (never lose
 * data the desktop cannot account for: STORE_ON_DESKTOP) is checked. */
static void
test_row11 (void)
{
	Harness h;

	synced (&h);
	store_delete (&h, "Budget", PARTNER);
	sync_with (&h, full_sync, "slow");
	assert_both (&h, BUDGET_NOTE SHOPPING_NOTE, BUDGET_MEMO SHOPPING_MEMO);
	assert_log (&h, "desktop: added memo \"Budget\"", TRUE);
	assert_log (&h, "handheld: deleted", FALSE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 12: DELETED / CHANGED: re-create on the handheld. */
static void
test_row12 (void)
{
	Harness h;

	synced (&h);
	memo (&h, "delete", "2", NULL);
	store_edit (&h, "Budget", "Budget\nkeep me");
	sync_ok (&h, "fast");
	assert_both (&h, "Budget|Budget\\nkeep me|Business\n" SHOPPING_NOTE, "Business|Budget\\nkeep me\n" SHOPPING_MEMO);
	assert_log (&h, "handheld: added memo \"Budget\"", TRUE);
	assert_handheld_clean (&h);
	assert_settled (&h);
	harness_clear (&h);
}

/* 13: DELETED / UNCHANGED: delete both. */
static void
test_row13 (void)
{
	Harness h;

	synced (&h);
	memo (&h, "delete", "2", NULL);
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "desktop +0 ~0 -1"));
	assert_both (&h, SHOPPING_NOTE, SHOPPING_MEMO);
	assert_log (&h, "desktop: deleted memo \"Budget\"", TRUE);
	assert_handheld_clean (&h);
	assert_settled (&h);
	harness_clear (&h);
}

/* 14: DELETED / DELETED: forget. */
static void
test_row14 (void)
{
	Harness h;

	synced (&h);
	memo (&h, "delete", "2", NULL);
	store_delete (&h, "Budget", NULL);
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "handheld +0 ~0 -0 desktop +0 ~0 -0"));
	assert_both (&h, SHOPPING_NOTE, SHOPPING_MEMO);
	assert_handheld_clean (&h);
	assert_settled (&h);
	harness_clear (&h);
}

/* 15: DELETED / ABSENT: added and deleted on the handheld between syncs. */
static void
test_row15 (void)
{
	Harness h;

	synced (&h);
	memo (&h, "add", "Scratch", NULL);
	memo (&h, "delete", "3", NULL);
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "handheld +0 ~0 -0 desktop +0 ~0 -0"));
	assert_both (&h, BUDGET_NOTE SHOPPING_NOTE, BUDGET_MEMO SHOPPING_MEMO);
	assert_log (&h, "Scratch", FALSE);
	assert_handheld_clean (&h);
	assert_settled (&h);
	harness_clear (&h);
}

/* 16: ARCHIVED / UNCHANGED: into the desktop's archive, off the live items. */
static void
test_row16 (void)
{
	Harness h;
	g_autofree char *archive = NULL;

	synced (&h);
	memo (&h, "archive", "2", NULL);
	sync_ok (&h, "fast");
	assert_both (&h, SHOPPING_NOTE, SHOPPING_MEMO);
	archive = archive_dump (&h);
	g_assert_cmpstr (archive, ==, "Budget|Budget\n");
	assert_log (&h, "desktop: archived memo \"Budget\"", TRUE);
	assert_handheld_clean (&h);
	assert_settled (&h);
	harness_clear (&h);
}

/* 17: ARCHIVED / CHANGED: the desktop's edit outranks the archive request. */
static void
test_row17 (void)
{
	Harness h;
	g_autofree char *archive = NULL;

	synced (&h);
	memo (&h, "archive", "2", NULL);
	store_edit (&h, "Budget", "Budget\ndesk edit");
	sync_ok (&h, "fast");
	assert_both (&h, "Budget|Budget\\ndesk edit|Business\n" SHOPPING_NOTE,
	             "Business|Budget\\ndesk edit\n" SHOPPING_MEMO);
	archive = archive_dump (&h);
	g_assert_cmpstr (archive, ==, "");
	assert_log (&h, "handheld: added memo \"Budget\"", TRUE);
	assert_handheld_clean (&h);
	assert_settled (&h);
	harness_clear (&h);
}

/* 18: ARCHIVED / DELETED: the handheld's record goes to the archive. */
static void
test_row18 (void)
{
	Harness h;
	g_autofree char *archive = NULL;

	synced (&h);
	memo (&h, "archive", "2", NULL);
	store_delete (&h, "Budget", NULL);
	sync_ok (&h, "fast");
	assert_both (&h, SHOPPING_NOTE, SHOPPING_MEMO);
	archive = archive_dump (&h);
	g_assert_cmpstr (archive, ==, "Budget|Budget\n");
	assert_handheld_clean (&h);
	assert_settled (&h);
	harness_clear (&h);
}

/* 19: ARCHIVED / ABSENT: added and archived on the handheld between syncs. */
static void
test_row19 (void)
{
	Harness h;
	g_autofree char *archive = NULL;

	synced (&h);
	memo (&h, "add", "Old stuff\nkeep", NULL);
	memo (&h, "archive", "3", NULL);
	sync_ok (&h, "fast");
	assert_both (&h, BUDGET_NOTE SHOPPING_NOTE, BUDGET_MEMO SHOPPING_MEMO);
	archive = archive_dump (&h);
	g_assert_cmpstr (archive, ==, "Old stuff|Old stuff\\nkeep\n");
	assert_log (&h, "desktop: archived memo \"Old stuff\"", TRUE);
	assert_handheld_clean (&h);
	assert_settled (&h);
	harness_clear (&h);
}

/* 20: ABSENT / UNCHANGED / known: purged on the handheld, delete both.
 * A fast sync does not see a purge (nothing is reported); a slow one does. */
static void
test_row20 (void)
{
	Harness h;

	synced (&h);
	memo (&h, "purge", "2", NULL);
	sync_with (&h, full_sync, "slow");
	assert_both (&h, SHOPPING_NOTE, SHOPPING_MEMO);
	assert_log (&h, "desktop: deleted memo \"Budget\"", TRUE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 21: ABSENT / UNCHANGED / not known: an item this handheld has never seen
 * and that has not changed since its last sync (saved with the handheld's
 * partner as origin, so not reported as a change, and never paired).  A
 * fast sync only looks at changed items; a slow sync adds it. */
static void
test_row21 (void)
{
	Harness h;

	synced (&h);
	store_add (&h, "Imported", "Imported\nold note", NULL, PARTNER);
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "handheld +0 ~0 -0"));
	sync_with (&h, full_sync, "slow");
	assert_both (&h, BUDGET_NOTE "Imported|Imported\\nold note|Unfiled\n" SHOPPING_NOTE,
	             BUDGET_MEMO "Unfiled|Imported\\nold note\n" SHOPPING_MEMO);
	assert_log (&h, "handheld: added memo \"Imported\"", TRUE);
	assert_settled (&h);
	harness_clear (&h);
}

/* 22: ABSENT / DELETED: purged on the handheld and deleted on the
 * desktop: forget.  The conduit never looks this row up: a slow sync
 * decides per handheld record and per live item, and here there is
 * neither (the tombstone is simply not acted on); a fast sync takes the
 * unreported record for UNCHANGED and applies row 10 (DeleteRecord on a
 * record already gone, which must not fail the sync).  Checked: both
 * syncs succeed and nothing comes back on either side. */
static void
test_row22 (void)
{
	Harness h, f;

	synced (&h);
	memo (&h, "purge", "2", NULL);
	store_delete (&h, "Budget", NULL);
	harness_copy (&h, &f);
	sync_with (&h, full_sync, "slow");
	assert_both (&h, SHOPPING_NOTE, SHOPPING_MEMO);
	assert_log (&h, "desktop: deleted", FALSE);
	assert_settled (&h);
	sync_ok (&f, "fast");
	assert_both (&f, SHOPPING_NOTE, SHOPPING_MEMO);
	assert_settled (&f);
	harness_clear (&f);
	harness_clear (&h);
}

/* 23: ABSENT / ABSENT: a pair gone from both sides without a trace
 * (purged on the handheld, deleted on the desktop with no tombstone for
 * this handheld).  As for row 22 there is nothing for the conduit to
 * iterate, so the row is never looked up; checked: nothing comes back,
 * on a fast and on a slow sync. */
static void
test_row23 (void)
{
	Harness h;

	synced (&h);
	memo (&h, "purge", "2", NULL);
	store_delete (&h, "Budget", PARTNER);
	sync_ok (&h, "fast");
	g_assert_nonnull (strstr (h.conduit_line, "handheld +0 ~0 -0 desktop +0 ~0 -0"));
	sync_with (&h, full_sync, "slow");
	g_assert_nonnull (strstr (h.conduit_line, "handheld +0 ~0 -0 desktop +0 ~0 -0"));
	assert_both (&h, SHOPPING_NOTE, SHOPPING_MEMO);
	harness_clear (&h);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/conduit/rows-e2e/01-new-on-handheld", test_row01);
	g_test_add_func ("/conduit/rows-e2e/02-changed-vs-vanished", test_row02);
	g_test_add_func ("/conduit/rows-e2e/03-new-on-desktop", test_row03);
	g_test_add_func ("/conduit/rows-e2e/04-purged-vs-changed", test_row04);
	g_test_add_func ("/conduit/rows-e2e/05-changed-both-different", test_row05_different);
	g_test_add_func ("/conduit/rows-e2e/05-changed-both-same", test_row05_same);
	g_test_add_func ("/conduit/rows-e2e/06-changed-vs-unchanged", test_row06);
	g_test_add_func ("/conduit/rows-e2e/06-changed-vs-unchanged-slow", test_row06_slow);
	g_test_add_func ("/conduit/rows-e2e/07-changed-vs-deleted", test_row07);
	g_test_add_func ("/conduit/rows-e2e/08-unchanged-vs-changed", test_row08);
	g_test_add_func ("/conduit/rows-e2e/08-unchanged-vs-changed-slow", test_row08_slow);
	g_test_add_func ("/conduit/rows-e2e/09-unchanged-both", test_row09);
	g_test_add_func ("/conduit/rows-e2e/10-unchanged-vs-deleted", test_row10);
	g_test_add_func ("/conduit/rows-e2e/10-unchanged-vs-deleted-slow", test_row10_slow);
	g_test_add_func ("/conduit/rows-e2e/11-unchanged-vs-vanished", test_row11);
	g_test_add_func ("/conduit/rows-e2e/12-deleted-vs-changed", test_row12);
	g_test_add_func ("/conduit/rows-e2e/13-deleted-vs-unchanged", test_row13);
	g_test_add_func ("/conduit/rows-e2e/14-deleted-both", test_row14);
	g_test_add_func ("/conduit/rows-e2e/15-deleted-new", test_row15);
	g_test_add_func ("/conduit/rows-e2e/16-archived-vs-unchanged", test_row16);
	g_test_add_func ("/conduit/rows-e2e/17-archived-vs-changed", test_row17);
	g_test_add_func ("/conduit/rows-e2e/18-archived-vs-deleted", test_row18);
	g_test_add_func ("/conduit/rows-e2e/19-archived-new", test_row19);
	g_test_add_func ("/conduit/rows-e2e/20-purged-vs-unchanged", test_row20);
	g_test_add_func ("/conduit/rows-e2e/21-unpaired-unchanged", test_row21);
	g_test_add_func ("/conduit/rows-e2e/22-purged-vs-deleted", test_row22);
	g_test_add_func ("/conduit/rows-e2e/23-gone-both", test_row23);
	return g_test_run ();
}
