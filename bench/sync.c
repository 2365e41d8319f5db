/* bench/sync.c — initial and incremental Sync of a large Inbox.
 *
 *   bench/sync [--messages N] [--window N] [--truncation BYTES] [--incremental N]
 *
 * Starts the real airdockd (through the test harness, temporary data dir),
 * puts N messages of realistic sizes into the Inbox through the store (80%
 * plain text of 1–8 KiB, 20% multipart/alternative with HTML, 10% with a
 * 20–200 KiB attachment), then syncs the Inbox from a client on loopback
 * with WindowSize 512 until MoreAvailable stops, and measures the server's
 * CPU time (sum of /proc/PID/task/<tid>/schedstat, nanoseconds), wall time,
 * requests and bytes.  Then, --incremental times: deliver one message and
 * sync once, reporting the server CPU per incremental Sync.
 *
 * Goals (ARCHITECTURE.md): initial Sync of 10,000 messages under 2 s of
 * server CPU; an incremental Sync of one change under 2 ms.  Figures are
 * printed, never asserted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bench/bench-util.h"
#include "eas/eas-sync.h"
#include "server/airdockd-store.h"
#include "tests/server/eas-client.h"

#define USER "bench"
#define PASSWORD "bench-password"

static gint n_messages = 10000;
static gint window = 512;
static gint truncation = 5120;
static gint n_incremental = 20;

static const GOptionEntry options[] = {
	{ "messages", 'n', 0, G_OPTION_ARG_INT, &n_messages, "Messages in the Inbox (10000)", "N" },
	{ "window", 'w', 0, G_OPTION_ARG_INT, &window, "WindowSize (512)", "N" },
	{ "truncation", 't', 0, G_OPTION_ARG_INT, &truncation, "HTML TruncationSize (5120)", "BYTES" },
	{ "incremental", 'i', 0, G_OPTION_ARG_INT, &n_incremental, "Incremental Syncs to time (20)", "N" },
	{ NULL }
};

static void
random_text (GString *s, GRand *rand, gsize bytes)
{
	static const char *const words[] = {
		"meeting", "project", "schedule", "the", "and", "report", "budget", "please",
		"review", "attached", "thanks", "regards", "tomorrow", "quarter", "update", "team",
	};
	gsize start = s->len;

	while (s->len - start < bytes) {
		g_string_append (s, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
		g_string_append_c (s, (s->len - start) % 72 < 8 ? '\n' : ' ');
	}
}

static char *
make_message (GRand *rand, guint i, gint64 date)
{
	GString *m = g_string_new (NULL);
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (date);
	g_autofree char *when = g_date_time_format (dt, "%a, %d %b %Y %H:%M:%S +0000");
	gboolean html = g_rand_int_range (rand, 0, 100) < 20;
	gboolean attach = g_rand_int_range (rand, 0, 100) < 10;
	gsize text_bytes = (gsize) g_rand_int_range (rand, 1024, 8192);

	g_string_append_printf (m, "From: Sender %u <sender%u@example.org>\r\nTo: Bench <bench@example.org>\r\n"
	                        "Subject: Message number %u about the project\r\nDate: %s\r\n"
	                        "Message-ID: <bench.%u@example.org>\r\nMIME-Version: 1.0\r\n",
	                        i % 97, i % 97, i, when, i);
	if (!html && !attach) {
		g_string_append (m, "Content-Type: text/plain; charset=utf-8\r\n\r\n");
		random_text (m, rand, text_bytes);
		return g_string_free (m, FALSE);
	}
	g_string_append (m, "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\n");
	if (html) {
		g_string_append (m, "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\n"
		                 "Content-Type: text/plain; charset=utf-8\r\n\r\n");
		random_text (m, rand, text_bytes);
		g_string_append (m, "\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>");
		random_text (m, rand, text_bytes * 3);
		g_string_append (m, "</p></body></html>\r\n--alt--\r\n");
	} else {
		g_string_append (m, "Content-Type: text/plain; charset=utf-8\r\n\r\n");
		random_text (m, rand, text_bytes);
		g_string_append (m, "\r\n");
	}
	if (attach) {
		gsize n = (gsize) g_rand_int_range (rand, 20 * 1024, 200 * 1024);
		g_autofree guint8 *bin = g_malloc (n);
		g_autofree char *b64 = NULL;

		for (gsize k = 0; k < n; k++)
			bin[k] = (guint8) g_rand_int (rand);
		b64 = g_base64_encode (bin, n);
		g_string_append (m, "--outer\r\nContent-Type: application/pdf\r\n"
		                 "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
		                 "Content-Transfer-Encoding: base64\r\n\r\n");
		for (gsize k = 0, len = strlen (b64); k < len; k += 76) {
			g_string_append_len (m, b64 + k, (gssize) MIN (76, len - k));
			g_string_append (m, "\r\n");
		}
	}
	g_string_append (m, "--outer--\r\n");
	return g_string_free (m, FALSE);
}

static void
deliver (AirdockHarness *h, AirdockdStore *store, gint64 uid, const char *inbox, GRand *rand, guint i)
{
	g_autoptr (GError) error = NULL;
	/* One message a minute, the newest now (incremental ones: a little later). */
	gint64 age = 60 * ((gint64) n_messages - (gint64) i);
	g_autofree char *msg = make_message (rand, i, g_get_real_time () / G_USEC_PER_SEC - age);
	g_autofree char *path = g_build_filename (h->dir, "bench.eml", NULL);
	g_autoptr (AirdockdItem) item = NULL;

	if (!g_file_set_contents (path, msg, -1, &error))
		g_error ("%s", error->message);
	item = airdockd_store_add_message (store, uid, inbox, path, FALSE, &error);
	if (item == NULL)
		g_error ("delivery: %s", error->message);
	g_unlink (path);
}

