/* SPDX-License-Identifier: BSD-3-Clause */
/* The mirror of charon's XFRM database into the data plane's SAs (see cp_ike.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/xfrm.h>

#include "cp_ike.h"

/* An SA this mirror installed. */
struct ike_sa {
	struct cfg_sa sa;             /* spi, dir, role (keys are not kept) */
	uint32_t mn;
	uint32_t handle;
	bool used;
	bool current;
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
	struct ike_pol *pols;
	uint32_t n_pols, cap_pols;
	struct cp_xfrm_sa pending[CP_IKE_PENDING_MAX];
	uint32_t n_pending;
	struct cp_ike_stats st;
};

struct cp_ike *
cp_ike_create(const struct cp_ike_ops *ops, uint32_t capacity)
{
	struct cp_ike *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return NULL;
	k->ops = *ops;
	k->cap = capacity;
	k->sas = calloc(capacity, sizeof(*k->sas));
	if (k->sas == NULL) {
		free(k);
		return NULL;
	}
	return k;
}

void
cp_ike_free(struct cp_ike *k)
{
	if (k == NULL)
		return;
	free(k->sas);
	free(k->pols);
	free(k);
}

/* ------------------------------------------------------------------ tables */

static struct ike_sa *
sa_find(const struct cp_ike *k, uint32_t spi)
{
	uint32_t i;

	for (i = 0; i < k->cap; i++)
		if (k->sas[i].used && k->sas[i].sa.spi == spi)
			return &k->sas[i];
	return NULL;
}

static struct ike_sa *
sa_handle(struct cp_ike *k, uint32_t mn, uint32_t handle)
{
	uint32_t i;

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
	const struct ike_sa *s = sa_find(k, spi);
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
			k->sas[i].used = false;
	for (i = 0; i < k->n_pols;)
		if (k->pols[i].mn == mn)
			k->pols[i] = k->pols[--k->n_pols];
		else
			i++;
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
	s->used = false;
	k->st.removed++;
}

/* Install x for node mn; what it replaces: inbound kept until charon deletes it, outbound
 * removed now (no packet can take it any more). */
static void
install(struct cp_ike *k, uint32_t mn, const struct cfg_sa *sa)
{
	struct ike_sa *slot = NULL, *old;
	uint32_t i, handle, prev = CP_IKE_NONE;

	for (i = 0; i < k->cap && slot == NULL; i++)
		if (!k->sas[i].used)
			slot = &k->sas[i];
	if (slot == NULL || k->ops.install(k->ops.arg, mn, sa, &handle, &prev) != 0) {
		k->st.refused++;
		return;
	}
	*slot = (struct ike_sa){ .sa = { .spi = sa->spi, .dir = sa->dir, .role = sa->role },
				 .mn = mn, .handle = handle, .used = true, .current = true };
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
	uint32_t mn;

	if (sa_find(k, sa.spi) != NULL)
		return true;   /* an update (addresses: MOBIKE; lifetimes): nothing to change */
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
	install(k, mn, &sa);
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
sa_gone(struct cp_ike *k, uint32_t spi)
{
	struct ike_sa *s = sa_find(k, spi);

	pending_del(k, spi);
	if (s != NULL)
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
		sa_gone(k, ev->sa.sa.spi);
		break;
	case CP_XFRM_SA_EXPIRE:
		if (ev->sa.hard) {
			/* the kernel removes it now; charon has rekeyed it or lets it go */
			k->st.hard_expiries++;
			sa_gone(k, ev->sa.sa.spi);
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
