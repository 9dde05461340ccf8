/* SPDX-License-Identifier: BSD-3-Clause */
/* Control-plane packet I/O: punt rings in, neighbor resolution, control TX out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "bc.h"
#include "cp_esp.h"
#include "cp_io.h"
#include "dp_fib.h"
#include "dp_neigh.h"
#include "dp_punt.h"
#include "ha_addr.h"
#include "ha_log.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_nd.h"
#include "wire_pkt.h"

#define NB_MAX 4096                   /* neighbors tracked */
#define NB_HOLD 4                     /* packets held per unresolved neighbor */
#define NB_HOLD_TOTAL 1024
#define NB_RETRANS_MS 1000            /* RETRANS_TIMER, RFC 4861 §10 */
#define NB_TRIES 3                    /* MAX_MULTICAST_SOLICIT */
#define NB_REACHABLE_MS 60000         /* then probed (unicast) */
#define PUNT_BURST 32

/* NB_STATIC: from the config (routes[].mac): never probed, aged or relearnt */
enum nb_state { NB_FREE, NB_INCOMPLETE, NB_REACHABLE, NB_PROBE, NB_STATIC };

struct cp_nb {
	uint8_t state;
	uint8_t family;
	uint8_t tries;
	uint8_t n_held;
	uint16_t port;
	uint8_t mac[6];
	uint8_t ip[16];               /* IPv4 in the first 4 bytes */
	uint64_t due_ms;              /* next solicitation, probe or expiry */
	struct rte_mbuf *held[NB_HOLD];
};

struct cp_io {
	const struct dp_ctx *ctx;
	const struct dp_port *ports;
	struct rte_ring *punt[RTE_MAX_LCORE];
	unsigned int n_workers;
	struct cp *cp;
	struct cp_esp esp;            /* SAs, signalling ESP */
	bool natd_heuristic;          /* policy.nat_detection = "heuristic" */
	uint32_t n_nb;
	uint32_t held_total;
	uint64_t now_ms;
	uint64_t nat_log_ms;
	struct cp_io_stats stats;
	struct cp_nb nb[NB_MAX];
};

static const struct in6_addr all_nodes = { .s6_addr = { 0xff, 0x02, [15] = 1 } };

/* ------------------------------------------------------------------ output */

/* Send a whole frame on port: the control queue, or worker 0 through the port's ring. */
static void
send_frame(struct cp_io *io, struct rte_mbuf *m, uint16_t port)
{
	const struct dp_port *p = &io->ports[port];
	struct rte_ring *r = io->ctx->port[port].ctl_tx;
	int ok;

	if (p->ctl_txq != DP_NO_CTL_TXQ)
		ok = rte_eth_tx_burst(p->port_id, p->ctl_txq, &m, 1) == 1;
	else
		ok = r != NULL && rte_ring_sp_enqueue(r, m) == 0;
	if (ok) {
		io->stats.tx++;
	} else {
		io->stats.tx_errors++;
		rte_pktmbuf_free(m);
	}
}

static int
push_l2(struct rte_mbuf *m, const uint8_t *src, const uint8_t *dst, uint16_t type)
{
	uint8_t *eth = (uint8_t *)rte_pktmbuf_prepend(m, WIRE_ETH_HLEN);

	if (eth == NULL)
		return -ENOSPC;
	memcpy(eth, dst, 6);
	memcpy(eth + 6, src, 6);
	wire_wr16(eth + 12, type);
	return 0;
}

static struct rte_mbuf *
mbuf_with(struct cp_io *io, const uint8_t *pkt, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(io->ctx->pool);
	char *d;

	if (m == NULL)
		return NULL;
	d = rte_pktmbuf_append(m, len);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	if (pkt != NULL)
		memcpy(d, pkt, len);
	return m;
}

