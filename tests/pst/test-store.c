/* Tests for pst/pststore.c: folders, items, transactions, change tracking
 * per partner, tombstones, and two processes writing at once. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pst/pststore.h"

typedef struct {
	char *dir;
	char *path;
	PststoreStore *store;
} Fixture;

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	fx->dir = g_dir_make_tmp ("pststore-XXXXXX", &error);
	g_assert_no_error (error);
	fx->path = g_build_filename (fx->dir, "sub", "store.sqlite", NULL);
	fx->store = pststore_open (fx->path, &error);
	g_assert_no_error (error);
	g_assert_nonnull (fx->store);
}

static void
remove_tree (const char *path)
{
	g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
	const char *name;

	if (dir != NULL) {
		while ((name = g_dir_read_name (dir)) != NULL) {
			g_autofree char *child = g_build_filename (path, name, NULL);
			remove_tree (child);
		}
	}
	g_remove (path);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
	pststore_close (fx->store);
	remove_tree (fx->dir);
	g_free (fx->path);
	g_free (fx->dir);
}

static gint64
save_new (PststoreStore *store, gint64 folder, const char *cls, const char *subject, const char *origin)
{
	g_autoptr (PststoreItem) it = pststore_item_new (cls);
	g_autoptr (GError) error = NULL;

	it->folder_id = folder;
	it->subject = g_strdup (subject);
	g_assert_true (pststore_item_save (store, it, origin, &error));
	g_assert_no_error (error);
	g_assert_cmpint (it->id, >, 0);
	return it->id;
}

static void
test_defaults (Fixture *fx, gconstpointer data)
{
	const char *names[] = { "Inbox", "Calendar", "Contacts", "Tasks", "Notes" };
	g_autoptr (GError) error = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
		gint64 id = pststore_folder_lookup (fx->store, names[i], &error);
		g_assert_no_error (error);
		g_assert_cmpint (id, >, 0);
	}
	/* Reopening does not add the folders again. */
	pststore_close (fx->store);
	fx->store = pststore_open (fx->path, &error);
	g_assert_no_error (error);
	g_autoptr (GPtrArray) list = pststore_folder_list (fx->store, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (names));

	/* The default folders are found by kind, also after a rename. */
	gint64 notes = pststore_folder_lookup (fx->store, "Notes", &error);
	g_assert_cmpint (pststore_folder_default (fx->store, PSTSTORE_KIND_NOTE, &error), ==, notes);
	g_assert_cmpint (pststore_folder_default (fx->store, PSTSTORE_KIND_TASK, &error), ==,
			 pststore_folder_lookup (fx->store, "Tasks", NULL));
	g_assert_cmpint (pststore_folder_default (fx->store, PSTSTORE_KIND_MAIL, &error), ==,
			 pststore_folder_lookup (fx->store, "Inbox", NULL));
	g_assert_true (pststore_folder_rename (fx->store, notes, "Memos", &error));
	g_assert_cmpint (pststore_folder_default (fx->store, PSTSTORE_KIND_NOTE, &error), ==, notes);
	g_assert_no_error (error);
	g_assert_cmpint (pststore_folder_default (fx->store, PSTSTORE_KIND_OTHER, &error), ==, 0);
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_true (pststore_folder_delete (fx->store, notes, NULL, &error));
	g_assert_cmpint (pststore_folder_default (fx->store, PSTSTORE_KIND_NOTE, &error), ==, 0);
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND);
}

