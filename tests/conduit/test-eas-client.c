/* The pure parts of the conduit's EAS client (conduit/conduit-eas.h):
 * version choice, HTTP messages, Provision requests and responses, Sync
 * requests and the interpretation of Sync responses, with their limits. */
#include "config.h"

#include <string.h>

#include "conduit/conduit-eas.h"

#define NS "xmlns=\"AirSync:\" xmlns:n=\"Notes:\" xmlns:t=\"Tasks:\" xmlns:b=\"AirSyncBase:\""
#define PNS "xmlns=\"Provision:\""

static EasNode *
parse_xml (const char *xml)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) wbxml = eas_xml_to_wbxml (xml, strlen (xml), &error);
	EasNode *root;

	g_assert_no_error (error);
	root = eas_wbxml_parse (g_bytes_get_data (wbxml, NULL), g_bytes_get_size (wbxml), NULL, &error);
	g_assert_no_error (error);
	return root;
}

static char *
to_xml (GBytes *wbxml)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *xml = eas_wbxml_to_xml (g_bytes_get_data (wbxml, NULL), g_bytes_get_size (wbxml), NULL, &error);
	g_autoptr (GRegex) re = g_regex_new (">\\s+<", 0, 0, NULL);

	/* Without the indentation, for substring checks. */
	g_assert_no_error (error);
	return g_regex_replace_literal (re, xml, -1, 0, "><", 0, NULL);
}

static void
test_pick_version (void)
{
	g_assert_cmpuint (conduit_eas_pick_version ("2.5,12.0,12.1,14.0,14.1,16.0,16.1"), ==, 161);
	g_assert_cmpuint (conduit_eas_pick_version ("2.5,12.0,12.1,14.0,14.1"), ==, 141);
	g_assert_cmpuint (conduit_eas_pick_version (" 16.1 , 14.1 "), ==, 161);
	g_assert_cmpuint (conduit_eas_pick_version ("2.5,12.1,14.0"), ==, 0);
	g_assert_cmpuint (conduit_eas_pick_version ("16.10,141"), ==, 0);
	g_assert_cmpuint (conduit_eas_pick_version (""), ==, 0);
	g_assert_cmpuint (conduit_eas_pick_version (NULL), ==, 0);
}

static void
test_http_message (void)
{
	g_autofree char *m401 = conduit_eas_http_message (401);
	g_autofree char *m403 = conduit_eas_http_message (403);
	g_autofree char *m503 = conduit_eas_http_message (503);
	g_autofree char *m418 = conduit_eas_http_message (418);

	g_assert_nonnull (strstr (m401, "password"));
	g_assert_nonnull (strstr (m403, "blocked"));
	g_assert_nonnull (strstr (m503, "busy"));
	g_assert_nonnull (strstr (m418, "HTTP 418"));
	g_assert_true (conduit_eas_status_needs_provision (142));
	g_assert_true (conduit_eas_status_needs_provision (144));
	g_assert_true (conduit_eas_status_needs_provision (140));
	g_assert_false (conduit_eas_status_needs_provision (141));
	g_assert_false (conduit_eas_status_needs_provision (145));
}

static void
test_provision_request (void)
{
	g_autoptr (EasNode) one = conduit_eas_provision_request (141, NULL);
	g_autoptr (EasNode) two = conduit_eas_provision_request (141, "4242");
	g_autoptr (EasNode) old = conduit_eas_provision_request (140, NULL);
	const EasNode *policy = eas_node_path (two, EAS_PROVISION_POLICIES, EAS_PROVISION_POLICY, 0);

	g_assert_nonnull (eas_node_child (one, EAS_SETTINGS_DEVICE_INFORMATION));
	g_assert_null (eas_node_child (old, EAS_SETTINGS_DEVICE_INFORMATION));
	g_assert_null (eas_node_child (two, EAS_SETTINGS_DEVICE_INFORMATION));
	g_assert_cmpstr (eas_node_child_text (policy, EAS_PROVISION_POLICY_KEY), ==, "4242");
	g_assert_cmpstr (eas_node_child_text (policy, EAS_PROVISION_STATUS), ==, "1");
	g_assert_cmpstr (eas_node_child_text (policy, EAS_PROVISION_POLICY_TYPE), ==, "MS-EAS-Provisioning-WBXML");
}

static void
provision_case (const char *body, const char *want_key, gint want_code)
{
	g_autofree char *xml = g_strdup_printf ("<Provision " PNS ">%s</Provision>", body);
	g_autoptr (EasNode) root = parse_xml (xml);
	g_autoptr (GError) error = NULL;
	g_autofree char *key = NULL;
	gboolean ok = conduit_eas_provision_parse (root, &key, &error);

	if (want_key != NULL) {
		g_assert_no_error (error);
		g_assert_true (ok);
		g_assert_cmpstr (key, ==, want_key);
	} else {
		g_assert_error (error, CONDUIT_EAS_ERROR, want_code);
		g_assert_false (ok);
		g_assert_null (key);
	}
}

