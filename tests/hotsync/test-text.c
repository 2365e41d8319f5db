/* Windows-1252 ⇄ UTF-8. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-text.h"

static void
test_all_bytes_round_trip (void)
{
	guint seen_c1 = 0;

	/* Every byte alone, and all of them together. */
	for (guint b = 1; b < 256; b++) {
		guint8 byte = (guint8) b;
		g_autofree char *utf8 = hotsync_text_to_utf8 (&byte, 1);
		g_autoptr (GError) error = NULL;
		gsize subst = 99;
		g_autoptr (GBytes) back = hotsync_text_from_utf8 (utf8, -1, &subst, &error);

		g_assert_no_error (error);
		g_assert_true (g_utf8_validate (utf8, -1, NULL));
		g_assert_cmpuint (g_utf8_strlen (utf8, -1), ==, 1);
		g_assert_cmpuint (subst, ==, 0);
		g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), &byte, 1);
		if (g_utf8_get_char (utf8) >= 0x80 && g_utf8_get_char (utf8) <= 0x9f)
			seen_c1++;
	}
	/* The five bytes Windows-1252 leaves undefined keep their C1 code. */
	g_assert_cmpuint (seen_c1, ==, 5);
	{
		guint8 all[255];
		g_autofree char *utf8 = NULL;
		g_autoptr (GBytes) back = NULL;

		for (guint b = 1; b < 256; b++)
			all[b - 1] = (guint8) b;
		utf8 = hotsync_text_to_utf8 (all, sizeof all);
		back = hotsync_text_from_utf8 (utf8, -1, NULL, NULL);
		g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), all, sizeof all);
	}
}

static void
test_known_values (void)
{
	static const struct { guint8 byte; gunichar c; } known[] = {
		{ 0x41, 'A' }, { 0x80, 0x20ac }, { 0x81, 0x81 }, { 0x8a, 0x160 }, { 0x8d, 0x8d },
		{ 0x99, 0x2122 }, { 0x9f, 0x178 }, { 0xa0, 0xa0 }, { 0xe9, 0xe9 }, { 0xff, 0xff },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
		g_assert_cmphex (hotsync_text_byte_to_unichar (known[i].byte), ==, known[i].c);
}

static void
test_substitution_and_errors (void)
{
	g_autoptr (GError) error = NULL;
	gsize subst = 0;
	/* "Ω€漢" → Ω and 漢 have no byte. */
	g_autoptr (GBytes) b = hotsync_text_from_utf8 ("\xce\xa9\xe2\x82\xac\xe6\xbc\xa2", -1, &subst, &error);
	g_autoptr (GBytes) bad = NULL;
	g_autoptr (GBytes) cut = NULL;
	g_autofree char *stop = NULL;
	static const guint8 with_nul[] = { 'a', 0, 'b' };

	g_assert_no_error (error);
	g_assert_cmpuint (subst, ==, 2);
	g_assert_cmpmem (g_bytes_get_data (b, NULL), g_bytes_get_size (b), "?\x80?", 3);
	bad = hotsync_text_from_utf8 ("a\xff", -1, NULL, &error);
	g_assert_null (bad);
	g_assert_error (error, HOTSYNC_TEXT_ERROR, HOTSYNC_TEXT_ERROR_INVALID_UTF8);
	/* A NUL ends the input both ways. */
	cut = hotsync_text_from_utf8 ("ab\0cd", 5, NULL, NULL);
	g_assert_cmpmem (g_bytes_get_data (cut, NULL), g_bytes_get_size (cut), "ab", 2);
	stop = hotsync_text_to_utf8 (with_nul, sizeof with_nul);
	g_assert_cmpstr (stop, ==, "a");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/hotsync/text/all-bytes-round-trip", test_all_bytes_round_trip);
	g_test_add_func ("/hotsync/text/known-values", test_known_values);
	g_test_add_func ("/hotsync/text/substitution-and-errors", test_substitution_and_errors);
	return g_test_run ();
}
