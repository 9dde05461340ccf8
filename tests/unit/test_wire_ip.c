/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4/IPv6 validation, the extension-header walk, tunnel views and the frame parser. */
#include <arpa/inet.h>
#include <string.h>

#include <criterion/criterion.h>

#include "t_addr.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_mh.h"
#include "wire_pkt.h"
#include "wire_tun.h"

/* ------------------------------------------------------------------ checksums */

Test(wire_csum, rfc1071_example_and_incremental_update)
{
	/* RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2. */
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t hdr[20];
	uint16_t c, c2;

	cr_assert_eq(wire_csum_fold(wire_csum_add(0, b, sizeof(b))), (uint16_t)~0xddf2);
	wire_ip4_hdr_build(hdr, a4("192.0.2.1"), a4("198.51.100.7"), 17, 100, 64, 0, true);
	cr_assert_eq(wire_csum_ip4(hdr, 20), 0);
	/* Decrement the TTL and patch the checksum incrementally (RFC 1624). */
	c = wire_rd16(hdr + 10);
	hdr[8] = 63;
	c2 = wire_csum_update16(c, 64 << 8 | 17, 63 << 8 | 17);
	wire_wr16(hdr + 10, c2);
	cr_assert_eq(wire_csum_ip4(hdr, 20), 0);
	/* Odd length pads with zero. */
	cr_assert_eq(wire_csum_add(0, b, 3), 0x0001 + 0xf200);
}

