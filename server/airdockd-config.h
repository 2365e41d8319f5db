/* airdockd-config.h — the server's configuration file (GKeyFile / INI).
 *
 * Every key is declared once in the table in airdockd-config.c with its type,
 * default, bounds and an optional verify callback.  Unknown groups and keys
 * are errors naming the file and line.  Errors: AIRDOCKD_CONFIG_ERROR.
 *
 * To add a key: add a field here and one line to the table.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AIRDOCKD_CONFIG_ERROR (airdockd_config_error_quark ())
GQuark airdockd_config_error_quark (void);

typedef enum {
	AIRDOCKD_CONFIG_ERROR_PARSE,	/* not an INI file */
	AIRDOCKD_CONFIG_ERROR_UNKNOWN,	/* unknown group or key */
	AIRDOCKD_CONFIG_ERROR_INVALID,	/* bad value: type, bounds, verify callback */
} AirdockdConfigErrorCode;

/* The [policy] group: what a device must enforce ([MS-ASPROV] 2.2.2.x). */
typedef struct {
	gboolean pin_required;			/* DevicePasswordEnabled */
	gboolean alphanumeric_pin_required;	/* AlphanumericDevicePasswordRequired */
	gboolean allow_simple_pin;		/* AllowSimpleDevicePassword */
	gint64 min_pin_length;			/* MinDevicePasswordLength 1..16 */
	gint64 max_failed_attempts;		/* MaxDevicePasswordFailedAttempts 4..16 */
	gint64 inactivity_lock_seconds;		/* MaxInactivityTimeDeviceLock 0..9999 (0 = none) */
	gint64 pin_expiration_days;		/* DevicePasswordExpiration 0 = never */
	gint64 pin_history;			/* DevicePasswordHistory 0 = none */
	gboolean require_encryption;		/* RequireDeviceEncryption */
	gboolean allow_attachments;		/* AttachmentsEnabled */
	gint64 max_attachment_bytes;		/* MaxAttachmentSize 0 = unlimited */
} AirdockdPolicyConfig;

typedef struct {
	char *path;			/* file loaded, or NULL for built-in defaults */

	/* [server] */
	char *data_dir;
	gint64 http_port;		/* 0 = pick one; -1 = do not listen */
	gint64 https_port;		/* 0 = pick one; -1 = do not listen */
	char **hostnames;		/* names for the certificate and logs (non-empty) */
	char *listen_address;		/* IP literal */
	char *tls_cert;			/* PEM file or NULL (= generate in data_dir) */
	char *tls_key;
	gint64 connection_timeout;	/* seconds of socket inactivity before close */
	gint64 listen_backlog;
	gboolean allow_plain_eas;	/* EAS (Basic auth) over plain HTTP too */

	/* [lmtp] / [smtp] */
	char *lmtp_listen;		/* host:port */
	char *smtp_relay;		/* host:port */

	/* [admin] (the web page): it listens only when users is non-empty */
	char *admin_listen;		/* host:port, loopback by default */
	char **admin_users;		/* login names allowed to administer; NULL = nobody */

	/* [limits] */
	gint64 max_request_bytes;
	gint64 auth_max_failures;	/* failures before lockout, per user and per address */
	gint64 auth_lockout_seconds;
	gint64 auth_cache_seconds;	/* lifetime of a verified-credentials cache entry */
	gint64 max_connections;		/* open client connections before 503 */

	/* [push] (Ping, Sync Wait) */
	gint64 push_heartbeat_min;	/* seconds */
	gint64 push_heartbeat_max;
	gint64 push_max_folders;	/* Folders per Ping */
	gint64 push_poll_interval;	/* seconds between checks for other processes' changes; 0 = off */

	/* [policy] */
	AirdockdPolicyConfig policy;

	/* [security] */
	char *trust_store;		/* PEM CA bundle (and CRLs) for ValidateCert */

	/* [log] */
	gboolean debug;
	gboolean traffic;		/* log EAS request/response bodies as XML (implies debug) */
	char *debug_dir;		/* activesync.log and its rotations; NULL = data_dir/debug */
	gint64 debug_max_bytes;		/* rotate activesync.log at this size */
	gint64 debug_body_bytes;	/* text/OPAQUE values longer than this are cut */
} AirdockdConfig;

/* A config with every default (data_dir "/var/lib/airdock"). */
AirdockdConfig *airdockd_config_new_default (void);

/* Loads and validates path.  NULL + error naming file and line on any
 * unknown group/key or invalid value. */
AirdockdConfig *airdockd_config_load (const char *path, GError **error);

void airdockd_config_free (AirdockdConfig *config);

/* Splits "host:port" or "[v6]:port"; FALSE + error when malformed. */
gboolean airdockd_config_parse_host_port (const char *text,
                                          char **out_host,
                                          guint16 *out_port,
                                          GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdConfig, airdockd_config_free)

G_END_DECLS