#define POLICY(status, key) "<Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType>" \
	"<Status>" status "</Status><PolicyKey>" key "</PolicyKey></Policy></Policies>"

static void
test_provision_response (void)
{
	provision_case ("<Status>1</Status>" POLICY ("1", "1234"), "1234", 0);
	provision_case ("<Status>1</Status>" POLICY ("1", "4294967295"), "4294967295", 0);
	provision_case ("<Status>1</Status>" POLICY ("1", "4294967296"), NULL, CONDUIT_EAS_ERROR_PROVISION);
	provision_case ("<Status>1</Status>" POLICY ("1", "0"), NULL, CONDUIT_EAS_ERROR_PROVISION);
	provision_case ("<Status>1</Status>" POLICY ("2", "1234"), NULL, CONDUIT_EAS_ERROR_PROVISION);
	provision_case ("<Status>2</Status>", NULL, CONDUIT_EAS_ERROR_PROVISION);
	provision_case ("<Status>1</Status>", NULL, CONDUIT_EAS_ERROR_PROVISION);
	/* [MS-ASPROV] 3.1.5.1.2.1: a wipe stops everything. */
	provision_case ("<Status>1</Status><RemoteWipe/>" POLICY ("1", "1234"), NULL, CONDUIT_EAS_ERROR_WIPE);
	provision_case ("<Status>1</Status><AccountOnlyRemoteWipe/>", NULL, CONDUIT_EAS_ERROR_WIPE);
}

static void
test_sync_request (void)
{
	g_autoptr (GPtrArray) cmds = g_ptr_array_new_with_free_func ((GDestroyNotify) conduit_eas_out_free);
	ConduitEasSyncRequest req = { CONDUIT_EAS_NOTES, "5", "0", TRUE, 1000, FALSE, cmds };
	ConduitEasOut *add = conduit_eas_out_new (EAS_SYNC_CMD_ADD, "17");
	g_autoptr (GBytes) initial = NULL, later = NULL;
	g_autofree char *x1 = NULL, *x2 = NULL;

	add->note = eas_note_new ();
	add->note->subject = g_strdup ("Shopping");
	add->note->body = g_strdup ("Shopping\nmilk");
	add->note->body_type = 1;
	g_ptr_array_add (cmds, add);
	g_ptr_array_add (cmds, conduit_eas_out_new (EAS_SYNC_CMD_DELETE, "5:9"));
	/* [MS-ASCMD] 2.2.3.79: nothing but the key and the collection with "0". */
	initial = conduit_eas_sync_request_encode (&req, 161);
	x1 = to_xml (initial);
	g_assert_null (strstr (x1, "GetChanges"));
	g_assert_null (strstr (x1, "Commands"));
	g_assert_nonnull (strstr (x1, "<SyncKey>0</SyncKey><CollectionId>5</CollectionId>"));
	req.sync_key = "{k}3";
	later = conduit_eas_sync_request_encode (&req, 161);
	x2 = to_xml (later);
	g_assert_nonnull (strstr (x2, "<GetChanges>1</GetChanges><WindowSize>512</WindowSize>"));
	g_assert_nonnull (strstr (x2, "<Conflict>0</Conflict>"));
	g_assert_nonnull (strstr (x2, "<Add><ClientId>17</ClientId><ApplicationData>"));
	g_assert_nonnull (strstr (x2, "<notes:Subject>Shopping</notes:Subject>"));
	g_assert_nonnull (strstr (x2, "<Delete><ServerId>5:9</ServerId></Delete>"));
}

static ConduitEasSyncResponse *
parse_response (const char *collection_body, ConduitEasClass cls, GError **error)
{
	g_autofree char *xml = g_strdup_printf ("<Sync " NS "><Collections><Collection>%s</Collection>"
						"</Collections></Sync>", collection_body);
	g_autoptr (EasNode) root = parse_xml (xml);

	return conduit_eas_sync_response_parse (root, "5", cls, 161, error);
}

