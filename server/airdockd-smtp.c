/* airdockd-smtp.c — asynchronous SMTP relay client (RFC 5321) on GIO.
 *
 * One GTask per message walks the dialogue step by step.  Each wait (connect,
 * write, reply) runs under a timer that cancels the pending operation; a
 * user cancellable is chained to the same internal one.  The message is read
 * in chunks, dot-stuffed and CRLF-normalised on the way (RFC 5321 4.5.2).
 */
#include "config.h"

#include <string.h>

#include "server/airdockd-smtp.h"

G_DEFINE_QUARK (airdockd-smtp-error-quark, airdockd_smtp_error)

#define CHUNK 16384
#define MAX_ERROR_TEXT 200

typedef enum {
	STEP_GREETING,
	STEP_EHLO,
	STEP_HELO,
	STEP_MAIL,
	STEP_RCPT,
	STEP_DATA,
	STEP_BODY,
	STEP_QUIT,
} Step;

typedef struct {
	char *relay;
	char *helo_name;
	guint timeout;
	char *from;
	char **rcpts;
	guint rcpt_index;
	GInputStream *message;

	GSocketConnection *conn;
	GCancellable *op_cancel;	/* cancels the pending operation */
	GCancellable *user_cancel;
	gulong user_cancel_id;
	GMainContext *context;	/* where the task runs (thread default at start) */
	GSource *timer;
	gboolean timed_out;
	Step step;

	GByteArray *in;
	guint reply_lines;
	guint8 chunk[CHUNK];
	GString *out;		/* bytes being written */

	gboolean at_line_start;
	gboolean prev_cr;
} Job;

static void
job_free (gpointer data)
{
	Job *job = data;

	if (job->timer != NULL)
		g_source_destroy (job->timer);
	g_clear_pointer (&job->timer, g_source_unref);
	g_main_context_unref (job->context);
	if (job->user_cancel != NULL)
		g_cancellable_disconnect (job->user_cancel, job->user_cancel_id);
	g_clear_object (&job->user_cancel);
	g_clear_object (&job->op_cancel);
	if (job->conn != NULL)
		g_io_stream_close (G_IO_STREAM (job->conn), NULL, NULL);
	g_clear_object (&job->conn);
	g_clear_object (&job->message);
	g_byte_array_unref (job->in);
	g_string_free (job->out, TRUE);
	g_free (job->relay);
	g_free (job->helo_name);
	g_free (job->from);
	g_strfreev (job->rcpts);
	g_free (job);
}

static gboolean
on_timer (gpointer data)
{
	Job *job = data;

	g_clear_pointer (&job->timer, g_source_unref);
	job->timed_out = TRUE;
	g_cancellable_cancel (job->op_cancel);
	return G_SOURCE_REMOVE;
}

static void
disarm (Job *job)
{
	if (job->timer != NULL)
		g_source_destroy (job->timer);
	g_clear_pointer (&job->timer, g_source_unref);
}

static void
arm (Job *job)
{
	disarm (job);
	job->timer = g_timeout_source_new_seconds (job->timeout);
	g_source_set_callback (job->timer, on_timer, job, NULL);
	g_source_attach (job->timer, job->context);
}

static const char *
step_name (Job *job)
{
	switch (job->step) {
	case STEP_GREETING: return "greeting";
	case STEP_EHLO: return "EHLO";
	case STEP_HELO: return "HELO";
	case STEP_MAIL: return "MAIL FROM";
	case STEP_RCPT: return "RCPT TO";
	case STEP_DATA: return "DATA";
	case STEP_BODY: return "end of data";
	case STEP_QUIT: return "QUIT";
	}
	return "?";
}

/* Ends the task with an I/O failure, mapping cancellation by the timer. */
static void
fail_io (GTask *task, GError *error)
{
	Job *job = g_task_get_task_data (task);

	disarm (job);
	if (job->timed_out) {
		g_task_return_new_error (task, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_TIMEOUT,
					 "SMTP %s: no answer from %s within %u s", step_name (job),
					 job->relay, job->timeout);
	} else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		g_task_return_error (task, g_error_copy (error));
	} else {
		g_task_return_new_error (task, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_CONNECT,
					 "SMTP %s with %s: %s", step_name (job), job->relay, error->message);
	}
	g_error_free (error);
	g_object_unref (task);
}

