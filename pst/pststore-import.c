/* pststore-import.c — .pst import through a sandboxed reader process.
 * See pststore-import.h. */
#include "config.h"

#include "pst/pststore-import.h"
#include "pst/pststore-libpff.h"
#include "pst/pststore-map.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <libpst/libpst.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* [MS-PST] 2.2.2.1: the low 5 bits of a node id give its type. */
#define NID_TYPE(nid) ((nid) & 0x1f)
#define NID_TYPE_NORMAL_FOLDER 0x02
#define NID_TYPE_NORMAL_MESSAGE 0x04

/* Limits on the walk, against loops and absurd trees in damaged files. */
#define READER_MAX_DEPTH 64		/* Outlook nests far less deeply */
#define READER_MAX_NODES 5000000	/* ~10× the largest stores seen */
/* The parent's own limits on what the reader may announce. */
#define IMPORTER_MAX_FOLDERS 100000

/* Reader exit statuses. */
#define READER_EXIT_OK 0
#define READER_EXIT_OPEN 3
#define READER_EXIT_PIPE 4

G_DEFINE_QUARK (pststore-import-error-quark, pststore_import_error)

void
pststore_import_options_init (PststoreImportOptions *opts)
{
	memset (opts, 0, sizeof *opts);
	opts->cpu_seconds = 300;
	opts->wall_seconds = 900;
	opts->memory_bytes = G_GUINT64_CONSTANT (2) << 30;
}

void
pststore_import_summary_clear (PststoreImportSummary *s)
{
	g_clear_pointer (&s->messages, g_ptr_array_unref);
	memset (s, 0, sizeof *s);
}

/* ---- Reader (child process) ------------------------------------------------ */

/* Set in the reader process only (PststoreImportOptions.fault_after_items). */
static guint reader_fault_after;

typedef struct {
	pst_file pf;
	const char *password;		/* offered by the user, or NULL */
	PststorePffFile *pff;		/* NULL when libpff cannot read the file */
	int fd;
	char *uid;			/* store uid, hex */
	gsize nodes;
	guint items_sent;
	PststorePipeLimits limits;
} Reader;

