/* test-gal.c — the imported directory against the real airdockd:
 * `airdockctl gal import` of CSV and vCard, GAL Search by prefix over
 * 10,000 entries (exact Totals, clamped Ranges over accounts and
 * directory, "%" and "_" as text), re-import without duplicates, bad CSV lines reported by
 * number, ResolveRecipients certificates, Autodiscover's outlook schema. */
#include "config.h"

#include <string.h>

#include "eas/eas-find.h"
#include "eas/eas-resolve.h"
#include "eas/eas-search.h"
#include "server/airdockd-gal.h"
#include "tests/server/eas-client.h"

#define USER "alice"
#define EMAIL "alice@example.org"
#define PASSWORD "s3cret-alice"

typedef struct {
	AirdockHarness *h;
	AirdockEasClient *c;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	f->h = airdock_harness_start (NULL);
	airdock_harness_add_user (f->h, USER, EMAIL, PASSWORD);
	f->c = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "GALDEV1", "TestPhone", 141);
	g_assert_true (airdock_eas_client_provision (f->c, NULL, &error));
	g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_clear_pointer (&f->c, airdock_eas_client_free);
	g_clear_pointer (&f->h, airdock_harness_free);
}

/* Writes text to dir/name and runs `airdockctl --data-dir D gal import` on
 * it; returns the exit status, stdout and stderr. */
static int
ctl (Fixture *f, const char *const *args, char **out_stdout, char **out_stderr)
{
	g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	int status = 0;

	g_ptr_array_add (argv, airdock_harness_build_path ("server/airdockctl"));
	g_ptr_array_add (argv, g_strdup ("--data-dir"));
	g_ptr_array_add (argv, g_strdup (f->h->data_dir));
	g_ptr_array_add (argv, g_strdup ("gal"));
	for (guint i = 0; args[i] != NULL; i++)
		g_ptr_array_add (argv, g_strdup (args[i]));
	g_ptr_array_add (argv, NULL);
	g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
	                             out_stdout, out_stderr, &status, &error));
	g_assert_no_error (error);
	return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

static int
import (Fixture *f, const char *name, const char *text, char **out_stdout, char **out_stderr)
{
	g_autofree char *path = g_build_filename (f->h->dir, name, NULL);
	const char *args[] = { "import", path, NULL };
	g_autoptr (GError) error = NULL;

	g_assert_true (g_file_set_contents (path, text, -1, &error));
	g_assert_no_error (error);
	return ctl (f, args, out_stdout, out_stderr);
}

static AirdockEasResponse *
post (Fixture *f, EasCommand cmd, EasNode *root)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) owned = root;
	AirdockEasResponse *r = airdock_eas_client_post_tree (f->c, cmd, owned, &error);

	g_assert_no_error (error);
	g_assert_cmpuint (r->http_status, ==, 200);
	g_assert_nonnull (r->tree);
	return r;
}

/* GAL Search: the Store, with Total checked. */
static AirdockEasResponse *
gal_search (Fixture *f, const char *text, const char *range, const char *total)
{
	EasNode *root = eas_node_new (EAS_SEARCH_SEARCH);
	EasNode *store = eas_node_append (root, EAS_SEARCH_STORE);
	AirdockEasResponse *r;
	const EasNode *s;

	eas_node_append_text (store, EAS_SEARCH_NAME, "GAL");
	eas_node_append_text (store, EAS_SEARCH_QUERY, text);
	eas_node_append_text (eas_node_append (store, EAS_SEARCH_OPTIONS), EAS_SEARCH_RANGE, range);
	r = post (f, EAS_CMD_SEARCH, root);
	s = eas_node_path (r->tree, EAS_SEARCH_RESPONSE, EAS_SEARCH_STORE, 0);
	g_assert_nonnull (s);
	g_assert_cmpstr (eas_node_child_text (s, EAS_SEARCH_STATUS), ==, "1");
	g_assert_cmpstr (eas_node_child_text (s, EAS_SEARCH_TOTAL), ==, total);
	return r;
}

