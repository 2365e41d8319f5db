/* airdock-wbxml — EAS WBXML ⇄ XML on the command line.
 *
 *   airdock-wbxml decode FILE|-   WBXML → namespaced XML on stdout
 *   airdock-wbxml encode FILE|-   XML → canonical WBXML on stdout
 *
 * Errors name the byte offset (decode) or XML position (encode); exit 1. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "eas/eas-wbxml.h"

/* Reads a whole file, or stdin for "-", refusing more than max bytes. */
static gboolean
read_input (const char *path, gsize max, GByteArray **out_data, GError **error)
{
	g_autoptr (GByteArray) data = g_byte_array_new ();
	FILE *f = strcmp (path, "-") == 0 ? stdin : fopen (path, "rb");
	guint8 buf[65536];
	size_t n;

	if (f == NULL) {
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
		             "cannot open: %s", g_strerror (errno));
		return FALSE;
	}
	while ((n = fread (buf, 1, sizeof buf, f)) > 0) {
		if (n > max - MIN (max, data->len)) {
			g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
			             "input larger than %" G_GSIZE_FORMAT " bytes", max);
			break;
		}
		g_byte_array_append (data, buf, (guint) n);
	}
	gboolean failed = ferror (f) != 0;
	if (f != stdin)
		fclose (f);
	if (error != NULL && *error != NULL)
		return FALSE;
	if (failed) {
		g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_IO, "read error");
		return FALSE;
	}
	*out_data = g_steal_pointer (&data);
	return TRUE;
}

static gboolean
run (const char *command, const char *path, GError **error)
{
	EasWbxmlLimits limits;
	g_autoptr (GByteArray) input = NULL;

	eas_wbxml_limits_init_default (&limits);
	if (!read_input (path, limits.document_bytes, &input, error))
		return FALSE;
	if (strcmp (command, "decode") == 0) {
		g_autofree char *xml = eas_wbxml_to_xml (input->data, input->len, &limits, error);
		if (xml == NULL)
			return FALSE;
		fputs (xml, stdout);
	} else {
		g_autoptr (GBytes) wbxml = eas_xml_to_wbxml ((const char *) input->data,
		                                             input->len, error);
		if (wbxml == NULL)
			return FALSE;
		gsize len;
		const guint8 *p = g_bytes_get_data (wbxml, &len);
		fwrite (p, 1, len, stdout);
	}
	if (fflush (stdout) != 0) {
		g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
		             "cannot write: %s", g_strerror (errno));
		return FALSE;
	}
	return TRUE;
}

int
main (int argc, char **argv)
{
	g_autoptr (GOptionContext) ctx = NULL;
	g_autoptr (GError) error = NULL;

	setlocale (LC_ALL, "");
	ctx = g_option_context_new ("decode|encode FILE|-");
	g_option_context_set_summary (ctx,
		"Converts Exchange ActiveSync WBXML to namespaced XML (decode) and back (encode).\n"
		"FILE \"-\" reads standard input; the result goes to standard output.\n"
		"In the XML, opaque=\"base64\" marks an OPAQUE value, text=\"base64\" a text\n"
		"XML cannot carry verbatim.");
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("airdock-wbxml: %s\n", error->message);
		return 1;
	}
	if (argc != 3 || (strcmp (argv[1], "decode") != 0 && strcmp (argv[1], "encode") != 0)) {
		g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);
		g_printerr ("%s", help);
		return 1;
	}
	if (!run (argv[1], argv[2], &error)) {
		g_printerr ("airdock-wbxml: %s: %s\n", argv[2], error->message);
		return 1;
	}
	return 0;
}
