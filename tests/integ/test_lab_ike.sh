#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Keying by IKE end to end (RFC 4877 with strongSwan 5.9 from Debian, unmodified, at both
# ends): the mobile node's charon (in the User-Mode Linux node) negotiates with the home
# agent's charon (in a second guest, "ikeha", on the home agent's IKE exception interface);
# IKE crosses the DPDK fast path both ways, the SAs charon installs are mirrored into
# rte_ipsec (ike.relay), the node's kernel sends its BUs through the negotiated signalling
# SA (transport_proxy: home address <-> home agent) and its traffic through the payload SA
# (tunnel mode), from an IPv6 and from a public IPv4 care-of address. Then rekeys of both
# children and of the IKE SA under traffic (loss counted and printed), a replayed BU, and a
# terminated IKE SA whose SAs leave the data plane. tshark judges the access link.
# The configuration of both ends is the shipped one: config/swanctl/.
set -u
. "$(dirname "$0")/lib.sh"
LAB_PREFIX=ha_ike_test_$$ LAB_DIR=/tmp/dsmip-lab-ikee-$$ LAB_BUILD=$BUILD
. "$TOP/tools/lab/lab.sh"
. "$(dirname "$0")/lab_lib.sh"
trap 'cap_stop_all; lab_down; [ -n "${IKE_KEEP:-}" ] && cp -r "$LAB_DIR" "$IKE_KEEP"; rm -rf "$LAB_DIR"' EXIT
HA6=2001:db8:1::1 HA4=198.51.100.1
V6="--iface vec0 --gw 2001:db8:b::1 --path v6 --coa 2001:db8:b::5 --hoa $HOA6"

[ "$(lab_mn_mode)" = uml ] || { echo "SKIP: needs the UML node (charon needs ESP)"; exit 77; }
command -v swanctl >/dev/null && [ -x /usr/lib/ipsec/charon ] ||
    { echo "SKIP: strongSwan missing (tools/bootstrap.sh installs it)"; exit 77; }

