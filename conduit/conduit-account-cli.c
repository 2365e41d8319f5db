/* conduit-account-cli.c — `airdock-conduit account …` (conduit-account-cli.h):
 * ask the server before saving, trust a certificate by fingerprint, find the
 * server by Autodiscover ([MS-ASCMD] 2.2.1.1). */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "conduit/conduit-account-cli.h"
#include "conduit/conduit-account.h"
#include "eas/eas-autodiscover.h"

#define EAS_PATH "/Microsoft-Server-ActiveSync"
#define AUTODISCOVER_PATH "/autodiscover/autodiscover.xml"
/* A password longer than this is not one a person typed or pasted. */
#define PASSWORD_MAX 4096
/* HTTP redirects plus Autodiscover Redirect answers, together. */
#define MAX_HOPS 10
#define HTTP_TIMEOUT_S 30

typedef struct {
	SoupSession *session;
	char *user;
	char *password;
	char *wanted;		/* --accept-certificate, normalized */
	char *pin;		/* a fingerprint the user accepted */
	GTlsCertificate *seen;	/* the last certificate that did not verify */
	GTlsCertificateFlags seen_errors;
	gboolean interactive;
} Client;

static void
client_clear (Client *c)
{
	g_clear_object (&c->session);
	g_clear_object (&c->seen);
	g_free (c->user);
	if (c->password != NULL)
		explicit_bzero (c->password, strlen (c->password));
	g_free (c->password);
	g_free (c->wanted);
	g_free (c->pin);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Client, client_clear)

