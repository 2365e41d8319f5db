/* test-devices.c — `airdockctl devices …` against the real server: remote
 * wipe (14.1, 12.1, account-only on 16.1), cancel, remove, resync, the
 * security log and the --json output. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/wait.h>
#include <libsoup/soup.h>

#include "eas/eas-ping.h"
#include "eas/eas-provision.h"
#include "server/airdockd-seclog.h"
#include "tests/server/eas-client.h"

#define USER "dora"
#define EMAIL "dora@example.org"
#define PASSWORD "d3vices"

typedef struct {
	AirdockHarness *h;
	gint64 user_id;
} Fixture;

/* data: more config text (nullable). */
static void
fixture_setup (Fixture *f, gconstpointer data)
{
	f->h = airdock_harness_start (data);
	f->user_id = airdock_harness_add_user (f->h, USER, EMAIL, PASSWORD);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_pointer (&f->h, airdock_harness_free);
}

static AirdockEasClient *
provisioned_client (Fixture *f, EasVersion v, const char *device_id)
{
	g_autoptr (GError) error = NULL;
	AirdockEasClient *c = airdock_eas_client_new (f->h, TRUE, USER, PASSWORD, device_id, "TestPhone", v);

	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
	return c;
}

/* Runs airdockctl --data-dir DIR devices ARGS…; returns its exit status.
 * out_stdout / out_stderr may be NULL. */
static int
ctl (Fixture *f, char **out_stdout, char **out_stderr, ...)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	int wait_status = 0;
	const char *arg;
	va_list ap;

	g_ptr_array_add (argv, airdock_harness_build_path ("server/airdockctl"));
	g_ptr_array_add (argv, g_strdup ("--data-dir"));
	g_ptr_array_add (argv, g_strdup (f->h->data_dir));
	g_ptr_array_add (argv, g_strdup ("devices"));
	va_start (ap, out_stderr);
	while ((arg = va_arg (ap, const char *)) != NULL)
		g_ptr_array_add (argv, g_strdup (arg));
	va_end (ap);
	g_ptr_array_add (argv, NULL);
	g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
				     &out, &err, &wait_status, &error));
	g_assert_no_error (error);
	g_assert_true (WIFEXITED (wait_status));
	if (out_stdout != NULL)
		*out_stdout = g_steal_pointer (&out);
	if (out_stderr != NULL)
		*out_stderr = g_steal_pointer (&err);
	return WEXITSTATUS (wait_status);
}

/* Settings UserInformation as a probe: HTTP status, *out_status the
 * command's Status (0 when not 200). */
static guint
probe (AirdockEasClient *c, guint *out_status)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_SETTINGS_SETTINGS);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;
	guint64 status = 0;

	eas_node_append (eas_node_append (root, EAS_SETTINGS_USER_INFORMATION), EAS_SETTINGS_GET);
	r = airdock_eas_client_post_tree (c, EAS_CMD_SETTINGS, root, &error);
	g_assert_no_error (error);
	*out_status = 0;
	if (r->http_status == 200) {
		g_assert_nonnull (r->tree);
		g_assert_true (eas_node_child_uint (r->tree, EAS_SETTINGS_STATUS, 1, 200, &status, &error));
		*out_status = (guint) status;
	}
	return r->http_status;
}

static void
assert_probe (AirdockEasClient *c, guint want_http, guint want_status)
{
	guint status = 0;

	g_assert_cmpuint (probe (c, &status), ==, want_http);
	g_assert_cmpuint (status, ==, want_status);
}

/* Empty Provision: the device asks what the server wants. */
static AirdockEasResponse *
provision_empty (AirdockEasClient *c)
{
	g_autoptr (EasNode) empty = eas_node_new (EAS_PROVISION_PROVISION);
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r = airdock_eas_client_post_tree (c, EAS_CMD_PROVISION, empty, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	return r;
}

static void
provision_wipe_ack (AirdockEasClient *c, EasTag wipe_tag, const char *status)
{
	g_autoptr (EasNode) ack = eas_node_new (EAS_PROVISION_PROVISION);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;

	eas_node_append_text (eas_node_append (ack, wipe_tag), EAS_PROVISION_STATUS, status);
	r = airdock_eas_client_post_tree (c, EAS_CMD_PROVISION, ack, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_PROVISION_STATUS), ==, "1");
}

/* TRUE when one line of the security log has all the given fields (user
 * always USER; device and detail NULL = any). */
static gboolean
seclog_has (Fixture *f, const char *event, const char *device, const char *detail)
{
	g_autofree char *text = airdock_harness_read_seclog (f->h);
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	g_autofree char *e = g_strdup_printf ("\"event\":\"%s\"", event);
	g_autofree char *u = g_strdup_printf ("\"user\":\"%s\"", USER);
	g_autofree char *d = device ? g_strdup_printf ("\"device\":\"%s\"", device) : NULL;
	g_autofree char *x = detail ? g_strdup_printf ("\"detail\":\"%s\"", detail) : NULL;

	for (gsize i = 0; lines[i] != NULL; i++) {
		const char *l = lines[i];
		if (g_str_has_prefix (l, "{\"time\":\"") && g_str_has_suffix (l, "}") &&
		    strstr (l, e) && strstr (l, u) && (d == NULL || strstr (l, d)) && (x == NULL || strstr (l, x)))
			return TRUE;
	}
	return FALSE;
}

static guint
seclog_count (Fixture *f, const char *event, const char *device)
{
	g_autofree char *text = airdock_harness_read_seclog (f->h);
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	g_autofree char *e = g_strdup_printf ("\"event\":\"%s\"", event);
	g_autofree char *d = g_strdup_printf ("\"device\":\"%s\"", device);
	guint n = 0;

	for (gsize i = 0; lines[i] != NULL; i++)
		if (strstr (lines[i], e) && strstr (lines[i], d))
			n++;
	return n;
}

/* A light structural check of JSON: balanced brackets outside strings,
 * valid escapes, nothing after the value but a newline. */
