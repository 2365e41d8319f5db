/* test-provision.c — provisioning over real HTTPS for every protocol
 * version: refusal before, both phases, keys, DeviceInformation (14.1+),
 * wrong keys, policy change, remote wipe. */
#include "config.h"

#include <string.h>

#include "eas/eas-provision.h"
#include "server/airdockd-request.h"
#include "tests/server/eas-client.h"

#define USER "carol"
#define EMAIL "carol@example.org"
#define PASSWORD "pr0vision"

static const EasVersion versions[] = { 25, 120, 121, 140, 141, 160, 161 };

typedef struct {
	AirdockHarness *h;
	gint64 user_id;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	f->h = airdock_harness_start (NULL);
	f->user_id = airdock_harness_add_user (f->h, USER, EMAIL, PASSWORD);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_pointer (&f->h, airdock_harness_free);
}

static AirdockEasClient *
client_for (Fixture *f, EasVersion v, const char *device_id)
{
	return airdock_eas_client_new (f->h, TRUE, USER, PASSWORD, device_id, "TestPhone", v);
}

/* A Settings UserInformation request: our probe for "may this device run a
 * command".  Returns the HTTP status; *out_status the Settings Status. */
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
		g_assert_cmpuint (r->tree->tag, ==, EAS_SETTINGS_SETTINGS);
		g_assert_true (eas_node_child_uint (r->tree, EAS_SETTINGS_STATUS, 1, 200, &status, &error));
		*out_status = (guint) status;
	}
	return r->http_status;
}

/* The refusal a device of this version gets: EAS status on 14.0+, HTTP 449 below. */
static void
assert_refused (AirdockEasClient *c, guint eas_status)
{
	guint status = 0;
	guint http = probe (c, &status);

	if (airdock_eas_client_get_version (c) >= 140) {
		g_assert_cmpuint (http, ==, 200);
		g_assert_cmpuint (status, ==, eas_status);
	} else {
		g_assert_cmpuint (http, ==, 449);
	}
}

static void
assert_allowed (AirdockEasClient *c)
{
	guint status = 0;

	g_assert_cmpuint (probe (c, &status), ==, 200);
	g_assert_cmpuint (status, ==, 1);
}

static const EasNode *
phase1_policy (const AirdockEasResponse *r)
{
	return eas_node_path (r->tree, EAS_PROVISION_POLICIES, EAS_PROVISION_POLICY, 0);
}

static void
check_phase1_document (EasVersion v, const AirdockEasResponse *r)
{
	const EasNode *policy = phase1_policy (r);
	const EasNode *data;

	g_assert_nonnull (policy);
	g_assert_cmpstr (eas_node_child_text (policy, EAS_PROVISION_POLICY_TYPE), ==,
	                 v == 25 ? EAS_POLICY_TYPE_WAP_XML : EAS_POLICY_TYPE_WBXML);
	data = eas_node_child (policy, EAS_PROVISION_DATA);
	g_assert_nonnull (data);
	if (v == 25) {
		/* [MS-ASPROV] 2.2.2.24.2: the WAP provisioning document as text. */
		g_assert_nonnull (data->text);
		g_assert_nonnull (strstr (data->text, "wap-provisioningdoc"));
	} else {
		g_assert_nonnull (eas_node_child (data, EAS_PROVISION_EAS_PROVISION_DOC));
	}
}

static void
test_versions (Fixture *f, gconstpointer data)
{
	for (gsize i = 0; i < G_N_ELEMENTS (versions); i++) {
		EasVersion v = versions[i];
		g_autofree char *dev = g_strdup_printf ("DEV%u", v);
		g_autoptr (AirdockEasClient) c = client_for (f, v, dev);
		g_autoptr (AirdockEasResponse) phase1 = NULL;
		g_autoptr (GError) error = NULL;
		const char *temp_key;

		g_test_message ("version %s", eas_version_to_string (v));
		/* Before provisioning: refused with 142 / HTTP 449. */
		assert_refused (c, 142);
		g_assert_true (airdock_eas_client_provision (c, &phase1, &error));
		g_assert_no_error (error);
		check_phase1_document (v, phase1);
		temp_key = eas_node_child_text (phase1_policy (phase1), EAS_PROVISION_POLICY_KEY);
		g_assert_cmpstr (temp_key, !=, "0");
		g_assert_cmpuint (airdock_eas_client_get_policy_key (c), !=, 0);
		g_assert_cmpuint (g_ascii_strtoull (temp_key, NULL, 10), !=, airdock_eas_client_get_policy_key (c));
		assert_allowed (c);
	}
}