static void
test_folders (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 tasks = pststore_folder_lookup (fx->store, "tasks", &error);
	g_assert_no_error (error);

	gint64 sub = pststore_folder_create (fx->store, tasks, "Work", "IPF.Task", NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpint (pststore_folder_lookup (fx->store, "Tasks/work", &error), ==, sub);
	g_assert_no_error (error);
	g_autofree char *path = pststore_folder_path (fx->store, sub, &error);
	g_assert_cmpstr (path, ==, "Tasks/Work");

	/* Same name again (any case) is refused. */
	g_assert_cmpint (pststore_folder_create (fx->store, tasks, "WORK", NULL, NULL, &error), ==, 0);
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_EXISTS);
	g_clear_error (&error);

	/* Names: 255 bytes accepted, 256 refused; '/' refused. */
	g_autofree char *n255 = g_strnfill (255, 'a');
	g_autofree char *n256 = g_strnfill (256, 'a');
	g_assert_cmpint (pststore_folder_create (fx->store, 0, n255, NULL, NULL, &error), >, 0);
	g_assert_no_error (error);
	g_assert_cmpint (pststore_folder_create (fx->store, 0, n256, NULL, NULL, &error), ==, 0);
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID);
	g_clear_error (&error);
	g_assert_cmpint (pststore_folder_create (fx->store, 0, "a/b", NULL, NULL, &error), ==, 0);
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID);
	g_clear_error (&error);

	/* A missing path is NOT_FOUND; ensure_path creates it. */
	g_assert_cmpint (pststore_folder_lookup (fx->store, "Archive/2009", &error), ==, 0);
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	gint64 deep = pststore_folder_ensure_path (fx->store, "Archive/2009", &error);
	g_assert_no_error (error);
	g_assert_cmpint (pststore_folder_lookup (fx->store, "Archive/2009", &error), ==, deep);
}

static void
test_item_roundtrip (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PststoreItem) it = pststore_item_new ("IPM.Task");
	const char *cats[] = { "Work", "Ünïcödé", NULL };

	it->folder_id = pststore_folder_lookup (fx->store, "Tasks", &error);
	it->subject = g_strdup ("Write report \xe2\x9c\x93");
	it->body = g_strdup ("line 1\r\nline 2\n\ttab");
	it->categories = g_strdupv ((char **) cats);
	it->importance = 2;
	it->sensitivity = 2;
	it->created = 1000;
	it->modified = 2000;
	it->task_start = 1700000000;
	it->task_due = 1700086400;
	it->task_date_completed = 1700050000;
	it->task_complete = TRUE;
	it->task_percent = 0.75;
	it->task_status = PSTSTORE_TASK_WAITING;
	it->reminder = 1699990000;
	it->recurrence = g_strdup ("FREQ=WEEKLY;BYDAY=MO,WE");
	it->source_id = g_strdup ("test:1");
	g_assert_true (pststore_item_save (fx->store, it, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (it->kind, ==, PSTSTORE_KIND_TASK);

	g_autoptr (PststoreItem) back = pststore_item_get (fx->store, it->id, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (back->message_class, ==, "IPM.Task");
	g_assert_cmpstr (back->subject, ==, it->subject);
	g_assert_cmpstr (back->body, ==, it->body);
	g_assert_cmpstrv (back->categories, cats);
	g_assert_cmpint (back->importance, ==, 2);
	g_assert_cmpint (back->sensitivity, ==, 2);
	g_assert_cmpint (back->created, ==, 1000);
	g_assert_cmpint (back->modified, ==, 2000);
	g_assert_cmpint (back->task_start, ==, it->task_start);
	g_assert_cmpint (back->task_due, ==, it->task_due);
	g_assert_cmpint (back->task_date_completed, ==, it->task_date_completed);
	g_assert_true (back->task_complete);
	g_assert_cmpfloat (back->task_percent, ==, 0.75);
	g_assert_cmpint (back->task_status, ==, PSTSTORE_TASK_WAITING);
	g_assert_cmpint (back->reminder, ==, it->reminder);
	g_assert_cmpstr (back->recurrence, ==, it->recurrence);
	g_assert_cmpint (back->note_colour, ==, PSTSTORE_NOTE_COLOUR_UNSET);
	g_assert_null (back->data);
	g_assert_cmpint (back->change_seq, ==, it->change_seq);

	/* Unset times come back unset. */
	g_autoptr (PststoreItem) note = pststore_item_new ("IPM.StickyNote");
	note->folder_id = pststore_folder_lookup (fx->store, "Notes", &error);
	note->note_colour = PSTSTORE_NOTE_PINK;
	g_assert_true (pststore_item_save (fx->store, note, NULL, &error));
	g_autoptr (PststoreItem) note2 = pststore_item_get (fx->store, note->id, &error);
	g_assert_cmpint (note2->kind, ==, PSTSTORE_KIND_NOTE);
	g_assert_cmpint (note2->note_colour, ==, PSTSTORE_NOTE_PINK);
	g_assert_cmpint (note2->task_due, ==, PSTSTORE_TIME_UNSET);
	g_assert_null (note2->categories);
}

static void
test_item_invalid (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PststoreItem) it = pststore_item_new ("IPM.Task");

	it->folder_id = pststore_folder_lookup (fx->store, "Tasks", &error);
	/* Percent: 1.0 is the limit. */
	it->task_percent = 1.0;
	g_assert_true (pststore_item_save (fx->store, it, NULL, &error));
	g_assert_no_error (error);
	it->task_percent = 1.01;
	g_assert_false (pststore_item_save (fx->store, it, NULL, &error));
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID);
	g_clear_error (&error);
	it->task_percent = 0;
	/* A folder that does not exist. */
	it->folder_id = 99999;
	g_assert_false (pststore_item_save (fx->store, it, NULL, &error));
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	/* Saving an item id that is not stored. */
	g_autoptr (PststoreItem) ghost = pststore_item_new ("IPM.Note");
	ghost->folder_id = pststore_folder_lookup (fx->store, "Inbox", NULL);
	ghost->id = 4242;
	g_assert_false (pststore_item_save (fx->store, ghost, NULL, &error));
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND);
	g_assert_cmpint (ghost->id, ==, 4242);
}

