/* fuzz-lmtp.c — the LMTP command-line parser on arbitrary bytes.
 *
 * The input is split at LF (as the listener does, CR before LF removed) and
 * each line goes through airdockd_lmtp_parse_command.  Whatever parses must
 * respect the limits and round-trip its verb. */
#include "config.h"

#include <string.h>

#include "server/airdockd-lmtp.h"
#include "fuzz.h"

static void
check_line (const guint8 *line, gsize len)
{
	g_auto (AirdockdLmtpCommand) cmd = { 0 };
	g_autoptr (GError) error = NULL;

	if (!airdockd_lmtp_parse_command (line, len, &cmd, &error)) {
		g_assert_nonnull (error);
		g_assert_null (cmd.arg);
		return;
	}
	g_assert_no_error (error);
	g_assert_cmpuint (len, <=, AIRDOCKD_LMTP_MAX_LINE);
	switch (cmd.verb) {
	case AIRDOCKD_LMTP_CMD_MAIL:
	case AIRDOCKD_LMTP_CMD_RCPT:
		g_assert_nonnull (cmd.arg);
		g_assert_cmpuint (strlen (cmd.arg), <=, AIRDOCKD_LMTP_MAX_ADDRESS);
		g_assert_null (strpbrk (cmd.arg, "<> \r\n"));
		if (cmd.verb == AIRDOCKD_LMTP_CMD_RCPT)
			g_assert_cmpuint (strlen (cmd.arg), >, 0);
		break;
	case AIRDOCKD_LMTP_CMD_LHLO:
	case AIRDOCKD_LMTP_CMD_HELO:
	case AIRDOCKD_LMTP_CMD_VRFY:
		g_assert_nonnull (cmd.arg);
		g_assert_cmpuint (strlen (cmd.arg), >, 0);
		break;
	default:
		g_assert_null (cmd.arg);
		break;
	}
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	gsize off = 0;

	/* the whole input as one line exercises the length limit */
	check_line (data, size);
	while (off < size) {
		const guint8 *lf = memchr (data + off, '\n', size - off);
		gsize len = lf != NULL ? (gsize) (lf - (data + off)) : size - off;
		gsize cmd_len = len > 0 && data[off + len - 1] == '\r' ? len - 1 : len;

		check_line (data + off, cmd_len);
		off += len + (lf != NULL ? 1 : 0);
	}
	return 0;
}
