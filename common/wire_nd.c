/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP, Neighbor Discovery and ICMP(v6) messages (pure). */
#include <string.h>

#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_nd.h"

enum wire_err
wire_arp_parse(const uint8_t *p, size_t len, struct wire_arp *out)
{
	if (len < 28)
		return WIRE_E_TRUNCATED;
	/* hardware Ethernet (1), protocol IPv4, lengths 6 and 4 */
	if (wire_rd16(p) != 1 || wire_rd16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4)
		return WIRE_E_BAD_LENGTH;
	out->op = wire_rd16(p + 6);
	memcpy(out->sha, p + 8, 6);
	memcpy(&out->spa, p + 14, 4);
	memcpy(out->tha, p + 18, 6);
	memcpy(&out->tpa, p + 24, 4);
	return WIRE_E_OK;
}

void
wire_arp_build(uint8_t *p, const struct wire_arp *a)
{
	wire_wr16(p, 1);
	wire_wr16(p + 2, 0x0800);
	p[4] = 6;
	p[5] = 4;
	wire_wr16(p + 6, a->op);
	memcpy(p + 8, a->sha, 6);
	memcpy(p + 14, &a->spa, 4);
	memcpy(p + 18, a->tha, 6);
	memcpy(p + 24, &a->tpa, 4);
}

enum wire_err
wire_nd_parse(const uint8_t *icmp6, size_t len, uint8_t hop_limit, const struct in6_addr *src,
	      const struct in6_addr *dst, struct wire_nd *out)
{
	size_t off = 24;

	memset(out, 0, sizeof(*out));
	if (len < 24)
		return WIRE_E_TRUNCATED;
	out->type = icmp6[0];
	if ((out->type != WIRE_ND_NS && out->type != WIRE_ND_NA) || icmp6[1] != 0)
		return WIRE_E_BAD_PROTO;
	/* RFC 4861 §7.1: only from on-link (hop limit 255), valid checksum */
	if (hop_limit != 255)
		return WIRE_E_BAD_LENGTH;
	if (wire_ip6_l4_csum(src, dst, WIRE_PROTO_ICMPV6, icmp6, len) != 0)
		return WIRE_E_BAD_CSUM;
	if (out->type == WIRE_ND_NA)
		out->na_flags = icmp6[4] & (WIRE_NA_R | WIRE_NA_S | WIRE_NA_O);
	memcpy(&out->target, icmp6 + 8, 16);
	if (IN6_IS_ADDR_MULTICAST(&out->target))
		return WIRE_E_BAD_LENGTH;
	while (off < len) {
		uint8_t t, l;

		if (off + 2 > len)
			return WIRE_E_OPT_OVERRUN;
		t = icmp6[off];
		l = icmp6[off + 1];
		if (l == 0)
			return WIRE_E_OPT_BAD_LEN;   /* RFC 4861 §4.6: length 0 is invalid */
		if (off + l * 8u > len)
			return WIRE_E_OPT_OVERRUN;
		if (((out->type == WIRE_ND_NS && t == WIRE_ND_OPT_SLLA) ||
		     (out->type == WIRE_ND_NA && t == WIRE_ND_OPT_TLLA)) && l == 1) {
			out->has_lla = true;
			memcpy(out->lla, icmp6 + off + 2, 6);
		}
		off += l * 8u;
	}
	return WIRE_E_OK;
}

int
wire_nd_build(uint8_t *p, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
	      const struct wire_nd *nd)
{
	size_t icmp_len = 24 + (nd->has_lla ? 8 : 0);
	uint8_t *i = p + WIRE_IP6_HLEN;

	if (WIRE_IP6_HLEN + icmp_len > cap)
		return -WIRE_E_NOSPACE;
	wire_ip6_hdr_build(p, src, dst, WIRE_PROTO_ICMPV6, (uint16_t)icmp_len, 255);
	memset(i, 0, icmp_len);
	i[0] = nd->type;
	if (nd->type == WIRE_ND_NA)
		i[4] = nd->na_flags;
	memcpy(i + 8, &nd->target, 16);
	if (nd->has_lla) {
		i[24] = nd->type == WIRE_ND_NS ? WIRE_ND_OPT_SLLA : WIRE_ND_OPT_TLLA;
		i[25] = 1;
		memcpy(i + 26, nd->lla, 6);
	}
	wire_wr16(i + 2, wire_ip6_l4_csum(src, dst, WIRE_PROTO_ICMPV6, i, icmp_len));
	return (int)(WIRE_IP6_HLEN + icmp_len);
}

void
wire_nd_solicited_node(const struct in6_addr *a, struct in6_addr *out)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff };

	memcpy(out->s6_addr, pfx, 13);
	memcpy(out->s6_addr + 13, a->s6_addr + 13, 3);
}

void
wire_nd_mcast_mac(const struct in6_addr *a, uint8_t mac[WIRE_MAC_LEN])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, a->s6_addr + 12, 4);
}

