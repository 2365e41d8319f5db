/* airdockd-adminweb.c — the administrator's web page (see the header). */
#include "config.h"

#include <string.h>
#include <sys/random.h>

#include <libsoup/soup.h>

#include "server/airdockd-admin.h"
#include "server/airdockd-adminweb.h"
#include "server/airdockd-auth.h"
#include "server/airdockd-seclog.h"

/* Why: a page answer is sent well within this; a stalled client is dropped. */
#define ADMINWEB_SOCKET_TIMEOUT 30

struct _AirdockdAdminWeb {
	const AirdockdConfig *config;
	AirdockdStore *store;
	SoupServer *soup;
	AirdockdAuth *auth;	/* its own failure counters and lockout, [limits] auth_* */
	char csrf[33];		/* 32 hex digits, random per process */
};

char *
airdockd_adminweb_escape (const char *text)
{
	GString *out = g_string_new (NULL);

	for (const char *p = text != NULL ? text : ""; *p != '\0'; p++) {
		switch (*p) {
		case '&': g_string_append (out, "&amp;"); break;
		case '<': g_string_append (out, "&lt;"); break;
		case '>': g_string_append (out, "&gt;"); break;
		case '"': g_string_append (out, "&quot;"); break;
		case '\'': g_string_append (out, "&#39;"); break;
		default: g_string_append_c (out, *p); break;
		}
	}
	return g_string_free (out, FALSE);
}

/* Appends fmt with every %s argument HTML-escaped (only %s is allowed). */
static void
append_escaped (GString *out, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	for (const char *p = fmt; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 's') {
			g_autofree char *e = airdockd_adminweb_escape (va_arg (ap, const char *));
			g_string_append (out, e);
			p++;
		} else {
			g_string_append_c (out, *p);
		}
	}
	va_end (ap);
}

static void
fill_csrf (char out[33])
{
	guint8 raw[16];

	if (getrandom (raw, sizeof raw, 0) != (ssize_t) sizeof raw)
		g_error ("adminweb: getrandom failed");
	for (gsize i = 0; i < sizeof raw; i++)
		g_snprintf (out + 2 * i, 3, "%02x", raw[i]);
}

static gboolean
verify_user (gpointer user_data, const char *name, const char *password,
             AirdockdAuthUser *out_user, GError **error)
{
	AirdockdAdminWeb *web = user_data;
	g_autoptr (AirdockdUser) u = airdockd_store_user_verify (web->store, name, password, error);

	if (u == NULL)
		return FALSE;
	out_user->user_id = u->id;
	out_user->user_name = g_strdup (u->name);
	out_user->email = g_strdup (u->email);
	return TRUE;
}

AirdockdAdminWeb *
airdockd_adminweb_new (const AirdockdConfig *config, AirdockdStore *store)
{
	AirdockdAdminWeb *web;

	g_return_val_if_fail (config != NULL && store != NULL, NULL);
	web = g_new0 (AirdockdAdminWeb, 1);
	web->config = config;
	web->store = store;
	web->auth = airdockd_auth_new ((guint) MAX (config->auth_max_failures, 1),
	                               (guint) config->auth_lockout_seconds,
	                               (guint) config->auth_cache_seconds, verify_user, web);
	fill_csrf (web->csrf);
	return web;
}

void
airdockd_adminweb_free (AirdockdAdminWeb *web)
{
	if (web == NULL)
		return;
	if (web->soup != NULL)
		soup_server_disconnect (web->soup);
	g_clear_object (&web->soup);
	g_clear_pointer (&web->auth, airdockd_auth_free);
	explicit_bzero (web->csrf, sizeof web->csrf);
	g_free (web);
}

/* ------------------------------------------------------------ responses */

static void
set_page (SoupServerMessage *msg, guint status, GString *body)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
	gsize len = body->len;

	soup_message_headers_replace (h, "Content-Security-Policy",
	                              "default-src 'none'; style-src 'unsafe-inline'; "
	                              "form-action 'self'; frame-ancestors 'none'");
	soup_message_headers_replace (h, "X-Frame-Options", "DENY");
	soup_message_headers_replace (h, "Cache-Control", "no-store");
	soup_server_message_set_status (msg, status, NULL);
	soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
	                                  g_string_free (body, FALSE), len);
}

