/* eas-provision.h — the pure provisioning model ([MS-ASPROV]): the policy,
 * its encodings (EASProvisionDoc for 12.0+, WAP provisioning XML for 2.5),
 * the Provision request decoder, the Provision response encoders, and the
 * decision the HTTP layer takes before running any command.
 *
 * Pure: no I/O, no logging.  Errors: EAS_PROVISION_ERROR (and
 * EAS_WBXML_ERROR from the codec, passed through with a prefix).
 */
#pragma once

#include <glib.h>

#include "eas/eas-query.h"
#include "eas/eas-settings.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define EAS_PROVISION_ERROR (eas_provision_error_quark ())
GQuark eas_provision_error_quark (void);

typedef enum {
	EAS_PROVISION_ERROR_MALFORMED,		/* wrong elements, missing or repeated ones */
	EAS_PROVISION_ERROR_POLICY_TYPE,	/* PolicyType unknown or not of this version:
						 * answer Policy Status 3 (eas_provision_encode_policy_status) */
	EAS_PROVISION_ERROR_INVALID,		/* a value out of range (key, status) */
} EasProvisionErrorCode;

/* ---- The policy ---------------------------------------------------------- */

/* A numeric setting that is not set: sent as an empty element where the
 * spec allows that ("…OrEmpty" types), otherwise as the spec's default. */
#define EAS_POLICY_UNSET (-1)

/* Settings of [MS-ASPROV] 2.2.2.28 EASProvisionDoc.  Numbers are gint32 so
 * that EAS_POLICY_UNSET fits; the comment gives the unit, valid range and
 * the version that introduced the setting (eas_policy_setting_version()).
 * Only settings of the negotiated version are ever sent. */
typedef struct {
	/* 12.0 */
	gboolean device_password_enabled;
	gboolean alphanumeric_device_password_required;
	gboolean password_recovery_enabled;
	gboolean require_storage_card_encryption;
	gboolean attachments_enabled;
	gint32 min_device_password_length;		/* 1–16 or UNSET */
	gint32 max_inactivity_time_device_lock;		/* seconds, 0–9999 or UNSET */
	gint32 max_device_password_failed_attempts;	/* 4–16 or UNSET */
	gint32 max_attachment_size;			/* bytes or UNSET (no limit) */
	gboolean allow_simple_device_password;
	gint32 device_password_expiration;		/* days or UNSET (never) */
	gint32 device_password_history;			/* count, 0 = none */
	/* 12.1 */
	gboolean allow_storage_card;
	gboolean allow_camera;
	gboolean require_device_encryption;
	gboolean allow_unsigned_applications;
	gboolean allow_unsigned_installation_packages;
	gint32 min_device_password_complex_characters;	/* 1–4 */
	gboolean allow_wifi;
	gboolean allow_text_messaging;
	gboolean allow_popimap_email;
	gint32 allow_bluetooth;				/* 0 no, 1 hands-free only, 2 yes */
	gboolean allow_irda;
	gboolean require_manual_sync_when_roaming;
	gboolean allow_desktop_sync;
	gint32 max_calendar_age_filter;			/* 0 all, 4 two weeks, 5 a month, 6 three, 7 six months */
	gboolean allow_html_email;
	gint32 max_email_age_filter;			/* 0 all … 5 a month */
	gint32 max_email_body_truncation_size;		/* KiB, -1 no truncation */
	gint32 max_email_html_body_truncation_size;	/* KiB, -1 no truncation */
	gboolean require_signed_smime_messages;
	gboolean require_encrypted_smime_messages;
	gint32 require_signed_smime_algorithm;		/* 0 SHA-1, 1 MD5 */
	gint32 require_encryption_smime_algorithm;	/* 0 3DES, 1 DES, 2 RC2-128, 3 RC2-64, 4 RC2-40 */
	gint32 allow_smime_encryption_algorithm_negotiation;	/* 0 no, 1 strong only, 2 any */
	gboolean allow_smime_soft_certs;
	gboolean allow_browser;
	gboolean allow_consumer_email;
	gboolean allow_remote_desktop;
	gboolean allow_internet_sharing;
	/* 12.1, NULL-terminated and borrowed (NULL: empty list), at most
	 * EAS_POLICY_MAX_APPLICATIONS entries of 1–EAS_POLICY_MAX_APPLICATION_BYTES. */
	const char *const *approved_application_hashes;	/* ApprovedApplicationList/Hash (SHA-1) */
	const char *const *unapproved_in_rom_applications;	/* UnapprovedInROMApplicationList/ApplicationName */
} EasPolicy;

/* Limits on the application lists (they are also read from servers by the
 * client decoder): administrators list tens of applications, not thousands. */
#define EAS_POLICY_MAX_APPLICATIONS 256
#define EAS_POLICY_MAX_APPLICATION_BYTES 1024

/* The permissive policy: no password, everything allowed, nothing limited. */
void eas_policy_init_default (EasPolicy *policy);
/* Checks every value against its range; FALSE + EAS_PROVISION_ERROR_INVALID
 * naming the setting. */
