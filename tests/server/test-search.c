/* test-search.c — Search over real HTTP against the real airdockd: GAL over
 * the accounts, Mailbox full text (subject, full body, sender, recipients)
 * through the FTS5 index kept by triggers, prefixes, ranges and their
 * clamping, exact Totals, user isolation over 3 users and 3,000 messages,
 * 10,000 messages in one mailbox, DeepTraversal, date ranges, deletes,
 * client query syntax taken as text, the statuses of what we do not
 * evaluate. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "eas/eas-find.h"
#include "eas/eas-pim.h"
#include "eas/eas-search.h"
#include "server/airdockd-search-index.h"
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

/* A Mailbox query with every option the tests use; NULL/FALSE leave an
 * element out. */
typedef struct {
	const char *text;
	const char *const *collections;
	const char *range;
	gboolean deep;
	const char *after;	/* GreaterThan DateReceived */
	const char *before;	/* LessThan DateReceived */
} MailQ;

static void
append_date (EasNode *and, EasTag tag, const char *value)
{
	EasNode *cmp;

	if (value == NULL)
		return;
	cmp = eas_node_append (and, tag);
	eas_node_append (cmp, EAS_EMAIL_DATE_RECEIVED);
	eas_node_append_text (cmp, EAS_SEARCH_VALUE, value);
}

static EasNode *
mail_q (const MailQ *q)
{
	EasNode *root = eas_node_new (EAS_SEARCH_SEARCH);
	EasNode *store = eas_node_append (root, EAS_SEARCH_STORE);
	EasNode *and, *options, *bp;

	eas_node_append_text (store, EAS_SEARCH_NAME, "Mailbox");
	and = eas_node_append (eas_node_append (store, EAS_SEARCH_QUERY), EAS_SEARCH_AND);
	eas_node_append_text (and, EAS_AIRSYNC_CLASS, "Email");
	for (guint i = 0; q->collections != NULL && q->collections[i] != NULL; i++)
		eas_node_append_text (and, EAS_AIRSYNC_COLLECTION_ID, q->collections[i]);
	if (q->text != NULL)
		eas_node_append_text (and, EAS_SEARCH_FREE_TEXT, q->text);
	append_date (and, EAS_SEARCH_GREATER_THAN, q->after);
	append_date (and, EAS_SEARCH_LESS_THAN, q->before);
	options = eas_node_append (store, EAS_SEARCH_OPTIONS);
	if (q->range != NULL)
		eas_node_append_text (options, EAS_SEARCH_RANGE, q->range);
	if (q->deep)
		eas_node_append (options, EAS_SEARCH_DEEP_TRAVERSAL);
	bp = eas_node_append (options, EAS_AIRSYNCBASE_BODY_PREFERENCE);
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TYPE, "1");
	eas_node_append_text (bp, EAS_AIRSYNCBASE_TRUNCATION_SIZE, "100");
	return root;
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
	/* Query, then the Total it must give over the two mails below: "*"
	 * is no wildcard inside a term, "_" and "%" are no LIKE wildcards
	 * ("bud_et" is the words "bud et"), "OR" is a term (it begins "org"
	 * of both To addresses), column filters and NEAR are words. */
	static const char *const cases[][2] = {
		{ "bud*", "2" }, { "\"budget", "1" }, { "budget OR lunch", "0" },
		{ "NEAR(budget lunch)", "0" }, { "NEAR(budget", "0" }, { "subject:budget", "0" },
		{ "-budget", "1" }, { "^budget", "1" }, { "(budget)", "1" }, { "(", "0" },
		{ "\"\"\"", "0" }, { "*", "0" }, { "budget AND", "0" }, { "%", "0" }, { "_", "0" },
		{ "%budget%", "1" }, { "bud_et", "1" }, { "50%", "1" }, { "':; DROP TABLE items; --", "0" },
		{ "AND", "0" }, { "OR", "2" }, { "NOT", "0" }, { "budget*report", "1" }, { "{subject}", "0" },
		{ "subject : budget", "0" }, { "budget -numbers", "1" }, { "budget NOT numbers", "0" },
	};
	g_autofree char *star = NULL, *quoted = NULL, *or = NULL, *all = NULL;

	g_free (deliver (f, "Carol <carol@corp.example>", "Budget report", "numbers up 50% this year", 30));
	g_free (deliver (f, "Dave <dave@example.com>", "Lunch", "bud et al", 20));
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (AirdockEasResponse) r = post (f, mailbox_query (cases[i][0], NULL, NULL));
		const EasNode *store = store_of (r, "1");

		g_test_message ("query %s", cases[i][0]);
		g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_TOTAL), ==, cases[i][1]);
	}
	star = search_subjects (f, "budget*", NULL, NULL, "1");
	g_assert_cmpstr (star, ==, "Budget report");
	/* "OR" is a term that must occur, not an operator. */
	or = search_subjects (f, "numbers OR zzz", NULL, NULL, "0");
	g_assert_cmpstr (or, ==, "");
	quoted = search_subjects (f, "\"budget\"", NULL, NULL, "1");
	g_assert_cmpstr (quoted, ==, "Budget report");
	/* The store is intact. */
	all = search_subjects (f, "bud", NULL, NULL, "2");
	g_assert_cmpstr (all, ==, "Lunch,Budget report");
}

