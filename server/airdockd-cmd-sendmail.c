/* airdockd-cmd-sendmail.c — SendMail, SmartReply, SmartForward
 * ([MS-ASCMD] 2.2.1.17, 2.2.1.19, 2.2.1.20).
 *
 * Answers: 14.0+ an empty body on success, else <Command><Status>N</Status>
 * with the common statuses of [MS-ASCMD] 2.2.2 (102 undecodable WBXML, 103
 * invalid request, 107 invalid MIME, 110 server error, 119 no recipient,
 * 120 submission failed, 150 source item not found).  12.1 and earlier have
 * no status document: HTTP 400 for an invalid request, 500 for the rest.
 */
#include "config.h"

#include <gio/gio.h>

#include "eas/eas-sendmail.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-compose.h"
#include "server/airdockd-config.h"
#include "server/airdockd-http.h"
#include "server/airdockd-smtp.h"
#include "server/airdockd-store.h"

/* Seconds per relay reply.  The relay is the site's own MTA, which answers
 * at once; a hung relay must not stall every other device for long. */
#define RELAY_REPLY_TIMEOUT_SECONDS 20

static void
respond (AirdockdRequest *req, EasComposeKind kind, guint status)
{
	if (req->version >= 140 && status != EAS_COMPOSE_STATUS_SUCCESS) {
		airdockd_request_set_wbxml (req, eas_compose_response_encode (kind, status));
		return;
	}
	if (status == EAS_COMPOSE_STATUS_SUCCESS)
		return;
	/* 12.x: the client only sees the HTTP status. */
	switch (status) {
	case EAS_COMPOSE_STATUS_INVALID_WBXML:
	case EAS_COMPOSE_STATUS_INVALID_XML:
	case EAS_COMPOSE_STATUS_INVALID_MIME:
	case EAS_COMPOSE_STATUS_NO_RECIPIENT:
		req->http_status = 400;
		break;
	default:
		req->http_status = 500;
		break;
	}
}

static guint
decode_status (const GError *error)
{
	if (error->domain == EAS_WBXML_ERROR)
		return EAS_COMPOSE_STATUS_INVALID_WBXML;
	return EAS_COMPOSE_STATUS_INVALID_XML;
}

/* 12.x sends the message itself (message/rfc822); 14.0+ sends WBXML. */
static EasComposeRequest *
decode_request (AirdockdRequest *req, EasComposeKind kind, GError **error)
{
	const AirdockdConfig *config = airdockd_server_get_config (req->server);
	EasComposeLimits limits = { 0 };
	gboolean raw = req->version < 140 ||
		(req->content_type != NULL && g_str_has_prefix (req->content_type, "message/rfc822"));

	if (config != NULL && config->max_request_bytes > 0)
		limits.max_mime_bytes = (gsize) config->max_request_bytes;
	if (raw)
		return eas_compose_request_from_mime (kind, req->body, req->query, &limits, error);
	return eas_compose_request_decode (kind, req->body, &limits, error);
}

/* The item replied to / forwarded: by ItemId (in FolderId when given) or
 * LongId (our long ids are item server ids).  NULL → status 150. */
static AirdockdItem *
load_original (AirdockdRequest *req, const EasComposeRequest *request)
{
	const char *id = request->item_id != NULL && *request->item_id ? request->item_id : request->long_id;
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdItem) item = NULL;

	if (id == NULL)
		return NULL;
	item = airdockd_store_item_get (req->store, req->user_id, id, &error);
	if (item == NULL) {
		airdockd_mail_log (req, G_LOG_LEVEL_INFO, "source item: %s", error->message);
		return NULL;
	}
	if (item->item_class != AIRDOCKD_ITEM_EMAIL ||
	    (request->item_id != NULL && request->folder_id != NULL && *request->folder_id &&
	     g_strcmp0 (item->folder_id, request->folder_id) != 0)) {
		airdockd_mail_log (req, G_LOG_LEVEL_INFO, "source item not in the given folder or not mail");
		return NULL;
	}
	return g_steal_pointer (&item);
}

