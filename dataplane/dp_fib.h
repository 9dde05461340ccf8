/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding table: connected subnets of the ports and the static routes of the
 * configuration, in rte_lpm / rte_lpm6. Built once before the workers start and read-only
 * afterwards (a reload builds a new one and swaps it at a quiescent point).
 */
#ifndef DP_FIB_H
#define DP_FIB_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

struct ha_cfg;

/** A next hop: leave by port (index into the configured ports) towards gw, or on-link. */
struct dp_nh {
	uint16_t port;
	bool connected;               /**< the destination itself is the next hop */
	uint32_t gw4;                 /**< network order */
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

#endif /* DP_FIB_H */