static void
assert_json (const char *text, char open)
{
	GString *stack = g_string_new (NULL);
	gboolean in_string = FALSE;
	const char *p;

	g_assert_cmpint (text[0], ==, open);
	for (p = text; *p != '\0'; p++) {
		if (in_string) {
			g_assert_cmpuint ((guchar) *p, >=, 0x20);
			if (*p == '\\') {
				p++;
				g_assert_nonnull (strchr ("\"\\/bfnrtu", *p));
			} else if (*p == '"') {
				in_string = FALSE;
			}
			continue;
		}
		if (*p == '"')
			in_string = TRUE;
		else if (*p == '{' || *p == '[')
			g_string_append_c (stack, *p);
		else if (*p == '}' || *p == ']') {
			g_assert_cmpuint (stack->len, >, 0);
			g_assert_cmpint (stack->str[stack->len - 1], ==, *p == '}' ? '{' : '[');
			g_string_truncate (stack, stack->len - 1);
			if (stack->len == 0) {
				p++;
				break;
			}
		}
	}
	g_assert_false (in_string);
	g_assert_cmpuint (stack->len, ==, 0);
	g_assert_cmpstr (p, ==, "\n");
	g_string_free (stack, TRUE);
}

static void
test_wipe_141 (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = provisioned_client (f, 141, "WIPE141");
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;

	assert_probe (c, 200, 1);
	g_assert_cmpint (ctl (f, NULL, NULL, "wipe", USER, "WIPE141", NULL), ==, 0);
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_WIPE_REQUESTED, "WIPE141", "full"));
	/* A second request while one is pending is refused. */
	g_assert_cmpint (ctl (f, NULL, NULL, "wipe", USER, "WIPE141", NULL), ==, 1);

	assert_probe (c, 200, 140);
	r = provision_empty (c);
	g_assert_nonnull (eas_node_child (r->tree, EAS_PROVISION_REMOTE_WIPE));
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_WIPE_SENT, "WIPE141", "RemoteWipe"));

	/* Once sent, it cannot be cancelled. */
	g_assert_cmpint (ctl (f, NULL, &err, "cancel-wipe", USER, "WIPE141", NULL), ==, 1);
	g_assert_nonnull (strstr (err, "already received"));

	provision_wipe_ack (c, EAS_PROVISION_REMOTE_WIPE, "1");
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_WIPE_ACKNOWLEDGED, "WIPE141", "RemoteWipe status 1"));
	assert_probe (c, 403, 0);
	g_assert_false (airdock_eas_client_provision (c, NULL, &error));
	g_clear_error (&error);
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_REFUSED_WIPED, "WIPE141", NULL));
	/* A wiped phone that keeps asking does not fill the log: one line per
	 * AIRDOCKD_SECLOG_REPEAT_SECONDS for the device. */
	assert_probe (c, 403, 0);
	g_assert_cmpuint (seclog_count (f, AIRDOCKD_SECLOG_REFUSED_WIPED, "WIPE141"), ==, 1);

	g_assert_cmpint (ctl (f, &out, NULL, "show", "--json", USER, "WIPE141", NULL), ==, 0);
	assert_json (out, '{');
	g_assert_nonnull (strstr (out, "\"wipe\":\"wiped\""));
	g_assert_nonnull (strstr (out, "\"protocol_version\":\"14.1\""));
}

static void
test_wipe_121 (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = provisioned_client (f, 121, "WIPE121");
	g_autoptr (AirdockEasResponse) r = NULL;

	assert_probe (c, 200, 1);
	g_assert_cmpint (ctl (f, NULL, NULL, "wipe", USER, "WIPE121", NULL), ==, 0);
	/* Below 14.0 the refusal is HTTP 449 ([MS-ASPROV] 3.2.5.1). */
	assert_probe (c, 449, 0);
	r = provision_empty (c);
	g_assert_nonnull (eas_node_child (r->tree, EAS_PROVISION_REMOTE_WIPE));
	provision_wipe_ack (c, EAS_PROVISION_REMOTE_WIPE, "1");
	assert_probe (c, 403, 0);
}

/* FolderSync (which 2.5 has, unlike Settings) as a probe: the HTTP status. */
static guint
probe_folder_sync (AirdockEasClient *c)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_folder_sync (c, "0", &error);

	g_assert_no_error (error);
	return r->http_status;
}

/* 2.5 learns of the wipe by HTTP 449 as 12.x does. */
static void
test_wipe_25 (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = provisioned_client (f, 25, "WIPE25");
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autofree char *out = NULL;

	g_assert_cmpuint (probe_folder_sync (c), ==, 200);
	g_assert_cmpint (ctl (f, NULL, NULL, "wipe", USER, "WIPE25", NULL), ==, 0);
	g_assert_cmpuint (probe_folder_sync (c), ==, 449);
	r = provision_empty (c);
	g_assert_nonnull (eas_node_child (r->tree, EAS_PROVISION_REMOTE_WIPE));
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_WIPE_SENT, "WIPE25", "RemoteWipe"));
	provision_wipe_ack (c, EAS_PROVISION_REMOTE_WIPE, "1");
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_WIPE_ACKNOWLEDGED, "WIPE25", "RemoteWipe status 1"));
	g_assert_cmpuint (probe_folder_sync (c), ==, 403);
	g_assert_cmpint (ctl (f, &out, NULL, "show", "--json", USER, "WIPE25", NULL), ==, 0);
	g_assert_nonnull (strstr (out, "\"wipe\":\"wiped\""));
	g_assert_nonnull (strstr (out, "\"protocol_version\":\"2.5\""));
}

