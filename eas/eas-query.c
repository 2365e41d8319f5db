/* eas-query.c — the EAS request line: plain and base64 query forms.
 *
 * [MS-ASHTTP] 2.2.1.1.1.1 (base64-encoded query value) and 2.2.1.1.1.2
 * (plain text query value).  Pure: no I/O.
 */
#include "config.h"

#include <string.h>

#include "eas/eas-query.h"

G_DEFINE_QUARK (eas-query-error-quark, eas_query_error)

/* [MS-ASHTTP] 2.2.1.1.1.1.2: command codes; 5–8 (GetHierarchy,
 * CreateCollection, DeleteCollection, MoveCollection) are gone since 12.1. */
static const struct {
	EasCommand cmd;
	const char *name;
} commands[] = {
	{ EAS_CMD_SYNC, "Sync" },
	{ EAS_CMD_SEND_MAIL, "SendMail" },
	{ EAS_CMD_SMART_FORWARD, "SmartForward" },
	{ EAS_CMD_SMART_REPLY, "SmartReply" },
	{ EAS_CMD_GET_ATTACHMENT, "GetAttachment" },
	{ EAS_CMD_FOLDER_SYNC, "FolderSync" },
	{ EAS_CMD_FOLDER_CREATE, "FolderCreate" },
	{ EAS_CMD_FOLDER_DELETE, "FolderDelete" },
	{ EAS_CMD_FOLDER_UPDATE, "FolderUpdate" },
	{ EAS_CMD_MOVE_ITEMS, "MoveItems" },
	{ EAS_CMD_GET_ITEM_ESTIMATE, "GetItemEstimate" },
	{ EAS_CMD_MEETING_RESPONSE, "MeetingResponse" },
	{ EAS_CMD_SEARCH, "Search" },
	{ EAS_CMD_SETTINGS, "Settings" },
	{ EAS_CMD_PING, "Ping" },
	{ EAS_CMD_ITEM_OPERATIONS, "ItemOperations" },
	{ EAS_CMD_PROVISION, "Provision" },
	{ EAS_CMD_RESOLVE_RECIPIENTS, "ResolveRecipients" },
	{ EAS_CMD_VALIDATE_CERT, "ValidateCert" },
	{ EAS_CMD_FIND, "Find" },
};

const char *
eas_command_name (EasCommand cmd)
{
	for (gsize i = 0; i < G_N_ELEMENTS (commands); i++) {
		if (commands[i].cmd == cmd)
			return commands[i].name;
	}
	return NULL;
}

EasCommand
eas_command_from_name (const char *name)
{
	g_return_val_if_fail (name != NULL, EAS_CMD_UNKNOWN);

	for (gsize i = 0; i < G_N_ELEMENTS (commands); i++) {
		if (strcmp (commands[i].name, name) == 0)
			return commands[i].cmd;
	}
	return EAS_CMD_UNKNOWN;
}

static const struct {
	EasVersion version;
	const char *text;
} versions[] = {
	{ 25, "2.5" },
	{ 120, "12.0" },
	{ 121, "12.1" },
	{ 140, "14.0" },
	{ 141, "14.1" },
	{ 160, "16.0" },
	{ 161, "16.1" },
};

gboolean
eas_version_parse (const char *text, EasVersion *out_version)
{
	g_return_val_if_fail (out_version != NULL, FALSE);

	if (text == NULL)
		return FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS (versions); i++) {
		if (strcmp (versions[i].text, text) == 0) {
			*out_version = versions[i].version;
			return TRUE;
		}
	}
	return FALSE;
}

const char *
eas_version_to_string (EasVersion version)
{
	for (gsize i = 0; i < G_N_ELEMENTS (versions); i++) {
		if (versions[i].version == version)
			return versions[i].text;
	}
	return NULL;
}

