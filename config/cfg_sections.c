/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sections other than the mobile nodes: ports, routes, the home agent's addresses and
 * prefixes, policy, capacity and the data plane's settings.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_internal.h"

/* ---------------------------------------------------------------- ports */

static const char *const port_keys[] = {
	"name", "device", "role", "ipv4", "ipv6", "mtu", "mac", NULL
};

static void
parse_port(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *s, const char *path)
{
	struct cfg_port *p = &cfg->ports[cfg->n_ports];
	const char *str;
	char kpath[PATH_LEN];
	unsigned int i;

	p->line = config_setting_source_line(s);
	p->mtu = 1500;
	cfg_check_known(c, s, path, port_keys);

	if (cfg_get_string(c, s, path, "name", true, &str) == 0) {
		cfg_path_join(kpath, path, "name");
		if (str[0] == '\0' || strlen(str) >= CFG_NAME_MAX)
			cfg_err(c, config_setting_get_member(s, "name"), kpath,
				"must be 1 to %d characters", CFG_NAME_MAX - 1);
		else
			snprintf(p->name, sizeof(p->name), "%s", str);
		for (i = 0; i < cfg->n_ports; i++)
			if (strcmp(cfg->ports[i].name, p->name) == 0)
				cfg_err(c, config_setting_get_member(s, "name"), kpath,
					"duplicate port name \"%s\" (first at line %d)", p->name,
					cfg->ports[i].line);
	}
	if (cfg_get_string(c, s, path, "device", true, &str) == 0) {
		cfg_path_join(kpath, path, "device");
		if (str[0] == '\0' || strlen(str) >= CFG_DEVICE_MAX)
			cfg_err(c, config_setting_get_member(s, "device"), kpath,
				"must be 1 to %d characters", CFG_DEVICE_MAX - 1);
		else
			snprintf(p->device, sizeof(p->device), "%s", str);
	}
	if (cfg_get_string(c, s, path, "role", true, &str) == 0) {
		cfg_path_join(kpath, path, "role");
		if (strcmp(str, "access") == 0)
			p->role = CFG_ROLE_ACCESS;
		else if (strcmp(str, "home") == 0)
			p->role = CFG_ROLE_HOME;
		else if (strcmp(str, "both") == 0)
			p->role = CFG_ROLE_BOTH;
		else
			cfg_err(c, config_setting_get_member(s, "role"), kpath,
				"\"%s\" is not one of access, home, both", str);
	}
	if (cfg_get_string(c, s, path, "ipv4", false, &str) == 0) {
		cfg_path_join(kpath, path, "ipv4");
		if (ha_prefix4_parse(str, false, &p->ip4) < 0 || p->ip4.len == 0)
			cfg_err(c, config_setting_get_member(s, "ipv4"), kpath,
				"\"%s\" is not an IPv4 address with prefix length (a.b.c.d/len)", str);
		else if (!ha_addr4_is_unicast(p->ip4.addr))
			cfg_err(c, config_setting_get_member(s, "ipv4"), kpath,
				"\"%s\" is not a unicast address", str);
		else
			p->has_ip4 = true;
	}
	if (cfg_get_string(c, s, path, "ipv6", false, &str) == 0) {
		cfg_path_join(kpath, path, "ipv6");
		if (ha_prefix6_parse(str, false, &p->ip6) < 0 || p->ip6.len == 0)
			cfg_err(c, config_setting_get_member(s, "ipv6"), kpath,
				"\"%s\" is not an IPv6 address with prefix length (addr/len)", str);
		else if (!ha_addr6_is_routable_unicast(&p->ip6.addr))
			cfg_err(c, config_setting_get_member(s, "ipv6"), kpath,
				"\"%s\" is not a global unicast address", str);
		else
			p->has_ip6 = true;
	}
	/* 1280 is the IPv6 minimum link MTU (RFC 8200 §5). */
	GET_UINT(c, s, path, "mtu", 1280, 9600, p->mtu);
	cfg_get_mac(c, s, path, p->mac, &p->has_mac);
	cfg->n_ports++;
}

