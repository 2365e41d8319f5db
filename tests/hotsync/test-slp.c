/* SLP framing: CRC, round trips, splits, resynchronisation, limits. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-slp.h"

typedef struct {
	HotsyncSlpEventType type;
	GBytes *frame;   /* re-encoded, for FRAME events */
} Ev;

static void
ev_free (gpointer p)
{
	Ev *e = p;

	g_clear_pointer (&e->frame, g_bytes_unref);
	g_free (e);
}

/* Events from feeding data in chunks of the given sizes (cycled). */
static GPtrArray *
feed_all (gsize max_body, const guint8 *data, gsize len, const gsize *chunks, gsize n_chunks)
{
	g_autoptr (HotsyncSlpDecoder) dec = hotsync_slp_decoder_new (max_body);
	GPtrArray *out = g_ptr_array_new_with_free_func (ev_free);
	gsize off = 0, c = 0;

	while (off < len) {
		gsize want = chunks[c++ % n_chunks];
		gsize n = MIN (want, len - off);

		for (;;) {
			g_auto (HotsyncSlpEvent) ev = { 0 };
			gsize used = hotsync_slp_decoder_feed (dec, data + off, n, &ev);
			Ev *e;

			g_assert_cmpuint (used, <=, n);
			off += used;
			n -= used;
			if (ev.type == HOTSYNC_SLP_EVENT_NONE) {
				g_assert_cmpuint (n, ==, 0);
				break;
			}
			e = g_new0 (Ev, 1);
			e->type = ev.type;
			if (ev.type == HOTSYNC_SLP_EVENT_FRAME)
				e->frame = hotsync_slp_encode (ev.frame.dest, ev.frame.src, ev.frame.type, ev.frame.xid,
				                               g_bytes_get_data (ev.frame.body, NULL),
				                               g_bytes_get_size (ev.frame.body));
			else
				g_assert_null (ev.frame.body);
			g_ptr_array_add (out, e);
		}
	}
	return out;
}

static void
assert_same_events (GPtrArray *a, GPtrArray *b)
{
	g_assert_cmpuint (a->len, ==, b->len);
	for (guint i = 0; i < a->len; i++) {
		Ev *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

		g_assert_cmpint (x->type, ==, y->type);
		g_assert_true ((x->frame == NULL) == (y->frame == NULL));
		if (x->frame != NULL)
			g_assert_true (g_bytes_equal (x->frame, y->frame));
	}
}

static void
test_crc (void)
{
	/* The CRC-16/XMODEM check value. */
	g_assert_cmphex (hotsync_crc16 (0, (const guint8 *) "123456789", 9), ==, 0x31c3);
	g_assert_cmphex (hotsync_crc16 (0, NULL, 0), ==, 0);
	/* Continuation gives the same as one pass. */
	g_assert_cmphex (hotsync_crc16 (hotsync_crc16 (0, (const guint8 *) "1234", 4), (const guint8 *) "56789", 5), ==, 0x31c3);
}

static void
test_encode_layout (void)
{
	static const guint8 body[] = { 0x02, 0xc0, 0x00, 0x0a };
	/* A PADP ack the desktop sent in no-op-test.serial-net.json. */
	static const guint8 recorded[] = { 0xbe, 0xef, 0xed, 0x03, 0x03, 0x02, 0x00, 0x04, 0xff, 0xa5,
	                                   0x02, 0xc0, 0x00, 0x0a, 0x1a, 0x85 };
	g_autoptr (GBytes) f = hotsync_slp_encode (3, 3, HOTSYNC_SLP_TYPE_PADP, 0xff, body, sizeof body);

	g_assert_cmpmem (g_bytes_get_data (f, NULL), g_bytes_get_size (f), recorded, sizeof recorded);
}

/* A stream of good frames with garbage, a bad header checksum, a bad CRC
 * and an oversize frame in between. */
