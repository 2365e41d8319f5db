/* airdockd-store.h — the server's store: accounts, devices, folders, items,
 * sync state.
 *
 * One API in front of interchangeable backends (SQLite now, PostgreSQL later;
 * see airdockd-store-private.h for the vtable).  Handlers never see SQL.
 *
 * Threading: an AirdockdStore is used from one thread at a time (the main
 * loop).  Several processes may open the same data_dir at once (airdockd and
 * airdockctl): the SQLite backend uses WAL and a busy timeout, and a writer
 * that waits longer than the timeout gets AIRDOCKD_STORE_ERROR_BUSY.
 *
 * Isolation: every call that touches folders, items or devices takes the
 * authenticated user's id and only ever sees that user's rows.  An id that
 * belongs to another user answers AIRDOCKD_STORE_ERROR_NOT_FOUND, exactly as
 * an id that does not exist.
 *
 * Transactions: every mutating call is atomic on its own.  To group several
 * (one client change set, e.g. all Commands of one Sync collection) wrap them
 * in airdockd_store_begin() … airdockd_store_commit() or _rollback().  Calls
 * nest: an inner begin is a savepoint, so a function may begin/commit its own
 * transaction whatever its caller does.  After a failed call inside a
 * transaction the caller must roll back (the failed call itself already undid
 * its own partial work).  Change hooks run only after the outermost commit.
 *
 * Counters ("modseq"): each user has one item change counter, bumped on every
 * item add, change, move or delete, and one folder hierarchy counter, bumped
 * on every folder add, rename, move or delete.  Both only grow; deleted items
 * and folders stay as tombstones carrying the counter of their deletion, so
 * "what changed since N" answers adds, changes and deletes.
 *
 * Ownership: every out_ value is new and owned by the caller (free with the
 * matching _free, or g_ptr_array_unref for arrays, whose elements free
 * themselves).  On failure no out_ value is written.  Strings passed in are
 * copied; nothing passed in is kept.
 *
 * Times are Unix seconds (UTC); 0 means "none".
 *
 * Error domain: AIRDOCKD_STORE_ERROR.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AIRDOCKD_STORE_ERROR (airdockd_store_error_quark ())
GQuark airdockd_store_error_quark (void);

typedef enum {
	AIRDOCKD_STORE_ERROR_FAILED,	/* backend or file system failure */
	AIRDOCKD_STORE_ERROR_NOT_FOUND,	/* no such row for this user */
	AIRDOCKD_STORE_ERROR_EXISTS,	/* name/email/folder name already taken */
	AIRDOCKD_STORE_ERROR_INVALID,	/* argument invalid (empty name, bad folder type, …) */
	AIRDOCKD_STORE_ERROR_BUSY,	/* another writer held the database past the busy timeout */
	AIRDOCKD_STORE_ERROR_SCHEMA,	/* database schema is newer than this program */
	AIRDOCKD_STORE_ERROR_AUTH,	/* unknown user or wrong password (never says which) */
	AIRDOCKD_STORE_ERROR_SPECIAL_FOLDER,	/* standard folders cannot be renamed/moved/deleted */
	AIRDOCKD_STORE_ERROR_PARENT,	/* parent folder missing or move would create a cycle */
	AIRDOCKD_STORE_ERROR_TOO_LARGE,	/* a limit below was exceeded */
} AirdockdStoreError;

/* Limits (why: they bound rows that clients and mail senders can create). */
#define AIRDOCKD_STORE_MAX_NAME 256		/* login name, display names, DeviceId, DeviceType */
#define AIRDOCKD_STORE_MAX_EMAIL 320		/* RFC 5321 4.5.3.1: 64 local + @ + 255 domain */
#define AIRDOCKD_STORE_MAX_PASSWORD 511	/* libxcrypt CRYPT_MAX_PASSPHRASE_SIZE 512 incl. NUL */
#define AIRDOCKD_STORE_MAX_FOLDER_DEPTH 64	/* user folder nesting */
#define AIRDOCKD_STORE_MAX_DEVICE_INFO 1024	/* each DeviceInformation string */
#define AIRDOCKD_STORE_MAX_SERVER_ID 64		/* [MS-ASCMD] ServerId is at most 64 chars */

