/* eas-query.h — the EAS request line: plain and base64 query forms
 * ([MS-ASHTTP] 2.2.1.1.1.1 and 2.2.1.1.1.1.1), command codes, versions.
 *
 * Pure: no I/O.  Errors: EAS_QUERY_ERROR; messages name the parameter or the
 * byte offset in the decoded blob, never echo the input.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Limits on the request line (all on untrusted input):
 * - EAS_QUERY_MAX_BYTES: the whole query string as received.  The largest
 *   valid base64 blob (4 fixed bytes, 32-byte DeviceId and DeviceType, a
 *   policy key, six text parameters of 255 bytes and Options) is 1620
 *   bytes, 2160 in base64; plain queries with values of 255 bytes fit
 *   unless most of their bytes are percent-encoded.  Web servers commonly
 *   stop at 8 KiB.
 * - EAS_QUERY_MAX_VALUE_BYTES: one decoded parameter value (User,
 *   CollectionId …); the base64 form cannot carry more (1-byte length).
 * - EAS_DEVICE_ID_MAX_BYTES / EAS_DEVICE_TYPE_MAX_BYTES: [MS-ASHTTP]
 *   2.2.1.1.1.2.3 device-id = 1*32(ALPHA / DIGIT); device types in the field
 *   are short names ("iPhone", "WindowsOutlook15"). */
#define EAS_QUERY_MAX_BYTES 4096
#define EAS_QUERY_MAX_VALUE_BYTES 255
#define EAS_DEVICE_ID_MAX_BYTES 32
#define EAS_DEVICE_TYPE_MAX_BYTES 32

#define EAS_QUERY_ERROR (eas_query_error_quark ())
GQuark eas_query_error_quark (void);

typedef enum {
	EAS_QUERY_ERROR_MISSING,	/* a required parameter is absent */
	EAS_QUERY_ERROR_INVALID,	/* a parameter has a bad value or form */
	EAS_QUERY_ERROR_UNKNOWN_COMMAND,
	EAS_QUERY_ERROR_TRUNCATED,	/* base64 blob ends inside a field */
} EasQueryErrorCode;

/* Command codes as in the base64 form. */
typedef enum {
	EAS_CMD_UNKNOWN = -1,
	EAS_CMD_SYNC = 0,
	EAS_CMD_SEND_MAIL = 1,
	EAS_CMD_SMART_FORWARD = 2,
	EAS_CMD_SMART_REPLY = 3,
	EAS_CMD_GET_ATTACHMENT = 4,
	EAS_CMD_FOLDER_SYNC = 9,
	EAS_CMD_FOLDER_CREATE = 10,
	EAS_CMD_FOLDER_DELETE = 11,
	EAS_CMD_FOLDER_UPDATE = 12,
	EAS_CMD_MOVE_ITEMS = 13,
	EAS_CMD_GET_ITEM_ESTIMATE = 14,
	EAS_CMD_MEETING_RESPONSE = 15,
	EAS_CMD_SEARCH = 16,
	EAS_CMD_SETTINGS = 17,
	EAS_CMD_PING = 18,
	EAS_CMD_ITEM_OPERATIONS = 19,
	EAS_CMD_PROVISION = 20,
	EAS_CMD_RESOLVE_RECIPIENTS = 21,
	EAS_CMD_VALIDATE_CERT = 22,
	EAS_CMD_FIND = 23,
} EasCommand;

/* "Sync", "FolderSync" …; NULL for unknown. */
const char *eas_command_name (EasCommand cmd);
/* Case-sensitive, as clients send it; EAS_CMD_UNKNOWN when not a command. */
EasCommand eas_command_from_name (const char *name);

/* Protocol versions as integers ×10: 25, 120, 121, 140, 141, 160, 161. */
typedef guint EasVersion;
/* Parses "2.5", "12.1" … (only the versions above); FALSE otherwise. */
gboolean eas_version_parse (const char *text, EasVersion *out_version);
/* "2.5", "12.1" …; NULL for an unknown value. */
const char *eas_version_to_string (EasVersion version);

typedef struct {
	EasCommand cmd;
	gboolean base64_form;
	char *user;		/* may be NULL (base64 form without User, or plain form without it) */
	char *device_id;	/* validated: 1–32 ASCII alphanumerics (and '-', '_' as clients send) */
	char *device_type;	/* validated: 1–32 printable ASCII, no spaces */
	/* base64 form only (plain form: 0 / FALSE; take them from the headers) */
	EasVersion version;
	guint16 locale;
	gboolean has_policy_key;
	guint32 policy_key;
	/* Command parameters (either form); NULL when absent. */
	char *attachment_name;
	char *collection_id;
	char *item_id;
	char *long_id;
	char *occurrence;
	gboolean save_in_sent;		/* plain: SaveInSent=T; base64: Options bit 0x01 */
	gboolean accept_multipart;	/* base64: Options bit 0x02; plain: header, set by caller */
} EasQuery;

/* Parses the query string (the part after '?', still percent-encoded).
 * Decides the form itself: "Cmd=" present → plain, otherwise base64.
 * Returns NULL + error when a required field is missing or invalid. */
EasQuery *eas_query_parse (const char *query, gsize len, GError **error);
void eas_query_free (EasQuery *query);

/* Encodes a base64-form query (for the test client and the conduit's client).
 * Returns plain base64 (it may contain '+', '/' and '='; escape it with
 * g_uri_escape_string() before putting it in a URI if the peer needs that;
 * eas_query_parse() accepts both).  The query must be valid: cmd known,
 * version one of 121/140/141/160/161, device_id and device_type set and at
 * most 255 bytes, every parameter at most 255 bytes (programming errors
 * otherwise: NULL is returned with a critical warning).  device_id is sent
 * as its text bytes. */
char *eas_query_encode_base64 (const EasQuery *query);

/* TRUE for the versions whose clients may use the base64 form (12.1+). */
gboolean eas_version_has_base64_form (EasVersion version);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasQuery, eas_query_free)

G_END_DECLS
