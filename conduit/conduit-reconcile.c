/* The desktop store ⇄ server reconciler: see conduit-reconcile.h. */
#include "config.h"

#include <string.h>

#include "eas/eas-vcard.h"

#include "conduit/conduit-reconcile.h"
#include "conduit/conduit-records.h"

#define KEY_PREFIX "synckey\t"
#define UNMAPPED_PREFIX "unmapped\t"

/* [MS-ASCMD] 2.2.3.186.3 FolderHierarchy:Type of the default folders. */
#define FOLDER_TYPE_TASKS 7
#define FOLDER_TYPE_CALENDAR 8
#define FOLDER_TYPE_CONTACTS 9
#define FOLDER_TYPE_NOTES 10

typedef struct {
	ConduitEasClass cls;
	PststoreKind kind;
	const char *message_class;
	guint folder_type;
	gint64 folder_id;		/* the store's folder; 0: the store has none */
	char *collection_id;		/* the server's, NULL when unknown */
	char *sync_key;
} Collection;

typedef struct {
	PststoreStore *store;
	ConduitEas *eas;
	char *partner;
	const ConduitReconcileOptions *opts;
	ConduitReconcileStats *stats;
	Collection cols[4];
	GHashTable *local_changed;	/* item ids (gint64*) changed locally since the anchor */
	GHashTable *seen;		/* during a resync: records the server sent */
	GHashTable *resend;		/* item ids (gint64*) to send as new besides the changes */
} Run;

char *
conduit_reconcile_partner (const char *account_id)
{
	return g_strconcat ("eas:", account_id, NULL);
}

char *
conduit_reconcile_summary (const ConduitReconcileStats *s)
{
	return g_strdup_printf ("server +%u ~%u -%u desktop +%u ~%u -%u conflicts %u%s%s",
				s->server_added, s->server_changed, s->server_deleted, s->local_added,
				s->local_changed, s->local_deleted, s->conflicts,
				s->skipped > 0 ? " unreadable " : "", s->skipped > 0 ? "yes" : "");
}

static void
set_str (char **p, const char *value)
{
	g_free (*p);
	*p = g_strdup (value);
}

/* ---- SyncKeys in the partner map ----------------------------------------- */

static gboolean
key_load (Run *r, gint64 slot, char **out_collection, char **out_key, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autofree char *rec = pststore_partner_lookup_record (r->store, r->partner, slot, &local);
	g_auto (GStrv) parts = NULL;

	*out_collection = NULL;
	*out_key = NULL;
	if (local != NULL) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	if (rec == NULL || !g_str_has_prefix (rec, KEY_PREFIX))
		return TRUE;
	parts = g_strsplit (rec + strlen (KEY_PREFIX), "\t", 2);
	if (g_strv_length (parts) != 2 || parts[1][0] == '\0')
		return TRUE;
	*out_collection = parts[0][0] != '\0' ? g_strdup (parts[0]) : NULL;
	*out_key = g_strdup (parts[1]);
	return TRUE;
}

static gboolean
key_save (Run *r, gint64 slot, const char *collection, const char *key, GError **error)
{
	g_autofree char *rec = g_strdup_printf (KEY_PREFIX "%s\t%s", collection != NULL ? collection : "", key);

	return pststore_partner_map (r->store, r->partner, rec, slot, error);
}

/* ---- Items ⇄ EAS models ----------------------------------------------------- */

static char **
strv_from_list (const GPtrArray *list)
{
	char **v;

	if (list == NULL || list->len == 0)
		return NULL;
	v = g_new0 (char *, list->len + 1);
	for (guint i = 0; i < list->len; i++)
		v[i] = g_strdup (g_ptr_array_index (list, i));
	return v;
}

static GPtrArray *
list_from_strv (char **v)
{
	GPtrArray *list;

	if (v == NULL || v[0] == NULL)
		return NULL;
	list = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; v[i] != NULL; i++)
		g_ptr_array_add (list, g_strdup (v[i]));
	return list;
}

static void
note_to_item (const EasNote *n, PststoreItem *it)
{
	const char *body = n->body != NULL && n->body[0] != '\0' ? n->body : NULL;

	g_free (it->subject);
	it->subject = g_strdup (n->subject);
	g_free (it->body);
	/* A sticky note's text starts with its title (what a memo shows); a
	 * phone may keep them apart. */
	if (body == NULL)
		it->body = g_strdup (n->subject);
	else if (n->subject != NULL && n->subject[0] != '\0' && !g_str_has_prefix (body, n->subject))
		it->body = g_strconcat (n->subject, "\n", body, NULL);
	else
		it->body = g_strdup (body);
	g_strfreev (it->categories);
	it->categories = strv_from_list (n->categories);
	if (n->last_modified != 0)
		it->modified = n->last_modified;
}

