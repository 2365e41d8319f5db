/* airdockd-autodiscover.c — the Autodiscover endpoint: authenticate, parse
 * (eas/eas-autodiscover.h), answer the mobilesync settings.
 *
 * A client that only accepts the Outlook schema (outlook/responseschema/
 * 2006a) gets ErrorCode 601 with Exchange's "Provider is not available" in
 * the generic error form of [MS-OXDSCLI] 2.2.4.1.1.3 (Error with Time and
 * Id): that schema has no way to name an ActiveSync server ([MS-OXDSCLI]
 * Protocol/Type is EXCH, EXPR, EXHTTP or WEB), and on an error Outlook
 * goes on to its next Autodiscover candidate ([MS-OXDSCLI] 3.1.5) and
 * EAS clients retry with the mobilesync schema ([MS-ASCMD] 2.2.3.64).  The settings always describe the authenticated
 * account, whatever address the request names, so nothing is learned about
 * other accounts.
 */
#include "config.h"

#include <string.h>

#include "eas/eas-autodiscover.h"
#include "server/airdockd-auth.h"
#include "server/airdockd-autodiscover.h"
#include "server/airdockd-http.h"
#include "server/airdockd-seclog.h"
#include "server/airdockd-store.h"

static gboolean
verify (gpointer user_data, const char *user, const char *password, AirdockdAuthUser *out_user, GError **error)
{
	AirdockdServer *server = user_data;
	g_autoptr (AirdockdUser) u = airdockd_store_user_verify (airdockd_server_get_store (server), user, password,
	                                                         error);

	if (u == NULL)
		return FALSE;
	out_user->user_id = u->id;
	out_user->user_name = g_strdup (u->name);
	out_user->email = g_strdup (u->email);
	return TRUE;
}

/* Our own failure lockout, kept on the SoupServer so it lives and dies with
 * that server. */
static AirdockdAuth *
get_auth (SoupServer *soup, AirdockdServer *server)
{
	AirdockdAuth *auth = g_object_get_data (G_OBJECT (soup), "airdock-autodiscover-auth");
	const AirdockdConfig *config = airdockd_server_get_config (server);

	if (auth == NULL) {
		auth = airdockd_auth_new ((guint) config->auth_max_failures, (guint) config->auth_lockout_seconds,
		                          (guint) config->auth_cache_seconds, verify, server);
		g_object_set_data_full (G_OBJECT (soup), "airdock-autodiscover-auth", auth,
		                        (GDestroyNotify) airdockd_auth_free);
	}
	return auth;
}

static void
respond (SoupServerMessage *msg, guint status, GBytes *xml)
{
	soup_server_message_set_status (msg, status, NULL);
	if (status == SOUP_STATUS_UNAUTHORIZED)
		soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
		                              "Basic realm=\"Airdock\"");
	if (xml != NULL) {
		gsize len;
		const char *data = g_bytes_get_data (xml, &len);
		soup_server_message_set_response (msg, "text/xml; charset=utf-8", SOUP_MEMORY_COPY, data, len);
	}
}

static char *
eas_url (AirdockdServer *server, SoupServerMessage *msg)
{
	const AirdockdConfig *config = airdockd_server_get_config (server);
	GUri *uri = soup_server_message_get_uri (msg);
	const char *host = config->hostnames != NULL && config->hostnames[0] != NULL ? config->hostnames[0]
	                                                                               : g_uri_get_host (uri);
	guint16 port = airdockd_server_get_https_port (server);

	if (port == 0 || port == 443)
		return g_strdup_printf ("https://%s/Microsoft-Server-ActiveSync", host);
	return g_strdup_printf ("https://%s:%u/Microsoft-Server-ActiveSync", host, port);
}

static void
answer (AirdockdServer *server, SoupServerMessage *msg, const AirdockdAuthUser *user)
{
	SoupMessageBody *body = soup_server_message_get_request_body (msg);
	g_autoptr (GBytes) data = soup_message_body_flatten (body);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasAutodiscoverRequest) req = NULL;
	g_autoptr (GBytes) xml = NULL;
	g_autofree char *url = NULL;

	req = eas_autodiscover_request_parse (g_bytes_get_data (data, NULL), g_bytes_get_size (data), &error);
	if (req == NULL) {
		g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO, "EAS_USER", user->user_name,
		                  "MESSAGE", "autodiscover: %s", error->message);
		xml = eas_autodiscover_build_error (EAS_AUTODISCOVER_ERROR_CODE_INVALID_REQUEST, "Invalid Request");
	} else if (!eas_autodiscover_wants_mobilesync (req)) {
		xml = eas_autodiscover_build_error (EAS_AUTODISCOVER_ERROR_CODE_SCHEMA_UNSUPPORTED,
		                                    "Provider is not available");
	} else {
		url = eas_url (server, msg);
		xml = eas_autodiscover_build_response ("en:us", user->user_name,
		                                       user->email != NULL ? user->email : req->email_address, url);
	}
	respond (msg, SOUP_STATUS_OK, xml);
}

void
airdockd_autodiscover_handler (SoupServer *soup, SoupServerMessage *msg, const char *path,
                               GHashTable *query, gpointer user_data)
{
	AirdockdServer *server = user_data;
	const AirdockdConfig *config = airdockd_server_get_config (server);
	SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
	g_auto (AirdockdAuthUser) user = { 0 };
	const char *remote = soup_server_message_get_remote_host (msg);
	g_autofree char *login = NULL;
	AirdockdAuthResult ar;

	if (g_ascii_strcasecmp (path, "/autodiscover/autodiscover.xml") != 0) {
		respond (msg, SOUP_STATUS_NOT_FOUND, NULL);
		return;
	}
	if (!config->allow_plain_eas && g_strcmp0 (g_uri_get_scheme (soup_server_message_get_uri (msg)), "https") != 0) {
		respond (msg, SOUP_STATUS_FORBIDDEN, NULL);
		return;
	}
	if (soup_server_message_get_method (msg) != SOUP_METHOD_POST) {
		soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
		respond (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
		return;
	}
	ar = airdockd_auth_check (get_auth (soup, server), soup_message_headers_get_one (h, "Authorization"),
	                          remote != NULL ? remote : "", &user, &login);
	if (ar != AIRDOCKD_AUTH_OK) {
		g_autofree char *detail = g_strdup_printf ("autodiscover from %s", remote != NULL ? remote : "unknown");

		if (ar == AIRDOCKD_AUTH_DENIED)
			airdockd_seclog (config->data_dir, AIRDOCKD_SECLOG_AUTH_FAILED, login, NULL, detail);
		else if (ar == AIRDOCKD_AUTH_LOCKED)
			airdockd_seclog_repeatable (config->data_dir, AIRDOCKD_SECLOG_AUTH_LOCKED, login, NULL, detail);
		respond (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
		return;
	}
	answer (server, msg, &user);
}
