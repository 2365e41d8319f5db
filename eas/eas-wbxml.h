/* eas-wbxml.h — the EAS WBXML codec: tokens, limits, streaming decoder,
 * streaming writer, and a small typed tree for small requests.
 *
 * Pure: no I/O.  All lengths are gsize; no input is assumed NUL-terminated.
 * Errors: EAS_WBXML_ERROR domain, messages name the byte offset (never echo
 * input bytes).  See [MS-ASWBXML] and WBXML 1.3 (WAP-192).
 */
#pragma once

#include <glib.h>

#include "eas/eas-codepages.h"

G_BEGIN_DECLS

#define EAS_WBXML_ERROR (eas_wbxml_error_quark ())
GQuark eas_wbxml_error_quark (void);

typedef enum {
	EAS_WBXML_ERROR_TRUNCATED,	/* input ended inside a token or document */
	EAS_WBXML_ERROR_MALFORMED,	/* bad header, token, mb_u_int32, stray END … */
	EAS_WBXML_ERROR_UNKNOWN_TAG,	/* page/token pair not in the tables */
	EAS_WBXML_ERROR_LIMIT,		/* a configured limit was exceeded */
	EAS_WBXML_ERROR_ENCODING,	/* text not UTF-8, charset not UTF-8, bad entity */
	EAS_WBXML_ERROR_USAGE,		/* writer unbalanced at finish; decoder used after FAILED */
} EasWbxmlErrorCode;

/* Limits on untrusted documents; defaults (and their reasons) are in
 * eas/eas-limits.h.  0 is never "unlimited". */
typedef struct {
	guint depth;		/* maximum element nesting */
	gsize elements;		/* maximum elements per document */
	gsize string_bytes;	/* maximum bytes of one STR_I text (and string table) */
	gsize opaque_bytes;	/* maximum bytes of one OPAQUE */
	gsize document_bytes;	/* maximum total input bytes */
} EasWbxmlLimits;

void eas_wbxml_limits_init_default (EasWbxmlLimits *limits);

/* ---- Streaming decoder ------------------------------------------------ */

typedef enum {
	EAS_WBXML_EVENT_START,		/* element opens; ev->tag, ev->has_content */
	EAS_WBXML_EVENT_END,		/* element closes (also sent for empty elements) */
	EAS_WBXML_EVENT_TEXT,		/* whole STR_I/STR_T text, UTF-8, not NUL-terminated */
	EAS_WBXML_EVENT_OPAQUE,		/* one chunk of an OPAQUE; may be delivered in pieces */
} EasWbxmlEventType;

typedef struct {
	EasWbxmlEventType type;
	EasTag tag;		/* START/END: the element; TEXT/OPAQUE: the enclosing element */
	gboolean has_content;	/* START only */
	guint depth;		/* nesting depth of the element (root = 1) */
	const guint8 *data;	/* TEXT/OPAQUE bytes; valid until the next call */
	gsize len;
	guint64 opaque_offset;	/* OPAQUE: offset of this chunk within the value */
	guint64 opaque_total;	/* OPAQUE: total length announced by the token */
	gsize input_offset;	/* byte offset of the token in the document */
} EasWbxmlEvent;

typedef enum {
	EAS_WBXML_NEED_MORE,	/* feed more bytes (or call _finish if input ended) */
	EAS_WBXML_GOT_EVENT,	/* *out_event is filled */
	EAS_WBXML_DONE,		/* root element closed; trailing bytes are an error */
	EAS_WBXML_FAILED,	/* *error set; the decoder is unusable */
} EasWbxmlStatus;

typedef struct _EasWbxmlDecoder EasWbxmlDecoder;

/* limits may be NULL for the defaults; they are copied. */
EasWbxmlDecoder *eas_wbxml_decoder_new (const EasWbxmlLimits *limits);
void eas_wbxml_decoder_free (EasWbxmlDecoder *decoder);

/* Appends bytes (copied only as far as needed to resume across boundaries:
 * memory stays bounded by the limits, not by the input size; an OPAQUE is
 * handed out in chunks as its bytes arrive).  The decoder reads `data` in
 * place: keep it valid until eas_wbxml_decoder_next() has returned
 * NEED_MORE (or DONE/FAILED); by then what is still needed was copied, so the
 * buffer may be reused for the next read.  Feeding again before that copies
 * the unread rest (correct, only slower). */
void eas_wbxml_decoder_feed (EasWbxmlDecoder *decoder, const guint8 *data, gsize len);

/* Pulls the next event.  Call until NEED_MORE, then feed more. */
EasWbxmlStatus eas_wbxml_decoder_next (EasWbxmlDecoder *decoder,
                                       EasWbxmlEvent *out_event,
                                       GError **error);

/* Declares the end of input: FALSE with TRUNCATED if the document is not complete. */
gboolean eas_wbxml_decoder_finish (EasWbxmlDecoder *decoder, GError **error);

/* ---- Streaming writer ------------------------------------------------- */

/* Emits the canonical header 03 01 6A 00, SWITCH_PAGE only when the page
 * changes, STR_I for text, OPAQUE for binary; no string table, no attributes.
 * Output accumulates until taken, so a caller can drain it to a socket while
 * streaming a large OPAQUE body: memory stays flat. */
typedef struct _EasWbxmlWriter EasWbxmlWriter;

EasWbxmlWriter *eas_wbxml_writer_new (void);
void eas_wbxml_writer_free (EasWbxmlWriter *writer);

