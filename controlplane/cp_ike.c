/* SPDX-License-Identifier: BSD-3-Clause */
/* The mirror of charon's XFRM database into the data plane's SAs (see cp_ike.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/xfrm.h>

#include "cp_ike.h"

/* An SA this mirror installed, known as XFRM knows it: SPI and destination (an outbound
 * SPI is the node's choice: two nodes may pick the same one). */
struct ike_sa {
	struct cfg_sa sa;             /* spi, dir, role (keys are not kept) */
	struct in6_addr dst;
	uint32_t mn;
	uint32_t handle;
	bool used;
	bool current;
	uint64_t kept_since_ms;       /* deleted by charon, still current (0: not) */
};

/* A policy's reqid and the node its selector names (IN and OUT share a reqid). */
struct ike_pol {
	uint32_t reqid;
	uint32_t mn;
	uint32_t refs;
};

struct cp_ike {
	struct cp_ike_ops ops;
	struct ike_sa *sas;
	uint32_t cap;
	/* SPI -> sas index + 1 (0: empty), open addressing with linear probing: a rekey of
	 * one of a million nodes' SAs costs a probe, not a scan */
	uint32_t *by_spi;
	uint32_t mask;
	uint32_t *free;               /* unused sas entries (a stack) */
	uint32_t n_free;
	uint32_t *by_handle;          /* the backend's handle (< cap) -> sas index + 1 */
	struct ike_pol *pols;
	uint32_t n_pols, cap_pols;
	struct cp_xfrm_sa pending[CP_IKE_PENDING_MAX];
	uint32_t n_pending;
	uint32_t kept[CP_IKE_KEPT_MAX];   /* sas indexes of deleted, still current outbound SAs */
	uint32_t n_kept;
	uint64_t now_ms;
	struct cp_ike_stats st;
};

struct cp_ike *
cp_ike_create(const struct cp_ike_ops *ops, uint32_t capacity)
{
	struct cp_ike *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return NULL;
	uint32_t size = 16, i;

	k->ops = *ops;
	k->cap = capacity;
	while (size < 2 * capacity)
		size <<= 1;
	k->mask = size - 1;
	k->sas = calloc(capacity, sizeof(*k->sas));
	k->by_spi = calloc(size, sizeof(*k->by_spi));
	k->free = calloc(capacity, sizeof(*k->free));
	k->by_handle = calloc(capacity, sizeof(*k->by_handle));
	if (k->sas == NULL || k->by_spi == NULL || k->free == NULL || k->by_handle == NULL) {
		cp_ike_free(k);
		return NULL;
	}
	for (i = capacity; i > 0; i--)
		k->free[k->n_free++] = i - 1;
	return k;
}

void
cp_ike_free(struct cp_ike *k)
{
	if (k == NULL)
		return;
	free(k->sas);
	free(k->by_spi);
	free(k->free);
	free(k->by_handle);
	free(k->pols);
	free(k);
}

/* ------------------------------------------------------------------ tables */

static uint32_t
spi_home(const struct cp_ike *k, uint32_t spi, const struct in6_addr *dst)
{
	uint32_t h = spi, w;
	unsigned int i;

	for (i = 0; i < 16; i += 4) {
		memcpy(&w, &dst->s6_addr[i], 4);
		h = (h ^ w) * UINT32_C(2654435761);
	}
	return (h ^ (h >> 16)) & k->mask;
}

/* Where (spi, dst) is in by_spi, or where it would go (an empty bucket). */
static uint32_t
spi_pos(const struct cp_ike *k, uint32_t spi, const struct in6_addr *dst)
{
	uint32_t i = spi_home(k, spi, dst);

	while (k->by_spi[i] != 0) {
		const struct ike_sa *s = &k->sas[k->by_spi[i] - 1];

		if (s->sa.spi == spi && memcmp(&s->dst, dst, 16) == 0)
			break;
		i = (i + 1) & k->mask;
	}
	return i;
}

static struct ike_sa *
sa_find(const struct cp_ike *k, uint32_t spi, const struct in6_addr *dst)
{
	uint32_t i = spi_pos(k, spi, dst);

	return k->by_spi[i] != 0 ? &k->sas[k->by_spi[i] - 1] : NULL;
}

/* An SA by SPI alone (telemetry, tests): the first found. */
static const struct ike_sa *
sa_find_spi(const struct cp_ike *k, uint32_t spi)
{
	uint32_t i;

	for (i = 0; i < k->cap; i++)
		if (k->sas[i].used && k->sas[i].sa.spi == spi)
			return &k->sas[i];
	return NULL;
}

