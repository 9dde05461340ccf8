/* SPDX-License-Identifier: BSD-3-Clause */
/* Mobility Header: golden vectors byte for byte, builders, options, and malformed inputs. */
#include <arpa/inet.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "mh_vectors.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_mh.h"

static const struct in6_addr hoa = { .s6_addr = VEC_HOA };
static const struct in6_addr ha = { .s6_addr = VEC_HA };

static uint32_t
v4(const char *s)
{
	uint32_t a;

	cr_assert_eq(inet_pton(AF_INET, s, &a), 1);
	return a;
}

Test(wire_mh, golden_bu_parses)
{
	struct wire_mh m;

	cr_assert_eq(wire_mh_parse(vec_bu, sizeof(vec_bu), &hoa, &ha, WIRE_MH_F_STRICT_ALIGN, &m),
		     WIRE_E_OK);
	cr_assert_eq(m.type, WIRE_MH_BU);
	cr_assert_eq(m.len, 32);
	cr_assert_eq(m.bu.seq, 7);
	cr_assert_eq(m.bu.lifetime, 100);
	cr_assert_eq(m.bu.flags, WIRE_BU_A | WIRE_BU_H | WIRE_BU_K | WIRE_BU_F);
	cr_assert_eq(m.opts.present, WIRE_MHOPT_BIT(WIRE_MHOPT_V4HOA) |
		     WIRE_MHOPT_BIT(WIRE_MHOPT_V4COA));
	cr_assert_eq(m.opts.n_v4hoa, 1);
	cr_assert_eq(m.opts.v4hoa[0].plen, 32);
	cr_assert(m.opts.v4hoa[0].p);
	cr_assert_eq(m.opts.v4hoa[0].addr, 0);
	cr_assert_eq(m.opts.v4coa, v4("10.0.0.5"));
}

Test(wire_mh, golden_bu_rebuilds_byte_for_byte)
{
	struct wire_bu_args a = {
		.seq = 7, .flags = WIRE_BU_A | WIRE_BU_H | WIRE_BU_K | WIRE_BU_F, .lifetime = 100,
		.n_v4hoa = 1, .v4hoa = { { .plen = 32, .p = true, .addr = 0 } },
		.has_v4coa = true,
	};
	uint8_t buf[64];
	int n;

	a.v4coa = v4("10.0.0.5");
	n = wire_mh_bu_build(buf, sizeof(buf), &a, &hoa, &ha);
	cr_assert_eq(n, (int)sizeof(vec_bu));
	cr_assert_arr_eq(buf, vec_bu, sizeof(vec_bu));
}

Test(wire_mh, golden_ba_parses_and_rebuilds)
{
	struct wire_ba_args a = {
		.status = 0, .flags = WIRE_BA_K, .seq = 7, .lifetime = 100,
		.n_v4ack = 1, .v4ack = { { .status = 0, .plen = 24 } },
		.has_natd = true, .natd = { .f = true, .refresh = 110 },
	};
	struct wire_mh m;
	uint8_t buf[64];
	int n;

	cr_assert_eq(wire_mh_parse(vec_ba, sizeof(vec_ba), &ha, &hoa, WIRE_MH_F_STRICT_ALIGN, &m),
		     WIRE_E_OK);
	cr_assert_eq(m.type, WIRE_MH_BA);
	cr_assert_eq(m.ba.status, 0);
	cr_assert_eq(m.ba.flags, WIRE_BA_K);
	cr_assert_eq(m.ba.seq, 7);
	cr_assert_eq(m.ba.lifetime, 100);
	cr_assert_eq(m.opts.n_v4ack, 1);
	cr_assert_eq(m.opts.v4ack[0].status, 0);
	cr_assert_eq(m.opts.v4ack[0].plen, 24);
	cr_assert_eq(m.opts.v4ack[0].addr, v4("203.0.113.7"));
	cr_assert(m.opts.natd.f);
	cr_assert_eq(m.opts.natd.refresh, 110);
	a.v4ack[0].addr = v4("203.0.113.7");
	n = wire_mh_ba_build(buf, sizeof(buf), &a, &ha, &hoa);
	cr_assert_eq(n, (int)sizeof(vec_ba));
	cr_assert_arr_eq(buf, vec_ba, sizeof(vec_ba));
}

