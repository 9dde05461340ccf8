/* SPDX-License-Identifier: BSD-3-Clause */
/* Telemetry commands (/dsmip/...) readable with dpdk-telemetry.py. */
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "cp_query.h"
#include "dp_adj.h"
#include "cp_telemetry.h"
#include "ha_addr.h"
#include "ha_app.h"
#include "ha_version.h"

/*
 * Telemetry callbacks run on DPDK's telemetry thread and take no user argument. They read
 * the app under this lock, which teardown takes before freeing what they read. The lock is
 * never taken on the data path.
 */
static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ha_app *tel_app;
static bool tel_registered;

/* A drop counter summed over the workers (each writes its own; a torn read is harmless). */
static uint64_t
tel_drop_sum(const struct ha_app *app, enum ha_drop why)
{
	uint64_t sum = 0;
	unsigned int w;

	for (w = 0; w < app->n_workers; w++)
		sum += app->workers[w].stats.drops[why];
	return sum;
}

/* Per worker: lcore, loop iterations, those that received packets and their TSC cycles
 * (busy cycles per packet = busy_tsc / packets received: the benchmark's cycle account). */
static void
tel_workers(const struct ha_app *app, struct rte_tel_data *d)
{
	struct rte_tel_data *list = rte_tel_data_alloc();
	unsigned int w;

	if (list == NULL)
		return;
	rte_tel_data_start_dict(list);
	for (w = 0; w < app->n_workers; w++) {
		const struct dp_lcore *lc = &app->workers[w];
		struct rte_tel_data *e = rte_tel_data_alloc(), *drops;
		char key[16];
		uint64_t rx = 0;
		unsigned int p;

		if (e == NULL)
			continue;
		for (p = 0; p < lc->n_ports; p++)
			rx += lc->stats.rx_pkts[p];
		rte_tel_data_start_dict(e);
		rte_tel_data_add_dict_u64(e, "lcore", lc->lcore_id);
		rte_tel_data_add_dict_u64(e, "rx_packets", rx);
		rte_tel_data_add_dict_u64(e, "loops", lc->stats.loops);
		rte_tel_data_add_dict_u64(e, "busy_loops", lc->stats.busy_loops);
		rte_tel_data_add_dict_u64(e, "busy_tsc", lc->stats.busy_tsc);
		drops = rte_tel_data_alloc();
		if (drops != NULL) {
			unsigned int r;

			rte_tel_data_start_dict(drops);
			for (r = 0; r < HA_DROP_MAX; r++)
				if (lc->stats.drops[r] != 0)
					rte_tel_data_add_dict_u64(drops, ha_drop_names[r],
								  lc->stats.drops[r]);
			rte_tel_data_add_dict_container(e, "drops", drops, 0);
		}
		snprintf(key, sizeof(key), "%u", w);
		rte_tel_data_add_dict_container(list, key, e, 0);
	}
	rte_tel_data_add_dict_u64(d, "tsc_hz", rte_get_tsc_hz());
	rte_tel_data_add_dict_u64(d, "tsc", rte_rdtsc());
	rte_tel_data_add_dict_container(d, "workers", list, 0);
}

/*
 * /dsmip/runtime: per worker and stage (VPP's "show runtime"), packets, bursts, TSC cycles
 * and cycles per packet; each stage's time is one timestamp per burst (dp_stage_end).
 */
