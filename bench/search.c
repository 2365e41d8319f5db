/* bench/search.c — Mailbox search latency over the FTS5 index at 10,000
 * and 100,000 messages (p50/p99 of the exact Total + first page of 100,
 * newest first; every term a prefix), and what the index adds to a
 * delivery.
 *
 *   bench/search [max_messages]      (default 100000)
 *
 * Delivery cost: real airdockd_store_add_message() (MIME parse, fsync,
 * rename) of the same kind of messages (~300-word bodies) without the
 * index and with it attached (triggers, then the full body decoded from
 * the message file and indexed after the commit).  The large mailboxes
 * are filled with rows inserted straight into the store's items table in
 * one transaction (the triggers index them as delivery would, the full
 * ~150-word body is then set as the drain would), because a fsync per
 * message would make the fill take minutes.  Index size per message:
 * SQLite's dbstat over the mail_fts tables.  Words follow a Zipf-like law
 * over a 20,000-word vocabulary so common terms hit many messages.
 * Prints figures; asserts nothing. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include "bench/bench-util.h"
#include "eas/eas-search.h"
#include "server/airdockd-search-index.h"
#include "server/airdockd-store.h"
#include "tests/server/harness.h"

#define VOCABULARY 20000
#define QUERIES 400
#define DELIVERIES 300

static char *words[VOCABULARY];

static const char *
zipf_word (GRand *rand)
{
	/* Rank ~ 1/u: a few words are everywhere, most are rare. */
	double u = g_rand_double_range (rand, 1.0 / VOCABULARY, 1.0);
	guint rank = (guint) (1.0 / u) - 1;

	return words[MIN (rank, VOCABULARY - 1) ^ (rank > 50 ? g_rand_int_range (rand, 0, 64) : 0)];
}

