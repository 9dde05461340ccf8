#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two home agents on one home link (issue 18): HA 1 (2001:db8:1::1, preference 10) and HA 2
# (2001:db8:1::2, preference 5), both with load-following preference, on the same access and
# home links (Linux bridges). Then:
#   - each lists the other from its RAs, with its preference;
#   - a DHAAD Request from away (scapy in the internet router's namespace) gets both, HA 1
#     first; after 1,000 nodes registered on HA 1 (its preference falls to -5), HA 2 first;
#   - mn-del of a registered node (policy.revocation) sends a BRI to its care-of address
#     through an RH2; the scapy node lets the first go unanswered and acknowledges the
#     retransmission, and only then is the node gone;
#   - dsmip-ctl switch makes the scapy node (it gets the Home Agent Switch naming HA 2)
#     register with HA 2 and deregister from HA 1; the correspondent's traffic to its home
#     address is then tunnelled by HA 2 (tshark on the access link: before from HA 1, after
#     from HA 2);
#   - a reload of HA 2 with another home prefix sends its registered node an unsolicited
#     Mobile Prefix Advertisement with the new prefix, and DHAAD follows the new anycast.
set -u
. "$(dirname "$0")/lib.sh"
LAB_PREFIX=ha_2ha_test_$$ LAB_DIR=/tmp/dsmip-lab-2ha-$$ LAB_BUILD=$BUILD LAB_PAIR=1
. "$TOP/tools/lab/lab.sh"
. "$(dirname "$0")/lab_lib.sh"
trap 'cap_stop_all; LAB_HA_NAME=ha2 lab_ha_stop; lab_down; [ -n "${TWO_HA_KEEP:-}" ] && cp -r "$LAB_DIR" "$TWO_HA_KEEP"; rm -rf "$LAB_DIR"' EXIT
HL="/usr/bin/python3 $TOP/tools/lab/home_link.py"
BU="/usr/bin/python3 $TOP/tools/lab/mn_bu.py --iface br-acc --path v6"
CTL=$BUILD/tools/dsmip-ctl
ANYCAST=2001:db8:1:0:fdff:ffff:ffff:fffe
COA=2001:db8:a::fe
N=1000
P1=$LAB_PREFIX P2=$LAB_PREFIX-ha2

tel() {   # 1|2 CMD
    echo "$2" | dpdk-telemetry.py -f "$([ "$1" = 1 ] && echo "$P1" || echo "$P2")" 2>/dev/null |
        tail -n 1
}
hl() { json_get "$(tel "$1" /dsmip/home_link)" "d['/dsmip/home_link']$2"; }
cpc() { json_get "$(tel "$1" /dsmip/stats)" "d['/dsmip/stats']['control_plane']['$2']"; }
bindings() { json_get "$(tel "$1" /dsmip/info)" "d['/dsmip/info']['binding_cache']['bindings']"; }
wait_for() {   # WHAT SECONDS CMD...: until CMD succeeds (0.1 s steps)
    local what=$1 secs=$2 i; shift 2
    for i in $(seq 1 $((secs * 10))); do "$@" && return 0; sleep 0.1; done
    fail "$what: not within $secs s"
    return 1
}
lists() {   # N ADDRESS PREFERENCE: home agent N lists ADDRESS with PREFERENCE
    [ "$(hl "$1" "['list'].get('1', {}).get('address')")" = "$2" ] &&
        [ "$(hl "$1" "['list'].get('1', {}).get('preference')")" = "$3" ]
}
count_is() { [ "$(bindings "$1")" = "$2" ]; }
# listen NAME ARGS...: home_link.py ARGS in the router's namespace, in the background, once
# its capture runs; its JSON goes to $LAB_DIR/NAME.json (heard NAME: wait for it, then the
# JSON in $HEARD; not in a $(...): a subshell cannot wait for this shell's job)
listen() {
    local name=$1 i
    shift
    rm -f "$LAB_DIR/$name.ready"
    HL_READY=$LAB_DIR/$name.ready ns_exec dsmip-inet $HL "$@" >"$LAB_DIR/$name.json" &
    echo $! >"$LAB_DIR/$name.pid"
    for i in $(seq 1 100); do [ -e "$LAB_DIR/$name.ready" ] && return 0; sleep 0.1; done
    fail "$name: the capture did not start"
}
heard() { wait "$(cat "$LAB_DIR/$1.pid")"; HEARD=$(cat "$LAB_DIR/$1.json"); }
dhaad() { json_get "$(ns_exec dsmip-inet $HL dhaad br-acc $COA "$1" "$2")" '" ".join(d.get("addresses", []))'; }

