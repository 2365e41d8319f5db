/* eas-synckey.c — sync-key math; see eas-synckey.h. */
#include "config.h"

#include <string.h>

#include "eas/eas-synckey.h"

G_DEFINE_QUARK (eas-sync-key-error-quark, eas_sync_key_error)

static gboolean
fail_invalid (GError **error, const char *what)
{
	g_set_error (error, EAS_SYNC_KEY_ERROR, EAS_SYNC_KEY_ERROR_INVALID,
	             "SyncKey: %s", what);
	return FALSE;
}

/* Decimal 1..G_MAXUINT32, no sign, no leading zero. */
static gboolean
parse_counter (const char *text, gsize len, guint32 *out_counter)
{
	guint64 value = 0;

	if (len == 0 || len > 10 || text[0] == '0')
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isdigit (text[i]))
			return FALSE;
		value = value * 10 + (guint64) (text[i] - '0');
	}
	if (value > G_MAXUINT32)
		return FALSE;
	*out_counter = (guint32) value;
	return TRUE;
}

/* 8-4-4-4-12 hex digits, any case (stored lower-case). */
static gboolean
parse_uuid (const char *text, char out_uuid[37])
{
	for (gsize i = 0; i < 36; i++) {
		gboolean dash = (i == 8 || i == 13 || i == 18 || i == 23);

		if (dash ? text[i] != '-' : !g_ascii_isxdigit (text[i]))
			return FALSE;
		out_uuid[i] = g_ascii_tolower (text[i]);
	}
	out_uuid[36] = '\0';
	return TRUE;
}

gboolean
eas_sync_key_parse (const char *text, gsize len, EasSyncKey *out_key, GError **error)
{
	EasSyncKey key = { { 0 }, 0 };

	g_return_val_if_fail (text != NULL || len == 0, FALSE);
	g_return_val_if_fail (out_key != NULL, FALSE);

	if (len == 0)
		return fail_invalid (error, "empty");
	if (len > EAS_SYNC_KEY_MAX_BYTES)
		return fail_invalid (error, "longer than 64 bytes");
	if (len == 1 && text[0] == '0') {
		*out_key = key;
		return TRUE;
	}
	if (text[0] == '{') {
		/* "{" + 36 + "}" + at least one digit */
		if (len < 39 || text[37] != '}' || !parse_uuid (text + 1, key.uuid))
			return fail_invalid (error, "malformed uuid part");
		if (!parse_counter (text + 38, len - 38, &key.counter))
			return fail_invalid (error, "malformed counter");
	} else if (!parse_counter (text, len, &key.counter)) {
		return fail_invalid (error, "not a counter");
	}
	*out_key = key;
	return TRUE;
}

gboolean
eas_sync_key_is_initial (const EasSyncKey *key)
{
	g_return_val_if_fail (key != NULL, FALSE);
	return key->counter == 0;
}

void
eas_sync_key_next (const EasSyncKey *key, EasSyncKey *out_next)
{
	EasSyncKey next = { { 0 }, 0 };

	g_return_if_fail (key != NULL && out_next != NULL);

	if (key->counter == 0 || key->counter == G_MAXUINT32 || key->uuid[0] == '\0') {
		g_autofree char *uuid = g_uuid_string_random ();

		g_strlcpy (next.uuid, uuid, sizeof next.uuid);
		next.counter = 1;
	} else {
		memcpy (next.uuid, key->uuid, sizeof next.uuid);
		next.counter = key->counter + 1;
	}
	*out_next = next;
}

char *
eas_sync_key_to_string (const EasSyncKey *key)
{
	g_return_val_if_fail (key != NULL, NULL);

	if (key->counter == 0)
		return g_strdup ("0");
	if (key->uuid[0] == '\0')
		return g_strdup_printf ("%" G_GUINT32_FORMAT, key->counter);
	return g_strdup_printf ("{%s}%" G_GUINT32_FORMAT, key->uuid, key->counter);
}

static gboolean
same_key (const char *client, gsize len, const char *stored)
{
	return stored != NULL && strlen (stored) == len && memcmp (stored, client, len) == 0;
}

EasSyncKeyMatch
eas_sync_key_classify (const char *client, gsize len, const char *current,
                       const char *previous)
{
	g_return_val_if_fail (client != NULL || len == 0, EAS_SYNC_KEY_MATCH_UNKNOWN);

	if (len == 1 && client[0] == '0')
		return EAS_SYNC_KEY_MATCH_INITIAL;
	if (len == 0 || len > EAS_SYNC_KEY_MAX_BYTES)
		return EAS_SYNC_KEY_MATCH_UNKNOWN;
	if (same_key (client, len, current))
		return EAS_SYNC_KEY_MATCH_CURRENT;
	if (same_key (client, len, previous))
		return EAS_SYNC_KEY_MATCH_PREVIOUS;
	return EAS_SYNC_KEY_MATCH_UNKNOWN;
}
