/* eas-client.c — minimal blocking EAS client for the server tests. */
#include "config.h"

#include <string.h>

#include "tests/server/eas-client.h"

struct _AirdockEasClient {
	SoupSession *session;
	char *base_url;
	GBytes *pinned_der;	/* HTTPS only */
	char *user;
	char *password;
	char *device_id;
	char *device_type;
	EasVersion version;
	gboolean base64;
	guint32 policy_key;
};

void
airdock_eas_response_free (AirdockEasResponse *response)
{
	if (response == NULL)
		return;
	g_clear_pointer (&response->headers, soup_message_headers_unref);
	g_free (response->content_type);
	g_clear_pointer (&response->body, g_bytes_unref);
	g_clear_pointer (&response->tree, eas_node_free);
	g_clear_error (&response->decode_error);
	g_free (response);
}

AirdockEasClient *
airdock_eas_client_new (AirdockHarness *h, gboolean https, const char *user,
                        const char *password, const char *device_id,
                        const char *device_type, EasVersion version)
{
	AirdockEasClient *c = g_new0 (AirdockEasClient, 1);

	c->session = soup_session_new_with_options ("timeout", 60, "idle-timeout", 60, NULL);
	c->base_url = airdock_harness_url (h, https);
	if (https)
		c->pinned_der = airdock_harness_certificate_der (h);
	c->user = g_strdup (user);
	c->password = g_strdup (password);
	c->device_id = g_strdup (device_id);
	c->device_type = g_strdup (device_type);
	c->version = version;
	return c;
}

void
airdock_eas_client_free (AirdockEasClient *c)
{
	if (c == NULL)
		return;
	g_clear_object (&c->session);
	g_free (c->base_url);
	g_clear_pointer (&c->pinned_der, g_bytes_unref);
	g_free (c->user);
	g_free (c->password);
	g_free (c->device_id);
	g_free (c->device_type);
	g_free (c);
}

void
airdock_eas_client_set_base64 (AirdockEasClient *c, gboolean base64)
{
	g_assert_true (!base64 || eas_version_has_base64_form (c->version));
	c->base64 = base64;
}

void
airdock_eas_client_set_password (AirdockEasClient *c, const char *password)
{
	g_free (c->password);
	c->password = g_strdup (password);
}

void
airdock_eas_client_set_policy_key (AirdockEasClient *c, guint32 key)
{
	c->policy_key = key;
}

guint32
airdock_eas_client_get_policy_key (AirdockEasClient *c)
{
	return c->policy_key;
}

EasVersion
airdock_eas_client_get_version (AirdockEasClient *c)
{
	return c->version;
}

static gboolean
accept_pinned (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors,
               gpointer user_data)
{
	AirdockEasClient *c = user_data;
	g_autoptr (GByteArray) der = NULL;

	g_object_get (cert, "certificate", &der, NULL);
	return der != NULL && c->pinned_der != NULL &&
	       der->len == g_bytes_get_size (c->pinned_der) &&
	       memcmp (der->data, g_bytes_get_data (c->pinned_der, NULL), der->len) == 0;
}

static void
add_param (GString *q, const char *name, const char *value)
{
	g_autofree char *escaped = NULL;

	if (value == NULL)
		return;
	escaped = g_uri_escape_string (value, NULL, FALSE);
	g_string_append_printf (q, "&%s=%s", name, escaped);
}