static guint
compose_error_status (const GError *error)
{
	if (error->domain != AIRDOCKD_COMPOSE_ERROR)
		return EAS_COMPOSE_STATUS_SERVER_ERROR;
	switch (error->code) {
	case AIRDOCKD_COMPOSE_ERROR_INVALID_MIME:
		return EAS_COMPOSE_STATUS_INVALID_MIME;
	case AIRDOCKD_COMPOSE_ERROR_NO_RECIPIENT:
		return EAS_COMPOSE_STATUS_NO_RECIPIENT;
	case AIRDOCKD_COMPOSE_ERROR_TOO_MANY:
		return EAS_COMPOSE_STATUS_SEND_QUOTA_EXCEEDED;
	default:
		return EAS_COMPOSE_STATUS_SERVER_ERROR;
	}
}

static gboolean
relay (AirdockdRequest *req, const AirdockdOutgoing *out, GError **error)
{
	const AirdockdConfig *config = airdockd_server_get_config (req->server);
	AirdockdSmtpOptions opts = { 0 };

	if (config == NULL || config->smtp_relay == NULL || config->smtp_relay[0] == '\0') {
		g_set_error (error, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_CONNECT, "no [smtp] relay configured");
		return FALSE;
	}
	opts.relay = config->smtp_relay;
	opts.helo_name = config->hostnames != NULL ? config->hostnames[0] : NULL;
	/* The send blocks the main loop (handlers are synchronous): bound each
	 * reply of the (local) relay well below the SMTP default. */
	opts.timeout_seconds = RELAY_REPLY_TIMEOUT_SECONDS;

	g_autoptr (GFile) file = g_file_new_for_path (out->relay_path);
	g_autoptr (GFileInputStream) in = g_file_read (file, NULL, error);
	if (in == NULL)
		return FALSE;
	/* The handler runs on the main loop; the relay is a local MTA that
	 * queues at once, so a blocking send is short. */
	return airdockd_smtp_send_sync (&opts, out->mail_from,
	                                (const char * const *) out->recipients->pdata,
	                                G_INPUT_STREAM (in), NULL, error);
}

static void
save_in_sent (AirdockdRequest *req, const AirdockdOutgoing *out)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) sent = airdockd_store_folder_get_by_type (req->store, req->user_id,
	                                                                    AIRDOCKD_FOLDER_SENT, &error);
	g_autoptr (AirdockdItem) item = sent != NULL
		? airdockd_store_add_message (req->store, req->user_id, sent->server_id, out->sent_path, TRUE, &error)
		: NULL;

	/* The message went out: a failed copy is our fault, not the client's. */
	if (item == NULL)
		airdockd_mail_log (req, G_LOG_LEVEL_WARNING, "copy to Sent Items: %s", error->message);
}

static guint
handle (AirdockdRequest *req, EasComposeKind kind)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasComposeRequest) request = decode_request (req, kind, &error);
	g_autoptr (AirdockdItem) original = NULL;

	if (request == NULL) {
		airdockd_mail_log (req, G_LOG_LEVEL_INFO, "bad request: %s", error->message);
		return decode_status (error);
	}
	if (kind != EAS_COMPOSE_SEND_MAIL && !request->replace_mime) {
		original = load_original (req, request);
		if (original == NULL)
			return EAS_COMPOSE_STATUS_ITEM_NOT_FOUND;
	}

	g_autoptr (AirdockdOutgoing) out = airdockd_compose_prepare (req->store, req->user_email, request,
	                                                             original, &error);
	if (out == NULL) {
		guint status = compose_error_status (error);
		airdockd_mail_log (req, status == EAS_COMPOSE_STATUS_SERVER_ERROR ? G_LOG_LEVEL_WARNING
		                                                                  : G_LOG_LEVEL_INFO,
		                   "composing: %s", error->message);
		return status;
	}
	if (!relay (req, out, &error)) {
		airdockd_mail_log (req, G_LOG_LEVEL_WARNING, "relay: %s", error->message);
		return EAS_COMPOSE_STATUS_SUBMISSION_FAILED;
	}
	if (request->save_in_sent)
		save_in_sent (req, out);
	return EAS_COMPOSE_STATUS_SUCCESS;
}

void
airdockd_cmd_send_mail (AirdockdRequest *req)
{
	respond (req, EAS_COMPOSE_SEND_MAIL, handle (req, EAS_COMPOSE_SEND_MAIL));
}

void
airdockd_cmd_smart_reply (AirdockdRequest *req)
{
	respond (req, EAS_COMPOSE_SMART_REPLY, handle (req, EAS_COMPOSE_SMART_REPLY));
}

void
airdockd_cmd_smart_forward (AirdockdRequest *req)
{
	respond (req, EAS_COMPOSE_SMART_FORWARD, handle (req, EAS_COMPOSE_SMART_FORWARD));
}
