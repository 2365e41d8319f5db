/* PADP: fragmentation, acks, retries, duplicates, tickles, limits. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-padp.h"

/* Decodes one SLP frame from the bytes PADP produced. */
static void
parse_frame (GBytes *bytes, HotsyncSlpFrame *out, HotsyncPadpHeader *out_h, GBytes **out_data)
{
	g_autoptr (HotsyncSlpDecoder) dec = hotsync_slp_decoder_new (HOTSYNC_SLP_MAX_BODY_DEFAULT);
	g_auto (HotsyncSlpEvent) ev = { 0 };
	g_autoptr (GError) error = NULL;
	gsize len, hl;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	const guint8 *body;
	gsize body_len;

	g_assert_cmpuint (hotsync_slp_decoder_feed (dec, data, len, &ev), ==, len);
	g_assert_cmpint (ev.type, ==, HOTSYNC_SLP_EVENT_FRAME);
	g_assert_cmpuint (ev.frame.type, ==, HOTSYNC_SLP_TYPE_PADP);
	body = g_bytes_get_data (ev.frame.body, &body_len);
	g_assert_true (hotsync_padp_header_parse (body, body_len, out_h, &hl, &error));
	g_assert_no_error (error);
	if (out_data != NULL)
		*out_data = g_bytes_new (body + hl, body_len - hl);
	*out = ev.frame;
	ev.frame.body = NULL;
}

/* Feeds a PADP packet (header + data) with this xid to padp. */
static gboolean
deliver (HotsyncPadp *padp, guint8 xid, guint8 type, guint8 flags, guint32 size,
         const guint8 *data, gsize len, gint64 now, GError **error)
{
	HotsyncPadpHeader h = { type, flags, size };
	guint8 body[HOTSYNC_PADP_HEADER_MAX + 2048];
	gsize hl = hotsync_padp_header_encode (&h, body);
	g_auto (HotsyncSlpFrame) frame = { 3, 3, HOTSYNC_SLP_TYPE_PADP, xid, NULL };

	g_assert_cmpuint (len, <=, 2048);
	if (len > 0)
		memcpy (body + hl, data, len);
	frame.body = g_bytes_new (body, hl + len);
	return hotsync_padp_receive_frame (padp, &frame, now, error);
}

/* Sends a message and acks every fragment like a handheld; returns the
 * reassembled data from the fragments. */
static GBytes *
send_and_ack (HotsyncPadp *padp, guint8 xid, const guint8 *data, gsize len, guint *out_fragments)
{
	g_autoptr (GError) error = NULL;
	GByteArray *got = g_byte_array_new ();
	guint fragments = 0;
	GBytes *out;

	g_assert_true (hotsync_padp_send (padp, xid, data, len, 0, &error));
	g_assert_no_error (error);
	while ((out = hotsync_padp_pop_output (padp)) != NULL) {
		g_auto (HotsyncSlpFrame) f = { 0 };
		HotsyncPadpHeader h;
		g_autoptr (GBytes) payload = NULL;

		parse_frame (out, &f, &h, &payload);
		g_bytes_unref (out);
		g_assert_cmpuint (f.xid, ==, xid);
		g_assert_cmpuint (h.type, ==, HOTSYNC_PADP_TYPE_DATA);
		g_assert_cmpuint (g_bytes_get_size (payload), <=, HOTSYNC_PADP_FRAGMENT_SIZE);
		if (fragments == 0) {
			g_assert_true (h.flags & HOTSYNC_PADP_FLAG_FIRST);
			g_assert_cmpuint (h.size, ==, len);
		} else {
			g_assert_false (h.flags & HOTSYNC_PADP_FLAG_FIRST);
			g_assert_cmpuint (h.size, ==, got->len);
		}
		g_byte_array_append (got, g_bytes_get_data (payload, NULL), (guint) g_bytes_get_size (payload));
		g_assert_cmpint ((h.flags & HOTSYNC_PADP_FLAG_LAST) != 0, ==, got->len == len);
		fragments++;
		g_assert_true (hotsync_padp_is_sending (padp));
		g_assert_true (deliver (padp, xid, HOTSYNC_PADP_TYPE_ACK, h.flags, h.size, NULL, 0, 0, &error));
		g_assert_no_error (error);
	}
	g_assert_false (hotsync_padp_is_sending (padp));
	g_assert_cmpint (hotsync_padp_get_deadline (padp), ==, G_MAXINT64);
	*out_fragments = fragments;
	return g_byte_array_free_to_bytes (got);
}

