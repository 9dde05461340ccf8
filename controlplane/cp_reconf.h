/* SPDX-License-Identifier: BSD-3-Clause */
/* Reconfiguration of a running control plane from a new configuration (a reload). */
#ifndef CP_RECONF_H
#define CP_RECONF_H

#include <stdint.h>

#include "cp.h"

/** What a reconfiguration did. */
struct cp_reconf_report {
	uint64_t added;
	uint64_t removed;
	uint64_t changed;
	uint64_t unchanged;
	uint64_t failed;
	/** Called for every node (re)added, with its slot (optional). */
	void (*node_added)(void *arg, uint32_t idx);
	void *arg;
};

/**
 * Bring the control plane from the configuration old to nc: mobile nodes by id (removed,
 * changed, added), policy and pool. nc is kept by reference from now on. CP writer only.
 * @return 0 (rep says what was done) or -ENOMEM.
 */
int cp_reconfigure(struct cp *cp, const struct ha_cfg *old, const struct ha_cfg *nc,
		   uint64_t now_ms, struct cp_reconf_report *rep);

#endif /* CP_RECONF_H */
