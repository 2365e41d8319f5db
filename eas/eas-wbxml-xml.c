/* eas-wbxml-xml.c — the XML view of EAS WBXML, for tools and tests.
 *
 * Output form:
 *   <?xml version="1.0" encoding="utf-8"?>
 *   <Sync xmlns="AirSync:" xmlns:airsyncbase="AirSyncBase:">
 *     <Collections>
 *       <SyncKey>1</SyncKey>
 *       <airsyncbase:Data opaque="base64">AAEC</airsyncbase:Data>
 *     ...
 * The root's page is the default namespace; every other page used in the
 * document is declared on the root with its lower-case name as prefix.
 * Namespace names are the spec's, with the trailing ':' ([MS-ASWBXML]).
 *
 * Markers (EAS elements have no attributes, so attributes are free):
 *   opaque="base64"  the element's content is one OPAQUE value, in base64;
 *   text="base64"    the element's text, in base64, because it holds
 *                    characters XML 1.0 cannot carry (controls, CR …).
 * Elements that mix children, text and OPAQUE (never seen in EAS) are printed
 * without indentation; an OPAQUE inside them, and a text piece that is blank
 * or not XML-safe, becomes <?wbxml-opaque BASE64?> / <?wbxml-text BASE64?>.
 * So a canonical document (as our writer makes them) survives
 * WBXML → XML → WBXML byte for byte. */
#include "config.h"

#include <string.h>

#include "eas/eas-wbxml-private.h"

enum {
	F_TEXT = 1 << 0,
	F_OPAQUE = 1 << 1,
	F_CHILD = 1 << 2,
	F_UNSAFE = 1 << 3,	/* a text piece XML cannot carry verbatim */
};

#define MIXED(f) ((((f) & F_TEXT) != 0) + (((f) & F_OPAQUE) != 0) + (((f) & F_CHILD) != 0) > 1)

/* TRUE when every character may appear in XML 1.0 content as is; CR is
 * excluded because parsers normalise line ends. */
static gboolean
xml_safe (const char *s, gsize len)
{
	const char *end = s + len;

	for (const char *p = s; p < end; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (c < 0x20 ? (c != '\t' && c != '\n') :
		    (c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF)
			return FALSE;
	}
	return TRUE;
}

static gboolean
blank (const char *s, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isspace (s[i]))
			return FALSE;
	}
	return TRUE;
}

/* ---- WBXML → XML ------------------------------------------------------- */

typedef struct {
	GString *out;
	GByteArray *flags;	/* pass 1 result: F_* per element, in START order */
	gsize index;		/* next element ordinal */
	guint root_page;
	guint8 *stack_flags;	/* flags of the open elements */
	guint depth;
	/* OPAQUE being printed: base64 state. */
	gboolean in_b64;
	gint b64_state;
	gint b64_save;
	EasTag b64_tag;
	gboolean b64_pi;
	GString *text_acc;	/* text-only element with text="base64" */
} XmlPrinter;

static void
print_name (XmlPrinter *p, EasTag tag)
{
	guint page = EAS_TAG_PAGE (tag);

	if (page != p->root_page) {
		g_autofree char *prefix = g_ascii_strdown (eas_codepage_name (page), -1);
		g_string_append (p->out, prefix);
		g_string_append_c (p->out, ':');
	}
	g_string_append (p->out, eas_tag_name (tag));
}

/* Indentation stops growing at 32 levels: output stays linear in the
 * input even for documents nested thousands deep. */
static void
print_indent (XmlPrinter *p, guint depth)
{
	g_string_append_c (p->out, '\n');
	for (guint i = 0; i < MIN (depth, 32u); i++)
		g_string_append (p->out, "  ");
}

static void
print_escaped (XmlPrinter *p, const char *s, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': g_string_append (p->out, "&amp;"); break;
		case '<': g_string_append (p->out, "&lt;"); break;
		case '>': g_string_append (p->out, "&gt;"); break;
		default: g_string_append_c (p->out, s[i]); break;
		}
	}
}

