#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The home link's protocol with real peers (issue 18, first part): the home agent sends
# Router Advertisements from its home port (periodic and on a Router Solicitation), which
# tshark decodes field by field; another home agent's RA on the home link (scapy) joins the
# home agents list; a DHAAD Request to the home-agents anycast address, sent from the
# internet router's namespace as a mobile node away from home would, is answered with both
# home agents, the preferred first; a registered node's Mobile Prefix Solicitation is
# answered through a type 2 routing header, an unregistered one's is not; telemetry counts
# all of it.
set -u
. "$(dirname "$0")/lib.sh"
LAB_PREFIX=ha_hl_test_$$ LAB_DIR=/tmp/dsmip-lab-hl-$$ LAB_BUILD=$BUILD
. "$TOP/tools/lab/lab.sh"
. "$(dirname "$0")/lab_lib.sh"
trap 'cap_stop_all; lab_down; rm -rf "$LAB_DIR"' EXIT
HL="/usr/bin/python3 $TOP/tools/lab/home_link.py"
ANYCAST=2001:db8:1:0:fdff:ffff:ffff:fffe

lab_up || { fail "lab"; finish; }
conf=$LAB_DIR/home-link.conf
cat "$TOP/config/lab.conf" - >"$conf" <<'CONF'
home_link = { advertise = true; interval_ms = 5000; ha_preference = 7; ha_lifetime = 600; };
CONF
cap_start home dsmip-cn cn-home
lab_ha_start "$conf" || { fail "HA did not start"; finish; }
# the first RA goes at once, the next 3.75-5 s later; an RS 2 s in brings one forward (no
# sooner than 2.5 s after the last: half the interval)
sleep 2

# --- a solicitation (from ::, as a host without an address sends it), another home agent
ns_exec dsmip-cn $HL rs cn-home
ns_exec dsmip-cn $HL ra cn-home 2001:db8:1::99 20 60
sleep 1

# --- DHAAD from away: the internet router's address as the requester's care-of address
rep=$(ns_exec dsmip-inet $HL dhaad inet-ha 2001:db8:a::fe $ANYCAST 0x4242)
expect_eq "dhaad: reply id" "$(json_get "$rep" 'd.get("id")')" 16962
expect_eq "dhaad: from the home agent's address" "$(json_get "$rep" 'd.get("src")')" 2001:db8:1::1
expect_eq "dhaad: both home agents, preference 20 before 7" \
    "$(json_get "$rep" '" ".join(d.get("addresses", []))')" "2001:db8:1::99 2001:db8:1::1"
# --- Mobile Prefix Discovery: a node registered from the internet router's address (lab.conf
# has policy.require_ipsec = false: the home agent answers only unprotected solicitations then)
bu=$(ns_exec dsmip-inet /usr/bin/python3 "$TOP/tools/lab/mn_bu.py" --iface inet-ha \
    --gw 2001:db8:a::1 --path v6 --hoa 2001:db8:1::100 --coa 2001:db8:a::fe --seq 1)
expect_eq "mpd: registered" "$(json_get "$bu" 'd.get("status")')" 0
mpa=$(ns_exec dsmip-inet $HL mps inet-ha 2001:db8:a::fe 2001:db8:1::100 2001:db8:1::1 0x77)
expect_eq "mpd: MPA id, to the care-of address, RH2 with the home address" \
    "$(json_get "$mpa" 'd.get("id"), d.get("dst"), d.get("rh2")')" \
    "119 2001:db8:a::fe ['2001:db8:1::100']"
expect_eq "mpd: the home prefix (R: the home agent's address; L, A)" \
    "$(json_get "$mpa" 'd.get("prefixes")')" "[['2001:db8:1::1', 64, 'LAR']]"
mpa=$(ns_exec dsmip-inet $HL mps inet-ha 2001:db8:a::fe 2001:db8:1::200 2001:db8:1::1 0x78)
expect_eq "mpd: no answer to a node without a binding from there" "$mpa" "{}"

