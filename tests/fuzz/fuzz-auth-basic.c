/* Fuzz target: the HTTP Basic Authorization header (airdockd_auth_parse_basic). */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "server/airdockd-auth.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *user = NULL;
	g_autofree char *password = NULL;
	gboolean ok = airdockd_auth_parse_basic ((const char *) data, size, &user, &password, &error);

	/* Exactly one of result and error; outputs only on success. */
	g_assert_true (ok == (error == NULL));
	g_assert_true (ok == (user != NULL));
	if (!ok)
		return 0;
	g_assert_true (size <= AIRDOCKD_AUTH_MAX_HEADER_BYTES);
	g_assert_cmpuint (strlen (user), >, 0);
	g_assert_null (strchr (user, ':'));
	g_assert_true (g_utf8_validate (user, -1, NULL));
	g_assert_true (g_utf8_validate (password, -1, NULL));
	return 0;
}
