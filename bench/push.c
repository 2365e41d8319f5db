/* bench/push.c — parked Pings: memory, idle CPU, wake latency, and what
 * they cost ordinary requests.
 *
 *   bench/push [--devices N] [--users U] [--deliveries M] [--syncs K] [--https]
 *
 * Starts the real airdockd (test harness, temporary data dir, loopback),
 * creates U users and N devices spread over them (one device provisioned
 * through both Provision phases; the others get its acknowledged key
 * through the store, so setup does not take N round trips twice), and:
 *   1. times K ordinary Syncs (no changes) of one extra device: server CPU
 *      per request with 0 Pings parked;
 *   2. parks one Ping per device (its own TCP or TLS connection), waits
 *      until the server reports N parked (data_dir/push.status), and
 *      reports the server's RSS growth per parked Ping (VmRSS in
 *      /proc/PID/status) and its CPU over 5 s of idling;
 *   3. the same K Syncs with N parked;
 *   4. M deliveries over LMTP to random users: the latency from the end
 *      of the LMTP transaction (250 after DATA) to each of that user's
 *      Ping responses (status 2), p50/p99/max.
 * Server CPU is the sum of /proc/PID/task/<tid>/schedstat.  Bounded: every
 * wait has a deadline; the harness stops the server at the end.  Raises
 * RLIMIT_NOFILE to the hard limit (N sockets here, N in the server).
 *
 * Goals: ≤ 4 KiB per parked Ping over HTTP, ≤ 32 KiB over HTTPS; p99 wake
 * < 50 ms at 10,000 parked; Sync CPU with 10,000 parked ≤ 1.5× idle.
 * Figures are printed, never asserted.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench/bench-util.h"
#include "eas/eas-ping.h"
#include "eas/eas-wbxml.h"
#include "server/airdockd-store.h"
#include "tests/server/eas-client.h"

#define PASSWORD "bench-password"

static gint n_devices = 1000;
static gint n_users = 100;
static gint n_deliveries = 30;
static gint n_syncs = 200;
static gboolean https = FALSE;
static gint poll_interval = -1;

static const GOptionEntry options[] = {
	{ "devices", 'n', 0, G_OPTION_ARG_INT, &n_devices, "Devices, one parked Ping each (1000)", "N" },
	{ "users", 'u', 0, G_OPTION_ARG_INT, &n_users, "Users the devices belong to (100)", "U" },
	{ "deliveries", 'm', 0, G_OPTION_ARG_INT, &n_deliveries, "LMTP deliveries to time (30)", "M" },
	{ "syncs", 'k', 0, G_OPTION_ARG_INT, &n_syncs, "Ordinary Syncs to time (200)", "K" },
	{ "https", 's', 0, G_OPTION_ARG_NONE, &https, "Park over HTTPS instead of HTTP", NULL },
	{ "poll-interval", 'p', 0, G_OPTION_ARG_INT, &poll_interval, "Server's [push] poll_interval (default: its own)", "S" },
	{ NULL }
};

typedef struct {
	guint user;
	GIOStream *io;		/* TCP connection, or TLS on it */
	GSocketConnection *tcp;
	int fd;
	gboolean answered;
} Device;

static guint64
server_rss_kib (GPid pid)
{
	g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
	g_autofree char *text = NULL;
	const char *p;

	if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strstr (text, "VmRSS:")) == NULL)
		return 0;
	return g_ascii_strtoull (p + 6, NULL, 10);
}

static void
raise_fd_limit (void)
{
	struct rlimit rl;

	if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit (RLIMIT_NOFILE, &rl);
	}
}

/* ---- setup ------------------------------------------------------------------ */

static char *
user_name (guint u)
{
	return g_strdup_printf ("u%u", u);
}

/* Provisions one device for real and gives every other device its key. */
static guint32
setup_devices (AirdockHarness *h, AirdockdStore *store, const gint64 *uids, GPtrArray *inboxes)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasClient) c = airdock_eas_client_new (h, FALSE, "u0", PASSWORD, "D0", "Bench", 141);
	g_autoptr (AirdockdDevice) d0 = NULL;

	if (!airdock_eas_client_provision (c, NULL, &error))
		g_error ("provision: %s", error->message);
	d0 = airdockd_store_device_get (store, uids[0], "D0", &error);
	g_assert_no_error (error);
	if (!airdockd_store_begin (store, &error))
		g_error ("%s", error->message);
	for (gint i = 1; i < n_devices; i++) {
		guint u = (guint) i % (guint) n_users;
		g_autofree char *id = g_strdup_printf ("D%d", i);
		g_autoptr (AirdockdDevice) d = airdockd_store_device_ensure (store, uids[u], id, "Bench", &error);

		if (d == NULL || !airdockd_store_device_set_policy (store, uids[u], d->id, 0, d0->policy_key,
		                                                    d0->policy_hash, &error))
			g_error ("device %d: %s", i, error->message);
	}
	if (!airdockd_store_commit (store, &error))
		g_error ("%s", error->message);
	return d0->policy_key;
}

