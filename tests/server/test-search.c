/* test-search.c — Search over real HTTP against the real airdockd: GAL over
 * the accounts, Mailbox full text (subject, body preview, sender,
 * recipients) through the FTS5 index kept by triggers, ranges, user
 * isolation, deletes, client query syntax taken as text. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "eas/eas-find.h"
#include "eas/eas-search.h"
#include "server/airdockd-store.h"
#include "tests/server/eas-client.h"

#define USER "alice"
#define EMAIL "alice@example.org"
#define PASSWORD "s3cret-alice"

typedef struct {
	AirdockHarness *h;
	gint64 uid;
	gint64 bob;
	AirdockdStore *store;
	AirdockEasClient *c;
	char *inbox;
	guint serial;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) inbox = NULL;

	f->h = airdock_harness_start (NULL);
	f->uid = airdock_harness_add_user (f->h, USER, EMAIL, PASSWORD);
	f->bob = airdock_harness_add_user (f->h, "bob", "bob@example.org", "s3cret-bob");
	airdock_harness_add_user (f->h, "alina", "alina.x@example.net", "s3cret-alina");
	f->store = airdock_harness_open_store (f->h);
	inbox = airdockd_store_folder_get_by_type (f->store, f->uid, AIRDOCKD_FOLDER_INBOX, &error);
	g_assert_no_error (error);
	f->inbox = g_strdup (inbox->server_id);
	f->c = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "SEARCHDEV1", "TestPhone", 141);
	g_assert_true (airdock_eas_client_provision (f->c, NULL, &error));
	g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_pointer (&f->c, airdock_eas_client_free);
	g_clear_pointer (&f->store, airdockd_store_unref);
	g_clear_pointer (&f->h, airdock_harness_free);
	g_free (f->inbox);
}

/* Adds a message to a folder the way delivery does; returns its server id. */
static char *
deliver_to (Fixture *f, gint64 uid, const char *folder, const char *from, const char *subject,
            const char *body, gint64 date)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (date);
	g_autofree char *when = g_date_time_format (dt, "%a, %d %b %Y %H:%M:%S +0000");
	g_autofree char *msg = g_strdup_printf ("From: %s\r\nTo: Alice <alice@example.org>\r\n"
	                                        "Subject: %s\r\nDate: %s\r\nMessage-ID: <m%u@example.org>\r\n"
	                                        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
	                                        from, subject, when, f->serial++, body);
	g_autofree char *path = g_build_filename (f->h->dir, "msg.eml", NULL);
	g_autoptr (AirdockdItem) item = NULL;

	g_assert_true (g_file_set_contents (path, msg, -1, &error));
	item = airdockd_store_add_message (f->store, uid, folder, path, FALSE, &error);
	g_assert_no_error (error);
	g_unlink (path);
	return g_strdup (item->server_id);
}

static char *
deliver (Fixture *f, const char *from, const char *subject, const char *body, gint64 age)
{
	return deliver_to (f, f->uid, f->inbox, from, subject, body,
	                   g_get_real_time () / G_USEC_PER_SEC - age);
}

/* ---- requests ------------------------------------------------------------ */

static AirdockEasResponse *
post (Fixture *f, EasNode *root)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) owned = root;
	AirdockEasResponse *r = airdock_eas_client_post_tree (f->c, EAS_CMD_SEARCH, owned, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	g_assert_cmpuint (r->tree->tag, ==, EAS_SEARCH_SEARCH);
	return r;
}

static EasNode *
mailbox_query (const char *text, const char *collection, const char *range)
{
	EasNode *root = eas_node_new (EAS_SEARCH_SEARCH);
	EasNode *store = eas_node_append (root, EAS_SEARCH_STORE);
	EasNode *and;
	EasNode *options, *bp;

	eas_node_append_text (store, EAS_SEARCH_NAME, "Mailbox");
	and = eas_node_append (eas_node_append (store, EAS_SEARCH_QUERY), EAS_SEARCH_AND);
	eas_node_append_text (and, EAS_AIRSYNC_CLASS, "Email");
	if (collection != NULL)
		eas_node_append_text (and, EAS_AIRSYNC_COLLECTION_ID, collection);
	eas_node_append_text (and, EAS_SEARCH_FREE_TEXT, text);
	options = eas_node_append (store, EAS_SEARCH_OPTIONS);
	if (range != NULL)
		eas_node_append_text (options, EAS_SEARCH_RANGE, range);
	eas_node_append (options, EAS_SEARCH_REBUILD_RESULTS);
	bp = eas_node_append (options, EAS_AIRSYNCBASE_BODY_PREFERENCE);
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TYPE, "1");
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TRUNCATION_SIZE, "100");
	return root;
}

