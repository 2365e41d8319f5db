/* airdockd-lmtp.c — LMTP listener (RFC 2033) delivering into Inboxes.
 *
 * Each connection reads into its own buffer (never a line reader without a
 * bound), answers commands in order (so pipelined input is safe, RFC 2920),
 * and streams DATA, dot-unstuffed, into a store temp file without any line
 * length limit.  Replies are queued and written asynchronously so a client
 * that does not read cannot block the main loop.
 */
#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <string.h>

#include "server/airdockd-lmtp.h"
#include "server/airdockd-meeting.h"

G_DEFINE_QUARK (airdockd-lmtp-error-quark, airdockd_lmtp_error)

#define READ_CHUNK 16384

/* ------------------------------------------------------------ parser */

void
airdockd_lmtp_command_clear (AirdockdLmtpCommand *cmd)
{
	g_clear_pointer (&cmd->arg, g_free);
}

static gboolean
syntax (GError **error, const char *what)
{
	g_set_error (error, AIRDOCKD_LMTP_ERROR, AIRDOCKD_LMTP_ERROR_SYNTAX, "syntax error: %s", what);
	return FALSE;
}

static gboolean
prefix_ci (const guint8 *p, gsize len, const char *word)
{
	gsize n = strlen (word);
	return len >= n && g_ascii_strncasecmp ((const char *) p, word, n) == 0;
}

/* Parses "<path>" [SP params] at p[0..len) for MAIL/RCPT. */
static gboolean
parse_path (const guint8 *p, gsize len, gboolean allow_null, char **out_addr, GError **error)
{
	gsize off = 0, start, end;

	while (off < len && p[off] == ' ')
		off++;
	if (off >= len || p[off] != '<')
		return syntax (error, "path must be in <>");
	start = ++off;
	while (off < len && p[off] != '>') {
		if (p[off] == '<' || p[off] == ' ')
			return syntax (error, "bad character in path");
		off++;
	}
	if (off >= len)
		return syntax (error, "unterminated path");
	end = off++;
	if (off < len && p[off] != ' ')
		return syntax (error, "junk after path");
	if (end - start > AIRDOCKD_LMTP_MAX_ADDRESS) {
		g_set_error (error, AIRDOCKD_LMTP_ERROR, AIRDOCKD_LMTP_ERROR_TOO_LONG,
			     "address longer than %d", AIRDOCKD_LMTP_MAX_ADDRESS);
		return FALSE;
	}
	if (end == start && !allow_null)
		return syntax (error, "empty path");
	/* A source route (@a,@b:user@c, RFC 5321 4.1.2) is accepted and dropped. */
	if (end > start && p[start] == '@') {
		const guint8 *colon = memchr (p + start, ':', end - start);
		if (colon == NULL)
			return syntax (error, "bad source route");
		start = colon - p + 1;
	}
	*out_addr = g_strndup ((const char *) p + start, end - start);
	return TRUE;
}

static const struct {
	const char *name;
	AirdockdLmtpVerb verb;
} verbs[] = {
	{ "LHLO", AIRDOCKD_LMTP_CMD_LHLO },
	{ "MAIL", AIRDOCKD_LMTP_CMD_MAIL },
	{ "RCPT", AIRDOCKD_LMTP_CMD_RCPT },
	{ "DATA", AIRDOCKD_LMTP_CMD_DATA },
	{ "RSET", AIRDOCKD_LMTP_CMD_RSET },
	{ "NOOP", AIRDOCKD_LMTP_CMD_NOOP },
	{ "QUIT", AIRDOCKD_LMTP_CMD_QUIT },
	{ "VRFY", AIRDOCKD_LMTP_CMD_VRFY },
	{ "HELO", AIRDOCKD_LMTP_CMD_HELO },
	{ "EHLO", AIRDOCKD_LMTP_CMD_HELO },
};

