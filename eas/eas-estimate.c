/* eas-estimate.c — the GetItemEstimate model; see eas-estimate.h. */
#include "config.h"

#include "eas/eas-estimate.h"
#include "eas/eas-sync.h"
#include "eas/eas-synckey.h"

void
eas_estimate_collection_free (EasEstimateCollection *c)
{
	if (c == NULL)
		return;
	g_free (c->sync_key);
	g_free (c->collection_id);
	g_free (c->class_name);
	g_free (c);
}

void
eas_estimate_request_free (EasEstimateRequest *req)
{
	if (req == NULL)
		return;
	g_clear_pointer (&req->collections, g_ptr_array_unref);
	g_free (req);
}

/* FilterType sits in airsync:Options (14.0+) or directly in the
 * Collection (2.5/12.x, airsync:FilterType). */
static gboolean
decode_filter (const EasNode *node, EasEstimateCollection *c, GError **error)
{
	const EasNode *opts = eas_node_child (node, EAS_AIRSYNC_OPTIONS);
	guint64 v = 0;

	for (; opts != NULL; opts = eas_node_next_same (opts)) {
		const char *cls = eas_node_child_text (opts, EAS_AIRSYNC_CLASS);

		if (cls != NULL && g_strcmp0 (cls, "SMS") == 0)
			continue;
		if (!eas_sync_child_uint (opts, EAS_AIRSYNC_FILTER_TYPE, 0, EAS_FILTER_MAX, G_MAXUINT64,
		                          &c->has_filter_type, &v, error))
			return FALSE;
		if (c->has_filter_type)
			break;
	}
	if (!c->has_filter_type &&
	    !eas_sync_child_uint (node, EAS_AIRSYNC_FILTER_TYPE, 0, EAS_FILTER_MAX, G_MAXUINT64,
	                          &c->has_filter_type, &v, error))
		return FALSE;
	c->filter_type = (guint) v;
	return TRUE;
}

static EasEstimateCollection *
decode_collection (const EasNode *node, EasVersion version, GError **error)
{
	g_autoptr (EasEstimateCollection) c = g_new0 (EasEstimateCollection, 1);

	if (!eas_sync_child_string (node, EAS_AIRSYNC_SYNC_KEY, EAS_SYNC_KEY_MAX_BYTES, version >= 120,
	                            &c->sync_key, error) ||
	    !eas_sync_child_string (node, EAS_GETITEMESTIMATE_COLLECTION_ID, EAS_SYNC_ID_MAX_BYTES, TRUE,
	                            &c->collection_id, error) ||
	    !eas_sync_child_string (node, EAS_GETITEMESTIMATE_CLASS, EAS_SYNC_CLASS_MAX_BYTES, FALSE,
	                            &c->class_name, error) ||
	    !decode_filter (node, c, error))
		return NULL;
	c->conversation_mode = eas_node_child (node, EAS_AIRSYNC_CONVERSATION_MODE) != NULL;
	return g_steal_pointer (&c);
}

EasEstimateRequest *
eas_estimate_request_decode (const EasNode *root, EasVersion version, GError **error)
{
	g_autoptr (EasEstimateRequest) req = g_new0 (EasEstimateRequest, 1);
	const EasNode *cols;

	req->collections = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_estimate_collection_free);
	if (root == NULL || root->tag != EAS_GETITEMESTIMATE_GET_ITEM_ESTIMATE) {
		g_set_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID,
		             "GetItemEstimate: wrong root element");
		return NULL;
	}
	cols = eas_node_child (root, EAS_GETITEMESTIMATE_COLLECTIONS);
	if (cols == NULL || eas_node_child (cols, EAS_GETITEMESTIMATE_COLLECTION) == NULL) {
		g_set_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID,
		             "GetItemEstimate: no Collection");
		return NULL;
	}
	for (const EasNode *n = eas_node_child (cols, EAS_GETITEMESTIMATE_COLLECTION); n != NULL;
	     n = eas_node_next_same (n)) {
		EasEstimateCollection *c;

		if (req->collections->len == EAS_SYNC_MAX_COLLECTIONS) {
			g_set_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_LIMIT,
			             "GetItemEstimate: too many collections");
			return NULL;
		}
		c = decode_collection (n, version, error);
		if (c == NULL)
			return NULL;
		g_ptr_array_add (req->collections, c);
	}
	return g_steal_pointer (&req);
}

/* [MS-ASCMD] 2.2.1.9: Response { Status, Collection { CollectionId, Estimate } }. */
GBytes *
eas_estimate_response_encode (const EasEstimateResult *results, gsize n_results)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	g_return_val_if_fail (results != NULL || n_results == 0, NULL);

	eas_wbxml_writer_start (w, EAS_GETITEMESTIMATE_GET_ITEM_ESTIMATE);
	for (gsize i = 0; i < n_results; i++) {
		const EasEstimateResult *r = &results[i];

		eas_wbxml_writer_start (w, EAS_GETITEMESTIMATE_RESPONSE);
		eas_wbxml_writer_uint_element (w, EAS_GETITEMESTIMATE_STATUS, r->status);
		eas_wbxml_writer_start (w, EAS_GETITEMESTIMATE_COLLECTION);
		eas_wbxml_writer_text_element (w, EAS_GETITEMESTIMATE_COLLECTION_ID,
		                               r->collection_id ? r->collection_id : "");
		if (r->status == EAS_ESTIMATE_STATUS_OK)
			eas_wbxml_writer_uint_element (w, EAS_GETITEMESTIMATE_ESTIMATE, r->estimate);
		eas_wbxml_writer_end (w);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}