/* The definition: big-endian 16-bit words, one at a time (RFC 1071 §1), odd byte padded. */
static uint16_t
ref_csum(uint32_t sum, const uint8_t *b, size_t len)
{
	uint64_t s = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (len % 2)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * wire_csum_add sums words in the machine's byte order and swaps once: the same checksum as
 * the definition for every length 0..300, any start alignment, any running sum, data that
 * carries a lot (all 0xff) and none (all zero: the checksum of nothing stays 0xffff).
 */
Test(wire_csum, word_sums_equal_the_definition)
{
	static uint8_t buf[320];
	static const uint32_t sums[] = { 0, 1, 0xffff, 0x1fffe, 0xfffffff0u, 0xffffffffu };
	uint32_t x = 0x2545f491u;
	size_t len, off, k, i;

	for (k = 0; k < 4; k++) {
		for (i = 0; i < sizeof(buf); i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = k == 0 ? (uint8_t)(x >> 16) : k == 1 ? 0xff : k == 2 ? 0 : (uint8_t)i;
		}
		for (len = 0; len <= 300; len++)
			for (off = 0; off < 4; off++)
				for (i = 0; i < sizeof(sums) / sizeof(sums[0]); i++)
					cr_assert_eq(wire_csum_fold(wire_csum_add(sums[i], buf + off,
										  len)),
						     ref_csum(sums[i], buf + off, len),
						     "pattern %zu, length %zu at +%zu, sum %#x", k,
						     len, off, sums[i]);
	}
}

/* ------------------------------------------------------------------ IPv4 */

Test(wire_ip4, valid_header_and_fields)
{
	uint8_t p[60];
	struct wire_ip4_info i;

	wire_ip4_hdr_build(p, a4("203.0.113.5"), a4("198.51.100.1"), 17, 60, 31, 7, true);
	cr_assert_eq(wire_ip4_parse(p, sizeof(p), true, &i), WIRE_E_OK);
	cr_assert_eq(i.hlen, 20);
	cr_assert_eq(i.tot_len, 60);
	cr_assert_eq(i.proto, 17);
	cr_assert_eq(i.ttl, 31);
	cr_assert(i.df);
	cr_assert_not(i.frag);
	cr_assert_eq(i.src, a4("203.0.113.5"));
}

Test(wire_ip4, malformed_headers)
{
	uint8_t p[60];
	struct wire_ip4_info i;

	wire_ip4_hdr_build(p, a4("203.0.113.5"), a4("198.51.100.1"), 17, 60, 31, 7, false);
	cr_assert_eq(wire_ip4_parse(p, 19, true, &i), WIRE_E_TRUNCATED);
	cr_assert_eq(wire_ip4_parse(p, 59, true, &i), WIRE_E_TRUNCATED);   /* tot_len 60 */
	p[0] = 0x65;
	cr_assert_eq(wire_ip4_parse(p, 60, false, &i), WIRE_E_BAD_VERSION);
	p[0] = 0x44;
	cr_assert_eq(wire_ip4_parse(p, 60, false, &i), WIRE_E_BAD_IHL);
	p[0] = 0x4f;                                                        /* 60-byte header */
	cr_assert_eq(wire_ip4_parse(p, 40, false, &i), WIRE_E_TRUNCATED);
	p[0] = 0x45;
	wire_wr16(p + 2, 19);
	cr_assert_eq(wire_ip4_parse(p, 60, false, &i), WIRE_E_BAD_LENGTH);
	wire_wr16(p + 2, 60);
	cr_assert_eq(wire_ip4_parse(p, 60, true, &i), WIRE_E_OK);         /* restored */
	p[8] = 30;
	cr_assert_eq(wire_ip4_parse(p, 60, true, &i), WIRE_E_BAD_CSUM);
}

Test(wire_ip4, fragments_are_reported)
{
	uint8_t p[40];
	struct wire_ip4_info i;

	wire_ip4_hdr_build(p, a4("203.0.113.5"), a4("198.51.100.1"), 17, 40, 64, 1, false);
	wire_wr16(p + 6, 0x2000);          /* MF */
	cr_assert_eq(wire_ip4_parse(p, 40, false, &i), WIRE_E_OK);
	cr_assert(i.frag);
	cr_assert_eq(i.frag_offset, 0);
	wire_wr16(p + 6, 0x00b9);          /* last fragment, offset 185 */
	cr_assert_eq(wire_ip4_parse(p, 40, false, &i), WIRE_E_OK);
	cr_assert(i.frag);
	cr_assert_eq(i.frag_offset, 185);
}

/* ------------------------------------------------------------------ IPv6 walk */

Test(wire_ip6, bu_with_hao_is_walked_to_the_mh)
{
	struct in6_addr coa = a6("2001:db8:b::5"), ha = a6("2001:db8:1::1"),
			hoa = a6("2001:db8:1::100");
	uint8_t p[128];
	struct wire_ip6_info i;

	wire_ip6_hdr_build(p, &coa, &ha, WIRE_PROTO_DSTOPTS, 24 + 16, 64);
	wire_hao_dstopt_build(p + 40, WIRE_PROTO_MH, &hoa);
	memset(p + 64, 0, 16);
	cr_assert_eq(wire_ip6_parse(p, 80, &i), WIRE_E_OK);
	cr_assert(i.has_hao);
	cr_assert_eq(i.hao_off, 48);
	cr_assert_eq(memcmp(p + i.hao_off, &hoa, 16), 0);
	cr_assert_eq(i.l4_proto, WIRE_PROTO_MH);
	cr_assert_eq(i.l4_off, 64);
	cr_assert_eq(i.n_ext, 1);
}

/* Only the packet's destination judges this: the walk stops there and says why, the
 * packet itself is fine for a router (RFC 8200 §4). */
static void
dst_err(const uint8_t *p, size_t len, struct wire_ip6_info *i, enum wire_err e)
{
	cr_assert_eq(wire_ip6_parse(p, len, i), WIRE_E_OK, "a router would drop it");
	cr_assert_eq(i->dst_err, e, "dst_err %u, expected %u", i->dst_err, e);
}

Test(wire_ip6, ba_with_rh2)
{
	struct in6_addr coa = a6("2001:db8:b::5"), ha = a6("2001:db8:1::1"),
			hoa = a6("2001:db8:1::100");
	uint8_t p[128];
	struct wire_ip6_info i;

	wire_ip6_hdr_build(p, &ha, &coa, WIRE_PROTO_ROUTING, 24 + 16, 64);
	wire_rh2_build(p + 40, WIRE_PROTO_MH, &hoa);
	cr_assert_eq(wire_ip6_parse(p, 80, &i), WIRE_E_OK);
	cr_assert(i.has_rh2);
	cr_assert_eq(memcmp(p + i.rh2_off, &hoa, 16), 0);
	p[43] = 0;                         /* segments left 0 */
	dst_err(p, 80, &i, WIRE_E_BAD_RH2);
	p[43] = 1;
	p[41] = 4;                         /* two addresses */
	dst_err(p, 80, &i, WIRE_E_BAD_RH2);
	wire_wr16(p + 4, 24);              /* header longer than the payload */
	cr_assert_eq(wire_ip6_parse(p, 80, &i), WIRE_E_TRUNCATED);
}

Test(wire_ip6, linux_ip6tnl_encapsulation_limit_is_recognised)
{
	/* ip6tnl default: DstOpt { TEL=4, PadN(1) } then the inner IPv6 (RFC 2473 §4.1.1). */
	struct in6_addr s = a6("2001:db8:b::5"), d = a6("2001:db8:a::1");
	uint8_t p[128] = { 0 };
	struct wire_ip6_info i;

	wire_ip6_hdr_build(p, &s, &d, WIRE_PROTO_DSTOPTS, 8 + 40, 64);
	p[40] = WIRE_PROTO_IPV6;
	p[41] = 0;
	p[42] = WIRE_DSTOPT_TEL;
	p[43] = 1;
	p[44] = 4;
	p[45] = WIRE_DSTOPT_PADN;
	p[46] = 1;
	p[47] = 0;
	wire_ip6_hdr_build(p + 48, &s, &d, WIRE_PROTO_NONE, 0, 64);
	cr_assert_eq(wire_ip6_parse(p, 88, &i), WIRE_E_OK);
	cr_assert(i.has_tel);
	cr_assert_eq(i.tel, 4);
	cr_assert_eq(i.l4_proto, WIRE_PROTO_IPV6);
	cr_assert_eq(i.l4_off, 48);
}

Test(wire_ip6, walk_errors)
{
	struct in6_addr s = a6("2001:db8::1"), d = a6("2001:db8::2"), h = a6("2001:db8:1::9");
	uint8_t p[256] = { 0 };
	struct wire_ip6_info i;
	int k;

	wire_ip6_hdr_build(p, &s, &d, WIRE_PROTO_NONE, 0, 64);
	cr_assert_eq(wire_ip6_parse(p, 39, &i), WIRE_E_TRUNCATED);
	cr_assert_eq(wire_ip6_parse(p, 40, &i), WIRE_E_OK);
	p[0] = 0x40;
	cr_assert_eq(wire_ip6_parse(p, 40, &i), WIRE_E_BAD_VERSION);
	/* payload length beyond the buffer */
	wire_ip6_hdr_build(p, &s, &d, WIRE_PROTO_UDP, 100, 64);
	cr_assert_eq(wire_ip6_parse(p, 120, &i), WIRE_E_TRUNCATED);
	/* jumbogram */
	wire_ip6_hdr_build(p, &s, &d, WIRE_PROTO_HOPOPT, 0, 64);
	cr_assert_eq(wire_ip6_parse(p, 120, &i), WIRE_E_JUMBO);
	/* two Home Address options */
	wire_ip6_hdr_build(p, &s, &d, WIRE_PROTO_DSTOPTS, 48, 64);
	wire_hao_dstopt_build(p + 40, WIRE_PROTO_DSTOPTS, &h);
	wire_hao_dstopt_build(p + 64, WIRE_PROTO_NONE, &h);
	dst_err(p, 88, &i, WIRE_E_DUP_HAO);
	/* HAO with the wrong length */
	wire_ip6_hdr_build(p, &s, &d, WIRE_PROTO_DSTOPTS, 24, 64);
	wire_hao_dstopt_build(p + 40, WIRE_PROTO_NONE, &h);
	p[47] = 14;
	dst_err(p, 64, &i, WIRE_E_BAD_HAO);
	/* unknown option with action bits 10: discard + ICMP pointing at it */
	wire_hao_dstopt_build(p + 40, WIRE_PROTO_NONE, &h);
	p[46] = 0x8a;
	dst_err(p, 64, &i, WIRE_E_UNKNOWN_DSTOPT);
	cr_assert_eq(i.err_off, 46);
	cr_assert_eq(i.dst_icmp, WIRE_IP6_PP_SEND);
	cr_assert_eq(i.dst_icmp_code, 2);
	p[46] = 0xca;                      /* action 11: only to a unicast destination */
	dst_err(p, 64, &i, WIRE_E_UNKNOWN_DSTOPT);
	cr_assert_eq(i.dst_icmp, WIRE_IP6_PP_UNLESS_MCAST);
	p[46] = 0x4a;                      /* action 01: silently */
	dst_err(p, 64, &i, WIRE_E_UNKNOWN_DSTOPT);
	cr_assert_eq(i.dst_icmp, WIRE_IP6_PP_NONE);
	p[46] = 0x8a;
	/* unknown option with action bits 00 is skipped */
	p[46] = 0x0a;
	cr_assert_eq(wire_ip6_parse(p, 64, &i), WIRE_E_OK);
	cr_assert_not(i.has_hao);
	/* option overruns its header */
	p[47] = 17;
	dst_err(p, 64, &i, WIRE_E_OPT_OVERRUN);
	/* hop-by-hop after another header */
	wire_ip6_hdr_build(p, &s, &d, WIRE_PROTO_DSTOPTS, 16, 64);
	memset(p + 40, 0, 16);
	p[40] = WIRE_PROTO_HOPOPT;
	dst_err(p, 56, &i, WIRE_E_EXT_ORDER);
	/* routing header type 0 with segments left: the destination refuses it, pointing at
	 * the routing type (RFC 8200 §4.4); a router forwards it */
	wire_ip6_hdr_build(p, &s, &d, WIRE_PROTO_ROUTING, 24, 64);
	memset(p + 40, 0, 24);
	p[40] = WIRE_PROTO_NONE;
	p[41] = 2;
	p[42] = 0;
	p[43] = 1;
	dst_err(p, 64, &i, WIRE_E_RH_UNSUPPORTED);
	cr_assert_eq(i.err_off, 42);
	cr_assert_eq(i.dst_icmp, WIRE_IP6_PP_SEND);
	cr_assert_eq(i.dst_icmp_code, 0);
	p[43] = 0;
	cr_assert_eq(wire_ip6_parse(p, 64, &i), WIRE_E_OK);
	/* a chain of 9 empty destination option headers */
	wire_ip6_hdr_build(p, &s, &d, WIRE_PROTO_DSTOPTS, 9 * 8, 64);
	memset(p + 40, 0, 9 * 8);
	for (k = 0; k < 9; k++) {
		p[40 + 8 * k] = k == 8 ? WIRE_PROTO_NONE : WIRE_PROTO_DSTOPTS;
		p[40 + 8 * k + 2] = WIRE_DSTOPT_PADN;
		p[40 + 8 * k + 3] = 4;
	}
	dst_err(p, 40 + 72, &i, WIRE_E_EXT_CHAIN);
	/* extension header truncated by the payload length */
	wire_ip6_hdr_build(p, &s, &d, WIRE_PROTO_DSTOPTS, 4, 64);
	cr_assert_eq(wire_ip6_parse(p, 64, &i), WIRE_E_TRUNCATED);
}

Test(wire_ip6, fragment_header_stops_the_walk)
{
	struct in6_addr s = a6("2001:db8::1"), d = a6("2001:db8::2");
	uint8_t p[64] = { 0 };
	struct wire_ip6_info i;

	wire_ip6_hdr_build(p, &s, &d, WIRE_PROTO_FRAGMENT, 16, 64);
	p[40] = WIRE_PROTO_UDP;
	wire_wr16(p + 42, (100 << 3) | 1);  /* offset 100, M */
	cr_assert_eq(wire_ip6_parse(p, 56, &i), WIRE_E_OK);
	cr_assert(i.has_frag);
	cr_assert_eq(i.frag_offset, 100);
	cr_assert(i.frag_more);
	cr_assert_eq(i.l4_proto, WIRE_PROTO_UDP);
	cr_assert_eq(i.l4_off, 48);
}

/* ------------------------------------------------------------------ tunnels and ESP */

Test(wire_tun, udp4191_vanilla_and_tlv)
{
	uint8_t p[64] = { 0 };
	struct wire_udp4191 u;

	p[0] = 0x45;
	cr_assert_eq(wire_udp4191_parse(p, 20, &u), WIRE_E_OK);
	cr_assert_not(u.tlv);
	cr_assert_eq(u.next, 4);
	p[0] = 0x60;
	cr_assert_eq(wire_udp4191_parse(p, 40, &u), WIRE_E_OK);
	cr_assert_eq(u.next, 41);
	wire_tlv_build(p, 41, 40);
	cr_assert_eq(wire_udp4191_parse(p, 44, &u), WIRE_E_OK);
	cr_assert(u.tlv);
	cr_assert_eq(u.next, 41);
	cr_assert_eq(u.inner_off, 4);
	/* RFC 5845 §7.1: TLV length must match the UDP length */
	cr_assert_eq(wire_udp4191_parse(p, 45, &u), WIRE_E_BAD_TLV);
	cr_assert_eq(wire_udp4191_parse(p, 3, &u), WIRE_E_TRUNCATED);
	p[0] = 0x50;
	cr_assert_eq(wire_udp4191_parse(p, 44, &u), WIRE_E_BAD_VERSION);
	cr_assert_eq(wire_udp4191_parse(p, 0, &u), WIRE_E_TRUNCATED);
}

Test(wire_tun, udp4500_demultiplexing)
{
	uint8_t ka = 0xff, bad = 0xfe;
	uint8_t ike[12] = { 0, 0, 0, 0, 1, 2, 3, 4 }, esp[16] = { 0, 0, 0x10, 0x01, 0, 0, 0, 1 };
	enum wire_natt_kind k;
	struct wire_esp e;

	cr_assert_eq(wire_udp4500_classify(&ka, 1, &k), WIRE_E_OK);
	cr_assert_eq(k, WIRE_NATT_KEEPALIVE_PKT);
	cr_assert_eq(wire_udp4500_classify(&bad, 1, &k), WIRE_E_BAD_LENGTH);
	cr_assert_eq(wire_udp4500_classify(ike, 12, &k), WIRE_E_OK);
	cr_assert_eq(k, WIRE_NATT_IKE);
	cr_assert_eq(wire_udp4500_classify(esp, 16, &k), WIRE_E_OK);
	cr_assert_eq(k, WIRE_NATT_ESP);
	cr_assert_eq(wire_udp4500_classify(esp, 6, &k), WIRE_E_TRUNCATED);
	cr_assert_eq(wire_udp4500_classify(esp, 0, &k), WIRE_E_TRUNCATED);
	cr_assert_eq(wire_esp_parse(esp, 16, &e), WIRE_E_OK);
	cr_assert_eq(e.spi, 0x1001);
	cr_assert_eq(e.seq, 1);
	esp[2] = 0;
	esp[3] = 0xff;
	cr_assert_eq(wire_esp_parse(esp, 16, &e), WIRE_E_BAD_ESP);
	cr_assert_eq(wire_esp_parse(esp, 7, &e), WIRE_E_TRUNCATED);
}

/* ------------------------------------------------------------------ whole frames */

static size_t
eth(uint8_t *f, uint16_t type)
{
	memset(f, 0, 12);
	f[0] = 0x02;
	f[6] = 0x02;
	wire_wr16(f + 12, type);
	return 14;
}

Test(wire_pkt, ipv4_udp4191_ipv6_inner)
{
	uint8_t f[256];
	struct wire_pkt p;
	struct in6_addr h = a6("2001:db8:1::100"), c = a6("2001:db8:1::10");
	size_t o = eth(f, WIRE_ETHERTYPE_IPV4);

	wire_ip4_hdr_build(f + o, a4("203.0.113.9"), a4("198.51.100.1"), 17, 20 + 8 + 40, 60, 0,
			   false);
	wire_udp_hdr_build(f + o + 20, 40000, 4191, 48, 0);
	wire_ip6_hdr_build(f + o + 28, &h, &c, WIRE_PROTO_NONE, 0, 64);
	cr_assert_eq(wire_pkt_parse(f, o + 68 + 6 /* padding */, 0, &p), WIRE_E_OK);
	cr_assert_eq(p.l3, WIRE_L3_IP4);
	cr_assert_eq(p.l4_proto, 17);
	cr_assert_eq(p.sport, 40000);
	cr_assert_eq(p.dport, 4191);
	cr_assert_eq(p.tun, WIRE_TUN_UDP);
	cr_assert_eq(p.inner_proto, 41);
	cr_assert_eq(p.inner_off, 14 + 28);
	cr_assert_eq(p.ip_len, 68);
}

Test(wire_pkt, vlan_ipv6_ipip_and_esp)
{
	uint8_t f[256] = { 0 };
	struct wire_pkt p;
	struct in6_addr s = a6("2001:db8:b::5"), d = a6("2001:db8:a::1");
	size_t o = eth(f, WIRE_ETHERTYPE_VLAN);

	wire_wr16(f + 14, 100);
	wire_wr16(f + 16, WIRE_ETHERTYPE_IPV6);
	o += 4;
	wire_ip6_hdr_build(f + o, &s, &d, WIRE_PROTO_IPIP, 20, 64);
	wire_ip4_hdr_build(f + o + 40, a4("192.0.2.100"), a4("198.51.100.9"), 59, 20, 64, 0, 0);
	cr_assert_eq(wire_pkt_parse(f, o + 60, 0, &p), WIRE_E_OK);
	cr_assert(p.vlan);
	cr_assert_eq(p.vlan_tci, 100);
	cr_assert_eq(p.l3, WIRE_L3_IP6);
	cr_assert_eq(p.tun, WIRE_TUN_IPIP);
	cr_assert_eq(p.inner_proto, 4);
	cr_assert_eq(p.inner_off, 18 + 40);

	wire_ip6_hdr_build(f + o, &s, &d, WIRE_PROTO_ESP, 24, 64);
	memset(f + o + 40, 0, 24);
	wire_wr32(f + o + 40, 0x2002);
	cr_assert_eq(wire_pkt_parse(f, o + 64, 0, &p), WIRE_E_OK);
	cr_assert_eq(p.tun, WIRE_TUN_ESP);
	cr_assert_eq(p.spi, 0x2002);
}

Test(wire_pkt, mh_arp_natt_and_errors)
{
	uint8_t f[256] = { 0 };
	struct wire_pkt p;
	struct in6_addr s = a6("2001:db8:b::5"), d = a6("2001:db8:1::1");
	size_t o = eth(f, WIRE_ETHERTYPE_IPV6);

	wire_ip6_hdr_build(f + o, &s, &d, WIRE_PROTO_MH, 16, 64);
	cr_assert_eq(wire_pkt_parse(f, o + 56, 0, &p), WIRE_E_OK);
	cr_assert_eq(p.l4_proto, WIRE_PROTO_MH);
	cr_assert_eq(p.tun, WIRE_TUN_NONE);
	cr_assert_eq(wire_pkt_parse(f, o + 50, 0, &p), WIRE_E_TRUNCATED);

	o = eth(f, WIRE_ETHERTYPE_ARP);
	cr_assert_eq(wire_pkt_parse(f, o + 28, 0, &p), WIRE_E_OK);
	cr_assert_eq(p.l3, WIRE_L3_ARP);
	cr_assert_eq(wire_pkt_parse(f, o + 27, 0, &p), WIRE_E_TRUNCATED);

	o = eth(f, WIRE_ETHERTYPE_IPV4);
	wire_ip4_hdr_build(f + o, a4("203.0.113.9"), a4("198.51.100.1"), 17, 29, 60, 0, false);
	wire_udp_hdr_build(f + o + 20, 4500, 4500, 9, 0);
	f[o + 28] = 0xff;
	cr_assert_eq(wire_pkt_parse(f, o + 29, 0, &p), WIRE_E_OK);
	cr_assert_eq(p.tun, WIRE_TUN_NATT_KEEPALIVE);
	/* UDP length larger than the IP payload: the destination's to refuse */
	wire_udp_hdr_build(f + o + 20, 4500, 4500, 10, 0);
	cr_assert_eq(wire_pkt_parse(f, o + 29, 0, &p), WIRE_E_OK);
	cr_assert_eq(p.l4_err, WIRE_E_BAD_LENGTH);
	cr_assert_eq(p.tun, WIRE_TUN_NONE);
	/* bad IPv4 checksum, and skipping its check */
	f[o + 10] ^= 0xff;
	cr_assert_eq(wire_pkt_parse(f, o + 29, 0, &p), WIRE_E_BAD_CSUM);
	wire_udp_hdr_build(f + o + 20, 4500, 4500, 9, 0);
	cr_assert_eq(wire_pkt_parse(f, o + 29, WIRE_PKT_F_NO_IP4_CSUM, &p), WIRE_E_OK);
	cr_assert_eq(wire_pkt_parse(f, 13, 0, &p), WIRE_E_TRUNCATED);
}

Test(wire_pkt, built_ba_packets_parse_back)
{
	struct wire_mh_carriage c = { .udp4 = true, .sport = 4191, .dport = 40001 };
	struct wire_ba_args a = { .status = 0, .seq = 9, .lifetime = 100, .has_natd = true,
				  .natd = { false, WIRE_NATD_NO_REFRESH } };
	uint8_t f[256];
	struct wire_pkt p;
	struct wire_mh m;
	size_t o = eth(f, WIRE_ETHERTYPE_IPV4);
	int n;

	c.src6 = a6("2001:db8:1::1");
	c.dst6 = a6("2001:db8:1::100");
	c.src4 = a4("198.51.100.1");
	c.dst4 = a4("203.0.113.9");
	n = wire_ba_pkt_build(f + o, sizeof(f) - o, &c, &a);
	cr_assert_eq(n, 20 + 8 + 40 + 24);
	cr_assert_eq(wire_pkt_parse(f, o + n, 0, &p), WIRE_E_OK);
	cr_assert_eq(p.tun, WIRE_TUN_NONE);   /* sent to port Z, not 4191 */
	cr_assert_eq(p.sport, 4191);
	/* UDP checksum over the IPv4 pseudo-header verifies to zero */
	cr_assert_eq(wire_ip4_l4_csum(c.src4, c.dst4, 17, f + o + 20, n - 20), 0);
	cr_assert_eq(wire_mh_parse(f + o + 68, 24, &c.src6, &c.dst6, WIRE_MH_F_STRICT_ALIGN, &m),
		     WIRE_E_OK);
	cr_assert_eq(m.ba.seq, 9);

	/* IPv6 carriage with an RH2: the checksum uses the HoA */
	c.udp4 = false;
	c.rh2 = true;
	c.hoa = a6("2001:db8:1::100");
	c.dst6 = a6("2001:db8:b::5");
	o = eth(f, WIRE_ETHERTYPE_IPV6);
	n = wire_ba_pkt_build(f + o, sizeof(f) - o, &c, &a);
	cr_assert_eq(n, 40 + 24 + 24);
	cr_assert_eq(wire_pkt_parse(f, o + n, 0, &p), WIRE_E_OK);
	cr_assert(p.ip6.has_rh2);
	cr_assert_eq(p.l4_proto, WIRE_PROTO_MH);
	cr_assert_eq(wire_mh_parse(f + p.l4_off, p.l4_len, &c.src6, &c.hoa, 0, &m), WIRE_E_OK);
	cr_assert_eq(wire_mh_parse(f + p.l4_off, p.l4_len, &c.src6, &c.dst6, 0, &m),
		     WIRE_E_BAD_CSUM);
}

/* A BA that came as IPv6-in-IPv6 is answered the same way (the tunnel mirrored). */
Test(wire_pkt, tunnelled_ba_carriage)
{
	struct wire_mh_carriage c = { .tun6 = true };
	struct wire_ba_args a = { .status = 0, .seq = 3, .lifetime = 100 };
	uint8_t f[256];
	struct wire_pkt p;
	struct wire_mh m;
	size_t o = eth(f, WIRE_ETHERTYPE_IPV6);
	int n;

	c.src6 = a6("2001:db8:1::1");
	c.dst6 = a6("2001:db8:1::100");
	c.outer_dst6 = a6("2001:db8:b::5");
	cr_assert_eq(wire_carriage_hlen(&c), 80);
	n = wire_ba_pkt_build(f + o, sizeof(f) - o, &c, &a);
	cr_assert_eq(n, 40 + 40 + 16);
	cr_assert_eq(wire_pkt_parse(f, o + n, 0, &p), WIRE_E_OK);
	cr_assert_eq(p.tun, WIRE_TUN_IPIP);
	cr_assert_eq(p.inner_proto, WIRE_PROTO_IPV6);
	cr_assert_eq(memcmp(f + o + 24, &c.outer_dst6, 16), 0);
	cr_assert_eq(wire_mh_parse(f + o + 80, 16, &c.src6, &c.dst6, 0, &m), WIRE_E_OK);
	cr_assert_eq(m.ba.seq, 3);
}

/* After ESP replaced the MH, every carriage announces ESP with the right lengths. */
Test(wire_pkt, carriage_resealed_for_esp)
{
	struct wire_ba_args a = { .status = 0, .seq = 9, .lifetime = 100, .has_natd = true,
				  .natd = { false, WIRE_NATD_NO_REFRESH } };
	struct wire_mh_carriage cs[3] = {
		{ .udp4 = true, .sport = 4191, .dport = 40001 },
		{ .rh2 = true },
		{ .tun6 = true },
	};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct wire_mh_carriage *c = &cs[i];
		uint8_t pkt[256];
		uint16_t off = wire_carriage_hlen(c), len;
		int n;

		c->src6 = a6("2001:db8:1::1");
		c->dst6 = a6("2001:db8:1::100");
		c->hoa = c->dst6;
		c->outer_dst6 = a6("2001:db8:b::5");
		c->src4 = a4("198.51.100.1");
		c->dst4 = a4("203.0.113.9");
		n = wire_ba_pkt_build(pkt, sizeof(pkt), c, &a);
		cr_assert_gt(n, off);
		/* an ESP payload of 60 bytes instead of the MH */
		len = (uint16_t)(off + 60);
		memset(pkt + off, 0x77, 60);
		cr_assert_eq(wire_carriage_reseal(pkt, len, off, WIRE_PROTO_ESP), 0, "carriage %u", i);
		if (c->udp4) {
			struct wire_ip4_info i4;

			cr_assert_eq(wire_ip4_parse(pkt, len, true, &i4), WIRE_E_OK);
			cr_assert_eq(i4.tot_len, len);
			cr_assert_eq(wire_rd16(pkt + 24), len - 20);
			cr_assert_eq(wire_ip4_l4_csum(c->src4, c->dst4, 17, pkt + 20, len - 20), 0);
			cr_assert_eq(pkt[28 + 6], WIRE_PROTO_ESP);
			cr_assert_eq(wire_rd16(pkt + 28 + 4), 60);
		} else if (c->rh2) {
			cr_assert_eq(pkt[6], WIRE_PROTO_ROUTING);
			cr_assert_eq(pkt[40], WIRE_PROTO_ESP);
			cr_assert_eq(wire_rd16(pkt + 4), 24 + 60);
		} else {
			cr_assert_eq(wire_rd16(pkt + 4), 40 + 60);
			cr_assert_eq(pkt[40 + 6], WIRE_PROTO_ESP);
			cr_assert_eq(wire_rd16(pkt + 40 + 4), 60);
		}
	}
	/* not a carriage */
	{
		uint8_t junk[80] = { 0x45 };

		cr_assert_eq(wire_carriage_reseal(junk, 80, 48, WIRE_PROTO_ESP), -1);
		cr_assert_eq(wire_carriage_reseal(junk, 40, 48, WIRE_PROTO_ESP), -1);
	}
}
