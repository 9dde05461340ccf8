/* SPDX-License-Identifier: BSD-3-Clause */
/* The summary of the mobile network prefixes (common/bc_pfxsum.h): a few prefixes are ranges
 * of their own, many widen the nearest range, and no prefix is ever left uncovered. */
#include <arpa/inet.h>
#include <string.h>

#include <criterion/criterion.h>

#include "bc_pfxsum.h"

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "%s", s);
	return a;
}

static uint32_t
a4(const char *s)
{
	struct in_addr a;

	cr_assert_eq(inet_pton(AF_INET, s, &a), 1, "%s", s);
	return a.s_addr;
}

/* The first and the last address of prefix/len. */
static void
ends6(const struct in6_addr *p, unsigned int len, struct in6_addr *first, struct in6_addr *last)
{
	unsigned int i;

	*first = *last = *p;
	for (i = 0; i < 128; i++) {
		uint8_t bit = (uint8_t)(0x80 >> (i % 8));

		if (i < len)
			continue;
		first->s6_addr[i / 8] &= (uint8_t)~bit;
		last->s6_addr[i / 8] |= bit;
	}
}

/* No range of s inside another: a widened range takes the place of those it now covers. */
static void
no_range_inside_another(const struct bc_pfxsum *s)
{
	uint32_t i, j;
	int w;

	for (i = 0; i < s->n6; i++)
		for (j = 0; j < s->n6; j++) {
			bool in = i != j;

			for (w = 0; w < 2; w++)
				in = in && (s->r6[j].net[w] & s->r6[i].mask[w]) == s->r6[i].net[w] &&
				     (s->r6[i].mask[w] & ~s->r6[j].mask[w]) == 0;
			cr_assert_not(in, "IPv6 range %u inside range %u", j, i);
		}
	for (i = 0; i < s->n4; i++)
		for (j = 0; j < s->n4; j++)
			cr_assert_not(i != j && (s->r4[j].net & s->r4[i].mask) == s->r4[i].net &&
				      (s->r4[i].mask & ~s->r4[j].mask) == 0,
				      "IPv4 range %u inside range %u", j, i);
}

static uint32_t rnd_state = 0x2545f491u;

static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

Test(bc_pfxsum, a_few_prefixes_are_ranges_of_their_own)
{
	struct bc_pfxsum s;
	struct in6_addr p = a6("2001:db8:cc::"), q = a6("2001:db8:dd:100::"),
			r = a6("2001:db8:ee:1::"), x;

	memset(&s, 0, sizeof(s));
	x = a6("2001:db8:cc::1");
	cr_assert_not(bc_pfxsum_covers6(&s, &x), "empty: nothing");
	cr_assert(bc_pfxsum_add6(&s, &p, 48));
	cr_assert(bc_pfxsum_add6(&s, &q, 56));
	cr_assert(bc_pfxsum_add6(&s, &r, 64));
	cr_assert_eq(s.n6, 3);
	cr_assert_not(bc_pfxsum_add6(&s, &p, 48), "the same prefix again changes nothing");
	x = a6("2001:db8:cc:1::");
	cr_assert_not(bc_pfxsum_add6(&s, &x, 64), "inside a range: nothing");
	x = a6("2001:db8:cc:ffff:ffff:ffff:ffff:ffff");
	cr_assert(bc_pfxsum_covers6(&s, &x));
	x = a6("2001:db8:dd:1ff::9");
	cr_assert(bc_pfxsum_covers6(&s, &x));
	x = a6("2001:db8:ee:1:5::77");
	cr_assert(bc_pfxsum_covers6(&s, &x));
	/* the correspondents around them are not */
	x = a6("2001:db8:cd::1");
	cr_assert_not(bc_pfxsum_covers6(&s, &x));
	x = a6("2001:db8:dd:200::1");
	cr_assert_not(bc_pfxsum_covers6(&s, &x));
	x = a6("2001:db8:ee:2::");
	cr_assert_not(bc_pfxsum_covers6(&s, &x));
	/* a wider prefix takes the place of those it covers */
	x = a6("2001:db8:dd::");
	cr_assert(bc_pfxsum_add6(&s, &x, 48));
	cr_assert_eq(s.n6, 3, "2001:db8:dd:100::/56 went into 2001:db8:dd::/48: %u", s.n6);
	x = a6("2001:db8:dd:200::1");
	cr_assert(bc_pfxsum_covers6(&s, &x));
	x = a6("2001:db8:80::");
	cr_assert(bc_pfxsum_add6(&s, &x, 16));
	cr_assert_eq(s.n6, 1, "2001::/16 covers them all");

	/* IPv4 the same way */
	cr_assert(bc_pfxsum_add4(&s, a4("203.0.113.0"), 25));
	cr_assert(bc_pfxsum_add4(&s, a4("192.0.2.64"), 26));
	cr_assert_not(bc_pfxsum_add4(&s, a4("203.0.113.32"), 27));
	cr_assert_eq(s.n4, 2);
	cr_assert(bc_pfxsum_covers4(&s, a4("203.0.113.127")));
	cr_assert(bc_pfxsum_covers4(&s, a4("192.0.2.100")));
	cr_assert_not(bc_pfxsum_covers4(&s, a4("203.0.113.128")));
	cr_assert_not(bc_pfxsum_covers4(&s, a4("192.0.2.63")));
	cr_assert_not(bc_pfxsum_covers4(&s, a4("198.51.100.1")));
	cr_assert(bc_pfxsum_add4(&s, a4("192.0.0.0"), 8));
	cr_assert_eq(s.n4, 2, "192.0.2.64/26 went into 192.0.0.0/8");
	cr_assert(bc_pfxsum_covers4(&s, a4("192.1.0.1")));
}

