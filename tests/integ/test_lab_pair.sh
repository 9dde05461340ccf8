#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# An active/standby pair (controlplane/cp_pair.c, cp_repl.c): two home agents on the same
# access and home links (Linux bridges), Redis in its own namespace, keepalived (VRRP every
# 100 ms on the sync link, tracking each home agent's liveness TAP) switching roles through
# dsmip-ctl. The lab's real Linux node registers through its kernel's ESP; 1,000 more nodes
# register in clear; the correspondent streams to the node. Then:
#   - kill -9 of the active: the standby takes over, the stream resumes, no binding is
#     missing, no ESP sequence number of the home agents' outbound payload SA is used twice
#     across the two (tshark); the outage is reported in ms;
#   - the old active comes back as the standby and has every binding again;
#   - Redis killed on the way: forwarding unaffected, the link flag raised, a node that
#     registers meanwhile reaches the standby once Redis is back.
set -u
. "$(dirname "$0")/lib.sh"
LAB_PREFIX=ha_pair_test_$$ LAB_DIR=/tmp/dsmip-lab-pair-$$ LAB_BUILD=$BUILD LAB_PAIR=1
. "$TOP/tools/lab/lab.sh"
. "$(dirname "$0")/lab_lib.sh"
trap 'cap_stop_all; ka_stop 1; ka_stop 2; redis_stop; lab_down; [ -n "${PAIR_KEEP:-}" ] && cp -r "$LAB_DIR" "$PAIR_KEEP"; rm -rf "$LAB_DIR"' EXIT

N=1000
HA6=2001:db8:1::1
CTL=$BUILD/tools/dsmip-ctl
P1=$LAB_PREFIX P2=$LAB_PREFIX-ha2

kbu() {   # NAME ARGS...: a BU from the node's kernel through its signalling SA
    local name=$1; shift
    BA=$(mn "/usr/bin/python3 $MNT/mn_kbu.py --hoa $HOA6 --v4hoa $HOA4/32 $*")
    expect_contains "$name: BA decrypted by the node's kernel" "$BA" '"via": "kernel"'
}
tel() {   # 1|2 CMD
    echo "$2" | dpdk-telemetry.py -f "$([ "$1" = 1 ] && echo "$P1" || echo "$P2")" 2>/dev/null |
        tail -n 1
}
state() { json_get "$(tel "$1" /dsmip/state)" "d['/dsmip/state']$2"; }
bindings() { json_get "$(tel "$1" /dsmip/info)" "d['/dsmip/info']['binding_cache']['bindings']"; }
dump() {   # 1|2 FILE
    local p=$P1 ns=dsmip-ha
    [ "$1" = 2 ] && p=$P2 ns=dsmip-ha2
    ip netns exec $ns /usr/bin/python3 "$MNT/tel_bindings.py" "$p" >"$2"
}
wait_for() {   # WHAT SECONDS CMD...: until CMD succeeds (0.1 s steps)
    local what=$1 secs=$2 i; shift 2
    for i in $(seq 1 $((secs * 10))); do "$@" && return 0; sleep 0.1; done
    fail "$what: not within $secs s"
    return 1
}
role_is() { [ "$(state "$1" "['role']")" = "$2" ]; }
ras() { json_get "$(tel "$1" /dsmip/home_link)" "d['/dsmip/home_link']['ra_sent']"; }
ras_from() { [ "$(ras "$1")" -ge 1 ]; }
count_is() { [ "$(bindings "$1")" = "$2" ]; }
replay() {   # PCAP: its frames onto the access link, from the router's namespace
    ns_exec dsmip-inet /usr/bin/python3 -c "
import sys
from scapy.all import rdpcap, sendp
sendp(rdpcap(sys.argv[1]), iface='br-acc', verbose=0)" "$1"
}

redis_start() {
    ip netns exec dsmip-redis redis-server --bind 203.0.113.225 --port 6379 --save '' \
        --appendonly no --protected-mode no --daemonize no --logfile "$LAB_DIR/redis.log" &
    echo $! >"$LAB_DIR/redis.pid"
    wait_for "redis" 5 sh -c "ip netns exec dsmip-redis redis-cli -h 203.0.113.225 ping 2>/dev/null | grep -q PONG"
}
redis_stop() {
    [ -f "$LAB_DIR/redis.pid" ] || return 0
    kill -KILL "$(cat "$LAB_DIR/redis.pid")" 2>/dev/null
    rm -f "$LAB_DIR/redis.pid"
}

