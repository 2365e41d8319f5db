#!/bin/sh
# The tray during a server sync, end to end with real processes: airdockd,
# a store holding many notes, `airdock-conduit account add`, the
# conduit on a private session bus (--dbus session), airdock-tray under
# Xvfb.  "Sync now" goes over D-Bus; while the tray shows the server sync
# ("Server: Notes …" in its printed state) the screen is saved as a PNG
# ($1, default tests/conduit/tray-during-sync.png in the build tree), and the
# sync must end well.
#   G_TEST_BUILDDIR=/path/to/build tests/conduit/test-e2e-tray.sh [OUT.png]
# Skips (exit 77) without Xvfb, dbus-daemon, gdbus or openssl.
set -eu
builddir=${G_TEST_BUILDDIR:-$(pwd)}
out=${1:-$builddir/tests/conduit/tray-during-sync.png}
for tool in Xvfb dbus-daemon gdbus openssl; do
	command -v "$tool" >/dev/null 2>&1 || { echo "1..0 # SKIP $tool is not installed"; exit 77; }
done
t=$(mktemp -d)
pids=""
cleanup () {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$t"
}
trap cleanup EXIT INT TERM
fail () { echo "not ok 1 - $*"; for f in "$t"/*.log; do echo "# $f:"; sed 's/^/# /' "$f"; done; exit 1; }

export XDG_CONFIG_HOME="$t/config" XDG_DATA_HOME="$t/data" XDG_RUNTIME_DIR="$t/run" LC_ALL=C.UTF-8
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
cat >"$t/airdockd.conf" <<CONF
[server]
data_dir = $t/srv
http_port = 0
https_port = 0
listen_address = 127.0.0.1
hostnames = localhost, 127.0.0.1
[lmtp]
listen = 127.0.0.1:0
[smtp]
relay = 127.0.0.1:1
CONF
"$builddir/server/airdockd" -c "$t/airdockd.conf" --ports-file "$t/ports" >"$t/airdockd.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do [ -s "$t/ports" ] && break; sleep 0.1; done
[ -s "$t/ports" ] || fail "airdockd did not start"
https=$(sed -n 's/^https=//p' "$t/ports")
echo secret | "$builddir/server/airdockctl" -c "$t/airdockd.conf" user add alice alice@example.org >/dev/null
fp=$(openssl x509 -in "$t/srv/tls-cert.pem" -outform DER | sha256sum | cut -d' ' -f1)
echo secret | "$builddir/conduit/airdock-conduit" account add "https://127.0.0.1:$https" alice \
	--accept-certificate "$fp" >"$t/account.log" 2>&1 || fail "account add"
# Many notes in the store: the server sync the tray watches sends them.
"$builddir/tests/conduit/test-e2e-fill" "$t/store.sqlite" 1500 >"$t/fill.log" 2>&1 || fail "filling the store"

Xvfb -displayfd 3 -screen 0 800x450x24 -nolisten tcp 3>"$t/display" >"$t/xvfb.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do [ -s "$t/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$t/display")"
dbus-daemon --session --nofork --print-address=1 >"$t/bus" 2>"$t/bus.log" &
pids="$pids $!"
for _ in $(seq 100); do [ -s "$t/bus" ] && break; sleep 0.1; done
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$t/bus")
export DBUS_SESSION_BUS_ADDRESS

"$builddir/conduit/airdock-conduit" --store "$t/store.sqlite" --listen net:127.0.0.1:0 --dbus session \
	--server-interval 0 >"$t/conduit.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do grep -q '^dbus' "$t/conduit.log" && break; sleep 0.1; done
"$builddir/conduit/airdock-tray" --print-state >"$t/tray.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 100); do [ -s "$t/tray.log" ] && break; sleep 0.1; done
[ -s "$t/tray.log" ] || fail "the tray printed nothing"

gdbus call --session --dest org.airdock.Conduit1 --object-path /org/airdock/Conduit1 \
	--method org.airdock.Conduit1.SyncNow >/dev/null
shot=""
for _ in $(seq 600); do
	if grep -q 'Server: Notes' "$t/tray.log"; then
		"$builddir/tests/conduit/test-e2e-shot" "$out" && shot=yes
		break
	fi
	sleep 0.05
done
[ -n "$shot" ] || fail "the tray never showed the server sync"
for _ in $(seq 600); do grep -q '^server-sync' "$t/conduit.log" && break; sleep 0.1; done
grep -q '^server-sync ok' "$t/conduit.log" || fail "the server sync did not finish well"
# The tray then shows the result: the sync's summary, no progress bar.
# (Its last STATE line: GLib warnings, e.g. about a missing notification
# service, share the log.)
last_state () { grep '^STATE' "$t/tray.log" | tail -n 1; }
for _ in $(seq 600); do last_state | grep -q 'server +1500' && break; sleep 0.1; done
last_state | sed 's/^/# tray: /'
last_state | grep -q 'server +1500 .*	-	' || fail "the tray does not show the result"
echo "ok 1 - the tray showed the server sync; screenshot $out"
echo "1..1"
