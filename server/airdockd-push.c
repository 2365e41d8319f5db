/* airdockd-push.c — the push hub; see airdockd-push.h. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <libsoup/soup.h>

#include "server/airdockd-commands.h"
#include "server/airdockd-http.h"
#include "server/airdockd-push.h"
#include "server/airdockd-store.h"

/* Slots of the timer wheel, one a second.  Heartbeats longer than the wheel
 * go round more than once (the record's deadline decides). */
#define WHEEL_SLOTS 4096
/* Events taken from epoll per wakeup. */
#define EPOLL_BATCH 256

typedef struct _Parked Parked;
struct _Parked {
	AirdockdPush *hub;
	gint64 user_id;
	gint64 device_id;
	GIOStream *stream;		/* the stolen connection */
	int fd;				/* its socket, watched by epoll */
	EasVersion version;
	gint64 deadline;		/* monotonic seconds */
	guint slot;			/* of the wheel */
	gint64 item_modseq;
	gint64 folder_modseq;
	char **folders;
	AirdockdPushRespondFunc respond;
	gpointer user_data;
	GDestroyNotify destroy;
	Parked *wheel_prev, *wheel_next;
	Parked *user_prev, *user_next;
};

struct _AirdockdPush {
	AirdockdServer *server;
	AirdockdStore *store;
	const AirdockdConfig *config;
	guint hook_id;
	int epfd;
	guint epoll_source;
	guint tick_source;
	Parked *wheel[WHEEL_SLOTS];
	gint64 wheel_time;		/* last second processed */
	GHashTable *by_device;		/* device id (gint64*) → Parked* */
	GHashTable *by_user;		/* user id (gint64*) → Parked* (list head) */
	guint count;
	guint written_count;		/* last count written to push.status */
	char *status_path;
	/* external-change poll */
	gint64 last_poll;
	gint64 last_wipe_scan;
	gboolean wipe_scan_due;
	struct timespec db_mtime, wal_mtime;
	off_t db_size, wal_size;
};

static GHashTable *hubs;		/* AirdockdServer* → AirdockdPush* */

static gint64
now_seconds (void)
{
	return g_get_monotonic_time () / G_USEC_PER_SEC;
}

/* ---- wheel --------------------------------------------------------------- */

static void
wheel_insert (AirdockdPush *hub, Parked *p)
{
	gint64 when = MAX (p->deadline, hub->wheel_time + 1);
	Parked **head;

	p->slot = (guint) (when % WHEEL_SLOTS);
	head = &hub->wheel[p->slot];
	p->wheel_prev = NULL;
	p->wheel_next = *head;
	if (*head != NULL)
		(*head)->wheel_prev = p;
	*head = p;
}

static void
wheel_remove (AirdockdPush *hub, Parked *p)
{
	if (p->wheel_prev != NULL)
		p->wheel_prev->wheel_next = p->wheel_next;
	else
		hub->wheel[p->slot] = p->wheel_next;
	if (p->wheel_next != NULL)
		p->wheel_next->wheel_prev = p->wheel_prev;
	p->wheel_prev = p->wheel_next = NULL;
}

/* ---- indexes -------------------------------------------------------------- */

static void
user_link (AirdockdPush *hub, Parked *p)
{
	Parked *head = g_hash_table_lookup (hub->by_user, &p->user_id);

	p->user_prev = NULL;
	p->user_next = head;
	if (head != NULL)
		head->user_prev = p;
	g_hash_table_replace (hub->by_user, &p->user_id, p);
}

static void
user_unlink (AirdockdPush *hub, Parked *p)
{
	if (p->user_next != NULL)
		p->user_next->user_prev = p->user_prev;
	if (p->user_prev != NULL) {
		p->user_prev->user_next = p->user_next;
	} else if (p->user_next != NULL) {
		g_hash_table_replace (hub->by_user, &p->user_next->user_id, p->user_next);
	} else {
		g_hash_table_remove (hub->by_user, &p->user_id);
	}
	p->user_prev = p->user_next = NULL;
}

