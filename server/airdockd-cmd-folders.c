/* airdockd-cmd-folders.c — FolderSync, FolderCreate, FolderUpdate and
 * FolderDelete ([MS-ASCMD] 2.2.1.5, 2.2.1.3, 2.2.1.6, 2.2.1.4).
 *
 * The device's hierarchy state is the sync state of collection
 * AIRDOCKD_SYNC_HIERARCHY: the current key, the previous key and the
 * response sent for it, the hierarchy counter the device has seen, and in
 * data the folders the device itself created, renamed or deleted since
 * ("server_id\tmodseq" lines) so that FolderSync does not echo them back.
 */
#include "config.h"

#include <string.h>

#include "eas/eas-foldersync.h"
#include "eas/eas-sync.h"
#include "eas/eas-synckey.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-pim.h"

static void
log_folders (AirdockdRequest *req, GLogLevelFlags level, const char *what, const GError *error)
{
	g_log_structured (G_LOG_DOMAIN, level,
	                  "EAS_USER", req->user_name,
	                  "EAS_DEVICE_ID", req->query->device_id,
	                  "EAS_CMD", eas_command_name (req->query->cmd),
	                  "MESSAGE", "%s: %s: %s", eas_command_name (req->query->cmd), what,
	                  error ? error->message : "");
}

static EasNode *
parse_body (AirdockdRequest *req, GError **error)
{
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (req->body, &len);

	return eas_wbxml_parse (data, len, NULL, error);
}

/* NULL without error when the device has no hierarchy state yet. */
static AirdockdSyncState *
hierarchy_state (AirdockdRequest *req, GError **error)
{
	g_autoptr (GError) local = NULL;
	AirdockdSyncState *state = airdockd_store_sync_state_get (req->store, req->user_id, req->device_id,
	                                                          AIRDOCKD_SYNC_HIERARCHY, &local);

	if (state == NULL && !g_error_matches (local, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND))
		g_propagate_error (error, g_steal_pointer (&local));
	return state;
}

static char *
next_key (const char *current)
{
	EasSyncKey key = { { 0 }, 0 }, next;

	if (current != NULL)
		(void) eas_sync_key_parse (current, strlen (current), &key, NULL);
	eas_sync_key_next (&key, &next);
	return eas_sync_key_to_string (&next);
}

/* ---- echo suppression -------------------------------------------------- */

static gboolean
echo_contains (GBytes *data, const char *server_id, gint64 modseq)
{
	g_autofree char *line = NULL;
	g_autofree char *text = NULL;
	gsize len = 0;
	const char *raw;

	if (data == NULL)
		return FALSE;
	raw = g_bytes_get_data (data, &len);
	/* Lines are "id\tmodseq\n"; search "\nid\tmodseq\n" in "\n" + text. */
	text = g_malloc (len + 2);
	text[0] = '\n';
	memcpy (text + 1, raw, len);
	text[len + 1] = '\0';
	line = g_strdup_printf ("\n%s\t%" G_GINT64_FORMAT "\n", server_id, modseq);
	return strstr (text, line) != NULL;
}

static GBytes *
echo_add (GBytes *data, const char *server_id, gint64 modseq)
{
	GString *s = g_string_new (NULL);

	if (data != NULL) {
		gsize len = 0;
		const char *text = g_bytes_get_data (data, &len);

		g_string_append_len (s, text, (gssize) len);
	}
	g_string_append_printf (s, "%s\t%" G_GINT64_FORMAT "\n", server_id, modseq);
	return g_string_free_to_bytes (s);
}

/* ---- FolderSync ---------------------------------------------------------- */

static void
add_folder (GPtrArray *out, const AirdockdFolder *f, EasVersion version)
{
	if (!airdockd_pim_folder_offered (f->type, version))
		return;
	g_ptr_array_add (out, eas_folder_new (f->server_id, f->parent_id, f->display_name, f->type));
}

/* Key 0: the whole hierarchy as Adds.  A known device keeps its collection
 * states: clients send 0 to refresh the list, not to start over. */
static EasFolderSyncResponse *
folder_sync_full (AirdockdRequest *req, gint64 *out_modseq, GError **error)
{
	gint64 modseq = airdockd_store_folder_modseq (req->store, req->user_id, error);
	g_autoptr (GPtrArray) folders = NULL;
	g_autoptr (EasFolderSyncResponse) resp = NULL;

	if (modseq < 0)
		return NULL;
	folders = airdockd_store_folder_list (req->store, req->user_id, error);
	if (folders == NULL)
		return NULL;
	resp = eas_folder_sync_response_new (EAS_FOLDER_STATUS_OK, NULL);
	for (guint i = 0; i < folders->len; i++) {
		const AirdockdFolder *f = g_ptr_array_index (folders, i);

		add_folder (resp->adds, f, req->version);
		modseq = MAX (modseq, f->modseq);
	}
	*out_modseq = modseq;
	return g_steal_pointer (&resp);
}

