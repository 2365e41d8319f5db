/* airdockd-http.c — listening sockets, /server.cer, OPTIONS, and the EAS
 * POST pipeline: auth → request line → version → device → provisioning →
 * handler ([MS-ASHTTP] 2.2.1, 3.2.5). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "eas/eas-wbxml.h"
#include "server/airdockd-auth.h"
#include "server/airdockd-autodiscover.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-debuglog.h"
#include "server/airdockd-http.h"
#include "server/airdockd-push.h"
#include "server/airdockd-seclog.h"
#include "server/airdockd-store.h"
#include "server/airdockd-tls.h"

struct _AirdockdServer {
	const AirdockdConfig *config;
	AirdockdStore *store;
	SoupServer *soup;
	GTlsCertificate *cert;
	GBytes *cert_der;
	AirdockdAuth *auth;
	guint16 http_port;
	guint16 https_port;
	char *commands;		/* MS-ASProtocolCommands value */
	GHashTable *sockets;	/* client GSockets connected: the connection count */
	AirdockdDebuglog *debuglog;	/* "ActiveSync Synchronization" category */
};

/* [MS-ASHTTP] 3.2.5.1: 503 with a hint when to come back. */
#define OVERLOAD_RETRY_AFTER "30"

/* What we announce as our own version ([MS-ASHTTP] 2.2.2.2 MS-Server-ActiveSync). */
#define SERVER_VERSION "16.1"

/* ---- logging ---------------------------------------------------------- */

/* Bad client input is logged at info level, at most this many lines per
 * second: a client (or an attacker) must not be able to flood the journal. */
#define CLIENT_LOG_PER_SECOND 20

static gboolean
client_log_allowed (void)
{
	static gint64 window_start = 0;
	static guint count = 0;
	static guint suppressed = 0;
	gint64 now = g_get_monotonic_time ();

	if (now - window_start >= G_USEC_PER_SEC) {
		if (suppressed > 0)
			g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
			                  "MESSAGE", "%u client messages suppressed", suppressed);
		window_start = now;
		count = 0;
		suppressed = 0;
	}
	if (count >= CLIENT_LOG_PER_SECOND) {
		suppressed++;
		return FALSE;
	}
	count++;
	return TRUE;
}

static void
log_req (GLogLevelFlags level, const AirdockdRequest *req, const char *login,
         const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
log_req (GLogLevelFlags level, const AirdockdRequest *req, const char *login,
         const char *format, ...)
{
	va_list args;
	g_autofree char *message = NULL;
	const char *user = req->user_name != NULL ? req->user_name : login;
	const char *device = req->query != NULL ? req->query->device_id : NULL;
	const char *cmd = req->query != NULL ? eas_command_name (req->query->cmd) : NULL;

	if (level == G_LOG_LEVEL_INFO && !client_log_allowed ())
		return;
	va_start (args, format);
	message = g_strdup_vprintf (format, args);
	va_end (args);
	g_log_structured (G_LOG_DOMAIN, level,
	                  "EAS_USER", user != NULL ? user : "",
	                  "EAS_DEVICE_ID", device != NULL ? device : "",
	                  "EAS_CMD", cmd != NULL ? cmd : "",
	                  "EAS_CLIENT", req->remote_address != NULL ? req->remote_address : "",
	                  "MESSAGE", "%s [user=%s device=%s cmd=%s from=%s]", message,
	                  user != NULL ? user : "-", device != NULL ? device : "-",
	                  cmd != NULL ? cmd : "-",
	                  req->remote_address != NULL ? req->remote_address : "-");
}

void
airdockd_request_log (const AirdockdRequest *req, GLogLevelFlags level, const char *format, ...)
{
	va_list args;
	g_autofree char *message = NULL;

	va_start (args, format);
	message = g_strdup_vprintf (format, args);
	va_end (args);
	log_req (level, req, NULL, "%s", message);
}

/* ---- the traffic log ([log] traffic) ----------------------------------- */

/* At most this much XML per body in the log. */
#define TRAFFIC_MAX_XML_BYTES (64 * 1024)

static gboolean
tree_has_tag (const EasNode *node, EasTag tag)
{
	for (const EasNode *c = node->first_child; c != NULL; c = c->next)
		if (c->tag == tag || tree_has_tag (c, tag))
			return TRUE;
	return FALSE;
}

/* One body as XML, or why not: the administrator's view of what a device
 * sent.  Settings' DevicePassword never reaches the log. */
static char *
traffic_text (GBytes *body)
{
	gsize len = 0;
	const guint8 *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) tree = NULL;
	g_autofree char *xml = NULL;

	if (len == 0)
		return g_strdup ("(empty)");
	tree = eas_wbxml_parse (data, len, NULL, &error);
	if (tree == NULL)
		return g_strdup_printf ("(%" G_GSIZE_FORMAT " bytes, not WBXML: %s)", len, error->message);
	if (tree_has_tag (tree, EAS_SETTINGS_PASSWORD))
		return g_strdup ("(withheld: carries a password)");
	xml = eas_wbxml_to_xml (data, len, NULL, &error);
	if (xml == NULL)
		return g_strdup_printf ("(%" G_GSIZE_FORMAT " bytes: %s)", len, error->message);
	if (strlen (xml) > TRAFFIC_MAX_XML_BYTES)
		strcpy (xml + TRAFFIC_MAX_XML_BYTES - 4, "...");
	return g_steal_pointer (&xml);
}

