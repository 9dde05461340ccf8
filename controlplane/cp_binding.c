/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The binding lifecycle: register (new, refresh, move), deregister, delete, DAD, NAT
 * freshness, operator flush. An update is staged: what it needs that the binding does not
 * hold yet (mobile network prefixes, a pool address, a delegated prefix) is acquired first,
 * then the new binding is published, and only then is what it no longer needs let go. When
 * any step fails the acquisitions are undone and the binding stays exactly as it was
 * (RFC 6275 §9.5.1: a refused update changes nothing). CP lcore only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bc_entry.h"
#include "cp_internal.h"
#include "ha_addr.h"
#include "ha_log.h"

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

/* ------------------------------------------------------------------ prefixes */

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

/* Add the prefixes of want missing from have, recording them in added; all or none
 * (R3963 §6.2). */
static int
prefixes_add(struct cp *cp, const struct cp_mn *m, const struct cp_mn_prefixes *want,
	     const struct cp_mn_prefixes *have, struct cp_mn_prefixes *added)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < want->n6 && rc == 0; i++) {
		if (has6(have, &want->p6[i]) || cp->ops.prefix6_add == NULL)
			continue;
		rc = cp->ops.prefix6_add(cp->ops.bc_arg, m, &want->p6[i]);
		if (rc == 0)
			added->p6[added->n6++] = want->p6[i];
	}
	for (i = 0; i < want->n4 && rc == 0; i++) {
		if (has4(have, &want->p4[i]) || cp->ops.prefix4_add == NULL)
			continue;
		rc = cp->ops.prefix4_add(cp->ops.bc_arg, m, &want->p4[i]);
		if (rc == 0)
			added->p4[added->n4++] = want->p4[i];
	}
	if (rc != 0) {
		prefixes_del(cp, m, added, NULL);
		added->n6 = added->n4 = 0;
	}
	return rc;
}

/* ------------------------------------------------------------------ IPv4 leases */

static void
v4pfx_release(struct cp *cp, const struct cp_mn *m, uint32_t addr, uint8_t len, bool pooled)
{
	struct ha_prefix4 p = { addr, len };

	if (cp->ops.prefix4_del != NULL)
		cp->ops.prefix4_del(cp->ops.bc_arg, m, &p);
	if (pooled)
		cp_pool_release(cp->pool, addr, len);
}

/* Let go of what b holds: prefixes, its IPv4 home address lease, its delegated prefix. */
static void
release_all(struct cp *cp, const struct cp_mn *m, struct cp_bind *b)
{
	prefixes_del(cp, m, b->mnp, NULL);
	free(b->mnp);
	b->mnp = NULL;
	if (b->has_hoa4 && b->hoa4_dynamic)
		cp_pool_release(cp->pool, b->hoa4, 32);
	b->has_hoa4 = false;
	b->hoa4_dynamic = false;
	if (b->has_v4pfx)
		v4pfx_release(cp, m, b->v4pfx, b->v4pfx_len, b->v4pfx_dynamic);
	b->has_v4pfx = false;
	b->v4pfx_dynamic = false;
}

/* What an update acquired, so that a refusal can give it back. */
struct change {
	struct cp_mn_prefixes added;  /* mobile network prefixes newly set up */
	struct cp_mn_prefixes *want;  /* the binding's new prefix set (owned until commit) */
	bool new_addr;                /* a pool address newly allocated: nb->hoa4 */
	bool new_pfx;                 /* a delegated prefix newly allocated: nb->v4pfx */
};

static void
change_undo(struct cp *cp, const struct cp_mn *m, const struct cp_bind *nb, struct change *ch)
{
	prefixes_del(cp, m, &ch->added, NULL);
	free(ch->want);
	ch->want = NULL;
	if (ch->new_addr)
		cp_pool_release(cp->pool, nb->hoa4, 32);
	if (ch->new_pfx)
		v4pfx_release(cp, m, nb->v4pfx, nb->v4pfx_len, true);
}

