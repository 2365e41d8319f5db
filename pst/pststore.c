/* pststore.c — the desktop's Outlook-style store on SQLite.  See pststore.h. */
#include "config.h"

#include "pst/pststore.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

/* How long a writer waits for another process's transaction before giving
 * up: the conduit's longest transaction (a whole import) takes seconds. */
#define PSTSTORE_BUSY_TIMEOUT_MS 30000
/* Folder names: Outlook allows 255 characters. */
#define PSTSTORE_MAX_NAME_BYTES 255
/* Folder nesting accepted in paths and walks (Outlook's own limit is lower). */
#define PSTSTORE_MAX_DEPTH 64

struct _PststoreStore {
	sqlite3 *db;
	GHashTable *stmts;	/* const char *sql (literal) → sqlite3_stmt * */
	guint depth;		/* open transaction nesting */
};

G_DEFINE_QUARK (pststore-error-quark, pststore_error)

static const char *const kind_names[PSTSTORE_N_KINDS] = {
	"mail", "contact", "appointment", "task", "note", "other",
};

const char *
pststore_kind_to_string (PststoreKind kind)
{
	if ((guint) kind >= PSTSTORE_N_KINDS)
		return "other";
	return kind_names[kind];
}

static gboolean
class_is (const char *cls, const char *prefix)
{
	gsize n = strlen (prefix);

	return g_ascii_strncasecmp (cls, prefix, n) == 0 && (cls[n] == '\0' || cls[n] == '.');
}

PststoreKind
pststore_kind_from_class (const char *cls)
{
	if (cls == NULL)
		return PSTSTORE_KIND_OTHER;
	if (class_is (cls, "IPM.Note") || class_is (cls, "IPM.Schedule") || class_is (cls, "REPORT"))
		return PSTSTORE_KIND_MAIL;
	/* A distribution list is no contact (EAS and lspst agree): OTHER. */
	if (class_is (cls, "IPM.Contact"))
		return PSTSTORE_KIND_CONTACT;
	if (class_is (cls, "IPM.Appointment"))
		return PSTSTORE_KIND_APPOINTMENT;
	if (class_is (cls, "IPM.Task"))
		return PSTSTORE_KIND_TASK;
	if (class_is (cls, "IPM.StickyNote"))
		return PSTSTORE_KIND_NOTE;
	return PSTSTORE_KIND_OTHER;
}

/* ---- Structs -------------------------------------------------------------- */

PststoreItem *
pststore_item_new (const char *message_class)
{
	PststoreItem *item = g_new0 (PststoreItem, 1);

	item->message_class = g_strdup (message_class);
	item->kind = pststore_kind_from_class (message_class);
	item->importance = 1;
	item->created = item->modified = PSTSTORE_TIME_UNSET;
	item->task_start = item->task_due = item->task_date_completed = PSTSTORE_TIME_UNSET;
	item->reminder = PSTSTORE_TIME_UNSET;
	item->note_colour = PSTSTORE_NOTE_COLOUR_UNSET;
	return item;
}

PststoreItem *
pststore_item_copy (const PststoreItem *item)
{
	PststoreItem *copy;

	g_return_val_if_fail (item != NULL, NULL);
	copy = g_memdup2 (item, sizeof *item);
	copy->message_class = g_strdup (item->message_class);
	copy->subject = g_strdup (item->subject);
	copy->body = g_strdup (item->body);
	copy->categories = g_strdupv (item->categories);
	copy->recurrence = g_strdup (item->recurrence);
	copy->data = g_strdup (item->data);
	copy->source_id = g_strdup (item->source_id);
	return copy;
}

void
pststore_item_free (PststoreItem *item)
{
	if (item == NULL)
		return;
	g_free (item->message_class);
	g_free (item->subject);
	g_free (item->body);
	g_strfreev (item->categories);
	g_free (item->recurrence);
	g_free (item->data);
	g_free (item->source_id);
	g_free (item);
}

void
pststore_folder_free (PststoreFolder *folder)
{
	if (folder == NULL)
		return;
	g_free (folder->name);
	g_free (folder->container_class);
	g_free (folder->source_id);
	g_free (folder);
}

void
pststore_change_free (PststoreChange *change)
{
	if (change == NULL)
		return;
	g_free (change->record_id);
	g_free (change);
}

/* ---- SQLite helpers --------------------------------------------------------- */

static void
stmt_finalize (gpointer st)
{
	sqlite3_finalize (st);
}

static gboolean
db_fail (PststoreStore *store, GError **error, const char *what)
{
	g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_DB, "%s: %s", what, sqlite3_errmsg (store->db));
	return FALSE;
}

/* A prepared, reset statement for @sql, which must be a string literal
 * (statements are cached by its address). */
static sqlite3_stmt *
stmt_get (PststoreStore *store, const char *sql, GError **error)
{
	sqlite3_stmt *st = g_hash_table_lookup (store->stmts, sql);

	if (st != NULL) {
		sqlite3_reset (st);
		sqlite3_clear_bindings (st);
		return st;
	}
	if (sqlite3_prepare_v2 (store->db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_fail (store, error, "preparing a statement");
		return NULL;
	}
	g_hash_table_insert (store->stmts, (gpointer) sql, st);
	return st;
}

static void
bind_text (sqlite3_stmt *st, int col, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null (st, col);
	else
		sqlite3_bind_text (st, col, s, -1, SQLITE_TRANSIENT);
}

static void
bind_time (sqlite3_stmt *st, int col, gint64 t)
{
	if (t == PSTSTORE_TIME_UNSET)
		sqlite3_bind_null (st, col);
	else
		sqlite3_bind_int64 (st, col, t);
}

static gint64
col_time (sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type (st, col) == SQLITE_NULL)
		return PSTSTORE_TIME_UNSET;
	return sqlite3_column_int64 (st, col);
}

static char *
col_text (sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text (st, col);

	return s ? g_strdup ((const char *) s) : NULL;
}

/* Runs a statement that returns no rows (or ignores them). */
static gboolean
stmt_done (PststoreStore *store, sqlite3_stmt *st, GError **error)
{
	int rc;

	while ((rc = sqlite3_step (st)) == SQLITE_ROW)
		;
	sqlite3_reset (st);
	if (rc != SQLITE_DONE)
		return db_fail (store, error, "writing");
	return TRUE;
}

