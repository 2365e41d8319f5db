/* Test helper: loads a HotSync recording (palm-sync's StreamRecorder JSON: an
 * array of {"type": "read"|"write", "data": "<hex>"}). */
#pragma once

#include <glib.h>

typedef struct {
	gboolean is_read;   /* from the handheld */
	GBytes *data;
} RecordingEvent;

/* GPtrArray of RecordingEvent (freed with the array), or NULL with error. */
GPtrArray *recording_load (const char *path, GError **error);
/* All bytes of one direction, concatenated. */
GBytes *recording_stream (GPtrArray *events, gboolean reads);
/* Folder of the recordings, or NULL (and the test is skipped) when absent. */
char *recording_dir (void);
/* Sorted names of the recordings (NAME.TRANSPORT.json). */
GPtrArray *recording_list (const char *dir);
