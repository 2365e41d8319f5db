/* airdockctl — administer airdockd's store: accounts and local delivery.
 *
 *   airdockctl [-c FILE | --data-dir DIR] user add NAME EMAIL
 *   airdockctl [-c FILE | --data-dir DIR] user passwd NAME
 *   airdockctl [-c FILE | --data-dir DIR] user verify NAME
 *   airdockctl [-c FILE | --data-dir DIR] user del NAME
 *   airdockctl [-c FILE | --data-dir DIR] user list
 *   airdockctl [-c FILE | --data-dir DIR] deliver USER < message.eml
 *   airdockctl [-c FILE | --data-dir DIR] status
 *   airdockctl [-c FILE | --data-dir DIR] import|export …   (airdockctl-pim.c)
 *
 * Passwords come from stdin when it is not a terminal (one line), else they
 * are asked for twice without echo.  Exit status: 0 done, 1 failed, 2 usage.
 */
#include "config.h"

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "server/airdockctl-devices.h"
#include "server/airdockctl-gal.h"
#include "server/airdockctl-log.h"
#include "server/airdockctl-pim.h"
#include "server/airdockd-config.h"
#include "server/airdockd-lmtp.h"
#include "server/airdockd-password.h"
#include "server/airdockd-store.h"

#define EXIT_USAGE 2

static char *opt_config = NULL;
static char *opt_data_dir = NULL;

static const GOptionEntry entries[] = {
	{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config, "airdockd configuration file", "FILE" },
	{ "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_data_dir, "store directory (instead of -c)", "DIR" },
	{ NULL }
};

/* Reads one line of at most AIRDOCKD_PASSWORD_MAX bytes from fp. */
static char *
read_secret_line (FILE *fp, GError **error)
{
	char buf[AIRDOCKD_PASSWORD_MAX + 3];
	char *result = NULL;
	gsize len;

	if (fgets (buf, sizeof buf, fp) == NULL) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no password given");
		return NULL;
	}
	len = strlen (buf);
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	else if (!feof (fp))
		len = sizeof buf;	/* longer than the buffer */
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (len == 0 || len > AIRDOCKD_PASSWORD_MAX)
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			     "the password must be 1 to %d bytes", AIRDOCKD_PASSWORD_MAX);
	else
		result = g_strdup (buf);
	explicit_bzero (buf, sizeof buf);
	return result;
}

static char *
prompt_secret (const char *prompt, GError **error)
{
	struct termios old, quiet;
	FILE *tty = fopen ("/dev/tty", "r+");
	char *secret;

	if (tty == NULL || tcgetattr (fileno (tty), &old) != 0) {
		if (tty != NULL)
			fclose (tty);
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot prompt for a password");
		return NULL;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t) ECHO;
	fputs (prompt, tty);
	fflush (tty);
	tcsetattr (fileno (tty), TCSAFLUSH, &quiet);
	secret = read_secret_line (tty, error);
	tcsetattr (fileno (tty), TCSAFLUSH, &old);
	fputs ("\n", tty);
	fclose (tty);
	return secret;
}

static char *
get_password (GError **error)
{
	char *a, *b;
	gboolean same;

	if (!isatty (STDIN_FILENO))
		return read_secret_line (stdin, error);
	a = prompt_secret ("Password: ", error);
	if (a == NULL)
		return NULL;
	b = prompt_secret ("Again: ", error);
	same = b != NULL && strcmp (a, b) == 0;
	airdockd_password_free (b);
	if (!same) {
		airdockd_password_free (a);
		if (error != NULL && *error == NULL)
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "the passwords differ");
		return NULL;
	}
	return a;
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

