/* test-wbxml-common.h — helpers shared by the WBXML test programs. */
#pragma once

#include <glib.h>

#include "eas/eas-wbxml.h"

G_BEGIN_DECLS

/* Decodes and returns a textual trace of the events ("<Ns:Tag>(depth)",
 * "\"text\"", "[opaque N bytes #hash]", "</Ns:Tag>"), consecutive OPAQUE
 * chunks merged so that traces do not depend on how input was split.
 * step 0 feeds the whole document (or random pieces when rand is set), step
 * N feeds N bytes at a time.  NULL + error on failure. */
char *trace_decode_full (const guint8 *data, gsize len, gsize step, GRand *rand,
                         const EasWbxmlLimits *limits, GError **error);
char *trace_decode (const guint8 *data, gsize len, gsize step, GRand *rand,
                    GError **error);

/* A random valid document: any known tags, nesting up to max_depth, up to
 * max_children per element, UTF-8 texts (multi-byte too), OPAQUE values and
 * empty elements, written by our writer (so canonical). */
GBytes *random_document (GRand *rand, guint max_depth, guint max_children);
/* Builds the same random tree as an EasNode (used by random_document). */
EasNode *random_tree (GRand *rand, guint max_depth, guint max_children);

/* A realistic Sync response with `items` emails (subjects, bodies, flags,
 * an OPAQUE ConversationId) and a closing SendMail-style OPAQUE. */
GBytes *build_sample_document (guint items);

void assert_bytes_equal (GBytes *bytes, const guint8 *expected, gsize expected_len);

/* Reads $AIRDOCK_SHARED/fixtures/eas/... into a list of paths of *.wbxml
 * files; NULL (after g_test_skip) when the fixtures are absent. */
GPtrArray *fixture_wbxml_paths (void);
/* Loads a fixture as a complete document: Horde's fragments (no header,
 * see fixtures/eas/horde/SOURCE.md) get the canonical header, and bare
 * element sequences an AirSync:ApplicationData wrapper. */
GBytes *fixture_load (const char *path);

G_END_DECLS
