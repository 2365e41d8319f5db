/* airdockd-pim.c — contacts, calendar, tasks and notes through Sync
 * ([MS-ASCNTC], [MS-ASCAL], [MS-ASTASK], [MS-ASNOTE]).  See the header. */
#include "config.h"

#include <string.h>

#include <glib-object.h>

#include "eas/eas-calendar.h"
#include "eas/eas-contact.h"
#include "eas/eas-note.h"
#include "eas/eas-task.h"
#include "server/airdockd-pim.h"

AirdockdItemClass
airdockd_pim_folder_class (AirdockdFolderType type)
{
	switch (type) {
	case AIRDOCKD_FOLDER_CONTACTS:
	case AIRDOCKD_FOLDER_USER_CONTACTS:
		return AIRDOCKD_ITEM_CONTACT;
	case AIRDOCKD_FOLDER_CALENDAR:
	case AIRDOCKD_FOLDER_USER_CALENDAR:
		return AIRDOCKD_ITEM_CALENDAR;
	case AIRDOCKD_FOLDER_TASKS:
	case AIRDOCKD_FOLDER_USER_TASKS:
		return AIRDOCKD_ITEM_TASK;
	case AIRDOCKD_FOLDER_NOTES:
	case AIRDOCKD_FOLDER_USER_NOTES:
		return AIRDOCKD_ITEM_NOTE;
	default:
		return AIRDOCKD_ITEM_EMAIL;
	}
}

void
airdockd_pim_sync_limits (EasWbxmlLimits *limits, gsize body_len)
{
	eas_wbxml_limits_init_default (limits);
	limits->string_bytes = MAX (limits->string_bytes, body_len);
}

/* ---- the request's ApplicationData -------------------------------------- */

/* EasSyncCommand carries no ApplicationData: find it in the request tree,
 * under the Collection of collection_id, as the command with the same
 * ClientId (Add) or ServerId (Change). */
static const EasNode *
find_app_data (const EasNode *root, const char *collection_id, const EasSyncCommand *cmd)
{
	EasTag tag = cmd->type == EAS_SYNC_CMD_ADD ? EAS_AIRSYNC_ADD : EAS_AIRSYNC_CHANGE;
	EasTag id_tag = cmd->type == EAS_SYNC_CMD_ADD ? EAS_AIRSYNC_CLIENT_ID : EAS_AIRSYNC_SERVER_ID;
	const char *id = cmd->type == EAS_SYNC_CMD_ADD ? cmd->client_id : cmd->server_id;
	const EasNode *c = eas_node_path (root, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);

	for (; c != NULL; c = eas_node_next_same (c)) {
		const EasNode *commands = eas_node_child (c, EAS_AIRSYNC_COMMANDS);

		if (commands == NULL || g_strcmp0 (eas_node_child_text (c, EAS_AIRSYNC_COLLECTION_ID), collection_id) != 0)
			continue;
		for (const EasNode *n = eas_node_child (commands, tag); n != NULL; n = eas_node_next_same (n)) {
			if (g_strcmp0 (eas_node_child_text (n, id_tag), id) == 0)
				return eas_node_child (n, EAS_AIRSYNC_APPLICATION_DATA);
		}
	}
	return NULL;
}

/* The request's tree, parsed once per HTTP message (a Sync may carry up to
 * EAS_SYNC_MAX_COMMANDS commands: parsing the body for each would be
 * quadratic) and kept on the message.  Without a message (the push hub's
 * replay) the tree is parsed and handed to *out_owned.  NULL if the body
 * is empty or unreadable. */
#define PIM_TREE_KEY "airdockd-pim-request-tree"

