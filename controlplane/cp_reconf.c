/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reconfiguration of a running control plane (a reload), all or nothing:
 *   1. plan: the running nodes are compared with the new file by id. A node the old file
 *      had and the new one has not is removed; one the new file describes differently (or a
 *      run-time node whose id the file now takes) is replaced; one the file has and is not
 *      running (new, or removed at run time) is added. Run-time nodes the file does not
 *      name stay.
 *   2. check: the nodes there would be afterwards must be consistent among themselves (ids,
 *      home addresses, static IPv4 home addresses, inbound SPIs, prefixes, capacities, the
 *      new pool): otherwise the reload is refused and nothing changes.
 *   3. apply, keeping what is removed (its description and its binding); if an addition
 *      still fails (memory, SA creation), everything is undone: the nodes come back with
 *      their bindings, and the old configuration stays in force.
 * Pure C (no EAL), CP writer only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_internal.h"
#include "cp_reconf.h"
#include "ha_addr.h"
#include "ha_log.h"

/* ------------------------------------------------------------------ nodes of a file by id */

struct ref {
	uint32_t entry;               /* index in cfg->mns; UINT32_MAX: empty */
	uint32_t k;                   /* node k of that block */
};

struct file_index {
	const struct ha_cfg *cfg;
	struct ref *t;
	uint64_t mask;
};

static uint64_t
id_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

static int
index_build(struct file_index *x, const struct ha_cfg *cfg)
{
	uint64_t n = cfg_mn_total(cfg), size = 16, i;
	uint32_t e, k;

	while (size < 2 * n)
		size <<= 1;
	x->cfg = cfg;
	x->t = malloc(sizeof(x->t[0]) * size);
	if (x->t == NULL)
		return -ENOMEM;
	x->mask = size - 1;
	for (i = 0; i < size; i++)
		x->t[i].entry = UINT32_MAX;
	for (e = 0; e < cfg->n_mns; e++) {
		for (k = 0; k < cfg->mns[e].count; k++) {
			struct cfg_mn one;

			cfg_mn_instance(&cfg->mns[e], k, &one);
			for (i = id_hash(one.id) & x->mask; x->t[i].entry != UINT32_MAX;
			     i = (i + 1) & x->mask)
				;
			x->t[i] = (struct ref){ .entry = e, .k = k };
		}
	}
	return 0;
}

/* The node of that id in the file, into out; false when the file has none. */
static bool
index_find(const struct file_index *x, const char *id, struct cfg_mn *out)
{
	uint64_t i;

	for (i = id_hash(id) & x->mask; x->t[i].entry != UINT32_MAX; i = (i + 1) & x->mask) {
		cfg_mn_instance(&x->cfg->mns[x->t[i].entry], x->t[i].k, out);
		if (strcmp(out->id, id) == 0)
			return true;
	}
	return false;
}

/* Same node, as far as the control plane is concerned (source lines aside). */
static bool
mn_equal(const struct cfg_mn *a, const struct cfg_mn *b)
{
	struct cfg_mn x = *a, y = *b;
	unsigned int i;

	x.line = y.line = 0;
	x.count = y.count = 1;
	for (i = 0; i < CFG_MN_MAX_SAS; i++) {
		x.sas[i].line = y.sas[i].line = 0;
		/* where a restart resumed an SA is not a change of it */
		x.sas[i].seq_start = y.sas[i].seq_start = 0;
	}
	return memcmp(&x, &y, sizeof(x)) == 0;
}

/* ------------------------------------------------------------------ the plan */

/* A node that goes (kept for an undo): its description and its binding. */
struct gone {
	uint32_t slot;
	struct ref old;               /* from the old file, or ... */
	struct cfg_mn *rt;            /* ... as it ran (owned): added at run time, or ... */
	bool rt_file;                 /* ... a file node whose SAs dsmip-ctl changed */
	struct cp_bind bind;          /* mnp owned (deep copy) */
	bool changed;                 /* replaced by the file's new version */
};

struct plan {
	struct gone *gone;
	uint32_t n_gone;
	struct ref *add;              /* nodes of the new file to add */
	uint32_t n_add;
	uint32_t *added;              /* their slots, as added */
	uint32_t n_added;
	uint64_t unchanged;
};

static void
plan_free(struct plan *p)
{
	uint32_t i;

	for (i = 0; p->gone != NULL && i < p->n_gone; i++) {
		free(p->gone[i].rt);
		free(p->gone[i].bind.mnp);
	}
	free(p->gone);
	free(p->add);
	free(p->added);
}