gboolean
airdockd_lmtp_parse_command (const guint8 *line, gsize len, AirdockdLmtpCommand *out, GError **error)
{
	AirdockdLmtpCommand cmd = { 0 };
	gsize off = 4;
	gboolean found = FALSE;

	g_return_val_if_fail (line != NULL || len == 0, FALSE);
	g_return_val_if_fail (out != NULL, FALSE);
	if (len > AIRDOCKD_LMTP_MAX_LINE) {
		g_set_error (error, AIRDOCKD_LMTP_ERROR, AIRDOCKD_LMTP_ERROR_TOO_LONG,
			     "line longer than %d", AIRDOCKD_LMTP_MAX_LINE);
		return FALSE;
	}
	for (gsize i = 0; i < len; i++)
		if (line[i] == 0 || line[i] == '\r' || line[i] == '\n' || line[i] >= 0x80)
			return syntax (error, "control or non-ASCII byte");
	if (len < 4 || (len > 4 && line[4] != ' '))
		return syntax (error, "unknown command");
	for (gsize i = 0; i < G_N_ELEMENTS (verbs) && !found; i++)
		if (g_ascii_strncasecmp ((const char *) line, verbs[i].name, 4) == 0) {
			cmd.verb = verbs[i].verb;
			found = TRUE;
		}
	if (!found)
		return syntax (error, "unknown command");
	g_assert (off <= len);
	while (off < len && line[off] == ' ')
		off++;
	switch (cmd.verb) {
	case AIRDOCKD_LMTP_CMD_LHLO:
	case AIRDOCKD_LMTP_CMD_HELO:
	case AIRDOCKD_LMTP_CMD_VRFY: {
		gsize end = len;
		while (end > off && line[end - 1] == ' ')
			end--;
		if (end == off)
			return syntax (error, "argument required");
		cmd.arg = g_strndup ((const char *) line + off, end - off);
		break;
	}
	case AIRDOCKD_LMTP_CMD_MAIL:
		if (!prefix_ci (line + off, len - off, "FROM:"))
			return syntax (error, "MAIL needs FROM:");
		if (!parse_path (line + off + 5, len - off - 5, TRUE, &cmd.arg, error))
			return FALSE;
		break;
	case AIRDOCKD_LMTP_CMD_RCPT:
		if (!prefix_ci (line + off, len - off, "TO:"))
			return syntax (error, "RCPT needs TO:");
		if (!parse_path (line + off + 3, len - off - 3, FALSE, &cmd.arg, error))
			return FALSE;
		break;
	case AIRDOCKD_LMTP_CMD_DATA:
	case AIRDOCKD_LMTP_CMD_RSET:
	case AIRDOCKD_LMTP_CMD_QUIT:
		if (off != len)
			return syntax (error, "no argument allowed");
		break;
	case AIRDOCKD_LMTP_CMD_NOOP:
		break;
	default:
		g_assert_not_reached ();
	}
	*out = cmd;
	return TRUE;
}

/* ------------------------------------------------------------ delivery */

AirdockdItem *
airdockd_lmtp_deliver_file (AirdockdStore *store, gint64 user_id, const char *path, GError **error)
{
	g_autoptr (AirdockdFolder) inbox = airdockd_store_folder_get_by_type (store, user_id,
									     AIRDOCKD_FOLDER_INBOX, error);

	AirdockdItem *item;

	if (inbox == NULL)
		return NULL;
	item = airdockd_store_add_message (store, user_id, inbox->server_id, path, FALSE, error);
	/* A meeting invitation, update, cancellation or reply also changes the
	 * calendar; that never fails the delivery. */
	if (item != NULL)
		airdockd_meeting_delivered (store, user_id, item);
	return item;
}

/* ------------------------------------------------------------ listener */

struct _AirdockdLmtp {
	AirdockdStore *store;
	AirdockdLmtpLimits limits;
	GSocketService *service;
	GList *conns;
	AirdockdLmtpDeliveredFunc delivered;
	gpointer delivered_data;
	char *hostname;
};

typedef struct {
	gint64 user_id;
	char *address;
} Rcpt;

typedef struct {
	gint ref_count;
	gboolean closed;
	AirdockdLmtp *lmtp;
	GSocketConnection *conn;
	GCancellable *cancellable;
	guint timeout_id;
	GByteArray *in;		/* unprocessed input */
	guint8 chunk[READ_CHUNK];
	GString *out;		/* replies not yet written */
	GString *writing;	/* replies being written */
	gboolean close_after_write;
	gboolean discarding;	/* skipping the rest of an over-long line */

	/* transaction */
	gboolean greeted;
	char *mail_from;
	GArray *rcpts;		/* Rcpt */
	gboolean in_data;
	gboolean at_line_start;
	gboolean oversize;
	gsize data_size;
	char *tmp_path;
	GOutputStream *tmp;
} Conn;

static void conn_close (Conn *c);
static void conn_flush (Conn *c);

static Conn *
conn_ref (Conn *c)
{
	c->ref_count++;
	return c;
}

static void
rcpt_clear (gpointer p)
{
	g_free (((Rcpt *) p)->address);
}

