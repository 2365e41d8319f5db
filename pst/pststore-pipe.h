/* pststore-pipe.h — the record format between the PST reader child process
 * and the importing parent.
 *
 * The child runs libpst/libpff over an untrusted file, so the parent treats
 * everything it sends as untrusted bytes: this is a parser of outside input
 * (fuzzed by tests/fuzz/fuzz-pst-pipe.c).
 *
 * Stream: a sequence of frames, each `length u32 BE` then `length` bytes of
 * payload.  Payload: `record type u8`, then fields `tag u8, length u32 BE,
 * bytes`.  Integers are big-endian; times are i64 Unix seconds; strings are
 * UTF-8 without NUL.  A tag may appear once per record; unknown tags, types,
 * wrong sizes or values out of range are errors.
 *
 * Errors: PSTSTORE_PIPE_ERROR domain; messages give the offset, never bytes.
 */
#pragma once

#include <glib.h>

#include "pst/pststore.h"

G_BEGIN_DECLS

#define PSTSTORE_PIPE_ERROR (pststore_pipe_error_quark ())
GQuark pststore_pipe_error_quark (void);

typedef enum {
	PSTSTORE_PIPE_ERROR_TRUNCATED,	/* a frame or field ends early */
	PSTSTORE_PIPE_ERROR_MALFORMED,	/* unknown type/tag, bad size or value */
	PSTSTORE_PIPE_ERROR_LIMIT,	/* a limit below was exceeded */
} PststorePipeErrorCode;

typedef enum {
	PSTSTORE_REC_HELLO = 1,		/* store_uid, total, password */
	PSTSTORE_REC_FOLDER = 2,	/* nid, parent (0 = top), name, container class */
	PSTSTORE_REC_ITEM = 3,		/* nid, parent (its folder), item */
	PSTSTORE_REC_ERROR = 4,		/* nid (may be 0), message */
	PSTSTORE_REC_END = 5,		/* the reader finished its walk */
} PststoreRecType;

/* Limits; the defaults are set by pststore_pipe_limits_init_default(). */
typedef struct {
	gsize frame_bytes;	/* largest payload (32 MiB: the biggest body we keep) */
	gsize string_bytes;	/* largest string field (same) */
	gsize name_bytes;	/* folder names, classes, uids (1 KiB) */
	guint fields;		/* fields per record (64: an item has ~25) */
	guint categories;	/* categories per item (256) */
} PststorePipeLimits;

void pststore_pipe_limits_init_default (PststorePipeLimits *limits);

typedef struct {
	PststoreRecType type;
	guint64 nid;		/* PST descriptor id of the folder or item */
	guint64 parent;		/* PST descriptor id of the parent folder; 0 = top */
	guint64 total;		/* HELLO: messages the reader expects to send */
	gboolean password;	/* HELLO: the file is password-protected */
	char *store_uid;	/* HELLO: the file's identity (hex) */
	char *name;		/* FOLDER: display name */
	char *container_class;	/* FOLDER */
	char *message;		/* ERROR */
	PststoreItem *item;	/* ITEM: folder_id/id/change_seq are 0 */
} PststorePipeRecord;

PststorePipeRecord *pststore_pipe_record_new (PststoreRecType type);
void pststore_pipe_record_free (PststorePipeRecord *rec);

/* Appends one whole frame (length prefix included) for @rec to @out. */
void pststore_pipe_encode (const PststorePipeRecord *rec, GByteArray *out);

/* Decodes one payload (without its length prefix). */
PststorePipeRecord *pststore_pipe_decode (const guint8 *data, gsize len, const PststorePipeLimits *limits,
					  GError **error);

/* Reads the 4-byte length prefix and checks it against the limits. */
gboolean pststore_pipe_frame_length (const guint8 header[4], const PststorePipeLimits *limits, gsize *out_len,
				     GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PststorePipeRecord, pststore_pipe_record_free)

G_END_DECLS
