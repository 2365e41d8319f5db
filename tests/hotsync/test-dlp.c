/* DLP: generic messages, argument forms, limits, typed commands. */
#include "config.h"

#include <string.h>

#include "hotsync/hotsync-dlp.h"
#include "hotsync/hotsync-limits.h"

static HotsyncDlpMessage *
parse (const guint8 *data, gsize len, gboolean resp, const HotsyncDlpLimits *limits, GError **error)
{
	return hotsync_dlp_message_parse (data, len, resp, limits, error);
}

static void
test_forms (void)
{
	static const gsize sizes[] = { 0, 1, 254, 255, 65535, 65536 };
	static const HotsyncDlpArgForm forms[] = { HOTSYNC_DLP_ARG_TINY, HOTSYNC_DLP_ARG_TINY, HOTSYNC_DLP_ARG_TINY,
	                                           HOTSYNC_DLP_ARG_SMALL, HOTSYNC_DLP_ARG_SMALL, HOTSYNC_DLP_ARG_LONG };
	static const gsize headers[] = { 2, 2, 2, 4, 4, 6 };

	for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++) {
		g_autoptr (HotsyncDlpMessage) msg = hotsync_dlp_message_new (0x21, FALSE);
		g_autoptr (HotsyncDlpMessage) back = NULL;
		g_autofree guint8 *data = g_malloc0 (sizes[i] + 1);
		g_autoptr (GBytes) enc = NULL;
		g_autoptr (GBytes) again = NULL;
		g_autoptr (GError) error = NULL;
		const HotsyncDlpArg *arg;
		gsize len;
		const guint8 *d;

		data[0] = 0x42;
		hotsync_dlp_message_add_arg (msg, 0x20, data, sizes[i]);
		arg = hotsync_dlp_message_get_arg (msg, 0x20);
		g_assert_cmpint (arg->form, ==, forms[i]);
		enc = hotsync_dlp_message_encode (msg);
		d = g_bytes_get_data (enc, &len);
		g_assert_cmpuint (len, ==, 2 + headers[i] + sizes[i]);
		back = parse (d, len, FALSE, NULL, &error);
		g_assert_no_error (error);
		g_assert_cmpuint (back->args->len, ==, 1);
		arg = hotsync_dlp_message_get_arg (back, 0x20);
		g_assert_nonnull (arg);
		g_assert_cmpint (arg->form, ==, forms[i]);
		g_assert_cmpuint (g_bytes_get_size (arg->data), ==, sizes[i]);
		again = hotsync_dlp_message_encode (back);
		g_assert_true (g_bytes_equal (again, enc));
	}
}

/* Each form keeps its shape even where a smaller one would do. */
static void
test_non_canonical_forms_round_trip (void)
{
	static const guint8 small_for_tiny[] = { 0x2f, 0x01, 0xa0, 0x00, 0x00, 0x01, 0x07 };
	static const guint8 long_for_tiny[] = { 0x2f, 0x01, 0x60, 0x00, 0x00, 0x00, 0x00, 0x01, 0x07 };
	const guint8 *cases[] = { small_for_tiny, long_for_tiny };
	gsize lens[] = { sizeof small_for_tiny, sizeof long_for_tiny };

	for (int i = 0; i < 2; i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (HotsyncDlpMessage) msg = parse (cases[i], lens[i], FALSE, NULL, &error);
		g_autoptr (GBytes) enc = NULL;

		g_assert_no_error (error);
		enc = hotsync_dlp_message_encode (msg);
		g_assert_cmpmem (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), cases[i], lens[i]);
	}
}

