/* Handheld records ⇄ store items, one table entry per database:
 *   MemoDB ⇄ IPM.StickyNote: body = the memo text, subject = its first line;
 *   ToDoDB ⇄ IPM.Task: subject = description, body = note, due date (UTC
 *     midnight), complete, importance from the priority (the Palm priority
 *     itself travels in item->data as "palm-priority=N" so it survives).
 * Categories travel separately (the caller maps the category byte to the
 * item's first category name).  Errors: HOTSYNC_RECORD_ERROR. */
#pragma once

#include <glib.h>

#include "hotsync/hotsync-records.h"
#include "pst/pststore.h"

G_BEGIN_DECLS

typedef struct {
	const char *db_name;           /* "MemoDB" */
	const char *label;             /* "memo" */
	PststoreKind kind;
	const char *message_class;
	/* Fills the record's fields into item, keeping what the record cannot hold. */
	gboolean (*to_item) (const guint8 *data, gsize len, PststoreItem *item, GError **error);
	GBytes *(*from_item) (const PststoreItem *item, GError **error);
	/* AppInfo with new categories (the rest of the block as it was). */
	GBytes *(*app_info_with) (GBytes *old, const HotsyncCategories *cats, GError **error);
} ConduitDbKind;

extern const ConduitDbKind conduit_memo_kind;
extern const ConduitDbKind conduit_todo_kind;

/* A short title for logs: the item's subject or first line (new string). */
char *conduit_item_title (const PststoreItem *item);

G_END_DECLS
