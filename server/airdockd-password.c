/* airdockd-password.c — yescrypt hashing via libcrypt (crypt_gensalt_rn, crypt_rn). */
#include "config.h"

#include <crypt.h>
#include <string.h>

#include "server/airdockd-password.h"

G_DEFINE_QUARK (airdockd-password-error-quark, airdockd_password_error)

/* 0 = libcrypt's default cost for yescrypt (currently 5) */
#define YESCRYPT_COST 0

static gboolean
check_password (const char *password, GError **error)
{
	gsize len = strnlen (password, AIRDOCKD_PASSWORD_MAX + 1);

	if (len == 0 || len > AIRDOCKD_PASSWORD_MAX) {
		g_set_error (error, AIRDOCKD_PASSWORD_ERROR, AIRDOCKD_PASSWORD_ERROR_INVALID,
			     "password must be 1 to %d bytes", AIRDOCKD_PASSWORD_MAX);
		return FALSE;
	}
	return TRUE;
}

char *
airdockd_password_hash (const char *password, GError **error)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *data = NULL;
	char *result = NULL;

	g_return_val_if_fail (password != NULL, NULL);
	if (!check_password (password, error))
		return NULL;
	/* NULL random bytes: libcrypt reads them from the kernel */
	if (crypt_gensalt_rn ("$y$", YESCRYPT_COST, NULL, 0, setting, sizeof setting) == NULL) {
		g_set_error (error, AIRDOCKD_PASSWORD_ERROR, AIRDOCKD_PASSWORD_ERROR_FAILED,
			     "cannot generate a salt");
		return NULL;
	}
	data = g_new0 (struct crypt_data, 1);
	if (crypt_rn (password, setting, data, sizeof *data) != NULL && data->output[0] != '*')
		result = g_strdup (data->output);
	else
		g_set_error (error, AIRDOCKD_PASSWORD_ERROR, AIRDOCKD_PASSWORD_ERROR_FAILED,
			     "yescrypt hashing failed");
	explicit_bzero (data, sizeof *data);
	g_free (data);
	return result;
}

gboolean
airdockd_password_verify (const char *hash, const char *password)
{
	struct crypt_data *data;
	gboolean ok = FALSE;

	g_return_val_if_fail (hash != NULL && password != NULL, FALSE);
	if (!check_password (password, NULL) || hash[0] != '$')
		return FALSE;
	data = g_new0 (struct crypt_data, 1);
	if (crypt_rn (password, hash, data, sizeof *data) != NULL && data->output[0] != '*') {
		gsize a = strlen (data->output), b = strlen (hash);
		guint8 diff = a != b;
		/* constant time over the stored hash's length */
		for (gsize i = 0; i < b; i++)
			diff |= (guint8) (i < a ? data->output[i] : 0) ^ (guint8) hash[i];
		ok = diff == 0;
	}
	explicit_bzero (data, sizeof *data);
	g_free (data);
	return ok;
}

void
airdockd_password_free (char *password)
{
	if (password == NULL)
		return;
	explicit_bzero (password, strlen (password));
	g_free (password);
}