/* A run-time node's description of itself, or the old file's, of the running node m. */
static bool
running_cfg(const struct cp *cp, const struct file_index *old, const struct cp_mn *m,
	    struct cfg_mn *out)
{
	if (cp->rt[m->idx] != NULL) {
		*out = *cp->rt[m->idx];
		return true;
	}
	return index_find(old, m->id, out);
}

static int
plan_make(struct cp *cp, const struct file_index *old, const struct file_index *nw,
	  struct plan *p)
{
	uint64_t n_new = cfg_mn_total(nw->cfg);
	uint32_t i, e, k;

	p->gone = calloc(cp->capacity, sizeof(p->gone[0]));
	p->add = malloc(sizeof(p->add[0]) * (n_new + 1));
	p->added = malloc(sizeof(p->added[0]) * (n_new + 1));
	if (p->gone == NULL || p->add == NULL || p->added == NULL)
		return -ENOMEM;
	/* running nodes: kept, gone, or replaced */
	for (i = 0; i < cp->capacity; i++) {
		struct cp_mn *m = cp_mndb_get(cp->db, i);
		struct cfg_mn want, was;
		bool in_new;

		if (m == NULL)
			continue;
		in_new = index_find(nw, m->id, &want);
		if (!in_new && cp->rt[i] != NULL && !cp->rt_file[i])
			continue;                       /* a run-time node the file leaves alone */
		if (in_new && running_cfg(cp, old, m, &was) && mn_equal(&want, &was)) {
			p->unchanged++;                 /* untouched: its binding keeps forwarding */
			continue;
		}
		p->gone[p->n_gone].slot = i;
		p->gone[p->n_gone++].changed = in_new;
	}
	/* nodes of the new file not running as it says */
	for (e = 0; e < nw->cfg->n_mns; e++) {
		for (k = 0; k < nw->cfg->mns[e].count; k++) {
			struct cfg_mn one, was;
			struct cp_mn *m;

			cfg_mn_instance(&nw->cfg->mns[e], k, &one);
			m = cp_mndb_find_id(cp->db, one.id);
			if (m != NULL && running_cfg(cp, old, m, &was) && mn_equal(&one, &was))
				continue;
			p->add[p->n_add++] = (struct ref){ .entry = e, .k = k };
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ the check */

static int __attribute__((format(printf, 3, 4)))
refuse(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* An inbound SPI, a prefix, with the slot (in the checker's db) of its node. */
struct spi_own {
	uint32_t spi;
	uint32_t slot;
};

struct pfx_own {
	struct ha_prefix6 p;          /* IPv4 prefixes as ::ffff:a.b.c.d/(96 + len) */
	uint32_t slot;
};

/* by SPI, then by slot: the node that stays (indexed first) before the file's new one */
static int
spi_cmp(const void *a, const void *b)
{
	const struct spi_own *x = a, *y = b;

	if (x->spi != y->spi)
		return x->spi < y->spi ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int
pfx_cmp(const void *a, const void *b)
{
	const struct pfx_own *x = a, *y = b;
	int c = memcmp(&x->p.addr, &y->p.addr, 16);

	return c != 0 ? c : x->p.len - y->p.len;
}

struct checker {
	struct cp_mndb *db;           /* the nodes there would be: ids, addresses */
	struct spi_own *spis;
	struct pfx_own *pfx;          /* grows: only mobile routers have prefixes */
	uint32_t n_spis;
	uint32_t n_pfx;
	uint32_t cap_pfx;
	uint64_t n_sas;
};

static void
checker_free(struct checker *c)
{
	cp_mndb_free(c->db);
	free(c->spis);
	free(c->pfx);
}

static const char *
id_of(const struct checker *c, uint32_t slot)
{
	return cp_mndb_get(c->db, slot)->id;
}

static int
pfx_add(struct checker *c, const struct ha_prefix6 *p, uint32_t slot)
{
	if (c->n_pfx == c->cap_pfx) {
		uint32_t cap = c->cap_pfx != 0 ? 2 * c->cap_pfx : 64;
		struct pfx_own *n = realloc(c->pfx, sizeof(*n) * cap);

		if (n == NULL)
			return -ENOMEM;
		c->pfx = n;
		c->cap_pfx = cap;
	}
	c->pfx[c->n_pfx++] = (struct pfx_own){ .p = *p, .slot = slot };
	return 0;
}

/* One node of the result: indexed, its SPIs and prefixes collected. */
static int
check_one(struct checker *c, const struct cfg_mn *n, char *err, size_t len)
{
	char a[HA_ADDR_STRLEN];
	struct cp_mn *o;
	uint32_t slot;
	unsigned int i;
	int rc = cp_mndb_add(c->db, n, &slot);

	if (rc == -EEXIST) {
		if (cp_mndb_find_id(c->db, n->id) != NULL)
			return refuse(err, len, "mobile node %s named twice", n->id);
		o = cp_mndb_find6(c->db, &n->hoa6);
		if (o != NULL)
			return refuse(err, len, "mobile node %s: home address %s is also %s's",
				      n->id, ha_addr6_str(&n->hoa6, a, sizeof(a)), o->id);
		o = cp_mndb_find4(c->db, n->hoa4);
		return refuse(err, len, "mobile node %s: IPv4 home address %s is also %s's",
			      n->id, ha_addr4_str(n->hoa4, a, sizeof(a)), o != NULL ? o->id : "?");
	}
	if (rc != 0)
		return refuse(err, len, "mobile node %s: %s", n->id, rc == -ENOSPC ?
			      "more mobile nodes than capacity.bindings" : strerror(-rc));
	c->n_sas += n->n_sas;
	for (i = 0; i < n->n_sas; i++)
		if (n->sas[i].dir == CFG_SA_IN)
			c->spis[c->n_spis++] = (struct spi_own){ n->sas[i].spi, slot };
	for (i = 0; i < n->n_prefixes6 && rc == 0; i++)
		rc = pfx_add(c, &n->prefixes6[i], slot);
	for (i = 0; i < n->n_prefixes4 && rc == 0; i++) {
		struct ha_prefix6 p = { .len = (uint8_t)(96 + n->prefixes4[i].len) };

		p.addr.s6_addr[10] = p.addr.s6_addr[11] = 0xff;
		memcpy(&p.addr.s6_addr[12], &n->prefixes4[i].addr, 4);
		rc = pfx_add(c, &p, slot);
	}
	return rc == 0 ? 0 : refuse(err, len, "out of memory");
}

/* A node added at run time must still fit the new configuration's home prefixes and pool. */
static int
check_rt(const struct ha_cfg *nc, const struct cfg_mn *n, char *err, size_t len)
{
	char a[HA_ADDR_STRLEN];
	bool home = nc->ha.n_prefixes6 == 0;
	unsigned int i;

	for (i = 0; i < nc->ha.n_prefixes6; i++)
		home |= ha_prefix6_contains(&nc->ha.prefixes6[i], &n->hoa6);
	if (!home)
		return refuse(err, len, "run-time mobile node %s: its home address %s is outside "
			      "the new home_agent.home_prefixes", n->id,
			      ha_addr6_str(&n->hoa6, a, sizeof(a)));

	if ((n->hoa4_mode == CFG_HOA4_DYNAMIC || n->ipv4_prefix) && nc->ha.n_pools == 0)
		return refuse(err, len, "run-time mobile node %s takes addresses from "
			      "home_agent.ipv4_pool, which the new file removes", n->id);
	for (i = 0; n->hoa4_mode == CFG_HOA4_STATIC && i < nc->ha.n_pools; i++)
		if (ha_prefix4_contains(&nc->ha.pools[i], n->hoa4))
			return refuse(err, len, "run-time mobile node %s: its IPv4 home address %s "
				      "is inside the new home_agent.ipv4_pool", n->id,
				      ha_addr4_str(n->hoa4, a, sizeof(a)));
	return 0;
}

/* Every pair of prefixes of different nodes is disjoint (sorted: a prefix overlaps a later
 * one exactly when it contains it, and the later ones it contains come right after it). */
static int
check_prefixes(struct checker *c, char *err, size_t len)
{
	char a[HA_ADDR_STRLEN], b[HA_ADDR_STRLEN];
	uint32_t i, j;

	if (c->n_pfx == 0)
		return 0;
	qsort(c->pfx, c->n_pfx, sizeof(c->pfx[0]), pfx_cmp);
	for (i = 0; i < c->n_pfx; i++)
		for (j = i + 1; j < c->n_pfx && ha_prefix6_contains(&c->pfx[i].p,
								    &c->pfx[j].p.addr); j++)
			if (c->pfx[i].slot != c->pfx[j].slot)
				return refuse(err, len, "mobile network prefix %s/%u of %s "
					      "overlaps %s/%u of %s",
					      ha_addr6_str(&c->pfx[j].p.addr, a, sizeof(a)),
					      c->pfx[j].p.len, id_of(c, c->pfx[j].slot),
					      ha_addr6_str(&c->pfx[i].p.addr, b, sizeof(b)),
					      c->pfx[i].p.len, id_of(c, c->pfx[i].slot));
	return 0;
}

static int
plan_check(struct cp *cp, const struct file_index *nw, const struct plan *p, char *err,
	   size_t len)
{
	const struct ha_cfg *nc = nw->cfg;
	uint64_t n = (uint64_t)cp_mndb_count(cp->db) - p->n_gone + p->n_add;
	struct checker c = { 0 };
	uint32_t i, g = 0;
	int rc = 0;

	if (n > cp->capacity)
		return refuse(err, len, "%lu mobile nodes, more than capacity.bindings (%u)",
			      (unsigned long)n, cp->capacity);
	c.db = cp_mndb_create(cp->capacity);
	c.spis = malloc(sizeof(c.spis[0]) * (size_t)CFG_MN_MAX_SAS * (n + 1));
	if (c.db == NULL || c.spis == NULL) {
		checker_free(&c);
		return refuse(err, len, "out of memory");
	}
	/* the running nodes that stay (p->gone is in slot order) */
	for (i = 0; i < cp->capacity && rc == 0; i++) {
		struct cp_mn *m = cp_mndb_get(cp->db, i);
		struct cfg_mn one;

		if (g < p->n_gone && p->gone[g].slot == i) {
			g++;
			continue;
		}
		if (m == NULL)
			continue;
		if (cp->rt[i] != NULL) {
			/* as it runs (a file node whose SAs changed stays only when they match) */
			one = *cp->rt[i];
			if (!cp->rt_file[i])
				rc = check_rt(nc, &one, err, len);
		} else if (!index_find(nw, m->id, &one)) {
			continue;   /* cannot happen: a file node not in the new file is gone */
		}
		if (rc == 0)
			rc = check_one(&c, &one, err, len);
	}
	for (i = 0; i < p->n_add && rc == 0; i++) {
		struct cfg_mn one;

		cfg_mn_instance(&nc->mns[p->add[i].entry], p->add[i].k, &one);
		rc = check_one(&c, &one, err, len);
	}
	if (rc == 0) {
		qsort(c.spis, c.n_spis, sizeof(c.spis[0]), spi_cmp);
		for (i = 1; i < c.n_spis && rc == 0; i++)
			if (c.spis[i].spi == c.spis[i - 1].spi)
				rc = refuse(err, len, "SPI 0x%x of %s is already %s's", c.spis[i].spi,
					    id_of(&c, c.spis[i].slot), id_of(&c, c.spis[i - 1].slot));
	}
	if (rc == 0 && c.n_sas > nc->cap.sas)
		rc = refuse(err, len, "%lu SAs, more than capacity.sas (%u)",
			    (unsigned long)c.n_sas, nc->cap.sas);
	if (rc == 0)
		rc = check_prefixes(&c, err, len);
	checker_free(&c);
	return rc;
}

/* ------------------------------------------------------------------ apply and undo */

static void
undo(struct cp *cp, const struct ha_cfg *old, struct plan *p, uint64_t now)
{
	char id[CFG_NAME_MAX];
	uint32_t i, slot;

	while (p->n_added > 0)
		cp_mn_del(cp, p->added[--p->n_added], now);
	for (i = 0; i < p->n_gone; i++) {
		struct gone *g = &p->gone[i];
		struct cfg_mn one;
		int rc;

		if (g->rt != NULL && g->rt_file) {
			/* as it ran, SAs changed at run time included */
			rc = cp_mn_add(cp, g->rt, &slot);
			snprintf(id, sizeof(id), "%s", g->rt->id);
			if (rc == 0) {
				cp->rt[slot] = g->rt;
				cp->rt_file[slot] = true;
				g->rt = NULL;
			}
		} else if (g->rt != NULL) {
			rc = cp_mn_add_rt(cp, g->rt, &slot);
			snprintf(id, sizeof(id), "%s", g->rt->id);
		} else {
			cfg_mn_instance(&old->mns[g->old.entry], g->old.k, &one);
			rc = cp_mn_add(cp, &one, &slot);
			snprintf(id, sizeof(id), "%s", one.id);
		}
		if (rc == 0 && g->bind.state != CP_BIND_NONE)
			rc = cp_binding_restore(cp, slot, &g->bind, now);
		if (rc == 0)
			cp_mark(cp, slot);   /* its records were deleted with it: written again */
		if (rc != 0)
			CP_LOG(ERR, "reload undo: mobile node %s not restored: %s", id,
			       strerror(-rc));
	}
}

/* Take node g->slot away, keeping what an undo needs. */
static int
take_away(struct cp *cp, const struct file_index *old, struct gone *g, uint64_t now)
{
	struct cp_mn *m = cp_mndb_get(cp->db, g->slot);
	struct cp_bind *b = &cp->binds[g->slot];
	uint64_t i;

	g->bind = *b;
	g->bind.pending = NULL;
	if (b->mnp != NULL) {
		g->bind.mnp = malloc(sizeof(*g->bind.mnp));
		if (g->bind.mnp == NULL)
			return -ENOMEM;
		*g->bind.mnp = *b->mnp;
	}
	if (cp->rt[g->slot] != NULL) {
		g->rt = cp->rt[g->slot];         /* the undo owns it now */
		g->rt_file = cp->rt_file[g->slot];
		cp->rt[g->slot] = NULL;
		cp->rt_file[g->slot] = false;
	} else {
		for (i = id_hash(m->id) & old->mask; old->t[i].entry != UINT32_MAX;
		     i = (i + 1) & old->mask) {
			struct cfg_mn one;

			cfg_mn_instance(&old->cfg->mns[old->t[i].entry], old->t[i].k, &one);
			if (strcmp(one.id, m->id) == 0)
				break;
		}
		g->old = old->t[i];
	}
	return cp_mn_del(cp, g->slot, now);
}

int
cp_reconfigure(struct cp *cp, const struct ha_cfg *old, const struct ha_cfg *nc, uint64_t now,
	       struct cp_reconf_report *rep, char *err, size_t errlen)
{
	struct file_index xo = { 0 }, xn = { 0 };
	struct plan p = { 0 };
	uint32_t i, slot, n_taken = 0;
	int rc;

	rc = index_build(&xo, old);
	if (rc == 0)
		rc = index_build(&xn, nc);
	if (rc == 0)
		rc = plan_make(cp, &xo, &xn, &p);
	if (rc != 0) {
		snprintf(err, errlen, "out of memory; nothing applied");
		goto out;
	}
	rc = plan_check(cp, &xn, &p, err, errlen);
	if (rc != 0)
		goto out;
	/* apply: nodes gone first (their addresses and SPIs may be reused by new ones), then
	 * the new ones, then the policy and the pool (its leases move: the last step, as it
	 * cannot be taken back) */
	for (i = 0; i < p.n_gone && rc == 0; i++) {
		rc = take_away(cp, &xo, &p.gone[i], now);
		n_taken += rc == 0;
	}
	for (i = 0; i < p.n_add && rc == 0; i++) {
		struct cfg_mn one;

		cfg_mn_instance(&nc->mns[p.add[i].entry], p.add[i].k, &one);
		rc = cp_mn_add(cp, &one, &slot);
		if (rc == 0)
			p.added[p.n_added++] = slot;
		else
			snprintf(err, errlen, "mobile node %s: %s; nothing applied", one.id,
				 rc == -EEXIST ? "an address or SPI is already in use" :
				 strerror(-rc));
	}
	if (rc == 0)
		rc = cp_config_swap(cp, nc);
	if (rc != 0) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s; nothing applied", strerror(-rc));
		p.n_gone = n_taken;
		undo(cp, old, &p, now);
		goto out;
	}
	/* done: report, and let run-time nodes the file now describes become file nodes */
	for (i = 0; i < p.n_gone; i++) {
		if (p.gone[i].changed)
			rep->changed++;
		else
			rep->removed++;
	}
	for (i = 0; i < p.n_added; i++)
		if (rep->node_added != NULL)
			rep->node_added(rep->arg, p.added[i]);
	rep->added = p.n_add - rep->changed;
	rep->unchanged = p.unchanged;
	for (i = 0; i < cp->capacity; i++) {
		struct cp_mn *m = cp_mndb_get(cp->db, i);
		struct cfg_mn one;

		if (m != NULL && cp->rt[i] != NULL && index_find(&xn, m->id, &one)) {
			free(cp->rt[i]);
			cp->rt[i] = NULL;
			cp->rt_file[i] = false;
			cp_mark(cp, i);
		}
	}
out:
	plan_free(&p);
	free(xo.t);
	free(xn.t);
	return rc;
}
