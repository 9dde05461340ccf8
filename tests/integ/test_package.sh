#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The Debian package: tools/package.sh builds it (lintian: no errors); its file list is what
# an installation needs; dpkg -i installs it (the dsmip group, /etc with the config 0600,
# units installed but not enabled); the installed binaries answer; a member of the dsmip
# group reads a running home agent's telemetry while others cannot, and nobody but root
# reaches the control socket; dpkg -r leaves only the conffiles, dpkg --purge nothing.
# Root only (it installs into this machine and removes what it installed).
set -u
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
OUT=$BUILD/pkg
PREFIX=ha_pkg_$$
RUNDIR=/var/run/dpdk
# the test runs the installed home agent, which opens /var/run/dpdk to the dsmip group:
# that directory's owner and mode are put back at the end
rundir_was=$(stat -c '%u:%g %a' "$RUNDIR" 2>/dev/null || true)
pid=
cleanup() {
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    rm -rf "$RUNDIR/$PREFIX"
    dpkg --purge dsmip-ha >/dev/null 2>&1
    if [ -n "$rundir_was" ]; then
        chown "${rundir_was% *}" "$RUNDIR"
        chmod "${rundir_was#* }" "$RUNDIR"
    fi
}
trap cleanup EXIT

"$TOP/tools/package.sh" "$OUT" || { fail "tools/package.sh (build or lintian)"; finish; }
deb=$(ls "$OUT"/dsmip-ha_*_amd64.deb)
pass "built $(basename "$deb")"

# --- the file list: exactly these files (directories aside)
want="/etc/default/dsmip-ha
/etc/dsmip-ha/dsmip-ha.conf
/etc/dsmip-ha/dsmip-ha.conf.example
/lib/systemd/system/dsmip-exporter.service
/lib/systemd/system/dsmip-ha.service
/usr/sbin/dsmip-ctl
/usr/sbin/dsmip-ha
/usr/sbin/dsmip-notify
/usr/sbin/dsmip-xfrm-relay
/usr/share/bash-completion/completions/dsmip-ctl
/usr/share/doc/dsmip-ha/README.md.gz
/usr/share/doc/dsmip-ha/changelog.gz
/usr/share/doc/dsmip-ha/copyright
/usr/share/doc/dsmip-ha/dsmip-ha.conf.example.gz
/usr/share/doc/dsmip-ha/keepalived.conf.example
/usr/share/doc/dsmip-ha/swanctl-dsmip-ha-eap.conf
/usr/share/doc/dsmip-ha/swanctl-dsmip-ha.conf
/usr/share/doc/dsmip-ha/swanctl-mobile-node-eap.conf
/usr/share/doc/dsmip-ha/swanctl-mobile-node.conf
/usr/share/lintian/overrides/dsmip-ha
/usr/share/man/man5/dsmip-ha.conf.5.gz
/usr/share/man/man8/dsmip-ctl.8.gz
/usr/share/man/man8/dsmip-ha.8.gz
/usr/share/man/man8/dsmip-notify.8.gz
/usr/share/man/man8/dsmip-xfrm-relay.8.gz"
files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | sort)
expect_eq "file list" "$files" "$want"
expect_contains "config 0600" "$(dpkg-deb -c "$deb" | grep ' ./etc/dsmip-ha/dsmip-ha.conf$')" \
    "-rw------- root/root"
expect_eq "conffiles" "$(dpkg-deb -f "$deb" Package >/dev/null; dpkg-deb --ctrl-tarfile "$deb" |
    tar -xOf - ./conffiles | sort)" "/etc/default/dsmip-ha
/etc/dsmip-ha/dsmip-ha.conf
/etc/dsmip-ha/dsmip-ha.conf.example"

# --- install
dpkg --purge dsmip-ha >/dev/null 2>&1
out=$(dpkg -i "$deb" 2>&1); rc=$?
expect_eq "dpkg -i exit" "$rc" 0
[ $rc -eq 0 ] || { echo "$out" >&2; finish; }
expect_eq "status" "$(dpkg-query -W -f '${db:Status-Abbrev}' dsmip-ha)" "ii "
gid=$(getent group dsmip | cut -d: -f3)
[ -n "$gid" ] && pass "group dsmip ($gid)" || fail "no dsmip group after postinst"
expect_eq "config owner and mode" "$(stat -c '%U:%G %a' /etc/dsmip-ha/dsmip-ha.conf)" "root:root 600"
out=$(/usr/sbin/dsmip-ha --check-config /etc/dsmip-ha/dsmip-ha.conf.example 2>&1); rc=$?
expect_eq "dsmip-ha --check-config exit" "$rc" 0
expect_contains "dsmip-ha --check-config text" "$out" "OK (2 ports"
out=$(/usr/sbin/dsmip-ha --check-config /etc/dsmip-ha/dsmip-ha.conf 2>&1); rc=$?
expect_eq "the shipped config passes the unit's ExecStartPre" "$rc" 0
out=$(/usr/sbin/dsmip-ctl --help); rc=$?
expect_eq "dsmip-ctl --help exit" "$rc" 0
expect_contains "dsmip-ctl --help text" "$out" "serve-metrics"
expect_contains "man dsmip-ha.conf(5)" "$(man -w 5 dsmip-ha.conf 2>&1)" \
    /usr/share/man/man5/dsmip-ha.conf.5.gz
