/* test-timezone.c — the EAS TimeZone blob ⇄ libical. */
#include "config.h"

#include <string.h>

#include "eas/eas-timezone.h"

/* Checks a VTIMEZONE built from the blob against libical's own zone: the
 * UTC offset of every hour of the year must agree. */
static void
assert_same_offsets (const char *location, const EasTimeZone *tz, int year)
{
	icaltimezone *ref = icaltimezone_get_builtin_timezone (location);
	icalcomponent *vtz = eas_timezone_to_vtimezone (tz, "Test/Zone");
	icaltimezone *mine = icaltimezone_new ();
	g_autoptr(GDateTime) start = g_date_time_new_utc (year, 1, 1, 0, 0, 0);
	gint64 t0 = g_date_time_to_unix (start);
	guint checked = 0;

	g_assert_nonnull (ref);
	g_assert_true (icaltimezone_set_component (mine, vtz));
	for (gint64 t = t0; t < t0 + 365 * 86400; t += 1800) {
		struct icaltimetype tt = icaltime_from_timet_with_zone ((time_t) t, 0,
		                                                        icaltimezone_get_utc_timezone ());
		int d1 = 0, d2 = 0;
		int a = icaltimezone_get_utc_offset_of_utc_time (ref, &tt, &d1);
		int b = icaltimezone_get_utc_offset_of_utc_time (mine, &tt, &d2);

		if (a != b)
			g_error ("%s: offset %d vs %d at %" G_GINT64_FORMAT, location, a, b, t);
		checked++;
	}
	g_assert_cmpuint (checked, ==, 365 * 48);
	icaltimezone_free (mine, 1);
}

typedef struct {
	const char *location;
	int std_offset;
	int dst_offset;		/* == std_offset: no DST */
	guint std_month, std_week, std_hour;
	guint dst_month, dst_week, dst_hour;
} ZoneCase;

static const ZoneCase zones[] = {
	/* EU: last Sunday of March 02:00 CET, last Sunday of October 03:00 CEST. */
	{ "Europe/Berlin", 60, 120, 10, 5, 3, 3, 5, 2 },
	/* US: second Sunday of March, first Sunday of November, 02:00 local. */
	{ "America/New_York", -300, -240, 11, 1, 2, 3, 2, 2 },
	/* Southern hemisphere: DST from the first Sunday of October to the
	 * first Sunday of April. */
	{ "Australia/Sydney", 600, 660, 4, 1, 3, 10, 1, 2 },
	{ "Asia/Kolkata", 330, 330, 0, 0, 0, 0, 0, 0 },
};

