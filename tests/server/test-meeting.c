/* test-meeting.c — meetings by mail over real HTTP against the real
 * airdockd: an invitation (hand-written like Outlook and Google send them,
 * Europe/Berlin with a weekly RRULE) delivered to Bob shows up in his Inbox
 * as a meeting request and in his Calendar as a tentative event; an update
 * changes that event; MeetingResponse accepts, declines, answers
 * tentatively; on 16.1 the REPLY reaches the organizer, a local user,
 * whose event records the answer; a cancellation; bad input. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "eas/eas-calendar.h"
#include "eas/eas-meeting.h"
#include "eas/eas-timezone.h"
#include "server/airdockd-lmtp.h"
#include "server/airdockd-meeting.h"
#include "server/airdockd-store.h"
#include "tests/server/eas-client.h"
#include "tests/server/smtp-peer.h"

#define BOB "bob"
#define BOB_EMAIL "bob@example.org"
#define OLIVIA "olivia"
#define OLIVIA_EMAIL "olivia@example.org"
#define PASSWORD "s3cret-meeting"

#define OUTLOOK_UID "040000008200E00074C5B7101A82E00800000000B0E1C2D3A4F5DC0100000000000000001000" \
	"0000A1B2C3D4E5F60718293A4B5C6D7E8F90"
#define GOOGLE_UID "5k2l9q0h1t8a7c3mfj4e6r2p1s@google.com"
/* 2026-07-07 10:00 and 11:00 in Berlin (CEST, UTC+2). */
#define START 1783411200
#define END 1783414800

typedef struct {
	AirdockHarness *h;
	AirdockdStore *store;
	gint64 bob;
	gint64 olivia;
	AirdockEasClient *c;
	EasVersion version;
	char *inbox;
	char *calendar;
	char *inbox_key;
	char *calendar_key;
} Fixture;

static char *
folder_of (Fixture *f, gint64 user, AirdockdFolderType type)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) folder = airdockd_store_folder_get_by_type (f->store, user, type, &error);

	g_assert_no_error (error);
	return g_strdup (folder->server_id);
}

static void
fixture_init (Fixture *f, EasVersion version, const char *extra_config)
{
	g_autoptr (GError) error = NULL;

	f->version = version;
	f->h = airdock_harness_start (extra_config);
	f->bob = airdock_harness_add_user (f->h, BOB, BOB_EMAIL, PASSWORD);
	f->olivia = airdock_harness_add_user (f->h, OLIVIA, OLIVIA_EMAIL, PASSWORD);
	f->store = airdock_harness_open_store (f->h);
	f->c = airdock_eas_client_new (f->h, FALSE, BOB, PASSWORD, "MEETDEV", "TestPhone", f->version);
	g_assert_true (airdock_eas_client_provision (f->c, NULL, &error));
	g_assert_no_error (error);
	f->inbox = folder_of (f, f->bob, AIRDOCKD_FOLDER_INBOX);
	f->calendar = folder_of (f, f->bob, AIRDOCKD_FOLDER_CALENDAR);
	f->inbox_key = g_strdup ("0");
	f->calendar_key = g_strdup ("0");
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	fixture_init (f, GPOINTER_TO_UINT (data), NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_free (f->inbox);
	g_free (f->calendar);
	g_free (f->inbox_key);
	g_free (f->calendar_key);
	g_clear_pointer (&f->c, airdock_eas_client_free);
	g_clear_pointer (&f->store, airdockd_store_unref);
	g_clear_pointer (&f->h, airdock_harness_free);
}

/* ---- mail in ------------------------------------------------------------------ */

static char *
read_fixture (const char *name)
{
	g_autofree char *path = g_test_build_filename (G_TEST_DIST, "tests", "data", "meeting", name, NULL);
	g_autoptr (GError) error = NULL;
	char *text = NULL;

	g_file_get_contents (path, &text, NULL, &error);
	g_assert_no_error (error);
	return text;
}

/* A mail from Olivia to Bob with a text part and the calendar part. */
static AirdockdItem *
deliver (Fixture *f, gint64 user, const char *subject, const char *method, const char *ical)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("test-meeting-XXXXXX", &error);
	g_autofree char *path = g_build_filename (dir, "mail", NULL);
	g_autofree char *mail = g_strdup_printf (
		"From: Olivia Organizer <" OLIVIA_EMAIL ">\r\n"
		"To: Bob Attendee <" BOB_EMAIL ">\r\n"
		"Subject: %s\r\n"
		"Date: Mon, 01 Jun 2026 08:00:00 +0000\r\n"
		"Message-ID: <%s@example.org>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYou are invited.\r\n"
		"--b1\r\nContent-Type: text/calendar; charset=utf-8; method=%s\r\n\r\n%s\r\n"
		"--b1--\r\n", subject, g_test_get_path (), method, ical);
	AirdockdItem *item;

	g_assert_no_error (error);
	g_file_set_contents (path, mail, -1, &error);
	g_assert_no_error (error);
	item = airdockd_lmtp_deliver_file (f->store, user, path, &error);
	g_assert_no_error (error);
	g_assert_nonnull (item);
	g_unlink (path);
	g_rmdir (dir);
	return item;
}

static char *
replace (const char *text, const char *from, const char *to)
{
	g_auto (GStrv) parts = g_strsplit (text, from, -1);

	return g_strjoinv (to, parts);
}

/* ---- Sync ----------------------------------------------------------------------- */

/* Syncs collection (twice from key "0") and returns the response holding
 * the server's commands. */
static AirdockEasResponse *
do_sync (Fixture *f, const char *collection, char **key)
{
	for (;;) {
		g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
		g_autoptr (GError) error = NULL;
		EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
		AirdockEasResponse *r;
		EasNode *rcol;
		gboolean initial = strcmp (*key, "0") == 0;

		eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, *key);
		eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, collection);
		if (!initial)
			eas_node_append_text (col, EAS_AIRSYNC_GET_CHANGES, "1");
		r = airdock_eas_client_post_tree (f->c, EAS_CMD_SYNC, root, &error);
		g_assert_no_error (error);
		g_assert_cmpuint (r->http_status, ==, 200);
		g_assert_nonnull (r->tree);
		rcol = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
		g_assert_nonnull (rcol);
		g_assert_cmpstr (eas_node_child_text (rcol, EAS_AIRSYNC_STATUS), ==, "1");
		g_free (*key);
		*key = g_strdup (eas_node_child_text (rcol, EAS_AIRSYNC_SYNC_KEY));
		if (!initial)
			return r;
		airdock_eas_response_free (r);
	}
}

