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
	/** Called for every node (re)added, with its slot (optional). */
	void (*node_added)(void *arg, uint32_t idx);
	void *arg;
};

/**
 * Bring the control plane from the configuration old to nc, all or nothing: mobile nodes
 * by id (removed, changed, added; run-time nodes the file does not name stay), policy and
 * pool. On success nc is kept by reference from now on; on failure old stays in force and
 * nothing changed (bindings included). CP writer only.
 * @return 0 (rep says what was done); -EINVAL, the resulting set of nodes is inconsistent;
 *         another negative errno, an addition failed and everything was undone; err says why.
 */
int cp_reconfigure(struct cp *cp, const struct ha_cfg *old, const struct ha_cfg *nc,
		   uint64_t now_ms, struct cp_reconf_report *rep, char *err, size_t errlen);

#endif /* CP_RECONF_H */