gboolean
eas_version_has_base64_form (EasVersion version)
{
	/* [MS-ASHTTP] 2.2.1.1.1.1: only 12.1, 14.0, 14.1, 16.0 and 16.1. */
	return version == 121 || version == 140 || version == 141 ||
	       version == 160 || version == 161;
}

void
eas_query_free (EasQuery *query)
{
	if (query == NULL)
		return;
	g_free (query->user);
	g_free (query->device_id);
	g_free (query->device_type);
	g_free (query->attachment_name);
	g_free (query->collection_id);
	g_free (query->item_id);
	g_free (query->long_id);
	g_free (query->occurrence);
	g_free (query);
}

/* ---- Validation shared by both forms ----------------------------------- */

static gboolean
is_device_id_char (guint8 c)
{
	/* [MS-ASHTTP] 2.2.1.1.1.2.3 allows ALPHA / DIGIT; '-' and '_' appear
	 * in real clients' ids (GUID-style ids, Android builds). */
	return g_ascii_isalnum (c) || c == '-' || c == '_';
}

static gboolean
device_id_bytes_valid (const guint8 *data, gsize len)
{
	if (len == 0 || len > EAS_DEVICE_ID_MAX_BYTES)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		if (!is_device_id_char (data[i]))
			return FALSE;
	}
	return TRUE;
}

static gboolean
check_device_id (const guint8 *data, gsize len, GError **error)
{
	if (!device_id_bytes_valid (data, len)) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "DeviceId: must be 1–%d letters, digits, '-' or '_' (got %" G_GSIZE_FORMAT " bytes)",
		             EAS_DEVICE_ID_MAX_BYTES, len);
		return FALSE;
	}
	return TRUE;
}

static gboolean
check_device_type (const guint8 *data, gsize len, GError **error)
{
	gboolean ok = len > 0 && len <= EAS_DEVICE_TYPE_MAX_BYTES;

	for (gsize i = 0; ok && i < len; i++)
		ok = data[i] > 0x20 && data[i] < 0x7F;
	if (!ok) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "DeviceType: must be 1–%d printable ASCII characters without spaces (got %" G_GSIZE_FORMAT " bytes)",
		             EAS_DEVICE_TYPE_MAX_BYTES, len);
		return FALSE;
	}
	return TRUE;
}

/* A free-text parameter value (User, CollectionId …): UTF-8, no control
 * characters, at most EAS_QUERY_MAX_VALUE_BYTES. */
static gboolean
check_text (const char *name, const guint8 *data, gsize len, GError **error)
{
	if (len > EAS_QUERY_MAX_VALUE_BYTES) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "%s: %" G_GSIZE_FORMAT " bytes exceed the limit of %d",
		             name, len, EAS_QUERY_MAX_VALUE_BYTES);
		return FALSE;
	}
	if (!g_utf8_validate_len ((const char *) data, len, NULL)) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "%s: not valid UTF-8", name);
		return FALSE;
	}
	for (gsize i = 0; i < len; i++) {
		if (data[i] < 0x20 || data[i] == 0x7F) {
			g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
			             "%s: control character at byte %" G_GSIZE_FORMAT, name, i);
			return FALSE;
		}
	}
	return TRUE;
}

/* ---- Plain form ([MS-ASHTTP] 2.2.1.1.1.2) ------------------------------ */

typedef enum {
	PLAIN_CMD,
	PLAIN_USER,
	PLAIN_DEVICE_ID,
	PLAIN_DEVICE_TYPE,
	PLAIN_ATTACHMENT_NAME,
	PLAIN_COLLECTION_ID,
	PLAIN_ITEM_ID,
	PLAIN_LONG_ID,
	PLAIN_OCCURRENCE,
	PLAIN_SAVE_IN_SENT,
	PLAIN_COUNT
} PlainParam;

static const char *const plain_names[PLAIN_COUNT] = {
	"Cmd", "User", "DeviceId", "DeviceType", "AttachmentName",
	"CollectionId", "ItemId", "LongId", "Occurrence", "SaveInSent",
};

