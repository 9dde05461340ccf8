/* SPDX-License-Identifier: BSD-3-Clause */
/* Adjacencies: next hops resolved once for the bindings stacked on them (see dp_adj.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "dp_adj.h"
#include "dp_ctx.h"
#include "dp_fib.h"
#include "dp_neigh.h"

struct adj_key {
	uint8_t ip[16];               /* IPv6, or IPv4 in the first 4 bytes */
	uint16_t port;
	uint8_t family;
	uint8_t pad;
};

/* An id no entry names any more, reusable once the readers passed token. */
struct adj_retired {
	uint32_t id;
	uint64_t token;
};

struct dp_adj_table {
	struct dp_adj *a;             /* what workers read */
	struct adj_key *key;          /* id -> its key (control plane only) */
	uint32_t *refs;
	struct rte_hash *by_key;      /* key -> id (control plane only) */
	struct rte_rcu_qsbr *v;
	uint32_t cap;
	uint32_t next_unused;         /* ids never used: next_unused .. cap-1 */
	uint32_t *free;               /* ids past their grace period (a stack) */
	uint32_t n_free;
	struct adj_retired *retired;  /* a FIFO, oldest first */
	uint32_t r_head, r_len;
	struct dp_adj_stats st;
};

static uint64_t
mac_word(const uint8_t *mac)
{
	uint8_t b[8] = { 0 };
	uint64_t w;

	if (mac != NULL) {
		memcpy(b, mac, 6);
		b[6] = 1;
	}
	memcpy(&w, b, 8);
	return w;
}

struct dp_adj_table *
dp_adj_create(uint32_t capacity, struct rte_rcu_qsbr *v, int socket)
{
	static unsigned int seq;
	char name[RTE_HASH_NAMESIZE];
	struct dp_adj_table *t = rte_zmalloc_socket("dp_adj", sizeof(*t), 0, socket);

	if (t == NULL)
		goto nomem;
	if (capacity < 8)
		capacity = 8;
	t->cap = capacity;
	t->v = v;
	t->a = rte_zmalloc_socket("dp_adj_a", sizeof(*t->a) * capacity, RTE_CACHE_LINE_SIZE,
				  socket);
	t->key = rte_zmalloc_socket("dp_adj_k", sizeof(*t->key) * capacity, 0, socket);
	t->refs = rte_zmalloc_socket("dp_adj_r", sizeof(*t->refs) * capacity, 0, socket);
	t->free = rte_zmalloc_socket("dp_adj_f", sizeof(*t->free) * capacity, 0, socket);
	t->retired = rte_zmalloc_socket("dp_adj_q", sizeof(*t->retired) * capacity, 0, socket);
	snprintf(name, sizeof(name), "adj%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	t->by_key = rte_hash_create(&(struct rte_hash_parameters){
		.name = name, .entries = capacity, .key_len = sizeof(struct adj_key),
		.hash_func = rte_hash_crc, .socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE });
	if (t->a == NULL || t->key == NULL || t->refs == NULL || t->free == NULL ||
	    t->retired == NULL || t->by_key == NULL)
		goto nomem;
	t->st.capacity = capacity;
	return t;
nomem:
	dp_adj_free(t);
	rte_errno = ENOMEM;
	return NULL;
}

void
dp_adj_free(struct dp_adj_table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->by_key);
	rte_free(t->a);
	rte_free(t->key);
	rte_free(t->refs);
	rte_free(t->free);
	rte_free(t->retired);
	rte_free(t);
}

const struct dp_adj *
dp_adj_array(const struct dp_adj_table *t)
{
	return t->a;
}

/* A fresh id: never used, or retired and past its grace period. */
static uint32_t
id_alloc(struct dp_adj_table *t)
{
	while (t->r_len > 0) {
		const struct adj_retired *r = &t->retired[t->r_head];

		if (t->v != NULL && rte_rcu_qsbr_check(t->v, r->token, false) != 1)
			break;
		t->free[t->n_free++] = r->id;
		t->r_head = (t->r_head + 1) % t->cap;
		t->r_len--;
	}
	if (t->n_free > 0)
		return t->free[--t->n_free];
	if (t->next_unused < t->cap)
		return t->next_unused++;
	return DP_ADJ_NONE;
}