static GString *
page_start (const char *title)
{
	GString *out = g_string_new (NULL);

	append_escaped (out,
	                "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	                "<title>%s</title><style>"
	                "body{font-family:sans-serif;margin:1em;font-size:13px}"
	                "table{border-collapse:collapse}"
	                "th,td{border:1px solid #999;padding:2px 4px;text-align:left;vertical-align:top}"
	                "th{background:#ddd}td form{margin:0 0 2px 0}td button{width:100%}"
	                "td.folders div{margin-bottom:2px}"
	                "td.folders form{display:inline}td.folders button{width:auto}"
	                "</style></head><body><h1>%s</h1>\n", title, title);
	return out;
}

static void
send_message_page (SoupServerMessage *msg, guint status, const char *text)
{
	GString *out = page_start ("Airdock administration");

	append_escaped (out, "<p>%s</p><p><a href=\"/\">Back to the device list</a></p></body></html>\n",
	                text);
	set_page (msg, status, out);
}

/* ---------------------------------------------------------------- auth */

static gboolean
is_admin (AirdockdAdminWeb *web, const char *name)
{
	for (char **u = web->config->admin_users; u != NULL && *u != NULL; u++)
		if (g_ascii_strcasecmp (*u, name) == 0)
			return TRUE;
	return FALSE;
}

/* TRUE when the request carries an administrator's credentials; otherwise
 * answers 401 or 403 and returns FALSE.  Failures count toward the page's
 * lockout ([limits] auth_max_failures per login and address) and go to the
 * security log like those of the EAS side, with "admin page" in the detail. */
static gboolean
check_auth (AirdockdAdminWeb *web, SoupServerMessage *msg)
{
	SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
	const char *host = soup_server_message_get_remote_host (msg);
	g_autofree char *remote = g_strdup (host != NULL ? host : "unknown");
	g_autofree char *login = NULL;
	g_autofree char *detail = g_strdup_printf ("admin page from %s", remote);
	g_auto (AirdockdAuthUser) user = { 0, NULL, NULL };
	const char *data_dir = airdockd_store_get_data_dir (web->store);

	switch (airdockd_auth_check (web->auth, soup_message_headers_get_one (h, "Authorization"),
	                             remote, &user, &login)) {
	case AIRDOCKD_AUTH_OK:
		if (is_admin (web, user.user_name))
			return TRUE;
		g_info ("adminweb: %s is not in [admin] users", user.user_name);
		airdockd_seclog_printf (data_dir, AIRDOCKD_SECLOG_AUTH_FAILED, user.user_name, NULL,
		                        "%s: not an administrator", detail);
		send_message_page (msg, SOUP_STATUS_FORBIDDEN, "This account may not administer the server.");
		return FALSE;
	case AIRDOCKD_AUTH_MISSING:
		break;
	case AIRDOCKD_AUTH_DENIED:
		airdockd_seclog (data_dir, AIRDOCKD_SECLOG_AUTH_FAILED, login, NULL, detail);
		break;
	case AIRDOCKD_AUTH_LOCKED:
		airdockd_seclog_repeatable (data_dir, AIRDOCKD_SECLOG_AUTH_LOCKED, login, NULL, detail);
		break;
	default:
		g_assert_not_reached ();
	}
	soup_message_headers_replace (soup_server_message_get_response_headers (msg),
	                              "WWW-Authenticate",
	                              "Basic realm=\"Airdock administration\", charset=\"UTF-8\"");
	send_message_page (msg, SOUP_STATUS_UNAUTHORIZED, "Administrator credentials needed.");
	return FALSE;
}

/* -------------------------------------------------------------- listing */

static char *
format_time (gint64 t)
{
	g_autoptr (GDateTime) dt = t > 0 ? g_date_time_new_from_unix_utc (t) : NULL;

	return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("never");
}

static const char *
policy_status (const AirdockdDevice *d)
{
	if (d->policy_key != 0)
		return "provisioned";
	if (d->policy_key_temporary != 0)
		return "provisioning (phase 1)";
	return "not provisioned";
}

/* A POST button for one action on one device. */
static void
append_action (AirdockdAdminWeb *web, GString *out, const char *action, const char *label,
               const AirdockdAdminDevice *d)
{
	append_escaped (out,
	                "<form method=\"post\" action=\"/%s\">"
	                "<input type=\"hidden\" name=\"user\" value=\"%s\">"
	                "<input type=\"hidden\" name=\"device\" value=\"%s\">"
	                "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	                "<button type=\"submit\">%s</button></form> ",
	                action, d->user_name, d->device->device_id, web->csrf, label);
}