static const EasNode *
first_props (const AirdockEasResponse *r)
{
	const EasNode *s = eas_node_path (r->tree, EAS_SEARCH_RESPONSE, EAS_SEARCH_STORE, 0);

	return eas_node_path (s, EAS_SEARCH_RESULT, EAS_SEARCH_PROPERTIES, 0);
}

/* Email addresses of the results, comma-separated, and the Range. */
static char *
gal_emails (const AirdockEasResponse *r, char **out_range)
{
	const EasNode *s = eas_node_path (r->tree, EAS_SEARCH_RESPONSE, EAS_SEARCH_STORE, 0);
	g_autoptr (GString) out = g_string_new (NULL);

	for (const EasNode *res = eas_node_child (s, EAS_SEARCH_RESULT); res != NULL; res = eas_node_next_same (res)) {
		const EasNode *props = eas_node_child (res, EAS_SEARCH_PROPERTIES);
		if (props == NULL)
			continue;
		if (out->len > 0)
			g_string_append_c (out, ',');
		g_string_append (out, eas_node_child_text (props, EAS_GAL_EMAIL_ADDRESS));
	}
	*out_range = g_strdup (eas_node_child_text (s, EAS_SEARCH_RANGE));
	return g_string_free (g_steal_pointer (&out), FALSE);
}

static guint
count_commas (const char *s)
{
	guint n = 0;

	for (; *s != '\0'; s++)
		n += *s == ',';
	return n;
}

/* Find (16.1) pages the same way: the last window of 10,000 matches. */
static void
find_page_checks (Fixture *f)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasClient) c = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "GALFIND2", "TestPhone", 161);
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (EasNode) root = eas_node_new (EAS_FIND_FIND);
	EasNode *crit;
	const EasNode *resp, *res;
	guint n = 0;

	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
	eas_node_append_text (root, EAS_FIND_SEARCH_ID, "8A5E1C2D-0000-4000-8000-000000000003");
	crit = eas_node_append (eas_node_append (root, EAS_FIND_EXECUTE_SEARCH), EAS_FIND_GAL_SEARCH_CRITERION);
	eas_node_append_text (eas_node_append (crit, EAS_FIND_QUERY), EAS_FIND_FREE_TEXT, "person");
	eas_node_append_text (eas_node_append (crit, EAS_FIND_OPTIONS), EAS_FIND_RANGE, "9990-9999");
	r = airdock_eas_client_post_tree (c, EAS_CMD_FIND, root, &error);
	g_assert_no_error (error);
	resp = eas_node_child (r->tree, EAS_FIND_RESPONSE);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_FIND_TOTAL), ==, "10000");
	g_assert_cmpstr (eas_node_child_text (resp, EAS_FIND_RANGE), ==, "9990-9999");
	for (res = eas_node_child (resp, EAS_FIND_RESULT); res != NULL; res = eas_node_next_same (res))
		n++;
	g_assert_cmpuint (n, ==, 10);
	g_assert_cmpstr (eas_node_child_text (eas_node_path (resp, EAS_FIND_RESULT, EAS_FIND_PROPERTIES, 0),
	                                      EAS_GAL_EMAIL_ADDRESS), ==, "person09990@corp.example");
}

/* Over the 10,000 entries: the Total counts every match, Ranges are
 * windows on them clamped to the matches and to 100 per response, "%" and
 * "_" are characters. */
