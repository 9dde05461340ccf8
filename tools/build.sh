#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Configure (once) and build into BUILD_DIR (default build/) with extra meson options.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${BUILD_DIR:-$top/build}
if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$top" "$@"
elif [ $# -gt 0 ]; then
    meson configure "$dir" "$@"
fi
ninja -C "$dir"
