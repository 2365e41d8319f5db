/* airdockctl-pim.h — `airdockctl import USER FILE [--folder NAME]` and
 * `airdockctl export USER --folder NAME [-o FILE] [--vcard3]`: contacts
 * (vCard), events, tasks and notes (iCalendar) in and out of the store.
 * The splitting and checking is airdockd-pimio.h. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the first word after the global options is "import" or
 * "export". */
gboolean airdockctl_pim_is_command (int argc, char **argv);
/* Parses its own options and runs the command; returns the exit status
 * (0 done, 1 failed, 2 usage, 3 imported but some entries skipped). */
int airdockctl_pim_main (int argc, char **argv);

G_END_DECLS
