/* DLP: see hotsync-dlp.h.  Layouts from protocols/hotsync.md. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-dlp.h"
#include "hotsync/hotsync-limits.h"
#include "hotsync/hotsync-private.h"

G_DEFINE_QUARK (hotsync-dlp-error-quark, hotsync_dlp_error)

#define DATE_LEN 8
#define DB_NAME_MAX 32          /* 31 characters and the NUL */
#define DB_ENTRY_FIXED 44       /* a ReadDBList entry before its name */
#define USER_NAME_MAX 41        /* 40 characters and the NUL */

/* Commands without typed fields: the arguments their requests may carry. */
typedef struct {
	guint8 id;
	guint32 min_len;
	guint32 max_len;
} ArgShape;

typedef struct {
	guint8 cmd;
	const char *name;
	gboolean typed;
	guint min_args;
	guint max_args;
	ArgShape shapes[2];  /* id 0 = unused */
} CommandInfo;

static const CommandInfo commands[] = {
	{ 0x10, "ReadUserInfo", TRUE, 0, 0, { { 0 } } },
	{ 0x11, "WriteUserInfo", TRUE, 1, 1, { { 0 } } },
	{ 0x12, "ReadSysInfo", TRUE, 0, 1, { { 0 } } },
	{ 0x13, "GetSysDateTime", FALSE, 0, 0, { { 0 } } },
	{ 0x14, "SetSysDateTime", FALSE, 1, 1, { { 0x20, 8, 8 } } },
	{ 0x15, "ReadStorageInfo", FALSE, 1, 1, { { 0x20, 2, 2 } } },
	{ 0x16, "ReadDBList", TRUE, 1, 1, { { 0 } } },
	{ 0x17, "OpenDB", TRUE, 1, 1, { { 0 } } },
	{ 0x18, "CreateDB", FALSE, 1, 1, { { 0x20, 15, 14 + DB_NAME_MAX } } },
	{ 0x19, "CloseDB", TRUE, 0, 1, { { 0 } } },
	{ 0x1A, "DeleteDB", FALSE, 1, 1, { { 0x20, 3, 2 + DB_NAME_MAX } } },
	{ 0x1B, "ReadAppBlock", TRUE, 1, 1, { { 0 } } },
	{ 0x1C, "WriteAppBlock", FALSE, 1, 1, { { 0x20, 4, HOTSYNC_RECORD_MAX_SIZE + 4 } } },
	{ 0x1D, "ReadSortBlock", FALSE, 1, 1, { { 0x20, 6, 6 } } },
	{ 0x1E, "WriteSortBlock", FALSE, 1, 1, { { 0x20, 4, HOTSYNC_RECORD_MAX_SIZE + 4 } } },
	{ 0x1F, "ReadNextModifiedRec", TRUE, 1, 1, { { 0 } } },
	{ 0x20, "ReadRecord", TRUE, 1, 1, { { 0 } } },
	{ 0x21, "WriteRecord", TRUE, 1, 1, { { 0 } } },
	{ 0x22, "DeleteRecord", TRUE, 1, 1, { { 0 } } },
	{ 0x23, "ReadResource", FALSE, 1, 1, { { 0x20, 8, 8 }, { 0x21, 12, 12 } } },
	{ 0x24, "WriteResource", FALSE, 1, 1, { { 0x20, 10, HOTSYNC_RECORD_MAX_SIZE + 10 } } },
	{ 0x25, "DeleteResource", FALSE, 1, 1, { { 0x20, 8, 8 } } },
	{ 0x26, "CleanUpDatabase", TRUE, 1, 1, { { 0 } } },
	{ 0x27, "ResetSyncFlags", TRUE, 1, 1, { { 0 } } },
	{ 0x2A, "AddSyncLogEntry", TRUE, 1, 1, { { 0 } } },
	{ 0x2B, "ReadOpenDBInfo", TRUE, 1, 1, { { 0 } } },
	{ 0x2E, "OpenConduit", TRUE, 0, 0, { { 0 } } },
	{ 0x2F, "EndOfSync", TRUE, 1, 1, { { 0 } } },
	{ 0x30, "ResetRecordIndex", TRUE, 1, 1, { { 0 } } },
	{ 0x31, "ReadRecordIDList", FALSE, 1, 1, { { 0x20, 6, 6 } } },
	{ 0x36, "ReadNetSyncInfo", FALSE, 0, 0, { { 0 } } },
	{ 0x37, "WriteNetSyncInfo", FALSE, 1, 1, { { 0x20, 24, 24 + 3 * 256 } } },
	{ 0x39, "FindDB", TRUE, 1, 1, { { 0 } } },
};

static const CommandInfo *
command_info (guint8 cmd)
{
	for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
		if (commands[i].cmd == cmd)
			return &commands[i];
	return NULL;
}

const char *
hotsync_dlp_command_name (guint8 cmd)
{
	const CommandInfo *info = command_info (cmd);

	return info != NULL ? info->name : NULL;
}

const char *
hotsync_dlp_status_name (guint16 status)
{
	static const char *const names[] = {
		"none", "system", "illegal request", "memory", "parameter", "not found",
		"none open", "already open", "too many open", "exists", "can't open",
		"deleted", "busy", "not supported", NULL, "read-only", "space", "limit",
		"sync", "wrapper", "argument", "size",
	};

	if (status < G_N_ELEMENTS (names) && names[status] != NULL)
		return names[status];
	return "unknown";
}

const HotsyncDlpLimits *
hotsync_dlp_limits_default (void)
{
	static const HotsyncDlpLimits limits = {
		HOTSYNC_DLP_MAX_MESSAGE_DEFAULT, HOTSYNC_DLP_MAX_ARGS_DEFAULT,
	};

	return &limits;
}

/* ---- Generic messages ---- */

static void
arg_clear (gpointer p)
{
	HotsyncDlpArg *arg = p;

	g_clear_pointer (&arg->data, g_bytes_unref);
}

HotsyncDlpMessage *
hotsync_dlp_message_new (guint8 cmd, gboolean is_response)
{
	HotsyncDlpMessage *msg = g_new0 (HotsyncDlpMessage, 1);

	msg->cmd = cmd & 0x7f;
	msg->is_response = is_response;
	msg->args = g_array_new (FALSE, TRUE, sizeof (HotsyncDlpArg));
	g_array_set_clear_func (msg->args, arg_clear);
	return msg;
}

void
hotsync_dlp_message_free (HotsyncDlpMessage *msg)
{
	if (msg == NULL)
		return;
	g_array_unref (msg->args);
	g_free (msg);
}

HotsyncDlpMessage *
hotsync_dlp_message_copy (const HotsyncDlpMessage *msg)
{
	HotsyncDlpMessage *copy = hotsync_dlp_message_new (msg->cmd, msg->is_response);

	copy->error = msg->error;
	for (guint i = 0; i < msg->args->len; i++) {
		HotsyncDlpArg arg = g_array_index (msg->args, HotsyncDlpArg, i);

		arg.data = g_bytes_ref (arg.data);
		g_array_append_val (copy->args, arg);
	}
	return copy;
}

static void
add_arg_bytes (HotsyncDlpMessage *msg, guint8 id, HotsyncDlpArgForm form, GBytes *data)
{
	HotsyncDlpArg arg = { id, form, data };

	g_array_append_val (msg->args, arg);
}