/* One "Label: value" line of the DeviceInformation cell (none when NULL). */
static void
append_info (GString *out, const char *label, const char *value)
{
	if (value == NULL)
		return;
	append_escaped (out, "<div>%s: %s</div>", label, value);
}

/* The collections the device syncs, one line each: name, last sync and,
 * for a folder, a Resync button that starts only that folder over. */
static void
append_folders (AirdockdAdminWeb *web, GString *out, const AirdockdAdminDevice *d)
{
	g_string_append (out, "<td class=\"folders\">");
	for (guint i = 0; d->folders != NULL && i < d->folders->len; i++) {
		const AirdockdAdminFolder *f = g_ptr_array_index (d->folders, i);
		g_autofree char *t = format_time (f->last_sync);
		g_autofree char *name = NULL;

		if (f->collection_id[0] == '\0')
			name = g_strdup ("(folder hierarchy)");
		else if (f->display_name != NULL)
			name = g_strdup_printf ("%s (%s)", f->display_name, f->collection_id);
		else
			name = g_strdup_printf ("deleted folder %s", f->collection_id);
		append_escaped (out, "<div>%s: %s", name, t);
		if (f->collection_id[0] != '\0')
			append_escaped (out,
			                " <form method=\"post\" action=\"/resync\">"
			                "<input type=\"hidden\" name=\"user\" value=\"%s\">"
			                "<input type=\"hidden\" name=\"device\" value=\"%s\">"
			                "<input type=\"hidden\" name=\"folder\" value=\"%s\">"
			                "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
			                "<button type=\"submit\">Resync folder</button></form>",
			                d->user_name, d->device->device_id, f->collection_id, web->csrf);
		g_string_append (out, "</div>");
	}
	g_string_append (out, "</td>");
}

static void
append_device_row (AirdockdAdminWeb *web, GString *out, const AirdockdAdminDevice *d)
{
	const AirdockdDevice *dev = d->device;
	g_autofree char *first = format_time (dev->first_seen);
	g_autofree char *last = format_time (dev->last_seen);
	g_autofree char *synced = format_time (dev->last_sync);

	append_escaped (out, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"info\">",
	                d->user_name, dev->device_id, dev->device_type);
	append_info (out, "Model", dev->info.model);
	append_info (out, "Friendly name", dev->info.friendly_name);
	append_info (out, "OS", dev->info.os);
	append_info (out, "User agent", dev->info.user_agent);
	append_info (out, "Phone number", dev->info.phone_number);
	append_info (out, "IMEI", dev->info.imei);
	append_info (out, "Operator", dev->info.mobile_operator);
	append_escaped (out,
	                "</td><td>%s</td><td class=\"t\">%s</td><td class=\"t\">%s</td>"
	                "<td class=\"last-sync\">%s</td><td>%s</td><td class=\"wipe\">%s</td>",
	                dev->protocol_version, first, last, synced, policy_status (dev),
	                airdockd_admin_wipe_state_name (dev->wipe_state));
	append_folders (web, out, d);
	g_string_append (out, "<td>");
	/* Wipe asks first: a GET form to the confirmation page. */
	append_escaped (out,
	                "<form method=\"get\" action=\"/wipe\">"
	                "<input type=\"hidden\" name=\"user\" value=\"%s\">"
	                "<input type=\"hidden\" name=\"device\" value=\"%s\">"
	                "<button type=\"submit\">Wipe</button></form> ",
	                d->user_name, dev->device_id);
	append_action (web, out, "cancel-wipe", "Cancel wipe", d);
	append_action (web, out, "remove", "Remove", d);
	append_action (web, out, "resync", "Resync all folders", d);
	g_string_append (out, "</td></tr>\n");
}

static void
append_users (GString *out, GPtrArray *users)
{
	g_string_append (out, "<h2>Users</h2>\n<table id=\"users\"><tr><th>Login</th><th>Email</th>"
	                      "<th>Created (UTC)</th></tr>\n");
	for (guint i = 0; i < users->len; i++) {
		const AirdockdUser *u = users->pdata[i];
		g_autofree char *created = format_time (u->created);
		append_escaped (out, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>\n",
		                u->name, u->email, created);
	}
	g_string_append (out, "</table>\n");
}

