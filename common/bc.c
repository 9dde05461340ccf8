/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Binding cache, prefix tables and SPI table: one writer, lock-free readers, RCU reclamation.
 * See bc.h for the contract; architecture.md "Shared state" for the design. This file: the
 * tables' lifecycle and the writer's bindings; the readers are in bc_lookup.c, the prefixes
 * and SPIs in bc_prefix.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "bc_impl.h"
#include "ha_log.h"

_Static_assert(sizeof(struct bc_entry) == 2 * RTE_CACHE_LINE_SIZE, "bc_entry: two cache lines");
_Static_assert(offsetof(struct bc_entry, hoa6) == RTE_CACHE_LINE_SIZE, "line 0 holds the encap fields");

/* ------------------------------------------------------------------ helpers */

static int
freelist_init(struct bc_freelist *f, uint32_t size, int socket)
{
	uint32_t i;

	f->idx = rte_malloc_socket(NULL, sizeof(uint32_t) * size, 0, socket);
	if (f->idx == NULL)
		return -ENOMEM;
	/* pop order = ascending index, so low slots are used first */
	for (i = 0; i < size; i++)
		f->idx[i] = size - 1 - i;
	f->n = size;
	f->size = size;
	return 0;
}

static void
rcu_free_objs(void *p, void *e, unsigned int n)
{
	struct bc *bc = p;
	struct bc_retired *r = e;
	unsigned int i;

	for (i = 0; i < n; i++) {
		switch (r[i].kind) {
		case BC_OBJ_ENTRY:
			BC_POISON(&bc->entries[r[i].idx], sizeof(struct bc_entry));
			bc->free_entries.idx[bc->free_entries.n++] = r[i].idx;
			break;
		case BC_OBJ_PFX:
			bc->free_pfx.idx[bc->free_pfx.n++] = r[i].idx;
			break;
		case BC_OBJ_SPI:
			BC_POISON(&bc->spi_vals[r[i].idx], sizeof(struct bc_spi_val));
			bc->free_spi.idx[bc->free_spi.n++] = r[i].idx;
			break;
		}
		bc->retire_pending--;
		bc->retired++;
	}
}

/* Hand an object to the defer queue; when it is full, wait for a grace period. */
void
bc_retire(struct bc *bc, enum bc_obj kind, uint32_t idx)
{
	struct bc_retired r = { .kind = kind, .idx = idx };

	bc->retire_pending++;
	if (rte_rcu_qsbr_dq_enqueue(bc->dq, &r) == 0)
		return;
	rte_rcu_qsbr_synchronize(bc->v, RTE_QSBR_THRID_INVALID);
	rte_rcu_qsbr_dq_reclaim(bc->dq, BC_DQ_SIZE, NULL, NULL, NULL);
	if (rte_rcu_qsbr_dq_enqueue(bc->dq, &r) != 0) {
		/* cannot happen after a full reclaim; free at once after the grace period */
		rcu_free_objs(bc, &r, 1);
	}
}

/* Pop a free index; reclaim, then wait for a grace period, before giving up. */
int
bc_freelist_pop(struct bc *bc, struct bc_freelist *f, uint32_t *idx)
{
	if (f->n == 0)
		rte_rcu_qsbr_dq_reclaim(bc->dq, BC_DQ_SIZE, NULL, NULL, NULL);
	if (f->n == 0 && bc->retire_pending > 0) {
		rte_rcu_qsbr_synchronize(bc->v, RTE_QSBR_THRID_INVALID);
		rte_rcu_qsbr_dq_reclaim(bc->dq, BC_DQ_SIZE, NULL, NULL, NULL);
	}
	if (f->n == 0)
		return -ENOSPC;
	*idx = f->idx[--f->n];
	return 0;
}

/* ------------------------------------------------------------------ lifecycle */

/*
 * rte_hash_crc reads the key as 64-bit words; readers pass keys straight from packet headers
 * (an IPv6 destination sits at 2 mod 8), so the words are read with memcpy: the same CRC32-C,
 * the same instructions on x86, and no misaligned access in the C sense.
 */
