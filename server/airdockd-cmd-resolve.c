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
 * entries without one get Status 7 with CertificateCount 0.
 *
 * Availability ([MS-ASCMD] 2.2.3.107): an account's MergedFreeBusy comes
 * from its default Calendar folder, one digit per 30 minutes of the asked
 * span (at most 42 days, 2,016 digits: eas-resolve refuses a longer or
 * shorter than 30 minutes span as Status 5).  Each VEVENT of the span counts with its
 * X-MICROSOFT-CDO-BUSYSTATUS (FREE and WORKINGELSEWHERE: free, TENTATIVE 1,
 * BUSY 2, OOF 3), else TRANSP (TRANSPARENT: free, else busy 2); cancelled
 * events, and invitations the account declined, do not count; an
 * invitation it has not answered (PARTSTAT NEEDS-ACTION) or answered
 * tentatively is at most tentative.  Recurring series are expanded within
 * the span (RRULE without EXDATE dates and without the occurrences a
 * RECURRENCE-ID exception replaces; the exception counts on its own), at
 * most RESOLVE_MAX_OCCURRENCES_SCANNED per series.  All-day events (DATE)
 * fall on the local days of the zone named by X-EAS-ALLDAY-TZID, else UTC.
 * Overlaps keep the highest digit; an account's digits are computed once
 * per request (measured: 2,000 events, half of them daily series, about
 * 0.1 s for a 42-day span; libical's ICU recurrence is most of it).  Imported GAL entries have no calendar
 * here: all 4 (no data); so does an account whose calendar cannot be read.
 * More than 100 To elements with Availability get Availability Status 160.
 *
 * Picture: an imported entry's photo (vCard PHOTO), and for an account the
 * photo of the imported entry with its address, as GAL Search gives them:
 * Status 1 with Data (base64), 173 none, 174 over MaxSize, 175 beyond
 * MaxPictures (counted over the whole response).
 */
#include "config.h"

#include <string.h>

#include <libical/ical.h>

#include "eas/eas-resolve.h"
#include "eas/eas-timezone.h"
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
	GBytes *photo;		/* imported entry's photo, or NULL */
	const AirdockdUser *user;	/* the account, or NULL for an imported entry */
} Candidate;

/* One request's state. */
typedef struct {
	AirdockdRequest *req;
	const EasResolveRequest *rr;
	GPtrArray *users;
	AirdockdGal *gal;		/* NULL when the directory cannot be opened */
	guint pictures_sent;
	GHashTable *free_busy;		/* account id (gint64 *) → its MergedFreeBusy, computed once */
} Resolve;

/* ---- free/busy ------------------------------------------------------------ */

/* Occurrences of one series looked at at most (why: a FREQ=MINUTELY rule
 * must not make a request walk millions of instances; with the iterator
 * started near the span, 20,000 covers a 32,768-digit span of hourly
 * events). */
#define RESOLVE_MAX_OCCURRENCES_SCANNED 20000

/* Unix seconds of t: zone's local time for floating times and dates when
 * zone is given, else UTC. */
static gint64
fb_unix (struct icaltimetype t, icaltimezone *floating)
{
	icaltimezone *zone = (icaltimezone *) t.zone;

	if (zone == NULL || t.is_date)
		zone = floating != NULL ? floating : icaltimezone_get_utc_timezone ();
	return (gint64) icaltime_as_timet_with_zone (t, zone);
}

/* The digit one VEVENT counts with for the account with address email;
 * 0 when it does not count. */
