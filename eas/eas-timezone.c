/* eas-timezone.c — the EAS TimeZone blob ([MS-ASDTYPE] 2.6.4) ⇄ libical. */
#include "config.h"

#include <string.h>

#include "eas/eas-timezone.h"

G_DEFINE_QUARK (eas-timezone-error-quark, eas_timezone_error)

/* [MS-ASDTYPE] 2.6.4: field offsets inside the 172-byte blob. */
#define OFF_BIAS 0
#define OFF_STD_NAME 4
#define OFF_STD_DATE 68
#define OFF_STD_BIAS 84
#define OFF_DST_NAME 88
#define OFF_DST_DATE 152
#define OFF_DST_BIAS 168
#define NAME_UNITS 32
#define BIAS_MAX (24 * 60)
#define B64_MAX 256

int
eas_timezone_standard_offset (const EasTimeZone *tz)
{
	return -(tz->bias + tz->standard_bias);
}

int
eas_timezone_daylight_offset (const EasTimeZone *tz)
{
	return -(tz->bias + tz->daylight_bias);
}

gboolean
eas_timezone_has_dst (const EasTimeZone *tz)
{
	return tz->standard_date.month != 0 && tz->daylight_date.month != 0;
}

static guint16
get_u16 (const guint8 *p)
{
	return (guint16) (p[0] | (p[1] << 8));
}

static gint32
get_i32 (const guint8 *p)
{
	return (gint32) ((guint32) p[0] | ((guint32) p[1] << 8) |
	                 ((guint32) p[2] << 16) | ((guint32) p[3] << 24));
}

static void
put_u16 (guint8 *p, guint16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
put_i32 (guint8 *p, gint32 v)
{
	guint32 u = (guint32) v;

	p[0] = u & 0xff;
	p[1] = (u >> 8) & 0xff;
	p[2] = (u >> 16) & 0xff;
	p[3] = u >> 24;
}

/* Names are informative only; a name that is not valid UTF-16 decodes as
 * empty rather than failing the whole item. */
static void
get_name (const guint8 *p, char out[97])
{
	gunichar2 units[NAME_UNITS];
	glong n = 0;
	g_autofree char *utf8 = NULL;

	while (n < NAME_UNITS && (units[n] = get_u16 (p + 2 * n)) != 0)
		n++;
	out[0] = '\0';
	utf8 = g_utf16_to_utf8 (units, n, NULL, NULL, NULL);
	if (utf8 != NULL)
		g_strlcpy (out, utf8, 97);
}

static void
put_name (guint8 *p, const char *name)
{
	g_autofree gunichar2 *units = NULL;
	glong n = 0;

	units = g_utf8_to_utf16 (name, -1, NULL, &n, NULL);
	if (units == NULL)
		return;
	/* Keep one unit for the terminator; do not split a surrogate pair. */
	if (n > NAME_UNITS - 1) {
		n = NAME_UNITS - 1;
		if (units[n - 1] >= 0xD800 && units[n - 1] <= 0xDBFF)
			n--;
	}
	for (glong i = 0; i < n; i++)
		put_u16 (p + 2 * i, units[i]);
}

static void
get_systemtime (const guint8 *p, EasSystemTime *st)
{
	st->year = get_u16 (p);
	st->month = get_u16 (p + 2);
	st->day_of_week = get_u16 (p + 4);
	st->day = get_u16 (p + 6);
	st->hour = get_u16 (p + 8);
	st->minute = get_u16 (p + 10);
	st->second = get_u16 (p + 12);
	st->milliseconds = get_u16 (p + 14);
}

static void
put_systemtime (guint8 *p, const EasSystemTime *st)
{
	put_u16 (p, st->year);
	put_u16 (p + 2, st->month);
	put_u16 (p + 4, st->day_of_week);
	put_u16 (p + 6, st->day);
	put_u16 (p + 8, st->hour);
	put_u16 (p + 10, st->minute);
	put_u16 (p + 12, st->second);
	put_u16 (p + 14, st->milliseconds);
}

static gboolean
check_systemtime (const EasSystemTime *st, const char *field, GError **error)
{
	gboolean ok = TRUE;

	if (st->month == 0)
		return TRUE;
	if (st->month > 12 || st->hour > 23 || st->minute > 59 || st->second > 59)
		ok = FALSE;
	else if (st->year == 0 && (st->day < 1 || st->day > 5 || st->day_of_week > 6))
		ok = FALSE;
	else if (st->year != 0 && (st->day < 1 || st->day > 31))
		ok = FALSE;
	if (!ok)
		g_set_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED,
		             "TimeZone %s out of range", field);
	return ok;
}