/* Copies stdin into a store temp file (bounded like LMTP) and delivers it. */
static gboolean
cmd_deliver (AirdockdStore *store, const char *name, GError **error)
{
	g_autoptr (AirdockdUser) user = airdockd_store_user_lookup (store, name, error);
	g_autoptr (GInputStream) in = NULL;
	g_autoptr (GOutputStream) out = NULL;
	g_autoptr (AirdockdItem) item = NULL;
	g_autofree char *path = NULL;
	gssize n;

	if (user == NULL)
		return FALSE;
	out = airdockd_store_temp_file_new (store, &path, error);
	if (out == NULL)
		return FALSE;
	in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
	n = g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, error);
	if (n >= 0 && n > AIRDOCKD_LMTP_DEFAULT_MAX_MESSAGE)
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE, "message larger than %d bytes",
			     AIRDOCKD_LMTP_DEFAULT_MAX_MESSAGE);
	else if (n >= 0)
		item = airdockd_lmtp_deliver_file (store, user->id, path, error);
	g_unlink (path);
	if (item == NULL)
		return FALSE;
	g_print ("%s\n", item->server_id);
	return TRUE;
}

static gboolean
cmd_user (AirdockdStore *store, int argc, char **argv, GError **error)
{
	const char *verb = argv[0];
	g_autoptr (AirdockdUser) user = NULL;
	char *password = NULL;
	gboolean ok = FALSE;

	if (strcmp (verb, "list") == 0 && argc == 1) {
		g_autoptr (GPtrArray) users = airdockd_store_user_list (store, error);
		for (guint i = 0; users != NULL && i < users->len; i++) {
			AirdockdUser *u = users->pdata[i];
			g_print ("%s\t%s\n", u->name, u->email);
		}
		return users != NULL;
	}
	if (strcmp (verb, "add") == 0 && argc == 3) {
		password = get_password (error);
		ok = password != NULL && airdockd_store_user_add (store, argv[1], argv[2], password, NULL, error);
	} else if (strcmp (verb, "passwd") == 0 && argc == 2) {
		user = airdockd_store_user_get_by_name (store, argv[1], error);
		password = user ? get_password (error) : NULL;
		ok = password != NULL && airdockd_store_user_set_password (store, user->id, password, error);
	} else if (strcmp (verb, "verify") == 0 && argc == 2) {
		password = get_password (error);
		user = password ? airdockd_store_user_verify (store, argv[1], password, error) : NULL;
		ok = user != NULL;
	} else if (strcmp (verb, "del") == 0 && argc == 2) {
		user = airdockd_store_user_get_by_name (store, argv[1], error);
		ok = user != NULL && airdockd_store_user_delete (store, user->id, error);
	} else {
		g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "unknown user command");
	}
	airdockd_password_free (password);
	return ok;
}

/* Reads "parked=N" from the push hub's status file (data_dir/push.status,
 * rewritten by airdockd whenever the count changes).  FALSE when absent. */
static gboolean
read_parked (AirdockdStore *store, guint64 *out_parked, GDateTime **out_when)
{
	g_autofree char *path = g_build_filename (airdockd_store_get_data_dir (store), "push.status", NULL);
	g_autofree char *text = NULL;
	g_autoptr (GFile) file = NULL;
	g_autoptr (GFileInfo) info = NULL;
	guint64 parked = 0;

	if (!g_file_get_contents (path, &text, NULL, NULL) || !g_str_has_prefix (text, "parked="))
		return FALSE;
	g_strchomp (text);
	if (!g_ascii_string_to_unsigned (text + strlen ("parked="), 10, 0, G_MAXUINT32, &parked, NULL))
		return FALSE;
	file = g_file_new_for_path (path);
	info = g_file_query_info (file, G_FILE_ATTRIBUTE_TIME_MODIFIED, G_FILE_QUERY_INFO_NONE, NULL, NULL);
	*out_parked = parked;
	*out_when = info != NULL ? g_file_info_get_modification_date_time (info) : NULL;
	return TRUE;
}

/* What an administrator checks first: accounts, devices by wipe state, and
 * how many Pings the daemon holds parked right now. */
