# SPDX-License-Identifier: BSD-3-Clause
# The lab's virtio mode (LAB_PMD=virtio), sourced by lab.sh: the home agent as a VNF. An
# OVS-DPDK switch (Debian's openvswitch-switch-dpdk, unmodified) runs in the home agent's
# namespace with one userspace bridge per link; the home agent's ports are virtio_user
# devices on the bridges' vhost-user ports (the way a VM's virtio NICs sit on an NFV host's
# switch) and the lab's veth ends are the bridges' other ports, so the namespaces see the
# same links as with net_af_packet:
#
#   dsmip-ha:  [dsmip-ha virtio_user0] =vhost-user= br-acc  (OVS, netdev) -- ha-acc ~ inet-ha
#              [dsmip-ha virtio_user1] =vhost-user= br-home (OVS, netdev) -- ha-home ~ cn-home
#
# Everything of this switch lives in $LAB_DIR/ovs (database, sockets, logs, pid files) and
# uses EAL file prefix $LAB_PREFIX-ovs; its processes are stopped by pid.

LAB_OVS_DIR=${LAB_OVS_DIR:-$LAB_DIR/ovs}
# the DPDK build of ovs-vswitchd, called by its path: the system's "ovs-vswitchd"
# alternative is left as the package set it
LAB_OVS_VSWITCHD=${LAB_OVS_VSWITCHD:-/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk}

ovs_env() {
    env OVS_RUNDIR="$LAB_OVS_DIR" OVS_LOGDIR="$LAB_OVS_DIR" OVS_DBDIR="$LAB_OVS_DIR" \
        OVS_SYSCONFDIR="$LAB_OVS_DIR" "$@"
}
ovs_vsctl() { ovs_env ovs-vsctl --db="unix:$LAB_OVS_DIR/db.sock" --timeout=10 "$@"; }
ovs_ofctl() { ovs_env ovs-ofctl "$@"; }

