/* SPDX-License-Identifier: BSD-3-Clause */
/* Decapsulation checks (pure). */
#include <string.h>

#include "dp_decap.h"
#include "wire_csum.h"
#include "wire_ip.h"

int
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

int
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