static void
test_mailbox_too_complex (Fixture *f, gconstpointer data)
{
	EasNode *root = eas_node_new (EAS_SEARCH_SEARCH);
	EasNode *store = eas_node_append (root, EAS_SEARCH_STORE);
	EasNode *eq;
	g_autoptr (AirdockEasResponse) r = NULL;

	g_autoptr (AirdockEasResponse) r2 = NULL;
	g_autoptr (AirdockEasResponse) r3 = NULL;
	g_autoptr (AirdockEasResponse) r4 = NULL;
	EasNode *or;

	eas_node_append_text (store, EAS_SEARCH_NAME, "Mailbox");
	eq = eas_node_append (eas_node_append (store, EAS_SEARCH_QUERY), EAS_SEARCH_EQUAL_TO);
	eas_node_append (eq, EAS_EMAIL_SUBJECT);
	eas_node_append_text (eq, EAS_SEARCH_VALUE, "x");
	r = post (f, root);
	store_of (r, "8");

	/* [MS-ASCMD] 2.2.3.30.5: CollectionId anywhere but under And. */
	root = mail_q (&(MailQ) { .text = "x" });
	or = eas_node_append (eas_node_path (root, EAS_SEARCH_STORE, EAS_SEARCH_QUERY, EAS_SEARCH_AND, 0),
	                      EAS_SEARCH_OR);
	eas_node_append_text (or, EAS_SEARCH_FREE_TEXT, "y");
	eas_node_append_text (or, EAS_AIRSYNC_COLLECTION_ID, f->inbox);
	r2 = post (f, root);
	store_of (r2, "8");
	root = eas_node_new (EAS_SEARCH_SEARCH);
	store = eas_node_append (root, EAS_SEARCH_STORE);
	eas_node_append_text (store, EAS_SEARCH_NAME, "Mailbox");
	eas_node_append_text (eas_node_append (store, EAS_SEARCH_QUERY), EAS_AIRSYNC_COLLECTION_ID, f->inbox);
	r3 = post (f, root);
	store_of (r3, "8");
	/* Or of free text is evaluated. */
	root = mail_q (&(MailQ) { 0 });
	or = eas_node_append (eas_node_path (root, EAS_SEARCH_STORE, EAS_SEARCH_QUERY, EAS_SEARCH_AND, 0),
	                      EAS_SEARCH_OR);
	eas_node_append_text (or, EAS_SEARCH_FREE_TEXT, "y");
	eas_node_append_text (or, EAS_SEARCH_FREE_TEXT, "z");
	r4 = post (f, root);
	store_of (r4, "1");
}

/* Subjects found by q (Total checked; the response's Range into out_range
 * when not NULL). */
static char *
q_subjects (Fixture *f, const MailQ *q, const char *total, char **out_range)
{
	g_autoptr (AirdockEasResponse) r = post (f, mail_q (q));
	const EasNode *store = store_of (r, "1");

	g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_TOTAL), ==, total);
	if (out_range != NULL)
		*out_range = g_strdup (eas_node_child_text (store, EAS_SEARCH_RANGE));
	return subjects (store);
}

