/* Tests for pst/pststore-import.c against the real PST/OST fixtures, with
 * libpff (a second, independent PST reader) and Debian's lspst as oracles,
 * plus damaged files, the reader's limits and idempotent re-import. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <libpff.h>
#include <string.h>
#include <libpst/libpst.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pst/pststore-import.h"
#include "pst/pststore-libpff.h"
#include "pst/pststore.h"

/* Fixture passwords: the pstsdk stores are locked with "test" (its CRC
 * matches the stored PidTagPstPassword); the other two are unknown. */
static const struct {
	const char *path;
	const char *password;
	gboolean locked;
} fixtures[] = {
	{ "apache-tika/testPST.pst", NULL, FALSE },
	{ "apache-tika/testPST_variousBodyTypes.pst", NULL, FALSE },
	{ "aspose-email-c/Outlook.pst", NULL, FALSE },
	{ "aspose-email-java/MapiNoteToPST_out.pst", NULL, FALSE },
	{ "aspose-email-java/SampleContacts.pst", NULL, FALSE },
	{ "aspose-email-java/passwordprotectedPST.pst", NULL, TRUE },
	{ "aspose-email-net/PersonalStorageFile1.pst", NULL, FALSE },
	{ "aspose-email-net/SampleOstFile.ost", NULL, FALSE },
	{ "go-pst/32-bit.pst", NULL, FALSE },
	{ "go-pst/support.pst", NULL, FALSE },
	{ "java-libpst/dist-list.pst", NULL, FALSE },
	{ "java-libpst/passworded.pst", NULL, TRUE },
	{ "pstsdk/sample1.pst", NULL, FALSE },
	{ "pstsdk/sample2.pst", NULL, FALSE },
	{ "pstsdk/submessage.pst", NULL, FALSE },
	{ "pstsdk/test_ansi.pst", "test", FALSE },
	{ "pstsdk/test_unicode.pst", "test", FALSE },
	{ "ruby-msg/200_recipients.pst", NULL, FALSE },
	{ "ruby-msg/attachAndInline.pst", NULL, FALSE },
	{ "ruby-msg/msgInMsg.pst", NULL, FALSE },
};

static char *
fixture_path (const char *rel)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	g_autofree char *path = NULL;

	if (shared == NULL) {
		g_test_skip ("AIRDOCK_SHARED is not set: no PST fixtures");
		return NULL;
	}
	path = g_build_filename (shared, "fixtures", "pst", rel, NULL);
	if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
		g_test_skip_printf ("fixture %s is missing", path);
		return NULL;
	}
	return g_steal_pointer (&path);
}

typedef struct {
	char *dir;
	char *path;
	PststoreStore *store;
} Fixture;

static void
setup (Fixture *fx, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	fx->dir = g_dir_make_tmp ("pstimport-XXXXXX", &error);
	g_assert_no_error (error);
	fx->path = g_build_filename (fx->dir, "store.sqlite", NULL);
	fx->store = pststore_open (fx->path, &error);
	g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
	g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
		g_autofree char *child = g_build_filename (path, name, NULL);
		remove_tree (child);
	}
	g_remove (path);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
	pststore_close (fx->store);
	remove_tree (fx->dir);
	g_free (fx->path);
	g_free (fx->dir);
}

static gboolean
import (Fixture *fx, const char *path, const char *password, PststoreImportSummary *summary, GError **error)
{
	PststoreImportOptions opts;

	pststore_import_options_init (&opts);
	opts.password = password;
	opts.wall_seconds = 60;
	return pststore_import_file (fx->store, path, &opts, summary, error);
}

/* ---- libpff oracle --------------------------------------------------------- */

typedef struct {
	gsize counts[PSTSTORE_N_KINDS];
	GHashTable *subjects;	/* nid → subject (UTF-8) */
	GHashTable *bodies;	/* nid → body */
	GHashTable *colours;	/* nid → note colour + 1 */
	GHashTable *importance;	/* nid → PidTagImportance (1, normal, when absent) */
	GHashTable *modified;	/* nid → PidTagLastModificationTime, Unix seconds (gint64 *) */
	GHashTable *created;	/* nid → PidTagCreationTime, likewise */
	GHashTable *sensitivity;	/* nid → PidTagSensitivity (0 when absent) */
} Oracle;

static char *
pff_string (libpff_record_set_t *rs, guint32 type)
{
	libpff_record_entry_t *e = NULL;
	size_t size = 0;
	char *s = NULL;

	if (libpff_record_set_get_entry_by_type (rs, type, 0, &e, LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE,
						 NULL) != 1)
		return NULL;
	if (libpff_record_entry_get_data_as_utf8_string_size (e, &size, NULL) == 1 && size > 0) {
		s = g_malloc0 (size);
		if (libpff_record_entry_get_data_as_utf8_string (e, (uint8_t *) s, size, NULL) != 1)
			g_clear_pointer (&s, g_free);
	}
	libpff_record_entry_free (&e, NULL);
	return s;
}

static void
oracle_time (libpff_record_set_t *rs, guint32 tag, GHashTable *into, uint32_t nid)
{
	libpff_record_entry_t *e = NULL;
	uint64_t ft = 0;

	if (libpff_record_set_get_entry_by_type (rs, tag, 0x0040, &e, 0, NULL) == 1 &&
	    libpff_record_entry_get_data_as_filetime (e, &ft, NULL) == 1 && ft != 0) {
		gint64 *t = g_new (gint64, 1);
		*t = (gint64) (ft / 10000000) - G_GINT64_CONSTANT (11644473600);
		g_hash_table_insert (into, GUINT_TO_POINTER (nid), t);
	}
	libpff_record_entry_free (&e, NULL);
}