void
hotsync_dlp_message_add_arg (HotsyncDlpMessage *msg, guint8 id, const guint8 *data, gsize len)
{
	HotsyncDlpArgForm form;

	g_return_if_fail (id >= HOTSYNC_DLP_ARG_FIRST && id <= 0x3f);
	g_return_if_fail (len <= G_MAXUINT32);
	if (len < 0xff)
		form = HOTSYNC_DLP_ARG_TINY;
	else if (len <= G_MAXUINT16)
		form = HOTSYNC_DLP_ARG_SMALL;
	else
		form = HOTSYNC_DLP_ARG_LONG;
	add_arg_bytes (msg, id, form, g_bytes_new (data, len));
}

static void
add_arg_take (HotsyncDlpMessage *msg, guint8 id, GByteArray *a)
{
	hotsync_dlp_message_add_arg (msg, id, a->data, a->len);
	g_byte_array_unref (a);
}

const HotsyncDlpArg *
hotsync_dlp_message_get_arg (const HotsyncDlpMessage *msg, guint8 id)
{
	for (guint i = 0; i < msg->args->len; i++) {
		const HotsyncDlpArg *arg = &g_array_index (msg->args, HotsyncDlpArg, i);

		if (arg->id == id)
			return arg;
	}
	return NULL;
}

static gboolean
parse_arg (HotsyncReader *r, GBytes *whole, HotsyncDlpMessage *msg, guint i, GError **error)
{
	guint8 id_byte, b;
	guint16 len16;
	guint32 len;
	HotsyncDlpArgForm form;

	if (!hotsync_reader_u8 (r, &id_byte))
		goto truncated;
	switch (id_byte & 0xc0) {
	case 0x00:
		form = HOTSYNC_DLP_ARG_TINY;
		if (!hotsync_reader_u8 (r, &b))
			goto truncated;
		len = b;
		break;
	case 0x80:
		form = HOTSYNC_DLP_ARG_SMALL;
		if (!hotsync_reader_skip (r, 1) || !hotsync_reader_u16 (r, &len16))
			goto truncated;
		len = len16;
		break;
	case 0x40:
		form = HOTSYNC_DLP_ARG_LONG;
		if (!hotsync_reader_skip (r, 1) || !hotsync_reader_u32 (r, &len))
			goto truncated;
		break;
	default:
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MALFORMED,
		             "DLP argument %u at offset %" G_GSIZE_FORMAT ": unknown form 0x%02x",
		             i, r->off - 1, id_byte & 0xc0u);
		return FALSE;
	}
	if ((id_byte & 0x3f) < HOTSYNC_DLP_ARG_FIRST) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MALFORMED,
		             "DLP argument %u: id 0x%02x below 0x20", i, id_byte & 0x3fu);
		return FALSE;
	}
	if (len > hotsync_reader_left (r)) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MALFORMED,
		             "DLP argument %u at offset %" G_GSIZE_FORMAT ": %" G_GUINT32_FORMAT " bytes, %" G_GSIZE_FORMAT " left",
		             i, r->off, len, hotsync_reader_left (r));
		return FALSE;
	}
	add_arg_bytes (msg, id_byte & 0x3f, form, g_bytes_new_from_bytes (whole, r->off, len));
	r->off += len;
	return TRUE;

truncated:
	g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MALFORMED,
	             "DLP argument %u: header cut short at offset %" G_GSIZE_FORMAT, i, r->len);
	return FALSE;
}

HotsyncDlpMessage *
hotsync_dlp_message_parse (const guint8           *data,
                           gsize                   len,
                           gboolean                is_response,
                           const HotsyncDlpLimits *limits,
                           GError                **error)
{
	g_autoptr (HotsyncDlpMessage) msg = NULL;
	g_autoptr (GBytes) whole = NULL;
	HotsyncReader r;
	guint8 cmd, argc;

	g_return_val_if_fail (data != NULL || len == 0, NULL);
	if (limits == NULL)
		limits = hotsync_dlp_limits_default ();
	if (len > limits->max_message) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_TOO_LONG,
		             "DLP message of %" G_GSIZE_FORMAT " bytes exceeds the limit of %" G_GSIZE_FORMAT,
		             len, limits->max_message);
		return NULL;
	}
	hotsync_reader_init (&r, data, len);
	if (!hotsync_reader_u8 (&r, &cmd) || !hotsync_reader_u8 (&r, &argc)) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MALFORMED,
		             "DLP message of %" G_GSIZE_FORMAT " bytes has no header", len);
		return NULL;
	}
	if (((cmd & HOTSYNC_DLP_RESPONSE_BIT) != 0) != (is_response != FALSE)) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MALFORMED,
		             "DLP: command byte 0x%02x is not a %s", cmd, is_response ? "response" : "request");
		return NULL;
	}
	if (argc > limits->max_args) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_TOO_LONG,
		             "DLP: %u arguments exceed the limit of %u", argc, limits->max_args);
		return NULL;
	}
	msg = hotsync_dlp_message_new (cmd, is_response);
	if (is_response && !hotsync_reader_u16 (&r, &msg->error)) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MALFORMED,
		             "DLP response of %" G_GSIZE_FORMAT " bytes has no error code", len);
		return NULL;
	}
	whole = g_bytes_new (data, len);
	for (guint i = 0; i < argc; i++)
		if (!parse_arg (&r, whole, msg, i, error))
			return NULL;
	if (hotsync_reader_left (&r) != 0) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MALFORMED,
		             "DLP: %" G_GSIZE_FORMAT " bytes after the last argument", hotsync_reader_left (&r));
		return NULL;
	}
	return g_steal_pointer (&msg);
}

GBytes *
hotsync_dlp_message_encode (const HotsyncDlpMessage *msg)
{
	g_autoptr (GByteArray) a = g_byte_array_new ();

	g_return_val_if_fail (msg->args->len <= G_MAXUINT8, NULL);
	hotsync_append_u8 (a, (guint8) (msg->cmd | (msg->is_response ? HOTSYNC_DLP_RESPONSE_BIT : 0)));
	hotsync_append_u8 (a, (guint8) msg->args->len);
	if (msg->is_response)
		hotsync_append_u16 (a, msg->error);
	for (guint i = 0; i < msg->args->len; i++) {
		const HotsyncDlpArg *arg = &g_array_index (msg->args, HotsyncDlpArg, i);
		gsize n;
		const guint8 *d = g_bytes_get_data (arg->data, &n);

		switch (arg->form) {
		case HOTSYNC_DLP_ARG_TINY:
			g_return_val_if_fail (n <= G_MAXUINT8, NULL);
			hotsync_append_u8 (a, arg->id);
			hotsync_append_u8 (a, (guint8) n);
			break;
		case HOTSYNC_DLP_ARG_SMALL:
			g_return_val_if_fail (n <= G_MAXUINT16, NULL);
			hotsync_append_u8 (a, arg->id | 0x80);
			hotsync_append_u8 (a, 0);
			hotsync_append_u16 (a, (guint16) n);
			break;
		case HOTSYNC_DLP_ARG_LONG:
		default:
			hotsync_append_u8 (a, arg->id | 0x40);
			hotsync_append_u8 (a, 0);
			hotsync_append_u32 (a, (guint32) n);
			break;
		}
		if (n > 0)
			g_byte_array_append (a, d, (guint) n);
	}
	return g_byte_array_free_to_bytes (g_steal_pointer (&a));
}