Test(wire_mh, golden_rejected_ba_checksum)
{
	struct wire_ba_args a = {
		.status = WIRE_BA_INVALID_COA, .seq = 7, .lifetime = 0,
		.n_v4ack = 1, .v4ack = { { .status = WIRE_V4ACK_NO_DYNAMIC } },
		.has_natd = true, .natd = { .f = false, .refresh = WIRE_NATD_NO_REFRESH },
	};
	uint8_t buf[64];
	struct wire_mh m;
	int n = wire_mh_ba_build(buf, sizeof(buf), &a, &ha, &hoa);

	cr_assert_eq(n, 32);
	cr_assert_eq(buf[4] << 8 | buf[5], VEC_BA_REJECT_CSUM, "checksum %02x%02x", buf[4], buf[5]);
	cr_assert_eq(wire_mh_parse(buf, n, &ha, &hoa, WIRE_MH_F_STRICT_ALIGN, &m), WIRE_E_OK);
	cr_assert_eq(m.ba.status, 174);
	cr_assert_eq(m.opts.v4ack[0].status, 132);
	cr_assert_eq(m.opts.natd.refresh, 0xffffffffu);
}

Test(wire_mh, ba_with_every_option_is_aligned_and_padded)
{
	struct wire_ba_args a = {
		.status = 0, .flags = WIRE_BA_K | WIRE_BA_R | WIRE_BA_T, .seq = 65535,
		.lifetime = 65535, .n_v4ack = 2, .v4ack = { { 0, 32, 0 }, { 0, 28, 0 } },
		.has_natd = true, .natd = { false, 110 }, .has_bra = true, .bra = 1000,
	};
	uint8_t buf[64];
	struct wire_mh m;
	int n = wire_mh_ba_build(buf, sizeof(buf), &a, &ha, &hoa);

	cr_assert_eq(n % 8, 0);
	cr_assert_eq(n, 40);                   /* 12 + 2 * 8 + 8 + 4: no padding needed */
	cr_assert_eq(buf[1], n / 8 - 1);
	cr_assert_eq(wire_mh_parse(buf, n, &ha, &hoa, WIRE_MH_F_STRICT_ALIGN, &m), WIRE_E_OK);
	cr_assert_eq(m.ba.flags, 0xd0);
	cr_assert_eq(m.opts.n_v4ack, 2);
	cr_assert_eq(m.opts.v4ack[1].plen, 28);
	cr_assert_eq(m.opts.bra, 1000);
	cr_assert_eq(m.ba.seq, 65535);
}

Test(wire_mh, bare_ba_is_padded_to_16)
{
	struct wire_ba_args a = { .status = WIRE_BA_SEQ_OUT_OF_WINDOW, .seq = 41 };
	uint8_t buf[64];
	struct wire_mh m;
	int n = wire_mh_ba_build(buf, sizeof(buf), &a, &ha, &hoa);

	cr_assert_eq(n, 16);
	cr_assert_eq(buf[1], 1);
	cr_assert_eq(buf[12], WIRE_MHOPT_PADN);
	cr_assert_eq(buf[13], 2);
	cr_assert_eq(wire_mh_parse(buf, n, &ha, &hoa, 0, &m), WIRE_E_OK);
	cr_assert_eq(m.ba.status, 135);
	cr_assert_eq(m.opts.present, 0);
}

