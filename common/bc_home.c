/* SPDX-License-Identifier: BSD-3-Clause */
/* The binding cache's home ranges: the writer's side (see bc_home.h). */
#include <arpa/inet.h>

#include "bc_home.h"

static void
publish6(struct bc_home *h)
{
	__atomic_store_n(&h->live6, h->off6 ? 0 : h->n6, __ATOMIC_RELEASE);
}

static void
publish4(struct bc_home *h)
{
	__atomic_store_n(&h->live4, h->off4 ? 0 : h->n4, __ATOMIC_RELEASE);
}

bool
bc_home_add6(struct bc_home *h, const struct in6_addr *prefix, uint8_t len, bool empty)
{
	struct bc_range6 r;
	uint32_t i;

	if (len > 128)
		return !h->off6 && h->n6 > 0;
	r = bc_range6_of(prefix, len);
	for (i = 0; i < h->n6; i++)
		if (memcmp(&h->r6[i], &r, sizeof(r)) == 0)
			return !h->off6;
	if (h->n6 == 0 && !empty)
		h->off6 = true;
	if (h->n6 == BC_HOME_MAX) {
		h->off6 = true;
	} else {
		/* the new range is written before the count that makes readers look at it */
		h->r6[h->n6++] = r;
	}
	publish6(h);
	return !h->off6;
}

bool
bc_home_add4(struct bc_home *h, uint32_t prefix, uint8_t len, bool empty)
{
	struct bc_range4 r;
	uint32_t i;

	if (len > 32)
		return !h->off4 && h->n4 > 0;
	r = bc_range4_of(prefix, len);
	for (i = 0; i < h->n4; i++)
		if (h->r4[i].net == r.net && h->r4[i].mask == r.mask)
			return !h->off4;
	if (h->n4 == 0 && !empty)
		h->off4 = true;
	if (h->n4 == BC_HOME_MAX) {
		h->off4 = true;
	} else {
		h->r4[h->n4++] = r;
	}
	publish4(h);
	return !h->off4;
}

bool
bc_home_note6(struct bc_home *h, const struct in6_addr *key)
{
	if (h->off6 || h->n6 == 0 || bc_home_covers6(h, h->n6, key))
		return false;
	h->off6 = true;
	publish6(h);
	return true;
}

bool
bc_home_note4(struct bc_home *h, uint32_t key)
{
	if (h->off4 || h->n4 == 0 || bc_home_covers4(h, h->n4, key))
		return false;
	h->off4 = true;
	publish4(h);
	return true;
}
