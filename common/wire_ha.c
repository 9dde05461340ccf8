/* SPDX-License-Identifier: BSD-3-Clause */
/* The home link's ICMPv6: RA with home agent options, DHAAD, MPS/MPA, anycast (pure). */
#include <string.h>

#include "wire_csum.h"
#include "wire_ha.h"
#include "wire_ip.h"
#include "wire_nd.h"

#define PIO_LEN 32

static void
wr32(uint8_t *p, uint32_t v)
{
	wire_wr16(p, (uint16_t)(v >> 16));
	wire_wr16(p + 2, (uint16_t)v);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)wire_rd16(p) << 16 | wire_rd16(p + 2);
}

static void
pio_write(uint8_t *o, const struct wire_pio *pi)
{
	o[0] = WIRE_ND_OPT_PREFIX;
	o[1] = PIO_LEN / 8;
	o[2] = pi->plen;
	o[3] = pi->flags;
	wr32(o + 4, pi->valid);
	wr32(o + 8, pi->preferred);
	memset(o + 12, 0, 4);
	memcpy(o + 16, &pi->prefix, 16);
}

static void
pio_read(const uint8_t *o, struct wire_pio *pi)
{
	pi->plen = o[2];
	pi->flags = o[3] & (WIRE_PIO_L | WIRE_PIO_A | WIRE_PIO_R);
	pi->valid = rd32(o + 4);
	pi->preferred = rd32(o + 8);
	memcpy(&pi->prefix, o + 16, 16);
}

/* The option at off of an option area of len bytes (type, length in units of 8 bytes): its
 * length into *olen, or why not (RFC 4861 §4.6: length 0 is invalid). */
static enum wire_err
opt_at(const uint8_t *p, size_t len, size_t off, size_t *olen)
{
	if (len - off < 2)
		return WIRE_E_OPT_OVERRUN;
	*olen = (size_t)p[off + 1] * 8;
	if (*olen == 0)
		return WIRE_E_OPT_BAD_LEN;
	return *olen > len - off ? WIRE_E_OPT_OVERRUN : WIRE_E_OK;
}

/* The ICMPv6 checksum, then the whole IPv6 packet's length. */
static int
finish(uint8_t *p, const struct in6_addr *src, const struct in6_addr *dst, size_t icmp_len,
       uint8_t hop_limit)
{
	uint8_t *i = p + WIRE_IP6_HLEN;

	wire_ip6_hdr_build(p, src, dst, WIRE_PROTO_ICMPV6, (uint16_t)icmp_len, hop_limit);
	wire_wr16(i + 2, 0);
	wire_wr16(i + 2, wire_ip6_l4_csum(src, dst, WIRE_PROTO_ICMPV6, i, icmp_len));
	return (int)(WIRE_IP6_HLEN + icmp_len);
}

int
wire_ra_build(uint8_t *p, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
	      const struct wire_ra *ra)
{
	size_t len = 16 + (ra->has_slla ? 8 : 0) + (ra->mtu ? 8 : 0) +
		     (size_t)ra->n_pio * PIO_LEN + (ra->has_interval ? 8 : 0) +
		     (ra->has_ha_info ? 8 : 0);
	uint8_t *i = p + WIRE_IP6_HLEN, *o;
	unsigned int k;

	if (ra->n_pio > WIRE_RA_PIO_MAX || WIRE_IP6_HLEN + len > cap)
		return -WIRE_E_NOSPACE;
	memset(i, 0, len);
	i[0] = WIRE_ND_RA;
	i[4] = ra->cur_hop_limit;
	i[5] = ra->flags;
	wire_wr16(i + 6, ra->router_lifetime);
	wr32(i + 8, ra->reachable_ms);
	wr32(i + 12, ra->retrans_ms);
	o = i + 16;
	if (ra->has_slla) {
		o[0] = WIRE_ND_OPT_SLLA;
		o[1] = 1;
		memcpy(o + 2, ra->slla, 6);
		o += 8;
	}
	if (ra->mtu) {
		o[0] = WIRE_ND_OPT_MTU;
		o[1] = 1;
		wr32(o + 4, ra->mtu);
		o += 8;
	}
	for (k = 0; k < ra->n_pio; k++, o += PIO_LEN)
		pio_write(o, &ra->pio[k]);
	if (ra->has_interval) {
		o[0] = WIRE_ND_OPT_ADV_INTERVAL;
		o[1] = 1;
		wr32(o + 4, ra->interval_ms);
		o += 8;
	}
	if (ra->has_ha_info) {
		o[0] = WIRE_ND_OPT_HA_INFO;
		o[1] = 1;
		wire_wr16(o + 4, (uint16_t)ra->ha_pref);
		wire_wr16(o + 6, ra->ha_lifetime);
	}
	return finish(p, src, dst, len, 255);
}

