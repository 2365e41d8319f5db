/* airdockd-pimio.c — splitting and checking vCard/iCalendar streams for
 * airdockctl import/export.  See the header. */
#include "config.h"

#include <string.h>

#include "server/airdockd-pimio.h"

void
airdockd_pimio_limits_init_default (AirdockdPimioLimits *limits)
{
	limits->line_bytes = AIRDOCKD_PIMIO_DEFAULT_LINE_BYTES;
	limits->component_bytes = AIRDOCKD_PIMIO_DEFAULT_COMPONENT_BYTES;
	limits->depth = AIRDOCKD_PIMIO_DEFAULT_DEPTH;
}

void
airdockd_pimio_chunk_free (AirdockdPimioChunk *chunk)
{
	if (chunk == NULL)
		return;
	g_clear_pointer (&chunk->text, g_bytes_unref);
	g_free (chunk->message);
	g_free (chunk);
}

void
airdockd_pimio_entry_free (AirdockdPimioEntry *entry)
{
	if (entry == NULL)
		return;
	g_free (entry->uid);
	g_clear_pointer (&entry->card, eas_vcard_free);
	g_clear_pointer (&entry->comp, icalcomponent_free);
	g_clear_pointer (&entry->tzids, g_ptr_array_unref);
	g_free (entry);
}

/* ---- the splitter ----------------------------------------------------- */

struct _AirdockdPimioSplitter {
	AirdockdPimioLimits limits;
	GString *partial;	/* the physical line being read */
	gboolean overlong;	/* it passed line_bytes: the rest is dropped */
	guint line;		/* its number */
	GQueue out;		/* AirdockdPimioChunk* */
	gboolean junk;		/* the last line was stray text (a run is reported once) */
	/* the VCALENDAR we are in */
	gboolean in_cal;
	guint cal_line;
	gboolean cal_bad;
	/* the component we are in (comp != NULL) */
	GString *comp;
	AirdockdPimioKind kind;	/* PROBLEM for a component we do not import */
	char *name;		/* its name (VEVENT …) */
	guint comp_line;
	GPtrArray *stack;	/* names of the open components, outermost first */
	char *broken;		/* the first problem inside it */
	guint broken_line;
	gboolean too_large;
};

AirdockdPimioSplitter *
airdockd_pimio_splitter_new (const AirdockdPimioLimits *limits)
{
	AirdockdPimioSplitter *s = g_new0 (AirdockdPimioSplitter, 1);

	if (limits != NULL)
		s->limits = *limits;
	else
		airdockd_pimio_limits_init_default (&s->limits);
	s->partial = g_string_new (NULL);
	s->line = 1;
	g_queue_init (&s->out);
	s->stack = g_ptr_array_new_with_free_func (g_free);
	return s;
}

static void
comp_clear (AirdockdPimioSplitter *s)
{
	if (s->comp != NULL)
		g_string_free (s->comp, TRUE);
	s->comp = NULL;
	g_ptr_array_set_size (s->stack, 0);
	g_clear_pointer (&s->name, g_free);
	g_clear_pointer (&s->broken, g_free);
	s->too_large = FALSE;
}

void
airdockd_pimio_splitter_free (AirdockdPimioSplitter *s)
{
	if (s == NULL)
		return;
	comp_clear (s);
	g_ptr_array_unref (s->stack);
	g_string_free (s->partial, TRUE);
	g_queue_clear_full (&s->out, (GDestroyNotify) airdockd_pimio_chunk_free);
	g_free (s);
}

AirdockdPimioChunk *
airdockd_pimio_splitter_pop (AirdockdPimioSplitter *s)
{
	return g_queue_pop_head (&s->out);
}

static void G_GNUC_PRINTF (5, 6)
problem (AirdockdPimioSplitter *s, guint line, gboolean entry, gboolean quiet, const char *fmt, ...)
{
	AirdockdPimioChunk *c = g_new0 (AirdockdPimioChunk, 1);
	va_list ap;

	c->kind = AIRDOCKD_PIMIO_PROBLEM;
	c->line = line;
	c->entry = entry;
	if (!quiet) {
		va_start (ap, fmt);
		c->message = g_strdup_vprintf (fmt, ap);
		va_end (ap);
	}
	g_queue_push_tail (&s->out, c);
}

static AirdockdPimioKind
kind_of (const char *name)
{
	static const char *const names[] = {
		[AIRDOCKD_PIMIO_VCARD] = "VCARD", [AIRDOCKD_PIMIO_VEVENT] = "VEVENT",
		[AIRDOCKD_PIMIO_VTODO] = "VTODO", [AIRDOCKD_PIMIO_VJOURNAL] = "VJOURNAL",
		[AIRDOCKD_PIMIO_VTIMEZONE] = "VTIMEZONE",
	};

	for (guint i = AIRDOCKD_PIMIO_VCARD; i < G_N_ELEMENTS (names); i++) {
		if (strcmp (name, names[i]) == 0)
			return (AirdockdPimioKind) i;
	}
	return AIRDOCKD_PIMIO_PROBLEM;
}

