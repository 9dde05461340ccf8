/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The home-address tables of the binding cache: a key (an IPv6 or IPv4 home address) to the
 * slot of the entry that holds it, one writer, lock-free readers (architecture.md "Binding
 * cache").
 *
 * Why not rte_hash: a hit there reads the key's two buckets, then its key store slot (a
 * line of its own), then our entry — dependent cache misses per packet with a million
 * bindings, the key store's not prefetched across a burst. Here a bucket is one line of
 * seven 32-bit signatures, seven entry slots and a spill count, and the key is compared in
 * the entry itself, which the packet reads next anyway: a lookup touches one bucket and the
 * entry, and the bulk lookup prefetches both for the whole burst before the first is read.
 *
 * Placement: each key has a home bucket and a second one (from one CRC32-C, keyed by a
 * random seed, so no outsider can aim keys at one bucket). It goes home while there is a free
 * way (with at most two keys per bucket on average, buckets >= capacity / 2, a full home is
 * rare), else to the second bucket, and the home's spill count says so: readers look in the
 * second bucket only when the home's count is not zero. Keys never move, so a reader never
 * misses a key that is there. A key whose two buckets are both full goes to a small stash,
 * counted in its home's spill count as well; only when that is full too does an insert fail
 * (-ENOSPC, as the binding cache reports it). At a million keys in the smallest table for
 * them about 600 keys live in their second bucket and a few in the stash.
 *
 * Memory order: a slot's entry index is written before its signature (release), a
 * replacement's index with release, a spill count raised before its key goes in and lowered
 * after it left; readers load signatures, then (acquire) the index, and compare the key in
 * the entry, which the binding cache's RCU keeps valid until every reader has passed a
 * quiescent state. A deleted slot may be reused at once: a reader that sees the new index
 * finds another key there and goes on.
 *
 * Pure (no EAL): the caller allocates the buckets (bc_tab_bytes) and owns the entries.
 */
#ifndef BC_TAB_H
#define BC_TAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BC_TAB_WAYS 7
#define BC_TAB_STASH 64

/** One cache line: the signatures (0: a free way) and the spill count in the first half,
 *  read as one vector; the entry slots in the second. */
struct bc_tab_bucket {
	uint32_t sig[BC_TAB_WAYS];
	uint32_t spill;               /**< keys whose home this is, in their second bucket */
	uint32_t idx[BC_TAB_WAYS];
	uint32_t pad;
};

struct bc_tab {
	struct bc_tab_bucket *b;      /**< n_buckets (mask + 1), a power of two */
	uint32_t mask;
	uint32_t seed;                /**< CRC32-C initial value */
	uint16_t key_len;             /**< 16 (IPv6) or 4 (IPv4, network order) */
	uint16_t key_off;             /**< where an entry holds its key */
	uint32_t ent_size;
	const uint8_t *ents;          /**< the entry array the slots index */
	uint32_t n_stash;             /**< stash ways in use */
	uint32_t stash_sig[BC_TAB_STASH];
	uint32_t stash_idx[BC_TAB_STASH];
	uint32_t n_keys;              /**< the writer's count */
};

/** Buckets for up to capacity keys (a power of two, at least capacity / 2, at least 2). */
uint32_t bc_tab_buckets(uint32_t capacity);

/** Bytes of bucket memory for n_buckets (cache-line aligned, zeroed by the caller). */
static inline size_t
bc_tab_bytes(uint32_t n_buckets)
{
	return (size_t)n_buckets * sizeof(struct bc_tab_bucket);
}

/**
 * Set t up over zeroed buckets (n_buckets from bc_tab_buckets) for keys of key_len bytes
 * held at key_off in entries of ent_size bytes from ents.
 */
void bc_tab_init(struct bc_tab *t, void *buckets, uint32_t n_buckets, uint32_t seed,
		 uint16_t key_len, uint16_t key_off, const void *ents, uint32_t ent_size);

/**
 * Writer: key now names entry slot idx (whose key, at key_off, must equal key and be
 * written already) — a new key, or a new entry for a key already there.
 * @return 0, or -ENOSPC (both buckets and the stash full).
 */
int bc_tab_add(struct bc_tab *t, const void *key, uint32_t idx);

/** Writer: remove key. @return 0, or -ENOENT. */
int bc_tab_del(struct bc_tab *t, const void *key);

/** Reader or writer: the entry slot of key, or -1. */
int64_t bc_tab_lookup(const struct bc_tab *t, const void *key);

/**
 * Reader: look up n keys (at most 64; any alignment, e.g. straight from packet headers) in
 * three passes over the burst — hash and prefetch the home buckets, match signatures and
 * prefetch the candidate entries (every line of each), compare keys. out[i]: the entry, or
 * NULL.
 * @return the hits.
 */
unsigned int bc_tab_lookup_bulk(const struct bc_tab *t, const void *const *keys, unsigned int n,
				const void **out);

/** The keys held (the writer's count). */
static inline uint32_t
bc_tab_count(const struct bc_tab *t)
{
	return t->n_keys;
}

#endif /* BC_TAB_H */
