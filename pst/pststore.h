/* pststore.h — the desktop's Outlook-style store.
 *
 * One SQLite file (default $XDG_DATA_HOME/airdock/store.sqlite) holding
 * Outlook-style folders and items with MAPI-like properties, plus change
 * tracking per sync partner (a handheld by its user id, the server account).
 *
 * Change tracking: every write bumps one store-wide counter and stamps the
 * written row with it (change_seq).  A partner keeps an anchor (the counter
 * value it last synced up to) and a map of its own record ids to item ids.
 * "What changed since partner P last synced" is pststore_changes_since().
 * A deleted item leaves a tombstone that stays until every partner's anchor
 * has passed it (pststore_purge_tombstones()).
 *
 * Concurrency: WAL journal and a busy timeout, so the conduit and the CLI may
 * open the store at the same time.  Every write is one transaction; callers
 * may group writes with pststore_begin()/pststore_commit().
 *
 * Errors: PSTSTORE_ERROR domain.  The library never logs.
 * Threads: a PststoreStore is used from one thread at a time.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PSTSTORE_ERROR (pststore_error_quark ())
GQuark pststore_error_quark (void);

typedef enum {
	PSTSTORE_ERROR_DB,		/* SQLite failed (I/O, corrupt file, busy too long) */
	PSTSTORE_ERROR_NOT_FOUND,	/* no such folder, item or partner */
	PSTSTORE_ERROR_INVALID,		/* bad argument value (name, path, property) */
	PSTSTORE_ERROR_EXISTS,		/* a folder of that name already exists there */
} PststoreErrorCode;

/* Time values are Unix seconds (UTC); this one means "not set". */
#define PSTSTORE_TIME_UNSET G_MININT64

/* Item kinds, derived from the message class. */
typedef enum {
	PSTSTORE_KIND_MAIL = 0,		/* IPM.Note, IPM.Schedule.*, REPORT.* */
	PSTSTORE_KIND_CONTACT,		/* IPM.Contact */
	PSTSTORE_KIND_APPOINTMENT,	/* IPM.Appointment */
	PSTSTORE_KIND_TASK,		/* IPM.Task */
	PSTSTORE_KIND_NOTE,		/* IPM.StickyNote */
	PSTSTORE_KIND_OTHER,		/* anything else (IPM.DistList, IPM.Post, …), kept as a generic item */
	PSTSTORE_N_KINDS
} PststoreKind;

/* Short lower-case name ("mail", "contact", …) of a kind; never NULL. */
const char *pststore_kind_to_string (PststoreKind kind);
/* The kind of a message class ("IPM.Task.Foo" → TASK); NULL gives OTHER. */
PststoreKind pststore_kind_from_class (const char *message_class);

/* [MS-OXOTASK] PidLidTaskStatus */
typedef enum {
	PSTSTORE_TASK_NOT_STARTED = 0,
	PSTSTORE_TASK_IN_PROGRESS = 1,
	PSTSTORE_TASK_COMPLETE = 2,
	PSTSTORE_TASK_WAITING = 3,
	PSTSTORE_TASK_DEFERRED = 4,
} PststoreTaskStatus;

/* [MS-OXONOTE] PidLidNoteColor; PSTSTORE_NOTE_COLOUR_UNSET when absent. */
typedef enum {
	PSTSTORE_NOTE_COLOUR_UNSET = -1,
	PSTSTORE_NOTE_BLUE = 0,
	PSTSTORE_NOTE_GREEN = 1,
	PSTSTORE_NOTE_PINK = 2,
	PSTSTORE_NOTE_YELLOW = 3,
	PSTSTORE_NOTE_WHITE = 4,
} PststoreNoteColour;

/* One item.  A plain struct: callers fill it and pass it to
 * pststore_item_save(); pststore_item_get() returns a new one.  All strings
 * are UTF-8 and owned by the struct.  Unset strings are NULL, unset times
 * PSTSTORE_TIME_UNSET. */