static void
test_source_idempotent (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 inbox = pststore_folder_lookup (fx->store, "Inbox", &error);
	gint64 first_id = 0;
	gsize count = 0;

	for (int round = 0; round < 2; round++) {
		g_autoptr (PststoreItem) it = pststore_item_new ("IPM.Note");
		it->folder_id = inbox;
		it->source_id = g_strdup ("pst:abc:42");
		it->subject = g_strdup_printf ("round %d", round);
		g_assert_true (pststore_item_save (fx->store, it, NULL, &error));
		g_assert_no_error (error);
		if (round == 0)
			first_id = it->id;
		else
			g_assert_cmpint (it->id, ==, first_id);
	}
	g_assert_true (pststore_folder_count (fx->store, inbox, &count, &error));
	g_assert_cmpuint (count, ==, 1);
	g_autoptr (PststoreItem) found = pststore_item_find_by_source (fx->store, "pst:abc:42", &error);
	g_assert_cmpstr (found->subject, ==, "round 1");
	/* Saving the same content again is no change. */
	gint64 c1, c2;
	g_assert_true (pststore_get_counter (fx->store, &c1, &error));
	g_autoptr (PststoreItem) same = pststore_item_copy (found);
	same->id = 0;
	g_assert_true (pststore_item_save (fx->store, same, "palm:1", &error));
	g_assert_cmpint (same->id, ==, found->id);
	g_assert_cmpint (same->change_seq, ==, found->change_seq);
	g_assert_true (pststore_item_save (fx->store, found, NULL, &error));
	g_assert_true (pststore_get_counter (fx->store, &c2, &error));
	g_assert_cmpint (c2, ==, c1);
	g_assert_true (pststore_item_equal (same, found));
	g_free (same->body);
	same->body = g_strdup ("changed");
	g_assert_false (pststore_item_equal (same, found));
	g_assert_true (pststore_item_save (fx->store, same, NULL, &error));
	g_assert_cmpint (same->change_seq, >, c2);
	g_assert_null (pststore_item_find_by_source (fx->store, "pst:abc:43", &error));
	g_assert_no_error (error);
}

static void
test_transaction (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 notes = pststore_folder_lookup (fx->store, "Notes", &error);
	gint64 before, after;
	gsize count = 0;

	g_assert_true (pststore_get_counter (fx->store, &before, &error));
	g_assert_true (pststore_begin (fx->store, &error));
	save_new (fx->store, notes, "IPM.StickyNote", "a", NULL);
	/* A nested rollback undoes only the inner part. */
	g_assert_true (pststore_begin (fx->store, &error));
	save_new (fx->store, notes, "IPM.StickyNote", "b", NULL);
	pststore_rollback (fx->store);
	g_assert_true (pststore_commit (fx->store, &error));
	g_assert_true (pststore_folder_count (fx->store, notes, &count, &error));
	g_assert_cmpuint (count, ==, 1);

	g_assert_true (pststore_begin (fx->store, &error));
	save_new (fx->store, notes, "IPM.StickyNote", "c", NULL);
	pststore_rollback (fx->store);
	g_assert_true (pststore_folder_count (fx->store, notes, &count, &error));
	g_assert_cmpuint (count, ==, 1);
	g_assert_true (pststore_get_counter (fx->store, &after, &error));
	g_assert_cmpint (after, ==, before + 1);
}

