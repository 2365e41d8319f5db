/* eas-autodiscover.h — Autodiscover for mobile devices ([MS-ASCMD] 2.2.1.1,
 * schema [MS-OXDSCLI] mobilesync): parse the request XML, build the
 * response XML (server side); build the request and parse the response
 * (client side, the desktop conduit).
 *
 * Pure: no I/O.  The server authenticates, then answers with the user's
 * settings and the URL of its EAS endpoint.
 *
 * Limits (why): the request is a few hundred bytes; EAS_AUTODISCOVER_MAX_BYTES
 * bounds what we hand to the XML parser, EAS_AUTODISCOVER_MAX_DEPTH and
 * EAS_AUTODISCOVER_MAX_ELEMENTS bound its work, and an address is at most
 * 320 bytes (RFC 5321 4.5.3.1), a schema URI at most 256.
 *
 * Error domain: EAS_AUTODISCOVER_ERROR; the server answers ErrorCode 600.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EAS_AUTODISCOVER_ERROR (eas_autodiscover_error_quark ())
GQuark eas_autodiscover_error_quark (void);

typedef enum {
	EAS_AUTODISCOVER_ERROR_INVALID,		/* not XML, wrong root, missing element */
	EAS_AUTODISCOVER_ERROR_LIMIT,		/* one of the limits */
} EasAutodiscoverErrorCode;

#define EAS_AUTODISCOVER_MAX_BYTES 16384
#define EAS_AUTODISCOVER_MAX_DEPTH 8
#define EAS_AUTODISCOVER_MAX_ELEMENTS 64
#define EAS_AUTODISCOVER_MAX_EMAIL 320
#define EAS_AUTODISCOVER_MAX_SCHEMA 256

#define EAS_AUTODISCOVER_MOBILESYNC_RESPONSE_SCHEMA \
	"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"
#define EAS_AUTODISCOVER_OUTLOOK_RESPONSE_SCHEMA \
	"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"

/* The longest Url, Redirect, DisplayName or Message text a response may
 * carry (URLs of real servers are well under 2 KiB). */
#define EAS_AUTODISCOVER_MAX_TEXT 2048

/* [MS-ASCMD] 2.2.3.61 ErrorCode */
#define EAS_AUTODISCOVER_ERROR_CODE_INVALID_REQUEST 600
#define EAS_AUTODISCOVER_ERROR_CODE_SCHEMA_UNSUPPORTED 601

typedef struct {
	char *email_address;		/* Request/EMailAddress */
	char *response_schema;		/* Request/AcceptableResponseSchema, or NULL */
} EasAutodiscoverRequest;

void eas_autodiscover_request_free (EasAutodiscoverRequest *request);

/* Parses the request document (data, len bytes, no NUL needed). */
EasAutodiscoverRequest *eas_autodiscover_request_parse (const guint8 *data, gsize len, GError **error);

/* TRUE when the client accepts the mobilesync response (also when it names
 * no schema). */
gboolean eas_autodiscover_wants_mobilesync (const EasAutodiscoverRequest *request);

/* The mobilesync response: Culture, User (DisplayName, EMailAddress),
 * Action/Settings/Server (Type MobileSync, Url and Name = url).  Strings
 * are escaped.  Returns UTF-8 XML. */
GBytes *eas_autodiscover_build_response (const char *culture,
                                         const char *display_name,
                                         const char *email_address,
                                         const char *url);

/* The generic error form of the response schema (AutodiscoverResponse.xsd,
 * [MS-OXDSCLI] 2.2.4.1.1.3), which both mobilesync and Outlook clients
 * parse: <Response><Error Time=… Id=…><ErrorCode>code</ErrorCode>
 * <Message>…</Message><DebugData/></Error></Response>. */
GBytes *eas_autodiscover_build_error (guint code, const char *message);

/* What a client takes from a mobilesync response ([MS-ASCMD] 2.2.1.1.2):
 * at least one of url, redirect or error_code is set. */
typedef struct {
	char *display_name;	/* Response/User/DisplayName, or NULL */
	char *email_address;	/* Response/User/EMailAddress, or NULL */
	char *url;		/* Url of the first Action/Settings/Server whose Type is MobileSync */
	char *redirect;		/* Action/Redirect: the address to ask again with ([MS-ASCMD] 2.2.3.147) */
	guint error_code;	/* ErrorCode of Response/Error or Action/Error; 0 when none */
	char *error_message;	/* its Message, or NULL */
} EasAutodiscoverResponse;

void eas_autodiscover_response_free (EasAutodiscoverResponse *response);	/* NULL is fine */

/* Parses a response document (data, len bytes, no NUL needed) within the
 * limits above (EAS_AUTODISCOVER_MAX_TEXT per text).  Element names are
 * matched by local name, whatever the prefix.  The url is returned as sent:
 * the caller decides which schemes it follows.  EAS_AUTODISCOVER_ERROR_INVALID
 * when the root is not Autodiscover or the response names no server, no
 * redirect and no error. */
EasAutodiscoverResponse *eas_autodiscover_response_parse (const guint8 *data, gsize len, GError **error);

/* The mobilesync request for email_address (escaped), as a client sends it. */
GBytes *eas_autodiscover_build_request (const char *email_address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasAutodiscoverRequest, eas_autodiscover_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasAutodiscoverResponse, eas_autodiscover_response_free)

G_END_DECLS
