/* airdockd-cmd-search.c — Search ([MS-ASCMD] 2.2.1.16): GAL over the
 * server's accounts and the imported directory, Mailbox over the
 * full-text index (airdockd-search-index.h).
 *
 * Statuses: an undecodable request gets Search Status 2 (protocol error);
 * a Mailbox query we cannot express (EqualTo, an Or over anything but free
 * text, a CollectionId outside And, a comparison on another property than
 * DateReceived) gets Store Status 8 (too complex), a date that does not
 * parse Store Status 2; DocumentLibrary gets Store Status 5 (we offer
 * none); a store failure Store Status 3.  Ranges past the results give no
 * Result and the Total.
 */
#include "config.h"

#include <string.h>

#include "eas/eas-search.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-email.h"
#include "server/airdockd-gal.h"
#include "server/airdockd-search-index.h"

typedef struct {
	AirdockdSearchIndex *index;
	GError *error;		/* why SERVER_ERROR was returned */
	AirdockdSearchFilter filter;
	GString *fts;
	GPtrArray *collections;	/* const char *, borrowed from the query; NULL-terminated at the end */
	gboolean other_class;	/* Class other than Email: nothing matches */
} MailQuery;

static EasSearchStatus mail_collect (const EasSearchQuery *q, gboolean top, MailQuery *m);

/* The FTS5 expression of a FreeText; NULL with m->error set on failure. */
static char *
text_expression (MailQuery *m, const char *text)
{
	g_clear_error (&m->error);
	return airdockd_search_index_expression (m->index, text, &m->error);
}

/* Or: only of free text (and nested Ors of it), as one FTS expression;
 * anything else under Or is more than we evaluate ([MS-ASCMD] 2.2.3.30.5:
 * a CollectionId outside And is SearchTooComplex). */
static EasSearchStatus
or_expression (MailQuery *m, const EasSearchQuery *q, GString *out)
{
	EasSearchStatus st;

	g_string_append_c (out, '(');
	for (guint i = 0; i < q->children->len; i++) {
		const EasSearchQuery *c = g_ptr_array_index (q->children, i);
		g_autofree char *expr = NULL;

		if (c->kind == EAS_SEARCH_QUERY_OR) {
			g_autoptr (GString) sub = g_string_new (NULL);
			if ((st = or_expression (m, c, sub)) != EAS_SEARCH_STATUS_SUCCESS)
				return st;
			expr = g_string_free (g_steal_pointer (&sub), FALSE);
		} else if (c->kind == EAS_SEARCH_QUERY_FREE_TEXT) {
			expr = text_expression (m, c->text);
			if (expr == NULL)
				return EAS_SEARCH_STATUS_SERVER_ERROR;
		} else {
			return EAS_SEARCH_STATUS_TOO_COMPLEX;
		}
		g_string_append_printf (out, "%s(%s)", i > 0 ? " OR " : "", expr);
	}
	g_string_append_c (out, ')');
	return EAS_SEARCH_STATUS_SUCCESS;
}

static void
fts_and (MailQuery *m, const char *expr)
{
	if (m->fts->len > 0)
		g_string_append (m->fts, " AND ");
	g_string_append_printf (m->fts, "(%s)", expr);
}

/* [MS-ASCMD] 2.2.3.83/2.2.3.93: dates are compared on Email:DateReceived
 * (any other property is more than we evaluate); the Value is an ISO 8601
 * date-time, anything else a protocol error. */
static EasSearchStatus
mail_date (const EasSearchQuery *q, MailQuery *m)
{
	g_autoptr (GDateTime) dt = NULL;
	g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
	gint64 t;

	if (q->property != EAS_EMAIL_DATE_RECEIVED)
		return EAS_SEARCH_STATUS_TOO_COMPLEX;
	dt = g_date_time_new_from_iso8601 (q->text, utc);
	if (dt == NULL)
		return EAS_SEARCH_STATUS_INVALID_REQUEST;
	t = g_date_time_to_unix (dt);
	if (q->kind == EAS_SEARCH_QUERY_GREATER_THAN)
		m->filter.received_after = MAX (m->filter.received_after, t);
	else if (m->filter.received_before == 0)
		m->filter.received_before = t;
	else
		m->filter.received_before = MIN (m->filter.received_before, t);
	return EAS_SEARCH_STATUS_SUCCESS;
}

static EasSearchStatus
mail_collect_and (const EasSearchQuery *q, MailQuery *m)
{
	for (guint i = 0; i < q->children->len; i++) {
		EasSearchStatus st = mail_collect (g_ptr_array_index (q->children, i), FALSE, m);
		if (st != EAS_SEARCH_STATUS_SUCCESS)
			return st;
	}
	return EAS_SEARCH_STATUS_SUCCESS;
}

/* Status 1 when the query element was added to m; 8 (SearchTooComplex)
 * for what we do not evaluate: EqualTo (DocumentLibrary only), Or over
 * anything but free text, a comparison on another property; 2 for a bad
 * value. */