static gboolean
exec_sql (PststoreStore *store, const char *sql, GError **error)
{
	if (sqlite3_exec (store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail (store, error, "executing");
	return TRUE;
}

/* ---- Transactions -------------------------------------------------------------- */

gboolean
pststore_begin (PststoreStore *store, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	/* IMMEDIATE takes the write lock at once, so two writers queue on the
	 * busy timeout instead of failing later with SQLITE_BUSY on upgrade. */
	if (!exec_sql (store, store->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT pststore", error))
		return FALSE;
	store->depth++;
	return TRUE;
}

gboolean
pststore_commit (PststoreStore *store, GError **error)
{
	g_return_val_if_fail (store != NULL && store->depth > 0, FALSE);
	if (!exec_sql (store, store->depth == 1 ? "COMMIT" : "RELEASE pststore", error)) {
		pststore_rollback (store);
		return FALSE;
	}
	store->depth--;
	return TRUE;
}

void
pststore_rollback (PststoreStore *store)
{
	g_return_if_fail (store != NULL);
	if (store->depth == 0)
		return;
	if (store->depth == 1)
		sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
	else
		sqlite3_exec (store->db, "ROLLBACK TO pststore; RELEASE pststore", NULL, NULL, NULL);
	store->depth--;
}

/* Bumps the store-wide counter inside the current transaction. */
static gboolean
bump_counter (PststoreStore *store, gint64 *out_seq, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "UPDATE meta SET value = value + 1 WHERE key = 'counter' RETURNING value",
				     error);

	if (st == NULL)
		return FALSE;
	if (sqlite3_step (st) != SQLITE_ROW) {
		sqlite3_reset (st);
		return db_fail (store, error, "bumping the change counter");
	}
	*out_seq = sqlite3_column_int64 (st, 0);
	return stmt_done (store, st, error);
}

gboolean
pststore_get_counter (PststoreStore *store, gint64 *out_counter, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT value FROM meta WHERE key = 'counter'", error);

	if (st == NULL)
		return FALSE;
	if (sqlite3_step (st) != SQLITE_ROW) {
		sqlite3_reset (st);
		return db_fail (store, error, "reading the change counter");
	}
	*out_counter = sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	return TRUE;
}

/* ---- Open / close -------------------------------------------------------------- */

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO meta VALUES ('counter', 0), ('schema', 1);"
	"CREATE TABLE IF NOT EXISTS folders (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" parent_id INTEGER NOT NULL DEFAULT 0, name TEXT NOT NULL, container_class TEXT,"
	" source_id TEXT UNIQUE, change_seq INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX IF NOT EXISTS folders_name ON folders (parent_id, name COLLATE NOCASE);"
	"CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" folder_id INTEGER NOT NULL REFERENCES folders (id), kind INTEGER NOT NULL,"
	" message_class TEXT NOT NULL, subject TEXT, body TEXT, categories TEXT,"
	" importance INTEGER NOT NULL, sensitivity INTEGER NOT NULL, created INTEGER, modified INTEGER,"
	" task_start INTEGER, task_due INTEGER, task_date_completed INTEGER,"
	" task_complete INTEGER NOT NULL, task_percent REAL NOT NULL, task_status INTEGER NOT NULL,"
	" reminder INTEGER, recurrence TEXT, note_colour INTEGER NOT NULL, data TEXT,"
	" source_id TEXT UNIQUE, change_seq INTEGER NOT NULL, origin TEXT);"
	"CREATE INDEX IF NOT EXISTS items_seq ON items (change_seq);"
	"CREATE INDEX IF NOT EXISTS items_folder ON items (folder_id);"
	"CREATE TABLE IF NOT EXISTS tombstones (item_id INTEGER PRIMARY KEY, folder_id INTEGER NOT NULL,"
	" source_id TEXT, change_seq INTEGER NOT NULL, origin TEXT);"
	"CREATE TABLE IF NOT EXISTS folder_tombstones (folder_id INTEGER PRIMARY KEY,"
	" parent_id INTEGER NOT NULL, change_seq INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS partners (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" name TEXT NOT NULL UNIQUE, anchor INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS partner_map (partner_id INTEGER NOT NULL"
	" REFERENCES partners (id) ON DELETE CASCADE, record_id TEXT NOT NULL, item_id INTEGER NOT NULL,"
	" PRIMARY KEY (partner_id, record_id), UNIQUE (partner_id, item_id));";

static const struct {
	const char *name;
	const char *cls;
	const char *key;	/* meta key holding its id */
} default_folders[] = {
	[PSTSTORE_KIND_MAIL] = { "Inbox", "IPF.Note", "default.mail" },
	[PSTSTORE_KIND_APPOINTMENT] = { "Calendar", "IPF.Appointment", "default.appointment" },
	[PSTSTORE_KIND_CONTACT] = { "Contacts", "IPF.Contact", "default.contact" },
	[PSTSTORE_KIND_TASK] = { "Tasks", "IPF.Task", "default.task" },
	[PSTSTORE_KIND_NOTE] = { "Notes", "IPF.StickyNote", "default.note" },
};

static gboolean
create_default_folders (PststoreStore *store, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT COUNT(*) FROM folders", error);
	gint64 n;

	if (st == NULL)
		return FALSE;
	if (sqlite3_step (st) != SQLITE_ROW) {
		sqlite3_reset (st);
		return db_fail (store, error, "counting folders");
	}
	n = sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	if (n > 0)
		return TRUE;
	for (gsize i = 0; i < G_N_ELEMENTS (default_folders); i++) {
		gint64 id;

		if (default_folders[i].name == NULL)
			continue;
		id = pststore_folder_create (store, 0, default_folders[i].name, default_folders[i].cls, NULL, error);
		if (id == 0)
			return FALSE;
		st = stmt_get (store, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", error);
		if (st == NULL)
			return FALSE;
		bind_text (st, 1, default_folders[i].key);
		sqlite3_bind_int64 (st, 2, id);
		if (!stmt_done (store, st, error))
			return FALSE;
	}
	return TRUE;
}

gint64
pststore_folder_default (PststoreStore *store, PststoreKind kind, GError **error)
{
	sqlite3_stmt *st;
	gint64 id = 0;

	g_return_val_if_fail (store != NULL, 0);
	if ((guint) kind >= G_N_ELEMENTS (default_folders) || default_folders[kind].key == NULL) {
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND, "no default folder for %s items",
			     pststore_kind_to_string (kind));
		return 0;
	}
	st = stmt_get (store, "SELECT f.id FROM meta m JOIN folders f ON f.id = m.value WHERE m.key = ?", error);
	if (st == NULL)
		return 0;
	bind_text (st, 1, default_folders[kind].key);
	if (sqlite3_step (st) == SQLITE_ROW)
		id = sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	if (id == 0)
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND, "the default %s folder was deleted",
			     pststore_kind_to_string (kind));
	return id;
}

static gboolean
store_setup (PststoreStore *store, GError **error)
{
	sqlite3_busy_timeout (store->db, PSTSTORE_BUSY_TIMEOUT_MS);
	/* WAL lets the CLI read while the conduit writes; NORMAL is durable
	 * across application crashes (only a power loss may drop the last
	 * transaction, never corrupt the file). */
	/* A 32 MiB page cache keeps a whole import's transaction in memory
	 * (with the default 2 MiB, importing 20,000 tasks took 2.3× as long). */
	if (!exec_sql (store, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
			      " PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768;", error))
		return FALSE;
	if (!pststore_begin (store, error))
		return FALSE;
	if (!exec_sql (store, schema_sql, error) || !create_default_folders (store, error)) {
		pststore_rollback (store);
		return FALSE;
	}
	return pststore_commit (store, error);
}

char *
pststore_default_path (void)
{
	return g_build_filename (g_get_user_data_dir (), "airdock", "store.sqlite", NULL);
}

PststoreStore *
pststore_open (const char *path, GError **error)
{
	g_autofree char *def = NULL;
	g_autofree char *dir = NULL;
	PststoreStore *store;

	if (path == NULL)
		path = def = pststore_default_path ();
	dir = g_path_get_dirname (path);
	if (g_mkdir_with_parents (dir, 0700) != 0) {
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_DB, "cannot create %s: %s", dir,
			     g_strerror (errno));
		return NULL;
	}
	store = g_new0 (PststoreStore, 1);
	store->stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
					      stmt_finalize);
	if (sqlite3_open_v2 (path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			     NULL) != SQLITE_OK) {
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_DB, "cannot open store %s: %s", path,
			     store->db ? sqlite3_errmsg (store->db) : "out of memory");
		pststore_close (store);
		return NULL;
	}
	if (!store_setup (store, error)) {
		g_prefix_error (error, "store %s: ", path);
		pststore_close (store);
		return NULL;
	}
	return store;
}

