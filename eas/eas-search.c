/* eas-search.c — Search request decoder and response writer. */
#include "config.h"

#include <string.h>

#include "eas/eas-search.h"
#include "eas/eas-sync.h"

G_DEFINE_QUARK (eas-search-error-quark, eas_search_error)

static gboolean
search_fail (GError **error, EasSearchErrorCode code, EasTag tag, const char *what)
{
	g_set_error (error, EAS_SEARCH_ERROR, code, "Search: %s: %s", eas_tag_name (tag), what);
	return FALSE;
}

void
eas_search_query_free (EasSearchQuery *query)
{
	if (query == NULL)
		return;
	g_free (query->text);
	g_clear_pointer (&query->opaque, g_bytes_unref);
	g_clear_pointer (&query->children, g_ptr_array_unref);
	g_free (query);
}

void
eas_search_request_free (EasSearchRequest *request)
{
	if (request == NULL)
		return;
	g_free (request->gal_query);
	eas_search_query_free (request->query);
	g_free (request);
}

typedef struct {
	guint nodes;
} QueryCtx;

static EasSearchQuery *decode_query (const EasNode *node, guint depth, QueryCtx *ctx, GError **error);

static gboolean
check_text (const EasNode *node, GError **error)
{
	if (node->text == NULL || node->text[0] == '\0')
		return search_fail (error, EAS_SEARCH_ERROR_INVALID, node->tag, "empty");
	if (strlen (node->text) > EAS_SEARCH_MAX_TEXT)
		return search_fail (error, EAS_SEARCH_ERROR_LIMIT, node->tag, "text too long");
	return TRUE;
}

/* [MS-ASCMD] 2.2.3.56/2.2.3.83/2.2.3.93: a comparison holds a property
 * element (empty, e.g. Email:DateReceived) and a Value. */
static gboolean
decode_comparison (const EasNode *node, EasSearchQuery *q, GError **error)
{
	const EasNode *value = eas_node_child (node, EAS_SEARCH_VALUE);

	if (value == NULL)
		return search_fail (error, EAS_SEARCH_ERROR_INVALID, node->tag, "no Value");
	if (!check_text (value, error))
		return FALSE;
	for (const EasNode *c = node->first_child; c != NULL; c = c->next)
		if (c->tag != EAS_SEARCH_VALUE)
			q->property = c->tag;
	if (q->property == 0)
		return search_fail (error, EAS_SEARCH_ERROR_INVALID, node->tag, "no property");
	q->text = g_strdup (value->text);
	return TRUE;
}

static gboolean
decode_children (const EasNode *node, EasSearchQuery *q, guint depth, QueryCtx *ctx, GError **error)
{
	if (depth >= EAS_SEARCH_MAX_DEPTH)
		return search_fail (error, EAS_SEARCH_ERROR_LIMIT, node->tag, "too deep");
	q->children = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_search_query_free);
	for (const EasNode *c = node->first_child; c != NULL; c = c->next) {
		EasSearchQuery *child = decode_query (c, depth + 1, ctx, error);
		if (child == NULL)
			return FALSE;
		g_ptr_array_add (q->children, child);
	}
	if (q->children->len == 0)
		return search_fail (error, EAS_SEARCH_ERROR_INVALID, node->tag, "empty");
	return TRUE;
}

static EasSearchQuery *
decode_query (const EasNode *node, guint depth, QueryCtx *ctx, GError **error)
{
	g_autoptr (EasSearchQuery) q = g_new0 (EasSearchQuery, 1);
	gboolean ok;

	if (++ctx->nodes > EAS_SEARCH_MAX_NODES) {
		search_fail (error, EAS_SEARCH_ERROR_LIMIT, node->tag, "too many query elements");
		return NULL;
	}
	switch (node->tag) {
	case EAS_SEARCH_AND:
	case EAS_SEARCH_OR:
		q->kind = node->tag == EAS_SEARCH_AND ? EAS_SEARCH_QUERY_AND : EAS_SEARCH_QUERY_OR;
		ok = decode_children (node, q, depth, ctx, error);
		break;
	case EAS_SEARCH_FREE_TEXT:
	case EAS_AIRSYNC_CLASS:
	case EAS_AIRSYNC_COLLECTION_ID:
		q->kind = node->tag == EAS_SEARCH_FREE_TEXT ? EAS_SEARCH_QUERY_FREE_TEXT :
		          node->tag == EAS_AIRSYNC_CLASS ? EAS_SEARCH_QUERY_CLASS : EAS_SEARCH_QUERY_COLLECTION_ID;
		ok = check_text (node, error);
		q->text = g_strdup (node->text);
		break;
	case EAS_SEARCH_EQUAL_TO:
	case EAS_SEARCH_GREATER_THAN:
	case EAS_SEARCH_LESS_THAN:
		q->kind = node->tag == EAS_SEARCH_EQUAL_TO ? EAS_SEARCH_QUERY_EQUAL_TO :
		          node->tag == EAS_SEARCH_GREATER_THAN ? EAS_SEARCH_QUERY_GREATER_THAN : EAS_SEARCH_QUERY_LESS_THAN;
		ok = decode_comparison (node, q, error);
		break;
	case EAS_SEARCH_CONVERSATION_ID:
		q->kind = EAS_SEARCH_QUERY_CONVERSATION_ID;
		if (node->opaque != NULL)
			q->opaque = g_bytes_ref (node->opaque);
		else if (node->text != NULL)
			q->opaque = g_bytes_new (node->text, strlen (node->text));
		ok = q->opaque != NULL && g_bytes_get_size (q->opaque) > 0;
		if (!ok)
			search_fail (error, EAS_SEARCH_ERROR_INVALID, node->tag, "empty");
		break;
	default:
		ok = search_fail (error, EAS_SEARCH_ERROR_INVALID, node->tag, "unexpected in Query");
		break;
	}
	return ok ? g_steal_pointer (&q) : NULL;
}