typedef struct _AirdockdStore AirdockdStore;

/* ---------------------------------------------------------------- store */

/* Opens (creating if needed) the store in data_dir: data_dir/airdock.sqlite
 * and data_dir/users/<user id>/… for message files.  Creates data_dir with
 * mode 0700 if missing.  Migrates an older schema; a newer one fails with
 * AIRDOCKD_STORE_ERROR_SCHEMA.  Removes message files left behind by a
 * delivery that crashed before its row committed.  Returns a new reference. */
AirdockdStore *airdockd_store_open (const char *data_dir, GError **error);
AirdockdStore *airdockd_store_ref (AirdockdStore *store);
void airdockd_store_unref (AirdockdStore *store);	/* NULL is fine */
const char *airdockd_store_get_data_dir (AirdockdStore *store);

/* Schema version this build writes (stored in the database). */
#define AIRDOCKD_STORE_SCHEMA_VERSION 2

gboolean airdockd_store_begin (AirdockdStore *store, GError **error);
gboolean airdockd_store_commit (AirdockdStore *store, GError **error);
/* Never fails from the caller's point of view: logs nothing, always leaves
 * the store at the state of the matching begin. */
void airdockd_store_rollback (AirdockdStore *store);

/* Called after a commit that changed items of a folder (add, change, move in
 * or out, delete, empty), once per (user, folder) per commit.  This is the
 * "new item in folder" hook for the push hub (Ping) and the LMTP delivery.
 * folder_server_id is only valid during the call.  It is NULL, once per user
 * per commit, when the folder hierarchy changed (folder created, renamed,
 * moved, deleted: FolderSync needed).  Only changes made through
 * this AirdockdStore object are reported (another process's deliveries are
 * not: PostgreSQL LISTEN/NOTIFY will cover that). */
typedef void (*AirdockdStoreChangeFunc) (AirdockdStore *store,
					 gint64 user_id,
					 const char *folder_server_id,
					 gpointer user_data);
/* Returns an id for airdockd_store_remove_change_hook (never 0). */
guint airdockd_store_add_change_hook (AirdockdStore *store,
				      AirdockdStoreChangeFunc func,
				      gpointer user_data,
				      GDestroyNotify destroy);
void airdockd_store_remove_change_hook (AirdockdStore *store, guint hook_id);

/* ---------------------------------------------------------------- users */

typedef struct {
	gint64 id;
	char *name;		/* login name, unique */
	char *email;		/* primary address, unique */
	gint64 created;
} AirdockdUser;

void airdockd_user_free (AirdockdUser *user);

/* Creates the account with a yescrypt hash of password and its standard
 * folders (Inbox, Drafts, Deleted Items, Sent Items, Outbox, Junk E-mail,
 * Calendar, Contacts, Tasks, Notes).  name: 1..MAX_NAME characters from
 * [A-Za-z0-9._+-]; email: one '@', no spaces, <, >, quotes, commas.  INVALID
 * otherwise; a password outside 1..AIRDOCKD_STORE_MAX_PASSWORD bytes fails
 * with AIRDOCKD_PASSWORD_ERROR_INVALID.
 * EXISTS if name or email is taken (case-insensitively). */
gboolean airdockd_store_user_add (AirdockdStore *store,
				  const char *name,
				  const char *email,
				  const char *password,
				  AirdockdUser **out_user,	/* nullable */
				  GError **error);
gboolean airdockd_store_user_set_password (AirdockdStore *store,
					   gint64 user_id,
					   const char *password,
					   GError **error);
gboolean airdockd_store_user_set_email (AirdockdStore *store,
					gint64 user_id,
					const char *email,
					GError **error);
/* Deletes the account, its devices, folders, items, sync state and message
 * files. */
