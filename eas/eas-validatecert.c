/* eas-validatecert.c — ValidateCert request decoder and response writer. */
#include "config.h"

#include <string.h>

#include "eas/eas-validatecert.h"

G_DEFINE_QUARK (eas-validatecert-error-quark, eas_validatecert_error)

static gboolean
vc_fail (GError **error, EasValidateCertErrorCode code, EasTag tag, const char *what)
{
	g_set_error (error, EAS_VALIDATECERT_ERROR, code, "ValidateCert: %s: %s", eas_tag_name (tag), what);
	return FALSE;
}

void
eas_validatecert_request_free (EasValidateCertRequest *request)
{
	if (request == NULL)
		return;
	g_clear_pointer (&request->certificates, g_ptr_array_unref);
	g_clear_pointer (&request->chain, g_ptr_array_unref);
	g_free (request);
}

static void
bytes_unref0 (gpointer p)
{
	if (p != NULL)
		g_bytes_unref (p);
}

/* Strict base64 (RFC 4648 4, whitespace allowed between groups): g_base64_decode
 * accepts anything, so check the alphabet and padding first. */
static GBytes *
decode_base64 (const char *text)
{
	g_autoptr (GString) clean = g_string_new (NULL);
	gsize len, pad = 0;
	guchar *data;

	for (const char *p = text; *p != '\0'; p++) {
		if (g_ascii_isspace (*p))
			continue;
		if (*p == '=')
			pad++;
		else if (pad > 0 || !(g_ascii_isalnum (*p) || *p == '+' || *p == '/'))
			return NULL;
		g_string_append_c (clean, *p);
	}
	if (clean->len == 0 || clean->len % 4 != 0 || pad > 2)
		return NULL;
	data = g_base64_decode (clean->str, &len);
	return g_bytes_new_take (data, len);
}

static gboolean
decode_list (const EasNode *list, GPtrArray *out, GError **error)
{
	for (const EasNode *c = list->first_child; c != NULL; c = c->next) {
		if (c->tag != EAS_VALIDATECERT_CERTIFICATE)
			return vc_fail (error, EAS_VALIDATECERT_ERROR_INVALID, c->tag, "unexpected");
		if (out->len == EAS_VALIDATECERT_MAX_CERTS)
			return vc_fail (error, EAS_VALIDATECERT_ERROR_LIMIT, c->tag, "too many");
		/* base64 grows 4/3: the DER limit decides the text limit. */
		if (c->text != NULL && strlen (c->text) > (EAS_VALIDATECERT_MAX_CERT_BYTES / 3 + 1) * 4 + 1024)
			return vc_fail (error, EAS_VALIDATECERT_ERROR_LIMIT, c->tag, "too long");
		g_ptr_array_add (out, c->text != NULL ? decode_base64 (c->text) : NULL);
	}
	return TRUE;
}

EasValidateCertRequest *
eas_validatecert_request_decode (const EasNode *root, GError **error)
{
	g_autoptr (EasValidateCertRequest) r = g_new0 (EasValidateCertRequest, 1);
	const EasNode *certs, *chain;
	guint64 v;

	g_return_val_if_fail (root != NULL, NULL);
	r->certificates = g_ptr_array_new_with_free_func (bytes_unref0);
	r->chain = g_ptr_array_new_with_free_func (bytes_unref0);
	if (root->tag != EAS_VALIDATECERT_VALIDATE_CERT) {
		vc_fail (error, EAS_VALIDATECERT_ERROR_INVALID, root->tag, "root is not ValidateCert");
		return NULL;
	}
	certs = eas_node_child (root, EAS_VALIDATECERT_CERTIFICATES);
	if (certs == NULL || eas_node_next_same (certs) != NULL) {
		vc_fail (error, EAS_VALIDATECERT_ERROR_INVALID, EAS_VALIDATECERT_CERTIFICATES, "need exactly one");
		return NULL;
	}
	if (!decode_list (certs, r->certificates, error))
		return NULL;
	if (r->certificates->len == 0) {
		vc_fail (error, EAS_VALIDATECERT_ERROR_INVALID, EAS_VALIDATECERT_CERTIFICATES, "empty");
		return NULL;
	}
	chain = eas_node_child (root, EAS_VALIDATECERT_CERTIFICATE_CHAIN);
	if (chain != NULL && !decode_list (chain, r->chain, error))
		return NULL;
	if (eas_node_child (root, EAS_VALIDATECERT_CHECK_CRL) != NULL) {
		if (!eas_node_child_uint (root, EAS_VALIDATECERT_CHECK_CRL, 0, 1, &v, NULL)) {
			vc_fail (error, EAS_VALIDATECERT_ERROR_INVALID, EAS_VALIDATECERT_CHECK_CRL, "not 0 or 1");
			return NULL;
		}
		r->check_crl = v == 1;
	}
	return g_steal_pointer (&r);
}

GBytes *
eas_validatecert_encode (const guint *statuses, gsize n)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_VALIDATECERT_VALIDATE_CERT);
	eas_wbxml_writer_uint_element (w, EAS_VALIDATECERT_STATUS, EAS_VALIDATECERT_STATUS_SUCCESS);
	for (gsize i = 0; i < n; i++) {
		eas_wbxml_writer_start (w, EAS_VALIDATECERT_CERTIFICATE);
		eas_wbxml_writer_uint_element (w, EAS_VALIDATECERT_STATUS, statuses[i]);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

GBytes *
eas_validatecert_encode_status (guint status)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_VALIDATECERT_VALIDATE_CERT);
	eas_wbxml_writer_uint_element (w, EAS_VALIDATECERT_STATUS, status);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}
