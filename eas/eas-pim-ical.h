/* eas-pim-ical.h — small libical helpers shared by the calendar, task and
 * note mappings (X- properties that carry EAS fields iCalendar has no
 * place for).  Internal to libeas. */
#pragma once

#include <glib.h>
#include <libical/ical.h>

G_BEGIN_DECLS

/* Adds X-NAME:value to c. */
void eas_pim_ical_add_x (icalcomponent *c, const char *name, const char *value);
/* Adds X-NAME:v when v >= 0 (negative means "not set"). */
void eas_pim_ical_add_x_int (icalcomponent *c, const char *name, int v);
/* Value of the first X-NAME property (case-insensitive), or NULL. */
const char *eas_pim_ical_get_x (icalcomponent *c, const char *name);
/* That value as a number in 0..max, or -1 when absent or invalid. */
int eas_pim_ical_get_x_int (icalcomponent *c, const char *name, guint max);

G_END_DECLS