/* ---- Pings -------------------------------------------------------------------- */

static gboolean
accept_any (GTlsConnection *conn, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer data)
{
	return TRUE;	/* loopback, our own server's generated certificate */
}

static void
send_ping (AirdockHarness *h, Device *d, gint i, guint32 key, const char *inbox)
{
	g_autoptr (GSocketClient) sc = g_socket_client_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (EasNode) root = eas_node_new (EAS_PING_PING);
	g_autoptr (GBytes) body = NULL;
	g_autofree char *user = user_name (d->user);
	g_autofree char *cred = g_strdup_printf ("%s:%s", user, PASSWORD);
	g_autofree char *auth = g_base64_encode ((const guchar *) cred, strlen (cred));
	g_autofree char *head = NULL;
	EasNode *f = eas_node_append (eas_node_append (root, EAS_PING_FOLDERS), EAS_PING_FOLDER);
	GOutputStream *out;

	eas_node_append_text (root, EAS_PING_HEARTBEAT_INTERVAL, "3540");
	eas_node_append_text (f, EAS_PING_ID, inbox);
	eas_node_append_text (f, EAS_PING_CLASS, "Email");
	body = eas_node_encode (root);
	head = g_strdup_printf ("POST /Microsoft-Server-ActiveSync?Cmd=Ping&User=%s&DeviceId=D%d&DeviceType=Bench"
	                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\n"
	                        "MS-ASProtocolVersion: 14.1\r\nX-MS-PolicyKey: %u\r\n"
	                        "Content-Type: application/vnd.ms-sync.wbxml\r\n"
	                        "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
	                        user, i, auth, key, g_bytes_get_size (body));
	d->tcp = g_socket_client_connect_to_host (sc, "127.0.0.1", https ? h->https_port : h->http_port,
	                                          NULL, &error);
	if (d->tcp == NULL)
		g_error ("connect %d: %s", i, error->message);
	d->fd = g_socket_get_fd (g_socket_connection_get_socket (d->tcp));
	if (https) {
		d->io = g_tls_client_connection_new (G_IO_STREAM (d->tcp), NULL, &error);
		/* No trust database: the system's would be loaded per connection
		 * (MiBs each); accept_any takes our own server's certificate. */
		g_tls_connection_set_database (G_TLS_CONNECTION (d->io), NULL);
		g_signal_connect (d->io, "accept-certificate", G_CALLBACK (accept_any), NULL);
		if (d->io == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (d->io), NULL, &error))
			g_error ("TLS %d: %s", i, error->message);
	} else {
		d->io = G_IO_STREAM (g_object_ref (d->tcp));
	}
	out = g_io_stream_get_output_stream (d->io);
	if (!g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error) ||
	    !g_output_stream_write_all (out, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL, NULL,
	                                &error))
		g_error ("send %d: %s", i, error->message);
}

/* Reads one whole response; returns its Ping Status (0 = not a Ping body). */
static guint
read_response (Device *d)
{
	GInputStream *in = g_io_stream_get_input_stream (d->io);
	g_autoptr (GByteArray) buf = g_byte_array_new ();
	guint8 chunk[4096];
	const char *end = NULL;
	gsize head_len = 0, clen = 0;

	for (;;) {
		gssize n = g_input_stream_read (in, chunk, sizeof chunk, NULL, NULL);

		if (n <= 0)
			return 0;
		g_byte_array_append (buf, chunk, (guint) n);
		if (end == NULL) {
			g_autofree char *text = g_strndup ((const char *) buf->data, buf->len);
			const char *cl;

			end = strstr (text, "\r\n\r\n");
			if (end == NULL)
				continue;
			head_len = (gsize) (end - text) + 4;
			cl = strstr (text, "Content-Length: ");
			clen = cl != NULL ? g_ascii_strtoull (cl + 16, NULL, 10) : 0;
		}
		if (buf->len >= head_len + clen)
			break;
	}
	{
		g_autoptr (EasNode) root = eas_wbxml_parse (buf->data + head_len, clen, NULL, NULL);
		guint64 status = 0;

		if (root == NULL || !eas_node_child_uint (root, EAS_PING_STATUS, 0, 1000, &status, NULL))
			return 0;
		return (guint) status;
	}
}

