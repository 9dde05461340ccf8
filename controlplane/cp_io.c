/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control-plane packet I/O: what the workers punt comes in on two rings per worker, the
 * signalling ring drained first (a flood of neighbor work or events cannot hold up Binding
 * Updates); neighbor work goes to cp_nb.c, frames out through cp_io_tx.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "bc.h"
#include "cp_io_internal.h"
#include "ha_addr.h"
#include "ha_log.h"
#include "wire_ip.h"
#include "wire_nd.h"
#include "wire_pkt.h"

#define SIG_BUDGET 256                /* signalling punts per worker and pass */
#define PUNT_BUDGET 64                /* other punts per worker and pass */
#define PUNT_BURST 32

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
	cp_nb_learn(io, 4, meta->port, &a.spa, a.sha, a.op == WIRE_ARP_REPLY);
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
		cp_nb_learn(io, 6, meta->port, &nd.target, nd.has_lla ? nd.lla : f + 6, false);
		return;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&src)) {
		/* another node's DAD for the same address (RFC 4862 §5.4.3) */
		cp_dad_conflict(io->cp, &nd.target, io->now_ms);
		return;
	}
	if (nd.has_lla)
		cp_nb_learn(io, 6, meta->port, &src, nd.lla, false);
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
	if (cp_cfg(io->cp)->policy.nat_detection == CFG_NATD_HEURISTIC && meta->udp4) {
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
	uint8_t next;
	int len;

	rx_ctx(io, rte_pktmbuf_mtod(m, uint8_t *), meta, &ctx);
	len = cp_esp_rx(&io->esp, m, meta, &ctx, &mh, &next);
	if (len < 0) {
		io->stats.esp_refused++;
		return;
	}
	if (next == WIRE_PROTO_ICMPV6)
		cp_io_hl_mps(io, mh, (size_t)len, &ctx);   /* protected prefix discovery */
	else
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

/* One punted packet or event; m is freed unless kept (a held packet). */
static void
rx_one(struct cp_io *io, struct rte_mbuf *m, uint64_t now_ms)
{
	const struct dp_punt *meta = dp_punt_meta(m);

	switch (meta->kind) {
	case DP_PUNT_MH:
		rx_mh(io, m, meta);
		break;
	case DP_PUNT_ESP:
		rx_esp(io, m, meta);
		break;
	case DP_PUNT_HAO:
		rx_hao(io, m, meta);
		break;
	case DP_PUNT_ARP:
		rx_arp(io, m, meta);
		break;
	case DP_PUNT_ND:
		rx_nd(io, m, meta);
		break;
	case DP_PUNT_HOLD:
		cp_nb_hold(io, m, meta);
		return;   /* kept or sent: not freed here */
	case DP_PUNT_SEEN:
		cp_nat_seen(io->cp, meta->mn, now_ms);
		break;
	case DP_PUNT_NAT_PORT:
		rx_nat_port(io, meta);
		break;
	case DP_PUNT_ESP_NATT:
		cp_esp_natt(io->cp, meta->mn, meta->outer_src4, meta->outer_sport, now_ms);
		break;
	case DP_PUNT_IKE:
		if (io->ike_sink != NULL) {
			io->ike_sink(io->ike_arg, m);
			return;   /* the exception path's now */
		}
		break;
	case DP_PUNT_HOME_LINK:
		cp_io_hl_rx(io, m, meta);
		break;
	default:
		break;
	}
	rte_pktmbuf_free(m);
}

/* Up to budget punts of ring r, in bursts. */
static void
drain(struct cp_io *io, struct rte_ring *r, unsigned int budget, uint64_t now_ms)
{
	struct rte_mbuf *m[PUNT_BURST];
	unsigned int n, i;

	while (budget > 0) {
		n = rte_ring_sc_dequeue_burst(r, (void **)m, RTE_MIN(budget, PUNT_BURST), NULL);
		if (n == 0)
			return;
		io->stats.punted += n;
		budget -= n;
		for (i = 0; i < n; i++)
			rx_one(io, m[i], now_ms);
	}
}

void
cp_io_poll(struct cp_io *io, uint64_t now_ms)
{
	unsigned int w;

	io->now_ms = now_ms;
	/* signalling of every worker first, then the rest (each bounded per pass) */
	for (w = 0; w < io->n_workers; w++)
		drain(io, io->sig[w], SIG_BUDGET, now_ms);
	for (w = 0; w < io->n_workers; w++)
		drain(io, io->punt[w], PUNT_BUDGET, now_ms);
	cp_nb_timers(io);
	cp_io_hl_timers(io);
	cp_io_tx_flush(io);
}

static int
io_sa_attach(void *arg, struct cp_mn *m, const struct cfg_mn *c)
{
	return cp_esp_attach(&((struct cp_io *)arg)->esp, m, c);
}

static void
io_sa_detach(void *arg, struct cp_mn *m)
{
	struct cp_io *io = arg;

	cp_esp_detach(&io->esp, m);
	if (io->node_gone != NULL)
		io->node_gone(io->node_gone_arg, m->idx);
}

const struct cp_hl *
cp_io_home_link(const struct cp_io *io)
{
	return &io->hl;
}

void
cp_io_set_node_gone(struct cp_io *io, void (*fn)(void *arg, uint32_t mn), void *arg)
{
	io->node_gone = fn;
	io->node_gone_arg = arg;
}

int
cp_io_send_ip(struct cp_io *io, const uint8_t *pkt, uint16_t len)
{
	struct cp_tx_meta meta = { .mn = UINT32_MAX };

	if (len < 20 || ((pkt[0] >> 4) != 4 && (pkt[0] >> 4) != 6) ||
	    ((pkt[0] >> 4) == 6 && len < 40))
		return -EINVAL;
	meta.ipv4 = (pkt[0] >> 4) == 4;
	return cp_io_tx(io, pkt, len, &meta);
}

void
cp_io_set_ike_sink(struct cp_io *io, void (*fn)(void *arg, struct rte_mbuf *m), void *arg)
{
	io->ike_sink = fn;
	io->ike_arg = arg;
}

void
cp_io_ops(struct cp_io *io, struct cp_ops *ops)
{
	ops->tx = cp_io_tx;
	ops->dad_start = cp_io_dad_start;
	ops->announce = cp_io_announce;
	ops->sa_attach = io_sa_attach;
	ops->sa_detach = io_sa_detach;
	ops->io_arg = io;
}

struct cp_io *
cp_io_create(const struct dp_ctx *ctx, const struct dp_port *ports,
	     struct rte_ring *const *punt, struct rte_ring *const *sig, unsigned int n_workers)
{
	struct cp_io *io = calloc(1, sizeof(*io));
	unsigned int i;

	if (io == NULL)
		return NULL;
	io->ctx = ctx;
	io->ports = ports;
	io->n_workers = n_workers;
	for (i = 0; i < n_workers; i++) {
		io->punt[i] = punt[i];
		io->sig[i] = sig[i];
	}
	cp_nb_init(io);
	/* home agents of one link started together still jitter apart, order ties apart */
	io->hl.rnd = rte_rdtsc() | 1;
	if (cp_esp_init(&io->esp, ctx->sadb, ctx->bc, n_workers) != 0) {
		cp_io_free(io);
		return NULL;
	}
	return io;
}

void
cp_io_attach(struct cp_io *io, struct cp *cp)
{
	io->cp = cp;
	cp_nb_static(io, cp_cfg(cp));
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
	if (io == NULL)
		return;
	io->commit = NULL;            /* what is still queued goes without a store */
	cp_io_tx_flush(io);
	cp_nb_fini(io);
	cp_esp_fini(&io->esp);
	free(io);
}

const struct cp_io_stats *
cp_io_stats(const struct cp_io *io)
{
	return &io->stats;
}
