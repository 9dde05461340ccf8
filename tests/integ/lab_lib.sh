# SPDX-License-Identifier: BSD-3-Clause
# Helpers of the lab scenario tests (sourced after lib.sh and tools/lab/lab.sh): captures,
# the mobile node, pings both ways, telemetry counters.
MNT=$TOP/tools/lab
HOA6=2001:db8:1::100
HOA4=192.0.2.100
CN6=2001:db8:1::10
CN4=192.0.2.10
CAPS=""

cap_start() {   # NAME NS IFACE
    local f=$LAB_DIR/$1.pcap i
    ip netns exec "$2" tshark -q -i "$3" -w "$f" >/dev/null 2>&1 &
    echo $! >"$LAB_DIR/$1.cap"
    CAPS="$CAPS $1"
    for i in $(seq 1 150); do [ -s "$f" ] && return 0; sleep 0.1; done
    fail "capture $1 did not start"
}

cap_stop() {
    local pid
    [ -f "$LAB_DIR/$1.cap" ] || return 0
    pid=$(cat "$LAB_DIR/$1.cap")
    rm -f "$LAB_DIR/$1.cap"
    kill -INT "$pid" 2>/dev/null
    timeout 5 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null
}

cap_stop_all() {
    local c
    for c in $CAPS; do cap_stop "$c"; done
}

mn() { mn_run "$@"; }
mn_setup() {
    mn "HOA6=${MN_HOA6:-$HOA6} HOA4=${MN_HOA4-$HOA4} $MNT/mn_setup.sh $*" >/dev/null ||
        fail "mobile node setup: $*"
}

# mn_bu NAME ARGS...: one BU from the mobile node; its BA as JSON in $BA
mn_bu() {
    local name=$1; shift
    BA=$(mn "/usr/bin/python3 $MNT/mn_bu.py $*")
    expect_contains "$name: BA received" "$BA" '"status"'
}

ba() { json_get "$BA" "$1"; }

ping_ok() {   # WHAT NS-or-mn ARGS...
    local what=$1 where=$2 out; shift 2
    if [ "$where" = mn ]; then out=$(mn "ping $*"); else out=$(ns_exec "$where" ping "$@"); fi
    if printf '%s' "$out" | grep -qE ' 0% packet loss'; then pass "$what"; else
        fail "$what: $(printf '%s' "$out" | tail -n 2 | tr '\n' ' ')"
        echo "   home agent drops: $(ha_drops)" >&2
    fi
}

# the home agent's non-zero drop counters, for a failure message
ha_drops() {
    json_get "$(lab_telemetry /dsmip/stats)" \
        "{k: v for k, v in d['/dsmip/stats']['drops'].items() if v}"
}

ping_fails() {
    local what=$1 where=$2 out; shift 2
    out=$(ns_exec "$where" ping "$@")
    if printf '%s' "$out" | grep -qE ' 100% packet loss'; then pass "$what"; else
        fail "$what: $(printf '%s' "$out" | tail -n 2 | tr '\n' ' ')"; fi
}

both_ways() {   # LABEL: both families, both directions
    ping_ok "$1: MN -> CN IPv6" mn -6 -c 3 -i 0.2 -W 2 -I "${MN_HOA6:-$HOA6}" $CN6
    ping_ok "$1: CN -> MN IPv6" dsmip-cn -6 -c 3 -i 0.2 -W 2 "${MN_HOA6:-$HOA6}"
    if [ -n "${MN_HOA4-$HOA4}" ]; then
        ping_ok "$1: MN -> CN IPv4" mn -c 3 -i 0.2 -W 2 -I "${MN_HOA4-$HOA4}" $CN4
        ping_ok "$1: CN -> MN IPv4" dsmip-cn -c 3 -i 0.2 -W 2 "${MN_HOA4-$HOA4}"
    fi
}

stat_of() {   # drops|events NAME
    json_get "$(lab_telemetry /dsmip/stats)" "d['/dsmip/stats']['$1']['$2']"
}

