#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The Prometheus exporter (dsmip-ctl serve-metrics, libmicrohttpd): it refuses to run as root
# unless told to; clients that never finish their request or never read their answer hold
# only their own connection: 50 scrapes at once beside 10 such clients are all answered
# (each within its 5 s client timeout); a wrong path is a 404. No home agent runs: the
# metrics say dsmip_up 0 (the exporter answers either way).
set -u
. "$(dirname "$0")/lib.sh"
CTL=$BUILD/tools/dsmip-ctl
PORT=$((20000 + $$ % 10000))
pid=
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; }
trap cleanup EXIT

if [ "$(id -u)" -eq 0 ]; then
    out=$(timeout 5 "$CTL" --file-prefix "exp$$" serve-metrics "$PORT" 2 2>&1)
    rc=$?
    expect_eq "as root without --allow-root: refused" "$rc" 1
    expect_contains "... saying why" "$out" "refuses to run as root"
fi

"$CTL" --file-prefix "exp$$" serve-metrics "$PORT" 60 --allow-root 2>/dev/null &
pid=$!
for i in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done

out=$(/usr/bin/python3 - "$PORT" <<'PY'
import socket, sys, threading, urllib.request, urllib.error
port = int(sys.argv[1])
stuck = []
for i in range(10):
    s = socket.create_connection(('127.0.0.1', port))
    # half a request line, then nothing: the old exporter waited on each of these
    s.sendall(b'GET /met' if i % 2 else b'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n')
    stuck.append(s)   # the complete ones are never read
ok, bad = [], []
def scrape():
    try:
        with urllib.request.urlopen('http://127.0.0.1:%d/metrics' % port, timeout=5) as r:
            body = r.read().decode()
            (ok if r.status == 200 and 'dsmip_up 0' in body else bad).append(r.status)
    except Exception as e:
        bad.append(repr(e))
threads = [threading.Thread(target=scrape) for _ in range(50)]
for t in threads:
    t.start()
for t in threads:
    t.join()
try:
    urllib.request.urlopen('http://127.0.0.1:%d/other' % port, timeout=5)
    nf = 'answered'
except urllib.error.HTTPError as e:
    nf = e.code
print(len(ok), len(bad), nf, bad[:3])
PY
)
read -r nok nbad nf _ <<<"$out"
expect_eq "50 concurrent scrapes beside 10 stuck clients: all answered" "$nok $nbad" "50 0"
expect_eq "another path: 404" "$nf" 404
kill -0 "$pid" 2>/dev/null && pass "the exporter is still running" || fail "the exporter died"
kill -TERM "$pid"
wait "$pid"
expect_eq "SIGTERM: clean exit" "$?" 0
pid=
finish
