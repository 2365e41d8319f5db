/* Byte transports: see conduit-transport.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gio.h>

#include "conduit/conduit-transport.h"

G_DEFINE_QUARK (conduit-transport-error-quark, conduit_transport_error)

typedef struct {
	ConduitTransport parent;
	int fd;
} FdTransport;

gssize
conduit_transport_read (ConduitTransport *t, guint8 *buf, gsize len, int timeout_ms, GError **error)
{
	gssize n = t->vtable->read (t, buf, len, timeout_ms, error);

	if (n > 0)
		t->bytes_in += (guint64) n;
	return n;
}

gboolean
conduit_transport_write (ConduitTransport *t, const guint8 *data, gsize len, GError **error)
{
	if (!t->vtable->write (t, data, len, error))
		return FALSE;
	t->bytes_out += len;
	return TRUE;
}

gboolean
conduit_transport_set_baud (ConduitTransport *t, guint32 baud, GError **error)
{
	if (t->vtable->set_baud == NULL)
		return TRUE;
	return t->vtable->set_baud (t, baud, error);
}

void
conduit_transport_free (ConduitTransport *t)
{
	if (t != NULL)
		t->vtable->free (t);
}

static gssize
fd_read (ConduitTransport *t, guint8 *buf, gsize len, int timeout_ms, GError **error)
{
	FdTransport *self = (FdTransport *) t;
	struct pollfd p = { self->fd, POLLIN, 0 };
	gssize n;
	int r;

	do
		r = poll (&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		g_set_error (error, CONDUIT_TRANSPORT_ERROR, CONDUIT_TRANSPORT_ERROR_FAILED,
		             "poll: %s", g_strerror (errno));
		return -1;
	}
	if (r == 0)
		return 0;
	do
		n = read (self->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n == 0 || (n < 0 && (errno == EIO || errno == ECONNRESET))) {
		g_set_error_literal (error, CONDUIT_TRANSPORT_ERROR, CONDUIT_TRANSPORT_ERROR_CLOSED,
		                     "the handheld hung up");
		return -1;
	}
	if (n < 0) {
		if (errno == EAGAIN)
			return 0;
		g_set_error (error, CONDUIT_TRANSPORT_ERROR, CONDUIT_TRANSPORT_ERROR_FAILED,
		             "read: %s", g_strerror (errno));
		return -1;
	}
	return n;
}

static gboolean
fd_write (ConduitTransport *t, const guint8 *data, gsize len, GError **error)
{
	FdTransport *self = (FdTransport *) t;
	gsize off = 0;

	while (off < len) {
		gssize n = write (self->fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { self->fd, POLLOUT, 0 };

			(void) poll (&p, 1, 1000);
			continue;
		}
		if (n <= 0) {
			g_set_error (error, CONDUIT_TRANSPORT_ERROR,
			             errno == EPIPE || errno == ECONNRESET || errno == EIO ?
			             CONDUIT_TRANSPORT_ERROR_CLOSED : CONDUIT_TRANSPORT_ERROR_FAILED,
			             "write: %s", g_strerror (errno));
			return FALSE;
		}
		off += (gsize) n;
	}
	return TRUE;
}

static speed_t
baud_to_speed (guint32 baud)
{
	switch (baud) {
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 115200: return B115200;
	case 230400: return B230400;
	default: return B0;
	}
}

gboolean
conduit_tty_set_raw (int fd, guint32 baud, GError **error)
{
	struct termios tio;
	speed_t speed = baud_to_speed (baud);

	if (speed == B0) {
		g_set_error (error, CONDUIT_TRANSPORT_ERROR, CONDUIT_TRANSPORT_ERROR_FAILED,
		             "unsupported rate %u", baud);
		return FALSE;
	}
	if (tcgetattr (fd, &tio) < 0) {
		g_set_error (error, CONDUIT_TRANSPORT_ERROR, CONDUIT_TRANSPORT_ERROR_FAILED,
		             "tcgetattr: %s", g_strerror (errno));
		return FALSE;
	}
	cfmakeraw (&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cflag &= (tcflag_t) ~CRTSCTS;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	cfsetispeed (&tio, speed);
	cfsetospeed (&tio, speed);
	if (tcsetattr (fd, TCSANOW, &tio) < 0) {
		g_set_error (error, CONDUIT_TRANSPORT_ERROR, CONDUIT_TRANSPORT_ERROR_FAILED,
		             "tcsetattr: %s", g_strerror (errno));
		return FALSE;
	}
	return TRUE;
}

static gboolean
fd_set_baud (ConduitTransport *t, guint32 baud, GError **error)
{
	FdTransport *self = (FdTransport *) t;

	/* hotsync.md (CMP): drain, then switch after ~50 ms. */
	(void) tcdrain (self->fd);
	g_usleep (50 * 1000);
	return conduit_tty_set_raw (self->fd, baud, error);
}

static void
fd_free (ConduitTransport *t)
{
	FdTransport *self = (FdTransport *) t;

	if (self->fd >= 0)
		close (self->fd);
	g_free (self);
}

static const ConduitTransportVtable fd_vtable = { "fd", fd_read, fd_write, NULL, fd_free };
static const ConduitTransportVtable tty_vtable = { "tty", fd_read, fd_write, fd_set_baud, fd_free };

ConduitTransport *
conduit_transport_new_fd (int fd, gboolean serial)
{
	FdTransport *self = g_new0 (FdTransport, 1);

	self->parent.vtable = serial ? &tty_vtable : &fd_vtable;
	self->parent.serial = serial;
	self->fd = fd;
	return &self->parent;
}

ConduitTransport *
conduit_transport_open_tty (const char *path, GError **error)
{
	int fd = open (path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		g_set_error (error, CONDUIT_TRANSPORT_ERROR, CONDUIT_TRANSPORT_ERROR_FAILED,
		             "open %s: %s", path, g_strerror (errno));
		return NULL;
	}
	if (!conduit_tty_set_raw (fd, 9600, error)) {
		close (fd);
		g_prefix_error (error, "%s: ", path);
		return NULL;
	}
	return conduit_transport_new_fd (fd, TRUE);
}

gboolean
conduit_transport_new_pair (ConduitTransport **out_a, ConduitTransport **out_b, GError **error)
{
	int sv[2];

	/* A local stream pair stands in for a USB bulk pipe: no line speed,
	 * framing detected from the first bytes. */
	if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		g_set_error (error, CONDUIT_TRANSPORT_ERROR, CONDUIT_TRANSPORT_ERROR_FAILED, "socketpair: %s",
		             g_strerror (errno));
		return FALSE;
	}
	*out_a = conduit_transport_new_fd (sv[0], FALSE);
	*out_b = conduit_transport_new_fd (sv[1], FALSE);
	return TRUE;
}

gboolean
conduit_detect_framing (const guint8 *data, gsize len, gboolean *out_serial)
{
	if (len == 0)
		return FALSE;
	/* hotsync.md: a NetSync stream opens with a header (type 01) or a bare
	 * 0x90 hello; anything else is SLP, whose decoder skips noise up to the
	 * BE EF ED signature. */
	*out_serial = !(data[0] == 0x01 || data[0] == 0x90);
	return TRUE;
}
