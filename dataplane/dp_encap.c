/* SPDX-License-Identifier: BSD-3-Clause */
/* Encapsulation from the binding's template (pure). */
#include <string.h>

#include "dp_encap.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_tun.h"

enum dp_encap_err
dp_encap_esp(struct dp_pkt *p, const struct bc_entry *e, uint8_t tos)
{
	uint16_t len = p->len, hl = dp_encap_esp_overhead(e), dport;
	uint32_t s;
	uint8_t *o;

	if (e->fmt == BC_FMT_NONE)
		return DP_ENCAP_INNER;
	if (p->headroom < hl)
		return DP_ENCAP_HEADROOM;
	dport = WIRE_PORT_NATT;
	if (e->fmt == BC_FMT_UDP || e->fmt == BC_FMT_UDP_TLV) {
		if (e->flags & BC_F_NAT) {
			if (e->esp_port == 0)
				return DP_ENCAP_NO_MAPPING;
			dport = rte_be_to_cpu_16(e->esp_port);
		}
	}
	o = p->data - hl;
	if (e->fmt == BC_FMT_IP6) {
		memcpy(o, e->tmpl, WIRE_IP6_HLEN);
		wire_wr32(o, 0x60000000u | (uint32_t)tos << 20);
		wire_wr16(o + 4, len);
		o[6] = WIRE_PROTO_ESP;
	} else {
		uint8_t proto = e->fmt == BC_FMT_IP4 ? WIRE_PROTO_ESP : WIRE_PROTO_UDP;

		memcpy(o, e->tmpl, WIRE_IP4_HLEN);
		o[1] = tos;
		wire_wr16(o + 2, (uint16_t)(len + hl));
		o[9] = proto;
		s = e->tmpl_csum + (uint32_t)(len + hl) + proto + tos;
		wire_wr16(o + 10, wire_csum_fold(s));
		if (proto == WIRE_PROTO_UDP)
			/* RFC 3948 §2.1: the checksum SHOULD be 0 */
			wire_udp_hdr_build(o + WIRE_IP4_HLEN, WIRE_PORT_NATT, dport,
					   (uint16_t)(len + WIRE_UDP_HLEN), 0);
	}
	p->data = o;
	p->len = (uint16_t)(len + hl);
	p->headroom = (uint16_t)(p->headroom - hl);
	return DP_ENCAP_OK;
}
