/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Telemetry answers that need the control plane's own state (a binding's timers and
 * prefixes, the IPv4 pool, the running configuration). That state belongs to the control
 * lcore, so the telemetry thread does not read it: it posts the question in a mailbox and
 * waits; the control loop answers between two passes (cp_query_serve).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_telemetry.h>

#include "cp.h"
#include "cp_ctl.h"
#include "cp_esp.h"
#include "cp_hl.h"
#include "cp_io.h"
#include "cp_ike_src.h"
#include "cp_pair.h"
#include "cp_pool.h"
#include "cp_query.h"
#include "cfg.h"
#include "ha_addr.h"
#include "ha_app.h"

#define ANSWER_WAIT_MS 1000

static pthread_mutex_t mbox_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mbox_cond = PTHREAD_COND_INITIALIZER;   /* answered, or free again */
static struct {
	cp_query_fn fn;
	const char *params;
	struct rte_tel_data *d;
	int rc;
	bool pending;
	bool done;
} mbox;

int
cp_query_ask(cp_query_fn fn, const char *params, struct rte_tel_data *d)
{
	struct timespec until;
	int rc;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)ANSWER_WAIT_MS % 1000 * 1000000L;
	until.tv_sec += ANSWER_WAIT_MS / 1000 + until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&mbox_lock);
	/* one question at a time; the others wait their turn (keepalived's check, a scrape and
	 * an operator asking together must all be answered, not told "busy") */
	while (mbox.pending)
		if (pthread_cond_timedwait(&mbox_cond, &mbox_lock, &until) == ETIMEDOUT &&
		    mbox.pending) {
			pthread_mutex_unlock(&mbox_lock);
			return -EBUSY;
		}
	mbox.fn = fn;
	mbox.params = params;
	mbox.d = d;
	mbox.pending = true;
	mbox.done = false;
	while (!mbox.done)
		if (pthread_cond_timedwait(&mbox_cond, &mbox_lock, &until) == ETIMEDOUT)
			break;
	/* the control plane answers holding the lock: not done now means not started */
	rc = mbox.done ? mbox.rc : -ETIMEDOUT;
	mbox.pending = false;
	pthread_cond_broadcast(&mbox_cond);   /* the next one in */
	pthread_mutex_unlock(&mbox_lock);
	return rc;
}

void
cp_query_serve(struct ha_app *app)
{
	if (pthread_mutex_trylock(&mbox_lock) != 0)
		return;
	if (mbox.pending && !mbox.done) {
		mbox.rc = mbox.fn(app, mbox.params, mbox.d);
		mbox.done = true;
		pthread_cond_broadcast(&mbox_cond);
	}
	pthread_mutex_unlock(&mbox_lock);
}

/* ------------------------------------------------------------------ per-node counters */

void
cp_query_mn_counters(const struct ha_app *app, uint32_t idx, struct dp_mn_ctr *sum)
{
	unsigned int w;

	memset(sum, 0, sizeof(*sum));
	for (w = 0; w < app->n_workers; w++) {
		const struct dp_mn_ctr *c = &app->workers[w].mn_ctr[idx];

		sum->rx_pkts += c->rx_pkts;
		sum->rx_bytes += c->rx_bytes;
		sum->tx_pkts += c->tx_pkts;
		sum->tx_bytes += c->tx_bytes;
	}
	if (app->mn_base != NULL) {
		sum->rx_pkts -= app->mn_base[idx].rx_pkts;
		sum->rx_bytes -= app->mn_base[idx].rx_bytes;
		sum->tx_pkts -= app->mn_base[idx].tx_pkts;
		sum->tx_bytes -= app->mn_base[idx].tx_bytes;
	}
}

void
cp_query_mn_counters_reset(struct ha_app *app, uint32_t idx)
{
	struct dp_mn_ctr now;

	if (app->mn_base == NULL)
		return;
	memset(&app->mn_base[idx], 0, sizeof(app->mn_base[idx]));
	cp_query_mn_counters(app, idx, &now);
	app->mn_base[idx] = now;
}

/* ------------------------------------------------------------------ /dsmip/binding */

struct cp_mn *
cp_query_node(struct ha_app *app, const char *key)
{
	struct cp_mndb *db = cp_mndb(app->cp);
	struct in6_addr a6;
	uint32_t a4;

	if (key == NULL || key[0] == '\0')
		return NULL;
	if (inet_pton(AF_INET6, key, &a6) == 1)
		return cp_mndb_find6(db, &a6);
	if (inet_pton(AF_INET, key, &a4) == 1) {
		const struct bc_entry *e = bc_lookup4(app->bc, a4);

		return e != NULL ? cp_mndb_get(db, e->mn) : NULL;
	}
	return cp_mndb_find_id(db, key);
}

