/* Tests for server/airdockd-mime: Horde's fixture messages (from
 * $AIRDOCK_SHARED, skipped when absent) and generated ones, including a
 * 20 MB attachment that must not be held in memory. */
#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <string.h>

#include "server/airdockd-mime.h"

static char *tmp_dir;

static char *
fixture (const char *name)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	char *path;

	if (shared == NULL)
		return NULL;
	path = g_build_filename (shared, "fixtures", "eas", "horde", name, NULL);
	if (!g_file_test (path, G_FILE_TEST_EXISTS)) {
		g_free (path);
		return NULL;
	}
	return path;
}

static AirdockdMimeInfo *
parse_fixture (const char *name)
{
	g_autofree char *path = fixture (name);
	g_autoptr (GError) error = NULL;
	AirdockdMimeInfo *info;

	if (path == NULL)
		return NULL;
	info = airdockd_mime_parse_file (path, &error);
	g_assert_no_error (error);
	return info;
}

#define NEED_FIXTURE(info) \
	if ((info) == NULL) { \
		g_test_skip ("fixtures/eas/horde not found (set AIRDOCK_SHARED)"); \
		return; \
	}

static void
test_fixture_plain (void)
{
	g_autoptr (AirdockdMimeInfo) m = parse_fixture ("email_plain.eml");
	g_autofree char *path = fixture ("email_plain.eml");
	g_autofree char *text = NULL;
	g_autoptr (GError) error = NULL;
	gboolean truncated = TRUE;
	gsize total = 0;
	GStatBuf st;

	NEED_FIXTURE (m);
	g_assert_cmpint (g_stat (path, &st), ==, 0);
	g_assert_cmpint (m->size, ==, st.st_size);
	g_assert_cmpstr (m->subject, ==, "Subject");
	g_assert_cmpstr (m->from, ==, "Michael J Rubinsky <mrubinsk@horde.org>");
	g_assert_cmpstr (m->message_id, ==, "20140908102650.Horde.1eE5viMIP-X-AwWHvBqf6A9@h4.theupstairsroom.com");
	g_assert_cmpint (m->date, ==, 1410186410);	/* Mon, 08 Sep 2014 10:26:50 -0400 */
	g_assert_true (g_str_has_prefix (m->plain_type, "text/plain"));
	g_assert_null (m->html_type);
	g_assert_cmpuint (m->attachments->len, ==, 0);
	g_assert_true (g_str_has_prefix (m->preview, "Foo"));

	text = airdockd_mime_get_text (path, 0, &truncated, &total, &error);
	g_assert_no_error (error);
	g_assert_false (truncated);
	g_assert_cmpuint (total, ==, strlen (text));
	g_assert_true (g_str_has_prefix (text, "Foo"));
	g_assert_null (airdockd_mime_get_html (path, 0, NULL, NULL, &error));
	g_assert_error (error, AIRDOCKD_MIME_ERROR, AIRDOCKD_MIME_ERROR_NOT_FOUND);
}

static void
test_fixture_encodings (void)
{
	g_autoptr (AirdockdMimeInfo) enc = parse_fixture ("mime_encoding.eml");
	g_autoptr (AirdockdMimeInfo) idna = parse_fixture ("idna.eml");
	g_autoptr (AirdockdMimeInfo) ios = parse_fixture ("iOSMultipartAlternative.eml");

	NEED_FIXTURE (enc);
	/* =?utf-8?b?w4PDhMOjw6s=?= */
	g_assert_cmpstr (enc->subject, ==, "\xc3\x83\xc3\x84\xc3\xa3\xc3\xab");
	g_assert_nonnull (enc->plain_type);
	g_assert_nonnull (enc->html_type);
	/* =?iso-8859-1?Q?…f=FCr…?= folded over two encoded words */
	g_assert_nonnull (strstr (idna->subject, "f\xc3\xbcr das Schuljahr"));
	g_assert_true (g_utf8_validate (idna->preview, -1, NULL));
	g_assert_cmpstr (ios->subject, ==, "Testing");
	g_assert_nonnull (ios->plain_type);
	g_assert_nonnull (ios->html_type);
	g_assert_cmpuint (ios->attachments->len, ==, 0);
}

