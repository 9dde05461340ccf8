# SPDX-License-Identifier: BSD-3-Clause
# Sourced: hugepages_ensure N reserves at least N free 2 MiB hugepages (root) and mounts
# hugetlbfs on /dev/hugepages; returns 1 when they cannot be had (then use --no-huge).
hugepages_ensure() {
    local want=$1 total free
    grep -q hugetlbfs /proc/filesystems || return 1
    if [ "$(id -u)" -eq 0 ]; then
        total=$(cat /proc/sys/vm/nr_hugepages)
        free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
        [ "$free" -ge "$want" ] || echo $((total + want - free)) >/proc/sys/vm/nr_hugepages
        mountpoint -q /dev/hugepages ||
            { mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages; } || return 1
    fi
    [ "$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)" -ge "$want" ]
}
