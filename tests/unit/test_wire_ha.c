/* SPDX-License-Identifier: BSD-3-Clause */
/* The home link's messages (wire_ha): bytes as RFC 6275 §6.5-§7.4 lay them out, and refusals. */
#include <arpa/inet.h>
#include <string.h>

#include <criterion/criterion.h>

#include "t_addr.h"
#include "wire_csum.h"
#include "wire_ha.h"
#include "wire_ip.h"

static bool
eq6(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = a6(s);

	return memcmp(a, &b, 16) == 0;
}

Test(wire_ha, anycast_of_a_64_and_of_a_longer_prefix)
{
	struct in6_addr p = a6("2001:db8:1::"), out;

	wire_ha_anycast(&p, 64, &out);
	cr_assert(eq6(&out, "2001:db8:1:0:fdff:ffff:ffff:fffe"));
	p = a6("2001:db8:1:2::");
	wire_ha_anycast(&p, 48, &out);     /* the subnet bits stay the prefix's */
	cr_assert(eq6(&out, "2001:db8:1:2:fdff:ffff:ffff:fffe"));
	p = a6("2001:db8:1::");
	wire_ha_anycast(&p, 120, &out);    /* no EUI-64 identifier: every host bit but the ID */
	cr_assert(eq6(&out, "2001:db8:1::fe"));
}

static int
ra(uint8_t *pkt, size_t cap, const struct wire_ra *r)
{
	struct in6_addr src = a6("fe80::1"), dst = a6("ff02::1");

	return wire_ra_build(pkt, cap, &src, &dst, r);
}

Test(wire_ha, ra_with_home_agent_options_lays_out_as_rfc_6275_says)
{
	struct wire_ra r = { .cur_hop_limit = 64, .flags = WIRE_RA_H, .router_lifetime = 1800,
			     .has_interval = true, .interval_ms = 3000, .has_ha_info = true,
			     .ha_pref = -2, .ha_lifetime = 1800, .n_pio = 1 };
	uint8_t pkt[256], *i = pkt + 40, *o;
	int n;

	r.pio[0] = (struct wire_pio){ .prefix = a6("2001:db8:1::1"), .plen = 64, .valid = 86400,
				      .preferred = 14400,
				      .flags = WIRE_PIO_L | WIRE_PIO_A | WIRE_PIO_R };
	n = ra(pkt, sizeof(pkt), &r);
	cr_assert_eq(n, 40 + 16 + 32 + 8 + 8);
	cr_assert_eq(pkt[7], 255, "hop limit 255");
	cr_assert_eq(i[0], 134);
	cr_assert_eq(i[5], 0x20, "H is the third flag bit (R6275 §7.1)");
	o = i + 16;                              /* Prefix Information, R = 0x20 */
	cr_assert_eq(o[0], 3);
	cr_assert_eq(o[1], 4);
	cr_assert_eq(o[3], 0xe0);
	cr_assert_eq(memcmp(o + 16, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 6), 0);
	o += 32;                                 /* Advertisement Interval: 7, 1, 0, 0, ms */
	cr_assert_eq(memcmp(o, (uint8_t[]){ 7, 1, 0, 0, 0, 0, 0x0b, 0xb8 }, 8), 0);
	o += 8;                                  /* HA Information: 8, 1, 0, 0, pref, lifetime */
	cr_assert_eq(memcmp(o, (uint8_t[]){ 8, 1, 0, 0, 0xff, 0xfe, 0x07, 0x08 }, 8), 0);
}

