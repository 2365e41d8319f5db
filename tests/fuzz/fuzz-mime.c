/* fuzz-mime.c — message structure extraction (airdockd_mime_parse_data) on
 * arbitrary bytes: headers, nested multiparts, encodings, attachments. */
#include "config.h"

#include <string.h>

#include "server/airdockd-mime.h"
#include "fuzz.h"

#define FUZZ_MAX_INPUT (1024 * 1024)	/* keeps each run fast; limits are tested elsewhere */

static void
check_text (const char *s, gsize max_bytes)
{
	if (s == NULL)
		return;
	g_assert_true (g_utf8_validate (s, -1, NULL));
	if (max_bytes > 0)
		g_assert_cmpuint (strlen (s), <=, max_bytes);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (AirdockdMimeInfo) info = NULL;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	info = airdockd_mime_parse_data (data, size, NULL);
	if (info == NULL)
		return 0;
	g_assert_nonnull (info->attachments);
	g_assert_cmpuint (info->attachments->len, <=, AIRDOCKD_MIME_MAX_PARTS);
	g_assert_cmpint (info->size, ==, (gint64) size);
	check_text (info->subject, AIRDOCKD_MIME_MAX_HEADER_CHARS);
	check_text (info->from, AIRDOCKD_MIME_MAX_HEADER_CHARS);
	check_text (info->to, AIRDOCKD_MIME_MAX_HEADER_CHARS);
	check_text (info->message_id, AIRDOCKD_MIME_MAX_HEADER_CHARS);
	check_text (info->thread_id, AIRDOCKD_MIME_MAX_HEADER_CHARS);
	check_text (info->preview, 0);
	if (info->preview != NULL)
		g_assert_cmpuint (g_utf8_strlen (info->preview, -1), <=, AIRDOCKD_MIME_PREVIEW_CHARS);
	for (guint i = 0; i < info->attachments->len; i++) {
		AirdockdAttachment *a = g_ptr_array_index (info->attachments, i);
		g_assert_cmpuint (a->index, ==, i);
		g_assert_nonnull (a->content_type);
		g_assert_cmpint (a->size, >=, 0);
		check_text (a->file_name, AIRDOCKD_MIME_MAX_HEADER_CHARS);
	}
	return 0;
}
