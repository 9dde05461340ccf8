/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Adjacencies (VPP's word): where tunnelled traffic toward one next hop leaves, resolved
 * once by the control plane instead of per packet by the workers: the egress port, the
 * next hop's MAC and the egress MTU. The control plane resolves a binding's care-of
 * address to an adjacency (route, then neighbour) when it publishes the binding, and the
 * binding entry names it (bc_entry.adj): a worker encapsulating for that binding writes
 * the Ethernet header from it and never looks up a route or a neighbour.
 *
 * Back-walk: when the next hop's neighbour entry resolves, changes MAC or goes, the
 * control plane rewrites the adjacency's MAC word (MAC and "resolved" in one 64-bit
 * atomic store): every binding stacked on it follows at once, none is republished. Routes
 * change only with a restart (cp_reload refuses them), so nothing else moves a binding to
 * another adjacency. A worker that finds its adjacency unresolved (or the binding without
 * one: the table full) takes the general path, which holds the packet and has the next hop
 * resolved; once it is, the adjacency turns resolved and the binding fast.
 *
 * Lifetime: ids are counted by the entries that name them; an id no entry names any more
 * is reused only after an RCU grace period of the binding cache's readers (a worker may
 * still hold an entry that named it).
 */
#ifndef DP_ADJ_H
#define DP_ADJ_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include "wire_pkt.h"

#define DP_ADJ_NONE UINT32_MAX

/** What a worker reads: 32 bytes, two to a cache line. */
struct dp_adj {
	uint64_t mac;                 /**< bytes 0-5: the next hop's MAC, byte 6: 1 when
				       *   resolved (one atomic store, dp_adj_mac) */
	uint16_t port;                /**< egress port index */
	uint16_t mtu;                 /**< egress MTU */
	uint8_t family;               /**< of the next hop: 4 or 6 */
	uint8_t pad[3];
	uint8_t src_type[8];          /**< the rest of the Ethernet header: the port's MAC and
				       *   the EtherType (never change while the id is used) */
	uint8_t pad2[8];
};

struct dp_ctx;
struct dp_adj_table;
struct rte_rcu_qsbr;

struct dp_adj_stats {
	uint32_t capacity;
	uint32_t used;                /**< adjacencies some binding names */
	uint32_t resolved;            /**< ... of which resolved */
	uint64_t created;
	uint64_t full;                /**< bindings left without one (the table was full) */
	uint64_t rewrites;            /**< MAC word rewrites (neighbour resolved/changed/gone) */
};

/** @return a table of capacity adjacencies, or NULL (rte_errno). v: the readers' RCU
 *  variable (NULL: ids are reused at once, for tests without workers). */
struct dp_adj_table *dp_adj_create(uint32_t capacity, struct rte_rcu_qsbr *v, int socket);
void dp_adj_free(struct dp_adj_table *t);

/** The array workers index with bc_entry.adj. */
const struct dp_adj *dp_adj_array(const struct dp_adj_table *t);

/** DP reader: the adjacency's MAC into mac when resolved. */
static inline bool
dp_adj_mac(const struct dp_adj *a, uint8_t mac[8])
{
	uint64_t w = __atomic_load_n(&a->mac, __ATOMIC_RELAXED);

	memcpy(mac, &w, 8);
	return mac[6] != 0;
}

/** DP: the Ethernet header toward a's next hop at eth (14 bytes): mac as dp_adj_mac read
 *  it, then the port's MAC and the EtherType. */
static inline void
dp_adj_write_eth(const struct dp_adj *a, const uint8_t mac[8], uint8_t *eth)
{
	memcpy(eth, mac, 6);
	memcpy(eth + 6, a->src_type, 8);
}

/**
 * DP: the Ethernet header toward a's next hop in front of m (data at its IP header).
 * @return false, m untouched, when there is no adjacency (a NULL), it is unresolved, or m
 *         has no headroom: the general path's packet.
 */
static inline bool
dp_adj_prepend_eth(const struct dp_adj *a, struct rte_mbuf *m)
{
	uint8_t mac[8];

	if (a == NULL || !dp_adj_mac(a, mac) || rte_pktmbuf_headroom(m) < WIRE_ETH_HLEN)
		return false;
	dp_adj_write_eth(a, mac, (uint8_t *)rte_pktmbuf_prepend(m, WIRE_ETH_HLEN));
	return true;
}

/**
 * CP: a reference to the adjacency toward dst (family 4: network-order IPv4 in the first
 * 4 bytes; 6: 16 bytes) through c's FIB, created if needed with its neighbour's MAC if c's
 * neighbour table has it. @return its id, or DP_ADJ_NONE (no route, or the table full).
 */
uint32_t dp_adj_ref(struct dp_adj_table *t, const struct dp_ctx *c, uint8_t family,
		    const void *dst);
/** CP: drop a reference (DP_ADJ_NONE: nothing). */
void dp_adj_unref(struct dp_adj_table *t, uint32_t id);

/** CP: neighbour (family, port, ip) resolved to mac, or went (mac NULL): the adjacency
 *  toward it, if any, follows. */
void dp_adj_neigh(struct dp_adj_table *t, uint8_t family, uint16_t port, const void *ip,
		  const uint8_t *mac);

/** CP: references held on id (tests, invariants). */
uint32_t dp_adj_refs(const struct dp_adj_table *t, uint32_t id);

void dp_adj_stats_get(const struct dp_adj_table *t, struct dp_adj_stats *st);

#endif /* DP_ADJ_H */
