/* test-search-models.c — Search request decoding, limits, FTS quoting and
 * the response writer. */
#include "config.h"

#include <string.h>

#include "eas/eas-autodiscover.h"
#include "eas/eas-find.h"
#include "eas/eas-resolve.h"
#include "eas/eas-search.h"
#include "eas/eas-validatecert.h"
#include "tests/eas/test-eas-doc.h"

static EasSearchRequest *
decode (const char *xml, GError **error)
{
	g_autoptr (GBytes) doc = test_eas_doc ("Search", xml);
	g_autoptr (EasNode) root = test_eas_parse (doc);

	return eas_search_request_decode (root, 161, error);
}

static void
assert_invalid (const char *xml, EasSearchErrorCode code)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasSearchRequest) r = decode (xml, &error);

	g_assert_null (r);
	g_assert_error (error, EAS_SEARCH_ERROR, (gint) code);
}

static void
test_decode_mailbox (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasSearchRequest) r = decode (
		"<Search><Store><Name>Mailbox</Name><Query><And>"
		"<AirSync:Class>Email</AirSync:Class>"
		"<AirSync:CollectionId>5</AirSync:CollectionId>"
		"<FreeText>budget report</FreeText>"
		"<GreaterThan><Email:DateReceived/><Value>2026-01-01T00:00:00.000Z</Value></GreaterThan>"
		"</And></Query><Options><Range>10-19</Range><DeepTraversal/><RebuildResults/>"
		"<UserName>x</UserName><Password>y</Password>"
		"<AirSyncBase:BodyPreference><AirSyncBase:Type>2</AirSyncBase:Type>"
		"<AirSyncBase:TruncationSize>512</AirSyncBase:TruncationSize></AirSyncBase:BodyPreference>"
		"</Options></Store></Search>", &error);
	const EasSearchQuery *q, *c;

	g_assert_no_error (error);
	g_assert_cmpint (r->store, ==, EAS_SEARCH_STORE_MAILBOX);
	g_assert_cmpuint (r->range_start, ==, 10);
	g_assert_cmpuint (r->range_end, ==, 19);
	g_assert_true (r->deep_traversal);
	g_assert_true (r->rebuild_results);
	g_assert_cmpuint (r->email.n_body_prefs, ==, 1);
	g_assert_cmpint (r->email.body_prefs[0].type, ==, EAS_BODY_TYPE_HTML);
	g_assert_cmpuint (r->email.body_prefs[0].truncation_size, ==, 512);
	q = r->query;
	g_assert_cmpint (q->kind, ==, EAS_SEARCH_QUERY_AND);
	g_assert_cmpuint (q->children->len, ==, 4);
	c = g_ptr_array_index (q->children, 0);
	g_assert_cmpint (c->kind, ==, EAS_SEARCH_QUERY_CLASS);
	g_assert_cmpstr (c->text, ==, "Email");
	c = g_ptr_array_index (q->children, 1);
	g_assert_cmpint (c->kind, ==, EAS_SEARCH_QUERY_COLLECTION_ID);
	g_assert_cmpstr (c->text, ==, "5");
	c = g_ptr_array_index (q->children, 2);
	g_assert_cmpint (c->kind, ==, EAS_SEARCH_QUERY_FREE_TEXT);
	g_assert_cmpstr (c->text, ==, "budget report");
	c = g_ptr_array_index (q->children, 3);
	g_assert_cmpint (c->kind, ==, EAS_SEARCH_QUERY_GREATER_THAN);
	g_assert_cmpuint (c->property, ==, EAS_EMAIL_DATE_RECEIVED);
	g_assert_cmpstr (c->text, ==, "2026-01-01T00:00:00.000Z");
}

static void
test_decode_gal (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasSearchRequest) r = decode (
		"<Search><Store><Name>GAL</Name><Query>ali</Query>"
		"<Options><Range>0-4</Range><Picture><MaxPictures>1</MaxPictures></Picture></Options>"
		"</Store></Search>", &error);

	g_assert_no_error (error);
	g_assert_cmpint (r->store, ==, EAS_SEARCH_STORE_GAL);
	g_assert_cmpstr (r->gal_query, ==, "ali");
	g_assert_null (r->query);
	g_assert_cmpuint (r->range_end, ==, 4);
	g_assert_true (r->picture);
	g_assert_cmpuint (r->picture_max_count, ==, 1);
	g_assert_cmpuint (r->picture_max_size, ==, G_MAXUINT);
}

