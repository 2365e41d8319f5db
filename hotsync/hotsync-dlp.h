/* DLP, the Desktop Link Protocol: the commands a desktop sends a handheld.
 *
 * Request: cmd u8, argc u8, arguments.  Response: cmd|0x80, argc u8, error
 * u16, arguments.  An argument is tiny (id, len u8, data; len < 0xFF), small
 * (id|0x80, 0, len u16, data) or long (id|0x40, 0, len u32, data); ids start
 * at 0x20.  All integers big-endian.
 *
 * Two levels:
 *   - HotsyncDlpMessage: the generic form (command, error, arguments with the
 *     form each came in), which parses and re-encodes byte for byte;
 *   - HotsyncDlpRequest / HotsyncDlpResponse: typed commands.  The commands of
 *     protocols/hotsync.md have typed fields; other known commands (CreateDB,
 *     DeleteDB, ReadSortBlock, …) are checked against the argument sizes they
 *     take and keep their arguments in ->raw.
 * Strings (database names, user name, log text) stay in the handheld's code
 * page, without their NUL: convert with hotsync-text.h at the edge.
 *
 * Limits: the message length and the argument count are checked against
 * HotsyncDlpLimits (defaults in hotsync-limits.h).
 * Errors: HOTSYNC_DLP_ERROR. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HOTSYNC_DLP_ERROR (hotsync_dlp_error_quark ())
GQuark hotsync_dlp_error_quark (void);

typedef enum {
	HOTSYNC_DLP_ERROR_MALFORMED,        /* truncated, bad argument header, trailing bytes */
	HOTSYNC_DLP_ERROR_TOO_LONG,         /* message or argument count above the limit */
	HOTSYNC_DLP_ERROR_UNKNOWN_COMMAND,  /* command byte not in the table */
	HOTSYNC_DLP_ERROR_BAD_ARGUMENT,     /* missing argument, wrong size, no NUL */
	HOTSYNC_DLP_ERROR_MISMATCH,         /* response to another command */
} HotsyncDlpError;

typedef enum {
	HOTSYNC_DLP_CMD_READ_USER_INFO = 0x10,
	HOTSYNC_DLP_CMD_WRITE_USER_INFO = 0x11,
	HOTSYNC_DLP_CMD_READ_SYS_INFO = 0x12,
	HOTSYNC_DLP_CMD_GET_SYS_DATE_TIME = 0x13,
	HOTSYNC_DLP_CMD_SET_SYS_DATE_TIME = 0x14,
	HOTSYNC_DLP_CMD_READ_STORAGE_INFO = 0x15,
	HOTSYNC_DLP_CMD_READ_DB_LIST = 0x16,
	HOTSYNC_DLP_CMD_OPEN_DB = 0x17,
	HOTSYNC_DLP_CMD_CREATE_DB = 0x18,
	HOTSYNC_DLP_CMD_CLOSE_DB = 0x19,
	HOTSYNC_DLP_CMD_DELETE_DB = 0x1A,
	HOTSYNC_DLP_CMD_READ_APP_BLOCK = 0x1B,
	HOTSYNC_DLP_CMD_WRITE_APP_BLOCK = 0x1C,
	HOTSYNC_DLP_CMD_READ_SORT_BLOCK = 0x1D,
	HOTSYNC_DLP_CMD_WRITE_SORT_BLOCK = 0x1E,
	HOTSYNC_DLP_CMD_READ_NEXT_MODIFIED_REC = 0x1F,
	HOTSYNC_DLP_CMD_READ_RECORD = 0x20,
	HOTSYNC_DLP_CMD_WRITE_RECORD = 0x21,
	HOTSYNC_DLP_CMD_DELETE_RECORD = 0x22,
	HOTSYNC_DLP_CMD_READ_RESOURCE = 0x23,
	HOTSYNC_DLP_CMD_WRITE_RESOURCE = 0x24,
	HOTSYNC_DLP_CMD_DELETE_RESOURCE = 0x25,
	HOTSYNC_DLP_CMD_CLEAN_UP_DATABASE = 0x26,
	HOTSYNC_DLP_CMD_RESET_SYNC_FLAGS = 0x27,
	HOTSYNC_DLP_CMD_ADD_SYNC_LOG_ENTRY = 0x2A,
	HOTSYNC_DLP_CMD_READ_OPEN_DB_INFO = 0x2B,
	HOTSYNC_DLP_CMD_OPEN_CONDUIT = 0x2E,
	HOTSYNC_DLP_CMD_END_OF_SYNC = 0x2F,
	HOTSYNC_DLP_CMD_RESET_RECORD_INDEX = 0x30,
	HOTSYNC_DLP_CMD_READ_RECORD_ID_LIST = 0x31,
	HOTSYNC_DLP_CMD_READ_NET_SYNC_INFO = 0x36,
	HOTSYNC_DLP_CMD_WRITE_NET_SYNC_INFO = 0x37,
	HOTSYNC_DLP_CMD_FIND_DB = 0x39,
} HotsyncDlpCommand;

