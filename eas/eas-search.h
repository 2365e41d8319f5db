/* eas-search.h — the Search command model ([MS-ASCMD] 2.2.1.16, 2.2.3.*):
 * decode a Search request into a typed struct, write the response.
 *
 * Pure: no I/O.  The server evaluates the query (GAL: its accounts;
 * Mailbox: its full-text index) and writes each result with the functions
 * below.  Document library searches decode but the server answers them with
 * a Store Status.
 *
 * Limits (why): a query is a tree the client builds; EAS_SEARCH_MAX_DEPTH
 * and EAS_SEARCH_MAX_NODES bound the work a query can cost, and
 * EAS_SEARCH_MAX_TEXT bounds each search string (Exchange caps a GAL query
 * string far below this).  Ranges are clamped to EAS_SEARCH_MAX_RANGE
 * results per response ([MS-ASCMD] 2.2.3.142.1: the server may return fewer
 * than asked for; 100 is Exchange's default Range 0-99 size).
 *
 * Error domain: EAS_SEARCH_ERROR.  A request that fails to decode is
 * answered with Search Status 2 (protocol error) by the server.
 */
#pragma once

#include <glib.h>

#include "eas/eas-email.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define EAS_SEARCH_ERROR (eas_search_error_quark ())
GQuark eas_search_error_quark (void);

typedef enum {
	EAS_SEARCH_ERROR_INVALID,	/* missing or malformed element */
	EAS_SEARCH_ERROR_LIMIT,		/* one of the limits below */
} EasSearchErrorCode;

#define EAS_SEARCH_MAX_DEPTH 8		/* nesting of And/Or */
#define EAS_SEARCH_MAX_NODES 64		/* query elements in all */
#define EAS_SEARCH_MAX_TEXT 256		/* bytes of one FreeText / Value / GAL query */
#define EAS_SEARCH_MAX_RANGE 100	/* results in one response */

/* [MS-ASCMD] 2.2.3.177.13 Status (Search and Store). */
typedef enum {
	EAS_SEARCH_STATUS_SUCCESS = 1,
	EAS_SEARCH_STATUS_INVALID_REQUEST = 2,
	EAS_SEARCH_STATUS_SERVER_ERROR = 3,
	EAS_SEARCH_STATUS_BAD_LINK = 4,
	EAS_SEARCH_STATUS_ACCESS_DENIED = 5,
	EAS_SEARCH_STATUS_NOT_FOUND = 6,
	EAS_SEARCH_STATUS_CONNECTION_FAILED = 7,
	EAS_SEARCH_STATUS_TOO_COMPLEX = 8,
	EAS_SEARCH_STATUS_TIMED_OUT = 10,
	EAS_SEARCH_STATUS_FOLDER_SYNC_REQUIRED = 11,
	EAS_SEARCH_STATUS_END_OF_RANGE = 12,
	EAS_SEARCH_STATUS_ACCESS_BLOCKED = 13,
	EAS_SEARCH_STATUS_CREDENTIALS_REQUIRED = 14,
} EasSearchStatus;

typedef enum {
	EAS_SEARCH_STORE_GAL,
	EAS_SEARCH_STORE_MAILBOX,
	EAS_SEARCH_STORE_DOCUMENT_LIBRARY,
} EasSearchStoreKind;

typedef enum {
	EAS_SEARCH_QUERY_AND,
	EAS_SEARCH_QUERY_OR,
	EAS_SEARCH_QUERY_FREE_TEXT,	/* text */
	EAS_SEARCH_QUERY_EQUAL_TO,	/* property, text */
	EAS_SEARCH_QUERY_GREATER_THAN,	/* property, text */
	EAS_SEARCH_QUERY_LESS_THAN,	/* property, text */
	EAS_SEARCH_QUERY_CONVERSATION_ID,	/* opaque */
	EAS_SEARCH_QUERY_CLASS,		/* text, e.g. "Email" */
	EAS_SEARCH_QUERY_COLLECTION_ID,	/* text */
} EasSearchQueryKind;

