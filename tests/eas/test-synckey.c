/* test-synckey.c — sync-key parsing, succession and classification. */
#include "config.h"

#include <string.h>

#include "eas/eas-synckey.h"

static void
parse_ok (const char *text, EasSyncKey *out_key)
{
	g_autoptr (GError) error = NULL;

	g_assert_true (eas_sync_key_parse (text, strlen (text), out_key, &error));
	g_assert_no_error (error);
}

static void
parse_bad (const char *text, gsize len)
{
	g_autoptr (GError) error = NULL;
	EasSyncKey key = { "untouched", 77 };

	g_assert_false (eas_sync_key_parse (text, len, &key, &error));
	g_assert_error (error, EAS_SYNC_KEY_ERROR, EAS_SYNC_KEY_ERROR_INVALID);
	/* Outputs are never written on failure. */
	g_assert_cmpstr (key.uuid, ==, "untouched");
	g_assert_cmpuint (key.counter, ==, 77);
}

static void
test_parse_initial (void)
{
	EasSyncKey key;

	parse_ok ("0", &key);
	g_assert_true (eas_sync_key_is_initial (&key));
	g_assert_cmpstr (key.uuid, ==, "");
	g_autofree char *s = eas_sync_key_to_string (&key);
	g_assert_cmpstr (s, ==, "0");
}

static void
test_parse_uuid_form (void)
{
	EasSyncKey key;

	parse_ok ("{0F8FAD5B-D9CB-469F-A165-70867728950E}42", &key);
	g_assert_false (eas_sync_key_is_initial (&key));
	g_assert_cmpstr (key.uuid, ==, "0f8fad5b-d9cb-469f-a165-70867728950e");
	g_assert_cmpuint (key.counter, ==, 42);
	g_autofree char *s = eas_sync_key_to_string (&key);
	g_assert_cmpstr (s, ==, "{0f8fad5b-d9cb-469f-a165-70867728950e}42");

	parse_ok ("{0f8fad5b-d9cb-469f-a165-70867728950e}4294967295", &key);
	g_assert_cmpuint (key.counter, ==, G_MAXUINT32);
}

static void
test_parse_counter_form (void)
{
	EasSyncKey key;

	parse_ok ("7", &key);
	g_assert_cmpuint (key.counter, ==, 7);
	g_assert_cmpstr (key.uuid, ==, "");
	parse_ok ("4294967295", &key);
	g_assert_cmpuint (key.counter, ==, G_MAXUINT32);
	g_autofree char *s = eas_sync_key_to_string (&key);
	g_assert_cmpstr (s, ==, "4294967295");
}

