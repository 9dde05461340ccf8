/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The home link's protocol on the wire (the decisions are cp_hl.c's): Router Advertisements
 * from the home ports, periodic and on Router Solicitation; other home agents' RAs into the
 * home agents list; DHAAD Requests to a home prefix's anycast address answered from it;
 * Mobile Prefix Discovery, solicited and after the home prefixes changed.
 */
#include <errno.h>
#include <string.h>

#include <rte_mbuf.h>

#include "cp.h"
#include "cp_hl.h"
#include "cp_io_internal.h"
#include "dp_ctx.h"
#include "ha_addr.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_pkt.h"

/* RFC 4861 §10 MIN_DELAY_BETWEEN_RAS (3 s); R6275 §7.5 lets a home agent go lower, down to
 * half its own interval */
#define MIN_DELAY_BETWEEN_RAS_MS 3000
#define MPA_WALK_SLOTS 4096           /* node slots looked at per control loop pass */

static void mpa_walk(struct cp_io *io);

static const struct in6_addr all_nodes = { .s6_addr = { 0xff, 2, [15] = 1 } };

static uint64_t
min_delay_ms(const struct ha_cfg *cfg)
{
	uint64_t half = cfg->home_link.interval_ms / 2;

	return half < MIN_DELAY_BETWEEN_RAS_MS ? half : MIN_DELAY_BETWEEN_RAS_MS;
}

static bool
is_home_port(const struct cp_io *io, uint16_t port)
{
	return port < io->ctx->n_ports && (io->ctx->port[port].role & CFG_ROLE_HOME);
}

static void
send_ra(struct cp_io *io, const struct ha_cfg *cfg, uint16_t port)
{
	const struct dp_port_info *pi = &io->ctx->port[port];
	uint8_t pkt[512], mac[6];
	struct rte_mbuf *m;
	struct wire_ra ra;
	int n;

	cp_hl_ra(cfg, pi->mac, pi->mtu, &ra);
	ra.ha_pref = cp_hl_preference(cfg, cp_bindings(io->cp));
	n = wire_ra_build(pkt, sizeof(pkt), &pi->ll6, &all_nodes, &ra);
	m = n > 0 ? cp_io_mbuf(io, pkt, (uint16_t)n) : NULL;
	if (m == NULL)
		return;
	wire_nd_mcast_mac(&all_nodes, mac);
	if (cp_io_push_l2(m, pi->mac, mac, WIRE_ETHERTYPE_IPV6) != 0) {
		rte_pktmbuf_free(m);
		return;
	}
	cp_io_send_frame(io, m, port);
	io->hl.stats.ra_sent++;
	io->hl.last_ra_ms[port] = io->now_ms;
}

void
cp_io_hl_timers(struct cp_io *io)
{
	const struct ha_cfg *cfg = cp_cfg(io->cp);
	uint16_t p;

	cp_hl_expire(&io->hl, io->now_ms);
	if (io->silent)
		return;   /* a pair's standby: the active speaks for both */
	if (io->hl.mpa_walk)
		mpa_walk(io);
	if (!cfg->home_link.advertise)
		return;
	for (p = 0; p < io->ctx->n_ports && p < CFG_MAX_PORTS; p++) {
		if (!is_home_port(io, p))
			continue;
		/* the first RA goes at once: a restarted home agent tells the link now */
		if (io->hl.next_ra_ms[p] == 0 || io->now_ms >= io->hl.next_ra_ms[p]) {
			send_ra(io, cfg, p);
			io->hl.next_ra_ms[p] = io->now_ms +
					       cp_hl_next_delay(&io->hl, cfg->home_link.interval_ms);
		}
	}
}