static gboolean
check_bias (gint32 bias, const char *field, GError **error)
{
	if (bias < -BIAS_MAX || bias > BIAS_MAX) {
		g_set_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED,
		             "TimeZone %s beyond ±24 hours", field);
		return FALSE;
	}
	return TRUE;
}

gboolean
eas_timezone_decode (const guint8 *data, gsize len, EasTimeZone *out, GError **error)
{
	EasTimeZone tz = { 0 };

	g_return_val_if_fail (data != NULL || len == 0, FALSE);
	g_return_val_if_fail (out != NULL, FALSE);

	if (len != EAS_TIMEZONE_BLOB_SIZE) {
		g_set_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED,
		             "TimeZone is %" G_GSIZE_FORMAT " bytes, not %d",
		             len, EAS_TIMEZONE_BLOB_SIZE);
		return FALSE;
	}
	tz.bias = get_i32 (data + OFF_BIAS);
	get_name (data + OFF_STD_NAME, tz.standard_name);
	get_systemtime (data + OFF_STD_DATE, &tz.standard_date);
	tz.standard_bias = get_i32 (data + OFF_STD_BIAS);
	get_name (data + OFF_DST_NAME, tz.daylight_name);
	get_systemtime (data + OFF_DST_DATE, &tz.daylight_date);
	tz.daylight_bias = get_i32 (data + OFF_DST_BIAS);

	if (!check_bias (tz.bias, "Bias", error) ||
	    !check_bias (tz.standard_bias, "StandardBias", error) ||
	    !check_bias (tz.daylight_bias, "DaylightBias", error) ||
	    !check_systemtime (&tz.standard_date, "StandardDate", error) ||
	    !check_systemtime (&tz.daylight_date, "DaylightDate", error))
		return FALSE;
	*out = tz;
	return TRUE;
}

gboolean
eas_timezone_decode_base64 (const char *text, gssize len, EasTimeZone *out, GError **error)
{
	g_autofree char *copy = NULL;
	g_autofree guchar *raw = NULL;
	gsize n = len < 0 ? strlen (text) : (gsize) len;
	gsize raw_len = 0;

	if (n > B64_MAX) {
		g_set_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED,
		             "TimeZone base64 longer than %d characters", B64_MAX);
		return FALSE;
	}
	copy = g_strndup (text, n);
	for (gsize i = 0; i < n; i++) {
		char c = copy[i];
		if (!g_ascii_isalnum (c) && c != '+' && c != '/' && c != '=' &&
		    !g_ascii_isspace (c)) {
			g_set_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED,
			             "TimeZone base64 has an invalid character at %" G_GSIZE_FORMAT, i);
			return FALSE;
		}
	}
	raw = g_base64_decode (copy, &raw_len);
	return eas_timezone_decode (raw, raw_len, out, error);
}

