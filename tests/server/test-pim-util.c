/* test-pim-util.c — helpers of the PIM Sync tests.  See the header. */
#include "config.h"

#include <string.h>

#include "tests/server/test-pim-util.h"

void
pim_fixture_setup (PimFixture *f, gconstpointer data)
{
	f->h = airdock_harness_start (NULL);
	f->uid = airdock_harness_add_user (f->h, PIM_USER, PIM_EMAIL, PIM_PASSWORD);
	f->store = airdock_harness_open_store (f->h);
}

void
pim_fixture_teardown (PimFixture *f, gconstpointer data)
{
	g_clear_pointer (&f->store, airdockd_store_unref);
	g_clear_pointer (&f->h, airdock_harness_free);
}

AirdockEasClient *
pim_device (PimFixture *f, const char *id, EasVersion version)
{
	g_autoptr (GError) error = NULL;
	AirdockEasClient *c = airdock_eas_client_new (f->h, FALSE, PIM_USER, PIM_PASSWORD, id, "TestPhone", version);

	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
	return c;
}

char *
pim_folder_of (PimFixture *f, AirdockdFolderType type)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) folder = airdockd_store_folder_get_by_type (f->store, f->uid, type, &error);

	g_assert_no_error (error);
	return g_strdup (folder->server_id);
}

EasNode *
pim_encode (PimKind kind, const void *model, EasVersion version)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GBytes) bytes = NULL;
	g_autoptr (GError) error = NULL;
	EasNode *tree;
	gsize len = 0;
	const guint8 *p;

	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	switch (kind) {
	case PIM_KIND_CONTACT:
		eas_contact_encode (w, model, version);
		break;
	case PIM_KIND_EVENT:
		eas_event_encode (w, model, version);
		break;
	case PIM_KIND_TASK:
		eas_task_encode (w, model, version);
		break;
	case PIM_KIND_NOTE:
		eas_note_encode (w, model, version);
		break;
	}
	eas_wbxml_writer_end (w);
	bytes = eas_wbxml_writer_finish (w, &error);
	g_assert_no_error (error);
	p = g_bytes_get_data (bytes, &len);
	tree = eas_wbxml_parse (p, len, NULL, &error);
	g_assert_no_error (error);
	return tree;
}

void *
pim_decode (PimKind kind, const EasNode *ad, EasVersion version)
{
	g_autoptr (GError) error = NULL;
	void *out = NULL;

	g_assert_nonnull (ad);
	switch (kind) {
	case PIM_KIND_CONTACT:
		out = eas_contact_decode (ad, version, &error);
		break;
	case PIM_KIND_EVENT:
		out = eas_event_decode (ad, version, &error);
		break;
	case PIM_KIND_TASK:
		out = eas_task_decode (ad, version, &error);
		break;
	case PIM_KIND_NOTE:
		out = eas_note_decode (ad, version, &error);
		break;
	}
	g_assert_no_error (error);
	g_assert_nonnull (out);
	return out;
}

void
pim_model_free (PimKind kind, void *model)
{
	switch (kind) {
	case PIM_KIND_CONTACT:
		eas_contact_free (model);
		break;
	case PIM_KIND_EVENT:
		eas_event_free (model);
		break;
	case PIM_KIND_TASK:
		eas_task_free (model);
		break;
	case PIM_KIND_NOTE:
		eas_note_free (model);
		break;
	}
}

char *
pim_xml (const EasNode *node)
{
	g_autoptr (GBytes) bytes = eas_node_encode (node);
	g_autoptr (GError) error = NULL;
	gsize len = 0;
	const guint8 *p = g_bytes_get_data (bytes, &len);
	char *xml = eas_wbxml_to_xml (p, len, NULL, &error);

	g_assert_no_error (error);
	return xml;
}

EasNode *
pim_task_data (const char *subject, gboolean complete)
{
	g_autoptr (EasTask) t = eas_task_new ();

	t->subject = g_strdup (subject);
	t->complete = complete ? 1 : 0;
	if (complete)
		t->date_completed = 1767258000;
	return pim_encode (PIM_KIND_TASK, t, 161);
}

EasNode *
pim_command (EasTag tag, const char *id, EasNode *data)
{
	EasNode *cmd = eas_node_new (tag);

	eas_node_append_text (cmd, tag == EAS_AIRSYNC_ADD ? EAS_AIRSYNC_CLIENT_ID : EAS_AIRSYNC_SERVER_ID, id);
	if (data != NULL)
		eas_node_adopt (cmd, data);
	return cmd;
}

AirdockEasResponse *
pim_sync (AirdockEasClient *c, char **key, const char *collection, int filter, EasNode **cmds,
          const char *expect_status)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, *key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, collection);
	if (strcmp (*key, "0") != 0)
		eas_node_append (col, EAS_AIRSYNC_GET_CHANGES);
	if (filter >= 0) {
		g_autofree char *v = g_strdup_printf ("%d", filter);

		eas_node_append_text (eas_node_append (col, EAS_AIRSYNC_OPTIONS), EAS_AIRSYNC_FILTER_TYPE, v);
	}
	if (cmds != NULL && cmds[0] != NULL) {
		EasNode *commands = eas_node_append (col, EAS_AIRSYNC_COMMANDS);

		for (gsize i = 0; cmds[i] != NULL; i++)
			eas_node_adopt (commands, cmds[i]);
	}
	return pim_post_sync (c, root, key, expect_status);
}

AirdockEasResponse *
pim_post_sync (AirdockEasClient *c, const EasNode *root, char **key, const char *expect_status)
{
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r = airdock_eas_client_post_tree (c, EAS_CMD_SYNC, root, &error);
	EasNode *rcol;

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	rcol = pim_collection (r);
	g_assert_cmpstr (eas_node_child_text (rcol, EAS_AIRSYNC_STATUS), ==, expect_status);
	if (strcmp (expect_status, "1") == 0) {
		g_free (*key);
		*key = g_strdup (eas_node_child_text (rcol, EAS_AIRSYNC_SYNC_KEY));
		g_assert_nonnull (*key);
	}
	return r;
}

EasNode *
pim_collection (AirdockEasResponse *r)
{
	EasNode *col = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);

	if (col == NULL) {
		g_autofree char *xml = pim_xml (r->tree);

		g_test_message ("no collection in: %s", xml);
	}
	g_assert_nonnull (col);
	return col;
}

EasNode *
pim_find_command (AirdockEasResponse *r, EasTag tag, const char *server_id)
{
	EasNode *cmds = eas_node_child (pim_collection (r), EAS_AIRSYNC_COMMANDS);

	for (EasNode *n = cmds ? cmds->first_child : NULL; n != NULL; n = n->next) {
		if (n->tag == tag && g_strcmp0 (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID), server_id) == 0)
			return n;
	}
	return NULL;
}

guint
pim_count_commands (AirdockEasResponse *r)
{
	EasNode *cmds = eas_node_child (pim_collection (r), EAS_AIRSYNC_COMMANDS);
	guint n = 0;

	for (EasNode *c = cmds ? cmds->first_child : NULL; c != NULL; c = c->next)
		n++;
	return n;
}

EasNode *
pim_response (AirdockEasResponse *r, EasTag tag, guint n)
{
	EasNode *resp = eas_node_child (pim_collection (r), EAS_AIRSYNC_RESPONSES);
	guint i = 0;

	g_assert_nonnull (resp);
	for (EasNode *c = resp->first_child; c != NULL; c = c->next) {
		if (c->tag == tag && i++ == n)
			return c;
	}
	g_assert_not_reached ();
	return NULL;
}