static void
test_wipe_account_only (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c161 = provisioned_client (f, 161, "ACCT161");
	g_autoptr (AirdockEasClient) c141 = provisioned_client (f, 141, "ACCT141");
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autofree char *err = NULL;
	g_autofree char *out = NULL;

	assert_probe (c161, 200, 1);
	assert_probe (c141, 200, 1);

	/* Refused for a device below 16.1, with a message; nothing changes. */
	g_assert_cmpint (ctl (f, NULL, &err, "wipe", "--account-only", USER, "ACCT141", NULL), ==, 1);
	g_assert_nonnull (strstr (err, "16.1"));
	assert_probe (c141, 200, 1);
	g_assert_false (seclog_has (f, AIRDOCKD_SECLOG_WIPE_REQUESTED, "ACCT141", NULL));

	g_assert_cmpint (ctl (f, NULL, NULL, "wipe", "--account-only", USER, "ACCT161", NULL), ==, 0);
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_WIPE_REQUESTED, "ACCT161", "account-only"));
	assert_probe (c161, 200, 140);
	r = provision_empty (c161);
	g_assert_nonnull (eas_node_child (r->tree, EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE));
	g_assert_null (eas_node_child (r->tree, EAS_PROVISION_REMOTE_WIPE));
	provision_wipe_ack (c161, EAS_PROVISION_ACCOUNT_ONLY_REMOTE_WIPE, "1");
	assert_probe (c161, 403, 0);
	g_assert_cmpint (ctl (f, &out, NULL, "show", USER, "ACCT161", NULL), ==, 0);
	g_assert_nonnull (strstr (out, "account-only-wiped"));
	/* The other device of the same user is untouched. */
	assert_probe (c141, 200, 1);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = provisioned_client (f, 141, "CANCEL1");
	g_autofree char *err = NULL;

	g_assert_cmpint (ctl (f, NULL, &err, "cancel-wipe", USER, "CANCEL1", NULL), ==, 1);
	g_assert_nonnull (strstr (err, "no pending wipe"));
	g_assert_cmpint (ctl (f, NULL, NULL, "wipe", USER, "CANCEL1", NULL), ==, 0);
	g_assert_cmpint (ctl (f, NULL, NULL, "cancel-wipe", USER, "CANCEL1", NULL), ==, 0);
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_WIPE_CANCELLED, "CANCEL1", NULL));
	/* The device never hears of it. */
	assert_probe (c, 200, 1);
	g_assert_false (seclog_has (f, AIRDOCKD_SECLOG_WIPE_SENT, "CANCEL1", NULL));
}

static char *
inbox_id (Fixture *f)
{
	g_autoptr (AirdockdStore) store = airdock_harness_open_store (f->h);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) inbox = airdockd_store_folder_get_by_type (store, f->user_id,
									     AIRDOCKD_FOLDER_INBOX, &error);

	g_assert_no_error (error);
	return g_strdup (inbox->server_id);
}

/* One Sync of collection with key; returns the collection's Status and
 * *out_key its new SyncKey (may be NULL). */
static char *
sync_once (AirdockEasClient *c, const char *collection, const char *key, char **out_key)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;
	const EasNode *rc;

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, collection);
	r = airdock_eas_client_post_tree (c, EAS_CMD_SYNC, root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	rc = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	g_assert_nonnull (rc);
	if (out_key != NULL)
		*out_key = g_strdup (eas_node_child_text (rc, EAS_AIRSYNC_SYNC_KEY));
	return g_strdup (eas_node_child_text (rc, EAS_AIRSYNC_STATUS));
}

static void
test_remove (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = provisioned_client (f, 141, "REMOVE1");
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *out = NULL;
	g_autofree char *out2 = NULL;
	g_autofree char *err = NULL;
	g_autofree char *inbox = inbox_id (f);
	g_autofree char *key = NULL;
	g_autofree char *s1 = NULL;
	g_autofree char *s2 = NULL;

	s1 = sync_once (c, inbox, "0", &key);
	g_assert_cmpstr (s1, ==, "1");
	/* A wiped device stays out until it is removed. */
	g_assert_cmpint (ctl (f, NULL, NULL, "wipe", USER, "REMOVE1", NULL), ==, 0);
	r = provision_empty (c);
	provision_wipe_ack (c, EAS_PROVISION_REMOTE_WIPE, "1");
	assert_probe (c, 403, 0);

	g_assert_cmpint (ctl (f, NULL, NULL, "remove", USER, "REMOVE1", NULL), ==, 0);
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_DEVICE_REMOVED, "REMOVE1", "wiped"));
	g_assert_cmpint (ctl (f, &out, NULL, "list", "--json", USER, NULL), ==, 0);
	g_assert_cmpstr (out, ==, "[]\n");
	g_assert_cmpint (ctl (f, NULL, &err, "show", USER, "REMOVE1", NULL), ==, 1);
	g_assert_cmpstr (err, !=, "");

	/* A new device: it must provision again, then it is allowed. */
	assert_probe (c, 200, 142);
	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
	assert_probe (c, 200, 1);
	g_assert_cmpint (ctl (f, &out2, NULL, "show", "--json", USER, "REMOVE1", NULL), ==, 0);
	g_assert_nonnull (strstr (out2, "\"wipe\":\"none\""));
	g_assert_nonnull (strstr (out2, "\"provisioned\":true"));
	/* Its sync state went with the record: the old key is unknown. */
	g_assert_nonnull (strstr (out2, "\"last_sync\":0,"));
	g_assert_nonnull (strstr (out2, "\"folders\":[]"));
	s2 = sync_once (c, inbox, key, NULL);
	g_assert_cmpstr (s2, ==, "3");
}

static void
test_resync (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = provisioned_client (f, 141, "RESYNC1");
	g_autofree char *inbox = inbox_id (f);
	g_autofree char *key = NULL;
	g_autofree char *key2 = NULL;
	g_autofree char *s1 = NULL;
	g_autofree char *s2 = NULL;
	g_autofree char *s3 = NULL;
	g_autofree char *s4 = NULL;

	s1 = sync_once (c, inbox, "0", &key);
	g_assert_cmpstr (s1, ==, "1");
	g_assert_nonnull (key);
	g_assert_cmpstr (key, !=, "0");
	/* The key works before the resync (so the Status 3 below is the resync's). */
	s2 = sync_once (c, inbox, key, &key2);
	g_assert_cmpstr (s2, ==, "1");

	/* An unknown folder is an error, and the key still works. */
	g_assert_cmpint (ctl (f, NULL, NULL, "resync", "--folder", "nosuchfolder", USER, "RESYNC1", NULL), ==, 1);
	g_assert_false (seclog_has (f, AIRDOCKD_SECLOG_DEVICE_RESYNC, "RESYNC1", NULL));
	g_clear_pointer (&s2, g_free);
	s2 = sync_once (c, inbox, key2, NULL);
	g_assert_cmpstr (s2, ==, "1");

	g_assert_cmpint (ctl (f, NULL, NULL, "resync", "--folder", inbox, USER, "RESYNC1", NULL), ==, 0);
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_DEVICE_RESYNC, "RESYNC1", NULL));
	s3 = sync_once (c, inbox, key2, NULL);
	g_assert_cmpstr (s3, ==, "3");

	/* All folders: the same for a fresh key. */
	g_clear_pointer (&key, g_free);
	g_clear_pointer (&s1, g_free);
	s1 = sync_once (c, inbox, "0", &key);
	g_assert_cmpstr (s1, ==, "1");
	g_assert_cmpint (ctl (f, NULL, NULL, "resync", USER, "RESYNC1", NULL), ==, 0);
	s4 = sync_once (c, inbox, key, NULL);
	g_assert_cmpstr (s4, ==, "3");
}

