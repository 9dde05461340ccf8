#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Bindings that survive a restart (the state store, controlplane/cp_store.c): 10,000 nodes
# registered in mixed ways (IPv6 care-of, NAT, NAT with the TLV format, public IPv4, IPv4
# home addresses from the pool) plus a mobile router with a delegated IPv4 prefix, plus the
# lab's real Linux node whose BUs and payload go through its kernel's ESP. The home agent is
# killed (SIGKILL) while a correspondent streams to the node and started again:
#   - every binding is back with the same care-of address, port, format and flags, and its
#     remaining lifetime (+-2 s of the time that passed);
#   - the node's traffic resumes without a new BU;
#   - a BU accepted before the restart and replayed after it is refused (135), the node's
#     ESP-protected BU replayed is dropped by the resumed replay window;
#   - tshark on the access link sees no ESP sequence number twice on the home agent's
#     outbound payload SA across the restart.
# Then a clean stop and a start with one node fewer in the file: its binding is dropped with
# an audit line, the others come back.
set -u
. "$(dirname "$0")/lib.sh"
LAB_PREFIX=ha_rs_test_$$ LAB_DIR=/tmp/dsmip-lab-rs-$$ LAB_BUILD=$BUILD
. "$TOP/tools/lab/lab.sh"
. "$(dirname "$0")/lab_lib.sh"
trap 'cap_stop_all; lab_down; rm -rf "$LAB_DIR"' EXIT

N=10000
HA6=2001:db8:1::1
CONF=$LAB_DIR/ha.conf
V6="--iface vec0 --gw 2001:db8:b::1 --path v6 --coa 2001:db8:b::5 --hoa $HOA6"

kbu() {   # NAME ARGS...: a BU from the node's kernel through its signalling SA
    local name=$1; shift
    BA=$(mn "/usr/bin/python3 $MNT/mn_kbu.py --hoa $HOA6 --v4hoa $HOA4/32 $*")
    expect_contains "$name: BA decrypted by the node's kernel" "$BA" '"via": "kernel"'
}
state_of() { json_get "$(lab_telemetry /dsmip/state)" "d['/dsmip/state']$1"; }
cp_stat() { json_get "$(lab_telemetry /dsmip/stats)" "d['/dsmip/stats']['control_plane']['$1']"; }
sa_stat() {   # SPI FIELD
    json_get "$(lab_telemetry /dsmip/sas)" \
        "[s['$2'] for s in d['/dsmip/sas']['sas'].values() if s['spi'] == '$1'][0]"
}
dump() { ip netns exec dsmip-ha /usr/bin/python3 "$MNT/tel_bindings.py" "$LAB_PREFIX" >"$1"; }
# replay PCAP: its frames onto the access link, as the internet router would send them
replay() {
    ns_exec dsmip-inet /usr/bin/python3 -c "
import sys
from scapy.all import rdpcap, sendp
sendp(rdpcap(sys.argv[1]), iface='inet-ha', verbose=0)" "$1"
}
# ba_status PCAP HOA SEQ: the status of every BA for HOA with SEQ, in order (UDP carriage:
# the inner destination is the home address; not the copy an ICMP error quotes)
ba_status() {
    tshark -r "$1" -d udp.port==4191,ip -Y "mip6.mhtype == 6 && mip6.ba.seqnr == $3 && !icmp && !icmpv6" \
        -T fields -E occurrence=l -e ipv6.dst -e mip6.ba.status 2>/dev/null |
        awk -v h="$2" '$1 == h { printf "%s ", $2 }'
}

# -------------------------------------------------------------------- the lab, 10,002 nodes

lab_up || { fail "lab"; finish; }
# lab-esp.conf (the real node's SAs), the others in clear; a pool for 100 leases and a /28
sed -e 's/require_ipsec = true;/require_ipsec = false;/' \
    -e 's|ipv4_pool = "192.0.2.128/26";|ipv4_pool = "192.0.2.128/25";|' \
    "$TOP/config/lab-esp.conf" >"$CONF"