static void
log_traffic (const AirdockdRequest *req, const char *direction, GBytes *body)
{
	g_autofree char *text = NULL;

	if (!airdockd_server_get_config (req->server)->traffic)
		return;
	text = traffic_text (body);
	log_req (G_LOG_LEVEL_DEBUG, req, NULL, "traffic %s: %s", direction, text);
}

/* ---- responses -------------------------------------------------------- */

static void
add_common_headers (SoupServerMessage *msg)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

	soup_message_headers_replace (h, "MS-Server-ActiveSync", SERVER_VERSION);
	soup_message_headers_replace (h, "Cache-Control", "private");
}

static void
respond_status (SoupServerMessage *msg, guint status)
{
	add_common_headers (msg);
	soup_server_message_set_status (msg, status, NULL);
	soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

static void
respond_unauthorized (SoupServerMessage *msg)
{
	soup_message_headers_replace (soup_server_message_get_response_headers (msg),
	                              "WWW-Authenticate", "Basic realm=\"Airdock\"");
	respond_status (msg, SOUP_STATUS_UNAUTHORIZED);
}

static void
respond_bad_version (SoupServerMessage *msg)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

	/* [MS-ASHTTP] 3.2.5.1: tell the client which versions to use. */
	soup_message_headers_replace (h, "MS-ASProtocolVersions", AIRDOCKD_PROTOCOL_VERSIONS);
	respond_status (msg, SOUP_STATUS_BAD_REQUEST);
}

static void
copy_header (gpointer key, gpointer value, gpointer user_data)
{
	soup_message_headers_replace (user_data, key, value);
}

static void
respond_request (SoupServerMessage *msg, AirdockdRequest *req)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
	guint status = req->http_status != 0 ? req->http_status : SOUP_STATUS_OK;

	add_common_headers (msg);
	if (req->response_headers != NULL)
		g_hash_table_foreach (req->response_headers, copy_header, h);
	soup_server_message_set_status (msg, status, NULL);
	if (req->response_body != NULL && g_bytes_get_size (req->response_body) > 0) {
		const char *type = req->response_content_type != NULL
		                   ? req->response_content_type
		                   : "application/vnd.ms-sync.wbxml";
		/* By reference, not copied: a handler may hand over a mapped
		 * file (ItemOperations attachments), which stays off the heap. */
		soup_message_headers_set_content_type (h, type, NULL);
		soup_message_body_append_bytes (soup_server_message_get_response_body (msg), req->response_body);
	} else {
		soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
	}
}

/* ---- GET /server.cer, OPTIONS ------------------------------------------ */

static void
handle_certificate (SoupServer *soup, SoupServerMessage *msg, const char *path,
                    GHashTable *query, gpointer user_data)
{
	AirdockdServer *server = user_data;
	gsize len = 0;
	const char *der = g_bytes_get_data (server->cert_der, &len);
	const char *method = soup_server_message_get_method (msg);

	if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD) {
		soup_message_headers_replace (soup_server_message_get_response_headers (msg),
		                              "Allow", "GET, HEAD");
		respond_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
		return;
	}
	soup_message_headers_replace (soup_server_message_get_response_headers (msg),
	                              "Content-Disposition", "attachment; filename=\"server.cer\"");
	soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
	soup_server_message_set_response (msg, "application/x-x509-ca-cert",
	                                  SOUP_MEMORY_COPY, der, len);
}

