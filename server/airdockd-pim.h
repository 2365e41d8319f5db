/* airdockd-pim.h — contacts, calendar, tasks and notes through Sync.
 *
 * The store keeps each item in a standard form: contacts as vCard 4,
 * events, tasks and notes as an iCalendar VCALENDAR (VEVENT, VTODO,
 * VJOURNAL).  A device sees the EAS projection for its version (eas/).
 *
 * Contact changes are merged into the stored vCard (eas_contact_merge), so
 * what a device cannot see (more than three addresses, their types, fields
 * of newer versions) survives its edits.  The Supported list of a
 * device's initial Sync ([MS-ASCMD] 2.2.3.168) is kept per device and
 * folder: a listed element left out of a Change is cleared, any other is
 * ghosted (kept).  Without Supported nothing is cleared by omission.
 */
#pragma once

#include <glib.h>

#include "eas/eas-sync.h"
#include "server/airdockd-request.h"
#include "server/airdockd-store.h"

G_BEGIN_DECLS

/* The WBXML limits a Sync request of body_len bytes is parsed with: the
 * defaults, but one string may be as long as the body (which the HTTP
 * layer caps at max_request_bytes), so that an oversized note or body is
 * refused by its item's conversion (Status 6) instead of failing the
 * whole Sync with every other item in it. */
void airdockd_pim_sync_limits (EasWbxmlLimits *limits, gsize body_len);

/* The item class a folder of this type holds; AIRDOCKD_ITEM_EMAIL for mail
 * folders and anything else. */
AirdockdItemClass airdockd_pim_folder_class (AirdockdFolderType type);

/* Remembers the Supported list the request carries for folder (initial
 * Sync; none forgets an earlier one).  FALSE + error for a store failure. */
gboolean airdockd_pim_remember_supported (AirdockdRequest *req,
					  const AirdockdFolder *folder,
					  GError **error);

/* Applies a client Add/Change/Delete/Fetch in a PIM folder.  *out_status is
 * the per-command status (NOT_FOUND, CONVERSION_ERROR …); for a successful
 * Add, *out_server_id is the new item's id.  FALSE + error only for a store
 * failure (the caller rolls back). */
gboolean airdockd_pim_apply_command (AirdockdRequest *req,
				     const AirdockdFolder *folder,
				     const EasSyncCommand *cmd,
				     EasSyncStatus *out_status,
				     char **out_server_id,
				     GError **error);

/* Whether a device of version sees folders of this type: Notes folders
 * only from 14.0 on; everything else always. */
gboolean airdockd_pim_folder_offered (AirdockdFolderType type, EasVersion version);

/* FALSE when the item falls outside the device's FilterType now: a
 * completed task under FilterType 8; an event whose last occurrence ended
 * before the window (FilterType 4–7) began.  Contacts and notes are
 * always in. */
gboolean airdockd_pim_item_in_filter (const AirdockdItem *item, guint filter_type);

/* Unix seconds when the event's last occurrence (series or changed
 * exception) ends; G_MAXINT64 for a series without end, a non-event or
 * unreadable data.  Sync remembers it so that an event that ages out of a
 * calendar window goes to the device as a SoftDelete. */
gint64 airdockd_pim_item_end_time (const AirdockdItem *item);

/* Writes a server <Add> or <Change> (type) of a stored PIM item with its
 * ApplicationData for version.  FALSE (nothing written) when the stored
 * data cannot be read: the caller skips the item. */
gboolean airdockd_pim_write_item (EasWbxmlWriter *w,
				  EasSyncCommandType type,
				  const AirdockdItem *item,
				  EasVersion version,
				  GError **error);

/* Writes the <Fetch> response for server_id (the item, or status). */
void airdockd_pim_write_fetch (EasWbxmlWriter *w,
			       AirdockdRequest *req,
			       const char *folder_id,
			       const char *server_id,
			       EasSyncStatus status);

G_END_DECLS
