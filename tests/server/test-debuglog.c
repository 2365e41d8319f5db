/* test-debuglog.c — the debug log category "ActiveSync Synchronization":
 * switched by airdockctl while the real server runs, filters, masking,
 * body cut, rotation. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "eas/eas-wbxml.h"
#include "server/airdockd-debuglog.h"
#include "tests/server/eas-client.h"
#include "tests/server/harness.h"

#define BODY_BYTES 64
#define CONFIG "[log]\ndebug_body_bytes = 64\n"
#define PASSWORD "s3cret-Pa55"

static void
ctl (AirdockHarness *h, const char *a1, const char *a2, const char *a3, const char *a4)
{
	g_autofree char *prog = airdock_harness_build_path ("server/airdockctl");
	const char *argv[] = { prog, "--data-dir", h->data_dir, "log", a1, a2, a3, a4, NULL };
	g_autoptr (GError) error = NULL;
	gint status = 0;

	g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
	                             NULL, NULL, &status, &error));
	g_assert_no_error (error);
	g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static char *
log_path (AirdockHarness *h)
{
	return g_build_filename (h->data_dir, "debug", AIRDOCKD_DEBUGLOG_FILE, NULL);
}

static char *
read_debuglog (AirdockHarness *h)
{
	g_autofree char *path = log_path (h);
	char *text = NULL;

	if (!g_file_get_contents (path, &text, NULL, NULL))
		return g_strdup ("");
	return text;
}

static void
folder_sync (AirdockEasClient *c)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_folder_sync (c, "0", &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
}

static AirdockEasClient *
provisioned_client (AirdockHarness *h, const char *user, const char *device)
{
	AirdockEasClient *c = airdock_eas_client_new (h, FALSE, user, PASSWORD, device, "TestPhone", 141);
	g_autoptr (GError) error = NULL;

	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
	return c;
}

/* On and off while the server runs, with what each entry must say. */
static void
test_enable_disable (void)
{
	g_autoptr (AirdockHarness) h = airdock_harness_start (CONFIG);
	g_autoptr (AirdockEasClient) c = NULL;
	g_autofree char *text = NULL;
	g_autofree char *text2 = NULL;
	g_autofree char *auth = g_base64_encode ((const guint8 *) "alice:" PASSWORD, strlen ("alice:" PASSWORD));

	airdock_harness_add_user (h, "alice", "alice@example.org", PASSWORD);
	c = provisioned_client (h, "alice", "DEVA");
	folder_sync (c);
	text = read_debuglog (h);
	g_assert_cmpstr (text, ==, "");		/* off by default */
	g_free (text);

	ctl (h, "enable", "activesync", NULL, NULL);
	folder_sync (c);
	text = read_debuglog (h);
	g_assert_nonnull (strstr (text, "cmd=FolderSync user=alice device=DEVA"));
	g_assert_nonnull (strstr (text, "http=200 status=1 time="));
	g_assert_nonnull (strstr (text, "<FolderSync>"));
	g_assert_nonnull (strstr (text, "<SyncKey>0</SyncKey>"));
	g_assert_null (strstr (text, PASSWORD));
	g_assert_null (strstr (text, auth));
	g_assert_null (strstr (text, "Authorization"));

	ctl (h, "disable", NULL, NULL, NULL);
	folder_sync (c);
	text2 = read_debuglog (h);
	g_assert_cmpstr (text, ==, text2);
}

static gsize
count (const char *text, const char *needle)
{
	gsize n = 0;

	for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
		n++;
	return n;
}

