/* Tests for eas/eas-query.c: the EAS request line. */
#include "config.h"

#include <string.h>

#include "eas/eas-query.h"

static const EasCommand all_commands[] = {
	EAS_CMD_SYNC, EAS_CMD_SEND_MAIL, EAS_CMD_SMART_FORWARD, EAS_CMD_SMART_REPLY,
	EAS_CMD_GET_ATTACHMENT, EAS_CMD_FOLDER_SYNC, EAS_CMD_FOLDER_CREATE,
	EAS_CMD_FOLDER_DELETE, EAS_CMD_FOLDER_UPDATE, EAS_CMD_MOVE_ITEMS,
	EAS_CMD_GET_ITEM_ESTIMATE, EAS_CMD_MEETING_RESPONSE, EAS_CMD_SEARCH,
	EAS_CMD_SETTINGS, EAS_CMD_PING, EAS_CMD_ITEM_OPERATIONS, EAS_CMD_PROVISION,
	EAS_CMD_RESOLVE_RECIPIENTS, EAS_CMD_VALIDATE_CERT, EAS_CMD_FIND,
};

static const EasVersion base64_versions[] = { 121, 140, 141, 160, 161 };

static EasQuery *
parse_str (const char *s, GError **error)
{
	return eas_query_parse (s, strlen (s), error);
}

static void
assert_fails (const char *s, int code)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasQuery) q = parse_str (s, &error);

	g_assert_null (q);
	g_assert_error (error, EAS_QUERY_ERROR, code);
}

static EasQuery *
parse_ok (const char *s)
{
	g_autoptr (GError) error = NULL;
	EasQuery *q = parse_str (s, &error);

	g_assert_no_error (error);
	g_assert_nonnull (q);
	return q;
}

/* ---- Blob building for the base64 form --------------------------------- */

static void
blob_counted (GByteArray *b, const void *data, gsize len)
{
	guint8 n = (guint8) len;

	g_assert_cmpuint (len, <=, 255);
	g_byte_array_append (b, &n, 1);
	g_byte_array_append (b, data, (guint) len);
}

/* Header: version, command, locale 0x0409, the given id, optional key, type. */
static GByteArray *
blob_new (guint8 version, guint8 cmd, const char *device_id, const guint32 *key,
          const char *device_type)
{
	GByteArray *b = g_byte_array_new ();
	guint8 head[4] = { version, cmd, 0x09, 0x04 };

	g_byte_array_append (b, head, 4);
	blob_counted (b, device_id, strlen (device_id));
	if (key != NULL) {
		guint8 k[4] = { (guint8) *key, (guint8) (*key >> 8), (guint8) (*key >> 16), (guint8) (*key >> 24) };
		blob_counted (b, k, 4);
	} else {
		blob_counted (b, NULL, 0);
	}
	blob_counted (b, device_type, strlen (device_type));
	return b;
}

static void
blob_param (GByteArray *b, guint8 tag, const void *value, gsize len)
{
	g_byte_array_append (b, &tag, 1);
	blob_counted (b, value, len);
}

static EasQuery *
blob_parse (GByteArray *b, GError **error)
{
	g_autofree char *text = g_base64_encode (b->data, b->len);

	return parse_str (text, error);
}

static void
blob_assert_fails (GByteArray *b, int code)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasQuery) q = blob_parse (b, &error);

	g_assert_null (q);
	g_assert_error (error, EAS_QUERY_ERROR, code);
}

static EasQuery *
blob_parse_ok (GByteArray *b)
{
	g_autoptr (GError) error = NULL;
	EasQuery *q = blob_parse (b, &error);

	g_assert_no_error (error);
	g_assert_nonnull (q);
	return q;
}

/* ---- Names and versions ------------------------------------------------- */

static void
test_command_names (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (all_commands); i++) {
		const char *name = eas_command_name (all_commands[i]);
		g_assert_nonnull (name);
		g_assert_cmpint (eas_command_from_name (name), ==, all_commands[i]);
	}
	g_assert_cmpstr (eas_command_name (EAS_CMD_FOLDER_SYNC), ==, "FolderSync");
	g_assert_cmpstr (eas_command_name (EAS_CMD_GET_ITEM_ESTIMATE), ==, "GetItemEstimate");
	/* Codes 5–8 are not commands any more, nor is 24. */
	for (int c = 5; c <= 8; c++)
		g_assert_null (eas_command_name ((EasCommand) c));
	g_assert_null (eas_command_name ((EasCommand) 24));
	g_assert_null (eas_command_name (EAS_CMD_UNKNOWN));
	g_assert_cmpint (eas_command_from_name ("sync"), ==, EAS_CMD_UNKNOWN);
	g_assert_cmpint (eas_command_from_name (""), ==, EAS_CMD_UNKNOWN);
	g_assert_cmpint (eas_command_from_name ("GetHierarchy"), ==, EAS_CMD_UNKNOWN);
}

