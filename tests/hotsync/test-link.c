/* HotsyncLink: the desktop's end, driven against a simulated handheld built
 * from the same layers. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-cmp.h"
#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-link.h"
#include "hotsync/hotsync-netsync.h"
#include "hotsync/hotsync-padp.h"

static GBytes *
pop_one (HotsyncLink *link)
{
	GBytes *out = hotsync_link_pop_output (link);

	g_assert_nonnull (out);
	return out;
}

static void
feed_bytes (HotsyncLink *link, GBytes *b, GError **error)
{
	g_assert_true (hotsync_link_feed (link, g_bytes_get_data (b, NULL), g_bytes_get_size (b), 0, error));
}

static void
net_open (HotsyncLink *link)
{
	guint8 hello[HOTSYNC_NETSYNC_HELLO_LEN] = { 0x90, 0x01 };
	guint8 reply1[HOTSYNC_NETSYNC_REPLY1_LEN] = { 0x92, 0x01 };
	guint8 reply2[HOTSYNC_NETSYNC_REPLY2_LEN] = { 0x93 };
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) h = hotsync_netsync_encode (1, 0xff, hello, sizeof hello);
	g_autoptr (GBytes) r1 = hotsync_netsync_encode (1, 1, reply1, sizeof reply1);
	g_autoptr (GBytes) r2 = hotsync_netsync_encode (1, 2, reply2, sizeof reply2);
	g_autoptr (GBytes) a1 = NULL;
	g_autoptr (GBytes) a2 = NULL;

	feed_bytes (link, h, &error);
	g_assert_no_error (error);
	a1 = pop_one (link);
	g_assert_cmpuint (g_bytes_get_size (a1), ==, 6 + HOTSYNC_NETSYNC_ACCEPT1_LEN);
	g_assert_cmpuint (((const guint8 *) g_bytes_get_data (a1, NULL))[1], ==, 1);
	g_assert_false (hotsync_link_is_ready (link));
	feed_bytes (link, r1, &error);
	a2 = pop_one (link);
	g_assert_cmpuint (g_bytes_get_size (a2), ==, 6 + HOTSYNC_NETSYNC_ACCEPT2_LEN);
	g_assert_cmpuint (((const guint8 *) g_bytes_get_data (a2, NULL))[1], ==, 2);
	feed_bytes (link, r2, &error);
	g_assert_null (hotsync_link_pop_output (link));
	g_assert_true (hotsync_link_is_ready (link));
}

static void
test_net_session (void)
{
	g_autoptr (HotsyncLink) link = hotsync_link_new (HOTSYNC_LINK_NETSYNC, 0);
	static const guint8 req[] = { 0x10, 0x00 }, resp[] = { 0x90, 0x00, 0x00, 0x00 };
	g_autoptr (GBytes) request = g_bytes_new_static (req, sizeof req);
	g_autoptr (GBytes) wire = NULL;
	g_autoptr (GBytes) answer = NULL;
	g_autoptr (GBytes) got = NULL;
	g_autoptr (GBytes) tickle = hotsync_netsync_encode (HOTSYNC_NETSYNC_TYPE_TICKLE, 0, NULL, 0);
	g_autoptr (GError) error = NULL;

	/* Nothing before the opening is done. */
	g_assert_false (hotsync_link_send_request (link, request, 0, &error));
	g_assert_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_STATE);
	g_clear_error (&error);
	net_open (link);
	g_assert_true (hotsync_link_send_request (link, request, 0, &error));
	wire = pop_one (link);
	g_assert_cmpuint (((const guint8 *) g_bytes_get_data (wire, NULL))[1], ==, 3);
	/* One request at a time. */
	g_assert_false (hotsync_link_send_request (link, request, 0, &error));
	g_assert_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_BUSY);
	g_clear_error (&error);
	feed_bytes (link, tickle, &error);
	g_assert_null (hotsync_link_pop_response (link));
	answer = hotsync_netsync_encode (1, 3, resp, sizeof resp);
	feed_bytes (link, answer, &error);
	got = hotsync_link_pop_response (link);
	g_assert_nonnull (got);
	g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), resp, sizeof resp);
	/* An answer nobody asked for. */
	g_assert_false (hotsync_link_feed (link, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), 0, &error));
	g_assert_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_STATE);
	g_assert_cmpint (hotsync_link_get_deadline (link), ==, G_MAXINT64);
	g_assert_cmpuint (hotsync_link_take_baud_change (link), ==, 0);
}