/* A component name fit to quote in a message: short, letters, digits, '-'. */
static const char *
printable_name (const char *name)
{
	gsize n = strlen (name);

	if (n == 0 || n > 32)
		return "?";
	for (gsize i = 0; i < n; i++) {
		if (!g_ascii_isalnum (name[i]) && name[i] != '-')
			return "?";
	}
	return name;
}

/* "BEGIN:NAME" / "END:NAME" (case-insensitive): the name, upper case. */
static char *
marker (const char *line, gsize len, const char *word)
{
	gsize n = strlen (word);

	if (len <= n || g_ascii_strncasecmp (line, word, n) != 0 || line[n] != ':')
		return NULL;
	line += n + 1;
	len -= n + 1;
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	return g_ascii_strup (line, (gssize) len);
}

static gboolean
is_blank (const char *line, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isspace (line[i]))
			return FALSE;
	}
	return TRUE;
}

/* A line of a calendar or component is NAME[;params]:value. */
static gboolean
has_colon_after_name (const char *line, gsize len)
{
	gsize i = 0;

	while (i < len && (g_ascii_isalnum (line[i]) || line[i] == '-' || line[i] == '_' || line[i] == '.'))
		i++;
	return i > 0 && i < len && (line[i] == ':' || line[i] == ';') && memchr (line + i, ':', len - i) != NULL;
}

static void
comp_start (AirdockdPimioSplitter *s, const char *name, const char *line, gsize len)
{
	comp_clear (s);
	s->comp = g_string_new (NULL);
	s->kind = kind_of (name);
	s->comp_line = s->line;
	s->name = g_strdup (name);
	g_ptr_array_add (s->stack, g_strdup (name));
	g_string_append_len (s->comp, line, (gssize) len);
	g_string_append (s->comp, "\r\n");
}

