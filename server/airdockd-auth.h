/* airdockd-auth.h — HTTP Basic authentication with a short credentials
 * cache and lockout after repeated failures.
 *
 * The password check itself is a callback (the store's), so this module only
 * parses the header, caches successes and counts failures:
 * - the cache is keyed by a salted SHA-256 of "user\0password" (the salt is
 *   random per process); the plain password is never kept;
 * - after max_failures failures within lockout_seconds a user name is
 *   locked for lockout_seconds (even with the right password); a client
 *   address likewise after max_failures × AIRDOCKD_AUTH_ADDRESS_FACTOR
 *   failures (several users may share one address behind NAT, and one
 *   guesser may try many names).  A success clears the user's counter
 *   only: a guesser holding one valid account cannot reset its address.
 * Tables are bounded (AIRDOCKD_AUTH_MAX_ENTRIES): when full, expired entries
 * are dropped, then the whole failure table is.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AIRDOCKD_AUTH_ERROR (airdockd_auth_error_quark ())
GQuark airdockd_auth_error_quark (void);

typedef enum {
	AIRDOCKD_AUTH_ERROR_MALFORMED,	/* header is not Basic base64(user:password) */
	AIRDOCKD_AUTH_ERROR_DENIED,	/* verify callback refused (wrong user/password) */
} AirdockdAuthErrorCode;

/* Limits: the Authorization header (a user name and password of 255 bytes
 * each fit in well under 1 KiB of base64) and the tables. */
#define AIRDOCKD_AUTH_MAX_HEADER_BYTES 1024
#define AIRDOCKD_AUTH_MAX_ENTRIES 100000
#define AIRDOCKD_AUTH_ADDRESS_FACTOR 5

/* Parses "Basic <base64(user:password)>" (len bytes, no NUL needed).  The
 * user name may carry a "DOMAIN\" prefix, which is removed.  Outputs are
 * newly allocated; the caller must explicit_bzero + free the password. */
gboolean airdockd_auth_parse_basic (const char *header, gsize len,
                                    char **out_user, char **out_password,
                                    GError **error);

typedef struct {
	gint64 user_id;
	char *user_name;	/* canonical login name */
	char *email;		/* may be NULL */
} AirdockdAuthUser;

void airdockd_auth_user_clear (AirdockdAuthUser *user);

/* Checks user/password; on success fills out_user and returns TRUE.  Any
 * error set means "denied" (the caller maps it to 401). */
typedef gboolean (*AirdockdAuthVerifyFunc) (gpointer user_data,
                                            const char *user,
                                            const char *password,
                                            AirdockdAuthUser *out_user,
                                            GError **error);

typedef enum {
	AIRDOCKD_AUTH_OK,
	AIRDOCKD_AUTH_MISSING,		/* no or malformed Authorization header */
	AIRDOCKD_AUTH_DENIED,		/* wrong user or password */
	AIRDOCKD_AUTH_LOCKED,		/* too many failures for the user or address */
} AirdockdAuthResult;

typedef struct _AirdockdAuth AirdockdAuth;

AirdockdAuth *airdockd_auth_new (guint max_failures,
                                 guint lockout_seconds,
                                 guint cache_seconds,
                                 AirdockdAuthVerifyFunc verify,
                                 gpointer verify_data);
void airdockd_auth_free (AirdockdAuth *auth);

/* authorization: the header value or NULL; remote: client address (never
 * NULL).  out_user is filled only on AIRDOCKD_AUTH_OK; out_login (may be
 * NULL) gets the user name the client sent, when it could be parsed, for
 * logs. */
AirdockdAuthResult airdockd_auth_check (AirdockdAuth *auth,
                                        const char *authorization,
                                        const char *remote,
                                        AirdockdAuthUser *out_user,
                                        char **out_login);

/* Forgets cached credentials (after a password change). */
void airdockd_auth_flush_cache (AirdockdAuth *auth);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdAuth, airdockd_auth_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AirdockdAuthUser, airdockd_auth_user_clear)

G_END_DECLS