/* The update is in: let go of what the old binding held and the new one does not. */
static void
change_commit(struct cp *cp, const struct cp_mn *m, struct cp_bind *b, struct cp_bind *nb,
	      struct change *ch)
{
	prefixes_del(cp, m, b->mnp, ch->want);
	free(b->mnp);
	nb->mnp = ch->want;
	ch->want = NULL;
	if (b->has_hoa4 && b->hoa4_dynamic &&
	    !(nb->has_hoa4 && nb->hoa4_dynamic && nb->hoa4 == b->hoa4))
		cp_pool_release(cp->pool, b->hoa4, 32);
	if (b->has_v4pfx && !(nb->has_v4pfx && nb->v4pfx == b->v4pfx &&
			      nb->v4pfx_len == b->v4pfx_len))
		v4pfx_release(cp, m, b->v4pfx, b->v4pfx_len, b->v4pfx_dynamic);
	*b = *nb;
	cp_mark(cp, m->idx);
}

/* Carry out the IPv4 plans into nb, acquiring new leases (recorded in ch); fills the acks.
 * What the BU no longer asks for is dropped from nb (released at commit, R5555 §4.4.2.1). */
static uint8_t
stage_v4(struct cp *cp, const struct cp_bu_decision *d, struct cp_bind *nb,
	 const struct cp_mn *m, struct wire_v4ack *acks, struct change *ch)
{
	bool keep_addr = false, keep_pfx = false;
	unsigned int i;

	for (i = 0; i < d->n_v4; i++) {
		const struct cp_v4_plan *v = &d->v4[i];
		struct wire_v4ack *k = &acks[i];
		struct ha_prefix4 p;
		uint32_t a;

		*k = (struct wire_v4ack){ WIRE_V4ACK_SUCCESS, v->plen, v->addr };
		switch (v->action) {
		case CP_V4_STATIC:
			nb->has_hoa4 = true;
			nb->hoa4_dynamic = false;
			nb->hoa4 = v->addr;
			nb->hoa4_plen = 32;
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
			nb->has_hoa4 = true;
			nb->hoa4_dynamic = true;
			nb->hoa4 = a;
			nb->hoa4_plen = 32;
			ch->new_addr = true;
			k->addr = a;
			keep_addr = true;
			break;
		case CP_V4_ALLOC_PREFIX:
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
			nb->has_v4pfx = true;
			nb->v4pfx_dynamic = true;
			nb->v4pfx = a;
			nb->v4pfx_len = v->plen;
			ch->new_pfx = true;
			k->addr = a;
			keep_pfx = true;
			break;
		default:
			*k = (struct wire_v4ack){ v->status, 0, 0 };
			break;
		}
	}
	if (!keep_addr) {
		nb->has_hoa4 = false;
		nb->hoa4_dynamic = false;
	}
	if (!keep_pfx)
		nb->has_v4pfx = false;
	return d->n_v4;
}

/* ------------------------------------------------------------------ delete */

void
cp_binding_delete(struct cp *cp, struct cp_mn *m, const char *why, uint64_t now_ms, bool hold)
{
	struct cp_bind *b = &cp->binds[m->idx];
	char a[HA_ADDR_STRLEN], c[64];

	if (b->state == CP_BIND_ACTIVE) {
		cp->ops.remove(cp->ops.bc_arg, m);
		cp->n_bindings--;
		CP_AUDIT("binding deleted %s hoa %s coa %s (%s)", m->id,
			 ha_addr6_str(&m->hoa6, a, sizeof(a)), coa_str(b, c, sizeof(c)), why);
	}
	release_all(cp, m, b);
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
	cp_timer_rearm(cp, m->idx);
	cp_mark(cp, m->idx);
}

/* ------------------------------------------------------------------ register */

/* The binding is published (or was refused with 130) and the BA sent. b is already the
 * new binding, holding its resources: a failure here only happens to a new one (after
 * DAD), which is deleted. */