/* "start-end" ([MS-ASCMD] 2.2.3.142.1), clamped to EAS_SEARCH_MAX_RANGE. */
static gboolean
decode_range (const EasNode *node, EasSearchRequest *r, GError **error)
{
	const char *dash = node->text != NULL ? strchr (node->text, '-') : NULL;
	guint64 start, end;

	if (dash == NULL || dash == node->text || strlen (node->text) > 21)
		return search_fail (error, EAS_SEARCH_ERROR_INVALID, node->tag, "not start-end");
	g_autofree char *a = g_strndup (node->text, (gsize) (dash - node->text));
	if (!g_ascii_string_to_unsigned (a, 10, 0, G_MAXUINT32 - EAS_SEARCH_MAX_RANGE, &start, NULL) ||
	    !g_ascii_string_to_unsigned (dash + 1, 10, 0, G_MAXUINT32, &end, NULL) || start > end)
		return search_fail (error, EAS_SEARCH_ERROR_INVALID, node->tag, "bad bounds");
	r->range_start = (guint) start;
	r->range_end = (guint) MIN (end, start + EAS_SEARCH_MAX_RANGE - 1);
	return TRUE;
}

static gboolean
decode_body_pref (const EasNode *node, EasEmailEncodeOptions *email, GError **error)
{
	if (email->n_body_prefs >= EAS_BODY_PREFERENCES_MAX)
		return search_fail (error, EAS_SEARCH_ERROR_LIMIT, node->tag, "too many");
	if (!eas_body_preference_decode (node, email->version,
	                                 &email->body_prefs[email->n_body_prefs], error))
		return FALSE;
	email->n_body_prefs++;
	return TRUE;
}

/* [MS-ASCMD] 2.2.3.135.3: Picture, with optional MaxSize (bytes) and
 * MaxPictures. */
static gboolean
decode_picture (const EasNode *picture, EasSearchRequest *r, GError **error)
{
	guint64 value;

	r->picture = TRUE;
	for (const EasNode *c = picture->first_child; c != NULL; c = c->next) {
		if (c->tag != EAS_SEARCH_MAX_SIZE && c->tag != EAS_SEARCH_MAX_PICTURES)
			return search_fail (error, EAS_SEARCH_ERROR_INVALID, c->tag, "unexpected in Picture");
		if (c->text == NULL || !g_ascii_string_to_unsigned (c->text, 10, 0, G_MAXUINT32, &value, NULL))
			return search_fail (error, EAS_SEARCH_ERROR_INVALID, c->tag, "not a number");
		if (c->tag == EAS_SEARCH_MAX_SIZE)
			r->picture_max_size = (guint) value;
		else
			r->picture_max_count = (guint) value;
	}
	return TRUE;
}

