/* airdockd-store.c — backend-independent part of the store: argument
 * checks, passwords, message files, transaction depth and change hooks.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/airdockd-password.h"
#include "server/airdockd-store-private.h"

G_DEFINE_QUARK (airdockd-store-error-quark, airdockd_store_error)

typedef struct {
	guint rollback_files;
	guint commit_files;
	guint changes;
} Mark;

typedef struct {
	gint64 user_id;
	char *folder_id;
} PendingChange;

typedef struct {
	guint id;
	AirdockdStoreChangeFunc func;
	gpointer data;
	GDestroyNotify destroy;
} Hook;

struct _AirdockdStore {
	gint ref_count;
	char *data_dir;
	char *tmp_dir;
	AirdockdStoreBackend *backend;
	GArray *marks;			/* Mark per open transaction level */
	GPtrArray *unlink_on_rollback;	/* absolute paths placed in this transaction */
	GPtrArray *unlink_on_commit;	/* absolute paths of removed items */
	GArray *changes;		/* PendingChange */
	GArray *hooks;			/* Hook */
	guint next_hook_id;
	char *dummy_hash;		/* verified against for unknown users (same timing) */
	char *crash_point;		/* tests: _exit here (see airdockd_store_set_crash_point) */
};

#define B(store) ((store)->backend->klass)

/* ------------------------------------------------------------ free functions */

void
airdockd_user_free (AirdockdUser *user)
{
	if (user == NULL)
		return;
	g_free (user->name);
	g_free (user->email);
	g_free (user);
}

void
airdockd_oof_free (AirdockdOof *oof)
{
	if (oof == NULL)
		return;
	g_free (oof->internal_message);
	g_free (oof->external_known_message);
	g_free (oof->external_unknown_message);
	g_free (oof->body_type);
	g_free (oof);
}

void
airdockd_device_info_clear (AirdockdDeviceInfo *info)
{
	g_clear_pointer (&info->model, g_free);
	g_clear_pointer (&info->imei, g_free);
	g_clear_pointer (&info->friendly_name, g_free);
	g_clear_pointer (&info->os, g_free);
	g_clear_pointer (&info->os_language, g_free);
	g_clear_pointer (&info->phone_number, g_free);
	g_clear_pointer (&info->user_agent, g_free);
	g_clear_pointer (&info->mobile_operator, g_free);
}

void
airdockd_device_free (AirdockdDevice *device)
{
	if (device == NULL)
		return;
	g_free (device->device_id);
	g_free (device->device_type);
	g_free (device->protocol_version);
	g_free (device->policy_hash);
	airdockd_device_info_clear (&device->info);
	g_free (device);
}

void
airdockd_folder_free (AirdockdFolder *folder)
{
	if (folder == NULL)
		return;
	g_free (folder->server_id);
	g_free (folder->parent_id);
	g_free (folder->display_name);
	g_free (folder);
}

void
airdockd_item_free (AirdockdItem *item)
{
	if (item == NULL)
		return;
	g_free (item->server_id);
	g_free (item->folder_id);
	g_free (item->from);
	g_free (item->to);
	g_free (item->cc);
	g_free (item->reply_to);
	g_free (item->subject);
	g_free (item->message_id);
	g_free (item->thread_id);
	g_free (item->flag.flag_type);
	g_free (item->preview);
	g_free (item->plain_type);
	g_free (item->html_type);
	g_free (item->message_path);
	g_clear_pointer (&item->data, g_bytes_unref);
	g_free (item);
}

void
airdockd_attachment_free (AirdockdAttachment *attachment)
{
	if (attachment == NULL)
		return;
	g_free (attachment->file_name);
	g_free (attachment->content_type);
	g_free (attachment->content_id);
	g_free (attachment);
}

void
airdockd_sync_state_free (AirdockdSyncState *state)
{
	if (state == NULL)
		return;
	g_free (state->sync_key);
	g_free (state->prev_key);
	g_clear_pointer (&state->prev_response, g_bytes_unref);
	g_clear_pointer (&state->options, g_bytes_unref);
	g_clear_pointer (&state->data, g_bytes_unref);
	g_free (state);
}

void
airdockd_sync_info_free (AirdockdSyncInfo *info)
{
	if (info == NULL)
		return;
	g_free (info->collection_id);
	g_free (info);
}

/* ------------------------------------------------------------ checks */

static gboolean
invalid (GError **error, const char *what)
{
	g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID, "invalid %s", what);
	return FALSE;
}

/* UTF-8 text of 1..max bytes without control characters. */
static gboolean
check_text (const char *s, gsize max, const char *what, GError **error)
{
	gsize len;

	if (s == NULL)
		return invalid (error, what);
	len = strnlen (s, max + 1);
	if (len == 0 || len > max || !g_utf8_validate (s, len, NULL))
		return invalid (error, what);
	for (gsize i = 0; i < len; i++)
		if ((guchar) s[i] < 0x20 || s[i] == 0x7f)
			return invalid (error, what);
	return TRUE;
}

static gboolean
check_optional_text (const char *s, gsize max, const char *what, GError **error)
{
	return s == NULL || check_text (s, max, what, error);
}

static gboolean
check_login (const char *name, GError **error)
{
	if (!check_text (name, AIRDOCKD_STORE_MAX_NAME, "login name", error))
		return FALSE;
	for (const char *p = name; *p != '\0'; p++)
		if (!g_ascii_isalnum (*p) && strchr ("._+-", *p) == NULL)
			return invalid (error, "login name (letters, digits, . _ + - only)");
	return TRUE;
}

static gboolean
check_email (const char *email, GError **error)
{
	const char *at;

	if (!check_text (email, AIRDOCKD_STORE_MAX_EMAIL, "email address", error))
		return FALSE;
	at = strchr (email, '@');
	if (at == NULL || at == email || at[1] == '\0' || strchr (at + 1, '@') != NULL ||
	    strpbrk (email, " <>\",;") != NULL)
		return invalid (error, "email address");
	return TRUE;
}

static gboolean
check_server_id (const char *id, const char *what, GError **error)
{
	return check_text (id, AIRDOCKD_STORE_MAX_SERVER_ID, what, error);
}

static gint64
now (void)
{
	return g_get_real_time () / G_USEC_PER_SEC;
}

/* ------------------------------------------------------------ transactions */

gboolean
airdockd_store_begin (AirdockdStore *store, GError **error)
{
	Mark mark;

	g_return_val_if_fail (store != NULL, FALSE);
	if (!B (store)->begin (store->backend, store->marks->len, error))
		return FALSE;
	mark.rollback_files = store->unlink_on_rollback->len;
	mark.commit_files = store->unlink_on_commit->len;
	mark.changes = store->changes->len;
	g_array_append_val (store->marks, mark);
	return TRUE;
}

static void
unlink_from (GPtrArray *files, guint from)
{
	for (guint i = from; i < files->len; i++)
		g_unlink (g_ptr_array_index (files, i));
	g_ptr_array_set_size (files, from);
}

static void
truncate_changes (GArray *changes, guint from)
{
	for (guint i = from; i < changes->len; i++)
		g_free (g_array_index (changes, PendingChange, i).folder_id);
	g_array_set_size (changes, from);
}

