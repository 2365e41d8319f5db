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

G_END_DECLS