static void
test_filters (void)
{
	g_autoptr (AirdockHarness) h = airdock_harness_start (CONFIG);
	g_autoptr (AirdockEasClient) a1 = NULL;
	g_autoptr (AirdockEasClient) a2 = NULL;
	g_autoptr (AirdockEasClient) b = NULL;
	g_autofree char *text = NULL;
	g_autofree char *path = NULL;

	airdock_harness_add_user (h, "alice", "alice@example.org", PASSWORD);
	airdock_harness_add_user (h, "bob", "bob@example.org", PASSWORD);
	a1 = provisioned_client (h, "alice", "DEV1");
	a2 = provisioned_client (h, "alice", "DEV2");
	b = provisioned_client (h, "bob", "DEV3");

	ctl (h, "enable", "activesync", "--user", "bob");
	folder_sync (a1);
	folder_sync (b);
	text = read_debuglog (h);
	g_assert_cmpuint (count (text, "cmd=FolderSync user=bob device=DEV3"), ==, 1);
	g_assert_null (strstr (text, "user=alice"));
	g_free (text);

	path = log_path (h);
	g_assert_cmpint (g_unlink (path), ==, 0);
	ctl (h, "enable", "activesync", "--device", "DEV2");
	folder_sync (a1);
	folder_sync (a2);
	folder_sync (b);
	text = read_debuglog (h);
	g_assert_cmpuint (count (text, "cmd=FolderSync"), ==, 1);
	g_assert_nonnull (strstr (text, "user=alice device=DEV2"));
}

/* DevicePassword in Settings is masked; a mail's MIME is cut. */
static void
test_masking_and_cut (void)
{
	g_autoptr (AirdockHarness) h = airdock_harness_start (CONFIG);
	g_autoptr (AirdockEasClient) c = NULL;
	g_autoptr (EasNode) settings = eas_node_new (EAS_SETTINGS_SETTINGS);
	g_autoptr (EasNode) mail = eas_node_new (EAS_COMPOSEMAIL_SEND_MAIL);
	g_autoptr (AirdockEasResponse) r1 = NULL;
	g_autoptr (AirdockEasResponse) r2 = NULL;
	g_autoptr (GString) mime = g_string_new ("From: alice@example.org\r\nTo: bob@example.org\r\n"
	                                          "Subject: long\r\n\r\n");
	g_autoptr (GBytes) mime_bytes = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;
	g_autofree char *b64 = NULL;
	g_autofree char *total = NULL;
	EasNode *set;

	airdock_harness_add_user (h, "alice", "alice@example.org", PASSWORD);
	c = provisioned_client (h, "alice", "DEVA");
	ctl (h, "enable", "activesync", NULL, NULL);

	set = eas_node_append (eas_node_append (settings, EAS_SETTINGS_DEVICE_PASSWORD), EAS_SETTINGS_SET);
	eas_node_append_text (set, EAS_SETTINGS_PASSWORD, "recovery-" PASSWORD);
	r1 = airdock_eas_client_post_tree (c, EAS_CMD_SETTINGS, settings, &error);
	g_assert_no_error (error);

	for (guint i = 0; i < 200; i++)
		g_string_append (mime, "MAILBODYLINE ");
	mime_bytes = g_bytes_new (mime->str, mime->len);
	eas_node_append_text (mail, EAS_COMPOSEMAIL_CLIENT_ID, "debuglog-1");
	eas_node_append_opaque (mail, EAS_COMPOSEMAIL_MIME, mime_bytes);
	r2 = airdock_eas_client_post_tree (c, EAS_CMD_SEND_MAIL, mail, &error);
	g_assert_no_error (error);

	text = read_debuglog (h);
	g_assert_nonnull (strstr (text, "cmd=Settings"));
	g_assert_nonnull (strstr (text, "<Password>***</Password>"));
	g_assert_null (strstr (text, PASSWORD));
	g_assert_nonnull (strstr (text, "cmd=SendMail"));
	b64 = g_base64_encode ((const guint8 *) mime->str, BODY_BYTES);
	g_assert_nonnull (strstr (text, b64));
	total = g_strdup_printf ("[... %" G_GSIZE_FORMAT " bytes in all]", mime->len);
	g_assert_nonnull (strstr (text, total));
	g_assert_null (strstr (text, "TUFJTEJPRFlMSU5F"));	/* base64 beyond the cut */
}

