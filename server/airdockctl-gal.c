/* airdockctl-gal.c — `airdockctl gal import FILE.vcf|FILE.csv`, `gal list`,
 * `gal clear`: the imported directory (airdockd-gal.h).
 *
 * vCard: one or more cards; FN, N, EMAIL, TEL, TITLE, ORG, X-OFFICE (or
 * ROLE), NICKNAME (alias), KEY (base64 DER X.509 certificate) and PHOTO
 * (base64 or a data: URI; the GAL Picture).  CSV: a
 * header naming the columns (email, display name, first name, last name,
 * phone, office, title, company, alias, certificate; spaces, '_' and case
 * ignored).  A bad card or line is reported (with its line) and skipped.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "eas/eas-csv.h"
#include "eas/eas-vcard.h"
#include "server/airdockctl-gal.h"
#include "server/airdockd-config.h"
#include "server/airdockd-gal.h"

#define EXIT_USAGE 2
/* An import file at most: the CSV parser's own limit. */
#define GAL_MAX_FILE_BYTES EAS_CSV_DEFAULT_TOTAL_BYTES

static char *opt_config = NULL;
static char *opt_data_dir = NULL;

static const GOptionEntry entries[] = {
	{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config, "airdockd configuration file", "FILE" },
	{ "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_data_dir, "store directory (instead of -c)", "DIR" },
	{ NULL }
};

gboolean
airdockctl_gal_is_command (int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp (argv[i], "-c") == 0 || strcmp (argv[i], "--config") == 0 ||
		    strcmp (argv[i], "--data-dir") == 0)
			i++;
		else if (argv[i][0] != '-')
			return strcmp (argv[i], "gal") == 0;
	}
	return FALSE;
}

static AirdockdStore *
open_store (GError **error)
{
	g_autoptr (AirdockdConfig) config = NULL;

	if (opt_data_dir != NULL)
		return airdockd_store_open (opt_data_dir, error);
	config = opt_config ? airdockd_config_load (opt_config, error) : airdockd_config_new_default ();
	if (config == NULL)
		return NULL;
	return airdockd_store_open (config->data_dir, error);
}

static char *
nonempty (char *s)
{
	if (s != NULL && g_strstrip (s)[0] == '\0')
		g_clear_pointer (&s, g_free);
	return s;
}

static char *
card_text (const EasVCard *card, const char *name)
{
	EasVCardProperty *p = eas_vcard_get (card, name);

	return p != NULL ? nonempty (eas_vcard_property_get_text (p)) : NULL;
}

/* KEY: base64 DER (3.0 ENCODING=b) or a data: URI (4.0). */
static GBytes *
card_certificate (const EasVCard *card)
{
	EasVCardProperty *p = eas_vcard_get (card, "KEY");
	const char *v;
	guchar *der;
	gsize len = 0;

	if (p == NULL || p->value == NULL)
		return NULL;
	v = p->value;
	if (g_str_has_prefix (v, "data:") && strstr (v, ";base64,") != NULL)
		v = strstr (v, ";base64,") + strlen (";base64,");
	der = g_base64_decode (v, &len);
	if (len == 0 || len > AIRDOCKD_GAL_MAX_CERT_BYTES || der[0] != 0x30) {	/* DER SEQUENCE */
		g_free (der);
		return NULL;
	}
	return g_bytes_new_take (der, len);
}

/* PHOTO: base64 (3.0 ENCODING=b) or a data: URI (4.0); a URL is not
 * fetched.  NULL, with *out_dropped, for one over the limit or not base64. */
static GBytes *
card_photo (const EasVCard *card, gboolean *out_dropped)
{
	EasVCardProperty *p = eas_vcard_get (card, "PHOTO");
	const char *v;
	guchar *bytes;
	gsize len = 0;

	*out_dropped = FALSE;
	if (p == NULL || p->value == NULL)
		return NULL;
	v = p->value;
	if (g_str_has_prefix (v, "data:")) {
		if (strstr (v, ";base64,") == NULL) {
			*out_dropped = TRUE;
			return NULL;
		}
		v = strstr (v, ";base64,") + strlen (";base64,");
	} else if (strstr (v, "://") != NULL) {
		return NULL;
	}
	bytes = g_base64_decode (v, &len);
	if (len == 0 || len > AIRDOCKD_GAL_MAX_PHOTO_BYTES) {
		g_free (bytes);
		*out_dropped = TRUE;
		return NULL;
	}
	return g_bytes_new_take (bytes, len);
}