static void
test_versions (void)
{
	static const struct { const char *text; EasVersion v; } good[] = {
		{ "2.5", 25 }, { "12.0", 120 }, { "12.1", 121 }, { "14.0", 140 },
		{ "14.1", 141 }, { "16.0", 160 }, { "16.1", 161 },
	};
	static const char *bad[] = { "", "2", "12", "12.2", "2.50", "16.10", " 14.0", "14.0 ", "1.0", "16.2" };
	EasVersion v = 0;

	for (gsize i = 0; i < G_N_ELEMENTS (good); i++) {
		g_assert_true (eas_version_parse (good[i].text, &v));
		g_assert_cmpuint (v, ==, good[i].v);
		g_assert_cmpstr (eas_version_to_string (good[i].v), ==, good[i].text);
		g_assert_cmpint (eas_version_has_base64_form (v), ==, v >= 121);
	}
	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
		g_assert_false (eas_version_parse (bad[i], &v));
	g_assert_false (eas_version_parse (NULL, &v));
	g_assert_null (eas_version_to_string (0));
	g_assert_null (eas_version_to_string (130));
}

/* ---- Plain form -------------------------------------------------------- */

static void
test_plain_every_command (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (all_commands); i++) {
		g_autofree char *s = g_strdup_printf ("Cmd=%s&User=jdoe&DeviceId=Appl12345&DeviceType=iPhone",
		                                      eas_command_name (all_commands[i]));
		g_autoptr (EasQuery) q = parse_ok (s);

		g_assert_cmpint (q->cmd, ==, all_commands[i]);
		g_assert_false (q->base64_form);
		g_assert_cmpstr (q->user, ==, "jdoe");
		g_assert_cmpstr (q->device_id, ==, "Appl12345");
		g_assert_cmpstr (q->device_type, ==, "iPhone");
		g_assert_cmpuint (q->version, ==, 0);
		g_assert_false (q->has_policy_key);
		g_assert_null (q->collection_id);
		g_assert_false (q->save_in_sent);
	}
}

static void
test_plain_params (void)
{
	g_autoptr (EasQuery) q = parse_ok ("Cmd=SmartReply&User=DOM%5Cj%40x.org&DeviceId=abc&DeviceType=SP"
	                                   "&CollectionId=5&ItemId=5%3A12&LongId=RID%3A1&Occurrence=20261126T100000Z"
	                                   "&SaveInSent=T&AttachmentName=a%2Fb+c");

	g_assert_cmpint (q->cmd, ==, EAS_CMD_SMART_REPLY);
	g_assert_cmpstr (q->user, ==, "DOM\\j@x.org");
	g_assert_cmpstr (q->collection_id, ==, "5");
	g_assert_cmpstr (q->item_id, ==, "5:12");
	g_assert_cmpstr (q->long_id, ==, "RID:1");
	g_assert_cmpstr (q->occurrence, ==, "20261126T100000Z");
	g_assert_cmpstr (q->attachment_name, ==, "a/b+c");	/* '+' is literal */
	g_assert_true (q->save_in_sent);

	g_autoptr (EasQuery) f = parse_ok ("Cmd=SendMail&DeviceId=abc&DeviceType=SP&SaveInSent=F");
	g_assert_false (f->save_in_sent);
	g_assert_null (f->user);	/* User is optional */

	/* Parameter names are case-insensitive ABNF literals; order is free. */
	g_autoptr (EasQuery) c = parse_ok ("devicetype=SP&DEVICEID=abc&cmd=Ping");
	g_assert_cmpint (c->cmd, ==, EAS_CMD_PING);
	g_assert_cmpstr (c->device_id, ==, "abc");

	/* UTF-8 (percent-encoded) in a user name. */
	g_autoptr (EasQuery) u = parse_ok ("Cmd=Sync&User=J%C3%BCrgen&DeviceId=abc&DeviceType=SP");
	g_assert_cmpstr (u->user, ==, "J\xc3\xbcrgen");
}

