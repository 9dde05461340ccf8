/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbor resolution of the control plane (the only writer of the data plane's neighbor
 * table): ARP and Neighbor Discovery, a bounded hold queue, reachability probes, ageing.
 * Entries are found through a hash index (a punt per packet must not scan 4096 entries), and
 * at most NB_INCOMPLETE_MAX of them are unresolved at once: packets to random addresses on a
 * link must not turn the table into solicitations for addresses nobody has (RFC 6583 §7).
 */
#include <string.h>

#include <rte_mbuf.h>

#include "cp_io_internal.h"
#include "dp_adj.h"
#include "dp_neigh.h"
#include "wire_nd.h"
#include "wire_pkt.h"

/* ------------------------------------------------------------------ the index */

static uint32_t
nb_hash(uint8_t family, uint16_t port, const uint8_t *ip)
{
	uint64_t x, y = 0;

	memcpy(&x, ip, 8);
	if (family == 6)
		memcpy(&y, ip + 8, 8);
	else
		x &= 0xffffffffull;
	x ^= (y + ((uint64_t)port << 8 | family)) * 0x9e3779b97f4a7c15ull;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(x >> 32);
}

static bool
nb_is(const struct cp_nb *n, uint8_t family, uint16_t port, const uint8_t *ip)
{
	return n->family == family && n->port == port &&
	       memcmp(n->ip, ip, family == 4 ? 4 : 16) == 0;
}

/* The index slot holding the entry, or the empty slot where it would go. */
static uint32_t
nb_slot(const struct cp_nbt *t, uint8_t family, uint16_t port, const uint8_t *ip)
{
	uint32_t h = nb_hash(family, port, ip) & (NB_HASH - 1);

	while (t->index[h] != 0 && !nb_is(&t->nb[t->index[h] - 1], family, port, ip))
		h = (h + 1) & (NB_HASH - 1);
	return h;
}

static struct cp_nb *
nb_find(struct cp_io *io, uint8_t family, uint16_t port, const void *ip)
{
	struct cp_nbt *t = &io->nbt;
	uint32_t h = nb_slot(t, family, port, ip);

	return t->index[h] != 0 ? &t->nb[t->index[h] - 1] : NULL;
}

static struct cp_nb *
nb_new(struct cp_io *io, uint8_t family, uint16_t port, const void *ip)
{
	struct cp_nbt *t = &io->nbt;
	uint32_t h = nb_slot(t, family, port, ip);
	struct cp_nb *n;
	uint16_t e;

	if (t->n_free == 0)
		return NULL;
	e = t->free[--t->n_free];
	n = &t->nb[e];
	memset(n, 0, sizeof(*n));
	n->family = family;
	n->port = port;
	memcpy(n->ip, ip, family == 4 ? 4 : 16);
	t->index[h] = (uint16_t)(e + 1);
	t->n_used++;
	return n;
}

