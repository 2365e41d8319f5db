/* airdockctl-pim.c — `airdockctl import` and `airdockctl export` of
 * contacts, events, tasks and notes (see airdockctl-pim.h).
 *
 * Import reads the file in 64 KB pieces through the splitter of
 * airdockd-pimio.h, so memory holds one batch of entries, never the file.
 * Entries are written BATCH_ITEMS at a time, each batch one store
 * transaction: a crash loses at most the batch being written and never
 * leaves half an item.  airdockd notices the commits by its store poll
 * ([push] poll_interval, as for `airdockctl deliver`) and wakes the devices
 * parked on the folder; a folder created by --folder shows up in the next
 * FolderSync because it bumps the user's folder counter.
 *
 * Update by UID: at the start, each target folder's items are read once
 * into a UID → (server id, SHA-256 of the data) map; an entry whose UID is
 * there replaces that item's data (same server id), unless the data is the
 * same (counted as unchanged and not written, so devices do not fetch it
 * again).  Events: the VEVENTs of one UID (the series and its RECURRENCE-ID
 * occurrences) become one item, with the VTIMEZONEs they use; an occurrence
 * met before its series waits for it across batches, one met after the
 * batch that wrote its series is added to the stored item.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "eas/eas-calendar.h"
#include "eas/eas-note.h"
#include "eas/eas-task.h"
#include "server/airdockctl-common.h"
#include "server/airdockctl-pim.h"
#include "server/airdockd-pim.h"
#include "server/airdockd-pimio.h"

#define EXIT_USAGE 2
#define EXIT_SKIPPED 3
/* Items per store transaction: big enough that 10,000 entries take a few
 * commits, small enough that a crash loses little. */
#define BATCH_ITEMS 500
/* Entries kept until the file's end for a VTIMEZONE that comes after
 * them (files put zones first; this bounds the memory when they do not). */
#define MAX_DEFERRED 10000
/* Bytes read from the file at a time. */
#define READ_BYTES (64 * 1024)
#define N_CLASSES (AIRDOCKD_ITEM_NOTE + 1)

static char *opt_config = NULL;
static char *opt_data_dir = NULL;
static char *opt_folder = NULL;
static char *opt_output = NULL;
static gboolean opt_vcard3 = FALSE;