/* The ApplicationData of the server command tag for server_id (NULL when
 * absent).  Points into r. */
static EasNode *
command_for (AirdockEasResponse *r, EasTag tag, const char *server_id)
{
	EasNode *cmds = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
	                               EAS_AIRSYNC_COMMANDS, 0);

	for (EasNode *n = cmds ? cmds->first_child : NULL; n != NULL; n = n->next) {
		if (n->tag == tag && (server_id == NULL || g_strcmp0 (eas_node_child_text (n, EAS_AIRSYNC_SERVER_ID), server_id) == 0))
			return n;
	}
	return NULL;
}

static guint
count_commands (AirdockEasResponse *r)
{
	EasNode *cmds = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION,
	                               EAS_AIRSYNC_COMMANDS, 0);
	guint n = 0;

	for (EasNode *c = cmds ? cmds->first_child : NULL; c != NULL; c = c->next)
		n++;
	return n;
}

static EasEvent *
event_of (Fixture *f, EasNode *cmd)
{
	g_autoptr (GError) error = NULL;
	EasNode *ad;
	EasEvent *ev;

	g_assert_nonnull (cmd);
	ad = eas_node_child (cmd, EAS_AIRSYNC_APPLICATION_DATA);
	g_assert_nonnull (ad);
	ev = eas_event_decode (ad, f->version, &error);
	g_assert_no_error (error);
	return ev;
}

static guint64
calendar_count (Fixture *f, gint64 user)
{
	g_autofree char *folder = folder_of (f, user, AIRDOCKD_FOLDER_CALENDAR);
	g_autoptr (GError) error = NULL;
	guint64 n = 0;

	g_assert_true (airdockd_store_item_count (f->store, user, folder, &n, &error));
	g_assert_no_error (error);
	return n;
}

/* ---- MeetingResponse ------------------------------------------------------------- */

static AirdockEasResponse *
meeting_response (Fixture *f, guint user_response, const char *collection, const char *request_id,
                  gboolean send_response)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_MEETINGRESPONSE_MEETING_RESPONSE);
	EasNode *req = eas_node_append (root, EAS_MEETINGRESPONSE_REQUEST);
	g_autofree char *ur = g_strdup_printf ("%u", user_response);
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r;

	eas_node_append_text (req, EAS_MEETINGRESPONSE_USER_RESPONSE, ur);
	eas_node_append_text (req, EAS_MEETINGRESPONSE_COLLECTION_ID, collection);
	eas_node_append_text (req, EAS_MEETINGRESPONSE_REQUEST_ID, request_id);
	if (send_response) {
		EasNode *sr = eas_node_append (req, EAS_MEETINGRESPONSE_SEND_RESPONSE);
		EasNode *body = eas_node_append (sr, EAS_AIRSYNCBASE_BODY);

		eas_node_append_text (body, EAS_AIRSYNCBASE_TYPE, "1");
		eas_node_append_text (body, EAS_AIRSYNCBASE_DATA, "See you there");
	}
	r = airdock_eas_client_post_tree (f->c, EAS_CMD_MEETING_RESPONSE, root, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	g_assert_cmpuint (r->tree->tag, ==, EAS_MEETINGRESPONSE_MEETING_RESPONSE);
	return r;
}

static const char *
result_text (AirdockEasResponse *r, EasTag tag)
{
	return eas_node_child_text (eas_node_child (r->tree, EAS_MEETINGRESPONSE_RESULT), tag);
}

/* Olivia's own copy of the meeting she organizes (Google's invitation
 * without METHOD). */
static char *
add_organizer_copy (Fixture *f)
{
	g_autofree char *ics = read_fixture ("invite-google.ics");
	g_autofree char *plain = replace (ics, "METHOD:REQUEST\n", "");
	g_autofree char *folder = folder_of (f, f->olivia, AIRDOCKD_FOLDER_CALENDAR);
	g_autoptr (GBytes) data = g_bytes_new (plain, strlen (plain));
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdItem) item = airdockd_store_add_item (f->store, f->olivia, folder, AIRDOCKD_ITEM_CALENDAR,
	                                                         data, &error);

	g_assert_no_error (error);
	return g_strdup (item->server_id);
}

static char *
item_text (Fixture *f, gint64 user, const char *server_id)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdItem) item = airdockd_store_item_get (f->store, user, server_id, &error);

	g_assert_no_error (error);
	return g_strndup (g_bytes_get_data (item->data, NULL), g_bytes_get_size (item->data));
}

/* The PARTSTAT of email in the first VEVENT of a stored event's text. */
static icalparameter_partstat
partstat_of (const char *text, const char *email)
{
	icalcomponent *cal = icalparser_parse_string (text);
	icalcomponent *ev = cal != NULL ? icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT) : NULL;
	icalparameter_partstat ps = ICAL_PARTSTAT_NONE;

	g_assert_nonnull (ev);
	for (icalproperty *p = icalcomponent_get_first_property (ev, ICAL_ATTENDEE_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property (ev, ICAL_ATTENDEE_PROPERTY)) {
		const char *v = icalproperty_get_attendee (p);
		icalparameter *par = icalproperty_get_first_parameter (p, ICAL_PARTSTAT_PARAMETER);

		if (v != NULL && g_ascii_strcasecmp (v + (g_str_has_prefix (v, "mailto:") ? 7 : 0), email) == 0 && par != NULL)
			ps = icalparameter_get_partstat (par);
	}
	icalcomponent_free (cal);
	return ps;
}

/* ---- tests ------------------------------------------------------------------------ */

