/* SPDX-License-Identifier: BSD-3-Clause */
/* Parse an Ethernet frame once, down to the tunnel layer the home agent terminates (pure). */
#include <string.h>

#include "wire_csum.h"
#include "wire_pkt.h"
#include "wire_tun.h"

/* Transport and tunnel layer, common to both IP versions. l4 points at the L4 header. */
static enum wire_err
pkt_l4(const uint8_t *l4, struct wire_pkt *o)
{
	struct wire_udp4191 u;
	struct wire_esp esp;
	enum wire_natt_kind k;
	enum wire_err e;
	uint16_t ulen;

	switch (o->l4_proto) {
	case WIRE_PROTO_UDP:
		if (o->l4_len < WIRE_UDP_HLEN)
			return WIRE_E_TRUNCATED;
		o->sport = wire_rd16(l4);
		o->dport = wire_rd16(l4 + 2);
		ulen = wire_rd16(l4 + 4);
		if (ulen < WIRE_UDP_HLEN || ulen > o->l4_len)
			return WIRE_E_BAD_LENGTH;
		o->l4_len = ulen;
		o->inner_off = (uint16_t)(o->l4_off + WIRE_UDP_HLEN);
		if (o->dport == WIRE_PORT_DSMIP) {
			e = wire_udp4191_parse(l4 + WIRE_UDP_HLEN, ulen - WIRE_UDP_HLEN, &u);
			if (e != WIRE_E_OK)
				return e;
			o->tun = u.tlv ? WIRE_TUN_UDP_TLV : WIRE_TUN_UDP;
			o->inner_proto = u.next;
			o->inner_off = (uint16_t)(o->inner_off + u.inner_off);
		} else if (o->dport == WIRE_PORT_NATT) {
			e = wire_udp4500_classify(l4 + WIRE_UDP_HLEN, ulen - WIRE_UDP_HLEN, &k);
			if (e != WIRE_E_OK)
				return e;
			if (k == WIRE_NATT_ESP) {
				e = wire_esp_parse(l4 + WIRE_UDP_HLEN, ulen - WIRE_UDP_HLEN, &esp);
				if (e != WIRE_E_OK)
					return e;
				o->spi = esp.spi;
				o->tun = WIRE_TUN_ESP_UDP;
			} else {
				o->tun = k == WIRE_NATT_IKE ? WIRE_TUN_IKE :
					 WIRE_TUN_NATT_KEEPALIVE;
			}
		} else if (o->dport == WIRE_PORT_IKE) {
			o->tun = WIRE_TUN_IKE;
		}
		return WIRE_E_OK;
	case WIRE_PROTO_TCP:
		if (o->l4_len < 20)
			return WIRE_E_TRUNCATED;
		o->sport = wire_rd16(l4);
		o->dport = wire_rd16(l4 + 2);
		return WIRE_E_OK;
	case WIRE_PROTO_ICMP:
	case WIRE_PROTO_ICMPV6:
		if (o->l4_len < 4)
			return WIRE_E_TRUNCATED;
		o->icmp_type = l4[0];
		o->icmp_code = l4[1];
		return WIRE_E_OK;
	case WIRE_PROTO_IPIP:
	case WIRE_PROTO_IPV6:
		if (o->l4_len == 0)
			return WIRE_E_TRUNCATED;
		o->tun = WIRE_TUN_IPIP;
		o->inner_proto = o->l4_proto;
		o->inner_off = o->l4_off;
		return WIRE_E_OK;
	case WIRE_PROTO_ESP:
		e = wire_esp_parse(l4, o->l4_len, &esp);
		if (e != WIRE_E_OK)
			return e;
		o->spi = esp.spi;
		o->tun = WIRE_TUN_ESP;
		o->inner_off = o->l4_off;
		return WIRE_E_OK;
	default:
		return WIRE_E_OK;  /* MH, GRE, AH, 59, ...: the classifier decides */
	}
}

enum wire_err
wire_pkt_parse(const uint8_t *frame, size_t len, unsigned int flags, struct wire_pkt *o)
{
	const uint8_t *l3;
	size_t l3_avail;
	enum wire_err e;

	memset(o, 0, offsetof(struct wire_pkt, ip4));
	if (len > UINT16_MAX)
		len = UINT16_MAX;
	if (len < WIRE_ETH_HLEN)
		return WIRE_E_TRUNCATED;
	o->l2_len = WIRE_ETH_HLEN;
	o->ethertype = wire_rd16(frame + 12);
	if (o->ethertype == WIRE_ETHERTYPE_VLAN) {
		if (len < WIRE_ETH_HLEN + 4)
			return WIRE_E_TRUNCATED;
		o->vlan = true;
		o->vlan_tci = wire_rd16(frame + 14);
		o->ethertype = wire_rd16(frame + 16);
		o->l2_len += 4;
	}
	o->l3_off = o->l2_len;
	l3 = frame + o->l2_len;
	l3_avail = len - o->l2_len;

	switch (o->ethertype) {
	case WIRE_ETHERTYPE_ARP:
		o->l3 = WIRE_L3_ARP;
		return l3_avail < WIRE_ARP_LEN ? WIRE_E_TRUNCATED : WIRE_E_OK;
	case WIRE_ETHERTYPE_IPV4:
		o->l3 = WIRE_L3_IP4;
		e = wire_ip4_parse(l3, l3_avail, !(flags & WIRE_PKT_F_NO_IP4_CSUM), &o->ip4);
		if (e != WIRE_E_OK)
			return e;
		o->ip_len = o->ip4.tot_len;
		o->ttl = o->ip4.ttl;
		o->l4_proto = o->ip4.proto;
		o->l4_off = (uint16_t)(o->l3_off + o->ip4.hlen);
		o->l4_len = (uint16_t)(o->ip4.tot_len - o->ip4.hlen);
		o->frag = o->ip4.frag;
		break;
	case WIRE_ETHERTYPE_IPV6:
		o->l3 = WIRE_L3_IP6;
		e = wire_ip6_parse(l3, l3_avail, &o->ip6);
		if (e != WIRE_E_OK)
			return e;
		o->ip_len = (uint16_t)(WIRE_IP6_HLEN + o->ip6.payload_len);
		o->ttl = o->ip6.hop_limit;
		o->l4_proto = o->ip6.l4_proto;
		o->l4_off = (uint16_t)(o->l3_off + o->ip6.l4_off);
		o->l4_len = (uint16_t)(o->ip_len - o->ip6.l4_off);
		o->frag = o->ip6.has_frag;
		if (o->ip6.dst_err != WIRE_E_OK)
			return WIRE_E_OK;   /* only its destination looks further (RFC 8200 §4) */
		break;
	default:
		o->l3 = WIRE_L3_OTHER;
		return WIRE_E_OK;
	}
	if (o->frag)
		return WIRE_E_OK;  /* routed as it is; nothing terminates on a fragment */
	/* a router forwards what it does not terminate without judging its transport layer:
	 * what is wrong there is the destination's to refuse */
	e = pkt_l4(frame + o->l4_off, o);
	if (e != WIRE_E_OK) {
		o->l4_err = (uint8_t)e;
		o->tun = WIRE_TUN_NONE;
	}
	return WIRE_E_OK;
}