typedef struct _EasSearchQuery EasSearchQuery;
struct _EasSearchQuery {
	EasSearchQueryKind kind;
	char *text;			/* NUL-terminated UTF-8, or NULL */
	EasTag property;		/* comparisons: e.g. EAS_EMAIL_DATE_RECEIVED */
	GBytes *opaque;			/* CONVERSATION_ID */
	GPtrArray *children;		/* AND/OR: EasSearchQuery, never empty */
};

typedef struct {
	EasSearchStoreKind store;
	char *gal_query;		/* GAL: the query string */
	EasSearchQuery *query;		/* Mailbox / DocumentLibrary */
	/* Range "start-end", inclusive; already clamped so that
	 * range_end - range_start < EAS_SEARCH_MAX_RANGE. */
	guint range_start;
	guint range_end;
	gboolean deep_traversal;
	gboolean rebuild_results;
	gboolean picture;		/* GAL pictures asked for */
	guint picture_max_size;		/* Picture MaxSize in bytes; G_MAXUINT when absent */
	guint picture_max_count;	/* Picture MaxPictures; G_MAXUINT when absent */
	EasEmailEncodeOptions email;	/* BodyPreference, MIMESupport */
} EasSearchRequest;

void eas_search_query_free (EasSearchQuery *query);
void eas_search_request_free (EasSearchRequest *request);

/* Decodes a Search document (its root must be Search:Search).  version
 * sets request->email.version.  UserName and Password are accepted and
 * dropped.  NULL + EAS_SEARCH_ERROR on anything malformed or over a limit. */
EasSearchRequest *eas_search_request_decode (const EasNode *root,
                                             EasVersion version,
                                             GError **error);

/* One GAL entry ([MS-ASCMD] 2.2.3.x GAL:*); NULL fields are left out. */
typedef struct {
	const char *display_name;
	const char *email_address;
	const char *alias;
	const char *first_name;
	const char *last_name;
	const char *phone;
	const char *office;
	const char *title;
	const char *company;
	guint picture_status;	/* 0 = no Picture element; else GAL:Picture Status (below) */
	GBytes *picture;	/* the photo, written as Data when picture_status is 1 */
} EasGalEntry;

/* [MS-ASCMD] 2.2.3.177.x Picture Status: sent, none, larger than MaxSize,
 * beyond MaxPictures. */
#define EAS_GAL_PICTURE_STATUS_SUCCESS 1
#define EAS_GAL_PICTURE_STATUS_NONE 173
#define EAS_GAL_PICTURE_STATUS_TOO_LARGE 174
#define EAS_GAL_PICTURE_STATUS_LIMIT 175

/* The Picture Status for a contact with photo (NULL: none) when *io_sent
 * photos went out before; counts it in *io_sent when it is sent (1). */
guint eas_search_picture_status (const EasSearchRequest *request, GBytes *photo, guint *io_sent);

/* Writing a response: begin, zero or more results, end.  begin opens
 * Search, writes Status 1, Response, Store and its store_status; end writes
 * an empty Result when there were none, then Range (when count > 0) and
 * Total, and closes everything. */
void eas_search_write_begin (EasWbxmlWriter *writer, EasSearchStatus store_status);
void eas_search_write_gal_result (EasWbxmlWriter *writer, const EasGalEntry *entry);
/* The email item as Properties (same children as Sync's ApplicationData). */
void eas_search_write_mail_result (EasWbxmlWriter *writer,
                                   const char *long_id,
                                   const char *collection_id,
                                   const EasEmailItem *item,
                                   const EasEmailEncodeOptions *opts);
void eas_search_write_end (EasWbxmlWriter *writer,
                           guint range_start,
                           guint count,
                           guint64 total);

/* <Search><Status>status</Status></Search>: the whole request failed. */
GBytes *eas_search_encode_status (EasSearchStatus status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasSearchQuery, eas_search_query_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasSearchRequest, eas_search_request_free)

G_END_DECLS
