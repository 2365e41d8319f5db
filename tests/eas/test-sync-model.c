/* test-sync-model.c — Sync and GetItemEstimate request decoding, options,
 * the response encoder and the email ApplicationData encoder. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <wbxml/wbxml.h>

#include "eas/eas-email.h"
#include "eas/eas-estimate.h"
#include "eas/eas-sync.h"

/* Encodes a hand-built tree with the real writer and parses it back with
 * the real decoder, so every test goes through the bytes. */
static EasNode *
roundtrip (EasNode *root)
{
	g_autoptr (GBytes) bytes = eas_node_encode (root);
	g_autoptr (GError) error = NULL;
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	EasNode *back = eas_wbxml_parse (data, len, NULL, &error);

	g_assert_no_error (error);
	g_assert_nonnull (back);
	eas_node_free (root);
	return back;
}

static EasNode *
parse_bytes (GBytes *bytes)
{
	g_autoptr (GError) error = NULL;
	gsize len;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	EasNode *root = eas_wbxml_parse (data, len, NULL, &error);

	g_assert_no_error (error);
	g_assert_nonnull (root);
	return root;
}

static EasNode *
new_sync_with_collection (EasNode **out_collection, const char *key, const char *id)
{
	EasNode *root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *cols = eas_node_append (root, EAS_AIRSYNC_COLLECTIONS);
	EasNode *col = eas_node_append (cols, EAS_AIRSYNC_COLLECTION);

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, id);
	*out_collection = col;
	return root;
}

static EasSyncRequest *
decode_ok (EasNode *root, EasVersion version)
{
	g_autoptr (EasNode) parsed = roundtrip (root);
	g_autoptr (GError) error = NULL;
	EasSyncRequest *req = eas_sync_request_decode (parsed, version, &error);

	g_assert_no_error (error);
	g_assert_nonnull (req);
	return req;
}

static void
decode_fails (EasNode *root, EasVersion version, EasSyncErrorCode code)
{
	g_autoptr (EasNode) parsed = roundtrip (root);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasSyncRequest) req = eas_sync_request_decode (parsed, version, &error);

	g_assert_null (req);
	g_assert_error (error, EAS_SYNC_ERROR, (gint) code);
}

static void
test_request_full (void)
{
	EasNode *col;
	EasNode *root = new_sync_with_collection (&col, "{0f8fad5b-d9cb-469f-a165-70867728950e}3", "5");

	eas_node_append_text (col, EAS_AIRSYNC_DELETES_AS_MOVES, "0");
	eas_node_append (col, EAS_AIRSYNC_GET_CHANGES);
	eas_node_append_text (col, EAS_AIRSYNC_WINDOW_SIZE, "25");
	EasNode *opts = eas_node_append (col, EAS_AIRSYNC_OPTIONS);
	eas_node_append_text (opts, EAS_AIRSYNC_FILTER_TYPE, "3");
	eas_node_append_text (opts, EAS_AIRSYNC_CONFLICT, "0");
	eas_node_append_text (opts, EAS_AIRSYNC_MIME_SUPPORT, "2");
	EasNode *bp = eas_node_append (opts, EAS_AIRSYNCBASE_BODY_PREFERENCE);
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TYPE, "2");
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TRUNCATION_SIZE, "5120");
	eas_node_append_text (bp, EAS_AIRSYNCBASE_ALL_OR_NONE, "1");
	eas_node_append_text (bp, EAS_AIRSYNCBASE_PREVIEW, "100");
	bp = eas_node_append (opts, EAS_AIRSYNCBASE_BODY_PREFERENCE);
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TYPE, "4");
	EasNode *cmds = eas_node_append (col, EAS_AIRSYNC_COMMANDS);
	EasNode *ch = eas_node_append (cmds, EAS_AIRSYNC_CHANGE);
	eas_node_append_text (ch, EAS_AIRSYNC_SERVER_ID, "5:1");
	EasNode *app = eas_node_append (ch, EAS_AIRSYNC_APPLICATION_DATA);
	eas_node_append_text (app, EAS_EMAIL_READ, "1");
	EasNode *flag = eas_node_append (app, EAS_EMAIL_FLAG);
	eas_node_append_text (flag, EAS_EMAIL_STATUS, "2");
	eas_node_append_text (flag, EAS_EMAIL_FLAG_TYPE, "Follow up");
	ch = eas_node_append (cmds, EAS_AIRSYNC_CHANGE);
	eas_node_append_text (ch, EAS_AIRSYNC_SERVER_ID, "5:2");
	app = eas_node_append (ch, EAS_AIRSYNC_APPLICATION_DATA);
	eas_node_append (app, EAS_EMAIL_FLAG);
	EasNode *del = eas_node_append (cmds, EAS_AIRSYNC_DELETE);
	eas_node_append_text (del, EAS_AIRSYNC_SERVER_ID, "5:3");
	EasNode *fetch = eas_node_append (cmds, EAS_AIRSYNC_FETCH);
	eas_node_append_text (fetch, EAS_AIRSYNC_SERVER_ID, "5:4");
	EasNode *add = eas_node_append (cmds, EAS_AIRSYNC_ADD);
	eas_node_append_text (add, EAS_AIRSYNC_CLIENT_ID, "c1");
	app = eas_node_append (add, EAS_AIRSYNC_APPLICATION_DATA);
	eas_node_append_text (app, EAS_EMAIL_TO, "bob@example.org");
	eas_node_append_text (app, EAS_EMAIL2_BCC, "eve@example.org");
	eas_node_append_text (app, EAS_EMAIL_SUBJECT, "Draft");
	eas_node_append_text (app, EAS_EMAIL_IMPORTANCE, "2");
	EasNode *body = eas_node_append (app, EAS_AIRSYNCBASE_BODY);
	eas_node_append_text (body, EAS_AIRSYNCBASE_TYPE, "2");
	eas_node_append_text (body, EAS_AIRSYNCBASE_DATA, "<p>draft</p>");

	g_autoptr (EasSyncRequest) req = decode_ok (root, 141);
	g_assert_false (req->empty);
	g_assert_cmpuint (req->collections->len, ==, 1);
	EasSyncCollection *c = g_ptr_array_index (req->collections, 0);
	g_assert_cmpstr (c->sync_key, ==, "{0f8fad5b-d9cb-469f-a165-70867728950e}3");
	g_assert_cmpstr (c->collection_id, ==, "5");
	g_assert_false (c->deletes_as_moves);
	g_assert_true (c->get_changes);
	g_assert_cmpuint (c->window_size, ==, 25);
	g_assert_true (c->has_options);
	g_assert_cmpuint (c->options.filter_type, ==, 3);
	g_assert_cmpuint (c->options.conflict, ==, 0);
	g_assert_cmpuint (c->options.email.mime_support, ==, EAS_MIME_SUPPORT_ALWAYS);
	g_assert_cmpuint (c->options.email.n_body_prefs, ==, 2);
	g_assert_cmpuint (c->options.email.body_prefs[0].type, ==, EAS_BODY_TYPE_HTML);
	g_assert_true (c->options.email.body_prefs[0].has_truncation_size);
	g_assert_cmpuint (c->options.email.body_prefs[0].truncation_size, ==, 5120);
	g_assert_true (c->options.email.body_prefs[0].all_or_none);
	g_assert_cmpuint (c->options.email.body_prefs[0].preview, ==, 100);
	g_assert_cmpuint (c->options.email.body_prefs[1].type, ==, EAS_BODY_TYPE_MIME);
	g_assert_false (c->options.email.body_prefs[1].has_truncation_size);

	g_assert_cmpuint (c->commands->len, ==, 5);
	EasSyncCommand *cmd = g_ptr_array_index (c->commands, 0);
	g_assert_cmpint (cmd->type, ==, EAS_SYNC_CMD_CHANGE);
	g_assert_cmpstr (cmd->server_id, ==, "5:1");
	g_assert_true (cmd->has_read);
	g_assert_true (cmd->read);
	g_assert_true (cmd->has_flag);
	g_assert_cmpint (cmd->flag_status, ==, EAS_FLAG_STATUS_ACTIVE);
	g_assert_cmpstr (cmd->flag_type, ==, "Follow up");
	cmd = g_ptr_array_index (c->commands, 1);
	g_assert_false (cmd->has_read);
	g_assert_true (cmd->has_flag);
	g_assert_cmpint (cmd->flag_status, ==, EAS_FLAG_STATUS_CLEARED);
	cmd = g_ptr_array_index (c->commands, 2);
	g_assert_cmpint (cmd->type, ==, EAS_SYNC_CMD_DELETE);
	g_assert_cmpstr (cmd->server_id, ==, "5:3");
	cmd = g_ptr_array_index (c->commands, 3);
	g_assert_cmpint (cmd->type, ==, EAS_SYNC_CMD_FETCH);
	cmd = g_ptr_array_index (c->commands, 4);
	g_assert_cmpint (cmd->type, ==, EAS_SYNC_CMD_ADD);
	g_assert_cmpstr (cmd->client_id, ==, "c1");
	g_assert_null (cmd->server_id);
	g_assert_cmpstr (cmd->to, ==, "bob@example.org");
	g_assert_null (cmd->cc);
	g_assert_cmpstr (cmd->bcc, ==, "eve@example.org");
	g_assert_cmpstr (cmd->subject, ==, "Draft");
	g_assert_true (cmd->has_importance);
	g_assert_cmpuint (cmd->importance, ==, 2);
	g_assert_cmpint (cmd->body_type, ==, EAS_BODY_TYPE_HTML);
	g_assert_cmpstr (cmd->body, ==, "<p>draft</p>");
}

