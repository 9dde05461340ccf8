/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore loop (architecture.md "Worker path"): RX burst -> parse once -> classify
 * -> per-class burst processing (local services, punt, decap with anti-spoof, forward with
 * bulk binding lookups and encap) -> buffered TX; one RCU quiescent report per iteration.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "dp_adj.h"
#include "dp_classify.h"
#include "dp_decap.h"
#include "dp_encap.h"
#include "dp_esp_path.h"
#include "dp_fib.h"
#include "dp_frag.h"
#include "dp_home.h"
#include "dp_lcore.h"
#include "dp_out.h"
#include "dp_pkt.h"
#include "dp_punt.h"
#include "ha_log.h"
#include "wire_csum.h"
#include "wire_nd.h"
#include "wire_tun.h"

#define PREFETCH_OFFSET 3

const char *const dp_stage_names[DP_ST_MAX] = {
	[DP_ST_RX] = "rx", [DP_ST_BIND] = "bind", [DP_ST_DECAP] = "decap",
	[DP_ST_ROUTE] = "route", [DP_ST_ENCAP] = "encap", [DP_ST_ESP_IN] = "esp_in",
	[DP_ST_ESP_OUT] = "esp_out", [DP_ST_TX] = "tx",
};

static void
drop(struct dp_lcore *lc, struct rte_mbuf *m, enum ha_drop why)
{
	lc->stats.drops[why]++;
	rte_pktmbuf_free(m);
}

/* A Mobility Header for the control plane, with how it came (clear or via UDP 4191). */
static void
punt_mh(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w, uint16_t port,
	const struct dp_inner *in, const struct wire_ip6_info *i6)
{
	struct dp_punt *meta = dp_punt_meta(m);

	memset(meta, 0, sizeof(*meta));
	meta->kind = DP_PUNT_MH;
	meta->port = port;
	if (in == NULL) {
		meta->l3_off = w->l3_off;
		meta->mh_off = w->l4_off;
		meta->mh_len = w->l4_len;
		meta->has_hao = w->ip6.has_hao;
		meta->hao_off = (uint16_t)(w->l3_off + w->ip6.hao_off);
	} else {
		meta->l3_off = in->off;
		meta->mh_off = (uint16_t)(in->off + i6->l4_off);
		meta->mh_len = (uint16_t)(in->len - i6->l4_off);
		meta->has_hao = i6->has_hao;
		meta->hao_off = (uint16_t)(in->off + i6->hao_off);
		meta->udp4 = w->l3 == WIRE_L3_IP4 && w->tun != WIRE_TUN_IPIP;
		meta->udp6 = w->l3 == WIRE_L3_IP6 && w->tun != WIRE_TUN_IPIP;
		meta->tlv = w->tun == WIRE_TUN_UDP_TLV;
		meta->tun6 = w->l3 == WIRE_L3_IP6 && w->tun == WIRE_TUN_IPIP;
		if (w->l3 == WIRE_L3_IP4) {
			meta->outer_src4 = w->ip4.src;
			meta->outer_dst4 = w->ip4.dst;
		} else {
			memcpy(meta->outer_src6, rte_pktmbuf_mtod(m, uint8_t *) + w->l3_off + 8, 16);
		}
		meta->outer_sport = w->sport;
	}
	dp_out_punt(lc, m, HA_EV_PUNT_MH);
}

/* RFC 8200 §4.2/§4.4, RFC 4443 §3.4: tell the source which field we could not accept. */
static void
param_problem(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w, uint16_t port)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *) + w->l3_off;

	if (w->ip6.dst_icmp == WIRE_IP6_PP_NONE ||
	    (w->ip6.dst_icmp == WIRE_IP6_PP_UNLESS_MCAST && ip[24] == 0xff))
		return;
	dp_out_icmp_error(lc, ip, w->ip_len, port, WIRE_ICMP6_PARAM_PROB, w->ip6.dst_icmp_code,
			  w->ip6.err_off);
}

