/* fuzz-search.c — the Search, Find and ResolveRecipients request decoders on
 * arbitrary bytes; whatever decodes must respect the limits and yield a
 * writable response. */
#include "config.h"

#include <string.h>

#include "eas/eas-find.h"
#include "eas/eas-resolve.h"
#include "eas/eas-search.h"
#include "eas/eas-wbxml.h"
#include "fuzz.h"

static guint
query_nodes (const EasSearchQuery *q, guint depth)
{
	guint n = 1;

	g_assert_cmpuint (depth, <=, EAS_SEARCH_MAX_DEPTH);
	if (q->children != NULL)
		for (guint i = 0; i < q->children->len; i++)
			n += query_nodes (g_ptr_array_index (q->children, i), depth + 1);
	return n;
}

static void
check_resolve (const EasNode *root)
{
	g_autoptr (EasResolveRequest) rr = eas_resolve_request_decode (root, NULL);
	g_autoptr (EasWbxmlWriter) w = NULL;
	g_autoptr (GBytes) out = NULL;
	EasResolveRecipient rec = { .display_name = "a", .email_address = "a@b", .type = 1 };

	if (rr == NULL)
		return;
	g_assert_cmpuint (rr->to->len, >=, 1);
	g_assert_cmpuint (rr->to->len, <=, EAS_RESOLVE_MAX_TO);
	g_assert_cmpuint (eas_resolve_freebusy_length (rr), <=, EAS_RESOLVE_MAX_FREEBUSY);
	if (rr->availability) {
		/* Events around and across the span never write past its digits. */
		guint n = eas_resolve_freebusy_length (rr);
		g_autofree char *fb = g_strnfill (n, EAS_RESOLVE_FB_FREE);
		guint sent = 0;

		eas_resolve_freebusy_mark (rr, fb, rr->start_time - 60, rr->end_time + 60, EAS_RESOLVE_FB_TENTATIVE);
		eas_resolve_freebusy_mark (rr, fb, rr->end_time - 1, rr->end_time - 1, EAS_RESOLVE_FB_OOF);
		eas_resolve_freebusy_mark (rr, fb, G_MININT64 / 2, rr->start_time, EAS_RESOLVE_FB_BUSY);
		g_assert_cmpuint (strlen (fb), ==, n);
		g_assert_cmpint (fb[0], ==, EAS_RESOLVE_FB_TENTATIVE);
		g_assert_cmpint (fb[n - 1], ==, EAS_RESOLVE_FB_OOF);
		(void) eas_resolve_picture_status (rr, NULL, &sent);
	}
	w = eas_wbxml_writer_new ();
	eas_resolve_write_begin (w);
	for (guint i = 0; i < rr->to->len; i++) {
		eas_resolve_write_response_begin (w, g_ptr_array_index (rr->to, i), EAS_RESOLVE_STATUS_SUCCESS, 1);
		eas_resolve_write_recipient (w, &rec);
		eas_resolve_write_response_end (w);
	}
	eas_resolve_write_end (w);
	out = eas_wbxml_writer_finish (w, NULL);
	g_assert_nonnull (out);
}

static void
check_find (const EasNode *root)
{
	g_autoptr (EasFindRequest) fr = eas_find_request_decode (root, NULL);
	g_autoptr (EasWbxmlWriter) w = NULL;
	g_autoptr (GBytes) out = NULL;
	EasFindMailResult r = { .server_id = "1:1", .collection_id = "1" };

	if (fr == NULL)
		return;
	g_assert_nonnull (fr->free_text);
	g_assert_cmpuint (fr->range_end - fr->range_start, <, EAS_SEARCH_MAX_RANGE);
	r.subject = fr->free_text;
	w = eas_wbxml_writer_new ();
	eas_find_write_begin (w, fr->gal ? "GAL" : "Mailbox");
	eas_find_write_mail_result (w, &r);
	eas_find_write_end (w, fr->range_start, 1, 1);
	out = eas_wbxml_writer_finish (w, NULL);
	g_assert_nonnull (out);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (EasNode) root = eas_wbxml_parse (data, size, NULL, NULL);
	g_autoptr (EasSearchRequest) req = NULL;
	g_autoptr (EasWbxmlWriter) w = NULL;
	g_autoptr (GBytes) out = NULL;

	if (root == NULL)
		return 0;
	check_resolve (root);
	check_find (root);
	req = eas_search_request_decode (root, 161, NULL);
	if (req == NULL)
		return 0;
	g_assert_cmpuint (req->range_start, <=, req->range_end);
	g_assert_cmpuint (req->range_end - req->range_start, <, EAS_SEARCH_MAX_RANGE);
	if (req->query != NULL)
		g_assert_cmpuint (query_nodes (req->query, 0), <=, EAS_SEARCH_MAX_NODES);
	if (req->gal_query != NULL) {
		EasGalEntry e = { .display_name = req->gal_query };
		w = eas_wbxml_writer_new ();
		eas_search_write_begin (w, EAS_SEARCH_STATUS_SUCCESS);
		eas_search_write_gal_result (w, &e);
		eas_search_write_end (w, req->range_start, 1, 1);
		out = eas_wbxml_writer_finish (w, NULL);
		g_assert_nonnull (out);
	}
	return 0;
}
