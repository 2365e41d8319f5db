/* The reconcile table: one test per row of hotsync-reconcile.h. */
#include "config.h"

#include "hotsync/hotsync-reconcile.h"

#define A HOTSYNC_SIDE_ABSENT
#define U HOTSYNC_SIDE_UNCHANGED
#define C HOTSYNC_SIDE_CHANGED
#define D HOTSYNC_SIDE_DELETED
#define R HOTSYNC_SIDE_ARCHIVED
#define STORE HOTSYNC_ACTION_STORE_ON_DESKTOP
#define ADD HOTSYNC_ACTION_ADD_TO_HANDHELD
#define WRITE HOTSYNC_ACTION_WRITE_TO_HANDHELD
#define DEL_HH HOTSYNC_ACTION_DELETE_ON_HANDHELD
#define DEL_DESK HOTSYNC_ACTION_DELETE_ON_DESKTOP
#define ARCHIVE HOTSYNC_ACTION_ARCHIVE_ON_DESKTOP
#define FORGET HOTSYNC_ACTION_FORGET

typedef struct {
	const char *path;
	HotsyncSide hh;
	HotsyncSide desk;
	int known;         /* -1: the row holds for both */
	int same;          /* -1: irrelevant; else same_content */
	guint actions;
} Row;

static const Row rows[] = {
	{ "01-new-on-handheld", C, A, 0, -1, STORE },
	{ "02-changed-handheld-missing-desktop", C, A, 1, -1, STORE },
	{ "03-new-on-desktop", A, C, 0, -1, ADD },
	{ "04-changed-desktop-purged-handheld", A, C, 1, -1, ADD },
	{ "05a-both-changed-differently-keep-both", C, C, -1, 0, STORE | ADD },
	{ "05b-both-changed-alike", C, C, -1, 1, HOTSYNC_ACTION_NONE },
	{ "06-handheld-wins-over-unchanged", C, U, -1, -1, STORE },
	{ "07-handheld-wins-over-deleted", C, D, -1, -1, STORE },
	{ "08-desktop-wins-over-unchanged", U, C, -1, -1, WRITE },
	{ "09-both-unchanged", U, U, -1, -1, HOTSYNC_ACTION_NONE },
	{ "10-deleted-on-desktop", U, D, -1, -1, DEL_HH | FORGET },
	{ "11-unchanged-missing-on-desktop", U, A, -1, -1, STORE },
	{ "12-deleted-handheld-changed-desktop", D, C, -1, -1, ADD },
	{ "13-deleted-handheld-unchanged-desktop", D, U, -1, -1, DEL_DESK | FORGET },
	{ "14-deleted-both", D, D, -1, -1, FORGET },
	{ "15-deleted-handheld-absent-desktop", D, A, -1, -1, FORGET },
	{ "16-archived-unchanged-desktop", R, U, -1, -1, ARCHIVE | FORGET },
	{ "17-archived-changed-desktop", R, C, -1, -1, ADD },
	{ "18-archived-deleted-desktop", R, D, -1, -1, ARCHIVE | FORGET },
	{ "19-archived-absent-desktop", R, A, -1, -1, ARCHIVE | FORGET },
	{ "20-purged-handheld-unchanged-desktop", A, U, 1, -1, DEL_DESK | FORGET },
	{ "21-unknown-unchanged-desktop", A, U, 0, -1, ADD },
	{ "22-absent-handheld-deleted-desktop", A, D, -1, -1, FORGET },
	{ "23-absent-both", A, A, -1, -1, FORGET },
};

static void
test_row (gconstpointer data)
{
	const Row *row = data;

	/* Each "any" column is checked with both of its values. */
	for (int known = 0; known < 2; known++) {
		for (int same = 0; same < 2; same++) {
			HotsyncReconcileInput in = { row->hh, row->desk, known, same };

			if (row->known >= 0 && row->known != known)
				continue;
			if (row->same >= 0 && row->same != same)
				continue;
			g_assert_cmphex (hotsync_reconcile (&in), ==, row->actions);
		}
	}
}

/* The table covers every handheld × desktop state: no combination falls
 * through to a default nobody wrote down. */
static void
test_complete (void)
{
	for (HotsyncSide hh = A; hh <= R; hh++) {
		for (HotsyncSide desk = A; desk <= D; desk++) {
			for (int known = 0; known < 2; known++) {
				for (int same = 0; same < 2; same++) {
					gboolean found = FALSE;

					for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
						if (rows[i].hh == hh && rows[i].desk == desk &&
						    (rows[i].known < 0 || rows[i].known == known) &&
						    (rows[i].same < 0 || rows[i].same == same))
							found = TRUE;
					g_assert_true (found);
				}
			}
		}
	}
}

/* No action set asks to delete and keep the same thing. */
static void
test_consistent (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
		guint a = rows[i].actions;

		g_assert_false ((a & STORE) && (a & DEL_DESK));
		g_assert_false ((a & WRITE) && (a & DEL_HH));
		g_assert_false ((a & ADD) && (a & FORGET));
		g_assert_false ((a & ARCHIVE) && (a & STORE));
	}
}