/* Take n out of the index (linear probing: later entries of its run move back). */
static void
nb_unindex(struct cp_nbt *t, struct cp_nb *n)
{
	uint32_t i = nb_slot(t, n->family, n->port, n->ip), j = i, k;

	t->index[i] = 0;
	for (;;) {
		j = (j + 1) & (NB_HASH - 1);
		if (t->index[j] == 0)
			return;
		k = nb_hash(t->nb[t->index[j] - 1].family, t->nb[t->index[j] - 1].port,
			    t->nb[t->index[j] - 1].ip) & (NB_HASH - 1);
		/* j's entry stays unless its home slot k lies cyclically outside (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->index[i] = t->index[j];
		t->index[j] = 0;
		i = j;
	}
}

static void
set_state(struct cp_nbt *t, struct cp_nb *n, uint8_t state)
{
	t->n_incomplete += (state == NB_INCOMPLETE) - (n->state == NB_INCOMPLETE);
	n->state = state;
}

/* ------------------------------------------------------------------ resolution */

/* Ask for the MAC of n: ARP request, or NS to the solicited-node address. */
static void
nb_solicit(struct cp_io *io, struct cp_nb *n, bool unicast)
{
	const struct dp_port_info *pi = &io->ctx->port[n->port];

	if (n->family == 4) {
		uint32_t tpa;

		memcpy(&tpa, n->ip, 4);
		cp_io_send_arp(io, n->port, WIRE_ARP_REQUEST, pi->has4 ? pi->ip4 : io->ctx->ha4,
			       tpa, unicast ? n->mac : NULL);
	} else {
		struct wire_nd ns = { .type = WIRE_ND_NS, .has_lla = true };
		struct in6_addr dst;

		memcpy(&ns.target, n->ip, 16);
		memcpy(ns.lla, pi->mac, 6);
		if (unicast)
			dst = ns.target;
		else
			wire_nd_solicited_node(&ns.target, &dst);
		cp_io_send_nd(io, n->port, pi->has6 ? &pi->ip6 : &pi->ll6, &dst, &ns,
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
		io->nbt.held_total--;
		io->stats.neigh_unresolved++;
	}
}

static void
nb_forget(struct cp_io *io, struct cp_nb *n)
{
	struct cp_nbt *t = &io->nbt;
	uint32_t ip4;

	nb_drop_held(io, n);
	if (n->state == NB_REACHABLE || n->state == NB_PROBE || n->state == NB_STATIC) {
		if (n->family == 4) {
			memcpy(&ip4, n->ip, 4);
			dp_neigh_del4(io->ctx->neigh, n->port, ip4);
		} else {
			dp_neigh_del6(io->ctx->neigh, n->port, (const struct in6_addr *)n->ip);
		}
		/* the bindings stacked on it route per packet (and resolve it again) */
		dp_adj_neigh(io->ctx->adjt, n->family, n->port, n->ip, NULL);
	}
	nb_unindex(t, n);
	set_state(t, n, NB_FREE);
	t->free[t->n_free++] = (uint16_t)(n - t->nb);
	t->n_used--;
}

static void
send_held(struct cp_io *io, struct cp_nb *n)
{
	while (n->n_held > 0) {
		struct rte_mbuf *m = n->held[--n->n_held];

		io->nbt.held_total--;
		if (cp_io_push_l2(m, io->ctx->port[n->port].mac, n->mac, n->family == 4 ?
				  WIRE_ETHERTYPE_IPV4 : WIRE_ETHERTYPE_IPV6) != 0) {
			rte_pktmbuf_free(m);
			continue;
		}
		cp_io_send_frame(io, m, n->port);
	}
}

void
cp_nb_learn(struct cp_io *io, uint8_t family, uint16_t port, const void *ip, const uint8_t *mac,
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
		if (rc != 0) {
			if (n->state == NB_FREE)
				nb_forget(io, n);   /* created for nothing */
			return;
		}
		/* back-walk: every binding stacked on this next hop follows, at once */
		dp_adj_neigh(io->ctx->adjt, family, port, ip, mac);
		io->stats.neigh_learned++;
	}
	memcpy(n->mac, mac, 6);
	set_state(&io->nbt, n, NB_REACHABLE);
	n->tries = 0;
	n->due_ms = io->now_ms + NB_REACHABLE_MS;
	send_held(io, n);
}

void
cp_nb_hold(struct cp_io *io, struct rte_mbuf *m, const struct dp_punt *meta)
{
	struct cp_nbt *t = &io->nbt;
	struct cp_nb *n = nb_find(io, meta->family, meta->port, meta->nh);

	if (n != NULL && (n->state == NB_REACHABLE || n->state == NB_STATIC)) {
		/* resolved meanwhile (the workers raced the table update) */
		if (cp_io_push_l2(m, io->ctx->port[meta->port].mac, n->mac, meta->family == 4 ?
				  WIRE_ETHERTYPE_IPV4 : WIRE_ETHERTYPE_IPV6) == 0)
			cp_io_send_frame(io, m, meta->port);
		else
			rte_pktmbuf_free(m);
		return;
	}
	if (n == NULL) {
		if (t->n_incomplete >= NB_INCOMPLETE_MAX) {
			/* RFC 6583 §7.1: no more unresolved neighbors; known ones still work */
			io->stats.neigh_incomplete_full++;
			rte_pktmbuf_free(m);
			return;
		}
		n = nb_new(io, meta->family, meta->port, meta->nh);
		if (n != NULL) {
			set_state(t, n, NB_INCOMPLETE);
			nb_solicit(io, n, false);
		}
	}
	if (n == NULL || n->n_held >= NB_HOLD || t->held_total >= NB_HOLD_TOTAL) {
		io->stats.held_dropped++;
		rte_pktmbuf_free(m);
		return;
	}
	n->held[n->n_held++] = m;
	t->held_total++;
	io->stats.held++;
}

void
cp_nb_timers(struct cp_io *io)
{
	struct cp_nbt *t = &io->nbt;
	uint32_t i;

	for (i = 0; i < NB_MAX; i++) {
		struct cp_nb *n = &t->nb[i];

		if (n->state == NB_FREE || n->state == NB_STATIC || io->now_ms < n->due_ms)
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
	io->stats.neigh_entries = t->n_used;
	io->stats.neigh_incomplete = t->n_incomplete;
}

void
cp_nb_static(struct cp_io *io, const struct ha_cfg *cfg)
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
		cp_nb_learn(io, fam, r->port, ip, r->mac, true);
		n = nb_find(io, fam, r->port, ip);
		if (n != NULL)
			set_state(&io->nbt, n, NB_STATIC);
	}
}

void
cp_nb_init(struct cp_io *io)
{
	struct cp_nbt *t = &io->nbt;
	uint32_t i;

	memset(t->index, 0, sizeof(t->index));
	for (i = 0; i < NB_MAX; i++)
		t->free[i] = (uint16_t)(NB_MAX - 1 - i);
	t->n_free = NB_MAX;
}

void
cp_nb_fini(struct cp_io *io)
{
	uint32_t i;

	for (i = 0; i < NB_MAX; i++)
		nb_drop_held(io, &io->nbt.nb[i]);
}