sleep 3                               # at least one periodic RA after the solicited one
cap_stop home

# --- telemetry
hl=$(lab_telemetry /dsmip/home_link)
n_ra=$(json_get "$hl" 'd["/dsmip/home_link"]["ra_sent"]')
[ "$n_ra" -ge 3 ] && pass "telemetry: $n_ra RAs sent" || fail "telemetry: $n_ra RAs sent, want >= 3"
[ "$(json_get "$hl" 'd["/dsmip/home_link"]["rs_received"]')" -ge 1 ] &&
    pass "telemetry: RS received" || fail "telemetry: no RS received"
expect_eq "telemetry: other home agent's RA" "$(json_get "$hl" 'd["/dsmip/home_link"]["ra_received"]')" 1
expect_eq "telemetry: DHAAD requests" "$(json_get "$hl" 'd["/dsmip/home_link"]["dhaad_requests"]')" 1
expect_eq "telemetry: DHAAD replies" "$(json_get "$hl" 'd["/dsmip/home_link"]["dhaad_replies"]')" 1
expect_eq "telemetry: MPS, MPA, unbound" \
    "$(json_get "$hl" 'd["/dsmip/home_link"]["mps_received"], d["/dsmip/home_link"]["mpa_sent"], d["/dsmip/home_link"]["mps_unbound"]')" \
    "2 1 1"
expect_eq "telemetry: the list" \
    "$(json_get "$hl" 'd["/dsmip/home_link"]["list"]["1"]["address"], d["/dsmip/home_link"]["list"]["1"]["preference"]')" \
    "2001:db8:1::99 20"
out=$("$BUILD/tools/dsmip-ctl" --file-prefix "$LAB_PREFIX" home_link 2>&1)
expect_contains "dsmip-ctl home_link" "$out" "list.1.address"

# --- tshark: the home agent's RAs on the home link (preference 7), field by field
ras=$(tshark -r "$LAB_DIR/home.pcap" -Y 'icmpv6.type == 134 && icmpv6.opt.home_agent_preference == 7' \
    -T fields -E separator='|' -E occurrence=l -e ipv6.dst -e ipv6.hlim \
    -e icmpv6.nd.ra.flag.h -e icmpv6.nd.ra.router_lifetime -e icmpv6.opt.prefix.flag.r \
    -e icmpv6.opt.prefix.flag.a -e icmpv6.opt.prefix -e icmpv6.opt.advertisement_interval \
    -e icmpv6.opt.home_agent_preference -e icmpv6.opt.home_agent_lifetime -e icmpv6.opt.mtu \
    -e _ws.malformed 2>/dev/null)
n=$(printf '%s\n' "$ras" | grep -c .)
[ "$n" -ge 3 ] && pass "tshark: $n RAs from the home agent" || fail "tshark: $n RAs, want >= 3"
expect_eq "tshark: RA fields (dst hlim H lifetime R A prefix interval pref halife mtu malformed)" \
    "$(printf '%s\n' "$ras" | sort -u)" "ff02::1|255|1|1800|1|0|2001:db8:1::1|5000|7|600|1500|"
# the solicited RA: within 0.6 s of the RS from :: (a periodic one would come 1.75 s later)
gap=$(tshark -r "$LAB_DIR/home.pcap" -Y '(icmpv6.type == 133 && ipv6.src == ::) || (icmpv6.type == 134 && icmpv6.opt.home_agent_preference == 7)' \
    -T fields -e frame.time_relative -e icmpv6.type 2>/dev/null |
    awk '$2 == 133 { rs = $1 } $2 == 134 && rs != "" { print $1 - rs; exit }')
awk -v g="${gap:-9}" 'BEGIN { exit !(g < 0.6) }' && pass "an RA answers the RS (${gap}s)" ||
    fail "no RA within 0.6 s of the RS (${gap:-none})"
finish
