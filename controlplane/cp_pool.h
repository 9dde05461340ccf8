/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dynamic IPv4 home-address pool (RFC 5555 §2.5, §4.5): single addresses and aligned
 * prefixes (IPv4 HoA option with the P flag) from the configured ranges. Pure C, CP only.
 */
#ifndef CP_POOL_H
#define CP_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "ha_addr.h"

struct cp_pool;

/**
 * A pool over the given prefixes. Addresses in exclude[] (network order; the home agent's
 * own, network and broadcast addresses of the home prefixes) are never handed out.
 * @return NULL on allocation failure.
 */
struct cp_pool *cp_pool_create(const struct ha_prefix4 *ranges, unsigned int n_ranges,
			       const uint32_t *exclude, unsigned int n_exclude);
void cp_pool_free(struct cp_pool *p);

/** The pool of cfg: its ranges minus the home agent's port addresses and the network and
 *  broadcast addresses of the IPv4 home prefixes. @return NULL on allocation failure. */
struct cp_pool *cp_pool_from_cfg(const struct ha_cfg *cfg);

/**
 * Allocate a block of 2^(32-plen) addresses aligned on its size (plen 32: one address), the
 * lowest free one. @return 0 with *addr (network order), or -ENOSPC, -EINVAL.
 */
int cp_pool_alloc(struct cp_pool *p, uint8_t plen, uint32_t *addr);

/** Claim a given block (restoring state). @return 0, -EBUSY, -EINVAL (not in the pool). */
int cp_pool_claim(struct cp_pool *p, uint32_t addr, uint8_t plen);

/** Give a block back. */
void cp_pool_release(struct cp_pool *p, uint32_t addr, uint8_t plen);

/** @return true when addr lies inside the pool's ranges. */
bool cp_pool_contains(const struct cp_pool *p, uint32_t addr);

struct cp_pool_stats {
	uint32_t size;                /**< usable addresses */
	uint32_t used;
};

/** @return true when a and b have the same ranges and the same addresses taken. */
bool cp_pool_same(const struct cp_pool *a, const struct cp_pool *b);

void cp_pool_stats_get(const struct cp_pool *p, struct cp_pool_stats *st);

#endif /* CP_POOL_H */