#define HOTSYNC_DLP_RESPONSE_BIT 0x80
#define HOTSYNC_DLP_ARG_FIRST 0x20

/* Error codes of a response. */
typedef enum {
	HOTSYNC_DLP_STATUS_NONE = 0x00,
	HOTSYNC_DLP_STATUS_SYSTEM = 0x01,
	HOTSYNC_DLP_STATUS_ILLEGAL_REQUEST = 0x02,
	HOTSYNC_DLP_STATUS_MEMORY = 0x03,
	HOTSYNC_DLP_STATUS_PARAMETER = 0x04,
	HOTSYNC_DLP_STATUS_NOT_FOUND = 0x05,
	HOTSYNC_DLP_STATUS_NONE_OPEN = 0x06,
	HOTSYNC_DLP_STATUS_ALREADY_OPEN = 0x07,
	HOTSYNC_DLP_STATUS_TOO_MANY_OPEN = 0x08,
	HOTSYNC_DLP_STATUS_EXISTS = 0x09,
	HOTSYNC_DLP_STATUS_CANT_OPEN = 0x0A,
	HOTSYNC_DLP_STATUS_DELETED = 0x0B,
	HOTSYNC_DLP_STATUS_BUSY = 0x0C,
	HOTSYNC_DLP_STATUS_NOT_SUPPORTED = 0x0D,
	HOTSYNC_DLP_STATUS_READ_ONLY = 0x0F,
	HOTSYNC_DLP_STATUS_SPACE = 0x10,
	HOTSYNC_DLP_STATUS_LIMIT = 0x11,
	HOTSYNC_DLP_STATUS_SYNC = 0x12,
	HOTSYNC_DLP_STATUS_WRAPPER = 0x13,
	HOTSYNC_DLP_STATUS_ARGUMENT = 0x14,
	HOTSYNC_DLP_STATUS_SIZE = 0x15,
	HOTSYNC_DLP_STATUS_UNKNOWN = 0x7F,
} HotsyncDlpStatus;

/* Static names; NULL for an unknown command, "unknown" for an unknown status. */
const char *hotsync_dlp_command_name (guint8 cmd);
const char *hotsync_dlp_status_name (guint16 status);

/* Flags of ReadDBList, OpenDB, DeleteRecord, FindDB, EndOfSync. */
#define HOTSYNC_DLP_DBLIST_RAM 0x80
#define HOTSYNC_DLP_DBLIST_ROM 0x40
#define HOTSYNC_DLP_DBLIST_MULTIPLE 0x20
#define HOTSYNC_DLP_DBLIST_MORE 0x80
#define HOTSYNC_DLP_OPEN_READ 0x80
#define HOTSYNC_DLP_OPEN_WRITE 0x40
#define HOTSYNC_DLP_OPEN_EXCLUSIVE 0x20
#define HOTSYNC_DLP_OPEN_SECRET 0x10
#define HOTSYNC_DLP_DELETE_ALL 0x80
#define HOTSYNC_DLP_DELETE_CATEGORY 0x40
#define HOTSYNC_DLP_FIND_ATTRIBUTES 0x80
#define HOTSYNC_DLP_FIND_SIZES 0x40
typedef enum {
	HOTSYNC_DLP_END_OK = 0,
	HOTSYNC_DLP_END_OUT_OF_MEMORY = 1,
	HOTSYNC_DLP_END_USER_CANCEL = 2,
	HOTSYNC_DLP_END_OTHER = 3,
} HotsyncDlpEndStatus;

typedef struct {
	gsize max_message;  /* HOTSYNC_DLP_MAX_MESSAGE_DEFAULT */
	guint max_args;     /* HOTSYNC_DLP_MAX_ARGS_DEFAULT */
} HotsyncDlpLimits;

