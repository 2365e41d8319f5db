/* Tests for server/airdockd-store (SQLite backend) and airdockd-password. */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server/airdockd-password.h"
#include "server/airdockd-store-private.h"
#include "tests/server/harness.h"

typedef struct {
	char *dir;
	AirdockdStore *store;
	AirdockdUser *alice;
	AirdockdUser *bob;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	f->dir = g_dir_make_tmp ("test-store-XXXXXX", &error);
	g_assert_no_error (error);
	f->store = airdockd_store_open (f->dir, &error);
	g_assert_no_error (error);
	g_assert_nonnull (f->store);
	g_assert_true (airdockd_store_user_add (f->store, "alice", "alice@example.org", "secret-a", &f->alice, &error));
	g_assert_no_error (error);
	g_assert_true (airdockd_store_user_add (f->store, "bob", "bob@example.org", "secret-b", &f->bob, &error));
	g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	airdockd_user_free (f->alice);
	airdockd_user_free (f->bob);
	airdockd_store_unref (f->store);
	airdock_harness_remove_tree (f->dir);
	g_free (f->dir);
}

/* Writes a small message into the store's temp area; returns its path. */
static char *
write_message (AirdockdStore *store, const char *subject, const char *attachment)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = NULL;
	g_autoptr (GOutputStream) out = airdockd_store_temp_file_new (store, &path, &error);
	g_autoptr (GString) msg = g_string_new (NULL);

	g_assert_no_error (error);
	g_string_append_printf (msg,
				"From: Carol <carol@example.net>\r\n"
				"To: alice@example.org\r\n"
				"Subject: %s\r\n"
				"Date: Tue, 03 Nov 2026 10:00:00 +0000\r\n"
				"Message-ID: <%s@example.net>\r\n"
				"MIME-Version: 1.0\r\n", subject, subject);
	if (attachment == NULL) {
		g_string_append (msg, "Content-Type: text/plain; charset=utf-8\r\n\r\nHello there.\r\n");
	} else {
		g_string_append_printf (msg,
					"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
					"--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
					"--b1\r\nContent-Type: application/octet-stream\r\n"
					"Content-Disposition: attachment; filename=\"%s\"\r\n"
					"Content-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ=\r\n"
					"--b1--\r\n", attachment);
	}
	g_assert_true (g_output_stream_write_all (out, msg->str, msg->len, NULL, NULL, &error));
	g_assert_true (g_output_stream_close (out, NULL, &error));
	g_assert_no_error (error);
	return g_steal_pointer (&path);
}

static AirdockdItem *
deliver (AirdockdStore *store, gint64 user_id, const char *folder, const char *subject)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = write_message (store, subject, NULL);
	AirdockdItem *item = airdockd_store_add_message (store, user_id, folder, path, FALSE, &error);

	g_assert_no_error (error);
	g_assert_nonnull (item);
	g_unlink (path);
	return item;
}

static char *
folder_id (AirdockdStore *store, gint64 user_id, AirdockdFolderType type)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) f = airdockd_store_folder_get_by_type (store, user_id, type, &error);

	g_assert_no_error (error);
	return g_strdup (f->server_id);
}

/* ------------------------------------------------------------ password */

static void
test_password_hash (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *h1 = airdockd_password_hash ("correct horse", &error);
	g_autofree char *h2 = airdockd_password_hash ("correct horse", &error);
	g_autofree char *max = g_strnfill (AIRDOCKD_PASSWORD_MAX, 'x');
	g_autofree char *over = g_strnfill (AIRDOCKD_PASSWORD_MAX + 1, 'x');
	g_autofree char *hmax = NULL;
	char *wipe;

	g_assert_no_error (error);
	g_assert_true (g_str_has_prefix (h1, "$y$"));
	g_assert_cmpstr (h1, !=, "correct horse");
	g_assert_null (strstr (h1, "correct horse"));
	g_assert_cmpstr (h1, !=, h2);	/* fresh salt each time */
	g_assert_true (airdockd_password_verify (h1, "correct horse"));
	g_assert_true (airdockd_password_verify (h2, "correct horse"));
	g_assert_false (airdockd_password_verify (h1, "correct horsE"));
	g_assert_false (airdockd_password_verify (h1, ""));
	g_assert_false (airdockd_password_verify ("garbage", "correct horse"));

	hmax = airdockd_password_hash (max, &error);
	g_assert_no_error (error);
	g_assert_true (airdockd_password_verify (hmax, max));
	g_assert_null (airdockd_password_hash (over, &error));
	g_assert_error (error, AIRDOCKD_PASSWORD_ERROR, AIRDOCKD_PASSWORD_ERROR_INVALID);
	g_clear_error (&error);
	g_assert_null (airdockd_password_hash ("", &error));
	g_assert_error (error, AIRDOCKD_PASSWORD_ERROR, AIRDOCKD_PASSWORD_ERROR_INVALID);

	wipe = g_strdup ("to be wiped");
	airdockd_password_free (wipe);
	airdockd_password_free (NULL);
}

/* ------------------------------------------------------------ users */

static void
test_user_basics (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) users = airdockd_store_user_list (f->store, &error);
	g_autoptr (GPtrArray) folders = NULL;
	g_autoptr (AirdockdUser) u = NULL;
	static const int expect[] = { 2, 3, 4, 5, 6, 12, 8, 9, 7, 10 };

	g_assert_no_error (error);
	g_assert_cmpuint (users->len, ==, 2);
	g_assert_cmpstr (((AirdockdUser *) users->pdata[0])->name, ==, "alice");
	g_assert_cmpstr (((AirdockdUser *) users->pdata[1])->name, ==, "bob");

	u = airdockd_store_user_lookup (f->store, "BOB@example.ORG", &error);
	g_assert_no_error (error);
	g_assert_cmpint (u->id, ==, f->bob->id);
	g_clear_pointer (&u, airdockd_user_free);
	u = airdockd_store_user_get_by_name (f->store, "alice", &error);
	g_assert_no_error (error);
	g_assert_cmpstr (u->email, ==, "alice@example.org");
	g_clear_pointer (&u, airdockd_user_free);
	g_assert_null (airdockd_store_user_get_by_name (f->store, "carol", &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);

	/* duplicates, case-insensitively */
	g_assert_false (airdockd_store_user_add (f->store, "ALICE", "other@example.org", "pw", NULL, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_EXISTS);
	g_clear_error (&error);
	g_assert_false (airdockd_store_user_add (f->store, "carol", "Alice@Example.org", "pw", NULL, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_EXISTS);
	g_clear_error (&error);
	/* invalid names and addresses */
	const char *bad_names[] = { "", "a b", "a/b", "a@b", "x\n" };
	for (gsize i = 0; i < G_N_ELEMENTS (bad_names); i++) {
		g_assert_false (airdockd_store_user_add (f->store, bad_names[i], "z@example.org", "pw", NULL, &error));
		g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID);
		g_clear_error (&error);
	}
	const char *bad_mail[] = { "", "noat", "@x", "x@", "a@b@c", "a <b@c>" };
	for (gsize i = 0; i < G_N_ELEMENTS (bad_mail); i++) {
		g_assert_false (airdockd_store_user_add (f->store, "zed", bad_mail[i], "pw", NULL, &error));
		g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID);
		g_clear_error (&error);
	}
	/* name length limit at N and N+1 */
	{
		g_autofree char *n = g_strnfill (AIRDOCKD_STORE_MAX_NAME, 'n');
		g_autofree char *n1 = g_strnfill (AIRDOCKD_STORE_MAX_NAME + 1, 'm');
		g_assert_true (airdockd_store_user_add (f->store, n, "n@example.org", "pw", NULL, &error));
		g_assert_no_error (error);
		g_assert_false (airdockd_store_user_add (f->store, n1, "m@example.org", "pw", NULL, &error));
		g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID);
		g_clear_error (&error);
	}

	/* standard folders, in order, at the root */
	folders = airdockd_store_folder_list (f->store, f->alice->id, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (folders->len, ==, G_N_ELEMENTS (expect));
	for (guint i = 0; i < folders->len; i++) {
		AirdockdFolder *fo = folders->pdata[i];
		g_assert_cmpint (fo->type, ==, expect[i]);
		g_assert_cmpstr (fo->parent_id, ==, AIRDOCKD_FOLDER_ROOT);
		g_assert_false (fo->deleted);
	}
	g_assert_cmpstr (((AirdockdFolder *) folders->pdata[0])->display_name, ==, "Inbox");
	g_assert_cmpstr (((AirdockdFolder *) folders->pdata[5])->display_name, ==, "Junk E-mail");
}