static const GOptionEntry entries[] = {
	{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config, N_("airdockd configuration file"), N_("FILE") },
	{ "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_data_dir, N_("store directory (instead of -c)"), N_("DIR") },
	{ "folder", 0, 0, G_OPTION_ARG_STRING, &opt_folder, N_("folder by display name or server id"), N_("NAME") },
	{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("export: write to FILE, not stdout"), N_("FILE") },
	{ "vcard3", 0, 0, G_OPTION_ARG_NONE, &opt_vcard3, N_("export: contacts as vCard 3.0 (stored: 4.0)"), NULL },
	{ NULL }
};

gboolean
airdockctl_pim_is_command (int argc, char **argv)
{
	const char *word = airdockctl_command_word (argc, argv);

	return g_strcmp0 (word, "import") == 0 || g_strcmp0 (word, "export") == 0;
}

/* ---- folders ----------------------------------------------------------- */

static const AirdockdFolderType default_type[N_CLASSES] = {
	[AIRDOCKD_ITEM_CONTACT] = AIRDOCKD_FOLDER_CONTACTS,
	[AIRDOCKD_ITEM_CALENDAR] = AIRDOCKD_FOLDER_CALENDAR,
	[AIRDOCKD_ITEM_TASK] = AIRDOCKD_FOLDER_TASKS,
	[AIRDOCKD_ITEM_NOTE] = AIRDOCKD_FOLDER_NOTES,
};
static const AirdockdFolderType user_type[N_CLASSES] = {
	[AIRDOCKD_ITEM_CONTACT] = AIRDOCKD_FOLDER_USER_CONTACTS,
	[AIRDOCKD_ITEM_CALENDAR] = AIRDOCKD_FOLDER_USER_CALENDAR,
	[AIRDOCKD_ITEM_TASK] = AIRDOCKD_FOLDER_USER_TASKS,
	[AIRDOCKD_ITEM_NOTE] = AIRDOCKD_FOLDER_USER_NOTES,
};
static const char *const entry_name[N_CLASSES] = {
	[AIRDOCKD_ITEM_CONTACT] = N_("a contact"), [AIRDOCKD_ITEM_CALENDAR] = N_("an event"),
	[AIRDOCKD_ITEM_TASK] = N_("a task"), [AIRDOCKD_ITEM_NOTE] = N_("a note"),
};
static const char *const folder_kind[N_CLASSES] = {
	[AIRDOCKD_ITEM_EMAIL] = N_("mail"), [AIRDOCKD_ITEM_CONTACT] = N_("contacts"), [AIRDOCKD_ITEM_CALENDAR] = N_("calendar"),
	[AIRDOCKD_ITEM_TASK] = N_("tasks"), [AIRDOCKD_ITEM_NOTE] = N_("notes"),
};

/* The live folder whose server id or display name is name; NULL (no error)
 * when there is none. */
static AirdockdFolder *
find_folder (AirdockdStore *store, gint64 user_id, const char *name, GError **error)
{
	g_autoptr (GPtrArray) list = airdockd_store_folder_list (store, user_id, error);

	for (guint i = 0; list != NULL && i < list->len; i++) {
		AirdockdFolder *f = g_ptr_array_index (list, i);

		if (strcmp (f->server_id, name) == 0 || g_strcmp0 (f->display_name, name) == 0)
			return g_ptr_array_steal_index (list, i);
	}
	return NULL;
}

/* ---- import state ---------------------------------------------------------- */

/* A stored item found by its UID. */
typedef struct {
	char *server_id;
	char *digest;	/* SHA-256 of its data */
} Known;

static void
known_free (Known *k)
{
	g_free (k->server_id);
	g_free (k->digest);
	g_free (k);
}

/* An item of the batch being built. */
typedef struct {
	AirdockdItemClass item_class;
	char *key;		/* "class:uid" */
	guint line;		/* of its first entry */
	gboolean uid_derived;
	EasVCard *card;		/* contacts */
	icalcomponent *cal;	/* others: a VCALENDAR */
} Pending;

static void
pending_free (Pending *p)
{
	if (p == NULL)
		return;
	g_free (p->key);
	g_clear_pointer (&p->card, eas_vcard_free);
	g_clear_pointer (&p->cal, icalcomponent_free);
	g_free (p);
}

typedef struct {
	AirdockdStore *store;
	gint64 user_id;
	const char *path;
	AirdockdFolder *folders[N_CLASSES];	/* target folder per class, when known */
	AirdockdFolder *named;			/* --folder, once found or created */
	GHashTable *known;			/* key → Known* */
	GHashTable *written;			/* keys written by this import */
	GHashTable *zones;			/* TZID → VTIMEZONE icalcomponent* of the file */
	GHashTable *pending;			/* key → Pending* (owned by order) */
	GPtrArray *order;			/* Pending* in file order */
	icalcomponent *check;			/* see lend_components */
	guint added, updated, unchanged, skipped, derived;
	guint reported;				/* problems printed */
	guint carried;				/* of order: waiting for their series */
	GPtrArray *deferred;			/* AirdockdPimioEntry* waiting for a VTIMEZONE */
} Import;

static void
import_clear (Import *im)
{
	for (guint i = 0; i < N_CLASSES; i++)
		g_clear_pointer (&im->folders[i], airdockd_folder_free);
	g_clear_pointer (&im->named, airdockd_folder_free);
	g_clear_pointer (&im->known, g_hash_table_unref);
	g_clear_pointer (&im->written, g_hash_table_unref);
	g_clear_pointer (&im->zones, g_hash_table_unref);
	g_clear_pointer (&im->pending, g_hash_table_unref);
	g_clear_pointer (&im->order, g_ptr_array_unref);
	g_clear_pointer (&im->check, icalcomponent_free);
	g_clear_pointer (&im->deferred, g_ptr_array_unref);
}

static gboolean progress_on;

static void G_GNUC_PRINTF (3, 4)
report (Import *im, guint line, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start (ap, fmt);
	msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	/* On a terminal, first wipe the progress bar's line. */
	g_printerr ("%s%s:%u: %s\n", progress_on ? "\r\033[K" : "", im->path, line, msg);
	im->reported++;
}

static char *
digest_of (GBytes *data)
{
	return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
}

static char *
key_of (AirdockdItemClass klass, const char *uid)
{
	return g_strdup_printf ("%d:%s", (int) klass, uid);
}

/* Reads the folder's items into the UID map. */
static gboolean
load_known (Import *im, AirdockdItemClass klass, const char *folder_id, GError **error)
{
	g_autoptr (GPtrArray) items = airdockd_store_item_list (im->store, im->user_id, folder_id, 0, error);

	if (items == NULL)
		return FALSE;
	for (guint i = 0; i < items->len; i++) {
		const AirdockdItem *it = g_ptr_array_index (items, i);
		g_autofree char *uid = airdockd_pimio_stored_uid (it->data);
		Known *k;

		if (uid == NULL || it->item_class != klass)
			continue;
		k = g_new0 (Known, 1);
		k->server_id = g_strdup (it->server_id);
		k->digest = digest_of (it->data);
		g_hash_table_replace (im->known, key_of (klass, uid), k);
	}
	return TRUE;
}

/* The folder entries of klass go to: --folder (found, or created with the
 * class's user type), else the class's standard folder.  FALSE + error for
 * a store failure; NULL folder + *out_why for an entry that does not fit. */
static gboolean
target_folder (Import *im, AirdockdItemClass klass, const AirdockdFolder **out, char **out_why, GError **error)
{
	*out = im->folders[klass];
	if (*out != NULL)
		return TRUE;
	if (opt_folder != NULL && im->named == NULL) {
		g_autoptr (GError) local = NULL;

		im->named = find_folder (im->store, im->user_id, opt_folder, &local);
		if (local != NULL) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		if (im->named == NULL) {
			im->named = airdockd_store_folder_create (im->store, im->user_id, AIRDOCKD_FOLDER_ROOT,
								  opt_folder, user_type[klass], error);
			if (im->named == NULL)
				return FALSE;
			g_printerr (_("created %s folder \"%s\" (%s)\n"), _(folder_kind[klass]), opt_folder,
				    im->named->server_id);
		}
	}
	if (im->named != NULL && airdockd_pim_folder_class (im->named->type) != klass) {
		*out_why = g_strdup_printf (_("%s does not belong in the %s folder \"%s\": skipped"),
					    _(entry_name[klass]),
					    _(folder_kind[airdockd_pim_folder_class (im->named->type)]), opt_folder);
		return TRUE;
	}
	if (im->named != NULL)
		im->folders[klass] = airdockd_store_folder_get (im->store, im->user_id, im->named->server_id, error);
	else
		im->folders[klass] = airdockd_store_folder_get_by_type (im->store, im->user_id, default_type[klass], error);
	if (im->folders[klass] == NULL || !load_known (im, klass, im->folders[klass]->server_id, error))
		return FALSE;
	*out = im->folders[klass];
	return TRUE;
}

/* ---- building items ------------------------------------------------------ */

static const char *
vtimezone_tzid (icalcomponent *vtz)
{
	icalproperty *p = icalcomponent_get_first_property (vtz, ICAL_TZID_PROPERTY);

	return p != NULL ? icalproperty_get_tzid (p) : NULL;
}

static gboolean
has_zone (icalcomponent *cal, const char *tzid)
{
	for (icalcomponent *c = icalcomponent_get_first_component (cal, ICAL_VTIMEZONE_COMPONENT); c != NULL;
	     c = icalcomponent_get_next_component (cal, ICAL_VTIMEZONE_COMPONENT)) {
		if (g_strcmp0 (vtimezone_tzid (c), tzid) == 0)
			return TRUE;
	}
	return FALSE;
}

/* A copy of the VTIMEZONE for tzid: the file's (seen before), else
 * libical's built-in zone of that name (from 1970 on), renamed to tzid;
 * NULL if neither. */
static icalcomponent *
zone_for (Import *im, const char *tzid)
{
	icalcomponent *vtz = g_hash_table_lookup (im->zones, tzid);
	icaltimezone *builtin;

	if (vtz != NULL)
		return icalcomponent_new_clone (vtz);
	builtin = icaltimezone_get_builtin_timezone (tzid);
	if (builtin == NULL)
		builtin = icaltimezone_get_builtin_timezone_from_tzid (tzid);
	if (builtin == NULL || icaltimezone_get_component (builtin) == NULL)
		return NULL;
	vtz = icalcomponent_new_clone (icaltimezone_get_component (builtin));
	icalproperty_set_tzid (icalcomponent_get_first_property (vtz, ICAL_TZID_PROPERTY), tzid);
	/* libical's zones go back to the 1800s (4 KB an event): keep 1970 on. */
	icaltimezone_truncate_vtimezone (vtz, icaltime_from_string ("19700101T000000Z"), icaltime_null_time (), 1);
	return vtz;
}

/* The entry's VTIMEZONEs, or NULL when a TZID has none (yet). */
static GPtrArray *
zones_of (Import *im, const AirdockdPimioEntry *e)
{
	g_autoptr (GPtrArray) zones = g_ptr_array_new_with_free_func ((GDestroyNotify) icalcomponent_free);

	for (guint i = 0; i < e->tzids->len; i++) {
		icalcomponent *vtz = zone_for (im, g_ptr_array_index (e->tzids, i));

		if (vtz == NULL)
			return NULL;
		g_ptr_array_add (zones, vtz);
	}
	return g_steal_pointer (&zones);
}

/* The stored item of key as a VCALENDAR to add occurrences to. */
static icalcomponent *
stored_cal (Import *im, const char *key, GError **error)
{
	Known *k = g_hash_table_lookup (im->known, key);
	g_autoptr (AirdockdItem) item = NULL;
	g_autofree char *text = NULL;
	icalcomponent *cal;

	if (k == NULL)
		return airdockd_pimio_new_vcalendar ();
	item = airdockd_store_item_get (im->store, im->user_id, k->server_id, error);
	if (item == NULL)
		return NULL;
	if (item->data == NULL)
		return airdockd_pimio_new_vcalendar ();
	text = g_strndup (g_bytes_get_data (item->data, NULL), g_bytes_get_size (item->data));
	cal = icalparser_parse_string (text);
	return cal != NULL ? cal : airdockd_pimio_new_vcalendar ();
}

static Pending *
pending_get (Import *im, const AirdockdPimioEntry *e, const char *key, GError **error)
{
	Pending *p = g_hash_table_lookup (im->pending, key);

	if (p != NULL)
		return p;
	p = g_new0 (Pending, 1);
	p->item_class = e->item_class;
	p->key = g_strdup (key);
	p->line = e->line;
	p->uid_derived = e->uid_derived;
	/* An occurrence of a series an earlier batch wrote goes into it. */
	if (e->comp != NULL && e->recurrence_id && g_hash_table_contains (im->written, key))
		p->cal = stored_cal (im, key, error);
	else if (e->comp != NULL)
		p->cal = airdockd_pimio_new_vcalendar ();
	if (e->comp != NULL && p->cal == NULL) {
		pending_free (p);
		return NULL;
	}
	g_hash_table_insert (im->pending, p->key, p);
	g_ptr_array_add (im->order, p);
	return p;
}

static gboolean
same_instance (icalcomponent *a, icalcomponent *b)
{
	struct icaltimetype ra = icalcomponent_get_recurrenceid (a);
	struct icaltimetype rb = icalcomponent_get_recurrenceid (b);

	if (icaltime_is_null_time (ra) || icaltime_is_null_time (rb))
		return icaltime_is_null_time (ra) && icaltime_is_null_time (rb);
	return icaltime_compare (ra, rb) == 0;
}

/* Puts the entry's component into the item, replacing the same instance. */
static void
merge_comp (Import *im, Pending *p, AirdockdPimioEntry *e, GPtrArray *zones)
{
	icalcomponent_kind kind = icalcomponent_isa (e->comp);

	for (icalcomponent *c = icalcomponent_get_first_component (p->cal, kind); c != NULL;
	     c = icalcomponent_get_next_component (p->cal, kind)) {
		if (same_instance (c, e->comp)) {
			report (im, e->line, _("an earlier entry has the same UID (and RECURRENCE-ID): "
					       "this one replaces it"));
			icalcomponent_remove_component (p->cal, c);
			icalcomponent_free (c);
			break;
		}
	}
	for (guint i = 0; i < zones->len; i++) {
		icalcomponent *vtz = g_ptr_array_index (zones, i);

		if (!has_zone (p->cal, vtimezone_tzid (vtz)))
			icalcomponent_add_component (p->cal, icalcomponent_new_clone (vtz));
	}
	icalcomponent_add_component (p->cal, g_steal_pointer (&e->comp));
}

static gboolean flush (Import *im, gboolean final, GError **error);

/* Adds a prepared entry (taken) to the batch.  An entry using a TZID whose
 * VTIMEZONE has not come yet waits for the end of the file (last_try);
 * then, still without one, it is skipped: read in a wrong zone it would be
 * silently altered.  FALSE only for a store failure. */
static gboolean
add_entry (Import *im, AirdockdPimioEntry *e_taken, gboolean last_try, GError **error)
{
	g_autoptr (AirdockdPimioEntry) e = e_taken;
	const AirdockdFolder *folder = NULL;
	g_autofree char *why = NULL;
	g_autofree char *key = NULL;
	g_autoptr (GPtrArray) zones = NULL;
	Pending *p;

	if (!target_folder (im, e->item_class, &folder, &why, error))
		return FALSE;
	if (folder != NULL && e->tzids != NULL && (zones = zones_of (im, e)) == NULL) {
		if (!last_try && im->deferred->len < MAX_DEFERRED) {
			g_ptr_array_add (im->deferred, g_steal_pointer (&e));
			return TRUE;
		}
		why = g_strdup (_("a TZID has no VTIMEZONE in the file and is no zone libical knows: skipped"));
	}
	if (folder == NULL || why != NULL) {
		report (im, e->line, "%s", why);
		im->skipped++;
		return TRUE;
	}
	key = key_of (e->item_class, e->uid);
	p = pending_get (im, e, key, error);
	if (p == NULL)
		return FALSE;
	if (e->card != NULL) {
		if (p->card != NULL || (p->line != e->line && g_hash_table_contains (im->written, key)))
			report (im, e->line, _("an earlier entry has the same UID: this one replaces it"));
		g_clear_pointer (&p->card, eas_vcard_free);
		p->card = g_steal_pointer (&e->card);
	} else {
		merge_comp (im, p, e, zones);
	}
	return im->order->len < BATCH_ITEMS + im->carried || flush (im, FALSE, error);
}

/* The end of the file: the entries waiting for a VTIMEZONE try again. */
static gboolean
add_deferred (Import *im, GError **error)
{
	for (guint i = 0; i < im->deferred->len; i++) {
		AirdockdPimioEntry *e = im->deferred->pdata[i];

		im->deferred->pdata[i] = NULL;
		if (!add_entry (im, e, TRUE, error))
			return FALSE;
	}
	g_ptr_array_set_size (im->deferred, 0);
	return TRUE;
}

/* Moves the item's events, tasks or notes into im->check, the VCALENDAR
 * that holds every zone met so far: checking them there costs one libical
 * expansion of each zone per import instead of one per item (it was 3 ms
 * an event).  Returns what was moved, for the way back. */
static GPtrArray *
lend_components (Import *im, icalcomponent *cal)
{
	GPtrArray *moved = g_ptr_array_new ();
	icalcomponent *c;

	for (c = icalcomponent_get_first_component (cal, ICAL_VTIMEZONE_COMPONENT); c != NULL;
	     c = icalcomponent_get_next_component (cal, ICAL_VTIMEZONE_COMPONENT)) {
		if (!has_zone (im->check, vtimezone_tzid (c)))
			icalcomponent_add_component (im->check, icalcomponent_new_clone (c));
	}
	for (c = icalcomponent_get_first_component (cal, ICAL_ANY_COMPONENT); c != NULL;
	     c = icalcomponent_get_next_component (cal, ICAL_ANY_COMPONENT)) {
		if (icalcomponent_isa (c) != ICAL_VTIMEZONE_COMPONENT)
			g_ptr_array_add (moved, c);
	}
	for (guint i = 0; i < moved->len; i++) {
		icalcomponent_remove_component (cal, g_ptr_array_index (moved, i));
		icalcomponent_add_component (im->check, g_ptr_array_index (moved, i));
	}
	return moved;
}

/* The stored form of an item; NULL (reported, skipped) when a device could
 * not be shown it, e.g. occurrences without their series. */
static GBytes *
pending_data (Import *im, Pending *p)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (EasEvent) ev = NULL;
	g_autoptr (EasTask) task = NULL;
	g_autoptr (EasNote) note = NULL;
	g_autoptr (GPtrArray) moved = NULL;
	char *text;

	if (p->card != NULL) {
		text = eas_vcard_to_string (p->card);
		return g_bytes_new_take (text, strlen (text));
	}
	moved = lend_components (im, p->cal);
	if (p->item_class == AIRDOCKD_ITEM_CALENDAR)
		ev = eas_event_from_ical (im->check, &local);
	else if (p->item_class == AIRDOCKD_ITEM_TASK)
		task = eas_task_from_ical (im->check, &local);
	else
		note = eas_note_from_ical (im->check, &local);
	for (guint i = 0; i < moved->len; i++) {
		icalcomponent_remove_component (im->check, g_ptr_array_index (moved, i));
		icalcomponent_add_component (p->cal, g_ptr_array_index (moved, i));
	}
	if (ev == NULL && task == NULL && note == NULL) {
		report (im, p->line, _("%s: skipped"), local != NULL ? local->message : _("unreadable"));
		return NULL;
	}
	text = icalcomponent_as_ical_string_r (p->cal);
	return g_bytes_new_take (text, strlen (text));
}

