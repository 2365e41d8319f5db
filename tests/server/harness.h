/* harness.h — starts the real airdockd for a test.
 *
 *   g_autoptr (AirdockHarness) h = airdock_harness_start (NULL);
 *   gint64 uid = airdock_harness_add_user (h, "alice", "alice@example.org", "secret");
 *   g_autofree char *url = airdock_harness_url (h, TRUE);   // https://127.0.0.1:PORT
 *   ...
 *   // freed: SIGTERM, wait (asserts a clean exit), temp dir removed
 *
 * The binary is G_TEST_BUILDDIR/server/airdockd.  Each harness has its own
 * temporary directory (config, data_dir, server stdout log) and listens on
 * 127.0.0.1 with ports 0; the chosen ports come back through --ports-file.
 * Failures to start are test failures (g_assert), with the server's output
 * on stderr.
 */
#pragma once

#include <glib.h>

#include "server/airdockd-store.h"

G_BEGIN_DECLS

typedef struct {
	char *dir;		/* temporary directory, removed by _free */
	char *data_dir;		/* dir/data: the server's [server] data_dir */
	char *config_path;	/* dir/airdockd.conf */
	char *ports_path;
	char *log_path;		/* the server's stdout */
	gboolean capture_stderr;	/* stderr goes to log_path too */
	GPid pid;		/* 0 when not running */
	guint16 http_port;
	guint16 https_port;
} AirdockHarness;

/* Config text appended after the harness's own lines.  Keys of the groups
 * the harness writes ([server], [lmtp], [smtp]) override its values when
 * repeated (GKeyFile keeps the last value).  extra_config may be NULL. */
AirdockHarness *airdock_harness_start (const char *extra_config);

/* The same, with the server's stderr (its log) also in log_path, for tests
 * that check what the server logs (read it with airdock_harness_read_log). */
AirdockHarness *airdock_harness_start_capturing_log (const char *extra_config);
/* The server's output so far (stdout, and stderr when captured). */
char *airdock_harness_read_log (AirdockHarness *h);

/* Stops the server (SIGTERM, waits, asserts exit status 0) and starts it
 * again on the same data_dir with new extra config (new ports). */
void airdock_harness_restart (AirdockHarness *h, const char *extra_config);

/* Stops the server if running (SIGTERM, waits); keeps the directory. */
void airdock_harness_stop (AirdockHarness *h);

/* Stops the server and removes the temporary directory. */
void airdock_harness_free (AirdockHarness *h);

/* "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT" (no trailing slash). */
char *airdock_harness_url (AirdockHarness *h, gboolean https);

/* DER bytes of the certificate the server generated in its data_dir. */
GBytes *airdock_harness_certificate_der (AirdockHarness *h);

/* Opens the server's store (a second connection: the SQLite backend allows
 * that while the server runs).  Unref when done. */
AirdockdStore *airdock_harness_open_store (AirdockHarness *h);

/* Creates an account through the store; returns its id. */
gint64 airdock_harness_add_user (AirdockHarness *h,
                                 const char *name,
                                 const char *email,
                                 const char *password);

/* Path of a built program (G_TEST_BUILDDIR/relpath). */
char *airdock_harness_build_path (const char *relpath);

/* A POST to /Microsoft-Server-ActiveSync?query (e.g.
 * "Cmd=Sync&User=u&DeviceId=D&DeviceType=T") over a plain socket to the
 * HTTP port, with Basic user:password, MS-ASProtocolVersion version, a WBXML
 * Content-Type and Content-Length content_length, then content_length zero
 * bytes when send_body.  Returns the code of the answer's status line;
 * without send_body it is read before any body byte is sent. */
guint airdock_harness_raw_post (AirdockHarness *h, const char *query, const char *user,
                                const char *password, const char *version,
                                goffset content_length, gboolean send_body);

/* The server's security log (data_dir/AIRDOCKD_SECLOG_FILE); "" before
 * its first line (any other read error fails the test). */
char *airdock_harness_read_seclog (AirdockHarness *h);

/* How many requests (Ping, Sync with HeartbeatInterval) the server has
 * parked, from its data_dir/push.status ("parked=N"); 0 before it writes
 * one. */
guint airdock_harness_parked (AirdockHarness *h);

/* Waits until the server has exactly n requests parked: bounded (20 s), a
 * hang is a test failure, not a timing assertion. */
void airdock_harness_wait_parked (AirdockHarness *h, guint n);

/* Removes path and everything below it, best effort (a test's temporary
 * directory); symbolic links are removed, never followed.  A missing path
 * is no error. */
void airdock_harness_remove_tree (const char *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockHarness, airdock_harness_free)

G_END_DECLS
