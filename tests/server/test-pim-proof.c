/* test-pim-proof.c — PIM Sync completeness over real HTTP: calendar
 * FilterType windows, conflicts between two devices, GetItemEstimate,
 * second folders of a class, time zones through the server and bad input
 * (per-item Status, other items still applied, request size limit). */
#include "config.h"

#include <string.h>

#include "tests/server/test-pim-util.h"

#define DAY ((gint64) 24 * 60 * 60)

static gint64
now_s (void)
{
	return g_get_real_time () / G_USEC_PER_SEC;
}

static EasNode **
cmd_list (EasNode *first, ...)
{
	static EasNode *list[16];
	va_list ap;
	gsize n = 0;

	va_start (ap, first);
	for (EasNode *c = first; c != NULL && n < G_N_ELEMENTS (list) - 1; c = va_arg (ap, EasNode *))
		list[n++] = c;
	va_end (ap);
	list[n] = NULL;
	return list;
}

/* A plain event [start, end) in UTC. */
static EasEvent *
event_at (const char *subject, gint64 start, gint64 end)
{
	EasEvent *ev = eas_event_new ();

	ev->subject = g_strdup (subject);
	ev->start_time = start;
	ev->end_time = end;
	ev->dt_stamp = start;
	ev->uid = g_strdup_printf ("proof-%s", subject);
	return ev;
}

static EasNode *
event_data (EasEvent *ev, EasVersion version)
{
	EasNode *n = pim_encode (PIM_KIND_EVENT, ev, version);

	eas_event_free (ev);
	return n;
}

/* Adds one item (taken) with a Sync of c; returns its server id. */
static char *
add_item (AirdockEasClient *c, char **key, const char *folder, EasNode *ad)
{
	AirdockEasResponse *r = pim_sync (c, key, folder, -1, cmd_list (pim_command (EAS_AIRSYNC_ADD, "c1", ad), NULL), "1");
	EasNode *n = pim_response (r, EAS_AIRSYNC_ADD, 0);
	char *id;

	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_STATUS), ==, "1");
	id = g_strdup (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID));
	g_assert_nonnull (id);
	airdock_eas_response_free (r);
	return id;
}

static AirdockEasResponse *
sync_filter (AirdockEasClient *c, char **key, const char *folder, int filter)
{
	return pim_sync (c, key, folder, filter, NULL, "1");
}

/* ---- GetItemEstimate ---------------------------------------------------------- */

/* The Estimate of one collection (filter −1: none); asserts Status 1. */
static guint
estimate (AirdockEasClient *c, const char *key, const char *folder, int filter)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_GETITEMESTIMATE_GET_ITEM_ESTIMATE);
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (GError) error = NULL;
	EasNode *col = eas_node_append (eas_node_append (root, EAS_GETITEMESTIMATE_COLLECTIONS),
	                                EAS_GETITEMESTIMATE_COLLECTION);
	EasNode *resp;
	guint64 v = 0;

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, key);
	eas_node_append_text (col, EAS_GETITEMESTIMATE_COLLECTION_ID, folder);
	if (filter >= 0) {
		g_autofree char *f = g_strdup_printf ("%d", filter);

		eas_node_append_text (eas_node_append (col, EAS_AIRSYNC_OPTIONS), EAS_AIRSYNC_FILTER_TYPE, f);
	}
	r = airdock_eas_client_post_tree (c, EAS_CMD_GET_ITEM_ESTIMATE, root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	resp = eas_node_path (r->tree, EAS_GETITEMESTIMATE_RESPONSE, 0);
	g_assert_nonnull (resp);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_GETITEMESTIMATE_STATUS), ==, "1");
	g_assert_true (g_ascii_string_to_unsigned (eas_node_child_text (eas_node_child (resp, EAS_GETITEMESTIMATE_COLLECTION),
	                                                                EAS_GETITEMESTIMATE_ESTIMATE),
	                                           10, 0, G_MAXUINT32, &v, NULL));
	return (guint) v;
}

/* ---- calendar FilterType windows ------------------------------------------- */

/* [MS-ASCMD] 2.2.3.68.2: FilterType 4 (two weeks back) keeps events that
 * end after now − 14 days, a recurring one by its last occurrence; the
 * estimate counts the same; a change moving an event out of the window and
 * a narrower window both send SoftDelete; contacts ignore FilterType. */
