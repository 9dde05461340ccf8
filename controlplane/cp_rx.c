/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Binding Update pipeline (style guide §8): wire_mh_parse -> cp_bu_check (pure) ->
 * apply (cp_binding.c, the only writer) -> BA; and what the control plane answers on the
 * wire: Binding Acknowledgements and rate-limited Binding Errors. CP lcore only.
 */
#include <string.h>

#include <rte_common.h>

#include "cp_internal.h"
#include "ha_addr.h"
#include "ha_log.h"

static bool
ratelimit_be(struct cp *cp, uint64_t now_ms)
{
	uint64_t rate = cp->cfg->policy.binding_error_rate, cap = rate * 1000;

	if (rate == 0)
		return false;
	cp->be_tokens += (now_ms - cp->be_last_ms) * rate;
	if (cp->be_tokens > cap)
		cp->be_tokens = cap;
	cp->be_last_ms = now_ms;
	if (cp->be_tokens < 1000)
		return false;
	cp->be_tokens -= 1000;
	return true;
}

/* Carriage of a reply to the packet described by ctx (protocol facts §8.1-§8.2, §11.G). */
void
cp_reply_carriage(const struct cp *cp, const struct cp_rx_ctx *ctx, struct wire_mh_carriage *c)
{
	memset(c, 0, sizeof(*c));
	c->src6 = ctx->dst6;
	c->hop_limit = 64;
	if (ctx->udp4) {
		/* R5555 §4.2/§5.1: to V4ADDR and port Z as received, no RH2 */
		c->udp4 = true;
		c->src4 = ctx->outer_dst4 != 0 ? ctx->outer_dst4 : cp->cfg->ha.addr4;
		c->dst4 = ctx->outer_src4;
		c->sport = 4191;
		c->dport = ctx->outer_sport;
		c->dst6 = *cp_bu_hoa(ctx);
	} else if (ctx->tun6) {
		/* the BU came in IPv6-in-IPv6 from its care-of address: answer the same way */
		c->tun6 = true;
		c->outer_dst6 = ctx->outer_src6;
		c->dst6 = ctx->src6;
	} else {
		/* R6275 §9.5.4: to the source; an RH2 carries the HoA when the BU had an HAO */
		c->dst6 = ctx->src6;
		c->rh2 = ctx->has_hao;
		c->hoa = ctx->hao;
	}
}

static void
tx(struct cp *cp, const uint8_t *pkt, int len, const struct cp_rx_ctx *ctx, const struct cp_mn *m,
   const struct wire_mh_carriage *c)
{
	/*
	 * SPD outbound, Mobility Header rules first (seed 001 §4.2): a protected BU is
	 * answered through the outbound signalling SA of the node whose SA it came on, also
	 * when it claimed another node's home address (status 133 goes back to the sender).
	 */
	const struct cp_mn *sa_mn = ctx->protected_ ? cp_mndb_find6(cp->db, &ctx->sa_hoa) : NULL;
	struct cp_tx_meta meta = {
		.ipv4 = ctx->udp4,
		.mn = sa_mn != NULL ? sa_mn->idx : m != NULL ? m->idx : UINT32_MAX,
		.spi_out = sa_mn != NULL ? sa_mn->spi_sig_out : 0,
		.payload_off = wire_carriage_hlen(c),
		.port = ctx->port,
	};

	if (len < 0 || cp->ops.tx(cp->ops.io_arg, pkt, (uint16_t)len, &meta) != 0)
		cp->stats.tx_errors++;
}

void
cp_send_ba(struct cp *cp, const struct cp_rx_ctx *ctx, const struct cp_bu_decision *d,
	   const struct wire_v4ack *acks, uint8_t n_acks, const struct cp_mn *m)
{
	struct wire_ba_args a = {
		.status = d->status,
		.flags = d->status < 128 ? d->ba_flags : 0,
		.seq = d->seq,
		.lifetime = d->status < 128 ? d->lifetime : 0,
		.n_v4ack = n_acks,
		.has_natd = d->has_natd,
		.natd = d->natd,
	};
	struct wire_mh_carriage c;
	uint8_t pkt[CP_PKT_MAX];

	memcpy(a.v4ack, acks, sizeof(a.v4ack[0]) * n_acks);
	cp_reply_carriage(cp, ctx, &c);
	tx(cp, pkt, wire_ba_pkt_build(pkt, sizeof(pkt), &c, &a), ctx, m, &c);
	cp->stats.ba_tx++;
	cp->stats.status[d->status]++;
}