static gboolean
decode_options (const EasNode *options, EasSearchRequest *r, GError **error)
{
	guint64 value;

	for (const EasNode *n = options->first_child; n != NULL; n = n->next) {
		switch (n->tag) {
		case EAS_SEARCH_RANGE:
			if (!decode_range (n, r, error))
				return FALSE;
			break;
		case EAS_SEARCH_DEEP_TRAVERSAL:
			r->deep_traversal = TRUE;
			break;
		case EAS_SEARCH_REBUILD_RESULTS:
			r->rebuild_results = TRUE;
			break;
		case EAS_SEARCH_USER_NAME:
		case EAS_SEARCH_PASSWORD:
			/* Document library credentials: never kept. */
			break;
		case EAS_SEARCH_PICTURE:
			if (!decode_picture (n, r, error))
				return FALSE;
			break;
		case EAS_AIRSYNC_MIME_SUPPORT:
			if (!eas_node_child_uint (options, EAS_AIRSYNC_MIME_SUPPORT, 0, 2, &value, error))
				return FALSE;
			r->email.mime_support = (EasMimeSupport) value;
			break;
		case EAS_AIRSYNCBASE_BODY_PREFERENCE:
			if (!decode_body_pref (n, &r->email, error))
				return FALSE;
			break;
		default:
			return search_fail (error, EAS_SEARCH_ERROR_INVALID, n->tag, "unexpected in Options");
		}
	}
	return TRUE;
}

static gboolean
decode_store_name (const EasNode *store, EasSearchRequest *r, GError **error)
{
	const char *name = eas_node_child_text (store, EAS_SEARCH_NAME);

	if (name == NULL)
		return search_fail (error, EAS_SEARCH_ERROR_INVALID, EAS_SEARCH_NAME, "missing");
	if (g_ascii_strcasecmp (name, "GAL") == 0)
		r->store = EAS_SEARCH_STORE_GAL;
	else if (g_ascii_strcasecmp (name, "Mailbox") == 0)
		r->store = EAS_SEARCH_STORE_MAILBOX;
	else if (g_ascii_strcasecmp (name, "DocumentLibrary") == 0)
		r->store = EAS_SEARCH_STORE_DOCUMENT_LIBRARY;
	else
		return search_fail (error, EAS_SEARCH_ERROR_INVALID, EAS_SEARCH_NAME, "unknown store");
	return TRUE;
}

static gboolean
decode_store_query (const EasNode *query, EasSearchRequest *r, GError **error)
{
	QueryCtx ctx = { 0 };

	if (r->store == EAS_SEARCH_STORE_GAL) {
		/* [MS-ASCMD] 2.2.3.139.1: a GAL Query is the search string itself. */
		if (!check_text (query, error))
			return FALSE;
		r->gal_query = g_strdup (query->text);
		return TRUE;
	}
	if (query->first_child == NULL || query->first_child->next != NULL)
		return search_fail (error, EAS_SEARCH_ERROR_INVALID, query->tag, "needs exactly one element");
	r->query = decode_query (query->first_child, 0, &ctx, error);
	return r->query != NULL;
}

EasSearchRequest *
eas_search_request_decode (const EasNode *root, EasVersion version, GError **error)
{
	g_autoptr (EasSearchRequest) r = g_new0 (EasSearchRequest, 1);
	const EasNode *store, *query, *options;

	g_return_val_if_fail (root != NULL, NULL);
	eas_email_encode_options_init (&r->email, version);
	r->range_end = EAS_SEARCH_MAX_RANGE - 1;
	r->picture_max_size = G_MAXUINT;
	r->picture_max_count = G_MAXUINT;
	if (root->tag != EAS_SEARCH_SEARCH) {
		search_fail (error, EAS_SEARCH_ERROR_INVALID, root->tag, "root is not Search");
		return NULL;
	}
	store = eas_node_child (root, EAS_SEARCH_STORE);
	if (store == NULL || eas_node_next_same (store) != NULL) {
		search_fail (error, EAS_SEARCH_ERROR_INVALID, EAS_SEARCH_STORE, "needs exactly one");
		return NULL;
	}
	query = eas_node_child (store, EAS_SEARCH_QUERY);
	if (query == NULL) {
		search_fail (error, EAS_SEARCH_ERROR_INVALID, EAS_SEARCH_QUERY, "missing");
		return NULL;
	}
	if (!decode_store_name (store, r, error) || !decode_store_query (query, r, error))
		return NULL;
	options = eas_node_child (store, EAS_SEARCH_OPTIONS);
	if (options != NULL && !decode_options (options, r, error))
		return NULL;
	return g_steal_pointer (&r);
}

/* ------------------------------------------------------------ response */

void
eas_search_write_begin (EasWbxmlWriter *writer, EasSearchStatus store_status)
{
	eas_wbxml_writer_start (writer, EAS_SEARCH_SEARCH);
	eas_wbxml_writer_uint_element (writer, EAS_SEARCH_STATUS, EAS_SEARCH_STATUS_SUCCESS);
	eas_wbxml_writer_start (writer, EAS_SEARCH_RESPONSE);
	eas_wbxml_writer_start (writer, EAS_SEARCH_STORE);
	eas_wbxml_writer_uint_element (writer, EAS_SEARCH_STATUS, store_status);
}

