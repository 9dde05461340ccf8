/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reading settings from libconfig: typed getters with ranges, lists of strings, prefixes, hex
 * keys, MAC addresses; every problem reported as one "file:line: setting: reason" line.
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

const char *
cfg_src_file(const struct cfg_ctx *c, const config_setting_t *s)
{
	const char *f = s != NULL ? config_setting_source_file(s) : NULL;

	return f != NULL ? f : c->file;
}

void __attribute__((format(printf, 4, 5)))
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
		snprintf(st->errors[st->n_errors], CFG_MSG_MAX, "%s:%d: %s: %s", cfg_src_file(c, s),
			 line, path, reason);
	else if (st->n_errors < CFG_ERR_MAX)
		snprintf(st->errors[st->n_errors], CFG_MSG_MAX, "%s: %s: %s", cfg_src_file(c, s),
			 path, reason);
	st->n_errors++;
}

void
cfg_path_join(char *out, const char *parent, const char *key)
{
	if (parent[0] == '\0')
		snprintf(out, PATH_LEN, "%s", key);
	else
		snprintf(out, PATH_LEN, "%s.%s", parent, key);
}

void
cfg_path_index(char *out, const char *parent, unsigned int i)
{
	snprintf(out, PATH_LEN, "%s[%u]", parent, i);
}

/* Reject settings that are not in the allowed list: a typo must not silently keep a default. */
void
cfg_check_known(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath,
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
			cfg_path_join(path, gpath, name);
			cfg_err(c, s, path, "unknown setting");
		}
	}
}

/* Getters: 1 = absent (and optional), 0 = found and valid, -1 = error reported. */

int
cfg_get_group(struct cfg_ctx *c, const config_setting_t *parent, const char *ppath, const char *key,
	  bool required, const config_setting_t **out)
{
	const config_setting_t *s = config_setting_get_member(parent, key);
	char path[PATH_LEN];

	cfg_path_join(path, ppath, key);
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

int
cfg_get_string(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath, const char *key,
	   bool required, const char **out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[PATH_LEN];

	cfg_path_join(path, gpath, key);
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

int
cfg_get_int(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath, const char *key,
	bool required, long long min, long long max, long long *out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[PATH_LEN];
	long long v;

	cfg_path_join(path, gpath, key);
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

int
cfg_get_bool(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath, const char *key,
	 bool *out)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[PATH_LEN];

	if (s == NULL)
		return 1;
	cfg_path_join(path, gpath, key);
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		cfg_err(c, s, path, "must be true or false");
		return -1;
	}
	*out = config_setting_get_bool(s) != 0;
	return 0;
}

void
cfg_for_each_string(struct cfg_ctx *c, const config_setting_t *grp, const char *gpath,
		    const char *key, cfg_str_fn fn, void *arg)
{
	const config_setting_t *s = config_setting_get_member(grp, key);
	char path[PATH_LEN], epath[PATH_LEN];
	int i, n;

	if (s == NULL)
		return;
	cfg_path_join(path, gpath, key);
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

		cfg_path_index(epath, path, (unsigned int)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			cfg_err(c, e, epath, "must be a string");
			continue;
		}
		fn(c, e, epath, config_setting_get_string(e), arg);
	}
}

void
cfg_add_prefix4(struct cfg_ctx *c, const config_setting_t *s, const char *path, const char *text,
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

void
cfg_add_prefix6(struct cfg_ctx *c, const config_setting_t *s, const char *path, const char *text,
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
int
cfg_parse_hex(const char *text, uint8_t *out, unsigned int max, uint8_t *len)
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

/* An optional "mac" setting: a unicast MAC address. @return 0, 1 (absent) or -1. */
int
cfg_get_mac(struct cfg_ctx *c, const config_setting_t *s, const char *path, uint8_t mac[6],
	bool *has)
{
	const char *str;
	char kpath[PATH_LEN];
	unsigned int b[6], k;
	char end;
	int r = cfg_get_string(c, s, path, "mac", false, &str);

	*has = false;
	if (r != 0)
		return r;
	cfg_path_join(kpath, path, "mac");
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
