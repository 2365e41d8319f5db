/* eas-itemops.h — the ItemOperations command ([MS-ASCMD] 2.2.1.10) and the
 * multipart response framing of GetAttachment-like fetches ([MS-ASCMD]
 * 2.2.1.10.1.1).
 *
 * Request: <ItemOperations> with Fetch, EmptyFolderContents and Move
 * operations, in order.  The response answers each in the same order; the
 * server writes it with the eas_itemops_write_* helpers around its own
 * content (an email's properties through eas/eas-email.h, attachment bytes).
 *
 * Multipart ([MS-ASCMD] 2.2.1.10.1.1): when the client sends
 * MS-ASAcceptMultiPart: T, the body is
 *   PartsCount (u32) · PartsCount × {Offset (u32), Length (u32)} · parts
 * (little-endian); part 0 is the WBXML response, parts 1… the data that the
 * response's Part elements point to.
 *
 * Pure: no I/O.  Errors: EAS_ITEMOPS_ERROR, or EAS_WBXML_ERROR when the
 * document does not decode.
 */
#pragma once

#include <glib.h>

#include "eas/eas-email.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define EAS_ITEMOPS_ERROR (eas_itemops_error_quark ())
GQuark eas_itemops_error_quark (void);

typedef enum {
	EAS_ITEMOPS_ERROR_INVALID,	/* wrong root, missing/repeated/bad element */
	EAS_ITEMOPS_ERROR_LIMIT,	/* too many operations, a value too long */
	EAS_ITEMOPS_ERROR_TRUNCATED,	/* multipart: shorter than its header says */
} EasItemOpsErrorCode;

/* Limits.
 * - EAS_ITEMOPS_MAX_OPERATIONS: clients fetch one item or attachment at a
 *   time (some a handful); every operation may read a message file.
 * - EAS_ITEMOPS_MAX_ID_BYTES: ServerId/CollectionId are ≤ 64 characters,
 *   FileReference and LongId are ours (short); 256 is generous.
 * - EAS_ITEMOPS_MAX_PARTS: multipart parse (test client): one part per
 *   operation plus the WBXML part. */
#define EAS_ITEMOPS_MAX_OPERATIONS 64
#define EAS_ITEMOPS_MAX_ID_BYTES 256
#define EAS_ITEMOPS_MAX_PARTS (EAS_ITEMOPS_MAX_OPERATIONS + 1)

/* [MS-ASCMD] 2.2.3.177.8 Status (ItemOperations). */
typedef enum {
	EAS_ITEMOPS_STATUS_SUCCESS = 1,
	EAS_ITEMOPS_STATUS_PROTOCOL_ERROR = 2,
	EAS_ITEMOPS_STATUS_SERVER_ERROR = 3,
	EAS_ITEMOPS_STATUS_BAD_URI = 4,
	EAS_ITEMOPS_STATUS_ACCESS_DENIED = 5,
	EAS_ITEMOPS_STATUS_NOT_FOUND = 6,
	EAS_ITEMOPS_STATUS_CONNECT_FAILED = 7,
	EAS_ITEMOPS_STATUS_BAD_RANGE = 8,
	EAS_ITEMOPS_STATUS_STORE_UNKNOWN = 9,
	EAS_ITEMOPS_STATUS_FILE_EMPTY = 10,
	EAS_ITEMOPS_STATUS_TOO_LARGE = 11,
	EAS_ITEMOPS_STATUS_IO_FAILURE = 12,
	EAS_ITEMOPS_STATUS_CONVERSION_FAILED = 14,
	EAS_ITEMOPS_STATUS_BAD_ATTACHMENT = 15,
	EAS_ITEMOPS_STATUS_RESOURCE_DENIED = 16,
	EAS_ITEMOPS_STATUS_PARTIAL = 17,
	EAS_ITEMOPS_STATUS_CREDENTIALS_REQUIRED = 18,
	EAS_ITEMOPS_STATUS_ACTION_NOT_SUPPORTED = 156,	/* common status ([MS-ASCMD] 2.2.2) */
} EasItemOpsStatus;

typedef enum {
	EAS_ITEMOPS_FETCH,
	EAS_ITEMOPS_EMPTY_FOLDER_CONTENTS,
	EAS_ITEMOPS_MOVE,
} EasItemOpsKind;

typedef struct {
	EasItemOpsKind kind;

	/* Fetch */
	char *store;		/* "Mailbox", "DocumentLibrary" (required) */
	char *server_id;	/* AirSync:ServerId, with collection_id */
	char *collection_id;	/* AirSync:CollectionId (also EmptyFolderContents) */
	char *file_reference;	/* AirSyncBase:FileReference (an attachment) */
	char *long_id;		/* Search:LongId */
	char *link_id;		/* DocumentLibrary:LinkId (not supported by us) */
	gboolean has_range;	/* Options/Range "start-end", inclusive */
	guint64 range_start;
	guint64 range_end;
	gboolean has_schema;	/* Options/Schema present: properties limited to it */
	EasEmailEncodeOptions email;	/* BodyPreference, MIMESupport from Options */

	/* EmptyFolderContents: collection_id, and: */
	gboolean delete_sub_folders;

	/* Move (14.0+): */
	GBytes *conversation_id;
	char *dst_fld_id;
	gboolean move_always;
} EasItemOp;