static int
tel_runtime(const char *cmd __rte_unused, const char *params __rte_unused,
	    struct rte_tel_data *d)
{
	struct ha_app *app;
	struct rte_tel_data *list;
	unsigned int w, s;

	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&tel_lock);
	app = tel_app;
	if (app == NULL || (list = rte_tel_data_alloc()) == NULL) {
		pthread_mutex_unlock(&tel_lock);
		return -1;
	}
	rte_tel_data_start_dict(list);
	for (w = 0; w < app->n_workers; w++) {
		const struct dp_lcore *lc = &app->workers[w];
		struct rte_tel_data *e = rte_tel_data_alloc();
		uint64_t rx = 0, tsc = 0;
		char key[16];

		if (e == NULL)
			continue;
		rte_tel_data_start_dict(e);
		for (s = 0; s < DP_ST_MAX; s++) {
			const struct dp_stage_ctr *c = &lc->stats.stage[s];
			struct rte_tel_data *x = rte_tel_data_alloc();

			if (x == NULL)
				continue;
			tsc += c->tsc;
			rte_tel_data_start_dict(x);
			rte_tel_data_add_dict_u64(x, "packets", c->pkts);
			rte_tel_data_add_dict_u64(x, "bursts", c->calls);
			rte_tel_data_add_dict_u64(x, "tsc", c->tsc);
			rte_tel_data_add_dict_u64(x, "cycles_per_packet",
						  c->pkts > 0 ? (c->tsc + c->pkts / 2) / c->pkts : 0);
			rte_tel_data_add_dict_container(e, dp_stage_names[s], x, 0);
		}
		rx = lc->stats.stage[DP_ST_RX].pkts;
		rte_tel_data_add_dict_u64(e, "lcore", lc->lcore_id);
		rte_tel_data_add_dict_u64(e, "rx_packets", rx);
		rte_tel_data_add_dict_u64(e, "busy_tsc", tsc);
		rte_tel_data_add_dict_u64(e, "cycles_per_packet", rx > 0 ? (tsc + rx / 2) / rx : 0);
		snprintf(key, sizeof(key), "%u", w);
		rte_tel_data_add_dict_container(list, key, e, 0);
	}
	pthread_mutex_unlock(&tel_lock);
	rte_tel_data_add_dict_u64(d, "tsc_hz", rte_get_tsc_hz());
	rte_tel_data_add_dict_container(d, "workers", list, 0);
	return 0;
}

static struct rte_tel_data *
port_info(const struct dp_port *p)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	const struct cfg_port *c = p->cfg;
	struct rte_eth_link link;
	char buf[HA_PREFIX_STRLEN];
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "device", c->device);
	rte_tel_data_add_dict_int(d, "port_id", p->port_id);
	rte_tel_data_add_dict_string(d, "driver", p->driver);
	rte_tel_data_add_dict_string(d, "role", cfg_role_name(c->role));
	rte_ether_format_addr(mac, sizeof(mac), &p->mac);
	rte_tel_data_add_dict_string(d, "mac", mac);
	if (c->has_ip4)
		rte_tel_data_add_dict_string(d, "ipv4", ha_prefix4_str(&c->ip4, buf, sizeof(buf)));
	if (c->has_ip6)
		rte_tel_data_add_dict_string(d, "ipv6", ha_prefix6_str(&c->ip6, buf, sizeof(buf)));
	rte_tel_data_add_dict_int(d, "mtu", p->mtu);
	rte_tel_data_add_dict_int(d, "rx_queues", p->n_rxq);
	rte_tel_data_add_dict_int(d, "tx_queues", p->n_txq);
	rte_tel_data_add_dict_string(d, "control_tx",
				     p->ctl_txq == DP_NO_CTL_TXQ ? "via worker" : "own queue");
	if (rte_eth_link_get_nowait(p->port_id, &link) == 0)
		rte_tel_data_add_dict_string(d, "link", link.link_status ? "up" : "down");
	return d;
}

