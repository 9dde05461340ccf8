/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mobile nodes and their SAs, as the file lists them and as dsmip-ctl sends them one at a
 * time (checked against the configuration in force the same way).
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
	int r = cfg_get_string(c, s, path, key, want > 0, &str);

	cfg_path_join(kpath, path, key);
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
	if (cfg_parse_hex(str, out, max, len) < 0 || *len != want)
		cfg_err(c, config_setting_get_member(s, key), kpath,
			"must be %u bytes of hex for %s%s", want, alg,
			strstr(alg, "gcm") != NULL && strcmp(key, "key") == 0 ?
			" (key then 4-byte salt, RFC 4106)" : "");
}

void
cfg_parse_sa(struct cfg_ctx *c, struct cfg_mn *mn, const config_setting_t *s, const char *path)
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
	cfg_check_known(c, s, path, sa_keys);
	/* SPI 0 is never sent and 1-255 are reserved by IANA (RFC 4303 §2.1). */
	if (cfg_get_int(c, s, path, "spi", true, 256, 0xffffffffLL, &v) == 0)
		sa->spi = (uint32_t)v;
	else
		ok = false;
	if (cfg_get_string(c, s, path, "direction", true, &str) == 0) {
		if (strcmp(str, "in") == 0) {
			sa->dir = CFG_SA_IN;
		} else if (strcmp(str, "out") == 0) {
			sa->dir = CFG_SA_OUT;
		} else {
			cfg_path_join(kpath, path, "direction");
			cfg_err(c, config_setting_get_member(s, "direction"), kpath,
				"\"%s\" is not one of in, out", str);
			ok = false;
		}
	} else {
		ok = false;
	}
	if (cfg_get_string(c, s, path, "role", true, &str) == 0) {
		if (strcmp(str, "signalling") == 0) {
			sa->role = CFG_SA_SIGNALLING;
		} else if (strcmp(str, "payload") == 0) {
			sa->role = CFG_SA_PAYLOAD;
		} else {
			cfg_path_join(kpath, path, "role");
			cfg_err(c, config_setting_get_member(s, "role"), kpath,
				"\"%s\" is not one of signalling, payload", str);
			ok = false;
		}
	} else {
		ok = false;
	}
	if (cfg_get_string(c, s, path, "algorithm", true, &str) == 0) {
		for (i = 0; i < CFG_DIM(alg_table); i++)
			if (strcmp(alg_table[i].name, str) == 0)
				break;
		if (i == CFG_DIM(alg_table)) {
			cfg_path_join(kpath, path, "algorithm");
			cfg_err(c, config_setting_get_member(s, "algorithm"), kpath,
				"\"%s\" is not one of null, aes-128-gcm, aes-256-gcm, "
				"aes-128-cbc-hmac-sha1, aes-128-cbc-hmac-sha256", str);
			ok = false;
		} else if (alg_table[i].alg == CFG_ALG_NULL && sa->role == CFG_SA_SIGNALLING) {
			/* R6275 §5.1, R4877 §4.3: BU/BA need a non-NULL authentication */
			cfg_path_join(kpath, path, "algorithm");
			cfg_err(c, config_setting_get_member(s, "algorithm"), kpath,
				"a signalling SA needs authentication (RFC 6275 §5.1); "
				"\"null\" is for payload SAs in tests");
			ok = false;
		} else if ((alg_table[i].alg == CFG_ALG_AES128_GCM ||
			    alg_table[i].alg == CFG_ALG_AES256_GCM) && !c->allow_manual_gcm) {
			/* R4106 §8.1: the GCM nonce is the sequence number; with a key from a file
			 * every re-add starts it again under the same key */
			cfg_path_join(kpath, path, "algorithm");
			cfg_err(c, config_setting_get_member(s, "algorithm"), kpath,
				"AES-GCM with a manual key repeats nonces when the SA starts again "
				"(RFC 4106 §8.1): key it by IKE, use aes-128-cbc-hmac-sha256, or "
				"set policy.allow_manual_gcm = true (labs only)");
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
	cfg_get_bool(c, s, path, "esn", &sa->esn);
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
		cfg_add_prefix6(c, s, path, text,
				&(struct p6_list){ mn->prefixes6, &mn->n_prefixes6,
						   CFG_MN_MAX_PREFIXES, 8 });
	else
		cfg_add_prefix4(c, s, path, text,
				&(struct p4_list){ mn->prefixes4, &mn->n_prefixes4,
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

	cfg_path_join(kpath, path, "count");
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

	cfg_path_join(kpath, path, "prefixes");
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

void
cfg_parse_mn(struct cfg_ctx *c, struct ha_cfg *cfg, struct cfg_mn *mn, const config_setting_t *s,
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
	cfg_check_known(c, s, path, mn_keys);
	GET_UINT(c, s, path, "count", 1, 10000000, mn->count);

	if (cfg_get_string(c, s, path, "id", true, &str) == 0) {
		cfg_path_join(kpath, path, "id");
		if (str[0] == '\0' || strlen(str) >= CFG_NAME_MAX)
			cfg_err(c, config_setting_get_member(s, "id"), kpath,
				"must be 1 to %d characters", CFG_NAME_MAX - 1);
		else
			snprintf(mn->id, sizeof(mn->id), "%s", str);
	}
	if (cfg_get_string(c, s, path, "hoa6", true, &str) == 0) {
		cfg_path_join(kpath, path, "hoa6");
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
	if (cfg_get_string(c, s, path, "hoa4", false, &str) == 0) {
		const config_setting_t *hs = config_setting_get_member(s, "hoa4");

		cfg_path_join(kpath, path, "hoa4");
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
	cfg_get_bool(c, s, path, "mobile_router", &mn->mobile_router);
	cfg_get_bool(c, s, path, "ipv4_prefix", &mn->ipv4_prefix);
	cfg_for_each_string(c, s, path, "prefixes", parse_mn_prefix, mn);
	if ((mn->n_prefixes6 > 0 || mn->n_prefixes4 > 0) && !mn->mobile_router) {
		cfg_path_join(kpath, path, "prefixes");
		cfg_err(c, config_setting_get_member(s, "prefixes"), kpath,
			"mobile network prefixes need mobile_router = true");
	}
	check_mnp_space(c, cfg, mn, s, path);
	if (mn->mobile_router && !cfg->policy.mobile_routers) {
		cfg_path_join(kpath, path, "mobile_router");
		cfg_err(c, config_setting_get_member(s, "mobile_router"), kpath,
			"policy.mobile_routers is false");
	}
	if (mn->ipv4_prefix && cfg->ha.n_pools == 0) {
		cfg_path_join(kpath, path, "ipv4_prefix");
		cfg_err(c, config_setting_get_member(s, "ipv4_prefix"), kpath,
			"IPv4 prefix delegation needs home_agent.ipv4_pool");
	}

	l = config_setting_get_member(s, "sas");
	if (l != NULL) {
		cfg_path_join(kpath, path, "sas");
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

				cfg_path_index(spath, kpath, (unsigned int)j);
				if (!config_setting_is_group(e))
					cfg_err(c, e, spath, "must be a group { ... }");
				else
					cfg_parse_sa(c, mn, e, spath);
			}
		}
	}
	if (mn->count > 1)
		check_block(c, cfg, mn, s, path);
}


void
cfg_parse_mobile_nodes(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
{
	const config_setting_t *l = config_setting_get_member(root, "mobile_nodes");
	char path[PATH_LEN];
	uint64_t n_sas = 0;
	int i, n;

	c->allow_manual_gcm = cfg->policy.allow_manual_gcm;
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

		cfg_path_index(path, "mobile_nodes", (unsigned int)i);
		if (!config_setting_is_group(e)) {
			cfg_err(c, e, path, "must be a group { ... }");
			continue;
		}
		cfg_parse_mn(c, cfg, &cfg->mns[cfg->n_mns], e, path);
		n_sas += (uint64_t)cfg->mns[cfg->n_mns].n_sas * cfg->mns[cfg->n_mns].count;
		cfg->n_mns++;
	}
	if (cfg_mn_total(cfg) > cfg->cap.bindings)
		cfg_err(c, l, "mobile_nodes", "%" PRIu64 " mobile nodes exceed capacity.bindings %u",
			cfg_mn_total(cfg), cfg->cap.bindings);
	if (n_sas > cfg->cap.sas)
		cfg_err(c, l, "mobile_nodes", "%" PRIu64 " SAs exceed capacity.sas %u", n_sas,
			cfg->cap.sas);
	cfg_check_mn_duplicates(c, cfg, l);
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
	struct cfg_ctx c = { .st = st, .file = "mobile node",
			     .allow_manual_gcm = cfg->policy.allow_manual_gcm };
	config_setting_t *s;
	config_t lc;

	s = parse_alone(&lc, text, st, "mobile node");
	if (s != NULL && !config_setting_is_group(s))
		cfg_err(&c, s, "mobile node", "must be a group { ... }");
	else if (s != NULL)
		cfg_parse_mn(&c, (struct ha_cfg *)(uintptr_t)cfg, out, s, "mobile node");
	config_destroy(&lc);
	return st->n_errors == 0 ? 0 : -1;
}

int
cfg_parse_sa_text(const struct ha_cfg *cfg, const char *text, struct cfg_sa *out,
		  struct cfg_status *st)
{
	struct cfg_ctx c = { .st = st, .file = "sa",
			     .allow_manual_gcm = cfg->policy.allow_manual_gcm };
	struct cfg_mn mn;
	config_setting_t *s;
	config_t lc;

	memset(&mn, 0, sizeof(mn));
	s = parse_alone(&lc, text, st, "sa");
	if (s != NULL && !config_setting_is_group(s))
		cfg_err(&c, s, "sa", "must be a group { ... }");
	else if (s != NULL)
		cfg_parse_sa(&c, &mn, s, "sa");
	config_destroy(&lc);
	*out = mn.sas[0];
	return st->n_errors == 0 ? 0 : -1;
}

uint64_t
cfg_manual_gcm_sas(const struct ha_cfg *cfg)
{
	uint64_t n = 0;
	unsigned int i, j;

	for (i = 0; i < cfg->n_mns; i++)
		for (j = 0; j < cfg->mns[i].n_sas; j++)
			if (cfg->mns[i].sas[j].alg == CFG_ALG_AES128_GCM ||
			    cfg->mns[i].sas[j].alg == CFG_ALG_AES256_GCM)
				n += cfg->mns[i].count > 0 ? cfg->mns[i].count : 1;
	return n;
}
