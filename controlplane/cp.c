/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's lifecycle: creation over a configuration, mobile nodes added and
 * removed, the configuration swapped by a reload, and read access for telemetry. The BU
 * pipeline is cp_rx.c, the binding lifecycle cp_binding.c, timers cp_timer.c. CP lcore only.
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
cp_mn_add_rt(struct cp *cp, const struct cfg_mn *c, uint32_t *idx)
{
	struct cfg_mn *copy = malloc(sizeof(*copy));
	uint32_t i;
	int rc;

	if (copy == NULL)
		return -ENOMEM;
	/* a file is checked as a whole by the loader; one node at a time, against the rest */
	if (cp_mndb_prefix_clash(cp->db, c) != NULL) {
		free(copy);
		return -EEXIST;
	}
	*copy = *c;
	rc = cp_mn_add(cp, c, &i);
	if (rc != 0) {
		free(copy);
		return rc;
	}
	cp->rt[i] = copy;
	cp_mark(cp, i);
	if (idx != NULL)
		*idx = i;
	return 0;
}

/* The file's description of node id (block instances included). */
static bool
file_node(const struct ha_cfg *cfg, const char *id, struct cfg_mn *out)
{
	uint32_t e;

	for (e = 0; e < cfg->n_mns; e++) {
		const struct cfg_mn *m = &cfg->mns[e];
		size_t n = strlen(m->id);
		char *end;
		unsigned long k;

		if (m->count <= 1) {
			if (strcmp(m->id, id) == 0) {
				*out = *m;
				return true;
			}
			continue;
		}
		if (strncmp(m->id, id, n) != 0 || id[n] < '0' || id[n] > '9')
			continue;
		k = strtoul(id + n, &end, 10);
		if (*end != '\0' || k >= m->count)
			continue;
		cfg_mn_instance(m, (uint32_t)k, out);
		if (strcmp(out->id, id) == 0)
			return true;
	}
	return false;
}

void
cp_mn_rt_sa(struct cp *cp, uint32_t idx, const struct cfg_sa *sa, bool add)
{
	struct cp_mn *m = cp_mndb_get(cp->db, idx);
	struct cfg_mn *c;
	unsigned int i;

	if (m == NULL)
		return;
	if (cp->rt[idx] == NULL) {
		/* a node of the file: from now on it runs as the file said, with this change
		 * (a reload compares the file with this, an undo puts this back) */
		c = malloc(sizeof(*c));
		if (c == NULL || !file_node(cp->cfg, m->id, c)) {
			free(c);
			CP_LOG(ERR, "mobile node %s: its SAs as they run are not recorded", m->id);
			return;
		}
		cp->rt[idx] = c;
		cp->rt_file[idx] = true;
	}
	c = cp->rt[idx];
	for (i = 0; i < c->n_sas; i++)
		if (c->sas[i].spi == sa->spi && c->sas[i].dir == sa->dir &&
		    c->sas[i].role == sa->role)
			break;
	if (!add && i < c->n_sas)
		c->sas[i] = c->sas[--c->n_sas];
	else if (add && i == c->n_sas && c->n_sas < CFG_MN_MAX_SAS)
		c->sas[c->n_sas++] = *sa;
	cp_mark(cp, idx);
}

/* A node goes: a store deletes its records (the slot may hold another node by then). */
static void
note_gone(struct cp *cp, const char *id)
{
	if (cp->dirty_map == NULL)
		return;
	if (cp->n_gone == cp->cap_gone) {
		uint32_t cap = cp->cap_gone != 0 ? 2 * cp->cap_gone : 64;
		char (*g)[CFG_NAME_MAX] = realloc(cp->gone, sizeof(*g) * cap);

		if (g == NULL) {
			CP_LOG(ERR, "state store: out of memory: node %s stays in the store", id);
			return;
		}
		cp->gone = g;
		cp->cap_gone = cap;
	}
	snprintf(cp->gone[cp->n_gone++], CFG_NAME_MAX, "%s", id);
}

