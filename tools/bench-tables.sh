#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Binding cache benchmark: bc-bench RUNS times (default 3) at 1k, 100k, 1M and 10M bindings,
# printing every run and the median with min-max. Uses 2 MiB hugepages when it can reserve
# them (root), otherwise --no-huge. Prints numbers only; nothing is asserted.
#   tools/bench-tables.sh [RUNS] [SIZES...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}; shift || true
sizes=${*:-"1000 100000 1000000 10000000"}
"$top/tools/build.sh" >/dev/null
bin=$top/build/tools/bc-bench
eal=(-l 0 --no-pci --file-prefix dsmip-bcbench --log-level 'lib.*:error')

# about 4 GiB of tables at 10M bindings
if [ "$(id -u)" -eq 0 ] && grep -q hugetlbfs /proc/filesystems; then
    want=2600
    have=$(cat /proc/sys/vm/nr_hugepages)
    [ "$have" -ge "$want" ] || echo "$want" > /proc/sys/vm/nr_hugepages
    mountpoint -q /dev/hugepages || { mkdir -p /dev/hugepages; mount -t hugetlbfs nodev /dev/hugepages; }
fi
if [ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -lt 2000 ]; then
    echo "bench-tables: not enough hugepages, using --no-huge (slower, 4 KiB pages)"
    eal+=(--no-huge -m 6000)
fi
out=$(mktemp)
trap 'rm -f "$out"; rm -rf /var/run/dpdk/dsmip-bcbench' EXIT
for r in $(seq 1 "$runs"); do
    case " $sizes " in *" 1000 "*) pre="" ;; *) pre=1000 ;; esac
    "$bin" "${eal[@]}" -- $pre $sizes 2>/dev/null | grep '^BCBENCH bindings' | tee -a "$out"
done
echo "== medians over $runs runs (min-max)"
/usr/bin/python3 - "$out" <<'PY'
import re, sys, statistics
rows = {}
for line in open(sys.argv[1]):
    kv = dict(re.findall(r'(\w+)=(\S+)', line))
    rows.setdefault(int(kv['bindings']), []).append(kv)
for n in sorted(rows):
    parts = [f"bindings={n}"]
    for k in ('lookup6_cycles', 'lookup4_cycles', 'update_per_s', 'insert_per_s',
              'heap_mb', 'marginal_bytes_per_binding'):
        v = [float(r[k]) for r in rows[n]]
        parts.append(f"{k}={statistics.median(v):.1f}[{min(v):.1f}-{max(v):.1f}]")
    print("BCBENCH-MEDIAN " + " ".join(parts))
PY
