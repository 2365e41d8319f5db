/* conduit-account.c — accounts.ini, passwords in the Secret Service or a
 * 0600 file, certificate pins (conduit/conduit-account.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "conduit/conduit-account.h"

#define ACCOUNTS_FILE "accounts.ini"
#define SECRETS_FILE "secrets"
/* A secrets file holds a handful of passwords: anything bigger is not ours. */
#define SECRETS_MAX_BYTES (256 * 1024)
/* Connecting to the session bus and pinging the Secret Service: a bus that
 * is there answers in milliseconds; a stale address must not hang us. */
#define BUS_TIMEOUT_MS 2000
#define PING_TIMEOUT_MS 5000
/* Store, look up and clear: a locked keyring may want to prompt. */
#define KEYRING_TIMEOUT_MS 15000
#define SHA256_HEX_LEN 64

static const SecretSchema account_schema = {
	.name = "org.airdock.Conduit.Account",
	.flags = SECRET_SCHEMA_NONE,
	.attributes = {
		{ "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ NULL, 0 },
	},
};

static const char *const known_keys[] = {
	"url", "user", "email", "cert_sha256", "conflicts", "password_store", NULL,
};

void
conduit_account_free (ConduitAccount *account)
{
	if (account == NULL)
		return;
	g_free (account->id);
	g_free (account->url);
	g_free (account->user);
	g_free (account->email);
	g_free (account->cert_sha256);
	if (account->password != NULL) {
		explicit_bzero (account->password, strlen (account->password));
		g_free (account->password);
	}
	g_free (account);
}

static char *
dir_path (const char *config_dir)
{
	if (config_dir != NULL)
		return g_strdup (config_dir);
	return g_build_filename (g_get_user_config_dir (), "airdock", NULL);
}

/* ---- small helpers -------------------------------------------------------- */

const char *
conduit_conflict_policy_to_string (ConduitConflictPolicy policy)
{
	return policy == CONDUIT_CONFLICT_SERVER_WINS ? "server-wins" : "keep-both";
}

gboolean
conduit_conflict_policy_parse (const char *text, ConduitConflictPolicy *out_policy)
{
	if (g_strcmp0 (text, "keep-both") == 0)
		*out_policy = CONDUIT_CONFLICT_KEEP_BOTH;
	else if (g_strcmp0 (text, "server-wins") == 0)
		*out_policy = CONDUIT_CONFLICT_SERVER_WINS;
	else
		return FALSE;
	return TRUE;
}

static const char *
secret_store_to_string (ConduitSecretStore store)
{
	switch (store) {
	case CONDUIT_SECRET_KEYRING:
		return "keyring";
	case CONDUIT_SECRET_FILE:
		return "file";
	case CONDUIT_SECRET_NONE:
	default:
		return "none";
	}
}

static gboolean
secret_store_parse (const char *text, ConduitSecretStore *out_store)
{
	if (g_strcmp0 (text, "keyring") == 0)
		*out_store = CONDUIT_SECRET_KEYRING;
	else if (g_strcmp0 (text, "file") == 0)
		*out_store = CONDUIT_SECRET_FILE;
	else if (g_strcmp0 (text, "none") == 0)
		*out_store = CONDUIT_SECRET_NONE;
	else
		return FALSE;
	return TRUE;
}

char *
conduit_account_make_id (const char *url, const char *user, GError **error)
{
	g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
	const char *host;
	gint port;

	if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 ||
	    (host = g_uri_get_host (uri)) == NULL || host[0] == '\0') {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("not an https:// URL: %s"), url);
		return NULL;
	}
	port = g_uri_get_port (uri);
	if (strchr (host, ':') != NULL)
		return port > 0 && port != 443 ? g_strdup_printf ("%s@[%s]:%d", user, host, port)
		                               : g_strdup_printf ("%s@[%s]", user, host);
	return port > 0 && port != 443 ? g_strdup_printf ("%s@%s:%d", user, host, port)
	                               : g_strdup_printf ("%s@%s", user, host);
}

char *
conduit_account_normalize_fingerprint (const char *text, GError **error)
{
	g_autoptr (GString) hex = g_string_new (NULL);

	for (const char *p = text; *p != '\0'; p++) {
		if (*p == ':' || *p == ' ' || *p == '-')
			continue;
		if (!g_ascii_isxdigit (*p) || hex->len >= SHA256_HEX_LEN) {
			hex->len = SHA256_HEX_LEN + 1;
			break;
		}
		g_string_append_c (hex, g_ascii_tolower (*p));
	}
	if (hex->len != SHA256_HEX_LEN) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		             _("a SHA-256 fingerprint is 32 bytes in hex (AB:CD:… or abcd…)"));
		return NULL;
	}
	return g_string_free (g_steal_pointer (&hex), FALSE);
}

