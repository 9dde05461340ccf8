/* SPDX-License-Identifier: BSD-3-Clause */
/* The home link's decisions (cp_hl): our RA, the home agents list, the DHAAD reply's order. */
#include <arpa/inet.h>
#include <string.h>

#include <criterion/criterion.h>

#include "t_addr.h"
#include "cfg.h"
#include "cp_hl.h"

static void
home_cfg(struct ha_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg_defaults(cfg);
	cfg->ha.addr6 = a6("2001:db8:1::1");
	cfg->ha.n_prefixes6 = 2;
	cfg->ha.prefixes6[0] = (struct ha_prefix6){ .addr = a6("2001:db8:1::"), .len = 64 };
	cfg->ha.prefixes6[1] = (struct ha_prefix6){ .addr = a6("2001:db8:2::"), .len = 64 };
	cfg->home_link.ha_preference = 5;
}

static bool
eq6(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = a6(s);

	return memcmp(a, &b, 16) == 0;
}

/* Another home agent's RA: H, a Prefix Information option with R, HA Information. */
static struct wire_ra
ra_of(const char *addr, int16_t pref, uint16_t lifetime)
{
	struct wire_ra ra = { .flags = WIRE_RA_H, .router_lifetime = 1800, .has_ha_info = true,
			      .ha_pref = pref, .ha_lifetime = lifetime, .n_pio = 1 };

	ra.pio[0].prefix = a6(addr);
	ra.pio[0].plen = 64;
	ra.pio[0].flags = WIRE_PIO_L | WIRE_PIO_R;
	return ra;
}

Test(cp_hl, our_ra_names_the_home_agent_in_its_own_prefix)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 7 };
	struct ha_cfg cfg;
	struct wire_ra ra;

	home_cfg(&cfg);
	cp_hl_ra(&cfg, mac, 1500, &ra);
	cr_assert_eq(ra.flags, WIRE_RA_H);
	cr_assert_eq(ra.router_lifetime, 1800);
	cr_assert_eq(ra.mtu, 1500);
	cr_assert(ra.has_slla && ra.slla[5] == 7);
	cr_assert_eq(ra.n_pio, 2);
	cr_assert_eq(ra.pio[0].flags, WIRE_PIO_L | WIRE_PIO_R);
	cr_assert_eq(memcmp(&ra.pio[0].prefix, &cfg.ha.addr6, 16), 0);
	cr_assert_eq(ra.pio[1].flags, WIRE_PIO_L, "the other home prefix: on-link, no R");
	cr_assert(ra.has_ha_info && ra.ha_pref == 5 && ra.ha_lifetime == 1800);
	cr_assert(ra.has_interval && ra.interval_ms == 10000);
}

Test(cp_hl, the_list_learns_refreshes_and_forgets)
{
	static struct cp_hl hl;
	struct in6_addr ll = a6("fe80::2");
	struct wire_ra ra = ra_of("2001:db8:1::2", 10, 100), plain = ra;

	cr_assert(cp_hl_learn(&hl, &ra, &ll, 1, 1000));
	cr_assert_eq(hl.n, 1);
	cr_assert_eq(hl.agents[0].expiry_ms, 101000);
	ra.ha_lifetime = 200;                    /* a refresh moves the expiry, no new entry */
	cr_assert(cp_hl_learn(&hl, &ra, &ll, 1, 2000));
	cr_assert_eq(hl.n, 1);
	cr_assert_eq(hl.agents[0].expiry_ms, 202000);
	plain.flags = 0;                         /* a router, not a home agent */
	cr_assert_not(cp_hl_learn(&hl, &plain, &ll, 1, 2000));
	cr_assert_eq(hl.n, 1);
	cp_hl_expire(&hl, 201999);
	cr_assert_eq(hl.n, 1);
	cp_hl_expire(&hl, 202000);
	cr_assert_eq(hl.n, 0, "gone when its lifetime runs out");
	cr_assert(cp_hl_learn(&hl, &ra, &ll, 1, 3000));
	ra.ha_lifetime = 0;                      /* R6275 §10.5.1: lifetime 0 removes it */
	cr_assert(cp_hl_learn(&hl, &ra, &ll, 1, 4000));
	cr_assert_eq(hl.n, 0);
}

