/* SPDX-License-Identifier: BSD-3-Clause */
/* Route, resolve, write Ethernet and buffer; ICMP errors; punt to the control plane. */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ring.h>

#include "dp_adj.h"
#include "dp_fib.h"
#include "dp_frag.h"
#include "dp_icmp.h"
#include "dp_neigh.h"
#include "bc_entry.h"
#include "dp_out.h"
#include "dp_punt.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_nd.h"
#include "wire_pkt.h"

/* m (Ethernet written) into port's TX buffer, counted. */
static void
l2_send(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t port)
{
	lc->stats.tx_pkts[port]++;
	lc->stats.tx_bytes[port] += rte_pktmbuf_pkt_len(m);
	rte_eth_tx_buffer(lc->ctx->port[port].port_id, lc->queue, lc->txb[port], m);
}

void
dp_out_l2(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t port, const uint8_t *dst_mac,
	  uint16_t ethertype)
{
	const struct dp_port_info *pi = &lc->ctx->port[port];
	uint8_t *eth = (uint8_t *)rte_pktmbuf_prepend(m, WIRE_ETH_HLEN);

	if (eth == NULL) {
		lc->stats.drops[HA_DROP_NO_HEADROOM]++;
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(eth, dst_mac, 6);
	memcpy(eth + 6, pi->mac, 6);
	wire_wr16(eth + 12, ethertype);
	l2_send(lc, m, port);
}

void
dp_out_tx_list(struct dp_lcore *lc, struct rte_mbuf **m, const uint8_t *p, uint16_t n)
{
	const struct dp_ctx *c = lc->ctx;
	struct rte_eth_dev_tx_buffer *b;
	uint64_t bytes = 0;
	uint16_t i, k, port;

	if (n == 0)
		return;
	port = p[0];
	for (i = 0; i < n; i++) {
		if (p[i] != port)
			break;
		bytes += m[i]->data_len;
	}
	if (unlikely(i < n)) {
		for (i = 0; i < n; i++) {
			lc->stats.tx_pkts[p[i]]++;
			lc->stats.tx_bytes[p[i]] += m[i]->data_len;
			rte_eth_tx_buffer(c->port[p[i]].port_id, lc->queue, lc->txb[p[i]], m[i]);
		}
		return;
	}
	lc->stats.tx_pkts[port] += n;
	lc->stats.tx_bytes[port] += bytes;
	/* rte_eth_tx_buffer's semantics, n at a time: sent when full, else at the flush */
	b = lc->txb[port];
	while (n > 0) {
		k = RTE_MIN(n, (uint16_t)(b->size - b->length));
		memcpy(&b->pkts[b->length], m, k * sizeof(*m));
		b->length = (uint16_t)(b->length + k);
		m += k;
		n = (uint16_t)(n - k);
		if (b->length == b->size)
			rte_eth_tx_buffer_flush(c->port[port].port_id, lc->queue, b);
	}
}

/*
 * One token bucket per punt kind and worker (a second's worth of burst): a flood of one
 * kind (packets to random addresses on the home link, spoofed NAT port changes) cannot
 * crowd out the others, nor the control plane's time. Thousandths of a token, as icmp_allowed.
 */
static bool
punt_admit(struct dp_lcore *lc, uint8_t kind)
{
	uint64_t now = rte_rdtsc(), rate = lc->ctx->punt_rate, cap = rate * 1000;
	uint64_t *tok = &lc->punt_tokens[kind], dt = now - lc->punt_last_tsc[kind];

	if (rate == 0)
		return true;
	/* a second or more since the last one fills the bucket; less, in proportion */
	*tok = dt >= lc->tsc_hz ? cap : *tok + dt * rate / (lc->tsc_hz / 1000);
	if (*tok > cap)
		*tok = cap;
	lc->punt_last_tsc[kind] = now;
	if (*tok < 1000)
		return false;
	*tok -= 1000;
	return true;
}

void
dp_out_punt(struct dp_lcore *lc, struct rte_mbuf *m, enum ha_event ev)
{
	uint8_t kind = dp_punt_meta(m)->kind;
	struct rte_ring *r = dp_punt_is_signalling(kind) ? lc->sig : lc->punt;

	if (kind >= DP_PUNT_KINDS || (!dp_punt_is_signalling(kind) && !punt_admit(lc, kind))) {
		lc->stats.drops[HA_DROP_PUNT_LIMITED]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (r == NULL || rte_ring_sp_enqueue(r, m) != 0) {
		lc->stats.drops[HA_DROP_PUNT_FULL]++;
		rte_pktmbuf_free(m);
		return;
	}
	lc->stats.events[ev]++;
}

/* IPv4 without DF bigger than the egress MTU: fragments, each routed. Slow path. */
static __rte_noinline void
route_fragments(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t in_port, uint16_t mtu)
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
		n = dp_frag4_next(ip, len, mtu, &off, rte_pktmbuf_mtod(f, uint8_t *),
				  rte_pktmbuf_tailroom(f));
		if (n <= 0) {
			rte_pktmbuf_free(f);
			break;
		}
		f->data_len = f->pkt_len = (uint16_t)n;
		lc->stats.events[HA_EV_FRAGMENTED]++;
		dp_out_route(lc, f, in_port);
	}
	rte_pktmbuf_free(m);
}