static void
test_net_bad_opening (void)
{
	g_autoptr (HotsyncLink) link = hotsync_link_new (HOTSYNC_LINK_NETSYNC, 0);
	guint8 hello[HOTSYNC_NETSYNC_HELLO_LEN + 1] = { 0x90 };
	g_autoptr (GBytes) h = hotsync_netsync_encode (1, 0xff, hello, sizeof hello);
	g_autoptr (GError) error = NULL;

	g_assert_false (hotsync_link_feed (link, g_bytes_get_data (h, NULL), g_bytes_get_size (h), 0, &error));
	g_assert_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_HANDSHAKE);
}

/* Moves every buffer the link wrote to the simulated handheld. */
static void
to_handheld (HotsyncLink *link, HotsyncPadp *hh, HotsyncSlpDecoder *dec, guint *frames)
{
	GBytes *out;

	while ((out = hotsync_link_pop_output (link)) != NULL) {
		gsize off = 0, len;
		const guint8 *d = g_bytes_get_data (out, &len);

		while (off < len) {
			g_auto (HotsyncSlpEvent) ev = { 0 };
			g_autoptr (GError) error = NULL;

			off += hotsync_slp_decoder_feed (dec, d + off, len - off, &ev);
			if (ev.type == HOTSYNC_SLP_EVENT_FRAME) {
				g_assert_true (hotsync_padp_receive_frame (hh, &ev.frame, 0, &error));
				(*frames)++;
			}
		}
		g_bytes_unref (out);
	}
}

static void
to_desktop (HotsyncPadp *hh, HotsyncLink *link)
{
	GBytes *out;

	while ((out = hotsync_padp_pop_output (hh)) != NULL) {
		g_autoptr (GError) error = NULL;

		g_assert_true (hotsync_link_feed (link, g_bytes_get_data (out, NULL), g_bytes_get_size (out), 0, &error));
		g_assert_no_error (error);
		g_bytes_unref (out);
	}
}

static void
test_serial_session (void)
{
	g_autoptr (HotsyncLink) link = hotsync_link_new (HOTSYNC_LINK_SERIAL, 57600);
	g_autoptr (HotsyncPadp) hh = hotsync_padp_new (HOTSYNC_PADP_MAX_MESSAGE_DEFAULT);
	g_autoptr (HotsyncSlpDecoder) dec = hotsync_slp_decoder_new (HOTSYNC_SLP_MAX_BODY_DEFAULT);
	HotsyncCmp wake = { HOTSYNC_CMP_TYPE_WAKE, HOTSYNC_CMP_FLAG_LONG_PADP, 1, 3, 0, 115200 }, init;
	guint8 buf[HOTSYNC_CMP_LEN];
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) init_msg = NULL;
	g_autoptr (GBytes) req = NULL;
	g_autoptr (GBytes) got = NULL;
	guint8 big[3000];
	guint8 xid = 0;
	guint frames = 0;

	hotsync_padp_set_long_form (hh, TRUE);
	hotsync_cmp_encode (&wake, buf);
	g_assert_true (hotsync_padp_send (hh, 0xff, buf, sizeof buf, 0, &error));
	to_desktop (hh, link);
	/* The link acked the WAKE and answered with INIT at our maximum. */
	to_handheld (link, hh, dec, &frames);
	g_assert_false (hotsync_padp_is_sending (hh));
	init_msg = hotsync_padp_pop_message (hh, &xid);
	g_assert_nonnull (init_msg);
	g_assert_cmpuint (xid, ==, 0xff);
	g_assert_true (hotsync_cmp_parse (g_bytes_get_data (init_msg, NULL), g_bytes_get_size (init_msg), &init, &error));
	g_assert_cmpuint (init.type, ==, HOTSYNC_CMP_TYPE_INIT);
	g_assert_cmpuint (init.baud, ==, 57600);
	/* No rate change until the handheld acks the INIT. */
	g_assert_false (hotsync_link_is_ready (link));
	g_assert_cmpuint (hotsync_link_take_baud_change (link), ==, 0);
	to_desktop (hh, link);
	g_assert_true (hotsync_link_is_ready (link));
	g_assert_cmpuint (hotsync_link_take_baud_change (link), ==, 57600);
	g_assert_cmpuint (hotsync_link_take_baud_change (link), ==, 0);

	/* A request of three fragments, and its answer. */
	for (gsize i = 0; i < sizeof big; i++)
		big[i] = (guint8) i;
	req = g_bytes_new (big, sizeof big);
	g_assert_true (hotsync_link_send_request (link, req, 0, &error));
	for (int round = 0; round < 5 && hotsync_padp_pop_message (hh, NULL) == NULL; round++) {
		to_handheld (link, hh, dec, &frames);
		to_desktop (hh, link);
	}
	got = hotsync_link_pop_response (link);
	g_assert_null (got);
	{
		static const guint8 answer[] = { 0xa1, 0x00, 0x00, 0x00 };

		g_assert_true (hotsync_padp_send (hh, 1, answer, sizeof answer, 0, &error));
		to_desktop (hh, link);
		got = hotsync_link_pop_response (link);
		g_assert_nonnull (got);
		g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), answer, sizeof answer);
		to_handheld (link, hh, dec, &frames);
		g_assert_false (hotsync_padp_is_sending (hh));
	}
	g_assert_cmpuint (hotsync_link_get_dropped (link), ==, 0);
}