static void
gal_text (EasWbxmlWriter *writer, EasTag tag, const char *text)
{
	if (text != NULL)
		eas_wbxml_writer_text_element (writer, tag, text);
}

void
eas_search_write_gal_result (EasWbxmlWriter *writer, const EasGalEntry *entry)
{
	eas_wbxml_writer_start (writer, EAS_SEARCH_RESULT);
	eas_wbxml_writer_start (writer, EAS_SEARCH_PROPERTIES);
	gal_text (writer, EAS_GAL_DISPLAY_NAME, entry->display_name);
	gal_text (writer, EAS_GAL_PHONE, entry->phone);
	gal_text (writer, EAS_GAL_OFFICE, entry->office);
	gal_text (writer, EAS_GAL_TITLE, entry->title);
	gal_text (writer, EAS_GAL_COMPANY, entry->company);
	gal_text (writer, EAS_GAL_ALIAS, entry->alias);
	gal_text (writer, EAS_GAL_FIRST_NAME, entry->first_name);
	gal_text (writer, EAS_GAL_LAST_NAME, entry->last_name);
	gal_text (writer, EAS_GAL_EMAIL_ADDRESS, entry->email_address);
	if (entry->picture_status != 0) {
		eas_wbxml_writer_start (writer, EAS_GAL_PICTURE);
		eas_wbxml_writer_uint_element (writer, EAS_GAL_STATUS, entry->picture_status);
		if (entry->picture_status == EAS_GAL_PICTURE_STATUS_SUCCESS && entry->picture != NULL) {
			/* [MS-ASCMD] 2.2.3.39.1: the photo, base64-encoded. */
			gsize len;
			const guint8 *data = g_bytes_get_data (entry->picture, &len);
			g_autofree char *b64 = g_base64_encode (data, len);
			eas_wbxml_writer_text_element (writer, EAS_GAL_DATA, b64);
		}
		eas_wbxml_writer_end (writer);
	}
	eas_wbxml_writer_end (writer);
	eas_wbxml_writer_end (writer);
}

void
eas_search_write_mail_result (EasWbxmlWriter *writer,
                              const char *long_id,
                              const char *collection_id,
                              const EasEmailItem *item,
                              const EasEmailEncodeOptions *opts)
{
	/* [MS-ASCMD] 2.2.3.155.2: Class, LongId, CollectionId, Properties. */
	eas_wbxml_writer_start (writer, EAS_SEARCH_RESULT);
	eas_wbxml_writer_text_element (writer, EAS_AIRSYNC_CLASS, "Email");
	eas_wbxml_writer_text_element (writer, EAS_SEARCH_LONG_ID, long_id);
	eas_wbxml_writer_text_element (writer, EAS_AIRSYNC_COLLECTION_ID, collection_id);
	eas_wbxml_writer_start (writer, EAS_SEARCH_PROPERTIES);
	eas_email_encode (writer, item, opts);
	eas_wbxml_writer_end (writer);
	eas_wbxml_writer_end (writer);
}

void
eas_search_write_end (EasWbxmlWriter *writer, guint range_start, guint count, guint64 total)
{
	if (count == 0) {
		/* [MS-ASCMD] 2.2.3.155.2: no match is an empty Result. */
		eas_wbxml_writer_empty (writer, EAS_SEARCH_RESULT);
	} else {
		g_autofree char *range = g_strdup_printf ("%u-%u", range_start, range_start + count - 1);
		eas_wbxml_writer_text_element (writer, EAS_SEARCH_RANGE, range);
	}
	eas_wbxml_writer_uint_element (writer, EAS_SEARCH_TOTAL, total);
	eas_wbxml_writer_end (writer);	/* Store */
	eas_wbxml_writer_end (writer);	/* Response */
	eas_wbxml_writer_end (writer);	/* Search */
}

GBytes *
eas_search_encode_status (EasSearchStatus status)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_SEARCH_SEARCH);
	eas_wbxml_writer_uint_element (w, EAS_SEARCH_STATUS, status);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

guint
eas_search_picture_status (const EasSearchRequest *request, GBytes *photo, guint *io_sent)
{
	g_return_val_if_fail (request != NULL && io_sent != NULL, 0);
	if (!request->picture)
		return 0;
	if (photo == NULL || g_bytes_get_size (photo) == 0)
		return EAS_GAL_PICTURE_STATUS_NONE;
	if (g_bytes_get_size (photo) > request->picture_max_size)
		return EAS_GAL_PICTURE_STATUS_TOO_LARGE;
	if (*io_sent >= request->picture_max_count)
		return EAS_GAL_PICTURE_STATUS_LIMIT;
	(*io_sent)++;
	return EAS_GAL_PICTURE_STATUS_SUCCESS;
}