static void
b64_append (XmlPrinter *p, const guint8 *data, gsize len)
{
	/* g_base64_encode_step needs up to (len / 3 + 1) * 4 + 4 bytes. */
	gsize old = p->out->len;
	g_string_set_size (p->out, old + (len / 3 + 1) * 4 + 4);
	gsize n = g_base64_encode_step (data, len, FALSE, p->out->str + old,
	                                &p->b64_state, &p->b64_save);
	g_string_set_size (p->out, old + n);
}

static void
b64_close (XmlPrinter *p)
{
	if (!p->in_b64)
		return;
	gsize old = p->out->len;
	g_string_set_size (p->out, old + 8);
	gsize n = g_base64_encode_close (FALSE, p->out->str + old, &p->b64_state, &p->b64_save);
	g_string_set_size (p->out, old + n);
	if (p->b64_pi)
		g_string_append (p->out, "?>");
	p->in_b64 = FALSE;
}

static void
print_declarations (XmlPrinter *p, guint32 pages)
{
	g_string_append_printf (p->out, " xmlns=\"%s:\"", eas_codepage_name (p->root_page));
	for (guint page = 0; page < EAS_CODEPAGE_COUNT; page++) {
		if (page == p->root_page || (pages & (1u << page)) == 0)
			continue;
		g_autofree char *prefix = g_ascii_strdown (eas_codepage_name (page), -1);
		g_string_append_printf (p->out, " xmlns:%s=\"%s:\"", prefix, eas_codepage_name (page));
	}
}

static void
print_start (XmlPrinter *p, const EasWbxmlEvent *ev, guint32 pages)
{
	guint8 f = p->flags->data[p->index++];

	if (p->depth > 0) {
		guint8 pf = p->stack_flags[p->depth - 1];
		if (!MIXED (pf))
			print_indent (p, p->depth);
	}
	g_string_append_c (p->out, '<');
	print_name (p, ev->tag);
	if (p->depth == 0)
		print_declarations (p, pages);
	if (f == F_OPAQUE)
		g_string_append (p->out, " opaque=\"base64\"");
	else if (f == (F_TEXT | F_UNSAFE))
		g_string_append (p->out, " text=\"base64\"");
	if ((f & (F_TEXT | F_OPAQUE | F_CHILD)) == 0) {
		g_string_append (p->out, "/>");
		f |= 0x80;	/* already closed */
	} else {
		g_string_append_c (p->out, '>');
	}
	p->stack_flags[p->depth++] = f;
	if (f == (F_TEXT | F_UNSAFE))
		p->text_acc = g_string_new (NULL);
}

static void
print_end (XmlPrinter *p, const EasWbxmlEvent *ev)
{
	guint8 f = p->stack_flags[--p->depth];

	b64_close (p);
	if (p->text_acc != NULL) {
		p->in_b64 = TRUE;
		p->b64_pi = FALSE;
		p->b64_state = p->b64_save = 0;
		b64_append (p, (const guint8 *) p->text_acc->str, p->text_acc->len);
		b64_close (p);
		g_string_free (g_steal_pointer (&p->text_acc), TRUE);
	}
	if (f & 0x80)
		return;
	if ((f & F_CHILD) && !MIXED (f))
		print_indent (p, p->depth);
	g_string_append (p->out, "</");
	print_name (p, ev->tag);
	g_string_append_c (p->out, '>');
}

static void
print_text (XmlPrinter *p, const EasWbxmlEvent *ev)
{
	guint8 f = p->stack_flags[p->depth - 1];
	const char *s = (const char *) ev->data;

	b64_close (p);
	if (p->text_acc != NULL) {
		g_string_append_len (p->text_acc, s, (gssize) ev->len);
		return;
	}
	if (!MIXED (f) || (xml_safe (s, ev->len) && !blank (s, ev->len))) {
		print_escaped (p, s, ev->len);
		return;
	}
	g_string_append (p->out, "<?wbxml-text ");
	p->in_b64 = TRUE;
	p->b64_pi = TRUE;
	p->b64_state = p->b64_save = 0;
	b64_append (p, ev->data, ev->len);
	b64_close (p);
}

