/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The encapsulation stage: packets for bindings without a payload SA get their binding's
 * outer header (the template: IPv6, IPv4, UDP 4191, UDP 4191 + TLV) and the Ethernet header
 * of the adjacency toward its care-of address in one pass, and go into the egress port's
 * TX buffer. Too big: ICMP Packet Too Big / Fragmentation Needed with the tunnel's MTU, or
 * IPv4 fragments first; no adjacency yet: the general route (dp_out.h).
 */
#ifndef DP_ENCAP_STAGE_H
#define DP_ENCAP_STAGE_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "bc_entry.h"
#include "dp_lcore.h"

/** Tunnel m[i] (data at the IP header, TTL done) to e[i]'s care-of address; in_port is
 *  where they came in (for ICMP errors). Consumes every packet. */
void dp_encap_burst(struct dp_lcore *lc, uint16_t in_port, struct rte_mbuf **m,
		    const struct bc_entry **e, uint16_t n);

#endif /* DP_ENCAP_STAGE_H */
