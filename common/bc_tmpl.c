/* SPDX-License-Identifier: BSD-3-Clause */
/* Outer-header templates of binding cache entries, built once by the control plane (pure). */
#include <errno.h>
#include <string.h>

#include "bc_entry.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_tun.h"

int
bc_tmpl_build(struct bc_entry *e, const struct bc_tmpl_src *src)
{
	uint8_t *t = e->tmpl;
	uint8_t hl = src->hop_limit != 0 ? src->hop_limit : 64;

	memset(e->tmpl, 0, sizeof(e->tmpl));
	e->tmpl_csum = 0;
	switch (e->fmt) {
	case BC_FMT_IP6:
		/* payload length and next header (41 or 4) are set per packet */
		wire_ip6_hdr_build(t, &src->ha6, &e->coa6, 0, 0, hl);
		e->tmpl_len = WIRE_IP6_HLEN;
		return 0;
	case BC_FMT_IP4:
	case BC_FMT_UDP:
	case BC_FMT_UDP_TLV:
		/*
		 * DF set and ID 0: an atomic datagram (RFC 6864 §4), as Linux ipip/sit do with
		 * pmtudisc. The HA itself answers "too big" for its egress MTU.
		 */
		wire_ip4_hdr_build(t, src->ha4, e->coa4, 0, 0, hl, 0, true);
		wire_wr16(t + 10, 0);
		e->tmpl_len = WIRE_IP4_HLEN;
		if (e->fmt != BC_FMT_IP4) {
			t[9] = WIRE_PROTO_UDP;
			/* UDP checksum 0: allowed over IPv4 (RFC 768); RFC 5555 leaves it open. */
			wire_udp_hdr_build(t + WIRE_IP4_HLEN, WIRE_PORT_DSMIP,
					   rte_be_to_cpu_16(e->nat_port), 0, 0);
			e->tmpl_len += WIRE_UDP_HLEN;
			if (e->fmt == BC_FMT_UDP_TLV)
				e->tmpl_len += WIRE_TLV_HLEN;  /* Type 0; next and length per packet */
		}
		/* the sum leaves out the protocol byte: the encap always adds the one it sends */
		e->tmpl_csum = wire_csum_add(0, t, WIRE_IP4_HLEN) - t[9];
		return 0;
	default:
		e->tmpl_len = 0;
		return -EINVAL;
	}
}
