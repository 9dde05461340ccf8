/* SPDX-License-Identifier: BSD-3-Clause */
/* Read-only access to the home agent's telemetry for an operators' group. */
#ifndef HA_RUNDIR_H
#define HA_RUNDIR_H

/** The group the Debian package creates for telemetry and metrics readers. */
#define HA_READ_GROUP "dsmip"

/**
 * When group exists: let its members reach DPDK's telemetry socket in runtime_dir (the EAL
 * runtime directory, /var/run/dpdk/<prefix>): the directory and its parent become
 * root:group 0710 (members may pass through, not list), the socket dpdk_telemetry.v2
 * root:group 0660. The control socket (writes) stays root's. @return 1 shared, 0 the group
 * does not exist (nothing changed), -errno when a change failed.
 */
int ha_rundir_share(const char *runtime_dir, const char *group);

#endif /* HA_RUNDIR_H */