static gboolean
write_pending (Import *im, Pending *p, GError **error)
{
	g_autoptr (GBytes) data = pending_data (im, p);
	g_autofree char *digest = NULL;
	gboolean first = !g_hash_table_contains (im->written, p->key);
	Known *k;

	if (data == NULL) {
		im->skipped++;
		return TRUE;
	}
	digest = digest_of (data);
	k = g_hash_table_lookup (im->known, p->key);
	if (k != NULL && strcmp (k->digest, digest) == 0) {
		im->unchanged += first;
	} else if (k != NULL) {
		if (!airdockd_store_item_set_data (im->store, im->user_id, k->server_id, data, error))
			return FALSE;
		im->updated += first;
		g_free (k->digest);
		k->digest = g_steal_pointer (&digest);
	} else {
		g_autoptr (AirdockdItem) item = airdockd_store_add_item (im->store, im->user_id,
									 im->folders[p->item_class]->server_id,
									 p->item_class, data, error);
		if (item == NULL)
			return FALSE;
		k = g_new0 (Known, 1);
		k->server_id = g_strdup (item->server_id);
		k->digest = g_steal_pointer (&digest);
		g_hash_table_replace (im->known, g_strdup (p->key), k);
		im->added++;
	}
	im->derived += first && p->uid_derived;
	g_hash_table_add (im->written, g_strdup (p->key));
	return TRUE;
}

