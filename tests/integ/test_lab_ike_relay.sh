#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A real kernel's XFRM database into the home agent: the lab's User-Mode Linux (it has ESP;
# this host's kernel refuses ESP states) runs dsmip-xfrm-relay, which appends that kernel's
# XFRM messages to a file on the host through hostfs; the home agent reads it (ike.relay)
# and mirrors every SA that `ip xfrm` installs there, as charon would, into rte_ipsec: the
# signalling pair (transport, MH selector), a make-before-break rekey, a deletion, a tunnel
# SA whose node is named by its policy, the algorithms the kernel names (AES-GCM, AES-CBC +
# HMAC-SHA-256), and a flush.
set -u
. "$(dirname "$0")/lib.sh"
LAB_PREFIX=ha_ikelab_$$ LAB_DIR=/tmp/dsmip-lab-ike-$$ LAB_BUILD=$BUILD
. "$TOP/tools/lab/lab.sh"
. "$(dirname "$0")/lab_lib.sh"
trap 'mn_run "pkill -f dsmip-xfrm-relay" >/dev/null 2>&1; lab_down; rm -rf "$LAB_DIR"' EXIT
HA6=2001:db8:1::1 HOA=2001:db8:1::100 COA=2001:db8:b::5
K1=0x000102030405060708090a0b0c0d0e0f10111213
K2=0x101112131415161718191a1b1c1d1e1f20212223

[ "$(lab_mn_mode)" = uml ] || { echo "SKIP: needs the UML node (this kernel has ESP)"; exit 77; }
lab_up || { fail "lab"; finish; }
RELAY=file:$LAB_DIR/xfrm.relay
cp "$TOP/config/lab.conf" "$LAB_DIR/ha.conf"
printf 'ike = { enabled = true; relay = "%s"; };\n' "$RELAY" >>"$LAB_DIR/ha.conf"
lab_ha_start "$LAB_DIR/ha.conf" || { fail "HA did not start"; finish; }
mn_start || { fail "mobile node did not boot"; finish; }
mn_run "setsid $BUILD/tools/dsmip-xfrm-relay $RELAY </dev/null >$LAB_DIR/relay.log 2>&1 &"

sa() { json_get "$(lab_telemetry "/dsmip/sa,$1")" "(lambda s: s['direction'] + ' ' + s['role'] + ' ' + s['origin'] + ' ' + s['algorithm'])(d['/dsmip/sa']['sa']) if d['/dsmip/sa'] else 'none'"; }
wait_sa() {   # SPI WANT: until /dsmip/sa,SPI says WANT (3 s)
    local i
    for i in $(seq 1 30); do [ "$(sa "$1")" = "$2" ] && break; sleep 0.1; done
    sa "$1"
}
x() { mn_run "ip xfrm $*" || fail "ip xfrm $*"; }

# the signalling pair as charon installs it for RFC 4877 (transport, the MH selector)
x state add src $HOA dst $HA6 proto esp spi 0xc1000001 reqid 1 mode transport \
    aead "'rfc4106(gcm(aes))'" $K1 128 sel src $HOA dst $HA6 proto 135
x state add src $HA6 dst $HOA proto esp spi 0xc1000002 reqid 1 mode transport \
    aead "'rfc4106(gcm(aes))'" $K2 128 sel src $HA6 dst $HOA proto 135
expect_eq "UML's inbound signalling SA mirrored" "$(wait_sa 0xc1000001 "in signalling ike aes-128-gcm")" \
    "in signalling ike aes-128-gcm"
expect_eq "UML's outbound signalling SA mirrored" "$(wait_sa 0xc1000002 "out signalling ike aes-128-gcm")" \
    "out signalling ike aes-128-gcm"
# a rekey: the new inbound SA, then the old one deleted
x state add src $HOA dst $HA6 proto esp spi 0xc1000011 reqid 1 mode transport \
    aead "'rfc4106(gcm(aes))'" $K2 128 sel src $HOA dst $HA6 proto 135
expect_eq "rekey: the new inbound SA" "$(wait_sa 0xc1000011 "in signalling ike aes-128-gcm")" \
    "in signalling ike aes-128-gcm"
expect_eq "rekey: the old one still decrypting" "$(sa 0xc1000001)" "in signalling ike aes-128-gcm"
x state delete src $HOA dst $HA6 proto esp spi 0xc1000001
expect_eq "the old SA deleted in UML: gone here" "$(wait_sa 0xc1000001 none)" none
# the payload SA: tunnel mode between care-of address and home agent, CBC + HMAC-SHA-256;
# its node comes from the policy of its reqid
x state add src $COA dst $HA6 proto esp spi 0xd1000001 reqid 5 mode tunnel \
    enc "'cbc(aes)'" 0x303132333435363738393a3b3c3d3e3f \
    auth-trunc "'hmac(sha256)'" 0x404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f 128
sleep 0.5
expect_eq "a tunnel SA before its policy: not yet" "$(sa 0xd1000001)" none
x policy add src $HOA/128 dst ::/0 dir in tmpl src $COA dst $HA6 proto esp reqid 5 mode tunnel
expect_eq "its policy names the node: installed" \
    "$(wait_sa 0xd1000001 "in payload ike aes-128-cbc-hmac-sha256")" "in payload ike aes-128-cbc-hmac-sha256"
expect_eq "/dsmip/ike: installs" "$(json_get "$(lab_telemetry /dsmip/ike)" "d['/dsmip/ike']['sas_installed']")" 4
x state flush
expect_eq "a flush in UML: every mirrored SA gone" "$(wait_sa 0xd1000001 none) $(sa 0xc1000011) $(sa 0xc1000002)" \
    "none none none"
lab_ha_stop
finish
