/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane pipeline: parse -> cp_bu_check -> apply (the only writer) -> BA, plus
 * lifetimes, DAD, NAT staleness, Binding Errors and the audit log. CP lcore only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "bc_entry.h"
#include "cp.h"
#include "cp_internal.h"
#include "ha_addr.h"
#include "ha_log.h"
#include "ha_mem.h"
#include "wire_ip.h"

/* ------------------------------------------------------------------ audit helpers */

static const char *
coa_str(const struct cp_bind *b, char *buf, size_t len)
{
	char a[HA_ADDR_STRLEN];

	if (b->fmt == BC_FMT_IP6)
		snprintf(buf, len, "%s", ha_addr6_str(&b->coa6, a, sizeof(a)));
	else
		snprintf(buf, len, "%s:%u (%s%s)", ha_addr4_str(b->coa4, a, sizeof(a)), b->port,
			 b->fmt == BC_FMT_IP4 ? "ipip" : b->fmt == BC_FMT_UDP ? "udp" : "udp-tlv",
			 b->nat ? ", nat" : "");
	return buf;
}

/* ------------------------------------------------------------------ timers */

static void
timer_unlink(struct cp *cp, uint32_t mn)
{
	cp->binds[mn].timer_ms = 0;   /* its record, if any, no longer matches */
}

static void
timer_set(struct cp *cp, uint32_t mn, uint64_t at_ms)
{
	struct cp_bind *b = &cp->binds[mn];
	struct cp_slot *s;

	if (at_ms != 0 && at_ms / 1000 < cp->wheel_sec)
		at_ms = cp->wheel_sec * 1000;   /* never earlier than the slot being processed */
	if (b->timer_ms != 0 && b->timer_ms / 1000 == at_ms / 1000) {
		b->timer_ms = at_ms;           /* same second: its record stays valid */
		return;
	}
	b->timer_ms = at_ms;
	if (at_ms == 0)
		return;
	s = &cp->wheel[(at_ms / 1000) % CP_WHEEL];
	if (s->n == s->cap) {
		uint32_t cap = s->cap != 0 ? 2 * s->cap : 64;
		struct cp_trec *r = realloc(s->r, sizeof(*r) * cap);

		if (r == NULL) {
			cp->timers_lost = true;
			return;
		}
		s->r = r;
		s->cap = cap;
	}
	s->r[s->n++] = (struct cp_trec){ mn, (uint32_t)(at_ms / 1000) };
}

/* The earliest thing to look at for a node: expiry, staleness, end of hold. */
static void
timer_rearm(struct cp *cp, uint32_t mn)
{
	const struct cp_bind *b = &cp->binds[mn];
	uint64_t at = 0;

	if (b->state == CP_BIND_ACTIVE) {
		at = b->expires_ms;
		if (b->nat && !b->stale) {
			uint64_t st = b->keepalive_ms + 1000ull *
				      (cp->cfg->policy.nat_refresh + cp->cfg->policy.nat_grace);

			if (st < at)
				at = st;
		}
	} else if (b->state == CP_BIND_HOLD) {
		at = b->hold_until_ms;
	}
	timer_set(cp, mn, at);
}

/* ------------------------------------------------------------------ output */

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
static void
reply_carriage(const struct cp *cp, const struct cp_rx_ctx *ctx, struct wire_mh_carriage *c)
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

static void
send_ba(struct cp *cp, const struct cp_rx_ctx *ctx, const struct cp_bu_decision *d,
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
	reply_carriage(cp, ctx, &c);
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
	reply_carriage(cp, ctx, &c);
	c.rh2 = false;   /* a BE carries no RH2 */
	tx(cp, pkt, wire_be_pkt_build(pkt, sizeof(pkt), &c, status, ctx->has_hao ? &ctx->hao : NULL),
	   ctx, NULL, &c);
	cp->stats.be_tx++;
}

/* The acks of a rejected BU: every IPv4 HoA option gets one (R5555 §4.5). */
static uint8_t
reject_acks(const struct wire_mh *bu, struct wire_v4ack *acks)
{
	uint8_t i, n = RTE_MIN(bu->opts.n_v4hoa, WIRE_MH_MAX_V4HOA);

	for (i = 0; i < n; i++) {
		acks[i].status = WIRE_V4ACK_UNSPECIFIED;
		acks[i].plen = 0;
		acks[i].addr = 0;
	}
	return n;
}

