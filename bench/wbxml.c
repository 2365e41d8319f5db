/* bench/wbxml.c — WBXML codec throughput and peak memory, ours vs libwbxml.
 *
 *   bench/wbxml            runs every case, each in its own child process
 *   bench/wbxml CASE       runs one case and prints its line
 *
 * Documents: a Sync response with 100 emails (2 KiB plain-text bodies), and
 * a SendMail whose MIME is a 10 MiB OPAQUE.  Ours: the streaming writer and
 * decoder; the SendMail case streams through both in 64 KiB pieces the way
 * the server does (writer → take → socket → decoder feed), so memory stays
 * flat.  libwbxml: its convert API, WBXML → XML and XML → WBXML, on whole
 * documents in memory, which is what it offers.  Throughput is WBXML bytes
 * per second; peak RSS is the child's ru_maxrss. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <wbxml/wbxml.h>

#include "eas/eas-wbxml.h"

#define SENDMAIL_BYTES (10u * 1024 * 1024)
#define PIECE (64u * 1024)
#define MIN_SECONDS 0.5

static void
write_email (EasWbxmlWriter *w, guint i, const char *body)
{
	g_autofree char *id = g_strdup_printf ("5:%u", i + 1);
	g_autofree char *subject = g_strdup_printf ("Quarterly report, part %u", i);

	eas_wbxml_writer_start (w, EAS_AIRSYNC_ADD);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SERVER_ID, id);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_APPLICATION_DATA);
	eas_wbxml_writer_text_element (w, EAS_EMAIL_TO, "\"Bob Example\" <bob@example.com>");
	eas_wbxml_writer_text_element (w, EAS_EMAIL_FROM, "\"Alice Example\" <alice@example.com>");
	eas_wbxml_writer_text_element (w, EAS_EMAIL_SUBJECT, subject);
	eas_wbxml_writer_text_element (w, EAS_EMAIL_DATE_RECEIVED, "2026-11-26T14:00:00.000Z");
	eas_wbxml_writer_text_element (w, EAS_EMAIL_DISPLAY_TO, "Bob Example");
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_IMPORTANCE, 1);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_READ, i % 2);
	eas_wbxml_writer_text_element (w, EAS_EMAIL_MESSAGE_CLASS, "IPM.Note");
	eas_wbxml_writer_start (w, EAS_AIRSYNCBASE_BODY);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_TYPE, 1);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_ESTIMATED_DATA_SIZE, strlen (body));
	eas_wbxml_writer_text_element (w, EAS_AIRSYNCBASE_DATA, body);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNCBASE_NATIVE_BODY_TYPE, 1);
	eas_wbxml_writer_uint_element (w, EAS_EMAIL_INTERNET_CPID, 65001);
	eas_wbxml_writer_empty (w, EAS_EMAIL_FLAG);
	eas_wbxml_writer_text_element (w, EAS_EMAIL_CONTENT_CLASS, "urn:content-classes:message");
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
}

static GBytes *
encode_sync_response (const char *body)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();

	eas_wbxml_writer_start (w, EAS_AIRSYNC_SYNC);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COLLECTIONS);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COLLECTION);
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_SYNC_KEY, "{b3e1a2c4-0001}42");
	eas_wbxml_writer_text_element (w, EAS_AIRSYNC_COLLECTION_ID, "5");
	eas_wbxml_writer_uint_element (w, EAS_AIRSYNC_STATUS, 1);
	eas_wbxml_writer_start (w, EAS_AIRSYNC_COMMANDS);
	for (guint i = 0; i < 100; i++)
		write_email (w, i, body);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

static char *
make_body (void)
{
	GString *s = g_string_new (NULL);

	while (s->len < 2048)
		g_string_append (s, "Hello Bob,\nthe figures for the quarter are attached; "
		                    "revenue grew and costs fell. Regards, Alice.\n");
	return g_string_free (s, FALSE);
}

/* Consumes events the way a request handler would: every text and OPAQUE
 * byte is copied once into a sink (a body buffer, a socket, a file). */