/* A small event for the control plane (no packet of its own). */
static void
punt_event(struct dp_lcore *lc, uint8_t kind, uint32_t mn, const struct wire_pkt *w)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(lc->ctx->pool);
	struct dp_punt *meta;

	if (m == NULL) {
		lc->stats.drops[HA_DROP_NO_MBUF]++;
		return;
	}
	meta = dp_punt_meta(m);
	memset(meta, 0, sizeof(*meta));
	meta->kind = kind;
	meta->mn = mn;
	if (w->l3 == WIRE_L3_IP4)
		meta->outer_src4 = w->ip4.src;
	meta->outer_sport = w->sport;
	dp_out_punt(lc, m, kind == DP_PUNT_NAT_PORT ? HA_EV_NAT_PORT_CHANGE : HA_EV_PUNT_OTHER);
}

static void
seen(struct dp_lcore *lc, const struct bc_entry *e, const struct wire_pkt *w)
{
	uint32_t now_s = (uint32_t)(rte_rdtsc() / lc->tsc_hz);

	if (e->mn >= lc->seen_cap || now_s - lc->seen_s[e->mn] < DP_SEEN_INTERVAL_S)
		return;
	lc->seen_s[e->mn] = now_s;
	punt_event(lc, DP_PUNT_SEEN, e->mn, w);
}

/*
 * The inner packet is for the home agent itself: a BU (clear, or on its signalling SA) in
 * UDP 4191 over IPv4 (R5555 §4.2) or in IPv6-in-IPv6 from an IPv6 care-of address (the
 * tunnel of R4877 §3 with the SA inside); anything else is not served.
 */
static bool
inner_to_us(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w, uint16_t port,
	    const struct dp_inner *in)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *), *ip = f + in->off;
	struct wire_ip6_info i6;
	int why;

	if (in->family == 4) {
		if (!dp_local4(lc->ctx, *(const uint32_t *)(const void *)(ip + 16)))
			return false;
		drop(lc, m, HA_DROP_LOCAL_UNHANDLED);
		return true;
	}
	if (!dp_local6(lc->ctx, ip + 24))
		return false;
	/* R5555 §4.1: from an IPv4 care-of address signalling is always UDP-encapsulated */
	if (w->l3 == WIRE_L3_IP4 && w->tun == WIRE_TUN_IPIP) {
		drop(lc, m, HA_DROP_LOCAL_UNHANDLED);
		return true;
	}
	if (wire_ip6_parse(ip, in->len, &i6) != WIRE_E_OK || i6.has_frag ||
	    i6.dst_err != WIRE_E_OK)
		drop(lc, m, HA_DROP_INNER_MALFORMED);
	else if (i6.l4_proto == WIRE_PROTO_MH)
		punt_mh(lc, m, w, port, in, &i6);
	else if (i6.l4_proto != WIRE_PROTO_ESP)
		drop(lc, m, HA_DROP_LOCAL_UNHANDLED);
	else if ((why = dp_esp_punt_inner(lc, m, w, port, in->off, in->len,
					  (uint16_t)(in->off + i6.l4_off))) != 0)
		drop(lc, m, (enum ha_drop)why);
	return true;
}

/* Addresses to look up in the binding cache, per family, with where each answer goes. */
struct bind_keys {
	const struct in6_addr *k6[DP_BURST_MAX];
	const uint32_t *k4[DP_BURST_MAX];
	uint8_t idx6[DP_BURST_MAX];
	uint8_t idx4[DP_BURST_MAX];
	uint16_t n6;
	uint16_t n4;
};

static inline void
keys_add(struct bind_keys *k, uint16_t i, int family, const uint8_t *addr)
{
	if (family == 6) {
		k->k6[k->n6] = (const struct in6_addr *)(const void *)addr;
		k->idx6[k->n6++] = (uint8_t)i;
	} else {
		k->k4[k->n4] = (const uint32_t *)(const void *)addr;
		k->idx4[k->n4++] = (uint8_t)i;
	}
}

/*
 * With many bindings each packet's entry (its outer-header template) and its node's counters
 * are cache misses: start them all for the burst before the first is used, so that they
 * overlap instead of stalling one packet after another.
 */
