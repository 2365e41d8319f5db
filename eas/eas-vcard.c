/* eas-vcard.c — vCard 2.1/3.0/4.0 parser, 3.0/4.0 writer. */
#include "config.h"

#include <string.h>

#include "eas/eas-vcard.h"

G_DEFINE_QUARK (eas-vcard-error-quark, eas_vcard_error)

/* RFC 6350 3.2: lines SHOULD be no longer than 75 octets, excluding CRLF. */
#define FOLD_OCTETS 75

void
eas_vcard_limits_init_default (EasVCardLimits *limits)
{
	limits->total_bytes = EAS_VCARD_DEFAULT_TOTAL_BYTES;
	limits->line_bytes = EAS_VCARD_DEFAULT_LINE_BYTES;
	limits->properties = EAS_VCARD_DEFAULT_PROPERTIES;
	limits->params = EAS_VCARD_DEFAULT_PARAMS;
}

static void
param_free (gpointer p)
{
	EasVCardParam *param = p;

	g_free (param->name);
	g_free (param->value);
	g_free (param);
}

static void
property_free (gpointer p)
{
	EasVCardProperty *prop = p;

	if (prop == NULL)
		return;
	g_free (prop->group);
	g_free (prop->name);
	g_ptr_array_unref (prop->params);
	g_free (prop->value);
	g_free (prop);
}

static EasVCardProperty *
property_new (const char *name)
{
	EasVCardProperty *prop = g_new0 (EasVCardProperty, 1);

	prop->name = g_ascii_strup (name, -1);
	prop->params = g_ptr_array_new_with_free_func (param_free);
	return prop;
}

EasVCard *
eas_vcard_new (const char *version)
{
	EasVCard *card = g_new0 (EasVCard, 1);

	card->version = g_strdup (version != NULL ? version : "4.0");
	card->properties = g_ptr_array_new_with_free_func (property_free);
	return card;
}

void
eas_vcard_free (EasVCard *card)
{
	if (card == NULL)
		return;
	g_free (card->version);
	g_ptr_array_unref (card->properties);
	g_free (card);
}

EasVCard *
eas_vcard_copy (const EasVCard *card)
{
	EasVCard *copy = eas_vcard_new (card->version);

	for (guint i = 0; i < card->properties->len; i++) {
		const EasVCardProperty *p = g_ptr_array_index (card->properties, i);
		EasVCardProperty *q = eas_vcard_add (copy, p->name, p->value);

		q->group = g_strdup (p->group);
		for (guint j = 0; j < p->params->len; j++) {
			const EasVCardParam *pa = g_ptr_array_index (p->params, j);
			eas_vcard_property_add_param (q, pa->name, pa->value);
		}
	}
	return copy;
}

EasVCardProperty *
eas_vcard_add (EasVCard *card, const char *name, const char *value)
{
	EasVCardProperty *prop = property_new (name);

	prop->value = g_strdup (value != NULL ? value : "");
	g_ptr_array_add (card->properties, prop);
	return prop;
}

EasVCardProperty *
eas_vcard_add_text (EasVCard *card, const char *name, const char *text)
{
	g_autofree char *escaped = eas_vcard_escape (text);

	return eas_vcard_add (card, name, escaped);
}

void
eas_vcard_property_add_param (EasVCardProperty *prop, const char *name, const char *value)
{
	EasVCardParam *param = g_new0 (EasVCardParam, 1);

	param->name = g_ascii_strup (name, -1);
	param->value = g_strdup (value != NULL ? value : "");
	g_ptr_array_add (prop->params, param);
}

const char *
eas_vcard_property_get_param (const EasVCardProperty *prop, const char *name)
{
	for (guint i = 0; i < prop->params->len; i++) {
		const EasVCardParam *param = g_ptr_array_index (prop->params, i);

		if (g_ascii_strcasecmp (param->name, name) == 0)
			return param->value;
	}
	return NULL;
}

gboolean
eas_vcard_property_has_type (const EasVCardProperty *prop, const char *type)
{
	for (guint i = 0; i < prop->params->len; i++) {
		const EasVCardParam *param = g_ptr_array_index (prop->params, i);
		g_auto(GStrv) parts = NULL;

		if (g_ascii_strcasecmp (param->name, "TYPE") != 0)
			continue;
		parts = g_strsplit (param->value, ",", -1);
		for (guint j = 0; parts[j] != NULL; j++) {
			if (g_ascii_strcasecmp (g_strstrip (parts[j]), type) == 0)
				return TRUE;
		}
	}
	return FALSE;
}