static void
test_parse_invalid (void)
{
	const char *bad[] = {
		"", "00", "01", "-1", "+1", "1a", "4294967296", "99999999999",
		"{0f8fad5b-d9cb-469f-a165-70867728950e}",
		"{0f8fad5b-d9cb-469f-a165-70867728950e}0",
		"{0f8fad5b-d9cb-469f-a165-70867728950e}01",
		"{0f8fad5b-d9cb-469f-a165-70867728950e}4294967296",
		"{0f8fad5b_d9cb-469f-a165-70867728950e}1",
		"{0f8fad5b-d9cb-469f-a165-70867728950g}1",
		"{0f8fad5b-d9cb-469f-a165-70867728950e1",
		"0f8fad5b-d9cb-469f-a165-70867728950e}1",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
		parse_bad (bad[i], strlen (bad[i]));
	/* A NUL inside is not a digit. */
	parse_bad ("1\0002", 3);
}

/* The limit is 64 bytes: a 64-byte key is read, 65 bytes are refused. */
static void
test_parse_length_limit (void)
{
	g_autofree char *at = g_strnfill (EAS_SYNC_KEY_MAX_BYTES, '1');
	g_autofree char *over = g_strnfill (EAS_SYNC_KEY_MAX_BYTES + 1, '1');
	EasSyncKey key;
	g_autoptr (GError) error = NULL;

	/* 64 digits are refused as a number (too large), 65 bytes for the
	 * length: the messages tell them apart. */
	g_assert_false (eas_sync_key_parse (over, strlen (over), &key, &error));
	g_assert_nonnull (strstr (error->message, "64"));
	g_clear_error (&error);
	g_assert_false (eas_sync_key_parse (at, strlen (at), &key, &error));
	g_assert_null (strstr (error->message, "64"));

	g_assert_cmpint (eas_sync_key_classify (at, strlen (at), at, NULL), ==,
	                 EAS_SYNC_KEY_MATCH_CURRENT);
	g_assert_cmpint (eas_sync_key_classify (over, strlen (over), over, NULL), ==,
	                 EAS_SYNC_KEY_MATCH_UNKNOWN);
}

static void
test_next (void)
{
	EasSyncKey initial, k1, k2, k1b;

	parse_ok ("0", &initial);
	eas_sync_key_next (&initial, &k1);
	g_assert_cmpuint (k1.counter, ==, 1);
	g_assert_cmpuint (strlen (k1.uuid), ==, 36);
	eas_sync_key_next (&k1, &k2);
	g_assert_cmpuint (k2.counter, ==, 2);
	g_assert_cmpstr (k2.uuid, ==, k1.uuid);

	/* Two starts from 0 never give the same key. */
	eas_sync_key_next (&initial, &k1b);
	g_assert_cmpstr (k1b.uuid, !=, k1.uuid);

	/* Round trip through text. */
	g_autofree char *s = eas_sync_key_to_string (&k2);
	EasSyncKey back;
	parse_ok (s, &back);
	g_assert_cmpstr (back.uuid, ==, k2.uuid);
	g_assert_cmpuint (back.counter, ==, 2);

	/* Plain counters move to the uuid form; the maximum wraps to a new uuid. */
	EasSyncKey plain, after;
	parse_ok ("9", &plain);
	eas_sync_key_next (&plain, &after);
	g_assert_cmpuint (after.counter, ==, 1);
	g_assert_cmpuint (strlen (after.uuid), ==, 36);
	parse_ok ("{0f8fad5b-d9cb-469f-a165-70867728950e}4294967295", &plain);
	eas_sync_key_next (&plain, &after);
	g_assert_cmpuint (after.counter, ==, 1);
	g_assert_cmpstr (after.uuid, !=, plain.uuid);
}

static void
test_classify (void)
{
	const char *cur = "{0f8fad5b-d9cb-469f-a165-70867728950e}3";
	const char *prev = "{0f8fad5b-d9cb-469f-a165-70867728950e}2";

	g_assert_cmpint (eas_sync_key_classify ("0", 1, cur, prev), ==, EAS_SYNC_KEY_MATCH_INITIAL);
	g_assert_cmpint (eas_sync_key_classify ("0", 1, NULL, NULL), ==, EAS_SYNC_KEY_MATCH_INITIAL);
	g_assert_cmpint (eas_sync_key_classify (cur, strlen (cur), cur, prev), ==, EAS_SYNC_KEY_MATCH_CURRENT);
	g_assert_cmpint (eas_sync_key_classify (prev, strlen (prev), cur, prev), ==, EAS_SYNC_KEY_MATCH_PREVIOUS);
	g_assert_cmpint (eas_sync_key_classify (prev, strlen (prev), cur, NULL), ==, EAS_SYNC_KEY_MATCH_UNKNOWN);
	g_assert_cmpint (eas_sync_key_classify (cur, strlen (cur), NULL, NULL), ==, EAS_SYNC_KEY_MATCH_UNKNOWN);
	/* A key with the next counter was never handed out. */
	const char *forged = "{0f8fad5b-d9cb-469f-a165-70867728950e}4";
	g_assert_cmpint (eas_sync_key_classify (forged, strlen (forged), cur, prev), ==, EAS_SYNC_KEY_MATCH_UNKNOWN);
	/* A prefix of the current key is not the current key. */
	g_assert_cmpint (eas_sync_key_classify (cur, strlen (cur) - 1, cur, prev), ==, EAS_SYNC_KEY_MATCH_UNKNOWN);
	g_assert_cmpint (eas_sync_key_classify ("", 0, cur, prev), ==, EAS_SYNC_KEY_MATCH_UNKNOWN);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/synckey/parse/initial", test_parse_initial);
	g_test_add_func ("/synckey/parse/uuid-form", test_parse_uuid_form);
	g_test_add_func ("/synckey/parse/counter-form", test_parse_counter_form);
	g_test_add_func ("/synckey/parse/invalid", test_parse_invalid);
	g_test_add_func ("/synckey/parse/length-limit", test_parse_length_limit);
	g_test_add_func ("/synckey/next", test_next);
	g_test_add_func ("/synckey/classify", test_classify);
	return g_test_run ();
}