/* ---- Dates ---- */

gboolean
hotsync_dlp_date_is_set (const HotsyncDlpDate *d)
{
	return d->year != 0 || d->month != 0 || d->day != 0 || d->hour != 0 ||
	       d->minute != 0 || d->second != 0;
}

GDateTime *
hotsync_dlp_date_to_date_time (const HotsyncDlpDate *d, GTimeZone *tz)
{
	if (!hotsync_dlp_date_is_set (d) || d->year < 1 || d->year > 9999 || d->month < 1 ||
	    d->month > 12 || d->day < 1 || d->day > 31 || d->hour > 23 || d->minute > 59 ||
	    d->second > 59)
		return NULL;
	return g_date_time_new (tz, d->year, d->month, d->day, d->hour, d->minute, d->second);
}

void
hotsync_dlp_date_from_date_time (GDateTime *dt, HotsyncDlpDate *out_date)
{
	out_date->year = (guint16) g_date_time_get_year (dt);
	out_date->month = (guint8) g_date_time_get_month (dt);
	out_date->day = (guint8) g_date_time_get_day_of_month (dt);
	out_date->hour = (guint8) g_date_time_get_hour (dt);
	out_date->minute = (guint8) g_date_time_get_minute (dt);
	out_date->second = (guint8) g_date_time_get_second (dt);
	out_date->pad = 0;
}

static gboolean
read_date (HotsyncReader *r, HotsyncDlpDate *out)
{
	const guint8 *p;

	if (!hotsync_reader_bytes (r, DATE_LEN, &p))
		return FALSE;
	out->year = hotsync_get_u16 (p);
	out->month = p[2];
	out->day = p[3];
	out->hour = p[4];
	out->minute = p[5];
	out->second = p[6];
	out->pad = p[7];
	return TRUE;
}

static void
append_date (GByteArray *a, const HotsyncDlpDate *d)
{
	hotsync_append_u16 (a, d->year);
	hotsync_append_u8 (a, d->month);
	hotsync_append_u8 (a, d->day);
	hotsync_append_u8 (a, d->hour);
	hotsync_append_u8 (a, d->minute);
	hotsync_append_u8 (a, d->second);
	hotsync_append_u8 (a, d->pad);
}

/* A NUL-terminated string filling the rest of the reader (bytes after the
 * NUL, such as padding, are allowed).  max counts the NUL. */
static gboolean
read_cstring (HotsyncReader *r, gsize max, char **out)
{
	gsize left = hotsync_reader_left (r);
	const guint8 *p = r->data + r->off;
	const guint8 *nul = memchr (p, 0, MIN (left, max));

	if (nul == NULL)
		return FALSE;
	*out = g_strndup ((const char *) p, (gsize) (nul - p));
	r->off = r->len;
	return TRUE;
}

static void
append_cstring (GByteArray *a, const char *s)
{
	if (s != NULL)
		g_byte_array_append (a, (const guint8 *) s, (guint) strlen (s));
	hotsync_append_u8 (a, 0);
}

static gboolean
bad_arg (GError **error, guint8 cmd, const char *what)
{
	g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_BAD_ARGUMENT,
	             "DLP %s: %s", hotsync_dlp_command_name (cmd), what);
	return FALSE;
}

static void
user_info_clear (HotsyncDlpUserInfo *u)
{
	g_clear_pointer (&u->user_name, g_free);
	g_clear_pointer (&u->password, g_bytes_unref);
}

void
hotsync_dlp_db_info_free (HotsyncDlpDbInfo *info)
{
	if (info == NULL)
		return;
	g_free (info->name);
	g_free (info);
}

/* ---- Requests ---- */

HotsyncDlpRequest *
hotsync_dlp_request_new (guint8 cmd)
{
	HotsyncDlpRequest *req = g_new0 (HotsyncDlpRequest, 1);

	req->cmd = cmd;
	return req;
}

void
hotsync_dlp_request_free (HotsyncDlpRequest *req)
{
	if (req == NULL)
		return;
	g_free (req->name);
	g_free (req->text);
	g_clear_pointer (&req->data, g_bytes_unref);
	user_info_clear (&req->user);
	hotsync_dlp_message_free (req->raw);
	g_free (req);
}

/* The single argument of a request, as a reader. */
static gboolean
only_arg (const HotsyncDlpMessage *msg, guint8 id, HotsyncReader *r, GError **error)
{
	const HotsyncDlpArg *arg = hotsync_dlp_message_get_arg (msg, id);
	gsize n;

	if (arg == NULL || msg->args->len != 1) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_BAD_ARGUMENT,
		             "DLP %s: expected one argument 0x%02x, got %u arguments",
		             hotsync_dlp_command_name (msg->cmd), id, msg->args->len);
		return FALSE;
	}
	const guint8 *d;

	d = g_bytes_get_data (arg->data, &n);
	hotsync_reader_init (r, d, n);
	return TRUE;
}

static gboolean
decode_write_user_info (HotsyncDlpRequest *req, HotsyncReader *r, GError **error)
{
	guint8 name_len;
	const guint8 *name;

	if (!hotsync_reader_u32 (r, &req->user.user_id) || !hotsync_reader_u32 (r, &req->user.viewer_id) ||
	    !hotsync_reader_u32 (r, &req->user.last_sync_pc) || !read_date (r, &req->user.last_sync_date) ||
	    !hotsync_reader_u8 (r, &req->user.mod_flags) || !hotsync_reader_u8 (r, &name_len))
		return bad_arg (error, req->cmd, "user info cut short");
	if (name_len > USER_NAME_MAX || name_len != hotsync_reader_left (r) ||
	    !hotsync_reader_bytes (r, name_len, &name))
		return bad_arg (error, req->cmd, "bad user name length");
	if (name_len > 0) {
		if (name[name_len - 1] != 0 || memchr (name, 0, name_len - 1) != NULL)
			return bad_arg (error, req->cmd, "user name not NUL-terminated");
		req->user.user_name = g_strndup ((const char *) name, name_len - 1u);
	}
	return TRUE;
}

static gboolean
decode_handle_only (HotsyncDlpRequest *req, HotsyncReader *r, GError **error)
{
	if (!hotsync_reader_u8 (r, &req->handle) || hotsync_reader_left (r) != 0)
		return bad_arg (error, req->cmd, "expected a 1-byte handle");
	return TRUE;
}

static gboolean
decode_read_record (HotsyncDlpRequest *req, const HotsyncDlpMessage *msg, GError **error)
{
	HotsyncReader r;
	guint8 id = msg->args->len == 1 ? g_array_index (msg->args, HotsyncDlpArg, 0).id : 0;

	req->by_index = (id == 0x21);
	if (!only_arg (msg, req->by_index ? 0x21 : 0x20, &r, error))
		return FALSE;
	if (!hotsync_reader_u8 (&r, &req->handle) || !hotsync_reader_skip (&r, 1))
		return bad_arg (error, req->cmd, "cut short");
	if (req->by_index) {
		if (!hotsync_reader_u16 (&r, &req->index))
			return bad_arg (error, req->cmd, "cut short");
	} else if (!hotsync_reader_u32 (&r, &req->rec_id)) {
		return bad_arg (error, req->cmd, "cut short");
	}
	if (!hotsync_reader_u16 (&r, &req->offset) || !hotsync_reader_u16 (&r, &req->max_len) ||
	    hotsync_reader_left (&r) != 0)
		return bad_arg (error, req->cmd, "wrong size");
	return TRUE;
}

