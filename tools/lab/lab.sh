#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The lab: network namespaces and veth pairs around a home agent on net_af_packet, and a
# User-Mode Linux mobile node with real kernel tunnels behind a real NAT.
#
#   dsmip-mn [UML: vec0 public, vec1 private]
#      vec0 mn-pub --- inet-mn  203.0.113.0/26 (.1 router, .5 MN), 2001:db8:b::/64 (::1, ::5)
#      vec1 mn-nat --- nat-in   100.64.0.0/24 (.1 NAT, .2 MN)
#   dsmip-nat  nat-out --- inet-nat  203.0.113.64/26 (.65 router, .66 NAT, masquerade)
#   dsmip-inet (router) inet-ha --- ha-acc (dsmip-ha, HA access port)
#   dsmip-cn   cn-home --- ha-home (dsmip-ha, HA home port)
#
# Source it (lab_up, lab_down, lab_ha_start, lab_ha_stop, lab_telemetry, mn_start, mn_run,
# mn_stop) or run it: tools/lab/lab.sh up | down
#
# LAB_MN chooses the mobile node: "uml" (a User-Mode Linux guest on the two veth ends, for a
# host kernel without ipip/sit/ip6_tunnel/fou/ESP, such as this project's CI machine),
# "netns" (the dsmip-mn namespace itself, on a host kernel that has them) or "auto" (the
# default: netns when a probe namespace can create every tunnel type the scenarios use).
# Either way the node's links are called vec0 (public) and vec1 (behind the NAT).
# Every namespace is named dsmip-*, every process is tracked by pid; lab_down removes them all.
# Addresses: documentation ranges only (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32).

LAB_NS="dsmip-ha dsmip-inet dsmip-cn dsmip-nat dsmip-mn"
# LAB_PAIR=1: a second home agent (dsmip-ha2) on the same links (Linux bridges in the router's
# and the correspondent's namespaces), and a sync link 203.0.113.224/28 from both to
# dsmip-redis (Redis .225, the home agents' kernel side .226 and .227: VRRP, Redis)
LAB_NS_PAIR="dsmip-ha2 dsmip-redis"
LAB_PREFIX=${LAB_PREFIX:-dsmip-lab}          # EAL --file-prefix of the lab HA
LAB_DIR=${LAB_DIR:-/tmp/dsmip-lab}
LAB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB_BUILD=${LAB_BUILD:-$LAB_TOP/build}
LAB_MN=${LAB_MN:-auto}
# LAB_PMD: the home agent's ports: "af_packet" (default: net_af_packet on the veth ends) or
# "virtio" (virtio_user on an OVS-DPDK switch, the VNF case: tools/lab/ovs.sh)
LAB_PMD=${LAB_PMD:-af_packet}
# LAB_HA_MEM: the HA's EAL memory words (default --no-huge -m 1024; "-m 512" on hugepages)

lab_log() { echo "lab: $*" >&2; }

. "$LAB_TOP/tools/lab/ovs.sh"

# ns_exec NS CMD...: run a command inside a lab namespace.
ns_exec() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# An interface the HA reads through AF_PACKET: no kernel addresses or IPv6 autoconf, and no
# checksum offload on its peer so that frames arrive with complete checksums.
lab_ha_iface() {
    local ns=$1 ifc=$2
    ns_exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.disable_ipv6=1"
    ns_exec "$ns" ip link set "$ifc" up
    ns_exec "$ns" ethtool -K "$ifc" tx off rx off >/dev/null 2>&1 || true
}

lab_peer_iface() {
    local ns=$1 ifc=$2
    ns_exec "$ns" ethtool -K "$ifc" tx off >/dev/null 2>&1 || true
    ns_exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.accept_dad=0"
    ns_exec "$ns" ip link set "$ifc" up
}

