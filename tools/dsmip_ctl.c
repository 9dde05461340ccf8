/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dsmip-ctl: the operator's command line for a running dsmip-ha. Reads go to the DPDK
 * telemetry socket (the same /dsmip/... commands as dpdk-telemetry.py), printed aligned for
 * people or as the raw JSON (--json); writes go to the home agent's control socket; metrics
 * are the telemetry counters in the Prometheus text format, printed or served over HTTP.
 *
 *   dsmip-ctl [--file-prefix NAME] [--json] COMMAND [ARGS]
 * Exit status: 0 done, 1 refused or failed (the reason on stderr), 2 bad command line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_exporter.h"
#include "ctl_json.h"

#define TEL_MAX 65536
#define RUNDIR "/var/run/dpdk"

static const char *prefix = "rte";
static bool as_json;

/* ------------------------------------------------------------------ sockets */

static int
unix_connect(const char *name, int type)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s/%s", RUNDIR, prefix, name);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		fprintf(stderr, "dsmip-ctl: %s: %s (is dsmip-ha running with --file-prefix %s?)\n",
			a.sun_path, strerror(errno), prefix);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* One telemetry command; its JSON text (caller frees), or NULL. */
static char *
tel(const char *cmd)
{
	char *buf = malloc(TEL_MAX);
	int fd = unix_connect("dpdk_telemetry.v2", SOCK_SEQPACKET);
	ssize_t n;

	if (fd < 0 || buf == NULL)
		goto fail;
	/* the server speaks first: its version and limits */
	if (recv(fd, buf, TEL_MAX - 1, 0) <= 0 || send(fd, cmd, strlen(cmd), 0) < 0)
		goto fail;
	n = recv(fd, buf, TEL_MAX - 1, 0);
	if (n <= 0)
		goto fail;
	buf[n] = '\0';
	close(fd);
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* The reply of cmd, parsed, with the command's own object; NULL when it failed. With text
 * non-NULL, the reply's text is kept there for the caller (who frees it). */
static struct jnode *
tel_reply(const char *cmd, const struct jnode **body, char **text_out)
{
	char *text = tel(cmd);
	struct jnode *root = text != NULL ? json_parse(text) : NULL;
	char name[64];

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(cmd, ","), cmd);
	*body = root != NULL ? json_get(root, name) : NULL;
	if (*body == NULL || (*body)->type != J_OBJ) {
		/* the telemetry library answers a refused command with null, whatever the cause */
		fprintf(stderr, "dsmip-ctl: %s: %s\n", cmd, text == NULL ? "no answer" :
			strchr(cmd, ',') != NULL ?
			"not found (or the control plane did not answer within 1 s)" :
			"refused (is the home agent shutting down?)");
		json_free(root);
		root = NULL;
	}
	if (root != NULL && text_out != NULL)
		*text_out = text;
	else
		free(text);
	return root;
}

static struct jnode *
tel_json(const char *cmd, const struct jnode **body)
{
	return tel_reply(cmd, body, NULL);
}

/* ------------------------------------------------------------------ human output */

static void
scalar(const struct jnode *v, char *buf, size_t len)
{
	if (v->type == J_STR || v->type == J_NUM || v->type == J_BOOL)
		snprintf(buf, len, "%s", v->str);
	else
		snprintf(buf, len, "-");
}

/* Objects flattened to "a.b.c  value", the names aligned. */
static void
flatten(const struct jnode *n, const char *path, int width)
{
	const struct jnode *c;
	char p[256], v[256];

	for (c = n->child; c != NULL; c = c->next) {
		snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", c->key ? c->key : "");
		if (c->type == J_OBJ) {
			flatten(c, p, width);
		} else if (c->type == J_ARR) {
			const struct jnode *e;
			size_t used = 0;

			v[0] = '\0';
			for (e = c->child; e != NULL && used < sizeof(v); e = e->next) {
				char one[128];

				scalar(e, one, sizeof(one));
				used += (size_t)snprintf(v + used, sizeof(v) - used, "%s%s",
							 used ? " " : "", one);
			}
			printf("%-*s %s\n", width, p, v);
		} else {
			scalar(c, v, sizeof(v));
			printf("%-*s %s\n", width, p, v);
		}
	}
}

static int
show_flat(const char *cmd)
{
	const struct jnode *b;
	struct jnode *root = tel_json(cmd, &b);

	if (root == NULL)
		return 1;
	flatten(b, "", 32);
	json_free(root);
	return 0;
}

