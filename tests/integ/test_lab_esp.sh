#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# ESP between the home agent (unmodified rte_ipsec) and the Linux kernel's ESP of a real
# mobile node (User-Mode Linux, ip xfrm): the node's kernel sends its BUs through its
# signalling SA (transport mode) and decrypts the BAs; payload goes through its payload SA
# (tunnel mode; ESP in UDP 4500 behind the NAT) from an IPv6, a NATed and a public IPv4
# care-of address, with ping and TCP both ways and one TCP connection across both
# handovers; the home agent's SAs never change. Then the refusals: no ESP, another node's
# SA, replay, a wrong key, an unknown SPI, clear tunnel traffic from a protected node.
# config/lab-esp.conf holds the keys; tools/lab/mn_setup.sh esp-* the node's side.
set -u
. "$(dirname "$0")/lib.sh"
LAB_PREFIX=ha_esp_test_$$ LAB_DIR=/tmp/dsmip-lab-esp-$$ LAB_BUILD=$BUILD
. "$TOP/tools/lab/lab.sh"
. "$(dirname "$0")/lab_lib.sh"
TCP_PID=""
trap '[ -n "$TCP_PID" ] && kill "$TCP_PID" 2>/dev/null; cap_stop_all; lab_down; rm -rf "$LAB_DIR"' EXIT

HA6=2001:db8:1::1
HA4=198.51.100.1
SIG1_OUT=0x1001:aes-128-gcm:0x000102030405060708090a0b0c0d0e0fa0a1a2a3
SIG1_IN=0x2001:aes-128-gcm:0x101112131415161718191a1b1c1d1e1fb0b1b2b3
SIG1_BADKEY=0x1001:aes-128-gcm:0xff0102030405060708090a0b0c0d0e0fa0a1a2a3
SIG2_OUT=0x1101:aes-256-gcm:0x808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fc0c1c2c3
SIG2_IN=0x2101:aes-256-gcm:0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfd0d1d2d3
V6="--iface vec0 --gw 2001:db8:b::1 --path v6 --coa 2001:db8:b::5 --hoa $HOA6"

# kbu NAME ARGS...: a BU from the node's kernel through its signalling SA; BA JSON in $BA
kbu() {
    local name=$1; shift
    BA=$(mn "/usr/bin/python3 $MNT/mn_kbu.py --hoa $HOA6 --v4hoa $HOA4/32 $*")
    expect_contains "$name: BA decrypted by the node's kernel" "$BA" '"via": "kernel"'
}
ba() { json_get "$BA" "$1"; }

# sa_stat SPI FIELD: one counter of /dsmip/sas
sa_stat() {
    json_get "$(lab_telemetry /dsmip/sas)" \
        "[s['$2'] for s in d['/dsmip/sas']['sas'].values() if s['spi'] == '$1'][0]"
}
cpc() { json_get "$(lab_telemetry /dsmip/stats)" "d['/dsmip/stats']['control_plane']['$1']"; }
cp_discard() { json_get "$(lab_telemetry /dsmip/stats)" "d['/dsmip/stats']['control_plane']['discards']['$1']"; }

# one echo each family once the node has re-installed its payload SA: the first packets may
# wait for the node's neighbor resolution; what follows must not lose any
warm_up() {
    mn "ping -6 -c 1 -W 1 -I $HOA6 $CN6; ping -c 1 -W 1 -I $HOA4 $CN4" >/dev/null
}

tcp_both_ways() {   # LABEL: a short TCP exchange each way
    local out
    out=$(ns_exec dsmip-cn /usr/bin/python3 "$MNT/tcp_echo.py" client --dst "$HOA6" --port 7778 \
        --count 5 --interval 0.05)
    expect_contains "$1: TCP CN -> MN" "$out" '"echoed": 5'
    out=$(mn "/usr/bin/python3 $MNT/tcp_echo.py client --src $HOA4 --dst $CN4 --port 7777 \
        --count 5 --interval 0.05")
    expect_contains "$1: TCP MN -> CN (IPv4)" "$out" '"echoed": 5'
}