char *
conduit_account_certificate_sha256 (GTlsCertificate *certificate)
{
	GByteArray *der = NULL;
	char *hex;

	g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);
	g_object_get (certificate, "certificate", &der, NULL);
	if (der == NULL)
		return NULL;
	hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
	g_byte_array_unref (der);
	return hex;
}

/* Compares two fingerprints of equal, public length without an early exit. */
static gboolean
fingerprint_equal (const char *a, const char *b)
{
	guint8 diff = 0;

	if (strlen (a) != SHA256_HEX_LEN || strlen (b) != SHA256_HEX_LEN)
		return FALSE;
	for (gsize i = 0; i < SHA256_HEX_LEN; i++)
		diff |= (guint8) (a[i] ^ b[i]);
	return diff == 0;
}

gboolean
conduit_account_certificate_ok (const ConduitAccount *account, GTlsCertificate *certificate,
                                GTlsCertificateFlags errors)
{
	g_autofree char *pin = NULL, *seen = NULL;

	g_return_val_if_fail (account != NULL, FALSE);
	if (account->cert_sha256 == NULL || account->cert_sha256[0] == '\0')
		return errors == 0;
	if (certificate == NULL)
		return FALSE;
	pin = conduit_account_normalize_fingerprint (account->cert_sha256, NULL);
	seen = conduit_account_certificate_sha256 (certificate);
	return pin != NULL && seen != NULL && fingerprint_equal (pin, seen);
}

/* ---- accounts.ini --------------------------------------------------------- */

static GKeyFile *
load_accounts (const char *dir, char **out_path, GError **error)
{
	g_autofree char *path = g_build_filename (dir, ACCOUNTS_FILE, NULL);
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (GError) local = NULL;

	if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_KEEP_COMMENTS, &local) &&
	    !g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path, local->message);
		return NULL;
	}
	if (out_path != NULL)
		*out_path = g_steal_pointer (&path);
	return g_steal_pointer (&kf);
}

static gboolean
check_group (GKeyFile *kf, const char *path, const char *group, GError **error)
{
	g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
	g_autofree char *conflicts = g_key_file_get_string (kf, group, "conflicts", NULL);
	g_autofree char *store = g_key_file_get_string (kf, group, "password_store", NULL);
	g_autofree char *cert = g_key_file_get_string (kf, group, "cert_sha256", NULL);
	ConduitConflictPolicy policy;
	ConduitSecretStore where;
	g_autofree char *norm = NULL;

	for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
		if (!g_strv_contains (known_keys, keys[i])) {
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: [%s]: unknown key %s"), path,
			             group, keys[i]);
			return FALSE;
		}
	}
	if (!g_key_file_has_key (kf, group, "url", NULL) || !g_key_file_has_key (kf, group, "user", NULL)) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: [%s]: url and user are required"), path,
		             group);
		return FALSE;
	}
	if ((conflicts != NULL && !conduit_conflict_policy_parse (conflicts, &policy)) ||
	    (store != NULL && !secret_store_parse (store, &where))) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
		             _("%s: [%s]: conflicts must be keep-both or server-wins, password_store keyring or file"),
		             path, group);
		return FALSE;
	}
	if (cert != NULL && cert[0] != '\0' && (norm = conduit_account_normalize_fingerprint (cert, NULL)) == NULL) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: [%s]: cert_sha256 is not a SHA-256 in hex"),
		             path, group);
		return FALSE;
	}
	return TRUE;
}

static ConduitAccount *
account_from_group (GKeyFile *kf, const char *path, const char *group, GError **error)
{
	g_autoptr (ConduitAccount) a = NULL;
	g_autofree char *cert = NULL;

	if (!check_group (kf, path, group, error))
		return NULL;
	a = g_new0 (ConduitAccount, 1);
	a->id = g_strdup (group);
	a->url = g_key_file_get_string (kf, group, "url", NULL);
	a->user = g_key_file_get_string (kf, group, "user", NULL);
	a->email = g_key_file_get_string (kf, group, "email", NULL);
	cert = g_key_file_get_string (kf, group, "cert_sha256", NULL);
	if (cert != NULL && cert[0] != '\0')
		a->cert_sha256 = conduit_account_normalize_fingerprint (cert, NULL);
	if (a->email != NULL && a->email[0] == '\0')
		g_clear_pointer (&a->email, g_free);
	return g_steal_pointer (&a);
}

