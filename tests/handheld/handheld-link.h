/* The simulated handheld's end of a HotSync link: dials in and serves DLP
 * from a HandheldState until EndOfSync, over NetSync (TCP, or a USB-like
 * byte pipe) or over SLP/PADP/CMP (a pty, with baud negotiation).
 *
 * Test knobs: hang up after the Nth DLP request (disconnect mid-sync),
 * corrupt every Nth frame written (serial: the desktop must drop it and
 * PADP must resend), pace both directions to the negotiated baud rate (a
 * pty has no line speed).  Errors: CONDUIT_TRANSPORT_ERROR, HOTSYNC_*. */
#pragma once

#include <glib.h>

#include "conduit/conduit-transport.h"
#include "tests/handheld/handheld-dlp.h"

G_BEGIN_DECLS

typedef struct {
	guint32 max_baud;        /* offered in CMP WAKE; 0 = 115200 */
	guint drop_after;        /* hang up on receiving request N (0 = never) */
	guint corrupt_every;     /* serial: spoil every Nth frame written (0 = never) */
	gboolean pace;           /* serial: pace to the line rate */
	gint64 ack_timeout_us;   /* serial: PADP ack timeout (0 = default 2 s) */
} HandheldLinkOptions;

typedef struct {
	gboolean completed;      /* EndOfSync answered and delivered */
	gboolean dropped;        /* hung up on purpose (drop_after) */
	guint requests;
	guint32 baud;
	guint corrupted;
} HandheldLinkResult;

gboolean handheld_link_run (ConduitTransport          *transport,
                            gboolean                   serial,
                            HandheldState             *state,
                            const HandheldLinkOptions *options,
                            HandheldLinkResult        *out_result,
                            GError                   **error);

G_END_DECLS