static void
reset_transaction (Conn *c)
{
	g_clear_pointer (&c->mail_from, g_free);
	g_array_set_size (c->rcpts, 0);
	c->in_data = FALSE;
	c->oversize = FALSE;
	c->data_size = 0;
	if (c->tmp != NULL) {
		g_output_stream_close (c->tmp, NULL, NULL);
		g_clear_object (&c->tmp);
	}
	if (c->tmp_path != NULL) {
		g_unlink (c->tmp_path);
		g_clear_pointer (&c->tmp_path, g_free);
	}
}

static void
conn_unref (Conn *c)
{
	if (--c->ref_count > 0)
		return;
	reset_transaction (c);
	g_array_unref (c->rcpts);
	g_byte_array_unref (c->in);
	g_string_free (c->out, TRUE);
	if (c->writing != NULL)
		g_string_free (c->writing, TRUE);
	g_clear_object (&c->cancellable);
	g_clear_object (&c->conn);
	g_free (c);
}

static void
reply (Conn *c, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
reply (Conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	g_string_append_vprintf (c->out, fmt, ap);
	va_end (ap);
	g_string_append (c->out, "\r\n");
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
	Conn *c = user_data;
	g_autoptr (GError) error = NULL;

	g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
	g_string_free (c->writing, TRUE);
	c->writing = NULL;
	if (!c->closed) {
		if (error != NULL)
			conn_close (c);
		else
			conn_flush (c);
	}
	conn_unref (c);
}

static void
conn_flush (Conn *c)
{
	GOutputStream *os;

	if (c->closed || c->writing != NULL)
		return;
	if (c->out->len == 0) {
		if (c->close_after_write)
			conn_close (c);
		return;
	}
	c->writing = c->out;
	c->out = g_string_new (NULL);
	os = g_io_stream_get_output_stream (G_IO_STREAM (c->conn));
	g_output_stream_write_all_async (os, c->writing->str, c->writing->len, G_PRIORITY_DEFAULT,
					 c->cancellable, on_written, conn_ref (c));
}

static gboolean
on_timeout (gpointer user_data)
{
	Conn *c = user_data;

	c->timeout_id = 0;
	reply (c, "421 4.4.2 idle timeout");
	c->close_after_write = TRUE;
	conn_flush (c);
	return G_SOURCE_REMOVE;
}

static void
arm_timeout (Conn *c)
{
	if (c->timeout_id != 0)
		g_source_remove (c->timeout_id);
	c->timeout_id = g_timeout_add_seconds (c->lmtp->limits.timeout_seconds, on_timeout, c);
}

static void
conn_close (Conn *c)
{
	if (c->closed)
		return;
	c->closed = TRUE;
	if (c->timeout_id != 0)
		g_source_remove (c->timeout_id);
	c->timeout_id = 0;
	g_cancellable_cancel (c->cancellable);
	g_io_stream_close (G_IO_STREAM (c->conn), NULL, NULL);
	c->lmtp->conns = g_list_remove (c->lmtp->conns, c);
	reset_transaction (c);
	conn_unref (c);
}

/* -- commands */

static gboolean
lookup_rcpt (Conn *c, const char *address, gint64 *out_user_id)
{
	g_autoptr (AirdockdUser) user = airdockd_store_user_lookup (c->lmtp->store, address, NULL);
	const char *at = strchr (address, '@');

	if (user == NULL && at != NULL && at != address) {
		g_autofree char *local = g_strndup (address, at - address);
		user = airdockd_store_user_get_by_name (c->lmtp->store, local, NULL);
	}
	if (user == NULL)
		return FALSE;
	*out_user_id = user->id;
	return TRUE;
}

static void
cmd_rcpt (Conn *c, const char *address)
{
	Rcpt r = { 0, NULL };

	if (c->mail_from == NULL) {
		reply (c, "503 5.5.1 MAIL first");
		return;
	}
	if (c->rcpts->len >= c->lmtp->limits.max_recipients) {
		reply (c, "452 4.5.3 too many recipients");
		return;
	}
	if (!lookup_rcpt (c, address, &r.user_id)) {
		reply (c, "550 5.1.1 <%s> unknown user", address);
		return;
	}
	r.address = g_strdup (address);
	g_array_append_val (c->rcpts, r);
	reply (c, "250 2.1.5 OK");
}

static void
cmd_data (Conn *c)
{
	g_autoptr (GError) error = NULL;

	if (c->mail_from == NULL) {
		reply (c, "503 5.5.1 MAIL first");
		return;
	}
	if (c->rcpts->len == 0) {
		reply (c, "503 5.5.1 no valid recipients");
		return;
	}
	c->tmp = airdockd_store_temp_file_new (c->lmtp->store, &c->tmp_path, &error);
	if (c->tmp == NULL) {
		g_warning ("LMTP: %s", error->message);
		reply (c, "451 4.3.0 cannot store the message now");
		return;
	}
	c->in_data = TRUE;
	c->at_line_start = TRUE;
	c->data_size = 0;
	c->oversize = FALSE;
	reply (c, "354 2.0.0 go ahead, end with <CRLF>.<CRLF>");
}

static void
handle_command (Conn *c, const guint8 *line, gsize len)
{
	g_auto (AirdockdLmtpCommand) cmd = { 0 };
	g_autoptr (GError) error = NULL;

	if (!airdockd_lmtp_parse_command (line, len, &cmd, &error)) {
		if (g_error_matches (error, AIRDOCKD_LMTP_ERROR, AIRDOCKD_LMTP_ERROR_TOO_LONG))
			reply (c, "500 5.5.2 line too long");
		else
			reply (c, "500 5.5.2 syntax error");
		return;
	}
	if (!c->greeted && cmd.verb != AIRDOCKD_LMTP_CMD_LHLO && cmd.verb != AIRDOCKD_LMTP_CMD_QUIT &&
	    cmd.verb != AIRDOCKD_LMTP_CMD_NOOP && cmd.verb != AIRDOCKD_LMTP_CMD_RSET) {
		reply (c, "503 5.5.1 LHLO first");
		return;
	}
	switch (cmd.verb) {
	case AIRDOCKD_LMTP_CMD_LHLO:
		reset_transaction (c);
		c->greeted = TRUE;
		reply (c, "250-%s\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE %"
		       G_GSIZE_FORMAT, c->lmtp->hostname, c->lmtp->limits.max_message_bytes);
		break;
	case AIRDOCKD_LMTP_CMD_HELO:
		reply (c, "500 5.5.1 this is LMTP: use LHLO");
		break;
	case AIRDOCKD_LMTP_CMD_MAIL:
		if (c->mail_from != NULL) {
			reply (c, "503 5.5.1 nested MAIL");
			break;
		}
		c->mail_from = g_steal_pointer (&cmd.arg);
		reply (c, "250 2.1.0 OK");
		break;
	case AIRDOCKD_LMTP_CMD_RCPT:
		cmd_rcpt (c, cmd.arg);
		break;
	case AIRDOCKD_LMTP_CMD_DATA:
		cmd_data (c);
		break;
	case AIRDOCKD_LMTP_CMD_RSET:
		reset_transaction (c);
		reply (c, "250 2.0.0 OK");
		break;
	case AIRDOCKD_LMTP_CMD_NOOP:
		reply (c, "250 2.0.0 OK");
		break;
	case AIRDOCKD_LMTP_CMD_VRFY:
		reply (c, "252 2.5.2 cannot verify, but will try");
		break;
	case AIRDOCKD_LMTP_CMD_QUIT:
		reply (c, "221 2.0.0 bye");
		c->close_after_write = TRUE;
		break;
	}
}

/* -- DATA */

static void
data_write (Conn *c, const guint8 *p, gsize n)
{
	g_autoptr (GError) error = NULL;

	if (c->oversize || n == 0)
		return;
	if (n > c->lmtp->limits.max_message_bytes - c->data_size) {
		c->oversize = TRUE;
		return;
	}
	c->data_size += n;
	if (c->tmp != NULL && !g_output_stream_write_all (c->tmp, p, n, NULL, NULL, &error)) {
		g_warning ("LMTP: writing the message: %s", error->message);
		g_output_stream_close (c->tmp, NULL, NULL);
		g_clear_object (&c->tmp);
	}
}

static void
data_finish (Conn *c)
{
	gboolean write_ok = c->tmp != NULL && g_output_stream_close (c->tmp, NULL, NULL);

	for (guint i = 0; i < c->rcpts->len; i++) {
		Rcpt *r = &g_array_index (c->rcpts, Rcpt, i);
		g_autoptr (GError) error = NULL;
		g_autoptr (AirdockdItem) item = NULL;

		if (c->oversize) {
			reply (c, "552 5.3.4 <%s> message too big", r->address);
			continue;
		}
		if (write_ok)
			item = airdockd_lmtp_deliver_file (c->lmtp->store, r->user_id, c->tmp_path, &error);
		if (item == NULL) {
			if (error != NULL)
				g_warning ("LMTP: delivery failed: %s", error->message);
			reply (c, "451 4.3.0 <%s> temporary failure", r->address);
			continue;
		}
		reply (c, "250 2.0.0 <%s> delivered", r->address);
		if (c->lmtp->delivered != NULL)
			c->lmtp->delivered (c->lmtp, item, c->lmtp->delivered_data);
	}
	reset_transaction (c);
}

/* Consumes DATA bytes from c->in.  FALSE when more input is needed. */
static gboolean
process_data (Conn *c)
{
	GByteArray *in = c->in;
	const guint8 *lf;
	gsize n;

	if (in->len == 0)
		return FALSE;
	if (c->at_line_start && in->data[0] == '.') {
		if (in->len < 2 || (in->data[1] == '\r' && in->len < 3))
			return FALSE;
		if (in->data[1] == '\n' || (in->data[1] == '\r' && in->data[2] == '\n')) {
			g_byte_array_remove_range (in, 0, in->data[1] == '\n' ? 2 : 3);
			data_finish (c);
			return TRUE;
		}
		/* RFC 5321 4.5.2: drop the first of a leading dot */
		g_byte_array_remove_range (in, 0, 1);
	}
	lf = memchr (in->data, '\n', in->len);
	n = lf != NULL ? (gsize) (lf - in->data) + 1 : in->len;
	data_write (c, in->data, n);
	c->at_line_start = lf != NULL;
	g_byte_array_remove_range (in, 0, n);
	return TRUE;
}

static void
process (Conn *c)
{
	while (!c->closed && !c->close_after_write) {
		const guint8 *lf;
		gsize len;

		if (c->in_data) {
			if (!process_data (c))
				break;
			continue;
		}
		lf = memchr (c->in->data, '\n', c->in->len);
		if (lf == NULL) {
			/* +1: room for the CR of a line of exactly the limit */
			if (c->in->len > AIRDOCKD_LMTP_MAX_LINE + 1) {
				if (!c->discarding)
					reply (c, "500 5.5.2 line too long");
				c->discarding = TRUE;
				g_byte_array_set_size (c->in, 0);
			}
			break;
		}
		len = lf - c->in->data;
		if (c->discarding) {
			c->discarding = FALSE;
		} else {
			gsize cmd_len = len > 0 && c->in->data[len - 1] == '\r' ? len - 1 : len;
			handle_command (c, c->in->data, cmd_len);
		}
		g_byte_array_remove_range (c->in, 0, len + 1);
	}
	conn_flush (c);
}

static void conn_read (Conn *c);

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
	Conn *c = user_data;
	gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

	if (!c->closed) {
		if (n <= 0) {
			conn_close (c);
		} else {
			g_byte_array_append (c->in, c->chunk, n);
			arm_timeout (c);
			process (c);
			if (!c->closed && !c->close_after_write)
				conn_read (c);
		}
	}
	conn_unref (c);
}