static void
test_request_defaults (void)
{
	EasNode *col;
	EasNode *root = new_sync_with_collection (&col, "0", "1");

	/* GetChanges with key 0 means nothing ([MS-ASCMD] 2.2.3.84). */
	eas_node_append (col, EAS_AIRSYNC_GET_CHANGES);
	g_autoptr (EasSyncRequest) req = decode_ok (root, 160);
	EasSyncCollection *c = g_ptr_array_index (req->collections, 0);
	g_assert_false (c->get_changes);
	g_assert_true (c->deletes_as_moves);
	g_assert_false (c->has_options);
	g_assert_cmpuint (c->window_size, ==, EAS_SYNC_WINDOW_DEFAULT);
	g_assert_cmpuint (c->options.conflict, ==, 1);
	g_assert_cmpuint (c->options.filter_type, ==, EAS_FILTER_ALL);
	g_assert_cmpuint (c->commands->len, ==, 0);
}

static guint
window_for (const char *text)
{
	EasNode *col;
	EasNode *root = new_sync_with_collection (&col, "1", "1");

	eas_node_append_text (col, EAS_AIRSYNC_WINDOW_SIZE, text);
	g_autoptr (EasSyncRequest) req = decode_ok (root, 141);
	return ((EasSyncCollection *) g_ptr_array_index (req->collections, 0))->window_size;
}

static void
test_request_window (void)
{
	g_assert_cmpuint (window_for ("1"), ==, 1);
	g_assert_cmpuint (window_for ("511"), ==, 511);
	g_assert_cmpuint (window_for ("512"), ==, 512);
	g_assert_cmpuint (window_for ("513"), ==, 512);
	g_assert_cmpuint (window_for ("0"), ==, 512);
	g_assert_cmpuint (window_for ("4294967295"), ==, 512);

	/* Request-level WindowSize (12.1+) resolves the same way. */
	EasNode *col;
	EasNode *root = new_sync_with_collection (&col, "1", "1");
	eas_node_append_text (root, EAS_AIRSYNC_WINDOW_SIZE, "0");
	g_autoptr (EasSyncRequest) req = decode_ok (root, 141);
	g_assert_true (req->has_window_size);
	g_assert_cmpuint (req->window_size, ==, 512);
}

static void
test_request_wait (void)
{
	EasNode *col;
	EasNode *root = new_sync_with_collection (&col, "1", "1");

	eas_node_append_text (root, EAS_AIRSYNC_WAIT, "60");
	eas_node_append_text (root, EAS_AIRSYNC_HEARTBEAT_INTERVAL, "30");
	g_autoptr (EasSyncRequest) req = decode_ok (root, 141);
	g_assert_true (req->has_wait);
	g_assert_cmpuint (req->wait, ==, 60);
	g_assert_true (req->has_heartbeat);
	g_assert_cmpuint (req->heartbeat, ==, 30);
}