static uint32_t
bc_key_hash(const void *key, uint32_t len, uint32_t init)
{
	const uint8_t *p = key;
	uint64_t w8;
	uint32_t w4;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w8, p, 8);
		init = rte_hash_crc_8byte(w8, init);
	}
	if (len >= 4) {
		memcpy(&w4, p, 4);
		init = rte_hash_crc_4byte(w4, init);
		p += 4;
		len -= 4;
	}
	for (; len > 0; len--)
		init = rte_hash_crc_1byte(*p++, init);
	return init;
}

static struct rte_hash *
hash_create(struct bc *bc, const char *suffix, uint32_t entries, uint32_t key_len, int socket)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = RTE_MAX(entries, 64u),
		.key_len = key_len,
		.hash_func = bc_key_hash,
		.socket_id = socket,
		/* lock-free readers; the extendable table guarantees inserts up to capacity */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_hash_rcu_config rc = {
		.v = bc->v,
		.mode = RTE_HASH_QSBR_MODE_DQ,
	};
	struct rte_hash *h;

	snprintf(name, sizeof(name), "%s_%s", bc->name, suffix);
	h = rte_hash_create(&hp);
	if (h == NULL)
		return NULL;
	/* Deleted key slots are reused only after a grace period. */
	if (rte_hash_rcu_qsbr_add(h, &rc) != 0) {
		rte_hash_free(h);
		return NULL;
	}
	return h;
}

static int
home_tab_init(struct bc_tab *t, void **mem, uint32_t capacity, uint16_t key_len,
	      uint16_t key_off, const struct bc_entry *ents, int socket)
{
	uint32_t nb = bc_tab_buckets(capacity);

	*mem = rte_zmalloc_socket("bc_tab", bc_tab_bytes(nb), RTE_CACHE_LINE_SIZE, socket);
	if (*mem == NULL)
		return -ENOMEM;
	bc_tab_init(t, *mem, nb, (uint32_t)rte_rand(), key_len, key_off, ents,
		    sizeof(struct bc_entry));
	return 0;
}

