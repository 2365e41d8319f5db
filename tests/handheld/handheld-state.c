/* The simulated handheld's storage: see handheld-state.h. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-records.h"
#include "tests/handheld/handheld-state.h"

G_DEFINE_QUARK (handheld-state-error-quark, handheld_state_error)

#define FOURCC(a, b, c, d) (((guint32) (a) << 24) | ((guint32) (b) << 16) | ((guint32) (c) << 8) | (guint32) (d))

void
handheld_record_free (HandheldRecord *rec)
{
	if (rec == NULL)
		return;
	g_bytes_unref (rec->data);
	g_free (rec);
}

static void
db_free (gpointer p)
{
	HandheldDb *db = p;

	g_free (db->name);
	g_clear_pointer (&db->app_info, g_bytes_unref);
	g_ptr_array_unref (db->records);
	g_free (db);
}

static HandheldDb *
db_new (const char *name, guint32 creator)
{
	HandheldDb *db = g_new0 (HandheldDb, 1);

	db->name = g_strdup (name);
	db->creator = creator;
	db->records = g_ptr_array_new_with_free_func ((GDestroyNotify) handheld_record_free);
	return db;
}

static GBytes *
default_app_info (gboolean todo)
{
	/* A new handheld's categories: Unfiled, Business, Personal. */
	static const char *const names[] = { "Unfiled", "Business", "Personal" };
	HotsyncCategories cats = { 0 };
	GBytes *out;

	for (guint i = 0; i < HOTSYNC_CATEGORY_COUNT; i++) {
		cats.names[i] = (char *) (i < G_N_ELEMENTS (names) ? names[i] : "");
		cats.ids[i] = i < G_N_ELEMENTS (names) ? (guint8) i : 0;
	}
	cats.last_unique_id = 2;
	if (todo) {
		HotsyncTodoAppInfo info = { cats, 0, FALSE };

		out = hotsync_todo_app_info_encode (&info, NULL);
	} else {
		HotsyncMemoAppInfo info = { cats, 0, FALSE };

		out = hotsync_memo_app_info_encode (&info, NULL);
	}
	g_assert (out != NULL);
	return out;
}

HandheldState *
handheld_state_new (const char *user_name, guint32 user_id)
{
	HandheldState *s = g_new0 (HandheldState, 1);
	HandheldDb *db;

	s->user_id = user_id;
	s->user_name = g_strdup (user_name);
	s->next_id = 0x100001;
	s->dbs = g_ptr_array_new_with_free_func (db_free);
	db = db_new ("MemoDB", FOURCC ('m', 'e', 'm', 'o'));
	db->app_info = default_app_info (FALSE);
	g_ptr_array_add (s->dbs, db);
	db = db_new ("ToDoDB", FOURCC ('t', 'o', 'd', 'o'));
	db->app_info = default_app_info (TRUE);
	g_ptr_array_add (s->dbs, db);
	g_ptr_array_add (s->dbs, db_new ("AddressDB", FOURCC ('a', 'd', 'd', 'r')));
	g_ptr_array_add (s->dbs, db_new ("DatebookDB", FOURCC ('d', 'a', 't', 'e')));
	return s;
}

void
handheld_state_free (HandheldState *s)
{
	if (s == NULL)
		return;
	g_free (s->user_name);
	g_free (s->last_log);
	g_ptr_array_unref (s->dbs);
	g_free (s);
}

HandheldDb *
handheld_state_find_db (HandheldState *s, const char *name)
{
	for (guint i = 0; i < s->dbs->len; i++) {
		HandheldDb *db = g_ptr_array_index (s->dbs, i);

		if (strcmp (db->name, name) == 0)
			return db;
	}
	return NULL;
}

HandheldRecord *
handheld_db_add (HandheldState *s, HandheldDb *db, guint8 category, GBytes *data)
{
	HandheldRecord *r = g_new0 (HandheldRecord, 1);

	r->id = s->next_id++ & 0xffffff;
	r->attr = 0x40;   /* dirty */
	r->category = category;
	r->data = g_bytes_ref (data);
	g_ptr_array_add (db->records, r);
	return r;
}

HandheldRecord *
handheld_db_nth_live (HandheldDb *db, guint n)
{
	for (guint i = 0; i < db->records->len; i++) {
		HandheldRecord *r = g_ptr_array_index (db->records, i);

		if (!(r->attr & HOTSYNC_RECORD_ATTR_DELETED) && --n == 0)
			return r;
	}
	return NULL;
}

/* ---- The file ---- */

static gboolean
get_uint (GKeyFile *kf, const char *group, const char *key, guint64 max, gboolean required, guint64 *out,
          GError **error)
{
	g_autofree char *v = g_key_file_get_value (kf, group, key, NULL);

	if (v == NULL && !required) {
		*out = 0;
		return TRUE;
	}
	if (v == NULL || !g_ascii_string_to_unsigned (v, 10, 0, max, out, NULL)) {
		g_set_error (error, HANDHELD_STATE_ERROR, HANDHELD_STATE_ERROR_INVALID,
		             "[%s] %s: expected 0–%" G_GUINT64_FORMAT, group, key, max);
		return FALSE;
	}
	return TRUE;
}

