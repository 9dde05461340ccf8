/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dsmip-ctl metrics (see ctl_metrics.h): names follow Prometheus' conventions (_total for
 * counters, base units), one family per concern, labels for ports, reasons and SAs.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ctl_metrics.h"
#include "ctl_tel.h"

static void
metric(FILE *f, const char *name, const char *labels, double v)
{
	fprintf(f, "%s%s%s%s %.0f\n", name, labels[0] ? "{" : "", labels, labels[0] ? "}" : "",
		v);
}

static void
help(FILE *f, const char *name, const char *type, const char *text)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

/* One sample of name per number member of object o, labelled label="member" (skip: one
 * member left out, or NULL). */
static void
by_member(FILE *f, const char *name, const char *label, json_t *o, const char *skip)
{
	const char *k;
	char lab[256];
	json_t *c;

	json_object_foreach(o, k, c) {
		if (!json_is_number(c) || (skip != NULL && strcmp(k, skip) == 0))
			continue;
		snprintf(lab, sizeof(lab), "%s=\"%s\"", label, k);
		metric(f, name, lab, json_number_value(c));
	}
}

/* One counter of every port of /dsmip/stats' "ports" object, labelled by port name. */
static void
port_metric(FILE *f, json_t *ports, const char *name, const char *text,
	    const char *key)
{
	const char *port;
	json_t *c;
	char lab[256];

	help(f, name, "counter", text);
	json_object_foreach(ports, port, c) {
		snprintf(lab, sizeof(lab), "port=\"%s\"", port);
		metric(f, name, lab, ctl_num(c, key));
	}
}

/* The role and the state store (/dsmip/state). */
static void
state_metrics(FILE *f, json_t *state)
{
	static const char *const roles[] = { "standalone", "active", "standby" };
	json_t *st = json_object_get(state, "store"), *rs = json_object_get(state, "restored"), *c;
	const char *role = ctl_str(state, "role");
	char lab[256];
	unsigned int k;

	help(f, "dsmip_role", "gauge", "1 for the role the home agent has");
	for (k = 0; k < sizeof(roles) / sizeof(roles[0]); k++) {
		snprintf(lab, sizeof(lab), "role=\"%s\"", roles[k]);
		metric(f, "dsmip_role", lab, strcmp(role, roles[k]) == 0);
	}
	help(f, "dsmip_store_enabled", "gauge", "1 when the state store is on");
	metric(f, "dsmip_store_enabled", "", ctl_num(st, "enabled"));
	help(f, "dsmip_store_bytes", "gauge", "the state store's size on disk");
	metric(f, "dsmip_store_bytes", "", ctl_num(st, "bytes"));
	help(f, "dsmip_store_records", "gauge", "records in the state store");
	metric(f, "dsmip_store_records", "", ctl_num(st, "records"));
	help(f, "dsmip_store_commits_total", "counter", "state store transactions");
	metric(f, "dsmip_store_commits_total", "", ctl_num(st, "commits"));
	help(f, "dsmip_store_records_written_total", "counter", "records written or deleted");
	metric(f, "dsmip_store_records_written_total", "", ctl_num(st, "records_written"));
	help(f, "dsmip_store_errors_total", "counter", "transactions that failed");
	metric(f, "dsmip_store_errors_total", "", ctl_num(st, "errors"));
	help(f, "dsmip_store_last_commit_age_seconds", "gauge", "since the last transaction");
	fprintf(f, "dsmip_store_last_commit_age_seconds %.3f\n",
		ctl_num(st, "last_commit_ms_ago") / 1000);
	help(f, "dsmip_store_last_sync_age_seconds", "gauge", "since the last write to disk");
	fprintf(f, "dsmip_store_last_sync_age_seconds %.3f\n",
		ctl_num(st, "last_sync_ms_ago") / 1000);
	help(f, "dsmip_store_restored", "gauge", "records the start restored, by kind");
	by_member(f, "dsmip_store_restored", "kind", rs, "ms");
	help(f, "dsmip_store_restore_seconds", "gauge", "how long the start's restore took");
	fprintf(f, "dsmip_store_restore_seconds %.3f\n", ctl_num(rs, "ms") / 1000);
	c = json_object_get(state, "replication");
	if (c == NULL || ctl_num(c, "enabled") == 0)
		return;
	help(f, "dsmip_replication_link_up", "gauge", "1 when the pair's Redis link is up");
	metric(f, "dsmip_replication_link_up", "", strcmp(ctl_str(c, "link"), "up") == 0);
	help(f, "dsmip_replication_lag_seconds", "gauge",
	     "active: age of the oldest change not yet in Redis; standby: of the last applied");
	fprintf(f, "dsmip_replication_lag_seconds %.3f\n", ctl_num(c, "lag_ms") / 1000);
	help(f, "dsmip_replication_queued", "gauge", "changes (active) or records (standby) waiting");
	metric(f, "dsmip_replication_queued", "", ctl_num(c, "queued"));
	help(f, "dsmip_replication_records_total", "counter", "records by what happened to them");
	metric(f, "dsmip_replication_records_total", "event=\"sent\"", ctl_num(c, "sent"));
	metric(f, "dsmip_replication_records_total", "event=\"received\"", ctl_num(c, "received"));
	metric(f, "dsmip_replication_records_total", "event=\"applied\"", ctl_num(c, "applied"));
	metric(f, "dsmip_replication_records_total", "event=\"refused\"", ctl_num(c, "refused"));
	metric(f, "dsmip_replication_records_total", "event=\"dropped\"", ctl_num(c, "dropped"));
	help(f, "dsmip_replication_resyncs_total", "counter", "whole-state transfers");
	metric(f, "dsmip_replication_resyncs_total", "", ctl_num(c, "resyncs"));
	help(f, "dsmip_replication_errors_total", "counter", "Redis errors (then a reconnection)");
	metric(f, "dsmip_replication_errors_total", "", ctl_num(c, "errors"));
	help(f, "dsmip_replication_stale_seconds", "gauge",
	     "standby: how long it has been out of touch with Redis (0: reading now)");
	fprintf(f, "dsmip_replication_stale_seconds %.3f\n", ctl_num(c, "stale_ms") / 1000);
	help(f, "dsmip_takeovers_total", "counter", "switches of this home agent to active");
	metric(f, "dsmip_takeovers_total", "", ctl_num(c, "takeovers"));
	help(f, "dsmip_takeover_seconds", "gauge", "how long the last switch to active took");
	fprintf(f, "dsmip_takeover_seconds %.3f\n", ctl_num(c, "takeover_ms") / 1000);
}

