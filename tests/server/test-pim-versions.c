/* test-pim-versions.c — round trips per class and protocol version
 * (2.5, 12.1, 14.1, 16.1) through the real server: device A adds items
 * carrying every element its version has, a device B of the same version
 * and a device C of another version receive them element by element, then
 * see A's change and delete.  Notes exist from 14.0 on: older devices are
 * not offered the folder and a Sync of it is refused.
 *
 * The expected data for a receiver is A's model projected through A's
 * version and then the receiver's (the models alone, no server): what the
 * server hands out must match that XML element for element, after going
 * through its vCard / iCalendar storage. */
#include "config.h"

#include <string.h>

#include "tests/server/test-pim-util.h"

typedef struct {
	PimKind kind;
	EasVersion version;
} VersionCase;

static const AirdockdFolderType folder_types[] = {
	AIRDOCKD_FOLDER_CONTACTS, AIRDOCKD_FOLDER_CALENDAR, AIRDOCKD_FOLDER_TASKS, AIRDOCKD_FOLDER_NOTES,
};

/* 2026-03-02 08:00 UTC, a Monday (09:00 in Berlin). */
#define T0 1772438400
#define DAY (24 * 60 * 60)

static GPtrArray *
strings (const char *first, ...)
{
	GPtrArray *a = g_ptr_array_new_with_free_func (g_free);
	va_list ap;

	va_start (ap, first);
	for (const char *s = first; s != NULL; s = va_arg (ap, const char *))
		g_ptr_array_add (a, g_strdup (s));
	va_end (ap);
	return a;
}

/* A contact with every text element set (dates, a small picture).  The
 * dates are at 12:00Z, the form the server sends a date in (eas-contact). */
static EasContact *
full_contact (const char *first_name)
{
	EasContact *c = eas_contact_new ();

	for (int i = 0; i < EAS_CONTACT_N_FIELDS; i++)
		c->fields[i] = g_strdup_printf ("v-%d", i);
	g_free (c->fields[EAS_CONTACT_FIRST_NAME]);
	c->fields[EAS_CONTACT_FIRST_NAME] = g_strdup (first_name);
	g_free (c->fields[EAS_CONTACT_BIRTHDAY]);
	c->fields[EAS_CONTACT_BIRTHDAY] = g_strdup ("1980-01-02T12:00:00.000Z");
	g_free (c->fields[EAS_CONTACT_ANNIVERSARY]);
	c->fields[EAS_CONTACT_ANNIVERSARY] = g_strdup ("2005-06-07T12:00:00.000Z");
	for (int i = EAS_CONTACT_EMAIL1_ADDRESS; i <= EAS_CONTACT_EMAIL3_ADDRESS; i++) {
		g_free (c->fields[i]);
		c->fields[i] = g_strdup_printf ("ann%d@example.org", i - EAS_CONTACT_EMAIL1_ADDRESS + 1);
	}
	g_free (c->fields[EAS_CONTACT_PICTURE]);
	c->fields[EAS_CONTACT_PICTURE] = g_base64_encode ((const guchar *) "\x89PNG\r\n\x1a\nfake", 12);
	g_free (c->fields[EAS_CONTACT_WEIGHTED_RANK]);
	c->fields[EAS_CONTACT_WEIGHTED_RANK] = g_strdup ("7");
	c->body = g_strdup ("Met at the conference.");
	c->body_type = 1;
	c->categories = strings ("Friends", "Work", NULL);
	c->children = strings ("Ben", "Cleo", NULL);
	return c;
}

static EasEvent *
exception_of (gint64 original, const char *subject, gboolean deleted)
{
	EasEvent *ex = eas_event_new ();

	ex->exception_start_time = original;
	ex->deleted = deleted;
	if (!deleted) {
		ex->subject = g_strdup (subject);
		ex->start_time = original + 2 * 3600;
		ex->end_time = original + 3 * 3600;
	}
	return ex;
}

/* A weekly series in Berlin time with a moved and a deleted occurrence,
 * attendees and a reminder. */
