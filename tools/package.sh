#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the Debian package from this tree and check it with lintian:
#   tools/package.sh [OUTDIR]        (default build-pkg/)
# leaves OUTDIR/dsmip-ha_<version>_amd64.deb (and the .changes, .buildinfo). The build runs
# in a copy of the tree's files (git's view: tracked and untracked, not ignored), so neither
# the tree nor its build directories are touched. Exit 1 when the build fails or lintian
# finds an error (its warnings are printed).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$top/build-pkg}")
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
work=$(mktemp -d /tmp/dsmip-pkg.XXXXXX)
trap 'rm -rf "$work"' EXIT

src="$work/dsmip-ha-$version"
mkdir -p "$src" "$out"
(cd "$top" && git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) | tar -xf - -C "$src"
(cd "$src" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) || {
    tail -40 "$work/build.log" >&2
    echo "package: dpkg-buildpackage failed (log above)" >&2
    exit 1
}
rm -f "$out"/dsmip-ha_*
mv "$work"/dsmip-ha_"$version"_* "$work"/dsmip-ha-dbgsym_"$version"_* "$out/" 2>/dev/null || true
deb="$out/dsmip-ha_${version}_amd64.deb"
[ -f "$deb" ] || { echo "package: $deb was not produced" >&2; exit 1; }
echo "package: $deb"
rc=0
lint=$(lintian --fail-on error --tag-display-limit 0 "$deb" 2>&1) || rc=$?
printf '%s\n' "$lint" | grep -v -e "^running with root privileges" -e '^$' || true
if [ $rc -ne 0 ]; then
    echo "package: lintian found errors (exit $rc)" >&2
    exit 1
fi
echo "package: lintian: no errors"
