/* eas-autodiscover.c — Autodiscover request parser (GMarkup) and response
 * builder. */
#include "config.h"

#include <string.h>

#include "eas/eas-autodiscover.h"

G_DEFINE_QUARK (eas-autodiscover-error-quark, eas_autodiscover_error)

#define RESPONSE_NS "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"

void
eas_autodiscover_request_free (EasAutodiscoverRequest *request)
{
	if (request == NULL)
		return;
	g_free (request->email_address);
	g_free (request->response_schema);
	g_free (request);
}

typedef struct {
	EasAutodiscoverRequest *req;
	guint depth;
	guint elements;
	gboolean in_request;	/* inside Autodiscover/Request */
	GString *text;		/* text of the current leaf */
	const char *leaf;	/* "EMailAddress", "AcceptableResponseSchema" or NULL */
} ParseCtx;

/* Element names may carry a namespace prefix ("a:Request"): compare the
 * local part only. */
static const char *
local_name (const char *name)
{
	const char *colon = strrchr (name, ':');

	return colon != NULL ? colon + 1 : name;
}

static void
start_element (GMarkupParseContext *context, const char *element_name, const char **attribute_names,
               const char **attribute_values, gpointer user_data, GError **error)
{
	ParseCtx *ctx = user_data;
	const char *name = local_name (element_name);

	ctx->depth++;
	if (++ctx->elements > EAS_AUTODISCOVER_MAX_ELEMENTS || ctx->depth > EAS_AUTODISCOVER_MAX_DEPTH) {
		g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_LIMIT,
		             "Autodiscover: too many or too deep elements");
		return;
	}
	if (ctx->depth == 1 && strcmp (name, "Autodiscover") != 0) {
		g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_INVALID,
		             "Autodiscover: root is not Autodiscover");
		return;
	}
	ctx->leaf = NULL;
	if (ctx->depth == 2 && strcmp (name, "Request") == 0)
		ctx->in_request = TRUE;
	else if (ctx->depth == 3 && ctx->in_request &&
	         (strcmp (name, "EMailAddress") == 0 || strcmp (name, "AcceptableResponseSchema") == 0))
		ctx->leaf = strcmp (name, "EMailAddress") == 0 ? "EMailAddress" : "AcceptableResponseSchema";
	g_string_truncate (ctx->text, 0);
}

static void
text (GMarkupParseContext *context, const char *t, gsize len, gpointer user_data, GError **error)
{
	ParseCtx *ctx = user_data;
	gsize max = ctx->leaf != NULL && ctx->leaf[0] == 'E' ? EAS_AUTODISCOVER_MAX_EMAIL : EAS_AUTODISCOVER_MAX_SCHEMA;

	if (ctx->leaf == NULL)
		return;
	if (len > max - MIN (ctx->text->len, max)) {
		g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_LIMIT,
		             "Autodiscover: %s too long", ctx->leaf);
		return;
	}
	g_string_append_len (ctx->text, t, (gssize) len);
}

static void
end_element (GMarkupParseContext *context, const char *element_name, gpointer user_data, GError **error)
{
	ParseCtx *ctx = user_data;
	char **slot = NULL;

	if (ctx->leaf != NULL && ctx->depth == 3)
		slot = ctx->leaf[0] == 'E' ? &ctx->req->email_address : &ctx->req->response_schema;
	if (slot != NULL && *slot == NULL)
		*slot = g_strstrip (g_strdup (ctx->text->str));
	if (ctx->depth == 2)
		ctx->in_request = FALSE;
	ctx->leaf = NULL;
	ctx->depth--;
}

static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };

EasAutodiscoverRequest *
eas_autodiscover_request_parse (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (EasAutodiscoverRequest) req = g_new0 (EasAutodiscoverRequest, 1);
	g_autoptr (GString) buf = g_string_new (NULL);
	ParseCtx ctx = { .req = req, .text = buf };
	GMarkupParseContext *pc;
	gboolean ok;

	if (len > EAS_AUTODISCOVER_MAX_BYTES) {
		g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_LIMIT,
		             "Autodiscover: request of %" G_GSIZE_FORMAT " bytes over %d", len, EAS_AUTODISCOVER_MAX_BYTES);
		return NULL;
	}
	pc = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &ctx, NULL);
	ok = g_markup_parse_context_parse (pc, (const char *) data, (gssize) len, error) &&
	     g_markup_parse_context_end_parse (pc, error);
	g_markup_parse_context_free (pc);
	if (!ok) {
		if (error != NULL && *error != NULL && (*error)->domain != EAS_AUTODISCOVER_ERROR) {
			GError *e = *error;
			*error = NULL;
			g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_INVALID,
			             "Autodiscover: not well-formed XML");
			g_error_free (e);
		}
		return NULL;
	}
	if (req->email_address == NULL || req->email_address[0] == '\0') {
		g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_INVALID,
		             "Autodiscover: no Request/EMailAddress");
		return NULL;
	}
	return g_steal_pointer (&req);
}