static void
test_calendar_window (PimFixture *f, gconstpointer data)
{
	g_autofree char *cal = pim_folder_of (f, AIRDOCKD_FOLDER_CALENDAR);
	g_autofree char *contacts = pim_folder_of (f, AIRDOCKD_FOLDER_CONTACTS);
	g_autoptr (AirdockEasClient) a = pim_device (f, "WINDEVA", 161);
	g_autoptr (AirdockEasClient) b = pim_device (f, "WINDEVB", 141);
	g_autofree char *ka = g_strdup ("0"), *kb = g_strdup ("0"), *kc = g_strdup ("0");
	g_autofree char *old_id = NULL, *recent_id = NULL, *series_id = NULL, *old_series_id = NULL;
	g_autofree char *future_id = NULL, *mid_id = NULL, *contact_id = NULL;
	gint64 now = now_s () / 3600 * 3600;
	EasEvent *ev;
	AirdockEasResponse *r;

	airdock_eas_response_free (pim_sync (a, &ka, cal, -1, NULL, "1"));
	old_id = add_item (a, &ka, cal, event_data (event_at ("old", now - 60 * DAY, now - 60 * DAY + 3600), 161));
	recent_id = add_item (a, &ka, cal, event_data (event_at ("recent", now - 3 * DAY, now - 3 * DAY + 3600), 161));
	mid_id = add_item (a, &ka, cal, event_data (event_at ("mid", now - 20 * DAY, now - 20 * DAY + 3600), 161));
	future_id = add_item (a, &ka, cal, event_data (event_at ("future", now + 5 * DAY, now + 5 * DAY + 3600), 161));
	/* Weekly, 20 times from 100 days ago: the last one is 33 days ahead. */
	ev = event_at ("series", now - 100 * DAY, now - 100 * DAY + 3600);
	ev->recurrence = g_new0 (EasRecurrence, 1);
	eas_recurrence_init (ev->recurrence);
	ev->recurrence->type = EAS_RECUR_DAILY;
	ev->recurrence->interval = 7;
	ev->recurrence->occurrences = 20;
	series_id = add_item (a, &ka, cal, event_data (ev, 161));
	/* Daily, 3 times from 100 days ago: long over. */
	ev = event_at ("old-series", now - 100 * DAY, now - 100 * DAY + 3600);
	ev->recurrence = g_new0 (EasRecurrence, 1);
	eas_recurrence_init (ev->recurrence);
	ev->recurrence->type = EAS_RECUR_DAILY;
	ev->recurrence->occurrences = 3;
	old_series_id = add_item (a, &ka, cal, event_data (ev, 161));

	/* B: two weeks back. */
	airdock_eas_response_free (sync_filter (b, &kb, cal, 4));
	g_assert_cmpuint (estimate (b, kb, cal, 4), ==, 3);
	g_assert_cmpuint (estimate (b, kb, cal, 5), ==, 4);
	g_assert_cmpuint (estimate (b, kb, cal, 0), ==, 6);
	r = sync_filter (b, &kb, cal, 4);
	g_assert_cmpuint (pim_count_commands (r), ==, 3);
	g_assert_nonnull (pim_find_command (r, EAS_AIRSYNC_ADD, recent_id));
	g_assert_nonnull (pim_find_command (r, EAS_AIRSYNC_ADD, future_id));
	g_assert_nonnull (pim_find_command (r, EAS_AIRSYNC_ADD, series_id));
	g_assert_null (pim_find_command (r, EAS_AIRSYNC_ADD, old_id));
	g_assert_null (pim_find_command (r, EAS_AIRSYNC_ADD, old_series_id));
	airdock_eas_response_free (r);
	g_assert_cmpuint (estimate (b, kb, cal, 4), ==, 0);

	/* A moves "recent" back 30 days: it leaves B's window. */
	r = pim_sync (a, &ka, cal, -1,
	              cmd_list (pim_command (EAS_AIRSYNC_CHANGE, recent_id,
	                                     event_data (event_at ("recent", now - 30 * DAY, now - 30 * DAY + 3600), 161)),
	                        NULL), "1");
	airdock_eas_response_free (r);
	g_assert_cmpuint (estimate (b, kb, cal, 4), ==, 1);
	r = sync_filter (b, &kb, cal, 4);
	g_assert_cmpuint (pim_count_commands (r), ==, 1);
	g_assert_nonnull (pim_find_command (r, EAS_AIRSYNC_SOFT_DELETE, recent_id));
	airdock_eas_response_free (r);

	/* Widening to a month brings "mid" and "recent"; narrowing back to two
	 * weeks ages both out as SoftDelete (as mail does). */
	airdock_eas_response_free (sync_filter (b, &kb, cal, 5));
	{
		g_autofree char *k2 = g_strdup ("0");
		g_autoptr (AirdockEasClient) c = pim_device (f, "WINDEVC", 161);

		airdock_eas_response_free (sync_filter (c, &k2, cal, 5));
		r = sync_filter (c, &k2, cal, 5);
		g_assert_cmpuint (pim_count_commands (r), ==, 4);
		g_assert_nonnull (pim_find_command (r, EAS_AIRSYNC_ADD, mid_id));
		g_assert_nonnull (pim_find_command (r, EAS_AIRSYNC_ADD, recent_id));
		airdock_eas_response_free (r);
		r = sync_filter (c, &k2, cal, 4);
		g_assert_cmpuint (pim_count_commands (r), ==, 2);
		g_assert_nonnull (pim_find_command (r, EAS_AIRSYNC_SOFT_DELETE, mid_id));
		g_assert_nonnull (pim_find_command (r, EAS_AIRSYNC_SOFT_DELETE, recent_id));
		airdock_eas_response_free (r);
	}

	/* Contacts: FilterType is ignored. */
	{
		g_autoptr (EasContact) ct = eas_contact_new ();
		g_autofree char *kac = g_strdup ("0");

		ct->fields[EAS_CONTACT_FIRST_NAME] = g_strdup ("Ann");
		airdock_eas_response_free (pim_sync (a, &kac, contacts, -1, NULL, "1"));
		contact_id = add_item (a, &kac, contacts, pim_encode (PIM_KIND_CONTACT, ct, 161));
		airdock_eas_response_free (sync_filter (b, &kc, contacts, 4));
		g_assert_cmpuint (estimate (b, kc, contacts, 4), ==, 1);
		r = sync_filter (b, &kc, contacts, 4);
		g_assert_nonnull (pim_find_command (r, EAS_AIRSYNC_ADD, contact_id));
		airdock_eas_response_free (r);
	}
}

/* ---- GetItemEstimate of every class ------------------------------------------- */

static EasNode *
note_data (const char *subject)
{
	g_autoptr (EasNote) n = eas_note_new ();

	n->subject = g_strdup (subject);
	n->body = g_strdup ("text");
	n->body_type = 1;
	return pim_encode (PIM_KIND_NOTE, n, 161);
}