gboolean airdockd_store_user_delete (AirdockdStore *store, gint64 user_id, GError **error);
/* All users ordered by name (AirdockdUser elements). */
GPtrArray *airdockd_store_user_list (AirdockdStore *store, GError **error);
AirdockdUser *airdockd_store_user_get (AirdockdStore *store, gint64 user_id, GError **error);
AirdockdUser *airdockd_store_user_get_by_name (AirdockdStore *store, const char *name, GError **error);
/* Login name or email address, case-insensitive (LMTP recipients). */
AirdockdUser *airdockd_store_user_lookup (AirdockdStore *store, const char *name_or_email, GError **error);
/* Checks a password (by login name or email address).  Takes the same time
 * whether or not the user exists; AIRDOCKD_STORE_ERROR_AUTH on any mismatch.
 * Slow on purpose (yescrypt): callers cache successes briefly. */
AirdockdUser *airdockd_store_user_verify (AirdockdStore *store,
					  const char *name,
					  const char *password,
					  GError **error);

/* Out-of-office settings ([MS-ASCMD] Settings Oof), one record per user.
 * A user that never set one gets state DISABLED and NULL messages. */
typedef enum {
	AIRDOCKD_OOF_DISABLED = 0,
	AIRDOCKD_OOF_GLOBAL = 1,
	AIRDOCKD_OOF_TIME_BASED = 2,
} AirdockdOofState;

typedef struct {
	AirdockdOofState state;
	gint64 start_time;	/* TIME_BASED only */
	gint64 end_time;
	gboolean internal_enabled;
	char *internal_message;
	gboolean external_known_enabled;
	char *external_known_message;
	gboolean external_unknown_enabled;
	char *external_unknown_message;
	char *body_type;	/* "Text" or "HTML"; NULL = "Text" */
} AirdockdOof;

void airdockd_oof_free (AirdockdOof *oof);
AirdockdOof *airdockd_store_oof_get (AirdockdStore *store, gint64 user_id, GError **error);
gboolean airdockd_store_oof_set (AirdockdStore *store, gint64 user_id, const AirdockdOof *oof, GError **error);

/* -------------------------------------------------------------- devices */

typedef enum {
	AIRDOCKD_WIPE_NONE = 0,
	AIRDOCKD_WIPE_PENDING = 1,		/* full wipe requested, not yet sent */
	AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING = 2,	/* 16.1 AccountOnlyRemoteWipe requested */
	AIRDOCKD_WIPE_SENT = 3,			/* RemoteWipe sent, waiting for the ack */
	AIRDOCKD_WIPE_ACCOUNT_ONLY_SENT = 4,
	AIRDOCKD_WIPE_WIPED = 5,		/* acknowledged: refuse the device for good */
	AIRDOCKD_WIPE_ACCOUNT_ONLY_WIPED = 6,
} AirdockdWipeState;

/* [MS-ASCMD] Settings DeviceInformation; each field may be NULL. */
typedef struct {
	char *model;
	char *imei;
	char *friendly_name;
	char *os;
	char *os_language;
	char *phone_number;
	char *user_agent;
	char *mobile_operator;
} AirdockdDeviceInfo;

typedef struct {
	gint64 id;		/* store id (AirdockdRequest.device_id) */
	gint64 user_id;
	char *device_id;	/* EAS DeviceId */
	char *device_type;
	gint64 first_seen;
	gint64 last_seen;
	char *protocol_version;	/* last negotiated, e.g. "16.1"; NULL = unknown */
	/* Provisioning ([MS-ASPROV]): 0 = none */
	guint32 policy_key_temporary;	/* handed out in phase 1 */
	guint32 policy_key;		/* acknowledged in phase 2 */
	char *policy_hash;		/* hash of the policy that was acknowledged */
	gint64 policy_acknowledged;	/* time of phase 2 */
	/* Remote wipe */
	AirdockdWipeState wipe_state;
	gint64 wipe_requested;		/* time the administrator asked */
	gint64 wipe_sent;		/* time RemoteWipe went out */
	gint64 wipe_acknowledged;	/* time the device confirmed */
	AirdockdDeviceInfo info;
	/* Last successful Sync or FolderSync (airdockd_store_sync_state_touch);
	 * read-only here: device updates never write it. */
	gint64 last_sync;
} AirdockdDevice;

