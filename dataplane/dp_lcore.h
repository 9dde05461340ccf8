/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-worker state: its queue on every port and its own counters (written by it alone). */
#ifndef DP_LCORE_H
#define DP_LCORE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "bc.h"
#include "cfg.h"
#include "ha_counters.h"

/** Counters of one worker, summed when telemetry reads them. */
struct dp_stats {
	uint64_t rx_pkts[CFG_MAX_PORTS];
	uint64_t rx_bytes[CFG_MAX_PORTS];
	uint64_t tx_pkts[CFG_MAX_PORTS];
	uint64_t tx_bytes[CFG_MAX_PORTS];
	uint64_t drops[HA_DROP_MAX];
	uint64_t loops;
	uint64_t busy_loops;           /**< iterations that received at least one packet */
};

struct dp_lcore {
	unsigned int lcore_id;
	uint16_t worker;               /**< 0..n_workers-1 */
	uint16_t queue;                /**< this worker's RX and TX queue on every port */
	uint16_t n_ports;
	uint16_t burst;
	uint16_t port_ids[CFG_MAX_PORTS];
	const volatile bool *quit;     /**< set by the signal handler */
	struct bc *bc;                 /**< shared tables; this worker is RCU reader rcu_tid */
	unsigned int rcu_tid;
	struct dp_stats stats __rte_cache_aligned;
} __rte_cache_aligned;

/** lcore entry point of a worker; arg is its struct dp_lcore. Returns 0 when *quit is set. */
int dp_worker_main(void *arg);

#endif /* DP_LCORE_H */
