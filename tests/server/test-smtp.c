/* Tests for server/airdockd-smtp against a fake SMTP peer: a thread that
 * accepts one connection on 127.0.0.1 and plays the server's side. */
#include "config.h"

#include <string.h>

#include "server/airdockd-smtp.h"

typedef struct {
	/* behaviour */
	const char *greeting;		/* default "220 fake ESMTP" */
	gboolean reject_ehlo;
	const char *reject_rcpt;	/* address answered with 550 */
	const char *data_end_reply;	/* default "250 2.0.0 queued" */
	gboolean silent;		/* never answer anything */
	/* results */
	GSocketListener *listener;
	guint16 port;
	GPtrArray *commands;		/* lines received outside DATA */
	GPtrArray *data;		/* DATA lines as received (CRLF removed) */
	gboolean bare_lf;		/* a LF without CR was seen */
	GThread *thread;
} Fake;

static void
say (GOutputStream *out, const char *line)
{
	g_autofree char *l = g_strdup_printf ("%s\r\n", line);
	g_output_stream_write_all (out, l, strlen (l), NULL, NULL, NULL);
}

static gpointer
fake_thread (gpointer data)
{
	Fake *f = data;
	g_autoptr (GSocketConnection) conn = g_socket_listener_accept (f->listener, NULL, NULL, NULL);
	g_autoptr (GDataInputStream) in = NULL;
	GOutputStream *out;
	gboolean in_data = FALSE;
	char *line;

	if (conn == NULL)
		return NULL;
	in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
	/* CR LF only, so that a bare LF shows up inside a line */
	g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
	out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
	if (f->silent) {
		char buf[256];
		while (g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf, sizeof buf, NULL, NULL) > 0)
			;
		return NULL;
	}
	say (out, f->greeting ? f->greeting : "220 fake ESMTP");
	while ((line = g_data_input_stream_read_line (in, NULL, NULL, NULL)) != NULL) {
		if (strchr (line, '\n') != NULL)
			f->bare_lf = TRUE;
		if (in_data) {
			if (strcmp (line, ".") == 0) {
				in_data = FALSE;
				say (out, f->data_end_reply ? f->data_end_reply : "250 2.0.0 queued");
				g_free (line);
			} else {
				g_ptr_array_add (f->data, line);
			}
			continue;
		}
		g_ptr_array_add (f->commands, line);
		if (g_str_has_prefix (line, "EHLO")) {
			if (f->reject_ehlo) {
				say (out, "502 5.5.2 no EHLO here");
			} else {
				say (out, "250-fake.example");
				say (out, "250-PIPELINING");
				say (out, "250 8BITMIME");
			}
		} else if (g_str_has_prefix (line, "HELO") || g_str_has_prefix (line, "MAIL")) {
			say (out, "250 OK");
		} else if (g_str_has_prefix (line, "RCPT")) {
			if (f->reject_rcpt != NULL && strstr (line, f->reject_rcpt) != NULL)
				say (out, "550 5.1.1 no such user\x01 here");
			else
				say (out, "250 OK");
		} else if (strcmp (line, "DATA") == 0) {
			in_data = TRUE;
			say (out, "354 go ahead");
		} else if (strcmp (line, "QUIT") == 0) {
			say (out, "221 bye");
			break;
		} else {
			say (out, "500 what");
		}
	}
	return NULL;
}

static void
fake_start (Fake *f)
{
	g_autoptr (GError) error = NULL;

	f->listener = g_socket_listener_new ();
	f->port = g_socket_listener_add_any_inet_port (f->listener, NULL, &error);
	g_assert_no_error (error);
	f->commands = g_ptr_array_new_with_free_func (g_free);
	f->data = g_ptr_array_new_with_free_func (g_free);
	f->thread = g_thread_new ("fake-smtp", fake_thread, f);
}

static void
fake_join (Fake *f)
{
	if (f->thread != NULL)
		g_thread_join (f->thread);
	f->thread = NULL;
}

static void
fake_stop (Fake *f)
{
	fake_join (f);
	g_socket_listener_close (f->listener);
	g_object_unref (f->listener);
	g_ptr_array_unref (f->commands);
	g_ptr_array_unref (f->data);
}