static GBytes *
make_stream (GPtrArray *expected)
{
	GByteArray *a = g_byte_array_new ();
	g_autoptr (GRand) rand = g_rand_new_with_seed (5);

	for (guint i = 0; i < 60; i++) {
		gsize len = (gsize) g_rand_int_range (rand, 0, 200);
		g_autofree guint8 *body = g_malloc (len + 1);
		g_autoptr (GBytes) f = NULL;
		guint8 *copy;
		gsize n;
		Ev *e = g_new0 (Ev, 1);

		for (gsize j = 0; j < len; j++)
			body[j] = (guint8) g_rand_int (rand);
		f = hotsync_slp_encode (3, 3, (guint8) (i % 4), (guint8) i, body, len);
		n = g_bytes_get_size (f);
		copy = g_memdup2 (g_bytes_get_data (f, NULL), n);
		e->type = HOTSYNC_SLP_EVENT_FRAME;
		switch (i % 6) {
		case 1: /* garbage before the frame, including a lone BE */
			g_byte_array_append (a, (const guint8 *) "\x00\xbe\x11\xbe\xef\x42", 6);
			break;
		case 2:
			copy[9] ^= 0x01;   /* header checksum */
			e->type = HOTSYNC_SLP_EVENT_BAD_HEADER;
			break;
		case 3:
			copy[n - 1] ^= 0x80;   /* CRC */
			e->type = HOTSYNC_SLP_EVENT_BAD_CRC;
			break;
		default:
			break;
		}
		g_byte_array_append (a, copy, (guint) n);
		g_free (copy);
		if (e->type == HOTSYNC_SLP_EVENT_FRAME)
			e->frame = g_bytes_ref (f);
		/* After a bad header the rest of that frame is skipped as
		 * garbage: nothing else is reported for it. */
		g_ptr_array_add (expected, e);
	}
	return g_byte_array_free_to_bytes (a);
}

static void
test_stream_splits (void)
{
	g_autoptr (GPtrArray) expected = g_ptr_array_new_with_free_func (ev_free);
	g_autoptr (GBytes) stream = make_stream (expected);
	gsize len;
	const guint8 *data = g_bytes_get_data (stream, &len);
	static const gsize whole[] = { G_MAXSIZE }, one[] = { 1 }, odd[] = { 3, 1, 11, 2, 97 };
	g_autoptr (GPtrArray) a = feed_all (HOTSYNC_SLP_MAX_BODY_DEFAULT, data, len, whole, 1);
	g_autoptr (GPtrArray) b = feed_all (HOTSYNC_SLP_MAX_BODY_DEFAULT, data, len, one, 1);
	g_autoptr (GPtrArray) c = feed_all (HOTSYNC_SLP_MAX_BODY_DEFAULT, data, len, odd, G_N_ELEMENTS (odd));
	g_autoptr (GRand) rand = g_rand_new_with_seed (77);

	assert_same_events (a, expected);
	assert_same_events (b, expected);
	assert_same_events (c, expected);
	for (int round = 0; round < 20; round++) {
		gsize chunks[8];
		g_autoptr (GPtrArray) r = NULL;

		for (int i = 0; i < 8; i++)
			chunks[i] = (gsize) g_rand_int_range (rand, 1, 600);
		r = feed_all (HOTSYNC_SLP_MAX_BODY_DEFAULT, data, len, chunks, 8);
		assert_same_events (r, expected);
	}
}

static void
test_truncated_waits (void)
{
	static const guint8 body[] = { 1, 2, 3 };
	g_autoptr (GBytes) f = hotsync_slp_encode (3, 3, 2, 9, body, sizeof body);
	g_autoptr (HotsyncSlpDecoder) dec = hotsync_slp_decoder_new (16);
	g_auto (HotsyncSlpEvent) ev = { 0 };
	gsize len;
	const guint8 *data = g_bytes_get_data (f, &len);

	g_assert_cmpuint (hotsync_slp_decoder_feed (dec, data, len - 1, &ev), ==, len - 1);
	g_assert_cmpint (ev.type, ==, HOTSYNC_SLP_EVENT_NONE);
	g_assert_cmpuint (hotsync_slp_decoder_feed (dec, data + len - 1, 1, &ev), ==, 1);
	g_assert_cmpint (ev.type, ==, HOTSYNC_SLP_EVENT_FRAME);
	g_assert_cmpuint (ev.frame.xid, ==, 9);
	g_assert_cmpuint (ev.frame.type, ==, 2);
	g_assert_cmpmem (g_bytes_get_data (ev.frame.body, NULL), g_bytes_get_size (ev.frame.body), body, sizeof body);
	g_assert_cmpuint (hotsync_slp_decoder_get_skipped (dec), ==, 0);
}