static int
hex_value (char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..len) into a NUL-terminated copy.  '+' stays '+'
 * (RFC 3986; it is common in user names).  %00 is refused: every value
 * becomes a C string. */
static char *
percent_decode (const char *s, gsize len, gsize *out_len, GError **error)
{
	g_autofree char *out = g_malloc (len + 1);
	gsize o = 0;

	for (gsize i = 0; i < len; i++) {
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		if (2 > len - i - 1) {
			g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
			             "incomplete percent escape at offset %" G_GSIZE_FORMAT, i);
			return NULL;
		}
		int hi = hex_value (s[i + 1]);
		int lo = hex_value (s[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
			             "bad percent escape at offset %" G_GSIZE_FORMAT, i);
			return NULL;
		}
		out[o++] = (char) (hi << 4 | lo);
		i += 2;
	}
	out[o] = '\0';
	*out_len = o;
	return g_steal_pointer (&out);
}

static int
plain_param_lookup (const char *name, gsize len)
{
	/* ABNF literals are case-insensitive ([RFC5234] 2.3). */
	for (int i = 0; i < PLAIN_COUNT; i++) {
		if (strlen (plain_names[i]) == len &&
		    g_ascii_strncasecmp (plain_names[i], name, len) == 0)
			return i;
	}
	return -1;
}

/* Splits one "name=value" piece and stores the decoded value in values[]. */
static gboolean
plain_take_piece (const char *piece, gsize len, char **values, GError **error)
{
	const char *eq = memchr (piece, '=', len);

	if (eq == NULL) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "parameter without '=' (%" G_GSIZE_FORMAT " bytes)", len);
		return FALSE;
	}
	gsize name_len = 0, value_len = 0;
	g_autofree char *name = percent_decode (piece, (gsize) (eq - piece), &name_len, error);
	if (name == NULL)
		return FALSE;
	int idx = plain_param_lookup (name, name_len);
	gsize raw_value_len = len - (gsize) (eq - piece) - 1;
	g_autofree char *value = percent_decode (eq + 1, raw_value_len, &value_len, error);
	if (value == NULL) {
		g_prefix_error (error, "%s: ", idx >= 0 ? plain_names[idx] : "parameter");
		return FALSE;
	}
	if (idx < 0)
		return TRUE;	/* unknown parameters are ignored */
	if (values[idx] != NULL) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "%s: given more than once", plain_names[idx]);
		return FALSE;
	}
	if (!check_text (plain_names[idx], (const guint8 *) value, value_len, error))
		return FALSE;
	values[idx] = g_steal_pointer (&value);
	return TRUE;
}

/* Moves a non-empty value into *field; an empty value counts as absent. */
static void
plain_move (char **values, PlainParam p, char **field)
{
	if (values[p] != NULL && values[p][0] != '\0')
		*field = g_steal_pointer (&values[p]);
}

