/* airdockd-cmd-meeting.c — MeetingResponse ([MS-ASCMD] 2.2.1.11).
 *
 * Each Request names a meeting request mail (CollectionId + RequestId, or
 * search:LongId) or, on 14.1+, a calendar item, with InstanceId for one
 * occurrence.  The answer goes into the user's calendar copy of the
 * meeting (PARTSTAT, BusyStatus, ResponseType); a declined meeting is
 * removed from the calendar (a declined occurrence stays, free).  The
 * request mail moves to Deleted Items, as Exchange does.
 *
 * The iTIP reply: in 2.5–14.1 the client sends it with SendMail
 * ([MS-ASCMD] 2.2.1.11), so the server sends nothing (a second copy would
 * reach the organizer twice); in 16.0+ the server sends it when the
 * Request carries SendResponse, with its Body as COMMENT and 16.1's
 * proposed times as a COUNTER.  It goes the way of SendMail: delivered
 * locally when the organizer is a user here, else through the [smtp]
 * relay; without a relay it cannot be sent and the Request fails (Status
 * 4) with nothing changed.  A copy lands in Sent Items.
 *
 * Statuses ([MS-ASCMD] 2.2.3.177.9): 2 for a malformed Request, an item
 * that is not a meeting request (or the user's own meeting), an InstanceId
 * on a mail; 3 when the store fails; 4 when the reply cannot be sent.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "eas/eas-meeting.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-compose.h"
#include "server/airdockd-config.h"
#include "server/airdockd-http.h"
#include "server/airdockd-lmtp.h"
#include "server/airdockd-meeting.h"
#include "server/airdockd-smtp.h"
#include "server/airdockd-store.h"

/* Seconds per relay reply, as SendMail. */
#define RELAY_REPLY_TIMEOUT_SECONDS 20

#define STATUS_OK 1
#define STATUS_INVALID 2
#define STATUS_MAILBOX 3
#define STATUS_SERVER 4

/* What one Request works on. */
typedef struct {
	AirdockdItem *mail;		/* the meeting request mail, or NULL */
	AirdockdItem *event;		/* the calendar copy, or NULL (to create) */
	icalcomponent *vcalendar;	/* the calendar copy's data (owned) */
	char *calendar_id;		/* the folder of the (new) event */
} Target;

static void
target_clear (Target *t)
{
	g_clear_pointer (&t->mail, airdockd_item_free);
	g_clear_pointer (&t->event, airdockd_item_free);
	g_clear_pointer (&t->vcalendar, icalcomponent_free);
	g_clear_pointer (&t->calendar_id, g_free);
}

static const char *
organizer_of (icalcomponent *vcalendar)
{
	icalcomponent *ev = eas_itip_find_vevent (vcalendar, 0);
	icalproperty *p;
	const char *v;

	if (ev == NULL)
		ev = icalcomponent_get_first_component (vcalendar, ICAL_VEVENT_COMPONENT);
	p = ev != NULL ? icalcomponent_get_first_property (ev, ICAL_ORGANIZER_PROPERTY) : NULL;
	v = p != NULL ? icalproperty_get_organizer (p) : NULL;
	if (v != NULL && g_ascii_strncasecmp (v, "mailto:", 7) == 0)
		v += 7;
	return v != NULL && strchr (v, '@') != NULL ? v : NULL;
}

static const char *
summary_of (icalcomponent *vcalendar)
{
	icalcomponent *ev = icalcomponent_get_first_component (vcalendar, ICAL_VEVENT_COMPONENT);
	const char *s = ev != NULL ? icalcomponent_get_summary (ev) : NULL;

	return s != NULL ? s : "";
}

/* A meeting request mail: its calendar copy (made from the mail's
 * invitation when the user deleted it meanwhile). */