static int
tel_info(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	struct rte_tel_data *ports, *workers, *ha, *bcd;
	char buf[HA_ADDR_STRLEN];
	struct ha_app *app;
	unsigned int i;
	int rc = 0;

	pthread_mutex_lock(&tel_lock);
	app = tel_app;
	if (app == NULL) {
		rc = -1;
		goto out;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", HA_VERSION);
	rte_tel_data_add_dict_string(d, "dpdk", rte_version());
	rte_tel_data_add_dict_string(d, "config", app->cfg->path);
	rte_tel_data_add_dict_u64(d, "uptime_s", (uint64_t)time(NULL) - app->start_time);
	rte_tel_data_add_dict_int(d, "main_lcore", (int)app->main_lcore);
	workers = rte_tel_data_alloc();
	if (workers != NULL) {
		rte_tel_data_start_array(workers, RTE_TEL_INT_VAL);
		for (i = 0; i < app->n_workers; i++)
			rte_tel_data_add_array_int(workers, (int)app->workers[i].lcore_id);
		rte_tel_data_add_dict_container(d, "worker_lcores", workers, 0);
	}
	/* DPDK 22.11 telemetry nests dicts in dicts but not arrays of dicts: key by name. */
	ports = rte_tel_data_alloc();
	if (ports != NULL) {
		rte_tel_data_start_dict(ports);
		for (i = 0; i < app->n_ports; i++) {
			struct rte_tel_data *p = port_info(&app->ports[i]);

			if (p != NULL)
				rte_tel_data_add_dict_container(ports, app->ports[i].cfg->name, p,
								0);
		}
		rte_tel_data_add_dict_container(d, "ports", ports, 0);
	}
	ha = rte_tel_data_alloc();
	if (ha != NULL) {
		rte_tel_data_start_dict(ha);
		rte_tel_data_add_dict_string(ha, "address6",
					     ha_addr6_str(&app->cfg->ha.addr6, buf, sizeof(buf)));
		if (app->cfg->ha.has_addr4)
			rte_tel_data_add_dict_string(ha, "address4",
						     ha_addr4_str(app->cfg->ha.addr4, buf,
								  sizeof(buf)));
		rte_tel_data_add_dict_u64(ha, "mobile_nodes", cfg_mn_total(app->cfg));
		rte_tel_data_add_dict_container(d, "home_agent", ha, 0);
	}
	bcd = rte_tel_data_alloc();
	if (bcd != NULL) {
		struct bc_stats st;

		/* plain 32/64-bit counters of the writer: a snapshot, never torn */
		bc_stats_get(app->bc, &st);
		rte_tel_data_start_dict(bcd);
		rte_tel_data_add_dict_u64(bcd, "capacity", bc_capacity(app->bc));
		rte_tel_data_add_dict_u64(bcd, "bindings", st.bindings);
		rte_tel_data_add_dict_u64(bcd, "prefixes", st.prefixes);
		rte_tel_data_add_dict_u64(bcd, "spis", st.spis);
		/* the ranges the workers' lookups filter destinations by (0: none) */
		rte_tel_data_add_dict_u64(bcd, "home_ranges6", st.home_ranges6);
		rte_tel_data_add_dict_u64(bcd, "home_ranges4", st.home_ranges4);
		/* ... and the ranges covering the mobile network prefixes (bc_pfxsum.h) */
		rte_tel_data_add_dict_u64(bcd, "prefix_ranges6", st.prefix_ranges6);
		rte_tel_data_add_dict_u64(bcd, "prefix_ranges4", st.prefix_ranges4);
		rte_tel_data_add_dict_container(d, "binding_cache", bcd, 0);
	}
	if (app->sadb != NULL) {
		struct rte_tel_data *esp = rte_tel_data_alloc();

		if (esp != NULL) {
			rte_tel_data_start_dict(esp);
			rte_tel_data_add_dict_string(esp, "crypto_device", app->sadb->dev_name);
			rte_tel_data_add_dict_string(esp, "crypto", "rte_ipsec, CPU crypto");
			rte_tel_data_add_dict_u64(esp, "queue_pairs", app->sadb->n_qps);
			rte_tel_data_add_dict_u64(esp, "sas", app->sadb->n);
			rte_tel_data_add_dict_u64(esp, "capacity", app->sadb->cap);
			rte_tel_data_add_dict_string(esp, "require_ipsec",
						     app->cfg->policy.require_ipsec ? "yes" : "no");
			rte_tel_data_add_dict_string(esp, "nat_detection",
				app->cfg->policy.nat_detection == CFG_NATD_SPI ? "spi" : "heuristic");
			rte_tel_data_add_dict_container(d, "esp", esp, 0);
		}
	}
out:
	pthread_mutex_unlock(&tel_lock);
	return rc;
}

/* The control plane's packet I/O: punts, neighbors, what it sent. */
static void
tel_io(const struct ha_app *app, struct rte_tel_data *cpd)
{
	const struct cp_io_stats *io = cp_io_stats(app->io);
	struct rte_tel_data *x = rte_tel_data_alloc();
	struct dp_adj_stats adj;

	if (x == NULL)
		return;
	dp_adj_stats_get(app->dps.ctx.adjt, &adj);
	rte_tel_data_start_dict(x);
	rte_tel_data_add_dict_u64(x, "punted", io->punted);
	rte_tel_data_add_dict_u64(x, "neighbors", io->neigh_entries);
	rte_tel_data_add_dict_u64(x, "neighbors_incomplete", io->neigh_incomplete);
	rte_tel_data_add_dict_u64(x, "neighbor_incomplete_full", io->neigh_incomplete_full);
	rte_tel_data_add_dict_u64(x, "neighbors_learned", io->neigh_learned);
	rte_tel_data_add_dict_u64(x, "neighbors_expired", io->neigh_expired);
	/* adjacencies: next hops the bindings are stacked on (dataplane/dp_adj.h) */
	rte_tel_data_add_dict_u64(x, "adjacencies", adj.used);
	rte_tel_data_add_dict_u64(x, "adjacencies_resolved", adj.resolved);
	rte_tel_data_add_dict_u64(x, "adjacency_rewrites", adj.rewrites);
	rte_tel_data_add_dict_u64(x, "adjacencies_full", adj.full);
	rte_tel_data_add_dict_u64(x, "held", io->held);
	rte_tel_data_add_dict_u64(x, "held_dropped", io->held_dropped);
	rte_tel_data_add_dict_u64(x, "held_unresolved", io->neigh_unresolved);
	rte_tel_data_add_dict_u64(x, "arp_sent", io->arp_sent);
	rte_tel_data_add_dict_u64(x, "ns_sent", io->ns_sent);
	rte_tel_data_add_dict_u64(x, "na_sent", io->na_sent);
	rte_tel_data_add_dict_u64(x, "nat_port_changes", io->nat_port_changes);
	rte_tel_data_add_dict_u64(x, "esp_refused", io->esp_refused);
	rte_tel_data_add_dict_u64(x, "tx", io->tx);
	rte_tel_data_add_dict_u64(x, "tx_errors", io->tx_errors);
	rte_tel_data_add_dict_u64(x, "tx_silenced", io->tx_silenced);
	/* the loop itself: its longest pass, and how many passes held it over 100 ms */
	rte_tel_data_add_dict_u64(x, "loop_max_us", app->loop_max_us);
	rte_tel_data_add_dict_u64(x, "loop_slow_passes", app->loop_slow);
	rte_tel_data_add_dict_container(cpd, "io", x, 0);
}

static int
tel_stats(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	struct rte_tel_data *ports, *drops, *events, *cpd;
	struct ha_app *app;
	unsigned int i, w;
	int rc = 0;

	pthread_mutex_lock(&tel_lock);
	app = tel_app;
	if (app == NULL) {
		rc = -1;
		goto out;
	}
	rte_tel_data_start_dict(d);
	ports = rte_tel_data_alloc();
	if (ports != NULL) {
		rte_tel_data_start_dict(ports);
		for (i = 0; i < app->n_ports; i++) {
			struct rte_tel_data *p = rte_tel_data_alloc();
			uint64_t rx = 0, rxb = 0, tx = 0, txb = 0;

			if (p == NULL)
				continue;
			for (w = 0; w < app->n_workers; w++) {
				const struct dp_stats *s = &app->workers[w].stats;

				rx += s->rx_pkts[i];
				rxb += s->rx_bytes[i];
				tx += s->tx_pkts[i];
				txb += s->tx_bytes[i];
			}
			rte_tel_data_start_dict(p);
			rte_tel_data_add_dict_u64(p, "rx_packets", rx);
			rte_tel_data_add_dict_u64(p, "rx_bytes", rxb);
			rte_tel_data_add_dict_u64(p, "tx_packets", tx);
			rte_tel_data_add_dict_u64(p, "tx_bytes", txb);
			rte_tel_data_add_dict_container(ports, app->ports[i].cfg->name, p, 0);
		}
		rte_tel_data_add_dict_container(d, "ports", ports, 0);
	}
	tel_workers(app, d);
	drops = rte_tel_data_alloc();
	if (drops != NULL) {
		rte_tel_data_start_dict(drops);
		for (i = 0; i < HA_DROP_MAX; i++)
			rte_tel_data_add_dict_u64(drops, ha_drop_names[i],
						  tel_drop_sum(app, (enum ha_drop)i));
		rte_tel_data_add_dict_container(d, "drops", drops, 0);
	}
	events = rte_tel_data_alloc();
	if (events != NULL) {
		rte_tel_data_start_dict(events);
		for (i = 0; i < HA_EV_MAX; i++) {
			uint64_t sum = 0;

			for (w = 0; w < app->n_workers; w++)
				sum += app->workers[w].stats.events[i];
			rte_tel_data_add_dict_u64(events, ha_event_names[i], sum);
		}
		rte_tel_data_add_dict_container(d, "events", events, 0);
	}
	cpd = rte_tel_data_alloc();
	if (cpd != NULL) {
		/* 64-bit counters written by the control lcore: read as a snapshot */
		const struct cp_stats *cs = cp_stats(app->cp);
		struct rte_tel_data *disc = rte_tel_data_alloc();

		rte_tel_data_start_dict(cpd);
		rte_tel_data_add_dict_u64(cpd, "bindings", cp_bindings(app->cp));
		rte_tel_data_add_dict_u64(cpd, "mh_rx", cs->mh_rx);
		rte_tel_data_add_dict_u64(cpd, "bu_rx", cs->bu_rx);
		rte_tel_data_add_dict_u64(cpd, "registered", cs->registered);
		rte_tel_data_add_dict_u64(cpd, "refreshed", cs->refreshed);
		rte_tel_data_add_dict_u64(cpd, "moved", cs->moved);
		rte_tel_data_add_dict_u64(cpd, "deregistered", cs->deregistered);
		rte_tel_data_add_dict_u64(cpd, "expired", cs->expired);
		rte_tel_data_add_dict_u64(cpd, "ba_tx", cs->ba_tx);
		rte_tel_data_add_dict_u64(cpd, "ba_refused", cs->ba_tx - cs->status[0]);
		rte_tel_data_add_dict_u64(cpd, "be_tx", cs->be_tx);
		rte_tel_data_add_dict_u64(cpd, "be_ratelimited", cs->be_ratelimited);
		rte_tel_data_add_dict_u64(cpd, "dad_started", cs->dad_started);
		rte_tel_data_add_dict_u64(cpd, "dad_conflicts", cs->dad_conflicts);
		rte_tel_data_add_dict_u64(cpd, "stale_marked", cs->stale_marked);
		rte_tel_data_add_dict_u64(cpd, "tx_errors", cs->tx_errors);
		rte_tel_data_add_dict_u64(cpd, "revoked", cs->revoked);
		rte_tel_data_add_dict_u64(cpd, "bri_tx", cs->bri_tx);
		rte_tel_data_add_dict_u64(cpd, "bri_retx", cs->bri_retx);
		rte_tel_data_add_dict_u64(cpd, "bra_rx", cs->bra_rx);
		rte_tel_data_add_dict_u64(cpd, "bri_unanswered", cs->bri_unanswered);
		rte_tel_data_add_dict_u64(cpd, "bri_refused", cs->bri_refused);
		rte_tel_data_add_dict_u64(cpd, "has_tx", cs->has_tx);
		if (disc != NULL) {
			rte_tel_data_start_dict(disc);
			for (i = 0; i < CP_DISCARD_MAX; i++)
				rte_tel_data_add_dict_u64(disc, cp_discard_names[i],
							  cs->discards[i]);
			rte_tel_data_add_dict_container(cpd, "discards", disc, 0);
		}
		tel_io(app, cpd);
		rte_tel_data_add_dict_container(d, "control_plane", cpd, 0);
	}
out:
	pthread_mutex_unlock(&tel_lock);
	return rc;
}

/* One binding as a telemetry dict: the node's id and the entry the workers use. */
static struct rte_tel_data *
binding_info(const char *id, const struct bc_entry *e)
{
	static const char *const fmts[] = { "none", "ip6", "ip4", "udp", "udp-tlv" };
	struct rte_tel_data *d = rte_tel_data_alloc();
	char buf[HA_ADDR_STRLEN];

	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "id", id);
	rte_tel_data_add_dict_string(d, "hoa6", ha_addr6_str(&e->hoa6, buf, sizeof(buf)));
	if (e->flags & BC_F_HOA4)
		rte_tel_data_add_dict_string(d, "hoa4", ha_addr4_str(e->hoa4, buf, sizeof(buf)));
	if (e->fmt == BC_FMT_IP6) {
		rte_tel_data_add_dict_string(d, "coa", ha_addr6_str(&e->coa6, buf, sizeof(buf)));
	} else {
		rte_tel_data_add_dict_string(d, "coa", ha_addr4_str(e->coa4, buf, sizeof(buf)));
		rte_tel_data_add_dict_int(d, "port", rte_be_to_cpu_16(e->nat_port));
	}
	rte_tel_data_add_dict_string(d, "format", e->fmt < RTE_DIM(fmts) ? fmts[e->fmt] : "?");
	rte_tel_data_add_dict_int(d, "nat", (e->flags & BC_F_NAT) != 0);
	rte_tel_data_add_dict_int(d, "mobile_router", (e->flags & BC_F_MR) != 0);
	rte_tel_data_add_dict_int(d, "generation", (int)e->gen);
	return d;
}

