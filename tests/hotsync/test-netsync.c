/* NetSync framing: round trips, splits, limits, bad headers. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-netsync.h"

/* Feeds data in chunks of the given sizes (cycled); returns the frames as
 * re-encoded datagrams, or NULL on a decoder error (set in *error). */
static GPtrArray *
feed_all (HotsyncNetsyncDecoder *dec, const guint8 *data, gsize len, const gsize *chunks, gsize n_chunks, GError **error)
{
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	gsize off = 0, c = 0;

	while (off < len) {
		gsize want = chunks[c++ % n_chunks];
		gsize n = MIN (want, len - off);

		while (n > 0) {
			g_auto (HotsyncNetsyncFrame) f = { 0 };
			gsize used = 0;

			if (!hotsync_netsync_decoder_feed (dec, data + off, n, &used, &f, error))
				return NULL;
			off += used;
			n -= used;
			if (f.payload != NULL)
				g_ptr_array_add (out, hotsync_netsync_encode (f.type, f.xid, g_bytes_get_data (f.payload, NULL),
				                                              g_bytes_get_size (f.payload)));
		}
	}
	return g_steal_pointer (&out);
}

static GBytes *
make_stream (guint n_frames, GPtrArray *frames)
{
	GByteArray *a = g_byte_array_new ();
	g_autoptr (GRand) rand = g_rand_new_with_seed (1234);

	for (guint i = 0; i < n_frames; i++) {
		gsize len = i == 0 ? 0 : (gsize) g_rand_int_range (rand, 0, 5000);
		g_autofree guint8 *payload = g_malloc (len + 1);
		GBytes *f;

		for (gsize j = 0; j < len; j++)
			payload[j] = (guint8) g_rand_int (rand);
		f = hotsync_netsync_encode (i % 5 == 4 ? HOTSYNC_NETSYNC_TYPE_TICKLE : HOTSYNC_NETSYNC_TYPE_DATA,
		                            (guint8) i, payload, i % 5 == 4 ? 0 : len);
		g_byte_array_append (a, g_bytes_get_data (f, NULL), (guint) g_bytes_get_size (f));
		g_ptr_array_add (frames, f);
	}
	return g_byte_array_free_to_bytes (a);
}

static void
assert_frames (GPtrArray *got, GPtrArray *want)
{
	g_assert_nonnull (got);
	g_assert_cmpuint (got->len, ==, want->len);
	for (guint i = 0; i < got->len; i++)
		g_assert_true (g_bytes_equal (g_ptr_array_index (got, i), g_ptr_array_index (want, i)));
}

static void
test_splits (void)
{
	g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	g_autoptr (GBytes) stream = make_stream (40, want);
	gsize len;
	const guint8 *data = g_bytes_get_data (stream, &len);
	g_autoptr (GRand) rand = g_rand_new_with_seed (99);
	static const gsize whole[] = { G_MAXSIZE }, one[] = { 1 }, odd[] = { 5, 1, 7, 4096, 3 };

	for (int round = 0; round < 23; round++) {
		g_autoptr (HotsyncNetsyncDecoder) dec = hotsync_netsync_decoder_new (HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT, FALSE);
		g_autoptr (GError) error = NULL;
		g_autoptr (GPtrArray) got = NULL;
		gsize random_chunks[16];

		for (int i = 0; i < 16; i++)
			random_chunks[i] = (gsize) g_rand_int_range (rand, 1, 3000);
		if (round == 0)
			got = feed_all (dec, data, len, whole, 1, &error);
		else if (round == 1)
			got = feed_all (dec, data, len, one, 1, &error);
		else if (round == 2)
			got = feed_all (dec, data, len, odd, G_N_ELEMENTS (odd), &error);
		else
			got = feed_all (dec, data, len, random_chunks, 16, &error);
		g_assert_no_error (error);
		assert_frames (got, want);
		g_assert_true (hotsync_netsync_decoder_is_idle (dec));
	}
}

