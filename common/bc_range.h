/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Address ranges as the burst filter asks them, per address read straight from a header:
 * a network and a mask in network byte order, compared without a branch per byte. The home
 * ranges (bc_home.h) and the mobile network prefixes' summary (bc_pfxsum.h) are arrays of
 * these. Pure.
 */
#ifndef BC_RANGE_H
#define BC_RANGE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct bc_range6 {
	uint64_t net[2], mask[2];     /**< network byte order, as read from a header */
};

struct bc_range4 {
	uint32_t net, mask;           /**< network byte order */
};

/** Is a (16 bytes, any alignment) inside one of r[0..n)? */
static inline bool
bc_ranges6_cover(const struct bc_range6 *r, uint32_t n, const void *a)
{
	uint64_t x[2];
	uint32_t i;

	memcpy(x, a, 16);
	for (i = 0; i < n; i++)
		if (((x[0] ^ r[i].net[0]) & r[i].mask[0]) == 0 &&
		    ((x[1] ^ r[i].net[1]) & r[i].mask[1]) == 0)
			return true;
	return false;
}

/** Is a (network order) inside one of r[0..n)? */
static inline bool
bc_ranges4_cover(const struct bc_range4 *r, uint32_t n, uint32_t a)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (((a ^ r[i].net) & r[i].mask) == 0)
			return true;
	return false;
}

#endif /* BC_RANGE_H */