static guint
target_from_mail (AirdockdRequest *req, const EasMeetingResponseRequest *r, AirdockdItem *mail, Target *t)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasItip) itip = airdockd_meeting_read_itip (req->store, mail, &error);
	g_autoptr (AirdockdFolder) calendar = NULL;

	t->mail = mail;
	if (itip == NULL || itip->method != EAS_ITIP_REQUEST || r->instance_time != 0)
		return STATUS_INVALID;
	calendar = airdockd_store_folder_get_by_type (req->store, req->user_id, AIRDOCKD_FOLDER_CALENDAR, &error);
	if (calendar == NULL)
		return STATUS_MAILBOX;
	t->calendar_id = g_strdup (calendar->server_id);
	t->event = airdockd_meeting_find_event (req->store, req->user_id, calendar->server_id, itip->uid,
	                                        &t->vcalendar, &error);
	if (error != NULL)
		return STATUS_MAILBOX;
	if (t->event == NULL) {
		t->vcalendar = icalcomponent_new_clone (itip->vcalendar);
		eas_itip_make_attendee_copy (t->vcalendar, req->user_email);
	}
	return STATUS_OK;
}

/* Answering from the calendar item: the invitation in the Inbox (the
 * newest one for that UID) is filed away too, as from the mail. */
static AirdockdItem *
request_mail_for (AirdockdRequest *req, const char *uid)
{
	g_autoptr (AirdockdFolder) inbox = airdockd_store_folder_get_by_type (req->store, req->user_id,
	                                                                     AIRDOCKD_FOLDER_INBOX, NULL);
	g_autoptr (GPtrArray) items = inbox != NULL
		? airdockd_store_item_list (req->store, req->user_id, inbox->server_id, 0, NULL) : NULL;

	for (guint i = items != NULL ? items->len : 0; i > 0; i--) {
		AirdockdItem *it = g_ptr_array_index (items, i - 1);
		g_autoptr (EasItip) itip = it->has_attachments ? airdockd_meeting_read_itip (req->store, it, NULL) : NULL;

		if (itip != NULL && itip->method == EAS_ITIP_REQUEST && g_strcmp0 (itip->uid, uid) == 0)
			return g_ptr_array_steal_index (items, i - 1);
	}
	return NULL;
}

static guint
find_target (AirdockdRequest *req, const EasMeetingResponseRequest *r, Target *t)
{
	const char *id = r->request_id != NULL ? r->request_id : r->long_id;
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdItem) item = airdockd_store_item_get (req->store, req->user_id, id, &error);
	const char *organizer;

	if (item == NULL)
		return g_error_matches (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND) ? STATUS_INVALID
		                                                                                  : STATUS_MAILBOX;
	if (r->request_id != NULL && r->collection_id != NULL && g_strcmp0 (item->folder_id, r->collection_id) != 0)
		return STATUS_INVALID;
	if (item->item_class == AIRDOCKD_ITEM_EMAIL)
		return target_from_mail (req, r, g_steal_pointer (&item), t);
	/* [MS-ASCMD] 2.2.1.11: a calendar item from 14.1 on. */
	if (item->item_class != AIRDOCKD_ITEM_CALENDAR || req->version < 141)
		return STATUS_INVALID;
	t->vcalendar = airdockd_meeting_parse_event (item, NULL);
	if (t->vcalendar == NULL)
		return STATUS_INVALID;
	/* The user's own meeting, or no meeting at all. */
	organizer = organizer_of (t->vcalendar);
	if (organizer == NULL || g_ascii_strcasecmp (organizer, req->user_email) == 0)
		return STATUS_INVALID;
	t->calendar_id = g_strdup (item->folder_id);
	t->event = g_steal_pointer (&item);
	icalcomponent *master = eas_itip_find_vevent (t->vcalendar, 0);
	if (r->instance_time == 0 && master != NULL && icalcomponent_get_uid (master) != NULL)
		t->mail = request_mail_for (req, icalcomponent_get_uid (master));
	return STATUS_OK;
}