/* Two new items in contacts, tasks (one done) and notes: B's estimates
 * count them (tasks under FilterType 8: the open one), drop to 0 once
 * synced; a Notes folder is no collection for 12.1. */
static void
test_estimate (PimFixture *f, gconstpointer data)
{
	g_autofree char *contacts = pim_folder_of (f, AIRDOCKD_FOLDER_CONTACTS);
	g_autofree char *tasks = pim_folder_of (f, AIRDOCKD_FOLDER_TASKS);
	g_autofree char *notes = pim_folder_of (f, AIRDOCKD_FOLDER_NOTES);
	g_autoptr (AirdockEasClient) a = pim_device (f, "ESTDEVA", 161);
	g_autoptr (AirdockEasClient) b = pim_device (f, "ESTDEVB", 141);
	g_autoptr (AirdockEasClient) old = pim_device (f, "ESTDEVO", 121);
	g_autofree char *kac = g_strdup ("0"), *kat = g_strdup ("0"), *kan = g_strdup ("0");
	g_autofree char *kbc = g_strdup ("0"), *kbt = g_strdup ("0"), *kbn = g_strdup ("0");
	g_autoptr (EasContact) c1 = eas_contact_new ();
	g_autoptr (EasContact) c2 = eas_contact_new ();

	airdock_eas_response_free (pim_sync (b, &kbc, contacts, -1, NULL, "1"));
	airdock_eas_response_free (sync_filter (b, &kbt, tasks, 8));
	airdock_eas_response_free (pim_sync (b, &kbn, notes, -1, NULL, "1"));
	g_assert_cmpuint (estimate (b, kbc, contacts, -1), ==, 0);

	airdock_eas_response_free (pim_sync (a, &kac, contacts, -1, NULL, "1"));
	airdock_eas_response_free (pim_sync (a, &kat, tasks, -1, NULL, "1"));
	airdock_eas_response_free (pim_sync (a, &kan, notes, -1, NULL, "1"));
	c1->fields[EAS_CONTACT_FIRST_NAME] = g_strdup ("One");
	c2->fields[EAS_CONTACT_FIRST_NAME] = g_strdup ("Two");
	g_free (add_item (a, &kac, contacts, pim_encode (PIM_KIND_CONTACT, c1, 161)));
	g_free (add_item (a, &kac, contacts, pim_encode (PIM_KIND_CONTACT, c2, 161)));
	g_free (add_item (a, &kat, tasks, pim_task_data ("open", FALSE)));
	g_free (add_item (a, &kat, tasks, pim_task_data ("done", TRUE)));
	g_free (add_item (a, &kan, notes, note_data ("n1")));
	g_free (add_item (a, &kan, notes, note_data ("n2")));

	g_assert_cmpuint (estimate (b, kbc, contacts, -1), ==, 2);
	g_assert_cmpuint (estimate (b, kbt, tasks, 8), ==, 1);
	g_assert_cmpuint (estimate (b, kbt, tasks, 0), ==, 2);
	g_assert_cmpuint (estimate (b, kbn, notes, -1), ==, 2);
	airdock_eas_response_free (pim_sync (b, &kbn, notes, -1, NULL, "1"));
	g_assert_cmpuint (estimate (b, kbn, notes, -1), ==, 0);

	/* 12.1: the Notes folder is not a collection (Status 2). */
	{
		g_autoptr (EasNode) root = eas_node_new (EAS_GETITEMESTIMATE_GET_ITEM_ESTIMATE);
		g_autoptr (AirdockEasResponse) r = NULL;
		g_autoptr (GError) error = NULL;
		EasNode *col = eas_node_append (eas_node_append (root, EAS_GETITEMESTIMATE_COLLECTIONS),
		                                EAS_GETITEMESTIMATE_COLLECTION);

		eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, "1");
		eas_node_append_text (col, EAS_GETITEMESTIMATE_COLLECTION_ID, notes);
		r = airdock_eas_client_post_tree (old, EAS_CMD_GET_ITEM_ESTIMATE, root, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (eas_node_child_text (eas_node_child (r->tree, EAS_GETITEMESTIMATE_RESPONSE),
		                                      EAS_GETITEMESTIMATE_STATUS), ==, "2");
	}
}

/* ---- conflicts --------------------------------------------------------------- */

static EasNode *
conflict_data (PimKind kind, const char *title)
{
	if (kind == PIM_KIND_CONTACT) {
		g_autoptr (EasContact) c = eas_contact_new ();

		c->fields[EAS_CONTACT_FIRST_NAME] = g_strdup (title);
		c->fields[EAS_CONTACT_LAST_NAME] = g_strdup ("Example");
		return pim_encode (kind, c, 141);
	}
	return event_data (event_at (title, 1767258000, 1767261600), 141);
}

static char *
title_in (PimKind kind, const EasNode *ad)
{
	void *m = pim_decode (kind, ad, 141);
	char *t = g_strdup (kind == PIM_KIND_CONTACT ? ((EasContact *) m)->fields[EAS_CONTACT_FIRST_NAME]
	                                             : ((EasEvent *) m)->subject);

	pim_model_free (kind, m);
	return t;
}

/* A Sync of one (taken) command with Options/Conflict 0 ([MS-ASCMD]
 * 2.2.3.34: the client object replaces the server object). */
static AirdockEasResponse *
sync_client_wins (AirdockEasClient *c, char **key, const char *folder, EasNode *cmd)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, *key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, folder);
	eas_node_append (col, EAS_AIRSYNC_GET_CHANGES);
	eas_node_append_text (eas_node_append (col, EAS_AIRSYNC_OPTIONS), EAS_AIRSYNC_CONFLICT, "0");
	eas_node_adopt (eas_node_append (col, EAS_AIRSYNC_COMMANDS), cmd);
	return pim_post_sync (c, root, key, "1");
}

