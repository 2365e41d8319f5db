/* airdockd-cmd-resolve.c — ResolveRecipients ([MS-ASCMD] 2.2.1.15) against
 * the server's accounts and the imported directory (our GAL).
 *
 * A To resolves when it is a login name or address of an account (also in
 * "Name <address>" form); otherwise the accounts whose name or address
 * starts with it are suggestions: one is a resolution, several are
 * ambiguous (Status 2, or 3 when more than MaxAmbiguousRecipients), none is
 * Status 4.  Only resolved recipients carry Availability, Certificates and
 * Picture ([MS-ASCMD] 2.2.3.177.12: ambiguous ones get no certificates).
 *
 * Imported GAL entries (airdockctl gal import) resolve too, after the
 * accounts.  Certificates: an imported entry's X.509 certificate is
 * returned (Status 1, CertificateCount, RecipientCount, Certificate in
 * base64, or MiniCertificate for CertificateRetrieval 3: we keep no
 * separate mini form, so it carries the same certificate); accounts and
 * entries without one get Status 7 with CertificateCount 0.  We have no free/busy data yet:
 * Availability is a MergedFreeBusy of all 0 (free) digits, one per 30
 * minutes of the asked span; more than 100 To elements with Availability
 * get Availability Status 160.  No photos: Picture Status 173.
 */
#include "config.h"

#include <string.h>

#include "eas/eas-resolve.h"
#include "server/airdockd-commands.h"
#include "server/airdockd-gal.h"

/* "Name <addr>" → "addr"; otherwise a copy of to. */
static char *
bare_address (const char *to)
{
	const char *lt = strrchr (to, '<');
	const char *gt = lt != NULL ? strchr (lt, '>') : NULL;

	if (lt != NULL && gt != NULL && gt > lt + 1)
		return g_strndup (lt + 1, (gsize) (gt - lt - 1));
	return g_strstrip (g_strdup (to));
}

/* A person to answer with: an account or an imported GAL entry. */
typedef struct {
	const char *name;
	const char *email;
	GBytes *certificate;	/* DER, or NULL */
} Candidate;

static gboolean
user_has_prefix (const AirdockdUser *u, const char *folded)
{
	g_autofree char *name = g_utf8_casefold (u->name, -1);
	g_autofree char *email = g_utf8_casefold (u->email, -1);

	return g_str_has_prefix (name, folded) || g_str_has_prefix (email, folded);
}

/* [MS-ASCMD] 2.2.3.27: the stored certificate, or Status 7 when there is
 * none; more than MaxCertificates is Status 8 with none. */
static void
set_certificates (EasResolveRecipient *r, const EasResolveRequest *rr, const Candidate *c, GPtrArray *certs)
{
	r->mini_certificates = rr->cert_retrieval == EAS_RESOLVE_CERTS_MINI;
	if (c->certificate == NULL) {
		r->certificates_status = EAS_RESOLVE_STATUS_NO_CERTIFICATE;
		return;
	}
	g_ptr_array_add (certs, c->certificate);
	if (rr->max_certificates != 0 && certs->len > rr->max_certificates) {
		g_ptr_array_set_size (certs, 0);
		r->certificates_status = EAS_RESOLVE_STATUS_CERTIFICATE_LIMIT;
		return;
	}
	r->certificates_status = EAS_RESOLVE_STATUS_SUCCESS;
	r->certificates = certs;
}

static void
write_resolved (EasWbxmlWriter *w, const EasResolveRequest *rr, const Candidate *c,
                const char *free_busy)
{
	g_autoptr (GPtrArray) certs = g_ptr_array_new ();
	EasResolveRecipient r = {
		.display_name = c->name,
		.email_address = c->email,
		.type = 1,
	};

	if (rr->availability) {
		r.availability_status = rr->to->len > EAS_RESOLVE_MAX_AVAILABILITY_TO
		                        ? EAS_RESOLVE_STATUS_TOO_MANY_FOR_AVAILABILITY : EAS_RESOLVE_STATUS_SUCCESS;
		if (r.availability_status == EAS_RESOLVE_STATUS_SUCCESS)
			r.merged_free_busy = free_busy;
	}
	if (rr->cert_retrieval != EAS_RESOLVE_CERTS_NONE)
		set_certificates (&r, rr, c, certs);
	if (rr->picture)
		r.picture_status = EAS_RESOLVE_STATUS_PICTURE_NONE;
	eas_resolve_write_recipient (w, &r);
}

static void
write_suggestion (EasWbxmlWriter *w, const Candidate *c)
{
	EasResolveRecipient r = { .display_name = c->name, .email_address = c->email, .type = 1 };

	eas_resolve_write_recipient (w, &r);
}

static void
write_one (EasWbxmlWriter *w, const EasResolveRequest *rr, const char *to, const Candidate *c,
           const char *free_busy)
{
	eas_resolve_write_response_begin (w, to, EAS_RESOLVE_STATUS_SUCCESS, 1);
	write_resolved (w, rr, c, free_busy);
	eas_resolve_write_response_end (w);
}