GBytes *
eas_timezone_encode (const EasTimeZone *tz)
{
	guint8 *blob = g_malloc0 (EAS_TIMEZONE_BLOB_SIZE);

	put_i32 (blob + OFF_BIAS, tz->bias);
	put_name (blob + OFF_STD_NAME, tz->standard_name);
	put_systemtime (blob + OFF_STD_DATE, &tz->standard_date);
	put_i32 (blob + OFF_STD_BIAS, tz->standard_bias);
	put_name (blob + OFF_DST_NAME, tz->daylight_name);
	put_systemtime (blob + OFF_DST_DATE, &tz->daylight_date);
	put_i32 (blob + OFF_DST_BIAS, tz->daylight_bias);
	return g_bytes_new_take (blob, EAS_TIMEZONE_BLOB_SIZE);
}

char *
eas_timezone_encode_base64 (const EasTimeZone *tz)
{
	g_autoptr(GBytes) blob = eas_timezone_encode (tz);
	gsize len = 0;
	const guint8 *p = g_bytes_get_data (blob, &len);

	return g_base64_encode (p, len);
}

/* ---- From libical's rules --------------------------------------------- */

static int
utc_offset_at (icaltimezone *zone, gint64 t)
{
	struct icaltimetype tt;
	int is_dst = 0;

	tt = icaltime_from_timet_with_zone ((time_t) t, 0, icaltimezone_get_utc_timezone ());
	return icaltimezone_get_utc_offset_of_utc_time (zone, &tt, &is_dst);
}

/* The first instant in (lo, hi] whose offset differs from lo's; the scan
 * steps by 15 minutes, the finest granularity real zones use. */
static gint64
find_transition (icaltimezone *zone, gint64 lo, gint64 hi)
{
	int before = utc_offset_at (zone, lo);

	for (gint64 t = lo + 900; t < hi; t += 900) {
		if (utc_offset_at (zone, t) != before)
			return t;
	}
	return hi;
}

/* A yearly rule for a transition at UTC instant t, expressed in the local
 * time in force before it (Windows' convention). */
static void
rule_from_transition (gint64 t, int old_offset, EasSystemTime *st)
{
	g_autoptr(GDateTime) local = g_date_time_new_from_unix_utc (t + old_offset);
	int mday = g_date_time_get_day_of_month (local);
	int month = g_date_time_get_month (local);
	int dim = g_date_get_days_in_month ((GDateMonth) month,
	                                    (GDateYear) g_date_time_get_year (local));

	memset (st, 0, sizeof *st);
	st->month = (guint16) month;
	st->day_of_week = (guint16) (g_date_time_get_day_of_week (local) % 7);
	/* [MS-ASDTYPE] 2.6.4: day 5 means the last such weekday of the month. */
	st->day = (guint16) (mday + 7 > dim ? 5 : (mday - 1) / 7 + 1);
	st->hour = (guint16) g_date_time_get_hour (local);
	st->minute = (guint16) g_date_time_get_minute (local);
}

static void
set_names (EasTimeZone *tz, icaltimezone *zone)
{
	const char *name = icaltimezone_get_location (zone);

	if (name == NULL)
		name = icaltimezone_get_tzid (zone);
	if (name == NULL)
		name = "";
	/* Copy at once: libical's built-in zones may free their strings. */
	g_strlcpy (tz->standard_name, name, sizeof tz->standard_name);
	g_strlcpy (tz->daylight_name, name, sizeof tz->daylight_name);
}

/* ---- Shared zones ------------------------------------------------------- */

/* Years whose blob a shared zone remembers: a calendar's events cluster in
 * a few years; later years are computed each time. */
#define SHARED_YEARS 16

typedef struct {
	icaltimezone *zone;
	guint n_years;
	int years[SHARED_YEARS];
	EasTimeZone blobs[SHARED_YEARS];
} SharedZone;

static GMutex shared_lock;
static GHashTable *shared_by_text;	/* VTIMEZONE text → SharedZone* (owned) */
static GHashTable *shared_by_zone;	/* icaltimezone* → SharedZone* */

/* TRUE when zone is one of the VTIMEZONEs of a parsed VCALENDAR (not a
 * built-in zone, UTC or a zone made by icaltimezone_set_component()). */