static void
test_plain_unknown_ignored (void)
{
	g_autoptr (EasQuery) q = parse_ok ("Cmd=Sync&Foo=bar&DeviceId=abc&&DeviceType=SP&Foo=again&X=%41&");

	g_assert_cmpint (q->cmd, ==, EAS_CMD_SYNC);
	g_assert_cmpstr (q->device_type, ==, "SP");
}

static void
test_plain_duplicate (void)
{
	static const char *dups[] = {
		"Cmd=Sync&Cmd=Sync&DeviceId=a&DeviceType=b",
		"Cmd=Sync&User=x&User=x&DeviceId=a&DeviceType=b",
		"Cmd=Sync&DeviceId=a&DeviceId=a&DeviceType=b",
		"Cmd=Sync&DeviceId=a&DeviceType=b&DeviceType=b",
		"Cmd=Sync&DeviceId=a&DeviceType=b&AttachmentName=1&AttachmentName=2",
		"Cmd=Sync&DeviceId=a&DeviceType=b&CollectionId=1&CollectionId=2",
		"Cmd=Sync&DeviceId=a&DeviceType=b&ItemId=1&ItemId=2",
		"Cmd=Sync&DeviceId=a&DeviceType=b&LongId=1&LongId=2",
		"Cmd=Sync&DeviceId=a&DeviceType=b&Occurrence=1&Occurrence=2",
		"Cmd=Sync&DeviceId=a&DeviceType=b&SaveInSent=T&SaveInSent=T",
		"Cmd=Sync&DeviceId=a&DeviceType=b&deviceid=a",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (dups); i++)
		assert_fails (dups[i], EAS_QUERY_ERROR_INVALID);
}

static void
test_plain_missing (void)
{
	assert_fails ("", EAS_QUERY_ERROR_MISSING);
	assert_fails ("User=a&DeviceId=a&DeviceType=b", EAS_QUERY_ERROR_MISSING);
	assert_fails ("Cmd=Sync&DeviceType=b", EAS_QUERY_ERROR_MISSING);
	assert_fails ("Cmd=Sync&DeviceId=a", EAS_QUERY_ERROR_MISSING);
	assert_fails ("Cmd=&DeviceId=a&DeviceType=b", EAS_QUERY_ERROR_MISSING);
	assert_fails ("Cmd=Sync&DeviceId=&DeviceType=b", EAS_QUERY_ERROR_MISSING);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=", EAS_QUERY_ERROR_MISSING);

	/* An empty optional value counts as absent. */
	g_autoptr (EasQuery) q = parse_ok ("Cmd=Sync&User=&DeviceId=a&DeviceType=b&CollectionId=");
	g_assert_null (q->user);
	g_assert_null (q->collection_id);
}

static void
test_plain_bad_values (void)
{
	assert_fails ("Cmd=Sink&DeviceId=a&DeviceType=b", EAS_QUERY_ERROR_UNKNOWN_COMMAND);
	assert_fails ("Cmd=sync&DeviceId=a&DeviceType=b", EAS_QUERY_ERROR_UNKNOWN_COMMAND);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&SaveInSent=X", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&SaveInSent=t", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&Junk", EAS_QUERY_ERROR_INVALID);
	/* Bad percent escapes, anywhere (also in names and unknown parameters). */
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&User=%", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&User=%4", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&User=%zz", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&User=a%00b", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&Fo%=x", EAS_QUERY_ERROR_INVALID);
	/* Control characters and invalid UTF-8 after decoding. */
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&User=a%0Ab", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&ItemId=a%7F", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&User=%C3", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&User=%FF", EAS_QUERY_ERROR_INVALID);
	/* Raw bytes that a URI query cannot hold. */
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&User=a b", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&User=\xc3\xbc", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=b&User=a\tb", EAS_QUERY_ERROR_INVALID);
	/* An embedded NUL inside the given length. */
	static const char with_nul[] = "Cmd=Sync\0&DeviceId=a&DeviceType=b";
	g_autoptr (GError) error = NULL;
	g_autoptr (EasQuery) q = eas_query_parse (with_nul, sizeof with_nul - 1, &error);
	g_assert_null (q);
	g_assert_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID);
}

