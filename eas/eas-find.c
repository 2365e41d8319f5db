/* eas-find.c — Find request decoder and response writer. */
#include "config.h"

#include <string.h>

#include "eas/eas-email.h"
#include "eas/eas-find.h"

G_DEFINE_QUARK (eas-find-error-quark, eas_find_error)

static gboolean
find_fail (GError **error, EasFindErrorCode code, EasTag tag, const char *what)
{
	g_set_error (error, EAS_FIND_ERROR, code, "Find: %s: %s", eas_tag_name (tag), what);
	return FALSE;
}

void
eas_find_request_free (EasFindRequest *request)
{
	if (request == NULL)
		return;
	g_free (request->search_id);
	g_free (request->free_text);
	g_free (request->class_name);
	g_free (request->collection_id);
	g_free (request);
}

static gboolean
take_text (const EasNode *n, char **slot, GError **error)
{
	if (n->text == NULL || n->text[0] == '\0')
		return find_fail (error, EAS_FIND_ERROR_INVALID, n->tag, "empty");
	if (strlen (n->text) > EAS_SEARCH_MAX_TEXT)
		return find_fail (error, EAS_FIND_ERROR_LIMIT, n->tag, "too long");
	if (*slot != NULL)
		return find_fail (error, EAS_FIND_ERROR_INVALID, n->tag, "given twice");
	*slot = g_strdup (n->text);
	return TRUE;
}

static gboolean
decode_query (const EasNode *query, EasFindRequest *r, GError **error)
{
	for (const EasNode *n = query->first_child; n != NULL; n = n->next) {
		gboolean ok;

		switch (n->tag) {
		case EAS_FIND_FREE_TEXT:
			ok = take_text (n, &r->free_text, error);
			break;
		case EAS_AIRSYNC_CLASS:
			ok = take_text (n, &r->class_name, error);
			break;
		case EAS_AIRSYNC_COLLECTION_ID:
			ok = take_text (n, &r->collection_id, error);
			break;
		default:
			ok = find_fail (error, EAS_FIND_ERROR_INVALID, n->tag, "unexpected in Query");
			break;
		}
		if (!ok)
			return FALSE;
	}
	if (r->free_text == NULL)
		return find_fail (error, EAS_FIND_ERROR_INVALID, EAS_FIND_FREE_TEXT, "missing");
	return TRUE;
}

/* "start-end" clamped to EAS_SEARCH_MAX_RANGE results. */
static gboolean
decode_range (const EasNode *n, EasFindRequest *r, GError **error)
{
	const char *dash = n->text != NULL ? strchr (n->text, '-') : NULL;
	guint64 start, end;

	if (dash == NULL || dash == n->text || strlen (n->text) > 21)
		return find_fail (error, EAS_FIND_ERROR_INVALID, n->tag, "not start-end");
	g_autofree char *a = g_strndup (n->text, (gsize) (dash - n->text));
	if (!g_ascii_string_to_unsigned (a, 10, 0, G_MAXUINT32 - EAS_SEARCH_MAX_RANGE, &start, NULL) ||
	    !g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXUINT32, &end, NULL) || start > end)
		return find_fail (error, EAS_FIND_ERROR_INVALID, n->tag, "bad bounds");
	r->range_start = (guint) start;
	r->range_end = (guint) MIN (end, start + EAS_SEARCH_MAX_RANGE - 1);
	return TRUE;
}

static gboolean
decode_criterion (const EasNode *crit, EasFindRequest *r, GError **error)
{
	const EasNode *query = eas_node_child (crit, EAS_FIND_QUERY);
	const EasNode *options = eas_node_child (crit, EAS_FIND_OPTIONS);

	if (query == NULL)
		return find_fail (error, EAS_FIND_ERROR_INVALID, EAS_FIND_QUERY, "missing");
	if (!decode_query (query, r, error))
		return FALSE;
	for (const EasNode *n = options != NULL ? options->first_child : NULL; n != NULL; n = n->next) {
		if (n->tag == EAS_FIND_RANGE) {
			if (!decode_range (n, r, error))
				return FALSE;
		} else if (n->tag == EAS_FIND_DEEP_TRAVERSAL) {
			r->deep_traversal = TRUE;
		} else if (n->tag == EAS_FIND_PICTURE) {
			r->picture = TRUE;
		} else {
			return find_fail (error, EAS_FIND_ERROR_INVALID, n->tag, "unexpected in Options");
		}
	}
	return TRUE;
}

