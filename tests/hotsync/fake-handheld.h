/* Test helper: a fake handheld that answers DLP requests from a small
 * in-memory model of its databases (the commands HotsyncSession sends).
 * Shared by test-session and test-e2e; a starting point for the handheld
 * simulator. */
#pragma once

#include <glib.h>

#include "hotsync/hotsync-dlp.h"

typedef struct {
	guint32 id;
	guint8 attr;
	guint8 category;
	GBytes *data;
} FakeRec;

typedef struct {
	char *name;
	GPtrArray *recs;    /* FakeRec */
	GBytes *app_info;
	guint next_modified;
} FakeDb;

typedef struct {
	guint32 user_id;
	guint32 last_sync_pc;
	HotsyncDlpDate last_sync_date;
	char *user_name;
	guint8 mod_flags;
	GPtrArray *dbs;       /* FakeDb */
	FakeDb *open;
	guint32 next_id;
	GString *trace;       /* command names, in order */
	char *log;
	guint16 end_status;
	gboolean ended;
	guint8 fail_cmd;      /* answer this command with fail_error */
	guint16 fail_error;
	gboolean endless;     /* ReadNextModifiedRec never ends */
	guint served;
} FakeHandheld;

FakeHandheld *fake_new (void);
void fake_free (FakeHandheld *hh);
FakeDb *add_db (FakeHandheld *hh, const char *name);
void add_rec (FakeHandheld *hh, FakeDb *db, guint8 attr, const char *text);
/* Decodes one request (it must decode) and returns the encoded answer. */
GBytes *fake_answer (FakeHandheld *hh, GBytes *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeHandheld, fake_free)