static guint8 sink[PIECE];

static guint32
drain_events (EasWbxmlDecoder *dec)
{
	EasWbxmlEvent ev;
	guint32 sum = 0;
	g_autoptr (GError) error = NULL;
	EasWbxmlStatus st;

	while ((st = eas_wbxml_decoder_next (dec, &ev, &error)) == EAS_WBXML_GOT_EVENT) {
		sum += ev.tag + (guint32) ev.len;
		for (gsize off = 0; off < ev.len; off += PIECE)
			memcpy (sink, ev.data + off, MIN ((gsize) PIECE, ev.len - off));
		sum += sink[0];
	}
	if (st == EAS_WBXML_FAILED)
		g_error ("decode failed: %s", error->message);
	return sum;
}

static double
now (void)
{
	return (double) g_get_monotonic_time () / G_USEC_PER_SEC;
}

static long
peak_rss_kib (void)
{
	struct rusage ru;

	getrusage (RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
report (const char *name, double bytes, double seconds)
{
	printf ("%-44s %9.1f MB/s  peak RSS %7ld KiB\n", name, bytes / seconds / 1e6, peak_rss_kib ());
}

/* ---- Cases (each runs in its own process) ------------------------------ */

static void
case_ours_sync_encode (void)
{
	g_autofree char *body = make_body ();
	double bytes = 0, t0 = now ();

	while (now () - t0 < MIN_SECONDS) {
		g_autoptr (GBytes) doc = encode_sync_response (body);
		bytes += (double) g_bytes_get_size (doc);
	}
	report ("ours     sync-100 encode (writer)", bytes, now () - t0);
}

static void
case_ours_sync_decode (void)
{
	g_autofree char *body = make_body ();
	g_autoptr (GBytes) doc = encode_sync_response (body);
	gsize len;
	const guint8 *p = g_bytes_get_data (doc, &len);
	double bytes = 0, t0 = now ();
	guint32 sum = 0;

	while (now () - t0 < MIN_SECONDS) {
		g_autoptr (EasWbxmlDecoder) dec = eas_wbxml_decoder_new (NULL);
		eas_wbxml_decoder_feed (dec, p, len);
		sum += drain_events (dec);
		bytes += (double) len;
	}
	report ("ours     sync-100 decode (stream events)", bytes, now () - t0);
	if (sum == 1)
		puts ("");	/* keep the work observable */
}

static void
case_ours_sync_tree (void)
{
	g_autofree char *body = make_body ();
	g_autoptr (GBytes) doc = encode_sync_response (body);
	gsize len;
	const guint8 *p = g_bytes_get_data (doc, &len);
	double bytes = 0, t0 = now ();

	while (now () - t0 < MIN_SECONDS) {
		g_autoptr (EasNode) root = eas_wbxml_parse (p, len, NULL, NULL);
		g_assert (root != NULL);
		bytes += (double) len;
	}
	report ("ours     sync-100 decode (tree)", bytes, now () - t0);
}

static GBytes *
libwbxml_to_xml (const guint8 *p, gsize len, double *out_seconds)
{
	WBXMLConvWBXML2XML *conv = NULL;
	WB_UTINY *xml = NULL;
	WB_ULONG xml_len = 0;
	g_autofree guint8 *copy = g_memdup2 (p, len);
	double t0 = now ();

	wbxml_conv_wbxml2xml_create (&conv);
	wbxml_conv_wbxml2xml_set_language (conv, WBXML_LANG_ACTIVESYNC);
	wbxml_conv_wbxml2xml_set_charset (conv, WBXML_CHARSET_UTF_8);
	wbxml_conv_wbxml2xml_set_gen_type (conv, WBXML_GEN_XML_COMPACT);
	if (wbxml_conv_wbxml2xml_run (conv, copy, (WB_ULONG) len, &xml, &xml_len) != WBXML_OK)
		g_error ("libwbxml wbxml2xml failed");
	wbxml_conv_wbxml2xml_destroy (conv);
	*out_seconds = now () - t0;
	GBytes *out = g_bytes_new (xml, xml_len);
	free (xml);
	return out;
}

static double
libwbxml_to_wbxml (GBytes *xml)
{
	WBXMLConvXML2WBXML *conv = NULL;
	WB_UTINY *wb = NULL;
	WB_ULONG wb_len = 0;
	gsize len;
	g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (xml, &len), g_bytes_get_size (xml));
	double t0 = now ();

	wbxml_conv_xml2wbxml_create (&conv);
	wbxml_conv_xml2wbxml_set_version (conv, WBXML_VERSION_13);
	wbxml_conv_xml2wbxml_disable_public_id (conv);
	wbxml_conv_xml2wbxml_disable_string_table (conv);
	if (wbxml_conv_xml2wbxml_run (conv, copy, (WB_ULONG) len, &wb, &wb_len) != WBXML_OK)
		g_error ("libwbxml xml2wbxml failed");
	wbxml_conv_xml2wbxml_destroy (conv);
	free (wb);
	return now () - t0;
}

static void
case_libwbxml (GBytes *doc, const char *label, gboolean encode)
{
	gsize len;
	const guint8 *p = g_bytes_get_data (doc, &len);
	double bytes = 0, spent = 0, t0 = now ();

	while (now () - t0 < MIN_SECONDS || bytes == 0) {
		double s;
		g_autoptr (GBytes) xml = libwbxml_to_xml (p, len, &s);
		if (encode)
			s = libwbxml_to_wbxml (xml);
		spent += s;
		bytes += (double) len;
	}
	report (label, bytes, spent);
}

static void
case_libwbxml_sync (gboolean encode)
{
	g_autofree char *body = make_body ();
	g_autoptr (GBytes) doc = encode_sync_response (body);

	case_libwbxml (doc, encode ? "libwbxml sync-100 encode (xml2wbxml)"
	                           : "libwbxml sync-100 decode (wbxml2xml)", encode);
}

/* The 10 MiB SendMail through our writer and decoder in 64 KiB pieces. */
static void
case_ours_sendmail (void)
{
	g_autofree guint8 *piece = g_malloc (PIECE);
	double enc_s = 0, dec_s = 0, bytes = 0, t_all = now ();

	for (guint i = 0; i < PIECE; i++)
		piece[i] = (guint8) ("From: a@example.com\r\nSubject: big\r\n\r\n"[i % 40]);
	while (now () - t_all < MIN_SECONDS * 2 || bytes == 0) {
		g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
		g_autoptr (EasWbxmlDecoder) dec = eas_wbxml_decoder_new (NULL);
		gsize total = 0;
		double t;

		eas_wbxml_writer_start (w, EAS_COMPOSEMAIL_SEND_MAIL);
		eas_wbxml_writer_text_element (w, EAS_COMPOSEMAIL_CLIENT_ID, "1234");
		eas_wbxml_writer_empty (w, EAS_COMPOSEMAIL_SAVE_IN_SENT_ITEMS);
		eas_wbxml_writer_start (w, EAS_COMPOSEMAIL_MIME);
		eas_wbxml_writer_opaque_begin (w, SENDMAIL_BYTES);
		for (gsize off = 0; off <= SENDMAIL_BYTES; off += PIECE) {
			t = now ();
			GBytes *out;
			if (off < SENDMAIL_BYTES) {
				eas_wbxml_writer_opaque_data (w, piece, PIECE);
				out = eas_wbxml_writer_take (w);
			} else {
				eas_wbxml_writer_opaque_end (w);
				eas_wbxml_writer_end (w);
				eas_wbxml_writer_end (w);
				out = eas_wbxml_writer_finish (w, NULL);
			}
			enc_s += now () - t;
			t = now ();
			gsize len;
			const guint8 *p = g_bytes_get_data (out, &len);
			eas_wbxml_decoder_feed (dec, p, len);
			drain_events (dec);
			dec_s += now () - t;
			total += len;
			g_bytes_unref (out);
		}
		bytes += (double) total;
	}
	report ("ours     sendmail-10MiB encode (streamed)", bytes, enc_s);
	report ("ours     sendmail-10MiB decode (streamed)", bytes, dec_s);
}

static GBytes *
sendmail_document (void)
{
	g_autoptr (EasWbxmlWriter) w = eas_wbxml_writer_new ();
	g_autofree guint8 *mime = g_malloc (SENDMAIL_BYTES);

	for (gsize i = 0; i < SENDMAIL_BYTES; i++)
		mime[i] = (guint8) ("From: a@example.com\r\nSubject: big\r\n\r\n"[i % 40]);
	eas_wbxml_writer_start (w, EAS_COMPOSEMAIL_SEND_MAIL);
	eas_wbxml_writer_text_element (w, EAS_COMPOSEMAIL_CLIENT_ID, "1234");
	eas_wbxml_writer_empty (w, EAS_COMPOSEMAIL_SAVE_IN_SENT_ITEMS);
	eas_wbxml_writer_opaque_element (w, EAS_COMPOSEMAIL_MIME, mime, SENDMAIL_BYTES);
	eas_wbxml_writer_end (w);
	return eas_wbxml_writer_finish (w, NULL);
}

static void
case_libwbxml_sendmail (gboolean encode)
{
	g_autoptr (GBytes) doc = sendmail_document ();

	case_libwbxml (doc, encode ? "libwbxml sendmail-10MiB encode (xml2wbxml)"
	                           : "libwbxml sendmail-10MiB decode (wbxml2xml)", encode);
}

static void
case_baseline (void)
{
	printf ("%-44s %9s       peak RSS %7ld KiB\n", "baseline (empty child)", "", peak_rss_kib ());
}

static const struct {
	const char *name;
	void (*run) (void);
} cases[] = {
	{ "baseline", case_baseline },
	{ "ours-sync-encode", case_ours_sync_encode },
	{ "ours-sync-decode", case_ours_sync_decode },
	{ "ours-sync-tree", case_ours_sync_tree },
	{ "libwbxml-sync-decode", NULL },
	{ "libwbxml-sync-encode", NULL },
	{ "ours-sendmail", case_ours_sendmail },
	{ "libwbxml-sendmail-decode", NULL },
	{ "libwbxml-sendmail-encode", NULL },
};

static void
run_case (const char *name)
{
	if (strcmp (name, "libwbxml-sync-decode") == 0)
		case_libwbxml_sync (FALSE);
	else if (strcmp (name, "libwbxml-sync-encode") == 0)
		case_libwbxml_sync (TRUE);
	else if (strcmp (name, "libwbxml-sendmail-decode") == 0)
		case_libwbxml_sendmail (FALSE);
	else if (strcmp (name, "libwbxml-sendmail-encode") == 0)
		case_libwbxml_sendmail (TRUE);
	else {
		for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
			if (strcmp (cases[i].name, name) == 0 && cases[i].run != NULL) {
				cases[i].run ();
				return;
			}
		}
		g_printerr ("unknown case %s\n", name);
		exit (1);
	}
}

int
main (int argc, char **argv)
{
	if (argc == 2) {
		run_case (argv[1]);
		return 0;
	}
	g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		const char *child_argv[] = { self, cases[i].name, NULL };
		g_autofree char *out = NULL;
		g_autoptr (GError) error = NULL;
		int status = 0;

		if (!g_spawn_sync (NULL, (char **) child_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
		                   &out, NULL, &status, &error) ||
		    !g_spawn_check_wait_status (status, &error)) {
			g_printerr ("%s: %s\n", cases[i].name, error->message);
			return 1;
		}
		fputs (out, stdout);
		fflush (stdout);
	}
	return 0;
}
