/* test-pim-sync.c — contacts, calendar, tasks and notes through Sync over
 * real HTTP against the real airdockd: one device adds, changes and
 * deletes, another of the same user receives it; a contact change from an
 * older device keeps what that device cannot see. */
#include "config.h"

#include <string.h>

#include "tests/server/test-pim-util.h"

typedef struct {
	PimFixture pim;
	AirdockEasClient *a;	/* 16.1 */
	AirdockEasClient *b;	/* 14.1 */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	pim_fixture_setup (&f->pim, data);
	f->a = pim_device (&f->pim, "PIMDEVA", 161);
	f->b = pim_device (&f->pim, "PIMDEVB", 141);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_pointer (&f->a, airdock_eas_client_free);
	g_clear_pointer (&f->b, airdock_eas_client_free);
	pim_fixture_teardown (&f->pim, data);
}

/* ---- items as a device writes them ------------------------------------- */

/* An <ApplicationData> tree for an item whose main text (first name or
 * subject) is title, built with the model's encoder for version. */
static EasNode *
app_data (PimKind kind, const char *title, EasVersion version)
{
	if (kind == PIM_KIND_CONTACT) {
		g_autoptr (EasContact) c = eas_contact_new ();

		c->fields[EAS_CONTACT_FIRST_NAME] = g_strdup (title);
		c->fields[EAS_CONTACT_LAST_NAME] = g_strdup ("Example");
		c->fields[EAS_CONTACT_EMAIL1_ADDRESS] = g_strdup ("ann@example.org");
		return pim_encode (kind, c, version);
	} else if (kind == PIM_KIND_EVENT) {
		g_autoptr (EasEvent) ev = eas_event_new ();

		ev->subject = g_strdup (title);
		ev->start_time = 1767258000;	/* 2026-01-01 09:00 UTC */
		ev->end_time = 1767261600;
		ev->dt_stamp = 1767200000;
		ev->uid = g_strdup ("pim-test-event-1");
		return pim_encode (kind, ev, version);
	} else if (kind == PIM_KIND_TASK) {
		g_autoptr (EasTask) t = eas_task_new ();

		t->subject = g_strdup (title);
		t->complete = 0;
		return pim_encode (kind, t, version);
	} else {
		g_autoptr (EasNote) n = eas_note_new ();

		n->subject = g_strdup (title);
		n->body = g_strdup ("note text");
		n->body_type = 1;
		return pim_encode (kind, n, version);
	}
}

/* The title of a received <ApplicationData>, decoded with the model. */
static char *
title_of (PimKind kind, const EasNode *ad, EasVersion version)
{
	void *model = pim_decode (kind, ad, version);
	char *out = NULL;

	if (kind == PIM_KIND_CONTACT) {
		EasContact *c = model;

		g_assert_cmpstr (c->fields[EAS_CONTACT_EMAIL1_ADDRESS], ==, "ann@example.org");
		out = g_strdup (c->fields[EAS_CONTACT_FIRST_NAME]);
	} else if (kind == PIM_KIND_EVENT) {
		EasEvent *ev = model;

		g_assert_cmpint (ev->start_time, ==, 1767258000);
		g_assert_cmpint (ev->end_time, ==, 1767261600);
		out = g_strdup (ev->subject);
	} else if (kind == PIM_KIND_TASK) {
		out = g_strdup (((EasTask *) model)->subject);
	} else {
		EasNote *n = model;

		g_assert_cmpstr (n->body, ==, "note text");
		out = g_strdup (n->subject);
	}
	pim_model_free (kind, model);
	return out;
}

/* ---- requests -------------------------------------------------------------- */

/* A Sync of one collection with an optional (taken) command; checks
 * Status 1 and moves *key on. */
static AirdockEasResponse *
do_sync_supported (AirdockEasClient *c, char **key, const char *collection, EasNode *cmd,
                   const EasTag *supported, gsize n_supported);

static AirdockEasResponse *
do_sync (AirdockEasClient *c, char **key, const char *collection, EasNode *cmd)
{
	return do_sync_supported (c, key, collection, cmd, NULL, 0);
}

/* With n_supported > 0, the collection carries a Supported list. */
static AirdockEasResponse *
do_sync_supported (AirdockEasClient *c, char **key, const char *collection, EasNode *cmd,
                   const EasTag *supported, gsize n_supported)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, *key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, collection);
	if (n_supported > 0) {
		EasNode *sup = eas_node_append (col, EAS_AIRSYNC_SUPPORTED);

		for (gsize i = 0; i < n_supported; i++)
			eas_node_append (sup, supported[i]);
	}
	if (cmd != NULL)
		eas_node_adopt (eas_node_append (col, EAS_AIRSYNC_COMMANDS), cmd);
	return pim_post_sync (c, root, key, "1");
}