/usr/bin/python3 - "$CONF" "$N" <<'EOF'
import sys
p, n = sys.argv[1], int(sys.argv[2])
s = open(p).read()
i = s.rindex(');')
s = s[:i].rstrip() + ''',
    { id = "r"; hoa6 = "2001:db8:1::1:0"; hoa4 = "dynamic"; count = %d; },
    { id = "mr1"; hoa6 = "2001:db8:1::200"; hoa4 = "dynamic"; mobile_router = true;
      ipv4_prefix = true; prefixes = [ "2001:db8:100::/48" ]; }
''' % n + s[i:]
open(p, 'w').write(s)
EOF
mac=$(ip -n dsmip-ha -br link show ha-acc | awk '{print $3}')
/usr/bin/python3 "$MNT/bu_pcap.py" --out "$LAB_DIR/bu.pcap" --count $N --dst-mac "$mac" \
    --router 2001:db8:1::200 --seq 1 --dynamic 80 || fail "bu_pcap.py"
# r5 (through the NAT) again with sequence number 2: accepted now, replayed after the restart
/usr/bin/python3 -c "
import sys
sys.path.insert(0, '$MNT')
import bu_pcap
from scapy.all import Ether, wrpcap
a = bu_pcap.argparse.Namespace(hoa_base='2001:db8:1::1:0', seq=2, lifetime=100, public=60,
                               dynamic=80)
wrpcap('$LAB_DIR/r5.pcap', [Ether(src='02:00:00:00:0b:01', dst='$mac') / bu_pcap.node_bu(a, 5)])
" || fail "r5.pcap"

LAB_HA_OPTS="--preload $LAB_DIR/bu.pcap" lab_ha_start "$CONF" || { fail "HA did not start"; finish; }
expect_contains "preload: every BU taken in" "$(cat "$LAB_DIR/ha.log")" "PRELOAD"
mn_start || { fail "mobile node did not boot"; finish; }
mn_setup base
mn_setup esp-sig
mn_setup v6
cap_start before dsmip-inet inet-ha
kbu "mn1" --altcoa 2001:db8:b::5 --seq 2
expect_eq "mn1: accepted" "$(json_get "$BA" "d['status']")" 0
mn_setup esp-pay 2001:db8:b::5 $HA6
mn "ping -6 -c 1 -W 1 -I $HOA6 $CN6; ping -c 1 -W 1 -I $HOA4 $CN4" >/dev/null
both_ways "before the restart"
replay "$LAB_DIR/r5.pcap"
sleep 0.5
expect_eq "bindings before the restart" "$(json_get "$(lab_telemetry /dsmip/info)" \
    "d['/dsmip/info']['binding_cache']['bindings']")" $((N + 2))
mr_pfx=$(json_get "$(lab_telemetry /dsmip/binding,mr1)" "d['/dsmip/binding'].get('ipv4_prefix', '-')")
used=$(json_get "$(lab_telemetry /dsmip/pool)" "d['/dsmip/pool']['used']")
expect_eq "pool: 80 leases and the router's /28" "$used" 96

# -------------------------------------------------------------------- kill -9, start again

# the correspondent streams to the node across the restart (20 s at 20 per second)
ns_exec dsmip-cn ping -6 -i 0.05 -c 400 -W 1 -D $HOA6 >"$LAB_DIR/stream.txt" 2>&1 &
stream=$!
sleep 3
dump "$LAB_DIR/before.json"
sleep 1
commits=$(state_of "['store']['commits']")
[ "$commits" -gt 0 ] && pass "the store was written ($commits commits)" ||
    fail "no store commit"