static void
oracle_message (Oracle *o, libpff_item_t *m)
{
	libpff_record_set_t *rs = NULL;
	uint32_t nid = 0;
	g_autofree char *cls = NULL;
	char *subject;

	g_assert_cmpint (libpff_item_get_identifier (m, &nid, NULL), ==, 1);
	g_assert_cmpint (libpff_item_get_record_set_by_index (m, 0, &rs, NULL), ==, 1);
	cls = pff_string (rs, 0x001a);	/* PR_MESSAGE_CLASS */
	o->counts[pststore_kind_from_class (cls ? cls : "IPM")]++;
	subject = pff_string (rs, 0x0037);	/* PR_SUBJECT */
	/* [MS-OXCMSG] 2.2.1.46: a subject may start with 0x01 and a prefix length. */
	if (subject != NULL && (guchar) subject[0] == 0x01 && subject[1] != '\0') {
		char *plain = g_strdup (subject + 2);
		g_free (subject);
		subject = plain;
	}
	if (subject != NULL && subject[0] != '\0')
		g_hash_table_insert (o->subjects, GUINT_TO_POINTER (nid), subject);
	else
		g_free (subject);
	char *body = pff_string (rs, 0x1000);	/* PR_BODY */
	if (body != NULL && body[0] != '\0')
		g_hash_table_insert (o->bodies, GUINT_TO_POINTER (nid), body);
	else
		g_free (body);
	libpff_record_entry_t *e = NULL;
	uint32_t colour = 0, importance = 1;
	if (libpff_record_set_get_entry_by_type (rs, 0x0017, 0x0003, &e, 0, NULL) == 1)
		g_assert_cmpint (libpff_record_entry_get_data_as_32bit_integer (e, &importance, NULL), ==, 1);
	libpff_record_entry_free (&e, NULL);
	g_hash_table_insert (o->importance, GUINT_TO_POINTER (nid), GUINT_TO_POINTER (importance));
	oracle_time (rs, 0x3008, o->modified, nid);
	oracle_time (rs, 0x3007, o->created, nid);
	uint32_t sensitivity = 0;
	if (libpff_record_set_get_entry_by_type (rs, 0x0036, 0x0003, &e, 0, NULL) == 1)
		g_assert_cmpint (libpff_record_entry_get_data_as_32bit_integer (e, &sensitivity, NULL), ==, 1);
	libpff_record_entry_free (&e, NULL);
	g_hash_table_insert (o->sensitivity, GUINT_TO_POINTER (nid), GUINT_TO_POINTER (sensitivity));
	if (libpff_record_set_get_entry_by_type (rs, 0x8b00, 0x0003, &e, 0, NULL) == 1 &&
	    libpff_record_entry_get_data_as_32bit_integer (e, &colour, NULL) == 1)
		g_hash_table_insert (o->colours, GUINT_TO_POINTER (nid), GUINT_TO_POINTER (colour + 1));
	libpff_record_entry_free (&e, NULL);
	libpff_record_set_free (&rs, NULL);
}

static void
oracle_folder (Oracle *o, libpff_item_t *folder, guint depth)
{
	int n = 0;

	g_assert_cmpuint (depth, <, 64);
	g_assert_cmpint (libpff_folder_get_number_of_sub_messages (folder, &n, NULL), ==, 1);
	for (int i = 0; i < n; i++) {
		libpff_item_t *m = NULL;
		g_assert_cmpint (libpff_folder_get_sub_message (folder, i, &m, NULL), ==, 1);
		oracle_message (o, m);
		libpff_item_free (&m, NULL);
	}
	g_assert_cmpint (libpff_folder_get_number_of_sub_folders (folder, &n, NULL), ==, 1);
	for (int i = 0; i < n; i++) {
		libpff_item_t *f = NULL;
		g_assert_cmpint (libpff_folder_get_sub_folder (folder, i, &f, NULL), ==, 1);
		oracle_folder (o, f, depth + 1);
		libpff_item_free (&f, NULL);
	}
}

/* The user's folders: [MS-PST] 2.4.3 PidTagIpmSubTreeEntryId (0x35E0) of the
 * message store, whose last four bytes are the folder's node id. */
static void
oracle_ipm_subtree (libpff_file_t *f, libpff_item_t **out)
{
	libpff_item_t *store = NULL;
	libpff_record_set_t *rs = NULL;
	libpff_record_entry_t *e = NULL;
	guint8 entryid[24];
	size_t size = 0;

	g_assert_cmpint (libpff_file_get_message_store (f, &store, NULL), ==, 1);
	g_assert_cmpint (libpff_item_get_record_set_by_index (store, 0, &rs, NULL), ==, 1);
	if (libpff_record_set_get_entry_by_type (rs, 0x35e0, 0x0102, &e, 0, NULL) != 1) {
		/* No subtree entry (the OST): the whole tree, as libpst does. */
		g_assert_cmpint (libpff_file_get_root_folder (f, out, NULL), ==, 1);
		libpff_record_set_free (&rs, NULL);
		libpff_item_free (&store, NULL);
		return;
	}
	g_assert_cmpint (libpff_record_entry_get_data_size (e, &size, NULL), ==, 1);
	g_assert_cmpuint (size, ==, sizeof entryid);
	g_assert_cmpint (libpff_record_entry_get_data (e, entryid, size, NULL), ==, 1);
	guint32 nid = entryid[20] | (guint32) entryid[21] << 8 | (guint32) entryid[22] << 16 | (guint32) entryid[23] << 24;
	g_assert_cmpint (libpff_file_get_item_by_identifier (f, nid, out, NULL), ==, 1);
	libpff_record_entry_free (&e, NULL);
	libpff_record_set_free (&rs, NULL);
	libpff_item_free (&store, NULL);
}

static void
oracle_load (Oracle *o, const char *path)
{
	libpff_file_t *f = NULL;
	libpff_item_t *root = NULL;

	memset (o, 0, sizeof *o);
	o->subjects = g_hash_table_new_full (NULL, NULL, NULL, g_free);
	o->bodies = g_hash_table_new_full (NULL, NULL, NULL, g_free);
	o->colours = g_hash_table_new (NULL, NULL);
	o->importance = g_hash_table_new (NULL, NULL);
	o->modified = g_hash_table_new_full (NULL, NULL, NULL, g_free);
	o->created = g_hash_table_new_full (NULL, NULL, NULL, g_free);
	o->sensitivity = g_hash_table_new (NULL, NULL);
	g_assert_cmpint (libpff_file_initialize (&f, NULL), ==, 1);
	g_assert_cmpint (libpff_file_open (f, path, LIBPFF_OPEN_READ, NULL), ==, 1);
	oracle_ipm_subtree (f, &root);
	oracle_folder (o, root, 0);
	libpff_item_free (&root, NULL);
	libpff_file_close (f, NULL);
	libpff_file_free (&f, NULL);
}

