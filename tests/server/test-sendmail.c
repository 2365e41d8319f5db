/* test-sendmail.c — SendMail, SmartReply and SmartForward over real HTTP
 * against the real airdockd, relaying to an SMTP peer run by this test. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "eas/eas-sendmail.h"
#include "server/airdockd-compose.h"
#include "server/airdockd-mime.h"
#include "server/airdockd-store.h"
#include "tests/server/eas-client.h"
#include "tests/server/harness.h"
#include "tests/server/smtp-peer.h"

/* ---- Fixture -------------------------------------------------------------- */

typedef struct {
	AirdockSmtpPeer *peer;
	AirdockHarness *h;
	AirdockdStore *store;
	gint64 alice;
	gint64 bob;
	AirdockEasClient *c;	/* alice, 14.1 */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *extra = NULL;

	f->peer = airdock_smtp_peer_start ();
	extra = g_strdup_printf ("[smtp]\nrelay = 127.0.0.1:%u\n", f->peer->port);
	f->h = airdock_harness_start (extra);
	f->alice = airdock_harness_add_user (f->h, "alice", "alice@example.test", "secret");
	f->bob = airdock_harness_add_user (f->h, "bob", "bob@example.test", "secret");
	f->store = airdock_harness_open_store (f->h);
	f->c = airdock_eas_client_new (f->h, FALSE, "alice", "secret", "DEVSEND1", "TestPhone",
	                               GPOINTER_TO_UINT (data) ? GPOINTER_TO_UINT (data) : 141);
	g_assert_true (airdock_eas_client_provision (f->c, NULL, &error));
	g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
	airdock_eas_client_free (f->c);
	airdockd_store_unref (f->store);
	airdock_harness_free (f->h);
	airdock_smtp_peer_stop (f->peer);
}

/* Adds an RFC 822 message to one of the user's folders. */
static AirdockdItem *
seed_message (Fixture *f, gint64 user, AirdockdFolderType type, const char *text)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = g_build_filename (f->h->dir, "seed.eml", NULL);
	g_autoptr (AirdockdFolder) folder = airdockd_store_folder_get_by_type (f->store, user, type, &error);
	g_assert_no_error (error);
	g_file_set_contents (path, text, -1, &error);
	g_assert_no_error (error);
	AirdockdItem *item = airdockd_store_add_message (f->store, user, folder->server_id, path, FALSE, &error);
	g_assert_no_error (error);
	g_unlink (path);
	return item;
}

static guint64
folder_count (Fixture *f, gint64 user, AirdockdFolderType type)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) folder = airdockd_store_folder_get_by_type (f->store, user, type, &error);
	guint64 n = 0;

	g_assert_no_error (error);
	g_assert_true (airdockd_store_item_count (f->store, user, folder->server_id, &n, &error));
	return n;
}

/* Posts a 14.x compose request; returns the status (1 = empty 200). */
static guint
post_compose (Fixture *f, const EasComposeRequest *request)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) body = eas_compose_request_encode (request);
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (f->c, eas_compose_kind_command (request->kind),
	                                                            NULL, body, NULL, &error);
	guint status = 0;

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	gsize len;
	const guint8 *data = g_bytes_get_data (r->body, &len);
	g_assert_true (eas_compose_response_decode (request->kind, data, len, &status, &error));
	g_assert_no_error (error);
	return status;
}

static EasComposeRequest *
compose_new (EasComposeKind kind, const char *mime)
{
	EasComposeRequest *r = g_new0 (EasComposeRequest, 1);

	r->kind = kind;
	r->client_id = g_strdup_printf ("c-%d", g_test_rand_int_range (1, 1000000));
	r->mime = g_bytes_new (mime, strlen (mime));
	return r;
}

static const char simple_mime[] =
	"From: Mallory <mallory@evil.test>\r\n"
	"To: Bob <bob@example.test>\r\n"
	"Cc: carol@elsewhere.test\r\n"
	"Bcc: dave@hidden.test\r\n"
	"Subject: Lunch\r\n"
	"\r\n"
	"See you at noon.\r\n";

