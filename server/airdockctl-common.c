/* airdockctl-common.c — see the header. */
#include "config.h"

#include <string.h>

#include "server/airdockctl-common.h"
#include "server/airdockd-config.h"

const char *
airdockctl_command_word (int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp (argv[i], "-c") == 0 || strcmp (argv[i], "--config") == 0 ||
		    strcmp (argv[i], "--data-dir") == 0)
			i++;
		else if (argv[i][0] != '-')
			return argv[i];
	}
	return NULL;
}

AirdockdStore *
airdockctl_open_store (const char *config_path, const char *data_dir, GError **error)
{
	g_autoptr (AirdockdConfig) config = NULL;

	if (data_dir != NULL)
		return airdockd_store_open (data_dir, error);
	config = config_path ? airdockd_config_load (config_path, error) : airdockd_config_new_default ();
	return config != NULL ? airdockd_store_open (config->data_dir, error) : NULL;
}