/* The only server command in a response (asserting there is exactly one). */
static EasNode *
only_command (AirdockEasResponse *r, EasTag tag)
{
	EasNode *cmds = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
	                               EAS_AIRSYNC_COMMANDS, 0);

	g_assert_nonnull (cmds);
	g_assert_nonnull (cmds->first_child);
	g_assert_true (cmds->first_child == cmds->last_child);
	g_assert_cmpuint (cmds->first_child->tag, ==, tag);
	return cmds->first_child;
}

static EasNode *
response_of (AirdockEasResponse *r, EasTag tag)
{
	EasNode *resp = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
	                               EAS_AIRSYNC_RESPONSES, tag, 0);

	g_assert_nonnull (resp);
	return resp;
}

/* [MS-ASCMD] 2.2.3.24.3: a successful Change is not answered. */
static void
assert_no_response (AirdockEasResponse *r, EasTag tag)
{
	g_assert_null (eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
	                              EAS_AIRSYNC_RESPONSES, tag, 0));
}

static void
assert_no_commands (AirdockEasResponse *r)
{
	g_assert_null (eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
	                              EAS_AIRSYNC_COMMANDS, 0));
}

/* ---- tests ------------------------------------------------------------------ */

typedef struct {
	PimKind kind;
	AirdockdFolderType folder;
	AirdockdItemClass item_class;
	const char *mime;	/* what the stored data starts with */
} ClassCase;

static const ClassCase cases[] = {
	{ PIM_KIND_CONTACT, AIRDOCKD_FOLDER_CONTACTS, AIRDOCKD_ITEM_CONTACT, "BEGIN:VCARD" },
	{ PIM_KIND_EVENT, AIRDOCKD_FOLDER_CALENDAR, AIRDOCKD_ITEM_CALENDAR, "BEGIN:VCALENDAR" },
	{ PIM_KIND_TASK, AIRDOCKD_FOLDER_TASKS, AIRDOCKD_ITEM_TASK, "BEGIN:VCALENDAR" },
	{ PIM_KIND_NOTE, AIRDOCKD_FOLDER_NOTES, AIRDOCKD_ITEM_NOTE, "BEGIN:VCALENDAR" },
};

/* Device A adds, changes and deletes; device B sees each step. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
	const ClassCase *cc = data;
	g_autofree char *folder = pim_folder_of (&f->pim, cc->folder);
	g_autofree char *ka = g_strdup ("0");
	g_autofree char *kb = g_strdup ("0");
	g_autofree char *server_id = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdItem) stored = NULL;
	AirdockEasResponse *r;
	EasNode *n;

	airdock_eas_response_free (do_sync (f->a, &ka, folder, NULL));
	airdock_eas_response_free (do_sync (f->b, &kb, folder, NULL));

	/* A adds: Responses/Add maps the ClientId to a ServerId, Status 1. */
	r = do_sync (f->a, &ka, folder, pim_command (EAS_AIRSYNC_ADD, "client-1", app_data (cc->kind, "First", 161)));
	n = response_of (r, EAS_AIRSYNC_ADD);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_CLIENT_ID), ==, "client-1");
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_STATUS), ==, "1");
	server_id = g_strdup (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID));
	g_assert_nonnull (server_id);
	assert_no_commands (r);
	airdock_eas_response_free (r);

	/* Stored in the standard form. */
	stored = airdockd_store_item_get (f->pim.store, f->pim.uid, server_id, &error);
	g_assert_no_error (error);
	g_assert_cmpint (stored->item_class, ==, cc->item_class);
	g_assert_nonnull (stored->data);
	{
		/* Stored data is not NUL-terminated. */
		g_autofree char *text = g_strndup (g_bytes_get_data (stored->data, NULL),
		                                   g_bytes_get_size (stored->data));
		g_assert_true (g_str_has_prefix (text, cc->mime));
	}

	/* B receives it. */
	r = do_sync (f->b, &kb, folder, NULL);
	n = only_command (r, EAS_AIRSYNC_ADD);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID), ==, server_id);
	{
		g_autofree char *t = title_of (cc->kind, eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA), 141);
		g_assert_cmpstr (t, ==, "First");
	}
	airdock_eas_response_free (r);

	/* A changes; A does not get its own change back; B gets it. */
	r = do_sync (f->a, &ka, folder, pim_command (EAS_AIRSYNC_CHANGE, server_id, app_data (cc->kind, "Second", 161)));
	assert_no_commands (r);
	assert_no_response (r, EAS_AIRSYNC_CHANGE);
	airdock_eas_response_free (r);
	r = do_sync (f->b, &kb, folder, NULL);
	n = only_command (r, EAS_AIRSYNC_CHANGE);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID), ==, server_id);
	{
		g_autofree char *t = title_of (cc->kind, eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA), 141);
		g_assert_cmpstr (t, ==, "Second");
	}
	airdock_eas_response_free (r);

	/* B fetches it. */
	r = do_sync (f->b, &kb, folder, pim_command (EAS_AIRSYNC_FETCH, server_id, NULL));
	n = response_of (r, EAS_AIRSYNC_FETCH);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_STATUS), ==, "1");
	{
		g_autofree char *t = title_of (cc->kind, eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA), 141);
		g_assert_cmpstr (t, ==, "Second");
	}
	airdock_eas_response_free (r);

	/* A deletes; B gets the Delete; the item is gone from the store. */
	r = do_sync (f->a, &ka, folder, pim_command (EAS_AIRSYNC_DELETE, server_id, NULL));
	assert_no_commands (r);
	airdock_eas_response_free (r);
	r = do_sync (f->b, &kb, folder, NULL);
	n = only_command (r, EAS_AIRSYNC_DELETE);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID), ==, server_id);
	airdock_eas_response_free (r);
	g_clear_pointer (&stored, airdockd_item_free);
	stored = airdockd_store_item_get (f->pim.store, f->pim.uid, server_id, &error);
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_assert_null (stored);
}

