/* eas-ping.c — the Ping model; see eas-ping.h. */
#include "config.h"

#include <string.h>

#include "eas/eas-ping.h"
#include "eas/eas-sync.h"

G_DEFINE_QUARK (eas-ping-error-quark, eas_ping_error)

void
eas_ping_folder_free (EasPingFolder *folder)
{
	if (folder == NULL)
		return;
	g_free (folder->id);
	g_free (folder->class_name);
	g_free (folder);
}

EasPingRequest *
eas_ping_request_new (void)
{
	EasPingRequest *req = g_new0 (EasPingRequest, 1);

	req->folders = g_ptr_array_new_with_free_func ((GDestroyNotify) eas_ping_folder_free);
	return req;
}

void
eas_ping_request_free (EasPingRequest *req)
{
	if (req == NULL)
		return;
	g_clear_pointer (&req->folders, g_ptr_array_unref);
	g_free (req);
}

void
eas_ping_limits_init_default (EasPingLimits *limits)
{
	limits->heartbeat_min = EAS_PING_HEARTBEAT_MIN_DEFAULT;
	limits->heartbeat_max = EAS_PING_HEARTBEAT_MAX_DEFAULT;
	limits->max_folders = EAS_PING_MAX_FOLDERS_DEFAULT;
}

/* A required, non-empty, bounded string child. */
static char *
child_string (const EasNode *node, EasTag tag, gsize max_bytes, const char *what,
              GError **error)
{
	const EasNode *c = eas_node_child (node, tag);

	if (c == NULL || c->text == NULL || c->text[0] == '\0') {
		g_set_error (error, EAS_PING_ERROR, EAS_PING_ERROR_INVALID,
		             "Ping: Folder without %s", what);
		return NULL;
	}
	if (strlen (c->text) > max_bytes) {
		g_set_error (error, EAS_PING_ERROR, EAS_PING_ERROR_LIMIT,
		             "Ping: %s longer than %" G_GSIZE_FORMAT " bytes", what, max_bytes);
		return NULL;
	}
	return g_strdup (c->text);
}

static gboolean
decode_folders (const EasNode *folders, EasPingRequest *req, GError **error)
{
	for (const EasNode *n = eas_node_child (folders, EAS_PING_FOLDER); n != NULL;
	     n = eas_node_next_same (n)) {
		g_autoptr (EasPingFolder) f = g_new0 (EasPingFolder, 1);

		if (req->folders->len == EAS_PING_DECODE_MAX_FOLDERS) {
			g_set_error (error, EAS_PING_ERROR, EAS_PING_ERROR_LIMIT,
			             "Ping: more than %u folders", EAS_PING_DECODE_MAX_FOLDERS);
			return FALSE;
		}
		f->id = child_string (n, EAS_PING_ID, EAS_SYNC_ID_MAX_BYTES, "Id", error);
		if (f->id == NULL)
			return FALSE;
		f->class_name = child_string (n, EAS_PING_CLASS, EAS_SYNC_CLASS_MAX_BYTES, "Class", error);
		if (f->class_name == NULL)
			return FALSE;
		g_ptr_array_add (req->folders, g_steal_pointer (&f));
	}
	if (req->folders->len == 0) {
		/* [MS-ASCMD] 2.2.3.69.1: Folders contains one or more Folder. */
		g_set_error (error, EAS_PING_ERROR, EAS_PING_ERROR_INVALID, "Ping: empty Folders");
		return FALSE;
	}
	return TRUE;
}

EasPingRequest *
eas_ping_request_decode (const EasNode *root, GError **error)
{
	g_autoptr (EasPingRequest) req = eas_ping_request_new ();
	const EasNode *folders;
	guint64 hb = 0;

	if (root == NULL)
		return g_steal_pointer (&req);
	if (root->tag != EAS_PING_PING) {
		g_set_error (error, EAS_PING_ERROR, EAS_PING_ERROR_INVALID, "Ping: wrong root element");
		return NULL;
	}
	if (eas_node_child (root, EAS_PING_HEARTBEAT_INTERVAL) != NULL) {
		if (!eas_node_child_uint (root, EAS_PING_HEARTBEAT_INTERVAL, 0, G_MAXUINT32, &hb, NULL)) {
			g_set_error (error, EAS_PING_ERROR, EAS_PING_ERROR_INVALID,
			             "Ping: HeartbeatInterval is not a number");
			return NULL;
		}
		req->has_heartbeat = TRUE;
		req->heartbeat = (guint) hb;
	}
	folders = eas_node_child (root, EAS_PING_FOLDERS);
	if (folders != NULL && !decode_folders (folders, req, error))
		return NULL;
	return g_steal_pointer (&req);
}

