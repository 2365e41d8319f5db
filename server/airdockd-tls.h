/* airdockd-tls.h — the server's TLS certificate.
 *
 * Either the configured PEM files ([server] tls_cert / tls_key) or, when
 * unset, a self-signed certificate generated at first start into data_dir
 * (tls-cert.pem, tls-key.pem with mode 0600) and reused afterwards, until
 * it comes within 30 days of expiry or stops covering [server] hostnames:
 * then a new one is generated.
 * Errors: AIRDOCKD_TLS_ERROR (and G_FILE_ERROR / G_TLS_ERROR from loading).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AIRDOCKD_TLS_ERROR (airdockd_tls_error_quark ())
GQuark airdockd_tls_error_quark (void);

typedef enum {
	AIRDOCKD_TLS_ERROR_GENERATE,	/* GnuTLS refused a generation step */
	AIRDOCKD_TLS_ERROR_WRITE,	/* could not write the files */
} AirdockdTlsErrorCode;

/* [Apple] certificates valid for more than 825 days are refused. */
#define AIRDOCKD_TLS_VALIDITY_DAYS 825

/* Generates a key (ECDSA P-256) and a self-signed server certificate for
 * hostnames (DNS names; IP literals become IP SANs; 127.0.0.1 is always
 * added) and writes both as PEM.  Overwrites existing files. */
gboolean airdockd_tls_generate (const char * const *hostnames,
                                const char *cert_path,
                                const char *key_path,
                                GError **error);

/* Loads the configured files, or generates/reuses data_dir/tls-*.pem.
 * Returns the certificate (with its key); *out_der (may be NULL) gets the
 * DER bytes of the leaf certificate, as /server.cer serves them. */
GTlsCertificate *airdockd_tls_load (const char *data_dir,
                                    const char *cert_file,
                                    const char *key_file,
                                    const char * const *hostnames,
                                    GBytes **out_der,
                                    GError **error);

G_END_DECLS