/* A Change of an item that is not there: Status 8; an Add the models
 * cannot read: Status 6. */
static void
test_bad_commands (Fixture *f, gconstpointer data)
{
	g_autofree char *folder = pim_folder_of (&f->pim, AIRDOCKD_FOLDER_TASKS);
	g_autofree char *key = g_strdup ("0");
	g_autofree char *missing = g_strdup_printf ("%s:999", folder);
	AirdockEasResponse *r;
	EasNode *n, *bad;

	airdock_eas_response_free (do_sync (f->a, &key, folder, NULL));
	r = do_sync (f->a, &key, folder, pim_command (EAS_AIRSYNC_CHANGE, missing, app_data (PIM_KIND_TASK, "x", 161)));
	n = response_of (r, EAS_AIRSYNC_CHANGE);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_STATUS), ==, "8");
	airdock_eas_response_free (r);

	/* Complete 7 is no boolean. */
	bad = eas_node_new (EAS_AIRSYNC_APPLICATION_DATA);
	eas_node_append_text (bad, EAS_TASKS_SUBJECT, "bad");
	eas_node_append_text (bad, EAS_TASKS_COMPLETE, "7");
	r = do_sync (f->a, &key, folder, pim_command (EAS_AIRSYNC_ADD, "client-bad", bad));
	n = response_of (r, EAS_AIRSYNC_ADD);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_CLIENT_ID), ==, "client-bad");
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_STATUS), ==, "6");
	g_assert_null (eas_node_child (n, EAS_AIRSYNC_SERVER_ID));
	airdock_eas_response_free (r);
}

static guint
count_emails (const EasVCard *card, const char *type)
{
	guint n = 0;

	for (guint i = 0; i < card->properties->len; i++) {
		const EasVCardProperty *p = g_ptr_array_index (card->properties, i);

		if (g_ascii_strcasecmp (p->name, "EMAIL") == 0 &&
		    (type == NULL || eas_vcard_property_has_type (p, type)))
			n++;
	}
	return n;
}

/* A 12.1 device sees three addresses without types; its phone change
 * keeps all five with their types. */
