/* SPDX-License-Identifier: BSD-3-Clause */
/* Split received packets into the classes the worker handles as bursts (pure). */
#ifndef DP_CLASSIFY_H
#define DP_CLASSIFY_H

#include <stdint.h>

#include "dp_ctx.h"
#include "ha_counters.h"
#include "wire_csum.h"
#include "wire_ip.h"
#include "wire_pkt.h"
#include "wire_tun.h"

enum dp_class {
	DP_C_DROP,                    /**< *why says which counter */
	DP_C_ARP,                     /**< answer (own or proxy) and learn */
	DP_C_ND,                      /**< NS/NA: answer (own or proxy), learn, DAD */
	DP_C_ECHO,                    /**< ICMP(v6) echo request to the home agent */
	DP_C_MH,                      /**< Mobility Header to the home agent: control plane */
	DP_C_HAO,                     /**< other traffic with a Home Address option */
	DP_C_DECAP,                   /**< IP-in-IP or UDP 4191 to the home agent */
	DP_C_ESP,                     /**< ESP, or UDP 4500 ESP, to the home agent */
	DP_C_NATT_KA,                 /**< UDP 4500 NAT keepalive */
	DP_C_IKE,                     /**< IKE to the home agent (UDP 500, UDP 4500 with the
				       *   non-ESP marker): the exception path to charon */
	DP_C_HOME_LINK,               /**< RS or RA on the home link, DHAAD Request or MPS to
				       *   the home agent: control plane (R6275 §10.5, §10.6) */
	DP_C_FWD,                     /**< not for us: bindings first, then the FIB */
	DP_C_PARAM_PROBLEM,           /**< to us, with an extension header we refuse: ICMPv6
				       *   Parameter Problem as wire_pkt.ip6.dst_icmp says, drop */
};

/**
 * Classify a parsed frame received on port index port. w and perr come from
 * wire_pkt_parse over frame. Pure.
 */
enum dp_class dp_classify(const struct wire_pkt *w, enum wire_err perr, const uint8_t *frame,
			  const struct dp_ctx *c, uint16_t port, enum ha_drop *why);

/*
 * The common cases before the general parser, known from a few header bytes of a frame
 * unicast to this port's MAC without a VLAN tag. Whether the destination is one of ours is
 * asked once: not ours, it can only be a plain packet to forward (fast_fwd6/4); ours, only a
 * tunnel to terminate (fast_tunnel6/4).
 */

/* IPv6 not to us, not multicast: to forward when no extension header and not ICMPv6
 * (neighbour discovery, DHAAD), not to a link-local address. The IP length, or 0. */
static inline uint16_t
fast_fwd6(const uint8_t *ip, uint16_t avail)
{
	uint32_t l6 = WIRE_IP6_HLEN + (uint32_t)wire_rd16(ip + 4);
	uint8_t nh = ip[6];

	if (l6 > avail || nh == WIRE_PROTO_HOPOPT || nh == WIRE_PROTO_ROUTING ||
	    nh == WIRE_PROTO_FRAGMENT || nh == WIRE_PROTO_DSTOPTS || nh == WIRE_PROTO_ICMPV6 ||
	    (ip[24] == 0xfe && (ip[25] & 0xc0) == 0x80))
		return 0;
	return (uint16_t)l6;
}

/* IPv4 to dst, not ours: to forward when without options, not to a broadcast or multicast
 * address, with a good header checksum (ip4_csum_good: the NIC checked it). The IP length,
 * or 0. */
static inline uint16_t
fast_fwd4(const uint8_t *ip, uint16_t avail, bool ip4_csum_good, uint32_t dst)
{
	uint16_t ip_len = wire_rd16(ip + 2);

	if (ip[0] != 0x45 || ip_len < WIRE_IP4_HLEN || ip_len > avail ||
	    (ip[16] & 0xf0) == 0xe0 || dst == 0xffffffffu)
		return 0;
	if (!ip4_csum_good && wire_csum_ip4(ip, WIRE_IP4_HLEN) != 0)
		return 0;
	return ip_len;
}

/*
 * ESP (R4303 §2) at esp, avail bytes of it, after the outer header of a tunnel to us: an SPI
 * the parser takes (wire_esp_parse: 256 and up; 1-255 are reserved, and 0 over UDP 4500 is
 * IKE's non-ESP marker). Anything else: the general path.
 */
static inline bool
fast_esp(const uint8_t *esp, uint32_t avail, struct wire_pkt *w)
{
	uint32_t spi;

	if (avail < WIRE_ESP_HLEN)
		return false;
	spi = wire_rd32(esp);
	if (spi < 256)
		return false;
	w->spi = spi;
	return true;
}

