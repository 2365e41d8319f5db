/* eas-settings.h — the Settings command model ([MS-ASCMD] 2.2.1.18):
 * request decoder into typed structs and response encoder; also the
 * DeviceInformation block that Provision carries on 14.1+.
 *
 * Pure: no I/O, no logging.  Errors: EAS_SETTINGS_ERROR (and
 * EAS_WBXML_ERROR from the codec, passed through with a prefix).
 */
#pragma once

#include <glib.h>

#include "eas/eas-query.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define EAS_SETTINGS_ERROR (eas_settings_error_quark ())
GQuark eas_settings_error_quark (void);

typedef enum {
	EAS_SETTINGS_ERROR_MALFORMED,	/* unexpected, missing or repeated element (Status 2) */
	EAS_SETTINGS_ERROR_INVALID,	/* a value out of range or too long (Status 5) */
	EAS_SETTINGS_ERROR_CONFLICT,	/* Get and Set in one section (Status 6) */
} EasSettingsErrorCode;

/* Limits (untrusted input):
 * - EAS_SETTINGS_MAX_FIELD_BYTES: one DeviceInformation value (model, IMEI,
 *   user agent …); real values are below 200 bytes.
 * - EAS_SETTINGS_MAX_REPLY_BYTES: one OOF reply message; Exchange caps OOF
 *   messages well below this.
 * - EAS_SETTINGS_MAX_PASSWORD_CHARS: the recovery password of DevicePassword
 *   ([MS-ASCMD] 2.2.3.132.3: at most 255 characters). */
#define EAS_SETTINGS_MAX_FIELD_BYTES 1024
#define EAS_SETTINGS_MAX_REPLY_BYTES (64 * 1024)
#define EAS_SETTINGS_MAX_PASSWORD_CHARS 255

/* ---- DeviceInformation (Settings and, 14.1+, Provision) ------------------ */

typedef struct {
	char *model;
	char *imei;
	char *friendly_name;
	char *os;
	char *os_language;
	char *phone_number;
	char *user_agent;		/* 12.1+ */
	char *mobile_operator;		/* 14.0+ */
	gboolean has_enable_outbound_sms;	/* 14.0+ */
	gboolean enable_outbound_sms;
} EasDeviceInformation;

void eas_device_information_free (EasDeviceInformation *info);

/* Reads a settings:DeviceInformation element: exactly one Set child with
 * the fields above, each at most once and at most
 * EAS_SETTINGS_MAX_FIELD_BYTES. */
EasDeviceInformation *eas_device_information_from_node (const EasNode *node, GError **error);

/* Writes <settings:DeviceInformation><Set>…</Set></…> with the fields
 * that are set (client side). */
void eas_device_information_write (const EasDeviceInformation *info, EasWbxmlWriter *writer);

/* ---- Out of office ------------------------------------------------------------ */

typedef enum {
	EAS_OOF_BODY_TEXT,
	EAS_OOF_BODY_HTML,
} EasOofBodyType;

typedef enum {
	EAS_OOF_STATE_DISABLED = 0,
	EAS_OOF_STATE_GLOBAL = 1,
	EAS_OOF_STATE_TIME_BASED = 2,
} EasOofState;

typedef enum {
	EAS_OOF_INTERNAL,		/* AppliesToInternal */
	EAS_OOF_EXTERNAL_KNOWN,		/* AppliesToExternalKnown */
	EAS_OOF_EXTERNAL_UNKNOWN,	/* AppliesToExternalUnknown */
	EAS_OOF_AUDIENCE_COUNT
} EasOofAudience;

typedef struct {
	gboolean present;	/* an OofMessage for this audience was given */
	gboolean enabled;
	char *reply_message;	/* NULL when absent */
	EasOofBodyType body_type;	/* required with reply_message */
} EasOofMessage;

typedef struct {
	gboolean has_state;
	EasOofState state;
	GDateTime *start_time;	/* UTC; NULL when absent (required for TIME_BASED) */
	GDateTime *end_time;
	EasOofMessage messages[EAS_OOF_AUDIENCE_COUNT];
} EasOofSettings;

EasOofSettings *eas_oof_settings_new (void);
void eas_oof_settings_free (EasOofSettings *oof);

/* ---- Settings request ---------------------------------------------------------- */