static gboolean
plain_finish (char **values, EasQuery *q, GError **error)
{
	static const PlainParam required[] = { PLAIN_CMD, PLAIN_DEVICE_ID, PLAIN_DEVICE_TYPE };

	for (gsize i = 0; i < G_N_ELEMENTS (required); i++) {
		if (values[required[i]] == NULL || values[required[i]][0] == '\0') {
			g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_MISSING,
			             "%s: missing", plain_names[required[i]]);
			return FALSE;
		}
	}
	q->cmd = eas_command_from_name (values[PLAIN_CMD]);
	if (q->cmd == EAS_CMD_UNKNOWN) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_UNKNOWN_COMMAND,
		             "Cmd: unknown command");
		return FALSE;
	}
	const char *id = values[PLAIN_DEVICE_ID], *type = values[PLAIN_DEVICE_TYPE];
	if (!check_device_id ((const guint8 *) id, strlen (id), error) ||
	    !check_device_type ((const guint8 *) type, strlen (type), error))
		return FALSE;
	const char *sis = values[PLAIN_SAVE_IN_SENT];
	if (sis != NULL && sis[0] != '\0' && strcmp (sis, "T") != 0 && strcmp (sis, "F") != 0) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "SaveInSent: must be T or F");
		return FALSE;
	}
	q->save_in_sent = g_strcmp0 (sis, "T") == 0;
	plain_move (values, PLAIN_DEVICE_ID, &q->device_id);
	plain_move (values, PLAIN_DEVICE_TYPE, &q->device_type);
	plain_move (values, PLAIN_USER, &q->user);
	plain_move (values, PLAIN_ATTACHMENT_NAME, &q->attachment_name);
	plain_move (values, PLAIN_COLLECTION_ID, &q->collection_id);
	plain_move (values, PLAIN_ITEM_ID, &q->item_id);
	plain_move (values, PLAIN_LONG_ID, &q->long_id);
	plain_move (values, PLAIN_OCCURRENCE, &q->occurrence);
	return TRUE;
}

static EasQuery *
parse_plain (const char *query, gsize len, GError **error)
{
	char *values[PLAIN_COUNT] = { NULL };
	g_autoptr (EasQuery) q = g_new0 (EasQuery, 1);
	gboolean ok = TRUE;
	gsize start = 0;

	q->cmd = EAS_CMD_UNKNOWN;
	while (ok && start <= len) {
		const char *amp = memchr (query + start, '&', len - start);
		gsize end = amp != NULL ? (gsize) (amp - query) : len;

		/* Empty pieces ("a=1&&b=2", a trailing '&') carry nothing. */
		if (end > start)
			ok = plain_take_piece (query + start, end - start, values, error);
		start = end + 1;
	}
	if (ok)
		ok = plain_finish (values, q, error);
	for (int i = 0; i < PLAIN_COUNT; i++)
		g_free (values[i]);
	return ok ? g_steal_pointer (&q) : NULL;
}

/* ---- Base64 form ([MS-ASHTTP] 2.2.1.1.1.1) ----------------------------- */

static int
b64_value (char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict RFC 4648 base64: only the alphabet, '=' only as final padding
 * (padding may be left out).  g_base64_decode() skips junk silently. */
static guint8 *
b64_decode_strict (const char *s, gsize len, gsize *out_len, GError **error)
{
	gsize pad = 0;

	while (pad < len && pad < 2 && s[len - 1 - pad] == '=')
		pad++;
	gsize body = len - pad;
	if (body % 4 == 1 || (pad > 0 && len % 4 != 0)) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "base64 query: bad length %" G_GSIZE_FORMAT, len);
		return NULL;
	}
	g_autofree guint8 *out = g_malloc (body / 4 * 3 + 3);
	gsize o = 0;
	guint32 acc = 0;
	for (gsize i = 0; i < body; i++) {
		int v = b64_value (s[i]);
		if (v < 0) {
			g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
			             "base64 query: bad character at offset %" G_GSIZE_FORMAT, i);
			return NULL;
		}
		acc = acc << 6 | (guint32) v;
		if (i % 4 == 3) {
			out[o++] = (guint8) (acc >> 16);
			out[o++] = (guint8) (acc >> 8);
			out[o++] = (guint8) acc;
			acc = 0;
		}
	}
	if (body % 4 == 2) {
		out[o++] = (guint8) (acc >> 4);
	} else if (body % 4 == 3) {
		out[o++] = (guint8) (acc >> 10);
		out[o++] = (guint8) (acc >> 2);
	}
	*out_len = o;
	return g_steal_pointer (&out);
}

typedef struct {
	const guint8 *data;
	gsize len;
	gsize off;
} Reader;

