/* airdockd-pimio.h — the I/O-free half of `airdockctl import`/`export`:
 * cutting a vCard or iCalendar stream into components as the bytes arrive,
 * checking each one line by line, and turning it into the stored form
 * (airdockd-pim.h: contacts as vCard 4.0, events, tasks and notes as a
 * VCALENDAR carrying the VTIMEZONEs they use).
 *
 * The splitter never holds more than one component (and one partial line):
 * a 200 MB file goes through in constant memory.  Every problem comes with
 * the line (1-based, of the whole stream) it is on, so that the program can
 * say FILE:LINE: message.  Messages never echo the file's text.
 *
 * No error domain of its own: problems are (line, message) pairs; the
 * preparation functions use G_IO_ERROR_INVALID_DATA with *out_line.
 */
#pragma once

#include <glib.h>
#include <libical/ical.h>

#include "eas/eas-vcard.h"
#include "server/airdockd-store.h"

G_BEGIN_DECLS

/* Limits, with their reasons. */
/* One physical line: an unfolded vCard PHOTO of EAS_VCARD_DEFAULT_LINE_BYTES. */
#define AIRDOCKD_PIMIO_DEFAULT_LINE_BYTES (EAS_VCARD_DEFAULT_LINE_BYTES + 1024)
/* One component: a 10 MB note or a ~6 MB vCard with its photo, with room. */
#define AIRDOCKD_PIMIO_DEFAULT_COMPONENT_BYTES (16u * 1024 * 1024)
/* Nesting inside a component (VEVENT > VALARM, VTIMEZONE > STANDARD). */
#define AIRDOCKD_PIMIO_DEFAULT_DEPTH 8

typedef struct {
	gsize line_bytes;
	gsize component_bytes;
	guint depth;
} AirdockdPimioLimits;

void airdockd_pimio_limits_init_default (AirdockdPimioLimits *limits);

typedef enum {
	AIRDOCKD_PIMIO_PROBLEM = 0,	/* a skipped entry or stray text: see message */
	AIRDOCKD_PIMIO_VCARD,
	AIRDOCKD_PIMIO_VEVENT,
	AIRDOCKD_PIMIO_VTODO,
	AIRDOCKD_PIMIO_VJOURNAL,
	AIRDOCKD_PIMIO_VTIMEZONE,
} AirdockdPimioKind;

/* What the splitter hands out: a complete component (kind != PROBLEM,
 * text = its BEGIN … END lines, CRLF ends) or a problem (kind PROBLEM,
 * message; entry TRUE when a would-be entry was dropped, FALSE for stray
 * text between entries; message NULL for an entry dropped because of a
 * problem already reported, e.g. a VCALENDAR of an unknown VERSION). */
typedef struct {
	AirdockdPimioKind kind;
	guint line;		/* of the BEGIN line, or of the problem */
	GBytes *text;
	char *message;
	gboolean entry;
} AirdockdPimioChunk;

void airdockd_pimio_chunk_free (AirdockdPimioChunk *chunk);

typedef struct _AirdockdPimioSplitter AirdockdPimioSplitter;

/* limits NULL: the defaults. */
AirdockdPimioSplitter *airdockd_pimio_splitter_new (const AirdockdPimioLimits *limits);
void airdockd_pimio_splitter_free (AirdockdPimioSplitter *splitter);
/* Feeds the next bytes of the stream (any split, no NUL assumed). */
void airdockd_pimio_splitter_feed (AirdockdPimioSplitter *splitter, const char *data, gsize len);
/* The stream ended: flushes the last line, reports what is left open. */
void airdockd_pimio_splitter_finish (AirdockdPimioSplitter *splitter);
/* The next chunk found so far (owned by the caller), or NULL. */
AirdockdPimioChunk *airdockd_pimio_splitter_pop (AirdockdPimioSplitter *splitter);

/* ---- one component → the stored form ----------------------------------- */

/* A prepared entry.  item_class says where it belongs; uid is the vCard or
 * iCalendar UID, or one derived from the component's text (then
 * uid_derived, and the stored form carries it as its UID so that a
 * re-import finds it).  recurrence_id: an iCalendar RECURRENCE-ID (an
 * occurrence to merge into the series of the same UID).  Contacts: card
 * (converted to vCard 4.0).  Others: comp, the VEVENT/VTODO/VJOURNAL, and
 * tzids, the TZIDs it uses. */
typedef struct {
	AirdockdItemClass item_class;
	char *uid;
	gboolean uid_derived;
	gboolean recurrence_id;
	guint line;
	EasVCard *card;
	icalcomponent *comp;
	GPtrArray *tzids;	/* char* */
} AirdockdPimioEntry;

void airdockd_pimio_entry_free (AirdockdPimioEntry *entry);

/* Checks a VCARD, VEVENT, VTODO or VJOURNAL chunk (broken lines, bad dates,
 * unknown VERSION, what libical rejects) and prepares it.  NULL + error
 * (G_IO_ERROR_INVALID_DATA) and *out_line = the line at fault otherwise. */
AirdockdPimioEntry *airdockd_pimio_prepare (const AirdockdPimioChunk *chunk,
					    guint *out_line,
					    GError **error);

/* The TZID of a VTIMEZONE chunk, parsed (both NULL when it is unusable;
 * *out_line and error say why). */
icalcomponent *airdockd_pimio_parse_vtimezone (const AirdockdPimioChunk *chunk,
					       char **out_tzid,
					       guint *out_line,
					       GError **error);

/* vCard 3.0 (or 2.1) → 4.0 in place: PHOTO/LOGO/SOUND/KEY ENCODING=b →
 * data: URIs, TYPE=pref → PREF=1, 2.1 CHARSET and quoted-printable
 * parameters dropped.  Everything else is kept as it is. */
void airdockd_pimio_vcard_to_v4 (EasVCard *card);
/* The reverse, for `export --vcard3`. */
void airdockd_pimio_vcard_to_v3 (EasVCard *card);

/* The UID of stored data (vCard UID, or the UID of the VCALENDAR's first
 * VEVENT/VTODO/VJOURNAL), found by a scan of its lines; NULL if none. */
char *airdockd_pimio_stored_uid (GBytes *data);

/* A new VCALENDAR (VERSION 2.0, PRODID) to store or export into. */
icalcomponent *airdockd_pimio_new_vcalendar (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdPimioChunk, airdockd_pimio_chunk_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdPimioSplitter, airdockd_pimio_splitter_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdPimioEntry, airdockd_pimio_entry_free)

G_END_DECLS