static void
oracle_clear (Oracle *o)
{
	g_hash_table_destroy (o->subjects);
	g_hash_table_destroy (o->bodies);
	g_hash_table_destroy (o->colours);
	g_hash_table_destroy (o->importance);
	g_hash_table_destroy (o->modified);
	g_hash_table_destroy (o->created);
	g_hash_table_destroy (o->sensitivity);
}

/* ---- lspst oracle ---------------------------------------------------------- */

/* Counts lspst's "Email"/"Contact"/"Appointment" lines; FALSE when lspst
 * gave up on the file (it stops at a second message store). */
static gboolean
lspst_counts (const char *path, gsize counts[PSTSTORE_N_KINDS])
{
	g_autofree char *out = NULL;
	g_autofree char *err = NULL;
	const char *argv[] = { LSPST, path, NULL };
	int status = 0;

	if (LSPST[0] == '\0')
		return FALSE;
	memset (counts, 0, sizeof (gsize) * PSTSTORE_N_KINDS);
	if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL))
		return FALSE;
	if (strstr (out, "second message_store") != NULL || strstr (err, "second message_store") != NULL)
		return FALSE;
	g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		if (g_str_has_prefix (lines[i], "Email"))
			counts[PSTSTORE_KIND_MAIL]++;
		else if (g_str_has_prefix (lines[i], "Contact"))
			counts[PSTSTORE_KIND_CONTACT]++;
		else if (g_str_has_prefix (lines[i], "Appointment"))
			counts[PSTSTORE_KIND_APPOINTMENT]++;
	}
	return TRUE;
}

/* All items of the store by the descriptor id in their source id. */
static GHashTable *
items_by_nid (PststoreStore *store)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) folders = pststore_folder_list (store, &error);
	GHashTable *map = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) pststore_item_free);

	g_assert_no_error (error);
	for (guint i = 0; i < folders->len; i++) {
		PststoreFolder *f = g_ptr_array_index (folders, i);
		g_autoptr (GPtrArray) items = pststore_item_list (store, f->id, &error);
		g_assert_no_error (error);
		for (guint j = 0; j < items->len; j++) {
			PststoreItem *it = g_ptr_array_index (items, j);
			const char *colon = it->source_id ? strrchr (it->source_id, ':') : NULL;
			guint64 nid = 0;
			if (colon == NULL)
				continue;
			g_assert_true (g_ascii_string_to_unsigned (colon + 1, 16, 1, G_MAXUINT32, &nid, NULL));
			g_hash_table_insert (map, GUINT_TO_POINTER ((guint) nid), g_ptr_array_steal_index (items, j--));
		}
	}
	return map;
}

static void
check_strings (GHashTable *expected, GHashTable *items, gboolean subject)
{
	GHashTableIter iter;
	gpointer key, value;

	g_hash_table_iter_init (&iter, expected);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		PststoreItem *it = g_hash_table_lookup (items, key);
		g_assert_nonnull (it);
		g_assert_cmpstr (subject ? it->subject : it->body, ==, value);
	}
}

static void
test_fixture (Fixture *fx, gconstpointer data)
{
	guint idx = GPOINTER_TO_UINT (data);
	g_autofree char *path = fixture_path (fixtures[idx].path);
	g_autoptr (GError) error = NULL;
	PststoreImportSummary summary = { 0 };
	gsize lspst[PSTSTORE_N_KINDS];
	Oracle oracle;

	if (path == NULL)
		return;
	if (fixtures[idx].locked) {
		g_assert_false (import (fx, path, NULL, &summary, &error));
		g_assert_error (error, PSTSTORE_IMPORT_ERROR, PSTSTORE_IMPORT_ERROR_PASSWORD);
		g_assert_nonnull (strstr (error->message, "password"));
		return;
	}
	g_assert_true (import (fx, path, fixtures[idx].password, &summary, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (summary.errors, ==, 0);

	oracle_load (&oracle, path);
	for (int k = 0; k < PSTSTORE_N_KINDS; k++) {
		g_test_message ("%s: %s %" G_GSIZE_FORMAT " (libpff %" G_GSIZE_FORMAT ")", fixtures[idx].path,
				pststore_kind_to_string (k), summary.counts[k], oracle.counts[k]);
		g_assert_cmpuint (summary.counts[k], ==, oracle.counts[k]);
	}
	/* lspst skips items of some stores (the OST); where it reads the whole
	 * file its mail/contact/appointment counts must agree too. */
	if (lspst_counts (path, lspst) && !g_str_has_suffix (path, ".ost")) {
		g_assert_cmpuint (summary.counts[PSTSTORE_KIND_MAIL], ==, lspst[PSTSTORE_KIND_MAIL]);
		g_assert_cmpuint (summary.counts[PSTSTORE_KIND_CONTACT], ==, lspst[PSTSTORE_KIND_CONTACT]);
		g_assert_cmpuint (summary.counts[PSTSTORE_KIND_APPOINTMENT], ==, lspst[PSTSTORE_KIND_APPOINTMENT]);
	}
	g_autoptr (GHashTable) items = items_by_nid (fx->store);
	g_assert_cmpuint (g_hash_table_size (items), ==, summary.total);
	check_strings (oracle.subjects, items, TRUE);
	check_strings (oracle.bodies, items, FALSE);
	GHashTableIter iter;
	gpointer key, value;
	g_hash_table_iter_init (&iter, oracle.importance);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		PststoreItem *it = g_hash_table_lookup (items, key);
		g_assert_nonnull (it);
		g_assert_cmpint (it->importance, ==, GPOINTER_TO_INT (value));
	}
	g_hash_table_iter_init (&iter, oracle.modified);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		PststoreItem *it = g_hash_table_lookup (items, key);
		g_assert_nonnull (it);
		g_assert_cmpint (it->modified, ==, *(gint64 *) value);
	}
	g_hash_table_iter_init (&iter, oracle.created);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		PststoreItem *it = g_hash_table_lookup (items, key);
		g_assert_nonnull (it);
		g_assert_cmpint (it->created, ==, *(gint64 *) value);
	}
	g_hash_table_iter_init (&iter, oracle.sensitivity);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		PststoreItem *it = g_hash_table_lookup (items, key);
		g_assert_nonnull (it);
		g_assert_cmpint (it->sensitivity, ==, GPOINTER_TO_INT (value));
	}
	oracle_clear (&oracle);
	pststore_import_summary_clear (&summary);
}