static void
fail (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
fail (const char *format, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start (ap, format);
	msg = g_strdup_vprintf (format, ap);
	va_end (ap);
	g_printerr ("airdock-conduit account: %s\n", msg);
}

/* ---- the password --------------------------------------------------------- */

static char *
read_line_no_echo (const char *prompt)
{
	struct termios old, quiet;
	char buf[PASSWORD_MAX + 2];
	gboolean restored = FALSE;
	char *line = NULL;

	/* Echo off before the prompt shows, and without flushing: what the
	 * user types after seeing it is neither echoed nor lost. */
	if (tcgetattr (STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t) ECHO;
		restored = tcsetattr (STDIN_FILENO, TCSANOW, &quiet) == 0;
	}
	fprintf (stderr, "%s", prompt);
	fflush (stderr);
	if (fgets (buf, sizeof buf, stdin) != NULL) {
		buf[strcspn (buf, "\r\n")] = '\0';
		line = g_strdup (buf);
	}
	explicit_bzero (buf, sizeof buf);
	if (restored)
		tcsetattr (STDIN_FILENO, TCSANOW, &old);
	fprintf (stderr, "\n");
	return line;
}

/* The whole of stdin (a pipe or file), less one trailing newline. */
static char *
read_password_stdin (void)
{
	char buf[PASSWORD_MAX + 2];
	gsize len = fread (buf, 1, sizeof buf - 1, stdin);
	char *password = NULL;

	if (len <= PASSWORD_MAX) {
		if (len > 0 && buf[len - 1] == '\n')
			len--;
		if (len > 0 && buf[len - 1] == '\r')
			len--;
		buf[len] = '\0';
		if (memchr (buf, '\0', len) == NULL && len > 0)
			password = g_strdup (buf);
	}
	explicit_bzero (buf, sizeof buf);
	return password;
}

static char *
read_password (const char *user, const char *where)
{
	g_autofree char *prompt = NULL;

	if (!isatty (STDIN_FILENO))
		return read_password_stdin ();
	/* Translators: the first %s is a user name, the second a server */
	prompt = g_strdup_printf (_("Password for %s on %s: "), user, where);
	return read_line_no_echo (prompt);
}

/* ---- HTTPS with the certificate rules ------------------------------------- */

static gboolean
on_accept_certificate (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
	Client *c = data;
	ConduitAccount pinned = { .cert_sha256 = c->pin };

	if (c->pin != NULL && conduit_account_certificate_ok (&pinned, cert, errors))
		return TRUE;
	g_set_object (&c->seen, cert);
	c->seen_errors = errors;
	return FALSE;
}

static void
show_certificate (GTlsCertificate *cert, GTlsCertificateFlags errors, const char *fingerprint)
{
	g_autofree char *subject = g_tls_certificate_get_subject_name (cert);
	g_autofree char *issuer = g_tls_certificate_get_issuer_name (cert);
	g_autoptr (GDateTime) from = g_tls_certificate_get_not_valid_before (cert);
	g_autoptr (GDateTime) until = g_tls_certificate_get_not_valid_after (cert);
	g_autofree char *f = from != NULL ? g_date_time_format (from, "%Y-%m-%d %H:%M:%S UTC") : NULL;
	g_autofree char *u = until != NULL ? g_date_time_format (until, "%Y-%m-%d %H:%M:%S UTC") : NULL;

	fprintf (stderr, "%s\n", _("The server's certificate does not verify:"));
	if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
		fprintf (stderr, "  - %s\n", _("it is not signed by an authority this computer trusts"));
	if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
		fprintf (stderr, "  - %s\n", _("it was made for another host name"));
	if (errors & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
		fprintf (stderr, "  - %s\n", _("it is outside its validity period"));
	if (errors & ~(G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_BAD_IDENTITY | G_TLS_CERTIFICATE_EXPIRED |
	               G_TLS_CERTIFICATE_NOT_ACTIVATED))
		fprintf (stderr, "  - %s\n", _("it is revoked, insecure or otherwise invalid"));
	fprintf (stderr, _("  Subject:     %s\n"), subject != NULL ? subject : "?");
	fprintf (stderr, _("  Issuer:      %s\n"), issuer != NULL ? issuer : "?");
	fprintf (stderr, _("  Valid:       %s to %s\n"), f != NULL ? f : "?", u != NULL ? u : "?");
	fprintf (stderr, _("  SHA-256:     %s\n"), fingerprint);
}

static gboolean
ask_yes (const char *question)
{
	char buf[64];

	fprintf (stderr, "%s ", question);
	fflush (stderr);
	if (fgets (buf, sizeof buf, stdin) == NULL)
		return FALSE;
	g_strstrip (buf);
	/* Translators: the answers accepted as "yes" besides "y"/"yes" */
	return g_ascii_strcasecmp (buf, "y") == 0 || g_ascii_strcasecmp (buf, "yes") == 0 ||
	       g_utf8_collate (buf, C_("answer", "y")) == 0 || g_utf8_collate (buf, C_("answer", "yes")) == 0;
}

/* The certificate of the last attempt did not verify: trust it by the
 * --accept-certificate fingerprint or the user's answer, or say how. */
static gboolean
decide_trust (Client *c, GError **error)
{
	g_autofree char *fp = conduit_account_certificate_sha256 (c->seen);

	if (c->pin != NULL) {
		g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
		             _("the server's certificate (SHA-256 %s) is not the one accepted before (%s)"), fp,
		             c->pin);
		return FALSE;
	}
	if (c->wanted != NULL) {
		ConduitAccount pinned = { .cert_sha256 = c->wanted };

		if (!conduit_account_certificate_ok (&pinned, c->seen, c->seen_errors)) {
			g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
			             _("the server's certificate has the SHA-256 fingerprint %s, not %s as given with "
			               "--accept-certificate: refusing it"), fp, c->wanted);
			return FALSE;
		}
		c->pin = g_strdup (c->wanted);
		return TRUE;
	}
	if (c->interactive) {
		show_certificate (c->seen, c->seen_errors, fp);
		if (ask_yes (_("Trust this certificate? [y/N]"))) {
			c->pin = g_steal_pointer (&fp);
			return TRUE;
		}
		g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, _("certificate not trusted"));
		return FALSE;
	}
	g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
	             _("the server's certificate is not trusted by this computer; its SHA-256 fingerprint is %s. "
	               "If that is your server's certificate, run again with --accept-certificate %s"), fp, fp);
	return FALSE;
}

/* Sends method to url with Basic auth (and body); one retry after the user
 * trusted the certificate.  Redirects are the caller's business. */
static SoupMessage *
client_send (Client *c, const char *method, const char *url, GBytes *body, GBytes **out_body, GError **error)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		g_autoptr (SoupMessage) msg = soup_message_new (method, url);
		g_autofree char *cred = NULL, *b64 = NULL, *hdr = NULL;
		g_autoptr (GError) local = NULL;
		GBytes *resp;

		if (msg == NULL) {
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("not a valid URL: %s"), url);
			return NULL;
		}
		soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
		cred = g_strdup_printf ("%s:%s", c->user, c->password);
		b64 = g_base64_encode ((const guchar *) cred, strlen (cred));
		hdr = g_strdup_printf ("Basic %s", b64);
		soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", hdr);
		explicit_bzero (cred, strlen (cred));
		explicit_bzero (hdr, strlen (hdr));
		if (body != NULL)
			soup_message_set_request_body_from_bytes (msg, "text/xml", body);
		g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), c);
		g_clear_object (&c->seen);
		resp = soup_session_send_and_read (c->session, msg, NULL, &local);
		if (resp != NULL) {
			*out_body = resp;
			return g_steal_pointer (&msg);
		}
		if (c->seen == NULL || attempt > 0 || !decide_trust (c, error)) {
			if (c->seen == NULL || attempt > 0)
				g_propagate_error (error, g_steal_pointer (&local));
			return NULL;
		}
	}
	g_assert_not_reached ();
}

