#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs every Debian 12 package the build, the tests and the demo need.
# Idempotent and non-interactive: packages already present cost one dpkg-query.
set -euo pipefail

# Build: compiler, meson, DPDK 22.11, intel-ipsec-mb, libconfig, Criterion.
PKGS_BUILD="gcc libc6-dev meson ninja-build pkg-config dpdk dpdk-dev libdpdk-dev
 libipsec-mb-dev libconfig-dev libcriterion-dev liblmdb-dev lmdb-utils"
# Tests and lab: tshark as independent decoder, scapy for packet building (its ESP needs
# python3-cryptography), namespaces/veth/NAT, clang + compiler-rt for libFuzzer and sanitizers.
PKGS_TEST="python3 python3-scapy python3-cryptography tshark iproute2 nftables iptables conntrack
 ethtool procps psmisc iputils-ping clang llvm libclang-rt-14-dev jq"
# User-Mode Linux peer (kernel tunnels and ESP that this host kernel lacks).
PKGS_UML="linux-source-6.1 bc flex bison make xz-utils libelf-dev"
# The active/standby pair: Redis (server for the lab, hiredis for the home agent), keepalived.
PKGS_PAIR="redis-server redis-tools libhiredis-dev keepalived"
# IKE: netlink (XFRM, what charon installs) through libmnl; strongSwan's charon, swanctl
# and pki for the lab's two IKE peers (the home agent's charon, the mobile node's), the
# extra plugins for EAP.
PKGS_IKE="libmnl-dev strongswan-charon strongswan-swanctl strongswan-pki charon-systemd
 libstrongswan-standard-plugins libstrongswan-extra-plugins libcharon-extra-plugins"

# dsmip-ctl: the Prometheus exporter on libmicrohttpd, telemetry replies read by jansson.
PKGS_OPS="libmicrohttpd-dev libjansson-dev"

# The Debian package (tools/package.sh, integ/package): debhelper, lintian, scdoc for the
# man pages; gnuplot for tools/bench --plot; dpdk-doc for DPDK's examples tools/bench
# builds and runs beside dsmip-ha (l3fwd).
PKGS_PKG="debhelper dpkg-dev lintian scdoc man-db gnuplot-nox dpdk-doc"
# The lab's virtio mode (the home agent as a VNF): Open vSwitch with DPDK.
PKGS_VNF="openvswitch-switch-dpdk"

want="$PKGS_BUILD $PKGS_TEST $PKGS_UML $PKGS_PAIR $PKGS_IKE $PKGS_OPS $PKGS_PKG $PKGS_VNF"
missing=()
for p in $want; do
	if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "bootstrap: all packages present"
	exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "bootstrap: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	fi
fi

echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture; answer "no" ahead of time.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
# Packages with services (redis-server) are not started by their installation: the tests
# run their own instances inside the lab's namespaces, never one in the host's.
block=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 0755 /usr/sbin/policy-rc.d
	block=1
fi
rc=0
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" || rc=$?
[ -n "$block" ] && $SUDO rm -f /usr/sbin/policy-rc.d
[ $rc -eq 0 ] || exit $rc
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	$SUDO systemctl disable --now redis-server keepalived >/dev/null 2>&1 || true
fi
echo "bootstrap: done"
