/* airdockd-mime.h — the structure of a stored RFC 822 message (GMime 3).
 *
 * Reads message files from the store (or bytes, for tests and fuzzing) and
 * extracts what the store indexes: decoded headers, the best text/plain and
 * text/html parts, a preview, and the attachment list with decoded sizes.
 * Bodies and attachments are streamed from the file: a large attachment is
 * never held in memory.
 *
 * Input is untrusted (mail from the internet): every walk is bounded by
 * AIRDOCKD_MIME_MAX_PARTS and AIRDOCKD_MIME_MAX_DEPTH, and a message with
 * more than AIRDOCKD_MIME_MAX_MULTIPARTS multipart headers is read for its
 * top-level headers only; none of this is an error — parts past a limit are
 * ignored — so that mail is always deliverable.  Malformed MIME is parsed leniently as GMime does.
 *
 * Error domain: AIRDOCKD_MIME_ERROR.
 */
#pragma once

#include <gio/gio.h>

#include "server/airdockd-store.h"

G_BEGIN_DECLS

#define AIRDOCKD_MIME_ERROR (airdockd_mime_error_quark ())
GQuark airdockd_mime_error_quark (void);

typedef enum {
	AIRDOCKD_MIME_ERROR_FAILED,	/* I/O error reading the file */
	AIRDOCKD_MIME_ERROR_PARSE,	/* not a message at all */
	AIRDOCKD_MIME_ERROR_NOT_FOUND,	/* no such attachment / body part */
} AirdockdMimeError;

/* Limits (why: a message is attacker-controlled). */
#define AIRDOCKD_MIME_MAX_PARTS 1000		/* leaf parts walked per message */
#define AIRDOCKD_MIME_MAX_DEPTH 32		/* nesting of multiparts / message/rfc822 */
#define AIRDOCKD_MIME_MAX_MULTIPARTS 100	/* multipart headers per message: GMime's boundary
						 * matching costs lines x nesting, so a message with
						 * more is indexed by its top-level headers only */
#define AIRDOCKD_MIME_PREVIEW_CHARS 255		/* [MS-ASAIRS] Preview: at most 255 chars */
#define AIRDOCKD_MIME_MAX_HEADER_CHARS 4096	/* decoded header values are cut here */

typedef struct {
	char *from;		/* decoded UTF-8 address lists, as in the header */
	char *to;
	char *cc;
	char *reply_to;
	char *subject;
	char *message_id;	/* without <> */
	char *thread_id;	/* first References id, else In-Reply-To, else message_id */
	gint64 date;		/* Date: header as Unix time; 0 if missing/invalid */
	gint64 size;		/* bytes of the raw message */
	AirdockdImportance importance;	/* Importance:/X-Priority:, default NORMAL */
	char *plain_type;	/* "text/plain; charset=…" of the best plain part, or NULL */
	char *html_type;	/* same for text/html */
	char *preview;		/* ≤ 255 chars of the plain text (or of the HTML's text), whitespace folded */
	GPtrArray *attachments;	/* AirdockdAttachment, never NULL */
} AirdockdMimeInfo;

void airdockd_mime_info_free (AirdockdMimeInfo *info);

/* Parses the message in the file at path.  */
AirdockdMimeInfo *airdockd_mime_parse_file (const char *path, GError **error);
/* Same over bytes in memory (tests, fuzzing). */
AirdockdMimeInfo *airdockd_mime_parse_data (const guint8 *data, gsize len, GError **error);

/* The best text/plain body converted to UTF-8 with CRLF/LF kept as is.  At
 * most max_bytes bytes are returned (0 = no limit), cut at a character
 * boundary; *out_truncated (nullable) says whether it was cut, and
 * *out_total_bytes (nullable) gives the full UTF-8 size.  NOT_FOUND if the
 * message has no text part.  For an HTML-only message, NOT_FOUND too. */
char *airdockd_mime_get_text (const char *path,
			      gsize max_bytes,
			      gboolean *out_truncated,
			      gsize *out_total_bytes,
			      GError **error);
/* Same for the best text/html part. */
char *airdockd_mime_get_html (const char *path,
			      gsize max_bytes,
			      gboolean *out_truncated,
			      gsize *out_total_bytes,
			      GError **error);

/* Writes the decoded content of attachment number index (as listed in
 * AirdockdMimeInfo.attachments) to out, streaming.  Returns the number of
 * bytes written in *out_size (nullable).  NOT_FOUND for a bad index. */
gboolean airdockd_mime_write_attachment (const char *path,
					 guint index,
					 GOutputStream *out,
					 gsize *out_size,
					 GCancellable *cancellable,
					 GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdMimeInfo, airdockd_mime_info_free)

G_END_DECLS