/* The title in the server's Change for id in r (asserting there is one). */
static char *
changed_title (AirdockEasResponse *r, PimKind kind, const char *id)
{
	EasNode *n = pim_find_command (r, EAS_AIRSYNC_CHANGE, id);

	g_assert_nonnull (n);
	return title_in (kind, eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA));
}

/* [MS-ASCMD] 2.2.3.34: A and B hold the item; A changes it; B's change
 * from the older SyncKey is refused (Status 7) and B gets A's version in
 * the same response; the store keeps A's.  Conflict 0 lets the client win. */
static void
test_conflict (PimFixture *f, gconstpointer data)
{
	PimKind kind = GPOINTER_TO_INT (data);
	g_autofree char *folder = pim_folder_of (f, kind == PIM_KIND_CONTACT ? AIRDOCKD_FOLDER_CONTACTS
	                                                                     : AIRDOCKD_FOLDER_CALENDAR);
	g_autoptr (AirdockEasClient) a = pim_device (f, "CONDEVA", 141);
	g_autoptr (AirdockEasClient) b = pim_device (f, "CONDEVB", 141);
	g_autofree char *ka = g_strdup ("0"), *kb = g_strdup ("0");
	g_autofree char *id = NULL, *title = NULL;
	AirdockEasResponse *r;
	EasNode *n;

	airdock_eas_response_free (pim_sync (a, &ka, folder, -1, NULL, "1"));
	airdock_eas_response_free (pim_sync (b, &kb, folder, -1, NULL, "1"));
	id = add_item (a, &ka, folder, conflict_data (kind, "Original"));
	airdock_eas_response_free (pim_sync (b, &kb, folder, -1, NULL, "1"));

	airdock_eas_response_free (pim_sync (a, &ka, folder, -1,
	                                     cmd_list (pim_command (EAS_AIRSYNC_CHANGE, id, conflict_data (kind, "From A")), NULL), "1"));
	r = pim_sync (b, &kb, folder, -1, cmd_list (pim_command (EAS_AIRSYNC_CHANGE, id, conflict_data (kind, "From B")), NULL), "1");
	n = pim_response (r, EAS_AIRSYNC_CHANGE, 0);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID), ==, id);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_STATUS), ==, "7");
	title = changed_title (r, kind, id);
	g_assert_cmpstr (title, ==, "From A");
	airdock_eas_response_free (r);
	/* A sees no change: the store kept its version. */
	r = pim_sync (a, &ka, folder, -1, NULL, "1");
	g_assert_cmpuint (pim_count_commands (r), ==, 0);
	airdock_eas_response_free (r);

	/* Now B is up to date: its change goes through and reaches A. */
	r = pim_sync (b, &kb, folder, -1, cmd_list (pim_command (EAS_AIRSYNC_CHANGE, id, conflict_data (kind, "B again")), NULL), "1");
	g_assert_cmpuint (pim_count_commands (r), ==, 0);
	airdock_eas_response_free (r);
	r = pim_sync (a, &ka, folder, -1, NULL, "1");
	g_free (title);
	title = changed_title (r, kind, id);
	g_assert_cmpstr (title, ==, "B again");
	airdock_eas_response_free (r);

	/* Conflict 0: the client's version replaces the server's. */
	airdock_eas_response_free (pim_sync (a, &ka, folder, -1,
	                                     cmd_list (pim_command (EAS_AIRSYNC_CHANGE, id, conflict_data (kind, "A third")), NULL), "1"));
	r = sync_client_wins (b, &kb, folder, pim_command (EAS_AIRSYNC_CHANGE, id, conflict_data (kind, "B wins")));
	n = eas_node_child (pim_collection (r), EAS_AIRSYNC_RESPONSES);
	g_assert_null (n);
	airdock_eas_response_free (r);
	r = pim_sync (a, &ka, folder, -1, NULL, "1");
	g_free (title);
	title = changed_title (r, kind, id);
	g_assert_cmpstr (title, ==, "B wins");
	airdock_eas_response_free (r);
}

/* ---- second folders of a class ---------------------------------------------- */

/* FolderSync from key 0; returns the new key, and the type of folder_id in
 * *out_type (0 when absent). */
static char *
folder_sync (AirdockEasClient *c, const char *folder_id, guint *out_type)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_folder_sync (c, "0", &error);

	g_assert_no_error (error);
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_FOLDERHIERARCHY_STATUS), ==, "1");
	*out_type = 0;
	for (EasNode *n = eas_node_path (r->tree, EAS_FOLDERHIERARCHY_CHANGES, EAS_FOLDERHIERARCHY_ADD, 0);
	     n != NULL; n = eas_node_next_same (n)) {
		if (g_strcmp0 (eas_node_child_text (n, EAS_FOLDERHIERARCHY_SERVER_ID), folder_id) == 0)
			*out_type = (guint) g_ascii_strtoull (eas_node_child_text (n, EAS_FOLDERHIERARCHY_TYPE), NULL, 10);
	}
	return g_strdup (eas_node_child_text (r->tree, EAS_FOLDERHIERARCHY_SYNC_KEY));
}

static char *
folder_create (AirdockEasClient *c, char **fs_key, const char *name, guint type)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_CREATE);
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *t = g_strdup_printf ("%u", type);

	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, *fs_key);
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_PARENT_ID, "0");
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_DISPLAY_NAME, name);
	eas_node_append_text (root, EAS_FOLDERHIERARCHY_TYPE, t);
	r = airdock_eas_client_post_tree (c, EAS_CMD_FOLDER_CREATE, root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_FOLDERHIERARCHY_STATUS), ==, "1");
	g_free (*fs_key);
	*fs_key = g_strdup (eas_node_child_text (r->tree, EAS_FOLDERHIERARCHY_SYNC_KEY));
	return g_strdup (eas_node_child_text (r->tree, EAS_FOLDERHIERARCHY_SERVER_ID));
}

