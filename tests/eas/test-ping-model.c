/* Tests for eas/eas-ping.c: Ping request decoder, merge/check, response. */
#include "config.h"

#include "eas/eas-ping.h"
#include "test-eas-doc.h"

static EasPingRequest *
decode (const char *xml, GError **error)
{
	g_autoptr (GBytes) doc = test_eas_doc ("Ping", xml);
	g_autoptr (EasNode) root = test_eas_parse (doc);

	return eas_ping_request_decode (root, error);
}

static void
test_decode_full (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasPingRequest) req = decode ("<Ping><HeartbeatInterval>480</HeartbeatInterval>"
	                                         "<Folders><Folder><Id>5</Id><Class>Email</Class></Folder>"
	                                         "<Folder><Id>7</Id><Class>Calendar</Class></Folder>"
	                                         "</Folders></Ping>", &error);
	EasPingFolder *f;

	g_assert_no_error (error);
	g_assert_true (req->has_heartbeat);
	g_assert_cmpuint (req->heartbeat, ==, 480);
	g_assert_cmpuint (req->folders->len, ==, 2);
	f = g_ptr_array_index (req->folders, 1);
	g_assert_cmpstr (f->id, ==, "7");
	g_assert_cmpstr (f->class_name, ==, "Calendar");
}

static void
test_decode_empty (void)
{
	g_autoptr (EasPingRequest) req = eas_ping_request_decode (NULL, NULL);

	g_assert_nonnull (req);
	g_assert_false (req->has_heartbeat);
	g_assert_cmpuint (req->folders->len, ==, 0);
}

static void
test_decode_bad (void)
{
	static const char *bad[] = {
		"<Ping><HeartbeatInterval>abc</HeartbeatInterval></Ping>",
		"<Ping><HeartbeatInterval>4294967296</HeartbeatInterval></Ping>",
		"<Ping><Folders/></Ping>",
		"<Ping><Folders><Folder><Class>Email</Class></Folder></Folders></Ping>",
		"<Ping><Folders><Folder><Id>1</Id></Folder></Folders></Ping>",
		"<Status>1</Status>",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (EasPingRequest) req = decode (bad[i], &error);

		g_assert_null (req);
		g_assert_error (error, EAS_PING_ERROR, EAS_PING_ERROR_INVALID);
	}
}

static char *
folders_xml (guint n)
{
	g_autoptr (GString) s = g_string_new ("<Ping><Folders>");

	for (guint i = 0; i < n; i++)
		g_string_append_printf (s, "<Folder><Id>%u</Id><Class>Email</Class></Folder>", i);
	g_string_append (s, "</Folders></Ping>");
	return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The decode limit at N and N+1. */
static void
test_decode_folder_limit (void)
{
	g_autofree char *at = folders_xml (EAS_PING_DECODE_MAX_FOLDERS);
	g_autofree char *over = folders_xml (EAS_PING_DECODE_MAX_FOLDERS + 1);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasPingRequest) ok = decode (at, &error);
	g_autoptr (EasPingRequest) no = NULL;

	g_assert_no_error (error);
	g_assert_cmpuint (ok->folders->len, ==, EAS_PING_DECODE_MAX_FOLDERS);
	no = decode (over, &error);
	g_assert_null (no);
	g_assert_error (error, EAS_PING_ERROR, EAS_PING_ERROR_LIMIT);
}

static void
test_decode_id_limit (void)
{
	g_autofree char *id = g_strnfill (65, 'a');
	g_autofree char *xml = g_strdup_printf ("<Ping><Folders><Folder><Id>%s</Id><Class>Email</Class>"
	                                        "</Folder></Folders></Ping>", id);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasPingRequest) req = decode (xml, &error);

	g_assert_null (req);
	g_assert_error (error, EAS_PING_ERROR, EAS_PING_ERROR_LIMIT);
}

static EasPingStatus
check (const char *xml, const char *remembered_xml, guint *out_limit, EasPingRequest **out_merged)
{
	g_autoptr (EasPingRequest) req = xml != NULL ? decode (xml, NULL) : eas_ping_request_new ();
	g_autoptr (EasPingRequest) rem = remembered_xml != NULL ? decode (remembered_xml, NULL) : NULL;
	g_autoptr (EasPingRequest) merged = NULL;
	EasPingLimits limits;
	EasPingStatus status;

	eas_ping_limits_init_default (&limits);
	limits.max_folders = 2;
	status = eas_ping_request_check (req, rem, &limits, &merged, out_limit);
	if (out_merged != NULL)
		*out_merged = g_steal_pointer (&merged);
	return status;
}

#define ONE_FOLDER "<Folders><Folder><Id>5</Id><Class>Email</Class></Folder></Folders>"