static EasEvent *
full_event (const char *subject)
{
	EasEvent *ev = eas_event_new ();
	g_autoptr (GError) error = NULL;
	EasAttendee *a;

	ev->has_timezone = TRUE;
	g_assert_true (eas_timezone_from_iana ("Europe/Berlin", 2026, &ev->timezone, &error));
	g_assert_no_error (error);
	ev->subject = g_strdup (subject);
	ev->location = g_strdup ("Room 4");
	ev->body = g_strdup ("Agenda: everything.");
	ev->body_type = 1;
	ev->start_time = T0;
	ev->end_time = T0 + 3600;
	ev->dt_stamp = T0 - DAY;
	ev->uid = g_strdup ("versions-series-1");
	ev->organizer_name = g_strdup ("Alice");
	ev->organizer_email = g_strdup (PIM_EMAIL);
	ev->busy_status = 2;
	ev->sensitivity = 0;
	ev->reminder = 15;
	ev->meeting_status = 1;
	ev->all_day_event = 0;
	ev->attendees = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_attendee_free);
	a = eas_attendee_new ("bob@example.org", "Bob");
	a->status = 3;
	a->type = 1;
	g_ptr_array_add (ev->attendees, a);
	a = eas_attendee_new ("carol@example.org", "Carol");
	a->status = 5;
	a->type = 2;
	g_ptr_array_add (ev->attendees, a);
	ev->categories = strings ("Meetings", NULL);
	ev->recurrence = g_new0 (EasRecurrence, 1);
	eas_recurrence_init (ev->recurrence);
	ev->recurrence->type = EAS_RECUR_WEEKLY;
	ev->recurrence->day_of_week = EAS_DAY_MONDAY;
	ev->recurrence->occurrences = 10;
	ev->exceptions = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_event_free);
	g_ptr_array_add (ev->exceptions, exception_of (T0 + 7 * DAY, "Moved", FALSE));
	g_ptr_array_add (ev->exceptions, exception_of (T0 + 14 * DAY, NULL, TRUE));
	return ev;
}

/* An all-day event on 2026-03-10 in Berlin. */
static EasEvent *
all_day_event (void)
{
	EasEvent *ev = eas_event_new ();
	g_autoptr (GError) error = NULL;

	ev->has_timezone = TRUE;
	g_assert_true (eas_timezone_from_iana ("Europe/Berlin", 2026, &ev->timezone, &error));
	ev->subject = g_strdup ("Holiday");
	ev->all_day_event = 1;
	ev->start_time = T0 + 8 * DAY - 9 * 3600;	/* 2026-03-09T23:00Z = 00:00 CET */
	ev->end_time = ev->start_time + DAY;
	ev->dt_stamp = T0 - DAY;
	ev->uid = g_strdup ("versions-allday-1");
	ev->busy_status = 3;
	ev->reminder = 600;
	return ev;
}

static EasTask *
full_task (const char *subject)
{
	EasTask *t = eas_task_new ();

	t->subject = g_strdup (subject);
	t->body = g_strdup ("Water the plants.");
	t->body_type = 1;
	t->start_date = T0;
	t->utc_start_date = T0 - 3600;
	t->due_date = T0 + DAY;
	t->utc_due_date = T0 + DAY - 3600;
	t->complete = 0;
	t->importance = 2;
	t->sensitivity = 1;
	t->reminder_set = 1;
	t->reminder_time = T0 + 3600;
	t->categories = strings ("Home", "Garden", NULL);
	t->recurrence = g_new0 (EasRecurrence, 1);
	eas_recurrence_init (t->recurrence);
	t->recurrence->type = EAS_RECUR_WEEKLY;
	t->recurrence->day_of_week = EAS_DAY_MONDAY;
	t->recurrence->interval = 2;
	t->recurrence->start = T0;
	t->recurrence->regenerate = 1;
	t->recurrence->dead_occur = 0;
	t->recurrence->occurrences = 5;
	return t;
}

static EasNote *
full_note (const char *subject)
{
	EasNote *n = eas_note_new ();

	n->subject = g_strdup (subject);
	n->body = g_strdup ("Line one\nLine two");
	n->body_type = 1;
	n->categories = strings ("Ideas", NULL);
	n->message_class = g_strdup ("IPM.StickyNote");
	n->last_modified = T0;
	return n;
}

/* The items of a kind A adds (first one: title), as models. */
static GPtrArray *
items_of (PimKind kind, const char *title)
{
	GPtrArray *a = g_ptr_array_new ();

	switch (kind) {
	case PIM_KIND_CONTACT:
		g_ptr_array_add (a, full_contact (title));
		break;
	case PIM_KIND_EVENT:
		g_ptr_array_add (a, full_event (title));
		g_ptr_array_add (a, all_day_event ());
		break;
	case PIM_KIND_TASK:
		g_ptr_array_add (a, full_task (title));
		break;
	case PIM_KIND_NOTE:
		g_ptr_array_add (a, full_note (title));
		break;
	}
	return a;
}

static void
items_free (PimKind kind, GPtrArray *a)
{
	for (guint i = 0; i < a->len; i++)
		pim_model_free (kind, g_ptr_array_index (a, i));
	g_ptr_array_free (a, TRUE);
}