/* A creates a second calendar, contacts, tasks and notes folder (types
 * 13, 14, 15, 17) and puts an item in each; B sees the folders with their
 * types in FolderSync and the items in them, and not in the defaults. */
static void
test_second_folders (PimFixture *f, gconstpointer data)
{
	static const struct {
		guint type;
		PimKind kind;
		AirdockdFolderType default_type;
	} kinds[] = {
		{ 13, PIM_KIND_EVENT, AIRDOCKD_FOLDER_CALENDAR },
		{ 14, PIM_KIND_CONTACT, AIRDOCKD_FOLDER_CONTACTS },
		{ 15, PIM_KIND_TASK, AIRDOCKD_FOLDER_TASKS },
		{ 17, PIM_KIND_NOTE, AIRDOCKD_FOLDER_NOTES },
	};
	g_autoptr (AirdockEasClient) a = pim_device (f, "FLDDEVA", 161);
	g_autoptr (AirdockEasClient) b = pim_device (f, "FLDDEVB", 141);
	guint type = 0;
	g_autofree char *fs_key = folder_sync (a, "", &type);

	for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++) {
		g_autofree char *name = g_strdup_printf ("Second %u", kinds[i].type);
		g_autofree char *folder = folder_create (a, &fs_key, name, kinds[i].type);
		g_autofree char *dflt = pim_folder_of (f, kinds[i].default_type);
		g_autofree char *ka = g_strdup ("0"), *kb = g_strdup ("0"), *kd = g_strdup ("0");
		g_autofree char *id = NULL, *bkey = NULL;
		EasNode *ad;
		AirdockEasResponse *r;

		if (kinds[i].kind == PIM_KIND_CONTACT) {
			g_autoptr (EasContact) c = eas_contact_new ();

			c->fields[EAS_CONTACT_FIRST_NAME] = g_strdup (name);
			ad = pim_encode (PIM_KIND_CONTACT, c, 161);
		} else if (kinds[i].kind == PIM_KIND_EVENT) {
			ad = event_data (event_at (name, 1767258000, 1767261600), 161);
		} else if (kinds[i].kind == PIM_KIND_TASK) {
			ad = pim_task_data (name, FALSE);
		} else {
			ad = note_data (name);
		}
		g_assert_nonnull (folder);
		airdock_eas_response_free (pim_sync (a, &ka, folder, -1, NULL, "1"));
		id = add_item (a, &ka, folder, ad);

		bkey = folder_sync (b, folder, &type);
		g_assert_cmpuint (type, ==, kinds[i].type);
		airdock_eas_response_free (pim_sync (b, &kb, folder, -1, NULL, "1"));
		r = pim_sync (b, &kb, folder, -1, NULL, "1");
		g_assert_cmpuint (pim_count_commands (r), ==, 1);
		g_assert_nonnull (pim_find_command (r, EAS_AIRSYNC_ADD, id));
		airdock_eas_response_free (r);
		airdock_eas_response_free (pim_sync (b, &kd, dflt, -1, NULL, "1"));
		r = pim_sync (b, &kd, dflt, -1, NULL, "1");
		g_assert_cmpuint (pim_count_commands (r), ==, 0);
		airdock_eas_response_free (r);
	}
}

/* ---- time zones ------------------------------------------------------------- */

typedef struct {
	const char *iana;
	gint32 bias, daylight_bias;
	/* month, week of month (5 = last), hour; month 0 = no DST */
	guint16 std_month, std_week, std_hour;
	guint16 dst_month, dst_week, dst_hour;
	/* 09:00 local on 2026-01-15 and 2026-07-15 in UTC */
	gint64 jan_utc, jul_utc;
} ZoneCase;

/* Worked out by hand from the zones' rules (EU: last Sunday of March
 * 01:00 UTC / October; US: second Sunday of March, first of November, 02:00
 * local; New South Wales: first Sunday of October, first of April; India:
 * +5:30 all year).  2026-01-15 09:00 UTC = 1768467600; 2026-07-15 09:00
 * UTC = 1784106000. */
static const ZoneCase zones[] = {
	{ "Europe/Berlin", -60, -60, 10, 5, 3, 3, 5, 2, 1768467600 - 3600, 1784106000 - 7200 },
	{ "America/New_York", 300, -60, 11, 1, 2, 3, 2, 2, 1768467600 + 5 * 3600, 1784106000 + 4 * 3600 },
	{ "Australia/Sydney", -600, -60, 4, 1, 3, 10, 1, 2, 1768467600 - 11 * 3600, 1784106000 - 10 * 3600 },
	{ "Asia/Kolkata", -330, 0, 0, 0, 0, 0, 0, 0, 1768467600 - 19800, 1784106000 - 19800 },
};

static void
zone_blob (const ZoneCase *z, EasTimeZone *tz)
{
	memset (tz, 0, sizeof *tz);
	tz->bias = z->bias;
	g_strlcpy (tz->standard_name, z->iana, sizeof tz->standard_name);
	if (z->std_month != 0) {
		tz->standard_date = (EasSystemTime) { 0, z->std_month, 0, z->std_week, z->std_hour, 0, 0, 0 };
		tz->daylight_date = (EasSystemTime) { 0, z->dst_month, 0, z->dst_week, z->dst_hour, 0, 0, 0 };
		tz->daylight_bias = z->daylight_bias;
	}
}