void
pststore_close (PststoreStore *store)
{
	if (store == NULL)
		return;
	while (store->depth > 0)
		pststore_rollback (store);
	g_clear_pointer (&store->stmts, g_hash_table_destroy);
	sqlite3_close (store->db);
	g_free (store);
}

/* ---- Folders --------------------------------------------------------------------- */

static gboolean
folder_name_valid (const char *name, GError **error)
{
	gsize len = name ? strlen (name) : 0;

	if (len == 0 || len > PSTSTORE_MAX_NAME_BYTES || !g_utf8_validate (name, len, NULL)) {
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID,
			     "folder name must be 1–%d bytes of UTF-8", PSTSTORE_MAX_NAME_BYTES);
		return FALSE;
	}
	for (gsize i = 0; i < len; i++) {
		if ((guchar) name[i] < 0x20 || name[i] == '/' || name[i] == 0x7f) {
			g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID,
				     "folder name has '/' or a control character at byte %" G_GSIZE_FORMAT, i);
			return FALSE;
		}
	}
	return TRUE;
}

gint64
pststore_folder_find_child (PststoreStore *store, gint64 parent_id, const char *name, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT id FROM folders WHERE parent_id = ? AND name = ? COLLATE NOCASE",
				     error);
	gint64 id = 0;

	if (st == NULL)
		return 0;
	sqlite3_bind_int64 (st, 1, parent_id);
	bind_text (st, 2, name);
	if (sqlite3_step (st) == SQLITE_ROW)
		id = sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	return id;
}

gint64
pststore_folder_find_by_source (PststoreStore *store, const char *source_id, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT id FROM folders WHERE source_id = ?", error);
	gint64 id = 0;

	if (st == NULL)
		return 0;
	bind_text (st, 1, source_id);
	if (sqlite3_step (st) == SQLITE_ROW)
		id = sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	return id;
}

static gboolean
folder_exists (PststoreStore *store, gint64 id, GError **error)
{
	g_autoptr (PststoreFolder) f = pststore_folder_get (store, id, error);

	return f != NULL;
}

static gint64
folder_insert (PststoreStore *store, gint64 parent_id, const char *name, const char *cls,
	       const char *source_id, GError **error)
{
	sqlite3_stmt *st;
	gint64 seq;

	if (parent_id != 0 && !folder_exists (store, parent_id, error))
		return 0;
	if (pststore_folder_find_child (store, parent_id, name, NULL) != 0) {
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_EXISTS, "a folder of that name already exists");
		return 0;
	}
	if (!bump_counter (store, &seq, error))
		return 0;
	st = stmt_get (store, "INSERT INTO folders (parent_id, name, container_class, source_id, change_seq)"
			      " VALUES (?, ?, ?, ?, ?)", error);
	if (st == NULL)
		return 0;
	sqlite3_bind_int64 (st, 1, parent_id);
	bind_text (st, 2, name);
	bind_text (st, 3, cls);
	bind_text (st, 4, source_id);
	sqlite3_bind_int64 (st, 5, seq);
	if (!stmt_done (store, st, error))
		return 0;
	return sqlite3_last_insert_rowid (store->db);
}