static void
send_arp(struct cp_io *io, uint16_t port, uint16_t op, uint32_t spa, uint32_t tpa,
	 const uint8_t *tha)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const struct dp_port_info *pi = &io->ctx->port[port];
	struct wire_arp a = { .op = op, .spa = spa, .tpa = tpa };
	struct rte_mbuf *m = mbuf_with(io, NULL, WIRE_ARP_LEN);

	if (m == NULL)
		return;
	memcpy(a.sha, pi->mac, 6);
	if (tha != NULL)
		memcpy(a.tha, tha, 6);
	wire_arp_build(rte_pktmbuf_mtod(m, uint8_t *), &a);
	if (push_l2(m, pi->mac, tha != NULL ? tha : bcast, WIRE_ETHERTYPE_ARP) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	io->stats.arp_sent++;
	send_frame(io, m, port);
}

static void
send_nd(struct cp_io *io, uint16_t port, const struct in6_addr *src, const struct in6_addr *dst,
	const struct wire_nd *nd, const uint8_t *dst_mac)
{
	uint8_t pkt[128], mac[6];
	struct rte_mbuf *m;
	int n = wire_nd_build(pkt, sizeof(pkt), src, dst, nd);

	if (n < 0 || (m = mbuf_with(io, pkt, (uint16_t)n)) == NULL)
		return;
	if (dst_mac == NULL) {
		wire_nd_mcast_mac(dst, mac);
		dst_mac = mac;
	}
	if (push_l2(m, io->ctx->port[port].mac, dst_mac, WIRE_ETHERTYPE_IPV6) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	if (nd->type == WIRE_ND_NS)
		io->stats.ns_sent++;
	else
		io->stats.na_sent++;
	send_frame(io, m, port);
}

/* ------------------------------------------------------------------ neighbors */

static struct cp_nb *
nb_find(struct cp_io *io, uint8_t family, uint16_t port, const void *ip)
{
	size_t len = family == 4 ? 4 : 16;
	uint32_t i;

	for (i = 0; i < io->n_nb; i++) {
		struct cp_nb *n = &io->nb[i];

		if (n->state != NB_FREE && n->family == family && n->port == port &&
		    memcmp(n->ip, ip, len) == 0)
			return n;
	}
	return NULL;
}

static struct cp_nb *
nb_new(struct cp_io *io, uint8_t family, uint16_t port, const void *ip)
{
	struct cp_nb *n = NULL;
	uint32_t i;

	for (i = 0; i < io->n_nb; i++)
		if (io->nb[i].state == NB_FREE) {
			n = &io->nb[i];
			break;
		}
	if (n == NULL && io->n_nb < NB_MAX)
		n = &io->nb[io->n_nb++];
	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->family = family;
	n->port = port;
	memcpy(n->ip, ip, family == 4 ? 4 : 16);
	return n;
}

/* Ask for the MAC of n: ARP request, or NS to the solicited-node address. */
static void
nb_solicit(struct cp_io *io, struct cp_nb *n, bool unicast)
{
	const struct dp_port_info *pi = &io->ctx->port[n->port];

	if (n->family == 4) {
		uint32_t tpa;

		memcpy(&tpa, n->ip, 4);
		send_arp(io, n->port, WIRE_ARP_REQUEST, pi->has4 ? pi->ip4 : io->ctx->ha4, tpa,
			 unicast ? n->mac : NULL);
	} else {
		struct wire_nd ns = { .type = WIRE_ND_NS, .has_lla = true };
		struct in6_addr dst;

		memcpy(&ns.target, n->ip, 16);
		memcpy(ns.lla, pi->mac, 6);
		if (unicast)
			dst = ns.target;
		else
			wire_nd_solicited_node(&ns.target, &dst);
		send_nd(io, n->port, pi->has6 ? &pi->ip6 : &pi->ll6, &dst, &ns,
			unicast ? n->mac : NULL);
	}
	n->tries++;
	n->due_ms = io->now_ms + NB_RETRANS_MS;
}

static void
nb_drop_held(struct cp_io *io, struct cp_nb *n)
{
	while (n->n_held > 0) {
		rte_pktmbuf_free(n->held[--n->n_held]);
		io->held_total--;
		io->stats.neigh_unresolved++;
	}
}

static void
nb_forget(struct cp_io *io, struct cp_nb *n)
{
	uint32_t ip4;

	nb_drop_held(io, n);
	if (n->state == NB_REACHABLE || n->state == NB_PROBE || n->state == NB_STATIC) {
		if (n->family == 4) {
			memcpy(&ip4, n->ip, 4);
			dp_neigh_del4(io->ctx->neigh, n->port, ip4);
		} else {
			dp_neigh_del6(io->ctx->neigh, n->port, (const struct in6_addr *)n->ip);
		}
	}
	n->state = NB_FREE;
}

/* A neighbor told us its MAC: publish it and send what waited for it. */
static void
nb_learn(struct cp_io *io, uint8_t family, uint16_t port, const void *ip, const uint8_t *mac,
	 bool create)
{
	struct cp_nb *n = nb_find(io, family, port, ip);
	uint32_t ip4;
	int rc;

	if (n == NULL) {
		if (!create)
			return;
		n = nb_new(io, family, port, ip);
		if (n == NULL)
			return;
	}
	if (n->state == NB_STATIC)
		return;
	if (n->state != NB_REACHABLE || memcmp(n->mac, mac, 6) != 0) {
		if (family == 4) {
			memcpy(&ip4, ip, 4);
			rc = dp_neigh_set4(io->ctx->neigh, port, ip4, mac);
		} else {
			rc = dp_neigh_set6(io->ctx->neigh, port, ip, mac);
		}
		if (rc != 0)
			return;
		io->stats.neigh_learned++;
	}
	memcpy(n->mac, mac, 6);
	n->state = NB_REACHABLE;
	n->tries = 0;
	n->due_ms = io->now_ms + NB_REACHABLE_MS;
	while (n->n_held > 0) {
		struct rte_mbuf *m = n->held[--n->n_held];

		io->held_total--;
		if (push_l2(m, io->ctx->port[port].mac, mac, family == 4 ? WIRE_ETHERTYPE_IPV4 :
			    WIRE_ETHERTYPE_IPV6) != 0) {
			rte_pktmbuf_free(m);
			continue;
		}
		send_frame(io, m, port);
	}
}

/* Hold m (data at L3) until the next hop in meta answers. */
static void
nb_hold(struct cp_io *io, struct rte_mbuf *m, const struct dp_punt *meta)
{
	struct cp_nb *n = nb_find(io, meta->family, meta->port, meta->nh);
	uint8_t mac[6];

	if (n != NULL && (n->state == NB_REACHABLE || n->state == NB_STATIC)) {
		/* resolved meanwhile (the workers raced the table update) */
		memcpy(mac, n->mac, 6);
		if (push_l2(m, io->ctx->port[meta->port].mac, mac, meta->family == 4 ?
			    WIRE_ETHERTYPE_IPV4 : WIRE_ETHERTYPE_IPV6) == 0)
			send_frame(io, m, meta->port);
		else
			rte_pktmbuf_free(m);
		return;
	}
	if (n == NULL) {
		n = nb_new(io, meta->family, meta->port, meta->nh);
		if (n != NULL) {
			n->state = NB_INCOMPLETE;
			nb_solicit(io, n, false);
		}
	}
	if (n == NULL || n->n_held >= NB_HOLD || io->held_total >= NB_HOLD_TOTAL) {
		io->stats.held_dropped++;
		rte_pktmbuf_free(m);
		return;
	}
	n->held[n->n_held++] = m;
	io->held_total++;
	io->stats.held++;
}

static void
nb_timers(struct cp_io *io)
{
	uint32_t i;

	for (i = 0; i < io->n_nb; i++) {
		struct cp_nb *n = &io->nb[i];

		if (n->state == NB_FREE || io->now_ms < n->due_ms)
			continue;
		switch (n->state) {
		case NB_INCOMPLETE:
			if (n->tries >= NB_TRIES)
				nb_forget(io, n);
			else
				nb_solicit(io, n, false);
			break;
		case NB_REACHABLE:
			/* RFC 4861 §7.3.3: still there? ask it directly */
			n->state = NB_PROBE;
			n->tries = 0;
			nb_solicit(io, n, true);
			break;
		case NB_PROBE:
			if (n->tries >= NB_TRIES) {
				io->stats.neigh_expired++;
				nb_forget(io, n);
			} else {
				nb_solicit(io, n, true);
			}
			break;
		}
	}
}

/* ------------------------------------------------------------------ punted packets */

static void
rx_arp(struct cp_io *io, struct rte_mbuf *m, const struct dp_punt *meta)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	struct wire_arp a;

	if (memcmp(f + 6, io->ctx->port[meta->port].mac, 6) == 0)
		return;   /* our own, looped back by the port */
	if (wire_arp_parse(f + meta->l3_off, rte_pktmbuf_data_len(m) - meta->l3_off, &a) !=
	    WIRE_E_OK || a.spa == 0)
		return;
	/* RFC 826: replies teach; requests refresh what we already track */
	nb_learn(io, 4, meta->port, &a.spa, a.sha, a.op == WIRE_ARP_REPLY);
}

