/* airdockd-store-sqlite.c — the SQLite backend of the store.
 *
 * WAL journal (readers never block the writer), foreign keys on, a busy
 * timeout so airdockctl and airdockd can share the file, prepared statements
 * only (cached per SQL text), schema version in PRAGMA user_version.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <string.h>

#include "server/airdockd-store-private.h"

#define BUSY_TIMEOUT_MS 10000	/* a delivery holds the write lock for one fsync+rename */

typedef struct {
	AirdockdStoreBackend parent;
	sqlite3 *db;
	GHashTable *stmts;	/* static SQL text → sqlite3_stmt */
} Sqlite;

/* ------------------------------------------------------------ schema */

/* migrations[i] moves user_version i to i + 1 */
static const char *const migrations[] = {
	"CREATE TABLE users ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	" email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	" password_hash TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" item_modseq INTEGER NOT NULL DEFAULT 0,"
	" folder_modseq INTEGER NOT NULL DEFAULT 0,"
	" next_folder INTEGER NOT NULL DEFAULT 1);"
	"CREATE TABLE oof ("
	" user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
	" state INTEGER NOT NULL, start_time INTEGER, end_time INTEGER,"
	" internal_enabled INTEGER, internal_message TEXT,"
	" external_known_enabled INTEGER, external_known_message TEXT,"
	" external_unknown_enabled INTEGER, external_unknown_message TEXT,"
	" body_type TEXT);"
	"CREATE TABLE devices ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" device_id TEXT NOT NULL, device_type TEXT,"
	" first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	" protocol_version TEXT,"
	" policy_key_temporary INTEGER NOT NULL DEFAULT 0,"
	" policy_key INTEGER NOT NULL DEFAULT 0,"
	" policy_hash TEXT, policy_acknowledged INTEGER NOT NULL DEFAULT 0,"
	" wipe_state INTEGER NOT NULL DEFAULT 0,"
	" wipe_requested INTEGER NOT NULL DEFAULT 0,"
	" wipe_sent INTEGER NOT NULL DEFAULT 0,"
	" wipe_acknowledged INTEGER NOT NULL DEFAULT 0,"
	" model TEXT, imei TEXT, friendly_name TEXT, os TEXT, os_language TEXT,"
	" phone_number TEXT, user_agent TEXT, mobile_operator TEXT,"
	" UNIQUE (user_id, device_id));"
	"CREATE TABLE device_blobs ("
	" device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,"
	" key TEXT NOT NULL, value BLOB NOT NULL,"
	" PRIMARY KEY (device_id, key));"
	"CREATE TABLE folders ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" server_id TEXT NOT NULL, parent_id TEXT NOT NULL,"
	" display_name TEXT NOT NULL, type INTEGER NOT NULL,"
	" modseq INTEGER NOT NULL, created_modseq INTEGER NOT NULL,"
	" deleted INTEGER NOT NULL DEFAULT 0,"
	" next_item INTEGER NOT NULL DEFAULT 1,"
	" UNIQUE (user_id, server_id));"
	"CREATE INDEX folders_modseq ON folders (user_id, modseq);"
	"CREATE TABLE items ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,"
	" server_id TEXT NOT NULL, class INTEGER NOT NULL,"
	" modseq INTEGER NOT NULL, created_modseq INTEGER NOT NULL,"
	" deleted INTEGER NOT NULL DEFAULT 0,"
	" from_addr TEXT, to_addr TEXT, cc TEXT, reply_to TEXT, subject TEXT,"
	" message_id TEXT, thread_id TEXT,"
	" date_received INTEGER NOT NULL DEFAULT 0, size INTEGER NOT NULL DEFAULT 0,"
	" read INTEGER NOT NULL DEFAULT 0,"
	" flag_type TEXT, flag_start INTEGER NOT NULL DEFAULT 0,"
	" flag_due INTEGER NOT NULL DEFAULT 0, flag_complete INTEGER NOT NULL DEFAULT 0,"
	" flag_reminder INTEGER NOT NULL DEFAULT 0, flag_status INTEGER NOT NULL DEFAULT 0,"
	" importance INTEGER NOT NULL DEFAULT 1, has_attachments INTEGER NOT NULL DEFAULT 0,"
	" preview TEXT, plain_type TEXT, html_type TEXT,"
	" message_file TEXT, data BLOB,"
	" UNIQUE (user_id, server_id));"
	"CREATE INDEX items_folder_modseq ON items (folder_id, modseq);"
	"CREATE TABLE attachments ("
	" item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL, file_name TEXT, content_type TEXT,"
	" content_id TEXT, size INTEGER NOT NULL, is_inline INTEGER NOT NULL,"
	" PRIMARY KEY (item_id, idx));"
	"CREATE TABLE sync_state ("
	" device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,"
	" collection_id TEXT NOT NULL,"
	" sync_key TEXT, prev_key TEXT, prev_response BLOB, options BLOB,"
	" last_modseq INTEGER NOT NULL DEFAULT 0, data BLOB,"
	" PRIMARY KEY (device_id, collection_id));"
	"CREATE TABLE device_items ("
	" device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,"
	" collection_id TEXT NOT NULL, server_id TEXT NOT NULL,"
	" value INTEGER NOT NULL,"
	" PRIMARY KEY (device_id, collection_id, server_id)) WITHOUT ROWID;",
	/* 2: when each collection and the device last synced successfully */
	"ALTER TABLE sync_state ADD COLUMN last_sync INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE devices ADD COLUMN last_sync INTEGER NOT NULL DEFAULT 0;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == AIRDOCKD_STORE_SCHEMA_VERSION);

/* ------------------------------------------------------------ helpers */

static gboolean
fail (Sqlite *s, int rc, const char *what, GError **error)
{
	AirdockdStoreError code = AIRDOCKD_STORE_ERROR_FAILED;
	int primary = rc & 0xff;

	if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		code = AIRDOCKD_STORE_ERROR_BUSY;
	else if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		code = AIRDOCKD_STORE_ERROR_EXISTS;
	g_set_error (error, AIRDOCKD_STORE_ERROR, code, "SQLite: %s: %s", what, sqlite3_errstr (rc));
	return FALSE;
}

static gboolean
not_found (GError **error, const char *what)
{
	g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND, "%s not found", what);
	return FALSE;
}

/* fmt: i gint64, t text (NULL = NULL), b GBytes (NULL = NULL) */
static void
bind_va (sqlite3_stmt *st, const char *fmt, va_list ap)
{
	for (int i = 0; fmt[i] != '\0'; i++) {
		int col = i + 1;
		switch (fmt[i]) {
		case 'i':
			sqlite3_bind_int64 (st, col, va_arg (ap, gint64));
			break;
		case 't': {
			const char *t = va_arg (ap, const char *);
			if (t != NULL)
				sqlite3_bind_text (st, col, t, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null (st, col);
			break;
		}
		case 'b': {
			GBytes *bytes = va_arg (ap, GBytes *);
			gsize n = 0;
			gconstpointer p = bytes ? g_bytes_get_data (bytes, &n) : NULL;
			if (bytes != NULL)
				sqlite3_bind_blob64 (st, col, n > 0 ? p : "", n, SQLITE_TRANSIENT);
			else
				sqlite3_bind_null (st, col);
			break;
		}
		default:
			g_assert_not_reached ();
		}
	}
}

/* Returns the cached statement for sql (a string literal), reset and bound. */
static sqlite3_stmt *
query (Sqlite *s, GError **error, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = g_hash_table_lookup (s->stmts, sql);
	va_list ap;

	if (st == NULL) {
		int rc = sqlite3_prepare_v3 (s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK) {
			g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_FAILED,
				     "SQLite: prepare: %s", sqlite3_errmsg (s->db));
			return NULL;
		}
		g_hash_table_insert (s->stmts, (gpointer) sql, st);
	}
	sqlite3_reset (st);
	sqlite3_clear_bindings (st);
	va_start (ap, fmt);
	bind_va (st, fmt, ap);
	va_end (ap);
	return st;
}