static void
finish_new(struct cp *cp, struct cp_mn *m, struct cp_bind *b, const struct cp_rx_ctx *ctx,
	   struct cp_bu_decision *d, struct wire_v4ack *acks, uint8_t n_acks, uint64_t now_ms)
{
	char a[HA_ADDR_STRLEN], c1[64];

	if (cp->ops.publish(cp->ops.bc_arg, m, b) != 0) {
		CP_AUDIT("binding refused %s hoa %s status 130 (binding cache full)", m->id,
			 ha_addr6_str(&m->hoa6, a, sizeof(a)));
		cp_binding_delete(cp, m, "tables full", now_ms, false);
		d->status = WIRE_BA_NO_RESOURCES;
		cp_send_ba(cp, ctx, d, acks, cp_reject_acks(n_acks, acks), m);
		return;
	}
	b->state = CP_BIND_ACTIVE;
	cp->n_bindings++;
	cp->stats.registered++;
	cp_mark(cp, m->idx);
	CP_AUDIT("binding created %s hoa %s coa %s lifetime %u s", m->id,
		 ha_addr6_str(&m->hoa6, a, sizeof(a)), coa_str(b, c1, sizeof(c1)),
		 b->lifetime * 4u);
	if (cp->ops.announce != NULL)
		cp->ops.announce(cp->ops.io_arg, m, b);
	cp_timer_rearm(cp, m->idx);
	/* the binding is visible to the workers before the BA leaves */
	cp_send_ba(cp, ctx, d, acks, n_acks, m);
}

/* Hold the registration until DAD ends (C.6); a newer BU meanwhile replaces the waiting
 * one; other mobile nodes' BUs are not held up. @return false without memory for it. */
static bool
wait_dad(struct cp *cp, struct cp_mn *m, struct cp_bind *b, const struct wire_mh *bu,
	 const struct cp_rx_ctx *ctx, const struct cp_bu_decision *d,
	 const struct wire_v4ack *acks, uint8_t n_acks, uint64_t now_ms)
{
	struct cp_pending *p = b->pending != NULL ? b->pending : malloc(sizeof(*p));

	if (p == NULL)
		return false;
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
	memcpy(p->acks, acks, sizeof(p->acks[0]) * n_acks);
	p->n_acks = n_acks;
	b->pending = p;
	b->state = CP_BIND_DAD;
	cp_timer_unlink(cp, m->idx);
	return true;
}

