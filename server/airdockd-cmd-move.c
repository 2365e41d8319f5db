/* airdockd-cmd-move.c — MoveItems ([MS-ASCMD] 2.2.1.12).
 *
 * Each Move is answered on its own ([MS-ASCMD] 2.2.3.177.9): 1 when the
 * source item is not the user's or not in SrcFldId, 2 when DstFldId is not
 * one of the user's folders (or cannot hold the item's class), 4 when
 * source and destination are the same, 7 when the store was busy, 5 for
 * other failures, 3 with DstMsgId on success.  An undecodable request gets
 * the command-level Status (protocol error).
 */
#include "config.h"

#include "eas/eas-moveitems.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-compose.h"
#include "server/airdockd-store.h"

/* Which folder types can hold which item class. */
static gboolean
folder_accepts (AirdockdFolderType type, AirdockdItemClass cls)
{
	switch (cls) {
	case AIRDOCKD_ITEM_EMAIL:
		return type == AIRDOCKD_FOLDER_USER_GENERIC || type == AIRDOCKD_FOLDER_INBOX ||
		       type == AIRDOCKD_FOLDER_DRAFTS || type == AIRDOCKD_FOLDER_DELETED ||
		       type == AIRDOCKD_FOLDER_SENT || type == AIRDOCKD_FOLDER_OUTBOX ||
		       type == AIRDOCKD_FOLDER_USER_MAIL;
	case AIRDOCKD_ITEM_CONTACT:
		return type == AIRDOCKD_FOLDER_CONTACTS || type == AIRDOCKD_FOLDER_USER_CONTACTS ||
		       type == AIRDOCKD_FOLDER_DELETED;
	case AIRDOCKD_ITEM_CALENDAR:
		return type == AIRDOCKD_FOLDER_CALENDAR || type == AIRDOCKD_FOLDER_USER_CALENDAR ||
		       type == AIRDOCKD_FOLDER_DELETED;
	case AIRDOCKD_ITEM_TASK:
		return type == AIRDOCKD_FOLDER_TASKS || type == AIRDOCKD_FOLDER_USER_TASKS ||
		       type == AIRDOCKD_FOLDER_DELETED;
	case AIRDOCKD_ITEM_NOTE:
		return type == AIRDOCKD_FOLDER_NOTES || type == AIRDOCKD_FOLDER_USER_NOTES ||
		       type == AIRDOCKD_FOLDER_DELETED;
	default:
		return FALSE;
	}
}

static guint
move_one (AirdockdRequest *req, const EasMoveItemsMove *m, char **out_dst_id)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdItem) item = airdockd_store_item_get (req->store, req->user_id, m->src_msg_id, &error);

	if (item == NULL || g_strcmp0 (item->folder_id, m->src_fld_id) != 0)
		return EAS_MOVE_ITEMS_STATUS_INVALID_SOURCE;
	g_clear_error (&error);
	g_autoptr (AirdockdFolder) dst = airdockd_store_folder_get (req->store, req->user_id, m->dst_fld_id, &error);
	if (dst == NULL || !folder_accepts (dst->type, item->item_class))
		return EAS_MOVE_ITEMS_STATUS_INVALID_DESTINATION;
	if (g_strcmp0 (m->src_fld_id, m->dst_fld_id) == 0)
		return EAS_MOVE_ITEMS_STATUS_SAME_FOLDER;
	g_clear_error (&error);
	*out_dst_id = airdockd_store_item_move (req->store, req->user_id, m->src_msg_id, m->dst_fld_id, &error);
	if (*out_dst_id != NULL)
		return EAS_MOVE_ITEMS_STATUS_SUCCESS;
	airdockd_mail_log (req, G_LOG_LEVEL_WARNING, "move: %s", error->message);
	if (g_error_matches (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_BUSY))
		return EAS_MOVE_ITEMS_STATUS_LOCKED;
	if (g_error_matches (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND))
		return EAS_MOVE_ITEMS_STATUS_INVALID_SOURCE;
	return EAS_MOVE_ITEMS_STATUS_FAILED;
}

void
airdockd_cmd_move_items (AirdockdRequest *req)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (req->body, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasMoveItemsRequest) request = eas_move_items_request_decode (data, len, NULL, &error);

	if (request == NULL) {
		airdockd_mail_log (req, G_LOG_LEVEL_INFO, "bad request: %s", error->message);
		/* [MS-ASCMD] 2.2.2: 103 InvalidXML (102 when not even WBXML). */
		airdockd_request_set_status (req, error->domain == EAS_WBXML_ERROR ? 102 : 103);
		return;
	}

	g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_move_items_result_free);
	for (guint i = 0; i < request->moves->len; i++) {
		const EasMoveItemsMove *m = g_ptr_array_index (request->moves, i);
		EasMoveItemsResult *r = g_new0 (EasMoveItemsResult, 1);

		r->src_msg_id = g_strdup (m->src_msg_id);
		r->status = move_one (req, m, &r->dst_msg_id);
		g_ptr_array_add (results, r);
	}
	airdockd_request_set_wbxml (req, eas_move_items_response_encode (results));
}
