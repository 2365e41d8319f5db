/* The libusb glue on a mocked USB bus.
 *
 * /conduit/usb/umockdev/discovery: umockdev-run builds a testbed from
 * tests/data/conduit/palm-and-hub.umockdev (a Palm device 0830:0060 with
 * bulk endpoints 0x81/0x02, and a root hub 1d6b:0002) and runs
 * airdock-conduit --listen usb in it, answering no usbfs ioctls: the
 * conduit must find the Palm device by its vendor id, try to open it, and
 * leave the hub alone.
 *
 * /conduit/usb/umockdev/sync, …/visor, …/unplugged, …/other-driver: this
 * process owns the testbed and plays the kernel's usbfs for
 * /dev/bus/usb/001/002 with a UMockdevIoctlBase handler;
 * airdock-conduit --listen usb --once runs under umockdev's preload
 * library, so every usbfs ioctl libusb makes (capabilities,
 * DISCONNECT_CLAIM or DISCONNECT + CLAIMINTERFACE, SUBMITURB,
 * REAPURBNDELAY, DISCARDURB, RELEASEINTERFACE, CONNECT) arrives here.
 * The handler answers the vendor control requests with a connection-info
 * layout, records them, and wires the bulk URBs to the handheld simulator
 * (tests/handheld/, over an in-memory pipe), so whole memo syncs run
 * through conduit-usb.c into the store: NetSync (Palm, request 0x04),
 * SLP (a Visor answering only 0x03), a handheld leaving the bus mid-sync,
 * and a device whose interface a disk driver holds (left alone).
 *
 * What umockdev does not model: usbfs signals a completed URB through
 * poll(); the emulated node cannot, so libusb keeps polling and reaping
 * with REAPURBNDELAY.  A REAPURBNDELAY that finds nothing waits up to
 * 5 ms for the handheld's bytes before EAGAIN, which keeps that loop from
 * spinning (it does not change what is tested).  Hot-plug arrival is umockdev's
 * enumeration of the device already present. */
#include "config.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gio/gio.h>
#include <umockdev.h>

#include "conduit/conduit-transport.h"
#include "tests/conduit/harness.h"
#include "tests/handheld/handheld-link.h"

#define PALM_NODE "/dev/bus/usb/001/002"
#define REQ_TYPE 0xc2
/* The bulk endpoints of palm-and-hub.umockdev's descriptors. */
#define EP_IN 0x81
#define EP_OUT 0x02

static void
child_setup (gpointer data)
{
	(void) data;
	(void) prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* umockdev preloads its library: a sanitizer build must accept that it
 * comes before the ASan runtime. */
static void
allow_preload (GSubprocessLauncher *l)
{
	const char *asan = g_getenv ("ASAN_OPTIONS");
	g_autofree char *opts = g_strconcat (asan != NULL ? asan : "", asan != NULL ? ":" : "",
	                                     "verify_asan_link_order=0", NULL);

	g_subprocess_launcher_setenv (l, "ASAN_OPTIONS", opts, TRUE);
}

static void
test_discovery (void)
{
	g_autofree char *run = g_find_program_in_path ("umockdev-run");
	g_autofree char *desc = g_test_build_filename (G_TEST_DIST, "tests/data/conduit/palm-and-hub.umockdev", NULL);
	g_autofree char *prog = g_test_build_filename (G_TEST_BUILT, "conduit/airdock-conduit", NULL);
	g_autofree char *dir = g_dir_make_tmp ("airdock-usb-XXXXXX", NULL);
	g_autofree char *store = g_strdup_printf ("--store=%s/store.sqlite", dir);
	g_autoptr (GSubprocessLauncher) l = NULL;
	g_autoptr (GSubprocess) p = NULL;
	g_autoptr (GDataInputStream) err = NULL;
	g_autoptr (GError) error = NULL;
	gboolean palm = FALSE;

	if (run == NULL) {
		g_test_skip ("umockdev-run is not installed");
		return;
	}
	l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	g_subprocess_launcher_set_child_setup (l, child_setup, NULL, NULL);
	allow_preload (l);
	/* Not this process's testbed: a fresh one from the description. */
	g_subprocess_launcher_unsetenv (l, "UMOCKDEV_DIR");
	p = g_subprocess_launcher_spawn (l, &error, run, "-d", desc, "--", prog, store, "--listen=usb", "--once", NULL);
	g_assert_no_error (error);
	err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (p));
	/* Lines until the Palm device is reported (the process keeps waiting
	 * for a sync; it is killed below). */
	while (!palm) {
		g_autofree char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);

		g_assert_no_error (error);
		g_assert_nonnull (line);
		g_test_message ("%s", line);
		g_assert_null (strstr (line, "1d6b"));
		palm = strstr (line, "usb 0830:0060:") != NULL;
	}
	g_subprocess_force_exit (p);
	g_subprocess_wait (p, NULL, NULL);
	{
		g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

		g_assert_cmpint (system (cmd), ==, 0);
	}
}