void
cp_apply_register(struct cp *cp, struct cp_mn *m, const struct wire_mh *bu,
		  const struct cp_rx_ctx *ctx, struct cp_bu_decision *d, uint64_t now_ms)
{
	struct cp_bind *b = &cp->binds[m->idx], nb = *b;
	bool was_active = b->state == CP_BIND_ACTIVE;
	struct wire_v4ack acks[WIRE_MH_MAX_V4HOA];
	struct change ch = { 0 };
	char a[HA_ADDR_STRLEN], c1[64], c2[64];
	uint8_t n_acks;

	/* 1. prefixes first: all or none, and nothing else changes when they fail */
	if (d->mr) {
		ch.want = malloc(sizeof(*ch.want));
		if (ch.want == NULL || prefixes_add(cp, m, &d->mnp, b->mnp, &ch.added) != 0) {
			free(ch.want);
			d->verdict = CP_REJECT;
			/* R3963 §6.2: explicit -> 141, implicit -> 143 */
			d->status = d->explicit_mnp ? WIRE_BA_INVALID_PREFIX :
				    WIRE_BA_FWD_SETUP_FAILED;
			CP_AUDIT("binding refused %s hoa %s status %u (prefix forwarding setup "
				 "failed)", m->id, ha_addr6_str(&m->hoa6, a, sizeof(a)), d->status);
			cp_send_ba(cp, ctx, d, acks, cp_reject_acks(bu->opts.n_v4hoa, acks), m);
			return;
		}
		*ch.want = d->mnp;
	}
	/* 2. the new binding, with its IPv4 leases */
	n_acks = stage_v4(cp, d, &nb, m, acks, &ch);
	nb.fmt = d->fmt;
	nb.nat = d->nat;
	nb.forced_udp = d->forced_udp;
	nb.tlv = d->tlv;
	nb.mr = d->mr;
	/* the UDP 4500 mapping belongs to the NAT address it was seen through */
	if (!was_active || !d->nat || b->coa4 != d->coa4)
		nb.esp_port = 0;
	nb.coa4 = d->coa4;
	nb.coa6 = d->coa6;
	nb.port = d->port;
	nb.lifetime = d->lifetime;
	nb.last_seq = bu->bu.seq;
	nb.seq_valid = true;
	nb.last_bu_ms = now_ms;
	nb.keepalive_ms = now_ms;
	nb.stale = false;
	nb.expires_ms = now_ms + 4000ull * d->lifetime;
	if (!was_active && b->state != CP_BIND_DAD)
		nb.created_ms = now_ms;

	if (d->dad || b->state == CP_BIND_DAD) {
		/* 3a. a new home address: the BA waits for DAD; the binding holds its
		 * resources meanwhile (no other node may take them) */
		change_commit(cp, m, b, &nb, &ch);
		if (wait_dad(cp, m, b, bu, ctx, d, acks, n_acks, now_ms))
			return;
		/* no memory for the wait: register without DAD rather than fail */
		finish_new(cp, m, b, ctx, d, acks, n_acks, now_ms);
		return;
	}
	/* 3b. publish; a refusal (tables full) gives back what was acquired and leaves the
	 * binding as it was */
	if (cp->ops.publish(cp->ops.bc_arg, m, &nb) != 0) {
		CP_AUDIT("binding refused %s hoa %s seq %u status 130 (binding cache full)", m->id,
			 ha_addr6_str(&m->hoa6, a, sizeof(a)), bu->bu.seq);
		change_undo(cp, m, &nb, &ch);
		d->status = WIRE_BA_NO_RESOURCES;
		cp_send_ba(cp, ctx, d, acks, cp_reject_acks(n_acks, acks), m);
		return;
	}
	nb.state = CP_BIND_ACTIVE;
	if (!was_active) {
		change_commit(cp, m, b, &nb, &ch);
		cp->n_bindings++;
		cp->stats.registered++;
		CP_AUDIT("binding created %s hoa %s coa %s lifetime %u s", m->id,
			 ha_addr6_str(&m->hoa6, a, sizeof(a)), coa_str(b, c1, sizeof(c1)),
			 b->lifetime * 4u);
		if (cp->ops.announce != NULL)
			cp->ops.announce(cp->ops.io_arg, m, b);
	} else if (b->fmt != nb.fmt || b->coa4 != nb.coa4 || b->port != nb.port ||
		   memcmp(&b->coa6, &nb.coa6, 16) != 0) {
		cp->stats.moved++;
		CP_AUDIT("binding moved %s hoa %s %s -> %s", m->id,
			 ha_addr6_str(&m->hoa6, a, sizeof(a)), coa_str(b, c1, sizeof(c1)),
			 coa_str(&nb, c2, sizeof(c2)));
		change_commit(cp, m, b, &nb, &ch);
	} else {
		cp->stats.refreshed++;
		change_commit(cp, m, b, &nb, &ch);
	}
	cp_timer_rearm(cp, m->idx);
	/* the binding is visible to the workers before the BA leaves */
	cp_send_ba(cp, ctx, d, acks, n_acks, m);
}

void
cp_apply_deregister(struct cp *cp, struct cp_mn *m, const struct cp_rx_ctx *ctx,
		    struct cp_bu_decision *d, uint16_t seq, uint64_t now_ms)
{
	struct cp_bind *b = &cp->binds[m->idx];
	struct wire_v4ack acks[WIRE_MH_MAX_V4HOA];
	unsigned int i;

