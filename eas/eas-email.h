/* eas-email.h — the email item model and its ApplicationData encoder
 * ([MS-ASEMAIL] 2.2.2, bodies and attachments per [MS-ASAIRS] 2.2.2).
 *
 * Pure: no I/O.  The server fills an EasEmailItem from its store (see
 * server/airdockd-email.h) and hands it to eas_email_encode(), which writes
 * the *children* of the container element: Sync wraps them in
 * AirSync:ApplicationData, ItemOperations Fetch in ItemOperations:Properties.
 *
 * Versions: 2.5 uses Email:Body / Email:BodyTruncated / Email:Attachments
 * (page 2) and Email:MIMEData for MIME; 12.0+ uses AirSyncBase:Body and
 * AirSyncBase:Attachments; 14.0+ adds Preview and Email2:ConversationId /
 * ConversationIndex (OPAQUE).
 */
#pragma once

#include <glib.h>

#include "eas/eas-query.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

/* [MS-ASAIRS] 2.2.2.22.3 Type. */
typedef enum {
	EAS_BODY_TYPE_NONE = 0,
	EAS_BODY_TYPE_PLAIN = 1,
	EAS_BODY_TYPE_HTML = 2,
	EAS_BODY_TYPE_RTF = 3,
	EAS_BODY_TYPE_MIME = 4,
} EasBodyType;

/* Preview is 0..255 characters ([MS-ASAIRS] 2.2.2.33). */
#define EAS_BODY_PREVIEW_MAX 255
/* At most this many BodyPreference elements are kept from a request: there
 * are only four body types. */
#define EAS_BODY_PREFERENCES_MAX 4

/* One AirSyncBase:BodyPreference ([MS-ASAIRS] 2.2.2.7). */
typedef struct {
	EasBodyType type;
	gboolean has_truncation_size;	/* absent = whole body */
	guint32 truncation_size;	/* bytes */
	gboolean all_or_none;		/* send nothing rather than a cut body */
	guint32 preview;		/* characters, 0 = none (14.0+) */
} EasBodyPreference;

/* [MS-ASCMD] 2.2.3.100.1 MIMESupport. */
typedef enum {
	EAS_MIME_SUPPORT_NEVER = 0,
	EAS_MIME_SUPPORT_SMIME_ONLY = 1,
	EAS_MIME_SUPPORT_ALWAYS = 2,
} EasMimeSupport;

/* What the client asked for; a plain struct the caller owns. */
typedef struct {
	EasVersion version;
	guint n_body_prefs;
	EasBodyPreference body_prefs[EAS_BODY_PREFERENCES_MAX];
	EasMimeSupport mime_support;
	/* 2.5: AirSync:MIMETruncation and AirSync:Truncation, as byte limits
	 * (G_MAXUINT32 = whole body).  Also used as the MIME truncation when a
	 * client sends MIMESupport without a Type 4 BodyPreference. */
	guint32 mime_truncation;
	guint32 truncation;
} EasEmailEncodeOptions;

/* Sets sensible defaults: version 14.1, no body preference (plain text,
 * whole), no MIME, no truncation. */
void eas_email_encode_options_init (EasEmailEncodeOptions *opts, EasVersion version);

/* One attachment ([MS-ASAIRS] 2.2.2.7, [MS-ASEMAIL] 2.2.2.6 for 2.5). */
typedef struct {
	char *display_name;
	char *file_reference;	/* opaque to the client; GetAttachment / Fetch name */
	guint method;		/* 1 normal, 5 embedded message, 6 OLE */
	guint64 estimated_size;
	char *content_id;	/* may be NULL */
	char *content_location;	/* may be NULL */
	gboolean is_inline;
} EasEmailAttachment;

EasEmailAttachment *eas_email_attachment_new (void);
void eas_email_attachment_free (EasEmailAttachment *att);

/* [MS-ASEMAIL] 2.2.2.27.1 Flag Status. */
typedef enum {
	EAS_FLAG_STATUS_CLEARED = 0,
	EAS_FLAG_STATUS_COMPLETE = 1,
	EAS_FLAG_STATUS_ACTIVE = 2,
} EasFlagStatus;

/* Bodies an encoder may need (see eas_email_needed_bodies()). */
typedef enum {
	EAS_EMAIL_NEED_PLAIN = 1 << 0,
	EAS_EMAIL_NEED_HTML = 1 << 1,
	EAS_EMAIL_NEED_MIME = 1 << 2,
} EasEmailNeeds;