GPtrArray *
conduit_accounts_list (const char *config_dir, GError **error)
{
	g_autofree char *dir = dir_path (config_dir);
	g_autofree char *path = NULL;
	g_autoptr (GKeyFile) kf = load_accounts (dir, &path, error);
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) conduit_account_free);
	g_auto (GStrv) groups = NULL;

	if (kf == NULL)
		return NULL;
	groups = g_key_file_get_groups (kf, NULL);
	for (guint i = 0; groups[i] != NULL; i++) {
		ConduitAccount *a = account_from_group (kf, path, groups[i], error);

		if (a == NULL)
			return NULL;
		g_ptr_array_add (list, a);
	}
	return g_steal_pointer (&list);
}

ConduitAccount *
conduit_account_get (const char *config_dir, const char *id, GError **error)
{
	g_autoptr (GPtrArray) list = conduit_accounts_list (config_dir, error);

	if (list == NULL)
		return NULL;
	for (guint i = 0; i < list->len; i++) {
		ConduitAccount *a = g_ptr_array_index (list, i);

		if (id == NULL || strcmp (a->id, id) == 0)
			return g_ptr_array_steal_index (list, i);
	}
	if (id == NULL)
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("no account configured"));
	else
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("no account %s"), id);
	return NULL;
}

static char *
get_key (const char *config_dir, const ConduitAccount *account, const char *key)
{
	g_autofree char *dir = dir_path (config_dir);
	g_autoptr (GKeyFile) kf = load_accounts (dir, NULL, NULL);

	if (kf == NULL || account == NULL || account->id == NULL)
		return NULL;
	return g_key_file_get_string (kf, account->id, key, NULL);
}

ConduitConflictPolicy
conduit_account_get_conflict_policy (const char *config_dir, const ConduitAccount *account)
{
	g_autofree char *text = get_key (config_dir, account, "conflicts");
	ConduitConflictPolicy policy = CONDUIT_CONFLICT_KEEP_BOTH;

	if (text != NULL && !conduit_conflict_policy_parse (text, &policy))
		policy = CONDUIT_CONFLICT_KEEP_BOTH;
	return policy;
}

ConduitSecretStore
conduit_account_get_secret_store (const char *config_dir, const ConduitAccount *account)
{
	g_autofree char *text = get_key (config_dir, account, "password_store");
	ConduitSecretStore store = CONDUIT_SECRET_NONE;

	if (text != NULL && !secret_store_parse (text, &store))
		store = CONDUIT_SECRET_NONE;
	return store;
}

static gboolean
save_accounts (const char *dir, GKeyFile *kf, GError **error)
{
	g_autofree char *path = g_build_filename (dir, ACCOUNTS_FILE, NULL);
	gsize len = 0;
	g_autofree char *data = g_key_file_to_data (kf, &len, NULL);

	/* Atomic: a crash leaves the old or the new file, never half of one. */
	if (!g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error)) {
		g_prefix_error (error, "%s: ", path);
		return FALSE;
	}
	return TRUE;
}

/* ---- the 0600 secrets file ------------------------------------------------ */

/* Loads dir/secrets (an empty key file when it does not exist).  Refuses a
 * file others may read: its passwords are as good as public. */
static GKeyFile *
load_secrets (const char *dir, GError **error)
{
	g_autofree char *path = g_build_filename (dir, SECRETS_FILE, NULL);
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autofree char *buf = NULL;
	struct stat st;
	gsize len = 0;
	ssize_t n;
	int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	gboolean ok;

	if (fd < 0 && errno == ENOENT)
		return g_steal_pointer (&kf);
	if (fd < 0 || fstat (fd, &st) < 0) {
		int e = errno;
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "%s: %s", path, g_strerror (e));
		if (fd >= 0)
			close (fd);
		return NULL;
	}
	if (!S_ISREG (st.st_mode) || st.st_uid != getuid () || (st.st_mode & 077) != 0) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
		             _("%s is readable by other users (mode %04o) or not your own file: "
		               "refusing to use the passwords in it; check it and run chmod 600 %s"),
		             path, (unsigned) (st.st_mode & 07777), path);
		close (fd);
		return NULL;
	}
	buf = g_malloc (SECRETS_MAX_BYTES + 1);
	while (len <= SECRETS_MAX_BYTES && (n = read (fd, buf + len, SECRETS_MAX_BYTES + 1 - len)) > 0)
		len += (gsize) n;
	close (fd);
	if (len > SECRETS_MAX_BYTES) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s: over %d bytes"), path, SECRETS_MAX_BYTES);
		explicit_bzero (buf, len);
		return NULL;
	}
	ok = g_key_file_load_from_data (kf, buf, len, G_KEY_FILE_NONE, error);
	explicit_bzero (buf, len);
	if (!ok) {
		g_prefix_error (error, "%s: ", path);
		return NULL;
	}
	return g_steal_pointer (&kf);
}

