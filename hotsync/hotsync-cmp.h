/* CMP, the Connection Management Protocol: the first PADP message each way on
 * a serial link, agreeing on the line rate.  10 bytes: type u8 (1 WAKE from
 * the handheld, 2 INIT from the desktop, 3 ABORT), flags u8, version major u8,
 * minor u8, reserved u16, baud u32.
 *
 * Errors: HOTSYNC_CMP_ERROR. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HOTSYNC_CMP_ERROR (hotsync_cmp_error_quark ())
GQuark hotsync_cmp_error_quark (void);

typedef enum {
	HOTSYNC_CMP_ERROR_MALFORMED,     /* wrong size or type */
	HOTSYNC_CMP_ERROR_INCOMPATIBLE,  /* major version other than 1 */
} HotsyncCmpError;

#define HOTSYNC_CMP_LEN 10

typedef enum {
	HOTSYNC_CMP_TYPE_WAKE = 1,
	HOTSYNC_CMP_TYPE_INIT = 2,
	HOTSYNC_CMP_TYPE_ABORT = 3,
} HotsyncCmpType;

#define HOTSYNC_CMP_FLAG_CHANGE_BAUD 0x80
#define HOTSYNC_CMP_FLAG_ONE_MINUTE 0x40
#define HOTSYNC_CMP_FLAG_TWO_MINUTES 0x20
#define HOTSYNC_CMP_FLAG_LONG_PADP 0x10
#define HOTSYNC_CMP_ABORT_INCOMPATIBLE 0x80

/* The line rate every serial HotSync starts at. */
#define HOTSYNC_CMP_INITIAL_BAUD 9600

typedef struct {
	guint8 type;
	guint8 flags;
	guint8 major;
	guint8 minor;
	guint16 reserved;
	guint32 baud;
} HotsyncCmp;

/* Exactly HOTSYNC_CMP_LEN bytes with a known type. */
gboolean hotsync_cmp_parse (const guint8 *data, gsize len, HotsyncCmp *out_cmp, GError **error);
void hotsync_cmp_encode (const HotsyncCmp *cmp, guint8 out[HOTSYNC_CMP_LEN]);

/* The desktop's answer to a handheld's WAKE: an INIT at the lower of the
 * handheld's maximum and desktop_max_baud (the change-baud flag when that is
 * not 9600), with long PADP headers when the handheld offers them and
 * allow_long_padp.  A WAKE of another major version gets an ABORT
 * (HOTSYNC_CMP_ABORT_INCOMPATIBLE) in *out_reply and FALSE with
 * HOTSYNC_CMP_ERROR_INCOMPATIBLE: send the ABORT, then hang up.  A packet that
 * is not a WAKE fails with HOTSYNC_CMP_ERROR_MALFORMED and no reply. */
gboolean hotsync_cmp_negotiate (const HotsyncCmp *wake,
                                guint32           desktop_max_baud,
                                gboolean          allow_long_padp,
                                HotsyncCmp       *out_reply,
                                GError          **error);

G_END_DECLS
