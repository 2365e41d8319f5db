/* airdockd-cmd-ping.c — Ping ([MS-ASCMD] 2.2.1.13): check, remember, park.
 *
 * The device's last valid Ping is remembered in its device blob "ping" (the
 * Ping request form, eas_ping_request_encode), so an empty Ping reuses it,
 * also after a restart.  A Ping answers at once when a subscribed folder
 * already has changes the device has not synced (its sync state's
 * last_modseq), or is gone (7); otherwise it parks in the push hub. */
#include "config.h"

#include "eas/eas-ping.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-push.h"
#include "server/airdockd-store.h"

#define PING_BLOB "ping"

static void
answer (AirdockdRequest *req, EasPingStatus status, const char * const *folders, gsize n,
        guint limit)
{
	airdockd_request_set_wbxml (req, eas_ping_response_encode (status, folders, n, limit));
}

static EasPingRequest *
load_remembered (AirdockdRequest *req)
{
	g_autoptr (GBytes) blob = NULL;
	g_autoptr (EasNode) root = NULL;

	blob = airdockd_store_device_blob_get (req->store, req->user_id, req->device_id, PING_BLOB, NULL);
	if (blob == NULL)
		return NULL;
	root = eas_wbxml_parse (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), NULL, NULL);
	return root != NULL ? eas_ping_request_decode (root, NULL) : NULL;
}

/* Decodes the body.  NULL: the response (4 or 6) is set. */
static EasPingRequest *
decode (AirdockdRequest *req, guint max_folders)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (req->body, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = NULL;
	EasPingRequest *ping;

	if (len > 0) {
		root = eas_wbxml_parse (data, len, NULL, &error);
		if (root == NULL) {
			airdockd_request_log (req, G_LOG_LEVEL_INFO, "Ping: %s", error->message);
			answer (req, EAS_PING_STATUS_SYNTAX_ERROR, NULL, 0, 0);
			return NULL;
		}
	}
	ping = eas_ping_request_decode (root, &error);
	if (ping == NULL) {
		gboolean limit = g_error_matches (error, EAS_PING_ERROR, EAS_PING_ERROR_LIMIT);

		airdockd_request_log (req, G_LOG_LEVEL_INFO, "Ping: %s", error->message);
		answer (req, limit ? EAS_PING_STATUS_TOO_MANY_FOLDERS : EAS_PING_STATUS_SYNTAX_ERROR,
		        NULL, 0, max_folders);
	}
	return ping;
}

/* Folders with changes the device has not synced yet.  FALSE when a
 * folder is unknown (status 7). */
static gboolean
pending_changes (AirdockdRequest *req, const EasPingRequest *ping, GPtrArray *out_changed)
{
	for (guint i = 0; i < ping->folders->len; i++) {
		const EasPingFolder *f = g_ptr_array_index (ping->folders, i);
		g_autoptr (AirdockdFolder) folder = NULL;
		g_autoptr (AirdockdSyncState) state = NULL;
		guint64 n = 0;

		folder = airdockd_store_folder_get (req->store, req->user_id, f->id, NULL);
		if (folder == NULL)
			return FALSE;
		state = airdockd_store_sync_state_get (req->store, req->user_id, req->device_id, f->id, NULL);
		if (state == NULL || state->sync_key == NULL)
			continue;	/* never synced: nothing to announce until it does */
		if (airdockd_store_item_count_changes (req->store, req->user_id, f->id, state->last_modseq,
		                                       &n, NULL) && n > 0)
			g_ptr_array_add (out_changed, f->id);
	}
	return TRUE;
}