static void
card_names (const EasVCard *card, AirdockdGalEntry *e)
{
	EasVCardProperty *n = eas_vcard_get (card, "N");
	EasVCardProperty *org = eas_vcard_get (card, "ORG");

	if (n != NULL) {
		g_auto (GStrv) parts = eas_vcard_split (n->value, ';');
		if (parts[0] != NULL) {
			e->last_name = nonempty (g_strdup (parts[0]));
			if (parts[1] != NULL)
				e->first_name = nonempty (g_strdup (parts[1]));
		}
	}
	if (org != NULL) {
		g_auto (GStrv) parts = eas_vcard_split (org->value, ';');
		if (parts[0] != NULL)
			e->company = nonempty (g_strdup (parts[0]));
	}
}

static AirdockdGalEntry *
entry_from_card (const EasVCard *card, gboolean *out_photo_dropped)
{
	g_autoptr (AirdockdGalEntry) e = airdockd_gal_entry_new ();

	e->email = card_text (card, "EMAIL");
	if (e->email == NULL)
		return NULL;
	e->display_name = card_text (card, "FN");
	e->phone = card_text (card, "TEL");
	e->title = card_text (card, "TITLE");
	e->office = card_text (card, "X-OFFICE");
	if (e->office == NULL)
		e->office = card_text (card, "ROLE");
	e->alias = card_text (card, "NICKNAME");
	e->certificate = card_certificate (card);
	e->photo = card_photo (card, out_photo_dropped);
	card_names (card, e);
	if (e->display_name == NULL)
		e->display_name = g_strdup (e->email);
	return g_steal_pointer (&e);
}

/* Line starting at data[off] equals word (ignoring case and trailing CR). */
static gboolean
line_is (const char *data, gsize len, gsize off, const char *word)
{
	gsize n = strlen (word);

	g_assert (off <= len);
	return n <= len - off && g_ascii_strncasecmp (data + off, word, n) == 0 &&
	       (n == len - off || data[off + n] == '\r' || data[off + n] == '\n');
}

static void
import_card (const char *data, gsize start, gsize end, guint line, GPtrArray *out, guint *bad)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (EasVCard) card = eas_vcard_parse (data + start, end - start, NULL, &error);
	gboolean photo_dropped = FALSE;
	AirdockdGalEntry *e = card != NULL ? entry_from_card (card, &photo_dropped) : NULL;

	if (e == NULL) {
		g_printerr (_("airdockctl: line %u: vCard skipped: %s\n"), line,
		            error != NULL ? error->message : _("no EMAIL"));
		(*bad)++;
		return;
	}
	if (photo_dropped)
		g_printerr (_("airdockctl: line %u: PHOTO left out (not base64 or over %u KB)\n"), line,
		            AIRDOCKD_GAL_MAX_PHOTO_BYTES / 1024);
	g_ptr_array_add (out, e);
}

/* Cuts the file into cards at BEGIN:VCARD … END:VCARD lines. */
static void
entries_from_vcf (const char *data, gsize len, GPtrArray *out, guint *bad)
{
	gsize start = 0;
	guint line = 1, start_line = 1;
	gboolean in_card = FALSE;

	for (gsize off = 0; off < len;) {
		const char *nl = memchr (data + off, '\n', len - off);
		gsize next = nl != NULL ? (gsize) (nl - data) + 1 : len;

		if (!in_card && line_is (data, len, off, "BEGIN:VCARD")) {
			in_card = TRUE;
			start = off;
			start_line = line;
		} else if (in_card && line_is (data, len, off, "END:VCARD")) {
			import_card (data, start, next, start_line, out, bad);
			in_card = FALSE;
		}
		off = next;
		line++;
	}
	if (in_card) {
		g_printerr ("airdockctl: line %u: vCard skipped: no END:VCARD\n", start_line);
		(*bad)++;
	}
}