static void
send_be(struct cp *cp, const struct cp_rx_ctx *ctx, uint8_t status, uint64_t now_ms)
{
	struct wire_mh_carriage c;
	uint8_t pkt[CP_PKT_MAX];

	/* R6275 §9.3.3: only to a unicast source, rate limited */
	if (IN6_IS_ADDR_MULTICAST(&ctx->src6) || IN6_IS_ADDR_UNSPECIFIED(&ctx->src6))
		return;
	if (!ratelimit_be(cp, now_ms)) {
		cp->stats.be_ratelimited++;
		return;
	}
	cp_reply_carriage(cp, ctx, &c);
	c.rh2 = false;   /* a BE carries no RH2 */
	tx(cp, pkt, wire_be_pkt_build(pkt, sizeof(pkt), &c, status, ctx->has_hao ? &ctx->hao : NULL),
	   ctx, NULL, &c);
	cp->stats.be_tx++;
}

uint8_t
cp_reject_acks(uint8_t n_v4, struct wire_v4ack *acks)
{
	uint8_t i, n = RTE_MIN(n_v4, WIRE_MH_MAX_V4HOA);

	/* every IPv4 HoA option of a rejected BU gets an ack (R5555 §4.5) */
	for (i = 0; i < n; i++)
		acks[i] = (struct wire_v4ack){ WIRE_V4ACK_UNSPECIFIED, 0, 0 };
	return n;
}

void
cp_rx_mh(struct cp *cp, const uint8_t *mh, uint16_t len, const struct cp_rx_ctx *ctx,
	 uint64_t now_ms)
{
	const struct in6_addr *src = cp_bu_hoa(ctx);
	struct cp_bu_decision d;
	struct wire_v4ack acks[WIRE_MH_MAX_V4HOA];
	struct wire_mh m;
	struct cp_mn *mn;
	char a[HA_ADDR_STRLEN];
	enum wire_err e;

	cp->stats.mh_rx++;
	/* R6275 §6.1.1: the HoA of an HAO stands in for the source in the checksum */
	e = wire_mh_parse(mh, len, src, &ctx->dst6, 0, &m);
	if (e == WIRE_E_UNKNOWN_MH_TYPE) {
		send_be(cp, ctx, WIRE_BE_UNKNOWN_MH_TYPE, now_ms);   /* R6275 §9.2 */
		cp->stats.discards[CP_DISCARD_NOT_BU]++;
		return;
	}
	if (e != WIRE_E_OK) {
		cp->stats.discards[e == WIRE_E_BAD_CSUM ? CP_DISCARD_CSUM : CP_DISCARD_PARSE]++;
		return;
	}
	if (m.type == WIRE_MH_BR) {
		cp_rx_br(cp, &m, ctx, now_ms);
		return;
	}
	if (m.type == WIRE_MH_BE) {
		cp_rx_be(cp, &m, ctx, now_ms);
		return;
	}
	if (m.type != WIRE_MH_BU) {
		cp->stats.discards[CP_DISCARD_NOT_BU]++;
		return;
	}
	cp->stats.bu_rx++;
	mn = cp_mndb_find6(cp->db, src);
	if (mn != NULL && cp_revoking(cp, mn->idx))
		mn = NULL;   /* deleted once its revocation ends: not a node to register */
	cp_bu_check(&m, ctx, cp->cfg, mn, mn != NULL ? &cp->binds[mn->idx] : NULL, &d);

	switch (d.verdict) {
	case CP_DISCARD:
		cp->stats.discards[d.discard]++;
		break;
	case CP_REJECT:
		CP_AUDIT("binding refused %s hoa %s seq %u status %u (%s)",
			 mn != NULL ? mn->id : "-", ha_addr6_str(&d.hoa, a, sizeof(a)), m.bu.seq,
			 d.status, d.reason);
		cp_send_ba(cp, ctx, &d, acks, cp_reject_acks(m.opts.n_v4hoa, acks), mn);
		break;
	case CP_DEREGISTER:
		cp_apply_deregister(cp, mn, ctx, &d, m.bu.seq, now_ms);
		break;
	case CP_REGISTER:
		cp_apply_register(cp, mn, &m, ctx, &d, now_ms);
		break;
	}
}

void
cp_rx_unknown_hao(struct cp *cp, const struct cp_rx_ctx *ctx, uint64_t now_ms)
{
	send_be(cp, ctx, WIRE_BE_UNKNOWN_BINDING, now_ms);
}