/* ---- LMTP ------------------------------------------------------------------------- */

static guint16
lmtp_port (AirdockHarness *h)
{
	g_autofree char *text = NULL;
	const char *p;

	if (!g_file_get_contents (h->ports_path, &text, NULL, NULL) || (p = strstr (text, "lmtp=")) == NULL)
		g_error ("no LMTP port");
	return (guint16) g_ascii_strtoull (p + 5, NULL, 10);
}

static void
lmtp_reply (GDataInputStream *in, const char *code)
{
	for (;;) {
		g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);

		if (line == NULL || !g_str_has_prefix (line, code))
			g_error ("LMTP: expected %s, got %s", code, line ? line : "EOF");
		if (line[3] != '-')
			return;
	}
}

/* Delivers one message; returns the monotonic time of the final 250, and
 * in *out_sent the time the message's final "." went out. */
static gint64
deliver (guint16 port, const char *rcpt, guint n, gint64 *out_sent)
{
	g_autoptr (GSocketClient) sc = g_socket_client_new ();
	g_autoptr (GSocketConnection) conn = g_socket_client_connect_to_host (sc, "127.0.0.1", port, NULL, NULL);
	g_autoptr (GDataInputStream) in = NULL;
	g_autofree char *script = NULL;
	GOutputStream *out;
	gint64 t;

	if (conn == NULL)
		g_error ("LMTP connect failed");
	in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
	g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
	out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
	lmtp_reply (in, "220");
	script = g_strdup_printf ("LHLO bench\r\nMAIL FROM:<b@example.net>\r\nRCPT TO:<%s>\r\nDATA\r\n", rcpt);
	g_output_stream_write_all (out, script, strlen (script), NULL, NULL, NULL);
	lmtp_reply (in, "250");
	lmtp_reply (in, "250");
	lmtp_reply (in, "250");
	lmtp_reply (in, "354");
	g_free (script);
	script = g_strdup_printf ("From: b@example.net\r\nSubject: bench %u\r\nMessage-ID: <bench%u@example.net>\r\n"
	                          "\r\nHello.\r\n.\r\n", n, n);
	*out_sent = g_get_monotonic_time ();
	g_output_stream_write_all (out, script, strlen (script), NULL, NULL, NULL);
	lmtp_reply (in, "250");
	t = g_get_monotonic_time ();
	g_output_stream_write_all (out, "QUIT\r\n", 6, NULL, NULL, NULL);
	return t;
}

/* ---- ordinary Syncs ---------------------------------------------------------------- */

static char *
sync_once (AirdockEasClient *c, const char *inbox, const char *key)
{
	g_autoptr (EasNode) root = eas_node_new (EAS_AIRSYNC_SYNC);
	EasNode *col = eas_node_append (eas_node_append (root, EAS_AIRSYNC_COLLECTIONS), EAS_AIRSYNC_COLLECTION);
	g_autoptr (GError) error = NULL;
	g_autoptr (AirdockEasResponse) r = NULL;
	EasNode *rcol;

	eas_node_append_text (col, EAS_AIRSYNC_SYNC_KEY, key);
	eas_node_append_text (col, EAS_AIRSYNC_COLLECTION_ID, inbox);
	r = airdock_eas_client_post_tree (c, EAS_CMD_SYNC, root, &error);
	if (r == NULL || r->http_status != 200)
		g_error ("Sync failed");
	if (r->tree == NULL)	/* empty body: nothing changed, key stays */
		return g_strdup (key);
	rcol = eas_node_path (r->tree, EAS_AIRSYNC_COLLECTIONS, EAS_AIRSYNC_COLLECTION, 0);
	if (rcol == NULL || eas_node_child_text (rcol, EAS_AIRSYNC_SYNC_KEY) == NULL)
		g_error ("Sync: no key");
	return g_strdup (eas_node_child_text (rcol, EAS_AIRSYNC_SYNC_KEY));
}