struct walk_page {
	struct cp_mndb *nodes;
	const struct cp *cp;
	uint64_t now;
	struct rte_tel_data *list;
	unsigned int n;
	unsigned int max;
};

static int
walk_add(const struct bc_entry *e, void *arg)
{
	struct walk_page *w = arg;
	const struct cp_mn *m = cp_mndb_get(w->nodes, e->mn);
	char idx[16];
	const char *id = m != NULL && m->used ? m->id : idx;
	struct rte_tel_data *b;

	snprintf(idx, sizeof(idx), "#%u", e->mn);
	b = binding_info(id, e);
	if (b != NULL) {
		/* the control plane's side: what a restart must give back */
		const struct cp_bind *cb = cp_bind_get(w->cp, e->mn);

		if (cb != NULL && cb->state == CP_BIND_ACTIVE) {
			rte_tel_data_add_dict_u64(b, "lifetime_left_s", cb->expires_ms > w->now ?
						  (cb->expires_ms - w->now) / 1000 : 0);
			rte_tel_data_add_dict_u64(b, "last_seq", cb->last_seq);
		}
		rte_tel_data_add_dict_container(w->list, id, b, 0);
	}
	return ++w->n >= w->max;
}

/*
 * /dsmip/bindings[,START]: the count and up to 40 bindings (keyed by node id) from mobile
 * node index START. Answered on the control lcore (the node ids are its state; as the
 * binding cache's writer it walks the table without being an RCU reader).
 */
