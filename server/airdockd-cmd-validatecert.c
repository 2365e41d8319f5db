/* airdockd-cmd-validatecert.c — ValidateCert ([MS-ASCMD] 2.2.1.22): checks
 * each certificate with GnuTLS against the [security] trust_store bundle,
 * with the request's CertificateChain as intermediates, for the e-mail
 * protection purpose.
 *
 * CheckCRL: we never fetch CRLs (no network from a request); CRLs found in
 * the trust store file are loaded and always applied, so a certificate they
 * list is revoked (13) whatever CheckCRL says, and one no CRL covers passes.
 */
#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "eas/eas-validatecert.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-http.h"

#define MAX_CHAIN (1 + EAS_VALIDATECERT_MAX_CERTS)

static gnutls_x509_crt_t
import_der (GBytes *der)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d;
	gsize len;

	if (der == NULL)
		return NULL;
	d.data = (unsigned char *) g_bytes_get_data (der, &len);
	d.size = (unsigned int) len;
	if (len == 0 || len > EAS_VALIDATECERT_MAX_CERT_BYTES || gnutls_x509_crt_init (&crt) < 0)
		return NULL;
	if (gnutls_x509_crt_import (crt, &d, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit (crt);
		return NULL;
	}
	return crt;
}

/* Most telling reason first ([MS-ASCMD] 2.2.3.177.18). */
static guint
map_verify (unsigned int v)
{
	if (v == 0)
		return EAS_VALIDATECERT_STATUS_SUCCESS;
	if (v & GNUTLS_CERT_REVOKED)
		return EAS_VALIDATECERT_STATUS_REVOKED;
	if (v & GNUTLS_CERT_SIGNATURE_FAILURE)
		return EAS_VALIDATECERT_STATUS_BAD_SIGNATURE;
	if (v & GNUTLS_CERT_SIGNER_NOT_FOUND)
		return EAS_VALIDATECERT_STATUS_UNTRUSTED;
	if (v & (GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED))
		return EAS_VALIDATECERT_STATUS_EXPIRED;
	if (v & GNUTLS_CERT_PURPOSE_MISMATCH)
		return EAS_VALIDATECERT_STATUS_NOT_FOR_EMAIL;
	if (v & (GNUTLS_CERT_SIGNER_NOT_CA | GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE | GNUTLS_CERT_INSECURE_ALGORITHM))
		return EAS_VALIDATECERT_STATUS_BAD_CHAIN;
	return EAS_VALIDATECERT_STATUS_FAILED;
}

static guint
check_one (gnutls_x509_trust_list_t tl, GBytes *der, gnutls_x509_crt_t *chain, guint n_chain)
{
	gnutls_x509_crt_t list[MAX_CHAIN];
	gnutls_typed_vdata_st purpose = {
		.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (unsigned char *) GNUTLS_KP_EMAIL_PROTECTION,
	};
	unsigned int voutput = 0;
	guint n = 0;
	int rc;

	list[n] = import_der (der);
	if (list[n] == NULL)
		return EAS_VALIDATECERT_STATUS_FAILED;
	n++;
	for (guint i = 0; i < n_chain && n < MAX_CHAIN; i++)
		list[n++] = chain[i];
	rc = gnutls_x509_trust_list_verify_crt2 (tl, list, n, &purpose, 1, 0, &voutput, NULL);
	gnutls_x509_crt_deinit (list[0]);
	if (rc < 0)
		return EAS_VALIDATECERT_STATUS_FAILED;
	return map_verify (voutput);
}

static gnutls_x509_trust_list_t
load_trust (AirdockdRequest *req)
{
	const AirdockdConfig *config = airdockd_server_get_config (req->server);
	gnutls_x509_trust_list_t tl = NULL;
	int rc;

	if (gnutls_x509_trust_list_init (&tl, 0) < 0)
		return NULL;
	/* The same file may carry CRLs ("X509 CRL" blocks). */
	rc = gnutls_x509_trust_list_add_trust_file (tl, config->trust_store, config->trust_store,
	                                            GNUTLS_X509_FMT_PEM, 0, 0);
	if (rc <= 0)
		airdockd_request_log (req, G_LOG_LEVEL_WARNING, "validatecert: no CA in trust store %s",
		                      config->trust_store);
	return tl;
}

void
airdockd_cmd_validate_cert (AirdockdRequest *req)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (req->body, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, NULL, &error);
	g_autoptr (EasValidateCertRequest) vr = NULL;
	gnutls_x509_crt_t chain[EAS_VALIDATECERT_MAX_CERTS];
	guint statuses[EAS_VALIDATECERT_MAX_CERTS];
	guint n_chain = 0;
	gnutls_x509_trust_list_t tl;

	if (root != NULL)
		vr = eas_validatecert_request_decode (root, &error);
	if (vr == NULL) {
		airdockd_request_log (req, G_LOG_LEVEL_INFO, "bad request: %s", error->message);
		airdockd_request_set_wbxml (req, eas_validatecert_encode_status (EAS_VALIDATECERT_STATUS_PROTOCOL_ERROR));
		return;
	}
	tl = load_trust (req);
	if (tl == NULL) {
		airdockd_request_set_wbxml (req, eas_validatecert_encode_status (EAS_VALIDATECERT_STATUS_FAILED));
		return;
	}
	for (guint i = 0; i < vr->chain->len; i++) {
		gnutls_x509_crt_t c = import_der (g_ptr_array_index (vr->chain, i));
		if (c != NULL)
			chain[n_chain++] = c;
	}
	for (guint i = 0; i < vr->certificates->len; i++)
		statuses[i] = check_one (tl, g_ptr_array_index (vr->certificates, i), chain, n_chain);
	for (guint i = 0; i < n_chain; i++)
		gnutls_x509_crt_deinit (chain[i]);
	gnutls_x509_trust_list_deinit (tl, 1);
	airdockd_request_set_wbxml (req, eas_validatecert_encode (statuses, vr->certificates->len));
}