/* Writes dir/secrets atomically through a temporary file created 0600 with
 * O_EXCL (g_mkstemp_full): the passwords are never readable by others, not
 * even for a moment. */
static gboolean
save_secrets (const char *dir, GKeyFile *kf, GError **error)
{
	g_autofree char *path = g_build_filename (dir, SECRETS_FILE, NULL);
	g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
	gsize len = 0, done = 0;
	char *data = g_key_file_to_data (kf, &len, NULL);
	int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
	int e = 0;

	if (fd < 0)
		e = errno;
	while (fd >= 0 && e == 0 && done < len) {
		ssize_t n = write (fd, data + done, len - done);

		if (n < 0 && errno != EINTR)
			e = errno;
		else if (n > 0)
			done += (gsize) n;
	}
	if (fd >= 0 && e == 0 && (fsync (fd) < 0 || fchmod (fd, 0600) < 0))
		e = errno;
	if (fd >= 0 && close (fd) < 0 && e == 0)
		e = errno;
	if (e == 0 && rename (tmp, path) < 0)
		e = errno;
	explicit_bzero (data, len);
	g_free (data);
	if (e != 0) {
		if (fd >= 0)
			unlink (tmp);
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "%s: %s", path, g_strerror (e));
		return FALSE;
	}
	return TRUE;
}

static gboolean
file_store (const char *dir, const char *id, const char *password, GError **error)
{
	g_autoptr (GKeyFile) kf = load_secrets (dir, error);

	if (kf == NULL)
		return FALSE;
	if (password != NULL)
		g_key_file_set_string (kf, id, "password", password);
	else if (!g_key_file_remove_group (kf, id, NULL))
		return TRUE;
	return save_secrets (dir, kf, error);
}

static char *
file_lookup (const char *dir, const char *id, GError **error)
{
	g_autoptr (GKeyFile) kf = load_secrets (dir, error);
	char *password;

	if (kf == NULL)
		return NULL;
	password = g_key_file_get_string (kf, id, "password", NULL);
	if (password == NULL)
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s/%s has no password for %s"), dir,
		             SECRETS_FILE, id);
	return password;
}

/* ---- the Secret Service --------------------------------------------------- */

/* Runs one asynchronous call in a private main context with a deadline, so
 * a bus or keyring that does not answer cannot hang the caller. */
typedef struct {
	GMainContext *ctx;
	GCancellable *cancel;
	GAsyncResult *res;
} Waiter;

static void
waiter_init (Waiter *w)
{
	w->ctx = g_main_context_new ();
	g_main_context_push_thread_default (w->ctx);
	w->cancel = g_cancellable_new ();
	w->res = NULL;
}

static void
waiter_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
	Waiter *w = user_data;

	w->res = g_object_ref (res);
}

static gboolean
waiter_cancel (gpointer data)
{
	g_cancellable_cancel (data);
	return G_SOURCE_REMOVE;
}

/* Waits for waiter_done; afterwards w->res is set (the operation failed
 * with G_IO_ERROR_CANCELLED when the deadline passed). */
static void
waiter_wait (Waiter *w, guint timeout_ms)
{
	GSource *t = g_timeout_source_new (timeout_ms);

	g_source_set_callback (t, waiter_cancel, w->cancel, NULL);
	g_source_attach (t, w->ctx);
	while (w->res == NULL)
		g_main_context_iteration (w->ctx, TRUE);
	g_source_destroy (t);
	g_source_unref (t);
}