static EasNode *
gal_query (const char *text)
{
	EasNode *root = eas_node_new (EAS_SEARCH_SEARCH);
	EasNode *store = eas_node_append (root, EAS_SEARCH_STORE);

	eas_node_append_text (store, EAS_SEARCH_NAME, "GAL");
	eas_node_append_text (store, EAS_SEARCH_QUERY, text);
	eas_node_append_text (eas_node_append (store, EAS_SEARCH_OPTIONS), EAS_SEARCH_RANGE, "0-9");
	return root;
}

/* The Store of a successful response; checks both Status elements. */
static const EasNode *
store_of (const AirdockEasResponse *r, const char *store_status)
{
	const EasNode *store = eas_node_path (r->tree, EAS_SEARCH_RESPONSE, EAS_SEARCH_STORE, 0);

	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_SEARCH_STATUS), ==, "1");
	g_assert_nonnull (store);
	g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_STATUS), ==, store_status);
	return store;
}

/* Subjects of the results, in order, comma-separated ("" for none). */
static char *
subjects (const EasNode *store)
{
	g_autoptr (GString) s = g_string_new (NULL);

	for (const EasNode *res = eas_node_child (store, EAS_SEARCH_RESULT); res != NULL;
	     res = eas_node_next_same (res)) {
		const EasNode *props = eas_node_child (res, EAS_SEARCH_PROPERTIES);
		if (props == NULL) {
			g_assert_null (res->first_child);	/* the empty Result of no match */
			continue;
		}
		g_assert_cmpstr (eas_node_child_text (res, EAS_AIRSYNC_CLASS), ==, "Email");
		g_assert_nonnull (eas_node_child_text (res, EAS_SEARCH_LONG_ID));
		g_assert_nonnull (eas_node_child_text (res, EAS_AIRSYNC_COLLECTION_ID));
		if (s->len > 0)
			g_string_append_c (s, ',');
		g_string_append (s, eas_node_child_text (props, EAS_EMAIL_SUBJECT));
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
search_subjects (Fixture *f, const char *text, const char *collection, const char *range, const char *total)
{
	g_autoptr (AirdockEasResponse) r = post (f, mailbox_query (text, collection, range));
	const EasNode *store = store_of (r, "1");

	g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_TOTAL), ==, total);
	return subjects (store);
}

/* ---- Mailbox ------------------------------------------------------------- */

static void
test_mailbox_fields (Fixture *f, gconstpointer data)
{
	g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL, *s5 = NULL;

	g_free (deliver (f, "Carol <carol@corp.example>", "Budget report Q3", "Numbers inside.", 300));
	g_free (deliver (f, "Dave <dave@example.com>", "Lunch", "Shall we talk about the budget?", 200));
	g_free (deliver (f, "Erin <erin@example.com>", "Holiday", "Pictures from the beach.", 100));

	/* Subject and body preview; newest first. */
	s1 = search_subjects (f, "budget", NULL, NULL, "2");
	g_assert_cmpstr (s1, ==, "Lunch,Budget report Q3");
	/* Sender name and address. */
	s2 = search_subjects (f, "carol", NULL, NULL, "1");
	g_assert_cmpstr (s2, ==, "Budget report Q3");
	s3 = search_subjects (f, "corp.example", NULL, NULL, "1");
	g_assert_cmpstr (s3, ==, "Budget report Q3");
	/* Every term must match, as a whole word. */
	s4 = search_subjects (f, "budget numbers", NULL, NULL, "1");
	g_assert_cmpstr (s4, ==, "Budget report Q3");
	/* No match: one empty Result, Total 0. */
	s5 = search_subjects (f, "nothinglikethis", NULL, NULL, "0");
	g_assert_cmpstr (s5, ==, "");
}

/* Mail that arrives after the index exists is found at once (triggers),
 * deletes and moves are followed. */
