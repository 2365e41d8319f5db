/* airdockd-search-index.h — full-text search over a user's mail (SQLite
 * FTS5) for Search/Find Mailbox queries.
 *
 * The index lives in the store's own SQLite file (data_dir/airdock.sqlite)
 * as an external-content FTS5 table over the store's items table (columns
 * subject, from_addr, to_addr, cc, preview).  SQL triggers on items keep it
 * current, so every delivery, change, move and delete — from airdockd or
 * airdockctl, through any connection — updates it in the same transaction;
 * nothing is scanned per query.  The first open creates the table and
 * triggers and indexes what the store already holds.
 *
 * Body text: the store keeps the first 255 characters of the plain text
 * (preview); that is what is indexed of the body.
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

/* Matches counted at most (the Total a client sees; why: counting every
 * match of a common word in a large mailbox costs far more than the page
 * of results — bench/search).  Results beyond it are not reachable. */
#define AIRDOCKD_SEARCH_MAX_TOTAL 1000

/* What to look for; NULL/0 fields do not filter. */
typedef struct {
	const char *fts_match;		/* FTS5 expression (eas_search_fts_expression) */
	const char *collection_id;	/* folder server id */
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
void airdockd_search_index_free (AirdockdSearchIndex *index);	/* NULL is fine */

/* Mail of user_id matching filter, newest delivered first, hits
 * offset..offset+limit-1 (AirdockdSearchHit elements) and the number of
 * matches, at most AIRDOCKD_SEARCH_MAX_TOTAL. */
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