/* ---- POST: one step per function ---------------------------------------- */

/* Fills version and policy key from the base64 blob or the headers.
 * FALSE when the version is missing or not one we speak. */
static gboolean
read_version_and_key (SoupServerMessage *msg, AirdockdRequest *req)
{
	SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
	const EasQuery *q = req->query;
	const char *key_text;
	guint64 key = 0;

	if (q->base64_form) {
		req->version = q->version;
		req->policy_key = q->has_policy_key ? q->policy_key : 0;
		return eas_version_to_string (req->version) != NULL;
	}
	const char *v = soup_message_headers_get_one (h, "MS-ASProtocolVersion");
	if (v == NULL || !eas_version_parse (v, &req->version))
		return FALSE;
	key_text = soup_message_headers_get_one (h, "X-MS-PolicyKey");
	if (key_text != NULL &&
	    g_ascii_string_to_unsigned (key_text, 10, 0, G_MAXUINT32, &key, NULL))
		req->policy_key = (guint32) key;
	return TRUE;
}

static gboolean
verify_user (gpointer user_data, const char *user, const char *password,
             AirdockdAuthUser *out_user, GError **error)
{
	AirdockdServer *server = user_data;
	g_autoptr (AirdockdUser) u = NULL;

	if (server->store == NULL)
		return FALSE;
	u = airdockd_store_user_verify (server->store, user, password, error);
	if (u == NULL)
		return FALSE;
	out_user->user_id = u->id;
	out_user->user_name = g_strdup (u->name);
	out_user->email = g_strdup (u->email);
	return TRUE;
}

/* Gets or creates the device and records the negotiated version. */
static AirdockdDevice *
ensure_device (AirdockdServer *server, AirdockdRequest *req, guint *out_status)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdDevice) device = NULL;
	const char *version = eas_version_to_string (req->version);

	device = airdockd_store_device_ensure (server->store, req->user_id, req->query->device_id,
	                                       req->query->device_type, &error);
	if (device == NULL) {
		gboolean client = g_error_matches (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID);
		log_req (client ? G_LOG_LEVEL_INFO : G_LOG_LEVEL_WARNING, req, NULL,
		         "device lookup failed: %s", error->message);
		*out_status = client ? SOUP_STATUS_BAD_REQUEST : SOUP_STATUS_INTERNAL_SERVER_ERROR;
		return NULL;
	}
	if (g_strcmp0 (device->protocol_version, version) != 0 &&
	    airdockd_store_device_set_protocol_version (server->store, req->user_id, device->id,
	                                                version, &error)) {
		g_free (device->protocol_version);
		device->protocol_version = g_strdup (version);
	}
	if (error != NULL)
		log_req (G_LOG_LEVEL_WARNING, req, NULL, "recording version: %s", error->message);
	req->device_id = device->id;
	return g_steal_pointer (&device);
}

/* Authenticates.  FALSE when the response (401) is already set. */
static gboolean
authenticate (AirdockdServer *server, SoupServerMessage *msg, AirdockdRequest *req,
              AirdockdAuthUser *user)
{
	SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
	g_autofree char *login = NULL;
	AirdockdAuthResult r;

	r = airdockd_auth_check (server->auth, soup_message_headers_get_one (h, "Authorization"),
	                         req->remote_address, user, &login);
	switch (r) {
	case AIRDOCKD_AUTH_OK:
		req->user_id = user->user_id;
		req->user_name = user->user_name;
		req->user_email = user->email;
		return TRUE;
	case AIRDOCKD_AUTH_MISSING:
		break;
	case AIRDOCKD_AUTH_DENIED:
		log_req (G_LOG_LEVEL_INFO, req, login, "authentication failed");
		airdockd_seclog (airdockd_server_get_config (server)->data_dir, AIRDOCKD_SECLOG_AUTH_FAILED, login, req->query ? req->query->device_id : NULL, req->remote_address);
		break;
	case AIRDOCKD_AUTH_LOCKED:
		log_req (G_LOG_LEVEL_MESSAGE, req, login, "authentication refused: locked out after repeated failures");
		airdockd_seclog_repeatable (airdockd_server_get_config (server)->data_dir, AIRDOCKD_SECLOG_AUTH_LOCKED, login, req->query ? req->query->device_id : NULL, req->remote_address);
		break;
	default:
		g_assert_not_reached ();
	}
	respond_unauthorized (msg);
	return FALSE;
}