static gboolean
cmd_status (AirdockdStore *store, GError **error)
{
	g_autoptr (GPtrArray) users = airdockd_store_user_list (store, error);
	g_autoptr (GPtrArray) devices = NULL;
	g_autoptr (GDateTime) when = NULL;
	guint pending = 0, wiped = 0;
	guint64 parked = 0;

	if (users == NULL)
		return FALSE;
	devices = airdockd_store_device_list (store, 0, error);
	if (devices == NULL)
		return FALSE;
	for (guint i = 0; i < devices->len; i++) {
		const AirdockdDevice *d = g_ptr_array_index (devices, i);

		if (d->wipe_state == AIRDOCKD_WIPE_WIPED || d->wipe_state == AIRDOCKD_WIPE_ACCOUNT_ONLY_WIPED)
			wiped++;
		else if (d->wipe_state != AIRDOCKD_WIPE_NONE)
			pending++;
	}
	g_print ("data dir:      %s\n", airdockd_store_get_data_dir (store));
	g_print ("users:         %u\n", users->len);
	g_print ("devices:       %u (wipe in progress: %u, wiped: %u)\n", devices->len, pending, wiped);
	if (read_parked (store, &parked, &when)) {
		g_autofree char *stamp = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S %Z") : NULL;

		g_print ("parked Pings:  %" G_GUINT64_FORMAT " (as of %s)\n", parked, stamp ? stamp : "unknown");
	} else {
		g_print ("parked Pings:  none reported (airdockd has served no device since it started)\n");
	}
	return TRUE;
}

static gboolean
is_usage (int argc, char **argv)
{
	if (argc < 2)
		return TRUE;
	if (strcmp (argv[1], "status") == 0)
		return argc != 2;
	if (strcmp (argv[1], "deliver") == 0)
		return argc != 3;
	if (strcmp (argv[1], "user") != 0 || argc < 3)
		return TRUE;
	if (strcmp (argv[2], "list") == 0)
		return argc != 3;
	if (strcmp (argv[2], "add") == 0)
		return argc != 5;
	if (strcmp (argv[2], "passwd") == 0 || strcmp (argv[2], "del") == 0 || strcmp (argv[2], "verify") == 0)
		return argc != 4;
	return TRUE;
}

int
main (int argc, char **argv)
{
	g_autoptr (GOptionContext) ctx = g_option_context_new ("user add|passwd|verify|del|list … | deliver USER | status | devices … | log … | import … | export …");
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockdStore) store = NULL;
	gboolean ok;
	const char *localedir = g_getenv ("AIRDOCK_LOCALEDIR");

	/* The subcommands' messages are translated (po/). */
	setlocale (LC_ALL, "");
	setlocale (LC_NUMERIC, "C");	/* JSON and figures keep their dots */
	bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
	bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
	textdomain (GETTEXT_PACKAGE);
	if (airdockctl_devices_is_command (argc, argv))
		return airdockctl_devices_main (argc, argv);
	if (airdockctl_gal_is_command (argc, argv))
		return airdockctl_gal_main (argc, argv);
	if (airdockctl_log_is_command (argc, argv))
		return airdockctl_log_main (argc, argv);
	if (airdockctl_pim_is_command (argc, argv))
		return airdockctl_pim_main (argc, argv);
	g_option_context_add_main_entries (ctx, entries, NULL);
	g_option_context_set_summary (ctx, "Administer the airdockd store: accounts and local delivery.");
	if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
		g_printerr ("airdockctl: %s\n", error->message);
		return EXIT_USAGE;
	}
	if (is_usage (argc, argv)) {
		g_autofree char *help = g_option_context_get_help (ctx, TRUE, NULL);
		g_printerr ("%s", help);
		return EXIT_USAGE;
	}
	store = open_store (&error);
	if (store == NULL) {
		g_printerr ("airdockctl: %s\n", error->message);
		return EXIT_FAILURE;
	}
	if (strcmp (argv[1], "deliver") == 0)
		ok = cmd_deliver (store, argv[2], &error);
	else if (strcmp (argv[1], "status") == 0)
		ok = cmd_status (store, &error);
	else
		ok = cmd_user (store, argc - 2, argv + 2, &error);
	if (!ok) {
		g_printerr ("airdockctl: %s\n", error ? error->message : "failed");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