static EasSearchStatus
mail_collect (const EasSearchQuery *q, gboolean top, MailQuery *m)
{
	g_autofree char *expr = NULL;
	g_autoptr (GString) or = NULL;
	EasSearchStatus st;

	switch (q->kind) {
	case EAS_SEARCH_QUERY_AND:
		return mail_collect_and (q, m);
	case EAS_SEARCH_QUERY_OR:
		or = g_string_new (NULL);
		st = or_expression (m, q, or);
		if (st == EAS_SEARCH_STATUS_SUCCESS)
			fts_and (m, or->str);
		return st;
	case EAS_SEARCH_QUERY_FREE_TEXT:
		expr = text_expression (m, q->text);
		if (expr == NULL)
			return EAS_SEARCH_STATUS_SERVER_ERROR;
		fts_and (m, expr);
		return EAS_SEARCH_STATUS_SUCCESS;
	case EAS_SEARCH_QUERY_CLASS:
		if (g_ascii_strcasecmp (q->text, "Email") != 0)
			m->other_class = TRUE;
		return EAS_SEARCH_STATUS_SUCCESS;
	case EAS_SEARCH_QUERY_COLLECTION_ID:
		/* [MS-ASCMD] 2.2.3.30.5: several CollectionIds name several
		 * folders; outside And the query is too complex. */
		if (top)
			return EAS_SEARCH_STATUS_TOO_COMPLEX;
		g_ptr_array_add (m->collections, q->text);
		return EAS_SEARCH_STATUS_SUCCESS;
	case EAS_SEARCH_QUERY_GREATER_THAN:
	case EAS_SEARCH_QUERY_LESS_THAN:
		return mail_date (q, m);
	case EAS_SEARCH_QUERY_CONVERSATION_ID:
		m->filter.conversation_id = q->opaque;
		return EAS_SEARCH_STATUS_SUCCESS;
	case EAS_SEARCH_QUERY_EQUAL_TO:
	default:
		return EAS_SEARCH_STATUS_TOO_COMPLEX;
	}
}

static void
write_mail_hits (AirdockdRequest *req, const EasSearchRequest *sr, GPtrArray *hits,
                 EasWbxmlWriter *w, guint *out_count)
{
	guint count = 0;

	for (guint i = 0; i < hits->len; i++) {
		const AirdockdSearchHit *hit = g_ptr_array_index (hits, i);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasEmailItem) item = airdockd_email_load (req->store, req->user_id, hit->server_id,
		                                                     &sr->email, &error);

		if (item == NULL)	/* deleted between query and load */
			continue;
		eas_search_write_mail_result (w, hit->server_id, hit->collection_id, item, &sr->email);
		count++;
	}
	*out_count = count;
}

static GBytes *
store_status_only (EasSearchStatus status)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_search_write_begin (w, status);
	eas_search_write_end (w, 0, 0, 0);
	return eas_wbxml_writer_finish (w, NULL);
}

/* RebuildResults needs nothing: results are never cached, every Search
 * runs on the live index. */
static GBytes *
search_mailbox (AirdockdRequest *req, const EasSearchRequest *sr)
{
	g_autoptr (GString) fts = g_string_new (NULL);
	g_autoptr (GPtrArray) collections = g_ptr_array_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdSearchIndex) index = airdockd_search_index_open (req->store, &error);
	MailQuery m = { .index = index, .fts = fts, .collections = collections };
	g_autoptr (GPtrArray) hits = NULL;
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	EasSearchStatus st;
	guint64 total = 0;
	guint count = 0;

	if (index == NULL) {
		airdockd_request_log (req, G_LOG_LEVEL_WARNING, "search: %s", error->message);
		return store_status_only (EAS_SEARCH_STATUS_SERVER_ERROR);
	}
	st = mail_collect (sr->query, TRUE, &m);
	if (st == EAS_SEARCH_STATUS_SERVER_ERROR)
		airdockd_request_log (req, G_LOG_LEVEL_WARNING, "search: %s", m.error->message);
	g_clear_error (&m.error);
	if (st != EAS_SEARCH_STATUS_SUCCESS)
		return store_status_only (st);
	m.filter.fts_match = fts->len > 0 ? fts->str : NULL;
	m.filter.deep_traversal = sr->deep_traversal;
	if (collections->len > 0) {
		g_ptr_array_add (collections, NULL);
		m.filter.collection_ids = (const char *const *) collections->pdata;
	}
	if (!m.other_class) {
		hits = airdockd_search_index_query (index, req->user_id, &m.filter, sr->range_start,
		                                    sr->range_end - sr->range_start + 1, &total, &error);
		if (hits == NULL) {
			airdockd_request_log (req, G_LOG_LEVEL_WARNING, "search: %s", error->message);
			return store_status_only (EAS_SEARCH_STATUS_SERVER_ERROR);
		}
	}
	eas_search_write_begin (w, EAS_SEARCH_STATUS_SUCCESS);
	if (hits != NULL)
		write_mail_hits (req, sr, hits, w, &count);
	eas_search_write_end (w, sr->range_start, count, total);
	return eas_wbxml_writer_finish (w, NULL);
}