static char
vevent_digit (icalcomponent *ev, const char *email)
{
	static const struct { const char *name; char digit; } busy_names[] = {
		{ "FREE", 0 }, { "TENTATIVE", EAS_RESOLVE_FB_TENTATIVE }, { "BUSY", EAS_RESOLVE_FB_BUSY },
		{ "OOF", EAS_RESOLVE_FB_OOF }, { "WORKINGELSEWHERE", 0 },
	};
	icalproperty *p;
	char digit = EAS_RESOLVE_FB_BUSY;
	gboolean named = FALSE;

	if ((p = icalcomponent_get_first_property (ev, ICAL_STATUS_PROPERTY)) != NULL &&
	    icalproperty_get_status (p) == ICAL_STATUS_CANCELLED)
		return 0;
	for (p = icalcomponent_get_first_property (ev, ICAL_X_PROPERTY); p != NULL && !named;
	     p = icalcomponent_get_next_property (ev, ICAL_X_PROPERTY)) {
		const char *value = icalproperty_get_x (p);
		if (g_strcmp0 (icalproperty_get_x_name (p), "X-MICROSOFT-CDO-BUSYSTATUS") != 0 || value == NULL)
			continue;
		for (guint i = 0; i < G_N_ELEMENTS (busy_names); i++) {
			if (g_ascii_strcasecmp (value, busy_names[i].name) == 0) {
				digit = busy_names[i].digit;
				named = TRUE;
			}
		}
	}
	if (!named && (p = icalcomponent_get_first_property (ev, ICAL_TRANSP_PROPERTY)) != NULL &&
	    icalproperty_get_transp (p) == ICAL_TRANSP_TRANSPARENT)
		digit = 0;
	/* The account's own answer to an invitation. */
	for (p = icalcomponent_get_first_property (ev, ICAL_ATTENDEE_PROPERTY); p != NULL && digit != 0;
	     p = icalcomponent_get_next_property (ev, ICAL_ATTENDEE_PROPERTY)) {
		const char *v = icalproperty_get_attendee (p);
		icalparameter *ps = icalproperty_get_first_parameter (p, ICAL_PARTSTAT_PARAMETER);

		if (v == NULL || ps == NULL)
			continue;
		if (g_ascii_strncasecmp (v, "mailto:", 7) == 0)
			v += 7;
		if (g_ascii_strcasecmp (v, email) != 0)
			continue;
		switch (icalparameter_get_partstat (ps)) {
		case ICAL_PARTSTAT_DECLINED:
			digit = 0;
			break;
		case ICAL_PARTSTAT_NEEDSACTION:
		case ICAL_PARTSTAT_TENTATIVE:
			digit = MIN (digit, EAS_RESOLVE_FB_TENTATIVE);
			break;
		default:
			break;
		}
	}
	return digit;
}

/* A time property of ev in Unix seconds (its TZID resolved in cal). */
static gint64
prop_unix (icalproperty *p, icalcomponent *ev, icaltimezone *floating)
{
	struct icaltimetype t = icalproperty_get_datetime_with_component (p, ev);

	t.zone = eas_timezone_shared ((icaltimezone *) t.zone);
	return fb_unix (t, floating);
}

static gboolean
in_list (GArray *times, gint64 t)
{
	for (guint i = 0; i < times->len; i++) {
		if (g_array_index (times, gint64, i) == t)
			return TRUE;
	}
	return FALSE;
}

/* Marks one VEVENT (a series with its occurrences, or one exception);
 * replaced: start times of occurrences that exceptions replace. */
