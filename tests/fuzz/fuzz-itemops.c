/* Fuzz target: ItemOperations requests, and the multipart response framing
 * (parsed by clients) over the same bytes. */
#include "config.h"

#include <glib.h>

#include "eas/eas-itemops.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasItemOpsRequest) req = eas_itemops_request_decode (data, size, 141, NULL, &error);

	/* Exactly one of result and error. */
	g_assert_true ((req == NULL) != (error == NULL));
	if (req != NULL) {
		g_assert_cmpuint (req->ops->len, >, 0);
		g_assert_cmpuint (req->ops->len, <=, EAS_ITEMOPS_MAX_OPERATIONS);
		for (guint i = 0; i < req->ops->len; i++) {
			const EasItemOp *op = g_ptr_array_index (req->ops, i);
			if (op->kind == EAS_ITEMOPS_FETCH)
				g_assert_nonnull (op->store);
			if (op->has_range)
				g_assert_cmpuint (op->range_start, <=, op->range_end);
		}
	}

	g_autoptr (GError) error2 = NULL;
	g_autoptr (GArray) parts = eas_multipart_parse (data, size, 0, &error2);
	g_assert_true ((parts == NULL) != (error2 == NULL));
	for (guint i = 0; parts != NULL && i < parts->len; i++) {
		const EasMultipartPart *p = &g_array_index (parts, EasMultipartPart, i);
		g_assert_cmpuint (p->offset, <=, size);
		g_assert_cmpuint (p->length, <=, size - p->offset);
	}
	return 0;
}
