/* SPDX-License-Identifier: BSD-3-Clause */
/* Binding cache semantics: both keys, updates, removal, prefixes, SPIs, capacity, walk. */
#include <rte_errno.h>
#include <rte_lcore.h>

#include "bc_home.h"
#include "bc_util.h"
#include "eal_fixture.h"

static struct bc *
mk_bc(uint32_t cap, uint32_t pfx, uint32_t spis)
{
	struct bc *bc = bc_create(&(struct bc_params){
		.name = "t", .capacity = cap, .prefixes = pfx, .spis = spis, .max_readers = 4,
		.socket = (int)rte_socket_id() });

	cr_assert_not_null(bc, "bc_create: %s", rte_strerror(rte_errno));
	return bc;
}

static struct bc_entry *
publish(struct bc *bc, uint32_t mn, uint32_t ver, bool with4)
{
	const struct bc_entry *old = bc_get(bc, mn);
	struct bc_entry *e = old != NULL ? bc_entry_clone(bc, old) : bc_entry_new(bc);

	cr_assert_not_null(e);
	t_fill(e, mn, ver, with4);
	cr_assert_eq(bc_publish(bc, e), 0);
	return e;
}

static const struct bc_entry *
by4(struct bc *bc, uint32_t a)
{
	return bc_lookup4(bc, a);
}

static const struct bc_entry *
by6(struct bc *bc, uint32_t mn)
{
	struct in6_addr a;

	t_hoa6(mn, &a);
	return bc_lookup6(bc, &a);
}

TestSuite(bc, .init = ha_eal_init, .fini = ha_eal_fini);

Test(bc, both_keys_lead_to_the_same_entry)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct bc_entry *e = publish(bc, 5, 1, true);

	cr_assert_eq(by6(bc, 5), e);
	cr_assert_eq(by4(bc, t_hoa4(5)), e);
	cr_assert_eq(bc_get(bc, 5), e);
	cr_assert_eq(e->gen, 1);
	cr_assert_eq(t_check(e, 5), 0);
	cr_assert_null(by6(bc, 6));
	cr_assert_null(by4(bc, t_hoa4(6)));
	bc_free(bc);
}

Test(bc, update_replaces_entry_and_retires_the_old_one)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct bc_stats st;
	struct bc_entry *e1 = publish(bc, 5, 1, true), *e2;
	uint32_t free_before;

	bc_stats_get(bc, &st);
	free_before = st.entries_free;
	e2 = publish(bc, 5, 2, true);   /* IPv6 CoA -> NATed IPv4 CoA */
	cr_assert_neq(e1, e2);
	cr_assert_eq(by6(bc, 5), e2);
	cr_assert_eq(by4(bc, t_hoa4(5)), e2);
	cr_assert_eq(e2->gen, 2);
	cr_assert_eq(e2->fmt, BC_FMT_UDP);
	cr_assert_eq(t_check(e2, 5), 0);
	bc_stats_get(bc, &st);
	cr_assert_eq(st.bindings, 1);
	cr_assert_eq(st.publishes, 2);
	/* no reader is registered: the grace period is over at once */
	bc_reclaim(bc);
	bc_stats_get(bc, &st);
	cr_assert_eq(st.retire_pending, 0);
	cr_assert_eq(st.retired, 1);
	cr_assert_eq(st.entries_free, free_before);
	bc_free(bc);
}

Test(bc, ipv4_home_address_can_change_or_go)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct bc_entry *e;

	publish(bc, 7, 1, true);
	e = bc_entry_clone(bc, bc_get(bc, 7));
	e->hoa4 = t_hoa4(42);               /* a new dynamic address */
	cr_assert_eq(bc_publish(bc, e), 0);
	cr_assert_null(by4(bc, t_hoa4(7)));
	cr_assert_eq(by4(bc, t_hoa4(42)), e);
	/* RFC 5555 §4.4.2.1: a BU without the IPv4 HoA option removes the IPv4 binding */
	e = bc_entry_clone(bc, bc_get(bc, 7));
	e->flags &= (uint8_t)~BC_F_HOA4;
	cr_assert_eq(bc_publish(bc, e), 0);
	cr_assert_null(by4(bc, t_hoa4(42)));
	cr_assert_eq(by6(bc, 7), e);
	bc_free(bc);
}