static void
counters(const char *title, const struct jnode *o)
{
	const struct jnode *c;
	bool any = false;

	for (c = o != NULL ? o->child : NULL; c != NULL; c = c->next) {
		if (c->type != J_NUM || c->num == 0)
			continue;
		if (!any)
			printf("%s\n", title);
		any = true;
		printf("  %-30s %s\n", c->key, c->str);
	}
}

static int
show_stats(void)
{
	const struct jnode *b, *ports, *p, *w;
	struct jnode *root = tel_json("/dsmip/stats", &b);

	if (root == NULL)
		return 1;
	ports = json_get(b, "ports");
	printf("%-10s %16s %18s %16s %18s\n", "port", "rx packets", "rx bytes", "tx packets",
	       "tx bytes");
	for (p = ports != NULL ? ports->child : NULL; p != NULL; p = p->next)
		printf("%-10s %16.0f %18.0f %16.0f %18.0f\n", p->key, json_num(p, "rx_packets"),
		       json_num(p, "rx_bytes"), json_num(p, "tx_packets"), json_num(p, "tx_bytes"));
	counters("drops (non-zero)", json_get(b, "drops"));
	counters("events (non-zero)", json_get(b, "events"));
	counters("control plane (non-zero)", json_get(b, "control_plane"));
	counters("control plane discards (non-zero)",
		 json_get(json_get(b, "control_plane"), "discards"));
	w = json_get(b, "workers");
	for (p = w != NULL ? w->child : NULL; p != NULL; p = p->next) {
		double rx = json_num(p, "rx_packets");

		printf("worker %s (lcore %.0f): %.0f packets, %.0f busy cycles per packet\n", p->key,
		       json_num(p, "lcore"), rx, rx > 0 ? json_num(p, "busy_tsc") / rx : 0);
	}
	json_free(root);
	return 0;
}

/* Like VPP's "show runtime": a table per worker, one row per stage. */
static int
show_runtime(void)
{
	const struct jnode *b, *w, *p, *s;
	struct jnode *root = tel_json("/dsmip/runtime", &b);

	if (root == NULL)
		return 1;
	w = json_get(b, "workers");
	for (p = w != NULL ? w->child : NULL; p != NULL; p = p->next) {
		printf("worker %s (lcore %.0f): %.0f packets received, %.0f cycles per packet\n",
		       p->key, json_num(p, "lcore"), json_num(p, "rx_packets"),
		       json_num(p, "cycles_per_packet"));
		printf("  %-10s %16s %14s %18s %12s\n", "stage", "packets", "bursts", "cycles",
		       "cycles/pkt");
		for (s = p->child; s != NULL; s = s->next)
			if (s->type == J_OBJ)
				printf("  %-10s %16.0f %14.0f %18.0f %12.0f\n", s->key,
				       json_num(s, "packets"), json_num(s, "bursts"),
				       json_num(s, "tsc"), json_num(s, "cycles_per_packet"));
	}
	json_free(root);
	return 0;
}

static void
bindings_head(const struct jnode *b)
{
	printf("%.0f bindings\n%-8s %-26s %-16s %-26s %6s %-8s %s\n", json_num(b, "count"),
	       "node", "home address", "IPv4 home", "care-of address", "port", "format", "flags");
}

static const char *
str_or_dash(const struct jnode *e, const char *key)
{
	const struct jnode *v = json_get(e, key);

	return v != NULL && v->str != NULL ? v->str : "-";
}

static void
bindings_row(const struct jnode *e)
{
	printf("%-8s %-26s %-16s %-26s %6s %-8s %s%s\n", e->key, str_or_dash(e, "hoa6"),
	       str_or_dash(e, "hoa4"), str_or_dash(e, "coa"), str_or_dash(e, "port"),
	       str_or_dash(e, "format"), json_num(e, "nat") ? "nat " : "",
	       json_num(e, "mobile_router") ? "mr" : "");
}

static void
sas_head(const struct jnode *b)
{
	printf("%.0f SAs on %s, %.0f unknown-SPI drops\n", json_num(b, "count"),
	       str_or_dash(b, "crypto_device"), json_num(b, "unknown_spi_drops"));
	printf("%-10s %-3s %-10s %-24s %-20s %12s %14s %6s %6s %6s\n", "spi", "dir", "role",
	       "algorithm", "home address", "packets", "bytes", "auth", "replay", "errors");
}

