/* airdockd-debuglog.c — the "ActiveSync Synchronization" debug category:
 * control file, filters, bounded XML rendering, size-rotated file. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "eas/eas-query.h"
#include "eas/eas-wbxml.h"
#include "server/airdockd-debuglog.h"

G_DEFINE_QUARK (airdockd-debuglog-error-quark, airdockd_debuglog_error)

/* ---- control file ------------------------------------------------------ */

void
airdockd_debuglog_control_clear (AirdockdDebuglogControl *control)
{
	if (control == NULL)
		return;
	control->enabled = FALSE;
	g_clear_pointer (&control->user, g_free);
	g_clear_pointer (&control->device, g_free);
}

static gboolean
parse_line (const char *line, guint lineno, AirdockdDebuglogControl *c, GError **error)
{
	const char *eq = strchr (line, '=');
	g_autofree char *key = NULL;
	const char *value;

	if (eq == NULL) {
		g_set_error (error, AIRDOCKD_DEBUGLOG_ERROR, AIRDOCKD_DEBUGLOG_ERROR_CONTROL,
		             "line %u: expected key=value", lineno);
		return FALSE;
	}
	key = g_strstrip (g_strndup (line, eq - line));
	value = eq + 1;
	if (strcmp (key, AIRDOCKD_DEBUGLOG_CATEGORY) == 0) {
		if (strcmp (value, "on") != 0 && strcmp (value, "off") != 0) {
			g_set_error (error, AIRDOCKD_DEBUGLOG_ERROR, AIRDOCKD_DEBUGLOG_ERROR_CONTROL,
			             "line %u: %s must be on or off", lineno, key);
			return FALSE;
		}
		c->enabled = strcmp (value, "on") == 0;
	} else if (strcmp (key, "user") == 0) {
		g_free (c->user);
		c->user = *value != '\0' ? g_strdup (value) : NULL;
	} else if (strcmp (key, "device") == 0) {
		g_free (c->device);
		c->device = *value != '\0' ? g_strdup (value) : NULL;
	} else {
		g_set_error (error, AIRDOCKD_DEBUGLOG_ERROR, AIRDOCKD_DEBUGLOG_ERROR_CONTROL,
		             "line %u: unknown key", lineno);
		return FALSE;
	}
	return TRUE;
}

gboolean
airdockd_debuglog_control_parse (const char *text, gsize len,
                                 AirdockdDebuglogControl *out_control, GError **error)
{
	g_autofree char *copy = g_strndup (text, len);
	g_auto (GStrv) lines = g_strsplit (copy, "\n", -1);
	AirdockdDebuglogControl c = { FALSE, NULL, NULL };

	for (guint i = 0; lines[i] != NULL; i++) {
		char *l = g_strstrip (lines[i]);
		if (*l == '\0' || *l == '#')
			continue;
		if (!parse_line (l, i + 1, &c, error)) {
			airdockd_debuglog_control_clear (&c);
			return FALSE;
		}
	}
	airdockd_debuglog_control_clear (out_control);
	*out_control = c;
	return TRUE;
}

static gboolean
valid_value (const char *s)
{
	return s == NULL || strpbrk (s, "\r\n") == NULL;
}

gboolean
airdockd_debuglog_control_write (const char *data_dir, const AirdockdDebuglogControl *control,
                                 GError **error)
{
	g_autofree char *path = g_build_filename (data_dir, AIRDOCKD_DEBUGLOG_CONTROL_FILE, NULL);
	g_autofree char *text = NULL;

	if (!valid_value (control->user) || !valid_value (control->device)) {
		g_set_error (error, AIRDOCKD_DEBUGLOG_ERROR, AIRDOCKD_DEBUGLOG_ERROR_CONTROL,
		             "user and device may not contain line breaks");
		return FALSE;
	}
	text = g_strdup_printf ("# written by airdockctl log; read by airdockd on each request\n"
	                        "%s=%s\nuser=%s\ndevice=%s\n", AIRDOCKD_DEBUGLOG_CATEGORY,
	                        control->enabled ? "on" : "off",
	                        control->user != NULL ? control->user : "",
	                        control->device != NULL ? control->device : "");
	/* g_file_set_contents writes a temporary file and renames it. */
	return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT,
	                                 0644, error);
}