/* Takes p out of every index (wheel, device, user, epoll). */
static void
unpark (Parked *p)
{
	AirdockdPush *hub = p->hub;

	wheel_remove (hub, p);
	user_unlink (hub, p);
	g_hash_table_remove (hub->by_device, &p->device_id);
	epoll_ctl (hub->epfd, EPOLL_CTL_DEL, p->fd, NULL);
	hub->count--;
}

static void
parked_free (Parked *p)
{
	if (p->destroy != NULL)
		p->destroy (p->user_data);
	g_clear_object (&p->stream);
	g_strfreev (p->folders);
	g_free (p);
}

/* ---- answering -------------------------------------------------------------- */

typedef struct {
	GIOStream *stream;
	GBytes *head;
	GBytes *body;
	GOutputVector v[2];	/* must live until the write finishes */
} Reply;

static void
reply_free (Reply *r)
{
	g_clear_object (&r->stream);
	g_clear_pointer (&r->head, g_bytes_unref);
	g_clear_pointer (&r->body, g_bytes_unref);
	g_free (r);
}

static void
reply_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
	reply_free (user_data);
}

static void
reply_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
	Reply *r = user_data;

	/* A client gone meanwhile is no error of ours: just close. */
	g_output_stream_writev_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
	g_io_stream_close_async (r->stream, G_PRIORITY_DEFAULT, NULL, reply_closed, r);
}

static void
send_reply (GIOStream *stream, guint status, GBytes *body)
{
	Reply *r = g_new0 (Reply, 1);
	gsize len = body != NULL ? g_bytes_get_size (body) : 0;
	char *head = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
	                              "MS-Server-ActiveSync: 16.1\r\n"
	                              "Cache-Control: private\r\n"
	                              "%s"
	                              "Content-Length: %" G_GSIZE_FORMAT "\r\n"
	                              "Connection: close\r\n\r\n",
	                              status, soup_status_get_phrase (status),
	                              len > 0 ? "Content-Type: application/vnd.ms-sync.wbxml\r\n" : "",
	                              len);
	GOutputVector *v = r->v;

	r->stream = g_object_ref (stream);
	r->head = g_bytes_new_take (head, strlen (head));
	r->body = body != NULL ? g_bytes_ref (body) : NULL;
	v[0].buffer = g_bytes_get_data (r->head, &v[0].size);
	v[1].buffer = r->body != NULL ? g_bytes_get_data (r->body, &v[1].size) : NULL;
	if (r->body == NULL)
		v[1].size = 0;
	g_output_stream_writev_all_async (g_io_stream_get_output_stream (stream), r->v, 2,
	                                  G_PRIORITY_DEFAULT, NULL, reply_written, r);
}

/* Answers and frees p (already unparked or not: unparks it). */
static void
wake (Parked *p, AirdockdPushReason reason, const char * const *folders, gsize n_folders)
{
	g_autoptr (GBytes) body = NULL;

	unpark (p);
	if (reason == AIRDOCKD_PUSH_WIPE && p->version < 140) {
		/* [MS-ASPROV] 3.2.5.1.2: 2.5/12.x learn of it by HTTP 449. */
		send_reply (p->stream, 449, NULL);
	} else {
		body = p->respond (reason, folders, n_folders, p->user_data);
		send_reply (p->stream, SOUP_STATUS_OK, body);
	}
	parked_free (p);
}