static void
waiter_clear (Waiter *w)
{
	g_clear_object (&w->res);
	g_clear_object (&w->cancel);
	/* Let callbacks queued on the context run before it goes. */
	while (g_main_context_iteration (w->ctx, FALSE))
		;
	g_main_context_pop_thread_default (w->ctx);
	g_clear_pointer (&w->ctx, g_main_context_unref);
}

static void
keyring_timeout_error (GError **error, GError *local)
{
	if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
		             _("the desktop keyring did not answer within %d s (is it locked?)"), KEYRING_TIMEOUT_MS / 1000);
	else
		g_set_error (error, local->domain, local->code, _("desktop keyring: %s (is a login keyring there and unlocked?)"),
		             local->message);
}

gboolean
conduit_account_keyring_available (void)
{
	const char *addr = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
	const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
	g_autofree char *socket = runtime != NULL ? g_build_filename (runtime, "bus", NULL) : NULL;
	g_autoptr (GDBusConnection) bus = NULL;
	g_autoptr (GVariant) reply = NULL;
	Waiter w;

	/* No address and no $XDG_RUNTIME_DIR/bus: GLib would try to autolaunch
	 * a bus through X11; there is no session to ask. */
	if ((addr == NULL || addr[0] == '\0') && (socket == NULL || !g_file_test (socket, G_FILE_TEST_EXISTS)))
		return FALSE;
	waiter_init (&w);
	g_bus_get (G_BUS_TYPE_SESSION, w.cancel, waiter_done, &w);
	waiter_wait (&w, BUS_TIMEOUT_MS);
	bus = g_bus_get_finish (w.res, NULL);
	g_clear_object (&w.res);
	if (bus != NULL) {
		/* Peer.Ping starts an activatable service and proves it answers. */
		g_dbus_connection_call (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
		                        "org.freedesktop.DBus.Peer", "Ping", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
		                        PING_TIMEOUT_MS, w.cancel, waiter_done, &w);
		waiter_wait (&w, PING_TIMEOUT_MS + 500);
		reply = g_dbus_connection_call_finish (bus, w.res, NULL);
	}
	waiter_clear (&w);
	return reply != NULL;
}

static gboolean
keyring_store (const char *id, const char *password, GError **error)
{
	g_autofree char *label = g_strdup_printf ("Airdock conduit: %s", id);
	g_autoptr (GError) local = NULL;
	gboolean ok;
	Waiter w;

	waiter_init (&w);
	secret_password_store (&account_schema, SECRET_COLLECTION_DEFAULT, label, password, w.cancel, waiter_done,
	                       &w, "account", id, NULL);
	waiter_wait (&w, KEYRING_TIMEOUT_MS);
	ok = secret_password_store_finish (w.res, &local);
	waiter_clear (&w);
	if (!ok)
		keyring_timeout_error (error, local);
	return ok;
}

static char *
keyring_lookup (const char *id, GError **error)
{
	g_autoptr (GError) local = NULL;
	char *secret, *password = NULL;
	Waiter w;

	waiter_init (&w);
	secret_password_lookup (&account_schema, w.cancel, waiter_done, &w, "account", id, NULL);
	waiter_wait (&w, KEYRING_TIMEOUT_MS);
	secret = secret_password_lookup_finish (w.res, &local);
	waiter_clear (&w);
	if (local != NULL) {
		keyring_timeout_error (error, local);
		return NULL;
	}
	if (secret == NULL) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("the desktop keyring has no password for %s"), id);
		return NULL;
	}
	password = g_strdup (secret);
	secret_password_free (secret);
	return password;
}

static gboolean
keyring_clear (const char *id, GError **error)
{
	g_autoptr (GError) local = NULL;
	Waiter w;

	waiter_init (&w);
	secret_password_clear (&account_schema, w.cancel, waiter_done, &w, "account", id, NULL);
	waiter_wait (&w, KEYRING_TIMEOUT_MS);
	(void) secret_password_clear_finish (w.res, &local);
	waiter_clear (&w);
	if (local != NULL) {
		keyring_timeout_error (error, local);
		return FALSE;
	}
	return TRUE;
}

/* ---- load, save, remove --------------------------------------------------- */

