/* airdockd-cmd-resolve.c — ResolveRecipients ([MS-ASCMD] 2.2.1.15) against
 * the server's accounts (our GAL).
 *
 * A To resolves when it is a login name or address of an account (also in
 * "Name <address>" form); otherwise the accounts whose name or address
 * starts with it are suggestions: one is a resolution, several are
 * ambiguous (Status 2, or 3 when more than MaxAmbiguousRecipients), none is
 * Status 4.  Only resolved recipients carry Availability, Certificates and
 * Picture ([MS-ASCMD] 2.2.3.177.12: ambiguous ones get no certificates).
 *
 * We store no S/MIME certificates: Certificates is Status 7 (no valid
 * certificate) with CertificateCount 0.  We have no free/busy data yet:
 * Availability is a MergedFreeBusy of all 0 (free) digits, one per 30
 * minutes of the asked span; more than 100 To elements with Availability
 * get Availability Status 160.  No photos: Picture Status 173.
 */
#include "config.h"

#include <string.h>

#include "eas/eas-resolve.h"
#include "server/airdockd-commands.h"

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

static gboolean
user_has_prefix (const AirdockdUser *u, const char *folded)
{
	g_autofree char *name = g_utf8_casefold (u->name, -1);
	g_autofree char *email = g_utf8_casefold (u->email, -1);

	return g_str_has_prefix (name, folded) || g_str_has_prefix (email, folded);
}

static void
write_resolved (EasWbxmlWriter *w, const EasResolveRequest *rr, const AirdockdUser *u,
                const char *free_busy)
{
	EasResolveRecipient r = {
		.display_name = u->name,
		.email_address = u->email,
		.type = 1,
	};

	if (rr->availability) {
		r.availability_status = rr->to->len > EAS_RESOLVE_MAX_AVAILABILITY_TO
		                        ? EAS_RESOLVE_STATUS_TOO_MANY_FOR_AVAILABILITY : EAS_RESOLVE_STATUS_SUCCESS;
		if (r.availability_status == EAS_RESOLVE_STATUS_SUCCESS)
			r.merged_free_busy = free_busy;
	}
	if (rr->cert_retrieval != EAS_RESOLVE_CERTS_NONE)
		r.certificates_status = EAS_RESOLVE_STATUS_NO_CERTIFICATE;
	if (rr->picture)
		r.picture_status = EAS_RESOLVE_STATUS_PICTURE_NONE;
	eas_resolve_write_recipient (w, &r);
}

static void
write_suggestion (EasWbxmlWriter *w, const AirdockdUser *u)
{
	EasResolveRecipient r = { .display_name = u->name, .email_address = u->email, .type = 1 };

	eas_resolve_write_recipient (w, &r);
}

static void
resolve_one (AirdockdRequest *req, const EasResolveRequest *rr, GPtrArray *users,
             const char *to, const char *free_busy, EasWbxmlWriter *w)
{
	g_autofree char *addr = bare_address (to);
	g_autofree char *folded = g_utf8_casefold (addr, -1);
	g_autoptr (AirdockdUser) exact = addr[0] != '\0' ? airdockd_store_user_lookup (req->store, addr, NULL) : NULL;
	g_autoptr (GPtrArray) matches = g_ptr_array_new ();
	EasResolveStatus status;

	if (exact != NULL) {
		eas_resolve_write_response_begin (w, to, EAS_RESOLVE_STATUS_SUCCESS, 1);
		write_resolved (w, rr, exact, free_busy);
		eas_resolve_write_response_end (w);
		return;
	}
	for (guint i = 0; folded[0] != '\0' && i < users->len; i++)
		if (user_has_prefix (g_ptr_array_index (users, i), folded))
			g_ptr_array_add (matches, g_ptr_array_index (users, i));
	if (matches->len == 1) {
		eas_resolve_write_response_begin (w, to, EAS_RESOLVE_STATUS_SUCCESS, 1);
		write_resolved (w, rr, g_ptr_array_index (matches, 0), free_busy);
		eas_resolve_write_response_end (w);
		return;
	}
	status = matches->len == 0 ? EAS_RESOLVE_STATUS_NOT_RESOLVED :
	         matches->len > rr->max_ambiguous ? EAS_RESOLVE_STATUS_AMBIGUOUS_PARTIAL : EAS_RESOLVE_STATUS_AMBIGUOUS;
	eas_resolve_write_response_begin (w, to, status, matches->len);
	for (guint i = 0; i < matches->len && i < rr->max_ambiguous; i++)
		write_suggestion (w, g_ptr_array_index (matches, i));
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
	if (rr->availability)
		free_busy = g_strnfill (eas_resolve_freebusy_length (rr), '0');
	w = eas_wbxml_writer_new ();
	eas_resolve_write_begin (w);
	for (guint i = 0; i < rr->to->len; i++)
		resolve_one (req, rr, users, g_ptr_array_index (rr->to, i), free_busy, w);
	eas_resolve_write_end (w);
	airdockd_request_set_wbxml (req, eas_wbxml_writer_finish (w, NULL));
}