/* s is no longer a deleted SA waiting for its add (it came, or s goes). */
static void
unkeep(struct cp_ike *k, struct ike_sa *s)
{
	uint32_t n;

	if (s->kept_since_ms == 0)
		return;
	s->kept_since_ms = 0;
	for (n = 0; n < k->n_kept; n++)
		if (k->kept[n] == (uint32_t)(s - k->sas)) {
			k->kept[n] = k->kept[--k->n_kept];
			return;
		}
}

/* Take entry s out of by_spi and back to the free stack (backward-shift deletion: the
 * entries after it that probed past it move up, no tombstones). */
static void
sa_release(struct cp_ike *k, struct ike_sa *s)
{
	uint32_t i = spi_pos(k, s->sa.spi, &s->dst), j = i;

	unkeep(k, s);
	s->used = false;
	k->free[k->n_free++] = (uint32_t)(s - k->sas);
	if (s->handle < k->cap && k->by_handle[s->handle] == (uint32_t)(s - k->sas) + 1)
		k->by_handle[s->handle] = 0;
	if (k->by_spi[i] == 0)
		return;
	k->by_spi[i] = 0;
	for (;;) {
		uint32_t home;

		j = (j + 1) & k->mask;
		if (k->by_spi[j] == 0)
			return;
		home = spi_home(k, k->sas[k->by_spi[j] - 1].sa.spi, &k->sas[k->by_spi[j] - 1].dst);
		/* the entry at j may move to i if its home is not in (i, j] (cyclically) */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			k->by_spi[i] = k->by_spi[j];
			k->by_spi[j] = 0;
			i = j;
		}
	}
}

static struct ike_sa *
sa_handle(struct cp_ike *k, uint32_t mn, uint32_t handle)
{
	uint32_t i;

	if (handle < k->cap) {
		i = k->by_handle[handle];
		return i != 0 && k->sas[i - 1].used && k->sas[i - 1].mn == mn ? &k->sas[i - 1] :
									     NULL;
	}
	for (i = 0; i < k->cap; i++)
		if (k->sas[i].used && k->sas[i].mn == mn && k->sas[i].handle == handle)
			return &k->sas[i];
	return NULL;
}

static struct ike_pol *
pol_find(const struct cp_ike *k, uint32_t reqid)
{
	uint32_t i;

	for (i = 0; i < k->n_pols; i++)
		if (k->pols[i].reqid == reqid)
			return &k->pols[i];
	return NULL;
}

int
cp_ike_sa_state(const struct cp_ike *k, uint32_t spi)
{
	const struct ike_sa *s = sa_find_spi(k, spi);
	uint32_t i;

	if (s != NULL)
		return s->current ? 1 : 2;
	for (i = 0; i < k->n_pending; i++)
		if (k->pending[i].sa.spi == spi)
			return 3;
	return 0;
}

void
cp_ike_node_gone(struct cp_ike *k, uint32_t mn)
{
	uint32_t i;

	for (i = 0; i < k->cap; i++)
		if (k->sas[i].used && k->sas[i].mn == mn)
			sa_release(k, &k->sas[i]);
	for (i = 0; i < k->n_pols;)
		if (k->pols[i].mn == mn)
			k->pols[i] = k->pols[--k->n_pols];
		else
			i++;
}

static void sa_remove(struct cp_ike *k, struct ike_sa *s);

void
cp_ike_tick(struct cp_ike *k, uint64_t now_ms)
{
	uint32_t i = 0;

	k->now_ms = now_ms;
	while (i < k->n_kept) {
		struct ike_sa *s = &k->sas[k->kept[i]];

		if (now_ms - s->kept_since_ms < CP_IKE_KEEP_MS) {
			i++;
			continue;
		}
		k->st.kept_expired++;
		sa_remove(k, s);   /* takes it out of kept[] (the last one moves to i) */
	}
}

void
cp_ike_stats_get(const struct cp_ike *k, struct cp_ike_stats *st)
{
	*st = k->st;
	st->pending = k->n_pending;
}

/* ------------------------------------------------------------------ SAs */

static void
sa_remove(struct cp_ike *k, struct ike_sa *s)
{
	k->ops.remove(k->ops.arg, s->mn, s->handle, &s->sa);
	sa_release(k, s);
	k->st.removed++;
}

/* Install x for node mn; what it replaces: inbound kept until charon deletes it, outbound
 * removed now (no packet can take it any more). */