/* OPTIONS is authenticated like POST: Android and iOS validate a new
 * account with it, so a wrong password must fail here already. */
static void
handle_options (AirdockdServer *server, SoupServerMessage *msg)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
	AirdockdRequest req = { 0 };
	g_auto (AirdockdAuthUser) user = { 0, NULL, NULL };

	req.remote_address = soup_server_message_get_remote_host (msg);
	if (req.remote_address == NULL)
		req.remote_address = "unknown";
	if (!authenticate (server, msg, &req, &user))
		return;
	/* [MS-ASHTTP] 2.2.4: versions and only the commands that have handlers. */
	soup_message_headers_replace (h, "MS-ASProtocolVersions", AIRDOCKD_PROTOCOL_VERSIONS);
	soup_message_headers_replace (h, "MS-ASProtocolCommands", server->commands);
	soup_message_headers_replace (h, "Allow", "OPTIONS,POST");
	soup_message_headers_replace (h, "Public", "OPTIONS,POST");
	respond_status (msg, SOUP_STATUS_OK);
}

/* Parses the request line and finds the handler.  FALSE: response set. */
static gboolean
parse_request_line (SoupServerMessage *msg, AirdockdRequest *req, EasQuery **out_query,
                    AirdockdCommandFunc *out_func)
{
	GUri *uri = soup_server_message_get_uri (msg);
	const char *raw = g_uri_get_query (uri);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasQuery) q = NULL;

	q = eas_query_parse (raw != NULL ? raw : "", raw != NULL ? strlen (raw) : 0, &error);
	if (q == NULL) {
		gboolean unknown = g_error_matches (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_UNKNOWN_COMMAND);
		log_req (G_LOG_LEVEL_INFO, req, NULL, "bad request line: %s", error->message);
		/* [MS-ASHTTP] 3.2.5.1: 501 for a command the server does not know. */
		respond_status (msg, unknown ? SOUP_STATUS_NOT_IMPLEMENTED : SOUP_STATUS_BAD_REQUEST);
		return FALSE;
	}
	req->query = q;
	*out_func = airdockd_command_lookup (q->cmd);
	if (*out_func == NULL) {
		log_req (G_LOG_LEVEL_INFO, req, NULL, "command not implemented");
		respond_status (msg, SOUP_STATUS_NOT_IMPLEMENTED);
		req->query = NULL;
		return FALSE;
	}
	*out_query = g_steal_pointer (&q);
	return TRUE;
}

static void
fill_body (SoupServerMessage *msg, AirdockdRequest *req)
{
	SoupMessageBody *body = soup_server_message_get_request_body (msg);
	SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
	const char *multipart = soup_message_headers_get_one (h, "MS-ASAcceptMultiPart");

	req->body = soup_message_body_flatten (body);
	req->content_type = soup_message_headers_get_content_type (h, NULL);
	req->accept_multipart = req->query->accept_multipart ||
	                        (multipart != NULL && g_ascii_strcasecmp (multipart, "T") == 0);
}

static void
run_command (AirdockdServer *server, SoupServerMessage *msg, AirdockdRequest *req,
             AirdockdCommandFunc func)
{
	g_autoptr (AirdockdDevice) device = NULL;
	guint status = 0;
	gint64 start_us = g_get_monotonic_time ();

	device = ensure_device (server, req, &status);
	if (device == NULL) {
		respond_status (msg, status);
		return;
	}
	fill_body (msg, req);
	req->http_message = msg;
	/* A new request from the device ends its parked Ping or Sync Wait. */
	airdockd_push_device_request (req);
	if (!airdockd_provision_check (req, device)) {
		log_req (G_LOG_LEVEL_INFO, req, NULL, "device must provision (HTTP %u)",
		         req->http_status != 0 ? req->http_status : 200);
		airdockd_debuglog_exchange (server->debuglog, req, start_us);
		respond_request (msg, req);
		return;
	}
	log_traffic (req, "request", req->body);
	func (req);
	airdockd_debuglog_exchange (server->debuglog, req, start_us);
	if (req->parked)
		return;		/* the push hub answers later */
	log_traffic (req, "response", req->response_body);
	if (req->http_status >= 500)
		log_req (G_LOG_LEVEL_WARNING, req, NULL, "command failed: HTTP %u", req->http_status);
	else
		log_req (G_LOG_LEVEL_DEBUG, req, NULL, "done: HTTP %u",
		         req->http_status != 0 ? req->http_status : 200);
	respond_request (msg, req);
}