/* FolderSync with key; returns the Status. */
static char *
folder_sync_once (AirdockEasClient *c, const char *key)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_folder_sync (c, key, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	return g_strdup (eas_node_child_text (r->tree, EAS_FOLDERHIERARCHY_STATUS));
}

/* The integer after "key": in text, searching from anchor (which must be
 * there). */
static gint64
json_int_after (const char *text, const char *anchor, const char *key)
{
	g_autofree char *k = g_strdup_printf ("\"%s\":", key);
	const char *a = strstr (text, anchor);
	const char *p;
	g_autofree char *digits = NULL;
	gint64 value = -1;

	g_assert_nonnull (a);
	p = strstr (a, k);
	g_assert_nonnull (p);
	p += strlen (k);
	digits = g_strndup (p, strspn (p, "0123456789"));
	g_assert_true (g_ascii_string_to_signed (digits, 10, 0, G_MAXINT64, &value, NULL));
	return value;
}

/* Sets every last_sync of the database to t, behind the server's back, so
 * that a request that must not move them can be seen not to. */
static void
backdate_last_sync (Fixture *f, gint64 t)
{
	g_autofree char *path = g_build_filename (f->h->data_dir, "airdock.sqlite", NULL);
	g_autofree char *sql = g_strdup_printf ("UPDATE devices SET last_sync = %" G_GINT64_FORMAT ";"
						"UPDATE sync_state SET last_sync = %" G_GINT64_FORMAT,
						t, t);
	sqlite3 *db = NULL;

	g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
	sqlite3_busy_timeout (db, 10000);
	g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
}

#define OLD_SYNC 1000000000	/* 2001-09-09: long before any test run */

static void
test_last_sync (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = provisioned_client (f, 141, "SYNCT1");
	g_autofree char *inbox = inbox_id (f);
	g_autofree char *inbox_anchor = g_strdup_printf ("{\"id\":\"%s\"", inbox);
	g_autofree char *key = NULL;
	g_autofree char *key2 = NULL;
	g_autofree char *fs = NULL;
	g_autofree char *s1 = NULL;
	g_autofree char *s2 = NULL;
	g_autofree char *s3 = NULL;
	g_autofree char *out = NULL;
	g_autofree char *out2 = NULL;
	g_autofree char *out3 = NULL;
	g_autofree char *table = NULL;
	g_autofree char *list = NULL;
	g_autofree char *list_json = NULL;
	gint64 start = g_get_real_time () / G_USEC_PER_SEC;

	/* Nothing synced yet: no folders, no time. */
	g_assert_cmpint (ctl (f, &out, NULL, "show", "--json", USER, "SYNCT1", NULL), ==, 0);
	assert_json (out, '{');
	g_assert_nonnull (strstr (out, "\"last_sync\":0,"));
	g_assert_nonnull (strstr (out, "\"folders\":[]"));
	g_clear_pointer (&out, g_free);

	fs = folder_sync_once (c, "0");
	g_assert_cmpstr (fs, ==, "1");
	s1 = sync_once (c, inbox, "0", &key);
	g_assert_cmpstr (s1, ==, "1");
	g_assert_cmpint (ctl (f, &out, NULL, "show", "--json", USER, "SYNCT1", NULL), ==, 0);
	assert_json (out, '{');
	g_assert_cmpint (json_int_after (out, "\"device_id\"", "last_sync"), >=, start);
	/* The hierarchy first, then the Inbox by name, each with a time. */
	g_assert_nonnull (strstr (out, "\"folders\":[{\"id\":\"\",\"name\":null,\"last_sync\":"));
	g_assert_cmpint (json_int_after (out, "{\"id\":\"\"", "last_sync"), >=, start);
	g_assert_nonnull (strstr (out, "\"name\":\"Inbox\""));
	g_assert_cmpint (json_int_after (out, inbox_anchor, "last_sync"), >=, start);

	/* Failed requests leave every time alone: a stale key (Status 3), an
	 * unknown collection (Status 8) and a FolderSync with a bad key. */
	backdate_last_sync (f, OLD_SYNC);
	s2 = sync_once (c, inbox, "12345", NULL);
	g_assert_cmpstr (s2, ==, "3");
	g_clear_pointer (&s2, g_free);
	s2 = sync_once (c, "nosuchfolder", "0", NULL);
	g_assert_cmpstr (s2, ==, "8");
	g_clear_pointer (&fs, g_free);
	fs = folder_sync_once (c, "12345");
	g_assert_cmpstr (fs, !=, "1");
	g_assert_cmpint (ctl (f, &out2, NULL, "show", "--json", USER, "SYNCT1", NULL), ==, 0);
	g_assert_cmpint (json_int_after (out2, "\"device_id\"", "last_sync"), ==, OLD_SYNC);
	g_assert_cmpint (json_int_after (out2, inbox_anchor, "last_sync"), ==, OLD_SYNC);
	g_assert_cmpint (json_int_after (out2, "{\"id\":\"\"", "last_sync"), ==, OLD_SYNC);

	/* The next good Sync moves the Inbox and the device, not the hierarchy. */
	s3 = sync_once (c, inbox, key, &key2);
	g_assert_cmpstr (s3, ==, "1");
	g_assert_cmpint (ctl (f, &out3, NULL, "show", "--json", USER, "SYNCT1", NULL), ==, 0);
	g_assert_cmpint (json_int_after (out3, "\"device_id\"", "last_sync"), >=, start);
	g_assert_cmpint (json_int_after (out3, inbox_anchor, "last_sync"), >=, start);
	g_assert_cmpint (json_int_after (out3, "{\"id\":\"\"", "last_sync"), ==, OLD_SYNC);

	/* The tables say the same for people. */
	g_assert_cmpint (ctl (f, &table, NULL, "show", USER, "SYNCT1", NULL), ==, 0);
	g_assert_nonnull (strstr (table, "Last sync:"));
	g_assert_nonnull (strstr (table, "Folders:"));
	g_assert_nonnull (strstr (table, "(folder hierarchy)"));
	g_assert_nonnull (strstr (table, "2001-09-09T01:46:40Z"));
	g_assert_nonnull (strstr (table, "Inbox"));
	g_assert_cmpint (ctl (f, &list, NULL, "list", USER, NULL), ==, 0);
	g_assert_nonnull (strstr (list, "LAST SYNC"));
	g_assert_cmpint (ctl (f, &list_json, NULL, "list", "--json", NULL), ==, 0);
	assert_json (list_json, '[');
	g_assert_cmpint (json_int_after (list_json, inbox_anchor, "last_sync"), >=, start);
}

