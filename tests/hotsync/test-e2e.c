/* End to end in memory: HotsyncSession over HotsyncLink (the future
 * conduit's loop) against a fake handheld behind its own NetSync or
 * SLP/PADP/CMP, with the wire cut into random chunks and, on serial, frames
 * lost — so that retransmissions, duplicate acks and timeouts all happen.
 * The clock is simulated: when nothing is in flight it jumps to the next
 * deadline. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-cmp.h"
#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-link.h"
#include "hotsync/hotsync-netsync.h"
#include "hotsync/hotsync-padp.h"
#include "hotsync/hotsync-session.h"
#include "tests/hotsync/fake-handheld.h"

#define DESKTOP_ID 0xa12d0c4

typedef struct {
	HotsyncLinkKind kind;
	GRand *rand;
	double loss;
	gint64 now;
	/* Handheld side */
	FakeHandheld *hh;
	HotsyncPadp *padp;
	HotsyncSlpDecoder *slp;
	HotsyncNetsyncDecoder *net;
	guint net_stage;
	GBytes *pending;          /* an answer waiting for PADP to be free */
	guint8 pending_xid;
	/* Desktop side */
	HotsyncLink *link;
	HotsyncSession *session;
	gboolean done;
	guint written;
	/* The wire */
	GByteArray *to_desktop;
	GByteArray *to_handheld;
	guint lost;
} World;

static void
put_wire (World *w, GByteArray *wire, GBytes *frame)
{
	/* TCP loses nothing; a serial line loses whole frames here. */
	if (w->kind == HOTSYNC_LINK_SERIAL && g_rand_double (w->rand) < w->loss) {
		w->lost++;
	} else {
		g_byte_array_append (wire, g_bytes_get_data (frame, NULL), (guint) g_bytes_get_size (frame));
	}
	g_bytes_unref (frame);
}

static void
hh_flush (World *w)
{
	GBytes *out;
	g_autoptr (GError) error = NULL;

	if (w->padp == NULL)
		return;
	if (w->pending != NULL && !hotsync_padp_is_sending (w->padp)) {
		g_assert_true (hotsync_padp_send (w->padp, w->pending_xid, g_bytes_get_data (w->pending, NULL),
		                                  g_bytes_get_size (w->pending), w->now, &error));
		g_clear_pointer (&w->pending, g_bytes_unref);
	}
	while ((out = hotsync_padp_pop_output (w->padp)) != NULL)
		put_wire (w, w->to_desktop, out);
}

/* The handheld answers one whole message from the desktop. */
static void
hh_message (World *w, guint8 xid, GBytes *msg)
{
	if (w->kind == HOTSYNC_LINK_NETSYNC && w->net_stage < 2) {
		/* The desktop's two opening packets get our two replies. */
		guint8 reply[HOTSYNC_NETSYNC_REPLY1_LEN] = { 0x92, 0x01 };

		if (w->net_stage == 1) {
			memset (reply, 0, sizeof reply);
			reply[0] = 0x93;
		}
		put_wire (w, w->to_desktop, hotsync_netsync_encode (1, xid, reply,
		                                                    w->net_stage == 0 ? HOTSYNC_NETSYNC_REPLY1_LEN
		                                                                      : HOTSYNC_NETSYNC_REPLY2_LEN));
		w->net_stage++;
		return;
	}
	if (w->kind == HOTSYNC_LINK_SERIAL && g_bytes_get_size (msg) == HOTSYNC_CMP_LEN &&
	    ((const guint8 *) g_bytes_get_data (msg, NULL))[0] == HOTSYNC_CMP_TYPE_INIT)
		return;   /* our WAKE was answered: wait for DLP */
	if (w->kind == HOTSYNC_LINK_NETSYNC) {
		g_autoptr (GBytes) answer = fake_answer (w->hh, msg);

		put_wire (w, w->to_desktop, hotsync_netsync_encode (1, xid, g_bytes_get_data (answer, NULL),
		                                                    g_bytes_get_size (answer)));
		return;
	}
	g_assert_null (w->pending);
	w->pending = fake_answer (w->hh, msg);
	w->pending_xid = xid;
	hh_flush (w);
}

static void
hh_feed_serial (World *w, const guint8 *data, gsize len)
{
	gsize off = 0;

	for (;;) {
		g_auto (HotsyncSlpEvent) ev = { 0 };
		g_autoptr (GError) error = NULL;
		GBytes *msg;
		guint8 xid;

		off += hotsync_slp_decoder_feed (w->slp, data + off, len - off, &ev);
		if (ev.type == HOTSYNC_SLP_EVENT_NONE)
			break;
		g_assert_cmpint (ev.type, ==, HOTSYNC_SLP_EVENT_FRAME);
		g_assert_true (hotsync_padp_receive_frame (w->padp, &ev.frame, w->now, &error));
		g_assert_no_error (error);
		while ((msg = hotsync_padp_pop_message (w->padp, &xid)) != NULL) {
			hh_message (w, xid, msg);
			g_bytes_unref (msg);
		}
		hh_flush (w);
	}
}

