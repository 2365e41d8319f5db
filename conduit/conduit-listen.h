/* Links the conduit waits on, each in its own thread:
 *   net:[HOST:]PORT   NetSync over TCP (port 0: any; the bound address is
 *                     printed on stdout as "listening net:HOST:PORT");
 *   serial:DEVICE[@BAUD]  a tty (SLP/PADP/CMP from 9600 baud, negotiated up
 *                     to BAUD or the conduit's maximum);
 *   usb               Palm devices on USB (conduit-usb.h).
 * One handheld at a time per link.  Errors: G_IO_ERROR, CONDUIT_TRANSPORT_ERROR. */
#pragma once

#include <glib.h>

#include "conduit/conduit-transport.h"

G_BEGIN_DECLS

/* Runs one sync on a connected transport; where: the link's name.  FALSE
 * ends the link's thread (e.g. --once: a serial port must not be opened
 * again, it may already belong to someone else). */
typedef gboolean (*ConduitSyncFunc) (ConduitTransport *transport, const char *where);

typedef struct _ConduitListener ConduitListener;

ConduitListener *conduit_listener_start (const char *spec, guint32 max_baud, ConduitSyncFunc func, GError **error);
/* A listener whose work runs elsewhere (USB: conduit-usb.h). */
ConduitListener *conduit_listener_new_external (const char *spec);
/* Stops accepting; a thread in the middle of a sync is left to finish. */
void conduit_listener_free (ConduitListener *l);

/* Adds the "listen" list of the [conduit] group of path (NULL: nothing) to
 * *listen.  Unknown groups or keys are errors. */
gboolean conduit_config_load (const char *path, char ***listen, GError **error);

/* Checks a link spec without opening anything. */
gboolean conduit_listen_check_spec (const char *spec, GError **error);

/* net:[HOST:]PORT → host (default 0.0.0.0) and port (0–65535). */
gboolean conduit_parse_net_spec (const char *spec, char **out_host, guint16 *out_port, GError **error);
/* serial:DEVICE[@BAUD] */
gboolean conduit_parse_serial_spec (const char *spec, char **out_device, guint32 *out_baud, GError **error);

G_END_DECLS