void
airdockd_store_rollback (AirdockdStore *store)
{
	Mark mark;

	g_return_if_fail (store != NULL && store->marks->len > 0);
	mark = g_array_index (store->marks, Mark, store->marks->len - 1);
	g_array_set_size (store->marks, store->marks->len - 1);
	B (store)->rollback (store->backend, store->marks->len);
	unlink_from (store->unlink_on_rollback, mark.rollback_files);
	g_ptr_array_set_size (store->unlink_on_commit, mark.commit_files);
	truncate_changes (store->changes, mark.changes);
}

static void
fire_changes (AirdockdStore *store)
{
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr (GArray) changes = store->changes;

	store->changes = g_array_new (FALSE, FALSE, sizeof (PendingChange));
	for (guint i = 0; i < changes->len; i++) {
		PendingChange *c = &g_array_index (changes, PendingChange, i);
		char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s", c->user_id,
					     c->folder_id ? c->folder_id : "\001hierarchy");
		if (g_hash_table_add (seen, key))
			for (guint h = 0; h < store->hooks->len; h++) {
				Hook *hook = &g_array_index (store->hooks, Hook, h);
				hook->func (store, c->user_id, c->folder_id, hook->data);
			}
	}
	truncate_changes (changes, 0);
}

gboolean
airdockd_store_commit (AirdockdStore *store, GError **error)
{
	g_return_val_if_fail (store != NULL && store->marks->len > 0, FALSE);
	if (!B (store)->commit (store->backend, store->marks->len - 1, error)) {
		airdockd_store_rollback (store);
		return FALSE;
	}
	g_array_set_size (store->marks, store->marks->len - 1);
	if (store->marks->len > 0)
		return TRUE;
	g_ptr_array_set_size (store->unlink_on_rollback, 0);
	unlink_from (store->unlink_on_commit, 0);
	fire_changes (store);
	return TRUE;
}

/* Commits if ok, else rolls back; returns ok. */
static gboolean
finish (AirdockdStore *store, gboolean ok, GError **error)
{
	if (!ok) {
		airdockd_store_rollback (store);
		return FALSE;
	}
	return airdockd_store_commit (store, error);
}

static gpointer
finish_ptr (AirdockdStore *store, gpointer result, GDestroyNotify free_func, GError **error)
{
	if (!finish (store, result != NULL, error)) {
		if (result != NULL)
			free_func (result);
		return NULL;
	}
	return result;
}

static void
queue_change (AirdockdStore *store, gint64 user_id, const char *folder_id)
{
	PendingChange c = { user_id, g_strdup (folder_id) };
	g_array_append_val (store->changes, c);
}

guint
airdockd_store_add_change_hook (AirdockdStore *store, AirdockdStoreChangeFunc func,
				gpointer user_data, GDestroyNotify destroy)
{
	Hook hook = { ++store->next_hook_id, func, user_data, destroy };

	g_return_val_if_fail (func != NULL, 0);
	g_array_append_val (store->hooks, hook);
	return hook.id;
}

void
airdockd_store_remove_change_hook (AirdockdStore *store, guint hook_id)
{
	for (guint i = 0; i < store->hooks->len; i++) {
		Hook hook = g_array_index (store->hooks, Hook, i);
		if (hook.id != hook_id)
			continue;
		g_array_remove_index (store->hooks, i);
		if (hook.destroy != NULL)
			hook.destroy (hook.data);
		return;
	}
}

/* ------------------------------------------------------------ open */

static gboolean
make_dir (const char *path, GError **error)
{
	if (g_mkdir_with_parents (path, 0700) != 0) {
		int errsv = errno;
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_FAILED,
			     "cannot create %s: %s", path, g_strerror (errsv));
		return FALSE;
	}
	return TRUE;
}

/* Temp files are named "<pid>-…": remove those of processes that are gone. */
static void
remove_stale_temp_files (AirdockdStore *store)
{
	g_autoptr (GDir) dir = g_dir_open (store->tmp_dir, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
		guint64 pid = 0;
		g_autofree char *prefix = g_strndup (name, strcspn (name, "-"));
		if (g_ascii_string_to_unsigned (prefix, 10, 1, G_MAXINT, &pid, NULL) &&
		    (kill ((pid_t) pid, 0) == 0 || errno != ESRCH))
			continue;
		g_autofree char *path = g_build_filename (store->tmp_dir, name, NULL);
		g_unlink (path);
	}
}

/* A message file whose row never committed (crash between rename and
 * commit) or whose row was deleted (crash before the unlink) is removed.
 * Runs inside a write transaction, so no delivery is half-way meanwhile. */
static gboolean
recover (AirdockdStore *store, GError **error)
{
	g_autofree char *users = g_build_filename (store->data_dir, "users", NULL);
	g_autoptr (GHashTable) live = NULL;
	g_autoptr (GDir) dir = NULL;
	const char *uname;

	if (!airdockd_store_begin (store, error))
		return FALSE;
	remove_stale_temp_files (store);
	live = B (store)->live_files (store->backend, error);
	if (live == NULL) {
		airdockd_store_rollback (store);
		return FALSE;
	}
	dir = g_dir_open (users, 0, NULL);
	while (dir != NULL && (uname = g_dir_read_name (dir)) != NULL) {
		g_autofree char *udir = g_build_filename (users, uname, NULL);
		g_autoptr (GDir) sub = g_dir_open (udir, 0, NULL);
		const char *fname;
		while (sub != NULL && (fname = g_dir_read_name (sub)) != NULL) {
			g_autofree char *rel = g_strdup_printf ("users/%s/%s", uname, fname);
			/* only our own "<item id>.eml" files are candidates */
			if (!g_str_has_suffix (fname, ".eml") || strspn (fname, "0123456789") != strlen (fname) - 4 ||
			    g_hash_table_contains (live, rel))
				continue;
			g_autofree char *abs = g_build_filename (store->data_dir, rel, NULL);
			g_unlink (abs);
		}
	}
	return airdockd_store_commit (store, error);
}

AirdockdStore *
airdockd_store_open (const char *data_dir, GError **error)
{
	g_autoptr (AirdockdStore) store = NULL;
	g_autofree char *db_path = NULL;

	g_return_val_if_fail (data_dir != NULL, NULL);
	store = g_new0 (AirdockdStore, 1);
	store->ref_count = 1;
	store->data_dir = g_canonicalize_filename (data_dir, NULL);
	store->tmp_dir = g_build_filename (store->data_dir, "tmp", NULL);
	store->marks = g_array_new (FALSE, FALSE, sizeof (Mark));
	store->unlink_on_rollback = g_ptr_array_new_with_free_func (g_free);
	store->unlink_on_commit = g_ptr_array_new_with_free_func (g_free);
	store->changes = g_array_new (FALSE, FALSE, sizeof (PendingChange));
	store->hooks = g_array_new (FALSE, FALSE, sizeof (Hook));
	if (!make_dir (store->data_dir, error) || !make_dir (store->tmp_dir, error))
		return NULL;
	db_path = g_build_filename (store->data_dir, "airdock.sqlite", NULL);
	store->backend = airdockd_store_sqlite_open (db_path, error);
	if (store->backend == NULL || !recover (store, error))
		return NULL;
	return g_steal_pointer (&store);
}

