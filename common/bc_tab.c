/* SPDX-License-Identifier: BSD-3-Clause */
/* The home-address tables of the binding cache (see bc_tab.h). */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_prefetch.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bc_tab.h"

_Static_assert(sizeof(struct bc_tab_bucket) == RTE_CACHE_LINE_SIZE, "a bucket is one line");

/* Where a key may be: its signature, its home bucket and its second one. */
struct bc_tab_pos {
	uint32_t sig;
	uint32_t b1, b2;
};

/* murmur3's finaliser: the second bucket from the same CRC, its bits well mixed */
static inline uint32_t
mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return x;
}

/* The key's CRC32-C, key_len its length (a constant where the bulk lookup is specialised):
 * every position of the key follows from it (pos_of). */
static __rte_always_inline uint32_t
key_hash_len(const struct bc_tab *t, const uint8_t *k, uint16_t key_len)
{
	/* keys come straight from packet headers: read the words with memcpy (any alignment) */
	if (key_len == 16) {
		uint64_t w[2];

		memcpy(w, k, 16);
		return rte_hash_crc_8byte(w[1], rte_hash_crc_8byte(w[0], t->seed));
	} else {
		uint32_t w;

		memcpy(&w, k, 4);
		return rte_hash_crc_4byte(w, t->seed);
	}
}

static inline uint32_t
key_hash(const struct bc_tab *t, const uint8_t *k)
{
	return key_hash_len(t, k, t->key_len);
}

static inline uint32_t
sig_of(uint32_t h)
{
	return h != 0 ? h : 1;        /* 0 marks a free way */
}

static inline struct bc_tab_pos
pos_of(const struct bc_tab *t, uint32_t h)
{
	struct bc_tab_pos p;

	p.sig = sig_of(h);
	p.b1 = h & t->mask;
	p.b2 = mix32(h) & t->mask;
	return p;
}

static inline struct bc_tab_pos
key_pos(const struct bc_tab *t, const uint8_t *k)
{
	return pos_of(t, key_hash(t, k));
}

static inline const uint8_t *
ent_key(const struct bc_tab *t, uint32_t idx)
{
	return t->ents + (size_t)idx * t->ent_size + t->key_off;
}

/* Fixed-size compares: memcmp with a run-time length is a library call per packet. */
static __rte_always_inline bool
key_eq_len(const struct bc_tab *t, uint32_t idx, const uint8_t *k, uint16_t key_len)
{
	const uint8_t *e = ent_key(t, idx);

	if (key_len == 16) {
		uint64_t a[2], b[2];

		memcpy(a, e, 16);
		memcpy(b, k, 16);
		return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0;
	} else {
		uint32_t a, b;

		memcpy(&a, e, 4);
		memcpy(&b, k, 4);
		return a == b;
	}
}

static inline bool
key_eq(const struct bc_tab *t, uint32_t idx, const uint8_t *k)
{
	return key_eq_len(t, idx, k, t->key_len);
}

/*
 * The ways of b whose signature is sig, as a bit mask, and b's spill count. The signatures
 * and the count are the line's first 32 bytes, compared as two vectors: the compiler made
 * seven scalar compares of them (tools/bc-bench, 1,000 keys, bulks of 32, TSC cycles per
 * lookup: IPv6 23-26 -> 16-18, IPv4 20 -> 15, after the lazy second bucket below). Each
 * signature is an aligned 32-bit word the writer stores atomically, and a vector load
 * inside one cache line (a bucket is one) reads each such word whole, so every one read is a
 * value it stored; the acquire on the index that follows orders what is read after.
 */
#if defined(__SSE2__)
static inline uint32_t
sig_match(const struct bc_tab_bucket *b, uint32_t sig, uint32_t *spill)
{
	const __m128i *v = (const __m128i *)(const void *)b;
	__m128i s = _mm_set1_epi32((int)sig);
	__m128i lo = _mm_loadu_si128(v), hi = _mm_loadu_si128(v + 1);
	uint32_t m = (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(lo, s))) |
		     (uint32_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(hi, s))) << 4;

	*spill = (uint32_t)_mm_cvtsi128_si32(_mm_shuffle_epi32(hi, 3));
	return m & ((1u << BC_TAB_WAYS) - 1);   /* the spill count is not a way */
}
#else
static inline uint32_t
sig_match(const struct bc_tab_bucket *b, uint32_t sig, uint32_t *spill)
{
	uint32_t s[BC_TAB_WAYS + 1], m = 0, j;

	memcpy(s, b, sizeof(s));
	for (j = 0; j < BC_TAB_WAYS; j++)
		m |= (uint32_t)(s[j] == sig) << j;
	*spill = s[BC_TAB_WAYS];
	return m;
}
#endif