static void
check_meeting_request (Fixture *f, EasNode *ad, const char *uid)
{
	EasNode *mr = eas_node_child (ad, EAS_EMAIL_MEETING_REQUEST);
	EasTimeZone tz;
	g_autoptr (GError) error = NULL;
	gint64 t = 0;

	g_assert_cmpstr (eas_node_child_text (ad, EAS_EMAIL_MESSAGE_CLASS), ==, "IPM.Schedule.Meeting.Request");
	g_assert_nonnull (mr);
	g_assert_true (eas_pim_parse_time (eas_node_child_text (mr, EAS_EMAIL_START_TIME), &t));
	g_assert_cmpint (t, ==, START);
	g_assert_true (eas_pim_parse_time (eas_node_child_text (mr, EAS_EMAIL_END_TIME), &t));
	g_assert_cmpint (t, ==, END);
	g_assert_cmpstr (eas_node_child_text (mr, EAS_EMAIL_INSTANCE_TYPE), ==, "1");
	g_assert_cmpstr (eas_node_child_text (mr, EAS_EMAIL_ALL_DAY_EVENT), ==, "0");
	g_assert_cmpstr (eas_node_child_text (mr, EAS_EMAIL_BUSY_STATUS), ==, "2");
	g_assert_cmpstr (eas_node_child_text (mr, EAS_EMAIL_RESPONSE_REQUESTED), ==, "1");
	g_assert_nonnull (strstr (eas_node_child_text (mr, EAS_EMAIL_ORGANIZER), OLIVIA_EMAIL));
	/* Weekly on Tuesdays. */
	g_assert_cmpstr (eas_node_child_text (eas_node_path (mr, EAS_EMAIL_RECURRENCES, EAS_EMAIL_RECURRENCE, 0),
	                                      EAS_EMAIL_TYPE), ==, "1");
	g_assert_cmpstr (eas_node_child_text (eas_node_path (mr, EAS_EMAIL_RECURRENCES, EAS_EMAIL_RECURRENCE, 0),
	                                      EAS_EMAIL_DAY_OF_WEEK), ==, "4");
	/* Berlin: UTC+1, one hour more from the last Sunday of March to the
	 * last Sunday of October. */
	g_assert_true (eas_timezone_decode_base64 (eas_node_child_text (mr, EAS_EMAIL_TIME_ZONE), -1, &tz, &error));
	g_assert_no_error (error);
	g_assert_cmpint (tz.bias, ==, -60);
	g_assert_cmpint (tz.daylight_bias, ==, -60);
	g_assert_cmpuint (tz.daylight_date.month, ==, 3);
	g_assert_cmpuint (tz.standard_date.month, ==, 10);
	g_assert_cmpuint (tz.standard_date.day, ==, 5);
	if (f->version < 160) {
		gsize n = 0;
		g_autofree guchar *goid = g_base64_decode (eas_node_child_text (mr, EAS_EMAIL_GLOBAL_OBJ_ID), &n);
		g_autofree char *back = eas_meeting_uid_from_global_obj_id (goid, n);

		g_assert_cmpstr (back, ==, uid);
		g_assert_null (eas_node_child (mr, EAS_CALENDAR_UID));
	} else {
		g_assert_null (eas_node_child (mr, EAS_EMAIL_GLOBAL_OBJ_ID));
		g_assert_cmpstr (eas_node_child_text (mr, EAS_CALENDAR_UID), ==, uid);
	}
	if (f->version >= 141)
		g_assert_cmpstr (eas_node_child_text (mr, EAS_EMAIL2_MEETING_MESSAGE_TYPE), ==, "1");
	else
		g_assert_null (eas_node_child (mr, EAS_EMAIL2_MEETING_MESSAGE_TYPE));
}