static const char *const fmt_names[] = { "none", "ip6", "ip4", "udp", "udp-tlv" };
static const char *const state_names[] = { "none", "dad", "active", "hold" };

static void
add_spi(struct rte_tel_data *d, const char *key, uint32_t spi)
{
	char buf[16];

	if (spi == 0)
		return;
	snprintf(buf, sizeof(buf), "0x%x", spi);
	rte_tel_data_add_dict_string(d, key, buf);
}

int
cp_query_binding(struct ha_app *app, const char *params, struct rte_tel_data *d)
{
	const struct cp_mn *m = cp_query_node(app, params);
	const struct cp_bind *b;
	char buf[HA_PREFIX_STRLEN];
	struct dp_mn_ctr c;
	uint64_t now;
	unsigned int i;

	if (m == NULL)
		return -ENOENT;
	b = cp_bind_get(app->cp, m->idx);
	now = ha_app_now_ms(app);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "id", m->id);
	rte_tel_data_add_dict_string(d, "hoa6", ha_addr6_str(&m->hoa6, buf, sizeof(buf)));
	rte_tel_data_add_dict_string(d, "state", state_names[b->state < 4 ? b->state : 0]);
	if (b->has_hoa4) {
		struct ha_prefix4 p = { .addr = b->hoa4, .len = b->hoa4_plen };

		rte_tel_data_add_dict_string(d, "hoa4", ha_prefix4_str(&p, buf, sizeof(buf)));
		rte_tel_data_add_dict_string(d, "hoa4_from", b->hoa4_dynamic ? "pool" : "config");
	}
	if (b->has_v4pfx) {
		struct ha_prefix4 p = { .addr = b->v4pfx, .len = b->v4pfx_len };

		/* delegated to a mobile router (RFC 5555 §3.1.1 P flag) */
		rte_tel_data_add_dict_string(d, "ipv4_prefix", ha_prefix4_str(&p, buf, sizeof(buf)));
	}
	if (b->mnp != NULL) {
		struct rte_tel_data *l = rte_tel_data_alloc();

		if (l != NULL) {
			rte_tel_data_start_array(l, RTE_TEL_STRING_VAL);
			for (i = 0; i < b->mnp->n6; i++)
				rte_tel_data_add_array_string(l, ha_prefix6_str(&b->mnp->p6[i], buf,
										sizeof(buf)));
			for (i = 0; i < b->mnp->n4; i++)
				rte_tel_data_add_array_string(l, ha_prefix4_str(&b->mnp->p4[i], buf,
										sizeof(buf)));
			rte_tel_data_add_dict_container(d, "prefixes", l, 0);
		}
	}
	if (b->state == CP_BIND_ACTIVE || b->state == CP_BIND_DAD) {
		if (b->fmt == BC_FMT_IP6) {
			rte_tel_data_add_dict_string(d, "coa", ha_addr6_str(&b->coa6, buf,
									     sizeof(buf)));
		} else {
			rte_tel_data_add_dict_string(d, "coa", ha_addr4_str(b->coa4, buf,
									     sizeof(buf)));
			rte_tel_data_add_dict_int(d, "udp_port", b->port);
		}
		if (b->nat) {
			rte_tel_data_add_dict_string(d, "nat_address",
						     ha_addr4_str(b->coa4, buf, sizeof(buf)));
			rte_tel_data_add_dict_int(d, "nat_port", b->port);
			if (b->esp_port != 0)
				rte_tel_data_add_dict_int(d, "nat_esp_port", b->esp_port);
		}
		rte_tel_data_add_dict_string(d, "format", fmt_names[b->fmt < 5 ? b->fmt : 0]);
		rte_tel_data_add_dict_int(d, "nat", b->nat);
		rte_tel_data_add_dict_int(d, "forced_udp", b->forced_udp);
		rte_tel_data_add_dict_int(d, "tlv", b->tlv);
		rte_tel_data_add_dict_int(d, "mobile_router", b->mr);
		rte_tel_data_add_dict_u64(d, "lifetime_granted_s", b->lifetime * 4u);
		rte_tel_data_add_dict_u64(d, "lifetime_left_s", b->expires_ms > now ?
					  (b->expires_ms - now) / 1000 : 0);
		rte_tel_data_add_dict_u64(d, "last_bu_s_ago", (now - b->last_bu_ms) / 1000);
		rte_tel_data_add_dict_u64(d, "last_seq", b->last_seq);
		if (b->nat) {
			rte_tel_data_add_dict_string(d, "keepalive", b->stale ? "stale" : "fresh");
			rte_tel_data_add_dict_u64(d, "keepalive_s_ago",
						  (now - b->keepalive_ms) / 1000);
		}
	}
	add_spi(d, "spi_signalling_in", m->spi_sig_in);
	add_spi(d, "spi_signalling_out", m->spi_sig_out);
	add_spi(d, "spi_payload_in", m->spi_pay_in);
	add_spi(d, "spi_payload_out", m->spi_pay_out);
	cp_query_mn_counters(app, m->idx, &c);
	rte_tel_data_add_dict_u64(d, "from_node_packets", c.rx_pkts);
	rte_tel_data_add_dict_u64(d, "from_node_bytes", c.rx_bytes);
	rte_tel_data_add_dict_u64(d, "to_node_packets", c.tx_pkts);
	rte_tel_data_add_dict_u64(d, "to_node_bytes", c.tx_bytes);
	return 0;
}

