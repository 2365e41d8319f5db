/* airdockd — the Exchange ActiveSync server.
 *
 *   airdockd -c FILE [--check-config] [--ports-file FILE]
 */
#include "config.h"

#include <locale.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "server/airdockd-adminweb.h"
#include "server/airdockd-config.h"
#include "server/airdockd-http.h"
#include "server/airdockd-lmtp.h"
#include "server/airdockd-search-index.h"
#include "server/airdockd-store.h"
#include "server/airdockd-tls.h"

static gboolean
quit_loop (gpointer user_data)
{
	g_main_loop_quit (user_data);
	return G_SOURCE_CONTINUE;
}

static const char *
display_host (const char *listen_address)
{
	if (g_str_equal (listen_address, "0.0.0.0"))
		return "127.0.0.1";
	if (g_str_equal (listen_address, "::"))
		return "[::1]";
	return listen_address;
}

/* Prints the bound ports (tests start us with port 0) and writes them to
 * ports_file ("http=N\nhttps=N\nlmtp=N\nadmin=N\n", atomically) when asked. */
static gboolean
announce (AirdockdServer *server, const AirdockdConfig *config, guint16 lmtp, guint16 admin,
          const char *ports_file, GError **error)
{
	const char *host = display_host (config->listen_address);
	guint16 http = airdockd_server_get_http_port (server);
	guint16 https = airdockd_server_get_https_port (server);
	g_autofree char *text = g_strdup_printf ("http=%u\nhttps=%u\nlmtp=%u\nadmin=%u\n",
	                                         http, https, lmtp, admin);
	g_autofree char *admin_host = NULL;

	if (http != 0)
		printf ("airdockd: listening on http://%s:%u\n", host, http);
	if (https != 0)
		printf ("airdockd: listening on https://%s:%u\n", host, https);
	if (lmtp != 0)
		printf ("airdockd: LMTP on port %u\n", lmtp);
	if (admin != 0 && airdockd_config_parse_host_port (config->admin_listen, &admin_host, NULL, NULL))
		printf ("airdockd: admin on http://%s:%u\n", display_host (admin_host), admin);
	fflush (stdout);
	return ports_file == NULL || g_file_set_contents (ports_file, text, -1, error);
}

/* Parked Pings hold a socket each: allow as many descriptors as the
 * system lets us ([limits] max_connections bounds what we use). */
static void
raise_fd_limit (void)
{
	struct rlimit rl;

	if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit (RLIMIT_NOFILE, &rl);
	}
}

static int
run (const AirdockdConfig *config, const char *ports_file)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdStore) store = NULL;
	g_autoptr (AirdockdSearchIndex) search_index = NULL;
	g_autoptr (AirdockdServer) server = NULL;
	g_autoptr (AirdockdLmtp) lmtp = NULL;
	g_autoptr (AirdockdAdminWeb) adminweb = NULL;
	guint16 admin_port = 0;
	g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
	guint16 lmtp_port = 0;

	raise_fd_limit ();
	if (g_mkdir_with_parents (config->data_dir, 0700) != 0) {
		g_printerr ("airdockd: cannot create %s ([server] data_dir)\n", config->data_dir);
		return 1;
	}
	store = airdockd_store_open (config->data_dir, &error);
	if (store == NULL) {
		g_printerr ("airdockd: opening the store: %s\n", error->message);
		return 1;
	}
	/* Mail bodies go into the Search index right after each delivery */
	search_index = airdockd_search_index_attach (store, &error);
	if (search_index == NULL) {
		g_printerr ("airdockd: opening the search index: %s\n", error->message);
		return 1;
	}
	/* Mail in ([lmtp] listen): delivers into Inboxes through the same store */
	if (config->lmtp_listen != NULL && config->lmtp_listen[0] != '\0') {
		lmtp = airdockd_lmtp_new (store, NULL);
		if (!airdockd_lmtp_listen (lmtp, config->lmtp_listen, &lmtp_port, &error)) {
			g_printerr ("airdockd: %s\n", error->message);
			return 1;
		}
	}
	/* The admin page ([admin] listen) only when someone may use it */
	if (config->admin_users != NULL && config->admin_users[0] != NULL) {
		adminweb = airdockd_adminweb_new (config, store);
		if (!airdockd_adminweb_listen (adminweb, &admin_port, &error)) {
			g_printerr ("airdockd: %s\n", error->message);
			return 1;
		}
	}
	server = airdockd_server_new (config, store, &error);
	if (server == NULL || !airdockd_server_listen (server, &error) ||
	    !announce (server, config, lmtp_port, admin_port, ports_file, &error)) {
		g_printerr ("airdockd: %s\n", error->message);
		return 1;
	}
	g_unix_signal_add (SIGTERM, quit_loop, loop);
	g_unix_signal_add (SIGINT, quit_loop, loop);
	g_main_loop_run (loop);
	return 0;
}

int
main (int argc, char **argv)
{
	g_autofree char *config_path = NULL;
	g_autofree char *ports_file = NULL;
	gboolean check_only = FALSE;
	gboolean version = FALSE;
	GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file", "FILE" },
		{ "check-config", 0, 0, G_OPTION_ARG_NONE, &check_only, "Validate the configuration and exit", NULL },
		{ "ports-file", 0, 0, G_OPTION_ARG_FILENAME, &ports_file, "Write the bound ports to FILE", "FILE" },
		{ "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
		G_OPTION_ENTRY_NULL
	};
	g_autoptr (GOptionContext) ctx = g_option_context_new ("- Exchange ActiveSync server");
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdConfig) config = NULL;

	setlocale (LC_ALL, "");
	g_option_context_add_main_entries (ctx, entries, NULL);
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("airdockd: %s\n", error->message);
		return 2;
	}
	if (version) {
		printf ("airdockd %s\n", PACKAGE_VERSION);
		return 0;
	}
	config = config_path != NULL ? airdockd_config_load (config_path, &error)
	                             : airdockd_config_new_default ();
	if (config == NULL) {
		g_printerr ("airdockd: %s\n", error->message);
		return 1;
	}
	/* Configured certificate files must load; a generated one is made at start. */
	if (check_only && config->tls_cert != NULL) {
		g_autoptr (GTlsCertificate) cert = airdockd_tls_load (config->data_dir, config->tls_cert,
		                                                      config->tls_key, NULL, NULL, &error);
		if (cert == NULL) {
			g_printerr ("airdockd: [server] tls_cert / tls_key: %s\n", error->message);
			return 1;
		}
	}
	if (check_only) {
		printf ("airdockd: %s: configuration is valid\n", config_path != NULL ? config_path : "(defaults)");
		return 0;
	}
	if (config->debug || config->traffic)
		g_log_set_debug_enabled (TRUE);
	return run (config, ports_file);
}
