/* test-e2e-fill STORE N: adds N notes to the desktop store's Notes folder
 * (for test-e2e-tray.sh: a server sync long enough to watch). */
#include "config.h"

#include <stdio.h>

#include "pst/pststore.h"

int
main (int argc, char **argv)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PststoreStore) store = NULL;
	guint64 n = 0;
	gint64 folder;

	if (argc != 3 || !g_ascii_string_to_unsigned (argv[2], 10, 1, 100000, &n, &error)) {
		fprintf (stderr, "usage: test-e2e-fill STORE N (1–100000)\n");
		return 2;
	}
	store = pststore_open (argv[1], &error);
	if (store == NULL || !pststore_begin (store, &error) ||
	    (folder = pststore_folder_default (store, PSTSTORE_KIND_NOTE, &error)) == 0)
		goto fail;
	for (guint64 i = 0; i < n; i++) {
		g_autoptr (PststoreItem) it = pststore_item_new ("IPM.StickyNote");

		it->folder_id = folder;
		it->subject = g_strdup_printf ("Note %" G_GUINT64_FORMAT, i);
		it->body = g_strdup_printf ("Note %" G_GUINT64_FORMAT "\nwritten for the tray test", i);
		if (!pststore_item_save (store, it, NULL, &error))
			goto fail;
	}
	if (!pststore_commit (store, &error))
		goto fail;
	return 0;
fail:
	fprintf (stderr, "test-e2e-fill: %s\n", error->message);
	return 1;
}
