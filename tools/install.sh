#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install dsmip-ha from source, laid out as the Debian package lays it out under PREFIX:
#   sudo tools/install.sh [PREFIX]      (default /usr/local)
# The package is the first way (tools/package.sh, then apt install ./build-pkg/*.deb); this
# is for machines that build from a checkout. meson install puts the binaries in
# PREFIX/sbin, the units in PREFIX/lib/systemd/system (which systemd reads), the man pages,
# the bash completion and the examples; this script adds what the package's maintainer
# scripts do: the dsmip group (read-only telemetry), /etc/dsmip-ha/dsmip-ha.conf (0600, from
# the example, never overwritten) and /etc/default/dsmip-ha.
#
# /etc/dsmip-ha/dsmip-ha.conf   the configuration (dsmip-ha.conf(5))
# /etc/default/dsmip-ha         EAL arguments, hugepages, file prefix, exporter address
# journalctl -u dsmip-ha        the log (rte_log to stderr, into the journal)
# systemctl reload dsmip-ha     SIGHUP: re-read the config
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-/usr/local}
dir=$top/build-install
if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$top" --prefix "$prefix" -Dtests=false >/dev/null
else
    meson configure "$dir" --prefix "$prefix" >/dev/null
fi
ninja -C "$dir" >/dev/null
meson install -C "$dir" --no-rebuild >/dev/null
getent group dsmip >/dev/null || groupadd --system dsmip
install -d /etc/dsmip-ha
install -m 0644 "$top/config/dsmip-ha.conf.example" /etc/dsmip-ha/
[ -e /etc/dsmip-ha/dsmip-ha.conf ] || install -m 0600 "$top/config/dsmip-ha.conf.example" \
    /etc/dsmip-ha/dsmip-ha.conf
[ -e /etc/default/dsmip-ha ] || install -m 0644 "$top/config/systemd/dsmip-ha.default" \
    /etc/default/dsmip-ha
command -v systemctl >/dev/null && systemctl daemon-reload 2>/dev/null || true
echo "installed under $prefix; edit /etc/dsmip-ha/dsmip-ha.conf and /etc/default/dsmip-ha, then:"
echo "  systemctl enable --now dsmip-ha dsmip-exporter"