/* Picture statuses in the order [MS-ASCMD] 2.2.3.104.3 gives them. */
static void
test_decode_picture (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasSearchRequest) r = decode (
		"<Search><Store><Name>GAL</Name><Query>a</Query><Options><Picture>"
		"<MaxSize>10</MaxSize><MaxPictures>1</MaxPictures></Picture></Options></Store></Search>", &error);
	g_autoptr (EasSearchRequest) none = decode (
		"<Search><Store><Name>GAL</Name><Query>a</Query></Store></Search>", &error);
	g_autoptr (GBytes) small = g_bytes_new_static ("0123456789", 10);
	g_autoptr (GBytes) big = g_bytes_new_static ("0123456789A", 11);
	guint sent = 0;

	g_assert_no_error (error);
	g_assert_cmpuint (r->picture_max_size, ==, 10);
	g_assert_cmpuint (eas_search_picture_status (r, NULL, &sent), ==, EAS_GAL_PICTURE_STATUS_NONE);
	g_assert_cmpuint (eas_search_picture_status (r, big, &sent), ==, EAS_GAL_PICTURE_STATUS_TOO_LARGE);
	g_assert_cmpuint (eas_search_picture_status (r, small, &sent), ==, EAS_GAL_PICTURE_STATUS_SUCCESS);
	g_assert_cmpuint (sent, ==, 1);
	g_assert_cmpuint (eas_search_picture_status (r, small, &sent), ==, EAS_GAL_PICTURE_STATUS_LIMIT);
	g_assert_cmpuint (eas_search_picture_status (none, small, &sent), ==, 0);
	assert_invalid ("<Search><Store><Name>GAL</Name><Query>a</Query><Options><Picture>"
	                "<MaxSize>-1</MaxSize></Picture></Options></Store></Search>", EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>GAL</Name><Query>a</Query><Options><Picture>"
	                "<MaxPictures>4294967296</MaxPictures></Picture></Options></Store></Search>",
	                EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>GAL</Name><Query>a</Query><Options><Picture>"
	                "<Range>0-1</Range></Picture></Options></Store></Search>", EAS_SEARCH_ERROR_INVALID);
}

static void
test_decode_range (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasSearchRequest) r = decode (
		"<Search><Store><Name>GAL</Name><Query>a</Query><Options><Range>5-999</Range></Options>"
		"</Store></Search>", &error);
	g_autoptr (EasSearchRequest) d = decode ("<Search><Store><Name>GAL</Name><Query>a</Query></Store></Search>", &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->range_start, ==, 5);
	g_assert_cmpuint (r->range_end, ==, 5 + EAS_SEARCH_MAX_RANGE - 1);
	g_assert_cmpuint (d->range_start, ==, 0);
	g_assert_cmpuint (d->range_end, ==, EAS_SEARCH_MAX_RANGE - 1);
	assert_invalid ("<Search><Store><Name>GAL</Name><Query>a</Query><Options><Range>9-3</Range></Options>"
	                "</Store></Search>", EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>GAL</Name><Query>a</Query><Options><Range>-3</Range></Options>"
	                "</Store></Search>", EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>GAL</Name><Query>a</Query><Options><Range>x-3</Range></Options>"
	                "</Store></Search>", EAS_SEARCH_ERROR_INVALID);
}