static void
install(struct cp_ike *k, uint32_t mn, const struct cfg_sa *sa, const struct in6_addr *dst)
{
	struct ike_sa *slot, *old;
	uint32_t handle, prev = CP_IKE_NONE, idx;

	if (k->n_free == 0 || k->ops.install(k->ops.arg, mn, sa, &handle, &prev) != 0) {
		k->st.refused++;
		return;
	}
	idx = k->free[--k->n_free];
	slot = &k->sas[idx];
	*slot = (struct ike_sa){ .sa = { .spi = sa->spi, .dir = sa->dir, .role = sa->role },
				 .dst = *dst, .mn = mn, .handle = handle, .used = true,
				 .current = true };
	k->by_spi[spi_pos(k, sa->spi, dst)] = idx + 1;
	if (handle < k->cap)
		k->by_handle[handle] = idx + 1;
	k->st.installed++;
	if (prev == CP_IKE_NONE)
		return;
	k->st.rekeyed++;
	old = sa_handle(k, mn, prev);
	if (old == NULL)
		return;   /* not ours (the config's SA of that role): the caller replaced it */
	old->current = false;
	if (old->sa.dir == CFG_SA_OUT)
		sa_remove(k, old);
}

/* The node a policy's reqid names, or CP_IKE_NONE. */
static uint32_t
node_of_reqid(const struct cp_ike *k, uint32_t reqid)
{
	const struct ike_pol *p = reqid != 0 ? pol_find(k, reqid) : NULL;

	return p != NULL ? p->mn : CP_IKE_NONE;
}

/* @return true when done with x (installed, refused, or nobody's), false: wait. */
static bool
sa_new(struct cp_ike *k, const struct cp_xfrm_sa *x)
{
	struct cfg_sa sa = x->sa;
	bool in = k->ops.is_ha(k->ops.arg, &x->dst.a);
	struct ike_sa *same = sa_find(k, sa.spi, &x->dst.a);
	uint32_t mn;

	if (same != NULL) {
		/* an update (addresses: MOBIKE; lifetimes; a delete + add with the same
		 * destination): nothing to change, and no longer deleted */
		unkeep(k, same);
		return true;
	}
	sa.dir = in ? CFG_SA_IN : CFG_SA_OUT;
	sa.ike_lifetime_s = (uint32_t)(x->add_hard_s > UINT32_MAX ? UINT32_MAX : x->add_hard_s);
	sa.role = x->tunnel ? CFG_SA_PAYLOAD : CFG_SA_SIGNALLING;
	sa.seq_start = 0;
	mn = CP_IKE_NONE;
	if (!x->tunnel)   /* R4877 §4.3: between the home address and the home agent */
		mn = k->ops.node_of(k->ops.arg, in ? &x->src.a : &x->dst.a);
	if (mn == CP_IKE_NONE)
		mn = node_of_reqid(k, x->reqid);
	if (mn == CP_IKE_NONE)
		return false;
	install(k, mn, &sa, &x->dst.a);
	return true;
}

static void
pending_add(struct cp_ike *k, const struct cp_xfrm_sa *x)
{
	uint32_t i;

	for (i = 0; i < k->n_pending; i++)
		if (k->pending[i].sa.spi == x->sa.spi) {
			k->pending[i] = *x;   /* the newer description */
			return;
		}
	if (k->n_pending == CP_IKE_PENDING_MAX) {
		/* the oldest goes: an SA whose policy never came belongs to no node here */
		memmove(&k->pending[0], &k->pending[1], sizeof(k->pending[0]) * (k->n_pending - 1));
		k->n_pending--;
		k->st.pending_dropped++;
		k->st.unknown_node++;
	}
	k->pending[k->n_pending++] = *x;
}

static void
pending_del(struct cp_ike *k, uint32_t spi)
{
	uint32_t i;

	for (i = 0; i < k->n_pending; i++)
		if (k->pending[i].sa.spi == spi) {
			memset(&k->pending[i].sa.key, 0, sizeof(k->pending[i].sa.key));
			memmove(&k->pending[i], &k->pending[i + 1],
				sizeof(k->pending[0]) * (k->n_pending - i - 1));
			k->n_pending--;
			return;
		}
}

/* A policy came: the SAs that waited for its reqid. */
static void
pending_retry(struct cp_ike *k)
{
	uint32_t i = 0;

	while (i < k->n_pending) {
		struct cp_xfrm_sa x = k->pending[i];

		if (sa_new(k, &x)) {
			pending_del(k, x.sa.spi);
			continue;
		}
		i++;
	}
}