void airdockd_device_free (AirdockdDevice *device);
void airdockd_device_info_clear (AirdockdDeviceInfo *info);

/* Gets the (user, device_id) device, creating it (first_seen = now) if new,
 * and updates last_seen (at most once a minute: no write otherwise) and
 * device_type (when given and different).  INVALID for empty or over-long
 * ids. */
AirdockdDevice *airdockd_store_device_ensure (AirdockdStore *store,
					      gint64 user_id,
					      const char *device_id,
					      const char *device_type,
					      GError **error);
AirdockdDevice *airdockd_store_device_get (AirdockdStore *store,
					   gint64 user_id,
					   const char *device_id,
					   GError **error);
AirdockdDevice *airdockd_store_device_get_by_id (AirdockdStore *store,
						 gint64 user_id,
						 gint64 id,
						 GError **error);
/* user_id 0 = every user's devices (admin); ordered by user, DeviceId. */
GPtrArray *airdockd_store_device_list (AirdockdStore *store, gint64 user_id, GError **error);
gboolean airdockd_store_device_set_protocol_version (AirdockdStore *store,
						     gint64 user_id,
						     gint64 id,
						     const char *version,
						     GError **error);
/* Sets the keys and hash as given (0/NULL clear them).  policy_acknowledged
 * becomes now when policy_key is non-zero. */
gboolean airdockd_store_device_set_policy (AirdockdStore *store,
					   gint64 user_id,
					   gint64 id,
					   guint32 policy_key_temporary,
					   guint32 policy_key,
					   const char *policy_hash,
					   GError **error);
/* Moves the wipe state and stamps the matching time (requested for
 * *_PENDING, sent for *_SENT, acknowledged for *_WIPED; NONE clears all). */
gboolean airdockd_store_device_set_wipe (AirdockdStore *store,
					 gint64 user_id,
					 gint64 id,
					 AirdockdWipeState state,
					 GError **error);
/* Replaces all DeviceInformation fields (NULL fields are stored as NULL). */
gboolean airdockd_store_device_set_info (AirdockdStore *store,
					 gint64 user_id,
					 gint64 id,
					 const AirdockdDeviceInfo *info,
					 GError **error);
/* Deletes the device and all its sync state. */
gboolean airdockd_store_device_delete (AirdockdStore *store, gint64 user_id, gint64 id, GError **error);

/* Generic per-device blobs for state other modules own (e.g. the push hub's
 * last Ping: key "ping").  key: 1..64 chars.  get: NOT_FOUND if unset. */
GBytes *airdockd_store_device_blob_get (AirdockdStore *store,
					gint64 user_id,
					gint64 device_id,
					const char *key,
					GError **error);
/* value NULL deletes the key. */
gboolean airdockd_store_device_blob_set (AirdockdStore *store,
					 gint64 user_id,
					 gint64 device_id,
					 const char *key,
					 GBytes *value,
					 GError **error);

/* -------------------------------------------------------------- changes */

/* What a change list entry is, relative to the since_modseq asked for. */
typedef enum {
	AIRDOCKD_CHANGE_ADD = 1,
	AIRDOCKD_CHANGE_CHANGE = 2,
	AIRDOCKD_CHANGE_DELETE = 3,
} AirdockdChangeKind;

/* -------------------------------------------------------------- folders */