gint64
pststore_folder_create (PststoreStore *store, gint64 parent_id, const char *name, const char *container_class,
			const char *source_id, GError **error)
{
	gint64 id;

	g_return_val_if_fail (store != NULL, 0);
	if (!folder_name_valid (name, error))
		return 0;
	if (!pststore_begin (store, error))
		return 0;
	id = folder_insert (store, parent_id, name, container_class, source_id, error);
	if (id == 0 || !pststore_commit (store, error)) {
		pststore_rollback (store);
		return 0;
	}
	return id;
}

static PststoreFolder *
folder_from_row (sqlite3_stmt *st)
{
	PststoreFolder *f = g_new0 (PststoreFolder, 1);

	f->id = sqlite3_column_int64 (st, 0);
	f->parent_id = sqlite3_column_int64 (st, 1);
	f->name = col_text (st, 2);
	f->container_class = col_text (st, 3);
	f->source_id = col_text (st, 4);
	f->change_seq = sqlite3_column_int64 (st, 5);
	return f;
}

PststoreFolder *
pststore_folder_get (PststoreStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT id, parent_id, name, container_class, source_id, change_seq"
					    " FROM folders WHERE id = ?", error);
	PststoreFolder *f = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64 (st, 1, id);
	if (sqlite3_step (st) == SQLITE_ROW)
		f = folder_from_row (st);
	sqlite3_reset (st);
	if (f == NULL)
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND, "no folder %" G_GINT64_FORMAT, id);
	return f;
}

static gint64
folder_walk_path (PststoreStore *store, const char *path, gboolean create, GError **error)
{
	g_auto (GStrv) parts = g_strsplit (path ? path : "", "/", -1);
	gint64 id = 0;
	guint n = 0;

	for (guint i = 0; parts[i] != NULL; i++) {
		gint64 child;

		if (parts[i][0] == '\0')
			continue;
		if (++n > PSTSTORE_MAX_DEPTH) {
			g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID, "folder path deeper than %d",
				     PSTSTORE_MAX_DEPTH);
			return 0;
		}
		child = pststore_folder_find_child (store, id, parts[i], NULL);
		if (child == 0 && create)
			child = pststore_folder_create (store, id, parts[i], NULL, NULL, error);
		else if (child == 0)
			g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND, "no folder “%s”", path);
		if (child == 0)
			return 0;
		id = child;
	}
	if (id == 0)
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID, "empty folder path");
	return id;
}

gint64
pststore_folder_lookup (PststoreStore *store, const char *path, GError **error)
{
	return folder_walk_path (store, path, FALSE, error);
}

gint64
pststore_folder_ensure_path (PststoreStore *store, const char *path, GError **error)
{
	return folder_walk_path (store, path, TRUE, error);
}

GPtrArray *
pststore_folder_list (PststoreStore *store, GError **error)
{
	/* Recursive CTE so parents come before their children. */
	sqlite3_stmt *st = stmt_get (store,
		"WITH RECURSIVE t (id, lvl, path) AS ("
		" SELECT id, 0, name FROM folders WHERE parent_id = 0"
		" UNION ALL SELECT f.id, t.lvl + 1, t.path || '/' || f.name FROM folders f JOIN t ON f.parent_id = t.id"
		" WHERE t.lvl < 64)"
		" SELECT f.id, f.parent_id, f.name, f.container_class, f.source_id, f.change_seq"
		" FROM t JOIN folders f ON f.id = t.id ORDER BY t.path", error);
	g_autoptr (GPtrArray) out = NULL;
	int rc;

	if (st == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func ((GDestroyNotify) pststore_folder_free);
	while ((rc = sqlite3_step (st)) == SQLITE_ROW)
		g_ptr_array_add (out, folder_from_row (st));
	sqlite3_reset (st);
	if (rc != SQLITE_DONE) {
		db_fail (store, error, "listing folders");
		return NULL;
	}
	return g_steal_pointer (&out);
}

char *
pststore_folder_path (PststoreStore *store, gint64 id, GError **error)
{
	g_autoptr (GString) path = g_string_new (NULL);

	for (guint n = 0; id != 0; n++) {
		g_autoptr (PststoreFolder) f = NULL;

		if (n > PSTSTORE_MAX_DEPTH) {
			g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID, "folder tree deeper than %d",
				     PSTSTORE_MAX_DEPTH);
			return NULL;
		}
		f = pststore_folder_get (store, id, error);
		if (f == NULL)
			return NULL;
		if (path->len > 0)
			g_string_prepend_c (path, '/');
		g_string_prepend (path, f->name);
		id = f->parent_id;
	}
	return g_string_free (g_steal_pointer (&path), FALSE);
}

gboolean
pststore_folder_rename (PststoreStore *store, gint64 id, const char *name, GError **error)
{
	g_autoptr (PststoreFolder) f = NULL;
	sqlite3_stmt *st;
	gint64 other, seq;

	g_return_val_if_fail (store != NULL, FALSE);
	if (!folder_name_valid (name, error))
		return FALSE;
	if (!pststore_begin (store, error))
		return FALSE;
	f = pststore_folder_get (store, id, error);
	if (f == NULL)
		goto fail;
	other = pststore_folder_find_child (store, f->parent_id, name, NULL);
	if (other != 0 && other != id) {
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_EXISTS, "a folder of that name already exists");
		goto fail;
	}
	if (!bump_counter (store, &seq, error))
		goto fail;
	st = stmt_get (store, "UPDATE folders SET name = ?, change_seq = ? WHERE id = ?", error);
	if (st == NULL)
		goto fail;
	bind_text (st, 1, name);
	sqlite3_bind_int64 (st, 2, seq);
	sqlite3_bind_int64 (st, 3, id);
	if (!stmt_done (store, st, error) || !pststore_commit (store, error))
		goto fail;
	return TRUE;
fail:
	pststore_rollback (store);
	return FALSE;
}

static gboolean item_remove (PststoreStore *store, gint64 id, const char *origin, GError **error);

/* Ids from a one-column query bound to @id. */
static GArray *
ids_of (PststoreStore *store, const char *sql, gint64 id, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, sql, error);
	g_autoptr (GArray) ids = NULL;
	int rc;

	if (st == NULL)
		return NULL;
	ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	sqlite3_bind_int64 (st, 1, id);
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		gint64 v = sqlite3_column_int64 (st, 0);
		g_array_append_val (ids, v);
	}
	sqlite3_reset (st);
	if (rc != SQLITE_DONE) {
		db_fail (store, error, "listing");
		return NULL;
	}
	return g_steal_pointer (&ids);
}