/* A database of schema 1 (before the sync times) opens, migrates and keeps
 * its rows. */
static void
test_migrate_v1 (void)
{
	g_autofree char *dir = g_dir_make_tmp ("test-devices-XXXXXX", NULL);
	g_autofree char *path = g_build_filename (dir, "airdock.sqlite", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdUser) user = NULL;
	g_autoptr (AirdockdDevice) dev = NULL;
	g_autoptr (AirdockdDevice) dev2 = NULL;
	g_autoptr (AirdockdSyncState) got = NULL;
	g_autoptr (GPtrArray) infos = NULL;
	AirdockdSyncState state = { .sync_key = (char *) "7", .last_modseq = 42 };
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	{
		g_autoptr (AirdockdStore) store = airdockd_store_open (dir, &error);
		g_assert_no_error (error);
		g_assert_true (airdockd_store_user_add (store, "mig", "mig@example.org", "pw", &user, &error));
		g_assert_no_error (error);
		dev = airdockd_store_device_ensure (store, user->id, "MIG1", "Phone", &error);
		g_assert_no_error (error);
		g_assert_true (airdockd_store_sync_state_put (store, user->id, dev->id, "5", &state, &error));
		g_assert_no_error (error);
	}
	/* Back to schema 1: the columns of version 2 gone. */
	g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_exec (db, "ALTER TABLE sync_state DROP COLUMN last_sync;"
				       "ALTER TABLE devices DROP COLUMN last_sync;"
				       "PRAGMA user_version = 1", NULL, NULL, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

	{
		g_autoptr (AirdockdStore) store = airdockd_store_open (dir, &error);
		g_assert_no_error (error);
		got = airdockd_store_sync_state_get (store, user->id, dev->id, "5", &error);
		g_assert_no_error (error);
		g_assert_cmpstr (got->sync_key, ==, "7");
		g_assert_cmpint (got->last_modseq, ==, 42);
		infos = airdockd_store_sync_state_list (store, user->id, dev->id, &error);
		g_assert_no_error (error);
		g_assert_cmpuint (infos->len, ==, 1);
		g_assert_cmpint (((AirdockdSyncInfo *) infos->pdata[0])->last_sync, ==, 0);
		/* Touch needs a state; then it stamps the collection and device. */
		g_assert_false (airdockd_store_sync_state_touch (store, user->id, dev->id, "6", &error));
		g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
		g_clear_error (&error);
		g_assert_true (airdockd_store_sync_state_touch (store, user->id, dev->id, "5", &error));
		g_assert_no_error (error);
		/* A put afterwards keeps the stamp. */
		g_assert_true (airdockd_store_sync_state_put (store, user->id, dev->id, "5", &state, &error));
		g_assert_no_error (error);
		g_clear_pointer (&infos, g_ptr_array_unref);
		infos = airdockd_store_sync_state_list (store, user->id, dev->id, &error);
		g_assert_no_error (error);
		g_assert_cmpint (((AirdockdSyncInfo *) infos->pdata[0])->last_sync, >, 0);
		dev2 = airdockd_store_device_get (store, user->id, "MIG1", &error);
		g_assert_no_error (error);
		g_assert_cmpint (dev2->last_sync, >, 0);
		/* Another user's device id is not found. */
		g_assert_null (airdockd_store_sync_state_list (store, user->id + 1, dev->id, &error));
		g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
		g_clear_error (&error);
	}
	g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &st, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
	g_assert_cmpint (sqlite3_column_int (st, 0), ==, AIRDOCKD_STORE_SCHEMA_VERSION);
	sqlite3_finalize (st);
	g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
	airdock_harness_remove_tree (dir);
	g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* Parked requests wake within a few polls of another process's change. */
#define PUSH_CONFIG "[push]\nheartbeat_min = 2\nheartbeat_max = 60\npoll_interval = 1\n"

/* A request running in its own thread (the client blocks while parked). */
typedef struct {
	AirdockEasClient *c;
	EasCommand cmd;
	EasNode *root;
	AirdockEasResponse *r;
} AsyncPost;

static gpointer
post_thread (gpointer data)
{
	AsyncPost *a = data;
	g_autoptr (EasNode) root = g_steal_pointer (&a->root);

	a->r = airdock_eas_client_post_tree (a->c, a->cmd, root, NULL);
	return NULL;
}

/* Starts cmd with root (taken) in a thread and waits (bounded: a hang is a
 * failure) until the server has parked it. */
static GThread *
park (Fixture *f, AsyncPost *a, AirdockEasClient *c, EasCommand cmd, EasNode *root)
{
	GThread *t;

	a->c = c;
	a->cmd = cmd;
	a->root = root;
	t = g_thread_new ("post", post_thread, a);
	airdock_harness_wait_parked (f->h, 1);
	return t;
}

static EasNode *
ping_inbox (const char *inbox)
{
	EasNode *root = eas_node_new (EAS_PING_PING);
	EasNode *one = eas_node_append (eas_node_append (root, EAS_PING_FOLDERS), EAS_PING_FOLDER);

	eas_node_append_text (root, EAS_PING_HEARTBEAT_INTERVAL, "60");
	eas_node_append_text (one, EAS_PING_ID, inbox);
	eas_node_append_text (one, EAS_PING_CLASS, "Email");
	return root;
}

/* `airdockctl devices wipe` (another process) wakes the device's parked
 * Ping: 140 on 14.1, HTTP 449 on 12.1; the device then gets the wipe. */
static void
test_wipe_wakes_ping (Fixture *f, gconstpointer data)
{
	g_autofree char *inbox = inbox_id (f);
	const struct { EasVersion v; const char *id; guint http; guint status; } cases[] = {
		{ 141, "PINGW141", 200, 140 },
		{ 121, "PINGW121", 449, 0 },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (AirdockEasClient) c = provisioned_client (f, cases[i].v, cases[i].id);
		g_autoptr (AirdockEasResponse) r = NULL;
		AsyncPost a = { 0 };
		GThread *t = park (f, &a, c, EAS_CMD_PING, ping_inbox (inbox));
		guint64 status = 0;

		g_assert_cmpint (ctl (f, NULL, NULL, "wipe", USER, cases[i].id, NULL), ==, 0);
		g_thread_join (t);
		g_assert_nonnull (a.r);
		g_assert_cmpuint (a.r->http_status, ==, cases[i].http);
		if (cases[i].status != 0) {
			g_assert_nonnull (a.r->tree);
			g_assert_true (eas_node_child_uint (a.r->tree, EAS_PING_STATUS, 1, 200, &status, NULL));
			g_assert_cmpuint (status, ==, cases[i].status);
		}
		g_clear_pointer (&a.r, airdock_eas_response_free);
		r = provision_empty (c);
		g_assert_nonnull (eas_node_child (r->tree, EAS_PROVISION_REMOTE_WIPE));
		g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_WIPE_SENT, cases[i].id, "RemoteWipe"));
		for (guint j = 0; j < 500 && airdock_harness_parked (f->h) != 0; j++)
			g_usleep (20 * 1000);
	}
}