static gboolean
belongs_to_calendar (icaltimezone *zone, icalcomponent *comp)
{
	icalcomponent *parent = comp != NULL ? icalcomponent_get_parent (comp) : NULL;
	const char *tzid = icaltimezone_get_tzid (zone);

	return parent != NULL && tzid != NULL && icalcomponent_get_timezone (parent, tzid) == zone;
}

icaltimezone *
eas_timezone_shared (icaltimezone *zone)
{
	icalcomponent *comp;
	char *text;
	SharedZone *sz;

	if (zone == NULL || zone == icaltimezone_get_utc_timezone ())
		return zone;
	comp = icaltimezone_get_component (zone);
	if (!belongs_to_calendar (zone, comp))
		return zone;
	text = icalcomponent_as_ical_string_r (comp);
	g_mutex_lock (&shared_lock);
	if (shared_by_text == NULL) {
		shared_by_text = g_hash_table_new_full (g_str_hash, g_str_equal, icalmemory_free_buffer, g_free);
		shared_by_zone = g_hash_table_new (g_direct_hash, g_direct_equal);
	}
	sz = g_hash_table_lookup (shared_by_text, text);
	if (sz == NULL && g_hash_table_size (shared_by_text) < EAS_TIMEZONE_SHARED_MAX) {
		sz = g_new0 (SharedZone, 1);
		sz->zone = icaltimezone_new ();
		icaltimezone_set_component (sz->zone, icalcomponent_new_clone (comp));
		g_hash_table_insert (shared_by_text, g_steal_pointer (&text), sz);
		g_hash_table_insert (shared_by_zone, sz->zone, sz);
	}
	g_mutex_unlock (&shared_lock);
	icalmemory_free_buffer (text);
	return sz != NULL ? sz->zone : zone;
}

/* A remembered blob of a shared zone for year. */
static gboolean
shared_blob_get (icaltimezone *zone, int year, EasTimeZone *out)
{
	gboolean found = FALSE;
	SharedZone *sz;

	g_mutex_lock (&shared_lock);
	sz = shared_by_zone != NULL ? g_hash_table_lookup (shared_by_zone, zone) : NULL;
	for (guint i = 0; sz != NULL && i < sz->n_years && !found; i++) {
		if (sz->years[i] == year) {
			*out = sz->blobs[i];
			found = TRUE;
		}
	}
	g_mutex_unlock (&shared_lock);
	return found;
}

static void
shared_blob_put (icaltimezone *zone, int year, const EasTimeZone *tz)
{
	SharedZone *sz;

	g_mutex_lock (&shared_lock);
	sz = shared_by_zone != NULL ? g_hash_table_lookup (shared_by_zone, zone) : NULL;
	for (guint i = 0; sz != NULL && i < sz->n_years; i++) {
		if (sz->years[i] == year)
			sz = NULL;
	}
	if (sz != NULL && sz->n_years < SHARED_YEARS) {
		sz->years[sz->n_years] = year;
		sz->blobs[sz->n_years++] = *tz;
	}
	g_mutex_unlock (&shared_lock);
}

/* The rules of zone in year (1900–2200, checked by the caller). */
static void
compute_from_icaltimezone (icaltimezone *zone, int year, EasTimeZone *out)
{
	EasTimeZone tz = { 0 };
	g_autoptr(GDateTime) start = NULL;
	gint64 t0, to_std = 0, to_dst = 0;
	int prev, std_off, dst_off, from_dst = 0, from_std = 0;

	start = g_date_time_new_utc (year, 1, 1, 0, 0, 0);
	t0 = g_date_time_to_unix (start);
	prev = utc_offset_at (zone, t0);
	std_off = dst_off = prev;
	for (int d = 1; d <= 366; d++) {
		gint64 t = t0 + (gint64) d * 86400;
		int off = utc_offset_at (zone, t);
		gint64 when;

		if (off == prev)
			continue;
		when = find_transition (zone, t - 86400, t);
		if (off > prev) {
			to_dst = when;
			from_std = prev;
		} else {
			to_std = when;
			from_dst = prev;
		}
		std_off = MIN (std_off, off);
		dst_off = MAX (dst_off, off);
		prev = off;
	}
	if (to_dst == 0 || to_std == 0 || std_off == dst_off) {
		/* No DST this year (or a one-off change): the offset at the end
		 * of the year is what later events need. */
		tz.bias = -prev / 60;
	} else {
		tz.bias = -std_off / 60;
		tz.daylight_bias = -(dst_off - std_off) / 60;
		rule_from_transition (to_dst, from_std, &tz.daylight_date);
		rule_from_transition (to_std, from_dst, &tz.standard_date);
	}
	set_names (&tz, zone);
	*out = tz;
}