typedef struct {
	gboolean done;
	gboolean ok;
	GError *error;
} Result;

static void
on_sent (GObject *source, GAsyncResult *res, gpointer data)
{
	Result *r = data;
	r->ok = airdockd_smtp_send_finish (res, &r->error);
	r->done = TRUE;
}

/* Sends body through the async API, iterating the default main context. */
static gboolean
send (Fake *f, const char *from, const char * const *rcpts, const char *body, guint timeout, GError **error)
{
	g_autofree char *relay = g_strdup_printf ("127.0.0.1:%u", f->port);
	AirdockdSmtpOptions opts = { relay, "client.example", timeout };
	g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data (g_strdup (body), strlen (body), g_free);
	Result r = { FALSE, FALSE, NULL };

	airdockd_smtp_send_async (&opts, from, rcpts, in, NULL, on_sent, &r);
	while (!r.done)
		g_main_context_iteration (NULL, TRUE);
	if (!r.ok)
		g_propagate_error (error, r.error);
	return r.ok;
}

static void
test_send_ok (void)
{
	g_autoptr (GError) error = NULL;
	Fake f = { 0 };
	const char *rcpts[] = { "x@example.org", "y@example.org", NULL };
	/* bare LF endings, a leading dot, a lone dot, no final newline */
	const char *body = "Subject: t\n\n.leading dot\n.\nmid . dot\r\nlast line";

	fake_start (&f);
	g_assert_true (send (&f, "me@example.org", rcpts, body, 10, &error));
	g_assert_no_error (error);
	fake_stop (&f);
}

static void
test_send_transcript (void)
{
	g_autoptr (GError) error = NULL;
	Fake f = { 0 };
	const char *rcpts[] = { "x@example.org", "y@example.org", NULL };
	const char *body = "Subject: t\n\n.leading dot\n.\nmid . dot\r\nlast line";
	const char *want_cmds[] = { "EHLO client.example", "MAIL FROM:<me@example.org>", "RCPT TO:<x@example.org>",
				    "RCPT TO:<y@example.org>", "DATA", "QUIT" };
	const char *want_data[] = { "Subject: t", "", "..leading dot", "..", "mid . dot", "last line" };

	fake_start (&f);
	g_assert_true (send (&f, "me@example.org", rcpts, body, 10, &error));
	fake_join (&f);
	g_assert_cmpuint (f.commands->len, ==, G_N_ELEMENTS (want_cmds));
	for (guint i = 0; i < f.commands->len; i++)
		g_assert_cmpstr (f.commands->pdata[i], ==, want_cmds[i]);
	g_assert_cmpuint (f.data->len, ==, G_N_ELEMENTS (want_data));
	for (guint i = 0; i < f.data->len; i++)
		g_assert_cmpstr (f.data->pdata[i], ==, want_data[i]);
	g_assert_false (f.bare_lf);
	fake_stop (&f);
}

static void
test_rcpt_rejected (void)
{
	g_autoptr (GError) error = NULL;
	Fake f = { .reject_rcpt = "bad@" };
	const char *rcpts[] = { "ok@example.org", "bad@example.org", NULL };

	fake_start (&f);
	g_assert_false (send (&f, "", rcpts, "Subject: x\r\n\r\nb\r\n", 10, &error));
	g_assert_error (error, AIRDOCKD_SMTP_ERROR, 550);
	g_assert_nonnull (strstr (error->message, "RCPT TO <bad@example.org>"));
	g_assert_nonnull (strstr (error->message, "no such user? here"));	/* control byte sanitised */
	g_socket_listener_close (f.listener);
	fake_stop (&f);
}

static void
test_helo_fallback (void)
{
	g_autoptr (GError) error = NULL;
	Fake f = { .reject_ehlo = TRUE };
	const char *rcpts[] = { "x@example.org", NULL };

	fake_start (&f);
	g_assert_true (send (&f, "me@example.org", rcpts, "b\r\n", 10, &error));
	g_assert_no_error (error);
	fake_join (&f);
	g_assert_cmpstr (f.commands->pdata[0], ==, "EHLO client.example");
	g_assert_cmpstr (f.commands->pdata[1], ==, "HELO client.example");
	fake_stop (&f);
}

