#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Operations on a running lab home agent (hugepages, so that dpdk-dumpcap can attach):
# every dsmip-ctl read in both outputs, the Prometheus text and its HTTP endpoint; the
# run-time writes (a mobile node added and registered by the real Linux node, then removed;
# an SA added and removed; flush) and their refusals; reload (dsmip-ctl and SIGHUP) while a
# correspondent streams to an unchanged node, counted at the correspondent; a broken file
# that changes nothing; a BA captured by dpdk-dumpcap and decoded by tshark.
set -u
. "$(dirname "$0")/lib.sh"
LAB_PREFIX=ha_ops_test_$$ LAB_DIR=/tmp/dsmip-lab-ops-$$ LAB_BUILD=$BUILD
. "$TOP/tools/lab/lab.sh"
. "$(dirname "$0")/lab_lib.sh"
. "$TOP/tools/hugepages.sh"
BG=""
trap 'for p in $BG; do kill "$p" 2>/dev/null; done; lab_down; rm -rf "$LAB_DIR"' EXIT

CTL_BIN=$BUILD/tools/dsmip-ctl
CTL_ERR=$LAB_DIR/ctl.err
# ctl ARGS...: dsmip-ctl against the lab HA; stdout in $OUT, stderr in $ERR, status in $RC
ctl() {
    OUT=$("$CTL_BIN" --file-prefix "$LAB_PREFIX" "$@" 2>"$CTL_ERR")
    RC=$?
    ERR=$(cat "$CTL_ERR")
}
ctl_ok() {   # LABEL ARGS...
    local what=$1; shift
    ctl "$@"
    if [ "$RC" -eq 0 ]; then pass "$what"; else fail "$what: exit $RC: $ERR"; fi
}
ctl_refused() {   # LABEL EXPECTED-TEXT ARGS...
    local what=$1 text=$2; shift 2
    ctl "$@"
    if [ "$RC" -eq 1 ] && printf '%s' "$ERR" | grep -qF -- "$text"; then
        pass "$what: $(printf '%s' "$ERR" | head -n 1)"
    else
        fail "$what: exit $RC, stderr '$ERR', want exit 1 and '$text'"
    fi
}
# jget ARGS... -- EXPR: EXPR on the --json output of dsmip-ctl ARGS
jget() {
    local args=() e
    while [ "$1" != -- ]; do args+=("$1"); shift; done
    e=$2
    ctl --json "${args[@]}"
    json_get "$OUT" "$e" 2>/dev/null
}

V6="--iface vec0 --gw 2001:db8:b::1 --path v6 --coa 2001:db8:b::5"
HOA6_NEW=2001:db8:1::300
HOA4_NEW=192.0.2.103

# -------------------------------------------------------------------- lab
mkdir -p "$LAB_DIR"
cp "$TOP/config/lab.conf" "$LAB_DIR/ha.conf"
if hugepages_ensure 512; then
    LAB_HA_MEM="-m 512"
else
    fail "no hugepages: dpdk-dumpcap cannot attach to a --no-huge home agent"
    LAB_HA_MEM="--no-huge -m 1024"
fi
lab_up || { fail "lab"; finish; }
lab_ha_start "$LAB_DIR/ha.conf" || { fail "HA did not start"; finish; }
mn_start || { fail "mobile node did not boot"; finish; }
mn_setup base
mn_setup v6
mn_bu "mn1 registers" $V6 --hoa $HOA6 --seq 1 --v4hoa $HOA4/32
ping_ok "mn1: CN -> MN" dsmip-cn -6 -c 3 -i 0.2 -W 2 $HOA6
ping_ok "mn1: MN -> CN" mn -c 3 -i 0.2 -W 2 -I $HOA4 $CN4

# -------------------------------------------------------------------- the control socket
sock=/var/run/dpdk/$LAB_PREFIX/dsmip-ctl.sock
expect_eq "control socket: mode 0600, root" "$(stat -c '%a %U' "$sock" 2>&1)" "600 root"

# a client that trickles its request one byte at a time holds only its own connection:
# other requests and Binding Updates are served meanwhile, and it is closed at its deadline
# (2 s) with "ERR timeout"
/usr/bin/python3 - "$sock" >"$LAB_DIR/slow.out" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
try:
    for b in b"flush 2001:db8:1::998 and more bytes that keep coming\n":
        s.send(bytes([b]))
        time.sleep(0.15)      # inside the old 200 ms poll: it kept reading