AirdockdStore *
airdockd_store_ref (AirdockdStore *store)
{
	g_return_val_if_fail (store != NULL, NULL);
	g_atomic_int_inc (&store->ref_count);
	return store;
}

void
airdockd_store_unref (AirdockdStore *store)
{
	if (store == NULL || !g_atomic_int_dec_and_test (&store->ref_count))
		return;
	while (store->marks->len > 0)
		airdockd_store_rollback (store);
	for (guint i = 0; i < store->hooks->len; i++) {
		Hook *hook = &g_array_index (store->hooks, Hook, i);
		if (hook->destroy != NULL)
			hook->destroy (hook->data);
	}
	if (store->backend != NULL)
		B (store)->close (store->backend);
	g_array_unref (store->marks);
	g_ptr_array_unref (store->unlink_on_rollback);
	g_ptr_array_unref (store->unlink_on_commit);
	g_array_unref (store->changes);
	g_array_unref (store->hooks);
	g_free (store->data_dir);
	g_free (store->tmp_dir);
	g_free (store->dummy_hash);
	g_free (store->crash_point);
	g_free (store);
}

const char *
airdockd_store_get_data_dir (AirdockdStore *store)
{
	return store->data_dir;
}

void
airdockd_store_set_crash_point (AirdockdStore *store, const char *point)
{
	g_free (store->crash_point);
	store->crash_point = g_strdup (point);
}

static void
crash_point (AirdockdStore *store, const char *point)
{
	if (store->crash_point != NULL && strcmp (store->crash_point, point) == 0)
		_exit (77);
}

/* ------------------------------------------------------------ users */

static const struct {
	const char *name;
	AirdockdFolderType type;
} standard_folders[] = {
	{ "Inbox", AIRDOCKD_FOLDER_INBOX },
	{ "Drafts", AIRDOCKD_FOLDER_DRAFTS },
	{ "Deleted Items", AIRDOCKD_FOLDER_DELETED },
	{ "Sent Items", AIRDOCKD_FOLDER_SENT },
	{ "Outbox", AIRDOCKD_FOLDER_OUTBOX },
	{ "Junk E-mail", AIRDOCKD_FOLDER_USER_MAIL },
	{ "Calendar", AIRDOCKD_FOLDER_CALENDAR },
	{ "Contacts", AIRDOCKD_FOLDER_CONTACTS },
	{ "Tasks", AIRDOCKD_FOLDER_TASKS },
	{ "Notes", AIRDOCKD_FOLDER_NOTES },
};

static gboolean
user_add_rows (AirdockdStore *store, const char *name, const char *email,
	       const char *hash, gint64 *out_id, GError **error)
{
	if (!B (store)->user_add (store->backend, name, email, hash, out_id, error))
		return FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS (standard_folders); i++) {
		AirdockdFolder *f = B (store)->folder_insert (store->backend, *out_id, AIRDOCKD_FOLDER_ROOT,
							      standard_folders[i].name,
							      standard_folders[i].type, error);
		if (f == NULL)
			return FALSE;
		airdockd_folder_free (f);
	}
	return TRUE;
}

gboolean
airdockd_store_user_add (AirdockdStore *store, const char *name, const char *email,
			 const char *password, AirdockdUser **out_user, GError **error)
{
	g_autofree char *hash = NULL;
	gint64 id = 0;

	g_return_val_if_fail (store != NULL && password != NULL, FALSE);
	if (!check_login (name, error) || !check_email (email, error))
		return FALSE;
	hash = airdockd_password_hash (password, error);
	if (hash == NULL)
		return FALSE;
	if (!airdockd_store_begin (store, error))
		return FALSE;
	if (!finish (store, user_add_rows (store, name, email, hash, &id, error), error)) {
		if (error != NULL && g_error_matches (*error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_EXISTS))
			g_prefix_error (error, "user %s or address %s exists: ", name, email);
		return FALSE;
	}
	if (out_user != NULL) {
		*out_user = airdockd_store_user_get (store, id, error);
		return *out_user != NULL;
	}
	return TRUE;
}

gboolean
airdockd_store_user_set_password (AirdockdStore *store, gint64 user_id,
				  const char *password, GError **error)
{
	g_autofree char *hash = NULL;

	g_return_val_if_fail (store != NULL && password != NULL, FALSE);
	hash = airdockd_password_hash (password, error);
	if (hash == NULL || !airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, B (store)->user_set_hash (store->backend, user_id, hash, error), error);
}

gboolean
airdockd_store_user_set_email (AirdockdStore *store, gint64 user_id, const char *email, GError **error)
{
	if (!check_email (email, error) || !airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, B (store)->user_set_email (store->backend, user_id, email, error), error);
}

static void
remove_tree (const char *path)
{
	g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
		g_autofree char *child = g_build_filename (path, name, NULL);
		if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
			remove_tree (child);
		else
			g_unlink (child);
	}
	g_rmdir (path);
}

gboolean
airdockd_store_user_delete (AirdockdStore *store, gint64 user_id, GError **error)
{
	g_autofree char *dir = NULL;

	if (!airdockd_store_begin (store, error))
		return FALSE;
	if (!finish (store, B (store)->user_delete (store->backend, user_id, error), error))
		return FALSE;
	dir = g_strdup_printf ("%s/users/%" G_GINT64_FORMAT, store->data_dir, user_id);
	remove_tree (dir);
	return TRUE;
}

GPtrArray *
airdockd_store_user_list (AirdockdStore *store, GError **error)
{
	return B (store)->user_list (store->backend, error);
}

AirdockdUser *
airdockd_store_user_get (AirdockdStore *store, gint64 user_id, GError **error)
{
	return B (store)->user_get (store->backend, user_id, NULL, FALSE, NULL, error);
}

AirdockdUser *
airdockd_store_user_get_by_name (AirdockdStore *store, const char *name, GError **error)
{
	g_return_val_if_fail (name != NULL, NULL);
	return B (store)->user_get (store->backend, 0, name, FALSE, NULL, error);
}

AirdockdUser *
airdockd_store_user_lookup (AirdockdStore *store, const char *name_or_email, GError **error)
{
	g_return_val_if_fail (name_or_email != NULL, NULL);
	return B (store)->user_get (store->backend, 0, name_or_email, TRUE, NULL, error);
}

AirdockdUser *
airdockd_store_user_verify (AirdockdStore *store, const char *name,
			    const char *password, GError **error)
{
	g_autoptr (AirdockdUser) user = NULL;
	g_autofree char *hash = NULL;
	gboolean ok;

	g_return_val_if_fail (store != NULL && name != NULL && password != NULL, NULL);
	if (store->dummy_hash == NULL)
		store->dummy_hash = airdockd_password_hash ("airdock-no-such-user", NULL);
	user = B (store)->user_get (store->backend, 0, name, TRUE, &hash, NULL);
	/* Verify even for an unknown user, so the time taken does not tell. */
	ok = airdockd_password_verify (hash != NULL ? hash : store->dummy_hash, password);
	if (user == NULL || !ok) {
		g_set_error_literal (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_AUTH,
				     "unknown user or wrong password");
		return NULL;
	}
	return g_steal_pointer (&user);
}