# lab_ovs_up: the switch and its two bridges (after lab_up made the veth pairs).
lab_ovs_up() {
    local br link i
    [ -x "$LAB_OVS_VSWITCHD" ] || { lab_log "no $LAB_OVS_VSWITCHD (openvswitch-switch-dpdk)"; return 1; }
    . "$LAB_TOP/tools/hugepages.sh"
    hugepages_ensure $(( ${LAB_OVS_MEM:-1024} / 2 + 600 )) ||
        { lab_log "OVS-DPDK and vhost-user need hugepages"; return 1; }
    rm -rf "$LAB_OVS_DIR" "/var/run/dpdk/$LAB_PREFIX-ovs"
    mkdir -p "$LAB_OVS_DIR"
    ovs_env ovsdb-tool create "$LAB_OVS_DIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema ||
        return 1
    ns_exec dsmip-ha env OVS_RUNDIR="$LAB_OVS_DIR" ovsdb-server "$LAB_OVS_DIR/conf.db" \
        --remote="punix:$LAB_OVS_DIR/db.sock" --pidfile="$LAB_OVS_DIR/ovsdb-server.pid" \
        --unixctl="$LAB_OVS_DIR/ovsdb-server.ctl" --log-file="$LAB_OVS_DIR/ovsdb-server.log" \
        --detach || { lab_log "ovsdb-server did not start"; return 1; }
    # DPDK inside OVS: hugepage memory (LAB_OVS_MEM MiB: its shared mbuf pool for MTU 1500
    # does not fit 256, and a vhost-user port whose vrings cannot be allocated is dropped at
    # connection), no PCI, its own file prefix; the PMD thread on core 1, the rest on core 0
    ovs_vsctl --no-wait init
    ovs_vsctl --no-wait set Open_vSwitch . other_config:dpdk-init=true \
        other_config:dpdk-socket-mem="${LAB_OVS_MEM:-1024}" other_config:dpdk-socket-limit="${LAB_OVS_MEM:-1024}" \
        other_config:dpdk-extra="--file-prefix=$LAB_PREFIX-ovs --no-pci" \
        other_config:dpdk-lcore-mask=0x1 other_config:pmd-cpu-mask=0x2 \
        other_config:vhost-sock-dir=. other_config:max-idle=600000
    ns_exec dsmip-ha env OVS_RUNDIR="$LAB_OVS_DIR" "$LAB_OVS_VSWITCHD" "unix:$LAB_OVS_DIR/db.sock" \
        --pidfile="$LAB_OVS_DIR/ovs-vswitchd.pid" --unixctl="$LAB_OVS_DIR/ovs-vswitchd.ctl" \
        --log-file="$LAB_OVS_DIR/ovs-vswitchd.log" --detach ||
        { lab_log "ovs-vswitchd did not start:"; tail -n 20 "$LAB_OVS_DIR/ovs-vswitchd.log" >&2; return 1; }
    for i in $(seq 1 100); do      # DPDK initialised (at most 10 s)
        [ "$(ovs_vsctl get Open_vSwitch . dpdk_initialized 2>/dev/null)" = true ] && break
        sleep 0.1
    done
    [ "$(ovs_vsctl get Open_vSwitch . dpdk_initialized 2>/dev/null)" = true ] ||
        { lab_log "OVS: DPDK not initialised:"; tail -n 20 "$LAB_OVS_DIR/ovs-vswitchd.log" >&2; return 1; }
    for link in acc home; do
        br=br-$link
        # a userspace bridge: the veth end as a system port, the vhost-user port (server:
        # OVS makes the socket $LAB_OVS_DIR/vhu-$link, the home agent's virtio_user connects)
        ovs_vsctl add-br "$br" -- set bridge "$br" datapath_type=netdev \
            -- add-port "$br" "ha-$link" \
            -- add-port "$br" "vhu-$link" -- set Interface "vhu-$link" type=dpdkvhostuser ||
            { lab_log "OVS: bridge $br refused"; return 1; }
        # a wire between the two ports, not NORMAL switching: NORMAL's datapath flows are
        # per destination, and the userspace datapath sends a packet that misses its flow
        # cache (the first of a new flow: a BA to a new care-of address) before the hits of
        # the same batch, so the wire would show a BA ahead of tunnelled packets the home
        # agent sent before it. One flow per direction keeps the home agent's order.
        ovs_ofctl del-flows "$br" &&
            ovs_ofctl add-flow "$br" "in_port=ha-$link,actions=output:vhu-$link" &&
            ovs_ofctl add-flow "$br" "in_port=vhu-$link,actions=output:ha-$link" ||
            { lab_log "OVS: flows of $br refused"; return 1; }
    done
    for i in $(seq 1 50); do
        [ -S "$LAB_OVS_DIR/vhu-acc" ] && [ -S "$LAB_OVS_DIR/vhu-home" ] && break
        sleep 0.1
    done
    [ -S "$LAB_OVS_DIR/vhu-acc" ] || { lab_log "OVS: no vhost-user socket"; return 1; }
    lab_log "OVS-DPDK up: br-acc, br-home (vhost-user in $LAB_OVS_DIR)"
}

# lab_ovs_conf CONFIG: the config with its net_af_packet ports turned into virtio_user ports
# on the switch (same names, roles and addresses); prints the new file's path.
lab_ovs_conf() {
    local out
    out="$LAB_DIR/$(basename "$1" .conf)-virtio.conf"
    sed -e "s|net_af_packet\([0-9]*\),iface=ha-\([a-z]*\)|virtio_user\1,path=$LAB_OVS_DIR/vhu-\2,queues=1|" \
        "$1" >"$out"
    echo "$out"
}

lab_ovs_down() {
    local f pid
    for f in ovs-vswitchd ovsdb-server; do
        [ -f "$LAB_OVS_DIR/$f.pid" ] || continue
        pid=$(cat "$LAB_OVS_DIR/$f.pid")
        kill -TERM "$pid" 2>/dev/null || continue
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$LAB_OVS_DIR" "/var/run/dpdk/$LAB_PREFIX-ovs"
}
