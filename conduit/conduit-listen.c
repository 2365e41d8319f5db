/* Links the conduit waits on: see conduit-listen.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>

#include "conduit/conduit-listen.h"
#include "conduit/conduit-usb.h"

struct _ConduitListener {
	char *spec;
	GSocket *socket;      /* net */
	char *device;         /* serial */
	guint32 max_baud;
	ConduitSyncFunc func;
	GThread *thread;
};

gboolean
conduit_parse_net_spec (const char *spec, char **out_host, guint16 *out_port, GError **error)
{
	const char *rest = spec + strlen ("net:");
	const char *colon = strrchr (rest, ':');
	guint64 port;

	if (!g_str_has_prefix (spec, "net:") ||
	    !g_ascii_string_to_unsigned (colon != NULL ? colon + 1 : rest, 10, 0, 65535, &port, NULL)) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "expected net:[HOST:]PORT");
		return FALSE;
	}
	*out_host = colon != NULL ? g_strndup (rest, (gsize) (colon - rest)) : g_strdup ("0.0.0.0");
	*out_port = (guint16) port;
	return TRUE;
}

gboolean
conduit_parse_serial_spec (const char *spec, char **out_device, guint32 *out_baud, GError **error)
{
	const char *rest = spec + strlen ("serial:");
	const char *at = strrchr (rest, '@');
	guint64 baud = 0;

	if (!g_str_has_prefix (spec, "serial:") || rest[0] != '/' ||
	    (at != NULL && !g_ascii_string_to_unsigned (at + 1, 10, 9600, 230400, &baud, NULL))) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		             "expected serial:/DEVICE[@BAUD] with BAUD 9600–230400");
		return FALSE;
	}
	*out_device = at != NULL ? g_strndup (rest, (gsize) (at - rest)) : g_strdup (rest);
	*out_baud = (guint32) baud;
	return TRUE;
}

gboolean
conduit_listen_check_spec (const char *spec, GError **error)
{
	g_autofree char *a = NULL;
	guint16 port;
	guint32 baud;

	if (g_str_has_prefix (spec, "net:"))
		return conduit_parse_net_spec (spec, &a, &port, error);
	if (g_str_has_prefix (spec, "serial:"))
		return conduit_parse_serial_spec (spec, &a, &baud, error);
	if (g_strcmp0 (spec, "usb") == 0)
		return TRUE;
	g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "unknown link (net:…, serial:…, usb)");
	return FALSE;
}

static gpointer
net_thread (gpointer data)
{
	ConduitListener *l = data;
	int lfd = g_socket_get_fd (l->socket);

	/* GSocket makes its descriptor non-blocking; this thread waits in accept. */
	(void) fcntl (lfd, F_SETFL, fcntl (lfd, F_GETFL) & ~O_NONBLOCK);
	for (;;) {
		int fd = accept (lfd, NULL, NULL);
		g_autoptr (ConduitTransport) t = NULL;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
				continue;
			break;
		}
		t = conduit_transport_new_fd (fd, FALSE);
		if (!l->func (t, l->spec))
			break;
	}
	return NULL;
}

static gpointer
serial_thread (gpointer data)
{
	ConduitListener *l = data;
	gboolean failing = FALSE;

	for (;;) {
		g_autoptr (GError) error = NULL;
		g_autoptr (ConduitTransport) t = conduit_transport_open_tty (l->device, &error);

		if (t == NULL) {
			/* A USB serial adapter may come and go: retry, say so once. */
			if (!failing)
				g_message ("%s: %s; retrying", l->spec, error->message);
			failing = TRUE;
			g_usleep (G_USEC_PER_SEC);
			continue;
		}
		failing = FALSE;
		if (!l->func (t, l->spec))
			break;
	}
	return NULL;
}

static gboolean
start_net (ConduitListener *l, GError **error)
{
	g_autofree char *host = NULL;
	guint16 port;
	g_autoptr (GInetAddress) addr = NULL;
	g_autoptr (GSocketAddress) sa = NULL;
	g_autoptr (GSocketAddress) bound = NULL;

	if (!conduit_parse_net_spec (l->spec, &host, &port, error))
		return FALSE;
	addr = g_inet_address_new_from_string (host);
	if (addr == NULL) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an IP address: %s", host);
		return FALSE;
	}
	sa = g_inet_socket_address_new (addr, port);
	l->socket = g_socket_new (g_inet_address_get_family (addr), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
	if (l->socket == NULL || !g_socket_bind (l->socket, sa, TRUE, error) || !g_socket_listen (l->socket, error))
		return FALSE;
	g_socket_set_blocking (l->socket, TRUE);
	bound = g_socket_get_local_address (l->socket, error);
	if (bound == NULL)
		return FALSE;
	printf ("listening net:%s:%u\n", host, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
	fflush (stdout);
	l->thread = g_thread_new ("net", net_thread, l);
	return TRUE;
}

ConduitListener *
conduit_listener_new_external (const char *spec)
{
	ConduitListener *l = g_new0 (ConduitListener, 1);

	l->spec = g_strdup (spec);
	return l;
}

ConduitListener *
conduit_listener_start (const char *spec, guint32 max_baud, ConduitSyncFunc func, GError **error)
{
	ConduitListener *l = g_new0 (ConduitListener, 1);
	guint32 baud = 0;

	l->spec = g_strdup (spec);
	l->func = func;
	l->max_baud = max_baud;
	if (g_str_has_prefix (spec, "net:")) {
		if (!start_net (l, error))
			goto fail;
	} else if (g_str_has_prefix (spec, "serial:")) {
		if (!conduit_parse_serial_spec (spec, &l->device, &baud, error))
			goto fail;
		if (baud != 0)
			l->max_baud = baud;
		l->thread = g_thread_new ("serial", serial_thread, l);
	} else if (g_strcmp0 (spec, "usb") == 0) {
		conduit_listener_free (l);
		return conduit_usb_listener_start (func, error);
	} else {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "unknown link (net:…, serial:…, usb)");
		goto fail;
	}
	return l;
fail:
	conduit_listener_free (l);
	return NULL;
}

void
conduit_listener_free (ConduitListener *l)
{
	if (l == NULL)
		return;
	/* Threads block in accept()/read(); they end with the process. */
	if (l->thread != NULL)
		g_thread_unref (l->thread);
	g_clear_object (&l->socket);
	g_free (l->device);
	g_free (l->spec);
	g_free (l);
}

gboolean
conduit_config_load (const char *path, char ***listen, GError **error)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_auto (GStrv) groups = NULL;
	g_auto (GStrv) keys = NULL;
	g_auto (GStrv) more = NULL;
	g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

	if (path == NULL)
		return TRUE;
	if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, error))
		return FALSE;
	groups = g_key_file_get_groups (kf, NULL);
	for (guint i = 0; groups[i] != NULL; i++)
		if (strcmp (groups[i], "conduit") != 0) {
			g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
			             "%s: unknown group [%s]", path, groups[i]);
			return FALSE;
		}
	keys = g_key_file_get_keys (kf, "conduit", NULL, NULL);
	for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
		if (strcmp (keys[i], "listen") != 0) {
			g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
			             "%s: unknown key %s", path, keys[i]);
			return FALSE;
		}
	more = g_key_file_get_string_list (kf, "conduit", "listen", NULL, NULL);
	if (*listen != NULL)
		g_strv_builder_addv (b, (const char **) *listen);
	if (more != NULL)
		g_strv_builder_addv (b, (const char **) more);
	g_strfreev (*listen);
	*listen = g_strv_builder_end (b);
	return TRUE;
}
