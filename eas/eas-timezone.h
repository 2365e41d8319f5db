/* eas-timezone.h — the EAS TimeZone blob ([MS-ASDTYPE] 2.6.4) ⇄ libical.
 *
 * Pure: no I/O (libical reads its built-in zones from tzdata on first use;
 * that is libical's business, not a file this module opens).
 *
 * The blob is 172 bytes, little-endian: Bias i32; StandardName 32 UTF-16
 * units; StandardDate SYSTEMTIME (8 × u16); StandardBias i32; DaylightName
 * 32 UTF-16 units; DaylightDate SYSTEMTIME; DaylightBias i32.  On the wire
 * it travels in base64 (232 characters).
 *
 * Errors: EAS_TIMEZONE_ERROR; messages name the field, never echo input.
 */
#pragma once

#include <glib.h>
#include <libical/ical.h>

G_BEGIN_DECLS

#define EAS_TIMEZONE_BLOB_SIZE 172

#define EAS_TIMEZONE_ERROR (eas_timezone_error_quark ())
GQuark eas_timezone_error_quark (void);

typedef enum {
	EAS_TIMEZONE_ERROR_MALFORMED,	/* wrong length, bad base64, field out of range */
	EAS_TIMEZONE_ERROR_UNKNOWN,	/* no such IANA zone / no matching zone */
} EasTimezoneErrorCode;

/* A Windows SYSTEMTIME as used by TIME_ZONE_INFORMATION.  month 0 = no
 * transition.  year 0: yearly rule, day = week of month (1–4, 5 = last) of
 * day_of_week (0 = Sunday); year ≠ 0: an absolute date, day = day of month. */
typedef struct {
	guint16 year;
	guint16 month;
	guint16 day_of_week;
	guint16 day;
	guint16 hour;
	guint16 minute;
	guint16 second;
	guint16 milliseconds;
} EasSystemTime;

/* The decoded blob: a plain struct without heap memory.  Names are UTF-8,
 * NUL-terminated (32 UTF-16 units take at most 96 bytes of UTF-8). */
typedef struct {
	gint32 bias;			/* minutes: UTC = local + bias */
	char standard_name[97];
	EasSystemTime standard_date;	/* local daylight time of the switch to standard */
	gint32 standard_bias;
	char daylight_name[97];
	EasSystemTime daylight_date;	/* local standard time of the switch to daylight */
	gint32 daylight_bias;
} EasTimeZone;

/* Offsets east of UTC, in minutes: −(bias + standard_bias) and
 * −(bias + daylight_bias). */
int eas_timezone_standard_offset (const EasTimeZone *tz);
int eas_timezone_daylight_offset (const EasTimeZone *tz);
/* TRUE when the zone has daylight saving time (both months set). */
gboolean eas_timezone_has_dst (const EasTimeZone *tz);

/* Decodes exactly EAS_TIMEZONE_BLOB_SIZE bytes; any other length, a month
 * above 12, a day above 31 (5 for rules), an hour above 23, or a bias
 * beyond ±24 h is MALFORMED.  *out is written only on success. */
gboolean eas_timezone_decode (const guint8 *data, gsize len,
                              EasTimeZone *out, GError **error);
/* The same from base64 text of length len (-1: NUL-terminated); at most
 * 256 characters are accepted. */
gboolean eas_timezone_decode_base64 (const char *text, gssize len,
                                     EasTimeZone *out, GError **error);

/* The 172-byte blob / its base64 form.  Names longer than 31 UTF-16 units
 * are cut at a character boundary. */
GBytes *eas_timezone_encode (const EasTimeZone *tz);
char *eas_timezone_encode_base64 (const EasTimeZone *tz);

/* Describes zone's rules as they apply in year (1900–2200): offsets in
 * January and July, and the two transitions found in that year, as yearly
 * rules (week of month, 5 = last).  Names: the zone's location (or TZID).
 * For a zone from eas_timezone_shared() the result is remembered per year. */
gboolean eas_timezone_from_icaltimezone (icaltimezone *zone, int year,
                                         EasTimeZone *out, GError **error);
/* The same for an IANA name ("Europe/Berlin"); UNKNOWN when libical does
 * not know it. */
gboolean eas_timezone_from_iana (const char *location, int year,
                                 EasTimeZone *out, GError **error);

/* Zones built from VTIMEZONE text (icalcomponent_get_timezone() of a parsed
 * VCALENDAR) are new objects each time: libical expands their rules again
 * on first use, milliseconds of work for every stored event.  This returns
 * the process-wide zone for the same VTIMEZONE text (every property and
 * sub-component, so that two VTIMEZONEs with one TZID but other rules stay
 * apart), built once and kept; it converts times exactly as zone does.
 * NULL, UTC and built-in zones come back as they are, and so does every
 * zone once EAS_TIMEZONE_SHARED_MAX texts are kept (a zone takes some KiB;
 * nothing is evicted, since callers hold the pointers).  Thread-safe; the
 * result lives as long as the process (never free it). */
#define EAS_TIMEZONE_SHARED_MAX 256
icaltimezone *eas_timezone_shared (icaltimezone *zone);

/* Finds an IANA zone whose rules in year equal tz's (offsets and transition
 * rules).  A zone named like tz->standard_name or hint (may be NULL) wins
 * over other matches.  Returns a newly allocated location, or NULL + UNKNOWN. */
char *eas_timezone_find_iana (const EasTimeZone *tz, int year, const char *hint,
                              GError **error);

/* Builds a VTIMEZONE with TZID tzid: a STANDARD (and, with DST, a DAYLIGHT)
 * sub-component with a yearly RRULE (or a single DTSTART for absolute
 * dates).  Caller frees with icalcomponent_free(). */
icalcomponent *eas_timezone_to_vtimezone (const EasTimeZone *tz, const char *tzid);

G_END_DECLS
