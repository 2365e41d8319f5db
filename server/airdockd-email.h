/* airdockd-email.h — a stored mail item as the EAS email model.
 *
 * Reads the item's fields and (only when asked) its MIME message from the
 * store, extracts plain/HTML bodies through airdockd-mime.h and fills an
 * EasEmailItem for eas_email_encode() (Sync, ItemOperations Fetch).
 * Errors: the store's error domain (item not found, I/O) or GMime's.
 */
#pragma once

#include <glib.h>

#include "eas/eas-email.h"
#include "server/airdockd-request.h"

G_BEGIN_DECLS

/* Builds the email model for the item item_id of user user_id.  needs says
 * which bodies to load (eas_email_needed_bodies()); metadata, flags and
 * attachments are always filled.  Attachment FileReferences have the form
 * "<item_id>:<index>" (see airdockd_email_parse_file_reference()).
 * Returns NULL + error when the item does not exist for this user. */
EasEmailItem *airdockd_email_load (AirdockdStore *store,
                                   gint64 user_id,
                                   gint64 item_id,
                                   EasEmailNeeds needs,
                                   GError **error);

/* Builds the model from a raw RFC 5322 message already in memory (tests,
 * bench, and callers that hold the message). */
EasEmailItem *airdockd_email_from_mime (GBytes *mime,
                                        gint64 item_id,
                                        EasEmailNeeds needs,
                                        GError **error);

/* Formats / parses an attachment FileReference "<item_id>:<index>".
 * Parsing is strict (decimal, no sign, bounded); FALSE on anything else. */
char *airdockd_email_file_reference (gint64 item_id, guint index);
gboolean airdockd_email_parse_file_reference (const char *ref,
                                              gint64 *out_item_id,
                                              guint *out_index);

G_END_DECLS