/* ---- rendering --------------------------------------------------------- */

typedef struct {
	GString *out;
	gsize body_bytes;
	gboolean masked;	/* inside Password / DevicePassword */
	gboolean in_text;	/* last output was text of the open element */
	GByteArray *opaque;	/* first body_bytes of the current OPAQUE */
	guint64 opaque_total;
	char *status;
	EasTag cur_tag;
	guint empty_skip_depth;	/* END to swallow for an empty element (0 = none) */
} Render;

static gboolean
is_secret (EasTag tag)
{
	const char *name = eas_tag_name (tag);

	/* [MS-ASCMD] Settings DevicePassword/Password, Search and
	 * ItemOperations Password: credentials, never written. */
	return name != NULL && (strcmp (name, "Password") == 0 || strcmp (name, "DevicePassword") == 0);
}

static void
indent (Render *r, guint depth)
{
	g_string_append_c (r->out, '\n');
	for (guint i = 1; i < depth; i++)
		g_string_append (r->out, "  ");
}

static void
render_start (Render *r, const EasWbxmlEvent *ev)
{
	const char *name = eas_tag_name (ev->tag);

	indent (r, ev->depth);
	g_string_append_printf (r->out, "<%s%s>", name != NULL ? name : "Unknown",
	                        ev->has_content ? "" : "/");
	if (!ev->has_content)
		r->empty_skip_depth = ev->depth;
	r->masked = is_secret (ev->tag);
	r->in_text = FALSE;
	r->cur_tag = ev->tag;
}

static void
render_end (Render *r, const EasWbxmlEvent *ev)
{
	const char *name = eas_tag_name (ev->tag);

	if (r->empty_skip_depth == ev->depth) {
		r->empty_skip_depth = 0;
		return;
	}
	if (r->opaque != NULL) {
		g_autofree char *b64 = g_base64_encode (r->opaque->data, r->opaque->len);
		if (r->masked)
			g_string_append (r->out, "***");
		else
			g_string_append (r->out, b64);
		if (r->opaque_total > r->opaque->len && !r->masked)
			g_string_append_printf (r->out, "[... %" G_GUINT64_FORMAT " bytes in all]",
			                        r->opaque_total);
		g_clear_pointer (&r->opaque, g_byte_array_unref);
		r->in_text = TRUE;
	}
	if (!r->in_text)
		indent (r, ev->depth);
	g_string_append_printf (r->out, "</%s>", name != NULL ? name : "Unknown");
	r->in_text = FALSE;
	r->masked = FALSE;
}

static void
render_text (Render *r, const EasWbxmlEvent *ev)
{
	gsize n = MIN (ev->len, r->body_bytes);
	g_autofree char *valid = NULL;
	g_autofree char *escaped = NULL;

	r->in_text = TRUE;
	if (r->masked) {
		g_string_append (r->out, "***");
		return;
	}
	if (r->status == NULL && g_strcmp0 (eas_tag_name (r->cur_tag), "Status") == 0 && ev->len < 16)
		r->status = g_strndup ((const char *) ev->data, ev->len);
	valid = g_utf8_make_valid ((const char *) ev->data, n);
	escaped = g_markup_escape_text (valid, -1);
	g_string_append (r->out, escaped);
	if (n < ev->len)
		g_string_append_printf (r->out, "[... %" G_GSIZE_FORMAT " bytes in all]", ev->len);
}

static void
render_opaque (Render *r, const EasWbxmlEvent *ev)
{
	if (r->opaque == NULL)
		r->opaque = g_byte_array_new ();
	r->opaque_total = ev->opaque_total;
	if (r->opaque->len < r->body_bytes)
		g_byte_array_append (r->opaque, ev->data, MIN (ev->len, r->body_bytes - r->opaque->len));
}