static char *
build_query (AirdockEasClient *c, EasCommand cmd, const EasQuery *params)
{
	EasQuery q = { 0 };
	g_autoptr (GString) s = NULL;

	if (params != NULL)
		q = *params;
	q.cmd = cmd;
	q.user = c->user;
	q.device_id = c->device_id;
	q.device_type = c->device_type;
	if (c->base64) {
		g_autofree char *b64 = NULL;
		q.base64_form = TRUE;
		q.version = c->version;
		q.has_policy_key = c->policy_key != 0;
		q.policy_key = c->policy_key;
		b64 = eas_query_encode_base64 (&q);
		g_assert_nonnull (b64);
		return g_uri_escape_string (b64, NULL, FALSE);
	}
	s = g_string_new ("Cmd=");
	g_string_append (s, eas_command_name (cmd));
	add_param (s, "User", c->user);
	add_param (s, "DeviceId", c->device_id);
	add_param (s, "DeviceType", c->device_type);
	add_param (s, "CollectionId", q.collection_id);
	add_param (s, "ItemId", q.item_id);
	add_param (s, "LongId", q.long_id);
	add_param (s, "Occurrence", q.occurrence);
	add_param (s, "AttachmentName", q.attachment_name);
	if (q.save_in_sent)
		g_string_append (s, "&SaveInSent=T");
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
set_auth (AirdockEasClient *c, SoupMessage *msg)
{
	g_autofree char *pair = NULL;
	g_autofree char *b64 = NULL;
	g_autofree char *value = NULL;

	if (c->password == NULL)
		return;
	pair = g_strdup_printf ("%s:%s", c->user, c->password);
	b64 = g_base64_encode ((const guchar *) pair, strlen (pair));
	value = g_strdup_printf ("Basic %s", b64);
	soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
}

static AirdockEasResponse *
send_message (AirdockEasClient *c, SoupMessage *msg, GError **error)
{
	g_autoptr (AirdockEasResponse) r = g_new0 (AirdockEasResponse, 1);
	SoupMessageHeaders *h;

	g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_pinned), c);
	r->body = soup_session_send_and_read (c->session, msg, NULL, error);
	if (r->body == NULL)
		return NULL;
	h = soup_message_get_response_headers (msg);
	r->http_status = soup_message_get_status (msg);
	r->headers = soup_message_headers_ref (h);
	r->content_type = g_strdup (soup_message_headers_get_content_type (h, NULL));
	if (g_bytes_get_size (r->body) > 0 &&
	    g_strcmp0 (r->content_type, "application/vnd.ms-sync.wbxml") == 0)
		r->tree = eas_wbxml_parse (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body),
		                           NULL, &r->decode_error);
	return g_steal_pointer (&r);
}

AirdockEasResponse *
airdock_eas_client_request (AirdockEasClient *c, const char *method, const char *path,
                            GError **error)
{
	g_autofree char *url = g_strconcat (c->base_url, path, NULL);
	g_autoptr (SoupMessage) msg = soup_message_new (method, url);

	g_assert_nonnull (msg);
	set_auth (c, msg);
	return send_message (c, msg, error);
}

AirdockEasResponse *
airdock_eas_client_post (AirdockEasClient *c, EasCommand cmd, const EasQuery *params,
                         GBytes *body, const char *content_type, GError **error)
{
	g_autofree char *query = build_query (c, cmd, params);
	g_autofree char *url = g_strdup_printf ("%s/Microsoft-Server-ActiveSync?%s", c->base_url, query);
	g_autoptr (SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, url);
	g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
	SoupMessageHeaders *h;

	g_assert_nonnull (msg);
	h = soup_message_get_request_headers (msg);
	set_auth (c, msg);
	if (!c->base64) {
		soup_message_headers_replace (h, "MS-ASProtocolVersion", eas_version_to_string (c->version));
		if (c->policy_key != 0) {
			g_autofree char *key = g_strdup_printf ("%u", c->policy_key);
			soup_message_headers_replace (h, "X-MS-PolicyKey", key);
		}
	}
	soup_message_headers_replace (h, "User-Agent", "airdock-test/1.0");
	soup_message_set_request_body_from_bytes (msg, content_type != NULL ? content_type
	                                          : "application/vnd.ms-sync.wbxml",
	                                          body != NULL ? body : empty);
	return send_message (c, msg, error);
}

AirdockEasResponse *
airdock_eas_client_post_tree (AirdockEasClient *c, EasCommand cmd, const EasNode *root,
                              GError **error)
{
	g_autoptr (GBytes) body = root != NULL ? eas_node_encode (root) : NULL;

	return airdock_eas_client_post (c, cmd, NULL, body, NULL, error);
}

AirdockEasResponse *
airdock_eas_client_folder_sync (AirdockEasClient *c, const char *key, GError **error)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_SYNC);

	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, key);
	return airdock_eas_client_post_tree (c, EAS_CMD_FOLDER_SYNC, root, error);
}

/* ---- Provision ------------------------------------------------------------ */

