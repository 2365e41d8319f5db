/* Fuzz target: the import splitter (airdockd-pimio.h) fed in pieces, with
 * small limits, and each component it hands out through the checks and the
 * vCard 4.0 ⇄ 3.0 conversions; the UID scan of stored data. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "fuzz.h"
#include "server/airdockd-pimio.h"

static void
check_chunk (const AirdockdPimioChunk *c, guint max_line)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdPimioEntry) e = NULL;
	g_autofree char *tzid = NULL;
	icalcomponent *vtz;
	guint line = 0;

	g_assert_cmpuint (c->line, >=, 1);
	g_assert_cmpuint (c->line, <=, max_line);
	if (c->kind == AIRDOCKD_PIMIO_PROBLEM) {
		g_assert_null (c->text);
		return;
	}
	g_assert_nonnull (c->text);
	if (c->kind == AIRDOCKD_PIMIO_VTIMEZONE) {
		vtz = airdockd_pimio_parse_vtimezone (c, &tzid, &line, &error);
		g_assert_true ((vtz == NULL) == (error != NULL));
		g_clear_pointer (&vtz, icalcomponent_free);
		return;
	}
	e = airdockd_pimio_prepare (c, &line, &error);
	g_assert_true ((e == NULL) == (error != NULL));
	if (e == NULL) {
		/* The line at fault lies within the component. */
		g_assert_cmpuint (line, >=, c->line);
		g_assert_cmpuint (line, <=, max_line);
		return;
	}
	g_assert_nonnull (e->uid);
	if (e->card != NULL) {
		g_autofree char *text = NULL;

		g_assert_cmpstr (e->card->version, ==, "4.0");
		airdockd_pimio_vcard_to_v3 (e->card);
		airdockd_pimio_vcard_to_v4 (e->card);
		text = eas_vcard_to_string (e->card);
		g_assert_true (g_str_has_prefix (text, "BEGIN:VCARD"));
	} else {
		g_assert_nonnull (e->comp);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	AirdockdPimioLimits limits = { .line_bytes = 4096, .component_bytes = 16 * 1024, .depth = 4 };
	g_autoptr (AirdockdPimioSplitter) s = airdockd_pimio_splitter_new (&limits);
	guint max_line = 1;
	gsize off = 0;
	AirdockdPimioChunk *c;

	if (size > 256 * 1024)
		return 0;
	/* The UID scan of stored data takes any bytes too. */
	{
		g_autoptr (GBytes) bytes = g_bytes_new (data, size);
		g_autofree char *uid = airdockd_pimio_stored_uid (bytes);

		g_assert_true (uid == NULL || uid[0] != '\0');
	}
	for (gsize i = 0; i < size; i++)
		max_line += data[i] == '\n';
	/* Pieces of 1, 2, 3 … bytes: every split of a line gets exercised. */
	for (gsize piece = 1; off < size; piece++) {
		gsize n = MIN (piece, size - off);

		airdockd_pimio_splitter_feed (s, (const char *) data + off, n);
		off += n;
		while ((c = airdockd_pimio_splitter_pop (s)) != NULL) {
			check_chunk (c, max_line);
			airdockd_pimio_chunk_free (c);
		}
	}
	airdockd_pimio_splitter_finish (s);
	while ((c = airdockd_pimio_splitter_pop (s)) != NULL) {
		check_chunk (c, max_line);
		airdockd_pimio_chunk_free (c);
	}
	return 0;
}
