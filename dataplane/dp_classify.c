/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classification of a parsed frame (architecture.md "Worker path", step 2). Pure: the frame,
 * its parse and the read-only context in, a class out.
 */
#include <string.h>

#include "dp_classify.h"
#include "wire_csum.h"
#include "wire_ha.h"
#include "wire_ip.h"
#include "wire_nd.h"
#include "wire_tun.h"

static enum ha_drop
parse_drop(enum wire_err e)
{
	switch (e) {
	case WIRE_E_TRUNCATED: return HA_DROP_TRUNCATED;
	case WIRE_E_BAD_CSUM: return HA_DROP_BAD_CSUM;
	case WIRE_E_BAD_ESP: return HA_DROP_ESP;
	default: return HA_DROP_MALFORMED;
	}
}

static bool
mac_is(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, 6) == 0;
}

/*
 * The home agent is the endpoint of UDP 4191 and 4500: a datagram whose non-zero checksum is
 * wrong is discarded (RFC 1122 §4.1.3.4), lest a corrupted source port become a binding's
 * NAT port. Over IPv6 zero is no checksum at all (RFC 8200 §8.1). A checksum the NIC
 * verified is not summed again.
 */
static bool
udp_csum_ok(const struct wire_pkt *w, const uint8_t *frame)
{
	const uint8_t *ip = frame + w->l3_off, *udp = frame + w->l4_off;
	uint16_t len = w->l4_len;

	if (w->l4_csum_good)
		return true;
	if (w->l3 == WIRE_L3_IP4)
		return wire_rd16(udp + 6) == 0 ||
		       wire_ip4_l4_csum(w->ip4.src, w->ip4.dst, WIRE_PROTO_UDP, udp, len) == 0;
	return wire_rd16(udp + 6) != 0 &&
	       wire_ip6_l4_csum((const struct in6_addr *)(const void *)(ip + 8),
				(const struct in6_addr *)(const void *)(ip + 24), WIRE_PROTO_UDP,
				udp, len) == 0;
}

/* What reaches the home agent itself (its addresses), by protocol. */
static enum dp_class
to_us(const struct wire_pkt *w, const uint8_t *frame, const struct dp_ctx *c,
      enum ha_drop *why)
{
	if (w->l3 == WIRE_L3_IP6 && w->ip6.dst_err != WIRE_E_OK) {
		/* an extension header we, the destination, must refuse (RFC 8200 §4) */
		*why = HA_DROP_IP6_EXT;
		return DP_C_PARAM_PROBLEM;
	}
	if (w->l4_err != WIRE_E_OK) {
		*why = parse_drop((enum wire_err)w->l4_err);
		return DP_C_DROP;
	}
	if (w->frag) {
		*why = HA_DROP_FRAGMENT;
		return DP_C_DROP;
	}
	if (w->l4_proto == WIRE_PROTO_UDP && w->tun != WIRE_TUN_NONE && !udp_csum_ok(w, frame)) {
		*why = HA_DROP_BAD_UDP_CSUM;
		return DP_C_DROP;
	}
	switch (w->tun) {
	case WIRE_TUN_IPIP:
	case WIRE_TUN_UDP:
	case WIRE_TUN_UDP_TLV:
		return DP_C_DECAP;
	case WIRE_TUN_ESP:
	case WIRE_TUN_ESP_UDP:
		return DP_C_ESP;
	case WIRE_TUN_NATT_KEEPALIVE:
		return DP_C_NATT_KA;
	case WIRE_TUN_IKE:
		if (c->ike_punt)
			return DP_C_IKE;   /* to the IKE daemon, through the control plane */
		*why = HA_DROP_IKE;
		return DP_C_DROP;
	default:
		break;
	}
	if (w->l4_proto == WIRE_PROTO_MH)
		return DP_C_MH;
	/* R6275 §11.4.2: a mobile node away from home solicits its prefixes from its care-of
	 * address with its home address in a Home Address option */
	if (w->l3 == WIRE_L3_IP6 && w->ip6.has_hao && w->l4_proto == WIRE_PROTO_ICMPV6 &&
	    w->icmp_type == WIRE_ICMP6_MPS)
		return DP_C_HOME_LINK;
	if (w->l3 == WIRE_L3_IP6 && w->ip6.has_hao)
		return DP_C_HAO;
	if (w->l4_proto == WIRE_PROTO_ICMP && w->icmp_type == WIRE_ICMP_ECHO)
		return DP_C_ECHO;
	if (w->l4_proto == WIRE_PROTO_ICMPV6) {
		if (w->icmp_type == WIRE_ICMP6_ECHO)
			return DP_C_ECHO;
		if (w->icmp_type == WIRE_ND_NS || w->icmp_type == WIRE_ND_NA)
			return DP_C_ND;
		if (w->icmp_type == WIRE_ND_RS || w->icmp_type == WIRE_ND_RA ||
		    w->icmp_type == WIRE_ICMP6_DHAAD_REQUEST || w->icmp_type == WIRE_ICMP6_MPS)
			return DP_C_HOME_LINK;
	}
	*why = HA_DROP_LOCAL_UNHANDLED;
	return DP_C_DROP;
}