static void
test_send_wbxml (Fixture *f, gconstpointer data)
{
	g_autoptr (EasComposeRequest) req = compose_new (EAS_COMPOSE_SEND_MAIL, simple_mime);

	g_assert_cmpuint (post_compose (f, req), ==, EAS_COMPOSE_STATUS_SUCCESS);
	g_mutex_lock (&f->peer->lock);
	g_assert_cmpuint (f->peer->messages, ==, 1);
	g_assert_cmpstr (f->peer->mail_from, ==, "<alice@example.test>");
	g_assert_cmpuint (f->peer->rcpts->len, ==, 3);
	g_assert_true (airdock_smtp_peer_has_rcpt (f->peer, "bob@example.test"));
	g_assert_true (airdock_smtp_peer_has_rcpt (f->peer, "carol@elsewhere.test"));
	g_assert_true (airdock_smtp_peer_has_rcpt (f->peer, "dave@hidden.test"));
	/* Bcc is not relayed; From is the account, not what the client wrote. */
	g_assert_null (strstr (f->peer->data->str, "dave@hidden.test"));
	g_assert_null (strstr (f->peer->data->str, "mallory@evil.test"));
	g_assert_nonnull (strstr (f->peer->data->str, "alice@example.test"));
	g_assert_nonnull (strstr (f->peer->data->str, "See you at noon."));
	g_autofree char *lower = g_ascii_strdown (f->peer->data->str, -1);
	g_assert_nonnull (strstr (lower, "\nmessage-id: <"));
	g_assert_nonnull (strstr (lower, "\ndate: "));
	g_mutex_unlock (&f->peer->lock);
	/* No SaveInSentItems: nothing in Sent Items. */
	g_assert_cmpuint (folder_count (f, f->alice, AIRDOCKD_FOLDER_SENT), ==, 0);
}

static void
test_send_save_in_sent (Fixture *f, gconstpointer data)
{
	g_autoptr (EasComposeRequest) req = compose_new (EAS_COMPOSE_SEND_MAIL, simple_mime);
	g_autoptr (GError) error = NULL;

	req->save_in_sent = TRUE;
	g_assert_cmpuint (post_compose (f, req), ==, EAS_COMPOSE_STATUS_SUCCESS);
	g_assert_cmpuint (folder_count (f, f->alice, AIRDOCKD_FOLDER_SENT), ==, 1);

	g_autoptr (AirdockdFolder) sent = airdockd_store_folder_get_by_type (f->store, f->alice, AIRDOCKD_FOLDER_SENT, &error);
	g_autoptr (GPtrArray) items = airdockd_store_item_list (f->store, f->alice, sent->server_id, 0, &error);
	g_assert_no_error (error);
	AirdockdItem *item = g_ptr_array_index (items, 0);
	g_assert_cmpstr (item->subject, ==, "Lunch");
	g_assert_true (item->read);
	/* The Sent Items copy keeps Bcc for its owner. */
	g_autofree char *text = NULL;
	g_assert_true (g_file_get_contents (item->message_path, &text, NULL, &error));
	g_assert_nonnull (strstr (text, "dave@hidden.test"));
	/* Nobody else got a copy in the store. */
	g_assert_cmpuint (folder_count (f, f->bob, AIRDOCKD_FOLDER_INBOX), ==, 0);
}

static void
test_send_raw_12 (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) body = g_bytes_new_static (simple_mime, strlen (simple_mime));
	EasQuery params = { .save_in_sent = TRUE };
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (f->c, EAS_CMD_SEND_MAIL, &params, body,
	                                                            "message/rfc822", &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_cmpuint (g_bytes_get_size (r->body), ==, 0);
	g_mutex_lock (&f->peer->lock);
	g_assert_cmpuint (f->peer->messages, ==, 1);
	g_assert_true (airdock_smtp_peer_has_rcpt (f->peer, "dave@hidden.test"));
	g_mutex_unlock (&f->peer->lock);
	g_assert_cmpuint (folder_count (f, f->alice, AIRDOCKD_FOLDER_SENT), ==, 1);

	/* No recipient: HTTP 400 in 12.1, nothing relayed. */
	const char no_rcpt[] = "Subject: nobody\r\n\r\nbody\r\n";
	g_autoptr (GBytes) body2 = g_bytes_new_static (no_rcpt, strlen (no_rcpt));
	g_autoptr (AirdockEasResponse) r2 = airdock_eas_client_post (f->c, EAS_CMD_SEND_MAIL, NULL, body2,
	                                                             "message/rfc822", &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r2->http_status, ==, 400);
	g_assert_cmpuint (f->peer->messages, ==, 1);
}