lab_up() {
    case $LAB_PMD in
    af_packet|virtio) ;;
    *) lab_log "LAB_PMD=$LAB_PMD: not one of af_packet, virtio"; return 1 ;;
    esac
    lab_down
    mkdir -p "$LAB_DIR"
    # a new lab starts without bindings: a restart within it (lab_ha_start again) keeps them
    rm -f "$LAB_DIR"/state*.mdb "$LAB_DIR"/state*.mdb-lock
    local ns acc=inet-ha home=cn-home
    for ns in $LAB_NS ${LAB_PAIR:+$LAB_NS_PAIR}; do
        ip netns add "$ns"
        ns_exec "$ns" ip link set lo up
    done
    # access link: HA <-> internet router
    ip link add ha-acc netns dsmip-ha type veth peer name inet-ha netns dsmip-inet
    lab_ha_iface dsmip-ha ha-acc
    lab_peer_iface dsmip-inet inet-ha
    # home link: HA <-> correspondent
    ip link add ha-home netns dsmip-ha type veth peer name cn-home netns dsmip-cn
    lab_ha_iface dsmip-ha ha-home
    lab_peer_iface dsmip-cn cn-home
    if [ -n "${LAB_PAIR:-}" ]; then
        lab_pair_links
        acc=br-acc home=br-home
    fi
    ns_exec dsmip-inet ip addr add 198.51.100.254/24 dev $acc
    ns_exec dsmip-inet ip -6 addr add 2001:db8:a::fe/64 dev $acc nodad
    ns_exec dsmip-inet sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
    ns_exec dsmip-cn ip addr add 192.0.2.10/24 dev $home
    ns_exec dsmip-cn ip -6 addr add 2001:db8:1::10/64 dev $home nodad
    ns_exec dsmip-cn ip route add default via 192.0.2.1
    ns_exec dsmip-cn ip -6 route add default via 2001:db8:1::1
    # the internet router reaches the home prefixes through the home agent
    ns_exec dsmip-inet ip route add 192.0.2.0/24 via 198.51.100.1
    ns_exec dsmip-inet ip -6 route add 2001:db8:1::/64 via 2001:db8:a::1
    # the mobile node's public link (IPv6 and IPv4 care-of addresses)
    ip link add mn-pub netns dsmip-mn type veth peer name inet-mn netns dsmip-inet
    lab_uml_iface dsmip-mn mn-pub
    lab_peer_iface dsmip-inet inet-mn
    ns_exec dsmip-inet ethtool -K inet-mn tx off rx off >/dev/null 2>&1 || true
    ns_exec dsmip-inet ip addr add 203.0.113.1/26 dev inet-mn
    ns_exec dsmip-inet ip -6 addr add 2001:db8:b::1/64 dev inet-mn nodad
    # the NAT: inside 100.64.0.0/24, outside 203.0.113.66; the mapped port is random so
    # that a new mapping (conntrack flush) shows as a new port
    ip link add mn-nat netns dsmip-mn type veth peer name nat-in netns dsmip-nat
    lab_uml_iface dsmip-mn mn-nat
    lab_peer_iface dsmip-nat nat-in
    ns_exec dsmip-nat ethtool -K nat-in tx off rx off >/dev/null 2>&1 || true
    ns_exec dsmip-nat ip addr add 100.64.0.1/24 dev nat-in
    ip link add nat-out netns dsmip-nat type veth peer name inet-nat netns dsmip-inet
    lab_peer_iface dsmip-nat nat-out
    lab_peer_iface dsmip-inet inet-nat
    ns_exec dsmip-nat ip addr add 203.0.113.66/26 dev nat-out
    ns_exec dsmip-inet ip addr add 203.0.113.65/26 dev inet-nat
    ns_exec dsmip-nat ip route add default via 203.0.113.65
    ns_exec dsmip-nat sysctl -qw net.ipv4.ip_forward=1
    ns_exec dsmip-nat nft -f - <<'NFT' || { lab_log "NAT rules refused"; return 1; }
table ip dsmip_nat {
    chain post {
        type nat hook postrouting priority srcnat;
        oifname "nat-out" ip saddr 100.64.0.0/10 meta l4proto udp masquerade to :20000-29999 random
        oifname "nat-out" ip saddr 100.64.0.0/10 masquerade
    }
}
NFT
    if [ "$LAB_PMD" = virtio ]; then
        lab_ovs_up || return 1
    fi
    lab_log "namespaces up: $LAB_NS (home agent ports: $LAB_PMD)"
}