static void
assert_zone (const ZoneCase *z, const EasTimeZone *tz)
{
	g_assert_cmpint (tz->bias, ==, z->bias);
	g_assert_cmpint (tz->standard_bias, ==, 0);
	g_assert_cmpuint (tz->standard_date.month, ==, z->std_month);
	g_assert_cmpuint (tz->daylight_date.month, ==, z->dst_month);
	if (z->std_month == 0)
		return;
	g_assert_cmpint (tz->daylight_bias, ==, z->daylight_bias);
	g_assert_cmpuint (tz->standard_date.year, ==, 0);
	g_assert_cmpuint (tz->standard_date.day_of_week, ==, 0);
	g_assert_cmpuint (tz->standard_date.day, ==, z->std_week);
	g_assert_cmpuint (tz->standard_date.hour, ==, z->std_hour);
	g_assert_cmpuint (tz->daylight_date.day_of_week, ==, 0);
	g_assert_cmpuint (tz->daylight_date.day, ==, z->dst_week);
	g_assert_cmpuint (tz->daylight_date.hour, ==, z->dst_hour);
}

/* The stored VCALENDAR: its VTIMEZONE's offsets are the zone's, and its
 * DTSTART read through that VTIMEZONE is the expected instant. */
static void
assert_stored (PimFixture *f, const char *id, const ZoneCase *z, gint64 utc)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdItem) item = airdockd_store_item_get (f->store, f->uid, id, &error);
	g_autofree char *text = NULL;
	icalcomponent *cal, *vtz, *ev, *sub;
	icaltimezone *zone;
	struct icaltimetype start;

	g_assert_no_error (error);
	text = g_strndup (g_bytes_get_data (item->data, NULL), g_bytes_get_size (item->data));
	cal = icalparser_parse_string (text);
	g_assert_nonnull (cal);
	vtz = icalcomponent_get_first_component (cal, ICAL_VTIMEZONE_COMPONENT);
	g_assert_nonnull (vtz);
	sub = icalcomponent_get_first_component (vtz, ICAL_XSTANDARD_COMPONENT);
	g_assert_nonnull (sub);
	g_assert_cmpint (icalproperty_get_tzoffsetto (icalcomponent_get_first_property (sub, ICAL_TZOFFSETTO_PROPERTY)),
	                 ==, -z->bias * 60);
	sub = icalcomponent_get_first_component (vtz, ICAL_XDAYLIGHT_COMPONENT);
	if (z->std_month == 0) {
		g_assert_null (sub);
	} else {
		g_assert_nonnull (sub);
		g_assert_cmpint (icalproperty_get_tzoffsetto (icalcomponent_get_first_property (sub, ICAL_TZOFFSETTO_PROPERTY)),
		                 ==, -(z->bias + z->daylight_bias) * 60);
	}
	ev = icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT);
	g_assert_nonnull (ev);
	start = icalproperty_get_dtstart (icalcomponent_get_first_property (ev, ICAL_DTSTART_PROPERTY));
	zone = icaltimezone_new ();
	g_assert_true (icaltimezone_set_component (zone, icalcomponent_new_clone (vtz)));
	g_assert_cmpint ((gint64) icaltime_as_timet_with_zone (start, zone), ==, utc);
	icaltimezone_free (zone, TRUE);
	icalcomponent_free (cal);
}

/* For each zone: A sends January and July events with the zone's blob;
 * the store holds a right VTIMEZONE and instant; B's blob has the zone's
 * rules.  An event stored as iCalendar with only TZID=<IANA> reaches B
 * with the right blob too. */
static void
test_time_zones (PimFixture *f, gconstpointer data)
{
	g_autofree char *cal = pim_folder_of (f, AIRDOCKD_FOLDER_CALENDAR);
	g_autoptr (AirdockEasClient) a = pim_device (f, "TZDEVA", 161);
	g_autoptr (AirdockEasClient) b = pim_device (f, "TZDEVB", 121);
	g_autofree char *ka = g_strdup ("0"), *kb = g_strdup ("0");

	airdock_eas_response_free (pim_sync (a, &ka, cal, -1, NULL, "1"));
	airdock_eas_response_free (pim_sync (b, &kb, cal, -1, NULL, "1"));
	for (gsize i = 0; i < G_N_ELEMENTS (zones); i++) {
		const ZoneCase *z = &zones[i];
		gint64 instants[2] = { z->jan_utc, z->jul_utc };
		char *ids[3] = { NULL };
		AirdockEasResponse *r;

		for (gsize j = 0; j < 2; j++) {
			EasEvent *ev = event_at (z->iana, instants[j], instants[j] + 3600);

			ev->has_timezone = TRUE;
			zone_blob (z, &ev->timezone);
			ids[j] = add_item (a, &ka, cal, event_data (ev, 161));
			assert_stored (f, ids[j], z, instants[j]);
		}
		{
			/* As an import would store it: TZID only, no VTIMEZONE. */
			g_autofree char *ical = g_strdup_printf (
				"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
				"UID:tz-import-%zu\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:imported\r\n"
				"DTSTART;TZID=%s:20260715T090000\r\nDTEND;TZID=%s:20260715T100000\r\n"
				"END:VEVENT\r\nEND:VCALENDAR\r\n", i, z->iana, z->iana);
			g_autoptr (GBytes) blob = g_bytes_new (ical, strlen (ical));
			g_autoptr (GError) error = NULL;
			g_autoptr (AirdockdItem) item = airdockd_store_add_item (f->store, f->uid, cal, AIRDOCKD_ITEM_CALENDAR,
			                                                         blob, &error);

			g_assert_no_error (error);
			ids[2] = g_strdup (item->server_id);
		}
		r = pim_sync (b, &kb, cal, -1, NULL, "1");
		g_assert_cmpuint (pim_count_commands (r), ==, 3);
		for (gsize j = 0; j < 3; j++) {
			EasNode *n = pim_find_command (r, EAS_AIRSYNC_ADD, ids[j]);
			g_autoptr (EasEvent) got = NULL;

			g_assert_nonnull (n);
			got = pim_decode (PIM_KIND_EVENT, eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA), 121);
			g_assert_true (got->has_timezone);
			assert_zone (z, &got->timezone);
			g_assert_cmpint (got->start_time, ==, j == 0 ? z->jan_utc : z->jul_utc);
		}
		airdock_eas_response_free (r);
		for (gsize j = 0; j < G_N_ELEMENTS (ids); j++)
			g_free (ids[j]);
	}
}