AirdockdOof *
airdockd_store_oof_get (AirdockdStore *store, gint64 user_id, GError **error)
{
	return B (store)->oof_get (store->backend, user_id, error);
}

gboolean
airdockd_store_oof_set (AirdockdStore *store, gint64 user_id, const AirdockdOof *oof, GError **error)
{
	g_return_val_if_fail (oof != NULL, FALSE);
	if (oof->state > AIRDOCKD_OOF_TIME_BASED)
		return invalid (error, "Oof state");
	if (!airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, B (store)->oof_set (store->backend, user_id, oof, error), error);
}

/* ------------------------------------------------------------ devices */

/* Every request ensures its device: skip the write (a write lock and an
 * fsync) while last_seen is this fresh and nothing else changed. */
#define LAST_SEEN_GRANULARITY 60

AirdockdDevice *
airdockd_store_device_ensure (AirdockdStore *store, gint64 user_id, const char *device_id,
			      const char *device_type, GError **error)
{
	g_autoptr (AirdockdDevice) known = NULL;

	if (!check_text (device_id, AIRDOCKD_STORE_MAX_NAME, "DeviceId", error) ||
	    !check_optional_text (device_type, AIRDOCKD_STORE_MAX_NAME, "DeviceType", error))
		return NULL;
	known = B (store)->device_get (store->backend, user_id, device_id, 0, NULL);
	if (known != NULL && now () - known->last_seen < LAST_SEEN_GRANULARITY && known->last_seen <= now () &&
	    (device_type == NULL || g_strcmp0 (device_type, known->device_type) == 0))
		return g_steal_pointer (&known);
	if (!airdockd_store_begin (store, error))
		return NULL;
	return finish_ptr (store, B (store)->device_ensure (store->backend, user_id, device_id, device_type, error),
			   (GDestroyNotify) airdockd_device_free, error);
}

AirdockdDevice *
airdockd_store_device_get (AirdockdStore *store, gint64 user_id, const char *device_id, GError **error)
{
	g_return_val_if_fail (device_id != NULL, NULL);
	return B (store)->device_get (store->backend, user_id, device_id, 0, error);
}

AirdockdDevice *
airdockd_store_device_get_by_id (AirdockdStore *store, gint64 user_id, gint64 id, GError **error)
{
	return B (store)->device_get (store->backend, user_id, NULL, id, error);
}

GPtrArray *
airdockd_store_device_list (AirdockdStore *store, gint64 user_id, GError **error)
{
	return B (store)->device_list (store->backend, user_id, error);
}

typedef gboolean (*DeviceEdit) (AirdockdDevice *device, gconstpointer arg, GError **error);

/* Read-modify-write of one device inside a transaction. */
static gboolean
device_edit (AirdockdStore *store, gint64 user_id, gint64 id, DeviceEdit edit,
	     gconstpointer arg, GError **error)
{
	g_autoptr (AirdockdDevice) d = NULL;
	gboolean ok;

	if (!airdockd_store_begin (store, error))
		return FALSE;
	d = B (store)->device_get (store->backend, user_id, NULL, id, error);
	ok = d != NULL && edit (d, arg, error) && B (store)->device_update (store->backend, d, error);
	return finish (store, ok, error);
}

static gboolean
edit_version (AirdockdDevice *d, gconstpointer arg, GError **error)
{
	g_free (d->protocol_version);
	d->protocol_version = g_strdup (arg);
	return TRUE;
}

gboolean
airdockd_store_device_set_protocol_version (AirdockdStore *store, gint64 user_id, gint64 id,
					    const char *version, GError **error)
{
	if (!check_optional_text (version, 16, "protocol version", error))
		return FALSE;
	return device_edit (store, user_id, id, edit_version, version, error);
}

typedef struct {
	guint32 temporary;
	guint32 key;
	const char *hash;
} PolicyArg;

static gboolean
edit_policy (AirdockdDevice *d, gconstpointer arg, GError **error)
{
	const PolicyArg *p = arg;

	d->policy_key_temporary = p->temporary;
	if (p->key != 0 && p->key != d->policy_key)
		d->policy_acknowledged = now ();
	if (p->key == 0)
		d->policy_acknowledged = 0;
	d->policy_key = p->key;
	g_free (d->policy_hash);
	d->policy_hash = g_strdup (p->hash);
	return TRUE;
}

gboolean
airdockd_store_device_set_policy (AirdockdStore *store, gint64 user_id, gint64 id,
				  guint32 policy_key_temporary, guint32 policy_key,
				  const char *policy_hash, GError **error)
{
	PolicyArg p = { policy_key_temporary, policy_key, policy_hash };

	if (!check_optional_text (policy_hash, AIRDOCKD_STORE_MAX_NAME, "policy hash", error))
		return FALSE;
	return device_edit (store, user_id, id, edit_policy, &p, error);
}

static gboolean
edit_wipe (AirdockdDevice *d, gconstpointer arg, GError **error)
{
	AirdockdWipeState state = GPOINTER_TO_INT (arg);

	switch (state) {
	case AIRDOCKD_WIPE_NONE:
		d->wipe_requested = d->wipe_sent = d->wipe_acknowledged = 0;
		break;
	case AIRDOCKD_WIPE_PENDING:
	case AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING:
		d->wipe_requested = now ();
		d->wipe_sent = d->wipe_acknowledged = 0;
		break;
	case AIRDOCKD_WIPE_SENT:
	case AIRDOCKD_WIPE_ACCOUNT_ONLY_SENT:
		d->wipe_sent = now ();
		break;
	case AIRDOCKD_WIPE_WIPED:
	case AIRDOCKD_WIPE_ACCOUNT_ONLY_WIPED:
		d->wipe_acknowledged = now ();
		break;
	default:
		return invalid (error, "wipe state");
	}
	d->wipe_state = state;
	return TRUE;
}

gboolean
airdockd_store_device_set_wipe (AirdockdStore *store, gint64 user_id, gint64 id,
				AirdockdWipeState state, GError **error)
{
	return device_edit (store, user_id, id, edit_wipe, GINT_TO_POINTER (state), error);
}

static gboolean
edit_info (AirdockdDevice *d, gconstpointer arg, GError **error)
{
	const AirdockdDeviceInfo *i = arg;
	const char *fields[] = { i->model, i->imei, i->friendly_name, i->os, i->os_language,
				 i->phone_number, i->user_agent, i->mobile_operator };

	for (gsize f = 0; f < G_N_ELEMENTS (fields); f++)
		if (!check_optional_text (fields[f], AIRDOCKD_STORE_MAX_DEVICE_INFO, "DeviceInformation", error))
			return FALSE;
	airdockd_device_info_clear (&d->info);
	d->info.model = g_strdup (i->model);
	d->info.imei = g_strdup (i->imei);
	d->info.friendly_name = g_strdup (i->friendly_name);
	d->info.os = g_strdup (i->os);
	d->info.os_language = g_strdup (i->os_language);
	d->info.phone_number = g_strdup (i->phone_number);
	d->info.user_agent = g_strdup (i->user_agent);
	d->info.mobile_operator = g_strdup (i->mobile_operator);
	return TRUE;
}

