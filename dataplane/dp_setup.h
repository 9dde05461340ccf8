/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wiring of the data plane before launch: the read-only context (ports, local addresses,
 * FIB, neighbor table), the punt rings (worker -> control plane), the control TX rings
 * (control plane -> worker 0), the ESP steering rings (worker -> the SA's worker), and
 * each worker's TX buffers, crypto queue pair and per-SA counters.
 */
#ifndef DP_SETUP_H
#define DP_SETUP_H

#include <rte_lcore.h>

#include "dp_ctx.h"
#include "dp_lcore.h"
#include "dp_port.h"

#define DP_CTL_TX_RING 1024           /* control plane -> worker 0, per port without a queue */

struct dp_setup {
	struct dp_ctx ctx;
	unsigned int n_workers;
	struct rte_ring *punt[RTE_MAX_LCORE];  /**< worker -> control plane: the rest */
	struct rte_ring *sig[RTE_MAX_LCORE];   /**< worker -> control plane: signalling */
};

/** @return 0, or a negative errno with the reason logged. */
int dp_setup_init(struct dp_setup *s, const struct ha_cfg *cfg, const struct dp_port *ports,
		  unsigned int n_ports, struct bc *bc, struct dp_sadb *sadb,
		  struct rte_mempool *pool, struct dp_lcore *workers, unsigned int n_workers);

/**
 * Make the home-agents anycast addresses (RFC 2526) of cfg's home prefixes the ones workers
 * answer DHAAD on. Running workers first see an empty list, and see the new one only
 * after sync(arg) returned (a grace period: none still reads the old one).
 */
void dp_setup_anycast(struct dp_ctx *c, const struct ha_cfg *cfg, void (*sync)(void *),
		      void *arg);

/** Undo dp_setup_init (workers stopped). */
void dp_setup_fini(struct dp_setup *s, struct dp_lcore *workers);

#endif /* DP_SETUP_H */