static gboolean
changes_contain (GPtrArray *changes, gint64 item_id, gboolean deleted)
{
	for (guint i = 0; i < changes->len; i++) {
		PststoreChange *c = g_ptr_array_index (changes, i);
		if (c->item_id == item_id && c->deleted == deleted)
			return TRUE;
	}
	return FALSE;
}

static void
test_changes_since (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 tasks = pststore_folder_lookup (fx->store, "Tasks", &error);
	gint64 notes = pststore_folder_lookup (fx->store, "Notes", &error);
	gint64 counter;

	g_assert_true (pststore_partner_ensure (fx->store, "palm:1", &error));
	g_assert_true (pststore_partner_ensure (fx->store, "eas:alice", &error));
	gint64 t1 = save_new (fx->store, tasks, "IPM.Task", "t1", NULL);
	gint64 n1 = save_new (fx->store, notes, "IPM.StickyNote", "n1", NULL);
	/* The handheld's own change is not echoed back to it. */
	gint64 t2 = save_new (fx->store, tasks, "IPM.Task", "t2", "palm:1");

	g_autoptr (GPtrArray) palm = pststore_changes_since (fx->store, "palm:1", 0, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (palm->len, ==, 2);
	g_assert_true (changes_contain (palm, t1, FALSE));
	g_assert_true (changes_contain (palm, n1, FALSE));
	g_assert_false (changes_contain (palm, t2, FALSE));

	g_autoptr (GPtrArray) eas = pststore_changes_since (fx->store, "eas:alice", tasks, &error);
	g_assert_cmpuint (eas->len, ==, 2);
	g_assert_true (changes_contain (eas, t2, FALSE));
	/* Oldest first. */
	g_assert_cmpint (((PststoreChange *) eas->pdata[0])->item_id, ==, t1);

	/* The partner records its anchor: nothing is new afterwards … */
	g_assert_true (pststore_get_counter (fx->store, &counter, &error));
	g_assert_true (pststore_partner_set_anchor (fx->store, "palm:1", counter, &error));
	g_autoptr (GPtrArray) none = pststore_changes_since (fx->store, "palm:1", 0, &error);
	g_assert_cmpuint (none->len, ==, 0);

	/* … until an item changes again; it shows once though written twice. */
	g_autoptr (PststoreItem) it = pststore_item_get (fx->store, t1, &error);
	g_free (it->subject);
	it->subject = g_strdup ("t1 edited");
	g_assert_true (pststore_item_save (fx->store, it, NULL, &error));
	g_assert_true (pststore_item_save (fx->store, it, NULL, &error));
	g_autoptr (GPtrArray) again = pststore_changes_since (fx->store, "palm:1", 0, &error);
	g_assert_cmpuint (again->len, ==, 1);
	g_assert_true (changes_contain (again, t1, FALSE));

	/* Unknown partner. */
	g_assert_null (pststore_changes_since (fx->store, "palm:2", 0, &error));
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND);
}