lab_up || { fail "lab"; finish; }
# HA 1: the lab's config, the home link protocol, revocation, a block of N nodes
C1=$LAB_DIR/ha1.conf C2=$LAB_DIR/ha2.conf
/usr/bin/python3 - "$TOP/config/lab.conf" "$C1" "$N" 10 <<'EOF'
import sys
src, dst, n, pref = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = open(src).read()
s = s.replace("dad = false;", "dad = false;\n    revocation = true;")
i = s.rindex(');')
s = s[:i].rstrip() + ''',
    { id = "r"; hoa6 = "2001:db8:1::1:0"; count = %d; }
''' % n + s[i:]
s += ('home_link = { advertise = true; interval_ms = 1000; ha_preference = %d; '
      'ha_lifetime = 60; load_following = true; };\n' % pref)
open(dst, 'w').write(s)
EOF
# HA 2: its own addresses on the same links, preference 5
sed -e 's|198.51.100.1/24|198.51.100.2/24|; s|"198.51.100.1"|"198.51.100.2"|' \
    -e 's|2001:db8:a::1/64|2001:db8:a::2/64|; s|192.0.2.1/24|192.0.2.2/24|' \
    -e 's|2001:db8:1::1/64|2001:db8:1::2/64|; s|address6 = "2001:db8:1::1"|address6 = "2001:db8:1::2"|' \
    -e 's|192.0.2.128/26|192.0.2.192/26|; s|ha_preference = 10|ha_preference = 5|' "$C1" >"$C2"
grep -q 'address6 = "2001:db8:1::2"' "$C2" || fail "ha2.conf: addresses not substituted"

lab_ha_start "$C1" || { fail "HA 1 did not start"; finish; }
LAB_HA_NAME=ha2 lab_ha_start "$C2" || { fail "HA 2 did not start"; finish; }

# --- each lists the other (RAs every 0.75-1 s)
wait_for "HA 1 lists HA 2 (preference 5)" 5 lists 1 2001:db8:1::2 5 && pass "HA 1 lists HA 2, preference 5"
wait_for "HA 2 lists HA 1 (preference 10)" 5 lists 2 2001:db8:1::1 10 && pass "HA 2 lists HA 1, preference 10"
# --- DHAAD from away: to the anycast, routed to HA 1, answered with both
expect_eq "dhaad: HA 1 (10) before HA 2 (5)" "$(dhaad $ANYCAST 0x101)" "2001:db8:1::1 2001:db8:1::2"

# --- load following: N nodes on HA 1 (preference 10 - N/65.536 = -5)
mac1=$(ip -n dsmip-ha -br link show ha-acc | awk '{print $3}')
/usr/bin/python3 "$MNT/bu_pcap.py" --out "$LAB_DIR/bu.pcap" --count $N --dst-mac "$mac1" \
    --seq 1 --dynamic 0 --public 0 || fail "bu_pcap.py"
ns_exec dsmip-inet /usr/bin/python3 -c "
import sys
from scapy.all import rdpcap, sendp
sendp(rdpcap(sys.argv[1]), iface='br-acc', verbose=0)" "$LAB_DIR/bu.pcap"
wait_for "HA 1 has the $N bindings" 15 count_is 1 $N && pass "HA 1: $N bindings"
expect_eq "load following: HA 1's preference now" "$(hl 1 "['preference_now']")" -5
expect_eq "dhaad: now HA 2 (5) before HA 1 (-5)" "$(dhaad $ANYCAST 0x102)" "2001:db8:1::2 2001:db8:1::1"
wait_for "HA 2 lists HA 1 with -5" 5 lists 2 2001:db8:1::1 -5 && pass "HA 2 lists HA 1, preference -5"

# --- revocation on mn-del: mr1 registered on HA 1 from the router's address
rep=$(ns_exec dsmip-inet $BU --gw 2001:db8:a::1 --hoa 2001:db8:1::200 --coa $COA --seq 1)
expect_eq "mr1 registered on HA 1" "$(json_get "$rep" 'd.get("status")')" 0
listen bri bri br-acc $COA 2001:db8:1::200 2001:db8:1::1 1 8
out=$("$CTL" --file-prefix "$P1" mn-del mr1 2>&1)
expect_contains "mn-del: revoked first" "$out" "binding revoked"
"$CTL" --file-prefix "$P1" binding mr1 >/dev/null 2>&1 &&
    pass "mr1 still known while its revocation runs" || fail "mr1 gone before its BRA"
heard bri
bri=$HEARD
expect_eq "bri: to the care-of address, the home address in an RH2" \
    "$(json_get "$bri" 'd.get("dst"), d.get("rh2")')" "$COA ['2001:db8:1::200']"
expect_eq "bri: trigger 1 (administrative), the retransmission answered" \
    "$(json_get "$bri" 'd.get("trigger"), d.get("bris"), len(set(d.get("seqs", [])))')" "1 2 1"
wait_for "mr1 gone after its BRA" 3 sh -c "! '$CTL' --file-prefix '$P1' binding mr1 >/dev/null 2>&1" &&
    pass "mr1 removed after the BRA"
