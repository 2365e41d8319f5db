/* airdockd-search-index.c — the FTS5 index over the store's items table. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "server/airdockd-mime.h"
#include "server/airdockd-search-index.h"

#define BUSY_TIMEOUT_MS 10000	/* as the store: a delivery holds the lock for one fsync */
#define DRAIN_PER_COMMIT 256u	/* bodies indexed by the change hook per commit at most */

struct _AirdockdSearchIndex {
	sqlite3 *db;
	char *data_dir;
	GMutex lock;		/* the connection is used from the hook and the caller */
	AirdockdStore *store;	/* attached: holds a ref, hook_id != 0 */
	guint hook_id;
};

#define TOKENIZER "unicode61 remove_diacritics 2"
/* Mapped reads: the index opens a connection per request, whose own page
 * cache starts empty; the OS page cache is shared. */
#define MMAP_BYTES "268435456"

/* A regular FTS5 table (it keeps a copy of what it indexes, so rows can
 * be deleted by rowid alone; SQLite 3.40 has no contentless delete).  The
 * triggers index live email items only; a soft delete removes the row.
 * The prefix indexes make a 2- or 3-character prefix query one doclist
 * read instead of a merge of every word with that prefix; detail=column
 * (no word positions) halves the cost of counting a common word's matches
 * and shrinks the index by a third (bench/search), at the price of phrase
 * queries: a client's term of several words becomes those words ANDed
 * (airdockd_search_index_expression).
 * The first statements drop the index of earlier versions (search_fts:
 * headers and preview only). */
