/* airdockd-compose.h — the outgoing message of SendMail, SmartReply and
 * SmartForward ([MS-ASCMD] 2.2.1.17, 2.2.1.19, 2.2.1.20), built with GMime.
 *
 * From the client's MIME:
 * - envelope sender: the account's address; the From header is set to it
 *   when missing or naming another address (no sending as someone else);
 * - recipients: every address of To, Cc and Bcc (groups flattened); the
 *   relayed copy carries no Bcc header, the Sent Items copy keeps it;
 * - Date and Message-ID are added when missing;
 * - SmartReply (without ReplaceMime): the original's plain text is appended
 *   to the client's text part, quoted with "> " under an "Original Message"
 *   block; In-Reply-To/References are set from the original when missing;
 * - SmartForward (without ReplaceMime): the original's text is appended
 *   unquoted under the same block and the original's attachments are added
 *   (streamed from its message file, not loaded).
 *
 * The client's MIME is spooled to a temporary file of the store and parsed
 * from there; the results are files too.  Error domain AIRDOCKD_COMPOSE_ERROR.
 */
#pragma once

#include <gio/gio.h>

#include "eas/eas-sendmail.h"
#include "server/airdockd-store.h"

G_BEGIN_DECLS

#define AIRDOCKD_COMPOSE_ERROR (airdockd_compose_error_quark ())
GQuark airdockd_compose_error_quark (void);

typedef enum {
	AIRDOCKD_COMPOSE_ERROR_FAILED,		/* I/O on the temporary files */
	AIRDOCKD_COMPOSE_ERROR_INVALID_MIME,	/* not a message GMime can read, or no headers */
	AIRDOCKD_COMPOSE_ERROR_NO_RECIPIENT,	/* To, Cc and Bcc are all empty */
	AIRDOCKD_COMPOSE_ERROR_TOO_MANY,	/* over AIRDOCKD_COMPOSE_MAX_RECIPIENTS */
} AirdockdComposeError;

/* Limits (why): recipients per message follow the SMTP client's cap; the
 * original's text quoted into a reply is cut at 1 MiB (a reply quoting more
 * is not useful, and it is held in memory while composing). */
#define AIRDOCKD_COMPOSE_MAX_RECIPIENTS 1000
#define AIRDOCKD_COMPOSE_MAX_QUOTE_BYTES (1024 * 1024)

typedef struct {
	char *relay_path;	/* message to relay (no Bcc header) */
	char *sent_path;	/* message for Sent Items (with Bcc) */
	char *mail_from;	/* envelope sender */
	GPtrArray *recipients;	/* char*, NULL-terminated (usable as const char * const *) */
} AirdockdOutgoing;

/* Unlinks both files and frees.  NULL is fine. */
void airdockd_outgoing_free (AirdockdOutgoing *out);

/* Builds the outgoing message.  original: the stored item replied to or
 * forwarded (NULL for SendMail or with ReplaceMime). */
AirdockdOutgoing *airdockd_compose_prepare (AirdockdStore *store,
                                            const char *account_email,
                                            const EasComposeRequest *request,
                                            const AirdockdItem *original,
                                            GError **error);

/* One structured log line for the mail commands (SendMail, Smart*,
 * MoveItems, ItemOperations, GetAttachment) with EAS_USER, EAS_DEVICE_ID
 * and EAS_CMD; req is an AirdockdRequest *.  Never pass message content. */
void airdockd_mail_log (gconstpointer req, GLogLevelFlags level, const char *format, ...)
	G_GNUC_PRINTF (3, 4);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdOutgoing, airdockd_outgoing_free)

G_END_DECLS