static gboolean
decode_find_db (HotsyncDlpRequest *req, const HotsyncDlpMessage *msg, GError **error)
{
	HotsyncReader r;
	guint8 id = msg->args->len == 1 ? g_array_index (msg->args, HotsyncDlpArg, 0).id : 0;

	req->by_handle = (id == 0x21);
	if (!only_arg (msg, req->by_handle ? 0x21 : 0x20, &r, error))
		return FALSE;
	if (!hotsync_reader_u8 (&r, &req->flags))
		return bad_arg (error, req->cmd, "cut short");
	if (req->by_handle) {
		if (!hotsync_reader_u8 (&r, &req->handle) || hotsync_reader_left (&r) != 0)
			return bad_arg (error, req->cmd, "wrong size");
		return TRUE;
	}
	if (!hotsync_reader_u8 (&r, &req->card) || !read_cstring (&r, DB_NAME_MAX, &req->name))
		return bad_arg (error, req->cmd, "bad database name");
	return TRUE;
}

/* ReadSysInfo, ReadDBList, OpenDB, ReadAppBlock: a few fixed fields. */
static gboolean
decode_small_request (HotsyncDlpRequest *req, HotsyncReader *r, GError **error)
{
	switch (req->cmd) {
	case HOTSYNC_DLP_CMD_READ_SYS_INFO:
		if (!hotsync_reader_u16 (r, &req->host_major) || !hotsync_reader_u16 (r, &req->host_minor) ||
		    hotsync_reader_left (r) != 0)
			return bad_arg (error, req->cmd, "expected 4 bytes of version");
		return TRUE;
	case HOTSYNC_DLP_CMD_READ_DB_LIST:
		if (!hotsync_reader_u8 (r, &req->flags) || !hotsync_reader_u8 (r, &req->card) ||
		    !hotsync_reader_u16 (r, &req->start) || hotsync_reader_left (r) != 0)
			return bad_arg (error, req->cmd, "expected 4 bytes");
		return TRUE;
	case HOTSYNC_DLP_CMD_OPEN_DB:
		if (!hotsync_reader_u8 (r, &req->card) || !hotsync_reader_u8 (r, &req->flags) ||
		    !read_cstring (r, DB_NAME_MAX, &req->name))
			return bad_arg (error, req->cmd, "bad database name");
		return TRUE;
	case HOTSYNC_DLP_CMD_READ_APP_BLOCK:
	default:
		if (!hotsync_reader_u8 (r, &req->handle) || !hotsync_reader_skip (r, 1) ||
		    !hotsync_reader_u16 (r, &req->offset) || !hotsync_reader_u16 (r, &req->max_len) ||
		    hotsync_reader_left (r) != 0)
			return bad_arg (error, req->cmd, "expected 6 bytes");
		return TRUE;
	}
}

static gboolean
decode_write_record (HotsyncDlpRequest *req, HotsyncReader *r, GError **error)
{
	gsize n;

	if (!hotsync_reader_u8 (r, &req->handle) || !hotsync_reader_u8 (r, &req->flags) ||
	    !hotsync_reader_u32 (r, &req->rec_id) || !hotsync_reader_u8 (r, &req->attr) ||
	    !hotsync_reader_u8 (r, &req->category))
		return bad_arg (error, req->cmd, "cut short");
	n = hotsync_reader_left (r);
	if (n > HOTSYNC_RECORD_MAX_SIZE)
		return bad_arg (error, req->cmd, "record above the size limit");
	req->data = g_bytes_new (r->data + r->off, n);
	return TRUE;
}

static gboolean
decode_typed_arg (HotsyncDlpRequest *req, HotsyncReader *r, GError **error)
{
	switch (req->cmd) {
	case HOTSYNC_DLP_CMD_WRITE_USER_INFO:
		return decode_write_user_info (req, r, error);
	case HOTSYNC_DLP_CMD_READ_SYS_INFO:
	case HOTSYNC_DLP_CMD_READ_DB_LIST:
	case HOTSYNC_DLP_CMD_OPEN_DB:
	case HOTSYNC_DLP_CMD_READ_APP_BLOCK:
		return decode_small_request (req, r, error);
	case HOTSYNC_DLP_CMD_WRITE_RECORD:
		return decode_write_record (req, r, error);
	case HOTSYNC_DLP_CMD_DELETE_RECORD:
		if (!hotsync_reader_u8 (r, &req->handle) || !hotsync_reader_u8 (r, &req->flags) ||
		    !hotsync_reader_u32 (r, &req->rec_id) || hotsync_reader_left (r) != 0)
			return bad_arg (error, req->cmd, "expected 6 bytes");
		return TRUE;
	case HOTSYNC_DLP_CMD_ADD_SYNC_LOG_ENTRY:
		if (!read_cstring (r, HOTSYNC_RECORD_MAX_SIZE, &req->text))
			return bad_arg (error, req->cmd, "text not NUL-terminated");
		return TRUE;
	case HOTSYNC_DLP_CMD_END_OF_SYNC:
		if (!hotsync_reader_u16 (r, &req->status) || hotsync_reader_left (r) != 0)
			return bad_arg (error, req->cmd, "expected 2 bytes");
		return TRUE;
	case HOTSYNC_DLP_CMD_CLOSE_DB:
	case HOTSYNC_DLP_CMD_READ_NEXT_MODIFIED_REC:
	case HOTSYNC_DLP_CMD_CLEAN_UP_DATABASE:
	case HOTSYNC_DLP_CMD_RESET_SYNC_FLAGS:
	case HOTSYNC_DLP_CMD_READ_OPEN_DB_INFO:
	case HOTSYNC_DLP_CMD_RESET_RECORD_INDEX:
		return decode_handle_only (req, r, error);
	default:
		g_assert_not_reached ();
	}
}

static gboolean
decode_typed (HotsyncDlpRequest *req, const HotsyncDlpMessage *msg, GError **error)
{
	HotsyncReader r;

	switch (req->cmd) {
	case HOTSYNC_DLP_CMD_READ_USER_INFO:
	case HOTSYNC_DLP_CMD_OPEN_CONDUIT:
		return TRUE;
	case HOTSYNC_DLP_CMD_CLOSE_DB:
		if (msg->args->len == 0) {
			req->close_all = TRUE;
			return TRUE;
		}
		break;
	case HOTSYNC_DLP_CMD_READ_SYS_INFO:
		if (msg->args->len == 0)
			return TRUE;   /* DLP 1.0 desktops send no version */
		break;
	case HOTSYNC_DLP_CMD_READ_RECORD:
		return decode_read_record (req, msg, error);
	case HOTSYNC_DLP_CMD_FIND_DB:
		return decode_find_db (req, msg, error);
	default:
		break;
	}
	if (!only_arg (msg, 0x20, &r, error))
		return FALSE;
	return decode_typed_arg (req, &r, error);
}

