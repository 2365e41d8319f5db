/* airdockctl-devices.h — `airdockctl devices …` (see airdockd-admin.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the first word after the global options is "devices". */
gboolean airdockctl_devices_is_command (int argc, char **argv);
/* Parses its own options (-c/--config, --data-dir, --json, --account-only,
 * --folder) and runs the subcommand; returns the exit status. */
int airdockctl_devices_main (int argc, char **argv);

G_END_DECLS