static void
test_serial_timeout_and_drops (void)
{
	g_autoptr (HotsyncLink) link = hotsync_link_new (HOTSYNC_LINK_SERIAL, 115200);
	HotsyncCmp wake = { HOTSYNC_CMP_TYPE_WAKE, 0, 1, 0, 0, 9600 };
	guint8 buf[HOTSYNC_CMP_LEN], body[4 + HOTSYNC_CMP_LEN] = { 1, 0xc0, 0, HOTSYNC_CMP_LEN };
	g_autoptr (GBytes) frame = NULL;
	g_autoptr (GError) error = NULL;
	guint8 *bad;
	gsize len;
	gint64 deadline;
	GBytes *out;
	guint outs = 0;

	hotsync_cmp_encode (&wake, buf);
	memcpy (body + 4, buf, sizeof buf);
	frame = hotsync_slp_encode (3, 3, 2, 0xff, body, sizeof body);
	/* A copy with a broken CRC first: dropped and counted. */
	bad = g_memdup2 (g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
	len = g_bytes_get_size (frame);
	bad[len - 1] ^= 1;
	g_assert_true (hotsync_link_feed (link, bad, len, 0, &error));
	g_free (bad);
	g_assert_cmpuint (hotsync_link_get_dropped (link), ==, 1);
	g_assert_null (hotsync_link_pop_output (link));
	g_assert_true (hotsync_link_feed (link, g_bytes_get_data (frame, NULL), len, 0, &error));
	while ((out = hotsync_link_pop_output (link)) != NULL) {
		outs++;
		g_bytes_unref (out);
	}
	g_assert_cmpuint (outs, ==, 2);   /* the ack and the INIT */
	deadline = hotsync_link_get_deadline (link);
	g_assert_cmpint (deadline, ==, HOTSYNC_PADP_ACK_TIMEOUT_US);
	g_assert_true (hotsync_link_handle_timeout (link, deadline, &error));
	out = hotsync_link_pop_output (link);
	g_assert_nonnull (out);   /* the INIT again */
	g_bytes_unref (out);
	for (guint i = 1; i < HOTSYNC_PADP_MAX_RETRIES; i++)
		g_assert_true (hotsync_link_handle_timeout (link, hotsync_link_get_deadline (link), &error));
	g_assert_false (hotsync_link_handle_timeout (link, hotsync_link_get_deadline (link), &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_TIMEOUT);
}

static void
test_serial_incompatible (void)
{
	g_autoptr (HotsyncLink) link = hotsync_link_new (HOTSYNC_LINK_SERIAL, 115200);
	HotsyncCmp wake = { HOTSYNC_CMP_TYPE_WAKE, 0, 2, 0, 0, 9600 };
	guint8 body[4 + HOTSYNC_CMP_LEN] = { 1, 0xc0, 0, HOTSYNC_CMP_LEN };
	g_autoptr (GBytes) frame = NULL;
	g_autoptr (GError) error = NULL;
	GBytes *out;
	guint outs = 0;

	hotsync_cmp_encode (&wake, body + 4);
	frame = hotsync_slp_encode (3, 3, 2, 0xff, body, sizeof body);
	g_assert_false (hotsync_link_feed (link, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame), 0, &error));
	g_assert_error (error, HOTSYNC_CMP_ERROR, HOTSYNC_CMP_ERROR_INCOMPATIBLE);
	/* The ack and the ABORT still go out. */
	while ((out = hotsync_link_pop_output (link)) != NULL) {
		outs++;
		g_bytes_unref (out);
	}
	g_assert_cmpuint (outs, ==, 2);
	g_assert_false (hotsync_link_is_ready (link));
}

/* Moves everything one link wrote into the other. */
static void
pump (HotsyncLink *from, HotsyncLink *to)
{
	GBytes *out;

	while ((out = hotsync_link_pop_output (from)) != NULL) {
		g_autoptr (GError) error = NULL;

		g_assert_true (hotsync_link_feed (to, g_bytes_get_data (out, NULL), g_bytes_get_size (out), 0, &error));
		g_assert_no_error (error);
		g_bytes_unref (out);
	}
}

static void
test_handheld_role (gconstpointer data)
{
	HotsyncLinkKind kind = GPOINTER_TO_INT (data);
	g_autoptr (HotsyncLink) desk = hotsync_link_new (kind, 115200);
	g_autoptr (HotsyncLink) hh = hotsync_link_new_handheld (kind, 38400, 0);
	static const guint8 req[] = { 0x10, 0x00 }, resp[] = { 0x90, 0x00, 0x00, 0x00 };
	g_autoptr (GBytes) request = g_bytes_new_static (req, sizeof req);
	g_autoptr (GBytes) response = g_bytes_new_static (resp, sizeof resp);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) got_req = NULL;
	g_autoptr (GBytes) got_resp = NULL;

	/* The handheld opens; three exchanges finish the handshake. */
	for (int i = 0; i < 3; i++) {
		pump (hh, desk);
		pump (desk, hh);
	}
	g_assert_true (hotsync_link_is_ready (desk));
	g_assert_true (hotsync_link_is_ready (hh));
	if (kind == HOTSYNC_LINK_SERIAL) {
		g_assert_cmpuint (hotsync_link_take_baud_change (desk), ==, 38400);
		g_assert_cmpuint (hotsync_link_take_baud_change (hh), ==, 38400);
	}
	g_assert_false (hotsync_link_send_response (hh, response, 0, &error));
	g_assert_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_STATE);
	g_clear_error (&error);
	g_assert_true (hotsync_link_send_request (desk, request, 0, &error));
	pump (desk, hh);
	got_req = hotsync_link_pop_request (hh);
	g_assert_nonnull (got_req);
	g_assert_true (g_bytes_equal (got_req, request));
	g_assert_true (hotsync_link_send_response (hh, response, 0, &error));
	pump (hh, desk);
	pump (desk, hh);
	got_resp = hotsync_link_pop_response (desk);
	g_assert_nonnull (got_resp);
	g_assert_true (g_bytes_equal (got_resp, response));
	g_assert_cmpint (hotsync_link_get_deadline (hh), ==, G_MAXINT64);
	g_assert_cmpint (hotsync_link_get_deadline (desk), ==, G_MAXINT64);
}

