/* airdockd-auth.c — Basic auth, credentials cache, lockout. */
#include "config.h"

#include <string.h>

#include "server/airdockd-auth.h"

G_DEFINE_QUARK (airdockd-auth-error-quark, airdockd_auth_error)

typedef struct {
	AirdockdAuthUser user;
	gint64 expires;		/* monotonic µs */
} CacheEntry;

typedef struct {
	guint count;
	gint64 window_start;	/* monotonic µs of the first counted failure */
	gint64 locked_until;	/* 0 = not locked */
} FailEntry;

struct _AirdockdAuth {
	guint max_failures;
	gint64 lockout_us;
	gint64 cache_us;
	AirdockdAuthVerifyFunc verify;
	gpointer verify_data;
	guint8 salt[32];
	GHashTable *cache;	/* hex digest → CacheEntry */
	GHashTable *user_fail;	/* user name → FailEntry */
	GHashTable *addr_fail;	/* address → FailEntry */
};

static gboolean
fail_malformed (GError **error, const char *what)
{
	g_set_error (error, AIRDOCKD_AUTH_ERROR, AIRDOCKD_AUTH_ERROR_MALFORMED,
	             "Authorization header: %s", what);
	return FALSE;
}

gboolean
airdockd_auth_parse_basic (const char *header, gsize len, char **out_user,
                           char **out_password, GError **error)
{
	gsize off = 0;
	gsize decoded_len = 0;

	if (len > AIRDOCKD_AUTH_MAX_HEADER_BYTES)
		return fail_malformed (error, "too long");
	if (len < 6 || g_ascii_strncasecmp (header, "Basic ", 6) != 0)
		return fail_malformed (error, "not the Basic scheme");
	off = 6;
	while (off < len && header[off] == ' ')
		off++;
	g_assert (off <= len);

	/* Only the base64 alphabet; g_base64_decode skips anything else silently. */
	g_autofree char *b64 = g_strndup (header + off, len - off);
	if (*b64 == '\0' || strlen (b64) != len - off ||
	    strspn (b64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != len - off)
		return fail_malformed (error, "bad base64");

	g_autofree guint8 *raw = g_base64_decode (b64, &decoded_len);
	const guint8 *colon = memchr (raw, ':', decoded_len);
	if (colon == NULL || colon == raw) {
		if (raw != NULL)
			explicit_bzero (raw, decoded_len);
		return fail_malformed (error, "no user name");
	}
	gsize user_len = colon - raw;
	if (memchr (raw, '\0', decoded_len) != NULL ||
	    !g_utf8_validate ((const char *) raw, decoded_len, NULL)) {
		explicit_bzero (raw, decoded_len);
		return fail_malformed (error, "not UTF-8 text");
	}
	/* "DOMAIN\user": Windows-style clients send the domain; we have one. */
	const guint8 *backslash = memchr (raw, '\\', user_len);
	const guint8 *user_start = backslash != NULL ? backslash + 1 : raw;
	if (user_start == colon) {
		explicit_bzero (raw, decoded_len);
		return fail_malformed (error, "empty user name");
	}
	*out_user = g_strndup ((const char *) user_start, colon - user_start);
	*out_password = g_strndup ((const char *) colon + 1, decoded_len - user_len - 1);
	explicit_bzero (raw, decoded_len);
	return TRUE;
}

void
airdockd_auth_user_clear (AirdockdAuthUser *user)
{
	if (user == NULL)
		return;
	g_clear_pointer (&user->user_name, g_free);
	g_clear_pointer (&user->email, g_free);
	user->user_id = 0;
}

static void
cache_entry_free (gpointer p)
{
	CacheEntry *e = p;

	airdockd_auth_user_clear (&e->user);
	g_free (e);
}

AirdockdAuth *
airdockd_auth_new (guint max_failures, guint lockout_seconds, guint cache_seconds,
                   AirdockdAuthVerifyFunc verify, gpointer verify_data)
{
	AirdockdAuth *auth;

	g_return_val_if_fail (max_failures > 0, NULL);
	auth = g_new0 (AirdockdAuth, 1);
	auth->max_failures = max_failures;
	auth->lockout_us = (gint64) lockout_seconds * G_USEC_PER_SEC;
	auth->cache_us = (gint64) cache_seconds * G_USEC_PER_SEC;
	auth->verify = verify;
	auth->verify_data = verify_data;
	for (gsize i = 0; i < sizeof auth->salt; i += 4) {
		guint32 r = g_random_int ();
		memcpy (auth->salt + i, &r, 4);
	}
	auth->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cache_entry_free);
	auth->user_fail = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	auth->addr_fail = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	return auth;
}

void
airdockd_auth_free (AirdockdAuth *auth)
{
	if (auth == NULL)
		return;
	g_hash_table_unref (auth->cache);
	g_hash_table_unref (auth->user_fail);
	g_hash_table_unref (auth->addr_fail);
	explicit_bzero (auth->salt, sizeof auth->salt);
	g_free (auth);
}

void
airdockd_auth_flush_cache (AirdockdAuth *auth)
{
	g_hash_table_remove_all (auth->cache);
}

