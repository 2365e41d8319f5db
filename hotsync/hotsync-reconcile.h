/* The reconcile table: what to do with one record, given its state on the
 * handheld, on the desktop, and whether the pair existed at the last sync.
 * Pure functions, no I/O.
 *
 * States since the last sync (HotsyncSide):
 *   ABSENT     the side has no such record (and no tombstone)
 *   UNCHANGED  present and as it was at the last sync
 *   CHANGED    present and modified — or new, when the pair is not known
 *   DELETED    deleted (handheld: the deleted attribute; desktop: a tombstone)
 *   ARCHIVED   handheld only: deleted with the archive attribute
 * "known" means the last-sync state holds this pair (handheld id ⇄ desktop
 * item).  On a fast sync the handheld's state comes from its attributes
 * (ReadNextModifiedRec: dirty → CHANGED; records it does not report are
 * UNCHANGED); on a slow sync from comparing every record against the
 * last-sync copy: hotsync_reconcile_classify() does both.
 *
 * The table (one test per row in tests/hotsync/test-reconcile.c):
 *
 * | #  | handheld  | desktop   | known | actions                                   |
 * |----|-----------|-----------|-------|-------------------------------------------|
 * | 1  | CHANGED   | ABSENT    | no    | STORE_ON_DESKTOP (new on the handheld)    |
 * | 2  | CHANGED   | ABSENT    | yes   | STORE_ON_DESKTOP (handheld wins)          |
 * | 3  | ABSENT    | CHANGED   | no    | ADD_TO_HANDHELD (new on the desktop)      |
 * | 4  | ABSENT    | CHANGED   | yes   | ADD_TO_HANDHELD (re-create)               |
 * | 5  | CHANGED   | CHANGED   | any   | different: STORE_ON_DESKTOP +             |
 * |    |           |           |       | ADD_TO_HANDHELD (keep both) · same: NONE  |
 * | 6  | CHANGED   | UNCHANGED | any   | STORE_ON_DESKTOP (handheld wins)          |
 * | 7  | CHANGED   | DELETED   | any   | STORE_ON_DESKTOP (handheld wins)          |
 * | 8  | UNCHANGED | CHANGED   | any   | WRITE_TO_HANDHELD (desktop wins)          |
 * | 9  | UNCHANGED | UNCHANGED | any   | NONE                                      |
 * | 10 | UNCHANGED | DELETED   | any   | DELETE_ON_HANDHELD + FORGET               |
 * | 11 | UNCHANGED | ABSENT    | any   | STORE_ON_DESKTOP (never lose data the     |
 * |    |           |           |       | desktop cannot account for)               |
 * | 12 | DELETED   | CHANGED   | any   | ADD_TO_HANDHELD (re-create)               |
 * | 13 | DELETED   | UNCHANGED | any   | DELETE_ON_DESKTOP + FORGET (delete both)  |
 * | 14 | DELETED   | DELETED   | any   | FORGET                                    |
 * | 15 | DELETED   | ABSENT    | any   | FORGET                                    |
 * | 16 | ARCHIVED  | UNCHANGED | any   | ARCHIVE_ON_DESKTOP + FORGET               |
 * | 17 | ARCHIVED  | CHANGED   | any   | ADD_TO_HANDHELD (desktop edit outranks    |
 * |    |           |           |       | the archive request; re-create)           |
 * | 18 | ARCHIVED  | DELETED   | any   | ARCHIVE_ON_DESKTOP + FORGET               |
 * | 19 | ARCHIVED  | ABSENT    | any   | ARCHIVE_ON_DESKTOP + FORGET               |
 * | 20 | ABSENT    | UNCHANGED | yes   | DELETE_ON_DESKTOP + FORGET (purged on the |
 * |    |           |           |       | handheld: delete both)                    |
 * | 21 | ABSENT    | UNCHANGED | no    | ADD_TO_HANDHELD                           |
 * | 22 | ABSENT    | DELETED   | any   | FORGET                                    |
 * | 23 | ABSENT    | ABSENT    | any   | FORGET                                    |
 *
 * Actions:
 *   STORE_ON_DESKTOP   put the handheld's record on the desktop under this
 *                      handheld id (add, replace, or restore)
 *   ADD_TO_HANDHELD    write the desktop's record to the handheld as a new
 *                      record (id 0) and link the desktop item to the id the
 *                      handheld returns; with STORE_ON_DESKTOP (keep both)
 *                      the handheld's version becomes a new desktop item
 *   WRITE_TO_HANDHELD  overwrite the handheld's record (same id)
 *   DELETE_ON_HANDHELD DeleteRecord on the handheld
 *   DELETE_ON_DESKTOP  delete the desktop's item
 *   ARCHIVE_ON_DESKTOP keep the handheld's record in the desktop's archive,
 *                      not among live items
 *   FORGET             drop the pair from the last-sync state
 * Deleted and archived records leave the handheld with CleanUpDatabase at
 * the end, after the table has been applied to every record. */