static void
request_clear (AirdockdRequest *req)
{
	g_clear_pointer (&req->body, g_bytes_unref);
	g_clear_pointer (&req->response_body, g_bytes_unref);
	g_clear_pointer (&req->response_headers, g_hash_table_unref);
}

static void
handle_post (AirdockdServer *server, SoupServerMessage *msg)
{
	AirdockdRequest req = { 0 };
	g_auto (AirdockdAuthUser) user = { 0, NULL, NULL };
	g_autoptr (EasQuery) query = NULL;
	AirdockdCommandFunc func = NULL;

	req.server = server;
	req.store = server->store;
	req.remote_address = soup_server_message_get_remote_host (msg);
	if (req.remote_address == NULL)
		req.remote_address = "unknown";

	if (!authenticate (server, msg, &req, &user))
		return;
	if (!parse_request_line (msg, &req, &query, &func))
		return;
	req.query = query;
	if (!read_version_and_key (msg, &req)) {
		log_req (G_LOG_LEVEL_INFO, &req, NULL, "missing or unsupported protocol version");
		respond_bad_version (msg);
		return;
	}
	run_command (server, msg, &req, func);
	request_clear (&req);
}

static void
handle_eas (SoupServer *soup, SoupServerMessage *msg, const char *path,
            GHashTable *query, gpointer user_data)
{
	AirdockdServer *server = user_data;
	const char *method = soup_server_message_get_method (msg);

	if (g_ascii_strcasecmp (path, AIRDOCKD_EAS_PATH) != 0) {
		respond_status (msg, SOUP_STATUS_NOT_FOUND);
		return;
	}
	if (!server->config->allow_plain_eas &&
	    g_strcmp0 (g_uri_get_scheme (soup_server_message_get_uri (msg)), "https") != 0) {
		/* [server] allow_plain_eas = false: no Basic auth in clear text. */
		respond_status (msg, SOUP_STATUS_FORBIDDEN);
		return;
	}
	if (method == SOUP_METHOD_OPTIONS) {
		handle_options (server, msg);
	} else if (method == SOUP_METHOD_POST) {
		handle_post (server, msg);
	} else {
		soup_message_headers_replace (soup_server_message_get_response_headers (msg),
		                              "Allow", "OPTIONS,POST");
		respond_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
	}
}

static void
handle_default (SoupServer *soup, SoupServerMessage *msg, const char *path,
                GHashTable *query, gpointer user_data)
{
	respond_status (msg, SOUP_STATUS_NOT_FOUND);
}

/* ---- limits before the body: size, encoding, timeouts ------------------- */

typedef struct {
	GIOStream *stream;
	char *response;
} EarlyReply;

static void
early_reply_free (EarlyReply *r)
{
	g_clear_object (&r->stream);
	g_free (r->response);
	g_free (r);
}

static void
early_reply_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
	early_reply_free (user_data);
}

static void
early_reply_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
	EarlyReply *r = user_data;

	g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
	g_io_stream_close_async (r->stream, G_PRIORITY_DEFAULT, NULL, early_reply_closed, r);
}

/* Answers status and closes the connection without reading the body.
 * libsoup reads the body of any request without "Expect: 100-continue"
 * whatever status a got-headers handler sets, so take the connection over. */
static void
reply_before_body (SoupServerMessage *msg, guint status, gpointer user_data)
{
	EarlyReply *r = g_new0 (EarlyReply, 1);

	r->stream = airdockd_server_steal_connection (user_data, msg);
	r->response = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
	                               "MS-Server-ActiveSync: " SERVER_VERSION "\r\n"
	                               "%s"
	                               "Content-Length: 0\r\n"
	                               "Connection: close\r\n\r\n",
	                               status, soup_status_get_phrase (status),
	                               status == SOUP_STATUS_SERVICE_UNAVAILABLE
	                               ? "Retry-After: " OVERLOAD_RETRY_AFTER "\r\n" : "");
	g_output_stream_write_all_async (g_io_stream_get_output_stream (r->stream), r->response,
	                                 strlen (r->response), G_PRIORITY_DEFAULT, NULL,
	                                 early_reply_written, r);
}