Test(wire_ha, ra_parse_reads_back_and_validates_as_rfc_4861_says)
{
	struct wire_ra r = { .flags = WIRE_RA_H, .has_slla = true, .slla = { 2, 0, 0, 0, 0, 9 },
			     .mtu = 1500, .has_ha_info = true, .ha_pref = 7, .ha_lifetime = 60,
			     .n_pio = 2 }, back;
	struct in6_addr ll = a6("fe80::1"), glob = a6("2001:db8:1::1"), dst = a6("ff02::1");
	uint8_t pkt[256];
	int n;

	r.pio[1].prefix = glob;
	r.pio[1].plen = 64;
	r.pio[1].flags = WIRE_PIO_R;
	n = ra(pkt, sizeof(pkt), &r);
	cr_assert_eq(wire_ra_parse(pkt + 40, (size_t)n - 40, 255, &ll, &dst, &back), WIRE_E_OK);
	cr_assert_eq(back.flags, WIRE_RA_H);
	cr_assert(back.has_slla && back.slla[5] == 9);
	cr_assert_eq(back.mtu, 1500);
	cr_assert(back.has_ha_info && back.ha_pref == 7 && back.ha_lifetime == 60);
	cr_assert_eq(back.n_pio, 2);
	cr_assert(eq6(&back.pio[1].prefix, "2001:db8:1::1"));
	cr_assert_eq(back.pio[1].flags, WIRE_PIO_R);
	/* not from the link, not link-local, bad checksum, an option of length 0 */
	cr_assert_neq(wire_ra_parse(pkt + 40, (size_t)n - 40, 254, &ll, &dst, &back), WIRE_E_OK);
	cr_assert_neq(wire_ra_parse(pkt + 40, (size_t)n - 40, 255, &glob, &dst, &back), WIRE_E_OK);
	pkt[50] ^= 1;
	cr_assert_eq(wire_ra_parse(pkt + 40, (size_t)n - 40, 255, &ll, &dst, &back),
		     WIRE_E_BAD_CSUM);
	pkt[50] ^= 1;
	pkt[40 + 16 + 1] = 0;                    /* the SLLA option's length, checksum fixed */
	pkt[42] = pkt[43] = 0;
	wire_wr16(pkt + 42, wire_ip6_l4_csum(&ll, &dst, WIRE_PROTO_ICMPV6, pkt + 40,
					     (size_t)n - 40));
	cr_assert_eq(wire_ra_parse(pkt + 40, (size_t)n - 40, 255, &ll, &dst, &back),
		     WIRE_E_OPT_BAD_LEN);
	cr_assert_eq(wire_ra_parse(pkt + 40, 15, 255, &ll, &dst, &back), WIRE_E_TRUNCATED);
}

Test(wire_ha, dhaad_reply_keeps_the_first_77_addresses_within_1280_bytes)
{
	static struct wire_ha_msg m, back;
	struct in6_addr src = a6("2001:db8:1::1"), dst = a6("2001:db8:b::5");
	uint8_t pkt[2048];
	unsigned int k;
	int n;

	m.type = WIRE_ICMP6_DHAAD_REPLY;
	m.id = 0xbeef;
	m.n_ha = WIRE_DHAAD_MAX;
	for (k = 0; k < WIRE_DHAAD_MAX; k++) {
		m.ha[k] = src;
		m.ha[k].s6_addr[15] = (uint8_t)k;
	}
	n = wire_ha_msg_build(pkt, sizeof(pkt), &src, &dst, &m);
	cr_assert_eq(n, 1280);
	cr_assert_eq(pkt[40], 145);
	cr_assert_eq(pkt[44], 0xbe);
	cr_assert_eq(pkt[45], 0xef);
	cr_assert_eq(wire_ha_msg_parse(pkt + 40, (size_t)n - 40, &src, &dst, &back), WIRE_E_OK);
	cr_assert_eq(back.n_ha, WIRE_DHAAD_MAX);
	cr_assert_eq(back.ha[76].s6_addr[15], 76);
	/* a reply whose address list is not a whole number of addresses */
	n = wire_ha_msg_build(pkt, sizeof(pkt), &src, &dst, &m);
	cr_assert_neq(wire_ha_msg_parse(pkt + 40, (size_t)n - 40 - 4, &src, &dst, &back),
		      WIRE_E_OK);
}