#pragma once

#include <glib.h>

#include "hotsync/hotsync-records.h"

G_BEGIN_DECLS

typedef enum {
	HOTSYNC_SIDE_ABSENT,
	HOTSYNC_SIDE_UNCHANGED,
	HOTSYNC_SIDE_CHANGED,
	HOTSYNC_SIDE_DELETED,
	HOTSYNC_SIDE_ARCHIVED,   /* handheld only */
} HotsyncSide;

typedef enum {
	HOTSYNC_ACTION_NONE = 0,
	HOTSYNC_ACTION_STORE_ON_DESKTOP = 1 << 0,
	HOTSYNC_ACTION_ADD_TO_HANDHELD = 1 << 1,
	HOTSYNC_ACTION_WRITE_TO_HANDHELD = 1 << 2,
	HOTSYNC_ACTION_DELETE_ON_HANDHELD = 1 << 3,
	HOTSYNC_ACTION_DELETE_ON_DESKTOP = 1 << 4,
	HOTSYNC_ACTION_ARCHIVE_ON_DESKTOP = 1 << 5,
	HOTSYNC_ACTION_FORGET = 1 << 6,
} HotsyncAction;

typedef struct {
	HotsyncSide handheld;
	HotsyncSide desktop;     /* ARCHIVED is a programming error here */
	gboolean known;
	gboolean same_content;   /* both CHANGED: the two records are equal */
} HotsyncReconcileInput;

/* The row of the table for this input (a set of HotsyncAction bits). */
guint hotsync_reconcile (const HotsyncReconcileInput *input);

/* The handheld's state of one record.
 * attr: the record's attribute byte.  fast: TRUE on a fast sync.
 * On a slow sync, data/category are compared with the last-sync copy
 * (last_data NULL: the pair is not known, so CHANGED). */
HotsyncSide hotsync_reconcile_classify (guint8        attr,
                                        gboolean      fast,
                                        guint8        category,
                                        const guint8 *data,
                                        gsize         len,
                                        guint8        last_category,
                                        const guint8 *last_data,
                                        gsize         last_len);

/* Fast sync when the handheld last synced with this desktop (its lastSyncPC
 * is our id, and we hold last-sync state for it). */
gboolean hotsync_reconcile_is_fast (guint32 handheld_last_sync_pc, guint32 desktop_id, gboolean have_last_sync_state);

/* Categories first: merges the desktop's category names into the handheld's
 * block.  A desktop name missing on the handheld takes a free slot and a new
 * desktop id (128–255); *out_merged is the block to write back when
 * *out_changed.  out_desktop_index[i] is the handheld index of desktop name i
 * (HOTSYNC_CATEGORY_UNFILED when no slot was free).  Names compare exactly,
 * after cutting desktop names to the 15 characters a handheld holds.
 * *out_merged is the caller's: hotsync_categories_clear(). */
void hotsync_reconcile_categories (const HotsyncCategories *handheld,
                                   const char * const      *desktop_names,
                                   gsize                    n_desktop,
                                   HotsyncCategories       *out_merged,
                                   guint8                  *out_desktop_index,
                                   gboolean                *out_changed);

G_END_DECLS
