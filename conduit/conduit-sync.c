/* The store side of one HotSync: see conduit-sync.h. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "conduit/conduit-records.h"
#include "conduit/conduit-sync.h"
#include "hotsync/hotsync-reconcile.h"
#include "hotsync/hotsync-records.h"
#include "hotsync/hotsync-text.h"

G_DEFINE_QUARK (conduit-sync-error-quark, conduit_sync_error)

typedef struct {
	guint32 id;
	guint8 attr;
	guint8 category;
	GBytes *data;
} Rec;

typedef enum {
	OP_SAVE,      /* item (id 0: new), then map rec_id when set */
	OP_DELETE,    /* item_id */
	OP_MAP,       /* item_id ⇄ rec_id */
} OpType;

typedef struct {
	OpType type;
	PststoreItem *item;
	gint64 item_id;
	guint32 rec_id;
	gboolean archive;   /* OP_SAVE into the Archive subfolder */
} Op;

typedef struct {
	const ConduitDbKind *kind;
	gint64 folder_id;
	GPtrArray *recs;           /* Rec, as read */
	GBytes *app_info;
	HotsyncCategories cats;    /* working copy, with desktop names added */
	gboolean cats_changed;
	GArray *changes;           /* HotsyncSessionChange */
	GPtrArray *change_data;    /* GBytes kept alive for changes */
	GArray *change_items;      /* gint64 per change: item to map on WRITTEN, or 0 */
	GPtrArray *change_hashes;  /* per change: hash of a new record, or NULL */
	GHashTable *snap;          /* record key → hash of what the handheld holds
	                              after this sync; value NULL: gone */
} Db;

struct _ConduitSync {
	PststoreStore *store;
	guint32 desktop_id;
	char *log_dir;
	gboolean force_slow;
	char *partner;
	char *device_dir;
	char *marker;
	gint64 upto;
	gboolean fast;
	Db dbs[2];
	GPtrArray *ops;            /* Op */
	GPtrArray *log;            /* lines */
	ConduitSyncStats stats;
	char *log_path;
	GKeyFile *snapshot;        /* last-sync state: per database, record key → hash */
	char *snapshot_path;
};

static const ConduitDbKind *const kinds[] = { &conduit_memo_kind, &conduit_todo_kind };

const char * const *
conduit_sync_db_names (gsize *out_n)
{
	static const char *const names[] = { "MemoDB", "ToDoDB" };

	*out_n = G_N_ELEMENTS (names);
	return names;
}

static void
rec_free (gpointer p)
{
	Rec *r = p;

	g_bytes_unref (r->data);
	g_free (r);
}

static void
op_free (gpointer p)
{
	Op *op = p;

	pststore_item_free (op->item);
	g_free (op);
}

ConduitSync *
conduit_sync_new (PststoreStore *store, guint32 desktop_id, const char *log_dir, gboolean force_slow)
{
	ConduitSync *s = g_new0 (ConduitSync, 1);

	s->store = store;
	s->desktop_id = desktop_id;
	s->log_dir = g_strdup (log_dir);
	s->force_slow = force_slow;
	s->ops = g_ptr_array_new_with_free_func (op_free);
	s->log = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; i < G_N_ELEMENTS (s->dbs); i++) {
		Db *db = &s->dbs[i];

		db->kind = kinds[i];
		db->recs = g_ptr_array_new_with_free_func (rec_free);
		db->changes = g_array_new (FALSE, TRUE, sizeof (HotsyncSessionChange));
		db->change_data = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
		db->change_items = g_array_new (FALSE, TRUE, sizeof (gint64));
		db->change_hashes = g_ptr_array_new_with_free_func (g_free);
		db->snap = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	}
	s->snapshot = g_key_file_new ();
	return s;
}

void
conduit_sync_free (ConduitSync *s)
{
	if (s == NULL)
		return;
	for (guint i = 0; i < G_N_ELEMENTS (s->dbs); i++) {
		Db *db = &s->dbs[i];

		g_ptr_array_unref (db->recs);
		g_clear_pointer (&db->app_info, g_bytes_unref);
		hotsync_categories_clear (&db->cats);
		g_array_unref (db->changes);
		g_ptr_array_unref (db->change_data);
		g_array_unref (db->change_items);
		g_hash_table_unref (db->snap);
		g_ptr_array_unref (db->change_hashes);
	}
	g_key_file_unref (s->snapshot);
	g_free (s->snapshot_path);
	g_ptr_array_unref (s->ops);
	g_ptr_array_unref (s->log);
	g_free (s->log_dir);
	g_free (s->partner);
	g_free (s->device_dir);
	g_free (s->marker);
	g_free (s->log_path);
	g_free (s);
}