static GBytes *
get_hex (GKeyFile *kf, const char *group, const char *key, gsize max, GError **error)
{
	g_autofree char *v = g_key_file_get_value (kf, group, key, NULL);
	g_autoptr (GByteArray) out = g_byte_array_new ();
	gsize n;

	if (v == NULL)
		return NULL;
	n = strlen (v);
	if (n % 2 != 0 || n / 2 > max) {
		g_set_error (error, HANDHELD_STATE_ERROR, n / 2 > max ? HANDHELD_STATE_ERROR_LIMIT : HANDHELD_STATE_ERROR_INVALID,
		             "[%s] %s: odd or too long (limit %" G_GSIZE_FORMAT " bytes)", group, key, max);
		return NULL;
	}
	for (gsize i = 0; i < n; i += 2) {
		int hi = g_ascii_xdigit_value (v[i]);
		int lo = g_ascii_xdigit_value (v[i + 1]);
		guint8 b;

		if (hi < 0 || lo < 0) {
			g_set_error (error, HANDHELD_STATE_ERROR, HANDHELD_STATE_ERROR_INVALID, "[%s] %s: not hex", group, key);
			return NULL;
		}
		b = (guint8) (hi * 16 + lo);
		g_byte_array_append (out, &b, 1);
	}
	return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
parse_user (HandheldState *s, GKeyFile *kf, GError **error)
{
	guint64 v;

	if (!get_uint (kf, "user", "id", G_MAXUINT32, TRUE, &v, error))
		return FALSE;
	s->user_id = (guint32) v;
	if (!get_uint (kf, "user", "last-sync-pc", G_MAXUINT32, FALSE, &v, error))
		return FALSE;
	s->last_sync_pc = (guint32) v;
	if (!get_uint (kf, "user", "last-sync-time", G_MAXINT32, FALSE, &v, error))
		return FALSE;
	s->last_sync_time = (gint64) v;
	if (!get_uint (kf, "user", "successful-sync-time", G_MAXINT32, FALSE, &v, error))
		return FALSE;
	s->successful_sync_time = (gint64) v;
	if (!get_uint (kf, "user", "next-id", 0xffffff, TRUE, &v, error))
		return FALSE;
	s->next_id = (guint32) v;
	g_free (s->user_name);
	s->user_name = g_key_file_get_string (kf, "user", "name", NULL);
	if (s->user_name == NULL || strlen (s->user_name) > 40 || !g_utf8_validate (s->user_name, -1, NULL)) {
		g_set_error_literal (error, HANDHELD_STATE_ERROR, HANDHELD_STATE_ERROR_INVALID,
		                     "[user] name: missing, not UTF-8 or above 40 bytes");
		return FALSE;
	}
	s->last_log = g_key_file_get_string (kf, "user", "last-log", NULL);
	return TRUE;
}

/* Group "DBNAME record N": one record; N is its index. */
static gboolean
parse_record (HandheldDb *db, GKeyFile *kf, const char *group, GError **error)
{
	g_autoptr (GBytes) data = get_hex (kf, group, "data", HANDHELD_STATE_MAX_RECORD, error);
	HandheldRecord *r;
	guint64 id, attr, cat;

	if (data == NULL) {
		if (error != NULL && *error == NULL)
			g_set_error (error, HANDHELD_STATE_ERROR, HANDHELD_STATE_ERROR_INVALID, "[%s]: no data", group);
		return FALSE;
	}
	if (db->records->len >= HANDHELD_STATE_MAX_RECORDS) {
		g_set_error (error, HANDHELD_STATE_ERROR, HANDHELD_STATE_ERROR_LIMIT, "%s: more than %u records",
		             db->name, HANDHELD_STATE_MAX_RECORDS);
		return FALSE;
	}
	if (!get_uint (kf, group, "id", 0xffffff, TRUE, &id, error) ||
	    !get_uint (kf, group, "attr", 0xff, TRUE, &attr, error) ||
	    !get_uint (kf, group, "category", HOTSYNC_CATEGORY_COUNT - 1, TRUE, &cat, error))
		return FALSE;
	r = g_new0 (HandheldRecord, 1);
	r->id = (guint32) id;
	r->attr = (guint8) attr;
	r->category = (guint8) cat;
	r->data = g_steal_pointer (&data);
	g_ptr_array_add (db->records, r);
	return TRUE;
}

static gboolean
parse_groups (HandheldState *s, GKeyFile *kf, GError **error)
{
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);

	for (guint i = 0; groups[i] != NULL; i++) {
		const char *g = groups[i];
		const char *space = strchr (g, ' ');
		g_autofree char *name = space != NULL ? g_strndup (g, (gsize) (space - g)) : g_strdup (g);
		HandheldDb *db;

		if (strcmp (g, "user") == 0)
			continue;
		db = handheld_state_find_db (s, name);
		if (db == NULL) {
			g_set_error (error, HANDHELD_STATE_ERROR, HANDHELD_STATE_ERROR_INVALID, "unknown group [%s]", g);
			return FALSE;
		}
		if (space == NULL) {
			g_autoptr (GError) local = NULL;
			GBytes *app = get_hex (kf, g, "app-info", HANDHELD_STATE_MAX_RECORD, &local);

			if (local != NULL) {
				g_propagate_error (error, g_steal_pointer (&local));
				return FALSE;
			}
			g_clear_pointer (&db->app_info, g_bytes_unref);
			db->app_info = app;
		} else if (!g_str_has_prefix (space, " record ") || !parse_record (db, kf, g, error)) {
			if (error != NULL && *error == NULL)
				g_set_error (error, HANDHELD_STATE_ERROR, HANDHELD_STATE_ERROR_INVALID, "unknown group [%s]", g);
			return FALSE;
		}
	}
	return TRUE;
}

