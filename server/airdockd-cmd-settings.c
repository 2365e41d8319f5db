/* airdockd-cmd-settings.c — the Settings command ([MS-ASCMD] 2.2.1.18). */
#include "config.h"

#include "eas/eas-wbxml.h"
#include "server/airdockd-commands.h"

void
airdockd_cmd_settings (AirdockdRequest *req)
{
	airdockd_request_set_status (req, 2);
}
