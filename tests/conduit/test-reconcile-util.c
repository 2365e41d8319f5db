/* See test-reconcile-util.h. */
#include "config.h"

#include <string.h>

#include "eas/eas-calendar.h"
#include "eas/eas-contact.h"
#include "eas/eas-note.h"
#include "eas/eas-task.h"
#include "server/airdockd-store.h"
#include "tests/conduit/test-reconcile-util.h"

#define PHONE_VERSION 161

void
phone_init (Phone *p, AirdockHarness *h, gint64 uid, const char *user, const char *password)
{
	static const AirdockdFolderType types[] = { AIRDOCKD_FOLDER_NOTES, AIRDOCKD_FOLDER_TASKS,
						    AIRDOCKD_FOLDER_CONTACTS, AIRDOCKD_FOLDER_CALENDAR };
	g_autoptr (GError) error = NULL;
	AirdockdStore *store = airdock_harness_open_store (h);

	memset (p, 0, sizeof *p);
	p->client = airdock_eas_client_new (h, TRUE, user, password, "PHONE1", "TestPhone", PHONE_VERSION);
	g_assert_true (airdock_eas_client_provision (p->client, NULL, &error));
	g_assert_no_error (error);
	for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
		g_autoptr (AirdockdFolder) f = airdockd_store_folder_get_by_type (store, uid, types[i], &error);

		g_assert_no_error (error);
		p->collection[i] = g_strdup (f->server_id);
		p->key[i] = g_strdup ("0");
	}
	airdockd_store_unref (store);
}

void
phone_clear (Phone *p)
{
	g_clear_pointer (&p->client, airdock_eas_client_free);
	for (guint i = 0; i < G_N_ELEMENTS (p->key); i++) {
		g_clear_pointer (&p->collection[i], g_free);
		g_clear_pointer (&p->key[i], g_free);
	}
}

/* One Sync of the class with an optional (taken) command; checks Status 1
 * and moves the key on. */
static AirdockEasResponse *
phone_sync (Phone *p, PhoneClass cls, EasNode *cmd)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	g_autoptr (GError) error = NULL;
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	AirdockEasResponse *r;
	EasNode *rcol;

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, p->key[cls]);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, p->collection[cls]);
	if (strcmp (p->key[cls], "0") != 0)
		eas_node_append_text (col, EAS_AIRSYNC_WINDOW_SIZE, "512");
	if (cmd != NULL)
		eas_node_adopt (eas_node_append (col, EAS_AIRSYNC_COMMANDS), cmd);
	r = airdock_eas_client_post_tree (p->client, EAS_CMD_SYNC, root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	rcol = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	g_assert_nonnull (rcol);
	g_assert_cmpstr (eas_node_child_text (rcol, EAS_AIRSYNC_STATUS), ==, "1");
	g_free (p->key[cls]);
	p->key[cls] = g_strdup (eas_node_child_text (rcol, EAS_AIRSYNC_SYNC_KEY));
	return r;
}

/* A fresh full sync: the Add commands of every item. */
static AirdockEasResponse *
phone_full (Phone *p, PhoneClass cls)
{
	AirdockEasResponse *r;

	g_free (p->key[cls]);
	p->key[cls] = g_strdup ("0");
	r = phone_sync (p, cls, NULL);
	airdock_eas_response_free (r);
	return phone_sync (p, cls, NULL);
}

static char *
line_of (PhoneClass cls, const EasNode *ad)
{
	g_autoptr (GError) error = NULL;

	if (cls == PHONE_NOTES) {
		g_autoptr (EasNote) n = eas_note_decode (ad, PHONE_VERSION, &error);

		g_assert_no_error (error);
		return g_strdup_printf ("%s|%s", n->subject != NULL ? n->subject : "", n->body != NULL ? n->body : "");
	} else if (cls == PHONE_TASKS) {
		g_autoptr (EasTask) t = eas_task_decode (ad, PHONE_VERSION, &error);

		g_assert_no_error (error);
		return g_strdup_printf ("%s|%d", t->subject != NULL ? t->subject : "", t->complete == 1);
	} else if (cls == PHONE_CONTACTS) {
		g_autoptr (EasContact) c = eas_contact_decode (ad, PHONE_VERSION, &error);

		g_assert_no_error (error);
		return g_strdup_printf ("%s|%s", c->fields[EAS_CONTACT_FIRST_NAME] ? c->fields[EAS_CONTACT_FIRST_NAME] : "",
					c->fields[EAS_CONTACT_EMAIL1_ADDRESS] ? c->fields[EAS_CONTACT_EMAIL1_ADDRESS] : "");
	} else {
		g_autoptr (EasEvent) e = eas_event_decode (ad, PHONE_VERSION, &error);

		g_assert_no_error (error);
		return g_strdup_printf ("%s|%" G_GINT64_FORMAT, e->subject != NULL ? e->subject : "", e->start_time);
	}
}

static gint
cmp_str (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

char *
phone_list (Phone *p, PhoneClass cls)
{
	g_autoptr (AirdockEasResponse) r = phone_full (p, cls);
	g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
	EasNode *cmds = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
				       EAS_AIRSYNC_COMMANDS, 0);

	for (EasNode *n = cmds != NULL ? cmds->first_child : NULL; n != NULL; n = n->next) {
		g_assert_cmpuint (n->tag, ==, EAS_AIRSYNC_ADD);
		g_ptr_array_add (lines, line_of (cls, eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA)));
	}
	g_ptr_array_sort (lines, cmp_str);
	g_ptr_array_add (lines, NULL);
	return g_strjoinv ("\n", (char **) lines->pdata);
}