static void
test_tombstones (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 tasks = pststore_folder_lookup (fx->store, "Tasks", &error);
	gint64 counter;
	gsize n = 0, purged = 0;

	g_assert_true (pststore_partner_ensure (fx->store, "palm:1", &error));
	g_assert_true (pststore_partner_ensure (fx->store, "eas:alice", &error));
	gint64 t1 = save_new (fx->store, tasks, "IPM.Task", "t1", NULL);
	g_assert_true (pststore_partner_map (fx->store, "palm:1", "0x00a001", t1, &error));
	g_assert_true (pststore_get_counter (fx->store, &counter, &error));
	g_assert_true (pststore_partner_set_anchor (fx->store, "palm:1", counter, &error));
	g_assert_true (pststore_partner_set_anchor (fx->store, "eas:alice", counter, &error));

	g_assert_true (pststore_item_delete (fx->store, t1, NULL, &error));
	g_assert_no_error (error);
	g_assert_null (pststore_item_get (fx->store, t1, &error));
	g_clear_error (&error);

	/* Both partners see the deletion; the handheld with its record id. */
	g_autoptr (GPtrArray) palm = pststore_changes_since (fx->store, "palm:1", 0, &error);
	g_assert_cmpuint (palm->len, ==, 1);
	g_assert_true (changes_contain (palm, t1, TRUE));
	g_assert_cmpstr (((PststoreChange *) palm->pdata[0])->record_id, ==, "0x00a001");

	/* Only the handheld has synced: the tombstone must stay. */
	g_assert_true (pststore_get_counter (fx->store, &counter, &error));
	g_assert_true (pststore_partner_set_anchor (fx->store, "palm:1", counter, &error));
	g_assert_true (pststore_purge_tombstones (fx->store, &purged, &error));
	g_assert_cmpuint (purged, ==, 0);
	g_assert_true (pststore_count_tombstones (fx->store, &n, &error));
	g_assert_cmpuint (n, ==, 1);
	g_autoptr (GPtrArray) eas = pststore_changes_since (fx->store, "eas:alice", 0, &error);
	g_assert_true (changes_contain (eas, t1, TRUE));
	/* The handheld saw it, so its map entry is gone. */
	g_assert_cmpint (pststore_partner_lookup_item (fx->store, "palm:1", "0x00a001", &error), ==, 0);

	/* Now the server account syncs too: the tombstone goes. */
	g_assert_true (pststore_partner_set_anchor (fx->store, "eas:alice", counter, &error));
	g_assert_true (pststore_purge_tombstones (fx->store, &purged, &error));
	g_assert_cmpuint (purged, ==, 1);
	g_assert_true (pststore_count_tombstones (fx->store, &n, &error));
	g_assert_cmpuint (n, ==, 0);

	/* A new item never reuses a deleted id. */
	gint64 t2 = save_new (fx->store, tasks, "IPM.Task", "t2", NULL);
	g_assert_cmpint (t2, >, t1);
}

static void
test_partner_map (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 notes = pststore_folder_lookup (fx->store, "Notes", &error);
	gint64 a = save_new (fx->store, notes, "IPM.StickyNote", "a", NULL);
	gint64 b = save_new (fx->store, notes, "IPM.StickyNote", "b", NULL);

	g_assert_false (pststore_partner_map (fx->store, "palm:9", "1", a, &error));
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_true (pststore_partner_ensure (fx->store, "palm:9", &error));
	g_assert_true (pststore_partner_ensure (fx->store, "palm:9", &error));
	g_assert_true (pststore_partner_map (fx->store, "palm:9", "1", a, &error));
	g_assert_cmpint (pststore_partner_lookup_item (fx->store, "palm:9", "1", &error), ==, a);
	g_autofree char *rec = pststore_partner_lookup_record (fx->store, "palm:9", a, &error);
	g_assert_cmpstr (rec, ==, "1");
	/* Remapping record 1 to b releases a. */
	g_assert_true (pststore_partner_map (fx->store, "palm:9", "1", b, &error));
	g_assert_cmpint (pststore_partner_lookup_item (fx->store, "palm:9", "1", &error), ==, b);
	g_assert_null (pststore_partner_lookup_record (fx->store, "palm:9", a, &error));
	g_assert_no_error (error);
	/* A partner name: 255 bytes accepted, 256 refused. */
	g_autofree char *n255 = g_strnfill (255, 'p');
	g_autofree char *n256 = g_strnfill (256, 'p');
	g_assert_true (pststore_partner_ensure (fx->store, n255, &error));
	g_assert_false (pststore_partner_ensure (fx->store, n256, &error));
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID);
	g_clear_error (&error);
	g_assert_true (pststore_partner_remove (fx->store, "palm:9", &error));
	g_assert_cmpint (pststore_partner_lookup_item (fx->store, "palm:9", "1", &error), ==, 0);
}