/* ------------------------------------------------------------------ binding changes */

static void
release_v4(struct cp *cp, struct cp_bind *b, bool addr, bool pfx, const struct cp_mn *m)
{
	if (addr && b->has_hoa4) {
		if (b->hoa4_dynamic)
			cp_pool_release(cp->pool, b->hoa4, 32);
		b->has_hoa4 = false;
		b->hoa4_dynamic = false;
	}
	if (pfx && b->has_v4pfx) {
		struct ha_prefix4 p = { b->v4pfx, b->v4pfx_len };

		if (cp->ops.prefix4_del != NULL)
			cp->ops.prefix4_del(cp->ops.bc_arg, m, &p);
		cp_pool_release(cp->pool, b->v4pfx, b->v4pfx_len);
		b->has_v4pfx = false;
	}
}

static bool
has6(const struct cp_mn_prefixes *s, const struct ha_prefix6 *p)
{
	unsigned int i;

	for (i = 0; s != NULL && i < s->n6; i++)
		if (s->p6[i].len == p->len && memcmp(&s->p6[i].addr, &p->addr, 16) == 0)
			return true;
	return false;
}

static bool
has4(const struct cp_mn_prefixes *s, const struct ha_prefix4 *p)
{
	unsigned int i;

	for (i = 0; s != NULL && i < s->n4; i++)
		if (s->p4[i].len == p->len && s->p4[i].addr == p->addr)
			return true;
	return false;
}

/* Remove every prefix of set from the tables (those not in keep). */
static void
prefixes_del(struct cp *cp, const struct cp_mn *m, const struct cp_mn_prefixes *set,
	     const struct cp_mn_prefixes *keep)
{
	unsigned int i;

	for (i = 0; set != NULL && i < set->n6; i++)
		if (!has6(keep, &set->p6[i]) && cp->ops.prefix6_del != NULL)
			cp->ops.prefix6_del(cp->ops.bc_arg, m, &set->p6[i]);
	for (i = 0; set != NULL && i < set->n4; i++)
		if (!has4(keep, &set->p4[i]) && cp->ops.prefix4_del != NULL)
			cp->ops.prefix4_del(cp->ops.bc_arg, m, &set->p4[i]);
}

/* Add the prefixes of want missing from have; all or none (R3963 §6.2). */
static int
prefixes_add(struct cp *cp, const struct cp_mn *m, const struct cp_mn_prefixes *want,
	     const struct cp_mn_prefixes *have)
{
	struct cp_mn_prefixes added = { 0 };
	unsigned int i;
	int rc = 0;

	for (i = 0; i < want->n6 && rc == 0; i++) {
		if (has6(have, &want->p6[i]) || cp->ops.prefix6_add == NULL)
			continue;
		rc = cp->ops.prefix6_add(cp->ops.bc_arg, m, &want->p6[i]);
		if (rc == 0)
			added.p6[added.n6++] = want->p6[i];
	}
	for (i = 0; i < want->n4 && rc == 0; i++) {
		if (has4(have, &want->p4[i]) || cp->ops.prefix4_add == NULL)
			continue;
		rc = cp->ops.prefix4_add(cp->ops.bc_arg, m, &want->p4[i]);
		if (rc == 0)
			added.p4[added.n4++] = want->p4[i];
	}
	if (rc != 0)
		prefixes_del(cp, m, &added, NULL);
	return rc;
}