gboolean
eas_autodiscover_wants_mobilesync (const EasAutodiscoverRequest *request)
{
	return request->response_schema == NULL || request->response_schema[0] == '\0' ||
	       g_ascii_strcasecmp (request->response_schema, EAS_AUTODISCOVER_MOBILESYNC_RESPONSE_SCHEMA) == 0;
}

GBytes *
eas_autodiscover_build_response (const char *culture, const char *display_name,
                                 const char *email_address, const char *url)
{
	g_autofree char *c = g_markup_escape_text (culture, -1);
	g_autofree char *d = g_markup_escape_text (display_name, -1);
	g_autofree char *e = g_markup_escape_text (email_address, -1);
	g_autofree char *u = g_markup_escape_text (url, -1);
	char *xml = g_strdup_printf (
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
		"<Autodiscover xmlns=\"" RESPONSE_NS "\">\r\n"
		"<Response xmlns=\"" EAS_AUTODISCOVER_MOBILESYNC_RESPONSE_SCHEMA "\">\r\n"
		"<Culture>%s</Culture>\r\n"
		"<User>\r\n<DisplayName>%s</DisplayName>\r\n<EMailAddress>%s</EMailAddress>\r\n</User>\r\n"
		"<Action>\r\n<Settings>\r\n<Server>\r\n<Type>MobileSync</Type>\r\n"
		"<Url>%s</Url>\r\n<Name>%s</Name>\r\n</Server>\r\n</Settings>\r\n</Action>\r\n"
		"</Response>\r\n</Autodiscover>\r\n", c, d, e, u, u);

	return g_bytes_new_take (xml, strlen (xml));
}

GBytes *
eas_autodiscover_build_error (guint code, const char *message)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
	g_autofree char *time = g_date_time_format (now, "%H:%M:%S.%f");
	g_autofree char *m = g_markup_escape_text (message, -1);
	/* [MS-OXDSCLI] 2.2.4.1.1.3: Error carries Time and Id (Exchange: a
	 * hash of the server's name); Outlook reads both before ErrorCode. */
	char *xml = g_strdup_printf (
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
		"<Autodiscover xmlns=\"" RESPONSE_NS "\">\r\n"
		"<Response>\r\n<Error Time=\"%s\" Id=\"%u\">\r\n<ErrorCode>%u</ErrorCode>\r\n<Message>%s</Message>\r\n"
		"<DebugData />\r\n</Error>\r\n</Response>\r\n</Autodiscover>\r\n",
		time, g_str_hash ("airdockd"), code, m);

	return g_bytes_new_take (xml, strlen (xml));
}

/* ---- client side: the request, the response ------------------------------ */

#define REQUEST_NS "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"

GBytes *
eas_autodiscover_build_request (const char *email_address)
{
	g_autofree char *e = g_markup_escape_text (email_address, -1);
	char *xml = g_strdup_printf (
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
		"<Autodiscover xmlns=\"" REQUEST_NS "\">\r\n<Request>\r\n"
		"<EMailAddress>%s</EMailAddress>\r\n"
		"<AcceptableResponseSchema>" EAS_AUTODISCOVER_MOBILESYNC_RESPONSE_SCHEMA "</AcceptableResponseSchema>\r\n"
		"</Request>\r\n</Autodiscover>\r\n", e);

	return g_bytes_new_take (xml, strlen (xml));
}

void
eas_autodiscover_response_free (EasAutodiscoverResponse *response)
{
	if (response == NULL)
		return;
	g_free (response->display_name);
	g_free (response->email_address);
	g_free (response->url);
	g_free (response->redirect);
	g_free (response->error_message);
	g_free (response);
}

typedef struct {
	EasAutodiscoverResponse *resp;
	guint elements;
	guint depth;
	gsize path_len[EAS_AUTODISCOVER_MAX_DEPTH + 1];
	GString *path;		/* "Response/Action/Settings/Server/Url", without the root */
	GString *text;
	char *server_type;	/* of the Server being read */
	char *server_url;
} ResponseCtx;

static void
response_start (GMarkupParseContext *context, const char *element_name, const char **attribute_names,
                const char **attribute_values, gpointer user_data, GError **error)
{
	ResponseCtx *ctx = user_data;
	const char *name = local_name (element_name);

	if (++ctx->elements > EAS_AUTODISCOVER_MAX_ELEMENTS || ctx->depth >= EAS_AUTODISCOVER_MAX_DEPTH) {
		g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_LIMIT,
		             "Autodiscover: too many or too deep elements");
		return;
	}
	if (ctx->depth == 0 && strcmp (name, "Autodiscover") != 0) {
		g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_INVALID,
		             "Autodiscover: root is not Autodiscover");
		return;
	}
	ctx->path_len[ctx->depth++] = ctx->path->len;
	if (ctx->depth > 1) {
		if (ctx->path->len > 0)
			g_string_append_c (ctx->path, '/');
		g_string_append (ctx->path, name);
	}
	if (strcmp (ctx->path->str, "Response/Action/Settings/Server") == 0) {
		g_clear_pointer (&ctx->server_type, g_free);
		g_clear_pointer (&ctx->server_url, g_free);
	}
	g_string_truncate (ctx->text, 0);
}