static void
rx_nd(struct cp_io *io, struct rte_mbuf *m, const struct dp_punt *meta)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *), *ip = f + meta->l3_off;
	struct in6_addr src, dst;
	struct wire_nd nd;

	if (memcmp(f + 6, io->ctx->port[meta->port].mac, 6) == 0)
		return;   /* our own DAD probe or NA, seen again */
	memcpy(&src, ip + 8, 16);
	memcpy(&dst, ip + 24, 16);
	if (wire_nd_parse(f + meta->mh_off, meta->mh_len, ip[7], &src, &dst, &nd) != WIRE_E_OK)
		return;
	if (nd.type == WIRE_ND_NA) {
		/* someone else holds the address we are about to defend: RFC 4862 §5.4.4 */
		cp_dad_conflict(io->cp, &nd.target, io->now_ms);
		nb_learn(io, 6, meta->port, &nd.target, nd.has_lla ? nd.lla : f + 6, false);
		return;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&src)) {
		/* another node's DAD for the same address (RFC 4862 §5.4.3) */
		cp_dad_conflict(io->cp, &nd.target, io->now_ms);
		return;
	}
	if (nd.has_lla)
		nb_learn(io, 6, meta->port, &src, nd.lla, false);
}

/* The arrival context of a Mobility Header (or of the ESP carrying one), from its IPv6
 * header and what the worker recorded of the outer headers. */
