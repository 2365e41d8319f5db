/* eas-moveitems.h — the MoveItems command ([MS-ASCMD] 2.2.1.12).
 *
 * Request: <MoveItems><Move><SrcMsgId/><SrcFldId/><DstFldId/></Move>…
 * Response: <MoveItems><Response><SrcMsgId/><Status/><DstMsgId/></Response>…
 *
 * Pure: no I/O.  Errors: EAS_MOVE_ITEMS_ERROR, or EAS_WBXML_ERROR when the
 * document does not decode.
 */
#pragma once

#include <glib.h>

#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define EAS_MOVE_ITEMS_ERROR (eas_move_items_error_quark ())
GQuark eas_move_items_error_quark (void);

typedef enum {
	EAS_MOVE_ITEMS_ERROR_INVALID,	/* wrong root, missing or repeated element */
	EAS_MOVE_ITEMS_ERROR_LIMIT,	/* too many moves or an id too long */
} EasMoveItemsErrorCode;

/* Limits.
 * - EAS_MOVE_ITEMS_MAX_MOVES: each move is a store transaction; clients move
 *   a selection (a screenful, "select all" of a folder view) at once, and
 *   Exchange answers larger batches piecewise.  1000 covers them.
 * - EAS_MOVE_ITEMS_MAX_ID_BYTES: server ids are at most 64 characters
 *   ([MS-ASCMD] 2.2.3.166); longer ones cannot name anything of ours. */
#define EAS_MOVE_ITEMS_MAX_MOVES 1000
#define EAS_MOVE_ITEMS_MAX_ID_BYTES 64

/* [MS-ASCMD] 2.2.3.177.9 Status (MoveItems). */
typedef enum {
	EAS_MOVE_ITEMS_STATUS_INVALID_SOURCE = 1,	/* source folder or item unknown */
	EAS_MOVE_ITEMS_STATUS_INVALID_DESTINATION = 2,
	EAS_MOVE_ITEMS_STATUS_SUCCESS = 3,
	EAS_MOVE_ITEMS_STATUS_SAME_FOLDER = 4,
	EAS_MOVE_ITEMS_STATUS_FAILED = 5,	/* more than one item, or a failure during the move */
	EAS_MOVE_ITEMS_STATUS_LOCKED = 7,	/* source or destination locked: retry */
} EasMoveItemsStatus;

typedef struct {
	char *src_msg_id;
	char *src_fld_id;
	char *dst_fld_id;
} EasMoveItemsMove;

typedef struct {
	GPtrArray *moves;	/* of EasMoveItemsMove*, in request order, at least one */
} EasMoveItemsRequest;

typedef struct {
	char *src_msg_id;
	guint status;
	char *dst_msg_id;	/* NULL when the move failed */
} EasMoveItemsResult;

void eas_move_items_request_free (EasMoveItemsRequest *request);
void eas_move_items_move_free (EasMoveItemsMove *move);
void eas_move_items_result_free (EasMoveItemsResult *result);

/* Decodes a request.  limits may be NULL.  Each Move must carry SrcMsgId,
 * SrcFldId and DstFldId exactly once, each 1..MAX_ID_BYTES bytes. */
EasMoveItemsRequest *eas_move_items_request_decode (const guint8 *data, gsize len,
                                                    const EasWbxmlLimits *limits,
                                                    GError **error);
/* Encodes a request (test client). */
GBytes *eas_move_items_request_encode (const EasMoveItemsRequest *request);

/* Encodes the response: one Response per result, in order.  DstMsgId is
 * written only when set. */
GBytes *eas_move_items_response_encode (GPtrArray *results);
/* Decodes a response (test client): array of EasMoveItemsResult*. */
GPtrArray *eas_move_items_response_decode (const guint8 *data, gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasMoveItemsRequest, eas_move_items_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasMoveItemsMove, eas_move_items_move_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasMoveItemsResult, eas_move_items_result_free)

G_END_DECLS