static void
test_malformed (void)
{
	static const struct {
		const char *what;
		const guint8 data[12];
		gsize len;
		gboolean resp;
	} cases[] = {
		{ "empty", { 0 }, 0, FALSE },
		{ "no argc", { 0x10 }, 1, FALSE },
		{ "response bit on a request", { 0x90, 0x00 }, 2, FALSE },
		{ "request as response", { 0x10, 0x00, 0x00, 0x00 }, 4, TRUE },
		{ "response without error code", { 0x90, 0x00, 0x00 }, 3, TRUE },
		{ "arg header cut", { 0x10, 0x01, 0x20 }, 3, FALSE },
		{ "arg data cut", { 0x10, 0x01, 0x20, 0x02, 0x00 }, 5, FALSE },
		{ "small header cut", { 0x10, 0x01, 0xa0, 0x00, 0x00 }, 5, FALSE },
		{ "long length beyond", { 0x10, 0x01, 0x60, 0x00, 0xff, 0xff, 0xff, 0xff }, 8, FALSE },
		{ "form 0xC0", { 0x10, 0x01, 0xe0, 0x00 }, 4, FALSE },
		{ "id below 0x20", { 0x10, 0x01, 0x1f, 0x00 }, 4, FALSE },
		{ "trailing byte", { 0x10, 0x00, 0x00 }, 3, FALSE },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (HotsyncDlpMessage) msg = parse (cases[i].data, cases[i].len, cases[i].resp, NULL, &error);

		g_test_message ("%s", cases[i].what);
		g_assert_null (msg);
		g_assert_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MALFORMED);
	}
}

static void
test_limits (void)
{
	HotsyncDlpLimits limits = { 100, 3 };
	g_autoptr (GByteArray) a = g_byte_array_new ();
	guint8 hdr[2] = { 0x10, 3 };

	/* 3 arguments (N) pass, 4 (N+1) fail. */
	g_byte_array_append (a, hdr, 2);
	for (int i = 0; i < 4; i++) {
		guint8 arg[2] = { 0x20, 0 };

		g_byte_array_append (a, arg, 2);
	}
	{
		g_autoptr (GError) error = NULL;
		g_autoptr (HotsyncDlpMessage) ok = parse (a->data, a->len - 2, FALSE, &limits, &error);
		g_autoptr (HotsyncDlpMessage) no = NULL;

		g_assert_no_error (error);
		g_assert_cmpuint (ok->args->len, ==, 3);
		a->data[1] = 4;
		no = parse (a->data, a->len, FALSE, &limits, &error);
		g_assert_null (no);
		g_assert_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_TOO_LONG);
	}
	/* Message size: N passes, N+1 fails. */
	{
		guint8 buf[101] = { 0x10, 0x01, 0x20, 96 };
		g_autoptr (GError) error = NULL;
		g_autoptr (HotsyncDlpMessage) ok = parse (buf, 100, FALSE, &limits, &error);
		g_autoptr (HotsyncDlpMessage) no = NULL;

		g_assert_no_error (error);
		g_assert_nonnull (ok);
		buf[3] = 97;
		no = parse (buf, 101, FALSE, &limits, &error);
		g_assert_null (no);
		g_assert_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_TOO_LONG);
	}
	g_assert_cmpuint (hotsync_dlp_limits_default ()->max_args, ==, HOTSYNC_DLP_MAX_ARGS_DEFAULT);
	g_assert_cmpuint (hotsync_dlp_limits_default ()->max_message, ==, HOTSYNC_DLP_MAX_MESSAGE_DEFAULT);
}

/* Encodes, checks the bytes when given, decodes, re-encodes. */
static HotsyncDlpRequest *
round_trip (const HotsyncDlpRequest *req, const guint8 *want, gsize want_len)
{
	g_autoptr (GBytes) enc = hotsync_dlp_request_encode (req);
	g_autoptr (GError) error = NULL;
	HotsyncDlpRequest *back;
	g_autoptr (GBytes) again = NULL;

	if (want != NULL)
		g_assert_cmpmem (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), want, want_len);
	back = hotsync_dlp_request_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (back->cmd, ==, req->cmd);
	again = hotsync_dlp_request_encode (back);
	g_assert_true (g_bytes_equal (again, enc));
	return back;
}