char *
phone_find (Phone *p, PhoneClass cls, const char *subject)
{
	g_autoptr (AirdockEasResponse) r = phone_full (p, cls);
	EasNode *cmds = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
				       EAS_AIRSYNC_COMMANDS, 0);

	for (EasNode *n = cmds != NULL ? cmds->first_child : NULL; n != NULL; n = n->next) {
		g_autofree char *line = line_of (cls, eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA));
		gsize len = strlen (subject);

		if (strncmp (line, subject, len) == 0 && line[len] == '|')
			return g_strdup (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID));
	}
	return NULL;
}

static EasNode *
app_data (PhoneClass cls, const char *subject, const char *body, gboolean complete)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GBytes) bytes = NULL;
	g_autoptr (GError) error = NULL;
	EasNode *tree;

	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	if (cls == PHONE_NOTES) {
		g_autoptr (EasNote) n = eas_note_new ();

		n->subject = g_strdup (subject);
		n->body = g_strdup (body);
		n->body_type = 1;
		eas_note_encode (w, n, PHONE_VERSION);
	} else if (cls == PHONE_CONTACTS) {
		g_autoptr (EasContact) c = eas_contact_new ();

		c->fields[EAS_CONTACT_FIRST_NAME] = g_strdup (subject);
		c->fields[EAS_CONTACT_EMAIL1_ADDRESS] = g_strdup (body);
		eas_contact_encode (w, c, PHONE_VERSION);
	} else if (cls == PHONE_CALENDAR) {
		g_autoptr (EasEvent) e = eas_event_new ();

		e->subject = g_strdup (subject);
		e->start_time = PHONE_EVENT_START;
		e->end_time = PHONE_EVENT_START + 3600;
		e->dt_stamp = PHONE_EVENT_START - 86400;
		e->uid = g_strdup_printf ("phone-%s", subject);
		eas_event_encode (w, e, PHONE_VERSION);
	} else {
		g_autoptr (EasTask) t = eas_task_new ();

		t->subject = g_strdup (subject);
		t->body = g_strdup (body);
		t->body_type = 1;
		t->complete = complete ? 1 : 0;
		if (complete)
			t->date_completed = 1767225600;	/* 2026-01-01 */
		eas_task_encode (w, t, PHONE_VERSION);
	}
	eas_wbxml_writer_end (w);
	bytes = eas_wbxml_writer_finish (w, &error);
	g_assert_no_error (error);
	tree = eas_wbxml_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, &error);
	g_assert_no_error (error);
	return tree;
}

static EasNode *
command (EasTag tag, const char *id, EasNode *data)
{
	EasNode *cmd = eas_node_new (tag);

	eas_node_append_text (cmd, tag == EAS_AIRSYNC_ADD ? EAS_AIRSYNC_CLIENT_ID : EAS_AIRSYNC_SERVER_ID, id);
	if (data != NULL)
		eas_node_adopt (cmd, data);
	return cmd;
}

/* A key from which commands may be sent (a fresh one: changes the phone
 * has not seen are not our business here). */
static void
phone_ready (Phone *p, PhoneClass cls)
{
	airdock_eas_response_free (phone_full (p, cls));
}

char *
phone_add (Phone *p, PhoneClass cls, const char *subject, const char *body)
{
	g_autoptr (AirdockEasResponse) r = NULL;
	EasNode *resp;

	phone_ready (p, cls);
	r = phone_sync (p, cls, command (EAS_AIRSYNC_ADD, "phone-1", app_data (cls, subject, body, FALSE)));
	resp = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, EAS_AIRSYNC_RESPONSES,
			      EAS_AIRSYNC_ADD, 0);
	g_assert_nonnull (resp);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_AIRSYNC_STATUS), ==, "1");
	return g_strdup (eas_node_child_text (resp, EAS_AIRSYNC_SERVER_ID));
}

void
phone_change (Phone *p, PhoneClass cls, const char *server_id, const char *subject, const char *body,
	      gboolean complete)
{
	phone_ready (p, cls);
	airdock_eas_response_free (phone_sync (p, cls, command (EAS_AIRSYNC_CHANGE, server_id,
								 app_data (cls, subject, body, complete))));
}

void
phone_delete (Phone *p, PhoneClass cls, const char *server_id)
{
	phone_ready (p, cls);
	airdock_eas_response_free (phone_sync (p, cls, command (EAS_AIRSYNC_DELETE, server_id, NULL)));
}

ConduitAccount *
test_account_new (AirdockHarness *h, guint16 port, const char *user, const char *password)
{
	ConduitAccount *a = g_new0 (ConduitAccount, 1);
	g_autoptr (GBytes) der = airdock_harness_certificate_der (h);

	a->id = g_strdup_printf ("%s@127.0.0.1", user);
	a->url = g_strdup_printf ("https://127.0.0.1:%u/Microsoft-Server-ActiveSync",
				  port != 0 ? port : h->https_port);
	a->user = g_strdup (user);
	a->password = g_strdup (password);
	a->cert_sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
	return a;
}
