/* SPDX-License-Identifier: BSD-3-Clause */
/* The decapsulation stage (see dp_decap_stage.h). */
#include <string.h>

#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "dp_bind.h"
#include "dp_decap.h"
#include "dp_decap_stage.h"
#include "dp_esp_in.h"
#include "dp_out.h"
#include "dp_pkt.h"
#include "dp_punt.h"
#include "wire_ip.h"

/* A small event for the control plane (no packet of its own). */
static void
punt_event(struct dp_lcore *lc, uint8_t kind, uint32_t mn, const struct wire_pkt *w)
{
	dp_punt_event(lc, kind, mn, w->l3 == WIRE_L3_IP4 ? w->ip4.src : 0, w->sport,
		      kind == DP_PUNT_NAT_PORT ? HA_EV_NAT_PORT_CHANGE : HA_EV_PUNT_OTHER);
}

static void
seen(struct dp_lcore *lc, const struct bc_entry *e, const struct wire_pkt *w, uint32_t now_s)
{
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
		if (!dp_local4_at(lc->ctx, ip + 16))
			return false;
		dp_drop(lc, m, HA_DROP_LOCAL_UNHANDLED);
		return true;
	}
	if (!dp_local6(lc->ctx, ip + 24))
		return false;
	/* R5555 §4.1: from an IPv4 care-of address signalling is always UDP-encapsulated */
	if (w->l3 == WIRE_L3_IP4 && w->tun == WIRE_TUN_IPIP) {
		dp_drop(lc, m, HA_DROP_LOCAL_UNHANDLED);
		return true;
	}
	if (wire_ip6_parse(ip, in->len, &i6) != WIRE_E_OK || i6.has_frag ||
	    i6.dst_err != WIRE_E_OK)
		dp_drop(lc, m, HA_DROP_INNER_MALFORMED);
	else if (i6.l4_proto == WIRE_PROTO_MH)
		dp_punt_mh(lc, m, w, port, in, &i6);
	else if (i6.l4_proto != WIRE_PROTO_ESP)
		dp_drop(lc, m, HA_DROP_LOCAL_UNHANDLED);
	else if ((why = dp_esp_punt_inner(lc, m, w, port, in->off, in->len,
					  (uint16_t)(in->off + i6.l4_off))) != 0)
		dp_drop(lc, m, (enum ha_drop)why);
	return true;
}

/*
 * Decapsulation with the reverse-tunnel checks: the binding owning the inner source (exact
 * home address in bulk, then prefixes) must have this outer source as its care-of address.
 */
uint16_t
dp_decap_burst(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, struct wire_pkt **ws,
	    uint16_t n, struct rte_mbuf **fwd, uint16_t nf)
{
	struct dp_inner in[DP_BURST_MAX];
	const struct bc_entry *ent[DP_BURST_MAX];
	struct dp_bind_keys keys;
	uint32_t now_s;
	uint16_t i;
	enum ha_drop why;

	dp_bind_begin(lc, &keys);
	for (i = 0; i < n; i++) {
		const uint8_t *f = rte_pktmbuf_mtod(pkts[i], uint8_t *);

		ent[i] = NULL;
		if (dp_inner_locate(ws[i], f, &in[i], &why) != 0) {
			dp_drop(lc, pkts[i], why);
			pkts[i] = NULL;
			continue;
		}
		if (inner_to_us(lc, pkts[i], ws[i], port, &in[i])) {
			pkts[i] = NULL;
			continue;
		}
		dp_bind_add(&keys, i, in[i].family, in[i].src);
	}
	dp_stage_end(lc, DP_ST_DECAP, 0);
	dp_bind_lookup(lc, &keys, ent);
	dp_stage_end(lc, DP_ST_BIND, (uint32_t)(keys.n6 + keys.n4));
	/* the time for the NAT bindings' "seen" reports once per burst, from the stage clock:
	 * a TSC read and a 64-bit division per packet cost more than the rest of the loop */
	now_s = (uint32_t)(lc->tsc_mark / lc->tsc_hz);
	/* and each NAT binding's last report, a line of its own with many nodes: all on their
	 * way before the first is compared (a million bindings: half of decap_udp4's stage) */
	for (i = 0; i < n; i++)
		if (ent[i] != NULL && (ent[i]->flags & BC_F_NAT) && ent[i]->mn < lc->seen_cap)
			rte_prefetch0(&lc->seen_s[ent[i]->mn]);

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct wire_pkt *w = ws[i];
		struct dp_pkt p;

		if (m == NULL)
			continue;
		if (dp_decap_check(ent[i], w, rte_pktmbuf_mtod(m, uint8_t *), &why) != 0) {
			if (why == HA_DROP_PORT_MISMATCH)
				punt_event(lc, DP_PUNT_NAT_PORT, ent[i]->mn, w);
			dp_drop(lc, m, why);
			continue;
		}
		/* SPD inbound: a node with a payload SA sends its data through it */
		if (ent[i]->spi_in != 0) {
			dp_drop(lc, m, HA_DROP_ESP_REQUIRED);
			continue;
		}
		if (ent[i]->flags & BC_F_NAT)
			seen(lc, ent[i], w, now_s);
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