/* IPv6 to us, not multicast: IP-in-IPv6 or ESP, nothing between. */
static inline bool
fast_tunnel6(const uint8_t *ip, uint16_t avail, struct wire_pkt *w)
{
	uint16_t plen = wire_rd16(ip + 4);
	uint8_t nh = ip[6];

	if ((nh != WIRE_PROTO_IPV6 && nh != WIRE_PROTO_IPIP && nh != WIRE_PROTO_ESP) ||
	    plen == 0 || WIRE_IP6_HLEN + (uint32_t)plen > avail)
		return false;
	w->l3 = WIRE_L3_IP6;
	w->ip6.payload_len = plen;
	w->ip6.l4_off = WIRE_IP6_HLEN;
	w->ip6.l4_proto = nh;
	w->ip6.hop_limit = ip[7];
	w->ip_len = (uint16_t)(WIRE_IP6_HLEN + plen);
	w->ttl = ip[7];
	w->l4_proto = nh;
	w->l4_off = WIRE_ETH_HLEN + WIRE_IP6_HLEN;
	w->l4_len = plen;
	w->inner_off = w->l4_off;
	if (nh == WIRE_PROTO_ESP) {
		w->tun = WIRE_TUN_ESP;
		return fast_esp(ip + WIRE_IP6_HLEN, plen, w);
	}
	w->tun = WIRE_TUN_IPIP;
	w->inner_proto = nh;
	return true;
}

/* UDP 4191 (R5555 §4.1) or UDP 4500 carrying ESP (R3948) over IPv4, to us. */
static inline bool
fast_udp4(const uint8_t *ip, bool l4_csum_good, struct wire_pkt *w)
{
	const uint8_t *udp = ip + WIRE_IP4_HLEN;
	uint16_t ulen, dport;
	struct wire_udp4191 u;

	if (w->l4_len < WIRE_UDP_HLEN)
		return false;
	dport = wire_rd16(udp + 2);
	ulen = wire_rd16(udp + 4);
	if ((dport != WIRE_PORT_DSMIP && dport != WIRE_PORT_NATT) || ulen < WIRE_UDP_HLEN ||
	    ulen > w->l4_len)
		return false;
	w->inner_off = (uint16_t)(w->l4_off + WIRE_UDP_HLEN);
	if (dport == WIRE_PORT_NATT) {
		/* ESP only: IKE and keepalives go the general way */
		if (!fast_esp(udp + WIRE_UDP_HLEN, ulen - WIRE_UDP_HLEN, w))
			return false;
		w->tun = WIRE_TUN_ESP_UDP;
	} else {
		if (wire_udp4191_parse(udp + WIRE_UDP_HLEN, ulen - WIRE_UDP_HLEN, &u) != WIRE_E_OK)
			return false;
		w->tun = u.tlv ? WIRE_TUN_UDP_TLV : WIRE_TUN_UDP;
		w->inner_proto = u.next;
		w->inner_off = (uint16_t)(w->inner_off + u.inner_off);
	}
	/* RFC 1122 §4.1.3.4, as udp_csum_ok: zero is no checksum over IPv4 */
	if (!l4_csum_good && wire_rd16(udp + 6) != 0 &&
	    wire_ip4_l4_csum(w->ip4.src, w->ip4.dst, WIRE_PROTO_UDP, udp, ulen) != 0)
		return false;
	w->sport = wire_rd16(udp);
	w->dport = dport;
	w->l4_len = ulen;
	return true;
}

/* IPv4 to us (dst): without options, not a fragment, a good header checksum; IP-in-IP, ESP,
 * or UDP as fast_udp4 takes it. */
static inline bool
fast_tunnel4(const uint8_t *ip, uint16_t avail, bool ip4_csum_good, bool l4_csum_good,
	     uint32_t dst, struct wire_pkt *w)
{
	uint16_t tot = wire_rd16(ip + 2), fo = wire_rd16(ip + 6);
	uint8_t proto = ip[9];

	if (ip[0] != 0x45 || tot <= WIRE_IP4_HLEN || tot > avail || (fo & 0x3fff) != 0 ||
	    (proto != WIRE_PROTO_IPIP && proto != WIRE_PROTO_IPV6 && proto != WIRE_PROTO_UDP &&
	     proto != WIRE_PROTO_ESP))
		return false;
	if (!ip4_csum_good && wire_csum_ip4(ip, WIRE_IP4_HLEN) != 0)
		return false;
	w->l3 = WIRE_L3_IP4;
	w->ip4.hlen = WIRE_IP4_HLEN;
	w->ip4.tot_len = tot;
	w->ip4.proto = proto;
	w->ip4.ttl = ip[8];
	w->ip4.df = (fo & 0x4000) != 0;
	memcpy(&w->ip4.src, ip + 12, 4);
	w->ip4.dst = dst;
	w->ip_len = tot;
	w->ttl = ip[8];
	w->l4_proto = proto;
	w->l4_off = WIRE_ETH_HLEN + WIRE_IP4_HLEN;
	w->l4_len = (uint16_t)(tot - WIRE_IP4_HLEN);
	if (proto == WIRE_PROTO_UDP)
		return fast_udp4(ip, l4_csum_good, w);
	w->inner_off = w->l4_off;
	if (proto == WIRE_PROTO_ESP) {
		w->tun = WIRE_TUN_ESP;
		return fast_esp(ip + WIRE_IP4_HLEN, w->l4_len, w);
	}
	w->tun = WIRE_TUN_IPIP;
	w->inner_proto = proto;
	return true;
}