static void
test_plain_device_id (void)
{
	g_autofree char *id32 = g_strnfill (32, 'A');
	g_autofree char *id33 = g_strnfill (33, 'A');
	g_autofree char *s32 = g_strdup_printf ("Cmd=Sync&DeviceId=%s&DeviceType=b", id32);
	g_autofree char *s33 = g_strdup_printf ("Cmd=Sync&DeviceId=%s&DeviceType=b", id33);
	g_autoptr (EasQuery) q = parse_ok (s32);

	g_assert_cmpstr (q->device_id, ==, id32);
	assert_fails (s33, EAS_QUERY_ERROR_INVALID);

	g_autoptr (EasQuery) g = parse_ok ("Cmd=Sync&DeviceId=android-1a2B_3&DeviceType=b");
	g_assert_cmpstr (g->device_id, ==, "android-1a2B_3");
	assert_fails ("Cmd=Sync&DeviceId=a.b&DeviceType=b", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a,b&DeviceType=b", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a%2Fb&DeviceType=b", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a%20b&DeviceType=b", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=%C3%BC&DeviceType=b", EAS_QUERY_ERROR_INVALID);
}

static void
test_plain_device_type (void)
{
	g_autofree char *t32 = g_strnfill (32, 'T');
	g_autofree char *t33 = g_strnfill (33, 'T');
	g_autofree char *s32 = g_strdup_printf ("Cmd=Sync&DeviceId=a&DeviceType=%s", t32);
	g_autofree char *s33 = g_strdup_printf ("Cmd=Sync&DeviceId=a&DeviceType=%s", t33);
	g_autoptr (EasQuery) q = parse_ok (s32);

	g_assert_cmpstr (q->device_type, ==, t32);
	assert_fails (s33, EAS_QUERY_ERROR_INVALID);

	g_autoptr (EasQuery) p = parse_ok ("Cmd=Sync&DeviceId=a&DeviceType=SAMSUNG-SM.G950F%2F1");
	g_assert_cmpstr (p->device_type, ==, "SAMSUNG-SM.G950F/1");
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=Smart%20Phone", EAS_QUERY_ERROR_INVALID);
	assert_fails ("Cmd=Sync&DeviceId=a&DeviceType=%C3%BC", EAS_QUERY_ERROR_INVALID);
}

static void
test_plain_value_limit (void)
{
	static const char *names[] = { "User", "AttachmentName", "CollectionId", "ItemId", "LongId", "Occurrence" };
	g_autofree char *v255 = g_strnfill (EAS_QUERY_MAX_VALUE_BYTES, 'v');
	g_autofree char *v256 = g_strnfill (EAS_QUERY_MAX_VALUE_BYTES + 1, 'v');

	for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
		g_autofree char *ok = g_strdup_printf ("Cmd=Sync&DeviceId=a&DeviceType=b&%s=%s", names[i], v255);
		g_autofree char *bad = g_strdup_printf ("Cmd=Sync&DeviceId=a&DeviceType=b&%s=%s", names[i], v256);
		g_autoptr (EasQuery) q = parse_ok (ok);
		const char *got[] = { q->user, q->attachment_name, q->collection_id, q->item_id, q->long_id, q->occurrence };

		g_assert_cmpstr (got[i], ==, v255);
		assert_fails (bad, EAS_QUERY_ERROR_INVALID);
	}
	/* The limit is on decoded bytes: 127 × "%C3%BC" + "x" is 255. */
	GString *enc = g_string_new ("Cmd=Sync&DeviceId=a&DeviceType=b&User=");
	for (int i = 0; i < 127; i++)
		g_string_append (enc, "%C3%BC");
	g_string_append (enc, "x");	/* 255 decoded bytes */
	g_autoptr (EasQuery) q = parse_ok (enc->str);
	g_assert_cmpuint (strlen (q->user), ==, 255);
	g_string_append (enc, "y");	/* 256 */
	assert_fails (enc->str, EAS_QUERY_ERROR_INVALID);
	g_string_free (enc, TRUE);
}

static void
test_total_limit (void)
{
	const char *head = "Cmd=Sync&DeviceId=a&DeviceType=b&Pad=";
	gsize pad = EAS_QUERY_MAX_BYTES - strlen (head);
	g_autofree char *fill = g_strnfill (pad, 'p');
	g_autofree char *at = g_strconcat (head, fill, NULL);
	g_autofree char *over = g_strconcat (at, "p", NULL);

	g_assert_cmpuint (strlen (at), ==, EAS_QUERY_MAX_BYTES);
	g_autoptr (EasQuery) q = parse_ok (at);
	g_assert_cmpint (q->cmd, ==, EAS_CMD_SYNC);
	assert_fails (over, EAS_QUERY_ERROR_INVALID);
}

/* ---- Base64 form -------------------------------------------------------- */

