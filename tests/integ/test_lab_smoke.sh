#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The lab: the HA on net_af_packet in namespaces; info shows the lab ports; clean stop, no leaks.
set -u
. "$(dirname "$0")/lib.sh"
LAB_PREFIX=ha_lab_test_$$ LAB_DIR=/tmp/dsmip-lab-test-$$ LAB_BUILD=$BUILD
. "$TOP/tools/lab/lab.sh"
trap 'lab_down; rm -rf "$LAB_DIR"' EXIT

lab_up
lab_ha_start "$TOP/config/lab.conf" || { fail "HA did not start"; finish; }
info=$(lab_telemetry /dsmip/info)
for p in access home; do
    expect_eq "$p driver" "$(json_get "$info" "d['/dsmip/info']['ports']['$p']['driver']")" net_af_packet
    expect_eq "$p link" "$(json_get "$info" "d['/dsmip/info']['ports']['$p']['link']")" up
done
expect_eq "access addr" "$(json_get "$info" "d['/dsmip/info']['ports']['access']['ipv4']")" 198.51.100.1/24
expect_eq "mobile nodes" "$(json_get "$info" "d['/dsmip/info']['home_agent']['mobile_nodes']")" 2

# Frames sent by a kernel peer reach the worker through AF_PACKET.
ns_exec dsmip-cn ping -c 2 -i 0.2 -W 1 192.0.2.1 >/dev/null 2>&1
stats=$(lab_telemetry /dsmip/stats)
rx=$(json_get "$stats" "d['/dsmip/stats']['ports']['home']['rx_packets']")
if [ "$rx" -gt 0 ]; then pass "home port received $rx frames"; else fail "home port rx $rx"; fi

pid=$(cat "$LAB_DIR/ha.pid")
lab_ha_stop
expect_eq "exit status after SIGTERM" "$LAB_HA_EXIT" 0
if [ "$LAB_HA_STOP_MS" -lt 1000 ]; then pass "stopped in $LAB_HA_STOP_MS ms"; else fail "stop took $LAB_HA_STOP_MS ms"; fi
lab_down
left=$(ip netns list | grep -c '^dsmip-' || true)
expect_eq "namespaces left" "$left" 0
if kill -0 "$pid" 2>/dev/null; then fail "HA pid $pid still alive"; else pass "no HA process left"; fi
finish
