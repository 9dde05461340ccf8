/* SPDX-License-Identifier: BSD-3-Clause */
/* What the ESP stages, inbound (dp_esp_in.c) and outbound (dp_esp_out.c), share. */
#ifndef DP_ESP_STAGE_H
#define DP_ESP_STAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "bc_entry.h"
#include "dp_esp.h"
#include "dp_lcore.h"
#include "dp_sa.h"

/* While a packet is staged for ESP, its mbuf private area says where it belongs. */
struct esp_meta {
	const struct bc_entry *e;     /* outbound: the binding */
	uint32_t slot;                /* the SA */
	uint32_t gen;                 /* inbound: which SA of that slot (dp_sa.gen) */
	uint32_t src4;                /* inbound over UDP 4500: outer source, network order */
	uint16_t sport;               /* ... and UDP source port, host order */
	uint16_t port;                /* arrival port */
	uint8_t natt;                 /* inbound over UDP 4500 */
	uint8_t tos;                  /* outbound: the inner DSCP/ECN */
	uint16_t len;                 /* outbound: the inner packet's length */
};

_Static_assert(sizeof(struct esp_meta) <= DP_MBUF_PRIV, "ESP metadata fits the mbuf area");

static inline struct esp_meta *
esp_meta(struct rte_mbuf *m)
{
	return (struct esp_meta *)rte_mbuf_to_priv(m);
}

/*
 * rte_ipsec takes a burst per SA. next[i]: the next packet after i with the same SA slot,
 * or n: one pass over the burst with a small open-addressed table (twice the burst), so
 * that grouping costs the same whether the burst has one SA or one per packet.
 */
static inline void
dp_esp_link_sas(const uint32_t *slot, uint16_t n, uint16_t *next)
{
	enum { SIZE = 2 * DP_BURST_MAX };
	uint32_t key[SIZE];
	uint16_t last[SIZE];
	uint8_t used[SIZE];
	uint16_t i;

	memset(used, 0, sizeof(used));
	for (i = 0; i < n; i++) {
		uint32_t h = (slot[i] * 0x9e3779b1u) >> 25;   /* 7 bits: SIZE = 128 */

		while (used[h] && key[h] != slot[i])
			h = (h + 1) & (SIZE - 1);
		if (used[h]) {
			next[last[h]] = i;
		} else {
			used[h] = 1;
			key[h] = slot[i];
		}
		last[h] = i;
		next[i] = n;
	}
}

/*
 * The packets of ms[i..n) with the SA of ms[i], in order, into grp, following next
 * (dp_esp_link_sas); each is taken once (slot[j] = DP_SA_NONE). @return how many.
 */
static inline uint16_t
dp_esp_take_group(struct rte_mbuf **ms, uint32_t *slot, const uint16_t *next, uint16_t n,
		  uint16_t i, struct rte_mbuf **grp)
{
	uint16_t j, ng = 0;

	for (j = i; j < n; j = next[j]) {
		slot[j] = DP_SA_NONE;
		grp[ng++] = ms[j];
	}
	return ng;
}

/*
 * The staged burst ms[0..n) by SA for dp_esp_process_groups: slots[i] is ms[i]'s SA slot
 * (DP_SA_NONE afterwards), each group's packets in order in flat (room for n), the groups
 * in g. A slot whose SA is gone drops its packets (esp_no_sa); with check_gen so does a
 * packet staged for an earlier SA of its slot (esp_meta.gen: steered on a ring before an
 * sa-del + sa-add reused the slot). @return the number of groups.
 */
static inline uint16_t
dp_esp_group_burst(struct dp_lcore *lc, struct rte_mbuf **ms, uint32_t *slots, uint16_t n,
		   bool check_gen, struct rte_mbuf **flat, struct dp_esp_group *g)
{
	uint16_t next[DP_BURST_MAX];
	uint16_t i, j, ng, ok, ngr = 0, used = 0;

	dp_esp_link_sas(slots, n, next);
	for (i = 0; i < n; i++) {
		uint32_t slot = slots[i];
		struct rte_mbuf **grp = flat + used;
		const struct dp_sa *sa;

		if (slot == DP_SA_NONE)
			continue;
		ng = dp_esp_take_group(ms, slots, next, n, i, grp);
		sa = dp_sa_get(lc->ctx->sadb, slot);
		if (sa == NULL) {
			for (j = 0; j < ng; j++)
				dp_drop(lc, grp[j], HA_DROP_ESP_NO_SA);
			continue;
		}
		for (j = 0, ok = 0; check_gen && j < ng; j++)  /* in order: the replay window */
			if (esp_meta(grp[j])->gen != sa->gen)
				dp_drop(lc, grp[j], HA_DROP_ESP_NO_SA);
			else
				grp[ok++] = grp[j];
		if (check_gen && (ng = ok) == 0)
			continue;
		g[ngr++] = (struct dp_esp_group){ .sa = sa, .ctr = &lc->sa_ctr[slot], .mb = grp,
						  .n = ng };
		used += ng;
	}
	return ngr;
}