gboolean
eas_timezone_from_icaltimezone (icaltimezone *zone, int year, EasTimeZone *out, GError **error)
{
	g_return_val_if_fail (zone != NULL, FALSE);
	if (year < 1900 || year > 2200) {
		g_set_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED,
		             "year %d out of range", year);
		return FALSE;
	}
	if (shared_blob_get (zone, year, out))
		return TRUE;
	compute_from_icaltimezone (zone, year, out);
	shared_blob_put (zone, year, out);
	return TRUE;
}

gboolean
eas_timezone_from_iana (const char *location, int year, EasTimeZone *out, GError **error)
{
	icaltimezone *zone;

	g_return_val_if_fail (location != NULL, FALSE);
	zone = icaltimezone_get_builtin_timezone (location);
	if (zone == NULL) {
		g_set_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_UNKNOWN,
		             "unknown time zone");
		return FALSE;
	}
	return eas_timezone_from_icaltimezone (zone, year, out, error);
}

static gboolean
same_rule (const EasSystemTime *a, const EasSystemTime *b)
{
	return a->month == b->month && a->day_of_week == b->day_of_week &&
	       a->day == b->day && a->hour == b->hour && a->minute == b->minute;
}

static gboolean
same_rules (const EasTimeZone *a, const EasTimeZone *b)
{
	if (eas_timezone_standard_offset (a) != eas_timezone_standard_offset (b))
		return FALSE;
	if (eas_timezone_has_dst (a) != eas_timezone_has_dst (b))
		return FALSE;
	if (!eas_timezone_has_dst (a))
		return TRUE;
	return eas_timezone_daylight_offset (a) == eas_timezone_daylight_offset (b) &&
	       same_rule (&a->standard_date, &b->standard_date) &&
	       same_rule (&a->daylight_date, &b->daylight_date);
}

/* Cheap pre-check before scanning a whole year: the offsets in mid-January
 * and mid-July must be the blob's two offsets. */
static gboolean
offsets_may_match (icaltimezone *zone, int year, const EasTimeZone *tz)
{
	g_autoptr(GDateTime) jan = g_date_time_new_utc (year, 1, 15, 12, 0, 0);
	g_autoptr(GDateTime) jul = g_date_time_new_utc (year, 7, 15, 12, 0, 0);
	int a = utc_offset_at (zone, g_date_time_to_unix (jan)) / 60;
	int b = utc_offset_at (zone, g_date_time_to_unix (jul)) / 60;
	int s = eas_timezone_standard_offset (tz);
	int d = eas_timezone_has_dst (tz) ? eas_timezone_daylight_offset (tz) : s;

	return (a == s && b == d) || (a == d && b == s);
}

static gboolean
zone_matches (icaltimezone *zone, int year, const EasTimeZone *tz)
{
	EasTimeZone cand;

	if (!offsets_may_match (zone, year, tz))
		return FALSE;
	if (!eas_timezone_from_icaltimezone (zone, year, &cand, NULL))
		return FALSE;
	return same_rules (tz, &cand);
}