struct bc *
bc_create(const struct bc_params *p)
{
	char name[RTE_LPM_NAMESIZE];
	struct bc *bc;
	size_t sz;
	int socket = p->socket;
	uint32_t i, n_entries;

	if (p->capacity == 0 || p->prefixes == 0 || p->prefixes > BC_LPM6_MAX_NEXT_HOP ||
	    p->spis == 0 || p->max_readers == 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	bc = rte_zmalloc_socket("bc", sizeof(*bc), RTE_CACHE_LINE_SIZE, socket);
	if (bc == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(bc->name, sizeof(bc->name), "%s", p->name != NULL ? p->name : "bc");
	bc->capacity = p->capacity;
	bc->max_readers = p->max_readers;

	sz = rte_rcu_qsbr_get_memsize(p->max_readers);
	bc->v = rte_zmalloc_socket("bc_rcu", sz, RTE_CACHE_LINE_SIZE, socket);
	if (bc->v == NULL || rte_rcu_qsbr_init(bc->v, p->max_readers) != 0)
		goto fail;
	snprintf(name, sizeof(name), "%s_dq", bc->name);
	bc->dq = rte_rcu_qsbr_dq_create(&(struct rte_rcu_qsbr_dq_parameters){
		.name = name,
		.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE,   /* the writer alone enqueues */
		.size = BC_DQ_SIZE,
		.esize = sizeof(struct bc_retired),
		.trigger_reclaim_limit = BC_DQ_RECLAIM_AT,
		.max_reclaim_size = BC_DQ_RECLAIM_MAX,
		.free_fn = rcu_free_objs,
		.p = bc,
		.v = bc->v,
	});
	if (bc->dq == NULL)
		goto fail;

	/* Entries in flight: one per binding plus those waiting for a grace period. */
	n_entries = p->capacity + BC_DQ_SIZE;
	bc->entries = rte_zmalloc_socket("bc_entries", sizeof(struct bc_entry) * n_entries,
					 RTE_CACHE_LINE_SIZE, socket);
	bc->slots = rte_zmalloc_socket("bc_slots", sizeof(*bc->slots) * p->capacity,
				       RTE_CACHE_LINE_SIZE, socket);
	if (bc->entries == NULL || bc->slots == NULL ||
	    freelist_init(&bc->free_entries, n_entries, socket) != 0)
		goto fail;
	for (i = 0; i < n_entries; i++)
		BC_POISON(&bc->entries[i], sizeof(struct bc_entry));

	/* Up to two keys per mobile node: the IPv6 and the IPv4 home address, each in an
	 * entry (the key compared there); seeds no outsider knows (bc_tab.h) */
	if (home_tab_init(&bc->t6, &bc->t6_mem, p->capacity, sizeof(struct in6_addr),
			  offsetof(struct bc_entry, hoa6), bc->entries, socket) != 0 ||
	    home_tab_init(&bc->t4, &bc->t4_mem, p->capacity, sizeof(uint32_t),
			  offsetof(struct bc_entry, hoa4), bc->entries, socket) != 0)
		goto fail;

	bc->pfx_mn = rte_zmalloc_socket("bc_pfx", sizeof(uint32_t) * p->prefixes, 0, socket);
	if (bc->pfx_mn == NULL || freelist_init(&bc->free_pfx, p->prefixes, socket) != 0)
		goto fail;
	snprintf(name, sizeof(name), "%s_l4", bc->name);
	bc->lpm4 = rte_lpm_create(name, socket, &(struct rte_lpm_config){
		.max_rules = p->prefixes,
		.number_tbl8s = RTE_MIN(p->prefixes, 65536u),
	});
	if (bc->lpm4 == NULL ||
	    rte_lpm_rcu_qsbr_add(bc->lpm4, &(struct rte_lpm_rcu_config){
		    .v = bc->v, .mode = RTE_LPM_QSBR_MODE_DQ }) != 0)
		goto fail;
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "%s_l6%c", bc->name, 'a' + i);
		/*
		 * A prefix needs up to (len - 24) / 8 tbl8 groups of 1 KiB; prefixes from one
		 * operator aggregate share the upper ones, so two per prefix on average.
		 */
		bc->lpm6[i] = rte_lpm6_create(name, socket, &(struct rte_lpm6_config){
			.max_rules = p->prefixes,
			.number_tbl8s = RTE_MAX(p->prefixes * 2, 1024u),
		});
		if (bc->lpm6[i] == NULL)
			goto fail;
	}
	bc->lpm6_active = bc->lpm6[0];
	bc->pfxsum = &bc->pfxsum_copy[0];     /* zeroed: no range */

	bc->spi_h = hash_create(bc, "spi", p->spis, sizeof(uint32_t), socket);
	bc->spi_vals = rte_zmalloc_socket("bc_spi", sizeof(struct bc_spi_val) * p->spis,
					  RTE_CACHE_LINE_SIZE, socket);
	if (bc->spi_h == NULL || bc->spi_vals == NULL ||
	    freelist_init(&bc->free_spi, p->spis, socket) != 0)
		goto fail;
	return bc;
fail:
	bc_free(bc);
	rte_errno = ENOMEM;
	return NULL;
}

