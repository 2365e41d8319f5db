/* eas-foldersync.c — FolderSync and Folder* models; see eas-foldersync.h. */
#include "config.h"

#include <string.h>

#include "eas/eas-foldersync.h"
#include "eas/eas-sync.h"
#include "eas/eas-synckey.h"

EasFolder *
eas_folder_new (const char *server_id, const char *parent_id, const char *display_name, guint type)
{
	EasFolder *f = g_new0 (EasFolder, 1);

	f->server_id = g_strdup (server_id);
	f->parent_id = g_strdup (parent_id);
	f->display_name = g_strdup (display_name);
	f->type = type;
	return f;
}

void
eas_folder_free (EasFolder *folder)
{
	if (folder == NULL)
		return;
	g_free (folder->server_id);
	g_free (folder->parent_id);
	g_free (folder->display_name);
	g_free (folder);
}

static gboolean
check_root (const EasNode *root, EasTag tag, GError **error)
{
	if (root == NULL || root->tag != tag) {
		g_set_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID, "%s: wrong root element",
		             eas_tag_name (tag));
		return FALSE;
	}
	return TRUE;
}

char *
eas_folder_sync_request_decode (const EasNode *root, GError **error)
{
	char *key = NULL;

	if (!check_root (root, EAS_FOLDERHIERARCHY_FOLDER_SYNC, error) ||
	    !eas_sync_child_string (root, EAS_FOLDERHIERARCHY_SYNC_KEY, EAS_SYNC_KEY_MAX_BYTES, TRUE,
	                            &key, error))
		return NULL;
	return key;
}

EasFolderSyncResponse *
eas_folder_sync_response_new (EasFolderStatus status, const char *sync_key)
{
	EasFolderSyncResponse *r = g_new0 (EasFolderSyncResponse, 1);

	r->status = status;
	r->sync_key = g_strdup (sync_key);
	r->adds = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_folder_free);
	r->updates = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_folder_free);
	r->deletes = g_ptr_array_new_with_free_func (g_free);
	return r;
}

void
eas_folder_sync_response_free (EasFolderSyncResponse *resp)
{
	if (resp == NULL)
		return;
	g_free (resp->sync_key);
	g_clear_pointer (&resp->adds, g_ptr_array_unref);
	g_clear_pointer (&resp->updates, g_ptr_array_unref);
	g_clear_pointer (&resp->deletes, g_ptr_array_unref);
	g_free (resp);
}

static void
write_folder (EasWbxmlWriter *w, EasTag tag, const EasFolder *f)
{
	eas_wbxml_writer_start (w, tag);
	eas_wbxml_writer_text_element (w, EAS_FOLDERHIERARCHY_SERVER_ID, f->server_id);
	eas_wbxml_writer_text_element (w, EAS_FOLDERHIERARCHY_PARENT_ID, f->parent_id ? f->parent_id : "0");
	eas_wbxml_writer_text_element (w, EAS_FOLDERHIERARCHY_DISPLAY_NAME, f->display_name ? f->display_name : "");
	eas_wbxml_writer_uint_element (w, EAS_FOLDERHIERARCHY_TYPE, f->type);
	eas_wbxml_writer_end (w);
}

