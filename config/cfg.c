/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libconfig -> struct ha_cfg: defaults, parse, validate (pure, no EAL). The steps live in
 * cfg_read.c (settings), cfg_sections.c, cfg_mn.c (sections) and cfg_check.c (across
 * sections); applying a new configuration to a running home agent is controlplane/cp_reconf.c.
 *
 * Every error is one line "file:line: setting: reason" so that an operator can go straight to
 * the offending line. Parsing continues after an error so that one run reports all of them.
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
	cfg->policy.revocation_retries = 2;
	cfg->policy.binding_error_rate = 10;
	cfg->policy.icmp_error_rate = 100;
	cfg->cap.bindings = 1000000;
	cfg->cap.sas = 65536;
	cfg->cap.prefixes = 16384;
	cfg->dp.burst = 32;
	cfg->dp.mbufs = 0;
	cfg->dp.rx_desc = 1024;
	cfg->dp.tx_desc = 1024;
	snprintf(cfg->store.path, sizeof(cfg->store.path), "/var/lib/dsmip-ha/state.mdb");
	cfg->store.map_mb = 4096;
	cfg->store.sync_ms = 100;
	snprintf(cfg->pair.prefix, sizeof(cfg->pair.prefix), "dsmip");
	cfg->pair.stream_max = 1000000;
	cfg->pair.queue = 1048576;
	cfg->dp.punt_ring = 1024;
	cfg->dp.punt_rate = 10000;
	cfg->dp.esp_ring = 1024;
	snprintf(cfg->dp.crypto_device, sizeof(cfg->dp.crypto_device), "crypto_aesni_mb0");
	cfg->ha.ipv4_lease = 86400;
	cfg->home_link.interval_ms = 10000;
	cfg->home_link.router_lifetime = 1800;
	cfg->home_link.ha_lifetime = 1800;
}

/* ---------------------------------------------------------------- whole file */

static const char *const root_keys[] = {
	"ports", "routes", "home_agent", "policy", "capacity", "dataplane", "store", "pair", "ike",
	"home_link", "mobile_nodes",
	NULL
};

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
	cfg_check_known(&c, root, "", root_keys);
	/* Order matters: later sections are checked against earlier ones. */
	cfg_parse_ports(&c, cfg, root);
	cfg_validate_roles(&c, cfg, root);
	cfg_parse_routes(&c, cfg, root);
	cfg_parse_policy(&c, cfg, root);
	cfg_parse_capacity_dataplane(&c, cfg, root);
	cfg_parse_store(&c, cfg, root);
	cfg_parse_pair(&c, cfg, root);
	cfg_parse_ike(&c, cfg, root);
	cfg_parse_home_link(&c, cfg, root);
	cfg_parse_home_agent(&c, cfg, root);
	cfg_parse_mobile_nodes(&c, cfg, root);
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