static void
test_zone (gconstpointer data)
{
	const ZoneCase *zc = data;
	g_autoptr(GError) error = NULL;
	EasTimeZone tz, back;
	g_autofree char *b64 = NULL;
	g_autofree char *found = NULL;

	g_assert_true (eas_timezone_from_iana (zc->location, 2026, &tz, &error));
	g_assert_no_error (error);
	g_assert_cmpint (eas_timezone_standard_offset (&tz), ==, zc->std_offset);
	g_assert_cmpint (eas_timezone_has_dst (&tz), ==, zc->std_offset != zc->dst_offset);
	if (eas_timezone_has_dst (&tz)) {
		g_assert_cmpint (eas_timezone_daylight_offset (&tz), ==, zc->dst_offset);
		g_assert_cmpuint (tz.standard_date.month, ==, zc->std_month);
		g_assert_cmpuint (tz.standard_date.day, ==, zc->std_week);
		g_assert_cmpuint (tz.standard_date.day_of_week, ==, 0);
		g_assert_cmpuint (tz.standard_date.hour, ==, zc->std_hour);
		g_assert_cmpuint (tz.daylight_date.month, ==, zc->dst_month);
		g_assert_cmpuint (tz.daylight_date.day, ==, zc->dst_week);
		g_assert_cmpuint (tz.daylight_date.hour, ==, zc->dst_hour);
	} else {
		g_assert_cmpuint (tz.standard_date.month, ==, 0);
		g_assert_cmpuint (tz.daylight_date.month, ==, 0);
	}

	/* Through the wire form and back. */
	b64 = eas_timezone_encode_base64 (&tz);
	g_assert_cmpuint (strlen (b64), ==, 232);
	g_assert_true (eas_timezone_decode_base64 (b64, -1, &back, &error));
	g_assert_no_error (error);
	g_assert_cmpint (memcmp (&tz, &back, sizeof tz), ==, 0);
	g_assert_cmpstr (back.standard_name, ==, zc->location);

	/* The decoded blob, as a VTIMEZONE, agrees with libical hour by hour,
	 * also in the next year (rules, not dates). */
	assert_same_offsets (zc->location, &back, 2026);
	assert_same_offsets (zc->location, &back, 2027);

	/* And its name leads back to the zone. */
	found = eas_timezone_find_iana (&back, 2026, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (found, ==, zc->location);
}

/* Without a usable name the search still finds a zone with the same rules. */
static void
test_find_unnamed (void)
{
	g_autoptr(GError) error = NULL;
	EasTimeZone tz, other;
	g_autofree char *found = NULL;

	g_assert_true (eas_timezone_from_iana ("America/New_York", 2026, &tz, &error));
	strcpy (tz.standard_name, "Eastern Standard Time");
	found = eas_timezone_find_iana (&tz, 2026, NULL, &error);
	g_assert_no_error (error);
	g_assert_nonnull (found);
	g_assert_true (eas_timezone_from_iana (found, 2026, &other, &error));
	g_assert_cmpint (eas_timezone_standard_offset (&other), ==, -300);
	g_assert_cmpint (eas_timezone_daylight_offset (&other), ==, -240);
	g_assert_cmpuint (other.daylight_date.day, ==, 2);

	/* An offset no zone has. */
	tz.bias = 17;
	g_clear_pointer (&found, g_free);
	found = eas_timezone_find_iana (&tz, 2026, NULL, &error);
	g_assert_null (found);
	g_assert_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_UNKNOWN);
}

static void
test_wrong_length (void)
{
	guint8 blob[EAS_TIMEZONE_BLOB_SIZE + 1] = { 0 };
	EasTimeZone tz;
	g_autoptr(GError) error = NULL;

	g_assert_true (eas_timezone_decode (blob, EAS_TIMEZONE_BLOB_SIZE, &tz, &error));
	g_assert_no_error (error);
	g_assert_false (eas_timezone_decode (blob, EAS_TIMEZONE_BLOB_SIZE - 1, &tz, &error));
	g_assert_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED);
	g_clear_error (&error);
	g_assert_false (eas_timezone_decode (blob, EAS_TIMEZONE_BLOB_SIZE + 1, &tz, &error));
	g_assert_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED);
	g_clear_error (&error);
	g_assert_false (eas_timezone_decode_base64 ("AAAA", -1, &tz, &error));
	g_assert_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED);
	g_clear_error (&error);
	g_assert_false (eas_timezone_decode_base64 ("AA*A", -1, &tz, &error));
	g_assert_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED);
}

/* Fields out of range: month 13, week 6, hour 24, bias beyond a day. */
static void
test_bad_fields (void)
{
	EasTimeZone tz, out;
	struct { gsize off; guint16 value; gboolean ok; } cases[] = {
		{ 68 + 2, 12, TRUE }, { 68 + 2, 13, FALSE },
		{ 68 + 6, 5, TRUE }, { 68 + 6, 6, FALSE },
		{ 152 + 8, 23, TRUE }, { 152 + 8, 24, FALSE },
		{ 0, 1440, TRUE }, { 0, 1441, FALSE },
	};

	g_assert_true (eas_timezone_from_iana ("Europe/Berlin", 2026, &tz, NULL));
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr(GBytes) blob = eas_timezone_encode (&tz);
		g_autofree guint8 *raw = g_bytes_unref_to_data (g_steal_pointer (&blob), &(gsize){ 0 });
		g_autoptr(GError) error = NULL;

		raw[cases[i].off] = cases[i].value & 0xff;
		raw[cases[i].off + 1] = cases[i].value >> 8;
		if (cases[i].off == 0)	/* Bias is an i32: clear the sign bytes */
			raw[2] = raw[3] = 0;
		g_assert_cmpint (eas_timezone_decode (raw, EAS_TIMEZONE_BLOB_SIZE, &out, &error), ==, cases[i].ok);
		if (!cases[i].ok)
			g_assert_error (error, EAS_TIMEZONE_ERROR, EAS_TIMEZONE_ERROR_MALFORMED);
	}
}

