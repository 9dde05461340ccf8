/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libconfig -> struct ha_cfg: defaults, parse, validate (pure, no EAL).
 *
 * Every error is one line "file:line: setting: reason" so that an operator can go straight to
 * the offending line. Parsing continues after an error so that one run reports all of them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "cfg.h"

#define PATH_LEN 96
#define CFG_DIM(a) (sizeof(a) / sizeof((a)[0]))

struct cfg_ctx {
	struct cfg_status *st;
	const char *file; /* name used when libconfig knows no source file */
};

static const char *
src_file(const struct cfg_ctx *c, const config_setting_t *s)
{
	const char *f = s != NULL ? config_setting_source_file(s) : NULL;

	return f != NULL ? f : c->file;
}

static void __attribute__((format(printf, 4, 5)))
cfg_err(struct cfg_ctx *c, const config_setting_t *s, const char *path, const char *fmt, ...)
{
	struct cfg_status *st = c->st;
	char reason[CFG_MSG_MAX];
	va_list ap;

	int line = s != NULL ? (int)config_setting_source_line(s) : 0;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	/* Settings missing from the top level have no line of their own. */
	if (st->n_errors < CFG_ERR_MAX && line > 0)
		snprintf(st->errors[st->n_errors], CFG_MSG_MAX, "%s:%d: %s: %s", src_file(c, s),
			 line, path, reason);
	else if (st->n_errors < CFG_ERR_MAX)
		snprintf(st->errors[st->n_errors], CFG_MSG_MAX, "%s: %s: %s", src_file(c, s), path,
			 reason);
	st->n_errors++;
}

static void
path_join(char *out, const char *parent, const char *key)
{
	if (parent[0] == '\0')
		snprintf(out, PATH_LEN, "%s", key);
	else
		snprintf(out, PATH_LEN, "%s.%s", parent, key);
}

static void
path_index(char *out, const char *parent, unsigned int i)
{
	snprintf(out, PATH_LEN, "%s[%u]", parent, i);
}

/* Reject settings that are not in the allowed list: a typo must not silently keep a default. */
static void
check_known(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath,
	    const char *const *allowed)
{
	int i, n = config_setting_length(grp);

	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, (unsigned int)i);
		const char *name = config_setting_name(s);
		const char *const *a;
		char path[PATH_LEN];

		if (name == NULL)
			continue;
		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, name) == 0)
				break;
		if (*a == NULL) {
			path_join(path, gpath, name);
			cfg_err(c, s, path, "unknown setting");
		}
	}
}

/* Getters: 1 = absent (and optional), 0 = found and valid, -1 = error reported. */

static int
get_group(struct cfg_ctx *c, const config_setting_t *parent, const char *ppath, const char *key,
	  bool required, const config_setting_t **out)
{
	const config_setting_t *s = config_setting_get_member(parent, key);
	char path[PATH_LEN];

	path_join(path, ppath, key);
	if (s == NULL) {
		if (required)
			cfg_err(c, parent, path, "missing required group");
		return required ? -1 : 1;
	}
	if (!config_setting_is_group(s)) {
		cfg_err(c, s, path, "must be a group { ... }");
		return -1;
	}
	*out = s;
	return 0;
}

static int
get_string(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath, const char *key,
	   bool required, const char **out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[PATH_LEN];

	path_join(path, gpath, key);
	if (s == NULL) {
		if (required)
			cfg_err(c, grp, path, "missing required setting");
		return required ? -1 : 1;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		cfg_err(c, s, path, "must be a string");
		return -1;
	}
	*out = config_setting_get_string(s);
	return 0;
}

static int
get_int(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath, const char *key,
	bool required, long long min, long long max, long long *out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[PATH_LEN];
	long long v;

	path_join(path, gpath, key);
	if (s == NULL) {
		if (required)
			cfg_err(c, grp, path, "missing required setting");
		return required ? -1 : 1;
	}
	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64) {
		cfg_err(c, s, path, "must be an integer");
		return -1;
	}
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		cfg_err(c, s, path, "%lld is out of range [%lld, %lld]", v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
get_bool(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath, const char *key,
	 bool *out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[PATH_LEN];

	if (s == NULL)
		return 1;
	path_join(path, gpath, key);
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		cfg_err(c, s, path, "must be true or false");
		return -1;
	}
	*out = config_setting_get_bool(s) != 0;
	return 0;
}

/* Integer setting stored into a narrower field: keeps the default when absent. */
#define GET_UINT(c, grp, gpath, key, min, max, field) do {                      \
	long long v_;                                                           \
	if (get_int((c), (grp), (gpath), (key), false, (min), (max), &v_) == 0) \
		(field) = v_;                                                   \
} while (0)

/* A string or a list/array of strings; calls fn(ctx, setting, path, text, arg) for each. */
typedef void (*cfg_str_fn)(struct cfg_ctx *c, const config_setting_t *s, const char *path,
			   const char *text, void *arg);

static void
for_each_string(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath, const char *key,
		cfg_str_fn fn, void *arg)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[PATH_LEN], epath[PATH_LEN];
	int i, n;

	if (s == NULL)
		return;
	path_join(path, gpath, key);
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		fn(c, s, path, config_setting_get_string(s), arg);
		return;
	}
	if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
		cfg_err(c, s, path, "must be a string or a list of strings");
		return;
	}
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned int)i);

		path_index(epath, path, (unsigned int)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_err(c, e, epath, "must be a string");
			continue;
		}
		fn(c, e, epath, config_setting_get_string(e), arg);
	}
}

/* Prefix lists with a fixed capacity, used for home prefixes, pools and NEMO prefixes. */
struct p4_list {
	struct ha_prefix4 *v;
	uint8_t *n;
	unsigned int max;
	bool canonical;  /* host bits must be zero */
	uint8_t min_len;
};

struct p6_list {
	struct ha_prefix6 *v;
	uint8_t *n;
	unsigned int max;
	uint8_t min_len;
};

static void
add_prefix4(struct cfg_ctx *c, const config_setting_t *s, const char *path, const char *text,
	    void *arg)
{
	struct p4_list *l = arg;
	struct ha_prefix4 p;
	char b[HA_PREFIX_STRLEN];

	if (ha_prefix4_parse(text, false, &p) < 0) {
		cfg_err(c, s, path, "\"%s\" is not a valid IPv4 prefix", text);
		return;
	}
	if (p.len < l->min_len) {
		cfg_err(c, s, path, "\"%s\": prefix length must be at least %u", text, l->min_len);
		return;
	}
	if (l->canonical && !ha_prefix4_is_canonical(&p)) {
		cfg_err(c, s, path, "\"%s\" has host bits set (did you mean %s?)", text,
			ha_prefix4_str(&(struct ha_prefix4){ p.addr & ha_mask4(p.len), p.len }, b,
				       sizeof(b)));
		return;
	}
	if (*l->n >= l->max) {
		cfg_err(c, s, path, "more than %u prefixes", l->max);
		return;
	}
	l->v[(*l->n)++] = p;
}