gboolean eas_policy_validate (const EasPolicy *policy, GError **error);
/* Version that introduced a provisioning tag (EAS_PROVISION_ALLOW_CAMERA →
 * 121); 0 for tags that are not policy settings. */
EasVersion eas_policy_setting_version (EasTag tag);

/* A stable 64-bit digest of the policy exactly as a device of this version
 * sees it (the EASProvisionDoc or WAP document), never 0.  Store it with
 * the acknowledged key; when it differs from the current one the device
 * must re-provision (status 143 / HTTP 449). */
guint64 eas_policy_hash (const EasPolicy *policy, EasVersion version);

/* The 2.5 policy document ([MS-ASPROV] 2.2.2.24.2), NUL-terminated. */
char *eas_policy_to_wap_xml (const EasPolicy *policy);
/* Writes <EASProvisionDoc> with only the settings of this version (12.0+). */
void eas_policy_write_provision_doc (const EasPolicy *policy, EasVersion version,
                                     EasWbxmlWriter *writer);

/* ---- Provision request ---------------------------------------------------- */

#define EAS_POLICY_TYPE_WBXML "MS-EAS-Provisioning-WBXML"	/* 12.0+ */
#define EAS_POLICY_TYPE_WAP_XML "MS-WAP-Provisioning-XML"	/* 2.5 */

typedef enum {
	EAS_PROVISION_REQUEST_INITIAL,		/* phase 1, or an empty <Provision/> */
	EAS_PROVISION_REQUEST_ACKNOWLEDGE,	/* phase 2: policy_key + status */
	EAS_PROVISION_REQUEST_REMOTE_WIPE_ACK,	/* status 1 done, 2 failed */
	EAS_PROVISION_REQUEST_ACCOUNT_ONLY_WIPE_ACK,	/* 16.1; status 1 or 2 */
} EasProvisionRequestKind;

typedef struct {
	EasProvisionRequestKind kind;
	gboolean has_policy_type;	/* FALSE only for an empty INITIAL request */
	guint32 policy_key;		/* ACKNOWLEDGE */
	guint status;			/* ACKNOWLEDGE: 1–4 ([MS-ASPROV] 2.2.2.54.1); wipe acks: 1–2 */
	EasDeviceInformation *device_information;	/* when sent, on 14.1+; else NULL */
} EasProvisionRequest;

/* Decodes a Provision request body of the negotiated version.  An empty
 * body counts as an empty <Provision/>.  The PolicyType must be the one of
 * the version (EAS_PROVISION_ERROR_POLICY_TYPE otherwise);
 * AccountOnlyRemoteWipe is refused below 16.1; DeviceInformation is read on
 * 14.1+ and ignored below (a bad one is EAS_PROVISION_ERROR_MALFORMED).
 * limits may be NULL for the defaults. */
EasProvisionRequest *eas_provision_request_decode (const guint8 *data, gsize len,
                                                   EasVersion version,
                                                   const EasWbxmlLimits *limits,
                                                   GError **error);
void eas_provision_request_free (EasProvisionRequest *request);

/* ---- Provision responses ---------------------------------------------------
 * All return a complete WBXML document.  device_info_status: the
 * settings:DeviceInformation Status to answer (1 success, 2 protocol error)
 * when the request carried DeviceInformation, 0 to leave it out.  Policy
 * keys are never 0 (iOS rejects 0); passing 0 is a programming error. */

/* Phase 1: Provision Status 1, the policy for this version under a
 * temporary key. */
GBytes *eas_provision_encode_policy (EasVersion version, const EasPolicy *policy,
                                     guint32 temporary_key, guint device_info_status);
/* Phase 2 accepted: the final key. */
GBytes *eas_provision_encode_final_key (EasVersion version, guint32 final_key,
                                        guint device_info_status);
/* Policy-level refusal: Provision Status 1 and Policy Status policy_status
 * (2 no policy for this client, 3 unknown PolicyType, 4 policy data
 * corrupt, 5 wrong policy key acknowledged). */
GBytes *eas_provision_encode_policy_status (EasVersion version, guint policy_status);
/* <Provision><Status>1</Status><RemoteWipe/></Provision> */
GBytes *eas_provision_encode_remote_wipe (void);
/* The same with <AccountOnlyRemoteWipe/>; version must be 16.1. */
GBytes *eas_provision_encode_account_only_remote_wipe (EasVersion version);
/* <Provision><Status>status</Status></Provision>: 1 after a wipe
 * acknowledgement, 2 protocol error, 3 server error. */
GBytes *eas_provision_encode_status (guint status);

/* ---- Client side (the conduit's EAS client, test clients) ----------------------- */

/* Phase 1: <Provision>[DeviceInformation (14.1+, when info is set)]<Policies>
 * <Policy><PolicyType> of the version. */