enum dp_class
dp_classify(const struct wire_pkt *w, enum wire_err perr, const uint8_t *frame,
	    const struct dp_ctx *c, uint16_t port, enum ha_drop *why)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	bool mcast_mac = (frame[0] & 1) != 0;

	if (perr != WIRE_E_OK) {
		*why = parse_drop(perr);
		return DP_C_DROP;
	}
	/* software MAC filter: the ports run promiscuous for proxy ND */
	if (!mcast_mac && !mac_is(frame, c->port[port].mac)) {
		*why = HA_DROP_NOT_FOR_US;
		return DP_C_DROP;
	}
	switch (w->l3) {
	case WIRE_L3_ARP:
		return DP_C_ARP;
	case WIRE_L3_IP4: {
		uint32_t dst = w->ip4.dst;

		if (dp_local4(c, dst))
			return to_us(w, frame, c, why);
		if (mcast_mac || mac_is(frame, bcast) || (ntohl(dst) >> 28) == 0xe ||
		    dst == 0xffffffffu) {
			*why = HA_DROP_MULTICAST;
			return DP_C_DROP;
		}
		return DP_C_FWD;
	}
	case WIRE_L3_IP6: {
		const uint8_t *dst = frame + w->l3_off + 24;

		if (dst[0] == 0xff) {
			/* NS to a solicited-node address, NA to all-nodes: neighbor discovery */
			if (w->l4_proto == WIRE_PROTO_ICMPV6 &&
			    (w->icmp_type == WIRE_ND_NS || w->icmp_type == WIRE_ND_NA))
				return DP_C_ND;
			/* RS to all-routers, RA to all-nodes: on a home port, the home
			 * link's protocol (the home agents list, R6275 §10.5.1) */
			if (w->l4_proto == WIRE_PROTO_ICMPV6 &&
			    (w->icmp_type == WIRE_ND_RS || w->icmp_type == WIRE_ND_RA) &&
			    (c->port[port].role & CFG_ROLE_HOME))
				return DP_C_HOME_LINK;
			*why = HA_DROP_MULTICAST;
			return DP_C_DROP;
		}
		if (dp_local6(c, dst) || memcmp(dst, &c->port[port].ll6, 16) == 0)
			return to_us(w, frame, c, why);
		if (w->l4_proto == WIRE_PROTO_ICMPV6 && w->icmp_type == WIRE_ICMP6_DHAAD_REQUEST &&
		    dp_anycast6(c, dst))
			return DP_C_HOME_LINK;
		if (mcast_mac) {
			*why = HA_DROP_MULTICAST;
			return DP_C_DROP;
		}
		/* NS/NA unicast to another address (a proxied HoA) still is neighbor discovery */
		if (w->l4_proto == WIRE_PROTO_ICMPV6 &&
		    (w->icmp_type == WIRE_ND_NS || w->icmp_type == WIRE_ND_NA))
			return DP_C_ND;
		/* R6275 §10.4.2: never forward to a link-local destination */
		if (dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80) {
			*why = HA_DROP_LINK_LOCAL;
			return DP_C_DROP;
		}
		return DP_C_FWD;
	}
	default:
		*why = HA_DROP_ETHERTYPE;
		return DP_C_DROP;
	}
}
