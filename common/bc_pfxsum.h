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

#define BC_PFXSUM_MAX 8               /* ranges per family; more prefixes widen them */

struct bc_pfxsum {
	uint32_t n6, n4;
	struct {
		uint64_t net[2], mask[2]; /* network byte order, as read from a header */
	} r6[BC_PFXSUM_MAX];
	struct {
		uint32_t net, mask;       /* network byte order */
	} r4[BC_PFXSUM_MAX];
};

/** Is a (16 bytes, any alignment) inside one of s's IPv6 ranges? Pure. */
static inline bool
bc_pfxsum_covers6(const struct bc_pfxsum *s, const void *a)
{
	uint64_t x[2];
	uint32_t i;

	memcpy(x, a, 16);
	for (i = 0; i < s->n6; i++)
		if (((x[0] ^ s->r6[i].net[0]) & s->r6[i].mask[0]) == 0 &&
		    ((x[1] ^ s->r6[i].net[1]) & s->r6[i].mask[1]) == 0)
			return true;
	return false;
}

/** Is a (network order) inside one of s's IPv4 ranges? Pure. */
static inline bool
bc_pfxsum_covers4(const struct bc_pfxsum *s, uint32_t a)
{
	uint32_t i;

	for (i = 0; i < s->n4; i++)
		if (((a ^ s->r4[i].net) & s->r4[i].mask) == 0)
			return true;
	return false;
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