static void
binding_delete(struct cp *cp, struct cp_mn *m, const char *why, uint64_t now_ms, bool hold)
{
	struct cp_bind *b = &cp->binds[m->idx];
	char a[HA_ADDR_STRLEN], c[64];

	if (b->state == CP_BIND_ACTIVE) {
		cp->ops.remove(cp->ops.bc_arg, m);
		cp->n_bindings--;
		CP_AUDIT( "binding deleted %s hoa %s coa %s (%s)", m->id,
		       ha_addr6_str(&m->hoa6, a, sizeof(a)), coa_str(b, c, sizeof(c)), why);
	}
	prefixes_del(cp, m, b->mnp, NULL);
	free(b->mnp);
	b->mnp = NULL;
	release_v4(cp, b, true, true, m);
	if (b->pending != NULL) {
		unsigned int i;

		for (i = 0; i < cp->n_dad; i++)
			if (cp->dad[i] == m->idx)
				cp->dad[i] = cp->dad[--cp->n_dad];
		free(b->pending);
		b->pending = NULL;
	}
	b->stale = false;
	if (hold) {
		/* D.4: keep the sequence number for MAX_DELETE_BCE_TIMEOUT */
		b->state = CP_BIND_HOLD;
		b->hold_until_ms = now_ms + CP_HOLD_MS;
	} else {
		b->state = CP_BIND_NONE;
		b->seq_valid = false;
	}
	timer_rearm(cp, m->idx);
}

/* Execute the IPv4 plans into b; fills the acks. */
static uint8_t
apply_v4(struct cp *cp, const struct cp_bu_decision *d, struct cp_bind *b, const struct cp_mn *m,
	 struct wire_v4ack *acks)
{
	bool keep_addr = false, keep_pfx = false;
	unsigned int i;

	for (i = 0; i < d->n_v4; i++) {
		const struct cp_v4_plan *v = &d->v4[i];
		struct wire_v4ack *k = &acks[i];
		uint32_t a;

		k->status = WIRE_V4ACK_SUCCESS;
		k->plen = v->plen;
		k->addr = v->addr;
		switch (v->action) {
		case CP_V4_STATIC:
			if (b->has_hoa4 && b->hoa4_dynamic)
				release_v4(cp, b, true, false, m);
			b->has_hoa4 = true;
			b->hoa4 = v->addr;
			b->hoa4_plen = 32;
			keep_addr = true;
			break;
		case CP_V4_KEEP:
			if (v->prefix)
				keep_pfx = true;
			else
				keep_addr = true;
			break;
		case CP_V4_ALLOC_ADDR:
			if (cp_pool_alloc(cp->pool, 32, &a) != 0) {
				*k = (struct wire_v4ack){ WIRE_V4ACK_NO_DYNAMIC, 0, 0 };
				break;
			}
			b->has_hoa4 = true;
			b->hoa4_dynamic = true;
			b->hoa4 = a;
			b->hoa4_plen = 32;
			k->addr = a;
			keep_addr = true;
			break;
		case CP_V4_ALLOC_PREFIX: {
			struct ha_prefix4 p;

			/* §19.5: no prefix of that size possible -> 133 */
			if (cp_pool_alloc(cp->pool, v->plen, &a) != 0) {
				*k = (struct wire_v4ack){ WIRE_V4ACK_PREFIX_UNAUTHORIZED, 0, 0 };
				break;
			}
			p = (struct ha_prefix4){ a, v->plen };
			if (cp->ops.prefix4_add != NULL &&
			    cp->ops.prefix4_add(cp->ops.bc_arg, m, &p) != 0) {
				cp_pool_release(cp->pool, a, v->plen);
				*k = (struct wire_v4ack){ WIRE_V4ACK_UNSPECIFIED, 0, 0 };
				break;
			}
			b->has_v4pfx = true;
			b->v4pfx = a;
			b->v4pfx_len = v->plen;
			k->addr = a;
			keep_pfx = true;
			break;
		}
		default:
			*k = (struct wire_v4ack){ v->status, 0, 0 };
			break;
		}
	}
	/* R5555 §4.4.2.1: what the BU no longer asks for is released */
	release_v4(cp, b, !keep_addr, !keep_pfx, m);
	return d->n_v4;
}