static void
test_sync_response (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ConduitEasSyncResponse) r = parse_response (
		"<SyncKey>{k}4</SyncKey><CollectionId>5</CollectionId><Status>1</Status><MoreAvailable/>"
		"<Commands>"
		"<Add><ServerId>5:1</ServerId><ApplicationData><n:Subject>A</n:Subject>"
		"<b:Body><b:Type>1</b:Type><b:Data>A\ntext</b:Data></b:Body></ApplicationData></Add>"
		"<Change><ServerId>5:2</ServerId><ApplicationData><n:Subject>B</n:Subject>"
		"<n:MessageClass>IPM.Note</n:MessageClass></ApplicationData></Change>"
		"<Delete><ServerId>5:3</ServerId></Delete>"
		"<SoftDelete><ServerId>5:4</ServerId></SoftDelete>"
		"</Commands>"
		"<Responses><Add><ClientId>17</ClientId><ServerId>5:9</ServerId><Status>1</Status></Add>"
		"<Change><ServerId>5:8</ServerId><Status>8</Status></Change></Responses>",
		CONDUIT_EAS_NOTES, &error);
	const ConduitEasIn *in;
	const ConduitEasReply *reply;

	g_assert_no_error (error);
	g_assert_cmpuint (r->status, ==, 1);
	g_assert_cmpstr (r->sync_key, ==, "{k}4");
	g_assert_true (r->more_available);
	g_assert_cmpuint (r->commands->len, ==, 4);
	in = g_ptr_array_index (r->commands, 0);
	g_assert_cmpint (in->type, ==, EAS_SYNC_CMD_ADD);
	g_assert_cmpstr (in->note->body, ==, "A\ntext");
	g_assert_null (in->error);
	/* A note of another class is unreadable, not fatal. */
	in = g_ptr_array_index (r->commands, 1);
	g_assert_null (in->note);
	g_assert_nonnull (in->error);
	in = g_ptr_array_index (r->commands, 3);
	g_assert_cmpint (in->type, ==, EAS_SYNC_CMD_SOFT_DELETE);
	g_assert_cmpuint (r->replies->len, ==, 2);
	reply = g_ptr_array_index (r->replies, 0);
	g_assert_cmpstr (reply->client_id, ==, "17");
	g_assert_cmpstr (reply->server_id, ==, "5:9");
	reply = g_ptr_array_index (r->replies, 1);
	g_assert_cmpuint (reply->status, ==, 8);
}

static void
test_sync_response_tasks (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ConduitEasSyncResponse) r = parse_response (
		"<SyncKey>2</SyncKey><CollectionId>5</CollectionId><Status>1</Status><Commands>"
		"<Add><ServerId>5:1</ServerId><ApplicationData><t:Subject>Call</t:Subject><t:Complete>1</t:Complete>"
		"<t:DateCompleted>2026-01-01T00:00:00.000Z</t:DateCompleted></ApplicationData></Add>"
		"<Add><ServerId>5:2</ServerId><ApplicationData><t:Subject>Bad</t:Subject><t:Complete>1</t:Complete>"
		"</ApplicationData></Add>"
		"<Add><ServerId>5:3</ServerId></Add></Commands>", CONDUIT_EAS_TASKS, &error);
	const ConduitEasIn *in;

	g_assert_no_error (error);
	in = g_ptr_array_index (r->commands, 0);
	g_assert_cmpint (in->task->complete, ==, 1);
	/* [MS-ASTASK] 2.2.2.9: Complete 1 needs DateCompleted. */
	in = g_ptr_array_index (r->commands, 1);
	g_assert_null (in->task);
	g_assert_nonnull (in->error);
	in = g_ptr_array_index (r->commands, 2);
	g_assert_cmpstr (in->error, ==, "no ApplicationData");
}

static void
bad_response (const char *collection_body)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ConduitEasSyncResponse) r = parse_response (collection_body, CONDUIT_EAS_NOTES, &error);

	g_assert_null (r);
	g_assert_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL);
}