static void
test_truncated_waits (void)
{
	static const guint8 payload[] = { 0x90, 0x01, 0x02 };
	g_autoptr (GBytes) f = hotsync_netsync_encode (1, 0xff, payload, sizeof payload);
	g_autoptr (HotsyncNetsyncDecoder) dec = hotsync_netsync_decoder_new (16, FALSE);
	g_autoptr (GError) error = NULL;
	g_auto (HotsyncNetsyncFrame) frame = { 0 };
	gsize len, used;
	const guint8 *data = g_bytes_get_data (f, &len);

	/* Everything but the last byte: no frame yet. */
	g_assert_true (hotsync_netsync_decoder_feed (dec, data, len - 1, &used, &frame, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (used, ==, len - 1);
	g_assert_null (frame.payload);
	g_assert_false (hotsync_netsync_decoder_is_idle (dec));
	g_assert_true (hotsync_netsync_decoder_feed (dec, data + len - 1, 1, &used, &frame, &error));
	g_assert_nonnull (frame.payload);
	g_assert_cmpuint (frame.xid, ==, 0xff);
	g_assert_cmpmem (g_bytes_get_data (frame.payload, NULL), g_bytes_get_size (frame.payload), payload, sizeof payload);
}

static gboolean
feed_header (gsize max, guint8 type, guint32 len, GError **error)
{
	g_autoptr (HotsyncNetsyncDecoder) dec = hotsync_netsync_decoder_new (max, FALSE);
	g_auto (HotsyncNetsyncFrame) frame = { 0 };
	guint8 h[HOTSYNC_NETSYNC_HEADER_LEN];
	gsize used;

	hotsync_netsync_encode_header (type, 1, len, h);
	return hotsync_netsync_decoder_feed (dec, h, sizeof h, &used, &frame, error);
}

static void
test_limit (void)
{
	g_autoptr (GError) error = NULL;

	/* N is accepted (waiting for the payload), N+1 refused. */
	g_assert_true (feed_header (1000, HOTSYNC_NETSYNC_TYPE_DATA, 1000, &error));
	g_assert_no_error (error);
	g_assert_false (feed_header (1000, HOTSYNC_NETSYNC_TYPE_DATA, 1001, &error));
	g_assert_error (error, HOTSYNC_NETSYNC_ERROR, HOTSYNC_NETSYNC_ERROR_TOO_LONG);
	g_clear_error (&error);
	/* The default limit, at N and N+1. */
	g_assert_true (feed_header (HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT, 1, HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT, &error));
	g_assert_no_error (error);
	g_assert_false (feed_header (HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT, 1, HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT + 1, &error));
	g_assert_error (error, HOTSYNC_NETSYNC_ERROR, HOTSYNC_NETSYNC_ERROR_TOO_LONG);
	g_clear_error (&error);
	g_assert_false (feed_header (HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT, 1, G_MAXUINT32, &error));
	g_assert_error (error, HOTSYNC_NETSYNC_ERROR, HOTSYNC_NETSYNC_ERROR_TOO_LONG);
}

static void
test_bad_type_sticks (void)
{
	g_autoptr (HotsyncNetsyncDecoder) dec = hotsync_netsync_decoder_new (100, FALSE);
	g_autoptr (GError) error = NULL;
	g_auto (HotsyncNetsyncFrame) frame = { 0 };
	static const guint8 bad[] = { 0x03, 0x01, 0, 0, 0, 0 };
	static const guint8 good[] = { 0x01, 0x01, 0, 0, 0, 0 };
	gsize used;

	for (guint8 t = 0; t < 5; t++) {
		g_autoptr (GError) e = NULL;
		gboolean ok = feed_header (100, t, 0, &e);

		/* Only data (1) and tickle (2) exist. */
		g_assert_cmpint (ok, ==, t == 1 || t == 2);
		if (!ok)
			g_assert_error (e, HOTSYNC_NETSYNC_ERROR, HOTSYNC_NETSYNC_ERROR_BAD_TYPE);
	}
	g_assert_false (hotsync_netsync_decoder_feed (dec, bad, sizeof bad, &used, &frame, &error));
	g_assert_error (error, HOTSYNC_NETSYNC_ERROR, HOTSYNC_NETSYNC_ERROR_BAD_TYPE);
	g_clear_error (&error);
	/* A failed decoder stays failed: no resynchronisation without checksums. */
	g_assert_false (hotsync_netsync_decoder_feed (dec, good, sizeof good, &used, &frame, &error));
	g_assert_error (error, HOTSYNC_NETSYNC_ERROR, HOTSYNC_NETSYNC_ERROR_FAILED);
}

static void
test_empty_payload (void)
{
	g_autoptr (HotsyncNetsyncDecoder) dec = hotsync_netsync_decoder_new (0, FALSE);
	g_autoptr (GError) error = NULL;
	g_auto (HotsyncNetsyncFrame) frame = { 0 };
	guint8 h[HOTSYNC_NETSYNC_HEADER_LEN * 2];
	gsize used;

	hotsync_netsync_encode_header (HOTSYNC_NETSYNC_TYPE_TICKLE, 7, 0, h);
	hotsync_netsync_encode_header (HOTSYNC_NETSYNC_TYPE_DATA, 8, 0, h + HOTSYNC_NETSYNC_HEADER_LEN);
	g_assert_true (hotsync_netsync_decoder_feed (dec, h, sizeof h, &used, &frame, &error));
	g_assert_cmpuint (used, ==, HOTSYNC_NETSYNC_HEADER_LEN);
	g_assert_cmpuint (frame.type, ==, HOTSYNC_NETSYNC_TYPE_TICKLE);
	g_assert_cmpuint (frame.xid, ==, 7);
	g_assert_cmpuint (g_bytes_get_size (frame.payload), ==, 0);
	hotsync_netsync_frame_clear (&frame);
	g_assert_true (hotsync_netsync_decoder_feed (dec, h + used, sizeof h - used, &used, &frame, &error));
	g_assert_cmpuint (frame.xid, ==, 8);
	g_assert_true (hotsync_netsync_decoder_is_idle (dec));
}

static void
test_headerless_hello (void)
{
	guint8 hello[HOTSYNC_NETSYNC_HELLO_LEN] = { 0x90, 0x01 };
	g_autoptr (GError) error = NULL;

	for (int allow = 0; allow < 2; allow++) {
		g_autoptr (HotsyncNetsyncDecoder) dec = hotsync_netsync_decoder_new (100, allow);
		g_auto (HotsyncNetsyncFrame) frame = { 0 };
		gsize used;
		gboolean ok = hotsync_netsync_decoder_feed (dec, hello, sizeof hello, &used, &frame, &error);

		if (!allow) {
			/* 0x90 is no NetSync type. */
			g_assert_false (ok);
			g_assert_error (error, HOTSYNC_NETSYNC_ERROR, HOTSYNC_NETSYNC_ERROR_BAD_TYPE);
			g_clear_error (&error);
			continue;
		}
		g_assert_true (ok);
		g_assert_cmpuint (used, ==, sizeof hello);
		g_assert_nonnull (frame.payload);
		g_assert_cmpuint (frame.xid, ==, 0xff);
		g_assert_cmpmem (g_bytes_get_data (frame.payload, NULL), g_bytes_get_size (frame.payload), hello, sizeof hello);
	}
}

static void
test_accept_blobs (void)
{
	g_assert_cmpuint (hotsync_netsync_accept1 ()[0], ==, 0x12);
	g_assert_cmpuint (hotsync_netsync_accept1 ()[1], ==, 0x01);
	g_assert_cmpuint (hotsync_netsync_accept2 ()[0], ==, 0x13);
	g_assert_cmpuint (hotsync_netsync_accept2 ()[1], ==, 0x01);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/hotsync/netsync/splits", test_splits);
	g_test_add_func ("/hotsync/netsync/truncated-waits", test_truncated_waits);
	g_test_add_func ("/hotsync/netsync/limit", test_limit);
	g_test_add_func ("/hotsync/netsync/bad-type-sticks", test_bad_type_sticks);
	g_test_add_func ("/hotsync/netsync/empty-payload", test_empty_payload);
	g_test_add_func ("/hotsync/netsync/headerless-hello", test_headerless_hello);
	g_test_add_func ("/hotsync/netsync/accept-blobs", test_accept_blobs);
	return g_test_run ();
}
