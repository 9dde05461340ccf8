/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The home ranges of the binding cache: the home prefixes (and IPv4 pools) every home
 * address key lies in. A destination outside them cannot be a key, so the bulk lookups
 * skip the hash for it (plain routing, and the correspondent after decapsulation, would
 * otherwise pay a full miss per packet). Correct whatever the configuration says: a key
 * published outside the ranges switches the filter off for its family for good (the
 * lookups then hash every destination, as without ranges). Ranges are only ever added
 * (a reload's new prefixes widen them), so a published range never changes under a reader.
 */
#ifndef BC_HOME_H
#define BC_HOME_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include "bc_range.h"

#define BC_HOME_MAX 16                /* ranges per family; more: the filter goes off */

struct bc_home {
	/* read by the workers: ranges in use, 0 = filter off (acquire / release) */
	uint32_t live6, live4;
	/* writer only */
	uint32_t n6, n4;
	bool off6, off4;              /* a key outside, or too many ranges: off for good */
	struct bc_range6 r6[BC_HOME_MAX];
	struct bc_range4 r4[BC_HOME_MAX];
};

/** Is a (16 bytes, any alignment) inside one of the first n IPv6 ranges? Pure. */
static inline bool
bc_home_covers6(const struct bc_home *h, uint32_t n, const void *a)
{
	return bc_ranges6_cover(h->r6, n, a);
}

/** Is a (network order) inside one of the first n IPv4 ranges? Pure. */
static inline bool
bc_home_covers4(const struct bc_home *h, uint32_t n, uint32_t a)
{
	return bc_ranges4_cover(h->r4, n, a);
}

/**
 * Writer: add a range (len 0..128 / 0..32); an existing one is not added twice. empty says
 * whether no key is published yet: a filter can only start on an empty table (keys already
 * in it are unknown here). @return true while the family's filter is on.
 */
bool bc_home_add6(struct bc_home *h, const struct in6_addr *prefix, uint8_t len, bool empty);
bool bc_home_add4(struct bc_home *h, uint32_t prefix, uint8_t len, bool empty);

/** Writer, before a key is published: a key outside the ranges switches the filter off.
 *  @return true when this call switched it off. */
bool bc_home_note6(struct bc_home *h, const struct in6_addr *key);
bool bc_home_note4(struct bc_home *h, uint32_t key);

#endif /* BC_HOME_H */
