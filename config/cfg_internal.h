/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the configuration loader's files share: the load context with its error list, the
 * readers of settings, and each file's entry points. Only config/ includes this.
 */
#ifndef CFG_INTERNAL_H
#define CFG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <libconfig.h>

#include "cfg.h"

#define PATH_LEN 96
#define CFG_DIM(a) (sizeof(a) / sizeof((a)[0]))

struct cfg_ctx {
	struct cfg_status *st;
	const char *file; /* name used when libconfig knows no source file */
	bool allow_manual_gcm;   /* policy.allow_manual_gcm of the config the SAs join */
};

/* Integer setting stored into a narrower field: keeps the default when absent. */
#define GET_UINT(c, grp, gpath, key, min, max, field) do {                      \
	long long v_;                                                           \
	if (cfg_get_int((c), (grp), (gpath), (key), false, (min), (max), &v_) == 0) \
		(field) = v_;                                                   \
} while (0)

/* A string or a list/array of strings; calls fn(ctx, setting, path, text, arg) for each. */
typedef void (*cfg_str_fn)(struct cfg_ctx *c, const config_setting_t *s, const char *path,
			   const char *text, void *arg);

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

/* cfg_read.c: reading settings, reporting errors */
const char *cfg_src_file(const struct cfg_ctx *c, const config_setting_t *s);
void __attribute__((format(printf, 4, 5)))
cfg_err(struct cfg_ctx *c, const config_setting_t *s, const char *path, const char *fmt, ...);
void cfg_path_join(char *out, const char *parent, const char *key);
void cfg_path_index(char *out, const char *parent, unsigned int i);
void cfg_check_known(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath,
		     const char *const *allowed);
int cfg_get_group(struct cfg_ctx *c, const config_setting_t *parent, const char *ppath,
		  const char *key, bool required, const config_setting_t **out);
int cfg_get_string(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath,
		   const char *key, bool required, const char **out);
int cfg_get_int(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath, const char *key,
		bool required, long long min, long long max, long long *out);
int cfg_get_bool(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath,
		 const char *key, bool *out);
void cfg_for_each_string(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath,
			 const char *key, cfg_str_fn fn, void *arg);
void cfg_add_prefix4(struct cfg_ctx *c, const config_setting_t *s, const char *path,
		     const char *text, void *arg);
void cfg_add_prefix6(struct cfg_ctx *c, const config_setting_t *s, const char *path,
		     const char *text, void *arg);
int cfg_parse_hex(const char *text, uint8_t *out, unsigned int max, uint8_t *len);
int cfg_get_mac(struct cfg_ctx *c, const config_setting_t *s, const char *path, uint8_t mac[6],
		bool *has);

/* cfg_sections.c: ports, routes, home agent, policy, capacity and data plane */
void cfg_parse_ports(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root);
void cfg_parse_routes(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root);
void cfg_parse_home_agent(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root);
void cfg_parse_policy(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root);
void cfg_parse_capacity_dataplane(struct cfg_ctx *c, struct ha_cfg *cfg,
				  const config_setting_t *root);
void cfg_parse_store(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root);
void cfg_parse_pair(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root);
void cfg_parse_ike(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root);
void cfg_parse_home_link(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root);

/* cfg_mn.c: mobile nodes and their SAs, one by one */
void cfg_parse_sa(struct cfg_ctx *c, struct cfg_mn *mn, const config_setting_t *s,
		  const char *path);
void cfg_parse_mn(struct cfg_ctx *c, struct ha_cfg *cfg, struct cfg_mn *mn,
		  const config_setting_t *s, const char *path);
void cfg_parse_mobile_nodes(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root);

/* cfg_check.c: what holds across settings (nodes among themselves, port roles) */
void cfg_check_mn_duplicates(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *list);
void cfg_validate_roles(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root);

#endif /* CFG_INTERNAL_H */
