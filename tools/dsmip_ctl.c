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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl_exporter.h"
#include "ctl_metrics.h"
#include "ctl_tel.h"

static bool as_json;

/* ------------------------------------------------------------------ human output */

/* Objects flattened to "a.b.c  value", the names aligned; arrays as their scalars. */
static void
flatten(json_t *n, const char *path, int width)
{
	const char *key;
	json_t *c;
	char p[256], v[256];

	json_object_foreach(n, key, c) {
		snprintf(p, sizeof(p), "%s%s%s", path, path[0] ? "." : "", key);
		if (json_is_object(c)) {
			flatten(c, p, width);
		} else if (json_is_array(c)) {
			size_t used = 0, i;
			json_t *e;

			v[0] = '\0';
			json_array_foreach(c, i, e) {
				char one[128];

				if (used >= sizeof(v))
					break;
				used += (size_t)snprintf(v + used, sizeof(v) - used, "%s%s",
							 used ? " " : "",
							 ctl_scalar(e, one, sizeof(one)));
			}
			printf("%-*s %s\n", width, p, v);
		} else {
			printf("%-*s %s\n", width, p, ctl_scalar(c, v, sizeof(v)));
		}
	}
}

static int
show_flat(const char *cmd)
{
	json_t *b, *root = ctl_tel(cmd, &b, NULL);

	if (root == NULL)
		return 1;
	flatten(b, "", 32);
	json_decref(root);
	return 0;
}

/* The members of o that are non-zero numbers, under a title (nothing when none is). */
static void
counters(const char *title, json_t *o)
{
	const char *key;
	bool any = false;
	json_t *c;
	char v[64];

	json_object_foreach(o, key, c) {
		if (!json_is_number(c) || json_number_value(c) == 0)
			continue;
		if (!any)
			printf("%s\n", title);
		any = true;
		printf("  %-30s %s\n", key, ctl_scalar(c, v, sizeof(v)));
	}
}

static int
show_stats(void)
{
	json_t *b, *p, *root = ctl_tel("/dsmip/stats", &b, NULL);
	const char *name;

	if (root == NULL)
		return 1;
	printf("%-10s %16s %18s %16s %18s\n", "port", "rx packets", "rx bytes", "tx packets",
	       "tx bytes");
	json_object_foreach(json_object_get(b, "ports"), name, p)
		printf("%-10s %16.0f %18.0f %16.0f %18.0f\n", name, ctl_num(p, "rx_packets"),
		       ctl_num(p, "rx_bytes"), ctl_num(p, "tx_packets"), ctl_num(p, "tx_bytes"));
	counters("drops (non-zero)", json_object_get(b, "drops"));
	counters("events (non-zero)", json_object_get(b, "events"));
	counters("control plane (non-zero)", json_object_get(b, "control_plane"));
	counters("control plane discards (non-zero)",
		 json_object_get(json_object_get(b, "control_plane"), "discards"));
	json_object_foreach(json_object_get(b, "workers"), name, p) {
		double rx = ctl_num(p, "rx_packets");

		printf("worker %s (lcore %.0f): %.0f packets, %.0f busy cycles per packet\n", name,
		       ctl_num(p, "lcore"), rx, rx > 0 ? ctl_num(p, "busy_tsc") / rx : 0);
	}
	json_decref(root);
	return 0;
}

/* Like VPP's "show runtime": a table per worker, one row per stage. */
static int
show_runtime(void)
{
	json_t *b, *p, *s, *root = ctl_tel("/dsmip/runtime", &b, NULL);
	const char *name, *stage;

	if (root == NULL)
		return 1;
	json_object_foreach(json_object_get(b, "workers"), name, p) {
		printf("worker %s (lcore %.0f): %.0f packets received, %.0f cycles per packet\n",
		       name, ctl_num(p, "lcore"), ctl_num(p, "rx_packets"),
		       ctl_num(p, "cycles_per_packet"));
		printf("  %-10s %16s %14s %18s %12s\n", "stage", "packets", "bursts", "cycles",
		       "cycles/pkt");
		json_object_foreach(p, stage, s)
			if (json_is_object(s))
				printf("  %-10s %16.0f %14.0f %18.0f %12.0f\n", stage,
				       ctl_num(s, "packets"), ctl_num(s, "bursts"),
				       ctl_num(s, "tsc"), ctl_num(s, "cycles_per_packet"));
	}
	json_decref(root);
	return 0;
}

static void
bindings_head(json_t *b)
{
	printf("%.0f bindings\n%-8s %-26s %-16s %-26s %6s %-8s %s\n", ctl_num(b, "count"),
	       "node", "home address", "IPv4 home", "care-of address", "port", "format", "flags");
}

