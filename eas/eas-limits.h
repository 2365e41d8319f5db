/* eas-limits.h — default limits for untrusted EAS input, each with its reason.
 *
 * Every parser in eas/ takes its limits from a struct that callers may
 * tighten; these are the defaults.  A limit is never 0 = "unlimited".
 * The server caps the HTTP body (Content-Length) before any of these apply.
 */
#pragma once

/* ---- WBXML ([MS-ASWBXML]; see EasWbxmlLimits in eas-wbxml.h) ---------- */

/* Nesting depth.  The deepest documents EAS defines are Sync responses with
 * calendar exceptions: Sync > Collections > Collection > Commands > Add >
 * ApplicationData > Exceptions > Exception > Attendees > Attendee > Email,
 * about 11 levels; Find/Search results reach ~9.  64 leaves room for
 * extensions while keeping the decoder's tag stack (2 bytes a level) and any
 * recursive consumer far from trouble. */
#define EAS_WBXML_DEFAULT_DEPTH 64

/* Elements per document.  The largest legitimate request is a Sync with a
 * window of 512 changes ([MS-ASCMD] 2.2.3.199 WindowSize max 512) of
 * contacts with ~60 properties each: ~31,000 elements.  A tree node costs
 * ~64 bytes, so 200,000 elements bound a parsed tree to ~13 MB. */
#define EAS_WBXML_DEFAULT_ELEMENTS 200000

/* Bytes of one inline string (STR_I) and of the string table.  Plain-text
 * bodies of EAS 2.5 devices and notes arrive as STR_I; Exchange caps item
 * bodies it accepts at a few MB.  8 MiB also bounds what the streaming
 * decoder must hold to deliver one TEXT event whole. */
#define EAS_WBXML_DEFAULT_STRING_BYTES (8u * 1024 * 1024)

/* Bytes of one OPAQUE value.  SendMail/SmartReply MIME (with attachments)
 * and ItemOperations data travel as OPAQUE; Exchange's default message size
 * limit is 35 MB of MIME.  64 MiB leaves margin; the streaming decoder hands
 * OPAQUE out in chunks, so this bounds only what tree parsing may buffer. */
#define EAS_WBXML_DEFAULT_OPAQUE_BYTES (64u * 1024 * 1024)

/* Bytes of a whole document: one maximal OPAQUE plus its envelope. */
#define EAS_WBXML_DEFAULT_DOCUMENT_BYTES (EAS_WBXML_DEFAULT_OPAQUE_BYTES + 1024u * 1024)