typedef struct {
	gint64 id;			/* store id; 0 = not stored yet */
	gint64 folder_id;
	gint64 change_seq;		/* read-only: counter value of the last write */
	PststoreKind kind;		/* derived from message_class on save */
	char *message_class;		/* "IPM.Task"; required */
	char *subject;
	char *body;			/* plain text */
	char **categories;		/* NULL-terminated; NULL = none */
	gint importance;		/* 0 low, 1 normal (default), 2 high */
	gint sensitivity;		/* 0 normal, 1 personal, 2 private, 3 confidential */
	gint64 created;
	gint64 modified;
	/* Tasks ([MS-OXOTASK]) */
	gint64 task_start;
	gint64 task_due;
	gint64 task_date_completed;
	gboolean task_complete;
	gdouble task_percent;		/* 0.0 … 1.0 */
	PststoreTaskStatus task_status;
	gint64 reminder;		/* reminder time, tasks and appointments */
	char *recurrence;		/* iCalendar RRULE value, e.g. "FREQ=WEEKLY;BYDAY=MO" */
	/* Notes */
	PststoreNoteColour note_colour;
	/* Contacts: vCard 3.0 text; appointments: iCalendar VCALENDAR text;
	 * mail: its HTML body, if it has one. */
	char *data;
	/* Where the item came from (e.g. "pst:<store uid>:<descriptor id>"),
	 * unique in the store when set; used to make imports idempotent. */
	char *source_id;
} PststoreItem;

/* A new item with every field unset (importance normal). */
PststoreItem *pststore_item_new (const char *message_class);
PststoreItem *pststore_item_copy (const PststoreItem *item);
void pststore_item_free (PststoreItem *item);
/* TRUE when two items have the same folder and content (id, kind and
 * change_seq are not compared). */
gboolean pststore_item_equal (const PststoreItem *a, const PststoreItem *b);

typedef struct {
	gint64 id;
	gint64 parent_id;		/* 0 = top level */
	char *name;
	char *container_class;		/* "IPF.Task", "IPF.StickyNote", …; may be NULL */
	char *source_id;		/* as for items; may be NULL */
	gint64 change_seq;
} PststoreFolder;

void pststore_folder_free (PststoreFolder *folder);

typedef struct _PststoreStore PststoreStore;

/* Opens (creating if needed) the store at @path; NULL means the default
 * location, $XDG_DATA_HOME/airdock/store.sqlite (parent folders are made).
 * A new store gets the top-level folders Inbox, Calendar, Contacts, Tasks
 * and Notes. */
PststoreStore *pststore_open (const char *path, GError **error);
void pststore_close (PststoreStore *store);
/* The default path; free with g_free(). */
char *pststore_default_path (void);

/* Transactions.  Writes outside begin/commit are transactions of their own.
 * Nested begin calls are counted; the outermost commit writes.  rollback
 * undoes everything since the outermost begin. */
gboolean pststore_begin (PststoreStore *store, GError **error);
gboolean pststore_commit (PststoreStore *store, GError **error);
void pststore_rollback (PststoreStore *store);

/* The store-wide change counter (the value of the latest change). */
gboolean pststore_get_counter (PststoreStore *store, gint64 *out_counter, GError **error);

/* ---- Folders ------------------------------------------------------------ */

/* Creates folder @name under @parent_id (0 = top level).  Names are 1–255
 * bytes of UTF-8 without '/' or control characters; a sibling of the same
 * name (case-insensitive) gives PSTSTORE_ERROR_EXISTS.  Returns the id or 0. */
gint64 pststore_folder_create (PststoreStore *store, gint64 parent_id, const char *name,
			       const char *container_class, const char *source_id, GError **error);
PststoreFolder *pststore_folder_get (PststoreStore *store, gint64 id, GError **error);
/* The store's own folder for @kind (Inbox for mail, Calendar, Contacts,
 * Tasks, Notes), found by id so a rename does not lose it; this is where
 * the conduit syncs memos (notes) and todos (tasks).  0 with
 * PSTSTORE_ERROR_NOT_FOUND for PSTSTORE_KIND_OTHER or a deleted folder. */
gint64 pststore_folder_default (PststoreStore *store, PststoreKind kind, GError **error);
/* Finds a folder by '/'-separated path ("Tasks", "Inbox/Lists"),
 * case-insensitively.  Returns the id, or 0 with PSTSTORE_ERROR_NOT_FOUND. */
gint64 pststore_folder_lookup (PststoreStore *store, const char *path, GError **error);
/* Like lookup, but creates the missing folders.  Returns the id or 0. */
gint64 pststore_folder_ensure_path (PststoreStore *store, const char *path, GError **error);
/* Child of @parent_id named @name, or 0 (no error) when there is none. */
gint64 pststore_folder_find_child (PststoreStore *store, gint64 parent_id, const char *name, GError **error);
/* The folder whose source_id is @source_id, or 0 (no error). */
gint64 pststore_folder_find_by_source (PststoreStore *store, const char *source_id, GError **error);
/* All folders, parents before children; element type PststoreFolder. */
GPtrArray *pststore_folder_list (PststoreStore *store, GError **error);
/* "Inbox/Lists" for a folder id; NULL on error. */
char *pststore_folder_path (PststoreStore *store, gint64 id, GError **error);
/* Renames a folder (same rules as create; PSTSTORE_ERROR_EXISTS on a clash). */
gboolean pststore_folder_rename (PststoreStore *store, gint64 id, const char *name, GError **error);
/* Deletes a folder, its subfolders and their items; every item leaves a
 * tombstone (so partners learn of the deletion).  @origin as for items. */
