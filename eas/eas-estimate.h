/* eas-estimate.h — the GetItemEstimate model ([MS-ASCMD] 2.2.1.9).
 *
 * Pure: no I/O.  Errors: EAS_SYNC_ERROR (INVALID, LIMIT): a malformed body
 * has no per-collection Status, the server answers HTTP 400.  Counts are
 * bounded by EAS_SYNC_MAX_COLLECTIONS, strings as in eas-sync.h.
 * GetItemEstimate never advances a sync key.
 */
#pragma once

#include <glib.h>

#include "eas/eas-query.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

/* [MS-ASCMD] 2.2.3.177.7 Status (GetItemEstimate). */
typedef enum {
	EAS_ESTIMATE_STATUS_OK = 1,
	EAS_ESTIMATE_STATUS_INVALID_COLLECTION = 2,
	EAS_ESTIMATE_STATUS_NOT_PRIMED = 3,	/* SyncKey 0: no state yet */
	EAS_ESTIMATE_STATUS_INVALID_SYNC_KEY = 4,
} EasEstimateStatus;

typedef struct {
	char *sync_key;		/* may be NULL on 2.5 */
	char *collection_id;
	char *class_name;	/* 2.5/12.x, or NULL */
	gboolean has_filter_type;
	guint filter_type;
	gboolean conversation_mode;
} EasEstimateCollection;

void eas_estimate_collection_free (EasEstimateCollection *collection);

typedef struct {
	GPtrArray *collections;	/* EasEstimateCollection*, never NULL; at most EAS_SYNC_MAX_COLLECTIONS */
} EasEstimateRequest;

EasEstimateRequest *eas_estimate_request_decode (const EasNode *root, EasVersion version,
                                                 GError **error);
void eas_estimate_request_free (EasEstimateRequest *req);

/* One <Response> per collection, in request order. */
typedef struct {
	EasEstimateStatus status;
	char *collection_id;
	guint64 estimate;	/* only sent with status OK */
} EasEstimateResult;

GBytes *eas_estimate_response_encode (const EasEstimateResult *results, gsize n_results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasEstimateCollection, eas_estimate_collection_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasEstimateRequest, eas_estimate_request_free)

G_END_DECLS