/* ---- bad input ------------------------------------------------------------- */

static EasNode *
raw_event (const char *subject, const char *start)
{
	EasNode *ad = eas_node_new (EAS_AIRSYNC_APPLICATION_DATA);

	eas_node_append_text (ad, EAS_CALENDAR_SUBJECT, subject);
	eas_node_append_text (ad, EAS_CALENDAR_DT_STAMP, "20260101T000000Z");
	eas_node_append_text (ad, EAS_CALENDAR_START_TIME, start);
	eas_node_append_text (ad, EAS_CALENDAR_END_TIME, "20260301T100000Z");
	return ad;
}

static EasNode *
raw_recurring (const char *subject, const char *type, EasTag extra, const char *value)
{
	EasNode *ad = raw_event (subject, "20260301T090000Z");
	EasNode *rec = eas_node_append (ad, EAS_CALENDAR_RECURRENCE);

	eas_node_append_text (rec, EAS_CALENDAR_TYPE, type);
	eas_node_append_text (rec, extra, value);
	return ad;
}

static EasNode *
with_attendees (EasNode *ad, guint n)
{
	EasNode *list = eas_node_append (ad, EAS_CALENDAR_ATTENDEES);

	for (guint i = 0; i < n; i++) {
		EasNode *att = eas_node_append (list, EAS_CALENDAR_ATTENDEE);
		g_autofree char *email = g_strdup_printf ("guest%u@example.org", i);
		g_autofree char *name = g_strdup_printf ("Guest %u", i);

		eas_node_append_text (att, EAS_CALENDAR_EMAIL, email);
		eas_node_append_text (att, EAS_CALENDAR_NAME, name);
	}
	return ad;
}

/* One Sync with good and bad events: each bad one gets Status 6 for its
 * ClientId, the good ones (one with 500 attendees, the limit) are stored
 * and reach another device. */
static void
test_bad_events (PimFixture *f, gconstpointer data)
{
	static const struct {
		const char *client_id;
		const char *status;
	} expect[] = {
		{ "ok-1", "1" }, { "bad-date", "6" }, { "occ-0", "6" }, { "daily-dow", "6" },
		{ "interval-0", "6" }, { "tz-short", "6" }, { "att-501", "6" }, { "att-500", "1" },
		{ "ok-2", "1" },
	};
	g_autofree char *cal = pim_folder_of (f, AIRDOCKD_FOLDER_CALENDAR);
	g_autoptr (AirdockEasClient) a = pim_device (f, "BADDEVA", 141);
	g_autoptr (AirdockEasClient) b = pim_device (f, "BADDEVB", 161);
	g_autofree char *ka = g_strdup ("0"), *kb = g_strdup ("0");
	g_autofree char *short_tz = g_base64_encode ((const guchar *) "0123456789abcdef0123456789abcdef", 32);
	EasNode *tz_event = raw_event ("tz", "20260301T090000Z");
	g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
	AirdockEasResponse *r;
	EasNode *cmds[G_N_ELEMENTS (expect) + 1] = { NULL };
	EasNode *ads[G_N_ELEMENTS (expect)];

	eas_node_append_text (tz_event, EAS_CALENDAR_TIMEZONE, short_tz);
	ads[0] = raw_event ("ok-1", "20260301T090000Z");
	ads[1] = raw_event ("bad-date", "20260230T090000Z");
	ads[2] = raw_recurring ("occ-0", "0", EAS_CALENDAR_OCCURRENCES, "0");
	ads[3] = raw_recurring ("daily-dow", "0", EAS_CALENDAR_DAY_OF_WEEK, "2");
	ads[4] = raw_recurring ("interval-0", "1", EAS_CALENDAR_INTERVAL, "0");
	ads[5] = tz_event;
	ads[6] = with_attendees (raw_event ("att-501", "20260301T090000Z"), 501);
	ads[7] = with_attendees (raw_event ("att-500", "20260301T090000Z"), 500);
	ads[8] = raw_event ("ok-2", "20260301T093000Z");
	/* interval-0 is weekly: give it its DayOfWeek so only Interval is wrong. */
	eas_node_append_text (eas_node_child (ads[4], EAS_CALENDAR_RECURRENCE), EAS_CALENDAR_DAY_OF_WEEK, "2");
	for (gsize i = 0; i < G_N_ELEMENTS (expect); i++)
		cmds[i] = pim_command (EAS_AIRSYNC_ADD, expect[i].client_id, ads[i]);

	airdock_eas_response_free (pim_sync (a, &ka, cal, -1, NULL, "1"));
	airdock_eas_response_free (pim_sync (b, &kb, cal, -1, NULL, "1"));
	r = pim_sync (a, &ka, cal, -1, cmds, "1");
	for (gsize i = 0; i < G_N_ELEMENTS (expect); i++) {
		EasNode *n = pim_response (r, EAS_AIRSYNC_ADD, (guint) i);

		g_test_message ("%s: Status %s", expect[i].client_id, eas_node_child_text (n, EAS_AIRSYNC_STATUS));
		g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_CLIENT_ID), ==, expect[i].client_id);
		g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_STATUS), ==, expect[i].status);
		if (strcmp (expect[i].status, "1") == 0)
			g_ptr_array_add (ids, g_strdup (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID)));
		else
			g_assert_null (eas_node_child (n, EAS_AIRSYNC_SERVER_ID));
	}
	airdock_eas_response_free (r);

	r = pim_sync (b, &kb, cal, -1, NULL, "1");
	g_assert_cmpuint (pim_count_commands (r), ==, 3);
	for (guint i = 0; i < ids->len; i++) {
		EasNode *n = pim_find_command (r, EAS_AIRSYNC_ADD, g_ptr_array_index (ids, i));
		g_autoptr (EasEvent) ev = NULL;

		g_assert_nonnull (n);
		ev = pim_decode (PIM_KIND_EVENT, eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA), 161);
		if (g_strcmp0 (ev->subject, "att-500") == 0)
			g_assert_cmpuint (ev->attendees->len, ==, 500);
	}
	airdock_eas_response_free (r);
}

