/* airdockd-request.h — what a command handler gets and gives back.
 *
 * The HTTP layer (airdockd-http.c) authenticates, parses the request line
 * (eas/eas-query.h), checks the device's provisioning state, reads the body
 * (bounded by [limits] max_request_bytes) and calls the handler registered for
 * the command in airdockd-commands.c.  A handler decodes req->body with
 * eas/ (eas_wbxml_parse …), works on the store, and fills the response fields.
 * It never sends internal error text to the client: it maps a GError to an
 * EAS Status in the body, or to an HTTP status.
 */
#pragma once

#include <glib.h>

#include "eas/eas-query.h"

G_BEGIN_DECLS

typedef struct _AirdockdServer AirdockdServer;	/* airdockd-http.h */
typedef struct _AirdockdStore AirdockdStore;	/* airdockd-store.h */

typedef struct {
	AirdockdServer *server;
	AirdockdStore *store;

	/* Who and what (owned by the HTTP layer, valid during the call) */
	gint64 user_id;			/* authenticated account (store id) */
	const char *user_name;		/* login name */
	const char *user_email;
	const EasQuery *query;		/* Cmd, DeviceId, DeviceType, parameters */
	EasVersion version;		/* negotiated: header or base64 blob */
	gint64 device_id;		/* store id of (user, DeviceId), created on first contact */
	guint32 policy_key;		/* key the client sent (0 = none) */
	const char *remote_address;	/* client IP, for logs */

	GBytes *body;			/* request body (may be empty, never NULL) */
	const char *content_type;	/* request Content-Type or NULL */
	gboolean accept_multipart;	/* MS-ASAcceptMultiPart: T or Options bit */
	void *http_message;		/* SoupServerMessage, for handlers that park (Ping) */

	/* Set by a handler that took the connection over (the push hub
	 * answers later): the HTTP layer then sends nothing. */
	gboolean parked;

	/* Response, filled by the handler */
	guint http_status;		/* 0 = 200 */
	GBytes *response_body;		/* owned; NULL = empty body */
	const char *response_content_type;	/* static string; NULL = application/vnd.ms-sync.wbxml */
	GHashTable *response_headers;	/* extra headers, owned (char* → char*); may stay NULL */
} AirdockdRequest;

typedef void (*AirdockdCommandFunc) (AirdockdRequest *req);

/* Handler for a command, or NULL when not implemented.  The list of non-NULL
 * entries is what OPTIONS announces in MS-ASProtocolCommands. */
AirdockdCommandFunc airdockd_command_lookup (EasCommand cmd);

/* Sets response_body (taking ownership of body) with the WBXML content type. */
void airdockd_request_set_wbxml (AirdockdRequest *req, GBytes *body);

G_END_DECLS
