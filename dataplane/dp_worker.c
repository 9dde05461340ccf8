/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore loop (architecture.md "Worker path"). It only wires the stages, one file
 * each: RX burst -> classify (dp_classify.h: a plain packet to forward, or a tunnelled one
 * to decapsulate, is known from a few bytes; anything else is parsed once and classified)
 * -> per class, as bursts: the home agent's own services (dp_home.h), punts to the control
 * plane (dp_punt.h), decapsulation (dp_decap_stage.h), ESP in (dp_esp_in.h), and forwarding
 * (dp_fwd.h: the binding lookup, dp_bind.h, then encapsulation, dp_encap_stage.h, ESP out,
 * dp_esp_out.h, or routing, dp_out.h) -> buffered TX; one RCU quiescent report per
 * iteration. A new tunnel format touches the parser (wire_pkt.c, and dp_classify_fast if it
 * is a common one), the decapsulation stage and the encapsulation templates.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "dp_classify.h"
#include "dp_decap_stage.h"
#include "dp_esp_in.h"
#include "dp_fwd.h"
#include "dp_home.h"
#include "dp_lcore.h"
#include "dp_out.h"
#include "dp_punt.h"
#include "ha_log.h"
#include "wire_ip.h"
#include "wire_nd.h"

#define PREFETCH_OFFSET 3

const char *const dp_stage_names[DP_ST_MAX] = {
	[DP_ST_RX] = "rx", [DP_ST_BIND] = "bind", [DP_ST_DECAP] = "decap",
	[DP_ST_ROUTE] = "route", [DP_ST_ENCAP] = "encap", [DP_ST_ESP_IN] = "esp_in",
	[DP_ST_ESP_OUT] = "esp_out", [DP_ST_TX] = "tx",
};

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

/*
 * A tunnel packet's inner addresses (what decapsulation reads first: the source to look
 * up, the destination to check) start past the frame's first cache line, which alone was
 * prefetched: start the next one now, a burst before the decapsulation stage reads it.
 */
static inline void
prefetch_inner(const struct rte_mbuf *m, const uint8_t *f)
{
	if (rte_pktmbuf_data_len(m) > RTE_CACHE_LINE_SIZE)
		rte_prefetch0(f + RTE_CACHE_LINE_SIZE);
}

/*
 * A one-segment frame (checked) whose IP packet of ip_len bytes at l3_off the parse found
 * inside it: the mbuf made that packet, Ethernet and any padding cut. What
 * rte_pktmbuf_adj + rte_pktmbuf_trim do, without their checks and segment walk per packet.
 */
static inline void
dp_mbuf_to_ip(struct rte_mbuf *m, uint16_t l3_off, uint16_t ip_len)
{
	RTE_ASSERT(m->nb_segs == 1 && l3_off + ip_len <= m->data_len);
	m->data_off = (uint16_t)(m->data_off + l3_off);
	m->data_len = ip_len;
	m->pkt_len = ip_len;
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
		bool ip4_good, l4_good;

		if (i + PREFETCH_OFFSET < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_OFFSET], void *));
		bytes += rte_pktmbuf_pkt_len(m);
		if (m->nb_segs > 1) {
			dp_drop(lc, m, HA_DROP_MULTI_SEGMENT);
			continue;
		}
		/* most frames are plain packets to forward, or tunnels to us (IP-in-IP, UDP
		 * 4191, ESP): known from a few bytes */
		/* GOOD, or NONE (GOOD|BAD: verified, the field itself not filled) */
		ip4_good = (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_GOOD) != 0;
		l4_good = (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_GOOD) != 0;
		switch (dp_classify_fast(f, rte_pktmbuf_data_len(m), ip4_good, l4_good, c, port,
					 &w[i], &ip_len)) {
		case DP_FAST_FWD:
			dp_mbuf_to_ip(m, WIRE_ETH_HLEN, ip_len);
			fwd[nf++] = m;
			continue;
		case DP_FAST_TUNNEL:
			if (dp_classify_tunnel_class(&w[i]) == DP_C_ESP) {
				ew[ne] = &w[i];
				esp[ne++] = m;
				continue;
			}
			prefetch_inner(m, f);
			dw[nd] = &w[i];
			dec[nd++] = m;
			continue;
		case DP_FAST_NO:
			break;
		}
		e = wire_pkt_parse(f, rte_pktmbuf_data_len(m), ip4_good ? WIRE_PKT_F_NO_IP4_CSUM : 0,
				   &w[i]);
		w[i].l4_csum_good = l4_good;
		switch (dp_classify(&w[i], e, f, c, port, &why)) {
		case DP_C_DROP:
			dp_drop(lc, m, why);
			break;
		case DP_C_PARAM_PROBLEM:
			param_problem(lc, m, &w[i], port);
			dp_drop(lc, m, why);
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
			dp_punt_mh(lc, m, &w[i], port, NULL, NULL);
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
				dp_drop(lc, m, HA_DROP_HAO);
			}
			break;
		}
		case DP_C_DECAP:
			prefetch_inner(m, f);
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
			dp_mbuf_to_ip(m, w[i].l3_off, w[i].ip_len);
			fwd[nf++] = m;
			break;
		}
	}
	lc->stats.rx_pkts[port] += n;
	lc->stats.rx_bytes[port] += bytes;
	dp_stage_end(lc, DP_ST_RX, n);
	if (nd > 0)
		nf = dp_decap_burst(lc, port, dec, dw, nd, fwd, nf);
	if (nf > 0)
		dp_fwd_burst(lc, port, fwd, nf);
	if (ne > 0)
		dp_esp_rx(lc, port, esp, ew, ne);     /* ends its stage itself */
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
	bool busy_before = false;
	uint16_t i, n;

	if (qsv != NULL && bc_reader_register(lc->bc, lc->rcu_tid) != 0) {
		DP_LOG(ERR, "worker %u: cannot register as RCU reader %u", lc->worker, lc->rcu_tid);
		return -1;
	}
	DP_LOG(INFO, "worker %u on lcore %u: queue %u on %u ports", lc->worker, lc->lcore_id,
	       lc->queue, lc->n_ports);
	while (!__atomic_load_n(lc->quit, __ATOMIC_RELAXED)) {
		/* the stages' timeline starts here: polling the ports is the rx stage's. Right
		 * after a busy iteration its last stage's end is this one's start (under load,
		 * one TSC read a burst less; the quiescent report between is counted as rx) */
		uint64_t t0 = busy_before ? lc->tsc_mark : rte_rdtsc();
		uint32_t rx = 0;
		bool busy = false;

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
		busy_before = busy;
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