/* SAs from the IKE daemon (/dsmip/ike). */
static void
ike_metrics(FILE *f, json_t *ike)
{
	static const char *const events[] = { "sas_installed", "rekeys", "sas_removed", "sas_kept",
		"sas_kept_expired", "soft_expiries", "hard_expiries", "unknown_node",
		"install_failed", "refused" };
	unsigned int i;

	help(f, "dsmip_ike_connected", "gauge", "1 when the IKE daemon's SAs are being read");
	metric(f, "dsmip_ike_connected", "", ctl_num(ike, "connected"));
	help(f, "dsmip_ike_messages_total", "counter", "XFRM messages read");
	metric(f, "dsmip_ike_messages_total", "", ctl_num(ike, "messages"));
	help(f, "dsmip_ike_sa_events_total", "counter", "what the mirror did with charon's SAs");
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		char lab[64];

		snprintf(lab, sizeof(lab), "event=\"%s\"", events[i]);
		metric(f, "dsmip_ike_sa_events_total", lab, ctl_num(ike, events[i]));
	}
	help(f, "dsmip_ike_waiting_for_policy", "gauge", "SAs whose policy has not come yet");
	metric(f, "dsmip_ike_waiting_for_policy", "", ctl_num(ike, "waiting_for_policy"));
	help(f, "dsmip_ike_exception_total", "counter", "the IKE exception path, by direction");
	metric(f, "dsmip_ike_exception_total", "direction=\"to_charon\"",
	       ctl_num(ike, "ike_to_charon"));
	metric(f, "dsmip_ike_exception_total", "direction=\"from_charon\"",
	       ctl_num(ike, "ike_from_charon"));
	metric(f, "dsmip_ike_exception_total", "direction=\"dropped\"",
	       ctl_num(ike, "exception_dropped"));
}