/* The three sticky notes keep their colours (libpst drops them). */
static void
test_note_colours (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = fixture_path ("aspose-email-java/MapiNoteToPST_out.pst");
	g_autoptr (GError) error = NULL;
	PststoreImportSummary summary = { 0 };
	GHashTableIter iter;
	gpointer key, value;
	Oracle oracle;
	guint checked = 0;

	if (path == NULL)
		return;
	g_assert_true (import (fx, path, NULL, &summary, &error));
	g_assert_cmpuint (summary.counts[PSTSTORE_KIND_NOTE], ==, 3);
	oracle_load (&oracle, path);
	g_autoptr (GHashTable) items = items_by_nid (fx->store);
	g_hash_table_iter_init (&iter, oracle.colours);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		PststoreItem *it = g_hash_table_lookup (items, key);
		g_assert_nonnull (it);
		g_assert_cmpint (it->kind, ==, PSTSTORE_KIND_NOTE);
		g_assert_cmpint (it->note_colour, ==, GPOINTER_TO_INT (value) - 1);
		checked++;
	}
	g_assert_cmpuint (checked, ==, 3);
	/* They land in the store's own Notes folder, where the conduit looks. */
	gint64 notes = pststore_folder_lookup (fx->store, "Notes", &error);
	gsize n = 0;
	g_assert_true (pststore_folder_count (fx->store, notes, &n, &error));
	g_assert_cmpuint (n, ==, 3);
	oracle_clear (&oracle);
	pststore_import_summary_clear (&summary);
}

static char *write_temp (Fixture *fx, const char *name, const char *data, gsize len);

/* The libpff side on its own: absent task properties leave the item as it
 * was, unknown items and non-PST files are errors. */
static void
test_pff_extras (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = fixture_path ("aspose-email-java/MapiNoteToPST_out.pst");
	g_autofree char *text = write_temp (fx, "text.pst", "not a pst", 9);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) rec = NULL;

	if (path == NULL)
		return;
	g_assert_null (pststore_pff_open (text, &error));
	g_assert_error (error, PSTSTORE_PFF_ERROR, PSTSTORE_PFF_ERROR_OPEN);
	g_clear_error (&error);

	g_autoptr (PststorePffFile) pff = pststore_pff_open (path, &error);
	g_assert_no_error (error);
	/* A sticky note read as a task: it has no task properties. */
	g_autoptr (PststoreItem) task = pststore_item_new ("IPM.Task");
	g_assert_true (pststore_pff_read_extras (pff, 0x200024, task, &rec, &error));
	g_assert_no_error (error);
	g_assert_null (rec);
	g_assert_cmpint (task->task_due, ==, PSTSTORE_TIME_UNSET);
	g_assert_cmpint (task->task_start, ==, PSTSTORE_TIME_UNSET);
	g_assert_cmpfloat (task->task_percent, ==, 0.0);
	g_assert_cmpint (task->task_status, ==, PSTSTORE_TASK_NOT_STARTED);
	g_assert_false (task->task_complete);
	g_assert_cmpint (task->note_colour, ==, PSTSTORE_NOTE_COLOUR_UNSET);
	g_assert_null (task->categories);	/* no fixture has PidNameKeywords */
	/* The same item as a note gets its colour. */
	g_autoptr (PststoreItem) note = pststore_item_new ("IPM.StickyNote");
	g_assert_true (pststore_pff_read_extras (pff, 0x200024, note, NULL, &error));
	g_assert_cmpint (note->note_colour, !=, PSTSTORE_NOTE_COLOUR_UNSET);
	/* A node id that is not there. */
	g_assert_false (pststore_pff_read_extras (pff, 0x7fffffe4, note, NULL, &error));
	g_assert_error (error, PSTSTORE_PFF_ERROR, PSTSTORE_PFF_ERROR_ITEM);
}

/* [MS-PST] 5.3: CRC-32 of block data (reflected 0xEDB88320, initial 0). */
static guint32
crc32_pst (const guint8 *p, gsize n)
{
	guint32 crc = 0;

	for (gsize i = 0; i < n; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
	}
	return crc;
}

static guint
replace_all (guint8 *buf, gsize n, const guint8 *from, const guint8 *to, gsize len)
{
	guint count = 0;

	for (gsize i = 0; i + len <= n; i++) {
		if (memcmp (buf + i, from, len) == 0) {
			memcpy (buf + i, to, len);
			count++;
		}
	}
	return count;
}

/* No public PST has a task.  This turns the sticky notes' colour property
 * into a task status inside a real file: in the name-to-id map the named
 * property {PSETID_Note, 0x8B00} becomes {PSETID_Task, 0x8101}
 * ([MS-OXPROPS] PidLidTaskStatus) — in its GUID stream and in every NAMEID
 * record (entry stream and hash buckets).  Blocks are "permute"-encoded
 * ([MS-PST] 5.1): the byte substitution is learnt from the file itself by
 * comparing its raw blocks with what libpst decodes; each patched block's
 * trailer CRC ([MS-PST] 5.3) is recomputed.  NULL when skipped. */