static void
page_checks (Fixture *f)
{
	g_autoptr (AirdockEasResponse) all = gal_search (f, "PERSON", "9995-10100", "10000");
	g_autoptr (AirdockEasResponse) wide = gal_search (f, "person", "0-500", "10000");
	g_autoptr (AirdockEasResponse) past = gal_search (f, "person", "20000-20009", "10000");
	g_autoptr (AirdockEasResponse) first = gal_search (f, "first123", "0-99", "11");
	g_autoptr (AirdockEasResponse) pct = gal_search (f, "%", "0-9", "0");
	g_autoptr (AirdockEasResponse) under = gal_search (f, "person_", "0-9", "0");
	g_autoptr (AirdockEasResponse) under2 = gal_search (f, "_erson", "0-9", "0");
	g_autofree char *tail = NULL, *tail_range = NULL, *w = NULL, *w_range = NULL;
	g_autofree char *none = NULL, *none_range = NULL, *fst = NULL, *fst_range = NULL;

	tail = gal_emails (all, &tail_range);
	g_assert_cmpstr (tail_range, ==, "9995-9999");
	g_assert_cmpstr (tail, ==, "person09995@corp.example,person09996@corp.example,person09997@corp.example,"
	                 "person09998@corp.example,person09999@corp.example");
	w = gal_emails (wide, &w_range);
	g_assert_cmpstr (w_range, ==, "0-99");
	g_assert_cmpuint (count_commas (w), ==, 99);
	none = gal_emails (past, &none_range);
	g_assert_null (none_range);
	g_assert_cmpstr (none, ==, "");
	fst = gal_emails (first, &fst_range);
	g_assert_cmpstr (fst_range, ==, "0-10");
	g_assert_true (g_str_has_prefix (fst, "person00123@corp.example,person01230@corp.example,"));
	find_page_checks (f);
}

/* Accounts come first, the directory after them, one Range over both. */
static void
mixed_pages (Fixture *f)
{
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr (AirdockEasResponse) a = NULL;
	g_autoptr (AirdockEasResponse) b = NULL;
	g_autoptr (AirdockEasResponse) both = NULL;
	g_autofree char *ea = NULL, *ra = NULL, *eb = NULL, *rb = NULL, *e2 = NULL, *r2 = NULL;

	g_assert_cmpint (import (f, "al.csv", "email,display name\nalbert@corp.example,Albert A\n"
	                         "alma@corp.example,Alma B\n", &out, &err), ==, 0);
	a = gal_search (f, "al", "0-0", "3");
	b = gal_search (f, "al", "1-1", "3");
	both = gal_search (f, "AL", "0-5", "3");
	ea = gal_emails (a, &ra);
	eb = gal_emails (b, &rb);
	e2 = gal_emails (both, &r2);
	g_assert_cmpstr (ea, ==, "alice@example.org");
	g_assert_cmpstr (ra, ==, "0-0");
	g_assert_cmpstr (eb, ==, "albert@corp.example");
	g_assert_cmpstr (rb, ==, "1-1");
	g_assert_cmpstr (e2, ==, "alice@example.org,albert@corp.example,alma@corp.example");
	g_assert_cmpstr (r2, ==, "0-2");
}

