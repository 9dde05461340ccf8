/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The neighbour table (ARP and ND results): (port, address) -> MAC, read lock-free by the
 * workers and written by the control plane only. The 64-bit hash data is the MAC itself, so
 * an update is one atomic store and no entry object has to be reclaimed; deleted keys are
 * reused after an RCU grace period (the binding cache's QSBR variable).
 */
#ifndef DP_NEIGH_H
#define DP_NEIGH_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

struct rte_rcu_qsbr;
struct dp_neigh;

/** @return a table of capacity entries, or NULL (rte_errno). */
struct dp_neigh *dp_neigh_create(const char *name, uint32_t capacity, struct rte_rcu_qsbr *v,
				 int socket);
void dp_neigh_free(struct dp_neigh *n);

/** DP reader, RCU online. IPv4 addresses network order. @return 0 with mac, or -ENOENT. */
int dp_neigh_lookup4(const struct dp_neigh *n, uint16_t port, uint32_t ip, uint8_t mac[6]);
int dp_neigh_lookup6(const struct dp_neigh *n, uint16_t port, const struct in6_addr *ip,
		     uint8_t mac[6]);

/** CP writer only. @return 0, -ENOSPC. */
int dp_neigh_set4(struct dp_neigh *n, uint16_t port, uint32_t ip, const uint8_t mac[6]);
int dp_neigh_set6(struct dp_neigh *n, uint16_t port, const struct in6_addr *ip,
		  const uint8_t mac[6]);

/** CP writer only. */
void dp_neigh_del4(struct dp_neigh *n, uint16_t port, uint32_t ip);
void dp_neigh_del6(struct dp_neigh *n, uint16_t port, const struct in6_addr *ip);

#endif /* DP_NEIGH_H */
