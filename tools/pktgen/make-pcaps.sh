#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# pcap files for pktgen-dpdk's replay (-s P:FILE) against dsmip-ha on real NICs or on
# net_virtio_user/vhost, with the home agent's config and its BU preload to match.
#   tools/pktgen/make-pcaps.sh OUTDIR [BINDINGS] [HA_RX_MAC] [HA_BU_MAC]
# HA_RX_MAC: the MAC of the HA port pktgen sends to (default: net_pcap's), HA_BU_MAC: the port
# the BUs are taken on (--preload-port).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?output directory}
n=${2:-100000}
rx=${3:-02:70:63:61:70:00}
bu=${4:-02:00:00:00:02:00}
gen=$top/build/tools/bench-gen
[ -x "$gen" ] || "$top/tools/build.sh" >/dev/null
mkdir -p "$out"
for path in encap6in6 encap4in6 encap6in4 encap4in4 encap_udp4 encap_udp4_tlv decap6in6 decap_udp4; do
    case $path in
    encap6in6|encap4in6|decap6in6) kind=v6 ;;
    encap6in4|encap4in4) kind=pub ;;
    encap_udp4_tlv) kind=tlv ;;
    *) kind=nat ;;
    esac
    [ -f "$out/bu-$kind.pcap" ] || "$gen" --kind "$kind" --bindings "$n" --bu "$out/bu-$kind.pcap" \
        --mac-bu "$bu"
    for size in 64 1400; do
        "$gen" --kind "$kind" --bindings "$n" --path "$path" --size "$size" --packets 65536 \
            --traffic "$out/$path-$size.pcap" --mac-traffic "$rx"
    done
done
"$gen" --kind mix --bindings "$n" --bu "$out/bu-mix.pcap" --mac-bu "$bu"
"$gen" --kind mix --bindings "$n" --path imix --size imix --packets 65536 \
    --traffic "$out/imix.pcap" --mac-traffic "$rx"
echo "pcaps for $n bindings in $out (traffic to $rx, BUs to $bu)"