/* The entry slot of k among the ways m of b, or -1. */
static inline int64_t
ways_find(const struct bc_tab *t, const struct bc_tab_bucket *b, uint32_t m, const uint8_t *k)
{
	while (m != 0) {
		uint32_t j = (uint32_t)__builtin_ctz(m);
		uint32_t idx = __atomic_load_n(&b->idx[j], __ATOMIC_ACQUIRE);

		if (key_eq(t, idx, k))
			return idx;
		m &= m - 1;
	}
	return -1;
}

static int64_t
stash_find(const struct bc_tab *t, uint32_t sig, const uint8_t *k, uint32_t *way)
{
	uint32_t j;

	if (__atomic_load_n(&t->n_stash, __ATOMIC_ACQUIRE) == 0)
		return -1;
	for (j = 0; j < BC_TAB_STASH; j++) {
		uint32_t idx;

		if (__atomic_load_n(&t->stash_sig[j], __ATOMIC_ACQUIRE) != sig)
			continue;
		idx = __atomic_load_n(&t->stash_idx[j], __ATOMIC_ACQUIRE);
		if (key_eq(t, idx, k)) {
			if (way != NULL)
				*way = j;
			return idx;
		}
	}
	return -1;
}

/* Everywhere a key may be, every signature match checked. */
static int64_t
find(const struct bc_tab *t, const struct bc_tab_pos *p, const uint8_t *k)
{
	const struct bc_tab_bucket *b1 = &t->b[p->b1], *b2 = &t->b[p->b2];
	uint32_t spill, unused;
	int64_t r;

	r = ways_find(t, b1, sig_match(b1, p->sig, &spill), k);
	if (r >= 0 || spill == 0)
		return r;
	if (p->b2 != p->b1)
		r = ways_find(t, b2, sig_match(b2, p->sig, &unused), k);
	if (r < 0)
		r = stash_find(t, p->sig, k, NULL);
	return r;
}

uint32_t
bc_tab_buckets(uint32_t capacity)
{
	uint32_t n = 2;

	while (n < capacity / 2 && n < (1u << 31))
		n <<= 1;
	return n;
}

void
bc_tab_init(struct bc_tab *t, void *buckets, uint32_t n_buckets, uint32_t seed,
	    uint16_t key_len, uint16_t key_off, const void *ents, uint32_t ent_size)
{
	memset(t, 0, sizeof(*t));
	t->b = buckets;
	t->mask = n_buckets - 1;
	t->seed = seed;
	t->key_len = key_len;
	t->key_off = key_off;
	t->ents = ents;
	t->ent_size = ent_size;
}

int64_t
bc_tab_lookup(const struct bc_tab *t, const void *key)
{
	struct bc_tab_pos p = key_pos(t, key);

	return find(t, &p, key);
}

/* A free way of b, or -1. */
static int
free_way(const struct bc_tab_bucket *b)
{
	int j;

	for (j = 0; j < BC_TAB_WAYS; j++)
		if (b->sig[j] == 0)
			return j;
	return -1;
}

/* The way of b holding k (the writer's: plain loads of what it alone stores), or -1. */
static int
way_of(const struct bc_tab *t, const struct bc_tab_bucket *b, uint32_t sig, const uint8_t *k)
{
	int j;

	for (j = 0; j < BC_TAB_WAYS; j++)
		if (b->sig[j] == sig && key_eq(t, b->idx[j], k))
			return j;
	return -1;
}

int
bc_tab_add(struct bc_tab *t, const void *key, uint32_t idx)
{
	struct bc_tab_pos p = key_pos(t, key);
	struct bc_tab_bucket *b1 = &t->b[p.b1], *b2 = &t->b[p.b2], *b;
	uint32_t sw;
	int j;

	/* a key already there gets its new entry in place: one atomic store */
	b = b1;
	j = way_of(t, b, p.sig, key);
	if (j < 0) {
		b = b2;
		j = way_of(t, b, p.sig, key);
	}
	if (j >= 0) {
		__atomic_store_n(&b->idx[j], idx, __ATOMIC_RELEASE);
		return 0;
	}
	if (stash_find(t, p.sig, key, &sw) >= 0) {
		__atomic_store_n(&t->stash_idx[sw], idx, __ATOMIC_RELEASE);
		return 0;
	}
	/* home while there is room; else the second bucket, the home's spill count raised
	 * first (a reader that finds the key there has seen the count) */
	b = b1;
	j = free_way(b);
	if (j < 0 && p.b2 != p.b1 && (j = free_way(b2)) >= 0) {
		b = b2;
		__atomic_store_n(&b1->spill, b1->spill + 1, __ATOMIC_RELEASE);
	}
	if (j >= 0) {
		/* the index first: a reader that sees the signature finds it */
		__atomic_store_n(&b->idx[j], idx, __ATOMIC_RELEASE);
		__atomic_store_n(&b->sig[j], p.sig, __ATOMIC_RELEASE);
		t->n_keys++;
		return 0;
	}
	for (sw = 0; sw < BC_TAB_STASH; sw++) {
		if (t->stash_sig[sw] != 0)
			continue;
		/* the home's spill count covers the stash too: only its keys look there */
		__atomic_store_n(&b1->spill, b1->spill + 1, __ATOMIC_RELEASE);
		__atomic_store_n(&t->stash_idx[sw], idx, __ATOMIC_RELEASE);
		__atomic_store_n(&t->stash_sig[sw], p.sig, __ATOMIC_RELEASE);
		__atomic_store_n(&t->n_stash, t->n_stash + 1, __ATOMIC_RELEASE);
		t->n_keys++;
		return 0;
	}
	return -ENOSPC;
}