static void
test_fragmentation (void)
{
	/* Around the fragment size: N-1, N, N+1, 2N, 2N+1. */
	static const gsize sizes[] = { 0, 1, 1023, 1024, 1025, 2048, 2049, 10000 };

	for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++) {
		g_autoptr (HotsyncPadp) padp = hotsync_padp_new (HOTSYNC_PADP_MAX_MESSAGE_DEFAULT);
		g_autofree guint8 *data = g_malloc (sizes[i] + 1);
		g_autoptr (GBytes) got = NULL;
		guint fragments;

		for (gsize j = 0; j < sizes[i]; j++)
			data[j] = (guint8) (j * 7);
		got = send_and_ack (padp, 0x11, data, sizes[i], &fragments);
		g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), data, sizes[i]);
		g_assert_cmpuint (fragments, ==, sizes[i] == 0 ? 1 : (sizes[i] + 1023) / 1024);
	}
}

static void
test_header (void)
{
	HotsyncPadpHeader h = { HOTSYNC_PADP_TYPE_DATA, HOTSYNC_PADP_FLAG_FIRST | HOTSYNC_PADP_FLAG_LONG, 0x12345 }, back;
	guint8 buf[HOTSYNC_PADP_HEADER_MAX];
	g_autoptr (GError) error = NULL;
	gsize n, hl;
	static const guint8 bad_type[] = { 0x03, 0x00, 0x00, 0x00 };

	n = hotsync_padp_header_encode (&h, buf);
	g_assert_cmpuint (n, ==, 6);
	g_assert_true (hotsync_padp_header_parse (buf, n, &back, &hl, &error));
	g_assert_cmpuint (hl, ==, 6);
	g_assert_cmpuint (back.size, ==, 0x12345);
	/* Cut short by one byte. */
	g_assert_false (hotsync_padp_header_parse (buf, n - 1, &back, &hl, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_MALFORMED);
	g_clear_error (&error);
	h.flags = HOTSYNC_PADP_FLAG_FIRST;
	h.size = 0xffff;
	n = hotsync_padp_header_encode (&h, buf);
	g_assert_cmpuint (n, ==, 4);
	g_assert_true (hotsync_padp_header_parse (buf, n, &back, &hl, &error));
	g_assert_cmpuint (back.size, ==, 0xffff);
	g_assert_false (hotsync_padp_header_parse (buf, 3, &back, &hl, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_MALFORMED);
	g_clear_error (&error);
	g_assert_false (hotsync_padp_header_parse (bad_type, sizeof bad_type, &back, &hl, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_MALFORMED);
}

static void
test_long_form (void)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (HOTSYNC_PADP_MAX_MESSAGE_DEFAULT);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) out = NULL;
	g_auto (HotsyncSlpFrame) f = { 0 };
	HotsyncPadpHeader h;
	static const guint8 msg[] = { 1, 2, 3 };

	hotsync_padp_set_long_form (padp, TRUE);
	g_assert_true (hotsync_padp_send (padp, 5, msg, sizeof msg, 0, &error));
	out = hotsync_padp_pop_output (padp);
	parse_frame (out, &f, &h, NULL);
	g_assert_cmpuint (h.flags, ==, HOTSYNC_PADP_FLAG_FIRST | HOTSYNC_PADP_FLAG_LAST | HOTSYNC_PADP_FLAG_LONG);
	g_assert_cmpuint (h.size, ==, 3);
}

static void
test_retries_and_timeout (void)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (HOTSYNC_PADP_MAX_MESSAGE_DEFAULT);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) first = NULL;
	static const guint8 msg[] = { 0x10, 0x00 };
	gint64 now = 1000;

	g_assert_true (hotsync_padp_send (padp, 3, msg, sizeof msg, now, &error));
	first = hotsync_padp_pop_output (padp);
	g_assert_nonnull (first);
	g_assert_cmpint (hotsync_padp_get_deadline (padp), ==, now + HOTSYNC_PADP_ACK_TIMEOUT_US);
	/* Before the deadline nothing happens. */
	g_assert_true (hotsync_padp_handle_timeout (padp, now + HOTSYNC_PADP_ACK_TIMEOUT_US - 1, &error));
	g_assert_null (hotsync_padp_pop_output (padp));
	/* Exactly HOTSYNC_PADP_MAX_RETRIES retransmissions, byte-identical. */
	for (guint i = 0; i < HOTSYNC_PADP_MAX_RETRIES; i++) {
		g_autoptr (GBytes) again = NULL;

		now = hotsync_padp_get_deadline (padp);
		g_assert_true (hotsync_padp_handle_timeout (padp, now, &error));
		g_assert_no_error (error);
		again = hotsync_padp_pop_output (padp);
		g_assert_nonnull (again);
		g_assert_true (g_bytes_equal (again, first));
		g_assert_null (hotsync_padp_pop_output (padp));
	}
	now = hotsync_padp_get_deadline (padp);
	g_assert_false (hotsync_padp_handle_timeout (padp, now, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_TIMEOUT);
	g_assert_false (hotsync_padp_is_sending (padp));
	g_assert_null (hotsync_padp_pop_output (padp));
}