void
bc_free(struct bc *bc)
{
	if (bc == NULL)
		return;
	/* Tables first (their own RCU queues may still call back), then the defer queue. */
	rte_hash_free(bc->spi_h);
	rte_free(bc->t4_mem);
	rte_free(bc->t6_mem);
	rte_lpm_free(bc->lpm4);
	rte_lpm6_free(bc->lpm6[0]);
	rte_lpm6_free(bc->lpm6[1]);
	if (bc->dq != NULL) {
		rte_rcu_qsbr_dq_reclaim(bc->dq, BC_DQ_SIZE, NULL, NULL, NULL);
		rte_rcu_qsbr_dq_delete(bc->dq);
	}
	if (bc->entries != NULL)
		BC_UNPOISON(bc->entries, sizeof(struct bc_entry) * bc->free_entries.size);
	if (bc->spi_vals != NULL)
		BC_UNPOISON(bc->spi_vals, sizeof(struct bc_spi_val) * bc->free_spi.size);
	rte_free(bc->spi_vals);
	rte_free(bc->free_spi.idx);
	rte_free(bc->pfx_mn);
	rte_free(bc->free_pfx.idx);
	rte_free(bc->slots);
	rte_free(bc->entries);
	rte_free(bc->free_entries.idx);
	rte_free(bc->v);
	rte_free(bc);
}

struct rte_rcu_qsbr *
bc_rcu(struct bc *bc)
{
	return bc->v;
}

uint32_t
bc_capacity(const struct bc *bc)
{
	return bc->capacity;
}

int
bc_reader_register(struct bc *bc, unsigned int tid)
{
	int rc;

	if (tid >= bc->max_readers)
		return -EINVAL;
	rc = rte_rcu_qsbr_thread_register(bc->v, tid);
	if (rc != 0)
		return rc;
	rte_rcu_qsbr_thread_online(bc->v, tid);
	return 0;
}

void
bc_reader_unregister(struct bc *bc, unsigned int tid)
{
	rte_rcu_qsbr_thread_offline(bc->v, tid);
	rte_rcu_qsbr_thread_unregister(bc->v, tid);
}

/* ------------------------------------------------------------------ writer: bindings */

