/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reload (SIGHUP or dsmip-ctl reload): the file is validated completely first; then only
 * what differs is applied: mobile nodes (and their SAs) removed, changed (removed and added
 * again) or added, the policy, the IPv4 pool. Nodes that did not change keep their bindings
 * and keep forwarding. What only a restart can change (ports, routes, the home agent's
 * addresses and prefixes, capacities, the data plane's settings) refuses the reload: a
 * refused reload changes nothing. Nodes added at run time (dsmip-ctl mn-add) stay unless
 * the file now names their id.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_ctl.h"
#include "cp_query.h"
#include "cp_telemetry.h"
#include "ha_app.h"
#include "ha_log.h"

/* ------------------------------------------------------------------ what needs a restart */

static bool
ports_equal(const struct ha_cfg *a, const struct ha_cfg *b)
{
	unsigned int i;

	if (a->n_ports != b->n_ports)
		return false;
	for (i = 0; i < a->n_ports; i++) {
		const struct cfg_port *x = &a->ports[i], *y = &b->ports[i];

		if (strcmp(x->name, y->name) != 0 || strcmp(x->device, y->device) != 0 ||
		    x->role != y->role || x->has_ip4 != y->has_ip4 || x->has_ip6 != y->has_ip6 ||
		    memcmp(&x->ip4, &y->ip4, sizeof(x->ip4)) != 0 ||
		    memcmp(&x->ip6, &y->ip6, sizeof(x->ip6)) != 0 || x->mtu != y->mtu ||
		    x->has_mac != y->has_mac || memcmp(x->mac, y->mac, 6) != 0)
			return false;
	}
	return true;
}

static bool
routes_equal(const struct ha_cfg *a, const struct ha_cfg *b)
{
	unsigned int i;

	if (a->n_routes != b->n_routes)
		return false;
	for (i = 0; i < a->n_routes; i++) {
		const struct cfg_route *x = &a->routes[i], *y = &b->routes[i];

		if (x->family != y->family || x->port != y->port || x->via4 != y->via4 ||
		    memcmp(&x->via6, &y->via6, 16) != 0 ||
		    memcmp(&x->dst4, &y->dst4, sizeof(x->dst4)) != 0 ||
		    memcmp(&x->dst6, &y->dst6, sizeof(x->dst6)) != 0 ||
		    x->has_mac != y->has_mac || memcmp(x->mac, y->mac, 6) != 0)
			return false;
	}
	return true;
}

/* The first section a reload cannot apply, or NULL. */
static const char *
needs_restart(const struct ha_cfg *a, const struct ha_cfg *b)
{
	if (!ports_equal(a, b))
		return "ports";
	if (!routes_equal(a, b))
		return "routes";
	if (memcmp(&a->ha.addr6, &b->ha.addr6, 16) != 0 || a->ha.has_addr4 != b->ha.has_addr4 ||
	    a->ha.addr4 != b->ha.addr4 || a->ha.n_prefixes6 != b->ha.n_prefixes6 ||
	    a->ha.n_prefixes4 != b->ha.n_prefixes4 ||
	    memcmp(a->ha.prefixes6, b->ha.prefixes6, sizeof(a->ha.prefixes6)) != 0 ||
	    memcmp(a->ha.prefixes4, b->ha.prefixes4, sizeof(a->ha.prefixes4)) != 0)
		return "home_agent addresses or prefixes";
	if (memcmp(&a->cap, &b->cap, sizeof(a->cap)) != 0)
		return "capacity";
	if (memcmp(&a->dp, &b->dp, sizeof(a->dp)) != 0)
		return "dataplane";
	return NULL;
}

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
replace_node(struct ha_app *app, const struct cfg_mn *c, uint64_t now)
{
	struct cp_mn *m = cp_mndb_find_id(cp_mndb(app->cp), c->id);
	uint32_t idx;
	int rc;

	if (m != NULL)
		cp_mn_del(app->cp, m->idx, now);
	rc = cp_mn_add(app->cp, c, &idx);
	if (rc == 0)
		cp_query_mn_counters_reset(app, idx);
	else
		CP_LOG(ERR, "reload: mobile node %s: %s", c->id, strerror(-rc));
	return rc;
}

int
cp_ctl_reload(struct ha_app *app, char *err, size_t errlen)
{
	struct ha_cfg *old = app->cfg, *nc;
	struct cfg_status *st = calloc(1, sizeof(*st));
	uint64_t now = ha_app_now_ms(app), i, n_add = 0, n_del = 0, n_chg = 0, n_same = 0;
	uint32_t e, k, failed = 0;
	struct old_index x = { 0 };
	const char *what;
	size_t len = 0;

	if (st == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	nc = cfg_load_file(old->path, st);
	if (nc == NULL) {
		/* every error, as the loader reports them; nothing changed */
		for (e = 0; e < st->n_errors && e < CFG_ERR_MAX && len + 2 < errlen; e++) {
			CP_LOG(ERR, "reload refused: %s", st->errors[e]);
			len += (size_t)snprintf(err + len, errlen - len, "%s%s", e > 0 ? "\n" : "",
						st->errors[e]);
		}
		app->reloads_refused++;
		free(st);
		return -1;
	}
	free(st);
	what = needs_restart(old, nc);
	if (what != NULL) {
		snprintf(err, errlen, "%s: %s changed, which needs a restart; nothing applied",
			 old->path, what);
		CP_LOG(ERR, "reload refused: %s", err);
		app->reloads_refused++;
		cfg_free(nc);
		return -1;
	}
	if (index_build(&x, old) != 0 || cp_config_swap(app->cp, nc) != 0) {
		snprintf(err, errlen, "out of memory; nothing applied");
		free(x.t);
		cfg_free(nc);
		return -1;
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
		m = cp_mndb_find_id(cp_mndb(app->cp), was.id);
		if (m != NULL) {
			cp_mn_del(app->cp, m->idx, now);
			n_del++;
		}
	}
	for (e = 0; e < nc->n_mns; e++) {
		for (k = 0; k < nc->mns[e].count; k++) {
			struct cfg_mn one, was;
			struct old_ref *r;

			cfg_mn_instance(&nc->mns[e], k, &one);
			r = index_find(&x, old, one.id, &was);
			if (r != NULL && mn_equal(&one, &was)) {
				n_same++;      /* untouched: its binding keeps forwarding */
			} else if (replace_node(app, &one, now) != 0) {
				failed++;
			} else if (r != NULL) {
				n_chg++;
			} else {
				n_add++;
			}
		}
	}
	free(x.t);
	/* from now on every reader of the configuration sees the new one */
	cp_telemetry_lock();
	for (e = 0; e < app->n_ports; e++)
		app->ports[e].cfg = &nc->ports[e];
	app->cfg = nc;
	cp_telemetry_unlock();
	cfg_free(old);
	app->reloads++;
	app->cfg_loaded_ms = now;
	snprintf(err, errlen, "%s reloaded: %" PRIu64 " mobile nodes added, %" PRIu64
		 " removed, %" PRIu64 " changed, %" PRIu64 " unchanged%s", nc->path, n_add, n_del,
		 n_chg, n_same, failed > 0 ? " (some could not be added: see the log)" : "");
	CP_AUDIT("%s", err);
	return 0;
}
