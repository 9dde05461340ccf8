/* SPDX-License-Identifier: BSD-3-Clause */
/* The inbound ESP stage (see dp_esp_in.h). */
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "bc.h"
#include "dp_encap.h"
#include "dp_esp.h"
#include "dp_esp_in.h"
#include "dp_esp_stage.h"
#include "dp_fwd.h"
#include "dp_out.h"
#include "dp_pkt.h"
#include "dp_punt.h"
#include "dp_sa.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_tun.h"

#define REPORT_INTERVAL_S 1           /* NAT mapping and freshness reports, per node */
#define ESP_NEXT_DUMMY 59             /* RFC 4303 §2.6: discard silently */

static uint32_t
now_s(const struct dp_lcore *lc)
{
	return (uint32_t)(rte_rdtsc() / lc->tsc_hz);
}

/* ------------------------------------------------------------------ signalling */

static void
punt_esp(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w, uint16_t port,
	 uint16_t ip6_off, uint16_t ip6_len, uint16_t esp_off, bool direct)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	struct dp_punt *meta = dp_punt_meta(m);

	memset(meta, 0, sizeof(*meta));
	meta->kind = DP_PUNT_ESP;
	meta->port = port;
	meta->l3_off = ip6_off;
	meta->mh_off = esp_off;
	meta->mh_len = (uint16_t)(ip6_off + ip6_len - esp_off);
	if (direct) {
		meta->has_hao = w->ip6.has_hao;
		meta->hao_off = (uint16_t)(w->l3_off + w->ip6.hao_off);
	} else {
		/* in a tunnel: what the outer header said travels with it (seed 001 §4.4) */
		dp_punt_set_outer(meta, w, f);
	}
	dp_out_punt(lc, m, HA_EV_PUNT_ESP);
}

int
dp_esp_punt_inner(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w,
		  uint16_t port, uint16_t ip6_off, uint16_t ip6_len, uint16_t esp_off)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	const struct bc_spi_val *v;

	if ((uint32_t)esp_off + 8 > (uint32_t)ip6_off + ip6_len)
		return HA_DROP_ESP_CARRIAGE;
	v = lc->ctx->sadb != NULL ? bc_spi_lookup(lc->bc, wire_rd32(f + esp_off)) : NULL;
	if (v == NULL)
		return HA_DROP_ESP;
	if (v->role != BC_SPI_SIGNALLING)
		return HA_DROP_ESP_CARRIAGE;
	punt_esp(lc, m, w, port, ip6_off, ip6_len, esp_off, false);
	return 0;
}

/* ------------------------------------------------------------------ inbound payload */

static void
report(struct dp_lcore *lc, uint8_t kind, uint32_t mn, const struct esp_meta *em)
{
	dp_punt_event(lc, kind, mn, em->src4, em->sport,
		      kind == DP_PUNT_ESP_NATT ? HA_EV_ESP_NATT_CHANGE : HA_EV_PUNT_OTHER);
}

/* Trim m to the inner IP packet's own length; false when it is not one. */
static bool
inner_ok(struct rte_mbuf *m, uint8_t next)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_pkt_len(m), tot;

	if (next == WIRE_PROTO_IPIP) {
		if (len < WIRE_IP4_HLEN || (ip[0] >> 4) != 4 || (ip[0] & 0xf) < 5)
			return false;
		tot = wire_rd16(ip + 2);
		if (tot < (uint32_t)(ip[0] & 0xf) * 4)
			return false;
	} else {
		if (len < WIRE_IP6_HLEN || (ip[0] >> 4) != 6)
			return false;
		tot = WIRE_IP6_HLEN + (uint32_t)wire_rd16(ip + 4);
	}
	if (tot > len)
		return false;
	rte_pktmbuf_trim(m, (uint16_t)(len - tot));
	return true;
}

/*
 * A packet rte_ipsec accepted: the inner packet must be IP whose source is a home address
 * or prefix of the SA's own node (§19.6); traffic over UDP 4500 keeps a NATed binding fresh
 * and shows the NAT's mapping of the node's port 4500, which downlink ESP needs.
 */