static const EasNode *
request_tree (AirdockdRequest *req, EasNode **out_owned)
{
	gsize len = 0;
	const guint8 *body = g_bytes_get_data (req->body, &len);
	GObject *msg = req->http_message && G_IS_OBJECT (req->http_message) ? req->http_message : NULL;
	EasNode *tree;
	EasWbxmlLimits limits;

	*out_owned = NULL;
	if (msg != NULL && (tree = g_object_get_data (msg, PIM_TREE_KEY)) != NULL)
		return tree;
	airdockd_pim_sync_limits (&limits, len);
	if (len == 0 || (tree = eas_wbxml_parse (body, len, &limits, NULL)) == NULL)
		return NULL;
	if (msg != NULL)
		g_object_set_data_full (msg, PIM_TREE_KEY, tree, (GDestroyNotify) eas_node_free);
	else
		*out_owned = tree;
	return tree;
}

/* ---- Supported ([MS-ASCMD] 2.2.3.168) ------------------------------------ */

/* Tags in one Supported list: the contact fields number about 60. */
#define PIM_MAX_SUPPORTED 256

static char *
supported_key (const char *collection_id)
{
	return g_strdup_printf ("pim-supported:%s", collection_id);
}

gboolean
airdockd_pim_remember_supported (AirdockdRequest *req,
				 const AirdockdFolder *folder,
				 GError **error)
{
	g_autoptr (EasNode) owned = NULL;
	const EasNode *root = request_tree (req, &owned);
	g_autofree char *key = supported_key (folder->server_id);
	g_autoptr (GArray) tags = g_array_new (FALSE, FALSE, sizeof (EasTag));
	const EasNode *c = root ? eas_node_path (root, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0) : NULL;
	const EasNode *supported = NULL;
	g_autoptr (GBytes) blob = NULL;

	for (; c != NULL && supported == NULL; c = eas_node_next_same (c)) {
		if (g_strcmp0 (eas_node_child_text (c, EAS_AIRSYNC_COLLECTION_ID), folder->server_id) == 0)
			supported = eas_node_child (c, EAS_AIRSYNC_SUPPORTED);
	}
	for (const EasNode *n = supported ? supported->first_child : NULL;
	     n != NULL && tags->len < PIM_MAX_SUPPORTED; n = n->next)
		g_array_append_val (tags, n->tag);
	/* No Supported: nothing is cleared by omission (all ghosted). */
	if (tags->len > 0)
		blob = g_bytes_new (tags->data, tags->len * sizeof (EasTag));
	return airdockd_store_device_blob_set (req->store, req->user_id, req->device_id, key, blob, error);
}

/* The tags the device listed for this folder (none: an empty array). */
static GArray *
load_supported (AirdockdRequest *req, const AirdockdFolder *folder)
{
	g_autofree char *key = supported_key (folder->server_id);
	g_autoptr (GBytes) blob = airdockd_store_device_blob_get (req->store, req->user_id, req->device_id, key, NULL);
	GArray *tags = g_array_new (FALSE, FALSE, sizeof (EasTag));
	gsize len = 0;
	const guint8 *data = blob ? g_bytes_get_data (blob, &len) : NULL;

	if (data != NULL && len % sizeof (EasTag) == 0 && len / sizeof (EasTag) <= PIM_MAX_SUPPORTED)
		g_array_append_vals (tags, data, (guint) (len / sizeof (EasTag)));
	return tags;
}

/* ---- device ⇄ stored form ----------------------------------------------- */

static GBytes *
ical_bytes (icalcomponent *comp)
{
	char *text = icalcomponent_as_ical_string_r (comp);

	icalcomponent_free (comp);
	return g_bytes_new_take (text, strlen (text));
}

static icalcomponent *
ical_parse (GBytes *data, GError **error)
{
	gsize len = 0;
	const char *p = g_bytes_get_data (data, &len);
	g_autofree char *text = g_strndup (p, len);
	icalcomponent *comp = icalparser_parse_string (text);

	if (comp == NULL)
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "stored iCalendar unreadable");
	return comp;
}