enum wire_err
wire_ra_parse(const uint8_t *icmp6, size_t len, uint8_t hop_limit, const struct in6_addr *src,
	      const struct in6_addr *dst, struct wire_ra *out)
{
	size_t off = 16;

	memset(out, 0, sizeof(*out));
	if (len < 16)
		return WIRE_E_TRUNCATED;
	if (icmp6[0] != WIRE_ND_RA || icmp6[1] != 0)
		return WIRE_E_BAD_PROTO;
	/* RFC 4861 §6.1.2: from a link-local source on the link itself */
	if (hop_limit != 255 || !IN6_IS_ADDR_LINKLOCAL(src))
		return WIRE_E_BAD_LENGTH;
	if (wire_ip6_l4_csum(src, dst, WIRE_PROTO_ICMPV6, icmp6, len) != 0)
		return WIRE_E_BAD_CSUM;
	out->cur_hop_limit = icmp6[4];
	out->flags = icmp6[5];
	out->router_lifetime = wire_rd16(icmp6 + 6);
	out->reachable_ms = rd32(icmp6 + 8);
	out->retrans_ms = rd32(icmp6 + 12);
	while (off < len) {
		const uint8_t *o = icmp6 + off;
		enum wire_err e;
		size_t olen;

		e = opt_at(icmp6, len, off, &olen);
		if (e != WIRE_E_OK)
			return e;
		switch (o[0]) {
		case WIRE_ND_OPT_SLLA:
			out->has_slla = true;
			memcpy(out->slla, o + 2, 6);
			break;
		case WIRE_ND_OPT_MTU:
			if (olen != 8)
				return WIRE_E_OPT_BAD_LEN;
			out->mtu = rd32(o + 4);
			break;
		case WIRE_ND_OPT_PREFIX:
			if (olen != PIO_LEN)
				return WIRE_E_OPT_BAD_LEN;
			if (out->n_pio < WIRE_RA_PIO_MAX)
				pio_read(o, &out->pio[out->n_pio]);
			if (out->n_pio < UINT8_MAX)
				out->n_pio++;
			break;
		case WIRE_ND_OPT_ADV_INTERVAL:
			if (olen != 8)
				return WIRE_E_OPT_BAD_LEN;
			out->has_interval = true;
			out->interval_ms = rd32(o + 4);
			break;
		case WIRE_ND_OPT_HA_INFO:
			if (olen != 8)
				return WIRE_E_OPT_BAD_LEN;
			out->has_ha_info = true;
			out->ha_pref = (int16_t)wire_rd16(o + 4);
			out->ha_lifetime = wire_rd16(o + 6);
			break;
		default:
			break;               /* RFC 4861 §4.6: unknown options are skipped */
		}
		off += olen;
	}
	return WIRE_E_OK;
}

int
wire_ha_msg_build(uint8_t *p, size_t cap, const struct in6_addr *src,
		  const struct in6_addr *dst, const struct wire_ha_msg *m)
{
	unsigned int n_ha = m->type == WIRE_ICMP6_DHAAD_REPLY ? m->n_ha : 0;
	unsigned int n_pio = m->type == WIRE_ICMP6_MPA ? m->n_pio : 0;
	uint8_t *i = p + WIRE_IP6_HLEN;
	size_t len;
	unsigned int k;

	if (m->type < WIRE_ICMP6_DHAAD_REQUEST || m->type > WIRE_ICMP6_MPA ||
	    n_pio > WIRE_RA_PIO_MAX)
		return -WIRE_E_NOSPACE;
	if (n_ha > WIRE_DHAAD_MAX)
		n_ha = WIRE_DHAAD_MAX;
	len = 8 + (size_t)n_ha * 16 + (size_t)n_pio * PIO_LEN;
	if (WIRE_IP6_HLEN + len > cap)
		return -WIRE_E_NOSPACE;
	memset(i, 0, 8);
	i[0] = m->type;
	wire_wr16(i + 4, m->id);
	if (m->type == WIRE_ICMP6_MPA)
		wire_wr16(i + 6, m->mpa_flags & (WIRE_MPA_M | WIRE_MPA_O));
	for (k = 0; k < n_ha; k++)
		memcpy(i + 8 + k * 16, &m->ha[k], 16);
	for (k = 0; k < n_pio; k++)
		pio_write(i + 8 + k * PIO_LEN, &m->pio[k]);
	return finish(p, src, dst, len, 64);
}

