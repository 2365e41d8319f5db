/* pststore-pipe.c — records between the PST reader child and the parent.
 * See pststore-pipe.h for the format. */
#include "config.h"

#include "pst/pststore-pipe.h"

#include <string.h>

G_DEFINE_QUARK (pststore-pipe-error-quark, pststore_pipe_error)

/* Field tags.  Kinds: U = u64, I = i64 time, S = string, B = boolean u8. */
enum {
	TAG_NID = 1,		/* U */
	TAG_PARENT,		/* U */
	TAG_TOTAL,		/* U */
	TAG_PASSWORD,		/* B */
	TAG_STORE_UID,		/* S (name) */
	TAG_NAME,		/* S (name) */
	TAG_CONTAINER_CLASS,	/* S (name) */
	TAG_MESSAGE,		/* S (name) */
	TAG_CLASS,		/* S (name) */
	TAG_SUBJECT,		/* S */
	TAG_BODY,		/* S */
	TAG_CATEGORIES,		/* S, '\n'-separated */
	TAG_IMPORTANCE,		/* U 0–2 */
	TAG_SENSITIVITY,	/* U 0–3 */
	TAG_CREATED,		/* I */
	TAG_MODIFIED,		/* I */
	TAG_TASK_START,		/* I */
	TAG_TASK_DUE,		/* I */
	TAG_TASK_DONE_DATE,	/* I */
	TAG_TASK_COMPLETE,	/* B */
	TAG_TASK_PERCENT,	/* U, parts per million 0–1000000 */
	TAG_TASK_STATUS,	/* U 0–4 */
	TAG_REMINDER,		/* I */
	TAG_RECURRENCE,		/* S (name) */
	TAG_NOTE_COLOUR,	/* U 0–4 */
	TAG_DATA,		/* S */
	TAG_MAX
};

/* Times outside 1601 … 9999 (FILETIME's range, and what iCalendar can
 * write) are refused. */
#define TIME_MIN G_GINT64_CONSTANT (-11644473600)
#define TIME_MAX G_GINT64_CONSTANT (253402300799)

void
pststore_pipe_limits_init_default (PststorePipeLimits *limits)
{
	limits->frame_bytes = 32 * 1024 * 1024;
	limits->string_bytes = 32 * 1024 * 1024;
	limits->name_bytes = 1024;
	limits->fields = 64;
	limits->categories = 256;
}

PststorePipeRecord *
pststore_pipe_record_new (PststoreRecType type)
{
	PststorePipeRecord *rec = g_new0 (PststorePipeRecord, 1);

	rec->type = type;
	return rec;
}

void
pststore_pipe_record_free (PststorePipeRecord *rec)
{
	if (rec == NULL)
		return;
	g_free (rec->store_uid);
	g_free (rec->name);
	g_free (rec->container_class);
	g_free (rec->message);
	pststore_item_free (rec->item);
	g_free (rec);
}

/* ---- Encoding ----------------------------------------------------------------- */

static void
put_u32 (GByteArray *out, guint32 v)
{
	guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

	g_byte_array_append (out, b, 4);
}

static void
put_field (GByteArray *out, guint8 tag, const void *data, gsize len)
{
	g_byte_array_append (out, &tag, 1);
	put_u32 (out, (guint32) len);
	g_byte_array_append (out, data, (guint) len);
}

static void
put_u64 (GByteArray *out, guint8 tag, guint64 v)
{
	guint8 b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (guint8) (v >> (56 - 8 * i));
	put_field (out, tag, b, 8);
}

static void
put_str (GByteArray *out, guint8 tag, const char *s)
{
	if (s != NULL)
		put_field (out, tag, s, strlen (s));
}

static void
put_time (GByteArray *out, guint8 tag, gint64 t)
{
	if (t != PSTSTORE_TIME_UNSET)
		put_u64 (out, tag, (guint64) t);
}

static void
put_bool (GByteArray *out, guint8 tag, gboolean b)
{
	guint8 v = b ? 1 : 0;

	put_field (out, tag, &v, 1);
}