Test(wire_mh, bu_with_altcoa_mnp_and_v4_options_is_strictly_aligned)
{
	struct wire_bu_args a = {
		.seq = 1, .flags = WIRE_BU_A | WIRE_BU_H | WIRE_BU_R | WIRE_BU_T, .lifetime = 900,
		.has_altcoa = true, .n_mnp = 2, .n_v4hoa = 2, .has_v4coa = true,
	};
	uint8_t buf[256];
	struct wire_mh m;
	int n;

	inet_pton(AF_INET6, "2001:db8:b::5", &a.altcoa);
	a.mnp[0].plen = 48;
	inet_pton(AF_INET6, "2001:db8:100::", &a.mnp[0].prefix);
	a.mnp[1].plen = 56;
	inet_pton(AF_INET6, "2001:db8:200::", &a.mnp[1].prefix);
	a.v4hoa[0] = (struct wire_v4hoa){ 32, false, v4("192.0.2.100") };
	a.v4hoa[1] = (struct wire_v4hoa){ 28, true, 0 };
	a.v4coa = v4("100.64.0.7");
	n = wire_mh_bu_build(buf, sizeof(buf), &a, &hoa, &ha);
	cr_assert_gt(n, 0);
	cr_assert_eq(n % 8, 0);
	cr_assert_eq(buf[14], WIRE_MHOPT_ALTCOA);  /* 8n+6 */
	cr_assert_eq(wire_mh_parse(buf, n, &hoa, &ha, WIRE_MH_F_STRICT_ALIGN, &m), WIRE_E_OK);
	cr_assert_eq(m.bu.flags, 0xc480);
	cr_assert_eq(memcmp(&m.opts.altcoa, &a.altcoa, 16), 0);
	cr_assert_eq(m.opts.n_mnp, 2);
	cr_assert_eq(m.opts.mnp[1].plen, 56);
	cr_assert_eq(memcmp(&m.opts.mnp[1].prefix, &a.mnp[1].prefix, 16), 0);
	cr_assert_eq(m.opts.n_v4hoa, 2);
	cr_assert_eq(m.opts.v4hoa[0].addr, v4("192.0.2.100"));
	cr_assert_not(m.opts.v4hoa[0].p);
	cr_assert_eq(m.opts.v4hoa[1].plen, 28);
	cr_assert(m.opts.v4hoa[1].p);
	cr_assert_eq(m.opts.v4coa, v4("100.64.0.7"));
}

Test(wire_mh, binding_error_and_brr)
{
	uint8_t buf[64];
	struct wire_mh m;
	int n = wire_mh_be_build(buf, sizeof(buf), WIRE_BE_UNKNOWN_MH_TYPE, &hoa, &ha, &hoa);

	cr_assert_eq(n, 24);
	cr_assert_eq(buf[1], 2);
	cr_assert_eq(wire_mh_parse(buf, n, &ha, &hoa, WIRE_MH_F_STRICT_ALIGN, &m), WIRE_E_OK);
	cr_assert_eq(m.type, WIRE_MH_BE);
	cr_assert_eq(m.be.status, 2);
	cr_assert_eq(memcmp(&m.be.hoa, &hoa, 16), 0);
	n = wire_mh_be_build(buf, sizeof(buf), WIRE_BE_UNKNOWN_BINDING, NULL, &ha, &hoa);
	cr_assert_eq(wire_mh_parse(buf, n, &ha, &hoa, 0, &m), WIRE_E_OK);
	cr_assert(IN6_IS_ADDR_UNSPECIFIED(&m.be.hoa));
	n = wire_mh_brr_build(buf, sizeof(buf), &ha, &hoa);
	cr_assert_eq(n, 8);
	cr_assert_eq(wire_mh_parse(buf, n, &ha, &hoa, 0, &m), WIRE_E_OK);
	cr_assert_eq(m.type, WIRE_MH_BRR);
}

Test(wire_mh, builders_refuse_short_buffers)
{
	struct wire_ba_args a = { .n_v4ack = 1, .has_natd = true };
	uint8_t buf[64];

	cr_assert_eq(wire_mh_ba_build(buf, 31, &a, &ha, &hoa), -WIRE_E_NOSPACE);
	cr_assert_eq(wire_mh_ba_build(buf, 11, &a, &ha, &hoa), -WIRE_E_NOSPACE);
	cr_assert_eq(wire_mh_ba_build(buf, 32, &a, &ha, &hoa), 32);
	cr_assert_eq(wire_mh_be_build(buf, 23, 1, NULL, &ha, &hoa), -WIRE_E_NOSPACE);
}