typedef struct {
	gboolean oof_get;			/* Oof/Get */
	EasOofBodyType oof_get_body_type;
	EasOofSettings *oof_set;		/* Oof/Set, or NULL */
	char *device_password;			/* DevicePassword/Set/Password, or NULL;
						 * wiped from memory when freed */
	EasDeviceInformation *device_information;	/* DeviceInformation/Set, or NULL */
	gboolean user_information_get;		/* UserInformation/Get */
	gboolean rights_management_get;		/* RightsManagementInformation/Get (14.1+) */
} EasSettingsRequest;

/* Decodes a Settings request body.  Each section at most once; Oof holds
 * either Get or Set.  A section that does not exist in the version
 * (RightsManagementInformation below 14.1) is MALFORMED.  limits may be
 * NULL for the defaults. */
EasSettingsRequest *eas_settings_request_decode (const guint8 *data, gsize len,
                                                 EasVersion version,
                                                 const EasWbxmlLimits *limits,
                                                 GError **error);
/* The same from an already decoded <Settings> root. */
EasSettingsRequest *eas_settings_request_from_node (const EasNode *root, EasVersion version,
                                                    GError **error);
void eas_settings_request_free (EasSettingsRequest *request);

/* Client side: encodes a request with the sections that are set
 * (oof_get, oof_set, device_password, device_information,
 * user_information_get, rights_management_get on 14.1+).  oof_get and
 * oof_set together are a programming error. */
GBytes *eas_settings_encode_request (EasVersion version, const EasSettingsRequest *request);

/* ---- Settings response ---------------------------------------------------------- */

/* Status values of the whole command and of each section ([MS-ASCMD] 2.2.3.177.14). */
typedef enum {
	EAS_SETTINGS_STATUS_SUCCESS = 1,
	EAS_SETTINGS_STATUS_PROTOCOL_ERROR = 2,
	EAS_SETTINGS_STATUS_ACCESS_DENIED = 3,
	EAS_SETTINGS_STATUS_SERVER_UNAVAILABLE = 4,
	EAS_SETTINGS_STATUS_INVALID_ARGUMENTS = 5,
	EAS_SETTINGS_STATUS_CONFLICTING_ARGUMENTS = 6,
	EAS_SETTINGS_STATUS_DENIED_BY_POLICY = 7,
} EasSettingsStatus;

/* A section status of 0 leaves the section out (answer only what was asked). */
typedef struct {
	guint status;				/* the command's Status */
	guint oof_status;
	const EasOofSettings *oof_get;		/* the Oof Get result, or NULL (Set, or failure);
						 * each message's body_type says its format */
	guint device_password_status;
	guint device_information_status;
	guint user_information_status;
	const char *const *email_addresses;	/* NULL-terminated SMTP addresses, primary first */
	const char *display_name;		/* 14.1+ Account form; may be NULL */
	guint rights_management_status;		/* 14.1+: answered with no templates */
} EasSettingsResponse;

/* Encodes the response for this version: UserInformation is
 * EmailAddresses/SmtpAddress below 14.1 and Accounts/Account (with
 * UserDisplayName and PrimarySmtpAddress) from 14.1 on. */
GBytes *eas_settings_encode_response (EasVersion version, const EasSettingsResponse *response);

/* Client side: what a Settings response said.  Section statuses are 0 for
 * sections the response left out. */
typedef struct {
	guint status;
	guint oof_status;
	EasOofSettings *oof;			/* the Oof Get result, or NULL */
	guint device_password_status;
	guint device_information_status;
	guint user_information_status;
	char **email_addresses;			/* NULL-terminated, primary first; NULL when absent */
	char *display_name;			/* 14.1 Account form; NULL when absent */
	guint rights_management_status;
} EasSettingsResult;

/* Limit on addresses read from a server's UserInformation. */
#define EAS_SETTINGS_MAX_ADDRESSES 256

/* Decodes a Settings response (the first Account of the 14.1 form).
 * Unknown elements are skipped; values out of range or over the limits
 * are EAS_SETTINGS_ERROR_INVALID. */
EasSettingsResult *eas_settings_response_decode (const guint8 *data, gsize len,
                                                 const EasWbxmlLimits *limits,
                                                 GError **error);
void eas_settings_result_free (EasSettingsResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasDeviceInformation, eas_device_information_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasOofSettings, eas_oof_settings_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasSettingsRequest, eas_settings_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasSettingsResult, eas_settings_result_free)

G_END_DECLS
