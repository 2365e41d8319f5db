/* test-resolve.c — ResolveRecipients over real HTTP against the real
 * airdockd: exact names and addresses, "Name <addr>", ambiguous prefixes
 * (Status 2/3 with suggestions), unknown recipients (4), Certificates
 * (none stored: 7), Availability (an empty calendar is all free; a
 * calendar in Europe/Berlin with busy, tentative, out-of-office,
 * transparent, cancelled, recurring and all-day events, checked digit by
 * digit; imported GAL entries all 4; more than 100 To: 160; over 42 days
 * or under 30 minutes: 5), Picture
 * (photos of imported entries, 173/174/175), protocol errors (5). */
#include "config.h"

#include <string.h>

#include "eas/eas-resolve.h"
#include "server/airdockd-gal.h"
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

/* [MS-ASCMD] 2.2.3.61.1: a span over 42 days, or under 30 minutes, is Status 5. */
static void
test_resolve_bad_span (Fixture *f, gconstpointer data)
{
	static const char *const spans[][2] = {
		{ "2026-11-01T00:00:00.000Z", "2026-12-13T00:00:01.000Z" },
		{ "2026-11-01T00:00:00.000Z", "2026-11-01T00:29:00.000Z" },
	};

	for (guint i = 0; i < G_N_ELEMENTS (spans); i++) {
		static const char *const to[] = { "bob", NULL };
		EasNode *options, *avail;
		EasNode *root = request (to, &options);
		g_autoptr (AirdockEasResponse) r = NULL;

		avail = eas_node_append (options, EAS_RESOLVERECIPIENTS_AVAILABILITY);
		eas_node_append_text (avail, EAS_RESOLVERECIPIENTS_START_TIME, spans[i][0]);
		eas_node_append_text (avail, EAS_RESOLVERECIPIENTS_END_TIME, spans[i][1]);
		r = post (f, root);
		g_assert_cmpstr (eas_node_child_text (r->tree, EAS_RESOLVERECIPIENTS_STATUS), ==, "5");
		g_assert_null (eas_node_child (r->tree, EAS_RESOLVERECIPIENTS_RESPONSE));
	}
}

/* ---- Availability from the calendar ------------------------------------ */

#define BERLIN_TZ \
	"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n" \
	"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n" \
	"DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n" \
	"BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n" \
	"DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n" \
	"END:VTIMEZONE\r\n"

/* One VEVENT in Europe/Berlin local times, as a stored calendar item. */
#define EVENT(uid, start, end, extra) \
	"BEGIN:VEVENT\r\nUID:" uid "\r\nDTSTAMP:20261101T000000Z\r\n" \
	"DTSTART;TZID=Europe/Berlin:" start "\r\nDTEND;TZID=Europe/Berlin:" end "\r\n" \
	"SUMMARY:" uid "\r\n" extra "END:VEVENT\r\n"
#define CALENDAR(body) \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Airdock//test//EN\r\n" BERLIN_TZ body "END:VCALENDAR\r\n"

static const char *const bob_events[] = {
	/* Monday 30 November 2026 (CET, UTC+1) */
	CALENDAR (EVENT ("busy", "20261130T083000", "20261130T093000", "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n")),
	/* an invitation bob has not answered: tentative although BUSY */
	CALENDAR (EVENT ("invite", "20261130T090000", "20261130T100000",
	                 "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\nORGANIZER:mailto:carol@example.org\r\n"
	                 "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.org\r\n")),
	CALENDAR (EVENT ("transparent", "20261130T120000", "20261130T130000", "TRANSP:TRANSPARENT\r\n")),
	CALENDAR (EVENT ("cancelled", "20261130T130000", "20261130T140000",
	                 "STATUS:CANCELLED\r\nX-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n")),
	/* ten minutes inside one half hour: the whole interval */
	CALENDAR (EVENT ("oof", "20261130T151000", "20261130T152000", "X-MICROSOFT-CDO-BUSYSTATUS:OOF\r\n")),
	/* Mondays 10:00–11:00 Berlin from October (summer time, UTC+2), not
	 * on 7 December, on 14 December moved to 14:00 as tentative. */
	CALENDAR (EVENT ("weekly", "20261019T100000", "20261019T110000",
	                 "RRULE:FREQ=WEEKLY;BYDAY=MO\r\nEXDATE;TZID=Europe/Berlin:20261207T100000\r\n"
	                 "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n")
	          EVENT ("weekly", "20261214T140000", "20261214T150000",
	                 "RECURRENCE-ID;TZID=Europe/Berlin:20261214T100000\r\n"
	                 "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE\r\n")),
	/* Tuesday 8 December all day out of office, on Berlin's day */
	CALENDAR ("BEGIN:VEVENT\r\nUID:allday\r\nDTSTAMP:20261101T000000Z\r\n"
	          "DTSTART;VALUE=DATE:20261208\r\nDTEND;VALUE=DATE:20261209\r\n"
	          "X-EAS-ALLDAY-TZID:Europe/Berlin\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF\r\nEND:VEVENT\r\n"),
};