gboolean
airdockd_store_device_set_info (AirdockdStore *store, gint64 user_id, gint64 id,
				const AirdockdDeviceInfo *info, GError **error)
{
	g_return_val_if_fail (info != NULL, FALSE);
	return device_edit (store, user_id, id, edit_info, info, error);
}

gboolean
airdockd_store_device_delete (AirdockdStore *store, gint64 user_id, gint64 id, GError **error)
{
	if (!airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, B (store)->device_delete (store->backend, user_id, id, error), error);
}

GBytes *
airdockd_store_device_blob_get (AirdockdStore *store, gint64 user_id, gint64 device_id,
				const char *key, GError **error)
{
	if (!check_text (key, 64, "blob key", error))
		return NULL;
	return B (store)->device_blob_get (store->backend, user_id, device_id, key, error);
}

gboolean
airdockd_store_device_blob_set (AirdockdStore *store, gint64 user_id, gint64 device_id,
				const char *key, GBytes *value, GError **error)
{
	if (!check_text (key, 64, "blob key", error) || !airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, B (store)->device_blob_set (store->backend, user_id, device_id, key, value, error),
		       error);
}

/* ------------------------------------------------------------ folders */

static gboolean
is_user_folder_type (AirdockdFolderType type)
{
	return type == AIRDOCKD_FOLDER_USER_GENERIC ||
	       (type >= AIRDOCKD_FOLDER_USER_MAIL && type <= AIRDOCKD_FOLDER_USER_NOTES);
}

static AirdockdFolder *
find_folder (GPtrArray *folders, const char *server_id)
{
	for (guint i = 0; i < folders->len; i++) {
		AirdockdFolder *f = g_ptr_array_index (folders, i);
		if (strcmp (f->server_id, server_id) == 0)
			return f;
	}
	return NULL;
}

/* Reorders so that every folder comes after its parent. */
static GPtrArray *
parents_first (GPtrArray *folders)
{
	GPtrArray *out = g_ptr_array_new_full (folders->len, (GDestroyNotify) airdockd_folder_free);
	g_autoptr (GHashTable) placed = g_hash_table_new (g_str_hash, g_str_equal);
	gboolean progress = TRUE;

	g_hash_table_add (placed, (gpointer) AIRDOCKD_FOLDER_ROOT);
	while (progress) {
		progress = FALSE;
		for (guint i = 0; i < folders->len; i++) {
			AirdockdFolder *f = g_ptr_array_index (folders, i);
			if (f == NULL || !g_hash_table_contains (placed, f->parent_id))
				continue;
			g_hash_table_add (placed, f->server_id);
			g_ptr_array_add (out, f);
			folders->pdata[i] = NULL;
			progress = TRUE;
		}
	}
	/* Orphans (cannot happen through this API) go last rather than vanish. */
	for (guint i = 0; i < folders->len; i++)
		if (folders->pdata[i] != NULL) {
			g_ptr_array_add (out, folders->pdata[i]);
			folders->pdata[i] = NULL;
		}
	return out;
}

GPtrArray *
airdockd_store_folder_list (AirdockdStore *store, gint64 user_id, GError **error)
{
	g_autoptr (GPtrArray) raw = B (store)->folder_list (store->backend, user_id, FALSE, 0, error);

	if (raw == NULL)
		return NULL;
	return parents_first (raw);
}

AirdockdFolder *
airdockd_store_folder_get (AirdockdStore *store, gint64 user_id, const char *server_id, GError **error)
{
	if (!check_server_id (server_id, "folder id", error))
		return NULL;
	return B (store)->folder_get (store->backend, user_id, server_id, 0, error);
}

AirdockdFolder *
airdockd_store_folder_get_by_type (AirdockdStore *store, gint64 user_id,
				   AirdockdFolderType type, GError **error)
{
	return B (store)->folder_get (store->backend, user_id, NULL, type, error);
}

static guint
folder_depth (GPtrArray *folders, const char *server_id)
{
	guint depth = 0;

	while (strcmp (server_id, AIRDOCKD_FOLDER_ROOT) != 0 && depth <= folders->len) {
		AirdockdFolder *f = find_folder (folders, server_id);
		if (f == NULL)
			break;
		server_id = f->parent_id;
		depth++;
	}
	return depth;
}

/* Checks a (parent, name) place for folder self_id (NULL when creating). */
static gboolean
check_place (GPtrArray *folders, const char *self_id, const char *parent_id,
	     const char *name, GError **error)
{
	if (!check_text (name, AIRDOCKD_STORE_MAX_NAME, "folder name", error))
		return FALSE;
	if (strcmp (parent_id, AIRDOCKD_FOLDER_ROOT) != 0 && find_folder (folders, parent_id) == NULL) {
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_PARENT, "no such parent folder");
		return FALSE;
	}
	/* A folder cannot move under itself or its descendants. */
	for (const char *p = parent_id; self_id != NULL && strcmp (p, AIRDOCKD_FOLDER_ROOT) != 0;) {
		AirdockdFolder *f = find_folder (folders, p);
		if (strcmp (p, self_id) == 0) {
			g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_PARENT,
				     "a folder cannot move into itself");
			return FALSE;
		}
		if (f == NULL)
			break;
		p = f->parent_id;
	}
	if (folder_depth (folders, parent_id) + 1 > AIRDOCKD_STORE_MAX_FOLDER_DEPTH) {
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_TOO_LARGE,
			     "folders nest at most %d deep", AIRDOCKD_STORE_MAX_FOLDER_DEPTH);
		return FALSE;
	}
	for (guint i = 0; i < folders->len; i++) {
		AirdockdFolder *f = g_ptr_array_index (folders, i);
		if (strcmp (f->parent_id, parent_id) == 0 && g_strcmp0 (f->server_id, self_id) != 0 &&
		    strcmp (f->display_name, name) == 0) {
			g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_EXISTS,
				     "a folder of that name exists there");
			return FALSE;
		}
	}
	return TRUE;
}

AirdockdFolder *
airdockd_store_folder_create (AirdockdStore *store, gint64 user_id, const char *parent_id,
			      const char *display_name, AirdockdFolderType type, GError **error)
{
	g_autoptr (GPtrArray) folders = NULL;
	AirdockdFolder *f = NULL;

	if (!is_user_folder_type (type)) {
		invalid (error, "folder type (not a user folder type)");
		return NULL;
	}
	if (!check_server_id (parent_id, "parent id", error) || !airdockd_store_begin (store, error))
		return NULL;
	folders = B (store)->folder_list (store->backend, user_id, FALSE, 0, error);
	if (folders != NULL && check_place (folders, NULL, parent_id, display_name, error))
		f = B (store)->folder_insert (store->backend, user_id, parent_id, display_name, type, error);
	if (f != NULL)
		queue_change (store, user_id, NULL);
	return finish_ptr (store, f, (GDestroyNotify) airdockd_folder_free, error);
}

static gboolean
special_folder (GError **error)
{
	g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_SPECIAL_FOLDER,
		     "standard folders cannot be changed");
	return FALSE;
}

