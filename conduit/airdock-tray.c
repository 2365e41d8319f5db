/* airdock-tray: the desktop status utility of airdock-conduit (see
 * conduit/tray-app.h and conduit/org.airdock.Conduit1.xml). */
#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "conduit/tray-app.h"

int
main (int   argc,
      char *argv[])
{
	g_autoptr (TrayApp) app = NULL;
	const char *localedir = g_getenv ("AIRDOCK_LOCALEDIR");

	setlocale (LC_ALL, "");
	/* AIRDOCK_LOCALEDIR lets tests use the catalogs of the build tree. */
	bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);

	app = tray_app_new ();
	return tray_app_run (app, argc, argv);
}
