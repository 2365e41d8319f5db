/* test-validatecert.c — ValidateCert over real HTTP against the real
 * airdockd, with a test CA (generated here with GnuTLS) as the configured
 * [security] trust_store: a good e-mail certificate, an unknown issuer,
 * an expired one, a revoked one (CRL in the trust store), a broken
 * signature, a wrong key purpose, blobs that do not parse, bad requests. */
#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <glib/gstdio.h>

#include "eas/eas-validatecert.h"
#include "tests/server/eas-client.h"

#define USER "alice"
#define PASSWORD "s3cret-alice"
#define DAY (24 * 3600)

typedef struct {
	gnutls_x509_crt_t crt;
	gnutls_x509_privkey_t key;
} Cert;

typedef struct {
	AirdockHarness *h;
	AirdockEasClient *c;
	char *store_path;
	Cert ca, other_ca;
	GBytes *good, *unknown, *expired, *revoked, *bad_sig, *wrong_purpose;
} Fixture;

static void
cert_clear (Cert *c)
{
	gnutls_x509_crt_deinit (c->crt);
	gnutls_x509_privkey_deinit (c->key);
}

/* issuer NULL: self-signed CA. */
static void
make_cert (Cert *out, const Cert *issuer, const char *cn, guint serial, time_t from, time_t until,
           const char *purpose)
{
	guint8 sn[2] = { (guint8) (serial >> 8), (guint8) serial };

	g_assert_cmpint (gnutls_x509_privkey_init (&out->key), ==, 0);
	g_assert_cmpint (gnutls_x509_privkey_generate (out->key, GNUTLS_PK_ECDSA,
	                                               GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
	g_assert_cmpint (gnutls_x509_crt_init (&out->crt), ==, 0);
	gnutls_x509_crt_set_version (out->crt, 3);
	gnutls_x509_crt_set_serial (out->crt, sn, sizeof sn);
	gnutls_x509_crt_set_activation_time (out->crt, from);
	gnutls_x509_crt_set_expiration_time (out->crt, until);
	gnutls_x509_crt_set_dn_by_oid (out->crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, (unsigned) strlen (cn));
	gnutls_x509_crt_set_key (out->crt, out->key);
	gnutls_x509_crt_set_basic_constraints (out->crt, issuer == NULL, -1);
	if (issuer == NULL) {
		gnutls_x509_crt_set_key_usage (out->crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
		g_assert_cmpint (gnutls_x509_crt_sign2 (out->crt, out->crt, out->key, GNUTLS_DIG_SHA256, 0), ==, 0);
	} else {
		gnutls_x509_crt_set_key_usage (out->crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
		gnutls_x509_crt_set_key_purpose_oid (out->crt, purpose, 0);
		g_assert_cmpint (gnutls_x509_crt_sign2 (out->crt, issuer->crt, issuer->key, GNUTLS_DIG_SHA256, 0), ==, 0);
	}
}

static GBytes *
leaf_der (const Cert *issuer, const char *cn, guint serial, time_t from, time_t until, const char *purpose,
          gnutls_x509_crt_t *out_crt)
{
	Cert c;
	gnutls_datum_t d;
	GBytes *der;

	make_cert (&c, issuer, cn, serial, from, until, purpose);
	g_assert_cmpint (gnutls_x509_crt_export2 (c.crt, GNUTLS_X509_FMT_DER, &d), ==, 0);
	der = g_bytes_new (d.data, d.size);
	gnutls_free (d.data);
	if (out_crt != NULL) {
		*out_crt = c.crt;
		c.crt = NULL;
	}
	cert_clear (&c);
	return der;
}

static void
write_store (Fixture *f, gnutls_x509_crt_t revoked)
{
	gnutls_x509_crl_t crl;
	gnutls_datum_t ca_pem, crl_pem;
	time_t now = time (NULL);
	g_autofree char *text = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_cmpint (gnutls_x509_crt_export2 (f->ca.crt, GNUTLS_X509_FMT_PEM, &ca_pem), ==, 0);
	g_assert_cmpint (gnutls_x509_crl_init (&crl), ==, 0);
	gnutls_x509_crl_set_version (crl, 2);
	gnutls_x509_crl_set_this_update (crl, now - DAY);
	gnutls_x509_crl_set_next_update (crl, now + 30 * DAY);
	g_assert_cmpint (gnutls_x509_crl_set_crt (crl, revoked, now - 3600), ==, 0);
	g_assert_cmpint (gnutls_x509_crl_sign2 (crl, f->ca.crt, f->ca.key, GNUTLS_DIG_SHA256, 0), ==, 0);
	g_assert_cmpint (gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_PEM, &crl_pem), ==, 0);
	text = g_strdup_printf ("%.*s%.*s", (int) ca_pem.size, ca_pem.data, (int) crl_pem.size, crl_pem.data);
	g_assert_true (g_file_set_contents (f->store_path, text, -1, &error));
	gnutls_free (ca_pem.data);
	gnutls_free (crl_pem.data);
	gnutls_x509_crl_deinit (crl);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("airdock-vc-XXXXXX", &error);
	g_autofree char *extra = NULL;
	time_t now = time (NULL);
	gnutls_x509_crt_t revoked_crt = NULL;
	gsize len;
	guint8 *tampered;

	g_assert_no_error (error);
	f->store_path = g_build_filename (dir, "trust.pem", NULL);
	make_cert (&f->ca, NULL, "Airdock Test CA", 1, now - DAY, now + 365 * DAY, NULL);
	make_cert (&f->other_ca, NULL, "Someone Else CA", 1, now - DAY, now + 365 * DAY, NULL);
	f->good = leaf_der (&f->ca, "alice@example.org", 2, now - DAY, now + 30 * DAY, GNUTLS_KP_EMAIL_PROTECTION, NULL);
	f->unknown = leaf_der (&f->other_ca, "mallory@example.org", 3, now - DAY, now + 30 * DAY,
	                       GNUTLS_KP_EMAIL_PROTECTION, NULL);
	f->expired = leaf_der (&f->ca, "old@example.org", 4, now - 60 * DAY, now - 30 * DAY,
	                       GNUTLS_KP_EMAIL_PROTECTION, NULL);
	f->revoked = leaf_der (&f->ca, "gone@example.org", 5, now - DAY, now + 30 * DAY,
	                       GNUTLS_KP_EMAIL_PROTECTION, &revoked_crt);
	f->wrong_purpose = leaf_der (&f->ca, "www.example.org", 6, now - DAY, now + 30 * DAY,
	                             GNUTLS_KP_TLS_WWW_SERVER, NULL);
	/* The last byte is inside the signature: the DER still parses. */
	tampered = g_bytes_unref_to_data (leaf_der (&f->ca, "bob@example.org", 7, now - DAY, now + 30 * DAY,
	                                            GNUTLS_KP_EMAIL_PROTECTION, NULL), &len);
	tampered[len - 1] ^= 0x01;
	f->bad_sig = g_bytes_new_take (tampered, len);
	write_store (f, revoked_crt);
	gnutls_x509_crt_deinit (revoked_crt);

	extra = g_strdup_printf ("[security]\ntrust_store=%s\n", f->store_path);
	f->h = airdock_harness_start (extra);
	airdock_harness_add_user (f->h, USER, "alice@example.org", PASSWORD);
	f->c = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "VCDEV1", "TestPhone", 141);
	g_assert_true (airdock_eas_client_provision (f->c, NULL, &error));
	g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_autofree char *dir = g_path_get_dirname (f->store_path);

	g_clear_pointer (&f->c, airdock_eas_client_free);
	g_clear_pointer (&f->h, airdock_harness_free);
	g_unlink (f->store_path);
	g_rmdir (dir);
	g_free (f->store_path);
	cert_clear (&f->ca);
	cert_clear (&f->other_ca);
	g_bytes_unref (f->good);
	g_bytes_unref (f->unknown);
	g_bytes_unref (f->expired);
	g_bytes_unref (f->revoked);
	g_bytes_unref (f->bad_sig);
	g_bytes_unref (f->wrong_purpose);
}

static void
add_cert (EasNode *list, GBytes *der)
{
	gsize len;
	const guint8 *p = g_bytes_get_data (der, &len);
	g_autofree char *b64 = g_base64_encode (p, len);

	eas_node_append_text (list, EAS_VALIDATECERT_CERTIFICATE, b64);
}

/* Comma-separated per-certificate statuses, or "status=N" for a global one. */
static char *
validate (Fixture *f, EasNode *root)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) owned = root;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post_tree (f->c, EAS_CMD_VALIDATE_CERT, owned, &error);
	g_autoptr (GString) s = g_string_new (NULL);
	const char *top;

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	top = eas_node_child_text (r->tree, EAS_VALIDATECERT_STATUS);
	if (g_strcmp0 (top, "1") != 0)
		return g_strdup_printf ("status=%s", top);
	for (const EasNode *c = eas_node_child (r->tree, EAS_VALIDATECERT_CERTIFICATE); c != NULL;
	     c = eas_node_next_same (c)) {
		if (s->len > 0)
			g_string_append_c (s, ',');
		g_string_append (s, eas_node_child_text (c, EAS_VALIDATECERT_STATUS));
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_statuses (Fixture *f, gconstpointer data)
{
	EasNode *root = eas_node_new (EAS_VALIDATECERT_VALIDATE_CERT);
	EasNode *certs = eas_node_append (root, EAS_VALIDATECERT_CERTIFICATES);
	g_autofree char *got = NULL;
	static const guint8 junk[] = { 0x30, 0x82, 0x01, 0x00, 0x02, 0x01 };
	g_autoptr (GBytes) junk_der = g_bytes_new_static (junk, sizeof junk);

	add_cert (certs, f->good);
	add_cert (certs, f->unknown);
	add_cert (certs, f->expired);
	add_cert (certs, f->revoked);
	add_cert (certs, f->bad_sig);
	add_cert (certs, f->wrong_purpose);
	add_cert (certs, junk_der);				/* base64 fine, DER not */
	eas_node_append_text (certs, EAS_VALIDATECERT_CERTIFICATE, "not*base64!");
	eas_node_append_text (root, EAS_VALIDATECERT_CHECK_CRL, "1");
	got = validate (f, root);
	g_assert_cmpstr (got, ==, "1,4,7,13,3,6,17,17");
}

/* An intermediate that the client sends in CertificateChain completes the
 * path; without it the leaf's issuer is unknown. */
static void
test_chain (Fixture *f, gconstpointer data)
{
	time_t now = time (NULL);
	Cert inter;
	gnutls_datum_t d;
	g_autoptr (GBytes) inter_der = NULL;
	g_autoptr (GBytes) leaf = NULL;
	EasNode *root, *certs;
	g_autofree char *with = NULL, *without = NULL;

	g_assert_cmpint (gnutls_x509_privkey_init (&inter.key), ==, 0);
	g_assert_cmpint (gnutls_x509_privkey_generate (inter.key, GNUTLS_PK_ECDSA,
	                                               GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
	g_assert_cmpint (gnutls_x509_crt_init (&inter.crt), ==, 0);
	gnutls_x509_crt_set_version (inter.crt, 3);
	gnutls_x509_crt_set_serial (inter.crt, "\x09", 1);
	gnutls_x509_crt_set_activation_time (inter.crt, now - DAY);
	gnutls_x509_crt_set_expiration_time (inter.crt, now + 100 * DAY);
	gnutls_x509_crt_set_dn_by_oid (inter.crt, GNUTLS_OID_X520_COMMON_NAME, 0, "Intermediate", 12);
	gnutls_x509_crt_set_key (inter.crt, inter.key);
	gnutls_x509_crt_set_basic_constraints (inter.crt, 1, -1);
	gnutls_x509_crt_set_key_usage (inter.crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
	g_assert_cmpint (gnutls_x509_crt_sign2 (inter.crt, f->ca.crt, f->ca.key, GNUTLS_DIG_SHA256, 0), ==, 0);
	g_assert_cmpint (gnutls_x509_crt_export2 (inter.crt, GNUTLS_X509_FMT_DER, &d), ==, 0);
	inter_der = g_bytes_new (d.data, d.size);
	gnutls_free (d.data);
	leaf = leaf_der (&inter, "carol@example.org", 10, now - DAY, now + 30 * DAY, GNUTLS_KP_EMAIL_PROTECTION, NULL);
	cert_clear (&inter);

	root = eas_node_new (EAS_VALIDATECERT_VALIDATE_CERT);
	add_cert (eas_node_append (root, EAS_VALIDATECERT_CERTIFICATE_CHAIN), inter_der);
	certs = eas_node_append (root, EAS_VALIDATECERT_CERTIFICATES);
	add_cert (certs, leaf);
	with = validate (f, root);
	g_assert_cmpstr (with, ==, "1");

	root = eas_node_new (EAS_VALIDATECERT_VALIDATE_CERT);
	add_cert (eas_node_append (root, EAS_VALIDATECERT_CERTIFICATES), leaf);
	without = validate (f, root);
	g_assert_cmpstr (without, ==, "4");
}

static void
test_bad_request (Fixture *f, gconstpointer data)
{
	EasNode *root = eas_node_new (EAS_VALIDATECERT_VALIDATE_CERT);
	g_autofree char *got = NULL;
	g_autofree char *got2 = NULL;

	eas_node_append_text (root, EAS_VALIDATECERT_CHECK_CRL, "1");
	got = validate (f, root);
	g_assert_cmpstr (got, ==, "status=2");
	root = eas_node_new (EAS_VALIDATECERT_VALIDATE_CERT);
	eas_node_append (root, EAS_VALIDATECERT_CERTIFICATES);
	got2 = validate (f, root);
	g_assert_cmpstr (got2, ==, "status=2");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/validatecert/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("statuses", test_statuses);
	ADD ("chain", test_chain);
	ADD ("bad-request", test_bad_request);
	return g_test_run ();
}