int
wire_ha_msg_build_rh2(uint8_t *p, size_t cap, const struct in6_addr *src,
		      const struct in6_addr *coa, const struct in6_addr *hoa,
		      const struct wire_ha_msg *m)
{
	int n;

	if (cap < WIRE_RH2_LEN)
		return -WIRE_E_NOSPACE;
	/* built for the home address (the checksum's destination), then moved behind an RH2 */
	n = wire_ha_msg_build(p, cap - WIRE_RH2_LEN, src, hoa, m);
	if (n < 0)
		return n;
	memmove(p + WIRE_IP6_HLEN + WIRE_RH2_LEN, p + WIRE_IP6_HLEN, (size_t)n - WIRE_IP6_HLEN);
	wire_ip6_hdr_build(p, src, coa, WIRE_PROTO_ROUTING,
			   (uint16_t)(n - WIRE_IP6_HLEN + WIRE_RH2_LEN), 64);
	wire_rh2_build(p + WIRE_IP6_HLEN, WIRE_PROTO_ICMPV6, hoa);
	return n + WIRE_RH2_LEN;
}

enum wire_err
wire_ha_msg_parse(const uint8_t *icmp6, size_t len, const struct in6_addr *src,
		  const struct in6_addr *dst, struct wire_ha_msg *out)
{
	size_t off = 8;

	memset(out, 0, sizeof(*out));
	if (len < 8)
		return WIRE_E_TRUNCATED;
	out->type = icmp6[0];
	if (out->type < WIRE_ICMP6_DHAAD_REQUEST || out->type > WIRE_ICMP6_MPA ||
	    icmp6[1] != 0)
		return WIRE_E_BAD_PROTO;
	if (wire_ip6_l4_csum(src, dst, WIRE_PROTO_ICMPV6, icmp6, len) != 0)
		return WIRE_E_BAD_CSUM;
	out->id = wire_rd16(icmp6 + 4);
	switch (out->type) {
	case WIRE_ICMP6_DHAAD_REPLY:
		if ((len - 8) % 16 != 0)
			return WIRE_E_BAD_LENGTH;
		for (; off < len && out->n_ha < WIRE_DHAAD_MAX; off += 16)
			memcpy(&out->ha[out->n_ha++], icmp6 + off, 16);
		break;
	case WIRE_ICMP6_MPA:
		out->mpa_flags = wire_rd16(icmp6 + 6) & (WIRE_MPA_M | WIRE_MPA_O);
		while (off < len) {
			const uint8_t *o = icmp6 + off;
			enum wire_err e;
			size_t olen;

			e = opt_at(icmp6, len, off, &olen);
			if (e != WIRE_E_OK)
				return e;
			if (o[0] == WIRE_ND_OPT_PREFIX) {
				if (olen != PIO_LEN)
					return WIRE_E_OPT_BAD_LEN;
				if (out->n_pio < WIRE_RA_PIO_MAX)
					pio_read(o, &out->pio[out->n_pio++]);
			}
			off += olen;
		}
		break;
	default:                             /* request, MPS: identifier and reserved only */
		break;
	}
	return WIRE_E_OK;
}

void
wire_ha_anycast(const struct in6_addr *prefix, uint8_t plen, struct in6_addr *out)
{
	unsigned int b;

	*out = *prefix;
	if (plen <= 64) {
		/* a 64-bit interface identifier (modified EUI-64 format): fdff:ffff:ffff:ff80 |
		 * ID, the u/l bit clear (RFC 2526 §2); the subnet bits come from the prefix */
		memset(out->s6_addr + 8, 0xff, 8);
		out->s6_addr[8] = 0xfd;
	} else {
		for (b = plen; b < 128; b++)
			out->s6_addr[b / 8] |= (uint8_t)(0x80 >> (b % 8));
	}
	out->s6_addr[15] = (uint8_t)(0x80 | WIRE_HA_ANYCAST_ID);
}