static GBytes *
contact_from_device (const EasNode *app_data, EasVersion version, GBytes *stored,
		     const GArray *supported, GError **error)
{
	g_autoptr (EasContact) contact = eas_contact_decode (app_data, version, error);
	g_autoptr (EasVCard) old = NULL;
	g_autoptr (EasVCard) card = NULL;
	char *text;

	if (contact == NULL)
		return NULL;
	if (stored != NULL) {
		gsize len = 0;
		const char *p = g_bytes_get_data (stored, &len);

		old = eas_vcard_parse (p, len, NULL, error);
		if (old == NULL)
			return NULL;
	}
	card = eas_contact_merge (old, contact, version, (const EasTag *) supported->data, supported->len);
	text = eas_vcard_to_string (card);
	return g_bytes_new_take (text, strlen (text));
}

/* The device's ApplicationData as the stored form (stored: the current
 * data for a Change, else NULL). */
static GBytes *
from_device (AirdockdItemClass klass, const EasNode *app_data, EasVersion version,
	     GBytes *stored, const GArray *supported, GError **error)
{
	switch (klass) {
	case AIRDOCKD_ITEM_CONTACT:
		return contact_from_device (app_data, version, stored, supported, error);
	case AIRDOCKD_ITEM_CALENDAR: {
		g_autoptr (EasEvent) ev = eas_event_decode (app_data, version, error);
		icalcomponent *comp = ev ? eas_event_to_ical (ev, error) : NULL;

		return comp ? ical_bytes (comp) : NULL;
	}
	case AIRDOCKD_ITEM_TASK: {
		g_autoptr (EasTask) task = eas_task_decode (app_data, version, error);

		return task ? ical_bytes (eas_task_to_ical (task)) : NULL;
	}
	case AIRDOCKD_ITEM_NOTE: {
		g_autoptr (EasNote) note = eas_note_decode (app_data, version, error);

		return note ? ical_bytes (eas_note_to_ical (note)) : NULL;
	}
	default:
		g_return_val_if_reached (NULL);
	}
}

/* Stored data decoded into its class's model (one of the fields), so that
 * it can be written without a failure half-way. */
typedef struct {
	EasContact *contact;
	EasEvent *event;
	EasTask *task;
	EasNote *note;
} PimModel;

static void
pim_model_clear (PimModel *m)
{
	g_clear_pointer (&m->contact, eas_contact_free);
	g_clear_pointer (&m->event, eas_event_free);
	g_clear_pointer (&m->task, eas_task_free);
	g_clear_pointer (&m->note, eas_note_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PimModel, pim_model_clear)

static gboolean
pim_model_load (PimModel *m, AirdockdItemClass klass, GBytes *data, GError **error)
{
	icalcomponent *comp;

	if (data == NULL) {
		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "item has no data");
		return FALSE;
	}
	if (klass == AIRDOCKD_ITEM_CONTACT) {
		gsize len = 0;
		const char *p = g_bytes_get_data (data, &len);
		g_autoptr (EasVCard) card = eas_vcard_parse (p, len, NULL, error);

		if (card == NULL)
			return FALSE;
		m->contact = eas_contact_from_vcard (card);
		return TRUE;
	}
	comp = ical_parse (data, error);
	if (comp == NULL)
		return FALSE;
	if (klass == AIRDOCKD_ITEM_CALENDAR && (m->event = eas_event_from_ical (comp, error)) != NULL)
		eas_event_trim_exceptions (m->event);
	else if (klass == AIRDOCKD_ITEM_TASK)
		m->task = eas_task_from_ical (comp, error);
	else if (klass == AIRDOCKD_ITEM_NOTE)
		m->note = eas_note_from_ical (comp, error);
	icalcomponent_free (comp);
	return m->event != NULL || m->task != NULL || m->note != NULL;
}