static void
test_request_empty (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasSyncRequest) req = eas_sync_request_decode (NULL, 141, &error);

	g_assert_no_error (error);
	g_assert_true (req->empty);

	EasNode *root = eas_node_new (EAS_AIRSYNC_SYNC);
	eas_node_append (root, EAS_AIRSYNC_PARTIAL);
	g_autoptr (EasSyncRequest) req2 = decode_ok (root, 141);
	g_assert_true (req2->empty);
	g_assert_true (req2->partial);
}

static void
test_request_invalid (void)
{
	EasNode *col;

	decode_fails (eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_SYNC), 141, EAS_SYNC_ERROR_INVALID);

	EasNode *root = eas_node_new (EAS_AIRSYNC_SYNC);
	col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, "1");
	decode_fails (root, 141, EAS_SYNC_ERROR_INVALID);	/* no SyncKey */

	root = new_sync_with_collection (&col, "1", "1");
	eas_node_append_text (eas_node_append (col, EAS_AIRSYNC_OPTIONS), EAS_AIRSYNC_FILTER_TYPE, "9");
	decode_fails (root, 141, EAS_SYNC_ERROR_INVALID);

	root = new_sync_with_collection (&col, "1", "1");
	eas_node_append_text (eas_node_append (col, EAS_AIRSYNC_OPTIONS), EAS_AIRSYNC_FILTER_TYPE, "-1");
	decode_fails (root, 141, EAS_SYNC_ERROR_INVALID);

	root = new_sync_with_collection (&col, "1", "1");
	eas_node_append_text (col, EAS_AIRSYNC_WINDOW_SIZE, "+5");
	decode_fails (root, 141, EAS_SYNC_ERROR_INVALID);

	root = new_sync_with_collection (&col, "1", "1");
	EasNode *bp = eas_node_append (eas_node_append (col, EAS_AIRSYNC_OPTIONS),
	                               EAS_AIRSYNCBASE_BODY_PREFERENCE);
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TYPE, "5");
	decode_fails (root, 141, EAS_SYNC_ERROR_INVALID);

	/* A Change without ServerId. */
	root = new_sync_with_collection (&col, "1", "1");
	eas_node_append (eas_node_append (col, EAS_AIRSYNC_COMMANDS), EAS_AIRSYNC_CHANGE);
	decode_fails (root, 141, EAS_SYNC_ERROR_INVALID);
}