static gboolean
render_events (Render *r, EasWbxmlDecoder *dec, GError **error)
{
	EasWbxmlEvent ev;

	for (;;) {
		switch (eas_wbxml_decoder_next (dec, &ev, error)) {
		case EAS_WBXML_GOT_EVENT:
			break;
		case EAS_WBXML_NEED_MORE:
			return eas_wbxml_decoder_finish (dec, error);
		case EAS_WBXML_DONE:
			return TRUE;
		case EAS_WBXML_FAILED:
		default:
			return FALSE;
		}
		if (ev.type == EAS_WBXML_EVENT_START)
			render_start (r, &ev);
		else if (ev.type == EAS_WBXML_EVENT_END)
			render_end (r, &ev);
		else if (ev.type == EAS_WBXML_EVENT_TEXT)
			render_text (r, &ev);
		else
			render_opaque (r, &ev);
	}
}

char *
airdockd_debuglog_render (const guint8 *data, gsize len, gsize body_bytes, char **out_status)
{
	g_autoptr (EasWbxmlDecoder) dec = NULL;
	g_autoptr (GError) error = NULL;
	Render r = { 0 };
	gboolean ok;

	if (out_status != NULL)
		*out_status = NULL;
	if (len == 0)
		return g_strdup ("(empty)");
	if (len < 4 || data[0] != 0x03) {
		/* e.g. SendMail as message/rfc822 (12.1 and older): MIME, not WBXML. */
		return g_strdup_printf ("(%" G_GSIZE_FORMAT " bytes, not WBXML)", len);
	}
	r.out = g_string_new (NULL);
	r.body_bytes = body_bytes;
	dec = eas_wbxml_decoder_new (NULL);
	eas_wbxml_decoder_feed (dec, data, len);
	/* The command's Status comes first in every EAS response. */
	ok = render_events (&r, dec, &error);
	g_clear_pointer (&r.opaque, g_byte_array_unref);
	if (!ok)
		g_string_append_printf (r.out, "\n(undecodable: %s)", error->message);
	if (out_status != NULL)
		*out_status = g_steal_pointer (&r.status);
	g_free (r.status);
	if (r.out->len > 0 && r.out->str[0] == '\n')
		g_string_erase (r.out, 0, 1);
	return g_string_free (r.out, FALSE);
}

/* ---- the log ----------------------------------------------------------- */

struct _AirdockdDebuglog {
	char *control_path;
	char *dir;
	char *path;
	gsize max_bytes;
	gsize body_bytes;
	AirdockdDebuglogControl control;
	gboolean seen;		/* control file stat known */
	struct stat st;
};

AirdockdDebuglog *
airdockd_debuglog_new (const char *control_path, const char *dir, gsize max_bytes,
                       gsize body_bytes)
{
	AirdockdDebuglog *log = g_new0 (AirdockdDebuglog, 1);

	log->control_path = g_strdup (control_path);
	log->dir = g_strdup (dir);
	log->path = g_build_filename (dir, AIRDOCKD_DEBUGLOG_FILE, NULL);
	log->max_bytes = max_bytes;
	log->body_bytes = body_bytes;
	return log;
}

void
airdockd_debuglog_free (AirdockdDebuglog *log)
{
	if (log == NULL)
		return;
	airdockd_debuglog_control_clear (&log->control);
	g_free (log->control_path);
	g_free (log->dir);
	g_free (log->path);
	g_free (log);
}