static gboolean
has_series (icalcomponent *cal)
{
	for (icalcomponent *c = icalcomponent_get_first_component (cal, ICAL_ANY_COMPONENT); c != NULL;
	     c = icalcomponent_get_next_component (cal, ICAL_ANY_COMPONENT)) {
		if (icalcomponent_isa (c) != ICAL_VTIMEZONE_COMPONENT &&
		    icaltime_is_null_time (icalcomponent_get_recurrenceid (c)))
			return TRUE;
	}
	return FALSE;
}

/* Occurrences (RECURRENCE-ID) whose series has not come yet, here or in
 * the store: they wait for a later batch (the file's end at the latest). */
static gboolean
waits_for_series (Import *im, const Pending *p)
{
	return p->cal != NULL && !has_series (p->cal) && !g_hash_table_contains (im->written, p->key);
}

/* Writes the batch in one transaction (final: everything, else what
 * waits for its series stays for the next batch). */
static gboolean
flush (Import *im, gboolean final, GError **error)
{
	g_autoptr (GPtrArray) carried = g_ptr_array_new ();

	if (im->order->len == 0)
		return TRUE;
	if (!airdockd_store_begin (im->store, error))
		return FALSE;
	for (guint i = 0; i < im->order->len; i++) {
		Pending *p = g_ptr_array_index (im->order, i);

		if (!final && waits_for_series (im, p)) {
			g_ptr_array_add (carried, p);
			im->order->pdata[i] = NULL;
		} else if (!write_pending (im, p, error)) {
			airdockd_store_rollback (im->store);
			return FALSE;
		}
	}
	if (!airdockd_store_commit (im->store, error)) {
		airdockd_store_rollback (im->store);
		return FALSE;
	}
	g_hash_table_remove_all (im->pending);
	g_ptr_array_set_size (im->order, 0);
	for (guint i = 0; i < carried->len; i++) {
		Pending *p = g_ptr_array_index (carried, i);

		g_hash_table_insert (im->pending, p->key, p);
		g_ptr_array_add (im->order, p);
	}
	im->carried = carried->len;
	return TRUE;
}