static void
conn_read (Conn *c)
{
	GInputStream *is = g_io_stream_get_input_stream (G_IO_STREAM (c->conn));
	g_input_stream_read_async (is, c->chunk, sizeof c->chunk, G_PRIORITY_DEFAULT, c->cancellable,
				   on_read, conn_ref (c));
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source, gpointer user_data)
{
	AirdockdLmtp *lmtp = user_data;
	Conn *c = g_new0 (Conn, 1);

	c->ref_count = 1;
	c->lmtp = lmtp;
	c->conn = g_object_ref (connection);
	c->cancellable = g_cancellable_new ();
	c->in = g_byte_array_new ();
	c->out = g_string_new (NULL);
	c->rcpts = g_array_new (FALSE, TRUE, sizeof (Rcpt));
	g_array_set_clear_func (c->rcpts, rcpt_clear);
	lmtp->conns = g_list_prepend (lmtp->conns, c);
	if (g_list_length (lmtp->conns) > lmtp->limits.max_connections) {
		reply (c, "421 4.3.2 too many connections");
		c->close_after_write = TRUE;
		conn_flush (c);
		return TRUE;
	}
	reply (c, "220 %s LMTP airdockd ready", lmtp->hostname);
	arm_timeout (c);
	conn_flush (c);
	conn_read (c);
	return TRUE;
}

