/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4/IPv6 header validation, the IPv6 extension-header walk, and header builders (pure). */
#include <string.h>

#include "wire_csum.h"
#include "wire_ip.h"

enum wire_err
wire_ip4_parse(const uint8_t *p, size_t len, bool verify_csum, struct wire_ip4_info *info)
{
	uint16_t fo;

	if (len < WIRE_IP4_HLEN)
		return WIRE_E_TRUNCATED;
	if ((p[0] >> 4) != 4)
		return WIRE_E_BAD_VERSION;
	info->hlen = (uint16_t)((p[0] & 0x0f) * 4);
	if (info->hlen < WIRE_IP4_HLEN)
		return WIRE_E_BAD_IHL;
	if (info->hlen > len)
		return WIRE_E_TRUNCATED;
	info->tot_len = wire_rd16(p + 2);
	if (info->tot_len < info->hlen)
		return WIRE_E_BAD_LENGTH;
	if (info->tot_len > len)
		return WIRE_E_TRUNCATED;
	if (verify_csum && wire_csum_fold(wire_csum_add(0, p, info->hlen)) != 0)
		return WIRE_E_BAD_CSUM;
	fo = wire_rd16(p + 6);
	info->df = (fo & 0x4000) != 0;
	info->frag_offset = fo & 0x1fff;
	info->frag = (fo & 0x2000) != 0 || info->frag_offset != 0;
	info->ttl = p[8];
	info->proto = p[9];
	memcpy(&info->src, p + 12, 4);
	memcpy(&info->dst, p + 16, 4);
	return WIRE_E_OK;
}

/*
 * Destination options (RFC 8200 §4.2, RFC 6275 §6.3). h points at the extension header,
 * hlen is its full length, off its offset from the IPv6 header.
 */
static enum wire_err
ip6_dstopts(const uint8_t *h, uint32_t hlen, uint16_t off, struct wire_ip6_info *info)
{
	uint32_t i = 2;

	while (i < hlen) {
		uint8_t type = h[i], olen;

		if (type == WIRE_DSTOPT_PAD1) {
			i++;
			continue;
		}
		if (i + 2 > hlen)
			return WIRE_E_OPT_OVERRUN;
		olen = h[i + 1];
		if (i + 2 + olen > hlen)
			return WIRE_E_OPT_OVERRUN;
		switch (type) {
		case WIRE_DSTOPT_PADN:
			break;
		case WIRE_DSTOPT_HAO:
			if (info->has_hao)
				return WIRE_E_DUP_HAO;
			if (olen != 16)
				return WIRE_E_BAD_HAO;
			info->has_hao = true;
			info->hao_off = (uint16_t)(off + i + 2);
			info->dstopt_off = off;
			break;
		case WIRE_DSTOPT_TEL:
			if (olen != 1)
				return WIRE_E_OPT_BAD_LEN;
			info->has_tel = true;
			info->tel = h[i + 2];
			break;
		default:
			/* RFC 8200 §4.2: the two high bits say what to do with an unknown option. */
			if ((type & 0xc0) != 0) {
				info->err_off = (uint16_t)(off + i);
				info->dst_icmp = (type & 0xc0) == 0x40 ? WIRE_IP6_PP_NONE :
						 (type & 0xc0) == 0x80 ? WIRE_IP6_PP_SEND :
						 WIRE_IP6_PP_UNLESS_MCAST;
				info->dst_icmp_code = 2;
				return WIRE_E_UNKNOWN_DSTOPT;
			}
			break;
		}
		i += 2u + olen;
	}
	return WIRE_E_OK;
}

/*
 * A routing header (RFC 8200 §4.4): type 2 as RFC 6275 §6.4 has it; any other type only
 * when no segment is left (else the destination answers pointing at the type).
 */
static enum wire_err
ip6_routing(const uint8_t *h, uint16_t off, struct wire_ip6_info *info)
{
	if (h[2] == 2) {
		if (info->has_rh2 || h[1] != 2 || h[3] != 1)
			return WIRE_E_BAD_RH2;   /* exactly one address, one segment left */
		info->has_rh2 = true;
		info->rh2_off = (uint16_t)(off + 8);
		return WIRE_E_OK;
	}
	if (h[3] == 0)
		return WIRE_E_OK;
	info->err_off = (uint16_t)(off + 2);
	info->dst_icmp = WIRE_IP6_PP_SEND;
	info->dst_icmp_code = 0;
	return WIRE_E_RH_UNSUPPORTED;
}

