/* airdockd-config.c — one table of keys, loaded from a GKeyFile. */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include <gio/gio.h>

#include "server/airdockd-config.h"

G_DEFINE_QUARK (airdockd-config-error-quark, airdockd_config_error)

typedef enum {
	KEY_BOOL,	/* gboolean */
	KEY_INT,	/* gint64 within [min, max] */
	KEY_STRING,	/* char *, NULL when unset and no default */
	KEY_STRV,	/* char **, comma separated */
} KeyType;

typedef gboolean (*VerifyFunc) (const char *value, GError **error);

typedef struct {
	const char *group;
	const char *key;
	KeyType type;
	gsize offset;
	const char *def;	/* default as text; NULL = unset */
	gint64 min;
	gint64 max;
	VerifyFunc verify;	/* on the raw text after type checks; may be NULL */
} KeyDef;

static gboolean verify_host_port (const char *value, GError **error);
static gboolean verify_ip (const char *value, GError **error);
static gboolean verify_hostnames (const char *value, GError **error);
static gboolean verify_absolute_or_relative_path (const char *value, GError **error);

#define F(field) offsetof (AirdockdConfig, field)
#define MiB (G_GINT64_CONSTANT (1024) * 1024)

/* Every key the server reads.  Reasons for defaults and bounds:
 * - ports 80/443: most devices cannot be told another port.
 * - max_request_bytes 32 MiB: SendMail carries the whole MIME message in the
 *   body; Exchange's default message size limits are in this range.
 * - auth_max_failures 10 / lockout 300 s: slows password guessing while a
 *   phone with a stale password (it retries every few minutes) is not locked
 *   out for long.
 * - max_connections 20000: connections libsoup serves (parked Pings are
 *   stolen from it and bounded by the push hub); far above a busy server's
 *   traffic, and below where the process would run out of file descriptors
 *   or memory; beyond it requests get 503 with Retry-After.
 * - connection_timeout 120 s: longer than any response we compute, short
 *   enough that idle or stalled sockets do not accumulate.
 * - allow_plain_eas true: many devices (Windows Mobile, old Android) are set
 *   up without TLS; an administrator who can give every device the
 *   certificate turns it off so passwords never cross the network in clear.
 *   /server.cer stays on HTTP either way (a device fetches it before it
 *   trusts us).
 * - push heartbeat 60–3540 s: what Ping clients expect ([MS-ASCMD]
 *   2.2.3.88.3); tests lower the minimum.  max_folders 300: a device's
 *   whole mailbox with room; poll_interval 2 s: how soon a change made by
 *   another process (airdockctl deliver/wipe) wakes a Ping, and the cost of
 *   one stat() pair a tick while nothing changes.
 * - policy bounds are the spec's ([MS-ASPROV] 2.2.2.x).
 * - debug log ("ActiveSync Synchronization", airdockctl log enable):
 *   debug_dir unset = data_dir/debug; debug_max_bytes 10 MiB per file, four
 *   files: enough for an afternoon of one device, bounded on disk;
 *   debug_body_bytes 2048: a mail body's start shows what it is without
 *   filling the log with mailboxes. */