static void
test_requests (void)
{
	/* Bytes as recorded (ReadSysInfo, OpenDB, CloseDB, EndOfSync). */
	static const guint8 sysinfo[] = { 0x12, 0x01, 0x20, 0x04, 0x00, 0x01, 0x00, 0x04 };
	static const guint8 opendb[] = { 0x17, 0x01, 0x20, 0x09, 0x00, 0x80, 'M', 'e', 'm', 'o', 'D', 'B', 0x00 };
	static const guint8 closeall[] = { 0x19, 0x00 };
	static const guint8 end[] = { 0x2f, 0x01, 0x20, 0x02, 0x00, 0x00 };
	g_autoptr (HotsyncDlpRequest) r = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_READ_SYS_INFO);
	HotsyncDlpRequest *back;

	r->host_major = 1;
	r->host_minor = 4;
	back = round_trip (r, sysinfo, sizeof sysinfo);
	g_assert_cmpuint (back->host_minor, ==, 4);
	hotsync_dlp_request_free (back);

	hotsync_dlp_request_free (r);
	r = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_OPEN_DB);
	r->flags = HOTSYNC_DLP_OPEN_READ;
	r->name = g_strdup ("MemoDB");
	back = round_trip (r, opendb, sizeof opendb);
	g_assert_cmpstr (back->name, ==, "MemoDB");
	g_assert_cmpuint (back->flags, ==, 0x80);
	hotsync_dlp_request_free (back);

	hotsync_dlp_request_free (r);
	r = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_CLOSE_DB);
	r->close_all = TRUE;
	back = round_trip (r, closeall, sizeof closeall);
	g_assert_true (back->close_all);
	hotsync_dlp_request_free (back);

	hotsync_dlp_request_free (r);
	r = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_END_OF_SYNC);
	back = round_trip (r, end, sizeof end);
	g_assert_cmpuint (back->status, ==, HOTSYNC_DLP_END_OK);
	hotsync_dlp_request_free (back);
}

static void
test_requests_typed_fields (void)
{
	static const guint8 cmds[] = { 0x10, 0x11, 0x16, 0x19, 0x1b, 0x1f, 0x20, 0x20, 0x21, 0x22, 0x26, 0x27,
	                               0x2a, 0x2b, 0x2e, 0x30, 0x39, 0x39 };

	for (gsize i = 0; i < G_N_ELEMENTS (cmds); i++) {
		g_autoptr (HotsyncDlpRequest) r = hotsync_dlp_request_new (cmds[i]);
		g_autoptr (HotsyncDlpRequest) back = NULL;
		static const guint8 rec[] = "memo text";

		r->handle = 3;
		r->card = 0;
		r->flags = 0x80;
		r->start = 7;
		r->offset = 10;
		r->max_len = 0xffff;
		r->rec_id = 0x00abcdef;
		r->attr = 0x40;
		r->category = 5;
		r->index = 9;
		r->status = 2;
		r->by_index = (i == 7);
		r->by_handle = (i == 17);
		r->name = g_strdup ("ToDoDB");
		r->text = g_strdup ("Synced 3 memos");
		r->data = g_bytes_new (rec, sizeof rec);
		r->user.user_id = 42;
		r->user.last_sync_pc = 0x12345678;
		r->user.last_sync_date = (HotsyncDlpDate) { 2023, 6, 13, 0, 0, 1, 0 };
		r->user.mod_flags = 0xff;
		r->user.user_name = g_strdup ("Test 0");
		back = round_trip (r, NULL, 0);
		switch (cmds[i]) {
		case HOTSYNC_DLP_CMD_WRITE_USER_INFO:
			g_assert_cmpuint (back->user.user_id, ==, 42);
			g_assert_cmpuint (back->user.last_sync_pc, ==, 0x12345678);
			g_assert_cmpuint (back->user.last_sync_date.year, ==, 2023);
			g_assert_cmpuint (back->user.last_sync_date.second, ==, 1);
			g_assert_cmpstr (back->user.user_name, ==, "Test 0");
			break;
		case HOTSYNC_DLP_CMD_READ_DB_LIST:
			g_assert_cmpuint (back->start, ==, 7);
			g_assert_cmpuint (back->flags, ==, 0x80);
			break;
		case HOTSYNC_DLP_CMD_READ_RECORD:
			g_assert_cmpint (back->by_index, ==, r->by_index);
			if (back->by_index)
				g_assert_cmpuint (back->index, ==, 9);
			else
				g_assert_cmpuint (back->rec_id, ==, 0x00abcdef);
			g_assert_cmpuint (back->max_len, ==, 0xffff);
			break;
		case HOTSYNC_DLP_CMD_WRITE_RECORD:
			g_assert_cmpuint (back->rec_id, ==, 0x00abcdef);
			g_assert_cmpuint (back->attr, ==, 0x40);
			g_assert_cmpuint (back->category, ==, 5);
			g_assert_true (g_bytes_equal (back->data, r->data));
			break;
		case HOTSYNC_DLP_CMD_ADD_SYNC_LOG_ENTRY:
			g_assert_cmpstr (back->text, ==, "Synced 3 memos");
			break;
		case HOTSYNC_DLP_CMD_FIND_DB:
			g_assert_cmpint (back->by_handle, ==, r->by_handle);
			if (!back->by_handle)
				g_assert_cmpstr (back->name, ==, "ToDoDB");
			break;
		case HOTSYNC_DLP_CMD_READ_USER_INFO:
		case HOTSYNC_DLP_CMD_OPEN_CONDUIT:
			break;
		default:
			g_assert_cmpuint (back->handle, ==, 3);
			break;
		}
	}
}

