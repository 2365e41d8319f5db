/* smtp-peer.c — an SMTP server run by a test.  See the header. */
#include "config.h"

#include <string.h>

#include "tests/server/smtp-peer.h"

static gboolean
peer_line (GDataInputStream *in, char **out_line)
{
	gsize len = 0;
	g_autoptr (GError) error = NULL;

	*out_line = g_data_input_stream_read_line (in, &len, NULL, &error);
	if (*out_line != NULL && len > 0 && (*out_line)[len - 1] == '\r')
		(*out_line)[len - 1] = '\0';
	return *out_line != NULL;
}

static void
peer_say (GOutputStream *out, const char *line)
{
	g_autofree char *crlf = g_strconcat (line, "\r\n", NULL);

	/* One write per reply: two small ones meet Nagle and delayed ACKs. */
	g_output_stream_write_all (out, crlf, strlen (crlf), NULL, NULL, NULL);
}

/* Addresses starting with "refuse" get 550 at RCPT. */
static void
peer_session (AirdockSmtpPeer *p, GSocketConnection *conn)
{
	GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
	g_autoptr (GDataInputStream) in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
	g_autoptr (GPtrArray) rcpts = g_ptr_array_new_with_free_func (g_free);
	g_autofree char *from = NULL;
	char *line;

	g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_LF);
	peer_say (out, "220 peer.test ESMTP");
	while (peer_line (in, &line)) {
		g_autofree char *l = line;
		g_autofree char *up = g_ascii_strup (l, -1);
		if (g_str_has_prefix (up, "EHLO") || g_str_has_prefix (up, "HELO")) {
			peer_say (out, "250 peer.test");
		} else if (g_str_has_prefix (up, "MAIL FROM:")) {
			g_free (from);
			from = g_strdup (l + 10);
			peer_say (out, "250 ok");
		} else if (g_str_has_prefix (up, "RCPT TO:")) {
			if (strstr (l, "<refuse") != NULL) {
				peer_say (out, "550 no such user");
				continue;
			}
			g_ptr_array_add (rcpts, g_strdup (l + 8));
			peer_say (out, "250 ok");
		} else if (g_str_equal (up, "DATA")) {
			g_autoptr (GString) data = g_string_new (NULL);
			char *dl;
			peer_say (out, "354 go on");
			while (peer_line (in, &dl)) {
				g_autofree char *d = dl;
				if (g_str_equal (d, "."))
					break;
				g_string_append (data, d[0] == '.' ? d + 1 : d);
				g_string_append (data, "\n");
			}
			g_mutex_lock (&p->lock);
			p->messages++;
			g_free (p->mail_from);
			p->mail_from = g_strdup (from);
			g_clear_pointer (&p->rcpts, g_ptr_array_unref);
			p->rcpts = g_ptr_array_ref (rcpts);
			if (p->data != NULL)
				g_string_free (p->data, TRUE);
			p->data = g_steal_pointer (&data);
			g_mutex_unlock (&p->lock);
			g_ptr_array_unref (rcpts);
			rcpts = g_ptr_array_new_with_free_func (g_free);
			peer_say (out, "250 queued");
		} else if (g_str_equal (up, "QUIT")) {
			peer_say (out, "221 bye");
			break;
		} else {
			peer_say (out, "250 ok");
		}
	}
}

static gpointer
peer_thread (gpointer data)
{
	AirdockSmtpPeer *p = data;

	for (;;) {
		g_autoptr (GSocketConnection) conn = g_socket_listener_accept (p->listener, NULL, p->cancel, NULL);
		if (conn == NULL)
			return NULL;
		peer_session (p, conn);
		g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
	}
}

AirdockSmtpPeer *
airdock_smtp_peer_start (void)
{
	AirdockSmtpPeer *p = g_new0 (AirdockSmtpPeer, 1);
	g_autoptr (GError) error = NULL;
	g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
	g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
	g_autoptr (GSocketAddress) bound = NULL;

	g_mutex_init (&p->lock);
	p->listener = g_socket_listener_new ();
	p->cancel = g_cancellable_new ();
	g_socket_listener_add_address (p->listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
	                               NULL, &bound, &error);
	g_assert_no_error (error);
	p->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
	p->thread = g_thread_new ("smtp-peer", peer_thread, p);
	return p;
}

void
airdock_smtp_peer_stop (AirdockSmtpPeer *p)
{
	g_cancellable_cancel (p->cancel);
	g_thread_join (p->thread);
	g_socket_listener_close (p->listener);
	g_object_unref (p->listener);
	g_object_unref (p->cancel);
	g_free (p->mail_from);
	g_clear_pointer (&p->rcpts, g_ptr_array_unref);
	if (p->data != NULL)
		g_string_free (p->data, TRUE);
	g_mutex_clear (&p->lock);
	g_free (p);
}

gboolean
airdock_smtp_peer_has_rcpt (AirdockSmtpPeer *p, const char *addr)
{
	g_autofree char *want = g_strdup_printf ("<%s>", addr);

	for (guint i = 0; p->rcpts != NULL && i < p->rcpts->len; i++)
		if (g_ascii_strcasecmp (g_ptr_array_index (p->rcpts, i), want) == 0)
			return TRUE;
	return FALSE;
}