t_kill=$(date +%s%N)
kill -KILL "$(cat "$LAB_DIR/ha.pid")"
wait "$(cat "$LAB_DIR/ha.pid")" 2>/dev/null
rm -f "$LAB_DIR/ha.pid"
cap_stop before
cp "$LAB_DIR/ha.log" "$LAB_DIR/ha1.log"
cap_start after dsmip-inet inet-ha
lab_ha_start "$CONF" || { fail "HA did not start again"; finish; }
t_up=$(date +%s%N)
pass "restarted in $(( (t_up - t_kill) / 1000000 )) ms from the kill"
dump "$LAB_DIR/after.json"
expect_eq "restored: bindings" "$(state_of "['restored']['bindings']")" $((N + 2))
expect_eq "restored: nothing refused, expired or gone" \
    "$(state_of "['restored']['refused'] + d['/dsmip/state']['restored']['expired'] + d['/dsmip/state']['restored']['of_nodes_gone']")" 0
restore_ms=$(state_of "['restored']['ms']")
pass "restore of $((N + 2)) bindings took $restore_ms ms"
out=$(/usr/bin/python3 - "$LAB_DIR/before.json" "$LAB_DIR/after.json" <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
dt = b.pop('_t') - a.pop('_t')
bad = []
for k, x in a.items():
    y = b.get(k)
    if y is None:
        bad.append('%s missing' % k)
        continue
    for f in ('hoa6', 'hoa4', 'coa', 'port', 'format', 'nat', 'mobile_router', 'last_seq'):
        if x.get(f) != y.get(f):
            bad.append('%s %s %s -> %s' % (k, f, x.get(f), y.get(f)))
    want = x['lifetime_left_s'] - dt
    if abs(y['lifetime_left_s'] - want) > 2:
        bad.append('%s lifetime left %s, want %.1f' % (k, y['lifetime_left_s'], want))
kinds = sorted(set(v['format'] for v in a.values()))
print(json.dumps({'n': len(a), 'bad': bad[:5], 'nbad': len(bad), 'kinds': kinds,
                  'nat': sum(v['nat'] for v in a.values()),
                  'hoa4': sum('hoa4' in v for v in a.values())}))
EOF
)
expect_contains "every binding back as it was (care-of, port, format, flags, lifetime +-2 s)" \
    "$out" "\"n\": $((N + 2)), \"bad\": [], \"nbad\": 0"
expect_contains "... of every format" "$out" '"kinds": ["ip4", "ip6", "udp", "udp-tlv"]'
expect_eq "the router's delegated prefix back" "$(json_get "$(lab_telemetry /dsmip/binding,mr1)" \
    "d['/dsmip/binding'].get('ipv4_prefix', '-')")" "$mr_pfx"
expect_eq "pool leases claimed again" \
    "$(json_get "$(lab_telemetry /dsmip/pool)" "d['/dsmip/pool']['used']")" "$used"

# the node's traffic, without a new BU
wait $stream
bu_after=$(cp_stat bu_rx)
expect_eq "no BU since the restart" "$bu_after" 0
last=$(grep -oE 'icmp_seq=[0-9]+' "$LAB_DIR/stream.txt" | cut -d= -f2 | sort -n | tail -n 1)
tail_ok=$(grep -oE 'icmp_seq=[0-9]+' "$LAB_DIR/stream.txt" | cut -d= -f2 | awk '$1 > 380' | wc -l)
expect_eq "the stream is answered to its end" "${last:-0}" 400
expect_eq "the last 20 echoes after the restart all answered" "$tail_ok" 20
gap=$(/usr/bin/python3 - "$LAB_DIR/stream.txt" <<'EOF'
import re, sys
t = [float(m.group(1)) for m in re.finditer(r'^\[(\d+\.\d+)\].*icmp_seq=', open(sys.argv[1]).read(), re.M)]
print(int(max(b - a for a, b in zip(t, t[1:])) * 1000) if len(t) > 1 else -1)
EOF
)
pass "the node's stream: longest gap ${gap} ms (kill, start, restore included)"
both_ways "after the restart, no new BU"