# keepalived N: the shipped config/keepalived/keepalived.conf.example with this lab's names
# (VRRPv3 every 100 ms on the sync link, the liveness TAP tracked, the telemetry checked, no
# preemption); scripts run from the build tree, so without enable_script_security's
# ownership rules for installed paths.
ka_start() {
    local n=$1 prio=$2 p=$P1 ns=dsmip-ha
    [ "$n" = 2 ] && p=$P2 ns=dsmip-ha2
    sed -e "s|router_id dsmip-ha1|router_id dsmip-ha$n|" \
        -e "s|priority 150|priority $prio|" \
        -e "/enable_script_security/d" \
        -e "s|/usr/sbin/dsmip-ctl --file-prefix rte|$CTL --file-prefix $p|" \
        -e "s|/usr/sbin/dsmip-notify rte|$TOP/tools/dsmip-notify $p|" \
        "$TOP/config/keepalived/keepalived.conf.example" >"$LAB_DIR/ka$n.conf"
    grep -q "$TOP/tools/dsmip-notify $p active" "$LAB_DIR/ka$n.conf" || fail "ka$n.conf: names not substituted"
    DSMIP_CTL=$CTL ip netns exec $ns keepalived -n -l -D -f "$LAB_DIR/ka$n.conf" \
        -p "$LAB_DIR/ka$n.pid" -r "$LAB_DIR/ka$n-vrrp.pid" >"$LAB_DIR/ka$n.log" 2>&1 &
    echo $! >"$LAB_DIR/ka$n.main"
}
ka_stop() {
    [ -f "$LAB_DIR/ka$1.main" ] || return 0
    kill -TERM "$(cat "$LAB_DIR/ka$1.main")" 2>/dev/null
    sleep 0.3
    kill -KILL "$(cat "$LAB_DIR/ka$1.main")" 2>/dev/null
    [ -f "$LAB_DIR/ka$1-vrrp.pid" ] && kill -KILL "$(cat "$LAB_DIR/ka$1-vrrp.pid")" 2>/dev/null
    rm -f "$LAB_DIR/ka$1.main"
}

# -------------------------------------------------------------------- the pair

lab_up || { fail "lab"; finish; }
redis_start
CONF=$LAB_DIR/ha.conf
sed -e 's/require_ipsec = true;/require_ipsec = false;/' "$TOP/config/lab-esp.conf" >"$CONF"
/usr/bin/python3 - "$CONF" "$N" <<'EOF'
import sys
p, n = sys.argv[1], int(sys.argv[2])
s = open(p).read()
i = s.rindex(');')
s = s[:i].rstrip() + ''',
    { id = "r"; hoa6 = "2001:db8:1::1:0"; hoa4 = "dynamic"; count = %d; }
''' % n + s[i:]
s += '''pair = { redis = "203.0.113.225:6379"; prefix = "lab"; liveness_interface = "dsmip-live"; };
'''
# RAs every 3 s: only from the active (a standby advertises nothing, a new active at once)
s += 'home_link = { advertise = true; interval_ms = 3000; };\n'
open(p, 'w').write(s)
EOF
lab_ha_start "$CONF" || { fail "HA 1 did not start"; finish; }
LAB_HA_NAME=ha2 lab_ha_start "$CONF" || { fail "HA 2 did not start"; finish; }
expect_eq "both start as standby" "$(state 1 "['role']") $(state 2 "['role']")" \
    "standby standby"
# the first box up becomes the master (no preemption: the one that is master stays so)
ka_start 1 150
wait_for "keepalived makes HA 1 active" 10 role_is 1 active && pass "HA 1 active"
ka_start 2 100
sleep 1
expect_eq "HA 2 stays standby" "$(state 2 "['role']")" standby
mac1=$(ip -n dsmip-ha -br link show ha-acc | awk '{print $3}')

mn_start || { fail "mobile node did not boot"; finish; }
mn_setup base
mn_setup esp-sig
mn_setup v6
cap_start access dsmip-inet br-acc
kbu "mn1" --altcoa 2001:db8:b::5 --seq 2
expect_eq "mn1: accepted by the active" "$(json_get "$BA" "d['status']")" 0
mn_setup esp-pay 2001:db8:b::5 $HA6
mn "ping -6 -c 1 -W 1 -I $HOA6 $CN6; ping -c 1 -W 1 -I $HOA4 $CN4" >/dev/null
both_ways "through the active"
/usr/bin/python3 "$MNT/bu_pcap.py" --out "$LAB_DIR/bu.pcap" --count $N --dst-mac "$mac1" \
    --seq 1 --dynamic 50 --public 0 || fail "bu_pcap.py"
