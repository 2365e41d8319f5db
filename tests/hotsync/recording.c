/* Test helper: see recording.h.  The format is simple enough to scan by
 * hand: only the two keys and their string values matter. */
#include "config.h"

#include <string.h>

#include "tests/hotsync/recording.h"

static void
event_free (gpointer p)
{
	RecordingEvent *e = p;

	g_bytes_unref (e->data);
	g_free (e);
}

/* The string value after "key": at *pos; advances *pos. */
static char *
next_value (const char *text, const char **pos, const char *key)
{
	g_autofree char *pattern = g_strdup_printf ("\"%s\"", key);
	const char *p = strstr (*pos, pattern);
	const char *start, *end;

	if (p == NULL)
		return NULL;
	p += strlen (pattern);
	while (*p == ' ' || *p == ':' || *p == '\n' || *p == '\t')
		p++;
	if (*p != '"')
		return NULL;
	start = p + 1;
	end = strchr (start, '"');
	if (end == NULL)
		return NULL;
	*pos = end + 1;
	return g_strndup (start, (gsize) (end - start));
}

static GBytes *
from_hex (const char *hex)
{
	gsize n = strlen (hex);
	g_autofree guint8 *buf = NULL;

	if (n % 2 != 0)
		return NULL;
	buf = g_malloc (n / 2 + 1);
	for (gsize i = 0; i < n / 2; i++) {
		int hi = g_ascii_xdigit_value (hex[2 * i]);
		int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return NULL;
		buf[i] = (guint8) (hi * 16 + lo);
	}
	return g_bytes_new_take (g_steal_pointer (&buf), n / 2);
}

GPtrArray *
recording_load (const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (event_free);
	const char *pos;

	if (!g_file_get_contents (path, &text, NULL, error))
		return NULL;
	pos = text;
	for (;;) {
		g_autofree char *type = next_value (text, &pos, "type");
		g_autofree char *hex = NULL;
		RecordingEvent *e;
		GBytes *data;

		if (type == NULL)
			break;
		hex = next_value (text, &pos, "data");
		data = hex != NULL ? from_hex (hex) : NULL;
		if (data == NULL || (strcmp (type, "read") != 0 && strcmp (type, "write") != 0)) {
			g_clear_pointer (&data, g_bytes_unref);
			g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: bad event %u", path, events->len);
			return NULL;
		}
		e = g_new0 (RecordingEvent, 1);
		e->is_read = strcmp (type, "read") == 0;
		e->data = data;
		g_ptr_array_add (events, e);
	}
	return g_steal_pointer (&events);
}

GBytes *
recording_stream (GPtrArray *events, gboolean reads)
{
	GByteArray *a = g_byte_array_new ();

	for (guint i = 0; i < events->len; i++) {
		RecordingEvent *e = g_ptr_array_index (events, i);

		if (e->is_read == reads)
			g_byte_array_append (a, g_bytes_get_data (e->data, NULL), (guint) g_bytes_get_size (e->data));
	}
	return g_byte_array_free_to_bytes (a);
}

char *
recording_dir (void)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	g_autofree char *dir = NULL;

	if (shared == NULL)
		return NULL;
	dir = g_build_filename (shared, "fixtures", "hotsync-recordings", NULL);
	if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
		return NULL;
	return g_steal_pointer (&dir);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
	return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

GPtrArray *
recording_list (const char *dir)
{
	GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const char *name;

	while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
		g_auto (GStrv) parts = g_strsplit (name, ".", -1);

		if (g_strv_length (parts) == 3 && strcmp (parts[2], "json") == 0)
			g_ptr_array_add (names, g_strdup (name));
	}
	g_ptr_array_sort (names, compare_names);
	return names;
}