static void
print_opaque (XmlPrinter *p, const EasWbxmlEvent *ev)
{
	guint8 f = p->stack_flags[p->depth - 1];

	if (ev->opaque_offset == 0 && !(p->in_b64 && !p->b64_pi)) {
		/* A new value: in the attribute form, values of one element
		 * continue one base64 stream. */
		b64_close (p);
		p->in_b64 = TRUE;
		p->b64_pi = MIXED (f);
		p->b64_state = p->b64_save = 0;
		if (p->b64_pi)
			g_string_append (p->out, "<?wbxml-opaque ");
	}
	b64_append (p, ev->data, ev->len);
	if (p->b64_pi && ev->opaque_offset + ev->len == ev->opaque_total)
		b64_close (p);
}

/* Pass 1: validates the document, records F_* per element and the pages. */
static GByteArray *
scan_document (const guint8 *data, gsize len, const EasWbxmlLimits *limits,
               guint32 *out_pages, GError **error)
{
	g_autoptr (EasWbxmlDecoder) dec = eas_wbxml_decoder_new (limits);
	g_autoptr (GByteArray) flags = g_byte_array_new ();
	g_autoptr (GArray) open = g_array_new (FALSE, FALSE, sizeof (gsize));
	EasWbxmlEvent ev;
	EasWbxmlStatus st;
	guint32 pages = 0;

	eas_wbxml_decoder_feed (dec, data, len);
	while ((st = eas_wbxml_decoder_next (dec, &ev, error)) == EAS_WBXML_GOT_EVENT) {
		guint8 *parent = open->len > 0 ? &flags->data[g_array_index (open, gsize, open->len - 1)] : NULL;
		guint8 zero = 0;
		switch (ev.type) {
		case EAS_WBXML_EVENT_START: {
			pages |= 1u << EAS_TAG_PAGE (ev.tag);
			if (parent != NULL)
				*parent |= F_CHILD;
			gsize index = flags->len;
			g_array_append_val (open, index);
			g_byte_array_append (flags, &zero, 1);
			break;
		}
		case EAS_WBXML_EVENT_END:
			g_array_set_size (open, open->len - 1);
			break;
		case EAS_WBXML_EVENT_TEXT:
			*parent |= F_TEXT;
			if (!xml_safe ((const char *) ev.data, ev.len))
				*parent |= F_UNSAFE;
			break;
		case EAS_WBXML_EVENT_OPAQUE:
		default:
			*parent |= F_OPAQUE;
			break;
		}
	}
	if (st == EAS_WBXML_FAILED ||
	    (st == EAS_WBXML_NEED_MORE && !eas_wbxml_decoder_finish (dec, error)))
		return NULL;
	*out_pages = pages;
	return g_steal_pointer (&flags);
}