static void
rx_ctx(struct cp_io *io, const uint8_t *f, const struct dp_punt *meta, struct cp_rx_ctx *ctx)
{
	const uint8_t *ip = f + meta->l3_off;

	memset(ctx, 0, sizeof(*ctx));
	memcpy(&ctx->src6, ip + 8, 16);
	memcpy(&ctx->dst6, ip + 24, 16);
	ctx->has_hao = meta->has_hao;
	if (meta->has_hao)
		memcpy(&ctx->hao, f + meta->hao_off, 16);
	ctx->udp4 = meta->udp4;
	ctx->udp6 = meta->udp6;
	ctx->tlv = meta->tlv;
	ctx->tun6 = meta->tun6;
	if (meta->tun6)
		memcpy(&ctx->outer_src6, meta->outer_src6, 16);
	ctx->outer_known = meta->udp4;
	ctx->outer_src4 = meta->outer_src4;
	ctx->outer_dst4 = meta->outer_dst4;
	ctx->outer_sport = meta->outer_sport;
	ctx->port = meta->port;
	if (io->natd_heuristic && meta->udp4) {
		/*
		 * Seed 001 §4.4.2 "heuristic and locking": without asking IPsec which SA an
		 * encapsulated packet is on, an outer source that differs from the care-of
		 * address recorded for the home address marks a NAT-detection BU and is
		 * recorded; one that matches tells nothing new and the recorded CoA stands.
		 */
		const struct cp_mn *mn = cp_mndb_find6(cp_mndb(io->cp), cp_bu_hoa(ctx));

		ctx->outer_known = cp_natd_heuristic(mn != NULL ? cp_bind_get(io->cp, mn->idx) :
					NULL, meta->outer_src4, meta->outer_sport);
	}
}