static char *
nested_ands (guint n)
{
	g_autoptr (GString) s = g_string_new ("<Search><Store><Name>Mailbox</Name><Query>");

	for (guint i = 0; i < n; i++)
		g_string_append (s, "<And>");
	g_string_append (s, "<FreeText>x</FreeText>");
	for (guint i = 0; i < n; i++)
		g_string_append (s, "</And>");
	g_string_append (s, "</Query></Store></Search>");
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_limit_depth (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *ok_xml = nested_ands (EAS_SEARCH_MAX_DEPTH);
	g_autofree char *bad_xml = nested_ands (EAS_SEARCH_MAX_DEPTH + 1);
	g_autoptr (EasSearchRequest) r = decode (ok_xml, &error);

	g_assert_no_error (error);
	g_assert_nonnull (r);
	assert_invalid (bad_xml, EAS_SEARCH_ERROR_LIMIT);
}

static char *
wide_and (guint children)
{
	g_autoptr (GString) s = g_string_new ("<Search><Store><Name>Mailbox</Name><Query><And>");

	for (guint i = 0; i < children; i++)
		g_string_append (s, "<FreeText>x</FreeText>");
	g_string_append (s, "</And></Query></Store></Search>");
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_limit_nodes (void)
{
	g_autoptr (GError) error = NULL;
	/* The And itself counts: MAX_NODES - 1 children is exactly the limit. */
	g_autofree char *ok_xml = wide_and (EAS_SEARCH_MAX_NODES - 1);
	g_autofree char *bad_xml = wide_and (EAS_SEARCH_MAX_NODES);
	g_autoptr (EasSearchRequest) r = decode (ok_xml, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->query->children->len, ==, EAS_SEARCH_MAX_NODES - 1);
	assert_invalid (bad_xml, EAS_SEARCH_ERROR_LIMIT);
}

static void
test_limit_text (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *n = g_strnfill (EAS_SEARCH_MAX_TEXT, 'a');
	g_autofree char *n1 = g_strnfill (EAS_SEARCH_MAX_TEXT + 1, 'a');
	g_autofree char *ok_xml = g_strdup_printf ("<Search><Store><Name>GAL</Name><Query>%s</Query></Store></Search>", n);
	g_autofree char *bad_xml = g_strdup_printf ("<Search><Store><Name>Mailbox</Name><Query><FreeText>%s</FreeText>"
	                                            "</Query></Store></Search>", n1);
	g_autofree char *bad_gal = g_strdup_printf ("<Search><Store><Name>GAL</Name><Query>%s</Query></Store></Search>", n1);
	g_autoptr (EasSearchRequest) r = decode (ok_xml, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (strlen (r->gal_query), ==, EAS_SEARCH_MAX_TEXT);
	assert_invalid (bad_xml, EAS_SEARCH_ERROR_LIMIT);
	assert_invalid (bad_gal, EAS_SEARCH_ERROR_LIMIT);
}

static void
test_decode_errors (void)
{
	assert_invalid ("<Search><Store><Query>a</Query></Store></Search>", EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>Calendar</Name><Query>a</Query></Store></Search>", EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>GAL</Name></Store></Search>", EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>GAL</Name><Query>a</Query></Store>"
	                "<Store><Name>GAL</Name><Query>b</Query></Store></Search>", EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>Mailbox</Name><Query><FreeText></FreeText></Query></Store></Search>",
	                EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>Mailbox</Name><Query><Value>x</Value></Query></Store></Search>",
	                EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>Mailbox</Name><Query><EqualTo><Email:Subject/></EqualTo>"
	                "</Query></Store></Search>", EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>Mailbox</Name><Query><And></And></Query></Store></Search>",
	                EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>Mailbox</Name><Query><FreeText>a</FreeText><FreeText>b</FreeText>"
	                "</Query></Store></Search>", EAS_SEARCH_ERROR_INVALID);
	assert_invalid ("<Search><Store><Name>GAL</Name><Query>a</Query><Options><Status>1</Status></Options>"
	                "</Store></Search>", EAS_SEARCH_ERROR_INVALID);
}

static void
test_encode_empty (void)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GBytes) out = NULL;
	g_autoptr (EasNode) root = NULL;
	const EasNode *store;

	eas_search_write_begin (w, EAS_SEARCH_STATUS_SUCCESS);
	eas_search_write_end (w, 0, 0, 0);
	out = eas_wbxml_writer_finish (w, NULL);
	root = test_eas_parse (out);
	g_assert_cmpstr (eas_node_child_text (root, EAS_SEARCH_STATUS), ==, "1");
	store = eas_node_path (root, EAS_SEARCH_RESPONSE, EAS_SEARCH_STORE, 0);
	g_assert_nonnull (store);
	g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_STATUS), ==, "1");
	g_assert_nonnull (eas_node_child (store, EAS_SEARCH_RESULT));
	g_assert_null (eas_node_child (store, EAS_SEARCH_RESULT)->first_child);
	g_assert_null (eas_node_child (store, EAS_SEARCH_RANGE));
	g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_TOTAL), ==, "0");
}

static void
test_encode_gal (void)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GBytes) out = NULL;
	g_autoptr (EasNode) root = NULL;
	EasGalEntry e = { .display_name = "Alice", .alias = "alice", .email_address = "alice@example.org",
	                  .picture_status = EAS_GAL_PICTURE_STATUS_NONE };
	const EasNode *store, *props;

	eas_search_write_begin (w, EAS_SEARCH_STATUS_SUCCESS);
	eas_search_write_gal_result (w, &e);
	eas_search_write_end (w, 3, 1, 7);
	out = eas_wbxml_writer_finish (w, NULL);
	root = test_eas_parse (out);
	store = eas_node_path (root, EAS_SEARCH_RESPONSE, EAS_SEARCH_STORE, 0);
	props = eas_node_path (store, EAS_SEARCH_RESULT, EAS_SEARCH_PROPERTIES, 0);
	g_assert_cmpstr (eas_node_child_text (props, EAS_GAL_DISPLAY_NAME), ==, "Alice");
	g_assert_cmpstr (eas_node_child_text (props, EAS_GAL_EMAIL_ADDRESS), ==, "alice@example.org");
	g_assert_cmpstr (eas_node_child_text (eas_node_child (props, EAS_GAL_PICTURE), EAS_GAL_STATUS), ==, "173");
	g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_RANGE), ==, "3-3");
	g_assert_cmpstr (eas_node_child_text (store, EAS_SEARCH_TOTAL), ==, "7");
}