/* ---- A Palm device as usbfs shows it ---- */

typedef struct {
	UMockdevIoctlData *urb;   /* the client's struct usbdevfs_urb */
	UMockdevIoctlData *buf;   /* its buffer, resolved */
	gboolean done;
	gboolean discarded;
} Urb;

static void
urb_free (gpointer p)
{
	Urb *u = p;

	if (u == NULL)
		return;
	g_clear_object (&u->buf);
	g_clear_object (&u->urb);
	g_free (u);
}

typedef struct {
	GMutex lock;
	/* the device's answers */
	gboolean visor_only;        /* stall 0x04: a Handspring Visor answers only 0x03 */
	gboolean old_kernel;        /* no DISCONNECT_CLAIM: GETDRIVER, DISCONNECT, CLAIM */
	gboolean hold_once;         /* after the first bulk IN, hold data until a read times out */
	guint in_done;              /* bulk IN URBs completed with data */
	ConduitTransport *pipe;     /* the bulk pipe; the handheld simulator has the other end */
	/* what the host did (read by the test after the conduit exited) */
	GString *log;               /* one line per control request and driver call */
	gboolean driver_bound;      /* the kernel's visor driver holds interface 0 */
	gboolean claimed;
	gboolean io_before_claim;   /* a transfer while the interface was not claimed */
	gboolean wrong_endpoint;    /* a bulk URB on an endpoint not from the answer */
	guint bulk_in, bulk_out, discarded;
	gsize largest_out;
	GPtrArray *urbs;            /* Urb, submitted and not yet reaped */
} Device;

static Urb *
find_urb (Device *d, gulong client_addr)
{
	for (guint i = 0; i < d->urbs->len; i++) {
		Urb *u = g_ptr_array_index (d->urbs, i);

		if (u->urb->client_addr == client_addr)
			return u;
	}
	return NULL;
}

static void
urb_finish (Urb *u, int status, gsize actual)
{
	struct usbdevfs_urb *k = (struct usbdevfs_urb *) (gpointer) u->urb->data;

	k->status = status;
	k->actual_length = (int) actual;
	u->done = TRUE;
}

/* hotsync.md, "USB discovery": the two connection-info answers.  Port 0 is
 * another function ("_ppa", endpoints 3/4); port 1 is HotSync ("cnys")
 * with endpoints differing: IN 1 (high nibble), OUT 2 (low nibble). */
static const guint8 ext_info[20] = {
	2, 1, 0, 0,
	'_', 'p', 'p', 'a', 0, 0x34, 0, 0,
	'c', 'n', 'y', 's', 1, 0x12, 0, 0,
};
/* Visor: 2 ports; function 2 (HotSync) on port 1 — OUT 1, IN 0x81.  Our
 * descriptor's OUT is 2, so this layout is used with EP_OUT checks off. */
static const guint8 visor_info[6] = { 0, 2, 1, 3, 2, 1 };

static void
control (Device *d, Urb *u)
{
	guint8 *setup = u->buf->data;
	guint req = setup[1];
	guint value = setup[2] | (setup[3] << 8), index = setup[4] | (setup[5] << 8);
	guint length = setup[6] | (setup[7] << 8);
	const guint8 *answer = NULL;
	gsize n = 0;
	static const guint8 two[2] = { 0, 0 };

	g_string_append_printf (d->log, "control %02x %02x %u %u %u\n", setup[0], req, value, index, length);
	if (setup[0] == REQ_TYPE && value == 0 && index == 0) {
		if (req == 0x04 && !d->visor_only)
			answer = ext_info, n = sizeof ext_info;
		else if (req == 0x03)
			answer = visor_info, n = sizeof visor_info;
		else if (req == 0x01)
			answer = two, n = sizeof two;
	}
	if (answer == NULL || (gsize) u->buf->data_len < 8 || n > (gsize) u->buf->data_len - 8 || n > length) {
		urb_finish (u, -EPIPE, 0);   /* a stall */
		return;
	}
	memcpy (u->buf->data + 8, answer, n);
	urb_finish (u, 0, n);
}