EasFindRequest *
eas_find_request_decode (const EasNode *root, GError **error)
{
	g_autoptr (EasFindRequest) r = g_new0 (EasFindRequest, 1);
	const EasNode *exec, *mail, *gal;
	const char *id;

	g_return_val_if_fail (root != NULL, NULL);
	r->range_end = EAS_SEARCH_MAX_RANGE - 1;
	if (root->tag != EAS_FIND_FIND) {
		find_fail (error, EAS_FIND_ERROR_INVALID, root->tag, "root is not Find");
		return NULL;
	}
	id = eas_node_child_text (root, EAS_FIND_SEARCH_ID);
	exec = eas_node_child (root, EAS_FIND_EXECUTE_SEARCH);
	if (id == NULL || strlen (id) > EAS_SEARCH_MAX_TEXT || exec == NULL) {
		find_fail (error, EAS_FIND_ERROR_INVALID, EAS_FIND_SEARCH_ID, "SearchId or ExecuteSearch missing");
		return NULL;
	}
	r->search_id = g_strdup (id);
	mail = eas_node_child (exec, EAS_FIND_MAIL_BOX_SEARCH_CRITERION);
	gal = eas_node_child (exec, EAS_FIND_GAL_SEARCH_CRITERION);
	if ((mail == NULL) == (gal == NULL)) {
		find_fail (error, EAS_FIND_ERROR_INVALID, EAS_FIND_EXECUTE_SEARCH, "needs exactly one criterion");
		return NULL;
	}
	r->gal = gal != NULL;
	if (!decode_criterion (gal != NULL ? gal : mail, r, error))
		return NULL;
	return g_steal_pointer (&r);
}

void
eas_find_write_begin (EasWbxmlWriter *writer, const char *store_name)
{
	eas_wbxml_writer_start (writer, EAS_FIND_FIND);
	eas_wbxml_writer_uint_element (writer, EAS_FIND_STATUS, EAS_FIND_STATUS_SUCCESS);
	eas_wbxml_writer_start (writer, EAS_FIND_RESPONSE);
	eas_wbxml_writer_text_element (writer, EAS_ITEMOPERATIONS_STORE, store_name);
	eas_wbxml_writer_uint_element (writer, EAS_FIND_STATUS, EAS_FIND_STATUS_SUCCESS);
}

static void
opt_text (EasWbxmlWriter *writer, EasTag tag, const char *text)
{
	if (text != NULL)
		eas_wbxml_writer_text_element (writer, tag, text);
}

void
eas_find_write_mail_result (EasWbxmlWriter *writer, const EasFindMailResult *r)
{
	g_autofree char *date = eas_email_format_date (r->date_received);

	eas_wbxml_writer_start (writer, EAS_FIND_RESULT);
	eas_wbxml_writer_text_element (writer, EAS_AIRSYNC_CLASS, "Email");
	eas_wbxml_writer_text_element (writer, EAS_AIRSYNC_SERVER_ID, r->server_id);
	eas_wbxml_writer_text_element (writer, EAS_AIRSYNC_COLLECTION_ID, r->collection_id);
	eas_wbxml_writer_start (writer, EAS_FIND_PROPERTIES);
	opt_text (writer, EAS_EMAIL_SUBJECT, r->subject);
	eas_wbxml_writer_text_element (writer, EAS_EMAIL_DATE_RECEIVED, date);
	opt_text (writer, EAS_EMAIL_DISPLAY_TO, r->display_to);
	opt_text (writer, EAS_FIND_DISPLAY_CC, r->display_cc);
	eas_wbxml_writer_uint_element (writer, EAS_EMAIL_IMPORTANCE, r->importance);
	eas_wbxml_writer_uint_element (writer, EAS_EMAIL_READ, r->read ? 1 : 0);
	eas_wbxml_writer_uint_element (writer, EAS_EMAIL2_IS_DRAFT, r->is_draft ? 1 : 0);
	opt_text (writer, EAS_FIND_PREVIEW, r->preview);
	eas_wbxml_writer_uint_element (writer, EAS_FIND_HAS_ATTACHMENTS, r->has_attachments ? 1 : 0);
	opt_text (writer, EAS_EMAIL_FROM, r->from);
	eas_wbxml_writer_end (writer);
	eas_wbxml_writer_end (writer);
}

void
eas_find_write_gal_result (EasWbxmlWriter *writer, const EasGalEntry *entry)
{
	eas_wbxml_writer_start (writer, EAS_FIND_RESULT);
	eas_wbxml_writer_start (writer, EAS_FIND_PROPERTIES);
	opt_text (writer, EAS_GAL_DISPLAY_NAME, entry->display_name);
	opt_text (writer, EAS_GAL_PHONE, entry->phone);
	opt_text (writer, EAS_GAL_OFFICE, entry->office);
	opt_text (writer, EAS_GAL_TITLE, entry->title);
	opt_text (writer, EAS_GAL_COMPANY, entry->company);
	opt_text (writer, EAS_GAL_ALIAS, entry->alias);
	opt_text (writer, EAS_GAL_FIRST_NAME, entry->first_name);
	opt_text (writer, EAS_GAL_LAST_NAME, entry->last_name);
	opt_text (writer, EAS_GAL_EMAIL_ADDRESS, entry->email_address);
	eas_wbxml_writer_end (writer);
	eas_wbxml_writer_end (writer);
}

void
eas_find_write_end (EasWbxmlWriter *writer, guint range_start, guint count, guint64 total)
{
	if (count > 0) {
		g_autofree char *range = g_strdup_printf ("%u-%u", range_start, range_start + count - 1);
		eas_wbxml_writer_text_element (writer, EAS_FIND_RANGE, range);
	}
	eas_wbxml_writer_uint_element (writer, EAS_FIND_TOTAL, total);
	eas_wbxml_writer_end (writer);	/* Response */
	eas_wbxml_writer_end (writer);	/* Find */
}

GBytes *
eas_find_encode_status (EasFindStatus status)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_FIND_FIND);
	eas_wbxml_writer_uint_element (w, EAS_FIND_STATUS, status);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}