/* Publish b and send the BA, or refuse with 130 when the tables are full. */
static void
finish_register(struct cp *cp, struct cp_mn *m, struct cp_bind *b, const struct cp_rx_ctx *ctx,
		struct cp_bu_decision *d, struct wire_v4ack *acks, uint8_t n_acks, bool was_active,
		const struct cp_bind *old, uint64_t now_ms)
{
	char a[HA_ADDR_STRLEN], c1[64], c2[64];

	if (cp->ops.publish(cp->ops.bc_arg, m, b) != 0) {
		CP_AUDIT( "binding refused %s hoa %s status 130 (binding cache full)", m->id,
		       ha_addr6_str(&m->hoa6, a, sizeof(a)));
		binding_delete(cp, m, "tables full", now_ms, false);
		d->status = WIRE_BA_NO_RESOURCES;
		send_ba(cp, ctx, d, acks, n_acks, m);
		return;
	}
	b->state = CP_BIND_ACTIVE;
	if (!was_active) {
		cp->n_bindings++;
		cp->stats.registered++;
		CP_AUDIT( "binding created %s hoa %s coa %s lifetime %u s", m->id,
		       ha_addr6_str(&m->hoa6, a, sizeof(a)), coa_str(b, c1, sizeof(c1)),
		       b->lifetime * 4u);
		if (cp->ops.announce != NULL)
			cp->ops.announce(cp->ops.io_arg, m, b);
	} else if (old->fmt != b->fmt || old->coa4 != b->coa4 || old->port != b->port ||
		   memcmp(&old->coa6, &b->coa6, 16) != 0) {
		cp->stats.moved++;
		CP_AUDIT( "binding moved %s hoa %s %s -> %s", m->id,
		       ha_addr6_str(&m->hoa6, a, sizeof(a)), coa_str(old, c1, sizeof(c1)),
		       coa_str(b, c2, sizeof(c2)));
	} else {
		cp->stats.refreshed++;
	}
	timer_rearm(cp, m->idx);
	/* the binding is visible to the workers before the BA leaves */
	send_ba(cp, ctx, d, acks, n_acks, m);
}

static void
apply_register(struct cp *cp, struct cp_mn *m, const struct wire_mh *bu,
	       const struct cp_rx_ctx *ctx, struct cp_bu_decision *d, uint64_t now_ms)
{
	struct cp_bind *b = &cp->binds[m->idx], old = *b;
	bool was_active = b->state == CP_BIND_ACTIVE;
	struct wire_v4ack acks[WIRE_MH_MAX_V4HOA];
	struct cp_mn_prefixes *want = NULL;
	uint8_t n_acks;
	int rc;

	/* prefixes first: all or none, and nothing else changes when they fail */
	if (d->mr) {
		want = malloc(sizeof(*want));
		if (want == NULL || (rc = prefixes_add(cp, m, &d->mnp, b->mnp)) != 0) {
			char a[HA_ADDR_STRLEN];

			free(want);
			d->verdict = CP_REJECT;
			/* R3963 §6.2: explicit -> 141, implicit -> 143 */
			d->status = d->explicit_mnp ? WIRE_BA_INVALID_PREFIX :
				    WIRE_BA_FWD_SETUP_FAILED;
			CP_AUDIT( "binding refused %s hoa %s status %u (prefix forwarding setup "
			       "failed)", m->id, ha_addr6_str(&m->hoa6, a, sizeof(a)), d->status);
			send_ba(cp, ctx, d, acks, reject_acks(bu, acks), m);
			return;
		}
		*want = d->mnp;
	}
	prefixes_del(cp, m, b->mnp, want);
	free(b->mnp);
	b->mnp = want;

	n_acks = apply_v4(cp, d, b, m, acks);
	b->fmt = d->fmt;
	b->nat = d->nat;
	b->forced_udp = d->forced_udp;
	b->tlv = d->tlv;
	b->mr = d->mr;
	/* the UDP 4500 mapping belongs to the NAT address it was seen through */
	if (!was_active || !d->nat || b->coa4 != d->coa4)
		b->esp_port = 0;
	b->coa4 = d->coa4;
	b->coa6 = d->coa6;
	b->port = d->port;
	b->lifetime = d->lifetime;
	b->last_seq = bu->bu.seq;
	b->seq_valid = true;
	b->last_bu_ms = now_ms;
	b->keepalive_ms = now_ms;
	b->stale = false;
	b->expires_ms = now_ms + 4000ull * d->lifetime;
	if (!was_active && b->state != CP_BIND_DAD)
		b->created_ms = now_ms;

	if (d->dad || b->state == CP_BIND_DAD) {
		/* C.6: the BA waits for DAD (a newer BU meanwhile replaces the waiting one);
		 * other mobile nodes' BUs are not held up */
		struct cp_pending *p = b->pending != NULL ? b->pending : malloc(sizeof(*p));

		if (p != NULL) {
			if (b->pending == NULL) {
				cp->dad[cp->n_dad++] = m->idx;
				cp->stats.dad_started++;
				if (cp->ops.dad_start != NULL)
					cp->ops.dad_start(cp->ops.io_arg, &m->hoa6,
							  (bu->bu.flags & WIRE_BU_L) != 0);
				p->deadline_ms = now_ms + cp->cfg->policy.dad_timeout_ms;
			}
			p->ctx = *ctx;
			p->d = *d;
			memcpy(p->acks, acks, sizeof(acks));
			p->n_acks = n_acks;
			b->pending = p;
			b->state = CP_BIND_DAD;
			timer_unlink(cp, m->idx);
			return;
		}
		/* no memory for the wait: register without DAD rather than fail */
	}
	finish_register(cp, m, b, ctx, d, acks, n_acks, was_active, &old, now_ms);
}

