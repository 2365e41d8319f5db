/* eas-sync.c — the Sync command model; see eas-sync.h. */
#include "config.h"

#include <string.h>

#include "eas/eas-sync.h"

G_DEFINE_QUARK (eas-sync-error-quark, eas_sync_error)

/* ---- helpers ---------------------------------------------------------- */

static gboolean
fail (GError **error, EasSyncErrorCode code, EasTag tag, const char *what)
{
	const char *name = eas_tag_name (tag);

	g_set_error (error, EAS_SYNC_ERROR, code, "%s: %s", name ? name : "element", what);
	return FALSE;
}

gboolean
eas_sync_child_string (const EasNode *node, EasTag tag, gsize max_bytes,
                       gboolean required, char **out, GError **error)
{
	const EasNode *child = eas_node_child (node, tag);
	gsize len;

	if (child == NULL || child->text == NULL || child->text[0] == '\0') {
		if (required)
			return fail (error, EAS_SYNC_ERROR_INVALID, tag, "missing or empty");
		if (child != NULL && child->opaque != NULL)
			return fail (error, EAS_SYNC_ERROR_INVALID, tag, "binary where text belongs");
		*out = NULL;
		return TRUE;
	}
	len = strlen (child->text);
	if (len > max_bytes)
		return fail (error, EAS_SYNC_ERROR_LIMIT, tag, "too long");
	if (!g_utf8_validate (child->text, (gssize) len, NULL))
		return fail (error, EAS_SYNC_ERROR_INVALID, tag, "not UTF-8");
	*out = g_strndup (child->text, len);
	return TRUE;
}

gboolean
eas_sync_child_uint (const EasNode *node, EasTag tag, guint64 min, guint64 max,
                     guint64 empty_value, gboolean *out_has, guint64 *out, GError **error)
{
	const EasNode *child = eas_node_child (node, tag);
	guint64 value;

	*out_has = FALSE;
	if (child == NULL)
		return TRUE;
	if (child->text == NULL || child->text[0] == '\0') {
		if (empty_value == G_MAXUINT64)
			return fail (error, EAS_SYNC_ERROR_INVALID, tag, "empty number");
		value = empty_value;
	} else {
		const char *t = child->text;

		/* Digits only: no sign, no spaces. */
		for (const char *p = t; *p != '\0'; p++) {
			if (!g_ascii_isdigit (*p))
				return fail (error, EAS_SYNC_ERROR_INVALID, tag, "not a decimal number");
		}
		if (!g_ascii_string_to_unsigned (t, 10, min, max, &value, NULL))
			return fail (error, EAS_SYNC_ERROR_INVALID, tag, "number out of range");
	}
	if (value < min || value > max)
		return fail (error, EAS_SYNC_ERROR_INVALID, tag, "number out of range");
	*out_has = TRUE;
	*out = value;
	return TRUE;
}

static gboolean
child_uint (const EasNode *node, EasTag tag, guint64 min, guint64 max,
            guint *out_value, gboolean *out_has, GError **error)
{
	gboolean has = FALSE;
	guint64 v = 0;

	if (!eas_sync_child_uint (node, tag, min, max, G_MAXUINT64, &has, &v, error))
		return FALSE;
	if (has)
		*out_value = (guint) v;
	if (out_has != NULL)
		*out_has = has;
	return TRUE;
}

/* A boolean element: empty or 1 = TRUE, 0 = FALSE, absent = dflt. */
static gboolean
child_bool (const EasNode *node, EasTag tag, gboolean dflt, gboolean *out, GError **error)
{
	gboolean has = FALSE;
	guint64 v = 0;

	if (!eas_sync_child_uint (node, tag, 0, 1, 1, &has, &v, error))
		return FALSE;
	*out = has ? (v != 0) : dflt;
	return TRUE;
}

gint64
eas_filter_type_seconds (guint filter_type)
{
	const gint64 day = 24 * 60 * 60;

	switch (filter_type) {
	case 1: return day;
	case 2: return 3 * day;
	case 3: return 7 * day;
	case 4: return 14 * day;
	case 5: return 31 * day;
	case 6: return 92 * day;
	case 7: return 183 * day;
	default: return 0;
	}
}

/* ---- options ---------------------------------------------------------- */

