/* airdockd-cmd-estimate.c — GetItemEstimate ([MS-ASCMD] 2.2.1.9): how many
 * changes the next Sync of each collection would bring.  Never advances a
 * sync key and never writes state. */
#include "config.h"

#include <string.h>

#include "eas/eas-estimate.h"
#include "eas/eas-sync.h"
#include "eas/eas-synckey.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-pim.h"

static void
log_estimate (AirdockdRequest *req, GLogLevelFlags level, const char *what, const GError *error)
{
	g_log_structured (G_LOG_DOMAIN, level,
	                  "EAS_USER", req->user_name,
	                  "EAS_DEVICE_ID", req->query->device_id,
	                  "EAS_CMD", "GetItemEstimate",
	                  "MESSAGE", "GetItemEstimate: %s: %s", what, error ? error->message : "");
}

/* FilterType from the request, else from the options the last Sync stored. */
static guint
filter_type (AirdockdRequest *req, const EasEstimateCollection *c, const AirdockdSyncState *state)
{
	EasSyncOptions opts;

	if (c->has_filter_type)
		return c->filter_type;
	if (state->options != NULL && eas_sync_options_deserialize (state->options, req->version, &opts, NULL))
		return opts.filter_type;
	return EAS_FILTER_ALL;
}

/* Contacts, calendar, tasks, notes: the changes since the device's counter
 * that the next Sync would send under the FilterType — deletes, items in
 * the filter, and changed items leaving it (a SoftDelete). */
static gboolean
count_pim (AirdockdRequest *req, const EasEstimateCollection *c, const AirdockdSyncState *state,
           guint64 *out, GError **error)
{
	guint filter = filter_type (req, c, state);
	g_autoptr (GPtrArray) changes = airdockd_store_item_changes (req->store, req->user_id, c->collection_id,
	                                                             state->last_modseq, 0, NULL, error);
	guint64 n = 0;

	if (changes == NULL)
		return FALSE;
	for (guint i = 0; i < changes->len; i++) {
		const AirdockdItem *ch = g_ptr_array_index (changes, i);

		if (ch->deleted || ch->change == AIRDOCKD_CHANGE_DELETE || ch->change != AIRDOCKD_CHANGE_ADD ||
		    airdockd_pim_item_in_filter (ch, filter))
			n++;
	}
	*out = n;
	return TRUE;
}

/* Changes since the device's counter; with a FilterType, live items in the
 * window when the device has not received anything yet. */
static gboolean
count (AirdockdRequest *req, const EasEstimateCollection *c, const AirdockdSyncState *state,
       const AirdockdFolder *folder, guint64 *out, GError **error)
{
	gint64 span = eas_filter_type_seconds (filter_type (req, c, state));

	if (airdockd_pim_folder_class (folder->type) != AIRDOCKD_ITEM_EMAIL)
		return count_pim (req, c, state, out, error);

	if (span > 0 && state->last_modseq == 0) {
		gint64 cutoff = g_get_real_time () / G_USEC_PER_SEC - span;
		g_autoptr (GPtrArray) items = airdockd_store_item_list (req->store, req->user_id, c->collection_id,
		                                                        cutoff, error);
		if (items == NULL)
			return FALSE;
		*out = items->len;
		return TRUE;
	}
	return airdockd_store_item_count_changes (req->store, req->user_id, c->collection_id,
	                                          state->last_modseq, out, error);
}

static EasEstimateStatus
estimate_one (AirdockdRequest *req, const EasEstimateCollection *c, guint64 *out)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) folder = NULL;
	g_autoptr (AirdockdSyncState) state = NULL;
	EasSyncKeyMatch match;

	folder = airdockd_store_folder_get (req->store, req->user_id, c->collection_id, &error);
	if (folder == NULL || !airdockd_pim_folder_offered (folder->type, req->version))
		return EAS_ESTIMATE_STATUS_INVALID_COLLECTION;
	state = airdockd_store_sync_state_get (req->store, req->user_id, req->device_id, c->collection_id, &error);
	/* [MS-ASCMD] 2.2.3.177.7: 3 = the collection was never synced (or key
	 * 0), 4 = the key is not the current one.  2.5 sends no key: the
	 * device's state counts. */
	if (c->sync_key != NULL && strcmp (c->sync_key, "0") == 0)
		return EAS_ESTIMATE_STATUS_NOT_PRIMED;
	if (state == NULL)
		return c->sync_key != NULL ? EAS_ESTIMATE_STATUS_INVALID_SYNC_KEY : EAS_ESTIMATE_STATUS_NOT_PRIMED;
	if (c->sync_key != NULL) {
		match = eas_sync_key_classify (c->sync_key, strlen (c->sync_key), state->sync_key, NULL);
		if (match != EAS_SYNC_KEY_MATCH_CURRENT)
			return EAS_ESTIMATE_STATUS_INVALID_SYNC_KEY;
	}
	if (!count (req, c, state, folder, out, &error)) {
		log_estimate (req, G_LOG_LEVEL_WARNING, "counting", error);
		return EAS_ESTIMATE_STATUS_INVALID_COLLECTION;
	}
	return EAS_ESTIMATE_STATUS_OK;
}

void
airdockd_cmd_get_item_estimate (AirdockdRequest *req)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = NULL;
	g_autoptr (EasEstimateRequest) ereq = NULL;
	g_autofree EasEstimateResult *results = NULL;
	gsize len = 0;
	const guint8 *data = g_bytes_get_data (req->body, &len);

	root = eas_wbxml_parse (data, len, NULL, &error);
	if (root != NULL)
		ereq = eas_estimate_request_decode (root, req->version, &error);
	if (ereq == NULL) {
		log_estimate (req, G_LOG_LEVEL_INFO, "bad request", error);
		req->http_status = 400;
		return;
	}
	results = g_new0 (EasEstimateResult, ereq->collections->len);
	for (guint i = 0; i < ereq->collections->len; i++) {
		const EasEstimateCollection *c = g_ptr_array_index (ereq->collections, i);

		results[i].collection_id = c->collection_id;
		results[i].status = estimate_one (req, c, &results[i].estimate);
	}
	airdockd_request_set_wbxml (req, eas_estimate_response_encode (results, ereq->collections->len));
}