static void
test_base64_spec_example (void)
{
	/* [MS-ASHTTP] 2.2.1.1.1.1 example. */
	const char *example = "jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l";
	g_autoptr (EasQuery) q = parse_ok (example);

	g_assert_true (q->base64_form);
	g_assert_cmpuint (q->version, ==, 140);
	g_assert_cmpint (q->cmd, ==, EAS_CMD_SYNC);
	g_assert_cmpuint (q->locale, ==, 0x0409);
	g_assert_cmpstr (q->device_id, ==, "v140Device");
	g_assert_false (q->has_policy_key);
	g_assert_cmpstr (q->device_type, ==, "SmartPhone");
	g_assert_null (q->user);

	g_autofree char *again = eas_query_encode_base64 (q);
	g_assert_cmpstr (again, ==, example);
}

static void
test_base64_every_command_and_version (void)
{
	for (gsize v = 0; v < G_N_ELEMENTS (base64_versions); v++) {
		for (gsize i = 0; i < G_N_ELEMENTS (all_commands); i++) {
			g_autoptr (GByteArray) b = blob_new ((guint8) base64_versions[v], (guint8) all_commands[i],
			                                     "dev1", NULL, "WP8");
			g_autoptr (EasQuery) q = blob_parse_ok (b);

			g_assert_cmpuint (q->version, ==, base64_versions[v]);
			g_assert_cmpint (q->cmd, ==, all_commands[i]);
			g_assert_cmpstr (q->device_id, ==, "dev1");
			g_assert_cmpstr (q->device_type, ==, "WP8");
		}
	}
}

static void
test_base64_bad_header (void)
{
	static const guint8 bad_versions[] = { 0, 25, 120, 122, 150, 162, 255 };
	static const guint8 bad_commands[] = { 5, 6, 7, 8, 24, 100, 255 };

	for (gsize i = 0; i < G_N_ELEMENTS (bad_versions); i++) {
		g_autoptr (GByteArray) b = blob_new (bad_versions[i], 0, "dev", NULL, "T");
		blob_assert_fails (b, EAS_QUERY_ERROR_INVALID);
	}
	for (gsize i = 0; i < G_N_ELEMENTS (bad_commands); i++) {
		g_autoptr (GByteArray) b = blob_new (141, bad_commands[i], "dev", NULL, "T");
		blob_assert_fails (b, EAS_QUERY_ERROR_UNKNOWN_COMMAND);
	}
}

static void
test_base64_policy_key (void)
{
	guint32 key = 0x89ABCDEF;
	g_autoptr (GByteArray) b = blob_new (141, EAS_CMD_SYNC, "dev", &key, "T");
	g_autoptr (EasQuery) q = blob_parse_ok (b);

	g_assert_true (q->has_policy_key);
	g_assert_cmphex (q->policy_key, ==, 0x89ABCDEF);
	g_assert_cmpuint (b->data[4 + 1 + 3 + 1], ==, 0xEF);	/* little-endian */

	g_autofree char *again = eas_query_encode_base64 (q);
	g_autofree char *orig = g_base64_encode (b->data, b->len);
	g_assert_cmpstr (again, ==, orig);

	/* Key length must be 0 or 4. */
	for (guint8 n = 1; n <= 8; n++) {
		if (n == 4)
			continue;
		g_autoptr (GByteArray) bad = g_byte_array_new ();
		guint8 head[4] = { 141, 0, 0, 0 };
		guint8 zeros[8] = { 0 };
		g_byte_array_append (bad, head, 4);
		blob_counted (bad, "dev", 3);
		blob_counted (bad, zeros, n);
		blob_counted (bad, "T", 1);
		blob_assert_fails (bad, EAS_QUERY_ERROR_INVALID);
	}
}