static void
test_fixture_attachments (void)
{
	g_autoptr (AirdockdMimeInfo) signed_att = parse_fixture ("signed_attachment.eml");
	g_autoptr (AirdockdMimeInfo) rfc822 = parse_fixture ("rfc822_multipart.eml");
	g_autoptr (AirdockdMimeInfo) invite = parse_fixture ("invitation_one.eml");
	g_autofree char *path = fixture ("signed_attachment.eml");
	g_autoptr (GError) error = NULL;
	g_autoptr (GOutputStream) mem = g_memory_output_stream_new_resizable ();
	AirdockdAttachment *png;
	gsize written = 0;
	const guint8 *data;

	NEED_FIXTURE (signed_att);
	g_assert_cmpuint (signed_att->attachments->len, ==, 2);
	png = signed_att->attachments->pdata[0];
	g_assert_cmpstr (png->content_type, ==, "image/png");
	g_assert_cmpstr (png->file_name, ==, "foxtrotjobs.png");
	g_assert_cmpstr (((AirdockdAttachment *) signed_att->attachments->pdata[1])->content_type, ==,
			 "application/pkcs7-signature");
	/* streamed bytes: a PNG of the listed size */
	g_assert_true (airdockd_mime_write_attachment (path, 0, mem, &written, NULL, &error));
	g_assert_no_error (error);
	g_assert_true (g_output_stream_close (mem, NULL, NULL));
	g_assert_cmpuint (written, ==, (gsize) png->size);
	g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (mem)), ==, written);
	data = g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (mem));
	g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
	g_assert_false (airdockd_mime_write_attachment (path, 2, mem, NULL, NULL, &error));
	g_assert_error (error, AIRDOCKD_MIME_ERROR, AIRDOCKD_MIME_ERROR_NOT_FOUND);

	/* a forwarded mail is one attachment; threading follows References */
	g_assert_cmpuint (rfc822->attachments->len, ==, 1);
	g_assert_cmpstr (((AirdockdAttachment *) rfc822->attachments->pdata[0])->content_type, ==, "message/rfc822");
	g_assert_cmpstr (rfc822->thread_id, !=, rfc822->message_id);
	g_assert_cmpuint (invite->attachments->len, ==, 2);
	g_assert_cmpuint (g_utf8_strlen (invite->preview, -1), <=, AIRDOCKD_MIME_PREVIEW_CHARS);
}

static void
test_fixture_all_parse (void)
{
	const char *shared = g_getenv ("AIRDOCK_SHARED");
	g_autofree char *dir_path = shared ? g_build_filename (shared, "fixtures", "eas", "horde", NULL) : NULL;
	g_autoptr (GDir) dir = dir_path ? g_dir_open (dir_path, 0, NULL) : NULL;
	const char *name;
	guint n = 0;

	if (dir == NULL) {
		g_test_skip ("fixtures/eas/horde not found (set AIRDOCK_SHARED)");
		return;
	}
	while ((name = g_dir_read_name (dir)) != NULL) {
		g_autofree char *path = NULL;
		g_autofree char *contents = NULL;
		g_autoptr (AirdockdMimeInfo) from_file = NULL;
		g_autoptr (AirdockdMimeInfo) from_data = NULL;
		gsize len = 0;

		if (!g_str_has_suffix (name, ".eml"))
			continue;
		path = g_build_filename (dir_path, name, NULL);
		from_file = airdockd_mime_parse_file (path, NULL);
		g_assert_nonnull (from_file);
		g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
		from_data = airdockd_mime_parse_data ((const guint8 *) contents, len, NULL);
		g_assert_nonnull (from_data);
		/* both paths see the same structure */
		g_assert_cmpstr (from_file->subject, ==, from_data->subject);
		g_assert_cmpstr (from_file->preview, ==, from_data->preview);
		g_assert_cmpuint (from_file->attachments->len, ==, from_data->attachments->len);
		g_assert_cmpint (from_file->size, ==, (gint64) len);
		for (guint i = 0; i < from_file->attachments->len; i++) {
			AirdockdAttachment *a = from_file->attachments->pdata[i];
			g_autoptr (GOutputStream) null = g_memory_output_stream_new_resizable ();
			gsize size = 0;
			g_assert_cmpuint (a->index, ==, i);
			g_assert_true (airdockd_mime_write_attachment (path, i, null, &size, NULL, NULL));
			g_assert_cmpint ((gint64) size, ==, a->size);
		}
		n++;
	}
	g_assert_cmpuint (n, >, 0);
}