static void
test_mailbox_live (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *before = NULL, *after = NULL, *gone = NULL, *moved = NULL;
	g_autofree char *id = NULL, *new_id = NULL;
	g_autoptr (AirdockdFolder) trash = NULL;

	before = search_subjects (f, "zebra", NULL, NULL, "0");
	id = deliver (f, "Zoo <zoo@example.com>", "Zebra news", "Stripes.", 10);
	after = search_subjects (f, "zebra", NULL, NULL, "1");
	g_assert_cmpstr (after, ==, "Zebra news");

	trash = airdockd_store_folder_get_by_type (f->store, f->uid, AIRDOCKD_FOLDER_DELETED, &error);
	g_assert_no_error (error);
	new_id = airdockd_store_item_move (f->store, f->uid, id, trash->server_id, &error);
	g_assert_no_error (error);
	moved = search_subjects (f, "zebra", f->inbox, NULL, "0");
	g_assert_cmpstr (moved, ==, "");
	g_free (moved);
	moved = search_subjects (f, "zebra", trash->server_id, NULL, "1");
	g_assert_cmpstr (moved, ==, "Zebra news");

	g_assert_true (airdockd_store_item_delete (f->store, f->uid, new_id, &error));
	g_assert_no_error (error);
	gone = search_subjects (f, "zebra", NULL, NULL, "0");
	g_assert_cmpstr (gone, ==, "");
}

static void
test_mailbox_isolation (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) bob_inbox = airdockd_store_folder_get_by_type (f->store, f->bob,
	                                                                          AIRDOCKD_FOLDER_INBOX, &error);
	g_autofree char *mine = NULL;

	g_assert_no_error (error);
	g_free (deliver_to (f, f->bob, bob_inbox->server_id, "X <x@example.com>", "secret merger",
	                    "for bob only", g_get_real_time () / G_USEC_PER_SEC));
	g_free (deliver (f, "X <x@example.com>", "merger rumours", "for alice", 5));
	mine = search_subjects (f, "merger", NULL, NULL, "1");
	g_assert_cmpstr (mine, ==, "merger rumours");
	/* Folder server ids are per user: bob's Inbox id names alice's own. */
	g_free (mine);
	mine = search_subjects (f, "merger", bob_inbox->server_id, NULL, "1");
	g_assert_cmpstr (mine, ==, "merger rumours");
	g_free (mine);
	mine = search_subjects (f, "merger", "no-such-folder", NULL, "0");
	g_assert_cmpstr (mine, ==, "");
}

static void
test_mailbox_range (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockEasResponse) r = NULL;
	const EasNode *store;
	g_autofree char *got = NULL;

	for (guint i = 0; i < 5; i++) {
		g_autofree char *subject = g_strdup_printf ("report %u", i);
		g_free (deliver (f, "R <r@example.com>", subject, "quarterly", 100 - i));
	}
	r = post (f, mailbox_query ("quarterly", f->inbox, "1-2"));
	store = store_of (r, "1");
	g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_RANGE), ==, "1-2");
	g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_TOTAL), ==, "5");
	got = subjects (store);
	g_assert_cmpstr (got, ==, "report 3,report 2");
}

/* Wildcards, quotes, FTS operators and column filters are plain text. */
static void
test_mailbox_syntax (Fixture *f, gconstpointer data)
{
	static const char *const queries[] = {
		"bud*", "\"budget", "budget OR lunch", "NEAR(budget lunch)", "subject:budget",
		"-budget", "^budget", "(", "\"\"\"", "*", "budget AND",
	};
	g_autofree char *star = NULL, *quoted = NULL, *or = NULL;

	g_free (deliver (f, "Carol <carol@corp.example>", "Budget report", "numbers", 30));
	for (guint i = 0; i < G_N_ELEMENTS (queries); i++) {
		g_autoptr (AirdockEasResponse) r = post (f, mailbox_query (queries[i], NULL, NULL));
		store_of (r, "1");
	}
	star = search_subjects (f, "budget*", NULL, NULL, "1");
	g_assert_cmpstr (star, ==, "Budget report");
	/* "OR" is a term that must occur, not an operator. */
	or = search_subjects (f, "numbers OR zzz", NULL, NULL, "0");
	g_assert_cmpstr (or, ==, "");
	quoted = search_subjects (f, "\"budget\"", NULL, NULL, "1");
	g_assert_cmpstr (quoted, ==, "Budget report");
}

static void
test_mailbox_too_complex (Fixture *f, gconstpointer data)
{
	EasNode *root = eas_node_new (EAS_SEARCH_SEARCH);
	EasNode *store = eas_node_append (root, EAS_SEARCH_STORE);
	EasNode *eq;
	g_autoptr (AirdockEasResponse) r = NULL;

	eas_node_append_text (store, EAS_SEARCH_NAME, "Mailbox");
	eq = eas_node_append (eas_node_append (store, EAS_SEARCH_QUERY), EAS_SEARCH_EQUAL_TO);
	eas_node_append (eq, EAS_EMAIL_SUBJECT);
	eas_node_append_text (eq, EAS_SEARCH_VALUE, "x");
	r = post (f, root);
	store_of (r, "8");
}