char *
eas_vcard_property_get_text (const EasVCardProperty *prop)
{
	GString *out = g_string_new (NULL);

	for (const char *p = prop->value; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			g_string_append_c (out, (*p == 'n' || *p == 'N') ? '\n' : *p);
		} else {
			g_string_append_c (out, *p);
		}
	}
	return g_string_free (out, FALSE);
}

EasVCardProperty *
eas_vcard_get (const EasVCard *card, const char *name)
{
	for (guint i = 0; i < card->properties->len; i++) {
		EasVCardProperty *prop = g_ptr_array_index (card->properties, i);

		if (g_ascii_strcasecmp (prop->name, name) == 0)
			return prop;
	}
	return NULL;
}

guint
eas_vcard_remove_all (EasVCard *card, const char *name)
{
	guint removed = 0;

	for (guint i = card->properties->len; i > 0; i--) {
		EasVCardProperty *prop = g_ptr_array_index (card->properties, i - 1);

		if (g_ascii_strcasecmp (prop->name, name) == 0) {
			g_ptr_array_remove_index (card->properties, i - 1);
			removed++;
		}
	}
	return removed;
}

GStrv
eas_vcard_split (const char *value, char sep)
{
	GPtrArray *parts = g_ptr_array_new ();
	GString *cur = g_string_new (NULL);

	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			g_string_append_c (cur, (*p == 'n' || *p == 'N') ? '\n' : *p);
		} else if (*p == sep) {
			g_ptr_array_add (parts, g_string_free (cur, FALSE));
			cur = g_string_new (NULL);
		} else {
			g_string_append_c (cur, *p);
		}
	}
	g_ptr_array_add (parts, g_string_free (cur, FALSE));
	g_ptr_array_add (parts, NULL);
	return (GStrv) g_ptr_array_free (parts, FALSE);
}

static void
append_escaped (GString *out, const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		switch (*p) {
		case '\\': g_string_append (out, "\\\\"); break;
		case ',': g_string_append (out, "\\,"); break;
		case ';': g_string_append (out, "\\;"); break;
		case '\n': g_string_append (out, "\\n"); break;
		case '\r': break;
		default: g_string_append_c (out, *p); break;
		}
	}
}

char *
eas_vcard_escape (const char *text)
{
	GString *out = g_string_new (NULL);

	if (text != NULL)
		append_escaped (out, text);
	return g_string_free (out, FALSE);
}

char *
eas_vcard_join (const char *const *parts, gsize n_parts, char sep)
{
	GString *out = g_string_new (NULL);

	for (gsize i = 0; i < n_parts; i++) {
		if (i > 0)
			g_string_append_c (out, sep);
		if (parts[i] != NULL)
			append_escaped (out, parts[i]);
	}
	return g_string_free (out, FALSE);
}

/* ---- Parser ------------------------------------------------------------- */

typedef struct {
	const char *data;
	gsize len;
	gsize off;		/* start of the next physical line */
	guint line;		/* number of the next physical line, from 1 */
	EasVCardLimits limits;
} Reader;

/* Takes the next physical line (without CR LF); FALSE at the end. */
static gboolean
next_physical (Reader *r, const char **out_start, gsize *out_len)
{
	const char *nl;
	gsize n;

	g_assert (r->off <= r->len);
	if (r->off == r->len)
		return FALSE;
	nl = memchr (r->data + r->off, '\n', r->len - r->off);
	n = nl != NULL ? (gsize) (nl - (r->data + r->off)) : r->len - r->off;
	*out_start = r->data + r->off;
	*out_len = n;
	if (n > 0 && (*out_start)[n - 1] == '\r')
		(*out_len)--;
	r->off += n + (nl != NULL ? 1 : 0);
	r->line++;
	return TRUE;
}

static gboolean
peek_char (const Reader *r, char *out_c)
{
	if (r->off >= r->len)
		return FALSE;
	*out_c = r->data[r->off];
	return TRUE;
}

static gboolean
is_qp_line (const GString *s)
{
	const char *colon = memchr (s->str, ':', s->len);
	gsize head = colon != NULL ? (gsize) (colon - s->str) : s->len;
	g_autofree char *upper = g_ascii_strup (s->str, (gssize) head);

	return strstr (upper, "ENCODING=QUOTED-PRINTABLE") != NULL ||
	       strstr (upper, ";QUOTED-PRINTABLE") != NULL;
}

/* Builds one logical line: RFC 6350 3.2 folding (CRLF + one space or tab),
 * and 2.1 quoted-printable soft breaks ('=' at the end of a line). */
