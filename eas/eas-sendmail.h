/* eas-sendmail.h — SendMail, SmartReply and SmartForward requests and
 * responses ([MS-ASCMD] 2.2.1.17, 2.2.1.19, 2.2.1.20).
 *
 * Two request forms:
 * - 14.0 and later: a ComposeMail WBXML document (ClientId, AccountId,
 *   SaveInSentItems, ReplaceMime, Source {FolderId, ItemId, LongId,
 *   InstanceId}, Mime as OPAQUE).  The MIME is handed out as a GBytes that is
 *   a slice of the request body whenever the OPAQUE arrived in one piece (the
 *   usual case): no second copy of a large message.
 * - 12.1 and earlier: the body is the raw RFC 822 message
 *   (Content-Type message/rfc822); SaveInSent, ItemId, CollectionId and
 *   LongId come from the query ([MS-ASHTTP] 2.2.1.1.1.1.3).
 *
 * Pure: no I/O.  Errors: EAS_COMPOSE_ERROR, or EAS_WBXML_ERROR for a
 * document that does not decode; messages name the element, never echo input.
 */
#pragma once

#include <glib.h>

#include "eas/eas-query.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define EAS_COMPOSE_ERROR (eas_compose_error_quark ())
GQuark eas_compose_error_quark (void);

typedef enum {
	EAS_COMPOSE_ERROR_INVALID,	/* wrong root, duplicate or missing element */
	EAS_COMPOSE_ERROR_LIMIT,	/* an id or the MIME is over its limit */
} EasComposeErrorCode;

typedef enum {
	EAS_COMPOSE_SEND_MAIL,
	EAS_COMPOSE_SMART_REPLY,
	EAS_COMPOSE_SMART_FORWARD,
} EasComposeKind;

/* Limits.
 * - EAS_COMPOSE_MAX_ID_BYTES: ClientId ([MS-ASCMD] 2.2.3.27.4: up to 40
 *   characters), ItemId/FolderId (server ids, at most 64 characters),
 *   LongId and InstanceId (a date/time); 256 leaves room for odd clients.
 * - EAS_COMPOSE_DEFAULT_MAX_MIME_BYTES: a message as a device sends it,
 *   attachments base64-encoded; common relays stop at 25–50 MB. */
#define EAS_COMPOSE_MAX_ID_BYTES 256
#define EAS_COMPOSE_DEFAULT_MAX_MIME_BYTES (64 * 1024 * 1024)

/* ComposeMail status values ([MS-ASCMD] 2.2.3.177.x and the common status
 * codes of 2.2.2). */
typedef enum {
	EAS_COMPOSE_STATUS_SUCCESS = 1,
	EAS_COMPOSE_STATUS_INVALID_WBXML = 102,
	EAS_COMPOSE_STATUS_INVALID_XML = 103,
	EAS_COMPOSE_STATUS_INVALID_IDS = 106,
	EAS_COMPOSE_STATUS_INVALID_MIME = 107,
	EAS_COMPOSE_STATUS_SERVER_ERROR = 110,
	EAS_COMPOSE_STATUS_SERVER_ERROR_RETRY_LATER = 111,
	EAS_COMPOSE_STATUS_MAILBOX_QUOTA_EXCEEDED = 113,
	EAS_COMPOSE_STATUS_SEND_QUOTA_EXCEEDED = 115,
	EAS_COMPOSE_STATUS_RECIPIENT_UNRESOLVED = 116,
	EAS_COMPOSE_STATUS_REPLY_NOT_ALLOWED = 117,
	EAS_COMPOSE_STATUS_PREVIOUSLY_SENT = 118,
	EAS_COMPOSE_STATUS_NO_RECIPIENT = 119,
	EAS_COMPOSE_STATUS_SUBMISSION_FAILED = 120,
	EAS_COMPOSE_STATUS_REPLY_FAILED = 121,
	EAS_COMPOSE_STATUS_ATTACHMENT_TOO_LARGE = 122,
	EAS_COMPOSE_STATUS_ITEM_NOT_FOUND = 150,
} EasComposeStatus;

typedef struct {
	EasComposeKind kind;
	char *client_id;	/* 14.0+: required; NULL in the 12.x form */
	char *account_id;	/* may be NULL */
	gboolean save_in_sent;
	gboolean replace_mime;	/* Smart*: send mime as is, add nothing of the original */
	/* Source of SmartReply/SmartForward (NULL for SendMail and when absent) */
	char *folder_id;
	char *item_id;
	char *long_id;
	char *instance_id;
	GBytes *mime;		/* the message; never NULL or empty in a decoded request */
} EasComposeRequest;

typedef struct {
	gsize max_mime_bytes;	/* 0 = EAS_COMPOSE_DEFAULT_MAX_MIME_BYTES */
	const EasWbxmlLimits *wbxml;	/* NULL = defaults (opaque_bytes raised to max_mime_bytes) */
} EasComposeLimits;

void eas_compose_request_free (EasComposeRequest *request);

/* Root tag of the request document (ComposeMail:SendMail …). */
EasTag eas_compose_kind_tag (EasComposeKind kind);
/* The command of the kind (EAS_CMD_SEND_MAIL …); kind for a command, FALSE
 * when cmd is none of the three. */
EasCommand eas_compose_kind_command (EasComposeKind kind);
gboolean eas_compose_kind_from_command (EasCommand cmd, EasComposeKind *out_kind);

/* 14.0+ WBXML form.  body is referenced by the returned request when its
 * MIME is a slice of it.  limits may be NULL.  Checks: root matches kind,
 * ClientId and Mime present, no element twice, SmartReply/SmartForward
 * carry a Source with an ItemId or a LongId. */
EasComposeRequest *eas_compose_request_decode (EasComposeKind kind,
                                               GBytes *body,
                                               const EasComposeLimits *limits,
                                               GError **error);

/* 12.1-and-earlier form: body is the message itself (referenced, not
 * copied); parameters from query.  Smart* need ItemId (with CollectionId) or
 * LongId. */
EasComposeRequest *eas_compose_request_from_mime (EasComposeKind kind,
                                                  GBytes *body,
                                                  const EasQuery *query,
                                                  const EasComposeLimits *limits,
                                                  GError **error);

/* The response document for a failure (14.0+): <SendMail><Status>N</Status>
 * (or SmartReply/SmartForward).  Success has an empty body ([MS-ASCMD]
 * 2.2.1.17.2: "If the message was sent successfully, the server returns an
 * empty response"): returns NULL for EAS_COMPOSE_STATUS_SUCCESS. */
GBytes *eas_compose_response_encode (EasComposeKind kind, guint status);

/* Reads a response back (the test client): the Status, or 1 for an empty
 * body.  FALSE + error when the document is not a ComposeMail response of
 * that kind. */
gboolean eas_compose_response_decode (EasComposeKind kind,
                                      const guint8 *data, gsize len,
                                      guint *out_status,
                                      GError **error);

/* Encodes a 14.0+ request (the test client and the conduit): the fields set
 * in request; mime is written as OPAQUE. */
GBytes *eas_compose_request_encode (const EasComposeRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasComposeRequest, eas_compose_request_free)

G_END_DECLS