/* With every range in use, a prefix near none widens the first of those sharing the most
 * leading bits with it, and the ranges that widening covers go. */
Test(bc_pfxsum, a_full_summary_widens_and_drops_what_the_wider_range_covers)
{
	struct bc_pfxsum s;
	struct in6_addr p = a6("2001:db8:1::"), x;
	unsigned int i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < BC_PFXSUM_MAX; i++) {
		cr_assert(bc_pfxsum_add4(&s, htonl(ntohl(a4("203.0.113.0")) + 16 * i), 30));
		p.s6_addr[7] = (uint8_t)(16 * i);            /* 2001:db8:1:X0::/64 */
		cr_assert(bc_pfxsum_add6(&s, &p, 64));
	}
	cr_assert_eq(s.n4, BC_PFXSUM_MAX);
	cr_assert_eq(s.n6, BC_PFXSUM_MAX);
	cr_assert_not(bc_pfxsum_covers4(&s, a4("203.0.113.200")));
	/* 203.0.113.128/30 shares 24 bits with each: 203.0.113.0/24, the others inside it */
	cr_assert(bc_pfxsum_add4(&s, a4("203.0.113.128"), 30));
	cr_assert_eq(s.n4, 1, "%u", s.n4);
	cr_assert(bc_pfxsum_covers4(&s, a4("203.0.113.200")));
	cr_assert_not(bc_pfxsum_covers4(&s, a4("203.0.114.0")));
	p.s6_addr[7] = 0x80;                                 /* 2001:db8:1:80::/64 */
	cr_assert(bc_pfxsum_add6(&s, &p, 64));
	cr_assert_eq(s.n6, 1, "2001:db8:1::/56 now: %u", s.n6);
	x = a6("2001:db8:1:ff::1");
	cr_assert(bc_pfxsum_covers6(&s, &x));
	x = a6("2001:db8:1:100::1");
	cr_assert_not(bc_pfxsum_covers6(&s, &x));
}

/*
 * A thousand random prefixes of /40 to /64 inside 2001:db8::/32 (and of /26 to /30 inside
 * 198.51.100.0/24): after every one, at most BC_PFXSUM_MAX ranges, none inside another, the
 * first and the last address of every prefix so far covered, and nothing outside the common
 * /32 (/24): a range widens only as far as the leading bits it shares with the new prefix.
 */
Test(bc_pfxsum, many_prefixes_widen_the_nearest_range_and_never_lose_one)
{
	static struct in6_addr pfx[1000];
	static uint8_t plen[1000];
	uint32_t net4[1000];
	uint8_t len4[1000];
	struct bc_pfxsum s;
	struct in6_addr first, last, out6 = a6("2001:db9::1"), out6b = a6("2001:db7:ffff::1");
	unsigned int i, j;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < 1000; i++) {
		uint32_t r = rnd(), r2 = rnd();

		pfx[i] = a6("2001:db8::");
		memcpy(&pfx[i].s6_addr[4], &r, 4);
		memcpy(&pfx[i].s6_addr[8], &r2, 4);
		plen[i] = (uint8_t)(40 + rnd() % 25);
		bc_pfxsum_add6(&s, &pfx[i], plen[i]);
		cr_assert_leq(s.n6, BC_PFXSUM_MAX);
		net4[i] = htonl(ntohl(a4("198.51.100.0")) | (rnd() & 0xff));
		len4[i] = (uint8_t)(26 + rnd() % 5);
		bc_pfxsum_add4(&s, net4[i], len4[i]);
		cr_assert_leq(s.n4, BC_PFXSUM_MAX);
		for (j = 0; j <= i; j++) {
			uint32_t lo = ntohl(net4[j]) & (~0u << (32 - len4[j]));

			ends6(&pfx[j], plen[j], &first, &last);
			cr_assert(bc_pfxsum_covers6(&s, &first), "after %u: prefix %u's first", i, j);
			cr_assert(bc_pfxsum_covers6(&s, &last), "after %u: prefix %u's last", i, j);
			cr_assert(bc_pfxsum_covers4(&s, htonl(lo)), "after %u: %u's first", i, j);
			cr_assert(bc_pfxsum_covers4(&s, htonl(lo | ~(~0u << (32 - len4[j])))),
				  "after %u: %u's last", i, j);
		}
		no_range_inside_another(&s);
		cr_assert_not(bc_pfxsum_covers6(&s, &out6));
		cr_assert_not(bc_pfxsum_covers6(&s, &out6b));
		cr_assert_not(bc_pfxsum_covers4(&s, a4("198.51.101.0")));
		cr_assert_not(bc_pfxsum_covers4(&s, a4("198.51.99.255")));
	}
}