AirdockdLmtp *
airdockd_lmtp_new (AirdockdStore *store, const AirdockdLmtpLimits *limits)
{
	AirdockdLmtp *lmtp = g_new0 (AirdockdLmtp, 1);

	g_return_val_if_fail (store != NULL, NULL);
	lmtp->store = airdockd_store_ref (store);
	if (limits != NULL)
		lmtp->limits = *limits;
	if (lmtp->limits.max_message_bytes == 0)
		lmtp->limits.max_message_bytes = AIRDOCKD_LMTP_DEFAULT_MAX_MESSAGE;
	if (lmtp->limits.max_recipients == 0)
		lmtp->limits.max_recipients = AIRDOCKD_LMTP_DEFAULT_MAX_RECIPIENTS;
	if (lmtp->limits.timeout_seconds == 0)
		lmtp->limits.timeout_seconds = AIRDOCKD_LMTP_DEFAULT_TIMEOUT;
	if (lmtp->limits.max_connections == 0)
		lmtp->limits.max_connections = AIRDOCKD_LMTP_DEFAULT_MAX_CONNECTIONS;
	lmtp->hostname = g_strdup (g_get_host_name ());
	lmtp->service = g_socket_service_new ();
	g_signal_connect (lmtp->service, "incoming", G_CALLBACK (on_incoming), lmtp);
	return lmtp;
}