except OSError:
    pass
s.settimeout(5)
try:
    print(s.recv(100).decode().strip())
except OSError as e:
    print("no answer", e)
EOF
slow=$!
BG="$BG $slow"
sleep 0.5
t0=$(date +%s%N)
ctl_refused "control socket: answered while another client trickles" "no mobile node" \
    flush 2001:db8:1::999
t1=$(date +%s%N)
[ $(( (t1 - t0) / 1000000 )) -lt 1000 ] && pass "control socket: answer in $(( (t1 - t0) / 1000000 )) ms" ||
    fail "control socket: answer took $(( (t1 - t0) / 1000000 )) ms behind a trickling client"
mn_bu "mn1 refreshes while a client trickles" $V6 --hoa $HOA6 --seq 2 --v4hoa $HOA4/32
expect_eq "  its BA" "$(ba 'd["status"]')" 0
wait $slow
expect_contains "control socket: the trickling client closed at its deadline" \
    "$(cat "$LAB_DIR/slow.out")" "ERR timeout"
expect_eq "control socket: timeouts counted" \
    "$(jget config -- "d['/dsmip/config']['control_socket_timeouts']")" 1

# -------------------------------------------------------------------- reads, both outputs
ctl_ok "info" info
expect_contains "info: binding cache line" "$OUT" "binding_cache.bindings"
expect_eq "info --json: one binding" "$(jget info -- "d['/dsmip/info']['binding_cache']['bindings']")" 1
ctl_ok "stats" stats
expect_contains "stats: port table" "$OUT" "access"
expect_contains "stats: worker line" "$OUT" "busy cycles per packet"
expect_eq "stats --json: drops by name" \
    "$(jget stats -- "'unknown_inner_source' in d['/dsmip/stats']['drops']")" True
ctl_ok "config" config
expect_contains "config: the file" "$OUT" "$LAB_DIR/ha.conf"
expect_eq "config --json: two nodes" "$(jget config -- "d['/dsmip/config']['mobile_nodes']")" 2
ctl_ok "pool" pool
expect_contains "pool: the prefix" "$OUT" "192.0.2.128/26"
expect_eq "pool --json: 64 addresses" "$(jget pool -- "d['/dsmip/pool']['size']")" 64
ctl_ok "bindings" bindings
expect_contains "bindings: mn1 row" "$OUT" "mn1"
expect_contains "bindings: care-of address" "$OUT" "2001:db8:b::5"
expect_eq "bindings --json: mn1's care-of" \
    "$(jget bindings -- "d['/dsmip/bindings']['bindings']['mn1']['coa']")" 2001:db8:b::5
ctl_ok "binding by address" binding $HOA6
expect_contains "binding: the IPv4 home address" "$OUT" "$HOA4"
expect_contains "binding: lifetime left" "$OUT" "lifetime_left_s"
b=$(jget binding mn1 -- "d['/dsmip/binding']")
expect_contains "binding --json by id: the node" "$b" "'id': 'mn1'"
tx=$(jget binding $HOA4 -- "d['/dsmip/binding']['to_node_packets']")
rx=$(jget binding $HOA4 -- "d['/dsmip/binding']['from_node_packets']")
[ "${tx:-0}" -ge 3 ] && [ "${rx:-0}" -ge 3 ] && pass "binding: per-node counters ($tx to, $rx from)" ||
    fail "binding: per-node counters to=$tx from=$rx, want >= 3 each"
ctl_refused "binding of an unknown address" "not found" binding 2001:db8:1::999
ctl_ok "sas" sas
expect_contains "sas: the header" "$OUT" "SAs on"
expect_eq "sas --json: none in this config" "$(jget sas -- "d['/dsmip/sas']['count']")" 0
"$CTL_BIN" --file-prefix "$LAB_PREFIX" frobnicate >/dev/null 2>&1
expect_eq "unknown subcommand: exit 2" "$?" 2

# -------------------------------------------------------------------- Prometheus
ctl_ok "metrics" metrics
expect_contains "metrics: dsmip_bindings" "$OUT" "dsmip_bindings 1"
expect_contains "metrics: rx per port" "$OUT" 'dsmip_rx_packets_total{port="access"}'
expect_contains "metrics: drops by reason" "$OUT" 'dsmip_drops_total{reason="unknown_inner_source"}'
expect_contains "metrics: TYPE lines" "$OUT" "# TYPE dsmip_drops_total counter"
port=$((20000 + $$ % 20000))
"$CTL_BIN" --file-prefix "$LAB_PREFIX" serve-metrics $port 20 --allow-root 2>/dev/null &
BG="$BG $!"
body=""
for _ in $(seq 1 50); do
    body=$(/usr/bin/python3 -c "import urllib.request,sys; print(urllib.request.urlopen(
        'http://127.0.0.1:$port/metrics', timeout=2).read().decode())" 2>/dev/null) && break
    sleep 0.1