Test(wire_mh, unknown_options_are_skipped)
{
	/* BU, then unknown option 99 (4 data bytes), PadN(2) */
	static const uint8_t mh[] = { 0x3b, 1, 5, 0, 0, 0, 0, 7, 0xc0, 0, 0, 10,
				      99, 2, 0xaa, 0xbb };
	struct wire_mh m;

	cr_assert_eq(wire_mh_parse(mh, sizeof(mh), NULL, NULL, 0, &m), WIRE_E_OK);
	cr_assert_eq(m.opts.n_unknown, 1);
	cr_assert_eq(m.opts.present, 0);
}

Test(wire_mh, unknown_type_reports_type_for_binding_error)
{
	static const uint8_t mh[] = { 0x3b, 0, 42, 0, 0, 0, 0, 0 };
	struct wire_mh m;

	cr_assert_eq(wire_mh_parse(mh, sizeof(mh), NULL, NULL, 0, &m), WIRE_E_UNKNOWN_MH_TYPE);
	cr_assert_eq(m.type, 42);
}

Test(wire_mh, binding_revocation_parses_both_kinds_and_switch_stays_unknown)
{
	struct in6_addr ha6;
	struct wire_bri_args a = { .trigger = WIRE_BR_TRIGGER_ADMIN, .flags = WIRE_BR_G,
				   .seq = 0xbeef };
	uint8_t mh[64];
	struct wire_mh m;
	int n;

	inet_pton(AF_INET6, "2001:db8:1::1", &ha6);
	n = wire_mh_bri_build(mh, sizeof(mh), &a, &ha6, &hoa);
	cr_assert_eq(n, 16);
	cr_assert_eq(wire_mh_parse(mh, (size_t)n, &ha6, &hoa, WIRE_MH_F_STRICT_ALIGN, &m),
		     WIRE_E_OK);
	cr_assert_eq(m.type, WIRE_MH_BR);
	cr_assert_eq(m.br.type, WIRE_BR_INDICATION);
	cr_assert_eq(m.br.code, WIRE_BR_TRIGGER_ADMIN);
	cr_assert_eq(m.br.seq, 0xbeef);
	cr_assert_eq(m.br.flags, WIRE_BR_G);
	n = wire_mh_bra_build(mh, sizeof(mh), WIRE_BRA_NO_BINDING, 7, 0, &hoa, &ha6);
	cr_assert_eq(wire_mh_parse(mh, (size_t)n, &hoa, &ha6, WIRE_MH_F_STRICT_ALIGN, &m),
		     WIRE_E_OK);
	cr_assert_eq(m.br.type, WIRE_BR_ACK);
	cr_assert_eq(m.br.code, WIRE_BRA_NO_BINDING);
	cr_assert_eq(m.br.seq, 7);
	/* too short for its fixed part: Header Len 0 */
	mh[1] = 0;
	cr_assert_eq(wire_mh_parse(mh, 8, NULL, NULL, 0, &m), WIRE_E_SHORT_FOR_TYPE);
	/* between BE and BR only gaps: 8-15 other than 16 are unknown (BE status 2) */
	for (uint8_t t = 8; t < WIRE_MH_BR; t++) {
		uint8_t u[8] = { 0x3b, 0, t, 0, 0, 0, 0, 0 };

		cr_assert_eq(wire_mh_parse(u, sizeof(u), NULL, NULL, 0, &m), WIRE_E_UNKNOWN_MH_TYPE,
			     "type %u", t);
	}
}