void
eas_sync_options_init (EasSyncOptions *opts, EasVersion version)
{
	g_return_if_fail (opts != NULL);

	memset (opts, 0, sizeof *opts);
	opts->filter_type = EAS_FILTER_ALL;
	opts->conflict = 1;
	eas_email_encode_options_init (&opts->email, version);
}

/* [MS-ASCMD] 2.2.3.111 MIMETruncation codes 0..8 as bytes. */
static guint32
mime_truncation_bytes (guint code)
{
	static const guint32 sizes[] = { 0, 4096, 5120, 7168, 10240, 20480, 51200, 102400 };

	return code < G_N_ELEMENTS (sizes) ? sizes[code] : G_MAXUINT32;
}

/* [MS-ASCMD] 2.2.3.190 Truncation (2.5) codes 0..9 as bytes. */
static guint32
truncation_bytes (guint code)
{
	static const guint32 sizes[] = { 0, 512, 1024, 2048, 5120, 10240, 20480, 51200, 102400 };

	return code < G_N_ELEMENTS (sizes) ? sizes[code] : G_MAXUINT32;
}

gboolean
eas_body_preference_decode (const EasNode *node, EasVersion version,
                            EasBodyPreference *out, GError **error)
{
	EasBodyPreference p = { 0 };
	guint v = 0;
	gboolean has = FALSE;

	if (!child_uint (node, EAS_AIRSYNCBASE_TYPE, 1, 4, &v, &has, error))
		return FALSE;
	if (!has)
		return fail (error, EAS_SYNC_ERROR_INVALID, EAS_AIRSYNCBASE_TYPE, "missing");
	p.type = v;
	if (!child_uint (node, EAS_AIRSYNCBASE_TRUNCATION_SIZE, 0, G_MAXUINT32,
	                 &p.truncation_size, &p.has_truncation_size, error) ||
	    !child_bool (node, EAS_AIRSYNCBASE_ALL_OR_NONE, FALSE, &p.all_or_none, error))
		return FALSE;
	/* [MS-ASAIRS] 2.2.2.33: Preview 0..255, 14.0+. */
	if (version >= 140 &&
	    !child_uint (node, EAS_AIRSYNCBASE_PREVIEW, 0, EAS_BODY_PREVIEW_MAX, &p.preview, NULL, error))
		return FALSE;
	*out = p;
	return TRUE;
}

static gboolean
decode_options (const EasNode *node, EasVersion version, EasSyncOptions *out, GError **error)
{
	EasSyncOptions o;
	guint code = 0;
	gboolean has = FALSE;

	eas_sync_options_init (&o, version);
	if (!child_uint (node, EAS_AIRSYNC_FILTER_TYPE, 0, EAS_FILTER_MAX, &o.filter_type, NULL, error) ||
	    !child_uint (node, EAS_AIRSYNC_CONFLICT, 0, 1, &o.conflict, NULL, error) ||
	    !child_uint (node, EAS_AIRSYNC_MAX_ITEMS, 0, G_MAXUINT32, &o.max_items, NULL, error) ||
	    !child_uint (node, EAS_AIRSYNC_MIME_SUPPORT, 0, 2, &code, &has, error))
		return FALSE;
	if (has)
		o.email.mime_support = code;
	if (!child_uint (node, EAS_AIRSYNC_MIME_TRUNCATION, 0, 8, &code, &has, error))
		return FALSE;
	if (has)
		o.email.mime_truncation = mime_truncation_bytes (code);
	if (!child_uint (node, EAS_AIRSYNC_TRUNCATION, 0, 9, &code, &has, error))
		return FALSE;
	if (has)
		o.email.truncation = truncation_bytes (code);

	for (const EasNode *bp = eas_node_child (node, EAS_AIRSYNCBASE_BODY_PREFERENCE);
	     bp != NULL; bp = eas_node_next_same (bp)) {
		if (o.email.n_body_prefs == EAS_BODY_PREFERENCES_MAX)
			return fail (error, EAS_SYNC_ERROR_LIMIT, EAS_AIRSYNCBASE_BODY_PREFERENCE, "too many");
		if (!eas_body_preference_decode (bp, version, &o.email.body_prefs[o.email.n_body_prefs], error))
			return FALSE;
		o.email.n_body_prefs++;
	}
	*out = o;
	return TRUE;
}

