/* pststore-import.h — import of Outlook .pst/.ost files into the store.
 *
 * libpst and libpff are not hardened against hostile files, so they run in
 * a child process (fork) with CPU, memory and wall-clock limits.  The child
 * (the "reader") walks the file and streams mapped folders and items to the
 * parent over a pipe (pststore-pipe.h).  The parent (the "importer")
 * validates every record and writes it to the store inside one
 * transaction, committed only when the reader finished its walk: a crash or
 * a hang in the reader leaves the store untouched.  Items the reader could
 * not read are reported (PststoreImportSummary.errors) while the rest is
 * imported.
 *
 * Idempotent: folders and items are keyed by "pst:<store uid>:<nid>" (the
 * file's PR_RECORD_KEY and the descriptor id), so importing a file again
 * updates what it imported before.  PST folders with the name of an
 * existing store folder (Inbox, Tasks, …) merge into it.
 *
 * Processes: pststore_import_file() forks.  The child uses only malloc and
 * GLib's string helpers, which is safe after fork() in a single-threaded
 * process; a multi-threaded program (the tray, a GUI) should rather run
 * `airdock-pst import --json` as a subprocess.
 *
 * Errors: PSTSTORE_IMPORT_ERROR domain (and PSTSTORE_ERROR from the store).
 */
#pragma once

#include <glib.h>

#include "pst/pststore-pipe.h"
#include "pst/pststore.h"

G_BEGIN_DECLS

#define PSTSTORE_IMPORT_ERROR (pststore_import_error_quark ())
GQuark pststore_import_error_quark (void);

typedef enum {
	PSTSTORE_IMPORT_ERROR_OPEN,	/* not a PST/OST file, or unreadable */
	PSTSTORE_IMPORT_ERROR_PASSWORD,	/* password-protected, and no or a wrong password given */
	PSTSTORE_IMPORT_ERROR_CRASHED,	/* the reader died (signal, memory limit) */
	PSTSTORE_IMPORT_ERROR_TIMEOUT,	/* the reader exceeded its time limit */
	PSTSTORE_IMPORT_ERROR_PROTOCOL,	/* the reader sent something invalid */
} PststoreImportErrorCode;

typedef void (*PststoreImportProgress) (gsize done, gsize total, gpointer user_data);

typedef struct {
	gint64 target_folder;		/* store folder to import under; 0 = top level */
	guint cpu_seconds;		/* reader's CPU limit (default 300) */
	guint wall_seconds;		/* reader's wall-clock limit (default 900) */
	guint64 memory_bytes;		/* reader's address-space limit (default 2 GiB; 0 = none) */
	const char *password;		/* the file's password, if it has one; may be NULL */
	guint fault_after_items;	/* tests only: the reader aborts after sending this
					 * many items, as a crash in libpst would (0 = never) */
	PststoreImportProgress progress;	/* may be NULL; called after each item */
	gpointer user_data;
} PststoreImportOptions;

void pststore_import_options_init (PststoreImportOptions *opts);

typedef struct {
	gsize counts[PSTSTORE_N_KINDS];	/* items imported per kind */
	gsize folders;			/* folders seen */
	gsize errors;			/* items that could not be read or stored */
	gsize total;			/* items the reader announced */
	GPtrArray *messages;		/* char *: one line per error */
} PststoreImportSummary;

void pststore_import_summary_clear (PststoreImportSummary *summary);

/* Imports @path into @store.  Returns FALSE (and leaves the store as it
 * was) when the file cannot be read at all or the reader failed; TRUE
 * otherwise, with per-item failures counted in @out_summary->errors. */
gboolean pststore_import_file (PststoreStore *store, const char *path, const PststoreImportOptions *opts,
			       PststoreImportSummary *out_summary, GError **error);

/* ---- The two halves, exposed for tests and fuzzing ----------------------- */

/* The reader: walks @path with libpst (+ libpff) and writes records to @fd.
 * A password-protected file is walked only when @password matches.
 * Returns the process exit status (0 = walk finished). */
int pststore_import_reader_run (const char *path, const char *password, int fd);

/* The parent side: consumes the reader's byte stream.  Opens a store
 * transaction when created; pststore_importer_free() rolls it back unless
 * pststore_importer_commit() ran. */
typedef struct _PststoreImporter PststoreImporter;

PststoreImporter *pststore_importer_new (PststoreStore *store, gint64 target_folder, GError **error);
void pststore_importer_set_progress (PststoreImporter *imp, PststoreImportProgress progress, gpointer user_data);
/* Feeds bytes as they arrive (any split).  FALSE on a protocol or store error. */
gboolean pststore_importer_feed (PststoreImporter *imp, const guint8 *data, gsize len, GError **error);
/* TRUE once the END record arrived (and nothing is left over). */
gboolean pststore_importer_finished (PststoreImporter *imp);
/* The summary so far (owned by the importer). */
const PststoreImportSummary *pststore_importer_summary (PststoreImporter *imp);
gboolean pststore_importer_commit (PststoreImporter *imp, GError **error);
void pststore_importer_free (PststoreImporter *imp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PststoreImporter, pststore_importer_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PststoreImportSummary, pststore_import_summary_clear)

G_END_DECLS