/* A parked Sync (HeartbeatInterval) that a delivery wakes is a successful
 * sync too: it moves the device's and the folder's last sync. */
static void
test_parked_sync_last_sync (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = provisioned_client (f, 141, "SYNCW1");
	g_autofree char *inbox = inbox_id (f);
	g_autofree char *anchor = g_strdup_printf ("{\"id\":\"%s\"", inbox);
	g_autofree char *key = NULL;
	g_autofree char *s1 = NULL;
	g_autofree char *out = NULL;
	g_autofree char *msg = g_build_filename (f->h->dir, "wake.eml", NULL);
	g_autofree char *prog = airdock_harness_build_path ("server/airdockctl");
	g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	g_autoptr (GSubprocess) p = NULL;
	g_autoptr (GError) error = NULL;
	EasNode *root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	gint64 start = g_get_real_time () / G_USEC_PER_SEC;
	AsyncPost a = { 0 };
	GThread *t;

	s1 = sync_once (c, inbox, "0", &key);
	g_assert_cmpstr (s1, ==, "1");
	backdate_last_sync (f, OLD_SYNC);
	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, inbox);
	eas_node_append_text (root, EAS_AIRSYNC_HEARTBEAT_INTERVAL, "60");
	t = park (f, &a, c, EAS_CMD_SYNC, root);
	/* Parked, nothing answered yet: nothing moved. */
	g_assert_cmpint (ctl (f, &out, NULL, "show", "--json", USER, "SYNCW1", NULL), ==, 0);
	g_assert_cmpint (json_int_after (out, "\"device_id\"", "last_sync"), ==, OLD_SYNC);
	g_clear_pointer (&out, g_free);

	g_assert_true (g_file_set_contents (msg, "From: a@example.net\r\nSubject: wake\r\n\r\nHi.\r\n", -1, &error));
	g_subprocess_launcher_set_stdin_file_path (l, msg);
	p = g_subprocess_launcher_spawn (l, &error, prog, "-c", f->h->config_path, "deliver", USER, NULL);
	g_assert_no_error (error);
	g_assert_true (g_subprocess_wait_check (p, NULL, &error));
	g_assert_no_error (error);
	g_thread_join (t);
	g_assert_nonnull (a.r);
	g_assert_cmpuint (a.r->http_status, ==, 200);
	g_assert_nonnull (eas_node_path (a.r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0));
	g_clear_pointer (&a.r, airdock_eas_response_free);
	g_assert_cmpint (ctl (f, &out, NULL, "show", "--json", USER, "SYNCW1", NULL), ==, 0);
	g_assert_cmpint (json_int_after (out, "\"device_id\"", "last_sync"), >=, start);
	g_assert_cmpint (json_int_after (out, anchor, "last_sync"), >=, start);
}

static void
test_list (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) a = provisioned_client (f, 141, "LISTA");
	g_autoptr (AirdockEasClient) b = provisioned_client (f, 121, "LISTB");
	g_autofree char *json = NULL;
	g_autofree char *table = NULL;
	g_autofree char *all = NULL;
	const char *pa, *pb;

	/* Provisioning is in the security log too. */
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_POLICY_ACKNOWLEDGED, "LISTA", "status 1"));
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_POLICY_ACKNOWLEDGED, "LISTB", "status 1"));
	g_assert_cmpint (ctl (f, &json, NULL, "list", "--json", USER, NULL), ==, 0);
	assert_json (json, '[');
	pa = strstr (json, "\"device_id\":\"LISTA\"");
	pb = strstr (json, "\"device_id\":\"LISTB\"");
	g_assert_nonnull (pa);
	g_assert_nonnull (pb);
	g_assert_true (pa < pb);
	g_assert_nonnull (strstr (json, "\"device_type\":\"TestPhone\""));
	g_assert_nonnull (strstr (json, "\"protocol_version\":\"12.1\""));
	g_assert_nonnull (strstr (json, "\"user\":\"" USER "\""));
	/* DeviceInformation the 14.1 device sent while provisioning. */
	g_assert_nonnull (strstr (json, "\"model\":\"" AIRDOCK_EAS_CLIENT_MODEL "\""));
	g_assert_nonnull (strstr (json, "\"friendly_name\":\"" AIRDOCK_EAS_CLIENT_FRIENDLY_NAME "\""));
	g_assert_nonnull (strstr (json, "\"os\":\"" AIRDOCK_EAS_CLIENT_OS "\""));
	g_assert_nonnull (strstr (json, "\"imei\":null"));

	g_assert_cmpint (ctl (f, &table, NULL, "list", NULL), ==, 0);
	g_assert_true (g_str_has_prefix (table, "USER "));
	g_assert_nonnull (strstr (table, "LISTA"));
	g_assert_nonnull (strstr (table, "LISTB"));

	g_assert_cmpint (ctl (f, &all, NULL, "list", "--json", NULL), ==, 0);
	assert_json (all, '[');
}