/* [MS-ASCMD] 2.2.1.5: Status, SyncKey, Changes (Count, Update, Delete, Add). */
GBytes *
eas_folder_sync_response_encode (const EasFolderSyncResponse *resp)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	g_return_val_if_fail (resp != NULL, NULL);

	eas_wbxml_writer_start (w, EAS_FOLDERHIERARCHY_FOLDER_SYNC);
	eas_wbxml_writer_uint_element (w, EAS_FOLDERHIERARCHY_STATUS, resp->status);
	if (resp->status == EAS_FOLDER_STATUS_OK && resp->sync_key != NULL) {
		eas_wbxml_writer_text_element (w, EAS_FOLDERHIERARCHY_SYNC_KEY, resp->sync_key);
		eas_wbxml_writer_start (w, EAS_FOLDERHIERARCHY_CHANGES);
		eas_wbxml_writer_uint_element (w, EAS_FOLDERHIERARCHY_COUNT,
		                               resp->adds->len + resp->updates->len + resp->deletes->len);
		for (guint i = 0; i < resp->updates->len; i++)
			write_folder (w, EAS_FOLDERHIERARCHY_UPDATE, g_ptr_array_index (resp->updates, i));
		for (guint i = 0; i < resp->deletes->len; i++) {
			eas_wbxml_writer_start (w, EAS_FOLDERHIERARCHY_DELETE);
			eas_wbxml_writer_text_element (w, EAS_FOLDERHIERARCHY_SERVER_ID,
			                               g_ptr_array_index (resp->deletes, i));
			eas_wbxml_writer_end (w);
		}
		for (guint i = 0; i < resp->adds->len; i++)
			write_folder (w, EAS_FOLDERHIERARCHY_ADD, g_ptr_array_index (resp->adds, i));
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

static EasFolder *
decode_folder (const EasNode *n, gboolean full, GError **error)
{
	g_autoptr (EasFolder) f = g_new0 (EasFolder, 1);
	gboolean has = FALSE;
	guint64 type = 0;

	if (!eas_sync_child_string (n, EAS_FOLDERHIERARCHY_SERVER_ID, EAS_SYNC_ID_MAX_BYTES, TRUE,
	                            &f->server_id, error))
		return NULL;
	if (!full)
		return g_steal_pointer (&f);
	if (!eas_sync_child_string (n, EAS_FOLDERHIERARCHY_PARENT_ID, EAS_SYNC_ID_MAX_BYTES, TRUE,
	                            &f->parent_id, error) ||
	    !eas_sync_child_string (n, EAS_FOLDERHIERARCHY_DISPLAY_NAME, EAS_FOLDER_NAME_MAX_BYTES,
	                            TRUE, &f->display_name, error) ||
	    !eas_sync_child_uint (n, EAS_FOLDERHIERARCHY_TYPE, 1, 19, G_MAXUINT64, &has, &type, error))
		return NULL;
	f->type = (guint) type;
	return g_steal_pointer (&f);
}

EasFolderSyncResponse *
eas_folder_sync_response_decode (const EasNode *root, GError **error)
{
	g_autoptr (EasFolderSyncResponse) r = eas_folder_sync_response_new (0, NULL);
	gboolean has = FALSE;
	guint64 status = 0;
	const EasNode *changes;

	if (!check_root (root, EAS_FOLDERHIERARCHY_FOLDER_SYNC, error) ||
	    !eas_sync_child_uint (root, EAS_FOLDERHIERARCHY_STATUS, 1, 255, G_MAXUINT64, &has, &status, error) ||
	    !eas_sync_child_string (root, EAS_FOLDERHIERARCHY_SYNC_KEY, EAS_SYNC_KEY_MAX_BYTES, FALSE,
	                            &r->sync_key, error))
		return NULL;
	r->status = (EasFolderStatus) status;
	changes = eas_node_child (root, EAS_FOLDERHIERARCHY_CHANGES);
	for (const EasNode *n = changes ? changes->first_child : NULL; n != NULL; n = n->next) {
		EasFolder *f;

		if (n->tag == EAS_FOLDERHIERARCHY_COUNT)
			continue;
		if (n->tag != EAS_FOLDERHIERARCHY_ADD && n->tag != EAS_FOLDERHIERARCHY_UPDATE &&
		    n->tag != EAS_FOLDERHIERARCHY_DELETE) {
			g_set_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID, "Changes: unexpected element");
			return NULL;
		}
		f = decode_folder (n, n->tag != EAS_FOLDERHIERARCHY_DELETE, error);
		if (f == NULL)
			return NULL;
		if (n->tag == EAS_FOLDERHIERARCHY_DELETE) {
			g_ptr_array_add (r->deletes, g_steal_pointer (&f->server_id));
			eas_folder_free (f);
		} else {
			g_ptr_array_add (n->tag == EAS_FOLDERHIERARCHY_ADD ? r->adds : r->updates, f);
		}
	}
	return g_steal_pointer (&r);
}

