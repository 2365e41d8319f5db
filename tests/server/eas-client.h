/* eas-client.h — a tiny EAS client over libsoup, for server tests.
 *
 *   g_autoptr (AirdockEasClient) c = airdock_eas_client_new (h, TRUE, "alice", "secret",
 *                                                           "DEV1", "TestPhone", 141);
 *   g_assert_true (airdock_eas_client_provision (c, &error));
 *   g_autoptr (EasNode) root = eas_node_new (EAS_FOLDERHIERARCHY_FOLDER_SYNC);
 *   eas_node_append_text (root, EAS_FOLDERHIERARCHY_SYNC_KEY, "0");
 *   g_autoptr (AirdockEasResponse) r = airdock_eas_client_post_tree (c, EAS_CMD_FOLDER_SYNC,
 *                                                                    root, &error);
 *   g_assert_cmpuint (r->http_status, ==, 200);
 *   ... r->tree ...
 *
 * Blocking (libsoup's sync API; no main loop needed).  HTTPS accepts exactly
 * the server's certificate (pinned from its data_dir), nothing else.
 * Errors are transport errors only; HTTP statuses come back in responses.
 */
#pragma once

#include <libsoup/soup.h>

#include "eas/eas-query.h"
#include "eas/eas-wbxml.h"
#include "tests/server/harness.h"

G_BEGIN_DECLS

typedef struct {
	guint http_status;
	SoupMessageHeaders *headers;	/* response headers (ref) */
	char *content_type;		/* NULL when absent */
	GBytes *body;			/* never NULL (may be empty) */
	EasNode *tree;			/* decoded WBXML body, or NULL (empty / not WBXML) */
	GError *decode_error;		/* why tree is NULL for a non-empty WBXML body */
} AirdockEasResponse;

void airdock_eas_response_free (AirdockEasResponse *response);

typedef struct _AirdockEasClient AirdockEasClient;

/* version: 25, 120, 121, 140, 141, 160 or 161.  password may be NULL (no
 * Authorization header). */
AirdockEasClient *airdock_eas_client_new (AirdockHarness *h,
                                          gboolean https,
                                          const char *user,
                                          const char *password,
                                          const char *device_id,
                                          const char *device_type,
                                          EasVersion version);
void airdock_eas_client_free (AirdockEasClient *client);

/* Use the base64 query form (12.1+ only); default: plain. */
void airdock_eas_client_set_base64 (AirdockEasClient *client, gboolean base64);
void airdock_eas_client_set_password (AirdockEasClient *client, const char *password);
/* The key sent as X-MS-PolicyKey (or in the base64 blob); 0 = none. */
void airdock_eas_client_set_policy_key (AirdockEasClient *client, guint32 key);
guint32 airdock_eas_client_get_policy_key (AirdockEasClient *client);
EasVersion airdock_eas_client_get_version (AirdockEasClient *client);

/* POSTs body (NULL = empty) for cmd.  params (may be NULL): command
 * parameters taken from it (collection_id, item_id, long_id, occurrence,
 * attachment_name, save_in_sent, accept_multipart); its cmd, device and
 * version fields are ignored.  content_type NULL = application/vnd.ms-sync.wbxml. */
AirdockEasResponse *airdock_eas_client_post (AirdockEasClient *client,
                                             EasCommand cmd,
                                             const EasQuery *params,
                                             GBytes *body,
                                             const char *content_type,
                                             GError **error);
/* Encodes root (NULL = empty body) with eas_node_encode and POSTs it. */
AirdockEasResponse *airdock_eas_client_post_tree (AirdockEasClient *client,
                                                  EasCommand cmd,
                                                  const EasNode *root,
                                                  GError **error);
/* A FolderSync with SyncKey key ("0" for the first).  The response is
 * whatever the server answered (any HTTP status); NULL + error only when
 * no answer came. */
AirdockEasResponse *airdock_eas_client_folder_sync (AirdockEasClient *client,
                                                    const char *key,
                                                    GError **error);
/* Any method and path (e.g. "OPTIONS", "/Microsoft-Server-ActiveSync"),
 * with Authorization but no EAS headers. */
AirdockEasResponse *airdock_eas_client_request (AirdockEasClient *client,
                                                const char *method,
                                                const char *path,
                                                GError **error);

/* Both Provision phases ([MS-ASPROV] 3.1.5.1): asks for the policy (WAP XML
 * for 2.5, WBXML otherwise; with a DeviceInformation Model/FriendlyName/OS
 * on 14.1+), acknowledges the temporary key, and keeps the final key.
 * out_phase1 (may be NULL) gets the first response.  FALSE + error when the
 * server does not answer Status 1 with a non-zero key in both phases. */
gboolean airdock_eas_client_provision (AirdockEasClient *client,
                                       AirdockEasResponse **out_phase1,
                                       GError **error);

/* Model / FriendlyName the provision helper sends on 14.1+. */
#define AIRDOCK_EAS_CLIENT_MODEL "TestModel-1"
#define AIRDOCK_EAS_CLIENT_FRIENDLY_NAME "Test phone"
#define AIRDOCK_EAS_CLIENT_OS "TestOS 1.0"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockEasResponse, airdock_eas_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockEasClient, airdock_eas_client_free)

G_END_DECLS