/* OPTIONS on the EAS URL with the credentials ([MS-ASHTTP] 2.2.3: the
 * answer lists MS-ASProtocolVersions). */
static gboolean
check_account (Client *c, const char *url, GError **error)
{
	g_autoptr (GBytes) body = NULL;
	g_autoptr (SoupMessage) msg = client_send (c, "OPTIONS", url, NULL, &body, error);
	guint status;

	if (msg == NULL)
		return FALSE;
	status = soup_message_get_status (msg);
	if (status == SOUP_STATUS_UNAUTHORIZED) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
		             _("the server refused the user name or password of %s (HTTP 401)"), c->user);
		return FALSE;
	}
	if (!SOUP_STATUS_IS_SUCCESSFUL (status)) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s answered HTTP %u %s"), url, status,
		             soup_message_get_reason_phrase (msg));
		return FALSE;
	}
	if (soup_message_headers_get_one (soup_message_get_response_headers (msg), "MS-ASProtocolVersions") == NULL) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
		             _("%s is not an ActiveSync server (no MS-ASProtocolVersions in its answer)"), url);
		return FALSE;
	}
	/* A certificate that verifies is still pinned when the user named it. */
	if (c->wanted != NULL && c->pin == NULL) {
		GTlsCertificate *peer = soup_message_get_tls_peer_certificate (msg);
		ConduitAccount pinned = { .cert_sha256 = c->wanted };

		if (peer == NULL || !conduit_account_certificate_ok (&pinned, peer, 0)) {
			g_autofree char *fp = peer != NULL ? conduit_account_certificate_sha256 (peer) : g_strdup ("?");

			g_set_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE,
			             _("the server's certificate has the SHA-256 fingerprint %s, not %s as given with "
			               "--accept-certificate: refusing it"), fp, c->wanted);
			return FALSE;
		}
		c->pin = g_strdup (c->wanted);
	}
	return TRUE;
}

/* ---- Autodiscover --------------------------------------------------------- */

static gboolean
is_https (const char *url)
{
	return g_ascii_strncasecmp (url, "https://", 8) == 0;
}

/* POSTs the request for email to url, following HTTP redirects (within
 * *hops).  Returns the parsed answer, or NULL + error. */
static EasAutodiscoverResponse *
autodiscover_post (Client *c, const char *email, const char *start, guint *hops, GError **error)
{
	g_autoptr (GBytes) req = eas_autodiscover_build_request (email);
	g_autofree char *url = g_strdup (start);

	while ((*hops)++ < MAX_HOPS) {
		g_autoptr (GBytes) body = NULL;
		g_autoptr (SoupMessage) msg = client_send (c, "POST", url, req, &body, error);
		guint status;
		const char *location;

		if (msg == NULL)
			return NULL;
		status = soup_message_get_status (msg);
		location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
		if (SOUP_STATUS_IS_REDIRECTION (status) && location != NULL) {
			g_autoptr (GUri) next = g_uri_parse_relative (soup_message_get_uri (msg), location, G_URI_FLAGS_NONE,
			                                              NULL);
			g_free (url);
			url = next != NULL ? g_uri_to_string (next) : NULL;
			if (url == NULL || !is_https (url)) {
				g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
				             _("Autodiscover redirected to a location that is not https://"));
				return NULL;
			}
			continue;
		}
		if (status == SOUP_STATUS_UNAUTHORIZED) {
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
			             _("the server refused the user name or password of %s (HTTP 401)"), c->user);
			return NULL;
		}
		if (status != SOUP_STATUS_OK) {
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("%s answered HTTP %u %s"), url, status,
			             soup_message_get_reason_phrase (msg));
			return NULL;
		}
		return eas_autodiscover_response_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), error);
	}
	g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Autodiscover: more than %d redirects"), MAX_HOPS);
	return NULL;
}

