/* The simulated handheld's storage: user info and databases (MemoDB,
 * ToDoDB, and AddressDB/DatebookDB placeholders) with their AppInfo and
 * records, kept in a key file between runs.  Records are kept as the raw
 * bytes a handheld stores (hex in the file), so the DLP side serves them
 * exactly.
 *
 * The file is outside input: handheld_state_parse() takes limits (file
 * size, records per database, record size) and checks every value.
 * Errors: HANDHELD_STATE_ERROR, G_KEY_FILE_ERROR, G_FILE_ERROR. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HANDHELD_STATE_ERROR (handheld_state_error_quark ())
GQuark handheld_state_error_quark (void);

typedef enum {
	HANDHELD_STATE_ERROR_INVALID,   /* a value out of range or malformed */
	HANDHELD_STATE_ERROR_LIMIT,     /* above a limit */
} HandheldStateError;

/* A state file larger than this is refused (1,000s of records fit easily). */
#define HANDHELD_STATE_MAX_FILE (64 * 1024 * 1024)
/* Palm OS caps a database at 65535 records. */
#define HANDHELD_STATE_MAX_RECORDS 65535
/* A Palm record is below 64 KiB. */
#define HANDHELD_STATE_MAX_RECORD (64 * 1024)

typedef struct {
	guint32 id;
	guint8 attr;
	guint8 category;
	GBytes *data;
} HandheldRecord;

typedef struct {
	char *name;           /* "MemoDB" */
	guint32 creator;      /* 'memo' */
	GBytes *app_info;     /* NULL when none */
	GPtrArray *records;   /* HandheldRecord, in index order */
	guint next_modified;  /* ReadNextModifiedRec cursor */
} HandheldDb;

typedef struct {
	guint32 user_id;
	char *user_name;      /* UTF-8 */
	guint32 last_sync_pc;
	gint64 last_sync_time;          /* Unix seconds, 0 = never */
	gint64 successful_sync_time;
	guint32 next_id;      /* next unique id to hand out */
	GPtrArray *dbs;       /* HandheldDb */
	char *last_log;       /* the last AddSyncLogEntry text, UTF-8 */
} HandheldState;

/* A fresh handheld: user name and id given, empty MemoDB/ToDoDB with the
 * standard categories, AddressDB and DatebookDB placeholders. */
HandheldState *handheld_state_new (const char *user_name, guint32 user_id);
void handheld_state_free (HandheldState *state);

HandheldState *handheld_state_parse (const guint8 *data, gsize len, GError **error);
HandheldState *handheld_state_load (const char *path, GError **error);
gboolean handheld_state_save (const HandheldState *state, const char *path, GError **error);

HandheldDb *handheld_state_find_db (HandheldState *state, const char *name);
/* A record with a fresh unique id, appended (dirty). */
HandheldRecord *handheld_db_add (HandheldState *state, HandheldDb *db, guint8 category, GBytes *data);
/* The n-th (1-based) record that is not deleted, or NULL. */
HandheldRecord *handheld_db_nth_live (HandheldDb *db, guint n);

void handheld_record_free (HandheldRecord *rec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HandheldState, handheld_state_free)

G_END_DECLS