static gboolean
check_shapes (const CommandInfo *info, const HotsyncDlpMessage *msg, GError **error)
{
	for (guint i = 0; i < msg->args->len; i++) {
		const HotsyncDlpArg *arg = &g_array_index (msg->args, HotsyncDlpArg, i);
		gsize n = g_bytes_get_size (arg->data);
		gboolean ok = FALSE;

		for (gsize s = 0; s < G_N_ELEMENTS (info->shapes); s++)
			if (info->shapes[s].id != 0 && info->shapes[s].id == arg->id &&
			    n >= info->shapes[s].min_len && n <= info->shapes[s].max_len)
				ok = TRUE;
		if (!ok) {
			g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_BAD_ARGUMENT,
			             "DLP %s: argument 0x%02x of %" G_GSIZE_FORMAT " bytes not accepted",
			             info->name, arg->id, n);
			return FALSE;
		}
	}
	return TRUE;
}

HotsyncDlpRequest *
hotsync_dlp_request_decode (const guint8           *data,
                            gsize                   len,
                            const HotsyncDlpLimits *limits,
                            GError                **error)
{
	g_autoptr (HotsyncDlpMessage) msg = hotsync_dlp_message_parse (data, len, FALSE, limits, error);
	g_autoptr (HotsyncDlpRequest) req = NULL;
	const CommandInfo *info;

	if (msg == NULL)
		return NULL;
	info = command_info (msg->cmd);
	if (info == NULL) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_UNKNOWN_COMMAND,
		             "DLP: unknown command 0x%02x", msg->cmd);
		return NULL;
	}
	if (msg->args->len < info->min_args || msg->args->len > info->max_args) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_BAD_ARGUMENT,
		             "DLP %s: %u arguments, expected %u to %u",
		             info->name, msg->args->len, info->min_args, info->max_args);
		return NULL;
	}
	req = hotsync_dlp_request_new (msg->cmd);
	if (!info->typed) {
		if (!check_shapes (info, msg, error))
			return NULL;
		req->raw = g_steal_pointer (&msg);
		return g_steal_pointer (&req);
	}
	if (!decode_typed (req, msg, error))
		return NULL;
	return g_steal_pointer (&req);
}

static void
encode_write_user_info (const HotsyncDlpRequest *req, GByteArray *a)
{
	/* A longer name is cut to what the handheld holds. */
	gsize n = req->user.user_name != NULL ? MIN (strlen (req->user.user_name), (gsize) USER_NAME_MAX - 1) : 0;

	hotsync_append_u32 (a, req->user.user_id);
	hotsync_append_u32 (a, req->user.viewer_id);
	hotsync_append_u32 (a, req->user.last_sync_pc);
	append_date (a, &req->user.last_sync_date);
	hotsync_append_u8 (a, req->user.mod_flags);
	hotsync_append_u8 (a, req->user.user_name != NULL ? (guint8) (n + 1) : 0);
	if (req->user.user_name != NULL) {
		g_byte_array_append (a, (const guint8 *) req->user.user_name, (guint) n);
		hotsync_append_u8 (a, 0);
	}
}

/* ReadAppBlock and ReadRecord: handle, 0, [id or index,] offset, length. */
static void
encode_read (const HotsyncDlpRequest *req, GByteArray *a, guint8 *out_id)
{
	hotsync_append_u8 (a, req->handle);
	hotsync_append_u8 (a, 0);
	if (req->cmd == HOTSYNC_DLP_CMD_READ_RECORD && req->by_index) {
		*out_id = 0x21;
		hotsync_append_u16 (a, req->index);
	} else if (req->cmd == HOTSYNC_DLP_CMD_READ_RECORD) {
		hotsync_append_u32 (a, req->rec_id);
	}
	hotsync_append_u16 (a, req->offset);
	hotsync_append_u16 (a, req->max_len);
}

static void
encode_write_record (const HotsyncDlpRequest *req, GByteArray *a)
{
	hotsync_append_u8 (a, req->handle);
	hotsync_append_u8 (a, req->flags);
	hotsync_append_u32 (a, req->rec_id);
	hotsync_append_u8 (a, req->attr);
	hotsync_append_u8 (a, req->category);
	if (req->data != NULL)
		g_byte_array_append (a, g_bytes_get_data (req->data, NULL), (guint) g_bytes_get_size (req->data));
}

static void
encode_find_db (const HotsyncDlpRequest *req, GByteArray *a, guint8 *out_id)
{
	hotsync_append_u8 (a, req->flags);
	if (req->by_handle) {
		*out_id = 0x21;
		hotsync_append_u8 (a, req->handle);
	} else {
		hotsync_append_u8 (a, req->card);
		append_cstring (a, req->name);
	}
}

/* The single argument of a typed request; *out_id its id. */
static GByteArray *
encode_typed_arg (const HotsyncDlpRequest *req, guint8 *out_id)
{
	GByteArray *a = g_byte_array_new ();

	*out_id = 0x20;
	switch (req->cmd) {
	case HOTSYNC_DLP_CMD_WRITE_USER_INFO:
		encode_write_user_info (req, a);
		break;
	case HOTSYNC_DLP_CMD_READ_SYS_INFO:
		hotsync_append_u16 (a, req->host_major);
		hotsync_append_u16 (a, req->host_minor);
		break;
	case HOTSYNC_DLP_CMD_READ_DB_LIST:
		hotsync_append_u8 (a, req->flags);
		hotsync_append_u8 (a, req->card);
		hotsync_append_u16 (a, req->start);
		break;
	case HOTSYNC_DLP_CMD_OPEN_DB:
		hotsync_append_u8 (a, req->card);
		hotsync_append_u8 (a, req->flags);
		append_cstring (a, req->name);
		break;
	case HOTSYNC_DLP_CMD_READ_APP_BLOCK:
	case HOTSYNC_DLP_CMD_READ_RECORD:
		encode_read (req, a, out_id);
		break;
	case HOTSYNC_DLP_CMD_WRITE_RECORD:
		encode_write_record (req, a);
		break;
	case HOTSYNC_DLP_CMD_DELETE_RECORD:
		hotsync_append_u8 (a, req->handle);
		hotsync_append_u8 (a, req->flags);
		hotsync_append_u32 (a, req->rec_id);
		break;
	case HOTSYNC_DLP_CMD_ADD_SYNC_LOG_ENTRY:
		append_cstring (a, req->text);
		break;
	case HOTSYNC_DLP_CMD_END_OF_SYNC:
		hotsync_append_u16 (a, req->status);
		break;
	case HOTSYNC_DLP_CMD_FIND_DB:
		encode_find_db (req, a, out_id);
		break;
	default:   /* the handle-only commands */
		hotsync_append_u8 (a, req->handle);
		break;
	}
	return a;
}