static void
test_send_invalid (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	/* No recipient → 119. */
	g_autoptr (EasComposeRequest) a = compose_new (EAS_COMPOSE_SEND_MAIL, "Subject: x\r\n\r\nbody\r\n");
	g_assert_cmpuint (post_compose (f, a), ==, EAS_COMPOSE_STATUS_NO_RECIPIENT);
	/* Not a message at all → 107. */
	g_autoptr (EasComposeRequest) b = compose_new (EAS_COMPOSE_SEND_MAIL, "\r\n\r\n");
	g_assert_cmpuint (post_compose (f, b), ==, EAS_COMPOSE_STATUS_INVALID_MIME);
	/* No ClientId → 103. */
	g_autoptr (EasComposeRequest) c = compose_new (EAS_COMPOSE_SEND_MAIL, simple_mime);
	g_clear_pointer (&c->client_id, g_free);
	g_assert_cmpuint (post_compose (f, c), ==, EAS_COMPOSE_STATUS_INVALID_XML);
	/* Not WBXML → 102. */
	g_autoptr (GBytes) junk = g_bytes_new_static ("\x03\x01\x6a\x00\x00\x15\x45\x99", 8);
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_post (f->c, EAS_CMD_SEND_MAIL, NULL, junk, NULL, &error);
	guint status = 0;
	g_assert_no_error (error);
	g_assert_true (eas_compose_response_decode (EAS_COMPOSE_SEND_MAIL, g_bytes_get_data (r->body, NULL),
	                                            g_bytes_get_size (r->body), &status, &error));
	g_assert_cmpuint (status, ==, EAS_COMPOSE_STATUS_INVALID_WBXML);
	/* The relay refuses every recipient → 120, and no Sent copy. */
	g_autoptr (EasComposeRequest) d = compose_new (EAS_COMPOSE_SEND_MAIL,
	                                               "To: refuse@example.test\r\nSubject: no\r\n\r\nx\r\n");
	d->save_in_sent = TRUE;
	g_assert_cmpuint (post_compose (f, d), ==, EAS_COMPOSE_STATUS_SUBMISSION_FAILED);
	g_assert_cmpuint (folder_count (f, f->alice, AIRDOCKD_FOLDER_SENT), ==, 0);
	g_assert_cmpuint (f->peer->messages, ==, 0);
}

/* AIRDOCKD_COMPOSE_MAX_RECIPIENTS (1000) distinct addresses go out; one
 * more is refused with 115 before anything is relayed. */
static void
test_send_recipient_limit (Fixture *f, gconstpointer data)
{
	for (guint n = 1000; n <= 1001; n++) {
		g_autoptr (GString) mime = g_string_new ("To: ");
		for (guint i = 0; i < n; i++)
			g_string_append_printf (mime, "%sr%u@example.test", i > 0 ? ",\r\n " : "", i);
		g_string_append (mime, "\r\nSubject: many\r\n\r\nhello\r\n");
		g_autoptr (EasComposeRequest) req = compose_new (EAS_COMPOSE_SEND_MAIL, mime->str);
		guint before = f->peer->messages;

		if (n == 1000) {
			g_assert_cmpuint (post_compose (f, req), ==, EAS_COMPOSE_STATUS_SUCCESS);
			g_mutex_lock (&f->peer->lock);
			g_assert_cmpuint (f->peer->rcpts->len, ==, 1000);
			g_mutex_unlock (&f->peer->lock);
			g_assert_cmpuint (f->peer->messages, ==, before + 1);
		} else {
			g_assert_cmpuint (post_compose (f, req), ==, EAS_COMPOSE_STATUS_SEND_QUOTA_EXCEEDED);
			g_assert_cmpuint (f->peer->messages, ==, before);
		}
	}
}

static const char original_mime[] =
	"From: Bob <bob@example.test>\r\n"
	"To: alice@example.test\r\n"
	"Subject: Plans\r\n"
	"Message-ID: <plans-1@example.test>\r\n"
	"Date: Tue, 03 Mar 2026 10:00:00 +0000\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
	"\r\n"
	"--b1\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"\r\n"
	"First line of the plan.\r\n"
	"Second line.\r\n"
	"--b1\r\n"
	"Content-Type: application/octet-stream\r\n"
	"Content-Disposition: attachment; filename=\"plan.bin\"\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"AAECAwQFBgcICQoLDA0ODxAREhM=\r\n"
	"--b1--\r\n";