/* [MS-ASCMD] 2.2.3.186.3 FolderSync Type */
typedef enum {
	AIRDOCKD_FOLDER_USER_GENERIC = 1,
	AIRDOCKD_FOLDER_INBOX = 2,
	AIRDOCKD_FOLDER_DRAFTS = 3,
	AIRDOCKD_FOLDER_DELETED = 4,
	AIRDOCKD_FOLDER_SENT = 5,
	AIRDOCKD_FOLDER_OUTBOX = 6,
	AIRDOCKD_FOLDER_TASKS = 7,
	AIRDOCKD_FOLDER_CALENDAR = 8,
	AIRDOCKD_FOLDER_CONTACTS = 9,
	AIRDOCKD_FOLDER_NOTES = 10,
	AIRDOCKD_FOLDER_JOURNAL = 11,
	AIRDOCKD_FOLDER_USER_MAIL = 12,
	AIRDOCKD_FOLDER_USER_CALENDAR = 13,
	AIRDOCKD_FOLDER_USER_CONTACTS = 14,
	AIRDOCKD_FOLDER_USER_TASKS = 15,
	AIRDOCKD_FOLDER_USER_JOURNAL = 16,
	AIRDOCKD_FOLDER_USER_NOTES = 17,
	AIRDOCKD_FOLDER_UNKNOWN = 18,
	AIRDOCKD_FOLDER_RECIPIENT_CACHE = 19,
} AirdockdFolderType;

/* ParentId of top-level folders ([MS-ASCMD]: "0" is the root). */
#define AIRDOCKD_FOLDER_ROOT "0"

typedef struct {
	gint64 id;		/* store row id (internal) */
	gint64 user_id;
	char *server_id;	/* stable EAS ServerId, unique per user, never reused */
	char *parent_id;	/* server id of the parent, AIRDOCKD_FOLDER_ROOT at top */
	char *display_name;
	AirdockdFolderType type;
	gint64 modseq;		/* hierarchy counter of the last change to this folder */
	gboolean deleted;	/* tombstone (only in change lists) */
	AirdockdChangeKind change;	/* set in change lists; 0 elsewhere */
} AirdockdFolder;

void airdockd_folder_free (AirdockdFolder *folder);

/* Live folders of the user, parents before children (AirdockdFolder). */
GPtrArray *airdockd_store_folder_list (AirdockdStore *store, gint64 user_id, GError **error);
AirdockdFolder *airdockd_store_folder_get (AirdockdStore *store,
					   gint64 user_id,
					   const char *server_id,
					   GError **error);
/* The user's folder of a standard type (Inbox, Sent Items, …). */
AirdockdFolder *airdockd_store_folder_get_by_type (AirdockdStore *store,
						   gint64 user_id,
						   AirdockdFolderType type,
						   GError **error);
/* type must be a user type (1, 12–17).  parent_id AIRDOCKD_FOLDER_ROOT or a
 * live folder; EXISTS if the parent already has a child of that name. */
AirdockdFolder *airdockd_store_folder_create (AirdockdStore *store,
					      gint64 user_id,
					      const char *parent_id,
					      const char *display_name,
					      AirdockdFolderType type,
					      GError **error);
/* Rename and/or move (FolderUpdate).  SPECIAL_FOLDER for standard folders,
 * PARENT for a missing parent or a cycle, EXISTS for a name clash. */
gboolean airdockd_store_folder_update (AirdockdStore *store,
				       gint64 user_id,
				       const char *server_id,
				       const char *new_parent_id,
				       const char *new_display_name,
				       GError **error);
/* Deletes a user folder, its subfolders and their items (tombstones for
 * all).  SPECIAL_FOLDER for standard folders. */
gboolean airdockd_store_folder_delete (AirdockdStore *store,
				       gint64 user_id,
				       const char *server_id,
				       GError **error);
/* Current hierarchy counter of the user. */
gint64 airdockd_store_folder_modseq (AirdockdStore *store, gint64 user_id, GError **error);
/* Folders added, changed or deleted after since_modseq, ordered by modseq
 * (AirdockdFolder; deleted ones have deleted = TRUE and only server_id and
 * modseq are meaningful) and folder->change set: ADD if created after
 * since_modseq, DELETE for tombstones, else CHANGE.  A folder created and
 * deleted since then is left out. */
GPtrArray *airdockd_store_folder_changes (AirdockdStore *store,
					  gint64 user_id,
					  gint64 since_modseq,
					  GError **error);


/* ---------------------------------------------------------------- items */