static gboolean
same_stat (const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void
reload_control (AirdockdDebuglog *log)
{
	struct stat st;
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr (GError) error = NULL;

	if (g_stat (log->control_path, &st) != 0) {
		/* No control file: the category is off. */
		airdockd_debuglog_control_clear (&log->control);
		log->seen = FALSE;
		return;
	}
	if (log->seen && same_stat (&st, &log->st))
		return;
	log->st = st;
	log->seen = TRUE;
	if (!g_file_get_contents (log->control_path, &text, &len, &error) ||
	    !airdockd_debuglog_control_parse (text, len, &log->control, &error)) {
		g_warning ("%s: %s; debug log off", log->control_path, error->message);
		airdockd_debuglog_control_clear (&log->control);
	}
}

gboolean
airdockd_debuglog_wants (AirdockdDebuglog *log, const char *user, const char *device)
{
	reload_control (log);
	if (!log->control.enabled)
		return FALSE;
	if (log->control.user != NULL && g_strcmp0 (log->control.user, user) != 0)
		return FALSE;
	if (log->control.device != NULL && g_strcmp0 (log->control.device, device) != 0)
		return FALSE;
	return TRUE;
}

gsize
airdockd_debuglog_get_body_bytes (AirdockdDebuglog *log)
{
	return log->body_bytes;
}

static gboolean
rotate (AirdockdDebuglog *log, GError **error)
{
	for (guint i = AIRDOCKD_DEBUGLOG_KEEP; i >= 1; i--) {
		g_autofree char *from = i == 1 ? g_strdup (log->path)
		                               : g_strdup_printf ("%s.%u", log->path, i - 1);
		g_autofree char *to = g_strdup_printf ("%s.%u", log->path, i);
		if (g_rename (from, to) != 0 && errno != ENOENT) {
			int saved = errno;
			g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
			             "rotating %s: %s", from, g_strerror (saved));
			return FALSE;
		}
	}
	return TRUE;
}

gboolean
airdockd_debuglog_append (AirdockdDebuglog *log, const char *entry, gsize len, GError **error)
{
	struct stat st;
	FILE *f;
	gboolean ok;

	if (g_mkdir_with_parents (log->dir, 0700) != 0) {
		int saved = errno;
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
		             "creating %s: %s", log->dir, g_strerror (saved));
		return FALSE;
	}
	if (g_stat (log->path, &st) == 0 && st.st_size > 0 &&
	    (gsize) st.st_size > log->max_bytes - MIN (len, log->max_bytes) &&
	    !rotate (log, error))
		return FALSE;
	f = g_fopen (log->path, "ae");
	if (f == NULL) {
		int saved = errno;
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
		             "opening %s: %s", log->path, g_strerror (saved));
		return FALSE;
	}
	ok = fwrite (entry, 1, len, f) == len;
	ok = fclose (f) == 0 && ok;
	if (!ok)
		g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "writing %s failed", log->path);
	return ok;
}

static void
append_body (GString *entry, const char *label, GBytes *body, gsize body_bytes, char **out_status)
{
	gsize len = 0;
	const guint8 *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
	g_autofree char *xml = airdockd_debuglog_render (data, len, body_bytes, out_status);

	g_string_append_printf (entry, "%s (%" G_GSIZE_FORMAT " bytes):\n%s\n", label, len, xml);
}

void
airdockd_debuglog_exchange (AirdockdDebuglog *log, const AirdockdRequest *req, gint64 start_us)
{
	const char *device = req->query != NULL ? req->query->device_id : NULL;
	const char *cmd = req->query != NULL ? eas_command_name (req->query->cmd) : NULL;
	g_autoptr (GString) entry = NULL;
	g_autoptr (GDateTime) now = NULL;
	g_autofree char *stamp = NULL;
	g_autofree char *status = NULL;
	g_autoptr (GString) bodies = g_string_new (NULL);
	g_autoptr (GError) error = NULL;
	double ms = (g_get_monotonic_time () - start_us) / 1000.0;

	if (log == NULL || !airdockd_debuglog_wants (log, req->user_name, device))
		return;
	append_body (bodies, "> request", req->body, log->body_bytes, NULL);
	if (req->parked)
		g_string_append (bodies, "< (parked: the push hub answers later)\n");
	else
		append_body (bodies, "< response", req->response_body, log->body_bytes, &status);
	now = g_date_time_new_now_utc ();
	stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
	entry = g_string_new (NULL);
	g_string_append_printf (entry, "%s cmd=%s user=%s device=%s from=%s http=%u status=%s time=%.1fms\n%s\n",
	                        stamp, cmd ? cmd : "-", req->user_name ? req->user_name : "-",
	                        device ? device : "-", req->remote_address ? req->remote_address : "-",
	                        req->parked ? 0 : (req->http_status != 0 ? req->http_status : 200),
	                        status ? status : "-", ms, bodies->str);
	if (!airdockd_debuglog_append (log, entry->str, entry->len, &error))
		g_warning ("debug log: %s", error->message);
}
