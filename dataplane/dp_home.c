/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The home link and the home agent's own addresses, on the workers: ARP and Neighbor
 * Solicitations answered for the home agent and, on home ports, for registered home
 * addresses (RFC 6275 §10.4.1, RFC 5555 §4.5); echo requests answered; what teaches a
 * neighbor or may reveal a duplicate address goes to the control plane.
 */
#include <string.h>

#include "dp_home.h"
#include "dp_neigh.h"
#include "dp_out.h"
#include "dp_punt.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_nd.h"

/* Send a whole frame (Ethernet included) back on port. */
static void
out_frame(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t port, uint16_t len)
{
	m->data_len = m->pkt_len = len;
	lc->stats.tx_pkts[port]++;
	lc->stats.tx_bytes[port] += len;
	rte_eth_tx_buffer(lc->ctx->port[port].port_id, lc->queue, lc->txb[port], m);
}

static void
punt_l2(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t port, uint8_t kind,
	const struct wire_pkt *w)
{
	struct dp_punt *meta = dp_punt_meta(m);

	memset(meta, 0, sizeof(*meta));
	meta->kind = kind;
	meta->port = port;
	meta->l3_off = w->l3_off;
	meta->mh_off = w->l4_off;
	meta->mh_len = w->l4_len;
	dp_out_punt(lc, m, HA_EV_PUNT_OTHER);
}

void
dp_home_arp(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w, uint16_t port)
{
	const struct dp_port_info *pi = &lc->ctx->port[port];
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *), *arp = f + w->l3_off, mac[6];
	struct wire_arp a;
	const struct bc_entry *e = NULL;

	if (wire_arp_parse(arp, rte_pktmbuf_data_len(m) - w->l3_off, &a) != WIRE_E_OK) {
		lc->stats.drops[HA_DROP_MALFORMED]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (a.op == WIRE_ARP_REQUEST) {
		bool own = pi->has4 && a.tpa == pi->ip4;

		if (!own && (pi->role & CFG_ROLE_HOME) && a.tpa != a.spa)
			e = bc_lookup4(lc->bc, a.tpa);
		if (own || e != NULL) {
			struct wire_arp r = { .op = WIRE_ARP_REPLY, .spa = a.tpa, .tpa = a.spa };

			memcpy(r.sha, pi->mac, 6);
			memcpy(r.tha, a.sha, 6);
			memcpy(f, a.sha, 6);
			memcpy(f + 6, pi->mac, 6);
			wire_arp_build(arp, &r);
			lc->stats.events[own ? HA_EV_LOCAL_ARP : HA_EV_PROXY_ARP]++;
			out_frame(lc, m, port, (uint16_t)(w->l3_off + WIRE_ARP_LEN));
			return;
		}
		/* learn from requests only when the sender is new or moved */
		if (a.spa == 0 || (dp_neigh_lookup4(lc->ctx->neigh, port, a.spa, mac) == 0 &&
				   memcmp(mac, a.sha, 6) == 0)) {
			lc->stats.drops[HA_DROP_ARP_OTHER]++;
			rte_pktmbuf_free(m);
			return;
		}
	}
	punt_l2(lc, m, port, DP_PUNT_ARP, w);
}

/* Answer an NS for target in place with an NA (RFC 4861 §7.2.4, RFC 6275 §10.4.1). */
static void
answer_ns(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w, uint16_t port,
	  const struct wire_nd *ns, const struct in6_addr *src, bool own, bool router)
{
	static const struct in6_addr all_nodes = { .s6_addr = { 0xff, 0x02, [15] = 1 } };
	const struct dp_port_info *pi = &lc->ctx->port[port];
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t l2 = w->l2_len;      /* a VLAN tag stays where it is */
	bool dad = IN6_IS_ADDR_UNSPECIFIED(src);
	struct wire_nd na = { .type = WIRE_ND_NA, .has_lla = true, .target = ns->target };
	struct in6_addr dst = dad ? all_nodes : *src;
	const struct in6_addr *na_src = own ? &ns->target : (pi->has6 ? &pi->ip6 : &pi->ll6);
	int n;

	memcpy(na.lla, pi->mac, 6);
	/* a DAD probe is defended to all nodes, unsolicited (RFC 4862 §5.4.3) */
	na.na_flags = (uint8_t)(WIRE_NA_O | (dad ? 0 : WIRE_NA_S) | (router ? WIRE_NA_R : 0));
	if (dad)
		wire_nd_mcast_mac(&all_nodes, f);
	else
		memcpy(f, f + 6, 6);
	memcpy(f + 6, pi->mac, 6);
	wire_wr16(f + l2 - 2, WIRE_ETHERTYPE_IPV6);
	n = wire_nd_build(f + l2, rte_pktmbuf_tailroom(m) + rte_pktmbuf_data_len(m) - l2, na_src,
			  &dst, &na);
	if (n < 0) {
		rte_pktmbuf_free(m);
		return;
	}
	lc->stats.events[own ? HA_EV_LOCAL_NA : HA_EV_PROXY_NA]++;
	out_frame(lc, m, port, (uint16_t)(l2 + n));
}

void
dp_home_nd(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w, uint16_t port)
{
	const struct dp_ctx *c = lc->ctx;
	const struct dp_port_info *pi = &c->port[port];
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *), *ip = f + w->l3_off, mac[6];
	struct in6_addr src, dst;
	struct wire_nd nd;
	bool own;

	memcpy(&src, ip + 8, 16);
	memcpy(&dst, ip + 24, 16);
	if (wire_nd_parse(f + w->l4_off, w->l4_len, w->ttl, &src, &dst, &nd) != WIRE_E_OK) {
		lc->stats.drops[HA_DROP_MALFORMED]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (nd.type == WIRE_ND_NA) {
		punt_l2(lc, m, port, DP_PUNT_ND, w);   /* learning, DAD conflicts */
		return;
	}
	own = dp_local6(c, &nd.target) || memcmp(&nd.target, &pi->ll6, 16) == 0;
	if (own) {
		answer_ns(lc, m, w, port, &nd, &src, true, true);
		return;
	}
	if (pi->role & CFG_ROLE_HOME) {
		const struct bc_entry *e = bc_lookup6(lc->bc, &nd.target);

		if (e != NULL) {
			/* R3963 §6.2: the R bit for a mobile router's home address */
			answer_ns(lc, m, w, port, &nd, &src, false, (e->flags & BC_F_MR) != 0);
			return;
		}
	}
	/* a DAD probe may collide with ours; a new sender teaches us its MAC */
	if (IN6_IS_ADDR_UNSPECIFIED(&src) ||
	    (nd.has_lla && (dp_neigh_lookup6(c->neigh, port, &src, mac) != 0 ||
			    memcmp(mac, nd.lla, 6) != 0))) {
		punt_l2(lc, m, port, DP_PUNT_ND, w);
		return;
	}
	lc->stats.drops[HA_DROP_ND_OTHER]++;
	rte_pktmbuf_free(m);
}

void
dp_home_echo(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w, uint16_t port)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *), *ip = f + w->l3_off, t[6];

	if (w->l3 == WIRE_L3_IP4)
		wire_icmp4_echo_reply(ip, w->ip4.hlen, w->ip_len);
	else
		wire_icmp6_echo_reply(ip, (uint16_t)(w->l4_off - w->l3_off), w->ip_len);
	/* back the way it came: the previous hop's MAC is the source of the request */
	memcpy(t, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, t, 6);
	lc->stats.events[HA_EV_ECHO]++;
	out_frame(lc, m, port, (uint16_t)(w->l3_off + w->ip_len));
}
