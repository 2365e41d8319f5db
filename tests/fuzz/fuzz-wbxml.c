/* fuzz-wbxml.c — the WBXML codec on arbitrary bytes.
 *
 * Runs the streaming decoder (whole, and split at a point chosen by the
 * input), the tree parser and the XML view, and checks what must hold for
 * every input: no crash or leak, a split feed gives the same events and the
 * same error as a whole one, tree and XML accept exactly what the decoder
 * accepts, a parsed tree re-encodes to a document that parses to the same
 * bytes again, and the XML view encodes back. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "eas/eas-wbxml.h"
#include "fuzz.h"

#define CHECK(cond) do { if (!(cond)) abort (); } while (0)

static guint32
mix (guint32 h, const guint8 *p, gsize len)
{
	for (gsize i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* Feeds data as one piece of `split` bytes, then the rest in pieces of
 * `step` bytes (0: all at once); returns an event digest, whether decoding
 * succeeded, and the error message. */
static gboolean
digest_decode (const guint8 *data, gsize len, gsize split, gsize step,
               const EasWbxmlLimits *limits, guint32 *out_digest, char **out_message)
{
	g_autoptr (EasWbxmlDecoder) dec = eas_wbxml_decoder_new (limits);
	g_autoptr (GError) error = NULL;
	guint32 h = 2166136261u;
	EasWbxmlStatus st = EAS_WBXML_NEED_MORE;
	gsize off = 0;

	while (off < len && st != EAS_WBXML_FAILED) {
		gsize n = off == 0 && split > 0 ? split : (step > 0 ? MIN (step, len - off) : len - off);
		/* Copies, freed at once: a decoder keeping pointers is caught. */
		g_autofree guint8 *piece = g_memdup2 (data + off, n);
		eas_wbxml_decoder_feed (dec, piece, n);
		off += n;
		EasWbxmlEvent ev;
		while ((st = eas_wbxml_decoder_next (dec, &ev, &error)) == EAS_WBXML_GOT_EVENT) {
			guint32 head[3] = { ev.type == EAS_WBXML_EVENT_OPAQUE ? 9 : (guint32) ev.type,
			                    ev.tag, ev.depth };
			/* OPAQUE chunking depends on the split: hash bytes only. */
			if (ev.type != EAS_WBXML_EVENT_OPAQUE || ev.opaque_offset == 0)
				h = mix (h, (const guint8 *) head, sizeof head);
			CHECK (ev.len == 0 || ev.data != NULL);
			h = mix (h, ev.data, ev.len);
		}
	}
	gboolean ok = st != EAS_WBXML_FAILED && eas_wbxml_decoder_finish (dec, &error);
	CHECK (ok || error != NULL);
	*out_digest = h;
	*out_message = ok ? NULL : g_strdup (error->message);
	return ok;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	EasWbxmlLimits limits;
	eas_wbxml_limits_init_default (&limits);
	/* Small limits reach the limit paths with small inputs. */
	limits.depth = 32;
	limits.elements = 4096;
	limits.string_bytes = 4096;
	limits.opaque_bytes = 65536;
	limits.document_bytes = 1 << 20;

	guint32 d1, d2, d3 = 0;
	g_autofree char *m1 = NULL;
	g_autofree char *m2 = NULL;
	g_autofree char *m3 = NULL;
	gsize split = size > 0 ? data[size - 1] % (size + 1) : 0;
	gboolean ok = digest_decode (data, size, 0, 0, &limits, &d1, &m1);
	gboolean ok2 = digest_decode (data, size, split, 0, &limits, &d2, &m2);
	/* Same events and the same error (offsets included), however split. */
	CHECK (ok == ok2);
	CHECK (!ok || d1 == d2);
	CHECK (ok || strcmp (m1, m2) == 0);
	if (size <= 2048) {
		gboolean ok3 = digest_decode (data, size, 0, 1, &limits, &d3, &m3);
		CHECK (ok == ok3);
		CHECK (!ok || d1 == d3);
		CHECK (ok || strcmp (m1, m3) == 0);
	}

	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (data, size, &limits, &error);
	CHECK ((root != NULL) == ok);
	g_autofree char *xml = eas_wbxml_to_xml (data, size, &limits, NULL);
	CHECK ((xml != NULL) == ok);
	if (!ok)
		return 0;

	g_autoptr (GBytes) again = eas_node_encode (root);
	gsize alen;
	const guint8 *ap = g_bytes_get_data (again, &alen);
	g_autoptr (EasNode) root2 = eas_wbxml_parse (ap, alen, NULL, &error);
	CHECK (root2 != NULL);
	g_autoptr (GBytes) again2 = eas_node_encode (root2);
	CHECK (g_bytes_equal (again, again2));

	g_autoptr (GBytes) from_xml = eas_xml_to_wbxml (xml, strlen (xml), &error);
	CHECK (from_xml != NULL);
	gsize xlen;
	const guint8 *xp = g_bytes_get_data (from_xml, &xlen);
	g_autoptr (EasNode) root3 = eas_wbxml_parse (xp, xlen, NULL, &error);
	CHECK (root3 != NULL);
	return 0;
}