static char *
sentence (GRand *rand, guint n)
{
	g_autoptr (GString) s = g_string_new (NULL);

	for (guint i = 0; i < n; i++) {
		if (i > 0)
			g_string_append_c (s, ' ');
		g_string_append (s, zipf_word (rand));
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static double
deliver_batch (AirdockdStore *store, gint64 uid, const char *folder, const char *dir, GRand *rand, guint n)
{
	g_autofree char *path = g_build_filename (dir, "bench.eml", NULL);
	gint64 total = 0;

	for (guint i = 0; i < n; i++) {
		g_autoptr (GError) error = NULL;
		g_autofree char *subject = sentence (rand, 6);
		g_autofree char *body = sentence (rand, 300);
		g_autofree char *msg = g_strdup_printf ("From: Sender %u <s%u@example.com>\r\nTo: alice@example.org\r\n"
		                                        "Subject: %s\r\nMessage-ID: <d%u.%u@example.com>\r\n"
		                                        "Content-Type: text/plain\r\n\r\n%s\r\n",
		                                        i % 97, i % 97, subject, i, g_rand_int (rand), body);
		gint64 t0;
		g_autoptr (AirdockdItem) item = NULL;

		g_assert_true (g_file_set_contents (path, msg, -1, NULL));
		t0 = g_get_monotonic_time ();
		item = airdockd_store_add_message (store, uid, folder, path, FALSE, &error);
		total += g_get_monotonic_time () - t0;
		g_assert_no_error (error);
	}
	g_unlink (path);
	return (double) total / n / 1000.0;
}

/* Bulk rows, as delivery would leave them (bench only: bound parameters). */
static void
fill (const char *db_path, gint64 uid, const char *folder, GRand *rand, guint from, guint to)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL, *body_st = NULL;
	gint64 folder_row = 0;

	g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
	sqlite3_busy_timeout (db, 10000);
	g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM folders WHERE user_id = ? AND server_id = ?", -1, &st, NULL), ==, SQLITE_OK);
	sqlite3_bind_int64 (st, 1, uid);
	sqlite3_bind_text (st, 2, folder, -1, SQLITE_STATIC);
	g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
	folder_row = sqlite3_column_int64 (st, 0);
	sqlite3_finalize (st);
	sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
	g_assert_cmpint (sqlite3_prepare_v2 (db,
		"INSERT INTO items (user_id, folder_id, server_id, class, modseq, created_modseq,"
		" from_addr, to_addr, subject, preview, date_received, thread_id)"
		" VALUES (?1, ?2, ?3, 1, ?4, ?4, ?5, 'alice@example.org', ?6, ?7, ?8, ?3)", -1, &st, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE mail_fts SET body = ?1 || ' ' || ?2 WHERE rowid = ?3;",
	                                     -1, &body_st, NULL), ==, SQLITE_OK);
	for (guint i = from; i < to; i++) {
		g_autofree char *sid = g_strdup_printf ("b:%u", i);
		g_autofree char *sender = g_strdup_printf ("Sender %u <s%u@example.com>", i % 997, i % 997);
		g_autofree char *subject = sentence (rand, 6);
		g_autofree char *preview = sentence (rand, 40);
		g_autofree char *rest = sentence (rand, 110);

		sqlite3_bind_int64 (st, 1, uid);
		sqlite3_bind_int64 (st, 2, folder_row);
		sqlite3_bind_text (st, 3, sid, -1, SQLITE_STATIC);
		sqlite3_bind_int64 (st, 4, 1000000 + i);
		sqlite3_bind_text (st, 5, sender, -1, SQLITE_STATIC);
		sqlite3_bind_text (st, 6, subject, -1, SQLITE_STATIC);
		sqlite3_bind_text (st, 7, preview, -1, SQLITE_STATIC);
		sqlite3_bind_int64 (st, 8, 1600000000 + (gint64) i * 60);
		g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
		sqlite3_reset (st);
		sqlite3_bind_text (body_st, 1, preview, -1, SQLITE_STATIC);
		sqlite3_bind_text (body_st, 2, rest, -1, SQLITE_STATIC);
		sqlite3_bind_int64 (body_st, 3, sqlite3_last_insert_rowid (db));
		g_assert_cmpint (sqlite3_step (body_st), ==, SQLITE_DONE);
		sqlite3_reset (body_st);
	}
	sqlite3_finalize (st);
	sqlite3_finalize (body_st);
	/* The drain has nothing left to do for these rows (no message file). */
	g_assert_cmpint (sqlite3_exec (db, "DELETE FROM mail_fts_pending", NULL, NULL, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
	sqlite3_close (db);
}

/* Bytes of the index's tables (dbstat), or -1 when SQLite lacks dbstat. */
static gint64
index_bytes (const char *db_path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	gint64 bytes = -1;

	g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
	if (sqlite3_prepare_v2 (db, "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'mail_fts%'", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step (st) == SQLITE_ROW)
		bytes = sqlite3_column_int64 (st, 0);
	sqlite3_finalize (st);
	sqlite3_close (db);
	return bytes;
}

/* This thread's CPU time: the machine may be shared. */
static double
thread_cpu_ms (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double) ts.tv_sec * 1000.0 + (double) ts.tv_nsec / 1e6;
}

static void
measure (AirdockdSearchIndex *index, gint64 uid, GRand *rand, guint n_messages)
{
	g_autoptr (GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
	g_autoptr (GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));
	g_autoptr (GArray) common = g_array_new (FALSE, FALSE, sizeof (double));
	guint64 hits = 0;

	for (guint q = 0; q < QUERIES; q++) {
		g_autoptr (GError) error = NULL;
		/* Half one word, half two; the first 10% are the commonest words. */
		g_autofree char *text = q < QUERIES / 10 ? g_strdup (words[q % 8]) :
		                        sentence (rand, 1 + q % 2);
		g_autofree char *expr = airdockd_search_index_expression (index, text, NULL);
		AirdockdSearchFilter filter = { .fts_match = expr };
		guint64 total = 0;
		double c0 = thread_cpu_ms ();
		gint64 t0 = g_get_monotonic_time ();
		g_autoptr (GPtrArray) page = airdockd_search_index_query (index, uid, &filter, 0, 100, &total, &error);
		double t = (double) (g_get_monotonic_time () - t0) / 1000.0;
		double c = thread_cpu_ms () - c0;

		g_assert_no_error (error);
		g_assert_nonnull (page);
		hits += total;
		if (g_getenv ("BENCH_SLOW") != NULL && t > 50)
			g_print ("  slow %.1f ms: %s (Total %" G_GUINT64_FORMAT ")\n", t, expr, total);
		g_array_append_val (ms, t);
		g_array_append_val (cpu, c);
		if (q < QUERIES / 10)
			g_array_append_val (common, t);
	}
	bench_sort_doubles (ms);
	bench_sort_doubles (cpu);
	bench_sort_doubles (common);
	g_print ("search %7u messages: p50 %.2f ms  p99 %.2f ms  max %.2f ms  (mean Total %.0f, %u queries)\n",
	         n_messages, bench_percentile (ms, 50), bench_percentile (ms, 99), bench_percentile (ms, 100),
	         (double) hits / QUERIES, QUERIES);
	g_print ("        CPU time (what a loaded machine's wall clock hides): p50 %.2f ms  p99 %.2f ms\n",
	         bench_percentile (cpu, 50), bench_percentile (cpu, 99));
	g_print ("        of which the %u commonest-word queries: p50 %.2f ms  p99 %.2f ms\n", common->len,
	         bench_percentile (common, 50), bench_percentile (common, 99));
}

int
main (int argc, char **argv)
{
	guint64 max = 100000;
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("airdock-bench-search-XXXXXX", &error);
	g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
	g_autofree char *db_path = g_build_filename (data_dir, "airdock.sqlite", NULL);
	g_autoptr (GRand) rand = g_rand_new_with_seed (42);
	g_autoptr (AirdockdStore) store = NULL;
	g_autoptr (AirdockdUser) user = NULL;
	g_autoptr (AirdockdFolder) inbox = NULL;
	g_autoptr (AirdockdSearchIndex) index = NULL;
	double plain, indexed;
	guint have = 0;

	if (argc > 1 && !g_ascii_string_to_unsigned (argv[1], 10, 1000, 10000000, &max, NULL))
		g_error ("usage: bench/search [max_messages 1000..10000000]");
	for (guint i = 0; i < VOCABULARY; i++)
		words[i] = g_strdup_printf ("w%c%c%u", 'a' + i % 26, 'a' + (i / 26) % 26, i);
	store = airdockd_store_open (data_dir, &error);
	g_assert_no_error (error);
	g_assert_true (airdockd_store_user_add (store, "alice", "alice@example.org", "pw-alice-1", &user, &error));
	inbox = airdockd_store_folder_get_by_type (store, user->id, AIRDOCKD_FOLDER_INBOX, &error);
	g_assert_no_error (error);

	plain = deliver_batch (store, user->id, inbox->server_id, dir, rand, DELIVERIES);
	index = airdockd_search_index_attach (store, &error);
	g_assert_no_error (error);
	indexed = deliver_batch (store, user->id, inbox->server_id, dir, rand, DELIVERIES);
	g_print ("delivery (%u messages each, ~300-word bodies): %.3f ms = %.0f msg/s without index, "
	         "%.3f ms = %.0f msg/s with index (+%.3f ms)\n",
	         DELIVERIES, plain, 1000.0 / plain, indexed, 1000.0 / indexed, indexed - plain);
	have = 2 * DELIVERIES;

	for (guint64 target = 10000; target <= max; target *= 10) {
		gint64 t0 = g_get_monotonic_time ();
		fill (db_path, user->id, inbox->server_id, rand, have, (guint) target);
		g_print ("filled to %u messages in %.1f s (bulk insert, indexed by the triggers)\n", (guint) target,
		         (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC);
		have = (guint) target;
		g_print ("index size: %.0f bytes per message\n", (double) index_bytes (db_path) / have);
		measure (index, user->id, rand, have);
	}
	g_clear_pointer (&index, airdockd_search_index_free);
	g_clear_pointer (&store, airdockd_store_unref);
	airdock_harness_remove_tree (dir);
	for (guint i = 0; i < VOCABULARY; i++)
		g_free (words[i]);
	return 0;
}