GBytes *
hotsync_dlp_request_encode (const HotsyncDlpRequest *req)
{
	g_autoptr (HotsyncDlpMessage) msg = NULL;
	guint8 id;

	g_return_val_if_fail (req != NULL, NULL);
	if (req->raw != NULL)
		return hotsync_dlp_message_encode (req->raw);
	msg = hotsync_dlp_message_new (req->cmd, FALSE);
	switch (req->cmd) {
	case HOTSYNC_DLP_CMD_READ_USER_INFO:
	case HOTSYNC_DLP_CMD_OPEN_CONDUIT:
		break;
	case HOTSYNC_DLP_CMD_CLOSE_DB:
		if (req->close_all)
			break;
		G_GNUC_FALLTHROUGH;
	default: {
		GByteArray *a = encode_typed_arg (req, &id);

		add_arg_take (msg, id, a);
		break;
	}
	}
	return hotsync_dlp_message_encode (msg);
}

/* ---- Responses ---- */

HotsyncDlpResponse *
hotsync_dlp_response_new (guint8 cmd, guint16 error)
{
	HotsyncDlpResponse *resp = g_new0 (HotsyncDlpResponse, 1);

	resp->cmd = cmd & 0x7f;
	resp->error = error;
	resp->dbs = g_ptr_array_new_with_free_func ((GDestroyNotify) hotsync_dlp_db_info_free);
	return resp;
}

void
hotsync_dlp_response_free (HotsyncDlpResponse *resp)
{
	if (resp == NULL)
		return;
	user_info_clear (&resp->user);
	g_clear_pointer (&resp->sys.product_id, g_bytes_unref);
	g_ptr_array_unref (resp->dbs);
	g_clear_pointer (&resp->data, g_bytes_unref);
	hotsync_dlp_message_free (resp->raw);
	g_free (resp);
}

static gboolean
arg_reader (const HotsyncDlpMessage *msg, guint8 id, HotsyncReader *r)
{
	const HotsyncDlpArg *arg = hotsync_dlp_message_get_arg (msg, id);
	gsize n;

	if (arg == NULL)
		return FALSE;
	const guint8 *d;

	d = g_bytes_get_data (arg->data, &n);
	hotsync_reader_init (r, d, n);
	return TRUE;
}

static GBytes *
rest_bytes (HotsyncReader *r)
{
	GBytes *b = g_bytes_new (r->data + r->off, hotsync_reader_left (r));

	r->off = r->len;
	return b;
}

static gboolean
decode_user_info (HotsyncDlpResponse *resp, HotsyncReader *r, GError **error)
{
	HotsyncDlpUserInfo *u = &resp->user;
	guint8 name_len, pw_len;
	const guint8 *name, *pw;

	if (!hotsync_reader_u32 (r, &u->user_id) || !hotsync_reader_u32 (r, &u->viewer_id) ||
	    !hotsync_reader_u32 (r, &u->last_sync_pc) || !read_date (r, &u->successful_sync_date) ||
	    !read_date (r, &u->last_sync_date) || !hotsync_reader_u8 (r, &name_len) ||
	    !hotsync_reader_u8 (r, &pw_len) || !hotsync_reader_bytes (r, name_len, &name) ||
	    !hotsync_reader_bytes (r, pw_len, &pw) || hotsync_reader_left (r) != 0)
		return bad_arg (error, resp->cmd, "user info of the wrong size");
	if (name_len > USER_NAME_MAX)
		return bad_arg (error, resp->cmd, "user name too long");
	if (name_len > 0) {
		if (name[name_len - 1] != 0 || memchr (name, 0, name_len - 1u) != NULL)
			return bad_arg (error, resp->cmd, "user name not NUL-terminated");
		u->user_name = g_strndup ((const char *) name, name_len - 1u);
	}
	if (pw_len > 0)
		u->password = g_bytes_new (pw, pw_len);
	return TRUE;
}

static gboolean
decode_sys_info (HotsyncDlpResponse *resp, const HotsyncDlpMessage *msg, GError **error)
{
	HotsyncReader r;
	guint8 prod_len;
	const guint8 *prod;

	if (!arg_reader (msg, 0x20, &r) || !hotsync_reader_u32 (&r, &resp->sys.rom_version) ||
	    !hotsync_reader_u32 (&r, &resp->sys.locale) || !hotsync_reader_skip (&r, 1) ||
	    !hotsync_reader_u8 (&r, &prod_len) || !hotsync_reader_bytes (&r, prod_len, &prod) ||
	    hotsync_reader_left (&r) != 0)
		return bad_arg (error, resp->cmd, "system info of the wrong size");
	resp->sys.product_id = g_bytes_new (prod, prod_len);
	if (!arg_reader (msg, 0x21, &r))
		return TRUE;
	resp->sys.has_dlp_version = TRUE;
	if (!hotsync_reader_u16 (&r, &resp->sys.dlp_major) || !hotsync_reader_u16 (&r, &resp->sys.dlp_minor) ||
	    !hotsync_reader_u16 (&r, &resp->sys.compat_major) || !hotsync_reader_u16 (&r, &resp->sys.compat_minor) ||
	    !hotsync_reader_u32 (&r, &resp->sys.max_rec_size) || hotsync_reader_left (&r) != 0)
		return bad_arg (error, resp->cmd, "DLP version of the wrong size");
	return TRUE;
}

/* One database entry (ReadDBList, FindDB), starting with its size byte. */
static HotsyncDlpDbInfo *
read_db_info (HotsyncReader *r)
{
	g_autoptr (HotsyncDlpDbInfo) info = g_new0 (HotsyncDlpDbInfo, 1);
	HotsyncReader e;
	guint8 size;
	const guint8 *entry;

	if (!hotsync_reader_u8 (r, &size) || size < DB_ENTRY_FIXED + 1 ||
	    !hotsync_reader_bytes (r, size - 1u, &entry))
		return NULL;
	hotsync_reader_init (&e, entry, size - 1u);
	if (!hotsync_reader_u8 (&e, &info->misc_flags) || !hotsync_reader_u16 (&e, &info->flags) ||
	    !hotsync_reader_u32 (&e, &info->type) || !hotsync_reader_u32 (&e, &info->creator) ||
	    !hotsync_reader_u16 (&e, &info->version) || !hotsync_reader_u32 (&e, &info->mod_num) ||
	    !read_date (&e, &info->created) || !read_date (&e, &info->modified) ||
	    !read_date (&e, &info->backed_up) || !hotsync_reader_u16 (&e, &info->index) ||
	    !read_cstring (&e, DB_NAME_MAX, &info->name))
		return NULL;
	return g_steal_pointer (&info);
}

static gboolean
decode_db_list (HotsyncDlpResponse *resp, HotsyncReader *r, GError **error)
{
	guint8 count;

	if (!hotsync_reader_u16 (r, &resp->last_index) || !hotsync_reader_u8 (r, &resp->list_flags) ||
	    !hotsync_reader_u8 (r, &count))
		return bad_arg (error, resp->cmd, "cut short");
	for (guint i = 0; i < count; i++) {
		HotsyncDlpDbInfo *info = read_db_info (r);

		if (info == NULL)
			return bad_arg (error, resp->cmd, "bad database entry");
		g_ptr_array_add (resp->dbs, info);
	}
	if (hotsync_reader_left (r) != 0)
		return bad_arg (error, resp->cmd, "bytes after the last entry");
	return TRUE;
}

