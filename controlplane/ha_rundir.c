/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The telemetry socket for the read-only group (see ha_rundir.h). EAL makes /var/run/dpdk
 * and its runtime directory 0700 and the socket takes the umask: only root could read the
 * counters, so the metrics exporter had to run as root. Reads are all the socket offers
 * (every /dsmip/... command only reports); writes go through dsmip-ctl.sock, which stays 0600.
 */
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ha_rundir.h"

static int
share(const char *path, gid_t gid, mode_t mode)
{
	if (chown(path, (uid_t)-1, gid) != 0 || chmod(path, mode) != 0)
		return -errno;
	return 0;
}

int
ha_rundir_share(const char *runtime_dir, const char *group)
{
	char sock[PATH_MAX], parent[PATH_MAX];
	const struct group *g = getgrnam(group);
	int rc;

	if (g == NULL)
		return 0;
	snprintf(sock, sizeof(sock), "%s/dpdk_telemetry.v2", runtime_dir);
	snprintf(parent, sizeof(parent), "%s", runtime_dir);
	rc = share(dirname(parent), g->gr_gid, 0710);
	if (rc == 0)
		rc = share(runtime_dir, g->gr_gid, 0710);
	if (rc == 0)
		rc = share(sock, g->gr_gid, 0660);
	return rc < 0 ? rc : 1;
}