static void
got_headers (SoupServerMessage *msg, gpointer user_data)
{
	AirdockdServer *server = user_data;
	SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
	SoupEncoding enc = soup_message_headers_get_encoding (h);
	guint status = 0;

	if (g_hash_table_size (server->sockets) > (guint) server->config->max_connections)
		status = SOUP_STATUS_SERVICE_UNAVAILABLE;
	else if (enc == SOUP_ENCODING_CONTENT_LENGTH &&
	         soup_message_headers_get_content_length (h) > server->config->max_request_bytes)
		status = SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
	else if (enc == SOUP_ENCODING_CHUNKED)
		/* A chunked body has no size we could check before reading it:
		 * EAS clients send Content-Length. */
		status = SOUP_STATUS_LENGTH_REQUIRED;
	if (status == 0)
		return;
	if (client_log_allowed ()) {
		const char *remote = soup_server_message_get_remote_host (msg);
		g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
		                  "EAS_CLIENT", remote != NULL ? remote : "",
		                  "MESSAGE", "refusing request body: HTTP %u", status);
	}
	reply_before_body (msg, status, server);
}

typedef struct {
	AirdockdServer *server;
	GSocket *sock;		/* only a key: never dereferenced */
} SocketWatch;

static void
socket_disconnected (SoupServerMessage *msg, gpointer user_data)
{
	SocketWatch *w = user_data;

	g_hash_table_remove (w->server->sockets, w->sock);
}

static void
socket_watch_free (gpointer data, GClosure *closure)
{
	g_free (data);
}

static void
request_started (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
	AirdockdServer *server = user_data;
	GSocket *sock = soup_server_message_get_socket (msg);

	/* Count connections by their socket until libsoup reports the
	 * disconnect (to whichever message is current then, so watch each).
	 * A connection a handler steals leaves the count when it is stolen or
	 * when the disconnect is reported: never counted twice. */
	if (sock != NULL) {
		SocketWatch *w = g_new0 (SocketWatch, 1);
		w->server = server;
		w->sock = sock;
		g_hash_table_add (server->sockets, sock);
		g_signal_connect_data (msg, "disconnected", G_CALLBACK (socket_disconnected), w,
		                       socket_watch_free, 0);
	}

	/* The timeout also applies to the GSources libsoup waits on, so a
	 * client that stalls during headers or body is dropped. */
	if (sock != NULL)
		g_socket_set_timeout (sock, (guint) server->config->connection_timeout);
	g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers), server);
}

/* ---- construction and listening ---------------------------------------- */

/* The category is switched by airdockctl through data_dir/debug.conf, read
 * again (after one stat) before each request: see airdockd-debuglog.h. */
static AirdockdDebuglog *
new_debuglog (const AirdockdConfig *config)
{
	g_autofree char *control = g_build_filename (config->data_dir, AIRDOCKD_DEBUGLOG_CONTROL_FILE, NULL);
	g_autofree char *dir = config->debug_dir != NULL ? g_strdup (config->debug_dir)
	                                                 : g_build_filename (config->data_dir, "debug", NULL);

	return airdockd_debuglog_new (control, dir, (gsize) config->debug_max_bytes,
	                              (gsize) config->debug_body_bytes);
}

AirdockdServer *
airdockd_server_new (const AirdockdConfig *config, AirdockdStore *store, GError **error)
{
	g_autoptr (AirdockdServer) server = g_new0 (AirdockdServer, 1);
	const char * const *names = (const char * const *) config->hostnames;

	server->config = config;
	server->store = store;
	server->cert = airdockd_tls_load (config->data_dir, config->tls_cert, config->tls_key,
	                                  names, &server->cert_der, error);
	if (server->cert == NULL)
		return NULL;
	server->auth = airdockd_auth_new ((guint) config->auth_max_failures,
	                                  (guint) config->auth_lockout_seconds,
	                                  (guint) config->auth_cache_seconds,
	                                  verify_user, server);
	server->commands = airdockd_commands_list ();
	server->sockets = g_hash_table_new (NULL, NULL);
	server->debuglog = new_debuglog (config);
	server->soup = soup_server_new ("tls-certificate", server->cert,
	                                "server-header", "airdockd/" PACKAGE_VERSION " ",
	                                NULL);
	soup_server_add_handler (server->soup, "/", handle_default, server, NULL);
	soup_server_add_handler (server->soup, AIRDOCKD_EAS_PATH, handle_eas, server, NULL);
	soup_server_add_handler (server->soup, "/server.cer", handle_certificate, server, NULL);
	soup_server_add_handler (server->soup, AIRDOCKD_AUTODISCOVER_PATH, airdockd_autodiscover_handler, server, NULL);
	soup_server_add_handler (server->soup, AIRDOCKD_AUTODISCOVER_PATH_UPPER, airdockd_autodiscover_handler, server, NULL);
	g_signal_connect (server->soup, "request-started", G_CALLBACK (request_started), server);
	return g_steal_pointer (&server);
}