/* User names: 40 characters and the NUL (N) pass both ways; one more is cut
 * when encoding and refused when decoding. */
static void
test_user_name_limit (void)
{
	for (gsize len = 40; len <= 41; len++) {
		g_autoptr (HotsyncDlpRequest) r = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_WRITE_USER_INFO);
		g_autoptr (HotsyncDlpRequest) back = NULL;
		g_autoptr (GBytes) enc = NULL;
		g_autoptr (GError) error = NULL;
		g_autofree guint8 *raw = NULL;
		gsize n;

		r->user.user_name = g_strnfill (len, 'u');
		enc = hotsync_dlp_request_encode (r);
		back = hotsync_dlp_request_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), NULL, &error);
		g_assert_no_error (error);
		g_assert_cmpuint (strlen (back->user.user_name), ==, 40);
		/* The same request with a 42-byte name field, by hand. */
		n = g_bytes_get_size (enc);
		raw = g_malloc (n + 1);
		memcpy (raw, g_bytes_get_data (enc, NULL), n);
		raw[3] = (guint8) (raw[3] + 1);       /* argument length */
		raw[2 + 2 + 21] = 42;                 /* nameLen */
		memmove (raw + n - 1, raw + n - 2, 1);
		raw[n - 1] = 'u';
		raw[n] = 0;
		g_clear_pointer (&back, hotsync_dlp_request_free);
		back = hotsync_dlp_request_decode (raw, n + 1, NULL, &error);
		g_assert_null (back);
		g_assert_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_BAD_ARGUMENT);
	}
}

/* Database names: 31 characters and the NUL (N) pass, 32 (N+1) do not. */
static void
test_db_name_limit (void)
{
	for (gsize len = 31; len <= 32; len++) {
		g_autoptr (HotsyncDlpRequest) r = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_OPEN_DB);
		g_autoptr (HotsyncDlpRequest) back = NULL;
		g_autoptr (GBytes) enc = NULL;
		g_autoptr (GError) error = NULL;

		r->name = g_strnfill (len, 'd');
		enc = hotsync_dlp_request_encode (r);
		back = hotsync_dlp_request_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), NULL, &error);
		if (len == 31) {
			g_assert_no_error (error);
			g_assert_cmpstr (back->name, ==, r->name);
		} else {
			g_assert_null (back);
			g_assert_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_BAD_ARGUMENT);
		}
	}
}