static gboolean
next_logical (Reader *r, GString *out, guint *out_line, GError **error)
{
	const char *start;
	gsize n;
	char c;

	g_string_truncate (out, 0);
	if (!next_physical (r, &start, &n))
		return FALSE;
	*out_line = r->line;
	g_string_append_len (out, start, (gssize) n);
	for (;;) {
		gboolean fold = peek_char (r, &c) && (c == ' ' || c == '\t');
		gboolean soft = !fold && out->len > 0 && out->str[out->len - 1] == '=' &&
		                r->off < r->len && is_qp_line (out);

		if (!fold && !soft)
			break;
		next_physical (r, &start, &n);
		if (fold) {
			start++;
			n--;
		} else {
			g_string_truncate (out, out->len - 1);
		}
		if (n > r->limits.line_bytes || out->len > r->limits.line_bytes - n) {
			g_set_error (error, EAS_VCARD_ERROR, EAS_VCARD_ERROR_LIMIT,
			             "line %u: longer than %" G_GSIZE_FORMAT " bytes",
			             *out_line, r->limits.line_bytes);
			return FALSE;
		}
		g_string_append_len (out, start, (gssize) n);
	}
	if (out->len > r->limits.line_bytes) {
		g_set_error (error, EAS_VCARD_ERROR, EAS_VCARD_ERROR_LIMIT,
		             "line %u: longer than %" G_GSIZE_FORMAT " bytes",
		             *out_line, r->limits.line_bytes);
		return FALSE;
	}
	return TRUE;
}

static gboolean
is_name_char (char c)
{
	return g_ascii_isalnum (c) || c == '-' || c == '_';
}

static gboolean
fail (GError **error, int code, guint line, const char *what)
{
	g_set_error (error, EAS_VCARD_ERROR, code, "line %u: %s", line, what);
	return FALSE;
}

/* Parses one parameter value: a quoted string or text up to , ; or :. */
static char *
parse_param_value (const char **pp)
{
	const char *p = *pp;
	const char *start;
	char *value;

	if (*p == '"') {
		start = ++p;
		while (*p != '\0' && *p != '"')
			p++;
		value = g_strndup (start, (gsize) (p - start));
		if (*p == '"')
			p++;
	} else {
		start = p;
		while (*p != '\0' && *p != ',' && *p != ';' && *p != ':')
			p++;
		value = g_strndup (start, (gsize) (p - start));
	}
	*pp = p;
	return value;
}

static gboolean
parse_params (const char **pp, EasVCardProperty *prop, guint line,
              const EasVCardLimits *limits, GError **error)
{
	const char *p = *pp;

	while (*p == ';') {
		const char *start = ++p;
		g_autofree char *name = NULL;

		while (is_name_char (*p))
			p++;
		if (p == start)
			return fail (error, EAS_VCARD_ERROR_MALFORMED, line, "empty parameter name");
		name = g_strndup (start, (gsize) (p - start));
		if (*p != '=') {
			/* vCard 2.1: TEL;HOME;VOICE: bare TYPE values, and bare
			 * encodings (NOTE;QUOTED-PRINTABLE:). */
			gboolean enc = g_ascii_strcasecmp (name, "QUOTED-PRINTABLE") == 0 ||
			               g_ascii_strcasecmp (name, "BASE64") == 0;

			if (prop->params->len >= limits->params)
				return fail (error, EAS_VCARD_ERROR_LIMIT, line, "too many parameters");
			eas_vcard_property_add_param (prop, enc ? "ENCODING" : "TYPE", name);
			continue;
		}
		do {
			g_autofree char *value = NULL;

			p++;
			value = parse_param_value (&p);
			if (prop->params->len >= limits->params)
				return fail (error, EAS_VCARD_ERROR_LIMIT, line, "too many parameters");
			eas_vcard_property_add_param (prop, name, value);
		} while (*p == ',');
	}
	*pp = p;
	return TRUE;
}