/* The defaults of hotsync-limits.h. */
const HotsyncDlpLimits *hotsync_dlp_limits_default (void);

/* ---- Generic messages ---- */

typedef enum {
	HOTSYNC_DLP_ARG_TINY,
	HOTSYNC_DLP_ARG_SMALL,
	HOTSYNC_DLP_ARG_LONG,
} HotsyncDlpArgForm;

typedef struct {
	guint8 id;               /* 0x20 … 0x3F */
	HotsyncDlpArgForm form;
	GBytes *data;
} HotsyncDlpArg;

typedef struct {
	guint8 cmd;              /* without the response bit */
	gboolean is_response;
	guint16 error;           /* responses only */
	GArray *args;            /* HotsyncDlpArg, owns their data */
} HotsyncDlpMessage;

HotsyncDlpMessage *hotsync_dlp_message_new (guint8 cmd, gboolean is_response);
void hotsync_dlp_message_free (HotsyncDlpMessage *msg);
HotsyncDlpMessage *hotsync_dlp_message_copy (const HotsyncDlpMessage *msg);

/* Appends an argument in the smallest form that holds len bytes. */
void hotsync_dlp_message_add_arg (HotsyncDlpMessage *msg, guint8 id, const guint8 *data, gsize len);
/* The first argument with this id, or NULL. */
const HotsyncDlpArg *hotsync_dlp_message_get_arg (const HotsyncDlpMessage *msg, guint8 id);

/* is_response selects the header form; a response's cmd byte must carry the
 * response bit, a request's must not. */
HotsyncDlpMessage *hotsync_dlp_message_parse (const guint8           *data,
                                              gsize                   len,
                                              gboolean                is_response,
                                              const HotsyncDlpLimits *limits,
                                              GError                **error);
/* Each argument in the form it carries: a parsed message re-encodes to its
 * bytes, except that the pad byte of small and long argument headers, which
 * parsing ignores, is written as 0. */
GBytes *hotsync_dlp_message_encode (const HotsyncDlpMessage *msg);

/* ---- Typed commands ---- */

/* 8 bytes on the wire; all zero means "no date". */
typedef struct {
	guint16 year;
	guint8 month;   /* 1–12 */
	guint8 day;
	guint8 hour;
	guint8 minute;
	guint8 second;
	guint8 pad;     /* unused; kept so that decoded dates re-encode exactly
	                   (some handhelds leave garbage there) */
} HotsyncDlpDate;

gboolean hotsync_dlp_date_is_set (const HotsyncDlpDate *date);
/* UTC/local is the caller's business: Palm dates carry no zone.  NULL for an
 * unset or impossible date. */
GDateTime *hotsync_dlp_date_to_date_time (const HotsyncDlpDate *date, GTimeZone *tz);
void hotsync_dlp_date_from_date_time (GDateTime *dt, HotsyncDlpDate *out_date);

typedef struct {
	guint32 user_id;
	guint32 viewer_id;
	guint32 last_sync_pc;
	HotsyncDlpDate successful_sync_date;  /* ReadUserInfo only */
	HotsyncDlpDate last_sync_date;
	guint8 mod_flags;                     /* WriteUserInfo only */
	char *user_name;                      /* NULL or "" when none */
	GBytes *password;                     /* ReadUserInfo only; NULL when none */
} HotsyncDlpUserInfo;

#define HOTSYNC_DLP_USER_MOD_USER_ID 0x80
#define HOTSYNC_DLP_USER_MOD_SYNC_PC 0x40
#define HOTSYNC_DLP_USER_MOD_SYNC_DATE 0x20
#define HOTSYNC_DLP_USER_MOD_NAME 0x10
#define HOTSYNC_DLP_USER_MOD_VIEWER_ID 0x08

typedef struct {
	guint32 rom_version;
	guint32 locale;
	GBytes *product_id;
	gboolean has_dlp_version;   /* arg 0x21 present (DLP 1.2+) */
	guint16 dlp_major;
	guint16 dlp_minor;
	guint16 compat_major;
	guint16 compat_minor;
	guint32 max_rec_size;
} HotsyncDlpSysInfo;

typedef struct {
	guint8 misc_flags;
	guint16 flags;
	guint32 type;
	guint32 creator;
	guint16 version;
	guint32 mod_num;
	HotsyncDlpDate created;
	HotsyncDlpDate modified;
	HotsyncDlpDate backed_up;
	guint16 index;
	char *name;
} HotsyncDlpDbInfo;