static void
apply_deregister(struct cp *cp, struct cp_mn *m, const struct cp_rx_ctx *ctx,
		 struct cp_bu_decision *d, uint16_t seq, uint64_t now_ms)
{
	struct cp_bind *b = &cp->binds[m->idx];
	struct wire_v4ack acks[WIRE_MH_MAX_V4HOA];
	unsigned int i;

	for (i = 0; i < d->n_v4; i++)
		acks[i] = (struct wire_v4ack){ WIRE_V4ACK_SUCCESS, d->v4[i].plen, d->v4[i].addr };
	binding_delete(cp, m, "deregistration", now_ms, true);
	b->last_seq = seq;
	b->seq_valid = true;
	cp->stats.deregistered++;
	send_ba(cp, ctx, d, acks, d->n_v4, m);
}

/* ------------------------------------------------------------------ entry points */

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
	if (m.type != WIRE_MH_BU) {
		cp->stats.discards[CP_DISCARD_NOT_BU]++;
		return;
	}
	cp->stats.bu_rx++;
	mn = cp_mndb_find6(cp->db, src);
	cp_bu_check(&m, ctx, cp->cfg, mn, mn != NULL ? &cp->binds[mn->idx] : NULL, &d);

	switch (d.verdict) {
	case CP_DISCARD:
		cp->stats.discards[d.discard]++;
		break;
	case CP_REJECT:
		CP_AUDIT( "binding refused %s hoa %s seq %u status %u (%s)",
		       mn != NULL ? mn->id : "-", ha_addr6_str(&d.hoa, a, sizeof(a)), m.bu.seq,
		       d.status, d.reason);
		send_ba(cp, ctx, &d, acks, reject_acks(&m, acks), mn);
		break;
	case CP_DEREGISTER:
		apply_deregister(cp, mn, ctx, &d, m.bu.seq, now_ms);
		break;
	case CP_REGISTER:
		apply_register(cp, mn, &m, ctx, &d, now_ms);
		break;
	}
}

void
cp_rx_unknown_hao(struct cp *cp, const struct cp_rx_ctx *ctx, uint64_t now_ms)
{
	send_be(cp, ctx, WIRE_BE_UNKNOWN_BINDING, now_ms);
}

static void
dad_done(struct cp *cp, uint32_t idx, bool conflict, uint64_t now_ms)
{
	struct cp_mn *m = cp_mndb_get(cp->db, idx);
	struct cp_bind *b = &cp->binds[idx];
	struct cp_pending *p = b->pending;
	char a[HA_ADDR_STRLEN];
	struct cp_bind none = { 0 };
	unsigned int i;

	for (i = 0; i < cp->n_dad; i++)
		if (cp->dad[i] == idx) {
			cp->dad[i] = cp->dad[--cp->n_dad];
			break;
		}
	if (m == NULL || p == NULL)
		return;
	b->pending = NULL;
	if (conflict) {
		/* C.6: DAD failed -> 134 and the whole BU is rejected */
		cp->stats.dad_conflicts++;
		CP_AUDIT( "binding refused %s hoa %s status 134 (duplicate address on the home "
		       "link)", m->id, ha_addr6_str(&m->hoa6, a, sizeof(a)));
		binding_delete(cp, m, "DAD failed", now_ms, false);
		p->d.status = WIRE_BA_DAD_FAILED;
		for (i = 0; i < p->n_acks; i++)
			p->acks[i] = (struct wire_v4ack){ WIRE_V4ACK_UNSPECIFIED, 0, 0 };
		send_ba(cp, &p->ctx, &p->d, p->acks, p->n_acks, m);
	} else {
		finish_register(cp, m, b, &p->ctx, &p->d, p->acks, p->n_acks, false, &none,
				now_ms);
	}
	free(p);
}