typedef struct {
	GPtrArray *ops;		/* of EasItemOp*, in request order, at least one */
} EasItemOpsRequest;

void eas_item_op_free (EasItemOp *op);
void eas_itemops_request_free (EasItemOpsRequest *request);

/* Decodes a request for protocol version (email options default to it).
 * limits may be NULL.  Checks per operation: Fetch has a Store and exactly
 * one way of naming its target (ServerId [+ CollectionId], FileReference,
 * LongId or LinkId); a Range is "start-end" with start ≤ end;
 * EmptyFolderContents has a CollectionId; Move has ConversationId and
 * DstFldId. */
EasItemOpsRequest *eas_itemops_request_decode (const guint8 *data, gsize len,
                                               EasVersion version,
                                               const EasWbxmlLimits *limits,
                                               GError **error);

/* ---- Response writing -------------------------------------------------- */

/* <ItemOperations><Status>status</Status><Response> */
void eas_itemops_write_begin (EasWbxmlWriter *writer, guint status);
/* </Response></ItemOperations> */
void eas_itemops_write_end (EasWbxmlWriter *writer);
/* A whole-request failure: <ItemOperations><Status>status</Status></ItemOperations>. */
GBytes *eas_itemops_encode_global_status (guint status);

/* <EmptyFolderContents><Status/><AirSync:CollectionId/></EmptyFolderContents> */
void eas_itemops_write_empty_folder (EasWbxmlWriter *writer, guint status,
                                     const char *collection_id);
/* <Move><Status/><ConversationId/></Move> */
void eas_itemops_write_move (EasWbxmlWriter *writer, guint status, GBytes *conversation_id);

/* Opens <Fetch><Status/> and echoes how the op named its target (ServerId +
 * CollectionId, FileReference, LongId or LinkId).  With a success status
 * the caller then writes Properties (eas_itemops_write_properties_begin …);
 * then eas_itemops_write_fetch_end. */
void eas_itemops_write_fetch_begin (EasWbxmlWriter *writer, guint status, const EasItemOp *op);
void eas_itemops_write_fetch_end (EasWbxmlWriter *writer);
/* <Properties> … </Properties> (the caller writes e.g. eas_email_encode()). */
void eas_itemops_write_properties_begin (EasWbxmlWriter *writer);
void eas_itemops_write_properties_end (EasWbxmlWriter *writer);

/* Attachment properties ([MS-ASCMD] 2.2.3.139.2): AirSyncBase:ContentType,
 * then Range and Total when a range was asked for, then either Data (the
 * bytes, base64 text, [MS-ASCMD] 2.2.3.39.2) or Part (multipart index). */
void eas_itemops_write_attachment_head (EasWbxmlWriter *writer,
                                        const char *content_type,
                                        gboolean with_range,
                                        guint64 range_start, guint64 range_len,
                                        guint64 total);
/* Streaming Data: begin, then the raw bytes in any pieces (base64-encoded as
 * they go; memory stays flat), then end.  Writes the Data element. */
typedef struct _EasItemOpsDataWriter EasItemOpsDataWriter;
EasItemOpsDataWriter *eas_itemops_data_begin (EasWbxmlWriter *writer, guint64 raw_len);
void eas_itemops_data_write (EasItemOpsDataWriter *dw, const guint8 *data, gsize len);
void eas_itemops_data_end (EasItemOpsDataWriter *dw);	/* frees dw */
/* <Part>n</Part> */
void eas_itemops_write_part (EasWbxmlWriter *writer, guint part);

/* ---- Multipart framing ([MS-ASCMD] 2.2.1.10.1.1) ---------------------- */

typedef struct {
	guint32 offset;		/* from the start of the response body */
	guint32 length;
} EasMultipartPart;

/* The header (count and PartMetaData) for parts of these lengths placed one
 * after another right behind it.  FALSE + EAS_ITEMOPS_ERROR_LIMIT when the
 * body would not fit the 32-bit offsets or n_parts is 0 or over
 * EAS_ITEMOPS_MAX_PARTS. */
GBytes *eas_multipart_header_encode (const guint64 *part_lengths, guint n_parts, GError **error);

/* Parses a multipart body (test client; untrusted).  Returns an array of
 * EasMultipartPart, each checked to lie inside data.  At most max_parts
 * parts (0 = EAS_ITEMOPS_MAX_PARTS). */
GArray *eas_multipart_parse (const guint8 *data, gsize len, guint max_parts, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasItemOp, eas_item_op_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasItemOpsRequest, eas_itemops_request_free)

G_END_DECLS