static gboolean
gal_matches (const AirdockdUser *user, const char *folded_query)
{
	g_autofree char *name = g_utf8_casefold (user->name, -1);
	g_autofree char *email = g_utf8_casefold (user->email, -1);

	return g_str_has_prefix (name, folded_query) || g_str_has_prefix (email, folded_query);
}

/* The imported directory (airdockctl gal import) after the accounts:
 * *io_total accounts matched before it; the page continues from there. */
static void
search_imported (AirdockdRequest *req, const EasSearchRequest *sr, EasWbxmlWriter *w,
                 guint64 *io_total, guint *io_count, guint *io_pictures)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdGal) gal = airdockd_gal_open (req->store, &error);
	g_autoptr (GPtrArray) hits = NULL;
	guint64 before = *io_total, found = 0;
	guint offset = sr->range_start > before ? (guint) (sr->range_start - before) : 0;
	guint want = sr->range_end - sr->range_start + 1 - *io_count;

	if (gal != NULL)
		hits = airdockd_gal_search_page (gal, sr->gal_query, offset, want, &found, &error);
	if (hits == NULL) {
		airdockd_request_log (req, G_LOG_LEVEL_WARNING, "search: %s", error->message);
		return;
	}
	*io_total += found;
	for (guint i = 0; i < hits->len; i++) {
		EasGalEntry entry = { 0 };

		airdockd_gal_entry_to_eas (g_ptr_array_index (hits, i), &entry);
		entry.picture_status = eas_search_picture_status (sr, entry.picture, io_pictures);
		eas_search_write_gal_result (w, &entry);
		(*io_count)++;
	}
}

/* [MS-ASCMD] 2.2.3.139.1: prefix matches over names and addresses, the
 * server's accounts first, then the imported directory; Range is a window
 * on that list (clamped to it), Total counts all of it.  Photos (imported
 * vCard PHOTO) go out as Picture asks, within MaxSize and MaxPictures. */
static GBytes *
search_gal (AirdockdRequest *req, const EasSearchRequest *sr)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) users = airdockd_store_user_list (req->store, &error);
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autofree char *folded = g_utf8_casefold (sr->gal_query, -1);
	guint64 total = 0;
	guint count = 0;
	guint pictures = 0;

	if (users == NULL) {
		airdockd_request_log (req, G_LOG_LEVEL_WARNING, "search: %s", error->message);
		return store_status_only (EAS_SEARCH_STATUS_SERVER_ERROR);
	}
	eas_search_write_begin (w, EAS_SEARCH_STATUS_SUCCESS);
	for (guint i = 0; i < users->len; i++) {
		const AirdockdUser *u = g_ptr_array_index (users, i);
		EasGalEntry entry = { 0 };

		if (!gal_matches (u, folded))
			continue;
		total++;
		if (total - 1 < sr->range_start || total - 1 > sr->range_end)
			continue;
		entry.display_name = u->name;
		entry.alias = u->name;
		entry.email_address = u->email;
		entry.picture_status = eas_search_picture_status (sr, NULL, &pictures);	/* accounts have none */
		eas_search_write_gal_result (w, &entry);
		count++;
	}
	search_imported (req, sr, w, &total, &count, &pictures);
	eas_search_write_end (w, sr->range_start, count, total);
	return eas_wbxml_writer_finish (w, NULL);
}

void
airdockd_cmd_search (AirdockdRequest *req)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (req->body, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, NULL, &error);
	g_autoptr (EasSearchRequest) sr = NULL;
	g_autoptr (EasWbxmlWriter) w = NULL;

	if (root != NULL)
		sr = eas_search_request_decode (root, req->version, &error);
	if (sr == NULL) {
		airdockd_request_log (req, G_LOG_LEVEL_INFO, "bad request: %s", error->message);
		airdockd_request_set_wbxml (req, eas_search_encode_status (EAS_SEARCH_STATUS_INVALID_REQUEST));
		return;
	}
	switch (sr->store) {
	case EAS_SEARCH_STORE_GAL:
		airdockd_request_set_wbxml (req, search_gal (req, sr));
		break;
	case EAS_SEARCH_STORE_MAILBOX:
		airdockd_request_set_wbxml (req, search_mailbox (req, sr));
		break;
	case EAS_SEARCH_STORE_DOCUMENT_LIBRARY:
	default:
		w = eas_wbxml_writer_new ();
		eas_search_write_begin (w, EAS_SEARCH_STATUS_ACCESS_DENIED);
		eas_search_write_end (w, 0, 0, 0);
		airdockd_request_set_wbxml (req, eas_wbxml_writer_finish (w, NULL));
		break;
	}
}
