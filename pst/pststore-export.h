/* pststore-export.h — export of store folders as iCalendar, vCard or text.
 *
 * ics: tasks as VTODO, sticky notes as VJOURNAL, appointments as their
 *      stored VEVENTs, all in one VCALENDAR (libical);
 * vcf: contacts' vCards, one after the other;
 * txt: every item as a plain-text block.
 * Items a format cannot carry are skipped and counted.
 * Errors: PSTSTORE_ERROR (store) or G_IO_ERROR (output).
 */
#pragma once

#include <gio/gio.h>

#include "pst/pststore.h"

G_BEGIN_DECLS

typedef enum {
	PSTSTORE_EXPORT_ICS,
	PSTSTORE_EXPORT_VCF,
	PSTSTORE_EXPORT_TXT,
} PststoreExportFormat;

/* "ics", "vcf" or "txt" (case-insensitive); FALSE for anything else. */
gboolean pststore_export_format_from_string (const char *name, PststoreExportFormat *out_format);

/* The iCalendar component (VTODO/VJOURNAL/VEVENT text without VCALENDAR)
 * for one item, or NULL when the item has none. */
char *pststore_export_item_ical (const PststoreItem *item);

/* Plain-text block for one item. */
char *pststore_export_item_text (const PststoreItem *item);

/* Writes the items of @folder_id to @out.  @out_written and @out_skipped
 * may be NULL. */
gboolean pststore_export_folder (PststoreStore *store, gint64 folder_id, PststoreExportFormat format,
				 GOutputStream *out, gsize *out_written, gsize *out_skipped, GError **error);

G_END_DECLS