static void
rx_mh(struct cp_io *io, struct rte_mbuf *m, const struct dp_punt *meta)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	struct cp_rx_ctx ctx;

	rx_ctx(io, f, meta, &ctx);
	cp_rx_mh(io->cp, f + meta->mh_off, meta->mh_len, &ctx, io->now_ms);
}

/* ESP of a signalling SA: the context is read before decryption reuses the headers. */
static void
rx_esp(struct cp_io *io, struct rte_mbuf *m, const struct dp_punt *meta)
{
	const uint8_t *mh;
	struct cp_rx_ctx ctx;
	int len;

	rx_ctx(io, rte_pktmbuf_mtod(m, uint8_t *), meta, &ctx);
	len = cp_esp_rx(&io->esp, m, meta, &ctx, &mh);
	if (len < 0) {
		io->stats.esp_refused++;
		return;
	}
	cp_rx_mh(io->cp, mh, (uint16_t)len, &ctx, io->now_ms);
}

static void
rx_hao(struct cp_io *io, struct rte_mbuf *m, const struct dp_punt *meta)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *), *ip = f + meta->l3_off;
	struct cp_rx_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	memcpy(&ctx.src6, ip + 8, 16);
	memcpy(&ctx.dst6, ip + 24, 16);
	ctx.has_hao = true;
	memcpy(&ctx.hao, f + meta->hao_off, 16);
	ctx.port = meta->port;
	cp_rx_unknown_hao(io->cp, &ctx, io->now_ms);
}

static void
rx_nat_port(struct cp_io *io, const struct dp_punt *meta)
{
	const struct cp_mn *mn = cp_mndb_get(cp_mndb(io->cp), meta->mn);
	char a[HA_ADDR_STRLEN];

	io->stats.nat_port_changes++;
	/* the mobile node's next BU moves the binding (R5555 §4.3); said once a second */
	if (mn == NULL || io->now_ms - io->nat_log_ms < 1000)
		return;
	io->nat_log_ms = io->now_ms;
	CP_AUDIT("NAT mapping of %s changed: traffic from %s:%u, binding keeps %u until the next "
		 "BU", mn->id, ha_addr4_str(meta->outer_src4, a, sizeof(a)), meta->outer_sport,
		 cp_bind_get(io->cp, mn->idx)->port);
}

void
cp_io_poll(struct cp_io *io, uint64_t now_ms)
{
	struct rte_mbuf *m[PUNT_BURST];
	unsigned int w, n, i;

	io->now_ms = now_ms;
	for (w = 0; w < io->n_workers; w++) {
		n = rte_ring_sc_dequeue_burst(io->punt[w], (void **)m, PUNT_BURST, NULL);
		io->stats.punted += n;
		for (i = 0; i < n; i++) {
			const struct dp_punt *meta = dp_punt_meta(m[i]);

			switch (meta->kind) {
			case DP_PUNT_MH:
				rx_mh(io, m[i], meta);
				break;
			case DP_PUNT_HAO:
				rx_hao(io, m[i], meta);
				break;
			case DP_PUNT_ARP:
				rx_arp(io, m[i], meta);
				break;
			case DP_PUNT_ND:
				rx_nd(io, m[i], meta);
				break;
			case DP_PUNT_HOLD:
				nb_hold(io, m[i], meta);
				continue;   /* kept or sent: not freed here */
			case DP_PUNT_SEEN:
				cp_nat_seen(io->cp, meta->mn, now_ms);
				break;
			case DP_PUNT_NAT_PORT:
				rx_nat_port(io, meta);
				break;
			case DP_PUNT_ESP:
				rx_esp(io, m[i], meta);
				break;
			case DP_PUNT_ESP_NATT:
				cp_esp_natt(io->cp, meta->mn, meta->outer_src4, meta->outer_sport,
					    now_ms);
				break;
			default:
				break;
			}
			rte_pktmbuf_free(m[i]);
		}
	}
	nb_timers(io);
}