/* Steps: TRUE with *out_row for SQLITE_ROW/DONE, FALSE + error otherwise. */
static gboolean
step (Sqlite *s, sqlite3_stmt *st, gboolean *out_row, GError **error)
{
	int rc = sqlite3_step (st);

	if (rc == SQLITE_ROW) {
		*out_row = TRUE;
		return TRUE;
	}
	if (rc == SQLITE_DONE) {
		*out_row = FALSE;
		sqlite3_reset (st);
		return TRUE;
	}
	rc = sqlite3_extended_errcode (s->db);
	sqlite3_reset (st);
	return fail (s, rc, "step", error);
}

/* Runs a statement to its end. */
static gboolean
run (Sqlite *s, sqlite3_stmt *st, GError **error)
{
	gboolean row = TRUE;

	if (st == NULL)
		return FALSE;
	while (row)
		if (!step (s, st, &row, error))
			return FALSE;
	return TRUE;
}

/* Steps once expecting a row: NOT_FOUND(what) when there is none. */
static gboolean
one_row (Sqlite *s, sqlite3_stmt *st, const char *what, GError **error)
{
	gboolean row = FALSE;

	if (st == NULL || !step (s, st, &row, error))
		return FALSE;
	if (!row)
		return not_found (error, what);
	return TRUE;
}

static char *
col_text (sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text (st, i);
	return t ? g_strdup ((const char *) t) : NULL;
}

static GBytes *
col_bytes (sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type (st, i) == SQLITE_NULL)
		return NULL;
	const void *p = sqlite3_column_blob (st, i);
	gsize n = sqlite3_column_bytes (st, i);
	return g_bytes_new (p, n);
}

static gint64
col_int (sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64 (st, i);
}

static gint64
now (void)
{
	return g_get_real_time () / G_USEC_PER_SEC;
}

/* ------------------------------------------------------------ open/tx */

static void
sqlite_close (AirdockdStoreBackend *b)
{
	Sqlite *s = (Sqlite *) b;

	g_hash_table_destroy (s->stmts);
	sqlite3_close_v2 (s->db);
	g_free (s);
}

static gboolean
exec_plain (Sqlite *s, const char *sql, GError **error)
{
	int rc = sqlite3_exec (s->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return fail (s, sqlite3_extended_errcode (s->db), sql, error);
	return TRUE;
}

static gboolean
sqlite_begin (AirdockdStoreBackend *b, guint depth, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	char sql[64];

	if (depth == 0)
		return exec_plain (s, "BEGIN IMMEDIATE", error);
	g_snprintf (sql, sizeof sql, "SAVEPOINT sp%u", depth);
	return exec_plain (s, sql, error);
}

static gboolean
sqlite_commit (AirdockdStoreBackend *b, guint depth, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	char sql[64];

	if (depth == 0)
		return exec_plain (s, "COMMIT", error);
	g_snprintf (sql, sizeof sql, "RELEASE sp%u", depth);
	return exec_plain (s, sql, error);
}

static void
sqlite_rollback (AirdockdStoreBackend *b, guint depth)
{
	Sqlite *s = (Sqlite *) b;
	char sql[80];

	if (depth == 0) {
		if (!sqlite3_get_autocommit (s->db))
			sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
		return;
	}
	g_snprintf (sql, sizeof sql, "ROLLBACK TO sp%u; RELEASE sp%u", depth, depth);
	sqlite3_exec (s->db, sql, NULL, NULL, NULL);
}

static gboolean
migrate (Sqlite *s, GError **error)
{
	sqlite3_stmt *st = query (s, error, "PRAGMA user_version", "");
	gint64 version;

	if (!one_row (s, st, "schema version", error))
		return FALSE;
	version = col_int (st, 0);
	sqlite3_reset (st);
	if (version > AIRDOCKD_STORE_SCHEMA_VERSION) {
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_SCHEMA,
			     "database schema %" G_GINT64_FORMAT " is newer than this program's (%d)",
			     version, AIRDOCKD_STORE_SCHEMA_VERSION);
		return FALSE;
	}
	for (; version < AIRDOCKD_STORE_SCHEMA_VERSION; version++) {
		char pragma[64];
		if (!exec_plain (s, "BEGIN IMMEDIATE", error))
			return FALSE;
		g_snprintf (pragma, sizeof pragma, "PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);
		if (!exec_plain (s, migrations[version], error) ||
		    !exec_plain (s, pragma, error) ||
		    !exec_plain (s, "COMMIT", error)) {
			sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
			return FALSE;
		}
	}
	return TRUE;
}

static const AirdockdStoreBackendClass sqlite_class;

static void
finalize_stmt (gpointer st)
{
	sqlite3_finalize (st);
}

AirdockdStoreBackend *
airdockd_store_sqlite_open (const char *path, GError **error)
{
	Sqlite *s = g_new0 (Sqlite, 1);
	int rc;

	s->parent.klass = &sqlite_class;
	s->stmts = g_hash_table_new_full (NULL, NULL, NULL, finalize_stmt);
	rc = sqlite3_open_v2 (path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_FAILED,
			     "SQLite: cannot open %s: %s", path, sqlite3_errstr (rc));
		sqlite_close (&s->parent);
		return NULL;
	}
	sqlite3_extended_result_codes (s->db, 1);
	sqlite3_busy_timeout (s->db, BUSY_TIMEOUT_MS);
	/* synchronous=FULL: an acknowledged delivery must survive power loss */
	if (!exec_plain (s, "PRAGMA journal_mode = WAL", error) ||
	    !exec_plain (s, "PRAGMA synchronous = FULL", error) ||
	    !exec_plain (s, "PRAGMA foreign_keys = ON", error) ||
	    !migrate (s, error)) {
		g_prefix_error (error, "%s: ", path);
		sqlite_close (&s->parent);
		return NULL;
	}
	return &s->parent;
}

/* ------------------------------------------------------------ users */

static gboolean
sqlite_user_add (AirdockdStoreBackend *b, const char *name, const char *email,
		 const char *hash, gint64 *out_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st = query (s, error,
				  "INSERT INTO users (name, email, password_hash, created) "
				  "VALUES (?, ?, ?, ?) RETURNING id",
				  "ttti", name, email, hash, now ());

	if (!one_row (s, st, "user", error))
		return FALSE;
	*out_id = col_int (st, 0);
	sqlite3_reset (st);
	return TRUE;
}