static void
response_text (GMarkupParseContext *context, const char *t, gsize len, gpointer user_data, GError **error)
{
	ResponseCtx *ctx = user_data;

	if (len > EAS_AUTODISCOVER_MAX_TEXT - MIN (ctx->text->len, EAS_AUTODISCOVER_MAX_TEXT)) {
		g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_LIMIT,
		             "Autodiscover: text of %s over %d bytes", ctx->path->str, EAS_AUTODISCOVER_MAX_TEXT);
		return;
	}
	g_string_append_len (ctx->text, t, (gssize) len);
}

/* Stores the text of a leaf once (the first occurrence wins). */
static void
take_text (char **slot, GString *text)
{
	if (*slot == NULL)
		*slot = g_strstrip (g_strdup (text->str));
}

static gboolean
take_error_code (ResponseCtx *ctx, GError **error)
{
	guint64 code = 0;
	g_autofree char *t = g_strstrip (g_strdup (ctx->text->str));

	if (!g_ascii_string_to_unsigned (t, 10, 1, 999999, &code, NULL)) {
		g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_INVALID,
		             "Autodiscover: %s is not a number 1-999999", ctx->path->str);
		return FALSE;
	}
	if (ctx->resp->error_code == 0)
		ctx->resp->error_code = (guint) code;
	return TRUE;
}

static void
response_end (GMarkupParseContext *context, const char *element_name, gpointer user_data, GError **error)
{
	ResponseCtx *ctx = user_data;
	EasAutodiscoverResponse *r = ctx->resp;
	const char *p = ctx->path->str;

	if (strcmp (p, "Response/User/DisplayName") == 0)
		take_text (&r->display_name, ctx->text);
	else if (strcmp (p, "Response/User/EMailAddress") == 0)
		take_text (&r->email_address, ctx->text);
	else if (strcmp (p, "Response/Action/Redirect") == 0)
		take_text (&r->redirect, ctx->text);
	else if (strcmp (p, "Response/Action/Settings/Server/Type") == 0)
		take_text (&ctx->server_type, ctx->text);
	else if (strcmp (p, "Response/Action/Settings/Server/Url") == 0)
		take_text (&ctx->server_url, ctx->text);
	else if (strcmp (p, "Response/Action/Settings/Server") == 0 && r->url == NULL &&
	         g_strcmp0 (ctx->server_type, "MobileSync") == 0 && ctx->server_url != NULL &&
	         ctx->server_url[0] != '\0')
		r->url = g_steal_pointer (&ctx->server_url);
	else if (strcmp (p, "Response/Error/ErrorCode") == 0 || strcmp (p, "Response/Action/Error/ErrorCode") == 0) {
		if (!take_error_code (ctx, error))
			return;
	} else if (strcmp (p, "Response/Error/Message") == 0 || strcmp (p, "Response/Action/Error/Message") == 0)
		take_text (&r->error_message, ctx->text);
	g_assert (ctx->depth > 0);
	g_string_truncate (ctx->path, ctx->path_len[--ctx->depth]);
	g_string_truncate (ctx->text, 0);
}

static const GMarkupParser response_parser = { response_start, response_end, response_text, NULL, NULL };

static void
clear_empty (char **slot)
{
	if (*slot != NULL && **slot == '\0')
		g_clear_pointer (slot, g_free);
}

EasAutodiscoverResponse *
eas_autodiscover_response_parse (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (EasAutodiscoverResponse) resp = g_new0 (EasAutodiscoverResponse, 1);
	g_autoptr (GString) path = g_string_new (NULL);
	g_autoptr (GString) text = g_string_new (NULL);
	ResponseCtx ctx = { .resp = resp, .path = path, .text = text };
	GMarkupParseContext *pc;
	gboolean ok;

	if (len > EAS_AUTODISCOVER_MAX_BYTES) {
		g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_LIMIT,
		             "Autodiscover: response of %" G_GSIZE_FORMAT " bytes over %d", len,
		             EAS_AUTODISCOVER_MAX_BYTES);
		return NULL;
	}
	pc = g_markup_parse_context_new (&response_parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &ctx, NULL);
	ok = g_markup_parse_context_parse (pc, (const char *) data, (gssize) len, error) &&
	     g_markup_parse_context_end_parse (pc, error);
	g_markup_parse_context_free (pc);
	g_free (ctx.server_type);
	g_free (ctx.server_url);
	if (!ok) {
		if (error != NULL && *error != NULL && (*error)->domain != EAS_AUTODISCOVER_ERROR) {
			g_clear_error (error);
			g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_INVALID,
			             "Autodiscover: response is not well-formed XML");
		}
		return NULL;
	}
	clear_empty (&resp->display_name);
	clear_empty (&resp->email_address);
	clear_empty (&resp->redirect);
	clear_empty (&resp->error_message);
	if (resp->url == NULL && resp->redirect == NULL && resp->error_code == 0) {
		g_set_error (error, EAS_AUTODISCOVER_ERROR, EAS_AUTODISCOVER_ERROR_INVALID,
		             "Autodiscover: response names no MobileSync server, redirect or error");
		return NULL;
	}
	return g_steal_pointer (&resp);
}