static void
bulk_submit (Device *d, Urb *u, guint8 ep)
{
	struct usbdevfs_urb *k = (struct usbdevfs_urb *) (gpointer) u->urb->data;
	g_autoptr (GError) error = NULL;

	if (d->pipe == NULL) {
		urb_finish (u, -ENODEV, 0);
	} else if (ep == EP_OUT || (d->visor_only && ep == 0x01)) {
		d->bulk_out++;
		d->largest_out = MAX (d->largest_out, (gsize) k->buffer_length);
		if (!conduit_transport_write (d->pipe, u->buf->data, (gsize) k->buffer_length, &error))
			urb_finish (u, -EPROTO, 0);
		else
			urb_finish (u, 0, (gsize) k->buffer_length);
	} else if (ep == EP_IN) {
		d->bulk_in++;   /* completes when the handheld has bytes (reap) */
	} else {
		d->wrong_endpoint = TRUE;
		urb_finish (u, -ENOENT, 0);
	}
}

static gboolean
submit (Device *d, UMockdevIoctlData *arg, int *out_errno)
{
	struct usbdevfs_urb *k = (struct usbdevfs_urb *) (gpointer) arg->data;
	g_autoptr (GError) error = NULL;
	Urb *u;

	if (!d->claimed)
		d->io_before_claim = TRUE;
	u = g_new0 (Urb, 1);
	u->urb = g_object_ref (arg);
	u->buf = umockdev_ioctl_data_resolve (arg, G_STRUCT_OFFSET (struct usbdevfs_urb, buffer),
	                                      (gsize) MAX (k->buffer_length, 0), &error);
	if (u->buf == NULL) {
		urb_free (u);
		*out_errno = EFAULT;
		return FALSE;
	}
	g_ptr_array_add (d->urbs, u);
	if (k->type == USBDEVFS_URB_TYPE_CONTROL && k->endpoint == 0 && k->buffer_length >= 8)
		control (d, u);
	else if (k->type == USBDEVFS_URB_TYPE_BULK)
		bulk_submit (d, u, k->endpoint);
	else
		urb_finish (u, -EINVAL, 0);
	return TRUE;
}

/* A finished URB for REAPURB*, or NULL.  A pending bulk IN completes with
 * what the handheld wrote; with nothing there it waits a few
 * milliseconds (see the top comment). */
static Urb *
reap (Device *d)
{
	for (int pass = 0; pass < 2; pass++) {
		for (guint i = 0; i < d->urbs->len; i++) {
			Urb *u = g_ptr_array_index (d->urbs, i);

			if (u->done)
				return g_ptr_array_steal_index (d->urbs, i);
			if (u->discarded) {
				urb_finish (u, -ENOENT, 0);
				return g_ptr_array_steal_index (d->urbs, i);
			}
		}
		for (guint i = 0; i < d->urbs->len; i++) {
			Urb *u = g_ptr_array_index (d->urbs, i);
			g_autoptr (GError) error = NULL;
			gssize n;

			if (((struct usbdevfs_urb *) (gpointer) u->urb->data)->endpoint != EP_IN)
				continue;
			if (d->pipe == NULL) {
				urb_finish (u, -ENODEV, 0);   /* the test is over: unplugged */
				return g_ptr_array_steal_index (d->urbs, i);
			}
			/* No data until libusb gives up on a URB (DISCARDURB on the
			 * conduit's read timeout). */
			if (d->hold_once && d->in_done >= 1 && d->discarded == 0) {
				if (pass > 0)
					g_usleep (5000);
				break;
			}
			n = conduit_transport_read (d->pipe, u->buf->data, (gsize) u->buf->data_len, pass == 0 ? 0 : 5,
			                            &error);
			if (n > 0) {
				urb_finish (u, 0, (gsize) n);
				d->in_done++;
			} else if (n < 0)
				urb_finish (u, -ENODEV, 0);   /* the handheld left the bus */
			if (n != 0)
				return g_ptr_array_steal_index (d->urbs, i);
			break;
		}
	}
	return NULL;
}