Test(wire_mh, any_payload_travels_in_every_carriage_as_a_ba_would)
{
	static const uint8_t icmp[16] = { 147, 0, 0x12, 0x34, 0, 7, 0, 0, 3, 4 };
	struct wire_mh_carriage c;
	uint8_t pkt[256];
	int n;

	/* IPv6-in-IPv6: the inner IPv6 header says ICMPv6, both lengths fit */
	memset(&c, 0, sizeof(c));
	inet_pton(AF_INET6, "2001:db8:1::1", &c.src6);
	c.dst6 = hoa;
	c.tun6 = true;
	inet_pton(AF_INET6, "2001:db8:b::5", &c.outer_dst6);
	n = wire_carriage_pkt_build(pkt, sizeof(pkt), &c, icmp, sizeof(icmp), WIRE_PROTO_ICMPV6);
	cr_assert_eq(n, 40 + 40 + 16);
	cr_assert_eq(pkt[6], WIRE_PROTO_IPV6);
	cr_assert_eq(wire_rd16(pkt + 4), 56);
	cr_assert_eq(pkt[40 + 6], WIRE_PROTO_ICMPV6);
	cr_assert_eq(wire_rd16(pkt + 40 + 4), 16);
	cr_assert_eq(memcmp(pkt + 80, icmp, sizeof(icmp)), 0, "the payload as given");
	/* an RH2: its Next Header says ICMPv6 */
	c.tun6 = false;
	c.rh2 = true;
	c.hoa = hoa;
	c.dst6 = c.outer_dst6;
	n = wire_carriage_pkt_build(pkt, sizeof(pkt), &c, icmp, sizeof(icmp), WIRE_PROTO_ICMPV6);
	cr_assert_eq(n, 40 + 24 + 16);
	cr_assert_eq(pkt[6], WIRE_PROTO_ROUTING);
	cr_assert_eq(pkt[40], WIRE_PROTO_ICMPV6);
	/* IPv4/UDP 4191: a valid UDP checksum over the whole */
	memset(&c, 0, sizeof(c));
	inet_pton(AF_INET6, "2001:db8:1::1", &c.src6);
	c.dst6 = hoa;
	c.udp4 = true;
	inet_pton(AF_INET, "198.51.100.1", &c.src4);
	inet_pton(AF_INET, "203.0.113.9", &c.dst4);
	c.sport = 4191;
	c.dport = 20001;
	n = wire_carriage_pkt_build(pkt, sizeof(pkt), &c, icmp, sizeof(icmp), WIRE_PROTO_ICMPV6);
	cr_assert_eq(n, 20 + 8 + 40 + 16);
	cr_assert_eq(pkt[28 + 6], WIRE_PROTO_ICMPV6);
	cr_assert_eq(wire_ip4_l4_csum(c.src4, c.dst4, WIRE_PROTO_UDP, pkt + 20, (size_t)n - 20), 0);
	cr_assert_eq(wire_carriage_pkt_build(pkt, 80, &c, icmp, sizeof(icmp), WIRE_PROTO_ICMPV6),
		     -WIRE_E_NOSPACE, "too small a buffer");
}

Test(wire_mh, checksum_is_verified_with_the_right_pseudo_header)
{
	struct in6_addr other = hoa;
	uint8_t bad[sizeof(vec_bu)];
	struct wire_mh m;

	/* The pseudo-header sum is symmetric in source and destination. */
	cr_assert_eq(wire_mh_parse(vec_bu, sizeof(vec_bu), &ha, &hoa, 0, &m), WIRE_E_OK);
	other.s6_addr[15] = 0x01;
	other.s6_addr[14] = 0x02;
	cr_assert_eq(wire_mh_parse(vec_bu, sizeof(vec_bu), &other, &ha, 0, &m), WIRE_E_BAD_CSUM);
	memcpy(bad, vec_bu, sizeof(bad));
	bad[5] ^= 1;
	cr_assert_eq(wire_mh_parse(bad, sizeof(bad), &hoa, &ha, 0, &m), WIRE_E_BAD_CSUM);
	/* A flipped option byte is caught by the checksum before the options are read. */
	memcpy(bad, vec_bu, sizeof(bad));
	bad[13] = 5;
	cr_assert_eq(wire_mh_parse(bad, sizeof(bad), &hoa, &ha, 0, &m), WIRE_E_BAD_CSUM);
}