static void
add_prefix6(struct cfg_ctx *c, const config_setting_t *s, const char *path, const char *text,
	    void *arg)
{
	struct p6_list *l = arg;
	struct ha_prefix6 p;

	if (ha_prefix6_parse(text, false, &p) < 0) {
		cfg_err(c, s, path, "\"%s\" is not a valid IPv6 prefix", text);
		return;
	}
	if (p.len < l->min_len) {
		cfg_err(c, s, path, "\"%s\": prefix length must be at least %u", text, l->min_len);
		return;
	}
	if (!ha_prefix6_is_canonical(&p)) {
		cfg_err(c, s, path, "\"%s\" has host bits set", text);
		return;
	}
	if (*l->n >= l->max) {
		cfg_err(c, s, path, "more than %u prefixes", l->max);
		return;
	}
	l->v[(*l->n)++] = p;
}

/* Hex key "0x0011..." or "0011..."; -1 on bad digits or length. */
static int
parse_hex(const char *text, uint8_t *out, unsigned int max, uint8_t *len)
{
	size_t n, i;

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text += 2;
	n = strlen(text);
	if (n == 0 || n % 2 != 0 || n / 2 > max)
		return -1;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)text[i]))
			return -1;
	for (i = 0; i < n / 2; i++) {
		char b[3] = { text[2 * i], text[2 * i + 1], '\0' };

		out[i] = (uint8_t)strtoul(b, NULL, 16);
	}
	*len = (uint8_t)(n / 2);
	return 0;
}

void
cfg_defaults(struct ha_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->policy.require_ipsec = true;
	cfg->policy.allow_forced_udp = true;
	cfg->policy.forced_udp_refuse_status = 144; /* RFC 5555 §4.4.2; see protocol facts §19.3 */
	cfg->policy.allow_tlv = true;
	cfg->policy.nat_refresh = 110;              /* NATKATIMEOUT, RFC 5555 §6 */
	cfg->policy.nat_grace = 30;
	cfg->policy.nat_detection = CFG_NATD_SPI;
	cfg->policy.max_lifetime = 3600;
	cfg->policy.dad = true;
	cfg->policy.dad_timeout_ms = 1000;          /* RETRANS_TIMER, RFC 4861 §10 */
	cfg->policy.mobile_routers = true;
	cfg->policy.binding_error_rate = 10;
	cfg->policy.icmp_error_rate = 100;
	cfg->cap.bindings = 1000000;
	cfg->cap.sas = 65536;
	cfg->cap.prefixes = 16384;
	cfg->dp.burst = 32;
	cfg->dp.mbufs = 0;
	cfg->dp.rx_desc = 1024;
	cfg->dp.tx_desc = 1024;
	cfg->dp.punt_ring = 1024;
	cfg->dp.punt_rate = 10000;
	cfg->dp.esp_ring = 1024;
	snprintf(cfg->dp.crypto_device, sizeof(cfg->dp.crypto_device), "crypto_aesni_mb0");
	cfg->ha.ipv4_lease = 86400;
}

/* ---------------------------------------------------------------- ports */

