/* SPDX-License-Identifier: BSD-3-Clause */
/* The encapsulation stage (see dp_encap_stage.h). */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "dp_adj.h"
#include "dp_encap.h"
#include "dp_encap_stage.h"
#include "dp_frag.h"
#include "dp_out.h"
#include "dp_pkt.h"
#include "wire_csum.h"
#include "wire_pkt.h"

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
		dp_drop(lc, m, HA_DROP_NO_ROUTE);
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
		dp_drop(lc, m, HA_DROP_TOO_BIG);
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
		dp_drop(lc, m, HA_DROP_NO_HEADROOM);
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
void
dp_encap_burst(struct dp_lcore *lc, uint16_t in_port, struct rte_mbuf **m,
	    const struct bc_entry **e, uint16_t n)
{
	/* in locals: the loop's byte stores into packets could alias them in memory */
	const struct dp_adj *adj = lc->ctx->adj;
	struct dp_mn_ctr *mn_ctr = lc->mn_ctr;
	uint32_t mn_cap = lc->seen_cap;
	uint32_t ev[BC_FMT_UDP_TLV + 1] = { 0 };
	struct dp_tx_list tx;
	uint16_t i;

	tx.n = 0;

	for (i = 0; i < n; i++) {
		const struct bc_entry *b = e[i];
		struct rte_mbuf *x = m[i];
		uint16_t len = rte_pktmbuf_data_len(x);
		const struct dp_adj *a = b->adj != 0 ? &adj[b->adj - 1] : NULL;
		uint8_t mac[8], *eth;
		struct dp_pkt pk;

		if (a == NULL || !dp_adj_mac(a, mac) || len + dp_encap_overhead(b) > a->mtu ||
		    rte_pktmbuf_headroom(x) < b->tmpl_len + WIRE_ETH_HLEN) {
			dp_tx_list_flush(lc, &tx);
			encap_out(lc, x, b, in_port);
			continue;
		}
		dp_pkt_from_mbuf(&pk, x);
		if (dp_encap_one(&pk, b) != DP_ENCAP_OK) {
			dp_drop(lc, x, HA_DROP_NO_HEADROOM);
			continue;
		}
		eth = pk.data - WIRE_ETH_HLEN;
		dp_adj_write_eth(a, mac, eth);
		x->data_off = (uint16_t)(eth - (uint8_t *)x->buf_addr);
		x->data_len = x->pkt_len = (uint16_t)(pk.len + WIRE_ETH_HLEN);
		dp_mn_tx_in(mn_ctr, mn_cap, b->mn, len);
		ev[b->fmt]++;
		dp_tx_list_add(&tx, x, a->port);
	}
	for (i = BC_FMT_IP6; i <= BC_FMT_UDP_TLV; i++)
		lc->stats.events[encap_event[i]] += ev[i];
	dp_tx_list_flush(lc, &tx);
}
