/* airdockd-password.h — password hashing (yescrypt through libcrypt).
 *
 * Hashes look like "$y$j9T$<salt>$<hash>".  Verification recomputes the hash
 * with the stored setting and compares in constant time.  Callers wipe
 * plaintext passwords with airdockd_password_free() (explicit_bzero).
 *
 * Error domain: AIRDOCKD_PASSWORD_ERROR.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AIRDOCKD_PASSWORD_ERROR (airdockd_password_error_quark ())
GQuark airdockd_password_error_quark (void);

typedef enum {
	AIRDOCKD_PASSWORD_ERROR_FAILED,		/* libcrypt failed (no entropy, …) */
	AIRDOCKD_PASSWORD_ERROR_INVALID,	/* empty, too long, or contains NUL */
} AirdockdPasswordError;

#define AIRDOCKD_PASSWORD_MAX 511	/* bytes: libxcrypt CRYPT_MAX_PASSPHRASE_SIZE (512) incl. NUL */

/* A new yescrypt hash of password (NUL-terminated, 1..AIRDOCKD_PASSWORD_MAX
 * bytes) with a fresh random salt. */
char *airdockd_password_hash (const char *password, GError **error);

/* TRUE if password matches hash.  FALSE for a malformed hash.  The time taken
 * does not depend on where the hashes differ. */
gboolean airdockd_password_verify (const char *hash, const char *password);

/* Overwrites and frees a plaintext password (NULL is fine). */
void airdockd_password_free (char *password);

G_END_DECLS