static int
hexval (char c)
{
	return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

static char *
qp_decode (const char *in, gsize *out_len)
{
	GString *out = g_string_new (NULL);

	for (const char *p = in; *p != '\0'; p++) {
		if (*p == '=' && hexval (p[1]) >= 0 && hexval (p[2]) >= 0) {
			g_string_append_c (out, (char) (hexval (p[1]) * 16 + hexval (p[2])));
			p += 2;
		} else if (*p == '=' && p[1] == '\0') {
			break;	/* trailing soft break */
		} else {
			g_string_append_c (out, *p);
		}
	}
	*out_len = out->len;
	return g_string_free (out, FALSE);
}

static void
remove_param (EasVCardProperty *prop, const char *name)
{
	for (guint i = prop->params->len; i > 0; i--) {
		EasVCardParam *param = g_ptr_array_index (prop->params, i - 1);

		if (g_ascii_strcasecmp (param->name, name) == 0)
			g_ptr_array_remove_index (prop->params, i - 1);
	}
}

static gboolean
decode_value (EasVCardProperty *prop, guint line, GError **error)
{
	const char *enc = eas_vcard_property_get_param (prop, "ENCODING");
	const char *charset = eas_vcard_property_get_param (prop, "CHARSET");

	if (enc != NULL && g_ascii_strcasecmp (enc, "QUOTED-PRINTABLE") == 0) {
		gsize n = 0;
		g_autofree char *raw = qp_decode (prop->value, &n);
		char *utf8 = NULL;

		if (charset != NULL && g_ascii_strcasecmp (charset, "UTF-8") != 0)
			utf8 = g_convert (raw, (gssize) n, "UTF-8", charset, NULL, NULL, NULL);
		else if (memchr (raw, '\0', n) == NULL && g_utf8_validate_len (raw, n, NULL))
			utf8 = g_strndup (raw, n);
		if (utf8 == NULL || !g_utf8_validate (utf8, -1, NULL)) {
			g_free (utf8);
			return fail (error, EAS_VCARD_ERROR_ENCODING, line,
			             "quoted-printable value is not text in its charset");
		}
		g_free (prop->value);
		prop->value = utf8;
		remove_param (prop, "ENCODING");
		remove_param (prop, "CHARSET");
	} else if (enc != NULL && (g_ascii_strcasecmp (enc, "b") == 0 ||
	                           g_ascii_strcasecmp (enc, "BASE64") == 0)) {
		char *w = prop->value;

		for (const char *p = prop->value; *p != '\0'; p++) {
			if (g_ascii_isspace (*p))
				continue;
			if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
				return fail (error, EAS_VCARD_ERROR_ENCODING, line, "invalid base64");
			*w++ = *p;
		}
		*w = '\0';
	}
	return TRUE;
}

/* group.NAME;params:value */
static EasVCardProperty *
parse_line (const GString *s, guint line, const EasVCardLimits *limits, GError **error)
{
	g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func (property_free);
	EasVCardProperty *prop;
	const char *p = s->str, *start = p, *dot = NULL;
	g_autofree char *name = NULL;

	if (memchr (s->str, '\0', s->len) != NULL || !g_utf8_validate_len (s->str, s->len, NULL)) {
		fail (error, EAS_VCARD_ERROR_ENCODING, line, "not UTF-8 text");
		return NULL;
	}
	while (is_name_char (*p) || (*p == '.' && dot == NULL)) {
		if (*p == '.')
			dot = p;
		p++;
	}
	if (dot != NULL)
		start = dot + 1;
	if (p == start || (dot != NULL && dot == s->str)) {
		fail (error, EAS_VCARD_ERROR_MALFORMED, line, "missing property name");
		return NULL;
	}
	name = g_strndup (start, (gsize) (p - start));
	prop = property_new (name);
	g_ptr_array_add (holder, prop);
	if (dot != NULL)
		prop->group = g_strndup (s->str, (gsize) (dot - s->str));
	if (!parse_params (&p, prop, line, limits, error))
		return NULL;
	if (*p != ':') {
		fail (error, EAS_VCARD_ERROR_MALFORMED, line, "missing ':' after the name");
		return NULL;
	}
	prop->value = g_strdup (p + 1);
	if (!decode_value (prop, line, error))
		return NULL;
	return g_ptr_array_steal_index (holder, 0);
}

static gboolean
is_blank (const GString *s)
{
	for (gsize i = 0; i < s->len; i++) {
		if (!g_ascii_isspace (s->str[i]))
			return FALSE;
	}
	return TRUE;
}

static gboolean
is_marker (const EasVCardProperty *prop, const char *name)
{
	return g_ascii_strcasecmp (prop->name, name) == 0 &&
	       g_ascii_strcasecmp (prop->value, "VCARD") == 0;
}

static gboolean
add_parsed (EasVCard *card, EasVCardProperty *prop, guint line,
            const EasVCardLimits *limits, GError **error)
{
	if (g_ascii_strcasecmp (prop->name, "VERSION") == 0) {
		g_free (card->version);
		card->version = g_strdup (prop->value);
		property_free (prop);
		return TRUE;
	}
	if (g_ascii_strcasecmp (prop->name, "BEGIN") == 0) {
		property_free (prop);
		return fail (error, EAS_VCARD_ERROR_MALFORMED, line, "nested BEGIN");
	}
	if (card->properties->len >= limits->properties) {
		property_free (prop);
		return fail (error, EAS_VCARD_ERROR_LIMIT, line, "too many properties");
	}
	g_ptr_array_add (card->properties, prop);
	return TRUE;
}

EasVCard *
eas_vcard_parse (const char *data, gsize len, const EasVCardLimits *limits, GError **error)
{
	g_autoptr(EasVCard) card = eas_vcard_new ("3.0");
	g_autoptr(GString) s = g_string_new (NULL);
	Reader r = { data, len, 0, 0, { 0 } };
	guint line = 0;
	int state = 0;	/* 0 before BEGIN, 1 inside, 2 after END */

	g_return_val_if_fail (data != NULL || len == 0, NULL);
	if (limits != NULL)
		r.limits = *limits;
	else
		eas_vcard_limits_init_default (&r.limits);
	if (len > r.limits.total_bytes) {
		g_set_error (error, EAS_VCARD_ERROR, EAS_VCARD_ERROR_LIMIT,
		             "vCard larger than %" G_GSIZE_FORMAT " bytes", r.limits.total_bytes);
		return NULL;
	}
	while (next_logical (&r, s, &line, error)) {
		EasVCardProperty *prop;

		if (is_blank (s))
			continue;
		if (state == 2) {
			fail (error, EAS_VCARD_ERROR_MALFORMED, line, "text after END:VCARD");
			return NULL;
		}
		prop = parse_line (s, line, &r.limits, error);
		if (prop == NULL)
			return NULL;
		if (state == 0) {
			gboolean ok = is_marker (prop, "BEGIN");

			property_free (prop);
			if (!ok) {
				fail (error, EAS_VCARD_ERROR_MALFORMED, line, "expected BEGIN:VCARD");
				return NULL;
			}
			state = 1;
		} else if (is_marker (prop, "END")) {
			property_free (prop);
			state = 2;
		} else if (!add_parsed (card, prop, line, &r.limits, error)) {
			return NULL;
		}
	}
	if (error != NULL && *error != NULL)
		return NULL;
	if (state != 2) {
		fail (error, EAS_VCARD_ERROR_MALFORMED, r.line, "missing END:VCARD");
		return NULL;
	}
	return g_steal_pointer (&card);
}

/* ---- Writer ------------------------------------------------------------- */

static void
append_folded (GString *out, const GString *line)
{
	gsize col = 0;

	for (gsize i = 0; i < line->len; i++) {
		guchar c = (guchar) line->str[i];

		/* Fold before a character (never inside a UTF-8 sequence). */
		if (col >= FOLD_OCTETS - 3 && (c & 0xC0) != 0x80) {
			g_string_append (out, "\r\n ");
			col = 1;
		}
		g_string_append_c (out, (char) c);
		col++;
	}
	g_string_append (out, "\r\n");
}

static void
append_param_value (GString *out, const char *value)
{
	gboolean quote = strpbrk (value, ":;,") != NULL;

	if (quote)
		g_string_append_c (out, '"');
	for (const char *p = value; *p != '\0'; p++) {
		if (*p != '"' && *p != '\r' && *p != '\n')
			g_string_append_c (out, *p);
	}
	if (quote)
		g_string_append_c (out, '"');
}

char *
eas_vcard_to_string (const EasVCard *card)
{
	GString *out = g_string_new ("BEGIN:VCARD\r\n");
	g_autoptr(GString) line = g_string_new (NULL);
	gboolean v4 = g_strcmp0 (card->version, "4.0") == 0;

	g_string_append_printf (out, "VERSION:%s\r\n", v4 ? "4.0" : "3.0");
	for (guint i = 0; i < card->properties->len; i++) {
		const EasVCardProperty *prop = g_ptr_array_index (card->properties, i);

		g_string_truncate (line, 0);
		if (prop->group != NULL)
			g_string_append_printf (line, "%s.", prop->group);
		g_string_append (line, prop->name);
		for (guint j = 0; j < prop->params->len; j++) {
			const EasVCardParam *param = g_ptr_array_index (prop->params, j);

			g_string_append_printf (line, ";%s=", param->name);
			append_param_value (line, param->value);
		}
		g_string_append_c (line, ':');
		for (const char *p = prop->value; *p != '\0'; p++) {
			if (*p == '\n')
				g_string_append (line, "\\n");
			else if (*p != '\r')
				g_string_append_c (line, *p);
		}
		append_folded (out, line);
	}
	g_string_append (out, "END:VCARD\r\n");
	return g_string_free (out, FALSE);
}