static inline void
prefetch_bindings(const struct dp_lcore *lc, const struct bind_keys *k,
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
static void
keys_lookup(const struct dp_lcore *lc, struct bind_keys *k, const struct bc_entry **ent)
{
	const struct bc_entry *e6[DP_BURST_MAX], *e4[DP_BURST_MAX];
	uint16_t i;

	if (k->n6 > 0)
		bc_lookup6_bulk(lc->bc, k->k6, k->n6, e6);
	if (k->n4 > 0)
		bc_lookup4_bulk(lc->bc, k->k4, k->n4, e4);
	for (i = 0; i < k->n6; i++)
		ent[k->idx6[i]] = e6[i] != NULL ? e6[i] : bc_lookup_prefix6(lc->bc, k->k6[i]);
	for (i = 0; i < k->n4; i++)
		ent[k->idx4[i]] = e4[i] != NULL ? e4[i] : bc_lookup_prefix4(lc->bc, *k->k4[i]);
	prefetch_bindings(lc, k, ent);
}

/*
 * Decapsulation with the reverse-tunnel checks: the binding owning the inner source (exact
 * home address in bulk, then prefixes) must have this outer source as its care-of address.
 */
static uint16_t
decap_burst(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, struct wire_pkt **ws,
	    uint16_t n, struct rte_mbuf **fwd, uint16_t nf)
{
	struct dp_inner in[DP_BURST_MAX];
	const struct bc_entry *ent[DP_BURST_MAX];
	struct bind_keys keys;
	uint16_t i;
	enum ha_drop why;

	keys.n6 = keys.n4 = 0;
	for (i = 0; i < n; i++) {
		const uint8_t *f = rte_pktmbuf_mtod(pkts[i], uint8_t *);

		ent[i] = NULL;
		if (dp_inner_locate(ws[i], f, &in[i], &why) != 0) {
			drop(lc, pkts[i], why);
			pkts[i] = NULL;
			continue;
		}
		if (inner_to_us(lc, pkts[i], ws[i], port, &in[i])) {
			pkts[i] = NULL;
			continue;
		}
		keys_add(&keys, i, in[i].family, in[i].src);
	}
	dp_stage_end(lc, DP_ST_DECAP, 0);
	keys_lookup(lc, &keys, ent);
	dp_stage_end(lc, DP_ST_BIND, (uint32_t)(keys.n6 + keys.n4));

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct wire_pkt *w = ws[i];
		struct dp_pkt p;

		if (m == NULL)
			continue;
		if (dp_decap_check(ent[i], w, rte_pktmbuf_mtod(m, uint8_t *), &why) != 0) {
			if (why == HA_DROP_PORT_MISMATCH)
				punt_event(lc, DP_PUNT_NAT_PORT, ent[i]->mn, w);
			drop(lc, m, why);
			continue;
		}
		/* SPD inbound: a node with a payload SA sends its data through it */
		if (ent[i]->spi_in != 0) {
			drop(lc, m, HA_DROP_ESP_REQUIRED);
			continue;
		}
		if (ent[i]->flags & BC_F_NAT)
			seen(lc, ent[i], w);
		lc->stats.events[w->l3 == WIRE_L3_IP6 ? HA_EV_DECAP_IP6 :
				 w->tun == WIRE_TUN_IPIP ? HA_EV_DECAP_IP4 : HA_EV_DECAP_UDP]++;
		dp_pkt_from_mbuf(&p, m);
		dp_decap_strip(&p, &in[i]);
		dp_pkt_to_mbuf(&p, m);
		dp_mn_rx(lc, ent[i]->mn, p.len);
		fwd[nf++] = m;
	}
	dp_stage_end(lc, DP_ST_DECAP, n);
	return nf;
}

static const enum ha_event encap_event[] = {
	[BC_FMT_IP6] = HA_EV_ENCAP_IP6, [BC_FMT_IP4] = HA_EV_ENCAP_IP4,
	[BC_FMT_UDP] = HA_EV_ENCAP_UDP, [BC_FMT_UDP_TLV] = HA_EV_ENCAP_UDP_TLV,
};

static void encap_one(struct dp_lcore *lc, struct rte_mbuf *m, const struct bc_entry *e,
		      uint16_t port);

