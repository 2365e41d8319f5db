/* HotSync over USB through libusb-1.0: see conduit-usb.h. */
#include "config.h"

#include <string.h>

#include <libusb.h>

#include "conduit/conduit-usb.h"

G_DEFINE_QUARK (conduit-usb-error-quark, conduit_usb_error)

/* hotsync.md: vendors whose devices speak HotSync over USB. */
static const guint16 palm_vendors[] = {
	0x0830, 0x082d, 0x054c, 0x12ef, 0x091e, 0x0c88, 0x4766, 0x04e8, 0x081e,
};
#define TAPWAVE 0x12ef

#define REQ_TYPE 0xc2   /* vendor, device to host, endpoint recipient */
#define REQ_BYTES_AVAILABLE 0x01
#define REQ_VISOR_INFO 0x03
#define REQ_EXT_INFO 0x04
#define CONTROL_TIMEOUT_MS 2000

gboolean
conduit_usb_is_palm_vendor (guint16 vendor)
{
	for (gsize i = 0; i < G_N_ELEMENTS (palm_vendors); i++)
		if (palm_vendors[i] == vendor)
			return TRUE;
	return FALSE;
}

static gboolean
malformed (GError **error, const char *what)
{
	g_set_error (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_MALFORMED, "connection info: %s", what);
	return FALSE;
}

gboolean
conduit_usb_parse_ext_info (const guint8 *data, gsize len, guint8 *out_in_ep, guint8 *out_out_ep, GError **error)
{
	gsize off = 4;
	guint ports;

	/* port count u8, endpoints-differ u8, reserved u16, then 8-byte ports:
	 * function id (4 chars), port u8, endpoint info u8, reserved u16 */
	if (len < 4)
		return malformed (error, "shorter than its 4-byte header");
	ports = data[0];
	if (ports == 0 || ports > CONDUIT_USB_MAX_PORTS)
		return malformed (error, "port count not 1–2");
	for (guint i = 0; i < ports; i++) {
		g_assert (off <= len);
		if (8 > len - off)
			return malformed (error, "port entry cut short");
		if (memcmp (data + off, "cnys", 4) == 0) {
			guint8 port = data[off + 4];
			guint8 info = data[off + 5];

			/* endpoints-differ: IN in the high nibble, OUT in the low;
			 * else both are the port number. */
			*out_in_ep = (guint8) (0x80 | (data[1] ? info >> 4 : port));
			*out_out_ep = (guint8) (data[1] ? info & 0x0f : port);
			return TRUE;
		}
		off += 8;
	}
	g_set_error_literal (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_NO_HOTSYNC, "no HotSync port");
	return FALSE;
}

gboolean
conduit_usb_parse_visor_info (const guint8 *data, gsize len, guint8 *out_in_ep, guint8 *out_out_ep, GError **error)
{
	gsize off = 2;
	guint ports;

	/* port count u16, then {function id u8, port u8} × count (2 = HotSync) */
	if (len < 2)
		return malformed (error, "shorter than its 2-byte header");
	ports = ((guint) data[0] << 8) | data[1];
	if (ports == 0 || ports > CONDUIT_USB_MAX_PORTS)
		return malformed (error, "port count not 1–2");
	for (guint i = 0; i < ports; i++) {
		g_assert (off <= len);
		if (2 > len - off)
			return malformed (error, "port entry cut short");
		if (data[off] == 2) {
			*out_in_ep = (guint8) (0x80 | data[off + 1]);
			*out_out_ep = data[off + 1];
			return TRUE;
		}
		off += 2;
	}
	g_set_error_literal (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_NO_HOTSYNC, "no HotSync port");
	return FALSE;
}

/* ---- The bulk pipes as a transport ---- */

typedef struct {
	ConduitTransport parent;
	libusb_device_handle *handle;
	guint8 in_ep;
	guint8 out_ep;
} UsbTransport;

static gssize
usb_read (ConduitTransport *t, guint8 *buf, gsize len, int timeout_ms, GError **error)
{
	UsbTransport *self = (UsbTransport *) t;
	int got = 0;
	int r = libusb_bulk_transfer (self->handle, self->in_ep, buf, (int) MIN (len, 65536), &got,
	                              timeout_ms < 0 ? 0 : (unsigned int) MAX (timeout_ms, 1));

	if (r == LIBUSB_ERROR_TIMEOUT)
		return got;
	if (r != 0) {
		g_set_error (error, CONDUIT_TRANSPORT_ERROR,
		             r == LIBUSB_ERROR_NO_DEVICE ? CONDUIT_TRANSPORT_ERROR_CLOSED : CONDUIT_TRANSPORT_ERROR_FAILED,
		             "USB read: %s", libusb_strerror (r));
		return -1;
	}
	return got;
}