static const char reply_mime[] =
	"To: bob@example.test\r\n"
	"Subject: Re: Plans\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"\r\n"
	"Sounds good.\r\n";

static void
test_smart_reply (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockdItem) orig = seed_message (f, f->alice, AIRDOCKD_FOLDER_INBOX, original_mime);
	g_autoptr (EasComposeRequest) req = compose_new (EAS_COMPOSE_SMART_REPLY, reply_mime);

	req->item_id = g_strdup (orig->server_id);
	req->folder_id = g_strdup (orig->folder_id);
	g_assert_cmpuint (post_compose (f, req), ==, EAS_COMPOSE_STATUS_SUCCESS);
	g_mutex_lock (&f->peer->lock);
	const char *d = f->peer->data->str;
	g_assert_nonnull (strstr (d, "Sounds good."));
	g_assert_nonnull (strstr (d, "> First line of the plan."));
	g_assert_nonnull (strstr (d, "> Second line."));
	g_assert_nonnull (strstr (d, "In-Reply-To: <plans-1@example.test>"));
	/* A reply does not carry the original's attachment. */
	g_assert_null (strstr (d, "plan.bin"));
	g_mutex_unlock (&f->peer->lock);

	/* ReplaceMime: the client's MIME goes out as is. */
	g_autoptr (EasComposeRequest) rep = compose_new (EAS_COMPOSE_SMART_REPLY, reply_mime);
	rep->item_id = g_strdup (orig->server_id);
	rep->replace_mime = TRUE;
	g_assert_cmpuint (post_compose (f, rep), ==, EAS_COMPOSE_STATUS_SUCCESS);
	g_mutex_lock (&f->peer->lock);
	g_assert_null (strstr (f->peer->data->str, "First line of the plan."));
	g_mutex_unlock (&f->peer->lock);
}

static void
test_smart_forward (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockdItem) orig = seed_message (f, f->alice, AIRDOCKD_FOLDER_INBOX, original_mime);
	g_autoptr (EasComposeRequest) req = compose_new (EAS_COMPOSE_SMART_FORWARD,
	                                                 "To: carol@elsewhere.test\r\nSubject: Fw: Plans\r\n"
	                                                 "\r\nHave a look.\r\n");
	g_autoptr (GError) error = NULL;

	req->item_id = g_strdup (orig->server_id);
	req->folder_id = g_strdup (orig->folder_id);
	g_assert_cmpuint (post_compose (f, req), ==, EAS_COMPOSE_STATUS_SUCCESS);

	g_mutex_lock (&f->peer->lock);
	g_autofree char *got = g_strdup (f->peer->data->str);
	g_mutex_unlock (&f->peer->lock);
	g_assert_nonnull (strstr (got, "Have a look."));
	g_assert_nonnull (strstr (got, "First line of the plan."));

	/* The forwarded attachment decodes to the original's bytes. */
	g_autoptr (AirdockdMimeInfo) info = airdockd_mime_parse_data ((const guint8 *) got, strlen (got), &error);
	g_assert_no_error (error);
	g_assert_cmpuint (info->attachments->len, ==, 1);
	AirdockdAttachment *att = g_ptr_array_index (info->attachments, 0);
	g_assert_cmpstr (att->file_name, ==, "plan.bin");
	g_autofree char *path = g_build_filename (f->h->dir, "fwd.eml", NULL);
	g_file_set_contents (path, got, -1, &error);
	g_assert_no_error (error);
	g_autoptr (GOutputStream) mem = g_memory_output_stream_new_resizable ();
	g_assert_true (airdockd_mime_write_attachment (path, att->index, mem, NULL, NULL, &error));
	g_assert_no_error (error);
	g_output_stream_close (mem, NULL, NULL);
	g_autoptr (GBytes) bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
	guint8 expect[20];
	for (guint i = 0; i < sizeof expect; i++)
		expect[i] = (guint8) i;
	g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expect, sizeof expect);
}

/* The original's text is quoted up to AIRDOCKD_COMPOSE_MAX_QUOTE_BYTES:
 * a text of exactly that size is quoted whole, one byte more is cut (the
 * marker at its very end disappears). */