static const char schema_sql[] =
	"DROP TRIGGER IF EXISTS search_fts_ai; DROP TRIGGER IF EXISTS search_fts_ad;"
	"DROP TRIGGER IF EXISTS search_fts_au; DROP TABLE IF EXISTS search_fts;"
	"CREATE VIRTUAL TABLE mail_fts USING fts5("
	" subject, from_addr, to_addr, cc, body, scope,"
	" tokenize='" TOKENIZER "', prefix='2 3', detail=column);"
	"CREATE TABLE mail_fts_pending (id INTEGER PRIMARY KEY);"
	"CREATE TRIGGER mail_fts_ai AFTER INSERT ON items WHEN new.class = 1 AND new.deleted = 0 BEGIN"
	" INSERT INTO mail_fts (rowid, subject, from_addr, to_addr, cc, body, scope)"
	" VALUES (new.id, new.subject, new.from_addr, new.to_addr, new.cc, new.preview,"
	" 'u' || new.user_id || ' f' || new.folder_id);"
	" INSERT OR IGNORE INTO mail_fts_pending (id) VALUES (new.id);"
	" END;"
	"CREATE TRIGGER mail_fts_ad AFTER DELETE ON items BEGIN"
	" DELETE FROM mail_fts WHERE rowid = old.id;"
	" DELETE FROM mail_fts_pending WHERE id = old.id;"
	" END;"
	"CREATE TRIGGER mail_fts_gone AFTER UPDATE OF deleted, class ON items"
	" WHEN new.deleted != 0 OR new.class != 1 BEGIN"
	" DELETE FROM mail_fts WHERE rowid = old.id;"
	" DELETE FROM mail_fts_pending WHERE id = old.id;"
	" END;"
	"CREATE TRIGGER mail_fts_au AFTER UPDATE OF subject, from_addr, to_addr, cc, user_id, folder_id ON items"
	" WHEN new.deleted = 0 AND new.class = 1 BEGIN"
	" UPDATE mail_fts SET subject = new.subject, from_addr = new.from_addr, to_addr = new.to_addr,"
	" cc = new.cc, scope = 'u' || new.user_id || ' f' || new.folder_id WHERE rowid = new.id;"
	" END;"
	"INSERT INTO mail_fts (rowid, subject, from_addr, to_addr, cc, body, scope)"
	" SELECT id, subject, from_addr, to_addr, cc, preview, 'u' || user_id || ' f' || folder_id"
	" FROM items WHERE class = 1 AND deleted = 0;"
	"INSERT INTO mail_fts_pending (id) SELECT id FROM items WHERE class = 1 AND deleted = 0;";

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
	if (index->hook_id != 0)
		airdockd_store_remove_change_hook (index->store, index->hook_id);
	g_clear_pointer (&index->store, airdockd_store_unref);
	sqlite3_close_v2 (index->db);
	g_free (index->data_dir);
	g_mutex_clear (&index->lock);
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
schema_exists (sqlite3 *db, gboolean *out_exists, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE name = 'mail_fts_pending'", -1, &stmt, NULL);

	if (rc != SQLITE_OK)
		return index_fail (db, rc, "schema lookup", error);
	rc = sqlite3_step (stmt);
	sqlite3_finalize (stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return index_fail (db, rc, "schema lookup", error);
	*out_exists = rc == SQLITE_ROW;
	return TRUE;
}

/* Creates the table and triggers once; a plain lookup otherwise (no write
 * lock taken per query). */
static gboolean
ensure_schema (sqlite3 *db, GError **error)
{
	gboolean exists = FALSE;
	int rc;

	if (!schema_exists (db, &exists, error))
		return FALSE;
	if (exists)
		return TRUE;
	rc = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return index_fail (db, rc, "begin", error);
	if (!schema_exists (db, &exists, error)) {
		sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
		return FALSE;
	}
	if (!exists && (rc = sqlite3_exec (db, schema_sql, NULL, NULL, NULL)) != SQLITE_OK) {
		index_fail (db, rc, "create", error);
		sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
		return FALSE;
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
	g_mutex_init (&index->lock);
	index->data_dir = g_strdup (airdockd_store_get_data_dir (store));
	path = g_build_filename (index->data_dir, "airdock.sqlite", NULL);
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
	sqlite3_exec (index->db, "PRAGMA mmap_size = " MMAP_BYTES, NULL, NULL, NULL);
	/* WAL without a sync per commit: a body lost in a crash is lost with
	 * its mail_fts_pending delete, so it is indexed again. */
	sqlite3_exec (index->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	if (!ensure_schema (index->db, error))
		return NULL;
	return g_steal_pointer (&index);
}

/* ------------------------------------------------------------ expressions */

static fts5_api *
fts5_api_of (sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2 (db, "SELECT fts5(?1)", -1, &stmt, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer (stmt, 1, (void *) &api, "fts5_api_ptr", NULL);
	sqlite3_step (stmt);
	sqlite3_finalize (stmt);
	return api;
}

static int
collect_token (void *ctx, int flags, const char *token, int len, int start, int end)
{
	GPtrArray *tokens = ctx;

	if ((flags & FTS5_TOKEN_COLOCATED) == 0 && len > 0)
		g_ptr_array_add (tokens, g_strndup (token, (gsize) len));
	return SQLITE_OK;
}

typedef struct {
	fts5_tokenizer api;
	Fts5Tokenizer *t;
} Tokenizer;

/* The index's own tokenizer, as the table was created with. */
static gboolean
tokenizer_open (sqlite3 *db, Tokenizer *out, GError **error)
{
	fts5_api *api = fts5_api_of (db);
	const char *args[] = { "remove_diacritics", "2" };
	void *user_data = NULL;
	int rc;

	if (api == NULL)
		return index_fail (db, SQLITE_ERROR, "no FTS5", error);
	rc = api->xFindTokenizer (api, "unicode61", &user_data, &out->api);
	if (rc == SQLITE_OK)
		rc = out->api.xCreate (user_data, args, (int) G_N_ELEMENTS (args), &out->t);
	if (rc != SQLITE_OK)
		return index_fail (db, rc, "tokenizer", error);
	return TRUE;
}

/* Appends term's words, split exactly as the mail was, each quoted (so
 * each is one token), the last as a prefix ([FTS5] 3.4). */
static gboolean
append_term (sqlite3 *db, Tokenizer *tok, const char *term, GString *s, GError **error)
{
	g_autoptr (GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
	int rc = tok->api.xTokenize (tok->t, tokens, FTS5_TOKENIZE_QUERY, term, (int) strlen (term),
	                             collect_token);

	if (rc != SQLITE_OK)
		return index_fail (db, rc, "tokenize", error);
	for (guint k = 0; k < tokens->len; k++) {
		const char *tk = g_ptr_array_index (tokens, k);

		if (s->len > 0)
			g_string_append (s, " AND ");
		g_string_append_c (s, '"');
		for (const char *p = tk; *p != '\0'; p++) {
			if (*p == '"')
				g_string_append_c (s, '"');
			g_string_append_c (s, *p);
		}
		g_string_append (s, k + 1 == tokens->len ? "\"*" : "\"");
	}
	return TRUE;
}

char *
airdockd_search_index_expression (AirdockdSearchIndex *index, const char *text, GError **error)
{
	g_autoptr (GString) s = g_string_new (NULL);
	g_auto (GStrv) terms = NULL;
	Tokenizer tok = { 0 };
	gboolean ok = TRUE;

	g_return_val_if_fail (index != NULL && text != NULL, NULL);
	if (strlen (text) > AIRDOCKD_SEARCH_MAX_TEXT) {
		g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID,
		             "search text longer than %u bytes", AIRDOCKD_SEARCH_MAX_TEXT);
		return NULL;
	}
	terms = g_strsplit_set (text, " \t\r\n", -1);
	g_mutex_lock (&index->lock);
	ok = tokenizer_open (index->db, &tok, error);
	for (guint i = 0; ok && terms[i] != NULL; i++)
		ok = append_term (index->db, &tok, terms[i], s, error);
	if (tok.t != NULL)
		tok.api.xDelete (tok.t);
	g_mutex_unlock (&index->lock);
	if (!ok)
		return NULL;
	if (s->len == 0)
		return g_strdup ("\"\"");	/* no word at all: matches nothing */
	return g_string_free (g_steal_pointer (&s), FALSE);
}

/* ------------------------------------------------------------ bodies */

/* The text of an HTML body: tags dropped (entities stay; they are not
 * words anyone searches for). */
static char *
html_text (const char *html)
{
	GString *out = g_string_sized_new (strlen (html) / 2);
	gboolean in_tag = FALSE;

	for (const char *p = html; *p != '\0'; p++) {
		if (*p == '<')
			in_tag = TRUE;
		else if (*p == '>' && in_tag) {
			in_tag = FALSE;
			g_string_append_c (out, ' ');
		} else if (!in_tag)
			g_string_append_c (out, *p);
	}
	return g_string_free (out, FALSE);
}

/* The plain text of the message file at path (relative to the data dir),
 * at most AIRDOCKD_SEARCH_MAX_BODY_BYTES; NULL when it has none. */
static char *
body_text (AirdockdSearchIndex *index, const char *rel)
{
	g_autofree char *path = g_build_filename (index->data_dir, rel, NULL);
	g_autofree char *html = NULL;
	char *text;

	text = airdockd_mime_get_text (path, AIRDOCKD_SEARCH_MAX_BODY_BYTES, NULL, NULL, NULL);
	if (text != NULL)
		return text;
	html = airdockd_mime_get_html (path, AIRDOCKD_SEARCH_MAX_BODY_BYTES, NULL, NULL, NULL);
	return html != NULL ? html_text (html) : NULL;
}

typedef struct {
	gint64 id;
	char *file;	/* relative to the data dir, or NULL */
	char *text;	/* extracted body, or NULL: keep the preview */
} Pending;

static void
pending_clear (gpointer p)
{
	Pending *pd = p;

	g_free (pd->file);
	g_free (pd->text);
}

static gboolean
pending_list (AirdockdSearchIndex *index, gint64 user_id, guint max, GArray *out, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2 (index->db,
	                             "SELECT p.id, i.message_file FROM mail_fts_pending p"
	                             " JOIN items i ON i.id = p.id WHERE ?1 = 0 OR i.user_id = ?1"
	                             " ORDER BY p.id LIMIT ?2", -1, &stmt, NULL);

	if (rc != SQLITE_OK)
		return index_fail (index->db, rc, "prepare pending", error);
	sqlite3_bind_int64 (stmt, 1, user_id);
	sqlite3_bind_int64 (stmt, 2, max);
	while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
		Pending pd = { sqlite3_column_int64 (stmt, 0),
		               g_strdup ((const char *) sqlite3_column_text (stmt, 1)), NULL };
		g_array_append_val (out, pd);
	}
	sqlite3_finalize (stmt);
	if (rc != SQLITE_DONE)
		return index_fail (index->db, rc, "pending", error);
	return TRUE;
}

/* One transaction for the batch: the body replaces the preview, the item
 * leaves the queue.  An item deleted meanwhile has no row to update. */
static gboolean
pending_store (AirdockdSearchIndex *index, GArray *batch, GError **error)
{
	sqlite3_stmt *upd = NULL, *del = NULL;
	int rc = sqlite3_exec (index->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return index_fail (index->db, rc, "begin", error);
	if ((rc = sqlite3_prepare_v2 (index->db, "UPDATE mail_fts SET body = ?2 WHERE rowid = ?1", -1, &upd, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2 (index->db, "DELETE FROM mail_fts_pending WHERE id = ?1", -1, &del, NULL)) != SQLITE_OK)
		goto fail;
	for (guint i = 0; i < batch->len; i++) {
		const Pending *pd = &g_array_index (batch, Pending, i);

		if (pd->text != NULL) {
			sqlite3_bind_int64 (upd, 1, pd->id);
			sqlite3_bind_text (upd, 2, pd->text, -1, SQLITE_STATIC);
			if ((rc = sqlite3_step (upd)) != SQLITE_DONE)
				goto fail;
			sqlite3_reset (upd);
		}
		sqlite3_bind_int64 (del, 1, pd->id);
		if ((rc = sqlite3_step (del)) != SQLITE_DONE)
			goto fail;
		sqlite3_reset (del);
	}
	sqlite3_finalize (upd);
	sqlite3_finalize (del);
	rc = sqlite3_exec (index->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return TRUE;
	upd = del = NULL;
fail:
	index_fail (index->db, rc, "index body", error);
	sqlite3_finalize (upd);
	sqlite3_finalize (del);
	sqlite3_exec (index->db, "ROLLBACK", NULL, NULL, NULL);
	return FALSE;
}

static gboolean
drain_locked (AirdockdSearchIndex *index, gint64 user_id, guint max, guint *out_done, GError **error)
{
	g_autoptr (GArray) batch = g_array_new (FALSE, TRUE, sizeof (Pending));

	g_array_set_clear_func (batch, pending_clear);
	if (!pending_list (index, user_id, max, batch, error))
		return FALSE;
	/* Parsing happens outside the write transaction. */
	for (guint i = 0; i < batch->len; i++) {
		Pending *pd = &g_array_index (batch, Pending, i);
		if (pd->file != NULL)
			pd->text = body_text (index, pd->file);
	}
	if (batch->len > 0 && !pending_store (index, batch, error))
		return FALSE;
	if (out_done != NULL)
		*out_done = batch->len;
	return TRUE;
}

gboolean
airdockd_search_index_drain (AirdockdSearchIndex *index, gint64 user_id, guint max,
                             guint *out_done, GError **error)
{
	gboolean ok;

	g_return_val_if_fail (index != NULL, FALSE);
	g_mutex_lock (&index->lock);
	ok = drain_locked (index, user_id, max, out_done, error);
	g_mutex_unlock (&index->lock);
	return ok;
}

/* After a commit that changed a folder of user_id: index what it queued.
 * A failure only delays the body until the next drain. */
static void
store_changed (AirdockdStore *store, gint64 user_id, const char *folder_server_id, gpointer user_data)
{
	AirdockdSearchIndex *index = user_data;
	g_autoptr (GError) error = NULL;

	if (folder_server_id == NULL)
		return;
	if (!airdockd_search_index_drain (index, user_id, DRAIN_PER_COMMIT, NULL, &error))
		g_warning ("search index: %s", error->message);
}

AirdockdSearchIndex *
airdockd_search_index_attach (AirdockdStore *store, GError **error)
{
	g_autoptr (AirdockdSearchIndex) index = airdockd_search_index_open (store, error);

	if (index == NULL)
		return NULL;
	index->store = airdockd_store_ref (store);
	index->hook_id = airdockd_store_add_change_hook (store, store_changed, index, NULL);
	return g_steal_pointer (&index);
}

/* ------------------------------------------------------------ queries */

/* "scope : (u1 AND (f2 OR f3))": the user's mail in the folders named
 * (and below them with deep), NULL when none of them is the user's. */
static gboolean
folder_rows (AirdockdSearchIndex *index, gint64 user_id, const AirdockdSearchFilter *filter,
             GString *out, gboolean *out_none, GError **error)
{
	g_autoptr (GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr (GHashTable) children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
	                                                         (GDestroyNotify) g_ptr_array_unref);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
	g_autoptr (GPtrArray) todo = g_ptr_array_new ();
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2 (index->db, "SELECT id, server_id, parent_id FROM folders"
	                             " WHERE user_id = ?1 AND deleted = 0", -1, &stmt, NULL);

	if (rc != SQLITE_OK)
		return index_fail (index->db, rc, "prepare folders", error);
	sqlite3_bind_int64 (stmt, 1, user_id);
	while ((rc = sqlite3_step (stmt)) == SQLITE_ROW) {
		const char *sid = (const char *) sqlite3_column_text (stmt, 1);
		const char *parent = (const char *) sqlite3_column_text (stmt, 2);
		GPtrArray *list;

		if (sid == NULL || parent == NULL)
			continue;
		g_hash_table_insert (rows, g_strdup (sid), GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 0)));
		list = g_hash_table_lookup (children, parent);
		if (list == NULL) {
			list = g_ptr_array_new_with_free_func (g_free);
			g_hash_table_insert (children, g_strdup (parent), list);
		}
		g_ptr_array_add (list, g_strdup (sid));
	}
	sqlite3_finalize (stmt);
	if (rc != SQLITE_DONE)
		return index_fail (index->db, rc, "folders", error);

	for (guint i = 0; filter->collection_ids[i] != NULL; i++)
		g_ptr_array_add (todo, (gpointer) filter->collection_ids[i]);
	/* Breadth first; seen guards against a parent cycle. */
	for (guint i = 0; i < todo->len && g_hash_table_size (seen) < AIRDOCKD_SEARCH_MAX_FOLDERS; i++) {
		const char *sid = g_ptr_array_index (todo, i);
		gpointer row = g_hash_table_lookup (rows, sid);
		GPtrArray *kids;

		if (row == NULL || !g_hash_table_add (seen, row))
			continue;
		g_string_append_printf (out, "%sf%" G_GSIZE_FORMAT, g_hash_table_size (seen) > 1 ? " OR " : "",
		                        GPOINTER_TO_SIZE (row));
		kids = filter->deep_traversal ? g_hash_table_lookup (children, sid) : NULL;
		for (guint k = 0; kids != NULL && k < kids->len; k++)
			g_ptr_array_add (todo, g_ptr_array_index (kids, k));
	}
	*out_none = g_hash_table_size (seen) == 0;
	return TRUE;
}

/* The whole FTS5 expression: scope tokens, then the client's text limited
 * to the text columns (so it never matches a scope token). */
static char *
match_expression (AirdockdSearchIndex *index, gint64 user_id, const AirdockdSearchFilter *filter,
                  gboolean *out_none, GError **error)
{
	g_autoptr (GString) m = g_string_new (NULL);

	*out_none = FALSE;
	g_string_append_printf (m, "scope : (u%" G_GINT64_FORMAT, user_id);
	if (filter->collection_ids != NULL) {
		g_string_append (m, " AND (");
		if (!folder_rows (index, user_id, filter, m, out_none, error))
			return NULL;
		g_string_append_c (m, ')');
	}
	g_string_append_c (m, ')');
	if (filter->fts_match != NULL)
		g_string_append_printf (m, " AND {subject from_addr to_addr cc body} : (%s)", filter->fts_match);
	return g_string_free (g_steal_pointer (&m), FALSE);
}

/* Parameters: ?1 match, ?2 user, ?4 after, ?5 before, ?6 conversation id,
 * ?7 limit, ?8 offset.  The FTS table drives the join (CROSS JOIN fixes
 * the order). */
#define WHERE_SQL \
	" WHERE mail_fts MATCH ?1 AND i.user_id = ?2 AND i.deleted = 0" \
	" AND (?4 = 0 OR i.date_received > ?4) AND (?5 = 0 OR i.date_received < ?5)" \
	" AND (?6 IS NULL OR airdock_conversation_id (i.thread_id, i.server_id) = ?6)"
#define FROM_SQL " FROM mail_fts CROSS JOIN items i ON i.id = mail_fts.rowid"
/* Newest first by store id (delivery order): FTS5 hands rowids out in
 * descending order itself, so a page stops after LIMIT rows instead of
 * sorting every match. */
static const char sql_page[] =
	"SELECT i.server_id, f.server_id" FROM_SQL " JOIN folders f ON f.id = i.folder_id" WHERE_SQL
	" ORDER BY mail_fts.rowid DESC LIMIT ?7 OFFSET ?8";
/* The Total: on the doclists alone when only the index filters (it holds
 * live email of the user's folders only); through the items otherwise. */
static const char *const sql_count[2] = {
	"SELECT count(*) FROM mail_fts WHERE mail_fts MATCH ?1",
	"SELECT count(*)" FROM_SQL WHERE_SQL,
};

static gboolean
bind_filter (sqlite3_stmt *stmt, const char *match, gint64 user_id, const AirdockdSearchFilter *filter)
{
	int rc = SQLITE_OK;

	rc |= sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count (stmt) == 1)
		return rc == SQLITE_OK;
	rc |= sqlite3_bind_int64 (stmt, 2, user_id);
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
run_count (AirdockdSearchIndex *index, const char *match, gint64 user_id,
           const AirdockdSearchFilter *filter, guint64 *out_total, GError **error)
{
	gboolean items = filter->received_after != 0 || filter->received_before != 0 ||
	                 filter->conversation_id != NULL;
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2 (index->db, sql_count[items], -1, &stmt, NULL);

	if (rc != SQLITE_OK)
		return index_fail (index->db, rc, "prepare count", error);
	if (!bind_filter (stmt, match, user_id, filter)) {
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

static GPtrArray *
run_page (AirdockdSearchIndex *index, const char *match, gint64 user_id,
          const AirdockdSearchFilter *filter, guint offset, guint limit, GError **error)
{
	g_autoptr (GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_search_hit_free);
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2 (index->db, sql_page, -1, &stmt, NULL);

	if (rc != SQLITE_OK) {
		index_fail (index->db, rc, "prepare", error);
		return NULL;
	}
	if (!bind_filter (stmt, match, user_id, filter) ||
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
	return g_steal_pointer (&hits);
}

static GPtrArray *
query_locked (AirdockdSearchIndex *index, gint64 user_id, const AirdockdSearchFilter *filter,
              guint offset, guint limit, guint64 *out_total, GError **error)
{
	g_autofree char *match = NULL;
	g_autoptr (GPtrArray) hits = NULL;
	gboolean none = FALSE;
	guint64 total = 0;

	if (!drain_locked (index, user_id, AIRDOCKD_SEARCH_DRAIN_PER_QUERY, NULL, error))
		return NULL;
	match = match_expression (index, user_id, filter, &none, error);
	if (match == NULL)
		return NULL;
	if (none) {
		hits = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_search_hit_free);
	} else {
		if (!run_count (index, match, user_id, filter, &total, error))
			return NULL;
		hits = run_page (index, match, user_id, filter, offset, limit, error);
		if (hits == NULL)
			return NULL;
	}
	if (out_total != NULL)
		*out_total = total;
	return g_steal_pointer (&hits);
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
	GPtrArray *hits;

	g_return_val_if_fail (index != NULL && filter != NULL, NULL);
	g_mutex_lock (&index->lock);
	hits = query_locked (index, user_id, filter, offset, limit, out_total, error);
	g_mutex_unlock (&index->lock);
	return hits;
}