/* ------------------------------------------------------------------ /dsmip/pool */

int
cp_query_pool(struct ha_app *app, const char *params, struct rte_tel_data *d)
{
	const struct ha_cfg *cfg = cp_cfg(app->cp);
	struct cp_pool_stats st;
	struct rte_tel_data *l;
	char buf[HA_PREFIX_STRLEN];
	unsigned int i;

	(void)params;
	cp_pool_stats_get(cp_pool(app->cp), &st);
	rte_tel_data_start_dict(d);
	l = rte_tel_data_alloc();
	if (l != NULL) {
		rte_tel_data_start_array(l, RTE_TEL_STRING_VAL);
		for (i = 0; i < cfg->ha.n_pools; i++)
			rte_tel_data_add_array_string(l, ha_prefix4_str(&cfg->ha.pools[i], buf,
									 sizeof(buf)));
		rte_tel_data_add_dict_container(d, "ranges", l, 0);
	}
	rte_tel_data_add_dict_u64(d, "size", st.size);
	rte_tel_data_add_dict_u64(d, "used", st.used);
	rte_tel_data_add_dict_u64(d, "free", st.size - st.used);
	rte_tel_data_add_dict_u64(d, "lease_s", cfg->ha.ipv4_lease);
	return 0;
}

/* ------------------------------------------------------------------ /dsmip/config */

int
cp_query_config(struct ha_app *app, const char *params, struct rte_tel_data *d)
{
	const struct ha_cfg *cfg = cp_cfg(app->cp);
	const struct cfg_policy *p = &cfg->policy;
	struct rte_tel_data *pol = rte_tel_data_alloc(), *cap = rte_tel_data_alloc();

	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "path", cfg->path);
	rte_tel_data_add_dict_u64(d, "loaded_s_ago", (ha_app_now_ms(app) - app->cfg_loaded_ms) /
				  1000);
	rte_tel_data_add_dict_u64(d, "reloads", app->reloads);
	rte_tel_data_add_dict_u64(d, "reloads_refused", app->reloads_refused);
	rte_tel_data_add_dict_u64(d, "control_socket_timeouts", cp_ctl_timeouts(app->ctl));
	rte_tel_data_add_dict_u64(d, "ports", cfg->n_ports);
	rte_tel_data_add_dict_u64(d, "routes", cfg->n_routes);
	rte_tel_data_add_dict_u64(d, "mobile_nodes", cfg_mn_total(cfg));
	if (pol != NULL) {
		rte_tel_data_start_dict(pol);
		rte_tel_data_add_dict_int(pol, "require_ipsec", p->require_ipsec);
		rte_tel_data_add_dict_int(pol, "allow_forced_udp", p->allow_forced_udp);
		rte_tel_data_add_dict_int(pol, "forced_udp_refuse_status",
					  p->forced_udp_refuse_status);
		rte_tel_data_add_dict_int(pol, "allow_tlv", p->allow_tlv);
		rte_tel_data_add_dict_u64(pol, "nat_refresh", p->nat_refresh);
		rte_tel_data_add_dict_u64(pol, "nat_grace", p->nat_grace);
		rte_tel_data_add_dict_string(pol, "nat_detection",
					     p->nat_detection == CFG_NATD_SPI ? "spi" : "heuristic");
		rte_tel_data_add_dict_u64(pol, "max_lifetime", p->max_lifetime);
		rte_tel_data_add_dict_int(pol, "dad", p->dad);
		rte_tel_data_add_dict_int(pol, "mobile_routers", p->mobile_routers);
		rte_tel_data_add_dict_u64(pol, "binding_error_rate", p->binding_error_rate);
		rte_tel_data_add_dict_u64(pol, "icmp_error_rate", p->icmp_error_rate);
		rte_tel_data_add_dict_container(d, "policy", pol, 0);
	}
	if (cap != NULL) {
		rte_tel_data_start_dict(cap);
		rte_tel_data_add_dict_u64(cap, "bindings", cfg->cap.bindings);
		rte_tel_data_add_dict_u64(cap, "sas", cfg->cap.sas);
		rte_tel_data_add_dict_u64(cap, "prefixes", cfg->cap.prefixes);
		rte_tel_data_add_dict_container(d, "capacity", cap, 0);
	}
	return 0;
}

