#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The test command: install what is missing, build with -Werror, run every test suite, then
# run the unit and EAL tiers again under AddressSanitizer + UBSan.
#   tools/test.sh            everything (needs root for the lab suites)
#   tools/test.sh --quick    skip the sanitizer build and the fuzzers
# FUZZ_SECONDS (default 60) bounds each libFuzzer target.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
quick=0
[ "${1:-}" = "--quick" ] && quick=1

"$top/tools/bootstrap.sh"

echo "== build (-Werror)"
BUILD_DIR=$top/build-test "$top/tools/build.sh" -Dwerror=true -Dbuildtype=debugoptimized
# the lab's mobile node: a UML kernel unless this host's kernel has the tunnels (about 6
# minutes on 2 cores the first time, then cached); built here, not inside a test's timeout
mode=$(. "$top/tools/lab/lab.sh"; lab_mn_mode)
echo "== lab mobile node: $mode"
[ "$mode" = netns ] || "$top/tools/lab/uml-build.sh" >/dev/null
echo "== tests"
LAB_MN=$mode \
meson test -C "$top/build-test" --print-errorlogs --num-processes 2

if [ $quick -eq 0 ]; then
    echo "== sanitizer build (address, undefined)"
    BUILD_DIR=$top/build-asan "$top/tools/build.sh" -Dwerror=true -Dbuildtype=debug \
        -Db_sanitize=address,undefined -Db_lundef=false
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        meson test -C "$top/build-asan" --print-errorlogs --suite unit --suite eal --num-processes 2
fi
if [ $quick -eq 0 ]; then
    echo "== fuzzers (${FUZZ_SECONDS:-60}s each)"
    "$top/tools/fuzz.sh" "${FUZZ_SECONDS:-60}"
fi
echo "== benchmark, quick: every path forwards and prints its line (no thresholds)"
BUILD="$top/build-test" "$top/tools/bench" --quick
echo "== benchmark, quick, with a mobile router's prefixes registered (--nemo)"
BUILD="$top/build-test" "$top/tools/bench" --quick --nemo --paths "route6 decap6in6"
echo "== wire micro-benchmark (numbers only, no thresholds)"
"$top/build-test/tools/wire-bench" 1000000
echo "== all tests passed"