Test(bc, remove_deletes_both_keys)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct bc_stats st;

	publish(bc, 3, 1, true);
	publish(bc, 4, 1, false);
	cr_assert_eq(bc_remove(bc, 3), 0);
	cr_assert_null(by6(bc, 3));
	cr_assert_null(by4(bc, t_hoa4(3)));
	cr_assert_null(bc_get(bc, 3));
	cr_assert_not_null(by6(bc, 4));
	cr_assert_eq(bc_remove(bc, 3), -ENOENT);
	bc_stats_get(bc, &st);
	cr_assert_eq(st.bindings, 1);
	/* the key can be used again */
	publish(bc, 3, 3, true);
	cr_assert_not_null(by4(bc, t_hoa4(3)));
	bc_free(bc);
}

Test(bc, publish_refuses_a_different_hoa_for_the_same_node)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct bc_entry *e;

	publish(bc, 3, 1, false);
	e = bc_entry_clone(bc, bc_get(bc, 3));
	t_hoa6(9, &e->hoa6);
	cr_assert_eq(bc_publish(bc, e), -EINVAL);
	bc_entry_discard(bc, e);
	e = bc_entry_new(bc);
	t_fill(e, 64, 1, false);            /* index beyond capacity */
	cr_assert_eq(bc_publish(bc, e), -EINVAL);
	bc_entry_discard(bc, e);
	bc_free(bc);
}

/* An IPv4 home address is one node's key: another node's publication with it is refused and
 * the owner's traffic keeps going to the owner; the intruder's removal leaves it alone. */
Test(bc, ipv4_key_of_another_node_is_refused)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct bc_entry *victim = publish(bc, 3, 1, true), *e;
	struct bc_stats st;

	e = bc_entry_new(bc);
	t_fill(e, 4, 1, true);
	e->hoa4 = t_hoa4(3);                /* node 4 claims node 3's IPv4 home address */
	cr_assert_eq(bc_publish(bc, e), -EEXIST);
	bc_entry_discard(bc, e);
	cr_assert_eq(by4(bc, t_hoa4(3)), victim);
	cr_assert_null(by6(bc, 4), "a refused publication leaves no IPv6 key either");
	/* node 4 registers without it, then goes: node 3 keeps its key */
	publish(bc, 4, 1, false);
	cr_assert_eq(bc_remove(bc, 4), 0);
	cr_assert_eq(by4(bc, t_hoa4(3)), victim);
	bc_stats_get(bc, &st);
	cr_assert_eq(st.bindings, 1);
	bc_free(bc);
}

Test(bc, prefix_fallback_for_nemo_and_ipv4_prefixes)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct bc_entry *mr = publish(bc, 10, 1, true);
	struct in6_addr p, a;

	inet_pton(AF_INET6, "2001:db8:100::", &p);
	cr_assert_eq(bc_prefix6_add(bc, &p, 48, 10), 0);
	cr_assert_eq(bc_prefix6_add(bc, &p, 48, 11), -EEXIST);
	cr_assert_eq(bc_prefix4_add(bc, htonl(0xcb007180), 25, 10), 0);  /* 203.0.113.128/25 */
	inet_pton(AF_INET6, "2001:db8:100:7::99", &a);
	cr_assert_eq(bc_find6(bc, &a), mr);
	cr_assert_eq(bc_lookup_prefix6(bc, &a), mr);
	cr_assert_null(bc_lookup6(bc, &a));                         /* exact table untouched */
	inet_pton(AF_INET6, "2001:db8:101::1", &a);
	cr_assert_null(bc_find6(bc, &a));
	cr_assert_eq(bc_find4(bc, htonl(0xcb0071fe)), mr);
	cr_assert_null(bc_find4(bc, htonl(0xcb00717f)));
	cr_assert_eq(bc_find4(bc, t_hoa4(10)), mr);                 /* exact first */
	/* a prefix whose node has no binding resolves to nothing */
	cr_assert_eq(bc_remove(bc, 10), 0);
	inet_pton(AF_INET6, "2001:db8:100:7::99", &a);
	cr_assert_null(bc_find6(bc, &a));
	cr_assert_eq(bc_prefix6_del(bc, &p, 48), 0);
	cr_assert_eq(bc_prefix6_del(bc, &p, 48), -ENOENT);
	cr_assert_eq(bc_prefix4_del(bc, htonl(0xcb007180), 25), 0);
	publish(bc, 10, 3, true);
	cr_assert_null(bc_find6(bc, &a));
	cr_assert_null(bc_find4(bc, htonl(0xcb0071fe)));
	bc_free(bc);
}