static gboolean
folder_remove (PststoreStore *store, gint64 id, const char *origin, guint depth, GError **error)
{
	g_autoptr (GArray) children = NULL;
	g_autoptr (GArray) items = NULL;
	sqlite3_stmt *st;
	gint64 seq;

	if (depth > PSTSTORE_MAX_DEPTH) {
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID, "folder tree deeper than %d",
			     PSTSTORE_MAX_DEPTH);
		return FALSE;
	}
	children = ids_of (store, "SELECT id FROM folders WHERE parent_id = ?", id, error);
	if (children == NULL)
		return FALSE;
	for (guint i = 0; i < children->len; i++) {
		if (!folder_remove (store, g_array_index (children, gint64, i), origin, depth + 1, error))
			return FALSE;
	}
	items = ids_of (store, "SELECT id FROM items WHERE folder_id = ?", id, error);
	if (items == NULL)
		return FALSE;
	for (guint i = 0; i < items->len; i++) {
		if (!item_remove (store, g_array_index (items, gint64, i), origin, error))
			return FALSE;
	}
	if (!bump_counter (store, &seq, error))
		return FALSE;
	st = stmt_get (store, "INSERT OR REPLACE INTO folder_tombstones (folder_id, parent_id, change_seq)"
			      " SELECT id, parent_id, ? FROM folders WHERE id = ?", error);
	if (st == NULL)
		return FALSE;
	sqlite3_bind_int64 (st, 1, seq);
	sqlite3_bind_int64 (st, 2, id);
	if (!stmt_done (store, st, error))
		return FALSE;
	st = stmt_get (store, "DELETE FROM folders WHERE id = ?", error);
	if (st == NULL)
		return FALSE;
	sqlite3_bind_int64 (st, 1, id);
	return stmt_done (store, st, error);
}

gboolean
pststore_folder_delete (PststoreStore *store, gint64 id, const char *origin, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	if (!pststore_begin (store, error))
		return FALSE;
	if (!folder_exists (store, id, error) || !folder_remove (store, id, origin, 0, error) ||
	    !pststore_commit (store, error)) {
		pststore_rollback (store);
		return FALSE;
	}
	return TRUE;
}

gboolean
pststore_folder_count (PststoreStore *store, gint64 id, gsize *out_count, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT COUNT(*) FROM items WHERE folder_id = ?", error);

	if (st == NULL)
		return FALSE;
	sqlite3_bind_int64 (st, 1, id);
	if (sqlite3_step (st) != SQLITE_ROW) {
		sqlite3_reset (st);
		return db_fail (store, error, "counting items");
	}
	*out_count = (gsize) sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	return TRUE;
}

/* ---- Items ------------------------------------------------------------------------ */

#define ITEM_COLUMNS \
	"id, folder_id, kind, message_class, subject, body, categories, importance, sensitivity," \
	" created, modified, task_start, task_due, task_date_completed, task_complete, task_percent," \
	" task_status, reminder, recurrence, note_colour, data, source_id, change_seq"

static PststoreItem *
item_from_row (sqlite3_stmt *st)
{
	PststoreItem *it = g_new0 (PststoreItem, 1);
	const unsigned char *cats;

	it->id = sqlite3_column_int64 (st, 0);
	it->folder_id = sqlite3_column_int64 (st, 1);
	it->kind = (PststoreKind) CLAMP (sqlite3_column_int (st, 2), 0, PSTSTORE_KIND_OTHER);
	it->message_class = col_text (st, 3);
	it->subject = col_text (st, 4);
	it->body = col_text (st, 5);
	cats = sqlite3_column_text (st, 6);
	it->categories = cats ? g_strsplit ((const char *) cats, "\n", -1) : NULL;
	it->importance = sqlite3_column_int (st, 7);
	it->sensitivity = sqlite3_column_int (st, 8);
	it->created = col_time (st, 9);
	it->modified = col_time (st, 10);
	it->task_start = col_time (st, 11);
	it->task_due = col_time (st, 12);
	it->task_date_completed = col_time (st, 13);
	it->task_complete = sqlite3_column_int (st, 14) != 0;
	it->task_percent = sqlite3_column_double (st, 15);
	it->task_status = (PststoreTaskStatus) sqlite3_column_int (st, 16);
	it->reminder = col_time (st, 17);
	it->recurrence = col_text (st, 18);
	it->note_colour = (PststoreNoteColour) sqlite3_column_int (st, 19);
	it->data = col_text (st, 20);
	it->source_id = col_text (st, 21);
	it->change_seq = sqlite3_column_int64 (st, 22);
	return it;
}

gboolean
pststore_item_equal (const PststoreItem *a, const PststoreItem *b)
{
	return a->folder_id == b->folder_id && g_strcmp0 (a->message_class, b->message_class) == 0 &&
	       g_strcmp0 (a->subject, b->subject) == 0 && g_strcmp0 (a->body, b->body) == 0 &&
	       ((a->categories == NULL || a->categories[0] == NULL) ? (b->categories == NULL || b->categories[0] == NULL)
								     : (b->categories != NULL &&
									g_strv_equal ((const char *const *) a->categories,
										      (const char *const *) b->categories))) &&
	       a->importance == b->importance && a->sensitivity == b->sensitivity && a->created == b->created &&
	       a->modified == b->modified && a->task_start == b->task_start && a->task_due == b->task_due &&
	       a->task_date_completed == b->task_date_completed && !a->task_complete == !b->task_complete &&
	       a->task_percent == b->task_percent && a->task_status == b->task_status &&
	       a->reminder == b->reminder && g_strcmp0 (a->recurrence, b->recurrence) == 0 &&
	       a->note_colour == b->note_colour && g_strcmp0 (a->data, b->data) == 0 &&
	       g_strcmp0 (a->source_id, b->source_id) == 0;
}

