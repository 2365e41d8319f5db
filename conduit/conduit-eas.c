/* The desktop's EAS client: see conduit-eas.h. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "conduit/conduit-eas.h"
#include "eas/eas-limits.h"
#include "eas/eas-provision.h"
#include "eas/eas-synckey.h"

G_DEFINE_QUARK (conduit-eas-error-quark, conduit_eas_error)

#define DEVICE_TYPE "AirdockDesktop"
#define DEVICE_ID_FILE "eas-device-id"
#define CONTENT_TYPE "application/vnd.ms-sync.wbxml"
/* A response body larger than this is refused: Notes and Tasks windows of
 * 512 items with 4 MiB bodies (EAS_PIM_MAX_BODY_BYTES) cannot need more
 * than the WBXML decoder's own document limit. */
#define MAX_RESPONSE_BYTES EAS_WBXML_DEFAULT_DOCUMENT_BYTES

const char *
conduit_eas_class_name (ConduitEasClass cls)
{
	static const char *const names[] = { "Notes", "Tasks", "Contacts", "Calendar" };

	return (guint) cls < G_N_ELEMENTS (names) ? names[cls] : "?";
}

/* ---- Pure helpers ------------------------------------------------------- */

EasVersion
conduit_eas_pick_version (const char *versions)
{
	g_auto (GStrv) parts = NULL;
	EasVersion best = 0;

	if (versions == NULL)
		return 0;
	parts = g_strsplit (versions, ",", -1);
	for (guint i = 0; parts[i] != NULL; i++) {
		const char *v = g_strstrip (parts[i]);

		/* Notes need 14.0+; we speak 14.1 and 16.1 ([MS-ASNOTE] 1.3). */
		if (strcmp (v, "16.1") == 0)
			best = 161;
		else if (strcmp (v, "14.1") == 0 && best < 141)
			best = 141;
	}
	return best;
}

char *
conduit_eas_http_message (guint status)
{
	switch (status) {
	case 401:
		return g_strdup ("the server refused the user name or password (HTTP 401)");
	case 403:
		return g_strdup ("the server denied access: this desktop may be blocked or ActiveSync "
				 "switched off for the user (HTTP 403)");
	case 404:
		return g_strdup ("no ActiveSync service at this URL (HTTP 404)");
	case 449:
		return g_strdup ("the server asks this desktop to provision again (HTTP 449)");
	case 500:
		return g_strdup ("the server failed on the request (HTTP 500)");
	case 503:
		return g_strdup ("the server is busy or down for maintenance (HTTP 503)");
	default:
		return g_strdup_printf ("the server answered HTTP %u %s", status,
					soup_status_get_phrase (status) != NULL ? soup_status_get_phrase (status) : "");
	}
}

gboolean
conduit_eas_status_needs_provision (guint status)
{
	/* 140: a remote wipe is requested; the Provision that follows says so. */
	return status == 140 || status == 142 || status == 143 || status == 144;
}

EasNode *
conduit_eas_provision_request (EasVersion version, const char *temp_key)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_PROVISION_PROVISION);
	EasNode *policy;

	if (temp_key == NULL && version >= 141) {
		/* [MS-ASPROV] 2.2.2.52: DeviceInformation goes with the first request. */
		EasNode *set = eas_node_append (eas_node_append (root, EAS_SETTINGS_DEVICE_INFORMATION),
						EAS_SETTINGS_SET);

		eas_node_append_text (set, EAS_SETTINGS_MODEL, "Airdock desktop");
		eas_node_append_text (set, EAS_SETTINGS_FRIENDLY_NAME, g_get_host_name ());
		eas_node_append_text (set, EAS_SETTINGS_OS, "Linux");
	}
	policy = eas_node_append (eas_node_append (root, EAS_PROVISION_POLICIES), EAS_PROVISION_POLICY);
	eas_node_append_text (policy, EAS_PROVISION_POLICY_TYPE, EAS_POLICY_TYPE_WBXML);
	if (temp_key != NULL) {
		eas_node_append_text (policy, EAS_PROVISION_POLICY_KEY, temp_key);
		/* [MS-ASPROV] 2.2.2.54.1: 1 = the policy was applied.  A desktop
		 * store has no device lock to enforce; it reports success like
		 * other desktop clients do. */
		eas_node_append_text (policy, EAS_PROVISION_STATUS, "1");
	}
	return g_steal_pointer (&root);
}