static void
comp_break (AirdockdPimioSplitter *s, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
comp_break (AirdockdPimioSplitter *s, const char *fmt, ...)
{
	va_list ap;

	if (s->broken != NULL)
		return;
	va_start (ap, fmt);
	s->broken = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	s->broken_line = s->line;
}

static void
comp_append (AirdockdPimioSplitter *s, const char *line, gsize len)
{
	if (s->too_large)
		return;
	if (len + 2 > s->limits.component_bytes - MIN (s->comp->len, s->limits.component_bytes)) {
		s->too_large = TRUE;
		g_string_truncate (s->comp, 0);
		return;
	}
	g_string_append_len (s->comp, line, (gssize) len);
	g_string_append (s->comp, "\r\n");
}

static void
comp_finish (AirdockdPimioSplitter *s)
{
	const char *name = s->name;	/* the stack may be empty by now */
	AirdockdPimioChunk *c;

	if (s->kind == AIRDOCKD_PIMIO_PROBLEM)
		problem (s, s->comp_line, TRUE, FALSE, "BEGIN:%s: not a contact, event, task or note, skipped",
			 printable_name (name));
	else if (s->broken != NULL)
		problem (s, s->broken_line, TRUE, FALSE, "%s", s->broken);
	else if (s->too_large)
		problem (s, s->comp_line, TRUE, FALSE, "%s larger than %" G_GSIZE_FORMAT " bytes",
			 name, s->limits.component_bytes);
	else if (s->in_cal && s->cal_bad && s->kind != AIRDOCKD_PIMIO_VCARD)
		problem (s, s->comp_line, TRUE, TRUE, NULL);
	else {
		c = g_new0 (AirdockdPimioChunk, 1);
		c->kind = s->kind;
		c->line = s->comp_line;
		c->text = g_string_free_to_bytes (g_steal_pointer (&s->comp));
		g_queue_push_tail (&s->out, c);
	}
	comp_clear (s);
}

/* A BEGIN that can only stand at the top of a file or calendar. */
static gboolean
is_top_level (const char *name)
{
	return strcmp (name, "VCALENDAR") == 0 || kind_of (name) != AIRDOCKD_PIMIO_PROBLEM;
}

static void line_outside (AirdockdPimioSplitter *s, const char *line, gsize len);

static void
line_in_comp (AirdockdPimioSplitter *s, const char *line, gsize len)
{
	g_autofree char *begin = marker (line, len, "BEGIN");
	g_autofree char *end = begin == NULL ? marker (line, len, "END") : NULL;
	const char *top = g_ptr_array_index (s->stack, s->stack->len - 1);
	const char *own = g_ptr_array_index (s->stack, 0);

	if (begin != NULL && is_top_level (begin)) {
		/* The component never ended: report it, start over here. */
		problem (s, s->comp_line, TRUE, FALSE, "BEGIN:%s without END:%s", own, top);
		comp_clear (s);
		line_outside (s, line, len);
		return;
	}
	if (end != NULL && strcmp (end, "VCALENDAR") == 0) {
		problem (s, s->comp_line, TRUE, FALSE, "BEGIN:%s without END:%s", own, top);
		comp_clear (s);
		line_outside (s, line, len);
		return;
	}
	comp_append (s, line, len);
	if (begin != NULL) {
		if (s->stack->len >= s->limits.depth)
			comp_break (s, "components nested deeper than %u", s->limits.depth);
		g_ptr_array_add (s->stack, g_steal_pointer (&begin));
	} else if (end != NULL && strcmp (end, top) == 0) {
		g_ptr_array_set_size (s->stack, s->stack->len - 1);
		if (s->stack->len == 0)
			comp_finish (s);
	} else if (end != NULL && strcmp (end, own) == 0) {
		comp_break (s, "END:%s while %s is still open (no END:%s)", own, top, top);
		comp_finish (s);
	} else if (end != NULL) {
		comp_break (s, "END:%s does not close BEGIN:%s", printable_name (end), top);
	}
	/* Broken lines are found by airdockd_pimio_prepare, which knows about
	 * 2.1 quoted-printable soft breaks. */
}

static void
stray (AirdockdPimioSplitter *s)
{
	if (!s->junk)
		problem (s, s->line, FALSE, FALSE, "text outside BEGIN:VCARD ... END:VCARD or "
			 "BEGIN:VCALENDAR ... END:VCALENDAR, skipped");
	s->junk = TRUE;
}

static void
line_in_cal (AirdockdPimioSplitter *s, const char *line, gsize len)
{
	g_autofree char *begin = marker (line, len, "BEGIN");
	g_autofree char *end = begin == NULL ? marker (line, len, "END") : NULL;

	if (begin != NULL) {
		comp_start (s, begin, line, len);
	} else if (end != NULL && strcmp (end, "VCALENDAR") == 0) {
		s->in_cal = FALSE;
	} else if (end != NULL) {
		problem (s, s->line, FALSE, FALSE, "END:%s without BEGIN", printable_name (end));
	} else if (len > 8 && g_ascii_strncasecmp (line, "VERSION:", 8) == 0) {
		if (!(len == 11 && memcmp (line + 8, "2.0", 3) == 0)) {
			problem (s, s->line, FALSE, FALSE, "unknown iCalendar VERSION (2.0 expected): "
				 "the calendar's entries are skipped");
			s->cal_bad = TRUE;
		}
	} else if (line[0] != ' ' && line[0] != '\t' && !has_colon_after_name (line, len)) {
		problem (s, s->line, FALSE, FALSE, "broken line: no NAME:value");
	}
}

static void
line_outside (AirdockdPimioSplitter *s, const char *line, gsize len)
{
	g_autofree char *begin = marker (line, len, "BEGIN");

	if (begin != NULL && strcmp (begin, "VCALENDAR") == 0) {
		if (s->in_cal)
			problem (s, s->cal_line, FALSE, FALSE, "BEGIN:VCALENDAR without END:VCALENDAR");
		s->in_cal = TRUE;
		s->cal_line = s->line;
		s->cal_bad = FALSE;
		s->junk = FALSE;
	} else if (begin != NULL && strcmp (begin, "VCARD") == 0) {
		if (s->in_cal)
			problem (s, s->cal_line, FALSE, FALSE, "BEGIN:VCALENDAR without END:VCALENDAR");
		s->in_cal = FALSE;
		s->junk = FALSE;
		comp_start (s, begin, line, len);
	} else if (s->in_cal) {
		s->junk = FALSE;
		line_in_cal (s, line, len);
	} else if (!is_blank (line, len)) {
		stray (s);
	}
}

static void
process_line (AirdockdPimioSplitter *s, const char *line, gsize len)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (s->overlong) {
		if (s->comp != NULL)
			comp_break (s, "line longer than %" G_GSIZE_FORMAT " bytes", s->limits.line_bytes);
		else
			problem (s, s->line, FALSE, FALSE, "line longer than %" G_GSIZE_FORMAT " bytes",
				 s->limits.line_bytes);
	} else if (s->comp != NULL) {
		line_in_comp (s, line, len);
	} else {
		line_outside (s, line, len);
	}
	s->overlong = FALSE;
	s->line++;
}

void
airdockd_pimio_splitter_feed (AirdockdPimioSplitter *s, const char *data, gsize len)
{
	gsize off = 0;

	while (off < len) {
		const char *nl = memchr (data + off, '\n', len - off);
		gsize n = nl != NULL ? (gsize) (nl - (data + off)) : len - off;

		if (!s->overlong && n > s->limits.line_bytes - MIN (s->partial->len, s->limits.line_bytes)) {
			s->overlong = TRUE;
			g_string_truncate (s->partial, 0);
		}
		if (!s->overlong)
			g_string_append_len (s->partial, data + off, (gssize) n);
		off += n;
		if (nl == NULL)
			break;
		off++;
		process_line (s, s->partial->str, s->partial->len);
		g_string_truncate (s->partial, 0);
	}
}

void
airdockd_pimio_splitter_finish (AirdockdPimioSplitter *s)
{
	if (s->partial->len > 0 || s->overlong) {
		process_line (s, s->partial->str, s->partial->len);
		g_string_truncate (s->partial, 0);
	}
	if (s->comp != NULL) {
		problem (s, s->comp_line, TRUE, FALSE, "BEGIN:%s without END:%s",
			 (const char *) g_ptr_array_index (s->stack, 0),
			 (const char *) g_ptr_array_index (s->stack, s->stack->len - 1));
		comp_clear (s);
	}
	if (s->in_cal)
		problem (s, s->cal_line, FALSE, FALSE, "BEGIN:VCALENDAR without END:VCALENDAR");
	s->in_cal = FALSE;
}