static const KeyDef key_table[] = {
	{ "server", "data_dir", KEY_STRING, F (data_dir), "/var/lib/airdock", 0, 0, verify_absolute_or_relative_path },
	{ "server", "http_port", KEY_INT, F (http_port), "80", -1, 65535, NULL },
	{ "server", "https_port", KEY_INT, F (https_port), "443", -1, 65535, NULL },
	{ "server", "hostnames", KEY_STRV, F (hostnames), NULL, 0, 0, verify_hostnames },
	{ "server", "listen_address", KEY_STRING, F (listen_address), "0.0.0.0", 0, 0, verify_ip },
	{ "server", "tls_cert", KEY_STRING, F (tls_cert), NULL, 0, 0, verify_absolute_or_relative_path },
	{ "server", "tls_key", KEY_STRING, F (tls_key), NULL, 0, 0, verify_absolute_or_relative_path },
	{ "server", "connection_timeout", KEY_INT, F (connection_timeout), "120", 5, 3600, NULL },
	{ "server", "listen_backlog", KEY_INT, F (listen_backlog), "4096", 16, 65535, NULL },
	{ "server", "allow_plain_eas", KEY_BOOL, F (allow_plain_eas), "true", 0, 0, NULL },
	{ "lmtp", "listen", KEY_STRING, F (lmtp_listen), "127.0.0.1:2424", 0, 0, verify_host_port },
	{ "smtp", "relay", KEY_STRING, F (smtp_relay), "127.0.0.1:25", 0, 0, verify_host_port },
	{ "admin", "listen", KEY_STRING, F (admin_listen), "127.0.0.1:8081", 0, 0, verify_host_port },
	{ "admin", "users", KEY_STRV, F (admin_users), NULL, 0, 0, NULL },
	{ "limits", "max_request_bytes", KEY_INT, F (max_request_bytes), "33554432", 4096, 1024 * MiB, NULL },
	{ "limits", "auth_max_failures", KEY_INT, F (auth_max_failures), "10", 1, 1000, NULL },
	{ "limits", "auth_lockout_seconds", KEY_INT, F (auth_lockout_seconds), "300", 1, 86400, NULL },
	{ "limits", "auth_cache_seconds", KEY_INT, F (auth_cache_seconds), "60", 0, 3600, NULL },
	{ "limits", "max_connections", KEY_INT, F (max_connections), "20000", 2, 1000000, NULL },
	{ "push", "heartbeat_min", KEY_INT, F (push_heartbeat_min), "60", 1, 3540, NULL },
	{ "push", "heartbeat_max", KEY_INT, F (push_heartbeat_max), "3540", 1, 3540, NULL },
	{ "push", "max_folders", KEY_INT, F (push_max_folders), "300", 1, 1000, NULL },
	{ "push", "poll_interval", KEY_INT, F (push_poll_interval), "2", 0, 3600, NULL },
	{ "policy", "pin_required", KEY_BOOL, F (policy.pin_required), "false", 0, 0, NULL },
	{ "policy", "alphanumeric_pin_required", KEY_BOOL, F (policy.alphanumeric_pin_required), "false", 0, 0, NULL },
	{ "policy", "allow_simple_pin", KEY_BOOL, F (policy.allow_simple_pin), "true", 0, 0, NULL },
	{ "policy", "min_pin_length", KEY_INT, F (policy.min_pin_length), "4", 1, 16, NULL },
	{ "policy", "max_failed_attempts", KEY_INT, F (policy.max_failed_attempts), "8", 4, 16, NULL },
	{ "policy", "inactivity_lock_seconds", KEY_INT, F (policy.inactivity_lock_seconds), "900", 0, 9999, NULL },
	{ "policy", "pin_expiration_days", KEY_INT, F (policy.pin_expiration_days), "0", 0, 730, NULL },
	{ "policy", "pin_history", KEY_INT, F (policy.pin_history), "0", 0, 50, NULL },
	{ "policy", "require_encryption", KEY_BOOL, F (policy.require_encryption), "false", 0, 0, NULL },
	{ "policy", "allow_attachments", KEY_BOOL, F (policy.allow_attachments), "true", 0, 0, NULL },
	{ "policy", "max_attachment_bytes", KEY_INT, F (policy.max_attachment_bytes), "0", 0, 1024 * MiB, NULL },
	{ "security", "trust_store", KEY_STRING, F (trust_store), "/etc/ssl/certs/ca-certificates.crt", 0, 0, verify_absolute_or_relative_path },
	{ "log", "debug", KEY_BOOL, F (debug), "false", 0, 0, NULL },
	{ "log", "traffic", KEY_BOOL, F (traffic), "false", 0, 0, NULL },
	{ "log", "debug_dir", KEY_STRING, F (debug_dir), NULL, 0, 0, verify_absolute_or_relative_path },
	{ "log", "debug_max_bytes", KEY_INT, F (debug_max_bytes), "10485760", 1024, 1024 * MiB, NULL },
	{ "log", "debug_body_bytes", KEY_INT, F (debug_body_bytes), "2048", 16, MiB, NULL },
};

#undef F

static void *
field_ptr (AirdockdConfig *config, const KeyDef *def)
{
	return (char *) config + def->offset;
}

/* Line number of "[group]" (key == NULL) or of "key =" inside that group;
 * 0 when not found.  GKeyFile does not report positions. */
static guint
find_line (const char *text, const char *group, const char *key)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	gboolean in_group = FALSE;

	for (guint i = 0; lines[i] != NULL; i++) {
		const char *l = lines[i];
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '[') {
			const char *end = strchr (l, ']');
			in_group = end != NULL && (gsize) (end - l - 1) == strlen (group) &&
			           strncmp (l + 1, group, end - l - 1) == 0;
			if (in_group && key == NULL)
				return i + 1;
			continue;
		}
		if (in_group && key != NULL) {
			gsize klen = strlen (key);
			if (strncmp (l, key, klen) == 0 &&
			    (l[klen] == '=' || l[klen] == ' ' || l[klen] == '\t' || l[klen] == '['))
				return i + 1;
		}
	}
	return 0;
}