static EasNote *
item_to_note (const PststoreItem *it)
{
	EasNote *n = eas_note_new ();

	n->subject = it->subject != NULL ? g_strdup (it->subject) : conduit_item_title (it);
	n->body = g_strdup (it->body != NULL ? it->body : "");
	n->body_type = 1;
	n->categories = list_from_strv (it->categories);
	n->message_class = g_strdup (EAS_NOTE_DEFAULT_MESSAGE_CLASS);
	if (it->modified != PSTSTORE_TIME_UNSET && it->modified > 0)
		n->last_modified = it->modified;
	return n;
}

static gint64
time_or_unset (gint64 t)
{
	return t != 0 ? t : PSTSTORE_TIME_UNSET;
}

static gint64
time_or_zero (gint64 t)
{
	return t != PSTSTORE_TIME_UNSET ? t : 0;
}

static void
task_to_item (const EasTask *t, PststoreItem *it)
{
	gboolean complete = t->complete == 1;

	g_free (it->subject);
	it->subject = g_strdup (t->subject);
	g_free (it->body);
	it->body = t->body != NULL && t->body[0] != '\0' ? g_strdup (t->body) : NULL;
	if (t->importance >= 0)
		it->importance = t->importance;
	if (t->sensitivity >= 0)
		it->sensitivity = t->sensitivity;
	g_strfreev (it->categories);
	it->categories = strv_from_list (t->categories);
	/* StartDate/DueDate are local dates written as UTC midnight: the
	 * store's (and the handheld's) convention for task dates. */
	it->task_start = time_or_unset (t->start_date != 0 ? t->start_date : t->utc_start_date);
	it->task_due = time_or_unset (t->due_date != 0 ? t->due_date : t->utc_due_date);
	if (it->task_complete != complete) {
		it->task_complete = complete;
		it->task_status = complete ? PSTSTORE_TASK_COMPLETE : PSTSTORE_TASK_NOT_STARTED;
		it->task_percent = complete ? 1.0 : 0.0;
	}
	it->task_date_completed = complete ? time_or_unset (t->date_completed) : PSTSTORE_TIME_UNSET;
	it->reminder = t->reminder_set == 1 ? time_or_unset (t->reminder_time) : PSTSTORE_TIME_UNSET;
}

static EasTask *
item_to_task (const PststoreItem *it)
{
	EasTask *t = eas_task_new ();

	t->subject = g_strdup (it->subject != NULL ? it->subject : "");
	t->body = g_strdup (it->body);
	t->body_type = 1;
	t->importance = it->importance;
	t->sensitivity = it->sensitivity;
	t->start_date = t->utc_start_date = time_or_zero (it->task_start);
	t->due_date = t->utc_due_date = time_or_zero (it->task_due);
	t->complete = it->task_complete ? 1 : 0;
	if (it->task_complete) {
		/* [MS-ASTASK] 2.2.2.9: DateCompleted is required with Complete 1. */
		t->date_completed = it->task_date_completed != PSTSTORE_TIME_UNSET ? it->task_date_completed
				    : it->modified != PSTSTORE_TIME_UNSET ? it->modified
				    : g_get_real_time () / G_USEC_PER_SEC;
	}
	t->reminder_set = it->reminder != PSTSTORE_TIME_UNSET ? 1 : 0;
	t->reminder_time = time_or_zero (it->reminder);
	t->categories = list_from_strv (it->categories);
	return t;
}

/* ---- Contacts and appointments: the store keeps vCard / iCalendar text --- */

static void
contact_to_item (const EasContact *c, PststoreItem *it)
{
	g_autoptr (EasVCard) card = eas_contact_to_vcard (c);
	const char *first = c->fields[EAS_CONTACT_FIRST_NAME], *last = c->fields[EAS_CONTACT_LAST_NAME];

	g_free (it->data);
	it->data = eas_vcard_to_string (card);
	g_free (it->subject);
	if (c->fields[EAS_CONTACT_FILE_AS] != NULL)
		it->subject = g_strdup (c->fields[EAS_CONTACT_FILE_AS]);
	else
		it->subject = g_strstrip (g_strdup_printf ("%s %s", first != NULL ? first : "", last != NULL ? last : ""));
	g_free (it->body);
	it->body = g_strdup (c->body);
	g_strfreev (it->categories);
	it->categories = strv_from_list (c->categories);
}