# bridge NS NAME PORT...: a Linux bridge that forwards at once (no STP, no learning delay).
lab_bridge() {
    local ns=$1 br=$2 p; shift 2
    ns_exec "$ns" ip link add "$br" type bridge forward_delay 0 stp_state 0
    ns_exec "$ns" sysctl -qw "net.ipv6.conf.$br.accept_dad=0"
    for p in "$@"; do ns_exec "$ns" ip link set "$p" master "$br"; done
    ns_exec "$ns" ip link set "$br" up
}

# LAB_PAIR: the second home agent's ends on the same links, and the sync link with Redis.
lab_pair_links() {
    ip link add ha-acc netns dsmip-ha2 type veth peer name inet-ha2 netns dsmip-inet
    lab_ha_iface dsmip-ha2 ha-acc
    lab_peer_iface dsmip-inet inet-ha2
    lab_bridge dsmip-inet br-acc inet-ha inet-ha2
    ip link add ha-home netns dsmip-ha2 type veth peer name cn-home2 netns dsmip-cn
    lab_ha_iface dsmip-ha2 ha-home
    lab_peer_iface dsmip-cn cn-home2
    lab_bridge dsmip-cn br-home cn-home cn-home2
    ip link add sync netns dsmip-ha type veth peer name sync-ha1 netns dsmip-redis
    ip link add sync netns dsmip-ha2 type veth peer name sync-ha2 netns dsmip-redis
    lab_peer_iface dsmip-redis sync-ha1
    lab_peer_iface dsmip-redis sync-ha2
    lab_bridge dsmip-redis br-sync sync-ha1 sync-ha2
    ns_exec dsmip-redis ip addr add 203.0.113.225/28 dev br-sync
    ns_exec dsmip-ha ip addr add 203.0.113.226/28 dev sync
    ns_exec dsmip-ha ip link set sync up
    ns_exec dsmip-ha2 ip addr add 203.0.113.227/28 dev sync
    ns_exec dsmip-ha2 ip link set sync up
}

# The mobile node's ends: the UML guest reads them through raw sockets; nothing of the
# host's stack on them.
lab_uml_iface() {
    local ns=$1 ifc=$2
    ns_exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.disable_ipv6=1"
    ns_exec "$ns" ip link set "$ifc" up
    ns_exec "$ns" ethtool -K "$ifc" tx off rx off >/dev/null 2>&1 || true
}

# lab_host_has_tunnels: can this kernel be the mobile node itself? Probed in a scratch
# namespace: every tunnel type the scenarios build, a fou port and an ESP state.
lab_host_has_tunnels() {
    local ns=dsmip-probe$$ ok=0
    ip netns add "$ns" 2>/dev/null || return 1
    ns_exec "$ns" ip link add p6 type ip6tnl mode any remote 2001:db8::1 local 2001:db8::2 \
        2>/dev/null &&
        ns_exec "$ns" ip link add p4 type sit remote 192.0.2.1 local 192.0.2.2 2>/dev/null &&
        ns_exec "$ns" ip link add pi type ipip remote 192.0.2.1 local 192.0.2.2 2>/dev/null &&
        ns_exec "$ns" ip fou add port 4191 gue 2>/dev/null &&
        ns_exec "$ns" ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 \
            mode transport aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 \
            128 2>/dev/null && ok=1
    ip netns del "$ns"
    [ $ok -eq 1 ]
}

# lab_mn_mode: uml or netns (LAB_MN, "auto" resolved once per shell).
lab_mn_mode() {
    if [ "$LAB_MN" = auto ]; then
        if lab_host_has_tunnels; then LAB_MN=netns; else LAB_MN=uml; fi
    fi
    case $LAB_MN in
    uml|netns) echo "$LAB_MN" ;;
    *) lab_log "LAB_MN=$LAB_MN: not one of uml, netns, auto"; return 1 ;;
    esac
}