Test(bc, spi_table)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct bc_spi_val v = { .spi = 0x1001, .mn = 5, .owner_lcore = 1,
				.role = BC_SPI_SIGNALLING };
	const struct bc_spi_val *r;
	uint32_t i;

	t_hoa6(5, &v.hoa6);
	cr_assert_eq(bc_spi_add(bc, &v), 0);
	cr_assert_eq(bc_spi_add(bc, &v), -EEXIST);
	r = bc_spi_lookup(bc, 0x1001);
	cr_assert_not_null(r);
	cr_assert_eq(r->mn, 5);
	cr_assert_eq(r->role, BC_SPI_SIGNALLING);
	cr_assert_eq(memcmp(&r->hoa6, &v.hoa6, 16), 0);
	cr_assert_null(bc_spi_lookup(bc, 0x1002));
	cr_assert_eq(bc_spi_del(bc, 0x1001), 0);
	cr_assert_null(bc_spi_lookup(bc, 0x1001));
	cr_assert_eq(bc_spi_del(bc, 0x1001), -ENOENT);
	/* full: a clear error, never a crash */
	for (i = 0; i < 16; i++) {
		v.spi = 0x2000 + i;
		cr_assert_eq(bc_spi_add(bc, &v), 0);
	}
	v.spi = 0x3000;
	cr_assert_eq(bc_spi_add(bc, &v), -ENOSPC);
	bc_free(bc);
}

Test(bc, capacity_limits_are_errors)
{
	struct bc *bc = mk_bc(16, 16, 16);
	struct in6_addr p;
	uint32_t i, n = 0;

	for (i = 0; i < 16; i++)
		publish(bc, i, 1, true);
	for (i = 0; i < 16; i++) {
		inet_pton(AF_INET6, "2001:db8:100::", &p);
		p.s6_addr[5] = (uint8_t)i;
		cr_assert_eq(bc_prefix6_add(bc, &p, 48, i), 0);
	}
	cr_assert_eq(bc_prefix4_add(bc, htonl(0xcb007100), 24, 0), -ENOSPC);
	/* the entry reserve: capacity plus what can wait for a grace period */
	while (bc_entry_new(bc) != NULL)
		n++;
	cr_assert_eq(rte_errno, ENOSPC);
	cr_assert_eq(n, 65536);
	bc_free(bc);
}

static int
count_cb(const struct bc_entry *e, void *arg)
{
	uint32_t *v = arg;

	v[0]++;
	v[1] += e->mn;
	return v[0] == v[2];   /* stop after a page */
}

Test(bc, walk_in_pages)
{
	struct bc *bc = mk_bc(64, 16, 16);
	uint32_t pos = 0, acc[3] = { 0, 0, 4 }, i, seen;

	for (i = 0; i < 10; i++)
		publish(bc, i * 5, 1, false);
	seen = bc_walk(bc, &pos, count_cb, acc);
	cr_assert_eq(seen, 4);
	cr_assert_eq(acc[1], 0 + 5 + 10 + 15);
	cr_assert_eq(pos, 16);
	acc[2] = 100;
	seen = bc_walk(bc, &pos, count_cb, acc);
	cr_assert_eq(seen, 6);
	cr_assert_eq(acc[0], 10);
	cr_assert_eq(pos, 64);
	bc_free(bc);
}

Test(bc, bulk_lookups_mix_hits_and_misses)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct in6_addr a6[32];
	uint32_t a4[32];
	const struct in6_addr *p6[32];
	const uint32_t *p4[32];
	const struct bc_entry *out[32];
	unsigned int i;

	for (i = 0; i < 32; i += 2)
		publish(bc, i, 1, i % 4 == 0);
	for (i = 0; i < 32; i++) {
		t_hoa6(i, &a6[i]);
		a4[i] = t_hoa4(i);
		p6[i] = &a6[i];
		p4[i] = &a4[i];
	}
	cr_assert_eq(bc_lookup6_bulk(bc, p6, 32, out), 16);
	for (i = 0; i < 32; i++) {
		if (i % 2 == 0) {
			cr_assert_not_null(out[i]);
			cr_assert_eq(t_check(out[i], i), 0);
		} else {
			cr_assert_null(out[i]);
		}
	}
	cr_assert_eq(bc_lookup4_bulk(bc, p4, 32, out), 8);
	for (i = 0; i < 32; i++)
		cr_assert_eq(out[i] != NULL, i % 4 == 0);
	bc_free(bc);
}