/* Tickles pass both ends without an answer or an ack, and change nothing. */
static void
test_tickles (gconstpointer data)
{
	HotsyncLinkKind kind = GPOINTER_TO_INT (data);
	g_autoptr (HotsyncLink) desk = hotsync_link_new (kind, 115200);
	g_autoptr (HotsyncLink) hh = hotsync_link_new_handheld (kind, 115200, 0);
	g_autoptr (GBytes) tickle = NULL;

	for (int i = 0; i < 3; i++) {
		pump (hh, desk);
		pump (desk, hh);
	}
	g_assert_true (hotsync_link_is_ready (desk));
	hotsync_link_tickle (desk);
	tickle = pop_one (desk);
	g_assert_null (hotsync_link_pop_output (desk));
	g_assert_true (hotsync_link_feed (hh, g_bytes_get_data (tickle, NULL), g_bytes_get_size (tickle), 0, NULL));
	g_assert_null (hotsync_link_pop_output (hh));
	g_assert_null (hotsync_link_pop_request (hh));
	hotsync_link_tickle (hh);
	pump (hh, desk);
	g_assert_null (hotsync_link_pop_output (desk));
	g_assert_null (hotsync_link_pop_response (desk));
	g_assert_cmpint (hotsync_link_get_deadline (desk), ==, G_MAXINT64);
}

