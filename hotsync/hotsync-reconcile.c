/* The reconcile table: see hotsync-reconcile.h (the table lives there). */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-reconcile.h"

/* Rows by handheld state; the desktop state picks the column. */
static guint
from_changed (const HotsyncReconcileInput *in)
{
	switch (in->desktop) {
	case HOTSYNC_SIDE_CHANGED:                             /* row 5 */
		if (in->same_content)
			return HOTSYNC_ACTION_NONE;
		return HOTSYNC_ACTION_STORE_ON_DESKTOP | HOTSYNC_ACTION_ADD_TO_HANDHELD;
	case HOTSYNC_SIDE_ABSENT:                              /* rows 1, 2 */
	case HOTSYNC_SIDE_UNCHANGED:                           /* row 6 */
	case HOTSYNC_SIDE_DELETED:                             /* row 7 */
	default:
		return HOTSYNC_ACTION_STORE_ON_DESKTOP;
	}
}

static guint
from_unchanged (const HotsyncReconcileInput *in)
{
	switch (in->desktop) {
	case HOTSYNC_SIDE_CHANGED:                             /* row 8 */
		return HOTSYNC_ACTION_WRITE_TO_HANDHELD;
	case HOTSYNC_SIDE_UNCHANGED:                           /* row 9 */
		return HOTSYNC_ACTION_NONE;
	case HOTSYNC_SIDE_DELETED:                             /* row 10 */
		return HOTSYNC_ACTION_DELETE_ON_HANDHELD | HOTSYNC_ACTION_FORGET;
	case HOTSYNC_SIDE_ABSENT:                              /* row 11 */
	default:
		return HOTSYNC_ACTION_STORE_ON_DESKTOP;
	}
}

static guint
from_deleted (const HotsyncReconcileInput *in)
{
	switch (in->desktop) {
	case HOTSYNC_SIDE_CHANGED:                             /* row 12 */
		return HOTSYNC_ACTION_ADD_TO_HANDHELD;
	case HOTSYNC_SIDE_UNCHANGED:                           /* row 13 */
		return HOTSYNC_ACTION_DELETE_ON_DESKTOP | HOTSYNC_ACTION_FORGET;
	case HOTSYNC_SIDE_DELETED:                             /* row 14 */
	case HOTSYNC_SIDE_ABSENT:                              /* row 15 */
	default:
		return HOTSYNC_ACTION_FORGET;
	}
}

static guint
from_archived (const HotsyncReconcileInput *in)
{
	switch (in->desktop) {
	case HOTSYNC_SIDE_CHANGED:                             /* row 17 */
		return HOTSYNC_ACTION_ADD_TO_HANDHELD;
	case HOTSYNC_SIDE_UNCHANGED:                           /* row 16 */
	case HOTSYNC_SIDE_DELETED:                             /* row 18 */
	case HOTSYNC_SIDE_ABSENT:                              /* row 19 */
	default:
		return HOTSYNC_ACTION_ARCHIVE_ON_DESKTOP | HOTSYNC_ACTION_FORGET;
	}
}

static guint
from_absent (const HotsyncReconcileInput *in)
{
	switch (in->desktop) {
	case HOTSYNC_SIDE_CHANGED:                             /* rows 3, 4 */
		return HOTSYNC_ACTION_ADD_TO_HANDHELD;
	case HOTSYNC_SIDE_UNCHANGED:                           /* rows 20, 21 */
		if (in->known)
			return HOTSYNC_ACTION_DELETE_ON_DESKTOP | HOTSYNC_ACTION_FORGET;
		return HOTSYNC_ACTION_ADD_TO_HANDHELD;
	case HOTSYNC_SIDE_DELETED:                             /* row 22 */
	case HOTSYNC_SIDE_ABSENT:                              /* row 23 */
	default:
		return HOTSYNC_ACTION_FORGET;
	}
}

guint
hotsync_reconcile (const HotsyncReconcileInput *in)
{
	g_return_val_if_fail (in->desktop != HOTSYNC_SIDE_ARCHIVED, HOTSYNC_ACTION_NONE);

	switch (in->handheld) {
	case HOTSYNC_SIDE_CHANGED:
		return from_changed (in);
	case HOTSYNC_SIDE_UNCHANGED:
		return from_unchanged (in);
	case HOTSYNC_SIDE_DELETED:
		return from_deleted (in);
	case HOTSYNC_SIDE_ARCHIVED:
		return from_archived (in);
	case HOTSYNC_SIDE_ABSENT:
	default:
		return from_absent (in);
	}
}