/* A blob from a real server (horde's recurrence fixture): US Eastern. */
static void
test_horde_blob (void)
{
	const char *b64 = "LAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAsAAAABAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAACAAIAAAAAAAAAxP///w==";
	EasTimeZone tz;
	g_autoptr(GError) error = NULL;

	g_assert_true (eas_timezone_decode_base64 (b64, -1, &tz, &error));
	g_assert_no_error (error);
	g_assert_cmpint (eas_timezone_standard_offset (&tz), ==, -300);
	g_assert_cmpint (eas_timezone_daylight_offset (&tz), ==, -240);
	assert_same_offsets ("America/New_York", &tz, 2026);
}

/* A VCALENDAR with one VTIMEZONE tzid: EU rules (eu) or US rules. */
static icalcomponent *
calendar_with_zone (const char *tzid, gboolean eu)
{
	g_autofree char *text = g_strdup_printf (
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
		"BEGIN:VTIMEZONE\r\nTZID:%s\r\n"
		"BEGIN:DAYLIGHT\r\nTZOFFSETFROM:%s\r\nTZOFFSETTO:%s\r\nDTSTART:%s\r\nRRULE:%s\r\nEND:DAYLIGHT\r\n"
		"BEGIN:STANDARD\r\nTZOFFSETFROM:%s\r\nTZOFFSETTO:%s\r\nDTSTART:%s\r\nRRULE:%s\r\nEND:STANDARD\r\n"
		"END:VTIMEZONE\r\nEND:VCALENDAR\r\n",
		tzid,
		eu ? "+0100" : "-0500", eu ? "+0200" : "-0400",
		eu ? "19700329T020000" : "19700308T020000",
		eu ? "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" : "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
		eu ? "+0200" : "-0400", eu ? "+0100" : "-0500",
		eu ? "19701025T030000" : "19701101T020000",
		eu ? "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" : "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU");
	icalcomponent *cal = icalparser_parse_string (text);

	g_assert_nonnull (cal);
	return cal;
}

/* Every half hour of year: both zones give the same UTC offset. */
static void
assert_zones_agree (icaltimezone *a, icaltimezone *b, int year)
{
	g_autoptr(GDateTime) start = g_date_time_new_utc (year, 1, 1, 0, 0, 0);
	gint64 t0 = g_date_time_to_unix (start);

	for (gint64 t = t0; t < t0 + 365 * 86400; t += 1800) {
		struct icaltimetype tt = icaltime_from_timet_with_zone ((time_t) t, 0,
		                                                        icaltimezone_get_utc_timezone ());
		int d1 = 0, d2 = 0;

		g_assert_cmpint (icaltimezone_get_utc_offset_of_utc_time (a, &tt, &d1), ==,
		                 icaltimezone_get_utc_offset_of_utc_time (b, &tt, &d2));
	}
}

/* One shared zone per VTIMEZONE text: equal texts share it, the same TZID
 * with other rules does not, and the shared zone converts as the
 * calendar's own does (and outlives the calendar). */
