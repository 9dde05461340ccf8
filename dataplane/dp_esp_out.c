/* SPDX-License-Identifier: BSD-3-Clause */
/* The outbound ESP stage (see dp_esp_out.h). */
#include <string.h>

#include <rte_mbuf.h>

#include "dp_adj.h"
#include "dp_encap.h"
#include "dp_esp.h"
#include "dp_esp_out.h"
#include "dp_esp_stage.h"
#include "dp_out.h"
#include "dp_pkt.h"
#include "dp_sa.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_pkt.h"
#include "wire_tun.h"

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
		dp_drop(lc, m, HA_DROP_ESP_NO_SA);
		return false;
	}
	if ((e->fmt == BC_FMT_UDP || e->fmt == BC_FMT_UDP_TLV) && (e->flags & BC_F_NAT) &&
	    e->esp_port == 0) {
		dp_drop(lc, m, HA_DROP_ESP_NATT_UNMAPPED);
		return false;
	}
	if (dp_out_coa_mtu(lc, e, &mtu) != 0) {
		dp_drop(lc, m, HA_DROP_NO_ROUTE);
		return false;
	}
	if ((uint32_t)len + dp_sa_overhead(sa, len) + outer > mtu) {
		dp_out_too_big(lc, ip, len, port, esp_inner_mtu(sa, mtu, outer));
		dp_drop(lc, m, HA_DROP_TOO_BIG);
		return false;
	}
	em = esp_meta(m);
	em->e = e;
	em->slot = sa->slot;
	em->port = port;
	em->tos = v == 4 ? ip[1] : (uint8_t)(wire_rd16(ip) >> 4);
	em->len = len;
	if (dp_esp_out_stage(m, v == 4 ? WIRE_PROTO_IPIP : WIRE_PROTO_IPV6) != 0) {
		dp_drop(lc, m, HA_DROP_NO_HEADROOM);
		return false;
	}
	return true;
}

enum out_next { OUT_READY, OUT_GENERAL, OUT_DROPPED };

/*
 * After rte_ipsec: the binding's current outer header (seed 001 §4.1) and, through its
 * resolved adjacency, the Ethernet header: OUT_READY, m ready to leave by *tx_port.
 * OUT_GENERAL: the outer header is on, the next hop is not resolved (dp_out_tunnel).
 */
static enum out_next
out_finish(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t *tx_port)
{
	const struct esp_meta em = *esp_meta(m);
	const struct dp_adj *a;
	struct dp_pkt p;

	dp_mn_tx(lc, em.e->mn, em.len);
	dp_esp_out_unstage(m);
	dp_pkt_from_mbuf(&p, m);
	switch (dp_encap_esp(&p, em.e, em.tos)) {
	case DP_ENCAP_OK:
		break;
	case DP_ENCAP_NO_MAPPING:
		dp_drop(lc, m, HA_DROP_ESP_NATT_UNMAPPED);
		return OUT_DROPPED;
	default:
		dp_drop(lc, m, HA_DROP_NO_HEADROOM);
		return OUT_DROPPED;
	}
	dp_pkt_to_mbuf(&p, m);
	a = em.e->adj != 0 ? &lc->ctx->adj[em.e->adj - 1] : NULL;
	if (!dp_adj_prepend_eth(a, m))
		return OUT_GENERAL;
	*tx_port = a->port;
	return OUT_READY;
}

/* The burst's sealed packets out: through their adjacencies in one batch per port. */
static void
out_send(struct dp_lcore *lc, const struct dp_esp_group *g, uint16_t ng)
{
	struct dp_tx_list tx;
	uint16_t i, j, port;
	uint32_t sent = 0;

	tx.n = 0;

	for (i = 0; i < ng; i++) {
		for (j = g[i].ok; j < g[i].n; j++)
			dp_drop(lc, g[i].mb[j], HA_DROP_ESP_FAILED);
		for (j = 0; j < g[i].ok; j++) {
			struct rte_mbuf *m = g[i].mb[j];

			switch (out_finish(lc, m, &port)) {
			case OUT_READY:
				dp_tx_list_add(&tx, m, port);
				sent++;
				break;
			case OUT_GENERAL:
				dp_tx_list_flush(lc, &tx);
				sent++;
				dp_out_tunnel(lc, m, esp_meta(m)->e, esp_meta(m)->port);
				break;
			case OUT_DROPPED:
				break;
			}
		}
	}
	dp_tx_list_flush(lc, &tx);
	lc->stats.events[HA_EV_ENCAP_ESP] += sent;
}

void
dp_esp_tx(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
	  const struct bc_entry *const *ents, uint16_t n)
{
	struct rte_mbuf *st[DP_BURST_MAX], *flat[DP_BURST_MAX];
	struct dp_esp_group g[DP_BURST_MAX];
	uint32_t slots[DP_BURST_MAX] = { 0 };   /* (gcc cannot tell n <= DP_BURST_MAX) */
	uint16_t i, ns = 0, ngr;

	for (i = 0; i < n; i++)
		slots[i] = ents[i]->sa_out;
	dp_esp_prefetch_sas(lc, slots, n);
	for (i = 0; i < n; i++)
		if (out_stage(lc, port, pkts[i], ents[i])) {
			slots[ns] = ents[i]->sa_out;
			st[ns++] = pkts[i];
		}
	/* the burst by SA, each group's packets in order */
	ngr = dp_esp_group_burst(lc, st, slots, ns, false, flat, g);
	if (ngr == 0)
		return;
	if (dp_esp_process_groups(g, ngr, &lc->esp) > 0)
		lc->stats.events[HA_EV_ESP_OP_BURST]++;
	out_send(lc, g, ngr);
}
