/* eas-meeting.h — meetings by mail: iTIP (RFC 5546) messages, the Email
 * MeetingRequest container ([MS-ASEMAIL] 2.2.2.48), GlobalObjId
 * ([MS-ASEMAIL] 2.2.2.37, 3.1.4.7) and the MeetingResponse command
 * ([MS-ASCMD] 2.2.1.11).
 *
 * Pure: no I/O.  Input (a text/calendar part of a delivered mail, a
 * MeetingResponse request) is untrusted and bounded by the limits below.
 * Errors: EAS_MEETING_ERROR, or EAS_WBXML_ERROR when a request does not
 * decode.
 */
#pragma once

#include <glib.h>
#include <libical/ical.h>

#include "eas/eas-calendar.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define EAS_MEETING_ERROR (eas_meeting_error_quark ())
GQuark eas_meeting_error_quark (void);

typedef enum {
	EAS_MEETING_ERROR_INVALID,	/* not iCalendar, no VEVENT, no UID, wrong root … */
	EAS_MEETING_ERROR_LIMIT,	/* over a limit below */
} EasMeetingErrorCode;

/* Limits (why).
 * - ITIP_MAX_BYTES: a meeting invitation with a few hundred attendees and
 *   a long description is well under 1 MiB; libical parses the whole text
 *   in memory.
 * - ITIP_MAX_COMPONENTS: VEVENTs (master + changed occurrences) and
 *   VTIMEZONEs in one message; EAS carries at most EAS_PIM_MAX_EXCEPTIONS
 *   exceptions anyway.
 * - UID_MAX_BYTES: the UID becomes the GlobalObjId (base64 on the wire);
 *   Outlook's are 112 hex digits, Google's under 100 characters.
 * - MAX_REQUESTS: MeetingResponse Request elements per command; a client
 *   answers one invitation at a time, a batch of 100 is generous. */
#define EAS_MEETING_ITIP_MAX_BYTES (1024 * 1024)
#define EAS_MEETING_ITIP_MAX_COMPONENTS 1024
#define EAS_MEETING_UID_MAX_BYTES 1024
#define EAS_MEETING_MAX_REQUESTS 100
#define EAS_MEETING_MAX_ID_BYTES 64

/* ---- GlobalObjId ---------------------------------------------------------- */

/* The GlobalObjId bytes for an iCalendar UID: a UID that is the hex form
 * of an Outlook id (starts with the class id 040000008200E000…) is decoded
 * back to those bytes; any other UID is wrapped as a "vCal-Uid" id.  NULL
 * for an empty or over-long UID. */
GBytes *eas_meeting_global_obj_id_from_uid (const char *uid);
/* The reverse ([MS-ASEMAIL] 3.1.4.7): a vCal id gives its UID, an Outlook
 * id its hex form with the instance date zeroed.  NULL (no error) for data
 * that is not a GlobalObjId (wrong class id, too short). */
char *eas_meeting_uid_from_global_obj_id (const guint8 *data, gsize len);

/* ---- iTIP ------------------------------------------------------------------ */

typedef enum {
	EAS_ITIP_NONE = 0,	/* no METHOD: plain iCalendar (an .ics attachment) */
	EAS_ITIP_REQUEST,
	EAS_ITIP_CANCEL,
	EAS_ITIP_REPLY,
	EAS_ITIP_OTHER,		/* PUBLISH, COUNTER, REFRESH …: not acted on */
} EasItipMethod;

typedef struct {
	EasItipMethod method;
	char *uid;
	int sequence;			/* SEQUENCE of the first VEVENT, 0 when absent */
	gint64 dt_stamp;		/* DTSTAMP of the first VEVENT, 0 when absent */
	gint64 recurrence_id;		/* RECURRENCE-ID of the first VEVENT (one occurrence), 0 = none */
	icalcomponent *vcalendar;	/* owned: the parsed VCALENDAR */
	EasEvent *event;		/* the first VEVENT as the EAS model, with its exceptions */
} EasItip;

/* Parses a text/calendar body (len bytes, no NUL needed).  INVALID when it
 * is not a VCALENDAR with a VEVENT carrying a UID (or the VEVENT does not
 * map to an EAS event); LIMIT past the limits above. */
EasItip *eas_itip_parse (const guint8 *data, gsize len, GError **error);
void eas_itip_free (EasItip *itip);

/* The first VEVENT of vcalendar (the one with RECURRENCE-ID = rid when
 * rid != 0, else the master), or NULL. */
icalcomponent *eas_itip_find_vevent (icalcomponent *vcalendar, gint64 rid);

/* Turns the VCALENDAR of a REQUEST into the attendee's calendar copy:
 * METHOD is dropped and each VEVENT becomes a received meeting
 * ([MS-ASCAL] MeetingStatus 3), tentative (BusyStatus 1), not yet
 * answered (ResponseType 5), with PARTSTAT=NEEDS-ACTION for attendee. */
void eas_itip_make_attendee_copy (icalcomponent *vcalendar, const char *attendee);

/* Marks vcalendar's event (rid 0) or one occurrence cancelled ([MS-ASCAL]
 * MeetingStatus 7, STATUS:CANCELLED, free). */
void eas_itip_mark_cancelled (icalcomponent *vcalendar, gint64 rid);