static void
driver_ioctl (Device *d, UMockdevIoctlData *arg, long *res, int *err)
{
	struct usbdevfs_ioctl *c = (struct usbdevfs_ioctl *) (gpointer) arg->data;

	if (c->ifno != 0) {
		*res = -1, *err = EINVAL;
	} else if (c->ioctl_code == (int) USBDEVFS_DISCONNECT) {
		g_string_append (d->log, "disconnect\n");
		if (!d->driver_bound)
			*res = -1, *err = ENODATA;
		d->driver_bound = FALSE;
	} else if (c->ioctl_code == (int) USBDEVFS_CONNECT) {
		g_string_append (d->log, "connect\n");
		d->driver_bound = !d->claimed;
	} else {
		*res = -1, *err = ENOTTY;
	}
}

static void
disconnect_claim (Device *d, UMockdevIoctlData *arg, long *res, int *err)
{
	struct usbdevfs_disconnect_claim *dc = (struct usbdevfs_disconnect_claim *) (gpointer) arg->data;

	/* libusb: detach any driver except usbfs itself, then claim. */
	g_string_append_printf (d->log, "disconnect-claim %u %x %.16s\n", dc->interface, dc->flags, dc->driver);
	if (d->old_kernel) {
		*res = -1, *err = ENOTTY;   /* before Linux 3.7 */
		return;
	}
	if (dc->interface != 0 || dc->flags != USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER) {
		*res = -1, *err = EINVAL;
		return;
	}
	d->driver_bound = FALSE;
	d->claimed = TRUE;
}

static void
interface_call (Device *d, gulong request, UMockdevIoctlData *arg, long *res, int *err)
{
	guint iface = *(guint *) (gpointer) arg->data;

	if (iface != 0) {
		*res = -1, *err = EINVAL;
	} else if (request == USBDEVFS_CLAIMINTERFACE) {
		g_string_append (d->log, "claim\n");
		if (d->driver_bound)
			*res = -1, *err = EBUSY;
		else
			d->claimed = TRUE;
	} else {
		g_string_append (d->log, "release\n");
		d->claimed = FALSE;
	}
}

/* The ioctl's argument is the client's pointer: its struct is resolved
 * (copied here, synced back on complete). */
static UMockdevIoctlData *
resolve_arg (UMockdevIoctlClient *client, gsize size)
{
	return umockdev_ioctl_data_resolve (umockdev_ioctl_client_get_arg (client), 0, size, NULL);
}

static void
reap_call (Device *d, UMockdevIoctlClient *client, Urb **out_reaped, long *res, int *err)
{
	g_autoptr (UMockdevIoctlData) slot = resolve_arg (client, sizeof (gpointer));
	Urb *u = slot != NULL ? reap (d) : NULL;

	if (u == NULL) {
		*res = -1, *err = slot != NULL ? EAGAIN : EFAULT;
		return;
	}
	/* umockdev: the reverse of resolve, made for reaping URBs. */
	(void) umockdev_ioctl_data_set_ptr (slot, 0, u->urb);
	*out_reaped = u;
}

/* The size of the struct an ioctl's argument points to; 0: not a pointer
 * to resolve here. */
static gsize
arg_size (gulong request)
{
	switch (request) {
	case USBDEVFS_GET_CAPABILITIES:
		return sizeof (guint32);
	case USBDEVFS_GETDRIVER:
		return sizeof (struct usbdevfs_getdriver);
	case USBDEVFS_IOCTL:
		return sizeof (struct usbdevfs_ioctl);
	case USBDEVFS_DISCONNECT_CLAIM:
		return sizeof (struct usbdevfs_disconnect_claim);
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE:
		return sizeof (guint);
	case USBDEVFS_SUBMITURB:
		return sizeof (struct usbdevfs_urb);
	default:
		return 0;
	}
}