/* Invitation → Inbox meeting request + tentative event; update; accept. */
static void
test_invite_accept (Fixture *f, gconstpointer data)
{
	g_autofree char *outlook = read_fixture ("invite-outlook.ics");
	g_autofree char *ics = NULL;
	g_autofree char *update = NULL;
	g_autofree char *organizer_event = add_organizer_copy (f);
	g_autofree char *event_id = NULL;
	g_autofree char *olivia_text = NULL;
	g_autofree char *olivia_inbox = folder_of (f, f->olivia, AIRDOCKD_FOLDER_INBOX);
	g_autoptr (AirdockdItem) mail = NULL;
	g_autoptr (AirdockdItem) gone = NULL;
	g_autoptr (EasEvent) ev = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) olivia_mail = NULL;
	AirdockEasResponse *r;
	EasNode *cmd;

	airdock_eas_response_free (do_sync (f, f->inbox, &f->inbox_key));
	airdock_eas_response_free (do_sync (f, f->calendar, &f->calendar_key));

	/* Outlook's invitation uses Google's UID here so that Olivia's event
	 * (made from Google's text) is the same meeting. */
	ics = replace (outlook, OUTLOOK_UID, GOOGLE_UID);
	mail = deliver (f, f->bob, "Weekly planning", "REQUEST", ics);

	r = do_sync (f, f->inbox, &f->inbox_key);
	cmd = command_for (r, EAS_AIRSYNC_ADD, mail->server_id);
	g_assert_nonnull (cmd);
	check_meeting_request (f, eas_node_child (cmd, EAS_AIRSYNC_APPLICATION_DATA), GOOGLE_UID);
	/* [MS-ASEMAIL] 2.2.2.64: Outlook's 15-minute alarm, in seconds. */
	g_assert_cmpstr (eas_node_child_text (eas_node_path (cmd, EAS_AIRSYNC_APPLICATION_DATA,
	                                                     EAS_EMAIL_MEETING_REQUEST, 0), EAS_EMAIL_REMINDER), ==, "900");
	airdock_eas_response_free (r);

	/* The tentative event. */
	r = do_sync (f, f->calendar, &f->calendar_key);
	g_assert_cmpuint (count_commands (r), ==, 1);
	cmd = command_for (r, EAS_AIRSYNC_ADD, NULL);
	event_id = g_strdup (eas_node_child_text (cmd, EAS_AIRSYNC_SERVER_ID));
	ev = event_of (f, cmd);
	g_assert_cmpint (ev->start_time, ==, START);
	g_assert_cmpint (ev->end_time, ==, END);
	g_assert_cmpint (ev->busy_status, ==, 1);
	g_assert_cmpint (ev->meeting_status, ==, 3);
	g_assert_cmpstr (ev->subject, ==, "Weekly planning");
	g_assert_nonnull (ev->recurrence);
	if (f->version >= 140)
		g_assert_cmpint (ev->response_type, ==, 5);
	g_clear_pointer (&ev, eas_event_free);
	airdock_eas_response_free (r);

	/* An update (SEQUENCE 1, new room) changes the same event. */
	update = replace (ics, "SEQUENCE:0", "SEQUENCE:1");
	g_free (ics);
	ics = replace (update, "Room 4.12", "Room 5.01");
	g_clear_pointer (&mail, airdockd_item_free);
	mail = deliver (f, f->bob, "Weekly planning (updated)", "REQUEST", ics);
	r = do_sync (f, f->calendar, &f->calendar_key);
	g_assert_cmpuint (count_commands (r), ==, 1);
	ev = event_of (f, command_for (r, EAS_AIRSYNC_CHANGE, event_id));
	g_assert_cmpstr (ev->location, ==, "Room 5.01");
	g_clear_pointer (&ev, eas_event_free);
	airdock_eas_response_free (r);
	g_assert_cmpuint (calendar_count (f, f->bob), ==, 1);
	/* A stale copy (SEQUENCE 0) changes nothing. */
	{
		g_autofree char *stale = read_fixture ("invite-outlook.ics");
		g_autofree char *stale2 = replace (stale, OUTLOOK_UID, GOOGLE_UID);
		g_autoptr (AirdockdItem) old = deliver (f, f->bob, "Weekly planning", "REQUEST", stale2);
		g_autofree char *text = item_text (f, f->bob, event_id);

		g_assert_nonnull (strstr (text, "Room 5.01"));
	}
	airdock_eas_response_free (do_sync (f, f->inbox, &f->inbox_key));

	/* Accept. */
	r = meeting_response (f, EAS_MEETING_ACCEPT, f->inbox, mail->server_id, f->version >= 160);
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_REQUEST_ID), ==, mail->server_id);
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_STATUS), ==, "1");
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_CALENDAR_ID), ==, event_id);
	airdock_eas_response_free (r);

	r = do_sync (f, f->calendar, &f->calendar_key);
	ev = event_of (f, command_for (r, EAS_AIRSYNC_CHANGE, event_id));
	g_assert_cmpint (ev->busy_status, ==, 2);
	if (f->version >= 140)
		g_assert_cmpint (ev->response_type, ==, 3);
	airdock_eas_response_free (r);

	/* The request mail went to Deleted Items. */
	gone = airdockd_store_item_get (f->store, f->bob, mail->server_id, &error);
	g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	g_clear_error (&error);

	/* The REPLY: 16.x sends it (SendResponse); before, the device does
	 * with SendMail ([MS-ASCMD] 2.2.1.11), so nothing must go out. */
	olivia_mail = airdockd_store_item_list (f->store, f->olivia, olivia_inbox, 0, &error);
	g_assert_no_error (error);
	olivia_text = item_text (f, f->olivia, organizer_event);
	if (f->version >= 160) {
		const AirdockdItem *reply;
		g_autofree char *raw = NULL;

		g_assert_cmpuint (olivia_mail->len, ==, 1);
		reply = g_ptr_array_index (olivia_mail, 0);
		g_assert_cmpstr (reply->subject, ==, "Accepted: Weekly planning");
		g_file_get_contents (reply->message_path, &raw, NULL, &error);
		g_assert_no_error (error);
		g_assert_nonnull (strstr (raw, "method=REPLY"));
		/* Olivia's event records Bob's answer. */
		g_assert_cmpint (partstat_of (olivia_text, BOB_EMAIL), ==, ICAL_PARTSTAT_ACCEPTED);
		{
			g_autoptr (EasItip) itip = NULL;
			g_autoptr (AirdockdItem) item = airdockd_store_item_get (f->store, f->olivia, reply->server_id, &error);
			g_autoptr (GPtrArray) atts = NULL;

			g_assert_no_error (error);
			itip = airdockd_meeting_read_itip (f->store, item, &error);
			g_assert_no_error (error);
			g_assert_nonnull (itip);
			g_assert_cmpint (itip->method, ==, EAS_ITIP_REPLY);
			g_assert_cmpstr (itip->uid, ==, GOOGLE_UID);
			g_assert_cmpint (itip->sequence, ==, 1);
			g_assert_cmpstr (eas_meeting_message_class (itip), ==, "IPM.Schedule.Meeting.Resp.Pos");
		}
	} else {
		g_assert_cmpuint (olivia_mail->len, ==, 0);
		g_assert_cmpint (partstat_of (olivia_text, BOB_EMAIL), ==, ICAL_PARTSTAT_NEEDSACTION);
	}
}

/* Decline removes the event; no CalendarId. */
static void
test_decline (Fixture *f, gconstpointer data)
{
	g_autofree char *ics = read_fixture ("invite-google.ics");
	g_autoptr (AirdockdItem) mail = deliver (f, f->bob, "Weekly planning", "REQUEST", ics);
	AirdockEasResponse *r;

	g_autoptr (EasNode) root = eas_node_new (EAS_MEETINGRESPONSE_MEETING_RESPONSE);
	EasNode *req = eas_node_append (root, EAS_MEETINGRESPONSE_REQUEST);
	g_autoptr (GError) error = NULL;

	g_assert_cmpuint (calendar_count (f, f->bob), ==, 1);
	airdock_eas_response_free (do_sync (f, f->inbox, &f->inbox_key));
	/* By search:LongId, as after a Search (our long ids are server ids). */
	eas_node_append_text (req, EAS_MEETINGRESPONSE_USER_RESPONSE, "3");
	eas_node_append_text (req, EAS_SEARCH_LONG_ID, mail->server_id);
	r = airdock_eas_client_post_tree (f->c, EAS_CMD_MEETING_RESPONSE, root, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_STATUS), ==, "1");
	g_assert_null (result_text (r, EAS_MEETINGRESPONSE_CALENDAR_ID));
	airdock_eas_response_free (r);
	g_assert_cmpuint (calendar_count (f, f->bob), ==, 0);
}

/* Tentative, from the calendar item on 14.1+ (from the mail before). */
static void
test_tentative (Fixture *f, gconstpointer data)
{
	g_autofree char *ics = read_fixture ("invite-google.ics");
	g_autoptr (AirdockdItem) mail = deliver (f, f->bob, "Weekly planning", "REQUEST", ics);
	g_autoptr (EasEvent) ev = NULL;
	g_autofree char *event_id = NULL;
	AirdockEasResponse *r;
	EasNode *cmd;

	airdock_eas_response_free (do_sync (f, f->inbox, &f->inbox_key));
	r = do_sync (f, f->calendar, &f->calendar_key);
	cmd = command_for (r, EAS_AIRSYNC_ADD, NULL);
	g_assert_nonnull (cmd);
	event_id = g_strdup (eas_node_child_text (cmd, EAS_AIRSYNC_SERVER_ID));
	airdock_eas_response_free (r);

	if (f->version >= 141)
		r = meeting_response (f, EAS_MEETING_TENTATIVE, f->calendar, event_id, FALSE);
	else
		r = meeting_response (f, EAS_MEETING_TENTATIVE, f->inbox, mail->server_id, FALSE);
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_STATUS), ==, "1");
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_CALENDAR_ID), ==, event_id);
	airdock_eas_response_free (r);
	/* Answered from either side, the invitation leaves the Inbox. */
	{
		g_autoptr (GError) error = NULL;
		g_autoptr (AirdockdItem) gone = airdockd_store_item_get (f->store, f->bob, mail->server_id, &error);

		g_assert_error (error, AIRDOCKD_STORE_ERROR, AIRDOCKD_STORE_ERROR_NOT_FOUND);
	}
	r = do_sync (f, f->calendar, &f->calendar_key);
	ev = event_of (f, command_for (r, EAS_AIRSYNC_CHANGE, event_id));
	g_assert_cmpint (ev->busy_status, ==, 1);
	if (f->version >= 140)
		g_assert_cmpint (ev->response_type, ==, 2);
	airdock_eas_response_free (r);
	{
		g_autofree char *text = item_text (f, f->bob, event_id);

		g_assert_cmpint (partstat_of (text, BOB_EMAIL), ==, ICAL_PARTSTAT_TENTATIVE);
	}
}