/* ---- reading the file ------------------------------------------------------ */

static gboolean
handle_chunk (Import *im, AirdockdPimioChunk *c, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (AirdockdPimioEntry) e = NULL;
	g_autofree char *tzid = NULL;
	icalcomponent *vtz;
	guint line = c->line;

	switch (c->kind) {
	case AIRDOCKD_PIMIO_PROBLEM:
		if (c->message != NULL)
			report (im, c->line, "%s", c->message);
		im->skipped += c->entry;
		return TRUE;
	case AIRDOCKD_PIMIO_VTIMEZONE:
		vtz = airdockd_pimio_parse_vtimezone (c, &tzid, &line, &local);
		if (vtz == NULL)
			report (im, line, _("%s: not used"), local->message);
		else
			g_hash_table_replace (im->zones, g_steal_pointer (&tzid), vtz);
		return TRUE;
	default:
		e = airdockd_pimio_prepare (c, &line, &local);
		if (e == NULL) {
			report (im, line, _("%s: skipped"), local->message);
			im->skipped++;
			return TRUE;
		}
		return add_entry (im, g_steal_pointer (&e), FALSE, error);
	}
}

/* "[#####     ]  45% 12.3 MB / 27.1 MB" on a terminal, at most 10 times a second. */
static void
progress (guint64 done, guint64 total, gboolean last)
{
	static gint64 shown;
	gint64 now = g_get_monotonic_time ();
	g_autofree char *a = NULL;
	g_autofree char *b = NULL;
	guint pct, bars;

	if (!progress_on || total == 0 || (!last && now - shown < G_USEC_PER_SEC / 10))
		return;
	shown = now;
	pct = (guint) (MIN (done, total) * 100 / total);
	bars = pct * 30 / 100;
	a = g_format_size (done);
	b = g_format_size (total);
	fprintf (stderr, "\r[%.*s%*s] %3u%% %s / %s%s", (int) bars, "##############################",
		 (int) (30 - bars), "", pct, a, b, last ? "\n" : "");
	fflush (stderr);
}