static gboolean
write_all (int fd, const guint8 *p, gsize len)
{
	while (len > 0) {
		ssize_t n = write (fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		p += n;
		len -= (gsize) n;
	}
	return TRUE;
}

static void
reader_send (Reader *r, const PststorePipeRecord *rec)
{
	g_autoptr (GByteArray) buf = g_byte_array_new ();

	pststore_pipe_encode (rec, buf);
	if (buf->len - 4 > r->limits.frame_bytes && rec->type == PSTSTORE_REC_ITEM) {
		g_autoptr (PststorePipeRecord) err = pststore_pipe_record_new (PSTSTORE_REC_ERROR);
		err->nid = rec->nid;
		err->message = g_strdup_printf ("item 0x%" G_GINT64_MODIFIER "x is larger than %" G_GSIZE_FORMAT
						" bytes", rec->nid, r->limits.frame_bytes);
		reader_send (r, err);
		return;
	}
	if (!write_all (r->fd, buf->data, buf->len))
		_exit (READER_EXIT_PIPE);
}

static void
reader_error (Reader *r, guint64 nid, const char *message)
{
	g_autoptr (PststorePipeRecord) rec = pststore_pipe_record_new (PSTSTORE_REC_ERROR);

	rec->nid = nid;
	rec->message = g_strdup (message);
	reader_send (r, rec);
}

/* Messages below @d (folders' contents, recursively), for progress. */
static gsize
reader_count (pst_desc_tree *d, guint depth, gsize *budget)
{
	gsize n = 0;

	if (depth > READER_MAX_DEPTH)
		return 0;
	for (pst_desc_tree *c = d->child; c != NULL && *budget > 0; c = c->next) {
		(*budget)--;
		if (NID_TYPE (c->d_id) == NID_TYPE_NORMAL_MESSAGE)
			n++;
		else if (NID_TYPE (c->d_id) == NID_TYPE_NORMAL_FOLDER)
			n += reader_count (c, depth + 1, budget);
	}
	return n;
}

static void
reader_item_extras (Reader *r, guint64 nid, PststoreItem *it)
{
	g_autoptr (GBytes) rec = NULL;

	if (r->pff == NULL)
		return;
	if (!pststore_pff_read_extras (r->pff, (guint32) nid, it, &rec, NULL))
		return;
	if (rec != NULL && it->recurrence == NULL) {
		gsize len = 0;
		const guint8 *data = g_bytes_get_data (rec, &len);
		it->recurrence = pststore_map_rrule_blob (data, len, pststore_map_recurrence_end (data, len));
	}
}

static void
reader_message (Reader *r, pst_desc_tree *d, guint64 parent)
{
	g_autoptr (PststorePipeRecord) rec = NULL;
	g_autofree char *uid = NULL;
	pst_item *item = pst_parse_item (&r->pf, d, NULL);

	if (item == NULL) {
		g_autofree char *msg = g_strdup_printf ("item 0x%" G_GINT64_MODIFIER "x could not be read", d->d_id);
		reader_error (r, d->d_id, msg);
		return;
	}
	if (item->folder != NULL || item->message_store != NULL) {
		pst_freeItem (item);
		return;
	}
	rec = pststore_pipe_record_new (PSTSTORE_REC_ITEM);
	rec->nid = d->d_id;
	rec->parent = parent;
	uid = g_strdup_printf ("pst:%s:%" G_GINT64_MODIFIER "x", r->uid, d->d_id);
	rec->item = pststore_map_item (item, uid);
	pst_freeItem (item);
	reader_item_extras (r, d->d_id, rec->item);
	reader_send (r, rec);
	if (++r->items_sent == reader_fault_after)
		abort ();
}

static void reader_walk (Reader *r, pst_desc_tree *d, guint64 parent, guint depth);

static void
reader_folder (Reader *r, pst_desc_tree *d, guint64 parent, guint depth)
{
	g_autoptr (PststorePipeRecord) rec = NULL;
	pst_item *item = pst_parse_item (&r->pf, d, NULL);

	/* libpst only fills item->folder when the folder has counts; the
	 * node type is what makes it a folder. */
	if (item == NULL) {
		g_autofree char *msg = g_strdup_printf ("folder 0x%" G_GINT64_MODIFIER "x could not be read", d->d_id);
		reader_error (r, d->d_id, msg);
		return;
	}
	rec = pststore_pipe_record_new (PSTSTORE_REC_FOLDER);
	rec->nid = d->d_id;
	rec->parent = parent;
	pst_convert_utf8 (item, &item->file_as);
	rec->name = item->file_as.str ? g_utf8_make_valid (item->file_as.str, -1) : g_strdup ("");
	if (item->ascii_type != NULL)
		rec->container_class = g_utf8_make_valid (item->ascii_type, -1);
	pst_freeItem (item);
	reader_send (r, rec);
	reader_walk (r, d, d->d_id, depth + 1);
}

static void
reader_walk (Reader *r, pst_desc_tree *d, guint64 parent, guint depth)
{
	if (depth > READER_MAX_DEPTH) {
		reader_error (r, d->d_id, "folders nested too deeply; the rest of this branch is skipped");
		return;
	}
	for (pst_desc_tree *c = d->child; c != NULL; c = c->next) {
		if (++r->nodes > READER_MAX_NODES) {
			reader_error (r, c->d_id, "too many entries; the rest of the file is skipped");
			return;
		}
		if (NID_TYPE (c->d_id) == NID_TYPE_NORMAL_FOLDER)
			reader_folder (r, c, parent, depth);
		else if (NID_TYPE (c->d_id) == NID_TYPE_NORMAL_MESSAGE)
			reader_message (r, c, parent);
	}
}

/* [MS-PST] 5.3: the CRC-32 of PidTagPstPassword (reflected polynomial
 * 0xEDB88320, initial value 0, no final inversion). */
static guint32
pst_crc32 (const guint8 *data, gsize len)
{
	guint32 crc = 0;

	for (gsize i = 0; i < len; i++) {
		crc ^= data[i];
		for (int b = 0; b < 8; b++)
			crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
	}
	return crc;
}

/* [MS-PST] 2.2.2.6: wMagicClient at offset 8 is "SO" in an OST, which has
 * no password of its own (its PidTagPstPassword is meaningless). */
static gboolean
file_is_ost (const char *path)
{
	guint8 header[10] = { 0 };
	FILE *f = fopen (path, "rb");
	gboolean ost;

	if (f == NULL)
		return FALSE;
	ost = fread (header, 1, sizeof header, f) == sizeof header && header[8] == 'S' && header[9] == 'O';
	fclose (f);
	return ost;
}

static gboolean
reader_locked (Reader *r, const pst_item *root, const char *path)
{
	guint32 crc = (guint32) root->message_store->pwd_chksum;

	if (crc == 0 || file_is_ost (path))
		return FALSE;
	return r->password == NULL || pst_crc32 ((const guint8 *) r->password, strlen (r->password)) != crc;
}

static char *
reader_store_uid (const pst_item *root, const char *path)
{
	g_autofree char *abs = NULL;

	if (root->record_key.data != NULL && root->record_key.size >= 16 && root->record_key.size <= 64) {
		GString *s = g_string_new (NULL);
		for (gsize i = 0; i < root->record_key.size; i++)
			g_string_append_printf (s, "%02x", (guint8) root->record_key.data[i]);
		return g_string_free (s, FALSE);
	}
	/* No store record key: fall back to the file's location. */
	abs = g_canonicalize_filename (path, NULL);
	return g_compute_checksum_for_string (G_CHECKSUM_SHA256, abs, -1);
}

/* Opens the file; on success the HELLO is sent and *out_top is the top of
 * the folder tree (NULL for a password-protected file). */
static gboolean
reader_open (Reader *r, const char *path, pst_desc_tree **out_top)
{
	g_autoptr (PststorePipeRecord) hello = pststore_pipe_record_new (PSTSTORE_REC_HELLO);
	pst_item *root;
	pst_desc_tree *top;
	gsize budget = READER_MAX_NODES;

	if (pst_open (&r->pf, path, "windows-1252") != 0) {
		reader_error (r, 0, "not a PST or OST file, or it cannot be opened");
		return FALSE;
	}
	if (pst_load_index (&r->pf) != 0 || r->pf.d_head == NULL) {
		reader_error (r, 0, "the file's index cannot be read");
		return FALSE;
	}
	pst_load_extended_attributes (&r->pf);
	root = pst_parse_item (&r->pf, r->pf.d_head, NULL);
	if (root == NULL || root->message_store == NULL) {
		reader_error (r, 0, "the file has no message store record");
		if (root != NULL)
			pst_freeItem (root);
		return FALSE;
	}
	r->uid = reader_store_uid (root, path);
	hello->store_uid = g_strdup (r->uid);
	hello->password = reader_locked (r, root, path);
	top = hello->password ? NULL : pst_getTopOfFolders (&r->pf, root);
	pst_freeItem (root);
	if (!hello->password && top == NULL) {
		reader_error (r, 0, "the file has no folder tree");
		return FALSE;
	}
	hello->total = top ? reader_count (top, 0, &budget) : 0;
	reader_send (r, hello);
	*out_top = top;
	return TRUE;
}

int
pststore_import_reader_run (const char *path, const char *password, int fd)
{
	Reader r = { .fd = fd, .password = password };
	g_autoptr (PststorePipeRecord) end = pststore_pipe_record_new (PSTSTORE_REC_END);
	pst_desc_tree *top = NULL;

	pststore_pipe_limits_init_default (&r.limits);
	if (!reader_open (&r, path, &top))
		return READER_EXIT_OPEN;
	if (top != NULL) {
		r.pff = pststore_pff_open (path, NULL);
		reader_walk (&r, top, 0, 0);
		pststore_pff_close (r.pff);
	}
	reader_send (&r, end);
	pst_close (&r.pf);
	g_free (r.uid);
	return READER_EXIT_OK;
}

/* ---- Importer (parent) ------------------------------------------------------- */

struct _PststoreImporter {
	PststoreStore *store;
	gint64 target;
	gboolean in_tx;
	gboolean hello;
	gboolean finished;
	gboolean password_given;
	char *uid;
	GHashTable *folders;		/* guint64 nid → gint64 store folder id */
	GByteArray *buf;
	PststorePipeLimits limits;
	PststoreImportSummary summary;
	gsize done;
	PststoreImportProgress progress;
	gpointer user_data;
};

PststoreImporter *
pststore_importer_new (PststoreStore *store, gint64 target_folder, GError **error)
{
	g_autoptr (PststoreImporter) imp = g_new0 (PststoreImporter, 1);

	imp->store = store;
	imp->target = target_folder;
	imp->folders = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
	imp->buf = g_byte_array_new ();
	imp->summary.messages = g_ptr_array_new_with_free_func (g_free);
	pststore_pipe_limits_init_default (&imp->limits);
	if (!pststore_begin (store, error))
		return NULL;
	imp->in_tx = TRUE;
	return g_steal_pointer (&imp);
}

void
pststore_importer_set_progress (PststoreImporter *imp, PststoreImportProgress progress, gpointer user_data)
{
	imp->progress = progress;
	imp->user_data = user_data;
}

void
pststore_importer_free (PststoreImporter *imp)
{
	if (imp == NULL)
		return;
	if (imp->in_tx)
		pststore_rollback (imp->store);
	g_hash_table_destroy (imp->folders);
	g_byte_array_unref (imp->buf);
	pststore_import_summary_clear (&imp->summary);
	g_free (imp->uid);
	g_free (imp);
}

gboolean
pststore_importer_finished (PststoreImporter *imp)
{
	return imp->finished && imp->buf->len == 0;
}

const PststoreImportSummary *
pststore_importer_summary (PststoreImporter *imp)
{
	return &imp->summary;
}

gboolean
pststore_importer_commit (PststoreImporter *imp, GError **error)
{
	g_return_val_if_fail (imp->in_tx, FALSE);
	imp->in_tx = FALSE;
	return pststore_commit (imp->store, error);
}

static gboolean
protocol_error (GError **error, const char *what)
{
	g_set_error (error, PSTSTORE_IMPORT_ERROR, PSTSTORE_IMPORT_ERROR_PROTOCOL, "PST reader: %s", what);
	return FALSE;
}

static void
note_error (PststoreImporter *imp, const char *message)
{
	imp->summary.errors++;
	/* Keep the first few hundred lines; the count says the rest. */
	if (imp->summary.messages->len < 500)
		g_ptr_array_add (imp->summary.messages, g_strdup (message));
}

static void
tick (PststoreImporter *imp)
{
	imp->done++;
	if (imp->progress != NULL)
		imp->progress (imp->done, MAX (imp->done, imp->summary.total), imp->user_data);
}

/* A PST folder name made acceptable as a store folder name. */
static char *
clean_name (const char *name)
{
	g_autoptr (GString) s = g_string_new (NULL);

	for (const char *p = name; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);
		if (c == '/' || c < 0x20 || c == 0x7f)
			c = '_';
		if (s->len + 6 > 255)
			break;
		g_string_append_unichar (s, c);
	}
	if (s->len == 0)
		g_string_assign (s, "(unnamed)");
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static gboolean
store_folder_for (PststoreImporter *imp, guint64 nid, gint64 *out_id, GError **error)
{
	gint64 *id;

	if (nid == 0) {
		/* Items at the top of the PST tree: into the target, or a folder
		 * of their own when importing at the top level. */
		if (imp->target != 0) {
			*out_id = imp->target;
			return TRUE;
		}
		*out_id = pststore_folder_ensure_path (imp->store, "Imported", error);
		return *out_id != 0;
	}
	id = g_hash_table_lookup (imp->folders, &nid);
	if (id == NULL)
		return protocol_error (error, "record refers to a folder it did not announce");
	*out_id = *id;
	return TRUE;
}

static gboolean
apply_folder (PststoreImporter *imp, PststorePipeRecord *rec, GError **error)
{
	g_autofree char *source = g_strdup_printf ("pst:%s:%" G_GINT64_MODIFIER "x", imp->uid, rec->nid);
	g_autofree char *name = clean_name (rec->name);
	gint64 parent = imp->target, id;

	if (g_hash_table_contains (imp->folders, &rec->nid))
		return protocol_error (error, "folder announced twice");
	if (g_hash_table_size (imp->folders) >= IMPORTER_MAX_FOLDERS)
		return protocol_error (error, "too many folders");
	if (rec->parent != 0 && !store_folder_for (imp, rec->parent, &parent, error))
		return FALSE;
	id = pststore_folder_find_by_source (imp->store, source, error);
	if (id == 0)
		id = pststore_folder_find_child (imp->store, parent, name, error);
	if (id == 0)
		id = pststore_folder_create (imp->store, parent, name, rec->container_class, source, error);
	if (id == 0)
		return FALSE;
	g_hash_table_insert (imp->folders, g_memdup2 (&rec->nid, sizeof rec->nid), g_memdup2 (&id, sizeof id));
	imp->summary.folders++;
	return TRUE;
}

static gboolean
apply_item (PststoreImporter *imp, PststorePipeRecord *rec, GError **error)
{
	PststoreItem *it = rec->item;
	g_autoptr (GError) local = NULL;

	if (!store_folder_for (imp, rec->parent, &it->folder_id, error))
		return FALSE;
	it->id = 0;
	g_free (it->source_id);
	it->source_id = g_strdup_printf ("pst:%s:%" G_GINT64_MODIFIER "x", imp->uid, rec->nid);
	if (pststore_item_save (imp->store, it, NULL, &local)) {
		imp->summary.counts[it->kind]++;
	} else if (g_error_matches (local, PSTSTORE_ERROR, PSTSTORE_ERROR_INVALID)) {
		g_autofree char *msg = g_strdup_printf ("item 0x%" G_GINT64_MODIFIER "x: %s", rec->nid, local->message);
		note_error (imp, msg);
	} else {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	tick (imp);
	return TRUE;
}

static gboolean
apply_record (PststoreImporter *imp, PststorePipeRecord *rec, GError **error)
{
	if (imp->finished)
		return protocol_error (error, "data after the end record");
	if (rec->type == PSTSTORE_REC_ERROR) {
		note_error (imp, rec->message);
		if (imp->hello)
			tick (imp);
		return TRUE;
	}
	if (rec->type == PSTSTORE_REC_HELLO) {
		if (imp->hello)
			return protocol_error (error, "second hello");
		imp->hello = TRUE;
		imp->uid = g_strdup (rec->store_uid);
		imp->summary.total = rec->total;
		if (rec->password && imp->password_given) {
			g_set_error (error, PSTSTORE_IMPORT_ERROR, PSTSTORE_IMPORT_ERROR_PASSWORD,
				     "wrong password for this password-protected file");
			return FALSE;
		}
		if (rec->password) {
			g_set_error (error, PSTSTORE_IMPORT_ERROR, PSTSTORE_IMPORT_ERROR_PASSWORD,
				     "the file is password-protected: give its password with --password, or "
				     "remove the password in Outlook (Data File Settings › Change Password)");
			return FALSE;
		}
		return TRUE;
	}
	if (rec->type == PSTSTORE_REC_END) {
		imp->finished = TRUE;
		return TRUE;
	}
	if (!imp->hello)
		return protocol_error (error, "record before hello");
	if (rec->type == PSTSTORE_REC_FOLDER)
		return apply_folder (imp, rec, error);
	return apply_item (imp, rec, error);
}

gboolean
pststore_importer_feed (PststoreImporter *imp, const guint8 *data, gsize len, GError **error)
{
	gsize off = 0;

	g_byte_array_append (imp->buf, data, (guint) len);
	for (;;) {
		g_autoptr (PststorePipeRecord) rec = NULL;
		gsize avail = imp->buf->len - off, flen;

		if (avail < 4)
			break;
		if (!pststore_pipe_frame_length (imp->buf->data + off, &imp->limits, &flen, error))
			return FALSE;
		if (flen > avail - 4)
			break;
		rec = pststore_pipe_decode (imp->buf->data + off + 4, flen, &imp->limits, error);
		if (rec == NULL || !apply_record (imp, rec, error))
			return FALSE;
		off += 4 + flen;
	}
	g_byte_array_remove_range (imp->buf, 0, (guint) off);
	return TRUE;
}

/* ---- Driver: fork the reader, feed its output to the importer ------------------- */

static void
reader_child (const char *path, int fd, const PststoreImportOptions *opts)
{
	int devnull = open ("/dev/null", O_RDWR);
	struct rlimit cpu = { opts->cpu_seconds, opts->cpu_seconds + 1 };

	/* libpst prints diagnostics; keep the terminal for the parent. */
	if (devnull >= 0) {
		dup2 (devnull, STDIN_FILENO);
		dup2 (devnull, STDOUT_FILENO);
		dup2 (devnull, STDERR_FILENO);
	}
	setrlimit (RLIMIT_CPU, &cpu);
#if !defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer reserves terabytes of address space up front, so
	 * an RLIMIT_AS would kill every sanitizer build at once. */
	if (opts->memory_bytes > 0) {
		struct rlimit as = { opts->memory_bytes, opts->memory_bytes };
		setrlimit (RLIMIT_AS, &as);
	}
#endif
	signal (SIGPIPE, SIG_DFL);
	alarm (opts->wall_seconds);
	reader_fault_after = opts->fault_after_items;
	_exit (pststore_import_reader_run (path, opts->password, fd));
}

static gboolean
reader_status_ok (int status, GError **error)
{
	if (WIFSIGNALED (status)) {
		int sig = WTERMSIG (status);
		g_set_error (error, PSTSTORE_IMPORT_ERROR,
			     sig == SIGXCPU || sig == SIGALRM ? PSTSTORE_IMPORT_ERROR_TIMEOUT : PSTSTORE_IMPORT_ERROR_CRASHED,
			     "the PST reader stopped (%s): the file is damaged or too large; nothing was imported",
			     g_strsignal (sig));
		return FALSE;
	}
	if (WIFEXITED (status) && WEXITSTATUS (status) == READER_EXIT_OK)
		return TRUE;
	g_set_error (error, PSTSTORE_IMPORT_ERROR, PSTSTORE_IMPORT_ERROR_CRASHED,
		     "the PST reader failed (exit status %d); nothing was imported",
		     WIFEXITED (status) ? WEXITSTATUS (status) : -1);
	return FALSE;
}

/* Reads the reader's output until EOF or the deadline. */
static gboolean
pump (int fd, PststoreImporter *imp, gint64 deadline, GError **error)
{
	guint8 chunk[65536];

	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
		ssize_t n;
		int rc;

		if (left <= 0) {
			g_set_error (error, PSTSTORE_IMPORT_ERROR, PSTSTORE_IMPORT_ERROR_TIMEOUT,
				     "the PST reader took too long; nothing was imported");
			return FALSE;
		}
		rc = poll (&pfd, 1, (int) MIN (left, 1000));
		if (rc < 0 && errno != EINTR)
			return protocol_error (error, g_strerror (errno));
		if (rc <= 0)
			continue;
		n = read (fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return protocol_error (error, g_strerror (errno));
		if (n == 0)
			return TRUE;
		if (!pststore_importer_feed (imp, chunk, (gsize) n, error))
			return FALSE;
	}
}

static gboolean
finish (PststoreImporter *imp, const char *path, GError **error)
{
	const PststoreImportSummary *s = &imp->summary;

	if (!imp->hello) {
		g_set_error (error, PSTSTORE_IMPORT_ERROR, PSTSTORE_IMPORT_ERROR_OPEN, "%s: %s", path,
			     s->messages->len > 0 ? (const char *) s->messages->pdata[0] : "cannot be read");
		return FALSE;
	}
	if (!pststore_importer_finished (imp))
		return protocol_error (error, "output ended early");
	return pststore_importer_commit (imp, error);
}

gboolean
pststore_import_file (PststoreStore *store, const char *path, const PststoreImportOptions *opts,
		      PststoreImportSummary *out_summary, GError **error)
{
	PststoreImportOptions defaults;
	g_autoptr (PststoreImporter) imp = NULL;
	int fds[2], status = 0;
	gboolean ok;
	pid_t pid;

	if (opts == NULL) {
		pststore_import_options_init (&defaults);
		opts = &defaults;
	}
	imp = pststore_importer_new (store, opts->target_folder, error);
	if (imp == NULL)
		return FALSE;
	pststore_importer_set_progress (imp, opts->progress, opts->user_data);
	imp->password_given = opts->password != NULL;
	if (!g_unix_open_pipe (fds, FD_CLOEXEC, error))
		return FALSE;
	pid = fork ();
	if (pid < 0) {
		close (fds[0]);
		close (fds[1]);
		return protocol_error (error, g_strerror (errno));
	}
	if (pid == 0) {
		close (fds[0]);
		reader_child (path, fds[1], opts);
	}
	close (fds[1]);
	ok = pump (fds[0], imp, g_get_monotonic_time () + (gint64) opts->wall_seconds * G_USEC_PER_SEC, error);
	close (fds[0]);
	if (!ok)
		kill (pid, SIGKILL);
	while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!ok)
		return FALSE;
	/* A killed reader is reported as such, whatever it sent before. */
	if (WIFSIGNALED (status))
		return reader_status_ok (status, error);
	/* A reader that could not open the file exits non-zero after saying why. */
	if (!imp->hello)
		return finish (imp, path, error);
	if (!reader_status_ok (status, error) || !finish (imp, path, error))
		return FALSE;
	if (out_summary != NULL) {
		*out_summary = imp->summary;
		memset (&imp->summary, 0, sizeof imp->summary);
	}
	return TRUE;
}