static void
fail (GTask *task, int code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
fail (GTask *task, int code, const char *fmt, ...)
{
	Job *job = g_task_get_task_data (task);
	g_autofree char *msg = NULL;
	va_list ap;

	disarm (job);
	va_start (ap, fmt);
	msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	g_task_return_new_error (task, AIRDOCKD_SMTP_ERROR, code, "%s", msg);
	g_object_unref (task);
}

/* ------------------------------------------------------------ I/O */

static void read_reply (GTask *task);
static void on_reply (GTask *task, guint code, const char *text);
static void send_body_chunk (GTask *task);

static void
on_written (GObject *source, GAsyncResult *result, gpointer data)
{
	GTask *task = data;
	Job *job = g_task_get_task_data (task);
	GError *error = NULL;

	if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error)) {
		fail_io (task, error);
		return;
	}
	g_string_truncate (job->out, 0);
	if (job->step == STEP_BODY && job->message != NULL)
		send_body_chunk (task);
	else
		read_reply (task);
}

static void
write_out (GTask *task)
{
	Job *job = g_task_get_task_data (task);
	GOutputStream *os = g_io_stream_get_output_stream (G_IO_STREAM (job->conn));

	arm (job);
	g_output_stream_write_all_async (os, job->out->str, job->out->len, G_PRIORITY_DEFAULT,
					 job->op_cancel, on_written, task);
}