static void
serve_list (AirdockdAdminWeb *web, SoupServerMessage *msg)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) users = airdockd_store_user_list (web->store, &error);
	g_autoptr (GPtrArray) devices = users != NULL
	                                ? airdockd_admin_device_list (web->store, NULL, &error) : NULL;
	GString *out;

	if (devices == NULL) {
		g_warning ("adminweb: listing devices: %s", error->message);
		send_message_page (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Internal error.");
		return;
	}
	out = page_start ("Airdock administration");
	append_users (out, users);
	g_string_append (out, "<h2>Devices</h2>\n<table id=\"devices\"><tr><th>User</th><th>DeviceId</th>"
	                      "<th>DeviceType</th><th>Device information</th>"
	                      "<th>Protocol</th><th>First contact (UTC)</th><th>Last contact (UTC)</th>"
	                      "<th>Last successful sync (UTC)</th><th>Policy</th><th>Wipe</th>"
	                      "<th>Folders: last sync (UTC)</th><th>Actions</th></tr>\n");
	for (guint i = 0; i < devices->len; i++)
		append_device_row (web, out, devices->pdata[i]);
	g_string_append (out, "</table>\n</body></html>\n");
	set_page (msg, SOUP_STATUS_OK, out);
}

/* ------------------------------------------------------------- actions */

static void
serve_wipe_confirm (AirdockdAdminWeb *web, SoupServerMessage *msg, GHashTable *form)
{
	const char *user = form != NULL ? g_hash_table_lookup (form, "user") : NULL;
	const char *device = form != NULL ? g_hash_table_lookup (form, "device") : NULL;
	GString *out;

	if (user == NULL || device == NULL) {
		send_message_page (msg, SOUP_STATUS_BAD_REQUEST, "Missing user or device.");
		return;
	}
	out = page_start ("Confirm remote wipe");
	append_escaped (out,
	                "<p>Really wipe %s of %s? The device erases all its data the next time "
	                "it connects.</p>\n"
	                "<form method=\"post\" action=\"/wipe\">"
	                "<input type=\"hidden\" name=\"user\" value=\"%s\">"
	                "<input type=\"hidden\" name=\"device\" value=\"%s\">"
	                "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	                "<label><input type=\"checkbox\" name=\"account_only\" value=\"1\"> "
	                "Only remove this account's data (EAS 16.1)</label> "
	                "<button type=\"submit\">Wipe</button></form> "
	                "<a href=\"/\">Cancel</a></body></html>\n",
	                device, user, user, device, web->csrf);
	set_page (msg, SOUP_STATUS_OK, out);
}

static gboolean
run_action (AirdockdAdminWeb *web, const char *path, GHashTable *form, GError **error)
{
	const char *user = g_hash_table_lookup (form, "user");
	const char *device = g_hash_table_lookup (form, "device");
	const char *folder = g_hash_table_lookup (form, "folder");

	if (g_str_equal (path, "/wipe"))
		return airdockd_admin_device_wipe (web->store, user, device,
		                                   g_hash_table_contains (form, "account_only"), error);
	if (g_str_equal (path, "/cancel-wipe"))
		return airdockd_admin_device_cancel_wipe (web->store, user, device, error);
	if (g_str_equal (path, "/remove"))
		return airdockd_admin_device_remove (web->store, user, device, error);
	return airdockd_admin_device_resync (web->store, user, device,
	                                     folder != NULL && *folder != '\0' ? folder : NULL, error);
}