/* Bad requests: Status 2 each; a request for a plain mail too. */
static void
test_bad_request (Fixture *f, gconstpointer data)
{
	g_autoptr (AirdockdItem) plain = deliver (f, f->bob, "Not a meeting", "PUBLISH", "no calendar here");
	AirdockEasResponse *r;

	r = meeting_response (f, EAS_MEETING_ACCEPT, f->inbox, "no-such-item", FALSE);
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_STATUS), ==, "2");
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_REQUEST_ID), ==, "no-such-item");
	airdock_eas_response_free (r);
	r = meeting_response (f, EAS_MEETING_ACCEPT, f->inbox, plain->server_id, FALSE);
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_STATUS), ==, "2");
	airdock_eas_response_free (r);
	/* UserResponse outside 1–3. */
	r = meeting_response (f, 7, f->inbox, plain->server_id, FALSE);
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_STATUS), ==, "2");
	airdock_eas_response_free (r);
	/* Not a MeetingResponse document at all: the command's own Status. */
	{
		g_autoptr (EasNode) root = eas_node_new (EAS_MOVE_MOVE_ITEMS);
		g_autoptr (GError) error = NULL;
		g_autoptr (AirdockEasResponse) bad = airdock_eas_client_post_tree (f->c, EAS_CMD_MEETING_RESPONSE, root, &error);

		g_assert_no_error (error);
		g_assert_nonnull (bad->tree);
		g_assert_cmpstr (eas_node_child_text (bad->tree, EAS_MEETINGRESPONSE_STATUS), ==, "103");
	}
}

/* A meeting organized elsewhere: on 16.1 the reply needs the relay, and
 * there is none: Status 4, nothing changed. */
static void
test_no_relay (Fixture *f, gconstpointer data)
{
	g_autofree char *ics = read_fixture ("invite-google.ics");
	g_autofree char *ext = replace (ics, "mailto:olivia@example.org", "mailto:someone@example.net");
	g_autoptr (AirdockdItem) mail = deliver (f, f->bob, "Weekly planning", "REQUEST", ext);
	g_autoptr (AirdockdItem) still = NULL;
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r;

	r = meeting_response (f, EAS_MEETING_ACCEPT, f->inbox, mail->server_id, TRUE);
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_STATUS), ==, "4");
	airdock_eas_response_free (r);
	still = airdockd_store_item_get (f->store, f->bob, mail->server_id, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (still->folder_id, ==, f->inbox);
}

/* A cancellation: the mail is IPM.Schedule.Meeting.Canceled, the event
 * cancelled and free. */
static void
test_cancel (Fixture *f, gconstpointer data)
{
	g_autofree char *ics = read_fixture ("invite-google.ics");
	g_autofree char *c1 = replace (ics, "METHOD:REQUEST", "METHOD:CANCEL");
	g_autofree char *cancel = replace (c1, "SEQUENCE:0", "SEQUENCE:1");
	g_autoptr (AirdockdItem) mail = deliver (f, f->bob, "Weekly planning", "REQUEST", ics);
	g_autoptr (AirdockdItem) cmail = NULL;
	g_autoptr (EasEvent) ev = NULL;
	AirdockEasResponse *r;
	EasNode *ad;

	airdock_eas_response_free (do_sync (f, f->inbox, &f->inbox_key));
	airdock_eas_response_free (do_sync (f, f->calendar, &f->calendar_key));
	cmail = deliver (f, f->bob, "Canceled: Weekly planning", "CANCEL", cancel);
	r = do_sync (f, f->inbox, &f->inbox_key);
	ad = eas_node_child (command_for (r, EAS_AIRSYNC_ADD, cmail->server_id), EAS_AIRSYNC_APPLICATION_DATA);
	g_assert_nonnull (ad);
	g_assert_cmpstr (eas_node_child_text (ad, EAS_EMAIL_MESSAGE_CLASS), ==, "IPM.Schedule.Meeting.Canceled");
	g_assert_nonnull (eas_node_child (ad, EAS_EMAIL_MEETING_REQUEST));
	airdock_eas_response_free (r);
	r = do_sync (f, f->calendar, &f->calendar_key);
	g_assert_cmpuint (count_commands (r), ==, 1);
	ev = event_of (f, command_for (r, EAS_AIRSYNC_CHANGE, NULL));
	g_assert_cmpint (ev->meeting_status, ==, 7);
	g_assert_cmpint (ev->busy_status, ==, 0);
	airdock_eas_response_free (r);
}

/* A malformed calendar part: the mail still arrives, as plain mail. */
static void
test_malformed (Fixture *f, gconstpointer data)
{
	static const char *const bad[] = {
		"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nDTSTART:notadate\r\nEND:VEVENT\r\nEND:VCALENDAR",
		"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nSUMMARY:no uid\r\nEND:VEVENT\r\nEND:VCALENDAR",
		"\x01\x02 garbage",
		"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\n",
	};
	AirdockEasResponse *r;

	airdock_eas_response_free (do_sync (f, f->inbox, &f->inbox_key));
	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (AirdockdItem) mail = deliver (f, f->bob, "Broken invitation", "REQUEST", bad[i]);
		EasNode *ad;

		r = do_sync (f, f->inbox, &f->inbox_key);
		ad = eas_node_child (command_for (r, EAS_AIRSYNC_ADD, mail->server_id), EAS_AIRSYNC_APPLICATION_DATA);
		g_assert_nonnull (ad);
		g_assert_cmpstr (eas_node_child_text (ad, EAS_EMAIL_MESSAGE_CLASS), ==, "IPM.Note");
		g_assert_null (eas_node_child (ad, EAS_EMAIL_MEETING_REQUEST));
		airdock_eas_response_free (r);
	}
	g_assert_cmpuint (calendar_count (f, f->bob), ==, 0);
}