/* ----------------------------------------------------------------------- malformed table */

struct bad_mh {
	char name[40];
	uint8_t b[256];
	uint16_t len;
	uint8_t err;
	uint8_t flags;
};

#define BU_HDR(hl) 0x3b, hl, 0x05, 0x00, 0x00, 0x00, 0x00, 0x07, 0xd1, 0x00, 0x00, 0x64
#define BA_HDR(hl) 0x3b, hl, 0x06, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x07, 0x00, 0x64
#define ADDR16 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
#define MNP(l) 0x06, 0x12, 0x00, l, ADDR16
#define BYTES(...) { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })
#define CASE(n, e, ...) { n, BYTES(__VA_ARGS__), WIRE_E_ ## e, 0 }
#define CASE_F(n, e, f, ...) { n, BYTES(__VA_ARGS__), WIRE_E_ ## e, f }
/* The golden BU cut after n bytes. */
#define GOLDEN_BU 0x3b, 0x03, 0x05, 0x00, 0xc7, 0x60, 0x00, 0x07, 0xd1, 0x00, 0x00, 0x64, 0x1d, \
	0x06, 0x82, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x06, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x05, \
	0x01, 0x02, 0x00, 0x00
#define CUT(n) { "bu_cut_at_" #n, { GOLDEN_BU }, n, WIRE_E_TRUNCATED, 0 }