/* from this many SAs in the table, a packet's SA is most likely in no cache: the sessions
 * alone (1,472 bytes each) outgrow a 32 MiB L3 at about 20,000 SAs */
#define DP_ESP_DEEP_PREFETCH_SAS 16384u

/*
 * With many SAs, each packet's SA is a chain of cache misses: the slot's pointer, the SA,
 * rte_ipsec's SA, the crypto session's lines the crypto reads (dp_sa_session_lines) and
 * (inbound) the replay window, and the SA's counters. Walk the chain for the
 * whole burst one level at a time, so that the burst's misses overlap instead of each
 * packet stalling on its own (issue 17).
 */
static inline void
dp_esp_prefetch_sas(const struct dp_lcore *lc, const uint32_t *slots, uint16_t n)
{
	const struct dp_sadb *db = lc->ctx->sadb;
	bool deep;
	uint16_t i;

	if (db == NULL)
		return;
	/* the SAs' deeper lines (dp_sa_session_lines, rte_ipsec's last two) only when there
	 * are too many SAs for the caches: with 1,000 the extra prefetches cost more than the
	 * cache hits they bring forward (README "ESP at scale, part 3") */
	deep = __atomic_load_n(&db->n, __ATOMIC_RELAXED) >= DP_ESP_DEEP_PREFETCH_SAS;
	for (i = 0; i < n; i++) {
		if (slots[i] < db->cap) {
			rte_prefetch0(&db->sa[slots[i]]);
			/* 40 bytes: may straddle two lines */
			rte_prefetch0(&lc->sa_ctr[slots[i]]);
			rte_prefetch0((const uint8_t *)&lc->sa_ctr[slots[i] + 1] - 1);
		}
	}
	for (i = 0; i < n; i++) {
		const struct dp_sa *sa = dp_sa_get(db, slots[i]);

		if (sa != NULL) {
			/* the CPU and the crypto-op session, then the fields ESP reads */
			rte_prefetch0(sa);
			rte_prefetch0((const uint8_t *)sa + RTE_CACHE_LINE_SIZE);
			rte_prefetch0((const uint8_t *)sa + 2 * RTE_CACHE_LINE_SIZE);
		}
	}
	for (i = 0; i < n; i++) {
		const struct dp_sa *sa = dp_sa_get(db, slots[i]);
		const uint8_t *ips, *ses;
		uint32_t lines, k;

		/* a run of one SA (a burst of one node's traffic) once */
		if (sa == NULL || (i > 0 && slots[i] == slots[i - 1]))
			continue;
		ips = (const uint8_t *)sa->sa;
		rte_prefetch0(ips);
		rte_prefetch0(ips + RTE_CACHE_LINE_SIZE);
		ses = (const uint8_t *)sa->crypto;
		if (!deep) {
			rte_prefetch0(ses);          /* the session's header */
		} else {
			if (sa->ipsec_lines >= 4) {  /* sequence number, statistics */
				rte_prefetch0(ips + 2 * RTE_CACHE_LINE_SIZE);
				rte_prefetch0(ips + 3 * RTE_CACHE_LINE_SIZE);
			}
			/*
			 * Only the session's lines the crypto reads: all of them was slower
			 * (dp_sa.c). A plain scan of the 32 bits, not a bit-scan loop: it spaces
			 * the prefetches out; back to back they measured 7-10 % slower at a
			 * million SAs (the core's outstanding misses are full then).
			 */
			lines = sa->ses_lines;
			for (k = 0; k < 32; k++)
				if (lines & (1u << k))
					rte_prefetch0(ses + RTE_CACHE_LINE_SIZE * k);
		}
		if (sa->rw != NULL)                  /* inbound: our replay window */
			rte_prefetch0(sa->rw);
	}
}

#endif /* DP_ESP_STAGE_H */