/* Writes <ApplicationData> for a loaded model. */
static void
pim_model_write (EasWbxmlWriter *w, const PimModel *m, EasVersion version)
{
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	if (m->contact != NULL)
		eas_contact_encode (w, m->contact, version);
	else if (m->event != NULL)
		eas_event_encode (w, m->event, version);
	else if (m->task != NULL)
		eas_task_encode (w, m->task, version);
	else
		eas_note_encode (w, m->note, version);
	eas_wbxml_writer_end (w);
}

/* ---- FilterType ---------------------------------------------------------- */

/* Occurrences walked to find the last one of a bounded series: a daily
 * rule with an UNTIL decades away is treated as open-ended rather than
 * walked day by day. */
#define PIM_MAX_OCCURRENCES_SCANNED 20000

gboolean
airdockd_pim_folder_offered (AirdockdFolderType type, EasVersion version)
{
	/* [MS-ASNOTE] 1.5: the Notes class exists from protocol 14.0 on. */
	return airdockd_pim_folder_class (type) != AIRDOCKD_ITEM_NOTE || version >= 140;
}

/* Unix seconds of an iCalendar time (a floating time or date as UTC);
 * 0 for a null time. */
static gint64
ical_unix (struct icaltimetype t)
{
	if (icaltime_is_null_time (t))
		return 0;
	return (gint64) icaltime_as_timet_with_zone (t, t.zone ? t.zone : icaltimezone_get_utc_timezone ());
}

/* The end of the last occurrence of one VEVENT: its own end, or with an
 * RRULE the end of the rule's last instance; G_MAXINT64 for a rule
 * without COUNT or UNTIL (or too long to walk). */
static gint64
vevent_end (icalcomponent *ev)
{
	struct icaltimetype dtstart = icalcomponent_get_dtstart (ev);
	struct icaltimetype dtend = icalcomponent_get_dtend (ev);
	icaltimezone *own = (icaltimezone *) dtstart.zone;
	gint64 start, end, duration;
	icalproperty *prop = icalcomponent_get_first_property (ev, ICAL_RRULE_PROPERTY);
	struct icalrecurrencetype rule;
	struct icaltimetype t, last = icaltime_null_time ();
	icalrecur_iterator *it;
	guint n = 0;

	/* The calendar's VTIMEZONE as the process-wide zone: libical expands
	 * a zone's rules on its first use, milliseconds per item otherwise. */
	dtstart.zone = eas_timezone_shared (own);
	dtend.zone = dtend.zone == own ? dtstart.zone : eas_timezone_shared ((icaltimezone *) dtend.zone);
	start = ical_unix (dtstart);
	end = ical_unix (dtend);
	duration = end > start ? end - start : 0;

	if (prop == NULL || icaltime_is_null_time (dtstart))
		return MAX (start, end);
	rule = icalproperty_get_rrule (prop);
	if (rule.count == 0 && icaltime_is_null_time (rule.until))
		return G_MAXINT64;
	it = icalrecur_iterator_new (rule, dtstart);
	if (it == NULL)
		return G_MAXINT64;
	while (n < PIM_MAX_OCCURRENCES_SCANNED && !icaltime_is_null_time (t = icalrecur_iterator_next (it))) {
		last = t;
		n++;
	}
	icalrecur_iterator_free (it);
	if (n >= PIM_MAX_OCCURRENCES_SCANNED)
		return G_MAXINT64;
	if (icaltime_is_null_time (last))
		return MAX (start, end);
	last.zone = dtstart.zone;
	return MAX (ical_unix (last) + duration, end);
}