static void
sas_row(const struct jnode *e)
{
	printf("%-10s %-3s %-10s %-24s %-20s %12.0f %14.0f %6.0f %6.0f %6.0f\n",
	       str_or_dash(e, "spi"), str_or_dash(e, "direction"), str_or_dash(e, "role"),
	       str_or_dash(e, "algorithm"), str_or_dash(e, "hoa6"), json_num(e, "packets"),
	       json_num(e, "bytes"), json_num(e, "auth_failures"), json_num(e, "replay_drops"),
	       json_num(e, "errors"));
}

/*
 * Every page of /dsmip/<name>,START: head() once, row() per member of the page's object
 * list. A page holds as many as fit one telemetry reply; "next" is the START of the
 * following one. The walk ends on an empty page or a cursor that stops moving.
 */
static int
show_pages(const char *name, const char *list, void (*head)(const struct jnode *),
	   void (*row)(const struct jnode *))
{
	unsigned long start = 0, pages;

	for (pages = 0; pages < 1000000; pages++) {
		const struct jnode *b, *l, *e;
		unsigned long next, n = 0;
		struct jnode *root;
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "/dsmip/%s,%lu", name, start);
		root = tel_json(cmd, &b);
		if (root == NULL)
			return 1;
		if (pages == 0)
			head(b);
		l = json_get(b, list);
		for (e = l != NULL ? l->child : NULL; e != NULL; e = e->next, n++)
			row(e);
		next = (unsigned long)json_num(b, "next");
		json_free(root);
		if (n == 0 || next <= start)
			break;
		start = next;
	}
	return 0;
}

/* The telemetry reply as it is (--json); exit 1 when the command found nothing. */
static int
raw(const char *cmd)
{
	const struct jnode *b;
	char *text = NULL;
	struct jnode *root = tel_reply(cmd, &b, &text);

	if (root == NULL)
		return 1;
	printf("%s\n", text);
	json_free(root);
	free(text);
	return 0;
}

/* ------------------------------------------------------------------ metrics */

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

/* One counter of every port of /dsmip/stats' "ports" object, labelled by port name. */
static void
port_metric(FILE *f, const struct jnode *ports, const char *name, const char *text,
	    const char *key)
{
	const struct jnode *c;
	char lab[256];

	help(f, name, "counter", text);
	for (c = ports != NULL ? ports->child : NULL; c != NULL; c = c->next) {
		snprintf(lab, sizeof(lab), "port=\"%s\"", c->key);
		metric(f, name, lab, json_num(c, key));
	}
}