#define TEST_MAX_REQUEST (11u * 1024 * 1024)

static EasNode *
big_note (const char *subject, gsize body_len)
{
	EasNode *ad = eas_node_new (EAS_AIRSYNC_APPLICATION_DATA);
	EasNode *body = eas_node_append (ad, EAS_AIRSYNCBASE_BODY);
	g_autofree char *text = g_malloc (body_len + 1);

	memset (text, 'x', body_len);
	text[body_len] = '\0';
	eas_node_append_text (ad, EAS_NOTES_SUBJECT, subject);
	eas_node_append_text (body, EAS_AIRSYNCBASE_TYPE, "1");
	eas_node_append_text (body, EAS_AIRSYNCBASE_DATA, text);
	return ad;
}

/* The status line's code for a Sync announcing content_length bytes,
 * read before sending any body byte (the server answers from the headers:
 * sending the body first would race its closing the connection). */
static guint
sync_headers_status (PimFixture *f, goffset content_length)
{
	return airdock_harness_raw_post (f->h, "Cmd=Sync&User=" PIM_USER "&DeviceId=BIGDEVA&DeviceType=TestPhone",
	                                 PIM_USER, PIM_PASSWORD, "16.1", content_length, FALSE);
}

/* With max_request_bytes at 11 MiB: a Sync carrying a 10 MB note and a
 * small one is read; the big note gets Status 6, the small one is stored.
 * A body one byte over the limit is HTTP 413. */
static void
test_big_note (PimFixture *f, gconstpointer data)
{
	g_autofree char *notes = NULL;
	g_autoptr (AirdockEasClient) a = NULL;
	g_autofree char *ka = g_strdup ("0");
	g_autofree char *config = g_strdup_printf ("[limits]\nmax_request_bytes = %u\n", TEST_MAX_REQUEST);
	AirdockEasResponse *r;
	EasNode *n;

	airdock_harness_restart (f->h, config);
	notes = pim_folder_of (f, AIRDOCKD_FOLDER_NOTES);
	a = pim_device (f, "BIGDEVA", 161);
	airdock_eas_response_free (pim_sync (a, &ka, notes, -1, NULL, "1"));
	r = pim_sync (a, &ka, notes, -1,
	              cmd_list (pim_command (EAS_AIRSYNC_ADD, "big", big_note ("big", 10 * 1000 * 1000)),
	                        pim_command (EAS_AIRSYNC_ADD, "small", big_note ("small", 100)), NULL), "1");
	n = pim_response (r, EAS_AIRSYNC_ADD, 0);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_CLIENT_ID), ==, "big");
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_STATUS), ==, "6");
	n = pim_response (r, EAS_AIRSYNC_ADD, 1);
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_CLIENT_ID), ==, "small");
	g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_STATUS), ==, "1");
	airdock_eas_response_free (r);

	g_assert_cmpuint (sync_headers_status (f, TEST_MAX_REQUEST + 1), ==, 413);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add ("/pim-proof/calendar/filter-window", PimFixture, NULL, pim_fixture_setup,
	            test_calendar_window, pim_fixture_teardown);
	g_test_add ("/pim-proof/estimate", PimFixture, NULL, pim_fixture_setup, test_estimate,
	            pim_fixture_teardown);
	g_test_add ("/pim-proof/conflict/contact", PimFixture, GINT_TO_POINTER (PIM_KIND_CONTACT),
	            pim_fixture_setup, test_conflict, pim_fixture_teardown);
	g_test_add ("/pim-proof/conflict/event", PimFixture, GINT_TO_POINTER (PIM_KIND_EVENT),
	            pim_fixture_setup, test_conflict, pim_fixture_teardown);
	g_test_add ("/pim-proof/second-folders", PimFixture, NULL, pim_fixture_setup, test_second_folders,
	            pim_fixture_teardown);
	g_test_add ("/pim-proof/time-zones", PimFixture, NULL, pim_fixture_setup, test_time_zones,
	            pim_fixture_teardown);
	g_test_add ("/pim-proof/bad-input/events", PimFixture, NULL, pim_fixture_setup, test_bad_events,
	            pim_fixture_teardown);
	g_test_add ("/pim-proof/bad-input/big-note", PimFixture, NULL, pim_fixture_setup, test_big_note,
	            pim_fixture_teardown);
	return g_test_run ();
}
