/* conduit-account-cli.h — `airdock-conduit account add|list|remove`.
 *
 *   account add URL USER [--accept-certificate SHA256] [--conflicts POLICY]
 *   account add EMAIL [USER] [--autodiscover-url URL] …
 *   account list [--json]
 *   account remove ID
 *
 * add reads the password from stdin when stdin is not a terminal, else
 * prompts without echo; it checks the account (OPTIONS with Basic auth over
 * HTTPS, conduit/conduit-account.h for the certificate rules) before it
 * saves anything.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* argv[0] is "account".  Sets up gettext for the messages.  Returns the
 * process exit status: 0 done, 1 failed, 2 bad usage. */
int conduit_account_cli_main (int argc, char **argv);

G_END_DECLS
