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

#include "bc_entry.h"
#include "cp.h"
#include "cp_hl.h"
#include "cp_io_internal.h"
#include "dp_ctx.h"
#include "ha_addr.h"
#include "ha_log.h"
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

/* An MPA of the home prefixes to a registered node's care-of address, through an RH2. */
static int
send_mpa(struct cp_io *io, const struct in6_addr *coa, const struct in6_addr *hoa, uint16_t id)
{
	const struct ha_cfg *cfg = cp_cfg(io->cp);
	struct cp_tx_meta meta = { .mn = UINT32_MAX };
	static struct wire_ha_msg adv;
	uint8_t pkt[1280];
	unsigned int i;
	int n;

	memset(&adv, 0, sizeof(adv));
	adv.type = WIRE_ICMP6_MPA;
	adv.id = id;
	/* the home prefixes as the RA has them, autonomous: they form home addresses */
	adv.n_pio = cp_hl_pios(cfg, adv.pio);
	for (i = 0; i < adv.n_pio; i++)
		adv.pio[i].flags |= WIRE_PIO_A;
	n = wire_ha_msg_build_rh2(pkt, sizeof(pkt), &cfg->ha.addr6, coa, hoa, &adv);
	return n > 0 ? cp_io_tx(io, pkt, (uint16_t)n, &meta) : -ENOSPC;
}

/*
 * R6275 §10.6: a registered node's Mobile Prefix Solicitation (from its care-of address, its
 * home address in a Home Address option) is answered with a Mobile Prefix Advertisement of
 * the home prefixes, to the care-of address through a type 2 routing header. RFC 6275 §5.3
 * wants both protected by IPsec; this home agent does not protect them yet, so with
 * policy.require_ipsec it answers none (counted) rather than unprotected ones.
 */
static void
rx_mps(struct cp_io *io, const uint8_t *icmp, size_t len, const struct in6_addr *coa,
       const struct in6_addr *hoa, const struct in6_addr *dst)
{
	const struct ha_cfg *cfg = cp_cfg(io->cp);
	static struct wire_ha_msg req;
	const struct cp_bind *b;
	const struct cp_mn *mn;

	/* the checksum's source is the home address (R6275 §6.3) */
	if (wire_ha_msg_parse(icmp, len, hoa, dst, &req) != WIRE_E_OK) {
		io->hl.stats.invalid++;
		return;
	}
	io->hl.stats.mps_received++;
	if (cfg->policy.require_ipsec) {
		io->hl.stats.mps_unprotected++;
		return;
	}
	mn = cp_mndb_find6(cp_mndb(io->cp), hoa);
	b = mn != NULL ? cp_bind_get(io->cp, mn->idx) : NULL;
	if (b == NULL || b->state != CP_BIND_ACTIVE || memcmp(&b->coa6, coa, 16) != 0) {
		io->hl.stats.mps_unbound++;
		return;
	}
	if (send_mpa(io, coa, hoa, req.id) == 0)
		io->hl.stats.mpa_sent++;
}

void
cp_io_hl_prefixes_changed(struct cp_io *io)
{
	if (cp_cfg(io->cp)->policy.require_ipsec) {
		/* as for solicited ones: none rather than unprotected (rx_mps) */
		CP_LOG(NOTICE, "home prefixes changed: no unsolicited Mobile Prefix Advertisements "
		       "(policy.require_ipsec: they are not protected yet)");
		return;
	}
	io->hl.mpa_walk = true;
	io->hl.mpa_cursor = 0;
}

/*
 * R6275 §10.6.2: after the home prefixes changed, every node registered from an IPv6
 * care-of address gets an unsolicited MPA (a random identifier each); a bounded
 * share of the node slots per control loop pass, so a million nodes do not stall it.
 */
static void
mpa_walk(struct cp_io *io)
{
	struct cp_mndb *db = cp_mndb(io->cp);
	uint32_t cap = cp_mndb_capacity(db), k;

	for (k = 0; k < MPA_WALK_SLOTS && io->hl.mpa_cursor < cap; k++, io->hl.mpa_cursor++) {
		const struct cp_mn *mn = cp_mndb_get(db, io->hl.mpa_cursor);
		const struct cp_bind *b = mn != NULL ? cp_bind_get(io->cp, mn->idx) : NULL;

		if (b == NULL || b->state != CP_BIND_ACTIVE || b->fmt != BC_FMT_IP6)
			continue;
		io->hl.rnd ^= io->hl.rnd << 13;
		io->hl.rnd ^= io->hl.rnd >> 7;
		io->hl.rnd ^= io->hl.rnd << 17;
		if (send_mpa(io, &b->coa6, &mn->hoa6, (uint16_t)io->hl.rnd) == 0)
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
	struct in6_addr src, dst, hoa;

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
		memcpy(&hoa, f + meta->hao_off, 16);
		rx_mps(io, icmp, meta->mh_len, &src, &hoa, &dst);
		break;
	default:
		rx_dhaad(io, icmp, meta->mh_len, &src, &dst);
		break;
	}
}