expect_eq "HA 1 counters: revoked, bri_tx, bri_retx, bra_rx" \
    "$(cpc 1 revoked) $(cpc 1 bri_tx) $(cpc 1 bri_retx) $(cpc 1 bra_rx)" "1 1 1 1"

# --- HA switch: mn1 on HA 1, the correspondent's traffic tunnelled by HA 1
cap_start access dsmip-inet br-acc
rep=$(ns_exec dsmip-inet $BU --gw 2001:db8:a::1 --hoa $HOA6 --coa $COA --seq 1)
expect_eq "mn1 registered on HA 1" "$(json_get "$rep" 'd.get("status")')" 0
ns_exec dsmip-cn ping -6 -c 2 -i 0.2 -W 1 $HOA6 >/dev/null 2>&1
listen has has br-acc 5
out=$("$CTL" --file-prefix "$P1" switch mn1 2001:db8:1::2 2>&1)
expect_contains "switch: sent" "$out" "Home Agent Switch sent to mn1"
heard has
has=$HEARD
expect_eq "has: to the care-of address, RH2, naming HA 2" \
    "$(json_get "$has" 'd.get("dst"), d.get("rh2"), d.get("addresses")')" \
    "$COA ['$HOA6'] ['2001:db8:1::2']"
# the node does what the switch says: registers with HA 2, leaves HA 1
rep=$(ns_exec dsmip-inet $BU --gw 2001:db8:a::2 --ha6 2001:db8:1::2 --hoa $HOA6 --coa $COA --seq 2)
expect_eq "mn1 registered on HA 2" "$(json_get "$rep" 'd.get("status")')" 0
rep=$(ns_exec dsmip-inet $BU --gw 2001:db8:a::1 --hoa $HOA6 --coa $COA --seq 3 --lifetime 0)
expect_eq "mn1 deregistered from HA 1" "$(json_get "$rep" 'd.get("status")')" 0
sleep 0.5
mark=$(date +%s.%N)
ns_exec dsmip-cn ping -6 -c 3 -i 0.2 -W 1 $HOA6 >/dev/null 2>&1
sleep 0.5
cap_stop access
tun() {   # OUTER-SOURCE AFTER|BEFORE: echo requests to the node tunnelled from OUTER-SOURCE
    # (the outer source is the home agent's address; the node's ICMP errors quote them: not those)
    tshark -r "$LAB_DIR/access.pcap" -Y "ipv6.nxt == 41 && ipv6.dst == $HOA6 && icmpv6.type == 128 && !(icmpv6.type == 4)" \
        -T fields -E occurrence=f -e frame.time_epoch -e ipv6.src 2>/dev/null |
        awk -v s="$1" -v m="$mark" -v w="$2" '$2 == s && ((w == "after" && $1 >= m) || (w == "before" && $1 < m))' | wc -l
}
b1=$(tun 2001:db8:1::1 before) a1=$(tun 2001:db8:1::1 after) a2=$(tun 2001:db8:1::2 after)
[ "$b1" -ge 1 ] && pass "before the switch: tunnelled by HA 1 ($b1)" || fail "before the switch: nothing tunnelled by HA 1"
[ "$a2" -ge 2 ] && [ "$a1" -eq 0 ] && pass "after: tunnelled by HA 2 ($a2), none by HA 1" ||
    fail "after the switch: HA 2 tunnelled $a2, HA 1 $a1"
expect_eq "HA 1 counters: has_tx" "$(cpc 1 has_tx)" 1

# --- a reload of HA 2 with a second home prefix: unsolicited MPA to mn1, DHAAD on its anycast
sed -e 's|home_prefixes = \[ "2001:db8:1::/64" \];|home_prefixes = [ "2001:db8:1::/64", "2001:db8:2::/64" ];|' \
    "$C2" >"$C2.new" && mv "$C2.new" "$C2"
grep -q '2001:db8:2::/64' "$C2" || fail "ha2.conf: prefix not added"
listen mpa mpa-wait br-acc 5
out=$("$CTL" --file-prefix "$P2" reload 2>&1)
expect_contains "HA 2 reloads with a new home prefix" "$out" "reloaded"
heard mpa
mpa=$HEARD
expect_eq "unsolicited MPA: to the care-of address, RH2, both prefixes" \
    "$(json_get "$mpa" 'd.get("dst"), d.get("rh2"), [p[0] for p in d.get("prefixes", [])]')" \
    "$COA ['$HOA6'] ['2001:db8:1::2', '2001:db8:2::']"
expect_eq "HA 2 counters: mpa_unsolicited" "$(hl 2 "['mpa_unsolicited']")" 1
# the new prefix's anycast, asked of HA 2 directly (the router sends 2001:db8:2::/64 nowhere)
ns_exec dsmip-inet ip -6 route add 2001:db8:2::/64 via 2001:db8:a::2
expect_eq "dhaad on the new prefix's anycast: HA 2" \
    "$(dhaad 2001:db8:2:0:fdff:ffff:ffff:fffe 0x103)" "2001:db8:1::2"
finish