/* Limit at N passes and at N+1 fails, for each limit of the decoder. */
static void
test_request_limits (void)
{
	for (guint extra = 0; extra <= 1; extra++) {
		EasNode *col;
		EasNode *root = new_sync_with_collection (&col, "1", "1");
		EasNode *cmds = eas_node_append (col, EAS_AIRSYNC_COMMANDS);

		for (guint i = 0; i < EAS_SYNC_MAX_COMMANDS + extra; i++)
			eas_node_append_text (eas_node_append (cmds, EAS_AIRSYNC_DELETE),
			                      EAS_AIRSYNC_SERVER_ID, "1:1");
		if (extra == 0) {
			g_autoptr (EasSyncRequest) req = decode_ok (root, 141);
			g_assert_cmpuint (((EasSyncCollection *) g_ptr_array_index (req->collections, 0))->commands->len,
			                  ==, EAS_SYNC_MAX_COMMANDS);
		} else {
			decode_fails (root, 141, EAS_SYNC_ERROR_LIMIT);
		}
	}
	for (guint extra = 0; extra <= 1; extra++) {
		EasNode *root = eas_node_new (EAS_AIRSYNC_SYNC);
		EasNode *cols = eas_node_append (root, EAS_AIRSYNC_COLLECTIONS);

		for (guint i = 0; i < EAS_SYNC_MAX_COLLECTIONS + extra; i++) {
			EasNode *col = eas_node_append (cols, EAS_AIRSYNC_COLLECTION);

			eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, "1");
			eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, "1");
		}
		if (extra == 0) {
			g_autoptr (EasSyncRequest) req = decode_ok (root, 141);
			g_assert_cmpuint (req->collections->len, ==, EAS_SYNC_MAX_COLLECTIONS);
		} else {
			decode_fails (root, 141, EAS_SYNC_ERROR_LIMIT);
		}
	}
	for (guint extra = 0; extra <= 1; extra++) {
		g_autofree char *id = g_strnfill (EAS_SYNC_ID_MAX_BYTES + extra, 'a');
		EasNode *col;
		EasNode *root = new_sync_with_collection (&col, "1", id);

		if (extra == 0) {
			g_autoptr (EasSyncRequest) req = decode_ok (root, 141);
			g_assert_cmpstr (((EasSyncCollection *) g_ptr_array_index (req->collections, 0))->collection_id, ==, id);
		} else {
			decode_fails (root, 141, EAS_SYNC_ERROR_LIMIT);
		}
	}
	for (guint extra = 0; extra <= 1; extra++) {
		EasNode *col;
		EasNode *root = new_sync_with_collection (&col, "1", "1");
		EasNode *opts = eas_node_append (col, EAS_AIRSYNC_OPTIONS);

		for (guint i = 0; i < EAS_BODY_PREFERENCES_MAX + extra; i++)
			eas_node_append_text (eas_node_append (opts, EAS_AIRSYNCBASE_BODY_PREFERENCE),
			                      EAS_AIRSYNCBASE_TYPE, "1");
		if (extra == 0) {
			g_autoptr (EasSyncRequest) req = decode_ok (root, 141);
			g_assert_cmpuint (((EasSyncCollection *) g_ptr_array_index (req->collections, 0))->options.email.n_body_prefs,
			                  ==, EAS_BODY_PREFERENCES_MAX);
		} else {
			decode_fails (root, 141, EAS_SYNC_ERROR_LIMIT);
		}
	}
	/* Class at 16 bytes and 17; FlagType at 256 and 257. */
	for (guint extra = 0; extra <= 1; extra++) {
		g_autofree char *cls = g_strnfill (EAS_SYNC_CLASS_MAX_BYTES + extra, 'C');
		g_autofree char *ft = g_strnfill (EAS_SYNC_FLAG_TYPE_MAX_BYTES + extra, 'f');
		EasNode *col;
		EasNode *root = new_sync_with_collection (&col, "1", "1");
		EasNode *root2 = NULL;

		eas_node_append_text (col, EAS_AIRSYNC_CLASS, cls);
		root2 = new_sync_with_collection (&col, "1", "1");
		EasNode *ch = eas_node_append (eas_node_append (col, EAS_AIRSYNC_COMMANDS), EAS_AIRSYNC_CHANGE);
		eas_node_append_text (ch, EAS_AIRSYNC_SERVER_ID, "1:1");
		EasNode *flag = eas_node_append (eas_node_append (ch, EAS_AIRSYNC_APPLICATION_DATA), EAS_EMAIL_FLAG);
		eas_node_append_text (flag, EAS_EMAIL_STATUS, "2");
		eas_node_append_text (flag, EAS_EMAIL_FLAG_TYPE, ft);
		if (extra == 0) {
			g_autoptr (EasSyncRequest) r1 = decode_ok (root, 121);
			g_autoptr (EasSyncRequest) r2 = decode_ok (root2, 141);
			EasSyncCollection *c1 = g_ptr_array_index (r1->collections, 0);
			EasSyncCollection *c2 = g_ptr_array_index (r2->collections, 0);
			g_assert_cmpstr (c1->class_name, ==, cls);
			g_assert_cmpstr (((EasSyncCommand *) g_ptr_array_index (c2->commands, 0))->flag_type, ==, ft);
		} else {
			decode_fails (root, 121, EAS_SYNC_ERROR_LIMIT);
			decode_fails (root2, 141, EAS_SYNC_ERROR_LIMIT);
		}
	}
	/* A draft's Subject at 64 KiB and one byte more. */
	for (guint extra = 0; extra <= 1; extra++) {
		g_autofree char *subject = g_strnfill (EAS_SYNC_DRAFT_FIELD_MAX_BYTES + extra, 's');
		EasNode *col;
		EasNode *root = new_sync_with_collection (&col, "1", "1");
		EasNode *add = eas_node_append (eas_node_append (col, EAS_AIRSYNC_COMMANDS), EAS_AIRSYNC_ADD);

		eas_node_append_text (add, EAS_AIRSYNC_CLIENT_ID, "c");
		eas_node_append_text (eas_node_append (add, EAS_AIRSYNC_APPLICATION_DATA), EAS_EMAIL_SUBJECT, subject);
		if (extra == 0) {
			g_autoptr (EasSyncRequest) req = decode_ok (root, 160);
			EasSyncCollection *c = g_ptr_array_index (req->collections, 0);
			g_assert_cmpuint (strlen (((EasSyncCommand *) g_ptr_array_index (c->commands, 0))->subject),
			                  ==, EAS_SYNC_DRAFT_FIELD_MAX_BYTES);
		} else {
			decode_fails (root, 160, EAS_SYNC_ERROR_LIMIT);
		}
	}
	/* Preview 255 is the maximum; 256 is refused. */
	for (guint extra = 0; extra <= 1; extra++) {
		g_autofree char *n = g_strdup_printf ("%u", EAS_BODY_PREVIEW_MAX + extra);
		EasNode *col;
		EasNode *root = new_sync_with_collection (&col, "1", "1");
		EasNode *bp = eas_node_append (eas_node_append (col, EAS_AIRSYNC_OPTIONS),
		                               EAS_AIRSYNCBASE_BODY_PREFERENCE);

		eas_node_append_text (bp, EAS_AIRSYNCBASE_TYPE, "1");
		eas_node_append_text (bp, EAS_AIRSYNCBASE_PREVIEW, n);
		if (extra == 0) {
			g_autoptr (EasSyncRequest) req = decode_ok (root, 141);
			g_assert_cmpuint (((EasSyncCollection *) g_ptr_array_index (req->collections, 0))->options.email.body_prefs[0].preview,
			                  ==, EAS_BODY_PREVIEW_MAX);
		} else {
			decode_fails (root, 141, EAS_SYNC_ERROR_INVALID);
		}
	}
}

static void
test_options_serialize (void)
{
	EasSyncOptions o, back;
	g_autoptr (GError) error = NULL;

	eas_sync_options_init (&o, 141);
	o.filter_type = 4;
	o.conflict = 0;
	o.max_items = 10;
	o.email.mime_support = EAS_MIME_SUPPORT_SMIME_ONLY;
	o.email.mime_truncation = 5120;
	o.email.n_body_prefs = 2;
	o.email.body_prefs[0] = (EasBodyPreference) { EAS_BODY_TYPE_PLAIN, TRUE, 200, TRUE, 50 };
	o.email.body_prefs[1] = (EasBodyPreference) { EAS_BODY_TYPE_MIME, FALSE, 0, FALSE, 0 };
	g_autoptr (GBytes) blob = eas_sync_options_serialize (&o);
	g_assert_true (eas_sync_options_deserialize (blob, 141, &back, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (back.filter_type, ==, 4);
	g_assert_cmpuint (back.conflict, ==, 0);
	g_assert_cmpuint (back.max_items, ==, 10);
	g_assert_cmpuint (back.email.mime_support, ==, EAS_MIME_SUPPORT_SMIME_ONLY);
	g_assert_cmpuint (back.email.mime_truncation, ==, 5120);
	g_assert_cmpuint (back.email.truncation, ==, G_MAXUINT32);
	g_assert_cmpuint (back.email.n_body_prefs, ==, 2);
	g_assert_cmpmem (&back.email.body_prefs[0], sizeof back.email.body_prefs[0],
	                 &o.email.body_prefs[0], sizeof o.email.body_prefs[0]);
	g_assert_cmpuint (back.email.body_prefs[1].type, ==, EAS_BODY_TYPE_MIME);
	g_assert_cmpuint (back.email.version, ==, 141);

	const char *bad[] = { "", "v2;0;1;0;0;0;0", "v1;9;1;0;0;0;0", "v1;0;1;0;0;0",
	                      "v1;0;1;0;0;0;0;5,0,0,0,0", "v1;0;1;0;0;0;0;1,0,0,0,256",
	                      "v1;0;1;0;0;0;0;1,0,0,0", "v1;0;1;0;3;0;0" };
	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GBytes) b = g_bytes_new_static (bad[i], strlen (bad[i]));
		EasSyncOptions untouched = back;

		g_assert_false (eas_sync_options_deserialize (b, 141, &back, &error));
		g_assert_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID);
		g_clear_error (&error);
		g_assert_cmpmem (&back, sizeof back, &untouched, sizeof untouched);
	}
}