static int
by_original_start (gconstpointer a, gconstpointer b)
{
	const EasEvent *x = *(EasEvent *const *) a, *y = *(EasEvent *const *) b;

	return (x->exception_start_time > y->exception_start_time) - (x->exception_start_time < y->exception_start_time);
}

/* Exceptions are a set: order them by the occurrence they replace. */
static void
normalize (PimKind kind, void *model)
{
	EasEvent *ev = model;

	if (kind == PIM_KIND_EVENT && ev->exceptions != NULL)
		g_ptr_array_sort (ev->exceptions, by_original_start);
}

/* model through version from, then version to: the XML of what a device of
 * version to should receive. */
static char *
expected_xml (PimKind kind, const void *model, EasVersion from, EasVersion to)
{
	g_autoptr (EasNode) sent = pim_encode (kind, model, from);
	void *at_server = pim_decode (kind, sent, from);
	g_autoptr (EasNode) sent2 = pim_encode (kind, at_server, to);
	void *seen = pim_decode (kind, sent2, to);
	g_autoptr (EasNode) out = NULL;

	normalize (kind, seen);
	out = pim_encode (kind, seen, to);

	pim_model_free (kind, at_server);
	pim_model_free (kind, seen);
	return pim_xml (out);
}

/* What a device of version got, re-encoded the same way. */
static char *
received_xml (PimKind kind, const EasNode *ad, EasVersion version)
{
	void *seen = pim_decode (kind, ad, version);
	g_autoptr (EasNode) out = NULL;

	normalize (kind, seen);
	out = pim_encode (kind, seen, version);

	pim_model_free (kind, seen);
	return pim_xml (out);
}

/* Checks a few values by hand, independent of the models' projections. */
static void
check_by_hand (PimKind kind, const EasNode *ad, EasVersion from, EasVersion version, const char *title,
               guint index)
{
	void *m = pim_decode (kind, ad, version);

	if (kind == PIM_KIND_CONTACT) {
		EasContact *c = m;

		g_assert_cmpstr (c->fields[EAS_CONTACT_FIRST_NAME], ==, title);
		g_assert_cmpstr (c->fields[EAS_CONTACT_EMAIL3_ADDRESS], ==, "ann3@example.org");
		g_assert_cmpstr (c->fields[EAS_CONTACT_BIRTHDAY], ==, "1980-01-02T12:00:00.000Z");
		g_assert_cmpuint (c->children->len, ==, 2);
		g_assert_cmpstr (c->body, ==, "Met at the conference.");
		/* Alias exists from 14.0: both ends must carry it. */
		if (MIN (from, version) >= 140)
			g_assert_cmpstr (c->fields[EAS_CONTACT_ALIAS], ==, "v-48");
		else
			g_assert_null (c->fields[EAS_CONTACT_ALIAS]);
	} else if (kind == PIM_KIND_EVENT && index == 0) {
		EasEvent *ev = m;

		g_assert_cmpstr (ev->subject, ==, title);
		g_assert_cmpint (ev->start_time, ==, T0);
		g_assert_true (ev->has_timezone);
		g_assert_cmpint (ev->timezone.bias, ==, -60);
		g_assert_cmpuint (ev->attendees->len, ==, 2);
		g_assert_cmpint (ev->reminder, ==, 15);
		g_assert_nonnull (ev->recurrence);
		g_assert_cmpuint (ev->recurrence->occurrences, ==, 10);
		g_assert_cmpuint (ev->exceptions->len, ==, 2);
	} else if (kind == PIM_KIND_EVENT) {
		EasEvent *ev = m;

		g_assert_cmpint (ev->all_day_event, ==, 1);
		g_assert_cmpint (ev->end_time - ev->start_time, ==, DAY);
	} else if (kind == PIM_KIND_TASK) {
		EasTask *t = m;

		g_assert_cmpstr (t->subject, ==, title);
		g_assert_cmpint (t->recurrence->regenerate, ==, 1);
		g_assert_cmpint (t->reminder_time, ==, T0 + 3600);
		g_assert_cmpuint (t->categories->len, ==, 2);
	} else {
		EasNote *n = m;

		g_assert_cmpstr (n->subject, ==, title);
		g_assert_cmpstr (n->message_class, ==, "IPM.StickyNote");
	}
	pim_model_free (kind, m);
}

/* Fails at the first differing line, naming it. */
static void
assert_same_xml (const char *got, const char *want)
{
	g_auto (GStrv) g = g_strsplit (got, "\n", -1);
	g_auto (GStrv) w = g_strsplit (want, "\n", -1);

	for (guint i = 0; g[i] != NULL || w[i] != NULL; i++) {
		if (g_strcmp0 (g[i], w[i]) != 0) {
			g_test_message ("line %u differs", i + 1);
			g_assert_cmpstr (g[i], ==, w[i]);
		}
		if (g[i] == NULL || w[i] == NULL)
			break;
	}
}

