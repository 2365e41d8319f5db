/* Shared by the conduit tests: real airdock-conduit and airdock-handheld
 * processes in a temporary directory.  Children die with the test
 * (PR_SET_PDEATHSIG), so a failed assertion leaves nothing running. */
#pragma once

#include <gio/gio.h>

#include "pst/pststore.h"

typedef struct {
	char *dir;
	char *state;     /* the handheld's state file */
	char *store;     /* the desktop store */
	char *logs;      /* per-device sync logs */
	char *conduit_line;   /* the conduit's "sync …" line of the last sync */
	char *handheld_out;   /* the simulator's stdout of the last sync */
} Harness;

void harness_init (Harness *h);
void harness_clear (Harness *h);
/* A new harness holding a copy of h's files (handheld, store, logs). */
void harness_copy (Harness *h, Harness *out_copy);

/* Runs airdock-handheld --state … ARGS… (NULL-terminated); returns its stdout
 * and asserts it exited with want_status. */
char *harness_handheld (Harness *h, int want_status, const char *first, ...) G_GNUC_NULL_TERMINATED;

/* One sync over TCP: conduit --once on 127.0.0.1:0, then the simulator with
 * the extra arguments (may be NULL).  Returns the conduit's exit status. */
int harness_sync_net (Harness *h, const char *const *conduit_extra, const char *const *handheld_extra);
/* The same in two steps: the conduit started (its "listening" line read;
 * *out_where: HOST:PORT), then the simulator dialling it. */
GSubprocess *harness_conduit_start_net (Harness *h, const char *const *conduit_extra, char **out_where);
int harness_handheld_sync_net (Harness *h, GSubprocess *conduit, const char *where, const char *const *handheld_extra);
/* The same over a pty at max baud (handheld offers it, conduit accepts it). */
int harness_sync_pty (Harness *h, guint baud, const char *const *handheld_extra);

/* Any tool of the build (path relative to the build dir), stdout piped;
 * it dies with the test. */
GSubprocess *harness_spawn (const char *tool_path, const char *first, ...) G_GNUC_NULL_TERMINATED;
/* One line of a child's stdout (without the newline), NULL at the end. */
char *harness_read_line (GSubprocess *p);

/* The store's live items of a kind, as "subject|body|category" lines sorted. */
char *harness_store_dump (Harness *h, PststoreKind kind);
/* The handheld's live records of "memo" or "todo" from `list`, sorted. */
char *harness_handheld_dump (Harness *h, const char *what);
PststoreStore *harness_store_open (Harness *h);
/* The number of log files for the handheld palm-<id>. */
guint harness_count_logs (Harness *h, guint32 user_id);
/* Text of the newest log. */
char *harness_newest_log (Harness *h, guint32 user_id);
