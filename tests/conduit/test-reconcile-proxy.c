/* See test-reconcile-proxy.h. */
#include "config.h"

#include <gio/gio.h>

#include "tests/conduit/test-reconcile-proxy.h"

struct _TestProxy {
	GMutex lock;
	guint16 target;
	guint16 port;
	gint64 limit;
	gint64 passed;
	gboolean cut;
	GMainContext *context;
	GMainLoop *loop;
	GThread *thread;
	GSocketService *service;
	/* connections being pumped (both sides), so that _free can end them
	 * and wait for their threads */
	GPtrArray *active;
	guint running;		/* handlers inside on_run */
	GCond idle;
};

typedef struct {
	GIOStream *from;
	GIOStream *to;
} Pump;

/* Ends both directions of both sockets: a read blocked in another thread
 * returns at once (closing the stream would fail while a read is pending). */
static void
hang_up (GIOStream *a, GIOStream *b)
{
	(void) g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (a)), TRUE, TRUE, NULL);
	(void) g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (b)), TRUE, TRUE, NULL);
}

static gpointer
pump_up (gpointer data)
{
	Pump *p = data;
	guint8 buf[16384];
	gssize n;

	while ((n = g_input_stream_read (g_io_stream_get_input_stream (p->from), buf, sizeof buf, NULL, NULL)) > 0) {
		if (!g_output_stream_write_all (g_io_stream_get_output_stream (p->to), buf, (gsize) n, NULL, NULL, NULL))
			break;
	}
	/* Either side gone: end both, so the other pump ends too. */
	hang_up (p->from, p->to);
	return NULL;
}

static void
handler_done (TestProxy *proxy)
{
	g_mutex_lock (&proxy->lock);
	proxy->running--;
	g_cond_signal (&proxy->idle);
	g_mutex_unlock (&proxy->lock);
}

static gboolean
pump (TestProxy *proxy, GSocketConnection *conn)
{
	g_autoptr (GSocketClient) client = g_socket_client_new ();
	g_autoptr (GSocketConnection) up = g_socket_client_connect_to_host (client, "127.0.0.1", proxy->target, NULL, NULL);
	Pump p;
	GThread *t;
	guint8 buf[16384];
	gssize n;

	if (up == NULL)
		return TRUE;
	g_mutex_lock (&proxy->lock);
	g_ptr_array_add (proxy->active, g_object_ref (conn));
	g_ptr_array_add (proxy->active, g_object_ref (up));
	g_mutex_unlock (&proxy->lock);
	p.from = G_IO_STREAM (conn);
	p.to = G_IO_STREAM (up);
	t = g_thread_new ("proxy-up", pump_up, &p);
	while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (up)), buf, sizeof buf, NULL, NULL)) > 0) {
		gsize allowed = (gsize) n;
		gboolean cut = FALSE;

		g_mutex_lock (&proxy->lock);
		if (proxy->passed + n > proxy->limit) {
			allowed = (gsize) MAX (proxy->limit - proxy->passed, 0);
			cut = proxy->cut = TRUE;
		}
		proxy->passed += (gint64) allowed;
		g_mutex_unlock (&proxy->lock);
		if (allowed > 0 &&
		    !g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), buf, allowed, NULL, NULL, NULL))
			break;
		if (cut)
			break;
	}
	hang_up (G_IO_STREAM (conn), G_IO_STREAM (up));
	g_thread_join (t);
	g_mutex_lock (&proxy->lock);
	g_ptr_array_remove (proxy->active, conn);
	g_ptr_array_remove (proxy->active, up);
	g_mutex_unlock (&proxy->lock);
	return TRUE;
}

static gboolean
on_run (GThreadedSocketService *svc, GSocketConnection *conn, GObject *source, gpointer data)
{
	TestProxy *proxy = data;

	(void) svc; (void) source;
	g_mutex_lock (&proxy->lock);
	proxy->running++;
	g_mutex_unlock (&proxy->lock);
	(void) pump (proxy, conn);
	handler_done (proxy);
	return TRUE;
}

static gpointer
proxy_thread (gpointer data)
{
	TestProxy *proxy = data;

	g_main_context_push_thread_default (proxy->context);
	g_main_loop_run (proxy->loop);
	g_main_context_pop_thread_default (proxy->context);
	return NULL;
}

TestProxy *
test_proxy_new (guint16 target_port)
{
	TestProxy *proxy = g_new0 (TestProxy, 1);
	g_autoptr (GError) error = NULL;
	g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
	g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
	g_autoptr (GSocketAddress) bound = NULL;

	g_mutex_init (&proxy->lock);
	g_cond_init (&proxy->idle);
	proxy->active = g_ptr_array_new_with_free_func (g_object_unref);
	proxy->target = target_port;
	proxy->limit = G_MAXINT64;
	proxy->context = g_main_context_new ();
	proxy->loop = g_main_loop_new (proxy->context, FALSE);
	g_main_context_push_thread_default (proxy->context);
	proxy->service = g_threaded_socket_service_new (8);
	g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (proxy->service), addr, G_SOCKET_TYPE_STREAM,
						      G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
	g_assert_no_error (error);
	proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
	g_signal_connect (proxy->service, "run", G_CALLBACK (on_run), proxy);
	g_socket_service_start (proxy->service);
	g_main_context_pop_thread_default (proxy->context);
	proxy->thread = g_thread_new ("proxy", proxy_thread, proxy);
	return proxy;
}

static gboolean
quit_idle (gpointer data)
{
	TestProxy *proxy = data;

	g_socket_service_stop (proxy->service);
	g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
	g_main_loop_quit (proxy->loop);
	return G_SOURCE_REMOVE;
}

void
test_proxy_free (TestProxy *proxy)
{
	if (proxy == NULL)
		return;
	g_main_context_invoke (proxy->context, quit_idle, proxy);
	g_thread_join (proxy->thread);
	/* End the connections still pumped (a parked Ping) and wait for them. */
	g_mutex_lock (&proxy->lock);
	for (guint i = 0; i < proxy->active->len; i++)
		(void) g_socket_shutdown (g_socket_connection_get_socket (g_ptr_array_index (proxy->active, i)),
					  TRUE, TRUE, NULL);
	while (proxy->running > 0)
		g_cond_wait (&proxy->idle, &proxy->lock);
	g_mutex_unlock (&proxy->lock);
	g_ptr_array_unref (proxy->active);
	g_cond_clear (&proxy->idle);
	g_clear_object (&proxy->service);
	g_main_loop_unref (proxy->loop);
	g_main_context_unref (proxy->context);
	g_mutex_clear (&proxy->lock);
	g_free (proxy);
}

guint16
test_proxy_port (TestProxy *proxy)
{
	return proxy->port;
}

void
test_proxy_cut_after (TestProxy *proxy, gint64 limit)
{
	g_mutex_lock (&proxy->lock);
	proxy->passed = 0;
	proxy->cut = FALSE;
	proxy->limit = limit;
	g_mutex_unlock (&proxy->lock);
}

gint64
test_proxy_server_bytes (TestProxy *proxy)
{
	gint64 n;

	g_mutex_lock (&proxy->lock);
	n = proxy->passed;
	g_mutex_unlock (&proxy->lock);
	return n;
}

gboolean
test_proxy_did_cut (TestProxy *proxy)
{
	gboolean cut;

	g_mutex_lock (&proxy->lock);
	cut = proxy->cut;
	g_mutex_unlock (&proxy->lock);
	return cut;
}