gboolean
conduit_eas_provision_parse (const EasNode *root, char **out_key, GError **error)
{
	const EasNode *policy;
	const char *status, *key;
	guint64 n;

	if (root == NULL || root->tag != EAS_PROVISION_PROVISION) {
		g_set_error_literal (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL,
				     "Provision: the response is not a Provision document");
		return FALSE;
	}
	/* [MS-ASPROV] 3.1.5.1.2.1: a RemoteWipe (or AccountOnlyRemoteWipe)
	 * element asks for a wipe: refused without an acknowledgement. */
	if (eas_node_child (root, EAS_PROVISION_REMOTE_WIPE) != NULL ||
	    eas_node_child (root, EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE) != NULL) {
		g_set_error_literal (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_WIPE,
				     "the server asked to wipe this desktop (remote wipe); server sync is "
				     "stopped and no data on the desktop was deleted");
		return FALSE;
	}
	status = eas_node_child_text (root, EAS_PROVISION_STATUS);
	if (g_strcmp0 (status, "1") != 0) {
		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROVISION,
			     "Provision failed with status %s", status != NULL && strlen (status) < 8 ? status : "?");
		return FALSE;
	}
	policy = eas_node_path (root, EAS_PROVISION_POLICIES, EAS_PROVISION_POLICY, 0);
	status = policy != NULL ? eas_node_child_text (policy, EAS_PROVISION_STATUS) : NULL;
	key = policy != NULL ? eas_node_child_text (policy, EAS_PROVISION_POLICY_KEY) : NULL;
	if (g_strcmp0 (status, "1") != 0 || key == NULL ||
	    !g_ascii_string_to_unsigned (key, 10, 1, G_MAXUINT32, &n, NULL)) {
		g_set_error_literal (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROVISION,
				     "Provision: the server sent no usable policy key");
		return FALSE;
	}
	*out_key = g_strdup (key);
	return TRUE;
}

ConduitEasOut *
conduit_eas_out_new (EasSyncCommandType type, const char *id)
{
	ConduitEasOut *out = g_new0 (ConduitEasOut, 1);

	out->type = type;
	out->id = g_strdup (id);
	return out;
}

void
conduit_eas_out_free (ConduitEasOut *out)
{
	if (out == NULL)
		return;
	g_free (out->id);
	eas_note_free (out->note);
	eas_task_free (out->task);
	eas_contact_free (out->contact);
	eas_event_free (out->event);
	g_free (out);
}

static void
write_command (EasWbxmlWriter *w, const ConduitEasOut *cmd, EasVersion version)
{
	static const EasTag tags[] = {
		[EAS_SYNC_CMD_ADD] = EAS_AIRSYNC_ADD,
		[EAS_SYNC_CMD_CHANGE] = EAS_AIRSYNC_CHANGE,
		[EAS_SYNC_CMD_DELETE] = EAS_AIRSYNC_DELETE,
	};

	g_return_if_fail (cmd->type <= EAS_SYNC_CMD_DELETE);
	eas_wbxml_writer_start (w, tags[cmd->type]);
	eas_wbxml_writer_text_element (w, cmd->type == EAS_SYNC_CMD_ADD ? EAS_AIRSYNC_CLIENT_ID
						  : EAS_AIRSYNC_SERVER_ID, cmd->id);
	if (cmd->type != EAS_SYNC_CMD_DELETE &&
	    (cmd->note != NULL || cmd->task != NULL || cmd->contact != NULL || cmd->event != NULL)) {
		eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
		if (cmd->note != NULL)
			eas_note_encode (w, cmd->note, version);
		else if (cmd->task != NULL)
			eas_task_encode (w, cmd->task, version);
		else if (cmd->contact != NULL)
			eas_contact_encode (w, cmd->contact, version);
		else
			eas_event_encode (w, cmd->event, version);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
}

GBytes *
conduit_eas_sync_request_encode (const ConduitEasSyncRequest *req, EasVersion version)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	gboolean initial = g_strcmp0 (req->sync_key, "0") == 0;
	guint window = req->window_size == 0 ? EAS_SYNC_WINDOW_DEFAULT : MIN (req->window_size, EAS_SYNC_WINDOW_MAX);

	eas_wbxml_writer_start (w, EAS_AIRSYNC_SYNC);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COLLECTIONS);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COLLECTION);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SYNC_KEY, req->sync_key);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_COLLECTION_ID, req->collection_id);
	/* [MS-ASCMD] 2.2.3.79: GetChanges must not go with the initial key. */
	if (!initial) {
		eas_wbxml_writer_uint_element (w, EAS_AIRSYNC_GET_CHANGES, req->get_changes ? 1 : 0);
		eas_wbxml_writer_uint_element (w, EAS_AIRSYNC_WINDOW_SIZE, window);
		eas_wbxml_writer_start (w, EAS_AIRSYNC_OPTIONS);
		eas_wbxml_writer_uint_element (w, EAS_AIRSYNC_CONFLICT, req->server_wins ? 1 : 0);
		eas_wbxml_writer_end (w);
	}
	if (!initial && req->commands != NULL && req->commands->len > 0) {
		eas_wbxml_writer_start (w, EAS_AIRSYNC_COMMANDS);
		for (guint i = 0; i < req->commands->len; i++)
			write_command (w, g_ptr_array_index (req->commands, i), version);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

static void
in_free (gpointer p)
{
	ConduitEasIn *in = p;

	g_free (in->server_id);
	eas_note_free (in->note);
	eas_task_free (in->task);
	eas_contact_free (in->contact);
	eas_event_free (in->event);
	g_free (in->error);
	g_free (in);
}

static void
reply_free (gpointer p)
{
	ConduitEasReply *r = p;

	g_free (r->client_id);
	g_free (r->server_id);
	g_free (r);
}

void
conduit_eas_sync_response_free (ConduitEasSyncResponse *resp)
{
	if (resp == NULL)
		return;
	g_free (resp->sync_key);
	g_ptr_array_unref (resp->commands);
	g_ptr_array_unref (resp->replies);
	g_free (resp);
}

static ConduitEasSyncResponse *
response_new (guint status)
{
	ConduitEasSyncResponse *r = g_new0 (ConduitEasSyncResponse, 1);

	r->status = status;
	r->commands = g_ptr_array_new_with_free_func (in_free);
	r->replies = g_ptr_array_new_with_free_func (reply_free);
	return r;
}

static gboolean
protocol_error (GError **error, const char *what)
{
	g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL, "Sync response: %s", what);
	return FALSE;
}

