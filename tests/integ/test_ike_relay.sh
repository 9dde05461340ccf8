#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# SAs from an IKE daemon's XFRM database, through the relay socket (config ike.relay): the
# bytes a kernel sends charon's listeners (tools/lab/xfrm_msg.py) become real rte_ipsec SAs
# of the right node, role and direction (/dsmip/sas, origin "ike"); a rekey is make-before-
# break; a deletion removes; an algorithm the data plane cannot run is refused by name and
# leaves the rest as it was. (This host's kernel has no ESP: charon cannot install SAs here;
# the lab runs it in User-Mode Linux.)
set -u
. "$(dirname "$0")/lib.sh"
PREFIX=ha_ike_$$
DIR=$(mktemp -d /tmp/dsmip-ike-XXXXXX)
NS=dsmip-ike-$$
rl=
trap 'kill -KILL $pid $rl 2>/dev/null; ip netns del $NS 2>/dev/null; rm -rf "$DIR" /var/run/dpdk/$PREFIX' EXIT
SOCK=$DIR/xfrm.sock
MSG="/usr/bin/python3 $TOP/tools/lab/xfrm_msg.py $SOCK"
HA6=2001:db8:1::1 HOA=2001:db8:1::100 COA=2001:db8:a::5

sed '$d' "$TOP/tests/configs/null.conf" >"$DIR/ha.conf"
cat >>"$DIR/ha.conf" <<EOF
capacity = { bindings = 1024; sas = 64; prefixes = 64; };
mobile_nodes = ( { id = "mn1"; hoa6 = "$HOA"; } );
ike = { enabled = true; relay = "$SOCK"; };
EOF
start() {   # the home agent, its state store in $DIR
    "$HA_BIN" -l 0-1 --no-huge -m 1024 --no-pci --file-prefix "$PREFIX" -- \
        -c "$DIR/ha.conf" --state "$DIR/state.mdb" >"$DIR/log" 2>&1 &
    pid=$!
    for i in $(seq 1 100); do
        grep -q "running:" "$DIR/log" &&
            { [ -S "$SOCK" ] || grep -q 'relay = "file:' "$DIR/ha.conf"; } && break
        sleep 0.1
    done
}
start
tel() { echo "$1" | dpdk-telemetry.py -f "$PREFIX" 2>/dev/null | tail -n 1; }
sa() { json_get "$(tel "/dsmip/sa,$1")" "(lambda s: s['direction'] + ' ' + s['role'] + ' ' + s['origin'] + ' ' + s['hoa6'])(d['/dsmip/sa']['sa']) if d['/dsmip/sa'] else 'none'"; }
ike() { json_get "$(tel /dsmip/ike)" "d['/dsmip/ike']$1"; }
settle() { sleep 0.3; }

expect_eq "ike: the relay socket" "$(ike "['source']")" "relay $SOCK"
# RFC 4877: the signalling pair, transport mode between the home address and the home agent
$MSG new 0xc1000001 $HOA $HA6 transport
$MSG new 0xc1000002 $HA6 $HOA transport
settle
expect_eq "inbound signalling SA from IKE" "$(sa 0xc1000001)" "in signalling ike $HOA"
expect_eq "outbound signalling SA from IKE" "$(sa 0xc1000002)" "out signalling ike $HOA"
expect_eq "  its IKE lifetime (the kernel's hard limit)" \
    "$(json_get "$(tel /dsmip/sa,0xc1000002)" "d['/dsmip/sa']['sa']['ike_lifetime_s']")" 3600
# the payload pair: tunnel mode between the care-of address and the home agent, its node
# known by the home address... here by the policy's reqid: without one it waits
$MSG new 0xd1000001 $COA $HA6 tunnel --reqid 5
settle
expect_eq "a tunnel SA without its policy waits" "$(ike "['waiting_for_policy']")" 1
expect_eq "  and is not installed" "$(sa 0xd1000001)" none
# a rekey of the inbound signalling SA: the new one current, the old one still decrypting
$MSG new 0xc1000011 $HOA $HA6 transport
settle
expect_eq "rekey: the new inbound SA" "$(sa 0xc1000011)" "in signalling ike $HOA"
expect_eq "rekey: the old inbound SA still there" "$(sa 0xc1000001)" "in signalling ike $HOA"
expect_eq "rekey counted" "$(ike "['rekeys']")" 1
$MSG del 0xc1000001 $HA6
settle
expect_eq "the old SA deleted by charon: gone" "$(sa 0xc1000001)" none
expect_eq "  the new one stays" "$(sa 0xc1000011)" "in signalling ike $HOA"
# a rekey of the outbound one: the old goes at once (traffic moved)
$MSG new 0xc1000012 $HA6 $HOA transport
settle
expect_eq "outbound rekey: the new SA" "$(sa 0xc1000012)" "out signalling ike $HOA"
expect_eq "outbound rekey: the old SA gone" "$(sa 0xc1000002)" none
# what rte_ipsec + intel-ipsec-mb cannot run: refused with its name, nothing changed
$MSG new 0xc1000021 $HOA $HA6 transport --alg chacha
settle
expect_eq "ChaCha20-Poly1305: refused" "$(ike "['refused']")" 1
expect_contains "  with the reason" "$(ike "['last_refused']")" \
    "SA 0xc1000021: AEAD rfc7539esp(chacha20,poly1305) is not supported"