/* OPTIONS announces MeetingResponse. */
static void
test_options (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = airdock_eas_client_request (f->c, "OPTIONS", "/Microsoft-Server-ActiveSync", &error);
	g_auto (GStrv) names = NULL;

	g_assert_no_error (error);
	names = g_strsplit (soup_message_headers_get_one (r->headers, "MS-ASProtocolCommands"), ",", -1);
	g_assert_true (g_strv_contains ((const char * const *) names, "MeetingResponse"));
}

/* [MS-ASEMAIL] 4.3: both examples of GlobalObjId → UID, and back. */
static void
test_global_obj_id (void)
{
	static const char ex1[] = "BAAAAIIA4AB0xbcQGoLgCAfUCRDgQMnBJoXEAQAAAAAAAAAAEAAAAAvw7UtuTulOnjnjhns3jvM=";
	static const char ex2[] = "BAAAAIIA4AB0xbcQGoLgCAAAAAAAAAAAAAAAAAAAAAAAAAAAMwAAAHZDYWwtVWlkAQAAAHs4MTQxMkQzQy0yQTI0"
		"LTRFOUQtQjIwRS0xMUY3QkJFOTI3OTl9AA==";
	gsize n = 0;
	g_autofree guchar *b1 = g_base64_decode (ex1, &n);
	g_autofree char *u1 = eas_meeting_uid_from_global_obj_id (b1, n);
	g_autofree guchar *b2 = NULL;
	g_autofree char *u2 = NULL;
	g_autoptr (GBytes) again = NULL;
	g_autoptr (GBytes) outlook = NULL;
	g_autofree char *again64 = NULL;
	g_autofree char *outlook_uid = NULL;

	/* An Outlook id: hex, instance date zeroed. */
	g_assert_cmpstr (u1, ==, "040000008200E00074C5B7101A82E00800000000E040C9C12685C40100000000000000001000"
	                          "00000BF0ED4B6E4EE94E9E39E3867B378EF3");
	b2 = g_base64_decode (ex2, &n);
	u2 = eas_meeting_uid_from_global_obj_id (b2, n);
	g_assert_cmpstr (u2, ==, "{81412D3C-2A24-4E9D-B20E-11F7BBE92799}");
	/* A vCal id is built exactly as the example's. */
	again = eas_meeting_global_obj_id_from_uid (u2);
	again64 = g_base64_encode (g_bytes_get_data (again, NULL), g_bytes_get_size (again));
	g_assert_cmpstr (again64, ==, ex2);
	/* An Outlook UID goes back to its bytes. */
	outlook = eas_meeting_global_obj_id_from_uid (OUTLOOK_UID);
	g_assert_cmpuint (g_bytes_get_size (outlook), ==, strlen (OUTLOOK_UID) / 2);
	outlook_uid = eas_meeting_uid_from_global_obj_id (g_bytes_get_data (outlook, NULL), g_bytes_get_size (outlook));
	g_assert_cmpstr (outlook_uid, ==, OUTLOOK_UID);
	/* Not a GlobalObjId; a UID over the limit. */
	g_assert_null (eas_meeting_uid_from_global_obj_id ((const guint8 *) "short", 5));
	g_assert_null (eas_meeting_uid_from_global_obj_id (b2, 39));
	{
		g_autofree char *big = g_strnfill (EAS_MEETING_UID_MAX_BYTES + 1, 'u');
		g_autoptr (GBytes) at_limit = eas_meeting_global_obj_id_from_uid (big + 1);

		g_assert_nonnull (at_limit);
		g_assert_null (eas_meeting_global_obj_id_from_uid (big));
	}
}

/* ItemOperations Fetch writes the same MeetingRequest as Sync. */
static void
test_fetch (Fixture *f, gconstpointer data)
{
	g_autofree char *ics = read_fixture ("invite-google.ics");
	g_autoptr (AirdockdItem) mail = deliver (f, f->bob, "Weekly planning", "REQUEST", ics);
	g_autoptr (EasNode) root = eas_node_new (EAS_ITEMOPERATIONS_ITEM_OPERATIONS);
	EasNode *fetch = eas_node_append (root, EAS_ITEMOPERATIONS_FETCH);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;
	EasNode *props;

	airdock_eas_response_free (do_sync (f, f->inbox, &f->inbox_key));
	eas_node_append_text (fetch, EAS_ITEMOPERATIONS_STORE, "Mailbox");
	eas_node_append_text (fetch, EAS_AIRSYNC_COLLECTION_ID, f->inbox);
	eas_node_append_text (fetch, EAS_AIRSYNC_SERVER_ID, mail->server_id);
	r = airdock_eas_client_post_tree (f->c, EAS_CMD_ITEM_OPERATIONS, root, &error);
	g_assert_no_error (error);
	g_assert_nonnull (r->tree);
	props = eas_node_path (r->tree, EAS_ITEMOPERATIONS_RESPONSE, EAS_ITEMOPERATIONS_FETCH,
	                       EAS_ITEMOPERATIONS_PROPERTIES, 0);
	g_assert_nonnull (props);
	check_meeting_request (f, props, GOOGLE_UID);
	/* Google's invitation has no alarm; Outlook's 15 minutes are 900 s. */
	g_assert_null (eas_node_child (eas_node_child (props, EAS_EMAIL_MEETING_REQUEST), EAS_EMAIL_REMINDER));
}

/* One occurrence (InstanceId, 14.1+): only that occurrence is answered;
 * InstanceId on the request mail is Status 2. */