static EasFolderSyncResponse *
folder_sync_changes (AirdockdRequest *req, const AirdockdSyncState *state, gint64 *out_modseq,
                     GError **error)
{
	gint64 modseq = airdockd_store_folder_modseq (req->store, req->user_id, error);
	g_autoptr (GPtrArray) changes = NULL;
	g_autoptr (EasFolderSyncResponse) resp = NULL;

	if (modseq < 0)
		return NULL;
	changes = airdockd_store_folder_changes (req->store, req->user_id, state->last_modseq, error);
	if (changes == NULL)
		return NULL;
	resp = eas_folder_sync_response_new (EAS_FOLDER_STATUS_OK, NULL);
	for (guint i = 0; i < changes->len; i++) {
		const AirdockdFolder *f = g_ptr_array_index (changes, i);

		modseq = MAX (modseq, f->modseq);
		if (echo_contains (state->data, f->server_id, f->modseq))
			continue;
		if (f->deleted || f->change == AIRDOCKD_CHANGE_DELETE)
			g_ptr_array_add (resp->deletes, g_strdup (f->server_id));
		else
			add_folder (f->change == AIRDOCKD_CHANGE_ADD ? resp->adds : resp->updates, f, req->version);
	}
	*out_modseq = modseq;
	return g_steal_pointer (&resp);
}

static void
folder_sync_status (AirdockdRequest *req, EasFolderStatus status)
{
	g_autoptr (EasFolderSyncResponse) resp = eas_folder_sync_response_new (status, NULL);

	airdockd_request_set_wbxml (req, eas_folder_sync_response_encode (resp));
}

/* Records a successful FolderSync (device administration shows it); the
 * answer stands even when that fails. */
static void
touch_hierarchy (AirdockdRequest *req)
{
	g_autoptr (GError) error = NULL;

	if (!airdockd_store_sync_state_touch (req->store, req->user_id, req->device_id,
	                                      AIRDOCKD_SYNC_HIERARCHY, &error))
		log_folders (req, G_LOG_LEVEL_WARNING, "recording the sync time", error);
}

/* Hands out the next key with resp and keeps it as the previous response
 * (or, when nothing changed, answers the current key again). */
static void
folder_sync_reply (AirdockdRequest *req, EasSyncKeyMatch match, const AirdockdSyncState *state,
                   EasFolderSyncResponse *resp, gint64 modseq)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) body = NULL;
	gboolean initial = match == EAS_SYNC_KEY_MATCH_INITIAL;

	/* Nothing new: the same key again, no new state. */
	if (!initial && resp->adds->len == 0 && resp->updates->len == 0 && resp->deletes->len == 0) {
		resp->sync_key = g_strdup (state->sync_key);
		airdockd_request_set_wbxml (req, eas_folder_sync_response_encode (resp));
		touch_hierarchy (req);
		return;
	}
	resp->sync_key = next_key (initial ? NULL : state->sync_key);
	body = eas_folder_sync_response_encode (resp);
	AirdockdSyncState next = {
		.sync_key = resp->sync_key,
		.prev_key = initial ? NULL : state->sync_key,
		.prev_response = initial ? NULL : body,
		.last_modseq = modseq,
	};
	if (!airdockd_store_sync_state_put (req->store, req->user_id, req->device_id,
	                                    AIRDOCKD_SYNC_HIERARCHY, &next, &error)) {
		log_folders (req, G_LOG_LEVEL_WARNING, "storing state", error);
		folder_sync_status (req, EAS_FOLDER_STATUS_SERVER_ERROR);
		return;
	}
	airdockd_request_set_wbxml (req, g_steal_pointer (&body));
	touch_hierarchy (req);
}

