/* End to end in memory: HotsyncSession over HotsyncLink (the future
 * conduit's loop) against a fake handheld behind a handheld-role
 * HotsyncLink (the future simulator's loop), over NetSync or SLP/PADP/CMP,
 * with the wire cut into random chunks and, on serial, frames
 * lost — so that retransmissions, duplicate acks and timeouts all happen.
 * The clock is simulated: when nothing is in flight it jumps to the next
 * deadline. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-link.h"
#include "hotsync/hotsync-session.h"
#include "tests/hotsync/fake-handheld.h"

#define DESKTOP_ID 0xa12d0c4

typedef struct {
	HotsyncLinkKind kind;
	GRand *rand;
	double loss;
	gint64 now;
	/* Handheld side: its own HotsyncLink and the fake DLP model. */
	FakeHandheld *hh;
	HotsyncLink *hh_link;
	guint32 hh_baud;
	/* Desktop side */
	HotsyncLink *link;
	HotsyncSession *session;
	gboolean done;
	guint written;
	guint32 desk_baud;
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
drain (World *w, HotsyncLink *link, GByteArray *wire)
{
	GBytes *out;

	while ((out = hotsync_link_pop_output (link)) != NULL)
		put_wire (w, wire, out);
}

static void
hh_feed (World *w, const guint8 *data, gsize len)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) request = NULL;
	guint32 baud;

	g_assert_true (hotsync_link_feed (w->hh_link, data, len, w->now, &error));
	g_assert_no_error (error);
	if ((baud = hotsync_link_take_baud_change (w->hh_link)) != 0)
		w->hh_baud = baud;
	request = hotsync_link_pop_request (w->hh_link);
	if (request != NULL) {
		g_autoptr (GBytes) answer = fake_answer (w->hh, request);

		g_assert_true (hotsync_link_send_response (w->hh_link, answer, w->now, &error));
		g_assert_no_error (error);
	}
	drain (w, w->hh_link, w->to_desktop);
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

		switch (ev.type) {
		case HOTSYNC_SESSION_EVENT_SEND:
			g_assert_true (hotsync_link_send_request (w->link, ev.request, w->now, &error));
			g_assert_no_error (error);
			drain (w, w->link, w->to_handheld);
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
	guint32 baud;

	g_assert_true (hotsync_link_feed (w->link, data, len, w->now, &error));
	g_assert_no_error (error);
	drain (w, w->link, w->to_handheld);
	if ((baud = hotsync_link_take_baud_change (w->link)) != 0)
		w->desk_baud = baud;
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
	else
		hh_feed (w, chunk, n);
	return TRUE;
}

static void
advance_clock (World *w)
{
	g_autoptr (GError) error = NULL;
	gint64 next = MIN (hotsync_link_get_deadline (w->link), hotsync_link_get_deadline (w->hh_link));

	g_assert_cmpint (next, !=, G_MAXINT64);   /* stuck: nobody waits for anything */
	w->now = MAX (w->now, next);
	g_assert_true (hotsync_link_handle_timeout (w->link, w->now, &error));
	g_assert_no_error (error);
	drain (w, w->link, w->to_handheld);
	g_assert_true (hotsync_link_handle_timeout (w->hh_link, w->now, &error));
	g_assert_no_error (error);
	drain (w, w->hh_link, w->to_desktop);
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
	w.hh_link = hotsync_link_new_handheld (kind, 57600, 0);
	drain (&w, w.hh_link, w.to_desktop);
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
	/* Both ends switch to the lower of the two maximums. */
	if (kind == HOTSYNC_LINK_SERIAL) {
		g_assert_cmpuint (w.hh_baud, ==, 57600);
		g_assert_cmpuint (w.desk_baud, ==, 57600);
	}
	g_test_message ("%s, loss %.2f: %u frames lost, simulated time %.1f s",
	                kind == HOTSYNC_LINK_SERIAL ? "serial" : "netsync", loss, w.lost, w.now / 1e6);

	g_rand_free (w.rand);
	fake_free (w.hh);
	hotsync_link_free (w.hh_link);
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
