/* Tests for server/airdockd-lmtp: the command parser and a real listener on
 * 127.0.0.1 driven by a client thread over a real socket. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "server/airdockd-lmtp.h"
#include "tests/server/harness.h"

#define MAX_MESSAGE 2000

typedef struct {
	char *dir;
	AirdockdStore *store;
	AirdockdLmtp *lmtp;
	guint16 port;
	gint64 alice;
	gint64 bob;
	GPtrArray *hook_calls;
	guint delivered;
} Fixture;

static void
on_change (AirdockdStore *store, gint64 user_id, const char *folder, gpointer data)
{
	Fixture *f = data;
	g_ptr_array_add (f->hook_calls, g_strdup_printf ("%" G_GINT64_FORMAT "/%s", user_id, folder));
}

static void
on_delivered (AirdockdLmtp *lmtp, const AirdockdItem *item, gpointer data)
{
	Fixture *f = data;
	g_assert_nonnull (item->server_id);
	f->delivered++;
}

static void
setup_with (Fixture *f, guint timeout)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdUser) a = NULL;
	g_autoptr (AirdockdUser) b = NULL;
	AirdockdLmtpLimits limits = { MAX_MESSAGE, 3, timeout, 0 };

	f->dir = g_dir_make_tmp ("test-lmtp-XXXXXX", &error);
	g_assert_no_error (error);
	f->store = airdockd_store_open (f->dir, &error);
	g_assert_no_error (error);
	g_assert_true (airdockd_store_user_add (f->store, "alice", "alice@example.org", "pw", &a, &error));
	g_assert_true (airdockd_store_user_add (f->store, "bob", "bob@example.org", "pw", &b, &error));
	g_assert_no_error (error);
	f->alice = a->id;
	f->bob = b->id;
	f->hook_calls = g_ptr_array_new_with_free_func (g_free);
	airdockd_store_add_change_hook (f->store, on_change, f, NULL);
	f->lmtp = airdockd_lmtp_new (f->store, &limits);
	airdockd_lmtp_set_delivered_func (f->lmtp, on_delivered, f);
	g_assert_true (airdockd_lmtp_listen (f->lmtp, "127.0.0.1:0", &f->port, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (f->port, >, 0);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	setup_with (f, 30);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	airdockd_lmtp_free (f->lmtp);
	airdockd_store_unref (f->store);
	g_ptr_array_unref (f->hook_calls);
	airdock_harness_remove_tree (f->dir);
	g_free (f->dir);
}

/* ------------------------------------------------------------ client */

typedef struct {
	guint16 port;
	const char *script;	/* all sent at once: pipelined */
	gsize script_len;
	GString *replies;
	gint done;
} Session;

static gpointer
session_thread (gpointer data)
{
	Session *s = data;
	g_autoptr (GSocketClient) client = g_socket_client_new ();
	g_autoptr (GSocketConnection) conn = NULL;
	g_autoptr (GError) error = NULL;
	char buf[4096];
	gssize n;

	conn = g_socket_client_connect_to_host (client, "127.0.0.1", s->port, NULL, &error);
	g_assert_no_error (error);
	if (s->script_len > 0)
		g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
							  s->script, s->script_len, NULL, NULL, &error));
	while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
					 buf, sizeof buf, NULL, NULL)) > 0)
		g_string_append_len (s->replies, buf, n);
	g_atomic_int_set (&s->done, 1);
	g_main_context_wakeup (NULL);
	return NULL;
}

/* Runs a session; returns the server's replies (until it closes). */
static char *
session (Fixture *f, const char *script, gsize len)
{
	Session s = { f->port, script, len, g_string_new (NULL), 0 };
	GThread *thread = g_thread_new ("lmtp-client", session_thread, &s);

	while (!g_atomic_int_get (&s.done))
		g_main_context_iteration (NULL, TRUE);
	g_thread_join (thread);
	return g_string_free (s.replies, FALSE);
}

static guint
count_lines_with (const char *replies, const char *prefix)
{
	g_auto (GStrv) lines = g_strsplit (replies, "\r\n", -1);
	guint n = 0;

	for (guint i = 0; lines[i] != NULL; i++)
		if (g_str_has_prefix (lines[i], prefix))
			n++;
	return n;
}

static GPtrArray *
inbox_items (Fixture *f, gint64 user)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) inbox = airdockd_store_folder_get_by_type (f->store, user, AIRDOCKD_FOLDER_INBOX, &error);
	GPtrArray *items;

	g_assert_no_error (error);
	items = airdockd_store_item_list (f->store, user, inbox->server_id, 0, &error);
	g_assert_no_error (error);
	return items;
}