static gboolean
usb_write (ConduitTransport *t, const guint8 *data, gsize len, GError **error)
{
	UsbTransport *self = (UsbTransport *) t;
	gsize off = 0;

	while (off < len) {
		int sent = 0;
		int r = libusb_bulk_transfer (self->handle, self->out_ep, (guint8 *) data + off,
		                              (int) MIN (len - off, 4096), &sent, 5000);

		if (r != 0) {
			g_set_error (error, CONDUIT_TRANSPORT_ERROR,
			             r == LIBUSB_ERROR_NO_DEVICE ? CONDUIT_TRANSPORT_ERROR_CLOSED : CONDUIT_TRANSPORT_ERROR_FAILED,
			             "USB write: %s", libusb_strerror (r));
			return FALSE;
		}
		off += (gsize) sent;
	}
	return TRUE;
}

static void
usb_free (ConduitTransport *t)
{
	UsbTransport *self = (UsbTransport *) t;

	(void) libusb_release_interface (self->handle, 0);
	libusb_close (self->handle);
	g_free (self);
}

static const ConduitTransportVtable usb_vtable = { "usb", usb_read, usb_write, NULL, usb_free };

static gboolean
find_endpoints (libusb_device_handle *h, guint16 vendor, guint8 *in_ep, guint8 *out_ep, GError **error)
{
	guint8 buf[CONDUIT_USB_EXT_INFO_LEN];
	int n = libusb_control_transfer (h, REQ_TYPE, REQ_EXT_INFO, 0, 0, buf, sizeof buf, CONTROL_TIMEOUT_MS);
	gboolean ok;

	if (n > 0)
		ok = conduit_usb_parse_ext_info (buf, (gsize) n, in_ep, out_ep, error);
	else {
		n = libusb_control_transfer (h, REQ_TYPE, REQ_VISOR_INFO, 0, 0, buf, CONDUIT_USB_VISOR_INFO_LEN,
		                             CONTROL_TIMEOUT_MS);
		ok = n > 0 && conduit_usb_parse_visor_info (buf, (gsize) n, in_ep, out_ep, error);
		if (n <= 0)
			g_set_error (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_FAILED, "no connection info");
	}
	/* hotsync.md: request 0x01 to non-Tapwave devices; skip the device if it fails. */
	if (ok && vendor != TAPWAVE &&
	    libusb_control_transfer (h, REQ_TYPE, REQ_BYTES_AVAILABLE, 0, 0, buf, 2, CONTROL_TIMEOUT_MS) < 0) {
		g_set_error (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_FAILED, "bytes-available request failed");
		return FALSE;
	}
	return ok;
}

/* The kernel driver bound to interface 0 ("visor", "uas"…) from sysfs,
 * or NULL when none is (or sysfs does not say). */
static char *
interface_driver (libusb_device *dev)
{
	guint8 ports[8];
	int n = libusb_get_port_numbers (dev, ports, sizeof ports);
	struct libusb_config_descriptor *cfg = NULL;
	g_autoptr (GString) path = NULL;
	g_autofree char *target = NULL;
	guint value = 1;

	if (n <= 0)
		return NULL;
	if (libusb_get_active_config_descriptor (dev, &cfg) == 0) {
		value = cfg->bConfigurationValue;
		libusb_free_config_descriptor (cfg);
	}
	path = g_string_new (NULL);
	g_string_printf (path, "/sys/bus/usb/devices/%u-", libusb_get_bus_number (dev));
	for (int i = 0; i < n; i++)
		g_string_append_printf (path, i > 0 ? ".%u" : "%u", ports[i]);
	g_string_append_printf (path, ":%u.0/driver", value);
	target = g_file_read_link (path->str, NULL);
	return target != NULL ? g_path_get_basename (target) : NULL;
}

static ConduitTransport *
open_device (libusb_device *dev, guint16 vendor, GError **error)
{
	libusb_device_handle *h = NULL;
	UsbTransport *self;
	guint8 in_ep = 0, out_ep = 0;
	g_autofree char *driver = interface_driver (dev);
	int r;

	/* Sony, Samsung, Garmin… make other USB devices too: detach only the
	 * serial driver a handheld gets (visor), never e.g. a disk's. */
	if (driver != NULL && strcmp (driver, "visor") != 0 && strcmp (driver, "usbfs") != 0) {
		g_set_error (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_FAILED,
		             "interface 0 belongs to the kernel driver %s: not a handheld, left alone", driver);
		return NULL;
	}
	r = libusb_open (dev, &h);

	if (r == 0) {
		(void) libusb_set_auto_detach_kernel_driver (h, 1);
		r = libusb_claim_interface (h, 0);
	}
	if (r != 0) {
		g_set_error (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_FAILED, "open: %s", libusb_strerror (r));
		if (h != NULL)
			libusb_close (h);
		return NULL;
	}
	if (!find_endpoints (h, vendor, &in_ep, &out_ep, error)) {
		(void) libusb_release_interface (h, 0);
		libusb_close (h);
		return NULL;
	}
	self = g_new0 (UsbTransport, 1);
	self->parent.vtable = &usb_vtable;
	self->handle = h;
	self->in_ep = in_ep;
	self->out_ep = out_ep;
	return &self->parent;
}