static void
encode_item (const PststoreItem *it, GByteArray *out)
{
	g_autofree char *cats = it->categories && it->categories[0] ? g_strjoinv ("\n", it->categories) : NULL;

	put_str (out, TAG_CLASS, it->message_class);
	put_str (out, TAG_SUBJECT, it->subject);
	put_str (out, TAG_BODY, it->body);
	put_str (out, TAG_CATEGORIES, cats);
	put_u64 (out, TAG_IMPORTANCE, (guint64) it->importance);
	put_u64 (out, TAG_SENSITIVITY, (guint64) it->sensitivity);
	put_time (out, TAG_CREATED, it->created);
	put_time (out, TAG_MODIFIED, it->modified);
	put_time (out, TAG_TASK_START, it->task_start);
	put_time (out, TAG_TASK_DUE, it->task_due);
	put_time (out, TAG_TASK_DONE_DATE, it->task_date_completed);
	put_bool (out, TAG_TASK_COMPLETE, it->task_complete);
	put_u64 (out, TAG_TASK_PERCENT, (guint64) (it->task_percent * 1000000.0 + 0.5));
	put_u64 (out, TAG_TASK_STATUS, (guint64) it->task_status);
	put_time (out, TAG_REMINDER, it->reminder);
	put_str (out, TAG_RECURRENCE, it->recurrence);
	if (it->note_colour != PSTSTORE_NOTE_COLOUR_UNSET)
		put_u64 (out, TAG_NOTE_COLOUR, (guint64) it->note_colour);
	put_str (out, TAG_DATA, it->data);
}

void
pststore_pipe_encode (const PststorePipeRecord *rec, GByteArray *out)
{
	guint start = out->len;
	guint8 type = (guint8) rec->type;
	guint32 len;

	put_u32 (out, 0);	/* patched below */
	g_byte_array_append (out, &type, 1);
	if (rec->nid != 0)
		put_u64 (out, TAG_NID, rec->nid);
	if (rec->parent != 0)
		put_u64 (out, TAG_PARENT, rec->parent);
	if (rec->type == PSTSTORE_REC_HELLO) {
		put_u64 (out, TAG_TOTAL, rec->total);
		put_bool (out, TAG_PASSWORD, rec->password);
	}
	put_str (out, TAG_STORE_UID, rec->store_uid);
	put_str (out, TAG_NAME, rec->name);
	put_str (out, TAG_CONTAINER_CLASS, rec->container_class);
	put_str (out, TAG_MESSAGE, rec->message);
	if (rec->item != NULL)
		encode_item (rec->item, out);
	len = out->len - start - 4;
	out->data[start] = (guint8) (len >> 24);
	out->data[start + 1] = (guint8) (len >> 16);
	out->data[start + 2] = (guint8) (len >> 8);
	out->data[start + 3] = (guint8) len;
}

/* ---- Decoding ----------------------------------------------------------------- */