void
cp_dad_conflict(struct cp *cp, const struct in6_addr *hoa, uint64_t now_ms)
{
	struct cp_mn *m = cp_mndb_find6(cp->db, hoa);

	if (m != NULL && cp->binds[m->idx].state == CP_BIND_DAD)
		dad_done(cp, m->idx, true, now_ms);
}

static void
timer_fire(struct cp *cp, uint32_t idx, uint64_t now_ms)
{
	struct cp_mn *m = cp_mndb_get(cp->db, idx);
	struct cp_bind *b = &cp->binds[idx];
	char a[HA_ADDR_STRLEN];

	if (m == NULL)
		return;
	if (b->state == CP_BIND_ACTIVE && now_ms >= b->expires_ms) {
		cp->stats.expired++;
		binding_delete(cp, m, "expired", now_ms, false);
		return;
	}
	if (b->state == CP_BIND_ACTIVE && b->nat && !b->stale &&
	    now_ms >= b->keepalive_ms + 1000ull * (cp->cfg->policy.nat_refresh +
						    cp->cfg->policy.nat_grace)) {
		/* not deleted before its lifetime: only shown as stale */
		b->stale = true;
		cp->stats.stale_marked++;
		CP_AUDIT( "binding stale %s hoa %s: no NAT keepalive for %u s", m->id,
		       ha_addr6_str(&m->hoa6, a, sizeof(a)),
		       cp->cfg->policy.nat_refresh + cp->cfg->policy.nat_grace);
	}
	if (b->state == CP_BIND_HOLD && now_ms >= b->hold_until_ms) {
		b->state = CP_BIND_NONE;
		b->seq_valid = false;
	}
	timer_rearm(cp, idx);
}

void
cp_tick(struct cp *cp, uint64_t now_ms)
{
	uint64_t now_sec = now_ms / 1000;
	unsigned int i;

	for (i = 0; i < cp->n_dad;) {
		uint32_t idx = cp->dad[i];

		if (cp->binds[idx].pending != NULL &&
		    now_ms >= cp->binds[idx].pending->deadline_ms) {
			dad_done(cp, idx, false, now_ms);   /* removes entry i */
			continue;
		}
		i++;
	}
	if (cp->wheel_sec == 0)
		cp->wheel_sec = now_sec;
	while (cp->wheel_sec <= now_sec) {
		struct cp_slot *s = &cp->wheel[cp->wheel_sec % CP_WHEEL], run = *s;
		uint32_t k;

		/* take the slot's records: firing re-arms into fresh arrays */
		s->r = NULL;
		s->n = s->cap = 0;
		for (k = 0; k < run.n; k++) {
			struct cp_trec rec = run.r[k];
			struct cp_bind *b = &cp->binds[rec.mn];

			if (b->timer_ms == 0 || b->timer_ms / 1000 != rec.sec)
				continue;   /* cancelled or re-armed elsewhere */
			if (rec.sec > cp->wheel_sec) {
				uint64_t at = b->timer_ms;

				b->timer_ms = 0;   /* a later turn of the wheel: keep it */
				timer_set(cp, rec.mn, at);
				continue;
			}
			b->timer_ms = 0;
			timer_fire(cp, rec.mn, now_ms);
		}
		if (s->r == NULL) {
			s->r = run.r;           /* reuse the array */
			s->cap = run.cap;
		} else {
			free(run.r);
		}
		if (cp->wheel_sec == now_sec)
			break;
		cp->wheel_sec++;
	}
	if (cp->timers_lost) {
		uint32_t j;

		/* out of memory for a timer record once: look at every node */
		cp->timers_lost = false;
		for (j = 0; j < cp->capacity; j++)
			if (cp->binds[j].state == CP_BIND_ACTIVE ||
			    cp->binds[j].state == CP_BIND_HOLD)
				timer_fire(cp, j, now_ms);
	}
}