static void
test_user_verify (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdUser) u = airdockd_store_user_verify (f->store, "alice", "secret-a", &error);

	g_assert_no_error (error);
	g_assert_cmpint (u->id, ==, f->alice->id);
	g_clear_pointer (&u, airdockd_user_free);
	u = airdockd_store_user_verify (f->store, "alice@example.org", "secret-a", &error);
	g_assert_no_error (error);
	g_clear_pointer (&u, airdockd_user_free);

	g_assert_null (airdockd_store_user_verify (f->store, "alice", "secret-b", &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_AUTH);
	g_clear_error (&error);
	g_assert_null (airdockd_store_user_verify (f->store, "nobody", "secret-a", &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_AUTH);
	g_clear_error (&error);

	g_assert_true (airdockd_store_user_set_password (f->store, f->alice->id, "new-pw", &error));
	g_assert_no_error (error);
	g_assert_null (airdockd_store_user_verify (f->store, "alice", "secret-a", &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_AUTH);
	g_clear_error (&error);
	u = airdockd_store_user_verify (f->store, "alice", "new-pw", &error);
	g_assert_no_error (error);
	g_assert_nonnull (u);
	/* bob unaffected */
	g_clear_pointer (&u, airdockd_user_free);
	u = airdockd_store_user_verify (f->store, "bob", "secret-b", &error);
	g_assert_no_error (error);
	g_assert_nonnull (u);
}

static void
test_user_delete (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *inbox = folder_id (f->store, f->alice->id, AIRDOCKD_FOLDER_INBOX);
	g_autoptr (AirdockdItem) item = deliver (f->store, f->alice->id, inbox, "bye");
	g_autoptr (AirdockdItem) bitem = deliver (f->store, f->bob->id, inbox, "stay");
	g_autoptr (AirdockdDevice) dev = airdockd_store_device_ensure (f->store, f->alice->id, "D1", "iPhone", &error);
	g_autoptr (GPtrArray) users = NULL;

	g_assert_no_error (error);
	g_assert_true (g_file_test (item->message_path, G_FILE_TEST_EXISTS));
	g_assert_true (airdockd_store_user_delete (f->store, f->alice->id, &error));
	g_assert_no_error (error);
	g_assert_false (g_file_test (item->message_path, G_FILE_TEST_EXISTS));
	g_assert_true (g_file_test (bitem->message_path, G_FILE_TEST_EXISTS));
	users = airdockd_store_user_list (f->store, &error);
	g_assert_cmpuint (users->len, ==, 1);
	g_assert_null (airdockd_store_device_get (f->store, f->alice->id, "D1", &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_false (airdockd_store_user_delete (f->store, f->alice->id, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
}

/* ------------------------------------------------------------ schema */

static void
test_schema_newer (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("test-store-XXXXXX", NULL);
	g_autofree char *db = g_build_filename (dir, "airdock.sqlite", NULL);
	AirdockdStore *store = airdockd_store_open (dir, &error);
	sqlite3 *sql = NULL;

	g_assert_no_error (error);
	airdockd_store_unref (store);
	/* reopening the same version works */
	store = airdockd_store_open (dir, &error);
	g_assert_no_error (error);
	airdockd_store_unref (store);

	g_assert_cmpint (sqlite3_open (db, &sql), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_exec (sql, "PRAGMA user_version = 999", NULL, NULL, NULL), ==, SQLITE_OK);
	sqlite3_close (sql);
	g_assert_null (airdockd_store_open (dir, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_SCHEMA);
	airdock_harness_remove_tree (dir);
}

/* ------------------------------------------------------------ folders */

static void count_hook (AirdockdStore *store, gint64 user_id, const char *folder, gpointer data);

static void
test_folders (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 uid = f->alice->id;
	gint64 start = airdockd_store_folder_modseq (f->store, uid, &error);
	g_autoptr (AirdockdFolder) a = airdockd_store_folder_create (f->store, uid, "0", "Projects",
								    AIRDOCKD_FOLDER_USER_MAIL, &error);
	g_autoptr (AirdockdFolder) b = NULL;
	g_autoptr (AirdockdFolder) c = NULL;
	g_autoptr (AirdockdFolder) got = NULL;
	g_autoptr (GPtrArray) changes = NULL;
	g_autofree char *inbox = folder_id (f->store, uid, AIRDOCKD_FOLDER_INBOX);
	g_autoptr (GPtrArray) list = NULL;
	g_autoptr (GPtrArray) calls = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *hierarchy = g_strdup_printf ("%" G_GINT64_FORMAT "/*", uid);
	guint hook;
	gint64 mid;

	g_assert_no_error (error);
	g_assert_cmpint (start, >, 0);
	hook = airdockd_store_add_change_hook (f->store, count_hook, calls, NULL);
	b = airdockd_store_folder_create (f->store, uid, a->server_id, "Sub", AIRDOCKD_FOLDER_USER_MAIL, &error);
	/* a hierarchy change calls the hooks with no folder */
	g_assert_cmpuint (calls->len, ==, 1);
	g_assert_cmpstr (calls->pdata[0], ==, hierarchy);
	airdockd_store_remove_change_hook (f->store, hook);
	g_assert_no_error (error);
	c = airdockd_store_folder_create (f->store, uid, "0", "Other", AIRDOCKD_FOLDER_USER_GENERIC, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (a->server_id, !=, b->server_id);

	/* errors */
	g_assert_null (airdockd_store_folder_create (f->store, uid, "0", "Projects", AIRDOCKD_FOLDER_USER_MAIL, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_EXISTS);
	g_clear_error (&error);
	g_assert_null (airdockd_store_folder_create (f->store, uid, "0", "Box", AIRDOCKD_FOLDER_INBOX, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID);
	g_clear_error (&error);
	g_assert_null (airdockd_store_folder_create (f->store, uid, "999", "X", AIRDOCKD_FOLDER_USER_MAIL, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_PARENT);
	g_clear_error (&error);
	g_assert_false (airdockd_store_folder_update (f->store, uid, a->server_id, b->server_id, NULL, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_PARENT);
	g_clear_error (&error);
	g_assert_false (airdockd_store_folder_update (f->store, uid, inbox, NULL, "Renamed", &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_SPECIAL_FOLDER);
	g_clear_error (&error);
	g_assert_false (airdockd_store_folder_delete (f->store, uid, inbox, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_SPECIAL_FOLDER);
	g_clear_error (&error);
	/* bob cannot see or touch alice's folders */
	g_assert_null (airdockd_store_folder_get (f->store, f->bob->id, a->server_id, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_false (airdockd_store_folder_delete (f->store, f->bob->id, a->server_id, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);

	mid = airdockd_store_folder_modseq (f->store, uid, &error);
	/* rename + move, delete */
	g_assert_true (airdockd_store_folder_update (f->store, uid, c->server_id, a->server_id, "Moved", &error));
	g_assert_no_error (error);
	got = airdockd_store_folder_get (f->store, uid, c->server_id, &error);
	g_assert_cmpstr (got->display_name, ==, "Moved");
	g_assert_cmpstr (got->parent_id, ==, a->server_id);

	changes = airdockd_store_folder_changes (f->store, uid, start, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (changes->len, ==, 3);
	for (guint i = 0; i < changes->len; i++)
		g_assert_cmpint (((AirdockdFolder *) changes->pdata[i])->change, ==, AIRDOCKD_CHANGE_ADD);
	g_clear_pointer (&changes, g_ptr_array_unref);
	changes = airdockd_store_folder_changes (f->store, uid, mid, &error);
	g_assert_cmpuint (changes->len, ==, 1);
	g_assert_cmpint (((AirdockdFolder *) changes->pdata[0])->change, ==, AIRDOCKD_CHANGE_CHANGE);
	g_clear_pointer (&changes, g_ptr_array_unref);

	/* deleting a deletes b and c (descendants) */
	mid = airdockd_store_folder_modseq (f->store, uid, &error);
	g_assert_true (airdockd_store_folder_delete (f->store, uid, a->server_id, &error));
	g_assert_no_error (error);
	changes = airdockd_store_folder_changes (f->store, uid, mid, &error);
	g_assert_cmpuint (changes->len, ==, 3);
	for (guint i = 0; i < changes->len; i++) {
		g_assert_cmpint (((AirdockdFolder *) changes->pdata[i])->change, ==, AIRDOCKD_CHANGE_DELETE);
		g_assert_true (((AirdockdFolder *) changes->pdata[i])->deleted);
	}
	g_clear_pointer (&changes, g_ptr_array_unref);
	/* created and deleted since start: left out entirely */
	changes = airdockd_store_folder_changes (f->store, uid, start, &error);
	g_assert_cmpuint (changes->len, ==, 0);
	g_clear_pointer (&changes, g_ptr_array_unref);
	list = airdockd_store_folder_list (f->store, uid, &error);
	g_assert_cmpuint (list->len, ==, 10);
	/* server ids are never reused */
	g_clear_pointer (&got, airdockd_folder_free);
	got = airdockd_store_folder_create (f->store, uid, "0", "Projects", AIRDOCKD_FOLDER_USER_MAIL, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (got->server_id, !=, a->server_id);
	g_assert_cmpstr (got->server_id, !=, c->server_id);
}

static void
test_folder_depth (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *parent = g_strdup ("0");
	g_autoptr (AirdockdFolder) over = NULL;

	for (guint i = 0; i < AIRDOCKD_STORE_MAX_FOLDER_DEPTH; i++) {
		g_autoptr (AirdockdFolder) fo = airdockd_store_folder_create (f->store, f->alice->id, parent, "d",
									     AIRDOCKD_FOLDER_USER_MAIL, &error);
		g_assert_no_error (error);
		g_free (parent);
		parent = g_strdup (fo->server_id);
	}
	over = airdockd_store_folder_create (f->store, f->alice->id, parent, "d", AIRDOCKD_FOLDER_USER_MAIL, &error);
	g_assert_null (over);
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_TOO_LARGE);
}

/* ------------------------------------------------------------ items */

static void
test_item_changes (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 uid = f->alice->id;
	g_autofree char *notes = folder_id (f->store, uid, AIRDOCKD_FOLDER_NOTES);
	g_autoptr (GBytes) d1 = g_bytes_new_static ("one", 3);
	g_autoptr (GBytes) d2 = g_bytes_new_static ("two", 3);
	g_autoptr (AirdockdItem) i1 = airdockd_store_add_item (f->store, uid, notes, AIRDOCKD_ITEM_NOTE, d1, &error);
	g_autoptr (AirdockdItem) i2 = NULL;
	g_autoptr (AirdockdItem) i3 = NULL;
	g_autoptr (AirdockdItem) got = NULL;
	g_autoptr (GPtrArray) ch = NULL;
	gint64 mark;
	gboolean more = TRUE;
	guint64 count = 0;

	g_assert_no_error (error);
	g_assert_true (g_str_has_prefix (i1->server_id, notes));
	g_assert_cmpint (i1->item_class, ==, AIRDOCKD_ITEM_NOTE);
	mark = airdockd_store_item_modseq (f->store, uid, &error);
	g_assert_cmpint (mark, ==, i1->modseq);
	i2 = airdockd_store_add_item (f->store, uid, notes, AIRDOCKD_ITEM_NOTE, d2, &error);
	i3 = airdockd_store_add_item (f->store, uid, notes, AIRDOCKD_ITEM_NOTE, d2, &error);
	g_assert_no_error (error);
	g_assert_cmpint (i3->modseq, >, i2->modseq);

	g_assert_true (airdockd_store_item_set_data (f->store, uid, i1->server_id, d2, &error));	/* change */
	g_assert_true (airdockd_store_item_delete (f->store, uid, i2->server_id, &error));		/* add+delete */
	g_assert_no_error (error);

	ch = airdockd_store_item_changes (f->store, uid, notes, mark, 0, &more, &error);
	g_assert_no_error (error);
	g_assert_false (more);
	g_assert_cmpuint (ch->len, ==, 2);	/* i2 left out: added and deleted since mark */
	g_assert_cmpstr (((AirdockdItem *) ch->pdata[0])->server_id, ==, i3->server_id);
	g_assert_cmpint (((AirdockdItem *) ch->pdata[0])->change, ==, AIRDOCKD_CHANGE_ADD);
	g_assert_cmpstr (((AirdockdItem *) ch->pdata[1])->server_id, ==, i1->server_id);
	g_assert_cmpint (((AirdockdItem *) ch->pdata[1])->change, ==, AIRDOCKD_CHANGE_CHANGE);
	g_assert_true (g_bytes_equal (((AirdockdItem *) ch->pdata[1])->data, d2));
	g_assert_true (airdockd_store_item_count_changes (f->store, uid, notes, mark, &count, &error));
	g_assert_cmpuint (count, ==, 2);
	g_clear_pointer (&ch, g_ptr_array_unref);

	/* from 0: deletion of i2 is not listed, i1 and i3 are adds */
	ch = airdockd_store_item_changes (f->store, uid, notes, 0, 0, NULL, &error);
	g_assert_cmpuint (ch->len, ==, 2);
	g_clear_pointer (&ch, g_ptr_array_unref);

	/* tombstone after a delete of something the client had */
	mark = airdockd_store_item_modseq (f->store, uid, &error);
	g_assert_true (airdockd_store_item_delete (f->store, uid, i3->server_id, &error));
	ch = airdockd_store_item_changes (f->store, uid, notes, mark, 0, NULL, &error);
	g_assert_cmpuint (ch->len, ==, 1);
	g_assert_true (((AirdockdItem *) ch->pdata[0])->deleted);
	g_assert_cmpint (((AirdockdItem *) ch->pdata[0])->change, ==, AIRDOCKD_CHANGE_DELETE);
	g_clear_pointer (&ch, g_ptr_array_unref);
	g_assert_null (airdockd_store_item_get (f->store, uid, i3->server_id, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);

	/* limit at N and N+1 */
	for (int i = 0; i < 4; i++) {
		AirdockdItem *it = airdockd_store_add_item (f->store, uid, notes, AIRDOCKD_ITEM_NOTE, d1, &error);
		airdockd_item_free (it);
	}
	ch = airdockd_store_item_changes (f->store, uid, notes, 0, 5, &more, &error);
	g_assert_cmpuint (ch->len, ==, 5);
	g_assert_false (more);
	g_clear_pointer (&ch, g_ptr_array_unref);
	ch = airdockd_store_item_changes (f->store, uid, notes, 0, 4, &more, &error);
	g_assert_cmpuint (ch->len, ==, 4);
	g_assert_true (more);
	mark = ((AirdockdItem *) ch->pdata[3])->modseq;
	g_clear_pointer (&ch, g_ptr_array_unref);
	ch = airdockd_store_item_changes (f->store, uid, notes, mark, 4, &more, &error);
	g_assert_cmpuint (ch->len, ==, 1);
	g_assert_false (more);
	g_assert_true (airdockd_store_item_count (f->store, uid, notes, &count, &error));
	g_assert_cmpuint (count, ==, 5);

	/* email class is refused for add_item */
	g_assert_null (airdockd_store_add_item (f->store, uid, notes, AIRDOCKD_ITEM_EMAIL, d1, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID);
	g_clear_error (&error);
	got = airdockd_store_item_get (f->store, uid, i1->server_id, &error);
	g_assert_no_error (error);
	g_assert_cmpint (got->modseq, >, i1->modseq);
}

static void
test_isolation (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *inbox = folder_id (f->store, f->alice->id, AIRDOCKD_FOLDER_INBOX);
	g_autofree char *binbox = folder_id (f->store, f->bob->id, AIRDOCKD_FOLDER_INBOX);
	g_autoptr (AirdockdItem) item = deliver (f->store, f->alice->id, inbox, "private");
	g_autoptr (AirdockdDevice) dev = airdockd_store_device_ensure (f->store, f->alice->id, "DEV", "t", &error);
	g_autoptr (GPtrArray) bob_items = NULL;
	AirdockdItemFlag flag = { NULL, 0, 0, 0, 0, AIRDOCKD_FLAG_ACTIVE };
	AirdockdSyncState state = { (char *) "1", NULL, NULL, NULL, 0, NULL };
	gint64 bob = f->bob->id;

	g_assert_no_error (error);
	/* both have an Inbox with the same server id: ids are per user */
	g_assert_cmpstr (inbox, ==, binbox);
	g_assert_null (airdockd_store_item_get (f->store, bob, item->server_id, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_false (airdockd_store_item_set_read (f->store, bob, item->server_id, TRUE, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_false (airdockd_store_item_set_flag (f->store, bob, item->server_id, &flag, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_false (airdockd_store_item_delete (f->store, bob, item->server_id, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_null (airdockd_store_item_move (f->store, bob, item->server_id, binbox, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_null (airdockd_store_item_attachments (f->store, bob, item->server_id, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	bob_items = airdockd_store_item_list (f->store, bob, binbox, 0, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (bob_items->len, ==, 0);
	/* devices and sync state */
	g_assert_null (airdockd_store_device_get_by_id (f->store, bob, dev->id, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_false (airdockd_store_sync_state_put (f->store, bob, dev->id, inbox, &state, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_true (airdockd_store_sync_state_put (f->store, f->alice->id, dev->id, inbox, &state, &error));
	g_assert_null (airdockd_store_sync_state_get (f->store, bob, dev->id, inbox, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_false (airdockd_store_device_set_wipe (f->store, bob, dev->id, AIRDOCKD_WIPE_PENDING, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_null (airdockd_store_device_items_get (f->store, bob, dev->id, inbox, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	/* alice still has it all */
	{
		g_autoptr (AirdockdItem) again = airdockd_store_item_get (f->store, f->alice->id, item->server_id, &error);
		g_assert_no_error (error);
		g_assert_false (again->read);
		g_assert_true (g_file_test (again->message_path, G_FILE_TEST_EXISTS));
	}
}

static void
test_item_move_read_flag (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 uid = f->alice->id;
	g_autofree char *inbox = folder_id (f->store, uid, AIRDOCKD_FOLDER_INBOX);
	g_autofree char *deleted = folder_id (f->store, uid, AIRDOCKD_FOLDER_DELETED);
	g_autoptr (AirdockdItem) item = deliver (f->store, uid, inbox, "move-me");
	g_autoptr (AirdockdItem) moved = NULL;
	g_autoptr (GPtrArray) ch = NULL;
	g_autofree char *new_id = NULL;
	AirdockdItemFlag flag = { (char *) "for Follow Up", 100, 200, 0, 50, AIRDOCKD_FLAG_ACTIVE };
	gint64 mark = airdockd_store_item_modseq (f->store, uid, &error);

	g_assert_true (airdockd_store_item_set_read (f->store, uid, item->server_id, TRUE, &error));
	g_assert_true (airdockd_store_item_set_flag (f->store, uid, item->server_id, &flag, &error));
	g_assert_no_error (error);
	new_id = airdockd_store_item_move (f->store, uid, item->server_id, deleted, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (new_id, !=, item->server_id);
	g_assert_true (g_str_has_prefix (new_id, deleted));
	moved = airdockd_store_item_get (f->store, uid, new_id, &error);
	g_assert_no_error (error);
	g_assert_true (moved->read);
	g_assert_cmpint (moved->flag.status, ==, AIRDOCKD_FLAG_ACTIVE);
	g_assert_cmpstr (moved->flag.flag_type, ==, "for Follow Up");
	g_assert_cmpint (moved->flag.due_date, ==, 200);
	g_assert_cmpstr (moved->subject, ==, "move-me");
	g_assert_true (g_file_test (moved->message_path, G_FILE_TEST_EXISTS));
	g_assert_null (airdockd_store_item_get (f->store, uid, item->server_id, &error));
	g_clear_error (&error);

	ch = airdockd_store_item_changes (f->store, uid, inbox, mark, 0, NULL, &error);
	g_assert_cmpuint (ch->len, ==, 1);
	g_assert_cmpint (((AirdockdItem *) ch->pdata[0])->change, ==, AIRDOCKD_CHANGE_DELETE);
	g_assert_cmpstr (((AirdockdItem *) ch->pdata[0])->server_id, ==, item->server_id);
	g_clear_pointer (&ch, g_ptr_array_unref);
	ch = airdockd_store_item_changes (f->store, uid, deleted, mark, 0, NULL, &error);
	g_assert_cmpuint (ch->len, ==, 1);
	g_assert_cmpint (((AirdockdItem *) ch->pdata[0])->change, ==, AIRDOCKD_CHANGE_ADD);
	g_clear_pointer (&ch, g_ptr_array_unref);

	/* into its own folder: invalid, nothing changes */
	g_assert_null (airdockd_store_item_move (f->store, uid, new_id, deleted, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID);
	g_clear_error (&error);
	g_assert_nonnull ((moved = (airdockd_item_free (moved), airdockd_store_item_get (f->store, uid, new_id, &error))));

	/* empty the folder: file goes */
	g_assert_true (airdockd_store_folder_empty (f->store, uid, deleted, TRUE, &error));
	g_assert_no_error (error);
	g_assert_false (g_file_test (moved->message_path, G_FILE_TEST_EXISTS));
}

static void
test_message_fields (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 uid = f->alice->id;
	g_autofree char *inbox = folder_id (f->store, uid, AIRDOCKD_FOLDER_INBOX);
	g_autofree char *path = write_message (f->store, "with-att", "report.pdf");
	g_autoptr (AirdockdItem) item = airdockd_store_add_message (f->store, uid, inbox, path, FALSE, &error);
	g_autoptr (GPtrArray) atts = NULL;
	g_autofree char *stored = NULL;
	g_autofree char *orig = NULL;
	AirdockdAttachment *a;

	g_assert_no_error (error);
	g_assert_cmpstr (item->subject, ==, "with-att");
	g_assert_cmpstr (item->message_id, ==, "with-att@example.net");
	g_assert_nonnull (strstr (item->from, "carol@example.net"));
	g_assert_cmpint (item->date_received, ==, 1793700000);
	g_assert_true (item->has_attachments);
	g_assert_cmpstr (item->preview, ==, "See attached.");
	g_assert_true (g_str_has_prefix (item->plain_type, "text/plain"));
	g_assert_null (item->html_type);
	g_assert_cmpint (item->item_class, ==, AIRDOCKD_ITEM_EMAIL);
	/* stored copy is byte-identical and the temp file is still the caller's */
	g_assert_true (g_file_get_contents (item->message_path, &stored, NULL, NULL));
	g_assert_true (g_file_get_contents (path, &orig, NULL, NULL));
	g_assert_cmpstr (stored, ==, orig);
	g_assert_cmpint (item->size, ==, (gint64) strlen (orig));
	g_assert_true (g_str_has_prefix (item->message_path, airdockd_store_get_data_dir (f->store)));

	atts = airdockd_store_item_attachments (f->store, uid, item->server_id, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (atts->len, ==, 1);
	a = atts->pdata[0];
	g_assert_cmpuint (a->index, ==, 0);
	g_assert_cmpstr (a->file_name, ==, "report.pdf");
	g_assert_cmpstr (a->content_type, ==, "application/octet-stream");
	g_assert_cmpint (a->size, ==, 11);
	g_assert_false (a->is_inline);
	g_unlink (path);
	/* the same temp file can go to two users (LMTP with two recipients) */
	g_free (path);
	path = write_message (f->store, "twice", NULL);
	for (int i = 0; i < 2; i++) {
		g_autoptr (AirdockdItem) it = airdockd_store_add_message (f->store, i ? f->bob->id : uid, inbox,
									  path, FALSE, &error);
		g_assert_no_error (error);
		g_assert_true (g_file_test (it->message_path, G_FILE_TEST_EXISTS));
	}
	g_unlink (path);

	/* a file outside the store is copied, not linked */
	{
		g_autofree char *outside = g_build_filename (f->dir, "outside.eml", NULL);
		g_autoptr (AirdockdItem) it = NULL;
		g_assert_true (g_file_set_contents (outside, "Subject: x\r\n\r\nbody\r\n", -1, NULL));
		it = airdockd_store_add_message (f->store, uid, inbox, outside, TRUE, &error);
		g_assert_no_error (error);
		g_assert_true (it->read);
		g_assert_true (g_file_set_contents (outside, "changed", -1, NULL));
		g_clear_pointer (&stored, g_free);
		g_assert_true (g_file_get_contents (it->message_path, &stored, NULL, NULL));
		g_assert_cmpstr (stored, ==, "Subject: x\r\n\r\nbody\r\n");
	}
	/* unknown folder */
	path = (g_free (path), write_message (f->store, "nofolder", NULL));
	g_assert_null (airdockd_store_add_message (f->store, uid, "77", path, FALSE, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_unlink (path);
}

/* ------------------------------------------------------------ transactions */

static void
count_hook (AirdockdStore *store, gint64 user_id, const char *folder, gpointer data)
{
	GPtrArray *calls = data;
	g_ptr_array_add (calls, g_strdup_printf ("%" G_GINT64_FORMAT "/%s", user_id, folder ? folder : "*"));
}

static guint
count_files (const char *dir)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	guint n = 0;

	while (d != NULL && g_dir_read_name (d) != NULL)
		n++;
	return n;
}

static void
test_rollback (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 uid = f->alice->id;
	g_autofree char *inbox = folder_id (f->store, uid, AIRDOCKD_FOLDER_INBOX);
	g_autofree char *udir = g_strdup_printf ("%s/users/%" G_GINT64_FORMAT, f->dir, uid);
	g_autoptr (GPtrArray) calls = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) users = NULL;
	g_autoptr (AirdockdItem) kept = NULL;
	g_autofree char *path = write_message (f->store, "rolled", NULL);
	gint64 modseq = airdockd_store_item_modseq (f->store, uid, &error);
	guint64 count = 9;
	guint hook = airdockd_store_add_change_hook (f->store, count_hook, calls, NULL);

	g_assert_cmpuint (hook, >, 0);
	g_assert_true (airdockd_store_begin (f->store, &error));
	{
		g_autoptr (AirdockdItem) it = airdockd_store_add_message (f->store, uid, inbox, path, FALSE, &error);
		g_assert_no_error (error);
		g_assert_true (g_file_test (it->message_path, G_FILE_TEST_EXISTS));
		g_assert_true (airdockd_store_user_add (f->store, "carol", "carol@example.org", "pw", NULL, &error));
		g_assert_no_error (error);
	}
	g_assert_cmpuint (calls->len, ==, 0);	/* hooks wait for the outermost commit */
	airdockd_store_rollback (f->store);
	g_assert_cmpuint (calls->len, ==, 0);
	g_assert_cmpuint (count_files (udir), ==, 0);
	g_assert_true (airdockd_store_item_count (f->store, uid, inbox, &count, &error));
	g_assert_cmpuint (count, ==, 0);
	g_assert_cmpint (airdockd_store_item_modseq (f->store, uid, &error), ==, modseq);
	users = airdockd_store_user_list (f->store, &error);
	g_assert_cmpuint (users->len, ==, 2);

	/* nested: inner rollback undoes only the inner part */
	g_assert_true (airdockd_store_begin (f->store, &error));
	kept = airdockd_store_add_message (f->store, uid, inbox, path, FALSE, &error);
	g_assert_no_error (error);
	g_assert_true (airdockd_store_begin (f->store, &error));
	{
		g_autoptr (AirdockdItem) it = airdockd_store_add_message (f->store, uid, inbox, path, FALSE, &error);
		g_assert_no_error (error);
	}
	airdockd_store_rollback (f->store);
	g_assert_true (airdockd_store_commit (f->store, &error));
	g_assert_no_error (error);
	g_assert_true (airdockd_store_item_count (f->store, uid, inbox, &count, &error));
	g_assert_cmpuint (count, ==, 1);
	g_assert_cmpuint (count_files (udir), ==, 1);
	g_assert_true (g_file_test (kept->message_path, G_FILE_TEST_EXISTS));
	/* one hook call for the one (user, folder) of the commit */
	g_assert_cmpuint (calls->len, ==, 1);
	g_assert_true (g_str_has_suffix (calls->pdata[0], "/1"));

	/* a failing call inside a change set: the caller rolls the set back */
	g_assert_true (airdockd_store_begin (f->store, &error));
	g_assert_true (airdockd_store_item_set_read (f->store, uid, kept->server_id, TRUE, &error));
	g_assert_false (airdockd_store_item_set_read (f->store, uid, "1:999", TRUE, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	airdockd_store_rollback (f->store);
	{
		g_autoptr (AirdockdItem) again = airdockd_store_item_get (f->store, uid, kept->server_id, &error);
		g_assert_no_error (error);
		g_assert_false (again->read);
	}

	airdockd_store_remove_change_hook (f->store, hook);
	g_assert_true (airdockd_store_item_set_read (f->store, uid, kept->server_id, TRUE, &error));
	g_assert_cmpuint (calls->len, ==, 1);
	g_unlink (path);
}

/* A child delivers and dies at a crash point; the parent reopens the store. */
static void
crash_at (const char *point, gboolean expect_item)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("test-store-XXXXXX", NULL);
	g_autofree char *udir = NULL;
	g_autofree char *foreign = NULL;
	AirdockdStore *store = airdockd_store_open (dir, &error);
	g_autoptr (AirdockdUser) user = NULL;
	g_autofree char *path = NULL;
	guint64 count = 0;
	int status = 0;
	pid_t pid;

	g_assert_true (airdockd_store_user_add (store, "u", "u@example.org", "pw", &user, &error));
	g_assert_no_error (error);
	path = write_message (store, "crash", NULL);
	airdockd_store_unref (store);

	pid = fork ();
	g_assert_cmpint (pid, >=, 0);
	if (pid == 0) {
		AirdockdStore *child = airdockd_store_open (dir, NULL);
		if (child == NULL)
			_exit (1);
		airdockd_store_set_crash_point (child, point);
		airdockd_store_add_message (child, user->id, "1", path, FALSE, NULL);
		_exit (2);
	}
	g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
	g_assert_true (WIFEXITED (status));
	g_assert_cmpint (WEXITSTATUS (status), ==, 77);

	udir = g_strdup_printf ("%s/users/%" G_GINT64_FORMAT, dir, user->id);
	/* the file is there, orphaned or not, before recovery */
	g_assert_cmpuint (count_files (udir), ==, 1);
	/* recovery touches only message files */
	foreign = g_build_filename (udir, "notes.txt", NULL);
	g_assert_true (g_file_set_contents (foreign, "not mail", -1, NULL));
	store = airdockd_store_open (dir, &error);
	g_assert_no_error (error);
	g_assert_true (airdockd_store_item_count (store, user->id, "1", &count, &error));
	g_assert_cmpuint (count, ==, expect_item ? 1 : 0);
	g_assert_cmpuint (count_files (udir), ==, expect_item ? 2 : 1);
	g_assert_true (g_file_test (foreign, G_FILE_TEST_EXISTS));
	airdockd_store_unref (store);
	airdock_harness_remove_tree (dir);
}

static void
test_crash_before_commit (void)
{
	crash_at ("after-place", FALSE);
}

static void
test_crash_after_commit (void)
{
	crash_at ("after-commit", TRUE);
}


/* kill -9 at an arbitrary moment of a delivery loop: every acknowledged
 * item survives, and afterwards message files and rows match one to one. */
static void
test_kill_during_deliveries (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("test-store-XXXXXX", NULL);
	g_autofree char *udir = NULL;
	g_autoptr (GPtrArray) acked = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) items = NULL;
	AirdockdStore *store = airdockd_store_open (dir, &error);
	g_autoptr (AirdockdUser) user = NULL;
	int fds[2];
	pid_t pid;
	FILE *in;
	char line[128];

	g_assert_true (airdockd_store_user_add (store, "u", "u@example.org", "pw", &user, &error));
	g_assert_no_error (error);
	airdockd_store_unref (store);
	g_assert_cmpint (pipe (fds), ==, 0);
	pid = fork ();
	g_assert_cmpint (pid, >=, 0);
	if (pid == 0) {
		AirdockdStore *child = airdockd_store_open (dir, NULL);
		close (fds[0]);
		for (int i = 0; child != NULL; i++) {
			g_autofree char *subject = g_strdup_printf ("m%d", i);
			g_autofree char *path = write_message (child, subject, NULL);
			g_autoptr (AirdockdItem) it = airdockd_store_add_message (child, user->id, "1", path, FALSE, NULL);
			g_autofree char *ack = NULL;
			g_unlink (path);
			if (it == NULL)
				_exit (1);
			/* acknowledged only after the commit, as LMTP replies 250 */
			ack = g_strdup_printf ("%s\n", it->server_id);
			if (write (fds[1], ack, strlen (ack)) < 0)
				_exit (1);
		}
		_exit (1);
	}
	close (fds[1]);
	in = fdopen (fds[0], "r");
	/* let a few commit, then kill in the middle of the following ones */
	while (acked->len < 5 && fgets (line, sizeof line, in) != NULL)
		g_ptr_array_add (acked, g_strdup (g_strchomp (line)));
	kill (pid, SIGKILL);
	while (fgets (line, sizeof line, in) != NULL)
		g_ptr_array_add (acked, g_strdup (g_strchomp (line)));
	fclose (in);
	g_assert_cmpint (waitpid (pid, NULL, 0), ==, pid);
	g_assert_cmpuint (acked->len, >=, 5);

	store = airdockd_store_open (dir, &error);
	g_assert_no_error (error);
	for (guint i = 0; i < acked->len; i++) {
		g_autoptr (AirdockdItem) it = airdockd_store_item_get (store, user->id, acked->pdata[i], &error);
		g_assert_no_error (error);
		g_assert_true (g_file_test (it->message_path, G_FILE_TEST_EXISTS));
	}
	items = airdockd_store_item_list (store, user->id, "1", 0, &error);
	g_assert_no_error (error);
	/* at most one delivery was in flight: committed but not yet acknowledged */
	g_assert_cmpuint (items->len, >=, acked->len);
	g_assert_cmpuint (items->len, <=, acked->len + 1);
	udir = g_strdup_printf ("%s/users/%" G_GINT64_FORMAT, dir, user->id);
	g_assert_cmpuint (count_files (udir), ==, items->len);
	airdockd_store_unref (store);
	airdock_harness_remove_tree (dir);
}

/* ------------------------------------------------------------ devices */

static void
test_devices (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 uid = f->alice->id;
	g_autoptr (AirdockdDevice) d = airdockd_store_device_ensure (f->store, uid, "ABC123", "iPhone", &error);
	g_autoptr (AirdockdDevice) again = NULL;
	g_autoptr (GPtrArray) list = NULL;
	g_autoptr (GBytes) blob = g_bytes_new_static ("ping", 4);
	g_autoptr (GBytes) got = NULL;
	g_autofree char *long_id = g_strnfill (AIRDOCKD_STORE_MAX_NAME + 1, 'd');
	g_autofree char *max_id = g_strnfill (AIRDOCKD_STORE_MAX_NAME, 'd');
	AirdockdDeviceInfo info = { (char *) "iPhone15,2", (char *) "3569", (char *) "Alice's",
				    (char *) "iOS 17", (char *) "en", NULL, (char *) "Apple-iPhone/2101", NULL };

	g_assert_no_error (error);
	g_assert_cmpint (d->first_seen, >, 0);
	g_assert_cmpint (d->wipe_state, ==, AIRDOCKD_WIPE_NONE);
	again = airdockd_store_device_ensure (f->store, uid, "ABC123", NULL, &error);
	g_assert_cmpint (again->id, ==, d->id);
	g_assert_cmpstr (again->device_type, ==, "iPhone");	/* kept when not given */
	g_clear_pointer (&again, airdockd_device_free);
	again = airdockd_store_device_ensure (f->store, uid, "ABC123", "iPad", &error);
	g_assert_cmpstr (again->device_type, ==, "iPad");	/* a new type is written at once */
	g_clear_pointer (&again, airdockd_device_free);
	again = airdockd_store_device_get (f->store, uid, "ABC123", &error);
	g_assert_cmpstr (again->device_type, ==, "iPad");
	g_assert_cmpint (again->last_seen, >=, d->first_seen);
	g_clear_pointer (&again, airdockd_device_free);
	g_assert_null (airdockd_store_device_ensure (f->store, uid, long_id, "t", &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID);
	g_clear_error (&error);
	again = airdockd_store_device_ensure (f->store, uid, max_id, "t", &error);
	g_assert_no_error (error);
	g_clear_pointer (&again, airdockd_device_free);

	g_assert_true (airdockd_store_device_set_policy (f->store, uid, d->id, 1111, 0, NULL, &error));
	g_assert_true (airdockd_store_device_set_policy (f->store, uid, d->id, 0, 2222, "hash1", &error));
	g_assert_true (airdockd_store_device_set_info (f->store, uid, d->id, &info, &error));
	g_assert_true (airdockd_store_device_set_protocol_version (f->store, uid, d->id, "16.1", &error));
	g_assert_true (airdockd_store_device_set_wipe (f->store, uid, d->id, AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING, &error));
	g_assert_no_error (error);
	again = airdockd_store_device_get (f->store, uid, "ABC123", &error);
	g_assert_cmpuint (again->policy_key, ==, 2222);
	g_assert_cmpuint (again->policy_key_temporary, ==, 0);
	g_assert_cmpstr (again->policy_hash, ==, "hash1");
	g_assert_cmpint (again->policy_acknowledged, >, 0);
	g_assert_cmpstr (again->info.model, ==, "iPhone15,2");
	g_assert_cmpstr (again->info.friendly_name, ==, "Alice's");
	g_assert_null (again->info.phone_number);
	g_assert_cmpstr (again->protocol_version, ==, "16.1");
	g_assert_cmpint (again->wipe_state, ==, AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING);
	g_assert_cmpint (again->wipe_requested, >, 0);
	g_assert_cmpint (again->wipe_acknowledged, ==, 0);
	g_clear_pointer (&again, airdockd_device_free);
	g_assert_true (airdockd_store_device_set_wipe (f->store, uid, d->id, AIRDOCKD_WIPE_ACCOUNT_ONLY_WIPED, &error));
	again = airdockd_store_device_get_by_id (f->store, uid, d->id, &error);
	g_assert_cmpint (again->wipe_acknowledged, >, 0);
	g_clear_pointer (&again, airdockd_device_free);
	g_assert_true (airdockd_store_device_set_wipe (f->store, uid, d->id, AIRDOCKD_WIPE_NONE, &error));
	again = airdockd_store_device_get_by_id (f->store, uid, d->id, &error);
	g_assert_cmpint (again->wipe_requested, ==, 0);
	g_assert_false (airdockd_store_device_set_wipe (f->store, uid, d->id, 42, &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID);
	g_clear_error (&error);

	/* blobs */
	g_assert_null (airdockd_store_device_blob_get (f->store, uid, d->id, "ping", &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_true (airdockd_store_device_blob_set (f->store, uid, d->id, "ping", blob, &error));
	got = airdockd_store_device_blob_get (f->store, uid, d->id, "ping", &error);
	g_assert_true (g_bytes_equal (got, blob));
	g_assert_true (airdockd_store_device_blob_set (f->store, uid, d->id, "ping", NULL, &error));
	g_clear_pointer (&got, g_bytes_unref);
	g_assert_null (airdockd_store_device_blob_get (f->store, uid, d->id, "ping", &error));
	g_clear_error (&error);

	list = airdockd_store_device_list (f->store, 0, &error);
	g_assert_cmpuint (list->len, ==, 2);
	g_clear_pointer (&list, g_ptr_array_unref);
	list = airdockd_store_device_list (f->store, f->bob->id, &error);
	g_assert_cmpuint (list->len, ==, 0);
	g_assert_true (airdockd_store_device_delete (f->store, uid, d->id, &error));
	g_assert_null (airdockd_store_device_get (f->store, uid, "ABC123", &error));
	g_clear_error (&error);

	/* Oof */
	{
		g_autoptr (AirdockdOof) oof = airdockd_store_oof_get (f->store, uid, &error);
		AirdockdOof set = { AIRDOCKD_OOF_TIME_BASED, 10, 20, TRUE, (char *) "away", FALSE, NULL,
				    TRUE, (char *) "gone", (char *) "HTML" };
		g_assert_no_error (error);
		g_assert_cmpint (oof->state, ==, AIRDOCKD_OOF_DISABLED);
		g_assert_true (airdockd_store_oof_set (f->store, uid, &set, &error));
		g_clear_pointer (&oof, airdockd_oof_free);
		oof = airdockd_store_oof_get (f->store, uid, &error);
		g_assert_cmpint (oof->state, ==, AIRDOCKD_OOF_TIME_BASED);
		g_assert_cmpint (oof->end_time, ==, 20);
		g_assert_cmpstr (oof->internal_message, ==, "away");
		g_assert_null (oof->external_known_message);
		g_assert_cmpstr (oof->external_unknown_message, ==, "gone");
		g_assert_cmpstr (oof->body_type, ==, "HTML");
		g_clear_pointer (&oof, airdockd_oof_free);
		oof = airdockd_store_oof_get (f->store, f->bob->id, &error);
		g_assert_cmpint (oof->state, ==, AIRDOCKD_OOF_DISABLED);
	}
}

static void
test_sync_state (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	gint64 uid = f->alice->id;
	g_autoptr (AirdockdDevice) d = airdockd_store_device_ensure (f->store, uid, "S", "t", &error);
	g_autoptr (GBytes) resp = g_bytes_new_static ("\x03\x01\x6a\x00", 4);
	AirdockdSyncState st = { (char *) "{abc}2", (char *) "{abc}1", resp, NULL, 42, NULL };
	g_autoptr (AirdockdSyncState) got = NULL;
	g_autoptr (GHashTable) set = NULL;

	g_assert_null (airdockd_store_sync_state_get (f->store, uid, d->id, "2", &error));
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);
	g_assert_true (airdockd_store_sync_state_put (f->store, uid, d->id, "2", &st, &error));
	g_assert_true (airdockd_store_sync_state_put (f->store, uid, d->id, AIRDOCKD_SYNC_HIERARCHY, &st, &error));
	g_assert_no_error (error);
	got = airdockd_store_sync_state_get (f->store, uid, d->id, "2", &error);
	g_assert_cmpstr (got->sync_key, ==, "{abc}2");
	g_assert_cmpstr (got->prev_key, ==, "{abc}1");
	g_assert_true (g_bytes_equal (got->prev_response, resp));
	g_assert_null (got->options);
	g_assert_cmpint (got->last_modseq, ==, 42);

	g_assert_true (airdockd_store_device_items_set (f->store, uid, d->id, "2", "2:1", 5, &error));
	g_assert_true (airdockd_store_device_items_set (f->store, uid, d->id, "2", "2:2", 6, &error));
	g_assert_true (airdockd_store_device_items_set (f->store, uid, d->id, "2", "2:1", 7, &error));
	g_assert_true (airdockd_store_device_items_set (f->store, uid, d->id, "9", "9:1", 1, &error));
	g_assert_true (airdockd_store_device_items_remove (f->store, uid, d->id, "2", "2:2", &error));
	g_assert_no_error (error);
	set = airdockd_store_device_items_get (f->store, uid, d->id, "2", &error);
	g_assert_cmpuint (g_hash_table_size (set), ==, 1);
	g_assert_cmpint (*(gint64 *) g_hash_table_lookup (set, "2:1"), ==, 7);
	g_clear_pointer (&set, g_hash_table_unref);
	g_assert_true (airdockd_store_device_items_clear (f->store, uid, d->id, "2", &error));
	set = airdockd_store_device_items_get (f->store, uid, d->id, "2", &error);
	g_assert_cmpuint (g_hash_table_size (set), ==, 0);
	g_clear_pointer (&set, g_hash_table_unref);

	/* delete one collection, then all */
	g_assert_true (airdockd_store_sync_state_delete (f->store, uid, d->id, "2", &error));
	g_clear_pointer (&got, airdockd_sync_state_free);
	g_assert_null (airdockd_store_sync_state_get (f->store, uid, d->id, "2", &error));
	g_clear_error (&error);
	got = airdockd_store_sync_state_get (f->store, uid, d->id, "", &error);
	g_assert_no_error (error);
	g_assert_true (airdockd_store_sync_state_delete (f->store, uid, d->id, NULL, &error));
	g_clear_pointer (&got, airdockd_sync_state_free);
	g_assert_null (airdockd_store_sync_state_get (f->store, uid, d->id, "", &error));
	g_clear_error (&error);
	set = airdockd_store_device_items_get (f->store, uid, d->id, "9", &error);
	g_assert_cmpuint (g_hash_table_size (set), ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/password/hash", test_password_hash);
	g_test_add_func ("/store/schema/newer", test_schema_newer);
	g_test_add ("/store/user/basics", Fixture, NULL, fixture_setup, test_user_basics, fixture_teardown);
	g_test_add ("/store/user/verify", Fixture, NULL, fixture_setup, test_user_verify, fixture_teardown);
	g_test_add ("/store/user/delete", Fixture, NULL, fixture_setup, test_user_delete, fixture_teardown);
	g_test_add ("/store/folder/crud", Fixture, NULL, fixture_setup, test_folders, fixture_teardown);
	g_test_add ("/store/folder/depth", Fixture, NULL, fixture_setup, test_folder_depth, fixture_teardown);
	g_test_add ("/store/item/changes", Fixture, NULL, fixture_setup, test_item_changes, fixture_teardown);
	g_test_add ("/store/item/isolation", Fixture, NULL, fixture_setup, test_isolation, fixture_teardown);
	g_test_add ("/store/item/move-read-flag", Fixture, NULL, fixture_setup, test_item_move_read_flag, fixture_teardown);
	g_test_add ("/store/message/fields", Fixture, NULL, fixture_setup, test_message_fields, fixture_teardown);
	g_test_add ("/store/transaction/rollback", Fixture, NULL, fixture_setup, test_rollback, fixture_teardown);
	g_test_add_func ("/store/crash/before-commit", test_crash_before_commit);
	g_test_add_func ("/store/crash/after-commit", test_crash_after_commit);
	g_test_add_func ("/store/crash/kill-9", test_kill_during_deliveries);
	g_test_add ("/store/device/all", Fixture, NULL, fixture_setup, test_devices, fixture_teardown);
	g_test_add ("/store/sync-state", Fixture, NULL, fixture_setup, test_sync_state, fixture_teardown);

	return g_test_run ();
}