static void
test_base64_form (Fixture *f, gconstpointer data)
{
	/* 12.1+ clients may send the key inside the base64 request line. */
	for (gsize i = 2; i < G_N_ELEMENTS (versions); i++) {
		g_autofree char *dev = g_strdup_printf ("B64%u", versions[i]);
		g_autoptr (AirdockEasClient) c = client_for (f, versions[i], dev);
		g_autoptr (GError) error = NULL;

		airdock_eas_client_set_base64 (c, TRUE);
		assert_refused (c, 142);
		g_assert_true (airdock_eas_client_provision (c, NULL, &error));
		g_assert_no_error (error);
		assert_allowed (c);
	}
}

static void
test_device_information (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client_for (f, 141, "INFO141");
	g_autoptr (AirdockEasClient) old = client_for (f, 140, "INFO140");
	g_autoptr (AirdockEasResponse) phase1 = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdStore) store = NULL;
	g_autoptr (AirdockdDevice) dev = NULL;
	g_autoptr (AirdockdDevice) dev_old = NULL;
	const EasNode *di;

	g_assert_true (airdock_eas_client_provision (c, &phase1, &error));
	g_assert_no_error (error);
	/* [MS-ASPROV] 2.2.2.52: settings:DeviceInformation Status in the answer. */
	di = eas_node_child (phase1->tree, EAS_SETTINGS_DEVICE_INFORMATION);
	g_assert_nonnull (di);
	g_assert_cmpstr (eas_node_child_text (di, EAS_SETTINGS_STATUS), ==, "1");
	g_assert_true (airdock_eas_client_provision (old, NULL, &error));
	g_assert_no_error (error);

	store = airdock_harness_open_store (f->h);
	dev = airdockd_store_device_get (store, f->user_id, "INFO141", &error);
	g_assert_no_error (error);
	g_assert_cmpstr (dev->info.model, ==, AIRDOCK_EAS_CLIENT_MODEL);
	g_assert_cmpstr (dev->info.friendly_name, ==, AIRDOCK_EAS_CLIENT_FRIENDLY_NAME);
	g_assert_cmpstr (dev->info.os, ==, AIRDOCK_EAS_CLIENT_OS);
	g_assert_cmpuint (dev->policy_key, ==, airdock_eas_client_get_policy_key (c));
	g_assert_cmpstr (dev->protocol_version, ==, "14.1");
	/* 14.0 has no DeviceInformation in Provision: nothing stored. */
	dev_old = airdockd_store_device_get (store, f->user_id, "INFO140", &error);
	g_assert_no_error (error);
	g_assert_null (dev_old->info.model);
}

static void
test_wrong_keys (Fixture *f, gconstpointer data)
{
	for (gsize i = 0; i < G_N_ELEMENTS (versions); i++) {
		EasVersion v = versions[i];
		g_autofree char *dev = g_strdup_printf ("KEY%u", v);
		g_autoptr (AirdockEasClient) c = client_for (f, v, dev);
		g_autoptr (GError) error = NULL;
		guint32 key;

		g_assert_true (airdock_eas_client_provision (c, NULL, &error));
		g_assert_no_error (error);
		key = airdock_eas_client_get_policy_key (c);
		airdock_eas_client_set_policy_key (c, key ^ 0x5a5a);
		assert_refused (c, 144);
		airdock_eas_client_set_policy_key (c, 0);
		assert_refused (c, 142);
		airdock_eas_client_set_policy_key (c, key);
		assert_allowed (c);
	}
}

