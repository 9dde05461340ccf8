/* SPDX-License-Identifier: BSD-3-Clause */
/* The binding lookup stage (see dp_bind.h). */
#include <rte_prefetch.h>

#include "bc.h"
#include "dp_bind.h"

/*
 * With many bindings each packet's node counters are a cache miss: start them all for the
 * burst before the first is used, so that they overlap instead of stalling one packet after
 * another. The entries themselves the lookup already prefetched (bc_find6_bulk). Straight
 * from the lookup's answers: no indirection through the packet indexes.
 */
static inline void
prefetch_counters(const struct dp_lcore *lc, const struct bc_entry *const *e, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (e[i] != NULL && e[i]->mn < lc->seen_cap)
			rte_prefetch0(&lc->mn_ctr[e[i]->mn]);
}

/* Exact home addresses in bulk (one hash pass per family), then prefixes for the misses:
 * of what the burst's filter let through. */
void
dp_bind_lookup(const struct dp_lcore *lc, struct dp_bind_keys *k, const struct bc_entry **ent)
{
	const struct bc_entry *e6[DP_BURST_MAX], *e4[DP_BURST_MAX];
	unsigned int i, hits = 0;

	if (k->n6 > 0)
		hits += bc_filtered6_bulk(lc->bc, &k->f, k->k6, k->n6, e6);
	if (k->n4 > 0)
		hits += bc_filtered4_bulk(lc->bc, &k->f, k->k4, k->n4, e4);
	/* plain routing finds nothing: nothing to prefetch */
	if (hits > 0) {
		prefetch_counters(lc, e6, k->n6);
		prefetch_counters(lc, e4, k->n4);
	}
	for (i = 0; i < k->n6; i++)
		ent[k->idx6[i]] = e6[i];
	for (i = 0; i < k->n4; i++)
		ent[k->idx4[i]] = e4[i];
}