/* The EAS URL for email: the configured Autodiscover URL, else
 * https://DOMAIN/… then https://autodiscover.DOMAIN/… ([MS-ASCMD] 2.2.1.1);
 * a Redirect answer starts over with the address it names. */
static char *
autodiscover (Client *c, const char *email, const char *fixed_url, GError **error)
{
	g_autofree char *address = g_strdup (email);
	guint hops = 0;

	while (hops < MAX_HOPS) {
		const char *at = strrchr (address, '@');
		g_autofree char *first = NULL, *second = NULL;
		const char *candidates[3] = { NULL };
		g_autoptr (EasAutodiscoverResponse) r = NULL;
		g_autoptr (GError) last = NULL;

		if (at == NULL || at[1] == '\0') {
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("not an email address: %s"), address);
			return NULL;
		}
		first = g_strconcat ("https://", at + 1, AUTODISCOVER_PATH, NULL);
		second = g_strconcat ("https://autodiscover.", at + 1, AUTODISCOVER_PATH, NULL);
		candidates[0] = fixed_url != NULL ? fixed_url : first;
		candidates[1] = fixed_url != NULL ? NULL : second;
		for (guint i = 0; candidates[i] != NULL && r == NULL; i++) {
			g_clear_error (&last);
			r = autodiscover_post (c, address, candidates[i], &hops, &last);
			/* A refused password or certificate is final; an unknown host is not. */
			if (r == NULL && (g_error_matches (last, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
			                  (last != NULL && last->domain == G_TLS_ERROR)))
				break;
		}
		if (r == NULL) {
			g_propagate_prefixed_error (error, g_steal_pointer (&last), _("Autodiscover for %s: "), address);
			return NULL;
		}
		if (r->url != NULL) {
			if (!is_https (r->url)) {
				g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
				             _("Autodiscover named a server that is not https://: %s"), r->url);
				return NULL;
			}
			return g_strdup (r->url);
		}
		if (r->redirect != NULL && strchr (r->redirect, '@') != NULL) {
			g_free (address);
			address = g_strdup (r->redirect);
			hops++;
			continue;
		}
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Autodiscover for %s: error %u: %s"), address,
		             r->error_code, r->error_message != NULL ? r->error_message : "");
		return NULL;
	}
	g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Autodiscover: more than %d redirects"), MAX_HOPS);
	return NULL;
}

/* ---- account add ------------------------------------------------------------ */

/* https://host[:port] alone means the standard EAS path. */
static char *
eas_url (const char *text, GError **error)
{
	g_autoptr (GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
	const char *path;

	if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_host (uri) == NULL) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
		             _("%s is not an https:// URL (the password is sent with Basic authentication, so only "
		               "https is used)"), text);
		return NULL;
	}
	path = g_uri_get_path (uri);
	if (path == NULL || path[0] == '\0' || strcmp (path, "/") == 0) {
		g_autoptr (GUri) full = g_uri_build (G_URI_FLAGS_NONE, "https", g_uri_get_userinfo (uri),
		                                     g_uri_get_host (uri), g_uri_get_port (uri), EAS_PATH, NULL, NULL);
		return g_uri_to_string (full);
	}
	return g_uri_to_string (uri);
}


typedef struct {
	char *accept;
	char *conflicts;
	char *autodiscover_url;
} AddOptions;