char *
eas_timezone_find_iana (const EasTimeZone *tz, int year, const char *hint, GError **error)
{
	const char *names[2] = { hint, tz->standard_name };
	icalarray *zones;
	g_autofree char *first = NULL;

	for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
		icaltimezone *zone;

		if (names[i] == NULL || names[i][0] == '\0')
			continue;
		zone = icaltimezone_get_builtin_timezone (names[i]);
		if (zone != NULL && zone_matches (zone, year, tz))
			return g_strdup (names[i]);
	}
	zones = icaltimezone_get_builtin_timezones ();
	for (size_t i = 0; zones != NULL && i < zones->num_elements; i++) {
		icaltimezone *zone = icalarray_element_at (zones, i);

		if (zone_matches (zone, year, tz))
			return g_strdup (icaltimezone_get_location (zone));
	}
	g_set_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_UNKNOWN,
	             "no known time zone has these rules");
	return NULL;
}

/* ---- To a VTIMEZONE ----------------------------------------------------- */

/* Day of month of the n-th (5 = last) weekday dow (0 = Sunday) of month. */
static int
nth_weekday (int year, int month, int dow, int n)
{
	GDate d;
	int first_dow, mday, dim;

	g_date_clear (&d, 1);
	g_date_set_dmy (&d, 1, (GDateMonth) month, (GDateYear) year);
	first_dow = g_date_get_weekday (&d) % 7;
	mday = 1 + (dow - first_dow + 7) % 7 + 7 * (n - 1);
	dim = g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year);
	while (mday > dim)
		mday -= 7;
	return mday;
}

static icalcomponent *
observance (gboolean daylight, const EasSystemTime *st, int from, int to)
{
	icalcomponent *c = daylight ? icalcomponent_new_xdaylight () : icalcomponent_new_xstandard ();
	struct icaltimetype dt = icaltime_null_time ();

	dt.is_date = 0;
	if (st == NULL || st->month == 0) {
		dt.year = 1970;
		dt.month = 1;
		dt.day = 1;
	} else if (st->year != 0) {
		dt.year = st->year;
		dt.month = st->month;
		dt.day = st->day;
	} else {
		struct icalrecurrencetype r;
		int pos = st->day == 5 ? -1 : st->day;

		dt.year = 1970;
		dt.month = st->month;
		dt.day = nth_weekday (1970, st->month, st->day_of_week, st->day);
		icalrecurrencetype_clear (&r);
		r.freq = ICAL_YEARLY_RECURRENCE;
		r.by_month[0] = (short) st->month;
		/* libical 3.0 encodes BYDAY as ±(weekday + 8 × |position|). */
		r.by_day[0] = (short) ((pos < 0 ? -1 : 1) * (st->day_of_week + 1 + 8 * ABS (pos)));
		icalcomponent_add_property (c, icalproperty_new_rrule (r));
	}
	if (st != NULL) {
		dt.hour = st->hour;
		dt.minute = st->minute;
	}
	icalcomponent_add_property (c, icalproperty_new_dtstart (dt));
	icalcomponent_add_property (c, icalproperty_new_tzoffsetfrom (from * 60));
	icalcomponent_add_property (c, icalproperty_new_tzoffsetto (to * 60));
	return c;
}

icalcomponent *
eas_timezone_to_vtimezone (const EasTimeZone *tz, const char *tzid)
{
	icalcomponent *vtz;
	int std = eas_timezone_standard_offset (tz);

	g_return_val_if_fail (tz != NULL && tzid != NULL, NULL);
	vtz = icalcomponent_new_vtimezone ();
	icalcomponent_add_property (vtz, icalproperty_new_tzid (tzid));
	if (!eas_timezone_has_dst (tz)) {
		icalcomponent_add_component (vtz, observance (FALSE, NULL, std, std));
	} else {
		int dst = eas_timezone_daylight_offset (tz);

		icalcomponent_add_component (vtz, observance (FALSE, &tz->standard_date, dst, std));
		icalcomponent_add_component (vtz, observance (TRUE, &tz->daylight_date, std, dst));
	}
	return vtz;
}
