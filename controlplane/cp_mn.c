/* SPDX-License-Identifier: BSD-3-Clause */
/* The mobile-node database: slots plus open-addressing indexes by IPv6 home address, by id and
 * by static IPv4 home address. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_mn.h"
#include "ha_mem.h"

#define EMPTY UINT32_MAX
#define TOMB (UINT32_MAX - 1)

struct cp_mndb {
	uint32_t capacity;
	uint32_t count;
	uint32_t mask;                /* index table size - 1 (power of two, >= 2 * capacity) */
	uint32_t *index;              /* hoa6 hash -> slot, EMPTY or TOMB */
	uint32_t *id_index;           /* id hash -> slot, EMPTY or TOMB */
	uint32_t *a4_index;           /* static hoa4 hash -> slot, EMPTY or TOMB */
	struct cp_mn *mns;
	uint32_t *free;               /* stack of free slots, lowest on top */
	uint32_t n_free;
	uint32_t tombs;               /* tombstones in each index (deletes mark all) */
};

static uint32_t
hash_id(const char *id)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	while (*id != '\0')
		h = (h ^ (uint8_t)*id++) * 16777619u;
	return h;
}

static uint32_t
hash6(const struct in6_addr *a)
{
	uint64_t x, y;

	memcpy(&x, a->s6_addr, 8);
	memcpy(&y, a->s6_addr + 8, 8);
	x ^= y * 0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 32;
	return (uint32_t)x;
}

/*
 * An IPv4 address in network order: its low-order bits as an integer are the first octets,
 * the same for a whole block. The top half of a 64-bit product depends on every bit
 * (a * odd mod 2^32 would keep the low bits' sameness and cluster the whole block).
 */
static uint32_t
hash4(uint32_t a)
{
	return (uint32_t)(((uint64_t)a * 0x9e3779b97f4a7c15ull) >> 32);
}

struct cp_mndb *
cp_mndb_create(uint32_t capacity)
{
	struct cp_mndb *db = calloc(1, sizeof(*db));
	uint32_t size = 16, i;

	if (db == NULL)
		return NULL;
	while (size < 2 * capacity)
		size <<= 1;
	db->capacity = capacity;
	db->mask = size - 1;
	db->index = ha_big_calloc(size, sizeof(uint32_t));
	db->id_index = ha_big_calloc(size, sizeof(uint32_t));
	db->a4_index = ha_big_calloc(size, sizeof(uint32_t));
	db->mns = ha_big_calloc(capacity, sizeof(*db->mns));
	db->free = ha_big_calloc(capacity, sizeof(uint32_t));
	if (db->index == NULL || db->id_index == NULL || db->a4_index == NULL || db->mns == NULL ||
	    db->free == NULL) {
		cp_mndb_free(db);
		return NULL;
	}
	for (i = 0; i < size; i++)
		db->index[i] = db->id_index[i] = db->a4_index[i] = EMPTY;
	for (i = 0; i < capacity; i++)
		db->free[i] = capacity - 1 - i;
	db->n_free = capacity;
	return db;
}

void
cp_mndb_free(struct cp_mndb *db)
{
	uint32_t i;

	if (db == NULL)
		return;
	for (i = 0; db->mns != NULL && i < db->capacity; i++)
		free(db->mns[i].pfx);
	free(db->index);
	free(db->id_index);
	free(db->a4_index);
	free(db->mns);
	free(db->free);
	free(db);
}

/* What an index is keyed by. */
enum key_kind { KEY_HOA6, KEY_ID, KEY_HOA4 };

struct key {
	enum key_kind kind;
	const struct in6_addr *hoa6;
	const char *id;
	uint32_t hoa4;
};

static bool
key_is(const struct cp_mn *m, const struct key *k)
{
	switch (k->kind) {
	case KEY_HOA6: return memcmp(&m->hoa6, k->hoa6, 16) == 0;
	case KEY_ID: return strcmp(m->id, k->id) == 0;
	default: return m->hoa4_mode == CFG_HOA4_STATIC && m->hoa4 == k->hoa4;
	}
}

/*
 * Linear probing: the position of the key in table t, or of the first reusable (empty or
 * tombstone) position when absent.
 */