# mn_start: bring the mobile node up in dsmip-mn and wait for it.
mn_start() {
    local mode
    mode=$(lab_mn_mode) || return 1
    LAB_MN=$mode
    if [ "$mode" = netns ]; then
        # the namespace is the node: same link names as inside the guest
        ns_exec dsmip-mn ip link set mn-pub name vec0
        ns_exec dsmip-mn ip link set mn-nat name vec1
        ns_exec dsmip-mn sysctl -qw net.ipv6.conf.all.accept_dad=0 \
            net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_ra=0 \
            net.ipv6.conf.vec0.disable_ipv6=0 net.ipv6.conf.vec1.disable_ipv6=0
        ns_exec dsmip-mn ip link set lo up
        lab_log "mobile node: namespace dsmip-mn (host kernel)"
        return 0
    fi
    uml_start
}

# mn_run CMD...: run a shell command on the mobile node; prints its output, returns its status.
mn_run() {
    if [ "$LAB_MN" = netns ]; then
        timeout 60 ip netns exec dsmip-mn sh -c "$*"
        return
    fi
    uml_run "$@"
}

mn_stop() {
    [ "$LAB_MN" = netns ] && return 0
    uml_stop
}

# uml_start: boot the mobile node in dsmip-mn (kernel from uml-build.sh); waits for it.
uml_start() {
    uml_boot uml dsmip-mn "mobile node" vec0:transport=raw,ifname=mn-pub \
        vec1:transport=raw,ifname=mn-nat
}

# uml_run CMD...: run a shell command in the mobile node (uml_cmd).
uml_run() { uml_cmd uml "$@"; }

uml_stop() { uml_halt uml; }

# uml_boot NAME NS WHAT VEC...: boot a User-Mode Linux guest called NAME in namespace NS
# (root on hostfs, tools/lab/uml-init.sh as init, its links VEC...); waits for it (30 s).
# Its command directory is $LAB_DIR/NAME, its console $LAB_DIR/NAME.log.
uml_boot() {
    local name=$1 ns=$2 what=$3 kernel rpc=$LAB_DIR/$1 i
    shift 3
    kernel=$("$LAB_TOP/tools/lab/uml-build.sh") || return 1
    rm -rf "$rpc"
    mkdir -p "$rpc"
    ip netns exec "$ns" "$kernel" mem=192M rootfstype=hostfs rootflags=/ rw \
        init="$LAB_TOP/tools/lab/uml-init.sh" DSMIP_RPC="$rpc" "$@" \
        con=null con0=null,fd:1 </dev/null >"$LAB_DIR/$name.log" 2>&1 &
    echo $! >"$LAB_DIR/$name.pid"
    echo 0 >"$rpc/seq"
    for i in $(seq 1 300); do   # at most 30 s
        [ -f "$rpc/ready" ] && { lab_log "$what up (UML pid $(cat "$LAB_DIR/$name.pid"))"; return 0; }
        kill -0 "$(cat "$LAB_DIR/$name.pid")" 2>/dev/null || break
        sleep 0.1
    done
    lab_log "$what did not boot:"; tail -n 20 "$LAB_DIR/$name.log" >&2
    return 1
}

# uml_cmd NAME CMD...: run a shell command in guest NAME; prints its output, returns its
# status (124 after 60 s without an answer, and at once for every later command).
uml_cmd() {
    local rpc=$LAB_DIR/$1 n i
    shift
    if [ -f "$rpc/hung" ]; then
        # its commands run in order: nothing after the hung one would ever run
        lab_log "$(basename "$rpc"): not sent (the guest hung on an earlier command): $*"
        return 124
    fi
    n=$(cat "$rpc/seq")
    echo $((n + 1)) >"$rpc/seq"       # the sequence lives in a file: any shell may call
    printf '%s\n' "$*" >"$rpc/tmp.$n"
    mv "$rpc/tmp.$n" "$rpc/cmd.$n"
    for i in $(seq 1 1200); do
        if [ -f "$rpc/rc.$n" ]; then
            cat "$rpc/out.$n"
            return "$(cat "$rpc/rc.$n")"
        fi
        sleep 0.05
    done
    lab_log "$(basename "$rpc"): no answer to: $*"
    uml_diagnose "$rpc" "$n"
    touch "$rpc/hung"
    return 124
}