/* A term matches the words it begins, not words it is inside of. */
static void
test_mailbox_prefix (Fixture *f, gconstpointer data)
{
	g_autofree char *meet = NULL, *tom = NULL, *inside = NULL, *two = NULL, *addr = NULL;

	g_free (deliver (f, "Carol <carol@corp.example>", "Meeting tomorrow", "Agenda attached.", 30));
	g_free (deliver (f, "Dave <dave@example.com>", "Meet and greet", "Snacks.", 20));
	meet = search_subjects (f, "meet", NULL, NULL, "2");
	g_assert_cmpstr (meet, ==, "Meet and greet,Meeting tomorrow");
	tom = search_subjects (f, "TOMOR", NULL, NULL, "1");
	g_assert_cmpstr (tom, ==, "Meeting tomorrow");
	inside = search_subjects (f, "eeting", NULL, NULL, "0");
	g_assert_cmpstr (inside, ==, "");
	two = search_subjects (f, "meeti agen", NULL, NULL, "1");
	g_assert_cmpstr (two, ==, "Meeting tomorrow");
	addr = search_subjects (f, "carol@corp.ex", NULL, NULL, "1");
	g_assert_cmpstr (addr, ==, "Meeting tomorrow");
}

/* Words far beyond the 255-character preview are found: the full plain
 * text is indexed, up to AIRDOCKD_SEARCH_MAX_BODY_BYTES; HTML-only mail by
 * its text. */
static void
test_mailbox_body (Fixture *f, gconstpointer data)
{
	g_autoptr (GString) body = g_string_new (NULL);
	g_autoptr (GString) huge = g_string_new (NULL);
	g_autofree char *deep = NULL, *html = NULL, *tag = NULL, *cut = NULL, *before_cut = NULL;
	g_autofree char *path = g_build_filename (f->h->dir, "html.eml", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdItem) item = NULL;

	for (guint i = 0; i < 3000; i++)
		g_string_append (body, "lorem ipsum dolor ");
	g_string_append (body, "xylophone");
	g_free (deliver (f, "L <l@example.com>", "Long one", body->str, 30));
	/* One line of filler words past the cap, a word on each side of it. */
	while (huge->len < AIRDOCKD_SEARCH_MAX_BODY_BYTES - 4096)
		g_string_append (huge, "filler ");
	g_string_append (huge, "marmalade ");
	while (huge->len < AIRDOCKD_SEARCH_MAX_BODY_BYTES + 4096)
		g_string_append (huge, "filler ");
	g_string_append (huge, "zanzibar");
	g_free (deliver (f, "H <h@example.com>", "Huge one", huge->str, 20));
	g_assert_true (g_file_set_contents (path,
		"From: W <w@example.com>\r\nTo: alice@example.org\r\nSubject: Web page\r\n"
		"Message-ID: <html1@example.com>\r\nMIME-Version: 1.0\r\n"
		"Content-Type: text/html; charset=utf-8\r\n\r\n"
		"<html><body><p>Quarterly <b>hippopotamus</b> figures</p></body></html>\r\n", -1, &error));
	item = airdockd_store_add_message (f->store, f->uid, f->inbox, path, FALSE, &error);
	g_assert_no_error (error);

	deep = search_subjects (f, "xylophone", NULL, NULL, "1");
	g_assert_cmpstr (deep, ==, "Long one");
	html = search_subjects (f, "hippopotamus", NULL, NULL, "1");
	g_assert_cmpstr (html, ==, "Web page");
	tag = search_subjects (f, "body", NULL, NULL, "0");	/* tag names are not text */
	g_assert_cmpstr (tag, ==, "");
	before_cut = search_subjects (f, "marmalade", NULL, NULL, "1");
	g_assert_cmpstr (before_cut, ==, "Huge one");
	cut = search_subjects (f, "zanzibar", NULL, NULL, "0");
	g_assert_cmpstr (cut, ==, "");
}

/* A store with the index attached indexes the body in the delivering
 * commit's wake, before any query. */
