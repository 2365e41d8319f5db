/* eas-validatecert.h — the ValidateCert command model ([MS-ASCMD] 2.2.1.22):
 * decode the request (certificates as base64 DER), write the response.
 *
 * Pure: no I/O and no X.509 parsing; the server checks each certificate
 * (GnuTLS) and writes one status per certificate, in request order.
 *
 * Limits (why): a client validates the signer of one message and its
 * chain; EAS_VALIDATECERT_MAX_CERTS certificates per list and
 * EAS_VALIDATECERT_MAX_CERT_BYTES of DER each (a 16 KiB certificate is
 * already huge) bound what one request can make us parse.
 *
 * A Certificate whose text is not valid base64 is kept with data NULL: the
 * server answers it with status 17 rather than failing the request.
 *
 * Error domain: EAS_VALIDATECERT_ERROR; the server answers Status 2.
 */
#pragma once

#include <glib.h>

#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define EAS_VALIDATECERT_ERROR (eas_validatecert_error_quark ())
GQuark eas_validatecert_error_quark (void);

typedef enum {
	EAS_VALIDATECERT_ERROR_INVALID,
	EAS_VALIDATECERT_ERROR_LIMIT,
} EasValidateCertErrorCode;

#define EAS_VALIDATECERT_MAX_CERTS 32
#define EAS_VALIDATECERT_MAX_CERT_BYTES 16384

/* [MS-ASCMD] 2.2.3.177.18 (the subset we answer with). */
typedef enum {
	EAS_VALIDATECERT_STATUS_SUCCESS = 1,
	EAS_VALIDATECERT_STATUS_PROTOCOL_ERROR = 2,
	EAS_VALIDATECERT_STATUS_BAD_SIGNATURE = 3,	/* signature does not verify */
	EAS_VALIDATECERT_STATUS_UNTRUSTED = 4,		/* issuer not in the trust store */
	EAS_VALIDATECERT_STATUS_BAD_CHAIN = 5,		/* chain not formed correctly */
	EAS_VALIDATECERT_STATUS_NOT_FOR_EMAIL = 6,	/* key purpose excludes e-mail protection */
	EAS_VALIDATECERT_STATUS_EXPIRED = 7,		/* expired or not yet valid */
	EAS_VALIDATECERT_STATUS_REVOKED = 13,		/* listed in a CRL we hold */
	EAS_VALIDATECERT_STATUS_REVOCATION_UNKNOWN = 14,	/* CheckCRL asked, no CRL to check */
	EAS_VALIDATECERT_STATUS_FAILED = 17,		/* does not parse / could not be checked */
} EasValidateCertStatus;

typedef struct {
	GPtrArray *certificates;	/* GBytes * of DER, or NULL where the base64 was bad */
	GPtrArray *chain;		/* GBytes * (intermediates), NULL entries likewise */
	gboolean check_crl;
} EasValidateCertRequest;

void eas_validatecert_request_free (EasValidateCertRequest *request);

EasValidateCertRequest *eas_validatecert_request_decode (const EasNode *root, GError **error);

/* <ValidateCert><Status>1</Status> then one <Certificate><Status>s</Status>
 * per entry of statuses. */
GBytes *eas_validatecert_encode (const guint *statuses, gsize n);
/* <ValidateCert><Status>status</Status></ValidateCert> */
GBytes *eas_validatecert_encode_status (guint status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasValidateCertRequest, eas_validatecert_request_free)

G_END_DECLS