static char *
cache_key (AirdockdAuth *auth, const char *user, const char *password)
{
	g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

	g_checksum_update (sum, auth->salt, sizeof auth->salt);
	g_checksum_update (sum, (const guchar *) user, strlen (user) + 1);
	g_checksum_update (sum, (const guchar *) password, strlen (password));
	return g_strdup (g_checksum_get_string (sum));
}

static gboolean
fail_expired (const FailEntry *e, gint64 now, gint64 lockout_us)
{
	if (e->locked_until != 0)
		return now >= e->locked_until;
	return now - e->window_start >= lockout_us;
}

/* Keeps a table under the bound: first drop stale entries, then everything. */
static void
prune (AirdockdAuth *auth, GHashTable *table, gboolean is_cache, gint64 now)
{
	GHashTableIter iter;
	gpointer value;

	if (g_hash_table_size (table) < AIRDOCKD_AUTH_MAX_ENTRIES)
		return;
	g_hash_table_iter_init (&iter, table);
	while (g_hash_table_iter_next (&iter, NULL, &value)) {
		if (is_cache ? ((CacheEntry *) value)->expires <= now
		             : fail_expired (value, now, auth->lockout_us))
			g_hash_table_iter_remove (&iter);
	}
	if (g_hash_table_size (table) >= AIRDOCKD_AUTH_MAX_ENTRIES)
		g_hash_table_remove_all (table);
}

static gboolean
is_locked (AirdockdAuth *auth, GHashTable *table, const char *key, gint64 now)
{
	FailEntry *e = g_hash_table_lookup (table, key);

	if (e == NULL)
		return FALSE;
	if (fail_expired (e, now, auth->lockout_us)) {
		g_hash_table_remove (table, key);
		return FALSE;
	}
	return e->locked_until != 0;
}

static void
count_failure (AirdockdAuth *auth, GHashTable *table, const char *key, guint limit, gint64 now)
{
	FailEntry *e = g_hash_table_lookup (table, key);

	if (e == NULL) {
		prune (auth, table, FALSE, now);
		e = g_new0 (FailEntry, 1);
		e->window_start = now;
		g_hash_table_insert (table, g_strdup (key), e);
	}
	if (++e->count >= limit && e->locked_until == 0)
		e->locked_until = now + auth->lockout_us;
}

static void
copy_user (AirdockdAuthUser *dst, const AirdockdAuthUser *src)
{
	dst->user_id = src->user_id;
	dst->user_name = g_strdup (src->user_name);
	dst->email = g_strdup (src->email);
}

static AirdockdAuthResult
check_credentials (AirdockdAuth *auth, const char *user, const char *password,
                   const char *remote, AirdockdAuthUser *out_user)
{
	gint64 now = g_get_monotonic_time ();
	g_autofree char *key = cache_key (auth, user, password);
	CacheEntry *hit = g_hash_table_lookup (auth->cache, key);
	g_auto (AirdockdAuthUser) verified = { 0, NULL, NULL };
	/* Login names and addresses match case-insensitively in the store:
	 * count "Alice" and "alice" together. */
	g_autofree char *user_key = g_utf8_casefold (user, -1);

	if (is_locked (auth, auth->user_fail, user_key, now) ||
	    is_locked (auth, auth->addr_fail, remote, now))
		return AIRDOCKD_AUTH_LOCKED;
	if (hit != NULL && hit->expires > now) {
		copy_user (out_user, &hit->user);
		return AIRDOCKD_AUTH_OK;
	}
	if (!auth->verify (auth->verify_data, user, password, &verified, NULL)) {
		count_failure (auth, auth->user_fail, user_key, auth->max_failures, now);
		count_failure (auth, auth->addr_fail, remote,
		               auth->max_failures * AIRDOCKD_AUTH_ADDRESS_FACTOR, now);
		return AIRDOCKD_AUTH_DENIED;
	}
	g_hash_table_remove (auth->user_fail, user_key);
	if (auth->cache_us > 0) {
		CacheEntry *e = g_new0 (CacheEntry, 1);
		prune (auth, auth->cache, TRUE, now);
		copy_user (&e->user, &verified);
		e->expires = now + auth->cache_us;
		g_hash_table_replace (auth->cache, g_steal_pointer (&key), e);
	}
	copy_user (out_user, &verified);
	return AIRDOCKD_AUTH_OK;
}

AirdockdAuthResult
airdockd_auth_check (AirdockdAuth *auth, const char *authorization, const char *remote,
                     AirdockdAuthUser *out_user, char **out_login)
{
	g_autofree char *user = NULL;
	char *password = NULL;
	AirdockdAuthResult result;

	if (authorization == NULL ||
	    !airdockd_auth_parse_basic (authorization, strlen (authorization), &user, &password, NULL))
		return AIRDOCKD_AUTH_MISSING;
	result = check_credentials (auth, user, password, remote, out_user);
	explicit_bzero (password, strlen (password));
	g_free (password);
	if (out_login != NULL)
		*out_login = g_steal_pointer (&user);
	return result;
}