static guint32
get_u32 (const guint8 *p)
{
	return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

gboolean
pststore_pipe_frame_length (const guint8 header[4], const PststorePipeLimits *limits, gsize *out_len,
			    GError **error)
{
	guint32 len = get_u32 (header);

	if (len == 0 || len > limits->frame_bytes) {
		g_set_error (error, PSTSTORE_PIPE_ERROR, len == 0 ? PSTSTORE_PIPE_ERROR_MALFORMED : PSTSTORE_PIPE_ERROR_LIMIT,
			     "frame length %u outside 1–%" G_GSIZE_FORMAT, len, limits->frame_bytes);
		return FALSE;
	}
	*out_len = len;
	return TRUE;
}

typedef struct {
	const guint8 *data;
	gsize len;
	gsize off;		/* offset of the value in the payload */
	guint8 tag;
} Field;

static gboolean
bad (GError **error, gsize off, const char *what)
{
	g_set_error (error, PSTSTORE_PIPE_ERROR, PSTSTORE_PIPE_ERROR_MALFORMED, "%s at offset %" G_GSIZE_FORMAT, what,
		     off);
	return FALSE;
}

static gboolean
field_u64 (const Field *f, guint64 max, guint64 *out, GError **error)
{
	guint64 v = 0;

	if (f->len == 1 && max <= 1) {
		v = f->data[0];
	} else if (f->len == 8) {
		for (int i = 0; i < 8; i++)
			v = (v << 8) | f->data[i];
	} else {
		return bad (error, f->off, "integer field of wrong size");
	}
	if (v > max)
		return bad (error, f->off, "integer out of range");
	*out = v;
	return TRUE;
}

static gboolean
field_time (const Field *f, gint64 *out, GError **error)
{
	guint64 u;
	gint64 v;

	if (!field_u64 (f, G_MAXUINT64, &u, error))
		return FALSE;
	v = (gint64) u;
	if (v < TIME_MIN || v > TIME_MAX)
		return bad (error, f->off, "time out of range");
	*out = v;
	return TRUE;
}

static gboolean
field_str (const Field *f, gsize max, char **out, GError **error)
{
	if (f->len > max) {
		g_set_error (error, PSTSTORE_PIPE_ERROR, PSTSTORE_PIPE_ERROR_LIMIT,
			     "string of %" G_GSIZE_FORMAT " bytes over %" G_GSIZE_FORMAT " at offset %" G_GSIZE_FORMAT,
			     f->len, max, f->off);
		return FALSE;
	}
	if (memchr (f->data, 0, f->len) != NULL || !g_utf8_validate ((const char *) f->data, (gssize) f->len, NULL))
		return bad (error, f->off, "string is not UTF-8 text");
	g_free (*out);
	*out = g_strndup ((const char *) f->data, f->len);
	return TRUE;
}

static gboolean
field_categories (const Field *f, const PststorePipeLimits *limits, PststoreItem *it, GError **error)
{
	g_autofree char *s = NULL;
	g_auto (GStrv) cats = NULL;

	if (!field_str (f, limits->string_bytes, &s, error))
		return FALSE;
	cats = g_strsplit (s, "\n", -1);
	if (g_strv_length (cats) > limits->categories) {
		g_set_error (error, PSTSTORE_PIPE_ERROR, PSTSTORE_PIPE_ERROR_LIMIT, "more than %u categories at offset %"
			     G_GSIZE_FORMAT, limits->categories, f->off);
		return FALSE;
	}
	for (guint i = 0; cats[i] != NULL; i++) {
		if (cats[i][0] == '\0')
			return bad (error, f->off, "empty category");
	}
	g_strfreev (it->categories);
	it->categories = g_steal_pointer (&cats);
	return TRUE;
}

static PststoreItem *
rec_item (PststorePipeRecord *rec)
{
	if (rec->item == NULL)
		rec->item = pststore_item_new (NULL);
	return rec->item;
}

static gboolean
decode_item_time (const Field *f, PststoreItem *it, GError **error)
{
	gint64 *slot = NULL;

	switch (f->tag) {
	case TAG_CREATED: slot = &it->created; break;
	case TAG_MODIFIED: slot = &it->modified; break;
	case TAG_TASK_START: slot = &it->task_start; break;
	case TAG_TASK_DUE: slot = &it->task_due; break;
	case TAG_TASK_DONE_DATE: slot = &it->task_date_completed; break;
	case TAG_REMINDER: slot = &it->reminder; break;
	default: g_assert_not_reached ();
	}
	return field_time (f, slot, error);
}

static gboolean
decode_item_field (const Field *f, const PststorePipeLimits *limits, PststorePipeRecord *rec, GError **error)
{
	PststoreItem *it = rec_item (rec);
	guint64 v = 0;

	switch (f->tag) {
	case TAG_CLASS:
		return field_str (f, limits->name_bytes, &it->message_class, error);
	case TAG_SUBJECT:
		return field_str (f, limits->string_bytes, &it->subject, error);
	case TAG_BODY:
		return field_str (f, limits->string_bytes, &it->body, error);
	case TAG_DATA:
		return field_str (f, limits->string_bytes, &it->data, error);
	case TAG_RECURRENCE:
		return field_str (f, limits->name_bytes, &it->recurrence, error);
	case TAG_CATEGORIES:
		return field_categories (f, limits, it, error);
	case TAG_CREATED: case TAG_MODIFIED: case TAG_TASK_START: case TAG_TASK_DUE:
	case TAG_TASK_DONE_DATE: case TAG_REMINDER:
		return decode_item_time (f, it, error);
	case TAG_IMPORTANCE:
		if (!field_u64 (f, 2, &v, error))
			return FALSE;
		it->importance = (gint) v;
		return TRUE;
	case TAG_SENSITIVITY:
		if (!field_u64 (f, 3, &v, error))
			return FALSE;
		it->sensitivity = (gint) v;
		return TRUE;
	case TAG_TASK_COMPLETE:
		if (!field_u64 (f, 1, &v, error))
			return FALSE;
		it->task_complete = v != 0;
		return TRUE;
	case TAG_TASK_PERCENT:
		if (!field_u64 (f, 1000000, &v, error))
			return FALSE;
		it->task_percent = (gdouble) v / 1000000.0;
		return TRUE;
	case TAG_TASK_STATUS:
		if (!field_u64 (f, 4, &v, error))
			return FALSE;
		it->task_status = (PststoreTaskStatus) v;
		return TRUE;
	case TAG_NOTE_COLOUR:
		if (!field_u64 (f, 4, &v, error))
			return FALSE;
		it->note_colour = (PststoreNoteColour) v;
		return TRUE;
	default:
		return bad (error, f->off, "unknown field");
	}
}

static gboolean
decode_field (const Field *f, const PststorePipeLimits *limits, PststorePipeRecord *rec, GError **error)
{
	gboolean is_item = rec->type == PSTSTORE_REC_ITEM;

	switch (f->tag) {
	case TAG_NID:
		return field_u64 (f, G_MAXUINT64, &rec->nid, error);
	case TAG_PARENT:
		return field_u64 (f, G_MAXUINT64, &rec->parent, error);
	case TAG_TOTAL:
		return field_u64 (f, G_MAXUINT32, &rec->total, error);
	case TAG_PASSWORD: {
		guint64 v = 0;
		if (!field_u64 (f, 1, &v, error))
			return FALSE;
		rec->password = v != 0;
		return TRUE;
	}
	case TAG_STORE_UID:
		return field_str (f, limits->name_bytes, &rec->store_uid, error);
	case TAG_NAME:
		return field_str (f, limits->name_bytes, &rec->name, error);
	case TAG_CONTAINER_CLASS:
		return field_str (f, limits->name_bytes, &rec->container_class, error);
	case TAG_MESSAGE:
		return field_str (f, limits->name_bytes, &rec->message, error);
	default:
		if (!is_item)
			return bad (error, f->off, "field not allowed in this record");
		return decode_item_field (f, limits, rec, error);
	}
}

/* What each record type must carry. */
static gboolean
record_complete (const PststorePipeRecord *rec, GError **error)
{
	gboolean ok;

	switch (rec->type) {
	case PSTSTORE_REC_HELLO:
		ok = rec->store_uid != NULL && rec->store_uid[0] != '\0';
		break;
	case PSTSTORE_REC_FOLDER:
		ok = rec->nid != 0 && rec->name != NULL;
		break;
	case PSTSTORE_REC_ITEM:
		ok = rec->nid != 0 && rec->item != NULL && rec->item->message_class != NULL &&
		     rec->item->message_class[0] != '\0';
		break;
	case PSTSTORE_REC_ERROR:
		ok = rec->message != NULL;
		break;
	default:
		ok = TRUE;
		break;
	}
	if (!ok)
		return bad (error, 0, "record lacks a required field");
	return TRUE;
}

PststorePipeRecord *
pststore_pipe_decode (const guint8 *data, gsize len, const PststorePipeLimits *limits, GError **error)
{
	g_autoptr (PststorePipeRecord) rec = NULL;
	guint32 seen = 0;
	guint nfields = 0;
	gsize off = 1;

	if (len == 0 || data[0] < PSTSTORE_REC_HELLO || data[0] > PSTSTORE_REC_END) {
		bad (error, 0, "unknown record type");
		return NULL;
	}
	rec = pststore_pipe_record_new ((PststoreRecType) data[0]);
	while (off < len) {
		Field f;

		g_assert (off <= len);
		if (5 > len - off) {
			g_set_error (error, PSTSTORE_PIPE_ERROR, PSTSTORE_PIPE_ERROR_TRUNCATED,
				     "field header truncated at offset %" G_GSIZE_FORMAT, off);
			return NULL;
		}
		if (++nfields > limits->fields) {
			g_set_error (error, PSTSTORE_PIPE_ERROR, PSTSTORE_PIPE_ERROR_LIMIT,
				     "more than %u fields at offset %" G_GSIZE_FORMAT, limits->fields, off);
			return NULL;
		}
		f.tag = data[off];
		f.len = get_u32 (data + off + 1);
		off += 5;
		if (f.len > len - off) {
			g_set_error (error, PSTSTORE_PIPE_ERROR, PSTSTORE_PIPE_ERROR_TRUNCATED,
				     "field value truncated at offset %" G_GSIZE_FORMAT, off);
			return NULL;
		}
		f.data = data + off;
		f.off = off;
		if (f.tag == 0 || f.tag >= TAG_MAX || (seen & (1u << f.tag)) != 0) {
			bad (error, off - 5, "unknown or repeated field");
			return NULL;
		}
		seen |= 1u << f.tag;
		if (!decode_field (&f, limits, rec, error))
			return NULL;
		off += f.len;
	}
	if (!record_complete (rec, error))
		return NULL;
	if (rec->item != NULL)
		rec->item->kind = pststore_kind_from_class (rec->item->message_class);
	return g_steal_pointer (&rec);
}
