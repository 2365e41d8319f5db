/* pststore-map.h — maps libpst items to store items.
 *
 * Runs in the PST reader child (pststore-import.c), on structures libpst
 * parsed from an untrusted file: every string is converted to valid UTF-8,
 * every time is range-checked.  Contacts become vCard 3.0 text, appointments
 * iCalendar (libical) text, as the server's models use.
 */
#pragma once

#include <glib.h>
#include <libpst/libpst.h>

#include "pst/pststore.h"

G_BEGIN_DECLS

/* FILETIME (100 ns ticks since 1601) to Unix seconds; PSTSTORE_TIME_UNSET
 * for NULL, zero, and Outlook's "no date" (year 4501 and later). */
gint64 pststore_map_filetime (const FILETIME *ft);
gint64 pststore_map_filetime_u64 (guint64 ticks);

/* An iCalendar RRULE value for a recurrence libpst decoded, or NULL when
 * the pattern is not one we can express.  @until is the end of the range
 * (Unix seconds) or PSTSTORE_TIME_UNSET. */
char *pststore_map_rrule (const pst_recurrence *r, gint64 until);

/* The same from a raw recurrence pattern blob ([MS-OXOCAL] 2.2.1.44.1, as
 * in PidLidTaskRecurrence), decoded by libpst. */
char *pststore_map_rrule_blob (const guint8 *data, gsize len, gint64 until);

/* The end of a recurrence pattern blob's range (its EndDate, [MS-OXOCAL]
 * 2.2.1.44.1), in Unix seconds; PSTSTORE_TIME_UNSET when the pattern never
 * ends, is not ended by a date, or the blob is malformed or truncated. */
gint64 pststore_map_recurrence_end (const guint8 *data, gsize len);

/* Maps one parsed item (not a folder).  @uid becomes the vCard/iCalendar
 * UID (the importer passes the item's source id).  Strings in @item are converted to UTF-8 in
 * place.  Never NULL: an unknown class becomes a generic item. */
PststoreItem *pststore_map_item (pst_item *item, const char *uid);

/* The message class of an item: its PR_MESSAGE_CLASS, or one derived from
 * libpst's type when the class is missing. */
const char *pststore_map_class (const pst_item *item);

G_END_DECLS