/* ------------------------------------------------------------ generated */

static char *
write_tmp (const char *name, const char *contents)
{
	char *path = g_build_filename (tmp_dir, name, NULL);
	g_assert_true (g_file_set_contents (path, contents, -1, NULL));
	return path;
}

static void
test_alternative (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = write_tmp ("alt.eml",
		"From: =?ISO-8859-1?Q?J=F6rg?= <joerg@example.org>\r\n"
		"To: a@example.org, \"B, C\" <bc@example.org>\r\n"
		"Cc: d@example.org\r\n"
		"Reply-To: r@example.org\r\n"
		"Subject: =?UTF-8?B?4pyTIGRvbmU=?= and =?ISO-8859-1?Q?caf=E9?=\r\n"
		"Date: Sun, 01 Nov 2026 12:00:00 +0100\r\n"
		"Message-ID: <m2@example.org>\r\n"
		"In-Reply-To: <m1@example.org>\r\n"
		"X-Priority: 1 (Highest)\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
		"--alt\r\n"
		"Content-Type: text/plain; charset=ISO-8859-1\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
		"Gr=FC=DFe   aus\r\n\r\nK=F6ln=\r\n und mehr\r\n"
		"--alt\r\n"
		"Content-Type: text/html; charset=UTF-8\r\n\r\n"
		"<p>Gr\xc3\xbc\xc3\x9f" "e <b>aus</b> K\xc3\xb6ln</p>\r\n"
		"--alt--\r\n");
	g_autoptr (AirdockdMimeInfo) m = airdockd_mime_parse_file (path, &error);
	g_autofree char *text = NULL;
	g_autofree char *html = NULL;
	g_autofree char *cut = NULL;
	gboolean truncated = FALSE;
	gsize total = 0;

	g_assert_no_error (error);
	g_assert_cmpstr (m->from, ==, "J\xc3\xb6rg <joerg@example.org>");
	g_assert_nonnull (strstr (m->to, "bc@example.org"));
	g_assert_cmpstr (m->cc, ==, "d@example.org");
	g_assert_cmpstr (m->reply_to, ==, "r@example.org");
	g_assert_cmpstr (m->subject, ==, "\xe2\x9c\x93 done and caf\xc3\xa9");
	g_assert_cmpstr (m->thread_id, ==, "m1@example.org");
	g_assert_cmpint (m->importance, ==, AIRDOCKD_IMPORTANCE_HIGH);
	g_assert_cmpint (m->date, ==, 1793530800);
	g_assert_cmpstr (m->plain_type, ==, "text/plain; charset=ISO-8859-1");
	g_assert_cmpstr (m->html_type, ==, "text/html; charset=UTF-8");
	g_assert_cmpstr (m->preview, ==, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln und mehr");
	g_assert_cmpuint (m->attachments->len, ==, 0);

	text = airdockd_mime_get_text (path, 0, &truncated, &total, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (text, ==, "Gr\xc3\xbc\xc3\x9f" "e   aus\r\n\r\nK\xc3\xb6ln und mehr");	/* the last CRLF belongs to the boundary */
	g_assert_false (truncated);
	html = airdockd_mime_get_html (path, 0, NULL, NULL, &error);
	g_assert_no_error (error);
	g_assert_true (g_str_has_prefix (html, "<p>Gr"));
	/* a cut never splits a character: "Grü" is 4 bytes, 3 keeps "Gr" */
	cut = airdockd_mime_get_text (path, 3, &truncated, &total, &error);
	g_assert_cmpstr (cut, ==, "Gr");
	g_assert_true (truncated);
	g_assert_cmpuint (total, ==, strlen (text));
	g_clear_pointer (&cut, g_free);
	cut = airdockd_mime_get_text (path, 4, &truncated, NULL, &error);
	g_assert_cmpstr (cut, ==, "Gr\xc3\xbc");
	g_clear_pointer (&cut, g_free);
	cut = airdockd_mime_get_text (path, strlen (text), &truncated, NULL, &error);
	g_assert_cmpstr (cut, ==, text);
	g_assert_false (truncated);
}

static void
test_attachments (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *path = write_tmp ("att.eml",
		"Subject: files\r\n"
		"Importance: low\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
		"--m\r\n"
		"Content-Type: multipart/related; boundary=\"r\"\r\n\r\n"
		"--r\r\nContent-Type: text/html\r\n\r\n<img src=\"cid:logo@x\">\r\n"
		"--r\r\nContent-Type: image/gif\r\nContent-ID: <logo@x>\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\nR0lGODlhAQABAAAAACw=\r\n"
		"--r--\r\n"
		"--m\r\n"
		"Content-Type: application/pdf\r\n"
		"Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
		"--m\r\n"
		"Content-Type: text/plain; name=\"notes.txt\"\r\n"
		"Content-Disposition: attachment\r\n\r\njust text\r\n"
		"--m--\r\n");
	g_autoptr (AirdockdMimeInfo) m = airdockd_mime_parse_file (path, &error);
	AirdockdAttachment *gif, *pdf, *txt;
	g_autoptr (GOutputStream) mem = g_memory_output_stream_new_resizable ();
	gsize n = 0;

	g_assert_no_error (error);
	g_assert_cmpint (m->importance, ==, AIRDOCKD_IMPORTANCE_LOW);
	g_assert_null (m->plain_type);
	g_assert_cmpstr (m->html_type, ==, "text/html");
	g_assert_cmpuint (m->attachments->len, ==, 3);
	gif = m->attachments->pdata[0];
	pdf = m->attachments->pdata[1];
	txt = m->attachments->pdata[2];
	g_assert_cmpstr (gif->content_type, ==, "image/gif");
	g_assert_cmpstr (gif->content_id, ==, "logo@x");
	g_assert_true (gif->is_inline);
	g_assert_cmpint (gif->size, ==, 14);
	g_assert_cmpstr (pdf->file_name, ==, "r\xc3\xa9sum\xc3\xa9.pdf");
	g_assert_false (pdf->is_inline);
	g_assert_cmpint (pdf->size, ==, 9);
	g_assert_cmpstr (txt->file_name, ==, "notes.txt");
	g_assert_cmpstr (txt->content_type, ==, "text/plain");
	g_assert_true (airdockd_mime_write_attachment (path, 1, mem, &n, NULL, &error));
	g_assert_no_error (error);
	g_output_stream_close (mem, NULL, NULL);
	g_assert_cmpuint (n, ==, 9);
	g_assert_cmpmem (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (mem)), n, "%PDF-1.4\n", 9);
	/* an HTML-only message: preview from the HTML's text */
	g_assert_cmpstr (m->preview, ==, "");
}

static void
test_preview_limit (void)
{
	g_autoptr (GString) msg = g_string_new ("Subject: long\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
	g_autoptr (AirdockdMimeInfo) m = NULL;

	for (int i = 0; i < 300; i++)
		g_string_append (msg, "\xc3\xa9");	/* 300 two-byte characters */
	m = airdockd_mime_parse_data ((const guint8 *) msg->str, msg->len, NULL);
	g_assert_nonnull (m);
	g_assert_cmpuint (g_utf8_strlen (m->preview, -1), ==, AIRDOCKD_MIME_PREVIEW_CHARS);
	g_assert_true (g_utf8_validate (m->preview, -1, NULL));
}

static void
test_garbage (void)
{
	const char *inputs[] = { "", "\0\0\0", "no headers at all", "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n--x\r\n" };

	for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++) {
		g_autoptr (AirdockdMimeInfo) m = airdockd_mime_parse_data ((const guint8 *) inputs[i], strlen (inputs[i]), NULL);
		if (m != NULL)
			g_assert_nonnull (m->attachments);
	}
}


/* multipart/mixed holding k multipart/alternative children: 1 + k multipart headers */
static AirdockdMimeInfo *
parse_multiparts (guint k)
{
	g_autoptr (GString) msg = g_string_new ("Subject: many\r\nContent-Type: multipart/mixed; boundary=top\r\n\r\n");

	for (guint i = 0; i < k; i++)
		g_string_append_printf (msg, "--top\r\nContent-Type: multipart/alternative; boundary=a%u\r\n\r\n"
					"--a%u\r\nContent-Type: text/plain\r\n\r\npart %u\r\n--a%u--\r\n", i, i, i, i);
	g_string_append (msg, "--top--\r\n");
	return airdockd_mime_parse_data ((const guint8 *) msg->str, msg->len, NULL);
}

static void
test_multipart_limit (void)
{
	g_autoptr (AirdockdMimeInfo) at = parse_multiparts (AIRDOCKD_MIME_MAX_MULTIPARTS - 1);
	g_autoptr (AirdockdMimeInfo) over = parse_multiparts (AIRDOCKD_MIME_MAX_MULTIPARTS);

	/* N multipart headers: fully parsed; the first text is the body, the rest attachments */
	g_assert_cmpstr (at->subject, ==, "many");
	g_assert_nonnull (at->plain_type);
	g_assert_cmpuint (at->attachments->len, ==, AIRDOCKD_MIME_MAX_MULTIPARTS - 2);
	/* N+1: top-level headers only, still a deliverable message */
	g_assert_cmpstr (over->subject, ==, "many");
	g_assert_null (over->plain_type);
	g_assert_cmpuint (over->attachments->len, ==, 0);
}


/* k nested multiparts around one text/plain leaf: the leaf sits at depth k */
static AirdockdMimeInfo *
parse_nested (guint k)
{
	g_autoptr (GString) msg = g_string_new ("Subject: nested\r\n");

	for (guint i = 0; i < k; i++)
		g_string_append_printf (msg, "Content-Type: multipart/mixed; boundary=n%u\r\n\r\n--n%u\r\n", i, i);
	g_string_append (msg, "Content-Type: text/plain\r\n\r\nleaf\r\n");
	for (guint i = k; i > 0; i--)
		g_string_append_printf (msg, "--n%u--\r\n", i - 1);
	return airdockd_mime_parse_data ((const guint8 *) msg->str, msg->len, NULL);
}

/* one multipart/mixed with n attachment leaves */
static AirdockdMimeInfo *
parse_leaves (guint n)
{
	g_autoptr (GString) msg = g_string_new ("Subject: leaves\r\nContent-Type: multipart/mixed; boundary=l\r\n\r\n");

	for (guint i = 0; i < n; i++)
		g_string_append_printf (msg, "--l\r\nContent-Type: application/octet-stream\r\n\r\n%u\r\n", i);
	g_string_append (msg, "--l--\r\n");
	return airdockd_mime_parse_data ((const guint8 *) msg->str, msg->len, NULL);
}

static void
test_depth_and_parts_limits (void)
{
	g_autoptr (AirdockdMimeInfo) depth_n = parse_nested (AIRDOCKD_MIME_MAX_DEPTH);
	g_autoptr (AirdockdMimeInfo) depth_n1 = parse_nested (AIRDOCKD_MIME_MAX_DEPTH + 1);
	g_autoptr (AirdockdMimeInfo) parts_n = parse_leaves (AIRDOCKD_MIME_MAX_PARTS);
	g_autoptr (AirdockdMimeInfo) parts_n1 = parse_leaves (AIRDOCKD_MIME_MAX_PARTS + 1);

	g_assert_nonnull (depth_n->plain_type);
	g_assert_cmpstr (depth_n->preview, ==, "leaf");
	g_assert_null (depth_n1->plain_type);	/* deeper parts are ignored */
	g_assert_cmpstr (depth_n1->subject, ==, "nested");
	g_assert_cmpuint (parts_n->attachments->len, ==, AIRDOCKD_MIME_MAX_PARTS);
	g_assert_cmpuint (parts_n1->attachments->len, ==, AIRDOCKD_MIME_MAX_PARTS);
}

static gsize
rss_bytes (void)
{
	g_autofree char *statm = NULL;
	g_auto (GStrv) f = NULL;
	guint64 pages = 0;

	g_assert_true (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL));
	f = g_strsplit (statm, " ", -1);
	g_assert_true (g_ascii_string_to_unsigned (f[1], 10, 0, G_MAXUINT64, &pages, NULL));
	return pages * (gsize) sysconf (_SC_PAGESIZE);
}

