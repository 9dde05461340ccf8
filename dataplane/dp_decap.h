/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Decapsulation at the home agent with the reverse-tunnel checks of RFC 6275 §10.4.5 and
 * RFC 5555 §4.5: the outer source must be the care-of address (and UDP port when NATed) of
 * the binding that owns the inner source (its home addresses or prefixes). Pure.
 */
#ifndef DP_DECAP_H
#define DP_DECAP_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

#include "bc_entry.h"
#include "dp_pkt.h"
#include "ha_counters.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_pkt.h"

/** The inner packet of a tunnel packet: where it is and whose source to look up. */
struct dp_inner {
	uint16_t off;                 /**< from the frame start */
	uint16_t len;                 /**< from the inner IP header's length field */
	uint8_t family;               /**< 4 or 6 */
	const uint8_t *src;           /**< the inner source address (4 or 16 bytes) */
};

/**
 * Locate and validate the inner packet of a tunnel frame w (IP-in-IP or UDP 4191 vanilla or
 * TLV). @return 0, or -1 with the drop reason (inner malformed, TLV next header) in *why.
 * Inline, as the two below: called for every packet of the decapsulation stage's loops.
 */
static inline int
dp_inner_locate(const struct wire_pkt *w, const uint8_t *frame, struct dp_inner *in,
		enum ha_drop *why)
{
	uint16_t end = (uint16_t)(w->l3_off + w->ip_len);
	const uint8_t *p = frame + w->inner_off;
	uint16_t avail;
	uint32_t len;

	if (w->inner_off >= end) {
		*why = HA_DROP_INNER_MALFORMED;
		return -1;
	}
	avail = (uint16_t)(end - w->inner_off);
	in->off = w->inner_off;
	if (w->inner_proto == WIRE_PROTO_IPIP && avail >= WIRE_IP4_HLEN && (p[0] >> 4) == 4) {
		in->family = 4;
		len = wire_rd16(p + 2);
		in->src = p + 12;
		if (len < (uint32_t)(p[0] & 0x0f) * 4 || (p[0] & 0x0f) < 5)
			goto bad;
	} else if (w->inner_proto == WIRE_PROTO_IPV6 && avail >= WIRE_IP6_HLEN &&
		   (p[0] >> 4) == 6) {
		in->family = 6;
		/* 32 bits: a payload length near 65535 must not wrap into a small packet */
		len = (uint32_t)wire_rd16(p + 4) + WIRE_IP6_HLEN;
		in->src = p + 8;
	} else if (w->tun == WIRE_TUN_UDP_TLV && w->inner_proto != WIRE_PROTO_IPIP &&
		   w->inner_proto != WIRE_PROTO_IPV6) {
		*why = HA_DROP_TLV_NEXT;
		return -1;
	} else {
		goto bad;
	}
	if (len > avail)
		goto bad;
	in->len = (uint16_t)len;
	return 0;
bad:
	*why = HA_DROP_INNER_MALFORMED;
	return -1;
}

/**
 * Check the outer header of w against e, the binding owning the inner source (NULL: none).
 * @return 0 when the packet may be decapsulated, else -1 with the drop reason in *why:
 *         unknown inner source, CoA mismatch, or NAT port mismatch (the caller reports the
 *         latter).
 */
static inline int
dp_decap_check(const struct bc_entry *e, const struct wire_pkt *w, const uint8_t *frame,
	       enum ha_drop *why)
{
	const uint8_t *outer_src;

	if (e == NULL) {
		*why = HA_DROP_UNKNOWN_SOURCE;   /* §19.6: no open relay */
		return -1;
	}
	if (w->l3 == WIRE_L3_IP6) {
		/* the IPv6 template's destination is the care-of address */
		outer_src = frame + w->l3_off + 8;
		if (e->fmt != BC_FMT_IP6 || memcmp(outer_src, e->tmpl + 24, 16) != 0) {
			*why = HA_DROP_COA_MISMATCH;
			return -1;
		}
		return 0;
	}
	if (e->fmt == BC_FMT_IP6 || w->ip4.src != e->coa4) {
		*why = HA_DROP_COA_MISMATCH;
		return -1;
	}
	if (w->tun == WIRE_TUN_IPIP) {
		/* §19.4: plain IPv4 encapsulation is accepted from a registered CoA without NAT */
		if (e->flags & BC_F_NAT) {
			*why = HA_DROP_COA_MISMATCH;
			return -1;
		}
		return 0;
	}
	/* UDP 4191: behind a NAT the mapping is the port as well */
	if ((e->flags & BC_F_NAT) && rte_cpu_to_be_16(w->sport) != e->nat_port) {
		*why = HA_DROP_PORT_MISMATCH;
		return -1;
	}
	return 0;
}

/** Make p the inner packet (L2 and outer headers removed). Inline: out of line, the stage
 *  stored p for the call and read it straight back, a stall perf showed every packet. */
static inline void
dp_decap_strip(struct dp_pkt *p, const struct dp_inner *in)
{
	p->headroom = (uint16_t)(p->headroom + in->off);
	p->data += in->off;
	p->len = in->len;
}

#endif /* DP_DECAP_H */
