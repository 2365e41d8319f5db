/* fuzz-sync-request.c — the Sync, FolderSync, Folder* and GetItemEstimate
 * request decoders (and the stored-options reader) on arbitrary bytes. */
#include "config.h"

#include <string.h>

#include "eas/eas-estimate.h"
#include "eas/eas-foldersync.h"
#include "eas/eas-sync.h"
#include "eas/eas-synckey.h"
#include "eas/eas-wbxml.h"
#include "fuzz.h"

static void
try_sync (const EasNode *root, EasVersion version)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasSyncRequest) req = eas_sync_request_decode (root, version, &error);

	if (req == NULL)
		return;
	for (guint i = 0; i < req->collections->len; i++) {
		EasSyncCollection *c = g_ptr_array_index (req->collections, i);
		EasSyncKey key;
		EasSyncOptions back;
		g_autoptr (GBytes) blob = eas_sync_options_serialize (&c->options);

		/* Whatever decodes must survive storage unchanged. */
		g_assert_true (eas_sync_options_deserialize (blob, version, &back, NULL));
		g_assert_cmpuint (back.filter_type, ==, c->options.filter_type);
		g_assert_cmpuint (back.email.n_body_prefs, ==, c->options.email.n_body_prefs);
		g_assert_cmpuint (c->window_size, >=, 1);
		g_assert_cmpuint (c->window_size, <=, EAS_SYNC_WINDOW_MAX);
		(void) eas_sync_key_parse (c->sync_key, strlen (c->sync_key), &key, NULL);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (data, size, NULL, &error);
	EasSyncOptions opts;

	/* The options reader sees the raw bytes too (it reads our own blobs,
	 * but a damaged database must not crash it). */
	g_autoptr (GBytes) raw = g_bytes_new (data, size);
	(void) eas_sync_options_deserialize (raw, 141, &opts, NULL);

	if (root == NULL)
		return 0;
	try_sync (root, 25);
	try_sync (root, 141);
	try_sync (root, 161);
	g_autofree char *key = eas_folder_sync_request_decode (root, NULL);
	g_autoptr (EasFolderChangeRequest) change = eas_folder_change_request_decode (root, NULL);
	g_autoptr (EasEstimateRequest) est = eas_estimate_request_decode (root, 141, NULL);
	g_autoptr (EasEstimateRequest) est25 = eas_estimate_request_decode (root, 25, NULL);
	return 0;
}
