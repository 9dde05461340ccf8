/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding table: connected subnets of the ports and the static routes of the
 * configuration, in rte_lpm / rte_fib6 (dp_fib.c says why). Built once before the workers
 * start and read-only afterwards (a reload builds a new one and swaps it at a quiescent
 * point).
 */
#ifndef DP_FIB_H
#define DP_FIB_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

struct ha_cfg;
struct dp_ctx;
struct dp_adj_table;

/** A next hop: leave by port (index into the configured ports) towards gw, or on-link. */
struct dp_nh {
	uint16_t port;
	bool connected;               /**< the destination itself is the next hop */
	uint8_t family;               /**< 4 or 6 */
	uint32_t gw4;                 /**< network order */
	uint32_t adj;                 /**< a gateway's adjacency + 1 (dp_fib_attach_adj); 0:
				       *   none (connected: each destination is its own) */
	struct in6_addr gw6;
};

struct dp_fib;

/** @return a FIB of cfg's connected subnets and routes, or NULL (rte_errno). */
struct dp_fib *dp_fib_create(const struct ha_cfg *cfg, const char *name, int socket);
void dp_fib_free(struct dp_fib *f);

/**
 * Route dst. On success *port is the egress port index and *nh the address whose MAC to use
 * (dst itself when connected). DP reader: the tables never change under the workers.
 * @return 0 or -ENOENT (no route).
 */
int dp_fib_lookup4(const struct dp_fib *f, uint32_t dst, uint16_t *port, uint32_t *nh);
int dp_fib_lookup6(const struct dp_fib *f, const struct in6_addr *dst, uint16_t *port,
		   struct in6_addr *nh);

/** The next hop toward dst (network order / 16 bytes, any alignment), NULL: no route. */
const struct dp_nh *dp_fib_nh4(const struct dp_fib *f, uint32_t dst);
const struct dp_nh *dp_fib_nh6(const struct dp_fib *f, const uint8_t *dst);

/**
 * Bulk: the next hop of each of n destinations (dst4: network order; dst6: 16 bytes each,
 * any alignment), NULL where there is no route. n <= 64. DP reader.
 */
void dp_fib_lookup4_bulk(const struct dp_fib *f, const uint32_t *dst4, unsigned int n,
			 const struct dp_nh **nh);
void dp_fib_lookup6_bulk(const struct dp_fib *f, const uint8_t (*dst6)[16], unsigned int n,
			 const struct dp_nh **nh);

/** Before the workers start: stack every gateway next hop on its adjacency (held for the
 *  process's life: routes change only with a restart), so that routing through a gateway
 *  needs no neighbour lookup. */
void dp_fib_attach_adj(struct dp_fib *f, struct dp_adj_table *t, const struct dp_ctx *c);

#endif /* DP_FIB_H */