/*
 * An IPv4 packet without DF bigger than the tunnel: fragmented first, each fragment tunnelled
 * (dp_frag.h). A slow path: fresh mbufs, copies. Consumes m.
 */
static __rte_noinline void
encap_fragments(struct dp_lcore *lc, struct rte_mbuf *m, const struct bc_entry *e,
		uint16_t port, uint16_t inner_mtu)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t len = rte_pktmbuf_data_len(m), off = 0;
	int n;

	for (;;) {
		struct rte_mbuf *f = rte_pktmbuf_alloc(lc->ctx->pool);

		if (f == NULL) {
			lc->stats.drops[HA_DROP_NO_MBUF]++;
			break;
		}
		n = dp_frag4_next(ip, len, inner_mtu, &off, rte_pktmbuf_mtod(f, uint8_t *),
				  rte_pktmbuf_tailroom(f));
		if (n <= 0) {
			rte_pktmbuf_free(f);
			if (n < 0)
				lc->stats.drops[HA_DROP_TOO_BIG]++;
			break;
		}
		f->data_len = f->pkt_len = (uint16_t)n;
		lc->stats.events[HA_EV_FRAGMENTED]++;
		encap_one(lc, f, e, port);
	}
	rte_pktmbuf_free(m);
}

/* Tunnel m (data at L3) toward the care-of address of e. Consumes m. */
static void
encap_out(struct dp_lcore *lc, struct rte_mbuf *m, const struct bc_entry *e, uint16_t port)
{
	uint16_t len = rte_pktmbuf_data_len(m), mtu;
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);

	/* the egress MTU is that of the port toward the care-of address (its adjacency's) */
	if (dp_out_coa_mtu(lc, e, &mtu) != 0) {
		drop(lc, m, HA_DROP_NO_ROUTE);
		return;
	}
	if (unlikely(len + dp_encap_overhead(e) > mtu)) {
		uint16_t inner_mtu = (uint16_t)(mtu - dp_encap_overhead(e));

		if ((ip[0] >> 4) == 4 && !(wire_rd16(ip + 6) & 0x4000)) {
			encap_fragments(lc, m, e, port, inner_mtu);
			return;
		}
		/* the sender learns the tunnel's MTU: RFC 1191 / RFC 8201 */
		dp_out_too_big(lc, ip, len, port, inner_mtu);
		drop(lc, m, HA_DROP_TOO_BIG);
		return;
	}
	encap_one(lc, m, e, port);
}

/* Put e's outer header in front of m (it fits) and send it on. Consumes m. */
static void
encap_one(struct dp_lcore *lc, struct rte_mbuf *m, const struct bc_entry *e, uint16_t port)
{
	uint16_t len = rte_pktmbuf_data_len(m);
	struct dp_pkt p;

	dp_pkt_from_mbuf(&p, m);
	if (dp_encap_one(&p, e) != DP_ENCAP_OK) {
		drop(lc, m, HA_DROP_NO_HEADROOM);
		return;
	}
	dp_pkt_to_mbuf(&p, m);
	dp_mn_tx(lc, e->mn, len);
	lc->stats.events[encap_event[e->fmt]]++;
	dp_out_tunnel(lc, m, e, port);
}

/*
 * Encapsulation of a burst (issue 16): a packet whose binding's adjacency is resolved and
 * that fits gets the outer header from the template and the Ethernet header from the
 * adjacency in one pass into its headroom, and goes into the egress port's TX buffer;
 * counters are kept per burst. Anything else (no adjacency, unresolved, too big: ICMP or
 * fragments) takes encap_out, the general path.
 */