static gboolean
valid_id (const char *id)
{
	return id != NULL && id[0] != '\0' && strlen (id) <= EAS_SYNC_ID_MAX_BYTES;
}

static gboolean
read_status (const EasNode *node, guint *out_status, GError **error)
{
	guint64 n;

	if (!eas_node_child_uint (node, EAS_AIRSYNC_STATUS, 1, 999, &n, NULL))
		return protocol_error (error, "a Status is missing or not a number");
	*out_status = (guint) n;
	return TRUE;
}

static gboolean
parse_in (ConduitEasSyncResponse *r, const EasNode *n, ConduitEasClass cls, EasVersion version,
	  GError **error)
{
	g_autoptr (GError) local = NULL;
	ConduitEasIn *in;
	const char *sid = eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID);
	const EasNode *ad;

	if (!valid_id (sid))
		return protocol_error (error, "a command has no usable ServerId");
	in = g_new0 (ConduitEasIn, 1);
	g_ptr_array_add (r->commands, in);
	in->server_id = g_strdup (sid);
	switch (n->tag) {
	case EAS_AIRSYNC_ADD:
		in->type = EAS_SYNC_CMD_ADD;
		break;
	case EAS_AIRSYNC_CHANGE:
		in->type = EAS_SYNC_CMD_CHANGE;
		break;
	case EAS_AIRSYNC_DELETE:
		in->type = EAS_SYNC_CMD_DELETE;
		return TRUE;
	default:
		in->type = EAS_SYNC_CMD_SOFT_DELETE;
		return TRUE;
	}
	ad = eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA);
	if (ad == NULL) {
		in->error = g_strdup ("no ApplicationData");
		return TRUE;
	}
	switch (cls) {
	case CONDUIT_EAS_NOTES:
		in->note = eas_note_decode (ad, version, &local);
		break;
	case CONDUIT_EAS_TASKS:
		in->task = eas_task_decode (ad, version, &local);
		break;
	case CONDUIT_EAS_CONTACTS:
		in->contact = eas_contact_decode (ad, version, &local);
		break;
	default:
		in->event = eas_event_decode (ad, version, &local);
		break;
	}
	if (local != NULL)
		in->error = g_strdup (local->message);
	return TRUE;
}