static gboolean
folder_update_locked (AirdockdStore *store, gint64 user_id, const char *server_id,
		      const char *new_parent_id, const char *new_name, GError **error)
{
	g_autoptr (GPtrArray) folders = B (store)->folder_list (store->backend, user_id, FALSE, 0, error);
	AirdockdFolder *f;

	if (folders == NULL)
		return FALSE;
	f = find_folder (folders, server_id);
	if (f == NULL) {
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND, "folder not found");
		return FALSE;
	}
	if (!is_user_folder_type (f->type))
		return special_folder (error);
	if (new_parent_id == NULL)
		new_parent_id = f->parent_id;
	if (new_name == NULL)
		new_name = f->display_name;
	if (!check_place (folders, server_id, new_parent_id, new_name, error))
		return FALSE;
	queue_change (store, user_id, NULL);
	return B (store)->folder_update (store->backend, user_id, server_id, new_parent_id, new_name, error);
}

gboolean
airdockd_store_folder_update (AirdockdStore *store, gint64 user_id, const char *server_id,
			      const char *new_parent_id, const char *new_display_name, GError **error)
{
	if (!check_server_id (server_id, "folder id", error) ||
	    (new_parent_id != NULL && !check_server_id (new_parent_id, "parent id", error)) ||
	    !airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, folder_update_locked (store, user_id, server_id, new_parent_id,
						    new_display_name, error), error);
}

static void
queue_unlinks (AirdockdStore *store, GPtrArray *rel_files)
{
	for (guint i = 0; i < rel_files->len; i++)
		g_ptr_array_add (store->unlink_on_commit,
				 g_build_filename (store->data_dir, g_ptr_array_index (rel_files, i), NULL));
}

/* Empties folder_id and, if subfolders, its descendants; delete_too tombstones them. */
static gboolean
folder_clear_tree (AirdockdStore *store, gint64 user_id, GPtrArray *folders, const char *folder_id,
		   gboolean subfolders, gboolean delete_too, guint depth, GError **error)
{
	g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

	if (depth > AIRDOCKD_STORE_MAX_FOLDER_DEPTH + 1)
		return TRUE;
	for (guint i = 0; subfolders && i < folders->len; i++) {
		AirdockdFolder *child = g_ptr_array_index (folders, i);
		if (strcmp (child->parent_id, folder_id) == 0 &&
		    !folder_clear_tree (store, user_id, folders, child->server_id, TRUE, delete_too, depth + 1, error))
			return FALSE;
	}
	if (!B (store)->folder_clear (store->backend, user_id, folder_id, files, error))
		return FALSE;
	queue_unlinks (store, files);
	queue_change (store, user_id, folder_id);
	return !delete_too || B (store)->folder_delete (store->backend, user_id, folder_id, error);
}

static gboolean
folder_delete_locked (AirdockdStore *store, gint64 user_id, const char *server_id, GError **error)
{
	g_autoptr (GPtrArray) folders = B (store)->folder_list (store->backend, user_id, FALSE, 0, error);
	AirdockdFolder *f;

	if (folders == NULL)
		return FALSE;
	f = find_folder (folders, server_id);
	if (f == NULL) {
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND, "folder not found");
		return FALSE;
	}
	if (!is_user_folder_type (f->type))
		return special_folder (error);
	queue_change (store, user_id, NULL);
	return folder_clear_tree (store, user_id, folders, server_id, TRUE, TRUE, 0, error);
}

gboolean
airdockd_store_folder_delete (AirdockdStore *store, gint64 user_id, const char *server_id, GError **error)
{
	if (!check_server_id (server_id, "folder id", error) || !airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, folder_delete_locked (store, user_id, server_id, error), error);
}

gint64
airdockd_store_folder_modseq (AirdockdStore *store, gint64 user_id, GError **error)
{
	return B (store)->folder_modseq (store->backend, user_id, error);
}

GPtrArray *
airdockd_store_folder_changes (AirdockdStore *store, gint64 user_id, gint64 since_modseq, GError **error)
{
	return B (store)->folder_list (store->backend, user_id, TRUE, since_modseq, error);
}

gboolean
airdockd_store_folder_empty (AirdockdStore *store, gint64 user_id, const char *folder_id,
			     gboolean subfolders, GError **error)
{
	g_autoptr (GPtrArray) folders = NULL;
	gboolean ok;

	if (!check_server_id (folder_id, "folder id", error) || !airdockd_store_begin (store, error))
		return FALSE;
	folders = B (store)->folder_list (store->backend, user_id, FALSE, 0, error);
	ok = folders != NULL;
	if (ok && subfolders) {
		/* Emptying with subfolders removes the subfolders too ([MS-ASCMD] EmptyFolderContents). */
		for (guint i = 0; ok && i < folders->len; i++) {
			AirdockdFolder *child = g_ptr_array_index (folders, i);
			if (strcmp (child->parent_id, folder_id) == 0)
				ok = folder_clear_tree (store, user_id, folders, child->server_id, TRUE, TRUE, 1, error);
		}
	}
	ok = ok && folder_clear_tree (store, user_id, folders, folder_id, FALSE, FALSE, 0, error);
	return finish (store, ok, error);
}

/* ------------------------------------------------------------ message files */

GOutputStream *
airdockd_store_temp_file_new (AirdockdStore *store, char **out_path, GError **error)
{
	g_autofree char *tmpl = g_strdup_printf ("%s/%d-XXXXXX", store->tmp_dir, (int) getpid ());
	int fd = g_mkstemp_full (tmpl, O_RDWR | O_CLOEXEC, 0600);

	g_return_val_if_fail (out_path != NULL, NULL);
	if (fd < 0) {
		int errsv = errno;
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_FAILED,
			     "cannot create a temporary file in %s: %s", store->tmp_dir, g_strerror (errsv));
		return NULL;
	}
	*out_path = g_steal_pointer (&tmpl);
	return g_unix_output_stream_new (fd, TRUE);
}

static gboolean
io_error (GError **error, const char *what, const char *path)
{
	int errsv = errno;
	g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_FAILED,
		     "%s %s: %s", what, path, g_strerror (errsv));
	return FALSE;
}

static gboolean
fsync_path (const char *path, gboolean dir, GError **error)
{
	int fd = open (path, O_RDONLY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
	gboolean ok;

	if (fd < 0)
		return io_error (error, "cannot open", path);
	ok = fsync (fd) == 0 || io_error (error, "cannot fsync", path);
	close (fd);
	return ok;
}

/* Copies src to dst (created exclusively) and fsyncs it. */
static gboolean
copy_file (const char *src, const char *dst, GError **error)
{
	g_autoptr (GFile) from = g_file_new_for_path (src);
	g_autoptr (GFile) to = g_file_new_for_path (dst);

	if (!g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, error)) {
		g_prefix_error (error, "cannot copy the message: ");
		return FALSE;
	}
	return fsync_path (dst, FALSE, error);
}

/* Puts the message at src into data_dir/rel: a hard link when src is one of
 * our temp files (same file system, never written again), else a copy;
 * fsync'd, then renamed into place and the directory fsync'd. */
