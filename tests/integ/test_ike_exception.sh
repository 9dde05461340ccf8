#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The IKE exception path (config ike.tap): IKE to the home agent (UDP 500; UDP 4500 with
# the non-ESP marker; IPv4 and IPv6) leaves the DPDK fast path through a net_tap interface
# the home agent moves into "charon's" namespace, where a UDP responder stands in for
# charon (it owns the home agent's addresses there); its answers come back out through the
# DPDK port to the sender. ESP in UDP 4500 is not punted. Namespaces: ike-cli-$$ (the
# peer), ike-ha-$$ (the home agent, its access port on a veth), ike-ch-$$ (charon's).
set -u
. "$(dirname "$0")/lib.sh"
PREFIX=ha_ikex_$$
CLI=ike-cli-$$ HAN=ike-ha-$$ CH=ike-ch-$$
DIR=$(mktemp -d /tmp/dsmip-ikex-XXXXXX)
pid= rpid=
cleanup() {
    [ -n "$pid" ] && kill -KILL $pid 2>/dev/null
    [ -n "$rpid" ] && kill -KILL $rpid 2>/dev/null
    for n in $CLI $HAN $CH; do ip netns del $n 2>/dev/null; done
    rm -rf "$DIR" /var/run/dpdk/$PREFIX
}
trap cleanup EXIT
HA4=198.51.100.1 CLI4=198.51.100.2 HA6=2001:db8:a::1 CLI6=2001:db8:a::2

for n in $CLI $HAN $CH; do ip netns add $n; done
ip link add cli0 netns $CLI type veth peer name ha0 netns $HAN
ip -n $CLI addr add $CLI4/24 dev cli0
ip -n $CLI addr add $CLI6/64 dev cli0 nodad
ip -n $CLI link set cli0 up
ip -n $HAN link set ha0 up
ip -n $HAN link set lo up
# no offloads on the veth: the home agent sees real checksums
ip netns exec $CLI ethtool -K cli0 tx off >/dev/null 2>&1

cat >"$DIR/ha.conf" <<EOF
ports = (
    { name = "access"; device = "net_af_packet0,iface=ha0"; role = "access";
      ipv4 = "$HA4/24"; ipv6 = "$HA6/64"; },
    { name = "home"; device = "net_null1,size=64"; role = "home";
      ipv4 = "192.0.2.1/24"; ipv6 = "2001:db8:1::1/64"; }
);
home_agent = { address6 = "2001:db8:1::1"; address4 = "$HA4";
               home_prefixes = [ "2001:db8:1::/64" ]; };
capacity = { bindings = 1024; sas = 64; prefixes = 64; };
policy = { dad = false; };
ike = { enabled = true; netns = "$CH"; tap = "dsmip-ike"; };
EOF
ip netns exec $HAN "$HA_BIN" -l 0-1 --no-huge -m 1024 --no-pci --file-prefix "$PREFIX" -- \
    -c "$DIR/ha.conf" --state "" >"$DIR/log" 2>&1 &
pid=$!
for i in $(seq 1 100); do grep -q "running:" "$DIR/log" && break; sleep 0.1; done
grep -q "running:" "$DIR/log" || { cat "$DIR/log" >&2; fail "the home agent did not start"; finish; }
expect_eq "the exception interface is in charon's namespace" \
    "$(ip -n $CH -br link show dsmip-ike 2>/dev/null | awk '{print $1}')" dsmip-ike

# charon's side: the home agent's addresses, a gateway that is a static neighbour (nothing
# is resolved on the exception interface)
ip -n $CH link set lo up
ip -n $CH link set dsmip-ike up
ip -n $CH addr add $HA4/32 dev dsmip-ike
ip -n $CH addr add $HA6/128 dev dsmip-ike nodad
ip -n $CH route add 192.0.2.254/32 dev dsmip-ike
ip -n $CH neigh replace 192.0.2.254 lladdr 02:00:00:00:00:fe dev dsmip-ike nud permanent
ip -n $CH route add default via 192.0.2.254
ip -n $CH -6 neigh replace fe80::fe lladdr 02:00:00:00:00:fe dev dsmip-ike nud permanent
ip -n $CH -6 route add default via fe80::fe dev dsmip-ike
ip netns exec $CH ethtool -K dsmip-ike tx off >/dev/null 2>&1
# the stand-in for charon: answers each datagram with "ike-reply:" + what it got
ip netns exec $CH /usr/bin/python3 -c "
import select, socket
socks = []
for fam, addr in ((socket.AF_INET, '$HA4'), (socket.AF_INET6, '$HA6')):
    for port in (500, 4500):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((addr, port))
        socks.append(s)
while True:
    for s in select.select(socks, [], [], 30)[0]:
        data, peer = s.recvfrom(2048)
        s.sendto(b'ike-reply:' + data, peer)
" &
rpid=$!
disown $rpid
sleep 0.5

ask() {   # FAMILY ADDR PORT PAYLOAD-HEX: the reply's text, or "none"
    ip netns exec $CLI /usr/bin/python3 -c "
import socket, sys
fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind(('', int(sys.argv[2])))
s.settimeout(2)
for _ in range(3):
    s.sendto(bytes.fromhex(sys.argv[3]), (sys.argv[1], int(sys.argv[2])))
    try:
        print(s.recv(2048)[:10].decode(errors='replace'))
        break
    except socket.timeout:
        pass
else:
    print('none')
" "$1" "$2" "$3"
}
expect_eq "IKE to UDP 500 (IPv4): charon answers through the fast path" \
    "$(ask $HA4 500 "0011223344556677")" "ike-reply:"
expect_eq "IKE to UDP 4500 with the non-ESP marker (IPv4)" \
    "$(ask $HA4 4500 "000000000011223344556677")" "ike-reply:"
expect_eq "IKE to UDP 500 (IPv6)" "$(ask $HA6 500 "0011223344556677")" "ike-reply:"
expect_eq "ESP in UDP 4500 is not IKE: not punted" \
    "$(ask $HA4 4500 "00001234000000010011223344556677")" none
ike=$(echo /dsmip/ike | dpdk-telemetry.py -f "$PREFIX" 2>/dev/null | tail -n 1)
got=$(json_get "$ike" "(d['/dsmip/ike']['ike_to_charon'], d['/dsmip/ike']['ike_from_charon'])")
expect_eq "exception path counters: to charon, from charon" "$got" "(3, 3)"
stats=$(echo /dsmip/stats | dpdk-telemetry.py -f "$PREFIX" 2>/dev/null | tail -n 1)
expect_eq "punt_ike counted by the workers" \
    "$(json_get "$stats" "d['/dsmip/stats']['events'].get('punt_ike', 0)")" 3
expect_contains "Prometheus: the exception path" \
    "$("$BUILD/tools/dsmip-ctl" --file-prefix "$PREFIX" metrics)" \
    'dsmip_ike_exception_total{direction="to_charon"} 3'
kill -TERM $pid
wait $pid
expect_eq "clean stop" "$?" 0
pid=
finish
