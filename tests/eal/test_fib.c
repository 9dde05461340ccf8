/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL tier: the forwarding table (dp_fib) as the configuration builds it — connected
 * subnets, static routes, the longest prefix winning, default routes kept beside the tables,
 * no route without one — and the bulk lookups the workers use answering as the single ones.
 */
#include <arpa/inet.h>
#include <string.h>

#include "t_addr.h"
#include "cfg.h"
#include "dp_fib.h"
#include "eal_fixture.h"

static const char conf_routes[] =
	"ports = (\n"
	"  { name = \"access\"; device = \"net_null0\"; role = \"access\";\n"
	"    ipv4 = \"198.51.100.1/24\"; ipv6 = \"2001:db8:a::1/64\"; },\n"
	"  { name = \"home\"; device = \"net_null1\"; role = \"home\";\n"
	"    ipv4 = \"192.0.2.1/24\"; ipv6 = \"2001:db8:1::1/64\"; } );\n"
	"routes = ( { prefix = \"0.0.0.0/0\"; via = \"198.51.100.254\"; },\n"
	"  { prefix = \"::/0\"; via = \"2001:db8:a::fe\"; },\n"
	"  { prefix = \"203.0.113.0/24\"; via = \"192.0.2.254\"; },\n"
	"  { prefix = \"203.0.113.128/25\"; via = \"198.51.100.253\"; },\n"
	"  { prefix = \"2001:db8:c::/48\"; via = \"2001:db8:1::fe\"; },\n"
	"  { prefix = \"2001:db8:c:1::/64\"; via = \"2001:db8:a::fd\"; },\n"
	"  { prefix = \"2001:db8:c:1:8000::/65\"; via = \"2001:db8:1::fd\"; } );\n"
	"home_agent = { address6 = \"2001:db8:1::1\"; address4 = \"198.51.100.1\";\n"
	"  home_prefixes = [ \"2001:db8:1::/64\" ]; };\n";

/* the same ports, no default routes */
static const char conf_no_default[] =
	"ports = (\n"
	"  { name = \"access\"; device = \"net_null0\"; role = \"access\";\n"
	"    ipv4 = \"198.51.100.1/24\"; ipv6 = \"2001:db8:a::1/64\"; },\n"
	"  { name = \"home\"; device = \"net_null1\"; role = \"home\";\n"
	"    ipv4 = \"192.0.2.1/24\"; ipv6 = \"2001:db8:1::1/64\"; } );\n"
	"routes = ( { prefix = \"2001:db8:c::/48\"; via = \"2001:db8:1::fe\"; } );\n"
	"home_agent = { address6 = \"2001:db8:1::1\"; address4 = \"198.51.100.1\";\n"
	"  home_prefixes = [ \"2001:db8:1::/64\" ]; };\n";

TestSuite(fib, .init = ha_eal_init, .fini = ha_eal_fini);

static struct dp_fib *
fib_of(const char *text, const char *name)
{
	struct cfg_status st;
	struct ha_cfg *cfg = cfg_load_string(text, "fib.conf", &st);
	struct dp_fib *f;

	cr_assert_not_null(cfg, "%s", st.errors[0]);
	f = dp_fib_create(cfg, name, 0);
	cr_assert_not_null(f);
	cfg_free(cfg);
	return f;
}

/* The next hop of dst6, by the single lookup, checked against the bulk one. */
static const struct dp_nh *
nh6(const struct dp_fib *f, const char *dst)
{
	struct in6_addr a = a6(dst);
	uint8_t b[1][16];
	const struct dp_nh *h = dp_fib_nh6(f, a.s6_addr), *hb;

	memcpy(b[0], &a, 16);
	dp_fib_lookup6_bulk(f, (const uint8_t (*)[16])b, 1, &hb);
	cr_assert_eq(h, hb, "%s: single and bulk lookups differ", dst);
	return h;
}

static const struct dp_nh *
nh4(const struct dp_fib *f, const char *dst)
{
	uint32_t a = a4(dst);
	const struct dp_nh *h = dp_fib_nh4(f, a), *hb;

	dp_fib_lookup4_bulk(f, &a, 1, &hb);
	cr_assert_eq(h, hb, "%s: single and bulk lookups differ", dst);
	return h;
}

