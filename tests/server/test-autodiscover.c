/* test-autodiscover.c — POST /autodiscover/autodiscover.xml against the
 * real airdockd: the mobilesync answer for the authenticated account, both
 * path spellings, the Outlook schema refused with 601, malformed requests
 * with 600, and 401 alike for unknown users and wrong passwords. */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "eas/eas-autodiscover.h"
#include "tests/server/harness.h"

#define MOBILESYNC_REQUEST(addr) \
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n" \
	"<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006\">" \
	"<Request><EMailAddress>" addr "</EMailAddress>" \
	"<AcceptableResponseSchema>" EAS_AUTODISCOVER_MOBILESYNC_RESPONSE_SCHEMA "</AcceptableResponseSchema>" \
	"</Request></Autodiscover>"

typedef struct {
	AirdockHarness *h;
	SoupSession *session;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	f->h = airdock_harness_start (NULL);
	airdock_harness_add_user (f->h, "alice", "alice@example.org", "s3cret-alice");
	f->session = soup_session_new ();
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_object (&f->session);
	g_clear_pointer (&f->h, airdock_harness_free);
}

/* POSTs body; returns the HTTP status and (out_body) the response text. */
static guint
post (Fixture *f, const char *path, const char *user, const char *password, const char *body, char **out_body)
{
	g_autofree char *base = airdock_harness_url (f->h, FALSE);
	g_autofree char *url = g_strconcat (base, path, NULL);
	g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
	g_autoptr (GBytes) req = g_bytes_new (body, strlen (body));
	g_autoptr (GBytes) resp = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_nonnull (msg);
	if (user != NULL) {
		g_autofree char *cred = g_strdup_printf ("%s:%s", user, password);
		g_autofree char *b64 = g_base64_encode ((const guchar *) cred, strlen (cred));
		g_autofree char *hdr = g_strdup_printf ("Basic %s", b64);
		soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", hdr);
	}
	soup_message_set_request_body_from_bytes (msg, "text/xml", req);
	resp = soup_session_send_and_read (f->session, msg, NULL, &error);
	g_assert_no_error (error);
	if (out_body != NULL)
		*out_body = g_strndup (g_bytes_get_data (resp, NULL), g_bytes_get_size (resp));
	return soup_message_get_status (msg);
}

static void
test_mobilesync (Fixture *f, gconstpointer data)
{
	g_autofree char *body = NULL;
	g_autofree char *body2 = NULL;
	g_autofree char *port = g_strdup_printf (":%u/Microsoft-Server-ActiveSync</Url>", f->h->https_port);

	g_assert_cmpuint (post (f, "/autodiscover/autodiscover.xml", "alice@example.org", "s3cret-alice",
	                        MOBILESYNC_REQUEST ("alice@example.org"), &body), ==, 200);
	g_assert_nonnull (strstr (body, "<Type>MobileSync</Type>"));
	g_assert_nonnull (strstr (body, "<EMailAddress>alice@example.org</EMailAddress>"));
	g_assert_nonnull (strstr (body, "<DisplayName>alice</DisplayName>"));
	g_assert_nonnull (strstr (body, "<Culture>en:us</Culture>"));
	g_assert_nonnull (strstr (body, "/Microsoft-Server-ActiveSync</Url>"));
	g_assert_nonnull (strstr (body, "<Url>https://"));
	g_assert_nonnull (strstr (body, port));
	/* The other spelling, and the login name as user. */
	g_assert_cmpuint (post (f, "/Autodiscover/Autodiscover.xml", "alice", "s3cret-alice",
	                        MOBILESYNC_REQUEST ("alice@example.org"), &body2), ==, 200);
	g_assert_nonnull (strstr (body2, "<Type>MobileSync</Type>"));
}

static void
test_auth (Fixture *f, gconstpointer data)
{
	g_autofree char *unknown = NULL, *wrong = NULL;

	g_assert_cmpuint (post (f, "/autodiscover/autodiscover.xml", NULL, NULL,
	                        MOBILESYNC_REQUEST ("alice@example.org"), NULL), ==, 401);
	g_assert_cmpuint (post (f, "/autodiscover/autodiscover.xml", "nobody@example.org", "whatever",
	                        MOBILESYNC_REQUEST ("nobody@example.org"), &unknown), ==, 401);
	g_assert_cmpuint (post (f, "/autodiscover/autodiscover.xml", "alice@example.org", "wrong",
	                        MOBILESYNC_REQUEST ("alice@example.org"), &wrong), ==, 401);
	/* Same answer either way: nothing tells whether the account exists. */
	g_assert_cmpstr (unknown, ==, wrong);
}

static void
test_errors (Fixture *f, gconstpointer data)
{
	g_autofree char *outlook = NULL, *bad = NULL, *nomail = NULL;

	g_assert_cmpuint (post (f, "/autodiscover/autodiscover.xml", "alice", "s3cret-alice",
	                        "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">"
	                        "<Request><EMailAddress>alice@example.org</EMailAddress><AcceptableResponseSchema>"
	                        EAS_AUTODISCOVER_OUTLOOK_RESPONSE_SCHEMA "</AcceptableResponseSchema></Request></Autodiscover>",
	                        &outlook), ==, 200);
	g_assert_nonnull (strstr (outlook, "<ErrorCode>601</ErrorCode>"));
	g_assert_null (strstr (outlook, "MobileSync"));
	/* [MS-OXDSCLI] 2.2.4.1.1.3: the generic error form Outlook parses:
	 * Response in the response schema, Error with Time and Id. */
	g_assert_nonnull (strstr (outlook, "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">"));
	g_assert_nonnull (strstr (outlook, "<Response>"));
	g_assert_nonnull (strstr (outlook, "<Error Time=\""));
	g_assert_nonnull (strstr (outlook, "\" Id=\""));
	g_assert_nonnull (strstr (outlook, "<Message>Provider is not available</Message>"));
	g_assert_cmpuint (post (f, "/autodiscover/autodiscover.xml", "alice", "s3cret-alice",
	                        "<Autodiscover><Request><EMailAddress>a@b", &bad), ==, 200);
	g_assert_nonnull (strstr (bad, "<ErrorCode>600</ErrorCode>"));
	g_assert_cmpuint (post (f, "/autodiscover/autodiscover.xml", "alice", "s3cret-alice",
	                        "<Autodiscover><Request/></Autodiscover>", &nomail), ==, 200);
	g_assert_nonnull (strstr (nomail, "<ErrorCode>600</ErrorCode>"));
	g_assert_cmpuint (post (f, "/autodiscover/other.xml", "alice", "s3cret-alice", "x", NULL), ==, 404);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/autodiscover/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("mobilesync", test_mobilesync);
	ADD ("auth", test_auth);
	ADD ("errors", test_errors);
	return g_test_run ();
}
