/* eas-csv.h — a CSV parser (RFC 4180) for directory imports.
 *
 * Pure: no I/O.  Parses (data, len), no NUL assumed.  The first non-blank
 * record is the header naming the columns; every later record must have as
 * many fields.  Quoted fields may hold commas, CRLF and doubled quotes.
 * Both CRLF and bare LF end a record; blank lines are skipped; a leading
 * UTF-8 byte order mark is skipped.
 *
 * A bad record (wrong field count, a quote inside an unquoted field, text
 * after a closing quote, an unterminated quote, a field over the limit,
 * not UTF-8) is not fatal: it is skipped up to the end of its physical
 * line and reported in the table's errors with the line it started on.
 * Fatal (NULL + EAS_CSV_ERROR): input over total_bytes, no header, a bad
 * header, more than max_records records.
 *
 * Error domain: EAS_CSV_ERROR; messages name the line, never echo input.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EAS_CSV_ERROR (eas_csv_error_quark ())
GQuark eas_csv_error_quark (void);

typedef enum {
	EAS_CSV_ERROR_MALFORMED,	/* no header, or a bad header */
	EAS_CSV_ERROR_LIMIT,		/* total_bytes or records exceeded */
} EasCsvErrorCode;

/* Default limits, with their reasons. */
/* A directory export of 100,000 people at ~150 bytes a row is 15 MB. */
#define EAS_CSV_DEFAULT_TOTAL_BYTES (32u * 1024 * 1024)
/* The largest field is a base64 certificate (a few KB; 16 KB is generous). */
#define EAS_CSV_DEFAULT_FIELD_BYTES (16u * 1024)
/* Outlook's contact export has ~90 columns. */
#define EAS_CSV_DEFAULT_FIELDS 128
/* Bounds memory: records × fields × field size. */
#define EAS_CSV_DEFAULT_RECORDS 200000
/* Errors kept with their line; more are only counted (n_errors). */
#define EAS_CSV_DEFAULT_ERRORS 100

typedef struct {
	gsize total_bytes;
	gsize field_bytes;
	guint fields;
	guint records;
	guint errors;
} EasCsvLimits;

void eas_csv_limits_init_default (EasCsvLimits *limits);

typedef struct {
	guint line;		/* 1-based physical line the record starts on */
	GStrv fields;		/* as many as the header, UTF-8 */
} EasCsvRecord;

typedef struct {
	guint line;		/* 1-based line the bad record starts on */
	char *message;		/* "line 7: …" */
} EasCsvLineError;

typedef struct {
	GStrv header;		/* column names as given */
	GPtrArray *records;	/* EasCsvRecord* */
	GPtrArray *errors;	/* EasCsvLineError*, at most limits->errors */
	guint n_errors;		/* bad records in all */
} EasCsvTable;

void eas_csv_table_free (EasCsvTable *table);	/* NULL is fine */

/* limits may be NULL for the defaults. */
EasCsvTable *eas_csv_parse (const guint8 *data, gsize len,
                            const EasCsvLimits *limits, GError **error);

/* Index of the column named name (ASCII case-insensitive, surrounding
 * blanks ignored), or -1. */
int eas_csv_table_column (const EasCsvTable *table, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasCsvTable, eas_csv_table_free)

G_END_DECLS