static void
hh_feed_net (World *w, const guint8 *data, gsize len)
{
	gsize off = 0;

	while (off < len) {
		g_auto (HotsyncNetsyncFrame) f = { 0 };
		g_autoptr (GError) error = NULL;
		gsize used;

		g_assert_true (hotsync_netsync_decoder_feed (w->net, data + off, len - off, &used, &f, &error));
		off += used;
		if (f.payload != NULL)
			hh_message (w, f.xid, f.payload);
	}
}

static void
desktop_events (World *w)
{
	HotsyncSessionEvent ev;
	static const char *const dbs[] = { "MemoDB", "ToDoDB" };
	g_autoptr (GBytes) memo = g_bytes_new_static ("from the desktop", 17);
	HotsyncSessionChange changes[] = { { FALSE, 0, 0, 1, memo }, { TRUE, 0x100002, 0, 0, NULL } };

	while (hotsync_session_next (w->session, &ev)) {
		g_autoptr (GError) error = NULL;
		GBytes *out;

		switch (ev.type) {
		case HOTSYNC_SESSION_EVENT_SEND:
			g_assert_true (hotsync_link_send_request (w->link, ev.request, w->now, &error));
			g_assert_no_error (error);
			while ((out = hotsync_link_pop_output (w->link)) != NULL)
				put_wire (w, w->to_handheld, out);
			break;
		case HOTSYNC_SESSION_EVENT_PLAN:
			g_assert_true (hotsync_session_set_plan (w->session, FALSE, dbs, 2, &error));
			break;
		case HOTSYNC_SESSION_EVENT_CHANGES:
			g_assert_true (hotsync_session_set_changes (w->session, changes, ev.db == 0 ? 2 : 0, NULL, &error));
			break;
		case HOTSYNC_SESSION_EVENT_WRITTEN:
			w->written++;
			break;
		case HOTSYNC_SESSION_EVENT_DONE:
			w->done = TRUE;
			break;
		default:
			break;
		}
		hotsync_session_event_clear (&ev);
	}
}

static void
desktop_feed (World *w, const guint8 *data, gsize len)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) answer = NULL;
	GBytes *out;

	g_assert_true (hotsync_link_feed (w->link, data, len, w->now, &error));
	g_assert_no_error (error);
	while ((out = hotsync_link_pop_output (w->link)) != NULL)
		put_wire (w, w->to_handheld, out);
	hotsync_link_take_baud_change (w->link);
	answer = hotsync_link_pop_response (w->link);
	if (answer != NULL) {
		g_assert_true (hotsync_session_receive (w->session, g_bytes_get_data (answer, NULL),
		                                        g_bytes_get_size (answer), &error));
		g_assert_no_error (error);
	}
	if (hotsync_link_is_ready (w->link))
		desktop_events (w);
}

/* Moves a random share of one wire's bytes to its reader. */
static gboolean
deliver (World *w, GByteArray *wire, gboolean to_desktop)
{
	gsize n;
	g_autofree guint8 *chunk = NULL;

	if (wire->len == 0)
		return FALSE;
	n = (gsize) g_rand_int_range (w->rand, 1, 700);
	n = MIN (n, (gsize) wire->len);
	chunk = g_memdup2 (wire->data, n);
	g_byte_array_remove_range (wire, 0, (guint) n);
	if (to_desktop)
		desktop_feed (w, chunk, n);
	else if (w->kind == HOTSYNC_LINK_SERIAL)
		hh_feed_serial (w, chunk, n);
	else
		hh_feed_net (w, chunk, n);
	return TRUE;
}

static void
advance_clock (World *w)
{
	g_autoptr (GError) error = NULL;
	gint64 next = hotsync_link_get_deadline (w->link);
	GBytes *out;

	if (w->padp != NULL)
		next = MIN (next, hotsync_padp_get_deadline (w->padp));
	g_assert_cmpint (next, !=, G_MAXINT64);   /* stuck: nobody waits for anything */
	w->now = MAX (w->now, next);
	g_assert_true (hotsync_link_handle_timeout (w->link, w->now, &error));
	g_assert_no_error (error);
	while ((out = hotsync_link_pop_output (w->link)) != NULL)
		put_wire (w, w->to_handheld, out);
	if (w->padp != NULL) {
		g_assert_true (hotsync_padp_handle_timeout (w->padp, w->now, &error));
		g_assert_no_error (error);
		hh_flush (w);
	}
}