static gboolean
import_stream (Import *im, int fd, guint64 total, GError **error)
{
	g_autoptr (AirdockdPimioSplitter) s = airdockd_pimio_splitter_new (NULL);
	g_autofree char *buf = g_malloc (READ_BYTES);
	guint64 done = 0;
	gboolean eof = FALSE;

	while (!eof) {
		gssize n = read (fd, buf, READ_BYTES);
		AirdockdPimioChunk *c;

		if (n < 0) {
			int saved = errno;

			if (saved == EINTR)
				continue;
			g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", im->path,
				     g_strerror (saved));
			return FALSE;
		}
		eof = n == 0;
		if (eof)
			airdockd_pimio_splitter_finish (s);
		else
			airdockd_pimio_splitter_feed (s, buf, (gsize) n);
		done += (guint64) n;
		while ((c = airdockd_pimio_splitter_pop (s)) != NULL) {
			gboolean ok = handle_chunk (im, c, error);

			airdockd_pimio_chunk_free (c);
			if (!ok)
				return FALSE;
		}
		progress (done, total, eof);
	}
	return add_deferred (im, error) && flush (im, TRUE, error);
}

static int
cmd_import (AirdockdStore *store, const AirdockdUser *user, const char *path, GError **error)
{
	Import im = { .store = store, .user_id = user->id, .path = path };
	GStatBuf st;
	int fd = g_open (path, O_RDONLY, 0);
	gboolean ok;
	gint64 t0 = g_get_monotonic_time ();

	if (fd < 0 || fstat (fd, &st) != 0) {
		int saved = errno;

		if (fd >= 0)
			close (fd);
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
		return EXIT_FAILURE;
	}
	im.known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) known_free);
	im.written = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	im.zones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) icalcomponent_free);
	im.pending = g_hash_table_new (g_str_hash, g_str_equal);
	im.order = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
	im.check = airdockd_pimio_new_vcalendar ();
	im.deferred = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_pimio_entry_free);
	progress_on = isatty (STDERR_FILENO);
	ok = import_stream (&im, fd, (guint64) st.st_size, error);
	close (fd);
	{
		g_print (_("added %u, updated %u, unchanged %u, skipped %u (%.2f s)\n"), im.added, im.updated,
			 im.unchanged, im.skipped, (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC);
		if (im.derived > 0)
			g_print (_("%u entries had no UID: each got one derived from its content\n"), im.derived);
	}
	import_clear (&im);
	if (!ok)
		return EXIT_FAILURE;
	return im.skipped > 0 || im.reported > 0 ? EXIT_SKIPPED : EXIT_SUCCESS;
}

/* ---- export ----------------------------------------------------------------- */

typedef gboolean (*ItemFunc) (const AirdockdItem *item, gpointer data, GError **error);

/* Calls fn for each live item of the folder, BATCH_ITEMS read at a time
 * (in change order; an item changed meanwhile is not given twice). */
