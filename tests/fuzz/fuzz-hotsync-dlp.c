/* Fuzz target: DLP messages, requests and responses.  Whatever decodes
 * re-encodes to bytes that decode to the same encoding. */
#include "config.h"

#include <glib.h>

#include "fuzz.h"
#include "hotsync/hotsync-dlp.h"

static void
check_request (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (HotsyncDlpRequest) req = hotsync_dlp_request_decode (data, size, NULL, &error);
	g_autoptr (GBytes) enc = NULL;
	g_autoptr (HotsyncDlpRequest) again = NULL;
	g_autoptr (GBytes) enc2 = NULL;

	g_assert_true ((req == NULL) != (error == NULL));
	if (req == NULL)
		return;
	g_assert_nonnull (hotsync_dlp_command_name (req->cmd));
	enc = hotsync_dlp_request_encode (req);
	again = hotsync_dlp_request_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), NULL, &error);
	g_assert_no_error (error);
	enc2 = hotsync_dlp_request_encode (again);
	g_assert_true (g_bytes_equal (enc, enc2));
}

static void
check_response (const uint8_t *data, size_t size)
{
	g_autoptr (GError) error = NULL;
	guint8 cmd = size > 0 ? data[0] & 0x7f : 0;
	g_autoptr (HotsyncDlpResponse) resp = hotsync_dlp_response_decode (data, size, cmd, NULL, &error);
	g_autoptr (GBytes) enc = NULL;
	g_autoptr (HotsyncDlpResponse) again = NULL;
	g_autoptr (GBytes) enc2 = NULL;

	g_assert_true ((resp == NULL) != (error == NULL));
	if (resp == NULL)
		return;
	enc = hotsync_dlp_response_encode (resp);
	again = hotsync_dlp_response_decode (g_bytes_get_data (enc, NULL), g_bytes_get_size (enc), cmd, NULL, &error);
	g_assert_no_error (error);
	enc2 = hotsync_dlp_response_encode (again);
	g_assert_true (g_bytes_equal (enc, enc2));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	for (int resp = 0; resp < 2; resp++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (HotsyncDlpMessage) msg = hotsync_dlp_message_parse (data, size, resp, NULL, &error);

		g_assert_true ((msg == NULL) != (error == NULL));
		if (msg != NULL) {
			/* The generic form keeps every byte but the pad byte of
			 * small and long argument headers (written as 0): the
			 * size is the same, and a second round trip is exact. */
			g_autoptr (GBytes) enc = hotsync_dlp_message_encode (msg);
			g_autoptr (HotsyncDlpMessage) again = hotsync_dlp_message_parse (g_bytes_get_data (enc, NULL),
			                                                                 g_bytes_get_size (enc), resp, NULL, &error);
			g_autoptr (GBytes) enc2 = NULL;

			g_assert_no_error (error);
			g_assert_cmpuint (g_bytes_get_size (enc), ==, size);
			enc2 = hotsync_dlp_message_encode (again);
			g_assert_true (g_bytes_equal (enc, enc2));
		}
	}
	check_request (data, size);
	check_response (data, size);
	return 0;
}
