/* Byte transports under a HotSync link: a small vtable with a TCP/tty
 * implementation over a file descriptor and an in-memory pair for tests.
 *
 * A transport moves bytes; it knows nothing of framing.  Reads wait at most
 * the given time; a closed peer is an error (CONDUIT_TRANSPORT_ERROR_CLOSED)
 * so that the session can tell a hang-up from a timeout.
 *
 * Errors: CONDUIT_TRANSPORT_ERROR, G_IO_ERROR from the system. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CONDUIT_TRANSPORT_ERROR (conduit_transport_error_quark ())
GQuark conduit_transport_error_quark (void);

typedef enum {
	CONDUIT_TRANSPORT_ERROR_CLOSED,    /* the peer hung up */
	CONDUIT_TRANSPORT_ERROR_FAILED,    /* read, write or line setting failed */
} ConduitTransportError;

typedef struct _ConduitTransport ConduitTransport;

typedef struct {
	const char *name;
	/* Reads up to len bytes, waiting at most timeout_ms (-1: forever).
	 * Returns the count (0 on timeout) or -1 with error. */
	gssize (*read) (ConduitTransport *t, guint8 *buf, gsize len, int timeout_ms, GError **error);
	/* Writes all len bytes. */
	gboolean (*write) (ConduitTransport *t, const guint8 *data, gsize len, GError **error);
	/* Serial lines: drains output and switches to baud.  NULL elsewhere. */
	gboolean (*set_baud) (ConduitTransport *t, guint32 baud, GError **error);
	void (*free) (ConduitTransport *t);
} ConduitTransportVtable;

struct _ConduitTransport {
	const ConduitTransportVtable *vtable;
	gboolean serial;          /* SLP framing expected (tty) */
	guint64 bytes_in;
	guint64 bytes_out;
};

gssize conduit_transport_read (ConduitTransport *t, guint8 *buf, gsize len, int timeout_ms, GError **error);
gboolean conduit_transport_write (ConduitTransport *t, const guint8 *data, gsize len, GError **error);
/* TRUE without doing anything when the transport has no line speed. */
gboolean conduit_transport_set_baud (ConduitTransport *t, guint32 baud, GError **error);
void conduit_transport_free (ConduitTransport *t);

/* A connected socket or an open tty; takes ownership of fd. */
ConduitTransport *conduit_transport_new_fd (int fd, gboolean serial);

/* Opens a serial device raw at 9600 baud (8N1, no flow control). */
ConduitTransport *conduit_transport_open_tty (const char *path, GError **error);

/* Sets a tty raw at baud; shared with the handheld simulator. */
gboolean conduit_tty_set_raw (int fd, guint32 baud, GError **error);

/* Two in-memory transports joined back to back (a "USB-like byte pipe"):
 * what one writes the other reads.  Both must be freed. */
gboolean conduit_transport_new_pair (ConduitTransport **out_a, ConduitTransport **out_b, GError **error);

/* Framing from the first bytes of a stream (hotsync.md): TRUE and
 * *out_serial once decided, FALSE while more bytes are needed. */
gboolean conduit_detect_framing (const guint8 *data, gsize len, gboolean *out_serial);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitTransport, conduit_transport_free)

G_END_DECLS