/* ------------------------------------------------------------------ /dsmip/state */

/* The pair's replication: its link, what waits, how far behind, what happened. */
static void
pair_info(struct rte_tel_data *rp, const struct ha_pair_info *pi, uint64_t wall)
{
	const struct cp_repl_stats *r = &pi->repl;

	rte_tel_data_start_dict(rp);
	rte_tel_data_add_dict_int(rp, "enabled", pi->configured);
	if (!pi->configured)
		return;
	rte_tel_data_add_dict_string(rp, "direction", !r->running ? "stopped" :
				     r->writer ? "to redis" : "from redis");
	rte_tel_data_add_dict_string(rp, "link", r->link_up ? "up" : "down");
	rte_tel_data_add_dict_u64(rp, "queued", r->queued);
	/* the active: how old its oldest change not yet in Redis is; the standby: how old the
	 * last record it applied was */
	rte_tel_data_add_dict_u64(rp, "lag_ms", r->writer ?
				  (r->oldest_ms != 0 && wall > r->oldest_ms ? wall - r->oldest_ms
									    : 0) :
				  pi->lag_ms);
	/* the standby: since when it is out of touch with Redis (0: reading now); a takeover
	 * now would start from state this old */
	if (!r->writer)
		rte_tel_data_add_dict_u64(rp, "stale_ms", r->synced_ms == 0 ? UINT64_C(0) :
					  wall > r->synced_ms + 1000 ? wall - r->synced_ms : 0);
	rte_tel_data_add_dict_u64(rp, "sent", r->sent);
	rte_tel_data_add_dict_u64(rp, "received", r->received);
	rte_tel_data_add_dict_u64(rp, "applied", pi->applied);
	rte_tel_data_add_dict_u64(rp, "refused", pi->refused);
	rte_tel_data_add_dict_u64(rp, "unknown_nodes", pi->unknown);
	rte_tel_data_add_dict_u64(rp, "waiting", pi->pending_retry);
	rte_tel_data_add_dict_u64(rp, "resyncs", r->resyncs);
	rte_tel_data_add_dict_u64(rp, "dropped", r->dropped);
	rte_tel_data_add_dict_u64(rp, "errors", r->errors);
	rte_tel_data_add_dict_string(rp, "last_error", r->last_error);
	rte_tel_data_add_dict_u64(rp, "takeovers", pi->takeovers);
	rte_tel_data_add_dict_u64(rp, "takeover_ms", pi->takeover_ms);
	rte_tel_data_add_dict_u64(rp, "sas_jumped", pi->sas_jumped);
	rte_tel_data_add_dict_u64(rp, "takeover_stale_ms", pi->stale_ms);
	rte_tel_data_add_dict_u64(rp, "announced", pi->announced);
}

