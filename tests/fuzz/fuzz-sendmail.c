/* Fuzz target: SendMail/SmartReply/SmartForward WBXML requests. */
#include "config.h"

#include <glib.h>

#include "eas/eas-sendmail.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GBytes) body = g_bytes_new (data, size);

	for (EasComposeKind kind = EAS_COMPOSE_SEND_MAIL; kind <= EAS_COMPOSE_SMART_FORWARD; kind++) {
		EasComposeLimits limits = { .max_mime_bytes = 4096 };
		g_autoptr (GError) error = NULL;
		g_autoptr (EasComposeRequest) req = eas_compose_request_decode (kind, body, &limits, &error);

		g_assert_true ((req == NULL) != (error == NULL));
		if (req == NULL)
			continue;
		g_assert_nonnull (req->client_id);
		g_assert_nonnull (req->mime);
		g_assert_cmpuint (g_bytes_get_size (req->mime), >, 0);
		g_assert_cmpuint (g_bytes_get_size (req->mime), <=, 4096);
		/* A decoded request re-encodes and decodes to the same message. */
		g_autoptr (GBytes) again = eas_compose_request_encode (req);
		g_autoptr (EasComposeRequest) req2 = eas_compose_request_decode (kind, again, &limits, &error);
		g_assert_no_error (error);
		g_assert_true (g_bytes_equal (req->mime, req2->mime));
		g_assert_cmpstr (req->item_id, ==, req2->item_id);
	}
	return 0;
}
