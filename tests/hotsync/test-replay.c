/* Replays the 13 HotSync sessions recorded from real handhelds (POSE over
 * serial, network HotSync, a Sony CLIÉ over USB) through the framing layers
 * and the DLP codec: every frame decodes in any split, every request is a
 * known command with valid arguments and re-encodes to its recorded bytes,
 * and every response decodes as the answer to its request. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-cmp.h"
#include "hotsync/hotsync-dlp.h"
#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-link.h"
#include "hotsync/hotsync-netsync.h"
#include "hotsync/hotsync-padp.h"
#include "hotsync/hotsync-records.h"
#include "hotsync/hotsync-slp.h"
#include "tests/hotsync/recording.h"

typedef struct {
	guint8 xid;
	GBytes *data;
} Msg;

static void
msg_free (gpointer p)
{
	Msg *m = p;

	g_bytes_unref (m->data);
	g_free (m);
}

static Msg *
msg_new (guint8 xid, GBytes *data)
{
	Msg *m = g_new0 (Msg, 1);

	m->xid = xid;
	m->data = data;
	return m;
}

typedef enum { SPLIT_EVENTS, SPLIT_BYTES, SPLIT_RANDOM } SplitMode;

/* Chunk sizes for feeding a stream: as recorded, one byte at a time, or
 * random sizes from a fixed seed. */
static GArray *
chunk_sizes (GPtrArray *events, gboolean reads, gsize total, SplitMode mode, guint32 seed)
{
	GArray *sizes = g_array_new (FALSE, FALSE, sizeof (gsize));
	g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
	gsize done = 0;

	if (mode == SPLIT_EVENTS) {
		for (guint i = 0; i < events->len; i++) {
			RecordingEvent *e = g_ptr_array_index (events, i);
			gsize n = g_bytes_get_size (e->data);

			if (e->is_read == reads)
				g_array_append_val (sizes, n);
		}
		return sizes;
	}
	while (done < total) {
		gsize n = mode == SPLIT_BYTES ? 1 : (gsize) g_rand_int_range (rand, 1, 2000);

		n = MIN (n, total - done);
		g_array_append_val (sizes, n);
		done += n;
	}
	return sizes;
}

/* NetSync frames of one direction as Msg (payloads). */
static GPtrArray *
decode_netsync (const guint8 *data, gsize len, GArray *sizes)
{
	g_autoptr (HotsyncNetsyncDecoder) dec = hotsync_netsync_decoder_new (HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT, FALSE);
	GPtrArray *frames = g_ptr_array_new_with_free_func (msg_free);
	gsize off = 0;

	for (guint i = 0; i < sizes->len; i++) {
		gsize n = g_array_index (sizes, gsize, i);

		while (n > 0) {
			g_auto (HotsyncNetsyncFrame) frame = { 0 };
			g_autoptr (GError) error = NULL;
			gsize used = 0;

			g_assert_true (hotsync_netsync_decoder_feed (dec, data + off, n, &used, &frame, &error));
			g_assert_no_error (error);
			off += used;
			n -= used;
			if (frame.payload != NULL) {
				g_assert_cmpuint (frame.type, ==, HOTSYNC_NETSYNC_TYPE_DATA);
				g_ptr_array_add (frames, msg_new (frame.xid, g_steal_pointer (&frame.payload)));
			}
		}
	}
	g_assert_cmpuint (off, ==, len);
	g_assert_true (hotsync_netsync_decoder_is_idle (dec));
	return frames;
}