/* [MS-ASCMD] 2.2.3.194 UserResponse. */
typedef enum {
	EAS_MEETING_ACCEPT = 1,
	EAS_MEETING_TENTATIVE = 2,
	EAS_MEETING_DECLINE = 3,
} EasMeetingUserResponse;

/* Records the attendee's answer in the calendar copy: PARTSTAT, BusyStatus
 * (busy for accept, tentative for tentative), ResponseType and
 * AppointmentReplyTime (now).  rid != 0: only that occurrence's VEVENT
 * when it exists.  FALSE when the attendee is not listed. */
gboolean eas_itip_set_response (icalcomponent *vcalendar, const char *attendee,
                                EasMeetingUserResponse response, gint64 rid, gint64 now);

/* The iTIP REPLY of attendee to the invitation in vcalendar: METHOD:REPLY,
 * the same UID, SEQUENCE, RECURRENCE-ID (rid) and ORGANIZER, one ATTENDEE
 * with the PARTSTAT of response, DTSTAMP now, COMMENT comment (may be
 * NULL), and with proposed_start/proposed_end (0 = none) a COUNTER-like
 * proposal as X-MS-OLK-PROPOSEDSTART/END.  Returns iCalendar text or NULL
 * + INVALID (no such VEVENT). */
char *eas_itip_make_reply (icalcomponent *vcalendar, const char *attendee,
                           EasMeetingUserResponse response, gint64 rid, gint64 now,
                           const char *comment, gint64 proposed_start,
                           gint64 proposed_end, GError **error);

/* Organizer side: copies the PARTSTAT of every ATTENDEE of reply's VEVENT
 * to the same attendee of organizer_copy (matching VEVENT by
 * RECURRENCE-ID, else the master).  TRUE when something changed. */
gboolean eas_itip_apply_reply (icalcomponent *organizer_copy, const EasItip *reply);

/* ---- Email MeetingRequest ------------------------------------------------ */

typedef struct _EasMeetingRequest EasMeetingRequest;
struct _EasMeetingRequest {
	EasEvent *event;		/* owned */
	EasItipMethod method;
	guint instance_type;		/* 0 single, 1 recurring master, 2 instance, 3 exception */
	gint64 recurrence_id;		/* instance_type 2/3: the occurrence's original start */
	int sequence;
	gboolean response_requested;
	int intended_busy_status;	/* −1: busy */
};

/* The MeetingRequest for an invitation; takes itip->event (itip keeps the
 * rest).  NULL when the invitation has no event model (a REPLY). */
EasMeetingRequest *eas_meeting_request_from_itip (EasItip *itip);
void eas_meeting_request_free (EasMeetingRequest *mr);

/* MessageClass of a mail carrying method: IPM.Schedule.Meeting.Request,
 * .Canceled, .Resp.Pos/.Tent/.Neg for a REPLY (partstat of its attendee),
 * NULL for others. */
const char *eas_meeting_message_class (const EasItip *itip);

/* Writes <email:MeetingRequest> and its children for version: GlobalObjId
 * up to 14.1, calendar:UID on 16.0+ ([MS-ASEMAIL] 3.1.4.7),
 * email2:MeetingMessageType on 14.1+. */
void eas_meeting_request_encode (EasWbxmlWriter *writer, const EasMeetingRequest *mr,
                                 EasVersion version);

/* ---- MeetingResponse command ------------------------------------------- */

typedef struct {
	gboolean valid;			/* FALSE: answer Status 2 (reason in the log only) */
	guint user_response;		/* EasMeetingUserResponse */
	char *collection_id;		/* may be NULL (LongId) */
	char *request_id;		/* may be NULL (LongId) */
	char *long_id;			/* search:LongId, may be NULL */
	char *instance_id;		/* 14.1+ InstanceId as sent, may be NULL */
	gint64 instance_time;		/* parsed InstanceId, 0 = none */
	gboolean send_response;		/* 16.0+: SendResponse present */
	char *body;			/* SendResponse's Body Data (text), may be NULL */
	gint64 proposed_start;		/* 16.1 ProposedStartTime, 0 = none */
	gint64 proposed_end;
} EasMeetingResponseRequest;

void eas_meeting_response_request_free (EasMeetingResponseRequest *r);

/* Decodes a MeetingResponse request: array of EasMeetingResponseRequest*
 * in order.  A Request missing UserResponse (or with a value outside 1–3),
 * with neither RequestId nor LongId, or with an unreadable InstanceId is
 * kept with valid = FALSE, as is one with an id over
 * EAS_MEETING_MAX_ID_BYTES (that id is dropped).  Wrong root, no Request
 * or more than EAS_MEETING_MAX_REQUESTS fail. */
GPtrArray *eas_meeting_response_decode (const guint8 *data, gsize len, EasVersion version,
                                        GError **error);

typedef struct {
	char *request_id;
	guint status;		/* [MS-ASCMD] 2.2.3.177.9: 1 ok, 2 invalid, 3 mailbox, 4 server */
	char *calendar_id;	/* NULL: left out (decline, failure) */
} EasMeetingResponseResult;

void eas_meeting_response_result_free (EasMeetingResponseResult *r);
/* <MeetingResponse><Result><RequestId/><Status/><CalendarId/></Result>… */
GBytes *eas_meeting_response_encode (GPtrArray *results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasItip, eas_itip_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasMeetingRequest, eas_meeting_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasMeetingResponseRequest, eas_meeting_response_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasMeetingResponseResult, eas_meeting_response_result_free)

G_END_DECLS