void
wire_nd_link_local(const uint8_t mac[WIRE_MAC_LEN], struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfe;
	out->s6_addr[1] = 0x80;
	out->s6_addr[8] = mac[0] ^ 0x02;
	out->s6_addr[9] = mac[1];
	out->s6_addr[10] = mac[2];
	out->s6_addr[11] = 0xff;
	out->s6_addr[12] = 0xfe;
	out->s6_addr[13] = mac[3];
	out->s6_addr[14] = mac[4];
	out->s6_addr[15] = mac[5];
}

void
wire_icmp4_echo_reply(uint8_t *p, uint16_t hlen, uint16_t len)
{
	uint8_t *icmp = p + hlen, t[4];

	memcpy(t, p + 12, 4);
	memcpy(p + 12, p + 16, 4);
	memcpy(p + 16, t, 4);
	p[8] = 64;
	wire_wr16(p + 10, 0);
	wire_wr16(p + 10, wire_csum_ip4(p, hlen));
	/* type 8 -> 0 changes one 16-bit word of the ICMP message (RFC 1624) */
	icmp[0] = WIRE_ICMP_ECHO_REPLY;
	wire_wr16(icmp + 2, wire_csum_update16(wire_rd16(icmp + 2),
					       (uint16_t)(WIRE_ICMP_ECHO << 8 | icmp[1]),
					       (uint16_t)(WIRE_ICMP_ECHO_REPLY << 8 | icmp[1])));
	(void)len;
}

void
wire_icmp6_echo_reply(uint8_t *p, uint16_t l4_off, uint16_t len)
{
	uint8_t *icmp = p + l4_off, t[16];
	struct in6_addr s, d;

	memcpy(t, p + 8, 16);
	memcpy(p + 8, p + 24, 16);
	memcpy(p + 24, t, 16);
	p[7] = 64;
	icmp[0] = WIRE_ICMP6_ECHO_REPLY;
	wire_wr16(icmp + 2, 0);
	memcpy(&s, p + 8, 16);
	memcpy(&d, p + 24, 16);
	wire_wr16(icmp + 2, wire_ip6_l4_csum(&s, &d, WIRE_PROTO_ICMPV6, icmp,
					     (size_t)(len - l4_off)));
}

int
wire_icmp4_error(uint8_t *p, size_t cap, uint32_t src, uint8_t type, uint8_t code, uint16_t mtu,
		 const uint8_t *orig, size_t orig_len)
{
	size_t ohl = orig_len >= 20 ? (size_t)(orig[0] & 0x0f) * 4 : 0, quote, len;
	uint32_t dst;

	if (ohl < 20 || ohl > orig_len)
		return -WIRE_E_TRUNCATED;
	/* RFC 792: the original IP header and the first 64 bits of its data */
	quote = ohl + 8 < orig_len ? ohl + 8 : orig_len;
	len = WIRE_IP4_HLEN + 8 + quote;
	if (len > cap)
		return -WIRE_E_NOSPACE;
	memcpy(&dst, orig + 12, 4);
	wire_ip4_hdr_build(p, src, dst, WIRE_PROTO_ICMP, (uint16_t)len, 64, 0, false);
	memset(p + 20, 0, 8);
	p[20] = type;
	p[21] = code;
	if (type == WIRE_ICMP_UNREACH && code == WIRE_ICMP_UNREACH_FRAG)
		wire_wr16(p + 26, mtu);   /* RFC 1191 §4 */
	memcpy(p + 28, orig, quote);
	wire_wr16(p + 22, wire_csum_fold(wire_csum_add(0, p + 20, 8 + quote)));
	return (int)len;
}

int
wire_icmp6_error(uint8_t *p, size_t cap, const struct in6_addr *src, uint8_t type,
		 uint8_t code, uint32_t param, const uint8_t *orig, size_t orig_len)
{
	/* RFC 4443 §2.4(c): the error must not exceed the minimum IPv6 MTU */
	size_t quote = WIRE_IP6_MIN_MTU - WIRE_IP6_HLEN - 8, len;
	struct in6_addr dst;

	if (orig_len < WIRE_IP6_HLEN)
		return -WIRE_E_TRUNCATED;
	if (quote > orig_len)
		quote = orig_len;
	len = WIRE_IP6_HLEN + 8 + quote;
	if (len > cap)
		return -WIRE_E_NOSPACE;
	memcpy(&dst, orig + 8, 16);
	wire_ip6_hdr_build(p, src, &dst, WIRE_PROTO_ICMPV6, (uint16_t)(8 + quote), 64);
	p[40] = type;
	p[41] = code;
	wire_wr16(p + 42, 0);
	wire_wr32(p + 44, param);
	memcpy(p + 48, orig, quote);
	wire_wr16(p + 42, wire_ip6_l4_csum(src, &dst, WIRE_PROTO_ICMPV6, p + 40, 8 + quote));
	return (int)len;
}