static void
test_mailbox_attached (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdSearchIndex) index = airdockd_search_index_attach (f->store, &error);
	g_autoptr (GString) body = g_string_new (NULL);
	const AirdockdSearchFilter filter = { .fts_match = "\"quokka\"" };
	g_autoptr (GPtrArray) hits = NULL;
	guint done = 99;
	guint64 total = 0;

	g_assert_no_error (error);
	for (guint i = 0; i < 200; i++)
		g_string_append (body, "padding words here ");
	g_string_append (body, "quokka");
	g_free (deliver (f, "Q <q@example.com>", "Marsupials", body->str, 10));
	/* Nothing left queued: the hook indexed it. */
	g_assert_true (airdockd_search_index_drain (index, f->uid, 100, &done, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (done, ==, 0);
	hits = airdockd_search_index_query (index, f->uid, &filter, 0, 10, &total, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (total, ==, 1);
	g_assert_cmpuint (hits->len, ==, 1);
}

/* A store indexed by an earlier version (search_fts over headers and the
 * preview) gets the new index on first open, with the mail it holds and
 * its full bodies. */
static void
test_mailbox_upgrade (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *db_path = g_build_filename (f->h->data_dir, "airdock.sqlite", NULL);
	g_autoptr (GString) body = g_string_new (NULL);
	g_autoptr (AirdockdSearchIndex) index = NULL;
	g_autoptr (GPtrArray) hits = NULL;
	g_autofree char *expr = NULL;
	AirdockdSearchFilter filter = { 0 };
	guint64 total = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
	sqlite3_busy_timeout (db, 10000);
	g_assert_cmpint (sqlite3_exec (db,
		"DROP TRIGGER mail_fts_ai; DROP TRIGGER mail_fts_ad; DROP TRIGGER mail_fts_gone;"
		"DROP TRIGGER mail_fts_au; DROP TABLE mail_fts; DROP TABLE mail_fts_pending;"
		"CREATE VIRTUAL TABLE search_fts USING fts5(subject, content='items', content_rowid='id');"
		"CREATE TRIGGER search_fts_ai AFTER INSERT ON items BEGIN"
		" INSERT INTO search_fts (rowid, subject) VALUES (new.id, new.subject); END;",
		NULL, NULL, NULL), ==, SQLITE_OK);
	for (guint i = 0; i < 100; i++)
		g_string_append (body, "older words ");
	g_string_append (body, "wombat");
	g_free (deliver (f, "O <o@example.com>", "Before the upgrade", body->str, 50));

	index = airdockd_search_index_open (f->store, &error);
	g_assert_no_error (error);
	g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'search_fts%'",
	                                     -1, &st, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
	g_assert_cmpint (sqlite3_column_int (st, 0), ==, 0);
	sqlite3_finalize (st);
	sqlite3_close (db);
	expr = airdockd_search_index_expression (index, "wombat", &error);
	g_assert_no_error (error);
	filter.fts_match = expr;
	hits = airdockd_search_index_query (index, f->uid, &filter, 0, 10, &total, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (total, ==, 1);
	g_assert_cmpuint (hits->len, ==, 1);
}

static char *
make_folder (Fixture *f, const char *parent, const char *name)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) folder = airdockd_store_folder_create (f->store, f->uid, parent, name,
	                                                                  AIRDOCKD_FOLDER_USER_MAIL, &error);

	g_assert_no_error (error);
	return g_strdup (folder->server_id);
}

static void
test_mailbox_deep (Fixture *f, gconstpointer data)
{
	g_autofree char *projects = make_folder (f, f->inbox, "Projects");
	g_autofree char *archive = make_folder (f, projects, "Archive");
	g_autofree char *other = make_folder (f, AIRDOCKD_FOLDER_ROOT, "Other");
	gint64 now = g_get_real_time () / G_USEC_PER_SEC;
	const char *inbox_only[] = { f->inbox, NULL };
	const char *projects_only[] = { projects, NULL };
	const char *two[] = { f->inbox, archive, NULL };
	const char *nowhere[] = { "no-such-folder", NULL };
	g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL, *g = NULL;

	g_free (deliver_to (f, f->uid, f->inbox, "X <x@example.com>", "alpha inbox", "text", now - 40));
	g_free (deliver_to (f, f->uid, projects, "X <x@example.com>", "alpha projects", "text", now - 30));
	g_free (deliver_to (f, f->uid, archive, "X <x@example.com>", "alpha archive", "text", now - 20));
	g_free (deliver_to (f, f->uid, other, "X <x@example.com>", "alpha other", "text", now - 10));

	a = q_subjects (f, &(MailQ) { .text = "alpha", .collections = inbox_only }, "1", NULL);
	g_assert_cmpstr (a, ==, "alpha inbox");
	b = q_subjects (f, &(MailQ) { .text = "alpha", .collections = inbox_only, .deep = TRUE }, "3", NULL);
	g_assert_cmpstr (b, ==, "alpha archive,alpha projects,alpha inbox");
	c = q_subjects (f, &(MailQ) { .text = "alpha", .collections = projects_only, .deep = TRUE }, "2", NULL);
	g_assert_cmpstr (c, ==, "alpha archive,alpha projects");
	/* Several CollectionIds: several folders. */
	d = q_subjects (f, &(MailQ) { .text = "alpha", .collections = two }, "2", NULL);
	g_assert_cmpstr (d, ==, "alpha archive,alpha inbox");
	/* No CollectionId: the whole mailbox. */
	e = q_subjects (f, &(MailQ) { .text = "alpha" }, "4", NULL);
	g_assert_cmpstr (e, ==, "alpha other,alpha archive,alpha projects,alpha inbox");
	g = q_subjects (f, &(MailQ) { .text = "alpha", .collections = nowhere, .deep = TRUE }, "0", NULL);
	g_assert_cmpstr (g, ==, "");
}

static void
test_mailbox_dates (Fixture *f, gconstpointer data)
{
	g_autofree char *a = NULL, *b = NULL, *c = NULL, *all = NULL;
	g_autoptr (AirdockEasResponse) bad = NULL;
	g_autoptr (AirdockEasResponse) other = NULL;
	EasNode *root, *cmp;

	g_free (deliver_to (f, f->uid, f->inbox, "X <x@example.com>", "invoice jan", "pay", 1704844800));	/* 2024-01-10 */
	g_free (deliver_to (f, f->uid, f->inbox, "X <x@example.com>", "invoice feb", "pay", 1707523200));	/* 2024-02-10 */
	g_free (deliver_to (f, f->uid, f->inbox, "X <x@example.com>", "invoice mar", "pay", 1710028800));	/* 2024-03-10 */

	a = q_subjects (f, &(MailQ) { .text = "invoice", .after = "2024-02-01T00:00:00.000Z" }, "2", NULL);
	g_assert_cmpstr (a, ==, "invoice mar,invoice feb");
	b = q_subjects (f, &(MailQ) { .text = "invoice", .after = "2024-02-01T00:00:00.000Z",
	                              .before = "2024-03-01T00:00:00.000Z" }, "1", NULL);
	g_assert_cmpstr (b, ==, "invoice feb");
	c = q_subjects (f, &(MailQ) { .before = "2024-01-31T00:00:00.000Z" }, "1", NULL);	/* dates alone */
	g_assert_cmpstr (c, ==, "invoice jan");
	all = q_subjects (f, &(MailQ) { .after = "2000-01-01T00:00:00.000Z" }, "3", NULL);
	g_assert_cmpstr (all, ==, "invoice mar,invoice feb,invoice jan");

	/* A date that is not one: protocol error in the Store. */
	bad = post (f, mail_q (&(MailQ) { .text = "invoice", .after = "last tuesday" }));
	store_of (bad, "2");
	/* Another property than DateReceived: more than we evaluate. */
	root = mail_q (&(MailQ) { .text = "invoice" });
	cmp = eas_node_append (eas_node_path (root, EAS_SEARCH_STORE, EAS_SEARCH_QUERY, EAS_SEARCH_AND, 0),
	                       EAS_SEARCH_GREATER_THAN);
	eas_node_append (cmp, EAS_EMAIL_SUBJECT);
	eas_node_append_text (cmp, EAS_SEARCH_VALUE, "m");
	other = post (f, root);
	store_of (other, "8");
}

/* n messages for uid's Inbox, message i with the words body_fn(i) and the
 * Subject "OWNER i", delivered one second apart.  A delivery fsyncs each
 * message (~20 ms here), so thousands would take minutes: the files and
 * rows are written directly, as airdockd_store_add_message() leaves them,
 * in one transaction; the items trigger indexes them, and an attached
 * index indexes their bodies from the files. */
typedef char *(*BodyFunc) (guint i, const char *owner);

static void
deliver_many (Fixture *f, gint64 uid, const char *owner, guint n, BodyFunc body_fn)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) inbox = airdockd_store_folder_get_by_type (f->store, uid, AIRDOCKD_FOLDER_INBOX, &error);
	g_autofree char *db_path = g_build_filename (f->h->data_dir, "airdock.sqlite", NULL);
	g_autofree char *user_dir = g_strdup_printf ("%s/users/%" G_GINT64_FORMAT, f->h->data_dir, uid);
	g_autoptr (AirdockdSearchIndex) index = NULL;
	gint64 base = g_get_real_time () / G_USEC_PER_SEC - n;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	guint done = 0;

	g_assert_no_error (error);
	g_assert_cmpint (g_mkdir_with_parents (user_dir, 0700), ==, 0);
	g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
	sqlite3_busy_timeout (db, 10000);
	g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_prepare_v2 (db,
		"INSERT INTO items (user_id, folder_id, server_id, class, modseq, created_modseq,"
		" from_addr, to_addr, subject, message_id, thread_id, date_received, size, preview,"
		" plain_type, message_file)"
		" SELECT ?1, id, ?3, 1, 1, 1, 'S <s@example.com>', ?4, ?5, ?6, ?6, ?7, ?8, ?9,"
		" 'text/plain; charset=us-ascii', ?10 FROM folders WHERE user_id = ?1 AND server_id = ?2",
		-1, &st, NULL), ==, SQLITE_OK);
	for (guint i = 0; i < n; i++) {
		g_autofree char *body = body_fn (i, owner);
		g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (base + i);
		g_autofree char *when = g_date_time_format (dt, "%a, %d %b %Y %H:%M:%S +0000");
		g_autofree char *to = g_strdup_printf ("%s@example.org", owner);
		g_autofree char *subject = g_strdup_printf ("%s %u", owner, i);
		g_autofree char *msgid = g_strdup_printf ("%s.%u@example.org", owner, i);
		g_autofree char *sid = g_strdup_printf ("%s:bulk%u", inbox->server_id, i);
		g_autofree char *rel = g_strdup_printf ("users/%" G_GINT64_FORMAT "/bulk%u.eml", uid, i);
		g_autofree char *path = g_build_filename (f->h->data_dir, rel, NULL);
		g_autofree char *msg = g_strdup_printf ("From: S <s@example.com>\r\nTo: %s\r\nSubject: %s\r\n"
		                                        "Date: %s\r\nMessage-ID: <%s>\r\n"
		                                        "Content-Type: text/plain\r\n\r\n%s\r\n",
		                                        to, subject, when, msgid, body);
		FILE *out = fopen (path, "wb");

		g_assert_nonnull (out);
		g_assert_cmpuint (fwrite (msg, 1, strlen (msg), out), ==, strlen (msg));
		g_assert_cmpint (fclose (out), ==, 0);
		sqlite3_bind_int64 (st, 1, uid);
		sqlite3_bind_text (st, 2, inbox->server_id, -1, SQLITE_STATIC);
		sqlite3_bind_text (st, 3, sid, -1, SQLITE_STATIC);
		sqlite3_bind_text (st, 4, to, -1, SQLITE_STATIC);
		sqlite3_bind_text (st, 5, subject, -1, SQLITE_STATIC);
		sqlite3_bind_text (st, 6, msgid, -1, SQLITE_STATIC);
		sqlite3_bind_int64 (st, 7, base + i);
		sqlite3_bind_int64 (st, 8, (gint64) strlen (msg));
		sqlite3_bind_text (st, 9, body, -1, SQLITE_STATIC);
		sqlite3_bind_text (st, 10, rel, -1, SQLITE_STATIC);
		g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
		g_assert_cmpint (sqlite3_changes (db), ==, 1);
		sqlite3_reset (st);
	}
	sqlite3_finalize (st);
	g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
	sqlite3_close (db);
	/* Bodies from the files, as after a delivery. */
	index = airdockd_search_index_open (f->store, &error);
	g_assert_no_error (error);
	g_assert_true (airdockd_search_index_drain (index, uid, G_MAXUINT, &done, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (done, ==, n);
}

static char *
users_body (guint i, const char *owner)
{
	return g_strdup_printf ("common tag%u only%s", i % 10, owner);
}

/* Every Subject of the store's results starts with prefix. */
static void
assert_all_owned (const char *list, const char *prefix, guint expect)
{
	g_auto (GStrv) items = g_strsplit (list, ",", -1);

	g_assert_cmpuint (g_strv_length (items), ==, expect);
	for (guint i = 0; items[i] != NULL; i++)
		g_assert_true (g_str_has_prefix (items[i], prefix));
}

/* Three users, 1,000 messages each: each finds only its own, Totals are
 * exact, Ranges are clamped to the results and to 100 per response. */
static void
test_mailbox_users (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdUser) alina = airdockd_store_user_lookup (f->store, "alina", &error);
	g_autoptr (AirdockEasClient) bob_c = NULL;
	g_autofree char *all = NULL, *tag = NULL, *other = NULL, *tail = NULL, *wide = NULL, *past = NULL;
	g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL, *bobs = NULL;
	AirdockEasClient *alice_c = f->c;

	g_assert_no_error (error);
	deliver_many (f, f->uid, "alice", 1000, users_body);
	deliver_many (f, f->bob, "bob", 1000, users_body);
	deliver_many (f, alina->id, "alina", 1000, users_body);

	all = q_subjects (f, &(MailQ) { .text = "common" }, "1000", NULL);
	assert_all_owned (all, "alice ", 100);
	tag = q_subjects (f, &(MailQ) { .text = "tag3", .range = "0-9" }, "100", NULL);
	g_assert_cmpstr (tag, ==, "alice 993,alice 983,alice 973,alice 963,alice 953,"
	                 "alice 943,alice 933,alice 923,alice 913,alice 903");
	other = q_subjects (f, &(MailQ) { .text = "onlybob" }, "0", NULL);
	g_assert_cmpstr (other, ==, "");
	/* Clamped to the last results. */
	tail = q_subjects (f, &(MailQ) { .text = "common", .range = "995-2000" }, "1000", &r1);
	g_assert_cmpstr (r1, ==, "995-999");
	g_assert_cmpstr (tail, ==, "alice 4,alice 3,alice 2,alice 1,alice 0");
	/* Clamped to 100 per response. */
	wide = q_subjects (f, &(MailQ) { .text = "common", .range = "10-900" }, "1000", &r2);
	g_assert_cmpstr (r2, ==, "10-109");
	assert_all_owned (wide, "alice ", 100);
	/* Past the end: no result, the Total still. */
	past = q_subjects (f, &(MailQ) { .text = "common", .range = "5000-5009" }, "1000", &r3);
	g_assert_null (r3);
	g_assert_cmpstr (past, ==, "");

	/* Bob, through his own device, sees his own. */
	bob_c = airdock_eas_client_new (f->h, FALSE, "bob", "s3cret-bob", "SEARCHDEV2", "TestPhone", 141);
	g_assert_true (airdock_eas_client_provision (bob_c, NULL, &error));
	g_assert_no_error (error);
	f->c = bob_c;
	bobs = q_subjects (f, &(MailQ) { .text = "common onlybob", .range = "0-49" }, "1000", NULL);
	f->c = alice_c;
	assert_all_owned (bobs, "bob ", 50);
}