replay "$LAB_DIR/bu.pcap"
wait_for "the active has every binding" 10 count_is 1 $((N + 1)) && pass "active: $((N + 1)) bindings"
wait_for "the standby has them too" 10 count_is 2 $((N + 1)) && pass "standby: $((N + 1)) bindings (warm)"
expect_eq "the standby forwards nothing" "$(json_get "$(tel 2 /dsmip/stats)" \
    "d['/dsmip/stats']['events'].get('forwarded', 0) + d['/dsmip/stats']['control_plane']['ba_tx']")" 0

expect_eq "the standby sends no Router Advertisements" "$(ras 2)" 0
[ "$(ras 1)" -ge 1 ] && pass "the active advertises ($(ras 1) RAs)" || fail "the active sent no RA"

# -------------------------------------------------------------------- kill -9 of the active
ns_exec dsmip-cn ping -6 -i 0.02 -c 1000 -W 1 -D $HOA6 >"$LAB_DIR/stream.txt" 2>&1 &
stream=$!
sleep 3
dump 1 "$LAB_DIR/before.json"
t_kill=$(date +%s%N)
kill -KILL "$(cat "$LAB_DIR/ha.pid")"
wait "$(cat "$LAB_DIR/ha.pid")" 2>/dev/null
rm -f "$LAB_DIR/ha.pid"
wait_for "HA 2 takes over" 5 role_is 2 active
t_active=$(date +%s%N)
# its first RA at once, not after up to an interval (3 s)
wait_for "the new active's first RA" 1 ras_from 2 && pass "the new active advertises at once"
pass "HA 2 active $(( (t_active - t_kill) / 1000000 )) ms after the kill (takeover itself: $(state 2 "['replication']['takeover_ms']") ms)"
dump 2 "$LAB_DIR/after.json"
out=$(/usr/bin/python3 - "$LAB_DIR/before.json" "$LAB_DIR/after.json" <<'EOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
a.pop('_t'); b.pop('_t')
bad = [k for k, x in a.items() if k not in b or
       any(x.get(f) != b[k].get(f) for f in ('hoa6', 'hoa4', 'coa', 'port', 'format', 'nat'))]
print(json.dumps({'n': len(a), 'missing_or_changed': len(bad), 'first': bad[:3]}))
EOF
)
expect_contains "the new active has every binding as it was" "$out" \
    "\"n\": $((N + 1)), \"missing_or_changed\": 0"
wait_for "the stream ends" 40 grep -q "packets transmitted" "$LAB_DIR/stream.txt"
gap=$(/usr/bin/python3 - "$LAB_DIR/stream.txt" <<'EOF'
import re, sys
t = [float(m.group(1)) for m in re.finditer(r'^\[(\d+\.\d+)\].*icmp_seq=', open(sys.argv[1]).read(), re.M)]
print(int(max(b - a for a, b in zip(t, t[1:])) * 1000) if len(t) > 1 else -1)
EOF
)
answered=$(grep -c 'icmp_seq=' "$LAB_DIR/stream.txt")
tail_ok=$(grep -oE 'icmp_seq=[0-9]+' "$LAB_DIR/stream.txt" | cut -d= -f2 | awk '$1 > 950' | wc -l)
expect_eq "the stream resumes: its last 50 echoes answered" "$tail_ok" 50
[ "$tail_ok" = 50 ] || tail -n 5 "$LAB_DIR/stream.txt" >&2
pass "outage: ${gap} ms without an echo reply (VRRP 100 ms); $((1000 - answered)) of 1000 echoes lost"
both_ways "through the new active"

# ESP: one SA, two home agents, never a sequence number twice
cap_stop access
seqs=$(tshark -r "$LAB_DIR/access.pcap" -Y 'esp.spi == 0x00002002' -T fields -e esp.sequence \
    2>/dev/null)
