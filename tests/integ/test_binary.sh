#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The dsmip-ha binary: command line, config errors, telemetry, clean stop on SIGTERM/SIGINT.
set -u
. "$(dirname "$0")/lib.sh"
PREFIX=ha_integ_$$
trap 'pkill -KILL -f -- "--file-prefix $PREFIX" 2>/dev/null; rm -rf /var/run/dpdk/$PREFIX' EXIT

out=$("$HA_BIN" --version); rc=$?
expect_eq "--version exit" "$rc" 0
expect_contains "--version text" "$out" "dsmip-ha 0.1.0 (DPDK 22.11"

out=$("$HA_BIN" --help); rc=$?
expect_eq "--help exit" "$rc" 0
expect_contains "--help text" "$out" "-c, --config FILE"

out=$("$HA_BIN" -- 2>&1); rc=$?
expect_eq "missing -c exit" "$rc" 2
expect_contains "missing -c message" "$out" "missing -c FILE"

out=$("$HA_BIN" -- -c "$TOP/config/dsmip-ha.conf.example" --check-config 2>&1); rc=$?
expect_eq "--check-config example exit" "$rc" 0
expect_contains "--check-config example text" "$out" "OK (2 ports, 2 routes, 2 mobile nodes)"

cd "$TOP/tests/configs"
out=$("$HA_BIN" --no-huge --no-pci -- -c broken.conf 2>&1); rc=$?
expect_eq "broken.conf exit" "$rc" 1
expect_contains "broken role" "$out" 'broken.conf:4: ports[1].role: "hom" is not one of access, home, both'
expect_contains "broken roles" "$out" 'broken.conf:2: ports: no port has role home (or both)'
expect_contains "broken pool" "$out" 'broken.conf:9: home_agent.ipv4_pool: "203.0.113.0/33" is not a valid IPv4 prefix'
expect_contains "broken policy" "$out" 'broken.conf:11: policy.nat_detection: "sometimes" is not one of spi, heuristic'
expect_contains "error count" "$out" "broken.conf: 4 errors, not started"
cd - >/dev/null

# A running HA on two net_null ports: telemetry answers, SIGTERM and SIGINT stop it cleanly.
for sig in TERM INT; do
    log=$(mktemp)
    "$HA_BIN" -l 0-1 --no-huge -m 512 --no-pci --file-prefix "$PREFIX" -- \
        -c "$TOP/tests/configs/null.conf" --state "$log.mdb" >"$log" 2>&1 &
    pid=$!
    for i in $(seq 1 100); do
        grep -q "running:" "$log" && [ -S /var/run/dpdk/$PREFIX/dpdk_telemetry.v2 ] && break
        sleep 0.1
    done
    info=$(echo /dsmip/info | dpdk-telemetry.py -f "$PREFIX" | tail -n 1)
    expect_eq "info version ($sig)" "$(json_get "$info" 'd["/dsmip/info"]["version"]')" 0.1.0
    expect_eq "info workers ($sig)" "$(json_get "$info" 'd["/dsmip/info"]["worker_lcores"]')" "[1]"
    expect_eq "info access driver ($sig)" \
        "$(json_get "$info" 'd["/dsmip/info"]["ports"]["access"]["driver"]')" net_null
    expect_eq "info home role ($sig)" \
        "$(json_get "$info" 'd["/dsmip/info"]["ports"]["home"]["role"]')" home
    expect_eq "info home ipv6 ($sig)" \
        "$(json_get "$info" 'd["/dsmip/info"]["ports"]["home"]["ipv6"]')" 2001:db8:1::1/64
    expect_eq "info control queue ($sig)" \
        "$(json_get "$info" 'd["/dsmip/info"]["ports"]["access"]["control_tx"]')" "own queue"
    expect_eq "binding cache capacity ($sig)" \
        "$(json_get "$info" 'd["/dsmip/info"]["binding_cache"]["capacity"]')" 65536
    expect_eq "binding cache empty ($sig)" \
        "$(json_get "$info" 'd["/dsmip/info"]["binding_cache"]["bindings"]')" 0
    # lookups filtered by the one IPv6 home prefix; no IPv4 prefix or pool: no IPv4 filter
    expect_eq "binding lookups' home ranges ($sig)" \
        "$(json_get "$info" 'd["/dsmip/info"]["binding_cache"]["home_ranges6"]'),$(json_get "$info" 'd["/dsmip/info"]["binding_cache"]["home_ranges4"]')" "1,0"
    if [ "$sig" = TERM ]; then
        # questions for the control loop, 8 clients at once (keepalived's check, a scrape,
        # an operator): every one is answered, none is told busy
        got=$(/usr/bin/python3 - "/var/run/dpdk/$PREFIX/dpdk_telemetry.v2" <<'PY'
import json, socket, sys, threading
ok = [0]
lock = threading.Lock()
def client():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sys.argv[1])
    s.recv(16384)
    for _ in range(25):
        s.send(b'/dsmip/state')
        r = json.loads(s.recv(65536))
        with lock:
            ok[0] += r.get('/dsmip/state') is not None
    s.close()