/* SLP frames of one direction, serialised for comparison; bad frames fail. */
static GPtrArray *
decode_slp (const guint8 *data, gsize len, GArray *sizes, GPtrArray *out_frames)
{
	g_autoptr (HotsyncSlpDecoder) dec = hotsync_slp_decoder_new (HOTSYNC_SLP_MAX_BODY_DEFAULT);
	GPtrArray *flat = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	gsize off = 0;

	for (guint i = 0; i < sizes->len; i++) {
		gsize n = g_array_index (sizes, gsize, i);

		for (;;) {
			g_auto (HotsyncSlpEvent) ev = { 0 };
			gsize used = hotsync_slp_decoder_feed (dec, data + off, n, &ev);

			off += used;
			n -= used;
			if (ev.type == HOTSYNC_SLP_EVENT_NONE)
				break;
			g_assert_cmpint (ev.type, ==, HOTSYNC_SLP_EVENT_FRAME);
			g_ptr_array_add (flat, hotsync_slp_encode (ev.frame.dest, ev.frame.src, ev.frame.type,
			                                           ev.frame.xid, g_bytes_get_data (ev.frame.body, NULL),
			                                           g_bytes_get_size (ev.frame.body)));
			if (out_frames != NULL) {
				HotsyncSlpFrame *copy = g_new0 (HotsyncSlpFrame, 1);

				*copy = ev.frame;
				ev.frame.body = NULL;
				g_ptr_array_add (out_frames, copy);
			}
		}
	}
	g_assert_cmpuint (off, ==, len);
	g_assert_cmpuint (hotsync_slp_decoder_get_skipped (dec), ==, 0);
	return flat;
}

static void
slp_frame_free (gpointer p)
{
	hotsync_slp_frame_clear (p);
	g_free (p);
}

static void
assert_same_messages (GPtrArray *a, GPtrArray *b)
{
	g_assert_cmpuint (a->len, ==, b->len);
	for (guint i = 0; i < a->len; i++) {
		Msg *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

		g_assert_cmpuint (x->xid, ==, y->xid);
		g_assert_true (g_bytes_equal (x->data, y->data));
	}
}

static void
assert_same_bytes_list (GPtrArray *a, GPtrArray *b)
{
	g_assert_cmpuint (a->len, ==, b->len);
	for (guint i = 0; i < a->len; i++)
		g_assert_true (g_bytes_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)));
}

/* Reassembled PADP messages of one direction. */
static GPtrArray *
padp_messages (GPtrArray *frames, guint *out_duplicates)
{
	g_autoptr (HotsyncPadp) padp = hotsync_padp_new (HOTSYNC_PADP_MAX_MESSAGE_DEFAULT);
	GPtrArray *msgs = g_ptr_array_new_with_free_func (msg_free);
	guint data_frames = 0, acks = 0;

	for (guint i = 0; i < frames->len; i++) {
		HotsyncSlpFrame *f = g_ptr_array_index (frames, i);
		g_autoptr (GError) error = NULL;
		GBytes *m, *out;
		guint8 xid;

		if (f->type == HOTSYNC_SLP_TYPE_PADP && g_bytes_get_size (f->body) > 0 &&
		    ((const guint8 *) g_bytes_get_data (f->body, NULL))[0] == HOTSYNC_PADP_TYPE_DATA)
			data_frames++;
		g_assert_true (hotsync_padp_receive_frame (padp, f, 0, &error));
		g_assert_no_error (error);
		while ((out = hotsync_padp_pop_output (padp)) != NULL) {
			acks++;
			g_bytes_unref (out);
		}
		while ((m = hotsync_padp_pop_message (padp, &xid)) != NULL)
			g_ptr_array_add (msgs, msg_new (xid, m));
	}
	/* Every data fragment, duplicate or not, was acked exactly once. */
	g_assert_cmpuint (acks, ==, data_frames);
	*out_duplicates = data_frames;
	return msgs;
}

static char *
hex (GBytes *b)
{
	gsize n;
	const guint8 *d = g_bytes_get_data (b, &n);
	GString *s = g_string_new (NULL);

	for (gsize i = 0; i < n; i++)
		g_string_append_printf (s, "%02x", d[i]);
	return g_string_free (s, FALSE);
}

typedef struct {
	guint requests;
	guint responses_typed;
	guint not_found;
	guint app_blocks;
	guint memos;
	gboolean hello_world;
	gboolean unfiled;
} Counts;