static const KeyDef *
lookup_key (const char *group, const char *key)
{
	for (gsize i = 0; i < G_N_ELEMENTS (key_table); i++)
		if (g_str_equal (key_table[i].group, group) && g_str_equal (key_table[i].key, key))
			return &key_table[i];
	return NULL;
}

static gboolean
group_known (const char *group)
{
	for (gsize i = 0; i < G_N_ELEMENTS (key_table); i++)
		if (g_str_equal (key_table[i].group, group))
			return TRUE;
	return FALSE;
}

static gboolean
parse_bool (const char *text, gboolean *out, GError **error)
{
	if (g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1") ||
	    g_ascii_strcasecmp (text, "yes") == 0) {
		*out = TRUE;
		return TRUE;
	}
	if (g_ascii_strcasecmp (text, "false") == 0 || g_str_equal (text, "0") ||
	    g_ascii_strcasecmp (text, "no") == 0) {
		*out = FALSE;
		return TRUE;
	}
	g_set_error_literal (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
	                     "expected true or false");
	return FALSE;
}

static gboolean
parse_int (const char *text, const KeyDef *def, gint64 *out, GError **error)
{
	GError *local = NULL;

	if (!g_ascii_string_to_signed (text, 10, def->min, def->max, out, &local)) {
		g_set_error (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
		             "expected an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
		             def->min, def->max);
		g_error_free (local);
		return FALSE;
	}
	return TRUE;
}

/* Stores the text value of one key into the config. */
static gboolean
apply_value (AirdockdConfig *config, const KeyDef *def, const char *text, GError **error)
{
	void *p = field_ptr (config, def);

	if (def->verify != NULL && !def->verify (text, error))
		return FALSE;

	switch (def->type) {
	case KEY_BOOL:
		return parse_bool (text, p, error);
	case KEY_INT:
		return parse_int (text, def, p, error);
	case KEY_STRING:
		g_free (*(char **) p);
		*(char **) p = *text != '\0' ? g_strdup (text) : NULL;
		return TRUE;
	case KEY_STRV: {
		g_auto (GStrv) parts = g_strsplit (text, ",", -1);
		g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
		for (guint i = 0; parts[i] != NULL; i++) {
			g_strstrip (parts[i]);
			if (*parts[i] != '\0')
				g_strv_builder_add (b, parts[i]);
		}
		g_strfreev (*(char ***) p);
		*(char ***) p = g_strv_builder_end (b);
		return TRUE;
	}
	default:
		g_assert_not_reached ();
	}
}

AirdockdConfig *
airdockd_config_new_default (void)
{
	g_autoptr (AirdockdConfig) config = g_new0 (AirdockdConfig, 1);

	for (gsize i = 0; i < G_N_ELEMENTS (key_table); i++) {
		g_autoptr (GError) error = NULL;
		if (key_table[i].def != NULL &&
		    !apply_value (config, &key_table[i], key_table[i].def, &error))
			g_error ("built-in default of [%s] %s is invalid: %s",
			         key_table[i].group, key_table[i].key, error->message);
	}
	if (config->hostnames == NULL || config->hostnames[0] == NULL) {
		const char *names[] = { g_get_host_name (), "localhost", NULL };
		g_strfreev (config->hostnames);
		config->hostnames = g_strdupv ((char **) names);
	}
	return g_steal_pointer (&config);
}

static gboolean
check_unknown (GKeyFile *kf, const char *path, const char *text, GError **error)
{
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);

	for (guint g = 0; groups[g] != NULL; g++) {
		if (!group_known (groups[g])) {
			g_set_error (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_UNKNOWN,
			             "%s:%u: unknown group [%s]", path,
			             find_line (text, groups[g], NULL), groups[g]);
			return FALSE;
		}
		g_auto (GStrv) keys = g_key_file_get_keys (kf, groups[g], NULL, NULL);
		for (guint k = 0; keys != NULL && keys[k] != NULL; k++) {
			if (lookup_key (groups[g], keys[k]) == NULL) {
				g_set_error (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_UNKNOWN,
				             "%s:%u: unknown key '%s' in group [%s]", path,
				             find_line (text, groups[g], keys[k]), keys[k], groups[g]);
				return FALSE;
			}
		}
	}
	return TRUE;
}

static gboolean
check_consistency (const AirdockdConfig *config, const char *path, GError **error)
{
	if ((config->tls_cert == NULL) != (config->tls_key == NULL)) {
		g_set_error (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
		             "%s: [server] tls_cert and tls_key must be set together", path);
		return FALSE;
	}
	if (config->http_port < 0 && config->https_port < 0) {
		g_set_error (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
		             "%s: [server] http_port and https_port are both disabled", path);
		return FALSE;
	}
	if (config->http_port > 0 && config->http_port == config->https_port) {
		g_set_error (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
		             "%s: [server] http_port and https_port are the same", path);
		return FALSE;
	}
	return TRUE;
}