static void
test_custom_timing (void)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (64);
	g_autoptr (GError) error = NULL;
	static const guint8 msg[] = { 1 };

	hotsync_padp_set_timing (padp, 500, 0);
	g_assert_true (hotsync_padp_send (padp, 3, msg, 1, 0, &error));
	g_bytes_unref (hotsync_padp_pop_output (padp));
	g_assert_cmpint (hotsync_padp_get_deadline (padp), ==, 500);
	/* No retries allowed: the first timeout fails. */
	g_assert_false (hotsync_padp_handle_timeout (padp, 500, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_TIMEOUT);
}

static void
test_busy (void)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (64);
	g_autoptr (GError) error = NULL;
	static const guint8 msg[] = { 1 };

	g_assert_true (hotsync_padp_send (padp, 3, msg, 1, 0, &error));
	g_assert_false (hotsync_padp_send (padp, 4, msg, 1, 0, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_BUSY);
	g_clear_error (&error);
	/* An ack with another id does not count. */
	g_assert_true (deliver (padp, 9, HOTSYNC_PADP_TYPE_ACK, 0xc0, 1, NULL, 0, 0, &error));
	g_assert_true (hotsync_padp_is_sending (padp));
	g_assert_true (deliver (padp, 3, HOTSYNC_PADP_TYPE_ACK, 0xc0, 1, NULL, 0, 0, &error));
	g_assert_false (hotsync_padp_is_sending (padp));
}

static void
test_reply_counts_as_ack (void)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (HOTSYNC_PADP_MAX_MESSAGE_DEFAULT);
	g_autoptr (GError) error = NULL;
	static const guint8 req[] = { 0x10, 0x00 }, resp[] = { 0x90, 0x00, 0x00, 0x00 };
	g_autoptr (GBytes) got = NULL;
	guint8 xid = 0;

	g_assert_true (hotsync_padp_send (padp, 7, req, sizeof req, 0, &error));
	g_bytes_unref (hotsync_padp_pop_output (padp));
	/* The reply with our id arrives before any ack. */
	g_assert_true (deliver (padp, 7, HOTSYNC_PADP_TYPE_DATA, 0xc0, sizeof resp, resp, sizeof resp, 0, &error));
	g_assert_no_error (error);
	g_assert_false (hotsync_padp_is_sending (padp));
	got = hotsync_padp_pop_message (padp, &xid);
	g_assert_nonnull (got);
	g_assert_cmpuint (xid, ==, 7);
	g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), resp, sizeof resp);
}

