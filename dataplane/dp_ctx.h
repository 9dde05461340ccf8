/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every worker reads and nobody changes while they run: ports and their addresses, the
 * home agent's local addresses, and the shared tables. Filled by the control lcore before
 * the workers are launched (l3fwd's lcore_conf).
 */
#ifndef DP_CTX_H
#define DP_CTX_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include "cfg.h"

#define DP_MAX_LOCAL (2 * CFG_MAX_PORTS + 2)
#define DP_MAX_WORKERS 64

struct bc;
struct dp_sadb;
struct dp_fib;
struct dp_neigh;
struct dp_adj;
struct dp_adj_table;
struct rte_mempool;
struct rte_ring;

struct dp_port_info {
	uint16_t port_id;             /**< ethdev port */
	uint16_t mtu;
	uint8_t role;                 /**< enum cfg_role bits */
	bool has4;
	bool has6;
	uint8_t mac[6];
	uint32_t ip4;                 /**< network order */
	struct in6_addr ip6;
	struct in6_addr ll6;          /**< link-local from the MAC */
	struct rte_ring *ctl_tx;      /**< control plane -> worker 0, when no queue of its own */
};

struct dp_ctx {
	uint16_t n_ports;
	uint8_t n_local4;
	uint8_t n_local6;
	bool has_ha4;
	uint32_t ha4;                 /**< network order */
	struct in6_addr ha6;
	uint32_t local4[DP_MAX_LOCAL];
	struct in6_addr local6[DP_MAX_LOCAL];
	uint64_t local4_filter;       /**< a bit per local address (dp_local4_bit): "not
				       *   ours", the common answer, without a compare each */
	uint64_t local6_filter;       /**< ... dp_local6_bit */
	uint32_t icmp_rate;           /**< ICMP errors per second per worker (a reload may
				       *   change it: read with __atomic_load_n) */
	uint32_t punt_rate;           /**< non-signalling punts per second, per kind per worker */
	bool ike_punt;                /**< IKE to us goes to the exception path (config
				       *   ike.tap), else it is dropped (HA_DROP_IKE) */
	uint8_t standby;              /**< the standby of a pair: every frame dropped, nothing
				       *   answered (the control lcore switches it: atomic) */
	struct dp_port_info port[CFG_MAX_PORTS];
	struct bc *bc;
	struct dp_fib *fib;
	struct dp_neigh *neigh;
	struct dp_adj_table *adjt;    /**< adjacencies: the control plane's side */
	const struct dp_adj *adj;     /**< ... the array workers read (bc_entry.adj - 1) */
	struct rte_mempool *pool;
	struct dp_sadb *sadb;         /**< security associations (NULL: no ESP) */
	uint16_t n_workers;
	struct rte_ring *esp_ring[DP_MAX_WORKERS]; /**< ESP steered to the SA's worker */
	/* the home-agents anycast address of each home prefix: only DHAAD Requests go to it
	 * (R6275 §10.5), so it is looked at for those alone, not among the local addresses
	 * every packet is compared with */
	uint8_t n_anycast6;
	struct in6_addr anycast6[CFG_MAX_HOME_PREFIXES];
};

/*
 * The local addresses' filter bits: every forwarded or tunnelled packet asks whether its
 * destination is one of ours, and almost always it is not. A multiply picks one bit of 64
 * per address; a clear bit answers "no" at once, a set one (ours, or one of a few in 64
 * others) goes on to the compares.
 */
static inline uint64_t
dp_local4_bit(uint32_t a)
{
	return 1ull << (((uint64_t)a * 0x9e3779b97f4a7c15ull) >> 58);
}

static inline uint64_t
dp_local6_bit(const void *a)
{
	uint64_t x[2];

	memcpy(x, a, 16);
	return 1ull << (((x[0] ^ x[1]) * 0x9e3779b97f4a7c15ull) >> 58);
}

/* Is a (network order) one of ours? */
static inline bool
dp_local4(const struct dp_ctx *c, uint32_t a)
{
	unsigned int i;

	if ((c->local4_filter & dp_local4_bit(a)) == 0)
		return false;
	for (i = 0; i < c->n_local4; i++)
		if (c->local4[i] == a)
			return true;
	return false;
}

/* Is the IPv4 address at p (in a packet: any alignment) one of ours? */
static inline bool
dp_local4_at(const struct dp_ctx *c, const void *p)
{
	uint32_t a;

	memcpy(&a, p, 4);
	return dp_local4(c, a);
}

/* Is the IPv6 address at a (any alignment) one of ours? */
static inline bool
dp_local6(const struct dp_ctx *c, const void *a)
{
	uint64_t x[2], y[2];
	unsigned int i;

	if ((c->local6_filter & dp_local6_bit(a)) == 0)
		return false;
	/* two 64-bit compares each (fixed-size copies: no library call per address) */
	memcpy(x, a, 16);
	for (i = 0; i < c->n_local6; i++) {
		memcpy(y, &c->local6[i], 16);
		if (x[0] == y[0] && x[1] == y[1])
			return true;
	}
	return false;
}

/* Before the workers run: a is ours (nothing if it is already, or the list is full). */
static inline void
dp_ctx_add_local4(struct dp_ctx *c, uint32_t a)
{
	if (dp_local4(c, a) || c->n_local4 >= DP_MAX_LOCAL)
		return;
	c->local4[c->n_local4++] = a;
	c->local4_filter |= dp_local4_bit(a);
}

static inline void
dp_ctx_add_local6(struct dp_ctx *c, const struct in6_addr *a)
{
	if (dp_local6(c, a) || c->n_local6 >= DP_MAX_LOCAL)
		return;
	c->local6[c->n_local6++] = *a;
	c->local6_filter |= dp_local6_bit(a);
}

/* Is a one of the home-agents anycast addresses (a DHAAD Request's destination)? */
static inline bool
dp_anycast6(const struct dp_ctx *c, const void *a)
{
	/* a reload empties the list before it rewrites it (dp_setup_anycast) */
	unsigned int i, n = __atomic_load_n(&c->n_anycast6, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		if (memcmp(a, &c->anycast6[i], 16) == 0)
			return true;
	return false;
}

#endif /* DP_CTX_H */