static void
sa_gone(struct cp_ike *k, uint32_t spi, const struct in6_addr *dst)
{
	struct ike_sa *s = sa_find(k, spi, dst);

	pending_del(k, spi);
	if (s == NULL)
		return;
	if (s->current && s->sa.dir == CFG_SA_OUT && s->kept_since_ms == 0) {
		/* the node's only outbound SA: kept (its key is good; charon moves an SA to
		 * new addresses by delete + add) until one replaces it, never a moment when
		 * the node's traffic would leave unprotected; no add within CP_IKE_KEEP_MS:
		 * it was a real deletion (cp_ike_tick) */
		if (k->n_kept == CP_IKE_KEPT_MAX) {
			k->st.kept_expired++;
			sa_remove(k, &k->sas[k->kept[0]]);
		}
		s->kept_since_ms = k->now_ms != 0 ? k->now_ms : 1;
		k->kept[k->n_kept++] = (uint32_t)(s - k->sas);
		k->st.kept++;
		return;
	}
	sa_remove(k, s);
}

/* ------------------------------------------------------------------ policies */

static void
pol_new(struct cp_ike *k, const struct cp_xfrm_pol *p)
{
	const struct cp_xfrm_addr *home;
	uint8_t len, full;
	struct ike_pol *e;
	uint32_t mn;

	if (p->reqid == 0 || (p->dir != XFRM_POLICY_IN && p->dir != XFRM_POLICY_OUT))
		return;
	/* the node's side of the selector: the source of what comes in, the destination of
	 * what goes out; a home address (a mobile network prefix names its router through
	 * the router's own home address policy) */
	home = p->dir == XFRM_POLICY_IN ? &p->sel.src : &p->sel.dst;
	len = p->dir == XFRM_POLICY_IN ? p->sel.src_len : p->sel.dst_len;
	full = home->family == AF_INET ? 32 : 128;
	mn = len == full ? k->ops.node_of(k->ops.arg, &home->a) : CP_IKE_NONE;
	if (mn == CP_IKE_NONE)
		return;
	e = pol_find(k, p->reqid);
	if (e == NULL) {
		if (k->n_pols == k->cap_pols) {
			uint32_t cap = k->cap_pols != 0 ? 2 * k->cap_pols : 64;
			struct ike_pol *n = realloc(k->pols, sizeof(*n) * cap);

			if (n == NULL)
				return;
			k->pols = n;
			k->cap_pols = cap;
		}
		e = &k->pols[k->n_pols++];
		*e = (struct ike_pol){ .reqid = p->reqid, .mn = mn };
	}
	e->mn = mn;
	e->refs++;
	pending_retry(k);
}

static void
pol_del(struct cp_ike *k, const struct cp_xfrm_pol *p)
{
	struct ike_pol *e = p->reqid != 0 ? pol_find(k, p->reqid) : NULL;

	if (e == NULL || (p->dir != XFRM_POLICY_IN && p->dir != XFRM_POLICY_OUT))
		return;
	if (--e->refs == 0)
		*e = k->pols[--k->n_pols];
}

/* ------------------------------------------------------------------ events */

void
cp_ike_event(struct cp_ike *k, const struct cp_xfrm_event *ev)
{
	uint32_t i;

	k->st.events++;
	switch (ev->kind) {
	case CP_XFRM_SA_NEW:
	case CP_XFRM_SA_UPDATE:
		if (!sa_new(k, &ev->sa))
			pending_add(k, &ev->sa);
		break;
	case CP_XFRM_SA_DEL:
		sa_gone(k, ev->sa.sa.spi, &ev->sa.dst.a);
		break;
	case CP_XFRM_SA_EXPIRE:
		if (ev->sa.hard) {
			/* the kernel removes it now; charon has rekeyed it or lets it go */
			k->st.hard_expiries++;
			sa_gone(k, ev->sa.sa.spi, &ev->sa.dst.a);
		} else {
			k->st.soft_expiries++;
		}
		break;
	case CP_XFRM_POL_NEW:
		pol_new(k, &ev->pol);
		break;
	case CP_XFRM_POL_DEL:
		pol_del(k, &ev->pol);
		break;
	case CP_XFRM_FLUSH_SA:
		k->st.flushes++;
		for (i = 0; i < k->cap; i++)
			if (k->sas[i].used)
				sa_remove(k, &k->sas[i]);
		memset(k->pending, 0, sizeof(k->pending));
		k->n_pending = 0;
		break;
	case CP_XFRM_FLUSH_POL:
		k->n_pols = 0;   /* installed SAs stay: they are the kernel's until deleted */
		break;
	default:
		break;
	}
}
