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
#   mn_setup.sh esp-sig         the signalling SA pair of config/lab-esp.conf and its policies
#                               (transport mode, HoA <-> HA: never changes when the node moves;
#                               Mobility Header, and ICMPv6 Mobile Prefix Discovery)
#   mn_setup.sh esp-pay COA HA [natt]
#                               the payload SA pair for this care-of address (tunnel mode; with
#                               natt, ESP in UDP 4500). A move keeps SPIs, keys and the sequence
#                               number, as a MOBIKE-style update would; the HA's SAs never change.
# HOA6, HOA4 (empty: none), CN6, CN4, EXTRA6 (a prefix address behind a mobile router)
# any step that fails (a tunnel type this kernel lacks) fails the whole setup
set -eu
HA6=${HA6:-2001:db8:1::1}
HA4=${HA4:-198.51.100.1}
HOA6=${HOA6:-2001:db8:1::100}
HOA4=${HOA4:-192.0.2.100}
CN6=${CN6:-2001:db8:1::10}
CN4=${CN4:-192.0.2.10}

# the mobile node's side of config/lab-esp.conf (lab keys only)
SIG_OUT_SPI=0x1001 SIG_OUT_KEY=0x000102030405060708090a0b0c0d0e0fa0a1a2a3
SIG_IN_SPI=0x2001 SIG_IN_KEY=0x101112131415161718191a1b1c1d1e1fb0b1b2b3
PAY_OUT_SPI=0x1002 PAY_OUT_KEY=0x202122232425262728292a2b2c2d2e2f
PAY_OUT_AUTH=0x303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f
PAY_IN_SPI=0x2002 PAY_IN_KEY=0x505152535455565758595a5b5c5d5e5f
PAY_IN_AUTH=0x606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f

esp_sig() {
    ip xfrm state add src "$HOA6" dst "$HA6" proto esp spi $SIG_OUT_SPI reqid 1 \
        mode transport aead 'rfc4106(gcm(aes))' $SIG_OUT_KEY 128
    ip xfrm state add src "$HA6" dst "$HOA6" proto esp spi $SIG_IN_SPI reqid 1 \
        mode transport aead 'rfc4106(gcm(aes))' $SIG_IN_KEY 128
    # Mobility Header first (seed 001 §4.2): only BU/BA, before the payload policy
    ip xfrm policy add src "$HOA6/128" dst "$HA6/128" proto mobility-header dir out \
        priority 100 tmpl src "$HOA6" dst "$HA6" proto esp mode transport reqid 1
    ip xfrm policy add src "$HA6/128" dst "$HOA6/128" proto mobility-header dir in \
        priority 100 tmpl src "$HA6" dst "$HOA6" proto esp mode transport reqid 1
    # Mobile Prefix Discovery on the same SA (RFC 6275 §5.3): Solicitation out, Advertisement in
    ip xfrm policy add src "$HOA6/128" dst "$HA6/128" proto ipv6-icmp type 146 dir out \
        priority 100 tmpl src "$HOA6" dst "$HA6" proto esp mode transport reqid 1
    ip xfrm policy add src "$HA6/128" dst "$HOA6/128" proto ipv6-icmp type 147 dir in \
        priority 100 tmpl src "$HA6" dst "$HOA6" proto esp mode transport reqid 1
}

esp_pay() {
    coa=$1 ha=$2 encap=""
    [ "${3:-}" = natt ] && encap="encap espinudp 4500 4500 0.0.0.0"
    oseq=$(ip -s xfrm state list proto esp spi $PAY_OUT_SPI |
        sed -n 's/.*oseq 0x\([0-9a-f]*\).*/\1/p' | head -n 1)
    ip xfrm state deleteall proto esp spi $PAY_OUT_SPI 2>/dev/null || :
    ip xfrm state deleteall proto esp spi $PAY_IN_SPI 2>/dev/null || :
    # shellcheck disable=SC2086
    ip xfrm state add src "$coa" dst "$ha" proto esp spi $PAY_OUT_SPI reqid 2 mode tunnel \
        flag af-unspec enc 'cbc(aes)' $PAY_OUT_KEY \
        auth-trunc 'hmac(sha256)' $PAY_OUT_AUTH 128 $encap replay-oseq "0x${oseq:-0}"
    # shellcheck disable=SC2086
    ip xfrm state add src "$ha" dst "$coa" proto esp spi $PAY_IN_SPI reqid 2 mode tunnel \
        flag af-unspec enc 'cbc(aes)' $PAY_IN_KEY \
        auth-trunc 'hmac(sha256)' $PAY_IN_AUTH 128 $encap
    # Linux refuses what a tunnel-mode SA decrypted unless an inbound policy covers it
    ip xfrm policy update src "$HOA6/128" dst ::/0 dir out priority 200 \
        tmpl src "$coa" dst "$ha" proto esp mode tunnel reqid 2
    ip xfrm policy update src ::/0 dst "$HOA6/128" dir in priority 200 \
        tmpl src "$ha" dst "$coa" proto esp mode tunnel reqid 2
    if [ -n "$HOA4" ]; then
        ip xfrm policy update src "$HOA4/32" dst 0.0.0.0/0 dir out priority 200 \
            tmpl src "$coa" dst "$ha" proto esp mode tunnel reqid 2
        ip xfrm policy update src 0.0.0.0/0 dst "$HOA4/32" dir in priority 200 \
            tmpl src "$ha" dst "$coa" proto esp mode tunnel reqid 2
    fi
    if [ -n "$encap" ] && ! [ -f /run/mn_natt.pid ]; then
        # an IKE daemon would own this socket: ESP-in-UDP arriving on 4500 reaches xfrm
        /usr/bin/python3 "$(dirname "$0")/mn_natt.py" >/dev/null 2>&1 &
        echo $! >/run/mn_natt.pid
        sleep 0.3
    fi
}

clear_tunnels() {
    ip -6 route flush table 100 2>/dev/null || :
    ip route flush table 100 2>/dev/null || :
    for t in mip6 sit1 ipip1 fou6 fou4; do ip link del "$t" 2>/dev/null || :; done
    ip fou del port 4191 2>/dev/null || :
    ip -6 route del "$HA6/128" 2>/dev/null || :
    ip route del default 2>/dev/null || :
    ip -6 route del default 2>/dev/null || :
}

# home addresses on the tunnel devices, routes to the correspondent through them; whatever
# leaves from a home address (the kernel's BU, replies) takes the tunnel too (table 100)
home_routes() {
    dev6=$1 dev4=$2
    ip -6 addr add "$HOA6/128" dev "$dev6" nodad
    ip -6 route add "$CN6/128" dev "$dev6" src "$HOA6"
    ip -6 rule show | grep -q "from $HOA6 lookup 100" ||
        ip -6 rule add from "$HOA6" lookup 100 pref 100
    ip -6 route replace default dev "$dev6" table 100
    if [ -n "$HOA4" ]; then
        ip addr add "$HOA4/32" dev "$dev4"
        ip route add "$CN4/32" dev "$dev4" src "$HOA4"
        ip rule show | grep -q "from $HOA4 lookup 100" ||
            ip rule add from "$HOA4" lookup 100 pref 100
        ip route replace default dev "$dev4" table 100
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
esp-sig)
    esp_sig
    ;;
esp-pay)
    esp_pay "$2" "$3" "${4:-}"
    ;;
*)
    echo "usage: $0 base|v6|pub|nat|pubudp|clear|esp-sig|esp-pay COA HA [natt]" >&2
    exit 2
    ;;
esac
echo "mn: $1"