static gboolean
place_file (AirdockdStore *store, const char *src, const char *rel, GError **error)
{
	g_autofree char *final = g_build_filename (store->data_dir, rel, NULL);
	g_autofree char *dir = g_path_get_dirname (final);
	g_autofree char *tmp = g_strdup_printf ("%s/%d-place-%08x", store->tmp_dir, (int) getpid (),
						g_random_int ());
	g_autofree char *src_dir = g_path_get_dirname (src);

	if (!make_dir (dir, error))
		return FALSE;
	if (strcmp (src_dir, store->tmp_dir) == 0) {
		if (!fsync_path (src, FALSE, error))
			return FALSE;
		if (link (src, tmp) != 0 && !copy_file (src, tmp, error))
			return FALSE;
	} else if (!copy_file (src, tmp, error)) {
		return FALSE;
	}
	if (rename (tmp, final) != 0) {
		io_error (error, "cannot rename into", final);
		g_unlink (tmp);
		return FALSE;
	}
	g_ptr_array_add (store->unlink_on_rollback, g_strdup (final));
	return fsync_path (dir, TRUE, error);
}

static char *
absolute (AirdockdStore *store, char *rel)
{
	char *abs;

	if (rel == NULL)
		return NULL;
	abs = g_build_filename (store->data_dir, rel, NULL);
	g_free (rel);
	return abs;
}

static AirdockdItem *
fix_item (AirdockdStore *store, AirdockdItem *item)
{
	if (item != NULL)
		item->message_path = absolute (store, item->message_path);
	return item;
}

static GPtrArray *
fix_items (AirdockdStore *store, GPtrArray *items)
{
	for (guint i = 0; items != NULL && i < items->len; i++)
		fix_item (store, g_ptr_array_index (items, i));
	return items;
}

static AirdockdItem *
add_message_locked (AirdockdStore *store, gint64 user_id, const char *folder_id,
		    const AirdockdMimeInfo *info, const char *path, gboolean read, GError **error)
{
	g_autoptr (AirdockdItem) item = NULL;
	g_autofree char *rel = NULL;
	gint64 date = info->date > 0 ? info->date : now ();

	item = B (store)->item_insert (store->backend, user_id, folder_id, AIRDOCKD_ITEM_EMAIL,
				       info, read, date, NULL, error);
	if (item == NULL)
		return NULL;
	rel = g_strdup_printf ("users/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ".eml", user_id, item->id);
	if (!place_file (store, path, rel, error) ||
	    !B (store)->item_set_file (store->backend, user_id, item->id, rel, error))
		return NULL;
	crash_point (store, "after-place");
	item->message_path = g_build_filename (store->data_dir, rel, NULL);
	queue_change (store, user_id, folder_id);
	return g_steal_pointer (&item);
}

AirdockdItem *
airdockd_store_add_message (AirdockdStore *store, gint64 user_id, const char *folder_id,
			    const char *path, gboolean read, GError **error)
{
	g_autoptr (AirdockdMimeInfo) info = NULL;
	g_autoptr (GError) local = NULL;
	AirdockdItem *item;

	g_return_val_if_fail (store != NULL && path != NULL, NULL);
	if (!check_server_id (folder_id, "folder id", error))
		return NULL;
	info = airdockd_mime_parse_file (path, &local);
	if (info == NULL) {
		if (!g_error_matches (local, AIRDOCKD_MIME_ERROR, AIRDOCKD_MIME_ERROR_PARSE)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return NULL;
		}
		/* Unparseable mail is still stored (as is), with only its size. */
		GStatBuf st;
		info = g_new0 (AirdockdMimeInfo, 1);
		info->importance = AIRDOCKD_IMPORTANCE_NORMAL;
		info->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_attachment_free);
		info->size = g_stat (path, &st) == 0 ? st.st_size : 0;
	}
	if (!airdockd_store_begin (store, error))
		return NULL;
	item = finish_ptr (store, add_message_locked (store, user_id, folder_id, info, path, read, error),
			   (GDestroyNotify) airdockd_item_free, error);
	if (item != NULL)
		crash_point (store, "after-commit");
	return item;
}

static gboolean
check_class (AirdockdItemClass c, GError **error)
{
	if (c < AIRDOCKD_ITEM_CONTACT || c > AIRDOCKD_ITEM_NOTE)
		return invalid (error, "item class (use add_message for email)");
	return TRUE;
}

AirdockdItem *
airdockd_store_add_item (AirdockdStore *store, gint64 user_id, const char *folder_id,
			 AirdockdItemClass item_class, GBytes *data, GError **error)
{
	AirdockdItem *item;

	g_return_val_if_fail (data != NULL, NULL);
	if (!check_class (item_class, error) || !check_server_id (folder_id, "folder id", error) ||
	    !airdockd_store_begin (store, error))
		return NULL;
	item = B (store)->item_insert (store->backend, user_id, folder_id, item_class, NULL, FALSE,
				       now (), data, error);
	if (item != NULL)
		queue_change (store, user_id, folder_id);
	return finish_ptr (store, item, (GDestroyNotify) airdockd_item_free, error);
}

/* Runs op on an item in a transaction and queues a change of its folder. */
typedef gboolean (*ItemOp) (AirdockdStore *store, gint64 user_id, const char *server_id,
			    gconstpointer arg, GError **error);

static gboolean
item_op (AirdockdStore *store, gint64 user_id, const char *server_id, ItemOp op,
	 gconstpointer arg, GError **error)
{
	g_autoptr (AirdockdItem) item = NULL;
	gboolean ok;

	if (!check_server_id (server_id, "item id", error) || !airdockd_store_begin (store, error))
		return FALSE;
	item = B (store)->item_get (store->backend, user_id, server_id, error);
	ok = item != NULL && op (store, user_id, server_id, arg, error);
	if (ok)
		queue_change (store, user_id, item->folder_id);
	return finish (store, ok, error);
}

static gboolean
op_set_data (AirdockdStore *store, gint64 user_id, const char *server_id, gconstpointer arg, GError **error)
{
	return B (store)->item_set_data (store->backend, user_id, server_id, (GBytes *) arg, error);
}

gboolean
airdockd_store_item_set_data (AirdockdStore *store, gint64 user_id, const char *server_id,
			      GBytes *data, GError **error)
{
	g_return_val_if_fail (data != NULL, FALSE);
	return item_op (store, user_id, server_id, op_set_data, data, error);
}

static gboolean
op_set_read (AirdockdStore *store, gint64 user_id, const char *server_id, gconstpointer arg, GError **error)
{
	return B (store)->item_set_read (store->backend, user_id, server_id, GPOINTER_TO_INT (arg), error);
}

gboolean
airdockd_store_item_set_read (AirdockdStore *store, gint64 user_id, const char *server_id,
			      gboolean read, GError **error)
{
	return item_op (store, user_id, server_id, op_set_read, GINT_TO_POINTER (read != FALSE), error);
}

static gboolean
op_set_flag (AirdockdStore *store, gint64 user_id, const char *server_id, gconstpointer arg, GError **error)
{
	const AirdockdItemFlag *flag = arg;

	if (flag->status > AIRDOCKD_FLAG_ACTIVE ||
	    !check_optional_text (flag->flag_type, AIRDOCKD_STORE_MAX_NAME, "flag type", error))
		return invalid (error, "flag");
	return B (store)->item_set_flag (store->backend, user_id, server_id, flag, error);
}

gboolean
airdockd_store_item_set_flag (AirdockdStore *store, gint64 user_id, const char *server_id,
			      const AirdockdItemFlag *flag, GError **error)
{
	g_return_val_if_fail (flag != NULL, FALSE);
	return item_op (store, user_id, server_id, op_set_flag, flag, error);
}

