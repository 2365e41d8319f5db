/* airdockctl-log.c — switches the debug log category "ActiveSync
 * Synchronization" on and off while airdockd runs: it writes
 * data_dir/debug.conf atomically, which the daemon re-reads when it changes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "server/airdockctl-log.h"
#include "server/airdockd-config.h"
#include "server/airdockd-debuglog.h"

#define EXIT_USAGE 2

static char *opt_config = NULL;
static char *opt_data_dir = NULL;
static char *opt_user = NULL;
static char *opt_device = NULL;

static const GOptionEntry entries[] = {
	{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config, "airdockd configuration file", "FILE" },
	{ "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_data_dir, "store directory (instead of -c)", "DIR" },
	{ "user", 0, 0, G_OPTION_ARG_STRING, &opt_user, "enable: only this user's requests", "USER" },
	{ "device", 0, 0, G_OPTION_ARG_STRING, &opt_device, "enable: only this DeviceId", "ID" },
	{ NULL }
};

gboolean
airdockctl_log_is_command (int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp (argv[i], "-c") == 0 || strcmp (argv[i], "--config") == 0 ||
		    strcmp (argv[i], "--data-dir") == 0)
			i++;
		else if (argv[i][0] != '-')
			return strcmp (argv[i], "log") == 0;
	}
	return FALSE;
}

static char *
find_data_dir (GError **error)
{
	g_autoptr (AirdockdConfig) config = NULL;

	if (opt_data_dir != NULL)
		return g_strdup (opt_data_dir);
	config = opt_config ? airdockd_config_load (opt_config, error) : airdockd_config_new_default ();
	if (config == NULL)
		return NULL;
	return g_strdup (config->data_dir);
}

static gboolean
run (int argc, char **argv, const char *data_dir, GError **error)
{
	AirdockdDebuglogControl control = { FALSE, NULL, NULL };
	gboolean ok;

	if (strcmp (argv[2], "enable") == 0) {
		control.enabled = TRUE;
		control.user = opt_user;
		control.device = opt_device;
	} else if (opt_user != NULL || opt_device != NULL) {
		g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
		             "--user and --device go with enable");
		return FALSE;
	}
	ok = airdockd_debuglog_control_write (data_dir, &control, error);
	if (ok)
		g_print ("%s debug log %s%s%s%s%s\n", AIRDOCKD_DEBUGLOG_CATEGORY,
		         control.enabled ? "enabled" : "disabled",
		         control.user ? " for user " : "", control.user ? control.user : "",
		         control.device ? " for device " : "", control.device ? control.device : "");
	(void) argc;
	return ok;
}

static gboolean
is_usage (int argc, char **argv)
{
	if (argc == 4 && strcmp (argv[2], "enable") == 0)
		return strcmp (argv[3], AIRDOCKD_DEBUGLOG_CATEGORY) != 0;
	if (argc == 3 && strcmp (argv[2], "disable") == 0)
		return FALSE;
	if (argc == 4 && strcmp (argv[2], "disable") == 0)
		return strcmp (argv[3], AIRDOCKD_DEBUGLOG_CATEGORY) != 0;
	return TRUE;
}

int
airdockctl_log_main (int argc, char **argv)
{
	g_autoptr (GOptionContext) ctx = g_option_context_new ("log enable activesync [--user U] [--device D] | log disable [activesync]");
	g_autoptr (GError) error = NULL;
	g_autofree char *data_dir = NULL;

	g_option_context_add_main_entries (ctx, entries, NULL);
	g_option_context_set_summary (ctx, "Switch the debug log category \"ActiveSync Synchronization\" "
	                                   "while airdockd runs (written to [log] debug_dir/activesync.log).");
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("airdockctl: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (is_usage (argc, argv)) {
		g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);
		g_printerr ("%s", help);
		return EXIT_USAGE;
	}
	data_dir = find_data_dir (&error);
	if (data_dir == NULL || !run (argc, argv, data_dir, &error)) {
		g_printerr ("airdockctl: %s\n", error->message);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