char *
eas_wbxml_to_xml (const guint8 *data, gsize len, const EasWbxmlLimits *limits,
                  GError **error)
{
	guint32 pages = 0;

	g_return_val_if_fail (data != NULL || len == 0, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	g_autoptr (GByteArray) flags = scan_document (data, len, limits, &pages, error);
	if (flags == NULL)
		return NULL;

	g_autoptr (EasWbxmlDecoder) dec = eas_wbxml_decoder_new (limits);
	XmlPrinter p = { 0 };
	EasWbxmlEvent ev;

	p.out = g_string_sized_new (len + len / 2 + 64);
	p.flags = flags;
	p.stack_flags = g_new (guint8, flags->len + 1);
	g_string_append (p.out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	eas_wbxml_decoder_feed (dec, data, len);
	while (eas_wbxml_decoder_next (dec, &ev, NULL) == EAS_WBXML_GOT_EVENT) {
		switch (ev.type) {
		case EAS_WBXML_EVENT_START:
			if (p.depth == 0)
				p.root_page = EAS_TAG_PAGE (ev.tag);
			print_start (&p, &ev, pages);
			break;
		case EAS_WBXML_EVENT_END:
			print_end (&p, &ev);
			break;
		case EAS_WBXML_EVENT_TEXT:
			print_text (&p, &ev);
			break;
		case EAS_WBXML_EVENT_OPAQUE:
		default:
			print_opaque (&p, &ev);
			break;
		}
	}
	g_string_append_c (p.out, '\n');
	g_free (p.stack_flags);
	return g_string_free (p.out, FALSE);
}

/* ---- XML → WBXML ------------------------------------------------------- */

typedef enum {
	MODE_NORMAL,
	MODE_OPAQUE,
	MODE_TEXT_B64,
} FrameMode;

typedef struct {
	EasTag tag;
	FrameMode mode;
	gboolean has_children;
	GString *text;		/* character data not yet written */
	GPtrArray *ns;		/* declared here: prefix ("" = default), uri pairs */
} Frame;

typedef struct {
	EasWbxmlWriter *writer;
	GPtrArray *frames;
	gboolean root_done;
} XmlReader;

static void
frame_free (gpointer data)
{
	Frame *f = data;

	g_string_free (f->text, TRUE);
	g_clear_pointer (&f->ns, g_ptr_array_unref);
	g_free (f);
}

/* The namespace URI bound to prefix ("" for the default), or NULL. */
static const char *
resolve_prefix (XmlReader *r, const char *prefix, Frame *extra)
{
	for (guint i = r->frames->len + 1; i > 0; i--) {
		Frame *f = i == r->frames->len + 1 ? extra : g_ptr_array_index (r->frames, i - 1);
		if (f == NULL || f->ns == NULL)
			continue;
		for (guint k = 0; k + 1 < f->ns->len; k += 2) {
			if (strcmp (g_ptr_array_index (f->ns, k), prefix) == 0)
				return g_ptr_array_index (f->ns, k + 1);
		}
	}
	return NULL;
}

/* Maps a namespace name to a page: "AirSync:" / "AirSync" / any case, and
 * URIs whose last path segment is a page name (SynCE's libwbxml form). */
static int
page_for_namespace (const char *uri)
{
	int page = eas_codepage_lookup (uri);
	const char *slash = strrchr (uri, '/');

	if (page < 0 && slash != NULL)
		page = eas_codepage_lookup (slash + 1);
	return page;
}

static gboolean
b64_decode_strict (const char *s, gsize len, GByteArray *out)
{
	g_autoptr (GString) clean = g_string_sized_new (len);

	for (gsize i = 0; i < len; i++) {
		char c = s[i];
		if (g_ascii_isspace (c))
			continue;
		if (!g_ascii_isalnum (c) && c != '+' && c != '/' && c != '=')
			return FALSE;
		g_string_append_c (clean, c);
	}
	if (clean->len % 4 != 0)
		return FALSE;
	gsize n = 0;
	g_autofree guint8 *bytes = g_base64_decode (clean->str, &n);
	if (clean->len > 0)
		g_byte_array_append (out, bytes, (guint) n);
	return TRUE;
}

static void G_GNUC_PRINTF (3, 4)
reader_error (GMarkupParseContext *ctx, GError **error, const char *format, ...)
{
	va_list args;
	int line = 0, col = 0;

	va_start (args, format);
	g_autofree char *msg = g_strdup_vprintf (format, args);
	va_end (args);
	g_markup_parse_context_get_position (ctx, &line, &col);
	g_set_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED,
	             "XML line %d char %d: %s", line, col, msg);
}

/* Writes text gathered in the current element before a child or a PI. */
static gboolean
flush_mixed_text (XmlReader *r, GMarkupParseContext *ctx, GError **error)
{
	if (r->frames->len == 0)
		return TRUE;
	Frame *f = g_ptr_array_index (r->frames, r->frames->len - 1);
	if (f->mode != MODE_NORMAL) {
		reader_error (ctx, error, "an element marked base64 has child content");
		return FALSE;
	}
	if (!blank (f->text->str, f->text->len))
		eas_wbxml_writer_text (r->writer, f->text->str, (gssize) f->text->len);
	g_string_truncate (f->text, 0);
	f->has_children = TRUE;
	return TRUE;
}

static gboolean
parse_attributes (GMarkupParseContext *ctx, const char **names, const char **values,
                  Frame *frame, GError **error)
{
	for (guint i = 0; names[i] != NULL; i++) {
		if (strcmp (names[i], "xmlns") == 0 || g_str_has_prefix (names[i], "xmlns:")) {
			if (frame->ns == NULL)
				frame->ns = g_ptr_array_new_with_free_func (g_free);
			g_ptr_array_add (frame->ns, g_strdup (names[i][5] == ':' ? names[i] + 6 : ""));
			g_ptr_array_add (frame->ns, g_strdup (values[i]));
		} else if (strcmp (names[i], "opaque") == 0 && strcmp (values[i], "base64") == 0) {
			frame->mode = MODE_OPAQUE;
		} else if (strcmp (names[i], "text") == 0 && strcmp (values[i], "base64") == 0) {
			frame->mode = MODE_TEXT_B64;
		} else {
			reader_error (ctx, error, "unexpected attribute %.64s", names[i]);
			return FALSE;
		}
	}
	return TRUE;
}

/* libwbxml 0.11.8's names where they differ from the spec's (its
 * ActiveSync table), accepted on input so that its XML encodes too. */
static const struct {
	guint8 page;
	guint8 token;
	const char *name;
} libwbxml_aliases[] = {
	{ 1, 0x07, "AssistantTelephoneNumber" },
	{ 1, 0x0D, "BusinessCity" },
	{ 1, 0x0E, "BusinessCountry" },
	{ 1, 0x0F, "BusinessPostalCode" },
	{ 1, 0x10, "BusinessState" },
	{ 1, 0x11, "BusinessStreet" },
	{ 1, 0x21, "HomeCity" },
	{ 1, 0x22, "HomeCountry" },
	{ 1, 0x23, "HomePostalCode" },
	{ 1, 0x24, "HomeState" },
	{ 1, 0x25, "HomeStreet" },
	{ 1, 0x2D, "OtherCity" },
	{ 1, 0x2E, "OtherCountry" },
	{ 1, 0x2F, "OtherPostalCode" },
	{ 1, 0x30, "OtherState" },
	{ 1, 0x31, "OtherStreet" },
	{ 2, 0x09, "AttOId" },
	{ 2, 0x19, "Reply-To" },
	{ 2, 0x1D, "DTStamp" },
	{ 2, 0x29, "Recurrence_Type" },
	{ 2, 0x2A, "Recurrence_Until" },
	{ 2, 0x2B, "Recurrence_Occurrences" },
	{ 2, 0x2C, "Recurrence_Interval" },
	{ 2, 0x2D, "Recurrence_DayOfWeek" },
	{ 2, 0x2E, "Recurrence_DayOfMonth" },
	{ 2, 0x2F, "Recurrence_WeekOfMonth" },
	{ 2, 0x30, "Recurrence_MonthOfYear" },
	{ 2, 0x3B, "FlagStatus" },
	{ 4, 0x05, "TimeZone" },
	{ 4, 0x09, "Attendee_Email" },
	{ 4, 0x0A, "Attendee_Name" },
	{ 4, 0x10, "Compressed_RTF" },
	{ 4, 0x11, "DTStamp" },
	{ 4, 0x15, "Exception_Deleted" },
	{ 4, 0x16, "Exception_StartTime" },
	{ 4, 0x19, "Organizer_Email" },
	{ 4, 0x1A, "Organizer_Name" },
	{ 4, 0x1C, "Recurrence_Type" },
	{ 4, 0x1D, "Recurrence_Until" },
	{ 4, 0x1E, "Recurrence_Occurrences" },
	{ 4, 0x1F, "Recurrence_Interval" },
	{ 4, 0x20, "Recurrence_DayOfWeek" },
	{ 4, 0x21, "Recurrence_DayOfMonth" },
	{ 4, 0x22, "Recurrence_WeekOfMonth" },
	{ 4, 0x23, "Recurrence_MonthOfYear" },
	{ 4, 0x29, "Attendee_Status" },
	{ 4, 0x2A, "Attendee_Type" },
	{ 9, 0x0D, "UTCDueDate" },
	{ 9, 0x10, "Recurrence_Type" },
	{ 9, 0x11, "Recurrence_Start" },
	{ 9, 0x12, "Recurrence_Until" },
	{ 9, 0x13, "Recurrence_Occurrences" },
	{ 9, 0x14, "Recurrence_Interval" },
	{ 9, 0x15, "Recurrence_DayOfMonth" },
	{ 9, 0x16, "Recurrence_DayOfWeek" },
	{ 9, 0x17, "Recurrence_WeekOfMonth" },
	{ 9, 0x18, "Recurrence_MonthOfYear" },
	{ 9, 0x19, "Recurrence_Regenerate" },
	{ 9, 0x1A, "Recurrence_DeadOccur" },
	{ 9, 0x1F, "UTCStartDate" },
	{ 14, 0x10, "DeviceEncryptionEnabled" },
	{ 18, 0x2B, "ihsManagementInformation" },
	{ 21, 0x10, "MIME" },
	{ 21, 0x17, "ForwardeeName" },
	{ 21, 0x18, "ForwardeeEmail" },
	{ 24, 0x12, "RMOwner" },
	{ 24, 0x18, "RemoveRightsManagementDistribution" },
};

static gboolean
lookup_tag (guint page, const char *name, EasTag *out_tag)
{
	if (eas_tag_lookup (page, name, out_tag))
		return TRUE;
	for (gsize i = 0; i < G_N_ELEMENTS (libwbxml_aliases); i++) {
		if (libwbxml_aliases[i].page == page &&
		    strcmp (libwbxml_aliases[i].name, name) == 0) {
			*out_tag = EAS_TAG (page, libwbxml_aliases[i].token);
			return TRUE;
		}
	}
	return FALSE;
}

/* An element without any namespace in scope (libwbxml's AirSync form):
 * the parent's page first, then every page in order. */
static gboolean
lookup_unqualified (XmlReader *r, const char *name, EasTag *out_tag)
{
	if (r->frames->len > 0) {
		Frame *parent = g_ptr_array_index (r->frames, r->frames->len - 1);
		if (lookup_tag (EAS_TAG_PAGE (parent->tag), name, out_tag))
			return TRUE;
	}
	for (guint page = 0; page < EAS_CODEPAGE_COUNT; page++) {
		if (lookup_tag (page, name, out_tag))
			return TRUE;
	}
	return FALSE;
}

static void
on_start (GMarkupParseContext *ctx, const char *name, const char **attr_names,
          const char **attr_values, gpointer user_data, GError **error)
{
	XmlReader *r = user_data;
	Frame *frame = g_new0 (Frame, 1);

	frame->text = g_string_new (NULL);
	if (!parse_attributes (ctx, attr_names, attr_values, frame, error) ||
	    !flush_mixed_text (r, ctx, error)) {
		frame_free (frame);
		return;
	}
	if (r->root_done) {
		frame_free (frame);
		reader_error (ctx, error, "a second root element");
		return;
	}
	const char *colon = strchr (name, ':');
	g_autofree char *prefix = colon ? g_strndup (name, (gsize) (colon - name)) : g_strdup ("");
	const char *local = colon ? colon + 1 : name;
	const char *uri = resolve_prefix (r, prefix, frame);
	int page = uri != NULL ? page_for_namespace (uri) : -1;
	gboolean found = uri == NULL && *prefix == '\0'
	                 ? lookup_unqualified (r, local, &frame->tag)
	                 : page >= 0 && lookup_tag ((guint) page, local, &frame->tag);
	if (!found) {
		reader_error (ctx, error, "unknown element %.64s (namespace %.64s)", name,
		              uri ? uri : "none");
		frame_free (frame);
		return;
	}
	eas_wbxml_writer_start (r->writer, frame->tag);
	g_ptr_array_add (r->frames, frame);
}

static gboolean
end_special (XmlReader *r, GMarkupParseContext *ctx, Frame *f, GError **error)
{
	g_autoptr (GByteArray) bytes = g_byte_array_new ();

	if (!b64_decode_strict (f->text->str, f->text->len, bytes)) {
		reader_error (ctx, error, "invalid base64 in %s", eas_tag_name (f->tag));
		return FALSE;
	}
	if (f->mode == MODE_OPAQUE) {
		eas_wbxml_writer_opaque_begin (r->writer, bytes->len);
		eas_wbxml_writer_opaque_data (r->writer, bytes->data, bytes->len);
		eas_wbxml_writer_opaque_end (r->writer);
		return TRUE;
	}
	if ((bytes->len > 0 && memchr (bytes->data, 0, bytes->len) != NULL) ||
	    !g_utf8_validate_len ((const char *) bytes->data, bytes->len, NULL)) {
		reader_error (ctx, error, "base64 text of %s is not UTF-8 without NUL",
		              eas_tag_name (f->tag));
		return FALSE;
	}
	eas_wbxml_writer_text (r->writer, (const char *) bytes->data, (gssize) bytes->len);
	return TRUE;
}

static void
on_end (GMarkupParseContext *ctx, const char *name, gpointer user_data, GError **error)
{
	XmlReader *r = user_data;
	Frame *f = g_ptr_array_index (r->frames, r->frames->len - 1);

	if (f->mode != MODE_NORMAL) {
		if (!end_special (r, ctx, f, error))
			return;
	} else if (!f->has_children || !blank (f->text->str, f->text->len)) {
		eas_wbxml_writer_text (r->writer, f->text->str, (gssize) f->text->len);
	}
	eas_wbxml_writer_end (r->writer);
	g_ptr_array_set_size (r->frames, r->frames->len - 1);
	if (r->frames->len == 0)
		r->root_done = TRUE;
}

static void
on_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer user_data,
         GError **error)
{
	XmlReader *r = user_data;

	if (r->frames->len == 0) {
		if (!blank (text, len))
			reader_error (ctx, error, "text outside the root element");
		return;
	}
	Frame *f = g_ptr_array_index (r->frames, r->frames->len - 1);
	if (memchr (text, 0, len) != NULL) {
		reader_error (ctx, error, "NUL in text");
		return;
	}
	g_string_append_len (f->text, text, (gssize) len);
}