static gboolean
changed_one (Sqlite *s, const char *what, GError **error)
{
	if (sqlite3_changes (s->db) == 0)
		return not_found (error, what);
	return TRUE;
}

static gboolean
sqlite_user_set_hash (AirdockdStoreBackend *b, gint64 user_id, const char *hash, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	if (!run (s, query (s, error, "UPDATE users SET password_hash = ? WHERE id = ?", "ti", hash, user_id), error))
		return FALSE;
	return changed_one (s, "user", error);
}

static gboolean
sqlite_user_set_email (AirdockdStoreBackend *b, gint64 user_id, const char *email, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	if (!run (s, query (s, error, "UPDATE users SET email = ? WHERE id = ?", "ti", email, user_id), error))
		return FALSE;
	return changed_one (s, "user", error);
}

static gboolean
sqlite_user_delete (AirdockdStoreBackend *b, gint64 user_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	if (!run (s, query (s, error, "DELETE FROM users WHERE id = ?", "i", user_id), error))
		return FALSE;
	return changed_one (s, "user", error);
}

static AirdockdUser *
user_from_row (sqlite3_stmt *st)
{
	AirdockdUser *u = g_new0 (AirdockdUser, 1);
	u->id = col_int (st, 0);
	u->name = col_text (st, 1);
	u->email = col_text (st, 2);
	u->created = col_int (st, 3);
	return u;
}

static GPtrArray *
sqlite_user_list (AirdockdStoreBackend *b, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st = query (s, error, "SELECT id, name, email, created, password_hash FROM users ORDER BY name", "");
	g_autoptr (GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_user_free);
	gboolean row = TRUE;

	if (st == NULL)
		return NULL;
	while (step (s, st, &row, error) && row)
		g_ptr_array_add (users, user_from_row (st));
	if (row)
		return NULL;
	return g_steal_pointer (&users);
}

static AirdockdUser *
sqlite_user_get (AirdockdStoreBackend *b, gint64 user_id, const char *name,
		 gboolean or_email, char **out_hash, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st;
	AirdockdUser *u;

	if (name == NULL)
		st = query (s, error, "SELECT id, name, email, created, password_hash FROM users WHERE id = ?", "i", user_id);
	else if (or_email)
		st = query (s, error, "SELECT id, name, email, created, password_hash FROM users "
			    "WHERE name = ?1 OR email = ?1 ORDER BY name = ?1 DESC LIMIT 1", "t", name);
	else
		st = query (s, error, "SELECT id, name, email, created, password_hash FROM users WHERE name = ?", "t", name);
	if (!one_row (s, st, "user", error))
		return NULL;
	u = user_from_row (st);
	if (out_hash != NULL)
		*out_hash = col_text (st, 4);
	sqlite3_reset (st);
	return u;
}

static AirdockdOof *
sqlite_oof_get (AirdockdStoreBackend *b, gint64 user_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st = query (s, error,
				  "SELECT state, start_time, end_time, internal_enabled, internal_message,"
				  " external_known_enabled, external_known_message,"
				  " external_unknown_enabled, external_unknown_message, body_type "
				  "FROM oof WHERE user_id = ?", "i", user_id);
	g_autoptr (AirdockdOof) oof = g_new0 (AirdockdOof, 1);
	gboolean row = FALSE;

	if (st == NULL || !step (s, st, &row, error))
		return NULL;
	if (!row)
		return g_steal_pointer (&oof);
	oof->state = col_int (st, 0);
	oof->start_time = col_int (st, 1);
	oof->end_time = col_int (st, 2);
	oof->internal_enabled = col_int (st, 3) != 0;
	oof->internal_message = col_text (st, 4);
	oof->external_known_enabled = col_int (st, 5) != 0;
	oof->external_known_message = col_text (st, 6);
	oof->external_unknown_enabled = col_int (st, 7) != 0;
	oof->external_unknown_message = col_text (st, 8);
	oof->body_type = col_text (st, 9);
	sqlite3_reset (st);
	return g_steal_pointer (&oof);
}

static gboolean
sqlite_oof_set (AirdockdStoreBackend *b, gint64 user_id, const AirdockdOof *o, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	return run (s, query (s, error,
			      "INSERT OR REPLACE INTO oof (user_id, state, start_time, end_time,"
			      " internal_enabled, internal_message, external_known_enabled,"
			      " external_known_message, external_unknown_enabled,"
			      " external_unknown_message, body_type) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			      "iiiiitititt", user_id, (gint64) o->state, o->start_time, o->end_time,
			      (gint64) o->internal_enabled, o->internal_message,
			      (gint64) o->external_known_enabled, o->external_known_message,
			      (gint64) o->external_unknown_enabled, o->external_unknown_message,
			      o->body_type), error);
}

/* ------------------------------------------------------------ devices */

#define DEVICE_COLS "id, user_id, device_id, device_type, first_seen, last_seen, protocol_version," \
	" policy_key_temporary, policy_key, policy_hash, policy_acknowledged, wipe_state," \
	" wipe_requested, wipe_sent, wipe_acknowledged, model, imei, friendly_name, os," \
	" os_language, phone_number, user_agent, mobile_operator, last_sync"

static AirdockdDevice *
device_from_row (sqlite3_stmt *st)
{
	AirdockdDevice *d = g_new0 (AirdockdDevice, 1);
	d->id = col_int (st, 0);
	d->user_id = col_int (st, 1);
	d->device_id = col_text (st, 2);
	d->device_type = col_text (st, 3);
	d->first_seen = col_int (st, 4);
	d->last_seen = col_int (st, 5);
	d->protocol_version = col_text (st, 6);
	d->policy_key_temporary = (guint32) col_int (st, 7);
	d->policy_key = (guint32) col_int (st, 8);
	d->policy_hash = col_text (st, 9);
	d->policy_acknowledged = col_int (st, 10);
	d->wipe_state = col_int (st, 11);
	d->wipe_requested = col_int (st, 12);
	d->wipe_sent = col_int (st, 13);
	d->wipe_acknowledged = col_int (st, 14);
	d->info.model = col_text (st, 15);
	d->info.imei = col_text (st, 16);
	d->info.friendly_name = col_text (st, 17);
	d->info.os = col_text (st, 18);
	d->info.os_language = col_text (st, 19);
	d->info.phone_number = col_text (st, 20);
	d->info.user_agent = col_text (st, 21);
	d->info.mobile_operator = col_text (st, 22);
	d->last_sync = col_int (st, 23);
	return d;
}

static AirdockdDevice *
sqlite_device_get (AirdockdStoreBackend *b, gint64 user_id, const char *device_id,
		   gint64 id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st;
	AirdockdDevice *d;

	if (device_id != NULL)
		st = query (s, error, "SELECT " DEVICE_COLS " FROM devices WHERE user_id = ? AND device_id = ?",
			    "it", user_id, device_id);
	else
		st = query (s, error, "SELECT " DEVICE_COLS " FROM devices WHERE user_id = ? AND id = ?",
			    "ii", user_id, id);
	if (!one_row (s, st, "device", error))
		return NULL;
	d = device_from_row (st);
	sqlite3_reset (st);
	return d;
}

