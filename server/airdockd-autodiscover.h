/* airdockd-autodiscover.h — POST /autodiscover/autodiscover.xml (any case),
 * the mobilesync Autodiscover ([MS-ASCMD] 2.2.1.1).
 *
 * Registered by airdockd-http.c with the AirdockdServer as user_data for
 * the paths AIRDOCKD_AUTODISCOVER_PATH and AIRDOCKD_AUTODISCOVER_PATH_UPPER.
 * Basic authentication with the account's password, its own failure
 * lockout ([limits] auth_*); an unknown user and a wrong password get the
 * same 401.  Obeys [server] allow_plain_eas like the EAS endpoint.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define AIRDOCKD_AUTODISCOVER_PATH "/autodiscover"
#define AIRDOCKD_AUTODISCOVER_PATH_UPPER "/Autodiscover"

void airdockd_autodiscover_handler (SoupServer *soup,
                                    SoupServerMessage *msg,
                                    const char *path,
                                    GHashTable *query,
                                    gpointer user_data);

G_END_DECLS
