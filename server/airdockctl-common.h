/* airdockctl-common.h — what each airdockctl subcommand needs: its word on
 * the command line and the store named by -c FILE / --data-dir DIR.  (The
 * older subcommands in airdockctl-devices.c, -gal.c and -log.c still carry
 * their own copies.) */
#pragma once

#include <glib.h>

#include "server/airdockd-store.h"

G_BEGIN_DECLS

/* The first argument after the global options (-c FILE, --config FILE,
 * --data-dir DIR), or NULL when there is none. */
const char *airdockctl_command_word (int argc, char **argv);

/* Opens the store in data_dir if given, else in the data_dir of the
 * configuration file config_path (NULL: the built-in defaults). */
AirdockdStore *airdockctl_open_store (const char *config_path, const char *data_dir, GError **error);

G_END_DECLS