static void
test_base64_device_id (void)
{
	/* A binary 16-byte GUID becomes 32 upper-case hex digits. */
	static const guint8 guid[16] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};
	g_autoptr (GByteArray) b = g_byte_array_new ();
	guint8 head[4] = { 160, EAS_CMD_FOLDER_SYNC, 0x07, 0x04 };
	g_byte_array_append (b, head, 4);
	blob_counted (b, guid, sizeof guid);
	blob_counted (b, NULL, 0);
	blob_counted (b, "WP", 2);
	g_autoptr (EasQuery) q = blob_parse_ok (b);
	g_assert_cmpstr (q->device_id, ==, "00112233445566778899AABBCCDDEEFF");
	g_assert_cmpuint (q->locale, ==, 0x0407);

	/* 17 binary bytes would need 34 hex digits: over the limit. */
	g_autoptr (GByteArray) b17 = g_byte_array_new ();
	g_byte_array_append (b17, head, 4);
	guint8 bin17[17];
	memset (bin17, 0xA5, sizeof bin17);
	blob_counted (b17, bin17, sizeof bin17);
	blob_counted (b17, NULL, 0);
	blob_counted (b17, "WP", 2);
	blob_assert_fails (b17, EAS_QUERY_ERROR_INVALID);

	/* Text ids: 32 ok, 33 not; empty not. */
	g_autofree char *id32 = g_strnfill (32, '7');
	g_autofree char *id33 = g_strnfill (33, '7');
	g_autoptr (GByteArray) t32 = blob_new (141, 0, id32, NULL, "T");
	g_autoptr (GByteArray) t33 = blob_new (141, 0, id33, NULL, "T");
	g_autoptr (GByteArray) t0 = blob_new (141, 0, "", NULL, "T");
	g_autoptr (EasQuery) q32 = blob_parse_ok (t32);
	g_assert_cmpstr (q32->device_id, ==, id32);
	blob_assert_fails (t33, EAS_QUERY_ERROR_INVALID);
	blob_assert_fails (t0, EAS_QUERY_ERROR_INVALID);
}

static void
test_base64_device_type (void)
{
	g_autofree char *t32 = g_strnfill (32, 'x');
	g_autofree char *t33 = g_strnfill (33, 'x');
	g_autoptr (GByteArray) b32 = blob_new (141, 0, "d", NULL, t32);
	g_autoptr (GByteArray) b33 = blob_new (141, 0, "d", NULL, t33);
	g_autoptr (GByteArray) b0 = blob_new (141, 0, "d", NULL, "");
	g_autoptr (GByteArray) bsp = blob_new (141, 0, "d", NULL, "Smart Phone");
	g_autoptr (EasQuery) q = blob_parse_ok (b32);

	g_assert_cmpstr (q->device_type, ==, t32);
	blob_assert_fails (b33, EAS_QUERY_ERROR_INVALID);
	blob_assert_fails (b0, EAS_QUERY_ERROR_INVALID);
	blob_assert_fails (bsp, EAS_QUERY_ERROR_INVALID);
}

static void
test_base64_params (void)
{
	g_autoptr (GByteArray) b = blob_new (161, EAS_CMD_SMART_FORWARD, "dev", NULL, "T");
	guint8 opt = 0x03;

	blob_param (b, 0, "att.txt", 7);
	blob_param (b, 1, "7", 1);
	blob_param (b, 3, "7:1", 3);
	blob_param (b, 4, "RID:9", 5);
	blob_param (b, 6, "20261126T100000Z", 16);
	blob_param (b, 7, &opt, 1);
	blob_param (b, 8, "j@x.org", 7);
	g_autoptr (EasQuery) q = blob_parse_ok (b);

	g_assert_cmpstr (q->attachment_name, ==, "att.txt");
	g_assert_cmpstr (q->collection_id, ==, "7");
	g_assert_cmpstr (q->item_id, ==, "7:1");
	g_assert_cmpstr (q->long_id, ==, "RID:9");
	g_assert_cmpstr (q->occurrence, ==, "20261126T100000Z");
	g_assert_cmpstr (q->user, ==, "j@x.org");
	g_assert_true (q->save_in_sent);
	g_assert_true (q->accept_multipart);

	/* The encoder writes the same bytes. */
	g_autofree char *again = eas_query_encode_base64 (q);
	g_autofree char *orig = g_base64_encode (b->data, b->len);
	g_assert_cmpstr (again, ==, orig);

	/* Each option bit on its own; unknown bits are ignored. */
	static const struct { guint8 bits; gboolean sis, amp; } opts[] = {
		{ 0x00, FALSE, FALSE }, { 0x01, TRUE, FALSE }, { 0x02, FALSE, TRUE }, { 0xFC, FALSE, FALSE },
	};
	for (gsize i = 0; i < G_N_ELEMENTS (opts); i++) {
		g_autoptr (GByteArray) o = blob_new (141, EAS_CMD_SEND_MAIL, "d", NULL, "T");
		blob_param (o, 7, &opts[i].bits, 1);
		g_autoptr (EasQuery) oq = blob_parse_ok (o);
		g_assert_cmpint (oq->save_in_sent, ==, opts[i].sis);
		g_assert_cmpint (oq->accept_multipart, ==, opts[i].amp);
	}
}