static void
test_folder_rename_delete (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 tasks = pststore_folder_lookup (fx->store, "Tasks", &error);
	gint64 work = pststore_folder_create (fx->store, tasks, "Work", NULL, NULL, &error);
	gint64 home = pststore_folder_create (fx->store, tasks, "Home", NULL, NULL, &error);
	gint64 deep = pststore_folder_create (fx->store, work, "Deep", NULL, NULL, &error);
	gint64 counter;

	g_assert_no_error (error);
	g_assert_true (pststore_folder_rename (fx->store, work, "Office", &error));
	g_assert_cmpint (pststore_folder_lookup (fx->store, "Tasks/Office/Deep", &error), ==, deep);
	/* Renaming onto a sibling's name is refused; to its own name, fine. */
	g_assert_false (pststore_folder_rename (fx->store, work, "home", &error));
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_EXISTS);
	g_clear_error (&error);
	g_assert_true (pststore_folder_rename (fx->store, work, "OFFICE", &error));
	g_assert_false (pststore_folder_rename (fx->store, 9999, "x", &error));
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND);
	g_clear_error (&error);

	g_assert_true (pststore_partner_ensure (fx->store, "palm:1", &error));
	gint64 a = save_new (fx->store, work, "IPM.Task", "a", NULL);
	gint64 b = save_new (fx->store, deep, "IPM.Task", "b", NULL);
	gint64 c = save_new (fx->store, home, "IPM.Task", "c", NULL);
	g_assert_true (pststore_get_counter (fx->store, &counter, &error));
	g_assert_true (pststore_partner_set_anchor (fx->store, "palm:1", counter, &error));

	g_assert_true (pststore_folder_delete (fx->store, work, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (pststore_folder_lookup (fx->store, "Tasks/Office", NULL), ==, 0);
	g_assert_null (pststore_folder_get (fx->store, deep, NULL));
	g_autoptr (GPtrArray) changes = pststore_changes_since (fx->store, "palm:1", 0, &error);
	g_assert_cmpuint (changes->len, ==, 2);
	g_assert_true (changes_contain (changes, a, TRUE));
	g_assert_true (changes_contain (changes, b, TRUE));
	g_autoptr (PststoreItem) kept = pststore_item_get (fx->store, c, &error);
	g_assert_no_error (error);
	/* The partner also learns which folders went, subfolders first. */
	g_autoptr (GPtrArray) fchanges = pststore_folder_changes_since (fx->store, "palm:1", &error);
	g_assert_no_error (error);
	g_assert_cmpuint (fchanges->len, ==, 2);
	PststoreFolderChange *f0 = fchanges->pdata[0], *f1 = fchanges->pdata[1];
	g_assert_cmpint (f0->folder_id, ==, deep);
	g_assert_true (f0->deleted);
	g_assert_cmpint (f1->folder_id, ==, work);
	g_assert_true (f1->deleted);
	g_assert_cmpint (f1->parent_id, ==, tasks);
	/* A partner that never synced sees the folders that exist now. */
	g_assert_true (pststore_partner_ensure (fx->store, "eas:new", &error));
	g_autoptr (GPtrArray) all = pststore_folder_changes_since (fx->store, "eas:new", &error);
	gsize live = 0;
	for (guint i = 0; i < all->len; i++)
		live += ((PststoreFolderChange *) all->pdata[i])->deleted ? 0 : 1;
	g_autoptr (GPtrArray) folders = pststore_folder_list (fx->store, &error);
	g_assert_cmpuint (live, ==, folders->len);
	/* Once every partner saw them, the folder tombstones go too. */
	gint64 now;
	gsize purged = 0;
	g_assert_true (pststore_get_counter (fx->store, &now, &error));
	g_assert_true (pststore_partner_set_anchor (fx->store, "palm:1", now, &error));
	g_assert_true (pststore_partner_set_anchor (fx->store, "eas:new", now, &error));
	g_assert_true (pststore_purge_tombstones (fx->store, &purged, &error));
	g_assert_cmpuint (purged, ==, 4);	/* two items, two folders */
	g_autoptr (GPtrArray) none = pststore_folder_changes_since (fx->store, "palm:1", &error);
	g_assert_cmpuint (none->len, ==, 0);
	g_assert_false (pststore_folder_delete (fx->store, work, NULL, &error));
	g_assert_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND);
}

#define WRITES_PER_PROCESS 150

/* Two processes, each with its own connection, write items one transaction
 * at a time while the other does the same. */