static void
test_shared (void)
{
	icalcomponent *cal_a = calendar_with_zone ("Office", TRUE);
	icalcomponent *cal_b = calendar_with_zone ("Office", TRUE);
	icalcomponent *cal_c = calendar_with_zone ("Office", FALSE);
	icaltimezone *za = icalcomponent_get_timezone (cal_a, "Office");
	icaltimezone *zb = icalcomponent_get_timezone (cal_b, "Office");
	icaltimezone *zc = icalcomponent_get_timezone (cal_c, "Office");
	icaltimezone *sa, *sb, *sc;
	icaltimezone *berlin = icaltimezone_get_builtin_timezone ("Europe/Berlin");
	EasTimeZone own, first, again;

	g_assert_nonnull (za);
	g_assert_nonnull (zc);
	sa = eas_timezone_shared (za);
	sb = eas_timezone_shared (zb);
	sc = eas_timezone_shared (zc);
	g_assert_true (sa != za);
	g_assert_true (sa == sb);
	g_assert_true (sc != sa && sc != zc);
	/* Not a calendar's zone: as it is. */
	g_assert_true (eas_timezone_shared (sa) == sa);
	g_assert_null (eas_timezone_shared (NULL));
	g_assert_true (eas_timezone_shared (icaltimezone_get_utc_timezone ()) == icaltimezone_get_utc_timezone ());
	g_assert_true (eas_timezone_shared (berlin) == berlin);

	assert_zones_agree (sa, za, 2026);
	assert_zones_agree (sc, zc, 2026);
	/* The blob, computed and then remembered, is the calendar zone's. */
	g_assert_true (eas_timezone_from_icaltimezone (za, 2026, &own, NULL));
	g_assert_true (eas_timezone_from_icaltimezone (sa, 2026, &first, NULL));
	g_assert_true (eas_timezone_from_icaltimezone (sa, 2026, &again, NULL));
	g_assert_cmpint (memcmp (&own, &first, sizeof own), ==, 0);
	g_assert_cmpint (memcmp (&own, &again, sizeof own), ==, 0);
	g_assert_cmpint (eas_timezone_daylight_offset (&again), ==, 120);
	g_assert_false (eas_timezone_from_icaltimezone (sa, 1800, &again, NULL));

	icalcomponent_free (cal_a);
	icalcomponent_free (cal_b);
	assert_zones_agree (sa, berlin, 2027);
	icalcomponent_free (cal_c);
}

/* At most EAS_TIMEZONE_SHARED_MAX texts are kept: beyond, a calendar's
 * zone comes back as it is (and still works). */
static void
test_shared_bounded (void)
{
	guint kept = 0;
	gboolean fell_back = FALSE;

	for (guint i = 0; i < EAS_TIMEZONE_SHARED_MAX + 8; i++) {
		g_autofree char *tzid = g_strdup_printf ("Bounded %u", i);
		icalcomponent *cal = calendar_with_zone (tzid, i % 2 == 0);
		icaltimezone *own = icalcomponent_get_timezone (cal, tzid);
		icaltimezone *shared = eas_timezone_shared (own);

		if (shared != own)
			kept++;
		else
			fell_back = TRUE;
		icalcomponent_free (cal);
	}
	g_assert_cmpuint (kept, <=, EAS_TIMEZONE_SHARED_MAX);
	g_assert_true (fell_back);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	for (guint i = 0; i < G_N_ELEMENTS (zones); i++) {
		g_autofree char *path = g_strdup_printf ("/timezone/zone/%s", zones[i].location);
		g_test_add_data_func (path, &zones[i], test_zone);
	}
	g_test_add_func ("/timezone/find/unnamed", test_find_unnamed);
	g_test_add_func ("/timezone/decode/wrong-length", test_wrong_length);
	g_test_add_func ("/timezone/decode/bad-fields", test_bad_fields);
	g_test_add_func ("/timezone/decode/horde-blob", test_horde_blob);
	g_test_add_func ("/timezone/shared/same-text", test_shared);
	g_test_add_func ("/timezone/shared/bounded", test_shared_bounded);
	return g_test_run ();
}