static void
test_encode_status (void)
{
	g_autoptr (GBytes) out = eas_search_encode_status (EAS_SEARCH_STATUS_INVALID_REQUEST);
	g_autoptr (EasNode) root = test_eas_parse (out);

	g_assert_cmpuint (root->tag, ==, EAS_SEARCH_SEARCH);
	g_assert_cmpstr (eas_node_child_text (root, EAS_SEARCH_STATUS), ==, "2");
	g_assert_null (eas_node_child (root, EAS_SEARCH_RESPONSE));
}

/* ---- ResolveRecipients ---------------------------------------------------- */

static EasResolveRequest *
resolve_decode (const char *xml, GError **error)
{
	g_autoptr (GBytes) doc = test_eas_doc ("ResolveRecipients", xml);
	g_autoptr (EasNode) root = test_eas_parse (doc);

	return eas_resolve_request_decode (root, error);
}

static void
assert_resolve_invalid (const char *xml, EasResolveErrorCode code)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasResolveRequest) r = resolve_decode (xml, &error);

	g_assert_null (r);
	g_assert_error (error, EAS_RESOLVE_ERROR, (gint) code);
}

static void
test_resolve_decode (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasResolveRequest) r = resolve_decode (
		"<ResolveRecipients><To>alice</To><To>Bob &lt;bob@example.org&gt;</To><Options>"
		"<CertificateRetrieval>2</CertificateRetrieval><MaxCertificates>5</MaxCertificates>"
		"<MaxAmbiguousRecipients>3</MaxAmbiguousRecipients>"
		"<Availability><StartTime>2026-11-26T08:00:00.000Z</StartTime>"
		"<EndTime>2026-11-26T10:15:00.000Z</EndTime></Availability>"
		"<Picture><MaxSize>100</MaxSize></Picture></Options></ResolveRecipients>", &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->to->len, ==, 2);
	g_assert_cmpstr (g_ptr_array_index (r->to, 1), ==, "Bob <bob@example.org>");
	g_assert_cmpint (r->cert_retrieval, ==, EAS_RESOLVE_CERTS_FULL);
	g_assert_cmpuint (r->max_certificates, ==, 5);
	g_assert_cmpuint (r->max_ambiguous, ==, 3);
	g_assert_true (r->availability);
	g_assert_true (r->picture);
	/* 2 h 15 min: 4.5 intervals of 30 minutes, rounded up. */
	g_assert_cmpuint (eas_resolve_freebusy_length (r), ==, 5);
}

static void
test_resolve_errors (void)
{
	assert_resolve_invalid ("<ResolveRecipients><Options/></ResolveRecipients>", EAS_RESOLVE_ERROR_INVALID);
	assert_resolve_invalid ("<ResolveRecipients><To></To></ResolveRecipients>", EAS_RESOLVE_ERROR_INVALID);
	assert_resolve_invalid ("<ResolveRecipients><To>a</To><Options><CertificateRetrieval>4</CertificateRetrieval>"
	                        "</Options></ResolveRecipients>", EAS_RESOLVE_ERROR_INVALID);
	assert_resolve_invalid ("<ResolveRecipients><To>a</To><Options><Availability>"
	                        "<StartTime>2026-11-26T10:00:00Z</StartTime><EndTime>2026-11-26T09:00:00Z</EndTime>"
	                        "</Availability></Options></ResolveRecipients>", EAS_RESOLVE_ERROR_INVALID);
	/* [MS-ASCMD] 2.2.3.61.1: less than 30 minutes */
	assert_resolve_invalid ("<ResolveRecipients><To>a</To><Options><Availability>"
	                        "<StartTime>2026-11-26T10:00:00Z</StartTime><EndTime>2026-11-26T10:29:59Z</EndTime>"
	                        "</Availability></Options></ResolveRecipients>", EAS_RESOLVE_ERROR_INVALID);
	assert_resolve_invalid ("<ResolveRecipients><To>a</To><Options><Availability>"
	                        "<StartTime>yesterday</StartTime><EndTime>2026-11-26T09:00:00Z</EndTime>"
	                        "</Availability></Options></ResolveRecipients>", EAS_RESOLVE_ERROR_INVALID);
}