typedef enum {
	AIRDOCKD_ITEM_EMAIL = 1,
	AIRDOCKD_ITEM_CONTACT = 2,
	AIRDOCKD_ITEM_CALENDAR = 3,
	AIRDOCKD_ITEM_TASK = 4,
	AIRDOCKD_ITEM_NOTE = 5,
} AirdockdItemClass;

/* [MS-ASEMAIL] Flag Status */
typedef enum {
	AIRDOCKD_FLAG_CLEARED = 0,
	AIRDOCKD_FLAG_COMPLETE = 1,
	AIRDOCKD_FLAG_ACTIVE = 2,
} AirdockdFlagStatus;

/* [MS-ASEMAIL] Importance */
typedef enum {
	AIRDOCKD_IMPORTANCE_LOW = 0,
	AIRDOCKD_IMPORTANCE_NORMAL = 1,
	AIRDOCKD_IMPORTANCE_HIGH = 2,
} AirdockdImportance;

typedef struct {
	char *flag_type;	/* e.g. "for Follow Up"; NULL = none */
	gint64 start_date;	/* 0 = none */
	gint64 due_date;
	gint64 complete_time;
	gint64 reminder_time;
	AirdockdFlagStatus status;
} AirdockdItemFlag;

typedef struct {
	gint64 id;		/* store row id (internal) */
	gint64 user_id;
	char *server_id;	/* "<folder server id>:<n>", unique per user, never reused */
	char *folder_id;	/* folder server id */
	AirdockdItemClass item_class;
	gint64 modseq;		/* item counter of the last change */
	gint64 created_modseq;	/* item counter when it was added to this folder */
	gboolean deleted;	/* tombstone (only in change lists) */
	AirdockdChangeKind change;	/* set in change lists; 0 elsewhere */

	/* Email (NULL/0 for other classes).  Header values are decoded UTF-8. */
	char *from;
	char *to;
	char *cc;
	char *reply_to;
	char *subject;
	char *message_id;	/* without <> */
	char *thread_id;	/* conversation key: root Message-ID of References/In-Reply-To, else own */
	gint64 date_received;	/* Date: header, else delivery time */
	gint64 size;		/* bytes of the raw message */
	gboolean read;
	AirdockdItemFlag flag;
	AirdockdImportance importance;
	gboolean has_attachments;
	char *preview;		/* first ≤ 255 chars of the plain text */
	char *plain_type;	/* content type of the best text/plain part, NULL = none */
	char *html_type;	/* content type of the best text/html part, NULL = none */
	char *message_path;	/* absolute path of the raw RFC 822 file; NULL if none */

	/* Other classes: the item, encoded by its module (owned) */
	GBytes *data;
} AirdockdItem;

void airdockd_item_free (AirdockdItem *item);

typedef struct {
	guint index;		/* 0-based, stable for a message: order of airdockd-mime's walk */
	char *file_name;	/* decoded UTF-8; may be NULL */
	char *content_type;	/* "type/subtype" */
	char *content_id;	/* without <>; may be NULL */
	gint64 size;		/* decoded size in bytes */
	gboolean is_inline;
} AirdockdAttachment;

void airdockd_attachment_free (AirdockdAttachment *attachment);

/* A temporary file in data_dir/tmp (same file system as the message files)
 * for building a message before airdockd_store_add_message().  Returns a
 * stream to write to; *out_path is the file's path.  The caller closes the
 * stream and unlinks the path when done (also after a successful add: the
 * add links or copies the file into place, so one temp file can go to
 * several users). */
GOutputStream *airdockd_store_temp_file_new (AirdockdStore *store,
					     char **out_path,
					     GError **error);

/* Adds the RFC 822 message in path (read-only; stays the caller's) to a
 * folder: parses it with airdockd-mime for the item's fields and attachment
 * list, places a copy under data_dir/users/<user id>/ (fsync'd, renamed into
 * place inside the write transaction, so the file exists iff the row
 * committed), bumps the user's item counter and calls the change hooks.
 * read: the initial read flag (FALSE for delivery, TRUE for Sent Items).
 * date_received comes from the Date: header, else the delivery time.
 * Unparseable mail is still stored (fields empty but size).  Errors:
 * NOT_FOUND (folder), FAILED/BUSY, or AIRDOCKD_MIME_ERROR_FAILED when path
 * cannot be read. */