/* Options serialised as "v1;filter;conflict;max_items;mime_support;
 * mime_truncation;truncation" then ";type,has_size,size,all_or_none,preview"
 * per BodyPreference.  Not client input, but checked all the same. */
GBytes *
eas_sync_options_serialize (const EasSyncOptions *opts)
{
	GString *s;

	g_return_val_if_fail (opts != NULL, NULL);

	s = g_string_new (NULL);
	g_string_append_printf (s, "v1;%u;%u;%u;%u;%" G_GUINT32_FORMAT ";%" G_GUINT32_FORMAT,
	                        opts->filter_type, opts->conflict, opts->max_items,
	                        (guint) opts->email.mime_support, opts->email.mime_truncation,
	                        opts->email.truncation);
	for (guint i = 0; i < opts->email.n_body_prefs && i < EAS_BODY_PREFERENCES_MAX; i++) {
		const EasBodyPreference *p = &opts->email.body_prefs[i];

		g_string_append_printf (s, ";%u,%u,%" G_GUINT32_FORMAT ",%u,%" G_GUINT32_FORMAT,
		                        (guint) p->type, p->has_truncation_size ? 1u : 0u,
		                        p->truncation_size, p->all_or_none ? 1u : 0u, p->preview);
	}
	return g_string_free_to_bytes (s);
}

static gboolean
num (const char *text, guint64 max, guint64 *out)
{
	return text != NULL && text[0] != '\0' &&
	       g_ascii_string_to_unsigned (text, 10, 0, max, out, NULL);
}

static gboolean
parse_pref (const char *field, EasBodyPreference *out)
{
	g_auto (GStrv) f = g_strsplit (field, ",", -1);
	guint64 v[5];

	if (g_strv_length (f) != 5)
		return FALSE;
	if (!num (f[0], 4, &v[0]) || v[0] == 0 || !num (f[1], 1, &v[1]) ||
	    !num (f[2], G_MAXUINT32, &v[2]) || !num (f[3], 1, &v[3]) ||
	    !num (f[4], EAS_BODY_PREVIEW_MAX, &v[4]))
		return FALSE;
	out->type = (EasBodyType) v[0];
	out->has_truncation_size = v[1] != 0;
	out->truncation_size = (guint32) v[2];
	out->all_or_none = v[3] != 0;
	out->preview = (guint32) v[4];
	return TRUE;
}

gboolean
eas_sync_options_deserialize (GBytes *blob, EasVersion version,
                              EasSyncOptions *out_opts, GError **error)
{
	EasSyncOptions o;
	gsize len = 0;
	const char *data;
	guint64 v[6];

	g_return_val_if_fail (blob != NULL && out_opts != NULL, FALSE);

	data = g_bytes_get_data (blob, &len);
	g_autofree char *text = g_strndup (data, len);
	g_auto (GStrv) f = g_strsplit (text, ";", -1);
	guint n = g_strv_length (f);

	eas_sync_options_init (&o, version);
	if (n < 7 || n > 7 + EAS_BODY_PREFERENCES_MAX || g_strcmp0 (f[0], "v1") != 0 ||
	    !num (f[1], EAS_FILTER_MAX, &v[0]) || !num (f[2], 1, &v[1]) ||
	    !num (f[3], G_MAXUINT32, &v[2]) || !num (f[4], 2, &v[3]) ||
	    !num (f[5], G_MAXUINT32, &v[4]) || !num (f[6], G_MAXUINT32, &v[5])) {
		g_set_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID, "stored options: malformed");
		return FALSE;
	}
	o.filter_type = (guint) v[0];
	o.conflict = (guint) v[1];
	o.max_items = (guint) v[2];
	o.email.mime_support = (EasMimeSupport) v[3];
	o.email.mime_truncation = (guint32) v[4];
	o.email.truncation = (guint32) v[5];
	for (guint i = 7; i < n; i++) {
		if (!parse_pref (f[i], &o.email.body_prefs[o.email.n_body_prefs])) {
			g_set_error (error, EAS_SYNC_ERROR, EAS_SYNC_ERROR_INVALID,
			             "stored options: malformed body preference");
			return FALSE;
		}
		o.email.n_body_prefs++;
	}
	*out_opts = o;
	return TRUE;
}