static void
test_resolve_limits (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GString) ok = g_string_new ("<ResolveRecipients>");
	g_autoptr (GString) bad = NULL;
	g_autofree char *len_ok = g_strnfill (EAS_RESOLVE_MAX_TO_LEN, 'x');
	g_autofree char *len_bad = g_strnfill (EAS_RESOLVE_MAX_TO_LEN + 1, 'x');
	g_autofree char *xml_len_ok = g_strdup_printf ("<ResolveRecipients><To>%s</To></ResolveRecipients>", len_ok);
	g_autofree char *xml_len_bad = g_strdup_printf ("<ResolveRecipients><To>%s</To></ResolveRecipients>", len_bad);
	g_autoptr (EasResolveRequest) r = NULL;
	g_autoptr (EasResolveRequest) r2 = NULL;
	g_autoptr (EasResolveRequest) span = NULL;
	/* 42 days = 2,016 intervals of 30 minutes: at the limit, and one second more. */
	const char *span_ok = "<ResolveRecipients><To>a</To><Options><Availability>"
	                      "<StartTime>2026-01-01T00:00:00Z</StartTime><EndTime>2026-02-12T00:00:00Z</EndTime>"
	                      "</Availability></Options></ResolveRecipients>";
	const char *span_bad = "<ResolveRecipients><To>a</To><Options><Availability>"
	                       "<StartTime>2026-01-01T00:00:00Z</StartTime><EndTime>2026-02-12T00:00:01Z</EndTime>"
	                       "</Availability></Options></ResolveRecipients>";
	/* Without EndTime: seven days. */
	const char *span_default = "<ResolveRecipients><To>a</To><Options><Availability>"
	                           "<StartTime>2026-01-01T00:00:00Z</StartTime>"
	                           "</Availability></Options></ResolveRecipients>";
	g_autoptr (EasResolveRequest) span7 = NULL;

	for (guint i = 0; i < EAS_RESOLVE_MAX_TO; i++)
		g_string_append (ok, "<To>a</To>");
	bad = g_string_new (ok->str);
	g_string_append (ok, "</ResolveRecipients>");
	g_string_append (bad, "<To>a</To></ResolveRecipients>");
	r = resolve_decode (ok->str, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->to->len, ==, EAS_RESOLVE_MAX_TO);
	assert_resolve_invalid (bad->str, EAS_RESOLVE_ERROR_LIMIT);
	r2 = resolve_decode (xml_len_ok, &error);
	g_assert_no_error (error);
	assert_resolve_invalid (xml_len_bad, EAS_RESOLVE_ERROR_INVALID);
	span = resolve_decode (span_ok, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (eas_resolve_freebusy_length (span), ==, 42 * 48);
	assert_resolve_invalid (span_bad, EAS_RESOLVE_ERROR_LIMIT);
	span7 = resolve_decode (span_default, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (eas_resolve_freebusy_length (span7), ==, 7 * 48);
}

static void
test_resolve_encode (void)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autoptr (GBytes) out = NULL;
	g_autoptr (EasNode) root = NULL;
	EasResolveRecipient rec = { .display_name = "alice", .email_address = "alice@example.org", .type = 1,
	                            .availability_status = 1, .merged_free_busy = "0000",
	                            .certificates_status = EAS_RESOLVE_STATUS_NO_CERTIFICATE };
	const EasNode *resp, *recip;

	eas_resolve_write_begin (w);
	eas_resolve_write_response_begin (w, "alice", EAS_RESOLVE_STATUS_SUCCESS, 1);
	eas_resolve_write_recipient (w, &rec);
	eas_resolve_write_response_end (w);
	eas_resolve_write_response_begin (w, "nobody", EAS_RESOLVE_STATUS_NOT_RESOLVED, 0);
	eas_resolve_write_response_end (w);
	eas_resolve_write_end (w);
	out = eas_wbxml_writer_finish (w, NULL);
	root = test_eas_parse (out);
	g_assert_cmpstr (eas_node_child_text (root, EAS_RESOLVERECIPIENTS_STATUS), ==, "1");
	resp = eas_node_child (root, EAS_RESOLVERECIPIENTS_RESPONSE);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_RESOLVERECIPIENTS_TO), ==, "alice");
	recip = eas_node_child (resp, EAS_RESOLVERECIPIENTS_RECIPIENT);
	g_assert_cmpstr (eas_node_child_text (recip, EAS_RESOLVERECIPIENTS_EMAIL_ADDRESS), ==, "alice@example.org");
	g_assert_cmpstr (eas_node_child_text (eas_node_child (recip, EAS_RESOLVERECIPIENTS_AVAILABILITY),
	                                      EAS_RESOLVERECIPIENTS_MERGED_FREE_BUSY), ==, "0000");
	g_assert_cmpstr (eas_node_child_text (eas_node_child (recip, EAS_RESOLVERECIPIENTS_CERTIFICATES),
	                                      EAS_RESOLVERECIPIENTS_STATUS), ==, "7");
	resp = eas_node_next_same (resp);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_RESOLVERECIPIENTS_STATUS), ==, "4");
	g_assert_null (eas_node_child (resp, EAS_RESOLVERECIPIENTS_RECIPIENT));
}