static gboolean
reader_bytes (Reader *r, const char *field, gsize n, const guint8 **out, GError **error)
{
	g_assert (r->off <= r->len);
	if (n > r->len - r->off) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_TRUNCATED,
		             "base64 query: %s ends at offset %" G_GSIZE_FORMAT " (need %" G_GSIZE_FORMAT " bytes)",
		             field, r->len, n);
		return FALSE;
	}
	*out = r->data + r->off;
	r->off += n;
	return TRUE;
}

static gboolean
reader_u8 (Reader *r, const char *field, guint8 *out, GError **error)
{
	const guint8 *p;

	if (!reader_bytes (r, field, 1, &p, error))
		return FALSE;
	*out = p[0];
	return TRUE;
}

/* A length byte, then that many bytes. */
static gboolean
reader_counted (Reader *r, const char *field, const guint8 **out, gsize *out_len, GError **error)
{
	guint8 n;

	if (!reader_u8 (r, field, &n, error) || !reader_bytes (r, field, n, out, error))
		return FALSE;
	*out_len = n;
	return TRUE;
}

/* [MS-ASHTTP] 2.2.1.1.1.1: "A string or a GUID".  A text id is kept as is;
 * a binary one (Windows Phone sends a 16-byte GUID) becomes upper-case hex
 * so that it satisfies the plain form's rule and can be stored and logged. */
static char *
device_id_from_blob (const guint8 *data, gsize len, GError **error)
{
	if (device_id_bytes_valid (data, len))
		return g_strndup ((const char *) data, len);
	if (len == 0 || len > EAS_DEVICE_ID_MAX_BYTES / 2) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "DeviceId: %" G_GSIZE_FORMAT " bytes, neither a valid text id nor a binary id of 1–%d bytes",
		             len, EAS_DEVICE_ID_MAX_BYTES / 2);
		return NULL;
	}
	GString *hex = g_string_sized_new (len * 2);
	for (gsize i = 0; i < len; i++)
		g_string_append_printf (hex, "%02X", data[i]);
	return g_string_free (hex, FALSE);
}

static gboolean
blob_header (Reader *r, EasQuery *q, GError **error)
{
	const guint8 *p;
	guint8 version, cmd;
	gsize n;

	if (!reader_u8 (r, "protocol version", &version, error) ||
	    !reader_u8 (r, "command code", &cmd, error) ||
	    !reader_bytes (r, "locale", 2, &p, error))
		return FALSE;
	if (!eas_version_has_base64_form (version)) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "base64 query: protocol version %u at offset 0 not supported", version);
		return FALSE;
	}
	q->version = version;
	q->cmd = eas_command_name ((EasCommand) cmd) != NULL ? (EasCommand) cmd : EAS_CMD_UNKNOWN;
	if (q->cmd == EAS_CMD_UNKNOWN) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_UNKNOWN_COMMAND,
		             "base64 query: unknown command code %u at offset 1", cmd);
		return FALSE;
	}
	q->locale = (guint16) (p[0] | p[1] << 8);
	if (!reader_counted (r, "DeviceId", &p, &n, error))
		return FALSE;
	q->device_id = device_id_from_blob (p, n, error);
	if (q->device_id == NULL)
		return FALSE;
	if (!reader_counted (r, "PolicyKey", &p, &n, error))
		return FALSE;
	if (n != 0 && n != 4) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "PolicyKey: length %" G_GSIZE_FORMAT " (must be 0 or 4)", n);
		return FALSE;
	}
	q->has_policy_key = n == 4;
	if (n == 4)
		q->policy_key = (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
	if (!reader_counted (r, "DeviceType", &p, &n, error) ||
	    !check_device_type (p, n, error))
		return FALSE;
	q->device_type = g_strndup ((const char *) p, n);
	return TRUE;
}