static void
encap_burst(struct dp_lcore *lc, uint16_t in_port, struct rte_mbuf **m,
	    const struct bc_entry **e, uint16_t n)
{
	const struct dp_ctx *c = lc->ctx;
	uint32_t ev[BC_FMT_UDP_TLV + 1] = { 0 };
	uint64_t tx_pkts[CFG_MAX_PORTS] = { 0 }, tx_bytes[CFG_MAX_PORTS] = { 0 };
	uint16_t i, p;

	for (i = 0; i < n; i++) {
		const struct bc_entry *b = e[i];
		struct rte_mbuf *x = m[i];
		uint16_t len = rte_pktmbuf_data_len(x);
		const struct dp_adj *a = b->adj != 0 ? &c->adj[b->adj - 1] : NULL;
		uint8_t mac[8], *eth;
		struct dp_pkt pk;

		if (a == NULL || !dp_adj_mac(a, mac) || len + dp_encap_overhead(b) > a->mtu ||
		    rte_pktmbuf_headroom(x) < b->tmpl_len + WIRE_ETH_HLEN) {
			encap_out(lc, x, b, in_port);
			continue;
		}
		dp_pkt_from_mbuf(&pk, x);
		if (dp_encap_one(&pk, b) != DP_ENCAP_OK) {
			drop(lc, x, HA_DROP_NO_HEADROOM);
			continue;
		}
		eth = pk.data - WIRE_ETH_HLEN;
		memcpy(eth, mac, 6);
		memcpy(eth + 6, a->src_type, 8);       /* source MAC and EtherType */
		x->data_off = (uint16_t)(eth - (uint8_t *)x->buf_addr);
		x->data_len = x->pkt_len = (uint16_t)(pk.len + WIRE_ETH_HLEN);
		dp_mn_tx(lc, b->mn, len);
		ev[b->fmt]++;
		tx_pkts[a->port]++;
		tx_bytes[a->port] += x->data_len;
		rte_eth_tx_buffer(c->port[a->port].port_id, lc->queue, lc->txb[a->port], x);
	}
	for (i = BC_FMT_IP6; i <= BC_FMT_UDP_TLV; i++)
		lc->stats.events[encap_event[i]] += ev[i];
	for (p = 0; p < lc->n_ports; p++) {
		lc->stats.tx_pkts[p] += tx_pkts[p];
		lc->stats.tx_bytes[p] += tx_bytes[p];
	}
}

/*
 * Forward: bindings first (exact home addresses in bulk, then prefixes), then the FIB.
 * Every packet's data is at its IP header. SPD outbound (seed 001 §4.2), after the
 * Mobility Header rules of the control plane: "destination is a home address" of a node
 * with a payload SA selects that SA; other bindings are tunnelled in the clear.
 */
void
dp_worker_fwd(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct bc_entry *ent[DP_BURST_MAX], *esp_e[DP_BURST_MAX], *enc_e[DP_BURST_MAX];
	struct rte_mbuf *esp_m[DP_BURST_MAX], *enc_m[DP_BURST_MAX], *rt_m[DP_BURST_MAX];
	struct bind_keys keys;
	uint16_t i, ne = 0, nenc = 0, nrt = 0;

	keys.n6 = keys.n4 = 0;
	for (i = 0; i < n; i++) {
		uint8_t *ip = rte_pktmbuf_mtod(pkts[i], uint8_t *);

		ent[i] = NULL;
		if ((ip[0] >> 4) == 6)
			keys_add(&keys, i, 6, ip + 24);
		else
			keys_add(&keys, i, 4, ip + 16);
	}
	keys_lookup(lc, &keys, ent);
	dp_stage_end(lc, DP_ST_BIND, n);

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *);

		if ((ip[0] >> 4) == 6 && ip[24] == 0xfe && (ip[25] & 0xc0) == 0x80) {
			/* R6275 §10.4.2: never tunnel to a link-local address */
			drop(lc, m, HA_DROP_LINK_LOCAL);
			continue;
		}
		if (!dp_ttl_dec(ip)) {
			/* RFC 1812 §5.3.1 / RFC 4443 §3.3 */
			if ((ip[0] >> 4) == 6)
				dp_out_icmp_error(lc, ip, rte_pktmbuf_data_len(m), port,
						  WIRE_ICMP6_TIME_EXCEEDED, 0, 0);
			else
				dp_out_icmp_error(lc, ip, rte_pktmbuf_data_len(m), port,
						  WIRE_ICMP_TIME_EXCEEDED, 0, 0);
			drop(lc, m, HA_DROP_TTL);
			continue;
		}
		if (ent[i] != NULL && ent[i]->sa_out != BC_NO_SA) {
			esp_m[ne] = m;
			esp_e[ne++] = ent[i];
		} else if (ent[i] != NULL) {
			enc_m[nenc] = m;
			enc_e[nenc++] = ent[i];
		} else {
			rt_m[nrt++] = m;
		}
	}
	if (nrt > 0) {
		lc->stats.events[HA_EV_FORWARDED] += nrt;
		dp_out_route_burst(lc, rt_m, nrt, port);
	}
	dp_stage_end(lc, DP_ST_ROUTE, n);
	if (nenc > 0) {
		encap_burst(lc, port, enc_m, enc_e, nenc);
		dp_stage_end(lc, DP_ST_ENCAP, nenc);
	}
	if (ne > 0) {
		dp_esp_tx(lc, port, esp_m, esp_e, ne);
		dp_stage_end(lc, DP_ST_ESP_OUT, ne);
	}
}