/* ---- ValidateCert --------------------------------------------------------- */

static char *
certs_xml (guint n, const char *text)
{
	g_autoptr (GString) s = g_string_new ("<ValidateCert><Certificates>");

	for (guint i = 0; i < n; i++)
		g_string_append_printf (s, "<Certificate>%s</Certificate>", text);
	g_string_append (s, "</Certificates><CheckCRL>1</CheckCRL></ValidateCert>");
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static EasValidateCertRequest *
vc_decode (const char *xml, GError **error)
{
	g_autoptr (GBytes) doc = test_eas_doc ("ValidateCert", xml);
	g_autoptr (EasNode) root = test_eas_parse (doc);

	return eas_validatecert_request_decode (root, error);
}

static void
test_validatecert_decode (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasValidateCertRequest) r = vc_decode (
		"<ValidateCert><CertificateChain><Certificate>AAEC</Certificate></CertificateChain>"
		"<Certificates><Certificate>aGVs bG8=</Certificate><Certificate>a*b=</Certificate>"
		"<Certificate>aGVsbG8</Certificate><Certificate>aG=Vs</Certificate></Certificates>"
		"<CheckCRL>1</CheckCRL></ValidateCert>", &error);
	GBytes *b;

	g_assert_no_error (error);
	g_assert_true (r->check_crl);
	g_assert_cmpuint (r->chain->len, ==, 1);
	g_assert_cmpuint (r->certificates->len, ==, 4);
	b = g_ptr_array_index (r->certificates, 0);
	g_assert_cmpmem (g_bytes_get_data (b, NULL), g_bytes_get_size (b), "hello", 5);
	/* Bad alphabet, bad length, '=' inside: kept as NULL (status 17 later). */
	g_assert_null (g_ptr_array_index (r->certificates, 1));
	g_assert_null (g_ptr_array_index (r->certificates, 2));
	g_assert_null (g_ptr_array_index (r->certificates, 3));
}

static void
test_validatecert_limits (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *ok = certs_xml (EAS_VALIDATECERT_MAX_CERTS, "AAEC");
	g_autofree char *bad = certs_xml (EAS_VALIDATECERT_MAX_CERTS + 1, "AAEC");
	g_autoptr (EasValidateCertRequest) r = vc_decode (ok, &error);
	g_autoptr (EasValidateCertRequest) r2 = NULL;
	g_autoptr (EasValidateCertRequest) r3 = NULL;
	g_autoptr (EasValidateCertRequest) r4 = NULL;

	g_assert_no_error (error);
	g_assert_cmpuint (r->certificates->len, ==, EAS_VALIDATECERT_MAX_CERTS);
	r2 = vc_decode (bad, &error);
	g_assert_null (r2);
	g_assert_error (error, EAS_VALIDATECERT_ERROR, EAS_VALIDATECERT_ERROR_LIMIT);
	g_clear_error (&error);
	r3 = vc_decode ("<ValidateCert><Certificates/></ValidateCert>", &error);
	g_assert_error (error, EAS_VALIDATECERT_ERROR, EAS_VALIDATECERT_ERROR_INVALID);
	g_clear_error (&error);
	r4 = vc_decode ("<ValidateCert><Certificates><Certificate>AAEC</Certificate></Certificates>"
	                "<CheckCRL>2</CheckCRL></ValidateCert>", &error);
	g_assert_error (error, EAS_VALIDATECERT_ERROR, EAS_VALIDATECERT_ERROR_INVALID);
}

/* ---- Autodiscover --------------------------------------------------------- */

static EasAutodiscoverRequest *
ad_parse (const char *xml, GError **error)
{
	return eas_autodiscover_request_parse ((const guint8 *) xml, strlen (xml), error);
}