/* [MS-ASHTTP] 2.2.1.1.1.1.3: parameter tags. */
enum {
	TAG_ATTACHMENT_NAME = 0,
	TAG_COLLECTION_ID = 1,
	TAG_ITEM_ID = 3,
	TAG_LONG_ID = 4,
	TAG_OCCURRENCE = 6,
	TAG_OPTIONS = 7,
	TAG_USER = 8,
	TAG_LAST = TAG_USER,
};
#define OPTION_SAVE_IN_SENT 0x01
#define OPTION_ACCEPT_MULTIPART 0x02

static char **
blob_text_field (EasQuery *q, guint tag, const char **out_name)
{
	switch (tag) {
	case TAG_ATTACHMENT_NAME:
		*out_name = "AttachmentName";
		return &q->attachment_name;
	case TAG_COLLECTION_ID:
		*out_name = "CollectionId";
		return &q->collection_id;
	case TAG_ITEM_ID:
		*out_name = "ItemId";
		return &q->item_id;
	case TAG_LONG_ID:
		*out_name = "LongId";
		return &q->long_id;
	case TAG_OCCURRENCE:
		*out_name = "Occurrence";
		return &q->occurrence;
	case TAG_USER:
		*out_name = "User";
		return &q->user;
	default:
		return NULL;
	}
}

static gboolean
blob_param (Reader *r, EasQuery *q, guint *seen, GError **error)
{
	gsize at = r->off, n;
	guint8 tag;
	const guint8 *p;
	const char *name = NULL;

	if (!reader_u8 (r, "parameter tag", &tag, error) ||
	    !reader_counted (r, "parameter value", &p, &n, error))
		return FALSE;
	char **field = tag <= TAG_LAST ? blob_text_field (q, tag, &name) : NULL;
	if (field == NULL && tag != TAG_OPTIONS)
		return TRUE;	/* unknown and obsolete (2, 5) parameters are ignored */
	if (*seen & (1u << tag)) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "base64 query: parameter tag %u repeated at offset %" G_GSIZE_FORMAT, tag, at);
		return FALSE;
	}
	*seen |= 1u << tag;
	if (tag == TAG_OPTIONS) {
		if (n != 1) {
			g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
			             "Options: length %" G_GSIZE_FORMAT " at offset %" G_GSIZE_FORMAT " (must be 1)", n, at);
			return FALSE;
		}
		/* Unknown option bits are ignored, like unknown parameters. */
		q->save_in_sent = (p[0] & OPTION_SAVE_IN_SENT) != 0;
		q->accept_multipart = (p[0] & OPTION_ACCEPT_MULTIPART) != 0;
		return TRUE;
	}
	if (!check_text (name, p, n, error))
		return FALSE;
	if (n > 0)	/* a zero-length value counts as absent */
		*field = g_strndup ((const char *) p, n);
	return TRUE;
}

static EasQuery *
parse_base64 (const char *query, gsize len, GError **error)
{
	gsize text_len = 0, blob_len = 0;
	g_autofree char *text = percent_decode (query, len, &text_len, error);
	if (text == NULL)
		return NULL;
	g_autofree guint8 *blob = b64_decode_strict (text, text_len, &blob_len, error);
	if (blob == NULL)
		return NULL;

	g_autoptr (EasQuery) q = g_new0 (EasQuery, 1);
	Reader r = { blob, blob_len, 0 };
	guint seen = 0;

	q->base64_form = TRUE;
	if (!blob_header (&r, q, error))
		return NULL;
	while (r.off < r.len) {
		if (!blob_param (&r, q, &seen, error))
			return NULL;
	}
	return g_steal_pointer (&q);
}

/* ---- Entry points ------------------------------------------------------- */

/* Plain form when a '&' appears or an '=' is followed by anything but
 * '=' (base64 uses '=' only as trailing padding). */
static gboolean
looks_plain (const char *query, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		if (query[i] == '&')
			return TRUE;
		if (query[i] == '=' && i + 1 < len && query[i + 1] != '=')
			return TRUE;
	}
	return FALSE;
}