/* Every counter of the home agent in the Prometheus text format (version 0.0.4). */
int
ctl_metrics(FILE *f)
{
	json_t *st, *info, *sas, *pool, *state, *o, *c;
	const char *k;
	json_t *r1 = ctl_tel("/dsmip/stats", &st, NULL), *r2 = ctl_tel("/dsmip/info", &info, NULL);
	json_t *r3 = ctl_tel("/dsmip/sas", &sas, NULL), *r4 = ctl_tel("/dsmip/pool", &pool, NULL);
	json_t *r5 = ctl_tel("/dsmip/state", &state, NULL);
	json_t *ike;
	json_t *r6 = ctl_tel("/dsmip/ike", &ike, NULL);
	char lab[256];

	if (r1 == NULL || r2 == NULL) {
		/* the scraper is told the home agent is down rather than left without an answer */
		help(f, "dsmip_up", "gauge", "1 when the home agent answers");
		metric(f, "dsmip_up", "", 0);
		json_decref(r1);
		json_decref(r2);
		json_decref(r3);
		json_decref(r4);
		json_decref(r5);
		json_decref(r6);
		return 1;
	}
	help(f, "dsmip_up", "gauge", "1 when the home agent answers");
	metric(f, "dsmip_up", "", 1);
	help(f, "dsmip_uptime_seconds", "gauge", "seconds since start");
	metric(f, "dsmip_uptime_seconds", "", ctl_num(info, "uptime_s"));
	o = json_object_get(info, "binding_cache");
	help(f, "dsmip_bindings", "gauge", "bindings in the cache");
	metric(f, "dsmip_bindings", "", ctl_num(o, "bindings"));
	help(f, "dsmip_bindings_capacity", "gauge", "capacity.bindings");
	metric(f, "dsmip_bindings_capacity", "", ctl_num(o, "capacity"));
	help(f, "dsmip_prefixes", "gauge", "mobile network and delegated IPv4 prefixes");
	metric(f, "dsmip_prefixes", "", ctl_num(o, "prefixes"));
	o = json_object_get(st, "ports");
	port_metric(f, o, "dsmip_rx_packets_total", "packets received per port", "rx_packets");
	port_metric(f, o, "dsmip_rx_bytes_total", "bytes received per port", "rx_bytes");
	port_metric(f, o, "dsmip_tx_packets_total", "packets sent per port", "tx_packets");
	port_metric(f, o, "dsmip_tx_bytes_total", "bytes sent per port", "tx_bytes");
	help(f, "dsmip_drops_total", "counter", "packets dropped, by reason");
	by_member(f, "dsmip_drops_total", "reason", json_object_get(st, "drops"), NULL);
	help(f, "dsmip_events_total", "counter", "data-plane events (encapsulations, punts, ...)");
	by_member(f, "dsmip_events_total", "event", json_object_get(st, "events"), NULL);
	o = json_object_get(st, "control_plane");
	help(f, "dsmip_control_plane_total", "counter", "control plane counters (BUs, BAs, ...)");
	by_member(f, "dsmip_control_plane_total", "counter", o, "bindings");
	help(f, "dsmip_control_plane_discards_total", "counter", "BUs discarded, by reason");
	by_member(f, "dsmip_control_plane_discards_total", "reason",
		  json_object_get(o, "discards"), NULL);
	help(f, "dsmip_worker_busy_cycles_total", "counter", "TSC cycles of loops with packets");
	json_object_foreach(json_object_get(st, "workers"), k, c) {
		snprintf(lab, sizeof(lab), "worker=\"%s\"", k);
		metric(f, "dsmip_worker_busy_cycles_total", lab, ctl_num(c, "busy_tsc"));
	}
	if (pool != NULL) {
		help(f, "dsmip_pool_addresses", "gauge", "IPv4 home-address pool");
		metric(f, "dsmip_pool_addresses", "state=\"used\"", ctl_num(pool, "used"));
		metric(f, "dsmip_pool_addresses", "state=\"free\"", ctl_num(pool, "free"));
	}
	if (state != NULL)
		state_metrics(f, state);
	if (ike != NULL && ctl_num(ike, "enabled") != 0)
		ike_metrics(f, ike);
	if (sas != NULL) {
		static const char *const fields[][2] = {
			{ "packets", "dsmip_sa_packets_total" },
			{ "bytes", "dsmip_sa_bytes_total" },
			{ "auth_failures", "dsmip_sa_auth_failures_total" },
			{ "replay_drops", "dsmip_sa_replay_drops_total" },
			{ "errors", "dsmip_sa_errors_total" },
		};
		unsigned int i;

		help(f, "dsmip_sas", "gauge", "security associations");
		metric(f, "dsmip_sas", "", ctl_num(sas, "count"));
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			help(f, fields[i][1], "counter", "per SA (the first page of /dsmip/sas)");
			json_object_foreach(json_object_get(sas, "sas"), k, c) {
				snprintf(lab, sizeof(lab), "spi=\"%s\",direction=\"%s\"",
					 ctl_str(c, "spi"), ctl_str(c, "direction"));
				metric(f, fields[i][1], lab, ctl_num(c, fields[i][0]));
			}
		}
	}
	json_decref(r1);
	json_decref(r2);
	json_decref(r3);
	json_decref(r4);
	json_decref(r5);
	json_decref(r6);
	return 0;
}

