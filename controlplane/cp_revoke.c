/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signalling the home agent starts itself: Binding Revocation (RFC 5846) and Home Agent
 * Switch (RFC 5142). Both go where the binding's Binding Acknowledgements go (the care-of
 * address through a type 2 routing header, or IPv4/UDP 4191 to the care-of address and
 * port as seen) and through the node's outbound signalling SA when it has one. A BRI is
 * retransmitted until a BRA, a Binding Error "unknown MH type" or the last retry; a node
 * deleted by mn-del with policy.revocation keeps its record (not its binding) until then, so the
 * retransmissions still have its SA. CP lcore only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bc_entry.h"
#include "cp_internal.h"
#include "ha_addr.h"
#include "ha_log.h"

#define BRI_FIRST_WAIT_MS 1000        /* the first retransmission; each next doubles */
#define BRI_PER_TICK 256              /* transmissions per control loop pass, at most */

void
cp_binding_carriage(const struct cp *cp, const struct cp_mn *m, const struct cp_bind *b,
		    struct wire_mh_carriage *c)
{
	memset(c, 0, sizeof(*c));
	c->src6 = cp->cfg->ha.addr6;
	c->hop_limit = 64;
	if (b->fmt == BC_FMT_IP6) {
		c->dst6 = b->coa6;
		c->rh2 = true;
		c->hoa = m->hoa6;
	} else {
		/* R5555 §4.2: an IPv4 care-of address gets its signalling over UDP */
		c->udp4 = true;
		c->src4 = cp->cfg->ha.addr4;
		c->dst4 = b->coa4;
		c->sport = 4191;
		c->dport = b->port != 0 ? b->port : 4191;
		c->dst6 = m->hoa6;
	}
}

static int
send_to(struct cp *cp, const struct cp_mn *m, const struct wire_mh_carriage *c,
	const uint8_t *pkt, int len)
{
	struct cp_tx_meta meta = {
		.ipv4 = c->udp4,
		.mn = m->idx,
		.spi_out = m->spi_sig_out,
		.payload_off = wire_carriage_hlen(c),
	};

	if (len < 0 || cp->ops.tx(cp->ops.io_arg, pkt, (uint16_t)len, &meta) != 0) {
		cp->stats.tx_errors++;
		return -EIO;
	}
	return 0;
}

static struct cp_rev *
rev_find(const struct cp *cp, uint32_t idx)
{
	return cp->rev_of != NULL && cp->rev_of[idx] != 0 ? &cp->revs[cp->rev_of[idx] - 1] : NULL;
}

/* End node idx's revocation; delete the node if mn-del asked for it. */
static void
rev_end(struct cp *cp, uint32_t idx, const char *why, uint64_t now_ms)
{
	struct cp_rev *r = rev_find(cp, idx);
	struct cp_mn *m = cp_mndb_get(cp->db, idx);
	uint32_t pos;
	bool del;

	if (r == NULL)
		return;
	del = r->delete_node;
	pos = cp->rev_of[idx] - 1;
	cp->rev_of[idx] = 0;
	if (pos != --cp->n_revs) {
		cp->revs[pos] = cp->revs[cp->n_revs];
		cp->rev_of[cp->revs[pos].mn] = pos + 1;
	}
	if (m == NULL)
		return;
	CP_AUDIT("binding revocation of %s ended: %s", m->id, why);
	if (del) {
		char id[CFG_NAME_MAX];

		snprintf(id, sizeof(id), "%s", m->id);
		cp_mn_del(cp, idx, now_ms);
		CP_AUDIT("mobile node %s removed (after its binding revocation)", id);
	}
}

void
cp_revoke_cancel(struct cp *cp, uint32_t idx)
{
	struct cp_rev *r = rev_find(cp, idx);

	if (r != NULL) {
		r->delete_node = false;   /* the caller deletes it, or it registered again */
		rev_end(cp, idx, "cancelled", 0);
	}
}

bool
cp_revoking(const struct cp *cp, uint32_t idx)
{
	const struct cp_rev *r = rev_find(cp, idx);

	return r != NULL && r->delete_node;
}

int
cp_revoke(struct cp *cp, uint32_t idx, bool delete_node, uint64_t now_ms)
{
	struct cp_mn *m = cp_mndb_get(cp->db, idx);
	struct cp_bind *b;
	struct cp_rev *r;

	if (m == NULL)
		return -ENOENT;
	b = &cp->binds[idx];
	if (b->state != CP_BIND_ACTIVE)
		return -ENOENT;
	if (cp->rev_of == NULL)
		return -ENOMEM;
	r = rev_find(cp, idx);
	if (r == NULL) {
		if (cp->n_revs == cp->cap_revs) {
			uint32_t cap = cp->cap_revs != 0 ? 2 * cp->cap_revs : 64;
			struct cp_rev *n = realloc(cp->revs, sizeof(*n) * cap);

			if (n == NULL)
				return -ENOMEM;
			cp->revs = n;
			cp->cap_revs = cap;
		}
		r = &cp->revs[cp->n_revs++];
		cp->rev_of[idx] = cp->n_revs;
	}
	memset(r, 0, sizeof(*r));
	r->mn = idx;
	r->seq = ++cp->br_seq;
	r->delete_node = delete_node;
	r->next_ms = now_ms;                   /* the first goes on this pass's tick */
	cp_binding_carriage(cp, m, b, &r->c);
	if (now_ms < cp->rev_next_ms || cp->rev_next_ms == 0)
		cp->rev_next_ms = now_ms;
	cp->stats.revoked++;
	/* the binding goes now (kept seq: an old BU replayed later is still refused) */
	cp_binding_delete(cp, m, "revoked by the operator", now_ms, true);
	return 0;
}