gboolean
conduit_account_load_password (const char *config_dir, ConduitAccount *account, GError **error)
{
	g_autofree char *dir = dir_path (config_dir);
	ConduitSecretStore store;
	char *password = NULL;

	g_return_val_if_fail (account != NULL && account->id != NULL, FALSE);
	store = conduit_account_get_secret_store (config_dir, account);
	if (store == CONDUIT_SECRET_KEYRING) {
		if (!conduit_account_keyring_available ()) {
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
			             _("the password of %s is in the desktop keyring, and no Secret Service "
			               "answers on the session bus"), account->id);
			return FALSE;
		}
		password = keyring_lookup (account->id, error);
	} else {
		password = file_lookup (dir, account->id, error);
	}
	if (password == NULL) {
		g_prefix_error (error, "%s: ", account->id);
		return FALSE;
	}
	if (account->password != NULL) {
		explicit_bzero (account->password, strlen (account->password));
		g_free (account->password);
	}
	account->password = password;
	return TRUE;
}

static void
set_or_remove (GKeyFile *kf, const char *group, const char *key, const char *value)
{
	if (value != NULL)
		g_key_file_set_string (kf, group, key, value);
	else
		g_key_file_remove_key (kf, group, key, NULL);
}

gboolean
conduit_account_save (const char *config_dir, const ConduitAccount *account, ConduitConflictPolicy policy,
                      ConduitSecretStore *out_store, GError **error)
{
	g_autofree char *dir = dir_path (config_dir);
	g_autoptr (GKeyFile) kf = NULL;
	g_autofree char *old = NULL;
	ConduitSecretStore store, was = CONDUIT_SECRET_NONE;

	g_return_val_if_fail (account != NULL && account->id != NULL && account->url != NULL, FALSE);
	g_return_val_if_fail (account->user != NULL && account->password != NULL, FALSE);
	if (g_mkdir_with_parents (dir, 0700) < 0) {
		int e = errno;
		g_set_error (error, G_IO_ERROR, g_io_error_from_errno (e), "%s: %s", dir, g_strerror (e));
		return FALSE;
	}
	/* A broken accounts.ini is reported, not overwritten. */
	if ((kf = load_accounts (dir, NULL, error)) == NULL)
		return FALSE;
	old = g_key_file_get_string (kf, account->id, "password_store", NULL);
	if (old != NULL && !secret_store_parse (old, &was))
		was = CONDUIT_SECRET_NONE;
	store = conduit_account_keyring_available () ? CONDUIT_SECRET_KEYRING : CONDUIT_SECRET_FILE;
	if (store == CONDUIT_SECRET_KEYRING ? !keyring_store (account->id, account->password, error)
	                                    : !file_store (dir, account->id, account->password, error))
		return FALSE;
	g_key_file_set_string (kf, account->id, "url", account->url);
	g_key_file_set_string (kf, account->id, "user", account->user);
	set_or_remove (kf, account->id, "email", account->email);
	set_or_remove (kf, account->id, "cert_sha256", account->cert_sha256);
	g_key_file_set_string (kf, account->id, "conflicts", conduit_conflict_policy_to_string (policy));
	g_key_file_set_string (kf, account->id, "password_store", secret_store_to_string (store));
	if (!save_accounts (dir, kf, error))
		return FALSE;
	/* The password moved: the old copy goes (best effort, it is replaced). */
	if (was == CONDUIT_SECRET_FILE && store != CONDUIT_SECRET_FILE)
		(void) file_store (dir, account->id, NULL, NULL);
	else if (was == CONDUIT_SECRET_KEYRING && store != CONDUIT_SECRET_KEYRING)
		(void) keyring_clear (account->id, NULL);
	if (out_store != NULL)
		*out_store = store;
	return TRUE;
}

gboolean
conduit_account_remove (const char *config_dir, const char *id, GError **error)
{
	g_autofree char *dir = dir_path (config_dir);
	g_autoptr (GKeyFile) kf = load_accounts (dir, NULL, error);
	g_autofree char *store = NULL;

	if (kf == NULL)
		return FALSE;
	if (!g_key_file_has_group (kf, id)) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("no account %s"), id);
		return FALSE;
	}
	store = g_key_file_get_string (kf, id, "password_store", NULL);
	/* The password goes first: an entry left behind can be removed again. */
	if (g_strcmp0 (store, "keyring") == 0) {
		if (!conduit_account_keyring_available ()) {
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
			             _("the password of %s is in the desktop keyring, and no Secret Service "
			               "answers on the session bus: nothing removed"), id);
			return FALSE;
		}
		if (!keyring_clear (id, error))
			return FALSE;
	} else if (!file_store (dir, id, NULL, error)) {
		return FALSE;
	}
	g_key_file_remove_group (kf, id, NULL);
	return save_accounts (dir, kf, error);
}