static gboolean
parse_reply (ConduitEasSyncResponse *r, const EasNode *n, GError **error)
{
	ConduitEasReply *reply = g_new0 (ConduitEasReply, 1);

	g_ptr_array_add (r->replies, reply);
	reply->type = n->tag == EAS_AIRSYNC_ADD ? EAS_SYNC_CMD_ADD
		      : n->tag == EAS_AIRSYNC_CHANGE ? EAS_SYNC_CMD_CHANGE : EAS_SYNC_CMD_DELETE;
	reply->client_id = g_strdup (eas_node_child_text (n, EAS_AIRSYNC_CLIENT_ID));
	reply->server_id = g_strdup (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID));
	if (!read_status (n, &reply->status, error))
		return FALSE;
	if (reply->type == EAS_SYNC_CMD_ADD && !valid_id (reply->client_id))
		return protocol_error (error, "an Add response has no usable ClientId");
	if (reply->type == EAS_SYNC_CMD_ADD && reply->status == EAS_SYNC_STATUS_OK && !valid_id (reply->server_id))
		return protocol_error (error, "an Add response has no usable ServerId");
	if (reply->server_id != NULL && !valid_id (reply->server_id))
		return protocol_error (error, "a response has a malformed ServerId");
	return TRUE;
}

static gboolean
parse_collection (ConduitEasSyncResponse *r, const EasNode *c, ConduitEasClass cls, EasVersion version,
		  GError **error)
{
	const EasNode *sec;
	const char *key;

	if (!read_status (c, &r->status, error))
		return FALSE;
	if (r->status != EAS_SYNC_STATUS_OK)
		return TRUE;
	key = eas_node_child_text (c, EAS_AIRSYNC_SYNC_KEY);
	if (key == NULL || key[0] == '\0' || strlen (key) > EAS_SYNC_KEY_MAX_BYTES)
		return protocol_error (error, "the collection has no usable SyncKey");
	r->sync_key = g_strdup (key);
	r->more_available = eas_node_child (c, EAS_AIRSYNC_MORE_AVAILABLE) != NULL;
	sec = eas_node_child (c, EAS_AIRSYNC_COMMANDS);
	for (const EasNode *n = sec != NULL ? sec->first_child : NULL; n != NULL; n = n->next) {
		if (n->tag != EAS_AIRSYNC_ADD && n->tag != EAS_AIRSYNC_CHANGE && n->tag != EAS_AIRSYNC_DELETE &&
		    n->tag != EAS_AIRSYNC_SOFT_DELETE)
			continue;
		if (r->commands->len >= EAS_SYNC_MAX_COMMANDS)
			return protocol_error (error, "more commands than a window can hold");
		if (!parse_in (r, n, cls, version, error))
			return FALSE;
	}
	sec = eas_node_child (c, EAS_AIRSYNC_RESPONSES);
	for (const EasNode *n = sec != NULL ? sec->first_child : NULL; n != NULL; n = n->next) {
		if (n->tag != EAS_AIRSYNC_ADD && n->tag != EAS_AIRSYNC_CHANGE && n->tag != EAS_AIRSYNC_DELETE)
			continue;
		if (r->replies->len >= EAS_SYNC_MAX_COMMANDS)
			return protocol_error (error, "more responses than a window can hold");
		if (!parse_reply (r, n, error))
			return FALSE;
	}
	return TRUE;
}