static uint32_t
probe(const struct cp_mndb *db, const uint32_t *t, uint32_t hash, const struct key *k,
      bool *found)
{
	uint32_t h = hash & db->mask, first_free = EMPTY;

	for (;;) {
		uint32_t v = t[h];

		if (v == EMPTY) {
			*found = false;
			return first_free != EMPTY ? first_free : h;
		}
		if (v == TOMB) {
			if (first_free == EMPTY)
				first_free = h;
		} else if (key_is(&db->mns[v], k)) {
			*found = true;
			return h;
		}
		h = (h + 1) & db->mask;
	}
}

static uint32_t
probe6(const struct cp_mndb *db, const struct in6_addr *a, bool *found)
{
	struct key k = { .kind = KEY_HOA6, .hoa6 = a };

	return probe(db, db->index, hash6(a), &k, found);
}

static uint32_t
probe_id(const struct cp_mndb *db, const char *id, bool *found)
{
	struct key k = { .kind = KEY_ID, .id = id };

	return probe(db, db->id_index, hash_id(id), &k, found);
}

static uint32_t
probe4(const struct cp_mndb *db, uint32_t a, bool *found)
{
	struct key k = { .kind = KEY_HOA4, .hoa4 = a };

	return probe(db, db->a4_index, hash4(a), &k, found);
}

/* Rebuild the indexes without tombstones, so that every probe meets an empty position. */
static void
rebuild(struct cp_mndb *db)
{
	uint32_t i;
	bool found;

	for (i = 0; i <= db->mask; i++)
		db->index[i] = db->id_index[i] = db->a4_index[i] = EMPTY;
	for (i = 0; i < db->capacity; i++) {
		if (!db->mns[i].used)
			continue;
		db->index[probe6(db, &db->mns[i].hoa6, &found)] = i;
		db->id_index[probe_id(db, db->mns[i].id, &found)] = i;
		if (db->mns[i].hoa4_mode == CFG_HOA4_STATIC)
			db->a4_index[probe4(db, db->mns[i].hoa4, &found)] = i;
	}
	db->tombs = 0;
}

int
cp_mndb_add(struct cp_mndb *db, const struct cfg_mn *c, uint32_t *idx)
{
	struct cp_mn *m;
	uint32_t pos, id_pos, a4_pos = 0, slot, i;
	bool found, id_found, a4_found = false;

	/* load factor <= 3/4 counting tombstones */
	if (4 * (db->count + db->tombs + 1) > 3 * (db->mask + 1))
		rebuild(db);
	pos = probe6(db, &c->hoa6, &found);
	id_pos = probe_id(db, c->id, &id_found);
	/* a static IPv4 home address is one node's (RFC 5555 §5: the HA maps it to one HoA) */
	if (c->hoa4_mode == CFG_HOA4_STATIC)
		a4_pos = probe4(db, c->hoa4, &a4_found);
	if (found || id_found || a4_found)
		return -EEXIST;
	if (db->n_free == 0)
		return -ENOSPC;
	slot = db->free[--db->n_free];
	m = &db->mns[slot];
	memset(m, 0, sizeof(*m));
	m->idx = slot;
	m->used = true;
	m->hoa6 = c->hoa6;
	m->hoa4_mode = (uint8_t)c->hoa4_mode;
	m->hoa4 = c->hoa4;
	m->mobile_router = c->mobile_router;
	m->ipv4_prefix = c->ipv4_prefix;
	m->sa_sig_in = m->sa_sig_out = m->sa_pay_in = m->sa_pay_out = CP_SA_NONE;
	snprintf(m->id, sizeof(m->id), "%s", c->id);
	if (c->n_prefixes6 > 0 || c->n_prefixes4 > 0) {
		m->pfx = calloc(1, sizeof(*m->pfx));
		if (m->pfx == NULL) {
			m->used = false;
			db->free[db->n_free++] = slot;
			return -ENOMEM;
		}
		m->pfx->n6 = c->n_prefixes6;
		m->pfx->n4 = c->n_prefixes4;
		memcpy(m->pfx->p6, c->prefixes6, sizeof(m->pfx->p6));
		memcpy(m->pfx->p4, c->prefixes4, sizeof(m->pfx->p4));
	}
	for (i = 0; i < c->n_sas; i++) {
		const struct cfg_sa *sa = &c->sas[i];
		uint32_t *spi = sa->role == CFG_SA_SIGNALLING ?
				(sa->dir == CFG_SA_IN ? &m->spi_sig_in : &m->spi_sig_out) :
				(sa->dir == CFG_SA_IN ? &m->spi_pay_in : &m->spi_pay_out);

		*spi = sa->spi;
	}
	db->index[pos] = slot;
	db->id_index[id_pos] = slot;
	if (c->hoa4_mode == CFG_HOA4_STATIC)
		db->a4_index[a4_pos] = slot;
	db->count++;
	*idx = slot;
	return 0;
}