done
expect_contains "serve-metrics: HTTP /metrics" "$body" 'dsmip_tx_packets_total{port="home"}'
down=$("$CTL_BIN" --file-prefix "nothing_$$" metrics 2>/dev/null)
rc=$?
expect_eq "metrics of a home agent that is not there: dsmip_up 0, exit 1" \
    "$(printf '%s' "$down" | grep -v '^#') $rc" "dsmip_up 0 1"

# -------------------------------------------------------------------- run-time writes
ctl_ok "mn-add" mn-add "{ id = \"mn3\"; hoa6 = \"$HOA6_NEW\"; hoa4 = \"$HOA4_NEW\"; }"
expect_contains "mn-add: answer names the node" "$OUT" "mn3"
MN_HOA6=$HOA6_NEW MN_HOA4=$HOA4_NEW mn_setup v6
MN_HOA6=$HOA6_NEW mn_bu "mn3 registers" $V6 --hoa $HOA6_NEW --seq 1 --v4hoa $HOA4_NEW/32
expect_eq "mn3: accepted" "$(ba 'd["status"]')" 0
ping_ok "mn3: CN -> MN IPv6" dsmip-cn -6 -c 3 -i 0.2 -W 2 $HOA6_NEW
ping_ok "mn3: CN -> MN IPv4" dsmip-cn -c 3 -i 0.2 -W 2 $HOA4_NEW
expect_eq "mn3: binding listed" "$(jget binding mn3 -- "d['/dsmip/binding']['coa']")" 2001:db8:b::5

ctl_refused "mn-add: the same id again" "mn3" mn-add "{ id = \"mn3\"; hoa6 = \"2001:db8:1::301\"; }"
ctl_refused "mn-add: a home address in use" "2001:db8:1::100" \
    mn-add '{ id = "mn9"; hoa6 = "2001:db8:1::100"; }'
ctl_refused "mn-add: another node's static IPv4 home address" \
    "IPv4 home address 192.0.2.100 belongs to mobile node mn1" \
    mn-add '{ id = "mn9"; hoa6 = "2001:db8:1::309"; hoa4 = "192.0.2.100"; }'
expect_eq "mn-add refused: mn1 keeps its IPv4 home address" \
    "$(jget binding $HOA4 -- "d['/dsmip/binding']['id']")" mn1
ctl_refused "mn-add: outside the home prefixes" "is not inside any home_agent.home_prefixes" \
    mn-add '{ id = "mn9"; hoa6 = "2001:db8:77::1"; }'
ctl_refused "mn-add: a syntax error, with its line" "mobile node:1: syntax error" mn-add '{ id = "mn9"; hoa6 = '
ctl_refused "mn-del: unknown node" "mn77" mn-del mn77
ctl_refused "sa-del: unknown SPI" "0x7777" sa-del 0x7777
ctl_refused "flush: unknown node" "2001:db8:1::999" flush 2001:db8:1::999

key=0x000102030405060708090a0b0c0d0e0f
akey=0x101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f
ctl_ok "sa-add" sa-add mn3 "{ spi = 0x3001; direction = \"in\"; role = \"signalling\";
    algorithm = \"aes-128-cbc-hmac-sha256\"; key = \"$key\"; auth_key = \"$akey\"; }"
ctl_ok "sa: the new SA" sa 0x3001
expect_contains "sa: its node" "$OUT" "$HOA6_NEW"
expect_eq "sas --json: one" "$(jget sas -- "d['/dsmip/sas']['count']")" 1
ctl_refused "sa-add: the same SPI again" "0x3001" sa-add mn1 "{ spi = 0x3001;
    direction = \"in\"; role = \"signalling\"; algorithm = \"aes-128-cbc-hmac-sha256\";
    key = \"$key\"; auth_key = \"$akey\"; }"
ctl_refused "sa-add: a key of the wrong length" "sa.key: must be 16 bytes of hex" sa-add mn1 "{
    spi = 0x3002; direction = \"in\"; role = \"signalling\";
    algorithm = \"aes-128-cbc-hmac-sha256\"; key = \"0x0102\"; auth_key = \"$akey\"; }"
