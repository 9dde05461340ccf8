/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The decapsulation stage: tunnels to the home agent (IPv6-in-IPv6, IPv4-in-IPv4/IPv6, UDP
 * 4191 with or without the TLV header) checked against the binding of their inner source
 * (reverse-tunnel anti-spoofing: the outer source must be its care-of address, and its NAT
 * port), signalling inside them punted, the rest stripped to the inner packet.
 */
#ifndef DP_DECAP_STAGE_H
#define DP_DECAP_STAGE_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "dp_lcore.h"
#include "wire_pkt.h"

/**
 * Decapsulate pkts[0..n) (frames from L2, ws their parses) that came in on port index
 * port; what is to be forwarded is appended to fwd[nf..] with its data at the inner IP
 * header. Consumes the rest. @return the new count of fwd.
 */
uint16_t dp_decap_burst(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
			struct wire_pkt **ws, uint16_t n, struct rte_mbuf **fwd, uint16_t nf);

#endif /* DP_DECAP_STAGE_H */