static void
test_check (void)
{
	guint limit = 0;
	g_autoptr (EasPingRequest) merged = NULL;

	g_assert_cmpint (check ("<Ping><HeartbeatInterval>60</HeartbeatInterval>" ONE_FOLDER "</Ping>",
	                        NULL, &limit, NULL), ==, 0);
	g_assert_cmpint (check ("<Ping><HeartbeatInterval>3540</HeartbeatInterval>" ONE_FOLDER "</Ping>",
	                        NULL, &limit, NULL), ==, 0);
	g_assert_cmpint (check ("<Ping><HeartbeatInterval>59</HeartbeatInterval>" ONE_FOLDER "</Ping>",
	                        NULL, &limit, NULL), ==, EAS_PING_STATUS_HEARTBEAT_OUT_OF_RANGE);
	g_assert_cmpuint (limit, ==, 60);
	g_assert_cmpint (check ("<Ping><HeartbeatInterval>3541</HeartbeatInterval>" ONE_FOLDER "</Ping>",
	                        NULL, &limit, NULL), ==, EAS_PING_STATUS_HEARTBEAT_OUT_OF_RANGE);
	g_assert_cmpuint (limit, ==, 3540);
	/* max_folders 2: 2 parks, 3 is status 6 with MaxFolders 2. */
	g_assert_cmpint (check ("<Ping><HeartbeatInterval>100</HeartbeatInterval><Folders>"
	                        "<Folder><Id>1</Id><Class>Email</Class></Folder>"
	                        "<Folder><Id>2</Id><Class>Email</Class></Folder></Folders></Ping>",
	                        NULL, &limit, NULL), ==, 0);
	g_assert_cmpint (check ("<Ping><HeartbeatInterval>100</HeartbeatInterval><Folders>"
	                        "<Folder><Id>1</Id><Class>Email</Class></Folder>"
	                        "<Folder><Id>2</Id><Class>Email</Class></Folder>"
	                        "<Folder><Id>3</Id><Class>Email</Class></Folder></Folders></Ping>",
	                        NULL, &limit, NULL), ==, EAS_PING_STATUS_TOO_MANY_FOLDERS);
	g_assert_cmpuint (limit, ==, 2);
	/* Nothing sent, nothing remembered: 3. */
	g_assert_cmpint (check (NULL, NULL, &limit, NULL), ==, EAS_PING_STATUS_MISSING_PARAMETERS);
	g_assert_cmpint (check ("<Ping>" ONE_FOLDER "</Ping>", NULL, &limit, NULL), ==,
	                 EAS_PING_STATUS_MISSING_PARAMETERS);
	/* An empty Ping reuses what was remembered. */
	g_assert_cmpint (check (NULL, "<Ping><HeartbeatInterval>200</HeartbeatInterval>" ONE_FOLDER "</Ping>",
	                        &limit, &merged), ==, 0);
	g_assert_cmpuint (merged->heartbeat, ==, 200);
	g_assert_cmpuint (merged->folders->len, ==, 1);
	g_clear_pointer (&merged, eas_ping_request_free);
	/* A sent heartbeat wins over the remembered one; folders are kept. */
	g_assert_cmpint (check ("<Ping><HeartbeatInterval>300</HeartbeatInterval></Ping>",
	                        "<Ping><HeartbeatInterval>200</HeartbeatInterval>" ONE_FOLDER "</Ping>",
	                        &limit, &merged), ==, 0);
	g_assert_cmpuint (merged->heartbeat, ==, 300);
	g_assert_cmpuint (merged->folders->len, ==, 1);
}

static void
test_roundtrip (void)
{
	g_autoptr (EasPingRequest) req = decode ("<Ping><HeartbeatInterval>90</HeartbeatInterval>" ONE_FOLDER "</Ping>", NULL);
	g_autoptr (GBytes) blob = eas_ping_request_encode (req);
	g_autoptr (EasNode) root = test_eas_parse (blob);
	g_autoptr (EasPingRequest) back = eas_ping_request_decode (root, NULL);

	g_assert_nonnull (back);
	g_assert_cmpuint (back->heartbeat, ==, 90);
	g_assert_cmpuint (back->folders->len, ==, 1);
}

static void
test_response (void)
{
	const char *ids[] = { "5", "9" };
	g_autoptr (GBytes) changes = eas_ping_response_encode (EAS_PING_STATUS_CHANGES, ids, 2, 0);
	g_autoptr (GBytes) hb = eas_ping_response_encode (EAS_PING_STATUS_HEARTBEAT_OUT_OF_RANGE, NULL, 0, 60);
	g_autoptr (GBytes) mf = eas_ping_response_encode (EAS_PING_STATUS_TOO_MANY_FOLDERS, NULL, 0, 300);
	g_autoptr (GBytes) expired = eas_ping_response_encode (EAS_PING_STATUS_EXPIRED, NULL, 0, 0);
	g_autoptr (EasNode) r1 = test_eas_parse (changes);
	g_autoptr (EasNode) r2 = test_eas_parse (hb);
	g_autoptr (EasNode) r3 = test_eas_parse (mf);
	g_autoptr (EasNode) r4 = test_eas_parse (expired);
	const EasNode *f;

	g_assert_cmpstr (eas_node_child_text (r1, EAS_PING_STATUS), ==, "2");
	f = eas_node_child (eas_node_child (r1, EAS_PING_FOLDERS), EAS_PING_FOLDER);
	g_assert_cmpstr (f->text, ==, "5");
	g_assert_cmpstr (eas_node_next_same (f)->text, ==, "9");
	g_assert_cmpstr (eas_node_child_text (r2, EAS_PING_STATUS), ==, "5");
	g_assert_cmpstr (eas_node_child_text (r2, EAS_PING_HEARTBEAT_INTERVAL), ==, "60");
	g_assert_cmpstr (eas_node_child_text (r3, EAS_PING_STATUS), ==, "6");
	g_assert_cmpstr (eas_node_child_text (r3, EAS_PING_MAX_FOLDERS), ==, "300");
	g_assert_cmpstr (eas_node_child_text (r4, EAS_PING_STATUS), ==, "1");
	g_assert_null (eas_node_child (r4, EAS_PING_FOLDERS));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/ping/decode/full", test_decode_full);
	g_test_add_func ("/ping/decode/empty", test_decode_empty);
	g_test_add_func ("/ping/decode/bad", test_decode_bad);
	g_test_add_func ("/ping/decode/folder-limit", test_decode_folder_limit);
	g_test_add_func ("/ping/decode/id-limit", test_decode_id_limit);
	g_test_add_func ("/ping/check", test_check);
	g_test_add_func ("/ping/roundtrip", test_roundtrip);
	g_test_add_func ("/ping/response", test_response);
	return g_test_run ();
}