static guint
count_acks (HotsyncPadp *padp, guint8 xid, guint8 flags, guint32 size)
{
	GBytes *out;
	guint n = 0;

	while ((out = hotsync_padp_pop_output (padp)) != NULL) {
		g_auto (HotsyncSlpFrame) f = { 0 };
		HotsyncPadpHeader h;

		parse_frame (out, &f, &h, NULL);
		g_bytes_unref (out);
		g_assert_cmpuint (h.type, ==, HOTSYNC_PADP_TYPE_ACK);
		g_assert_cmpuint (f.xid, ==, xid);
		g_assert_cmpuint (h.flags, ==, flags);
		g_assert_cmpuint (h.size, ==, size);
		n++;
	}
	return n;
}

static void
test_reassembly_and_duplicates (void)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (HOTSYNC_PADP_MAX_MESSAGE_DEFAULT);
	g_autoptr (GError) error = NULL;
	guint8 data[2500];
	g_autoptr (GBytes) got = NULL;
	guint8 xid;

	for (gsize i = 0; i < sizeof data; i++)
		data[i] = (guint8) (i ^ 0x5a);
	/* First fragment, long form as Palm OS devices send it; acked in the
	 * short form, as desktops do. */
	g_assert_true (deliver (padp, 0x21, 1, 0x90, sizeof data, data, 1024, 0, &error));
	g_assert_cmpuint (count_acks (padp, 0x21, 0xc0, sizeof data), ==, 1);
	/* Retransmitted: acked again, not appended. */
	g_assert_true (deliver (padp, 0x21, 1, 0x90, sizeof data, data, 1024, 0, &error));
	g_assert_cmpuint (count_acks (padp, 0x21, 0xc0, sizeof data), ==, 1);
	/* A tickle in between: ignored, not acked. */
	g_assert_true (deliver (padp, 0x21, HOTSYNC_PADP_TYPE_TICKLE, 0, 0, NULL, 0, 0, &error));
	g_assert_null (hotsync_padp_pop_output (padp));
	g_assert_true (deliver (padp, 0x21, 1, 0x10, 1024, data + 1024, 1024, 0, &error));
	g_assert_cmpuint (count_acks (padp, 0x21, 0xc0, 1024), ==, 1);
	g_assert_null (hotsync_padp_pop_message (padp, &xid));
	g_assert_true (deliver (padp, 0x21, 1, 0x50, 2048, data + 2048, sizeof data - 2048, 0, &error));
	g_assert_cmpuint (count_acks (padp, 0x21, 0xc0, 2048), ==, 1);
	got = hotsync_padp_pop_message (padp, &xid);
	g_assert_nonnull (got);
	g_assert_cmpuint (xid, ==, 0x21);
	g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), data, sizeof data);
	/* The last fragment again after completion: re-acked, no new message. */
	g_assert_true (deliver (padp, 0x21, 1, 0x50, 2048, data + 2048, sizeof data - 2048, 0, &error));
	g_assert_cmpuint (count_acks (padp, 0x21, 0xc0, 2048), ==, 1);
	g_assert_null (hotsync_padp_pop_message (padp, &xid));
}