n_all=$(printf '%s\n' "$seqs" | grep -c .)
n_uniq=$(printf '%s\n' "$seqs" | grep . | sort -n | uniq | wc -l)
[ "$n_all" -gt 100 ] && pass "ESP 0x2002: $n_all packets from both home agents" ||
    fail "ESP 0x2002: only $n_all packets"
expect_eq "ESP 0x2002: no sequence number twice across the takeover (tshark)" "$n_uniq" "$n_all"

# -------------------------------------------------------------------- the old active returns
lab_ha_start "$CONF" || fail "HA 1 did not start again"
wait_for "HA 1 is the standby again" 5 role_is 1 standby && pass "HA 1 back as the standby"
wait_for "HA 1 has every binding again" 10 count_is 1 $((N + 1)) &&
    pass "HA 1 resynced: $((N + 1)) bindings"
expect_eq "HA 2 stays active (no preemption)" "$(state 2 "['role']")" active
# its store held every binding: restored at start, yet not one frame sent (no NA, no ARP
# pulling the home link's traffic away from the active)
expect_eq "the restarted standby sent nothing" "$(json_get "$(tel 1 /dsmip/stats)" \
    "sum(p['tx_packets'] for p in d['/dsmip/stats']['ports'].values())")" 0

# -------------------------------------------------------------------- Redis goes away
ns_exec dsmip-cn ping -6 -i 0.05 -c 100 -W 1 $HOA6 >"$LAB_DIR/stream2.txt" 2>&1 &
stream=$!
redis_stop
wait_for "the active sees the link down" 5 sh -c "[ \"\$(echo /dsmip/state | dpdk-telemetry.py -f $P2 2>/dev/null | tail -n 1 | grep -o '\"link\": \"down\"')\" != '' ]" &&
    pass "link down raised on the active"
metrics=$(DSMIP_CTL=$CTL "$CTL" --file-prefix "$P2" metrics)
expect_contains "Prometheus: the link flag" "$metrics" "dsmip_replication_link_up 0"
mac2=$(ip -n dsmip-ha2 -br link show ha-acc | awk '{print $3}')
/usr/bin/python3 -c "
import sys
sys.path.insert(0, '$MNT')
import bu_pcap
from scapy.all import Ether, wrpcap
a = bu_pcap.argparse.Namespace(hoa_base='2001:db8:1::1:0', seq=5, lifetime=100, public=0,
                               dynamic=0)
wrpcap('$LAB_DIR/late.pcap', [Ether(src='02:00:00:00:0b:01', dst='$mac2') / bu_pcap.node_bu(a, 4)])
"
replay "$LAB_DIR/late.pcap"
sleep 1
echo "r4 on HA 2 after the late BU: $(tel 2 /dsmip/binding,r4)" >&2
expect_eq "a BU during the outage: the active has it" \
    "$(json_get "$(tel 2 /dsmip/binding,r4)" "d['/dsmip/binding']['last_seq']")" 5
wait_for "the stream ends" 20 grep -q "packets transmitted" "$LAB_DIR/stream2.txt"
expect_contains "forwarding unaffected by the outage" "$(cat "$LAB_DIR/stream2.txt")" \
    " 0% packet loss"
expect_eq "Redis down is no reason for a takeover: HA 2 still active" "$(state 2 "['role']")" active
[ "$(state 2 "['role']")" = active ] || tail -n 20 "$LAB_DIR/ka2.log" >&2
redis_start
wait_for "the link comes back" 10 sh -c "echo /dsmip/state | dpdk-telemetry.py -f $P2 2>/dev/null | tail -n 1 | grep -q '\"link\": \"up\"'" &&
    pass "link up again"
wait_for "the standby has the BU of the outage" 10 sh -c "[ \"\$(echo /dsmip/binding,r4 | dpdk-telemetry.py -f $P1 2>/dev/null | tail -n 1 | grep -o '\"last_seq\": 5')\" != '' ]" &&
    pass "standby complete again (the BU sent during the outage is there)"
expect_eq "standby: every binding" "$(bindings 1)" $((N + 1))
for n in 1 2; do
    echo "HA $n control loop: $(json_get "$(tel $n /dsmip/stats)" "{k: d['/dsmip/stats']['control_plane']['io'][k] for k in ('loop_max_us', 'loop_slow_passes')}")"
done
echo "HA 2 state: $(tel 2 /dsmip/state)"
ka_stop 1
ka_stop 2
LAB_HA_NAME=ha2 lab_ha_stop
lab_ha_stop
finish