static bool
in_accepted(struct dp_lcore *lc, const struct dp_sa *sa, struct rte_mbuf *m, uint32_t t,
	    const struct bc_entry *e)
{
	struct esp_meta em = *esp_meta(m);
	uint8_t next = dp_esp_in_unstage(m);
	const uint8_t *ip;

	if (next == ESP_NEXT_DUMMY) {
		rte_pktmbuf_free(m);
		return false;
	}
	if ((next != WIRE_PROTO_IPIP && next != WIRE_PROTO_IPV6) || !inner_ok(m, next)) {
		dp_drop(lc, m, HA_DROP_INNER_MALFORMED);
		return false;
	}
	ip = rte_pktmbuf_mtod(m, const uint8_t *);
	if (next == WIRE_PROTO_IPV6) {
		const struct in6_addr *src = (const struct in6_addr *)(const void *)(ip + 8);

		if (e == NULL)     /* not a home address (inner_sources): a prefix's? */
			e = bc_lookup_prefix6(lc->bc, src);
	} else {
		uint32_t src;

		memcpy(&src, ip + 12, 4);
		if (e == NULL)
			e = bc_lookup_prefix4(lc->bc, src);
	}
	if (e == NULL || e->mn != sa->mn) {
		dp_drop(lc, m, HA_DROP_ESP_INNER);
		return false;
	}
	/* addressed to the home agent itself: not routed out again (as in the clear tunnel,
	 * nothing but signalling terminates here, and that comes on the signalling SA) */
	if (next == WIRE_PROTO_IPV6 ? dp_local6(lc->ctx, ip + 24) :
	    dp_local4_at(lc->ctx, ip + 16)) {
		dp_drop(lc, m, HA_DROP_LOCAL_UNHANDLED);
		return false;
	}
	if (em.natt && (e->flags & BC_F_NAT) && e->mn < lc->seen_cap) {
		if (e->coa4 == em.src4 && e->esp_port != rte_cpu_to_be_16(em.sport) &&
		    t - lc->natt_s[e->mn] >= REPORT_INTERVAL_S) {
			lc->natt_s[e->mn] = t;
			report(lc, DP_PUNT_ESP_NATT, e->mn, &em);
		}
		if (t - lc->seen_s[e->mn] >= DP_SEEN_INTERVAL_S) {
			lc->seen_s[e->mn] = t;
			report(lc, DP_PUNT_SEEN, e->mn, &em);
		}
	}
	dp_mn_rx(lc, e->mn, rte_pktmbuf_pkt_len(m));
	lc->stats.events[HA_EV_DECAP_ESP]++;
	return true;
}

/*
 * The bindings of the decrypted packets' inner sources, for the whole burst in two bulk
 * lookups (in_accepted checks them), src[] in the groups' order of good packets. A packet
 * too short to hold an inner header gets NULL; in_accepted drops it as malformed anyway.
 */
static void
inner_sources(struct dp_lcore *lc, const struct dp_esp_group *g, uint16_t ng,
	      const struct bc_entry **src)
{
	const struct in6_addr *k6[DP_BURST_MAX];
	const uint32_t *k4[DP_BURST_MAX];
	const struct bc_entry *e6[DP_BURST_MAX], *e4[DP_BURST_MAX];
	uint8_t at6[DP_BURST_MAX], at4[DP_BURST_MAX];
	uint16_t i, j, n = 0, n6 = 0, n4 = 0;

	for (i = 0; i < ng; i++)
		for (j = 0; j < g[i].ok; j++, n++) {
			const struct rte_mbuf *m = g[i].mb[j];
			const uint8_t *t = rte_pktmbuf_mtod(m, const uint8_t *);
			const uint8_t *ip = t + DP_ESP_TMPL_LEN;
			uint32_t len = rte_pktmbuf_data_len(m);

			src[n] = NULL;
			if (t[9] == WIRE_PROTO_IPV6 && len >= DP_ESP_TMPL_LEN + WIRE_IP6_HLEN) {
				k6[n6] = (const struct in6_addr *)(const void *)(ip + 8);
				at6[n6++] = (uint8_t)n;
			} else if (t[9] == WIRE_PROTO_IPIP && len >= DP_ESP_TMPL_LEN + WIRE_IP4_HLEN) {
				k4[n4] = (const uint32_t *)(const void *)(ip + 12);
				at4[n4++] = (uint8_t)n;
			}
		}
	if (n6 > 0)
		bc_lookup6_bulk(lc->bc, k6, n6, e6);
	if (n4 > 0)
		bc_lookup4_bulk(lc->bc, k4, n4, e4);
	for (i = 0; i < n6; i++)
		src[at6[i]] = e6[i];
	for (i = 0; i < n4; i++)
		src[at4[i]] = e4[i];
	/* what in_accepted touches per node (the entry, then its node's report times and
	 * counters): with many nodes each is a miss of its own, so all are asked for first */
	for (i = 0; i < n; i++)
		if (src[i] != NULL) {
			rte_prefetch0(src[i]);
			rte_prefetch0((const uint8_t *)src[i] + RTE_CACHE_LINE_SIZE); /* esp_port */
		}
	for (i = 0; i < n; i++) {
		uint32_t mn = src[i] != NULL ? src[i]->mn : UINT32_MAX;

		if (mn < lc->seen_cap) {
			rte_prefetch0(&lc->seen_s[mn]);
			rte_prefetch0(&lc->mn_ctr[mn]);
		}
	}
}