gboolean pststore_folder_delete (PststoreStore *store, gint64 id, const char *origin, GError **error);
/* Number of items in a folder (not counting subfolders). */
gboolean pststore_folder_count (PststoreStore *store, gint64 id, gsize *out_count, GError **error);

/* ---- Items -------------------------------------------------------------- */

/* Inserts (item->id == 0) or updates an item; on success sets item->id,
 * item->kind and item->change_seq.  An insert whose source_id already
 * exists updates that item instead (idempotent import).  Saving content
 * equal to what is stored changes nothing (no counter bump).  @origin names the
 * partner that made the change (so its own change is not echoed back to it
 * by pststore_changes_since()), or NULL for a local change. */
gboolean pststore_item_save (PststoreStore *store, PststoreItem *item, const char *origin, GError **error);
PststoreItem *pststore_item_get (PststoreStore *store, gint64 id, GError **error);
/* The item with this source id, or NULL without error when there is none. */
PststoreItem *pststore_item_find_by_source (PststoreStore *store, const char *source_id, GError **error);
/* Deletes an item and leaves a tombstone; drops partner map entries to it. */
gboolean pststore_item_delete (PststoreStore *store, gint64 id, const char *origin, GError **error);
/* Items of a folder ordered by id; element type PststoreItem. */
GPtrArray *pststore_item_list (PststoreStore *store, gint64 folder_id, GError **error);

/* ---- Partners and change tracking --------------------------------------- */

/* Registers (or finds) a partner by name, e.g. "palm:3141" or
 * "eas:alice@example.org".  A new partner's anchor is 0 (it has seen
 * nothing: its first sync is a slow sync). */
gboolean pststore_partner_ensure (PststoreStore *store, const char *partner, GError **error);
gboolean pststore_partner_get_anchor (PststoreStore *store, const char *partner, gint64 *out_anchor,
				      GError **error);
/* Records that @partner has seen every change up to @anchor (a value from
 * pststore_get_counter() read before it fetched its changes). */
gboolean pststore_partner_set_anchor (PststoreStore *store, const char *partner, gint64 anchor, GError **error);
/* Forgets a partner, its anchor and its map. */
gboolean pststore_partner_remove (PststoreStore *store, const char *partner, GError **error);

/* Map a partner's own record id (a Palm unique id, an EAS ServerId) to an
 * item and back.  A record id maps to one item and an item to one record id
 * per partner; mapping again replaces. */
gboolean pststore_partner_map (PststoreStore *store, const char *partner, const char *record_id,
			       gint64 item_id, GError **error);
/* 0 without error when unmapped. */
gint64 pststore_partner_lookup_item (PststoreStore *store, const char *partner, const char *record_id,
				     GError **error);
/* NULL without error when unmapped. */
char *pststore_partner_lookup_record (PststoreStore *store, const char *partner, gint64 item_id,
				      GError **error);

typedef struct {
	gint64 item_id;
	gint64 folder_id;
	gint64 change_seq;
	gboolean deleted;		/* a tombstone */
	char *record_id;		/* the partner's record id, or NULL if unmapped */
} PststoreChange;

void pststore_change_free (PststoreChange *change);

/* Changes after @partner's anchor, oldest first, excluding the partner's
 * own changes; only in @folder_id unless it is 0.  An item changed several
 * times appears once.  Element type PststoreChange. */
GPtrArray *pststore_changes_since (PststoreStore *store, const char *partner, gint64 folder_id,
				   GError **error);
typedef struct {
	gint64 folder_id;
	gint64 parent_id;
	gint64 change_seq;
	gboolean deleted;		/* a folder tombstone */
} PststoreFolderChange;

/* Folders created, renamed or deleted after @partner's anchor, in change
 * order (a folder is created before its subfolders, and its subfolders are
 * deleted before it).  g_free() the elements. */
GPtrArray *pststore_folder_changes_since (PststoreStore *store, const char *partner, GError **error);

/* Drops item and folder tombstones every partner has seen (all of them
 * when there is no partner).  @out_purged (may be NULL) counts both. */
gboolean pststore_purge_tombstones (PststoreStore *store, gsize *out_purged, GError **error);
/* Number of item tombstones kept. */
gboolean pststore_count_tombstones (PststoreStore *store, gsize *out_count, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PststoreStore, pststore_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PststoreItem, pststore_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PststoreFolder, pststore_folder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PststoreChange, pststore_change_free)

G_END_DECLS