static void
mark_vevent (const EasResolveRequest *rr, char *fb, icalcomponent *cal, icalcomponent *ev,
             const char *email, GArray *replaced)
{
	char digit = vevent_digit (ev, email);
	icalproperty *rrule = icalcomponent_get_first_property (ev, ICAL_RRULE_PROPERTY);
	icalproperty *pstart = icalcomponent_get_first_property (ev, ICAL_DTSTART_PROPERTY);
	icalproperty *pend = icalcomponent_get_first_property (ev, ICAL_DTEND_PROPERTY);
	icalproperty *pdur = icalcomponent_get_first_property (ev, ICAL_DURATION_PROPERTY);
	const char *allday_tzid = NULL;
	icaltimezone *floating = NULL;
	struct icaltimetype dtstart;
	g_autoptr (GArray) exdates = NULL;
	struct icalrecurrencetype rule;
	icalrecur_iterator *it;
	gint64 start, end, duration;

	if (digit == 0 || pstart == NULL)
		return;
	dtstart = icalproperty_get_datetime_with_component (pstart, ev);
	if (icaltime_is_null_time (dtstart) || !icaltime_is_valid_time (dtstart))
		return;
	for (icalproperty *x = icalcomponent_get_first_property (ev, ICAL_X_PROPERTY); x != NULL;
	     x = icalcomponent_get_next_property (ev, ICAL_X_PROPERTY)) {
		if (g_strcmp0 (icalproperty_get_x_name (x), "X-EAS-ALLDAY-TZID") == 0)
			allday_tzid = icalproperty_get_x (x);
	}
	if (dtstart.is_date && allday_tzid != NULL)
		floating = eas_timezone_shared (icalcomponent_get_timezone (cal, allday_tzid));
	dtstart.zone = eas_timezone_shared ((icaltimezone *) dtstart.zone);
	start = fb_unix (dtstart, floating);
	if (pend != NULL)
		end = prop_unix (pend, ev, floating);
	else if (pdur != NULL)
		end = start + icaldurationtype_as_int (icalproperty_get_duration (pdur));
	else
		end = start + (dtstart.is_date ? 86400 : 0);
	duration = MAX (end - start, 0);
	if (rrule == NULL || icalcomponent_get_first_property (ev, ICAL_RECURRENCEID_PROPERTY) != NULL) {
		eas_resolve_freebusy_mark (rr, fb, start, start + duration, digit);
		return;
	}
	exdates = g_array_new (FALSE, FALSE, sizeof (gint64));
	for (icalproperty *x = icalcomponent_get_first_property (ev, ICAL_EXDATE_PROPERTY); x != NULL;
	     x = icalcomponent_get_next_property (ev, ICAL_EXDATE_PROPERTY)) {
		gint64 t = prop_unix (x, ev, floating);
		g_array_append_val (exdates, t);
	}
	rule = icalproperty_get_rrule (rrule);
	it = icalrecur_iterator_new (rule, dtstart);
	if (it == NULL)
		return;
	/* Start near the span (rules with COUNT must count from DTSTART). */
	if (rule.count == 0 && rr->start_time - duration > start) {
		struct icaltimetype from = icaltime_from_timet_with_zone ((time_t) (rr->start_time - duration),
		                                                          dtstart.is_date,
		                                                          (icaltimezone *) dtstart.zone != NULL
		                                                          ? (icaltimezone *) dtstart.zone
		                                                          : floating != NULL ? floating
		                                                          : icaltimezone_get_utc_timezone ());
		if (dtstart.zone == NULL)
			from.zone = NULL;
		icalrecur_iterator_set_start (it, from);
	}
	for (guint n = 0; n < RESOLVE_MAX_OCCURRENCES_SCANNED; n++) {
		struct icaltimetype t = icalrecur_iterator_next (it);
		gint64 s;

		if (icaltime_is_null_time (t))
			break;
		t.zone = dtstart.zone;
		t.is_date = dtstart.is_date;
		s = fb_unix (t, floating);
		if (s >= rr->end_time)
			break;
		if (s + duration <= rr->start_time || in_list (exdates, s) || in_list (replaced, s))
			continue;
		eas_resolve_freebusy_mark (rr, fb, s, s + duration, digit);
	}
	icalrecur_iterator_free (it);
}

/* Marks one stored calendar item. */
static void
mark_item (const EasResolveRequest *rr, char *fb, const AirdockdItem *item, const char *email)
{
	gsize len = 0;
	const char *data = item->data != NULL ? g_bytes_get_data (item->data, &len) : NULL;
	g_autofree char *text = data != NULL ? g_strndup (data, len) : NULL;
	icalcomponent *cal = text != NULL ? icalparser_parse_string (text) : NULL;
	g_autoptr (GArray) replaced = g_array_new (FALSE, FALSE, sizeof (gint64));

	if (cal == NULL)
		return;
	if (icalcomponent_isa (cal) == ICAL_VEVENT_COMPONENT) {
		mark_vevent (rr, fb, cal, cal, email, replaced);
		icalcomponent_free (cal);
		return;
	}
	/* Exceptions first: their RECURRENCE-IDs leave the series. */
	for (icalcomponent *ev = icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT); ev != NULL;
	     ev = icalcomponent_get_next_component (cal, ICAL_VEVENT_COMPONENT)) {
		icalproperty *rid = icalcomponent_get_first_property (ev, ICAL_RECURRENCEID_PROPERTY);
		gint64 t;

		if (rid == NULL)
			continue;
		t = prop_unix (rid, ev, NULL);
		g_array_append_val (replaced, t);
		mark_vevent (rr, fb, cal, ev, email, replaced);
	}
	for (icalcomponent *ev = icalcomponent_get_first_component (cal, ICAL_VEVENT_COMPONENT); ev != NULL;
	     ev = icalcomponent_get_next_component (cal, ICAL_VEVENT_COMPONENT)) {
		if (icalcomponent_get_first_property (ev, ICAL_RECURRENCEID_PROPERTY) == NULL)
			mark_vevent (rr, fb, cal, ev, email, replaced);
	}
	icalcomponent_free (cal);
}