/* A desktop that asks again before the answer breaks the protocol. */
static void
test_handheld_two_requests (void)
{
	g_autoptr (HotsyncLink) hh = hotsync_link_new_handheld (HOTSYNC_LINK_NETSYNC, 0, 0);
	guint8 accept1[HOTSYNC_NETSYNC_ACCEPT1_LEN] = { 0x12 }, accept2[HOTSYNC_NETSYNC_ACCEPT2_LEN] = { 0x13 };
	static const guint8 req[] = { 0x10, 0x00 };
	g_autoptr (GBytes) a1 = hotsync_netsync_encode (1, 1, accept1, sizeof accept1);
	g_autoptr (GBytes) a2 = hotsync_netsync_encode (1, 2, accept2, sizeof accept2);
	g_autoptr (GBytes) r1 = hotsync_netsync_encode (1, 3, req, sizeof req);
	g_autoptr (GBytes) r2 = hotsync_netsync_encode (1, 4, req, sizeof req);
	g_autoptr (GBytes) hello = pop_one (hh);
	g_autoptr (GError) error = NULL;

	g_assert_cmpmem ((const guint8 *) g_bytes_get_data (hello, NULL) + 6, HOTSYNC_NETSYNC_HELLO_LEN,
	                 hotsync_netsync_hello (), HOTSYNC_NETSYNC_HELLO_LEN);
	feed_bytes (hh, a1, &error);
	feed_bytes (hh, a2, &error);
	g_assert_true (hotsync_link_is_ready (hh));
	feed_bytes (hh, r1, &error);
	g_assert_false (hotsync_link_feed (hh, g_bytes_get_data (r2, NULL), g_bytes_get_size (r2), 0, &error));
	g_assert_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_STATE);
}

/* The handheld's WAKE is refused: it learns so from the ABORT. */
static void
test_handheld_aborted (void)
{
	g_autoptr (HotsyncLink) hh = hotsync_link_new_handheld (HOTSYNC_LINK_SERIAL, 115200, 0);
	guint8 body[4 + HOTSYNC_CMP_LEN] = { 1, 0xc0, 0, HOTSYNC_CMP_LEN };
	HotsyncCmp abort_msg = { HOTSYNC_CMP_TYPE_ABORT, HOTSYNC_CMP_ABORT_INCOMPATIBLE, 1, 1, 0, 0 };
	g_autoptr (GBytes) frame = NULL;
	g_autoptr (GError) error = NULL;

	hotsync_cmp_encode (&abort_msg, body + 4);
	frame = hotsync_slp_encode (3, 3, 2, 0xff, body, sizeof body);
	g_assert_false (hotsync_link_feed (hh, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame), 0, &error));
	g_assert_error (error, HOTSYNC_LINK_ERROR, HOTSYNC_LINK_ERROR_HANDSHAKE);
	g_assert_false (hotsync_link_is_ready (hh));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/hotsync/link/net-session", test_net_session);
	g_test_add_func ("/hotsync/link/net-bad-opening", test_net_bad_opening);
	g_test_add_func ("/hotsync/link/serial-session", test_serial_session);
	g_test_add_func ("/hotsync/link/serial-timeout-and-drops", test_serial_timeout_and_drops);
	g_test_add_func ("/hotsync/link/serial-incompatible", test_serial_incompatible);
	g_test_add_data_func ("/hotsync/link/handheld-role/netsync", GINT_TO_POINTER (HOTSYNC_LINK_NETSYNC), test_handheld_role);
	g_test_add_data_func ("/hotsync/link/handheld-role/serial", GINT_TO_POINTER (HOTSYNC_LINK_SERIAL), test_handheld_role);
	g_test_add_func ("/hotsync/link/handheld-two-requests", test_handheld_two_requests);
	g_test_add_data_func ("/hotsync/link/tickles/netsync", GINT_TO_POINTER (HOTSYNC_LINK_NETSYNC), test_tickles);
	g_test_add_data_func ("/hotsync/link/tickles/serial", GINT_TO_POINTER (HOTSYNC_LINK_SERIAL), test_tickles);
	g_test_add_func ("/hotsync/link/handheld-aborted", test_handheld_aborted);
	return g_test_run ();
}
