/* airdockd-commands.c — the dispatch table: one line per command handler. */
#include "config.h"

#include "eas/eas-wbxml.h"
#include "server/airdockd-commands.h"

typedef struct {
	EasCommand cmd;
	AirdockdCommandFunc func;
} CommandEntry;

static const CommandEntry command_table[] = {
	{ EAS_CMD_PROVISION, airdockd_cmd_provision },
	{ EAS_CMD_SETTINGS, airdockd_cmd_settings },
	{ EAS_CMD_SEARCH, airdockd_cmd_search },
	{ EAS_CMD_RESOLVE_RECIPIENTS, airdockd_cmd_resolve_recipients },
	{ EAS_CMD_VALIDATE_CERT, airdockd_cmd_validate_cert },
	{ EAS_CMD_FIND, airdockd_cmd_find },
	{ EAS_CMD_SEND_MAIL, airdockd_cmd_send_mail },
	{ EAS_CMD_SMART_REPLY, airdockd_cmd_smart_reply },
	{ EAS_CMD_SMART_FORWARD, airdockd_cmd_smart_forward },
	{ EAS_CMD_MOVE_ITEMS, airdockd_cmd_move_items },
	{ EAS_CMD_ITEM_OPERATIONS, airdockd_cmd_item_operations },
	{ EAS_CMD_GET_ATTACHMENT, airdockd_cmd_get_attachment },
	{ EAS_CMD_FOLDER_SYNC, airdockd_cmd_folder_sync },
	{ EAS_CMD_FOLDER_CREATE, airdockd_cmd_folder_create },
	{ EAS_CMD_FOLDER_UPDATE, airdockd_cmd_folder_update },
	{ EAS_CMD_FOLDER_DELETE, airdockd_cmd_folder_delete },
	{ EAS_CMD_SYNC, airdockd_cmd_sync },
	{ EAS_CMD_GET_ITEM_ESTIMATE, airdockd_cmd_get_item_estimate },
	{ EAS_CMD_PING, airdockd_cmd_ping },
	{ EAS_CMD_MEETING_RESPONSE, airdockd_cmd_meeting_response },
};

AirdockdCommandFunc
airdockd_command_lookup (EasCommand cmd)
{
	for (gsize i = 0; i < G_N_ELEMENTS (command_table); i++)
		if (command_table[i].cmd == cmd)
			return command_table[i].func;
	return NULL;
}

char *
airdockd_commands_list (void)
{
	g_autoptr (GString) s = g_string_new (NULL);

	/* In command-code order, whatever the order of the table. */
	for (int code = 0; code <= EAS_CMD_FIND; code++) {
		const char *name = eas_command_name ((EasCommand) code);
		if (name == NULL || airdockd_command_lookup ((EasCommand) code) == NULL)
			continue;
		if (s->len > 0)
			g_string_append_c (s, ',');
		g_string_append (s, name);
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

void
airdockd_request_set_wbxml (AirdockdRequest *req, GBytes *body)
{
	g_clear_pointer (&req->response_body, g_bytes_unref);
	req->response_body = body;
	req->response_content_type = NULL;
}

typedef struct {
	EasCommand cmd;
	EasTag root;
	EasTag status;
} StatusRoot;

/* Root element and its Status child per command ([MS-ASCMD] 2.2.2). */
static const StatusRoot status_roots[] = {
	{ EAS_CMD_SYNC, EAS_AIRSYNC_SYNC, EAS_AIRSYNC_STATUS },
	{ EAS_CMD_SEND_MAIL, EAS_COMPOSEMAIL_SEND_MAIL, EAS_COMPOSEMAIL_STATUS },
	{ EAS_CMD_SMART_FORWARD, EAS_COMPOSEMAIL_SMART_FORWARD, EAS_COMPOSEMAIL_STATUS },
	{ EAS_CMD_SMART_REPLY, EAS_COMPOSEMAIL_SMART_REPLY, EAS_COMPOSEMAIL_STATUS },
	{ EAS_CMD_FOLDER_SYNC, EAS_FOLDERHIERARCHY_FOLDER_SYNC, EAS_FOLDERHIERARCHY_STATUS },
	{ EAS_CMD_FOLDER_CREATE, EAS_FOLDERHIERARCHY_FOLDER_CREATE, EAS_FOLDERHIERARCHY_STATUS },
	{ EAS_CMD_FOLDER_DELETE, EAS_FOLDERHIERARCHY_FOLDER_DELETE, EAS_FOLDERHIERARCHY_STATUS },
	{ EAS_CMD_FOLDER_UPDATE, EAS_FOLDERHIERARCHY_FOLDER_UPDATE, EAS_FOLDERHIERARCHY_STATUS },
	{ EAS_CMD_MOVE_ITEMS, EAS_MOVE_MOVE_ITEMS, EAS_MOVE_STATUS },
	{ EAS_CMD_GET_ITEM_ESTIMATE, EAS_GETITEMESTIMATE_GET_ITEM_ESTIMATE, EAS_GETITEMESTIMATE_STATUS },
	{ EAS_CMD_MEETING_RESPONSE, EAS_MEETINGRESPONSE_MEETING_RESPONSE, EAS_MEETINGRESPONSE_STATUS },
	{ EAS_CMD_SEARCH, EAS_SEARCH_SEARCH, EAS_SEARCH_STATUS },
	{ EAS_CMD_SETTINGS, EAS_SETTINGS_SETTINGS, EAS_SETTINGS_STATUS },
	{ EAS_CMD_PING, EAS_PING_PING, EAS_PING_STATUS },
	{ EAS_CMD_ITEM_OPERATIONS, EAS_ITEMOPERATIONS_ITEM_OPERATIONS, EAS_ITEMOPERATIONS_STATUS },
	{ EAS_CMD_PROVISION, EAS_PROVISION_PROVISION, EAS_PROVISION_STATUS },
	{ EAS_CMD_RESOLVE_RECIPIENTS, EAS_RESOLVERECIPIENTS_RESOLVE_RECIPIENTS, EAS_RESOLVERECIPIENTS_STATUS },
	{ EAS_CMD_VALIDATE_CERT, EAS_VALIDATECERT_VALIDATE_CERT, EAS_VALIDATECERT_STATUS },
	{ EAS_CMD_FIND, EAS_FIND_FIND, EAS_FIND_STATUS },
};

void
airdockd_request_set_status (AirdockdRequest *req, guint status)
{
	g_autoptr (EasWbxmlWriter) w = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS (status_roots); i++) {
		if (status_roots[i].cmd != req->query->cmd)
			continue;
		w = eas_wbxml_writer_new ();
		eas_wbxml_writer_start (w, status_roots[i].root);
		eas_wbxml_writer_uint_element (w, status_roots[i].status, status);
		eas_wbxml_writer_end (w);
		req->http_status = 0;
		airdockd_request_set_wbxml (req, eas_wbxml_writer_finish (w, NULL));
		return;
	}
	req->http_status = 500;
}
