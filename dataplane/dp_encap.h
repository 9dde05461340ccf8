/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Encapsulation toward the care-of address (RFC 2473, RFC 4213, RFC 5555 §4.1, RFC 5845
 * §7.2) from the binding's precomputed template: copy, then fix lengths, protocol, DSCP/ECN
 * and the IPv4 checksum. Pure.
 */
#ifndef DP_ENCAP_H
#define DP_ENCAP_H

#include <stdbool.h>
#include <stdint.h>

#include "bc_entry.h"
#include "dp_pkt.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_tun.h"

enum dp_encap_err {
	DP_ENCAP_OK = 0,
	DP_ENCAP_HEADROOM,            /**< not enough room in front of the packet */
	DP_ENCAP_INNER,               /**< the inner packet is not IPv4 or IPv6 */
	DP_ENCAP_NO_MAPPING,          /**< NATed: no UDP 4500 mapping of the node known yet */
};

/** Bytes the tunnel of e adds (the template, TLV included). */
static inline uint16_t
dp_encap_overhead(const struct bc_entry *e)
{
	return e->tmpl_len;
}

/**
 * Prepend e's outer header to the IP packet at p->data (L2 already removed); p->len is
 * the inner packet's length. The inner TTL / hop limit is left alone (the caller decremented
 * it as a router does). @return DP_ENCAP_OK or an error; p is unchanged on error.
 * Inline: a call per packet out of the encapsulation stage's loop cost that stage about a
 * fifth of its cycles (the packet view passed through memory both ways).
 */
static inline enum dp_encap_err
dp_encap_one(struct dp_pkt *p, const struct bc_entry *e)
{
	uint16_t inner = p->len, hl = e->tmpl_len;
	uint8_t v = p->data[0] >> 4, next, tos;
	uint32_t s;
	uint8_t *o;

	if (v == 4) {
		next = WIRE_PROTO_IPIP;
		tos = p->data[1];
	} else if (v == 6) {
		next = WIRE_PROTO_IPV6;
		tos = (uint8_t)(wire_rd16(p->data) >> 4);
	} else {
		return DP_ENCAP_INNER;
	}
	if (p->headroom < hl)
		return DP_ENCAP_HEADROOM;
	o = p->data - hl;
	/* fixed sizes: inline copies, not a library call per packet */
	switch (hl) {
	case WIRE_IP6_HLEN:
		memcpy(o, e->tmpl, WIRE_IP6_HLEN);
		break;
	case WIRE_IP4_HLEN:
		memcpy(o, e->tmpl, WIRE_IP4_HLEN);
		break;
	case WIRE_IP4_HLEN + WIRE_UDP_HLEN:
		memcpy(o, e->tmpl, WIRE_IP4_HLEN + WIRE_UDP_HLEN);
		break;
	default:
		memcpy(o, e->tmpl, hl);
		break;
	}
	/* RFC 5555 §4.1.1 / RFC 2983: DSCP and ECN copied from the inner header */
	switch (e->fmt) {
	case BC_FMT_IP6:
		wire_wr32(o, 0x60000000u | (uint32_t)tos << 20);
		wire_wr16(o + 4, inner);
		o[6] = next;
		break;
	case BC_FMT_IP4:
		o[1] = tos;
		wire_wr16(o + 2, (uint16_t)(inner + WIRE_IP4_HLEN));
		o[9] = next;
		s = e->tmpl_csum + (uint32_t)(inner + WIRE_IP4_HLEN) + next + tos;
		wire_wr16(o + 10, wire_csum_fold(s));
		break;
	case BC_FMT_UDP:
	case BC_FMT_UDP_TLV:
		o[1] = tos;
		wire_wr16(o + 2, (uint16_t)(inner + hl));
		s = e->tmpl_csum + (uint32_t)(inner + hl) + WIRE_PROTO_UDP + tos;
		wire_wr16(o + 10, wire_csum_fold(s));
		wire_wr16(o + WIRE_IP4_HLEN + 4, (uint16_t)(inner + hl - WIRE_IP4_HLEN));
		if (e->fmt == BC_FMT_UDP_TLV)
			wire_tlv_build(o + WIRE_IP4_HLEN + WIRE_UDP_HLEN, next, inner);
		break;
	default:
		return DP_ENCAP_INNER;
	}
	p->data = o;
	p->len = (uint16_t)(inner + hl);
	p->headroom = (uint16_t)(p->headroom - hl);
	return DP_ENCAP_OK;
}

/** Bytes of outer header in front of ESP from the payload SA toward e's care-of address. */
static inline uint16_t
dp_encap_esp_overhead(const struct bc_entry *e)
{
	return e->fmt == BC_FMT_IP6 ? 40 : e->fmt == BC_FMT_IP4 ? 20 : 28;
}

/**
 * Put the binding's current outer header in front of an ESP packet of its payload SA (seed
 * 001 §4.1): IPv6 to an IPv6 care-of address, IPv4 (protocol 50) to a public IPv4 one, and
 * IPv4/UDP 4500 (RFC 3948, checksum 0) when the binding uses UDP: to the NAT's mapping of
 * the node's port 4500, or to port 4500 itself when UDP is forced without a NAT. tos is the
 * inner packet's DSCP/ECN byte (RFC 4301 §5.1.2.1 copies it out). p is unchanged on error.
 */
enum dp_encap_err dp_encap_esp(struct dp_pkt *p, const struct bc_entry *e, uint8_t tos);

/**
 * Decrement the TTL (IPv4, with an incremental checksum update, RFC 1624) or hop limit of the
 * IP packet at data. @return false when it was already 1 or 0: the packet must not go on.
 */
static inline bool
dp_ttl_dec(uint8_t *d)
{
	if ((d[0] >> 4) == 4) {
		uint16_t c;
		uint32_t s;

		if (d[8] <= 1)
			return false;
		d[8]--;
		/* RFC 1624 eqn. 3 with the TTL one less reduces to the checksum plus 0x0100 in
		 * one's complement; that sum being byte-order independent (RFC 1071 §2(B)), the
		 * field is updated as the machine reads it, no byte swaps. -0 (0xffff) is
		 * written +0, as eqn. 3 and a full computation would (checked for every value) */
		memcpy(&c, d + 10, 2);
		s = (uint32_t)c + htons(0x0100);
		s = (s & 0xffff) + (s >> 16);
		c = s == 0xffff ? 0 : (uint16_t)s;
		memcpy(d + 10, &c, 2);
		return true;
	}
	if (d[7] <= 1)
		return false;
	d[7]--;
	return true;
}

#endif /* DP_ENCAP_H */
