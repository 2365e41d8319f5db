/* airdockd-search-index.c — the FTS5 index over the store's items table. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "server/airdockd-search-index.h"

#define BUSY_TIMEOUT_MS 10000	/* as the store: a delivery holds the lock for one fsync */

struct _AirdockdSearchIndex {
	sqlite3 *db;
};

/* External content over items: the index stores only tokens; the triggers
 * hand it each row's old and new values ([SQLite FTS5] 4.4.3). */
static const char schema_sql[] =
	"CREATE VIRTUAL TABLE search_fts USING fts5("
	" subject, from_addr, to_addr, cc, preview,"
	" content='items', content_rowid='id',"
	" tokenize='unicode61 remove_diacritics 2');"
	"CREATE TRIGGER search_fts_ai AFTER INSERT ON items BEGIN"
	" INSERT INTO search_fts (rowid, subject, from_addr, to_addr, cc, preview)"
	" VALUES (new.id, new.subject, new.from_addr, new.to_addr, new.cc, new.preview);"
	" END;"
	"CREATE TRIGGER search_fts_ad AFTER DELETE ON items BEGIN"
	" INSERT INTO search_fts (search_fts, rowid, subject, from_addr, to_addr, cc, preview)"
	" VALUES ('delete', old.id, old.subject, old.from_addr, old.to_addr, old.cc, old.preview);"
	" END;"
	"CREATE TRIGGER search_fts_au AFTER UPDATE OF subject, from_addr, to_addr, cc, preview ON items BEGIN"
	" INSERT INTO search_fts (search_fts, rowid, subject, from_addr, to_addr, cc, preview)"
	" VALUES ('delete', old.id, old.subject, old.from_addr, old.to_addr, old.cc, old.preview);"
	" INSERT INTO search_fts (rowid, subject, from_addr, to_addr, cc, preview)"
	" VALUES (new.id, new.subject, new.from_addr, new.to_addr, new.cc, new.preview);"
	" END;"
	"INSERT INTO search_fts (search_fts) VALUES ('rebuild');";

static gboolean
index_fail (sqlite3 *db, int rc, const char *what, GError **error)
{
	int primary = rc & 0xff;

	g_set_error (error, AIRDOCKD_STORE_ERROR,
		     primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? AIRDOCKD_STORE_ERROR_BUSY
									  : AIRDOCKD_STORE_ERROR_FAILED,
		     "search index: %s: %s", what, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
	return FALSE;
}

void
airdockd_search_hit_free (AirdockdSearchHit *hit)
{
	if (hit == NULL)
		return;
	g_free (hit->server_id);
	g_free (hit->collection_id);
	g_free (hit);
}

void
airdockd_search_index_free (AirdockdSearchIndex *index)
{
	if (index == NULL)
		return;
	sqlite3_close_v2 (index->db);
	g_free (index);
}

/* The ConversationId airdockd-email.c sends: MD5 of the thread key (the
 * item's server id when it has none). */
static void
sql_conversation_id (sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *key = sqlite3_value_text (argv[0]);
	g_autoptr (GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
	guint8 digest[16];
	gsize len = sizeof digest;

	if (key == NULL && argc > 1)
		key = sqlite3_value_text (argv[1]);
	if (key == NULL) {
		sqlite3_result_null (ctx);
		return;
	}
	g_checksum_update (md5, key, (gssize) strlen ((const char *) key));
	g_checksum_get_digest (md5, digest, &len);
	sqlite3_result_blob (ctx, digest, (int) len, SQLITE_TRANSIENT);
}

static gboolean
ensure_schema (sqlite3 *db, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	gboolean exists;
	int rc;

	rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return index_fail (db, rc, "begin", error);
	rc = sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE name = 'search_fts'", -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
		return index_fail (db, rc, "schema lookup", error);
	}
	exists = sqlite3_step (stmt) == SQLITE_ROW;
	sqlite3_finalize (stmt);
	if (!exists) {
		rc = sqlite3_exec (db, schema_sql, NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			index_fail (db, rc, "create", error);
			sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
			return FALSE;
		}
	}
	rc = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		index_fail (db, rc, "commit", error);
		sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
		return FALSE;
	}
	return TRUE;
}

AirdockdSearchIndex *
airdockd_search_index_open (AirdockdStore *store, GError **error)
{
	g_autoptr (AirdockdSearchIndex) index = g_new0 (AirdockdSearchIndex, 1);
	g_autofree char *path = NULL;
	int rc;

	g_return_val_if_fail (store != NULL, NULL);
	path = g_build_filename (airdockd_store_get_data_dir (store), "airdock.sqlite", NULL);
	rc = sqlite3_open_v2 (path, &index->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		index_fail (index->db, rc, "open", error);
		return NULL;
	}
	sqlite3_busy_timeout (index->db, BUSY_TIMEOUT_MS);
	rc = sqlite3_create_function (index->db, "airdock_conversation_id", 2,
				      SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				      sql_conversation_id, NULL, NULL);
	if (rc != SQLITE_OK) {
		index_fail (index->db, rc, "function", error);
		return NULL;
	}
	if (!ensure_schema (index->db, error))
		return NULL;
	return g_steal_pointer (&index);
}

/* Parameters: ?1 user, ?2 match, ?3 folder, ?4 after, ?5 before,
 * ?6 conversation id, ?7 limit, ?8 offset.  With a match the FTS table
 * drives the join (CROSS JOIN fixes the order). */