static int
bindings_page(struct ha_app *app, const char *params, struct rte_tel_data *d)
{
	struct walk_page page = { .max = 40, .nodes = cp_mndb(app->cp), .cp = app->cp,
				  .now = ha_app_now_ms(app) };
	uint32_t pos = params != NULL ? (uint32_t)strtoul(params, NULL, 0) : 0;
	struct bc_stats st;

	rte_tel_data_start_dict(d);
	bc_stats_get(app->bc, &st);
	rte_tel_data_add_dict_u64(d, "count", st.bindings);
	page.list = rte_tel_data_alloc();
	if (page.list != NULL) {
		rte_tel_data_start_dict(page.list);
		bc_walk(app->bc, &pos, walk_add, &page);
		rte_tel_data_add_dict_container(d, "bindings", page.list, 0);
	}
	rte_tel_data_add_dict_u64(d, "next", pos);
	return 0;
}

/* One SA as a telemetry dict: identity, parameters and its counters over all lcores. */
static struct rte_tel_data *
sa_info(const struct dp_sadb *db, const struct dp_sa *sa)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	char buf[HA_ADDR_STRLEN];
	struct dp_sa_ctr c;

	if (d == NULL)
		return NULL;
	dp_sa_counters(db, sa->slot, &c);
	rte_tel_data_start_dict(d);
	snprintf(buf, sizeof(buf), "0x%x", sa->spi);
	rte_tel_data_add_dict_string(d, "spi", buf);
	rte_tel_data_add_dict_string(d, "direction", sa->dir == CFG_SA_IN ? "in" : "out");
	rte_tel_data_add_dict_string(d, "role", sa->role == CFG_SA_SIGNALLING ? "signalling" :
										  "payload");
	rte_tel_data_add_dict_string(d, "algorithm", dp_sa_alg_name(sa->alg));
	rte_tel_data_add_dict_string(d, "origin", sa->cfg.origin == CFG_SA_FROM_IKE ? "ike" :
				     sa->cfg.origin == CFG_SA_FROM_CTL ? "control socket" : "config");
	rte_tel_data_add_dict_string(d, "hoa6", ha_addr6_str(&sa->hoa6, buf, sizeof(buf)));
	rte_tel_data_add_dict_u64(d, "mobile_node", sa->mn);
	if (sa->owner == DP_SA_OWNER_CP)
		snprintf(buf, sizeof(buf), "control plane");
	else if (sa->dir == CFG_SA_IN)
		snprintf(buf, sizeof(buf), "worker %u", sa->owner);
	else
		snprintf(buf, sizeof(buf), "any worker");
	rte_tel_data_add_dict_string(d, "processed_by", buf);
	rte_tel_data_add_dict_u64(d, "replay_window", sa->replay_window);
	rte_tel_data_add_dict_int(d, "esn", sa->esn);
	/* outbound: its first sequence number (above a stored reservation after a restart);
	 * inbound: the replay window's edge it started at */
	rte_tel_data_add_dict_u64(d, "seq_start", sa->seq_start);
	if (sa->cfg.origin == CFG_SA_FROM_IKE)
		rte_tel_data_add_dict_u64(d, "ike_lifetime_s", sa->cfg.ike_lifetime_s);
	rte_tel_data_add_dict_u64(d, "packets", c.pkts);
	rte_tel_data_add_dict_u64(d, "bytes", c.bytes);
	rte_tel_data_add_dict_u64(d, "auth_failures", c.auth_fail);
	rte_tel_data_add_dict_u64(d, "replay_drops", c.replay);
	rte_tel_data_add_dict_u64(d, "errors", c.errors);
	return d;
}