static void
assert_gw6(const struct dp_nh *h, const char *gw, uint16_t port)
{
	struct in6_addr g = a6(gw);

	cr_assert_not_null(h);
	cr_assert(!h->connected);
	cr_assert_eq(h->port, port);
	cr_assert_arr_eq(&h->gw6, &g, 16, "gateway is not %s", gw);
}

Test(fib, ipv6_longest_prefix_then_default)
{
	struct dp_fib *f = fib_of(conf_routes, "f6");
	const struct dp_nh *h;

	h = nh6(f, "2001:db8:a::77");                   /* connected, access */
	cr_assert(h != NULL && h->connected && h->port == 0);
	h = nh6(f, "2001:db8:1::2");                    /* connected, home */
	cr_assert(h != NULL && h->connected && h->port == 1);
	assert_gw6(nh6(f, "2001:db8:c:2::1"), "2001:db8:1::fe", 1);          /* /48 */
	assert_gw6(nh6(f, "2001:db8:c:1::1"), "2001:db8:a::fd", 0);          /* /64 */
	assert_gw6(nh6(f, "2001:db8:c:1:8000::1"), "2001:db8:1::fd", 1);     /* /65 */
	assert_gw6(nh6(f, "2001:db8:c:1:7fff::1"), "2001:db8:a::fd", 0);     /* /64 again */
	assert_gw6(nh6(f, "2001:db8:d::1"), "2001:db8:a::fe", 0);            /* default */
	assert_gw6(nh6(f, "2001:db9::1"), "2001:db8:a::fe", 0);
	assert_gw6(nh6(f, "::1"), "2001:db8:a::fe", 0);
	dp_fib_free(f);
}

Test(fib, ipv4_longest_prefix_then_default)
{
	struct dp_fib *f = fib_of(conf_routes, "f4");
	const struct dp_nh *h;

	h = nh4(f, "198.51.100.9");
	cr_assert(h != NULL && h->connected && h->port == 0);
	h = nh4(f, "203.0.113.5");                      /* /24 */
	cr_assert(h != NULL && !h->connected && h->port == 1 && h->gw4 == a4("192.0.2.254"));
	h = nh4(f, "203.0.113.200");                    /* /25 */
	cr_assert(h != NULL && !h->connected && h->port == 0 && h->gw4 == a4("198.51.100.253"));
	h = nh4(f, "100.64.0.1");                       /* default */
	cr_assert(h != NULL && !h->connected && h->port == 0 && h->gw4 == a4("198.51.100.254"));
	dp_fib_free(f);
}

Test(fib, no_route_without_a_default)
{
	struct dp_fib *f = fib_of(conf_no_default, "fn");

	cr_assert_null(nh6(f, "2001:db8:d::1"));
	cr_assert_null(nh6(f, "::"));
	cr_assert_null(nh4(f, "203.0.113.5"));
	assert_gw6(nh6(f, "2001:db8:c::1"), "2001:db8:1::fe", 1);
	dp_fib_free(f);
}

/* A whole burst in one bulk call answers as each address alone does. */
Test(fib, a_bulk_answers_as_its_members_alone)
{
	struct dp_fib *f = fib_of(conf_routes, "fb");
	static const char *const d6[] = {
		"2001:db8:a::77", "2001:db8:c:2::1", "2001:db8:c:1::1", "2001:db8:c:1:8000::1",
		"2001:db8:d::1", "::1", "2001:db8:1::2", "fe80::1",
	};
	uint8_t b6[64][16];
	uint32_t b4[64];
	const struct dp_nh *h6[64], *h4[64];
	unsigned int i;

	for (i = 0; i < 64; i++) {
		struct in6_addr a = a6(d6[i % 8]);

		a.s6_addr[15] ^= (uint8_t)i;
		memcpy(b6[i], &a, 16);
		b4[i] = htonl(0xcb007100u + i * 4);       /* 203.0.113.0, 4, ... 252 */
	}
	dp_fib_lookup6_bulk(f, (const uint8_t (*)[16])b6, 64, h6);
	dp_fib_lookup4_bulk(f, b4, 64, h4);
	for (i = 0; i < 64; i++) {
		cr_assert_eq(h6[i], dp_fib_nh6(f, b6[i]), "IPv6 member %u", i);
		cr_assert_eq(h4[i], dp_fib_nh4(f, b4[i]), "IPv4 member %u", i);
	}
	dp_fib_free(f);
}