ConduitEasSyncResponse *
conduit_eas_sync_response_parse (const EasNode *root, const char *collection_id, ConduitEasClass cls,
				 EasVersion version, GError **error)
{
	g_autoptr (ConduitEasSyncResponse) r = NULL;
	const EasNode *c;

	/* [MS-ASCMD] 2.2.1.21: an empty response means no changes. */
	if (root == NULL)
		return response_new (EAS_SYNC_STATUS_OK);
	if (root->tag != EAS_AIRSYNC_SYNC) {
		protocol_error (error, "the document is not a Sync response");
		return NULL;
	}
	c = eas_node_path (root, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	for (; c != NULL; c = eas_node_next_same (c)) {
		if (g_strcmp0 (eas_node_child_text (c, EAS_AIRSYNC_COLLECTION_ID), collection_id) == 0)
			break;
	}
	if (c == NULL) {
		guint status = 0;

		/* A whole-request error: <Sync><Status>… */
		if (eas_node_child (root, EAS_AIRSYNC_STATUS) == NULL) {
			protocol_error (error, "the response does not name the collection");
			return NULL;
		}
		if (!read_status (root, &status, error))
			return NULL;
		if (status == EAS_SYNC_STATUS_OK) {
			protocol_error (error, "the response does not name the collection");
			return NULL;
		}
		return response_new (status);
	}
	r = response_new (0);
	if (!parse_collection (r, c, cls, version, error))
		return NULL;
	return g_steal_pointer (&r);
}

gboolean
conduit_eas_ping_response_parse (const EasNode *root, guint *out_status, guint *out_heartbeat, GError **error)
{
	guint64 status, hb = 0;

	if (root == NULL || root->tag != EAS_PING_PING ||
	    !eas_node_child_uint (root, EAS_PING_STATUS, 1, 999, &status, NULL)) {
		g_set_error_literal (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL,
				     "Ping response: not a Ping document with a Status");
		return FALSE;
	}
	/* [MS-ASCMD] 2.2.3.88.2: with Status 5 the server names its bound. */
	if (status == EAS_PING_STATUS_HEARTBEAT_OUT_OF_RANGE &&
	    !eas_node_child_uint (root, EAS_PING_HEARTBEAT_INTERVAL, 1, EAS_SYNC_HEARTBEAT_MAX, &hb, NULL))
		hb = 0;
	*out_status = (guint) status;
	*out_heartbeat = (guint) hb;
	return TRUE;
}

/* ---- The client --------------------------------------------------------- */

struct _ConduitEas {
	ConduitAccount account;		/* copies */
	SoupSession *session;
	char *device_id;
	EasVersion version;
	char *policy_key;
	gboolean provisioned;
};

static char *
load_device_id (const char *config_dir, GError **error)
{
	g_autofree char *dir = config_dir != NULL ? g_strdup (config_dir)
				: g_build_filename (g_get_user_config_dir (), "airdock", NULL);
	g_autofree char *path = g_build_filename (dir, DEVICE_ID_FILE, NULL);
	g_autofree char *text = NULL;
	g_autofree char *id = NULL;

	if (g_file_get_contents (path, &text, NULL, NULL)) {
		g_strstrip (text);
		/* [MS-ASCMD] 2.2.3.58: DeviceId is up to 32 alphanumeric characters. */
		if (text[0] != '\0' && strlen (text) <= 32 && strspn (text, "0123456789ABCDEFabcdef") == strlen (text))
			return g_steal_pointer (&text);
	}
	id = g_strdup_printf ("AD%08X%08X%06X", g_random_int (), g_random_int (), g_random_int () & 0xffffff);
	if (g_mkdir_with_parents (dir, 0700) < 0) {
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", dir, g_strerror (errno));
		return NULL;
	}
	text = g_strconcat (id, "\n", NULL);
	if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error)) {
		g_prefix_error (error, "%s: ", path);
		return NULL;
	}
	return g_steal_pointer (&id);
}

ConduitEas *
conduit_eas_new (const ConduitAccount *account, const char *config_dir, GError **error)
{
	g_autoptr (ConduitEas) eas = g_new0 (ConduitEas, 1);

	g_return_val_if_fail (account != NULL && account->url != NULL && account->user != NULL, NULL);
	eas->account.id = g_strdup (account->id);
	eas->account.url = g_strdup (account->url);
	eas->account.user = g_strdup (account->user);
	eas->account.email = g_strdup (account->email);
	eas->account.cert_sha256 = g_strdup (account->cert_sha256);
	eas->account.password = g_strdup (account->password);
	eas->session = soup_session_new_with_options ("timeout", 60, "idle-timeout", 30,
						      "user-agent", "Airdock-Desktop/" PACKAGE_VERSION, NULL);
	/* A pinned certificate decides alone: without a database every
	 * certificate goes through accept-certificate. */
	if (account->cert_sha256 != NULL)
		soup_session_set_tls_database (eas->session, NULL);
	eas->device_id = load_device_id (config_dir, error);
	if (eas->device_id == NULL)
		return NULL;
	return g_steal_pointer (&eas);
}

void
conduit_eas_free (ConduitEas *eas)
{
	if (eas == NULL)
		return;
	if (eas->account.password != NULL)
		explicit_bzero (eas->account.password, strlen (eas->account.password));
	g_free (eas->account.id);
	g_free (eas->account.url);
	g_free (eas->account.user);
	g_free (eas->account.email);
	g_free (eas->account.cert_sha256);
	g_free (eas->account.password);
	g_clear_object (&eas->session);
	g_free (eas->device_id);
	g_free (eas->policy_key);
	g_free (eas);
}

void
conduit_eas_set_timeout (ConduitEas *eas, guint seconds)
{
	soup_session_set_timeout (eas->session, seconds);
}

const char *
conduit_eas_get_device_id (const ConduitEas *eas)
{
	return eas->device_id;
}

EasVersion
conduit_eas_get_version (const ConduitEas *eas)
{
	return eas->version;
}

static gboolean
accept_certificate (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
	ConduitEas *eas = data;

	(void) msg;
	return conduit_account_certificate_ok (&eas->account, cert, errors);
}

static char *
fingerprint_of (SoupMessage *msg)
{
	GTlsCertificate *cert = soup_message_get_tls_peer_certificate (msg);
	g_autoptr (GByteArray) der = NULL;

	if (cert == NULL)
		return NULL;
	g_object_get (cert, "certificate", &der, NULL);
	return der != NULL ? g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len) : NULL;
}

