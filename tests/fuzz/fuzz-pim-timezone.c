/* Fuzz target: the EAS TimeZone blob ([MS-ASDTYPE] 2.6.4), raw (first byte
 * 0) or base64 (first byte 1): decode → the IANA zone with its rules →
 * VTIMEZONE → blob again. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "eas/eas-timezone.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *iana = NULL;
	g_autoptr (GBytes) blob = NULL;
	EasTimeZone tz, again;
	icalcomponent *vtz;
	gboolean ok;

	if (size < 1)
		return 0;
	if (data[0] & 1)
		ok = eas_timezone_decode_base64 ((const char *) data + 1, (gssize) (size - 1), &tz, &error);
	else
		ok = eas_timezone_decode (data + 1, size - 1, &tz, &error);
	g_assert_true (ok == (error == NULL));
	if (!ok)
		return 0;
	blob = eas_timezone_encode (&tz);
	g_assert_cmpuint (g_bytes_get_size (blob), ==, EAS_TIMEZONE_BLOB_SIZE);
	g_assert_true (eas_timezone_decode (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), &again, NULL));
	g_assert_cmpint (again.bias, ==, tz.bias);
	vtz = eas_timezone_to_vtimezone (&tz, "fuzz");
	g_assert_nonnull (vtz);
	icalcomponent_free (vtz);
	/* Matching walks libical's zones: only for a few inputs (the corpus'
	 * and the fuzzer's), not a cost for every one. */
	if (data[0] & 2)
		iana = eas_timezone_find_iana (&tz, 2026, NULL, NULL);
	return 0;
}
