/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A summary of the mobile network prefixes registered (RFC 3963): a few ranges that cover
 * every one of them. The burst filter (bc.h bc_filter_*) asks it for a destination outside
 * the home ranges: outside the summary too, no prefix can own it and the lookup is skipped.
 * Without it, one mobile router anywhere made every plain packet of its family pay the
 * binding lookup and a longest-prefix match. The summary only ever covers more (a prefix
 * that fits no range widens the one nearest to it); it is never exact, only never short.
 */
#ifndef BC_PFXSUM_H
#define BC_PFXSUM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include "bc_range.h"

#define BC_PFXSUM_MAX 8               /* ranges per family; more prefixes widen them */

struct bc_pfxsum {
	uint32_t n6, n4;
	struct bc_range6 r6[BC_PFXSUM_MAX];
	struct bc_range4 r4[BC_PFXSUM_MAX];
};

/** Is a (16 bytes, any alignment) inside one of s's IPv6 ranges? Pure. */
static inline bool
bc_pfxsum_covers6(const struct bc_pfxsum *s, const void *a)
{
	return bc_ranges6_cover(s->r6, s->n6, a);
}

/** Is a (network order) inside one of s's IPv4 ranges? Pure. */
static inline bool
bc_pfxsum_covers4(const struct bc_pfxsum *s, uint32_t a)
{
	return bc_ranges4_cover(s->r4, s->n4, a);
}

/**
 * Make s cover prefix/len (len 0..128 / 0..32) as well: nothing when a range already does;
 * else the prefix becomes a range of its own (the ranges it covers dropped), or, with
 * BC_PFXSUM_MAX in use, the range sharing the longest leading bits with it widens to cover
 * both. Pure. @return whether s changed.
 */
bool bc_pfxsum_add6(struct bc_pfxsum *s, const struct in6_addr *prefix, uint8_t len);
bool bc_pfxsum_add4(struct bc_pfxsum *s, uint32_t prefix, uint8_t len);

#endif /* BC_PFXSUM_H */