/* Every AppInfo block and record the recordings read is MemoDB's: they
 * must decode with the record codecs. */
static void
check_records (const HotsyncDlpResponse *resp, Counts *counts)
{
	g_autoptr (GError) error = NULL;

	if (resp->error != HOTSYNC_DLP_STATUS_NONE || resp->data == NULL)
		return;
	if (resp->cmd == HOTSYNC_DLP_CMD_READ_APP_BLOCK) {
		g_autoptr (HotsyncMemoAppInfo) info = hotsync_memo_app_info_decode (g_bytes_get_data (resp->data, NULL),
		                                                                    g_bytes_get_size (resp->data), &error);

		g_assert_no_error (error);
		for (int i = 0; i < HOTSYNC_CATEGORY_COUNT; i++)
			g_assert_true (g_utf8_validate (info->categories.names[i], -1, NULL));
		if (g_strcmp0 (info->categories.names[0], "Unfiled") == 0)
			counts->unfiled = TRUE;
		counts->app_blocks++;
	} else if (resp->cmd == HOTSYNC_DLP_CMD_READ_RECORD || resp->cmd == HOTSYNC_DLP_CMD_READ_NEXT_MODIFIED_REC) {
		g_autofree char *text = hotsync_memo_decode (g_bytes_get_data (resp->data, NULL),
		                                             g_bytes_get_size (resp->data), &error);

		g_assert_no_error (error);
		g_assert_true (g_utf8_validate (text, -1, NULL));
		if (g_strcmp0 (text, "Hello, world!") == 0)
			counts->hello_world = TRUE;
		counts->memos++;
	}
}

