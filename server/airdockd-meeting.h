/* airdockd-meeting.h — meetings by mail on the server side.
 *
 * A delivered mail whose text/calendar part is an iTIP REQUEST puts a
 * tentative copy of the meeting in the recipient's default Calendar (one
 * event per UID: a later update with a SEQUENCE at least as high replaces
 * it, an older one is ignored); a CANCEL marks it cancelled; a REPLY to a
 * meeting the recipient organizes records the attendee's answer.  The mail
 * itself stays an ordinary message: devices see it as a meeting request
 * because the email writer derives the MeetingRequest data from the stored
 * message's calendar part (nothing is stored besides the event).
 *
 * Malformed calendar parts never fail a delivery: they are logged (info)
 * and the mail stays plain mail.
 */
#pragma once

#include <glib.h>
#include <libical/ical.h>

#include "eas/eas-email.h"
#include "eas/eas-meeting.h"
#include "server/airdockd-store.h"

G_BEGIN_DECLS

/* The iTIP message of a stored mail: its first text/calendar part (a part
 * of at most EAS_MEETING_ITIP_MAX_BYTES).  NULL without error when the
 * mail has none; NULL + error when it cannot be read or parsed. */
EasItip *airdockd_meeting_read_itip (AirdockdStore *store, const AirdockdItem *item, GError **error);

/* For the email writer: when the mail is a meeting request, cancellation
 * or response, sets email->message_class and (request, cancellation)
 * email->meeting_request.  Leaves email alone otherwise. */
void airdockd_meeting_fill_email (AirdockdStore *store, const AirdockdItem *item, EasEmailItem *email);

/* The delivery hook (LMTP, airdockctl deliver): acts on the calendar part
 * of item, just delivered to user_id's Inbox.  Never fails. */
void airdockd_meeting_delivered (AirdockdStore *store, gint64 user_id, const AirdockdItem *item);

/* The live event with this UID in folder_id, with its parsed VCALENDAR in
 * *out_vcalendar (free with icalcomponent_free()).  NULL without error
 * when there is none. */
AirdockdItem *airdockd_meeting_find_event (AirdockdStore *store, gint64 user_id,
                                           const char *folder_id, const char *uid,
                                           icalcomponent **out_vcalendar, GError **error);

/* Parses a stored calendar item's data; NULL + EAS_MEETING_ERROR_INVALID. */
icalcomponent *airdockd_meeting_parse_event (const AirdockdItem *item, GError **error);

/* Stores vcalendar as the data of event (a Change for devices). */
gboolean airdockd_meeting_save_event (AirdockdStore *store, gint64 user_id, const AirdockdItem *event,
                                      icalcomponent *vcalendar, GError **error);

/* Writes an iTIP message (text/plain note + text/calendar part with
 * method) from from_email to to_email into a temporary file of the store;
 * returns its path (the caller unlinks it). */
char *airdockd_meeting_write_message (AirdockdStore *store, const char *from_email,
                                      const char *to_email, const char *subject,
                                      const char *note, const char *method,
                                      const char *ical_text, GError **error);

G_END_DECLS
