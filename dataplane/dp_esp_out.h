/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The outbound ESP stage: packets for a binding whose node has a payload SA are encrypted
 * (rte_ipsec, a burst per SA), then get the binding's current outer header (seed 001 §4.1:
 * the care-of address and NAT state of the moment, not the SA's) and go out.
 */
#ifndef DP_ESP_OUT_H
#define DP_ESP_OUT_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "bc_entry.h"
#include "dp_lcore.h"

/**
 * Inner packets (data at the IP header, TTL already decremented) for bindings with a
 * payload SA: encrypt, then the binding's outer header, then route. Consumes every packet.
 */
void dp_esp_tx(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
	       const struct bc_entry *const *ents, uint16_t n);

#endif /* DP_ESP_OUT_H */
