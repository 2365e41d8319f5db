/* CMP: see hotsync-cmp.h. */
#include "config.h"

#include "hotsync/hotsync-cmp.h"
#include "hotsync/hotsync-private.h"

G_DEFINE_QUARK (hotsync-cmp-error-quark, hotsync_cmp_error)

/* The version we announce, as Palm's desktop does. */
#define DESKTOP_MAJOR 1
#define DESKTOP_MINOR 1

gboolean
hotsync_cmp_parse (const guint8 *data, gsize len, HotsyncCmp *out_cmp, GError **error)
{
	HotsyncCmp c;

	if (len != HOTSYNC_CMP_LEN) {
		g_set_error (error, HOTSYNC_CMP_ERROR, HOTSYNC_CMP_ERROR_MALFORMED,
		             "CMP: %" G_GSIZE_FORMAT " bytes instead of %d", len, HOTSYNC_CMP_LEN);
		return FALSE;
	}
	c.type = data[0];
	c.flags = data[1];
	c.major = data[2];
	c.minor = data[3];
	c.reserved = hotsync_get_u16 (data + 4);
	c.baud = hotsync_get_u32 (data + 6);
	if (c.type < HOTSYNC_CMP_TYPE_WAKE || c.type > HOTSYNC_CMP_TYPE_ABORT) {
		g_set_error (error, HOTSYNC_CMP_ERROR, HOTSYNC_CMP_ERROR_MALFORMED,
		             "CMP: unknown type %u", c.type);
		return FALSE;
	}
	*out_cmp = c;
	return TRUE;
}

void
hotsync_cmp_encode (const HotsyncCmp *cmp, guint8 out[HOTSYNC_CMP_LEN])
{
	out[0] = cmp->type;
	out[1] = cmp->flags;
	out[2] = cmp->major;
	out[3] = cmp->minor;
	hotsync_put_u16 (out + 4, cmp->reserved);
	hotsync_put_u32 (out + 6, cmp->baud);
}

gboolean
hotsync_cmp_negotiate (const HotsyncCmp *wake,
                       guint32           desktop_max_baud,
                       gboolean          allow_long_padp,
                       HotsyncCmp       *out_reply,
                       GError          **error)
{
	HotsyncCmp r = { 0 };

	if (wake->type != HOTSYNC_CMP_TYPE_WAKE) {
		g_set_error (error, HOTSYNC_CMP_ERROR, HOTSYNC_CMP_ERROR_MALFORMED,
		             "CMP: expected a WAKE, got type %u", wake->type);
		return FALSE;
	}
	r.major = DESKTOP_MAJOR;
	r.minor = DESKTOP_MINOR;
	if (wake->major != DESKTOP_MAJOR) {
		r.type = HOTSYNC_CMP_TYPE_ABORT;
		r.flags = HOTSYNC_CMP_ABORT_INCOMPATIBLE;
		*out_reply = r;
		g_set_error (error, HOTSYNC_CMP_ERROR, HOTSYNC_CMP_ERROR_INCOMPATIBLE,
		             "CMP: handheld speaks version %u.%u", wake->major, wake->minor);
		return FALSE;
	}
	r.type = HOTSYNC_CMP_TYPE_INIT;
	/* A handheld offering 0 means it has no preference: stay at 9600. */
	r.baud = MIN (wake->baud, desktop_max_baud);
	if (r.baud == 0)
		r.baud = HOTSYNC_CMP_INITIAL_BAUD;
	if (r.baud != HOTSYNC_CMP_INITIAL_BAUD)
		r.flags |= HOTSYNC_CMP_FLAG_CHANGE_BAUD;
	if (allow_long_padp && (wake->flags & HOTSYNC_CMP_FLAG_LONG_PADP))
		r.flags |= HOTSYNC_CMP_FLAG_LONG_PADP;
	*out_reply = r;
	return TRUE;
}
