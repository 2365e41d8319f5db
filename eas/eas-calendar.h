/* eas-calendar.h — the calendar item model ([MS-ASCAL] 2.2.2):
 * ApplicationData ⇄ EasEvent per protocol version, EasEvent ⇄ iCalendar
 * (libical: VEVENT with RRULE, EXDATE, RECURRENCE-ID overrides, VALARM,
 * ATTENDEE/ORGANIZER, a VTIMEZONE from the TimeZone blob).  Also the
 * recurrence model shared with tasks ([MS-ASTASK] 2.2.2.18).
 *
 * Pure: no I/O.  Errors: EAS_PIM_ERROR (eas/eas-pim.h); an impossible
 * recurrence is EAS_PIM_ERROR_RECURRENCE, naming the rule it breaks.
 */
#pragma once

#include <glib.h>
#include <libical/ical.h>

#include "eas/eas-pim.h"
#include "eas/eas-timezone.h"

G_BEGIN_DECLS

/* [MS-ASCAL] 2.2.2.39 Type (Recurrence). */
typedef enum {
	EAS_RECUR_DAILY = 0,
	EAS_RECUR_WEEKLY = 1,
	EAS_RECUR_MONTHLY = 2,		/* on DayOfMonth */
	EAS_RECUR_MONTHLY_NTH = 3,	/* on the WeekOfMonth-th DayOfWeek */
	EAS_RECUR_YEARLY = 5,		/* on DayOfMonth of MonthOfYear */
	EAS_RECUR_YEARLY_NTH = 6,	/* on the WeekOfMonth-th DayOfWeek of MonthOfYear */
} EasRecurrenceType;

/* DayOfWeek bits ([MS-ASCAL] 2.2.2.16). */
#define EAS_DAY_SUNDAY 1
#define EAS_DAY_MONDAY 2
#define EAS_DAY_SATURDAY 64
#define EAS_DAY_ALL 127

/* Spec maxima: Interval and Occurrences at most 999. */
#define EAS_RECURRENCE_MAX_INTERVAL 999
#define EAS_RECURRENCE_MAX_OCCURRENCES 999

/* 0 = element absent for every number. */
typedef struct {
	EasRecurrenceType type;
	guint interval;			/* 0 = absent or 1 */
	guint occurrences;
	gint64 until;			/* Unix seconds UTC, 0 = absent */
	guint day_of_week;		/* bit mask, EAS_DAY_* */
	guint day_of_month;		/* 1–31 */
	guint week_of_month;		/* 1–5, 5 = last */
	guint month_of_year;		/* 1–12 */
	int first_day_of_week;		/* 0 (Sunday)–6, −1 absent; 14.1+ */
	int calendar_type;		/* −1 absent; 14.0+ */
	int is_leap_month;		/* −1 absent; 14.0+ */
	/* Tasks only ([MS-ASTASK] 2.2.2.18): */
	gint64 start;			/* 0 = absent */
	int regenerate;			/* −1 absent */
	int dead_occur;			/* −1 absent */
} EasRecurrence;

void eas_recurrence_init (EasRecurrence *r);
/* Checks a recurrence against [MS-ASCAL] 2.2.2.38: required and forbidden
 * children per type, ranges, Occurrences and Until not both, a day that
 * exists in MonthOfYear.  FALSE + EAS_PIM_ERROR_RECURRENCE. */
gboolean eas_recurrence_validate (const EasRecurrence *r, GError **error);
/* Decodes calendar:Recurrence (task = FALSE) or tasks:Recurrence (TRUE)
 * for version, then validates. */
gboolean eas_recurrence_decode (const EasNode *node, EasVersion version, gboolean task,
                                EasRecurrence *out, GError **error);
void eas_recurrence_encode (EasWbxmlWriter *writer, const EasRecurrence *r,
                            EasVersion version, gboolean task);
/* ⇄ RRULE.  FirstDayOfWeek becomes WKST; Monday, iCalendar's default,
 * reads back as absent.  CalendarType/IsLeapMonth have no RRULE form.
 * dtstart gives the defaults an RRULE may leave out (weekday,
 * day of month, month).  An RRULE EAS cannot express (HOURLY, several
 * BYMONTHDAY …) is EAS_PIM_ERROR_RECURRENCE. */