void
cfg_parse_ports(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	const config_setting_t *l = config_setting_get_member(root, "ports");
	char path[PATH_LEN];
	int i, n;

	if (l == NULL) {
		cfg_err(c, root, "ports", "missing required list of ports");
		return;
	}
	if (!config_setting_is_list(l)) {
		cfg_err(c, l, "ports", "must be a list ( { ... }, ... )");
		return;
	}
	n = config_setting_length(l);
	if (n == 0)
		cfg_err(c, l, "ports", "at least one port is required");
	if (n > CFG_MAX_PORTS) {
		cfg_err(c, l, "ports", "%d ports, at most %d are supported", n, CFG_MAX_PORTS);
		n = CFG_MAX_PORTS;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned int)i);

		cfg_path_index(path, "ports", (unsigned int)i);
		if (!config_setting_is_group(e)) {
			cfg_err(c, e, path, "must be a group { ... }");
			continue;
		}
		parse_port(c, cfg, e, path);
	}
}

/* ---------------------------------------------------------------- routes */

static const char *const route_keys[] = { "prefix", "via", "port", "mac", NULL };

/* Find the port whose connected subnet holds the next hop; -1 if none. */
static int
port_for_via(const struct ha_cfg *cfg, const struct cfg_route *r, int want)
{
	unsigned int i;

	for (i = 0; i < cfg->n_ports; i++) {
		const struct cfg_port *p = &cfg->ports[i];

		if (want >= 0 && (int)i != want)
			continue;
		if (r->family == AF_INET && p->has_ip4 && ha_prefix4_contains(&p->ip4, r->via4))
			return (int)i;
		if (r->family == AF_INET6 && p->has_ip6 && ha_prefix6_contains(&p->ip6, &r->via6))
			return (int)i;
	}
	return -1;
}

static void
parse_route(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *s, const char *path)
{
	struct cfg_route *r = &cfg->routes[cfg->n_routes];
	const char *pfx = NULL, *via = NULL, *port = NULL;
	const config_setting_t *vs;
	char kpath[PATH_LEN], vpath[PATH_LEN];
	int want = -1, idx;

	memset(r, 0, sizeof(*r));
	r->line = config_setting_source_line(s);
	cfg_check_known(c, s, path, route_keys);
	if (cfg_get_string(c, s, path, "prefix", true, &pfx) != 0 ||
	    cfg_get_string(c, s, path, "via", true, &via) != 0)
		return;
	cfg_path_join(kpath, path, "prefix");
	cfg_path_join(vpath, path, "via");
	vs = config_setting_get_member(s, "via");
	if (strchr(pfx, ':') != NULL) {
		r->family = AF_INET6;
		if (ha_prefix6_parse(pfx, false, &r->dst6) < 0) {
			cfg_err(c, config_setting_get_member(s, "prefix"), kpath,
				"\"%s\" is not a valid IPv6 prefix", pfx);
			return;
		}
		if (!ha_prefix6_is_canonical(&r->dst6)) {
			cfg_err(c, config_setting_get_member(s, "prefix"), kpath,
				"\"%s\" has host bits set", pfx);
			return;
		}
		if (ha_addr6_parse(via, &r->via6) < 0) {
			cfg_err(c, vs, vpath, "\"%s\" is not an IPv6 address (prefix is IPv6)", via);
			return;
		}
	} else {
		r->family = AF_INET;
		if (ha_prefix4_parse(pfx, false, &r->dst4) < 0) {
			cfg_err(c, config_setting_get_member(s, "prefix"), kpath,
				"\"%s\" is not a valid IPv4 prefix", pfx);
			return;
		}
		if (!ha_prefix4_is_canonical(&r->dst4)) {
			cfg_err(c, config_setting_get_member(s, "prefix"), kpath,
				"\"%s\" has host bits set", pfx);
			return;
		}
		if (ha_addr4_parse(via, &r->via4) < 0) {
			cfg_err(c, vs, vpath, "\"%s\" is not an IPv4 address (prefix is IPv4)", via);
			return;
		}
	}
	if (cfg_get_string(c, s, path, "port", false, &port) == 0) {
		want = cfg_port_find(cfg, port);
		if (want < 0) {
			cfg_path_join(kpath, path, "port");
			cfg_err(c, config_setting_get_member(s, "port"), kpath,
				"no port named \"%s\"", port);
			return;
		}
	}
	idx = port_for_via(cfg, r, want);
	if (idx < 0) {
		cfg_err(c, vs, vpath, "next hop %s is not on a connected subnet of %s%s", via,
			want >= 0 ? "port " : "any port", want >= 0 ? port : "");
		return;
	}
	r->port = (uint16_t)idx;
	if (cfg_get_mac(c, s, path, r->mac, &r->has_mac) < 0)
		return;
	cfg->n_routes++;
}