static gboolean
item_valid (const PststoreItem *item, GError **error)
{
	if (item->message_class == NULL || item->message_class[0] == '\0') {
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID, "item has no message class");
		return FALSE;
	}
	if (item->importance < 0 || item->importance > 2 || item->sensitivity < 0 || item->sensitivity > 3 ||
	    item->task_percent < 0.0 || item->task_percent > 1.0 || (guint) item->task_status > 4 ||
	    item->note_colour < PSTSTORE_NOTE_COLOUR_UNSET || item->note_colour > PSTSTORE_NOTE_WHITE) {
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID, "item property out of range");
		return FALSE;
	}
	for (guint i = 0; item->categories && item->categories[i]; i++) {
		if (item->categories[i][0] == '\0' || strchr (item->categories[i], '\n') != NULL) {
			g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID,
				     "category %u is empty or has a line break", i);
			return FALSE;
		}
	}
	return TRUE;
}

static void
bind_item (sqlite3_stmt *st, const PststoreItem *it, gint64 seq, const char *origin)
{
	g_autofree char *cats = it->categories && it->categories[0] ? g_strjoinv ("\n", it->categories) : NULL;

	sqlite3_bind_int64 (st, 1, it->folder_id);
	sqlite3_bind_int (st, 2, pststore_kind_from_class (it->message_class));
	bind_text (st, 3, it->message_class);
	bind_text (st, 4, it->subject);
	bind_text (st, 5, it->body);
	bind_text (st, 6, cats);
	sqlite3_bind_int (st, 7, it->importance);
	sqlite3_bind_int (st, 8, it->sensitivity);
	bind_time (st, 9, it->created);
	bind_time (st, 10, it->modified);
	bind_time (st, 11, it->task_start);
	bind_time (st, 12, it->task_due);
	bind_time (st, 13, it->task_date_completed);
	sqlite3_bind_int (st, 14, it->task_complete ? 1 : 0);
	sqlite3_bind_double (st, 15, it->task_percent);
	sqlite3_bind_int (st, 16, it->task_status);
	bind_time (st, 17, it->reminder);
	bind_text (st, 18, it->recurrence);
	sqlite3_bind_int (st, 19, it->note_colour);
	bind_text (st, 20, it->data);
	bind_text (st, 21, it->source_id);
	sqlite3_bind_int64 (st, 22, seq);
	bind_text (st, 23, origin);
}

static gboolean
item_write (PststoreStore *store, PststoreItem *item, const char *origin, GError **error)
{
	sqlite3_stmt *st;
	gint64 seq;

	g_autoptr (PststoreItem) old = NULL;

	if (!folder_exists (store, item->folder_id, error))
		return FALSE;
	if (item->id == 0 && item->source_id != NULL) {
		old = pststore_item_find_by_source (store, item->source_id, error);
		if (old != NULL)
			item->id = old->id;
	} else if (item->id != 0) {
		old = pststore_item_get (store, item->id, NULL);
	}
	/* Rewriting the same content is no change: partners must not see a
	 * re-import (or an echo) as an edit. */
	if (old != NULL && pststore_item_equal (old, item)) {
		item->change_seq = old->change_seq;
		return TRUE;
	}
	if (!bump_counter (store, &seq, error))
		return FALSE;
	if (item->id == 0)
		st = stmt_get (store, "INSERT INTO items (folder_id, kind, message_class, subject, body, categories,"
				      " importance, sensitivity, created, modified, task_start, task_due,"
				      " task_date_completed, task_complete, task_percent, task_status, reminder,"
				      " recurrence, note_colour, data, source_id, change_seq, origin)"
				      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", error);
	else
		st = stmt_get (store, "UPDATE items SET folder_id=?, kind=?, message_class=?, subject=?, body=?,"
				      " categories=?, importance=?, sensitivity=?, created=?, modified=?, task_start=?,"
				      " task_due=?, task_date_completed=?, task_complete=?, task_percent=?,"
				      " task_status=?, reminder=?, recurrence=?, note_colour=?, data=?, source_id=?,"
				      " change_seq=?, origin=? WHERE id=?", error);
	if (st == NULL)
		return FALSE;
	bind_item (st, item, seq, origin);
	if (item->id != 0)
		sqlite3_bind_int64 (st, 24, item->id);
	if (!stmt_done (store, st, error))
		return FALSE;
	if (item->id == 0)
		item->id = sqlite3_last_insert_rowid (store->db);
	else if (sqlite3_changes (store->db) != 1) {
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND, "no item %" G_GINT64_FORMAT, item->id);
		return FALSE;
	}
	item->change_seq = seq;
	return TRUE;
}

gboolean
pststore_item_save (PststoreStore *store, PststoreItem *item, const char *origin, GError **error)
{
	gint64 old_id;

	g_return_val_if_fail (store != NULL && item != NULL, FALSE);
	if (!item_valid (item, error))
		return FALSE;
	if (!pststore_begin (store, error))
		return FALSE;
	old_id = item->id;
	if (!item_write (store, item, origin, error) || !pststore_commit (store, error)) {
		pststore_rollback (store);
		item->id = old_id;
		return FALSE;
	}
	item->kind = pststore_kind_from_class (item->message_class);
	return TRUE;
}

PststoreItem *
pststore_item_get (PststoreStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT " ITEM_COLUMNS " FROM items WHERE id = ?", error);
	PststoreItem *it = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64 (st, 1, id);
	if (sqlite3_step (st) == SQLITE_ROW)
		it = item_from_row (st);
	sqlite3_reset (st);
	if (it == NULL)
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND, "no item %" G_GINT64_FORMAT, id);
	return it;
}

PststoreItem *
pststore_item_find_by_source (PststoreStore *store, const char *source_id, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT " ITEM_COLUMNS " FROM items WHERE source_id = ?", error);
	PststoreItem *it = NULL;

	if (st == NULL)
		return NULL;
	bind_text (st, 1, source_id);
	if (sqlite3_step (st) == SQLITE_ROW)
		it = item_from_row (st);
	sqlite3_reset (st);
	return it;
}

GPtrArray *
pststore_item_list (PststoreStore *store, gint64 folder_id, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT " ITEM_COLUMNS " FROM items WHERE folder_id = ? ORDER BY id",
				     error);
	g_autoptr (GPtrArray) out = NULL;
	int rc;

	if (st == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func ((GDestroyNotify) pststore_item_free);
	sqlite3_bind_int64 (st, 1, folder_id);
	while ((rc = sqlite3_step (st)) == SQLITE_ROW)
		g_ptr_array_add (out, item_from_row (st));
	sqlite3_reset (st);
	if (rc != SQLITE_DONE) {
		db_fail (store, error, "listing items");
		return NULL;
	}
	return g_steal_pointer (&out);
}

