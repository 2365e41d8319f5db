/* airdockd-adminweb.h — the administrator's web page.
 *
 * A separate SoupServer on [admin] listen (host:port, loopback by default)
 * that serves plain server-rendered HTML (no JavaScript needed):
 *   GET  /                      users and their devices (airdockd_admin_device_list)
 *   GET  /wipe?user=U&device=D  "Really wipe D?" with a POST button
 *   POST /wipe, /cancel-wipe, /remove, /resync
 *                               form fields user, device, csrf (resync: folder
 *                               for one folder, else all); the action goes
 *                               through airdockd-admin.h (rules, security log),
 *                               then 303 back to /
 * Every request needs Basic auth with the password of an account named in
 * [admin] users (checked by airdockd_store_user_verify): 401 without or with
 * wrong credentials, 403 for a valid non-admin account.  Wrong passwords
 * count toward a lockout of the page's own (airdockd-auth.h, [limits]
 * auth_max_failures / auth_lockout_seconds): a locked login or address gets
 * 401 even with the right password.  Failures, lockouts and non-admin
 * logins go to the security log with "admin page from ADDRESS".  POST forms carry a
 * CSRF token, random per process; a missing or wrong one gets 403.
 * Every value in the page is HTML-escaped (device fields come from clients).
 * Request bodies above AIRDOCKD_ADMINWEB_MAX_BODY get 413.
 */
#pragma once

#include <glib.h>

#include "server/airdockd-config.h"
#include "server/airdockd-store.h"

G_BEGIN_DECLS

/* Why: the forms carry three short fields; anything bigger is not ours. */
#define AIRDOCKD_ADMINWEB_MAX_BODY 8192

typedef struct _AirdockdAdminWeb AirdockdAdminWeb;

/* config and store are borrowed and must outlive the result. */
AirdockdAdminWeb *airdockd_adminweb_new (const AirdockdConfig *config, AirdockdStore *store);
void airdockd_adminweb_free (AirdockdAdminWeb *web);

/* Listens on [admin] listen; out_port gets the bound port (for port 0).
 * Errors: AIRDOCKD_CONFIG_ERROR for a malformed address, GIO errors. */
gboolean airdockd_adminweb_listen (AirdockdAdminWeb *web, guint16 *out_port, GError **error);

/* Escapes &, <, >, " and ' for HTML text and attribute values. */
char *airdockd_adminweb_escape (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdAdminWeb, airdockd_adminweb_free)

G_END_DECLS