static EasContact *
item_to_contact (const PststoreItem *it)
{
	g_autoptr (EasVCard) card = NULL;
	EasContact *c = NULL;

	if (it->data != NULL)
		card = eas_vcard_parse (it->data, strlen (it->data), NULL, NULL);
	if (card != NULL)
		c = eas_contact_from_vcard (card);
	if (c == NULL) {
		c = eas_contact_new ();
		c->fields[EAS_CONTACT_FILE_AS] = g_strdup (it->subject != NULL ? it->subject : "");
	}
	if (it->body != NULL) {
		g_free (c->body);
		c->body = g_strdup (it->body);
		c->body_type = 1;
	}
	return c;
}

static gboolean
event_to_item (const EasEvent *e, PststoreItem *it, GError **error)
{
	icalcomponent *comp = eas_event_to_ical (e, error);

	if (comp == NULL)
		return FALSE;
	g_free (it->data);
	it->data = icalcomponent_as_ical_string_r (comp);
	icalcomponent_free (comp);
	g_free (it->subject);
	it->subject = g_strdup (e->subject);
	g_free (it->body);
	it->body = g_strdup (e->body);
	if (e->sensitivity >= 0)
		it->sensitivity = e->sensitivity;
	g_strfreev (it->categories);
	it->categories = strv_from_list (e->categories);
	return TRUE;
}

/* NULL when the item holds no usable iCalendar (an event needs its times). */
static EasEvent *
item_to_event (const PststoreItem *it)
{
	icalcomponent *comp = it->data != NULL ? icalcomponent_new_from_string (it->data) : NULL;
	EasEvent *e;

	if (comp == NULL)
		return NULL;
	e = eas_event_from_ical (comp, NULL);
	icalcomponent_free (comp);
	if (e == NULL)
		return NULL;
	/* The store's own fields are what the user edits. */
	if (it->subject != NULL) {
		g_free (e->subject);
		e->subject = g_strdup (it->subject);
	}
	return e;
}

static gboolean
apply_in (const Collection *col, const ConduitEasIn *in, PststoreItem *it, GError **error)
{
	switch (col->cls) {
	case CONDUIT_EAS_NOTES:
		note_to_item (in->note, it);
		return TRUE;
	case CONDUIT_EAS_TASKS:
		task_to_item (in->task, it);
		return TRUE;
	case CONDUIT_EAS_CONTACTS:
		contact_to_item (in->contact, it);
		return TRUE;
	default:
		return event_to_item (in->event, it, error);
	}
}

/* ---- Applying the server's answers --------------------------------------- */

static char *
record_of (const Collection *col, const char *server_id)
{
	return g_strconcat (col->collection_id, "/", server_id, NULL);
}

/* The ServerId part of a record of this collection, or NULL. */
static const char *
server_id_of (const Collection *col, const char *record)
{
	gsize n = strlen (col->collection_id);

	if (record == NULL || strncmp (record, col->collection_id, n) != 0 || record[n] != '/')
		return NULL;
	return record + n + 1;
}

static gboolean
unmap (Run *r, gint64 item_id, GError **error)
{
	g_autofree char *rec = g_strdup_printf (UNMAPPED_PREFIX "%" G_GINT64_FORMAT, item_id);

	return pststore_partner_map (r->store, r->partner, rec, item_id, error);
}

static gboolean
apply_new (Run *r, Collection *col, const ConduitEasIn *in, const char *rec, GError **error)
{
	g_autoptr (PststoreItem) it = pststore_item_new (col->message_class);

	it->folder_id = col->folder_id;
	if (!apply_in (col, in, it, error))
		return FALSE;
	if (!pststore_item_save (r->store, it, r->partner, error) ||
	    !pststore_partner_map (r->store, r->partner, rec, it->id, error))
		return FALSE;
	r->stats->local_added++;
	return TRUE;
}

static gboolean
apply_change (Run *r, Collection *col, const ConduitEasIn *in, PststoreItem *existing, GError **error)
{
	g_autoptr (PststoreItem) server = pststore_item_copy (existing);
	gint64 id = existing->id;

	if (!apply_in (col, in, server, error))
		return FALSE;
	if (pststore_item_equal (server, existing))
		return TRUE;
	if (g_hash_table_contains (r->local_changed, &id) && !r->opts->server_wins) {
		/* Changed on both sides: keep both. */
		g_autoptr (PststoreItem) copy = pststore_item_copy (existing);

		copy->id = 0;
		g_clear_pointer (&copy->source_id, g_free);
		if (!pststore_item_save (r->store, copy, NULL, error))
			return FALSE;
		r->stats->conflicts++;
	}
	g_hash_table_remove (r->local_changed, &id);
	if (!pststore_item_save (r->store, server, r->partner, error))
		return FALSE;
	r->stats->local_changed++;
	return TRUE;
}

