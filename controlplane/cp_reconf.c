/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reconfiguration of a running control plane (a reload): the mobile nodes of the old
 * configuration are compared with those of the new one by id; nodes gone are removed,
 * changed ones removed and added again, new ones added; then policy and pool. Nodes added at
 * run time stay unless the new file names their id. Pure C (no EAL), CP writer only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_reconf.h"
#include "ha_log.h"

/* ------------------------------------------------------------------ old nodes by id */

struct old_ref {
	uint32_t entry;               /* index in cfg->mns; UINT32_MAX: empty */
	uint32_t k;                   /* node k of that block */
	bool seen;
};

struct old_index {
	struct old_ref *t;
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
index_build(struct old_index *x, const struct ha_cfg *cfg)
{
	uint64_t n = cfg_mn_total(cfg), size = 16, i;
	uint32_t e, k;

	while (size < 2 * n)
		size <<= 1;
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
			x->t[i] = (struct old_ref){ .entry = e, .k = k };
		}
	}
	return 0;
}

static struct old_ref *
index_find(struct old_index *x, const struct ha_cfg *cfg, const char *id, struct cfg_mn *out)
{
	uint64_t i;

	for (i = id_hash(id) & x->mask; x->t[i].entry != UINT32_MAX; i = (i + 1) & x->mask) {
		cfg_mn_instance(&cfg->mns[x->t[i].entry], x->t[i].k, out);
		if (strcmp(out->id, id) == 0)
			return &x->t[i];
	}
	return NULL;
}

/* Same node, as far as the control plane is concerned (source lines aside). */
static bool
mn_equal(const struct cfg_mn *a, const struct cfg_mn *b)
{
	struct cfg_mn x = *a, y = *b;
	unsigned int i;

	x.line = y.line = 0;
	x.count = y.count = 1;
	for (i = 0; i < CFG_MN_MAX_SAS; i++)
		x.sas[i].line = y.sas[i].line = 0;
	return memcmp(&x, &y, sizeof(x)) == 0;
}

/* ------------------------------------------------------------------ apply */

/* The node as the file now says. A node of that id already there (the file's old version,
 * or one added at run time with dsmip-ctl) goes first: the file wins. */
static int
replace_node(struct cp *cp, const struct cfg_mn *c, uint64_t now, struct cp_reconf_report *rep)
{
	struct cp_mn *m = cp_mndb_find_id(cp_mndb(cp), c->id);
	uint32_t idx;
	int rc;

	if (m != NULL)
		cp_mn_del(cp, m->idx, now);
	rc = cp_mn_add(cp, c, &idx);
	if (rc == 0 && rep->node_added != NULL)
		rep->node_added(rep->arg, idx);
	else if (rc != 0)
		CP_LOG(ERR, "reload: mobile node %s: %s", c->id, strerror(-rc));
	return rc;
}

int
cp_reconfigure(struct cp *cp, const struct ha_cfg *old, const struct ha_cfg *nc, uint64_t now,
	       struct cp_reconf_report *rep)
{
	struct old_index x = { 0 };
	uint32_t e, k;
	uint64_t i;

	if (index_build(&x, old) != 0 || cp_config_swap(cp, nc) != 0) {
		free(x.t);
		return -ENOMEM;
	}
	/* nodes gone first (their addresses and SPIs may be reused by new ones) */
	for (e = 0; e < nc->n_mns; e++) {
		for (k = 0; k < nc->mns[e].count; k++) {
			struct cfg_mn one, was;
			struct old_ref *r;

			cfg_mn_instance(&nc->mns[e], k, &one);
			r = index_find(&x, old, one.id, &was);
			if (r != NULL)
				r->seen = true;
		}
	}
	for (i = 0; i <= x.mask; i++) {
		struct cfg_mn was;
		struct cp_mn *m;

		if (x.t[i].entry == UINT32_MAX || x.t[i].seen)
			continue;
		cfg_mn_instance(&old->mns[x.t[i].entry], x.t[i].k, &was);
		m = cp_mndb_find_id(cp_mndb(cp), was.id);
		if (m != NULL) {
			cp_mn_del(cp, m->idx, now);
			rep->removed++;
		}
	}
	for (e = 0; e < nc->n_mns; e++) {
		for (k = 0; k < nc->mns[e].count; k++) {
			struct cfg_mn one, was;
			struct old_ref *r;

			cfg_mn_instance(&nc->mns[e], k, &one);
			r = index_find(&x, old, one.id, &was);
			if (r != NULL && mn_equal(&one, &was)) {
				rep->unchanged++;   /* untouched: its binding keeps forwarding */
			} else if (replace_node(cp, &one, now, rep) != 0) {
				rep->failed++;
			} else if (r != NULL) {
				rep->changed++;
			} else {
				rep->added++;
			}
		}
	}
	free(x.t);
	return 0;
}