/* ------------------------------------------------------------ parser */

static void
assert_parse (const char *line, AirdockdLmtpVerb verb, const char *arg)
{
	g_auto (AirdockdLmtpCommand) cmd = { 0 };
	g_autoptr (GError) error = NULL;

	g_assert_true (airdockd_lmtp_parse_command ((const guint8 *) line, strlen (line), &cmd, &error));
	g_assert_no_error (error);
	g_assert_cmpint (cmd.verb, ==, verb);
	g_assert_cmpstr (cmd.arg, ==, arg);
}

static void
assert_bad (const char *line, gsize len, int code)
{
	AirdockdLmtpCommand cmd = { 0 };
	g_autoptr (GError) error = NULL;

	g_assert_false (airdockd_lmtp_parse_command ((const guint8 *) line, len, &cmd, &error));
	g_assert_error (error, AIRDOCKD_LMTP_ERROR, code);
	g_assert_null (cmd.arg);
}

static void
test_parse (void)
{
	g_autofree char *max = NULL;
	g_autofree char *addr = NULL;
	g_autofree char *addr1 = NULL;

	assert_parse ("LHLO mx.example.org", AIRDOCKD_LMTP_CMD_LHLO, "mx.example.org");
	assert_parse ("lhlo x ", AIRDOCKD_LMTP_CMD_LHLO, "x");
	assert_parse ("MAIL FROM:<a@b.c>", AIRDOCKD_LMTP_CMD_MAIL, "a@b.c");
	assert_parse ("mail from: <a@b.c> SIZE=100 BODY=8BITMIME", AIRDOCKD_LMTP_CMD_MAIL, "a@b.c");
	assert_parse ("MAIL FROM:<>", AIRDOCKD_LMTP_CMD_MAIL, "");
	assert_parse ("RCPT TO:<alice@example.org>", AIRDOCKD_LMTP_CMD_RCPT, "alice@example.org");
	assert_parse ("RCPT TO:<@relay.example:bob@example.org>", AIRDOCKD_LMTP_CMD_RCPT, "bob@example.org");
	assert_parse ("DATA", AIRDOCKD_LMTP_CMD_DATA, NULL);
	assert_parse ("RSET", AIRDOCKD_LMTP_CMD_RSET, NULL);
	assert_parse ("NOOP anything", AIRDOCKD_LMTP_CMD_NOOP, NULL);
	assert_parse ("QUIT", AIRDOCKD_LMTP_CMD_QUIT, NULL);
	assert_parse ("VRFY alice", AIRDOCKD_LMTP_CMD_VRFY, "alice");
	assert_parse ("EHLO x", AIRDOCKD_LMTP_CMD_HELO, "x");

	assert_bad ("", 0, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("FOO", 3, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("LHLOX", 5, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("XXXX y", 6, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("LHLO", 4, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("RCPT TO:<>", 10, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("RCPT TO:alice", 13, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("RCPT TO:<alice", 14, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("RCPT TO:<a>x", 12, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("MAIL TO:<a>", 11, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("DATA x", 6, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("NOOP\0x", 6, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("NOOP \xc3\xa9", 7, AIRDOCKD_LMTP_ERROR_SYNTAX);
	assert_bad ("NOOP\r", 5, AIRDOCKD_LMTP_ERROR_SYNTAX);

	/* line limit at N and N+1 */
	max = g_strnfill (AIRDOCKD_LMTP_MAX_LINE, 'x');
	memcpy (max, "NOOP ", 5);
	assert_parse (max, AIRDOCKD_LMTP_CMD_NOOP, NULL);
	max = (g_free (max), g_strnfill (AIRDOCKD_LMTP_MAX_LINE + 1, 'x'));
	memcpy (max, "NOOP ", 5);
	assert_bad (max, strlen (max), AIRDOCKD_LMTP_ERROR_TOO_LONG);
	/* address limit at N and N+1 */
	addr = g_strnfill (AIRDOCKD_LMTP_MAX_ADDRESS, 'a');
	max = (g_free (max), g_strdup_printf ("RCPT TO:<%s>", addr));
	assert_parse (max, AIRDOCKD_LMTP_CMD_RCPT, addr);
	addr1 = g_strnfill (AIRDOCKD_LMTP_MAX_ADDRESS + 1, 'a');
	max = (g_free (max), g_strdup_printf ("RCPT TO:<%s>", addr1));
	assert_bad (max, strlen (max), AIRDOCKD_LMTP_ERROR_TOO_LONG);
}

/* ------------------------------------------------------------ sessions */

static void
test_multi_recipients (Fixture *f, gconstpointer data)
{
	const char *script =
		"LHLO mx.example.org\r\n"
		"MAIL FROM:<carol@example.net>\r\n"
		"RCPT TO:<alice>\r\n"
		"RCPT TO:<nobody@example.org>\r\n"
		"RCPT TO:<BOB@example.org>\r\n"
		"DATA\r\n"
		"From: carol@example.net\r\n"
		"Subject: Hello both\r\n"
		"\r\n"
		"..hidden dot line\r\n"
		"...\r\n"
		"normal . line\r\n"
		".\r\n"
		"QUIT\r\n";
	g_autofree char *replies = session (f, script, strlen (script));
	g_autoptr (GPtrArray) a = inbox_items (f, f->alice);
	g_autoptr (GPtrArray) b = inbox_items (f, f->bob);
	g_autofree char *stored = NULL;
	AirdockdItem *item;

	g_assert_true (g_str_has_prefix (replies, "220 "));
	g_assert_cmpuint (count_lines_with (replies, "550 5.1.1 <nobody@example.org>"), ==, 1);
	g_assert_cmpuint (count_lines_with (replies, "354 "), ==, 1);
	g_assert_cmpuint (count_lines_with (replies, "250 2.0.0 <alice> delivered"), ==, 1);
	g_assert_cmpuint (count_lines_with (replies, "250 2.0.0 <BOB@example.org> delivered"), ==, 1);
	g_assert_cmpuint (count_lines_with (replies, "221 "), ==, 1);
	g_assert_cmpuint (a->len, ==, 1);
	g_assert_cmpuint (b->len, ==, 1);
	item = a->pdata[0];
	g_assert_cmpstr (item->subject, ==, "Hello both");
	g_assert_false (item->read);
	g_assert_true (g_file_get_contents (item->message_path, &stored, NULL, NULL));
	g_assert_cmpstr (stored, ==,
			 "From: carol@example.net\r\n"
			 "Subject: Hello both\r\n"
			 "\r\n"
			 ".hidden dot line\r\n"
			 "..\r\n"
			 "normal . line\r\n");
	g_assert_cmpuint (f->delivered, ==, 2);
	/* one change per (user, Inbox) */
	g_assert_cmpuint (f->hook_calls->len, ==, 2);
	/* nothing left in the temp area */
	{
		g_autofree char *tmp = g_build_filename (f->dir, "tmp", NULL);
		g_autoptr (GDir) dir = g_dir_open (tmp, 0, NULL);
		g_assert_null (g_dir_read_name (dir));
	}
}

/* A message of exactly n bytes (after unstuffing), as CRLF lines. */
static char *
message_of_size (gsize n)
{
	GString *s = g_string_new ("Subject: sized\r\n\r\n");
	gsize r;

	g_assert_cmpuint (n, >=, s->len + 2);
	r = n - s->len;
	while (r > 0) {
		/* never leave 1 byte: it could not end with CRLF */
		gsize take = r > 72 ? (r - 72 == 1 ? 69 : 70) : r - 2;
		for (gsize i = 0; i < take; i++)
			g_string_append_c (s, 'a' + (char) (i % 26));
		g_string_append (s, "\r\n");
		r -= take + 2;
	}
	g_assert_cmpuint (s->len, ==, n);
	return g_string_free (s, FALSE);
}

static char *
deliver_sized (Fixture *f, gsize n)
{
	g_autofree char *body = message_of_size (n);
	g_autofree char *script = g_strdup_printf ("LHLO x\r\nMAIL FROM:<>\r\nRCPT TO:<alice>\r\nRCPT TO:<bob>\r\n"
						   "DATA\r\n%s.\r\nQUIT\r\n", body);
	return session (f, script, strlen (script));
}

static void
test_size_limit (Fixture *f, gconstpointer data)
{
	g_autofree char *ok = deliver_sized (f, MAX_MESSAGE);
	g_autofree char *big = deliver_sized (f, MAX_MESSAGE + 1);
	g_autoptr (GPtrArray) a = inbox_items (f, f->alice);

	g_assert_cmpuint (count_lines_with (ok, "250 2.0.0 <"), ==, 2);
	g_assert_cmpuint (count_lines_with (ok, "552 "), ==, 0);
	g_assert_cmpuint (count_lines_with (big, "552 5.3.4 <alice>"), ==, 1);
	g_assert_cmpuint (count_lines_with (big, "552 5.3.4 <bob>"), ==, 1);
	g_assert_cmpuint (count_lines_with (big, "221 "), ==, 1);	/* session goes on */
	g_assert_cmpuint (a->len, ==, 1);
	g_assert_cmpint (((AirdockdItem *) a->pdata[0])->size, ==, MAX_MESSAGE);
	g_assert_true (g_strrstr (ok, "250 SIZE 2000") != NULL);
}

static void
test_sequence_errors (Fixture *f, gconstpointer data)
{
	g_autofree char *longline = g_strnfill (AIRDOCKD_LMTP_MAX_LINE + 50, 'x');
	g_autofree char *script = g_strdup_printf (
		"MAIL FROM:<a@b>\r\n"		/* 503 LHLO first */
		"HELO x\r\n"			/* 503: not greeted yet */
		"LHLO x\r\n"
		"RCPT TO:<alice>\r\n"		/* 503 MAIL first */
		"DATA\r\n"			/* 503 MAIL first */
		"MAIL FROM:<a@b>\r\n"
		"MAIL FROM:<a@b>\r\n"		/* 503 nested */
		"DATA\r\n"			/* 503 no valid recipients */
		"NOOP %s\r\n"			/* 500 line too long */
		"RCPT TO:<alice>\r\n"
		"RCPT TO:<bob>\r\n"
		"RCPT TO:<alice@example.org>\r\n"
		"RCPT TO:<bob@example.org>\r\n"	/* 452: limit of 3 */
		"RSET\r\n"
		"DATA\r\n"			/* 503 after RSET */
		"BOGUS\r\n"			/* 500 */
		"QUIT\r\n", longline);
	g_autofree char *replies = session (f, script, strlen (script));
	g_autoptr (GPtrArray) a = inbox_items (f, f->alice);

	g_assert_cmpuint (count_lines_with (replies, "503 5.5.1 LHLO first"), ==, 2);
	g_assert_cmpuint (count_lines_with (replies, "503 5.5.1 MAIL first"), ==, 3);
	g_assert_cmpuint (count_lines_with (replies, "503 5.5.1 nested MAIL"), ==, 1);
	g_assert_cmpuint (count_lines_with (replies, "503 5.5.1 no valid recipients"), ==, 1);
	g_assert_cmpuint (count_lines_with (replies, "500 5.5.2 line too long"), ==, 1);
	g_assert_cmpuint (count_lines_with (replies, "452 4.5.3"), ==, 1);
	g_assert_cmpuint (count_lines_with (replies, "500 5.5.2 syntax error"), ==, 1);
	g_assert_cmpuint (count_lines_with (replies, "221 "), ==, 1);
	g_assert_cmpuint (a->len, ==, 0);
}

static void
test_split_writes (Fixture *f, gconstpointer data)
{
	/* A lone "." split across reads, bare LF endings, a line longer than any buffer. */
	g_autofree char *big_line = g_strnfill (40000, 'z');
	g_autofree char *script = g_strdup_printf ("LHLO x\nMAIL FROM:<>\nRCPT TO:<alice>\nDATA\n"
						   "Subject: lf\n\n%s\n.\nQUIT\n", big_line);
	g_autoptr (GPtrArray) a = NULL;
	g_autofree char *replies = NULL;
	AirdockdLmtpLimits limits = { 100000, 0, 0, 0 };

	airdockd_lmtp_free (f->lmtp);
	f->lmtp = airdockd_lmtp_new (f->store, &limits);
	g_assert_true (airdockd_lmtp_listen (f->lmtp, "127.0.0.1:0", &f->port, NULL));
	replies = session (f, script, strlen (script));
	a = inbox_items (f, f->alice);
	g_assert_cmpuint (count_lines_with (replies, "250 2.0.0 <alice> delivered"), ==, 1);
	g_assert_cmpuint (a->len, ==, 1);
	g_assert_cmpint (((AirdockdItem *) a->pdata[0])->size, ==, 13 + 40001);
}

static void
test_idle_timeout (Fixture *f, gconstpointer data)
{
	g_autofree char *replies = NULL;

	airdockd_lmtp_free (f->lmtp);
	{
		AirdockdLmtpLimits limits = { 0, 0, 1, 0 };
		f->lmtp = airdockd_lmtp_new (f->store, &limits);
	}
	g_assert_true (airdockd_lmtp_listen (f->lmtp, "127.0.0.1:0", &f->port, NULL));
	replies = session (f, "LHLO x\r\n", 8);
	g_assert_true (g_str_has_prefix (replies, "220 "));
	g_assert_cmpuint (count_lines_with (replies, "421 4.4.2"), ==, 1);
}


typedef struct {
	guint16 port;
	char *greetings[3];
	gint done;
} ConnLimit;

static char *
read_greeting (GSocketConnection *conn)
{
	char buf[256];
	gssize n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf, sizeof buf - 1,
					NULL, NULL);
	return g_strndup (buf, n > 0 ? (gsize) n : 0);
}

static gpointer
conn_limit_thread (gpointer data)
{
	ConnLimit *cl = data;
	g_autoptr (GSocketClient) client = g_socket_client_new ();
	GSocketConnection *conns[3];

	/* all three stay open at once */
	for (guint i = 0; i < 3; i++) {
		conns[i] = g_socket_client_connect_to_host (client, "127.0.0.1", cl->port, NULL, NULL);
		g_assert_nonnull (conns[i]);
		cl->greetings[i] = read_greeting (conns[i]);
	}
	for (guint i = 0; i < 3; i++)
		g_object_unref (conns[i]);
	g_atomic_int_set (&cl->done, 1);
	g_main_context_wakeup (NULL);
	return NULL;
}

static void
test_connection_limit (Fixture *f, gconstpointer data)
{
	AirdockdLmtpLimits limits = { 0, 0, 0, 2 };
	ConnLimit cl = { 0 };
	GThread *thread;

	airdockd_lmtp_free (f->lmtp);
	f->lmtp = airdockd_lmtp_new (f->store, &limits);
	g_assert_true (airdockd_lmtp_listen (f->lmtp, "127.0.0.1:0", &cl.port, NULL));
	thread = g_thread_new ("lmtp-limit", conn_limit_thread, &cl);
	while (!g_atomic_int_get (&cl.done))
		g_main_context_iteration (NULL, TRUE);
	g_thread_join (thread);
	/* N connections are served, the N+1st is turned away */
	g_assert_true (g_str_has_prefix (cl.greetings[0], "220 "));
	g_assert_true (g_str_has_prefix (cl.greetings[1], "220 "));
	g_assert_true (g_str_has_prefix (cl.greetings[2], "421 4.3.2"));
	for (guint i = 0; i < 3; i++)
		g_free (cl.greetings[i]);
}

static void
test_listen_errors (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	const char *bad[] = { "nohost", "1.2.3.4:99999", "[::1", "host.example:25", "unix:relative" };

	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_assert_false (airdockd_lmtp_listen (f->lmtp, bad[i], NULL, &error));
		g_assert_error (error, AIRDOCKD_LMTP_ERROR, AIRDOCKD_LMTP_ERROR_FAILED);
		g_clear_error (&error);
	}
	{
		g_autofree char *sock = g_build_filename (f->dir, "lmtp.sock", NULL);
		g_autofree char *addr = g_strdup_printf ("unix:%s", sock);
		g_assert_true (airdockd_lmtp_listen (f->lmtp, addr, NULL, &error));
		g_assert_no_error (error);
		g_assert_true (g_file_test (sock, G_FILE_TEST_EXISTS));
	}
}

static void
test_deliver_file (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = g_build_filename (f->dir, "in.eml", NULL);
	g_autoptr (AirdockdItem) item = NULL;
	g_autoptr (GPtrArray) b = NULL;

	g_assert_true (g_file_set_contents (path, "Subject: direct\r\n\r\nhi\r\n", -1, NULL));
	item = airdockd_lmtp_deliver_file (f->store, f->bob, path, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (item->subject, ==, "direct");
	b = inbox_items (f, f->bob);
	g_assert_cmpuint (b->len, ==, 1);
	g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));	/* the caller's file stays */
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/lmtp/parse", test_parse);
	g_test_add ("/lmtp/session/multi-recipients", Fixture, NULL, fixture_setup, test_multi_recipients, fixture_teardown);
	g_test_add ("/lmtp/session/size-limit", Fixture, NULL, fixture_setup, test_size_limit, fixture_teardown);
	g_test_add ("/lmtp/session/sequence-errors", Fixture, NULL, fixture_setup, test_sequence_errors, fixture_teardown);
	g_test_add ("/lmtp/session/bare-lf-long-line", Fixture, NULL, fixture_setup, test_split_writes, fixture_teardown);
	g_test_add ("/lmtp/session/idle-timeout", Fixture, NULL, fixture_setup, test_idle_timeout, fixture_teardown);
	g_test_add ("/lmtp/listen/errors", Fixture, NULL, fixture_setup, test_listen_errors, fixture_teardown);
	g_test_add ("/lmtp/listen/connection-limit", Fixture, NULL, fixture_setup, test_connection_limit, fixture_teardown);
	g_test_add ("/lmtp/deliver-file", Fixture, NULL, fixture_setup, test_deliver_file, fixture_teardown);

	return g_test_run ();
}