void hotsync_dlp_db_info_free (HotsyncDlpDbInfo *info);

typedef struct {
	guint8 cmd;
	/* By command: */
	guint8 handle;          /* OpenDB… handle-taking commands */
	gboolean close_all;     /* CloseDB without arguments */
	guint8 card;            /* ReadDBList, OpenDB, FindDB */
	guint8 flags;           /* ReadDBList flags, OpenDB mode, WriteRecord,
	                           DeleteRecord, FindDB option flags */
	guint16 start;          /* ReadDBList */
	gboolean by_index;      /* ReadRecord: arg 0x21 (by index) */
	gboolean by_handle;     /* FindDB: arg 0x21 (by open handle) */
	guint16 index;          /* ReadRecord by index */
	guint16 offset;         /* ReadAppBlock, ReadRecord */
	guint16 max_len;        /* ReadAppBlock, ReadRecord (0xFFFF = all) */
	guint32 rec_id;         /* ReadRecord, WriteRecord (0 = new), DeleteRecord
	                           (with HOTSYNC_DLP_DELETE_CATEGORY: the category) */
	guint8 attr;            /* WriteRecord */
	guint8 category;        /* WriteRecord */
	char *name;             /* OpenDB, FindDB */
	char *text;             /* AddSyncLogEntry */
	GBytes *data;           /* WriteRecord */
	guint16 status;         /* EndOfSync */
	guint16 host_major;     /* ReadSysInfo */
	guint16 host_minor;
	HotsyncDlpUserInfo user; /* WriteUserInfo */
	HotsyncDlpMessage *raw; /* commands without typed fields */
} HotsyncDlpRequest;

HotsyncDlpRequest *hotsync_dlp_request_new (guint8 cmd);
void hotsync_dlp_request_free (HotsyncDlpRequest *req);

/* Decodes and checks a request (known command, argument sizes, NULs). */
HotsyncDlpRequest *hotsync_dlp_request_decode (const guint8           *data,
                                               gsize                   len,
                                               const HotsyncDlpLimits *limits,
                                               GError                **error);
/* Encodes a typed request; a request with ->raw encodes ->raw. */
GBytes *hotsync_dlp_request_encode (const HotsyncDlpRequest *req);

typedef struct {
	guint8 cmd;
	guint16 error;              /* HotsyncDlpStatus; typed fields only when 0 */
	HotsyncDlpUserInfo user;    /* ReadUserInfo */
	HotsyncDlpSysInfo sys;      /* ReadSysInfo */
	guint16 last_index;         /* ReadDBList */
	guint8 list_flags;          /* ReadDBList: HOTSYNC_DLP_DBLIST_MORE */
	GPtrArray *dbs;             /* ReadDBList: HotsyncDlpDbInfo; FindDB: one */
	guint8 handle;              /* OpenDB */
	guint32 rec_id;             /* records, WriteRecord */
	guint16 index;              /* records */
	guint8 attr;                /* records */
	guint8 category;            /* records */
	GBytes *data;               /* ReadAppBlock, records */
	guint16 num_records;        /* ReadOpenDBInfo */
	guint8 card;                /* FindDB */
	guint32 local_id;           /* FindDB */
	guint32 open_ref;           /* FindDB */
	gboolean has_sizes;         /* FindDB arg 0x21 */
	guint32 sizes[6];           /* FindDB: records, total, data, app block, sort block, max record */
	HotsyncDlpMessage *raw;     /* commands without typed fields */
} HotsyncDlpResponse;

HotsyncDlpResponse *hotsync_dlp_response_new (guint8 cmd, guint16 error);
void hotsync_dlp_response_free (HotsyncDlpResponse *resp);

/* Decodes a response to a request with command request_cmd; a response to
 * another command fails with HOTSYNC_DLP_ERROR_MISMATCH. */
HotsyncDlpResponse *hotsync_dlp_response_decode (const guint8           *data,
                                                 gsize                   len,
                                                 guint8                  request_cmd,
                                                 const HotsyncDlpLimits *limits,
                                                 GError                **error);
GBytes *hotsync_dlp_response_encode (const HotsyncDlpResponse *resp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncDlpMessage, hotsync_dlp_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncDlpRequest, hotsync_dlp_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncDlpResponse, hotsync_dlp_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HotsyncDlpDbInfo, hotsync_dlp_db_info_free)

G_END_DECLS