static void
test_contact_preserved (Fixture *f, gconstpointer data)
{
	static const char vcard[] =
		"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann Example\r\nN:Example;Ann;;;\r\n"
		"EMAIL;TYPE=work:ann@work.example\r\n"
		"EMAIL;TYPE=home:ann@home.example\r\n"
		"EMAIL;TYPE=work:ann.example@work.example\r\n"
		"EMAIL;TYPE=home:ann2@home.example\r\n"
		"EMAIL;TYPE=other:ann@other.example\r\n"
		"TEL;TYPE=cell:+1 555 0100\r\n"
		"END:VCARD\r\n";
	g_autofree char *folder = pim_folder_of (&f->pim, AIRDOCKD_FOLDER_CONTACTS);
	g_autofree char *key = g_strdup ("0");
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) blob = g_bytes_new_static (vcard, sizeof vcard - 1);
	g_autoptr (AirdockdItem) item = airdockd_store_add_item (f->pim.store, f->pim.uid, folder, AIRDOCKD_ITEM_CONTACT,
	                                                         blob, &error);
	g_autoptr (AirdockEasClient) old = pim_device (&f->pim, "PIMDEVOLD", 121);
	g_autoptr (AirdockdItem) after = NULL;
	g_autoptr (EasContact) seen = NULL;
	g_autoptr (EasVCard) card = NULL;
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GBytes) bytes = NULL;
	g_autofree char *text = NULL;
	AirdockEasResponse *r;
	EasNode *n, *ad;
	gsize len = 0;
	const guint8 *p;

	g_assert_no_error (error);
	airdock_eas_response_free (do_sync (old, &key, folder, NULL));
	r = do_sync (old, &key, folder, NULL);
	n = only_command (r, EAS_AIRSYNC_ADD);
	seen = eas_contact_decode (eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA), 121, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (seen->fields[EAS_CONTACT_EMAIL1_ADDRESS], ==, "ann@work.example");
	g_assert_cmpstr (seen->fields[EAS_CONTACT_MOBILE_PHONE_NUMBER], ==, "+1 555 0100");
	airdock_eas_response_free (r);

	/* The device sends back what it has, with a new phone number. */
	g_free (seen->fields[EAS_CONTACT_MOBILE_PHONE_NUMBER]);
	seen->fields[EAS_CONTACT_MOBILE_PHONE_NUMBER] = g_strdup ("+1 555 0199");
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_contact_encode (w, seen, 121);
	eas_wbxml_writer_end (w);
	bytes = eas_wbxml_writer_finish (w, &error);
	g_assert_no_error (error);
	p = g_bytes_get_data (bytes, &len);
	ad = eas_wbxml_parse (p, len, NULL, &error);
	g_assert_no_error (error);
	r = do_sync (old, &key, folder, pim_command (EAS_AIRSYNC_CHANGE, item->server_id, ad));
	assert_no_response (r, EAS_AIRSYNC_CHANGE);
	airdock_eas_response_free (r);

	after = airdockd_store_item_get (f->pim.store, f->pim.uid, item->server_id, &error);
	g_assert_no_error (error);
	p = g_bytes_get_data (after->data, &len);
	card = eas_vcard_parse ((const char *) p, len, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (count_emails (card, NULL), ==, 5);
	g_assert_cmpuint (count_emails (card, "work"), ==, 2);
	g_assert_cmpuint (count_emails (card, "home"), ==, 2);
	g_assert_cmpuint (count_emails (card, "other"), ==, 1);
	text = g_strndup ((const char *) p, len);
	g_assert_nonnull (strstr (text, "ann@other.example"));
	g_assert_nonnull (strstr (text, "+1 555 0199"));
	g_assert_null (strstr (text, "+1 555 0100"));
}

/* [MS-ASCMD] 2.2.3.168: an element the device listed in Supported and left
 * out of its Change is cleared; one it did not list is kept. */
static void
test_contact_supported (Fixture *f, gconstpointer data)
{
	static const char vcard[] =
		"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann Example\r\nN:Example;Ann;;;\r\n"
		"TITLE:Engineer\r\nBDAY:19800102\r\n"
		"TEL;TYPE=work:+1 555 0111\r\n"
		"END:VCARD\r\n";
	static const EasTag supported[] = {
		EAS_CONTACTS_FIRST_NAME, EAS_CONTACTS_LAST_NAME, EAS_CONTACTS_JOB_TITLE,
	};
	g_autofree char *folder = pim_folder_of (&f->pim, AIRDOCKD_FOLDER_CONTACTS);
	g_autofree char *key = g_strdup ("0");
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) blob = g_bytes_new_static (vcard, sizeof vcard - 1);
	g_autoptr (AirdockdItem) item = airdockd_store_add_item (f->pim.store, f->pim.uid, folder, AIRDOCKD_ITEM_CONTACT,
	                                                         blob, &error);
	g_autoptr (AirdockdItem) after = NULL;
	g_autoptr (EasContact) change = eas_contact_new ();
	AirdockEasResponse *r;
	g_autofree char *text = NULL;

	g_assert_no_error (error);
	airdock_eas_response_free (do_sync_supported (f->b, &key, folder, NULL, supported, G_N_ELEMENTS (supported)));
	airdock_eas_response_free (do_sync (f->b, &key, folder, NULL));
	change->fields[EAS_CONTACT_FIRST_NAME] = g_strdup ("Ann");
	change->fields[EAS_CONTACT_LAST_NAME] = g_strdup ("Example");
	r = do_sync (f->b, &key, folder, pim_command (EAS_AIRSYNC_CHANGE, item->server_id, pim_encode (PIM_KIND_CONTACT, change, 141)));
	assert_no_response (r, EAS_AIRSYNC_CHANGE);
	airdock_eas_response_free (r);

	after = airdockd_store_item_get (f->pim.store, f->pim.uid, item->server_id, &error);
	g_assert_no_error (error);
	text = g_strndup (g_bytes_get_data (after->data, NULL), g_bytes_get_size (after->data));
	g_assert_null (strstr (text, "Engineer"));
	g_assert_nonnull (strstr (text, "BDAY"));
	g_assert_nonnull (strstr (text, "+1 555 0111"));
}

