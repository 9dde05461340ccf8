/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Preload: Binding Updates from a pcap file taken in before the workers start, through
 * worker 0's receive path (classification, decapsulation, ESP to the control plane) and the
 * control plane's, one burst at a time with the punt ring drained in between. Bindings come
 * up exactly as if the frames had arrived on the port; the BAs are sent. Bulk provisioning,
 * tests and the benchmark's control-plane case (its BU rate) use it.
 */
#ifndef CP_PRELOAD_H
#define CP_PRELOAD_H

#include <stdint.h>

#include <rte_mempool.h>

#include "cp_io.h"
#include "dp_lcore.h"

struct cp_preload_stats {
	uint64_t frames;
	uint64_t seconds_ns;          /**< wall time of the whole preload */
};

/**
 * Run the frames of path through workers[0] (none launched yet) as received on port index
 * port, and io; after each burst, every worker's ring of steered ESP (a node's payload SA
 * belongs to one worker; its first packet shows the NAT's mapping). clock_ms gives the
 * control plane's clock. @return 0 or -1 (logged).
 */
int cp_preload(const char *path, struct dp_lcore *workers, unsigned int n_workers,
	       uint16_t port, struct cp_io *io, struct rte_mempool *pool,
	       uint64_t (*clock_ms)(void *), void *clock_arg, struct cp_preload_stats *st);

#endif /* CP_PRELOAD_H */