static void
run_world (HotsyncLinkKind kind, double loss, guint32 seed)
{
	HotsyncSessionConfig config = { DESKTOP_ID, { 2026, 11, 26, 16, 0, 0, 0 }, 0, NULL };
	World w = { kind, g_rand_new_with_seed (seed), loss, 0 };
	FakeDb *memo;
	guint steps = 0;

	w.hh = fake_new ();
	memo = add_db (w.hh, "MemoDB");
	for (int i = 0; i < 40; i++) {
		/* Every third memo needs two PADP fragments. */
		g_autofree char *fill = g_strnfill (i % 3 ? 0 : 1500, 'x');
		g_autofree char *text = g_strdup_printf ("memo %d %s", i, fill);

		add_rec (w.hh, memo, i % 4 == 0 ? 0x40 : 0, text);
	}
	w.link = hotsync_link_new (kind, 115200);
	w.session = hotsync_session_new (&config);
	w.to_desktop = g_byte_array_new ();
	w.to_handheld = g_byte_array_new ();
	if (kind == HOTSYNC_LINK_SERIAL) {
		HotsyncCmp wake = { HOTSYNC_CMP_TYPE_WAKE, HOTSYNC_CMP_FLAG_LONG_PADP, 1, 3, 0, 115200 };
		guint8 buf[HOTSYNC_CMP_LEN];
		g_autoptr (GError) error = NULL;

		w.padp = hotsync_padp_new (HOTSYNC_PADP_MAX_MESSAGE_DEFAULT);
		w.slp = hotsync_slp_decoder_new (HOTSYNC_SLP_MAX_BODY_DEFAULT);
		hotsync_padp_set_long_form (w.padp, TRUE);
		hotsync_cmp_encode (&wake, buf);
		g_assert_true (hotsync_padp_send (w.padp, 0xff, buf, sizeof buf, 0, &error));
		hh_flush (&w);
	} else {
		guint8 hello[HOTSYNC_NETSYNC_HELLO_LEN] = { 0x90, 0x01 };

		w.net = hotsync_netsync_decoder_new (HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT, FALSE);
		put_wire (&w, w.to_desktop, hotsync_netsync_encode (1, 0xff, hello, sizeof hello));
	}
	while (!w.done) {
		gboolean moved = FALSE;

		g_assert_cmpuint (++steps, <, 200000);
		/* Either direction first, at random. */
		if (g_rand_boolean (w.rand))
			moved = deliver (&w, w.to_desktop, TRUE) || deliver (&w, w.to_handheld, FALSE);
		else
			moved = deliver (&w, w.to_handheld, FALSE) || deliver (&w, w.to_desktop, TRUE);
		if (!moved)
			advance_clock (&w);
	}
	g_assert_null (hotsync_session_get_error (w.session));
	g_assert_cmpuint (w.written, ==, 1);
	g_assert_cmpuint (w.hh->last_sync_pc, ==, DESKTOP_ID);
	g_assert_true (w.hh->ended);
	g_assert_cmpuint (w.hh->end_status, ==, HOTSYNC_DLP_END_OK);
	/* 40 records, one deleted, one added, none left dirty. */
	g_assert_cmpuint (memo->recs->len, ==, 40);
	for (guint i = 0; i < memo->recs->len; i++)
		g_assert_cmpuint (((FakeRec *) g_ptr_array_index (memo->recs, i))->attr & 0x40, ==, 0);
	if (kind == HOTSYNC_LINK_SERIAL && loss > 0)
		g_assert_cmpuint (w.lost, >, 0);
	g_test_message ("%s, loss %.2f: %u frames lost, simulated time %.1f s",
	                kind == HOTSYNC_LINK_SERIAL ? "serial" : "netsync", loss, w.lost, w.now / 1e6);

	g_clear_pointer (&w.pending, g_bytes_unref);
	g_rand_free (w.rand);
	fake_free (w.hh);
	hotsync_padp_free (w.padp);
	hotsync_slp_decoder_free (w.slp);
	hotsync_netsync_decoder_free (w.net);
	hotsync_link_free (w.link);
	hotsync_session_free (w.session);
	g_byte_array_unref (w.to_desktop);
	g_byte_array_unref (w.to_handheld);
}

static void
test_netsync (void)
{
	for (guint32 seed = 1; seed <= 5; seed++)
		run_world (HOTSYNC_LINK_NETSYNC, 0, seed);
}

static void
test_serial_clean (void)
{
	for (guint32 seed = 1; seed <= 5; seed++)
		run_world (HOTSYNC_LINK_SERIAL, 0, seed);
}

static void
test_serial_lossy (void)
{
	for (guint32 seed = 1; seed <= 10; seed++)
		run_world (HOTSYNC_LINK_SERIAL, 0.1, seed);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/hotsync/e2e/netsync", test_netsync);
	g_test_add_func ("/hotsync/e2e/serial-clean", test_serial_clean);
	g_test_add_func ("/hotsync/e2e/serial-lossy", test_serial_lossy);
	return g_test_run ();
}
