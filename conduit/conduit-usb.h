/* HotSync over USB through libusb-1.0 (hotsync.md, "USB discovery"):
 * hot-plug (or, without it, a one-second scan) for the known Palm vendor
 * ids; once a device shows up (the user pressed HotSync) the kernel's
 * visor driver is detached (a device another driver holds is skipped),
 * interface 0 claimed, the HotSync bulk endpoints found with
 * vendor request 0x04 (Palm extended connection info) or else 0x03 (Visor
 * connection info), request 0x01 sent to non-Tapwave devices, and the bulk
 * pipes become a ConduitTransport whose framing the session detects.
 *
 * The two connection-info answers come from the device: parsed with
 * explicit lengths (fuzzed by tests/fuzz/fuzz-conduit-usb.c).
 * Errors: CONDUIT_USB_ERROR. */
#pragma once

#include <glib.h>

#include "conduit/conduit-listen.h"

G_BEGIN_DECLS

#define CONDUIT_USB_ERROR (conduit_usb_error_quark ())
GQuark conduit_usb_error_quark (void);

typedef enum {
	CONDUIT_USB_ERROR_MALFORMED,   /* a connection-info answer that does not parse */
	CONDUIT_USB_ERROR_NO_HOTSYNC,  /* no HotSync function among the ports */
	CONDUIT_USB_ERROR_FAILED,      /* libusb failed */
} ConduitUsbError;

#define CONDUIT_USB_EXT_INFO_LEN 20     /* request 0x04 */
#define CONDUIT_USB_VISOR_INFO_LEN 6    /* request 0x03: 2 + 2 × 2 */
/* Both answers list at most two ports; more is malformed. */
#define CONDUIT_USB_MAX_PORTS 2

/* TRUE when vendor is one of the known Palm vendor ids. */
gboolean conduit_usb_is_palm_vendor (guint16 vendor);

/* Request 0x04: the bulk endpoint addresses of the "cnys" (HotSync) port. */
gboolean conduit_usb_parse_ext_info (const guint8 *data, gsize len, guint8 *out_in_ep, guint8 *out_out_ep,
                                     GError **error);
/* Request 0x03: the HotSync port (function id 2); endpoints = the port number. */
gboolean conduit_usb_parse_visor_info (const guint8 *data, gsize len, guint8 *out_in_ep, guint8 *out_out_ep,
                                       GError **error);

/* Starts watching the USB bus in its own thread; func runs one sync per
 * device that appears. */
ConduitListener *conduit_usb_listener_start (ConduitSyncFunc func, GError **error);

/* Waits at most timeout_ms until no device is open: after the sync
 * function returned, the interface is released and the kernel driver given
 * back.  A program that exits after a sync calls this first. */
void conduit_usb_wait_closed (guint timeout_ms);

G_END_DECLS
