/* airdockd-commands.h — the command handlers, one declaration per line.
 *
 * Each handler follows the contract in server/airdockd-request.h.  Register a
 * new one with one line in the table in server/airdockd-commands.c; OPTIONS
 * then announces it in MS-ASProtocolCommands.
 */
#pragma once

#include "eas/eas-provision.h"
#include "server/airdockd-config.h"
#include "server/airdockd-request.h"
#include "server/airdockd-store.h"

G_BEGIN_DECLS

/* server/airdockd-cmd-provision.c */
void airdockd_cmd_provision (AirdockdRequest *req);
/* server/airdockd-cmd-settings.c */
void airdockd_cmd_settings (AirdockdRequest *req);
void airdockd_cmd_search (AirdockdRequest *req);		/* server/airdockd-cmd-search.c */
void airdockd_cmd_resolve_recipients (AirdockdRequest *req);	/* server/airdockd-cmd-resolve.c */
void airdockd_cmd_validate_cert (AirdockdRequest *req);	/* server/airdockd-cmd-validatecert.c */
void airdockd_cmd_find (AirdockdRequest *req);			/* server/airdockd-cmd-find.c */
void airdockd_cmd_send_mail (AirdockdRequest *req);		/* server/airdockd-cmd-sendmail.c */
void airdockd_cmd_smart_reply (AirdockdRequest *req);		/* server/airdockd-cmd-sendmail.c */
void airdockd_cmd_smart_forward (AirdockdRequest *req);	/* server/airdockd-cmd-sendmail.c */
void airdockd_cmd_move_items (AirdockdRequest *req);		/* server/airdockd-cmd-move.c */
void airdockd_cmd_item_operations (AirdockdRequest *req);	/* server/airdockd-cmd-itemops.c */
void airdockd_cmd_get_attachment (AirdockdRequest *req);	/* server/airdockd-cmd-itemops.c */
void airdockd_cmd_folder_sync (AirdockdRequest *req);		/* server/airdockd-cmd-folders.c */
void airdockd_cmd_folder_create (AirdockdRequest *req);	/* server/airdockd-cmd-folders.c */
void airdockd_cmd_folder_update (AirdockdRequest *req);	/* server/airdockd-cmd-folders.c */
void airdockd_cmd_folder_delete (AirdockdRequest *req);	/* server/airdockd-cmd-folders.c */
void airdockd_cmd_sync (AirdockdRequest *req);			/* server/airdockd-cmd-sync.c */
void airdockd_cmd_get_item_estimate (AirdockdRequest *req);	/* server/airdockd-cmd-estimate.c */
void airdockd_cmd_ping (AirdockdRequest *req);			/* server/airdockd-cmd-ping.c */
void airdockd_cmd_meeting_response (AirdockdRequest *req);	/* server/airdockd-cmd-meeting.c */

/* server/airdockd-cmd-provision.c: the provisioning gate run before every
 * handler.  TRUE when the device may run req's command; otherwise req's
 * response is set: Status 142/143/144 (or 140 for a pending wipe) in the
 * command's body on 14.0+, HTTP 449 on 2.5/12.x, HTTP 403 for a wiped
 * device. */
gboolean airdockd_provision_check (AirdockdRequest *req, const AirdockdDevice *device);

/* The policy devices get, from the config's [policy] group. */
void airdockd_policy_from_config (const AirdockdPolicyConfig *config, EasPolicy *out_policy);

/* Sets the response to <Command><Status>status</Status></Command> in the
 * namespace of req's command (for the common statuses of [MS-ASCMD]
 * 2.2.2, e.g. 142, and for handlers that fail as a whole).  Commands without
 * such a root (GetAttachment) get HTTP 500 instead. */
void airdockd_request_set_status (AirdockdRequest *req, guint status);

/* Logs one line about req with the structured fields EAS_USER,
 * EAS_DEVICE_ID, EAS_CMD and EAS_CLIENT (server/airdockd-http.c).  Bad
 * client input is G_LOG_LEVEL_INFO, our own faults G_LOG_LEVEL_WARNING.
 * Never pass passwords or message bodies. */
void airdockd_request_log (const AirdockdRequest *req, GLogLevelFlags level,
                           const char *format, ...) G_GNUC_PRINTF (3, 4);

/* Comma-separated names of the registered commands, in code order
 * ("Sync,SendMail,…"), as OPTIONS sends them.  Newly allocated. */
char *airdockd_commands_list (void);

G_END_DECLS
