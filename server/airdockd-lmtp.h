/* airdockd-lmtp.h — mail in: an LMTP listener (RFC 2033) that delivers into
 * users' Inboxes.
 *
 * Commands: LHLO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT.  A recipient is
 * a user's login name or email address (local part before '@' also tried as
 * a login name); unknown → 550.  DATA is dot-unstuffed and streamed into a
 * temporary file in the store, bounded by max_message_bytes (552 when over);
 * after DATA one reply per accepted recipient (RFC 2033 4.2).  Lines are
 * bounded (500 5.5.2 when over) and each connection times out when idle.
 *
 * The command parser is a pure function over bytes (fuzzed).
 *
 * Error domain: AIRDOCKD_LMTP_ERROR.
 */
#pragma once

#include <gio/gio.h>

#include "server/airdockd-store.h"

G_BEGIN_DECLS

#define AIRDOCKD_LMTP_ERROR (airdockd_lmtp_error_quark ())
GQuark airdockd_lmtp_error_quark (void);

typedef enum {
	AIRDOCKD_LMTP_ERROR_SYNTAX,	/* malformed command line */
	AIRDOCKD_LMTP_ERROR_TOO_LONG,	/* line or address over the limit */
	AIRDOCKD_LMTP_ERROR_FAILED,	/* listening / I/O */
} AirdockdLmtpError;

/* Limits (why: mail senders are untrusted). */
#define AIRDOCKD_LMTP_MAX_LINE 1000		/* command line without CRLF (RFC 5321 4.5.3.1.4: 512; be lenient); DATA lines are streamed, unbounded */
#define AIRDOCKD_LMTP_MAX_ADDRESS 320		/* RFC 5321 4.5.3.1.3 path: 256; plus slack */
#define AIRDOCKD_LMTP_DEFAULT_MAX_RECIPIENTS 100	/* RFC 5321 4.5.3.1.8: at least 100 */
#define AIRDOCKD_LMTP_DEFAULT_MAX_MESSAGE (50 * 1024 * 1024)	/* bytes after unstuffing */
#define AIRDOCKD_LMTP_DEFAULT_TIMEOUT 300	/* seconds idle (RFC 5321 4.5.3.2.7: 5 min) */
#define AIRDOCKD_LMTP_DEFAULT_MAX_CONNECTIONS 100

typedef enum {
	AIRDOCKD_LMTP_CMD_LHLO,
	AIRDOCKD_LMTP_CMD_MAIL,
	AIRDOCKD_LMTP_CMD_RCPT,
	AIRDOCKD_LMTP_CMD_DATA,
	AIRDOCKD_LMTP_CMD_RSET,
	AIRDOCKD_LMTP_CMD_NOOP,
	AIRDOCKD_LMTP_CMD_QUIT,
	AIRDOCKD_LMTP_CMD_VRFY,
	AIRDOCKD_LMTP_CMD_HELO,	/* HELO/EHLO: refused in LMTP (RFC 2033 4.1) */
} AirdockdLmtpVerb;

typedef struct {
	AirdockdLmtpVerb verb;
	char *arg;	/* LHLO: domain; MAIL/RCPT: address without <> ("" = null path); else NULL */
} AirdockdLmtpCommand;

void airdockd_lmtp_command_clear (AirdockdLmtpCommand *cmd);

/* Parses one command line (without CRLF; len ≤ AIRDOCKD_LMTP_MAX_LINE).
 * Verbs are case-insensitive; MAIL/RCPT need "FROM:"/"TO:" and a <path>
 * (ESMTP parameters after it are accepted and ignored); NUL bytes, CR, LF or
 * non-ASCII in the line are a syntax error.  Pure: no I/O, no allocation on
 * failure.  Fills *out on success. */
gboolean airdockd_lmtp_parse_command (const guint8 *line,
				      gsize len,
				      AirdockdLmtpCommand *out,
				      GError **error);

typedef struct {
	gsize max_message_bytes;	/* 0 = default */
	guint max_recipients;
	guint timeout_seconds;
	guint max_connections;
} AirdockdLmtpLimits;

typedef struct _AirdockdLmtp AirdockdLmtp;

/* Called after a message was stored in a user's Inbox (main context of the
 * listener). */
typedef void (*AirdockdLmtpDeliveredFunc) (AirdockdLmtp *lmtp,
					   const AirdockdItem *item,
					   gpointer user_data);

/* limits NULL = defaults.  Keeps a reference on store. */
AirdockdLmtp *airdockd_lmtp_new (AirdockdStore *store, const AirdockdLmtpLimits *limits);
void airdockd_lmtp_free (AirdockdLmtp *lmtp);	/* closes listeners and connections */
void airdockd_lmtp_set_delivered_func (AirdockdLmtp *lmtp,
				       AirdockdLmtpDeliveredFunc func,
				       gpointer user_data);
/* address: "host:port" ("127.0.0.1:24", "[::1]:24", port 0 = any) or
 * "unix:/path/to/socket".  *out_port (nullable) gets the bound TCP port. */
gboolean airdockd_lmtp_listen (AirdockdLmtp *lmtp,
			       const char *address,
			       guint16 *out_port,
			       GError **error);

/* Stores the message file at path into the user's Inbox (unread) — what an
 * LMTP delivery does, for airdockctl deliver. */
AirdockdItem *airdockd_lmtp_deliver_file (AirdockdStore *store,
					  gint64 user_id,
					  const char *path,
					  GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdLmtp, airdockd_lmtp_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AirdockdLmtpCommand, airdockd_lmtp_command_clear)

G_END_DECLS