void
cp_nat_seen(struct cp *cp, uint32_t idx, uint64_t now_ms)
{
	struct cp_bind *b;

	if (idx >= cp->capacity)
		return;
	b = &cp->binds[idx];
	if (b->state != CP_BIND_ACTIVE)
		return;
	b->keepalive_ms = now_ms;
	b->stale = false;
	timer_rearm(cp, idx);
}

bool
cp_natd_heuristic(const struct cp_bind *b, uint32_t src4, uint16_t sport)
{
	return b == NULL || b->state != CP_BIND_ACTIVE || b->coa4 != src4 || b->port != sport;
}

void
cp_esp_natt(struct cp *cp, uint32_t idx, uint32_t src4, uint16_t sport, uint64_t now_ms)
{
	struct cp_mn *m = cp_mndb_get(cp->db, idx);
	struct cp_bind *b;
	char a[HA_ADDR_STRLEN], a4[HA_ADDR_STRLEN];

	if (m == NULL)
		return;
	b = &cp->binds[idx];
	if (b->state != CP_BIND_ACTIVE || !b->nat || b->coa4 != src4 || b->esp_port == sport)
		return;
	b->esp_port = sport;
	b->keepalive_ms = now_ms;
	b->stale = false;
	if (cp->ops.publish(cp->ops.bc_arg, m, b) != 0) {
		b->esp_port = 0;
		return;
	}
	CP_AUDIT("binding ESP mapping %s hoa %s: UDP 4500 from %s:%u", m->id,
		 ha_addr6_str(&m->hoa6, a, sizeof(a)), ha_addr4_str(src4, a4, sizeof(a4)), sport);
}

int
cp_binding_flush(struct cp *cp, uint32_t idx, uint64_t now_ms)
{
	struct cp_mn *m = cp_mndb_get(cp->db, idx);
	struct cp_bind *b;

	if (m == NULL)
		return -ENOENT;
	b = &cp->binds[idx];
	if (b->state != CP_BIND_ACTIVE && b->state != CP_BIND_DAD)
		return -ENOENT;
	binding_delete(cp, m, "flushed by the operator", now_ms, false);
	return 0;
}

int
cp_mn_add(struct cp *cp, const struct cfg_mn *c, uint32_t *idx)
{
	uint32_t i;
	int rc = cp_mndb_add(cp->db, c, &i);

	if (rc != 0)
		return rc;
	if (cp->ops.sa_attach != NULL) {
		rc = cp->ops.sa_attach(cp->ops.io_arg, cp_mndb_get(cp->db, i), c);
		if (rc != 0) {
			cp_mndb_del(cp->db, i);
			return rc;
		}
	}
	memset(&cp->binds[i], 0, sizeof(cp->binds[i]));
	if (idx != NULL)
		*idx = i;
	return 0;
}

int
cp_mn_del(struct cp *cp, uint32_t idx, uint64_t now_ms)
{
	if (cp_mndb_get(cp->db, idx) == NULL)
		return -ENOENT;
	cp_binding_flush(cp, idx, now_ms);
	timer_unlink(cp, idx);
	memset(&cp->binds[idx], 0, sizeof(cp->binds[idx]));
	if (cp->ops.sa_detach != NULL)
		cp->ops.sa_detach(cp->ops.io_arg, cp_mndb_get(cp->db, idx));
	return cp_mndb_del(cp->db, idx);
}

/* ------------------------------------------------------------------ lifecycle */

