/* SPDX-License-Identifier: BSD-3-Clause */
/* Log types of the home agent, in DPDK's type.section.name scheme. */
#ifndef HA_LOG_H
#define HA_LOG_H

#include <rte_log.h>

extern int ha_logtype_cfg; /**< user.ha.cfg: configuration load and validation */
extern int ha_logtype_cp;  /**< user.ha.cp: control plane, signalling, audit */
extern int ha_logtype_dp;  /**< user.ha.dp: data plane (setup; hot path uses HA_DP_LOG) */

#define HA_LOG(level, type, fmt, ...) \
	rte_log(RTE_LOG_ ## level, ha_logtype_ ## type, "ha." #type ": " fmt "\n", ##__VA_ARGS__)

#define CFG_LOG(level, fmt, ...) HA_LOG(level, cfg, fmt, ##__VA_ARGS__)
#define CP_LOG(level, fmt, ...) HA_LOG(level, cp, fmt, ##__VA_ARGS__)
#define DP_LOG(level, fmt, ...) HA_LOG(level, dp, fmt, ##__VA_ARGS__)

/*
 * Audit lines of the control plane: the arguments (address formatting) are evaluated only
 * when the line will be written.
 */
#define CP_AUDIT(fmt, ...) do {                                            \
	if (rte_log_can_log(ha_logtype_cp, RTE_LOG_INFO))                  \
		HA_LOG(INFO, cp, fmt, ##__VA_ARGS__);                     \
} while (0)

/* Hot path: compiled out above RTE_LOG_DP_LEVEL, as DPDK's RTE_LOG_DP. */
#define HA_DP_LOG(level, fmt, ...) \
	RTE_LOG_DP(level, USER1, "ha.dp: " fmt "\n", ##__VA_ARGS__)

#endif /* HA_LOG_H */