static void
test_smart_reply_quote_limit (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	for (gsize n = AIRDOCKD_COMPOSE_MAX_QUOTE_BYTES; n <= AIRDOCKD_COMPOSE_MAX_QUOTE_BYTES + 1; n++) {
		g_autoptr (GString) orig = g_string_new ("From: bob@example.test\r\nTo: alice@example.test\r\n"
		                                         "Subject: Long\r\n\r\n");
		gsize body_start = orig->len;
		/* Lines of 63 'Q' and LF; the text's last byte is 'Z'. */
		while (orig->len - body_start < n - 1)
			g_string_append_c (orig, (orig->len - body_start) % 64 == 63 ? '\n' : 'Q');
		g_string_append_c (orig, 'Z');
		g_autoptr (AirdockdItem) item = seed_message (f, f->alice, AIRDOCKD_FOLDER_INBOX, orig->str);
		g_autoptr (EasComposeRequest) req = compose_new (EAS_COMPOSE_SMART_REPLY, reply_mime);
		req->item_id = g_strdup (item->server_id);
		g_assert_cmpuint (post_compose (f, req), ==, EAS_COMPOSE_STATUS_SUCCESS);

		g_autofree char *path = g_build_filename (f->h->dir, "reply.eml", NULL);
		g_mutex_lock (&f->peer->lock);
		g_file_set_contents (path, f->peer->data->str, (gssize) f->peer->data->len, &error);
		g_mutex_unlock (&f->peer->lock);
		g_assert_no_error (error);
		g_autofree char *text = airdockd_mime_get_text (path, 0, NULL, NULL, &error);
		g_assert_no_error (error);
		g_assert_nonnull (strstr (text, "Sounds good."));
		g_assert_nonnull (strstr (text, "> QQQ"));
		if (n == AIRDOCKD_COMPOSE_MAX_QUOTE_BYTES)
			g_assert_nonnull (strstr (text, "QZ"));
		else
			g_assert_null (strstr (text, "QZ"));
	}
}

static void
test_smart_missing_source (Fixture *f, gconstpointer data)
{
	/* Bob's item is not Alice's: exactly as if it did not exist (ids are
	 * per user: give Bob one whose id Alice does not have). */
	for (guint i = 0; i < 2; i++)
		airdockd_item_free (seed_message (f, f->bob, AIRDOCKD_FOLDER_INBOX, original_mime));
	g_autoptr (AirdockdItem) bobs = seed_message (f, f->bob, AIRDOCKD_FOLDER_INBOX, original_mime);
	g_autoptr (EasComposeRequest) a = compose_new (EAS_COMPOSE_SMART_REPLY, reply_mime);
	a->item_id = g_strdup (bobs->server_id);
	g_assert_cmpuint (post_compose (f, a), ==, EAS_COMPOSE_STATUS_ITEM_NOT_FOUND);

	g_autoptr (EasComposeRequest) b = compose_new (EAS_COMPOSE_SMART_FORWARD, reply_mime);
	b->item_id = g_strdup ("no-such:1");
	g_assert_cmpuint (post_compose (f, b), ==, EAS_COMPOSE_STATUS_ITEM_NOT_FOUND);

	/* An existing item named with the wrong folder. */
	g_autoptr (AirdockdItem) mine = seed_message (f, f->alice, AIRDOCKD_FOLDER_INBOX, original_mime);
	g_autoptr (EasComposeRequest) c = compose_new (EAS_COMPOSE_SMART_REPLY, reply_mime);
	c->item_id = g_strdup (mine->server_id);
	c->folder_id = g_strdup ("not-the-folder");
	g_assert_cmpuint (post_compose (f, c), ==, EAS_COMPOSE_STATUS_ITEM_NOT_FOUND);
	g_assert_cmpuint (f->peer->messages, ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

#define ADD(path, fn, version) \
	g_test_add ("/sendmail/" path, Fixture, GUINT_TO_POINTER (version), fixture_set_up, fn, fixture_tear_down)
	ADD ("wbxml-14", test_send_wbxml, 141);
	ADD ("save-in-sent", test_send_save_in_sent, 160);
	ADD ("raw-mime-12.1", test_send_raw_12, 121);
	ADD ("invalid", test_send_invalid, 140);
	ADD ("recipient-limit", test_send_recipient_limit, 141);
	ADD ("smart-reply", test_smart_reply, 141);
	ADD ("smart-reply-quote-limit", test_smart_reply_quote_limit, 141);
	ADD ("smart-forward", test_smart_forward, 141);
	ADD ("smart-missing-source", test_smart_missing_source, 141);
#undef ADD

	return g_test_run ();
}