/* ---- GAL ----------------------------------------------------------------- */

static char *
gal_names (Fixture *f, const char *text, const char *total)
{
	g_autoptr (AirdockEasResponse) r = post (f, gal_query (text));
	const EasNode *store = store_of (r, "1");
	g_autoptr (GString) s = g_string_new (NULL);

	g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_TOTAL), ==, total);
	for (const EasNode *res = eas_node_child (store, EAS_SEARCH_RESULT); res != NULL;
	     res = eas_node_next_same (res)) {
		const EasNode *props = eas_node_child (res, EAS_SEARCH_PROPERTIES);
		if (props == NULL)
			continue;
		if (s->len > 0)
			g_string_append_c (s, ',');
		g_string_append (s, eas_node_child_text (props, EAS_GAL_EMAIL_ADDRESS));
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_gal (Fixture *f, gconstpointer data)
{
	g_autofree char *al = gal_names (f, "AL", "2");
	g_autofree char *bob = gal_names (f, "bob@example.org", "1");
	g_autofree char *none = gal_names (f, "zz", "0");
	g_autofree char *wild = gal_names (f, "*", "0");

	g_assert_cmpstr (al, ==, "alice@example.org,alina.x@example.net");
	g_assert_cmpstr (bob, ==, "bob@example.org");
	g_assert_cmpstr (none, ==, "");
	g_assert_cmpstr (wild, ==, "");
}

/* ---- Find (16.1) --------------------------------------------------------- */

static EasNode *
find_query (gboolean gal, const char *text, const char *collection, const char *range)
{
	EasNode *root = eas_node_new (EAS_FIND_FIND);
	EasNode *crit, *query;

	eas_node_append_text (root, EAS_FIND_SEARCH_ID, "8A5E1C2D-0000-4000-8000-000000000001");
	crit = eas_node_append (eas_node_append (root, EAS_FIND_EXECUTE_SEARCH),
	                        gal ? EAS_FIND_GAL_SEARCH_CRITERION : EAS_FIND_MAIL_BOX_SEARCH_CRITERION);
	query = eas_node_append (crit, EAS_FIND_QUERY);
	if (!gal)
		eas_node_append_text (query, EAS_AIRSYNC_CLASS, "Email");
	if (collection != NULL)
		eas_node_append_text (query, EAS_AIRSYNC_COLLECTION_ID, collection);
	eas_node_append_text (query, EAS_FIND_FREE_TEXT, text);
	if (range != NULL)
		eas_node_append_text (eas_node_append (crit, EAS_FIND_OPTIONS), EAS_FIND_RANGE, range);
	return root;
}

static AirdockEasResponse *
post_find (Fixture *f, AirdockEasClient *c, EasNode *root)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) owned = root;
	AirdockEasResponse *r = airdock_eas_client_post_tree (c, EAS_CMD_FIND, owned, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	g_assert_cmpuint (r->tree->tag, ==, EAS_FIND_FIND);
	return r;
}