static void
dispatch (Device *d, UMockdevIoctlClient *client, gulong request, Urb **out_reaped, long *res, int *err)
{
	g_autoptr (UMockdevIoctlData) arg = NULL;
	Urb *u;

	/* A client that went away mid-call (the conduit exiting) cannot be
	 * read from. */
	if (arg_size (request) > 0 && (arg = resolve_arg (client, arg_size (request))) == NULL) {
		*res = -1, *err = EFAULT;
		return;
	}
	switch (request) {
	case USBDEVFS_GET_CAPABILITIES:
		*(guint32 *) (gpointer) arg->data = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
		break;
	case USBDEVFS_GETDRIVER:
		if (d->driver_bound)
			g_strlcpy (((struct usbdevfs_getdriver *) (gpointer) arg->data)->driver, "visor", 256);
		else
			*res = -1, *err = ENODATA;
		break;
	case USBDEVFS_IOCTL:
		driver_ioctl (d, arg, res, err);
		break;
	case USBDEVFS_DISCONNECT_CLAIM:
		disconnect_claim (d, arg, res, err);
		break;
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE:
		interface_call (d, request, arg, res, err);
		break;
	case USBDEVFS_SUBMITURB:
		if (!submit (d, arg, err))
			*res = -1;
		break;
	case USBDEVFS_DISCARDURB:
		/* The argument is the URB's address itself. */
		u = find_urb (d, *(gulong *) (gpointer) umockdev_ioctl_client_get_arg (client)->data);
		if (u == NULL || u->done)
			*res = -1, *err = EINVAL;
		else
			u->discarded = TRUE, d->discarded++;
		break;
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		reap_call (d, client, out_reaped, res, err);
		break;
	default:
		g_string_append_printf (d->log, "ioctl %lx not handled\n", request);
		*res = -1, *err = ENOTTY;
		break;
	}
}

static gboolean
on_ioctl (UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer data)
{
	Device *d = data;
	long res = 0;
	int err = 0;
	Urb *reaped = NULL;

	(void) base;
	g_mutex_lock (&d->lock);
	dispatch (d, client, umockdev_ioctl_client_get_request (client), &reaped, &res, &err);
	g_mutex_unlock (&d->lock);
	umockdev_ioctl_client_complete (client, res, err);
	urb_free (reaped);
	return TRUE;
}

/* ---- A whole sync over the mocked device ---- */

typedef struct {
	ConduitTransport *end;
	gboolean serial;          /* SLP/PADP/CMP framing (a Visor), else NetSync */
	guint drop_after;         /* leave the bus on the Nth request (0: never) */
	HandheldState *state;
	HandheldLinkResult result;
	GError *error;
} Handheld;

static gpointer
handheld_thread (gpointer data)
{
	Handheld *hh = data;
	HandheldLinkOptions opts = { .drop_after = hh->drop_after };

	(void) handheld_link_run (hh->end, hh->serial, hh->state, &opts, &hh->result, &hh->error);
	/* Done or hung up: the handheld leaves the bus. */
	g_clear_pointer (&hh->end, conduit_transport_free);
	return NULL;
}

static void
on_conduit_exit (GObject *source, GAsyncResult *res, gpointer data)
{
	(void) g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
	g_main_loop_quit (data);
}

static gboolean
on_hang (gpointer data)
{
	Device *d = data;

	g_mutex_lock (&d->lock);
	g_error ("the USB sync did not finish; host calls:\n%s", d->log->str);
	return G_SOURCE_REMOVE;
}

/* Runs airdock-conduit --listen usb --once against the device d while the
 * simulator serves hh->state on the other end of the bulk pipe. */