void
eas_folder_change_request_free (EasFolderChangeRequest *req)
{
	if (req == NULL)
		return;
	g_free (req->sync_key);
	g_free (req->server_id);
	g_free (req->parent_id);
	g_free (req->display_name);
	g_free (req);
}

EasFolderChangeRequest *
eas_folder_change_request_decode (const EasNode *root, GError **error)
{
	g_autoptr (EasFolderChangeRequest) req = g_new0 (EasFolderChangeRequest, 1);
	gboolean has = FALSE;
	guint64 type = 0;

	if (root == NULL) {
		g_set_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID, "empty folder request");
		return NULL;
	}
	switch (root->tag) {
	case EAS_FOLDERHIERARCHY_FOLDER_CREATE: req->op = EAS_FOLDER_OP_CREATE; break;
	case EAS_FOLDERHIERARCHY_FOLDER_UPDATE: req->op = EAS_FOLDER_OP_UPDATE; break;
	case EAS_FOLDERHIERARCHY_FOLDER_DELETE: req->op = EAS_FOLDER_OP_DELETE; break;
	default:
		g_set_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID, "not a folder request");
		return NULL;
	}
	if (!eas_sync_child_string (root, EAS_FOLDERHIERARCHY_SYNC_KEY, EAS_SYNC_KEY_MAX_BYTES, TRUE,
	                            &req->sync_key, error) ||
	    !eas_sync_child_string (root, EAS_FOLDERHIERARCHY_SERVER_ID, EAS_SYNC_ID_MAX_BYTES,
	                            req->op != EAS_FOLDER_OP_CREATE, &req->server_id, error))
		return NULL;
	if (req->op == EAS_FOLDER_OP_DELETE)
		return g_steal_pointer (&req);
	if (!eas_sync_child_string (root, EAS_FOLDERHIERARCHY_PARENT_ID, EAS_SYNC_ID_MAX_BYTES, TRUE,
	                            &req->parent_id, error) ||
	    !eas_sync_child_string (root, EAS_FOLDERHIERARCHY_DISPLAY_NAME, EAS_FOLDER_NAME_MAX_BYTES,
	                            TRUE, &req->display_name, error) ||
	    !eas_sync_child_uint (root, EAS_FOLDERHIERARCHY_TYPE, 1, 19, G_MAXUINT64, &has, &type, error))
		return NULL;
	if (req->op == EAS_FOLDER_OP_CREATE && !has) {
		g_set_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID, "Type: missing");
		return NULL;
	}
	req->type = (guint) type;
	return g_steal_pointer (&req);
}

GBytes *
eas_folder_change_response_encode (EasFolderOp op, EasFolderStatus status, const char *sync_key,
                                   const char *server_id)
{
	static const EasTag roots[] = {
		[EAS_FOLDER_OP_CREATE] = EAS_FOLDERHIERARCHY_FOLDER_CREATE,
		[EAS_FOLDER_OP_UPDATE] = EAS_FOLDERHIERARCHY_FOLDER_UPDATE,
		[EAS_FOLDER_OP_DELETE] = EAS_FOLDERHIERARCHY_FOLDER_DELETE,
	};
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	g_return_val_if_fail (op <= EAS_FOLDER_OP_DELETE, NULL);

	eas_wbxml_writer_start (w, roots[op]);
	eas_wbxml_writer_uint_element (w, EAS_FOLDERHIERARCHY_STATUS, status);
	if (status == EAS_FOLDER_STATUS_OK && sync_key != NULL)
		eas_wbxml_writer_text_element (w, EAS_FOLDERHIERARCHY_SYNC_KEY, sync_key);
	if (status == EAS_FOLDER_STATUS_OK && server_id != NULL && op == EAS_FOLDER_OP_CREATE)
		eas_wbxml_writer_text_element (w, EAS_FOLDERHIERARCHY_SERVER_ID, server_id);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}
