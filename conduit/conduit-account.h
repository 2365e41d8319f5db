/* conduit-account.h — the desktop's accounts on EAS servers.
 *
 * An account names the server the desktop store reconciles with: the EAS
 * URL, the user name, and optionally the SHA-256 fingerprint of a server
 * certificate the user chose to trust (a self-signed Airdock server).  The
 * account list lives in $XDG_CONFIG_HOME/airdock/accounts.ini with no
 * secrets; the password is kept in the desktop keyring (libsecret) when a
 * Secret Service is on the session bus, else in a 0600 file beside it.
 *
 * This header is the contract between the account module
 * (conduit-account.c, `airdock-conduit account …`) and the reconciler
 * (conduit-eas.c / conduit-reconcile.c).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
	char *id;          /* "user@host[:port]", unique, the key in accounts.ini */
	char *url;         /* https://host[:port]/Microsoft-Server-ActiveSync */
	char *user;        /* the login name sent in Basic auth */
	char *email;       /* the address Autodiscover was asked for, or NULL */
	char *cert_sha256; /* lowercase hex of the pinned certificate's SHA-256
			    * (DER), or NULL: the system trust store decides */
	char *password;    /* NULL until conduit_account_load_password () */
} ConduitAccount;

void conduit_account_free (ConduitAccount *account);	/* NULL is fine */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitAccount, conduit_account_free)

/* config_dir NULL means $XDG_CONFIG_HOME/airdock (g_get_user_config_dir).
 * Every account, in the order they were added (elements ConduitAccount *,
 * passwords not loaded); an empty array when there are none. */
GPtrArray *conduit_accounts_list (const char *config_dir, GError **error);

/* The account whose id is id, or with id NULL the only/first one; NULL +
 * G_IO_ERROR_NOT_FOUND when there is none. */
ConduitAccount *conduit_account_get (const char *config_dir, const char *id, GError **error);

/* Fills account->password from the keyring or the 0600 file. */
gboolean conduit_account_load_password (const char *config_dir, ConduitAccount *account, GError **error);

/* Whether a server certificate is acceptable for this account: with a
 * pinned fingerprint, exactly when the certificate's SHA-256 matches it
 * (whatever errors says); without one, when errors is 0.  Connect it to
 * SoupMessage::accept-certificate. */
gboolean conduit_account_certificate_ok (const ConduitAccount *account,
					 GTlsCertificate *certificate,
					 GTlsCertificateFlags errors);

/* ---- Additions of the account module (conduit-account.c) ---------------- */

/* What to do when the store and the server both changed an item. */
typedef enum {
	CONDUIT_CONFLICT_KEEP_BOTH,	/* the handheld's rule: both copies survive (default) */
	CONDUIT_CONFLICT_SERVER_WINS,	/* the server's version replaces the store's */
} ConduitConflictPolicy;

/* Where an account's password is kept. */
typedef enum {
	CONDUIT_SECRET_NONE,		/* not stored (or the config names nothing) */
	CONDUIT_SECRET_KEYRING,		/* Secret Service, schema "org.airdock.Conduit.Account" */
	CONDUIT_SECRET_FILE,		/* config_dir/secrets, mode 0600 */
} ConduitSecretStore;

/* The conflicts= key of the account (accounts.ini validates it when the
 * accounts are listed); CONDUIT_CONFLICT_KEEP_BOTH when the account or the
 * key is missing. */
ConduitConflictPolicy conduit_account_get_conflict_policy (const char *config_dir, const ConduitAccount *account);

/* The password_store= key of the account. */
ConduitSecretStore conduit_account_get_secret_store (const char *config_dir, const ConduitAccount *account);

/* "keep-both"/"server-wins" and back; FALSE for anything else. */
const char *conduit_conflict_policy_to_string (ConduitConflictPolicy policy);
gboolean conduit_conflict_policy_parse (const char *text, ConduitConflictPolicy *out_policy);

/* The id of an account on url for user: "user@host" or "user@host:port"
 * when the port is not 443.  NULL + G_IO_ERROR_INVALID_ARGUMENT when url is
 * not an absolute https URL. */
char *conduit_account_make_id (const char *url, const char *user, GError **error);

/* A fingerprint as users write it ("AB:CD:…", "ab cd …", plain hex, any
 * case) as 64 lowercase hex digits; NULL + G_IO_ERROR_INVALID_ARGUMENT when
 * it is not 32 bytes of hex. */
char *conduit_account_normalize_fingerprint (const char *text, GError **error);

/* Lowercase hex SHA-256 of the certificate's DER. */
char *conduit_account_certificate_sha256 (GTlsCertificate *certificate);

/* Whether a Secret Service answers on the session bus, asked with short
 * timeouts: FALSE at once without a session bus address. */
gboolean conduit_account_keyring_available (void);

/* Adds account (replacing one with the same id) to accounts.ini, written
 * atomically, and stores account->password (required) in the keyring when
 * one answers, else in the secrets file.  The secret is stored first, the
 * entry written last, so a failure leaves no entry without its password.
 * out_store (optional) says where the password went. */
gboolean conduit_account_save (const char *config_dir, const ConduitAccount *account,
                               ConduitConflictPolicy policy, ConduitSecretStore *out_store, GError **error);

/* Removes the entry and its password; G_IO_ERROR_NOT_FOUND when there is no
 * account with that id. */
gboolean conduit_account_remove (const char *config_dir, const char *id, GError **error);

G_END_DECLS
