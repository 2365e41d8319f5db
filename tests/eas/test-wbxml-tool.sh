#!/bin/sh
# test-wbxml-tool.sh — the airdock-wbxml CLI (server/airdock-wbxml.c), TAP output.
set -u
tool="${G_TEST_BUILDDIR:-.}/server/airdock-wbxml"
fixtures="${AIRDOCK_SHARED:-}/fixtures/eas/libwbxml/encoded-by-xml2wbxml"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0

ok () {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}

"$tool" --help >"$tmp/help" 2>&1
ok $? "--help exits 0"
grep -q "decode" "$tmp/help"
ok $? "--help describes decode"

"$tool" >/dev/null 2>&1
[ $? -eq 1 ]
ok $? "no arguments exit 1"

"$tool" frobnicate - </dev/null >/dev/null 2>&1
[ $? -eq 1 ]
ok $? "unknown command exits 1"

# Malformed input names the offset and exits 1.
printf '\003\001\152\000\052' >"$tmp/unknown.wbxml"
"$tool" decode "$tmp/unknown.wbxml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "offset 4" "$tmp/err"
ok $? "unknown tag: exit 1, offset named"

printf '\003\001\152\000\105\003abc' | "$tool" decode - >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "offset 9" "$tmp/err"
ok $? "truncated stdin: exit 1, offset named"

# The input that aborts libwbxml 0.11.8.
printf '\003\001\152\000\000\007\126\122\002\217\377\377\377\177\001\001' >"$tmp/crash.wbxml"
"$tool" decode "$tmp/crash.wbxml" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "offset 8" "$tmp/err"
ok $? "libwbxml crash input: clean error"

printf '<Sync xmlns="AirSync:"><Nope/></Sync>' | "$tool" encode - >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "Nope" "$tmp/err"
ok $? "encode of an unknown element: exit 1"

"$tool" decode "$tmp/does-not-exist" >/dev/null 2>&1
[ $? -eq 1 ]
ok $? "missing file: exit 1"

# stdin round trip of a small document.
printf '<FolderSync xmlns="FolderHierarchy:"><SyncKey>0</SyncKey></FolderSync>' |
	"$tool" encode - >"$tmp/fs.wbxml"
printf '\003\001\152\000\000\007\126\122\0030\000\001\001' >"$tmp/fs-expected.wbxml"
cmp -s "$tmp/fs.wbxml" "$tmp/fs-expected.wbxml"
ok $? "encode from stdin: known answer"

# Every WBXML fixture: decode → encode is byte-exact (they are canonical).
if [ -d "$fixtures" ]; then
	for f in "$fixtures"/*.wbxml; do
		name=$(basename "$f")
		"$tool" decode "$f" >"$tmp/x.xml" 2>"$tmp/err" &&
			"$tool" encode "$tmp/x.xml" >"$tmp/x.wbxml" 2>>"$tmp/err" &&
			cmp -s "$f" "$tmp/x.wbxml"
		ok $? "round trip $name"
	done
else
	n=$((n + 1))
	echo "ok $n # SKIP fixtures not found (set AIRDOCK_SHARED)"
fi

echo "1..$n"
exit $fail