GBytes *eas_provision_encode_initial_request (EasVersion version, const EasDeviceInformation *info);
/* Phase 2: acknowledges temporary_key with status (1 applied … 4). */
GBytes *eas_provision_encode_acknowledgement (EasVersion version, guint32 temporary_key, guint status);
/* Acknowledges <RemoteWipe/> (or, 16.1, <AccountOnlyRemoteWipe/>): status 1 done, 2 failed. */
GBytes *eas_provision_encode_wipe_acknowledgement (EasVersion version, gboolean account_only, guint status);

typedef struct {
	guint status;			/* Provision Status */
	guint device_information_status;	/* 0 when absent */
	gboolean has_policy;		/* a Policy element was present */
	guint policy_status;		/* 0 when absent */
	guint32 policy_key;		/* 0 when absent */
	gboolean has_policy_data;	/* Data present (12.0+: policy below is filled from it) */
	EasPolicy policy;		/* settings the server sent; the rest at their defaults */
	gboolean remote_wipe;
	gboolean account_only_remote_wipe;
	/* Owned storage behind policy's application lists. */
	char **approved_application_hashes;
	char **unapproved_in_rom_applications;
} EasProvisionResponse;

/* Frees the lists a decoded response owns and zeroes it. */
void eas_provision_response_clear (EasProvisionResponse *response);

/* Decodes a Provision response.  Settings in EASProvisionDoc are read into
 * out->policy over eas_policy_init_default(); an empty element means
 * EAS_POLICY_UNSET; a value out of range is EAS_PROVISION_ERROR_INVALID;
 * unknown settings are skipped.  *out is written only on success; release
 * it with eas_provision_response_clear(). */
gboolean eas_provision_response_decode (const guint8 *data, gsize len,
                                        const EasWbxmlLimits *limits,
                                        EasProvisionResponse *out,
                                        GError **error);
/* Reads an <EASProvisionDoc> element's settings into policy (over its
 * current values); the application lists are left alone (they need owned
 * storage: eas_provision_response_decode() reads them). */
gboolean eas_policy_read_provision_doc (const EasNode *doc, EasPolicy *policy, GError **error);

/* ---- The decision before every command -------------------------------------- */

typedef enum {
	EAS_WIPE_NONE,
	EAS_WIPE_PENDING,		/* full wipe requested, not yet acknowledged */
	EAS_WIPE_ACCOUNT_ONLY_PENDING,	/* account-only wipe requested (16.1 devices) */
	EAS_WIPE_DONE,			/* the device acknowledged a wipe: out for good */
} EasWipeState;

typedef struct {
	guint32 acknowledged_key;	/* final key the device acknowledged; 0 = never */
	guint64 acknowledged_hash;	/* eas_policy_hash() when it acknowledged */
	guint64 current_hash;		/* eas_policy_hash() of today's policy, same version */
	EasWipeState wipe;
} EasDeviceProvisioning;

typedef enum {
	EAS_POLICY_ALLOW,
	EAS_POLICY_NOT_PROVISIONED,	/* 142 (14.0+) / HTTP 449 */
	EAS_POLICY_REFRESH,		/* 143 / HTTP 449 */
	EAS_POLICY_INVALID_KEY,		/* 144 / HTTP 449 */
	EAS_POLICY_WIPE_REQUESTED,	/* 140 / HTTP 449 */
	EAS_POLICY_BLOCKED,		/* HTTP 403 */
} EasPolicyVerdict;

typedef struct {
	EasPolicyVerdict verdict;
	guint http_status;	/* 200 (answer in the command's Status), 449 or 403 */
	guint eas_status;	/* 140–144 when http_status is 200 and refused; else 0 */
} EasPolicyDecision;

/* Decides whether a command may run.  client_has_key/client_key: the
 * X-MS-PolicyKey header or the base64 query's key ("0" counts as none).
 * Rules, first match wins ([MS-ASPROV] 3.1.5.1, 3.2.5.1; [MS-ASCMD] 2.2.2):
 *  1. wipe DONE → BLOCKED (every command, Provision too);
 *  2. account-only wipe pending on a device below 16.1 → BLOCKED (it cannot
 *     carry out an account-only wipe; a full wipe is never substituted);
 *  3. Provision → ALLOW (it carries the wipe and the policy itself);
 *  4. wipe pending (either kind) → WIPE_REQUESTED;
 *  5. Ping → ALLOW (clients send no policy key with Ping, [MS-ASPROV] 3.1.5.1);
 *  6. device never acknowledged a policy, or the client sent no key → NOT_PROVISIONED;
 *  7. client key ≠ acknowledged key → INVALID_KEY;
 *  8. acknowledged policy hash ≠ current hash → REFRESH;
 *  9. ALLOW.
 * Refusals are HTTP 449 below 14.0, EAS status 140–144 from 14.0 on;
 * BLOCKED is always HTTP 403. */
void eas_policy_decide (EasVersion version, EasCommand cmd,
                        gboolean client_has_key, guint32 client_key,
                        const EasDeviceProvisioning *device,
                        EasPolicyDecision *out_decision);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasProvisionRequest, eas_provision_request_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EasProvisionResponse, eas_provision_response_clear)

G_END_DECLS