static void
key_of(struct adj_key *k, uint8_t family, uint16_t port, const void *ip)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->ip, ip, family == 4 ? 4 : 16);
	k->port = port;
	k->family = family;
}

uint32_t
dp_adj_ref(struct dp_adj_table *t, const struct dp_ctx *c, uint8_t family, const void *dst)
{
	struct adj_key k;
	uint8_t mac[6];
	uint16_t port;
	uint32_t id;
	void *d;
	int rc;

	if (t == NULL)
		return DP_ADJ_NONE;
	if (family == 4) {
		uint32_t d4, nh;

		memcpy(&d4, dst, 4);
		if (dp_fib_lookup4(c->fib, d4, &port, &nh) != 0)
			return DP_ADJ_NONE;
		key_of(&k, 4, port, &nh);
		rc = dp_neigh_lookup4(c->neigh, port, nh, mac);
	} else {
		struct in6_addr d6, nh;

		memcpy(&d6, dst, 16);
		if (dp_fib_lookup6(c->fib, &d6, &port, &nh) != 0)
			return DP_ADJ_NONE;
		key_of(&k, 6, port, &nh);
		rc = dp_neigh_lookup6(c->neigh, port, &nh, mac);
	}
	if (rte_hash_lookup_data(t->by_key, &k, &d) >= 0) {
		id = (uint32_t)(uintptr_t)d;
		t->refs[id]++;
		return id;
	}
	id = id_alloc(t);
	if (id == DP_ADJ_NONE || rte_hash_add_key_data(t->by_key, &k,
						       (void *)(uintptr_t)id) != 0) {
		if (id != DP_ADJ_NONE)
			t->free[t->n_free++] = id;
		t->st.full++;
		return DP_ADJ_NONE;
	}
	t->key[id] = k;
	t->refs[id] = 1;
	t->a[id].port = port;
	t->a[id].mtu = c->port[port].mtu;
	t->a[id].family = family;
	memcpy(t->a[id].src_type, c->port[port].mac, 6);
	t->a[id].src_type[6] = family == 4 ? 0x08 : 0x86;   /* EtherType, network order */
	t->a[id].src_type[7] = family == 4 ? 0x00 : 0xdd;
	__atomic_store_n(&t->a[id].mac, mac_word(rc == 0 ? mac : NULL), __ATOMIC_RELEASE);
	t->st.created++;
	t->st.used++;
	return id;
}

void
dp_adj_unref(struct dp_adj_table *t, uint32_t id)
{
	struct adj_retired *r;

	if (t == NULL || id == DP_ADJ_NONE || id >= t->cap || t->refs[id] == 0)
		return;
	if (--t->refs[id] > 0)
		return;
	rte_hash_del_key(t->by_key, &t->key[id]);
	t->st.used--;
	r = &t->retired[(t->r_head + t->r_len) % t->cap];
	r->id = id;
	r->token = t->v != NULL ? rte_rcu_qsbr_start(t->v) : 0;
	t->r_len++;
}

void
dp_adj_neigh(struct dp_adj_table *t, uint8_t family, uint16_t port, const void *ip,
	     const uint8_t *mac)
{
	struct adj_key k;
	void *d;

	if (t == NULL)
		return;
	key_of(&k, family, port, ip);
	if (rte_hash_lookup_data(t->by_key, &k, &d) < 0)
		return;
	__atomic_store_n(&t->a[(uint32_t)(uintptr_t)d].mac, mac_word(mac), __ATOMIC_RELEASE);
	t->st.rewrites++;
}

uint32_t
dp_adj_refs(const struct dp_adj_table *t, uint32_t id)
{
	return t != NULL && id < t->cap ? t->refs[id] : 0;
}

void
dp_adj_stats_get(const struct dp_adj_table *t, struct dp_adj_stats *st)
{
	uint32_t i;

	memset(st, 0, sizeof(*st));
	if (t == NULL)
		return;
	*st = t->st;
	st->resolved = 0;
	for (i = 0; i < t->next_unused; i++) {
		uint8_t mac[8];

		if (t->refs[i] > 0 && dp_adj_mac(&t->a[i], mac))
			st->resolved++;
	}
}