# R4106 §8.1: a manually keyed GCM SA repeats nonces when it starts again (this config is
# not a lab's: no policy.allow_manual_gcm)
ctl_refused "sa-add: manual AES-GCM refused" "AES-GCM with a manual key repeats nonces" \
    sa-add mn1 "{ spi = 0x3003; direction = \"in\"; role = \"signalling\";
    algorithm = \"aes-128-gcm\"; key = \"0x000102030405060708090a0b0c0d0e0fa0a1a2a3\"; }"
ctl_ok "sa-del" sa-del 0x3001
ctl_refused "sa after sa-del" "not found" sa 0x3001

ctl_ok "mn-del" mn-del mn3
ctl_refused "mn-del: the binding is gone" "not found" binding $HOA6_NEW
ping_fails "mn-del: no forwarding to the removed node" dsmip-cn -6 -c 2 -W 1 $HOA6_NEW
mn_bu "mn-del: the removed node's BU" $V6 --hoa $HOA6_NEW --seq 2 --v4hoa $HOA4_NEW/32
expect_eq "mn-del: its BU refused (133: not home agent for this mobile node)" "$(ba 'd["status"]')" 133

# flush one, then all
mn_setup v6
mn_bu "mn1 again" $V6 --hoa $HOA6 --seq 3 --v4hoa $HOA4/32
ctl_ok "flush one" flush mn1
expect_eq "flush: the node stays, unbound" "$(jget binding mn1 -- "d['/dsmip/binding']['state']")" none
ping_fails "flush: no forwarding" dsmip-cn -6 -c 2 -W 1 $HOA6
mn_bu "mn1 after flush" $V6 --hoa $HOA6 --seq 4 --v4hoa $HOA4/32
expect_eq "mn1 after flush: accepted" "$(ba 'd["status"]')" 0
ctl_ok "flush all" flush all
expect_eq "flush all: no bindings" "$(jget info -- "d['/dsmip/info']['binding_cache']['bindings']")" 0
mn_bu "mn1 registers again" $V6 --hoa $HOA6 --seq 5 --v4hoa $HOA4/32
ping_ok "mn1 again: CN -> MN" dsmip-cn -6 -c 2 -i 0.2 -W 2 $HOA6

# -------------------------------------------------------------------- reload under traffic
# 400 echoes at 20 ms to mn1 (8 s); three reloads happen in the middle of the stream
ns_exec dsmip-cn ping -6 -i 0.02 -c 400 -W 1 $HOA6 >"$LAB_DIR/stream.txt" 2>&1 &
stream=$!
BG="$BG $stream"
sleep 1
# 1: a node added, the mobile router removed, a policy and the pool changed
sed -i -e 's|ipv4_pool = "192.0.2.128/26"|ipv4_pool = "192.0.2.192/27"|' \
    -e 's|dad = false;|dad = false; max_lifetime = 600; icmp_error_rate = 0;|' "$LAB_DIR/ha.conf"
/usr/bin/python3 - "$LAB_DIR/ha.conf" <<'EOF'
import re, sys
p = sys.argv[1]
t = open(p).read()
t = re.sub(r'\{ id = "mr1";.*?\}\s*\n\);', '{ id = "mn4"; hoa6 = "2001:db8:1::400"; }\n);', t,
           flags=re.S)
t = t.replace('    # a mobile router: its prefix is forwarded to it, its IPv4 home address is dynamic\n', '')
open(p, 'w').write(t)
EOF
ctl_ok "reload" reload
expect_contains "reload: the difference" "$OUT" "1 mobile nodes added, 1 removed, 0 changed, 1 unchanged"
expect_eq "reload: mn4 known" "$(jget config -- "d['/dsmip/config']['mobile_nodes']")" 2
expect_eq "reload: new pool" "$(jget pool -- "' '.join(d['/dsmip/pool']['ranges'])")" 192.0.2.192/27
expect_eq "reload: new policy" "$(jget config -- "d['/dsmip/config']['policy']['max_lifetime']")" 600
# ... and applied: the next BU is granted at most 600 s; the workers send no ICMP error
mn_bu "reload: mn1 asks for 4000 s" $V6 --hoa $HOA6 --seq 6 --v4hoa $HOA4/32 --lifetime 1000
expect_eq "reload: granted 600 s (150 units of 4 s)" "$(ba 'd["lifetime"]')" 150 ||
    echo "   the BA: $BA" >&2