# -------------------------------------------------------------------- lab

lab_up || { fail "lab"; finish; }
lab_ha_start "$TOP/config/lab-esp.conf" || { fail "HA did not start"; finish; }
mn_start || { fail "mobile node did not boot"; finish; }
mn_setup base
mn_setup esp-sig
cap_start access dsmip-inet inet-ha
# echo servers: on the correspondent (both families) and on the node's home address
ns_exec dsmip-cn /usr/bin/python3 "$MNT/tcp_echo.py" server --bind "$CN6" --max 150 &
ns_exec dsmip-cn /usr/bin/python3 "$MNT/tcp_echo.py" server --bind "$CN4" --max 150 &

# -------------------------------------------------------------------- 1. no ESP
mn_setup v6
out=$(mn "/usr/bin/python3 $MNT/mn_bu.py $V6 --seq 1 --timeout 1.5")
expect_contains "a BU without ESP gets no answer" "$out" '"error": "no BA"'
expect_eq "... and is counted as unprotected" "$(cp_discard unprotected)" 1

# -------------------------------------------------------------------- 2. IPv6 care-of
kbu "IPv6 CoA" --altcoa 2001:db8:b::5 --seq 2
expect_eq "IPv6 CoA: accepted" "$(ba "d['status']")" 0
mn_setup esp-pay 2001:db8:b::5 $HA6
warm_up
mn "(/usr/bin/python3 $MNT/tcp_echo.py server --bind $HOA6 --port 7778 --max 120 \
    >/dev/null 2>&1 &)" >/dev/null
both_ways "IPv6 CoA, payload SA"
tcp_both_ways "IPv6 CoA, payload SA"
# Mobile Prefix Discovery, protected (R6275 §5.3): the node's kernel sends the MPS through its
# signalling SA and its tunnel; the MPA comes back the same way and its kernel decrypts it
mpa=$(mn "/usr/bin/python3 $MNT/mn_kmps.py --hoa $HOA6 --id 0x4d51")
expect_eq "IPv6 CoA: MPS/MPA through the signalling SA, decrypted by the node's kernel" \
    "$(json_get "$mpa" 'd.get("id"), d.get("prefixes")')" "19793 [['2001:db8:1::1', 64, 'LAR']]"
# one TCP connection from the node for the rest of the moves (120 lines, 0.1 s apart)
mn "(/usr/bin/python3 $MNT/tcp_echo.py client --src $HOA6 --dst $CN6 --count 120 \
    --interval 0.1 --timeout 20 >/tmp/tcp_long.json 2>&1 &)" >/dev/null
sleep 1.5

# -------------------------------------------------------------------- 3. behind the NAT
mn_setup nat
kbu "NAT" --v4coa 100.64.0.2 --seq 3
expect_eq "NAT: accepted" "$(ba "d['status']")" 0
expect_eq "NAT: NAT detected (refresh 110)" "$(ba "d['natd']['refresh']")" 110
mn_setup esp-pay 100.64.0.2 $HA4 natt
# the node's first ESP shows the NAT's mapping of its port 4500 to the home agent
mn "ping -c 1 -W 1 -I $HOA4 $CN4" >/dev/null
both_ways "NAT, ESP in UDP 4500"
tcp_both_ways "NAT, ESP in UDP 4500"
mpa=$(mn "/usr/bin/python3 $MNT/mn_kmps.py --hoa $HOA6 --id 0x4d52")
expect_eq "NAT: MPS/MPA through the signalling SA over UDP 4191" \
    "$(json_get "$mpa" 'd.get("id"), d.get("prefixes")')" "19794 [['2001:db8:1::1', 64, 'LAR']]"
expect_eq "NAT: the UDP 4500 mapping was learnt once" "$(stat_of events esp_natt_change)" 1
sleep 1.5