static GBytes *
respond (AirdockdPushReason reason, const char * const *folders, gsize n_folders, gpointer user_data)
{
	switch (reason) {
	case AIRDOCKD_PUSH_CHANGES:
		return eas_ping_response_encode (EAS_PING_STATUS_CHANGES, folders, n_folders, 0);
	case AIRDOCKD_PUSH_HIERARCHY:
		return eas_ping_response_encode (EAS_PING_STATUS_FOLDER_SYNC_REQUIRED, NULL, 0, 0);
	case AIRDOCKD_PUSH_WIPE:
		/* [MS-ASCMD] 2.2.2: common status 140, remote wipe requested. */
		return eas_ping_response_encode (140, NULL, 0, 0);
	case AIRDOCKD_PUSH_EXPIRED:
	case AIRDOCKD_PUSH_ENDED:
	case AIRDOCKD_PUSH_SHUTDOWN:
	default:
		return eas_ping_response_encode (EAS_PING_STATUS_EXPIRED, NULL, 0, 0);
	}
}

static void
remember (AirdockdRequest *req, const EasPingRequest *sent, const EasPingRequest *merged)
{
	g_autoptr (GBytes) blob = NULL;
	g_autoptr (GError) error = NULL;

	if (!sent->has_heartbeat && sent->folders->len == 0)
		return;
	blob = eas_ping_request_encode (merged);
	if (!airdockd_store_device_blob_set (req->store, req->user_id, req->device_id, PING_BLOB, blob, &error))
		airdockd_request_log (req, G_LOG_LEVEL_WARNING, "Ping: remembering: %s", error->message);
}

static void
park (AirdockdRequest *req, AirdockdPush *hub, const EasPingRequest *ping)
{
	AirdockdPushPark park = { 0 };
	g_autoptr (GError) error = NULL;
	GStrvBuilder *b = g_strv_builder_new ();

	for (guint i = 0; i < ping->folders->len; i++)
		g_strv_builder_add (b, ((EasPingFolder *) g_ptr_array_index (ping->folders, i))->id);
	park.folders = g_strv_builder_end (b);
	g_strv_builder_unref (b);
	park.heartbeat = ping->heartbeat;
	park.item_modseq = airdockd_store_item_modseq (req->store, req->user_id, &error);
	if (error == NULL)
		park.folder_modseq = airdockd_store_folder_modseq (req->store, req->user_id, &error);
	if (error != NULL) {
		airdockd_request_log (req, G_LOG_LEVEL_WARNING, "Ping: %s", error->message);
		g_strfreev (park.folders);
		answer (req, EAS_PING_STATUS_SERVER_ERROR, NULL, 0, 0);
		return;
	}
	park.respond = respond;
	if (!airdockd_push_park (hub, req, &park))
		answer (req, EAS_PING_STATUS_EXPIRED, NULL, 0, 0);
}

void
airdockd_cmd_ping (AirdockdRequest *req)
{
	AirdockdPush *hub = airdockd_push_get (req->server);
	EasPingLimits limits = {
		.heartbeat_min = airdockd_push_heartbeat_min (hub),
		.heartbeat_max = airdockd_push_heartbeat_max (hub),
		.max_folders = airdockd_push_max_folders (hub),
	};
	g_autoptr (EasPingRequest) sent = decode (req, limits.max_folders);
	g_autoptr (EasPingRequest) remembered = NULL;
	g_autoptr (EasPingRequest) merged = NULL;
	g_autoptr (GPtrArray) changed = g_ptr_array_new ();
	EasPingStatus status;
	guint limit = 0;

	if (sent == NULL)
		return;
	remembered = load_remembered (req);
	status = eas_ping_request_check (sent, remembered, &limits, &merged, &limit);
	if (status != 0) {
		answer (req, status, NULL, 0, limit);
		return;
	}
	remember (req, sent, merged);
	if (!pending_changes (req, merged, changed)) {
		answer (req, EAS_PING_STATUS_FOLDER_SYNC_REQUIRED, NULL, 0, 0);
		return;
	}
	if (changed->len > 0) {
		answer (req, EAS_PING_STATUS_CHANGES, (const char * const *) changed->pdata, changed->len, 0);
		return;
	}
	park (req, hub, merged);
}