static int
add_run (Client *c, const char *target, const char *user, const AddOptions *o)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (ConduitAccount) a = g_new0 (ConduitAccount, 1);
	ConduitConflictPolicy policy = CONDUIT_CONFLICT_KEEP_BOTH;
	ConduitSecretStore store = CONDUIT_SECRET_NONE;
	gboolean by_email = strstr (target, "://") == NULL && strchr (target, '@') != NULL;

	if (o->conflicts != NULL && !conduit_conflict_policy_parse (o->conflicts, &policy)) {
		fail (_("--conflicts must be keep-both or server-wins"));
		return 2;
	}
	if (o->accept != NULL && (c->wanted = conduit_account_normalize_fingerprint (o->accept, &error)) == NULL) {
		fail (_("--accept-certificate: a SHA-256 fingerprint is 32 bytes in hex (AB:CD:… or abcd…)"));
		return 2;
	}
	if (!by_email && (a->url = eas_url (target, &error)) == NULL) {
		fail ("%s", error->message);
		return 2;
	}
	c->user = g_strdup (user != NULL ? user : target);
	c->password = read_password (c->user, target);
	if (c->password == NULL || c->password[0] == '\0') {
		fail (_("no password given (on stdin or at the prompt)"));
		return 1;
	}
	if (by_email) {
		a->email = g_strdup (target);
		if ((a->url = autodiscover (c, target, o->autodiscover_url, &error)) == NULL) {
			fail (_("%s. Nothing was saved."), error->message);
			return 1;
		}
		printf (_("Autodiscover: %s\n"), a->url);
	}
	if (!check_account (c, a->url, &error) ||
	    (a->id = conduit_account_make_id (a->url, c->user, &error)) == NULL) {
		fail (_("%s. Nothing was saved."), error->message);
		return 1;
	}
	a->user = g_strdup (c->user);
	a->cert_sha256 = g_strdup (c->pin);
	a->password = g_strdup (c->password);
	if (!conduit_account_save (NULL, a, policy, &store, &error)) {
		fail ("%s", error->message);
		return 1;
	}
	if (store == CONDUIT_SECRET_KEYRING) {
		printf (_("Added account %s (password in the desktop keyring).\n"), a->id);
	} else {
		g_autofree char *path = g_build_filename (g_get_user_config_dir (), "airdock", "secrets", NULL);

		/* Translators: %s: account id; second %s: a file name */
		printf (_("Added account %s (password in %s, readable only by you).\n"), a->id, path);
	}
	if (a->cert_sha256 != NULL)
		printf (_("Pinned certificate SHA-256 %s.\n"), a->cert_sha256);
	return 0;
}

static int
cmd_add (int argc, char **argv)
{
	AddOptions o = { 0 };
	GOptionEntry entries[] = {
		{ "accept-certificate", 0, 0, G_OPTION_ARG_STRING, &o.accept,
		  N_("Trust the server's certificate with this SHA-256 fingerprint"), "SHA256" },
		{ "conflicts", 0, 0, G_OPTION_ARG_STRING, &o.conflicts,
		  N_("What wins when both sides changed an item: keep-both (default) or server-wins"), "POLICY" },
		{ "autodiscover-url", 0, 0, G_OPTION_ARG_STRING, &o.autodiscover_url,
		  N_("Ask this Autodiscover URL instead of the email domain's"), "URL" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new (_("URL USER | EMAIL [USER] — add a server account"));
	g_autoptr (GError) error = NULL;
	g_auto (Client) c = { 0 };
	int status;

	g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
	g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
	if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc < 2 || argc > 3 ||
	    (argc == 2 && strchr (argv[1], '@') == NULL)) {
		fail ("%s", error != NULL ? error->message : _("usage: account add URL USER | account add EMAIL [USER]"));
		status = 2;
		goto out;
	}
	c.interactive = isatty (STDIN_FILENO) && isatty (STDERR_FILENO);
	c.session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_S, "idle-timeout", HTTP_TIMEOUT_S,
	                                           "user-agent", "airdock-conduit/" PACKAGE_VERSION, NULL);
	status = add_run (&c, argv[1], argc == 3 ? argv[2] : NULL, &o);
out:
	g_free (o.accept);
	g_free (o.conflicts);
	g_free (o.autodiscover_url);
	return status;
}

/* ---- account list, remove ---------------------------------------------------- */

static void
json_string (GString *out, const char *s)
{
	if (s == NULL) {
		g_string_append (out, "null");
		return;
	}
	g_string_append_c (out, '"');
	for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_printf (out, "\\%c", *p);
		else if (*p < 0x20)
			g_string_append_printf (out, "\\u%04x", *p);
		else
			g_string_append_c (out, (char) *p);
	}
	g_string_append_c (out, '"');
}

static const char *
store_word (ConduitSecretStore store)
{
	return store == CONDUIT_SECRET_KEYRING ? "keyring" : store == CONDUIT_SECRET_FILE ? "file" : "none";
}

static void
print_json (GPtrArray *list)
{
	g_autoptr (GString) out = g_string_new ("[");

	for (guint i = 0; i < list->len; i++) {
		ConduitAccount *a = g_ptr_array_index (list, i);

		g_string_append (out, i > 0 ? ",\n {" : "\n {");
		g_string_append (out, "\"id\": ");
		json_string (out, a->id);
		g_string_append (out, ", \"url\": ");
		json_string (out, a->url);
		g_string_append (out, ", \"user\": ");
		json_string (out, a->user);
		g_string_append (out, ", \"email\": ");
		json_string (out, a->email);
		g_string_append (out, ", \"cert_sha256\": ");
		json_string (out, a->cert_sha256);
		g_string_append_printf (out, ", \"certificate_pinned\": %s, \"password_store\": \"%s\", \"conflicts\": \"%s\"}",
		                        a->cert_sha256 != NULL ? "true" : "false",
		                        store_word (conduit_account_get_secret_store (NULL, a)),
		                        conduit_conflict_policy_to_string (conduit_account_get_conflict_policy (NULL, a)));
	}
	g_string_append (out, list->len > 0 ? "\n]\n" : "]\n");
	fputs (out->str, stdout);
}

