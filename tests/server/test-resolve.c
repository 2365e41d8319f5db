/* test-resolve.c — ResolveRecipients over real HTTP against the real
 * airdockd: exact names and addresses, "Name <addr>", ambiguous prefixes
 * (Status 2/3 with suggestions), unknown recipients (4), Certificates
 * (none stored: 7), Availability (all free, one digit per 30 minutes),
 * Picture (173), protocol errors (5). */
#include "config.h"

#include "eas/eas-resolve.h"
#include "tests/server/eas-client.h"

#define USER "alice"
#define PASSWORD "s3cret-alice"

typedef struct {
	AirdockHarness *h;
	AirdockEasClient *c;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	f->h = airdock_harness_start (NULL);
	airdock_harness_add_user (f->h, USER, "alice@example.org", PASSWORD);
	airdock_harness_add_user (f->h, "alina", "alina.x@example.net", "s3cret-alina");
	airdock_harness_add_user (f->h, "alfred", "fred@example.org", "s3cret-alfred");
	airdock_harness_add_user (f->h, "bob", "bob@example.org", "s3cret-bob");
	f->c = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "RESOLVEDEV1", "TestPhone", 141);
	g_assert_true (airdock_eas_client_provision (f->c, NULL, &error));
	g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_pointer (&f->c, airdock_eas_client_free);
	g_clear_pointer (&f->h, airdock_harness_free);
}

static AirdockEasResponse *
post (Fixture *f, EasNode *root)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) owned = root;
	AirdockEasResponse *r = airdock_eas_client_post_tree (f->c, EAS_CMD_RESOLVE_RECIPIENTS, owned, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	g_assert_cmpuint (r->tree->tag, ==, EAS_RESOLVERECIPIENTS_RESOLVE_RECIPIENTS);
	return r;
}

static EasNode *
request (const char *const *to, EasNode **out_options)
{
	EasNode *root = eas_node_new (EAS_RESOLVERECIPIENTS_RESOLVE_RECIPIENTS);

	for (guint i = 0; to[i] != NULL; i++)
		eas_node_append_text (root, EAS_RESOLVERECIPIENTS_TO, to[i]);
	if (out_options != NULL)
		*out_options = eas_node_append (root, EAS_RESOLVERECIPIENTS_OPTIONS);
	return root;
}

/* "status:count:addr1|addr2" for one Response. */
static char *
describe (const EasNode *resp)
{
	g_autoptr (GString) s = g_string_new (NULL);

	g_string_append_printf (s, "%s:%s:", eas_node_child_text (resp, EAS_RESOLVERECIPIENTS_STATUS),
	                        eas_node_child_text (resp, EAS_RESOLVERECIPIENTS_RECIPIENT_COUNT));
	for (const EasNode *r = eas_node_child (resp, EAS_RESOLVERECIPIENTS_RECIPIENT); r != NULL;
	     r = eas_node_next_same (r)) {
		if (s->str[s->len - 1] != ':')
			g_string_append_c (s, '|');
		g_string_append (s, eas_node_child_text (r, EAS_RESOLVERECIPIENTS_EMAIL_ADDRESS));
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_resolve_names (Fixture *f, gconstpointer data)
{
	static const char *const to[] = {
		"bob", "BOB@example.org", "Robert <bob@example.org>", "ali", "al", "nobody@example.com", "fr", NULL,
	};
	static const char *const want[] = {
		"1:1:bob@example.org", "1:1:bob@example.org", "1:1:bob@example.org",
		"2:2:alice@example.org|alina.x@example.net",
		/* by name: alfred (fred@…), alice, alina */
		"2:3:fred@example.org|alice@example.org|alina.x@example.net",
		"4:0:", "1:1:fred@example.org",
	};
	g_autoptr (AirdockEasResponse) r = post (f, request (to, NULL));
	const EasNode *resp = eas_node_child (r->tree, EAS_RESOLVERECIPIENTS_RESPONSE);

	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_RESOLVERECIPIENTS_STATUS), ==, "1");
	for (guint i = 0; to[i] != NULL; i++, resp = eas_node_next_same (resp)) {
		g_autofree char *got = NULL;
		g_assert_nonnull (resp);
		g_assert_cmpstr (eas_node_child_text (resp, EAS_RESOLVERECIPIENTS_TO), ==, to[i]);
		got = describe (resp);
		g_assert_cmpstr (got, ==, want[i]);
	}
	g_assert_null (resp);
}

