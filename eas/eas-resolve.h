/* eas-resolve.h — the ResolveRecipients command model ([MS-ASCMD]
 * 2.2.1.15): decode the request, write the response.
 *
 * Pure: no I/O.  The server looks each To up and writes one Response per
 * To with the functions below.
 *
 * Limits (why): [MS-ASCMD] 2.2.3.183 — a To is at most 256 characters;
 * more than 1,000 To elements are undefined (we refuse them), and with
 * Availability at most 100 ([MS-ASCMD] 2.2.3.16: more gets Availability
 * Status 160, which the server applies).  MergedFreeBusy is at most 32 KB
 * ([MS-ASCMD] 2.2.3.107), one digit per 30 minutes; [MS-ASCMD] 2.2.3.61.1
 * lets a server refuse (Status 5) a span longer than its number of days
 * (Exchange 2010/2013: 42), which we follow, so one recipient costs at most
 * 2,016 digits and calendar expansion is bounded by it.  A span shorter
 * than 30 minutes is refused too; without EndTime it is seven days.
 *
 * Error domain: EAS_RESOLVE_ERROR; the server answers Status 5.
 */
#pragma once

#include <glib.h>

#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define EAS_RESOLVE_ERROR (eas_resolve_error_quark ())
GQuark eas_resolve_error_quark (void);

typedef enum {
	EAS_RESOLVE_ERROR_INVALID,
	EAS_RESOLVE_ERROR_LIMIT,
} EasResolveErrorCode;

#define EAS_RESOLVE_MAX_TO 1000
#define EAS_RESOLVE_MAX_TO_LEN 256
#define EAS_RESOLVE_MAX_AVAILABILITY_TO 100
#define EAS_RESOLVE_FREEBUSY_INTERVAL 1800	/* seconds per MergedFreeBusy digit */
#define EAS_RESOLVE_MAX_FREEBUSY 32768		/* digits (32 KB) */
#define EAS_RESOLVE_MAX_SPAN_DAYS 42		/* Availability span at most */
#define EAS_RESOLVE_DEFAULT_SPAN_DAYS 7		/* without EndTime */

/* [MS-ASCMD] 2.2.3.177.12 */
typedef enum {
	EAS_RESOLVE_STATUS_SUCCESS = 1,
	EAS_RESOLVE_STATUS_AMBIGUOUS = 2,		/* Response: suggestions follow */
	EAS_RESOLVE_STATUS_AMBIGUOUS_PARTIAL = 3,	/* Response: some suggestions follow */
	EAS_RESOLVE_STATUS_NOT_RESOLVED = 4,		/* Response */
	EAS_RESOLVE_STATUS_PROTOCOL_ERROR = 5,		/* top level */
	EAS_RESOLVE_STATUS_SERVER_ERROR = 6,		/* top level */
	EAS_RESOLVE_STATUS_NO_CERTIFICATE = 7,		/* Certificates */
	EAS_RESOLVE_STATUS_CERTIFICATE_LIMIT = 8,	/* Certificates */
	EAS_RESOLVE_STATUS_TOO_MANY_FOR_AVAILABILITY = 160,	/* Availability */
	EAS_RESOLVE_STATUS_PICTURE_NONE = 173,		/* Picture: the contact has none */
	EAS_RESOLVE_STATUS_PICTURE_TOO_LARGE = 174,	/* Picture: larger than MaxSize */
	EAS_RESOLVE_STATUS_PICTURE_LIMIT = 175,		/* Picture: beyond MaxPictures */
} EasResolveStatus;

/* [MS-ASCMD] 2.2.3.107: MergedFreeBusy digits.  Where events overlap in
 * one 30-minute interval the highest digit wins. */
#define EAS_RESOLVE_FB_FREE '0'
#define EAS_RESOLVE_FB_TENTATIVE '1'
#define EAS_RESOLVE_FB_BUSY '2'
#define EAS_RESOLVE_FB_OOF '3'
#define EAS_RESOLVE_FB_NO_DATA '4'

/* [MS-ASCMD] 2.2.3.24: CertificateRetrieval */
typedef enum {
	EAS_RESOLVE_CERTS_NONE = 1,
	EAS_RESOLVE_CERTS_FULL = 2,
	EAS_RESOLVE_CERTS_MINI = 3,
} EasResolveCertRetrieval;

typedef struct {
	GPtrArray *to;			/* char *, 1..EAS_RESOLVE_MAX_TO */
	EasResolveCertRetrieval cert_retrieval;	/* NONE when absent */
	guint max_certificates;		/* 0 = absent */
	guint max_ambiguous;		/* suggestions per ambiguous To; default 19 */
	gboolean availability;
	gint64 start_time;		/* Unix seconds (availability only) */
	gint64 end_time;		/* ≥ start_time + 30 minutes, ≤ start_time + 42 days */
	gboolean picture;
	guint picture_max_size;		/* Picture MaxSize in bytes; G_MAXUINT when absent */
	guint picture_max_count;	/* Picture MaxPictures; G_MAXUINT when absent */
} EasResolveRequest;

void eas_resolve_request_free (EasResolveRequest *request);

/* Decodes a ResolveRecipients tree (root ResolveRecipients:ResolveRecipients).
 * NULL + EAS_RESOLVE_ERROR when malformed or over a limit. */
EasResolveRequest *eas_resolve_request_decode (const EasNode *root, GError **error);

/* Number of MergedFreeBusy digits for the request's span (rounded up). */
guint eas_resolve_freebusy_length (const EasResolveRequest *request);

/* Raises the digits of free_busy (eas_resolve_freebusy_length digits) that
 * [start, end) (Unix seconds) touches to digit where they are lower; an
 * instant (end <= start) touches the interval it falls in.  Times outside
 * the request's span are ignored. */
void eas_resolve_freebusy_mark (const EasResolveRequest *request, char *free_busy,
                                gint64 start, gint64 end, char digit);

/* The Picture Status for a recipient with photo (NULL: none) when *io_sent
 * photos went out before in this response; counts it in *io_sent when it
 * is sent (Status 1).  0 when the request asks for no pictures. */
guint eas_resolve_picture_status (const EasResolveRequest *request, GBytes *photo, guint *io_sent);

/* One suggested or resolved recipient. */
typedef struct {
	const char *display_name;
	const char *email_address;
	guint type;			/* 1 GAL, 2 contact */
	/* Optional parts, written when their status is non-zero. */
	guint availability_status;
	const char *merged_free_busy;	/* with availability_status 1 */
	guint certificates_status;	/* 1: certificates follow; 7: none stored */
	GPtrArray *certificates;	/* GBytes* DER X.509, with status 1 */
	gboolean mini_certificates;	/* CertificateRetrieval 3: MiniCertificate elements */
	guint picture_status;		/* 1: picture follows as Data; 173–175: none sent */
	GBytes *picture;		/* JPEG/PNG bytes, with picture_status 1 */
} EasResolveRecipient;

/* Response: begin (Status 1 at top), then per To: response_begin,
 * recipients, response_end; then end. */
void eas_resolve_write_begin (EasWbxmlWriter *writer);
void eas_resolve_write_response_begin (EasWbxmlWriter *writer, const char *to,
                                       EasResolveStatus status, guint recipient_count);
void eas_resolve_write_recipient (EasWbxmlWriter *writer, const EasResolveRecipient *r);
void eas_resolve_write_response_end (EasWbxmlWriter *writer);
void eas_resolve_write_end (EasWbxmlWriter *writer);

GBytes *eas_resolve_encode_status (EasResolveStatus status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasResolveRequest, eas_resolve_request_free)

G_END_DECLS