static void
test_autodiscover_parse (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasAutodiscoverRequest) r = ad_parse (
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Autodiscover xmlns=\"http://schemas.microsoft.com/"
		"exchange/autodiscover/mobilesync/requestschema/2006\"><Request>\r\n<EMailAddress> a&amp;b@example.org "
		"</EMailAddress><AcceptableResponseSchema>" EAS_AUTODISCOVER_MOBILESYNC_RESPONSE_SCHEMA
		"</AcceptableResponseSchema></Request></Autodiscover>", &error);
	g_autoptr (EasAutodiscoverRequest) o = ad_parse (
		"<a:Autodiscover xmlns:a=\"x\"><a:Request><a:EMailAddress>x@y</a:EMailAddress><a:AcceptableResponseSchema>"
		EAS_AUTODISCOVER_OUTLOOK_RESPONSE_SCHEMA "</a:AcceptableResponseSchema></a:Request></a:Autodiscover>", &error);

	g_assert_no_error (error);
	g_assert_cmpstr (r->email_address, ==, "a&b@example.org");
	g_assert_true (eas_autodiscover_wants_mobilesync (r));
	g_assert_cmpstr (o->email_address, ==, "x@y");
	g_assert_false (eas_autodiscover_wants_mobilesync (o));
}

static void
test_autodiscover_errors (void)
{
	static const char *const bad[] = {
		"", "not xml", "<Other><Request><EMailAddress>a@b</EMailAddress></Request></Other>",
		"<Autodiscover><Request></Request></Autodiscover>", "<Autodiscover><Request><EMailAddress>a@b",
		"<Autodiscover><EMailAddress>a@b</EMailAddress></Autodiscover>",
	};

	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (EasAutodiscoverRequest) r = ad_parse (bad[i], &error);
		g_assert_null (r);
		g_assert_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_INVALID);
	}
}

static char *
ad_with_email (gsize n)
{
	g_autofree char *addr = g_strnfill (n, 'a');
	return g_strdup_printf ("<Autodiscover><Request><EMailAddress>%s</EMailAddress></Request></Autodiscover>", addr);
}

static void
test_autodiscover_limits (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *ok = ad_with_email (EAS_AUTODISCOVER_MAX_EMAIL);
	g_autofree char *bad = ad_with_email (EAS_AUTODISCOVER_MAX_EMAIL + 1);
	g_autoptr (EasAutodiscoverRequest) r = ad_parse (ok, &error);
	g_autoptr (EasAutodiscoverRequest) r2 = NULL;
	g_autoptr (EasAutodiscoverRequest) r3 = NULL;
	g_autoptr (GString) deep = g_string_new ("<Autodiscover><Request><EMailAddress>a@b</EMailAddress></Request>");
	g_autoptr (GString) big = g_string_new (NULL);

	g_assert_no_error (error);
	g_assert_cmpuint (strlen (r->email_address), ==, EAS_AUTODISCOVER_MAX_EMAIL);
	r2 = ad_parse (bad, &error);
	g_assert_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_LIMIT);
	g_clear_error (&error);
	for (guint i = 1; i < EAS_AUTODISCOVER_MAX_DEPTH; i++)
		g_string_append (deep, "<x>");
	g_string_append (deep, "<x/>");
	for (guint i = 1; i < EAS_AUTODISCOVER_MAX_DEPTH; i++)
		g_string_append (deep, "</x>");
	g_string_append (deep, "</Autodiscover>");
	r3 = ad_parse (deep->str, &error);
	g_assert_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_LIMIT);
	g_clear_error (&error);
	g_string_append (big, ok);
	while (big->len <= EAS_AUTODISCOVER_MAX_BYTES)
		g_string_append_c (big, ' ');
	g_assert_null (eas_autodiscover_request_parse ((const guint8 *) big->str, big->len, &error));
	g_assert_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_LIMIT);
}

static void
test_autodiscover_build (void)
{
	g_autoptr (GBytes) ok = eas_autodiscover_build_response ("en:us", "A <&> B", "a@b", "https://h/Microsoft-Server-ActiveSync");
	g_autoptr (GBytes) err = eas_autodiscover_build_error (601, "nope");
	g_autofree char *s = g_strndup (g_bytes_get_data (ok, NULL), g_bytes_get_size (ok));
	g_autofree char *e = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));

	g_assert_nonnull (strstr (s, "<DisplayName>A &lt;&amp;&gt; B</DisplayName>"));
	g_assert_nonnull (strstr (s, "<Url>https://h/Microsoft-Server-ActiveSync</Url>"));
	g_assert_nonnull (strstr (s, "<Name>https://h/Microsoft-Server-ActiveSync</Name>"));
	g_assert_nonnull (strstr (s, "<Response xmlns=\"" EAS_AUTODISCOVER_MOBILESYNC_RESPONSE_SCHEMA "\">"));
	g_assert_nonnull (strstr (e, "<ErrorCode>601</ErrorCode>"));
}

