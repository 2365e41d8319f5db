/* Does the simulator answer like a real handheld?  Every DLP request the
 * desktop sent in the recorded NetSync sessions (read-memo, list-db,
 * device-info, no-op) is put to the simulator, and its answer must have the
 * recorded answer's meaning: same command, same error code, same argument
 * ids.  The records the recorded handheld returned are loaded into the
 * simulator first, so record reads find the same ids.  Contents differ
 * (another device, another clock), so bytes are not compared. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-dlp.h"
#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-netsync.h"
#include "tests/handheld/handheld-dlp.h"
#include "tests/hotsync/recording.h"

/* Commands the simulator does not implement (they carry device details it
 * has no model for); their exchanges are skipped with a message. */
static const guint8 unsupported[] = {
	HOTSYNC_DLP_CMD_READ_STORAGE_INFO, HOTSYNC_DLP_CMD_READ_NET_SYNC_INFO, HOTSYNC_DLP_CMD_WRITE_NET_SYNC_INFO,
};

static GPtrArray *
payloads (GPtrArray *events, gboolean reads)
{
	g_autoptr (GBytes) stream = recording_stream (events, reads);
	g_autoptr (HotsyncNetsyncDecoder) dec = hotsync_netsync_decoder_new (HOTSYNC_NETSYNC_MAX_PAYLOAD_DEFAULT, TRUE);
	GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	gsize len, off = 0;
	const guint8 *d = g_bytes_get_data (stream, &len);

	while (off < len) {
		g_auto (HotsyncNetsyncFrame) f = { 0 };
		gsize used = 0;
		g_autoptr (GError) error = NULL;

		g_assert_true (hotsync_netsync_decoder_feed (dec, d + off, len - off, &used, &f, &error));
		g_assert_no_error (error);
		off += used;
		if (f.payload != NULL && f.type == HOTSYNC_NETSYNC_TYPE_DATA)
			g_ptr_array_add (out, g_bytes_ref (f.payload));
	}
	return out;
}

/* Records the real handheld returned become the simulator's MemoDB. */
static void
seed (HandheldState *state, GPtrArray *reqs, GPtrArray *resps, guint n)
{
	HandheldDb *db = handheld_state_find_db (state, "MemoDB");

	for (guint i = 0; i < n; i++) {
		GBytes *q = g_ptr_array_index (reqs, i);
		GBytes *a = g_ptr_array_index (resps, i);
		guint8 cmd = *(const guint8 *) g_bytes_get_data (q, NULL);
		g_autoptr (HotsyncDlpResponse) r = NULL;
		HandheldRecord *rec;

		if (cmd != HOTSYNC_DLP_CMD_READ_RECORD)
			continue;
		r = hotsync_dlp_response_decode (g_bytes_get_data (a, NULL), g_bytes_get_size (a), cmd, NULL, NULL);
		if (r == NULL || r->error != 0)
			continue;
		rec = handheld_db_add (state, db, r->category, r->data);
		rec->id = r->rec_id;
		rec->attr = r->attr;
	}
}

static gboolean
is_unsupported (guint8 cmd)
{
	return memchr (unsupported, cmd, sizeof unsupported) != NULL;
}

static void
compare (GBytes *want, GBytes *got, guint8 cmd)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HotsyncDlpMessage) w = hotsync_dlp_message_parse (g_bytes_get_data (want, NULL), g_bytes_get_size (want),
	                                                            TRUE, NULL, &error);
	g_autoptr (HotsyncDlpMessage) g = NULL;

	g_assert_no_error (error);
	g = hotsync_dlp_message_parse (g_bytes_get_data (got, NULL), g_bytes_get_size (got), TRUE, NULL, &error);
	g_assert_no_error (error);
	g_test_message ("%s: recorded error %u, simulator %u", hotsync_dlp_command_name (cmd), w->error, g->error);
	g_assert_cmpuint (g->cmd, ==, w->cmd);
	g_assert_cmpuint (g->error, ==, w->error);
	g_assert_cmpuint (g->args->len, ==, w->args->len);
	for (guint i = 0; i < w->args->len; i++)
		g_assert_cmpuint (g_array_index (g->args, HotsyncDlpArg, i).id, ==, g_array_index (w->args, HotsyncDlpArg, i).id);
}

static void
test_recording (gconstpointer data)
{
	const char *name = data;
	g_autofree char *dir = recording_dir ();
	g_autofree char *path = NULL;
	g_autoptr (GPtrArray) events = NULL;
	g_autoptr (GPtrArray) reqs = NULL, resps = NULL;
	g_autoptr (HandheldState) state = handheld_state_new ("Test", 1);
	g_autoptr (GError) error = NULL;
	HandheldDlp dlp = { 0 };
	guint n, compared = 0;

	if (dir == NULL)
		return;   /* recording_dir() skipped the test */
	path = g_build_filename (dir, name, NULL);
	events = recording_load (path, &error);
	g_assert_no_error (error);
	reqs = payloads (events, FALSE);
	resps = payloads (events, TRUE);
	/* NetSync opening: 2 desktop and 3 handheld packets before DLP. */
	g_assert_cmpuint (reqs->len, >=, 2);
	g_assert_cmpuint (resps->len, >=, 3);
	g_ptr_array_remove_range (reqs, 0, 2);
	g_ptr_array_remove_range (resps, 0, 3);
	n = MIN (reqs->len, resps->len);
	g_assert_cmpuint (n, >, 0);
	seed (state, reqs, resps, n);
	dlp.state = state;
	for (guint i = 0; i < n; i++) {
		GBytes *q = g_ptr_array_index (reqs, i);
		guint8 cmd = *(const guint8 *) g_bytes_get_data (q, NULL);
		g_autoptr (GBytes) got = handheld_dlp_answer (&dlp, g_bytes_get_data (q, NULL), g_bytes_get_size (q));

		if (is_unsupported (cmd)) {
			g_test_message ("%s: not simulated, skipped", hotsync_dlp_command_name (cmd));
			continue;
		}
		compare (g_ptr_array_index (resps, i), got, cmd);
		compared++;
	}
	g_assert_cmpuint (compared, >=, 3);
	g_assert_true (dlp.ended);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_data_func ("/conduit/recordings/no-op", "no-op-test.net.json", test_recording);
	g_test_add_data_func ("/conduit/recordings/list-db", "list-db-test.net.json", test_recording);
	g_test_add_data_func ("/conduit/recordings/read-memo", "read-memo-test.net.json", test_recording);
	g_test_add_data_func ("/conduit/recordings/device-info", "device-info-test.net.json", test_recording);
	return g_test_run ();
}