/* Stores bob's events and imports two GAL entries with photos. */
static void
add_calendar_and_gal (Fixture *f)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdStore) store = airdock_harness_open_store (f->h);
	g_autoptr (AirdockdUser) bob = airdockd_store_user_lookup (store, "bob", &error);
	g_autoptr (AirdockdFolder) cal = NULL;
	g_autoptr (AirdockdGal) gal = NULL;
	g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_gal_entry_free);
	static const char *const people[][3] = {
		{ "pat@photo.example", "Photo Pat", "\xff\xd8\xff\xe0pat-jpeg" },
		{ "pia@photo.example", "Photo Pia", "\x89PNG\r\n\x1a\npia-png" },
	};

	g_assert_no_error (error);
	cal = airdockd_store_folder_get_by_type (store, bob->id, AIRDOCKD_FOLDER_CALENDAR, &error);
	g_assert_no_error (error);
	for (guint i = 0; i < G_N_ELEMENTS (bob_events); i++) {
		g_autoptr (GBytes) data = g_bytes_new_static (bob_events[i], strlen (bob_events[i]));
		g_autoptr (AirdockdItem) item = airdockd_store_add_item (store, bob->id, cal->server_id,
		                                                         AIRDOCKD_ITEM_CALENDAR, data, &error);
		g_assert_no_error (error);
		g_assert_nonnull (item);
	}
	gal = airdockd_gal_open (store, &error);
	g_assert_no_error (error);
	for (guint i = 0; i < G_N_ELEMENTS (people); i++) {
		AirdockdGalEntry *e = airdockd_gal_entry_new ();
		e->email = g_strdup (people[i][0]);
		e->display_name = g_strdup (people[i][1]);
		e->photo = g_bytes_new (people[i][2], strlen (people[i][2]));
		g_ptr_array_add (entries, e);
	}
	g_assert_true (airdockd_gal_import (gal, entries, NULL, &error));
	g_assert_no_error (error);
}

/* The Availability of the first recipient of each To's Response for the
 * span: "status:digits". */
static char *
availability (Fixture *f, const char *to, const char *start, const char *end)
{
	const char *const tos[] = { to, NULL };
	EasNode *options, *avail;
	EasNode *root = request (tos, &options);
	g_autoptr (AirdockEasResponse) r = NULL;
	const EasNode *a;

	avail = eas_node_append (options, EAS_RESOLVERECIPIENTS_AVAILABILITY);
	eas_node_append_text (avail, EAS_RESOLVERECIPIENTS_START_TIME, start);
	eas_node_append_text (avail, EAS_RESOLVERECIPIENTS_END_TIME, end);
	r = post (f, root);
	a = eas_node_child (eas_node_child (eas_node_child (r->tree, EAS_RESOLVERECIPIENTS_RESPONSE),
	                                    EAS_RESOLVERECIPIENTS_RECIPIENT),
	                    EAS_RESOLVERECIPIENTS_AVAILABILITY);
	g_assert_nonnull (a);
	return g_strdup_printf ("%s:%s", eas_node_child_text (a, EAS_RESOLVERECIPIENTS_STATUS),
	                        eas_node_child_text (a, EAS_RESOLVERECIPIENTS_MERGED_FREE_BUSY));
}

static void
test_resolve_free_busy (Fixture *f, gconstpointer data)
{
	/* Spans in UTC; digits are half hours of Berlin time 08:00–16:00
	 * (07:00–15:00Z in winter) unless said otherwise. */
	static const struct { const char *to, *start, *end, *want; } cases[] = {
		/* 08:30 busy, 09:00 busy+tentative, 09:30 tentative, 10:00–11:00
		 * weekly (10:00 CET although the series began in CEST), 12–14
		 * transparent and cancelled: free, 15:10–15:20 out of office. */
		{ "bob", "2026-11-30T07:00:00.000Z", "2026-11-30T15:00:00.000Z", "1:0221220000000030" },
		/* the EXDATE'd Monday */
		{ "bob", "2026-12-07T07:00:00.000Z", "2026-12-07T15:00:00.000Z", "1:0000000000000000" },
		/* the moved occurrence: 14:00 tentative, nothing at 10:00 */
		{ "bob", "2026-12-14T07:00:00.000Z", "2026-12-14T15:00:00.000Z", "1:0000000000001100" },
		/* the series goes on */
		{ "bob", "2026-12-21T07:00:00.000Z", "2026-12-21T15:00:00.000Z", "1:0000220000000000" },
		/* Berlin 22:00 on the 7th to 02:00 on the 8th: the all-day OOF
		 * begins at Berlin midnight (23:00Z), not at UTC midnight */
		{ "bob", "2026-12-07T21:00:00.000Z", "2026-12-08T01:00:00.000Z", "1:00003333" },
		/* a span starting mid-interval: digits follow the span (Berlin
		 * 08:45 busy, 09:15 busy until 09:30, 09:45 tentative then weekly) */
		{ "bob", "2026-11-30T07:45:00.000Z", "2026-11-30T09:15:00.000Z", "1:222" },
		/* alice's calendar is empty; an imported entry has none here */
		{ "alice", "2026-11-30T07:00:00.000Z", "2026-11-30T09:00:00.000Z", "1:0000" },
		{ "pat@photo.example", "2026-11-30T07:00:00.000Z", "2026-11-30T09:00:00.000Z", "1:4444" },
	};

	add_calendar_and_gal (f);
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *got = availability (f, cases[i].to, cases[i].start, cases[i].end);
		g_test_message ("%s %s", cases[i].to, cases[i].start);
		g_assert_cmpstr (got, ==, cases[i].want);
	}
}