/* 32 destinations: even ones the nodes' home addresses, odd ones outside every range */
static void
mixed_destinations(struct in6_addr *a6, uint32_t *a4, const struct in6_addr **p6,
		   const uint32_t **p4)
{
	unsigned int i;

	for (i = 0; i < 32; i++) {
		t_hoa6(i, &a6[i]);
		a4[i] = t_hoa4(i);
		if (i % 2) {
			a6[i].s6_addr[5] = 0xcc;             /* 2001:db8:cc::/48 */
			a4[i] = htonl(0xcb007100u + i);      /* 203.0.113.0/24 */
		}
		p6[i] = &a6[i];
		p4[i] = &a4[i];
	}
}

/* The home ranges 2001:db8:1::/64 and 100.64.0.0/10, nodes 0, 2, ... 30 published in them,
 * and mixed_destinations' 32 destinations. */
static void
ranges_and_even_nodes(struct bc *bc, struct in6_addr *a6, uint32_t *a4,
		      const struct in6_addr **p6, const uint32_t **p4)
{
	struct in6_addr pfx6;
	unsigned int i;

	inet_pton(AF_INET6, "2001:db8:1::", &pfx6);
	cr_assert(bc_home_prefix6_add(bc, &pfx6, 64));
	cr_assert(bc_home_prefix4_add(bc, htonl(0x64400000u), 10));   /* 100.64.0.0/10 */
	for (i = 0; i < 32; i += 2)
		publish(bc, i, 1, true);
	mixed_destinations(a6, a4, p6, p4);
}

Test(bc, home_ranges_skip_what_cannot_be_a_home_address)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct in6_addr a6[32], pfx6;
	uint32_t a4[32];
	const struct in6_addr *p6[32];
	const uint32_t *p4[32];
	const struct bc_entry *out[32];
	struct bc_stats st;
	unsigned int i;

	inet_pton(AF_INET6, "2001:db8:1::", &pfx6);
	cr_assert(bc_home_prefix6_add(bc, &pfx6, 64));
	cr_assert(bc_home_prefix4_add(bc, htonl(0x64400000u), 10));   /* 100.64.0.0/10 */
	cr_assert(bc_home_prefix6_add(bc, &pfx6, 64), "the same range again changes nothing");
	bc_stats_get(bc, &st);
	cr_assert_eq(st.home_ranges6, 1);
	cr_assert_eq(st.home_ranges4, 1);
	for (i = 0; i < 32; i += 2)
		publish(bc, i, 1, true);
	/* a node whose address is odd would be outside: nodes 0, 2, ... are all inside */
	mixed_destinations(a6, a4, p6, p4);
	cr_assert_eq(bc_lookup6_bulk(bc, p6, 32, out), 16);
	for (i = 0; i < 32; i++)
		cr_assert_eq(out[i] != NULL, i % 2 == 0, "IPv6 destination %u", i);
	for (i = 0; i < 32; i += 2)
		cr_assert_eq(t_check(out[i], i), 0);
	cr_assert_eq(bc_lookup4_bulk(bc, p4, 32, out), 16);
	for (i = 0; i < 32; i++)
		cr_assert_eq(out[i] != NULL, i % 2 == 0, "IPv4 destination %u", i);
	/* every destination outside, every one inside: the two short cuts */
	cr_assert_eq(bc_lookup6_bulk(bc, p6 + 1, 1, out), 0);
	cr_assert_null(out[0]);
	cr_assert_eq(bc_lookup4_bulk(bc, p4, 1, out), 1);
	cr_assert_not_null(out[0]);
	bc_free(bc);
}

/* The forwarding stage's lookup: exact in bulk, then the prefixes for the misses — also for
 * destinations outside the home ranges (a mobile network prefix need not be inside one),
 * and only once a prefix of the family exists. */