ts = [threading.Thread(target=client) for _ in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
print(ok[0])
PY
)
        expect_eq "8 telemetry clients at once: every question answered" "$got" 200
    fi
    stats=$(echo /dsmip/stats | dpdk-telemetry.py -f "$PREFIX" | tail -n 1)
    rx=$(json_get "$stats" 'd["/dsmip/stats"]["ports"]["access"]["rx_packets"]')
    if [ "$rx" -gt 0 ]; then pass "worker polls ($sig)"; else fail "worker rx $rx ($sig)"; fi
    t0=$(date +%s%N)
    kill -$sig $pid
    wait $pid; rc=$?
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    expect_eq "exit status after SIG$sig" "$rc" 0
    if [ $ms -lt 1000 ]; then pass "stopped in $ms ms"; else fail "SIG$sig stop took $ms ms"; fi
    expect_contains "stop message ($sig)" "$(cat "$log")" "dsmip-ha: stopped"
    rm -f "$log" "$log.mdb" "$log.mdb-lock"
    rm -rf /var/run/dpdk/$PREFIX
done

# The state store: a damaged file and one of another format refuse the start (exit 4) with
# the reason; --discard-state starts empty over either.
st=$(mktemp -d)
start_state() {   # FILE [--discard-state]: start, wait for "running:" or the exit
    rm -f "$st/log"   # not the last run's "running:" before this one truncates it
    "$HA_BIN" -l 0-1 --no-huge -m 512 --no-pci --file-prefix "$PREFIX" -- \
        -c "$TOP/tests/configs/null.conf" --state "$@" >"$st/log" 2>&1 &
    pid=$!
    for i in $(seq 1 100); do
        grep -q "running:" "$st/log" && return 0
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
    wait $pid; return $?
}
head -c 65536 /dev/urandom >"$st/junk.mdb"
start_state "$st/junk.mdb"; rc=$?
expect_eq "damaged store: exit 4" "$rc" 4
expect_contains "damaged store: the file and the way out" "$(cat "$st/log")" \
    "state store refused: $st/junk.mdb: MDB_INVALID: File is not an LMDB file (damaged, or not a state store: start with --discard-state to begin empty)"
start_state "$st/junk.mdb" --discard-state; rc=$?
expect_eq "damaged store, --discard-state: running" "$rc" 0
kill -TERM $pid; wait $pid
expect_contains "damaged store, --discard-state: the audit line" "$(cat "$st/log")" \
    "state store $st/junk.mdb: damaged, discarded (--discard-state)"
# another format: the meta record as a later version would write it (mdb_load, lmdb-utils)
{
    printf 'VERSION=3\nformat=bytevalue\ntype=btree\nHEADER=END\n'
    printf ' 6d657461\n'
    # magic "DSMIPHA1" (little-endian u64), format 99, padding, creation time 0
    printf ' %s%s%s%s\n' 31414850494d5344 63000000 00000000 0000000000000000
    printf 'DATA=END\n'
} >"$st/other.dump"
mdb_load -n -f "$st/other.dump" "$st/other.mdb" || fail "mdb_load"
start_state "$st/other.mdb"; rc=$?
expect_eq "store of another format: exit 4" "$rc" 4
expect_contains "store of another format: why" "$(cat "$st/log")" \
    "$st/other.mdb: a state store of another format (99; this home agent writes 1): start with --discard-state to begin empty"
start_state "$st/other.mdb" --discard-state; rc=$?
expect_eq "store of another format, --discard-state: running" "$rc" 0
kill -TERM $pid; wait $pid
rm -rf "$st" /var/run/dpdk/$PREFIX
finish