/* Accounts and imported entries starting with folded, as candidates
 * pointing into users and gal_hits. */
static void
collect_matches (GPtrArray *users, GPtrArray *gal_hits, const char *folded, GArray *out)
{
	for (guint i = 0; folded[0] != '\0' && i < users->len; i++) {
		const AirdockdUser *u = g_ptr_array_index (users, i);
		Candidate c = { u->name, u->email, NULL };
		if (user_has_prefix (u, folded))
			g_array_append_val (out, c);
	}
	for (guint i = 0; gal_hits != NULL && i < gal_hits->len; i++) {
		const AirdockdGalEntry *e = g_ptr_array_index (gal_hits, i);
		Candidate c = { e->display_name, e->email, e->certificate };
		g_array_append_val (out, c);
	}
}

static void
resolve_one (AirdockdRequest *req, const EasResolveRequest *rr, GPtrArray *users, AirdockdGal *gal,
             const char *to, const char *free_busy, EasWbxmlWriter *w)
{
	g_autofree char *addr = bare_address (to);
	g_autofree char *folded = g_utf8_casefold (addr, -1);
	g_autoptr (AirdockdUser) exact = addr[0] != '\0' ? airdockd_store_user_lookup (req->store, addr, NULL) : NULL;
	g_autoptr (AirdockdGalEntry) entry = NULL;
	g_autoptr (GPtrArray) gal_hits = NULL;
	g_autoptr (GArray) matches = g_array_new (FALSE, FALSE, sizeof (Candidate));
	EasResolveStatus status;

	if (exact != NULL) {
		Candidate c = { exact->name, exact->email, NULL };
		write_one (w, rr, to, &c, free_busy);
		return;
	}
	if (gal != NULL && addr[0] != '\0')
		entry = airdockd_gal_lookup (gal, addr, NULL);
	if (entry != NULL) {
		Candidate c = { entry->display_name, entry->email, entry->certificate };
		write_one (w, rr, to, &c, free_busy);
		return;
	}
	if (gal != NULL && folded[0] != '\0')
		gal_hits = airdockd_gal_search (gal, addr, rr->max_ambiguous + 1, NULL);
	collect_matches (users, gal_hits, folded, matches);
	if (matches->len == 1) {
		write_one (w, rr, to, &g_array_index (matches, Candidate, 0), free_busy);
		return;
	}
	status = matches->len == 0 ? EAS_RESOLVE_STATUS_NOT_RESOLVED :
	         matches->len > rr->max_ambiguous ? EAS_RESOLVE_STATUS_AMBIGUOUS_PARTIAL : EAS_RESOLVE_STATUS_AMBIGUOUS;
	eas_resolve_write_response_begin (w, to, status, matches->len);
	for (guint i = 0; i < matches->len && i < rr->max_ambiguous; i++)
		write_suggestion (w, &g_array_index (matches, Candidate, i));
	eas_resolve_write_response_end (w);
}

void
airdockd_cmd_resolve_recipients (AirdockdRequest *req)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (req->body, &len);
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_wbxml_parse (data, len, NULL, &error);
	g_autoptr (EasResolveRequest) rr = NULL;
	g_autoptr (GPtrArray) users = NULL;
	g_autoptr (EasWbxmlWriter) w = NULL;
	g_autofree char *free_busy = NULL;
	g_autoptr (AirdockdGal) gal = NULL;
	g_autoptr (GError) gal_error = NULL;

	if (root != NULL)
		rr = eas_resolve_request_decode (root, &error);
	if (rr == NULL) {
		airdockd_request_log (req, G_LOG_LEVEL_INFO, "bad request: %s", error->message);
		airdockd_request_set_wbxml (req, eas_resolve_encode_status (EAS_RESOLVE_STATUS_PROTOCOL_ERROR));
		return;
	}
	users = airdockd_store_user_list (req->store, &error);
	if (users == NULL) {
		airdockd_request_log (req, G_LOG_LEVEL_WARNING, "resolve: %s", error->message);
		airdockd_request_set_wbxml (req, eas_resolve_encode_status (EAS_RESOLVE_STATUS_SERVER_ERROR));
		return;
	}
	gal = airdockd_gal_open (req->store, &gal_error);
	if (gal == NULL)	/* the accounts still resolve */
		airdockd_request_log (req, G_LOG_LEVEL_WARNING, "resolve: %s", gal_error->message);
	if (rr->availability)
		free_busy = g_strnfill (eas_resolve_freebusy_length (rr), '0');
	w = eas_wbxml_writer_new ();
	eas_resolve_write_begin (w);
	for (guint i = 0; i < rr->to->len; i++)
		resolve_one (req, rr, users, gal, g_ptr_array_index (rr->to, i), free_busy, w);
	eas_resolve_write_end (w);
	airdockd_request_set_wbxml (req, eas_wbxml_writer_finish (w, NULL));
}
