/* bench/bench-util.h — small helpers shared by the benchmarks in bench/:
 * the build tree, the server's CPU time and summaries of samples.
 * Benchmarks print figures; nothing here asserts on them. */
#pragma once

#include <glib.h>

#include "tests/server/eas-client.h"

G_BEGIN_DECLS

/* What every benchmark's main() does first: parses the command line with
 * options (printing the error and returning FALSE on a bad one: exit 2),
 * then bench_set_build_dir (), and points TMPDIR (unless set) at /dev/shm
 * when there is one. */
gboolean bench_init (int *argc, char ***argv, const char *parameter_string,
                     const GOptionEntry *options);

/* Sets G_TEST_BUILDDIR (unless already set) to the build tree that holds
 * argv0, a program bench/NAME or libtool's bench/.libs/NAME, so the test
 * harness finds the server and the tools beside it. */
void bench_set_build_dir (const char *argv0);

/* The CPU time process pid has used so far, in nanoseconds: the sum of
 * every thread's run time in /proc/PID/task/TID/schedstat.  0 when the
 * process is gone. */
guint64 bench_server_cpu_ns (GPid pid);

/* Sorts n_values nanosecond samples in place and returns
 * "median M ms, mean M ms, min M ms, max M ms" (3 decimals).  n_values > 0. */
char *bench_ns_summary (guint64 *values, gsize n_values);

/* A Sync request of one collection: SyncKey key, CollectionId folder,
 * WindowSize window and Options with FilterType filter_type (none when
 * NULL) and a BodyPreference of Type body_type truncated at truncation
 * bytes.  Free with eas_node_free. */
EasNode *bench_sync_request (const char *key, const char *folder, gint window,
                             const char *filter_type, const char *body_type, gint truncation);

/* Posts the Sync request root and stops the program (g_error) unless the
 * answer is HTTP 200 with a collection of Status 1.  Replaces *key with the
 * new SyncKey, sets *out_more to whether MoreAvailable came and adds the
 * body's size to *bytes.  Returns the response (free with
 * airdock_eas_response_free); *out_commands is its collection's Commands,
 * NULL when there are none. */
AirdockEasResponse *bench_sync_post (AirdockEasClient *c, EasNode *root, char **key,
                                     gboolean *out_more, gsize *bytes, EasNode **out_commands);

/* Sorts a GArray of double in place, smallest first. */
void bench_sort_doubles (GArray *values);

/* The pct-th percentile (0–100) of a sorted GArray of double: the element at
 * len * pct / 100, the last one for 100.  0 for an empty array. */
double bench_percentile (GArray *sorted, guint pct);

G_END_DECLS