static void
worker_rx(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dp_ctx *c = lc->ctx;
	struct wire_pkt w[DP_BURST_MAX], *dw[DP_BURST_MAX], *ew[DP_BURST_MAX];
	struct rte_mbuf *dec[DP_BURST_MAX], *esp[DP_BURST_MAX], *fwd[2 * DP_BURST_MAX];
	uint16_t i, nd = 0, ne = 0, nf = 0;
	uint64_t bytes = 0;

	for (i = 0; i < PREFETCH_OFFSET && i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
		enum ha_drop why = HA_DROP_MALFORMED;
		enum wire_err e;
		uint16_t ip_len;

		if (i + PREFETCH_OFFSET < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_OFFSET], void *));
		bytes += rte_pktmbuf_pkt_len(m);
		if (m->nb_segs > 1) {
			drop(lc, m, HA_DROP_MULTI_SEGMENT);
			continue;
		}
		/* most frames are plain packets to forward: known from a few bytes */
		ip_len = dp_classify_fast_fwd(f, rte_pktmbuf_data_len(m),
					      (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_GOOD) != 0, c,
					      port);
		if (ip_len != 0) {
			rte_pktmbuf_adj(m, WIRE_ETH_HLEN);
			rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - ip_len));
			fwd[nf++] = m;
			continue;
		}
		e = wire_pkt_parse(f, rte_pktmbuf_data_len(m),
				   (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_GOOD) ?
				   WIRE_PKT_F_NO_IP4_CSUM : 0, &w[i]);
		/* GOOD, or NONE (GOOD|BAD: verified, the field itself not filled) */
		w[i].l4_csum_good = (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_GOOD) != 0;
		switch (dp_classify(&w[i], e, f, c, port, &why)) {
		case DP_C_DROP:
			drop(lc, m, why);
			break;
		case DP_C_PARAM_PROBLEM:
			param_problem(lc, m, &w[i], port);
			drop(lc, m, why);
			break;
		case DP_C_ARP:
			dp_home_arp(lc, m, &w[i], port);
			break;
		case DP_C_ND:
			dp_home_nd(lc, m, &w[i], port);
			break;
		case DP_C_ECHO:
			dp_home_echo(lc, m, &w[i], port);
			break;
		case DP_C_MH:
			punt_mh(lc, m, &w[i], port, NULL, NULL);
			break;
		case DP_C_HAO: {
			struct in6_addr hoa;

			memcpy(&hoa, f + w[i].l3_off + w[i].ip6.hao_off, 16);
			if (bc_lookup6(lc->bc, &hoa) == NULL) {
				struct dp_punt *meta = dp_punt_meta(m);

				/* R6275 §9.3.1: no binding -> Binding Error status 1 */
				memset(meta, 0, sizeof(*meta));
				meta->kind = DP_PUNT_HAO;
				meta->port = port;
				meta->l3_off = w[i].l3_off;
				meta->has_hao = 1;
				meta->hao_off = (uint16_t)(w[i].l3_off + w[i].ip6.hao_off);
				dp_out_punt(lc, m, HA_EV_PUNT_OTHER);
			} else {
				drop(lc, m, HA_DROP_HAO);
			}
			break;
		}
		case DP_C_DECAP:
			dw[nd] = &w[i];
			dec[nd++] = m;
			break;
		case DP_C_ESP:
			ew[ne] = &w[i];
			esp[ne++] = m;
			break;
		case DP_C_NATT_KA:
			lc->stats.events[HA_EV_NAT_KEEPALIVE]++;
			rte_pktmbuf_free(m);
			break;
		case DP_C_IKE: {
			/* the whole frame to charon (through the control plane), behind
			 * its own punt bucket: an IKE flood never starves BUs */
			struct dp_punt *meta = dp_punt_meta(m);

			memset(meta, 0, sizeof(*meta));
			meta->kind = DP_PUNT_IKE;
			meta->port = port;
			meta->l3_off = w[i].l3_off;
			dp_out_punt(lc, m, HA_EV_PUNT_IKE);
			break;
		}
		case DP_C_HOME_LINK: {
			/* RS, RA, DHAAD, MPS: the whole frame, behind their own punt bucket */
			struct dp_punt *meta = dp_punt_meta(m);

			memset(meta, 0, sizeof(*meta));
			meta->kind = DP_PUNT_HOME_LINK;
			meta->port = port;
			meta->l3_off = w[i].l3_off;
			/* the ICMPv6 message, past any extension header, and an MPS's home address */
			meta->mh_off = w[i].l4_off;
			meta->mh_len = w[i].l4_len;
			if (w[i].ip6.has_hao) {
				meta->has_hao = 1;
				meta->hao_off = (uint16_t)(w[i].l3_off + w[i].ip6.hao_off);
			}
			dp_out_punt(lc, m, HA_EV_PUNT_OTHER);
			break;
		}
		case DP_C_FWD:
			/* keep only the IP packet: L2 is rewritten on the way out */
			rte_pktmbuf_adj(m, w[i].l3_off);
			rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_data_len(m) - w[i].ip_len));
			fwd[nf++] = m;
			break;
		}
	}
	lc->stats.rx_pkts[port] += n;
	lc->stats.rx_bytes[port] += bytes;
	dp_stage_end(lc, DP_ST_RX, n);
	if (nd > 0)
		nf = decap_burst(lc, port, dec, dw, nd, fwd, nf);
	if (nf > 0)
		dp_worker_fwd(lc, port, fwd, nf);
	if (ne > 0) {
		dp_esp_rx(lc, port, esp, ew, ne);
		dp_stage_end(lc, DP_ST_ESP_IN, ne);
	}
}

