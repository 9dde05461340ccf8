/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 home-address pool: one bitmap per configured range (1 = taken). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cp_pool.h"

struct cp_range {
	uint32_t base;                /* host order */
	uint32_t size;                /* addresses */
	uint64_t *bits;               /* taken: allocated or excluded */
	uint64_t *excl;               /* excluded for ever */
};

struct cp_pool {
	unsigned int n;
	uint32_t usable;
	uint32_t used;
	struct cp_range r[];
};

static bool
bit(const uint64_t *b, uint32_t i)
{
	return (b[i / 64] >> (i % 64)) & 1;
}

static void
set_bit(uint64_t *b, uint32_t i, bool v)
{
	if (v)
		b[i / 64] |= 1ull << (i % 64);
	else
		b[i / 64] &= ~(1ull << (i % 64));
}

struct cp_pool *
cp_pool_create(const struct ha_prefix4 *ranges, unsigned int n_ranges, const uint32_t *exclude,
	       unsigned int n_exclude)
{
	struct cp_pool *p = calloc(1, sizeof(*p) + n_ranges * sizeof(struct cp_range));
	unsigned int i, j;

	if (p == NULL)
		return NULL;
	p->n = n_ranges;
	for (i = 0; i < n_ranges; i++) {
		struct cp_range *r = &p->r[i];
		size_t words;

		r->base = ntohl(ranges[i].addr & ha_mask4(ranges[i].len));
		r->size = ranges[i].len == 0 ? 0 : 1u << (32 - ranges[i].len);
		if (ranges[i].len < 8) {   /* cfg limits pools to /8 or longer */
			cp_pool_free(p);
			return NULL;
		}
		words = (r->size + 63) / 64;
		r->bits = calloc(words, sizeof(uint64_t));
		r->excl = calloc(words, sizeof(uint64_t));
		if (r->bits == NULL || r->excl == NULL) {
			cp_pool_free(p);
			return NULL;
		}
		p->usable += r->size;
		for (j = 0; j < n_exclude; j++) {
			uint32_t a = ntohl(exclude[j]);

			if (a >= r->base && a - r->base < r->size && !bit(r->excl, a - r->base)) {
				set_bit(r->excl, a - r->base, true);
				set_bit(r->bits, a - r->base, true);
				p->usable--;
			}
		}
	}
	return p;
}

struct cp_pool *
cp_pool_from_cfg(const struct ha_cfg *cfg)
{
	uint32_t excl[CFG_MAX_PORTS + 2 * CFG_MAX_HOME_PREFIXES + 1];
	unsigned int n_excl = 0, i;

	for (i = 0; i < cfg->n_ports; i++)
		if (cfg->ports[i].has_ip4)
			excl[n_excl++] = cfg->ports[i].ip4.addr;
	for (i = 0; i < cfg->ha.n_prefixes4; i++) {
		const struct ha_prefix4 *p = &cfg->ha.prefixes4[i];

		excl[n_excl++] = p->addr & ha_mask4(p->len);
		excl[n_excl++] = p->addr | ~ha_mask4(p->len);
	}
	return cp_pool_create(cfg->ha.pools, cfg->ha.n_pools, excl, n_excl);
}

void
cp_pool_free(struct cp_pool *p)
{
	unsigned int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->r[i].bits);
		free(p->r[i].excl);
	}
	free(p);
}

/* Are [off, off + n) all free in r? */
static bool
block_free(const struct cp_range *r, uint32_t off, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if ((off + i) % 64 == 0 && n - i >= 64) {
			if (r->bits[(off + i) / 64] != 0)
				return false;
			i += 63;
			continue;
		}
		if (bit(r->bits, off + i))
			return false;
	}
	return true;
}

static void
mark(struct cp_pool *p, struct cp_range *r, uint32_t off, uint32_t n, bool taken)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (bit(r->excl, off + i))
			continue;
		if (bit(r->bits, off + i) != taken)
			p->used += taken ? 1 : (uint32_t)-1;
		set_bit(r->bits, off + i, taken);
	}
}

int
cp_pool_alloc(struct cp_pool *p, uint8_t plen, uint32_t *addr)
{
	uint32_t n, off;
	unsigned int i;

	if (plen == 0 || plen > 32)
		return -EINVAL;
	n = 1u << (32 - plen);
	for (i = 0; i < p->n; i++) {
		struct cp_range *r = &p->r[i];

		if (n > r->size)
			continue;
		/* blocks are aligned on their size from the range base (itself aligned) */
		for (off = 0; off + n <= r->size; off += n) {
			if (!block_free(r, off, n))
				continue;
			mark(p, r, off, n, true);
			*addr = htonl(r->base + off);
			return 0;
		}
	}
	return -ENOSPC;
}

static struct cp_range *
range_of(const struct cp_pool *p, uint32_t a, uint32_t n, uint32_t *off)
{
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		const struct cp_range *r = &p->r[i];

		if (a >= r->base && a - r->base + (uint64_t)n <= r->size) {
			*off = a - r->base;
			return (struct cp_range *)r;
		}
	}
	return NULL;
}

int
cp_pool_claim(struct cp_pool *p, uint32_t addr, uint8_t plen)
{
	uint32_t n, off;
	struct cp_range *r;

	if (plen == 0 || plen > 32)
		return -EINVAL;
	n = 1u << (32 - plen);
	r = range_of(p, ntohl(addr), n, &off);
	if (r == NULL || off % n != 0)
		return -EINVAL;
	if (!block_free(r, off, n))
		return -EBUSY;
	mark(p, r, off, n, true);
	return 0;
}

void
cp_pool_release(struct cp_pool *p, uint32_t addr, uint8_t plen)
{
	uint32_t n = plen == 0 || plen > 32 ? 0 : 1u << (32 - plen), off;
	struct cp_range *r = n != 0 ? range_of(p, ntohl(addr), n, &off) : NULL;

	if (r != NULL)
		mark(p, r, off, n, false);
}

bool
cp_pool_contains(const struct cp_pool *p, uint32_t addr)
{
	uint32_t off;

	return range_of(p, ntohl(addr), 1, &off) != NULL;
}

bool
cp_pool_same(const struct cp_pool *a, const struct cp_pool *b)
{
	unsigned int i;

	if (a->n != b->n || a->used != b->used || a->usable != b->usable)
		return false;
	for (i = 0; i < a->n; i++) {
		const struct cp_range *x = &a->r[i], *y = &b->r[i];

		if (x->base != y->base || x->size != y->size ||
		    memcmp(x->bits, y->bits, (x->size + 63) / 64 * sizeof(uint64_t)) != 0)
			return false;
	}
	return true;
}

void
cp_pool_stats_get(const struct cp_pool *p, struct cp_pool_stats *st)
{
	st->size = p->usable;
	st->used = p->used;
}