# replays
replay "$LAB_DIR/r5.pcap"
st_before=$(ba_status "$LAB_DIR/before.pcap" 2001:db8:1::1:5 2)
replay0=$(sa_stat 0x1001 replay_drops)
/usr/bin/python3 - "$LAB_DIR/before.pcap" "$LAB_DIR/kbu.pcap" <<'EOF'
import sys
from scapy.all import rdpcap, wrpcap
from scapy.layers.ipsec import ESP
# the node's kernel BU: ESP (SPI 0x1001) inside its IPv6-in-IPv6 tunnel to the home agent
for p in rdpcap(sys.argv[1]):
    if p.haslayer(ESP) and p[ESP].spi == 0x1001:
        wrpcap(sys.argv[2], [p])
        break
EOF
if [ -s "$LAB_DIR/kbu.pcap" ]; then
    replay "$LAB_DIR/kbu.pcap"
    sleep 0.5
    expect_eq "the node's ESP-protected BU replayed: dropped by the resumed window" \
        "$(( $(sa_stat 0x1001 replay_drops) - replay0 ))" 1
else
    fail "no ESP-protected BU of the node captured before the restart"
fi
sleep 0.5
cap_stop after
expect_eq "r5's BU (seq 2) before the restart" "$st_before" "0 "
expect_eq "... replayed after the restart: 135" "$(ba_status "$LAB_DIR/after.pcap" 2001:db8:1::1:5 2)" "135 "
expect_eq "no BA for the node's replayed BU" "$(cp_stat ba_tx)" 1

# ESP: the home agent's outbound payload SA never repeats a sequence number
seqs=$( (tshark -r "$LAB_DIR/before.pcap" -Y 'esp.spi == 0x00002002' -T fields -e esp.sequence
         tshark -r "$LAB_DIR/after.pcap" -Y 'esp.spi == 0x00002002' -T fields -e esp.sequence) \
        2>/dev/null)
n_before=$(tshark -r "$LAB_DIR/before.pcap" -Y 'esp.spi == 0x00002002' 2>/dev/null | wc -l)
n_all=$(printf '%s\n' "$seqs" | grep -c .)
n_uniq=$(printf '%s\n' "$seqs" | grep . | sort -n | uniq | wc -l)
[ "$n_before" -gt 0 ] && [ "$n_all" -gt "$n_before" ] &&
    pass "ESP 0x2002: $n_before packets before the restart, $((n_all - n_before)) after" ||
    fail "ESP 0x2002: $n_before packets before, $n_all in all"
expect_eq "ESP 0x2002: no sequence number twice (tshark)" "$n_uniq" "$n_all"
first_after=$(tshark -r "$LAB_DIR/after.pcap" -Y 'esp.spi == 0x00002002' -T fields \
    -e esp.sequence 2>/dev/null | head -n 1)
last_before=$(tshark -r "$LAB_DIR/before.pcap" -Y 'esp.spi == 0x00002002' -T fields \
    -e esp.sequence 2>/dev/null | tail -n 1)
[ "${first_after:-0}" -gt "${last_before:-0}" ] &&
    pass "ESP 0x2002: resumed above its reservation ($last_before -> $first_after)" ||
    fail "ESP 0x2002: $last_before before, $first_after after"

# -------------------------------------------------------------------- a node removed while stopped
lab_ha_stop
expect_eq "clean stop" "$LAB_HA_EXIT" 0
sed -i "s/count = $N;/count = $((N - 1));/" "$CONF"
lab_ha_start "$CONF" || { fail "HA did not start with one node fewer"; finish; }
expect_eq "one node fewer: the others back" "$(state_of "['restored']['bindings']")" $((N + 1))
expect_eq "one node fewer: its binding dropped" "$(state_of "['restored']['of_nodes_gone']")" 1
expect_contains "... with an audit line" "$(cat "$LAB_DIR/ha.log")" \
    "binding of r$((N - 1)) hoa 2001:db8:1::1:$(printf '%x' $((N - 1))) dropped: the node is no longer configured"
lab_ha_stop
finish