#define BIG (20 * 1024 * 1024)

static void
test_large_attachment (void)
{
	g_autofree char *path = g_build_filename (tmp_dir, "big.eml", NULL);
	g_autofree char *out_path = g_build_filename (tmp_dir, "big.out", NULL);
	g_autoptr (GChecksum) want = g_checksum_new (G_CHECKSUM_SHA256);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdMimeInfo) m = NULL;
	g_autoptr (GOutputStream) out = NULL;
	FILE *fp = fopen (path, "w");
	guint8 block[57 * 1024];
	char enc[sizeof block * 2];
	guint32 seed = 1;
	gsize n = 0, rss_before, rss_after;
	int fd;

	g_assert_nonnull (fp);
	fputs ("Subject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	       "Content-Type: text/plain\r\n\r\nsee attachment\r\n--b\r\n"
	       "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=big.bin\r\n"
	       "Content-Transfer-Encoding: base64\r\n\r\n", fp);
	for (gsize done = 0; done < BIG; done += sizeof block) {
		gint state = 0, save = 0;
		gsize len;
		for (gsize i = 0; i < sizeof block; i++) {
			seed = seed * 1103515245u + 12345u;
			block[i] = (guint8) (seed >> 16);
		}
		len = MIN (sizeof block, BIG - done);
		g_checksum_update (want, block, len);
		/* 57-byte groups make whole 76-char lines */
		for (gsize off = 0; off < len; off += 57) {
			gsize k = g_base64_encode_step (block + off, MIN (57, len - off), FALSE, enc, &state, &save);
			k += g_base64_encode_close (FALSE, enc + k, &state, &save);
			fwrite (enc, 1, k, fp);
			fputs ("\r\n", fp);
		}
	}
	fputs ("--b--\r\n", fp);
	g_assert_cmpint (fclose (fp), ==, 0);

	rss_before = rss_bytes ();
	m = airdockd_mime_parse_file (path, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (m->attachments->len, ==, 1);
	g_assert_cmpint (((AirdockdAttachment *) m->attachments->pdata[0])->size, ==, BIG);
	fd = open (out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	out = g_unix_output_stream_new (fd, TRUE);
	g_assert_true (airdockd_mime_write_attachment (path, 0, out, &n, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpuint (n, ==, BIG);
	rss_after = rss_bytes ();
#ifndef __SANITIZE_ADDRESS__
	/* streaming: far less than the 20 MB attachment (ASan's quarantine skews RSS) */
	g_assert_cmpuint (rss_after, <, rss_before + 8 * 1024 * 1024);
#endif
	g_test_message ("RSS before %" G_GSIZE_FORMAT " KiB, after %" G_GSIZE_FORMAT " KiB",
			rss_before / 1024, rss_after / 1024);
	g_output_stream_close (out, NULL, NULL);
	{
		g_autofree char *got = NULL;
		gsize len = 0;
		g_autofree char *got_sum = NULL;
		g_assert_true (g_file_get_contents (out_path, &got, &len, NULL));
		g_assert_cmpuint (len, ==, BIG);
		got_sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) got, len);
		g_assert_cmpstr (got_sum, ==, g_checksum_get_string (want));
	}
	g_unlink (path);
	g_unlink (out_path);
}

int
main (int argc, char **argv)
{
	int ret;

	g_test_init (&argc, &argv, NULL);
	tmp_dir = g_dir_make_tmp ("test-mime-XXXXXX", NULL);

	g_test_add_func ("/mime/fixture/plain", test_fixture_plain);
	g_test_add_func ("/mime/fixture/encodings", test_fixture_encodings);
	g_test_add_func ("/mime/fixture/attachments", test_fixture_attachments);
	g_test_add_func ("/mime/fixture/all-parse", test_fixture_all_parse);
	g_test_add_func ("/mime/generated/alternative", test_alternative);
	g_test_add_func ("/mime/generated/attachments", test_attachments);
	g_test_add_func ("/mime/generated/preview-limit", test_preview_limit);
	g_test_add_func ("/mime/generated/garbage", test_garbage);
	g_test_add_func ("/mime/generated/multipart-limit", test_multipart_limit);
	g_test_add_func ("/mime/generated/depth-and-parts-limits", test_depth_and_parts_limits);
	g_test_add_func ("/mime/generated/large-attachment", test_large_attachment);

	ret = g_test_run ();
	{
		g_autoptr (GDir) dir = g_dir_open (tmp_dir, 0, NULL);
		const char *name;
		while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
			g_autofree char *p = g_build_filename (tmp_dir, name, NULL);
			g_unlink (p);
		}
		g_rmdir (tmp_dir);
		g_free (tmp_dir);
	}
	return ret;
}