static void
run_usb_sync (Harness *h, Device *d, Handheld *hh)
{
	g_autoptr (UMockdevTestbed) bed = umockdev_testbed_new ();
	g_autoptr (UMockdevIoctlBase) handler = umockdev_ioctl_base_new ();
	g_autofree char *desc = g_test_build_filename (G_TEST_DIST, "tests/data/conduit/palm-and-hub.umockdev", NULL);
	g_autofree char *prog = g_test_build_filename (G_TEST_BUILT, "conduit/airdock-conduit", NULL);
	g_autofree char *store = g_strdup_printf ("--store=%s", h->store);
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
	g_autoptr (GDataInputStream) out = NULL;
	g_autofree char *line = NULL;
	g_autoptr (GSubprocess) p = NULL;
	g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
	g_autoptr (GError) error = NULL;
	ConduitTransport *mine = NULL;
	GThread *thread;
	guint hang;

	g_assert_true (umockdev_testbed_add_from_file (bed, desc, &error));
	g_assert_no_error (error);
	g_assert_true (conduit_transport_new_pair (&mine, &hh->end, &error));
	g_assert_no_error (error);
	g_mutex_init (&d->lock);
	d->pipe = mine;
	d->log = g_string_new (NULL);
	d->driver_bound = TRUE;
	d->urbs = g_ptr_array_new_with_free_func (urb_free);
	g_signal_connect (handler, "handle-ioctl", G_CALLBACK (on_ioctl), d);
	g_assert_true (umockdev_testbed_attach_ioctl (bed, PALM_NODE, handler, &error));
	g_assert_no_error (error);
	thread = g_thread_new ("handheld", handheld_thread, hh);

	/* The testbed set UMOCKDEV_DIR in our environment; the launcher
	 * copies it, and the preload library sends usbfs ioctls here. */
	g_subprocess_launcher_set_child_setup (l, child_setup, NULL, NULL);
	g_subprocess_launcher_setenv (l, "LD_PRELOAD", "libumockdev-preload.so.0", TRUE);
	allow_preload (l);
	p = g_subprocess_launcher_spawn (l, &error, prog, store, "--listen=usb", "--once", NULL);
	g_assert_no_error (error);
	/* A guard against a hang, not a timing check. */
	hang = g_timeout_add_seconds (120, on_hang, d);
	g_subprocess_wait_async (p, NULL, on_conduit_exit, loop);
	g_main_loop_run (loop);
	g_source_remove (hang);
	g_test_message ("conduit exit status %d; host calls:\n%s", g_subprocess_get_exit_status (p), d->log->str);
	g_assert_true (g_subprocess_get_if_exited (p));
	g_assert_cmpint (g_subprocess_get_exit_status (p), ==, hh->drop_after != 0 ? 1 : 0);
	/* One sync, reported as over USB (the pipe holds the little it wrote). */
	out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
	line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
	g_assert_no_error (error);
	g_test_message ("%s", line);
	g_assert_true (g_str_has_prefix (line, hh->drop_after != 0 ? "sync usb failed " : "sync usb ok "));
	if (hh->drop_after != 0)
		g_assert_nonnull (strstr (line, ": USB read: No such device"));

	g_mutex_lock (&d->lock);
	d->pipe = NULL;
	g_mutex_unlock (&d->lock);
	conduit_transport_free (mine);   /* the simulator sees a hang-up if still reading */
	g_thread_join (thread);
	g_assert_true (umockdev_testbed_detach_ioctl (bed, PALM_NODE, &error));
	g_assert_no_error (error);
}

static void
device_clear (Device *d)
{
	g_string_free (d->log, TRUE);
	g_ptr_array_unref (d->urbs);
	g_mutex_clear (&d->lock);
}

/* The control requests in the order made, driver calls left out. */
static char *
controls (Device *d)
{
	g_auto (GStrv) lines = g_strsplit (d->log->str, "\n", -1);
	GString *s = g_string_new (NULL);

	for (guint i = 0; lines[i] != NULL; i++)
		if (g_str_has_prefix (lines[i], "control "))
			g_string_append_printf (s, "%s\n", lines[i] + strlen ("control "));
	return g_string_free (s, FALSE);
}

/* Before the first transfer the visor driver was detached and interface 0
 * claimed (no transfer on an unclaimed interface); after the sync, before
 * airdock-conduit --once exited, the interface was released and the
 * driver given back (libusb's auto-detach reattaches it). */
static void
assert_driver_handling (Device *d)
{
	const char *first_control = strstr (d->log->str, "control ");
	const char *detach = strstr (d->log->str, "disconnect");

	g_assert_nonnull (first_control);
	g_assert_nonnull (detach);
	g_assert_true (detach < first_control);
	g_assert_false (d->io_before_claim);
	g_assert_true (g_str_has_suffix (d->log->str, "release\nconnect\n"));
	g_assert_false (d->claimed);
	g_assert_true (d->driver_bound);
}

static HandheldState *
handheld_with_memo (const char *text)
{
	HandheldState *state = handheld_state_new ("USB User", 4242);
	g_autoptr (GBytes) memo = g_bytes_new (text, strlen (text) + 1);

	(void) handheld_db_add (state, handheld_state_find_db (state, "MemoDB"), 0, memo);
	return state;
}