#define WHERE_SQL \
	" WHERE i.user_id = ?1 AND i.deleted = 0 AND i.class = 1" \
	" AND (?3 IS NULL OR f.server_id = ?3)" \
	" AND (?4 = 0 OR i.date_received > ?4) AND (?5 = 0 OR i.date_received < ?5)" \
	" AND (?6 IS NULL OR airdock_conversation_id (i.thread_id, i.server_id) = ?6)"
#define FROM_FTS_SQL \
	" FROM search_fts CROSS JOIN items i ON i.id = search_fts.rowid" \
	" JOIN folders f ON f.id = i.folder_id"
#define FROM_ITEMS_SQL " FROM items i JOIN folders f ON f.id = i.folder_id"
/* Newest first by store id (delivery order): FTS5 hands rowids out in
 * descending order itself, so a page stops after LIMIT rows instead of
 * sorting every match by date. */
#define ORDER_FTS_SQL " ORDER BY search_fts.rowid DESC LIMIT ?7 OFFSET ?8"
#define ORDER_ITEMS_SQL " ORDER BY i.id DESC LIMIT ?7 OFFSET ?8"

static const char *const sql_page[2] = {
	"SELECT i.server_id, f.server_id" FROM_ITEMS_SQL WHERE_SQL ORDER_ITEMS_SQL,
	"SELECT i.server_id, f.server_id" FROM_FTS_SQL WHERE_SQL " AND search_fts MATCH ?2" ORDER_FTS_SQL,
};
/* Counting stops at AIRDOCKD_SEARCH_MAX_TOTAL (?7): walking every match of
 * a word that is in most of a 100,000-message mailbox costs far more
 * than the page itself. */
static const char *const sql_count[2] = {
	"SELECT count(*) FROM (SELECT 1" FROM_ITEMS_SQL WHERE_SQL " LIMIT ?7)",
	"SELECT count(*) FROM (SELECT 1" FROM_FTS_SQL WHERE_SQL " AND search_fts MATCH ?2"
	" ORDER BY search_fts.rowid DESC LIMIT ?7)",
};

static gboolean
bind_filter (sqlite3_stmt *stmt, gint64 user_id, const AirdockdSearchFilter *filter)
{
	int rc = SQLITE_OK;

	rc |= sqlite3_bind_int64 (stmt, 1, user_id);
	if (filter->fts_match != NULL)
		rc |= sqlite3_bind_text (stmt, 2, filter->fts_match, -1, SQLITE_STATIC);
	if (filter->collection_id != NULL)
		rc |= sqlite3_bind_text (stmt, 3, filter->collection_id, -1, SQLITE_STATIC);
	rc |= sqlite3_bind_int64 (stmt, 4, filter->received_after);
	rc |= sqlite3_bind_int64 (stmt, 5, filter->received_before);
	if (filter->conversation_id != NULL) {
		gsize len;
		const void *data = g_bytes_get_data (filter->conversation_id, &len);
		rc |= sqlite3_bind_blob (stmt, 6, data, (int) MIN (len, 64), SQLITE_STATIC);
	}
	return rc == SQLITE_OK;
}

static gboolean
run_count (AirdockdSearchIndex *index, gint64 user_id, const AirdockdSearchFilter *filter,
	   guint64 *out_total, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2 (index->db, sql_count[filter->fts_match != NULL], -1, &stmt, NULL);

	if (rc != SQLITE_OK)
		return index_fail (index->db, rc, "prepare count", error);
	if (!bind_filter (stmt, user_id, filter) ||
	    sqlite3_bind_int64 (stmt, 7, AIRDOCKD_SEARCH_MAX_TOTAL) != SQLITE_OK) {
		sqlite3_finalize (stmt);
		return index_fail (index->db, SQLITE_ERROR, "bind", error);
	}
	rc = sqlite3_step (stmt);
	if (rc != SQLITE_ROW) {
		index_fail (index->db, rc, "count", error);
		sqlite3_finalize (stmt);
		return FALSE;
	}
	*out_total = (guint64) MAX (sqlite3_column_int64 (stmt, 0), 0);
	sqlite3_finalize (stmt);
	return TRUE;
}

GPtrArray *
airdockd_search_index_query (AirdockdSearchIndex *index,
                             gint64 user_id,
                             const AirdockdSearchFilter *filter,
                             guint offset,
                             guint limit,
                             guint64 *out_total,
                             GError **error)
{
	g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_search_hit_free);
	sqlite3_stmt *stmt = NULL;
	guint64 total = 0;
	int rc;

	g_return_val_if_fail (index != NULL && filter != NULL, NULL);
	if (!run_count (index, user_id, filter, &total, error))
		return NULL;
	rc = sqlite3_prepare_v2 (index->db, sql_page[filter->fts_match != NULL], -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		index_fail (index->db, rc, "prepare", error);
		return NULL;
	}
	if (!bind_filter (stmt, user_id, filter) ||
	    sqlite3_bind_int64 (stmt, 7, limit) != SQLITE_OK ||
	    sqlite3_bind_int64 (stmt, 8, offset) != SQLITE_OK) {
		sqlite3_finalize (stmt);
		index_fail (index->db, SQLITE_ERROR, "bind", error);
		return NULL;
	}
	while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
		AirdockdSearchHit *hit = g_new0 (AirdockdSearchHit, 1);
		hit->server_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
		hit->collection_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
		g_ptr_array_add (hits, hit);
	}
	sqlite3_finalize (stmt);
	if (rc != SQLITE_DONE) {
		index_fail (index->db, rc, "query", error);
		return NULL;
	}
	if (out_total != NULL)
		*out_total = total;
	return g_steal_pointer (&hits);
}
