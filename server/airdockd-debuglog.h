/* airdockd-debuglog.h — the debug log category "ActiveSync Synchronization".
 *
 * Off by default.  An administrator switches it on and off at run time with
 * `airdockctl log enable activesync [--user U] [--device D]` / `log disable`,
 * which writes the control file data_dir/debug.conf atomically (write to a
 * temporary file, rename).  The daemon notices without restart: before each
 * request it stat()s the control file and re-reads it only when its inode,
 * size or mtime changed (one stat per request, no watcher thread).
 *
 * When on, each request/response pair matching the filters is appended to
 * [log] debug_dir/activesync.log as decoded XML with command, user, device,
 * HTTP and EAS status and timing.  Password and DevicePassword values are
 * masked, the Authorization header is never written, and each text or
 * OPAQUE value (mail bodies, MIME) is cut to [log] debug_body_bytes.  When
 * the file would grow past [log] debug_max_bytes it is rotated:
 * activesync.log → .1 → .2 → .3 (three old files kept).
 *
 * Write failures are reported once per failure as warnings by the caller's
 * log domain; they never fail a request.
 */
#pragma once

#include <glib.h>

#include "server/airdockd-request.h"

G_BEGIN_DECLS

/* Name of the control file in data_dir, and of the only category. */
#define AIRDOCKD_DEBUGLOG_CONTROL_FILE "debug.conf"
#define AIRDOCKD_DEBUGLOG_CATEGORY "activesync"
#define AIRDOCKD_DEBUGLOG_FILE "activesync.log"
/* Old files kept by rotation: activesync.log.1 … .3 */
#define AIRDOCKD_DEBUGLOG_KEEP 3

#define AIRDOCKD_DEBUGLOG_ERROR (airdockd_debuglog_error_quark ())
GQuark airdockd_debuglog_error_quark (void);

typedef enum {
	AIRDOCKD_DEBUGLOG_ERROR_CONTROL,	/* control file malformed */
} AirdockdDebuglogError;

/* What the control file says.  user/device NULL = every user/device. */
typedef struct {
	gboolean enabled;
	char *user;
	char *device;
} AirdockdDebuglogControl;

void airdockd_debuglog_control_clear (AirdockdDebuglogControl *control);
/* Parses "key=value" lines (activesync=on|off, user=, device=; '#' comments).
 * Unknown keys are errors. */
gboolean airdockd_debuglog_control_parse (const char *text, gsize len,
                                          AirdockdDebuglogControl *out_control,
                                          GError **error);
/* Writes the control file atomically into data_dir. */
gboolean airdockd_debuglog_control_write (const char *data_dir,
                                          const AirdockdDebuglogControl *control,
                                          GError **error);

/* Renders a WBXML body as indented XML for the log: text and OPAQUE values
 * longer than body_bytes are cut (the full length is noted), Password and
 * DevicePassword values are replaced by "***".  If out_status is not NULL
 * it gets the text of the first Status element (or NULL).  Never fails:
 * an undecodable body is described instead. */
char *airdockd_debuglog_render (const guint8 *data, gsize len, gsize body_bytes,
                                char **out_status);

typedef struct _AirdockdDebuglog AirdockdDebuglog;

/* control_path: the control file; dir: where activesync.log goes (created
 * on first write).  max_bytes: rotation size; body_bytes: cut length. */
AirdockdDebuglog *airdockd_debuglog_new (const char *control_path, const char *dir,
                                         gsize max_bytes, gsize body_bytes);
void airdockd_debuglog_free (AirdockdDebuglog *log);

/* Re-reads the control file if it changed; TRUE when this user/device is to
 * be logged.  user/device may be NULL (then only an unfiltered log matches). */
gboolean airdockd_debuglog_wants (AirdockdDebuglog *log, const char *user, const char *device);
gsize airdockd_debuglog_get_body_bytes (AirdockdDebuglog *log);

/* Appends one entry (a complete text, ending in '\n'), rotating first when
 * it would pass max_bytes.  FALSE + G_IO_ERROR/G_FILE_ERROR on failure. */
gboolean airdockd_debuglog_append (AirdockdDebuglog *log, const char *entry, gsize len,
                                   GError **error);

/* ---- the request path (airdockd-http.c) -------------------------------- */

/* Writes one entry for a handled request when the category is on and the
 * filters match: time, command, user, device, client, HTTP status, EAS
 * Status, duration since start_us (g_get_monotonic_time), and both bodies
 * rendered by airdockd_debuglog_render.  A parked request (Ping, Sync Wait)
 * is written without a response.  Headers are never written (so neither is
 * Authorization).  Never fails the request: a write error is a warning. */
void airdockd_debuglog_exchange (AirdockdDebuglog *log, const AirdockdRequest *req,
                                 gint64 start_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdDebuglog, airdockd_debuglog_free)

G_END_DECLS