/* What dp_classify_fast found. */
enum dp_fast {
	DP_FAST_NO,                   /**< the general path decides (parse + dp_classify) */
	DP_FAST_FWD,                  /**< DP_C_FWD, nothing else to look at; *ip_len set */
	DP_FAST_TUNNEL,               /**< DP_C_DECAP or DP_C_ESP (dp_classify_tunnel_class),
				       *   w filled */
};

/**
 * The two common cases before the general parser, from a few header bytes: a frame that
 * wire_pkt_parse + dp_classify would call DP_C_FWD with nothing else to look at, or a tunnel
 * the home agent terminates (DP_C_DECAP or DP_C_ESP).
 *
 * Both are unicast to this port's MAC, no VLAN tag, not to a multicast address. To forward
 * (DP_FAST_FWD, *ip_len the IP packet's length, padding excluded; w untouched): IPv4 without
 * options, a good header checksum (ip4_csum_good: the NIC checked it), not to a local or
 * broadcast address; or IPv6 without extension headers, not ICMPv6 (neighbour discovery,
 * DHAAD), not to a local or link-local address. A tunnel (DP_FAST_TUNNEL): IPv6 without
 * extension headers, next header IPv6, IPv4 or ESP, to a home agent address; or IPv4 without
 * options and not a fragment, a good header checksum, to a home agent address, protocol
 * IPv4, IPv6 or ESP, or UDP to port 4191 with a well-formed RFC 5555 header or to port 4500
 * with ESP (not IKE's marker, not a keepalive), with a good or no UDP checksum (l4_csum_good:
 * the NIC checked it); ESP's SPI one the parser takes (256 and up). w is then filled exactly
 * as wire_pkt_parse fills it (l4_csum_good included).
 *
 * Anything else (DP_FAST_NO) takes the general path, which decides as before. The
 * destination is looked up among ours once per frame. Pure; inline, with its helpers above:
 * it runs for every frame.
 */
static inline enum dp_fast
dp_classify_fast(const uint8_t *f, uint16_t len, bool ip4_csum_good, bool l4_csum_good,
		 const struct dp_ctx *c, uint16_t port, struct wire_pkt *w, uint16_t *ip_len)
{
	const uint8_t *ip = f + WIRE_ETH_HLEN, *mac = c->port[port].mac;
	uint16_t et, d2, m2, avail = (uint16_t)(len - WIRE_ETH_HLEN);
	uint32_t d4, m4;
	bool ok;

	if (len < WIRE_ETH_HLEN + WIRE_IP6_HLEN)   /* IPv4 checks its own length below */
		return DP_FAST_NO;
	/* destination MAC: this port's own. Compared as 4 + 2 bytes in registers: an 8-byte
	 * load of a value just assembled on the stack from narrower stores cannot be forwarded
	 * from the store buffer and stalled every frame (perf: half of the rx stage's samples) */
	memcpy(&d4, f, 4);
	memcpy(&m4, mac, 4);
	memcpy(&d2, f + 4, 2);
	memcpy(&m2, mac + 4, 2);
	if (((d4 ^ m4) | (uint32_t)(d2 ^ m2)) != 0)
		return DP_FAST_NO;
	et = wire_rd16(f + 12);
	if (et == WIRE_ETHERTYPE_IPV6) {
		/* a multicast destination is dp_classify's, whatever the addresses say */
		if ((ip[0] >> 4) != 6 || ip[24] == 0xff)
			return DP_FAST_NO;
		if (!dp_local6(c, ip + 24)) {
			*ip_len = fast_fwd6(ip, avail);
			return *ip_len != 0 ? DP_FAST_FWD : DP_FAST_NO;
		}
		/* the parser's output has no stale member: whatever it does not set is zero */
		memset(w, 0, sizeof(*w));
		ok = fast_tunnel6(ip, avail, w);
	} else if (et == WIRE_ETHERTYPE_IPV4) {
		uint32_t dst;

		memcpy(&dst, ip + 16, 4);
		if (!dp_local4(c, dst)) {
			*ip_len = fast_fwd4(ip, avail, ip4_csum_good, dst);
			return *ip_len != 0 ? DP_FAST_FWD : DP_FAST_NO;
		}
		memset(w, 0, sizeof(*w));
		ok = fast_tunnel4(ip, avail, ip4_csum_good, l4_csum_good, dst, w);
	} else {
		return DP_FAST_NO;
	}
	if (!ok)
		return DP_FAST_NO;
	w->l2_len = WIRE_ETH_HLEN;
	w->ethertype = et;
	w->l3_off = WIRE_ETH_HLEN;
	w->l4_csum_good = l4_csum_good;
	return DP_FAST_TUNNEL;
}

/** What dp_classify says of a tunnel dp_classify_fast took: DP_C_ESP or DP_C_DECAP. */
static inline enum dp_class
dp_classify_tunnel_class(const struct wire_pkt *w)
{
	return w->tun == WIRE_TUN_ESP || w->tun == WIRE_TUN_ESP_UDP ? DP_C_ESP : DP_C_DECAP;
}

#endif /* DP_CLASSIFY_H */