static void
test_usage (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = provisioned_client (f, 141, "USAGE1");

	g_assert_cmpint (ctl (f, NULL, NULL, NULL), ==, 2);
	g_assert_cmpint (ctl (f, NULL, NULL, "wipe", USER, NULL), ==, 2);
	g_assert_cmpint (ctl (f, NULL, NULL, "frobnicate", USER, "USAGE1", NULL), ==, 2);
	g_assert_cmpint (ctl (f, NULL, NULL, "remove", "--folder", "x", USER, "USAGE1", NULL), ==, 2);
	g_assert_cmpint (ctl (f, NULL, NULL, "show", USER, "NOSUCH", NULL), ==, 1);
	g_assert_cmpint (ctl (f, NULL, NULL, "show", "nosuchuser", "USAGE1", NULL), ==, 1);
	g_assert_cmpint (ctl (f, NULL, NULL, "wipe", "nosuchuser", "USAGE1", NULL), ==, 1);
	assert_probe (c, 200, 1);
}

static void
test_auth_failure (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = airdock_eas_client_new (f->h, TRUE, USER, "wrong", "AUTH1", "TestPhone", 141);
	guint status = 0;

	g_assert_cmpuint (probe (c, &status), ==, 401);
	/* Authentication comes before the query is read: user and address only. */
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_AUTH_FAILED, NULL, "127.0.0.1"));
}