void
airdockd_cmd_folder_sync (AirdockdRequest *req)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = parse_body (req, &error);
	g_autofree char *key = root ? eas_folder_sync_request_decode (root, &error) : NULL;
	g_autoptr (AirdockdSyncState) state = NULL;
	g_autoptr (EasFolderSyncResponse) resp = NULL;
	EasSyncKeyMatch match;
	gint64 modseq = 0;

	if (key == NULL) {
		log_folders (req, G_LOG_LEVEL_INFO, "bad request", error);
		folder_sync_status (req, EAS_FOLDER_STATUS_MALFORMED);
		return;
	}
	state = hierarchy_state (req, &error);
	if (error != NULL) {
		log_folders (req, G_LOG_LEVEL_WARNING, "reading state", error);
		folder_sync_status (req, EAS_FOLDER_STATUS_SERVER_ERROR);
		return;
	}
	match = eas_sync_key_classify (key, strlen (key), state ? state->sync_key : NULL,
	                               state ? state->prev_key : NULL);
	/* [MS-ASCMD] 2.2.3.181.2: a lost response is asked for again with the
	 * previous key; it gets the same answer. */
	if (match == EAS_SYNC_KEY_MATCH_PREVIOUS && state->prev_response != NULL) {
		airdockd_request_set_wbxml (req, g_bytes_ref (state->prev_response));
		return;
	}
	if (match == EAS_SYNC_KEY_MATCH_UNKNOWN || match == EAS_SYNC_KEY_MATCH_PREVIOUS) {
		folder_sync_status (req, EAS_FOLDER_STATUS_INVALID_SYNC_KEY);
		return;
	}
	if (match == EAS_SYNC_KEY_MATCH_INITIAL)
		resp = folder_sync_full (req, &modseq, &error);
	else
		resp = folder_sync_changes (req, state, &modseq, &error);
	if (resp == NULL) {
		log_folders (req, G_LOG_LEVEL_WARNING, "reading folders", error);
		folder_sync_status (req, EAS_FOLDER_STATUS_SERVER_ERROR);
		return;
	}
	folder_sync_reply (req, match, state, resp, modseq);
}

/* ---- FolderCreate / FolderUpdate / FolderDelete --------------------------- */

static EasFolderStatus
status_for_store_error (const GError *error)
{
	if (error->domain != AIRDOCKD_STORE_ERROR)
		return EAS_FOLDER_STATUS_SERVER_ERROR;
	switch (error->code) {
	case AIRDOCKD_STORE_ERROR_EXISTS: return EAS_FOLDER_STATUS_EXISTS;
	case AIRDOCKD_STORE_ERROR_SPECIAL_FOLDER: return EAS_FOLDER_STATUS_SPECIAL;
	case AIRDOCKD_STORE_ERROR_NOT_FOUND: return EAS_FOLDER_STATUS_NOT_FOUND;
	case AIRDOCKD_STORE_ERROR_PARENT: return EAS_FOLDER_STATUS_PARENT_NOT_FOUND;
	case AIRDOCKD_STORE_ERROR_INVALID: return EAS_FOLDER_STATUS_MALFORMED;
	case AIRDOCKD_STORE_ERROR_TOO_LARGE: return EAS_FOLDER_STATUS_MALFORMED;
	default: return EAS_FOLDER_STATUS_SERVER_ERROR;
	}
}

/* [MS-ASCMD] 2.2.3.186.2: clients create only user folders. */
static gboolean
is_user_folder_type (guint type)
{
	return type == AIRDOCKD_FOLDER_USER_GENERIC ||
	       (type >= AIRDOCKD_FOLDER_USER_MAIL && type <= AIRDOCKD_FOLDER_USER_NOTES);
}

/* Applies the operation; returns the server id it touched and that
 * folder's counter afterwards (for echo suppression). */
static gboolean
apply_folder_op (AirdockdRequest *req, const EasFolderChangeRequest *op, char **out_server_id,
                 gint64 *out_modseq, GError **error)
{
	g_autoptr (AirdockdFolder) folder = NULL;
	gint64 modseq;

	switch (op->op) {
	case EAS_FOLDER_OP_CREATE:
		/* A Notes folder before 14.0 would be one the device never sees. */
		if (!is_user_folder_type (op->type) || !airdockd_pim_folder_offered (op->type, req->version)) {
			g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_INVALID, "not a user folder type");
			return FALSE;
		}
		folder = airdockd_store_folder_create (req->store, req->user_id, op->parent_id,
		                                       op->display_name, op->type, error);
		if (folder == NULL)
			return FALSE;
		*out_server_id = g_strdup (folder->server_id);
		*out_modseq = folder->modseq;
		return TRUE;
	case EAS_FOLDER_OP_UPDATE:
		if (!airdockd_store_folder_update (req->store, req->user_id, op->server_id, op->parent_id,
		                                   op->display_name, error))
			return FALSE;
		break;
	case EAS_FOLDER_OP_DELETE:
	default:
		if (!airdockd_store_folder_delete (req->store, req->user_id, op->server_id, error))
			return FALSE;
		break;
	}
	/* The operation's own counter: nothing else runs between the call and
	 * this read (one thread, one transaction around both). */
	modseq = airdockd_store_folder_modseq (req->store, req->user_id, error);
	if (modseq < 0)
		return FALSE;
	*out_server_id = g_strdup (op->server_id);
	*out_modseq = modseq;
	return TRUE;
}