struct bc_entry *
bc_entry_new(struct bc *bc)
{
	struct bc_entry *e;
	uint32_t idx;

	if (bc_freelist_pop(bc, &bc->free_entries, &idx) != 0) {
		rte_errno = ENOSPC;
		return NULL;
	}
	e = &bc->entries[idx];
	BC_UNPOISON(e, sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->idx = idx;
	e->sa_out = BC_NO_SA;
	return e;
}

struct bc_entry *
bc_entry_clone(struct bc *bc, const struct bc_entry *old)
{
	struct bc_entry *e = bc_entry_new(bc);
	uint32_t idx;

	if (e == NULL)
		return NULL;
	idx = e->idx;
	memcpy(e, old, sizeof(*e));
	e->idx = idx;
	return e;
}

void
bc_entry_discard(struct bc *bc, struct bc_entry *e)
{
	uint32_t idx = e->idx;

	/* never published: no reader can hold it */
	BC_POISON(e, sizeof(*e));
	bc->free_entries.idx[bc->free_entries.n++] = idx;
}

int
bc_publish(struct bc *bc, struct bc_entry *e)
{
	struct bc_entry *old;
	bool has4 = (e->flags & BC_F_HOA4) != 0, old_has4;
	int rc;

	if (e->mn >= bc->capacity)
		return -EINVAL;
	old = bc->slots[e->mn];
	old_has4 = old != NULL && (old->flags & BC_F_HOA4) != 0;
	/* The mobile node index and its IPv6 home address belong together. */
	if (old != NULL && memcmp(&old->hoa6, &e->hoa6, 16) != 0)
		return -EINVAL;
	e->gen = old != NULL ? old->gen + 1 : 1;
	/* An IPv4 home address belongs to one node: never take another node's key. */
	if (has4) {
		const struct bc_entry *owner = bc_lookup4(bc, e->hoa4);

		if (owner != NULL && owner->mn != e->mn)
			return -EEXIST;
	}

	/* a key outside the home ranges: the lookups hash every address from now on */
	if (bc_home_note6(&bc->home, &e->hoa6))
		CP_LOG(NOTICE, "home address of node %u outside the home prefixes: every IPv6 "
		       "destination is looked up in the binding cache from now on", e->mn);
	if (has4 && bc_home_note4(&bc->home, e->hoa4))
		CP_LOG(NOTICE, "IPv4 home address of node %u outside the IPv4 home prefixes and "
		       "pools: every IPv4 destination is looked up from now on", e->mn);
	/* Each key store is one atomic index store: readers see old or e, never half. */
	rc = bc_tab_add(&bc->t6, &e->hoa6, e->idx);
	if (rc != 0)
		return rc;
	if (has4) {
		rc = bc_tab_add(&bc->t4, &e->hoa4, e->idx);
		if (rc != 0) {
			if (old != NULL)   /* an existing key: restoring its entry cannot fail */
				bc_tab_add(&bc->t6, &e->hoa6, old->idx);
			else
				bc_tab_del(&bc->t6, &e->hoa6);
			return rc;
		}
	}
	if (old_has4 && (!has4 || old->hoa4 != e->hoa4) && bc_lookup4(bc, old->hoa4) == old)
		bc_tab_del(&bc->t4, &old->hoa4);
	__atomic_store_n(&bc->slots[e->mn], e, __ATOMIC_RELEASE);
	bc->publishes++;
	if (old != NULL)
		bc_retire(bc, BC_OBJ_ENTRY, old->idx);
	else
		bc->n_bindings++;
	return 0;
}

int
bc_remove(struct bc *bc, uint32_t mn)
{
	struct bc_entry *old;

	if (mn >= bc->capacity || bc->slots[mn] == NULL)
		return -ENOENT;
	old = bc->slots[mn];
	bc_tab_del(&bc->t6, &old->hoa6);
	/* only its own key: the IPv4 home address may belong to another node by now */
	if ((old->flags & BC_F_HOA4) && bc_lookup4(bc, old->hoa4) == old)
		bc_tab_del(&bc->t4, &old->hoa4);
	__atomic_store_n(&bc->slots[mn], NULL, __ATOMIC_RELEASE);
	bc_retire(bc, BC_OBJ_ENTRY, old->idx);
	bc->n_bindings--;
	return 0;
}

uint32_t
bc_walk(const struct bc *bc, uint32_t *pos, bc_walk_fn fn, void *arg)
{
	uint32_t n = 0, i;

	for (i = *pos; i < bc->capacity; i++) {
		const struct bc_entry *e = bc_get(bc, i);

		if (e == NULL)
			continue;
		n++;
		if (fn(e, arg) != 0) {
			i++;
			break;
		}
	}
	*pos = i;
	return n;
}

void
bc_reclaim(struct bc *bc)
{
	rte_rcu_qsbr_dq_reclaim(bc->dq, BC_DQ_SIZE, NULL, NULL, NULL);
}

void
bc_stats_get(const struct bc *bc, struct bc_stats *st)
{
	st->bindings = bc->n_bindings;
	st->prefixes = bc->n_prefixes;
	st->spis = bc->n_spis;
	st->entries_free = bc->free_entries.n;
	st->retire_pending = bc->retire_pending;
	st->publishes = bc->publishes;
	st->retired = bc->retired;
	st->home_ranges6 = bc->home.live6;
	st->home_ranges4 = bc->home.live4;
	st->prefix_ranges6 = bc->pfxsum->n6;
	st->prefix_ranges4 = bc->pfxsum->n4;
}

bool
bc_home_prefix6_add(struct bc *bc, const struct in6_addr *prefix, uint8_t len)
{
	return bc_home_add6(&bc->home, prefix, len, bc->n_bindings == 0);
}

bool
bc_home_prefix4_add(struct bc *bc, uint32_t prefix, uint8_t len)
{
	return bc_home_add4(&bc->home, prefix, len, bc->n_bindings == 0);
}

void
bc_keys_count(const struct bc *bc, uint32_t *keys6, uint32_t *keys4)
{
	*keys6 = bc_tab_count(&bc->t6);
	*keys4 = bc_tab_count(&bc->t4);
}