/* Column names a header may use for each field (compared without spaces,
 * '_' and '-', ignoring case). */
enum { COL_EMAIL, COL_DISPLAY, COL_FIRST, COL_LAST, COL_PHONE, COL_OFFICE, COL_TITLE,
       COL_COMPANY, COL_ALIAS, COL_CERT, N_COLS };
static const char *const col_names[N_COLS][3] = {
	[COL_EMAIL] = { "email", "emailaddress", "mail" },
	[COL_DISPLAY] = { "displayname", "name", "fullname" },
	[COL_FIRST] = { "firstname", "givenname", NULL },
	[COL_LAST] = { "lastname", "surname", "familyname" },
	[COL_PHONE] = { "phone", "telephone", "businessphone" },
	[COL_OFFICE] = { "office", "officelocation", NULL },
	[COL_TITLE] = { "title", "jobtitle", NULL },
	[COL_COMPANY] = { "company", "organization", NULL },
	[COL_ALIAS] = { "alias", "nickname", NULL },
	[COL_CERT] = { "certificate", "usercertificate", NULL },
};

static char *
header_key (const char *h)
{
	GString *s = g_string_new (NULL);

	for (const char *p = h; *p != '\0'; p++)
		if (*p != ' ' && *p != '_' && *p != '-' && *p != '\t')
			g_string_append_c (s, g_ascii_tolower (*p));
	return g_string_free (s, FALSE);
}

static void
map_columns (const EasCsvTable *t, int cols[N_COLS])
{
	for (int c = 0; c < N_COLS; c++)
		cols[c] = -1;
	for (int i = 0; t->header[i] != NULL; i++) {
		g_autofree char *key = header_key (t->header[i]);
		for (int c = 0; c < N_COLS; c++)
			for (int k = 0; k < 3 && col_names[c][k] != NULL; k++)
				if (cols[c] < 0 && strcmp (key, col_names[c][k]) == 0)
					cols[c] = i;
	}
}

static char *
field (const EasCsvRecord *r, const int cols[N_COLS], int c)
{
	return cols[c] >= 0 ? nonempty (g_strdup (r->fields[cols[c]])) : NULL;
}

static AirdockdGalEntry *
entry_from_record (const EasCsvRecord *r, const int cols[N_COLS])
{
	g_autoptr (AirdockdGalEntry) e = airdockd_gal_entry_new ();
	g_autofree char *cert = field (r, cols, COL_CERT);

	e->email = field (r, cols, COL_EMAIL);
	if (e->email == NULL || strchr (e->email, '@') == NULL)
		return NULL;
	e->display_name = field (r, cols, COL_DISPLAY);
	e->first_name = field (r, cols, COL_FIRST);
	e->last_name = field (r, cols, COL_LAST);
	e->phone = field (r, cols, COL_PHONE);
	e->office = field (r, cols, COL_OFFICE);
	e->title = field (r, cols, COL_TITLE);
	e->company = field (r, cols, COL_COMPANY);
	e->alias = field (r, cols, COL_ALIAS);
	if (cert != NULL) {
		gsize len = 0;
		guchar *der = g_base64_decode (cert, &len);
		if (len > 0 && len <= AIRDOCKD_GAL_MAX_CERT_BYTES && der[0] == 0x30)
			e->certificate = g_bytes_new_take (g_steal_pointer (&der), len);
		g_free (der);
	}
	if (e->display_name == NULL)
		e->display_name = g_strdup (e->email);
	return g_steal_pointer (&e);
}

static gboolean
entries_from_csv (const char *data, gsize len, GPtrArray *out, guint *bad, GError **error)
{
	g_autoptr (EasCsvTable) t = eas_csv_parse ((const guint8 *) data, len, NULL, error);
	int cols[N_COLS];

	if (t == NULL)
		return FALSE;
	map_columns (t, cols);
	if (cols[COL_EMAIL] < 0) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "line 1: no email column in the header");
		return FALSE;
	}
	for (guint i = 0; i < t->errors->len; i++) {
		const EasCsvLineError *e = g_ptr_array_index (t->errors, i);
		g_printerr ("airdockctl: %s (skipped)\n", e->message);
	}
	if (t->n_errors > t->errors->len)
		g_printerr ("airdockctl: %u more bad lines skipped\n", t->n_errors - t->errors->len);
	*bad += t->n_errors;
	for (guint i = 0; i < t->records->len; i++) {
		const EasCsvRecord *r = g_ptr_array_index (t->records, i);
		AirdockdGalEntry *e = entry_from_record (r, cols);
		if (e == NULL) {
			g_printerr ("airdockctl: line %u: no valid email address (skipped)\n", r->line);
			(*bad)++;
			continue;
		}
		g_ptr_array_add (out, e);
	}
	return TRUE;
}

