/* A TCP proxy for the store ⇄ server tests: forwards 127.0.0.1:port to a
 * target port and, when armed, cuts every connection once the server has
 * sent a number of bytes through it (a network drop mid-sync). */
#pragma once

#include <glib.h>

typedef struct _TestProxy TestProxy;

TestProxy *test_proxy_new (guint16 target_port);
void test_proxy_free (TestProxy *proxy);
guint16 test_proxy_port (TestProxy *proxy);
/* From now on, connections are cut after limit bytes from the server in
 * total (G_MAXINT64: never). */
void test_proxy_cut_after (TestProxy *proxy, gint64 limit);
/* Bytes the server sent through the proxy so far. */
gint64 test_proxy_server_bytes (TestProxy *proxy);
/* Whether a cut happened. */
gboolean test_proxy_did_cut (TestProxy *proxy);
