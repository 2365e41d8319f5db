/* eas-note.h — the note item model ([MS-ASNOTE] 2.2.2, EAS 14.0+):
 * ApplicationData ⇄ EasNote ⇄ iCalendar VJOURNAL.
 *
 * Pure: no I/O.  Errors: EAS_PIM_ERROR (eas/eas-pim.h).  Bodies are
 * limited to EAS_PIM_MAX_BODY_BYTES (a 10 MB note is refused, not kept).
 */
#pragma once

#include <glib.h>
#include <libical/ical.h>

#include "eas/eas-pim.h"

G_BEGIN_DECLS

/* [MS-ASNOTE] 2.2.2.5: the default message class of a note. */
#define EAS_NOTE_DEFAULT_MESSAGE_CLASS "IPM.StickyNote"

typedef struct {
	char *subject;
	char *body;
	guint body_type;		/* 1 plain, 2 HTML, 3 RTF */
	GPtrArray *categories;		/* of char*; NULL = absent */
	char *message_class;		/* NULL = absent */
	gint64 last_modified;		/* Unix seconds UTC, 0 = absent */
} EasNote;

EasNote *eas_note_new (void);
void eas_note_free (EasNote *note);

/* Notes exist from 14.0 on: an older version is EAS_PIM_ERROR_MALFORMED.
 * A MessageClass other than IPM.StickyNote[.*] is MALFORMED. */
EasNote *eas_note_decode (const EasNode *app_data, EasVersion version, GError **error);
/* Writes the children for version (nothing below 14.0). */
void eas_note_encode (EasWbxmlWriter *writer, const EasNote *note, EasVersion version);

/* A VCALENDAR with one VJOURNAL (SUMMARY, DESCRIPTION, CATEGORIES,
 * LAST-MODIFIED, X-EAS-MESSAGE-CLASS); free with icalcomponent_free(). */
icalcomponent *eas_note_to_ical (const EasNote *note);
/* From a VCALENDAR (its first VJOURNAL) or a VJOURNAL. */
EasNote *eas_note_from_ical (icalcomponent *comp, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasNote, eas_note_free)

G_END_DECLS