/* An optional "mac" setting: a unicast MAC address. @return 0, 1 (absent) or -1. */
static int
get_mac(struct cfg_ctx *c, const config_setting_t *s, const char *path, uint8_t mac[6],
	bool *has)
{
	const char *str;
	char kpath[PATH_LEN];
	unsigned int b[6], k;
	char end;
	int r = get_string(c, s, path, "mac", false, &str);

	*has = false;
	if (r != 0)
		return r;
	path_join(kpath, path, "mac");
	if (sscanf(str, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != 6 || (b[0] & 1) != 0) {
		cfg_err(c, config_setting_get_member(s, "mac"), kpath,
			"\"%s\" is not a unicast MAC address (xx:xx:xx:xx:xx:xx)", str);
		return -1;
	}
	for (k = 0; k < 6; k++)
		mac[k] = (uint8_t)b[k];
	*has = true;
	return 0;
}

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
	check_known(c, s, path, port_keys);

	if (get_string(c, s, path, "name", true, &str) == 0) {
		path_join(kpath, path, "name");
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
	if (get_string(c, s, path, "device", true, &str) == 0) {
		path_join(kpath, path, "device");
		if (str[0] == '\0' || strlen(str) >= CFG_DEVICE_MAX)
			cfg_err(c, config_setting_get_member(s, "device"), kpath,
				"must be 1 to %d characters", CFG_DEVICE_MAX - 1);
		else
			snprintf(p->device, sizeof(p->device), "%s", str);
	}
	if (get_string(c, s, path, "role", true, &str) == 0) {
		path_join(kpath, path, "role");
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
	if (get_string(c, s, path, "ipv4", false, &str) == 0) {
		path_join(kpath, path, "ipv4");
		if (ha_prefix4_parse(str, false, &p->ip4) < 0 || p->ip4.len == 0)
			cfg_err(c, config_setting_get_member(s, "ipv4"), kpath,
				"\"%s\" is not an IPv4 address with prefix length (a.b.c.d/len)", str);
		else if (!ha_addr4_is_unicast(p->ip4.addr))
			cfg_err(c, config_setting_get_member(s, "ipv4"), kpath,
				"\"%s\" is not a unicast address", str);
		else
			p->has_ip4 = true;
	}
	if (get_string(c, s, path, "ipv6", false, &str) == 0) {
		path_join(kpath, path, "ipv6");
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
	get_mac(c, s, path, p->mac, &p->has_mac);
	cfg->n_ports++;
}

static void
parse_ports(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
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

		path_index(path, "ports", (unsigned int)i);
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
	check_known(c, s, path, route_keys);
	if (get_string(c, s, path, "prefix", true, &pfx) != 0 ||
	    get_string(c, s, path, "via", true, &via) != 0)
		return;
	path_join(kpath, path, "prefix");
	path_join(vpath, path, "via");
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
	if (get_string(c, s, path, "port", false, &port) == 0) {
		want = cfg_port_find(cfg, port);
		if (want < 0) {
			path_join(kpath, path, "port");
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
	if (get_mac(c, s, path, r->mac, &r->has_mac) < 0)
		return;
	cfg->n_routes++;
}

static void
parse_routes(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
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

		path_index(path, "routes", (unsigned int)i);
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

static void
parse_home_agent(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	struct cfg_home_agent *ha = &cfg->ha;
	const config_setting_t *g;
	const char *str;
	char kpath[PATH_LEN];
	unsigned int i;
	bool on_port;

	if (get_group(c, root, "", "home_agent", true, &g) != 0)
		return;
	check_known(c, g, "home_agent", ha_keys);

	if (get_string(c, g, "home_agent", "address6", true, &str) == 0) {
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
	if (get_string(c, g, "home_agent", "address4", false, &str) == 0) {
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

	for_each_string(c, g, "home_agent", "home_prefixes", add_prefix6,
			&(struct p6_list){ ha->prefixes6, &ha->n_prefixes6, CFG_MAX_HOME_PREFIXES,
					   8 });
	if (ha->n_prefixes6 == 0 && config_setting_get_member(g, "home_prefixes") == NULL)
		cfg_err(c, g, "home_agent.home_prefixes", "at least one IPv6 home prefix is required");
	for_each_string(c, g, "home_agent", "ipv4_home_prefixes", add_prefix4,
			&(struct p4_list){ ha->prefixes4, &ha->n_prefixes4, CFG_MAX_HOME_PREFIXES,
					   true, 8 });
	for_each_string(c, g, "home_agent", "ipv4_pool", add_prefix4,
			&(struct p4_list){ ha->pools, &ha->n_pools, CFG_MAX_POOLS, true, 8 });
	GET_UINT(c, g, "home_agent", "ipv4_lease", 60, 31536000, ha->ipv4_lease);

	for (i = 0; i < ha->n_pools; i++) {
		unsigned int j;

		path_join(kpath, "home_agent", "ipv4_pool");
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
	"mobile_routers", "binding_error_rate", "icmp_error_rate", NULL
};

static void
parse_policy(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	struct cfg_policy *p = &cfg->policy;
	const config_setting_t *g;
	const char *str;
	long long v;

	if (get_group(c, root, "", "policy", false, &g) != 0)
		return;
	check_known(c, g, "policy", policy_keys);
	get_bool(c, g, "policy", "require_ipsec", &p->require_ipsec);
	get_bool(c, g, "policy", "allow_forced_udp", &p->allow_forced_udp);
	get_bool(c, g, "policy", "allow_tlv", &p->allow_tlv);
	get_bool(c, g, "policy", "dad", &p->dad);
	get_bool(c, g, "policy", "mobile_routers", &p->mobile_routers);
	if (get_int(c, g, "policy", "forced_udp_refuse_status", false, 0, 255, &v) == 0) {
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
	if (get_string(c, g, "policy", "nat_detection", false, &str) == 0) {
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

static void
parse_capacity_dataplane(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	const config_setting_t *g;
	const char *str;
	long long v;

	if (get_group(c, root, "", "capacity", false, &g) == 0) {
		check_known(c, g, "capacity", cap_keys);
		GET_UINT(c, g, "capacity", "bindings", 16, 100000000, cfg->cap.bindings);
		GET_UINT(c, g, "capacity", "sas", 16, 16000000, cfg->cap.sas);
		/* rte_lpm6 keeps 21 bits of next hop */
		GET_UINT(c, g, "capacity", "prefixes", 16, 2097151, cfg->cap.prefixes);
	}
	if (get_group(c, root, "", "dataplane", false, &g) == 0) {
		check_known(c, g, "dataplane", dp_keys);
		GET_UINT(c, g, "dataplane", "burst", 1, 64, cfg->dp.burst);
		GET_UINT(c, g, "dataplane", "mbufs", 0, 16777216, cfg->dp.mbufs);
		GET_UINT(c, g, "dataplane", "rx_desc", 64, 8192, cfg->dp.rx_desc);
		GET_UINT(c, g, "dataplane", "tx_desc", 64, 8192, cfg->dp.tx_desc);
		if (get_int(c, g, "dataplane", "punt_ring", false, 64, 65536, &v) == 0) {
			if (!is_pow2(v))
				cfg_err(c, config_setting_get_member(g, "punt_ring"),
					"dataplane.punt_ring", "%lld is not a power of two", v);
			else
				cfg->dp.punt_ring = (uint32_t)v;
		}
		/* 0: no limit (benchmarks that register a million nodes in a second) */
		GET_UINT(c, g, "dataplane", "punt_rate", 0, 1000000, cfg->dp.punt_rate);
		if (get_int(c, g, "dataplane", "esp_ring", false, 64, 65536, &v) == 0) {
			if (!is_pow2(v))
				cfg_err(c, config_setting_get_member(g, "esp_ring"),
					"dataplane.esp_ring", "%lld is not a power of two", v);
			else
				cfg->dp.esp_ring = (uint32_t)v;
		}
		if (get_string(c, g, "dataplane", "crypto_device", false, &str) == 0) {
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

/* ---------------------------------------------------------------- mobile nodes */

static const char *const mn_keys[] = {
	"id", "hoa6", "hoa4", "mobile_router", "ipv4_prefix", "prefixes", "sas", "count", NULL
};
static const char *const sa_keys[] = {
	"spi", "direction", "role", "algorithm", "key", "auth_key", "replay_window", "esn", NULL
};

static const struct {
	const char *name;
	enum cfg_sa_alg alg;
	uint8_t key_len;      /* cipher key + salt */
	uint8_t auth_key_len;
} alg_table[] = {
	{ "null", CFG_ALG_NULL, 0, 0 },
	{ "aes-128-gcm", CFG_ALG_AES128_GCM, 16 + 4, 0 },
	{ "aes-256-gcm", CFG_ALG_AES256_GCM, 32 + 4, 0 },
	{ "aes-128-cbc-hmac-sha1", CFG_ALG_AES128_CBC_SHA1, 16, 20 },
	{ "aes-128-cbc-hmac-sha256", CFG_ALG_AES128_CBC_SHA256, 16, 32 },
};

const char *
cfg_alg_name(enum cfg_sa_alg alg)
{
	unsigned int i;

	for (i = 0; i < CFG_DIM(alg_table); i++)
		if (alg_table[i].alg == alg)
			return alg_table[i].name;
	return "?";
}

static void
parse_key(struct cfg_ctx *c, const config_setting_t *s, const char *path, const char *key,
	  uint8_t want, uint8_t *out, uint8_t max, uint8_t *len, const char *alg)
{
	const char *str = NULL;
	char kpath[PATH_LEN];
	int r = get_string(c, s, path, key, want > 0, &str);

	path_join(kpath, path, key);
	if (r < 0)
		return;
	if (r == 1) {
		*len = 0;
		return;
	}
	if (want == 0) {
		cfg_err(c, config_setting_get_member(s, key), kpath, "algorithm %s takes no %s",
			alg, key);
		return;
	}
	if (parse_hex(str, out, max, len) < 0 || *len != want)
		cfg_err(c, config_setting_get_member(s, key), kpath,
			"must be %u bytes of hex for %s%s", want, alg,
			strstr(alg, "gcm") != NULL && strcmp(key, "key") == 0 ?
			" (key then 4-byte salt, RFC 4106)" : "");
}

static void
parse_sa(struct cfg_ctx *c, struct cfg_mn *mn, const config_setting_t *s, const char *path)
{
	struct cfg_sa *sa = &mn->sas[mn->n_sas];
	const char *str;
	char kpath[PATH_LEN];
	long long v;
	unsigned int i;
	bool ok = true;

	memset(sa, 0, sizeof(*sa));
	sa->line = config_setting_source_line(s);
	sa->replay_window = 64;
	check_known(c, s, path, sa_keys);
	/* SPI 0 is never sent and 1-255 are reserved by IANA (RFC 4303 §2.1). */
	if (get_int(c, s, path, "spi", true, 256, 0xffffffffLL, &v) == 0)
		sa->spi = (uint32_t)v;
	else
		ok = false;
	if (get_string(c, s, path, "direction", true, &str) == 0) {
		if (strcmp(str, "in") == 0) {
			sa->dir = CFG_SA_IN;
		} else if (strcmp(str, "out") == 0) {
			sa->dir = CFG_SA_OUT;
		} else {
			path_join(kpath, path, "direction");
			cfg_err(c, config_setting_get_member(s, "direction"), kpath,
				"\"%s\" is not one of in, out", str);
			ok = false;
		}
	} else {
		ok = false;
	}
	if (get_string(c, s, path, "role", true, &str) == 0) {
		if (strcmp(str, "signalling") == 0) {
			sa->role = CFG_SA_SIGNALLING;
		} else if (strcmp(str, "payload") == 0) {
			sa->role = CFG_SA_PAYLOAD;
		} else {
			path_join(kpath, path, "role");
			cfg_err(c, config_setting_get_member(s, "role"), kpath,
				"\"%s\" is not one of signalling, payload", str);
			ok = false;
		}
	} else {
		ok = false;
	}
	if (get_string(c, s, path, "algorithm", true, &str) == 0) {
		for (i = 0; i < CFG_DIM(alg_table); i++)
			if (strcmp(alg_table[i].name, str) == 0)
				break;
		if (i == CFG_DIM(alg_table)) {
			path_join(kpath, path, "algorithm");
			cfg_err(c, config_setting_get_member(s, "algorithm"), kpath,
				"\"%s\" is not one of null, aes-128-gcm, aes-256-gcm, "
				"aes-128-cbc-hmac-sha1, aes-128-cbc-hmac-sha256", str);
			ok = false;
		} else if (alg_table[i].alg == CFG_ALG_NULL && sa->role == CFG_SA_SIGNALLING) {
			/* R6275 §5.1, R4877 §4.3: BU/BA need a non-NULL authentication */
			path_join(kpath, path, "algorithm");
			cfg_err(c, config_setting_get_member(s, "algorithm"), kpath,
				"a signalling SA needs authentication (RFC 6275 §5.1); \"null\" is "
				"for payload SAs in tests");
			ok = false;
		} else {
			sa->alg = alg_table[i].alg;
			parse_key(c, s, path, "key", alg_table[i].key_len, sa->key, CFG_KEY_MAX,
				  &sa->key_len, str);
			parse_key(c, s, path, "auth_key", alg_table[i].auth_key_len, sa->auth_key,
				  CFG_AUTH_KEY_MAX, &sa->auth_key_len, str);
		}
	} else {
		ok = false;
	}
	GET_UINT(c, s, path, "replay_window", 0, 4096, sa->replay_window);
	get_bool(c, s, path, "esn", &sa->esn);
	for (i = 0; ok && i < mn->n_sas; i++)
		if (mn->sas[i].dir == sa->dir && mn->sas[i].role == sa->role) {
			cfg_err(c, s, path, "a second %s %s SA (first at line %d)",
				sa->role == CFG_SA_SIGNALLING ? "signalling" : "payload",
				sa->dir == CFG_SA_IN ? "inbound" : "outbound", mn->sas[i].line);
			ok = false;
		}
	if (ok)
		mn->n_sas++;
}

static void
parse_mn_prefix(struct cfg_ctx *c, const config_setting_t *s, const char *path, const char *text,
		void *arg)
{
	struct cfg_mn *mn = arg;

	if (strchr(text, ':') != NULL)
		add_prefix6(c, s, path, text, &(struct p6_list){ mn->prefixes6, &mn->n_prefixes6,
								 CFG_MN_MAX_PREFIXES, 8 });
	else
		add_prefix4(c, s, path, text, &(struct p4_list){ mn->prefixes4, &mn->n_prefixes4,
								 CFG_MN_MAX_PREFIXES, true, 8 });
}

/* A block of count nodes (provisioning by the thousand): its last node must be valid too. */
static void
check_block(struct cfg_ctx *c, const struct ha_cfg *cfg, const struct cfg_mn *mn,
	    const config_setting_t *s, const char *path)
{
	const config_setting_t *cs = config_setting_get_member(s, "count");
	struct in6_addr last6;
	char kpath[PATH_LEN], buf[HA_ADDR_STRLEN];
	bool in_home = false;
	unsigned int i;

	path_join(kpath, path, "count");
	if (snprintf(buf, sizeof(buf), "%s%u", mn->id, mn->count - 1) >= CFG_NAME_MAX)
		cfg_err(c, cs, kpath, "ids \"%s0\"..\"%s\" would be longer than %d characters",
			mn->id, buf, CFG_NAME_MAX - 1);
	if (!ha_addr6_add(&mn->hoa6, mn->count - 1, &last6)) {
		in_home = false;
	} else {
		for (i = 0; i < cfg->ha.n_prefixes6; i++)
			in_home |= ha_prefix6_contains(&cfg->ha.prefixes6[i], &last6) &&
				   ha_prefix6_contains(&cfg->ha.prefixes6[i], &mn->hoa6);
	}
	if (!in_home && cfg->ha.n_prefixes6 > 0)
		cfg_err(c, cs, kpath, "the block's last hoa6 %s is not in the home prefix of its "
			"first", ha_addr6_str(&last6, buf, sizeof(buf)));
	if (mn->hoa4_mode == CFG_HOA4_STATIC) {
		uint32_t first = ntohl(mn->hoa4), last = first + mn->count - 1;
		bool inside = cfg->ha.n_prefixes4 == 0;

		for (i = 0; i < cfg->ha.n_prefixes4; i++)
			inside |= ha_prefix4_contains(&cfg->ha.prefixes4[i], htonl(last)) &&
				  ha_prefix4_contains(&cfg->ha.prefixes4[i], mn->hoa4);
		for (i = 0; i < cfg->ha.n_pools && last >= first; i++) {
			const struct ha_prefix4 *p = &cfg->ha.pools[i];
			uint32_t lo = ntohl(p->addr) & ntohl(ha_mask4(p->len));
			uint32_t hi = lo | ~ntohl(ha_mask4(p->len));

			if (first <= hi && last >= lo)
				inside = false;
		}
		if (last < first || !inside)
			cfg_err(c, cs, kpath, "the block's IPv4 home addresses leave the home "
				"prefixes or enter the dynamic pool");
	}
	if (mn->n_prefixes6 > 0 || mn->n_prefixes4 > 0)
		cfg_err(c, cs, kpath, "a block of mobile routers cannot share prefixes");
	for (i = 0; i < mn->n_sas; i++)
		if ((uint64_t)mn->sas[i].spi + mn->count - 1 > 0xffffffffULL)
			cfg_err(c, cs, kpath, "SPI 0x%x + %u passes 0xffffffff", mn->sas[i].spi,
				mn->count - 1);
}

/*
 * A mobile network is the router's alone (RFC 3963 §6.2): an IPv6 one is never part of a
 * home prefix (the home link's addresses are the home agent's to defend), an IPv4 one never
 * part of the dynamic pool.
 */
static void
check_mnp_space(struct cfg_ctx *c, const struct ha_cfg *cfg, const struct cfg_mn *mn,
		const config_setting_t *s, const char *path)
{
	const config_setting_t *ps = config_setting_get_member(s, "prefixes");
	char kpath[PATH_LEN], a[HA_ADDR_STRLEN], b[HA_ADDR_STRLEN];
	unsigned int i, j;

	path_join(kpath, path, "prefixes");
	for (i = 0; i < mn->n_prefixes6; i++)
		for (j = 0; j < cfg->ha.n_prefixes6; j++)
			if (ha_prefix6_overlaps(&mn->prefixes6[i], &cfg->ha.prefixes6[j]))
				cfg_err(c, ps, kpath, "%s/%u overlaps the home prefix %s/%u",
					ha_addr6_str(&mn->prefixes6[i].addr, a, sizeof(a)),
					mn->prefixes6[i].len,
					ha_addr6_str(&cfg->ha.prefixes6[j].addr, b, sizeof(b)),
					cfg->ha.prefixes6[j].len);
	for (i = 0; i < mn->n_prefixes4; i++)
		for (j = 0; j < cfg->ha.n_pools; j++)
			if (ha_prefix4_overlaps(&mn->prefixes4[i], &cfg->ha.pools[j]))
				cfg_err(c, ps, kpath, "%s/%u overlaps home_agent.ipv4_pool %s/%u",
					ha_addr4_str(mn->prefixes4[i].addr, a, sizeof(a)),
					mn->prefixes4[i].len,
					ha_addr4_str(cfg->ha.pools[j].addr, b, sizeof(b)),
					cfg->ha.pools[j].len);
}

void
cfg_mn_instance(const struct cfg_mn *m, uint32_t k, struct cfg_mn *out)
{
	unsigned int i;

	*out = *m;
	out->count = 1;
	if (m->count <= 1)
		return;
	snprintf(out->id, sizeof(out->id), "%s%u", m->id, k);
	ha_addr6_add(&m->hoa6, k, &out->hoa6);
	if (m->hoa4_mode == CFG_HOA4_STATIC)
		out->hoa4 = htonl(ntohl(m->hoa4) + k);
	for (i = 0; i < m->n_sas; i++)
		out->sas[i].spi = m->sas[i].spi + k;
}

uint64_t
cfg_mn_total(const struct ha_cfg *cfg)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < cfg->n_mns; i++)
		n += cfg->mns[i].count;
	return n;
}

static void
parse_mn(struct cfg_ctx *c, struct ha_cfg *cfg, struct cfg_mn *mn, const config_setting_t *s,
	 const char *path)
{
	const config_setting_t *l;
	const char *str;
	char kpath[PATH_LEN];
	unsigned int i;
	bool in_home = false;

	memset(mn, 0, sizeof(*mn));
	mn->line = config_setting_source_line(s);
	mn->count = 1;
	check_known(c, s, path, mn_keys);
	GET_UINT(c, s, path, "count", 1, 10000000, mn->count);

	if (get_string(c, s, path, "id", true, &str) == 0) {
		path_join(kpath, path, "id");
		if (str[0] == '\0' || strlen(str) >= CFG_NAME_MAX)
			cfg_err(c, config_setting_get_member(s, "id"), kpath,
				"must be 1 to %d characters", CFG_NAME_MAX - 1);
		else
			snprintf(mn->id, sizeof(mn->id), "%s", str);
	}
	if (get_string(c, s, path, "hoa6", true, &str) == 0) {
		path_join(kpath, path, "hoa6");
		if (ha_addr6_parse(str, &mn->hoa6) < 0 || !ha_addr6_is_routable_unicast(&mn->hoa6)) {
			cfg_err(c, config_setting_get_member(s, "hoa6"), kpath,
				"\"%s\" is not a global unicast IPv6 address", str);
		} else {
			for (i = 0; i < cfg->ha.n_prefixes6; i++)
				in_home |= ha_prefix6_contains(&cfg->ha.prefixes6[i], &mn->hoa6);
			if (!in_home && cfg->ha.n_prefixes6 > 0)
				cfg_err(c, config_setting_get_member(s, "hoa6"), kpath,
					"%s is not inside any home_agent.home_prefixes", str);
		}
	}
	if (get_string(c, s, path, "hoa4", false, &str) == 0) {
		const config_setting_t *hs = config_setting_get_member(s, "hoa4");

		path_join(kpath, path, "hoa4");
		if (strcmp(str, "dynamic") == 0) {
			mn->hoa4_mode = CFG_HOA4_DYNAMIC;
			if (cfg->ha.n_pools == 0)
				cfg_err(c, hs, kpath, "\"dynamic\" needs home_agent.ipv4_pool");
		} else if (ha_addr4_parse(str, &mn->hoa4) < 0 || !ha_addr4_is_unicast(mn->hoa4)) {
			cfg_err(c, hs, kpath, "\"%s\" is neither a unicast IPv4 address nor \"dynamic\"",
				str);
		} else {
			mn->hoa4_mode = CFG_HOA4_STATIC;
			for (i = 0; i < cfg->ha.n_pools; i++)
				if (ha_prefix4_contains(&cfg->ha.pools[i], mn->hoa4))
					cfg_err(c, hs, kpath, "%s is inside home_agent.ipv4_pool; "
						"static addresses must be outside the dynamic pool", str);
			if (cfg->ha.n_prefixes4 > 0) {
				bool inside = false;

				for (i = 0; i < cfg->ha.n_prefixes4; i++)
					inside |= ha_prefix4_contains(&cfg->ha.prefixes4[i],
								      mn->hoa4);
				if (!inside)
					cfg_err(c, hs, kpath, "%s is not inside any "
						"home_agent.ipv4_home_prefixes", str);
			}
		}
	}
	get_bool(c, s, path, "mobile_router", &mn->mobile_router);
	get_bool(c, s, path, "ipv4_prefix", &mn->ipv4_prefix);
	for_each_string(c, s, path, "prefixes", parse_mn_prefix, mn);
	if ((mn->n_prefixes6 > 0 || mn->n_prefixes4 > 0) && !mn->mobile_router) {
		path_join(kpath, path, "prefixes");
		cfg_err(c, config_setting_get_member(s, "prefixes"), kpath,
			"mobile network prefixes need mobile_router = true");
	}
	check_mnp_space(c, cfg, mn, s, path);
	if (mn->mobile_router && !cfg->policy.mobile_routers) {
		path_join(kpath, path, "mobile_router");
		cfg_err(c, config_setting_get_member(s, "mobile_router"), kpath,
			"policy.mobile_routers is false");
	}
	if (mn->ipv4_prefix && cfg->ha.n_pools == 0) {
		path_join(kpath, path, "ipv4_prefix");
		cfg_err(c, config_setting_get_member(s, "ipv4_prefix"), kpath,
			"IPv4 prefix delegation needs home_agent.ipv4_pool");
	}

	l = config_setting_get_member(s, "sas");
	if (l != NULL) {
		path_join(kpath, path, "sas");
		if (!config_setting_is_list(l)) {
			cfg_err(c, l, kpath, "must be a list ( { ... }, ... )");
		} else {
			int j, n = config_setting_length(l);
			char spath[PATH_LEN];

			if (n > CFG_MN_MAX_SAS)
				cfg_err(c, l, kpath, "%d SAs, at most %d per mobile node", n,
					CFG_MN_MAX_SAS);
			for (j = 0; j < n && j < CFG_MN_MAX_SAS; j++) {
				const config_setting_t *e = config_setting_get_elem(l, (unsigned)j);

				path_index(spath, kpath, (unsigned int)j);
				if (!config_setting_is_group(e))
					cfg_err(c, e, spath, "must be a group { ... }");
				else
					parse_sa(c, mn, e, spath);
			}
		}
	}
	if (mn->count > 1)
		check_block(c, cfg, mn, s, path);
}

/* Sort keys to find duplicates across many mobile nodes in O(n log n). */
enum dup_tag { DUP_HOA6 = 1, DUP_ID, DUP_HOA4, DUP_SPI_IN, DUP_SPI_OUT };

struct dup_key {
	uint8_t k[1 + CFG_NAME_MAX]; /* tag, then the value zero-padded */
	unsigned int mn;
	unsigned int sa;
};

static int
dup_cmp(const void *a, const void *b)
{
	const struct dup_key *x = a, *y = b;
	int r = memcmp(x->k, y->k, sizeof(x->k));

	if (r != 0)
		return r;
	return x->mn < y->mn ? -1 : x->mn > y->mn;
}

static void
dup_add(struct dup_key *keys, size_t *n, enum dup_tag tag, const void *v, size_t len,
	unsigned int mn, unsigned int sa)
{
	struct dup_key *k = &keys[(*n)++];

	k->k[0] = (uint8_t)tag;
	memcpy(&k->k[1], v, len);
	k->mn = mn;
	k->sa = sa;
}

/* Is a inside [first, first + count)? */
static bool
in_block6(const struct in6_addr *first, uint32_t count, const struct in6_addr *a)
{
	struct in6_addr last;

	return ha_addr6_add(first, count - 1, &last) && memcmp(a, first, 16) >= 0 &&
	       memcmp(a, &last, 16) <= 0;
}

/* Blocks (count > 1) must not overlap another node or block: addresses, ids, SPIs. */
static void
check_block_overlaps(struct cfg_ctx *c, const struct ha_cfg *cfg, const config_setting_t *list)
{
	unsigned int i, j, s, t;
	char path[PATH_LEN];

	for (i = 0; i < cfg->n_mns; i++) {
		const struct cfg_mn *b = &cfg->mns[i];
		size_t idl = strlen(b->id);

		if (b->count <= 1)
			continue;
		for (j = 0; j < cfg->n_mns; j++) {
			const struct cfg_mn *o = &cfg->mns[j];
			struct in6_addr olast;
			bool clash;

			if (j == i || (o->count > 1 && j < i))
				continue;
			ha_addr6_add(&o->hoa6, o->count - 1, &olast);
			clash = in_block6(&b->hoa6, b->count, &o->hoa6) ||
				in_block6(&b->hoa6, b->count, &olast) ||
				in_block6(&o->hoa6, o->count, &b->hoa6);
			/* "bench" block and a node "bench42" (or another "bench" block) */
			if (strncmp(o->id, b->id, idl) == 0) {
				const char *d = o->id + idl;

				if (o->count > 1 || (*d != '\0' && strspn(d, "0123456789") ==
						     strlen(d) && strtoul(d, NULL, 10) < b->count))
					clash = true;
			}
			for (s = 0; s < b->n_sas; s++)
				for (t = 0; t < o->n_sas; t++)
					if (b->sas[s].dir == o->sas[t].dir &&
					    (uint64_t)o->sas[t].spi + o->count > b->sas[s].spi &&
					    (uint64_t)b->sas[s].spi + b->count > o->sas[t].spi)
						clash = true;
			if (clash) {
				path_index(path, "mobile_nodes", j);
				cfg_err(c, config_setting_get_elem(list, j), path,
					"overlaps the block \"%s\" of %u nodes (line %d): home "
					"addresses, ids or SPIs", b->id, b->count, b->line);
			}
		}
	}
}

/* A mobile network prefix (an IPv4 one as ::ffff:a.b.c.d/(96 + len)) and its node. */
struct mnp_key {
	struct ha_prefix6 p;
	unsigned int mn;
};

static const char *
mnp_str(const struct ha_prefix6 *p, char *buf, size_t len)
{
	char a[HA_ADDR_STRLEN];

	if (p->len >= 96 && IN6_IS_ADDR_V4MAPPED(&p->addr))
		snprintf(buf, len, "%s/%u", ha_addr4_str(p->addr.s6_addr32[3], a, sizeof(a)),
			 p->len - 96);
	else
		snprintf(buf, len, "%s/%u", ha_addr6_str(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

static int
mnp_cmp(const void *a, const void *b)
{
	const struct mnp_key *x = a, *y = b;
	int r = memcmp(&x->p.addr, &y->p.addr, 16);

	if (r != 0)
		return r;
	if (x->p.len != y->p.len)
		return x->p.len - y->p.len;
	return x->mn < y->mn ? -1 : x->mn > y->mn;
}

/*
 * Two routers' prefixes never overlap (RFC 3963 §6.2: a prefix leads to one router). Sorted
 * by address then length, a prefix's overlaps are the ones right after it that it contains.
 */
static void
check_mnp_overlaps(struct cfg_ctx *c, const struct ha_cfg *cfg, const config_setting_t *list)
{
	struct mnp_key *k;
	size_t n = 0, i, j;
	char path[PATH_LEN], a[HA_ADDR_STRLEN + 4], b[HA_ADDR_STRLEN + 4];
	unsigned int m, p;

	for (m = 0; m < cfg->n_mns; m++)
		n += cfg->mns[m].n_prefixes6 + cfg->mns[m].n_prefixes4;
	if (n == 0)
		return;
	k = calloc(n, sizeof(*k));
	if (k == NULL) {
		cfg_err(c, list, "mobile_nodes", "out of memory");
		return;
	}
	n = 0;
	for (m = 0; m < cfg->n_mns; m++) {
		const struct cfg_mn *mn = &cfg->mns[m];

		for (p = 0; p < mn->n_prefixes6; p++)
			k[n++] = (struct mnp_key){ mn->prefixes6[p], m };
		for (p = 0; p < mn->n_prefixes4; p++) {
			struct mnp_key *x = &k[n++];

			*x = (struct mnp_key){ .p.len = (uint8_t)(96 + mn->prefixes4[p].len),
					       .mn = m };
			x->p.addr.s6_addr[10] = x->p.addr.s6_addr[11] = 0xff;
			memcpy(&x->p.addr.s6_addr[12], &mn->prefixes4[p].addr, 4);
		}
	}
	qsort(k, n, sizeof(*k), mnp_cmp);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n && ha_prefix6_contains(&k[i].p, &k[j].p.addr); j++) {
			const struct mnp_key *mine = k[i].mn > k[j].mn ? &k[i] : &k[j];
			const struct mnp_key *theirs = mine == &k[i] ? &k[j] : &k[i];

			if (k[i].mn == k[j].mn)
				continue;
			path_index(path, "mobile_nodes", mine->mn);
			cfg_err(c, config_setting_get_elem(list, mine->mn), path,
				"mobile network prefix %s overlaps %s of mobile node \"%s\" "
				"(line %d)", mnp_str(&mine->p, a, sizeof(a)),
				mnp_str(&theirs->p, b, sizeof(b)), cfg->mns[theirs->mn].id,
				cfg->mns[theirs->mn].line);
		}
	free(k);
}

static void
check_mn_duplicates(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *list)
{
	static const char *const what[] = {
		[DUP_HOA6] = "hoa6", [DUP_ID] = "id", [DUP_HOA4] = "hoa4",
	};
	struct dup_key *keys;
	size_t n = 0, i, max = (size_t)cfg->n_mns * (3 + CFG_MN_MAX_SAS);
	char path[PATH_LEN];

	keys = calloc(max > 0 ? max : 1, sizeof(*keys));
	if (keys == NULL) {
		cfg_err(c, list, "mobile_nodes", "out of memory");
		return;
	}
	for (i = 0; i < cfg->n_mns; i++) {
		const struct cfg_mn *mn = &cfg->mns[i];
		unsigned int j, m = (unsigned int)i;

		dup_add(keys, &n, DUP_HOA6, &mn->hoa6, 16, m, 0);
		dup_add(keys, &n, DUP_ID, mn->id, strlen(mn->id), m, 0);
		if (mn->hoa4_mode == CFG_HOA4_STATIC)
			dup_add(keys, &n, DUP_HOA4, &mn->hoa4, 4, m, 0);
		for (j = 0; j < mn->n_sas; j++)
			dup_add(keys, &n, mn->sas[j].dir == CFG_SA_IN ? DUP_SPI_IN : DUP_SPI_OUT,
				&mn->sas[j].spi, 4, m, j);
	}
	qsort(keys, n, sizeof(*keys), dup_cmp);
	check_block_overlaps(c, cfg, list);
	check_mnp_overlaps(c, cfg, list);
	for (i = 1; i < n; i++) {
		const struct dup_key *a = &keys[i - 1], *b = &keys[i];
		const struct cfg_mn *first = &cfg->mns[a->mn];
		const config_setting_t *e;

		if (memcmp(a->k, b->k, sizeof(a->k)) != 0)
			continue;
		e = config_setting_get_elem(list, b->mn);
		path_index(path, "mobile_nodes", b->mn);
		if (b->k[0] == DUP_SPI_IN || b->k[0] == DUP_SPI_OUT)
			cfg_err(c, e, path, "%s SPI 0x%08x is already used by mobile node \"%s\"",
				b->k[0] == DUP_SPI_IN ? "inbound" : "outbound",
				cfg->mns[b->mn].sas[b->sa].spi, first->id);
		else
			cfg_err(c, e, path, "duplicate %s: already used by mobile node \"%s\" "
				"(line %d)", what[b->k[0]], first->id, first->line);
	}
	free(keys);
}

static void
parse_mobile_nodes(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	const config_setting_t *l = config_setting_get_member(root, "mobile_nodes");
	char path[PATH_LEN];
	uint64_t n_sas = 0;
	int i, n;

	if (l == NULL)
		return;
	if (!config_setting_is_list(l)) {
		cfg_err(c, l, "mobile_nodes", "must be a list ( { ... }, ... )");
		return;
	}
	n = config_setting_length(l);
	if ((unsigned int)n > cfg->cap.bindings) {
		cfg_err(c, l, "mobile_nodes", "%d mobile nodes exceed capacity.bindings %u", n,
			cfg->cap.bindings);
		return;
	}
	cfg->mns = calloc(n > 0 ? (size_t)n : 1, sizeof(*cfg->mns));
	if (cfg->mns == NULL) {
		cfg_err(c, l, "mobile_nodes", "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, (unsigned int)i);

		path_index(path, "mobile_nodes", (unsigned int)i);
		if (!config_setting_is_group(e)) {
			cfg_err(c, e, path, "must be a group { ... }");
			continue;
		}
		parse_mn(c, cfg, &cfg->mns[cfg->n_mns], e, path);
		n_sas += (uint64_t)cfg->mns[cfg->n_mns].n_sas * cfg->mns[cfg->n_mns].count;
		cfg->n_mns++;
	}
	if (cfg_mn_total(cfg) > cfg->cap.bindings)
		cfg_err(c, l, "mobile_nodes", "%" PRIu64 " mobile nodes exceed capacity.bindings %u",
			cfg_mn_total(cfg), cfg->cap.bindings);
	if (n_sas > cfg->cap.sas)
		cfg_err(c, l, "mobile_nodes", "%" PRIu64 " SAs exceed capacity.sas %u", n_sas,
			cfg->cap.sas);
	check_mn_duplicates(c, cfg, l);
}

/* ---------------------------------------------------------------- whole file */

static const char *const root_keys[] = {
	"ports", "routes", "home_agent", "policy", "capacity", "dataplane", "mobile_nodes", NULL
};

static void
validate_roles(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	unsigned int i, roles = 0;

	for (i = 0; i < cfg->n_ports; i++)
		roles |= cfg->ports[i].role;
	if (cfg->n_ports > 0 && (roles & CFG_ROLE_ACCESS) == 0)
		cfg_err(c, config_setting_get_member(root, "ports"), "ports",
			"no port has role access (or both)");
	if (cfg->n_ports > 0 && (roles & CFG_ROLE_HOME) == 0)
		cfg_err(c, config_setting_get_member(root, "ports"), "ports",
			"no port has role home (or both)");
}

static struct ha_cfg *
cfg_load(config_t *lc, int rc, const char *name, struct cfg_status *st)
{
	struct cfg_ctx c = { .st = st, .file = name };
	const config_setting_t *root;
	struct ha_cfg *cfg;

	memset(st, 0, sizeof(*st));
	if (rc != CONFIG_TRUE) {
		if (config_error_type(lc) == CONFIG_ERR_FILE_IO)
			snprintf(st->errors[0], CFG_MSG_MAX, "%s: cannot read file: %s", name,
				 strerror(errno));
		else
			snprintf(st->errors[0], CFG_MSG_MAX, "%s:%d: %s",
				 config_error_file(lc) != NULL ? config_error_file(lc) : name,
				 config_error_line(lc), config_error_text(lc));
		st->n_errors = 1;
		return NULL;
	}
	cfg = malloc(sizeof(*cfg));
	if (cfg == NULL) {
		snprintf(st->errors[0], CFG_MSG_MAX, "%s: out of memory", name);
		st->n_errors = 1;
		return NULL;
	}
	cfg_defaults(cfg);
	snprintf(cfg->path, sizeof(cfg->path), "%s", name);
	root = config_root_setting(lc);
	check_known(&c, root, "", root_keys);
	/* Order matters: later sections are checked against earlier ones. */
	parse_ports(&c, cfg, root);
	validate_roles(&c, cfg, root);
	parse_routes(&c, cfg, root);
	parse_policy(&c, cfg, root);
	parse_capacity_dataplane(&c, cfg, root);
	parse_home_agent(&c, cfg, root);
	parse_mobile_nodes(&c, cfg, root);
	if (st->n_errors > 0) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

struct ha_cfg *
cfg_load_file(const char *path, struct cfg_status *st)
{
	struct ha_cfg *cfg;
	config_t lc;
	int rc;

	config_init(&lc);
	errno = 0;
	rc = config_read_file(&lc, path);
	cfg = cfg_load(&lc, rc, path, st);
	config_destroy(&lc);
	return cfg;
}

struct ha_cfg *
cfg_load_string(const char *text, const char *name, struct cfg_status *st)
{
	struct ha_cfg *cfg;
	config_t lc;
	int rc;

	config_init(&lc);
	rc = config_read_string(&lc, text);
	cfg = cfg_load(&lc, rc, name, st);
	config_destroy(&lc);
	return cfg;
}

void
cfg_free(struct ha_cfg *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->routes);
	free(cfg->mns);
	free(cfg);
}

void
cfg_status_print(const struct cfg_status *st, FILE *f)
{
	unsigned int i;

	for (i = 0; i < st->n_errors && i < CFG_ERR_MAX; i++)
		fprintf(f, "%s\n", st->errors[i]);
	if (st->n_errors > CFG_ERR_MAX)
		fprintf(f, "... and %u more errors\n", st->n_errors - CFG_ERR_MAX);
}

int
cfg_port_find(const struct ha_cfg *cfg, const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg->n_ports; i++)
		if (strcmp(cfg->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *
cfg_role_name(unsigned int role)
{
	switch (role) {
	case CFG_ROLE_ACCESS: return "access";
	case CFG_ROLE_HOME: return "home";
	case CFG_ROLE_BOTH: return "both";
	default: return "?";
	}
}

const char *
cfg_natd_name(enum cfg_nat_detect m)
{
	return m == CFG_NATD_SPI ? "spi" : "heuristic";
}

/* One setting "x = TEXT;" parsed alone: the libconfig syntax of a list element. */
static config_setting_t *
parse_alone(config_t *lc, const char *text, struct cfg_status *st, const char *what)
{
	char *buf;
	size_t len = strlen(text) + 16;
	int rc;

	memset(st, 0, sizeof(*st));
	config_init(lc);
	buf = malloc(len);
	if (buf == NULL) {
		snprintf(st->errors[0], CFG_MSG_MAX, "%s: out of memory", what);
		st->n_errors = 1;
		return NULL;
	}
	snprintf(buf, len, "x = %s;", text);
	rc = config_read_string(lc, buf);
	free(buf);
	if (rc != CONFIG_TRUE) {
		snprintf(st->errors[0], CFG_MSG_MAX, "%s:%d: %s", what, config_error_line(lc),
			 config_error_text(lc));
		st->n_errors = 1;
		return NULL;
	}
	return config_lookup(lc, "x");
}

int
cfg_parse_mn_text(const struct ha_cfg *cfg, const char *text, struct cfg_mn *out,
		  struct cfg_status *st)
{
	struct cfg_ctx c = { .st = st, .file = "mobile node" };
	config_setting_t *s;
	config_t lc;

	s = parse_alone(&lc, text, st, "mobile node");
	if (s != NULL && !config_setting_is_group(s))
		cfg_err(&c, s, "mobile node", "must be a group { ... }");
	else if (s != NULL)
		parse_mn(&c, (struct ha_cfg *)(uintptr_t)cfg, out, s, "mobile node");
	config_destroy(&lc);
	return st->n_errors == 0 ? 0 : -1;
}

int
cfg_parse_sa_text(const char *text, struct cfg_sa *out, struct cfg_status *st)
{
	struct cfg_ctx c = { .st = st, .file = "sa" };
	struct cfg_mn mn;
	config_setting_t *s;
	config_t lc;

	memset(&mn, 0, sizeof(mn));
	s = parse_alone(&lc, text, st, "sa");
	if (s != NULL && !config_setting_is_group(s))
		cfg_err(&c, s, "sa", "must be a group { ... }");
	else if (s != NULL)
		parse_sa(&c, &mn, s, "sa");
	config_destroy(&lc);
	*out = mn.sas[0];
	return st->n_errors == 0 ? 0 : -1;
}
