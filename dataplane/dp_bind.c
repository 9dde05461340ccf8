/* SPDX-License-Identifier: BSD-3-Clause */
/* The binding lookup stage (see dp_bind.h). */
#include <string.h>

#include <rte_prefetch.h>

#include "bc.h"
#include "dp_bind.h"

/*
 * With many bindings each packet's entry (its outer-header template) and its node's counters
 * are cache misses: start them all for the burst before the first is used, so that they
 * overlap instead of stalling one packet after another.
 */
static inline void
prefetch_bindings(const struct dp_lcore *lc, const struct dp_bind_keys *k,
		  const struct bc_entry **ent)
{
	uint16_t i, n = (uint16_t)(k->n6 + k->n4);

	for (i = 0; i < n; i++) {
		const struct bc_entry *e = ent[i < k->n6 ? k->idx6[i] : k->idx4[i - k->n6]];

		if (e != NULL) {
			rte_prefetch0(e);
			rte_prefetch0((const uint8_t *)e + RTE_CACHE_LINE_SIZE);
		}
	}
	for (i = 0; i < n; i++) {
		const struct bc_entry *e = ent[i < k->n6 ? k->idx6[i] : k->idx4[i - k->n6]];

		if (e != NULL && e->mn < lc->seen_cap)
			rte_prefetch0(&lc->mn_ctr[e->mn]);
	}
}

/* Exact home addresses in bulk (one hash pass per family), then prefixes for the misses. */
void
dp_bind_lookup(const struct dp_lcore *lc, struct dp_bind_keys *k, const struct bc_entry **ent)
{
	const struct bc_entry *e6[DP_BURST_MAX], *e4[DP_BURST_MAX];
	uint16_t i;

	if (k->n6 > 0)
		bc_lookup6_bulk(lc->bc, k->k6, k->n6, e6);
	if (k->n4 > 0)
		bc_lookup4_bulk(lc->bc, k->k4, k->n4, e4);
	for (i = 0; i < k->n6; i++)
		ent[k->idx6[i]] = e6[i] != NULL ? e6[i] : bc_lookup_prefix6(lc->bc, k->k6[i]);
	for (i = 0; i < k->n4; i++) {
		uint32_t a;

		/* the key points into a packet (2 mod 4 after Ethernet): read it as bytes */
		memcpy(&a, k->k4[i], 4);
		ent[k->idx4[i]] = e4[i] != NULL ? e4[i] : bc_lookup_prefix4(lc->bc, a);
	}
	prefetch_bindings(lc, k, ent);
}