/* /dsmip/sas[,START]: SA count and up to 24 SAs by slot from START. */
static int
tel_sas(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	uint32_t pos = params != NULL ? (uint32_t)strtoul(params, NULL, 0) : 0, n = 0;
	const struct dp_sadb *db;
	struct rte_tel_data *list;
	struct ha_app *app;
	unsigned int tid;
	int rc = 0;

	pthread_mutex_lock(&tel_lock);
	app = tel_app;
	if (app == NULL || app->sadb == NULL) {
		rc = -1;
		goto out;
	}
	db = app->sadb;
	/* dp_sa_del waits for RCU readers: this thread is one while it reads the SAs */
	tid = app->n_workers;
	if (bc_reader_register(app->bc, tid) != 0) {
		rc = -1;
		goto out;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "crypto_device", db->dev_name);
	rte_tel_data_add_dict_u64(d, "count", db->n);
	rte_tel_data_add_dict_u64(d, "capacity", db->cap);
	rte_tel_data_add_dict_u64(d, "unknown_spi_drops", tel_drop_sum(app, HA_DROP_ESP));
	list = rte_tel_data_alloc();
	if (list != NULL) {
		rte_tel_data_start_dict(list);
		for (; pos < db->cap && n < 24; pos++) {   /* a page fits the telemetry reply */
			const struct dp_sa *sa = dp_sa_get(db, pos);
			struct rte_tel_data *sd;
			char key[16];

			if (sa == NULL)
				continue;
			sd = sa_info(db, sa);
			if (sd == NULL)
				continue;
			snprintf(key, sizeof(key), "%u", pos);
			rte_tel_data_add_dict_container(list, key, sd, 0);
			n++;
		}
		rte_tel_data_add_dict_container(d, "sas", list, 0);
	}
	rte_tel_data_add_dict_u64(d, "next", pos);
	bc_reader_unregister(app->bc, tid);
out:
	pthread_mutex_unlock(&tel_lock);
	return rc;
}