EasQuery *
eas_query_parse (const char *query, gsize len, GError **error)
{
	g_return_val_if_fail (query != NULL || len == 0, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	if (len == 0) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_MISSING, "empty query");
		return NULL;
	}
	if (len > EAS_QUERY_MAX_BYTES) {
		g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
		             "query of %" G_GSIZE_FORMAT " bytes exceeds the limit of %d",
		             len, EAS_QUERY_MAX_BYTES);
		return NULL;
	}
	/* A URI query is printable ASCII ([RFC3986] 3.4). */
	for (gsize i = 0; i < len; i++) {
		if ((guint8) query[i] <= 0x20 || (guint8) query[i] >= 0x7F) {
			g_set_error (error, EAS_QUERY_ERROR, EAS_QUERY_ERROR_INVALID,
			             "byte at offset %" G_GSIZE_FORMAT " is not allowed in a query", i);
			return NULL;
		}
	}
	if (looks_plain (query, len))
		return parse_plain (query, len, error);
	return parse_base64 (query, len, error);
}

/* ---- Encoder ------------------------------------------------------------ */

static void
append_counted (GByteArray *out, const char *s)
{
	gsize n = s != NULL ? strlen (s) : 0;
	guint8 b = (guint8) n;

	g_byte_array_append (out, &b, 1);
	if (n > 0)
		g_byte_array_append (out, (const guint8 *) s, (guint) n);
}

static void
append_param (GByteArray *out, guint8 tag, const char *value)
{
	if (value == NULL)
		return;
	g_byte_array_append (out, &tag, 1);
	append_counted (out, value);
}

static gboolean
encodable (const EasQuery *q)
{
	const char *strings[] = {
		q->device_id, q->device_type, q->user, q->attachment_name,
		q->collection_id, q->item_id, q->long_id, q->occurrence,
	};

	if (eas_command_name (q->cmd) == NULL || !eas_version_has_base64_form (q->version) ||
	    q->device_id == NULL || q->device_type == NULL)
		return FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS (strings); i++) {
		if (strings[i] != NULL && strlen (strings[i]) > 255)
			return FALSE;
	}
	return TRUE;
}

char *
eas_query_encode_base64 (const EasQuery *query)
{
	g_return_val_if_fail (query != NULL, NULL);
	g_return_val_if_fail (encodable (query), NULL);

	g_autoptr (GByteArray) out = g_byte_array_new ();
	guint8 head[4] = {
		(guint8) query->version, (guint8) query->cmd,
		(guint8) (query->locale & 0xFF), (guint8) (query->locale >> 8),
	};
	g_byte_array_append (out, head, sizeof head);
	append_counted (out, query->device_id);
	if (query->has_policy_key) {
		guint32 k = query->policy_key;
		guint8 key[5] = { 4, (guint8) k, (guint8) (k >> 8), (guint8) (k >> 16), (guint8) (k >> 24) };
		g_byte_array_append (out, key, sizeof key);
	} else {
		append_counted (out, NULL);
	}
	append_counted (out, query->device_type);
	append_param (out, TAG_ATTACHMENT_NAME, query->attachment_name);
	append_param (out, TAG_COLLECTION_ID, query->collection_id);
	append_param (out, TAG_ITEM_ID, query->item_id);
	append_param (out, TAG_LONG_ID, query->long_id);
	append_param (out, TAG_OCCURRENCE, query->occurrence);
	if (query->save_in_sent || query->accept_multipart) {
		guint8 opt[3] = { TAG_OPTIONS, 1, 0 };
		opt[2] = (query->save_in_sent ? OPTION_SAVE_IN_SENT : 0) |
		         (query->accept_multipart ? OPTION_ACCEPT_MULTIPART : 0);
		g_byte_array_append (out, opt, sizeof opt);
	}
	append_param (out, TAG_USER, query->user);
	return g_base64_encode (out->data, out->len);
}
