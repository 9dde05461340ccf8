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
#include "cp_reconf.h"
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
	/* IPv6 home prefixes may change (home_prefixes_changed): RAs, DHAAD, MPD follow */
	if (memcmp(&a->ha.addr6, &b->ha.addr6, 16) != 0 || a->ha.has_addr4 != b->ha.has_addr4 ||
	    a->ha.addr4 != b->ha.addr4 || a->ha.n_prefixes4 != b->ha.n_prefixes4 ||
	    memcmp(a->ha.prefixes4, b->ha.prefixes4, sizeof(a->ha.prefixes4)) != 0)
		return "home_agent addresses or IPv4 home prefixes";
	if (memcmp(&a->cap, &b->cap, sizeof(a->cap)) != 0)
		return "capacity";
	if (memcmp(&a->dp, &b->dp, sizeof(a->dp)) != 0)
		return "dataplane";
	if (memcmp(&a->store, &b->store, sizeof(a->store)) != 0)
		return "store";
	if (memcmp(&a->pair, &b->pair, sizeof(a->pair)) != 0)
		return "pair";
	if (memcmp(&a->ike, &b->ike, sizeof(a->ike)) != 0)
		return "ike";
	return NULL;
}

static bool
home_prefixes_changed(const struct ha_cfg *a, const struct ha_cfg *b)
{
	return a->ha.n_prefixes6 != b->ha.n_prefixes6 ||
	       memcmp(a->ha.prefixes6, b->ha.prefixes6,
		      sizeof(a->ha.prefixes6[0]) * a->ha.n_prefixes6) != 0;
}

static void
grace_period(void *bc)
{
	bc_synchronize(bc);
}

static void
counters_reset(void *arg, uint32_t idx)
{
	cp_query_mn_counters_reset(arg, idx);
}

int
cp_ctl_reload(struct ha_app *app, char *err, size_t errlen)
{
	struct ha_cfg *old = app->cfg, *nc;
	struct cfg_status *st = calloc(1, sizeof(*st));
	uint64_t now = ha_app_now_ms(app);
	struct cp_reconf_report rep = { .node_added = counters_reset, .arg = app };
	uint32_t e;
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
	if (cfg_manual_gcm_sas(nc) > 0)
		CP_LOG(WARNING, "%s: %lu AES-GCM SAs with manual keys (policy.allow_manual_gcm, "
		       "labs only)", old->path, (unsigned long)cfg_manual_gcm_sas(nc));
	/* --state names the store instead of the file: what runs is compared */
	if (app->opts.state != NULL)
		nc->store = old->store;
	what = needs_restart(old, nc);
	if (what != NULL) {
		snprintf(err, errlen, "%s: %s changed, which needs a restart; nothing applied",
			 old->path, what);
		CP_LOG(ERR, "reload refused: %s", err);
		app->reloads_refused++;
		cfg_free(nc);
		return -1;
	}
	err[0] = '\0';
	/* nodes (or SAs) added now resume sequence numbers their SPIs used before */
	cp_store_sa_starts(app->store, nc);
	if (cp_reconfigure(app->cp, old, nc, now, &rep, err, errlen) != 0) {
		CP_LOG(ERR, "reload refused: %s", err);
		app->reloads_refused++;
		cfg_free(nc);
		return -1;
	}
	/* policy the workers apply themselves */
	__atomic_store_n(&app->dps.ctx.icmp_rate, nc->policy.icmp_error_rate, __ATOMIC_RELAXED);
	/* from now on every reader of the configuration sees the new one */
	cp_telemetry_lock();
	for (e = 0; e < app->n_ports; e++)
		app->ports[e].cfg = &nc->ports[e];
	app->cfg = nc;
	cp_telemetry_unlock();
	if (home_prefixes_changed(old, nc)) {
		/* the workers' anycast list, then the nodes (RFC 6275 §10.6.2) */
		dp_setup_anycast(&app->dps.ctx, nc, grace_period, app->bc);
		/* the binding lookups' ranges only widen: the old prefixes' keys may remain
		 * until their nodes go */
		for (e = 0; e < nc->ha.n_prefixes6; e++)
			bc_home_prefix6_add(app->bc, &nc->ha.prefixes6[e].addr,
					    nc->ha.prefixes6[e].len);
		cp_io_hl_prefixes_changed(app->io);
		CP_AUDIT("home prefixes changed: %u IPv6 home prefixes", nc->ha.n_prefixes6);
	}
	cfg_free(old);
	app->reloads++;
	app->cfg_loaded_ms = now;
	ha_app_store_sync(app, true);
	snprintf(err, errlen, "%s reloaded: %" PRIu64 " mobile nodes added, %" PRIu64
		 " removed, %" PRIu64 " changed, %" PRIu64 " unchanged", nc->path, rep.added,
		 rep.removed, rep.changed, rep.unchanged);
	CP_AUDIT("%s", err);
	return 0;
}