static AirdockdDevice *
sqlite_device_ensure (AirdockdStoreBackend *b, gint64 user_id, const char *device_id,
		      const char *device_type, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	gint64 t = now ();

	if (!run (s, query (s, error,
			    "INSERT INTO devices (user_id, device_id, device_type, first_seen, last_seen) "
			    "VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (user_id, device_id) DO UPDATE SET "
			    "last_seen = excluded.last_seen, device_type = COALESCE (excluded.device_type, device_type)",
			    "itti", user_id, device_id, device_type, t), error))
		return NULL;
	return sqlite_device_get (b, user_id, device_id, 0, error);
}

static GPtrArray *
sqlite_device_list (AirdockdStoreBackend *b, gint64 user_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st = query (s, error, "SELECT " DEVICE_COLS " FROM devices "
				  "WHERE ?1 = 0 OR user_id = ?1 ORDER BY user_id, device_id", "i", user_id);
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_device_free);
	gboolean row = TRUE;

	if (st == NULL)
		return NULL;
	while (step (s, st, &row, error) && row)
		g_ptr_array_add (list, device_from_row (st));
	if (row)
		return NULL;
	return g_steal_pointer (&list);
}

static gboolean
sqlite_device_update (AirdockdStoreBackend *b, const AirdockdDevice *d, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	const AirdockdDeviceInfo *i = &d->info;

	if (!run (s, query (s, error,
			    "UPDATE devices SET protocol_version = ?, policy_key_temporary = ?, policy_key = ?,"
			    " policy_hash = ?, policy_acknowledged = ?, wipe_state = ?, wipe_requested = ?,"
			    " wipe_sent = ?, wipe_acknowledged = ?, model = ?, imei = ?, friendly_name = ?,"
			    " os = ?, os_language = ?, phone_number = ?, user_agent = ?, mobile_operator = ? "
			    "WHERE user_id = ? AND id = ?",
			    "tiitiiiiittttttttii", d->protocol_version, (gint64) d->policy_key_temporary,
			    (gint64) d->policy_key, d->policy_hash, d->policy_acknowledged,
			    (gint64) d->wipe_state, d->wipe_requested, d->wipe_sent, d->wipe_acknowledged,
			    i->model, i->imei, i->friendly_name, i->os, i->os_language, i->phone_number,
			    i->user_agent, i->mobile_operator, d->user_id, d->id), error))
		return FALSE;
	return changed_one (s, "device", error);
}

static gboolean
sqlite_device_delete (AirdockdStoreBackend *b, gint64 user_id, gint64 id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	if (!run (s, query (s, error, "DELETE FROM devices WHERE user_id = ? AND id = ?", "ii", user_id, id), error))
		return FALSE;
	return changed_one (s, "device", error);
}

static gboolean
device_owned (Sqlite *s, gint64 user_id, gint64 device_id, GError **error)
{
	sqlite3_stmt *st = query (s, error, "SELECT 1 FROM devices WHERE user_id = ? AND id = ?",
				  "ii", user_id, device_id);
	if (!one_row (s, st, "device", error))
		return FALSE;
	sqlite3_reset (st);
	return TRUE;
}

static GBytes *
sqlite_device_blob_get (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
			const char *key, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st = query (s, error,
				  "SELECT value FROM device_blobs b JOIN devices d ON d.id = b.device_id "
				  "WHERE d.user_id = ? AND b.device_id = ? AND b.key = ?",
				  "iit", user_id, device_id, key);
	GBytes *value;

	if (!one_row (s, st, "device blob", error))
		return NULL;
	value = col_bytes (st, 0);
	sqlite3_reset (st);
	return value ? value : g_bytes_new (NULL, 0);
}

static gboolean
sqlite_device_blob_set (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
			const char *key, GBytes *value, GError **error)
{
	Sqlite *s = (Sqlite *) b;

	if (!device_owned (s, user_id, device_id, error))
		return FALSE;
	if (value == NULL)
		return run (s, query (s, error, "DELETE FROM device_blobs WHERE device_id = ? AND key = ?",
				      "it", device_id, key), error);
	return run (s, query (s, error, "INSERT OR REPLACE INTO device_blobs (device_id, key, value) VALUES (?, ?, ?)",
			      "itb", device_id, key, value), error);
}

/* ------------------------------------------------------------ folders */

#define FOLDER_COLS "id, user_id, server_id, parent_id, display_name, type, modseq, deleted, created_modseq"

static AirdockdFolder *
folder_from_row (sqlite3_stmt *st)
{
	AirdockdFolder *f = g_new0 (AirdockdFolder, 1);
	f->id = col_int (st, 0);
	f->user_id = col_int (st, 1);
	f->server_id = col_text (st, 2);
	f->parent_id = col_text (st, 3);
	f->display_name = col_text (st, 4);
	f->type = col_int (st, 5);
	f->modseq = col_int (st, 6);
	f->deleted = col_int (st, 7) != 0;
	return f;
}

static GPtrArray *
sqlite_folder_list (AirdockdStoreBackend *b, gint64 user_id, gboolean with_deleted,
		    gint64 since, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st;
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_folder_free);
	gboolean row = TRUE;

	if (with_deleted)
		st = query (s, error, "SELECT " FOLDER_COLS " FROM folders WHERE user_id = ?1 AND modseq > ?2 "
			    "AND NOT (deleted AND created_modseq > ?2) ORDER BY modseq", "ii", user_id, since);
	else
		st = query (s, error, "SELECT " FOLDER_COLS " FROM folders WHERE user_id = ? AND NOT deleted "
			    "ORDER BY id", "i", user_id);
	if (st == NULL)
		return NULL;
	while (step (s, st, &row, error) && row) {
		AirdockdFolder *f = folder_from_row (st);
		if (with_deleted)
			f->change = f->deleted ? AIRDOCKD_CHANGE_DELETE :
				    col_int (st, 8) > since ? AIRDOCKD_CHANGE_ADD : AIRDOCKD_CHANGE_CHANGE;
		g_ptr_array_add (list, f);
	}
	if (row)
		return NULL;
	return g_steal_pointer (&list);
}

static AirdockdFolder *
sqlite_folder_get (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
		   AirdockdFolderType type, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st;
	AirdockdFolder *f;

	if (server_id != NULL)
		st = query (s, error, "SELECT " FOLDER_COLS " FROM folders WHERE user_id = ? AND server_id = ? "
			    "AND NOT deleted", "it", user_id, server_id);
	else
		st = query (s, error, "SELECT " FOLDER_COLS " FROM folders WHERE user_id = ? AND type = ? "
			    "AND NOT deleted ORDER BY id LIMIT 1", "ii", user_id, (gint64) type);
	if (!one_row (s, st, "folder", error))
		return NULL;
	f = folder_from_row (st);
	sqlite3_reset (st);
	return f;
}