/* ------------------------------------------------------------------ control plane ops */

/* An IP packet built by the control plane: route, resolve, send. */
static int
io_tx(void *arg, const uint8_t *pkt, uint16_t len, const struct cp_tx_meta *meta)
{
	struct cp_io *io = arg;
	struct rte_mbuf *m;
	struct dp_punt hold;
	uint8_t mac[6];
	uint16_t port;
	int rc;

	if (meta->spi_out != 0) {
		/* the node's outbound signalling SA (seed 001 §4.2: MH rules first) */
		const struct cp_mn *mn = cp_mndb_get(cp_mndb(io->cp), meta->mn);

		m = mn != NULL ? cp_esp_tx(&io->esp, io->ctx->pool, mn, pkt, len,
					    meta->payload_off) : NULL;
		if (m == NULL)
			return -EIO;
		pkt = rte_pktmbuf_mtod(m, const uint8_t *);
		len = rte_pktmbuf_data_len(m);
	} else {
		m = mbuf_with(io, pkt, len);
	}
	if (m == NULL)
		return -ENOMEM;
	memset(&hold, 0, sizeof(hold));
	if (meta->ipv4) {
		uint32_t dst, nh;

		memcpy(&dst, pkt + 16, 4);
		rc = dp_fib_lookup4(io->ctx->fib, dst, &port, &nh);
		if (rc == 0 && dp_neigh_lookup4(io->ctx->neigh, port, nh, mac) != 0) {
			hold.family = 4;
			memcpy(hold.nh, &nh, 4);
		}
	} else {
		struct in6_addr dst, nh;

		memcpy(&dst, pkt + 24, 16);
		rc = dp_fib_lookup6(io->ctx->fib, &dst, &port, &nh);
		if (rc == 0 && dp_neigh_lookup6(io->ctx->neigh, port, &nh, mac) != 0) {
			hold.family = 6;
			memcpy(hold.nh, &nh, 16);
		}
	}
	if (rc != 0) {
		rte_pktmbuf_free(m);
		return -ENETUNREACH;
	}
	if (hold.family != 0) {
		hold.port = port;
		nb_hold(io, m, &hold);
		return 0;
	}
	if (push_l2(m, io->ctx->port[port].mac, mac, meta->ipv4 ? WIRE_ETHERTYPE_IPV4 :
		    WIRE_ETHERTYPE_IPV6) != 0) {
		rte_pktmbuf_free(m);
		return -ENOSPC;
	}
	send_frame(io, m, port);
	return 0;
}

/* RFC 4862 §5.4.2: NS from the unspecified address to the solicited-node group. */
static void
io_dad_start(void *arg, const struct in6_addr *hoa, bool link_local)
{
	struct cp_io *io = arg;
	struct wire_nd ns = { .type = WIRE_ND_NS, .target = *hoa };
	struct in6_addr dst;
	uint16_t i;

	(void)link_local;
	wire_nd_solicited_node(hoa, &dst);
	for (i = 0; i < io->ctx->n_ports; i++)
		if (io->ctx->port[i].role & CFG_ROLE_HOME)
			send_nd(io, i, &in6addr_any, &dst, &ns, NULL);
}