/* ---- logical lines of one component ----------------------------------- */

typedef struct {
	const char *data;
	gsize len;
	gsize off;
	guint line;	/* number of the next physical line */
} Lines;

static void
lines_init (Lines *r, GBytes *text, guint first_line)
{
	r->data = g_bytes_get_data (text, &r->len);
	r->off = 0;
	r->line = first_line;
}

static void
physical (Lines *r, const char **out, gsize *out_len)
{
	const char *nl = memchr (r->data + r->off, '\n', r->len - r->off);
	gsize n = nl != NULL ? (gsize) (nl - (r->data + r->off)) : r->len - r->off;

	*out = r->data + r->off;
	r->off += nl != NULL ? n + 1 : n;
	if (n > 0 && (*out)[n - 1] == '\r')
		n--;
	*out_len = n;
	r->line++;
}

/* vCard 2.1: a quoted-printable value ending in '=' goes on (soft break). */
static gboolean
qp_soft_break (const GString *s)
{
	const char *colon = memchr (s->str, ':', s->len);
	g_autofree char *head = colon != NULL ? g_ascii_strup (s->str, colon - s->str) : NULL;

	return head != NULL && s->str[s->len - 1] == '=' && strstr (head, "QUOTED-PRINTABLE") != NULL;
}

/* Unfolds the next logical line (RFC 5545 3.1, RFC 6350 3.2) into out.
 * qp: 2.1 quoted-printable soft breaks ('=' at the end) join too. */
static gboolean
lines_next (Lines *r, GString *out, guint *out_line, gboolean qp)
{
	const char *p;
	gsize n;

	if (r->off >= r->len)
		return FALSE;
	*out_line = r->line;
	g_string_truncate (out, 0);
	physical (r, &p, &n);
	g_string_append_len (out, p, (gssize) n);
	while (r->off < r->len) {
		char c = r->data[r->off];
		gboolean soft = qp && out->len > 0 && qp_soft_break (out);

		if (c != ' ' && c != '\t' && !soft)
			break;
		physical (r, &p, &n);
		if (soft)
			g_string_truncate (out, out->len - 1);
		else
			p++, n--;
		g_string_append_len (out, p, (gssize) n);
	}
	return TRUE;
}

/* NAME (upper case, group removed), the parameter text and the value of a
 * logical line; FALSE when it is not NAME[;params]:value. */
typedef struct {
	char name[64];
	const char *params;
	gsize params_len;
	const char *value;
} Prop;

