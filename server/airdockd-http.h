/* airdockd-http.h — the HTTP(S) front of airdockd.
 *
 * One SoupServer listens on [server] http_port and https_port (each may be
 * 0 = any free port, or -1 = off) with listening sockets created here (large
 * backlog).  It serves:
 *   GET  /server.cer                     the TLS certificate, DER
 *   OPTIONS /Microsoft-Server-ActiveSync versions and implemented commands
 *   POST /Microsoft-Server-ActiveSync    auth → query → version →
 *                                        provisioning check → handler
 * More than [limits] max_connections open connections: 503 with
 * Retry-After.  Request bodies above [limits] max_request_bytes get 413 as soon as the
 * headers arrive, before the body is read (the connection is taken over
 * and closed); chunked bodies get 411.  Every client socket has a timeout
 * of [server] connection_timeout seconds (g_socket_set_timeout), covering
 * the TLS handshake, headers, body and idle keep-alive: a handler that parks
 * a request for longer (Ping, Sync Wait) must clear or raise it on
 * soup_server_message_get_socket() first.
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "server/airdockd-config.h"
#include "server/airdockd-request.h"

G_BEGIN_DECLS

#define AIRDOCKD_EAS_PATH "/Microsoft-Server-ActiveSync"
/* [MS-ASHTTP] 2.2.4: what OPTIONS and 400 answers announce. */
#define AIRDOCKD_PROTOCOL_VERSIONS "2.5,12.0,12.1,14.0,14.1,16.0,16.1"

/* Creates the server: loads or generates the TLS certificate.  config and
 * store are borrowed and must outlive the server; store may be NULL only in
 * tests that never POST. */
AirdockdServer *airdockd_server_new (const AirdockdConfig *config,
                                     AirdockdStore *store,
                                     GError **error);
void airdockd_server_free (AirdockdServer *server);

/* Binds and listens.  On EACCES for a privileged port, the error names the
 * config keys and `setcap cap_net_bind_service=+ep`. */
gboolean airdockd_server_listen (AirdockdServer *server, GError **error);

/* Takes msg's connection over (soup_server_message_steal_connection) and
 * takes it out of the [limits] max_connections count: a handler that parks
 * connections itself (Ping) bounds them itself.  Returns the stream (owned). */
GIOStream *airdockd_server_steal_connection (AirdockdServer *server, SoupServerMessage *msg);

/* Bound ports (after listen), 0 when that listener is off. */
guint16 airdockd_server_get_http_port (AirdockdServer *server);
guint16 airdockd_server_get_https_port (AirdockdServer *server);

const AirdockdConfig *airdockd_server_get_config (AirdockdServer *server);
AirdockdStore *airdockd_server_get_store (AirdockdServer *server);
/* DER bytes of the served certificate (borrowed). */
GBytes *airdockd_server_get_certificate_der (AirdockdServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AirdockdServer, airdockd_server_free)

G_END_DECLS