static EasEmailItem *
sample_item (void)
{
	EasEmailItem *item = eas_email_item_new ();

	item->to = g_strdup ("\"Bob\" <bob@example.org>");
	item->from = g_strdup ("alice@example.org");
	item->subject = g_strdup ("Hello");
	item->date_received = 1258000305;	/* 2009-11-12T04:31:45Z */
	item->display_to = g_strdup ("Bob");
	item->read = TRUE;
	item->body_plain = g_strdup ("Hi Bob, caf\xc3\xa9 at noon?");
	item->body_plain_size = strlen (item->body_plain);
	item->body_html = g_strdup ("<p>Hi Bob</p>");
	item->body_html_size = strlen (item->body_html);
	item->mime = g_bytes_new_static ("Subject: Hello\r\n\r\nHi", 20);
	item->mime_size = 20;
	item->preview = g_strdup ("Hi Bob, caf\xc3\xa9 at noon?");
	EasEmailAttachment *att = eas_email_attachment_new ();
	att->display_name = g_strdup ("a.pdf");
	att->file_reference = g_strdup ("5:1:0");
	att->estimated_size = 1234;
	att->content_id = g_strdup ("cid1");
	att->is_inline = TRUE;
	g_ptr_array_add (item->attachments, att);
	item->conversation_id = g_bytes_new_static ("\x00\x01\x02\x03", 4);
	return item;
}

static EasNode *
encode_item (const EasEmailItem *item, const EasEmailEncodeOptions *opts)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_sync_write_begin (w);
	eas_sync_write_collection_begin (w, opts->version, NULL, "{0f8fad5b-d9cb-469f-a165-70867728950e}2",
	                                 "5", EAS_SYNC_STATUS_OK);
	eas_sync_write_commands_begin (w);
	eas_sync_write_add (w, "5:1", item, opts);
	eas_sync_write_section_end (w);
	eas_sync_write_collection_end (w);
	g_autoptr (GBytes) bytes = eas_sync_write_finish (w);

	/* The whole tree: tests walk to ApplicationData with app_of(). */
	return parse_bytes (bytes);
}

static EasNode *
app_of (EasNode *root)
{
	return eas_node_path (root, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
	                      EAS_AIRSYNC_COMMANDS, EAS_AIRSYNC_ADD, EAS_AIRSYNC_APPLICATION_DATA, 0);
}

static void
test_email_plain_truncated (void)
{
	g_autoptr (EasEmailItem) item = sample_item ();
	EasEmailEncodeOptions opts;

	eas_email_encode_options_init (&opts, 141);
	opts.n_body_prefs = 1;
	/* 12 bytes would split "é" (bytes 11..12): the cut goes back to 11. */
	opts.body_prefs[0] = (EasBodyPreference) { EAS_BODY_TYPE_PLAIN, TRUE, 12, FALSE, 0 };
	g_assert_cmpuint (eas_email_needed_bodies (&opts), ==, EAS_EMAIL_NEED_PLAIN);
	g_assert_cmpuint (eas_email_body_read_limit (&opts), ==, 12);

	g_autoptr (EasNode) root = encode_item (item, &opts);
	EasNode *app = app_of (root);
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_SUBJECT), ==, "Hello");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_FROM), ==, "alice@example.org");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_DATE_RECEIVED), ==, "2009-11-12T04:31:45.000Z");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_READ), ==, "1");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_MESSAGE_CLASS), ==, "IPM.Note");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_INTERNET_CPID), ==, "65001");
	EasNode *body = eas_node_child (app, EAS_AIRSYNCBASE_BODY);
	g_assert_nonnull (body);
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_TYPE), ==, "1");
	g_autofree char *size = g_strdup_printf ("%zu", strlen (item->body_plain));
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_ESTIMATED_DATA_SIZE), ==, size);
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_TRUNCATED), ==, "1");
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_DATA), ==, "Hi Bob, caf");
	/* No Preview asked: none sent. */
	g_assert_null (eas_node_child (body, EAS_AIRSYNCBASE_PREVIEW));
	EasNode *att = eas_node_path (app, EAS_AIRSYNCBASE_ATTACHMENTS, EAS_AIRSYNCBASE_ATTACHMENT, 0);
	g_assert_nonnull (att);
	g_assert_cmpstr (eas_node_child_text (att, EAS_AIRSYNCBASE_FILE_REFERENCE), ==, "5:1:0");
	g_assert_cmpstr (eas_node_child_text (att, EAS_AIRSYNCBASE_ESTIMATED_DATA_SIZE), ==, "1234");
	g_assert_cmpstr (eas_node_child_text (att, EAS_AIRSYNCBASE_IS_INLINE), ==, "1");
	EasNode *conv = eas_node_child (app, EAS_EMAIL2_CONVERSATION_ID);
	g_assert_nonnull (conv);
	g_assert_nonnull (conv->opaque);
	g_assert_cmpuint (g_bytes_get_size (conv->opaque), ==, 4);
	/* Cleared flag: an empty Flag element. */
	EasNode *flag = eas_node_child (app, EAS_EMAIL_FLAG);
	g_assert_nonnull (flag);
	g_assert_null (flag->first_child);
}

static void
test_email_whole_and_all_or_none (void)
{
	g_autoptr (EasEmailItem) item = sample_item ();
	EasEmailEncodeOptions opts;
	gsize len = strlen (item->body_plain);

	eas_email_encode_options_init (&opts, 141);
	opts.n_body_prefs = 1;
	/* Exactly the size: whole, not truncated. */
	opts.body_prefs[0] = (EasBodyPreference) { EAS_BODY_TYPE_PLAIN, TRUE, (guint32) len, TRUE, 0 };
	g_autoptr (EasNode) r1 = encode_item (item, &opts);
	EasNode *body = eas_node_child (app_of (r1), EAS_AIRSYNCBASE_BODY);
	g_assert_null (eas_node_child (body, EAS_AIRSYNCBASE_TRUNCATED));
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_DATA), ==, item->body_plain);

	/* One byte short with AllOrNone: no data at all, Truncated set. */
	opts.body_prefs[0].truncation_size = (guint32) len - 1;
	g_autoptr (EasNode) r2 = encode_item (item, &opts);
	body = eas_node_child (app_of (r2), EAS_AIRSYNCBASE_BODY);
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_TRUNCATED), ==, "1");
	g_assert_null (eas_node_child (body, EAS_AIRSYNCBASE_DATA));
}