/* m (data at its outer IP header) out through adjacency adj (its id + 1) when that is
 * resolved: its MAC, no neighbour lookup. @return false (m untouched): take the general
 * path. */
static bool
adj_out(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t adj)
{
	const struct dp_adj *a = adj != 0 ? &lc->ctx->adj[adj - 1] : NULL;

	if (!dp_adj_prepend_eth(a, m))
		return false;
	l2_send(lc, m, a->port);
	return true;
}

/*
 * m (data at its IP header) leaves toward next hop h: MTU (fragments or
 * "too big"), then the gateway's adjacency when resolved (no neighbour lookup), else the
 * neighbour table; an unresolved next hop hands m to the control plane, which holds it
 * while it resolves.
 */
static void
route_send(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t in_port, const struct dp_nh *h)
{
	const struct dp_ctx *c = lc->ctx;
	uint8_t *ip = rte_pktmbuf_mtod(m, uint8_t *), mac[6];
	uint16_t port, len = rte_pktmbuf_data_len(m);
	struct dp_punt *meta;
	int rc;

	if (h == NULL) {
		lc->stats.drops[HA_DROP_NO_ROUTE]++;
		rte_pktmbuf_free(m);
		return;
	}
	port = h->port;
	if (len > c->port[port].mtu) {
		/* a router fragments IPv4 without DF (RFC 791, RFC 1812 §5.2.6) */
		if ((ip[0] >> 4) == 4 && !(wire_rd16(ip + 6) & 0x4000)) {
			route_fragments(lc, m, in_port, c->port[port].mtu);
			return;
		}
		dp_out_too_big(lc, ip, len, in_port, c->port[port].mtu);
		lc->stats.drops[HA_DROP_TOO_BIG]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (adj_out(lc, m, h->adj))
		return;
	meta = dp_punt_meta(m);
	if ((ip[0] >> 4) == 4) {
		uint32_t nh;

		memcpy(&nh, h->connected ? ip + 16 : (const uint8_t *)&h->gw4, 4);
		rc = dp_neigh_lookup4(c->neigh, port, nh, mac);
		if (rc == 0) {
			dp_out_l2(lc, m, port, mac, WIRE_ETHERTYPE_IPV4);
			return;
		}
		memset(meta, 0, sizeof(*meta));
		meta->family = 4;
		memcpy(meta->nh, &nh, 4);
	} else {
		struct in6_addr nh;

		memcpy(&nh, h->connected ? ip + 24 : (const uint8_t *)&h->gw6, 16);
		rc = dp_neigh_lookup6(c->neigh, port, &nh, mac);
		if (rc == 0) {
			dp_out_l2(lc, m, port, mac, WIRE_ETHERTYPE_IPV6);
			return;
		}
		memset(meta, 0, sizeof(*meta));
		meta->family = 6;
		memcpy(meta->nh, &nh, 16);
	}
	/* the control plane resolves the next hop and sends what it held */
	meta->kind = DP_PUNT_HOLD;
	meta->port = port;
	dp_out_punt(lc, m, HA_EV_PUNT_OTHER);
}

void
dp_out_route(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t in_port)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t dst;

	if ((ip[0] >> 4) == 4) {
		memcpy(&dst, ip + 16, 4);
		route_send(lc, m, in_port, dp_fib_nh4(lc->ctx->fib, dst));
	} else {
		route_send(lc, m, in_port, dp_fib_nh6(lc->ctx->fib, ip + 24));
	}
}

void
dp_out_route_burst(struct dp_lcore *lc, struct rte_mbuf **m, uint16_t n, uint16_t in_port)
{
	const struct dp_ctx *c = lc->ctx;
	const struct dp_nh *h4[DP_BURST_MAX], *h6[DP_BURST_MAX];
	uint8_t dst6[DP_BURST_MAX][16];
	uint32_t dst4[DP_BURST_MAX];
	struct dp_tx_list tx;
	uint16_t i, n4 = 0, n6 = 0;

	tx.n = 0;

	/* one bulk lookup per family for the whole burst */
	for (i = 0; i < n; i++) {
		const uint8_t *ip = rte_pktmbuf_mtod(m[i], const uint8_t *);

		if ((ip[0] >> 4) == 4)
			memcpy(&dst4[n4++], ip + 16, 4);
		else
			memcpy(dst6[n6++], ip + 24, 16);
	}
	if (n4 > 0)
		dp_fib_lookup4_bulk(lc->ctx->fib, dst4, n4, h4);
	if (n6 > 0)
		dp_fib_lookup6_bulk(lc->ctx->fib, (const uint8_t (*)[16])dst6, n6, h6);
	n4 = n6 = 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *x = m[i];
		const uint8_t *ip = rte_pktmbuf_mtod(x, const uint8_t *);
		const struct dp_nh *h = (ip[0] >> 4) == 4 ? h4[n4++] : h6[n6++];
		const struct dp_adj *a;

		/* the common case in one pass: a gateway whose adjacency is resolved and a
		 * packet that fits */
		a = h != NULL && h->adj != 0 ? &c->adj[h->adj - 1] : NULL;
		if (a == NULL || rte_pktmbuf_data_len(x) > c->port[h->port].mtu ||
		    !dp_adj_prepend_eth(a, x)) {
			dp_tx_list_flush(lc, &tx);
			route_send(lc, x, in_port, h);
			continue;
		}
		dp_tx_list_add(&tx, x, a->port);
	}
	dp_tx_list_flush(lc, &tx);
}

