/* SPDX-License-Identifier: BSD-3-Clause */
/* The workers' ESP paths (see dp_esp_path.h). */
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "bc.h"
#include "dp_encap.h"
#include "dp_esp.h"
#include "dp_esp_path.h"
#include "dp_fib.h"
#include "dp_out.h"
#include "dp_pkt.h"
#include "dp_punt.h"
#include "dp_sa.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_nd.h"
#include "wire_tun.h"

#define REPORT_INTERVAL_S 1           /* NAT mapping and freshness reports, per node */
#define ESP_NEXT_DUMMY 59             /* RFC 4303 §2.6: discard silently */

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

static void
drop(struct dp_lcore *lc, struct rte_mbuf *m, enum ha_drop why)
{
	lc->stats.drops[why]++;
	rte_pktmbuf_free(m);
}

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
		meta->udp4 = w->l3 == WIRE_L3_IP4 && w->tun != WIRE_TUN_IPIP;
		meta->udp6 = w->l3 == WIRE_L3_IP6 && w->tun != WIRE_TUN_IPIP;
		meta->tlv = w->tun == WIRE_TUN_UDP_TLV;
		meta->tun6 = w->l3 == WIRE_L3_IP6 && w->tun == WIRE_TUN_IPIP;
		if (w->l3 == WIRE_L3_IP4) {
			meta->outer_src4 = w->ip4.src;
			meta->outer_dst4 = w->ip4.dst;
		} else {
			memcpy(meta->outer_src6, f + w->l3_off + 8, 16);
		}
		meta->outer_sport = w->sport;
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
	struct rte_mbuf *m;
	struct dp_punt *meta;

	m = rte_pktmbuf_alloc(lc->ctx->pool);
	if (m == NULL) {
		lc->stats.drops[HA_DROP_NO_MBUF]++;
		return;
	}
	meta = dp_punt_meta(m);
	memset(meta, 0, sizeof(*meta));
	meta->kind = kind;
	meta->mn = mn;
	meta->outer_src4 = em->src4;
	meta->outer_sport = em->sport;
	dp_out_punt(lc, m, kind == DP_PUNT_ESP_NATT ? HA_EV_ESP_NATT_CHANGE : HA_EV_PUNT_OTHER);
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
in_accepted(struct dp_lcore *lc, const struct dp_sa *sa, struct rte_mbuf *m, uint32_t t)
{
	struct esp_meta em = *esp_meta(m);
	uint8_t next = dp_esp_in_unstage(m);
	const struct bc_entry *e;
	const uint8_t *ip;

	if (next == ESP_NEXT_DUMMY) {
		rte_pktmbuf_free(m);
		return false;
	}
	if ((next != WIRE_PROTO_IPIP && next != WIRE_PROTO_IPV6) || !inner_ok(m, next)) {
		drop(lc, m, HA_DROP_INNER_MALFORMED);
		return false;
	}
	ip = rte_pktmbuf_mtod(m, const uint8_t *);
	if (next == WIRE_PROTO_IPV6) {
		const struct in6_addr *src = (const struct in6_addr *)(const void *)(ip + 8);

		e = bc_lookup6(lc->bc, src);
		if (e == NULL)
			e = bc_lookup_prefix6(lc->bc, src);
	} else {
		uint32_t src;

		memcpy(&src, ip + 12, 4);
		e = bc_lookup4(lc->bc, src);
		if (e == NULL)
			e = bc_lookup_prefix4(lc->bc, src);
	}
	if (e == NULL || e->mn != sa->mn) {
		drop(lc, m, HA_DROP_ESP_INNER);
		return false;
	}
	/* addressed to the home agent itself: not routed out again (as in the clear tunnel,
	 * nothing but signalling terminates here, and that comes on the signalling SA) */
	if (next == WIRE_PROTO_IPV6 ? dp_local6(lc->ctx, ip + 24) :
	    dp_local4(lc->ctx, *(const uint32_t *)(const void *)(ip + 16))) {
		drop(lc, m, HA_DROP_LOCAL_UNHANDLED);
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
 * rte_ipsec takes a burst per SA: the packets of ms[i..n) staged for the SA of ms[i], in
 * order, into grp; each packet is taken once (slot[j] = DP_SA_NONE). slot[] holds each
 * packet's SA slot, so that grouping reads no mbuf. @return how many.
 */
static uint16_t
take_group(struct rte_mbuf **ms, uint32_t *slot, uint16_t n, uint16_t i, struct rte_mbuf **grp)
{
	uint32_t want = slot[i];
	uint16_t j, ng = 0;

	for (j = i; j < n; j++) {
		if (slot[j] == want) {
			slot[j] = DP_SA_NONE;
			grp[ng++] = ms[j];
		}
	}
	return ng;
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
		dp_worker_fwd(lc, port, m + i, (uint16_t)(j - i));
		i = j;
	}
}

/*
 * With many SAs, each packet's SA is a chain of cache misses: the slot's pointer, the SA,
 * rte_ipsec's SA, the crypto session and (inbound) the replay window, and the SA's counters. Walk the chain for the
 * whole burst one level at a time, so that the burst's misses overlap instead of each
 * packet stalling on its own (issue 17).
 */
static void
prefetch_sas(const struct dp_lcore *lc, const uint32_t *slots, uint16_t n)
{
	const struct dp_sadb *db = lc->ctx->sadb;
	uint16_t i;

	if (db == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (slots[i] < db->cap) {
			rte_prefetch0(&db->sa[slots[i]]);
			rte_prefetch0(&lc->sa_ctr[slots[i]]);
		}
	}
	for (i = 0; i < n; i++) {
		const struct dp_sa *sa = dp_sa_get(db, slots[i]);

		if (sa != NULL) {
			rte_prefetch0(sa);
			rte_prefetch0((const uint8_t *)sa + RTE_CACHE_LINE_SIZE);
		}
	}
	for (i = 0; i < n; i++) {
		const struct dp_sa *sa = dp_sa_get(db, slots[i]);

		if (sa != NULL) {
			rte_prefetch0(sa->sa);
			rte_prefetch0((const uint8_t *)sa->sa + RTE_CACHE_LINE_SIZE);
			rte_prefetch0(sa->crypto);
			if (sa->rw != NULL)          /* inbound: our replay window */
				rte_prefetch0(sa->rw);
		}
	}
}

/* Staged inbound packets of SAs this worker owns: per SA, rte_ipsec, then the checks. */
static void
in_process(struct dp_lcore *lc, struct rte_mbuf **ms, uint16_t n, bool steered)
{
	struct rte_mbuf *grp[DP_BURST_MAX], *fwd[DP_BURST_MAX];
	uint32_t slots[DP_BURST_MAX], t = now_s(lc);
	uint16_t i, j, ng, ok, nf = 0;

	for (i = 0; i < n; i++)
		slots[i] = esp_meta(ms[i])->slot;
	prefetch_sas(lc, slots, n);
	for (i = 0; i < n; i++) {
		uint32_t slot = slots[i];
		const struct dp_sa *sa;

		if (slot == DP_SA_NONE)
			continue;
		ng = take_group(ms, slots, n, i, grp);
		sa = dp_sa_get(lc->ctx->sadb, slot);
		if (sa == NULL) {
			for (j = 0; j < ng; j++)
				drop(lc, grp[j], HA_DROP_ESP_NO_SA);
			continue;
		}
		/* steered before an sa-del (an IKE rekey's delete) freed the slot and an
		 * sa-add took it: the packet's SA is gone, not this one. Only a ring can hold
		 * a packet that long: a burst classified here met its SAs a moment ago */
		for (j = 0, ok = 0; steered && j < ng; j++)   /* in order: the replay window cares */
			if (esp_meta(grp[j])->gen != sa->gen)
				drop(lc, grp[j], HA_DROP_ESP_NO_SA);
			else
				grp[ok++] = grp[j];
		if (steered && (ng = ok) == 0)
			continue;
		ok = dp_esp_process(sa, grp, ng, &lc->sa_ctr[slot], &lc->esp);
		for (j = ok; j < ng; j++)
			drop(lc, grp[j], HA_DROP_ESP_FAILED);
		for (j = 0; j < ok; j++)
			if (in_accepted(lc, sa, grp[j], t))
				fwd[nf++] = grp[j];
	}
	if (nf > 0)
		fwd_runs(lc, fwd, nf);
}

void
dp_esp_rx(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
	  struct wire_pkt *const *ws, uint16_t n)
{
	const struct dp_ctx *c = lc->ctx;
	struct rte_mbuf *own[DP_BURST_MAX];
	uint16_t i, no = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct wire_pkt *w = ws[i];
		const struct bc_spi_val *v = c->sadb != NULL ? bc_spi_lookup(lc->bc, w->spi) : NULL;
		const struct dp_sa *sa;
		struct esp_meta *em;

		if (v == NULL) {
			drop(lc, m, HA_DROP_ESP);
			continue;
		}
		if (v->role == BC_SPI_SIGNALLING) {
			/* BUs come over IPv6 here (HAO or not); from IPv4 always in UDP 4191
			 * (R5555 §4.1), which the tunnel path handles */
			if (w->l3 != WIRE_L3_IP6 || w->tun != WIRE_TUN_ESP) {
				drop(lc, m, HA_DROP_ESP_CARRIAGE);
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
			drop(lc, m, HA_DROP_MALFORMED);
			continue;
		}
		/* one lcore per inbound SA: rte_ipsec's replay window is not shared */
		if (v->owner_lcore == lc->worker || v->owner_lcore >= c->n_workers) {
			own[no++] = m;
		} else if (rte_ring_mp_enqueue(c->esp_ring[v->owner_lcore], m) != 0) {
			drop(lc, m, HA_DROP_ESP_RING_FULL);
		} else {
			lc->stats.events[HA_EV_ESP_STEERED]++;
		}
	}
	if (no > 0)
		in_process(lc, own, no, false);
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

/* ------------------------------------------------------------------ outbound payload */

/* The largest inner packet that fits mtu through sa and an outer header of outer bytes. */
static uint16_t
esp_inner_mtu(const struct dp_sa *sa, uint16_t mtu, uint16_t outer)
{
	int room = (int)mtu - outer - 8 - sa->iv_len - sa->icv_len;

	room = (room & ~(sa->pad_align - 1)) - 2;
	return room > 0 ? (uint16_t)room : 0;
}

/* Check and stage one packet; false when it was dropped. */
static bool
out_stage(struct dp_lcore *lc, uint16_t port, struct rte_mbuf *m, const struct bc_entry *e)
{
	const struct dp_ctx *c = lc->ctx;
	const struct dp_sa *sa = c->sadb != NULL ? dp_sa_get(c->sadb, e->sa_out) : NULL;
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t len = rte_pktmbuf_data_len(m), mtu, outer = dp_encap_esp_overhead(e);
	struct esp_meta *em;
	uint8_t v = ip[0] >> 4;

	if (sa == NULL) {
		drop(lc, m, HA_DROP_ESP_NO_SA);
		return false;
	}
	if ((e->fmt == BC_FMT_UDP || e->fmt == BC_FMT_UDP_TLV) && (e->flags & BC_F_NAT) &&
	    e->esp_port == 0) {
		drop(lc, m, HA_DROP_ESP_NATT_UNMAPPED);
		return false;
	}
	if (dp_out_coa_mtu(lc, e, &mtu) != 0) {
		drop(lc, m, HA_DROP_NO_ROUTE);
		return false;
	}
	if ((uint32_t)len + dp_sa_overhead(sa, len) + outer > mtu) {
		dp_out_too_big(lc, ip, len, port, esp_inner_mtu(sa, mtu, outer));
		drop(lc, m, HA_DROP_TOO_BIG);
		return false;
	}
	em = esp_meta(m);
	em->e = e;
	em->slot = sa->slot;
	em->port = port;
	em->tos = v == 4 ? ip[1] : (uint8_t)(wire_rd16(ip) >> 4);
	em->len = len;
	if (dp_esp_out_stage(m, v == 4 ? WIRE_PROTO_IPIP : WIRE_PROTO_IPV6) != 0) {
		drop(lc, m, HA_DROP_NO_HEADROOM);
		return false;
	}
	return true;
}

/* After rte_ipsec: the binding's current outer header (seed 001 §4.1), then out. */
static void
out_send(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct esp_meta em = *esp_meta(m);
	struct dp_pkt p;

	dp_mn_tx(lc, em.e->mn, em.len);
	dp_esp_out_unstage(m);
	dp_pkt_from_mbuf(&p, m);
	switch (dp_encap_esp(&p, em.e, em.tos)) {
	case DP_ENCAP_OK:
		break;
	case DP_ENCAP_NO_MAPPING:
		drop(lc, m, HA_DROP_ESP_NATT_UNMAPPED);
		return;
	default:
		drop(lc, m, HA_DROP_NO_HEADROOM);
		return;
	}
	dp_pkt_to_mbuf(&p, m);
	lc->stats.events[HA_EV_ENCAP_ESP]++;
	dp_out_tunnel(lc, m, em.e, em.port);
}

void
dp_esp_tx(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
	  const struct bc_entry *const *ents, uint16_t n)
{
	struct rte_mbuf *st[DP_BURST_MAX], *grp[DP_BURST_MAX];
	uint32_t slots[DP_BURST_MAX] = { 0 };   /* (gcc cannot tell n <= DP_BURST_MAX) */
	uint16_t i, j, ns = 0, ng, ok;

	for (i = 0; i < n; i++)
		slots[i] = ents[i]->sa_out;
	prefetch_sas(lc, slots, n);
	for (i = 0; i < n; i++)
		if (out_stage(lc, port, pkts[i], ents[i])) {
			slots[ns] = ents[i]->sa_out;
			st[ns++] = pkts[i];
		}
	for (i = 0; i < ns; i++) {
		uint32_t slot = slots[i];
		const struct dp_sa *sa;

		if (slot == DP_SA_NONE)
			continue;
		sa = dp_sa_get(lc->ctx->sadb, slot);
		ng = take_group(st, slots, ns, i, grp);
		if (sa == NULL) {    /* removed since it was staged */
			for (j = 0; j < ng; j++)
				drop(lc, grp[j], HA_DROP_ESP_NO_SA);
			continue;
		}
		ok = dp_esp_process(sa, grp, ng, &lc->sa_ctr[slot], &lc->esp);
		for (j = ok; j < ng; j++)
			drop(lc, grp[j], HA_DROP_ESP_FAILED);
		for (j = 0; j < ok; j++)
			out_send(lc, grp[j]);
	}
}