static gboolean
apply_delete (Run *r, gint64 item_id, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (PststoreItem) it = pststore_item_get (r->store, item_id, &local);

	if (it == NULL && !g_error_matches (local, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	if (it == NULL)
		return TRUE;	/* gone here too */
	if (g_hash_table_contains (r->local_changed, &item_id) && !r->opts->server_wins) {
		/* Deleted there, changed here: the change survives and goes
		 * back as a new item. */
		r->stats->conflicts++;
		return unmap (r, item_id, error);
	}
	if (!pststore_item_delete (r->store, item_id, r->partner, error))
		return FALSE;
	r->stats->local_deleted++;
	return TRUE;
}

static gboolean
apply_command (Run *r, Collection *col, const ConduitEasIn *in, GError **error)
{
	g_autofree char *rec = record_of (col, in->server_id);
	g_autoptr (PststoreItem) existing = NULL;
	g_autoptr (GError) local = NULL;
	gint64 item_id = pststore_partner_lookup_item (r->store, r->partner, rec, error);

	if (item_id == 0 && error != NULL && *error != NULL)
		return FALSE;
	if (r->seen != NULL)
		g_hash_table_add (r->seen, g_strdup (rec));
	if (in->type == EAS_SYNC_CMD_DELETE || in->type == EAS_SYNC_CMD_SOFT_DELETE)
		return item_id == 0 || apply_delete (r, item_id, error);
	if (in->error != NULL) {
		g_message ("%s: %s item %s skipped: %s", r->partner, conduit_eas_class_name (col->cls),
			   in->server_id, in->error);
		r->stats->skipped++;
		return TRUE;
	}
	if (item_id != 0)
		existing = pststore_item_get (r->store, item_id, NULL);
	/* Unknown here, or deleted here but changed there: the server's copy. */
	if (existing == NULL ? apply_new (r, col, in, rec, &local) : apply_change (r, col, in, existing, &local))
		return TRUE;
	/* An item the models or the store refuse is skipped, not fatal: it
	 * would otherwise stop every later run at the same place. */
	if (!g_error_matches (local, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED) &&
	    !g_error_matches (local, EAS_PIM_ERROR, EAS_PIM_ERROR_RECURRENCE) &&
	    !g_error_matches (local, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	g_message ("%s: %s item %s skipped: %s", r->partner, conduit_eas_class_name (col->cls), in->server_id,
		   local->message);
	r->stats->skipped++;
	return TRUE;
}

static gboolean
apply_reply (Run *r, Collection *col, const ConduitEasReply *reply, GError **error)
{
	guint64 item_id;

	if (reply->type == EAS_SYNC_CMD_ADD) {
		g_autofree char *rec = NULL;

		if (reply->status != EAS_SYNC_STATUS_OK) {
			g_message ("%s: the server refused a new %s item (status %u)", r->partner,
				   conduit_eas_class_name (col->cls), reply->status);
			return TRUE;
		}
		if (!g_ascii_string_to_unsigned (reply->client_id, 10, 1, G_MAXINT64, &item_id, NULL))
			return TRUE;	/* not one of ours */
		rec = record_of (col, reply->server_id);
		r->stats->server_added++;
		return pststore_partner_map (r->store, r->partner, rec, (gint64) item_id, error);
	}
	if (reply->status == EAS_SYNC_STATUS_OK)
		return TRUE;
	if (reply->type == EAS_SYNC_CMD_CHANGE && reply->status == EAS_SYNC_STATUS_NOT_FOUND &&
	    reply->server_id != NULL) {
		/* Gone on the server: our item goes back as new. */
		g_autofree char *rec = record_of (col, reply->server_id);
		gint64 id = pststore_partner_lookup_item (r->store, r->partner, rec, error);

		return id == 0 || unmap (r, id, error);
	}
	if (reply->type == EAS_SYNC_CMD_CHANGE)
		g_message ("%s: the server refused a %s change (status %u)", r->partner,
			   conduit_eas_class_name (col->cls), reply->status);
	return TRUE;	/* a Delete of an item the server no longer has */
}

/* One answer, in one transaction with its SyncKey. */
static gboolean
apply_response (Run *r, Collection *col, const ConduitEasSyncResponse *resp, GError **error)
{
	if (!pststore_begin (r->store, error))
		return FALSE;
	/* Replies first: a server command about an item we just added must
	 * find it mapped. */
	for (guint i = 0; i < resp->replies->len; i++) {
		if (!apply_reply (r, col, g_ptr_array_index (resp->replies, i), error))
			goto fail;
	}
	for (guint i = 0; i < resp->commands->len; i++) {
		if (!apply_command (r, col, g_ptr_array_index (resp->commands, i), error))
			goto fail;
	}
	if (resp->sync_key != NULL) {
		g_free (col->sync_key);
		col->sync_key = g_strdup (resp->sync_key);
		if (!key_save (r, -col->folder_id, col->collection_id, col->sync_key, error))
			goto fail;
	}
	if (!pststore_commit (r->store, error))
		goto fail;
	return TRUE;
fail:
	pststore_rollback (r->store);
	return FALSE;
}

/* ---- Pull and push ---------------------------------------------------------- */

static void
progress (Run *r, Collection *col, guint done, guint total)
{
	if (r->opts->progress != NULL)
		r->opts->progress (conduit_eas_class_name (col->cls), done, total, r->opts->user_data);
}

static ConduitEasSyncResponse *
round_trip (Run *r, Collection *col, gboolean get_changes, GPtrArray *commands, GError **error)
{
	ConduitEasSyncRequest req = { 0 };

	req.cls = col->cls;
	req.collection_id = col->collection_id;
	req.sync_key = col->sync_key;
	req.get_changes = get_changes;
	req.window_size = r->opts->window_size;
	req.server_wins = r->opts->server_wins;
	req.commands = commands;
	r->stats->round_trips++;
	return conduit_eas_sync (r->eas, &req, error);
}

static gboolean
pull (Run *r, Collection *col, GError **error)
{
	guint done = 0;
	gboolean more = TRUE;

	/* [MS-ASCMD] 3.1.5.3: key "0" first gets a key, then the items. */
	if (strcmp (col->sync_key, "0") == 0) {
		g_autoptr (ConduitEasSyncResponse) resp = round_trip (r, col, FALSE, NULL, error);

		if (resp == NULL || !apply_response (r, col, resp, error))
			return FALSE;
	}
	while (more) {
		g_autoptr (ConduitEasSyncResponse) resp = round_trip (r, col, TRUE, NULL, error);

		if (resp == NULL || !apply_response (r, col, resp, error))
			return FALSE;
		done += resp->commands->len;
		progress (r, col, done, 0);
		/* An empty answer has no key: nothing more. */
		more = resp->more_available && resp->sync_key != NULL;
	}
	return TRUE;
}

static ConduitEasOut *
out_for (Run *r, Collection *col, const PststoreChange *c, GError **error)
{
	const char *sid = server_id_of (col, c->record_id);
	g_autoptr (PststoreItem) it = NULL;
	g_autofree char *client_id = NULL;
	ConduitEasOut *out;

	if (c->deleted)
		return sid != NULL ? conduit_eas_out_new (EAS_SYNC_CMD_DELETE, sid) : NULL;
	it = pststore_item_get (r->store, c->item_id, error);
	if (it == NULL)
		return NULL;
	client_id = g_strdup_printf ("%" G_GINT64_FORMAT, c->item_id);
	out = conduit_eas_out_new (sid != NULL ? EAS_SYNC_CMD_CHANGE : EAS_SYNC_CMD_ADD, sid != NULL ? sid : client_id);
	switch (col->cls) {
	case CONDUIT_EAS_NOTES:
		out->note = item_to_note (it);
		break;
	case CONDUIT_EAS_TASKS:
		out->task = item_to_task (it);
		break;
	case CONDUIT_EAS_CONTACTS:
		out->contact = item_to_contact (it);
		break;
	default:
		out->event = item_to_event (it);
		if (out->event == NULL) {
			g_message ("%s: appointment %" G_GINT64_FORMAT " has no usable iCalendar data; not sent",
				   r->partner, c->item_id);
			conduit_eas_out_free (out);
			return NULL;
		}
	}
	return out;
}

/* The items a resync found missing on the server, unless already listed. */
static void
add_resends (Run *r, Collection *col, GPtrArray *changes)
{
	GHashTableIter iter;
	gpointer key;

	for (guint i = 0; i < changes->len; i++) {
		PststoreChange *c = g_ptr_array_index (changes, i);

		if (!c->deleted)
			g_hash_table_remove (r->resend, &c->item_id);
	}
	g_hash_table_iter_init (&iter, r->resend);
	while (g_hash_table_iter_next (&iter, &key, NULL)) {
		PststoreChange *c = g_new0 (PststoreChange, 1);

		c->item_id = *(gint64 *) key;
		c->folder_id = col->folder_id;
		g_ptr_array_add (changes, c);
	}
	g_hash_table_remove_all (r->resend);
}

static gboolean
push (Run *r, Collection *col, GError **error)
{
	g_autoptr (GPtrArray) changes = pststore_changes_since (r->store, r->partner, col->folder_id, error);
	guint window = r->opts->window_size != 0 ? r->opts->window_size : EAS_SYNC_WINDOW_DEFAULT;
	guint i = 0;

	if (changes == NULL)
		return FALSE;
	add_resends (r, col, changes);
	while (i < changes->len) {
		g_autoptr (GPtrArray) cmds = g_ptr_array_new_with_free_func ((GDestroyNotify) conduit_eas_out_free);
		g_autoptr (ConduitEasSyncResponse) resp = NULL;
		guint changed = 0, deleted = 0;

		for (; i < changes->len && cmds->len < window; i++) {
			g_autoptr (GError) local = NULL;
			ConduitEasOut *out = out_for (r, col, g_ptr_array_index (changes, i), &local);

			if (local != NULL && !g_error_matches (local, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND)) {
				g_propagate_error (error, g_steal_pointer (&local));
				return FALSE;
			}
			if (out == NULL)
				continue;
			changed += out->type == EAS_SYNC_CMD_CHANGE;
			deleted += out->type == EAS_SYNC_CMD_DELETE;
			g_ptr_array_add (cmds, out);
		}
		if (cmds->len == 0)
			break;
		resp = round_trip (r, col, TRUE, cmds, error);
		if (resp == NULL || !apply_response (r, col, resp, error))
			return FALSE;
		r->stats->server_changed += changed;
		r->stats->server_deleted += deleted;
		progress (r, col, i, changes->len);
	}
	return TRUE;
}

static gboolean
load_local_changes (Run *r, Collection *col, GError **error)
{
	g_autoptr (GPtrArray) changes = pststore_changes_since (r->store, r->partner, col->folder_id, error);

	if (changes == NULL)
		return FALSE;
	for (guint i = 0; i < changes->len; i++) {
		PststoreChange *c = g_ptr_array_index (changes, i);

		if (!c->deleted)
			g_hash_table_add (r->local_changed, g_memdup2 (&c->item_id, sizeof c->item_id));
	}
	return TRUE;
}

/* After a SyncKey reset: the items the server did not send back are
 * unmapped, so that the push sends them again as new.  Nothing local is
 * deleted. */
static gboolean
resync_unmap_missing (Run *r, Collection *col, GError **error)
{
	g_autoptr (GPtrArray) items = pststore_item_list (r->store, col->folder_id, error);

	if (items == NULL)
		return FALSE;
	for (guint i = 0; i < items->len; i++) {
		PststoreItem *it = g_ptr_array_index (items, i);
		g_autoptr (GError) local = NULL;
		g_autofree char *rec = pststore_partner_lookup_record (r->store, r->partner, it->id, &local);

		if (local != NULL) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		if (server_id_of (col, rec) != NULL && !g_hash_table_contains (r->seen, rec) &&
		    !unmap (r, it->id, error))
			return FALSE;
		/* Unchanged items the server still has need not go again. */
		if (server_id_of (col, rec) == NULL || !g_hash_table_contains (r->seen, rec))
			g_hash_table_add (r->resend, g_memdup2 (&it->id, sizeof it->id));
	}
	return TRUE;
}

static gboolean
sync_collection (Run *r, Collection *col, GError **error)
{
	g_autoptr (GError) local = NULL;

	g_hash_table_remove_all (r->local_changed);
	if (!load_local_changes (r, col, error))
		return FALSE;
	if (strcmp (col->sync_key, "0") != 0 && pull (r, col, &local))
		return push (r, col, error);
	if (local != NULL && !g_error_matches (local, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_SYNC_KEY)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	/* A first sync, or the server lost our key (Status 3): everything from
	 * "0", matched by ServerId. */
	if (local != NULL)
		r->stats->resync = TRUE;
	set_str (&col->sync_key, "0");
	r->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	if (!pull (r, col, error) || !resync_unmap_missing (r, col, error))
		return FALSE;
	g_clear_pointer (&r->seen, g_hash_table_unref);
	return push (r, col, error);
}

/* ---- Folders ----------------------------------------------------------------- */

static void
collection_set (Collection *col, const char *collection_id)
{
	g_free (col->collection_id);
	col->collection_id = g_strdup (collection_id);
	g_free (col->sync_key);
	col->sync_key = g_strdup ("0");
}

/* From "0" the answer lists every folder: ours is the one of our type
 * (kept when it is the one we knew).  From a key: our folder may be
 * deleted, and a missing one may be added. */
static void
hierarchy_apply (Run *r, const EasFolderSyncResponse *fs, gboolean full)
{
	for (guint c = 0; c < G_N_ELEMENTS (r->cols); c++) {
		Collection *col = &r->cols[c];
		const EasFolder *found = NULL;

		if (col->folder_id == 0)
			continue;
		for (guint i = 0; col->collection_id != NULL && i < fs->deletes->len; i++) {
			if (g_strcmp0 (g_ptr_array_index (fs->deletes, i), col->collection_id) == 0)
				g_clear_pointer (&col->collection_id, g_free);
		}
		for (guint i = 0; i < fs->adds->len && found == NULL; i++) {
			EasFolder *f = g_ptr_array_index (fs->adds, i);

			if (f->type == col->folder_type)
				found = f;
		}
		if (found != NULL && (full || col->collection_id == NULL) &&
		    g_strcmp0 (found->server_id, col->collection_id) != 0)
			collection_set (col, found->server_id);
		else if (found == NULL && full)
			g_clear_pointer (&col->collection_id, g_free);
	}
}

static gboolean
hierarchy (Run *r, GError **error)
{
	g_autofree char *unused = NULL;
	g_autofree char *key = NULL;
	g_autoptr (EasFolderSyncResponse) fs = NULL;
	g_autoptr (GError) local = NULL;

	if (!key_load (r, CONDUIT_RECONCILE_HIERARCHY_SLOT, &unused, &key, error))
		return FALSE;
	for (guint c = 0; c < G_N_ELEMENTS (r->cols); c++) {
		if (r->cols[c].folder_id != 0 && r->cols[c].collection_id == NULL)
			set_str (&key, "0");
	}
	if (key == NULL)
		key = g_strdup ("0");
	fs = conduit_eas_folder_sync (r->eas, key, &local);
	if (fs == NULL && g_error_matches (local, CONDUIT_EAS_ERROR, CONDUIT_EAS_ERROR_SYNC_KEY)) {
		g_clear_error (&local);
		set_str (&key, "0");
		fs = conduit_eas_folder_sync (r->eas, key, &local);
	}
	r->stats->round_trips++;
	if (fs == NULL) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	hierarchy_apply (r, fs, strcmp (key, "0") == 0);
	if (!pststore_begin (r->store, error))
		return FALSE;
	for (guint c = 0; c < G_N_ELEMENTS (r->cols); c++) {
		Collection *col = &r->cols[c];

		if (col->collection_id != NULL &&
		    !key_save (r, -col->folder_id, col->collection_id, col->sync_key, error))
			goto fail;
	}
	if (key_save (r, CONDUIT_RECONCILE_HIERARCHY_SLOT, NULL, fs->sync_key, error) &&
	    pststore_commit (r->store, error))
		return TRUE;
fail:
	pststore_rollback (r->store);
	return FALSE;
}

static gboolean
collections_load (Run *r, GError **error)
{
	static const struct {
		ConduitEasClass cls;
		PststoreKind kind;
		const char *message_class;
		guint type;
	} table[] = {
		{ CONDUIT_EAS_NOTES, PSTSTORE_KIND_NOTE, "IPM.StickyNote", FOLDER_TYPE_NOTES },
		{ CONDUIT_EAS_TASKS, PSTSTORE_KIND_TASK, "IPM.Task", FOLDER_TYPE_TASKS },
		{ CONDUIT_EAS_CONTACTS, PSTSTORE_KIND_CONTACT, "IPM.Contact", FOLDER_TYPE_CONTACTS },
		{ CONDUIT_EAS_CALENDAR, PSTSTORE_KIND_APPOINTMENT, "IPM.Appointment", FOLDER_TYPE_CALENDAR },
	};
	G_STATIC_ASSERT (G_N_ELEMENTS (table) == G_N_ELEMENTS (r->cols));

	for (guint c = 0; c < G_N_ELEMENTS (table); c++) {
		Collection *col = &r->cols[c];

		col->cls = table[c].cls;
		col->kind = table[c].kind;
		col->message_class = table[c].message_class;
		col->folder_type = table[c].type;
		g_autoptr (GError) local = NULL;

		col->folder_id = pststore_folder_default (r->store, col->kind, &local);
		/* Contacts and Calendar only when the store has the folder. */
		if (col->folder_id == 0 && g_error_matches (local, PSTSTORE_ERROR, PSTSTORE_ERROR_NOT_FOUND) &&
		    col->cls >= CONDUIT_EAS_CONTACTS)
			continue;
		if (col->folder_id == 0) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		if (!key_load (r, -col->folder_id, &col->collection_id, &col->sync_key, error))
			return FALSE;
		if (col->collection_id == NULL)
			g_clear_pointer (&col->sync_key, g_free);
	}
	return TRUE;
}

static void
run_clear (Run *r)
{
	for (guint c = 0; c < G_N_ELEMENTS (r->cols); c++) {
		g_free (r->cols[c].collection_id);
		g_free (r->cols[c].sync_key);
	}
	g_free (r->partner);
	g_clear_pointer (&r->local_changed, g_hash_table_unref);
	g_clear_pointer (&r->seen, g_hash_table_unref);
	g_clear_pointer (&r->resend, g_hash_table_unref);
}

gboolean
conduit_reconcile_run (PststoreStore *store, ConduitEas *eas, const char *account_id,
		       const ConduitReconcileOptions *options, ConduitReconcileStats *stats, GError **error)
{
	static const ConduitReconcileOptions defaults = { 0 };
	ConduitReconcileStats dummy = { 0 };
	Run r = { 0 };
	gint64 upto = 0;
	gboolean ok = FALSE;

	r.store = store;
	r.eas = eas;
	r.partner = conduit_reconcile_partner (account_id);
	r.opts = options != NULL ? options : &defaults;
	r.stats = stats != NULL ? stats : &dummy;
	r.local_changed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	r.resend = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	/* The counter is read before anything is fetched: a change made while
	 * the run goes on is sent next time. */
	if (!pststore_partner_ensure (store, r.partner, error) || !pststore_get_counter (store, &upto, error) ||
	    !collections_load (&r, error) || !hierarchy (&r, error))
		goto out;
	for (guint c = 0; c < G_N_ELEMENTS (r.cols); c++) {
		if (r.cols[c].collection_id == NULL)
			continue;	/* the server has no such folder */
		if (!sync_collection (&r, &r.cols[c], error))
			goto out;
	}
	ok = pststore_partner_set_anchor (store, r.partner, upto, error);
out:
	run_clear (&r);
	return ok;
}

gboolean
conduit_reconcile_account (const char *store_path, const char *config_dir, const char *account_id,
			   const ConduitReconcileOptions *options, ConduitReconcileStats *stats, GError **error)
{
	g_autoptr (ConduitAccount) account = conduit_account_get (config_dir, account_id, error);
	g_autoptr (ConduitEas) eas = NULL;
	g_autoptr (PststoreStore) store = NULL;

	if (account == NULL || !conduit_account_load_password (config_dir, account, error))
		return FALSE;
	eas = conduit_eas_new (account, config_dir, error);
	if (eas == NULL || !conduit_eas_connect (eas, error))
		return FALSE;
	store = pststore_open (store_path, error);
	if (store == NULL)
		return FALSE;
	/* The account's conflicts= key may ask for server-wins too. */
	if (conduit_account_get_conflict_policy (config_dir, account) == CONDUIT_CONFLICT_SERVER_WINS) {
		ConduitReconcileOptions opts = options != NULL ? *options : (ConduitReconcileOptions) { 0 };

		opts.server_wins = TRUE;
		return conduit_reconcile_run (store, eas, account->id, &opts, stats, error);
	}
	return conduit_reconcile_run (store, eas, account->id, options, stats, error);
}

GPtrArray *
conduit_reconcile_ping_folders (PststoreStore *store, const char *account_id, GError **error)
{
	static const struct {
		PststoreKind kind;
		ConduitEasClass cls;
	} table[] = {
		{ PSTSTORE_KIND_NOTE, CONDUIT_EAS_NOTES }, { PSTSTORE_KIND_TASK, CONDUIT_EAS_TASKS },
		{ PSTSTORE_KIND_CONTACT, CONDUIT_EAS_CONTACTS }, { PSTSTORE_KIND_APPOINTMENT, CONDUIT_EAS_CALENDAR },
	};
	g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_ping_folder_free);
	Run r = { 0 };

	r.store = store;
	r.partner = conduit_reconcile_partner (account_id);
	for (guint i = 0; i < G_N_ELEMENTS (table); i++) {
		gint64 folder = pststore_folder_default (store, table[i].kind, NULL);
		g_autofree char *collection = NULL, *key = NULL;

		if (folder == 0)
			continue;
		if (!key_load (&r, -folder, &collection, &key, error)) {
			g_free (r.partner);
			return NULL;
		}
		/* [MS-ASCMD] 2.2.1.13: only folders already synced can be pinged. */
		if (collection != NULL && key != NULL && strcmp (key, "0") != 0) {
			EasPingFolder *f = g_new0 (EasPingFolder, 1);

			f->id = g_steal_pointer (&collection);
			f->class_name = g_strdup (conduit_eas_class_name (table[i].cls));
			g_ptr_array_add (out, f);
		}
	}
	g_free (r.partner);
	return g_steal_pointer (&out);
}
