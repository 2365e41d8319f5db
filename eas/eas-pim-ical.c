/* eas-pim-ical.c — see eas-pim-ical.h. */
#include "config.h"

#include "eas/eas-pim-ical.h"

void
eas_pim_ical_add_x (icalcomponent *c, const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x (value);

	icalproperty_set_x_name (p, name);
	icalcomponent_add_property (c, p);
}

void
eas_pim_ical_add_x_int (icalcomponent *c, const char *name, int v)
{
	char buf[16];

	if (v < 0)
		return;
	g_snprintf (buf, sizeof buf, "%d", v);
	eas_pim_ical_add_x (c, name, buf);
}

const char *
eas_pim_ical_get_x (icalcomponent *c, const char *name)
{
	for (icalproperty *p = icalcomponent_get_first_property (c, ICAL_X_PROPERTY); p != NULL;
	     p = icalcomponent_get_next_property (c, ICAL_X_PROPERTY)) {
		const char *n = icalproperty_get_x_name (p);

		if (n != NULL && g_ascii_strcasecmp (n, name) == 0)
			return icalproperty_get_x (p);
	}
	return NULL;
}

int
eas_pim_ical_get_x_int (icalcomponent *c, const char *name, guint max)
{
	const char *v = eas_pim_ical_get_x (c, name);
	guint64 n = 0;

	if (v == NULL || !g_ascii_string_to_unsigned (v, 10, 0, max, &n, NULL))
		return -1;
	return (int) n;
}