/* Pads to width columns of characters (UTF-8 aware). */
static void
cell (const char *s, gsize width, gboolean last)
{
	gsize n = (gsize) g_utf8_strlen (s, -1);

	fputs (s, stdout);
	if (last) {
		fputc ('\n', stdout);
		return;
	}
	for (; n < width + 2; n++)
		fputc (' ', stdout);
}

static void
print_table (GPtrArray *list)
{
	enum { COLS = 5 };
	const char *head[COLS] = { _("ID"), _("URL"), _("USER"), _("PINNED"), _("PASSWORD") };
	gsize width[COLS];
	g_autoptr (GPtrArray) rows = g_ptr_array_new ();

	for (guint k = 0; k < COLS; k++)
		width[k] = (gsize) g_utf8_strlen (head[k], -1);
	for (guint i = 0; i < list->len; i++) {
		ConduitAccount *a = g_ptr_array_index (list, i);
		ConduitSecretStore store = conduit_account_get_secret_store (NULL, a);
		const char **row = g_new (const char *, COLS);

		row[0] = a->id;
		row[1] = a->url;
		row[2] = a->user;
		row[3] = a->cert_sha256 != NULL ? _("yes") : _("no");
		row[4] = store == CONDUIT_SECRET_KEYRING ? _("keyring") : store == CONDUIT_SECRET_FILE ? _("file") : _("none");
		for (guint k = 0; k < COLS; k++)
			width[k] = MAX (width[k], (gsize) g_utf8_strlen (row[k], -1));
		g_ptr_array_add (rows, row);
	}
	for (guint k = 0; k < COLS; k++)
		cell (head[k], width[k], k == COLS - 1);
	for (guint i = 0; i < rows->len; i++) {
		const char **row = g_ptr_array_index (rows, i);

		for (guint k = 0; k < COLS; k++)
			cell (row[k], width[k], k == COLS - 1);
		g_free (row);
	}
}

static int
cmd_list (int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new (_("— list the server accounts"));
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) list = NULL;

	g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
	g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
	if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 1) {
		fail ("%s", error != NULL ? error->message : _("usage: account list [--json]"));
		return 2;
	}
	if ((list = conduit_accounts_list (NULL, &error)) == NULL) {
		fail ("%s", error->message);
		return 1;
	}
	if (json)
		print_json (list);
	else if (list->len == 0)
		printf ("%s\n", _("No accounts. Add one with: airdock-conduit account add URL USER"));
	else
		print_table (list);
	return 0;
}

static int
cmd_remove (int argc, char **argv)
{
	g_autoptr (GOptionContext) ctx = g_option_context_new (_("ID — remove a server account and its password"));
	g_autoptr (GError) error = NULL;

	g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
	if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc != 2) {
		fail ("%s", error != NULL ? error->message : _("usage: account remove ID"));
		return 2;
	}
	if (!conduit_account_remove (NULL, argv[1], &error)) {
		fail ("%s", error->message);
		return 1;
	}
	printf (_("Removed account %s.\n"), argv[1]);
	return 0;
}

int
conduit_account_cli_main (int argc, char **argv)
{
	const char *localedir = g_getenv ("AIRDOCK_LOCALEDIR");

	setlocale (LC_ALL, "");
	/* AIRDOCK_LOCALEDIR lets tests use the catalogs of the build tree. */
	bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);
	if (argc >= 2) {
		/* --help then says "airdock-conduit account add [OPTION…] …". */
		g_autofree char *name = g_strconcat ("airdock-conduit account ", argv[1], NULL);

		g_set_prgname (name);
	}
	if (argc >= 2 && strcmp (argv[1], "add") == 0)
		return cmd_add (argc - 1, argv + 1);
	if (argc >= 2 && strcmp (argv[1], "list") == 0)
		return cmd_list (argc - 1, argv + 1);
	if (argc >= 2 && strcmp (argv[1], "remove") == 0)
		return cmd_remove (argc - 1, argv + 1);
	fail ("%s", _("usage: airdock-conduit account add|list|remove …"));
	return 2;
}