static void
send_action_error (SoupServerMessage *msg, const GError *error)
{
	if (g_error_matches (error, AIRDOCKD_ADMIN_ERROR, AIRDOCKD_ADMIN_ERROR_STATE))
		send_message_page (msg, SOUP_STATUS_CONFLICT, "Not allowed in the device's wipe state.");
	else if (g_error_matches (error, AIRDOCKD_ADMIN_ERROR, AIRDOCKD_ADMIN_ERROR_UNSUPPORTED))
		send_message_page (msg, SOUP_STATUS_CONFLICT, "The device's protocol version cannot do that.");
	else if (g_error_matches (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND))
		send_message_page (msg, SOUP_STATUS_NOT_FOUND, "No such user, device or folder.");
	else {
		g_warning ("adminweb: %s", error->message);
		send_message_page (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Internal error.");
	}
}

static gboolean
csrf_ok (AirdockdAdminWeb *web, const char *token)
{
	guint8 diff = 0;

	if (token == NULL || strlen (token) != sizeof web->csrf - 1)
		return FALSE;
	for (gsize i = 0; i < sizeof web->csrf - 1; i++)
		diff |= (guint8) (token[i] ^ web->csrf[i]);
	return diff == 0;
}

static void
serve_action (AirdockdAdminWeb *web, SoupServerMessage *msg, const char *path)
{
	SoupMessageBody *body = soup_server_message_get_request_body (msg);
	g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
	g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
	g_autoptr (GHashTable) form = soup_form_decode (text);
	g_autoptr (GError) error = NULL;

	if (!csrf_ok (web, g_hash_table_lookup (form, "csrf"))) {
		send_message_page (msg, SOUP_STATUS_FORBIDDEN, "The form is stale or forged: reload the page.");
		return;
	}
	if (!g_hash_table_contains (form, "user") || !g_hash_table_contains (form, "device")) {
		send_message_page (msg, SOUP_STATUS_BAD_REQUEST, "Missing user or device.");
		return;
	}
	if (!run_action (web, path, form, &error)) {
		send_action_error (msg, error);
		return;
	}
	/* Post/Redirect/Get: a reload does not repeat the action. */
	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location", "/");
	soup_server_message_set_status (msg, SOUP_STATUS_SEE_OTHER, NULL);
}

static gboolean
is_action (const char *path)
{
	return g_str_equal (path, "/wipe") || g_str_equal (path, "/cancel-wipe") ||
	       g_str_equal (path, "/remove") || g_str_equal (path, "/resync");
}

static void
handle (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
        gpointer user_data)
{
	AirdockdAdminWeb *web = user_data;
	const char *method = soup_server_message_get_method (msg);
	SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);

	if (soup_message_headers_get_content_length (h) > AIRDOCKD_ADMINWEB_MAX_BODY ||
	    soup_server_message_get_request_body (msg)->length > AIRDOCKD_ADMINWEB_MAX_BODY) {
		soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
		return;
	}
	if (!check_auth (web, msg))
		return;
	if (g_str_equal (method, "GET") && g_str_equal (path, "/"))
		serve_list (web, msg);
	else if (g_str_equal (method, "GET") && g_str_equal (path, "/wipe"))
		serve_wipe_confirm (web, msg, query);
	else if (g_str_equal (method, "POST") && is_action (path))
		serve_action (web, msg, path);
	else if (g_str_equal (path, "/") || is_action (path))
		soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
	else
		send_message_page (msg, SOUP_STATUS_NOT_FOUND, "No such page.");
}

static void
request_started (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
	GSocket *sock = soup_server_message_get_socket (msg);

	if (sock != NULL)
		g_socket_set_timeout (sock, ADMINWEB_SOCKET_TIMEOUT);
}

gboolean
airdockd_adminweb_listen (AirdockdAdminWeb *web, guint16 *out_port, GError **error)
{
	g_autofree char *host = NULL;
	guint16 port = 0;
	g_autoptr (GInetAddress) ia = NULL;
	g_autoptr (GSocketAddress) addr = NULL;
	g_autoptr (SoupServer) soup = NULL;
	GSList *uris;

	if (!airdockd_config_parse_host_port (web->config->admin_listen, &host, &port, error)) {
		g_prefix_error (error, "[admin] listen: ");
		return FALSE;
	}
	ia = g_inet_address_new_from_string (host);
	if (ia == NULL) {
		g_set_error (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
		             "[admin] listen: expected an IP address");
		return FALSE;
	}
	addr = g_inet_socket_address_new (ia, port);
	soup = soup_server_new ("server-header", "airdockd-admin", NULL);
	soup_server_add_handler (soup, NULL, handle, web, NULL);
	g_signal_connect (soup, "request-started", G_CALLBACK (request_started), web);
	if (!soup_server_listen (soup, addr, 0, error)) {
		g_prefix_error (error, "[admin] listen %s: ", web->config->admin_listen);
		return FALSE;
	}
	uris = soup_server_get_uris (soup);
	port = uris != NULL ? (guint16) g_uri_get_port (uris->data) : 0;
	g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
	web->soup = g_steal_pointer (&soup);
	*out_port = port;
	return TRUE;
}