static gboolean
bump (Sqlite *s, gint64 user_id, gboolean folders, gint64 *out_modseq, GError **error)
{
	sqlite3_stmt *st;

	if (folders)
		st = query (s, error, "UPDATE users SET folder_modseq = folder_modseq + 1 WHERE id = ? "
			    "RETURNING folder_modseq", "i", user_id);
	else
		st = query (s, error, "UPDATE users SET item_modseq = item_modseq + 1 WHERE id = ? "
			    "RETURNING item_modseq", "i", user_id);
	if (!one_row (s, st, "user", error))
		return FALSE;
	*out_modseq = col_int (st, 0);
	return run (s, st, error);
}

static AirdockdFolder *
sqlite_folder_insert (AirdockdStoreBackend *b, gint64 user_id, const char *parent_id,
		      const char *display_name, AirdockdFolderType type, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st = query (s, error, "UPDATE users SET next_folder = next_folder + 1 WHERE id = ? "
				  "RETURNING next_folder - 1", "i", user_id);
	g_autofree char *server_id = NULL;
	gint64 modseq;

	if (!one_row (s, st, "user", error))
		return NULL;
	server_id = g_strdup_printf ("%" G_GINT64_FORMAT, col_int (st, 0));
	if (!run (s, st, error) || !bump (s, user_id, TRUE, &modseq, error))
		return NULL;
	if (!run (s, query (s, error, "INSERT INTO folders (user_id, server_id, parent_id, display_name,"
			    " type, modseq, created_modseq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
			    "itttii", user_id, server_id, parent_id, display_name, (gint64) type, modseq), error))
		return NULL;
	return sqlite_folder_get (b, user_id, server_id, 0, error);
}

static gboolean
sqlite_folder_update (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
		      const char *parent_id, const char *display_name, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	gint64 modseq;

	if (!bump (s, user_id, TRUE, &modseq, error))
		return FALSE;
	if (!run (s, query (s, error, "UPDATE folders SET parent_id = ?, display_name = ?, modseq = ? "
			    "WHERE user_id = ? AND server_id = ? AND NOT deleted",
			    "ttiit", parent_id, display_name, modseq, user_id, server_id), error))
		return FALSE;
	return changed_one (s, "folder", error);
}

static gboolean
sqlite_folder_delete (AirdockdStoreBackend *b, gint64 user_id, const char *server_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	gint64 modseq;

	if (!bump (s, user_id, TRUE, &modseq, error))
		return FALSE;
	if (!run (s, query (s, error, "UPDATE folders SET deleted = 1, modseq = ? "
			    "WHERE user_id = ? AND server_id = ? AND NOT deleted",
			    "iit", modseq, user_id, server_id), error))
		return FALSE;
	return changed_one (s, "folder", error);
}

static gint64
user_counter (Sqlite *s, gint64 user_id, gboolean folders, GError **error)
{
	sqlite3_stmt *st;
	gint64 v;

	if (folders)
		st = query (s, error, "SELECT folder_modseq FROM users WHERE id = ?", "i", user_id);
	else
		st = query (s, error, "SELECT item_modseq FROM users WHERE id = ?", "i", user_id);
	if (!one_row (s, st, "user", error))
		return -1;
	v = col_int (st, 0);
	sqlite3_reset (st);
	return v;
}

static gint64
sqlite_folder_modseq (AirdockdStoreBackend *b, gint64 user_id, GError **error)
{
	return user_counter ((Sqlite *) b, user_id, TRUE, error);
}

/* ------------------------------------------------------------ items */

#define ITEM_COLS "i.id, i.user_id, i.server_id, f.server_id, i.class, i.modseq, i.created_modseq," \
	" i.deleted, i.from_addr, i.to_addr, i.cc, i.reply_to, i.subject, i.message_id, i.thread_id," \
	" i.date_received, i.size, i.read, i.flag_type, i.flag_start, i.flag_due, i.flag_complete," \
	" i.flag_reminder, i.flag_status, i.importance, i.has_attachments, i.preview, i.plain_type," \
	" i.html_type, i.message_file, i.data"
#define ITEM_FROM " FROM items i JOIN folders f ON f.id = i.folder_id"

static AirdockdItem *
item_from_row (sqlite3_stmt *st)
{
	AirdockdItem *it = g_new0 (AirdockdItem, 1);
	it->id = col_int (st, 0);
	it->user_id = col_int (st, 1);
	it->server_id = col_text (st, 2);
	it->folder_id = col_text (st, 3);
	it->item_class = col_int (st, 4);
	it->modseq = col_int (st, 5);
	it->created_modseq = col_int (st, 6);
	it->deleted = col_int (st, 7) != 0;
	it->from = col_text (st, 8);
	it->to = col_text (st, 9);
	it->cc = col_text (st, 10);
	it->reply_to = col_text (st, 11);
	it->subject = col_text (st, 12);
	it->message_id = col_text (st, 13);
	it->thread_id = col_text (st, 14);
	it->date_received = col_int (st, 15);
	it->size = col_int (st, 16);
	it->read = col_int (st, 17) != 0;
	it->flag.flag_type = col_text (st, 18);
	it->flag.start_date = col_int (st, 19);
	it->flag.due_date = col_int (st, 20);
	it->flag.complete_time = col_int (st, 21);
	it->flag.reminder_time = col_int (st, 22);
	it->flag.status = col_int (st, 23);
	it->importance = col_int (st, 24);
	it->has_attachments = col_int (st, 25) != 0;
	it->preview = col_text (st, 26);
	it->plain_type = col_text (st, 27);
	it->html_type = col_text (st, 28);
	it->message_path = col_text (st, 29);
	it->data = col_bytes (st, 30);
	return it;
}

static GPtrArray *
collect_items (Sqlite *s, sqlite3_stmt *st, GError **error)
{
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_item_free);
	gboolean row = TRUE;

	if (st == NULL)
		return NULL;
	while (step (s, st, &row, error) && row)
		g_ptr_array_add (list, item_from_row (st));
	if (row)
		return NULL;
	return g_steal_pointer (&list);
}

/* Looks up a live folder: its row id. */
static gboolean
folder_row (Sqlite *s, gint64 user_id, const char *server_id, gint64 *out_id, GError **error)
{
	sqlite3_stmt *st = query (s, error, "SELECT id FROM folders WHERE user_id = ? AND server_id = ? "
				  "AND NOT deleted", "it", user_id, server_id);
	if (!one_row (s, st, "folder", error))
		return FALSE;
	*out_id = col_int (st, 0);
	sqlite3_reset (st);
	return TRUE;
}

/* Allocates "<folder>:<n>" in a live folder. */
static char *
next_item_id (Sqlite *s, gint64 user_id, const char *folder_id, gint64 *out_folder_row, GError **error)
{
	sqlite3_stmt *st = query (s, error, "UPDATE folders SET next_item = next_item + 1 "
				  "WHERE user_id = ? AND server_id = ? AND NOT deleted "
				  "RETURNING id, next_item - 1", "it", user_id, folder_id);
	char *id;

	if (!one_row (s, st, "folder", error))
		return NULL;
	*out_folder_row = col_int (st, 0);
	id = g_strdup_printf ("%s:%" G_GINT64_FORMAT, folder_id, col_int (st, 1));
	if (!run (s, st, error)) {
		g_free (id);
		return NULL;
	}
	return id;
}