static char *
bulk_body (guint i, const char *owner)
{
	return g_strdup_printf ("bulk k%u uniq%u", i % 100, i);
}

/* 10,000 messages in one mailbox. */
static void
test_mailbox_10k (Fixture *f, gconstpointer data)
{
	g_autofree char *all = NULL, *k = NULL, *one = NULL, *pre = NULL, *last = NULL, *range = NULL;

	deliver_many (f, f->uid, "alice", 10000, bulk_body);
	all = q_subjects (f, &(MailQ) { .text = "bulk", .range = "0-2" }, "10000", NULL);
	g_assert_cmpstr (all, ==, "alice 9999,alice 9998,alice 9997");
	k = q_subjects (f, &(MailQ) { .text = "k42", .range = "0-0" }, "100", NULL);
	g_assert_cmpstr (k, ==, "alice 9942");
	one = q_subjects (f, &(MailQ) { .text = "uniq7777" }, "1", NULL);
	g_assert_cmpstr (one, ==, "alice 7777");
	/* uniq987 and uniq9870..9879 */
	pre = q_subjects (f, &(MailQ) { .text = "uniq987" }, "11", NULL);
	g_assert_cmpstr (pre, ==, "alice 9879,alice 9878,alice 9877,alice 9876,alice 9875,alice 9874,"
	                 "alice 9873,alice 9872,alice 9871,alice 9870,alice 987");
	/* "k7" begins k7 and k70..k79: 1,100 matches, none at 9990. */
	last = q_subjects (f, &(MailQ) { .text = "bulk k7", .range = "9990-9999" }, "1100", &range);
	g_assert_null (range);
	g_assert_cmpstr (last, ==, "");
	g_free (last);
	last = q_subjects (f, &(MailQ) { .text = "bulk", .range = "9997-10200" }, "10000", &range);
	g_assert_cmpstr (range, ==, "9997-9999");
	g_assert_cmpstr (last, ==, "alice 2,alice 1,alice 0");
}