# uml_diagnose RPC N: what a guest that did not answer command N was doing — the guest's
# commands run one after another, so a hung one holds every later one: was the command
# picked up (its out.N exists from its start), what it printed so far, whether the UML
# process lives, and the console's tail (a kernel oops or a stuck init shows there).
uml_diagnose() {
    local rpc=$1 n=$2 name pid
    name=$(basename "$rpc")
    pid=$(cat "$LAB_DIR/$name.pid" 2>/dev/null)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        lab_log "$name: UML pid $pid alive"
    else
        lab_log "$name: UML process ${pid:-?} gone"
    fi
    if [ -f "$rpc/out.$n" ]; then
        lab_log "$name: command $n started; its output so far:"
        tail -n 20 "$rpc/out.$n" >&2
    else
        lab_log "$name: command $n never started (the guest is still on an earlier one," \
            "last answered: $(ls "$rpc" | sed -n 's/^rc\.\([0-9]*\)$/\1/p' | sort -n | tail -n 1))"
    fi
    lab_log "$name: console tail ($LAB_DIR/$name.log):"
    tail -n 20 "$LAB_DIR/$name.log" >&2 2>/dev/null
}

# uml_halt NAME: halt guest NAME (5 s), then kill it and its helpers.
uml_halt() {
    local name=$1 pid i
    [ -f "$LAB_DIR/$name.pid" ] || return 0
    pid=$(cat "$LAB_DIR/$name.pid")
    rm -f "$LAB_DIR/$name.pid"
    touch "$LAB_DIR/$name/halt" 2>/dev/null
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    # UML's helper processes share its process group
    pkill -KILL -f "DSMIP_RPC=$LAB_DIR/$name" 2>/dev/null || true
}

# ------------------------------------------------------------ IKE (strongSwan, unmodified)
# charon needs a kernel with ESP; this host's refuses ESP states, so each charon runs in a
# User-Mode Linux guest: the node's in the mobile node, the home agent's in a guest of its
# own ("ikeha") whose link is the home agent's IKE exception interface (config ike.tap,
# here dsmip-ike in dsmip-ha). dsmip-xfrm-relay in that guest hands its kernel's XFRM
# messages to the home agent through a file on hostfs (config ike.relay "file:...").