struct icalrecurrencetype eas_recurrence_to_rrule (const EasRecurrence *r);
gboolean eas_recurrence_from_rrule (const struct icalrecurrencetype *rule,
                                    struct icaltimetype dtstart,
                                    EasRecurrence *out, GError **error);

/* [MS-ASCAL] 2.2.2.3 AttendeeStatus, 2.2.2.4 AttendeeType. */
typedef struct {
	char *email;
	char *name;
	int status;	/* −1 absent; 0 unknown, 2 tentative, 3 accept, 4 decline, 5 not responded */
	int type;	/* −1 absent; 1 required, 2 optional, 3 resource */
} EasAttendee;

typedef struct _EasEvent EasEvent;
/* An event, or (in exceptions) an exception to one: there, absent fields
 * (NULL, 0, −1) mean "as in the series".  −1 = absent for ints, 0 for
 * times (Unix seconds, UTC). */
struct _EasEvent {
	gboolean has_timezone;
	EasTimeZone timezone;
	int all_day_event;
	gint64 start_time;
	gint64 end_time;
	gint64 dt_stamp;
	char *subject;
	char *location;
	char *uid;
	char *client_uid;		/* 16.0+ */
	char *organizer_name;
	char *organizer_email;
	char *body;
	guint body_type;
	int busy_status;		/* 0 free, 1 tentative, 2 busy, 3 OOF, 4 elsewhere */
	int sensitivity;		/* 0 normal, 1 personal, 2 private, 3 confidential */
	int reminder;			/* minutes before start */
	int meeting_status;		/* [MS-ASCAL] 2.2.2.29 */
	int response_requested;		/* 14.0+ */
	int response_type;		/* 14.0+ */
	int disallow_new_time_proposal;	/* 14.0+ */
	gint64 appointment_reply_time;	/* 14.0+ */
	char *online_meeting_conf_link;	/* 14.1+ */
	char *online_meeting_external_link;	/* 14.1+ */
	GPtrArray *attendees;		/* of EasAttendee*; NULL = absent */
	GPtrArray *categories;		/* of char*; NULL = absent */
	EasRecurrence *recurrence;	/* NULL = single event */
	GPtrArray *exceptions;		/* of EasEvent*; NULL = absent */
	/* Exceptions only: */
	gboolean deleted;
	gint64 exception_start_time;	/* the original start of the occurrence */
};

EasEvent *eas_event_new (void);
void eas_event_free (EasEvent *event);
EasAttendee *eas_attendee_new (const char *email, const char *name);
void eas_attendee_free (EasAttendee *attendee);

/* Decodes ApplicationData children for version.  Elements not in that
 * version are ignored; bad values, impossible recurrences, more than
 * EAS_PIM_MAX_ATTENDEES attendees or EAS_PIM_MAX_EXCEPTIONS exceptions,
 * a TimeZone that is not 172 bytes are errors. */
EasEvent *eas_event_decode (const EasNode *app_data, EasVersion version, GError **error);
/* Writes ApplicationData children for version (2.5: calendar:Body;
 * 16.0+: airsyncbase:InstanceId in exceptions). */
void eas_event_encode (EasWbxmlWriter *writer, const EasEvent *event, EasVersion version);

/* A VCALENDAR holding the VTIMEZONE (when the event has a TimeZone and is
 * not all-day), the master VEVENT and one VEVENT per changed exception.
 * Free with icalcomponent_free(). */
icalcomponent *eas_event_to_ical (const EasEvent *event, GError **error);
/* Note: libical 3.0 writes a comma inside a CATEGORIES value unescaped, so
 * a category containing a comma comes back split when the text is parsed
 * again (the component itself holds it whole). */

/* The reverse, from a VCALENDAR (or a lone VEVENT): the first VEVENT
 * without RECURRENCE-ID is the series; VEVENTs with the same UID and a
 * RECURRENCE-ID become changed exceptions, EXDATEs deleted ones. */
EasEvent *eas_event_from_ical (icalcomponent *comp, GError **error);

/* eas_event_from_ical() fills each changed exception whole, as its
 * RECURRENCE-ID VEVENT says.  This drops from every changed exception the
 * values equal to the series' (absent = as in the series, [MS-ASCAL]
 * 2.2.2.20), so that a device gets the exceptions as it sent them. */
void eas_event_trim_exceptions (EasEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasEvent, eas_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasAttendee, eas_attendee_free)

G_END_DECLS
