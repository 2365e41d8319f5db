/* eas-vcard.h — a small vCard parser and writer (RFC 2426 3.0, RFC 6350
 * 4.0; 2.1 input with quoted-printable, CHARSET and bare TYPE parameters).
 *
 * Pure: no I/O.  Parses one vCard from (data, len), no NUL assumed.  Input
 * must be UTF-8 (or 2.1 quoted-printable in a CHARSET iconv knows); values
 * are kept as they appear on the line after unfolding and quoted-printable
 * decoding, i.e. still backslash-escaped: use eas_vcard_split() and
 * eas_vcard_escape() to get at text.  Base64 values (ENCODING=b / BASE64)
 * are kept as base64 with white space removed.
 *
 * Errors: EAS_VCARD_ERROR; messages name the line ("line 7: …"), never echo
 * input.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EAS_VCARD_ERROR (eas_vcard_error_quark ())
GQuark eas_vcard_error_quark (void);

typedef enum {
	EAS_VCARD_ERROR_MALFORMED,	/* syntax: no BEGIN/END, no colon, bad parameter … */
	EAS_VCARD_ERROR_ENCODING,	/* not UTF-8, bad quoted-printable or base64, unknown charset */
	EAS_VCARD_ERROR_LIMIT,		/* a limit below was exceeded */
} EasVCardErrorCode;

/* Default limits, with their reasons. */
/* A contact photo is the largest value: Exchange stores pictures up to
 * 48 KB for EAS but vCards from phones carry up to ~3 MB JPEGs in base64. */
#define EAS_VCARD_DEFAULT_TOTAL_BYTES (6u * 1024 * 1024)
/* One logical (unfolded) line: that photo. */
#define EAS_VCARD_DEFAULT_LINE_BYTES (5u * 1024 * 1024)
/* Properties per card: address books carry a few dozen; 1,000 leaves room
 * for many phones/emails/X- fields while bounding memory (~100 bytes each). */
#define EAS_VCARD_DEFAULT_PROPERTIES 1000
/* Parameters per property: TYPE lists rarely exceed 5. */
#define EAS_VCARD_DEFAULT_PARAMS 32

typedef struct {
	gsize total_bytes;
	gsize line_bytes;
	guint properties;
	guint params;
} EasVCardLimits;

void eas_vcard_limits_init_default (EasVCardLimits *limits);

/* One parameter value (TYPE=home,work gives two entries named TYPE). */
typedef struct {
	char *name;	/* upper case */
	char *value;	/* unquoted, as given */
} EasVCardParam;

typedef struct {
	char *group;		/* NULL, or the "item1" of item1.EMAIL */
	char *name;		/* upper case */
	GPtrArray *params;	/* EasVCardParam* */
	char *value;		/* escaped text, or base64 for binary values */
} EasVCardProperty;

typedef struct {
	char *version;		/* "2.1", "3.0" or "4.0" */
	GPtrArray *properties;	/* EasVCardProperty*, in order; no BEGIN/END/VERSION */
} EasVCard;

EasVCard *eas_vcard_new (const char *version);
void eas_vcard_free (EasVCard *card);
EasVCard *eas_vcard_copy (const EasVCard *card);

/* Parses one vCard.  limits may be NULL for the defaults.  Unknown
 * properties are kept.  Text after END:VCARD is an error. */
EasVCard *eas_vcard_parse (const char *data, gsize len,
                           const EasVCardLimits *limits, GError **error);

/* Writes the card in its version (3.0 or 4.0; 2.1 is written as 3.0),
 * CRLF line ends, lines folded at 75 octets on character boundaries. */
char *eas_vcard_to_string (const EasVCard *card);

/* Appends a property; value is taken as already escaped.  Returns it (owned
 * by the card) so that parameters can be added. */
EasVCardProperty *eas_vcard_add (EasVCard *card, const char *name, const char *value);
/* Appends a text property, escaping text. */
EasVCardProperty *eas_vcard_add_text (EasVCard *card, const char *name, const char *text);
void eas_vcard_property_add_param (EasVCardProperty *prop, const char *name, const char *value);
/* The first value of a parameter, or NULL. */
const char *eas_vcard_property_get_param (const EasVCardProperty *prop, const char *name);
/* TRUE when a TYPE value equals type (ASCII case-insensitive); values given
 * as TYPE="home,work" count separately. */
gboolean eas_vcard_property_has_type (const EasVCardProperty *prop, const char *type);
/* The value unescaped as one text (for single-valued text properties). */
char *eas_vcard_property_get_text (const EasVCardProperty *prop);

/* First property with this name (case-insensitive), or NULL. */
EasVCardProperty *eas_vcard_get (const EasVCard *card, const char *name);
/* Removes every property with this name; returns how many. */
guint eas_vcard_remove_all (EasVCard *card, const char *name);

/* Splits an escaped value at unescaped sep (';' for N/ADR, ',' for lists)
 * and unescapes each part (\n \N \, \; \\). */
GStrv eas_vcard_split (const char *value, char sep);
/* Escapes \ , ; and newlines for a text value. */
char *eas_vcard_escape (const char *text);
/* Escapes each part and joins them with sep. */
char *eas_vcard_join (const char *const *parts, gsize n_parts, char sep);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasVCard, eas_vcard_free)

G_END_DECLS