static struct bad_mh bad_cases[] = {
	/* truncation at every header and option boundary of the golden BU */
	CUT(0), CUT(1), CUT(2), CUT(5), CUT(6), CUT(7), CUT(8), CUT(10), CUT(11), CUT(12),
	CUT(13), CUT(14), CUT(19), CUT(20), CUT(21), CUT(27), CUT(28), CUT(29), CUT(31),
	/* lengths off by one */
	CASE("hdrlen_short_by_one", BAD_LENGTH, 0x3b, 0x02, 0x05, 0x00, 0, 0, 0, 7, 0xd1, 0, 0,
	     0x64, 0x1d, 0x06, 0x82, 0, 0, 0, 0, 0, 0x20, 0x06, 0, 0, 10, 0, 0, 5, 1, 2, 0, 0),
	CASE("hdrlen_long_by_one", TRUNCATED, 0x3b, 0x04, 0x05, 0x00, 0, 0, 0, 7, 0xd1, 0, 0,
	     0x64, 0x1d, 0x06, 0x82, 0, 0, 0, 0, 0, 0x20, 0x06, 0, 0, 10, 0, 0, 5, 1, 2, 0, 0),
	CASE("trailing_byte", BAD_LENGTH, GOLDEN_BU, 0x00),
	/* header fields */
	CASE("payload_proto_58", BAD_PROTO, 0x3a, 1, 5, 0, 0, 0, 0, 7, 0xd1, 0, 0, 0x64, 1, 2, 0, 0),
	CASE("type_8_unknown", UNKNOWN_MH_TYPE, 0x3b, 0, 8, 0, 0, 0, 0, 0),
	CASE("type_255_unknown", UNKNOWN_MH_TYPE, 0x3b, 1, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	     0),
	CASE("bu_hdrlen_0", SHORT_FOR_TYPE, 0x3b, 0, 5, 0, 0, 0, 0, 7),
	CASE("ba_hdrlen_0", SHORT_FOR_TYPE, 0x3b, 0, 6, 0, 0, 0, 0, 0),
	CASE("be_hdrlen_1", SHORT_FOR_TYPE, 0x3b, 1, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
	CASE("hot_hdrlen_1", SHORT_FOR_TYPE, 0x3b, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
	/* option overruns */
	CASE("v4coa_len_overruns", OPT_OVERRUN, BU_HDR(2), 0x20, 0x0b, 0, 0, 10, 0, 0, 5, 1, 2,
	     0, 0),
	CASE("type_byte_without_length", OPT_OVERRUN, BU_HDR(1), 0x01, 0x01, 0x00, 0x1d),
	CASE("padn_overruns", OPT_OVERRUN, BU_HDR(1), 0x01, 0x03, 0, 0),
	CASE("altcoa_overruns", OPT_OVERRUN, BU_HDR(2), 0x01, 0x00, 0x03, 0x10, 0x20, 1, 13, 0xb8,
	     0, 0, 0, 0),
	/* padding runs */
	CASE("zero_length_padn_run", PAD_RUN, BU_HDR(2), 0x01, 0x00, 0x01, 0x00, 0x01, 0x00,
	     0x01, 0x00, 0x01, 0x00, 0x01, 0x00),
	CASE("pad1_run_of_8", PAD_RUN, BU_HDR(2), 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0),
	CASE("padn_of_8", PAD_RUN, BU_HDR(2), 0x01, 0x06, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0),
	CASE("pad1_then_padn_8", PAD_RUN, BU_HDR(2), 0x00, 0x01, 0x05, 0, 0, 0, 0, 0, 1, 2, 0, 0),
	/* bad lengths of known options */
	CASE("v4hoa_len_5", OPT_BAD_LEN, BU_HDR(2), 0x1d, 0x05, 0x80, 0, 0, 0, 0, 1, 2, 0, 0, 0),
	CASE("v4coa_len_7", OPT_BAD_LEN, BU_HDR(2), 0x20, 0x07, 0, 0, 10, 0, 0, 5, 0, 0, 0, 0),
	CASE("bra_len_3", OPT_BAD_LEN, BA_HDR(2), 0x02, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
	CASE("nonce_len_2", OPT_BAD_LEN, BU_HDR(1), 0x04, 0x02, 0, 0),
	CASE("altcoa_len_15", OPT_BAD_LEN, BU_HDR(3), 0x01, 0x00, 0x03, 0x0f, 0x20, 1, 13, 0xb8,
	     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
	CASE("mnp_len_17", OPT_BAD_LEN, BU_HDR(4), 0x01, 0x02, 0, 0, 0x06, 0x11, 0, 48, 0x20, 1,
	     13, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
	CASE("natd_len_8", OPT_BAD_LEN, BA_HDR(2), 0x1f, 0x08, 0x80, 0, 0, 0, 0, 0x6e, 0, 0, 0, 0),
	CASE("v4ack_len_4", OPT_BAD_LEN, BA_HDR(2), 0x1e, 0x04, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0),
	CASE("auth_len_0", OPT_BAD_LEN, BU_HDR(1), 0x01, 0x00, 0x05, 0x00),
	/* duplicates and counts */
	CASE("duplicate_v4coa", OPT_DUPLICATE, BU_HDR(3), 0x20, 0x06, 0, 0, 10, 0, 0, 5, 0x20,
	     0x06, 0, 0, 10, 0, 0, 6, 1, 2, 0, 0),
	CASE("duplicate_natd", OPT_DUPLICATE, BA_HDR(3), 0x1f, 0x06, 0, 0, 0, 0, 0, 0x6e, 0x1f,
	     0x06, 0, 0, 0, 0, 0, 0x6e, 1, 2, 0, 0),
	CASE("three_v4ack", OPT_TOO_MANY, BA_HDR(4), 0x1e, 0x06, 0, 0x80, 0, 0, 0, 0, 0x1e,
	     0x06, 0, 0x80, 0, 0, 0, 0, 0x1e, 0x06, 0, 0x80, 0, 0, 0, 0, 1, 2, 0, 0),
	CASE("duplicate_bra", OPT_DUPLICATE, BA_HDR(2), 0x02, 0x02, 0, 1, 0x02, 0x02, 0, 2, 1, 2,
	     0, 0),
	CASE("three_v4hoa", OPT_TOO_MANY, BU_HDR(4), 0x1d, 0x06, 0x80, 0, 0, 0, 0, 0, 0x1d, 0x06,
	     0x80, 0, 0, 0, 0, 0, 0x1d, 0x06, 0x80, 0, 0, 0, 0, 0, 1, 2, 0, 0),
	CASE("nine_mnps", OPT_TOO_MANY, BU_HDR(28), 0x01, 0x02, 0, 0, MNP(48), 0x01, 0x02, 0, 0,
	     MNP(48), 0x01, 0x02, 0, 0, MNP(48), 0x01, 0x02, 0, 0, MNP(48), 0x01, 0x02, 0, 0,
	     MNP(48), 0x01, 0x02, 0, 0, MNP(48), 0x01, 0x02, 0, 0, MNP(48), 0x01, 0x02, 0, 0,
	     MNP(48), 0x01, 0x02, 0, 0, MNP(48), 0x01, 0x02, 0, 0),
	/* Binding Authorization Data must be last, with no padding after it */
	CASE("auth_then_padn", OPT_AUTH_NOT_LAST, BU_HDR(1), 0x05, 0x00 + 1, 0xaa, 0x01),
	CASE("auth_then_pad1", OPT_AUTH_NOT_LAST, BU_HDR(1), 0x05, 0x01, 0xaa, 0x00),
	/* alignment, only in strict mode */
	CASE_F("v4hoa_at_4n_plus_2_strict", OPT_ALIGN, WIRE_MH_F_STRICT_ALIGN, BU_HDR(2), 0x01,
	       0x00, 0x1d, 0x06, 0x80, 0, 0, 0, 0, 0, 1, 0),
	CASE_F("altcoa_at_8n_strict", OPT_ALIGN, WIRE_MH_F_STRICT_ALIGN, BU_HDR(4), 0x01, 0x02,
	       0, 0, 0x03, 0x10, ADDR16, 0x01, 0x04, 0, 0, 0, 0),
	CASE_F("v4hoa_at_4n_plus_2_lenient", OK, 0, BU_HDR(2), 0x01, 0x00, 0x1d, 0x06, 0x80, 0,
	       0, 0, 0, 0, 1, 0),
};

ParameterizedTestParameters(wire_mh, rejects_malformed)
{
	return cr_make_param_array(struct bad_mh, bad_cases,
				   sizeof(bad_cases) / sizeof(bad_cases[0]));
}

ParameterizedTest(struct bad_mh *c, wire_mh, rejects_malformed)
{
	struct wire_mh m;
	enum wire_err e = wire_mh_parse(c->b, c->len, NULL, NULL, c->flags, &m);

	cr_assert_eq(e, c->err, "%s: got %s, want %s", c->name, wire_strerror(e),
		     wire_strerror(c->err));
}

/* Every rule by which the parser refuses a Mobility Header is what some malformed input of
 * the table runs into: a rule no input reaches is a rule nothing tests. */
Test(wire_mh, every_refusal_rule_is_reached)
{
	static const uint8_t rules[] = {
		WIRE_E_TRUNCATED, WIRE_E_BAD_LENGTH, WIRE_E_BAD_PROTO,
		WIRE_E_SHORT_FOR_TYPE, WIRE_E_UNKNOWN_MH_TYPE, WIRE_E_OPT_OVERRUN,
		WIRE_E_OPT_BAD_LEN, WIRE_E_OPT_DUPLICATE, WIRE_E_OPT_ALIGN, WIRE_E_OPT_TOO_MANY,
		WIRE_E_OPT_AUTH_NOT_LAST, WIRE_E_PAD_RUN,
	};
	unsigned int seen[WIRE_E_MAX] = { 0 }, i;
	struct wire_mh m;

	/* (the checksum rule has its own test: the table is parsed without addresses) */
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		seen[wire_mh_parse(bad_cases[i].b, bad_cases[i].len, NULL, NULL, bad_cases[i].flags,
				   &m)]++;
	for (i = 0; i < sizeof(rules); i++)
		cr_expect_gt(seen[rules[i]], 0, "no malformed input reaches \"%s\"",
			     wire_strerror((enum wire_err)rules[i]));
}
