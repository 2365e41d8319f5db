/* The USB connection-info answers (vendor requests 0x04 and 0x03): bytes
 * from the device. */
#include "config.h"

#include "conduit/conduit-usb.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	guint8 in = 0, out = 0;

	(void) conduit_usb_parse_ext_info (data, size, &in, &out, NULL);
	(void) conduit_usb_parse_visor_info (data, size, &in, &out, NULL);
	return 0;
}