static gboolean
decode_record (HotsyncDlpResponse *resp, HotsyncReader *r, GError **error)
{
	guint16 size;

	if (!hotsync_reader_u32 (r, &resp->rec_id) || !hotsync_reader_u16 (r, &resp->index) ||
	    !hotsync_reader_u16 (r, &size) || !hotsync_reader_u8 (r, &resp->attr) ||
	    !hotsync_reader_u8 (r, &resp->category))
		return bad_arg (error, resp->cmd, "record header cut short");
	if (hotsync_reader_left (r) > HOTSYNC_RECORD_MAX_SIZE)
		return bad_arg (error, resp->cmd, "record above the size limit");
	resp->data = rest_bytes (r);
	return TRUE;
}

static gboolean
decode_find_db_resp (HotsyncDlpResponse *resp, const HotsyncDlpMessage *msg, GError **error)
{
	HotsyncReader r;
	HotsyncDlpDbInfo *info;

	if (arg_reader (msg, 0x20, &r)) {
		if (!hotsync_reader_u8 (&r, &resp->card) || !hotsync_reader_skip (&r, 1) ||
		    !hotsync_reader_u32 (&r, &resp->local_id) || !hotsync_reader_u32 (&r, &resp->open_ref) ||
		    (info = read_db_info (&r)) == NULL)
			return bad_arg (error, resp->cmd, "bad database entry");
		g_ptr_array_add (resp->dbs, info);
		if (hotsync_reader_left (&r) != 0)
			return bad_arg (error, resp->cmd, "bytes after the entry");
	}
	if (arg_reader (msg, 0x21, &r)) {
		resp->has_sizes = TRUE;
		for (int i = 0; i < 6; i++)
			if (!hotsync_reader_u32 (&r, &resp->sizes[i]))
				return bad_arg (error, resp->cmd, "sizes cut short");
		if (hotsync_reader_left (&r) != 0)
			return bad_arg (error, resp->cmd, "bytes after the sizes");
	}
	return TRUE;
}

static gboolean
expect_args (HotsyncDlpResponse *resp, const HotsyncDlpMessage *msg, guint n, GError **error)
{
	if (msg->args->len != n) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_BAD_ARGUMENT,
		             "DLP %s response: %u arguments, expected %u",
		             hotsync_dlp_command_name (resp->cmd), msg->args->len, n);
		return FALSE;
	}
	return TRUE;
}

static gboolean
decode_response_args (HotsyncDlpResponse *resp, const HotsyncDlpMessage *msg, GError **error)
{
	HotsyncReader r;

	switch (resp->cmd) {
	case HOTSYNC_DLP_CMD_READ_SYS_INFO:
		return decode_sys_info (resp, msg, error);
	case HOTSYNC_DLP_CMD_FIND_DB:
		return decode_find_db_resp (resp, msg, error);
	case HOTSYNC_DLP_CMD_WRITE_USER_INFO:
	case HOTSYNC_DLP_CMD_CLOSE_DB:
	case HOTSYNC_DLP_CMD_DELETE_RECORD:
	case HOTSYNC_DLP_CMD_CLEAN_UP_DATABASE:
	case HOTSYNC_DLP_CMD_RESET_SYNC_FLAGS:
	case HOTSYNC_DLP_CMD_ADD_SYNC_LOG_ENTRY:
	case HOTSYNC_DLP_CMD_OPEN_CONDUIT:
	case HOTSYNC_DLP_CMD_END_OF_SYNC:
	case HOTSYNC_DLP_CMD_RESET_RECORD_INDEX:
		return expect_args (resp, msg, 0, error);
	default:
		break;
	}
	if (!expect_args (resp, msg, 1, error))
		return FALSE;
	if (!arg_reader (msg, 0x20, &r))
		return bad_arg (error, resp->cmd, "no argument 0x20");
	switch (resp->cmd) {
	case HOTSYNC_DLP_CMD_READ_USER_INFO:
		return decode_user_info (resp, &r, error);
	case HOTSYNC_DLP_CMD_READ_DB_LIST:
		return decode_db_list (resp, &r, error);
	case HOTSYNC_DLP_CMD_OPEN_DB:
		if (!hotsync_reader_u8 (&r, &resp->handle) || hotsync_reader_left (&r) != 0)
			return bad_arg (error, resp->cmd, "expected a 1-byte handle");
		return TRUE;
	case HOTSYNC_DLP_CMD_READ_APP_BLOCK: {
		guint16 size;

		if (!hotsync_reader_u16 (&r, &size))
			return bad_arg (error, resp->cmd, "cut short");
		resp->data = rest_bytes (&r);
		return TRUE;
	}
	case HOTSYNC_DLP_CMD_READ_NEXT_MODIFIED_REC:
	case HOTSYNC_DLP_CMD_READ_RECORD:
		return decode_record (resp, &r, error);
	case HOTSYNC_DLP_CMD_WRITE_RECORD:
		if (!hotsync_reader_u32 (&r, &resp->rec_id) || hotsync_reader_left (&r) != 0)
			return bad_arg (error, resp->cmd, "expected a 4-byte record id");
		return TRUE;
	case HOTSYNC_DLP_CMD_READ_OPEN_DB_INFO:
		if (!hotsync_reader_u16 (&r, &resp->num_records) || hotsync_reader_left (&r) != 0)
			return bad_arg (error, resp->cmd, "expected 2 bytes");
		return TRUE;
	default:
		g_assert_not_reached ();
	}
}

HotsyncDlpResponse *
hotsync_dlp_response_decode (const guint8           *data,
                             gsize                   len,
                             guint8                  request_cmd,
                             const HotsyncDlpLimits *limits,
                             GError                **error)
{
	g_autoptr (HotsyncDlpMessage) msg = hotsync_dlp_message_parse (data, len, TRUE, limits, error);
	g_autoptr (HotsyncDlpResponse) resp = NULL;
	const CommandInfo *info;

	if (msg == NULL)
		return NULL;
	if (msg->cmd != (request_cmd & 0x7f)) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MISMATCH,
		             "DLP: response to 0x%02x where 0x%02x was asked", msg->cmd, request_cmd);
		return NULL;
	}
	info = command_info (msg->cmd);
	if (info == NULL) {
		g_set_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_UNKNOWN_COMMAND,
		             "DLP: unknown command 0x%02x", msg->cmd);
		return NULL;
	}
	resp = hotsync_dlp_response_new (msg->cmd, msg->error);
	if (!info->typed || msg->error != HOTSYNC_DLP_STATUS_NONE) {
		resp->raw = g_steal_pointer (&msg);
		return g_steal_pointer (&resp);
	}
	if (!decode_response_args (resp, msg, error))
		return NULL;
	return g_steal_pointer (&resp);
}

static void
append_db_info (GByteArray *a, const HotsyncDlpDbInfo *info)
{
	gsize name_len = info->name != NULL ? MIN (strlen (info->name), (gsize) DB_NAME_MAX - 1) : 0;
	/* Handhelds pad each entry to an even size (seen in every recording). */
	gsize size = DB_ENTRY_FIXED + name_len + 1;
	gboolean pad = (size % 2) != 0;

	hotsync_append_u8 (a, (guint8) (size + pad));
	hotsync_append_u8 (a, info->misc_flags);
	hotsync_append_u16 (a, info->flags);
	hotsync_append_u32 (a, info->type);
	hotsync_append_u32 (a, info->creator);
	hotsync_append_u16 (a, info->version);
	hotsync_append_u32 (a, info->mod_num);
	append_date (a, &info->created);
	append_date (a, &info->modified);
	append_date (a, &info->backed_up);
	hotsync_append_u16 (a, info->index);
	if (name_len > 0)
		g_byte_array_append (a, (const guint8 *) info->name, (guint) name_len);
	hotsync_append_u8 (a, 0);
	if (pad)
		hotsync_append_u8 (a, 0);
}