static void
test_classify (void)
{
	static const guint8 x[] = { 'a', 0 }, y[] = { 'b', 0 };

	/* Attributes decide deletions on both kinds of sync. */
	for (int fast = 0; fast < 2; fast++) {
		g_assert_cmpint (hotsync_reconcile_classify (0x80, fast, 0, x, 2, 0, x, 2), ==, D);
		g_assert_cmpint (hotsync_reconcile_classify (0xc0, fast, 0, x, 2, 0, x, 2), ==, D);
		g_assert_cmpint (hotsync_reconcile_classify (0x88, fast, 0, x, 2, 0, x, 2), ==, R);
		g_assert_cmpint (hotsync_reconcile_classify (0x08, fast, 0, x, 2, 0, x, 2), ==, R);
	}
	/* Fast: the dirty bit. */
	g_assert_cmpint (hotsync_reconcile_classify (0x40, TRUE, 0, x, 2, 0, x, 2), ==, C);
	g_assert_cmpint (hotsync_reconcile_classify (0x00, TRUE, 0, x, 2, 0, y, 2), ==, U);
	/* Slow: the contents against our last copy, dirty bit ignored. */
	g_assert_cmpint (hotsync_reconcile_classify (0x40, FALSE, 0, x, 2, 0, x, 2), ==, U);
	g_assert_cmpint (hotsync_reconcile_classify (0x00, FALSE, 0, x, 2, 0, y, 2), ==, C);
	g_assert_cmpint (hotsync_reconcile_classify (0x00, FALSE, 0, x, 2, 0, x, 1), ==, C);
	g_assert_cmpint (hotsync_reconcile_classify (0x00, FALSE, 1, x, 2, 0, x, 2), ==, C);
	g_assert_cmpint (hotsync_reconcile_classify (0x00, FALSE, 0, x, 2, 0, NULL, 0), ==, C);
	g_assert_cmpint (hotsync_reconcile_classify (0x00, FALSE, 0, NULL, 0, 0, x, 0), ==, U);
}

static void
test_is_fast (void)
{
	g_assert_true (hotsync_reconcile_is_fast (0x1234, 0x1234, TRUE));
	g_assert_false (hotsync_reconcile_is_fast (0x1234, 0x1234, FALSE));
	g_assert_false (hotsync_reconcile_is_fast (0x1235, 0x1234, TRUE));
	/* A handheld that never synced reports 0. */
	g_assert_false (hotsync_reconcile_is_fast (0, 0, TRUE));
}

static void
test_categories (void)
{
	g_auto (HotsyncCategories) hh = { 0 };
	g_auto (HotsyncCategories) merged = { 0 };
	static const char *const desk[] = { "Business", "Travel", "A very long category name", "" };
	guint8 index[G_N_ELEMENTS (desk)];
	gboolean changed = FALSE;

	hh.names[0] = g_strdup ("Unfiled");
	hh.names[1] = g_strdup ("Business");
	hh.ids[1] = 1;
	hh.names[2] = g_strdup ("Personal");
	hh.ids[2] = 2;
	hotsync_reconcile_categories (&hh, desk, G_N_ELEMENTS (desk), &merged, index, &changed);
	g_assert_true (changed);
	g_assert_cmpuint (index[0], ==, 1);   /* by name */
	g_assert_cmpuint (index[1], ==, 3);   /* first free slot */
	g_assert_cmpstr (merged.names[3], ==, "Travel");
	g_assert_cmpuint (merged.ids[3], ==, 128);
	g_assert_true (merged.renamed & (1u << 3));
	g_assert_cmpuint (index[2], ==, 4);
	g_assert_cmpstr (merged.names[4], ==, "A very long cat");   /* 15 characters */
	g_assert_cmpuint (merged.ids[4], ==, 129);
	g_assert_cmpuint (index[3], ==, HOTSYNC_CATEGORY_UNFILED);
	/* Merging again finds everything: nothing changes. */
	{
		g_auto (HotsyncCategories) again = { 0 };
		guint8 index2[G_N_ELEMENTS (desk)];

		hotsync_reconcile_categories (&merged, desk, G_N_ELEMENTS (desk), &again, index2, &changed);
		g_assert_false (changed);
		g_assert_cmpmem (index2, sizeof index2, index, sizeof index);
	}
}

static void
test_categories_full (void)
{
	g_auto (HotsyncCategories) hh = { 0 };
	g_auto (HotsyncCategories) merged = { 0 };
	static const char *const desk[] = { "One more" };
	guint8 index[1];
	gboolean changed = TRUE;

	for (int i = 0; i < HOTSYNC_CATEGORY_COUNT; i++)
		hh.names[i] = g_strdup_printf ("Cat %d", i);
	hotsync_reconcile_categories (&hh, desk, 1, &merged, index, &changed);
	g_assert_false (changed);
	g_assert_cmpuint (index[0], ==, HOTSYNC_CATEGORY_UNFILED);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS (rows); i++) {
		g_autofree char *path = g_strdup_printf ("/hotsync/reconcile/row/%s", rows[i].path);

		g_test_add_data_func (path, &rows[i], test_row);
	}
	g_test_add_func ("/hotsync/reconcile/complete", test_complete);
	g_test_add_func ("/hotsync/reconcile/consistent", test_consistent);
	g_test_add_func ("/hotsync/reconcile/classify", test_classify);
	g_test_add_func ("/hotsync/reconcile/is-fast", test_is_fast);
	g_test_add_func ("/hotsync/reconcile/categories", test_categories);
	g_test_add_func ("/hotsync/reconcile/categories-full", test_categories_full);
	return g_test_run ();
}
