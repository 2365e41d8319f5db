/* eas-pim.c — helpers shared by the PIM item models. */
#include "config.h"

#include <string.h>

#include "eas/eas-pim.h"

G_DEFINE_QUARK (eas-pim-error-quark, eas_pim_error)

char *
eas_pim_tag_label (EasTag tag)
{
	const char *page = eas_codepage_name (EAS_TAG_PAGE (tag));
	const char *name = eas_tag_name (tag);

	return g_strdup_printf ("%s:%s", page != NULL ? page : "?", name != NULL ? name : "?");
}

static gboolean
digits (const char *p, guint n, guint *out)
{
	guint v = 0;

	for (guint i = 0; i < n; i++) {
		if (!g_ascii_isdigit (p[i]))
			return FALSE;
		v = v * 10 + (guint) (p[i] - '0');
	}
	*out = v;
	return TRUE;
}

gboolean
eas_pim_parse_time (const char *text, gint64 *out_unix)
{
	guint y, mo, d, h, mi, s, ms = 0;
	gsize len;
	g_autoptr(GDateTime) dt = NULL;

	if (text == NULL)
		return FALSE;
	len = strlen (text);
	if (len == 24 && text[4] == '-' && text[7] == '-' && text[10] == 'T' &&
	    text[13] == ':' && text[16] == ':' && text[19] == '.' && text[23] == 'Z') {
		if (!digits (text, 4, &y) || !digits (text + 5, 2, &mo) || !digits (text + 8, 2, &d) ||
		    !digits (text + 11, 2, &h) || !digits (text + 14, 2, &mi) ||
		    !digits (text + 17, 2, &s) || !digits (text + 20, 3, &ms))
			return FALSE;
	} else if (len == 16 && text[8] == 'T' && text[15] == 'Z') {
		if (!digits (text, 4, &y) || !digits (text + 4, 2, &mo) || !digits (text + 6, 2, &d) ||
		    !digits (text + 9, 2, &h) || !digits (text + 11, 2, &mi) || !digits (text + 13, 2, &s))
			return FALSE;
	} else {
		return FALSE;
	}
	/* g_date_time_new_utc checks day-of-month and the rest itself. */
	if (y < 1601 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
		return FALSE;
	dt = g_date_time_new_utc ((int) y, (int) mo, (int) d, (int) h, (int) mi, (double) s);
	if (dt == NULL)
		return FALSE;
	*out_unix = g_date_time_to_unix (dt);
	return TRUE;
}

char *
eas_pim_format_time (gint64 t, gboolean compact)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

	if (dt == NULL)
		dt = g_date_time_new_from_unix_utc (0);
	return g_date_time_format (dt, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%S.000Z");
}

static gboolean
malformed (const EasNode *node, const char *what, GError **error)
{
	g_autofree char *label = eas_pim_tag_label (node->tag);

	g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_MALFORMED, "%s: %s", label, what);
	return FALSE;
}

gboolean
eas_pim_node_time (const EasNode *node, gint64 *out_unix, GError **error)
{
	if (!eas_pim_parse_time (node->text, out_unix))
		return malformed (node, "not a valid UTC date-time", error);
	return TRUE;
}

gboolean
eas_pim_node_uint (const EasNode *node, guint min, guint max, guint *out_value, GError **error)
{
	guint64 v = 0;

	if (node->text == NULL ||
	    !g_ascii_string_to_unsigned (node->text, 10, min, max, &v, NULL))
		return malformed (node, "number missing or out of range", error);
	*out_value = (guint) v;
	return TRUE;
}

gboolean
eas_pim_node_bool (const EasNode *node, gboolean *out_value, GError **error)
{
	guint v = 0;

	if (!eas_pim_node_uint (node, 0, 1, &v, error))
		return FALSE;
	*out_value = v != 0;
	return TRUE;
}

static gboolean
check_text (const EasNode *node, gsize max, GError **error)
{
	if (node->opaque != NULL)
		return malformed (node, "binary where text was expected", error);
	if (node->text != NULL && strlen (node->text) > max) {
		g_autofree char *label = eas_pim_tag_label (node->tag);

		g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT,
		             "%s: longer than %" G_GSIZE_FORMAT " bytes", label, max);
		return FALSE;
	}
	return TRUE;
}

gboolean
eas_pim_decode_body (const EasNode *body, char **out_text, guint *out_type, GError **error)
{
	const EasNode *type = eas_node_child (body, EAS_AIRSYNCBASE_TYPE);
	const EasNode *data = eas_node_child (body, EAS_AIRSYNCBASE_DATA);
	guint t = 1;

	if (type != NULL && !eas_pim_node_uint (type, 1, 3, &t, error))
		return FALSE;
	if (data != NULL && !check_text (data, EAS_PIM_MAX_BODY_BYTES, error))
		return FALSE;
	*out_type = t;
	*out_text = g_strdup (data != NULL && data->text != NULL ? data->text : "");
	return TRUE;
}

void
eas_pim_write_body (EasWbxmlWriter *writer, EasVersion version, EasTag tag_25,
                    const char *text, guint type)
{
	if (text == NULL)
		return;
	if (version < 120) {
		if (tag_25 != 0)
			eas_wbxml_writer_text_element (writer, tag_25, text);
		return;
	}
	eas_wbxml_writer_start (writer, EAS_AIRSYNCBASE_BODY);
	eas_wbxml_writer_uint_element (writer, EAS_AIRSYNCBASE_TYPE, type != 0 ? type : 1);
	eas_wbxml_writer_uint_element (writer, EAS_AIRSYNCBASE_ESTIMATED_DATA_SIZE, strlen (text));
	if (text[0] != '\0')
		eas_wbxml_writer_text_element (writer, EAS_AIRSYNCBASE_DATA, text);
	eas_wbxml_writer_end (writer);
}

GPtrArray *
eas_pim_decode_list (const EasNode *container, EasTag item_tag, guint max, GError **error)
{
	g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

	for (const EasNode *c = container->first_child; c != NULL; c = c->next) {
		if (c->tag != item_tag)
			continue;
		if (list->len >= max) {
			g_autofree char *label = eas_pim_tag_label (container->tag);

			g_set_error (error, EAS_PIM_ERROR, EAS_PIM_ERROR_LIMIT,
			             "%s: more than %u items", label, max);
			return NULL;
		}
		if (!check_text (c, 64 * 1024, error))
			return NULL;
		g_ptr_array_add (list, g_strdup (c->text != NULL ? c->text : ""));
	}
	return g_steal_pointer (&list);
}

void
eas_pim_write_list (EasWbxmlWriter *writer, EasTag container_tag, EasTag item_tag,
                    const GPtrArray *list)
{
	if (list == NULL)
		return;
	if (list->len == 0) {
		eas_wbxml_writer_empty (writer, container_tag);
		return;
	}
	eas_wbxml_writer_start (writer, container_tag);
	for (guint i = 0; i < list->len; i++)
		eas_wbxml_writer_text_element (writer, item_tag, g_ptr_array_index (list, i));
	eas_wbxml_writer_end (writer);
}

GPtrArray *
eas_pim_list_copy (const GPtrArray *list)
{
	GPtrArray *copy;

	if (list == NULL)
		return NULL;
	copy = g_ptr_array_new_with_free_func (g_free);
	for (guint i = 0; i < list->len; i++)
		g_ptr_array_add (copy, g_strdup (g_ptr_array_index (list, i)));
	return copy;
}