static void
test_data_rejected (void)
{
	g_autoptr (GError) error = NULL;
	Fake f = { .data_end_reply = "552 5.3.4 too big" };
	const char *rcpts[] = { "x@example.org", NULL };

	fake_start (&f);
	g_assert_false (send (&f, "me@example.org", rcpts, "b\r\n", 10, &error));
	g_assert_error (error, AIRDOCKD_SMTP_ERROR, 552);
	g_socket_listener_close (f.listener);
	fake_stop (&f);
}

static void
test_greeting_rejected (void)
{
	g_autoptr (GError) error = NULL;
	Fake f = { .greeting = "554 5.3.2 go away" };
	const char *rcpts[] = { "x@example.org", NULL };

	fake_start (&f);
	g_assert_false (send (&f, "me@example.org", rcpts, "b\r\n", 10, &error));
	g_assert_error (error, AIRDOCKD_SMTP_ERROR, 554);
	g_socket_listener_close (f.listener);
	fake_stop (&f);
}

static void
test_timeout (void)
{
	g_autoptr (GError) error = NULL;
	Fake f = { .silent = TRUE };
	const char *rcpts[] = { "x@example.org", NULL };

	fake_start (&f);
	g_assert_false (send (&f, "me@example.org", rcpts, "b\r\n", 1, &error));
	g_assert_error (error, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_TIMEOUT);
	fake_stop (&f);
}

static void
test_connect_refused (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GSocketListener) l = g_socket_listener_new ();
	guint16 port = g_socket_listener_add_any_inet_port (l, NULL, NULL);
	Fake f = { .port = port };
	const char *rcpts[] = { "x@example.org", NULL };

	g_socket_listener_close (l);	/* nothing listens there now */
	g_assert_false (send (&f, "me@example.org", rcpts, "b\r\n", 5, &error));
	g_assert_error (error, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_CONNECT);
}

static void
test_invalid_args (void)
{
	g_autoptr (GError) error = NULL;
	Fake f = { .port = 1 };
	const char *crlf[] = { "x@example.org\r\nRCPT TO:<evil@x>", NULL };
	const char *none[] = { NULL };
	const char *ok[] = { "x@example.org", NULL };

	g_assert_false (send (&f, "me@example.org", crlf, "b", 5, &error));
	g_assert_error (error, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_INVALID);
	g_clear_error (&error);
	g_assert_false (send (&f, "me@example.org", none, "b", 5, &error));
	g_assert_error (error, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_INVALID);
	g_clear_error (&error);
	g_assert_false (send (&f, "me>@example.org", ok, "b", 5, &error));
	g_assert_error (error, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_INVALID);
}

static void
test_send_sync (void)
{
	g_autoptr (GError) error = NULL;
	Fake f = { 0 };
	g_autofree char *relay = NULL;
	const char *rcpts[] = { "x@example.org", NULL };
	g_autoptr (GInputStream) in = g_memory_input_stream_new_from_data ("Subject: s\r\n\r\nbody\r\n", -1, NULL);

	fake_start (&f);
	relay = g_strdup_printf ("127.0.0.1:%u", f.port);
	{
		AirdockdSmtpOptions opts = { relay, NULL, 10 };
		g_assert_true (airdockd_smtp_send_sync (&opts, "me@example.org", rcpts, in, NULL, &error));
	}
	g_assert_no_error (error);
	fake_stop (&f);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/smtp/send/ok", test_send_ok);
	g_test_add_func ("/smtp/send/transcript", test_send_transcript);
	g_test_add_func ("/smtp/send/sync", test_send_sync);
	g_test_add_func ("/smtp/error/rcpt-rejected", test_rcpt_rejected);
	g_test_add_func ("/smtp/error/data-rejected", test_data_rejected);
	g_test_add_func ("/smtp/error/greeting-rejected", test_greeting_rejected);
	g_test_add_func ("/smtp/helo-fallback", test_helo_fallback);
	g_test_add_func ("/smtp/error/timeout", test_timeout);
	g_test_add_func ("/smtp/error/connect-refused", test_connect_refused);
	g_test_add_func ("/smtp/error/invalid-args", test_invalid_args);

	return g_test_run ();
}