static void
test_base64_param_rules (void)
{
	static const guint8 tags[] = { 0, 1, 3, 4, 6, 7, 8 };
	guint8 two[2] = { 1, 1 };

	/* Duplicates of each known tag. */
	for (gsize i = 0; i < G_N_ELEMENTS (tags); i++) {
		g_autoptr (GByteArray) b = blob_new (141, 0, "d", NULL, "T");
		blob_param (b, tags[i], "1", 1);
		blob_param (b, tags[i], "1", 1);
		blob_assert_fails (b, EAS_QUERY_ERROR_INVALID);
	}
	/* Unknown and obsolete tags are skipped, even repeated. */
	g_autoptr (GByteArray) u = blob_new (141, 0, "d", NULL, "T");
	blob_param (u, 2, "x", 1);
	blob_param (u, 2, "y", 1);
	blob_param (u, 5, "\x01\x02", 2);
	blob_param (u, 5, "\x01\x02", 2);
	blob_param (u, 9, "x", 1);
	blob_param (u, 9, "x", 1);
	blob_param (u, 255, NULL, 0);
	blob_param (u, 8, "me", 2);
	g_autoptr (EasQuery) uq = blob_parse_ok (u);
	g_assert_cmpstr (uq->user, ==, "me");

	/* Options must be exactly one byte. */
	g_autoptr (GByteArray) o0 = blob_new (141, 0, "d", NULL, "T");
	blob_param (o0, 7, NULL, 0);
	blob_assert_fails (o0, EAS_QUERY_ERROR_INVALID);
	g_autoptr (GByteArray) o2 = blob_new (141, 0, "d", NULL, "T");
	blob_param (o2, 7, two, 2);
	blob_assert_fails (o2, EAS_QUERY_ERROR_INVALID);

	/* A zero-length text value counts as absent. */
	g_autoptr (GByteArray) e = blob_new (141, 0, "d", NULL, "T");
	blob_param (e, 8, NULL, 0);
	g_autoptr (EasQuery) eq = blob_parse_ok (e);
	g_assert_null (eq->user);

	/* Text values: control characters and invalid UTF-8 refused. */
	g_autoptr (GByteArray) c = blob_new (141, 0, "d", NULL, "T");
	blob_param (c, 1, "a\nb", 3);
	blob_assert_fails (c, EAS_QUERY_ERROR_INVALID);
	g_autoptr (GByteArray) z = blob_new (141, 0, "d", NULL, "T");
	blob_param (z, 8, "a\0b", 3);
	blob_assert_fails (z, EAS_QUERY_ERROR_INVALID);
	g_autoptr (GByteArray) x = blob_new (141, 0, "d", NULL, "T");
	blob_param (x, 3, "\xc3(", 2);
	blob_assert_fails (x, EAS_QUERY_ERROR_INVALID);

	/* The largest value a length byte can carry. */
	g_autofree char *v255 = g_strnfill (255, 'u');
	g_autoptr (GByteArray) big = blob_new (141, 0, "d", NULL, "T");
	blob_param (big, 8, v255, 255);
	g_autoptr (EasQuery) bq = blob_parse_ok (big);
	g_assert_cmpstr (bq->user, ==, v255);
}

static void
test_base64_truncated (void)
{
	guint32 key = 7;
	guint8 opt = 1;
	g_autoptr (GByteArray) b = blob_new (141, EAS_CMD_SMART_REPLY, "dev", &key, "T");
	g_autoptr (GArray) ends = g_array_new (FALSE, FALSE, sizeof (guint));
	guint end = b->len;

	g_array_append_val (ends, end);
	blob_param (b, 1, "5", 1);
	end = b->len;
	g_array_append_val (ends, end);
	blob_param (b, 7, &opt, 1);
	end = b->len;
	g_array_append_val (ends, end);
	blob_param (b, 8, "user", 4);
	end = b->len;
	g_array_append_val (ends, end);

	/* Every prefix either ends on a field boundary (a complete query) or
	 * fails as truncated. */
	for (guint n = 1; n <= b->len; n++) {
		g_autofree char *text = g_base64_encode (b->data, n);
		g_autoptr (GError) error = NULL;
		g_autoptr (EasQuery) q = parse_str (text, &error);
		gboolean complete = FALSE;

		for (guint i = 0; i < ends->len; i++)
			complete |= g_array_index (ends, guint, i) == n;
		if (complete) {
			g_assert_no_error (error);
			g_assert_nonnull (q);
		} else {
			g_assert_null (q);
			g_assert_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_TRUNCATED);
		}
	}
}