typedef struct {
	char *key;
	guint adds;
	gboolean more;
	gsize bytes;
} SyncResult;

static void
do_sync (AirdockEasClient *c, const char *inbox, SyncResult *io)
{
	g_autoptr (EasNode) root = bench_sync_request (io->key, inbox, window, "0", "2", truncation);
	EasNode *cmds = NULL;
	g_autoptr (AirdockEasResponse) r = bench_sync_post (c, root, &io->key, &io->more, &io->bytes, &cmds);

	for (EasNode *n = cmds ? cmds->first_child : NULL; n != NULL; n = n->next)
		io->adds += n->tag == EAS_AIRSYNC_ADD;
}

static void
incremental (AirdockHarness *h, AirdockdStore *store, gint64 uid, const char *inbox,
             AirdockEasClient *c, GRand *rand, SyncResult *state)
{
	g_autofree guint64 *cpu = g_new0 (guint64, MAX (n_incremental, 1));
	g_autofree char *summary = NULL;

	for (gint i = 0; i < n_incremental; i++) {
		guint64 before;
		guint adds = state->adds;

		deliver (h, store, uid, inbox, rand, (guint) (n_messages + i));
		before = bench_server_cpu_ns (h->pid);
		do_sync (c, inbox, state);
		cpu[i] = bench_server_cpu_ns (h->pid) - before;
		if (state->adds != adds + 1)
			g_error ("incremental Sync brought %u adds", state->adds - adds);
	}
	if (n_incremental == 0)
		return;
	summary = bench_ns_summary (cpu, (gsize) n_incremental);
	printf ("incremental Sync (1 new message, %d runs): server CPU %s  (goal < 2 ms)\n",
	        n_incremental, summary);
}

int
main (int argc, char **argv)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GRand) rand = g_rand_new_with_seed (20261126);
	SyncResult state = { .key = g_strdup ("0") };
	guint requests = 0;

	if (!bench_init (&argc, &argv, "- time initial and incremental Sync", options))
		return 2;

	g_autoptr (AirdockHarness) h = airdock_harness_start (NULL);
	gint64 uid = airdock_harness_add_user (h, USER, "bench@example.org", PASSWORD);
	g_autoptr (AirdockdStore) store = airdock_harness_open_store (h);
	g_autoptr (AirdockdFolder) inbox = airdockd_store_folder_get_by_type (store, uid, AIRDOCKD_FOLDER_INBOX, &error);
	g_assert_no_error (error);

	gint64 t0 = g_get_monotonic_time ();
	for (gint i = 0; i < n_messages; i++) {
		if (i % 500 == 0 && !airdockd_store_begin (store, &error))
			g_error ("%s", error->message);
		deliver (h, store, uid, inbox->server_id, rand, (guint) i);
		if ((i % 500 == 499 || i == n_messages - 1) && !airdockd_store_commit (store, &error))
			g_error ("%s", error->message);
	}
	printf ("setup: %d messages delivered through the store in %.1f s\n",
	        n_messages, (g_get_monotonic_time () - t0) / 1e6);

	g_autoptr (AirdockEasClient) c = airdock_eas_client_new (h, FALSE, USER, PASSWORD, "BENCHDEV", "Bench", 141);
	if (!airdock_eas_client_provision (c, NULL, &error))
		g_error ("provision: %s", error->message);
	do_sync (c, inbox->server_id, &state);	/* key 0 → first key, no items */

	guint64 cpu0 = bench_server_cpu_ns (h->pid);
	gint64 w0 = g_get_monotonic_time ();
	state.bytes = 0;
	do {
		do_sync (c, inbox->server_id, &state);
		requests++;
	} while (state.more);
	gint64 w1 = g_get_monotonic_time ();
	guint64 cpu1 = bench_server_cpu_ns (h->pid);

	printf ("initial Sync: %u items in %u requests (WindowSize %d, HTML TruncationSize %d), "
	        "%.1f MiB of WBXML\n", state.adds, requests, window, truncation, state.bytes / 1048576.0);
	printf ("initial Sync: server CPU %.3f s, wall %.3f s  (goal < 2 s of server CPU)\n",
	        (cpu1 - cpu0) / 1e9, (w1 - w0) / 1e6);
	if (state.adds != (guint) n_messages)
		g_error ("expected %d items, got %u", n_messages, state.adds);

	incremental (h, store, uid, inbox->server_id, c, rand, &state);
	g_free (state.key);
	return 0;
}