HandheldState *
handheld_state_parse (const guint8 *data, gsize len, GError **error)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (HandheldState) s = handheld_state_new ("", 0);
	g_autofree char *text = NULL;

	if (len > HANDHELD_STATE_MAX_FILE) {
		g_set_error (error, HANDHELD_STATE_ERROR, HANDHELD_STATE_ERROR_LIMIT, "state file above %u bytes",
		             HANDHELD_STATE_MAX_FILE);
		return NULL;
	}
	/* GKeyFile wants text: make the NUL explicit. */
	text = g_strndup ((const char *) data, len);
	if (strlen (text) != len) {
		g_set_error_literal (error, HANDHELD_STATE_ERROR, HANDHELD_STATE_ERROR_INVALID, "NUL in the state file");
		return NULL;
	}
	if (!g_key_file_load_from_data (kf, text, len, G_KEY_FILE_NONE, error))
		return NULL;
	for (guint i = 0; i < s->dbs->len; i++)
		g_ptr_array_set_size (((HandheldDb *) g_ptr_array_index (s->dbs, i))->records, 0);
	if (!parse_user (s, kf, error) || !parse_groups (s, kf, error))
		return NULL;
	return g_steal_pointer (&s);
}

HandheldState *
handheld_state_load (const char *path, GError **error)
{
	g_autofree char *text = NULL;
	gsize len;
	HandheldState *s;

	if (!g_file_get_contents (path, &text, &len, error))
		return NULL;
	s = handheld_state_parse ((const guint8 *) text, len, error);
	if (s == NULL)
		g_prefix_error (error, "%s: ", path);
	return s;
}

static char *
hex (GBytes *b)
{
	gsize n;
	const guint8 *d = g_bytes_get_data (b, &n);
	GString *s = g_string_sized_new (n * 2 + 1);

	for (gsize i = 0; i < n; i++)
		g_string_append_printf (s, "%02x", d[i]);
	return g_string_free (s, FALSE);
}

gboolean
handheld_state_save (const HandheldState *s, const char *path, GError **error)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autofree char *text = NULL;
	gsize len;

	g_key_file_set_uint64 (kf, "user", "id", s->user_id);
	g_key_file_set_string (kf, "user", "name", s->user_name != NULL ? s->user_name : "");
	g_key_file_set_uint64 (kf, "user", "last-sync-pc", s->last_sync_pc);
	g_key_file_set_int64 (kf, "user", "last-sync-time", s->last_sync_time);
	g_key_file_set_int64 (kf, "user", "successful-sync-time", s->successful_sync_time);
	g_key_file_set_uint64 (kf, "user", "next-id", s->next_id & 0xffffff);
	if (s->last_log != NULL)
		g_key_file_set_string (kf, "user", "last-log", s->last_log);
	for (guint i = 0; i < s->dbs->len; i++) {
		HandheldDb *db = g_ptr_array_index (s->dbs, i);

		if (db->app_info != NULL) {
			g_autofree char *h = hex (db->app_info);

			g_key_file_set_string (kf, db->name, "app-info", h);
		}
		for (guint j = 0; j < db->records->len; j++) {
			HandheldRecord *r = g_ptr_array_index (db->records, j);
			g_autofree char *group = g_strdup_printf ("%s record %u", db->name, j);
			g_autofree char *h = hex (r->data);

			g_key_file_set_uint64 (kf, group, "id", r->id);
			g_key_file_set_uint64 (kf, group, "attr", r->attr);
			g_key_file_set_uint64 (kf, group, "category", r->category);
			g_key_file_set_string (kf, group, "data", h);
		}
	}
	text = g_key_file_to_data (kf, &len, NULL);
	return g_file_set_contents (path, text, (gssize) len, error);
}
