/* eas-pim.h — what the PIM item models (eas-contact, eas-calendar,
 * eas-task, eas-note) share: their error domain, limits, EAS date-time
 * values ([MS-ASDTYPE] 2.3), bodies ([MS-ASAIRS] 2.2.2.9 / 2.5 class
 * bodies) and category lists.
 *
 * Pure: no I/O.  Errors: EAS_PIM_ERROR; messages name the element, never
 * echo input.
 */
#pragma once

#include <glib.h>

#include "eas/eas-query.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define EAS_PIM_ERROR (eas_pim_error_quark ())
GQuark eas_pim_error_quark (void);

typedef enum {
	EAS_PIM_ERROR_MALFORMED,	/* bad number, date, enum value, structure */
	EAS_PIM_ERROR_LIMIT,		/* a limit below was exceeded */
	EAS_PIM_ERROR_RECURRENCE,	/* an impossible recurrence */
	EAS_PIM_ERROR_PICTURE_TOO_LARGE,	/* [MS-ASCNTC] 2.2.2.58: Sync Status 6 */
} EasPimErrorCode;

/* Limits, with their reasons. */
/* [MS-ASCNTC] 2.2.2.14 / [MS-ASCAL] 2.2.2.9: up to 300 Category elements. */
#define EAS_PIM_MAX_CATEGORIES 300
/* [MS-ASCNTC] 2.2.2.22: up to 300 Child elements. */
#define EAS_PIM_MAX_CHILDREN 300
/* Attendees per event (or exception).  Exchange's own recipient limit for
 * a meeting is 500 by default; larger lists come only from attacks. */
#define EAS_PIM_MAX_ATTENDEES 500
/* Exceptions per recurring event: a daily meeting edited every day for
 * three years; bounds the work of the iCalendar mapping. */
#define EAS_PIM_MAX_EXCEPTIONS 1000
/* Bytes of one body (notes, event descriptions).  The WBXML decoder already
 * caps one string at 8 MiB; items with larger bodies are refused rather than
 * kept in memory several times over by the conversions. */
#define EAS_PIM_MAX_BODY_BYTES (4u * 1024 * 1024)
/* [MS-ASCNTC] 2.2.2.58: at most 48 KB of base64 in Picture. */
#define EAS_PIM_MAX_PICTURE_BASE64 (48u * 1024)

/* Parses an EAS date-time: "2009-11-12T00:31:45.000Z" ([MS-ASDTYPE]
 * 2.3) or the compact form "20091112T003145Z" of the calendar class.  Only
 * UTC ('Z') is accepted; years 1601–9999.  FALSE when invalid. */
gboolean eas_pim_parse_time (const char *text, gint64 *out_unix);
/* Formats t (Unix seconds, UTC) in the long or the compact form. */
char *eas_pim_format_time (gint64 t, gboolean compact);

/* Reads an element holding a date-time into *out; FALSE + MALFORMED naming
 * the element. */
gboolean eas_pim_node_time (const EasNode *node, gint64 *out_unix, GError **error);
/* Reads a number in [min, max]; FALSE + MALFORMED naming the element. */
gboolean eas_pim_node_uint (const EasNode *node, guint min, guint max,
                            guint *out_value, GError **error);
/* "0"/"1" → boolean; FALSE + MALFORMED otherwise. */
gboolean eas_pim_node_bool (const EasNode *node, gboolean *out_value, GError **error);

/* Reads an airsyncbase:Body (Type, Data) into a text and its type (1 plain,
 * 2 HTML, 3 RTF); LIMIT beyond EAS_PIM_MAX_BODY_BYTES. */
gboolean eas_pim_decode_body (const EasNode *body, char **out_text, guint *out_type,
                              GError **error);
/* Writes a body: 12.0+ airsyncbase:Body (Type, EstimatedDataSize, Data);
 * 2.5: the class's Body element (tag_25, text only; skipped when 0). */
void eas_pim_write_body (EasWbxmlWriter *writer, EasVersion version, EasTag tag_25,
                         const char *text, guint type);

/* Reads the children item_tag of container as strings (max of them;
 * LIMIT beyond).  Returns an empty array for an empty container. */
GPtrArray *eas_pim_decode_list (const EasNode *container, EasTag item_tag,
                                guint max, GError **error);
/* Writes container with one item_tag per string (an empty container when
 * the list is empty; nothing when list is NULL). */
void eas_pim_write_list (EasWbxmlWriter *writer, EasTag container_tag, EasTag item_tag,
                         const GPtrArray *list);
/* A deep copy of a list of strings (NULL stays NULL). */
GPtrArray *eas_pim_list_copy (const GPtrArray *list);

/* Names an element for errors ("Contacts:Birthday"). */
char *eas_pim_tag_label (EasTag tag);

G_END_DECLS