static gboolean
insert_attachments (Sqlite *s, gint64 item_id, GPtrArray *atts, GError **error)
{
	for (guint i = 0; atts != NULL && i < atts->len; i++) {
		const AirdockdAttachment *a = g_ptr_array_index (atts, i);
		if (!run (s, query (s, error, "INSERT INTO attachments (item_id, idx, file_name, content_type,"
				    " content_id, size, is_inline) VALUES (?, ?, ?, ?, ?, ?, ?)",
				    "iitttii", item_id, (gint64) a->index, a->file_name, a->content_type,
				    a->content_id, a->size, (gint64) a->is_inline), error))
			return FALSE;
	}
	return TRUE;
}

static AirdockdItem *sqlite_item_get (AirdockdStoreBackend *b, gint64 user_id, const char *server_id, GError **error);

static AirdockdItem *
sqlite_item_insert (AirdockdStoreBackend *b, gint64 user_id, const char *folder_id,
		    AirdockdItemClass item_class, const AirdockdMimeInfo *m,
		    gboolean read, gint64 date_received, GBytes *data, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	AirdockdMimeInfo empty = { 0 };
	g_autofree char *server_id = NULL;
	gint64 folder_row_id, modseq, item_id;
	sqlite3_stmt *st;

	if (m == NULL) {
		empty.importance = AIRDOCKD_IMPORTANCE_NORMAL;
		m = &empty;
	}
	server_id = next_item_id (s, user_id, folder_id, &folder_row_id, error);
	if (server_id == NULL || !bump (s, user_id, FALSE, &modseq, error))
		return NULL;
	st = query (s, error,
		    "INSERT INTO items (user_id, folder_id, server_id, class, modseq, created_modseq,"
		    " from_addr, to_addr, cc, reply_to, subject, message_id, thread_id, date_received,"
		    " size, read, importance, has_attachments, preview, plain_type, html_type, data) "
		    "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
		    " ?17, ?18, ?19, ?20, ?21) RETURNING id",
		    "iitiitttttttiiiiitttb", user_id, folder_row_id, server_id, (gint64) item_class, modseq,
		    m->from, m->to, m->cc, m->reply_to, m->subject, m->message_id, m->thread_id,
		    date_received, m->size, (gint64) read, (gint64) m->importance,
		    (gint64) (m->attachments != NULL && m->attachments->len > 0),
		    m->preview, m->plain_type, m->html_type, data);
	if (!one_row (s, st, "item", error))
		return NULL;
	item_id = col_int (st, 0);
	if (!run (s, st, error) || !insert_attachments (s, item_id, m->attachments, error))
		return NULL;
	return sqlite_item_get (b, user_id, server_id, error);
}

static gboolean
sqlite_item_set_file (AirdockdStoreBackend *b, gint64 user_id, gint64 item_id,
		      const char *file, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	if (!run (s, query (s, error, "UPDATE items SET message_file = ? WHERE user_id = ? AND id = ?",
			    "tii", file, user_id, item_id), error))
		return FALSE;
	return changed_one (s, "item", error);
}

static gboolean
sqlite_item_set_data (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
		      GBytes *data, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	gint64 modseq;

	if (!bump (s, user_id, FALSE, &modseq, error))
		return FALSE;
	if (!run (s, query (s, error, "UPDATE items SET data = ?, modseq = ? "
			    "WHERE user_id = ? AND server_id = ? AND NOT deleted",
			    "biit", data, modseq, user_id, server_id), error))
		return FALSE;
	return changed_one (s, "item", error);
}

static AirdockdItem *
sqlite_item_get (AirdockdStoreBackend *b, gint64 user_id, const char *server_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st = query (s, error, "SELECT " ITEM_COLS ITEM_FROM
				  " WHERE i.user_id = ? AND i.server_id = ? AND NOT i.deleted",
				  "it", user_id, server_id);
	AirdockdItem *it;

	if (!one_row (s, st, "item", error))
		return NULL;
	it = item_from_row (st);
	sqlite3_reset (st);
	return it;
}

static GPtrArray *
sqlite_item_list (AirdockdStoreBackend *b, gint64 user_id, const char *folder_id,
		  gint64 min_date, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	gint64 frow;

	if (!folder_row (s, user_id, folder_id, &frow, error))
		return NULL;
	return collect_items (s, query (s, error, "SELECT " ITEM_COLS ITEM_FROM
					" WHERE i.user_id = ? AND i.folder_id = ? AND NOT i.deleted"
					" AND i.date_received >= ? ORDER BY i.id",
					"iii", user_id, frow, min_date), error);
}

static GPtrArray *
sqlite_item_changes (AirdockdStoreBackend *b, gint64 user_id, const char *folder_id,
		     gint64 since, guint limit, gboolean *out_more, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	g_autoptr (GPtrArray) list = NULL;
	gint64 frow;

	if (!folder_row (s, user_id, folder_id, &frow, error))
		return NULL;
	list = collect_items (s, query (s, error, "SELECT " ITEM_COLS ITEM_FROM
					" WHERE i.user_id = ?1 AND i.folder_id = ?2 AND i.modseq > ?3"
					" AND NOT (i.deleted AND i.created_modseq > ?3)"
					" ORDER BY i.modseq LIMIT ?4",
					"iiii", user_id, frow, since, limit == 0 ? (gint64) -1 : (gint64) limit + 1),
			      error);
	if (list == NULL)
		return NULL;
	*out_more = limit > 0 && list->len > limit;
	if (*out_more)
		g_ptr_array_set_size (list, limit);
	for (guint i = 0; i < list->len; i++) {
		AirdockdItem *it = g_ptr_array_index (list, i);
		it->change = it->deleted ? AIRDOCKD_CHANGE_DELETE :
			     it->created_modseq > since ? AIRDOCKD_CHANGE_ADD : AIRDOCKD_CHANGE_CHANGE;
	}
	return g_steal_pointer (&list);
}

static gboolean
sqlite_item_count (AirdockdStoreBackend *b, gint64 user_id, const char *folder_id,
		   gboolean changes, gint64 since, guint64 *out_count, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st;
	gint64 frow;

	if (!folder_row (s, user_id, folder_id, &frow, error))
		return FALSE;
	if (changes)
		st = query (s, error, "SELECT count(*) FROM items WHERE user_id = ?1 AND folder_id = ?2"
			    " AND modseq > ?3 AND NOT (deleted AND created_modseq > ?3)",
			    "iii", user_id, frow, since);
	else
		st = query (s, error, "SELECT count(*) FROM items WHERE user_id = ? AND folder_id = ?"
			    " AND NOT deleted", "ii", user_id, frow);
	if (!one_row (s, st, "count", error))
		return FALSE;
	*out_count = (guint64) col_int (st, 0);
	sqlite3_reset (st);
	return TRUE;
}

static gint64
sqlite_item_modseq (AirdockdStoreBackend *b, gint64 user_id, GError **error)
{
	return user_counter ((Sqlite *) b, user_id, FALSE, error);
}

static gboolean
sqlite_item_set_read (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
		      gboolean read, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	gint64 modseq;

	if (!bump (s, user_id, FALSE, &modseq, error))
		return FALSE;
	if (!run (s, query (s, error, "UPDATE items SET read = ?, modseq = ? "
			    "WHERE user_id = ? AND server_id = ? AND NOT deleted",
			    "iiit", (gint64) read, modseq, user_id, server_id), error))
		return FALSE;
	return changed_one (s, "item", error);
}