void
dp_worker_rx(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	lc->tsc_mark = rte_rdtsc();
	worker_rx(lc, port, pkts, n);
}

/* Worker 0 sends what the control plane queued for ports without a queue of their own. */
static void
drain_ctl_tx(struct dp_lcore *lc)
{
	struct rte_mbuf *m[DP_BURST_MAX];
	uint16_t i, k;
	unsigned int n;

	for (i = 0; i < lc->n_ports; i++) {
		const struct dp_port_info *pi = &lc->ctx->port[i];

		if (pi->ctl_tx == NULL)
			continue;
		n = rte_ring_sc_dequeue_burst(pi->ctl_tx, (void **)m, DP_BURST_MAX, NULL);
		for (k = 0; k < n; k++) {
			lc->stats.tx_pkts[i]++;
			lc->stats.tx_bytes[i] += rte_pktmbuf_pkt_len(m[k]);
			rte_eth_tx_buffer(pi->port_id, lc->queue, lc->txb[i], m[k]);
		}
		lc->stats.events[HA_EV_CTL_TX] += n;
	}
}

int
dp_lcore_init_tx(struct dp_lcore *lc, int socket)
{
	uint16_t i;

	lc->tsc_hz = rte_get_tsc_hz();
	/* every bucket starts full (a second since its last refill) */
	lc->icmp_last_tsc = rte_rdtsc() - lc->tsc_hz;
	for (i = 0; i < DP_PUNT_KINDS; i++)
		lc->punt_last_tsc[i] = lc->icmp_last_tsc;
	for (i = 0; i < lc->n_ports; i++) {
		lc->txb[i] = rte_zmalloc_socket("dp_txb", RTE_ETH_TX_BUFFER_SIZE(DP_BURST_MAX), 0,
						socket);
		if (lc->txb[i] == NULL)
			return -ENOMEM;
		rte_eth_tx_buffer_init(lc->txb[i], DP_BURST_MAX);
		rte_eth_tx_buffer_set_err_callback(lc->txb[i], rte_eth_tx_buffer_count_callback,
						   &lc->stats.drops[HA_DROP_TX_FULL]);
	}
	return 0;
}