/* ---- request ---------------------------------------------------------- */

void
eas_sync_command_free (EasSyncCommand *cmd)
{
	if (cmd == NULL)
		return;
	g_free (cmd->server_id);
	g_free (cmd->client_id);
	g_free (cmd->class_name);
	g_free (cmd->flag_type);
	g_free (cmd->to);
	g_free (cmd->cc);
	g_free (cmd->bcc);
	g_free (cmd->subject);
	g_free (cmd->body);
	g_free (cmd);
}

void
eas_sync_collection_free (EasSyncCollection *c)
{
	if (c == NULL)
		return;
	g_free (c->sync_key);
	g_free (c->collection_id);
	g_free (c->class_name);
	g_clear_pointer (&c->commands, g_ptr_array_unref);
	g_free (c);
}

void
eas_sync_request_free (EasSyncRequest *req)
{
	if (req == NULL)
		return;
	g_clear_pointer (&req->collections, g_ptr_array_unref);
	g_free (req);
}

/* Email fields of a Change ([MS-ASEMAIL] 2.2.2.34 Flag, 2.2.2.56 Read). */
static gboolean
decode_email_change (const EasNode *app, EasSyncCommand *cmd, GError **error)
{
	const EasNode *flag;
	guint status = 0, read = 0;
	gboolean has_status = FALSE;

	if (!child_uint (app, EAS_EMAIL_READ, 0, 1, &read, &cmd->has_read, error))
		return FALSE;
	cmd->read = read != 0;
	flag = eas_node_child (app, EAS_EMAIL_FLAG);
	if (flag == NULL)
		return TRUE;
	cmd->has_flag = TRUE;
	if (!child_uint (flag, EAS_EMAIL_STATUS, 0, 2, &status, &has_status, error) ||
	    !eas_sync_child_string (flag, EAS_EMAIL_FLAG_TYPE, EAS_SYNC_FLAG_TYPE_MAX_BYTES,
	                            FALSE, &cmd->flag_type, error))
		return FALSE;
	cmd->flag_status = has_status ? (EasFlagStatus) status : EAS_FLAG_STATUS_CLEARED;
	return TRUE;
}

/* A draft to add (16.0+): recipients, subject, importance and the body. */
static gboolean
decode_email_add (const EasNode *app, EasSyncCommand *cmd, GError **error)
{
	const EasNode *body = eas_node_child (app, EAS_AIRSYNCBASE_BODY);
	guint type = EAS_BODY_TYPE_PLAIN;

	if (!eas_sync_child_string (app, EAS_EMAIL_TO, EAS_SYNC_DRAFT_FIELD_MAX_BYTES, FALSE, &cmd->to, error) ||
	    !eas_sync_child_string (app, EAS_EMAIL_CC, EAS_SYNC_DRAFT_FIELD_MAX_BYTES, FALSE, &cmd->cc, error) ||
	    !eas_sync_child_string (app, EAS_EMAIL2_BCC, EAS_SYNC_DRAFT_FIELD_MAX_BYTES, FALSE, &cmd->bcc, error) ||
	    !eas_sync_child_string (app, EAS_EMAIL_SUBJECT, EAS_SYNC_DRAFT_FIELD_MAX_BYTES, FALSE,
	                            &cmd->subject, error) ||
	    !child_uint (app, EAS_EMAIL_IMPORTANCE, 0, 2, &cmd->importance, &cmd->has_importance, error))
		return FALSE;
	if (body == NULL)
		return TRUE;
	if (!child_uint (body, EAS_AIRSYNCBASE_TYPE, 1, 2, &type, NULL, error) ||
	    !eas_sync_child_string (body, EAS_AIRSYNCBASE_DATA, G_MAXSIZE, FALSE, &cmd->body, error))
		return FALSE;
	cmd->body_type = (EasBodyType) type;
	return TRUE;
}