void
airdockd_server_free (AirdockdServer *server)
{
	if (server == NULL)
		return;
	if (server->soup != NULL) {
		soup_server_disconnect (server->soup);
		g_object_unref (server->soup);
	}
	g_clear_object (&server->cert);
	g_clear_pointer (&server->cert_der, g_bytes_unref);
	g_clear_pointer (&server->auth, airdockd_auth_free);
	g_free (server->commands);
	g_clear_pointer (&server->sockets, g_hash_table_unref);
	g_clear_pointer (&server->debuglog, airdockd_debuglog_free);
	g_free (server);
}

static void
explain_bind_error (GError **error, const char *key, gint64 port)
{
	if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) && port > 0 && port < 1024) {
		g_prefix_error (error,
		                "cannot bind privileged port %" G_GINT64_FORMAT " ([server] %s). "
		                "Run as root, or allow it with `setcap cap_net_bind_service=+ep airdockd`, "
		                "or set [server] http_port / https_port to ports above 1023: ", port, key);
		return;
	}
	g_prefix_error (error, "[server] %s = %" G_GINT64_FORMAT ": ", key, port);
}

/* Creates, binds and listens on a socket with our backlog; returns the port. */
static gboolean
listen_one (AirdockdServer *server, const char *key, gint64 port, gboolean https,
            guint16 *out_port, GError **error)
{
	g_autoptr (GSocketAddress) addr = NULL;
	g_autoptr (GSocketAddress) bound = NULL;
	g_autoptr (GSocket) sock = NULL;

	addr = g_inet_socket_address_new_from_string (server->config->listen_address, (guint) port);
	sock = g_socket_new (g_socket_address_get_family (addr), G_SOCKET_TYPE_STREAM,
	                     G_SOCKET_PROTOCOL_TCP, error);
	if (sock == NULL)
		return FALSE;
	g_socket_set_listen_backlog (sock, (gint) server->config->listen_backlog);
	if (!g_socket_bind (sock, addr, TRUE, error)) {
		explain_bind_error (error, key, port);
		return FALSE;
	}
	if (!g_socket_listen (sock, error) ||
	    !soup_server_listen_socket (server->soup, sock,
	                                https ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
		return FALSE;
	bound = g_socket_get_local_address (sock, error);
	if (bound == NULL)
		return FALSE;
	*out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
	return TRUE;
}

gboolean
airdockd_server_listen (AirdockdServer *server, GError **error)
{
	const AirdockdConfig *c = server->config;

	if (c->http_port >= 0 &&
	    !listen_one (server, "http_port", c->http_port, FALSE, &server->http_port, error))
		return FALSE;
	if (c->https_port >= 0 &&
	    !listen_one (server, "https_port", c->https_port, TRUE, &server->https_port, error))
		return FALSE;
	return TRUE;
}

GIOStream *
airdockd_server_steal_connection (AirdockdServer *server, SoupServerMessage *msg)
{
	GSocket *sock = soup_server_message_get_socket (msg);

	if (sock != NULL)
		g_hash_table_remove (server->sockets, sock);
	return soup_server_message_steal_connection (msg);
}

guint16
airdockd_server_get_http_port (AirdockdServer *server)
{
	return server->http_port;
}

guint16
airdockd_server_get_https_port (AirdockdServer *server)
{
	return server->https_port;
}

const AirdockdConfig *
airdockd_server_get_config (AirdockdServer *server)
{
	return server->config;
}

AirdockdStore *
airdockd_server_get_store (AirdockdServer *server)
{
	return server->store;
}

GBytes *
airdockd_server_get_certificate_der (AirdockdServer *server)
{
	return server->cert_der;
}
