/* Internal helpers of libhotsync: big-endian byte access with bounds checks.
 * Not installed, not for use outside hotsync/ and its tests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A read cursor over untrusted bytes.  Every get checks the remaining length
 * with the one form `if (n > len - off)` and returns FALSE without moving when
 * the bytes are not there. */
typedef struct {
	const guint8 *data;
	gsize len;
	gsize off;
} HotsyncReader;

static inline void
hotsync_reader_init (HotsyncReader *r, const guint8 *data, gsize len)
{
	r->data = data;
	r->len = len;
	r->off = 0;
}

static inline gsize
hotsync_reader_left (const HotsyncReader *r)
{
	g_assert (r->off <= r->len);
	return r->len - r->off;
}

static inline gboolean
hotsync_reader_skip (HotsyncReader *r, gsize n)
{
	g_assert (r->off <= r->len);
	if (n > r->len - r->off)
		return FALSE;
	r->off += n;
	return TRUE;
}

static inline gboolean
hotsync_reader_bytes (HotsyncReader *r, gsize n, const guint8 **out)
{
	g_assert (r->off <= r->len);
	if (n > r->len - r->off)
		return FALSE;
	*out = r->data + r->off;
	r->off += n;
	return TRUE;
}

static inline gboolean
hotsync_reader_u8 (HotsyncReader *r, guint8 *out)
{
	const guint8 *p;

	if (!hotsync_reader_bytes (r, 1, &p))
		return FALSE;
	*out = p[0];
	return TRUE;
}

static inline gboolean
hotsync_reader_u16 (HotsyncReader *r, guint16 *out)
{
	const guint8 *p;

	if (!hotsync_reader_bytes (r, 2, &p))
		return FALSE;
	*out = (guint16) ((p[0] << 8) | p[1]);
	return TRUE;
}

static inline gboolean
hotsync_reader_u32 (HotsyncReader *r, guint32 *out)
{
	const guint8 *p;

	if (!hotsync_reader_bytes (r, 4, &p))
		return FALSE;
	*out = ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
	return TRUE;
}

static inline guint16
hotsync_get_u16 (const guint8 *p)
{
	return (guint16) ((p[0] << 8) | p[1]);
}

static inline guint32
hotsync_get_u32 (const guint8 *p)
{
	return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline void
hotsync_put_u16 (guint8 *p, guint16 v)
{
	p[0] = (guint8) (v >> 8);
	p[1] = (guint8) v;
}

static inline void
hotsync_put_u32 (guint8 *p, guint32 v)
{
	p[0] = (guint8) (v >> 24);
	p[1] = (guint8) (v >> 16);
	p[2] = (guint8) (v >> 8);
	p[3] = (guint8) v;
}

static inline void
hotsync_append_u8 (GByteArray *a, guint8 v)
{
	g_byte_array_append (a, &v, 1);
}

static inline void
hotsync_append_u16 (GByteArray *a, guint16 v)
{
	guint8 b[2];

	hotsync_put_u16 (b, v);
	g_byte_array_append (a, b, 2);
}

static inline void
hotsync_append_u32 (GByteArray *a, guint32 v)
{
	guint8 b[4];

	hotsync_put_u32 (b, v);
	g_byte_array_append (a, b, 4);
}

G_END_DECLS