static gboolean
decode_command (const EasNode *node, EasSyncCommand **out, GError **error)
{
	g_autoptr (EasSyncCommand) cmd = g_new0 (EasSyncCommand, 1);
	const EasNode *app;

	switch (node->tag) {
	case EAS_AIRSYNC_ADD: cmd->type = EAS_SYNC_CMD_ADD; break;
	case EAS_AIRSYNC_CHANGE: cmd->type = EAS_SYNC_CMD_CHANGE; break;
	case EAS_AIRSYNC_DELETE: cmd->type = EAS_SYNC_CMD_DELETE; break;
	case EAS_AIRSYNC_FETCH: cmd->type = EAS_SYNC_CMD_FETCH; break;
	default:
		return fail (error, EAS_SYNC_ERROR_INVALID, node->tag, "not a Sync command");
	}
	if (!eas_sync_child_string (node, EAS_AIRSYNC_CLASS, EAS_SYNC_CLASS_MAX_BYTES, FALSE,
	                            &cmd->class_name, error))
		return FALSE;
	if (cmd->type == EAS_SYNC_CMD_ADD) {
		if (!eas_sync_child_string (node, EAS_AIRSYNC_CLIENT_ID, EAS_SYNC_ID_MAX_BYTES, TRUE,
		                            &cmd->client_id, error))
			return FALSE;
	} else if (!eas_sync_child_string (node, EAS_AIRSYNC_SERVER_ID, EAS_SYNC_ID_MAX_BYTES, TRUE,
	                                   &cmd->server_id, error)) {
		return FALSE;
	}
	app = eas_node_child (node, EAS_AIRSYNC_APPLICATION_DATA);
	cmd->has_application_data = app != NULL;
	if (cmd->type == EAS_SYNC_CMD_CHANGE && app != NULL && !decode_email_change (app, cmd, error))
		return FALSE;
	if (cmd->type == EAS_SYNC_CMD_ADD && app != NULL && !decode_email_add (app, cmd, error))
		return FALSE;
	*out = g_steal_pointer (&cmd);
	return TRUE;
}

static gboolean
decode_commands (const EasNode *commands, GPtrArray *out, GError **error)
{
	for (const EasNode *n = commands->first_child; n != NULL; n = n->next) {
		EasSyncCommand *cmd = NULL;

		if (out->len == EAS_SYNC_MAX_COMMANDS)
			return fail (error, EAS_SYNC_ERROR_LIMIT, EAS_AIRSYNC_COMMANDS, "too many commands");
		if (!decode_command (n, &cmd, error))
			return FALSE;
		g_ptr_array_add (out, cmd);
	}
	return TRUE;
}

/* [MS-ASCMD] 2.2.3.199: absent → 100, 0 or > 512 → 512. */
static guint
resolve_window (gboolean has, guint64 value)
{
	if (!has)
		return EAS_SYNC_WINDOW_DEFAULT;
	if (value == 0 || value > EAS_SYNC_WINDOW_MAX)
		return EAS_SYNC_WINDOW_MAX;
	return (guint) value;
}

static gboolean
decode_collection (const EasNode *node, EasVersion version, EasSyncCollection **out, GError **error)
{
	g_autoptr (EasSyncCollection) c = g_new0 (EasSyncCollection, 1);
	const EasNode *opts, *cmds;
	guint64 window = 0;

	c->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_sync_command_free);
	if (!eas_sync_child_string (node, EAS_AIRSYNC_SYNC_KEY, EAS_SYNC_ID_MAX_BYTES, TRUE,
	                            &c->sync_key, error) ||
	    !eas_sync_child_string (node, EAS_AIRSYNC_COLLECTION_ID, EAS_SYNC_ID_MAX_BYTES, TRUE,
	                            &c->collection_id, error) ||
	    !eas_sync_child_string (node, EAS_AIRSYNC_CLASS, EAS_SYNC_CLASS_MAX_BYTES, FALSE,
	                            &c->class_name, error) ||
	    !child_bool (node, EAS_AIRSYNC_DELETES_AS_MOVES, TRUE, &c->deletes_as_moves, error) ||
	    !child_bool (node, EAS_AIRSYNC_CONVERSATION_MODE, FALSE, &c->conversation_mode, error) ||
	    !eas_sync_child_uint (node, EAS_AIRSYNC_WINDOW_SIZE, 0, G_MAXUINT32, G_MAXUINT64,
	                          &c->has_window_size, &window, error) ||
	    !child_bool (node, EAS_AIRSYNC_GET_CHANGES, TRUE, &c->get_changes, error))
		return FALSE;
	/* [MS-ASCMD] 2.2.3.84: with SyncKey 0 there is nothing to get. */
	if (strcmp (c->sync_key, "0") == 0)
		c->get_changes = FALSE;
	c->window_size = resolve_window (c->has_window_size, window);

	eas_sync_options_init (&c->options, version);
	opts = eas_node_child (node, EAS_AIRSYNC_OPTIONS);
	if (opts != NULL) {
		/* 12.1+ may send one Options per Class (SMS); the first one that
		 * is not for SMS is the email one. */
		for (; opts != NULL; opts = eas_node_next_same (opts)) {
			const char *cls = eas_node_child_text (opts, EAS_AIRSYNC_CLASS);

			if (cls != NULL && strcmp (cls, "SMS") == 0)
				continue;
			if (!decode_options (opts, version, &c->options, error))
				return FALSE;
			c->has_options = TRUE;
			break;
		}
	}
	cmds = eas_node_child (node, EAS_AIRSYNC_COMMANDS);
	if (cmds != NULL && !decode_commands (cmds, c->commands, error))
		return FALSE;
	*out = g_steal_pointer (&c);
	return TRUE;
}

