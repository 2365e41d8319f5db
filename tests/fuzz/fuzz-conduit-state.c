/* The handheld simulator's state file (outside input: a user may hand it
 * any file), then its DLP server answering record reads on what parsed. */
#include "config.h"

#include "fuzz.h"
#include "hotsync/hotsync-dlp.h"
#include "tests/handheld/handheld-dlp.h"

static void
ask (HandheldDlp *dlp, HotsyncDlpRequest *req)
{
	g_autoptr (GBytes) wire = hotsync_dlp_request_encode (req);
	g_autoptr (GBytes) answer = handheld_dlp_answer (dlp, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));

	g_assert_nonnull (answer);
	hotsync_dlp_request_free (req);
}

static void
serve_all (HandheldState *state)
{
	static const char *const names[] = { "MemoDB", "ToDoDB" };
	HandheldDlp dlp = { state, NULL, FALSE, 0, 0 };

	for (gsize i = 0; i < G_N_ELEMENTS (names); i++) {
		HotsyncDlpRequest *req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_OPEN_DB);
		HandheldDb *db = handheld_state_find_db (state, names[i]);

		req->flags = HOTSYNC_DLP_OPEN_READ | HOTSYNC_DLP_OPEN_WRITE;
		req->name = g_strdup (names[i]);
		ask (&dlp, req);
		for (guint j = 0; db != NULL && j <= db->records->len; j++) {
			req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_READ_NEXT_MODIFIED_REC);
			req->handle = 1;
			ask (&dlp, req);
		}
		req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_READ_APP_BLOCK);
		req->handle = 1;
		req->max_len = 0xffff;
		ask (&dlp, req);
		req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_CLEAN_UP_DATABASE);
		req->handle = 1;
		ask (&dlp, req);
		req = hotsync_dlp_request_new (HOTSYNC_DLP_CMD_CLOSE_DB);
		req->handle = 1;
		ask (&dlp, req);
	}
	ask (&dlp, hotsync_dlp_request_new (HOTSYNC_DLP_CMD_READ_USER_INFO));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (HandheldState) state = handheld_state_parse (data, size, NULL);

	if (state != NULL)
		serve_all (state);
	return 0;
}