static void
append_bytes (GByteArray *a, GBytes *b)
{
	if (b != NULL)
		g_byte_array_append (a, g_bytes_get_data (b, NULL), (guint) g_bytes_get_size (b));
}

static void
encode_user_info (GByteArray *a, const HotsyncDlpUserInfo *u)
{
	gsize n = u->user_name != NULL && u->user_name[0] != '\0' ? MIN (strlen (u->user_name), (gsize) USER_NAME_MAX - 1) + 1 : 0;
	gsize p = u->password != NULL ? MIN (g_bytes_get_size (u->password), (gsize) G_MAXUINT8) : 0;

	hotsync_append_u32 (a, u->user_id);
	hotsync_append_u32 (a, u->viewer_id);
	hotsync_append_u32 (a, u->last_sync_pc);
	append_date (a, &u->successful_sync_date);
	append_date (a, &u->last_sync_date);
	hotsync_append_u8 (a, (guint8) n);
	hotsync_append_u8 (a, (guint8) p);
	if (n > 0) {
		g_byte_array_append (a, (const guint8 *) u->user_name, (guint) n - 1);
		hotsync_append_u8 (a, 0);
	}
	if (p > 0)
		g_byte_array_append (a, g_bytes_get_data (u->password, NULL), (guint) p);
}

static void
encode_record (GByteArray *a, const HotsyncDlpResponse *resp)
{
	gsize n = resp->data != NULL ? g_bytes_get_size (resp->data) : 0;

	hotsync_append_u32 (a, resp->rec_id);
	hotsync_append_u16 (a, resp->index);
	hotsync_append_u16 (a, (guint16) MIN (n, (gsize) G_MAXUINT16));
	hotsync_append_u8 (a, resp->attr);
	hotsync_append_u8 (a, resp->category);
	append_bytes (a, resp->data);
}

static void
encode_sys_info (HotsyncDlpMessage *msg, const HotsyncDlpSysInfo *sys)
{
	g_autoptr (GByteArray) a = g_byte_array_new ();
	gsize n = sys->product_id != NULL ? MIN (g_bytes_get_size (sys->product_id), (gsize) G_MAXUINT8) : 0;

	hotsync_append_u32 (a, sys->rom_version);
	hotsync_append_u32 (a, sys->locale);
	hotsync_append_u8 (a, 0);
	hotsync_append_u8 (a, (guint8) n);
	if (n > 0)
		g_byte_array_append (a, g_bytes_get_data (sys->product_id, NULL), (guint) n);
	hotsync_dlp_message_add_arg (msg, 0x20, a->data, a->len);
	if (!sys->has_dlp_version)
		return;
	g_byte_array_set_size (a, 0);
	hotsync_append_u16 (a, sys->dlp_major);
	hotsync_append_u16 (a, sys->dlp_minor);
	hotsync_append_u16 (a, sys->compat_major);
	hotsync_append_u16 (a, sys->compat_minor);
	hotsync_append_u32 (a, sys->max_rec_size);
	hotsync_dlp_message_add_arg (msg, 0x21, a->data, a->len);
}

static void
encode_db_list (GByteArray *a, const HotsyncDlpResponse *resp)
{
	guint n = MIN (resp->dbs->len, (guint) G_MAXUINT8);

	hotsync_append_u16 (a, resp->last_index);
	hotsync_append_u8 (a, resp->list_flags);
	hotsync_append_u8 (a, (guint8) n);
	for (guint i = 0; i < n; i++)
		append_db_info (a, g_ptr_array_index (resp->dbs, i));
}

static void
encode_find_db_resp (HotsyncDlpMessage *msg, const HotsyncDlpResponse *resp)
{
	g_autoptr (GByteArray) a = g_byte_array_new ();

	if (resp->dbs->len > 0) {
		hotsync_append_u8 (a, resp->card);
		hotsync_append_u8 (a, 0);
		hotsync_append_u32 (a, resp->local_id);
		hotsync_append_u32 (a, resp->open_ref);
		append_db_info (a, g_ptr_array_index (resp->dbs, 0));
		hotsync_dlp_message_add_arg (msg, 0x20, a->data, a->len);
	}
	if (resp->has_sizes) {
		g_byte_array_set_size (a, 0);
		for (int i = 0; i < 6; i++)
			hotsync_append_u32 (a, resp->sizes[i]);
		hotsync_dlp_message_add_arg (msg, 0x21, a->data, a->len);
	}
}

static void
encode_response_args (HotsyncDlpMessage *msg, const HotsyncDlpResponse *resp)
{
	g_autoptr (GByteArray) a = g_byte_array_new ();

	switch (resp->cmd) {
	case HOTSYNC_DLP_CMD_READ_SYS_INFO:
		encode_sys_info (msg, &resp->sys);
		return;
	case HOTSYNC_DLP_CMD_FIND_DB:
		encode_find_db_resp (msg, resp);
		return;
	case HOTSYNC_DLP_CMD_READ_USER_INFO:
		encode_user_info (a, &resp->user);
		break;
	case HOTSYNC_DLP_CMD_READ_DB_LIST:
		encode_db_list (a, resp);
		break;
	case HOTSYNC_DLP_CMD_OPEN_DB:
		hotsync_append_u8 (a, resp->handle);
		break;
	case HOTSYNC_DLP_CMD_READ_APP_BLOCK: {
		gsize n = resp->data != NULL ? g_bytes_get_size (resp->data) : 0;

		hotsync_append_u16 (a, (guint16) MIN (n, (gsize) G_MAXUINT16));
		append_bytes (a, resp->data);
		break;
	}
	case HOTSYNC_DLP_CMD_READ_NEXT_MODIFIED_REC:
	case HOTSYNC_DLP_CMD_READ_RECORD:
		encode_record (a, resp);
		break;
	case HOTSYNC_DLP_CMD_WRITE_RECORD:
		hotsync_append_u32 (a, resp->rec_id);
		break;
	case HOTSYNC_DLP_CMD_READ_OPEN_DB_INFO:
		hotsync_append_u16 (a, resp->num_records);
		break;
	default:   /* no arguments */
		return;
	}
	hotsync_dlp_message_add_arg (msg, 0x20, a->data, a->len);
}

GBytes *
hotsync_dlp_response_encode (const HotsyncDlpResponse *resp)
{
	g_autoptr (HotsyncDlpMessage) msg = NULL;

	g_return_val_if_fail (resp != NULL, NULL);
	if (resp->raw != NULL)
		return hotsync_dlp_message_encode (resp->raw);
	msg = hotsync_dlp_message_new (resp->cmd, TRUE);
	msg->error = resp->error;
	if (resp->error == HOTSYNC_DLP_STATUS_NONE)
		encode_response_args (msg, resp);
	return hotsync_dlp_message_encode (msg);
}
