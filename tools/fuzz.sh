#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the libFuzzer targets with clang (address + undefined sanitizers) and run each for a
# bounded time from the seed corpus. Fails on any crash, leak or sanitizer report.
#   tools/fuzz.sh [SECONDS]     default 60 per target
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
dir=$top/build-fuzz
if [ ! -f "$dir/build.ninja" ]; then
    CC=clang meson setup "$dir" "$top" -Dfuzz=true -Dtests=false -Dbuildtype=debugoptimized \
        -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$dir" >/dev/null
work=$(mktemp -d /tmp/dsmip-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
for t in mh pkt; do
    mkdir -p "$work/$t" "$work/artifacts"
    echo "== fuzz_$t for ${secs}s"
    # new inputs go to the scratch corpus; the committed seeds are only read
    "$dir/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
        "$work/$t" "$top/tests/fuzz/corpus/$t" 2>"$work/$t.log" || {
        tail -n 60 "$work/$t.log"; echo "fuzz_$t FAILED"; exit 1; }
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$t.log" | sed "s/^/fuzz_$t /"
    grep -E "cov: .* ft:" "$work/$t.log" | tail -n 1 | sed "s/^/fuzz_$t /"
done