static gboolean
read_file (const char *path, char **out_data, gsize *out_len, GError **error)
{
	g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, error);
	gsize len;

	if (map == NULL)
		return FALSE;
	len = g_mapped_file_get_length (map);
	if (len > GAL_MAX_FILE_BYTES) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: over %u bytes", path, GAL_MAX_FILE_BYTES);
		return FALSE;
	}
	*out_data = g_memdup2 (g_mapped_file_get_contents (map), len);
	*out_len = len;
	return TRUE;
}

static gboolean
cmd_import (AirdockdGal *gal, const char *path, GError **error)
{
	g_autofree char *data = NULL;
	gsize len = 0;
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) airdockd_gal_entry_free);
	guint bad = 0, replaced = 0;
	gboolean vcf = g_str_has_suffix (path, ".vcf") || g_str_has_suffix (path, ".VCF") ||
	               g_str_has_suffix (path, ".vcard");

	if (!read_file (path, &data, &len, error))
		return FALSE;
	if (vcf)
		entries_from_vcf (data, len, list, &bad);
	else if (!entries_from_csv (data, len, list, &bad, error))
		return FALSE;
	if (!airdockd_gal_import (gal, list, &replaced, error))
		return FALSE;
	g_print ("imported %u entries (%u replaced), %u skipped\n", list->len, replaced, bad);
	return TRUE;
}

static void
print_entry (const AirdockdGalEntry *e)
{
	g_print ("%s\t%s\t%s\t%s\t%s\t%s\n", e->email, e->display_name ? e->display_name : "-",
	         e->phone ? e->phone : "-", e->title ? e->title : "-", e->company ? e->company : "-",
	         e->certificate ? (e->photo ? "certificate,photo" : "certificate") : (e->photo ? "photo" : "-"));
}

static gboolean
run (AirdockdGal *gal, int argc, char **argv, GError **error)
{
	if (strcmp (argv[0], "import") == 0 && argc == 2)
		return cmd_import (gal, argv[1], error);
	if (strcmp (argv[0], "list") == 0 && argc <= 2) {
		g_autoptr (GPtrArray) list = airdockd_gal_search (gal, argc == 2 ? argv[1] : "", 0, error);
		if (list == NULL)
			return FALSE;
		for (guint i = 0; i < list->len; i++)
			print_entry (g_ptr_array_index (list, i));
		return TRUE;
	}
	if (strcmp (argv[0], "clear") == 0 && argc == 1) {
		guint removed = 0;
		if (!airdockd_gal_clear (gal, &removed, error))
			return FALSE;
		g_print ("removed %u entries\n", removed);
		return TRUE;
	}
	g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unknown gal command (import FILE | list [PREFIX] | clear)");
	return FALSE;
}

int
airdockctl_gal_main (int argc, char **argv)
{
	g_autoptr (GOptionContext) ctx = g_option_context_new ("gal import FILE.vcf|FILE.csv | list [PREFIX] | clear");
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdStore) store = NULL;
	g_autoptr (AirdockdGal) gal = NULL;

	g_option_context_add_main_entries (ctx, entries, NULL);
	g_option_context_set_summary (ctx, "The imported directory that GAL Search, Find and ResolveRecipients return.");
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("airdockctl: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (argc < 3) {
		g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);
		g_printerr ("%s", help);
		return EXIT_USAGE;
	}
	store = open_store (&error);
	if (store != NULL)
		gal = airdockd_gal_open (store, &error);
	if (gal == NULL || !run (gal, argc - 2, argv + 2, &error)) {
		g_printerr ("airdockctl: %s\n", error != NULL ? error->message : "failed");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