int
cp_config_swap(struct cp *cp, const struct ha_cfg *cfg)
{
	bool same_pool = cfg->ha.n_pools == cp->cfg->ha.n_pools &&
			 memcmp(cfg->ha.pools, cp->cfg->ha.pools,
				sizeof(cfg->ha.pools[0]) * cfg->ha.n_pools) == 0;
	struct cp_pool *np;
	uint32_t i;

	if (!same_pool) {
		np = cp_pool_from_cfg(cfg);
		if (np == NULL)
			return -ENOMEM;
		/* leases in force move to the new pool; one outside it stays with its node
		 * until the binding ends, and is not handed out again */
		for (i = 0; i < cp->capacity; i++) {
			struct cp_bind *b = &cp->binds[i];

			if ((b->state == CP_BIND_ACTIVE || b->state == CP_BIND_DAD) && b->has_hoa4 &&
			    b->hoa4_dynamic && cp_pool_claim(np, b->hoa4, b->hoa4_plen) != 0)
				b->hoa4_dynamic = false;
		}
		cp_pool_free(cp->pool);
		cp->pool = np;
	}
	cp->cfg = cfg;
	return 0;
}

int
cp_mn_republish(struct cp *cp, uint32_t idx)
{
	struct cp_mn *m = cp_mndb_get(cp->db, idx);

	if (m == NULL)
		return -ENOENT;
	if (cp->binds[idx].state != CP_BIND_ACTIVE)
		return 0;
	return cp->ops.publish(cp->ops.bc_arg, m, &cp->binds[idx]);
}

struct cp *
cp_create(const struct ha_cfg *cfg, const struct cp_ops *ops)
{
	unsigned int i;
	struct cp *cp;

	cp = calloc(1, sizeof(*cp));
	if (cp == NULL)
		return NULL;
	cp->cfg = cfg;
	cp->ops = *ops;
	cp->capacity = cfg->cap.bindings;
	cp->db = cp_mndb_create(cp->capacity);
	cp->binds = ha_big_calloc(cp->capacity, sizeof(*cp->binds));
	cp->dad = ha_big_calloc(cp->capacity, sizeof(uint32_t));
	cp->pool = cp_pool_from_cfg(cfg);
	if (cp->db == NULL || cp->binds == NULL || cp->dad == NULL || cp->pool == NULL ||
	    ops->publish == NULL || ops->remove == NULL || ops->tx == NULL) {
		CP_LOG(ERR, "control plane for %u mobile nodes: out of memory", cp->capacity);
		cp_free(cp);
		return NULL;
	}
	cp->be_tokens = 1000ull * cfg->policy.binding_error_rate;
	for (i = 0; i < cfg->n_mns; i++) {
		uint32_t k;

		/* a block of count nodes is added node by node, as the loader described them */
		for (k = 0; k < cfg->mns[i].count; k++) {
			struct cfg_mn one;
			int rc;

			cfg_mn_instance(&cfg->mns[i], k, &one);
			rc = cp_mn_add(cp, &one, NULL);
			if (rc != 0) {
				CP_LOG(ERR, "mobile node %s: %s", one.id, strerror(-rc));
				cp_free(cp);
				return NULL;
			}
		}
	}
	return cp;
}

void
cp_free(struct cp *cp)
{
	uint32_t i;

	if (cp == NULL)
		return;
	for (i = 0; cp->binds != NULL && i < cp->capacity; i++) {
		free(cp->binds[i].mnp);
		free(cp->binds[i].pending);
	}
	for (i = 0; i < CP_WHEEL; i++)
		free(cp->wheel[i].r);
	cp_pool_free(cp->pool);
	free(cp->dad);
	free(cp->binds);
	cp_mndb_free(cp->db);
	free(cp);
}

const struct ha_cfg *
cp_cfg(const struct cp *cp)
{
	return cp->cfg;
}

const struct cp_stats *
cp_stats(const struct cp *cp)
{
	return &cp->stats;
}

struct cp_mndb *
cp_mndb(struct cp *cp)
{
	return cp->db;
}

const struct cp_bind *
cp_bind_get(const struct cp *cp, uint32_t idx)
{
	return idx < cp->capacity ? &cp->binds[idx] : NULL;
}

const struct cp_pool *
cp_pool(const struct cp *cp)
{
	return cp->pool;
}

uint32_t
cp_bindings(const struct cp *cp)
{
	return cp->n_bindings;
}