static void
test_instance (Fixture *f, gconstpointer data)
{
	g_autofree char *ics = read_fixture ("invite-google.ics");
	g_autoptr (AirdockdItem) mail = deliver (f, f->bob, "Weekly planning", "REQUEST", ics);
	g_autofree char *event_id = NULL;
	g_autofree char *text = NULL;
	g_autoptr (EasNode) root = NULL;
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r;
	EasNode *cmd;
	EasNode *req;

	airdock_eas_response_free (do_sync (f, f->inbox, &f->inbox_key));
	r = do_sync (f, f->calendar, &f->calendar_key);
	cmd = command_for (r, EAS_AIRSYNC_ADD, NULL);
	event_id = g_strdup (eas_node_child_text (cmd, EAS_AIRSYNC_SERVER_ID));
	airdock_eas_response_free (r);

	for (int on_mail = 0; on_mail < 2; on_mail++) {
		g_clear_pointer (&root, eas_node_free);
		root = eas_node_new (EAS_MEETINGRESPONSE_MEETING_RESPONSE);
		req = eas_node_append (root, EAS_MEETINGRESPONSE_REQUEST);
		eas_node_append_text (req, EAS_MEETINGRESPONSE_USER_RESPONSE, "3");
		eas_node_append_text (req, EAS_MEETINGRESPONSE_COLLECTION_ID, on_mail ? f->inbox : f->calendar);
		eas_node_append_text (req, EAS_MEETINGRESPONSE_REQUEST_ID, on_mail ? mail->server_id : event_id);
		/* The second Tuesday, 10:00 Berlin. */
		eas_node_append_text (req, EAS_MEETINGRESPONSE_INSTANCE_ID, "2026-07-14T08:00:00.000Z");
		r = airdock_eas_client_post_tree (f->c, EAS_CMD_MEETING_RESPONSE, root, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_STATUS), ==, on_mail ? "2" : "1");
		airdock_eas_response_free (r);
	}
	/* The series stays; the declined occurrence is an exception. */
	g_assert_cmpuint (calendar_count (f, f->bob), ==, 1);
	text = item_text (f, f->bob, event_id);
	g_assert_nonnull (strstr (text, "RECURRENCE-ID"));
	g_assert_nonnull (strstr (text, "PARTSTAT=DECLINED"));
	g_assert_cmpint (partstat_of (text, BOB_EMAIL), ==, ICAL_PARTSTAT_NEEDSACTION);
}

/* The organizer's own copy of her invitation leaves her event alone. */
static void
test_organizer_copy (Fixture *f, gconstpointer data)
{
	g_autofree char *event = add_organizer_copy (f);
	g_autofree char *before = item_text (f, f->olivia, event);
	g_autofree char *ics = read_fixture ("invite-google.ics");
	g_autoptr (AirdockdItem) mail = deliver (f, f->olivia, "Weekly planning", "REQUEST", ics);
	g_autofree char *after = item_text (f, f->olivia, event);

	g_assert_cmpstr (before, ==, after);
	g_assert_cmpuint (calendar_count (f, f->olivia), ==, 1);
}

/* 16.1, organizer elsewhere: the REPLY goes through the relay, with the
 * answer and the device's note; a proposed time makes it a COUNTER; a copy
 * lands in Sent Items. */
static void
test_relay (void)
{
	Fixture fx = { 0 };
	Fixture *f = &fx;
	AirdockSmtpPeer *relay = airdock_smtp_peer_start ();
	g_autofree char *extra = g_strdup_printf ("[smtp]\nrelay = 127.0.0.1:%u\n", relay->port);
	g_autofree char *ics = read_fixture ("invite-google.ics");
	g_autofree char *ext = replace (ics, "mailto:olivia@example.org", "mailto:someone@example.net");
	g_autofree char *ext2 = NULL;
	g_autofree char *sent = NULL;
	g_autoptr (AirdockdItem) mail = NULL;
	g_autoptr (AirdockdItem) mail2 = NULL;
	g_autoptr (GPtrArray) sent_items = NULL;
	g_autoptr (GError) error = NULL;
	AirdockEasResponse *r;

	fixture_init (f, 161, extra);
	sent = folder_of (f, f->bob, AIRDOCKD_FOLDER_SENT);
	mail = deliver (f, f->bob, "Weekly planning", "REQUEST", ext);
	r = meeting_response (f, EAS_MEETING_ACCEPT, f->inbox, mail->server_id, TRUE);
	g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_STATUS), ==, "1");
	airdock_eas_response_free (r);

	g_mutex_lock (&relay->lock);
	g_assert_cmpuint (relay->messages, ==, 1);
	g_assert_cmpuint (relay->rcpts->len, ==, 1);
	g_assert_cmpstr (g_ptr_array_index (relay->rcpts, 0), ==, "<someone@example.net>");
	g_assert_nonnull (strstr (relay->data->str, "Subject: Accepted: Weekly planning"));
	g_assert_nonnull (strstr (relay->data->str, "method=REPLY"));
	g_mutex_unlock (&relay->lock);

	/* Tentative with a new time: a COUNTER. */
	ext2 = replace (ext, GOOGLE_UID, "second-" GOOGLE_UID);
	mail2 = deliver (f, f->bob, "Weekly planning 2", "REQUEST", ext2);
	{
		g_autoptr (EasNode) root = eas_node_new (EAS_MEETINGRESPONSE_MEETING_RESPONSE);
		EasNode *req = eas_node_append (root, EAS_MEETINGRESPONSE_REQUEST);
		EasNode *sr;

		eas_node_append_text (req, EAS_MEETINGRESPONSE_USER_RESPONSE, "2");
		eas_node_append_text (req, EAS_MEETINGRESPONSE_COLLECTION_ID, f->inbox);
		eas_node_append_text (req, EAS_MEETINGRESPONSE_REQUEST_ID, mail2->server_id);
		sr = eas_node_append (req, EAS_MEETINGRESPONSE_SEND_RESPONSE);
		eas_node_append_text (sr, EAS_MEETINGRESPONSE_PROPOSED_START_TIME, "2026-07-07T09:00:00.000Z");
		eas_node_append_text (sr, EAS_MEETINGRESPONSE_PROPOSED_END_TIME, "2026-07-07T10:00:00.000Z");
		r = airdock_eas_client_post_tree (f->c, EAS_CMD_MEETING_RESPONSE, root, &error);
		g_assert_no_error (error);
		g_assert_cmpstr (result_text (r, EAS_MEETINGRESPONSE_STATUS), ==, "1");
		airdock_eas_response_free (r);
	}
	g_mutex_lock (&relay->lock);
	g_assert_cmpuint (relay->messages, ==, 2);
	g_assert_nonnull (strstr (relay->data->str, "Subject: New Time Proposed: Weekly planning"));
	g_assert_nonnull (strstr (relay->data->str, "method=COUNTER"));
	g_mutex_unlock (&relay->lock);

	/* Both in Sent Items; the first is the REPLY with Bob's answer. */
	sent_items = airdockd_store_item_list (f->store, f->bob, sent, 0, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (sent_items->len, ==, 2);
	{
		g_autoptr (EasItip) itip = airdockd_meeting_read_itip (f->store, g_ptr_array_index (sent_items, 0), &error);
		icalcomponent *ev;

		g_assert_no_error (error);
		g_assert_nonnull (itip);
		g_assert_cmpint (itip->method, ==, EAS_ITIP_REPLY);
		g_assert_cmpstr (eas_meeting_message_class (itip), ==, "IPM.Schedule.Meeting.Resp.Pos");
		ev = icalcomponent_get_first_component (itip->vcalendar, ICAL_VEVENT_COMPONENT);
		g_assert_cmpstr (icalcomponent_get_comment (ev), ==, "See you there");
	}
	fixture_teardown (f, NULL);
	airdock_smtp_peer_stop (relay);
}

