/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The binding cache's readers (bc.h): the workers' lookups, single and in bulk, lock-free
 * under RCU.
 */
#include <string.h>

#include <rte_hash.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_prefetch.h>

#include "bc_impl.h"

const struct bc_entry *
bc_lookup6(const struct bc *bc, const struct in6_addr *a)
{
	int64_t idx = bc_tab_lookup(&bc->t6, a);

	return idx < 0 ? NULL : &bc->entries[idx];
}

const struct bc_entry *
bc_lookup4(const struct bc *bc, uint32_t a)
{
	int64_t idx = bc_tab_lookup(&bc->t4, &a);

	return idx < 0 ? NULL : &bc->entries[idx];
}

/* Any of the tables in bulk: out[i] the data of keys[i], NULL on a miss. @return hits. */
static unsigned int
hash_bulk(const struct rte_hash *h, const void **keys, unsigned int n, void **out)
{
	uint64_t hits = 0;
	unsigned int i;
	int nh;

	nh = rte_hash_lookup_bulk_data(h, keys, n, &hits, out);
	if (nh < 0)
		hits = 0;
	for (i = 0; i < n; i++)
		if ((hits & (1ull << i)) == 0)
			out[i] = NULL;
	return nh < 0 ? 0 : (unsigned int)nh;
}

static unsigned int
lookup_bulk(const struct bc_tab *t, const void **keys, unsigned int n,
	    const struct bc_entry **out)
{
	return bc_tab_lookup_bulk(t, keys, n, (const void **)out);
}

/*
 * Only the keys inside the home ranges go to the hash (bc_home.h): a destination outside
 * them cannot be a home address, and a miss costs as much as a hit.
 */
static unsigned int
lookup_home(const struct bc_tab *h, const void **keys, const uint8_t *inside,
	    unsigned int n, unsigned int m, const struct bc_entry **out)
{
	const void *k[RTE_HASH_LOOKUP_BULK_MAX];
	const struct bc_entry *o[RTE_HASH_LOOKUP_BULK_MAX];
	uint8_t idx[RTE_HASH_LOOKUP_BULK_MAX];
	unsigned int i, j = 0, hits;

	if (m == n)
		return lookup_bulk(h, keys, n, out);
	for (i = 0; i < n; i++) {
		out[i] = NULL;
		if (inside[i]) {
			k[j] = keys[i];
			idx[j++] = (uint8_t)i;
		}
	}
	if (m == 0)
		return 0;
	hits = lookup_bulk(h, k, m, o);
	for (j = 0; j < m; j++)
		out[idx[j]] = o[j];
	return hits;
}

unsigned int
bc_lookup6_bulk(const struct bc *bc, const struct in6_addr **a, unsigned int n,
		const struct bc_entry **out)
{
	uint32_t live = __atomic_load_n(&bc->home.live6, __ATOMIC_ACQUIRE);
	uint8_t inside[RTE_HASH_LOOKUP_BULK_MAX];
	unsigned int i, m = 0;

	if (live == 0)
		return lookup_bulk(&bc->t6, (const void **)a, n, out);
	for (i = 0; i < n; i++) {
		inside[i] = bc_home_covers6(&bc->home, live, a[i]);
		m += inside[i];
	}
	return lookup_home(&bc->t6, (const void **)a, inside, n, m, out);
}

unsigned int
bc_lookup4_bulk(const struct bc *bc, const uint32_t **a, unsigned int n,
		const struct bc_entry **out)
{
	uint32_t live = __atomic_load_n(&bc->home.live4, __ATOMIC_ACQUIRE);
	uint8_t inside[RTE_HASH_LOOKUP_BULK_MAX];
	unsigned int i, m = 0;

	if (live == 0)
		return lookup_bulk(&bc->t4, (const void **)a, n, out);
	for (i = 0; i < n; i++) {
		uint32_t v;

		memcpy(&v, a[i], 4);    /* a points into a packet: no alignment promised */
		inside[i] = bc_home_covers4(&bc->home, live, v);
		m += inside[i];
	}
	return lookup_home(&bc->t4, (const void **)a, inside, n, m, out);
}

const struct bc_entry *
bc_get(const struct bc *bc, uint32_t mn)
{
	if (mn >= bc->capacity)
		return NULL;
	return __atomic_load_n(&bc->slots[mn], __ATOMIC_ACQUIRE);
}

const struct bc_entry *
bc_lookup_prefix6(const struct bc *bc, const struct in6_addr *a)
{
	const struct rte_lpm6 *l;
	uint32_t slot;

	if (__atomic_load_n(&bc->n_pfx6, __ATOMIC_RELAXED) == 0)
		return NULL;
	l = __atomic_load_n(&bc->lpm6_active, __ATOMIC_ACQUIRE);
	/* a points into a packet (2 mod 4 after Ethernet): read as bytes, never as members */
	if (rte_lpm6_lookup(l, (const uint8_t *)a, &slot) != 0)
		return NULL;
	return bc_get(bc, bc->pfx_mn[slot]);
}