static gboolean
each_item (AirdockdStore *store, gint64 user_id, const char *folder_id, ItemFunc fn, gpointer data, GError **error)
{
	g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	gint64 since = 0;
	gboolean more = TRUE;

	while (more) {
		g_autoptr (GPtrArray) page = airdockd_store_item_changes (store, user_id, folder_id, since,
									  BATCH_ITEMS, &more, error);
		if (page == NULL)
			return FALSE;
		for (guint i = 0; i < page->len; i++) {
			const AirdockdItem *it = g_ptr_array_index (page, i);

			since = MAX (since, it->modseq);
			if (it->deleted || it->data == NULL || !g_hash_table_add (seen, g_strdup (it->server_id)))
				continue;
			if (!fn (it, data, error))
				return FALSE;
		}
	}
	return TRUE;
}

typedef struct {
	FILE *out;
	GHashTable *zones;	/* TZID → VTIMEZONE text */
	GPtrArray *zone_order;	/* TZIDs (owned by zones) */
	guint n;
} Export;

static gboolean
put (Export *ex, const char *text, gsize len, GError **error)
{
	if (fwrite (text, 1, len, ex->out) != len) {
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("writing: %s"), g_strerror (errno));
		return FALSE;
	}
	return TRUE;
}

static icalcomponent *
item_cal (const AirdockdItem *item)
{
	g_autofree char *text = g_strndup (g_bytes_get_data (item->data, NULL), g_bytes_get_size (item->data));
	icalcomponent *cal = icalparser_parse_string (text);

	if (cal == NULL || icalcomponent_isa (cal) != ICAL_VCALENDAR_COMPONENT) {
		g_printerr (_("airdockctl: item %s: stored iCalendar unreadable, not exported\n"), item->server_id);
		g_clear_pointer (&cal, icalcomponent_free);
	}
	return cal;
}

static gboolean
collect_zones (const AirdockdItem *item, gpointer data, GError **error)
{
	Export *ex = data;
	icalcomponent *cal = item_cal (item);

	for (icalcomponent *c = cal ? icalcomponent_get_first_component (cal, ICAL_VTIMEZONE_COMPONENT) : NULL;
	     c != NULL; c = icalcomponent_get_next_component (cal, ICAL_VTIMEZONE_COMPONENT)) {
		const char *tzid = vtimezone_tzid (c);
		g_autofree char *text = icalcomponent_as_ical_string_r (c);
		const char *have;

		if (tzid == NULL)
			continue;
		have = g_hash_table_lookup (ex->zones, tzid);
		if (have == NULL) {
			char *key = g_strdup (tzid);

			g_hash_table_insert (ex->zones, key, g_steal_pointer (&text));
			g_ptr_array_add (ex->zone_order, key);
		} else if (strcmp (have, text) != 0) {
			g_printerr (_("airdockctl: item %s defines a time zone differently from an earlier item "
				      "with the same TZID: the first definition is exported\n"), item->server_id);
		}
	}
	g_clear_pointer (&cal, icalcomponent_free);
	return TRUE;
}

static gboolean
write_components (const AirdockdItem *item, gpointer data, GError **error)
{
	Export *ex = data;
	icalcomponent *cal = item_cal (item);
	gboolean ok = TRUE;

	for (icalcomponent *c = cal ? icalcomponent_get_first_component (cal, ICAL_ANY_COMPONENT) : NULL;
	     ok && c != NULL; c = icalcomponent_get_next_component (cal, ICAL_ANY_COMPONENT)) {
		g_autofree char *text = NULL;

		if (icalcomponent_isa (c) == ICAL_VTIMEZONE_COMPONENT)
			continue;
		text = icalcomponent_as_ical_string_r (c);
		ok = put (ex, text, strlen (text), error);
	}
	ex->n += cal != NULL;
	g_clear_pointer (&cal, icalcomponent_free);
	return ok;
}

static gboolean
write_card (const AirdockdItem *item, gpointer data, GError **error)
{
	Export *ex = data;
	gsize len = 0;
	const char *text = g_bytes_get_data (item->data, &len);
	g_autoptr (EasVCard) card = NULL;
	g_autofree char *v3 = NULL;

	if (opt_vcard3) {
		card = eas_vcard_parse (text, len, NULL, NULL);
		if (card == NULL) {
			g_printerr (_("airdockctl: item %s: stored vCard unreadable, not exported\n"), item->server_id);
			return TRUE;
		}
		airdockd_pimio_vcard_to_v3 (card);
		v3 = eas_vcard_to_string (card);
		text = v3;
		len = strlen (v3);
	}
	ex->n++;
	return put (ex, text, len, error) && (len == 0 || text[len - 1] == '\n' || put (ex, "\r\n", 2, error));
}