static void
test_email_html_mime_preview (void)
{
	g_autoptr (EasEmailItem) item = sample_item ();
	EasEmailEncodeOptions opts;

	eas_email_encode_options_init (&opts, 141);
	opts.n_body_prefs = 1;
	opts.body_prefs[0] = (EasBodyPreference) { EAS_BODY_TYPE_HTML, FALSE, 0, FALSE, 6 };
	g_assert_cmpint (eas_email_choose_body (item, &opts), ==, EAS_BODY_TYPE_HTML);
	g_autoptr (EasNode) r1 = encode_item (item, &opts);
	EasNode *body = eas_node_child (app_of (r1), EAS_AIRSYNCBASE_BODY);
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_TYPE), ==, "2");
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_DATA), ==, "<p>Hi Bob</p>");
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_PREVIEW), ==, "Hi Bob");

	/* Preview is 14.0+ only. */
	opts.version = 121;
	g_autoptr (EasNode) r0 = encode_item (item, &opts);
	body = eas_node_child (app_of (r0), EAS_AIRSYNCBASE_BODY);
	g_assert_null (eas_node_child (body, EAS_AIRSYNCBASE_PREVIEW));
	g_assert_null (eas_node_child (app_of (r0), EAS_EMAIL2_CONVERSATION_ID));
	opts.version = 141;

	/* HTML asked of a plain-only message: plain is sent. */
	g_clear_pointer (&item->body_html, g_free);
	g_assert_cmpint (eas_email_choose_body (item, &opts), ==, EAS_BODY_TYPE_PLAIN);

	opts.body_prefs[0] = (EasBodyPreference) { EAS_BODY_TYPE_MIME, TRUE, 10, FALSE, 0 };
	g_assert_cmpuint (eas_email_needed_bodies (&opts) & EAS_EMAIL_NEED_MIME, !=, 0);
	/* MIMESupport 1: MIME for S/MIME mail only, plain text otherwise. */
	opts.mime_support = EAS_MIME_SUPPORT_SMIME_ONLY;
	g_assert_cmpuint (eas_email_needed_bodies (&opts) & EAS_EMAIL_NEED_PLAIN, !=, 0);
	g_assert_cmpint (eas_email_choose_body (item, &opts), ==, EAS_BODY_TYPE_PLAIN);
	item->message_class = g_strdup ("IPM.Note.SMIME.MultipartSigned");
	g_assert_cmpint (eas_email_choose_body (item, &opts), ==, EAS_BODY_TYPE_MIME);
	opts.mime_support = EAS_MIME_SUPPORT_NEVER;
	g_autoptr (EasNode) r2 = encode_item (item, &opts);
	body = eas_node_child (app_of (r2), EAS_AIRSYNCBASE_BODY);
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_TYPE), ==, "4");
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_ESTIMATED_DATA_SIZE), ==, "20");
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_TRUNCATED), ==, "1");
	g_assert_cmpstr (eas_node_child_text (body, EAS_AIRSYNCBASE_DATA), ==, "Subject: H");
}

static void
test_email_v25 (void)
{
	g_autoptr (EasEmailItem) item = sample_item ();
	EasEmailEncodeOptions opts;

	eas_email_encode_options_init (&opts, 25);
	opts.truncation = 512;
	g_autoptr (EasNode) r1 = encode_item (item, &opts);
	EasNode *app = app_of (r1);
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_BODY), ==, item->body_plain);
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_BODY_TRUNCATED), ==, "0");
	g_assert_null (eas_node_child (app, EAS_AIRSYNCBASE_BODY));
	g_assert_null (eas_node_child (app, EAS_EMAIL_FLAG));
	EasNode *att = eas_node_path (app, EAS_EMAIL_ATTACHMENTS, EAS_EMAIL_ATTACHMENT, 0);
	g_assert_cmpstr (eas_node_child_text (att, EAS_EMAIL_ATT_NAME), ==, "5:1:0");

	opts.mime_support = EAS_MIME_SUPPORT_ALWAYS;
	opts.mime_truncation = 4;
	g_autoptr (EasNode) r2 = encode_item (item, &opts);
	app = app_of (r2);
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_MIME_TRUNCATED), ==, "1");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_MIME_SIZE), ==, "20");
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_MIME_DATA), ==, "Subj");
}

static void
test_email_flag (void)
{
	g_autoptr (EasEmailItem) item = sample_item ();
	EasEmailEncodeOptions opts;
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_email_encode_options_init (&opts, 141);
	item->flag_status = EAS_FLAG_STATUS_ACTIVE;
	item->read = FALSE;
	eas_sync_write_begin (w);
	eas_sync_write_collection_begin (w, 141, NULL, "k", "5", EAS_SYNC_STATUS_OK);
	eas_sync_write_commands_begin (w);
	eas_sync_write_change_flags (w, "5:1", item, &opts);
	eas_sync_write_delete (w, "5:2", TRUE);
	eas_sync_write_section_end (w);
	eas_sync_write_collection_end (w);
	g_autoptr (GBytes) bytes = eas_sync_write_finish (w);
	g_autoptr (EasNode) root = parse_bytes (bytes);
	EasNode *cmds = eas_node_path (root, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
	                               EAS_AIRSYNC_COMMANDS, 0);
	EasNode *app = eas_node_path (cmds, EAS_AIRSYNC_CHANGE, EAS_AIRSYNC_APPLICATION_DATA, 0);
	g_assert_cmpstr (eas_node_child_text (app, EAS_EMAIL_READ), ==, "0");
	g_assert_null (eas_node_child (app, EAS_EMAIL_SUBJECT));
	EasNode *flag = eas_node_child (app, EAS_EMAIL_FLAG);
	g_assert_cmpstr (eas_node_child_text (flag, EAS_EMAIL_STATUS), ==, "2");
	g_assert_cmpstr (eas_node_child_text (flag, EAS_EMAIL_FLAG_TYPE), ==, "for Follow Up");
	g_assert_cmpstr (eas_node_path (cmds, EAS_AIRSYNC_SOFT_DELETE, EAS_AIRSYNC_SERVER_ID, 0)->text, ==, "5:2");
}

