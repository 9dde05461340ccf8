#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The demo: install, build, bring up the lab and run the home agent's main job on it: a
# Linux mobile node (User-Mode Linux) behind a NAT registers over UDP 4191 and talks to a
# correspondent on the home link through its kernel tunnels; then bindings and counters.
#   sudo tools/demo.sh           run, print, stop, clean up
#   sudo tools/demo.sh --keep    leave everything running (stop: tools/lab/lab.sh down)
#   sudo tools/demo.sh --pmd virtio
#                                the home agent as a VNF: virtio_user ports on an OVS-DPDK
#                                switch (vhost-user) instead of net_af_packet on the veths
# The first run builds the UML kernel (about 6 minutes on 2 cores; cached afterwards).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
keep=0 pmd=af_packet
while [ $# -gt 0 ]; do
    case $1 in
    --keep) keep=1 ;;
    --pmd) pmd=${2:-}; shift ;;
    *) echo "usage: $0 [--keep] [--pmd af_packet|virtio]" >&2; exit 2 ;;
    esac
    shift
done

"$top/tools/bootstrap.sh"
"$top/tools/build.sh" >/dev/null
. "$top/tools/lab/lab.sh"
LAB_PMD=$pmd
LAB_MN=$(lab_mn_mode)
# the UML kernel (only when the host kernel cannot be the mobile node): built once, cached
[ "$LAB_MN" = netns ] || "$top/tools/lab/uml-build.sh" >/dev/null

if [ $keep -eq 0 ]; then
    trap lab_down EXIT
fi
say() { printf '\n== %s\n' "$*"; }
show() { lab_telemetry "$1" | /usr/bin/python3 -m json.tool; }

lab_up
lab_ha_start "$top/config/lab.conf"
mn_start
say "home agent (ports: $LAB_PMD)"
show /dsmip/info

say "mobile node 2001:db8:1::100 / 192.0.2.100 behind the NAT (100.64.0.2) registers"
mn_run "$top/tools/lab/mn_setup.sh base >/dev/null; $top/tools/lab/mn_setup.sh nat"
mn_run "/usr/bin/python3 $top/tools/lab/mn_bu.py --iface vec1 --gw 100.64.0.1 --path v4 \
    --hoa 2001:db8:1::100 --coa 100.64.0.2 --v4coa 100.64.0.2 --v4hoa 192.0.2.100/32 --seq 1" |
    /usr/bin/python3 -c 'import json,sys; print("BA:", json.dumps(json.load(sys.stdin)))'

say "traffic through the tunnel (UDP 4191 through the NAT), both ways, both families"
mn_run "ping -6 -c 3 -i 0.2 -I 2001:db8:1::100 2001:db8:1::10" | tail -n 2
mn_run "ping -c 3 -i 0.2 -I 192.0.2.100 192.0.2.10" | tail -n 2
ns_exec dsmip-cn ping -6 -c 3 -i 0.2 2001:db8:1::100 | tail -n 2
ns_exec dsmip-cn ping -c 3 -i 0.2 192.0.2.100 | tail -n 2

say "bindings"
show /dsmip/bindings
say "counters"
show /dsmip/stats
say "audit log"
grep 'ha.cp: binding' "$LAB_DIR/ha.log" || true

if [ $keep -eq 1 ]; then
    echo "lab left running; telemetry: dpdk-telemetry.py -f $LAB_PREFIX; stop: $top/tools/lab/lab.sh down"
    trap - EXIT
    exit 0
fi
lab_ha_stop
echo "home agent exit status $LAB_HA_EXIT after SIGTERM (${LAB_HA_STOP_MS} ms)"