static void
send_line (GTask *task, Step step, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
send_line (GTask *task, Step step, const char *fmt, ...)
{
	Job *job = g_task_get_task_data (task);
	va_list ap;

	job->step = step;
	va_start (ap, fmt);
	g_string_append_vprintf (job->out, fmt, ap);
	va_end (ap);
	g_string_append (job->out, "\r\n");
	write_out (task);
}

/* Keeps printable ASCII of the server's text, cut. */
static char *
sanitize (const guint8 *p, gsize len)
{
	GString *s = g_string_new (NULL);

	for (gsize i = 0; i < len && s->len < MAX_ERROR_TEXT; i++)
		g_string_append_c (s, p[i] >= 0x20 && p[i] < 0x7f ? (char) p[i] : '?');
	return g_string_free (s, FALSE);
}

/* Consumes complete reply lines; TRUE when a whole reply was handled or
 * the task ended. */
static gboolean
parse_reply_lines (GTask *task)
{
	Job *job = g_task_get_task_data (task);

	for (;;) {
		const guint8 *lf = memchr (job->in->data, '\n', job->in->len);
		gsize len;
		guint code;

		if (lf == NULL) {
			if (job->in->len > AIRDOCKD_SMTP_MAX_REPLY_LINE) {
				fail (task, AIRDOCKD_SMTP_ERROR_PROTOCOL, "SMTP %s: reply line too long", step_name (job));
				return TRUE;
			}
			return FALSE;
		}
		len = lf - job->in->data;
		if (len > 0 && job->in->data[len - 1] == '\r')
			len--;
		if (len > AIRDOCKD_SMTP_MAX_REPLY_LINE || ++job->reply_lines > AIRDOCKD_SMTP_MAX_REPLY_LINES ||
		    len < 3 || !g_ascii_isdigit (job->in->data[0]) || !g_ascii_isdigit (job->in->data[1]) ||
		    !g_ascii_isdigit (job->in->data[2]) || (len > 3 && job->in->data[3] != ' ' && job->in->data[3] != '-')) {
			fail (task, AIRDOCKD_SMTP_ERROR_PROTOCOL, "SMTP %s: malformed reply", step_name (job));
			return TRUE;
		}
		code = (job->in->data[0] - '0') * 100 + (job->in->data[1] - '0') * 10 + (job->in->data[2] - '0');
		if (len > 3 && job->in->data[3] == '-') {
			g_byte_array_remove_range (job->in, 0, lf - job->in->data + 1);
			continue;
		}
		{
			g_autofree char *text = sanitize (job->in->data + MIN (len, 4), len - MIN (len, 4));
			g_byte_array_remove_range (job->in, 0, lf - job->in->data + 1);
			job->reply_lines = 0;
			disarm (job);
			on_reply (task, code, text);
		}
		return TRUE;
	}
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer data)
{
	GTask *task = data;
	Job *job = g_task_get_task_data (task);
	GError *error = NULL;
	gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

	if (n < 0) {
		fail_io (task, error);
		return;
	}
	if (n == 0) {
		fail (task, AIRDOCKD_SMTP_ERROR_CONNECT, "SMTP %s: %s closed the connection",
		      step_name (job), job->relay);
		return;
	}
	g_byte_array_append (job->in, job->chunk, n);
	if (!parse_reply_lines (task))
		read_reply (task);
}

static void
read_reply (GTask *task)
{
	Job *job = g_task_get_task_data (task);
	GInputStream *is = g_io_stream_get_input_stream (G_IO_STREAM (job->conn));

	if (job->in->len > 0 && parse_reply_lines (task))
		return;
	arm (job);
	g_input_stream_read_async (is, job->chunk, sizeof job->chunk, G_PRIORITY_DEFAULT, job->op_cancel,
				   on_read, task);
}

/* ------------------------------------------------------------ body */

static void
stuff (Job *job, const guint8 *p, gsize n)
{
	for (gsize i = 0; i < n; i++) {
		guint8 b = p[i];
		if (job->at_line_start && b == '.')
			g_string_append_c (job->out, '.');
		if (b == '\n' && !job->prev_cr)
			g_string_append_c (job->out, '\r');
		g_string_append_c (job->out, (char) b);
		job->at_line_start = b == '\n';
		job->prev_cr = b == '\r';
	}
}

static void
on_body_read (GObject *source, GAsyncResult *result, gpointer data)
{
	GTask *task = data;
	Job *job = g_task_get_task_data (task);
	GError *error = NULL;
	gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

	if (n < 0) {
		disarm (job);
		g_task_return_new_error (task, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_FAILED,
					 "reading the message: %s", error->message);
		g_error_free (error);
		g_object_unref (task);
		return;
	}
	if (n == 0) {
		if (!job->at_line_start)
			g_string_append (job->out, job->prev_cr ? "\n" : "\r\n");
		g_string_append (job->out, ".\r\n");
		g_clear_object (&job->message);	/* the next write ends the body */
	} else {
		stuff (job, job->chunk, n);
	}
	write_out (task);
}

static void
send_body_chunk (GTask *task)
{
	Job *job = g_task_get_task_data (task);

	g_input_stream_read_async (job->message, job->chunk, sizeof job->chunk, G_PRIORITY_DEFAULT,
				   job->op_cancel, on_body_read, task);
}

/* ------------------------------------------------------------ dialogue */

static void
rejected (GTask *task, guint code, const char *text)
{
	Job *job = g_task_get_task_data (task);

	if (job->step == STEP_RCPT)
		fail (task, (int) code, "SMTP RCPT TO <%s>: %u %s", job->rcpts[job->rcpt_index], code, text);
	else
		fail (task, (int) code, "SMTP %s: %u %s", step_name (job), code, text);
}

static void
on_reply (GTask *task, guint code, const char *text)
{
	Job *job = g_task_get_task_data (task);

	switch (job->step) {
	case STEP_GREETING:
		if (code != 220)
			break;
		send_line (task, STEP_EHLO, "EHLO %s", job->helo_name);
		return;
	case STEP_EHLO:
		if (code >= 500 && code < 600) {
			send_line (task, STEP_HELO, "HELO %s", job->helo_name);
			return;
		}
		/* fall through */
	case STEP_HELO:
		if (code != 250)
			break;
		send_line (task, STEP_MAIL, "MAIL FROM:<%s>", job->from);
		return;
	case STEP_MAIL:
	case STEP_RCPT:
		if (code != 250 && code != 251)
			break;
		if (job->step == STEP_RCPT)
			job->rcpt_index++;
		if (job->rcpts[job->rcpt_index] != NULL)
			send_line (task, STEP_RCPT, "RCPT TO:<%s>", job->rcpts[job->rcpt_index]);
		else
			send_line (task, STEP_DATA, "DATA");
		return;
	case STEP_DATA:
		if (code != 354)
			break;
		job->step = STEP_BODY;
		job->at_line_start = TRUE;
		send_body_chunk (task);
		return;
	case STEP_BODY:
		if (code != 250)
			break;
		send_line (task, STEP_QUIT, "QUIT");
		return;
	case STEP_QUIT:
		/* The message is accepted whatever QUIT answers. */
		g_task_return_boolean (task, TRUE);
		g_object_unref (task);
		return;
	}
	rejected (task, code, text);
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer data)
{
	GTask *task = data;
	Job *job = g_task_get_task_data (task);
	GError *error = NULL;

	job->conn = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, &error);
	if (job->conn == NULL) {
		fail_io (task, error);
		return;
	}
	job->step = STEP_GREETING;
	read_reply (task);
}

