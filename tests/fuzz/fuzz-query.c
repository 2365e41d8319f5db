/* Fuzz target: the EAS request line (both query forms). */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "eas/eas-query.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasQuery) q = eas_query_parse ((const char *) data, size, &error);

	/* Exactly one of result and error. */
	g_assert_true ((q == NULL) != (error == NULL));
	if (q == NULL)
		return 0;
	g_assert_nonnull (q->device_id);
	g_assert_nonnull (q->device_type);
	g_assert_nonnull (eas_command_name (q->cmd));
	/* A parsed base64 query re-encodes and parses to the same fields. */
	if (q->base64_form) {
		g_autofree char *again = eas_query_encode_base64 (q);
		g_autoptr (GError) error2 = NULL;
		g_autoptr (EasQuery) q2 = eas_query_parse (again, strlen (again), &error2);
		g_assert_no_error (error2);
		g_assert_cmpint (q2->cmd, ==, q->cmd);
		g_assert_cmpstr (q2->device_id, ==, q->device_id);
		g_assert_cmpstr (q2->user, ==, q->user);
		g_assert_cmpuint (q2->policy_key, ==, q->policy_key);
	}
	return 0;
}