/* RFC 4861 §6.2.6: an RS brings the next RA forward, no sooner than the minimum delay. */
static void
rx_rs(struct cp_io *io, const uint8_t *icmp, size_t len, uint8_t hop, uint16_t port)
{
	const struct ha_cfg *cfg = cp_cfg(io->cp);
	uint64_t due;

	if (len < 8 || icmp[1] != 0 || hop != 255) {
		io->hl.stats.invalid++;
		return;
	}
	io->hl.stats.rs_received++;
	if (!cfg->home_link.advertise || !is_home_port(io, port))
		return;
	due = io->hl.last_ra_ms[port] + min_delay_ms(cfg);
	if (due < io->now_ms)
		due = io->now_ms;
	if (io->hl.next_ra_ms[port] == 0 || due < io->hl.next_ra_ms[port])
		io->hl.next_ra_ms[port] = due;
}

static void
rx_ra(struct cp_io *io, const uint8_t *icmp, size_t len, uint8_t hop,
      const struct in6_addr *src, const struct in6_addr *dst, uint16_t port)
{
	struct wire_ra ra;
	uint16_t p;

	if (wire_ra_parse(icmp, len, hop, src, dst, &ra) != WIRE_E_OK) {
		io->hl.stats.invalid++;
		return;
	}
	for (p = 0; p < io->ctx->n_ports; p++)
		if (memcmp(src, &io->ctx->port[p].ll6, 16) == 0)
			return;          /* our own, looped back by the link */
	if (cp_hl_learn(&io->hl, &ra, src, port, io->now_ms))
		io->hl.stats.ra_received++;
	else
		io->hl.stats.ra_other++;
}

/* R6275 §10.5: the reply goes from the home agent's address to the request's source. */
static void
rx_dhaad(struct cp_io *io, const uint8_t *icmp, size_t len, const struct in6_addr *src,
	 const struct in6_addr *dst)
{
	const struct ha_cfg *cfg = cp_cfg(io->cp);
	static struct wire_ha_msg req, rep;
	const struct ha_prefix6 *pfx = NULL;
	struct cp_tx_meta meta = { .mn = UINT32_MAX };
	uint8_t pkt[1280];
	unsigned int i;
	int n;

	if (wire_ha_msg_parse(icmp, len, src, dst, &req) != WIRE_E_OK) {
		io->hl.stats.invalid++;
		return;
	}
	if (req.type != WIRE_ICMP6_DHAAD_REQUEST) {
		io->hl.stats.invalid++;
		return;
	}
	io->hl.stats.dhaad_requests++;
	for (i = 0; i < cfg->ha.n_prefixes6 && pfx == NULL; i++) {
		struct in6_addr any;

		wire_ha_anycast(&cfg->ha.prefixes6[i].addr, cfg->ha.prefixes6[i].len, &any);
		if (memcmp(&any, dst, 16) == 0)
			pfx = &cfg->ha.prefixes6[i];
	}
	if (pfx == NULL) {
		/* to the home agent's own address instead: its own home prefix */
		for (i = 0; i < cfg->ha.n_prefixes6 && pfx == NULL; i++)
			if (ha_prefix6_contains(&cfg->ha.prefixes6[i], dst))
				pfx = &cfg->ha.prefixes6[i];
	}
	if (pfx == NULL) {
		io->hl.stats.invalid++;
		return;
	}
	memset(&rep, 0, sizeof(rep));
	rep.type = WIRE_ICMP6_DHAAD_REPLY;
	rep.id = req.id;
	rep.n_ha = (uint8_t)cp_hl_dhaad(&io->hl, &cfg->ha.addr6,
					cp_hl_preference(cfg, cp_bindings(io->cp)), pfx, io->now_ms,
					rep.ha, WIRE_DHAAD_MAX);
	n = wire_ha_msg_build(pkt, sizeof(pkt), &cfg->ha.addr6, src, &rep);
	if (n > 0 && cp_io_tx(io, pkt, (uint16_t)n, &meta) == 0)
		io->hl.stats.dhaad_replies++;
}

/*
 * An MPA of the home prefixes to node mn, carried as c says (the way its BAs go), through
 * its outbound signalling SA when protect. Its checksum is over the home agent's address
 * and the home address, the final destination whatever the carriage (R6275 §6.8).
 */