int
bc_tab_del(struct bc_tab *t, const void *key)
{
	struct bc_tab_pos p = key_pos(t, key);
	struct bc_tab_bucket *b;
	uint32_t sw;
	int j;

	b = &t->b[p.b1];
	j = way_of(t, b, p.sig, key);
	if (j < 0 && p.b2 != p.b1 && (j = way_of(t, &t->b[p.b2], p.sig, key)) >= 0) {
		/* the key first, then its home's spill count */
		__atomic_store_n(&t->b[p.b2].sig[j], 0, __ATOMIC_RELEASE);
		__atomic_store_n(&b->spill, b->spill - 1, __ATOMIC_RELEASE);
		t->n_keys--;
		return 0;
	}
	if (j >= 0) {
		/* the way may be reused at once: a reader holding the old signature finds
		 * another key in the entry the new index names, and goes on */
		__atomic_store_n(&b->sig[j], 0, __ATOMIC_RELEASE);
		t->n_keys--;
		return 0;
	}
	if (stash_find(t, p.sig, key, &sw) >= 0) {
		__atomic_store_n(&t->stash_sig[sw], 0, __ATOMIC_RELEASE);
		__atomic_store_n(&t->n_stash, t->n_stash - 1, __ATOMIC_RELEASE);
		__atomic_store_n(&b->spill, b->spill - 1, __ATOMIC_RELEASE);
		t->n_keys--;
		return 0;
	}
	return -ENOENT;
}

/* The bulk lookup for keys of key_len bytes: a constant in each of its two callers below, so
 * that hashing and comparing take no branch on it per key. */
static __rte_always_inline unsigned int
lookup_bulk_len(const struct bc_tab *t, const void *const *keys, unsigned int n,
		const void **out, uint16_t key_len)
{
	uint32_t h[64], cand[64];
	uint64_t has = 0, slow = 0;
	unsigned int i, hits = 0;

	/* 1: every key's home bucket on its way; the second bucket is worked out only for
	 * the few keys that need it, in 3 (bc-bench, 1,000 keys: IPv4 24 -> 20 cycles) */
	for (i = 0; i < n; i++) {
		h[i] = key_hash_len(t, keys[i], key_len);
		rte_prefetch0(&t->b[h[i] & t->mask]);
	}
	/* 2: the first signature match's entry on its way, all of it: the stages after the
	 * lookup read it anyway */
	for (i = 0; i < n; i++) {
		const struct bc_tab_bucket *b1 = &t->b[h[i] & t->mask];
		uint32_t spill, m = sig_match(b1, sig_of(h[i]), &spill), o;
		const uint8_t *e;

		if (spill != 0)
			slow |= 1ull << i;
		if (m == 0)
			continue;
		cand[i] = __atomic_load_n(&b1->idx[__builtin_ctz(m)], __ATOMIC_ACQUIRE);
		e = t->ents + (size_t)cand[i] * t->ent_size;
		for (o = 0; o < t->ent_size; o += RTE_CACHE_LINE_SIZE)
			rte_prefetch0(e + o);
		has |= 1ull << i;
	}
	/* 3: the keys compared; anything else (a signature shared, a key in its second
	 * bucket or the stash) the long way */
	for (i = 0; i < n; i++) {
		const uint8_t *k = keys[i];
		int64_t r;

		if ((has >> i) & 1 && key_eq_len(t, cand[i], k, key_len)) {
			r = cand[i];
		} else if (((has | slow) >> i) & 1) {
			struct bc_tab_pos p = pos_of(t, h[i]);

			r = find(t, &p, k);
		} else {
			r = -1;
		}
		out[i] = r < 0 ? NULL : t->ents + (size_t)r * t->ent_size;
		hits += r >= 0;
	}
	return hits;
}

static unsigned int
lookup_bulk16(const struct bc_tab *t, const void *const *keys, unsigned int n, const void **out)
{
	return lookup_bulk_len(t, keys, n, out, 16);
}

static unsigned int
lookup_bulk4(const struct bc_tab *t, const void *const *keys, unsigned int n, const void **out)
{
	return lookup_bulk_len(t, keys, n, out, 4);
}

unsigned int
bc_tab_lookup_bulk(const struct bc_tab *t, const void *const *keys, unsigned int n,
		   const void **out)
{
	return t->key_len == 16 ? lookup_bulk16(t, keys, n, out) : lookup_bulk4(t, keys, n, out);
}