EasSyncRequest *
eas_sync_request_decode (const EasNode *root, EasVersion version, GError **error)
{
	g_autoptr (EasSyncRequest) req = g_new0 (EasSyncRequest, 1);
	const EasNode *cols;
	guint64 window = 0;

	req->version = version;
	req->collections = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_sync_collection_free);
	if (root == NULL) {
		req->empty = TRUE;
		return g_steal_pointer (&req);
	}
	if (root->tag != EAS_AIRSYNC_SYNC) {
		fail (error, EAS_SYNC_ERROR_INVALID, root->tag, "not a Sync request");
		return NULL;
	}
	if (!child_uint (root, EAS_AIRSYNC_WAIT, 0, G_MAXUINT32, &req->wait, &req->has_wait, error) ||
	    !child_uint (root, EAS_AIRSYNC_HEARTBEAT_INTERVAL, 0, G_MAXUINT32, &req->heartbeat,
	                 &req->has_heartbeat, error) ||
	    !eas_sync_child_uint (root, EAS_AIRSYNC_WINDOW_SIZE, 0, G_MAXUINT32, G_MAXUINT64,
	                          &req->has_window_size, &window, error))
		return NULL;
	req->window_size = resolve_window (req->has_window_size, window);
	req->partial = eas_node_child (root, EAS_AIRSYNC_PARTIAL) != NULL;

	cols = eas_node_child (root, EAS_AIRSYNC_COLLECTIONS);
	if (cols == NULL) {
		req->empty = TRUE;
		return g_steal_pointer (&req);
	}
	for (const EasNode *n = eas_node_child (cols, EAS_AIRSYNC_COLLECTION); n != NULL;
	     n = eas_node_next_same (n)) {
		EasSyncCollection *c = NULL;

		if (req->collections->len == EAS_SYNC_MAX_COLLECTIONS) {
			fail (error, EAS_SYNC_ERROR_LIMIT, EAS_AIRSYNC_COLLECTIONS, "too many collections");
			return NULL;
		}
		if (!decode_collection (n, version, &c, error))
			return NULL;
		g_ptr_array_add (req->collections, c);
	}
	/* <Collections/> without a Collection asks as little as no body. */
	if (req->collections->len == 0)
		req->empty = TRUE;
	return g_steal_pointer (&req);
}

/* ---- response --------------------------------------------------------- */

GBytes *
eas_sync_encode_status (EasSyncStatus status, guint limit)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_AIRSYNC_SYNC);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNC_STATUS, status);
	if (limit > 0)
		eas_wbxml_writer_uint_element (w, EAS_AIRSYNC_LIMIT, limit);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

void
eas_sync_write_begin (EasWbxmlWriter *w)
{
	eas_wbxml_writer_start (w, EAS_AIRSYNC_SYNC);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COLLECTIONS);
}

/* [MS-ASCMD] 2.2.3.29.2: Class, SyncKey, CollectionId, Status, MoreAvailable,
 * Commands, Responses. */