void
airdockd_lmtp_free (AirdockdLmtp *lmtp)
{
	if (lmtp == NULL)
		return;
	g_socket_service_stop (lmtp->service);
	g_socket_listener_close (G_SOCKET_LISTENER (lmtp->service));
	g_signal_handlers_disconnect_by_data (lmtp->service, lmtp);
	g_object_unref (lmtp->service);
	while (lmtp->conns != NULL)
		conn_close (lmtp->conns->data);
	airdockd_store_unref (lmtp->store);
	g_free (lmtp->hostname);
	g_free (lmtp);
}

void
airdockd_lmtp_set_delivered_func (AirdockdLmtp *lmtp, AirdockdLmtpDeliveredFunc func, gpointer user_data)
{
	lmtp->delivered = func;
	lmtp->delivered_data = user_data;
}

/* "host:port", "[v6]:port" (IP literals or localhost) or "unix:/path" */
static GSocketAddress *
parse_address (const char *address, GError **error)
{
	const char *colon;
	g_autofree char *host = NULL;
	g_autoptr (GInetAddress) inet = NULL;
	guint64 port = 0;

	if (g_str_has_prefix (address, "unix:") && address[5] == '/')
		return g_unix_socket_address_new (address + 5);
	if (address[0] == '[') {
		const char *close = strchr (address, ']');
		if (close == NULL || close[1] != ':')
			goto bad;
		host = g_strndup (address + 1, close - address - 1);
		colon = close + 1;
	} else {
		colon = strrchr (address, ':');
		if (colon == NULL)
			goto bad;
		host = g_strndup (address, colon - address);
	}
	if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
		goto bad;
	if (g_strcmp0 (host, "localhost") == 0)
		inet = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
	else
		inet = g_inet_address_new_from_string (host);
	if (inet == NULL)
		goto bad;
	return g_inet_socket_address_new (inet, (guint16) port);
bad:
	g_set_error (error, AIRDOCKD_LMTP_ERROR, AIRDOCKD_LMTP_ERROR_FAILED,
		     "bad LMTP listen address (want IP:port, [IPv6]:port or unix:/path)");
	return NULL;
}

gboolean
airdockd_lmtp_listen (AirdockdLmtp *lmtp, const char *address, guint16 *out_port, GError **error)
{
	g_autoptr (GSocketAddress) addr = NULL;
	g_autoptr (GSocketAddress) effective = NULL;

	g_return_val_if_fail (lmtp != NULL && address != NULL, FALSE);
	addr = parse_address (address, error);
	if (addr == NULL)
		return FALSE;
	if (G_IS_UNIX_SOCKET_ADDRESS (addr))
		g_unlink (address + 5);	/* a stale socket from an earlier run */
	if (!g_socket_listener_add_address (G_SOCKET_LISTENER (lmtp->service), addr, G_SOCKET_TYPE_STREAM,
					    G_SOCKET_PROTOCOL_DEFAULT, NULL, &effective, error)) {
		g_prefix_error (error, "LMTP listen on %s: ", address);
		return FALSE;
	}
	if (out_port != NULL)
		*out_port = G_IS_INET_SOCKET_ADDRESS (effective) ?
			    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)) : 0;
	g_socket_service_start (lmtp->service);
	return TRUE;
}