static void
test_csv_search (Fixture *f, gconstpointer data)
{
	g_autoptr (GString) csv = g_string_new ("Email,Display Name,First Name,Last Name,Phone,Office,Title,Company,Alias\r\n");
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (AirdockEasResponse) r2 = NULL;
	g_autoptr (AirdockEasResponse) r3 = NULL;
	const EasNode *p;

	for (guint i = 0; i < 10000; i++)
		g_string_append_printf (csv, "person%05u@corp.example,\"Person %05u, Jr.\",First%u,Last%u,"
		                        "+1 555 %04u,B%u,Engineer,Corp,p%u\r\n", i, i, i, i, i % 10000, i % 7, i);
	g_assert_cmpint (import (f, "dir.csv", csv->str, &out, &err), ==, 0);
	g_assert_nonnull (strstr (out, "imported 10000 entries (0 replaced), 0 skipped"));

	r = gal_search (f, "person0012", "0-9", "10");
	p = first_props (r);
	g_assert_cmpstr (eas_node_child_text (p, EAS_GAL_DISPLAY_NAME), ==, "Person 00120, Jr.");
	g_assert_cmpstr (eas_node_child_text (p, EAS_GAL_EMAIL_ADDRESS), ==, "person00120@corp.example");
	g_assert_cmpstr (eas_node_child_text (p, EAS_GAL_FIRST_NAME), ==, "First120");
	g_assert_cmpstr (eas_node_child_text (p, EAS_GAL_LAST_NAME), ==, "Last120");
	g_assert_cmpstr (eas_node_child_text (p, EAS_GAL_PHONE), ==, "+1 555 0120");
	g_assert_cmpstr (eas_node_child_text (p, EAS_GAL_TITLE), ==, "Engineer");
	g_assert_cmpstr (eas_node_child_text (p, EAS_GAL_COMPANY), ==, "Corp");
	g_assert_cmpstr (eas_node_child_text (p, EAS_GAL_ALIAS), ==, "p120");
	/* By last name, case-insensitive; accounts and imported entries together. */
	r2 = gal_search (f, "LAST9999", "0-9", "1");
	r3 = gal_search (f, "al", "0-9", "1");	/* alice only */
	g_clear_pointer (&r3, airdock_eas_response_free);
	r3 = gal_search (f, "zz", "0-9", "0");

	page_checks (f);

	/* Re-import replaces by address. */
	g_clear_pointer (&out, g_free);
	g_clear_pointer (&err, g_free);
	g_assert_cmpint (import (f, "again.csv", "email,display name\nPERSON00001@corp.example,Renamed\n",
	                         &out, &err), ==, 0);
	g_assert_nonnull (strstr (out, "imported 1 entries (1 replaced)"));
	g_clear_pointer (&r3, airdock_eas_response_free);
	r3 = gal_search (f, "person00001", "0-9", "1");
	g_assert_cmpstr (eas_node_child_text (first_props (r3), EAS_GAL_DISPLAY_NAME), ==, "Renamed");
	mixed_pages (f);
}

static void
test_csv_bad_line (Fixture *f, gconstpointer data)
{
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;

	g_assert_cmpint (import (f, "bad.csv", "email,name\n"
	                         "ok1@x.example,One\n"
	                         "bad@x.example,\"unterminated\"x\n"
	                         "ok2@x.example,Two,extra\n"
	                         "ok3@x.example,Three\n", &out, &err), ==, 0);
	g_assert_nonnull (strstr (err, "line 3:"));
	g_assert_nonnull (strstr (err, "line 4:"));
	g_assert_nonnull (strstr (out, "imported 2 entries (0 replaced), 2 skipped"));
	r = gal_search (f, "ok", "0-9", "2");
	g_clear_pointer (&out, g_free);
	g_clear_pointer (&err, g_free);
	{
		const char *args[] = { "clear", NULL };
		g_assert_cmpint (ctl (f, args, &out, &err), ==, 0);
		g_assert_nonnull (strstr (out, "removed 2 entries"));
	}
	g_clear_pointer (&r, airdock_eas_response_free);
	r = gal_search (f, "ok", "0-9", "0");
}

/* ResolveRecipients for to with CertificateRetrieval retrieval: the
 * Recipient. */
static AirdockEasResponse *
resolve (Fixture *f, const char *to, const char *retrieval)
{
	EasNode *root = eas_node_new (EAS_RESOLVERECIPIENTS_RESOLVE_RECIPIENTS);
	EasNode *options;

	eas_node_append_text (root, EAS_RESOLVERECIPIENTS_TO, to);
	options = eas_node_append (root, EAS_RESOLVERECIPIENTS_OPTIONS);
	eas_node_append_text (options, EAS_RESOLVERECIPIENTS_CERTIFICATE_RETRIEVAL, retrieval);
	return post (f, EAS_CMD_RESOLVE_RECIPIENTS, root);
}

