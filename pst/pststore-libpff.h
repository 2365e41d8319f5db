/* pststore-libpff.h — task and sticky-note properties through libpff.
 *
 * libpst drops the task named properties ([MS-OXOTASK] PidLidTaskStatus
 * 0x8101, PidLidPercentComplete 0x8102, PidLidTaskStartDate 0x8104,
 * PidLidTaskDueDate 0x8105, PidLidTaskDateCompleted 0x810F,
 * PidLidTaskComplete 0x811C, PidLidTaskRecurrence 0x8116) and the note colour
 * ([MS-OXONOTE] PidLidNoteColor 0x8B00).  libpff resolves named properties,
 * so the importer reads them from the same file by descriptor id.
 *
 * Runs only in the PST reader child: libpff is not hardened against hostile
 * files either.  Errors: PSTSTORE_PFF_ERROR domain.
 */
#pragma once

#include <glib.h>

#include "pst/pststore.h"

G_BEGIN_DECLS

#define PSTSTORE_PFF_ERROR (pststore_pff_error_quark ())
GQuark pststore_pff_error_quark (void);

typedef enum {
	PSTSTORE_PFF_ERROR_OPEN,	/* libpff could not open the file */
	PSTSTORE_PFF_ERROR_ITEM,	/* no such item, or its properties are unreadable */
} PststorePffErrorCode;

typedef struct _PststorePffFile PststorePffFile;

PststorePffFile *pststore_pff_open (const char *path, GError **error);
void pststore_pff_close (PststorePffFile *file);

/* Fills in @item's creation and modification times (libpst may take an
 * attachment's), importance (PidTagImportance, which libpst cannot tell
 * from absent), categories (PidNameKeywords, any kind; when @item has none
 * yet), task fields (for tasks) and note colour (for notes) from the
 * item with descriptor id @nid.  Properties that are absent stay as they
 * are.  @out_recurrence (may be NULL) receives the raw PidLidTaskRecurrence
 * blob when there is one. */
gboolean pststore_pff_read_extras (PststorePffFile *file, guint32 nid, PststoreItem *item,
				   GBytes **out_recurrence, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PststorePffFile, pststore_pff_close)

G_END_DECLS
