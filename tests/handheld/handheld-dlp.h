/* The simulated handheld's DLP server: answers one request against a
 * HandheldState the way Palm OS does (records the desktop writes keep the
 * attributes it gives; CleanUpDatabase purges deleted and archived records;
 * ResetSyncFlags clears dirty bits). */
#pragma once

#include <glib.h>

#include "tests/handheld/handheld-state.h"

G_BEGIN_DECLS

typedef struct {
	HandheldState *state;
	HandheldDb *open;      /* the open database, or NULL */
	gboolean ended;        /* EndOfSync answered */
	guint16 end_status;
	guint requests;
} HandheldDlp;

/* The encoded response to an encoded request (never NULL: a request that
 * does not decode is answered with "illegal request"). */
GBytes *handheld_dlp_answer (HandheldDlp *dlp, const guint8 *request, gsize len);

G_END_DECLS