/* Route what was decrypted, a run of packets from the same port at a time. */
static void
fwd_runs(struct dp_lcore *lc, struct rte_mbuf **m, uint16_t n)
{
	uint16_t i = 0, j;

	while (i < n) {
		uint16_t port = esp_meta(m[i])->port;

		for (j = i + 1; j < n && esp_meta(m[j])->port == port; j++)
			;
		dp_fwd_burst(lc, port, m + i, (uint16_t)(j - i));
		i = j;
	}
}

/* Staged inbound packets of SAs this worker owns: rte_ipsec per SA (all of them in one
 * crypto enqueue when there are many), then the checks. */
static void
in_process(struct dp_lcore *lc, struct rte_mbuf **ms, uint16_t n, bool steered)
{
	struct rte_mbuf *flat[DP_BURST_MAX], *fwd[DP_BURST_MAX];
	struct dp_esp_group g[DP_BURST_MAX];
	const struct bc_entry *src[DP_BURST_MAX];
	uint32_t slots[DP_BURST_MAX], t = now_s(lc);
	uint16_t i, j, nf = 0, ngr, k;

	for (i = 0; i < n; i++)
		slots[i] = esp_meta(ms[i])->slot;
	dp_esp_prefetch_sas(lc, slots, n);
	/* steered before an sa-del (an IKE rekey's delete) freed the slot and an sa-add took
	 * it: the packet's SA is gone, not this one. Only a ring can hold a packet that long:
	 * a burst classified here met its SAs a moment ago */
	ngr = dp_esp_group_burst(lc, ms, slots, n, steered, flat, g);
	if (ngr > 0 && dp_esp_process_groups(g, ngr, &lc->esp) > 0)
		lc->stats.events[HA_EV_ESP_OP_BURST]++;
	inner_sources(lc, g, ngr, src);
	for (i = 0, k = 0; i < ngr; i++) {
		for (j = g[i].ok; j < g[i].n; j++)
			dp_drop(lc, g[i].mb[j], HA_DROP_ESP_FAILED);
		for (j = 0; j < g[i].ok; j++)
			if (in_accepted(lc, g[i].sa, g[i].mb[j], t, src[k++]))
				fwd[nf++] = g[i].mb[j];
	}
	/* the stage ends here, before the decrypted packets' own stages (their lookups and
	 * routes): /dsmip/runtime put rte_ipsec's cycles under "bind" before */
	dp_stage_end(lc, DP_ST_ESP_IN, n);
	if (nf > 0)
		fwd_runs(lc, fwd, nf);
}

/*
 * The burst's packets of SAs other workers own (to[i]: ms[i]'s worker), one ring enqueue per
 * worker: a ring operation per packet was an atomic update of the ring's shared head per
 * packet. What a full ring does not take is dropped and counted.
 */
