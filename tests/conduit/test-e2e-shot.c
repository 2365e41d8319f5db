/* test-e2e-shot OUT.png: saves the whole screen of $DISPLAY as a PNG (for
 * test-e2e-tray.sh, where ImageMagick may be absent).  Fails on a picture
 * of one flat colour (nothing drawn). */
#include "config.h"

#include <stdio.h>

#include <gtk/gtk.h>

int
main (int argc, char **argv)
{
	g_autoptr (GdkPixbuf) shot = NULL;
	g_autoptr (GError) error = NULL;
	GdkWindow *root;
	const guint8 *px;
	gsize len;
	gboolean varied = FALSE;

	if (argc != 2 || !gtk_init_check (NULL, NULL)) {
		fprintf (stderr, "usage: test-e2e-shot OUT.png (with a usable DISPLAY)\n");
		return 2;
	}
	root = gdk_get_default_root_window ();
	gdk_display_sync (gdk_display_get_default ());
	shot = gdk_pixbuf_get_from_window (root, 0, 0, gdk_window_get_width (root), gdk_window_get_height (root));
	if (shot == NULL) {
		fprintf (stderr, "test-e2e-shot: cannot read the screen\n");
		return 1;
	}
	px = gdk_pixbuf_read_pixels (shot);
	len = gdk_pixbuf_get_byte_length (shot);
	for (gsize i = 3; i < len && !varied; i++)
		varied = px[i] != px[i % 3];
	if (!varied || !gdk_pixbuf_save (shot, argv[1], "png", &error, NULL)) {
		fprintf (stderr, "test-e2e-shot: %s\n", error != NULL ? error->message : "the screen is one flat colour");
		return 1;
	}
	return 0;
}
