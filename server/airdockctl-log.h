/* airdockctl-log.h — `airdockctl log enable activesync [--user U]
 * [--device D] | log disable | log status` (see airdockd-debuglog.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the first word after the global options is "log". */
gboolean airdockctl_log_is_command (int argc, char **argv);
/* Parses its own options (-c/--config, --data-dir, --user, --device), writes
 * data_dir/debug.conf; returns the exit status. */
int airdockctl_log_main (int argc, char **argv);

G_END_DECLS