Test(bc, bulk_find_falls_back_to_prefixes_outside_the_home_ranges)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct in6_addr a6[32], mnp;
	uint32_t a4[32];
	const struct in6_addr *p6[32];
	const uint32_t *p4[32];
	const struct bc_entry *out[32], *mr;
	unsigned int i;

	ranges_and_even_nodes(bc, a6, a4, p6, p4);
	/* no prefix yet: the odd destinations find nothing */
	cr_assert_eq(bc_find6_bulk(bc, p6, 32, out), 16);
	cr_assert_eq(bc_find4_bulk(bc, p4, 32, out), 16);
	for (i = 0; i < 32; i++)
		cr_assert_eq(out[i] != NULL, i % 2 == 0, "IPv4 destination %u", i);
	/* node 2 is a mobile router for 2001:db8:cc::/48 and 203.0.113.0/25, outside the ranges */
	mr = out[2];
	inet_pton(AF_INET6, "2001:db8:cc::", &mnp);
	cr_assert_eq(bc_prefix6_add(bc, &mnp, 48, 2), 0);
	cr_assert_eq(bc_prefix4_add(bc, htonl(0xcb007100u), 25, 2), 0);
	cr_assert_eq(bc_find6_bulk(bc, p6, 32, out), 32);
	for (i = 0; i < 32; i++)
		if (i % 2)
			cr_assert_eq(out[i], mr, "IPv6 destination %u: the prefix's node", i);
		else
			cr_assert_eq(t_check(out[i], i), 0, "IPv6 destination %u: exact first", i);
	cr_assert_eq(bc_find4_bulk(bc, p4, 32, out), 32);
	for (i = 1; i < 32; i += 2)
		cr_assert_eq(out[i], mr, "IPv4 destination %u", i);
	/* 203.0.113.128/25 is not the mobile router's */
	a4[1] = htonl(0xcb007181u);
	cr_assert_eq(bc_find4_bulk(bc, p4, 2, out), 1);
	cr_assert_null(out[1]);
	bc_free(bc);
}

Test(bc, a_home_address_outside_the_ranges_switches_the_filter_off)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct in6_addr pfx6, out6;
	const struct in6_addr *p6[1] = { &out6 };
	uint32_t out4 = htonl(0xcb007107u);
	const uint32_t *p4[1] = { &out4 };
	const struct bc_entry *out[1];
	struct bc_entry *e;
	struct bc_stats st;

	inet_pton(AF_INET6, "2001:db8:1::", &pfx6);
	bc_home_prefix6_add(bc, &pfx6, 64);
	bc_home_prefix4_add(bc, htonl(0x64400000u), 10);
	/* node 7 gets addresses outside both ranges: it must still be found in bulk */
	e = bc_entry_new(bc);
	cr_assert_not_null(e);
	t_fill(e, 7, 1, true);
	inet_pton(AF_INET6, "2001:db8:cc::7", &out6);
	e->hoa6 = out6;
	e->hoa4 = out4;
	cr_assert_eq(bc_publish(bc, e), 0);
	bc_stats_get(bc, &st);
	cr_assert_eq(st.home_ranges6, 0, "filter off after a key outside");
	cr_assert_eq(st.home_ranges4, 0);
	cr_assert_eq(bc_lookup6_bulk(bc, p6, 1, out), 1);
	cr_assert_eq(out[0], e);
	cr_assert_eq(bc_lookup4_bulk(bc, p4, 1, out), 1);
	cr_assert_eq(out[0], e);
	/* off for good: a later range does not switch it back on */
	inet_pton(AF_INET6, "2001:db8:2::", &pfx6);
	cr_assert_not(bc_home_prefix6_add(bc, &pfx6, 64));
	bc_free(bc);
}

/* One family's check of the filter against bc_find*_bulk over the 32 destinations: what it
 * turns away has no binding, what it lets through finds the same. @return let through. */