static gboolean
sqlite_item_set_flag (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
		      const AirdockdItemFlag *f, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	gint64 modseq;

	if (!bump (s, user_id, FALSE, &modseq, error))
		return FALSE;
	if (!run (s, query (s, error, "UPDATE items SET flag_type = ?, flag_start = ?, flag_due = ?,"
			    " flag_complete = ?, flag_reminder = ?, flag_status = ?, modseq = ? "
			    "WHERE user_id = ? AND server_id = ? AND NOT deleted",
			    "tiiiiiiit", f->flag_type, f->start_date, f->due_date, f->complete_time,
			    f->reminder_time, (gint64) f->status, modseq, user_id, server_id), error))
		return FALSE;
	return changed_one (s, "item", error);
}

static char *
sqlite_item_move (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
		  const char *dest_folder_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st = query (s, error, "SELECT id, folder_id, class, created_modseq FROM items "
				  "WHERE user_id = ? AND server_id = ? AND NOT deleted",
				  "it", user_id, server_id);
	g_autofree char *new_id = NULL;
	gint64 item_id, old_folder, klass, created, dest_row, modseq;

	if (!one_row (s, st, "item", error))
		return NULL;
	item_id = col_int (st, 0);
	old_folder = col_int (st, 1);
	klass = col_int (st, 2);
	created = col_int (st, 3);
	sqlite3_reset (st);
	new_id = next_item_id (s, user_id, dest_folder_id, &dest_row, error);
	if (new_id == NULL || !bump (s, user_id, FALSE, &modseq, error))
		return NULL;
	if (dest_row == old_folder) {
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID,
			     "item is already in that folder");
		return NULL;
	}
	/* The row keeps its id (and message file); the source folder gets a tombstone. */
	if (!run (s, query (s, error, "UPDATE items SET folder_id = ?1, server_id = ?2, modseq = ?3,"
			    " created_modseq = ?3 WHERE id = ?4", "itii", dest_row, new_id, modseq, item_id), error) ||
	    !run (s, query (s, error, "INSERT INTO items (user_id, folder_id, server_id, class, modseq,"
			    " created_modseq, deleted) VALUES (?, ?, ?, ?, ?, ?, 1)",
			    "iitiii", user_id, old_folder, server_id, klass, modseq, created), error))
		return NULL;
	return g_steal_pointer (&new_id);
}

static gboolean
sqlite_item_delete (AirdockdStoreBackend *b, gint64 user_id, const char *server_id,
		    GPtrArray *files, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st = query (s, error, "SELECT id, message_file FROM items "
				  "WHERE user_id = ? AND server_id = ? AND NOT deleted",
				  "it", user_id, server_id);
	g_autofree char *file = NULL;
	gint64 item_id, modseq;

	if (!one_row (s, st, "item", error))
		return FALSE;
	item_id = col_int (st, 0);
	file = col_text (st, 1);
	sqlite3_reset (st);
	if (!bump (s, user_id, FALSE, &modseq, error) ||
	    !run (s, query (s, error, "DELETE FROM attachments WHERE item_id = ?", "i", item_id), error) ||
	    !run (s, query (s, error, "UPDATE items SET deleted = 1, modseq = ?, message_file = NULL,"
			    " data = NULL, preview = NULL WHERE id = ?", "ii", modseq, item_id), error))
		return FALSE;
	if (file != NULL)
		g_ptr_array_add (files, g_steal_pointer (&file));
	return TRUE;
}

static gboolean
sqlite_folder_clear (AirdockdStoreBackend *b, gint64 user_id, const char *folder_id,
		     GPtrArray *files, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
	sqlite3_stmt *st;
	gboolean row = TRUE;
	gint64 frow;

	if (!folder_row (s, user_id, folder_id, &frow, error))
		return FALSE;
	st = query (s, error, "SELECT server_id FROM items WHERE user_id = ? AND folder_id = ? AND NOT deleted",
		    "ii", user_id, frow);
	if (st == NULL)
		return FALSE;
	while (step (s, st, &row, error) && row)
		g_ptr_array_add (ids, col_text (st, 0));
	if (row)
		return FALSE;
	for (guint i = 0; i < ids->len; i++)
		if (!sqlite_item_delete (b, user_id, g_ptr_array_index (ids, i), files, error))
			return FALSE;
	return TRUE;
}

static GPtrArray *
sqlite_item_attachments (AirdockdStoreBackend *b, gint64 user_id, const char *server_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	g_autoptr (AirdockdItem) it = sqlite_item_get (b, user_id, server_id, error);
	g_autoptr (GPtrArray) list = NULL;
	sqlite3_stmt *st;
	gboolean row = TRUE;

	if (it == NULL)
		return NULL;
	st = query (s, error, "SELECT idx, file_name, content_type, content_id, size, is_inline "
		    "FROM attachments WHERE item_id = ? ORDER BY idx", "i", it->id);
	if (st == NULL)
		return NULL;
	list = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_attachment_free);
	while (step (s, st, &row, error) && row) {
		AirdockdAttachment *a = g_new0 (AirdockdAttachment, 1);
		a->index = (guint) col_int (st, 0);
		a->file_name = col_text (st, 1);
		a->content_type = col_text (st, 2);
		a->content_id = col_text (st, 3);
		a->size = col_int (st, 4);
		a->is_inline = col_int (st, 5) != 0;
		g_ptr_array_add (list, a);
	}
	if (row)
		return NULL;
	return g_steal_pointer (&list);
}

static GHashTable *
sqlite_live_files (AirdockdStoreBackend *b, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st = query (s, error, "SELECT message_file FROM items WHERE message_file IS NOT NULL", "");
	g_autoptr (GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	gboolean row = TRUE;

	if (st == NULL)
		return NULL;
	while (step (s, st, &row, error) && row)
		g_hash_table_add (set, col_text (st, 0));
	if (row)
		return NULL;
	return g_steal_pointer (&set);
}

/* ------------------------------------------------------------ sync state */

static AirdockdSyncState *
sqlite_sync_state_get (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
		       const char *collection_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	sqlite3_stmt *st = query (s, error,
				  "SELECT sync_key, prev_key, prev_response, options, last_modseq, data "
				  "FROM sync_state s JOIN devices d ON d.id = s.device_id "
				  "WHERE d.user_id = ? AND s.device_id = ? AND s.collection_id = ?",
				  "iit", user_id, device_id, collection_id);
	AirdockdSyncState *state;

	if (!one_row (s, st, "sync state", error))
		return NULL;
	state = g_new0 (AirdockdSyncState, 1);
	state->sync_key = col_text (st, 0);
	state->prev_key = col_text (st, 1);
	state->prev_response = col_bytes (st, 2);
	state->options = col_bytes (st, 3);
	state->last_modseq = col_int (st, 4);
	state->data = col_bytes (st, 5);
	sqlite3_reset (st);
	return state;
}

static gboolean
sqlite_sync_state_put (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
		       const char *collection_id, const AirdockdSyncState *st, GError **error)
{
	Sqlite *s = (Sqlite *) b;

	if (!device_owned (s, user_id, device_id, error))
		return FALSE;
	/* An upsert, not a REPLACE: last_sync stays (only _touch moves it). */
	return run (s, query (s, error, "INSERT INTO sync_state (device_id, collection_id,"
			      " sync_key, prev_key, prev_response, options, last_modseq, data) "
			      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, collection_id) DO UPDATE SET"
			      " sync_key = excluded.sync_key, prev_key = excluded.prev_key,"
			      " prev_response = excluded.prev_response, options = excluded.options,"
			      " last_modseq = excluded.last_modseq, data = excluded.data",
			      "itttbbib", device_id, collection_id, st->sync_key, st->prev_key,
			      st->prev_response, st->options, st->last_modseq, st->data), error);
}