static gboolean
export_calendar (AirdockdStore *store, gint64 user_id, const AirdockdFolder *folder, Export *ex, GError **error)
{
	icalproperty *name = icalproperty_new_x (folder->display_name);
	g_autofree char *name_line = NULL;
	static const char head[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Airdock//airdockctl//EN\r\n";

	/* Pass 1: the time zones, so that they come before the events. */
	if (!each_item (store, user_id, folder->server_id, collect_zones, ex, error))
		return FALSE;
	icalproperty_set_x_name (name, "X-WR-CALNAME");
	name_line = icalproperty_as_ical_string_r (name);
	icalproperty_free (name);
	if (!put (ex, head, strlen (head), error) || !put (ex, name_line, strlen (name_line), error))
		return FALSE;
	for (guint i = 0; i < ex->zone_order->len; i++) {
		const char *text = g_hash_table_lookup (ex->zones, g_ptr_array_index (ex->zone_order, i));

		if (!put (ex, text, strlen (text), error))
			return FALSE;
	}
	return each_item (store, user_id, folder->server_id, write_components, ex, error) &&
	       put (ex, "END:VCALENDAR\r\n", strlen ("END:VCALENDAR\r\n"), error);
}

static int
cmd_export (AirdockdStore *store, const AirdockdUser *user, GError **error)
{
	g_autoptr (AirdockdFolder) folder = find_folder (store, user->id, opt_folder, error);
	Export ex = { 0 };
	AirdockdItemClass klass;
	gboolean ok;

	if (folder == NULL) {
		if (error != NULL && *error == NULL)
			g_set_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND,
				     _("no folder \"%s\""), opt_folder);
		return EXIT_FAILURE;
	}
	klass = airdockd_pim_folder_class (folder->type);
	if (klass == AIRDOCKD_ITEM_EMAIL) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
			     _("\"%s\" is a mail folder: only contacts, calendars, tasks and notes export"), opt_folder);
		return EXIT_FAILURE;
	}
	ex.out = opt_output != NULL ? g_fopen (opt_output, "wb") : stdout;
	if (ex.out == NULL) {
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", opt_output, g_strerror (errno));
		return EXIT_FAILURE;
	}
	ex.zones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	ex.zone_order = g_ptr_array_new ();
	if (klass == AIRDOCKD_ITEM_CONTACT)
		ok = each_item (store, user->id, folder->server_id, write_card, &ex, error);
	else
		ok = export_calendar (store, user->id, folder, &ex, error);
	if (fflush (ex.out) != 0 && ok) {
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("writing: %s"), g_strerror (errno));
		ok = FALSE;
	}
	if (ex.out != stdout && fclose (ex.out) != 0 && ok) {
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), _("writing: %s"), g_strerror (errno));
		ok = FALSE;
	}
	g_ptr_array_unref (ex.zone_order);
	g_hash_table_unref (ex.zones);
	if (ok)
		g_printerr (_("exported %u items\n"), ex.n);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- main --------------------------------------------------------------------- */

static const char description[] = N_(
	"import reads FILE a piece at a time: vCards (2.1, 3.0, 4.0; stored as 4.0) go to the\n"
	"user's Contacts; VEVENTs to Calendar, VTODOs to Tasks, VJOURNALs to Notes, each with the\n"
	"VTIMEZONEs it uses.  --folder NAME (display name or server id) takes them instead and is\n"
	"created, with the type of the first entry, when it does not exist.  An entry whose UID\n"
	"is already in the folder replaces that item (same server id).  An entry without a UID\n"
	"gets one derived from its content (stored with it), so the same file imports again in\n"
	"place.  Malformed entries are reported as FILE:LINE: message and skipped.\n"
	"\n"
	"export writes the folder to stdout (or -o FILE): one VCALENDAR with the VTIMEZONEs its\n"
	"events use, or the vCards one after another (4.0 as stored, or --vcard3).\n"
	"\n"
	"Exit status: 0 done, 1 failed (batches of 500 written before the failure stay),\n"
	"2 usage, 3 imported but some entries were skipped or the file had other problems\n"
	"(see the messages).");

int
airdockctl_pim_main (int argc, char **argv)
{
	g_autoptr (GOptionContext) ctx = g_option_context_new (
		_("import USER FILE.ics|FILE.vcf [--folder NAME] | export USER --folder NAME [-o FILE] [--vcard3]"));
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdStore) store = NULL;
	g_autoptr (AirdockdUser) user = NULL;
	gboolean import;
	int status;

	g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
	g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
	g_option_context_set_summary (ctx, _("Import and export contacts, calendars, tasks and notes."));
	g_option_context_set_description (ctx, _(description));
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("airdockctl: %s\n", error->message);
		return EXIT_USAGE;
	}
	import = argc >= 2 && strcmp (argv[1], "import") == 0;
	if (import ? argc != 4 : (argc != 3 || opt_folder == NULL)) {
		g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);
		g_printerr ("%s", help);
		return EXIT_USAGE;
	}
	store = airdockctl_open_store (opt_config, opt_data_dir, &error);
	if (store != NULL)
		user = airdockd_store_user_lookup (store, argv[2], &error);
	if (user == NULL) {
		g_printerr ("airdockctl: %s\n", error->message);
		return EXIT_FAILURE;
	}
	status = import ? cmd_import (store, user, argv[3], &error) : cmd_export (store, user, &error);
	if (status == EXIT_FAILURE)
		g_printerr ("airdockctl: %s\n", error != NULL ? error->message : _("failed"));
	return status;
}
