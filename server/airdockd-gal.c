/* airdockd-gal.c — the imported directory in the store's SQLite file. */
#include "config.h"

#include <sqlite3.h>

#include "server/airdockd-gal.h"

#define BUSY_TIMEOUT_MS 10000	/* as the store: a delivery holds the lock for one fsync */

struct _AirdockdGal {
	sqlite3 *db;
};

/* The *_fold columns hold g_utf8_casefold() of their field: SQLite's own
 * case folding is ASCII only, and prefix matching needs the same folding
 * as the query. */
static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS gal_entries ("
	" email_fold TEXT PRIMARY KEY, email TEXT NOT NULL,"
	" display_name TEXT, first_name TEXT, last_name TEXT, phone TEXT, office TEXT,"
	" title TEXT, company TEXT, alias TEXT, certificate BLOB,"
	" display_fold TEXT, first_fold TEXT, last_fold TEXT, alias_fold TEXT, photo BLOB);";

#define COLUMNS "email, display_name, first_name, last_name, phone, office, title, company, alias, certificate, photo"

static gboolean
gal_fail (sqlite3 *db, int rc, const char *what, GError **error)
{
	g_set_error (error, AIRDOCKD_STORE_ERROR,
		     rc == SQLITE_BUSY ? AIRDOCKD_STORE_ERROR_BUSY : AIRDOCKD_STORE_ERROR_FAILED,
		     "gal: %s: %s", what, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
	return FALSE;
}

AirdockdGalEntry *
airdockd_gal_entry_new (void)
{
	return g_new0 (AirdockdGalEntry, 1);
}

void
airdockd_gal_entry_free (AirdockdGalEntry *e)
{
	if (e == NULL)
		return;
	g_free (e->email);
	g_free (e->display_name);
	g_free (e->first_name);
	g_free (e->last_name);
	g_free (e->phone);
	g_free (e->office);
	g_free (e->title);
	g_free (e->company);
	g_free (e->alias);
	g_clear_pointer (&e->certificate, g_bytes_unref);
	g_clear_pointer (&e->photo, g_bytes_unref);
	g_free (e);
}

void
airdockd_gal_entry_to_eas (const AirdockdGalEntry *e, EasGalEntry *out)
{
	out->display_name = e->display_name;
	out->email_address = e->email;
	out->alias = e->alias;
	out->first_name = e->first_name;
	out->last_name = e->last_name;
	out->phone = e->phone;
	out->office = e->office;
	out->title = e->title;
	out->company = e->company;
	out->picture = e->photo;
}

void
airdockd_gal_free (AirdockdGal *gal)
{
	if (gal == NULL)
		return;
	sqlite3_close_v2 (gal->db);
	g_free (gal);
}

/* Tables made before photos lack the column. */
static gboolean
ensure_photo_column (AirdockdGal *gal, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2 (gal->db, "SELECT photo FROM gal_entries LIMIT 0", -1, &stmt, NULL);

	sqlite3_finalize (stmt);
	if (rc == SQLITE_OK)
		return TRUE;
	rc = sqlite3_exec (gal->db, "ALTER TABLE gal_entries ADD COLUMN photo BLOB", NULL, NULL, NULL);
	/* Another connection may have added it meanwhile. */
	if (rc != SQLITE_OK &&
	    sqlite3_prepare_v2 (gal->db, "SELECT photo FROM gal_entries LIMIT 0", -1, &stmt, NULL) != SQLITE_OK)
		return gal_fail (gal->db, rc, "add photo column", error);
	sqlite3_finalize (stmt);
	return TRUE;
}

AirdockdGal *
airdockd_gal_open (AirdockdStore *store, GError **error)
{
	g_autoptr (AirdockdGal) gal = g_new0 (AirdockdGal, 1);
	g_autofree char *path = NULL;
	int rc;

	g_return_val_if_fail (store != NULL, NULL);
	path = g_build_filename (airdockd_store_get_data_dir (store), "airdock.sqlite", NULL);
	rc = sqlite3_open_v2 (path, &gal->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		gal_fail (gal->db, rc, "open", error);
		return NULL;
	}
	sqlite3_busy_timeout (gal->db, BUSY_TIMEOUT_MS);
	rc = sqlite3_exec (gal->db, schema_sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		gal_fail (gal->db, rc, "schema", error);
		return NULL;
	}
	if (!ensure_photo_column (gal, error))
		return NULL;
	return g_steal_pointer (&gal);
}

static int
bind_opt_fold (sqlite3_stmt *stmt, int i, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null (stmt, i);
	return sqlite3_bind_text (stmt, i, g_utf8_casefold (text, -1), -1, g_free);
}

static gboolean
insert_one (AirdockdGal *gal, sqlite3_stmt *stmt, const AirdockdGalEntry *e, GError **error)
{
	const char *texts[] = { e->email, e->display_name, e->first_name, e->last_name, e->phone,
	                        e->office, e->title, e->company, e->alias };
	int rc = SQLITE_OK;

	sqlite3_reset (stmt);
	rc |= bind_opt_fold (stmt, 1, e->email);
	for (int i = 0; i < (int) G_N_ELEMENTS (texts); i++)
		rc |= sqlite3_bind_text (stmt, i + 2, texts[i], -1, SQLITE_STATIC);
	if (e->certificate != NULL) {
		gsize len;
		const void *data = g_bytes_get_data (e->certificate, &len);
		rc |= sqlite3_bind_blob (stmt, 11, data, (int) len, SQLITE_STATIC);
	} else {
		rc |= sqlite3_bind_null (stmt, 11);
	}
	rc |= bind_opt_fold (stmt, 12, e->display_name);
	rc |= bind_opt_fold (stmt, 13, e->first_name);
	rc |= bind_opt_fold (stmt, 14, e->last_name);
	rc |= bind_opt_fold (stmt, 15, e->alias);
	if (e->photo != NULL) {
		gsize len;
		const void *data = g_bytes_get_data (e->photo, &len);
		rc |= sqlite3_bind_blob (stmt, 16, data, (int) len, SQLITE_STATIC);
	} else {
		rc |= sqlite3_bind_null (stmt, 16);
	}
	if (rc != SQLITE_OK)
		return gal_fail (gal->db, rc, "bind", error);
	rc = sqlite3_step (stmt);
	if (rc != SQLITE_DONE)
		return gal_fail (gal->db, rc, "insert", error);
	return TRUE;
}

static gboolean
count_rows (AirdockdGal *gal, guint *out_count, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2 (gal->db, "SELECT count(*) FROM gal_entries", -1, &stmt, NULL);

	if (rc != SQLITE_OK)
		return gal_fail (gal->db, rc, "count", error);
	rc = sqlite3_step (stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize (stmt);
		return gal_fail (gal->db, rc, "count", error);
	}
	*out_count = (guint) sqlite3_column_int64 (stmt, 0);
	sqlite3_finalize (stmt);
	return TRUE;
}

gboolean
airdockd_gal_import (AirdockdGal *gal, GPtrArray *entries, guint *out_replaced, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	guint before = 0, after = 0;
	int rc;

	g_return_val_if_fail (gal != NULL && entries != NULL, FALSE);
	for (guint i = 0; i < entries->len; i++) {
		const AirdockdGalEntry *e = g_ptr_array_index (entries, i);
		if (e->email == NULL || e->email[0] == '\0') {
			g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID, "gal: entry %u has no address", i);
			return FALSE;
		}
	}
	rc = sqlite3_exec (gal->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return gal_fail (gal->db, rc, "begin", error);
	if (!count_rows (gal, &before, error))
		goto fail;
	rc = sqlite3_prepare_v2 (gal->db, "INSERT OR REPLACE INTO gal_entries (email_fold, " COLUMNS
	                         ", display_fold, first_fold, last_fold, alias_fold)"
	                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?16, ?12, ?13, ?14, ?15)",
	                         -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		gal_fail (gal->db, rc, "prepare", error);
		goto fail;
	}
	for (guint i = 0; i < entries->len; i++)
		if (!insert_one (gal, stmt, g_ptr_array_index (entries, i), error))
			goto fail;
	g_clear_pointer (&stmt, sqlite3_finalize);
	if (!count_rows (gal, &after, error))
		goto fail;
	rc = sqlite3_exec (gal->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		gal_fail (gal->db, rc, "commit", error);
		goto fail;
	}
	if (out_replaced != NULL)
		*out_replaced = entries->len - (after - before);
	return TRUE;
fail:
	sqlite3_finalize (stmt);
	sqlite3_exec (gal->db, "ROLLBACK", NULL, NULL, NULL);
	return FALSE;
}

static char *
column_dup (sqlite3_stmt *stmt, int i)
{
	return g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

static AirdockdGalEntry *
entry_from_row (sqlite3_stmt *stmt)
{
	AirdockdGalEntry *e = airdockd_gal_entry_new ();

	e->email = column_dup (stmt, 0);
	e->display_name = column_dup (stmt, 1);
	e->first_name = column_dup (stmt, 2);
	e->last_name = column_dup (stmt, 3);
	e->phone = column_dup (stmt, 4);
	e->office = column_dup (stmt, 5);
	e->title = column_dup (stmt, 6);
	e->company = column_dup (stmt, 7);
	e->alias = column_dup (stmt, 8);
	if (sqlite3_column_type (stmt, 9) == SQLITE_BLOB)
		e->certificate = g_bytes_new (sqlite3_column_blob (stmt, 9), (gsize) sqlite3_column_bytes (stmt, 9));
	if (sqlite3_column_type (stmt, 10) == SQLITE_BLOB)
		e->photo = g_bytes_new (sqlite3_column_blob (stmt, 10), (gsize) sqlite3_column_bytes (stmt, 10));
	return e;
}

static GPtrArray *
collect_rows (AirdockdGal *gal, sqlite3_stmt *stmt, GError **error)
{
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_gal_entry_free);
	int rc;

	while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
		g_ptr_array_add (out, entry_from_row (stmt));
	sqlite3_finalize (stmt);
	if (rc != SQLITE_DONE) {
		gal_fail (gal->db, rc, "query", error);
		return NULL;
	}
	return g_steal_pointer (&out);
}

/* ?1 prefix (folded), ?2 its length in characters, ?3 limit, ?4 offset.
 * substr() compares characters, so "%" and "_" in a query are text (no
 * LIKE). */
#define PREFIX(col) "substr(" col ", 1, ?2) = ?1"
#define MATCH_SQL \
	" FROM gal_entries WHERE ?2 = 0 OR " \
	PREFIX ("email_fold") " OR " PREFIX ("display_fold") " OR " \
	PREFIX ("first_fold") " OR " PREFIX ("last_fold") " OR " PREFIX ("alias_fold")

static sqlite3_stmt *
prepare_match (AirdockdGal *gal, const char *sql, const char *folded, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2 (gal->db, sql, -1, &stmt, NULL);

	if (rc != SQLITE_OK) {
		gal_fail (gal->db, rc, "prepare", error);
		return NULL;
	}
	if (sqlite3_bind_text (stmt, 1, folded, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64 (stmt, 2, g_utf8_strlen (folded, -1)) != SQLITE_OK) {
		sqlite3_finalize (stmt);
		gal_fail (gal->db, SQLITE_ERROR, "bind", error);
		return NULL;
	}
	return stmt;
}

static GPtrArray *
search_rows (AirdockdGal *gal, const char *folded, guint offset, guint limit, GError **error)
{
	sqlite3_stmt *stmt = prepare_match (gal, "SELECT " COLUMNS MATCH_SQL
	                                    " ORDER BY display_fold, email_fold LIMIT ?3 OFFSET ?4",
	                                    folded, error);

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64 (stmt, 3, limit);
	sqlite3_bind_int64 (stmt, 4, offset);
	return collect_rows (gal, stmt, error);
}

GPtrArray *
airdockd_gal_search (AirdockdGal *gal, const char *prefix, guint limit, GError **error)
{
	g_autofree char *folded = NULL;

	g_return_val_if_fail (gal != NULL && prefix != NULL, NULL);
	folded = g_utf8_casefold (prefix, -1);
	if (limit == 0 || limit > AIRDOCKD_GAL_MAX_MATCHES)
		limit = AIRDOCKD_GAL_MAX_MATCHES;
	return search_rows (gal, folded, 0, limit, error);
}

GPtrArray *
airdockd_gal_search_page (AirdockdGal *gal, const char *prefix, guint offset, guint limit,
                          guint64 *out_total, GError **error)
{
	g_autofree char *folded = NULL;
	sqlite3_stmt *stmt = NULL;
	guint64 total;
	int rc;

	g_return_val_if_fail (gal != NULL && prefix != NULL, NULL);
	folded = g_utf8_casefold (prefix, -1);
	stmt = prepare_match (gal, "SELECT count(*)" MATCH_SQL, folded, error);
	if (stmt == NULL)
		return NULL;
	rc = sqlite3_step (stmt);
	total = rc == SQLITE_ROW ? (guint64) MAX (sqlite3_column_int64 (stmt, 0), 0) : 0;
	sqlite3_finalize (stmt);
	if (rc != SQLITE_ROW) {
		gal_fail (gal->db, rc, "count", error);
		return NULL;
	}
	if (out_total != NULL)
		*out_total = total;
	return search_rows (gal, folded, offset, MIN (limit, AIRDOCKD_GAL_MAX_MATCHES), error);
}

AirdockdGalEntry *
airdockd_gal_lookup (AirdockdGal *gal, const char *email, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	int rc;

	g_return_val_if_fail (gal != NULL && email != NULL, NULL);
	rc = sqlite3_prepare_v2 (gal->db, "SELECT " COLUMNS " FROM gal_entries WHERE email_fold = ?1",
	                         -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		gal_fail (gal->db, rc, "prepare", error);
		return NULL;
	}
	if (bind_opt_fold (stmt, 1, email) != SQLITE_OK) {
		sqlite3_finalize (stmt);
		gal_fail (gal->db, SQLITE_ERROR, "bind", error);
		return NULL;
	}
	rows = collect_rows (gal, stmt, error);
	if (rows == NULL || rows->len == 0)
		return NULL;
	return g_ptr_array_steal_index (rows, 0);
}

gboolean
airdockd_gal_clear (AirdockdGal *gal, guint *out_removed, GError **error)
{
	int rc;

	g_return_val_if_fail (gal != NULL, FALSE);
	rc = sqlite3_exec (gal->db, "DELETE FROM gal_entries", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return gal_fail (gal->db, rc, "clear", error);
	if (out_removed != NULL)
		*out_removed = (guint) sqlite3_changes (gal->db);
	return TRUE;
}