static void
test_sync (void)
{
	Harness h;
	Device d = { 0 };
	Handheld hh = { 0 };
	g_autofree char *ctl = NULL;
	g_autofree char *notes = NULL;

	harness_init (&h);
	hh.state = handheld_with_memo ("Over USB\nthrough libusb and umockdev");
	run_usb_sync (&h, &d, &hh);

	g_assert_nonnull (strstr (d.log->str, "disconnect-claim 0 2 usbfs\ncontrol "));
	/* hotsync.md: 0x04 (20 bytes) answered, so no 0x03; then 0x01 (2
	 * bytes) to a non-Tapwave device; all 0xC2 with wValue = wIndex = 0. */
	ctl = controls (&d);
	g_assert_cmpstr (ctl, ==, "c2 04 0 0 20\nc2 01 0 0 2\n");
	assert_driver_handling (&d);
	/* Endpoints from the "cnys" port of the answer, not the first port. */
	g_assert_false (d.wrong_endpoint);
	g_assert_cmpuint (d.bulk_out, >, 10);
	g_assert_cmpuint (d.bulk_in, >, 10);
	/* hotsync.md: data goes out in chunks of at most 4096 bytes. */
	g_assert_cmpuint (d.largest_out, <=, 4096);
	g_test_message ("bulk: %u out, %u in, %u discarded on a read timeout", d.bulk_out, d.bulk_in, d.discarded);

	g_assert_no_error (hh.error);
	g_assert_true (hh.result.completed);
	g_assert_cmpuint (hh.result.requests, >, 10);
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Over USB|Over USB\\nthrough libusb and umockdev|Unfiled\n");
	/* The desktop's id became the handheld's lastSyncPC. */
	g_assert_cmpuint (hh.state->last_sync_pc, !=, 0);

	device_clear (&d);
	handheld_state_free (hh.state);
	harness_clear (&h);
}

/* A device that stalls request 0x04 (a Handspring Visor): the conduit
 * falls back to 0x03 and uses its port; the Visor speaks SLP/PADP/CMP
 * over the bulk pipes (hotsync.md), which the conduit detects from the
 * first bytes; the sync completes.  After the first bytes the device
 * holds its answer until a bulk read times out (PADP's ack wait, about
 * 2 s): libusb discards that URB (DISCARDURB, reaped as ENOENT) and the
 * conduit reads again and goes on.  The kernel here lacks
 * DISCONNECT_CLAIM, so libusb detaches the driver and claims in two
 * steps. */
static void
test_visor (void)
{
	Harness h;
	Device d = { .visor_only = TRUE, .old_kernel = TRUE, .hold_once = TRUE };
	Handheld hh = { .serial = TRUE };
	g_autofree char *notes = NULL;
	g_autofree char *ctl = NULL;

	harness_init (&h);
	hh.state = handheld_with_memo ("Visor");
	run_usb_sync (&h, &d, &hh);
	ctl = controls (&d);
	g_assert_cmpstr (ctl, ==, "c2 04 0 0 20\nc2 03 0 0 6\nc2 01 0 0 2\n");
	assert_driver_handling (&d);
	g_assert_nonnull (strstr (d.log->str, "disconnect-claim 0 2 usbfs\ndisconnect\nclaim\ncontrol "));
	g_assert_false (d.wrong_endpoint);
	g_assert_no_error (hh.error);
	g_assert_true (hh.result.completed);
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "Visor|Visor|Unfiled\n");
	g_assert_cmpuint (d.discarded, >=, 1);   /* more if a loaded machine is slow to ack */
	device_clear (&d);
	handheld_state_free (hh.state);
	harness_clear (&h);
}

/* The handheld leaves the bus mid-sync (HotSync cancelled, cable
 * pulled): the pending bulk URB ends with ENODEV, libusb says NO_DEVICE,
 * the sync fails and the store is left as it was. */
static void
test_unplugged (void)
{
	Harness h;
	Device d = { 0 };
	Handheld hh = { .drop_after = 8 };
	g_autofree char *notes = NULL;

	harness_init (&h);
	hh.state = handheld_with_memo ("Lost");
	run_usb_sync (&h, &d, &hh);
	assert_driver_handling (&d);
	g_assert_true (hh.result.dropped);
	g_assert_false (hh.result.completed);
	notes = harness_store_dump (&h, PSTSTORE_KIND_NOTE);
	g_assert_cmpstr (notes, ==, "");
	device_clear (&d);
	handheld_state_free (hh.state);
	harness_clear (&h);
}

/* A device of one of the vendor ids whose interface 0 a disk driver holds
 * (Sony and Samsung make USB disks too): the conduit must not detach the
 * driver, nor send the device anything. */