static const char *
policy_type (EasVersion version)
{
	/* [MS-ASPROV] 2.2.2.41 */
	return version == 25 ? "MS-WAP-Provisioning-XML" : "MS-EAS-Provisioning-WBXML";
}

static EasNode *
provision_request (AirdockEasClient *c, const char *temp_key)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_PROVISION_PROVISION);
	EasNode *policy;

	if (temp_key == NULL && c->version >= 141) {
		EasNode *set = eas_node_append (eas_node_append (root, EAS_SETTINGS_DEVICE_INFORMATION),
		                                EAS_SETTINGS_SET);
		eas_node_append_text (set, EAS_SETTINGS_MODEL, AIRDOCK_EAS_CLIENT_MODEL);
		eas_node_append_text (set, EAS_SETTINGS_FRIENDLY_NAME, AIRDOCK_EAS_CLIENT_FRIENDLY_NAME);
		eas_node_append_text (set, EAS_SETTINGS_OS, AIRDOCK_EAS_CLIENT_OS);
	}
	policy = eas_node_append (eas_node_append (root, EAS_PROVISION_POLICIES), EAS_PROVISION_POLICY);
	eas_node_append_text (policy, EAS_PROVISION_POLICY_TYPE, policy_type (c->version));
	if (temp_key != NULL) {
		eas_node_append_text (policy, EAS_PROVISION_POLICY_KEY, temp_key);
		eas_node_append_text (policy, EAS_PROVISION_STATUS, "1");
	}
	return g_steal_pointer (&root);
}

/* Checks Provision/Status = 1 and Policies/Policy/Status = 1 and returns the key text. */
static const char *
provision_key (const AirdockEasResponse *r, GError **error)
{
	const EasNode *policy;
	const char *key;

	if (r->http_status != 200 || r->tree == NULL ||
	    g_strcmp0 (eas_node_child_text (r->tree, EAS_PROVISION_STATUS), "1") != 0) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
		             "Provision failed: HTTP %u, status %s", r->http_status,
		             r->tree != NULL ? eas_node_child_text (r->tree, EAS_PROVISION_STATUS) : "-");
		return NULL;
	}
	policy = eas_node_path (r->tree, EAS_PROVISION_POLICIES, EAS_PROVISION_POLICY, 0);
	key = policy != NULL ? eas_node_child_text (policy, EAS_PROVISION_POLICY_KEY) : NULL;
	if (key == NULL || g_str_equal (key, "0") ||
	    g_strcmp0 (eas_node_child_text (policy, EAS_PROVISION_STATUS), "1") != 0) {
		g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
		                     "Provision: no policy key or policy status not 1");
		return NULL;
	}
	return key;
}

gboolean
airdock_eas_client_provision (AirdockEasClient *c, AirdockEasResponse **out_phase1,
                              GError **error)
{
	g_autoptr (EasNode) req1 = provision_request (c, NULL);
	g_autoptr (AirdockEasResponse) r1 = NULL;
	g_autoptr (AirdockEasResponse) r2 = NULL;
	g_autoptr (EasNode) req2 = NULL;
	const char *key;
	guint64 final_key = 0;

	c->policy_key = 0;
	r1 = airdock_eas_client_post_tree (c, EAS_CMD_PROVISION, req1, error);
	if (r1 == NULL || (key = provision_key (r1, error)) == NULL)
		return FALSE;
	req2 = provision_request (c, key);
	/* [MS-ASPROV] 3.1.5.1.2: the acknowledgement carries the temporary key. */
	if (!g_ascii_string_to_unsigned (key, 10, 1, G_MAXUINT32, &final_key, error))
		return FALSE;
	c->policy_key = (guint32) final_key;
	r2 = airdock_eas_client_post_tree (c, EAS_CMD_PROVISION, req2, error);
	if (r2 == NULL || (key = provision_key (r2, error)) == NULL ||
	    !g_ascii_string_to_unsigned (key, 10, 1, G_MAXUINT32, &final_key, error))
		return FALSE;
	c->policy_key = (guint32) final_key;
	if (out_phase1 != NULL)
		*out_phase1 = g_steal_pointer (&r1);
	return TRUE;
}