void
dp_lcore_fini(struct dp_lcore *lc)
{
	uint16_t i;

	for (i = 0; i < CFG_MAX_PORTS; i++) {
		rte_free(lc->txb[i]);
		lc->txb[i] = NULL;
	}
	rte_free(lc->seen_s);
	rte_free(lc->natt_s);
	rte_free(lc->mn_ctr);
	lc->mn_ctr = NULL;
	lc->seen_s = NULL;
	lc->natt_s = NULL;
	lc->sa_ctr = NULL;
}

int
dp_worker_main(void *arg)
{
	struct dp_lcore *lc = arg;
	struct dp_stats *st = &lc->stats;
	struct rte_mbuf *pkts[DP_BURST_MAX];
	struct rte_rcu_qsbr *qsv = lc->bc != NULL ? bc_rcu(lc->bc) : NULL;
	uint16_t i, n;

	if (qsv != NULL && bc_reader_register(lc->bc, lc->rcu_tid) != 0) {
		DP_LOG(ERR, "worker %u: cannot register as RCU reader %u", lc->worker, lc->rcu_tid);
		return -1;
	}
	DP_LOG(INFO, "worker %u on lcore %u: queue %u on %u ports", lc->worker, lc->lcore_id,
	       lc->queue, lc->n_ports);
	while (!__atomic_load_n(lc->quit, __ATOMIC_RELAXED)) {
		uint64_t t0 = rte_rdtsc();
		uint32_t rx = 0;
		bool busy = false;

		/* the stages' timeline starts here: polling the ports is the rx stage's */
		lc->tsc_mark = t0;
		for (i = 0; i < lc->n_ports; i++) {
			n = rte_eth_rx_burst(lc->port_ids[i], lc->queue, pkts, lc->burst);
			if (n == 0)
				continue;
			busy = true;
			rx += n;
			if (lc->ctx == NULL ||
			    __atomic_load_n(&lc->ctx->standby, __ATOMIC_RELAXED)) {
				uint16_t j;

				/* counting only: no context to act on, or the pair's standby,
				 * which must not answer on the addresses the active owns */
				st->rx_pkts[i] += n;
				for (j = 0; j < n; j++)
					st->rx_bytes[i] += rte_pktmbuf_pkt_len(pkts[j]);
				st->drops[lc->ctx == NULL ? HA_DROP_LOCAL_UNHANDLED :
							    HA_DROP_STANDBY] += n;
				rte_pktmbuf_free_bulk(pkts, n);
				continue;
			}
			worker_rx(lc, i, pkts, n);
		}
		if (lc->ctx != NULL) {
			dp_esp_rx_steered(lc);
			if (lc->worker == 0)
				drain_ctl_tx(lc);
			dp_out_flush(lc);
		}
		st->loops++;
		if (busy) {
			/* steered ESP, the control plane's frames and the flush: "tx" */
			dp_stage_end(lc, DP_ST_TX, rx);
			st->busy_loops++;
			st->busy_tsc += lc->tsc_mark - t0;
		}
		/* loop boundary: no table pointer is held here (rcu_lib.rst) */
		if (qsv != NULL)
			bc_quiescent(qsv, lc->rcu_tid);
	}
	if (lc->ctx != NULL)
		dp_out_flush(lc);
	if (qsv != NULL)
		bc_reader_unregister(lc->bc, lc->rcu_tid);
	DP_LOG(INFO, "worker %u on lcore %u: stopped", lc->worker, lc->lcore_id);
	return 0;
}