void eas_wbxml_writer_start (EasWbxmlWriter *writer, EasTag tag);	/* element with content */
void eas_wbxml_writer_end (EasWbxmlWriter *writer);
void eas_wbxml_writer_empty (EasWbxmlWriter *writer, EasTag tag);	/* <Tag/> */
/* text: UTF-8, length len (-1: NUL-terminated); a NUL inside is a programming error */
void eas_wbxml_writer_text (EasWbxmlWriter *writer, const char *text, gssize len);
void eas_wbxml_writer_text_element (EasWbxmlWriter *writer, EasTag tag, const char *text);
void eas_wbxml_writer_uint_element (EasWbxmlWriter *writer, EasTag tag, guint64 value);
void eas_wbxml_writer_opaque_element (EasWbxmlWriter *writer, EasTag tag,
                                      const guint8 *data, gsize len);
/* Streamed OPAQUE: announce total_len, then hand exactly total_len bytes
 * through _opaque_data in any number of pieces, then _opaque_end. */
void eas_wbxml_writer_opaque_begin (EasWbxmlWriter *writer, guint64 total_len);
void eas_wbxml_writer_opaque_data (EasWbxmlWriter *writer, const guint8 *data, gsize len);
void eas_wbxml_writer_opaque_end (EasWbxmlWriter *writer);

/* Returns the bytes produced since the last take (possibly empty). */
GBytes *eas_wbxml_writer_take (EasWbxmlWriter *writer);
/* Checks that every element is closed; returns the remaining bytes. */
GBytes *eas_wbxml_writer_finish (EasWbxmlWriter *writer, GError **error);

/* ---- Tree, for small documents (requests, policy, folder lists) -------- */

typedef struct _EasNode EasNode;
struct _EasNode {
	EasTag tag;
	EasNode *parent;
	EasNode *first_child;
	EasNode *last_child;
	EasNode *next;
	/* Content: text (NUL-terminated UTF-8 copy) or opaque bytes, or neither. */
	char *text;
	GBytes *opaque;
};

/* Decodes a whole document.  Returns the root element, or NULL + error. */
EasNode *eas_wbxml_parse (const guint8 *data, gsize len,
                          const EasWbxmlLimits *limits, GError **error);
void eas_node_free (EasNode *root);		/* frees the whole tree below node */

EasNode *eas_node_new (EasTag tag);		/* for building trees by hand */
EasNode *eas_node_append (EasNode *parent, EasTag tag);
EasNode *eas_node_append_text (EasNode *parent, EasTag tag, const char *text);
/* Appends child, the root of a tree of its own (built with eas_node_new or
 * parsed), as parent's last child: parent owns it from now on. */
void eas_node_adopt (EasNode *parent, EasNode *child);
/* Appends a child holding OPAQUE bytes (a reference to data is taken). */
EasNode *eas_node_append_opaque (EasNode *parent, EasTag tag, GBytes *data);

/* First child with this tag, or NULL; next sibling with the same tag. */
EasNode *eas_node_child (const EasNode *node, EasTag tag);
EasNode *eas_node_next_same (const EasNode *node);
/* Walks a path of tags below node (terminate with 0): eas_node_path (root,
 * EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0).  NULL when a step is
 * missing.  (No G_GNUC_NULL_TERMINATED: the sentinel is the integer 0, which
 * GCC's sentinel check rejects.) */
EasNode *eas_node_path (const EasNode *node, ...);
/* Text of the child with this tag, or NULL. */
const char *eas_node_child_text (const EasNode *node, EasTag tag);
/* Reads the child's text as an unsigned number in [min, max].  FALSE + error
 * (EAS_WBXML_ERROR_MALFORMED naming the tag) when absent or invalid. */
gboolean eas_node_child_uint (const EasNode *node, EasTag tag,
                              guint64 min, guint64 max,
                              guint64 *out_value, GError **error);

/* Encodes a tree (canonical form). */
GBytes *eas_node_encode (const EasNode *root);
/* Writes a tree into a writer (e.g. a subtree inside a streamed response). */
void eas_node_write (const EasNode *root, EasWbxmlWriter *writer);

/* ---- XML view, for tools and tests (not the request path) -------------- */

/* Namespaced XML (<Sync xmlns="AirSync:">, the other pages declared on the
 * root with their lower-case names as prefixes: xmlns:airsyncbase=
 * "AirSyncBase:").  Markers, so that canonical documents round-trip byte for
 * byte: <Tag opaque="base64">…</Tag> is an OPAQUE value in base64;
 * <Tag text="base64">…</Tag> a text XML cannot carry (control characters,
 * CR); in elements mixing children, text and OPAQUE (never in EAS),
 * <?wbxml-opaque B64?> and <?wbxml-text B64?>.  Same limits and errors as
 * the decoder. */
char *eas_wbxml_to_xml (const guint8 *data, gsize len,
                        const EasWbxmlLimits *limits, GError **error);
/* The inverse: XML as printed by eas_wbxml_to_xml (and libwbxml-style
 * XML: its tag names, SynCE namespace URIs, no namespace, CDATA) back to
 * canonical WBXML.  Errors: EAS_WBXML_ERROR_MALFORMED naming the XML line. */
GBytes *eas_xml_to_wbxml (const char *xml, gsize len, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasWbxmlDecoder, eas_wbxml_decoder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasWbxmlWriter, eas_wbxml_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EasNode, eas_node_free)

G_END_DECLS