static void
test_vcard_certificate (Fixture *f, gconstpointer data)
{
	/* A real X.509 certificate: the server's own. */
	g_autoptr (GBytes) der = airdock_harness_certificate_der (f->h);
	g_autofree char *b64 = g_base64_encode (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
	g_autofree char *vcf = g_strdup_printf ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Carol Cert\r\n"
	                                        "N:Cert;Carol;;;\r\nEMAIL:carol@partner.example\r\n"
	                                        "TITLE:CISO\r\nORG:Partner Inc\r\n"
	                                        "KEY;ENCODING=b;TYPE=X509:%s\r\nEND:VCARD\r\n"
	                                        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dave Plain\r\n"
	                                        "EMAIL:dave@partner.example\r\nEND:VCARD\r\n", b64);
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;
	g_autoptr (AirdockEasResponse) r2 = NULL;
	g_autoptr (AirdockEasResponse) s = NULL;
	const EasNode *rec, *certs;

	g_assert_cmpint (import (f, "people.vcf", vcf, &out, &err), ==, 0);
	g_assert_nonnull (strstr (out, "imported 2 entries"));
	r = resolve (f, "Carol <carol@partner.example>", "2");
	g_assert_cmpstr (eas_node_child_text (r->tree, EAS_RESOLVERECIPIENTS_STATUS), ==, "1");
	rec = eas_node_path (r->tree, EAS_RESOLVERECIPIENTS_RESPONSE, EAS_RESOLVERECIPIENTS_RECIPIENT, 0);
	g_assert_nonnull (rec);
	g_assert_cmpstr (eas_node_child_text (rec, EAS_RESOLVERECIPIENTS_DISPLAY_NAME), ==, "Carol Cert");
	certs = eas_node_child (rec, EAS_RESOLVERECIPIENTS_CERTIFICATES);
	g_assert_nonnull (certs);
	g_assert_cmpstr (eas_node_child_text (certs, EAS_RESOLVERECIPIENTS_STATUS), ==, "1");
	g_assert_cmpstr (eas_node_child_text (certs, EAS_RESOLVERECIPIENTS_CERTIFICATE_COUNT), ==, "1");
	g_assert_cmpstr (eas_node_child_text (certs, EAS_RESOLVERECIPIENTS_RECIPIENT_COUNT), ==, "1");
	g_assert_cmpstr (eas_node_child_text (certs, EAS_RESOLVERECIPIENTS_CERTIFICATE), ==, b64);

	/* By prefix, one match: resolved, with the certificate. */
	r2 = resolve (f, "dave", "2");
	rec = eas_node_path (r2->tree, EAS_RESOLVERECIPIENTS_RESPONSE, EAS_RESOLVERECIPIENTS_RECIPIENT, 0);
	g_assert_cmpstr (eas_node_child_text (rec, EAS_RESOLVERECIPIENTS_EMAIL_ADDRESS), ==, "dave@partner.example");
	certs = eas_node_child (rec, EAS_RESOLVERECIPIENTS_CERTIFICATES);
	g_assert_cmpstr (eas_node_child_text (certs, EAS_RESOLVERECIPIENTS_STATUS), ==, "7");
	g_assert_cmpstr (eas_node_child_text (certs, EAS_RESOLVERECIPIENTS_CERTIFICATE_COUNT), ==, "0");

	s = gal_search (f, "carol", "0-9", "1");
	g_assert_cmpstr (eas_node_child_text (first_props (s), EAS_GAL_TITLE), ==, "CISO");
	g_assert_cmpstr (eas_node_child_text (first_props (s), EAS_GAL_COMPANY), ==, "Partner Inc");
	g_assert_cmpstr (eas_node_child_text (first_props (s), EAS_GAL_LAST_NAME), ==, "Cert");
}

/* GAL Search asking for pictures: Picture with MaxSize/MaxPictures when
 * not NULL. */
