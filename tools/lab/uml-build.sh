#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the User-Mode Linux peer from Debian's linux-source-6.1 with tools/lab/uml.config,
# once, into a cache outside the work tree. Prints the kernel's path.
#   DSMIP_UML_CACHE (default /var/cache/dsmip-uml)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${DSMIP_UML_CACHE:-/var/cache/dsmip-uml}
frag=$top/tools/lab/uml.config
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || { echo "uml-build: linux-source-6.1 missing: run tools/bootstrap.sh" >&2; exit 1; }
stamp=$( (sha256sum "$frag" "$tarball" | cut -c1-64; uname -m) | sha256sum | cut -c1-16)
out=$cache/linux-$stamp
if [ -x "$out" ]; then
    echo "$out"
    exit 0
fi
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
[ -x "$out" ] && { echo "$out"; exit 0; }
src=$cache/src
rm -rf "$src"
mkdir -p "$src"
echo "uml-build: extracting $tarball" >&2
tar -xf "$tarball" -C "$src" --strip-components=1
cd "$src"
make ARCH=um defconfig >/dev/null
grep '^CONFIG_' "$frag" | while IFS='=' read -r k v; do
    ./scripts/config --set-val "${k#CONFIG_}" "$v"
done
make ARCH=um olddefconfig >/dev/null
missing=0
while IFS='=' read -r k v; do
    grep -qx "$k=$v" .config || { echo "uml-build: $k not set" >&2; missing=1; }
done < <(grep '^CONFIG_' "$frag")
[ $missing -eq 0 ] || exit 1
echo "uml-build: building ARCH=um linux with $(nproc) jobs" >&2
make ARCH=um -j"$(nproc)" linux >"$cache/build.log" 2>&1 || { tail -n 40 "$cache/build.log" >&2; exit 1; }
cp linux "$out"
cd /
rm -rf "$src"
echo "$out"