static HotsyncSlpEventType
first_event (gsize max_body, gsize body_len)
{
	g_autofree guint8 *body = g_malloc0 (body_len + 1);
	g_autoptr (GBytes) f = hotsync_slp_encode (3, 3, 2, 1, body, body_len);
	g_autoptr (HotsyncSlpDecoder) dec = hotsync_slp_decoder_new (max_body);
	g_auto (HotsyncSlpEvent) ev = { 0 };

	hotsync_slp_decoder_feed (dec, g_bytes_get_data (f, NULL), g_bytes_get_size (f), &ev);
	return ev.type;
}

static void
test_limit (void)
{
	g_assert_cmpint (first_event (100, 100), ==, HOTSYNC_SLP_EVENT_FRAME);
	g_assert_cmpint (first_event (100, 101), ==, HOTSYNC_SLP_EVENT_TOO_LONG);
	g_assert_cmpint (first_event (HOTSYNC_SLP_MAX_BODY_DEFAULT, HOTSYNC_SLP_MAX_BODY_DEFAULT), ==, HOTSYNC_SLP_EVENT_FRAME);
	g_assert_cmpint (first_event (HOTSYNC_SLP_MAX_BODY_DEFAULT, HOTSYNC_SLP_MAX_BODY_DEFAULT + 1), ==, HOTSYNC_SLP_EVENT_TOO_LONG);
	g_assert_cmpint (first_event (0, 0), ==, HOTSYNC_SLP_EVENT_FRAME);
	g_assert_cmpint (first_event (0, 1), ==, HOTSYNC_SLP_EVENT_TOO_LONG);
}

/* A false signature inside the bytes of a rejected header is found again. */
static void
test_resync_inside_header (void)
{
	static const guint8 body[] = { 0x42 };
	g_autoptr (GBytes) good = hotsync_slp_encode (3, 3, 2, 5, body, sizeof body);
	g_autoptr (GByteArray) a = g_byte_array_new ();
	g_autoptr (HotsyncSlpDecoder) dec = hotsync_slp_decoder_new (HOTSYNC_SLP_MAX_BODY_DEFAULT);
	static const guint8 fake[] = { 0xbe, 0xef, 0xed, 0x03 };
	g_auto (HotsyncSlpEvent) ev = { 0 };
	gsize off = 0, used;

	/* A fake signature whose "header" swallows the start of a real frame. */
	g_byte_array_append (a, fake, sizeof fake);
	g_byte_array_append (a, g_bytes_get_data (good, NULL), (guint) g_bytes_get_size (good));
	used = hotsync_slp_decoder_feed (dec, a->data, a->len, &ev);
	g_assert_cmpint (ev.type, ==, HOTSYNC_SLP_EVENT_BAD_HEADER);
	off += used;
	hotsync_slp_event_clear (&ev);
	used = hotsync_slp_decoder_feed (dec, a->data + off, a->len - off, &ev);
	g_assert_cmpint (ev.type, ==, HOTSYNC_SLP_EVENT_FRAME);
	g_assert_cmpuint (ev.frame.xid, ==, 5);
	off += used;
	g_assert_cmpuint (off, ==, a->len);
	g_assert_cmpuint (hotsync_slp_decoder_get_skipped (dec), ==, sizeof fake);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/hotsync/slp/crc", test_crc);
	g_test_add_func ("/hotsync/slp/encode-layout", test_encode_layout);
	g_test_add_func ("/hotsync/slp/stream-splits", test_stream_splits);
	g_test_add_func ("/hotsync/slp/truncated-waits", test_truncated_waits);
	g_test_add_func ("/hotsync/slp/limit", test_limit);
	g_test_add_func ("/hotsync/slp/resync-inside-header", test_resync_inside_header);
	return g_test_run ();
}