AirdockdItem *airdockd_store_add_message (AirdockdStore *store,
					  gint64 user_id,
					  const char *folder_id,
					  const char *path,
					  gboolean read,
					  GError **error);

/* Adds a non-mail item (item_class != EMAIL) carrying data (the module's
 * encoding).  Returns the new item with its server id. */
AirdockdItem *airdockd_store_add_item (AirdockdStore *store,
				       gint64 user_id,
				       const char *folder_id,
				       AirdockdItemClass item_class,
				       GBytes *data,
				       GError **error);
/* Replaces a non-mail item's data (a change). */
gboolean airdockd_store_item_set_data (AirdockdStore *store,
				       gint64 user_id,
				       const char *server_id,
				       GBytes *data,
				       GError **error);

AirdockdItem *airdockd_store_item_get (AirdockdStore *store,
				       gint64 user_id,
				       const char *server_id,
				       GError **error);
/* Live items of a folder ordered by id.  min_date_received > 0 keeps only
 * mail received at or after it (FilterType windows). */
GPtrArray *airdockd_store_item_list (AirdockdStore *store,
				     gint64 user_id,
				     const char *folder_id,
				     gint64 min_date_received,
				     GError **error);
/* Items of the folder whose modseq > since_modseq, ordered by modseq, at most
 * limit (0 = no limit).  Each has item->deleted set for deletes (then only
 * server_id, folder_id and modseq are meaningful) and item->change
 * set (ADD: added to this folder after since_modseq, incl. moved in).  Items added and
 * deleted after since are left out.  *out_more (nullable) says whether more
 * remain after the last returned one: ask again with its modseq. */
GPtrArray *airdockd_store_item_changes (AirdockdStore *store,
					gint64 user_id,
					const char *folder_id,
					gint64 since_modseq,
					guint limit,
					gboolean *out_more,
					GError **error);
/* Number of changes airdockd_store_item_changes (…, since, 0) would list. */
gboolean airdockd_store_item_count_changes (AirdockdStore *store,
					    gint64 user_id,
					    const char *folder_id,
					    gint64 since_modseq,
					    guint64 *out_count,
					    GError **error);
/* Number of live items in a folder. */
gboolean airdockd_store_item_count (AirdockdStore *store,
				    gint64 user_id,
				    const char *folder_id,
				    guint64 *out_count,
				    GError **error);
/* Current item counter of the user. */
gint64 airdockd_store_item_modseq (AirdockdStore *store, gint64 user_id, GError **error);

gboolean airdockd_store_item_set_read (AirdockdStore *store,
				       gint64 user_id,
				       const char *server_id,
				       gboolean read,
				       GError **error);
gboolean airdockd_store_item_set_flag (AirdockdStore *store,
				       gint64 user_id,
				       const char *server_id,
				       const AirdockdItemFlag *flag,
				       GError **error);
/* MoveItems: the item gets a new server id in the destination (returned);
 * the source folder sees a delete.  Moving into its own folder is INVALID. */
char *airdockd_store_item_move (AirdockdStore *store,
				gint64 user_id,
				const char *server_id,
				const char *dest_folder_id,
				GError **error);
/* Deletes (tombstone) the item and its message file. */
gboolean airdockd_store_item_delete (AirdockdStore *store,
				     gint64 user_id,
				     const char *server_id,
				     GError **error);
/* Deletes every item of the folder (and, with subfolders, deletes them too). */
gboolean airdockd_store_folder_empty (AirdockdStore *store,
				      gint64 user_id,
				      const char *folder_id,
				      gboolean subfolders,
				      GError **error);
/* Attachment list recorded at add time (AirdockdAttachment).  Read an
 * attachment's bytes with airdockd_mime_write_attachment (item->message_path,
 * index, …). */
GPtrArray *airdockd_store_item_attachments (AirdockdStore *store,
					    gint64 user_id,
					    const char *server_id,
					    GError **error);