typedef struct {
	AirdockEasClient *client;
	EasVersion version;
	char *key;
} Receiver;

/* r holds an Add (or Change: tag) of each id with the expected data. */
static void
check_received (PimKind kind, AirdockEasResponse *r, EasTag tag, char **ids, GPtrArray *models,
                EasVersion from, EasVersion to, const char *title)
{
	g_assert_cmpuint (pim_count_commands (r), ==, tag == EAS_AIRSYNC_ADD ? models->len : 1);
	for (guint i = 0; i < models->len; i++) {
		EasNode *n = pim_find_command (r, tag, ids[i]);
		g_autofree char *want = NULL;
		g_autofree char *got = NULL;

		if (tag == EAS_AIRSYNC_CHANGE && i > 0)
			break;
		g_assert_nonnull (n);
		want = expected_xml (kind, g_ptr_array_index (models, i), from, to);
		got = received_xml (kind, eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA), to);
		assert_same_xml (got, want);
		check_by_hand (kind, eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA), from, to, title, i);
	}
}

/* A Notes folder before 14.0: FolderSync leaves it out, Sync refuses it. */
static void
check_notes_refused (PimFixture *f, AirdockEasClient *a, const char *folder)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_SYNC);
	g_autoptr (AirdockEasResponse) fs = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *key = g_strdup ("0");
	g_autofree char *xml = NULL;
	guint n_folders = 0;

	eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, "0");
	fs = airdock_eas_client_post_tree (a, EAS_CMD_FOLDER_SYNC, root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (fs->http_status, ==, 200);
	for (EasNode *n = eas_node_path (fs->tree, EAS_FOLDERHIERARCHY_CHANGES, EAS_FOLDERHIERARCHY_ADD, 0);
	     n != NULL; n = eas_node_next_same (n)) {
		g_assert_cmpstr (eas_node_child_text (n, EAS_FOLDERHIERARCHY_SERVER_ID), !=, folder);
		g_assert_cmpstr (eas_node_child_text (n, EAS_FOLDERHIERARCHY_TYPE), !=, "10");
		n_folders++;
	}
	g_assert_cmpuint (n_folders, >, 3);
	airdock_eas_response_free (pim_sync (a, &key, folder, -1, NULL, "8"));

	/* Nor can it create one (FolderCreate Status 10). */
	{
		g_autoptr (EasNode) create = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_CREATE);
		g_autoptr (AirdockEasResponse) cr = NULL;

		eas_node_append_text (create, EAS_FOLDERHIERARCHY_SYNC_KEY,
		                      eas_node_child_text (fs->tree, EAS_FOLDERHIERARCHY_SYNC_KEY));
		eas_node_append_text (create, EAS_FOLDERHIERARCHY_PARENT_ID, "0");
		eas_node_append_text (create, EAS_FOLDERHIERARCHY_DISPLAY_NAME, "Old notes");
		eas_node_append_text (create, EAS_FOLDERHIERARCHY_TYPE, "17");
		cr = airdock_eas_client_post_tree (a, EAS_CMD_FOLDER_CREATE, create, &error);
		g_assert_no_error (error);
		g_assert_cmpuint (cr->http_status, ==, 200);
		g_assert_cmpstr (eas_node_child_text (cr->tree, EAS_FOLDERHIERARCHY_STATUS), ==, "10");
	}
}