static void
test_other_driver (void)
{
	g_autoptr (UMockdevTestbed) bed = umockdev_testbed_new ();
	g_autoptr (UMockdevIoctlBase) handler = umockdev_ioctl_base_new ();
	g_autofree char *desc = g_test_build_filename (G_TEST_DIST, "tests/data/conduit/palm-and-hub.umockdev", NULL);
	g_autofree char *prog = g_test_build_filename (G_TEST_BUILT, "conduit/airdock-conduit", NULL);
	g_autofree char *dir = g_dir_make_tmp ("airdock-usb-XXXXXX", NULL);
	g_autofree char *store = g_strdup_printf ("--store=%s/store.sqlite", dir);
	g_autofree char *iface = NULL;
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE |
	                                                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	g_autoptr (GSubprocess) p = NULL;
	g_autoptr (GDataInputStream) err = NULL;
	g_autoptr (GError) error = NULL;
	Device d = { 0 };
	gboolean reported = FALSE;

	g_assert_true (umockdev_testbed_add_from_file (bed, desc, &error));
	g_assert_no_error (error);
	iface = umockdev_testbed_add_device (bed, "usb", "1-1:1.0", "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1",
	                                     "bInterfaceNumber", "00", NULL, "DEVTYPE", "usb_interface", NULL);
	g_assert_nonnull (iface);
	umockdev_testbed_set_attribute_link (bed, iface, "driver", "../../../../../../bus/usb/drivers/uas");
	g_mutex_init (&d.lock);
	d.log = g_string_new (NULL);
	d.driver_bound = TRUE;
	d.urbs = g_ptr_array_new_with_free_func (urb_free);
	g_signal_connect (handler, "handle-ioctl", G_CALLBACK (on_ioctl), &d);
	g_assert_true (umockdev_testbed_attach_ioctl (bed, PALM_NODE, handler, &error));
	g_assert_no_error (error);

	g_subprocess_launcher_set_child_setup (l, child_setup, NULL, NULL);
	g_subprocess_launcher_setenv (l, "LD_PRELOAD", "libumockdev-preload.so.0", TRUE);
	allow_preload (l);
	p = g_subprocess_launcher_spawn (l, &error, prog, store, "--listen=usb", "--once", NULL);
	g_assert_no_error (error);
	err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (p));
	while (!reported) {
		g_autofree char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);

		g_assert_no_error (error);
		g_assert_nonnull (line);
		g_test_message ("%s", line);
		reported = strstr (line, "usb 0830:0060: interface 0 belongs to the kernel driver uas") != NULL;
	}
	g_subprocess_force_exit (p);
	g_subprocess_wait (p, NULL, NULL);
	g_mutex_lock (&d.lock);
	g_assert_cmpstr (d.log->str, ==, "");   /* no detach, no request */
	g_assert_true (d.driver_bound);
	g_mutex_unlock (&d.lock);
	g_assert_true (umockdev_testbed_detach_ioctl (bed, PALM_NODE, &error));
	g_assert_no_error (error);
	device_clear (&d);
	{
		g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

		g_assert_cmpint (system (cmd), ==, 0);
	}
}

static gboolean
preloaded (void)
{
	const char *preload = g_getenv ("LD_PRELOAD");

	return preload != NULL && strstr (preload, "libumockdev-preload") != NULL;
}

int
main (int argc, char **argv)
{
	/* The ioctl handlers need umockdev's preload library in this process
	 * too: re-run under umockdev-wrapper when it is missing. */
	if (!preloaded ()) {
		g_autofree char *wrapper = g_find_program_in_path ("umockdev-wrapper");

		if (wrapper != NULL) {
			g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
			g_auto (GStrv) args = NULL;
			const char *asan = g_getenv ("ASAN_OPTIONS");
			g_autofree char *opts = g_strconcat (asan != NULL ? asan : "", asan != NULL ? ":" : "",
			                                     "verify_asan_link_order=0", NULL);

			g_setenv ("ASAN_OPTIONS", opts, TRUE);
			g_strv_builder_add (b, wrapper);
			for (int i = 0; i < argc; i++)
				g_strv_builder_add (b, argv[i]);
			args = g_strv_builder_end (b);
			execv (wrapper, args);
		}
	}
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/conduit/usb/umockdev/discovery", test_discovery);
	if (preloaded ()) {
		g_test_add_func ("/conduit/usb/umockdev/sync", test_sync);
		g_test_add_func ("/conduit/usb/umockdev/visor", test_visor);
		g_test_add_func ("/conduit/usb/umockdev/unplugged", test_unplugged);
		g_test_add_func ("/conduit/usb/umockdev/other-driver", test_other_driver);
	}
	return g_test_run ();
}
