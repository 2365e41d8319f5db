#!/bin/sh
# airdockctl end to end: accounts and local delivery on a temporary store.
# Prints TAP.  Needs G_TEST_BUILDDIR (set by `make check`).
set -u

ctl="${G_TEST_BUILDDIR:-.}/server/airdockctl"
dir=$(mktemp -d "${TMPDIR:-/tmp}/test-airdockctl-XXXXXX")
trap 'rm -rf "$dir"' EXIT
n=0
failed=0

ok () {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}

# expect STATUS DESCRIPTION COMMAND...: runs COMMAND, compares its exit status
expect () {
	want=$1; what=$2; shift 2
	"$@" >"$dir/out" 2>"$dir/err"
	got=$?
	[ "$got" = "$want" ]
	ok $? "$what (exit $got, want $want)"
}

# pw TEXT: the next command reads TEXT as its password (a file, not a
# pipe, so that expect runs in this shell and counts)
pw () {
	printf '%s\n' "$1" >"$dir/pw"
}

echo "1..23"

d="--data-dir=$dir/store"
pw 'pw-alice'; expect 0 "user add alice" "$ctl" "$d" user add alice alice@example.org <"$dir/pw"
pw 'pw-bob'; expect 0 "user add bob" "$ctl" "$d" user add bob bob@example.org <"$dir/pw"
pw 'x'; expect 1 "duplicate login refused" "$ctl" "$d" user add Alice other@example.org <"$dir/pw"
grep -q "exists" "$dir/err"; ok $? "duplicate error says it exists"
pw 'x'; expect 1 "bad address refused" "$ctl" "$d" user add carol not-an-address <"$dir/pw"
pw ''; expect 1 "empty password refused" "$ctl" "$d" user add carol carol@example.org <"$dir/pw"
expect 2 "missing argument is a usage error" "$ctl" "$d" user add carol
expect 2 "unknown command is a usage error" "$ctl" "$d" frobnicate

expect 0 "user list" "$ctl" "$d" user list
printf 'alice\talice@example.org\nbob\tbob@example.org\n' | cmp -s - "$dir/out"; ok $? "list shows both users in order"

pw 'pw-alice'; expect 0 "verify right password" "$ctl" "$d" user verify alice <"$dir/pw"
pw 'wrong'; expect 1 "verify wrong password" "$ctl" "$d" user verify alice <"$dir/pw"
pw 'pw-new'; expect 0 "passwd" "$ctl" "$d" user passwd alice <"$dir/pw"
pw 'pw-alice'; expect 1 "old password no longer works" "$ctl" "$d" user verify alice <"$dir/pw"
pw 'pw-new'; expect 0 "new password works" "$ctl" "$d" user verify alice <"$dir/pw"

printf 'From: carol@example.net\r\nSubject: via ctl\r\n\r\nhello\r\n' >"$dir/msg.eml"
expect 0 "deliver to alice" "$ctl" "$d" deliver alice <"$dir/msg.eml"
grep -q '^1:1$' "$dir/out"; ok $? "deliver prints the Inbox item id"
stored=$(find "$dir/store/users" -name '*.eml' | head -n 1)
cmp -s "$dir/msg.eml" "$stored"; ok $? "stored message equals the input"
expect 1 "deliver to an unknown user" "$ctl" "$d" deliver nobody <"$dir/msg.eml"

expect 0 "user del bob" "$ctl" "$d" user del bob
expect 1 "del of a missing user fails" "$ctl" "$d" user del bob

# -c: the daemon's config file names the store
printf '[server]\ndata_dir=%s\n' "$dir/store" >"$dir/airdockd.conf"
expect 0 "-c config file" "$ctl" -c "$dir/airdockd.conf" user list
grep -q "^alice	" "$dir/out"; ok $? "-c reaches the same store"
exit $failed