/* POSTs an Autodiscover request with user:password; returns the status. */
static guint
autodiscover_post (AirdockHarness *h, const char *user, const char *password)
{
	static const char body[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>"
		"<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006\">"
		"<Request><EMailAddress>" EMAIL "</EMailAddress><AcceptableResponseSchema>"
		"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"
		"</AcceptableResponseSchema></Request></Autodiscover>";
	g_autofree char *base = airdock_harness_url (h, FALSE);
	g_autofree char *url = g_strconcat (base, "/autodiscover/autodiscover.xml", NULL);
	g_autofree char *cred = g_strdup_printf ("%s:%s", user, password);
	g_autofree char *b64 = g_base64_encode ((const guchar *) cred, strlen (cred));
	g_autofree char *hdr = g_strdup_printf ("Basic %s", b64);
	g_autoptr (SoupSession) session = soup_session_new ();
	g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
	g_autoptr (GBytes) req = g_bytes_new_static (body, strlen (body));
	g_autoptr (GBytes) resp = NULL;
	g_autoptr (GError) error = NULL;

	soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", hdr);
	soup_message_set_request_body_from_bytes (msg, "text/xml", req);
	resp = soup_session_send_and_read (session, msg, NULL, &error);
	g_assert_no_error (error);
	return soup_message_get_status (msg);
}

/* Autodiscover keeps its own lockout; its failures are in the log too. */
static void
test_auth_autodiscover (Fixture *f, gconstpointer data)
{
	g_autofree char *log = NULL;

	g_assert_cmpuint (autodiscover_post (f->h, USER, PASSWORD), ==, 200);
	g_assert_false (seclog_has (f, AIRDOCKD_SECLOG_AUTH_FAILED, NULL, NULL));
	g_assert_cmpuint (autodiscover_post (f->h, USER, "wrong-pw"), ==, 401);
	g_assert_true (seclog_has (f, AIRDOCKD_SECLOG_AUTH_FAILED, NULL, "autodiscover from 127.0.0.1"));
	log = airdock_harness_read_seclog (f->h);
	g_assert_null (strstr (log, "wrong-pw"));
}

#define LOCKOUT_CONFIG "[limits]\nauth_max_failures = 2\nauth_lockout_seconds = 600\n"

static void
test_auth_lockout (void)
{
	g_autoptr (AirdockHarness) h = airdock_harness_start (LOCKOUT_CONFIG);
	Fixture f = { h, airdock_harness_add_user (h, USER, EMAIL, PASSWORD) };
	g_autoptr (AirdockEasClient) c = airdock_eas_client_new (h, TRUE, USER, "wrong", "LOCK1", "TestPhone", 141);
	guint status = 0;

	g_assert_false (seclog_has (&f, AIRDOCKD_SECLOG_AUTH_LOCKED, NULL, NULL));
	for (guint i = 0; i < 3; i++)
		g_assert_cmpuint (probe (c, &status), ==, 401);
	g_assert_true (seclog_has (&f, AIRDOCKD_SECLOG_AUTH_FAILED, NULL, "127.0.0.1"));
	g_assert_true (seclog_has (&f, AIRDOCKD_SECLOG_AUTH_LOCKED, NULL, "127.0.0.1"));
}

static void
test_seclog_repeatable (void)
{
	g_autofree char *dir = g_dir_make_tmp ("test-devices-XXXXXX", NULL);
	g_autofree char *path = g_build_filename (dir, AIRDOCKD_SECLOG_FILE, NULL);
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;

	g_assert_true (airdockd_seclog_repeatable (dir, "rep", "u", "D1", "first"));
	g_assert_false (airdockd_seclog_repeatable (dir, "rep", "u", "D1", "again"));
	g_assert_false (airdockd_seclog_repeatable (dir, "rep", "u", "D1", "again"));
	/* Another device, user or event is another key. */
	g_assert_true (airdockd_seclog_repeatable (dir, "rep", "u", "D2", NULL));
	g_assert_true (airdockd_seclog_repeatable (dir, "rep", "v", "D1", NULL));
	g_assert_true (airdockd_seclog_repeatable (dir, "other", "u", "D1", NULL));
	g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
	lines = g_strsplit (text, "\n", -1);
	g_assert_cmpuint (g_strv_length (lines), ==, 5);
	g_assert_nonnull (strstr (lines[0], "\"detail\":\"first\""));
	g_assert_cmpint (g_remove (path), ==, 0);
	g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_json_escape (void)
{
	g_autoptr (GString) s = g_string_new (NULL);

	airdockd_json_append_string (s, "a\"b\\c\nd\x01\x7f" "\xc3\xa9" "\xff");
	g_assert_cmpstr (s->str, ==, "\"a\\\"b\\\\c\\nd\\u0001\\u007f\xc3\xa9\xef\xbf\xbd\"");
}

/* Client-controlled fields: cut at AIRDOCKD_SECLOG_MAX_FIELD (N kept,
 * N + 1 cut), invalid UTF-8 replaced, one line each. */
static void
test_seclog_fields (void)
{
	g_autofree char *dir = g_dir_make_tmp ("test-devices-XXXXXX", NULL);
	g_autofree char *path = g_build_filename (dir, AIRDOCKD_SECLOG_FILE, NULL);
	g_autofree char *n = g_strnfill (AIRDOCKD_SECLOG_MAX_FIELD, 'a');
	g_autofree char *n1 = g_strnfill (AIRDOCKD_SECLOG_MAX_FIELD + 1, 'b');
	g_autofree char *cut = g_strnfill (AIRDOCKD_SECLOG_MAX_FIELD, 'b');
	g_autofree char *want0 = g_strdup_printf ("\"user\":\"%s\"", n);
	g_autofree char *want1 = g_strdup_printf ("\"user\":\"%s\u2026\"", cut);
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_nonnull (dir);
	g_assert_true (airdockd_seclog_write (dir, "test", n, "D\xff", NULL, &error));
	g_assert_no_error (error);
	g_assert_true (airdockd_seclog_write (dir, "test", n1, "D2", "x\ny", &error));
	g_assert_no_error (error);
	g_assert_true (g_file_get_contents (path, &text, NULL, &error));
	g_assert_no_error (error);
	lines = g_strsplit (text, "\n", -1);
	g_assert_cmpuint (g_strv_length (lines), ==, 3);
	g_assert_cmpstr (lines[2], ==, "");
	g_assert_nonnull (strstr (lines[0], want0));
	g_assert_nonnull (strstr (lines[0], "\"device\":\"D\xef\xbf\xbd\""));
	g_assert_null (strstr (lines[0], "\"detail\""));
	g_assert_nonnull (strstr (lines[1], want1));
	g_assert_nonnull (strstr (lines[1], "\"detail\":\"x\\ny\""));
	g_assert_true (g_utf8_validate (text, -1, NULL));
	g_assert_cmpint (g_remove (path), ==, 0);
	g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The structured records of the security log, as journald gets them. */
static GPtrArray *captured_records;	/* "KEY=value\n…" per record */

static GLogWriterOutput
capture_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
	if (captured_records != NULL) {
		GString *rec = g_string_new (NULL);

		for (gsize i = 0; i < n_fields; i++) {
			if (fields[i].length < 0)
				g_string_append_printf (rec, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
		}
		g_ptr_array_add (captured_records, g_string_free (rec, FALSE));
		return G_LOG_WRITER_HANDLED;
	}
	return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
test_seclog_journal_fields (void)
{
	g_autofree char *dir = g_dir_make_tmp ("test-devices-XXXXXX", NULL);
	g_autofree char *path = g_build_filename (dir, AIRDOCKD_SECLOG_FILE, NULL);
	g_autoptr (GError) error = NULL;
	const char *rec;

	captured_records = g_ptr_array_new_with_free_func (g_free);
	g_assert_true (airdockd_seclog_write (dir, AIRDOCKD_SECLOG_WIPE_SENT, "jo", "JDEV", "RemoteWipe", &error));
	g_assert_no_error (error);
	g_assert_cmpuint (captured_records->len, ==, 1);
	rec = captured_records->pdata[0];
	g_assert_nonnull (strstr (rec, "AIRDOCK_SECURITY=1\n"));
	g_assert_nonnull (strstr (rec, "AIRDOCK_EVENT=" AIRDOCKD_SECLOG_WIPE_SENT "\n"));
	g_assert_nonnull (strstr (rec, "EAS_USER=jo\n"));
	g_assert_nonnull (strstr (rec, "EAS_DEVICE_ID=JDEV\n"));
	g_assert_nonnull (strstr (rec, "MESSAGE=security: " AIRDOCKD_SECLOG_WIPE_SENT ": RemoteWipe"));
	/* A newline from a client cannot start a forged field. */
	g_assert_true (airdockd_seclog_write (dir, "test", "jo", "X\nAIRDOCK_EVENT=forged", NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (captured_records->len, ==, 2);
	g_assert_null (strstr (captured_records->pdata[1], "\nAIRDOCK_EVENT=forged"));
	g_assert_nonnull (strstr (captured_records->pdata[1], "EAS_DEVICE_ID=X\\nAIRDOCK_EVENT=forged\n"));
	g_clear_pointer (&captured_records, g_ptr_array_unref);
	g_assert_cmpint (g_remove (path), ==, 0);
	g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int argc, char **argv)
{
	g_log_set_writer_func (capture_writer, NULL, NULL);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/devices/seclog-journal-fields", test_seclog_journal_fields);
	g_test_add ("/devices/wipe/2.5", Fixture, NULL, fixture_setup, test_wipe_25, fixture_teardown);
	g_test_add_func ("/devices/json-escape", test_json_escape);
	g_test_add_func ("/devices/seclog-fields", test_seclog_fields);
	g_test_add_func ("/devices/seclog-repeatable", test_seclog_repeatable);
	g_test_add ("/devices/wipe/14.1", Fixture, NULL, fixture_setup, test_wipe_141, fixture_teardown);
	g_test_add ("/devices/wipe/12.1", Fixture, NULL, fixture_setup, test_wipe_121, fixture_teardown);
	g_test_add ("/devices/wipe/account-only", Fixture, NULL, fixture_setup, test_wipe_account_only,
		    fixture_teardown);
	g_test_add ("/devices/cancel-wipe", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
	g_test_add ("/devices/remove", Fixture, NULL, fixture_setup, test_remove, fixture_teardown);
	g_test_add ("/devices/resync", Fixture, NULL, fixture_setup, test_resync, fixture_teardown);
	g_test_add ("/devices/list", Fixture, NULL, fixture_setup, test_list, fixture_teardown);
	g_test_add ("/devices/last-sync", Fixture, NULL, fixture_setup, test_last_sync, fixture_teardown);
	g_test_add ("/devices/last-sync-parked", Fixture, PUSH_CONFIG, fixture_setup, test_parked_sync_last_sync,
		    fixture_teardown);
	g_test_add ("/devices/wipe/wakes-ping", Fixture, PUSH_CONFIG, fixture_setup, test_wipe_wakes_ping,
		    fixture_teardown);
	g_test_add_func ("/devices/migrate-v1", test_migrate_v1);
	g_test_add ("/devices/usage", Fixture, NULL, fixture_setup, test_usage, fixture_teardown);
	g_test_add_func ("/devices/auth-lockout", test_auth_lockout);
	g_test_add ("/devices/auth-failure", Fixture, NULL, fixture_setup, test_auth_failure, fixture_teardown);
	g_test_add ("/devices/auth-autodiscover", Fixture, NULL, fixture_setup, test_auth_autodiscover,
		    fixture_teardown);
	return g_test_run ();
}