	for (i = 0; i < d->n_v4; i++)
		acks[i] = (struct wire_v4ack){ WIRE_V4ACK_SUCCESS, d->v4[i].plen, d->v4[i].addr };
	cp_binding_delete(cp, m, "deregistration", now_ms, true);
	b->last_seq = seq;
	b->seq_valid = true;
	cp_mark(cp, m->idx);
	cp->stats.deregistered++;
	cp_send_ba(cp, ctx, d, acks, d->n_v4, m);
}

/* ------------------------------------------------------------------ restore */

int
cp_binding_restore(struct cp *cp, uint32_t idx, const struct cp_bind *saved, uint64_t now_ms)
{
	struct cp_mn *m = cp_mndb_get(cp->db, idx);
	struct cp_bind *b, nb;
	struct change ch = { 0 };
	struct ha_prefix4 p;
	char a[HA_ADDR_STRLEN], c1[64];
	int rc;

	if (m == NULL)
		return -ENOENT;
	b = &cp->binds[idx];
	if (b->state != CP_BIND_NONE)
		return -EBUSY;
	nb = *saved;
	nb.mnp = NULL;
	nb.pending = NULL;
	nb.timer_ms = 0;
	if (saved->state == CP_BIND_HOLD && saved->hold_until_ms > now_ms) {
		/* a deregistration's sequence number, kept for its last seconds */
		nb.has_hoa4 = nb.has_v4pfx = false;
		*b = nb;
		cp_timer_rearm(cp, idx);
		return 0;
	}
	if (saved->state != CP_BIND_ACTIVE || saved->expires_ms <= now_ms)
		return 0;   /* nothing live to put back (a DAD wait is the node's to repeat) */
	/* the leases: a pool address or prefix must be free in the pool; one outside it
	 * (a pool changed since) is kept outside, as cp_config_swap keeps it */
	if (nb.has_hoa4 && nb.hoa4_dynamic) {
		rc = cp_pool_claim(cp->pool, nb.hoa4, 32);
		if (rc == -EBUSY)
			return -EEXIST;
		nb.hoa4_dynamic = rc == 0;
		ch.new_addr = rc == 0;
	}
	if (nb.has_v4pfx && nb.v4pfx_dynamic) {
		rc = cp_pool_claim(cp->pool, nb.v4pfx, nb.v4pfx_len);
		if (rc == -EBUSY) {
			rc = -EEXIST;
			goto undo;
		}
		nb.v4pfx_dynamic = rc == 0;
	}
	if (nb.has_v4pfx) {
		p = (struct ha_prefix4){ nb.v4pfx, nb.v4pfx_len };
		rc = cp->ops.prefix4_add != NULL ? cp->ops.prefix4_add(cp->ops.bc_arg, m, &p) : 0;
		if (rc != 0) {
			if (nb.v4pfx_dynamic)
				cp_pool_release(cp->pool, nb.v4pfx, nb.v4pfx_len);
			goto undo;
		}
		ch.new_pfx = true;
		/* change_undo gives a new prefix back to the pool: only a pooled one */
		if (!nb.v4pfx_dynamic) {
			ch.new_pfx = false;
			ch.added.p4[ch.added.n4++] = p;
		}
	}
	if (saved->mnp != NULL) {
		ch.want = malloc(sizeof(*ch.want));
		rc = ch.want == NULL ? -ENOMEM : prefixes_add(cp, m, saved->mnp, NULL, &ch.added);
		if (rc != 0)
			goto undo;
		*ch.want = *saved->mnp;
	}
	rc = cp->ops.publish(cp->ops.bc_arg, m, &nb);
	if (rc != 0)
		goto undo;
	nb.state = CP_BIND_ACTIVE;
	nb.mnp = ch.want;
	*b = nb;
	cp->n_bindings++;
	CP_AUDIT("binding restored %s hoa %s coa %s, %u s left", m->id,
		 ha_addr6_str(&m->hoa6, a, sizeof(a)), coa_str(b, c1, sizeof(c1)),
		 (unsigned int)((b->expires_ms - now_ms) / 1000));
	if (cp->ops.announce != NULL)
		cp->ops.announce(cp->ops.io_arg, m, b);
	cp_timer_rearm(cp, idx);
	return 0;
undo:
	change_undo(cp, m, &nb, &ch);
	return rc == -EEXIST ? -EEXIST : rc < 0 ? rc : -ENOSPC;
}