# the SPIs of a guest's kernel (ikeha: what the home agent must hold), sorted
kernel_spis() { uml_cmd "$1" "ip xfrm state" | awk '$3 == "spi" {print $4}' | sort | tr '\n' ' '; }
# the SPIs mirrored into the home agent (origin ike), sorted
ha_spis() {
    json_get "$(lab_telemetry /dsmip/sas)" \
        "' '.join(sorted('0x%08x' % int(s['spi'], 16) for s in d['/dsmip/sas']['sas'].values() if s['origin'] == 'ike'))"
}
# in_sync LABEL: the home agent holds exactly the SAs of its charon's kernel (5 s)
in_sync() {
    local i want got
    for i in $(seq 1 50); do
        want=$(kernel_spis ikeha | sed 's/ $//')
        got=$(ha_spis)
        [ -n "$want" ] && [ "$want" = "$got" ] && break
        sleep 0.1
    done
    expect_eq "$1: the data plane holds exactly charon's SAs" "$got" "$want"
}
sa_stat() {   # SPI FIELD
    json_get "$(lab_telemetry /dsmip/sas)" \
        "[s['$2'] for s in d['/dsmip/sas']['sas'].values() if int(s['spi'], 16) == $1][0]"
}
ike_stat() { json_get "$(lab_telemetry /dsmip/ike)" "d['/dsmip/ike']['$1']"; }
# initiate CHILD: the node's charon brings CHILD up; prints the time it took in ms (the
# guest's clock)
initiate() {
    local out
    out=$(uml_cmd uml "t0=\$(date +%s%N)
        STRONGSWAN_CONF=$LAB_DIR/uml-ike/strongswan.conf SWANCTL_DIR=$LAB_DIR/uml-ike/swanctl \
            swanctl --initiate --child $1 --timeout 20 >/dev/null || exit 1
        echo \$(( (\$(date +%s%N) - t0) / 1000000 ))") || { echo 0; return; }
    echo "$out" | tail -n 1
}
# took LABEL MS: a negotiation that succeeded, and its time
took() {
    [ "${2:-0}" -gt 0 ] && pass "$1: $2 ms" || fail "$1: failed"
}
# kbu LABEL ARGS: a BU from the node's kernel through its signalling SA; BA JSON in $BA
kbu() {
    local name=$1; shift
    BA=$(mn "/usr/bin/python3 $MNT/mn_kbu.py --hoa $HOA6 --v4hoa $HOA4/32 $*")
    expect_contains "$name: BA decrypted by the node's kernel" "$BA" '"via": "kernel"'
    expect_eq "$name: accepted" "$(json_get "$BA" "d.get('status')")" 0
}
# flood_rekey LABEL GUEST WHAT: 400 echoes from the correspondent to the node's home address
# every 10 ms while GUEST's charon rekeys WHAT (--child payload, --ike home, ...); prints
# the echoes lost
flood_rekey() {
    local label=$1 guest=$2 out lost
    shift 2
    ns_exec dsmip-cn ping -6 -c 400 -i 0.01 -W 1 "$HOA6" >"$LAB_DIR/flood.out" 2>&1 &
    local fp=$!
    sleep 1
    ike_swanctl "$guest" --rekey "$@" >/dev/null || fail "$label: swanctl --rekey $*"
    wait $fp
    out=$(grep 'packets transmitted' "$LAB_DIR/flood.out")
    lost=$(echo "$out" | awk '{print $1 - $4}')
    echo "   $label: $lost of 400 echoes lost ($out); home agent drops so far: $(ha_drops)"
    [ "${lost:-400}" -le 8 ] && pass "$label: traffic went on ($lost of 400 lost)" ||
        fail "$label: $lost of 400 echoes lost"
}

lab_up || { fail "lab"; finish; }
cp "$TOP/config/lab.conf" "$LAB_DIR/ha.conf"
printf 'ike = { enabled = true; relay = "file:%s/xfrm.relay"; tap = "dsmip-ike"; };\n' \
    "$LAB_DIR" >>"$LAB_DIR/ha.conf"
lab_ha_start "$LAB_DIR/ha.conf" || { fail "HA did not start"; finish; }
ike_ha_start || { fail "the home agent's charon"; finish; }
mn_start || { fail "mobile node did not boot"; finish; }
mn_setup base
mn_setup v6
ike_charon uml "$TOP/config/swanctl/mobile-node.conf" mn1 || { fail "the node's charon"; finish; }
cap_start access dsmip-inet inet-ha

# -------------------------------------------------------------------- 1. IPv6 care-of address
took "IKE_SA + signalling CHILD_SA from the IPv6 care-of address" "$(initiate signalling)"
took "payload CHILD_SA (CREATE_CHILD_SA)" "$(initiate payload)"
# what crossed the fast path, against what the home agent's charon logged it received and
# sent (a retransmission under load is one more of each, or a request charon drops while it
# still works on the first)
n=$(ike_stat ike_to_charon)
[ "$n" -ge 3 ] && pass "IKE crossed the fast path to charon ($n datagrams)" ||
    fail "IKE to charon: $n"
expect_eq "... every one that charon received" "$n" \
    "$(grep -c 'received packet' "$LAB_DIR/ikeha-ike/charon.log")"
expect_eq "... and every answer charon sent back out" "$(ike_stat ike_from_charon)" \
    "$(grep -c 'sending packet' "$LAB_DIR/ikeha-ike/charon.log")"
in_sync "IKE SA up"
expect_eq "four SAs mirrored: two signalling, two payload" \
    "$(json_get "$(lab_telemetry /dsmip/sas)" "sorted(s['direction'] + '-' + s['role'] for s in d['/dsmip/sas']['sas'].values() if s['origin'] == 'ike' and s['hoa6'] == '$HOA6')")" \
    "['in-payload', 'in-signalling', 'out-payload', 'out-signalling']"
out=$(mn "/usr/bin/python3 $MNT/mn_bu.py $V6 --seq 1 --timeout 1.5")
expect_contains "a BU without ESP: no answer (the node has an IKE signalling SA)" "$out" \
    '"error": "no BA"'
kbu "IPv6 CoA" --altcoa 2001:db8:b::5 --seq 2
echo "   BU to BA through the IKE signalling SA: $(json_get "$BA" "d['rtt_ms']") ms"
both_ways "IPv6 CoA, IKE payload SA"
# (not jobs of this shell: lab_down kills them by namespace)
ns_exec dsmip-cn /usr/bin/python3 "$MNT/tcp_echo.py" server --bind "$CN6" --max 150 &
disown $!
ns_exec dsmip-cn /usr/bin/python3 "$MNT/tcp_echo.py" server --bind "$CN4" --max 150 &
disown $!
sleep 0.3
out=$(mn "/usr/bin/python3 $MNT/tcp_echo.py client --src $HOA6 --dst $CN6 --port 7777 \
    --count 5 --interval 0.05")
expect_contains "TCP from the home address (IPv6) through the IKE payload SA" "$out" \
    '"echoed": 5'

# -------------------------------------------------------------------- 2. rekeys under traffic
flood_rekey "the node rekeys its payload SA" uml --child payload
in_sync "after the node's payload rekey"
flood_rekey "the home agent rekeys the payload SA" ikeha --child payload
in_sync "after the home agent's payload rekey"
flood_rekey "the node rekeys the IKE SA (children stay)" uml --ike home
in_sync "after the IKE SA rekey"
# the home agent's charon answers a rekey after installing the new inbound SA, and the home
# agent mirrors what charon installed before it forwards charon's answer; the lab's relay
# file is written beside charon, not before it, so it may lag by one look (10 ms: at most
# one echo at this rate); netlink (production) has no such lag
n=$(stat_of drops esp_unknown_spi)
[ "$n" -le 1 ] && pass "the rekeys cost the home agent $n ESP packets of an SA not yet mirrored" ||
    fail "the home agent dropped $n ESP packets of SAs not yet mirrored during the rekeys"
expect_eq "... and no authentication failure or replay" \
    "$(json_get "$(lab_telemetry /dsmip/sas)" "sum(s['auth_failures'] + s['replay_drops'] for s in d['/dsmip/sas']['sas'].values())")" 0
ike_swanctl uml --rekey --child signalling >/dev/null || fail "signalling rekey"
in_sync "after the signalling rekey"
kbu "BU through the rekeyed signalling SA" --altcoa 2001:db8:b::5 --seq 3
sig_out=$(mn "ip xfrm state list proto esp src $HOA6 dst $HA6" | awk '$3 == "spi" {print $4}')
expect_eq "... it decrypted it with the new SA" "$(sa_stat "$sig_out" packets)" 1
n=$(ike_stat rekeys)
[ "$n" -ge 6 ] && pass "rekeys seen by the mirror: $n" || fail "rekeys seen: $n"
both_ways "after the rekeys"

# -------------------------------------------------------------------- 3. a replayed BU
key=$(mn "ip xfrm state get src $HOA6 dst $HA6 proto esp spi $sig_out" |
    awk '$1 == "aead" {print $3}')
out=$(mn "/usr/bin/python3 $MNT/mn_bu.py $V6 --seq 4 --esp $sig_out:aes-128-gcm:$key \
    --esp-seq 1 --timeout 1.5")
expect_contains "the negotiated key with a used sequence number: no answer" "$out" \
    '"error": "no BA"'
expect_eq "... counted as a replay on the IKE SA" "$(sa_stat "$sig_out" replay_drops)" 1

# -------------------------------------------------------------------- 4. public IPv4 CoA
ike_swanctl uml --terminate --ike home >/dev/null || fail "terminate"
# the terminated IKE SA's SAs leave the data plane (outbound ones after the grace that
# MOBIKE's delete + add needs)
for i in $(seq 1 40); do [ -z "$(ha_spis)" ] && break; sleep 0.1; done
expect_eq "IKE SA terminated: none of its SAs left in the data plane" "$(ha_spis)" ""
# (and dead-peer detection after 2 s instead of 30: section 5's restart)
sed -e "s/remote_addrs = $HA6/remote_addrs = $HA4/" -e "s/dpd_delay = 30s/dpd_delay = 2s/" \
    "$TOP/config/swanctl/mobile-node.conf" >"$LAB_DIR/uml-ike/swanctl/swanctl.conf"
ike_swanctl uml --load-conns >/dev/null || fail "load the IPv4 connection"
mn_setup pubudp
took "IKE_SA + signalling CHILD_SA from the public IPv4 care-of address" \
    "$(initiate signalling)"
took "payload CHILD_SA over IPv4" "$(initiate payload)"
in_sync "IKE over IPv4"
kbu "public IPv4 CoA" --v4coa 203.0.113.5 --seq 5
both_ways "public IPv4 CoA, IKE payload SA"
out=$(mn "/usr/bin/python3 $MNT/tcp_echo.py client --src $HOA4 --dst $CN4 --port 7777 \
    --count 5 --interval 0.05")
expect_contains "TCP from the home address (IPv4) through the IKE payload SA" "$out" \
    '"echoed": 5'

# -------------------------------------------------------------------- 5. the home agent restarts
# with its charon (the exception interface goes with the home agent): the node's dead-peer
# detection finds the IKE SA gone and charon negotiates again (dpd_action = restart); the
# binding comes back from the state store; the new SAs have new SPIs; an ESP packet of the
# old signalling SA, captured before the restart and replayed after, is refused
old_spis=$(kernel_spis uml)
old_sig=$(mn "ip xfrm state list proto esp src $HOA6 dst $HA6" | awk '$3 == "spi" {print $4}')
cap_start pre dsmip-inet inet-ha
kbu "before the restart" --v4coa 203.0.113.5 --seq 6
cap_stop pre
ike_ha_stop
lab_ha_stop
expect_eq "the home agent stops cleanly" "$LAB_HA_EXIT" 0
# the guest's kernel and its SAs are gone with it: so is what its relay wrote (with netlink,
# the home agent's dump at start would find no SA either)
rm -f "$LAB_DIR/xfrm.relay"
lab_ha_start "$LAB_DIR/ha.conf" || { fail "HA did not start again"; finish; }
expect_eq "the binding is back from the state store" \
    "$(json_get "$(lab_telemetry "/dsmip/binding,mn1")" "d['/dsmip/binding']['coa']")" \
    "203.0.113.5"
# the home agent's charon comes back late: only after the node's first new IKE_SA_INIT went
# unanswered (a home agent slow to come back, or a guest slow to boot under load); the node
# tries again (mobile-node.conf: keyingtries = 0; with the default, 1, it gave up for good)
tries() { grep -c 'peer not responding, trying again' "$LAB_DIR/uml-ike/charon.log"; }
tries0=$(tries)
for i in $(seq 1 400); do   # at most 40 s: dead-peer detection (2 + 8 s), a first try (8 s)
    [ "$(tries)" -gt "$tries0" ] && break
    sleep 0.1
done
[ "$(tries)" -gt "$tries0" ] && pass "the node's first IKE_SA_INIT after the restart unanswered: it tries again" ||
    fail "the node did not try again after its first IKE_SA_INIT went unanswered"
t0=$(date +%s%N)
ike_ha_start || { fail "the home agent's charon again"; finish; }
for i in $(seq 1 300); do   # at most 30 s
    now=$(kernel_spis uml)
    [ "$(echo "$now" | wc -w)" -ge 4 ] && [ -z "$(comm -12 <(tr ' ' '\n' <<<"$old_spis" | grep . | sort) \
        <(tr ' ' '\n' <<<"$now" | grep . | sort))" ] && break
    sleep 0.1
done
t1=$(date +%s%N)
[ -z "$(comm -12 <(tr ' ' '\n' <<<"$old_spis" | grep . | sort) <(tr ' ' '\n' <<<"$now" | grep . | sort))" ] &&
    [ "$(echo "$now" | wc -w)" -ge 4 ] &&
    pass "the node's charon negotiated again, all SPIs new ($(( (t1 - t0) / 1000000 )) ms after its charon came back)" ||
    { fail "the node's SAs after the restart: '$now' (before: '$old_spis')"
      echo "   the node's charon since the restart:"
      grep -E 'initiating IKE_SA|trying again|giving up|IKE_SA .* established|failed' \
          "$LAB_DIR/uml-ike/charon.log" | tail -n 12 | sed 's/^/     /'
      echo "   the home agent's charon: $(grep -c 'received packet' "$LAB_DIR/ikeha-ike/charon.log") datagrams in, $(grep -c 'sending packet' "$LAB_DIR/ikeha-ike/charon.log") out; the home agent: $(lab_telemetry /dsmip/ike)"; }
in_sync "after the restart"
kbu "after the restart: a BU through the new signalling SA" --v4coa 203.0.113.5 --seq 7
both_ways "after the restart, new payload SA"
before=$(stat_of drops esp_unknown_spi) ba_before=$(json_get "$(lab_telemetry /dsmip/stats)" "d['/dsmip/stats']['control_plane']['ba_tx']")
ns_exec dsmip-inet /usr/bin/python3 -c "
import sys
from scapy.all import rdpcap, sendp, UDP, IP
old = [p for p in rdpcap(sys.argv[1]) if p.haslayer(UDP) and p[UDP].dport == 4191 and p[IP].src == '203.0.113.5']
assert old, 'no BU captured'
sendp(old, iface='inet-ha', verbose=0)
print(len(old))" "$LAB_DIR/pre.pcap" >"$LAB_DIR/replayed" || fail "replay"
sleep 0.5
n=$(( $(stat_of drops esp_unknown_spi) - before ))
[ "$n" -ge 1 ] && pass "the old signalling SA's BU ($old_sig) replayed after the restart: refused ($n, unknown SPI)" ||
    fail "the replayed BU of $old_sig was not refused as an unknown SPI ($n)"
expect_eq "... and not answered" "$(json_get "$(lab_telemetry /dsmip/stats)" "d['/dsmip/stats']['control_plane']['ba_tx']")" "$ba_before"

# -------------------------------------------------------------------- 6. EAP
# RFC 4877 §4.4: the node authenticates with EAP (EAP-MD5 against the home agent's charon),
# the home agent with its certificate; the shipped EAP variants of both ends
ike_swanctl uml --terminate --ike home >/dev/null || fail "terminate before EAP"
for i in $(seq 1 40); do [ -z "$(ha_spis)" ] && break; sleep 0.1; done
cp "$TOP/config/swanctl/dsmip-ha.conf" "$TOP/config/swanctl/dsmip-ha-eap.conf" \
    "$LAB_DIR/ikeha-ike/swanctl/"
cp "$LAB_DIR/ikeha-ike/swanctl/dsmip-ha-eap.conf" "$LAB_DIR/ikeha-ike/swanctl/swanctl.conf"
ike_swanctl ikeha --load-all --noprompt >/dev/null || fail "the home agent's EAP configuration"
cp "$LAB_DIR/uml-ike/swanctl/swanctl.conf" "$LAB_DIR/uml-ike/swanctl/mobile-node.conf"
cp "$TOP/config/swanctl/mobile-node-eap.conf" "$LAB_DIR/uml-ike/swanctl/swanctl.conf"
ike_swanctl uml --load-all --noprompt >/dev/null || fail "the node's EAP configuration"
took "EAP: IKE_SA + signalling CHILD_SA" "$(initiate signalling)"
took "EAP: payload CHILD_SA" "$(initiate payload)"
expect_contains "EAP: the home agent's charon authenticated the node by EAP-MD5" \
    "$(grep -h "EAP method EAP_MD5 succeeded" "$LAB_DIR/ikeha-ike/charon.log" | tail -n 1)" \
    "EAP_MD5 succeeded"
in_sync "EAP"
expect_eq "EAP: four SAs of the node in the data plane" "$(ha_spis | wc -w)" 4
kbu "EAP: a BU through the signalling SA" --v4coa 203.0.113.5 --seq 8
both_ways "EAP, payload SA"

# -------------------------------------------------------------------- on the wire
cap_stop access
pc=$LAB_DIR/access.pcap
ts() { tshark -r "$pc" -d udp.port==4191,ip -Y "$1" 2>/dev/null | wc -l; }
n=$(ts 'isakmp.exchangetype == 34 && ipv6.src == 2001:db8:b::5')
expect_eq "tshark: IKE_SA_INIT from the IPv6 care-of address" "$n" 1
# one IKE_AUTH answer with certificates, one after the restart, three with EAP (the MD5
# challenge, EAP success, the AUTH): none twice
n=$(ts 'isakmp.exchangetype == 35 && ip.dst == 203.0.113.5')
expect_eq "tshark: IKE_AUTH answered to the IPv4 care-of address (UDP 4500): 1 + 1 + 3" "$n" 5
n=$(ts 'isakmp.exchangetype == 36')
[ "$n" -ge 8 ] && pass "tshark: $n CREATE_CHILD_SA messages (rekeys)" ||
    fail "tshark: $n CREATE_CHILD_SA"
n=$(ts 'esp')
[ "$n" -gt 1000 ] && pass "tshark: $n ESP packets" || fail "tshark: $n ESP packets"
expect_eq "tshark: no BA in the clear" "$(ts 'mip6.mhtype == 6')" 0
expect_eq "tshark: no correspondent payload in the clear" \
    "$(ts 'icmpv6.type == 128 && ipv6.src == 2001:db8:1::10')" 0

lab_ha_stop || fail "HA exit status"
expect_eq "clean stop" "$LAB_HA_EXIT" 0
finish