static void
test_base64_text_forms (void)
{
	guint32 key = 0xFBFFFFFF;	/* encodes to '+' and '/' and padding */
	g_autoptr (GByteArray) b = blob_new (141, 0, "d", &key, "T");
	g_autofree char *text = g_base64_encode (b->data, b->len);
	g_autoptr (EasQuery) q = parse_ok (text);
	g_assert_cmphex (q->policy_key, ==, key);

	/* Percent-encoded '+', '/', '=' are accepted. */
	g_autofree char *escaped = g_uri_escape_string (text, NULL, FALSE);
	g_assert_cmpstr (escaped, !=, text);
	g_autoptr (EasQuery) qe = parse_ok (escaped);
	g_assert_cmphex (qe->policy_key, ==, key);

	/* Padding may be left out. */
	g_autofree char *nopad = g_strdup (text);
	g_strdelimit (nopad, "=", '\0');
	g_assert_cmpuint (strlen (nopad), <, strlen (text));
	g_autoptr (EasQuery) qn = parse_ok (nopad);
	g_assert_cmphex (qn->policy_key, ==, key);

	/* Not base64: stray characters, a length of 4n+1, '=' inside, padding
	 * on a length that is not a multiple of four, three '='. */
	assert_fails ("jAAJ*Ap2", EAS_QUERY_ERROR_INVALID);
	assert_fails ("jAAJBAp2M", EAS_QUERY_ERROR_INVALID);
	assert_fails ("jAAJB==", EAS_QUERY_ERROR_INVALID);
	assert_fails ("jA===", EAS_QUERY_ERROR_INVALID);
	assert_fails ("jAA%", EAS_QUERY_ERROR_INVALID);
	assert_fails ("jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l%00", EAS_QUERY_ERROR_INVALID);
	assert_fails ("====", EAS_QUERY_ERROR_INVALID);
	assert_fails ("jA==", EAS_QUERY_ERROR_TRUNCATED);
}

static void
test_base64_largest (void)
{
	/* The largest valid blob: 32-byte id and type, key, every parameter
	 * at 255 bytes. */
	g_autofree char *id = g_strnfill (32, 'i');
	g_autofree char *ty = g_strnfill (32, 't');
	g_autofree char *v = g_strnfill (255, 'v');
	guint32 key = 1;
	guint8 opt = 3;
	g_autoptr (GByteArray) b = blob_new (161, 0, id, &key, ty);
	static const guint8 tags[] = { 0, 1, 3, 4, 6, 8 };

	for (gsize i = 0; i < G_N_ELEMENTS (tags); i++)
		blob_param (b, tags[i], v, 255);
	blob_param (b, 7, &opt, 1);
	g_autofree char *text = g_base64_encode (b->data, b->len);
	g_assert_cmpuint (strlen (text), <=, EAS_QUERY_MAX_BYTES);
	g_autoptr (EasQuery) q = parse_ok (text);
	g_assert_cmpstr (q->occurrence, ==, v);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/query/command/names", test_command_names);
	g_test_add_func ("/query/version/parse", test_versions);
	g_test_add_func ("/query/plain/every-command", test_plain_every_command);
	g_test_add_func ("/query/plain/params", test_plain_params);
	g_test_add_func ("/query/plain/unknown-ignored", test_plain_unknown_ignored);
	g_test_add_func ("/query/plain/duplicate", test_plain_duplicate);
	g_test_add_func ("/query/plain/missing", test_plain_missing);
	g_test_add_func ("/query/plain/bad-values", test_plain_bad_values);
	g_test_add_func ("/query/plain/device-id", test_plain_device_id);
	g_test_add_func ("/query/plain/device-type", test_plain_device_type);
	g_test_add_func ("/query/plain/value-limit", test_plain_value_limit);
	g_test_add_func ("/query/limit/total", test_total_limit);
	g_test_add_func ("/query/base64/spec-example", test_base64_spec_example);
	g_test_add_func ("/query/base64/every-command-and-version", test_base64_every_command_and_version);
	g_test_add_func ("/query/base64/bad-header", test_base64_bad_header);
	g_test_add_func ("/query/base64/policy-key", test_base64_policy_key);
	g_test_add_func ("/query/base64/device-id", test_base64_device_id);
	g_test_add_func ("/query/base64/device-type", test_base64_device_type);
	g_test_add_func ("/query/base64/params", test_base64_params);
	g_test_add_func ("/query/base64/param-rules", test_base64_param_rules);
	g_test_add_func ("/query/base64/truncated", test_base64_truncated);
	g_test_add_func ("/query/base64/text-forms", test_base64_text_forms);
	g_test_add_func ("/query/base64/largest", test_base64_largest);

	return g_test_run ();
}
