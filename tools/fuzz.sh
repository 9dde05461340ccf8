#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the libFuzzer targets with clang (address + undefined sanitizers) and run them.
#   tools/fuzz.sh [SECONDS]          each target in turn for SECONDS (default 60) from the
#                                    committed seeds, scratch corpus (tools/test.sh, CI)
#   tools/fuzz.sh --campaign HOURS   every target at once for HOURS, with a persistent corpus
#                                    in $FUZZ_DIR (default /var/tmp/dsmip-fuzz) that the next
#                                    campaign starts from; prints executions and coverage
#   FUZZ_TARGETS="cp"                only these targets (default: mh pkt cp xfrm)
# Fails on any crash, leak, sanitizer report or broken invariant (artifacts kept and named).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
targets=${FUZZ_TARGETS:-mh pkt cp xfrm}
dir=$top/build-fuzz
if [ ! -f "$dir/build.ninja" ]; then
    CC=clang meson setup "$dir" "$top" -Dfuzz=true -Dtests=false -Dbuildtype=debugoptimized \
        -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$dir" >/dev/null
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1

# The options of target t: its dictionary, if it has one (fuzz_cp: whole operations).
opts() {
    local d=$top/tests/fuzz/fuzz_$1.dict
    [ -f "$d" ] && printf -- '-dict=%s -entropic=0' "$d"
    return 0
}

# One line per target from its log: executions, coverage, features, corpus.
report() {
    local t=$1 log=$2
    local execs cov
    execs=$(grep -E "stat::number_of_executed_units" "$log" | awk '{print $2}' | tail -n 1)
    cov=$(grep -E "(DONE|pulse|NEW|REDUCE) +cov: " "$log" | tail -n 1 |
          sed -E 's/.*cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+).*exec\/s: ([0-9]+).*/cov \1 ft \2 corpus \3 exec\/s \4/')
    echo "fuzz_$t executions ${execs:-?} ${cov:-}"
}

if [ "${1:-}" = "--campaign" ]; then
    hours=${2:?--campaign HOURS}
    secs=$(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')
    base=${FUZZ_DIR:-/var/tmp/dsmip-fuzz}
    mkdir -p "$base/artifacts"
    pids=""
    for t in $targets; do
        mkdir -p "$base/$t"
        echo "== fuzz_$t for ${hours} h, corpus $base/$t"
        # shellcheck disable=SC2046
        "$dir/tests/fuzz/fuzz_$t" $(opts "$t") -max_total_time="$secs" -timeout=10 \
            -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$base/artifacts/${t}-" \
            "$base/$t" "$top/tests/fuzz/corpus/$t" >"$base/$t.log" 2>&1 &
        pids="$pids $!"
    done
    rc=0
    for p in $pids; do wait "$p" || rc=1; done
    for t in $targets; do report "$t" "$base/$t.log"; done
    if [ $rc -ne 0 ]; then
        ls -l "$base/artifacts"
        echo "campaign FAILED: see $base/*.log and the artifacts above"
        exit 1
    fi
    echo "campaign passed: no crash, leak, sanitizer report or broken invariant"
    exit 0
fi

secs=${1:-60}
work=$(mktemp -d /tmp/dsmip-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
for t in $targets; do
    mkdir -p "$work/$t" "$work/artifacts"
    echo "== fuzz_$t for ${secs}s"
    # new inputs go to the scratch corpus; the committed seeds are only read
    # shellcheck disable=SC2046
    "$dir/tests/fuzz/fuzz_$t" $(opts "$t") -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
        "$work/$t" "$top/tests/fuzz/corpus/$t" 2>"$work/$t.log" || {
        tail -n 60 "$work/$t.log"; echo "fuzz_$t FAILED"; exit 1; }
    report "$t" "$work/$t.log"
done