static void
folder_change_reply (AirdockdRequest *req, EasFolderOp op, EasFolderStatus status,
                     const char *key, const char *server_id)
{
	airdockd_request_set_wbxml (req, eas_folder_change_response_encode (op, status, key, server_id));
}

static EasFolderStatus
folder_change_locked (AirdockdRequest *req, const EasFolderChangeRequest *op,
                      AirdockdSyncState *state, char **out_key, char **out_server_id, GError **error)
{
	g_autofree char *server_id = NULL;
	g_autoptr (GBytes) data = NULL;
	gint64 modseq = 0;

	if (!apply_folder_op (req, op, &server_id, &modseq, error))
		return status_for_store_error (*error);
	data = echo_add (state->data, server_id, modseq);
	g_autofree char *key = next_key (state->sync_key);
	/* The FolderSync previous response no longer matches this key. */
	AirdockdSyncState next = {
		.sync_key = key,
		.options = state->options,
		.last_modseq = state->last_modseq,
		.data = data,
	};
	if (!airdockd_store_sync_state_put (req->store, req->user_id, req->device_id,
	                                    AIRDOCKD_SYNC_HIERARCHY, &next, error))
		return EAS_FOLDER_STATUS_SERVER_ERROR;
	*out_key = g_steal_pointer (&key);
	*out_server_id = g_steal_pointer (&server_id);
	return EAS_FOLDER_STATUS_OK;
}

static void
folder_change (AirdockdRequest *req)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = parse_body (req, &error);
	g_autoptr (EasFolderChangeRequest) op = root ? eas_folder_change_request_decode (root, &error) : NULL;
	g_autoptr (AirdockdSyncState) state = NULL;
	g_autofree char *key = NULL;
	g_autofree char *server_id = NULL;
	EasFolderOp kind = req->query->cmd == EAS_CMD_FOLDER_CREATE ? EAS_FOLDER_OP_CREATE
		: req->query->cmd == EAS_CMD_FOLDER_UPDATE ? EAS_FOLDER_OP_UPDATE : EAS_FOLDER_OP_DELETE;
	EasFolderStatus status;

	if (op == NULL || op->op != kind) {
		log_folders (req, G_LOG_LEVEL_INFO, "bad request", error);
		folder_change_reply (req, kind, EAS_FOLDER_STATUS_MALFORMED, NULL, NULL);
		return;
	}
	state = hierarchy_state (req, &error);
	if (error != NULL) {
		log_folders (req, G_LOG_LEVEL_WARNING, "reading state", error);
		folder_change_reply (req, kind, EAS_FOLDER_STATUS_SERVER_ERROR, NULL, NULL);
		return;
	}
	if (state == NULL || eas_sync_key_classify (op->sync_key, strlen (op->sync_key), state->sync_key,
	                                            NULL) != EAS_SYNC_KEY_MATCH_CURRENT) {
		folder_change_reply (req, kind, EAS_FOLDER_STATUS_INVALID_SYNC_KEY, NULL, NULL);
		return;
	}
	if (!airdockd_store_begin (req->store, &error)) {
		log_folders (req, G_LOG_LEVEL_WARNING, "begin", error);
		folder_change_reply (req, kind, EAS_FOLDER_STATUS_SERVER_ERROR, NULL, NULL);
		return;
	}
	status = folder_change_locked (req, op, state, &key, &server_id, &error);
	if (status != EAS_FOLDER_STATUS_OK || !airdockd_store_commit (req->store, &error)) {
		airdockd_store_rollback (req->store);
		if (status == EAS_FOLDER_STATUS_OK || status == EAS_FOLDER_STATUS_SERVER_ERROR) {
			status = EAS_FOLDER_STATUS_SERVER_ERROR;
			log_folders (req, G_LOG_LEVEL_WARNING, "store", error);
		}
		folder_change_reply (req, kind, status, NULL, NULL);
		return;
	}
	folder_change_reply (req, kind, EAS_FOLDER_STATUS_OK, key, server_id);
}

void
airdockd_cmd_folder_create (AirdockdRequest *req)
{
	folder_change (req);
}

void
airdockd_cmd_folder_update (AirdockdRequest *req)
{
	folder_change (req);
}

void
airdockd_cmd_folder_delete (AirdockdRequest *req)
{
	folder_change (req);
}