static int
send_mpa(struct cp_io *io, const struct cp_mn *mn, const struct wire_mh_carriage *c,
	 bool protect, uint16_t id)
{
	const struct ha_cfg *cfg = cp_cfg(io->cp);
	struct cp_tx_meta meta = {
		.ipv4 = c->udp4,
		.mn = mn->idx,
		.spi_out = protect ? mn->spi_sig_out : 0,
		.payload_off = wire_carriage_hlen(c),
		.payload_proto = WIRE_PROTO_ICMPV6,
	};
	static struct wire_ha_msg adv;
	uint8_t msg[1280], pkt[1400];
	unsigned int i;
	int n;

	if (protect && mn->spi_sig_out == 0)
		return -ENOENT;
	memset(&adv, 0, sizeof(adv));
	adv.type = WIRE_ICMP6_MPA;
	adv.id = id;
	/* the home prefixes as the RA has them, autonomous: they form home addresses */
	adv.n_pio = cp_hl_pios(cfg, adv.pio);
	for (i = 0; i < adv.n_pio; i++)
		adv.pio[i].flags |= WIRE_PIO_A;
	n = wire_ha_msg_build(msg, sizeof(msg), &cfg->ha.addr6, &mn->hoa6, &adv);
	if (n <= WIRE_IP6_HLEN)
		return -ENOSPC;
	n = wire_carriage_pkt_build(pkt, sizeof(pkt), c, msg + WIRE_IP6_HLEN,
				    (uint16_t)(n - WIRE_IP6_HLEN), WIRE_PROTO_ICMPV6);
	return n > 0 ? cp_io_tx(io, pkt, (uint16_t)n, &meta) : -ENOSPC;
}

/* Did the unprotected packet ctx describes come from binding b's care-of address? */
static bool
from_binding(const struct cp_bind *b, const struct cp_rx_ctx *ctx)
{
	if (ctx->udp4)
		return ctx->outer_src4 == b->coa4;
	if (ctx->tun6)
		return memcmp(&ctx->outer_src6, &b->coa6, 16) == 0;
	return ctx->has_hao && memcmp(&ctx->src6, &b->coa6, 16) == 0;
}

/*
 * R6275 §10.6: a registered node's Mobile Prefix Solicitation is answered with a Mobile
 * Prefix Advertisement of the home prefixes, the way a BA to it would go: to its care-of
 * address through a type 2 routing header (the MPS had a Home Address option), back through
 * the IPv6-in-IPv6 or IPv4/UDP tunnel it came through. R6275 §5.3 wants both protected:
 * one that came on the node's signalling SA (ESP transport, the MPS an ICMPv6 payload
 * instead of an MH) is answered on its outbound one; with policy.require_ipsec an
 * unprotected one is answered not at all (counted), without it unprotected from the
 * binding's care-of address only (no reflector for anybody else's address).
 */
void
cp_io_hl_mps(struct cp_io *io, const uint8_t *icmp, size_t len, const struct cp_rx_ctx *ctx)
{
	const struct ha_cfg *cfg = cp_cfg(io->cp);
	const struct in6_addr *hoa = cp_bu_hoa(ctx);
	static struct wire_ha_msg req;
	struct wire_mh_carriage c;
	const struct cp_bind *b;
	const struct cp_mn *mn;

	/* the checksum's source is the home address (R6275 §6.3) */
	if (wire_ha_msg_parse(icmp, len, hoa, &ctx->dst6, &req) != WIRE_E_OK ||
	    req.type != WIRE_ICMP6_MPS) {
		io->hl.stats.invalid++;
		return;
	}
	io->hl.stats.mps_received++;
	if (cfg->policy.require_ipsec && !ctx->protected_) {
		io->hl.stats.mps_unprotected++;
		return;
	}
	mn = cp_mndb_find6(cp_mndb(io->cp), hoa);
	b = mn != NULL ? cp_bind_get(io->cp, mn->idx) : NULL;
	if (b == NULL || b->state != CP_BIND_ACTIVE ||
	    (ctx->protected_ ? memcmp(&ctx->sa_hoa, hoa, 16) != 0 : !from_binding(b, ctx))) {
		io->hl.stats.mps_unbound++;
		return;
	}
	cp_reply_carriage(io->cp, ctx, &c);
	if (send_mpa(io, mn, &c, ctx->protected_, req.id) == 0) {
		io->hl.stats.mpa_sent++;
		io->hl.stats.mpa_protected += ctx->protected_;
	}
}