static char *
make_task_status_file (Fixture *fx, const char *path, gboolean retype)
{
	g_autofree guint8 *file = NULL;
	gsize flen = 0;
	pst_file pf;
	gint enc[256], dec[256];
	guint guids = 0, records = 0, classes = 0;
	/* PidTagMessageClass in UTF-16LE: "IPM.StickyNote" → "IPM.Task.Stick",
	 * the same length, so no structure changes. */
	guint8 note_class[28], task_class[28];

	for (gsize i = 0; i < 14; i++) {
		note_class[2 * i] = (guint8) "IPM.StickyNote"[i];
		task_class[2 * i] = (guint8) "IPM.Task.Stick"[i];
		note_class[2 * i + 1] = task_class[2 * i + 1] = 0;
	}
	/* {0006200E-0000-0000-C000-000000000046} → {00062003-…} */
	static const guint8 note_guid[] = { 0x0e, 0x20, 0x06, 0x00, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46 };
	static const guint8 task_guid[] = { 0x03, 0x20, 0x06, 0x00, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46 };
	/* NAMEID: dwPropertyID 0x8B00 → 0x8101; wGuid, wPropIdx kept. */
	guint8 note_rec[8] = { 0x00, 0x8b, 0x00, 0x00 }, task_rec[8] = { 0x01, 0x81, 0x00, 0x00 };

	g_assert_true (g_file_get_contents (path, (char **) &file, &flen, NULL));
	memset (&pf, 0, sizeof pf);
	g_assert_cmpint (pst_open (&pf, path, NULL), ==, 0);
	g_assert_cmpint (pst_load_index (&pf), ==, 0);
	g_assert_cmpint (pf.encryption, ==, 1);	/* permute */
	g_assert_cmpint (pf.do_read64, ==, 1);	/* Unicode: 16-byte block trailers */
	for (int i = 0; i < 256; i++)
		enc[i] = dec[i] = -1;
	/* Learn the substitution from every external (encoded) block. */
	for (size_t k = 0; k < pf.i_count; k++) {
		pst_index_ll *b = &pf.i_table[k];
		char *plain = NULL;
		size_t n;

		if ((b->i_id & 0x02) != 0 || b->offset + b->size > flen)
			continue;
		n = pst_ff_getIDblock_dec (&pf, b->i_id, &plain);
		for (size_t j = 0; j < n && j < b->size; j++) {
			dec[file[b->offset + j]] = (guint8) plain[j];
			enc[(guint8) plain[j]] = file[b->offset + j];
		}
		free (plain);
	}
	for (gsize i = 0; i < sizeof task_class; i++) {
		if (enc[task_class[i]] < 0 || (i < 4 && (enc[task_guid[i]] < 0 || enc[task_rec[i]] < 0))) {
			pst_close (&pf);
			g_test_skip ("the file does not show every needed byte value's encoding");
			return NULL;
		}
	}
	for (size_t k = 0; k < pf.i_count; k++) {
		pst_index_ll *b = &pf.i_table[k];
		gsize off = b->offset, size = b->size, trailer;
		g_autofree guint8 *plain = NULL;
		guint hits;

		if ((b->i_id & 0x02) != 0 || off + size > flen || size == 0)
			continue;
		plain = g_malloc (size);
		for (gsize j = 0; j < size; j++)
			plain[j] = (guint8) dec[file[off + j]];
		/* The note colour's record: find its wGuid/wPropIdx first. */
		for (gsize i = 0; i + 8 <= size && note_rec[4] == 0; i += 2) {
			if (memcmp (plain + i, note_rec, 4) == 0 && plain[i + 4] >= 6 && (plain[i + 4] & 1) == 0) {
				memcpy (note_rec + 4, plain + i + 4, 4);
				memcpy (task_rec + 4, plain + i + 4, 4);
			}
		}
		hits = replace_all (plain, size, note_guid, task_guid, sizeof note_guid);
		guids += hits;
		if (retype) {
			guint r = replace_all (plain, size, note_class, task_class, sizeof note_class);
			classes += r;
			hits += r;
		}
		if (note_rec[4] != 0) {
			guint r = replace_all (plain, size, note_rec, task_rec, sizeof note_rec);
			records += r;
			hits += r;
		}
		if (hits == 0)
			continue;
		/* The trailer follows the data, 64-byte aligned: cb, wSig, dwCRC, bid. */
		trailer = off + ((size + 16 + 63) & ~(gsize) 63) - 16;
		g_assert_cmpuint (trailer + 16, <=, flen);
		g_assert_cmpuint (file[trailer] | file[trailer + 1] << 8, ==, size);
		guint32 crc = file[trailer + 4] | file[trailer + 5] << 8 | file[trailer + 6] << 16 |
			      (guint32) file[trailer + 7] << 24;
		g_assert_cmpuint (crc, ==, crc32_pst (file + off, size));
		for (gsize j = 0; j < size; j++) {
			g_assert_cmpint (enc[plain[j]], >=, 0);
			file[off + j] = (guint8) enc[plain[j]];
		}
		crc = crc32_pst (file + off, size);
		for (int i = 0; i < 4; i++)
			file[trailer + 4 + i] = (guint8) (crc >> (8 * i));
	}
	pst_close (&pf);
	g_test_message ("patched %u GUIDs, %u NAMEID records, %u classes", guids, records, classes);
	g_assert_cmpuint (guids, >=, 1);
	g_assert_cmpuint (records, >=, 1);
	if (retype)
		g_assert_cmpuint (classes, >=, 3);
	return write_temp (fx, "task-status.pst", (const char *) file, flen);
}

/* Task properties survive: libpff reads PidLidTaskStatus from a real file
 * (made above), and the import carries it into the store. */