static void
steer(struct dp_lcore *lc, struct rte_mbuf **ms, uint16_t *to, uint16_t n)
{
	struct rte_mbuf *b[DP_BURST_MAX];
	uint16_t i, nb, rest;
	unsigned int sent;

	while (n > 0) {
		uint16_t w = to[0];

		for (i = 0, nb = 0, rest = 0; i < n; i++) {
			if (to[i] == w) {
				b[nb++] = ms[i];
			} else {
				ms[rest] = ms[i];
				to[rest++] = to[i];
			}
		}
		sent = rte_ring_mp_enqueue_burst(lc->ctx->esp_ring[w], (void **)b, nb, NULL);
		lc->stats.events[HA_EV_ESP_STEERED] += sent;
		for (i = (uint16_t)sent; i < nb; i++)
			dp_drop(lc, b[i], HA_DROP_ESP_RING_FULL);
		n = rest;
	}
}

void
dp_esp_rx(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
	  struct wire_pkt *const *ws, uint16_t n)
{
	const struct dp_ctx *c = lc->ctx;
	struct rte_mbuf *own[DP_BURST_MAX], *away[DP_BURST_MAX];
	uint16_t to[DP_BURST_MAX], na = 0;
	const struct bc_spi_val *vals[DP_BURST_MAX];
	const uint32_t *spis[DP_BURST_MAX];
	uint16_t i, no = 0;

	/* every packet's SA first, the SAs' lines on their way before the first is read */
	for (i = 0; i < n; i++) {
		spis[i] = &ws[i]->spi;
		vals[i] = NULL;
	}
	if (c->sadb != NULL)
		bc_spi_lookup_bulk(lc->bc, spis, n, vals);
	for (i = 0; i < n; i++)
		if (vals[i] != NULL)
			rte_prefetch0(&((const struct dp_sa *)vals[i]->sa)->slot);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct wire_pkt *w = ws[i];
		const struct bc_spi_val *v = vals[i];
		const struct dp_sa *sa;
		struct esp_meta *em;

		if (v == NULL) {
			dp_drop(lc, m, HA_DROP_ESP);
			continue;
		}
		if (v->role == BC_SPI_SIGNALLING) {
			/* BUs come over IPv6 here (HAO or not); from IPv4 always in UDP 4191
			 * (R5555 §4.1), which the tunnel path handles */
			if (w->l3 != WIRE_L3_IP6 || w->tun != WIRE_TUN_ESP) {
				dp_drop(lc, m, HA_DROP_ESP_CARRIAGE);
				continue;
			}
			punt_esp(lc, m, w, port, w->l3_off, w->ip_len, w->inner_off, true);
			continue;
		}
		sa = v->sa;
		em = esp_meta(m);
		memset(em, 0, sizeof(*em));
		em->slot = sa->slot;
		em->gen = sa->gen;
		em->port = port;
		em->natt = w->tun == WIRE_TUN_ESP_UDP;
		if (w->l3 == WIRE_L3_IP4)
			em->src4 = w->ip4.src;
		em->sport = w->sport;
		if (dp_esp_in_stage(m, w->inner_off, (uint16_t)(w->l3_off + w->ip_len)) != 0) {
			dp_drop(lc, m, HA_DROP_MALFORMED);
			continue;
		}
		/* one lcore per inbound SA: rte_ipsec's replay window is not shared */
		if (v->owner_lcore == lc->worker || v->owner_lcore >= c->n_workers) {
			own[no++] = m;
		} else {
			away[na] = m;
			to[na++] = v->owner_lcore;
		}
	}
	if (na > 0)
		steer(lc, away, to, na);
	if (no > 0)
		in_process(lc, own, no, false);   /* which ends the stage */
	else
		dp_stage_end(lc, DP_ST_ESP_IN, 0);  /* classified and steered: this worker's time */
}

void
dp_esp_rx_steered(struct dp_lcore *lc)
{
	struct rte_mbuf *ms[DP_BURST_MAX];
	struct rte_ring *r = lc->ctx->esp_ring[lc->worker];
	unsigned int n;

	if (r == NULL)
		return;
	n = rte_ring_sc_dequeue_burst(r, (void **)ms, lc->burst, NULL);
	if (n > 0)
		in_process(lc, ms, (uint16_t)n, true);
}