gint64
airdockd_pim_item_end_time (const AirdockdItem *item)
{
	icalcomponent *comp;
	gint64 latest = G_MININT64;

	if (item->item_class != AIRDOCKD_ITEM_CALENDAR || item->data == NULL)
		return G_MAXINT64;
	comp = ical_parse (item->data, NULL);
	if (comp == NULL)
		return G_MAXINT64;
	/* The series and its changed occurrences (RECURRENCE-ID VEVENTs): a
	 * moved occurrence may end after the series' last one. */
	if (icalcomponent_isa (comp) == ICAL_VEVENT_COMPONENT)
		latest = vevent_end (comp);
	for (icalcomponent *ev = icalcomponent_get_first_component (comp, ICAL_VEVENT_COMPONENT);
	     ev != NULL && latest != G_MAXINT64;
	     ev = icalcomponent_get_next_component (comp, ICAL_VEVENT_COMPONENT))
		latest = MAX (latest, vevent_end (ev));
	icalcomponent_free (comp);
	return latest == G_MININT64 ? G_MAXINT64 : latest;
}

gboolean
airdockd_pim_item_in_filter (const AirdockdItem *item, guint filter_type)
{
	icalcomponent *comp;
	g_autoptr (EasTask) task = NULL;
	gint64 span = eas_filter_type_seconds (filter_type);

	/* [MS-ASCMD] 2.2.3.68.2: FilterType 4–7 on a calendar keeps events
	 * that (or an occurrence of which) end inside the window back from
	 * now; contacts and notes ignore FilterType. */
	if (item->item_class == AIRDOCKD_ITEM_CALENDAR)
		return span == 0 || airdockd_pim_item_end_time (item) >= g_get_real_time () / G_USEC_PER_SEC - span;
	/* 8 = incomplete tasks. */
	if (item->item_class != AIRDOCKD_ITEM_TASK || filter_type != 8 || item->data == NULL)
		return TRUE;
	comp = ical_parse (item->data, NULL);
	if (comp == NULL)
		return TRUE;
	task = eas_task_from_ical (comp, NULL);
	icalcomponent_free (comp);
	return task == NULL || task->complete != 1;
}

/* ---- client commands ------------------------------------------------------ */

/* The item if it is a live item of this folder, else NULL (a store failure
 * sets error; not found does not). */
static AirdockdItem *
folder_item (AirdockdRequest *req, const AirdockdFolder *folder, const char *server_id, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (AirdockdItem) item = airdockd_store_item_get (req->store, req->user_id, server_id, &local);

	if (item == NULL) {
		if (!g_error_matches (local, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND))
			g_propagate_error (error, g_steal_pointer (&local));
		return NULL;
	}
	if (g_strcmp0 (item->folder_id, folder->server_id) != 0 ||
	    item->item_class != airdockd_pim_folder_class (folder->type))
		return NULL;
	return g_steal_pointer (&item);
}

/* Add or Change: FALSE only for a store failure. */
static gboolean
apply_data (AirdockdRequest *req, const AirdockdFolder *folder, const EasSyncCommand *cmd,
	    const AirdockdItem *item, EasSyncStatus *out_status, char **out_server_id, GError **error)
{
	AirdockdItemClass klass = airdockd_pim_folder_class (folder->type);
	g_autoptr (EasNode) owned = NULL;
	const EasNode *root = request_tree (req, &owned);
	const EasNode *app_data = root ? find_app_data (root, folder->server_id, cmd) : NULL;
	g_autoptr (GError) local = NULL;
	g_autoptr (GBytes) data = NULL;
	g_autoptr (AirdockdItem) added = NULL;
	g_autoptr (GArray) supported = NULL;

	*out_status = EAS_SYNC_STATUS_CONVERSION_ERROR;
	if (app_data == NULL)
		return TRUE;
	/* An Add starts from nothing: only a Change can clear by omission. */
	supported = item ? load_supported (req, folder) : g_array_new (FALSE, FALSE, sizeof (EasTag));
	data = from_device (klass, app_data, req->version, item ? item->data : NULL, supported, &local);
	if (data == NULL) {
		/* [MS-ASCNTC] 2.2.2.58: a picture over the limit is Status 6 too. */
		g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO, "EAS_USER", req->user_name,
				  "EAS_DEVICE_ID", req->query->device_id, "EAS_CMD", "Sync",
				  "MESSAGE", "Sync: converting an item: %s", local->message);
		return TRUE;
	}
	if (item != NULL) {
		if (!airdockd_store_item_set_data (req->store, req->user_id, item->server_id, data, error))
			return FALSE;
	} else {
		added = airdockd_store_add_item (req->store, req->user_id, folder->server_id, klass, data, error);
		if (added == NULL)
			return FALSE;
		*out_server_id = g_strdup (added->server_id);
	}
	*out_status = EAS_SYNC_STATUS_OK;
	return TRUE;
}