/* What a restart (or a standby) would find: the state store and what the start restored. */
int
cp_query_state(struct ha_app *app, const char *params, struct rte_tel_data *d)
{
	const struct ha_cfg *cfg = cp_cfg(app->cp);
	struct rte_tel_data *st = rte_tel_data_alloc(), *rs = rte_tel_data_alloc();
	uint64_t now = ha_app_now_ms(app), wall = ha_app_wall_ms(app, now);
	struct rte_tel_data *rp = rte_tel_data_alloc();
	struct cp_store_info *i = calloc(1, sizeof(*i));
	struct ha_pair_info *pi = calloc(1, sizeof(*pi));

	(void)params;
	rte_tel_data_start_dict(d);
	if (pi != NULL)
		ha_pair_info_get(app, pi);
	rte_tel_data_add_dict_string(d, "role", ha_role_name(pi != NULL ? pi->role :
							  HA_ROLE_STANDALONE));
	if (st == NULL || rs == NULL || rp == NULL || i == NULL || pi == NULL) {
		rte_tel_data_free(st);
		rte_tel_data_free(rs);
		rte_tel_data_free(rp);
		free(i);
		free(pi);
		return 0;
	}
	rte_tel_data_start_dict(st);
	rte_tel_data_add_dict_int(st, "enabled", app->store != NULL);
	rte_tel_data_add_dict_string(st, "path", cfg->store.path);
	rte_tel_data_add_dict_u64(st, "sync_ms", cfg->store.sync_ms);
	rte_tel_data_start_dict(rs);
	if (app->store != NULL) {
		cp_store_info_get(app->store, i);
		rte_tel_data_add_dict_u64(st, "bytes", i->bytes);
		rte_tel_data_add_dict_u64(st, "records", i->records);
		rte_tel_data_add_dict_u64(st, "commits", i->commits);
		rte_tel_data_add_dict_u64(st, "records_written", i->written);
		rte_tel_data_add_dict_u64(st, "errors", i->errors);
		rte_tel_data_add_dict_u64(st, "last_commit_ms_ago", i->commits != 0 ?
					  now - i->last_commit_ms : 0);
		rte_tel_data_add_dict_u64(st, "last_sync_ms_ago", i->last_sync_ms != 0 &&
					  wall >= i->last_sync_ms ? wall - i->last_sync_ms : 0);
		rte_tel_data_add_dict_u64(rs, "bindings", i->restored.bindings);
		rte_tel_data_add_dict_u64(rs, "deregistrations_held", i->restored.held);
		rte_tel_data_add_dict_u64(rs, "runtime_nodes", i->restored.runtime_nodes);
		rte_tel_data_add_dict_u64(rs, "sa_marks", i->restored.sas);
		rte_tel_data_add_dict_u64(rs, "expired", i->restored.expired);
		rte_tel_data_add_dict_u64(rs, "of_nodes_gone", i->restored.gone);
		rte_tel_data_add_dict_u64(rs, "refused", i->restored.refused);
		rte_tel_data_add_dict_u64(rs, "ms", i->restored.ms);
	}
	rte_tel_data_add_dict_container(d, "store", st, 0);
	rte_tel_data_add_dict_container(d, "restored", rs, 0);
	pair_info(rp, pi, wall);
	rte_tel_data_add_dict_container(d, "replication", rp, 0);
	free(i);
	free(pi);
	return 0;
}

int
cp_query_ike(struct ha_app *app, const char *params, struct rte_tel_data *d)
{
	struct ha_ike_info *i = calloc(1, sizeof(*i));

	(void)params;
	if (i == NULL)
		return -1;
	ha_ike_info_get(app, i);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "enabled", i->enabled);
	rte_tel_data_add_dict_string(d, "source", i->source);
	rte_tel_data_add_dict_int(d, "connected", i->connected);
	rte_tel_data_add_dict_u64(d, "messages", i->messages);
	rte_tel_data_add_dict_u64(d, "redumps", i->redumps);
	rte_tel_data_add_dict_u64(d, "refused", i->refused);
	rte_tel_data_add_dict_string(d, "last_refused", i->last_refused);
	rte_tel_data_add_dict_u64(d, "sas_installed", i->mirror.installed);
	rte_tel_data_add_dict_u64(d, "rekeys", i->mirror.rekeyed);
	rte_tel_data_add_dict_u64(d, "sas_removed", i->mirror.removed);
	rte_tel_data_add_dict_u64(d, "sas_kept", i->mirror.kept);
	rte_tel_data_add_dict_u64(d, "sas_kept_expired", i->mirror.kept_expired);
	rte_tel_data_add_dict_u64(d, "soft_expiries", i->mirror.soft_expiries);
	rte_tel_data_add_dict_u64(d, "hard_expiries", i->mirror.hard_expiries);
	rte_tel_data_add_dict_u64(d, "unknown_node", i->mirror.unknown_node);
	rte_tel_data_add_dict_u64(d, "waiting_for_policy", i->mirror.pending);
	rte_tel_data_add_dict_u64(d, "install_failed", i->mirror.refused);
	rte_tel_data_add_dict_u64(d, "events", i->mirror.events);
	rte_tel_data_add_dict_int(d, "exception_path", i->has_tap);
	rte_tel_data_add_dict_u64(d, "ike_to_charon", i->tap.to_charon);
	rte_tel_data_add_dict_u64(d, "ike_from_charon", i->tap.from_charon);
	rte_tel_data_add_dict_u64(d, "exception_dropped", i->tap.dropped);
	free(i);
	return 0;
}