static void
test_concurrent (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 inbox = pststore_folder_lookup (fx->store, "Inbox", &error);
	pid_t pids[2];
	gsize count = 0;
	gint64 counter_before, counter_after;

	g_assert_true (pststore_get_counter (fx->store, &counter_before, &error));
	for (int p = 0; p < 2; p++) {
		pids[p] = fork ();
		g_assert_cmpint (pids[p], >=, 0);
		if (pids[p] == 0) {
			PststoreStore *s = pststore_open (fx->path, NULL);
			int ok = s != NULL;

			for (int i = 0; ok && i < WRITES_PER_PROCESS; i++) {
				g_autoptr (PststoreItem) it = pststore_item_new ("IPM.Note");
				it->folder_id = inbox;
				it->source_id = g_strdup_printf ("proc%d:%d", p, i);
				ok = pststore_item_save (s, it, NULL, NULL);
			}
			pststore_close (s);
			_exit (ok ? 0 : 1);
		}
	}
	for (int p = 0; p < 2; p++) {
		int status = 0;
		g_assert_cmpint (waitpid (pids[p], &status, 0), ==, pids[p]);
		g_assert_true (WIFEXITED (status));
		g_assert_cmpint (WEXITSTATUS (status), ==, 0);
	}
	g_assert_true (pststore_folder_count (fx->store, inbox, &count, &error));
	g_assert_cmpuint (count, ==, 2 * WRITES_PER_PROCESS);
	/* Every write got its own counter value. */
	g_assert_true (pststore_get_counter (fx->store, &counter_after, &error));
	g_assert_cmpint (counter_after - counter_before, ==, 2 * WRITES_PER_PROCESS);
	g_autoptr (GPtrArray) items = pststore_item_list (fx->store, inbox, &error);
	g_autoptr (GHashTable) seqs = g_hash_table_new (g_int64_hash, g_int64_equal);
	for (guint i = 0; i < items->len; i++) {
		PststoreItem *it = g_ptr_array_index (items, i);
		g_assert_false (g_hash_table_contains (seqs, &it->change_seq));
		g_hash_table_add (seqs, &it->change_seq);
	}
}

static void
test_kind (void)
{
	g_assert_cmpint (pststore_kind_from_class ("IPM.Task"), ==, PSTSTORE_KIND_TASK);
	g_assert_cmpint (pststore_kind_from_class ("ipm.task.custom"), ==, PSTSTORE_KIND_TASK);
	g_assert_cmpint (pststore_kind_from_class ("IPM.TaskRequest"), ==, PSTSTORE_KIND_OTHER);
	g_assert_cmpint (pststore_kind_from_class ("IPM.StickyNote"), ==, PSTSTORE_KIND_NOTE);
	g_assert_cmpint (pststore_kind_from_class ("IPM.Note"), ==, PSTSTORE_KIND_MAIL);
	g_assert_cmpint (pststore_kind_from_class ("REPORT.IPM.Note.NDR"), ==, PSTSTORE_KIND_MAIL);
	g_assert_cmpint (pststore_kind_from_class ("IPM.Contact"), ==, PSTSTORE_KIND_CONTACT);
	g_assert_cmpint (pststore_kind_from_class ("IPM.Appointment"), ==, PSTSTORE_KIND_APPOINTMENT);
	g_assert_cmpint (pststore_kind_from_class ("IPM.Post"), ==, PSTSTORE_KIND_OTHER);
	g_assert_cmpint (pststore_kind_from_class ("IPM.DistList"), ==, PSTSTORE_KIND_OTHER);
	g_assert_cmpint (pststore_kind_from_class ("IPM.Contactless"), ==, PSTSTORE_KIND_OTHER);
	g_assert_cmpint (pststore_kind_from_class (NULL), ==, PSTSTORE_KIND_OTHER);
	g_assert_cmpstr (pststore_kind_to_string (PSTSTORE_KIND_NOTE), ==, "note");
}

static void
test_default_path (void)
{
	g_autofree char *path = pststore_default_path ();
	g_autofree char *expect = g_build_filename (g_get_user_data_dir (), "airdock", "store.sqlite", NULL);

	g_assert_cmpstr (path, ==, expect);
}

#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/store/kind", test_kind);
	g_test_add_func ("/store/default-path", test_default_path);
	ADD ("/store/open/defaults", test_defaults);
	ADD ("/store/folders", test_folders);
	ADD ("/store/folders/rename-delete", test_folder_rename_delete);
	ADD ("/store/item/roundtrip", test_item_roundtrip);
	ADD ("/store/item/invalid", test_item_invalid);
	ADD ("/store/item/source-idempotent", test_source_idempotent);
	ADD ("/store/transaction", test_transaction);
	ADD ("/store/changes/since", test_changes_since);
	ADD ("/store/changes/tombstones", test_tombstones);
	ADD ("/store/partner/map", test_partner_map);
	ADD ("/store/concurrent", test_concurrent);
	return g_test_run ();
}
