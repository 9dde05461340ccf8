#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install dsmip-ha as a service: the binaries to /usr/local/bin, the systemd units, and the
# /etc layout (the example config, /etc/default/dsmip-ha), without overwriting what exists.
#   sudo tools/install.sh [PREFIX]      (default /usr/local)
#
# /etc/dsmip-ha/dsmip-ha.conf   the configuration (reference: dsmip-ha.conf.example)
# /etc/default/dsmip-ha         EAL arguments, hugepages, file prefix
# journalctl -u dsmip-ha        the log (rte_log to stderr, into the journal)
# systemctl reload dsmip-ha     SIGHUP: re-read the config
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-/usr/local}
"$top/tools/build.sh" >/dev/null
install -d "$prefix/bin" "$prefix/share/doc/dsmip-ha" /etc/dsmip-ha
install -m 0755 "$top/build/controlplane/dsmip-ha" "$top/build/tools/dsmip-ctl" \
    "$top/build/tools/dsmip-xfrm-relay" "$top/tools/dsmip-notify" "$prefix/bin/"
install -m 0644 "$top/README.md" "$prefix/share/doc/dsmip-ha/"
install -m 0644 "$top/config/dsmip-ha.conf.example" /etc/dsmip-ha/
# a pair: keepalived's side (copy to /etc/keepalived/keepalived.conf and edit)
install -m 0644 "$top/config/keepalived/keepalived.conf.example" \
    "$prefix/share/doc/dsmip-ha/keepalived.conf.example"
[ -e /etc/dsmip-ha/dsmip-ha.conf ] || install -m 0600 "$top/config/dsmip-ha.conf.example" \
    /etc/dsmip-ha/dsmip-ha.conf
[ -e /etc/default/dsmip-ha ] || install -m 0644 "$top/config/systemd/dsmip-ha.default" \
    /etc/default/dsmip-ha
if [ -d /etc/systemd/system ]; then
    install -m 0644 "$top/config/systemd/dsmip-ha.service" \
        "$top/config/systemd/dsmip-exporter.service" /etc/systemd/system/
    command -v systemctl >/dev/null && systemctl daemon-reload 2>/dev/null || true
fi
echo "installed; edit /etc/dsmip-ha/dsmip-ha.conf and /etc/default/dsmip-ha, then:"
echo "  systemctl enable --now dsmip-ha dsmip-exporter"