static void
test_find (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasClient) c = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "FINDDEV1", "TestPhone", 161);
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (AirdockEasResponse) page = NULL;
	g_autoptr (AirdockEasResponse) gal = NULL;
	g_autoptr (AirdockEasResponse) none = NULL;
	g_autoptr (AirdockEasResponse) bad = NULL;
	const EasNode *resp, *res, *props;

	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
	for (guint i = 0; i < 3; i++) {
		g_autofree char *subject = g_strdup_printf ("invoice %u", i);
		g_free (deliver (f, "Carol <carol@corp.example>", subject, "please pay", 100 - i));
	}
	g_free (deliver (f, "Dave <dave@example.com>", "lunch", "tomorrow?", 10));

	r = post_find (f, c, find_query (FALSE, "invoice", f->inbox, NULL));
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_FIND_STATUS), ==, "1");
	resp = eas_node_child (r->tree, EAS_FIND_RESPONSE);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_ITEMOPERATIONS_STORE), ==, "Mailbox");
	g_assert_cmpstr (eas_node_child_text (resp, EAS_FIND_STATUS), ==, "1");
	g_assert_cmpstr (eas_node_child_text (resp, EAS_FIND_TOTAL), ==, "3");
	g_assert_cmpstr (eas_node_child_text (resp, EAS_FIND_RANGE), ==, "0-2");
	res = eas_node_child (resp, EAS_FIND_RESULT);
	g_assert_cmpstr (eas_node_child_text (res, EAS_AIRSYNC_CLASS), ==, "Email");
	g_assert_cmpstr (eas_node_child_text (res, EAS_AIRSYNC_COLLECTION_ID), ==, f->inbox);
	g_assert_nonnull (eas_node_child_text (res, EAS_AIRSYNC_SERVER_ID));
	props = eas_node_child (res, EAS_FIND_PROPERTIES);
	g_assert_cmpstr (eas_node_child_text (props, EAS_EMAIL_SUBJECT), ==, "invoice 2");
	g_assert_nonnull (strstr (eas_node_child_text (props, EAS_EMAIL_FROM), "carol@corp.example"));
	g_assert_cmpstr (eas_node_child_text (props, EAS_FIND_HAS_ATTACHMENTS), ==, "0");
	g_assert_cmpstr (eas_node_child_text (props, EAS_EMAIL_READ), ==, "0");
	g_assert_nonnull (strstr (eas_node_child_text (props, EAS_FIND_PREVIEW), "please pay"));

	/* Paged. */
	page = post_find (f, c, find_query (FALSE, "invoice", NULL, "1-1"));
	resp = eas_node_child (page->tree, EAS_FIND_RESPONSE);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_FIND_RANGE), ==, "1-1");
	g_assert_cmpstr (eas_node_child_text (resp, EAS_FIND_TOTAL), ==, "3");
	props = eas_node_path (resp, EAS_FIND_RESULT, EAS_FIND_PROPERTIES, 0);
	g_assert_cmpstr (eas_node_child_text (props, EAS_EMAIL_SUBJECT), ==, "invoice 1");
	g_assert_null (eas_node_next_same (eas_node_child (resp, EAS_FIND_RESULT)));

	/* No match: no Result at all, Total 0. */
	none = post_find (f, c, find_query (FALSE, "zzzz", NULL, NULL));
	resp = eas_node_child (none->tree, EAS_FIND_RESPONSE);
	g_assert_null (eas_node_child (resp, EAS_FIND_RESULT));
	g_assert_cmpstr (eas_node_child_text (resp, EAS_FIND_TOTAL), ==, "0");

	gal = post_find (f, c, find_query (TRUE, "bo", NULL, "0-9"));
	resp = eas_node_child (gal->tree, EAS_FIND_RESPONSE);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_ITEMOPERATIONS_STORE), ==, "GAL");
	g_assert_cmpstr (eas_node_child_text (resp, EAS_FIND_TOTAL), ==, "1");
	props = eas_node_path (resp, EAS_FIND_RESULT, EAS_FIND_PROPERTIES, 0);
	g_assert_cmpstr (eas_node_child_text (props, EAS_GAL_EMAIL_ADDRESS), ==, "bob@example.org");

	bad = post_find (f, c, eas_node_new (EAS_FIND_FIND));
	g_assert_cmpstr (eas_node_child_text (bad->tree, EAS_FIND_STATUS), ==, "2");
}

/* ---- protocol ------------------------------------------------------------ */

static void
test_bad_request (Fixture *f, gconstpointer data)
{
	EasNode *root = eas_node_new (EAS_SEARCH_SEARCH);
	g_autoptr (AirdockEasResponse) r = NULL;

	eas_node_append_text (eas_node_append (root, EAS_SEARCH_STORE), EAS_SEARCH_NAME, "Mailbox");
	r = post (f, root);
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_SEARCH_STATUS), ==, "2");
	g_assert_null (eas_node_child (r->tree, EAS_SEARCH_RESPONSE));
}

static void
test_options_lists_search (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_request (f->c, "OPTIONS", "/Microsoft-Server-ActiveSync",
	                                                               &error);
	g_auto (GStrv) names = NULL;

	g_assert_no_error (error);
	names = g_strsplit (soup_message_headers_get_one (r->headers, "MS-ASProtocolCommands"), ",", -1);
	g_assert_true (g_strv_contains ((const char * const *) names, "Search"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/search/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("mailbox/fields", test_mailbox_fields);
	ADD ("mailbox/live", test_mailbox_live);
	ADD ("mailbox/isolation", test_mailbox_isolation);
	ADD ("mailbox/range", test_mailbox_range);
	ADD ("mailbox/syntax", test_mailbox_syntax);
	ADD ("mailbox/too-complex", test_mailbox_too_complex);
	ADD ("gal", test_gal);
	ADD ("find", test_find);
	ADD ("bad-request", test_bad_request);
	ADD ("options", test_options_lists_search);
	return g_test_run ();
}