/* Server CPU per ordinary Sync, microseconds. */
static double
time_syncs (AirdockHarness *h, AirdockEasClient *c, const char *inbox, char **key)
{
	guint64 cpu0 = bench_server_cpu_ns (h->pid);

	for (gint i = 0; i < n_syncs; i++) {
		char *next = sync_once (c, inbox, *key);

		g_free (*key);
		*key = next;
	}
	return (bench_server_cpu_ns (h->pid) - cpu0) / 1e3 / n_syncs;
}

/* ---- wake latency -------------------------------------------------------------------- */

/* Waits for every unanswered device of user u; appends latencies (ms). */
static guint
collect_wakes (int epfd, Device *devs, guint u, gint64 t0, gint64 t_sent, GArray *lat, GArray *lat_sent)
{
	guint want = 0, got = 0, wrong = 0;
	gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

	for (gint i = 0; i < n_devices; i++)
		want += devs[i].user == u && !devs[i].answered;
	while (got < want && g_get_monotonic_time () < deadline) {
		struct epoll_event ev[64];
		int n = epoll_wait (epfd, ev, 64, 100);

		for (int k = 0; k < n; k++) {
			Device *d = ev[k].data.ptr;
			gint64 t = g_get_monotonic_time ();
			double ms = (t - t0) / 1e3;
			double ms_sent = (t - t_sent) / 1e3;

			if (d->answered)
				continue;
			d->answered = TRUE;
			epoll_ctl (epfd, EPOLL_CTL_DEL, d->fd, NULL);
			if (read_response (d) != EAS_PING_STATUS_CHANGES || d->user != u) {
				wrong++;
				continue;
			}
			g_array_append_val (lat, ms);
			g_array_append_val (lat_sent, ms_sent);
			got++;
		}
	}
	if (wrong > 0 || got < want)
		printf ("  delivery to u%u: %u of %u Pings answered 2, %u other answers\n", u, got, want, wrong);
	return got;
}

static void
measure_wakes (AirdockHarness *h, Device *devs, int epfd)
{
	g_autoptr (GArray) lat = g_array_new (FALSE, FALSE, sizeof (double));
	g_autoptr (GArray) lat_sent = g_array_new (FALSE, FALSE, sizeof (double));
	g_autoptr (GRand) rand = g_rand_new_with_seed (8);
	guint16 port = lmtp_port (h);

	for (gint m = 0; m < n_deliveries; m++) {
		guint u = (guint) g_rand_int_range (rand, 0, MIN (n_users, n_devices));
		g_autofree char *rcpt = g_strdup_printf ("u%u@example.org", u);
		gint64 sent = 0;
		gint64 t0 = deliver (port, rcpt, (guint) m, &sent);

		collect_wakes (epfd, devs, u, t0, sent, lat, lat_sent);
	}
	if (lat->len == 0) {
		printf ("wake latency: no samples\n");
		return;
	}
	bench_sort_doubles (lat);
	printf ("wake latency (LMTP 250 → Ping status 2), %u Pings over %d deliveries: "
	        "p50 %.2f ms, p99 %.2f ms, max %.2f ms  (goal p99 < 50 ms at 10,000)\n",
	        lat->len, n_deliveries, bench_percentile (lat, 50), bench_percentile (lat, 99),
	        bench_percentile (lat, 100));
	/* The server wakes Pings at the store's commit, before it answers
	 * 250: so also from the moment the message's final "." was sent. */
	bench_sort_doubles (lat_sent);
	printf ("wake latency (final \".\" of DATA sent → Ping status 2): "
	        "p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
	        bench_percentile (lat_sent, 50), bench_percentile (lat_sent, 99),
	        bench_percentile (lat_sent, 100));
}

/* ---- main ------------------------------------------------------------------------------ */

static void
park_all (AirdockHarness *h, Device *devs, guint32 key, GPtrArray *inboxes, int epfd)
{
	gint64 t0 = g_get_monotonic_time ();
	gint64 deadline;

	for (gint i = 0; i < n_devices; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };

		devs[i].user = (guint) i % (guint) n_users;
		send_ping (h, &devs[i], i, key, g_ptr_array_index (inboxes, devs[i].user));
		ev.data.ptr = &devs[i];
		epoll_ctl (epfd, EPOLL_CTL_ADD, devs[i].fd, &ev);
	}
	deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
	while (airdock_harness_parked (h) < (guint) n_devices && g_get_monotonic_time () < deadline)
		g_usleep (100 * 1000);
	printf ("parked: %u of %d Pings over %s in %.1f s\n", airdock_harness_parked (h), n_devices,
	        https ? "HTTPS" : "HTTP", (g_get_monotonic_time () - t0) / 1e6);
}