/* Record data: HOTSYNC_RECORD_MAX_SIZE bytes (N) pass in WriteRecord and in
 * a ReadRecord answer, one more (N+1) does not. */
static void
test_record_size_limit (void)
{
	for (gsize len = HOTSYNC_RECORD_MAX_SIZE; len <= HOTSYNC_RECORD_MAX_SIZE + 1; len++) {
		g_autoptr (HotsyncDlpRequest) r = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_WRITE_RECORD);
		g_autoptr (HotsyncDlpResponse) a = hotsync_dlp_response_new (HOTSYNC_DLP_CMD_READ_RECORD, 0);
		g_autoptr (HotsyncDlpRequest) r2 = NULL;
		g_autoptr (HotsyncDlpResponse) a2 = NULL;
		g_autoptr (GBytes) enc = NULL;
		g_autoptr (GBytes) enc_a = NULL;
		g_autoptr (GError) error = NULL;
		gboolean ok = len == HOTSYNC_RECORD_MAX_SIZE;

		r->data = g_bytes_new_take (g_malloc0 (len), len);
		a->data = g_bytes_ref (r->data);
		enc = hotsync_dlp_request_encode (r);
		r2 = hotsync_dlp_request_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), NULL, &error);
		g_assert_cmpint (r2 != NULL, ==, ok);
		if (!ok)
			g_assert_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_BAD_ARGUMENT);
		g_clear_error (&error);
		enc_a = hotsync_dlp_response_encode (a);
		a2 = hotsync_dlp_response_decode (g_bytes_get_data (enc_a, NULL), g_bytes_get_size (enc_a),
		                                  HOTSYNC_DLP_CMD_READ_RECORD, NULL, &error);
		g_assert_cmpint (a2 != NULL, ==, ok);
		if (!ok)
			g_assert_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_BAD_ARGUMENT);
	}
}

static void
test_bad_requests (void)
{
	static const struct {
		const char *what;
		guint8 data[16];
		gsize len;
		int code;
	} cases[] = {
		{ "unknown command", { 0x7e, 0x00 }, 2, HOTSYNC_DLP_ERROR_UNKNOWN_COMMAND },
		{ "OpenDB without args", { 0x17, 0x00 }, 2, HOTSYNC_DLP_ERROR_BAD_ARGUMENT },
		{ "OpenDB name without NUL", { 0x17, 0x01, 0x20, 0x04, 0x00, 0x80, 'M', 'e' }, 8, HOTSYNC_DLP_ERROR_BAD_ARGUMENT },
		{ "CloseDB handle of 2 bytes", { 0x19, 0x01, 0x20, 0x02, 0x01, 0x02 }, 6, HOTSYNC_DLP_ERROR_BAD_ARGUMENT },
		{ "ReadSysInfo 3 bytes", { 0x12, 0x01, 0x20, 0x03, 0x00, 0x01, 0x00 }, 7, HOTSYNC_DLP_ERROR_BAD_ARGUMENT },
		{ "EndOfSync 3 bytes", { 0x2f, 0x01, 0x20, 0x03, 0, 0, 0 }, 7, HOTSYNC_DLP_ERROR_BAD_ARGUMENT },
		{ "ReadUserInfo with an arg", { 0x10, 0x01, 0x20, 0x00 }, 4, HOTSYNC_DLP_ERROR_BAD_ARGUMENT },
		{ "ReadRecord with arg 0x22", { 0x20, 0x01, 0x22, 0x00 }, 4, HOTSYNC_DLP_ERROR_BAD_ARGUMENT },
		{ "WriteRecord cut", { 0x21, 0x01, 0x20, 0x05, 1, 0x80, 0, 0, 0 }, 9, HOTSYNC_DLP_ERROR_BAD_ARGUMENT },
		{ "DeleteDB too short", { 0x1a, 0x01, 0x20, 0x02, 0, 0 }, 6, HOTSYNC_DLP_ERROR_BAD_ARGUMENT },
		{ "ReadResource arg 0x21 of 8", { 0x23, 0x01, 0x21, 0x08, 0, 0, 0, 0, 0, 0, 0, 0 }, 12, HOTSYNC_DLP_ERROR_BAD_ARGUMENT },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (HotsyncDlpRequest) r = hotsync_dlp_request_decode (cases[i].data, cases[i].len, NULL, &error);

		g_test_message ("%s", cases[i].what);
		g_assert_null (r);
		g_assert_error (error, HOTSYNC_DLP_ERROR, cases[i].code);
	}
}

