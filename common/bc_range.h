/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Address ranges as the burst filter asks them, per address read straight from a header:
 * a network and a mask in network byte order, compared without a branch per byte. The home
 * ranges (bc_home.h) and the mobile network prefixes' summary (bc_pfxsum.h) are arrays of
 * these. Pure.
 */
#ifndef BC_RANGE_H
#define BC_RANGE_H

#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

struct bc_range6 {
	uint64_t net[2], mask[2];     /**< network byte order, as read from a header */
};

struct bc_range4 {
	uint32_t net, mask;           /**< network byte order */
};

/** The range of the IPv6 prefix (16 bytes, any alignment) of len bits (0..128); the
 *  prefix's bits past len are not part of it. */
static inline struct bc_range6
bc_range6_of(const void *prefix, unsigned int len)
{
	uint64_t m[2] = { len == 0 ? 0 : len >= 64 ? ~0ull : ~0ull << (64 - len),
			  len <= 64 ? 0 : len >= 128 ? ~0ull : ~0ull << (128 - len) };
	struct bc_range6 r;

	memcpy(r.net, prefix, 16);
	r.mask[0] = htobe64(m[0]);
	r.mask[1] = htobe64(m[1]);
	r.net[0] &= r.mask[0];
	r.net[1] &= r.mask[1];
	return r;
}

/** The range of the IPv4 prefix (network order) of len bits (0..32). */
static inline struct bc_range4
bc_range4_of(uint32_t prefix, unsigned int len)
{
	uint32_t m = len == 0 ? 0 : htonl(~0u << (32 - len));

	return (struct bc_range4){ .net = prefix & m, .mask = m };
}

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