static gboolean
relay (AirdockdRequest *req, const char *path, const char *to, GError **error)
{
	const AirdockdConfig *config = airdockd_server_get_config (req->server);
	AirdockdSmtpOptions opts = { 0 };
	const char *rcpt[] = { to, NULL };
	g_autoptr (GFile) file = NULL;
	g_autoptr (GFileInputStream) in = NULL;

	if (config == NULL || config->smtp_relay == NULL || config->smtp_relay[0] == '\0') {
		g_set_error (error, AIRDOCKD_SMTP_ERROR, AIRDOCKD_SMTP_ERROR_CONNECT, "no [smtp] relay configured");
		return FALSE;
	}
	opts.relay = config->smtp_relay;
	opts.helo_name = config->hostnames != NULL ? config->hostnames[0] : NULL;
	opts.timeout_seconds = RELAY_REPLY_TIMEOUT_SECONDS;
	file = g_file_new_for_path (path);
	in = g_file_read (file, NULL, error);
	if (in == NULL)
		return FALSE;
	return airdockd_smtp_send_sync (&opts, req->user_email, rcpt, G_INPUT_STREAM (in), NULL, error);
}

/* Local organizer: into their Inbox (the delivery hook records the answer
 * in their event); anyone else: through the relay.  Then Sent Items. */
static gboolean
send_reply (AirdockdRequest *req, const EasMeetingResponseRequest *r, icalcomponent *vcalendar,
            GError **error)
{
	static const char *const verbs[] = { NULL, "Accepted", "Tentative", "Declined" };
	static const char *const notes[] = { NULL, "accepted", "tentatively accepted", "declined" };
	gboolean counter = r->proposed_start != 0;
	const char *organizer = organizer_of (vcalendar);
	g_autofree char *ical = NULL;
	g_autofree char *subject = NULL;
	g_autofree char *note = NULL;
	g_autofree char *path = NULL;
	g_autoptr (AirdockdUser) local = NULL;
	g_autoptr (AirdockdFolder) sent = NULL;
	g_autoptr (AirdockdItem) copy = NULL;
	gboolean ok;

	if (organizer == NULL)
		return TRUE;
	ical = eas_itip_make_reply (vcalendar, req->user_email, r->user_response, r->instance_time,
	                            g_get_real_time () / G_USEC_PER_SEC, r->body,
	                            r->proposed_start, r->proposed_end, error);
	if (ical == NULL)
		return FALSE;
	subject = g_strdup_printf ("%s: %s", counter ? "New Time Proposed" : verbs[r->user_response],
	                           summary_of (vcalendar));
	note = g_strdup_printf ("%s has %s this meeting.\r\n%s", req->user_email, notes[r->user_response],
	                        r->body != NULL ? r->body : "");
	path = airdockd_meeting_write_message (req->store, req->user_email, organizer, subject, note,
	                                       counter ? "COUNTER" : "REPLY", ical, error);
	if (path == NULL)
		return FALSE;
	local = airdockd_store_user_lookup (req->store, organizer, NULL);
	if (local != NULL) {
		g_autoptr (AirdockdItem) delivered = airdockd_lmtp_deliver_file (req->store, local->id, path, error);

		ok = delivered != NULL;
	} else {
		ok = relay (req, path, organizer, error);
	}
	if (ok && (sent = airdockd_store_folder_get_by_type (req->store, req->user_id, AIRDOCKD_FOLDER_SENT, NULL)) != NULL)
		copy = airdockd_store_add_message (req->store, req->user_id, sent->server_id, path, TRUE, NULL);
	g_unlink (path);
	return ok;
}

/* Records the answer in the calendar: FALSE + error for a store failure. */
static gboolean
update_calendar (AirdockdRequest *req, const EasMeetingResponseRequest *r, Target *t, char **out_id,
                 GError **error)
{
	g_autoptr (AirdockdItem) added = NULL;
	char *text;
	g_autoptr (GBytes) data = NULL;

	if (r->user_response == EAS_MEETING_DECLINE && r->instance_time == 0) {
		/* Declined: off the calendar. */
		return t->event == NULL || airdockd_store_item_delete (req->store, req->user_id, t->event->server_id, error);
	}
	if (t->event != NULL) {
		*out_id = g_strdup (t->event->server_id);
		return airdockd_meeting_save_event (req->store, req->user_id, t->event, t->vcalendar, error);
	}
	text = icalcomponent_as_ical_string_r (t->vcalendar);
	data = g_bytes_new_take (text, strlen (text));
	added = airdockd_store_add_item (req->store, req->user_id, t->calendar_id, AIRDOCKD_ITEM_CALENDAR, data, error);
	if (added == NULL)
		return FALSE;
	*out_id = g_strdup (added->server_id);
	return TRUE;
}

