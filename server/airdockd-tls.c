/* airdockd-tls.c — self-signed certificate generation with GnuTLS. */
#include "config.h"

#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "server/airdockd-tls.h"

G_DEFINE_QUARK (airdockd-tls-error-quark, airdockd_tls_error)

static void
datum_clear (gnutls_datum_t *d)
{
	gnutls_free (d->data);
	d->data = NULL;
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (gnutls_datum_t, datum_clear)

static gboolean
check (int ret, const char *step, GError **error)
{
	if (ret >= 0)
		return TRUE;
	g_set_error (error, AIRDOCKD_TLS_ERROR, AIRDOCKD_TLS_ERROR_GENERATE,
	             "certificate generation failed at %s: %s", step, gnutls_strerror (ret));
	return FALSE;
}

/* Adds one subjectAltName: an IP literal as iPAddress, anything else as dNSName. */
static gboolean
add_san (gnutls_x509_crt_t crt, const char *name, GError **error)
{
	g_autoptr (GInetAddress) addr = g_inet_address_new_from_string (name);

	if (addr != NULL)
		return check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS,
		                                                    g_inet_address_to_bytes (addr),
		                                                    g_inet_address_get_native_size (addr),
		                                                    GNUTLS_FSAN_APPEND),
		              "subjectAltName", error);
	return check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, name,
	                                                    strlen (name), GNUTLS_FSAN_APPEND),
	              "subjectAltName", error);
}

static gboolean
set_names (gnutls_x509_crt_t crt, const char * const *hostnames, GError **error)
{
	const char *cn = hostnames != NULL && hostnames[0] != NULL ? hostnames[0] : "localhost";
	gboolean have_loopback = FALSE;

	if (!check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
	                                           cn, strlen (cn)), "commonName", error) ||
	    !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
	                                           "Airdock", strlen ("Airdock")), "organizationName", error))
		return FALSE;
	for (guint i = 0; hostnames != NULL && hostnames[i] != NULL; i++) {
		if (g_str_equal (hostnames[i], "127.0.0.1"))
			have_loopback = TRUE;
		if (!add_san (crt, hostnames[i], error))
			return FALSE;
	}
	return have_loopback || add_san (crt, "127.0.0.1", error);
}

/* Serial, validity, key usage: [RFC 5280] 4.1.2.2 (positive, ≤ 20 octets),
 * Apple's 825-day limit, TLS server purpose.  The certificate is also its
 * own CA so that a device can install /server.cer as a trusted root. */
static gboolean
set_attributes (gnutls_x509_crt_t crt, GError **error)
{
	guint8 serial[16];
	time_t now = time (NULL);

	if (!check (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), "serial", error))
		return FALSE;
	serial[0] = (serial[0] & 0x7f) | 0x40;	/* positive, and exactly 16 octets */
	return check (gnutls_x509_crt_set_version (crt, 3), "version", error) &&
	       check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial", error) &&
	       check (gnutls_x509_crt_set_activation_time (crt, now - 3600), "notBefore", error) &&
	       check (gnutls_x509_crt_set_expiration_time (crt, now - 3600 +
	              (time_t) (AIRDOCKD_TLS_VALIDITY_DAYS - 1) * 86400), "notAfter", error) &&
	       check (gnutls_x509_crt_set_basic_constraints (crt, 1, 0), "basicConstraints", error) &&
	       check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
	                                              GNUTLS_KEY_KEY_CERT_SIGN), "keyUsage", error) &&
	       check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0),
	              "extendedKeyUsage", error);
}

static gboolean
set_key_id (gnutls_x509_crt_t crt, GError **error)
{
	guint8 id[64];
	size_t id_len = sizeof id;

	return check (gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1, id, &id_len),
	              "key id", error) &&
	       check (gnutls_x509_crt_set_subject_key_id (crt, id, id_len), "subjectKeyId", error);
}

static gboolean
write_pem (const char *path, const gnutls_datum_t *d, int mode, GError **error)
{
	if (!g_file_set_contents_full (path, (const char *) d->data, d->size,
	                               G_FILE_SET_CONTENTS_CONSISTENT, mode, error)) {
		g_prefix_error (error, "writing %s: ", path);
		return FALSE;
	}
	return TRUE;
}