/* ----------------------------------------------------------- sync state */

/* Generic per-(device, collection) state; the Sync/FolderSync handlers
 * decide what goes in.  For the folder hierarchy use collection id
 * AIRDOCKD_SYNC_HIERARCHY. */
#define AIRDOCKD_SYNC_HIERARCHY ""

typedef struct {
	char *sync_key;		/* current key; NULL = none */
	char *prev_key;		/* previous key (for a repeated request); NULL = none */
	GBytes *prev_response;	/* response sent for prev_key → sync_key; may be NULL */
	GBytes *options;	/* Options as the handler encodes them; may be NULL */
	gint64 last_modseq;	/* counter the device has seen */
	GBytes *data;		/* anything else the handler wants; may be NULL */
} AirdockdSyncState;

void airdockd_sync_state_free (AirdockdSyncState *state);

/* NOT_FOUND if nothing was stored for (device, collection). */
AirdockdSyncState *airdockd_store_sync_state_get (AirdockdStore *store,
						  gint64 user_id,
						  gint64 device_id,
						  const char *collection_id,
						  GError **error);
gboolean airdockd_store_sync_state_put (AirdockdStore *store,
					gint64 user_id,
					gint64 device_id,
					const char *collection_id,
					const AirdockdSyncState *state,
					GError **error);
/* collection_id NULL = every collection of the device (incl. hierarchy).
 * Also clears the device item sets of those collections. */
gboolean airdockd_store_sync_state_delete (AirdockdStore *store,
					   gint64 user_id,
					   gint64 device_id,
					   const char *collection_id,
					   GError **error);

/* Stamps now as the last successful sync of the collection (which must
 * have a stored state: NOT_FOUND otherwise) and of the device.  Handlers
 * call it when a Sync collection or a FolderSync answered Status 1;
 * airdockd_store_sync_state_put keeps the stamp. */
gboolean airdockd_store_sync_state_touch (AirdockdStore *store,
					  gint64 user_id,
					  gint64 device_id,
					  const char *collection_id,
					  GError **error);

/* One collection a device syncs (for administrators). */
typedef struct {
	char *collection_id;	/* folder ServerId; AIRDOCKD_SYNC_HIERARCHY for FolderSync */
	gint64 last_sync;	/* 0 = no successful sync recorded yet */
} AirdockdSyncInfo;

void airdockd_sync_info_free (AirdockdSyncInfo *info);

/* Every collection with a stored state for the device, ordered by id
 * (AirdockdSyncInfo elements). */
GPtrArray *airdockd_store_sync_state_list (AirdockdStore *store,
					   gint64 user_id,
					   gint64 device_id,
					   GError **error);

/* The set of item server ids a device holds in a collection, each with a
 * number the handler chooses (e.g. the item's modseq when sent).
 * Returns char * → gint64 * (both owned by the table). */
GHashTable *airdockd_store_device_items_get (AirdockdStore *store,
					     gint64 user_id,
					     gint64 device_id,
					     const char *collection_id,
					     GError **error);
/* Adds or updates one entry. */
gboolean airdockd_store_device_items_set (AirdockdStore *store,
					  gint64 user_id,
					  gint64 device_id,
					  const char *collection_id,
					  const char *server_id,
					  gint64 value,
					  GError **error);
gboolean airdockd_store_device_items_remove (AirdockdStore *store,
					     gint64 user_id,
					     gint64 device_id,
					     const char *collection_id,
					     const char *server_id,
					     GError **error);
/* Removes all entries of the collection. */
gboolean airdockd_store_device_items_clear (AirdockdStore *store,
					    gint64 user_id,
					    gint64 device_id,
					    const char *collection_id,
					    GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdStore, airdockd_store_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdUser, airdockd_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdOof, airdockd_oof_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdDevice, airdockd_device_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdFolder, airdockd_folder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdItem, airdockd_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdAttachment, airdockd_attachment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdSyncState, airdockd_sync_state_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdSyncInfo, airdockd_sync_info_free)

G_END_DECLS