const struct bc_entry *
bc_lookup_prefix4(const struct bc *bc, uint32_t a)
{
	uint32_t slot;

	if (__atomic_load_n(&bc->n_pfx4, __ATOMIC_RELAXED) == 0 ||
	    rte_lpm_lookup(bc->lpm4, rte_be_to_cpu_32(a), &slot) != 0)
		return NULL;
	return bc_get(bc, bc->pfx_mn[slot]);
}

const struct bc_entry *
bc_find6(const struct bc *bc, const struct in6_addr *a)
{
	const struct bc_entry *e = bc_lookup6(bc, a);

	return e != NULL ? e : bc_lookup_prefix6(bc, a);
}

const struct bc_entry *
bc_find4(const struct bc *bc, uint32_t a)
{
	const struct bc_entry *e = bc_lookup4(bc, a);

	return e != NULL ? e : bc_lookup_prefix4(bc, a);
}

/* An entry found through a prefix, on its way as the exact lookups' entries are (bc_tab). */
static inline void
prefetch_entry(const struct bc_entry *e)
{
	rte_prefetch0(e);
	rte_prefetch0((const uint8_t *)e + RTE_CACHE_LINE_SIZE);
}

unsigned int
bc_find6_bulk(const struct bc *bc, const struct in6_addr **a, unsigned int n,
	      const struct bc_entry **out)
{
	unsigned int i, hits = bc_lookup6_bulk(bc, a, n, out);

	/* a mobile network prefix need not be inside a home range: every miss is a candidate */
	if (hits == n || __atomic_load_n(&bc->n_pfx6, __ATOMIC_RELAXED) == 0)
		return hits;
	for (i = 0; i < n; i++)
		if (out[i] == NULL && (out[i] = bc_lookup_prefix6(bc, a[i])) != NULL) {
			prefetch_entry(out[i]);
			hits++;
		}
	return hits;
}

unsigned int
bc_find4_bulk(const struct bc *bc, const uint32_t **a, unsigned int n,
	      const struct bc_entry **out)
{
	unsigned int i, hits = bc_lookup4_bulk(bc, a, n, out);

	if (hits == n || __atomic_load_n(&bc->n_pfx4, __ATOMIC_RELAXED) == 0)
		return hits;
	for (i = 0; i < n; i++) {
		uint32_t v;

		if (out[i] != NULL)
			continue;
		memcpy(&v, a[i], 4);    /* a points into a packet: no alignment promised */
		if ((out[i] = bc_lookup_prefix4(bc, v)) != NULL) {
			prefetch_entry(out[i]);
			hits++;
		}
	}
	return hits;
}

void
bc_filter_get(const struct bc *bc, struct bc_filter *f)
{
	/* acquire: the ranges below a live count are there (bc_home.h) */
	f->home = &bc->home;
	f->live6 = __atomic_load_n(&bc->home.live6, __ATOMIC_ACQUIRE);
	f->live4 = __atomic_load_n(&bc->home.live4, __ATOMIC_ACQUIRE);
	/* a prefix counted is covered by the summary published before it (bc_prefix.c) */
	f->pfx6 = __atomic_load_n(&bc->n_pfx6, __ATOMIC_ACQUIRE) != 0;
	f->pfx4 = __atomic_load_n(&bc->n_pfx4, __ATOMIC_ACQUIRE) != 0;
	f->pfx = __atomic_load_n(&bc->pfxsum, __ATOMIC_ACQUIRE);
}

unsigned int
bc_filtered6_bulk(const struct bc *bc, const struct bc_filter *f, const struct in6_addr **a,
		  unsigned int n, const struct bc_entry **out)
{
	if (f->live6 == 0 || f->pfx6)
		return bc_find6_bulk(bc, a, n, out);
	return n > 0 ? lookup_bulk(&bc->t6, (const void **)a, n, out) : 0;
}

unsigned int
bc_filtered4_bulk(const struct bc *bc, const struct bc_filter *f, const uint32_t **a,
		  unsigned int n, const struct bc_entry **out)
{
	if (f->live4 == 0 || f->pfx4)
		return bc_find4_bulk(bc, a, n, out);
	return n > 0 ? lookup_bulk(&bc->t4, (const void **)a, n, out) : 0;
}

const struct bc_spi_val *
bc_spi_lookup(const struct bc *bc, uint32_t spi)
{
	void *d;

	if (rte_hash_lookup_data(bc->spi_h, &spi, &d) < 0)
		return NULL;
	return d;
}

void
bc_spi_lookup_bulk(const struct bc *bc, const uint32_t **spi, unsigned int n,
		   const struct bc_spi_val **out)
{
	hash_bulk(bc->spi_h, (const void **)spi, n, (void **)out);
}