static void
test_resolve_partial (Fixture *f, gconstpointer data)
{
	static const char *const to[] = { "al", NULL };
	EasNode *options;
	EasNode *root = request (to, &options);
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autofree char *got = NULL;

	eas_node_append_text (options, EAS_RESOLVERECIPIENTS_MAX_AMBIGUOUS_RECIPIENTS, "1");
	r = post (f, root);
	got = describe (eas_node_child (r->tree, EAS_RESOLVERECIPIENTS_RESPONSE));
	g_assert_cmpstr (got, ==, "3:3:fred@example.org");
}

static void
test_resolve_options (Fixture *f, gconstpointer data)
{
	static const char *const to[] = { "bob", "al", NULL };
	EasNode *options, *avail;
	EasNode *root = request (to, &options);
	g_autoptr (AirdockEasResponse) r = NULL;
	const EasNode *resp, *recip, *certs;

	eas_node_append_text (options, EAS_RESOLVERECIPIENTS_CERTIFICATE_RETRIEVAL, "2");
	avail = eas_node_append (options, EAS_RESOLVERECIPIENTS_AVAILABILITY);
	eas_node_append_text (avail, EAS_RESOLVERECIPIENTS_START_TIME, "2026-11-26T08:00:00.000Z");
	eas_node_append_text (avail, EAS_RESOLVERECIPIENTS_END_TIME, "2026-11-26T12:10:00.000Z");
	eas_node_append (options, EAS_RESOLVERECIPIENTS_PICTURE);
	r = post (f, root);
	resp = eas_node_child (r->tree, EAS_RESOLVERECIPIENTS_RESPONSE);
	recip = eas_node_child (resp, EAS_RESOLVERECIPIENTS_RECIPIENT);
	/* 4 h 10 min → 9 half hours, all free. */
	g_assert_cmpstr (eas_node_child_text (eas_node_child (recip, EAS_RESOLVERECIPIENTS_AVAILABILITY),
	                                      EAS_RESOLVERECIPIENTS_MERGED_FREE_BUSY), ==, "000000000");
	g_assert_cmpstr (eas_node_child_text (eas_node_child (recip, EAS_RESOLVERECIPIENTS_AVAILABILITY),
	                                      EAS_RESOLVERECIPIENTS_STATUS), ==, "1");
	certs = eas_node_child (recip, EAS_RESOLVERECIPIENTS_CERTIFICATES);
	g_assert_cmpstr (eas_node_child_text (certs, EAS_RESOLVERECIPIENTS_STATUS), ==, "7");
	g_assert_cmpstr (eas_node_child_text (certs, EAS_RESOLVERECIPIENTS_CERTIFICATE_COUNT), ==, "0");
	g_assert_null (eas_node_child (certs, EAS_RESOLVERECIPIENTS_CERTIFICATE));
	g_assert_cmpstr (eas_node_child_text (eas_node_child (recip, EAS_RESOLVERECIPIENTS_PICTURE),
	                                      EAS_RESOLVERECIPIENTS_STATUS), ==, "173");
	/* Ambiguous suggestions carry none of these. */
	recip = eas_node_child (eas_node_next_same (resp), EAS_RESOLVERECIPIENTS_RECIPIENT);
	g_assert_nonnull (recip);
	g_assert_null (eas_node_child (recip, EAS_RESOLVERECIPIENTS_AVAILABILITY));
	g_assert_null (eas_node_child (recip, EAS_RESOLVERECIPIENTS_CERTIFICATES));
}

static void
test_resolve_bad (Fixture *f, gconstpointer data)
{
	EasNode *root = eas_node_new (EAS_RESOLVERECIPIENTS_RESOLVE_RECIPIENTS);
	g_autoptr (AirdockEasResponse) r = NULL;

	eas_node_append (root, EAS_RESOLVERECIPIENTS_OPTIONS);
	r = post (f, root);
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_RESOLVERECIPIENTS_STATUS), ==, "5");
	g_assert_null (eas_node_child (r->tree, EAS_RESOLVERECIPIENTS_RESPONSE));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/resolve/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("names", test_resolve_names);
	ADD ("partial", test_resolve_partial);
	ADD ("options", test_resolve_options);
	ADD ("bad-request", test_resolve_bad);
	return g_test_run ();
}