int
main (int argc, char **argv)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) inboxes = g_ptr_array_new_with_free_func (g_free);
	g_autofree gint64 *uids = NULL;
	g_autofree char *sync_key = g_strdup ("0");
	Device *devs;
	guint64 rss0, rss1, cpu0;
	double sync_idle, sync_parked;
	int epfd;
	guint32 key;

	if (!bench_init (&argc, &argv, "- parked Pings: memory, CPU, wake latency", options))
		return 2;
	if (n_devices < 1 || n_users < 1 || n_syncs < 1)
		return 2;
	raise_fd_limit ();

	g_autofree char *extra = poll_interval >= 0
	                         ? g_strdup_printf ("[server]\nconnection_timeout = 3600\n"
	                                            "[push]\npoll_interval = %d\n", poll_interval)
	                         : g_strdup ("[server]\nconnection_timeout = 3600\n");
	g_autoptr (AirdockHarness) h = airdock_harness_start (extra);
	g_autoptr (AirdockdStore) store = airdock_harness_open_store (h);
	n_users = MIN (n_users, n_devices);
	uids = g_new0 (gint64, n_users);
	for (gint u = 0; u < n_users; u++) {
		g_autofree char *name = user_name ((guint) u);
		g_autofree char *email = g_strdup_printf ("%s@example.org", name);
		g_autoptr (AirdockdFolder) inbox = NULL;

		uids[u] = airdock_harness_add_user (h, name, email, PASSWORD);
		inbox = airdockd_store_folder_get_by_type (store, uids[u], AIRDOCKD_FOLDER_INBOX, &error);
		g_assert_no_error (error);
		g_ptr_array_add (inboxes, g_strdup (inbox->server_id));
	}
	key = setup_devices (h, store, uids, inboxes);

	g_autoptr (AirdockEasClient) c = airdock_eas_client_new (h, FALSE, "u0", PASSWORD, "SYNCDEV", "Bench", 141);
	if (!airdock_eas_client_provision (c, NULL, &error))
		g_error ("provision: %s", error->message);
	{
		char *k = sync_once (c, g_ptr_array_index (inboxes, 0), sync_key);
		g_free (sync_key);
		sync_key = k;
	}
	sync_idle = time_syncs (h, c, g_ptr_array_index (inboxes, 0), &sync_key);
	g_usleep (G_USEC_PER_SEC);
	rss0 = server_rss_kib (h->pid);

	devs = g_new0 (Device, n_devices);
	epfd = epoll_create1 (EPOLL_CLOEXEC);
	park_all (h, devs, key, inboxes, epfd);
	g_usleep (G_USEC_PER_SEC);
	rss1 = server_rss_kib (h->pid);
	printf ("server RSS: %" G_GUINT64_FORMAT " KiB before, %" G_GUINT64_FORMAT " KiB with %d parked: "
	        "%.2f KiB per parked Ping  (goal ≤ %d KiB over %s)\n", rss0, rss1, n_devices,
	        ((double) rss1 - (double) rss0) / n_devices, https ? 32 : 4, https ? "HTTPS" : "HTTP");
	cpu0 = bench_server_cpu_ns (h->pid);
	g_usleep (5 * G_USEC_PER_SEC);
	printf ("server CPU while idle with %d parked: %.2f ms over 5 s (%.3f%%)\n", n_devices,
	        (bench_server_cpu_ns (h->pid) - cpu0) / 1e6, (bench_server_cpu_ns (h->pid) - cpu0) / 1e6 / 50.0);

	sync_parked = time_syncs (h, c, g_ptr_array_index (inboxes, 0), &sync_key);
	printf ("ordinary Sync: %.0f µs server CPU with 0 parked, %.0f µs with %d parked (%.2f×, goal ≤ 1.5×)\n",
	        sync_idle, sync_parked, n_devices, sync_parked / sync_idle);

	measure_wakes (h, devs, epfd);

	for (gint i = 0; i < n_devices; i++) {
		g_clear_object (&devs[i].io);
		g_clear_object (&devs[i].tcp);
	}
	g_free (devs);
	close (epfd);
	return 0;
}