/* R6275 §10.4.1: unsolicited NA for the home address; gratuitous ARP for the IPv4 one. */
static void
io_announce(void *arg, const struct cp_mn *mn, const struct cp_bind *b)
{
	struct cp_io *io = arg;
	uint16_t i;

	for (i = 0; i < io->ctx->n_ports; i++) {
		const struct dp_port_info *pi = &io->ctx->port[i];
		struct wire_nd na = { .type = WIRE_ND_NA, .target = mn->hoa6, .has_lla = true,
				      .na_flags = (uint8_t)(WIRE_NA_O | (b->mr ? WIRE_NA_R : 0)) };

		if (!(pi->role & CFG_ROLE_HOME))
			continue;
		memcpy(na.lla, pi->mac, 6);
		send_nd(io, i, pi->has6 ? &pi->ip6 : &pi->ll6, &all_nodes, &na, NULL);
		if (b->has_hoa4)
			send_arp(io, i, WIRE_ARP_REQUEST, b->hoa4, b->hoa4, NULL);
	}
}

static int
io_sa_attach(void *arg, struct cp_mn *m, const struct cfg_mn *c)
{
	return cp_esp_attach(&((struct cp_io *)arg)->esp, m, c);
}

static void
io_sa_detach(void *arg, struct cp_mn *m)
{
	cp_esp_detach(&((struct cp_io *)arg)->esp, m);
}

void
cp_io_ops(struct cp_io *io, struct cp_ops *ops)
{
	ops->tx = io_tx;
	ops->dad_start = io_dad_start;
	ops->announce = io_announce;
	ops->sa_attach = io_sa_attach;
	ops->sa_detach = io_sa_detach;
	ops->io_arg = io;
}

struct cp_io *
cp_io_create(const struct dp_ctx *ctx, const struct dp_port *ports,
	     struct rte_ring *const *punt, unsigned int n_workers)
{
	struct cp_io *io = calloc(1, sizeof(*io));
	unsigned int i;

	if (io == NULL)
		return NULL;
	io->ctx = ctx;
	io->ports = ports;
	io->n_workers = n_workers;
	for (i = 0; i < n_workers; i++)
		io->punt[i] = punt[i];
	if (cp_esp_init(&io->esp, ctx->sadb, ctx->bc, n_workers) != 0) {
		cp_io_free(io);
		return NULL;
	}
	return io;
}

/* Next hops whose MAC the config gives (routes[].mac): published once, kept. */
static void
nb_static(struct cp_io *io, const struct ha_cfg *cfg)
{
	unsigned int i;

	for (i = 0; i < cfg->n_routes; i++) {
		const struct cfg_route *r = &cfg->routes[i];
		const void *ip = r->family == AF_INET ? (const void *)&r->via4 :
							(const void *)&r->via6;
		uint8_t fam = r->family == AF_INET ? 4 : 6;
		struct cp_nb *n;

		if (!r->has_mac || nb_find(io, fam, r->port, ip) != NULL)
			continue;
		nb_learn(io, fam, r->port, ip, r->mac, true);
		n = nb_find(io, fam, r->port, ip);
		if (n != NULL)
			n->state = NB_STATIC;
	}
}

void
cp_io_attach(struct cp_io *io, struct cp *cp)
{
	io->cp = cp;
	nb_static(io, cp_cfg(cp));
	io->natd_heuristic = cp_cfg(cp)->policy.nat_detection == CFG_NATD_HEURISTIC;
}

const struct cp_esp *
cp_io_esp(const struct cp_io *io)
{
	return &io->esp;
}

struct cp_esp *
cp_io_esp_mut(struct cp_io *io)
{
	return &io->esp;
}

void
cp_io_free(struct cp_io *io)
{
	uint32_t i;

	if (io == NULL)
		return;
	for (i = 0; i < io->n_nb; i++)
		nb_drop_held(io, &io->nb[i]);
	cp_esp_fini(&io->esp);
	free(io);
}

const struct cp_io_stats *
cp_io_stats(const struct cp_io *io)
{
	return &io->stats;
}