/* Token bucket: icmp_rate errors per second, in thousandths. */
static bool
icmp_allowed(struct dp_lcore *lc)
{
	uint64_t now = rte_rdtsc(), cap;
	uint64_t rate = __atomic_load_n(&lc->ctx->icmp_rate, __ATOMIC_RELAXED);

	cap = rate * 1000;
	if (rate == 0)
		return false;
	lc->icmp_tokens = now - lc->icmp_last_tsc >= lc->tsc_hz ? cap :
			  lc->icmp_tokens + (now - lc->icmp_last_tsc) * rate / (lc->tsc_hz / 1000);
	if (lc->icmp_tokens > cap)
		lc->icmp_tokens = cap;
	lc->icmp_last_tsc = now;
	if (lc->icmp_tokens < 1000)
		return false;
	lc->icmp_tokens -= 1000;
	return true;
}

void
dp_out_icmp_error(struct dp_lcore *lc, const uint8_t *ip, uint16_t len, uint16_t in_port,
		  uint8_t type, uint8_t code, uint32_t param)
{
	const struct dp_ctx *c = lc->ctx;
	const struct dp_port_info *pi = &c->port[in_port];
	struct rte_mbuf *m;
	uint8_t *p;
	int n;

	if (!dp_icmp_error_allowed(ip, len, type, code))
		return;
	if (!icmp_allowed(lc)) {
		lc->stats.events[HA_EV_ICMP_LIMITED]++;
		return;
	}
	m = rte_pktmbuf_alloc(c->pool);
	if (m == NULL) {
		lc->stats.drops[HA_DROP_NO_MBUF]++;
		return;
	}
	p = rte_pktmbuf_mtod(m, uint8_t *);
	if ((ip[0] >> 4) == 4)
		n = wire_icmp4_error(p, rte_pktmbuf_tailroom(m),
				     pi->has4 ? pi->ip4 : c->ha4, type, code, (uint16_t)param, ip,
				     len);
	else
		n = wire_icmp6_error(p, rte_pktmbuf_tailroom(m), pi->has6 ? &pi->ip6 : &c->ha6,
				     type, code, param, ip, len);
	if (n < 0) {
		rte_pktmbuf_free(m);
		return;
	}
	m->data_len = m->pkt_len = (uint16_t)n;
	lc->stats.events[HA_EV_ICMP_SENT]++;
	dp_out_route(lc, m, in_port);
}

void
dp_out_flush(struct dp_lcore *lc)
{
	uint16_t i;

	for (i = 0; i < lc->n_ports; i++)
		rte_eth_tx_buffer_flush(lc->ctx->port[i].port_id, lc->queue, lc->txb[i]);
}

void
dp_out_too_big(struct dp_lcore *lc, const uint8_t *ip, uint16_t len, uint16_t in_port,
	       uint16_t mtu)
{
	if ((ip[0] >> 4) == 6)
		dp_out_icmp_error(lc, ip, len, in_port, WIRE_ICMP6_TOO_BIG, 0, mtu);
	else if (wire_rd16(ip + 6) & 0x4000)
		/* RFC 1191: tell the sender when DF forbids fragmenting (we never do) */
		dp_out_icmp_error(lc, ip, len, in_port, WIRE_ICMP_UNREACH, WIRE_ICMP_UNREACH_FRAG,
				  mtu);
}

void
dp_out_tunnel(struct dp_lcore *lc, struct rte_mbuf *m, const struct bc_entry *e,
	      uint16_t in_port)
{
	if (!adj_out(lc, m, e->adj))
		dp_out_route(lc, m, in_port);
}

int
dp_out_coa_mtu(const struct dp_lcore *lc, const struct bc_entry *e, uint16_t *mtu)
{
	const struct dp_ctx *c = lc->ctx;
	uint16_t port;
	int rc;

	if (e->adj != 0) {
		/* the adjacency's egress port, resolved or not */
		*mtu = c->adj[e->adj - 1].mtu;
		return 0;
	}
	if (e->fmt == BC_FMT_IP6) {
		struct in6_addr nh;

		rc = dp_fib_lookup6(c->fib, &e->coa6, &port, &nh);
	} else {
		uint32_t nh;

		rc = dp_fib_lookup4(c->fib, e->coa4, &port, &nh);
	}
	if (rc == 0)
		*mtu = c->port[port].mtu;
	return rc;
}