static void
set_transport_error (ConduitEas *eas, SoupMessage *msg, GError *local, GError **error)
{
	if (g_error_matches (local, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE)) {
		g_autofree char *fp = fingerprint_of (msg);

		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_CERTIFICATE,
			     "%s: the server's certificate is not trusted%s%s%s", eas->account.url,
			     fp != NULL ? " (SHA-256 " : "", fp != NULL ? fp : "", fp != NULL ? ")" : "");
		return;
	}
	g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_NETWORK, "%s: %s", eas->account.url,
		     local->message);
}

static SoupMessage *
new_message (ConduitEas *eas, const char *method, EasCommand cmd)
{
	g_autofree char *url = NULL;
	g_autofree char *user = g_uri_escape_string (eas->account.user, NULL, FALSE);
	g_autofree char *pair = NULL;
	g_autofree char *b64 = NULL;
	g_autofree char *auth = NULL;
	SoupMessage *msg;
	SoupMessageHeaders *h;

	if (cmd == EAS_CMD_UNKNOWN)
		url = g_strdup (eas->account.url);
	else
		url = g_strdup_printf ("%s?Cmd=%s&User=%s&DeviceId=%s&DeviceType=" DEVICE_TYPE, eas->account.url,
				       eas_command_name (cmd), user, eas->device_id);
	msg = soup_message_new (method, url);
	if (msg == NULL)
		return NULL;
	h = soup_message_get_request_headers (msg);
	pair = g_strdup_printf ("%s:%s", eas->account.user, eas->account.password != NULL ? eas->account.password : "");
	b64 = g_base64_encode ((const guchar *) pair, strlen (pair));
	auth = g_strconcat ("Basic ", b64, NULL);
	soup_message_headers_replace (h, "Authorization", auth);
	explicit_bzero (pair, strlen (pair));
	explicit_bzero (auth, strlen (auth));
	if (eas->version != 0)
		soup_message_headers_replace (h, "MS-ASProtocolVersion", eas_version_to_string (eas->version));
	if (eas->policy_key != NULL)
		soup_message_headers_replace (h, "X-MS-PolicyKey", eas->policy_key);
	g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate), eas);
	return msg;
}

/* Sends msg; on HTTP 200 returns the body (*out_status 200), on another
 * status NULL + error, except 449 which returns NULL with *out_status 449
 * and no error (the caller provisions). */
static GBytes *
send_message (ConduitEas *eas, SoupMessage *msg, guint *out_status, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (GBytes) body = soup_session_send_and_read (eas->session, msg, NULL, &local);
	guint status;

	*out_status = 0;
	if (body == NULL) {
		set_transport_error (eas, msg, local, error);
		return NULL;
	}
	status = soup_message_get_status (msg);
	*out_status = status;
	if (status == 449)
		return NULL;
	if (status != 200) {
		g_autofree char *text = conduit_eas_http_message (status);

		g_set_error (error, CONDUIT_EAS_ERROR,
			     status == 401 ? CONDUIT_EAS_ERROR_AUTH : status == 403 ? CONDUIT_EAS_ERROR_DENIED
			     : CONDUIT_EAS_ERROR_HTTP, "%s: %s", eas->account.url, text);
		return NULL;
	}
	if (g_bytes_get_size (body) > MAX_RESPONSE_BYTES) {
		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL,
			     "%s: the response is larger than %u bytes", eas->account.url, MAX_RESPONSE_BYTES);
		return NULL;
	}
	return g_steal_pointer (&body);
}

/* POSTs root for cmd and decodes the answer (NULL tree + no error for an
 * empty body).  *out_status: the HTTP status (449 without error). */
static gboolean
post_tree (ConduitEas *eas, EasCommand cmd, const EasNode *root, GBytes *body_in, EasNode **out_tree,
	   guint *out_status, GError **error)
{
	g_autoptr (SoupMessage) msg = new_message (eas, SOUP_METHOD_POST, cmd);
	g_autoptr (GBytes) body = body_in != NULL ? g_bytes_ref (body_in) : eas_node_encode (root);
	g_autoptr (GBytes) answer = NULL;
	g_autoptr (GError) local = NULL;
	gsize len = 0;
	const guint8 *data;

	*out_tree = NULL;
	if (msg == NULL) {
		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_HTTP, "%s: not a usable URL",
			     eas->account.url);
		return FALSE;
	}
	soup_message_set_request_body_from_bytes (msg, CONTENT_TYPE, body);
	answer = send_message (eas, msg, out_status, error);
	if (answer == NULL)
		return *out_status == 449;
	data = g_bytes_get_data (answer, &len);
	if (len == 0)
		return TRUE;
	*out_tree = eas_wbxml_parse (data, len, NULL, &local);
	if (*out_tree == NULL) {
		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL, "%s: %s response: %s",
			     eas->account.url, eas_command_name (cmd), local->message);
		return FALSE;
	}
	return TRUE;
}