int
cp_query_home_link(struct ha_app *app, const char *params, struct rte_tel_data *d)
{
	const struct cp_hl *hl = cp_io_home_link(app->io);
	const struct ha_cfg *cfg = cp_cfg(app->cp);
	uint64_t now = ha_app_now_ms(app);
	struct rte_tel_data *list;
	char buf[INET6_ADDRSTRLEN];
	unsigned int i;

	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "advertise", cfg->home_link.advertise);
	rte_tel_data_add_dict_u64(d, "interval_ms", cfg->home_link.interval_ms);
	rte_tel_data_add_dict_int(d, "ha_preference", cfg->home_link.ha_preference);
	rte_tel_data_add_dict_int(d, "load_following", cfg->home_link.load_following);
	rte_tel_data_add_dict_int(d, "preference_now",
				  cp_hl_preference(cfg, cp_bindings(app->cp)));
	rte_tel_data_add_dict_u64(d, "ha_lifetime", cfg->home_link.ha_lifetime);
	rte_tel_data_add_dict_u64(d, "ra_sent", hl->stats.ra_sent);
	rte_tel_data_add_dict_u64(d, "rs_received", hl->stats.rs_received);
	rte_tel_data_add_dict_u64(d, "ra_received", hl->stats.ra_received);
	rte_tel_data_add_dict_u64(d, "ra_other", hl->stats.ra_other);
	rte_tel_data_add_dict_u64(d, "invalid", hl->stats.invalid);
	rte_tel_data_add_dict_u64(d, "dhaad_requests", hl->stats.dhaad_requests);
	rte_tel_data_add_dict_u64(d, "dhaad_replies", hl->stats.dhaad_replies);
	rte_tel_data_add_dict_u64(d, "mps_received", hl->stats.mps_received);
	rte_tel_data_add_dict_u64(d, "mps_unprotected", hl->stats.mps_unprotected);
	rte_tel_data_add_dict_u64(d, "mps_unbound", hl->stats.mps_unbound);
	rte_tel_data_add_dict_u64(d, "mpa_sent", hl->stats.mpa_sent);
	rte_tel_data_add_dict_u64(d, "mpa_protected", hl->stats.mpa_protected);
	rte_tel_data_add_dict_u64(d, "mpa_unsolicited", hl->stats.mpa_unsolicited);
	rte_tel_data_add_dict_u64(d, "mpa_unprotected", hl->stats.mpa_unprotected);
	rte_tel_data_add_dict_u64(d, "list_full", hl->stats.list_full);
	rte_tel_data_add_dict_u64(d, "home_agents", hl->n);
	list = rte_tel_data_alloc();
	if (list == NULL)
		return 0;
	/* the other home agents heard on the home link, in the order heard, keyed "1", "2", ...
	 * (telemetry names take no ':', so not by address) */
	rte_tel_data_start_dict(list);
	for (i = 0; i < hl->n; i++) {
		const struct cp_hl_agent *a = &hl->agents[i];
		struct rte_tel_data *e = rte_tel_data_alloc();
		char key[8];

		if (e == NULL)
			break;
		rte_tel_data_start_dict(e);
		rte_tel_data_add_dict_string(e, "address",
					     inet_ntop(AF_INET6, &a->addr, buf, sizeof(buf)));
		rte_tel_data_add_dict_int(e, "preference", a->pref);
		rte_tel_data_add_dict_u64(e, "lifetime_s",
					  a->expiry_ms > now ? (a->expiry_ms - now) / 1000 : 0);
		rte_tel_data_add_dict_string(e, "link_local",
					     inet_ntop(AF_INET6, &a->ll, buf, sizeof(buf)));
		snprintf(key, sizeof(key), "%u", i + 1);
		rte_tel_data_add_dict_container(list, key, e, 0);
	}
	rte_tel_data_add_dict_container(d, "list", list, 0);
	return 0;
}