static void
test_untyped_requests (void)
{
	/* DeleteDB "foobar" as recorded; kept raw, re-encoded exactly. */
	static const guint8 deletedb[] = { 0x1a, 0x01, 0x20, 0x09, 0x00, 0x00, 'f', 'o', 'o', 'b', 'a', 'r', 0x00 };
	g_autoptr (GError) error = NULL;
	g_autoptr (HotsyncDlpRequest) r = hotsync_dlp_request_decode (deletedb, sizeof deletedb, NULL, &error);
	g_autoptr (GBytes) enc = NULL;

	g_assert_no_error (error);
	g_assert_nonnull (r->raw);
	g_assert_cmpstr (hotsync_dlp_command_name (r->cmd), ==, "DeleteDB");
	enc = hotsync_dlp_request_encode (r);
	g_assert_cmpmem (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), deletedb, sizeof deletedb);
}

static HotsyncDlpResponse *
resp_round_trip (const HotsyncDlpResponse *resp)
{
	g_autoptr (GBytes) enc = hotsync_dlp_response_encode (resp);
	g_autoptr (GError) error = NULL;
	HotsyncDlpResponse *back = hotsync_dlp_response_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc),
	                                                        resp->cmd, NULL, &error);
	g_autoptr (GBytes) again = NULL;

	g_assert_no_error (error);
	again = hotsync_dlp_response_encode (back);
	g_assert_true (g_bytes_equal (again, enc));
	return back;
}

