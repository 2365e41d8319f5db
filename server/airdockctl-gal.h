/* airdockctl-gal.h — `airdockctl gal import FILE|list|clear` (see
 * airdockd-gal.h). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the first word after the global options is "gal". */
gboolean airdockctl_gal_is_command (int argc, char **argv);
/* Parses its own options (-c/--config, --data-dir) and runs the
 * subcommand; returns the exit status. */
int airdockctl_gal_main (int argc, char **argv);

G_END_DECLS
