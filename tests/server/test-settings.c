/* test-settings.c — the Settings command over real HTTPS: DeviceInformation
 * stored on the device, UserInformation from the account (both forms), Oof
 * set and get per user, bad requests. */
#include "config.h"

#include <string.h>

#include "tests/server/eas-client.h"

#define USER "dave"
#define EMAIL "dave@example.org"
#define PASSWORD "s3ttings"

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
provisioned_client (Fixture *f, EasVersion v, const char *device_id)
{
	AirdockEasClient *c = airdock_eas_client_new (f->h, TRUE, USER, PASSWORD, device_id, "TestPhone", v);
	g_autoptr (GError) error = NULL;

	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
	return c;
}

static AirdockEasResponse *
settings (AirdockEasClient *c, const EasNode *root)
{
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r = airdock_eas_client_post_tree (c, EAS_CMD_SETTINGS, root, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	g_assert_cmpuint (r->tree->tag, ==, EAS_SETTINGS_SETTINGS);
	return r;
}

static void
test_device_information (Fixture *f, gconstpointer data)
{
	const EasVersion vs[] = { 121, 140, 141, 161 };

	for (gsize i = 0; i < G_N_ELEMENTS (vs); i++) {
		g_autofree char *dev = g_strdup_printf ("SET%u", vs[i]);
		g_autofree char *model = g_strdup_printf ("Model for %u", vs[i]);
		g_autoptr (AirdockEasClient) c = provisioned_client (f, vs[i], dev);
		g_autoptr (EasNode) root = eas_node_new (EAS_SETTINGS_SETTINGS);
		EasNode *set = eas_node_append (eas_node_append (root, EAS_SETTINGS_DEVICE_INFORMATION),
		                                EAS_SETTINGS_SET);
		g_autoptr (AirdockEasResponse) r = NULL;
		g_autoptr (AirdockdStore) store = NULL;
		g_autoptr (AirdockdDevice) device = NULL;
		g_autoptr (GError) error = NULL;

		eas_node_append_text (set, EAS_SETTINGS_MODEL, model);
		eas_node_append_text (set, EAS_SETTINGS_IMEI, "356938035643809");
		eas_node_append_text (set, EAS_SETTINGS_OS_LANGUAGE, "English");
		eas_node_append_text (set, EAS_SETTINGS_USER_AGENT, "TestAgent/1");
		r = settings (c, root);
		g_assert_cmpstr (eas_node_child_text (r->tree, EAS_SETTINGS_STATUS), ==, "1");
		g_assert_cmpstr (eas_node_child_text (eas_node_child (r->tree, EAS_SETTINGS_DEVICE_INFORMATION),
		                                      EAS_SETTINGS_STATUS), ==, "1");

		store = airdock_harness_open_store (f->h);
		device = airdockd_store_device_get (store, f->user_id, dev, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (device->info.model, ==, model);
		g_assert_cmpstr (device->info.imei, ==, "356938035643809");
		g_assert_cmpstr (device->info.os_language, ==, "English");
		g_assert_cmpstr (device->info.user_agent, ==, "TestAgent/1");
	}
}

/* Finds the first descendant with this tag (depth-first). */
static const EasNode *
find (const EasNode *node, EasTag tag)
{
	for (const EasNode *c = node->first_child; c != NULL; c = c->next) {
		const EasNode *hit = c->tag == tag ? c : find (c, tag);
		if (hit != NULL)
			return hit;
	}
	return NULL;
}

static void
test_user_information (Fixture *f, gconstpointer data)
{
	const EasVersion vs[] = { 120, 121, 140, 141, 160, 161 };

	for (gsize i = 0; i < G_N_ELEMENTS (vs); i++) {
		g_autofree char *dev = g_strdup_printf ("UI%u", vs[i]);
		g_autoptr (AirdockEasClient) c = provisioned_client (f, vs[i], dev);
		g_autoptr (EasNode) root = eas_node_new (EAS_SETTINGS_SETTINGS);
		g_autoptr (AirdockEasResponse) r = NULL;
		const EasNode *ui;

		eas_node_append (eas_node_append (root, EAS_SETTINGS_USER_INFORMATION), EAS_SETTINGS_GET);
		r = settings (c, root);
		ui = eas_node_child (r->tree, EAS_SETTINGS_USER_INFORMATION);
		g_assert_nonnull (ui);
		g_assert_cmpstr (eas_node_child_text (ui, EAS_SETTINGS_STATUS), ==, "1");
		/* [MS-ASCMD] 2.2.3.177.x: SmtpAddress below 14.1, Account/PrimarySmtpAddress from 14.1. */
		if (vs[i] >= 141)
			g_assert_cmpstr (find (ui, EAS_SETTINGS_PRIMARY_SMTP_ADDRESS)->text, ==, EMAIL);
		else
			g_assert_cmpstr (find (ui, EAS_SETTINGS_SMTP_ADDRESS)->text, ==, EMAIL);
	}
}

static void
test_oof (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = provisioned_client (f, 141, "OOF1");
	g_autoptr (AirdockEasClient) c2 = provisioned_client (f, 141, "OOF2");
	g_autoptr (EasNode) set_root = eas_node_new (EAS_SETTINGS_SETTINGS);
	g_autoptr (EasNode) get_root = eas_node_new (EAS_SETTINGS_SETTINGS);
	EasNode *set = eas_node_append (eas_node_append (set_root, EAS_SETTINGS_OOF), EAS_SETTINGS_SET);
	EasNode *msg, *get;
	g_autoptr (AirdockEasResponse) r1 = NULL;
	g_autoptr (AirdockEasResponse) r2 = NULL;
	const EasNode *oof;

	eas_node_append_text (set, EAS_SETTINGS_OOF_STATE, "1");
	msg = eas_node_append (set, EAS_SETTINGS_OOF_MESSAGE);
	eas_node_append (msg, EAS_SETTINGS_APPLIES_TO_INTERNAL);
	eas_node_append_text (msg, EAS_SETTINGS_ENABLED, "1");
	eas_node_append_text (msg, EAS_SETTINGS_REPLY_MESSAGE, "Away until Monday");
	eas_node_append_text (msg, EAS_SETTINGS_BODY_TYPE, "Text");
	r1 = settings (c, set_root);
	g_assert_cmpstr (eas_node_child_text (eas_node_child (r1->tree, EAS_SETTINGS_OOF), EAS_SETTINGS_STATUS), ==, "1");

	/* Per user: another device of the same user reads it back. */
	get = eas_node_append (eas_node_append (get_root, EAS_SETTINGS_OOF), EAS_SETTINGS_GET);
	eas_node_append_text (get, EAS_SETTINGS_BODY_TYPE, "Text");
	r2 = settings (c2, get_root);
	oof = eas_node_child (r2->tree, EAS_SETTINGS_OOF);
	g_assert_nonnull (oof);
	g_assert_cmpstr (eas_node_child_text (oof, EAS_SETTINGS_STATUS), ==, "1");
	g_assert_cmpstr (find (oof, EAS_SETTINGS_OOF_STATE)->text, ==, "1");
	g_assert_cmpstr (find (oof, EAS_SETTINGS_REPLY_MESSAGE)->text, ==, "Away until Monday");
}

static void
test_malformed (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasClient) c = provisioned_client (f, 141, "BAD1");
	g_autoptr (EasNode) root = eas_node_new (EAS_SETTINGS_SETTINGS);
	g_autoptr (AirdockEasResponse) r = NULL;
	EasNode *oof = eas_node_append (root, EAS_SETTINGS_OOF);

	/* Get and Set in one Oof: conflicting arguments (Status 6) or protocol
	 * error (2), never success and never an HTTP error. */
	eas_node_append (oof, EAS_SETTINGS_GET);
	eas_node_append (oof, EAS_SETTINGS_SET);
	r = settings (c, root);
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_SETTINGS_STATUS), !=, "1");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add ("/settings/device-information", Fixture, NULL, fixture_setup, test_device_information, fixture_teardown);
	g_test_add ("/settings/user-information", Fixture, NULL, fixture_setup, test_user_information, fixture_teardown);
	g_test_add ("/settings/oof", Fixture, NULL, fixture_setup, test_oof, fixture_teardown);
	g_test_add ("/settings/malformed", Fixture, NULL, fixture_setup, test_malformed, fixture_teardown);

	return g_test_run ();
}