static void
test_task_status_from_file (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = fixture_path ("aspose-email-java/MapiNoteToPST_out.pst");
	g_autoptr (GError) error = NULL;
	Oracle oracle;

	if (path == NULL)
		return;
	g_autofree char *patched = make_task_status_file (fx, path, FALSE);
	if (patched == NULL)
		return;
	oracle_load (&oracle, path);
	g_autoptr (PststorePffFile) pff = pststore_pff_open (patched, &error);
	g_assert_no_error (error);
	GHashTableIter iter;
	gpointer key, value;
	guint checked = 0;
	g_hash_table_iter_init (&iter, oracle.colours);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		g_autoptr (PststoreItem) task = pststore_item_new ("IPM.Task");
		g_autoptr (PststoreItem) note = pststore_item_new ("IPM.StickyNote");
		g_assert_true (pststore_pff_read_extras (pff, GPOINTER_TO_UINT (key), task, NULL, &error));
		/* The note's colour value, now read as the task's status. */
		g_assert_cmpint (task->task_status, ==, GPOINTER_TO_INT (value) - 1);
		/* … and no longer as a colour. */
		g_assert_true (pststore_pff_read_extras (pff, GPOINTER_TO_UINT (key), note, NULL, &error));
		g_assert_cmpint (note->note_colour, ==, PSTSTORE_NOTE_COLOUR_UNSET);
		checked++;
	}
	g_assert_cmpuint (checked, ==, 3);
	/* libpst still reads the patched file: the import works, the notes
	 * now without colour. */
	PststoreImportSummary summary = { 0 };
	g_assert_true (import (fx, patched, NULL, &summary, &error));
	g_assert_cmpuint (summary.counts[PSTSTORE_KIND_NOTE], ==, 3);
	g_autoptr (GHashTable) items = items_by_nid (fx->store);
	g_hash_table_iter_init (&iter, items);
	while (g_hash_table_iter_next (&iter, &key, &value))
		g_assert_cmpint (((PststoreItem *) value)->note_colour, ==, PSTSTORE_NOTE_COLOUR_UNSET);
	pststore_import_summary_clear (&summary);
	oracle_clear (&oracle);
}

/* End to end: the three notes, re-typed as tasks in the file, are
 * imported as tasks whose status is what the file holds. */
static void
test_task_import_from_file (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = fixture_path ("aspose-email-java/MapiNoteToPST_out.pst");
	g_autoptr (GError) error = NULL;
	PststoreImportSummary summary = { 0 };
	GHashTableIter iter;
	gpointer key, value;
	Oracle oracle;

	if (path == NULL)
		return;
	g_autofree char *patched = make_task_status_file (fx, path, TRUE);
	if (patched == NULL)
		return;
	g_assert_true (import (fx, patched, NULL, &summary, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (summary.counts[PSTSTORE_KIND_TASK], ==, 3);
	g_assert_cmpuint (summary.counts[PSTSTORE_KIND_NOTE], ==, 0);
	oracle_load (&oracle, path);
	g_autoptr (GHashTable) items = items_by_nid (fx->store);
	g_hash_table_iter_init (&iter, oracle.colours);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		PststoreItem *it = g_hash_table_lookup (items, key);
		g_assert_nonnull (it);
		g_assert_cmpstr (it->message_class, ==, "IPM.Task.Stick");
		g_assert_cmpint (it->kind, ==, PSTSTORE_KIND_TASK);
		g_assert_cmpint (it->task_status, ==, GPOINTER_TO_INT (value) - 1);
		/* Subject and body came through libpst unchanged. */
		g_assert_cmpstr (it->subject, ==, g_hash_table_lookup (oracle.subjects, key));
		g_assert_cmpstr (it->body, ==, g_hash_table_lookup (oracle.bodies, key));
	}
	oracle_clear (&oracle);
	pststore_import_summary_clear (&summary);
}

static void
test_idempotent (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = fixture_path ("java-libpst/dist-list.pst");
	g_autoptr (GError) error = NULL;
	PststoreImportSummary first = { 0 }, second = { 0 };
	gint64 c1, c2;

	if (path == NULL)
		return;
	g_assert_true (import (fx, path, NULL, &first, &error));
	g_autoptr (GHashTable) a = items_by_nid (fx->store);
	g_autoptr (GPtrArray) fa = pststore_folder_list (fx->store, &error);
	g_assert_true (pststore_get_counter (fx->store, &c1, &error));
	g_assert_true (import (fx, path, NULL, &second, &error));
	g_assert_no_error (error);
	g_autoptr (GHashTable) b = items_by_nid (fx->store);
	g_autoptr (GPtrArray) fb = pststore_folder_list (fx->store, &error);
	g_assert_true (pststore_get_counter (fx->store, &c2, &error));

	g_assert_cmpuint (g_hash_table_size (a), >, 0);
	g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
	g_assert_cmpuint (fa->len, ==, fb->len);
	/* Same store ids, and nothing changed: partners see no edits. */
	GHashTableIter iter;
	gpointer key, value;
	g_hash_table_iter_init (&iter, a);
	while (g_hash_table_iter_next (&iter, &key, &value)) {
		PststoreItem *old = value, *new = g_hash_table_lookup (b, key);
		g_assert_nonnull (new);
		g_assert_cmpint (old->id, ==, new->id);
		g_assert_cmpint (new->change_seq, ==, old->change_seq);
	}
	g_assert_cmpint (c2, ==, c1);
	pststore_import_summary_clear (&first);
	pststore_import_summary_clear (&second);
}

/* A recurring appointment keeps its rule (dist-list.pst: weekly on Tuesdays). */
static void
test_recurring_appointment (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = fixture_path ("java-libpst/dist-list.pst");
	g_autoptr (GError) error = NULL;
	PststoreImportSummary summary = { 0 };

	if (path == NULL)
		return;
	g_assert_true (import (fx, path, NULL, &summary, &error));
	gint64 cal = pststore_folder_lookup (fx->store, "Calendar", &error);
	g_autoptr (GPtrArray) items = pststore_item_list (fx->store, cal, &error);
	g_assert_cmpuint (items->len, ==, 1);
	PststoreItem *it = items->pdata[0];
	g_assert_cmpstr (it->subject, ==, "Test appointment");
	g_assert_nonnull (it->recurrence);
	g_assert_true (g_str_has_prefix (it->recurrence, "FREQ=WEEKLY"));
	g_assert_nonnull (strstr (it->data, "BEGIN:VEVENT"));
	g_assert_nonnull (strstr (it->data, "RRULE:FREQ=WEEKLY"));
	pststore_import_summary_clear (&summary);
}

static gsize
store_items (PststoreStore *store)
{
	g_autoptr (GHashTable) all = items_by_nid (store);
	return g_hash_table_size (all);
}

/* Writes @len bytes of @data to a temporary file. */
static char *
write_temp (Fixture *fx, const char *name, const char *data, gsize len)
{
	char *path = g_build_filename (fx->dir, name, NULL);
	g_autoptr (GError) error = NULL;

	g_file_set_contents (path, data, (gssize) len, &error);
	g_assert_no_error (error);
	return path;
}

static gsize
summary_items (const PststoreImportSummary *s)
{
	gsize n = 0;

	for (int k = 0; k < PSTSTORE_N_KINDS; k++)
		n += s->counts[k];
	return n;
}

/* Truncated files: an error, or every lost item reported — never a crash,
 * never a hang, never a silent loss; a failed import changes nothing. */
static void
test_truncated (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = fixture_path ("apache-tika/testPST.pst");
	g_autofree char *contents = NULL;
	PststoreImportSummary full = { 0 };
	gsize len = 0;

	if (path == NULL)
		return;
	g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
	g_assert_true (import (fx, path, NULL, &full, NULL));
	const gsize cuts[] = { 0, 1, 511, 512, 4096, len / 8, len / 4, len / 2, len - 4096 };
	for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++) {
		g_autofree char *name = g_strdup_printf ("cut-%" G_GSIZE_FORMAT ".pst", cuts[i]);
		g_autofree char *cut = write_temp (fx, name, contents, cuts[i]);
		g_autoptr (GError) error = NULL;
		PststoreImportSummary summary = { 0 };
		gint64 before, after;

		g_assert_true (pststore_get_counter (fx->store, &before, NULL));
		gboolean ok = import (fx, cut, NULL, &summary, &error);
		g_assert_true (pststore_get_counter (fx->store, &after, NULL));
		g_test_message ("cut at %" G_GSIZE_FORMAT ": %s, %" G_GSIZE_FORMAT " items, %" G_GSIZE_FORMAT " errors",
				cuts[i], ok ? "imported" : error->message, summary_items (&summary), summary.errors);
		if (ok) {
			g_assert_true (summary.errors > 0 || summary_items (&summary) == summary_items (&full));
		} else {
			g_assert_nonnull (error);
			g_assert_cmpint (after, ==, before);
		}
		pststore_import_summary_clear (&summary);
	}
	pststore_import_summary_clear (&full);
}