static unsigned int
filter_agrees(const struct bc *bc, const struct bc_filter *f, const void *const *p,
	      int family)
{
	const struct bc_entry *want[32], *got[32];
	const void *q[32];
	uint8_t at[32];
	unsigned int i, n = 0;

	if (family == 6)
		bc_find6_bulk(bc, (const struct in6_addr **)p, 32, want);
	else
		bc_find4_bulk(bc, (const uint32_t **)p, 32, want);
	for (i = 0; i < 32; i++) {
		if (family == 6 ? bc_filter_may6(f, p[i]) : bc_filter_may4(f, p[i])) {
			q[n] = p[i];
			at[n++] = (uint8_t)i;
		} else {
			cr_assert_null(want[i], "IPv%d destination %u turned away, yet bound", family,
				       i);
		}
	}
	if (family == 6)
		bc_filtered6_bulk(bc, f, (const struct in6_addr **)q, n, got);
	else
		bc_filtered4_bulk(bc, f, (const uint32_t **)q, n, got);
	for (i = 0; i < n; i++)
		cr_assert_eq(got[i], want[at[i]], "IPv%d destination %u", family, at[i]);
	return n;
}

/*
 * The forwarding stage's filter (bc_filter_get once per burst, bc_filter_may6/4 per address,
 * bc_filtered6/4_bulk for what passed) never hides a binding: with the ranges on and no
 * prefix it turns the destinations outside away (and only those), with a mobile network
 * prefix where they are it lets them through, and so with the ranges switched off
 * by a home address outside them; what it lets through finds what bc_find*_bulk finds.
 */
Test(bc, the_burst_filter_never_hides_a_binding)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct in6_addr a6[32], mnp;
	uint32_t a4[32];
	const struct in6_addr *p6[32];
	const uint32_t *p4[32];
	struct bc_filter f;
	struct bc_entry *e;

	ranges_and_even_nodes(bc, a6, a4, p6, p4);
	bc_filter_get(bc, &f);
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p6, 6), 16, "the odd are out");
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p4, 4), 16);
	/* node 2 routes 2001:db8:cc::/48 and 203.0.113.0/25, outside the ranges */
	inet_pton(AF_INET6, "2001:db8:cc::", &mnp);
	cr_assert_eq(bc_prefix6_add(bc, &mnp, 48, 2), 0);
	cr_assert_eq(bc_prefix4_add(bc, htonl(0xcb007100u), 25, 2), 0);
	bc_filter_get(bc, &f);
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p6, 6), 32, "in the prefixes");
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p4, 4), 32);
	/* no prefixes again, and node 7 gets the (odd, outside) destinations 7 as its home
	 * addresses: the ranges go off, everything may, node 7 is found */
	cr_assert_eq(bc_prefix6_del(bc, &mnp, 48), 0);
	cr_assert_eq(bc_prefix4_del(bc, htonl(0xcb007100u), 25), 0);
	e = bc_entry_new(bc);
	cr_assert_not_null(e);
	t_fill(e, 7, 1, true);
	e->hoa6 = a6[7];
	e->hoa4 = a4[7];
	cr_assert_eq(bc_publish(bc, e), 0);
	bc_filter_get(bc, &f);
	cr_assert_eq(f.live6 + f.live4, 0, "the ranges are off");
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p6, 6), 32);
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p4, 4), 32);
	cr_assert_eq(bc_find6(bc, &a6[7]), e);
	bc_free(bc);
}

/*
 * With mobile network prefixes registered the filter still turns away what neither the home
 * ranges nor the prefixes' summary (bc_pfxsum.h) cover: node 2's prefixes away from the odd
 * destinations leave those out, a prefix's own addresses may and find their node, node 4's
 * prefixes where the odd destinations are let them all in (found through node 4), and with
 * the family's last prefix gone the summary is empty again.
 */