/* ------------------------------------------------------------------ DAD */

void
cp_dad_done(struct cp *cp, uint32_t idx, bool conflict, uint64_t now_ms)
{
	struct cp_mn *m = cp_mndb_get(cp->db, idx);
	struct cp_bind *b = &cp->binds[idx];
	struct cp_pending *p = b->pending;
	char a[HA_ADDR_STRLEN];
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
		CP_AUDIT("binding refused %s hoa %s status 134 (duplicate address on the home "
			 "link)", m->id, ha_addr6_str(&m->hoa6, a, sizeof(a)));
		cp_binding_delete(cp, m, "DAD failed", now_ms, false);
		p->d.status = WIRE_BA_DAD_FAILED;
		cp_send_ba(cp, &p->ctx, &p->d, p->acks, cp_reject_acks(p->n_acks, p->acks), m);
	} else {
		finish_new(cp, m, b, &p->ctx, &p->d, p->acks, p->n_acks, now_ms);
	}
	free(p);
}

void
cp_dad_conflict(struct cp *cp, const struct in6_addr *hoa, uint64_t now_ms)
{
	struct cp_mn *m = cp_mndb_find6(cp->db, hoa);

	if (m != NULL && cp->binds[m->idx].state == CP_BIND_DAD)
		cp_dad_done(cp, m->idx, true, now_ms);
}

/* ------------------------------------------------------------------ NAT freshness */

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
	cp_timer_rearm(cp, idx);
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
	struct cp_bind *b, nb;
	char a[HA_ADDR_STRLEN], a4[HA_ADDR_STRLEN];

	if (m == NULL)
		return;
	b = &cp->binds[idx];
	if (b->state != CP_BIND_ACTIVE || !b->nat || b->coa4 != src4 || b->esp_port == sport)
		return;
	nb = *b;
	nb.esp_port = sport;
	if (cp->ops.publish(cp->ops.bc_arg, m, &nb) != 0)
		return;   /* the binding stays as it was; the next packet reports again */
	b->esp_port = sport;
	b->keepalive_ms = now_ms;
	b->stale = false;
	cp_timer_rearm(cp, idx);
	cp_mark(cp, idx);
	CP_AUDIT("binding ESP mapping %s hoa %s: UDP 4500 from %s:%u", m->id,
		 ha_addr6_str(&m->hoa6, a, sizeof(a)), ha_addr4_str(src4, a4, sizeof(a4)), sport);
}

/* ------------------------------------------------------------------ operator */

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
	cp_binding_delete(cp, m, "flushed by the operator", now_ms, false);
	return 0;
}

int
cp_binding_drop(struct cp *cp, uint32_t idx, const char *why, uint64_t now_ms)
{
	struct cp_mn *m = cp_mndb_get(cp->db, idx);

	if (m == NULL)
		return -ENOENT;
	if (cp->binds[idx].state == CP_BIND_NONE)
		return 0;
	cp_binding_delete(cp, m, why, now_ms, false);
	return 0;
}

uint32_t
cp_announce_all(struct cp *cp)
{
	uint32_t i, n = 0;

	if (cp->ops.announce == NULL)
		return 0;
	for (i = 0; i < cp->capacity; i++) {
		struct cp_mn *m = cp_mndb_get(cp->db, i);

		if (m != NULL && cp->binds[i].state == CP_BIND_ACTIVE) {
			cp->ops.announce(cp->ops.io_arg, m, &cp->binds[i]);
			n++;
		}
	}
	return n;
}

void
cp_bindings_fresh(struct cp *cp, uint64_t now_ms)
{
	uint32_t i;

	for (i = 0; i < cp->capacity; i++)
		if (cp->binds[i].state == CP_BIND_ACTIVE) {
			cp->binds[i].keepalive_ms = now_ms;
			cp->binds[i].stale = false;
		}
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