static void
on_passthrough (GMarkupParseContext *ctx, const char *text, gsize len,
                gpointer user_data, GError **error)
{
	XmlReader *r = user_data;
	gboolean opaque = len >= 16 && memcmp (text, "<?wbxml-opaque ", 15) == 0;
	gboolean str = len >= 14 && memcmp (text, "<?wbxml-text ", 13) == 0;

	/* GMarkup hands CDATA sections (libwbxml writes some) through here. */
	if (len >= 12 && memcmp (text, "<![CDATA[", 9) == 0 && r->frames->len > 0) {
		on_text (ctx, text + 9, len - 12, user_data, error);
		return;
	}
	if (!opaque && !str)
		return;	/* XML declaration, DOCTYPE, comments */
	if (r->frames->len == 0) {
		reader_error (ctx, error, "wbxml marker outside the root element");
		return;
	}
	if (!flush_mixed_text (r, ctx, error))
		return;
	Frame *f = g_ptr_array_index (r->frames, r->frames->len - 1);
	gsize skip = opaque ? 15 : 13;
	Frame tmp = { f->tag, opaque ? MODE_OPAQUE : MODE_TEXT_B64, FALSE, NULL, NULL };
	tmp.text = g_string_new_len (text + skip, (gssize) (len - skip - 2));
	end_special (r, ctx, &tmp, error);
	g_string_free (tmp.text, TRUE);
}