/* The role and the state store (/dsmip/state). */
static void
state_metrics(FILE *f, const struct jnode *state)
{
	static const char *const roles[] = { "standalone", "active", "standby" };
	const struct jnode *st = json_get(state, "store"), *rs = json_get(state, "restored"), *c;
	const char *role = str_or_dash(state, "role");
	char lab[256];
	unsigned int k;

	help(f, "dsmip_role", "gauge", "1 for the role the home agent has");
	for (k = 0; k < sizeof(roles) / sizeof(roles[0]); k++) {
		snprintf(lab, sizeof(lab), "role=\"%s\"", roles[k]);
		metric(f, "dsmip_role", lab, strcmp(role, roles[k]) == 0);
	}
	help(f, "dsmip_store_enabled", "gauge", "1 when the state store is on");
	metric(f, "dsmip_store_enabled", "", json_num(st, "enabled"));
	help(f, "dsmip_store_bytes", "gauge", "the state store's size on disk");
	metric(f, "dsmip_store_bytes", "", json_num(st, "bytes"));
	help(f, "dsmip_store_records", "gauge", "records in the state store");
	metric(f, "dsmip_store_records", "", json_num(st, "records"));
	help(f, "dsmip_store_commits_total", "counter", "state store transactions");
	metric(f, "dsmip_store_commits_total", "", json_num(st, "commits"));
	help(f, "dsmip_store_records_written_total", "counter", "records written or deleted");
	metric(f, "dsmip_store_records_written_total", "", json_num(st, "records_written"));
	help(f, "dsmip_store_errors_total", "counter", "transactions that failed");
	metric(f, "dsmip_store_errors_total", "", json_num(st, "errors"));
	help(f, "dsmip_store_last_commit_age_seconds", "gauge", "since the last transaction");
	fprintf(f, "dsmip_store_last_commit_age_seconds %.3f\n",
		json_num(st, "last_commit_ms_ago") / 1000);
	help(f, "dsmip_store_last_sync_age_seconds", "gauge", "since the last write to disk");
	fprintf(f, "dsmip_store_last_sync_age_seconds %.3f\n",
		json_num(st, "last_sync_ms_ago") / 1000);
	help(f, "dsmip_store_restored", "gauge", "records the start restored, by kind");
	for (c = rs != NULL ? rs->child : NULL; c != NULL; c = c->next) {
		if (c->type != J_NUM || strcmp(c->key, "ms") == 0)
			continue;
		snprintf(lab, sizeof(lab), "kind=\"%s\"", c->key);
		metric(f, "dsmip_store_restored", lab, c->num);
	}
	help(f, "dsmip_store_restore_seconds", "gauge", "how long the start's restore took");
	fprintf(f, "dsmip_store_restore_seconds %.3f\n", json_num(rs, "ms") / 1000);
	c = json_get(state, "replication");
	if (c == NULL || json_num(c, "enabled") == 0)
		return;
	help(f, "dsmip_replication_link_up", "gauge", "1 when the pair's Redis link is up");
	metric(f, "dsmip_replication_link_up", "", strcmp(str_or_dash(c, "link"), "up") == 0);
	help(f, "dsmip_replication_lag_seconds", "gauge",
	     "active: age of the oldest change not yet in Redis; standby: of the last applied");
	fprintf(f, "dsmip_replication_lag_seconds %.3f\n", json_num(c, "lag_ms") / 1000);
	help(f, "dsmip_replication_queued", "gauge", "changes (active) or records (standby) waiting");
	metric(f, "dsmip_replication_queued", "", json_num(c, "queued"));
	help(f, "dsmip_replication_records_total", "counter", "records by what happened to them");
	metric(f, "dsmip_replication_records_total", "event=\"sent\"", json_num(c, "sent"));
	metric(f, "dsmip_replication_records_total", "event=\"received\"", json_num(c, "received"));
	metric(f, "dsmip_replication_records_total", "event=\"applied\"", json_num(c, "applied"));
	metric(f, "dsmip_replication_records_total", "event=\"refused\"", json_num(c, "refused"));
	metric(f, "dsmip_replication_records_total", "event=\"dropped\"", json_num(c, "dropped"));
	help(f, "dsmip_replication_resyncs_total", "counter", "whole-state transfers");
	metric(f, "dsmip_replication_resyncs_total", "", json_num(c, "resyncs"));
	help(f, "dsmip_replication_errors_total", "counter", "Redis errors (then a reconnection)");
	metric(f, "dsmip_replication_errors_total", "", json_num(c, "errors"));
	help(f, "dsmip_replication_stale_seconds", "gauge",
	     "standby: how long it has been out of touch with Redis (0: reading now)");
	fprintf(f, "dsmip_replication_stale_seconds %.3f\n", json_num(c, "stale_ms") / 1000);
	help(f, "dsmip_takeovers_total", "counter", "switches of this home agent to active");
	metric(f, "dsmip_takeovers_total", "", json_num(c, "takeovers"));
	help(f, "dsmip_takeover_seconds", "gauge", "how long the last switch to active took");
	fprintf(f, "dsmip_takeover_seconds %.3f\n", json_num(c, "takeover_ms") / 1000);
}

/* SAs from the IKE daemon (/dsmip/ike). */
static void
ike_metrics(FILE *f, const struct jnode *ike)
{
	static const char *const events[] = { "sas_installed", "rekeys", "sas_removed", "sas_kept",
		"sas_kept_expired", "soft_expiries", "hard_expiries", "unknown_node",
		"install_failed", "refused" };
	unsigned int i;

	help(f, "dsmip_ike_connected", "gauge", "1 when the IKE daemon's SAs are being read");
	metric(f, "dsmip_ike_connected", "", json_num(ike, "connected"));
	help(f, "dsmip_ike_messages_total", "counter", "XFRM messages read");
	metric(f, "dsmip_ike_messages_total", "", json_num(ike, "messages"));
	help(f, "dsmip_ike_sa_events_total", "counter", "what the mirror did with charon's SAs");
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		char lab[64];

		snprintf(lab, sizeof(lab), "event=\"%s\"", events[i]);
		metric(f, "dsmip_ike_sa_events_total", lab, json_num(ike, events[i]));
	}
	help(f, "dsmip_ike_waiting_for_policy", "gauge", "SAs whose policy has not come yet");
	metric(f, "dsmip_ike_waiting_for_policy", "", json_num(ike, "waiting_for_policy"));
	help(f, "dsmip_ike_exception_total", "counter", "the IKE exception path, by direction");
	metric(f, "dsmip_ike_exception_total", "direction=\"to_charon\"",
	       json_num(ike, "ike_to_charon"));
	metric(f, "dsmip_ike_exception_total", "direction=\"from_charon\"",
	       json_num(ike, "ike_from_charon"));
	metric(f, "dsmip_ike_exception_total", "direction=\"dropped\"",
	       json_num(ike, "exception_dropped"));
}

