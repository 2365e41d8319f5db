/* test-pim-util.h — helpers of the PIM Sync tests (test-pim-*.c): a
 * harness with one user, devices, Sync requests of one collection, the
 * server commands of a response, models ⇄ ApplicationData trees. */
#pragma once

#include "eas/eas-calendar.h"
#include "eas/eas-contact.h"
#include "eas/eas-note.h"
#include "eas/eas-sync.h"
#include "eas/eas-task.h"
#include "server/airdockd-store.h"
#include "tests/server/eas-client.h"

#define PIM_USER "alice"
#define PIM_EMAIL "alice@example.org"
#define PIM_PASSWORD "s3cret-alice"

typedef struct {
	AirdockHarness *h;
	gint64 uid;
	AirdockdStore *store;
} PimFixture;

void pim_fixture_setup (PimFixture *f, gconstpointer data);
void pim_fixture_teardown (PimFixture *f, gconstpointer data);

/* A provisioned device of the user. */
AirdockEasClient *pim_device (PimFixture *f, const char *id, EasVersion version);
/* The server id of the user's default folder of type. */
char *pim_folder_of (PimFixture *f, AirdockdFolderType type);

typedef enum { PIM_KIND_CONTACT, PIM_KIND_EVENT, PIM_KIND_TASK, PIM_KIND_NOTE } PimKind;

/* model (EasContact/EasEvent/EasTask/EasNote by kind) as an
 * <ApplicationData> tree for version. */
EasNode *pim_encode (PimKind kind, const void *model, EasVersion version);
/* The model decoded from ad for version (asserting success); free with
 * pim_model_free. */
void *pim_decode (PimKind kind, const EasNode *ad, EasVersion version);
void pim_model_free (PimKind kind, void *model);
/* The XML text of a tree (for element-by-element comparisons). */
char *pim_xml (const EasNode *node);

/* A task (subject; when complete, completed 2026-01-01 09:00 UTC) as a
 * 16.1 <ApplicationData> tree. */
EasNode *pim_task_data (const char *subject, gboolean complete);

/* <Add>/<Change>/<Delete>/<Fetch> with its id and (taken) ApplicationData. */
EasNode *pim_command (EasTag tag, const char *id, EasNode *data);

/* A Sync of one collection.  filter: −1 = no Options, else FilterType.
 * cmds: NULL-terminated array of (taken) commands, may be NULL.  Checks
 * HTTP 200 and collection Status expect_status; on 1 moves *key on. */
AirdockEasResponse *pim_sync (AirdockEasClient *c, char **key, const char *collection,
                              int filter, EasNode **cmds, const char *expect_status);
/* Posts the Sync request root (one collection, built by the caller).
 * Checks HTTP 200 and collection Status expect_status; on 1 moves *key on. */
AirdockEasResponse *pim_post_sync (AirdockEasClient *c, const EasNode *root, char **key,
                                   const char *expect_status);
/* The response's collection node. */
EasNode *pim_collection (AirdockEasResponse *r);
/* The server command (Add/Change/Delete/SoftDelete) for server_id, or NULL. */
EasNode *pim_find_command (AirdockEasResponse *r, EasTag tag, const char *server_id);
/* Number of server commands in the response. */
guint pim_count_commands (AirdockEasResponse *r);
/* The n-th (0-based) Responses/tag node, asserting it exists. */
EasNode *pim_response (AirdockEasResponse *r, EasTag tag, guint n);