limited0=$(jget stats -- "d['/dsmip/stats']['events']['icmp_error_ratelimited']")
ns_exec dsmip-cn ping -6 -c 1 -W 1 -s 1440 $HOA6 >/dev/null 2>&1
limited1=$(jget stats -- "d['/dsmip/stats']['events']['icmp_error_ratelimited']")
[ "${limited1:-0}" -gt "${limited0:-0}" ] && pass "reload: icmp_error_rate 0 applied (too-big not sent)" ||
    fail "reload: icmp_error_rate 0 not applied ($limited0 -> $limited1 suppressed)"
expect_eq "reload: mn1 still bound" "$(jget binding mn1 -- "d['/dsmip/binding']['coa']")" 2001:db8:b::5
sleep 1
# 2: SIGHUP with the file unchanged
reloads0=$(jget config -- "d['/dsmip/config']['reloads']")
kill -HUP "$(cat "$LAB_DIR/ha.pid")"
for _ in $(seq 1 30); do
    [ "$(jget config -- "d['/dsmip/config']['reloads']")" != "$reloads0" ] && break
    sleep 0.1
done
expect_eq "SIGHUP: reloaded" "$(jget config -- "d['/dsmip/config']['reloads']")" $((reloads0 + 1))
sleep 1
# 3: a broken file changes nothing
cp "$LAB_DIR/ha.conf" "$LAB_DIR/ha.conf.good"
printf 'policy = { max_lifetime = "long"; };\n' >>"$LAB_DIR/ha.conf"
ctl_refused "reload: a broken file is refused with file:line" "$LAB_DIR/ha.conf:" reload
sed -i 's|ipv4_pool = "192.0.2.192/27"|ipv4_pool = "192.0.2.224/27"|' "$LAB_DIR/ha.conf.good"
sed -i 's|"net_af_packet1,iface=ha-home"|"net_af_packet1,iface=ha-other"|' "$LAB_DIR/ha.conf.good"
cp "$LAB_DIR/ha.conf.good" "$LAB_DIR/ha.conf"
ctl_refused "reload: a port change needs a restart" "ports changed" reload
expect_eq "refused reloads: nothing changed" "$(jget pool -- "' '.join(d['/dsmip/pool']['ranges'])")" 192.0.2.192/27
expect_eq "refused reloads: counted" "$(jget config -- "d['/dsmip/config']['reloads_refused']")" 2
wait $stream
got=$(grep -oE '[0-9]+ received' "$LAB_DIR/stream.txt" | cut -d' ' -f1)
expect_eq "reload: every echo of the unchanged node's stream answered at the CN" "${got:-0}" 400
kill -0 "$(cat "$LAB_DIR/ha.pid")" 2>/dev/null && pass "the home agent still runs" ||
    fail "the home agent stopped"
expect_contains "reload: audit line" "$(cat "$LAB_DIR/ha.log")" "reloaded: 1 mobile nodes added"

# -------------------------------------------------------------------- dpdk-dumpcap
# the secondary process attaches through rte_pdump; a BU from the node, its BA captured
cap=$LAB_DIR/dumpcap.pcapng
timeout 30 dpdk-dumpcap --file-prefix="$LAB_PREFIX" -i 0 -w "$cap" -a duration:12 \
    >"$LAB_DIR/dumpcap.log" 2>&1 &
dc=$!
BG="$BG $dc"
for _ in $(seq 1 100); do
    grep -q "Packets captured\|Capturing on" "$LAB_DIR/dumpcap.log" 2>/dev/null && break
    sleep 0.1
done
sleep 0.5
mn_bu "BU while dumpcap runs" $V6 --hoa $HOA6 --seq 7 --v4hoa $HOA4/32
kill -INT $dc 2>/dev/null
wait $dc
rows=$(tshark -r "$cap" -Y 'mip6.mhtype == 6' -T fields -e mip6.ba.seqnr -e mip6.ba.status \
    -e ipv6.dst 2>/dev/null | head -n 1)
expect_eq "dumpcap: the BA decoded by tshark (seq, status, to the care-of)" \
    "$(printf '%s' "$rows" | tr '\t' ' ')" "7 0 2001:db8:b::5"
[ -n "$rows" ] || sed -n 1,20p "$LAB_DIR/dumpcap.log" >&2
finish