/* The account's MergedFreeBusy (all 4 when its calendar cannot be read). */
static char *
compute_free_busy (Resolve *ctx, const AirdockdUser *user)
{
	guint n = eas_resolve_freebusy_length (ctx->rr);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdFolder) folder = NULL;
	g_autoptr (GPtrArray) items = NULL;
	char *fb;

	folder = airdockd_store_folder_get_by_type (ctx->req->store, user->id, AIRDOCKD_FOLDER_CALENDAR, &error);
	if (folder != NULL)
		items = airdockd_store_item_list (ctx->req->store, user->id, folder->server_id, 0, &error);
	if (items == NULL) {
		airdockd_request_log (ctx->req, G_LOG_LEVEL_WARNING, "resolve: calendar of %s: %s", user->name,
		                      error != NULL ? error->message : "none");
		return g_strnfill (n, EAS_RESOLVE_FB_NO_DATA);
	}
	fb = g_strnfill (n, EAS_RESOLVE_FB_FREE);
	for (guint i = 0; i < items->len; i++) {
		const AirdockdItem *item = g_ptr_array_index (items, i);
		if (item->item_class == AIRDOCKD_ITEM_CALENDAR)
			mark_item (ctx->rr, fb, item, user->email);
	}
	return fb;
}

/* The same, once per account and request (a To list may name one account
 * many times); owned by ctx. */
static const char *
user_free_busy (Resolve *ctx, const AirdockdUser *user)
{
	char *fb = g_hash_table_lookup (ctx->free_busy, &user->id);

	if (fb == NULL) {
		fb = compute_free_busy (ctx, user);
		g_hash_table_insert (ctx->free_busy, g_memdup2 (&user->id, sizeof user->id), fb);
	}
	return fb;
}

/* ---- responses ------------------------------------------------------------ */

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

/* The photo of the imported entry with address email, or NULL. */
static GBytes *
gal_photo (Resolve *ctx, const char *email)
{
	g_autoptr (AirdockdGalEntry) entry = NULL;

	if (ctx->gal == NULL)
		return NULL;
	entry = airdockd_gal_lookup (ctx->gal, email, NULL);
	return entry != NULL && entry->photo != NULL ? g_bytes_ref (entry->photo) : NULL;
}

static void
write_resolved (Resolve *ctx, EasWbxmlWriter *w, const Candidate *c)
{
	const EasResolveRequest *rr = ctx->rr;
	g_autoptr (GPtrArray) certs = g_ptr_array_new ();
	g_autofree char *free_busy = NULL;
	g_autoptr (GBytes) photo = NULL;
	EasResolveRecipient r = {
		.display_name = c->name,
		.email_address = c->email,
		.type = 1,
	};

	if (rr->availability) {
		r.availability_status = rr->to->len > EAS_RESOLVE_MAX_AVAILABILITY_TO
		                        ? EAS_RESOLVE_STATUS_TOO_MANY_FOR_AVAILABILITY : EAS_RESOLVE_STATUS_SUCCESS;
		if (r.availability_status == EAS_RESOLVE_STATUS_SUCCESS) {
			if (c->user != NULL) {
				r.merged_free_busy = user_free_busy (ctx, c->user);
			} else {
				free_busy = g_strnfill (eas_resolve_freebusy_length (rr), EAS_RESOLVE_FB_NO_DATA);
				r.merged_free_busy = free_busy;
			}
		}
	}
	if (rr->cert_retrieval != EAS_RESOLVE_CERTS_NONE)
		set_certificates (&r, rr, c, certs);
	if (rr->picture) {
		photo = c->photo != NULL ? g_bytes_ref (c->photo) : c->user != NULL ? gal_photo (ctx, c->email) : NULL;
		r.picture_status = eas_resolve_picture_status (rr, photo, &ctx->pictures_sent);
		r.picture = photo;
	}
	eas_resolve_write_recipient (w, &r);
}