static gboolean
prop_split (const char *s, Prop *p)
{
	const char *name = s;
	gsize i = 0;
	gboolean quoted = FALSE;

	while (g_ascii_isalnum (s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.') {
		if (s[i] == '.')
			name = s + i + 1;
		i++;
	}
	if (s + i == name || (gsize) (s + i - name) >= sizeof p->name || (s[i] != ':' && s[i] != ';'))
		return FALSE;
	for (gsize k = 0; name + k < s + i; k++)
		p->name[k] = g_ascii_toupper (name[k]);
	p->name[s + i - name] = '\0';
	p->params = s + i;
	for (; s[i] != '\0' && (quoted || s[i] != ':'); i++) {
		if (s[i] == '"')
			quoted = !quoted;
	}
	if (s[i] != ':')
		return FALSE;
	p->params_len = (gsize) (s + i - p->params);
	p->value = s + i + 1;
	return TRUE;
}

/* The value of parameter name (first one, quotes removed), or NULL; with
 * name NULL, TRUE-ish for a bare parameter word (2.1 "QUOTED-PRINTABLE"). */
static char *
param_get (const Prop *p, const char *name)
{
	g_autofree char *params = g_strndup (p->params, p->params_len);
	gsize n = strlen (name);
	gboolean quoted = FALSE;

	for (char *q = params; *q != '\0'; q++) {
		if (*q == '"')
			quoted = !quoted;
		if (quoted || *q != ';' || g_ascii_strncasecmp (q + 1, name, n) != 0)
			continue;
		if (q[n + 1] == '=') {
			char *v = q + n + 2, *e;

			if (*v == '"') {
				v++;
				e = strchr (v, '"');
			} else {
				e = strpbrk (v, ";");
			}
			return e != NULL ? g_strndup (v, (gsize) (e - v)) : g_strdup (v);
		}
		if (q[n + 1] == ';' || q[n + 1] == '\0')
			return g_strdup ("");
	}
	return NULL;
}

static gboolean
digits (const char *s, gsize n, guint *out)
{
	guint v = 0;

	for (gsize i = 0; i < n; i++) {
		if (!g_ascii_isdigit (s[i]))
			return FALSE;
		v = v * 10 + (guint) (s[i] - '0');
	}
	*out = v;
	return TRUE;
}

/* RFC 5545 3.3.4/3.3.5: YYYYMMDD or YYYYMMDDTHHMMSS[Z], a real date, in
 * the years EAS can carry (1601–9999, [MS-ASDTYPE] 2.3). */
static gboolean
valid_ical_time (const char *v, gsize n)
{
	guint y, mo, d, h, mi, s;

	if ((n != 8 && n != 15 && n != 16) || !digits (v, 4, &y) || !digits (v + 4, 2, &mo) ||
	    !digits (v + 6, 2, &d) || y < 1601 || y > 9999 || mo < 1 || mo > 12 ||
	    !g_date_valid_dmy ((GDateDay) d, (GDateMonth) mo, (GDateYear) y))
		return FALSE;
	if (n == 8)
		return TRUE;
	return v[8] == 'T' && digits (v + 9, 2, &h) && digits (v + 11, 2, &mi) && digits (v + 13, 2, &s) &&
	       h < 24 && mi < 60 && s <= 60 && (n == 15 || v[15] == 'Z');
}

static gboolean
is_time_prop (const char *name)
{
	static const char *const names[] = { "DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "EXDATE",
					     "COMPLETED", "DTSTAMP", "CREATED", "LAST-MODIFIED" };

	for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
		if (strcmp (name, names[i]) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
valid_time_list (const char *value)
{
	g_auto (GStrv) parts = g_strsplit (value, ",", 0);

	for (guint i = 0; parts[i] != NULL; i++) {
		if (!valid_ical_time (parts[i], strlen (parts[i])))
			return FALSE;
	}
	return parts[0] != NULL;
}

/* vCard BDAY/ANNIVERSARY: RFC 6350 4.3.1 date (YYYYMMDD, YYYY-MM-DD,
 * --MMDD, --MM-DD), RFC 2426 ISO 8601 date, optionally with a time. */
static gboolean
valid_vcard_date (const char *v)
{
	g_autofree char *date = g_strndup (v, strcspn (v, "T"));
	g_autofree char *plain = NULL;
	guint y = 2000, mo, d;
	gsize n;

	if (g_str_has_prefix (date, "--")) {
		plain = g_strdup (date + 2);
	} else {
		GString *s = g_string_new (NULL);

		for (const char *p = date; *p != '\0'; p++) {
			if (*p != '-')
				g_string_append_c (s, *p);
		}
		plain = g_string_free (s, FALSE);
	}
	n = strlen (plain);
	if (n == 8 && !digits (plain, 4, &y))
		return FALSE;
	if ((n != 8 && n != 4) || !digits (plain + n - 4, 2, &mo) || !digits (plain + n - 2, 2, &d))
		return FALSE;
	return mo >= 1 && mo <= 12 && y >= 1 && g_date_valid_dmy ((GDateDay) d, (GDateMonth) mo, (GDateYear) y);
}

/* ---- preparing one entry ------------------------------------------------- */

static AirdockdPimioEntry *
fail (guint line, guint *out_line, GError **error, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static AirdockdPimioEntry *
fail (guint line, guint *out_line, GError **error, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start (ap, fmt);
	msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	*out_line = line;
	g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, msg);
	return NULL;
}

static char *
derive_uid (GBytes *text)
{
	g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
	gsize len = 0;
	const guchar *p = g_bytes_get_data (text, &len);

	g_checksum_update (sum, p, (gssize) len);
	return g_strdup_printf ("airdock-import-%.32s", g_checksum_get_string (sum));
}

/* Line checks of a VCARD; takes its raw UID. */
static gboolean
check_vcard_lines (const AirdockdPimioChunk *chunk, char **out_uid, guint *out_line, GError **error)
{
	g_autoptr (GString) s = g_string_new (NULL);
	Lines r;
	guint line = 0;
	Prop p;

	lines_init (&r, chunk->text, chunk->line);
	while (lines_next (&r, s, &line, TRUE)) {
		g_autofree char *value_type = NULL;

		if (is_blank (s->str, s->len))
			continue;
		if (!prop_split (s->str, &p)) {
			fail (line, out_line, error, "broken line: no NAME:value");
			return FALSE;
		}
		if (strcmp (p.name, "VERSION") == 0 && strcmp (p.value, "2.1") != 0 &&
		    strcmp (p.value, "3.0") != 0 && strcmp (p.value, "4.0") != 0) {
			fail (line, out_line, error, "unknown vCard VERSION (2.1, 3.0 or 4.0 expected)");
			return FALSE;
		}
		value_type = param_get (&p, "VALUE");
		if ((strcmp (p.name, "BDAY") == 0 || strcmp (p.name, "ANNIVERSARY") == 0) &&
		    (value_type == NULL || g_ascii_strcasecmp (value_type, "text") != 0) &&
		    !valid_vcard_date (p.value)) {
			fail (line, out_line, error, "%s: invalid date", p.name);
			return FALSE;
		}
		if (strcmp (p.name, "UID") == 0 && *out_uid == NULL && p.value[0] != '\0')
			*out_uid = g_strdup (p.value);
	}
	return TRUE;
}

/* "line N: …" of eas_vcard_parse, made absolute. */
static AirdockdPimioEntry *
vcard_parse_failed (const AirdockdPimioChunk *chunk, GError *local, guint *out_line, GError **error)
{
	guint64 n = 0;
	const char *msg = local->message;
	const char *colon = strstr (msg, ": ");

	if (g_str_has_prefix (msg, "line ") && colon != NULL) {
		g_autofree char *num = g_strndup (msg + 5, (gsize) (colon - msg - 5));

		if (g_ascii_string_to_unsigned (num, 10, 1, G_MAXUINT32, &n, NULL))
			return fail (chunk->line + (guint) n - 1, out_line, error, "%s", colon + 2);
	}
	return fail (chunk->line, out_line, error, "%s", msg);
}

static AirdockdPimioEntry *
prepare_vcard (const AirdockdPimioChunk *chunk, guint *out_line, GError **error)
{
	g_autoptr (AirdockdPimioEntry) e = g_new0 (AirdockdPimioEntry, 1);
	g_autoptr (GError) local = NULL;
	gsize len = 0;
	const char *text = g_bytes_get_data (chunk->text, &len);

	e->item_class = AIRDOCKD_ITEM_CONTACT;
	e->line = chunk->line;
	if (!check_vcard_lines (chunk, &e->uid, out_line, error))
		return NULL;
	e->card = eas_vcard_parse (text, len, NULL, &local);
	if (e->card == NULL)
		return vcard_parse_failed (chunk, local, out_line, error);
	if (e->uid == NULL) {
		e->uid = derive_uid (chunk->text);
		e->uid_derived = TRUE;
		eas_vcard_add (e->card, "UID", e->uid);
	}
	airdockd_pimio_vcard_to_v4 (e->card);
	return g_steal_pointer (&e);
}

static void
add_tzid (GPtrArray *tzids, char *tzid)
{
	for (guint i = 0; i < tzids->len; i++) {
		if (strcmp (g_ptr_array_index (tzids, i), tzid) == 0) {
			g_free (tzid);
			return;
		}
	}
	g_ptr_array_add (tzids, tzid);
}

/* Line checks of an iCalendar component: broken lines, date-times; takes
 * its UID, whether it has a RECURRENCE-ID, and the TZIDs it uses. */
static gboolean
check_ical_lines (const AirdockdPimioChunk *chunk, AirdockdPimioEntry *e, guint *out_line, GError **error)
{
	g_autoptr (GString) s = g_string_new (NULL);
	Lines r;
	guint line = 0, depth = 0;
	Prop p;

	lines_init (&r, chunk->text, chunk->line);
	while (lines_next (&r, s, &line, FALSE)) {
		char *tzid;

		if (is_blank (s->str, s->len))
			continue;
		if (!prop_split (s->str, &p)) {
			fail (line, out_line, error, "broken line: no NAME:value");
			return FALSE;
		}
		if (strcmp (p.name, "BEGIN") == 0)
			depth++;
		else if (strcmp (p.name, "END") == 0)
			depth--;
		else if (is_time_prop (p.name) && !valid_time_list (p.value)) {
			fail (line, out_line, error, "%s: invalid date or date-time", p.name);
			return FALSE;
		}
		if (depth == 1 && strcmp (p.name, "UID") == 0 && e->uid == NULL && p.value[0] != '\0')
			e->uid = g_strdup (p.value);
		if (depth == 1 && strcmp (p.name, "RECURRENCE-ID") == 0)
			e->recurrence_id = TRUE;
		if ((tzid = param_get (&p, "TZID")) != NULL)
			add_tzid (e->tzids, tzid);
	}
	return TRUE;
}

/* libical marks what it could not read with X-LIC-ERROR properties.  An
 * empty property ("DESCRIPTION:", as Google writes) says nothing: libical
 * drops it and so do we, without a complaint. */
static icalproperty *
find_lic_error (icalcomponent *c)
{
	icalproperty *p = icalcomponent_get_first_property (c, ICAL_XLICERROR_PROPERTY);

	while (p != NULL && g_str_has_prefix (icalproperty_get_xlicerror (p), "No value for ")) {
		icalproperty *next = icalcomponent_get_next_property (c, ICAL_XLICERROR_PROPERTY);

		icalcomponent_remove_property (c, p);
		icalproperty_free (p);
		p = next;
	}
	for (icalcomponent *sub = icalcomponent_get_first_component (c, ICAL_ANY_COMPONENT);
	     p == NULL && sub != NULL; sub = icalcomponent_get_next_component (c, ICAL_ANY_COMPONENT))
		p = find_lic_error (sub);
	return p;
}

static icalcomponent *
ical_parse_chunk (const AirdockdPimioChunk *chunk, icalcomponent_kind want, guint *out_line, GError **error)
{
	gsize len = 0;
	const char *data = g_bytes_get_data (chunk->text, &len);
	g_autofree char *text = g_strndup (data, len);
	icalcomponent *c = icalparser_parse_string (text);
	icalproperty *err;

	if (c == NULL || icalcomponent_isa (c) != want) {
		g_clear_pointer (&c, icalcomponent_free);
		fail (chunk->line, out_line, error, "iCalendar component libical cannot read");
		return NULL;
	}
	if ((err = find_lic_error (c)) != NULL) {
		icalparameter *t = icalproperty_get_first_parameter (err, ICAL_XLICERRORTYPE_PARAMETER);
		const char *what = t != NULL ? icalparameter_enum_to_string ((int) icalparameter_get_xlicerrortype (t)) : NULL;

		fail (chunk->line, out_line, error, "iCalendar error (libical: %s)", what != NULL ? what : "unknown");
		icalcomponent_free (c);
		return NULL;
	}
	return c;
}

static AirdockdPimioEntry *
prepare_ical (const AirdockdPimioChunk *chunk, guint *out_line, GError **error)
{
	g_autoptr (AirdockdPimioEntry) e = g_new0 (AirdockdPimioEntry, 1);
	icalcomponent_kind want = chunk->kind == AIRDOCKD_PIMIO_VEVENT ? ICAL_VEVENT_COMPONENT :
				  chunk->kind == AIRDOCKD_PIMIO_VTODO ? ICAL_VTODO_COMPONENT : ICAL_VJOURNAL_COMPONENT;

	e->item_class = chunk->kind == AIRDOCKD_PIMIO_VEVENT ? AIRDOCKD_ITEM_CALENDAR :
			chunk->kind == AIRDOCKD_PIMIO_VTODO ? AIRDOCKD_ITEM_TASK : AIRDOCKD_ITEM_NOTE;
	e->line = chunk->line;
	e->tzids = g_ptr_array_new_with_free_func (g_free);
	if (!check_ical_lines (chunk, e, out_line, error))
		return NULL;
	e->comp = ical_parse_chunk (chunk, want, out_line, error);
	if (e->comp == NULL)
		return NULL;
	if (e->uid == NULL) {
		if (e->recurrence_id)
			return fail (chunk->line, out_line, error, "RECURRENCE-ID without UID: no series to add it to");
		e->uid = derive_uid (chunk->text);
		e->uid_derived = TRUE;
		icalcomponent_set_uid (e->comp, e->uid);
	}
	return g_steal_pointer (&e);
}

AirdockdPimioEntry *
airdockd_pimio_prepare (const AirdockdPimioChunk *chunk, guint *out_line, GError **error)
{
	g_return_val_if_fail (chunk != NULL && chunk->text != NULL, NULL);
	switch (chunk->kind) {
	case AIRDOCKD_PIMIO_VCARD:
		return prepare_vcard (chunk, out_line, error);
	case AIRDOCKD_PIMIO_VEVENT:
	case AIRDOCKD_PIMIO_VTODO:
	case AIRDOCKD_PIMIO_VJOURNAL:
		return prepare_ical (chunk, out_line, error);
	default:
		g_return_val_if_reached (NULL);
	}
}

icalcomponent *
airdockd_pimio_parse_vtimezone (const AirdockdPimioChunk *chunk, char **out_tzid, guint *out_line, GError **error)
{
	g_autoptr (AirdockdPimioEntry) e = g_new0 (AirdockdPimioEntry, 1);
	icalcomponent *c;
	icalproperty *p;

	g_return_val_if_fail (chunk->kind == AIRDOCKD_PIMIO_VTIMEZONE, NULL);
	e->tzids = g_ptr_array_new_with_free_func (g_free);
	if (!check_ical_lines (chunk, e, out_line, error))
		return NULL;
	c = ical_parse_chunk (chunk, ICAL_VTIMEZONE_COMPONENT, out_line, error);
	if (c == NULL)
		return NULL;
	p = icalcomponent_get_first_property (c, ICAL_TZID_PROPERTY);
	if (p == NULL || icalproperty_get_tzid (p) == NULL || icalproperty_get_tzid (p)[0] == '\0' ||
	    (icalcomponent_get_first_component (c, ICAL_XSTANDARD_COMPONENT) == NULL &&
	     icalcomponent_get_first_component (c, ICAL_XDAYLIGHT_COMPONENT) == NULL)) {
		icalcomponent_free (c);
		fail (chunk->line, out_line, error, "VTIMEZONE without TZID or STANDARD/DAYLIGHT");
		return NULL;
	}
	*out_tzid = g_strdup (icalproperty_get_tzid (p));
	return c;
}

/* ---- vCard versions ------------------------------------------------------ */

static void
remove_params (EasVCardProperty *prop, const char *name, const char *value)
{
	for (guint i = prop->params->len; i > 0; i--) {
		EasVCardParam *param = g_ptr_array_index (prop->params, i - 1);

		if (g_ascii_strcasecmp (param->name, name) == 0 &&
		    (value == NULL || g_ascii_strcasecmp (param->value, value) == 0))
			g_ptr_array_remove_index (prop->params, i - 1);
	}
}

static gboolean
is_binary_prop (const EasVCardProperty *prop)
{
	return g_ascii_strcasecmp (prop->name, "PHOTO") == 0 || g_ascii_strcasecmp (prop->name, "LOGO") == 0 ||
	       g_ascii_strcasecmp (prop->name, "SOUND") == 0 || g_ascii_strcasecmp (prop->name, "KEY") == 0;
}

/* The media type of a 3.0 TYPE (JPEG, image/png …), else sniffed. */
static char *
media_type (const EasVCardProperty *prop)
{
	const char *type = eas_vcard_property_get_param (prop, "TYPE");

	if (type != NULL && strchr (type, '/') != NULL)
		return g_ascii_strdown (type, -1);
	if (type != NULL && g_ascii_strcasecmp (prop->name, "KEY") != 0 &&
	    g_ascii_strcasecmp (prop->name, "SOUND") != 0) {
		g_autofree char *low = g_ascii_strdown (type, -1);

		return g_strdup_printf ("image/%s", low);
	}
	if (g_ascii_strcasecmp (prop->name, "KEY") == 0)
		return g_strdup ("application/pkix-cert");
	if (g_str_has_prefix (prop->value, "iVBORw0KGgo"))
		return g_strdup ("image/png");
	if (g_str_has_prefix (prop->value, "R0lGOD"))
		return g_strdup ("image/gif");
	return g_strdup (g_ascii_strcasecmp (prop->name, "SOUND") == 0 ? "audio/basic" : "image/jpeg");
}

void
airdockd_pimio_vcard_to_v4 (EasVCard *card)
{
	if (g_strcmp0 (card->version, "4.0") == 0)
		return;
	g_free (card->version);
	card->version = g_strdup ("4.0");
	for (guint i = 0; i < card->properties->len; i++) {
		EasVCardProperty *prop = g_ptr_array_index (card->properties, i);
		const char *enc = eas_vcard_property_get_param (prop, "ENCODING");

		if (is_binary_prop (prop) && enc != NULL &&
		    (g_ascii_strcasecmp (enc, "b") == 0 || g_ascii_strcasecmp (enc, "BASE64") == 0)) {
			g_autofree char *media = media_type (prop);
			char *uri = g_strdup_printf ("data:%s;base64,%s", media, prop->value);

			g_free (prop->value);
			prop->value = uri;
			remove_params (prop, "ENCODING", NULL);
			remove_params (prop, "TYPE", NULL);
		}
		/* 2.1: the parser already decoded these. */
		remove_params (prop, "ENCODING", "QUOTED-PRINTABLE");
		remove_params (prop, "CHARSET", NULL);
		if (eas_vcard_property_has_type (prop, "pref")) {
			remove_params (prop, "TYPE", "pref");
			eas_vcard_property_add_param (prop, "PREF", "1");
		}
	}
}

void
airdockd_pimio_vcard_to_v3 (EasVCard *card)
{
	if (g_strcmp0 (card->version, "4.0") != 0)
		return;
	g_free (card->version);
	card->version = g_strdup ("3.0");
	for (guint i = 0; i < card->properties->len; i++) {
		EasVCardProperty *prop = g_ptr_array_index (card->properties, i);
		const char *comma = strchr (prop->value, ',');

		if (is_binary_prop (prop) && g_str_has_prefix (prop->value, "data:") && comma != NULL &&
		    g_strstr_len (prop->value, comma - prop->value, ";base64") != NULL) {
			g_autofree char *media = g_strndup (prop->value + 5, strcspn (prop->value + 5, ";,"));
			const char *slash = strchr (media, '/');
			g_autofree char *type = g_ascii_strup (slash != NULL ? slash + 1 : media, -1);
			char *b64 = g_strdup (comma + 1);

			g_free (prop->value);
			prop->value = b64;
			eas_vcard_property_add_param (prop, "ENCODING", "b");
			if (g_ascii_strcasecmp (prop->name, "KEY") != 0)
				eas_vcard_property_add_param (prop, "TYPE", type);
		}
		if (eas_vcard_property_get_param (prop, "PREF") != NULL) {
			remove_params (prop, "PREF", NULL);
			eas_vcard_property_add_param (prop, "TYPE", "pref");
		}
	}
}

/* ---- stored data ---------------------------------------------------------- */

char *
airdockd_pimio_stored_uid (GBytes *data)
{
	g_autoptr (GString) s = g_string_new (NULL);
	Lines r;
	guint line = 0, depth = 0, want = 2;
	Prop p;

	if (data == NULL)
		return NULL;
	lines_init (&r, data, 1);
	while (lines_next (&r, s, &line, FALSE)) {
		if (!prop_split (s->str, &p))
			continue;
		if (strcmp (p.name, "BEGIN") == 0) {
			if (depth == 0 && g_ascii_strcasecmp (p.value, "VCARD") == 0)
				want = 1;
			depth++;
		} else if (strcmp (p.name, "END") == 0) {
			depth = depth > 0 ? depth - 1 : 0;
		} else if (depth == want && strcmp (p.name, "UID") == 0 && p.value[0] != '\0') {
			return g_strdup (p.value);
		}
	}
	return NULL;
}

icalcomponent *
airdockd_pimio_new_vcalendar (void)
{
	icalcomponent *cal = icalcomponent_new_vcalendar ();

	icalcomponent_add_property (cal, icalproperty_new_version ("2.0"));
	icalcomponent_add_property (cal, icalproperty_new_prodid ("-//Airdock//airdockctl//EN"));
	return cal;
}
