#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# init of the User-Mode Linux mobile node (root on hostfs). It runs commands the host drops
# into $DSMIP_RPC as cmd.N files and answers with out.N and rc.N, until told "halt".
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
ip link set lo up
sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
for i in vec0 vec1; do
    ip link show "$i" >/dev/null 2>&1 && ip link set "$i" up
done
rpc=${DSMIP_RPC:?}
echo ready >"$rpc/ready"
n=0
while :; do
    if [ -f "$rpc/cmd.$n" ]; then
        sh "$rpc/cmd.$n" >"$rpc/out.$n" 2>&1
        echo $? >"$rpc/rc.tmp.$n" && mv "$rpc/rc.tmp.$n" "$rpc/rc.$n"
        n=$((n + 1))
        continue
    fi
    [ -f "$rpc/halt" ] && break
    sleep 0.05
done
halt -f