static gboolean
op_delete (AirdockdStore *store, gint64 user_id, const char *server_id, gconstpointer arg, GError **error)
{
	g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

	if (!B (store)->item_delete (store->backend, user_id, server_id, files, error))
		return FALSE;
	queue_unlinks (store, files);
	return TRUE;
}

gboolean
airdockd_store_item_delete (AirdockdStore *store, gint64 user_id, const char *server_id, GError **error)
{
	return item_op (store, user_id, server_id, op_delete, NULL, error);
}

char *
airdockd_store_item_move (AirdockdStore *store, gint64 user_id, const char *server_id,
			  const char *dest_folder_id, GError **error)
{
	g_autoptr (AirdockdItem) item = NULL;
	char *new_id = NULL;

	if (!check_server_id (server_id, "item id", error) ||
	    !check_server_id (dest_folder_id, "folder id", error) ||
	    !airdockd_store_begin (store, error))
		return NULL;
	item = B (store)->item_get (store->backend, user_id, server_id, error);
	if (item != NULL)
		new_id = B (store)->item_move (store->backend, user_id, server_id, dest_folder_id, error);
	if (new_id != NULL) {
		queue_change (store, user_id, item->folder_id);
		queue_change (store, user_id, dest_folder_id);
	}
	return finish_ptr (store, new_id, g_free, error);
}

AirdockdItem *
airdockd_store_item_get (AirdockdStore *store, gint64 user_id, const char *server_id, GError **error)
{
	if (!check_server_id (server_id, "item id", error))
		return NULL;
	return fix_item (store, B (store)->item_get (store->backend, user_id, server_id, error));
}

GPtrArray *
airdockd_store_item_list (AirdockdStore *store, gint64 user_id, const char *folder_id,
			  gint64 min_date_received, GError **error)
{
	if (!check_server_id (folder_id, "folder id", error))
		return NULL;
	return fix_items (store, B (store)->item_list (store->backend, user_id, folder_id,
						       min_date_received, error));
}

GPtrArray *
airdockd_store_item_changes (AirdockdStore *store, gint64 user_id, const char *folder_id,
			     gint64 since_modseq, guint limit, gboolean *out_more, GError **error)
{
	gboolean more = FALSE;
	GPtrArray *list;

	if (!check_server_id (folder_id, "folder id", error))
		return NULL;
	list = B (store)->item_changes (store->backend, user_id, folder_id, since_modseq, limit, &more, error);
	if (list != NULL && out_more != NULL)
		*out_more = more;
	return fix_items (store, list);
}

gboolean
airdockd_store_item_count_changes (AirdockdStore *store, gint64 user_id, const char *folder_id,
				   gint64 since_modseq, guint64 *out_count, GError **error)
{
	if (!check_server_id (folder_id, "folder id", error))
		return FALSE;
	return B (store)->item_count (store->backend, user_id, folder_id, TRUE, since_modseq, out_count, error);
}

gboolean
airdockd_store_item_count (AirdockdStore *store, gint64 user_id, const char *folder_id,
			   guint64 *out_count, GError **error)
{
	if (!check_server_id (folder_id, "folder id", error))
		return FALSE;
	return B (store)->item_count (store->backend, user_id, folder_id, FALSE, 0, out_count, error);
}

gint64
airdockd_store_item_modseq (AirdockdStore *store, gint64 user_id, GError **error)
{
	return B (store)->item_modseq (store->backend, user_id, error);
}

GPtrArray *
airdockd_store_item_attachments (AirdockdStore *store, gint64 user_id, const char *server_id, GError **error)
{
	if (!check_server_id (server_id, "item id", error))
		return NULL;
	return B (store)->item_attachments (store->backend, user_id, server_id, error);
}

/* ------------------------------------------------------------ sync state */

static gboolean
check_collection (const char *collection_id, GError **error)
{
	/* "" is the hierarchy */
	if (collection_id == NULL || strlen (collection_id) > AIRDOCKD_STORE_MAX_SERVER_ID)
		return invalid (error, "collection id");
	return TRUE;
}

AirdockdSyncState *
airdockd_store_sync_state_get (AirdockdStore *store, gint64 user_id, gint64 device_id,
			       const char *collection_id, GError **error)
{
	if (!check_collection (collection_id, error))
		return NULL;
	return B (store)->sync_state_get (store->backend, user_id, device_id, collection_id, error);
}

gboolean
airdockd_store_sync_state_put (AirdockdStore *store, gint64 user_id, gint64 device_id,
			       const char *collection_id, const AirdockdSyncState *state, GError **error)
{
	g_return_val_if_fail (state != NULL, FALSE);
	if (!check_collection (collection_id, error) || !airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, B (store)->sync_state_put (store->backend, user_id, device_id, collection_id,
							 state, error), error);
}

gboolean
airdockd_store_sync_state_delete (AirdockdStore *store, gint64 user_id, gint64 device_id,
				  const char *collection_id, GError **error)
{
	if ((collection_id != NULL && !check_collection (collection_id, error)) ||
	    !airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, B (store)->sync_state_delete (store->backend, user_id, device_id, collection_id,
							    error), error);
}

gboolean
airdockd_store_sync_state_touch (AirdockdStore *store, gint64 user_id, gint64 device_id,
				 const char *collection_id, GError **error)
{
	if (!check_collection (collection_id, error) || !airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, B (store)->sync_state_touch (store->backend, user_id, device_id, collection_id,
							   now (), error), error);
}

GPtrArray *
airdockd_store_sync_state_list (AirdockdStore *store, gint64 user_id, gint64 device_id, GError **error)
{
	return B (store)->sync_state_list (store->backend, user_id, device_id, error);
}

GHashTable *
airdockd_store_device_items_get (AirdockdStore *store, gint64 user_id, gint64 device_id,
				 const char *collection_id, GError **error)
{
	if (!check_collection (collection_id, error))
		return NULL;
	return B (store)->device_items_get (store->backend, user_id, device_id, collection_id, error);
}

gboolean
airdockd_store_device_items_set (AirdockdStore *store, gint64 user_id, gint64 device_id,
				 const char *collection_id, const char *server_id, gint64 value, GError **error)
{
	if (!check_collection (collection_id, error) || !check_server_id (server_id, "item id", error) ||
	    !airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, B (store)->device_items_set (store->backend, user_id, device_id, collection_id,
							   server_id, value, error), error);
}

gboolean
airdockd_store_device_items_remove (AirdockdStore *store, gint64 user_id, gint64 device_id,
				    const char *collection_id, const char *server_id, GError **error)
{
	if (!check_collection (collection_id, error) || !check_server_id (server_id, "item id", error) ||
	    !airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, B (store)->device_items_remove (store->backend, user_id, device_id, collection_id,
							      server_id, error), error);
}

gboolean
airdockd_store_device_items_clear (AirdockdStore *store, gint64 user_id, gint64 device_id,
				   const char *collection_id, GError **error)
{
	if (!check_collection (collection_id, error) || !airdockd_store_begin (store, error))
		return FALSE;
	return finish (store, B (store)->device_items_remove (store->backend, user_id, device_id, collection_id,
							      NULL, error), error);
}