int
cp_changes_enable(struct cp *cp)
{
	if (cp->dirty_map != NULL)
		return 0;
	cp->dirty_map = ha_big_calloc(cp->capacity, 1);
	cp->dirty = ha_big_calloc(cp->capacity, sizeof(uint32_t));
	if (cp->dirty_map == NULL || cp->dirty == NULL) {
		free(cp->dirty_map);
		free(cp->dirty);
		cp->dirty_map = NULL;
		cp->dirty = NULL;
		return -ENOMEM;
	}
	return 0;
}

uint32_t
cp_changes_take(struct cp *cp, uint32_t *slots, uint32_t max)
{
	uint32_t n = 0;

	while (n < max && cp->n_dirty > 0) {
		uint32_t i = cp->dirty[--cp->n_dirty];

		cp->dirty_map[i] = 0;
		slots[n++] = i;
	}
	return n;
}

void
cp_changes_mark(struct cp *cp, uint32_t idx)
{
	if (idx < cp->capacity)
		cp_mark(cp, idx);
}

void
cp_gone_add(struct cp *cp, const char *id)
{
	note_gone(cp, id);
}

uint32_t
cp_gone_take(struct cp *cp, char (*ids)[CFG_NAME_MAX], uint32_t max)
{
	uint32_t n = 0;

	while (n < max && cp->n_gone > 0)
		memcpy(ids[n++], cp->gone[--cp->n_gone], CFG_NAME_MAX);
	return n;
}

const struct cfg_mn *
cp_mn_rt_cfg(const struct cp *cp, uint32_t idx)
{
	return idx < cp->capacity && !cp->rt_file[idx] ? cp->rt[idx] : NULL;
}

int
cp_mn_del(struct cp *cp, uint32_t idx, uint64_t now_ms)
{
	if (cp_mndb_get(cp->db, idx) == NULL)
		return -ENOENT;
	note_gone(cp, cp_mndb_get(cp->db, idx)->id);
	cp_revoke_cancel(cp, idx);
	cp_binding_flush(cp, idx, now_ms);
	cp_timer_unlink(cp, idx);
	memset(&cp->binds[idx], 0, sizeof(cp->binds[idx]));
	free(cp->rt[idx]);
	cp->rt[idx] = NULL;
	cp->rt_file[idx] = false;
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
		/* leases in force move to the new pool, addresses and delegated prefixes
		 * alike; one outside it stays with its node until the binding ends, and is
		 * not handed out again. Every one that came from a pool is claimed, also one
		 * an earlier pool change left outside: a pool that covers it again must not
		 * hand it out (found by fuzz_cp) */
		for (i = 0; i < cp->capacity; i++) {
			struct cp_bind *b = &cp->binds[i];
			const struct cp_mn *m = cp_mndb_get(cp->db, i);

			if (b->state != CP_BIND_ACTIVE && b->state != CP_BIND_DAD)
				continue;
			if (b->has_hoa4 && (b->hoa4_dynamic ||
					    (m != NULL && m->hoa4_mode == CFG_HOA4_DYNAMIC)))
				b->hoa4_dynamic = cp_pool_claim(np, b->hoa4, b->hoa4_plen) == 0;
			/* a delegated prefix always comes from a pool */
			if (b->has_v4pfx)
				b->v4pfx_dynamic = cp_pool_claim(np, b->v4pfx, b->v4pfx_len) == 0;
		}
		cp_pool_free(cp->pool);
		cp->pool = np;
	}
	cp->cfg = cfg;
	return 0;
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
	cp->rev_of = ha_big_calloc(cp->capacity, sizeof(uint32_t));
	cp->rt = ha_big_calloc(cp->capacity, sizeof(cp->rt[0]));
	cp->rt_file = ha_big_calloc(cp->capacity, sizeof(cp->rt_file[0]));
	cp->pool = cp_pool_from_cfg(cfg);
	if (cp->db == NULL || cp->binds == NULL || cp->dad == NULL || cp->rev_of == NULL ||
	    cp->rt == NULL ||
	    cp->rt_file == NULL ||
	    cp->pool == NULL ||
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
	for (i = 0; cp->rt != NULL && i < cp->capacity; i++)
		free(cp->rt[i]);
	free(cp->rt);
	free(cp->rt_file);
	free(cp->dirty_map);
	free(cp->dirty);
	free(cp->gone);
	cp_timers_free(cp);
	cp_pool_free(cp->pool);
	free(cp->dad);
	free(cp->rev_of);
	cp_revoke_free(cp);
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
