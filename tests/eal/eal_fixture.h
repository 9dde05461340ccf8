/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL tier fixture. Criterion runs every test in its own process, so each test's .init
 * initialises EAL itself: no hugepages, no PCI, no shared files, a private file prefix.
 */
#ifndef HA_EAL_FIXTURE_H
#define HA_EAL_FIXTURE_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <rte_eal.h>

/* extra: NULL-terminated list of additional EAL arguments (e.g. "--vdev=net_null5"). */
static inline void
ha_eal_init_with(const char *const *extra)
{
	char prefix[64];
	char *argv[32] = {
		"ha_test", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
		"--no-telemetry", "--log-level", "lib.*:error", "--file-prefix", prefix,
	};
	const char *const *x;
	bool own_lcores = false;
	int argc = 11;

	snprintf(prefix, sizeof(prefix), "ha_test_%d", (int)getpid());
	for (x = extra; x != NULL && *x != NULL && argc < 29; x++) {
		own_lcores |= strncmp(*x, "--lcores", 8) == 0 || strcmp(*x, "-l") == 0;
		argv[argc++] = (char *)*x;
	}
	if (!own_lcores) {
		argv[argc++] = "-l";
		argv[argc++] = "0-1";
	}
	argv[argc] = NULL;
	cr_assert_geq(rte_eal_init(argc, argv), 0, "rte_eal_init failed");
}

static char ha_eal_rundir[256];

static inline void
ha_eal_init(void)
{
	ha_eal_init_with(NULL);
}

/* rte_eal_cleanup leaves the runtime directory behind; remove this test's own. */
static inline void
ha_eal_fini(void)
{
	char path[512];
	struct dirent *e;
	DIR *d;

	snprintf(ha_eal_rundir, sizeof(ha_eal_rundir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (strstr(ha_eal_rundir, "/ha_test_") == NULL)
		return;
	d = opendir(ha_eal_rundir);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", ha_eal_rundir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(ha_eal_rundir);
}

#endif /* HA_EAL_FIXTURE_H */