static gboolean
item_remove (PststoreStore *store, gint64 id, const char *origin, GError **error)
{
	g_autoptr (PststoreItem) it = pststore_item_get (store, id, error);
	sqlite3_stmt *st;
	gint64 seq;

	if (it == NULL || !bump_counter (store, &seq, error))
		return FALSE;
	st = stmt_get (store, "INSERT OR REPLACE INTO tombstones (item_id, folder_id, source_id, change_seq, origin)"
			      " VALUES (?, ?, ?, ?, ?)", error);
	if (st == NULL)
		return FALSE;
	sqlite3_bind_int64 (st, 1, id);
	sqlite3_bind_int64 (st, 2, it->folder_id);
	bind_text (st, 3, it->source_id);
	sqlite3_bind_int64 (st, 4, seq);
	bind_text (st, 5, origin);
	if (!stmt_done (store, st, error))
		return FALSE;
	/* The map entries stay until the partner saw the tombstone: it needs
	 * its record id to delete the record on its side. */
	st = stmt_get (store, "DELETE FROM items WHERE id = ?", error);
	if (st == NULL)
		return FALSE;
	sqlite3_bind_int64 (st, 1, id);
	return stmt_done (store, st, error);
}

gboolean
pststore_item_delete (PststoreStore *store, gint64 id, const char *origin, GError **error)
{
	g_return_val_if_fail (store != NULL, FALSE);
	if (!pststore_begin (store, error))
		return FALSE;
	if (!item_remove (store, id, origin, error) || !pststore_commit (store, error)) {
		pststore_rollback (store);
		return FALSE;
	}
	return TRUE;
}

/* ---- Partners ------------------------------------------------------------------------- */

static gboolean
partner_name_valid (const char *partner, GError **error)
{
	gsize len = partner ? strlen (partner) : 0;

	if (len == 0 || len > PSTSTORE_MAX_NAME_BYTES || !g_utf8_validate (partner, len, NULL)) {
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID, "partner name must be 1–%d bytes of UTF-8",
			     PSTSTORE_MAX_NAME_BYTES);
		return FALSE;
	}
	return TRUE;
}

/* The partner's row id, or 0 with NOT_FOUND. */
static gint64
partner_id (PststoreStore *store, const char *partner, gint64 *out_anchor, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT id, anchor FROM partners WHERE name = ?", error);
	gint64 id = 0;

	if (st == NULL)
		return 0;
	bind_text (st, 1, partner);
	if (sqlite3_step (st) == SQLITE_ROW) {
		id = sqlite3_column_int64 (st, 0);
		if (out_anchor)
			*out_anchor = sqlite3_column_int64 (st, 1);
	}
	sqlite3_reset (st);
	if (id == 0)
		g_set_error (error, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND, "unknown sync partner");
	return id;
}

gboolean
pststore_partner_ensure (PststoreStore *store, const char *partner, GError **error)
{
	sqlite3_stmt *st;

	if (!partner_name_valid (partner, error))
		return FALSE;
	st = stmt_get (store, "INSERT OR IGNORE INTO partners (name) VALUES (?)", error);
	if (st == NULL)
		return FALSE;
	bind_text (st, 1, partner);
	return stmt_done (store, st, error);
}

gboolean
pststore_partner_get_anchor (PststoreStore *store, const char *partner, gint64 *out_anchor, GError **error)
{
	gint64 anchor = 0;

	if (partner_id (store, partner, &anchor, error) == 0)
		return FALSE;
	*out_anchor = anchor;
	return TRUE;
}

gboolean
pststore_partner_set_anchor (PststoreStore *store, const char *partner, gint64 anchor, GError **error)
{
	sqlite3_stmt *st;
	gint64 id = partner_id (store, partner, NULL, error);

	if (id == 0)
		return FALSE;
	st = stmt_get (store, "UPDATE partners SET anchor = ? WHERE id = ?", error);
	if (st == NULL)
		return FALSE;
	sqlite3_bind_int64 (st, 1, anchor);
	sqlite3_bind_int64 (st, 2, id);
	if (!stmt_done (store, st, error))
		return FALSE;
	/* Map entries of items whose tombstone this partner has now seen. */
	st = stmt_get (store, "DELETE FROM partner_map WHERE partner_id = ? AND item_id IN"
			      " (SELECT item_id FROM tombstones WHERE change_seq <= ?)", error);
	if (st == NULL)
		return FALSE;
	sqlite3_bind_int64 (st, 1, id);
	sqlite3_bind_int64 (st, 2, anchor);
	return stmt_done (store, st, error);
}

gboolean
pststore_partner_remove (PststoreStore *store, const char *partner, GError **error)
{
	sqlite3_stmt *st;
	gint64 id = partner_id (store, partner, NULL, error);

	if (id == 0)
		return FALSE;
	st = stmt_get (store, "DELETE FROM partners WHERE id = ?", error);
	if (st == NULL)
		return FALSE;
	sqlite3_bind_int64 (st, 1, id);
	return stmt_done (store, st, error);
}

gboolean
pststore_partner_map (PststoreStore *store, const char *partner, const char *record_id, gint64 item_id,
		      GError **error)
{
	sqlite3_stmt *st;
	gint64 pid;

	g_return_val_if_fail (record_id != NULL, FALSE);
	pid = partner_id (store, partner, NULL, error);
	if (pid == 0)
		return FALSE;
	if (!pststore_begin (store, error))
		return FALSE;
	st = stmt_get (store, "DELETE FROM partner_map WHERE partner_id = ? AND (record_id = ? OR item_id = ?)", error);
	if (st != NULL) {
		sqlite3_bind_int64 (st, 1, pid);
		bind_text (st, 2, record_id);
		sqlite3_bind_int64 (st, 3, item_id);
	}
	if (st == NULL || !stmt_done (store, st, error))
		goto fail;
	st = stmt_get (store, "INSERT INTO partner_map (partner_id, record_id, item_id) VALUES (?, ?, ?)", error);
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64 (st, 1, pid);
	bind_text (st, 2, record_id);
	sqlite3_bind_int64 (st, 3, item_id);
	if (!stmt_done (store, st, error) || !pststore_commit (store, error))
		goto fail;
	return TRUE;
fail:
	pststore_rollback (store);
	return FALSE;
}