HotsyncSide
hotsync_reconcile_classify (guint8        attr,
                            gboolean      fast,
                            guint8        category,
                            const guint8 *data,
                            gsize         len,
                            guint8        last_category,
                            const guint8 *last_data,
                            gsize         last_len)
{
	if (attr & HOTSYNC_RECORD_ATTR_DELETED)
		return (attr & HOTSYNC_RECORD_ATTR_ARCHIVED) ? HOTSYNC_SIDE_ARCHIVED : HOTSYNC_SIDE_DELETED;
	/* Palm OS also marks an archived record deleted; an archive bit alone
	 * still means "archive". */
	if (attr & HOTSYNC_RECORD_ATTR_ARCHIVED)
		return HOTSYNC_SIDE_ARCHIVED;
	if (fast)
		return (attr & HOTSYNC_RECORD_ATTR_DIRTY) ? HOTSYNC_SIDE_CHANGED : HOTSYNC_SIDE_UNCHANGED;
	/* Slow sync: the dirty bit was cleared by another desktop, so
	 * compare against our own copy. */
	if (last_data == NULL || len != last_len || category != last_category ||
	    (len > 0 && memcmp (data, last_data, len) != 0))
		return HOTSYNC_SIDE_CHANGED;
	return HOTSYNC_SIDE_UNCHANGED;
}

gboolean
hotsync_reconcile_is_fast (guint32 handheld_last_sync_pc, guint32 desktop_id, gboolean have_last_sync_state)
{
	return have_last_sync_state && desktop_id != 0 && handheld_last_sync_pc == desktop_id;
}

/* A desktop id (128–255) not used in the block. */
static guint8
new_desktop_id (const HotsyncCategories *cats)
{
	for (guint id = HOTSYNC_CATEGORY_ID_DESKTOP_FIRST; id <= 255; id++) {
		gboolean used = FALSE;

		for (int i = 0; i < HOTSYNC_CATEGORY_COUNT; i++)
			if (cats->names[i] != NULL && cats->names[i][0] != '\0' && cats->ids[i] == id)
				used = TRUE;
		if (!used)
			return (guint8) id;
	}
	return 0;
}

void
hotsync_reconcile_categories (const HotsyncCategories *handheld,
                              const char * const      *desktop_names,
                              gsize                    n_desktop,
                              HotsyncCategories       *out_merged,
                              guint8                  *out_desktop_index,
                              gboolean                *out_changed)
{
	HotsyncCategories m = *handheld;
	gboolean changed = FALSE;

	for (int i = 0; i < HOTSYNC_CATEGORY_COUNT; i++)
		m.names[i] = g_strdup (handheld->names[i] != NULL ? handheld->names[i] : "");
	for (gsize d = 0; d < n_desktop; d++) {
		/* The handheld keeps 15 characters (one byte each in
		 * Windows-1252): compare and store what it can hold. */
		g_autofree char *valid = g_utf8_make_valid (desktop_names[d] != NULL ? desktop_names[d] : "", -1);
		/* g_utf8_substring() needs an end within the string. */
		glong chars = MIN (g_utf8_strlen (valid, -1), (glong) HOTSYNC_CATEGORY_NAME_LEN - 1);
		g_autofree char *name = g_utf8_substring (valid, 0, chars);
		int idx = hotsync_categories_find (&m, name);

		if (idx < 0 && name[0] != '\0') {
			/* Slot 0 is Unfiled and never reused. */
			for (int i = 1; i < HOTSYNC_CATEGORY_COUNT && idx < 0; i++) {
				if (m.names[i][0] != '\0')
					continue;
				m.ids[i] = 0;
				m.ids[i] = new_desktop_id (&m);
				g_free (m.names[i]);
				m.names[i] = g_strdup (name);
				m.renamed |= (guint16) (1u << i);
				idx = i;
				changed = TRUE;
			}
		}
		out_desktop_index[d] = idx < 0 ? HOTSYNC_CATEGORY_UNFILED : (guint8) idx;
	}
	*out_merged = m;
	*out_changed = changed;
}
