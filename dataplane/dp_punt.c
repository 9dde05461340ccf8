/* SPDX-License-Identifier: BSD-3-Clause */
/* Frames for the control plane, with what it needs to know about how they came. */
#include <string.h>

#include "dp_decap.h"
#include "dp_lcore.h"
#include "dp_out.h"
#include "dp_punt.h"
#include "wire_ip.h"
#include "wire_pkt.h"

void
dp_punt_set_outer(struct dp_punt *meta, const struct wire_pkt *w, const uint8_t *frame)
{
	meta->udp4 = w->l3 == WIRE_L3_IP4 && w->tun != WIRE_TUN_IPIP;
	meta->udp6 = w->l3 == WIRE_L3_IP6 && w->tun != WIRE_TUN_IPIP;
	meta->tlv = w->tun == WIRE_TUN_UDP_TLV;
	meta->tun6 = w->l3 == WIRE_L3_IP6 && w->tun == WIRE_TUN_IPIP;
	if (w->l3 == WIRE_L3_IP4) {
		meta->outer_src4 = w->ip4.src;
		meta->outer_dst4 = w->ip4.dst;
	} else {
		memcpy(meta->outer_src6, frame + w->l3_off + 8, 16);
	}
	meta->outer_sport = w->sport;
}

void
dp_punt_event(struct dp_lcore *lc, uint8_t kind, uint32_t mn, uint32_t src4, uint16_t sport,
	      enum ha_event ev)
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
	meta->outer_src4 = src4;
	meta->outer_sport = sport;
	dp_out_punt(lc, m, ev);
}

/* A Mobility Header for the control plane, with how it came (clear or via UDP 4191). */
void
dp_punt_mh(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w, uint16_t port,
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
		dp_punt_set_outer(meta, w, rte_pktmbuf_mtod(m, const uint8_t *));
	}
	dp_out_punt(lc, m, HA_EV_PUNT_MH);
}