/* Every counter of the home agent in the Prometheus text format (version 0.0.4). */
static int
metrics(FILE *f)
{
	const struct jnode *st, *info, *sas, *pool, *state, *o, *c;
	struct jnode *r1 = tel_json("/dsmip/stats", &st), *r2 = tel_json("/dsmip/info", &info);
	struct jnode *r3 = tel_json("/dsmip/sas", &sas), *r4 = tel_json("/dsmip/pool", &pool);
	struct jnode *r5 = tel_json("/dsmip/state", &state);
	const struct jnode *ike;
	struct jnode *r6 = tel_json("/dsmip/ike", &ike);
	char lab[256];

	if (r1 == NULL || r2 == NULL) {
		/* the scraper is told the home agent is down rather than left without an answer */
		help(f, "dsmip_up", "gauge", "1 when the home agent answers");
		metric(f, "dsmip_up", "", 0);
		json_free(r1);
		json_free(r2);
		json_free(r3);
		json_free(r4);
		json_free(r5);
		json_free(r6);
		return 1;
	}
	help(f, "dsmip_up", "gauge", "1 when the home agent answers");
	metric(f, "dsmip_up", "", 1);
	help(f, "dsmip_uptime_seconds", "gauge", "seconds since start");
	metric(f, "dsmip_uptime_seconds", "", json_num(info, "uptime_s"));
	o = json_get(info, "binding_cache");
	help(f, "dsmip_bindings", "gauge", "bindings in the cache");
	metric(f, "dsmip_bindings", "", json_num(o, "bindings"));
	help(f, "dsmip_bindings_capacity", "gauge", "capacity.bindings");
	metric(f, "dsmip_bindings_capacity", "", json_num(o, "capacity"));
	help(f, "dsmip_prefixes", "gauge", "mobile network and delegated IPv4 prefixes");
	metric(f, "dsmip_prefixes", "", json_num(o, "prefixes"));
	o = json_get(st, "ports");
	port_metric(f, o, "dsmip_rx_packets_total", "packets received per port", "rx_packets");
	port_metric(f, o, "dsmip_rx_bytes_total", "bytes received per port", "rx_bytes");
	port_metric(f, o, "dsmip_tx_packets_total", "packets sent per port", "tx_packets");
	port_metric(f, o, "dsmip_tx_bytes_total", "bytes sent per port", "tx_bytes");
	help(f, "dsmip_drops_total", "counter", "packets dropped, by reason");
	for (c = json_get(st, "drops") ? json_get(st, "drops")->child : NULL; c; c = c->next) {
		snprintf(lab, sizeof(lab), "reason=\"%s\"", c->key);
		metric(f, "dsmip_drops_total", lab, c->num);
	}
	help(f, "dsmip_events_total", "counter", "data-plane events (encapsulations, punts, ...)");
	for (c = json_get(st, "events") ? json_get(st, "events")->child : NULL; c; c = c->next) {
		snprintf(lab, sizeof(lab), "event=\"%s\"", c->key);
		metric(f, "dsmip_events_total", lab, c->num);
	}
	o = json_get(st, "control_plane");
	help(f, "dsmip_control_plane_total", "counter", "control plane counters (BUs, BAs, ...)");
	for (c = o ? o->child : NULL; c; c = c->next) {
		if (c->type != J_NUM || strcmp(c->key, "bindings") == 0)
			continue;
		snprintf(lab, sizeof(lab), "counter=\"%s\"", c->key);
		metric(f, "dsmip_control_plane_total", lab, c->num);
	}
	help(f, "dsmip_control_plane_discards_total", "counter", "BUs discarded, by reason");
	for (c = json_get(o, "discards") ? json_get(o, "discards")->child : NULL; c; c = c->next) {
		snprintf(lab, sizeof(lab), "reason=\"%s\"", c->key);
		metric(f, "dsmip_control_plane_discards_total", lab, c->num);
	}
	help(f, "dsmip_worker_busy_cycles_total", "counter", "TSC cycles of loops with packets");
	for (c = json_get(st, "workers") ? json_get(st, "workers")->child : NULL; c; c = c->next) {
		snprintf(lab, sizeof(lab), "worker=\"%s\"", c->key);
		metric(f, "dsmip_worker_busy_cycles_total", lab, json_num(c, "busy_tsc"));
	}
	if (pool != NULL) {
		help(f, "dsmip_pool_addresses", "gauge", "IPv4 home-address pool");
		metric(f, "dsmip_pool_addresses", "state=\"used\"", json_num(pool, "used"));
		metric(f, "dsmip_pool_addresses", "state=\"free\"", json_num(pool, "free"));
	}
	if (state != NULL)
		state_metrics(f, state);
	if (ike != NULL && json_num(ike, "enabled") != 0)
		ike_metrics(f, ike);
	if (sas != NULL) {
		static const char *const fields[][2] = {
			{ "packets", "dsmip_sa_packets_total" },
			{ "bytes", "dsmip_sa_bytes_total" },
			{ "auth_failures", "dsmip_sa_auth_failures_total" },
			{ "replay_drops", "dsmip_sa_replay_drops_total" },
			{ "errors", "dsmip_sa_errors_total" },
		};
		unsigned int k;

		help(f, "dsmip_sas", "gauge", "security associations");
		metric(f, "dsmip_sas", "", json_num(sas, "count"));
		for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			help(f, fields[k][1], "counter", "per SA (the first page of /dsmip/sas)");
			for (c = json_get(sas, "sas") ? json_get(sas, "sas")->child : NULL; c;
			     c = c->next) {
				snprintf(lab, sizeof(lab), "spi=\"%s\",direction=\"%s\"",
					 json_get(c, "spi")->str, json_get(c, "direction")->str);
				metric(f, fields[k][1], lab, json_num(c, fields[k][0]));
			}
		}
	}
	json_free(r1);
	json_free(r2);
	json_free(r3);
	json_free(r4);
	json_free(r5);
	json_free(r6);
	return 0;
}

