/* eas-find.h — the Find command model (16.1, [MS-ASCMD] 2.2.1.2): decode a
 * mailbox or GAL search, write the paged response.
 *
 * Pure: no I/O.  Limits as Search (eas-search.h): the free text is at most
 * EAS_SEARCH_MAX_TEXT bytes and a page at most EAS_SEARCH_MAX_RANGE results.
 * We take the free text as words (no KQL property restrictions).
 *
 * Error domain: EAS_FIND_ERROR; the server answers Status 2.
 */
#pragma once

#include <glib.h>

#include "eas/eas-search.h"
#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

#define EAS_FIND_ERROR (eas_find_error_quark ())
GQuark eas_find_error_quark (void);

typedef enum {
	EAS_FIND_ERROR_INVALID,
	EAS_FIND_ERROR_LIMIT,
} EasFindErrorCode;

/* [MS-ASCMD] 2.2.3.177.2 */
typedef enum {
	EAS_FIND_STATUS_SUCCESS = 1,
	EAS_FIND_STATUS_INVALID_REQUEST = 2,
	EAS_FIND_STATUS_FOLDER_SYNC_REQUIRED = 3,
} EasFindStatus;

typedef struct {
	char *search_id;
	gboolean gal;			/* GALSearchCriterion, else MailBoxSearchCriterion */
	char *free_text;
	char *class_name;		/* airsync:Class or NULL */
	char *collection_id;		/* airsync:CollectionId or NULL */
	guint range_start;		/* clamped like Search */
	guint range_end;
	gboolean deep_traversal;
	gboolean picture;
} EasFindRequest;

void eas_find_request_free (EasFindRequest *request);
EasFindRequest *eas_find_request_decode (const EasNode *root, GError **error);

/* One mailbox hit; NULL strings are left out. */
typedef struct {
	const char *server_id;
	const char *collection_id;
	const char *subject;
	const char *from;
	const char *display_to;
	const char *display_cc;
	const char *preview;
	gint64 date_received;
	gboolean read;
	guint importance;
	gboolean has_attachments;
	gboolean is_draft;
} EasFindMailResult;

/* Find, Status 1, Response, itemoperations:Store (store_name), Status. */
void eas_find_write_begin (EasWbxmlWriter *writer, const char *store_name);
void eas_find_write_mail_result (EasWbxmlWriter *writer, const EasFindMailResult *r);
void eas_find_write_gal_result (EasWbxmlWriter *writer, const EasGalEntry *entry);
/* Range (when count > 0), Total; closes Response and Find.  No match: no
 * Result at all ([MS-ASCMD] 2.2.3.155.1). */
void eas_find_write_end (EasWbxmlWriter *writer, guint range_start, guint count, guint64 total);
GBytes *eas_find_encode_status (EasFindStatus status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasFindRequest, eas_find_request_free)

G_END_DECLS