static void
bindings_row(const char *node, json_t *e)
{
	printf("%-8s %-26s %-16s %-26s %6s %-8s %s%s\n", node, ctl_str(e, "hoa6"),
	       ctl_str(e, "hoa4"), ctl_str(e, "coa"), ctl_str(e, "port"),
	       ctl_str(e, "format"), ctl_num(e, "nat") ? "nat " : "",
	       ctl_num(e, "mobile_router") ? "mr" : "");
}

static void
sas_head(json_t *b)
{
	printf("%.0f SAs on %s, %.0f unknown-SPI drops\n", ctl_num(b, "count"),
	       ctl_str(b, "crypto_device"), ctl_num(b, "unknown_spi_drops"));
	printf("%-10s %-3s %-10s %-24s %-20s %12s %14s %6s %6s %6s\n", "spi", "dir", "role",
	       "algorithm", "home address", "packets", "bytes", "auth", "replay", "errors");
}

static void
sas_row(const char *slot, json_t *e)
{
	(void)slot;
	printf("%-10s %-3s %-10s %-24s %-20s %12.0f %14.0f %6.0f %6.0f %6.0f\n",
	       ctl_str(e, "spi"), ctl_str(e, "direction"), ctl_str(e, "role"),
	       ctl_str(e, "algorithm"), ctl_str(e, "hoa6"), ctl_num(e, "packets"),
	       ctl_num(e, "bytes"), ctl_num(e, "auth_failures"), ctl_num(e, "replay_drops"),
	       ctl_num(e, "errors"));
}

/*
 * Every page of /dsmip/<name>,START: head() once, row() per member of the page's object
 * list. A page holds as many as fit one telemetry reply; "next" is the START of the
 * following one. The walk ends on an empty page or a cursor that stops moving.
 */
static int
show_pages(const char *name, const char *list, void (*head)(json_t *),
	   void (*row)(const char *, json_t *))
{
	unsigned long start = 0, pages;

	for (pages = 0; pages < 1000000; pages++) {
		json_t *b, *e, *root;
		unsigned long next;
		const char *key;
		size_t n = 0;
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "/dsmip/%s,%lu", name, start);
		root = ctl_tel(cmd, &b, NULL);
		if (root == NULL)
			return 1;
		if (pages == 0)
			head(b);
		json_object_foreach(json_object_get(b, list), key, e) {
			row(key, e);
			n++;
		}
		next = (unsigned long)ctl_num(b, "next");
		json_decref(root);
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
	json_t *b;
	char *text = NULL;
	json_t *root = ctl_tel(cmd, &b, &text);

	if (root == NULL)
		return 1;
	printf("%s\n", text);
	json_decref(root);
	free(text);
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
	return ctl_serve_metrics(listen, (int)port, secs, ctl_metrics);
}

/* ------------------------------------------------------------------ writes */

static int
control(char *line)
{
	char buf[8192], *p;
	int fd = ctl_connect("dsmip-ctl.sock", SOCK_STREAM);
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
		"  home_link                           RAs, the home agents list, DHAAD\n"
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
		"  flush ID|ADDRESS|all                end bindings now (revoked if policy.revocation)\n"
		"  revoke ID|ADDRESS|all               end bindings now, telling each node (RFC 5846)\n"
		"  switch ID|ADDRESS|all HA-ADDRESS... ask nodes to register with other home agents\n"
		"                                      (Home Agent Switch, RFC 5142)\n"
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
			ctl_prefix = argv[i + 1];
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
	    strcmp(c, "state") == 0 || strcmp(c, "ike") == 0 || strcmp(c, "home_link") == 0) {
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
		return ctl_metrics(stdout);
	if (strcmp(c, "serve-metrics") == 0)
		return serve_metrics(argc - i, argv + i);
	if ((strcmp(c, "mn-add") == 0 || strcmp(c, "mn-del") == 0 || strcmp(c, "sa-del") == 0 ||
	     strcmp(c, "flush") == 0 || strcmp(c, "revoke") == 0 || strcmp(c, "role") == 0) &&
	    i < argc) {
		snprintf(line, sizeof(line), "%s %s", c, argv[i]);
		return control(line);
	}
	if (strcmp(c, "sa-add") == 0 && i + 1 < argc) {
		snprintf(line, sizeof(line), "sa-add %s %s", argv[i], argv[i + 1]);
		return control(line);
	}
	if (strcmp(c, "switch") == 0 && i + 1 < argc) {
		size_t n = (size_t)snprintf(line, sizeof(line), "switch");

		for (; i < argc && n < sizeof(line); i++)
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", argv[i]);
		if (n >= sizeof(line)) {
			usage(stderr);
			return 2;
		}
		return control(line);
	}
	if (strcmp(c, "reload") == 0)
		return control(strcpy(line, "reload"));
	usage(stderr);
	return 2;
}
