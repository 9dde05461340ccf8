/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What holds across settings: no two nodes share an id, address, SPI, block of addresses or
 * mobile network prefix; the ports give both roles.
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
				cfg_path_index(path, "mobile_nodes", j);
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
			cfg_path_index(path, "mobile_nodes", mine->mn);
			cfg_err(c, config_setting_get_elem(list, mine->mn), path,
				"mobile network prefix %s overlaps %s of mobile node \"%s\" "
				"(line %d)", mnp_str(&mine->p, a, sizeof(a)),
				mnp_str(&theirs->p, b, sizeof(b)), cfg->mns[theirs->mn].id,
				cfg->mns[theirs->mn].line);
		}
	free(k);
}

void
cfg_check_mn_duplicates(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *list)
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
		cfg_path_index(path, "mobile_nodes", b->mn);
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


void
cfg_validate_roles(struct cfg_ctx *c, struct ha_cfg *cfg, const config_setting_t *root)
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