gboolean
airdockd_tls_generate (const char * const *hostnames, const char *cert_path,
                       const char *key_path, GError **error)
{
	g_auto (gnutls_x509_privkey_t) key = NULL;
	g_auto (gnutls_x509_crt_t) crt = NULL;
	g_auto (gnutls_datum_t) key_pem = { NULL, 0 };
	g_auto (gnutls_datum_t) crt_pem = { NULL, 0 };

	if (!check (gnutls_x509_privkey_init (&key), "key init", error) ||
	    !check (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
	                                          GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
	            "key generation", error) ||
	    !check (gnutls_x509_crt_init (&crt), "certificate init", error) ||
	    !set_attributes (crt, error) ||
	    !set_names (crt, hostnames, error) ||
	    !check (gnutls_x509_crt_set_key (crt, key), "public key", error) ||
	    !set_key_id (crt, error) ||
	    !check (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), "signing", error) ||
	    !check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &crt_pem), "export", error) ||
	    !check (gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &key_pem), "key export", error))
		return FALSE;

	/* Key first, so a certificate on disk always has its key. */
	if (!write_pem (key_path, &key_pem, 0600, error) ||
	    !write_pem (cert_path, &crt_pem, 0644, error))
		return FALSE;
	explicit_bzero (key_pem.data, key_pem.size);
	return TRUE;
}

/* Renew this long before the end of validity (devices start warning). */
#define RENEW_BEFORE_SECONDS (30 * 86400)

/* TRUE when the generated certificate at path still fits: parses, is not
 * about to expire, and covers every configured host name. */
static gboolean
generated_cert_usable (const char *path, const char * const *hostnames)
{
	g_autofree char *pem = NULL;
	gsize len = 0;
	g_auto (gnutls_x509_crt_t) crt = NULL;
	gnutls_datum_t d;

	if (!g_file_get_contents (path, &pem, &len, NULL) || len > G_MAXUINT)
		return FALSE;
	d.data = (unsigned char *) pem;
	d.size = (unsigned int) len;
	if (gnutls_x509_crt_init (&crt) < 0 ||
	    gnutls_x509_crt_import (crt, &d, GNUTLS_X509_FMT_PEM) < 0)
		return FALSE;
	if (gnutls_x509_crt_get_expiration_time (crt) - time (NULL) < RENEW_BEFORE_SECONDS)
		return FALSE;
	for (guint i = 0; hostnames != NULL && hostnames[i] != NULL; i++)
		if (!gnutls_x509_crt_check_hostname (crt, hostnames[i]))
			return FALSE;
	return TRUE;
}

GTlsCertificate *
airdockd_tls_load (const char *data_dir, const char *cert_file, const char *key_file,
                   const char * const *hostnames, GBytes **out_der, GError **error)
{
	g_autofree char *gen_cert = NULL;
	g_autofree char *gen_key = NULL;
	g_autoptr (GTlsCertificate) cert = NULL;
	g_autoptr (GByteArray) der = NULL;

	if (cert_file == NULL || key_file == NULL) {
		gen_cert = g_build_filename (data_dir, "tls-cert.pem", NULL);
		gen_key = g_build_filename (data_dir, "tls-key.pem", NULL);
		/* A new certificate when none exists, when it is about to expire
		 * or when [server] hostnames gained a name it does not cover;
		 * devices then have to trust the new /server.cer. */
		if ((!g_file_test (gen_key, G_FILE_TEST_EXISTS) ||
		     !generated_cert_usable (gen_cert, hostnames)) &&
		    !airdockd_tls_generate (hostnames, gen_cert, gen_key, error))
			return NULL;
		cert_file = gen_cert;
		key_file = gen_key;
	}
	cert = g_tls_certificate_new_from_files (cert_file, key_file, error);
	if (cert == NULL) {
		g_prefix_error (error, "loading %s: ", cert_file);
		return NULL;
	}
	g_object_get (cert, "certificate", &der, NULL);
	if (der == NULL) {
		g_set_error (error, AIRDOCKD_TLS_ERROR, AIRDOCKD_TLS_ERROR_GENERATE,
		             "%s: no certificate", cert_file);
		return NULL;
	}
	if (out_der != NULL)
		*out_der = g_byte_array_free_to_bytes (g_steal_pointer (&der));
	return g_steal_pointer (&cert);
}