static void
test_response_status_and_more (void)
{
	g_autoptr (GBytes) st = eas_sync_encode_status (EAS_SYNC_STATUS_INVALID_WAIT, 59);
	g_autoptr (EasNode) r = parse_bytes (st);
	g_assert_cmpuint (r->tag, ==, EAS_AIRSYNC_SYNC);
	g_assert_cmpstr (eas_node_child_text (r, EAS_AIRSYNC_STATUS), ==, "14");
	g_assert_cmpstr (eas_node_child_text (r, EAS_AIRSYNC_LIMIT), ==, "59");

	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	eas_sync_write_begin (w);
	eas_sync_write_collection_begin (w, 121, "Email", "k2", "5", EAS_SYNC_STATUS_OK);
	eas_sync_write_more_available (w);
	eas_sync_write_responses_begin (w);
	eas_sync_write_response (w, EAS_SYNC_CMD_CHANGE, NULL, "5:1", EAS_SYNC_STATUS_NOT_FOUND);
	eas_sync_write_fetch_response (w, "5:9", EAS_SYNC_STATUS_NOT_FOUND, NULL, NULL);
	eas_sync_write_section_end (w);
	eas_sync_write_collection_end (w);
	g_autoptr (GBytes) bytes = eas_sync_write_finish (w);
	g_autoptr (EasNode) root = parse_bytes (bytes);
	EasNode *col = eas_node_path (root, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	/* Element order per [MS-ASCMD] 2.2.3.29.2. */
	EasNode *n = col->first_child;
	g_assert_cmpuint (n->tag, ==, EAS_AIRSYNC_CLASS);
	n = n->next;
	g_assert_cmpuint (n->tag, ==, EAS_AIRSYNC_SYNC_KEY);
	n = n->next;
	g_assert_cmpuint (n->tag, ==, EAS_AIRSYNC_COLLECTION_ID);
	n = n->next;
	g_assert_cmpuint (n->tag, ==, EAS_AIRSYNC_STATUS);
	n = n->next;
	g_assert_cmpuint (n->tag, ==, EAS_AIRSYNC_MORE_AVAILABLE);
	n = n->next;
	g_assert_cmpuint (n->tag, ==, EAS_AIRSYNC_RESPONSES);
	g_assert_cmpstr (eas_node_path (n, EAS_AIRSYNC_CHANGE, EAS_AIRSYNC_STATUS, 0)->text, ==, "8");
	g_assert_cmpstr (eas_node_path (n, EAS_AIRSYNC_FETCH, EAS_AIRSYNC_SERVER_ID, 0)->text, ==, "5:9");
}

static void
test_utf8_truncate (void)
{
	const char *s = "a\xc3\xa9\xe2\x82\xac";	/* a é € : 1 + 2 + 3 bytes */

	g_assert_cmpuint (eas_utf8_truncate_len (s, 6, 6), ==, 6);
	g_assert_cmpuint (eas_utf8_truncate_len (s, 6, 5), ==, 3);
	g_assert_cmpuint (eas_utf8_truncate_len (s, 6, 4), ==, 3);
	g_assert_cmpuint (eas_utf8_truncate_len (s, 6, 3), ==, 3);
	g_assert_cmpuint (eas_utf8_truncate_len (s, 6, 2), ==, 1);
	g_assert_cmpuint (eas_utf8_truncate_len (s, 6, 0), ==, 0);
	g_assert_cmpuint (eas_filter_type_seconds (1), ==, 86400);
	g_assert_cmpuint (eas_filter_type_seconds (0), ==, 0);
}

static void
test_estimate (void)
{
	EasNode *root = eas_node_new (EAS_GETITEMESTIMATE_GET_ITEM_ESTIMATE);
	EasNode *cols = eas_node_append (root, EAS_GETITEMESTIMATE_COLLECTIONS);
	EasNode *col = eas_node_append (cols, EAS_GETITEMESTIMATE_COLLECTION);
	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, "{0f8fad5b-d9cb-469f-a165-70867728950e}1");
	eas_node_append_text (col, EAS_GETITEMESTIMATE_COLLECTION_ID, "5");
	eas_node_append_text (eas_node_append (col, EAS_AIRSYNC_OPTIONS), EAS_AIRSYNC_FILTER_TYPE, "2");
	col = eas_node_append (cols, EAS_GETITEMESTIMATE_COLLECTION);
	eas_node_append_text (col, EAS_GETITEMESTIMATE_CLASS, "Email");
	eas_node_append_text (col, EAS_GETITEMESTIMATE_COLLECTION_ID, "6");
	eas_node_append_text (col, EAS_AIRSYNC_FILTER_TYPE, "1");
	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, "0");

	g_autoptr (EasNode) parsed = roundtrip (root);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasEstimateRequest) req = eas_estimate_request_decode (parsed, 141, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (req->collections->len, ==, 2);
	EasEstimateCollection *c = g_ptr_array_index (req->collections, 0);
	g_assert_cmpstr (c->collection_id, ==, "5");
	g_assert_true (c->has_filter_type);
	g_assert_cmpuint (c->filter_type, ==, 2);
	c = g_ptr_array_index (req->collections, 1);
	g_assert_cmpstr (c->class_name, ==, "Email");
	g_assert_cmpuint (c->filter_type, ==, 1);
	g_assert_cmpstr (c->sync_key, ==, "0");

	EasEstimateResult res[] = { { EAS_ESTIMATE_STATUS_OK, "5", 42 },
	                            { EAS_ESTIMATE_STATUS_INVALID_SYNC_KEY, "6", 7 } };
	g_autoptr (GBytes) out = eas_estimate_response_encode (res, 2);
	g_autoptr (EasNode) back = parse_bytes (out);
	EasNode *resp = eas_node_child (back, EAS_GETITEMESTIMATE_RESPONSE);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_GETITEMESTIMATE_STATUS), ==, "1");
	g_assert_cmpstr (eas_node_path (resp, EAS_GETITEMESTIMATE_COLLECTION, EAS_GETITEMESTIMATE_ESTIMATE, 0)->text, ==, "42");
	resp = eas_node_next_same (resp);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_GETITEMESTIMATE_STATUS), ==, "4");
	g_assert_null (eas_node_path (resp, EAS_GETITEMESTIMATE_COLLECTION, EAS_GETITEMESTIMATE_ESTIMATE, 0));

	/* No collection at all is malformed. */
	root = eas_node_new (EAS_GETITEMESTIMATE_GET_ITEM_ESTIMATE);
	eas_node_append (root, EAS_GETITEMESTIMATE_COLLECTIONS);
	g_autoptr (EasNode) empty = roundtrip (root);
	g_autoptr (EasEstimateRequest) none = eas_estimate_request_decode (empty, 141, &error);
	g_assert_null (none);
	g_assert_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID);
}

