/* The conduit's interpretation of server answers (conduit/conduit-eas.h):
 * a Sync response for every class, a Provision and a Ping response, from
 * any bytes a server may send. */
#include "config.h"

#include "conduit/conduit-eas.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (EasNode) root = eas_wbxml_parse (data, size, NULL, NULL);
	g_autofree char *key = NULL;
	guint status, heartbeat;

	for (guint cls = CONDUIT_EAS_NOTES; cls <= CONDUIT_EAS_CALENDAR; cls++) {
		for (guint v = 0; v < 2; v++) {
			g_autoptr (GError) error = NULL;
			g_autoptr (ConduitEasSyncResponse) r =
				conduit_eas_sync_response_parse (root, "5", (ConduitEasClass) cls, v ? 161 : 141, &error);

			g_assert_true ((r == NULL) == (error != NULL));
		}
	}
	(void) conduit_eas_provision_parse (root, &key, NULL);
	(void) conduit_eas_ping_response_parse (root, &status, &heartbeat, NULL);
	return 0;
}