Test(cp_hl, dhaad_lists_by_preference_within_the_prefix)
{
	static struct cp_hl hl;
	struct in6_addr ll = a6("fe80::2"), self = a6("2001:db8:1::1"), out[WIRE_DHAAD_MAX];
	struct ha_prefix6 pfx = { .addr = a6("2001:db8:1::"), .len = 64 };
	struct wire_ra ra;
	unsigned int n;

	ra = ra_of("2001:db8:1::2", -5, 100);
	cp_hl_learn(&hl, &ra, &ll, 1, 0);
	ra = ra_of("2001:db8:1::3", 10, 100);
	cp_hl_learn(&hl, &ra, &ll, 1, 0);
	ra = ra_of("2001:db8:9::4", 99, 100);    /* another home prefix's: not listed */
	cp_hl_learn(&hl, &ra, &ll, 1, 0);
	ra = ra_of("2001:db8:1::5", 10, 1);      /* equal preference, heard later; expires */
	cp_hl_learn(&hl, &ra, &ll, 1, 0);
	n = cp_hl_dhaad(&hl, &self, 0, &pfx, 500, out, WIRE_DHAAD_MAX);
	cr_assert_eq(n, 4);
	/* the two of preference 10 first, in either order (dhaad_shuffles_equal_preferences) */
	cr_assert((eq6(&out[0], "2001:db8:1::3") && eq6(&out[1], "2001:db8:1::5")) ||
		  (eq6(&out[0], "2001:db8:1::5") && eq6(&out[1], "2001:db8:1::3")));
	cr_assert_eq(memcmp(&out[2], &self, 16), 0);
	cr_assert(eq6(&out[3], "2001:db8:1::2"));
	n = cp_hl_dhaad(&hl, &self, 0, &pfx, 2000, out, WIRE_DHAAD_MAX);
	cr_assert_eq(n, 3, "the expired one is left out");
	n = cp_hl_dhaad(&hl, &self, 20, &pfx, 2000, out, 1);
	cr_assert_eq(n, 1);
	cr_assert_eq(memcmp(&out[0], &self, 16), 0, "truncated after sorting: the best stays");
}

Test(cp_hl, dhaad_shuffles_equal_preferences_and_only_them)
{
	static struct cp_hl hl;
	struct in6_addr ll = a6("fe80::2"), self = a6("2001:db8:1::1"), out[WIRE_DHAAD_MAX];
	struct ha_prefix6 pfx = { .addr = a6("2001:db8:1::"), .len = 64 };
	unsigned int first[3] = { 0 }, i;
	struct wire_ra ra;

	ra = ra_of("2001:db8:1::2", 7, 100);
	cp_hl_learn(&hl, &ra, &ll, 1, 0);
	ra = ra_of("2001:db8:1::3", 7, 100);
	cp_hl_learn(&hl, &ra, &ll, 1, 0);
	ra = ra_of("2001:db8:1::4", 3, 100);
	cp_hl_learn(&hl, &ra, &ll, 1, 0);
	for (i = 0; i < 300; i++) {
		cr_assert_eq(cp_hl_dhaad(&hl, &self, 7, &pfx, 0, out, WIRE_DHAAD_MAX), 4);
		cr_assert(eq6(&out[3], "2001:db8:1::4"), "the lower preference stays last");
		first[out[0].s6_addr[15] - 1]++;
	}
	/* each of the three of preference 7 comes first about a third of the time */
	for (i = 0; i < 3; i++)
		cr_assert(first[i] > 50, "address ::%u first %u times of 300", i + 1, first[i]);
}

Test(cp_hl, periodic_ras_follow_after_75_to_100_percent_of_the_interval)
{
	static struct cp_hl hl;
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		uint64_t d = cp_hl_next_delay(&hl, 10000);

		cr_assert(d >= 7500 && d <= 10000, "%lu", (unsigned long)d);
	}
}

Test(cp_hl, load_following_preference_falls_with_occupancy)
{
	struct ha_cfg cfg;

	home_cfg(&cfg);
	cfg.cap.bindings = 1000;
	cr_assert_eq(cp_hl_preference(&cfg, 900), 5, "off: the configured preference");
	cfg.home_link.load_following = true;
	cr_assert_eq(cp_hl_preference(&cfg, 0), 5);
	cr_assert_eq(cp_hl_preference(&cfg, 1), 4, "one binding of 1000: 0.1 %");
	cr_assert_eq(cp_hl_preference(&cfg, 500), -495);
	cr_assert_eq(cp_hl_preference(&cfg, 1000), -995);
	cr_assert_eq(cp_hl_preference(&cfg, 5000), -995, "never past full");
	cfg.home_link.ha_preference = -32000;
	cr_assert_eq(cp_hl_preference(&cfg, 1000), INT16_MIN, "clamped");
}
