/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The binding lookup stage: the addresses of a burst (destinations to forward, inner
 * sources to check) collected per family, then one bulk exact lookup per family, prefixes
 * for the misses, and each hit's entry and node counters prefetched for the stages after.
 */
#ifndef DP_BIND_H
#define DP_BIND_H

#include <stdint.h>

#include "bc.h"
#include "bc_entry.h"
#include "dp_lcore.h"

/*
 * Addresses to look up in the binding cache, per family, with where each answer goes, and
 * the burst's filter (bc.h: what can have a binding at all). The counts are of a type no
 * other member has (and no byte array): a store into idx or k cannot alias them, so a loop
 * adding keys keeps them in registers instead of storing and reloading them for every
 * packet (perf showed that chain in the forwarding stage).
 */
struct dp_bind_keys {
	const struct in6_addr *k6[DP_BURST_MAX];
	const uint32_t *k4[DP_BURST_MAX];
	uint16_t idx6[DP_BURST_MAX];
	uint16_t idx4[DP_BURST_MAX];
	unsigned int n6;
	unsigned int n4;
	struct bc_filter f;
};

/** Start gathering a burst's keys. */
static inline void
dp_bind_begin(const struct dp_lcore *lc, struct dp_bind_keys *k)
{
	k->n6 = k->n4 = 0;
	bc_filter_get(lc->bc, &k->f);
}

/**
 * Add addr (16 bytes, or 4 in network order) for packet index i, unless no binding can own
 * it (outside the home ranges and outside the ranges covering the registered prefixes,
 * bc_filter_may6/4): then nothing is looked up and the caller's answer for i stays NULL. Plain routing and the correspondents of decapsulated
 * packets stop here instead of passing through the lookup's calls.
 */
static inline void
dp_bind_add(struct dp_bind_keys *k, uint16_t i, int family, const uint8_t *addr)
{
	if (family == 6) {
		if (!bc_filter_may6(&k->f, addr))
			return;
		k->k6[k->n6] = (const struct in6_addr *)(const void *)addr;
		k->idx6[k->n6++] = i;
	} else {
		if (!bc_filter_may4(&k->f, addr))
			return;
		k->k4[k->n4] = (const uint32_t *)(const void *)addr;
		k->idx4[k->n4++] = i;
	}
}

/** Look up every key of k; ent[i] for the packet index each key was added with (NULL: no
 *  binding; the caller sets every ent[i] to NULL first). Prefetches what the hits' next
 *  stages read. */
void dp_bind_lookup(const struct dp_lcore *lc, struct dp_bind_keys *k,
		    const struct bc_entry **ent);

#endif /* DP_BIND_H */
