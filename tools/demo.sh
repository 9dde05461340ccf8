#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The demo: install, build, bring up the lab namespaces and run the home agent on them.
#   sudo tools/demo.sh           run, print the home agent's state, stop, clean up
#   sudo tools/demo.sh --keep    leave the lab and the home agent running (stop: tools/lab/lab.sh down)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
keep=0
[ "${1:-}" = "--keep" ] && keep=1

"$top/tools/bootstrap.sh"
"$top/tools/build.sh" >/dev/null
. "$top/tools/lab/lab.sh"

if [ $keep -eq 0 ]; then
    trap lab_down EXIT
fi
lab_up
lab_ha_start "$top/config/lab.conf"

echo "== /dsmip/info"
lab_telemetry /dsmip/info | /usr/bin/python3 -m json.tool
echo "== /dsmip/stats"
lab_telemetry /dsmip/stats | /usr/bin/python3 -m json.tool

if [ $keep -eq 1 ]; then
    echo "lab left running; telemetry: dpdk-telemetry.py -f $LAB_PREFIX; stop: $top/tools/lab/lab.sh down"
    trap - EXIT
    exit 0
fi
lab_ha_stop
echo "home agent exit status $LAB_HA_EXIT after SIGTERM (${LAB_HA_STOP_MS} ms)"