void
cp_io_hl_prefixes_changed(struct cp_io *io)
{
	io->hl.mpa_walk = true;
	io->hl.mpa_cursor = 0;
}

/*
 * R6275 §10.6.2: after the home prefixes changed, every registered node gets an unsolicited
 * MPA (a random identifier each) where its BAs go, through its signalling SA when it has one;
 * with policy.require_ipsec a node without one gets none. A bounded share of the node slots
 * per control loop pass, so a million nodes do not stall it.
 */
static void
mpa_walk(struct cp_io *io)
{
	bool ipsec = cp_cfg(io->cp)->policy.require_ipsec;
	struct cp_mndb *db = cp_mndb(io->cp);
	uint32_t cap = cp_mndb_capacity(db), k;
	struct wire_mh_carriage c;

	for (k = 0; k < MPA_WALK_SLOTS && io->hl.mpa_cursor < cap; k++, io->hl.mpa_cursor++) {
		const struct cp_mn *mn = cp_mndb_get(db, io->hl.mpa_cursor);
		const struct cp_bind *b = mn != NULL ? cp_bind_get(io->cp, mn->idx) : NULL;

		if (b == NULL || b->state != CP_BIND_ACTIVE)
			continue;
		if (ipsec && mn->spi_sig_out == 0) {
			io->hl.stats.mpa_unprotected++;
			continue;
		}
		cp_binding_carriage(io->cp, mn, b, &c);
		if (send_mpa(io, mn, &c, mn->spi_sig_out != 0, (uint16_t)cp_hl_rand(&io->hl)) == 0)
			io->hl.stats.mpa_unsolicited++;
	}
	if (io->hl.mpa_cursor >= cap)
		io->hl.mpa_walk = false;
}

void
cp_io_hl_rx(struct cp_io *io, struct rte_mbuf *m, const struct dp_punt *meta)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *), *ip, *icmp;
	uint16_t flen = rte_pktmbuf_data_len(m);
	struct in6_addr src, dst;
	struct cp_rx_ctx ctx;

	if ((size_t)meta->l3_off + WIRE_IP6_HLEN > flen ||
	    (size_t)meta->mh_off + meta->mh_len > flen || meta->mh_len < 4 ||
	    (meta->has_hao && (size_t)meta->hao_off + 16 > flen)) {
		io->hl.stats.invalid++;
		return;
	}
	ip = f + meta->l3_off;
	icmp = f + meta->mh_off;
	memcpy(&src, ip + 8, 16);
	memcpy(&dst, ip + 24, 16);
	switch (icmp[0]) {
	case WIRE_ND_RS:
	case WIRE_ND_RA:
		/* RFC 4861 §6.1: neighbor discovery comes without extension headers */
		if (ip[6] != WIRE_PROTO_ICMPV6) {
			io->hl.stats.invalid++;
			break;
		}
		if (icmp[0] == WIRE_ND_RS)
			rx_rs(io, icmp, meta->mh_len, ip[7], meta->port);
		else
			rx_ra(io, icmp, meta->mh_len, ip[7], &src, &dst, meta->port);
		break;
	case WIRE_ICMP6_MPS:
		if (!meta->has_hao) {
			io->hl.stats.invalid++;
			break;
		}
		memset(&ctx, 0, sizeof(ctx));
		ctx.src6 = src;
		ctx.dst6 = dst;
		ctx.has_hao = true;
		memcpy(&ctx.hao, f + meta->hao_off, 16);
		ctx.port = meta->port;
		cp_io_hl_mps(io, icmp, meta->mh_len, &ctx);
		break;
	default:
		rx_dhaad(io, icmp, meta->mh_len, &src, &dst);
		break;
	}
}