static gboolean
provision (ConduitEas *eas, GError **error)
{
	g_autoptr (EasNode) req1 = conduit_eas_provision_request (eas->version, NULL);
	g_autoptr (EasNode) req2 = NULL;
	g_autoptr (EasNode) r1 = NULL;
	g_autoptr (EasNode) r2 = NULL;
	g_autofree char *temp = NULL;
	g_autofree char *key = NULL;
	guint status;

	g_clear_pointer (&eas->policy_key, g_free);
	if (!post_tree (eas, EAS_CMD_PROVISION, req1, NULL, &r1, &status, error) ||
	    !conduit_eas_provision_parse (r1, &temp, error))
		goto fail;
	/* [MS-ASPROV] 3.1.5.1.2: the acknowledgement carries the temporary key. */
	eas->policy_key = g_strdup (temp);
	req2 = conduit_eas_provision_request (eas->version, temp);
	if (!post_tree (eas, EAS_CMD_PROVISION, req2, NULL, &r2, &status, error) ||
	    !conduit_eas_provision_parse (r2, &key, error))
		goto fail;
	g_free (eas->policy_key);
	eas->policy_key = g_steal_pointer (&key);
	eas->provisioned = TRUE;
	return TRUE;
fail:
	g_prefix_error (error, "Provision: ");
	return FALSE;
}

gboolean
conduit_eas_connect (ConduitEas *eas, GError **error)
{
	g_autoptr (SoupMessage) msg = new_message (eas, SOUP_METHOD_OPTIONS, EAS_CMD_UNKNOWN);
	g_autoptr (GBytes) body = NULL;
	const char *versions;
	guint status;

	if (msg == NULL) {
		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_HTTP, "%s: not a usable URL",
			     eas->account.url);
		return FALSE;
	}
	body = send_message (eas, msg, &status, error);
	if (body == NULL)
		return FALSE;
	/* [MS-ASHTTP] 2.2.4: OPTIONS lists the versions the server speaks. */
	versions = soup_message_headers_get_one (soup_message_get_response_headers (msg), "MS-ASProtocolVersions");
	eas->version = conduit_eas_pick_version (versions);
	if (eas->version == 0) {
		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_VERSION,
			     "%s: the server offers neither ActiveSync 14.1 nor 16.1", eas->account.url);
		return FALSE;
	}
	return provision (eas, error);
}

/* One POST with the re-provisioning rule: HTTP 449, or a status of
 * status_tag at the root in 142–144, provision once and retry. */
static EasNode *
post_provisioned (ConduitEas *eas, EasCommand cmd, GBytes *body, EasTag status_tag, GError **error)
{
	for (guint attempt = 0;; attempt++) {
		g_autoptr (EasNode) tree = NULL;
		guint http = 0;
		guint64 st = 0;

		if (!post_tree (eas, cmd, NULL, body, &tree, &http, error))
			return NULL;
		if (http != 449 && (tree == NULL || !eas_node_child_uint (tree, status_tag, 0, 999, &st, NULL) ||
				    !conduit_eas_status_needs_provision ((guint) st)))
			return g_steal_pointer (&tree);
		if (attempt > 0) {
			g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROVISION,
				     "%s: the server keeps asking for provisioning", eas->account.url);
			return NULL;
		}
		if (!provision (eas, error))
			return NULL;
	}
}

EasFolderSyncResponse *
conduit_eas_folder_sync (ConduitEas *eas, const char *sync_key, GError **error)
{
	g_autoptr (EasNode) req = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_SYNC);
	g_autoptr (GBytes) body = NULL;
	g_autoptr (EasNode) tree = NULL;
	g_autoptr (EasFolderSyncResponse) resp = NULL;
	g_autoptr (GError) local = NULL;

	eas_node_append_text (req, EAS_FOLDERHIERARCHY_SYNC_KEY, sync_key);
	body = eas_node_encode (req);
	tree = post_provisioned (eas, EAS_CMD_FOLDER_SYNC, body, EAS_FOLDERHIERARCHY_STATUS, error);
	if (tree == NULL) {
		if (error == NULL || *error == NULL)
			g_set_error_literal (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL,
					     "FolderSync: empty response");
		return NULL;
	}
	resp = eas_folder_sync_response_decode (tree, &local);
	if (resp == NULL) {
		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL, "FolderSync: %s", local->message);
		return NULL;
	}
	if (resp->status == EAS_FOLDER_STATUS_INVALID_SYNC_KEY) {
		g_set_error_literal (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_SYNC_KEY,
				     "FolderSync: the server forgot the folder SyncKey (status 9)");
		return NULL;
	}
	if (resp->status != EAS_FOLDER_STATUS_OK || resp->sync_key == NULL) {
		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL, "FolderSync failed with status %u",
			     (guint) resp->status);
		return NULL;
	}
	return g_steal_pointer (&resp);
}