static guint64
find_block (pst_desc_tree *d, guint64 nid, guint depth)
{
	g_assert_cmpuint (depth, <, 64);
	for (pst_desc_tree *c = d->child; c != NULL; c = c->next) {
		guint64 off = c->d_id == nid && c->desc ? c->desc->offset : find_block (c, nid, depth + 1);
		if (off != 0)
			return off;
	}
	return 0;
}

/* The file offset of a message's data block, found with libpst. */
static guint64
message_block_offset (const char *path, guint64 nid)
{
	pst_file pf;
	guint64 off = 0;

	memset (&pf, 0, sizeof pf);
	g_assert_cmpint (pst_open (&pf, path, NULL), ==, 0);
	g_assert_cmpint (pst_load_index (&pf), ==, 0);
	pst_item *root = pst_parse_item (&pf, pf.d_head, NULL);
	g_assert_nonnull (root);
	pst_desc_tree *top = pst_getTopOfFolders (&pf, root);
	g_assert_nonnull (top);
	off = find_block (top, nid, 0);
	pst_freeItem (root);
	pst_close (&pf);
	g_assert_cmpuint (off, >, 0);
	return off;
}

/* One message's block overwritten: the other six are imported, the
 * damaged one is reported, and the program exits non-zero. */
static void
test_damaged_item (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = fixture_path ("apache-tika/testPST.pst");
	g_autofree char *contents = NULL;
	g_autoptr (GError) error = NULL;
	PststoreImportSummary summary = { 0 };
	gsize len = 0;

	if (path == NULL)
		return;
	g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
	guint64 off = message_block_offset (path, 0x200024);
	g_assert_cmpuint (off, <, len - 16);
	for (guint i = 0; i < 16; i++)
		contents[off + i] ^= (char) 0xff;
	g_autofree char *damaged = write_temp (fx, "damaged.pst", contents, len);

	g_assert_true (import (fx, damaged, NULL, &summary, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (summary.counts[PSTSTORE_KIND_MAIL], ==, 6);
	g_assert_cmpuint (summary.errors, ==, 1);
	g_assert_nonnull (strstr (summary.messages->pdata[0], "0x200024"));
	pststore_import_summary_clear (&summary);

	/* The program says which item, prints the summary, and exits 2. */
	const char *builddir = g_getenv ("G_TEST_BUILDDIR");
	g_autofree char *prog = g_build_filename (builddir ? builddir : ".", "pst", "airdock-pst", NULL);
	g_autofree char *store = g_build_filename (fx->dir, "cli.sqlite", NULL);
	const char *argv[] = { prog, "--store", store, "import", damaged, "--json", NULL };
	g_autofree char *out = NULL, *err = NULL;
	int status = 0;
	g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
				     &error));
	g_assert_true (WIFEXITED (status));
	g_assert_cmpint (WEXITSTATUS (status), ==, 2);
	g_assert_cmpstr (out, ==, "{\"mail\":6,\"contact\":0,\"appointment\":0,\"task\":0,\"note\":0,\"other\":0,\"errors\":1}\n");
	g_assert_nonnull (strstr (err, "item 0x200024 could not be read"));
}

/* Bit flips all over a file: whatever libpst makes of them, the import
 * ends (ok, partial or a clear error) and a failure changes nothing. */