GBytes *
eas_ping_request_encode (const EasPingRequest *req)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_PING_PING);
	if (req->has_heartbeat)
		eas_wbxml_writer_uint_element (w, EAS_PING_HEARTBEAT_INTERVAL, req->heartbeat);
	if (req->folders->len > 0) {
		eas_wbxml_writer_start (w, EAS_PING_FOLDERS);
		for (guint i = 0; i < req->folders->len; i++) {
			const EasPingFolder *f = g_ptr_array_index (req->folders, i);

			eas_wbxml_writer_start (w, EAS_PING_FOLDER);
			eas_wbxml_writer_text_element (w, EAS_PING_ID, f->id);
			eas_wbxml_writer_text_element (w, EAS_PING_CLASS, f->class_name);
			eas_wbxml_writer_end (w);
		}
		eas_wbxml_writer_end (w);
	}
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

static EasPingRequest *
merge (const EasPingRequest *req, const EasPingRequest *remembered)
{
	g_autoptr (EasPingRequest) m = eas_ping_request_new ();
	const EasPingRequest *hb_from = req->has_heartbeat || remembered == NULL ? req : remembered;
	const EasPingRequest *f_from = req->folders->len > 0 || remembered == NULL ? req : remembered;

	m->has_heartbeat = hb_from->has_heartbeat;
	m->heartbeat = hb_from->heartbeat;
	for (guint i = 0; i < f_from->folders->len; i++) {
		const EasPingFolder *f = g_ptr_array_index (f_from->folders, i);
		EasPingFolder *copy = g_new0 (EasPingFolder, 1);

		copy->id = g_strdup (f->id);
		copy->class_name = g_strdup (f->class_name);
		g_ptr_array_add (m->folders, copy);
	}
	return g_steal_pointer (&m);
}

EasPingStatus
eas_ping_request_check (const EasPingRequest *req, const EasPingRequest *remembered,
                        const EasPingLimits *limits, EasPingRequest **out_merged,
                        guint *out_limit)
{
	EasPingRequest *m = merge (req, remembered);

	*out_merged = m;
	*out_limit = 0;
	/* [MS-ASCMD] 2.2.1.13: the heartbeat is checked first, then the
	 * folder count; a Ping with nothing to go on is status 3. */
	if (m->has_heartbeat && m->heartbeat < limits->heartbeat_min) {
		*out_limit = limits->heartbeat_min;
		return EAS_PING_STATUS_HEARTBEAT_OUT_OF_RANGE;
	}
	if (m->has_heartbeat && m->heartbeat > limits->heartbeat_max) {
		*out_limit = limits->heartbeat_max;
		return EAS_PING_STATUS_HEARTBEAT_OUT_OF_RANGE;
	}
	if (m->folders->len > limits->max_folders) {
		*out_limit = limits->max_folders;
		return EAS_PING_STATUS_TOO_MANY_FOLDERS;
	}
	if (!m->has_heartbeat || m->folders->len == 0)
		return EAS_PING_STATUS_MISSING_PARAMETERS;
	return 0;
}

GBytes *
eas_ping_response_encode (EasPingStatus status, const char * const *changed_folders,
                          gsize n_changed, guint limit)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	g_return_val_if_fail (changed_folders != NULL || n_changed == 0, NULL);

	eas_wbxml_writer_start (w, EAS_PING_PING);
	eas_wbxml_writer_uint_element (w, EAS_PING_STATUS, status);
	switch (status) {
	case EAS_PING_STATUS_CHANGES:
		eas_wbxml_writer_start (w, EAS_PING_FOLDERS);
		for (gsize i = 0; i < n_changed; i++)
			eas_wbxml_writer_text_element (w, EAS_PING_FOLDER, changed_folders[i]);
		eas_wbxml_writer_end (w);
		break;
	case EAS_PING_STATUS_HEARTBEAT_OUT_OF_RANGE:
		eas_wbxml_writer_uint_element (w, EAS_PING_HEARTBEAT_INTERVAL, limit);
		break;
	case EAS_PING_STATUS_TOO_MANY_FOLDERS:
		eas_wbxml_writer_uint_element (w, EAS_PING_MAX_FOLDERS, limit);
		break;
	default:
		break;
	}
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}