static AirdockEasResponse *
sync_inbox (AirdockEasClient *c, const char *inbox, const char *key)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r;

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, inbox);
	if (strcmp (key, "0") != 0) {
		EasNode *bp = eas_node_append (eas_node_append (col, EAS_AIRSYNC_OPTIONS),
		                               EAS_AIRSYNCBASE_BODY_PREFERENCE);
		eas_node_append_text (bp, EAS_AIRSYNCBASE_TYPE, "1");
	}
	r = airdock_eas_client_post_tree (c, EAS_CMD_SYNC, root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	return r;
}

/* A delivered mail's body, sent to the device by Sync, is cut in the log. */
static void
test_delivered_body_cut (void)
{
	g_autoptr (AirdockHarness) h = airdock_harness_start (CONFIG);
	g_autoptr (AirdockdStore) store = NULL;
	g_autoptr (AirdockdFolder) inbox = NULL;
	g_autoptr (AirdockdItem) item = NULL;
	g_autoptr (AirdockEasClient) c = NULL;
	g_autoptr (AirdockEasResponse) r0 = NULL;
	g_autoptr (AirdockEasResponse) r1 = NULL;
	g_autoptr (GString) msg = g_string_new ("From: Bob <bob@example.org>\r\nTo: Alice <alice@example.org>\r\n"
	                                         "Subject: long\r\nMessage-ID: <long@example.org>\r\n"
	                                         "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
	g_autoptr (GError) error = NULL;
	g_autofree char *path = g_build_filename (h->dir, "msg.eml", NULL);
	g_autofree char *text = NULL;
	const char *data;
	gint64 uid;

	uid = airdock_harness_add_user (h, "alice", "alice@example.org", PASSWORD);
	store = airdock_harness_open_store (h);
	inbox = airdockd_store_folder_get_by_type (store, uid, AIRDOCKD_FOLDER_INBOX, &error);
	g_assert_no_error (error);
	for (guint i = 0; i < 100; i++)
		g_string_append (msg, "BODYWORD ");
	g_string_append (msg, "THEEND\r\n");
	g_assert_true (g_file_set_contents (path, msg->str, -1, &error));
	item = airdockd_store_add_message (store, uid, inbox->server_id, path, FALSE, &error);
	g_assert_no_error (error);

	c = provisioned_client (h, "alice", "DEVA");
	ctl (h, "enable", "activesync", NULL, NULL);
	r0 = sync_inbox (c, inbox->server_id, "0");
	r1 = sync_inbox (c, inbox->server_id,
	                 eas_node_child_text (eas_node_path (r0->tree, EAS_AIRSYNC_COLLECTIONS,
	                                                     EAS_AIRSYNC_COLLECTION, 0),
	                                      EAS_AIRSYNC_SYNC_KEY));
	text = read_debuglog (h);
	g_assert_nonnull (strstr (text, "cmd=Sync user=alice device=DEVA"));
	data = strstr (text, "<Data>BODYWORD ");
	g_assert_nonnull (data);
	g_assert_nonnull (strstr (data, " bytes in all]</Data>"));
	g_assert_null (strstr (text, "THEEND"));
}

static void
test_rotation_server (void)
{
	g_autoptr (AirdockHarness) h = airdock_harness_start ("[log]\ndebug_max_bytes = 1024\n");
	g_autoptr (AirdockEasClient) c = NULL;
	g_autofree char *path = NULL;
	g_autofree char *p4 = NULL;

	airdock_harness_add_user (h, "alice", "alice@example.org", PASSWORD);
	c = provisioned_client (h, "alice", "DEVA");
	ctl (h, "enable", "activesync", NULL, NULL);
	for (guint i = 0; i < 20; i++)
		folder_sync (c);
	path = log_path (h);
	p4 = g_strdup_printf ("%s.4", path);
	g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
	for (guint i = 1; i <= 3; i++) {
		g_autofree char *p = g_strdup_printf ("%s.%u", path, i);
		g_assert_true (g_file_test (p, G_FILE_TEST_EXISTS));
	}
	g_assert_false (g_file_test (p4, G_FILE_TEST_EXISTS));
}

/* Unit: rotation at the limit (N stays, N+1 rotates), three old files. */
static void
test_rotation_unit (void)
{
	g_autofree char *dir = g_dir_make_tmp ("debuglog-XXXXXX", NULL);
	g_autofree char *ctlpath = g_build_filename (dir, "debug.conf", NULL);
	g_autoptr (AirdockdDebuglog) log = airdockd_debuglog_new (ctlpath, dir, 100, 16);
	g_autoptr (GError) error = NULL;
	char line[51];
	g_autofree char *path = g_build_filename (dir, AIRDOCKD_DEBUGLOG_FILE, NULL);
	g_autofree char *p1 = g_strdup_printf ("%s.1", path);
	g_autofree char *p3 = g_strdup_printf ("%s.3", path);
	g_autofree char *p4 = g_strdup_printf ("%s.4", path);

	memset (line, 'x', 49);
	line[49] = '\n';
	line[50] = '\0';
	g_assert_true (airdockd_debuglog_append (log, line, 50, &error));
	g_assert_true (airdockd_debuglog_append (log, line, 50, &error));	/* 100: at N */
	g_assert_no_error (error);
	g_assert_false (g_file_test (p1, G_FILE_TEST_EXISTS));
	g_assert_true (airdockd_debuglog_append (log, line, 1, &error));	/* N+1 */
	g_assert_true (g_file_test (p1, G_FILE_TEST_EXISTS));
	for (guint i = 0; i < 10; i++)
		g_assert_true (airdockd_debuglog_append (log, line, 50, &error));
	g_assert_true (g_file_test (p3, G_FILE_TEST_EXISTS));
	g_assert_false (g_file_test (p4, G_FILE_TEST_EXISTS));
	g_assert_false (airdockd_debuglog_wants (log, "u", "d"));	/* no control file */
	for (guint i = 0; i <= 4; i++) {
		g_autofree char *p = i ? g_strdup_printf ("%s.%u", path, i) : g_strdup (path);
		g_unlink (p);
	}
	g_rmdir (dir);
}

/* Unit: Password/DevicePassword masked; text cut at the limit. */
static void
test_render_unit (void)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_SETTINGS_SETTINGS);
	EasNode *set = eas_node_append (eas_node_append (root, EAS_SETTINGS_DEVICE_PASSWORD), EAS_SETTINGS_SET);
	g_autoptr (GBytes) wbxml = NULL;
	g_autofree char *xml = NULL;
	g_autofree char *status = NULL;
	const guint8 *data;
	gsize len;

	eas_node_append_text (set, EAS_SETTINGS_PASSWORD, "topsecret");
	eas_node_append_text (root, EAS_SETTINGS_STATUS, "1");
	eas_node_append_text (root, EAS_SETTINGS_USER_AGENT, "0123456789abcdefXYZ");
	wbxml = eas_node_encode (root);
	data = g_bytes_get_data (wbxml, &len);
	xml = airdockd_debuglog_render (data, len, 16, &status);
	g_assert_null (strstr (xml, "topsecret"));
	g_assert_nonnull (strstr (xml, "<Password>***</Password>"));
	g_assert_nonnull (strstr (xml, "0123456789abcdef[... 19 bytes in all]"));
	g_assert_cmpstr (status, ==, "1");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/debuglog/render/mask-and-cut", test_render_unit);
	g_test_add_func ("/debuglog/rotate/unit", test_rotation_unit);
	g_test_add_func ("/debuglog/server/enable-disable", test_enable_disable);
	g_test_add_func ("/debuglog/server/filters", test_filters);
	g_test_add_func ("/debuglog/server/mask-and-cut", test_masking_and_cut);
	g_test_add_func ("/debuglog/server/delivered-body-cut", test_delivered_body_cut);
	g_test_add_func ("/debuglog/server/rotate", test_rotation_server);
	return g_test_run ();
}