static void
check_dlp_pair (Msg *req_msg, Msg *resp_msg, Counts *counts)
{
	g_autoptr (GError) error = NULL;
	gsize len;
	const guint8 *data = g_bytes_get_data (req_msg->data, &len);
	g_autoptr (HotsyncDlpRequest) req = hotsync_dlp_request_decode (data, len, NULL, &error);
	g_autoptr (GBytes) again = NULL;
	g_autoptr (HotsyncDlpResponse) resp = NULL;

	g_assert_no_error (error);
	g_assert_nonnull (hotsync_dlp_command_name (req->cmd));
	again = hotsync_dlp_request_encode (req);
	g_assert_true (g_bytes_equal (again, req_msg->data));
	counts->requests++;

	g_assert_cmpuint (resp_msg->xid, ==, req_msg->xid);
	data = g_bytes_get_data (resp_msg->data, &len);
	resp = hotsync_dlp_response_decode (data, len, req->cmd, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (resp->cmd, ==, req->cmd);
	if (resp->error == HOTSYNC_DLP_STATUS_NOT_FOUND)
		counts->not_found++;
	if (resp->raw == NULL) {
		/* Typed responses also re-encode to what the handheld sent. */
		g_autoptr (GBytes) resp_again = hotsync_dlp_response_encode (resp);

		counts->responses_typed++;
		check_records (resp, counts);
		if (!g_bytes_equal (resp_again, resp_msg->data)) {
			g_autofree char *x = hex (resp_msg->data), *y = hex (resp_again);

			g_test_message ("%s response\n recorded %s\n encoded  %s", hotsync_dlp_command_name (resp->cmd), x, y);
			g_test_fail ();
		}
	}
}

static void
check_dlp_session (GPtrArray *requests, GPtrArray *responses, guint first, Counts *counts)
{
	g_assert_cmpuint (requests->len, ==, responses->len);
	g_assert_cmpuint (requests->len, >, first);
	for (guint i = first; i < requests->len; i++)
		check_dlp_pair (g_ptr_array_index (requests, i), g_ptr_array_index (responses, i), counts);
	/* Every session opens with ReadSysInfo and ends with EndOfSync. */
	g_assert_cmpuint (((const guint8 *) g_bytes_get_data (((Msg *) g_ptr_array_index (requests, first))->data, NULL))[0],
	                  ==, HOTSYNC_DLP_CMD_READ_SYS_INFO);
	g_assert_cmpuint (((const guint8 *) g_bytes_get_data (((Msg *) g_ptr_array_index (requests, requests->len - 1))->data, NULL))[0],
	                  ==, HOTSYNC_DLP_CMD_END_OF_SYNC);
}

/* Plays the desktop with HotsyncLink: the recorded handheld bytes go in,
 * the recorded requests are sent as each answer arrives, and what the link
 * writes must be exactly what the recorded desktop wrote. */
static void
drive_link (GPtrArray *events, HotsyncLinkKind kind, GPtrArray *requests, guint first)
{
	g_autoptr (HotsyncLink) link = hotsync_link_new (kind, 115200);
	g_autoptr (GByteArray) written = g_byte_array_new ();
	g_autoptr (GBytes) recorded = recording_stream (events, FALSE);
	guint next = first, answers = 0;
	gboolean sent_any = FALSE;
	guint32 baud = 0;

	for (guint i = 0; i < events->len; i++) {
		RecordingEvent *e = g_ptr_array_index (events, i);
		g_autoptr (GError) error = NULL;
		GBytes *out;
		g_autoptr (GBytes) resp = NULL;

		if (!e->is_read)
			continue;
		g_assert_true (hotsync_link_feed (link, g_bytes_get_data (e->data, NULL), g_bytes_get_size (e->data), 0, &error));
		g_assert_no_error (error);
		if (baud == 0)
			baud = hotsync_link_take_baud_change (link);
		resp = hotsync_link_pop_response (link);
		if (resp != NULL)
			answers++;
		if (hotsync_link_is_ready (link) && (resp != NULL || !sent_any) && next < requests->len) {
			g_assert_true (hotsync_link_send_request (link, ((Msg *) g_ptr_array_index (requests, next++))->data, 0, &error));
			g_assert_no_error (error);
			sent_any = TRUE;
		}
		while ((out = hotsync_link_pop_output (link)) != NULL) {
			g_byte_array_append (written, g_bytes_get_data (out, NULL), (guint) g_bytes_get_size (out));
			g_bytes_unref (out);
		}
	}
	g_assert_cmpuint (next, ==, requests->len);
	g_assert_cmpuint (answers, ==, requests->len - first);
	g_assert_cmpuint (hotsync_link_get_dropped (link), ==, 0);
	if (kind == HOTSYNC_LINK_SERIAL)
		g_assert_cmpuint (baud, ==, 115200);
	if (g_getenv ("HOTSYNC_DUMP") != NULL) {
		g_autoptr (GBytes) w = g_bytes_new (written->data, written->len);
		g_autofree char *x = hex (w), *y = hex (recorded);

		g_printerr ("OURS %s\nREC  %s\n", x, y);
	}
	g_assert_cmpmem (written->data, written->len, g_bytes_get_data (recorded, NULL), g_bytes_get_size (recorded));
}

static void
replay_netsync (GPtrArray *events, Counts *counts)
{
	g_autoptr (GBytes) rs = recording_stream (events, TRUE);
	g_autoptr (GBytes) ws = recording_stream (events, FALSE);
	g_autoptr (GPtrArray) from_hh = NULL;
	g_autoptr (GPtrArray) from_desk = NULL;
	static const gsize hh_sizes[] = { HOTSYNC_NETSYNC_HELLO_LEN, HOTSYNC_NETSYNC_REPLY1_LEN, HOTSYNC_NETSYNC_REPLY2_LEN };
	static const guint8 hh_first[] = { 0x90, 0x92, 0x93 };
	g_autoptr (GPtrArray) requests = g_ptr_array_new ();
	g_autoptr (GPtrArray) responses = g_ptr_array_new ();

	for (int reads = 0; reads < 2; reads++) {
		GBytes *s = reads ? rs : ws;
		gsize len;
		const guint8 *data = g_bytes_get_data (s, &len);
		g_autoptr (GArray) sz_ev = chunk_sizes (events, reads, len, SPLIT_EVENTS, 0);
		g_autoptr (GArray) sz_byte = chunk_sizes (events, reads, len, SPLIT_BYTES, 0);
		g_autoptr (GArray) sz_rand = chunk_sizes (events, reads, len, SPLIT_RANDOM, 42);
		g_autoptr (GPtrArray) a = decode_netsync (data, len, sz_ev);
		g_autoptr (GPtrArray) b = decode_netsync (data, len, sz_byte);
		g_autoptr (GPtrArray) c = decode_netsync (data, len, sz_rand);

		assert_same_messages (a, b);
		assert_same_messages (a, c);
		if (reads)
			from_hh = g_steal_pointer (&a);
		else
			from_desk = g_steal_pointer (&a);
	}
	/* The opening exchange: three handheld packets, two of ours. */
	g_assert_cmpuint (from_hh->len, >=, 3);
	g_assert_cmpuint (from_desk->len, >=, 2);
	for (guint i = 0; i < 3; i++) {
		Msg *m = g_ptr_array_index (from_hh, i);

		g_assert_cmpuint (g_bytes_get_size (m->data), ==, hh_sizes[i]);
		g_assert_cmpuint (((const guint8 *) g_bytes_get_data (m->data, NULL))[0], ==, hh_first[i]);
	}
	g_assert_cmpuint (g_bytes_get_size (((Msg *) g_ptr_array_index (from_desk, 0))->data), ==, HOTSYNC_NETSYNC_ACCEPT1_LEN);
	g_assert_cmpuint (g_bytes_get_size (((Msg *) g_ptr_array_index (from_desk, 1))->data), ==, HOTSYNC_NETSYNC_ACCEPT2_LEN);
	g_assert_cmpmem (g_bytes_get_data (((Msg *) g_ptr_array_index (from_desk, 1))->data, NULL), HOTSYNC_NETSYNC_ACCEPT2_LEN,
	                 hotsync_netsync_accept2 (), HOTSYNC_NETSYNC_ACCEPT2_LEN);
	for (guint i = 2; i < from_desk->len; i++)
		g_ptr_array_add (requests, g_ptr_array_index (from_desk, i));
	for (guint i = 3; i < from_hh->len; i++)
		g_ptr_array_add (responses, g_ptr_array_index (from_hh, i));
	check_dlp_session (requests, responses, 0, counts);
	drive_link (events, HOTSYNC_LINK_NETSYNC, requests, 0);
}

static void
replay_serial (GPtrArray *events, Counts *counts)
{
	GPtrArray *msgs[2] = { NULL, NULL };
	HotsyncCmp wake, init, expect;
	g_autoptr (GError) error = NULL;
	guint dups;

	for (int reads = 0; reads < 2; reads++) {
		g_autoptr (GBytes) s = recording_stream (events, reads);
		gsize len;
		const guint8 *data = g_bytes_get_data (s, &len);
		g_autoptr (GArray) sz_ev = chunk_sizes (events, reads, len, SPLIT_EVENTS, 0);
		g_autoptr (GArray) sz_byte = chunk_sizes (events, reads, len, SPLIT_BYTES, 0);
		g_autoptr (GArray) sz_rand = chunk_sizes (events, reads, len, SPLIT_RANDOM, 7);
		g_autoptr (GPtrArray) frames = g_ptr_array_new_with_free_func (slp_frame_free);
		g_autoptr (GPtrArray) a = decode_slp (data, len, sz_ev, frames);
		g_autoptr (GPtrArray) b = decode_slp (data, len, sz_byte, NULL);
		g_autoptr (GPtrArray) c = decode_slp (data, len, sz_rand, NULL);

		assert_same_bytes_list (a, b);
		assert_same_bytes_list (a, c);
		/* Re-encoding each frame gives the stream back. */
		{
			g_autoptr (GByteArray) joined = g_byte_array_new ();

			for (guint i = 0; i < a->len; i++)
				g_byte_array_append (joined, g_bytes_get_data (g_ptr_array_index (a, i), NULL),
				                     (guint) g_bytes_get_size (g_ptr_array_index (a, i)));
			g_assert_cmpmem (joined->data, joined->len, data, len);
		}
		msgs[reads] = padp_messages (frames, &dups);
	}
	/* CMP: the handheld's WAKE, our INIT, both with id 0xFF. */
	{
		Msg *w = g_ptr_array_index (msgs[1], 0), *i0 = g_ptr_array_index (msgs[0], 0);
		guint8 enc[HOTSYNC_CMP_LEN];

		g_assert_cmpuint (w->xid, ==, 0xff);
		g_assert_cmpuint (i0->xid, ==, 0xff);
		g_assert_true (hotsync_cmp_parse (g_bytes_get_data (w->data, NULL), g_bytes_get_size (w->data), &wake, &error));
		g_assert_no_error (error);
		g_assert_cmpuint (wake.type, ==, HOTSYNC_CMP_TYPE_WAKE);
		g_assert_true (hotsync_cmp_parse (g_bytes_get_data (i0->data, NULL), g_bytes_get_size (i0->data), &init, &error));
		g_assert_no_error (error);
		g_assert_cmpuint (init.type, ==, HOTSYNC_CMP_TYPE_INIT);
		/* Our negotiation picks what the recorded desktop picked. */
		g_assert_true (hotsync_cmp_negotiate (&wake, 115200, TRUE, &expect, &error));
		g_assert_no_error (error);
		g_assert_cmpuint (expect.baud, ==, init.baud);
		g_assert_cmpuint (expect.flags, ==, init.flags);
		hotsync_cmp_encode (&expect, enc);
		g_assert_cmpmem (enc, sizeof enc, g_bytes_get_data (i0->data, NULL), HOTSYNC_CMP_LEN);
	}
	check_dlp_session (msgs[0], msgs[1], 1, counts);
	drive_link (events, HOTSYNC_LINK_SERIAL, msgs[0], 1);
	g_ptr_array_unref (msgs[0]);
	g_ptr_array_unref (msgs[1]);
}

static void
test_recording (gconstpointer user_data)
{
	const char *path = user_data;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) events = recording_load (path, &error);
	g_autofree char *base = g_path_get_basename (path);
	Counts counts = { 0 };

	g_assert_no_error (error);
	g_assert_cmpuint (events->len, >, 0);
	if (strstr (base, ".serial-net.") != NULL)
		replay_serial (events, &counts);
	else
		replay_netsync (events, &counts);
	g_test_message ("%s: %u requests, %u typed responses, %u not-found answers, %u app blocks, %u memos",
	                base, counts.requests, counts.responses_typed, counts.not_found, counts.app_blocks, counts.memos);
	if (g_str_has_prefix (base, "read-memo-test."))
		g_assert_true (counts.hello_world && counts.unfiled);
	g_assert_cmpuint (counts.requests, >=, 3);
}

static void
test_missing (void)
{
	g_test_skip ("AIRDOCK_SHARED/fixtures/hotsync-recordings not found: set AIRDOCK_SHARED");
}

int
main (int argc, char **argv)
{
	g_autofree char *dir = NULL;
	g_autoptr (GPtrArray) names = NULL;

	g_test_init (&argc, &argv, NULL);
	dir = recording_dir ();
	if (dir == NULL) {
		g_test_add_func ("/hotsync/replay/missing", test_missing);
		return g_test_run ();
	}
	names = recording_list (dir);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index (names, i);
		g_autofree char *test = g_strdup_printf ("/hotsync/replay/%s", name);

		g_test_add_data_func_full (test, g_build_filename (dir, name, NULL), test_recording, g_free);
	}
	return g_test_run ();
}