expect_eq "  the current SA unchanged" "$(sa 0xc1000011)" "in signalling ike $HOA"
# an SA of a node this home agent does not serve
$MSG new 0xc1000031 2001:db8:1::999 $HA6 transport
settle
expect_eq "an unknown node's SA is not installed" "$(sa 0xc1000031)" none
expect_eq "dsmip-ctl ike" "$("$BUILD/tools/dsmip-ctl" --file-prefix "$PREFIX" ike | grep -c sas_installed)" 1
seq0=$(json_get "$(tel /dsmip/sa,0xc1000012)" "d['/dsmip/sa']['sa']['seq_start']")
expect_eq "a new outbound IKE SA starts at 0" "$seq0" 0
kill -TERM $pid
wait $pid
expect_eq "clean stop" "$?" 0
[ -S "$SOCK" ] && fail "the relay socket is left behind" || pass "the relay socket removed"
# a restart while charon keeps its SAs: its dump brings the outbound SA back with the same
# key; it must start above everything the last run could have sent under it (RFC 4106)
start
$MSG new 0xc1000012 $HA6 $HOA transport
settle
seq1=$(json_get "$(tel /dsmip/sa,0xc1000012)" "d['/dsmip/sa']['sa']['seq_start']")
[ "${seq1:-0}" -ge $((1 << 22)) ] && pass "after a restart the same IKE SA starts at $seq1, above its reservation" ||
    fail "after a restart the same IKE SA starts at '$seq1', want >= $((1 << 22))"
kill -TERM $pid
wait $pid

# Netlink in charon's namespace (ike.netns): what is there at start is dumped, what comes
# later is notified. This kernel refuses ESP states (no ESP), so policies show it: a policy
# with an ESP template names the node of a tunnel SA's reqid.
ip netns add $NS
ip -n $NS xfrm policy add src $HOA/128 dst ::/0 dir in tmpl src $COA dst $HA6 proto esp \
    reqid 5 mode tunnel
sed -i "s|ike = .*|ike = { enabled = true; netns = \"$NS\"; };|" "$DIR/ha.conf"
"$HA_BIN" -l 0-1 --no-huge -m 1024 --no-pci --file-prefix "$PREFIX" -- -c "$DIR/ha.conf" \
    --state "" >"$DIR/log" 2>&1 &
pid=$!
for i in $(seq 1 100); do grep -q "running:" "$DIR/log" && break; sleep 0.1; done
expect_eq "netlink: the namespace" "$(ike "['source']")" "netlink in $NS"
expect_eq "netlink: the policy there at start, dumped" "$(ike "['events']")" 1
ip -n $NS xfrm policy add src ::/0 dst $HOA/128 dir out tmpl src $HA6 dst $COA proto esp \
    reqid 5 mode tunnel
settle
expect_eq "netlink: a new policy notified" "$(ike "['events']")" 2
ip -n $NS xfrm policy flush
settle
expect_eq "netlink: the flush notified" "$(ike "['events']")" 3
kill -TERM $pid
wait $pid
expect_eq "clean stop (netlink)" "$?" 0

# dsmip-xfrm-relay, where charon runs, to the home agent's relay: over its socket, and
# through a file (how the lab's User-Mode Linux reaches it, through hostfs)
ip -n $NS xfrm policy add src $HOA/128 dst ::/0 dir in tmpl src $COA dst $HA6 proto esp \
    reqid 5 mode tunnel
for kind in socket file; do
    OUT=$SOCK
    [ $kind = file ] && OUT=file:$DIR/xfrm.relay
    sed -i "s|ike = .*|ike = { enabled = true; relay = \"$OUT\"; };|" "$DIR/ha.conf"
    start
    ip netns exec $NS "$BUILD/tools/dsmip-xfrm-relay" "$OUT" 2>"$DIR/relay.log" &
    rl=$!
    for i in $(seq 1 30); do [ "$(ike "['events']")" = 1 ] && break; sleep 0.1; done
    expect_eq "relay ($kind): the policy dumped there arrives" "$(ike "['events']")" 1
    ip -n $NS xfrm policy add src ::/0 dst $HOA/128 dir out tmpl src $HA6 dst $COA \
        proto esp reqid 5 mode tunnel
    settle
    expect_eq "relay ($kind): a new policy notified" "$(ike "['events']")" 2
    ip -n $NS xfrm policy delete src ::/0 dst $HOA/128 dir out
    settle
    kill -TERM $rl
    wait $rl 2>/dev/null
    rl=
    kill -TERM $pid
    wait $pid
    expect_eq "clean stop (relay $kind)" "$?" 0
done
finish