# ike_charon GUEST SWANCTL-CONF CERT: start charon in GUEST with that swanctl.conf and
# certificate CERT of the lab CA ($LAB_DIR/pki, made once); loads it with swanctl. Its
# files: $LAB_DIR/GUEST-ike (charon.log: the daemon's log).
ike_charon() {
    local guest=$1 conf=$2 cert=$3 dir=$LAB_DIR/$1-ike
    [ -d "$LAB_DIR/pki" ] || "$LAB_TOP/tools/lab/ike-pki.sh" "$LAB_DIR/pki" >/dev/null || return 1
    rm -rf "$dir"
    mkdir -p "$dir"/swanctl/{x509,x509ca,private}
    cp "$LAB_DIR/pki/x509ca/ca.pem" "$dir/swanctl/x509ca/"
    cp "$LAB_DIR/pki/x509/$cert.pem" "$dir/swanctl/x509/"
    cp "$LAB_DIR/pki/private/$cert.pem" "$dir/swanctl/private/"
    cp "$conf" "$dir/swanctl/swanctl.conf"
    chmod -R go-rwx "$dir/swanctl/private"
    cat >"$dir/strongswan.conf" <<EOF
charon {
    load_modular = yes
    plugins {
        include /etc/strongswan.d/charon/*.conf
        tpm {
            load = no
        }
    }
    # the guest is only an IKE peer: no routes, no virtual addresses
    install_routes = no
    install_virtual_ip = no
    # a lab without loss: a dead peer is declared after 2 + 2 + 2 + 2 s, not the default
    # ~165 s (the restart test's dead-peer detection); not 1 s: a guest on a loaded 2-core
    # machine may take more than a second for one exchange (and its peer's retransmission
    # would be one more datagram to count)
    retransmit_timeout = 2.0
    retransmit_base = 1.0
    retransmit_tries = 3
    filelog {
        lab {
            path = $dir/charon.log
            time_format = %H:%M:%S
            flush_line = yes
            default = 1
            ike = 2
            knl = 2
            cfg = 2
        }
    }
}
EOF
    uml_cmd "$guest" "STRONGSWAN_CONF=$dir/strongswan.conf setsid /usr/lib/ipsec/charon \
        </dev/null >$dir/charon.out 2>&1 &" >/dev/null
    uml_cmd "$guest" 'for i in $(seq 1 150); do [ -S /run/charon.vici ] && exit 0; sleep 0.1; done
        exit 1' || { lab_log "$guest: charon did not start"; cat "$dir/charon.out" >&2; return 1; }
    ike_swanctl "$guest" --load-all --noprompt >"$dir/load.out" 2>&1 ||
        { lab_log "$guest: swanctl --load-all failed"; cat "$dir/load.out" >&2; return 1; }
}

# ike_swanctl GUEST ARGS...: swanctl against GUEST's charon (its swanctl directory).
ike_swanctl() {
    local guest=$1
    shift
    uml_cmd "$guest" "STRONGSWAN_CONF=$LAB_DIR/$guest-ike/strongswan.conf \
        SWANCTL_DIR=$LAB_DIR/$guest-ike/swanctl swanctl $*"
}

# ike_ha_start [SWANCTL-CONF]: the home agent's charon guest on its running home agent's
# exception interface (config ike.tap = "dsmip-ike", ike.relay = "file:$LAB_DIR/xfrm.relay"):
# the home agent's addresses are the guest's, its gateway a static neighbour (nothing is
# resolved on the exception interface), the relay runs before charon.
ike_ha_start() {
    local conf=${1:-$LAB_TOP/config/swanctl/dsmip-ha.conf} mac
    ns_exec dsmip-ha sysctl -qw net.ipv6.conf.dsmip-ike.disable_ipv6=1
    ns_exec dsmip-ha ip link set dsmip-ike up
    ns_exec dsmip-ha ethtool -K dsmip-ike tx off rx off >/dev/null 2>&1 || true
    mac=$(ns_exec dsmip-ha cat /sys/class/net/dsmip-ike/address) || return 1
    uml_boot ikeha dsmip-ha "home agent's charon" \
        "vec0:transport=raw,ifname=dsmip-ike,mac=$mac" || return 1
    uml_cmd ikeha "ip route add 192.0.2.254/32 dev vec0
        ip neigh replace 192.0.2.254 lladdr 02:00:00:00:00:fe dev vec0 nud permanent
        ip route add default via 192.0.2.254
        ip -6 neigh replace fe80::fe lladdr 02:00:00:00:00:fe dev vec0 nud permanent
        ip -6 route add default via fe80::fe dev vec0
        setsid $LAB_BUILD/tools/dsmip-xfrm-relay file:$LAB_DIR/xfrm.relay </dev/null \
            >$LAB_DIR/relay.log 2>&1 &" >/dev/null || return 1
    # the home agent's addresses only once charon has its connections: an IKE_SA_INIT that
    # came in between would be refused (NO_PROPOSAL_CHOSEN), which ends a node's attempts
    # for good; to an address the guest does not have yet it goes unanswered, and the node
    # sends it again
    ike_charon ikeha "$conf" ha || return 1
    uml_cmd ikeha "ip addr add 198.51.100.1/32 dev vec0
        ip -6 addr add 2001:db8:1::1/128 dev vec0 nodad
        ip -6 addr add 2001:db8:a::1/128 dev vec0 nodad" >/dev/null
}

ike_ha_stop() { uml_halt ikeha; }

# lab_ha_start CONFIG [EXTRA EAL ARGS...]: start the HA in dsmip-ha; waits for telemetry.
# Its state store is $LAB_DIR/state.mdb (LAB_HA_STATE: another); LAB_HA_OPTS: more options
# of the home agent (after --). LAB_HA_NAME=ha2 (LAB_PAIR): the second one, in dsmip-ha2,
# EAL file prefix $LAB_PREFIX-ha2, files $LAB_DIR/ha2.*.
lab_ha_start() {
    local conf=$1; shift
    local bin=$LAB_BUILD/controlplane/dsmip-ha name=${LAB_HA_NAME:-ha}
    local ns=dsmip-$name prefix state=$LAB_DIR/state.mdb
    prefix=$(lab_ha_prefix)
    [ "$name" = ha ] || state=$LAB_DIR/state-$name.mdb
    [ -x "$bin" ] || { lab_log "no binary at $bin (build first)"; return 1; }
    local mem=${LAB_HA_MEM:---no-huge -m 1024}
    if [ "$LAB_PMD" = virtio ]; then
        conf=$(lab_ovs_conf "$conf")
        # vhost-user shares the home agent's memory with the switch by file descriptor, one
        # per segment and at most 8: hugepages in one file per memseg list
        mem=${LAB_HA_MEM:--m 1024 --single-file-segments}
    fi
    rm -rf "/var/run/dpdk/$prefix"
    # shellcheck disable=SC2086 # mem, LAB_HA_OPTS: several words
    ip netns exec "$ns" "$bin" -l 0-1 $mem --no-pci \
        --file-prefix "$prefix" --log-level 'user.ha.*:info' "$@" -- -c "$conf" \
        --state "${LAB_HA_STATE:-$state}" ${LAB_HA_OPTS:-} \
        >"$LAB_DIR/$name.log" 2>&1 &
    echo $! >"$LAB_DIR/$name.pid"
    local i
    for i in $(seq 1 100); do   # at most 10 s
        if [ -S "/var/run/dpdk/$prefix/dpdk_telemetry.v2" ] &&
           grep -q "running:" "$LAB_DIR/$name.log"; then
            lab_log "home agent $name running (pid $(cat "$LAB_DIR/$name.pid"))"
            return 0
        fi
        if ! kill -0 "$(cat "$LAB_DIR/$name.pid")" 2>/dev/null; then
            lab_log "home agent $name exited during start:"; cat "$LAB_DIR/$name.log" >&2
            return 1
        fi
        sleep 0.1
    done
    lab_log "home agent $name did not come up in 10 s:"; cat "$LAB_DIR/$name.log" >&2
    return 1
}

# The EAL file prefix of home agent LAB_HA_NAME.
lab_ha_prefix() {
    if [ "${LAB_HA_NAME:-ha}" = ha ]; then echo "$LAB_PREFIX"; else echo "$LAB_PREFIX-$LAB_HA_NAME"; fi
}

# lab_ha_stop: SIGTERM, then wait at most 5 s; prints the exit status and the stop time in ms.
lab_ha_stop() {
    local pid rc t0 t1 name=${LAB_HA_NAME:-ha}
    [ -f "$LAB_DIR/$name.pid" ] || return 0
    pid=$(cat "$LAB_DIR/$name.pid")
    rm -f "$LAB_DIR/$name.pid"
    kill -0 "$pid" 2>/dev/null || return 0
    t0=$(date +%s%N)
    kill -TERM "$pid"
    rc=0
    local i
    for i in $(seq 1 250); do            # 20 ms steps, at most 5 s
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.02
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; rc=124; fi
    local w=0
    wait "$pid" 2>/dev/null || w=$?     # only a child of this shell reports its status
    [ $rc -eq 0 ] && rc=$w
    t1=$(date +%s%N)
    LAB_HA_STOP_MS=$(( (t1 - t0) / 1000000 ))
    LAB_HA_EXIT=$rc
    lab_log "home agent stopped: exit $rc in ${LAB_HA_STOP_MS} ms"
    return 0
}

# lab_telemetry CMD: one telemetry command, JSON on stdout (of LAB_HA_NAME's home agent).
lab_telemetry() {
    echo "$1" | dpdk-telemetry.py -f "$(lab_ha_prefix)" 2>/dev/null | tail -n 1
}

lab_down() {
    local ns pid
    mn_stop
    ike_ha_stop
    lab_ha_stop
    LAB_HA_NAME=ha2 lab_ha_stop
    lab_ovs_down
    for ns in $LAB_NS $LAB_NS_PAIR; do
        if ip netns list | grep -qw "$ns"; then
            # any process left in the namespace (by pid) goes first
            for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
            ip netns del "$ns"
        fi
    done
    rm -rf "/var/run/dpdk/$LAB_PREFIX" "/var/run/dpdk/$LAB_PREFIX-ha2"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-} ${2:-}" in
    "up ") lab_up ;;
    "up --pmd") LAB_PMD=${3:-}; lab_up ;;
    "down ") lab_down ;;
    *) echo "usage: $0 up [--pmd af_packet|virtio] | down" >&2; exit 2 ;;
    esac
fi
