/* airdockd-seclog.h — the security log: who did what to which device.
 *
 * Each event is one JSON object on one line of data_dir/security.log:
 *   {"time":"2026-11-26T16:20:00Z","event":"wipe-sent","user":"alice",
 *    "device":"DEV1","detail":"RemoteWipe"}
 * and one structured log record (AIRDOCK_SECURITY=1, AIRDOCK_EVENT,
 * EAS_USER, EAS_DEVICE_ID, MESSAGE) for journald.
 *
 * Both airdockd and airdockctl append to the file: it is opened with
 * O_APPEND and each line goes out in a single write(), so lines from the two
 * processes never interleave.  The file is created with mode 0600.
 *
 * Strings are JSON-escaped (device ids come from clients); NULL fields are
 * left out.  In the structured record control characters are written as
 * \n or \xHH, so a client's DeviceId cannot start a line of its own.  Error domain: G_FILE_ERROR (open/write failures).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Event names (the "event" field). */
#define AIRDOCKD_SECLOG_WIPE_REQUESTED "wipe-requested"
#define AIRDOCKD_SECLOG_WIPE_SENT "wipe-sent"
#define AIRDOCKD_SECLOG_WIPE_ACKNOWLEDGED "wipe-acknowledged"
#define AIRDOCKD_SECLOG_WIPE_CANCELLED "wipe-cancelled"
#define AIRDOCKD_SECLOG_DEVICE_REMOVED "device-removed"
#define AIRDOCKD_SECLOG_DEVICE_RESYNC "device-resync"
#define AIRDOCKD_SECLOG_REFUSED_WIPED "device-refused-wiped"
#define AIRDOCKD_SECLOG_AUTH_FAILED "auth-failed"
#define AIRDOCKD_SECLOG_AUTH_LOCKED "auth-locked-out"
#define AIRDOCKD_SECLOG_POLICY_ACKNOWLEDGED "policy-acknowledged"

#define AIRDOCKD_SECLOG_FILE "security.log"
/* Longest field kept, in characters (why: logins and device ids come from
 * clients; a line stays far below what one write() appends at once).
 * Longer ones are cut and end in "…"; invalid UTF-8 becomes U+FFFD. */
#define AIRDOCKD_SECLOG_MAX_FIELD 256

/* Appends one event.  user, device_id, detail may be NULL.  Returns FALSE
 * with a G_FILE_ERROR when the line could not be written in full (the
 * structured log record is emitted either way). */
gboolean airdockd_seclog_write (const char *data_dir,
				const char *event,
				const char *user,
				const char *device_id,
				const char *detail,
				GError **error);

/* The same for callers that cannot act on a failure (the server's request
 * handlers): a failure is logged as a warning. */
void airdockd_seclog (const char *data_dir,
		      const char *event,
		      const char *user,
		      const char *device_id,
		      const char *detail);

/* airdockd_seclog() for events a client can repeat at will (requests from
 * a wiped device, from a locked-out login): the same (event, user,
 * device_id) is written at most once per AIRDOCKD_SECLOG_REPEAT_SECONDS in
 * this process; the next line written says how many were left out.
 * Returns TRUE when this call wrote (or tried to write) a line.  Remembers
 * at most AIRDOCKD_SECLOG_REPEAT_KEYS keys (then forgets them all). */
#define AIRDOCKD_SECLOG_REPEAT_SECONDS 60
#define AIRDOCKD_SECLOG_REPEAT_KEYS 4096
gboolean airdockd_seclog_repeatable (const char *data_dir,
				     const char *event,
				     const char *user,
				     const char *device_id,
				     const char *detail);

/* airdockd_seclog() with a printf-style detail. */
void airdockd_seclog_printf (const char *data_dir,
			     const char *event,
			     const char *user,
			     const char *device_id,
			     const char *detail_format,
			     ...) G_GNUC_PRINTF (5, 6);

/* Appends text as a JSON string literal (with quotes) to out; invalid
 * UTF-8 becomes U+FFFD. */
void airdockd_json_append_string (GString *out, const char *text);

G_END_DECLS
