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
#include "server/airdockd-store.h"

G_BEGIN_DECLS

/* Builds the email model for the item server_id of user user_id, with the
 * bodies that opts asks for (eas_email_needed_bodies(); text bodies are read
 * only as far as eas_email_body_read_limit() says).  Metadata, flags,
 * preview and attachments are always filled.  Attachment FileReferences
 * have the form "<item server id>:<index>" (see
 * airdockd_email_parse_file_reference()).  opts NULL = metadata only.
 * Returns NULL + AIRDOCKD_STORE_ERROR_NOT_FOUND when the item does not
 * exist for this user. */
EasEmailItem *airdockd_email_load (AirdockdStore *store,
                                   gint64 user_id,
                                   const char *server_id,
                                   const EasEmailEncodeOptions *opts,
                                   GError **error);

/* Same from an item already read from the store (no second lookup). */
EasEmailItem *airdockd_email_from_item (AirdockdStore *store,
                                        const AirdockdItem *item,
                                        const EasEmailEncodeOptions *opts,
                                        GError **error);

/* Formats / parses an attachment FileReference "<item server id>:<index>"
 * (the item server id itself contains ':'; the index follows the last one).
 * Parsing is strict (decimal index, bounded lengths); FALSE otherwise. */
char *airdockd_email_file_reference (const char *item_server_id, guint index);
gboolean airdockd_email_parse_file_reference (const char *ref,
                                              char **out_item_server_id,
                                              guint *out_index);

G_END_DECLS
