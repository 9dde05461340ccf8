/* SPDX-License-Identifier: BSD-3-Clause */
/* The neighbour table: rte_hash with lock-free readers, the MAC stored as the data. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "dp_neigh.h"

struct dp_neigh_key {
	uint8_t ip[16];                /* IPv6, or ::ffff:a.b.c.d */
	uint16_t port;
	uint16_t pad;
};

struct dp_neigh {
	struct rte_hash *h;
};

/* Bit 63 marks a valid value so that an all-zero MAC is still an entry. */
#define VALID (1ull << 63)

static uint64_t
mac_pack(const uint8_t mac[6])
{
	uint64_t v = VALID;

	memcpy(&v, mac, 6);
	return v | VALID;
}

static void
mac_unpack(uint64_t v, uint8_t mac[6])
{
	memcpy(mac, &v, 6);
}

static void
key4(struct dp_neigh_key *k, uint16_t port, uint32_t ip)
{
	memset(k, 0, sizeof(*k));
	k->ip[10] = 0xff;
	k->ip[11] = 0xff;
	memcpy(k->ip + 12, &ip, 4);
	k->port = port;
}

static void
key6(struct dp_neigh_key *k, uint16_t port, const struct in6_addr *ip)
{
	memcpy(k->ip, ip, 16);
	k->port = port;
	k->pad = 0;
}

struct dp_neigh *
dp_neigh_create(const char *name, uint32_t capacity, struct rte_rcu_qsbr *v, int socket)
{
	char nm[RTE_HASH_NAMESIZE];
	struct dp_neigh *n = rte_zmalloc_socket("dp_neigh", sizeof(*n), 0, socket);

	if (n == NULL)
		return NULL;
	snprintf(nm, sizeof(nm), "%s_nb", name);
	n->h = rte_hash_create(&(struct rte_hash_parameters){
		.name = nm, .entries = capacity < 64 ? 64 : capacity,
		.key_len = sizeof(struct dp_neigh_key), .hash_func = rte_hash_crc,
		.socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE });
	if (n->h == NULL || (v != NULL && rte_hash_rcu_qsbr_add(n->h, &(struct rte_hash_rcu_config){
		.v = v, .mode = RTE_HASH_QSBR_MODE_DQ }) != 0)) {
		dp_neigh_free(n);
		rte_errno = ENOMEM;
		return NULL;
	}
	return n;
}

void
dp_neigh_free(struct dp_neigh *n)
{
	if (n == NULL)
		return;
	rte_hash_free(n->h);
	rte_free(n);
}

static int
lookup(const struct dp_neigh *n, const struct dp_neigh_key *k, uint8_t mac[6])
{
	void *d;

	if (rte_hash_lookup_data(n->h, k, &d) < 0)
		return -ENOENT;
	mac_unpack((uint64_t)(uintptr_t)d, mac);
	return 0;
}

int
dp_neigh_lookup4(const struct dp_neigh *n, uint16_t port, uint32_t ip, uint8_t mac[6])
{
	struct dp_neigh_key k;

	key4(&k, port, ip);
	return lookup(n, &k, mac);
}

int
dp_neigh_lookup6(const struct dp_neigh *n, uint16_t port, const struct in6_addr *ip,
		 uint8_t mac[6])
{
	struct dp_neigh_key k;

	key6(&k, port, ip);
	return lookup(n, &k, mac);
}

int
dp_neigh_set4(struct dp_neigh *n, uint16_t port, uint32_t ip, const uint8_t mac[6])
{
	struct dp_neigh_key k;

	key4(&k, port, ip);
	return rte_hash_add_key_data(n->h, &k, (void *)(uintptr_t)mac_pack(mac)) == 0 ? 0 :
	       -ENOSPC;
}

int
dp_neigh_set6(struct dp_neigh *n, uint16_t port, const struct in6_addr *ip, const uint8_t mac[6])
{
	struct dp_neigh_key k;

	key6(&k, port, ip);
	return rte_hash_add_key_data(n->h, &k, (void *)(uintptr_t)mac_pack(mac)) == 0 ? 0 :
	       -ENOSPC;
}

void
dp_neigh_del4(struct dp_neigh *n, uint16_t port, uint32_t ip)
{
	struct dp_neigh_key k;

	key4(&k, port, ip);
	rte_hash_del_key(n->h, &k);
}

void
dp_neigh_del6(struct dp_neigh *n, uint16_t port, const struct in6_addr *ip)
{
	struct dp_neigh_key k;

	key6(&k, port, ip);
	rte_hash_del_key(n->h, &k);
}