static gboolean
sqlite_sync_state_delete (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
			  const char *collection_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;

	if (!device_owned (s, user_id, device_id, error))
		return FALSE;
	if (collection_id == NULL)
		return run (s, query (s, error, "DELETE FROM sync_state WHERE device_id = ?", "i", device_id), error) &&
		       run (s, query (s, error, "DELETE FROM device_items WHERE device_id = ?", "i", device_id), error);
	return run (s, query (s, error, "DELETE FROM sync_state WHERE device_id = ? AND collection_id = ?",
			      "it", device_id, collection_id), error) &&
	       run (s, query (s, error, "DELETE FROM device_items WHERE device_id = ? AND collection_id = ?",
			      "it", device_id, collection_id), error);
}

static gboolean
sqlite_sync_state_touch (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
			 const char *collection_id, gint64 when, GError **error)
{
	Sqlite *s = (Sqlite *) b;

	if (!device_owned (s, user_id, device_id, error))
		return FALSE;
	if (!run (s, query (s, error, "UPDATE sync_state SET last_sync = ? WHERE device_id = ? AND collection_id = ?",
			    "iit", when, device_id, collection_id), error) ||
	    !changed_one (s, "sync state", error))
		return FALSE;
	return run (s, query (s, error, "UPDATE devices SET last_sync = ? WHERE user_id = ? AND id = ?",
			      "iii", when, user_id, device_id), error);
}

static GPtrArray *
sqlite_sync_state_list (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_sync_info_free);
	sqlite3_stmt *st;
	gboolean row = TRUE;

	if (!device_owned (s, user_id, device_id, error))
		return NULL;
	st = query (s, error, "SELECT collection_id, last_sync FROM sync_state "
		    "WHERE device_id = ? ORDER BY collection_id", "i", device_id);
	if (st == NULL)
		return NULL;
	while (step (s, st, &row, error) && row) {
		AirdockdSyncInfo *info = g_new0 (AirdockdSyncInfo, 1);
		info->collection_id = col_text (st, 0);
		info->last_sync = col_int (st, 1);
		g_ptr_array_add (list, info);
	}
	if (row)
		return NULL;
	return g_steal_pointer (&list);
}

static GHashTable *
sqlite_device_items_get (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
			 const char *collection_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;
	g_autoptr (GHashTable) set = NULL;
	sqlite3_stmt *st;
	gboolean row = TRUE;

	if (!device_owned (s, user_id, device_id, error))
		return NULL;
	st = query (s, error, "SELECT server_id, value FROM device_items WHERE device_id = ? AND collection_id = ?",
		    "it", device_id, collection_id);
	if (st == NULL)
		return NULL;
	set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	while (step (s, st, &row, error) && row) {
		gint64 *v = g_new (gint64, 1);
		*v = col_int (st, 1);
		g_hash_table_insert (set, col_text (st, 0), v);
	}
	if (row)
		return NULL;
	return g_steal_pointer (&set);
}

static gboolean
sqlite_device_items_set (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
			 const char *collection_id, const char *server_id, gint64 value, GError **error)
{
	Sqlite *s = (Sqlite *) b;

	if (!device_owned (s, user_id, device_id, error))
		return FALSE;
	return run (s, query (s, error, "INSERT OR REPLACE INTO device_items (device_id, collection_id,"
			      " server_id, value) VALUES (?, ?, ?, ?)",
			      "itti", device_id, collection_id, server_id, value), error);
}

static gboolean
sqlite_device_items_remove (AirdockdStoreBackend *b, gint64 user_id, gint64 device_id,
			    const char *collection_id, const char *server_id, GError **error)
{
	Sqlite *s = (Sqlite *) b;

	if (!device_owned (s, user_id, device_id, error))
		return FALSE;
	if (server_id == NULL)
		return run (s, query (s, error, "DELETE FROM device_items WHERE device_id = ? AND collection_id = ?",
				      "it", device_id, collection_id), error);
	return run (s, query (s, error, "DELETE FROM device_items WHERE device_id = ? AND collection_id = ?"
			      " AND server_id = ?", "itt", device_id, collection_id, server_id), error);
}

static const AirdockdStoreBackendClass sqlite_class = {
	.name = "sqlite",
	.close = sqlite_close,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.user_add = sqlite_user_add,
	.user_set_hash = sqlite_user_set_hash,
	.user_set_email = sqlite_user_set_email,
	.user_delete = sqlite_user_delete,
	.user_list = sqlite_user_list,
	.user_get = sqlite_user_get,
	.oof_get = sqlite_oof_get,
	.oof_set = sqlite_oof_set,
	.device_ensure = sqlite_device_ensure,
	.device_get = sqlite_device_get,
	.device_list = sqlite_device_list,
	.device_update = sqlite_device_update,
	.device_delete = sqlite_device_delete,
	.device_blob_get = sqlite_device_blob_get,
	.device_blob_set = sqlite_device_blob_set,
	.folder_list = sqlite_folder_list,
	.folder_get = sqlite_folder_get,
	.folder_insert = sqlite_folder_insert,
	.folder_update = sqlite_folder_update,
	.folder_delete = sqlite_folder_delete,
	.folder_modseq = sqlite_folder_modseq,
	.item_insert = sqlite_item_insert,
	.item_set_file = sqlite_item_set_file,
	.item_set_data = sqlite_item_set_data,
	.item_get = sqlite_item_get,
	.item_list = sqlite_item_list,
	.item_changes = sqlite_item_changes,
	.item_count = sqlite_item_count,
	.item_modseq = sqlite_item_modseq,
	.item_set_read = sqlite_item_set_read,
	.item_set_flag = sqlite_item_set_flag,
	.item_move = sqlite_item_move,
	.item_delete = sqlite_item_delete,
	.folder_clear = sqlite_folder_clear,
	.item_attachments = sqlite_item_attachments,
	.live_files = sqlite_live_files,
	.sync_state_get = sqlite_sync_state_get,
	.sync_state_put = sqlite_sync_state_put,
	.sync_state_delete = sqlite_sync_state_delete,
	.sync_state_touch = sqlite_sync_state_touch,
	.sync_state_list = sqlite_sync_state_list,
	.device_items_get = sqlite_device_items_get,
	.device_items_set = sqlite_device_items_set,
	.device_items_remove = sqlite_device_items_remove,
};
