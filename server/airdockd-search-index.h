/* airdockd-search-index.h — full-text search over a user's mail (SQLite
 * FTS5) for Search/Find Mailbox queries.
 *
 * The index lives in the store's own SQLite file (data_dir/airdock.sqlite)
 * as the FTS5 table mail_fts (columns subject, from_addr, to_addr, cc,
 * body, scope), one row per live email item, rowid = items.id.  SQL
 * triggers on items keep it current, so every delivery, change, move and
 * delete — from airdockd or airdockctl, through any connection — updates
 * it in the same transaction; nothing is scanned per query.
 *
 * scope holds the tokens "u<user row id>" and "f<folder row id>": the user
 * and folder filters are part of the FTS5 query, so a Total is counted on
 * the index's doclists alone, without visiting the matching items.
 *
 * Body text: the trigger indexes the store's 255-character preview and
 * queues the item (table mail_fts_pending).  The full plain text — decoded
 * from the message file, HTML tags dropped for HTML-only mail, at most
 * AIRDOCKD_SEARCH_MAX_BODY_BYTES — replaces it when the queue is drained:
 * right after the delivering commit when the store has an index attached
 * (airdockd_search_index_attach: airdockd does), and in any case before
 * each query of that user, so mail delivered by another process is found
 * too.
 *
 * The index opens its own connection to the file (WAL: readers never block
 * the store's writer).  Queries are scoped by user id and see live mail only.
 *
 * Error domain: AIRDOCKD_STORE_ERROR (FAILED, BUSY).
 */
#pragma once

#include <glib.h>

#include "server/airdockd-store.h"

G_BEGIN_DECLS

typedef struct _AirdockdSearchIndex AirdockdSearchIndex;

/* Body text indexed per message at most (why: the index keeps a copy of
 * what it indexes; a mail with megabytes of text is a log dump or an
 * attack, and its first MiB is what anyone would search for). */
#define AIRDOCKD_SEARCH_MAX_BODY_BYTES (1024u * 1024u)
/* Queued bodies indexed before a query at most (why: the first query after
 * an upgrade must not parse a whole mailbox; the rest follows with the next
 * queries and deliveries). */
#define AIRDOCKD_SEARCH_DRAIN_PER_QUERY 2000u
/* Folders one query may name, subfolders included (why: each becomes a term
 * of the FTS5 expression). */
#define AIRDOCKD_SEARCH_MAX_FOLDERS 1000u

/* Bytes of one client search string at most (as EAS_SEARCH_MAX_TEXT). */
#define AIRDOCKD_SEARCH_MAX_TEXT 256u

/* What to look for; NULL/0 fields do not filter. */
typedef struct {
	const char *fts_match;		/* FTS5 expression (airdockd_search_index_expression) over the text columns */
	const char *const *collection_ids;	/* NULL-terminated folder server ids; NULL = every folder */
	gboolean deep_traversal;	/* collection_ids include all their subfolders */
	gint64 received_after;		/* date_received > this (0 = none) */
	gint64 received_before;		/* date_received < this (0 = none) */
	GBytes *conversation_id;	/* 16-byte ConversationId (airdockd-email.c) */
} AirdockdSearchFilter;

/* One hit: the item's and its folder's server ids. */
typedef struct {
	char *server_id;
	char *collection_id;
} AirdockdSearchHit;

void airdockd_search_hit_free (AirdockdSearchHit *hit);

/* Opens the index in the store's data dir, creating it (and indexing the
 * existing mail) on first use. */
AirdockdSearchIndex *airdockd_search_index_open (AirdockdStore *store, GError **error);
/* Same, and indexes the full body of mail delivered through store right
 * after each commit (a store change hook, removed by _free).  The index
 * must be freed before the store. */
AirdockdSearchIndex *airdockd_search_index_attach (AirdockdStore *store, GError **error);
void airdockd_search_index_free (AirdockdSearchIndex *index);	/* NULL is fine */

/* The FTS5 expression for a client's free text: each whitespace-separated
 * term matches mail with all the words the index's tokenizer finds in it,
 * the last one as a prefix ("meet" finds "meeting", "corp.ex" finds
 * "corp.example"), in any text column; all terms ANDed.  Wildcards, quotes,
 * operators, column filters and SQL in text are split away like any
 * punctuation, never syntax.  Text without any word gives an expression
 * that matches nothing.  INVALID for text over AIRDOCKD_SEARCH_MAX_TEXT. */
char *airdockd_search_index_expression (AirdockdSearchIndex *index, const char *text, GError **error);

/* Indexes the full body of up to max queued messages of user_id (all
 * users when user_id is 0).  out_done (may be NULL): how many. */
gboolean airdockd_search_index_drain (AirdockdSearchIndex *index,
                                      gint64 user_id,
                                      guint max,
                                      guint *out_done,
                                      GError **error);

/* Mail of user_id matching filter, newest delivered first, hits
 * offset..offset+limit-1 (AirdockdSearchHit elements) and the exact number
 * of matches in *out_total (may be NULL).  Folder ids the user does not
 * have match nothing. */
GPtrArray *airdockd_search_index_query (AirdockdSearchIndex *index,
                                        gint64 user_id,
                                        const AirdockdSearchFilter *filter,
                                        guint offset,
                                        guint limit,
                                        guint64 *out_total,
                                        GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdSearchIndex, airdockd_search_index_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdSearchHit, airdockd_search_hit_free)

G_END_DECLS