static void usage(FILE *f);

/* serve-metrics [PORT] [SECONDS] [--listen ADDRESS] [--allow-root] */
static int
serve_metrics(int argc, char **argv)
{
	const char *listen = "127.0.0.1";
	bool allow_root = false;
	long port = 9273, secs = 0;
	int i, pos = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--allow-root") == 0) {
			allow_root = true;
		} else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			listen = argv[++i];
		} else if (pos < 2 && argv[i][0] != '-') {
			if (pos++ == 0)
				port = strtol(argv[i], NULL, 10);
			else
				secs = strtol(argv[i], NULL, 10);
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (port <= 0 || port > 65535) {
		fprintf(stderr, "dsmip-ctl: port %ld out of range\n", port);
		return 2;
	}
	/* what it serves is the telemetry of a root-only directory, to whoever connects: an
	 * exporter runs as a user of its own unless the operator says otherwise */
	if (geteuid() == 0 && !allow_root) {
		fprintf(stderr, "dsmip-ctl: serve-metrics refuses to run as root (run it as an "
				"unprivileged user, or pass --allow-root)\n");
		return 1;
	}
	return ctl_serve_metrics(listen, (int)port, secs, metrics);
}

/* ------------------------------------------------------------------ writes */

static int
control(char *line)
{
	char buf[8192], *p;
	int fd = unix_connect("dsmip-ctl.sock", SOCK_STREAM);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return 1;
	/* one request is one line: a group given over several shell lines is joined */
	for (p = line; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (dprintf(fd, "%s\n", line) < 0) {
		close(fd);
		return 1;
	}
	while (len + 1 < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	if (strncmp(buf, "OK", 2) == 0) {
		printf("%s", buf[2] == ' ' ? buf + 3 : buf + 2);
		return 0;
	}
	fprintf(stderr, "dsmip-ctl: %s", strncmp(buf, "ERR ", 4) == 0 ? buf + 4 :
		len ? buf : "no answer\n");
	return 1;
}

/* ------------------------------------------------------------------ main */

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: dsmip-ctl [--file-prefix NAME] [--json] COMMAND [ARGS]\n"
		"reads (telemetry):\n"
		"  info | stats | config | pool        the home agent, counters, config, IPv4 pool\n"
		"  state                               role, state store, what the start restored\n"
		"  ike                                 SAs from the IKE daemon: source, installs, rekeys\n"
		"  runtime                             per worker and stage: packets, cycles per packet\n"
		"  bindings [START]                    every binding (--json: one page from START)\n"
		"  binding ADDRESS|ID                  one binding in full\n"
		"  sas [START] | sa SPI                security associations and their counters\n"
		"  metrics                             Prometheus text format\n"
		"  serve-metrics [PORT] [SECONDS] [--listen ADDRESS] [--allow-root]\n"
		"                                      HTTP GET /metrics on ADDRESS (127.0.0.1):PORT\n"
		"                                      (9273); not as root unless --allow-root\n"
		"writes (control socket, root):\n"
		"  mn-add '{ id = \"mn9\"; hoa6 = \"...\"; ... }'   as in the config file\n"
		"  mn-del ID|ADDRESS\n"
		"  sa-add ID|ADDRESS '{ spi = 0x1001; direction = \"in\"; ... }'\n"
		"  sa-del SPI\n"
		"  flush ID|ADDRESS|all                end bindings now\n"
		"  reload                              re-read the config (as SIGHUP)\n"
		"  role active|standby                 the pair's role (keepalived's notify scripts)\n"
		"--file-prefix: the EAL --file-prefix of the home agent (default rte)\n"
		"exit status: 0 done; 1 refused, not found, or no home agent; 2 bad usage\n");
}