/* The request mail goes to Deleted Items once answered. */
static gboolean
file_request_mail (AirdockdRequest *req, const AirdockdItem *mail, GError **error)
{
	g_autoptr (AirdockdFolder) deleted = airdockd_store_folder_get_by_type (req->store, req->user_id,
	                                                                       AIRDOCKD_FOLDER_DELETED, error);
	g_autofree char *moved = NULL;

	if (deleted == NULL)
		return FALSE;
	if (g_strcmp0 (mail->folder_id, deleted->server_id) == 0)
		return TRUE;
	moved = airdockd_store_item_move (req->store, req->user_id, mail->server_id, deleted->server_id, error);
	return moved != NULL;
}

static guint
apply (AirdockdRequest *req, const EasMeetingResponseRequest *r, Target *t, char **out_calendar_id)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *id = NULL;
	gint64 now = g_get_real_time () / G_USEC_PER_SEC;
	gboolean send = req->version >= 160 && r->send_response;

	/* InstanceId naming no occurrence: Status 2. */
	if (!eas_itip_set_response (t->vcalendar, req->user_email, r->user_response, r->instance_time, now))
		return STATUS_INVALID;
	if (!airdockd_store_begin (req->store, &error))
		return STATUS_MAILBOX;
	if (!update_calendar (req, r, t, &id, &error) ||
	    (t->mail != NULL && !file_request_mail (req, t->mail, &error))) {
		airdockd_store_rollback (req->store);
		airdockd_mail_log (req, G_LOG_LEVEL_WARNING, "meeting response: %s", error->message);
		return STATUS_MAILBOX;
	}
	if (send && !send_reply (req, r, t->vcalendar, &error)) {
		airdockd_store_rollback (req->store);
		airdockd_mail_log (req, G_LOG_LEVEL_WARNING, "meeting reply: %s", error->message);
		return STATUS_SERVER;
	}
	if (!airdockd_store_commit (req->store, &error)) {
		airdockd_store_rollback (req->store);
		airdockd_mail_log (req, G_LOG_LEVEL_WARNING, "meeting response: %s", error->message);
		return STATUS_MAILBOX;
	}
	/* [MS-ASCMD] 2.2.3.18: no CalendarId for a declined meeting. */
	if (r->user_response != EAS_MEETING_DECLINE)
		*out_calendar_id = g_steal_pointer (&id);
	return STATUS_OK;
}

static EasMeetingResponseResult *
respond_one (AirdockdRequest *req, const EasMeetingResponseRequest *r)
{
	EasMeetingResponseResult *res = g_new0 (EasMeetingResponseResult, 1);
	Target t = { 0 };

	res->request_id = g_strdup (r->request_id != NULL ? r->request_id : r->long_id);
	res->status = r->valid ? find_target (req, r, &t) : STATUS_INVALID;
	if (res->status == STATUS_OK)
		res->status = apply (req, r, &t, &res->calendar_id);
	if (res->status == STATUS_INVALID)
		airdockd_mail_log (req, G_LOG_LEVEL_INFO, "meeting response: request %s is not a meeting request to answer",
		                   res->request_id != NULL ? res->request_id : "(none)");
	target_clear (&t);
	return res;
}

void
airdockd_cmd_meeting_response (AirdockdRequest *req)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (req->body, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) requests = eas_meeting_response_decode (data, len, req->version, &error);
	g_autoptr (GPtrArray) results = NULL;

	if (requests == NULL) {
		airdockd_mail_log (req, G_LOG_LEVEL_INFO, "bad request: %s", error->message);
		/* [MS-ASCMD] 2.2.2: 103 InvalidXML (102 when not even WBXML). */
		airdockd_request_set_status (req, error->domain == EAS_WBXML_ERROR ? 102 : 103);
		return;
	}
	results = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_meeting_response_result_free);
	for (guint i = 0; i < requests->len; i++)
		g_ptr_array_add (results, respond_one (req, g_ptr_array_index (requests, i)));
	airdockd_request_set_wbxml (req, eas_meeting_response_encode (results));
}
