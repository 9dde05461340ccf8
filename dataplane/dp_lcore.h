/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-worker state: its queue on every port, TX buffers, rings and its own counters. */
#ifndef DP_LCORE_H
#define DP_LCORE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "bc.h"
#include "cfg.h"
#include "dp_ctx.h"
#include "dp_punt.h"
#include "dp_sa.h"
#include "ha_counters.h"

#define DP_BURST_MAX 64
#define DP_SEEN_INTERVAL_S 10         /* NAT freshness reports, per binding, at most */

/**
 * The stages of a worker's path, as VPP's "show runtime" shows its nodes: each burst's
 * time in a stage is one rte_rdtsc at the stage's end (the next stage starts there), so
 * a stage costs a timestamp per burst, not per packet.
 */
enum dp_stage {
	DP_ST_RX,          /**< rte_eth_rx_burst, parse and classify */
	DP_ST_BIND,        /**< forwarding checks (TTL, link-local), binding-cache lookups */
	DP_ST_DECAP,       /**< tunnel checks (anti-spoof) and decapsulation */
	DP_ST_ROUTE,       /**< plain routing (FIB, adjacency or neighbour, TX buffer) */
	DP_ST_ENCAP,       /**< encapsulation from the template, adjacency, TX buffer */
	DP_ST_ESP_IN,      /**< inbound ESP (rte_ipsec), steering */
	DP_ST_ESP_OUT,     /**< outbound ESP (rte_ipsec) */
	DP_ST_TX,          /**< the TX buffers flushed (rte_eth_tx_burst) */
	DP_ST_MAX,
};

extern const char *const dp_stage_names[DP_ST_MAX];

struct dp_stage_ctr {
	uint64_t pkts;
	uint64_t calls;                /**< bursts through the stage */
	uint64_t tsc;
};

/** Counters of one worker, summed when telemetry reads them. */
struct dp_stats {
	uint64_t rx_pkts[CFG_MAX_PORTS];
	uint64_t rx_bytes[CFG_MAX_PORTS];
	uint64_t tx_pkts[CFG_MAX_PORTS];
	uint64_t tx_bytes[CFG_MAX_PORTS];
	uint64_t drops[HA_DROP_MAX];
	uint64_t events[HA_EV_MAX];
	uint64_t loops;
	uint64_t busy_loops;           /**< iterations that received at least one packet */
	uint64_t busy_tsc;             /**< TSC spent in iterations that received packets */
	struct dp_stage_ctr stage[DP_ST_MAX];
};

/** One mobile node's traffic through this worker: from it (decapsulated) and to it. */
struct dp_mn_ctr {
	uint64_t rx_pkts;
	uint64_t rx_bytes;
	uint64_t tx_pkts;
	uint64_t tx_bytes;
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
	const struct dp_ctx *ctx;      /**< NULL: receive and count only (tests, benchmarks) */
	struct rte_ring *punt;         /**< to the control plane: neighbor work, events */
	struct rte_ring *sig;          /**< to the control plane: signalling, drained first */
	uint64_t punt_tokens[DP_PUNT_KINDS]; /**< thousandths of a punt, per kind */
	uint64_t punt_last_tsc[DP_PUNT_KINDS];
	struct rte_eth_dev_tx_buffer *txb[CFG_MAX_PORTS];
	uint64_t icmp_tokens;          /**< thousandths of an ICMP error */
	uint64_t icmp_last_tsc;
	uint64_t tsc_hz;
	uint64_t tsc_mark;             /**< where the current stage began (dp_stage_end) */
	uint32_t *seen_s;              /**< per mobile node: last SEEN report, seconds */
	uint32_t *natt_s;              /**< per mobile node: last ESP_NATT report, seconds */
	uint32_t seen_cap;
	struct dp_sa_ctr *sa_ctr;      /**< per SA slot, this worker's share */
	struct dp_mn_ctr *mn_ctr;      /**< per mobile node (seen_cap entries) */
	struct dp_esp_lcore esp;       /**< its crypto queue pair */
	struct dp_stats stats __rte_cache_aligned;
} __rte_cache_aligned;

/** End of stage s for n packets: the time since the last stage ended (lc->tsc_mark) is
 *  its; the next stage begins now. */
static inline void
dp_stage_end(struct dp_lcore *lc, enum dp_stage s, uint32_t n)
{
	uint64_t t = rte_rdtsc();
	struct dp_stage_ctr *c = &lc->stats.stage[s];

	c->pkts += n;
	c->calls += n > 0;            /* 0: more time of a burst counted at its end */
	c->tsc += t - lc->tsc_mark;
	lc->tsc_mark = t;
}

/* Count m as dropped for why and free it. */
static inline void
dp_drop(struct dp_lcore *lc, struct rte_mbuf *m, enum ha_drop why)
{
	lc->stats.drops[why]++;
	rte_pktmbuf_free(m);
}

static inline void
dp_mn_rx(struct dp_lcore *lc, uint32_t mn, uint32_t bytes)
{
	if (mn < lc->seen_cap) {
		lc->mn_ctr[mn].rx_pkts++;
		lc->mn_ctr[mn].rx_bytes += bytes;
	}
}

/* dp_mn_tx with the counter array and its size passed in: a stage loop that writes packet
 * bytes (which may alias anything) keeps them in registers instead of reloading both */
static inline void
dp_mn_tx_in(struct dp_mn_ctr *ctr, uint32_t cap, uint32_t mn, uint32_t bytes)
{
	if (mn < cap) {
		ctr[mn].tx_pkts++;
		ctr[mn].tx_bytes += bytes;
	}
}

static inline void
dp_mn_tx(struct dp_lcore *lc, uint32_t mn, uint32_t bytes)
{
	dp_mn_tx_in(lc->mn_ctr, lc->seen_cap, mn, bytes);
}

/**
 * What a worker does with a received burst on port index port (frames from L2). Called by
 * the worker loop, and by the preload on the main lcore before the workers start.
 */
void dp_worker_rx(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n);

/** lcore entry point of a worker; arg is its struct dp_lcore. Returns 0 when *quit is set. */
int dp_worker_main(void *arg);

/** Allocate lc's TX buffers (one per port). @return 0 or -ENOMEM. */
int dp_lcore_init_tx(struct dp_lcore *lc, int socket);
void dp_lcore_fini(struct dp_lcore *lc);

#endif /* DP_LCORE_H */