void
cfg_parse_routes(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	const config_setting_t *l = config_setting_get_member(root, "routes");
	char path[PATH_LEN];
	int i, n;

	if (l == NULL)
		return;
	if (!config_setting_is_list(l)) {
		cfg_err(c, l, "routes", "must be a list ( { ... }, ... )");
		return;
	}
	n = config_setting_length(l);
	cfg->routes = calloc(n > 0 ? (size_t)n : 1, sizeof(*cfg->routes));
	if (cfg->routes == NULL) {
		cfg_err(c, l, "routes", "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned int)i);

		cfg_path_index(path, "routes", (unsigned int)i);
		if (!config_setting_is_group(e)) {
			cfg_err(c, e, path, "must be a group { ... }");
			continue;
		}
		parse_route(c, cfg, e, path);
	}
}

/* ---------------------------------------------------------------- home_agent */

static const char *const ha_keys[] = {
	"address6", "address4", "home_prefixes", "ipv4_home_prefixes", "ipv4_pool", "ipv4_lease",
	NULL
};

void
cfg_parse_home_agent(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	struct cfg_home_agent *ha = &cfg->ha;
	const config_setting_t *g;
	const char *str;
	char kpath[PATH_LEN];
	unsigned int i;
	bool on_port;

	if (cfg_get_group(c, root, "", "home_agent", true, &g) != 0)
		return;
	cfg_check_known(c, g, "home_agent", ha_keys);

	if (cfg_get_string(c, g, "home_agent", "address6", true, &str) == 0) {
		const config_setting_t *s = config_setting_get_member(g, "address6");

		if (ha_addr6_parse(str, &ha->addr6) < 0 ||
		    !ha_addr6_is_routable_unicast(&ha->addr6)) {
			cfg_err(c, s, "home_agent.address6",
				"\"%s\" is not a global unicast IPv6 address", str);
		} else {
			for (i = 0, on_port = false; i < cfg->n_ports; i++)
				on_port |= cfg->ports[i].has_ip6 &&
					   memcmp(&cfg->ports[i].ip6.addr, &ha->addr6, 16) == 0;
			if (!on_port)
				cfg_err(c, s, "home_agent.address6",
					"%s is not the ipv6 address of any port", str);
		}
	}
	if (cfg_get_string(c, g, "home_agent", "address4", false, &str) == 0) {
		const config_setting_t *s = config_setting_get_member(g, "address4");

		if (ha_addr4_parse(str, &ha->addr4) < 0 || !ha_addr4_is_unicast(ha->addr4)) {
			cfg_err(c, s, "home_agent.address4", "\"%s\" is not a unicast IPv4 address",
				str);
		} else {
			for (i = 0, on_port = false; i < cfg->n_ports; i++)
				on_port |= cfg->ports[i].has_ip4 &&
					   cfg->ports[i].ip4.addr == ha->addr4;
			if (!on_port)
				cfg_err(c, s, "home_agent.address4",
					"%s is not the ipv4 address of any port", str);
			else
				ha->has_addr4 = true;
		}
	}

	cfg_for_each_string(c, g, "home_agent", "home_prefixes", cfg_add_prefix6,
			&(struct p6_list){ ha->prefixes6, &ha->n_prefixes6, CFG_MAX_HOME_PREFIXES,
					   8 });
	if (ha->n_prefixes6 == 0 && config_setting_get_member(g, "home_prefixes") == NULL)
		cfg_err(c, g, "home_agent.home_prefixes", "at least one IPv6 home prefix is required");
	cfg_for_each_string(c, g, "home_agent", "ipv4_home_prefixes", cfg_add_prefix4,
			&(struct p4_list){ ha->prefixes4, &ha->n_prefixes4, CFG_MAX_HOME_PREFIXES,
					   true, 8 });
	cfg_for_each_string(c, g, "home_agent", "ipv4_pool", cfg_add_prefix4,
			&(struct p4_list){ ha->pools, &ha->n_pools, CFG_MAX_POOLS, true, 8 });
	GET_UINT(c, g, "home_agent", "ipv4_lease", 60, 31536000, ha->ipv4_lease);

	for (i = 0; i < ha->n_pools; i++) {
		unsigned int j;

		cfg_path_join(kpath, "home_agent", "ipv4_pool");
		if (ha->has_addr4 && ha_prefix4_contains(&ha->pools[i], ha->addr4))
			cfg_err(c, config_setting_get_member(g, "ipv4_pool"), kpath,
				"pool contains the home agent's own address");
		for (j = 0; j < i; j++)
			if (ha_prefix4_overlaps(&ha->pools[i], &ha->pools[j]))
				cfg_err(c, config_setting_get_member(g, "ipv4_pool"), kpath,
					"pools %u and %u overlap", j, i);
	}
}

/* ---------------------------------------------------------------- policy, capacity, dataplane */

static const char *const policy_keys[] = {
	"require_ipsec", "allow_forced_udp", "forced_udp_refuse_status", "allow_tlv",
	"nat_refresh", "nat_grace", "nat_detection", "max_lifetime", "dad", "dad_timeout_ms",
	"mobile_routers", "binding_error_rate", "icmp_error_rate", "allow_manual_gcm", "revocation",
	"revocation_retries", NULL
};

void
cfg_parse_policy(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	struct cfg_policy *p = &cfg->policy;
	const config_setting_t *g;
	const char *str;
	long long v;

	if (cfg_get_group(c, root, "", "policy", false, &g) != 0)
		return;
	cfg_check_known(c, g, "policy", policy_keys);
	cfg_get_bool(c, g, "policy", "require_ipsec", &p->require_ipsec);
	cfg_get_bool(c, g, "policy", "allow_forced_udp", &p->allow_forced_udp);
	cfg_get_bool(c, g, "policy", "allow_tlv", &p->allow_tlv);
	cfg_get_bool(c, g, "policy", "dad", &p->dad);
	cfg_get_bool(c, g, "policy", "mobile_routers", &p->mobile_routers);
	cfg_get_bool(c, g, "policy", "allow_manual_gcm", &p->allow_manual_gcm);
	cfg_get_bool(c, g, "policy", "revocation", &p->revocation);
	GET_UINT(c, g, "policy", "revocation_retries", 0, 10, p->revocation_retries);
	if (cfg_get_int(c, g, "policy", "forced_udp_refuse_status", false, 0, 255, &v) == 0) {
		if (v != 144 && v != 129)
			cfg_err(c, config_setting_get_member(g, "forced_udp_refuse_status"),
				"policy.forced_udp_refuse_status",
				"%lld is not 144 (RFC 5555 text) or 129 (administratively prohibited)",
				v);
		else
			p->forced_udp_refuse_status = (uint8_t)v;
	}
	/* 0 and 0xffffffff have special meanings in the NAT Detection option (RFC 5555 §3.2.2). */
	GET_UINT(c, g, "policy", "nat_refresh", 1, 0xfffffffeLL, p->nat_refresh);
	GET_UINT(c, g, "policy", "nat_grace", 0, 86400, p->nat_grace);
	GET_UINT(c, g, "policy", "max_lifetime", 4, CFG_MAX_LIFETIME_LIMIT, p->max_lifetime);
	GET_UINT(c, g, "policy", "dad_timeout_ms", 10, 60000, p->dad_timeout_ms);
	GET_UINT(c, g, "policy", "binding_error_rate", 0, 100000, p->binding_error_rate);
	GET_UINT(c, g, "policy", "icmp_error_rate", 0, 1000000, p->icmp_error_rate);
	if (cfg_get_string(c, g, "policy", "nat_detection", false, &str) == 0) {
		if (strcmp(str, "spi") == 0)
			p->nat_detection = CFG_NATD_SPI;
		else if (strcmp(str, "heuristic") == 0)
			p->nat_detection = CFG_NATD_HEURISTIC;
		else
			cfg_err(c, config_setting_get_member(g, "nat_detection"),
				"policy.nat_detection", "\"%s\" is not one of spi, heuristic", str);
	}
}

static const char *const cap_keys[] = { "bindings", "sas", "prefixes", NULL };
static const char *const dp_keys[] = {
	"burst", "mbufs", "rx_desc", "tx_desc", "punt_ring", "punt_rate", "esp_ring",
	"crypto_device", NULL
};

static bool
is_pow2(long long v)
{
	return v > 0 && (v & (v - 1)) == 0;
}

void
cfg_parse_capacity_dataplane(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	const config_setting_t *g;
	const char *str;
	long long v;

	if (cfg_get_group(c, root, "", "capacity", false, &g) == 0) {
		cfg_check_known(c, g, "capacity", cap_keys);
		GET_UINT(c, g, "capacity", "bindings", 16, 100000000, cfg->cap.bindings);
		GET_UINT(c, g, "capacity", "sas", 16, 16000000, cfg->cap.sas);
		/* rte_lpm6 keeps 21 bits of next hop */
		GET_UINT(c, g, "capacity", "prefixes", 16, 2097151, cfg->cap.prefixes);
	}
	if (cfg_get_group(c, root, "", "dataplane", false, &g) == 0) {
		cfg_check_known(c, g, "dataplane", dp_keys);
		GET_UINT(c, g, "dataplane", "burst", 1, 64, cfg->dp.burst);
		GET_UINT(c, g, "dataplane", "mbufs", 0, 16777216, cfg->dp.mbufs);
		GET_UINT(c, g, "dataplane", "rx_desc", 64, 8192, cfg->dp.rx_desc);
		GET_UINT(c, g, "dataplane", "tx_desc", 64, 8192, cfg->dp.tx_desc);
		if (cfg_get_int(c, g, "dataplane", "punt_ring", false, 64, 65536, &v) == 0) {
			if (!is_pow2(v))
				cfg_err(c, config_setting_get_member(g, "punt_ring"),
					"dataplane.punt_ring", "%lld is not a power of two", v);
			else
				cfg->dp.punt_ring = (uint32_t)v;
		}
		/* 0: no limit (benchmarks that register a million nodes in a second) */
		GET_UINT(c, g, "dataplane", "punt_rate", 0, 1000000, cfg->dp.punt_rate);
		if (cfg_get_int(c, g, "dataplane", "esp_ring", false, 64, 65536, &v) == 0) {
			if (!is_pow2(v))
				cfg_err(c, config_setting_get_member(g, "esp_ring"),
					"dataplane.esp_ring", "%lld is not a power of two", v);
			else
				cfg->dp.esp_ring = (uint32_t)v;
		}
		if (cfg_get_string(c, g, "dataplane", "crypto_device", false, &str) == 0) {
			/* a vdev name of the intel-ipsec-mb PMDs, optionally with arguments */
			if (strncmp(str, "crypto_aesni_mb", 15) != 0 &&
			    strncmp(str, "crypto_aesni_gcm", 16) != 0)
				cfg_err(c, config_setting_get_member(g, "crypto_device"),
					"dataplane.crypto_device",
					"\"%s\" is not a crypto_aesni_mb or crypto_aesni_gcm vdev", str);
			else if (strlen(str) >= sizeof(cfg->dp.crypto_device))
				cfg_err(c, config_setting_get_member(g, "crypto_device"),
					"dataplane.crypto_device", "longer than %zu characters",
					sizeof(cfg->dp.crypto_device) - 1);
			else
				snprintf(cfg->dp.crypto_device, sizeof(cfg->dp.crypto_device), "%s",
					 str);
		}
	}
}

/* ---------------------------------------------------------------- store */

static const char *const store_keys[] = { "path", "map_mb", "sync_ms", NULL };

void
cfg_parse_store(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	const config_setting_t *g;
	const char *str;

	if (cfg_get_group(c, root, "", "store", false, &g) != 0)
		return;
	cfg_check_known(c, g, "store", store_keys);
	if (cfg_get_string(c, g, "store", "path", false, &str) == 0) {
		if (str[0] != '\0' && str[0] != '/')
			cfg_err(c, config_setting_get_member(g, "path"), "store.path",
				"\"%s\" is not an absolute path (\"\" turns the store off)", str);
		else if (strlen(str) >= sizeof(cfg->store.path))
			cfg_err(c, config_setting_get_member(g, "path"), "store.path",
				"longer than %zu characters", sizeof(cfg->store.path) - 1);
		else
			snprintf(cfg->store.path, sizeof(cfg->store.path), "%s", str);
	}
	GET_UINT(c, g, "store", "map_mb", 16, 1048576, cfg->store.map_mb);
	GET_UINT(c, g, "store", "sync_ms", 0, 60000, cfg->store.sync_ms);
}

/* ---------------------------------------------------------------- pair */

static const char *const pair_keys[] = { "redis", "prefix", "liveness_interface", "stream_max",
					 "queue", NULL };

/* A string setting into buf (size len), refused when longer. */
static void
copy_string(struct cfg_ctx *c, const config_setting_t *g, const char *name, char *buf,
	    size_t len)
{
	const char *str;
	char what[64];

	snprintf(what, sizeof(what), "pair.%s", name);
	if (cfg_get_string(c, g, "pair", name, false, &str) != 0)
		return;
	if (strlen(str) >= len)
		cfg_err(c, config_setting_get_member(g, name), what, "longer than %zu characters",
			len - 1);
	else
		snprintf(buf, len, "%s", str);
}

void
cfg_parse_pair(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	const config_setting_t *g;

	if (cfg_get_group(c, root, "", "pair", false, &g) != 0)
		return;
	cfg_check_known(c, g, "pair", pair_keys);
	copy_string(c, g, "redis", cfg->pair.redis, sizeof(cfg->pair.redis));
	copy_string(c, g, "prefix", cfg->pair.prefix, sizeof(cfg->pair.prefix));
	copy_string(c, g, "liveness_interface", cfg->pair.liveness, sizeof(cfg->pair.liveness));
	GET_UINT(c, g, "pair", "stream_max", 1000, 100000000, cfg->pair.stream_max);
	GET_UINT(c, g, "pair", "queue", 1024, 16777216, cfg->pair.queue);
	if (cfg->pair.redis[0] != '\0' && cfg->store.path[0] == '\0')
		cfg_err(c, config_setting_get_member(g, "redis"), "pair.redis",
			"a pair replicates the state store: store.path may not be \"\"");
	if (cfg->pair.redis[0] != '\0' && cfg->pair.redis[0] != '/' &&
	    strrchr(cfg->pair.redis, ':') == NULL)
		cfg_err(c, config_setting_get_member(g, "redis"), "pair.redis",
			"\"%s\" is neither host:port nor a unix socket path", cfg->pair.redis);
}

/* ---------------------------------------------------------------- ike */

static const char *const ike_keys[] = { "enabled", "netns", "relay", "tap", NULL };

void
cfg_parse_ike(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	const config_setting_t *g;
	const char *str;

	if (cfg_get_group(c, root, "", "ike", false, &g) != 0)
		return;
	cfg_check_known(c, g, "ike", ike_keys);
	cfg_get_bool(c, g, "ike", "enabled", &cfg->ike.enabled);
	if (cfg_get_string(c, g, "ike", "netns", false, &str) == 0) {
		if (strlen(str) >= sizeof(cfg->ike.netns) || strchr(str, '/') != NULL)
			cfg_err(c, config_setting_get_member(g, "netns"), "ike.netns",
				"\"%s\" is not a network namespace name (ip netns)", str);
		else
			snprintf(cfg->ike.netns, sizeof(cfg->ike.netns), "%s", str);
	}
	if (cfg_get_string(c, g, "ike", "relay", false, &str) == 0) {
		if (strlen(str) >= sizeof(cfg->ike.relay) ||
		    (str[0] != '\0' && str[0] != '/' && strncmp(str, "file:/", 6) != 0))
			cfg_err(c, config_setting_get_member(g, "relay"), "ike.relay",
				"\"%s\" is neither the absolute path of a unix socket nor "
				"file:/path", str);
		else
			snprintf(cfg->ike.relay, sizeof(cfg->ike.relay), "%s", str);
	}
	if (cfg_get_string(c, g, "ike", "tap", false, &str) == 0) {
		if (strlen(str) >= sizeof(cfg->ike.tap) || strchr(str, '/') != NULL ||
		    strchr(str, ' ') != NULL)
			cfg_err(c, config_setting_get_member(g, "tap"), "ike.tap",
				"\"%s\" is not an interface name (1..15 characters)", str);
		else
			snprintf(cfg->ike.tap, sizeof(cfg->ike.tap), "%s", str);
	}
	if (cfg->ike.netns[0] != '\0' && cfg->ike.relay[0] != '\0')
		cfg_err(c, config_setting_get_member(g, "relay"), "ike.relay",
			"either netns (netlink there) or relay (a relay of another kernel), "
			"not both");
}

/* ---------------------------------------------------------------- home link */

static const char *const home_link_keys[] = { "advertise", "interval_ms", "router_lifetime",
					      "ha_preference", "ha_lifetime", "load_following",
					      NULL };

void
cfg_parse_home_link(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	const config_setting_t *g;

	if (cfg_get_group(c, root, "", "home_link", false, &g) != 0)
		return;
	cfg_check_known(c, g, "home_link", home_link_keys);
	cfg_get_bool(c, g, "home_link", "advertise", &cfg->home_link.advertise);
	/* R6275 §7.5: a home agent may advertise as often as every 70 ms; RFC 4861's cap */
	GET_UINT(c, g, "home_link", "interval_ms", 70, 1800000, cfg->home_link.interval_ms);
	GET_UINT(c, g, "home_link", "router_lifetime", 0, 9000, cfg->home_link.router_lifetime);
	GET_UINT(c, g, "home_link", "ha_preference", -32768, 32767,
		 cfg->home_link.ha_preference);
	/* R6275 §7.4: 0 must not be sent (it would mean "no longer a home agent") */
	GET_UINT(c, g, "home_link", "ha_lifetime", 1, 65535, cfg->home_link.ha_lifetime);
	cfg_get_bool(c, g, "home_link", "load_following", &cfg->home_link.load_following);
}