static const GMarkupParser xml_parser = {
	on_start, on_end, on_text, on_passthrough, NULL,
};

GBytes *
eas_xml_to_wbxml (const char *xml, gsize len, GError **error)
{
	g_return_val_if_fail (xml != NULL || len == 0, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	g_autoptr (EasWbxmlWriter) writer = eas_wbxml_writer_new ();
	XmlReader r = { writer, g_ptr_array_new_with_free_func (frame_free), FALSE };
	GMarkupParseContext *ctx = g_markup_parse_context_new (&xml_parser, 0, &r, NULL);
	g_autoptr (GError) local = NULL;
	gboolean ok = g_markup_parse_context_parse (ctx, xml, (gssize) len, &local) &&
	              g_markup_parse_context_end_parse (ctx, &local);

	g_markup_parse_context_free (ctx);
	g_ptr_array_unref (r.frames);
	if (ok && !r.root_done) {
		g_set_error_literal (&local, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED,
		                     "XML has no root element");
		ok = FALSE;
	}
	if (!ok) {
		if (local->domain != EAS_WBXML_ERROR) {
			g_set_error (error, EAS_WBXML_ERROR, EAS_WBXML_ERROR_MALFORMED,
			             "XML: %s", local->message);
		} else {
			g_propagate_error (error, g_steal_pointer (&local));
		}
		return NULL;
	}
	return eas_wbxml_writer_finish (writer, error);
}
