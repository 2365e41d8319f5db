/* eas-synckey.h — sync-key math ([MS-ASCMD] 2.2.3.181.4 SyncKey (Sync),
 * 2.2.3.181.2 SyncKey (FolderSync)).
 *
 * Keys we hand out have the form "{uuid}N": a random UUID chosen when a
 * state starts at key 0 and a counter N >= 1 that grows by one per response.
 * Plain decimal counters ("5") from older states are accepted too.  "0" is
 * the initial key.  A client may repeat the previous key when it lost our
 * last response: the server then answers the stored previous response again.
 *
 * Pure: no I/O (the UUID comes from GLib's random source).
 * Errors: EAS_SYNC_KEY_ERROR; messages never echo the key.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* [MS-ASCMD] 2.2.3.181.4: a SyncKey is at most 64 characters. */
#define EAS_SYNC_KEY_MAX_BYTES 64

#define EAS_SYNC_KEY_ERROR (eas_sync_key_error_quark ())
GQuark eas_sync_key_error_quark (void);

typedef enum {
	EAS_SYNC_KEY_ERROR_INVALID,	/* not "0", "{uuid}N" or a decimal counter */
} EasSyncKeyErrorCode;

typedef struct {
	char uuid[37];		/* lower-case 8-4-4-4-12 form; "" for plain counters */
	guint32 counter;	/* 0 only for the initial key */
} EasSyncKey;

/* Parses text (len bytes, no NUL needed).  "0" gives counter 0, uuid "".
 * Accepts "{uuid}N" (N 1..G_MAXUINT32 without leading zeros) and plain
 * counters "N".  FALSE + error otherwise; *out_key untouched then. */
gboolean eas_sync_key_parse (const char *text, gsize len,
                             EasSyncKey *out_key, GError **error);

/* TRUE for the initial key "0". */
gboolean eas_sync_key_is_initial (const EasSyncKey *key);

/* The key after key: the initial key starts a fresh "{uuid}1"; a counter at
 * G_MAXUINT32 also starts a fresh uuid (the client cannot tell). */
void eas_sync_key_next (const EasSyncKey *key, EasSyncKey *out_next);

/* Formats a key ("0", "{uuid}N" or "N"); returns a new string. */
char *eas_sync_key_to_string (const EasSyncKey *key);

typedef enum {
	EAS_SYNC_KEY_MATCH_INITIAL,	/* client sent "0" */
	EAS_SYNC_KEY_MATCH_CURRENT,	/* the last key we handed out */
	EAS_SYNC_KEY_MATCH_PREVIOUS,	/* the key before it: resend the stored response */
	EAS_SYNC_KEY_MATCH_UNKNOWN,	/* anything else: Status 3 (Sync) / 9 (FolderSync) */
} EasSyncKeyMatch;

/* Classifies what the client sent (client, len bytes) against the stored
 * current and previous keys (either may be NULL when there is no state).
 * Comparison is exact, byte for byte: a key is a string, not a number. */
EasSyncKeyMatch eas_sync_key_classify (const char *client, gsize len,
                                       const char *current,
                                       const char *previous);

G_END_DECLS