/* [MS-ASCMD] 2.2.3.68.2 FilterType 8: a device gets incomplete tasks only;
 * a task completed elsewhere goes as SoftDelete. */
static void
test_task_filter (Fixture *f, gconstpointer data)
{
	g_autofree char *folder = pim_folder_of (&f->pim, AIRDOCKD_FOLDER_TASKS);
	g_autofree char *ka = g_strdup ("0");
	g_autofree char *kb = g_strdup ("0");
	g_autofree char *open_id = NULL;
	g_autoptr (EasNode) init = eas_node_new (EAS_AIRSYNC_SYNC);
	g_autoptr (AirdockEasResponse) ir = NULL;
	g_autoptr (GError) error = NULL;
	EasNode *col = eas_node_append (eas_node_append (init, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	EasNode *n;
	AirdockEasResponse *r;

	/* B: initial Sync with FilterType 8. */
	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, "0");
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, folder);
	eas_node_append_text (eas_node_append (col, EAS_AIRSYNC_OPTIONS), EAS_AIRSYNC_FILTER_TYPE, "8");
	ir = airdock_eas_client_post_tree (f->b, EAS_CMD_SYNC, init, &error);
	g_assert_no_error (error);
	n = eas_node_path (ir->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	g_assert_nonnull (n);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_STATUS), ==, "1");
	g_free (kb);
	kb = g_strdup (eas_node_child_text (n, EAS_AIRSYNC_SYNC_KEY));

	/* A adds a done task and an open one; B gets only the open one. */
	airdock_eas_response_free (do_sync (f->a, &ka, folder, NULL));
	airdock_eas_response_free (do_sync (f->a, &ka, folder, pim_command (EAS_AIRSYNC_ADD, "c-done", pim_task_data ("done", TRUE))));
	r = do_sync (f->a, &ka, folder, pim_command (EAS_AIRSYNC_ADD, "c-open", pim_task_data ("open", FALSE)));
	open_id = g_strdup (eas_node_child_text (response_of (r, EAS_AIRSYNC_ADD), EAS_AIRSYNC_SERVER_ID));
	g_assert_nonnull (open_id);
	airdock_eas_response_free (r);

	r = do_sync (f->b, &kb, folder, NULL);
	n = only_command (r, EAS_AIRSYNC_ADD);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID), ==, open_id);
	airdock_eas_response_free (r);

	/* A completes the open one: B is told to drop it (SoftDelete). */
	airdock_eas_response_free (do_sync (f->a, &ka, folder, pim_command (EAS_AIRSYNC_CHANGE, open_id, pim_task_data ("open", TRUE))));
	r = do_sync (f->b, &kb, folder, NULL);
	n = only_command (r, EAS_AIRSYNC_SOFT_DELETE);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID), ==, open_id);
	airdock_eas_response_free (r);
}

int
main (int argc, char **argv)
{
	static const char *const names[] = { "contact", "calendar", "task", "note" };

	g_test_init (&argc, &argv, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *path = g_strdup_printf ("/pim-sync/%s/round-trip", names[i]);

		g_test_add (path, Fixture, &cases[i], fixture_setup, test_round_trip, fixture_teardown);
	}
	g_test_add ("/pim-sync/bad-commands", Fixture, NULL, fixture_setup, test_bad_commands, fixture_teardown);
	g_test_add ("/pim-sync/contact/preserved", Fixture, NULL, fixture_setup, test_contact_preserved,
	            fixture_teardown);
	g_test_add ("/pim-sync/contact/supported", Fixture, NULL, fixture_setup, test_contact_supported,
	            fixture_teardown);
	g_test_add ("/pim-sync/task/filter-incomplete", Fixture, NULL, fixture_setup, test_task_filter,
	            fixture_teardown);
	return g_test_run ();
}