static void
bri_send(struct cp *cp, struct cp_rev *r, uint64_t now_ms)
{
	const struct cp_mn *m = cp_mndb_get(cp->db, r->mn);
	struct wire_bri_args a = { .trigger = WIRE_BR_TRIGGER_ADMIN, .seq = r->seq };
	uint8_t pkt[CP_PKT_MAX];

	if (m == NULL)
		return;
	if (send_to(cp, m, &r->c, pkt, wire_bri_pkt_build(pkt, sizeof(pkt), &r->c, &a)) == 0) {
		if (r->tries == 0)
			cp->stats.bri_tx++;
		else
			cp->stats.bri_retx++;
	}
	r->next_ms = now_ms + ((uint64_t)BRI_FIRST_WAIT_MS << r->tries);
	r->tries++;
}

void
cp_revoke_tick(struct cp *cp, uint64_t now_ms)
{
	unsigned int budget = BRI_PER_TICK;
	uint64_t next = 0;
	uint32_t i;

	if (cp->n_revs == 0 || now_ms < cp->rev_next_ms)
		return;
	for (i = 0; i < cp->n_revs;) {
		struct cp_rev *r = &cp->revs[i];
		uint32_t idx = r->mn;

		if (now_ms >= r->next_ms && budget > 0) {
			if (cp->binds[idx].state == CP_BIND_ACTIVE && !r->delete_node) {
				/* it registered again: a BRI now would revoke the new binding */
				rev_end(cp, idx, "registered again", now_ms);
				continue;
			}
			if (r->tries > cp->cfg->policy.revocation_retries) {
				cp->stats.bri_unanswered++;
				rev_end(cp, idx, "no acknowledgement", now_ms);
				continue;   /* position i holds another one now */
			}
			bri_send(cp, r, now_ms);
			budget--;
		}
		if (next == 0 || r->next_ms < next)
			next = r->next_ms;
		i++;
	}
	cp->rev_next_ms = budget == 0 ? now_ms : next;
}

/* R5846 §8.2 (mobile node's BRA): matched by the node and the sequence number. */
void
cp_rx_br(struct cp *cp, const struct wire_mh *m, const struct cp_rx_ctx *ctx, uint64_t now_ms)
{
	const struct cp_mn *mn = cp_mndb_find6(cp->db, cp_bu_hoa(ctx));
	const struct cp_rev *r = mn != NULL ? rev_find(cp, mn->idx) : NULL;
	char msg[64];

	if (m->br.type != WIRE_BR_ACK || r == NULL || r->seq != m->br.seq || r->tries == 0 ||
	    (cp->cfg->policy.require_ipsec && !ctx->protected_)) {
		cp->stats.discards[CP_DISCARD_NOT_BU]++;
		return;
	}
	cp->stats.bra_rx++;
	snprintf(msg, sizeof(msg), "acknowledged, status %u", m->br.code);
	rev_end(cp, mn->idx, msg, now_ms);
}

/* A Binding Error "unknown MH type" from a node we revoke: it does not implement RFC 5846. */
void
cp_rx_be(struct cp *cp, const struct wire_mh *m, const struct cp_rx_ctx *ctx, uint64_t now_ms)
{
	const struct cp_mn *mn = cp_mndb_find6(cp->db, &m->be.hoa);

	if (mn == NULL)
		mn = cp_mndb_find6(cp->db, cp_bu_hoa(ctx));
	if (m->be.status != WIRE_BE_UNKNOWN_MH_TYPE || mn == NULL || rev_find(cp, mn->idx) == NULL ||
	    (cp->cfg->policy.require_ipsec && !ctx->protected_)) {
		cp->stats.discards[CP_DISCARD_NOT_BU]++;
		return;
	}
	cp->stats.bri_refused++;
	rev_end(cp, mn->idx, "the node does not implement Binding Revocation", now_ms);
}

int
cp_ha_switch(struct cp *cp, uint32_t idx, const struct in6_addr *ha, unsigned int n)
{
	const struct cp_mn *m = cp_mndb_get(cp->db, idx);
	struct wire_mh_carriage c;
	uint8_t pkt[CP_PKT_MAX];

	if (m == NULL || cp->binds[idx].state != CP_BIND_ACTIVE)
		return -ENOENT;
	cp_binding_carriage(cp, m, &cp->binds[idx], &c);
	if (send_to(cp, m, &c, pkt, wire_has_pkt_build(pkt, sizeof(pkt), &c, ha, n)) != 0)
		return -EIO;
	cp->stats.has_tx++;
	return 0;
}

void
cp_revoke_free(struct cp *cp)
{
	free(cp->revs);
	cp->revs = NULL;
	cp->n_revs = cp->cap_revs = 0;
}