int
main(int argc, char **argv)
{
	char line[8192], cmd[128];
	const char *c;
	int i = 1;

	while (i < argc && strncmp(argv[i], "--", 2) == 0) {
		if (strcmp(argv[i], "--json") == 0) {
			as_json = true;
			i++;
		} else if (strcmp(argv[i], "--file-prefix") == 0 && i + 1 < argc) {
			prefix = argv[i + 1];
			i += 2;
		} else if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	c = argv[i++];
	if (strcmp(c, "info") == 0 || strcmp(c, "config") == 0 || strcmp(c, "pool") == 0 ||
	    strcmp(c, "state") == 0 || strcmp(c, "ike") == 0) {
		snprintf(cmd, sizeof(cmd), "/dsmip/%s", c);
		return as_json ? raw(cmd) : show_flat(cmd);
	}
	if (strcmp(c, "stats") == 0)
		return as_json ? raw("/dsmip/stats") : show_stats();
	if (strcmp(c, "runtime") == 0)
		return as_json ? raw("/dsmip/runtime") : show_runtime();
	/* --json: one page of the telemetry reply; its "next" is the START of the next one */
	if (strcmp(c, "bindings") == 0 || strcmp(c, "sas") == 0) {
		snprintf(cmd, sizeof(cmd), "/dsmip/%s,%lu", c, i < argc ? strtoul(argv[i], NULL, 0) : 0);
		if (as_json)
			return raw(cmd);
		return c[0] == 'b' ? show_pages("bindings", "bindings", bindings_head, bindings_row)
				    : show_pages("sas", "sas", sas_head, sas_row);
	}
	if ((strcmp(c, "binding") == 0 || strcmp(c, "sa") == 0) && i < argc) {
		snprintf(cmd, sizeof(cmd), "/dsmip/%s,%s", c, argv[i]);
		return as_json ? raw(cmd) : show_flat(cmd);
	}
	if (strcmp(c, "metrics") == 0)
		return metrics(stdout);
	if (strcmp(c, "serve-metrics") == 0)
		return serve_metrics(argc - i, argv + i);
	if ((strcmp(c, "mn-add") == 0 || strcmp(c, "mn-del") == 0 || strcmp(c, "sa-del") == 0 ||
	     strcmp(c, "flush") == 0 || strcmp(c, "role") == 0) && i < argc) {
		snprintf(line, sizeof(line), "%s %s", c, argv[i]);
		return control(line);
	}
	if (strcmp(c, "sa-add") == 0 && i + 1 < argc) {
		snprintf(line, sizeof(line), "sa-add %s %s", argv[i], argv[i + 1]);
		return control(line);
	}
	if (strcmp(c, "reload") == 0)
		return control(strcpy(line, "reload"));
	usage(stderr);
	return 2;
}