/* libwbxml (an independent decoder) reads what we write; returns its XML. */
static char *
libwbxml_xml (GBytes *doc)
{
	WBXMLConvWBXML2XML *conv = NULL;
	WB_UTINY *xml = NULL;
	WB_ULONG xml_len = 0;
	gsize len;
	g_autofree guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (doc), &len);

	g_assert_cmpint (wbxml_conv_wbxml2xml_create (&conv), ==, WBXML_OK);
	wbxml_conv_wbxml2xml_set_language (conv, WBXML_LANG_ACTIVESYNC);
	wbxml_conv_wbxml2xml_set_gen_type (conv, WBXML_GEN_XML_COMPACT);
	wbxml_conv_wbxml2xml_set_charset (conv, WBXML_CHARSET_UTF_8);
	WBXMLError ret = wbxml_conv_wbxml2xml_run (conv, copy, (WB_ULONG) len, &xml, &xml_len);
	wbxml_conv_wbxml2xml_destroy (conv);
	g_assert_cmpint (ret, ==, WBXML_OK);
	char *out = g_strndup ((const char *) xml, xml_len);
	free (xml);
	return out;
}

static void
test_libwbxml_reads_ours (void)
{
	g_autoptr (EasEmailItem) item = sample_item ();
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	EasEmailEncodeOptions opts;

	/* libwbxml prints OPAQUE raw outside a few tags: leave it out here. */
	g_clear_pointer (&item->conversation_id, g_bytes_unref);
	eas_email_encode_options_init (&opts, 141);
	opts.n_body_prefs = 1;
	opts.body_prefs[0] = (EasBodyPreference) { EAS_BODY_TYPE_HTML, TRUE, 5, FALSE, 3 };
	eas_sync_write_begin (w);
	eas_sync_write_collection_begin (w, 141, NULL, "{0f8fad5b-d9cb-469f-a165-70867728950e}2", "5",
	                                 EAS_SYNC_STATUS_OK);
	eas_sync_write_more_available (w);
	eas_sync_write_commands_begin (w);
	eas_sync_write_add (w, "5:1", item, &opts);
	eas_sync_write_delete (w, "5:2", TRUE);
	eas_sync_write_section_end (w);
	eas_sync_write_responses_begin (w);
	eas_sync_write_response (w, EAS_SYNC_CMD_ADD, "c1", NULL, EAS_SYNC_STATUS_CONVERSION_ERROR);
	eas_sync_write_section_end (w);
	eas_sync_write_collection_end (w);
	g_autoptr (GBytes) doc = eas_sync_write_finish (w);
	g_autofree char *xml = libwbxml_xml (doc);

	g_assert_nonnull (strstr (xml, ">Hello</Subject>"));
	g_assert_nonnull (strstr (xml, "<MoreAvailable/>"));
	g_assert_nonnull (strstr (xml, "<SoftDelete><ServerId>5:2</ServerId></SoftDelete>"));
	g_assert_nonnull (strstr (xml, "<Data>&lt;p&gt;Hi</Data>"));
	g_assert_nonnull (strstr (xml, "<FileReference>5:1:0</FileReference>"));
	g_assert_nonnull (strstr (xml, "<ClientId>c1</ClientId><Status>6</Status>"));

	EasEstimateResult res[] = { { EAS_ESTIMATE_STATUS_OK, "5", 42 } };
	g_autoptr (GBytes) est = eas_estimate_response_encode (res, 1);
	g_autofree char *est_xml = libwbxml_xml (est);
	g_assert_nonnull (strstr (est_xml, "<Estimate>42</Estimate>"));

	g_autoptr (GBytes) st = eas_sync_encode_status (EAS_SYNC_STATUS_INVALID_WAIT, 59);
	g_autofree char *st_xml = libwbxml_xml (st);
	g_assert_nonnull (strstr (st_xml, "<Limit>59</Limit>"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/sync-model/request/full", test_request_full);
	g_test_add_func ("/sync-model/request/defaults", test_request_defaults);
	g_test_add_func ("/sync-model/request/window", test_request_window);
	g_test_add_func ("/sync-model/request/wait", test_request_wait);
	g_test_add_func ("/sync-model/request/empty", test_request_empty);
	g_test_add_func ("/sync-model/request/invalid", test_request_invalid);
	g_test_add_func ("/sync-model/request/limits", test_request_limits);
	g_test_add_func ("/sync-model/options/serialize", test_options_serialize);
	g_test_add_func ("/sync-model/email/plain-truncated", test_email_plain_truncated);
	g_test_add_func ("/sync-model/email/whole-and-all-or-none", test_email_whole_and_all_or_none);
	g_test_add_func ("/sync-model/email/html-mime-preview", test_email_html_mime_preview);
	g_test_add_func ("/sync-model/email/v25", test_email_v25);
	g_test_add_func ("/sync-model/email/flag", test_email_flag);
	g_test_add_func ("/sync-model/response/status-and-order", test_response_status_and_more);
	g_test_add_func ("/sync-model/utf8-truncate", test_utf8_truncate);
	g_test_add_func ("/sync-model/estimate", test_estimate);
	g_test_add_func ("/sync-model/libwbxml-reads-ours", test_libwbxml_reads_ours);
	return g_test_run ();
}