static AirdockEasResponse *
picture_search (Fixture *f, const char *text, const char *max_size, const char *max_pictures)
{
	EasNode *root = eas_node_new (EAS_SEARCH_SEARCH);
	EasNode *store = eas_node_append (root, EAS_SEARCH_STORE);
	EasNode *options, *pic;

	eas_node_append_text (store, EAS_SEARCH_NAME, "GAL");
	eas_node_append_text (store, EAS_SEARCH_QUERY, text);
	options = eas_node_append (store, EAS_SEARCH_OPTIONS);
	eas_node_append_text (options, EAS_SEARCH_RANGE, "0-9");
	pic = eas_node_append (options, EAS_SEARCH_PICTURE);
	if (max_size != NULL)
		eas_node_append_text (pic, EAS_SEARCH_MAX_SIZE, max_size);
	if (max_pictures != NULL)
		eas_node_append_text (pic, EAS_SEARCH_MAX_PICTURES, max_pictures);
	return post (f, EAS_CMD_SEARCH, root);
}

/* "status" or "status:DATA" per result, comma-separated. */
static char *
picture_statuses (const AirdockEasResponse *r)
{
	const EasNode *s = eas_node_path (r->tree, EAS_SEARCH_RESPONSE, EAS_SEARCH_STORE, 0);
	g_autoptr (GString) out = g_string_new (NULL);

	g_assert_cmpstr (eas_node_child_text (s, EAS_SEARCH_STATUS), ==, "1");
	for (const EasNode *res = eas_node_child (s, EAS_SEARCH_RESULT); res != NULL; res = eas_node_next_same (res)) {
		const EasNode *pic = eas_node_path (res, EAS_SEARCH_PROPERTIES, EAS_GAL_PICTURE, 0);
		const char *data;

		g_assert_nonnull (pic);
		if (out->len > 0)
			g_string_append_c (out, ',');
		g_string_append (out, eas_node_child_text (pic, EAS_GAL_STATUS));
		data = eas_node_child_text (pic, EAS_GAL_DATA);
		if (data != NULL)
			g_string_append_printf (out, ":%s", data);
	}
	return g_string_free (g_steal_pointer (&out), FALSE);
}

/* vCard PHOTO comes back as GAL Picture Data, within MaxSize and
 * MaxPictures; entries without one (and accounts) get 173. */
static void
test_pictures (Fixture *f, gconstpointer data)
{
	guint8 small[60], large[2000];
	g_autofree guint8 *huge = g_malloc0 (AIRDOCKD_GAL_MAX_PHOTO_BYTES + 1);
	g_autofree char *b_small = NULL, *b_large = NULL, *b_huge = NULL, *vcf = NULL;
	g_autofree char *out = NULL, *err = NULL;
	g_autofree char *all = NULL, *sized = NULL, *counted = NULL, *acct = NULL, *want = NULL;
	g_autoptr (AirdockEasResponse) r1 = NULL;
	g_autoptr (AirdockEasResponse) r2 = NULL;
	g_autoptr (AirdockEasResponse) r3 = NULL;
	g_autoptr (AirdockEasResponse) r4 = NULL;
	g_autoptr (AirdockEasResponse) plain = NULL;

	for (guint i = 0; i < sizeof small; i++)
		small[i] = (guint8) (i * 7);
	for (guint i = 0; i < sizeof large; i++)
		large[i] = (guint8) (i * 13);
	b_small = g_base64_encode (small, sizeof small);
	b_large = g_base64_encode (large, sizeof large);
	b_huge = g_base64_encode (huge, AIRDOCKD_GAL_MAX_PHOTO_BYTES + 1);
	vcf = g_strdup_printf ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Photo Pat\r\nEMAIL:pat@photo.example\r\n"
	                       "PHOTO;ENCODING=b;TYPE=JPEG:%s\r\nEND:VCARD\r\n"
	                       "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Photo Pia\r\nEMAIL:pia@photo.example\r\n"
	                       "PHOTO:data:image/png;base64,%s\r\nEND:VCARD\r\n"
	                       "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Photo Pip\r\nEMAIL:pip@photo.example\r\n"
	                       "PHOTO;ENCODING=b;TYPE=JPEG:%s\r\nEND:VCARD\r\n"
	                       "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Photo Pol\r\nEMAIL:pol@photo.example\r\n"
	                       "END:VCARD\r\n", b_small, b_large, b_huge);
	g_assert_cmpint (import (f, "photos.vcf", vcf, &out, &err), ==, 0);
	g_assert_nonnull (strstr (out, "imported 4 entries"));
	g_assert_nonnull (strstr (err, "line 13: PHOTO left out"));

	r1 = picture_search (f, "photo", NULL, NULL);
	all = picture_statuses (r1);
	want = g_strdup_printf ("1:%s,1:%s,173,173", b_small, b_large);
	g_assert_cmpstr (all, ==, want);
	g_free (want);
	r2 = picture_search (f, "photo", "1999", NULL);
	sized = picture_statuses (r2);
	want = g_strdup_printf ("1:%s,174,173,173", b_small);
	g_assert_cmpstr (sized, ==, want);
	g_free (want);
	r3 = picture_search (f, "photo", NULL, "1");
	counted = picture_statuses (r3);
	want = g_strdup_printf ("1:%s,175,173,173", b_small);
	g_assert_cmpstr (counted, ==, want);
	r4 = picture_search (f, "alice", NULL, NULL);
	acct = picture_statuses (r4);
	g_assert_cmpstr (acct, ==, "173");
	/* Not asked: no Picture element. */
	plain = gal_search (f, "photo", "0-9", "4");
	g_assert_null (eas_node_child (first_props (plain), EAS_GAL_PICTURE));
}