/* ---- Watching the bus ---- */

typedef struct {
	libusb_context *ctx;
	ConduitSyncFunc func;
	GAsyncQueue *arrived;   /* libusb_device*, referenced */
} Watch;

static int LIBUSB_CALL
on_hotplug (libusb_context *ctx, libusb_device *dev, libusb_hotplug_event event, void *data)
{
	Watch *w = data;
	struct libusb_device_descriptor desc;

	(void) ctx;
	if (event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED && libusb_get_device_descriptor (dev, &desc) == 0 &&
	    conduit_usb_is_palm_vendor (desc.idVendor))
		g_async_queue_push (w->arrived, libusb_ref_device (dev));
	return 0;
}

/* Without hot-plug: devices not seen in the previous scan are new. */
static GHashTable *
scan (Watch *w, GHashTable *seen)
{
	libusb_device **list = NULL;
	ssize_t n = libusb_get_device_list (w->ctx, &list);
	GHashTable *now = g_hash_table_new (NULL, NULL);

	for (ssize_t i = 0; i < n; i++) {
		struct libusb_device_descriptor desc;
		gpointer key = GUINT_TO_POINTER (((guint) libusb_get_bus_number (list[i]) << 8) |
		                                 libusb_get_device_address (list[i]));

		if (libusb_get_device_descriptor (list[i], &desc) != 0 || !conduit_usb_is_palm_vendor (desc.idVendor))
			continue;
		g_hash_table_add (now, key);
		if (!g_hash_table_contains (seen, key))
			g_async_queue_push (w->arrived, libusb_ref_device (list[i]));
	}
	if (n >= 0)
		libusb_free_device_list (list, 1);
	g_hash_table_unref (seen);
	return now;
}

/* Held while a device is open: a program that exits after a sync waits
 * for the interface release (conduit_usb_wait_closed). */
static GMutex device_open;

static gboolean
sync_device (Watch *w, libusb_device *dev)
{
	g_autoptr (GError) error = NULL;
	struct libusb_device_descriptor desc;
	ConduitTransport *t;

	gboolean more;

	if (libusb_get_device_descriptor (dev, &desc) != 0)
		return TRUE;
	g_mutex_lock (&device_open);
	t = open_device (dev, desc.idVendor, &error);
	if (t == NULL) {
		g_mutex_unlock (&device_open);
		g_message ("usb %04x:%04x: %s", desc.idVendor, desc.idProduct, error->message);
		return TRUE;
	}
	more = w->func (t, "usb");
	conduit_transport_free (t);
	g_mutex_unlock (&device_open);
	return more;
}

void
conduit_usb_wait_closed (guint timeout_ms)
{
	gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

	while (!g_mutex_trylock (&device_open)) {
		if (g_get_monotonic_time () >= end)
			return;
		g_usleep (10 * 1000);
	}
	g_mutex_unlock (&device_open);
}

static gpointer
usb_thread (gpointer data)
{
	Watch *w = data;
	gboolean hotplug = libusb_has_capability (LIBUSB_CAP_HAS_HOTPLUG) != 0;
	GHashTable *seen = g_hash_table_new (NULL, NULL);

	if (hotplug)
		hotplug = libusb_hotplug_register_callback (w->ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED,
		                                            LIBUSB_HOTPLUG_ENUMERATE, LIBUSB_HOTPLUG_MATCH_ANY,
		                                            LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
		                                            on_hotplug, w, NULL) == LIBUSB_SUCCESS;
	for (;;) {
		struct timeval tv = { 1, 0 };
		libusb_device *dev;

		if (hotplug)
			(void) libusb_handle_events_timeout_completed (w->ctx, &tv, NULL);
		else {
			/* A scan a second: devices appear only while HotSync runs. */
			seen = scan (w, seen);
			g_usleep (G_USEC_PER_SEC);
		}
		while ((dev = g_async_queue_try_pop (w->arrived)) != NULL) {
			gboolean more = sync_device (w, dev);

			libusb_unref_device (dev);
			if (!more)
				return NULL;
		}
	}
	return NULL;
}

ConduitListener *
conduit_usb_listener_start (ConduitSyncFunc func, GError **error)
{
	Watch *w = g_new0 (Watch, 1);
	int r = libusb_init (&w->ctx);

	if (r != 0) {
		g_set_error (error, CONDUIT_USB_ERROR, CONDUIT_USB_ERROR_FAILED, "libusb: %s", libusb_strerror (r));
		g_free (w);
		return NULL;
	}
	w->func = func;
	w->arrived = g_async_queue_new ();
	/* The watch lives as long as the process (like the other links). */
	g_thread_unref (g_thread_new ("usb", usb_thread, w));
	return conduit_listener_new_external ("usb");
}
