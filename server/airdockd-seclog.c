/* airdockd-seclog.c — security log: JSON lines plus structured records. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "server/airdockd-seclog.h"

void
airdockd_json_append_string (GString *out, const char *text)
{
	/* RFC 8259 8.1: JSON text is UTF-8; a client's bytes may not be. */
	g_autofree char *valid = g_utf8_make_valid (text, -1);

	g_string_append_c (out, '"');
	for (const guchar *p = (const guchar *) valid; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			g_string_append (out, "\\\"");
			break;
		case '\\':
			g_string_append (out, "\\\\");
			break;
		case '\n':
			g_string_append (out, "\\n");
			break;
		default:
			/* RFC 8259 7: control characters must be escaped. */
			if (*p < 0x20 || *p == 0x7f)
				g_string_append_printf (out, "\\u%04x", *p);
			else
				g_string_append_c (out, (char) *p);
		}
	}
	g_string_append_c (out, '"');
}

/* Valid UTF-8 of at most AIRDOCKD_SECLOG_MAX_FIELD characters (a cut one
 * ends in "…"): logins and device ids come from clients. */
static char *
field_text (const char *value)
{
	g_autofree char *valid = g_utf8_make_valid (value, -1);

	if (g_utf8_strlen (valid, -1) <= AIRDOCKD_SECLOG_MAX_FIELD)
		return g_steal_pointer (&valid);
	{
		g_autofree char *cut = g_utf8_substring (valid, 0, AIRDOCKD_SECLOG_MAX_FIELD);
		return g_strconcat (cut, "\u2026", NULL);
	}
}

/* field_text() on one line, for the structured record: a control
 * character from a client (a newline in a DeviceId) becomes \n or \xHH, so
 * it cannot start a forged line on stderr or in a text journal view. */
static char *
record_text (const char *value)
{
	g_autofree char *text = field_text (value);
	GString *out = g_string_sized_new (strlen (text));

	for (const guchar *p = (const guchar *) text; *p != '\0'; p++) {
		if (*p == '\n')
			g_string_append (out, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			g_string_append_printf (out, "\\x%02x", *p);
		else
			g_string_append_c (out, (char) *p);
	}
	return g_string_free (out, FALSE);
}

static void
append_field (GString *line, const char *key, const char *value)
{
	g_autofree char *text = NULL;

	if (value == NULL)
		return;
	text = field_text (value);
	g_string_append_printf (line, ",\"%s\":", key);
	airdockd_json_append_string (line, text);
}

static char *
format_line (const char *event, const char *user, const char *device_id, const char *detail)
{
	g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
	g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
	GString *line = g_string_new ("{\"time\":");

	airdockd_json_append_string (line, stamp);
	append_field (line, "event", event);
	append_field (line, "user", user);
	append_field (line, "device", device_id);
	append_field (line, "detail", detail);
	g_string_append (line, "}\n");
	return g_string_free (line, FALSE);
}

static gboolean
append_line (const char *path, const char *line, GError **error)
{
	gsize len = strlen (line);
	gssize n;
	int fd;

	fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int saved = errno;
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
			     "cannot open %s: %s", path, g_strerror (saved));
		return FALSE;
	}
	/* One write() per line: O_APPEND makes it atomic against the other
	 * process's lines. */
	do
		n = write (fd, line, len);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (gsize) n != len) {
		int saved = n < 0 ? errno : EIO;
		close (fd);
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
			     "cannot write %s: %s", path, g_strerror (saved));
		return FALSE;
	}
	if (close (fd) != 0) {
		int saved = errno;
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
			     "cannot write %s: %s", path, g_strerror (saved));
		return FALSE;
	}
	return TRUE;
}

gboolean
airdockd_seclog_write (const char *data_dir, const char *event, const char *user,
		       const char *device_id, const char *detail, GError **error)
{
	g_autofree char *line = NULL;
	g_autofree char *path = NULL;
	g_autofree char *u = NULL;
	g_autofree char *d = NULL;
	g_autofree char *x = NULL;

	g_return_val_if_fail (data_dir != NULL, FALSE);
	g_return_val_if_fail (event != NULL, FALSE);

	u = record_text (user ? user : "-");
	d = record_text (device_id ? device_id : "-");
	x = record_text (detail ? detail : "");
	g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_INFO,
			  "AIRDOCK_SECURITY", "1",
			  "AIRDOCK_EVENT", event,
			  "EAS_USER", u,
			  "EAS_DEVICE_ID", d,
			  "MESSAGE", "security: %s%s%s [user=%s device=%s]", event,
			  detail ? ": " : "", x, u, d);
	line = format_line (event, user, device_id, detail);
	path = g_build_filename (data_dir, AIRDOCKD_SECLOG_FILE, NULL);
	return append_line (path, line, error);
}

void
airdockd_seclog (const char *data_dir, const char *event, const char *user,
		 const char *device_id, const char *detail)
{
	g_autoptr (GError) error = NULL;

	if (!airdockd_seclog_write (data_dir, event, user, device_id, detail, &error))
		g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
				  "MESSAGE", "security log: %s", error->message);
}

void
airdockd_seclog_printf (const char *data_dir, const char *event, const char *user,
			const char *device_id, const char *detail_format, ...)
{
	g_autofree char *detail = NULL;
	va_list args;

	va_start (args, detail_format);
	detail = g_strdup_vprintf (detail_format, args);
	va_end (args);
	airdockd_seclog (data_dir, event, user, device_id, detail);
}

typedef struct {
	gint64 logged_at;	/* monotonic µs of the last line written */
	guint64 suppressed;	/* left out since then */
} RepeatEntry;

G_LOCK_DEFINE_STATIC (repeat);
static GHashTable *repeat_table;	/* "event\nuser\ndevice" → RepeatEntry */

gboolean
airdockd_seclog_repeatable (const char *data_dir, const char *event, const char *user,
			    const char *device_id, const char *detail)
{
	g_autofree char *key = g_strdup_printf ("%s\n%s\n%s", event, user ? user : "", device_id ? device_id : "");
	g_autofree char *text = NULL;
	gint64 now = g_get_monotonic_time ();
	RepeatEntry *e;
	guint64 left_out;

	G_LOCK (repeat);
	if (repeat_table == NULL)
		repeat_table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	e = g_hash_table_lookup (repeat_table, key);
	if (e != NULL && now - e->logged_at < (gint64) AIRDOCKD_SECLOG_REPEAT_SECONDS * G_USEC_PER_SEC) {
		e->suppressed++;
		G_UNLOCK (repeat);
		return FALSE;
	}
	if (e == NULL) {
		if (g_hash_table_size (repeat_table) >= AIRDOCKD_SECLOG_REPEAT_KEYS)
			g_hash_table_remove_all (repeat_table);
		e = g_new0 (RepeatEntry, 1);
		g_hash_table_insert (repeat_table, g_steal_pointer (&key), e);
	}
	left_out = e->suppressed;
	e->logged_at = now;
	e->suppressed = 0;
	G_UNLOCK (repeat);

	if (left_out > 0)
		text = g_strdup_printf ("%s%s%" G_GUINT64_FORMAT " repeats not logged", detail ? detail : "",
					detail ? "; " : "", left_out);
	airdockd_seclog (data_dir, event, user, device_id, text ? text : detail);
	return TRUE;
}