/* Answers the control plane builds on its own lcore (cp_query.c): no tel_lock held while
 * waiting for it, so that a reload (which takes tel_lock) never waits for telemetry. */
static int
tel_ask(cp_query_fn fn, const char *params, struct rte_tel_data *d)
{
	bool up;

	pthread_mutex_lock(&tel_lock);
	up = tel_app != NULL;
	pthread_mutex_unlock(&tel_lock);
	return up && cp_query_ask(fn, params, d) == 0 ? 0 : -1;
}

static int
tel_bindings(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return tel_ask(bindings_page, params, d);
}

static int
tel_binding(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return tel_ask(cp_query_binding, params, d);
}

static int
tel_pool(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return tel_ask(cp_query_pool, params, d);
}

static int
tel_config(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return tel_ask(cp_query_config, params, d);
}

static int
tel_state(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return tel_ask(cp_query_state, params, d);
}

static int
tel_ike(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return tel_ask(cp_query_ike, params, d);
}

static int
tel_home_link(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	return tel_ask(cp_query_home_link, params, d);
}

/* /dsmip/sa,<spi>: one SA of either direction. */
static int
tel_sa(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	uint32_t spi = params != NULL ? (uint32_t)strtoul(params, NULL, 0) : 0, slot;
	struct ha_app *app;
	unsigned int tid;
	int rc = -1;

	pthread_mutex_lock(&tel_lock);
	app = tel_app;
	if (app == NULL || app->sadb == NULL || spi == 0)
		goto out;
	tid = app->n_workers;
	if (bc_reader_register(app->bc, tid) != 0)
		goto out;
	for (slot = 0; slot < app->sadb->cap; slot++) {
		const struct dp_sa *sa = dp_sa_get(app->sadb, slot);
		struct rte_tel_data *sd;

		if (sa == NULL || sa->spi != spi)
			continue;
		sd = sa_info(app->sadb, sa);
		if (sd == NULL)
			break;
		rte_tel_data_start_dict(d);
		rte_tel_data_add_dict_container(d, "sa", sd, 0);
		rc = 0;
		break;
	}
	bc_reader_unregister(app->bc, tid);
out:
	pthread_mutex_unlock(&tel_lock);
	return rc;
}