/* Find (16.1) GAL returns imported entries too, with their fields. */
static void
test_find (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasClient) c = airdock_eas_client_new (f->h, FALSE, USER, PASSWORD, "GALFIND1", "TestPhone", 161);
	g_autofree char *out = NULL, *err = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;
	EasNode *root = eas_node_new (EAS_FIND_FIND);
	EasNode *crit, *query;
	const EasNode *resp, *props;

	g_assert_true (airdock_eas_client_provision (c, NULL, &error));
	g_assert_no_error (error);
	g_assert_cmpint (import (f, "find.csv", "Email,Display Name,Office,Title\n"
	                         "erin@partner.example,Erin Example,Room 4,Buyer\n", &out, &err), ==, 0);
	eas_node_append_text (root, EAS_FIND_SEARCH_ID, "8A5E1C2D-0000-4000-8000-000000000002");
	crit = eas_node_append (eas_node_append (root, EAS_FIND_EXECUTE_SEARCH), EAS_FIND_GAL_SEARCH_CRITERION);
	query = eas_node_append (crit, EAS_FIND_QUERY);
	eas_node_append_text (query, EAS_FIND_FREE_TEXT, "Erin Ex");
	eas_node_append_text (eas_node_append (crit, EAS_FIND_OPTIONS), EAS_FIND_RANGE, "0-9");
	r = airdock_eas_client_post_tree (c, EAS_CMD_FIND, root, &error);
	eas_node_free (root);
	g_assert_no_error (error);
	resp = eas_node_child (r->tree, EAS_FIND_RESPONSE);
	g_assert_cmpstr (eas_node_child_text (resp, EAS_FIND_TOTAL), ==, "1");
	props = eas_node_path (resp, EAS_FIND_RESULT, EAS_FIND_PROPERTIES, 0);
	g_assert_cmpstr (eas_node_child_text (props, EAS_GAL_DISPLAY_NAME), ==, "Erin Example");
	g_assert_cmpstr (eas_node_child_text (props, EAS_GAL_OFFICE), ==, "Room 4");
	g_assert_cmpstr (eas_node_child_text (props, EAS_GAL_TITLE), ==, "Buyer");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/gal/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
	ADD ("csv-search", test_csv_search);
	ADD ("csv-bad-line", test_csv_bad_line);
	ADD ("vcard-certificate", test_vcard_certificate);
	ADD ("find", test_find);
	ADD ("pictures", test_pictures);
	return g_test_run ();
}
