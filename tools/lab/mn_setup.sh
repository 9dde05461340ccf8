#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Inside the lab's mobile node: attach to one network and set up the kernel tunnel to the
# home agent for both home addresses.
#   mn_setup.sh base            addresses on both links (once)
#   mn_setup.sh v6              IPv6 care-of 2001:db8:b::5: ip6tnl (IPv6 and IPv4 inside)
#   mn_setup.sh pub             public IPv4 care-of 203.0.113.5: sit and ipip
#   mn_setup.sh nat             behind the NAT (100.64.0.2): UDP 4191, fou out, gue in
#   mn_setup.sh pubudp          public IPv4, UDP 4191 anyway (forced UDP)
#   mn_setup.sh clear           no tunnel
# HOA6, HOA4 (empty: none), CN6, CN4, EXTRA6 (a prefix address behind a mobile router)
# any step that fails (a tunnel type this kernel lacks) fails the whole setup
set -eu
HA6=${HA6:-2001:db8:1::1}
HA4=${HA4:-198.51.100.1}
HOA6=${HOA6:-2001:db8:1::100}
HOA4=${HOA4:-192.0.2.100}
CN6=${CN6:-2001:db8:1::10}
CN4=${CN4:-192.0.2.10}

clear_tunnels() {
    for t in mip6 sit1 ipip1 fou6 fou4; do ip link del "$t" 2>/dev/null || :; done
    ip fou del port 4191 2>/dev/null || :
    ip -6 route del "$HA6/128" 2>/dev/null || :
    ip route del default 2>/dev/null || :
    ip -6 route del default 2>/dev/null || :
}

# home addresses on the tunnel devices, routes to the correspondent through them
home_routes() {
    dev6=$1 dev4=$2
    ip -6 addr add "$HOA6/128" dev "$dev6" nodad
    ip -6 route add "$CN6/128" dev "$dev6" src "$HOA6"
    if [ -n "$HOA4" ]; then
        ip addr add "$HOA4/32" dev "$dev4"
        ip route add "$CN4/32" dev "$dev4" src "$HOA4"
    fi
}

udp_tunnels() {
    local_addr=$1
    # one fou port carries one inner protocol; a gue port takes both (direct IP, GUE v1)
    ip fou add port 4191 gue
    ip link add fou6 type sit remote "$HA4" local "$local_addr" ttl 64 \
        encap fou encap-sport 4191 encap-dport 4191
    ip link add fou4 type ipip remote "$HA4" local "$local_addr" ttl 64 \
        encap fou encap-sport 4191 encap-dport 4191
    ip link set fou6 up
    ip link set fou4 up
    home_routes fou6 fou4
}

case "$1" in
base)
    ip addr add 203.0.113.5/26 dev vec0
    ip -6 addr add 2001:db8:b::5/64 dev vec0 nodad
    ip addr add 100.64.0.2/24 dev vec1
    ;;
v6)
    clear_tunnels
    ip -6 route add default via 2001:db8:b::1 dev vec0
    # ip6tnl keeps its default encapsulation limit option (RFC 2473): the HA must skip it
    ip -6 tunnel add mip6 mode any local 2001:db8:b::5 remote "$HA6"
    ip link set mip6 up
    home_routes mip6 mip6
    ;;
pub)
    clear_tunnels
    ip route add default via 203.0.113.1 dev vec0
    ip -6 route add "$HA6/128" via 2001:db8:b::1 dev vec0
    ip tunnel add sit1 mode sit local 203.0.113.5 remote "$HA4" ttl 64
    ip tunnel add ipip1 mode ipip local 203.0.113.5 remote "$HA4" ttl 64
    ip link set sit1 up
    ip link set ipip1 up
    home_routes sit1 ipip1
    ;;
nat)
    clear_tunnels
    ip route add default via 100.64.0.1 dev vec1
    udp_tunnels 100.64.0.2
    ;;
pubudp)
    clear_tunnels
    ip route add default via 203.0.113.1 dev vec0
    udp_tunnels 203.0.113.5
    ;;
clear)
    clear_tunnels
    ;;
*)
    echo "usage: $0 base|v6|pub|nat|pubudp|clear" >&2
    exit 2
    ;;
esac
echo "mn: $1"