/* A client that hung up: free at once, nothing to answer. */
static void
drop (Parked *p)
{
	unpark (p);
	g_io_stream_close_async (p->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
	parked_free (p);
}

/* ---- checks against the store ----------------------------------------------- */

static gboolean
subscribed (const Parked *p, const char *folder)
{
	for (char **f = p->folders; f != NULL && *f != NULL; f++)
		if (g_str_equal (*f, folder))
			return TRUE;
	return FALSE;
}

/* Rechecks one parked request; wakes (and frees) it when something it
 * waits for changed. */
static void
check_parked (Parked *p, gint64 item_modseq, gint64 folder_modseq)
{
	AirdockdPush *hub = p->hub;
	g_autoptr (GPtrArray) changed = NULL;
	if (folder_modseq > p->folder_modseq) {
		wake (p, AIRDOCKD_PUSH_HIERARCHY, NULL, 0);
		return;
	}
	if (item_modseq <= p->item_modseq)
		return;
	changed = g_ptr_array_new ();
	for (char **f = p->folders; f != NULL && *f != NULL; f++) {
		guint64 n = 0;

		if (airdockd_store_item_count_changes (hub->store, p->user_id, *f, p->item_modseq, &n, NULL) &&
		    n > 0)
			g_ptr_array_add (changed, *f);
	}
	if (changed->len > 0) {
		wake (p, AIRDOCKD_PUSH_CHANGES, (const char * const *) changed->pdata, changed->len);
		return;
	}
	p->item_modseq = item_modseq;
}

static void
check_user (AirdockdPush *hub, gint64 user_id)
{
	Parked *p = g_hash_table_lookup (hub->by_user, &user_id);
	gint64 items, folders;

	if (p == NULL)
		return;
	items = airdockd_store_item_modseq (hub->store, user_id, NULL);
	folders = airdockd_store_folder_modseq (hub->store, user_id, NULL);
	while (p != NULL) {
		Parked *next = p->user_next;

		check_parked (p, items, folders);
		p = next;
	}
}

void
airdockd_push_notify (AirdockdPush *hub, gint64 user_id, const char *folder_server_id)
{
	Parked *p;

	if (folder_server_id == NULL) {
		check_user (hub, user_id);
		return;
	}
	p = g_hash_table_lookup (hub->by_user, &user_id);
	while (p != NULL) {
		Parked *next = p->user_next;
		const char *one[] = { folder_server_id };

		if (subscribed (p, folder_server_id))
			wake (p, AIRDOCKD_PUSH_CHANGES, one, 1);
		p = next;
	}
}

static void
store_changed (AirdockdStore *store, gint64 user_id, const char *folder_server_id, gpointer user_data)
{
	airdockd_push_notify (user_data, user_id, folder_server_id);
}

/* ---- the poll for other processes' changes ------------------------------------ */

static gboolean
file_changed (const char *path, struct timespec *mtime, off_t *size)
{
	struct stat st;
	gboolean changed;

	if (stat (path, &st) != 0)
		st.st_mtim.tv_sec = st.st_mtim.tv_nsec = 0, st.st_size = 0;
	changed = st.st_mtim.tv_sec != mtime->tv_sec || st.st_mtim.tv_nsec != mtime->tv_nsec ||
	          st.st_size != *size;
	*mtime = st.st_mtim;
	*size = st.st_size;
	return changed;
}

/* Wakes parked devices with a wipe pending: one query lists every device,
 * so this runs at most every WIPE_SCAN_POLLS polls (a wipe is rare and not
 * urgent; the list costs ~1 µs a device). */
#define WIPE_SCAN_POLLS 5

static void
wake_wiped (AirdockdPush *hub)
{
	g_autoptr (GPtrArray) devices = airdockd_store_device_list (hub->store, 0, NULL);

	for (guint i = 0; devices != NULL && i < devices->len; i++) {
		const AirdockdDevice *d = g_ptr_array_index (devices, i);
		Parked *p;

		if (d->wipe_state != AIRDOCKD_WIPE_PENDING && d->wipe_state != AIRDOCKD_WIPE_ACCOUNT_ONLY_PENDING)
			continue;
		p = g_hash_table_lookup (hub->by_device, &d->id);
		if (p != NULL)
			wake (p, AIRDOCKD_PUSH_WIPE, NULL, 0);
	}
}

static void
poll_store (AirdockdPush *hub)
{
	const char *dir = airdockd_store_get_data_dir (hub->store);
	g_autofree char *db = g_build_filename (dir, "airdock.sqlite", NULL);
	g_autofree char *wal = g_build_filename (dir, "airdock.sqlite-wal", NULL);
	gboolean changed = file_changed (db, &hub->db_mtime, &hub->db_size);
	g_autoptr (GArray) users = NULL;
	GHashTableIter iter;
	gpointer key;
	gint64 now = now_seconds ();

	changed = file_changed (wal, &hub->wal_mtime, &hub->wal_size) || changed;
	hub->wipe_scan_due = hub->wipe_scan_due || changed;
	if (hub->count == 0)
		return;
	if (hub->wipe_scan_due &&
	    now - hub->last_wipe_scan >= WIPE_SCAN_POLLS * MAX (hub->config->push_poll_interval, 1)) {
		hub->wipe_scan_due = FALSE;
		hub->last_wipe_scan = now;
		wake_wiped (hub);
	}
	if (!changed)
		return;
	/* Copy the ids first: waking edits the table. */
	users = g_array_sized_new (FALSE, FALSE, sizeof (gint64), g_hash_table_size (hub->by_user));
	g_hash_table_iter_init (&iter, hub->by_user);
	while (g_hash_table_iter_next (&iter, &key, NULL))
		g_array_append_val (users, *(gint64 *) key);
	for (guint i = 0; i < users->len; i++)
		check_user (hub, g_array_index (users, gint64, i));
}

/* ---- the one-second tick: heartbeats, poll, status file ------------------------ */

static void
write_status (AirdockdPush *hub)
{
	g_autofree char *text = NULL;

	if (hub->written_count == hub->count)
		return;
	text = g_strdup_printf ("parked=%u\n", hub->count);
	if (g_file_set_contents (hub->status_path, text, -1, NULL))
		hub->written_count = hub->count;
}

static gboolean
tick (gpointer user_data)
{
	AirdockdPush *hub = user_data;
	gint64 now = now_seconds ();
	gint64 interval = hub->config->push_poll_interval;

	while (hub->wheel_time < now) {
		Parked *p;

		hub->wheel_time++;
		p = hub->wheel[hub->wheel_time % WHEEL_SLOTS];
		while (p != NULL) {
			Parked *next = p->wheel_next;

			if (p->deadline <= hub->wheel_time)
				wake (p, AIRDOCKD_PUSH_EXPIRED, NULL, 0);
			p = next;
		}
	}
	if (interval > 0 && now - hub->last_poll >= interval) {
		hub->last_poll = now;
		poll_store (hub);
	}
	write_status (hub);
	return G_SOURCE_CONTINUE;
}

/* ---- hang-ups ------------------------------------------------------------------ */

static gboolean
epoll_ready (int fd, GIOCondition condition, gpointer user_data)
{
	AirdockdPush *hub = user_data;
	struct epoll_event ev[EPOLL_BATCH];
	int n = epoll_wait (hub->epfd, ev, EPOLL_BATCH, 0);

	for (int i = 0; i < n; i++) {
		Parked *p = ev[i].data.ptr;
		char c;
		ssize_t r;

		if (!(ev[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
			/* Data, not a hang-up?  Peek: never consume (TLS). */
			r = recv (p->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
			if (r > 0 || (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)))
				continue;
		}
		drop (p);
	}
	return G_SOURCE_CONTINUE;
}

/* ---- the hub -------------------------------------------------------------------- */

static AirdockdPush *
hub_new (AirdockdServer *server)
{
	AirdockdPush *hub = g_new0 (AirdockdPush, 1);

	hub->server = server;
	hub->store = airdockd_server_get_store (server);
	hub->config = airdockd_server_get_config (server);
	hub->epfd = epoll_create1 (EPOLL_CLOEXEC);
	if (hub->epfd < 0)
		g_error ("airdockd: epoll_create1: %s", g_strerror (errno));
	hub->epoll_source = g_unix_fd_add (hub->epfd, G_IO_IN, epoll_ready, hub);
	hub->tick_source = g_timeout_add_seconds (1, tick, hub);
	hub->wheel_time = now_seconds ();
	hub->last_poll = hub->wheel_time;
	hub->by_device = g_hash_table_new (g_int64_hash, g_int64_equal);
	hub->by_user = g_hash_table_new (g_int64_hash, g_int64_equal);
	hub->status_path = g_build_filename (airdockd_store_get_data_dir (hub->store), "push.status", NULL);
	hub->written_count = G_MAXUINT;
	hub->hook_id = airdockd_store_add_change_hook (hub->store, store_changed, hub, NULL);
	/* Baseline for the poll: changes before now are not news. */
	poll_store (hub);
	write_status (hub);
	return hub;
}

AirdockdPush *
airdockd_push_get (AirdockdServer *server)
{
	AirdockdPush *hub;

	if (hubs == NULL)
		hubs = g_hash_table_new (NULL, NULL);
	hub = g_hash_table_lookup (hubs, server);
	if (hub == NULL) {
		hub = hub_new (server);
		g_hash_table_insert (hubs, server, hub);
	}
	return hub;
}

void
airdockd_push_device_request (AirdockdRequest *req)
{
	AirdockdPush *hub;
	Parked *p;

	if (req->store == NULL)
		return;
	hub = airdockd_push_get (req->server);
	p = g_hash_table_lookup (hub->by_device, &req->device_id);
	if (p != NULL)
		wake (p, AIRDOCKD_PUSH_ENDED, NULL, 0);
}

gboolean
airdockd_push_park (AirdockdPush *hub, AirdockdRequest *req, AirdockdPushPark *park)
{
	SoupServerMessage *msg = req->http_message;
	GSocket *sock = msg != NULL ? soup_server_message_get_socket (msg) : NULL;
	struct epoll_event ev = { 0 };
	Parked *p;

	if (sock == NULL) {
		g_strfreev (park->folders);
		if (park->destroy != NULL)
			park->destroy (park->user_data);
		return FALSE;
	}
	p = g_new0 (Parked, 1);
	p->hub = hub;
	p->user_id = req->user_id;
	p->device_id = req->device_id;
	p->version = req->version;
	p->fd = g_socket_get_fd (sock);
	p->deadline = now_seconds () + park->heartbeat;
	p->item_modseq = park->item_modseq;
	p->folder_modseq = park->folder_modseq;
	p->folders = park->folders;
	p->respond = park->respond;
	p->user_data = park->user_data;
	p->destroy = park->destroy;
	/* No libsoup timeout on a parked socket: the heartbeat bounds it. */
	g_socket_set_timeout (sock, 0);
	p->stream = soup_server_message_steal_connection (msg);
	req->parked = TRUE;

	/* A request still parked for the device (cannot normally happen: the
	 * HTTP layer ended it) is answered now. */
	if (g_hash_table_contains (hub->by_device, &p->device_id))
		wake (g_hash_table_lookup (hub->by_device, &p->device_id), AIRDOCKD_PUSH_ENDED, NULL, 0);
	ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
	ev.data.ptr = p;
	if (epoll_ctl (hub->epfd, EPOLL_CTL_ADD, p->fd, &ev) != 0) {
		g_autoptr (GBytes) body = p->respond (AIRDOCKD_PUSH_EXPIRED, NULL, 0, p->user_data);
		send_reply (p->stream, SOUP_STATUS_OK, body);
		parked_free (p);
		return TRUE;
	}
	g_hash_table_insert (hub->by_device, &p->device_id, p);
	user_link (hub, p);
	wheel_insert (hub, p);
	hub->count++;
	return TRUE;
}

guint
airdockd_push_count (AirdockdPush *hub)
{
	return hub->count;
}

guint
airdockd_push_heartbeat_min (AirdockdPush *hub)
{
	return (guint) hub->config->push_heartbeat_min;
}

guint
airdockd_push_heartbeat_max (AirdockdPush *hub)
{
	return (guint) MAX (hub->config->push_heartbeat_max, hub->config->push_heartbeat_min);
}

guint
airdockd_push_max_folders (AirdockdPush *hub)
{
	return (guint) hub->config->push_max_folders;
}

/* ---- Sync Wait ---------------------------------------------------------------------- */

/* What it takes to run the parked Sync again on wake. */
typedef struct {
	AirdockdServer *server;
	AirdockdStore *store;
	gint64 user_id;
	gint64 device_id;
	char *user_name;
	char *user_email;
	EasQuery *query;
	EasVersion version;
	guint32 policy_key;
	GBytes *body;
} SyncWait;

static void
sync_wait_free (gpointer data)
{
	SyncWait *w = data;

	g_free (w->user_name);
	g_free (w->user_email);
	g_clear_pointer (&w->query, eas_query_free);
	g_clear_pointer (&w->body, g_bytes_unref);
	g_free (w);
}

static GBytes *
sync_wait_respond (AirdockdPushReason reason, const char * const *folders, gsize n_folders, gpointer data)
{
	SyncWait *w = data;
	AirdockdRequest r = { 0 };
	GBytes *body;

	if (reason == AIRDOCKD_PUSH_WIPE)
		/* [MS-ASCMD] 2.2.2: common status 140, remote wipe requested. */
		return eas_sync_encode_status ((EasSyncStatus) 140, 0);
	r.server = w->server;
	r.store = w->store;
	r.user_id = w->user_id;
	r.user_name = w->user_name;
	r.user_email = w->user_email;
	r.query = w->query;
	r.version = w->version;
	r.device_id = w->device_id;
	r.policy_key = w->policy_key;
	r.remote_address = "parked";
	r.body = w->body;
	/* http_message NULL: this run answers, it cannot park again. */
	airdockd_cmd_sync (&r);
	body = g_steal_pointer (&r.response_body);
	g_clear_pointer (&r.response_headers, g_hash_table_unref);
	return body;
}

/* TRUE when the collection has nothing to send now: no client commands,
 * the device's current key, no changes since. */
static gboolean
collection_idle (AirdockdRequest *req, const EasSyncCollection *c)
{
	g_autoptr (AirdockdSyncState) state = NULL;
	guint64 n = 0;

	if (c->commands->len > 0 || c->sync_key == NULL || c->collection_id == NULL)
		return FALSE;
	state = airdockd_store_sync_state_get (req->store, req->user_id, req->device_id, c->collection_id, NULL);
	if (state == NULL || g_strcmp0 (state->sync_key, c->sync_key) != 0)
		return FALSE;
	return airdockd_store_item_count_changes (req->store, req->user_id, c->collection_id,
	                                          state->last_modseq, &n, NULL) && n == 0;
}

static SyncWait *
sync_wait_new (AirdockdRequest *req)
{
	SyncWait *w = g_new0 (SyncWait, 1);

	w->server = req->server;
	w->store = req->store;
	w->user_id = req->user_id;
	w->device_id = req->device_id;
	w->user_name = g_strdup (req->user_name);
	w->user_email = g_strdup (req->user_email);
	w->query = g_new0 (EasQuery, 1);
	w->query->cmd = req->query->cmd;
	w->query->user = g_strdup (req->query->user);
	w->query->device_id = g_strdup (req->query->device_id);
	w->query->device_type = g_strdup (req->query->device_type);
	w->version = req->version;
	w->policy_key = req->policy_key;
	w->body = g_bytes_ref (req->body);
	return w;
}

gboolean
airdockd_push_sync_wait (AirdockdRequest *req, const EasSyncRequest *sreq)
{
	AirdockdPush *hub;
	AirdockdPushPark park = { 0 };
	GStrvBuilder *b;

	if ((!sreq->has_wait && !sreq->has_heartbeat) || req->http_message == NULL ||
	    sreq->collections->len == 0)
		return FALSE;
	for (guint i = 0; i < sreq->collections->len; i++)
		if (!collection_idle (req, g_ptr_array_index (sreq->collections, i)))
			return FALSE;
	hub = airdockd_push_get (req->server);
	b = g_strv_builder_new ();
	for (guint i = 0; i < sreq->collections->len; i++)
		g_strv_builder_add (b, ((EasSyncCollection *) g_ptr_array_index (sreq->collections, i))->collection_id);
	park.folders = g_strv_builder_end (b);
	g_strv_builder_unref (b);
	park.heartbeat = sreq->has_wait ? sreq->wait * 60 : sreq->heartbeat;
	park.item_modseq = airdockd_store_item_modseq (req->store, req->user_id, NULL);
	park.folder_modseq = airdockd_store_folder_modseq (req->store, req->user_id, NULL);
	park.respond = sync_wait_respond;
	park.user_data = sync_wait_new (req);
	park.destroy = sync_wait_free;
	return airdockd_push_park (hub, req, &park);
}