/* Occurrences: an update of one occurrence (RECURRENCE-ID) becomes an
 * exception of the same event, its mail an InstanceType 3 request; the
 * cancellation of another occurrence deletes that one only. */
static void
test_occurrence (Fixture *f, gconstpointer data)
{
	g_autofree char *ics = read_fixture ("invite-google.ics");
	g_autofree char *one = NULL;
	g_autofree char *moved = NULL;
	g_autofree char *gone = NULL;
	g_autofree char *gone2 = NULL;
	g_autofree char *gone3 = NULL;
	g_autoptr (AirdockdItem) mail = deliver (f, f->bob, "Weekly planning", "REQUEST", ics);
	g_autoptr (AirdockdItem) mail2 = NULL;
	g_autoptr (AirdockdItem) mail3 = NULL;
	g_autoptr (EasEvent) ev = NULL;
	g_autofree char *event_id = NULL;
	AirdockEasResponse *r;
	EasNode *mr;
	gboolean found_moved = FALSE, found_deleted = FALSE;

	airdock_eas_response_free (do_sync (f, f->inbox, &f->inbox_key));
	r = do_sync (f, f->calendar, &f->calendar_key);
	event_id = g_strdup (eas_node_child_text (command_for (r, EAS_AIRSYNC_ADD, NULL), EAS_AIRSYNC_SERVER_ID));
	airdock_eas_response_free (r);

	/* 14 July moves from 10:00 to 11:00 Berlin. */
	one = replace (ics, "RRULE:FREQ=WEEKLY;BYDAY=TU\n", "RECURRENCE-ID;TZID=Europe/Berlin:20260714T100000\n");
	moved = replace (one, "DTSTART;TZID=Europe/Berlin:20260707T100000\nDTEND;TZID=Europe/Berlin:20260707T110000",
	                 "DTSTART;TZID=Europe/Berlin:20260714T110000\nDTEND;TZID=Europe/Berlin:20260714T120000");
	g_assert_cmpstr (moved, !=, one);
	mail2 = deliver (f, f->bob, "Weekly planning (moved)", "REQUEST", moved);
	/* 21 July is cancelled. */
	gone = replace (one, "20260714T100000", "20260721T100000");
	gone2 = replace (gone, "METHOD:REQUEST", "METHOD:CANCEL");
	gone3 = replace (gone2, "SEQUENCE:0", "SEQUENCE:1");
	mail3 = deliver (f, f->bob, "Canceled: Weekly planning", "CANCEL", gone3);
	g_assert_cmpuint (calendar_count (f, f->bob), ==, 1);

	r = do_sync (f, f->inbox, &f->inbox_key);
	mr = eas_node_path (command_for (r, EAS_AIRSYNC_ADD, mail2->server_id), EAS_AIRSYNC_APPLICATION_DATA,
	                    EAS_EMAIL_MEETING_REQUEST, 0);
	g_assert_nonnull (mr);
	g_assert_cmpstr (eas_node_child_text (mr, EAS_EMAIL_INSTANCE_TYPE), ==, "3");
	{
		gint64 t = 0;

		g_assert_true (eas_pim_parse_time (eas_node_child_text (mr, EAS_EMAIL_RECURRENCE_ID), &t));
		g_assert_cmpint (t, ==, START + 7 * 86400);
		g_assert_true (eas_pim_parse_time (eas_node_child_text (mr, EAS_EMAIL_START_TIME), &t));
		g_assert_cmpint (t, ==, START + 7 * 86400 + 3600);
	}
	airdock_eas_response_free (r);

	r = do_sync (f, f->calendar, &f->calendar_key);
	ev = event_of (f, command_for (r, EAS_AIRSYNC_CHANGE, event_id));
	g_assert_nonnull (ev->recurrence);
	g_assert_nonnull (ev->exceptions);
	for (guint i = 0; i < ev->exceptions->len; i++) {
		const EasEvent *ex = g_ptr_array_index (ev->exceptions, i);

		if (ex->exception_start_time == START + 7 * 86400 && !ex->deleted) {
			g_assert_cmpint (ex->start_time, ==, START + 7 * 86400 + 3600);
			found_moved = TRUE;
		}
		if (ex->exception_start_time == START + 14 * 86400 && ex->deleted)
			found_deleted = TRUE;
	}
	g_assert_true (found_moved);
	g_assert_true (found_deleted);
	airdock_eas_response_free (r);
}

static void
add (const char *name, EasVersion version, void (*fn) (Fixture *, gconstpointer))
{
	g_autofree char *path = g_strdup_printf ("/meeting/%s/%u", name, version);

	g_test_add (path, Fixture, GUINT_TO_POINTER (version), fixture_setup, fn, fixture_teardown);
}

int
main (int argc, char **argv)
{
	static const EasVersion versions[] = { 121, 141, 161 };

	g_test_init (&argc, &argv, NULL);
	for (gsize i = 0; i < G_N_ELEMENTS (versions); i++) {
		add ("invite-accept", versions[i], test_invite_accept);
		add ("decline", versions[i], test_decline);
		add ("tentative", versions[i], test_tentative);
		add ("bad-request", versions[i], test_bad_request);
		add ("cancel", versions[i], test_cancel);
		add ("malformed", versions[i], test_malformed);
	}
	add ("no-relay", 161, test_no_relay);
	add ("fetch", 141, test_fetch);
	add ("fetch", 161, test_fetch);
	add ("instance", 141, test_instance);
	add ("instance", 161, test_instance);
	add ("organizer-copy", 141, test_organizer_copy);
	add ("occurrence", 141, test_occurrence);
	add ("occurrence", 161, test_occurrence);
	g_test_add_func ("/meeting/global-obj-id", test_global_obj_id);
	g_test_add_func ("/meeting/relay/161", test_relay);
	add ("options", 141, test_options);
	return g_test_run ();
}
