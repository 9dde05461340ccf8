/* SPDX-License-Identifier: BSD-3-Clause */
/* Leaving the home agent: route, resolve the next hop, write Ethernet, buffer for TX. */
#ifndef DP_OUT_H
#define DP_OUT_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "dp_lcore.h"

/**
 * Route the IP packet m (data at the IP header) and send it: FIB, MTU, neighbor, Ethernet,
 * this worker's TX buffer. An unresolved next hop hands m to the control plane, which holds
 * it while it resolves. Always consumes m. DP only.
 */
void dp_out_route(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t in_port);

/** dp_out_route for n packets (n <= DP_BURST_MAX): one bulk FIB lookup per family;
 *  through a gateway the next hop's adjacency, no neighbour lookup. */
void dp_out_route_burst(struct dp_lcore *lc, struct rte_mbuf **m, uint16_t n, uint16_t in_port);

/** Prepend Ethernet and buffer m on port (index) for this worker's queue. Consumes m. */
void dp_out_l2(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t port, const uint8_t *dst_mac,
	       uint16_t ethertype);

/**
 * Send what a stage finished from one burst: m[0..n) (Ethernet written, n <= DP_BURST_MAX)
 * with their egress port indexes p[]. When they all leave by one port, the usual case, they
 * go into its TX buffer in one copy and are counted once; else one by one. Consumes them.
 */
void dp_out_tx_list(struct dp_lcore *lc, struct rte_mbuf **m, const uint8_t *p, uint16_t n);

/** What a stage has ready to send from one burst, in order, with each egress port. */
struct dp_tx_list {
	struct rte_mbuf *m[DP_BURST_MAX];
	uint8_t port[DP_BURST_MAX];
	uint16_t n;
};

static inline void
dp_tx_list_add(struct dp_tx_list *l, struct rte_mbuf *m, uint16_t port)
{
	l->port[l->n] = (uint8_t)port;
	l->m[l->n++] = m;
}

/** Send what l holds (dp_out_tx_list) and empty it: at the end of a stage, and before a
 *  packet the general path sends, so that a flow's packets leave in their order. */
static inline void
dp_tx_list_flush(struct dp_lcore *lc, struct dp_tx_list *l)
{
	dp_out_tx_list(lc, l->m, l->port, l->n);
	l->n = 0;
}

/** Give m to the control plane with its metadata filled. Consumes m (dropped if full). */
void dp_out_punt(struct dp_lcore *lc, struct rte_mbuf *m, enum ha_event ev);

/**
 * An ICMP error about the IP packet at ip (len bytes) received on in_port: ICMPv4
 * type/code (frag needed with mtu) or ICMPv6 type/code with param, rate limited per worker.
 */
void dp_out_icmp_error(struct dp_lcore *lc, const uint8_t *ip, uint16_t len, uint16_t in_port,
		       uint8_t type, uint8_t code, uint32_t param);

/**
 * The IP packet at ip (len bytes, from in_port) does not fit mtu: ICMPv6 "packet too big",
 * or ICMPv4 "fragmentation needed" when DF is set (RFC 8201 / RFC 1191), rate limited. The
 * home agent never fragments; the caller drops the packet.
 */
void dp_out_too_big(struct dp_lcore *lc, const uint8_t *ip, uint16_t len, uint16_t in_port,
		    uint16_t mtu);

struct bc_entry;
/** The MTU of the port toward e's care-of address: its adjacency's, else routed.
 *  @return 0, or -ENOENT (no route). */
int dp_out_coa_mtu(const struct dp_lcore *lc, const struct bc_entry *e, uint16_t *mtu);

/**
 * A tunnelled packet for binding e (data at its outer IP header) out toward the care-of
 * address: with e's adjacency resolved, its Ethernet header and this worker's TX buffer (no
 * route, no neighbour lookup: dataplane/dp_adj.h); else dp_out_route. Consumes m.
 */
void dp_out_tunnel(struct dp_lcore *lc, struct rte_mbuf *m, const struct bc_entry *e,
		   uint16_t in_port);

/** Send what is buffered. */
void dp_out_flush(struct dp_lcore *lc);

#endif /* DP_OUT_H */