const ConduitSyncStats *
conduit_sync_get_stats (const ConduitSync *s)
{
	return &s->stats;
}

const char *
conduit_sync_get_log_path (const ConduitSync *s)
{
	return s->log_path;
}

static void
log_line (ConduitSync *s, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
log_line (ConduitSync *s, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	g_ptr_array_add (s->log, g_strdup_vprintf (fmt, ap));
	va_end (ap);
}

gboolean
conduit_sync_plan (ConduitSync *s, const HotsyncDlpUserInfo *user, gboolean *out_fast, GError **error)
{
	gint64 anchor = 0;
	g_autofree char *name = NULL;

	s->partner = g_strdup_printf ("palm:%u", user->user_id);
	s->device_dir = g_strdup_printf ("%s/palm-%u", s->log_dir, user->user_id);
	s->marker = g_build_filename (s->device_dir, "sync-in-progress", NULL);
	if (g_mkdir_with_parents (s->device_dir, 0700) < 0) {
		g_set_error (error, CONDUIT_SYNC_ERROR, CONDUIT_SYNC_ERROR_FAILED, "%s: %s", s->device_dir,
		             g_strerror (errno));
		return FALSE;
	}
	if (!pststore_partner_ensure (s->store, s->partner, error) ||
	    !pststore_partner_get_anchor (s->store, s->partner, &anchor, error) ||
	    !pststore_get_counter (s->store, &s->upto, error))
		return FALSE;
	/* A marker left by an unfinished sync forces a slow sync. */
	s->fast = !s->force_slow && !g_file_test (s->marker, G_FILE_TEST_EXISTS) &&
	          hotsync_reconcile_is_fast (user->last_sync_pc, s->desktop_id, anchor > 0);
	if (!g_file_set_contents (s->marker, "", 0, error))
		return FALSE;
	/* The last-sync state lets a slow sync tell an unchanged record from
	 * an edited one (hotsync.md: compare against the last synced copy). */
	s->snapshot_path = g_build_filename (s->device_dir, "last-sync.ini", NULL);
	(void) g_key_file_load_from_file (s->snapshot, s->snapshot_path, G_KEY_FILE_NONE, NULL);
	for (guint i = 0; i < G_N_ELEMENTS (s->dbs); i++) {
		s->dbs[i].folder_id = pststore_folder_default (s->store, s->dbs[i].kind->kind, error);
		if (s->dbs[i].folder_id == 0)
			return FALSE;
	}
	s->stats.fast = s->fast;
	/* The name is in the handheld's code page. */
	name = hotsync_text_to_utf8 ((const guint8 *) (user->user_name != NULL ? user->user_name : ""),
	                             user->user_name != NULL ? strlen (user->user_name) : 0);
	log_line (s, "%s sync of %s (user \"%s\")", s->fast ? "Fast" : "Slow", s->partner, name);
	*out_fast = s->fast;
	return TRUE;
}

void
conduit_sync_database (ConduitSync *s, guint db_index, GBytes *app_info)
{
	Db *db;

	g_return_if_fail (db_index < G_N_ELEMENTS (s->dbs));
	db = &s->dbs[db_index];
	g_clear_pointer (&db->app_info, g_bytes_unref);
	hotsync_categories_clear (&db->cats);
	if (app_info != NULL) {
		db->app_info = g_bytes_ref (app_info);
		if (!hotsync_categories_decode (g_bytes_get_data (app_info, NULL), g_bytes_get_size (app_info),
		                                &db->cats, NULL))
			hotsync_categories_clear (&db->cats);
	}
	if (db->cats.names[0] == NULL)
		for (guint i = 0; i < HOTSYNC_CATEGORY_COUNT; i++)
			db->cats.names[i] = g_strdup (i == 0 ? "Unfiled" : "");
}

void
conduit_sync_record (ConduitSync *s, guint db_index, const HotsyncSessionEvent *ev)
{
	Rec *r = g_new0 (Rec, 1);

	g_return_if_fail (db_index < G_N_ELEMENTS (s->dbs));
	r->id = ev->rec_id;
	r->attr = ev->attr;
	r->category = ev->category;
	r->data = ev->data != NULL ? g_bytes_ref (ev->data) : g_bytes_new (NULL, 0);
	g_ptr_array_add (s->dbs[db_index].recs, r);
	s->stats.records_read++;
}

static char *
rec_key (guint32 id)
{
	return g_strdup_printf ("0x%06x", id);
}

static char *
rec_hash (guint8 category, GBytes *data)
{
	g_autoptr (GChecksum) c = g_checksum_new (G_CHECKSUM_SHA256);
	gsize n;
	const guint8 *d = g_bytes_get_data (data, &n);

	g_checksum_update (c, &category, 1);
	g_checksum_update (c, d, (gssize) n);
	return g_strdup (g_checksum_get_string (c));
}

/* What the handheld holds for id after this sync (hash NULL: nothing). */
static void
snap_set (Db *db, guint32 id, char *hash)
{
	g_hash_table_replace (db->snap, rec_key (id), hash);
}

/* The handheld index of an item's first category; adds the name to a free
 * slot when asked (categories are reconciled by name). */
static guint8
category_index (Db *db, const PststoreItem *item, gboolean add)
{
	const char *name = item->categories != NULL ? item->categories[0] : NULL;
	int i;

	if (name == NULL || name[0] == '\0')
		return HOTSYNC_CATEGORY_UNFILED;
	i = hotsync_categories_find (&db->cats, name);
	if (i >= 0)
		return (guint8) i;
	if (!add)
		return 0xff;
	for (guint j = 1; j < HOTSYNC_CATEGORY_COUNT; j++) {
		if (db->cats.names[j] != NULL && db->cats.names[j][0] != '\0')
			continue;
		g_free (db->cats.names[j]);
		db->cats.names[j] = g_utf8_substring (name, 0, MIN (g_utf8_strlen (name, -1), 15));
		db->cats.last_unique_id = (guint8) MAX (db->cats.last_unique_id + 1, HOTSYNC_CATEGORY_ID_DESKTOP_FIRST);
		db->cats.ids[j] = db->cats.last_unique_id;
		db->cats_changed = TRUE;
		return (guint8) j;
	}
	return HOTSYNC_CATEGORY_UNFILED;
}

static void
set_item_category (Db *db, PststoreItem *item, guint8 category)
{
	const char *name = category < HOTSYNC_CATEGORY_COUNT && category != HOTSYNC_CATEGORY_UNFILED ?
	                   db->cats.names[category] : NULL;

	g_clear_pointer (&item->categories, g_strfreev);
	if (name != NULL && name[0] != '\0') {
		item->categories = g_new0 (char *, 2);
		item->categories[0] = g_strdup (name);
	}
}

/* The handheld's record as a store item: a copy of the existing item (so
 * properties the handheld cannot see survive) or a new one. */
static PststoreItem *
item_from_rec (ConduitSync *s, Db *db, const Rec *r, const PststoreItem *existing, GError **error)
{
	g_autoptr (PststoreItem) item = existing != NULL ? pststore_item_copy (existing) :
	                                pststore_item_new (db->kind->message_class);

	if (existing == NULL) {
		item->folder_id = db->folder_id;
		item->created = g_get_real_time () / G_USEC_PER_SEC;
	}
	item->modified = g_get_real_time () / G_USEC_PER_SEC;
	if (!db->kind->to_item (g_bytes_get_data (r->data, NULL), g_bytes_get_size (r->data), item, error))
		return NULL;
	set_item_category (db, item, r->category);
	(void) s;
	return g_steal_pointer (&item);
}

static void
add_op (ConduitSync *s, OpType type, PststoreItem *item, gint64 item_id, guint32 rec_id)
{
	Op *op = g_new0 (Op, 1);

	op->type = type;
	op->item = item;
	op->item_id = item_id;
	op->rec_id = rec_id;
	g_ptr_array_add (s->ops, op);
}

static gboolean
add_change (ConduitSync *s, Db *db, const PststoreItem *item, guint32 rec_id, gboolean delete_record,
            GError **error)
{
	HotsyncSessionChange c = { 0 };
	gint64 map_item = 0;

	c.delete_record = delete_record;
	c.rec_id = rec_id;
	if (!delete_record) {
		GBytes *data = db->kind->from_item (item, error);

		if (data == NULL)
			return FALSE;
		g_ptr_array_add (db->change_data, data);
		c.data = data;
		c.category = category_index (db, item, TRUE);
		if (rec_id == 0)
			map_item = item->id;
		else
			snap_set (db, rec_id, rec_hash (c.category, data));
	} else {
		snap_set (db, rec_id, NULL);
	}
	g_ptr_array_add (db->change_hashes, rec_id == 0 && !delete_record ? rec_hash (c.category, c.data) : NULL);
	g_array_append_val (db->changes, c);
	g_array_append_val (db->change_items, map_item);
	(void) s;
	return TRUE;
}

typedef struct {
	const Rec *rec;            /* the handheld's record, or NULL */
	PststoreItem *item;        /* the desktop's item, or NULL */
	guint32 rec_id;            /* known pairing, or the record's id */
	guint actions;
} Decision;

static gboolean
apply_store_on_desktop (ConduitSync *s, Db *db, Decision *d, GError **error)
{
	gboolean keep_both = (d->actions & HOTSYNC_ACTION_ADD_TO_HANDHELD) != 0;
	gboolean archive = (d->actions & HOTSYNC_ACTION_ARCHIVE_ON_DESKTOP) != 0;
	const PststoreItem *base = keep_both ? NULL : d->item;
	PststoreItem *item = item_from_rec (s, db, d->rec, base, error);
	g_autofree char *title = NULL;

	if (item == NULL)
		return FALSE;
	title = conduit_item_title (item);
	if (archive) {
		add_op (s, OP_SAVE, item, 0, 0);
		((Op *) g_ptr_array_index (s->ops, s->ops->len - 1))->archive = TRUE;
		s->stats.pc_archived++;
		log_line (s, "desktop: archived %s \"%s\"", db->kind->label, title);
		return TRUE;
	}
	add_op (s, OP_SAVE, item, 0, d->rec->id);
	if (base != NULL) {
		s->stats.pc_changed++;
		log_line (s, "desktop: changed %s \"%s\"", db->kind->label, title);
	} else {
		s->stats.pc_added++;
		log_line (s, "desktop: added %s \"%s\"", db->kind->label, title);
	}
	if (keep_both) {
		s->stats.conflicts++;
		log_line (s, "conflict: %s \"%s\" changed on both sides; kept both", db->kind->label, title);
	}
	return TRUE;
}

static gboolean
apply_decision (ConduitSync *s, Db *db, Decision *d, GError **error)
{
	g_autofree char *title = d->item != NULL ? conduit_item_title (d->item) : NULL;

	if ((d->actions & (HOTSYNC_ACTION_STORE_ON_DESKTOP | HOTSYNC_ACTION_ARCHIVE_ON_DESKTOP)) &&
	    d->rec != NULL && !apply_store_on_desktop (s, db, d, error))
		return FALSE;
	if ((d->actions & HOTSYNC_ACTION_ARCHIVE_ON_DESKTOP) && d->item != NULL)
		add_op (s, OP_DELETE, NULL, d->item->id, 0);
	if (d->actions & HOTSYNC_ACTION_ADD_TO_HANDHELD) {
		if (!add_change (s, db, d->item, 0, FALSE, error))
			return FALSE;
		s->stats.hh_added++;
		log_line (s, "handheld: added %s \"%s\"", db->kind->label, title);
	}
	if (d->actions & HOTSYNC_ACTION_WRITE_TO_HANDHELD) {
		if (!add_change (s, db, d->item, d->rec_id, FALSE, error))
			return FALSE;
		s->stats.hh_changed++;
		log_line (s, "handheld: changed %s \"%s\"", db->kind->label, title);
	}
	if (d->actions & HOTSYNC_ACTION_DELETE_ON_HANDHELD) {
		if (!add_change (s, db, NULL, d->rec_id, TRUE, error))
			return FALSE;
		s->stats.hh_deleted++;
		log_line (s, "handheld: deleted %s %s", db->kind->label, title != NULL ? title : "");
	}
	if ((d->actions & HOTSYNC_ACTION_DELETE_ON_DESKTOP) && d->item != NULL) {
		add_op (s, OP_DELETE, NULL, d->item->id, 0);
		s->stats.pc_deleted++;
		log_line (s, "desktop: deleted %s \"%s\"", db->kind->label, title);
	}
	return TRUE;
}

/* What the desktop knows, gathered once per database. */
typedef struct {
	GHashTable *changed;      /* item id → TRUE: changed since the anchor */
	GHashTable *tombstones;   /* record id (guint32) → TRUE */
	GHashTable *handled;      /* item id → TRUE */
	GPtrArray *items;         /* PststoreItem: slow sync, every item of the folder */
	GPtrArray *changes;       /* PststoreChange */
} DesktopView;

static void
desktop_view_clear (DesktopView *v)
{
	g_clear_pointer (&v->changed, g_hash_table_unref);
	g_clear_pointer (&v->tombstones, g_hash_table_unref);
	g_clear_pointer (&v->handled, g_hash_table_unref);
	g_clear_pointer (&v->items, g_ptr_array_unref);
	g_clear_pointer (&v->changes, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DesktopView, desktop_view_clear)

static gboolean
parse_rec_key (const char *key, guint32 *out_id)
{
	guint64 v;

	if (key == NULL || !g_str_has_prefix (key, "0x") ||
	    !g_ascii_string_to_unsigned (key + 2, 16, 1, G_MAXUINT32, &v, NULL))
		return FALSE;
	*out_id = (guint32) v;
	return TRUE;
}

static gboolean
desktop_view_load (ConduitSync *s, Db *db, DesktopView *v, GError **error)
{
	v->changed = g_hash_table_new (g_int64_hash, g_int64_equal);
	v->tombstones = g_hash_table_new (NULL, NULL);
	v->handled = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	v->changes = pststore_changes_since (s->store, s->partner, db->folder_id, error);
	if (v->changes == NULL)
		return FALSE;
	for (guint i = 0; i < v->changes->len; i++) {
		PststoreChange *c = g_ptr_array_index (v->changes, i);
		guint32 id;

		if (!c->deleted)
			g_hash_table_add (v->changed, &c->item_id);
		else if (parse_rec_key (c->record_id, &id))
			g_hash_table_add (v->tombstones, GUINT_TO_POINTER (id));
	}
	v->items = pststore_item_list (s->store, db->folder_id, error);
	return v->items != NULL;
}

static void
mark_handled (DesktopView *v, gint64 item_id)
{
	gint64 *k = g_new (gint64, 1);

	*k = item_id;
	g_hash_table_add (v->handled, k);
}

/* The record's bytes and category as the desktop's item would write them. */
static gboolean
same_as_item (Db *db, const Rec *r, const PststoreItem *item)
{
	g_autoptr (GBytes) data = item != NULL ? db->kind->from_item (item, NULL) : NULL;

	return data != NULL && g_bytes_equal (data, r->data) && category_index (db, item, FALSE) == r->category;
}

/* Slow sync after an unfinished one: a record equal to an unpaired item is
 * the same record (written to the handheld before the hang-up). */
static PststoreItem *
find_twin (ConduitSync *s, Db *db, DesktopView *v, const Rec *r)
{
	for (guint i = 0; i < v->items->len; i++) {
		PststoreItem *item = g_ptr_array_index (v->items, i);
		g_autofree char *rid = NULL;

		if (g_hash_table_contains (v->handled, &item->id) || !same_as_item (db, r, item))
			continue;
		rid = pststore_partner_lookup_record (s->store, s->partner, item->id, NULL);
		if (rid == NULL)
			return item;
	}
	return NULL;
}

static PststoreItem *
view_item (DesktopView *v, gint64 id)
{
	for (guint i = 0; i < v->items->len; i++) {
		PststoreItem *item = g_ptr_array_index (v->items, i);

		if (item->id == id)
			return item;
	}
	return NULL;
}

/* A record that does not decode is left alone on both sides (and its
 * desktop item kept): one bad record must not stop every later sync. */
static gboolean
readable (Db *db, const Rec *r, const char *key, ConduitSync *s)
{
	g_autoptr (PststoreItem) scratch = pststore_item_new (db->kind->message_class);
	g_autoptr (GError) error = NULL;

	if (db->kind->to_item (g_bytes_get_data (r->data, NULL), g_bytes_get_size (r->data), scratch, &error))
		return TRUE;
	log_line (s, "skipped: %s record %s does not decode (%s)", db->kind->label, key, error->message);
	return FALSE;
}

static gboolean
decide_record (ConduitSync *s, Db *db, DesktopView *v, const Rec *r, GError **error)
{
	g_autofree char *key = rec_key (r->id);
	gint64 item_id = pststore_partner_lookup_item (s->store, s->partner, key, NULL);
	PststoreItem *item = item_id != 0 ? view_item (v, item_id) : NULL;
	HotsyncReconcileInput in = { 0 };
	Decision d = { r, item, r->id, 0 };
	g_autoptr (GBytes) last = NULL;
	gsize last_len = 0;
	const guint8 *last_data = NULL;
	g_autofree char *hash = rec_hash (r->category, r->data);

	if (!(r->attr & HOTSYNC_RECORD_ATTR_DELETED) && !readable (db, r, key, s)) {
		if (item != NULL)
			mark_handled (v, item->id);
		return TRUE;
	}
	if (item == NULL && !s->fast && !(r->attr & HOTSYNC_RECORD_ATTR_DELETED) &&
	    (item = find_twin (s, db, v, r)) != NULL) {
		add_op (s, OP_MAP, NULL, item->id, r->id);
		mark_handled (v, item->id);
		snap_set (db, r->id, rec_hash (r->category, r->data));
		return TRUE;
	}
	if (item != NULL) {
		in.desktop = g_hash_table_contains (v->changed, &item->id) ? HOTSYNC_SIDE_CHANGED : HOTSYNC_SIDE_UNCHANGED;
		mark_handled (v, item->id);
	} else {
		in.desktop = g_hash_table_contains (v->tombstones, GUINT_TO_POINTER (r->id)) ?
		             HOTSYNC_SIDE_DELETED : HOTSYNC_SIDE_ABSENT;
	}
	in.known = item != NULL || in.desktop == HOTSYNC_SIDE_DELETED;
	/* The last-sync copy: an unchanged item is what was synced last. */
	if (item != NULL && in.desktop == HOTSYNC_SIDE_UNCHANGED) {
		last = db->kind->from_item (item, NULL);
		if (last != NULL)
			last_data = g_bytes_get_data (last, &last_len);
	}
	in.handheld = hotsync_reconcile_classify (r->attr, s->fast, r->category,
	                                          g_bytes_get_data (r->data, NULL), g_bytes_get_size (r->data),
	                                          item != NULL ? category_index (db, item, FALSE) : 0,
	                                          last_data, last_len);
	if (!s->fast && in.known && in.handheld == HOTSYNC_SIDE_CHANGED) {
		/* Slow sync: the hash of the last synced copy decides (also for
		 * a pair whose desktop item left a tombstone: an unchanged record
		 * is deleted, not restored). */
		g_autofree char *was = g_key_file_get_string (s->snapshot, db->kind->db_name, key, NULL);

		if (was != NULL && g_strcmp0 (was, hash) == 0)
			in.handheld = HOTSYNC_SIDE_UNCHANGED;
	}
	if (in.handheld == HOTSYNC_SIDE_CHANGED && in.desktop == HOTSYNC_SIDE_CHANGED)
		in.same_content = same_as_item (db, r, item);
	d.actions = hotsync_reconcile (&in);
	/* Deleted and archived records leave with CleanUpDatabase. */
	snap_set (db, r->id, (r->attr & HOTSYNC_RECORD_ATTR_DELETED) ? NULL : g_steal_pointer (&hash));
	return apply_decision (s, db, &d, error);
}

static gboolean
decide_item (ConduitSync *s, Db *db, DesktopView *v, PststoreItem *item, GError **error)
{
	g_autofree char *key = pststore_partner_lookup_record (s->store, s->partner, item->id, NULL);
	HotsyncReconcileInput in = { 0 };
	Decision d = { NULL, item, 0, 0 };

	in.known = parse_rec_key (key, &d.rec_id);
	in.desktop = g_hash_table_contains (v->changed, &item->id) ? HOTSYNC_SIDE_CHANGED : HOTSYNC_SIDE_UNCHANGED;
	/* Not read: on a fast sync a paired record is unchanged; on a slow
	 * sync every record was read, so it is gone. */
	in.handheld = s->fast && in.known ? HOTSYNC_SIDE_UNCHANGED : HOTSYNC_SIDE_ABSENT;
	d.actions = hotsync_reconcile (&in);
	return apply_decision (s, db, &d, error);
}

gboolean
conduit_sync_changes (ConduitSync *s, guint db_index, GArray **out_changes, GBytes **out_app_info, GError **error)
{
	Db *db = &s->dbs[db_index];
	g_auto (DesktopView) v = { 0 };
	g_autoptr (GHashTable) read = g_hash_table_new (NULL, NULL);

	if (!desktop_view_load (s, db, &v, error))
		return FALSE;
	for (guint i = 0; i < db->recs->len; i++) {
		Rec *r = g_ptr_array_index (db->recs, i);

		g_hash_table_add (read, GUINT_TO_POINTER (r->id));
		if (!decide_record (s, db, &v, r, error))
			return FALSE;
	}
	for (guint i = 0; i < v.items->len; i++) {
		PststoreItem *item = g_ptr_array_index (v.items, i);

		if (g_hash_table_contains (v.handled, &item->id))
			continue;
		/* Fast sync: only what changed on the desktop needs a decision. */
		if (s->fast && !g_hash_table_contains (v.changed, &item->id))
			continue;
		if (!decide_item (s, db, &v, item, error))
			return FALSE;
	}
	/* Tombstones of paired records the handheld did not report. */
	if (s->fast) {
		GHashTableIter it;
		gpointer key;

		g_hash_table_iter_init (&it, v.tombstones);
		while (g_hash_table_iter_next (&it, &key, NULL)) {
			Decision d = { NULL, NULL, GPOINTER_TO_UINT (key), 0 };
			HotsyncReconcileInput in = { HOTSYNC_SIDE_UNCHANGED, HOTSYNC_SIDE_DELETED, TRUE, FALSE };

			if (g_hash_table_contains (read, key))
				continue;
			d.actions = hotsync_reconcile (&in);
			if (!apply_decision (s, db, &d, error))
				return FALSE;
		}
	}
	*out_app_info = NULL;
	if (db->cats_changed) {
		*out_app_info = db->kind->app_info_with (db->app_info, &db->cats, error);
		if (*out_app_info == NULL)
			return FALSE;
	}
	*out_changes = g_array_ref (db->changes);
	return TRUE;
}

void
conduit_sync_written (ConduitSync *s, guint db_index, guint change, guint32 rec_id)
{
	Db *db = &s->dbs[db_index];

	g_return_if_fail (change < db->change_items->len);
	if (db->change_hashes->pdata[change] != NULL)
		snap_set (db, rec_id, g_strdup (db->change_hashes->pdata[change]));
	if (g_array_index (db->change_items, gint64, change) != 0)
		add_op (s, OP_MAP, NULL, g_array_index (db->change_items, gint64, change), rec_id);
}

char *
conduit_sync_summary (ConduitSync *s)
{
	const ConduitSyncStats *st = &s->stats;

	return g_strdup_printf ("Airdock %s sync: handheld +%u ~%u -%u, desktop +%u ~%u -%u, archived %u, conflicts %u\n",
	                        st->fast ? "fast" : "slow", st->hh_added, st->hh_changed, st->hh_deleted,
	                        st->pc_added, st->pc_changed, st->pc_deleted, st->pc_archived, st->conflicts);
}

static gint64
archive_folder (ConduitSync *s, gint64 parent, GError **error)
{
	gint64 id = pststore_folder_find_child (s->store, parent, "Archive", error);
	g_autoptr (PststoreFolder) f = NULL;

	if (id != 0)
		return id;
	f = pststore_folder_get (s->store, parent, error);
	if (f == NULL)
		return 0;
	return pststore_folder_create (s->store, parent, "Archive", f->container_class, NULL, error);
}

static gboolean
apply_op (ConduitSync *s, Op *op, GError **error)
{
	g_autofree char *key = op->rec_id != 0 ? rec_key (op->rec_id) : NULL;

	switch (op->type) {
	case OP_SAVE:
		if (op->archive) {
			op->item->folder_id = archive_folder (s, op->item->folder_id, error);
			if (op->item->folder_id == 0)
				return FALSE;
			op->item->id = 0;
			g_clear_pointer (&op->item->source_id, g_free);
		}
		if (!pststore_item_save (s->store, op->item, s->partner, error))
			return FALSE;
		return key == NULL || pststore_partner_map (s->store, s->partner, key, op->item->id, error);
	case OP_DELETE:
		return pststore_item_delete (s->store, op->item_id, s->partner, error);
	case OP_MAP:
		return pststore_partner_map (s->store, s->partner, key, op->item_id, error);
	default:
		g_assert_not_reached ();
	}
}

static gboolean
commit (ConduitSync *s, GError **error)
{
	if (!pststore_begin (s->store, error))
		return FALSE;
	for (guint i = 0; i < s->ops->len; i++) {
		if (!apply_op (s, g_ptr_array_index (s->ops, i), error)) {
			pststore_rollback (s->store);
			return FALSE;
		}
	}
	if (!pststore_partner_set_anchor (s->store, s->partner, s->upto, error) ||
	    !pststore_commit (s->store, error)) {
		pststore_rollback (s->store);
		return FALSE;
	}
	return pststore_purge_tombstones (s->store, NULL, error);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Keeps the CONDUIT_SYNC_LOGS_KEPT most recent logs (names sort by time). */
static void
prune_logs (ConduitSync *s)
{
	g_autoptr (GDir) dir = g_dir_open (s->device_dir, 0, NULL);
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	const char *name;

	if (dir == NULL)
		return;
	while ((name = g_dir_read_name (dir)) != NULL)
		if (g_str_has_suffix (name, ".log"))
			g_ptr_array_add (names, g_strdup (name));
	g_ptr_array_sort (names, compare_names);
	for (guint i = 0; i + CONDUIT_SYNC_LOGS_KEPT < names->len; i++) {
		g_autofree char *path = g_build_filename (s->device_dir, names->pdata[i], NULL);

		(void) g_unlink (path);
	}
}

static gboolean
write_log (ConduitSync *s, GError **error)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
	g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");
	g_autoptr (GString) text = g_string_new (NULL);
	g_autofree char *summary = conduit_sync_summary (s);

	for (guint i = 0; i < 1000; i++) {
		g_autofree char *name = g_strdup_printf ("%s-%06d-%03u.log", stamp,
		                                         g_date_time_get_microsecond (now), i);

		g_free (s->log_path);
		s->log_path = g_build_filename (s->device_dir, name, NULL);
		if (!g_file_test (s->log_path, G_FILE_TEST_EXISTS))
			break;
	}
	for (guint i = 0; i < s->log->len; i++)
		g_string_append_printf (text, "%s\n", (const char *) s->log->pdata[i]);
	g_string_append (text, summary);
	if (!g_file_set_contents (s->log_path, text->str, (gssize) text->len, error))
		return FALSE;
	prune_logs (s);
	return TRUE;
}

static gboolean
save_snapshot (ConduitSync *s, GError **error)
{
	for (guint i = 0; i < G_N_ELEMENTS (s->dbs); i++) {
		Db *db = &s->dbs[i];
		GHashTableIter it;
		gpointer key, value;

		g_hash_table_iter_init (&it, db->snap);
		while (g_hash_table_iter_next (&it, &key, &value)) {
			if (value != NULL)
				g_key_file_set_string (s->snapshot, db->kind->db_name, key, value);
			else
				(void) g_key_file_remove_key (s->snapshot, db->kind->db_name, key, NULL);
		}
	}
	return g_key_file_save_to_file (s->snapshot, s->snapshot_path, error);
}

gboolean
conduit_sync_finish (ConduitSync *s, gboolean ok, const char *failure, GError **error)
{
	if (s->partner == NULL)
		return TRUE;   /* ended before the handheld said who it is */
	if (ok && !commit (s, error)) {
		log_line (s, "FAILED: the store refused the changes");
		(void) write_log (s, NULL);
		return FALSE;
	}
	if (!ok)
		log_line (s, "FAILED: %s; nothing was stored, the next sync is a slow sync",
		          failure != NULL ? failure : "the sync did not finish");
	else if (save_snapshot (s, error))
		(void) g_unlink (s->marker);
	return write_log (s, error);
}

guint32
conduit_desktop_id_load (const char *path, GError **error)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (GError) local = NULL;
	guint64 id = 0;
	g_autofree char *text = NULL;

	if (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL)) {
		text = g_key_file_get_string (kf, "conduit", "desktop-id", NULL);
		if (text != NULL && g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &id, NULL))
			return (guint32) id;
	}
	id = g_random_int_range (1, G_MAXINT32);
	g_key_file_set_uint64 (kf, "conduit", "desktop-id", id);
	if (!g_key_file_save_to_file (kf, path, &local)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return 0;
	}
	return (guint32) id;
}
