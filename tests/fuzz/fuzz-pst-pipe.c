/* Fuzz target: the PST reader's record stream as the parent decodes it
 * (pst/pststore-pipe.c): frames, records, fields, limits. */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "pst/pststore-pipe.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	PststorePipeLimits limits;
	gsize off = 0;

	pststore_pipe_limits_init_default (&limits);
	/* Small limits reach the limit paths with small inputs. */
	limits.frame_bytes = 4096;
	limits.name_bytes = 64;
	limits.fields = 16;
	limits.categories = 4;
	while (off < size) {
		g_autoptr (GError) error = NULL;
		g_autoptr (PststorePipeRecord) rec = NULL;
		gsize len = 0;

		g_assert (off <= size);
		if (4 > size - off || !pststore_pipe_frame_length (data + off, &limits, &len, NULL))
			break;
		off += 4;
		if (len > size - off)
			break;
		rec = pststore_pipe_decode (data + off, len, &limits, &error);
		off += len;
		g_assert_true ((rec == NULL) != (error == NULL));
		if (rec == NULL)
			continue;
		/* A decoded record re-encodes to a frame that decodes the same. */
		g_autoptr (GByteArray) again = g_byte_array_new ();
		pststore_pipe_encode (rec, again);
		g_autoptr (PststorePipeRecord) rec2 = pststore_pipe_decode (again->data + 4, again->len - 4, &limits, NULL);
		g_assert_nonnull (rec2);
		g_assert_cmpint (rec2->type, ==, rec->type);
		g_assert_cmpuint (rec2->nid, ==, rec->nid);
		g_assert_cmpstr (rec2->name, ==, rec->name);
		if (rec->item != NULL) {
			g_assert_cmpstr (rec2->item->subject, ==, rec->item->subject);
			g_assert_cmpint (rec2->item->task_due, ==, rec->item->task_due);
		}
	}
	return 0;
}