/* An email as the device sees it.  All strings are UTF-8, owned, may be NULL
 * (then the element is left out).  Addresses are RFC 5322 lists as text. */
typedef struct {
	char *to;
	char *cc;
	char *from;
	char *reply_to;
	char *subject;
	char *display_to;
	char *thread_topic;
	gint64 date_received;		/* Unix seconds, UTC; 0 = unknown (left out) */
	guint importance;		/* 0 low, 1 normal, 2 high */
	gboolean read;
	char *message_class;		/* NULL = "IPM.Note"; "IPM.Note.SMIME…" for S/MIME */
	guint internet_cpid;		/* 0 = 65001 (UTF-8) */
	char *content_class;		/* NULL = "urn:content-classes:message" */
	EasFlagStatus flag_status;
	char *flag_type;		/* NULL = "for Follow Up" when flagged */
	gint64 flag_complete_time;	/* Unix seconds when complete, 0 = unknown */

	/* Bodies: fill those that eas_email_needed_bodies() asks for. */
	EasBodyType native_body_type;	/* 1 plain, 2 HTML (0 = plain) */
	char *body_plain;		/* may be NULL (treated as empty); may be cut */
	guint64 body_plain_size;	/* full size in bytes (>= strlen (body_plain)) */
	char *body_html;		/* NULL when the message has no HTML part; may be cut */
	guint64 body_html_size;		/* full size in bytes */
	char *preview;			/* plain-text preview (<= 255 chars), may be NULL */
	GBytes *mime;			/* the full RFC 5322 message, or NULL */
	guint64 mime_size;		/* full size, known even when mime is NULL */

	GPtrArray *attachments;		/* of EasEmailAttachment*, owned */

	GBytes *conversation_id;	/* 14.0+; OPAQUE; may be NULL */
	GBytes *conversation_index;	/* 14.0+; OPAQUE; may be NULL */

	/* A meeting request or cancellation: the Email MeetingRequest
	 * container (eas/eas-meeting.h), owned; NULL for other mail. */
	struct _EasMeetingRequest *meeting_request;
} EasEmailItem;

EasEmailItem *eas_email_item_new (void);
void eas_email_item_free (EasEmailItem *item);

/* Which bodies eas_email_encode() would read for these options (so the
 * server loads and converts only those). */
EasEmailNeeds eas_email_needed_bodies (const EasEmailEncodeOptions *opts);

/* How many bytes of a text body eas_email_encode() can use at most with
 * these options (0 = the whole body): a loader may stop reading there, but
 * must then set body_*_size to the full size. */
gsize eas_email_body_read_limit (const EasEmailEncodeOptions *opts);

/* Which body type eas_email_encode() sends for this item ([MS-ASAIRS]
 * 3.2.5.1: the server returns one Body; we take the richest requested type
 * the item can give: MIME when the item has MIME and a Type 4 preference
 * (2.5: MIMESupport) asks for it — with MIMESupport 1 only for S/MIME items,
 * whose message_class starts with "IPM.Note.SMIME" —, then HTML, then
 * plain). */
EasBodyType eas_email_choose_body (const EasEmailItem *item,
                                   const EasEmailEncodeOptions *opts);

/* Writes the ApplicationData children for item in opts->version to writer.
 * The caller opens and closes the container.  Cannot fail: the item is
 * trusted (built by the server). */
void eas_email_encode (EasWbxmlWriter *writer,
                       const EasEmailItem *item,
                       const EasEmailEncodeOptions *opts);

/* Writes only Read and Flag (a Sync Change of flags, [MS-ASCMD] 2.2.3.24). */
void eas_email_encode_flags (EasWbxmlWriter *writer,
                             const EasEmailItem *item,
                             const EasEmailEncodeOptions *opts);

/* "2009-11-12T00:31:45.000Z" ([MS-ASDTYPE] 2.3); returns a new string. */
char *eas_email_format_date (gint64 unix_seconds);

/* Longest prefix of text (len bytes) that is at most max bytes and does not
 * split a UTF-8 sequence. */
gsize eas_utf8_truncate_len (const char *text, gsize len, gsize max);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasEmailAttachment, eas_email_attachment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasEmailItem, eas_email_item_free)

G_END_DECLS