static void
test_sync_response_errors (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ConduitEasSyncResponse) r3 = NULL, top = NULL, empty = NULL;
	g_autoptr (EasNode) whole = parse_xml ("<Sync " NS "><Status>4</Status></Sync>");
	g_autoptr (EasNode) folder = parse_xml ("<FolderSync xmlns=\"FolderHierarchy:\"><Status>1</Status></FolderSync>");
	g_autofree char *long_key = g_strnfill (65, 'k');
	g_autofree char *body = g_strdup_printf ("<SyncKey>%s</SyncKey><CollectionId>5</CollectionId><Status>1</Status>",
						 long_key);

	/* A status without a key. */
	r3 = parse_response ("<CollectionId>5</CollectionId><Status>3</Status>", CONDUIT_EAS_NOTES, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r3->status, ==, 3);
	g_assert_null (r3->sync_key);
	/* A whole-request status. */
	top = conduit_eas_sync_response_parse (whole, "5", CONDUIT_EAS_NOTES, 161, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (top->status, ==, 4);
	/* An empty body: nothing new. */
	empty = conduit_eas_sync_response_parse (NULL, "5", CONDUIT_EAS_NOTES, 161, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (empty->status, ==, 1);
	g_assert_null (empty->sync_key);
	g_assert_null (conduit_eas_sync_response_parse (folder, "5", CONDUIT_EAS_NOTES, 161, &error));
	g_assert_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL);
	bad_response ("<SyncKey>1</SyncKey><CollectionId>6</CollectionId><Status>1</Status>");
	bad_response ("<CollectionId>5</CollectionId><Status>1</Status>");
	bad_response ("<SyncKey>1</SyncKey><CollectionId>5</CollectionId><Status>x</Status>");
	bad_response (body);
	bad_response ("<SyncKey>1</SyncKey><CollectionId>5</CollectionId><Status>1</Status>"
		      "<Commands><Delete/></Commands>");
	bad_response ("<SyncKey>1</SyncKey><CollectionId>5</CollectionId><Status>1</Status>"
		      "<Responses><Add><ClientId>1</ClientId><Status>1</Status></Add></Responses>");
	bad_response ("<SyncKey>1</SyncKey><CollectionId>5</CollectionId><Status>1</Status>"
		      "<Responses><Add><ServerId>5:1</ServerId><Status>1</Status></Add></Responses>");
}

/* EAS_SYNC_MAX_COMMANDS commands pass, one more is refused. */
static void
test_sync_response_limit (void)
{
	for (guint n = EAS_SYNC_MAX_COMMANDS; n <= EAS_SYNC_MAX_COMMANDS + 1; n++) {
		g_autoptr (GString) s = g_string_new ("<SyncKey>1</SyncKey><CollectionId>5</CollectionId><Status>1</Status><Commands>");
		g_autoptr (GError) error = NULL;
		g_autoptr (ConduitEasSyncResponse) r = NULL;

		for (guint i = 0; i < n; i++)
			g_string_append_printf (s, "<Delete><ServerId>5:%u</ServerId></Delete>", i);
		g_string_append (s, "</Commands>");
		r = parse_response (s->str, CONDUIT_EAS_NOTES, &error);
		if (n == EAS_SYNC_MAX_COMMANDS) {
			g_assert_no_error (error);
			g_assert_cmpuint (r->commands->len, ==, n);
		} else {
			g_assert_null (r);
			g_assert_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL);
		}
	}
}

static void
test_ping_response (void)
{
	g_autoptr (EasNode) changes = parse_xml ("<Ping xmlns=\"Ping:\"><Status>2</Status><Folders><Folder>5</Folder>"
						 "</Folders></Ping>");
	g_autoptr (EasNode) bound = parse_xml ("<Ping xmlns=\"Ping:\"><Status>5</Status>"
					       "<HeartbeatInterval>3540</HeartbeatInterval></Ping>");
	g_autoptr (EasNode) over = parse_xml ("<Ping xmlns=\"Ping:\"><Status>5</Status>"
					      "<HeartbeatInterval>3541</HeartbeatInterval></Ping>");
	g_autoptr (EasNode) none = parse_xml ("<Ping xmlns=\"Ping:\"><Folders/></Ping>");
	g_autoptr (GError) error = NULL;
	guint status = 0, hb = 0;

	g_assert_true (conduit_eas_ping_response_parse (changes, &status, &hb, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (status, ==, 2);
	g_assert_cmpuint (hb, ==, 0);
	/* [MS-ASCMD] 2.2.3.88.2: the bound is at most 3540 s. */
	g_assert_true (conduit_eas_ping_response_parse (bound, &status, &hb, &error));
	g_assert_cmpuint (hb, ==, 3540);
	g_assert_true (conduit_eas_ping_response_parse (over, &status, &hb, &error));
	g_assert_cmpuint (status, ==, 5);
	g_assert_cmpuint (hb, ==, 0);
	g_assert_false (conduit_eas_ping_response_parse (none, &status, &hb, &error));
	g_assert_error (error, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_PROTOCOL);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/eas-client/pick-version", test_pick_version);
	g_test_add_func ("/eas-client/http-message", test_http_message);
	g_test_add_func ("/eas-client/provision/request", test_provision_request);
	g_test_add_func ("/eas-client/provision/response", test_provision_response);
	g_test_add_func ("/eas-client/sync/request", test_sync_request);
	g_test_add_func ("/eas-client/sync/response", test_sync_response);
	g_test_add_func ("/eas-client/sync/response-tasks", test_sync_response_tasks);
	g_test_add_func ("/eas-client/sync/response-errors", test_sync_response_errors);
	g_test_add_func ("/eas-client/sync/response-limit", test_sync_response_limit);
	g_test_add_func ("/eas-client/ping/response", test_ping_response);
	return g_test_run ();
}