Test(wire_ha, request_mps_and_mpa_round_trip)
{
	static struct wire_ha_msg m, back;
	struct in6_addr src = a6("2001:db8:1::100"), dst = a6("2001:db8:1::1");
	uint8_t pkt[512];
	int n;

	m.type = WIRE_ICMP6_DHAAD_REQUEST;
	m.id = 7;
	n = wire_ha_msg_build(pkt, sizeof(pkt), &src, &dst, &m);
	cr_assert_eq(n, 48);
	cr_assert_eq(wire_ha_msg_parse(pkt + 40, 8, &src, &dst, &back), WIRE_E_OK);
	cr_assert_eq(back.type, 144);
	cr_assert_eq(back.id, 7);
	m.type = WIRE_ICMP6_MPS;
	n = wire_ha_msg_build(pkt, sizeof(pkt), &src, &dst, &m);
	cr_assert_eq(n, 48);
	cr_assert_eq(pkt[40], 146);
	m.type = WIRE_ICMP6_MPA;
	m.mpa_flags = WIRE_MPA_O;
	m.n_pio = 1;
	m.pio[0] = (struct wire_pio){ .prefix = a6("2001:db8:1::"), .plen = 64, .valid = 100,
				      .preferred = 50, .flags = WIRE_PIO_A };
	n = wire_ha_msg_build(pkt, sizeof(pkt), &dst, &src, &m);
	cr_assert_eq(n, 40 + 8 + 32);
	cr_assert_eq(pkt[46], 0x40, "O is the second flag bit");
	cr_assert_eq(wire_ha_msg_parse(pkt + 40, (size_t)n - 40, &dst, &src, &back), WIRE_E_OK);
	cr_assert_eq(back.mpa_flags, WIRE_MPA_O);
	cr_assert_eq(back.n_pio, 1);
	cr_assert_eq(back.pio[0].valid, 100);
	cr_assert_eq(back.pio[0].preferred, 50);
	pkt[41] = 1;                             /* code 1 */
	cr_assert_eq(wire_ha_msg_parse(pkt + 40, (size_t)n - 40, &dst, &src, &back),
		     WIRE_E_BAD_PROTO);
}

Test(wire_ha, mpa_to_a_care_of_address_goes_through_a_type_2_routing_header)
{
	static struct wire_ha_msg m, back;
	struct in6_addr ha = a6("2001:db8:1::1"), coa = a6("2001:db8:b::5"),
			hoa = a6("2001:db8:1::100");
	uint8_t pkt[512];
	int n;

	m.type = WIRE_ICMP6_MPA;
	m.id = 9;
	m.n_pio = 1;
	m.pio[0] = (struct wire_pio){ .prefix = a6("2001:db8:1::"), .plen = 64,
				      .flags = WIRE_PIO_L | WIRE_PIO_A };
	n = wire_ha_msg_build_rh2(pkt, sizeof(pkt), &ha, &coa, &hoa, &m);
	cr_assert_eq(n, 40 + 24 + 8 + 32);
	cr_assert_eq(pkt[6], 43, "next header: routing");
	cr_assert_eq(wire_rd16(pkt + 4), 24 + 8 + 32);
	cr_assert_eq(memcmp(pkt + 24, &coa, 16), 0);
	cr_assert_eq(memcmp(pkt + 40, (uint8_t[]){ 58, 2, 2, 1 }, 4), 0, "RH2, segments left 1");
	cr_assert_eq(memcmp(pkt + 48, &hoa, 16), 0);
	/* the checksum is the home address's: the final destination */
	cr_assert_eq(wire_ha_msg_parse(pkt + 64, (size_t)n - 64, &ha, &hoa, &back), WIRE_E_OK);
	cr_assert_eq(back.id, 9);
	cr_assert_eq(wire_ha_msg_parse(pkt + 64, (size_t)n - 64, &ha, &coa, &back),
		     WIRE_E_BAD_CSUM);
}