static void
on_user_cancel (GCancellable *cancellable, gpointer data)
{
	g_cancellable_cancel (G_CANCELLABLE (data));
}

/* Addresses go into command lines: no CR, LF, <, > or NUL. */
static gboolean
check_address (const char *a, gboolean allow_empty, GError **error)
{
	if ((a[0] == '\0' && !allow_empty) || strpbrk (a, "\r\n<> ") != NULL || strlen (a) > 320) {
		g_set_error (error, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_INVALID, "invalid address");
		return FALSE;
	}
	return TRUE;
}

static gboolean
check_args (const AirdockdSmtpOptions *options, const char *from, const char * const *rcpts, GError **error)
{
	guint n = 0;

	if (options->relay == NULL || options->relay[0] == '\0') {
		g_set_error (error, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_INVALID, "no SMTP relay configured");
		return FALSE;
	}
	if (!check_address (from, TRUE, error))
		return FALSE;
	for (; rcpts[n] != NULL; n++)
		if (!check_address (rcpts[n], FALSE, error))
			return FALSE;
	if (n == 0 || n > AIRDOCKD_SMTP_MAX_RECIPIENTS) {
		g_set_error (error, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_INVALID,
			     "need 1 to %d recipients", AIRDOCKD_SMTP_MAX_RECIPIENTS);
		return FALSE;
	}
	return TRUE;
}

void
airdockd_smtp_send_async (const AirdockdSmtpOptions *options, const char *mail_from,
			  const char * const *recipients, GInputStream *message,
			  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	GTask *task = g_task_new (NULL, cancellable, callback, user_data);
	g_autoptr (GSocketClient) client = NULL;
	GError *error = NULL;
	Job *job;

	g_return_if_fail (options != NULL && mail_from != NULL && recipients != NULL);
	g_return_if_fail (G_IS_INPUT_STREAM (message));
	g_task_set_source_tag (task, airdockd_smtp_send_async);
	if (!check_args (options, mail_from, recipients, &error)) {
		g_task_return_error (task, error);
		g_object_unref (task);
		return;
	}
	job = g_new0 (Job, 1);
	job->relay = g_strdup (options->relay);
	job->helo_name = g_strdup (options->helo_name ? options->helo_name : g_get_host_name ());
	job->timeout = options->timeout_seconds ? options->timeout_seconds : AIRDOCKD_SMTP_DEFAULT_TIMEOUT;
	job->from = g_strdup (mail_from);
	job->rcpts = g_strdupv ((char **) recipients);
	job->message = g_object_ref (message);
	job->op_cancel = g_cancellable_new ();
	job->context = g_main_context_ref_thread_default ();
	job->in = g_byte_array_new ();
	job->out = g_string_new (NULL);
	if (cancellable != NULL) {
		job->user_cancel = g_object_ref (cancellable);
		job->user_cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_user_cancel),
							     job->op_cancel, NULL);
	}
	g_task_set_task_data (task, job, job_free);

	client = g_socket_client_new ();
	g_socket_client_set_enable_proxy (client, FALSE);	/* the relay is ours, never behind a proxy */
	arm (job);
	g_socket_client_connect_to_host_async (client, job->relay, 25, job->op_cancel, on_connected, task);
}

gboolean
airdockd_smtp_send_finish (GAsyncResult *result, GError **error)
{
	g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
	return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
	GMainLoop *loop;
	gboolean ok;
	GError *error;
} SyncData;

static void
on_sync_done (GObject *source, GAsyncResult *result, gpointer data)
{
	SyncData *sd = data;

	sd->ok = airdockd_smtp_send_finish (result, &sd->error);
	g_main_loop_quit (sd->loop);
}

gboolean
airdockd_smtp_send_sync (const AirdockdSmtpOptions *options, const char *mail_from,
			 const char * const *recipients, GInputStream *message,
			 GCancellable *cancellable, GError **error)
{
	g_autoptr (GMainContext) context = g_main_context_new ();
	SyncData sd = { NULL, FALSE, NULL };

	g_main_context_push_thread_default (context);
	sd.loop = g_main_loop_new (context, FALSE);
	airdockd_smtp_send_async (options, mail_from, recipients, message, cancellable, on_sync_done, &sd);
	g_main_loop_run (sd.loop);
	g_main_loop_unref (sd.loop);
	g_main_context_pop_thread_default (context);
	if (!sd.ok) {
		g_propagate_error (error, sd.error);
		return FALSE;
	}
	return TRUE;
}
