/* airdockd-cmd-find.c — Find (16.1, [MS-ASCMD] 2.2.1.2): mailbox search
 * over the full-text index (as Search), GAL over the accounts; paged by
 * Range.  The free text is words, all of which must match; KQL property
 * restrictions are not interpreted (they are searched as words).
 */
#include "config.h"

#include "eas/eas-find.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-gal.h"
#include "server/airdockd-search-index.h"

static void
write_hit (AirdockdRequest *req, EasWbxmlWriter *w, const AirdockdSearchHit *hit, guint *count)
{
	g_autoptr (AirdockdItem) item = airdockd_store_item_get (req->store, req->user_id, hit->server_id, NULL);
	EasFindMailResult r = { 0 };

	if (item == NULL)	/* deleted between query and load */
		return;
	r.server_id = item->server_id;
	r.collection_id = hit->collection_id;
	r.subject = item->subject;
	r.from = item->from;
	r.display_to = item->to;
	r.display_cc = item->cc;
	r.preview = item->preview;
	r.date_received = item->date_received;
	r.read = item->read;
	r.importance = item->importance;
	r.has_attachments = item->has_attachments;
	eas_find_write_mail_result (w, &r);
	(*count)++;
}

static GBytes *
find_mailbox (AirdockdRequest *req, const EasFindRequest *fr)
{
	const char *collections[] = { fr->collection_id, NULL };
	AirdockdSearchFilter filter = { .collection_ids = fr->collection_id != NULL ? collections : NULL };
	g_autofree char *expr = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdSearchIndex) index = NULL;
	g_autoptr (GPtrArray) hits = NULL;
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	gboolean email = fr->class_name == NULL || g_ascii_strcasecmp (fr->class_name, "Email") == 0;
	guint64 total = 0;
	guint count = 0;

	if (email && fr->free_text != NULL) {
		index = airdockd_search_index_open (req->store, &error);
		if (index != NULL)
			filter.fts_match = expr = airdockd_search_index_expression (index, fr->free_text, &error);
		if (expr != NULL)
			hits = airdockd_search_index_query (index, req->user_id, &filter, fr->range_start,
			                                    fr->range_end - fr->range_start + 1, &total, &error);
		if (hits == NULL) {
			airdockd_request_log (req, G_LOG_LEVEL_WARNING, "find: %s", error->message);
			return eas_find_encode_status (EAS_FIND_STATUS_INVALID_REQUEST);
		}
	}
	eas_find_write_begin (w, "Mailbox");
	for (guint i = 0; hits != NULL && i < hits->len; i++)
		write_hit (req, w, g_ptr_array_index (hits, i), &count);
	eas_find_write_end (w, fr->range_start, count, total);
	return eas_wbxml_writer_finish (w, NULL);
}

/* The imported directory (airdockctl gal import) after the accounts:
 * *io_total accounts matched before it; the page continues from there and
 * the Total counts every match. */
static void
find_imported (AirdockdRequest *req, const EasFindRequest *fr, EasWbxmlWriter *w,
               guint64 *io_total, guint *io_count)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdGal) gal = NULL;
	g_autoptr (GPtrArray) hits = NULL;
	guint64 before = *io_total, found = 0;
	guint offset = fr->range_start > before ? (guint) (fr->range_start - before) : 0;
	guint want = fr->range_end - fr->range_start + 1 - *io_count;

	if (fr->free_text == NULL || fr->free_text[0] == '\0')
		return;
	gal = airdockd_gal_open (req->store, &error);
	if (gal != NULL)
		hits = airdockd_gal_search_page (gal, fr->free_text, offset, want, &found, &error);
	if (hits == NULL) {
		airdockd_request_log (req, G_LOG_LEVEL_WARNING, "find: %s", error->message);
		return;
	}
	*io_total += found;
	for (guint i = 0; i < hits->len; i++) {
		EasGalEntry e = { 0 };

		airdockd_gal_entry_to_eas (g_ptr_array_index (hits, i), &e);
		eas_find_write_gal_result (w, &e);
		(*io_count)++;
	}
}

static GBytes *
find_gal (AirdockdRequest *req, const EasFindRequest *fr)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) users = airdockd_store_user_list (req->store, &error);
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autofree char *folded = g_utf8_casefold (fr->free_text, -1);
	guint64 total = 0;
	guint count = 0;

	if (users == NULL) {
		airdockd_request_log (req, G_LOG_LEVEL_WARNING, "find: %s", error->message);
		return eas_find_encode_status (EAS_FIND_STATUS_INVALID_REQUEST);
	}
	eas_find_write_begin (w, "GAL");
	for (guint i = 0; i < users->len; i++) {
		const AirdockdUser *u = g_ptr_array_index (users, i);
		g_autofree char *name = g_utf8_casefold (u->name, -1);
		g_autofree char *mail = g_utf8_casefold (u->email, -1);
		EasGalEntry e = { .display_name = u->name, .alias = u->name, .email_address = u->email };

		if (!g_str_has_prefix (name, folded) && !g_str_has_prefix (mail, folded))
			continue;
		if (total++ < fr->range_start || total - 1 > fr->range_end)
			continue;
		eas_find_write_gal_result (w, &e);
		count++;
	}
	find_imported (req, fr, w, &total, &count);
	eas_find_write_end (w, fr->range_start, count, total);
	return eas_wbxml_writer_finish (w, NULL);
}

void
airdockd_cmd_find (AirdockdRequest *req)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (req->body, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, NULL, &error);
	g_autoptr (EasFindRequest) fr = NULL;

	if (root != NULL)
		fr = eas_find_request_decode (root, &error);
	if (fr == NULL) {
		airdockd_request_log (req, G_LOG_LEVEL_INFO, "bad request: %s", error->message);
		airdockd_request_set_wbxml (req, eas_find_encode_status (EAS_FIND_STATUS_INVALID_REQUEST));
		return;
	}
	airdockd_request_set_wbxml (req, fr->gal ? find_gal (req, fr) : find_mailbox (req, fr));
}
