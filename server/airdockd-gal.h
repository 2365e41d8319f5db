/* airdockd-gal.h — the imported directory (`airdockctl gal import`): people
 * that GAL Search, Find and ResolveRecipients return beside the server's
 * accounts.
 *
 * Kept in the store's SQLite file (data_dir/airdock.sqlite), table
 * gal_entries, one row per address (case-insensitive): an import replaces
 * the entry with the same address.  Opens its own connection (as
 * airdockd-search-index.c); the first open creates the table.
 *
 * Error domain: AIRDOCKD_STORE_ERROR (FAILED, INVALID).
 */
#pragma once

#include <glib.h>

#include "eas/eas-search.h"
#include "server/airdockd-store.h"

G_BEGIN_DECLS

/* Prefix matches returned at most per query (why: a one-letter query on a
 * 100,000 entry directory must not build a response of all of them; EAS
 * clients page at most 100 GAL results). */
#define AIRDOCKD_GAL_MAX_MATCHES 1000
/* A stored certificate at most (why: an X.509 certificate with a long
 * chain of extensions is a few KB). */
#define AIRDOCKD_GAL_MAX_CERT_BYTES (16u * 1024)
/* A stored photo at most (why: [MS-ASCNTC] caps a contact Picture at 48 KB
 * of base64, i.e. 36 KB of image; a GAL photo is the same thumbnail). */
#define AIRDOCKD_GAL_MAX_PHOTO_BYTES (36u * 1024)

typedef struct _AirdockdGal AirdockdGal;

typedef struct {
	char *email;		/* required, the key */
	char *display_name;
	char *first_name;
	char *last_name;
	char *phone;
	char *office;
	char *title;
	char *company;
	char *alias;
	GBytes *certificate;	/* DER, or NULL */
	GBytes *photo;		/* JPEG/PNG bytes, or NULL */
} AirdockdGalEntry;

AirdockdGalEntry *airdockd_gal_entry_new (void);
void airdockd_gal_entry_free (AirdockdGalEntry *entry);	/* NULL is fine */

/* Points out's fields at entry's, the photo included (no copies: entry
 * must outlive out); out->picture_status is left alone. */
void airdockd_gal_entry_to_eas (const AirdockdGalEntry *entry, EasGalEntry *out);

AirdockdGal *airdockd_gal_open (AirdockdStore *store, GError **error);
void airdockd_gal_free (AirdockdGal *gal);	/* NULL is fine */

/* Stores entries (AirdockdGalEntry*) in one transaction, replacing those
 * with the same address.  out_replaced (may be NULL): how many existed. */
gboolean airdockd_gal_import (AirdockdGal *gal, GPtrArray *entries, guint *out_replaced, GError **error);

/* Entries whose display, first, last name, alias or address starts with
 * prefix (case-insensitive), by display name; at most
 * AIRDOCKD_GAL_MAX_MATCHES.  An empty prefix lists all (up to the cap
 * when limit is 0, else limit). */
GPtrArray *airdockd_gal_search (AirdockdGal *gal, const char *prefix, guint limit, GError **error);

/* One page of the same matches: offset..offset+limit-1 (limit at most
 * AIRDOCKD_GAL_MAX_MATCHES) and, in *out_total (may be NULL), the number
 * of all matches. */
GPtrArray *airdockd_gal_search_page (AirdockdGal *gal,
                                     const char *prefix,
                                     guint offset,
                                     guint limit,
                                     guint64 *out_total,
                                     GError **error);

/* The entry with this address, or NULL (without error when there is none). */
AirdockdGalEntry *airdockd_gal_lookup (AirdockdGal *gal, const char *email, GError **error);

/* Removes every entry; out_removed may be NULL. */
gboolean airdockd_gal_clear (AirdockdGal *gal, guint *out_removed, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdGal, airdockd_gal_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdGalEntry, airdockd_gal_entry_free)

G_END_DECLS