# -------------------------------------------------------------------- 4. public IPv4
mn_setup pubudp
kbu "public IPv4" --v4coa 203.0.113.5 --seq 4
expect_eq "public IPv4: accepted" "$(ba "d['status']")" 0
expect_eq "public IPv4: no NAT" "$(ba "d['natd']['refresh']")" 4294967295
mn_setup esp-pay 203.0.113.5 $HA4
warm_up
both_ways "public IPv4, ESP"
tcp_both_ways "public IPv4, ESP"

# -------------------------------------------------------------------- 5. across the moves
for i in $(seq 1 30); do
    out=$(mn "cat /tmp/tcp_long.json")
    printf '%s' "$out" | grep -q seconds && break
    sleep 0.5
done
expect_contains "one TCP connection across IPv6 -> NAT -> IPv4: every line echoed" "$out" \
    '"echoed": 120'
expect_contains "... and no error" "$out" '"error": null'

# -------------------------------------------------------------------- 6. counters
expect_eq "signalling SA in: the 3 kernel BUs and 2 MPS" "$(sa_stat 0x1001 packets)" 5
expect_eq "signalling SA out: 3 BAs and 2 MPAs" "$(sa_stat 0x2001 packets)" 5
n=$(sa_stat 0x1002 packets)
[ "$n" -gt 40 ] && pass "payload SA in: $n packets" || fail "payload SA in: $n packets"
n=$(sa_stat 0x2002 packets)
[ "$n" -gt 40 ] && pass "payload SA out: $n packets" || fail "payload SA out: $n packets"
expect_eq "no authentication failure so far" "$(sa_stat 0x1002 auth_failures)" 0
expect_eq "no clear payload from the protected node" "$(stat_of drops esp_required)" 0

# -------------------------------------------------------------------- 6b. revocation
# through the signalling SA to a real node: its kernel decrypts the BRI (here over UDP 4191
# from the public IPv4 care-of address) and protects its BRA (mn_kbra.py answers)
mn "rm -f /tmp/kbra.ready; (/usr/bin/python3 $MNT/mn_kbra.py --hoa $HOA6 --timeout 8 \
    --ready /tmp/kbra.ready >/tmp/kbra.json 2>&1 &)" >/dev/null
mn "for i in \$(seq 1 50); do [ -e /tmp/kbra.ready ] && exit 0; sleep 0.1; done; exit 1" >/dev/null ||
    fail "the node's BRI listener did not start"
out=$("$BUILD/tools/dsmip-ctl" --file-prefix "$LAB_PREFIX" revoke mn1 2>&1)
expect_contains "revoke: the binding ended" "$out" "binding of mn1 revoked"
for i in $(seq 1 40); do
    out=$(mn "cat /tmp/kbra.json")
    printf '%s' "$out" | grep -q '"via"\|"error"' && break
    sleep 0.2
done
expect_eq "the node's kernel decrypted the BRI (trigger 1) and protected its BRA" \
    "$(json_get "$out" 'd.get("trigger"), d.get("via")')" "1 kernel"
for i in $(seq 1 20); do [ "$(cpc bra_rx)" = 1 ] && break; sleep 0.1; done
expect_eq "the BRA ended it: bri_tx, bri_retx, bra_rx" \
    "$(cpc bri_tx) $(cpc bri_retx) $(cpc bra_rx)" "1 0 1"

# -------------------------------------------------------------------- 7. refusals (scapy ESP)
# scapy's ESP numbers from 1000 on: past the kernel's sequence numbers on the same SA
mn_setup v6
out=$(mn "/usr/bin/python3 $MNT/mn_bu.py $V6 --seq 5 --esp $SIG1_OUT --esp-seq 1000 \
    --esp-ba $SIG1_IN")
expect_eq "HAO + ESP transport (RFC 6275 form): accepted" "$(json_get "$out" "d['status']")" 0
expect_eq "... BA through ESP with the RH2" "$(json_get "$out" "d['esp'], d['rh2']")" \
    "True $HOA6"