static void
test_version (PimFixture *f, gconstpointer data)
{
	const VersionCase *vc = data;
	PimKind kind = vc->kind;
	EasVersion other = vc->version == 161 ? 25 : 161;
	g_autofree char *folder = pim_folder_of (f, folder_types[kind]);
	g_autoptr (AirdockEasClient) a = pim_device (f, "VERDEVA", vc->version);
	g_autofree char *ka = g_strdup ("0");
	Receiver rx[2] = {
		{ pim_device (f, "VERDEVB", vc->version), vc->version, g_strdup ("0") },
		{ pim_device (f, "VERDEVC", other), other, g_strdup ("0") },
	};
	GPtrArray *models = items_of (kind, "First");
	GPtrArray *changed = items_of (kind, "Second");
	g_auto (GStrv) ids = g_new0 (char *, models->len + 1);
	EasNode *cmds[4] = { NULL };
	AirdockEasResponse *r;

	if (kind == PIM_KIND_NOTE && vc->version < 140) {
		check_notes_refused (f, a, folder);
		g_clear_pointer (&rx[0].client, airdock_eas_client_free);
		g_clear_pointer (&rx[1].client, airdock_eas_client_free);
		g_free (rx[0].key);
		g_free (rx[1].key);
		items_free (kind, models);
		items_free (kind, changed);
		return;
	}
	airdock_eas_response_free (pim_sync (a, &ka, folder, -1, NULL, "1"));
	for (guint i = 0; i < G_N_ELEMENTS (rx); i++)
		airdock_eas_response_free (pim_sync (rx[i].client, &rx[i].key, folder, -1, NULL,
		                                     kind == PIM_KIND_NOTE && rx[i].version < 140 ? "8" : "1"));

	/* A adds every item in one Sync. */
	for (guint i = 0; i < models->len; i++) {
		g_autofree char *cid = g_strdup_printf ("client-%u", i);

		cmds[i] = pim_command (EAS_AIRSYNC_ADD, cid, pim_encode (kind, g_ptr_array_index (models, i), vc->version));
	}
	r = pim_sync (a, &ka, folder, -1, cmds, "1");
	for (guint i = 0; i < models->len; i++) {
		EasNode *n = pim_response (r, EAS_AIRSYNC_ADD, i);

		g_assert_cmpstr (eas_node_child_text (n, EAS_AIRSYNC_STATUS), ==, "1");
		ids[i] = g_strdup (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID));
		g_assert_nonnull (ids[i]);
	}
	airdock_eas_response_free (r);

	for (guint i = 0; i < G_N_ELEMENTS (rx); i++) {
		if (kind == PIM_KIND_NOTE && rx[i].version < 140)
			continue;
		r = pim_sync (rx[i].client, &rx[i].key, folder, -1, NULL, "1");
		check_received (kind, r, EAS_AIRSYNC_ADD, ids, models, vc->version, rx[i].version, "First");
		airdock_eas_response_free (r);
	}

	/* A changes the first item. */
	memset (cmds, 0, sizeof cmds);
	cmds[0] = pim_command (EAS_AIRSYNC_CHANGE, ids[0], pim_encode (kind, g_ptr_array_index (changed, 0), vc->version));
	airdock_eas_response_free (pim_sync (a, &ka, folder, -1, cmds, "1"));
	for (guint i = 0; i < G_N_ELEMENTS (rx); i++) {
		if (kind == PIM_KIND_NOTE && rx[i].version < 140)
			continue;
		r = pim_sync (rx[i].client, &rx[i].key, folder, -1, NULL, "1");
		check_received (kind, r, EAS_AIRSYNC_CHANGE, ids, changed, vc->version, rx[i].version, "Second");
		airdock_eas_response_free (r);
	}

	/* A deletes it. */
	memset (cmds, 0, sizeof cmds);
	cmds[0] = pim_command (EAS_AIRSYNC_DELETE, ids[0], NULL);
	airdock_eas_response_free (pim_sync (a, &ka, folder, -1, cmds, "1"));
	for (guint i = 0; i < G_N_ELEMENTS (rx); i++) {
		if (kind == PIM_KIND_NOTE && rx[i].version < 140)
			continue;
		r = pim_sync (rx[i].client, &rx[i].key, folder, -1, NULL, "1");
		g_assert_cmpuint (pim_count_commands (r), ==, 1);
		g_assert_nonnull (pim_find_command (r, EAS_AIRSYNC_DELETE, ids[0]));
		airdock_eas_response_free (r);
	}

	for (guint i = 0; i < G_N_ELEMENTS (rx); i++) {
		airdock_eas_client_free (rx[i].client);
		g_free (rx[i].key);
	}
	items_free (kind, models);
	items_free (kind, changed);
}

int
main (int argc, char **argv)
{
	static const char *const kinds[] = { "contact", "calendar", "task", "note" };
	static const EasVersion versions[] = { 25, 121, 141, 161 };
	static VersionCase cases[G_N_ELEMENTS (kinds) * G_N_ELEMENTS (versions)];
	gsize n = 0;

	g_test_init (&argc, &argv, NULL);
	for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++) {
		for (gsize v = 0; v < G_N_ELEMENTS (versions); v++, n++) {
			g_autofree char *path = g_strdup_printf ("/pim-versions/%s/%u.%u", kinds[k],
			                                         versions[v] / 10, versions[v] % 10);

			cases[n].kind = (PimKind) k;
			cases[n].version = versions[v];
			g_test_add (path, PimFixture, &cases[n], pim_fixture_setup, test_version,
			            pim_fixture_teardown);
		}
	}
	return g_test_run ();
}