expect_contains "man page renders" "$(MANWIDTH=80 man 5 dsmip-ha.conf 2>/dev/null)" \
    "home_agent.address6 (string, required)"
expect_contains "unit names the installed binary" "$(cat /lib/systemd/system/dsmip-ha.service)" \
    "ExecStart=/usr/sbin/dsmip-ha \$DSMIP_EAL_ARGS"
[ ! -e /etc/systemd/system/multi-user.target.wants/dsmip-ha.service ] &&
    pass "dsmip-ha.service not enabled by the installation" ||
    fail "dsmip-ha.service was enabled by the installation"
# bash completion: commands, then node ids (none here: no home agent answers)
comp=$(bash -c '. /usr/share/bash-completion/completions/dsmip-ctl
    COMP_WORDS=(dsmip-ctl fl); COMP_CWORD=1; _dsmip_ctl; echo "${COMPREPLY[*]}"
    COMP_WORDS=(dsmip-ctl role s); COMP_CWORD=2; _dsmip_ctl; echo "${COMPREPLY[*]}"
    COMP_WORDS=(dsmip-ctl --j); COMP_CWORD=1; _dsmip_ctl; echo "${COMPREPLY[*]}"')
expect_eq "bash completion" "$comp" "flush
standby
--json"

# --- the dsmip group reads telemetry of the installed home agent; others do not
log=$(mktemp)
/usr/sbin/dsmip-ha -l 0-1 --no-huge -m 512 --no-pci --file-prefix "$PREFIX" -- \
    -c "$TOP/tests/configs/null.conf" --state "" >"$log" 2>&1 &
pid=$!
for i in $(seq 1 100); do
    grep -q "running:" "$log" && break
    sleep 0.1
done
expect_contains "home agent log" "$(cat "$log")" "telemetry readable by group dsmip"
expect_eq "telemetry socket" "$(stat -c '%U:%G %a' "$RUNDIR/$PREFIX/dpdk_telemetry.v2")" \
    "root:dsmip 660"
expect_eq "control socket stays root's" "$(stat -c '%U:%G %a' "$RUNDIR/$PREFIX/dsmip-ctl.sock")" \
    "root:root 600"
as_member="setpriv --reuid=65534 --regid=65534 --groups=$gid"
as_other="setpriv --reuid=65534 --regid=65534 --clear-groups"
out=$($as_member /usr/sbin/dsmip-ctl --file-prefix "$PREFIX" info 2>&1); rc=$?
expect_eq "dsmip member: info exit" "$rc" 0
expect_contains "dsmip member: info text" "$out" "binding_cache.capacity"
out=$($as_member /usr/sbin/dsmip-ctl --file-prefix "$PREFIX" metrics 2>&1); rc=$?
expect_contains "dsmip member: metrics" "$out" "dsmip_up 1"
out=$($as_member /usr/sbin/dsmip-ctl --file-prefix "$PREFIX" flush all 2>&1); rc=$?
expect_eq "dsmip member: control socket refused" "$rc" 1
expect_contains "dsmip member: why" "$out" "Permission denied"
out=$($as_other /usr/sbin/dsmip-ctl --file-prefix "$PREFIX" info 2>&1); rc=$?
expect_eq "not a member: info refused" "$rc" 1
expect_contains "not a member: why" "$out" "Permission denied"
kill -TERM "$pid"
wait "$pid"; rc=$?
pid=
expect_eq "installed home agent: clean stop" "$rc" 0
rm -f "$log"

# --- remove: only the conffiles stay; purge: nothing
dpkg -r dsmip-ha >/dev/null 2>&1
expect_eq "status after remove" "$(dpkg-query -W -f '${db:Status-Abbrev}' dsmip-ha)" "rc "
left=$(for f in $want; do [ -e "$f" ] && echo "$f"; done)
expect_eq "files left after remove" "$left" "/etc/default/dsmip-ha
/etc/dsmip-ha/dsmip-ha.conf
/etc/dsmip-ha/dsmip-ha.conf.example"
dpkg --purge dsmip-ha >/dev/null 2>&1
left=$(for f in $want /etc/dsmip-ha /var/lib/dsmip-ha; do [ -e "$f" ] && echo "$f"; done)
expect_eq "files left after purge" "$left" ""
expect_eq "status after purge" "$(dpkg-query -W -f '${db:Status-Abbrev}' dsmip-ha 2>/dev/null)" ""
finish
