/* fuzz-autodiscover-response.c — the client's Autodiscover response parser
 * on arbitrary bytes: what parses names a server, a redirect or an error,
 * within the text limit. */
#include "config.h"

#include <string.h>

#include "eas/eas-autodiscover.h"
#include "fuzz.h"

static void
check_text (const char *s)
{
	if (s != NULL) {
		g_assert_cmpuint (strlen (s), >, 0);
		g_assert_cmpuint (strlen (s), <=, EAS_AUTODISCOVER_MAX_TEXT);
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasAutodiscoverResponse) r = eas_autodiscover_response_parse (data, size, &error);

	if (r == NULL) {
		g_assert_nonnull (error);
		g_assert_true (error->domain == EAS_AUTODISCOVER_ERROR);
		return 0;
	}
	g_assert_true (r->url != NULL || r->redirect != NULL || r->error_code != 0);
	check_text (r->url);
	check_text (r->redirect);
	check_text (r->display_name);
	check_text (r->email_address);
	check_text (r->error_message);
	g_assert_cmpuint (r->error_code, <=, 999999);
	return 0;
}