/* Phase 2 acknowledging a key the server never handed out: Policy Status 5. */
static void
test_ack_wrong_temporary_key (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client_for (f, 141, "ACK1");
	g_autoptr (EasNode) root = eas_node_new (EAS_PROVISION_PROVISION);
	EasNode *policy = eas_node_append (eas_node_append (root, EAS_PROVISION_POLICIES), EAS_PROVISION_POLICY);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;

	eas_node_append_text (policy, EAS_PROVISION_POLICY_TYPE, EAS_POLICY_TYPE_WBXML);
	eas_node_append_text (policy, EAS_PROVISION_POLICY_KEY, "12345");
	eas_node_append_text (policy, EAS_PROVISION_STATUS, "1");
	r = airdock_eas_client_post_tree (c, EAS_CMD_PROVISION, root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_cmpstr (eas_node_child_text (phase1_policy (r), EAS_PROVISION_STATUS), ==, "5");
	assert_refused (c, 142);
}

static gboolean
policy_doc_pin_required (const AirdockEasResponse *phase1)
{
	const EasNode *doc = eas_node_path (phase1_policy (phase1), EAS_PROVISION_DATA,
	                                    EAS_PROVISION_EAS_PROVISION_DOC, 0);

	g_assert_nonnull (doc);
	return g_strcmp0 (eas_node_child_text (doc, EAS_PROVISION_DEVICE_PASSWORD_ENABLED), "1") == 0;
}

static void
test_policy_change (Fixture *f, gconstpointer data)
{
	const EasVersion vs[] = { 25, 121, 141, 161 };
	AirdockEasClient *clients[G_N_ELEMENTS (vs)];
	g_autoptr (GError) error = NULL;

	for (gsize i = 0; i < G_N_ELEMENTS (vs); i++) {
		g_autofree char *dev = g_strdup_printf ("POL%u", vs[i]);
		g_autoptr (AirdockEasResponse) phase1 = NULL;
		clients[i] = client_for (f, vs[i], dev);
		g_assert_true (airdock_eas_client_provision (clients[i], &phase1, &error));
		g_assert_no_error (error);
		if (vs[i] != 25)
			g_assert_false (policy_doc_pin_required (phase1));
		assert_allowed (clients[i]);
	}
	/* The administrator tightens the policy: every device must fetch it again. */
	airdock_harness_restart (f->h, "[policy]\npin_required = true\nmin_pin_length = 6\n");
	for (gsize i = 0; i < G_N_ELEMENTS (vs); i++) {
		/* Same device, same key, new port. */
		guint32 old_key = airdock_eas_client_get_policy_key (clients[i]);
		g_autofree char *dev = g_strdup_printf ("POL%u", vs[i]);
		g_autoptr (AirdockEasClient) c = client_for (f, vs[i], dev);
		g_autoptr (AirdockEasResponse) phase1 = NULL;

		g_clear_pointer (&clients[i], airdock_eas_client_free);
		airdock_eas_client_set_policy_key (c, old_key);
		assert_refused (c, 143);
		g_assert_true (airdock_eas_client_provision (c, &phase1, &error));
		g_assert_no_error (error);
		if (vs[i] != 25)
			g_assert_true (policy_doc_pin_required (phase1));
		assert_allowed (c);
	}
}

static void
test_remote_wipe (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = client_for (f, 141, "WIPE1");
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdStore) store = NULL;
	g_autoptr (AirdockdDevice) dev = NULL;
	g_autoptr (AirdockEasResponse) r1 = NULL;
	g_autoptr (AirdockEasResponse) r2 = NULL;
	g_autoptr (EasNode) empty = eas_node_new (EAS_PROVISION_PROVISION);
	g_autoptr (EasNode) ack = eas_node_new (EAS_PROVISION_PROVISION);

	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
	store = airdock_harness_open_store (f->h);
	dev = airdockd_store_device_get (store, f->user_id, "WIPE1", &error);
	g_assert_no_error (error);
	airdockd_store_device_set_wipe (store, f->user_id, dev->id, AIRDOCKD_WIPE_PENDING, &error);
	g_assert_no_error (error);

	assert_refused (c, 140);
	r1 = airdock_eas_client_post_tree (c, EAS_CMD_PROVISION, empty, &error);
	g_assert_no_error (error);
	g_assert_nonnull (eas_node_child (r1->tree, EAS_PROVISION_REMOTE_WIPE));
	eas_node_append_text (eas_node_append (ack, EAS_PROVISION_REMOTE_WIPE), EAS_PROVISION_STATUS, "1");
	r2 = airdock_eas_client_post_tree (c, EAS_CMD_PROVISION, ack, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (eas_node_child_text (r2->tree, EAS_PROVISION_STATUS), ==, "1");
	/* Out for good, Provision included. */
	{
		guint status = 0;
		g_assert_cmpuint (probe (c, &status), ==, 403);
		g_assert_false (airdock_eas_client_provision (c, NULL, &error));
	}
}

/* The road a phone takes when it adds the account: OPTIONS, a FolderSync
 * refused until it provisions, Provision, then its folders. */
static void
test_add_account (Fixture *f, gconstpointer data)
{
	for (gsize i = 0; i < G_N_ELEMENTS (versions); i++) {
		EasVersion v = versions[i];
		g_autofree char *dev = g_strdup_printf ("PHONE%u", v);
		g_autoptr (AirdockEasClient) c = client_for (f, v, dev);
		g_autoptr (GError) error = NULL;
		g_autoptr (AirdockEasResponse) options = NULL;
		g_autoptr (AirdockEasResponse) before = NULL;
		g_autoptr (AirdockEasResponse) after = NULL;
		g_autoptr (EasNode) root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_SYNC);
		const EasNode *changes;
		guint inboxes = 0;

		options = airdock_eas_client_request (c, "OPTIONS", "/Microsoft-Server-ActiveSync", &error);
		g_assert_no_error (error);
		g_assert_cmpuint (options->http_status, ==, 200);
		if (airdockd_command_lookup (EAS_CMD_FOLDER_SYNC) == NULL) {
			g_test_skip ("no FolderSync handler registered");
			return;
		}
		eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, "0");
		before = airdock_eas_client_post_tree (c, EAS_CMD_FOLDER_SYNC, root, &error);
		g_assert_no_error (error);
		if (v >= 140) {
			g_assert_cmpuint (before->http_status, ==, 200);
			g_assert_cmpstr (eas_node_child_text (before->tree, EAS_FOLDERHIERARCHY_STATUS), ==, "142");
		} else {
			g_assert_cmpuint (before->http_status, ==, 449);
		}
		g_assert_true (airdock_eas_client_provision (c, NULL, &error));
		g_assert_no_error (error);
		after = airdock_eas_client_post_tree (c, EAS_CMD_FOLDER_SYNC, root, &error);
		g_assert_no_error (error);
		g_assert_cmpuint (after->http_status, ==, 200);
		g_assert_nonnull (after->tree);
		g_assert_cmpstr (eas_node_child_text (after->tree, EAS_FOLDERHIERARCHY_STATUS), ==, "1");
		changes = eas_node_child (after->tree, EAS_FOLDERHIERARCHY_CHANGES);
		g_assert_nonnull (changes);
		for (const EasNode *add = eas_node_child (changes, EAS_FOLDERHIERARCHY_ADD);
		     add != NULL; add = eas_node_next_same (add))
			if (g_strcmp0 (eas_node_child_text (add, EAS_FOLDERHIERARCHY_TYPE), "2") == 0)
				inboxes++;
		g_assert_cmpuint (inboxes, ==, 1);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add ("/provision/versions", Fixture, NULL, fixture_setup, test_versions, fixture_teardown);
	g_test_add ("/provision/base64-form", Fixture, NULL, fixture_setup, test_base64_form, fixture_teardown);
	g_test_add ("/provision/device-information", Fixture, NULL, fixture_setup, test_device_information, fixture_teardown);
	g_test_add ("/provision/wrong-keys", Fixture, NULL, fixture_setup, test_wrong_keys, fixture_teardown);
	g_test_add ("/provision/ack-wrong-temporary-key", Fixture, NULL, fixture_setup, test_ack_wrong_temporary_key, fixture_teardown);
	g_test_add ("/provision/policy-change", Fixture, NULL, fixture_setup, test_policy_change, fixture_teardown);
	g_test_add ("/provision/add-account", Fixture, NULL, fixture_setup, test_add_account, fixture_teardown);
	g_test_add ("/provision/remote-wipe", Fixture, NULL, fixture_setup, test_remote_wipe, fixture_teardown);

	return g_test_run ();
}