static void
test_responses (void)
{
	static const guint8 memo[] = "Hello, world!";
	g_autoptr (HotsyncDlpResponse) r = NULL;
	g_autoptr (HotsyncDlpResponse) b = NULL;
	HotsyncDlpDbInfo *info;

	r = hotsync_dlp_response_new (HOTSYNC_DLP_CMD_READ_USER_INFO, 0);
	r->user.user_id = 7;
	r->user.last_sync_pc = 0xabcdef01;
	r->user.user_name = g_strdup ("Palm OS Emulator");
	r->user.password = g_bytes_new ("pw", 2);
	b = resp_round_trip (r);
	g_assert_cmpstr (b->user.user_name, ==, "Palm OS Emulator");
	g_assert_cmpuint (b->user.last_sync_pc, ==, 0xabcdef01);
	g_assert_cmpuint (g_bytes_get_size (b->user.password), ==, 2);
	g_clear_pointer (&r, hotsync_dlp_response_free);
	g_clear_pointer (&b, hotsync_dlp_response_free);

	r = hotsync_dlp_response_new (HOTSYNC_DLP_CMD_READ_SYS_INFO, 0);
	r->sys.rom_version = 0x04103000;
	r->sys.product_id = g_bytes_new ("\0\2\0\0", 4);
	r->sys.has_dlp_version = TRUE;
	r->sys.dlp_major = 1;
	r->sys.dlp_minor = 2;
	r->sys.max_rec_size = 0xffe1;
	b = resp_round_trip (r);
	g_assert_cmpuint (b->sys.rom_version, ==, 0x04103000);
	g_assert_true (b->sys.has_dlp_version);
	g_assert_cmpuint (b->sys.max_rec_size, ==, 0xffe1);
	g_clear_pointer (&r, hotsync_dlp_response_free);
	g_clear_pointer (&b, hotsync_dlp_response_free);

	r = hotsync_dlp_response_new (HOTSYNC_DLP_CMD_READ_DB_LIST, 0);
	r->last_index = 12;
	r->list_flags = HOTSYNC_DLP_DBLIST_MORE;
	for (int i = 0; i < 2; i++) {
		info = g_new0 (HotsyncDlpDbInfo, 1);
		info->creator = 0x6d656d6f;
		info->index = (guint16) i;
		info->name = g_strdup (i == 0 ? "MemoDB" : "ToDoDB1");   /* even and odd name lengths */
		g_ptr_array_add (r->dbs, info);
	}
	b = resp_round_trip (r);
	g_assert_cmpuint (b->dbs->len, ==, 2);
	g_assert_cmpstr (((HotsyncDlpDbInfo *) g_ptr_array_index (b->dbs, 1))->name, ==, "ToDoDB1");
	g_assert_cmpuint (b->list_flags, ==, HOTSYNC_DLP_DBLIST_MORE);
	g_clear_pointer (&r, hotsync_dlp_response_free);
	g_clear_pointer (&b, hotsync_dlp_response_free);

	r = hotsync_dlp_response_new (HOTSYNC_DLP_CMD_READ_RECORD, 0);
	r->rec_id = 0x00f00001;
	r->index = 3;
	r->attr = 0x40;
	r->category = 1;
	r->data = g_bytes_new (memo, sizeof memo);
	b = resp_round_trip (r);
	g_assert_cmpuint (b->rec_id, ==, 0x00f00001);
	g_assert_cmpuint (b->attr, ==, 0x40);
	g_assert_true (g_bytes_equal (b->data, r->data));
	g_clear_pointer (&r, hotsync_dlp_response_free);
	g_clear_pointer (&b, hotsync_dlp_response_free);

	r = hotsync_dlp_response_new (HOTSYNC_DLP_CMD_FIND_DB, 0);
	r->local_id = 0x1234;
	r->has_sizes = TRUE;
	r->sizes[0] = 9;
	info = g_new0 (HotsyncDlpDbInfo, 1);
	info->name = g_strdup ("foobar");
	g_ptr_array_add (r->dbs, info);
	b = resp_round_trip (r);
	g_assert_cmpuint (b->local_id, ==, 0x1234);
	g_assert_cmpuint (b->sizes[0], ==, 9);
	g_clear_pointer (&r, hotsync_dlp_response_free);
	g_clear_pointer (&b, hotsync_dlp_response_free);

	for (guint8 cmd = HOTSYNC_DLP_CMD_OPEN_DB; cmd <= HOTSYNC_DLP_CMD_READ_OPEN_DB_INFO; cmd++) {
		if (cmd != HOTSYNC_DLP_CMD_OPEN_DB && cmd != HOTSYNC_DLP_CMD_WRITE_RECORD &&
		    cmd != HOTSYNC_DLP_CMD_READ_OPEN_DB_INFO && cmd != HOTSYNC_DLP_CMD_CLOSE_DB)
			continue;
		r = hotsync_dlp_response_new (cmd, 0);
		r->handle = 4;
		r->rec_id = 77;
		r->num_records = 5;
		b = resp_round_trip (r);
		g_clear_pointer (&r, hotsync_dlp_response_free);
		g_clear_pointer (&b, hotsync_dlp_response_free);
	}
}

