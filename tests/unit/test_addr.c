/* SPDX-License-Identifier: BSD-3-Clause */
/* Address and prefix parsing and arithmetic. */
#include <arpa/inet.h>

#include <criterion/criterion.h>

#include "ha_addr.h"

Test(addr, prefix4_parse_and_bounds)
{
	struct ha_prefix4 p;

	cr_assert_eq(ha_prefix4_parse("203.0.113.0/24", false, &p), 0);
	cr_assert_eq(p.addr, htonl(0xcb007100));
	cr_assert_eq(p.len, 24);
	cr_assert_eq(ha_prefix4_parse("203.0.113.0/33", false, &p), -1);
	cr_assert_eq(ha_prefix4_parse("203.0.113.0/", false, &p), -1);
	cr_assert_eq(ha_prefix4_parse("203.0.113.0/2x", false, &p), -1);
	cr_assert_eq(ha_prefix4_parse("203.0.113.0/-1", false, &p), -1);
	cr_assert_eq(ha_prefix4_parse("203.0.113.0", false, &p), -1);
	cr_assert_eq(ha_prefix4_parse("203.0.113.7", true, &p), 0);
	cr_assert_eq(p.len, 32);
	cr_assert_eq(ha_prefix4_parse("2001:db8::/32", false, &p), -1);
}

Test(addr, prefix6_parse_canonical_contains)
{
	struct ha_prefix6 p, q;
	struct in6_addr a;

	cr_assert_eq(ha_prefix6_parse("2001:db8:100::/48", false, &p), 0);
	cr_assert(ha_prefix6_is_canonical(&p));
	cr_assert_eq(ha_addr6_parse("2001:db8:100:5::1", &a), 0);
	cr_assert(ha_prefix6_contains(&p, &a));
	cr_assert_eq(ha_addr6_parse("2001:db8:101::1", &a), 0);
	cr_assert_not(ha_prefix6_contains(&p, &a));
	cr_assert_eq(ha_prefix6_parse("2001:db8:1::1/64", false, &q), 0);
	cr_assert_not(ha_prefix6_is_canonical(&q));
	cr_assert_eq(ha_prefix6_parse("2001:db8::/129", false, &q), -1);
	cr_assert_eq(ha_prefix6_parse("2001:db8::1/127", false, &q), 0);
	cr_assert_not(ha_prefix6_is_canonical(&q));
	cr_assert_eq(ha_prefix6_parse("2001:db8::/28", false, &q), 0);
	cr_assert_not(ha_prefix6_is_canonical(&q));
}

Test(addr, prefix4_overlap_and_mask)
{
	struct ha_prefix4 a = { htonl(0xc0000280), 26 }, b = { htonl(0xc0000200), 24 };
	struct ha_prefix4 c = { htonl(0xc0000240), 26 };

	cr_assert(ha_prefix4_overlaps(&a, &b));
	cr_assert_not(ha_prefix4_overlaps(&a, &c));
	cr_assert_eq(ha_mask4(0), 0);
	cr_assert_eq(ha_mask4(26), htonl(0xffffffc0));
	cr_assert_eq(ha_mask4(32), 0xffffffffu);
}

Test(addr, unicast_checks)
{
	uint32_t v;
	struct in6_addr a;

	ha_addr4_parse("224.0.0.1", &v);
	cr_assert_not(ha_addr4_is_unicast(v));
	ha_addr4_parse("0.1.2.3", &v);
	cr_assert_not(ha_addr4_is_unicast(v));
	ha_addr4_parse("192.0.2.1", &v);
	cr_assert(ha_addr4_is_unicast(v));
	ha_addr6_parse("fe80::1", &a);
	cr_assert_not(ha_addr6_is_routable_unicast(&a));
	ha_addr6_parse("ff02::1", &a);
	cr_assert_not(ha_addr6_is_routable_unicast(&a));
	ha_addr6_parse("2001:db8::1", &a);
	cr_assert(ha_addr6_is_routable_unicast(&a));
}