int
cp_mndb_del(struct cp_mndb *db, uint32_t idx)
{
	struct cp_mn *m;
	uint32_t pos;
	bool found;

	if (idx >= db->capacity || !db->mns[idx].used)
		return -ENOENT;
	m = &db->mns[idx];
	pos = probe6(db, &m->hoa6, &found);
	if (found)
		db->index[pos] = TOMB;
	pos = probe_id(db, m->id, &found);
	if (found)
		db->id_index[pos] = TOMB;
	if (m->hoa4_mode == CFG_HOA4_STATIC) {
		pos = probe4(db, m->hoa4, &found);
		if (found)
			db->a4_index[pos] = TOMB;
	}
	db->tombs++;
	free(m->pfx);
	memset(m, 0, sizeof(*m));
	/* keep the free stack sorted so that the lowest slot is reused first */
	db->free[db->n_free++] = idx;
	for (pos = db->n_free - 1; pos > 0 && db->free[pos] > db->free[pos - 1]; pos--) {
		uint32_t t = db->free[pos];

		db->free[pos] = db->free[pos - 1];
		db->free[pos - 1] = t;
	}
	db->count--;
	return 0;
}

struct cp_mn *
cp_mndb_get(struct cp_mndb *db, uint32_t idx)
{
	return idx < db->capacity && db->mns[idx].used ? &db->mns[idx] : NULL;
}

struct cp_mn *
cp_mndb_find6(struct cp_mndb *db, const struct in6_addr *hoa6)
{
	bool found;
	uint32_t pos = probe6(db, hoa6, &found);

	return found ? &db->mns[db->index[pos]] : NULL;
}

struct cp_mn *
cp_mndb_find4(struct cp_mndb *db, uint32_t hoa4)
{
	bool found;
	uint32_t pos = probe4(db, hoa4, &found);

	return found ? &db->mns[db->a4_index[pos]] : NULL;
}

struct cp_mn *
cp_mndb_find_id(struct cp_mndb *db, const char *id)
{
	bool found;
	uint32_t pos = probe_id(db, id, &found);

	return found ? &db->mns[db->id_index[pos]] : NULL;
}

static bool
prefixes_overlap(const struct cp_mn_prefixes *p, const struct cfg_mn *c)
{
	unsigned int i, j;

	for (i = 0; i < p->n6; i++)
		for (j = 0; j < c->n_prefixes6; j++)
			if (ha_prefix6_overlaps(&p->p6[i], &c->prefixes6[j]))
				return true;
	for (i = 0; i < p->n4; i++)
		for (j = 0; j < c->n_prefixes4; j++)
			if (ha_prefix4_overlaps(&p->p4[i], &c->prefixes4[j]))
				return true;
	return false;
}

struct cp_mn *
cp_mndb_prefix_clash(struct cp_mndb *db, const struct cfg_mn *c)
{
	uint32_t i;

	if (c->n_prefixes6 == 0 && c->n_prefixes4 == 0)
		return NULL;
	for (i = 0; i < db->capacity; i++)
		if (db->mns[i].used && db->mns[i].pfx != NULL && strcmp(db->mns[i].id, c->id) != 0 &&
		    prefixes_overlap(db->mns[i].pfx, c))
			return &db->mns[i];
	return NULL;
}

uint32_t
cp_mndb_count(const struct cp_mndb *db)
{
	return db->count;
}

uint32_t
cp_mndb_capacity(const struct cp_mndb *db)
{
	return db->capacity;
}