gint64
pststore_partner_lookup_item (PststoreStore *store, const char *partner, const char *record_id, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT m.item_id FROM partner_map m JOIN partners p ON p.id = m.partner_id"
					    " WHERE p.name = ? AND m.record_id = ?", error);
	gint64 id = 0;

	if (st == NULL)
		return 0;
	bind_text (st, 1, partner);
	bind_text (st, 2, record_id);
	if (sqlite3_step (st) == SQLITE_ROW)
		id = sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	return id;
}

char *
pststore_partner_lookup_record (PststoreStore *store, const char *partner, gint64 item_id, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT m.record_id FROM partner_map m JOIN partners p ON p.id = m.partner_id"
					    " WHERE p.name = ? AND m.item_id = ?", error);
	char *rec = NULL;

	if (st == NULL)
		return NULL;
	bind_text (st, 1, partner);
	sqlite3_bind_int64 (st, 2, item_id);
	if (sqlite3_step (st) == SQLITE_ROW)
		rec = col_text (st, 0);
	sqlite3_reset (st);
	return rec;
}

GPtrArray *
pststore_changes_since (PststoreStore *store, const char *partner, gint64 folder_id, GError **error)
{
	sqlite3_stmt *st = stmt_get (store,
		"SELECT c.id, c.folder_id, c.seq, c.del, m.record_id FROM ("
		" SELECT id, folder_id, change_seq AS seq, 0 AS del, origin FROM items"
		" UNION ALL SELECT item_id, folder_id, change_seq, 1, origin FROM tombstones) c"
		" JOIN partners p ON p.name = ?1"
		" LEFT JOIN partner_map m ON m.partner_id = p.id AND m.item_id = c.id"
		" WHERE c.seq > p.anchor AND (c.origin IS NULL OR c.origin != ?1)"
		" AND (?2 = 0 OR c.folder_id = ?2) ORDER BY c.seq", error);
	g_autoptr (GPtrArray) out = NULL;
	gint64 anchor;
	int rc;

	if (!pststore_partner_get_anchor (store, partner, &anchor, error) || st == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func ((GDestroyNotify) pststore_change_free);
	bind_text (st, 1, partner);
	sqlite3_bind_int64 (st, 2, folder_id);
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		PststoreChange *c = g_new0 (PststoreChange, 1);

		c->item_id = sqlite3_column_int64 (st, 0);
		c->folder_id = sqlite3_column_int64 (st, 1);
		c->change_seq = sqlite3_column_int64 (st, 2);
		c->deleted = sqlite3_column_int (st, 3) != 0;
		c->record_id = col_text (st, 4);
		g_ptr_array_add (out, c);
	}
	sqlite3_reset (st);
	if (rc != SQLITE_DONE) {
		db_fail (store, error, "listing changes");
		return NULL;
	}
	return g_steal_pointer (&out);
}

gboolean
pststore_purge_tombstones (PststoreStore *store, gsize *out_purged, GError **error)
{
	/* MIN over no partner is NULL: then every tombstone goes. */
	sqlite3_stmt *st = stmt_get (store, "DELETE FROM tombstones WHERE change_seq <="
					    " COALESCE ((SELECT MIN (anchor) FROM partners), change_seq)", error);
	gsize n;

	if (st == NULL || !stmt_done (store, st, error))
		return FALSE;
	n = (gsize) sqlite3_changes (store->db);
	st = stmt_get (store, "DELETE FROM folder_tombstones WHERE change_seq <="
			      " COALESCE ((SELECT MIN (anchor) FROM partners), change_seq)", error);
	if (st == NULL || !stmt_done (store, st, error))
		return FALSE;
	n += (gsize) sqlite3_changes (store->db);
	if (out_purged)
		*out_purged = n;
	return TRUE;
}

GPtrArray *
pststore_folder_changes_since (PststoreStore *store, const char *partner, GError **error)
{
	sqlite3_stmt *st = stmt_get (store,
		"SELECT id, parent_id, seq, del FROM ("
		" SELECT id, parent_id, change_seq AS seq, 0 AS del FROM folders"
		" UNION ALL SELECT folder_id, parent_id, change_seq, 1 FROM folder_tombstones) c"
		" WHERE c.seq > ? ORDER BY c.seq", error);
	g_autoptr (GPtrArray) out = NULL;
	gint64 anchor;
	int rc;

	if (st == NULL || !pststore_partner_get_anchor (store, partner, &anchor, error))
		return NULL;
	out = g_ptr_array_new_with_free_func (g_free);
	sqlite3_bind_int64 (st, 1, anchor);
	while ((rc = sqlite3_step (st)) == SQLITE_ROW) {
		PststoreFolderChange *c = g_new0 (PststoreFolderChange, 1);

		c->folder_id = sqlite3_column_int64 (st, 0);
		c->parent_id = sqlite3_column_int64 (st, 1);
		c->change_seq = sqlite3_column_int64 (st, 2);
		c->deleted = sqlite3_column_int (st, 3) != 0;
		g_ptr_array_add (out, c);
	}
	sqlite3_reset (st);
	if (rc != SQLITE_DONE) {
		db_fail (store, error, "listing folder changes");
		return NULL;
	}
	return g_steal_pointer (&out);
}

gboolean
pststore_count_tombstones (PststoreStore *store, gsize *out_count, GError **error)
{
	sqlite3_stmt *st = stmt_get (store, "SELECT COUNT(*) FROM tombstones", error);

	if (st == NULL)
		return FALSE;
	if (sqlite3_step (st) != SQLITE_ROW) {
		sqlite3_reset (st);
		return db_fail (store, error, "counting tombstones");
	}
	*out_count = (gsize) sqlite3_column_int64 (st, 0);
	sqlite3_reset (st);
	return TRUE;
}
