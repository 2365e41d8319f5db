/* airdockd-smtp.h — mail out: relay a message to an SMTP server (RFC 5321).
 *
 * An asynchronous client on GIO: connects to [smtp] relay, EHLO (HELO if
 * EHLO is refused), MAIL FROM, one RCPT TO per recipient, DATA with the
 * message streamed, dot-stuffed and with bare LF turned into CRLF, then QUIT.
 * Every reply is awaited with a timeout.  Replies are bounded (line length
 * and number of continuation lines).
 *
 * Errors (domain AIRDOCKD_SMTP_ERROR): when the server refuses something,
 * error->code is its reply code (400–599) and the message says at which step
 * ("RCPT TO <x@y>: 550 …", the server's text sanitised and cut).  Other
 * failures use the small codes below.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AIRDOCKD_SMTP_ERROR (airdockd_smtp_error_quark ())
GQuark airdockd_smtp_error_quark (void);

typedef enum {
	AIRDOCKD_SMTP_ERROR_FAILED = 1,		/* local I/O (reading the message) */
	AIRDOCKD_SMTP_ERROR_CONNECT = 2,	/* could not connect / connection lost */
	AIRDOCKD_SMTP_ERROR_TIMEOUT = 3,	/* no reply within the timeout */
	AIRDOCKD_SMTP_ERROR_PROTOCOL = 4,	/* malformed or over-long reply */
	AIRDOCKD_SMTP_ERROR_INVALID = 5,	/* bad argument (address with CR/LF/<>, no recipient) */
	/* 400–599: the server's reply code */
} AirdockdSmtpError;

#define AIRDOCKD_SMTP_MAX_REPLY_LINE 1024	/* RFC 5321 4.5.3.1.5: 512; be lenient */
#define AIRDOCKD_SMTP_MAX_REPLY_LINES 100	/* continuation lines per reply */
#define AIRDOCKD_SMTP_MAX_RECIPIENTS 1000	/* per message */
#define AIRDOCKD_SMTP_DEFAULT_TIMEOUT 60	/* seconds per reply (RFC 5321 4.5.3.2 wants more for DATA; relays are local) */

typedef struct {
	const char *relay;		/* "host:port" or "host" (port 25); "[::1]:25" for IPv6 */
	const char *helo_name;		/* NULL = g_get_host_name () */
	guint timeout_seconds;		/* per reply; 0 = AIRDOCKD_SMTP_DEFAULT_TIMEOUT */
} AirdockdSmtpOptions;

/* Sends message (read to its end, not closed) from mail_from (may be "" for
 * the null sender) to recipients (NULL-terminated, at least one).  The
 * strings and options are copied; message is referenced until done. */
void airdockd_smtp_send_async (const AirdockdSmtpOptions *options,
			       const char *mail_from,
			       const char * const *recipients,
			       GInputStream *message,
			       GCancellable *cancellable,
			       GAsyncReadyCallback callback,
			       gpointer user_data);
gboolean airdockd_smtp_send_finish (GAsyncResult *result, GError **error);

/* Blocking convenience for programs without a main loop (runs a private
 * main context until done).  Same errors. */
gboolean airdockd_smtp_send_sync (const AirdockdSmtpOptions *options,
				  const char *mail_from,
				  const char * const *recipients,
				  GInputStream *message,
				  GCancellable *cancellable,
				  GError **error);

G_END_DECLS