ConduitEasSyncResponse *
conduit_eas_sync (ConduitEas *eas, const ConduitEasSyncRequest *req, GError **error)
{
	g_autoptr (GBytes) body = conduit_eas_sync_request_encode (req, eas->version);
	g_autoptr (EasNode) tree = NULL;
	g_autoptr (ConduitEasSyncResponse) resp = NULL;
	g_autoptr (GError) local = NULL;

	tree = post_provisioned (eas, EAS_CMD_SYNC, body, EAS_AIRSYNC_STATUS, &local);
	if (tree == NULL && local != NULL) {
		g_propagate_error (error, g_steal_pointer (&local));
		return NULL;
	}
	resp = conduit_eas_sync_response_parse (tree, req->collection_id, req->cls, eas->version, error);
	if (resp == NULL)
		return NULL;
	switch (resp->status) {
	case EAS_SYNC_STATUS_OK:
		return g_steal_pointer (&resp);
	case EAS_SYNC_STATUS_INVALID_SYNC_KEY:
		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_SYNC_KEY,
			     "Sync %s: the server forgot our SyncKey (status 3)", conduit_eas_class_name (req->cls));
		return NULL;
	case EAS_SYNC_STATUS_HIERARCHY_CHANGED:
		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_HIERARCHY,
			     "Sync %s: the folder hierarchy changed (status 12)", conduit_eas_class_name (req->cls));
		return NULL;
	default:
		g_set_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL, "Sync %s failed with status %u",
			     conduit_eas_class_name (req->cls), resp->status);
		return NULL;
	}
}

/* Seconds a parked Ping may take beyond its heartbeat before we give up. */
#define PING_MARGIN_S 60

gboolean
conduit_eas_ping (ConduitEas *eas, const GPtrArray *folders, guint heartbeat, gboolean *out_changes,
		  GError **error)
{
	g_autoptr (EasPingRequest) req = eas_ping_request_new ();
	guint timeout = soup_session_get_timeout (eas->session);

	for (guint i = 0; i < folders->len; i++) {
		const EasPingFolder *f = g_ptr_array_index (folders, i);
		EasPingFolder *copy = g_new0 (EasPingFolder, 1);

		copy->id = g_strdup (f->id);
		copy->class_name = g_strdup (f->class_name);
		g_ptr_array_add (req->folders, copy);
	}
	req->has_heartbeat = TRUE;
	for (guint attempt = 0;; attempt++) {
		g_autoptr (GBytes) body = NULL;
		g_autoptr (EasNode) tree = NULL;
		guint status = 0, bound = 0;

		req->heartbeat = heartbeat;
		body = eas_ping_request_encode (req);
		soup_session_set_timeout (eas->session, heartbeat + PING_MARGIN_S);
		tree = post_provisioned (eas, EAS_CMD_PING, body, EAS_PING_STATUS, error);
		soup_session_set_timeout (eas->session, timeout);
		if (tree == NULL && error != NULL && *error != NULL)
			return FALSE;
		if (!conduit_eas_ping_response_parse (tree, &status, &bound, error))
			return FALSE;
		if (status == EAS_PING_STATUS_EXPIRED || status == EAS_PING_STATUS_CHANGES) {
			*out_changes = status == EAS_PING_STATUS_CHANGES;
			return TRUE;
		}
		if (status == EAS_PING_STATUS_HEARTBEAT_OUT_OF_RANGE && bound != 0 && attempt == 0) {
			heartbeat = bound;
			continue;
		}
		g_set_error (error, CONDUIT_EAS_ERROR,
			     status == EAS_PING_STATUS_FOLDER_SYNC_REQUIRED ? CONDUIT_EAS_ERROR_HIERARCHY
			     : CONDUIT_EAS_ERROR_PROTOCOL, "Ping failed with status %u", status);
		return FALSE;
	}
}