static void
test_sequence_errors (void)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (HOTSYNC_PADP_MAX_MESSAGE_DEFAULT);
	g_autoptr (GError) error = NULL;
	guint8 data[2048] = { 0 };

	/* A middle fragment with no message started. */
	g_assert_false (deliver (padp, 1, 1, 0x00, 1024, data, 1024, 0, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_SEQUENCE);
	g_clear_error (&error);
	g_assert_null (hotsync_padp_pop_output (padp));
	/* A gap in the offsets. */
	g_assert_true (deliver (padp, 2, 1, 0x80, 3000, data, 1024, 0, &error));
	g_assert_cmpuint (count_acks (padp, 2, 0xc0, 3000), ==, 1);
	g_assert_false (deliver (padp, 2, 1, 0x00, 2000, data, 1000, 0, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_SEQUENCE);
	g_clear_error (&error);
	/* A last fragment that ends short of the total. */
	g_assert_false (deliver (padp, 2, 1, 0x40, 1024, data, 100, 0, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_SEQUENCE);
	g_clear_error (&error);
	/* A first fragment bigger than its total. */
	g_assert_false (deliver (padp, 3, 1, 0xc0, 10, data, 11, 0, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_SEQUENCE);
	g_clear_error (&error);
	/* Fragment data above 1024 bytes: N and N+1. */
	g_assert_true (deliver (padp, 4, 1, 0xc0, 1024, data, 1024, 0, &error));
	g_assert_no_error (error);
	g_assert_false (deliver (padp, 5, 1, 0xc0, 1025, data, 1025, 0, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_MALFORMED);
	g_clear_error (&error);
	/* Abort and memory errors. */
	g_assert_false (deliver (padp, 6, HOTSYNC_PADP_TYPE_ABORT, 0, 0, NULL, 0, 0, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_ABORTED);
	g_clear_error (&error);
	g_assert_false (deliver (padp, 7, 1, 0xe0, 1, data, 1, 0, &error));
	g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_MEMORY);
}

static void
test_message_limit (void)
{
	for (int over = 0; over < 2; over++) {
		g_autoptr (HotsyncPadp) padp = hotsync_padp_new (5000);
		g_autoptr (GError) error = NULL;
		guint8 data[16] = { 0 };
		gboolean ok = deliver (padp, 1, 1, 0x90, 5000 + over, data, sizeof data, 0, &error);

		g_assert_cmpint (ok, ==, !over);
		if (over)
			g_assert_error (error, HOTSYNC_PADP_ERROR, HOTSYNC_PADP_ERROR_TOO_LONG);
	}
}

static void
test_non_padp_ignored (void)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (64);
	g_autoptr (GError) error = NULL;
	g_auto (HotsyncSlpFrame) loop = { 3, 3, HOTSYNC_SLP_TYPE_LOOPBACK, 0, NULL };

	loop.body = g_bytes_new (NULL, 0);
	g_assert_true (hotsync_padp_receive_frame (padp, &loop, 0, &error));
	g_assert_null (hotsync_padp_pop_output (padp));
	g_assert_null (hotsync_padp_pop_message (padp, NULL));
}

static void
test_xids (void)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (64);
	guint8 prev = 0;

	for (guint i = 0; i < 600; i++) {
		guint8 x = hotsync_padp_next_xid (padp);

		g_assert_cmpuint (x, !=, 0);
		g_assert_cmpuint (x, !=, 0xff);
		g_assert_cmpuint (x, ==, prev == 0xfe ? 1 : prev + 1);
		prev = x;
	}
}

static void
test_tickle (void)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (64);
	g_autoptr (GBytes) out = NULL;
	g_auto (HotsyncSlpFrame) f = { 0 };
	HotsyncPadpHeader h;

	hotsync_padp_tickle (padp, 9);
	out = hotsync_padp_pop_output (padp);
	parse_frame (out, &f, &h, NULL);
	g_assert_cmpuint (h.type, ==, HOTSYNC_PADP_TYPE_TICKLE);
	g_assert_cmpuint (f.xid, ==, 9);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/hotsync/padp/header", test_header);
	g_test_add_func ("/hotsync/padp/fragmentation", test_fragmentation);
	g_test_add_func ("/hotsync/padp/long-form", test_long_form);
	g_test_add_func ("/hotsync/padp/retries-and-timeout", test_retries_and_timeout);
	g_test_add_func ("/hotsync/padp/custom-timing", test_custom_timing);
	g_test_add_func ("/hotsync/padp/busy", test_busy);
	g_test_add_func ("/hotsync/padp/reply-counts-as-ack", test_reply_counts_as_ack);
	g_test_add_func ("/hotsync/padp/reassembly-and-duplicates", test_reassembly_and_duplicates);
	g_test_add_func ("/hotsync/padp/sequence-errors", test_sequence_errors);
	g_test_add_func ("/hotsync/padp/message-limit", test_message_limit);
	g_test_add_func ("/hotsync/padp/non-padp-ignored", test_non_padp_ignored);
	g_test_add_func ("/hotsync/padp/xids", test_xids);
	g_test_add_func ("/hotsync/padp/tickle", test_tickle);
	return g_test_run ();
}
