#!/usr/bin/env python3
"""Builds the seed corpora of the libhotsync fuzz targets.

Run from the top of the source tree:
    python3 tests/data/hotsync/make-corpus.py ../shared/fixtures/hotsync-recordings
It reads the Apache-2.0 recordings listed in SOURCE.md and writes
tests/fuzz/corpus/hotsync-*/.  The files are committed; rerun only to
regenerate them.
"""
import json, os, struct, sys

SRC = sys.argv[1]
OUT = 'tests/fuzz/corpus'
# Apache-2.0 recordings only (see tests/data/hotsync/SOURCE.md).
NET = ['no-op-test.net.json', 'read-memo-test.net.json', 'list-db-test.net.json',
       'device-info-test.net.json', 'create-delete-db-test.net.json']
SERIAL = ['no-op-test.serial-net.json', 'read-memo-test.serial-net.json',
          'create-delete-db-test.serial-net.json']


def stream(name, kind):
    ev = json.load(open(os.path.join(SRC, name)))
    return b''.join(bytes.fromhex(e['data']) for e in ev if e['type'] == kind)


def put(target, name, data):
    d = os.path.join(OUT, 'hotsync-' + target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def netsync_frames(s):
    i = 0
    while i + 6 <= len(s):
        n = struct.unpack('>I', s[i + 2:i + 6])[0]
        yield s[i], s[i + 1], s[i + 6:i + 6 + n]
        i += 6 + n


def slp_frames(s):
    i = 0
    while True:
        j = s.find(b'\xbe\xef\xed', i)
        if j < 0 or j + 10 > len(s):
            return
        n = struct.unpack('>H', s[j + 6:j + 8])[0]
        yield s[j + 5], s[j + 8], s[j + 10:j + 10 + n], s[j:j + 12 + n]
        i = j + 12 + n


def padp_messages(s):
    cur = b''
    for t, xid, body, _ in slp_frames(s):
        if t != 2 or not body or body[0] != 1:
            continue
        hl = 6 if body[1] & 0x10 else 4
        if body[1] & 0x80:
            cur = b''
        cur += body[hl:]
        if body[1] & 0x40:
            yield cur


def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xffff
    return crc


def slp(t, xid, body):
    h = b'\xbe\xef\xed\x03\x03' + bytes([t]) + struct.pack('>H', len(body)) + bytes([xid])
    h += bytes([sum(h) & 0xff])
    return h + body + struct.pack('>H', crc16(h + body))


dlp = {}
for name in NET:
    base = name.split('.')[0]
    for kind in ('read', 'write'):
        s = stream(name, kind)
        put('netsync', f'{base}-{kind}', s)
        for i, (_, _, payload) in enumerate(netsync_frames(s)):
            if i >= (3 if kind == 'read' else 2):
                dlp.setdefault(payload, f'{base}-{kind}-{i:03d}')
    put('link', f'{base}-net', b'\x40' + stream(name, 'read'))
    put('link', f'{base}-net-to-handheld', b'\x40' + stream(name, 'write'))
for name in SERIAL:
    base = name.split('.')[0]
    for kind in ('read', 'write'):
        s = stream(name, kind)
        put('slp', f'{base}-{kind}', s)
        script = b''
        for t, xid, body, _ in slp_frames(s):
            if t == 2 and len(body) < 256:
                script += bytes([0, xid, len(body)]) + body
        put('padp', f'{base}-{kind}', script)
        for i, m in enumerate(padp_messages(s)):
            if i == 0:
                put('cmp', f'{base}-{kind}', m)
            else:
                dlp.setdefault(m, f'{base}-{kind}-{i:03d}')
    put('link', f'{base}-serial', b'\x10' + stream(name, 'read'))
    put('link', f'{base}-serial-to-handheld', b'\x10' + stream(name, 'write'))
for data, name in dlp.items():
    put('dlp', name, data)

# Our own encodings: bad frames, CMP variants, records.
good = slp(2, 0x11, b'\x01\xc0\x00\x02\x10\x00')
put('slp', 'bad-header', good[:9] + b'\x00' + good[10:] + good)
put('slp', 'bad-crc', good[:-1] + b'\x00' + good)
put('slp', 'oversize', slp(2, 1, b'\x00' * 1031) + good)
put('cmp', 'wake-v2', bytes([1, 0x10, 2, 0, 0, 0]) + struct.pack('>I', 115200))
put('cmp', 'wake-9600', bytes([1, 0, 1, 1, 0, 0]) + struct.pack('>I', 9600))
put('padp', 'fragments', bytes([0, 5, 8, 1, 0x80, 0x08, 0x00]) + b'abcd' + bytes([0, 5, 8, 1, 0x40, 0x04, 0x00]) + b'efgh')
put('padp', 'send-timeout', bytes([1]) + b'x' * 13 + bytes([2] * 30))
cats = struct.pack('>H', 6)
for n in [b'Unfiled', b'Business', b'Personal', b'Caf\xe9'] + [b''] * 12:
    cats += n.ljust(16, b'\x00')
cats += bytes(range(16)) + b'\x0f\x00\x00\x00'
put('records', 'memo-appinfo', cats + b'\x00\x00\x01\x00')
put('records', 'todo-appinfo', cats + b'\x00\x00\x01\x00')
put('records', 'categories-only', cats)
put('records', 'memo', b'Hello, world!\nSecond line \x80\x81\x00')
due = ((2023 - 1904) << 9) | (6 << 5) | 13
put('records', 'todo', struct.pack('>HB', due, 0x82) + b'Buy milk\x00two litres\x00')
put('records', 'todo-no-due', struct.pack('>HB', 0xffff, 1) + b'x\x00')
put('records', 'todo-bad-month', struct.pack('>HB', 0x01e1, 1) + b'x\x00\x00')

# A real MemoDB AppInfo block and memo, from read-memo-test.net.json.
def first_arg(payload):
    form = payload[4] & 0xc0
    return payload[4 + {0x00: 2, 0x80: 4, 0x40: 6}[form]:]


for payload in dlp:
    if payload[:4] == b'\x9b\x01\x00\x00':
        put('records', 'memo-appinfo-recorded', first_arg(payload)[2:])    # size u16
    if payload[:4] == b'\xa0\x01\x00\x00':
        put('records', 'memo-recorded', first_arg(payload)[10:])           # record header


# HotsyncSession scripts: a length byte before each DLP answer.
def resp(cmd, err=0, args=()):
    out = bytes([cmd | 0x80, len(args)]) + struct.pack('>H', err)
    for i, a in enumerate(args):
        out += bytes([0x20 + i, len(a)]) + a
    return out


def script(mode, answers):
    return bytes([mode]) + b''.join(bytes([len(a)]) + a for a in answers)


sysinfo = resp(0x12, args=[struct.pack('>II', 0x04103000, 0) + b'\x00\x00',
                           struct.pack('>HHHHI', 1, 2, 1, 1, 0xffe1)])
userinfo = resp(0x10, args=[struct.pack('>III', 77, 0, 0x1234) + bytes(16) + b'\x02\x00x\x00'])
opening = [sysinfo, userinfo, resp(0x2e), resp(0x17, args=[b'\x01']), resp(0x2b, args=[b'\x00\x02']),
           resp(0x1b, 5)]
record = struct.pack('>IHHBB', 0x100001, 0, 3, 0x40, 0) + b'hi\x00'
closing = [resp(0x21, args=[struct.pack('>I', 0x100002)]), resp(0x22), resp(0x26), resp(0x27), resp(0x19),
           resp(0x2e), resp(0x17, 5), resp(0x11), resp(0x2a), resp(0x2f)]
put('session', 'fast', script(1, opening + [resp(0x1f, args=[record]), resp(0x1f, 5)] + closing))
put('session', 'slow', script(0, opening + [resp(0x20, args=[record]), resp(0x20, args=[record])] + closing))
put('session', 'cancel', script(3, opening + [resp(0x1f, 5), resp(0x19), resp(0x2f)]))
put('session', 'error', script(1, opening[:3] + [resp(0x17, 3), resp(0x2f)]))