out=$(mn "/usr/bin/python3 $MNT/mn_bu.py $V6 --seq 6 --esp $SIG1_OUT --esp-seq 1000 \
    --timeout 1.5")
expect_contains "a replayed ESP sequence number: no answer" "$out" '"error": "no BA"'
expect_eq "... counted as a replay" "$(sa_stat 0x1001 replay_drops)" 1
out=$(mn "/usr/bin/python3 $MNT/mn_bu.py $V6 --seq 7 --esp $SIG1_BADKEY --esp-seq 1001 \
    --timeout 1.5")
expect_contains "a wrong key: no answer" "$out" '"error": "no BA"'
expect_eq "... counted as an authentication failure" "$(sa_stat 0x1001 auth_failures)" 1
out=$(mn "/usr/bin/python3 $MNT/mn_bu.py $V6 --seq 8 --esp $SIG2_OUT --esp-seq 1 \
    --esp-ba $SIG2_IN")
expect_eq "mn1's home address on mn2's SA: 133, through mn2's SA" \
    "$(json_get "$out" "d['status'], d['esp']")" "133 True"
out=$(mn "/usr/bin/python3 $MNT/mn_bu.py $V6 --seq 9 --esp 0x9999:null: --timeout 1.5")
expect_contains "an unknown SPI: no answer" "$out" '"error": "no BA"'
n=$(stat_of drops esp_unknown_spi)
[ "$n" -ge 1 ] && pass "... counted as an unknown SPI ($n)" || fail "unknown SPI count $n"
# the node's payload policy taken away: its data goes out in the clear tunnel
mn_setup esp-pay 2001:db8:b::5 $HA6
mn "ip xfrm policy delete src $HOA6/128 dst ::/0 dir out" >/dev/null
mn "ping -6 -c 2 -i 0.2 -W 1 -I $HOA6 $CN6" >/dev/null
n=$(stat_of drops esp_required)
[ "$n" -ge 2 ] && pass "clear tunnel traffic from a protected node is dropped ($n)" ||
    fail "esp_required drops: $n"

# -------------------------------------------------------------------- on the wire
cap_stop access
pc=$LAB_DIR/access.pcap
ts() { tshark -r "$pc" -d udp.port==4191,ip -Y "$1" 2>/dev/null | wc -l; }
n=$(ts 'esp.spi == 0x00002002')
[ "$n" -gt 40 ] && pass "tshark: $n ESP packets of the payload SA to the node" ||
    fail "tshark: $n ESP packets with SPI 0x2002"
n=$(ts 'udp.srcport == 4500 && esp.spi == 0x00002002')
[ "$n" -gt 5 ] && pass "tshark: $n of them in UDP 4500 (behind the NAT)" ||
    fail "tshark: $n ESP-in-UDP packets"
n=$(ts 'esp.spi == 0x00002001')
[ "$n" -ge 4 ] && pass "tshark: $n BAs through the signalling SA" || fail "tshark: $n BAs"
n=$(ts 'mip6.mhtype == 6')
expect_eq "tshark: no BA in the clear" "$n" 0
n=$(ts 'icmpv6.type == 146 || icmpv6.type == 147')
expect_eq "tshark: no prefix discovery in the clear" "$n" 0
n=$(ts 'mip6.mhtype == 16')
expect_eq "tshark: no Binding Revocation in the clear" "$n" 0
hl=$(lab_telemetry /dsmip/home_link)
expect_eq "telemetry: MPS received, MPAs sent, all protected" \
    "$(json_get "$hl" 'd["/dsmip/home_link"]["mps_received"], d["/dsmip/home_link"]["mpa_sent"], d["/dsmip/home_link"]["mpa_protected"]')" \
    "2 2 2"
n=$(ts 'icmpv6.type == 128 && ipv6.src == 2001:db8:1::10')
expect_eq "tshark: no correspondent payload in the clear" "$n" 0

lab_ha_stop || fail "HA exit status"
finish
