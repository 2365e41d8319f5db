/* smtp-peer.h — an SMTP server run by a test, for airdockd to relay to:
 *
 *   AirdockSmtpPeer *peer = airdock_smtp_peer_start ();
 *   extra = g_strdup_printf ("[smtp]\nrelay = 127.0.0.1:%u\n", peer->port);
 *   ...
 *   g_mutex_lock (&peer->lock);  ... peer->messages, peer->data->str ...
 *   airdock_smtp_peer_stop (peer);
 *
 * It listens on 127.0.0.1 (port 0), serves one connection at a time in its
 * own thread, answers 250 to everything but RCPT TO:<refuse…> (550), and
 * keeps what the last transaction carried.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
	GSocketListener *listener;
	GCancellable *cancel;
	GThread *thread;
	guint16 port;
	GMutex lock;
	/* Under lock: messages taken so far, and the last transaction's
	 * MAIL FROM ("<addr>"), RCPT TOs ("<addr>" each) and DATA (lines
	 * ending in "\n", dots unstuffed).  NULL before the first message. */
	guint messages;
	char *mail_from;
	GPtrArray *rcpts;
	GString *data;
} AirdockSmtpPeer;

/* Starts the peer (asserting it can listen). */
AirdockSmtpPeer *airdock_smtp_peer_start (void);

/* Stops the thread, closes the listener and frees peer. */
void airdock_smtp_peer_stop (AirdockSmtpPeer *peer);

/* Whether the last transaction had RCPT TO:<addr> (ASCII case ignored).
 * Call under peer->lock. */
gboolean airdock_smtp_peer_has_rcpt (AirdockSmtpPeer *peer, const char *addr);

G_END_DECLS