/* ---- Find ----------------------------------------------------------------- */

static EasFindRequest *
find_decode (const char *xml, GError **error)
{
	g_autoptr (GBytes) doc = test_eas_doc ("Find", xml);
	g_autoptr (EasNode) root = test_eas_parse (doc);

	return eas_find_request_decode (root, error);
}

static void
test_find_decode (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasFindRequest) m = find_decode (
		"<Find><SearchId>1</SearchId><ExecuteSearch><MailBoxSearchCriterion><Query>"
		"<AirSync:Class>Email</AirSync:Class><AirSync:CollectionId>7</AirSync:CollectionId>"
		"<FreeText>hello world</FreeText></Query><Options><Range>0-499</Range><DeepTraversal/></Options>"
		"</MailBoxSearchCriterion></ExecuteSearch></Find>", &error);
	g_autoptr (EasFindRequest) g = find_decode (
		"<Find><SearchId>2</SearchId><ExecuteSearch><GalSearchCriterion><Query><FreeText>al</FreeText></Query>"
		"</GalSearchCriterion></ExecuteSearch></Find>", &error);

	g_assert_no_error (error);
	g_assert_false (m->gal);
	g_assert_cmpstr (m->free_text, ==, "hello world");
	g_assert_cmpstr (m->collection_id, ==, "7");
	g_assert_cmpuint (m->range_end, ==, EAS_SEARCH_MAX_RANGE - 1);
	g_assert_true (m->deep_traversal);
	g_assert_true (g->gal);
	g_assert_cmpstr (g->free_text, ==, "al");
}

static void
test_find_errors (void)
{
	static const char *const bad[] = {
		"<Find><ExecuteSearch><GalSearchCriterion><Query><FreeText>a</FreeText></Query></GalSearchCriterion>"
		"</ExecuteSearch></Find>",
		"<Find><SearchId>1</SearchId><ExecuteSearch></ExecuteSearch></Find>",
		"<Find><SearchId>1</SearchId><ExecuteSearch><GalSearchCriterion><Query></Query></GalSearchCriterion>"
		"</ExecuteSearch></Find>",
		"<Find><SearchId>1</SearchId><ExecuteSearch><GalSearchCriterion><Query><FreeText>a</FreeText></Query>"
		"<Options><Range>5-1</Range></Options></GalSearchCriterion></ExecuteSearch></Find>",
	};

	for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (EasFindRequest) r = find_decode (bad[i], &error);
		g_assert_null (r);
		g_assert_error (error, EAS_FIND_ERROR, EAS_FIND_ERROR_INVALID);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/search/decode/mailbox", test_decode_mailbox);
	g_test_add_func ("/search/decode/gal", test_decode_gal);
	g_test_add_func ("/search/decode/picture", test_decode_picture);
	g_test_add_func ("/search/decode/range", test_decode_range);
	g_test_add_func ("/search/decode/errors", test_decode_errors);
	g_test_add_func ("/search/limit/depth", test_limit_depth);
	g_test_add_func ("/search/limit/nodes", test_limit_nodes);
	g_test_add_func ("/search/limit/text", test_limit_text);
	g_test_add_func ("/search/encode/empty", test_encode_empty);
	g_test_add_func ("/search/encode/gal", test_encode_gal);
	g_test_add_func ("/search/encode/status", test_encode_status);
	g_test_add_func ("/resolve/decode", test_resolve_decode);
	g_test_add_func ("/resolve/errors", test_resolve_errors);
	g_test_add_func ("/resolve/limits", test_resolve_limits);
	g_test_add_func ("/resolve/encode", test_resolve_encode);
	g_test_add_func ("/validatecert/decode", test_validatecert_decode);
	g_test_add_func ("/validatecert/limits", test_validatecert_limits);
	g_test_add_func ("/autodiscover/parse", test_autodiscover_parse);
	g_test_add_func ("/autodiscover/errors", test_autodiscover_errors);
	g_test_add_func ("/autodiscover/limits", test_autodiscover_limits);
	g_test_add_func ("/autodiscover/build", test_autodiscover_build);
	g_test_add_func ("/find/decode", test_find_decode);
	g_test_add_func ("/find/errors", test_find_errors);
	return g_test_run ();
}
