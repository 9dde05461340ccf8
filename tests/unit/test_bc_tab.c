/* SPDX-License-Identifier: BSD-3-Clause */
/* The home-address table (common/bc_tab.h) on plain memory: placement, replacement, the
 * stash, the key check in the entry, and a fill to a million keys. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "bc_tab.h"

/* An entry as the binding cache's: its key somewhere inside, 128 bytes. */
struct ent {
	uint8_t pad[20];
	uint32_t key4;
	uint8_t pad2[40];
	uint8_t key6[16];
	uint8_t pad3[48];
};

struct fix {
	struct bc_tab t;
	void *mem;
	struct ent *ents;
	uint32_t n_ents;
};

static void
fix_init(struct fix *f, uint32_t capacity, uint16_t key_len)
{
	uint32_t nb = bc_tab_buckets(capacity);

	f->mem = aligned_alloc(64, bc_tab_bytes(nb));
	cr_assert_not_null(f->mem);
	memset(f->mem, 0, bc_tab_bytes(nb));
	f->n_ents = capacity + 100;
	f->ents = calloc(f->n_ents, sizeof(struct ent));
	cr_assert_not_null(f->ents);
	bc_tab_init(&f->t, f->mem, nb, 0x5eed1234u, key_len,
		    key_len == 16 ? offsetof(struct ent, key6) : offsetof(struct ent, key4),
		    f->ents, sizeof(struct ent));
}

static void
fix_fini(struct fix *f)
{
	free(f->mem);
	free(f->ents);
}

/* The i-th IPv6 home address of a sequence: 2001:db8:1::/64 with i in the interface id,
 * or (rnd) a pseudo-random interface id. */
static void
key6(uint8_t *k, uint32_t i, bool rnd)
{
	uint64_t x = i;

	memcpy(k, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0 }, 8);
	if (rnd) {
		x = (x + 1) * 0x9e3779b97f4a7c15ull;
		x ^= x >> 31;
		x *= 0xbf58476d1ce4e5b9ull;
		x ^= x >> 29;
	}
	for (int b = 0; b < 8; b++)
		k[15 - b] = (uint8_t)(x >> (8 * b));
}

/* Entry slot i gets key number i, then goes into the table. */
static int
add6(struct fix *f, uint32_t slot, uint32_t key, bool rnd)
{
	key6(f->ents[slot].key6, key, rnd);
	return bc_tab_add(&f->t, f->ents[slot].key6, slot);
}

Test(bc_tab, add_find_replace_delete)
{
	struct fix f;
	uint8_t k[16], other[16];
	uint32_t a;

	fix_init(&f, 1000, 16);
	key6(k, 7, false);
	key6(other, 8, false);
	cr_assert_eq(bc_tab_lookup(&f.t, k), -1);
	cr_assert_eq(add6(&f, 3, 7, false), 0);
	cr_assert_eq(bc_tab_lookup(&f.t, k), 3);
	cr_assert_eq(bc_tab_lookup(&f.t, other), -1);
	cr_assert_eq(bc_tab_count(&f.t), 1);
	/* a new entry for the same key: replaced in place, still one key */
	cr_assert_eq(add6(&f, 9, 7, false), 0);
	cr_assert_eq(bc_tab_lookup(&f.t, k), 9);
	cr_assert_eq(bc_tab_count(&f.t), 1);
	cr_assert_eq(bc_tab_del(&f.t, other), -ENOENT);
	cr_assert_eq(bc_tab_del(&f.t, k), 0);
	cr_assert_eq(bc_tab_lookup(&f.t, k), -1);
	cr_assert_eq(bc_tab_del(&f.t, k), -ENOENT);
	cr_assert_eq(bc_tab_count(&f.t), 0);
	fix_fini(&f);

	/* IPv4 keys, network order, at their own offset */
	fix_init(&f, 64, 4);
	a = 0x010264c6;               /* 198.100.2.1 in memory order: any 4 bytes do */
	f.ents[5].key4 = a;
	cr_assert_eq(bc_tab_add(&f.t, &f.ents[5].key4, 5), 0);
	cr_assert_eq(bc_tab_lookup(&f.t, &a), 5);
	a ^= 1;
	cr_assert_eq(bc_tab_lookup(&f.t, &a), -1);
	fix_fini(&f);
}

/*
 * The key is compared in the entry the slot names, not only its signature: a way whose
 * entry now holds another key (a slot reused while a reader held the old signature) is no
 * hit, for single and bulk lookups.
 */