Test(bc, the_filter_turns_away_what_no_prefix_covers)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct in6_addr a6[32], far6, near6, in6;
	uint32_t a4[32], in4 = htonl(0xc0000205u);             /* 192.0.2.5 */
	const struct in6_addr *p6[32];
	const uint32_t *p4[32];
	struct bc_filter f;
	struct bc_stats st;

	ranges_and_even_nodes(bc, a6, a4, p6, p4);
	inet_pton(AF_INET6, "2001:db8:dd::", &far6);
	inet_pton(AF_INET6, "2001:db8:dd:5::9", &in6);
	cr_assert_eq(bc_prefix6_add(bc, &far6, 48, 2), 0);
	cr_assert_eq(bc_prefix4_add(bc, htonl(0xc0000200u), 25, 2), 0);   /* 192.0.2.0/25 */
	bc_filter_get(bc, &f);
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p6, 6), 16, "odd: outside both");
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p4, 4), 16);
	cr_assert(bc_filter_may6(&f, &in6));
	cr_assert(bc_filter_may4(&f, &in4));
	cr_assert_eq(bc_find6(bc, &in6)->mn, 2);
	cr_assert_eq(bc_find4(bc, in4)->mn, 2);
	inet_pton(AF_INET6, "2001:db8:cc::", &near6);
	cr_assert_eq(bc_prefix6_add(bc, &near6, 48, 4), 0);
	cr_assert_eq(bc_prefix4_add(bc, htonl(0xcb007100u), 25, 4), 0);   /* 203.0.113.0/25 */
	bc_filter_get(bc, &f);
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p6, 6), 32);
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p4, 4), 32);
	cr_assert_eq(bc_find6(bc, &a6[1])->mn, 4);
	bc_stats_get(bc, &st);
	cr_assert_eq(st.prefix_ranges6, 2);
	cr_assert_eq(st.prefix_ranges4, 2);
	cr_assert_eq(bc_prefix6_del(bc, &far6, 48), 0);
	cr_assert_eq(bc_prefix6_del(bc, &near6, 48), 0);
	cr_assert_eq(bc_prefix4_del(bc, htonl(0xc0000200u), 25), 0);
	cr_assert_eq(bc_prefix4_del(bc, htonl(0xcb007100u), 25), 0);
	bc_stats_get(bc, &st);
	cr_assert_eq(st.prefix_ranges6 + st.prefix_ranges4, 0);
	bc_filter_get(bc, &f);
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p6, 6), 16);
	cr_assert_eq(filter_agrees(bc, &f, (const void *const *)p4, 4), 16);
	bc_free(bc);
}

Test(bc, ranges_given_to_a_table_with_keys_stay_off)
{
	struct bc *bc = mk_bc(64, 16, 16);
	struct in6_addr pfx6;
	struct bc_stats st;
	unsigned int i;

	publish(bc, 3, 1, true);
	inet_pton(AF_INET6, "2001:db8:1::", &pfx6);
	cr_assert_not(bc_home_prefix6_add(bc, &pfx6, 64), "keys of unknown places already in");
	bc_remove(bc, 3);
	bc_reclaim(bc);
	/* ... and more ranges than it holds switch a fresh filter off too */
	bc_free(bc);
	bc = mk_bc(64, 16, 16);
	for (i = 0; i < BC_HOME_MAX; i++)
		cr_assert(bc_home_prefix4_add(bc, htonl(0xc6336400u + (i << 2)), 30));
	cr_assert_not(bc_home_prefix4_add(bc, htonl(0xcb007100u), 24));
	bc_stats_get(bc, &st);
	cr_assert_eq(st.home_ranges4, 0);
	bc_free(bc);
}

Test(bc_tmpl, templates_per_format)
{
	struct bc_entry e = { 0 };
	struct bc_tmpl_src src = { .hop_limit = 0 };

	inet_pton(AF_INET6, "2001:db8:1::1", &src.ha6);
	inet_pton(AF_INET, "198.51.100.1", &src.ha4);
	e.fmt = BC_FMT_IP4;
	inet_pton(AF_INET, "203.0.113.9", &e.coa4);
	cr_assert_eq(bc_tmpl_build(&e, &src), 0);
	cr_assert_eq(e.tmpl_len, 20);
	cr_assert_eq(e.tmpl[8], 64);                       /* default TTL */
	cr_assert_eq(e.tmpl[6], 0x40);                     /* DF */
	e.fmt = BC_FMT_UDP_TLV;
	e.nat_port = htons(40001);
	cr_assert_eq(bc_tmpl_build(&e, &src), 0);
	cr_assert_eq(e.tmpl_len, 32);
	cr_assert_eq(e.tmpl[9], 17);
	cr_assert_eq(wire_rd16(e.tmpl + 20), 4191);
	cr_assert_eq(wire_rd16(e.tmpl + 22), 40001);
	cr_assert_eq(e.tmpl[28], 0);                       /* TLV Type 0 */
	e.fmt = BC_FMT_NONE;
	cr_assert_eq(bc_tmpl_build(&e, &src), -EINVAL);
}