AirdockdConfig *
airdockd_config_load (const char *path, GError **error)
{
	g_autofree char *text = NULL;
	gsize len = 0;
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (AirdockdConfig) config = airdockd_config_new_default ();

	if (!g_file_get_contents (path, &text, &len, error))
		return NULL;
	if (!g_key_file_load_from_data (kf, text, len, G_KEY_FILE_NONE, error)) {
		g_prefix_error (error, "%s: ", path);
		return NULL;
	}
	if (!check_unknown (kf, path, text, error))
		return NULL;

	for (gsize i = 0; i < G_N_ELEMENTS (key_table); i++) {
		const KeyDef *def = &key_table[i];
		g_autofree char *value = g_key_file_get_value (kf, def->group, def->key, NULL);
		if (value == NULL)
			continue;
		g_strstrip (value);
		if (!apply_value (config, def, value, error)) {
			g_prefix_error (error, "%s:%u: [%s] %s: ", path,
			                find_line (text, def->group, def->key), def->group, def->key);
			return NULL;
		}
	}
	if (config->hostnames == NULL || config->hostnames[0] == NULL) {
		g_set_error (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
		             "%s:%u: [server] hostnames: at least one name is needed", path,
		             find_line (text, "server", "hostnames"));
		return NULL;
	}
	if (!check_consistency (config, path, error))
		return NULL;
	config->path = g_strdup (path);
	return g_steal_pointer (&config);
}

void
airdockd_config_free (AirdockdConfig *config)
{
	if (config == NULL)
		return;
	g_free (config->path);
	g_free (config->data_dir);
	g_strfreev (config->hostnames);
	g_free (config->listen_address);
	g_free (config->tls_cert);
	g_free (config->tls_key);
	g_free (config->lmtp_listen);
	g_free (config->smtp_relay);
	g_free (config->admin_listen);
	g_strfreev (config->admin_users);
	g_free (config->trust_store);
	g_free (config);
}

gboolean
airdockd_config_parse_host_port (const char *text, char **out_host, guint16 *out_port,
                                 GError **error)
{
	const char *colon = strrchr (text, ':');
	g_autofree char *host = NULL;
	guint64 port = 0;

	if (colon == NULL || colon == text) {
		g_set_error_literal (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
		                     "expected host:port");
		return FALSE;
	}
	if (text[0] == '[') {
		if (colon[-1] != ']' || colon - text < 3) {
			g_set_error_literal (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
			                     "expected [address]:port");
			return FALSE;
		}
		host = g_strndup (text + 1, colon - text - 2);
	} else {
		host = g_strndup (text, colon - text);
		if (strchr (host, ':') != NULL) {
			g_set_error_literal (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
			                     "IPv6 addresses need brackets: [address]:port");
			return FALSE;
		}
	}
	if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL)) {
		g_set_error_literal (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
		                     "port must be a number from 0 to 65535");
		return FALSE;
	}
	if (out_host != NULL)
		*out_host = g_steal_pointer (&host);
	if (out_port != NULL)
		*out_port = (guint16) port;
	return TRUE;
}

static gboolean
verify_host_port (const char *value, GError **error)
{
	return airdockd_config_parse_host_port (value, NULL, NULL, error);
}

static gboolean
verify_ip (const char *value, GError **error)
{
	if (!g_hostname_is_ip_address (value)) {
		g_set_error_literal (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
		                     "expected an IPv4 or IPv6 address");
		return FALSE;
	}
	return TRUE;
}

static gboolean
verify_hostnames (const char *value, GError **error)
{
	g_auto (GStrv) parts = g_strsplit (value, ",", -1);

	for (guint i = 0; parts[i] != NULL; i++) {
		g_strstrip (parts[i]);
		if (*parts[i] == '\0')
			continue;
		if (strlen (parts[i]) > 253 || (!g_hostname_is_ip_address (parts[i]) &&
		    strspn (parts[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != strlen (parts[i]))) {
			g_set_error (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
			             "entry %u is not a host name or IP address", i + 1);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
verify_absolute_or_relative_path (const char *value, GError **error)
{
	if (strlen (value) > 4096) {
		g_set_error_literal (error, AIRDOCKD_CONFIG_ERROR, AIRDOCKD_CONFIG_ERROR_INVALID,
		                     "path is longer than 4096 bytes");
		return FALSE;
	}
	return TRUE;
}