static void
write_suggestion (EasWbxmlWriter *w, const Candidate *c)
{
	EasResolveRecipient r = { .display_name = c->name, .email_address = c->email, .type = 1 };

	eas_resolve_write_recipient (w, &r);
}

static void
write_one (Resolve *ctx, EasWbxmlWriter *w, const char *to, const Candidate *c)
{
	eas_resolve_write_response_begin (w, to, EAS_RESOLVE_STATUS_SUCCESS, 1);
	write_resolved (ctx, w, c);
	eas_resolve_write_response_end (w);
}

/* Accounts and imported entries starting with folded, as candidates
 * pointing into users and gal_hits. */
static void
collect_matches (GPtrArray *users, GPtrArray *gal_hits, const char *folded, GArray *out)
{
	for (guint i = 0; folded[0] != '\0' && i < users->len; i++) {
		const AirdockdUser *u = g_ptr_array_index (users, i);
		Candidate c = { u->name, u->email, NULL, NULL, u };
		if (user_has_prefix (u, folded))
			g_array_append_val (out, c);
	}
	for (guint i = 0; gal_hits != NULL && i < gal_hits->len; i++) {
		const AirdockdGalEntry *e = g_ptr_array_index (gal_hits, i);
		Candidate c = { e->display_name, e->email, e->certificate, e->photo, NULL };
		g_array_append_val (out, c);
	}
}

static void
resolve_one (Resolve *ctx, const char *to, EasWbxmlWriter *w)
{
	AirdockdRequest *req = ctx->req;
	const EasResolveRequest *rr = ctx->rr;
	AirdockdGal *gal = ctx->gal;
	g_autofree char *addr = bare_address (to);
	g_autofree char *folded = g_utf8_casefold (addr, -1);
	g_autoptr (AirdockdUser) exact = addr[0] != '\0' ? airdockd_store_user_lookup (req->store, addr, NULL) : NULL;
	g_autoptr (AirdockdGalEntry) entry = NULL;
	g_autoptr (GPtrArray) gal_hits = NULL;
	g_autoptr (GArray) matches = g_array_new (FALSE, FALSE, sizeof (Candidate));
	EasResolveStatus status;

	if (exact != NULL) {
		Candidate c = { exact->name, exact->email, NULL, NULL, exact };
		write_one (ctx, w, to, &c);
		return;
	}
	if (gal != NULL && addr[0] != '\0')
		entry = airdockd_gal_lookup (gal, addr, NULL);
	if (entry != NULL) {
		Candidate c = { entry->display_name, entry->email, entry->certificate, entry->photo, NULL };
		write_one (ctx, w, to, &c);
		return;
	}
	if (gal != NULL && folded[0] != '\0')
		gal_hits = airdockd_gal_search (gal, addr, rr->max_ambiguous + 1, NULL);
	collect_matches (ctx->users, gal_hits, folded, matches);
	if (matches->len == 1) {
		write_one (ctx, w, to, &g_array_index (matches, Candidate, 0));
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
	g_autoptr (AirdockdGal) gal = NULL;
	g_autoptr (GHashTable) free_busy = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
	Resolve ctx = { req, NULL, NULL, NULL, 0, free_busy };
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
	ctx.rr = rr;
	ctx.users = users;
	ctx.gal = gal;
	w = eas_wbxml_writer_new ();
	eas_resolve_write_begin (w);
	for (guint i = 0; i < rr->to->len; i++)
		resolve_one (&ctx, g_ptr_array_index (rr->to, i), w);
	eas_resolve_write_end (w);
	airdockd_request_set_wbxml (req, eas_wbxml_writer_finish (w, NULL));
}