enum wire_err
wire_ip6_parse(const uint8_t *p, size_t len, struct wire_ip6_info *info)
{
	uint32_t off = WIRE_IP6_HLEN, end;
	uint8_t nh;
	enum wire_err e;

	memset(info, 0, sizeof(*info));
	/* Offsets are 16-bit: an mbuf segment never holds more, so neither may the input. */
	if (len > UINT16_MAX)
		len = UINT16_MAX;
	if (len < WIRE_IP6_HLEN)
		return WIRE_E_TRUNCATED;
	if ((p[0] >> 4) != 6)
		return WIRE_E_BAD_VERSION;
	info->payload_len = wire_rd16(p + 4);
	nh = p[6];
	info->hop_limit = p[7];
	info->l4_off = off;
	info->l4_proto = nh;
	if (info->payload_len == 0 && nh == WIRE_PROTO_HOPOPT)
		return WIRE_E_JUMBO;
	if ((size_t)WIRE_IP6_HLEN + info->payload_len > len)
		return WIRE_E_TRUNCATED;
	end = WIRE_IP6_HLEN + (uint32_t)info->payload_len;

	for (;;) {
		const uint8_t *h = p + off;
		uint32_t hlen;

		if (nh != WIRE_PROTO_HOPOPT && nh != WIRE_PROTO_DSTOPTS &&
		    nh != WIRE_PROTO_ROUTING && nh != WIRE_PROTO_FRAGMENT)
			break;
		if (off + 8 > end)
			return WIRE_E_TRUNCATED;
		hlen = nh == WIRE_PROTO_FRAGMENT ? 8 : (h[1] + 1u) * 8;
		if (off + hlen > end)
			return WIRE_E_TRUNCATED;
		e = WIRE_E_OK;
		if (info->n_ext >= WIRE_IP6_MAX_EXT)
			e = WIRE_E_EXT_CHAIN;
		else if (nh == WIRE_PROTO_HOPOPT && off != WIRE_IP6_HLEN)
			e = WIRE_E_EXT_ORDER;   /* RFC 8200 §4.1: only right after the header */
		else if (nh == WIRE_PROTO_DSTOPTS)
			e = ip6_dstopts(h, hlen, (uint16_t)off, info);
		else if (nh == WIRE_PROTO_ROUTING)
			e = ip6_routing(h, (uint16_t)off, info);
		if (e != WIRE_E_OK) {
			/* the destination's business (RFC 8200 §4): recorded, the walk ends */
			info->dst_err = (uint8_t)e;
			break;
		}
		if (nh == WIRE_PROTO_FRAGMENT) {
			info->has_frag = true;
			info->frag_offset = wire_rd16(h + 2) >> 3;
			info->frag_more = (h[3] & 1) != 0;
		}
		info->n_ext++;
		nh = h[0];
		off += hlen;
		info->l4_off = (uint16_t)off;
		info->l4_proto = nh;
		if (info->has_frag)
			break; /* nothing after a fragment header is walked: no reassembly */
	}
	return WIRE_E_OK;
}

void
wire_ip4_hdr_build(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, uint16_t tot_len,
		   uint8_t ttl, uint16_t id, bool df)
{
	p[0] = 0x45;
	p[1] = 0;
	wire_wr16(p + 2, tot_len);
	wire_wr16(p + 4, id);
	wire_wr16(p + 6, df ? 0x4000 : 0);
	p[8] = ttl;
	p[9] = proto;
	p[10] = p[11] = 0;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	wire_wr16(p + 10, wire_csum_ip4(p, WIRE_IP4_HLEN));
}

void
wire_ip6_hdr_build(uint8_t *p, const struct in6_addr *src, const struct in6_addr *dst,
		   uint8_t nh, uint16_t payload_len, uint8_t hop_limit)
{
	p[0] = 0x60;
	p[1] = p[2] = p[3] = 0;
	wire_wr16(p + 4, payload_len);
	p[6] = nh;
	p[7] = hop_limit;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
}

void
wire_udp_hdr_build(uint8_t *p, uint16_t sport, uint16_t dport, uint16_t len, uint16_t csum)
{
	wire_wr16(p, sport);
	wire_wr16(p + 2, dport);
	wire_wr16(p + 4, len);
	wire_wr16(p + 6, csum);
}

void
wire_rh2_build(uint8_t *p, uint8_t nh, const struct in6_addr *hoa)
{
	p[0] = nh;
	p[1] = 2;  /* HdrExtLen: 24 bytes */
	p[2] = 2;  /* Routing Type 2 */
	p[3] = 1;  /* Segments Left */
	memset(p + 4, 0, 4);
	memcpy(p + 8, hoa, 16);
}

void
wire_hao_dstopt_build(uint8_t *p, uint8_t nh, const struct in6_addr *hoa)
{
	p[0] = nh;
	p[1] = 2;                   /* 24 bytes */
	p[2] = WIRE_DSTOPT_PADN;    /* PadN, 2 bytes of data: HAO type lands at 8n+6 */
	p[3] = 2;
	p[4] = p[5] = 0;
	p[6] = WIRE_DSTOPT_HAO;
	p[7] = 16;
	memcpy(p + 8, hoa, 16);
}

uint16_t
wire_ip6_l4_csum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh,
		 const uint8_t *payload, size_t len)
{
	uint32_t s = wire_csum_pseudo6(src, dst, (uint32_t)len, nh);

	return wire_csum_fold(wire_csum_add(s, payload, len));
}

uint16_t
wire_ip4_l4_csum(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *payload, size_t len)
{
	uint32_t s = wire_csum_pseudo4(src, dst, (uint16_t)len, proto);

	return wire_csum_fold(wire_csum_add(s, payload, len));
}