void
eas_sync_write_collection_begin (EasWbxmlWriter *w, EasVersion version, const char *class_name,
                                 const char *sync_key, const char *collection_id,
                                 EasSyncStatus status)
{
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COLLECTION);
	/* Class in responses exists up to 12.1 ([MS-ASCMD] 2.2.3.27.6). */
	if (class_name != NULL && version <= 121)
		eas_wbxml_writer_text_element (w, EAS_AIRSYNC_CLASS, class_name);
	if (sync_key != NULL)
		eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SYNC_KEY, sync_key);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_COLLECTION_ID, collection_id);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNC_STATUS, status);
}

void
eas_sync_write_more_available (EasWbxmlWriter *w)
{
	eas_wbxml_writer_empty (w, EAS_AIRSYNC_MORE_AVAILABLE);
}

void
eas_sync_write_commands_begin (EasWbxmlWriter *w)
{
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COMMANDS);
}

void
eas_sync_write_responses_begin (EasWbxmlWriter *w)
{
	eas_wbxml_writer_start (w, EAS_AIRSYNC_RESPONSES);
}

void
eas_sync_write_section_end (EasWbxmlWriter *w)
{
	eas_wbxml_writer_end (w);
}

void
eas_sync_write_add (EasWbxmlWriter *w, const char *server_id, const EasEmailItem *item,
                    const EasEmailEncodeOptions *opts)
{
	eas_wbxml_writer_start (w, EAS_AIRSYNC_ADD);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SERVER_ID, server_id);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_email_encode (w, item, opts);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
}

void
eas_sync_write_change_flags (EasWbxmlWriter *w, const char *server_id, const EasEmailItem *item,
                             const EasEmailEncodeOptions *opts)
{
	eas_wbxml_writer_start (w, EAS_AIRSYNC_CHANGE);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SERVER_ID, server_id);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_email_encode_flags (w, item, opts);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
}

void
eas_sync_write_delete (EasWbxmlWriter *w, const char *server_id, gboolean soft)
{
	eas_wbxml_writer_start (w, soft ? EAS_AIRSYNC_SOFT_DELETE : EAS_AIRSYNC_DELETE);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SERVER_ID, server_id);
	eas_wbxml_writer_end (w);
}

static EasTag
command_tag (EasSyncCommandType type)
{
	switch (type) {
	case EAS_SYNC_CMD_ADD: return EAS_AIRSYNC_ADD;
	case EAS_SYNC_CMD_DELETE: return EAS_AIRSYNC_DELETE;
	case EAS_SYNC_CMD_FETCH: return EAS_AIRSYNC_FETCH;
	case EAS_SYNC_CMD_SOFT_DELETE: return EAS_AIRSYNC_SOFT_DELETE;
	case EAS_SYNC_CMD_CHANGE:
	default: return EAS_AIRSYNC_CHANGE;
	}
}

/* [MS-ASCMD] 2.2.3.154 Responses: Add carries ClientId (and ServerId on
 * success), Change/Delete/Fetch the ServerId; each carries Status. */
void
eas_sync_write_response (EasWbxmlWriter *w, EasSyncCommandType type, const char *client_id,
                         const char *server_id, EasSyncStatus status)
{
	eas_wbxml_writer_start (w, command_tag (type));
	if (client_id != NULL)
		eas_wbxml_writer_text_element (w, EAS_AIRSYNC_CLIENT_ID, client_id);
	if (server_id != NULL)
		eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SERVER_ID, server_id);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNC_STATUS, status);
	eas_wbxml_writer_end (w);
}

void
eas_sync_write_fetch_response (EasWbxmlWriter *w, const char *server_id, EasSyncStatus status,
                               const EasEmailItem *item, const EasEmailEncodeOptions *opts)
{
	eas_wbxml_writer_start (w, EAS_AIRSYNC_FETCH);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SERVER_ID, server_id);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNC_STATUS, status);
	if (status == EAS_SYNC_STATUS_OK && item != NULL) {
		eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
		eas_email_encode (w, item, opts);
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
}

void
eas_sync_write_collection_end (EasWbxmlWriter *w)
{
	eas_wbxml_writer_end (w);
}

GBytes *
eas_sync_write_finish (EasWbxmlWriter *w)
{
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}