static void
test_response_errors (void)
{
	/* ReadNextModifiedRec at the end: error 5, no arguments (as recorded). */
	static const guint8 not_found[] = { 0x9f, 0x00, 0x00, 0x05 };
	static const guint8 open_two_byte_handle[] = { 0x97, 0x01, 0x00, 0x00, 0x20, 0x02, 0x01, 0x02 };
	static const guint8 close_with_arg[] = { 0x99, 0x01, 0x00, 0x00, 0x20, 0x00 };
	g_autoptr (GError) error = NULL;
	g_autoptr (HotsyncDlpResponse) r = hotsync_dlp_response_decode (not_found, sizeof not_found, 0x1f, NULL, &error);
	g_autoptr (HotsyncDlpResponse) x = NULL;

	g_assert_no_error (error);
	g_assert_cmpuint (r->error, ==, HOTSYNC_DLP_STATUS_NOT_FOUND);
	g_assert_cmpstr (hotsync_dlp_status_name (r->error), ==, "not found");
	g_assert_null (hotsync_dlp_response_decode (not_found, sizeof not_found, 0x20, NULL, &error));
	g_assert_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_MISMATCH);
	g_clear_error (&error);
	x = hotsync_dlp_response_decode (open_two_byte_handle, sizeof open_two_byte_handle, 0x17, NULL, &error);
	g_assert_null (x);
	g_assert_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_BAD_ARGUMENT);
	g_clear_error (&error);
	x = hotsync_dlp_response_decode (close_with_arg, sizeof close_with_arg, 0x19, NULL, &error);
	g_assert_null (x);
	g_assert_error (error, HOTSYNC_DLP_ERROR, HOTSYNC_DLP_ERROR_BAD_ARGUMENT);
}

static void
test_names (void)
{
	g_assert_cmpstr (hotsync_dlp_command_name (0x10), ==, "ReadUserInfo");
	g_assert_cmpstr (hotsync_dlp_command_name (0x2f), ==, "EndOfSync");
	g_assert_null (hotsync_dlp_command_name (0x00));
	g_assert_cmpstr (hotsync_dlp_status_name (0x0e), ==, "unknown");
	g_assert_cmpstr (hotsync_dlp_status_name (0x15), ==, "size");
	g_assert_cmpstr (hotsync_dlp_status_name (0x7f), ==, "unknown");
}

static void
test_dates (void)
{
	HotsyncDlpDate none = { 0 }, d = { 2023, 6, 13, 0, 0, 1, 0 }, bad = { 2023, 13, 1, 0, 0, 0, 0 }, back;
	g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
	g_autoptr (GDateTime) dt = NULL;

	g_assert_false (hotsync_dlp_date_is_set (&none));
	g_assert_null (hotsync_dlp_date_to_date_time (&none, utc));
	g_assert_null (hotsync_dlp_date_to_date_time (&bad, utc));
	dt = hotsync_dlp_date_to_date_time (&d, utc);
	g_assert_nonnull (dt);
	g_assert_cmpint (g_date_time_to_unix (dt), ==, 1686614401);
	hotsync_dlp_date_from_date_time (dt, &back);
	g_assert_cmpmem (&back, sizeof back, &d, sizeof d);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/hotsync/dlp/forms", test_forms);
	g_test_add_func ("/hotsync/dlp/non-canonical-forms-round-trip", test_non_canonical_forms_round_trip);
	g_test_add_func ("/hotsync/dlp/malformed", test_malformed);
	g_test_add_func ("/hotsync/dlp/limits", test_limits);
	g_test_add_func ("/hotsync/dlp/requests", test_requests);
	g_test_add_func ("/hotsync/dlp/requests-typed-fields", test_requests_typed_fields);
	g_test_add_func ("/hotsync/dlp/user-name-limit", test_user_name_limit);
	g_test_add_func ("/hotsync/dlp/db-name-limit", test_db_name_limit);
	g_test_add_func ("/hotsync/dlp/record-size-limit", test_record_size_limit);
	g_test_add_func ("/hotsync/dlp/bad-requests", test_bad_requests);
	g_test_add_func ("/hotsync/dlp/untyped-requests", test_untyped_requests);
	g_test_add_func ("/hotsync/dlp/responses", test_responses);
	g_test_add_func ("/hotsync/dlp/response-errors", test_response_errors);
	g_test_add_func ("/hotsync/dlp/names", test_names);
	g_test_add_func ("/hotsync/dlp/dates", test_dates);
	return g_test_run ();
}