gboolean
airdockd_pim_apply_command (AirdockdRequest *req,
			    const AirdockdFolder *folder,
			    const EasSyncCommand *cmd,
			    EasSyncStatus *out_status,
			    char **out_server_id,
			    GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (AirdockdItem) item = NULL;

	*out_server_id = NULL;
	if (cmd->type == EAS_SYNC_CMD_ADD)
		return apply_data (req, folder, cmd, NULL, out_status, out_server_id, error);
	item = folder_item (req, folder, cmd->server_id, &local);
	if (item == NULL) {
		if (local != NULL) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		*out_status = EAS_SYNC_STATUS_NOT_FOUND;
		return TRUE;
	}
	switch (cmd->type) {
	case EAS_SYNC_CMD_CHANGE:
		return apply_data (req, folder, cmd, item, out_status, out_server_id, error);
	case EAS_SYNC_CMD_DELETE:
		/* [MS-ASCMD] 2.2.3.43 DeletesAsMoves concerns mail: PIM items go. */
		*out_status = EAS_SYNC_STATUS_OK;
		return airdockd_store_item_delete (req->store, req->user_id, cmd->server_id, error);
	case EAS_SYNC_CMD_FETCH:
		*out_status = EAS_SYNC_STATUS_OK;
		return TRUE;
	default:
		*out_status = EAS_SYNC_STATUS_INVALID_COMMAND;
		return TRUE;
	}
}

/* ---- server changes ------------------------------------------------------- */

gboolean
airdockd_pim_write_item (EasWbxmlWriter *w,
			 EasSyncCommandType type,
			 const AirdockdItem *item,
			 EasVersion version,
			 GError **error)
{
	g_auto (PimModel) model = { NULL };

	g_return_val_if_fail (type == EAS_SYNC_CMD_ADD || type == EAS_SYNC_CMD_CHANGE, FALSE);
	/* Decode first so that a failure writes nothing. */
	if (!pim_model_load (&model, item->item_class, item->data, error))
		return FALSE;
	eas_wbxml_writer_start (w, type == EAS_SYNC_CMD_ADD ? EAS_AIRSYNC_ADD : EAS_AIRSYNC_CHANGE);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SERVER_ID, item->server_id);
	pim_model_write (w, &model, version);
	eas_wbxml_writer_end (w);
	return TRUE;
}

void
airdockd_pim_write_fetch (EasWbxmlWriter *w,
			  AirdockdRequest *req,
			  const char *folder_id,
			  const char *server_id,
			  EasSyncStatus status)
{
	g_autoptr (AirdockdItem) item = NULL;
	g_auto (PimModel) model = { NULL };

	if (status == EAS_SYNC_STATUS_OK) {
		item = airdockd_store_item_get (req->store, req->user_id, server_id, NULL);
		if (item == NULL || g_strcmp0 (item->folder_id, folder_id) != 0 ||
		    !pim_model_load (&model, item->item_class, item->data, NULL))
			status = EAS_SYNC_STATUS_NOT_FOUND;
	}
	eas_wbxml_writer_start (w, EAS_AIRSYNC_FETCH);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SERVER_ID, server_id);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNC_STATUS, status);
	if (status == EAS_SYNC_STATUS_OK)
		pim_model_write (w, &model, req->version);
	eas_wbxml_writer_end (w);
}