static void
test_bitflips (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = fixture_path ("java-libpst/dist-list.pst");
	g_autofree char *contents = NULL;
	g_autoptr (GRand) rand = g_rand_new_with_seed (20261126);
	gsize len = 0;
	guint failed = 0;

	if (path == NULL)
		return;
	g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
	for (guint round = 0; round < 12; round++) {
		g_autofree char *copy = g_memdup2 (contents, len);
		g_autofree char *name = g_strdup_printf ("flip-%u.pst", round);
		g_autoptr (GError) error = NULL;
		PststoreImportSummary summary = { 0 };
		gint64 before, after;

		/* Flip bits in the header and index region as well as the data. */
		for (guint f = 0; f < 64; f++) {
			gsize off = round % 2 ? g_rand_int_range (rand, 0, 4096) : g_rand_int_range (rand, 0, (gint32) len);
			copy[off] ^= (char) (1u << g_rand_int_range (rand, 0, 8));
		}
		g_autofree char *flipped = write_temp (fx, name, copy, len);
		g_assert_true (pststore_get_counter (fx->store, &before, NULL));
		if (!import (fx, flipped, NULL, &summary, &error)) {
			g_assert_nonnull (error);
			g_assert_true (pststore_get_counter (fx->store, &after, NULL));
			g_assert_cmpint (after, ==, before);
			failed++;
		}
		pststore_import_summary_clear (&summary);
	}
	g_test_message ("%u of 12 damaged files refused", failed);
}

static void
test_not_pst (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = write_temp (fx, "text.pst", "hello, this is not a PST file\n", 30);
	g_autofree char *missing = g_build_filename (fx->dir, "missing.pst", NULL);
	g_autoptr (GError) error = NULL;
	PststoreImportSummary summary = { 0 };

	g_assert_false (import (fx, path, NULL, &summary, &error));
	g_assert_error (error, PSTSTORE_IMPORT_ERROR, PSTSTORE_IMPORT_ERROR_OPEN);
	g_clear_error (&error);
	g_assert_false (import (fx, missing, NULL, &summary, &error));
	g_assert_error (error, PSTSTORE_IMPORT_ERROR, PSTSTORE_IMPORT_ERROR_OPEN);
	g_assert_cmpuint (store_items (fx->store), ==, 0);
}

/* A reader stuck forever (a FIFO nobody writes) is stopped by the limit. */
static void
test_timeout (Fixture *fx, gconstpointer data)
{
	g_autofree char *fifo = g_build_filename (fx->dir, "stuck.pst", NULL);
	g_autoptr (GError) error = NULL;
	PststoreImportOptions opts;

	g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
	pststore_import_options_init (&opts);
	opts.wall_seconds = 1;
	g_assert_false (pststore_import_file (fx->store, fifo, &opts, NULL, &error));
	g_assert_error (error, PSTSTORE_IMPORT_ERROR, PSTSTORE_IMPORT_ERROR_TIMEOUT);
}

/* A reader that crashes half-way (after sending two items) is a clear
 * error, and the items it did send are not kept: the store is untouched. */
static void
test_reader_crash (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = fixture_path ("apache-tika/testPST.pst");
	g_autoptr (GError) error = NULL;
	PststoreImportOptions opts;
	gint64 before, after;

	if (path == NULL)
		return;
	pststore_import_options_init (&opts);
	opts.fault_after_items = 2;
	g_assert_true (pststore_get_counter (fx->store, &before, NULL));
	g_assert_false (pststore_import_file (fx->store, path, &opts, NULL, &error));
	g_assert_error (error, PSTSTORE_IMPORT_ERROR, PSTSTORE_IMPORT_ERROR_CRASHED);
	g_assert_nonnull (strstr (error->message, "nothing was imported"));
	g_assert_true (pststore_get_counter (fx->store, &after, NULL));
	g_assert_cmpint (after, ==, before);
	g_assert_cmpuint (store_items (fx->store), ==, 0);
	/* The same file without the fault imports its seven messages. */
	g_clear_error (&error);
	opts.fault_after_items = 0;
	g_assert_true (pststore_import_file (fx->store, path, &opts, NULL, &error));
	g_assert_cmpuint (store_items (fx->store), ==, 7);
}

/* --folder: the PST tree goes under a store folder instead of the top. */
static void
test_target_folder (Fixture *fx, gconstpointer data)
{
	g_autofree char *path = fixture_path ("aspose-email-java/SampleContacts.pst");
	g_autoptr (GError) error = NULL;
	PststoreImportOptions opts;
	PststoreImportSummary summary = { 0 };
	gsize n = 0;

	if (path == NULL)
		return;
	pststore_import_options_init (&opts);
	opts.target_folder = pststore_folder_ensure_path (fx->store, "Archive/2016", &error);
	g_assert_true (pststore_import_file (fx->store, path, &opts, &summary, &error));
	g_assert_no_error (error);
	gint64 contacts = pststore_folder_lookup (fx->store, "Archive/2016/Contacts", &error);
	g_assert_no_error (error);
	g_assert_true (pststore_folder_count (fx->store, contacts, &n, &error));
	g_assert_cmpuint (n, ==, 6);
	/* The store's own Contacts folder stays empty. */
	g_assert_true (pststore_folder_count (fx->store, pststore_folder_lookup (fx->store, "Contacts", NULL), &n,
					      &error));
	g_assert_cmpuint (n, ==, 0);
	pststore_import_summary_clear (&summary);
}

#define ADD(name, fn, data) g_test_add (name, Fixture, data, setup, fn, teardown)

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++) {
		g_autofree char *name = g_strdup_printf ("/import/fixture/%s", fixtures[i].path);
		ADD (name, test_fixture, GUINT_TO_POINTER (i));
	}
	ADD ("/import/note-colours", test_note_colours, NULL);
	ADD ("/import/pff-extras", test_pff_extras, NULL);
	ADD ("/import/task-status-from-file", test_task_status_from_file, NULL);
	ADD ("/import/task-import-from-file", test_task_import_from_file, NULL);
	ADD ("/import/idempotent", test_idempotent, NULL);
	ADD ("/import/recurring-appointment", test_recurring_appointment, NULL);
	ADD ("/import/target-folder", test_target_folder, NULL);
	ADD ("/import/bad/truncated", test_truncated, NULL);
	ADD ("/import/bad/damaged-item", test_damaged_item, NULL);
	ADD ("/import/bad/bitflips", test_bitflips, NULL);
	ADD ("/import/bad/not-pst", test_not_pst, NULL);
	ADD ("/import/bad/timeout", test_timeout, NULL);
	ADD ("/import/bad/reader-crash", test_reader_crash, NULL);
	return g_test_run ();
}