void
cp_telemetry_lock(void)
{
	pthread_mutex_lock(&tel_lock);
}

void
cp_telemetry_unlock(void)
{
	pthread_mutex_unlock(&tel_lock);
}

int
cp_telemetry_init(struct ha_app *app)
{
	int rc = 0;

	pthread_mutex_lock(&tel_lock);
	tel_app = app;
	pthread_mutex_unlock(&tel_lock);
	if (tel_registered)
		return 0;
	rc |= rte_telemetry_register_cmd("/dsmip/info", tel_info,
		"Home agent version, lcores, ports with roles and addresses, config path");
	rc |= rte_telemetry_register_cmd("/dsmip/stats", tel_stats,
		"Packet counters per port and drops by reason, summed over workers");
	rc |= rte_telemetry_register_cmd("/dsmip/bindings", tel_bindings,
		"Binding count and up to 40 bindings from index START. Params: [START]");
	rc |= rte_telemetry_register_cmd("/dsmip/binding", tel_binding,
		"One binding in full. Params: IPv6 or IPv4 home address, or node id");
	rc |= rte_telemetry_register_cmd("/dsmip/sa", tel_sa, "One SA. Params: SPI");
	rc |= rte_telemetry_register_cmd("/dsmip/pool", tel_pool, "IPv4 home-address pool use");
	rc |= rte_telemetry_register_cmd("/dsmip/config", tel_config,
		"The running configuration: path, reloads, policy, capacity");
	rc |= rte_telemetry_register_cmd("/dsmip/sas", tel_sas,
		"SAs with their counters, 24 from slot START. Params: [START]");
	rc |= rte_telemetry_register_cmd("/dsmip/ike", tel_ike,
		"SAs from the IKE daemon: source, messages, installed, rekeys, removed, refused");
	rc |= rte_telemetry_register_cmd("/dsmip/runtime", tel_runtime,
		"Per worker and stage (rx, bind, decap, route, encap, esp_in, esp_out, tx): "
		"packets, bursts, TSC cycles, cycles per packet");
	rc |= rte_telemetry_register_cmd("/dsmip/state", tel_state,
		"Role, state store (size, last write), records restored at start");
	rc |= rte_telemetry_register_cmd("/dsmip/home_link", tel_home_link,
		"Router advertisements, the home agents list, DHAAD requests and replies");
	tel_registered = rc == 0;
	return rc;
}

void
cp_telemetry_fini(void)
{
	pthread_mutex_lock(&tel_lock);
	tel_app = NULL;
	pthread_mutex_unlock(&tel_lock);
}