Test(bc_tab, a_signature_alone_is_no_hit)
{
	struct fix f;
	uint8_t k[16];
	const void *keys[1] = { k }, *out[1];

	fix_init(&f, 1000, 16);
	cr_assert_eq(add6(&f, 4, 11, false), 0);
	key6(k, 11, false);
	cr_assert_eq(bc_tab_lookup_bulk(&f.t, keys, 1, out), 1);
	cr_assert_eq(out[0], &f.ents[4]);
	f.ents[4].key6[15] ^= 0x40;   /* the entry now holds another key */
	cr_assert_eq(bc_tab_lookup(&f.t, k), -1);
	cr_assert_eq(bc_tab_lookup_bulk(&f.t, keys, 1, out), 0);
	cr_assert_null(out[0]);
	fix_fini(&f);
}

/*
 * Two buckets, 16 ways: the 17th key and the next 63 go to the stash, where single and bulk
 * lookups find them; one more is refused (-ENOSPC), and a stash key deleted frees its way.
 */
Test(bc_tab, the_stash_takes_what_the_buckets_cannot)
{
	struct fix f;
	uint8_t k[16];
	const void *keys[64], *out[64];
	uint8_t kb[64][16];
	uint32_t i, n = 2 * BC_TAB_WAYS + BC_TAB_STASH;

	fix_init(&f, 4, 16);
	cr_assert_gt(f.n_ents, n);
	cr_assert_eq(f.t.mask, 1, "two buckets for a capacity of 4");
	for (i = 0; i < n; i++)
		cr_assert_eq(add6(&f, i, i, true), 0, "key %u", i);
	cr_assert_eq(f.t.n_stash, BC_TAB_STASH);
	cr_assert_eq(add6(&f, n, n, true), -ENOSPC);
	for (i = 0; i < n; i++) {
		key6(k, i, true);
		cr_assert_eq(bc_tab_lookup(&f.t, k), i, "key %u", i);
	}
	/* the last 64 (the stash's, mostly) in one bulk lookup */
	for (i = 0; i < 64; i++) {
		key6(kb[i], n - 64 + i, true);
		keys[i] = kb[i];
	}
	cr_assert_eq(bc_tab_lookup_bulk(&f.t, keys, 64, out), 64);
	for (i = 0; i < 64; i++)
		cr_assert_eq(out[i], &f.ents[n - 64 + i], "key %u", n - 64 + i);
	/* a key of the stash deleted: its way takes the refused key */
	key6(k, n - 1, true);
	cr_assert_eq(bc_tab_del(&f.t, k), 0);
	cr_assert_eq(bc_tab_lookup(&f.t, k), -1);
	cr_assert_eq(add6(&f, n, n, true), 0);
	key6(k, n, true);
	cr_assert_eq(bc_tab_lookup(&f.t, k), n);
	cr_assert_eq(bc_tab_count(&f.t), n);
	/* everything deleted: no spill count, no stash way left behind */
	for (i = 0; i <= n; i++)
		if (i != n - 1)
			cr_assert_eq(bc_tab_del(&f.t, f.ents[i].key6), 0, "key %u", i);
	cr_assert_eq(bc_tab_count(&f.t), 0);
	cr_assert_eq(f.t.n_stash, 0);
	cr_assert_eq(f.t.b[0].spill + f.t.b[1].spill, 0);
	fix_fini(&f);
}

/* Fill to capacity (a million: sequential and random interface ids), every key found in
 * bulk, none refused, the stash hardly used; half deleted, the rest still found. */
static void
fill(bool rnd)
{
	const uint32_t cap = 1000000;
	struct fix f;
	uint8_t kb[32][16];
	const void *keys[32], *out[32];
	uint32_t i, j;

	fix_init(&f, cap, 16);
	for (i = 0; i < cap; i++)
		cr_assert_eq(add6(&f, i, i, rnd), 0, "key %u of %u refused", i, cap);
	cr_assert_eq(bc_tab_count(&f.t), cap);
	cr_assert_leq(f.t.n_stash, BC_TAB_STASH / 4, "%u keys in the stash", f.t.n_stash);
	for (i = 0; i < cap; i += 32) {
		for (j = 0; j < 32; j++) {
			key6(kb[j], i + j, rnd);
			keys[j] = kb[j];
		}
		cr_assert_eq(bc_tab_lookup_bulk(&f.t, keys, 32, out), 32);
		for (j = 0; j < 32; j++)
			cr_assert_eq(out[j], &f.ents[i + j]);
	}
	for (i = 0; i < cap; i += 2)
		cr_assert_eq(bc_tab_del(&f.t, f.ents[i].key6), 0);
	for (i = 0; i < cap; i += 32) {
		for (j = 0; j < 32; j++) {
			key6(kb[j], i + j, rnd);
			keys[j] = kb[j];
		}
		cr_assert_eq(bc_tab_lookup_bulk(&f.t, keys, 32, out), 16);
		for (j = 0; j < 32; j++)
			cr_assert_eq(out[j], j % 2 ? &f.ents[i + j] : NULL);
	}
	fix_fini(&f);
}

Test(bc_tab, a_million_sequential_keys_fit)
{
	fill(false);
}

Test(bc_tab, a_million_random_keys_fit)
{
	fill(true);
}