/* More than 100 To with Availability: Status 160 and no digits. */
static void
test_resolve_too_many (Fixture *f, gconstpointer data)
{
	EasNode *root = eas_node_new (EAS_RESOLVERECIPIENTS_RESOLVE_RECIPIENTS);
	EasNode *options, *avail;
	g_autoptr (AirdockEasResponse) r = NULL;
	const EasNode *a;

	for (guint i = 0; i <= EAS_RESOLVE_MAX_AVAILABILITY_TO; i++)
		eas_node_append_text (root, EAS_RESOLVERECIPIENTS_TO, "bob");
	options = eas_node_append (root, EAS_RESOLVERECIPIENTS_OPTIONS);
	avail = eas_node_append (options, EAS_RESOLVERECIPIENTS_AVAILABILITY);
	eas_node_append_text (avail, EAS_RESOLVERECIPIENTS_START_TIME, "2026-11-30T07:00:00.000Z");
	eas_node_append_text (avail, EAS_RESOLVERECIPIENTS_END_TIME, "2026-11-30T08:00:00.000Z");
	r = post (f, root);
	a = eas_node_child (eas_node_child (eas_node_child (r->tree, EAS_RESOLVERECIPIENTS_RESPONSE),
	                                    EAS_RESOLVERECIPIENTS_RECIPIENT),
	                    EAS_RESOLVERECIPIENTS_AVAILABILITY);
	g_assert_cmpstr (eas_node_child_text (a, EAS_RESOLVERECIPIENTS_STATUS), ==, "160");
	g_assert_null (eas_node_child (a, EAS_RESOLVERECIPIENTS_MERGED_FREE_BUSY));
}

/* Pictures: "status[:data]" per To, comma-separated. */
static char *
pictures (Fixture *f, const char *const *to, const char *max_size, const char *max_pictures)
{
	EasNode *options, *pic;
	EasNode *root = request (to, &options);
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (GString) s = g_string_new (NULL);

	pic = eas_node_append (options, EAS_RESOLVERECIPIENTS_PICTURE);
	if (max_size != NULL)
		eas_node_append_text (pic, EAS_RESOLVERECIPIENTS_MAX_SIZE, max_size);
	if (max_pictures != NULL)
		eas_node_append_text (pic, EAS_RESOLVERECIPIENTS_MAX_PICTURES, max_pictures);
	r = post (f, root);
	for (const EasNode *resp = eas_node_child (r->tree, EAS_RESOLVERECIPIENTS_RESPONSE); resp != NULL;
	     resp = eas_node_next_same (resp)) {
		const EasNode *p = eas_node_child (eas_node_child (resp, EAS_RESOLVERECIPIENTS_RECIPIENT),
		                                   EAS_RESOLVERECIPIENTS_PICTURE);
		const char *b64 = eas_node_child_text (p, EAS_RESOLVERECIPIENTS_DATA);

		g_assert_nonnull (p);
		if (s->len > 0)
			g_string_append_c (s, ',');
		g_string_append (s, eas_node_child_text (p, EAS_RESOLVERECIPIENTS_STATUS));
		if (b64 != NULL) {
			gsize len;
			g_autofree guchar *raw = g_base64_decode (b64, &len);
			g_string_append_printf (s, ":%.*s", (int) (len > 4 ? len - 4 : 0), raw + MIN (len, 4));
		}
	}
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_resolve_pictures (Fixture *f, gconstpointer data)
{
	static const char *const to[] = { "pat@photo.example", "bob", "Photo Pia <pia@photo.example>", NULL };
	g_autofree char *all = NULL, *one = NULL, *small = NULL;

	add_calendar_and_gal (f);
	/* Data is base64 of the stored photo (shown after its 4-byte magic). */
	all = pictures (f, to, NULL, NULL);
	g_assert_cmpstr (all, ==, "1:pat-jpeg,173,1:\x0d\n\x1a\npia-png");
	one = pictures (f, to, NULL, "1");
	g_assert_cmpstr (one, ==, "1:pat-jpeg,173,175");
	small = pictures (f, to, "12", NULL);
	g_assert_cmpstr (small, ==, "1:pat-jpeg,173,174");
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
	ADD ("bad-span", test_resolve_bad_span);
	ADD ("free-busy", test_resolve_free_busy);
	ADD ("too-many-for-availability", test_resolve_too_many);
	ADD ("pictures", test_resolve_pictures);
	return g_test_run ();
}
