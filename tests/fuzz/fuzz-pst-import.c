/* Fuzz target: the importer (pst/pststore-import.c) fed an arbitrary
 * reader stream against a real in-memory store: protocol checks, folder
 * tree handling and item validation.  Every run rolls back. */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "pst/pststore-import.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static PststoreStore *store;
	g_autoptr (GError) error = NULL;
	g_autoptr (PststoreImporter) imp = NULL;
	gint64 before = 0, after = 0;
	gsize half = size / 2;

	if (store == NULL) {
		store = pststore_open (":memory:", &error);
		g_assert_no_error (error);
	}
	g_assert_true (pststore_get_counter (store, &before, NULL));
	imp = pststore_importer_new (store, 0, &error);
	g_assert_no_error (error);
	/* Two feeds: records split across reads must work too. */
	if (pststore_importer_feed (imp, data, half, &error))
		pststore_importer_feed (imp, data + half, size - half, &error);
	g_clear_pointer (&imp, pststore_importer_free);
	g_assert_true (pststore_get_counter (store, &after, NULL));
	g_assert_cmpint (after, ==, before);
	return 0;
}