/* A meeting request found by Search carries the same MeetingRequest data
 * as Sync sends, so a phone can answer it from the search results. */
static void
test_mailbox_meeting_request (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = g_build_filename (f->h->dir, "invite.eml", NULL);
	g_autoptr (AirdockdItem) item = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;
	const EasNode *store, *props, *mr;
	gint64 t = 0;

	g_assert_true (g_file_set_contents (path,
		"From: Olivia <olivia@example.org>\r\nTo: Alice <alice@example.org>\r\n"
		"Subject: Roadmap review\r\nDate: Mon, 01 Jun 2026 08:00:00 +0000\r\n"
		"Message-ID: <invite1@example.org>\r\nMIME-Version: 1.0\r\n"
		"Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYou are invited.\r\n"
		"--b1\r\nContent-Type: text/calendar; charset=utf-8; method=REQUEST\r\n\r\n"
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Airdock tests//EN\r\nMETHOD:REQUEST\r\n"
		"BEGIN:VEVENT\r\nUID:search-invite-1@example.org\r\nDTSTAMP:20260601T080000Z\r\n"
		"DTSTART:20260707T080000Z\r\nDTEND:20260707T090000Z\r\nSUMMARY:Roadmap review\r\n"
		"ORGANIZER;CN=Olivia:mailto:olivia@example.org\r\n"
		"ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:alice@example.org\r\n"
		"END:VEVENT\r\nEND:VCALENDAR\r\n"
		"--b1--\r\n", -1, &error));
	item = airdockd_store_add_message (f->store, f->uid, f->inbox, path, FALSE, &error);
	g_assert_no_error (error);

	r = post (f, mailbox_query ("roadmap", NULL, NULL));
	store = store_of (r, "1");
	g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_TOTAL), ==, "1");
	props = eas_node_path (store, EAS_SEARCH_RESULT, EAS_SEARCH_PROPERTIES, 0);
	g_assert_nonnull (props);
	g_assert_cmpstr (eas_node_child_text (props, EAS_EMAIL_MESSAGE_CLASS), ==, "IPM.Schedule.Meeting.Request");
	mr = eas_node_child (props, EAS_EMAIL_MEETING_REQUEST);
	g_assert_nonnull (mr);
	g_assert_true (eas_pim_parse_time (eas_node_child_text (mr, EAS_EMAIL_START_TIME), &t));
	g_assert_cmpint (t, ==, 1783411200);	/* 2026-07-07 08:00 UTC */
	g_assert_true (eas_pim_parse_time (eas_node_child_text (mr, EAS_EMAIL_END_TIME), &t));
	g_assert_cmpint (t, ==, 1783414800);
	g_assert_cmpstr (eas_node_child_text (mr, EAS_EMAIL_RESPONSE_REQUESTED), ==, "1");
	g_assert_nonnull (strstr (eas_node_child_text (mr, EAS_EMAIL_ORGANIZER), "olivia@example.org"));
	g_assert_nonnull (eas_node_child_text (mr, EAS_EMAIL_GLOBAL_OBJ_ID));
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
	g_assert_true (g_strv_contains ((const char * const *) names, "ResolveRecipients"));
	g_assert_true (g_strv_contains ((const char * const *) names, "ValidateCert"));
	g_assert_true (g_strv_contains ((const char * const *) names, "Find"));
	/* Commands without a handler are not announced. */
	g_assert_false (g_strv_contains ((const char * const *) names, "GetHierarchy"));
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
	ADD ("mailbox/prefix", test_mailbox_prefix);
	ADD ("mailbox/body", test_mailbox_body);
	ADD ("mailbox/attached", test_mailbox_attached);
	ADD ("mailbox/upgrade", test_mailbox_upgrade);
	ADD ("mailbox/deep-traversal", test_mailbox_deep);
	ADD ("mailbox/dates", test_mailbox_dates);
	ADD ("mailbox/three-users", test_mailbox_users);
	ADD ("mailbox/10000", test_mailbox_10k);
	ADD ("mailbox/meeting-request", test_mailbox_meeting_request);
	ADD ("gal", test_gal);
	ADD ("find", test_find);
	ADD ("bad-request", test_bad_request);
	ADD ("options", test_options_lists_search);
	return g_test_run ();
}
