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

/**
 * The common case before the general parser: a frame that wire_pkt_parse + dp_classify
 * would call DP_C_FWD with nothing else to look at, recognised from a few header bytes —
 * unicast to this port's MAC, no VLAN tag; IPv4 without options, a good header checksum
 * (ip4_csum_good: the NIC checked it), not to a local, broadcast or multicast address; or
 * IPv6 without extension headers, not ICMPv6 (neighbour discovery, DHAAD), not to a local,
 * multicast or link-local address. Anything else (0) takes the general path, which decides
 * exactly as before. Pure.
 * @return the IP packet's length (what follows the Ethernet header, padding excluded), or 0.
 */
static inline uint16_t
dp_classify_fast_fwd(const uint8_t *f, uint16_t len, bool ip4_csum_good, const struct dp_ctx *c,
		     uint16_t port)
{
	const uint8_t *ip = f + 14, *mac = c->port[port].mac;
	uint16_t et, ip_len, d2, m2;
	uint32_t d4, m4;

	if (len < 14 + 40)            /* 40: IPv6; IPv4 checks its own below */
		return 0;
	/* destination MAC: this port's own. Compared as 4 + 2 bytes in registers: an 8-byte
	 * load of a value just assembled on the stack from narrower stores cannot be forwarded
	 * from the store buffer and stalled every frame (perf: half of the rx stage's samples) */
	memcpy(&d4, f, 4);
	memcpy(&m4, mac, 4);
	memcpy(&d2, f + 4, 2);
	memcpy(&m2, mac + 4, 2);
	if (((d4 ^ m4) | (uint32_t)(d2 ^ m2)) != 0)
		return 0;
	et = wire_rd16(f + 12);
	if (et == WIRE_ETHERTYPE_IPV4) {
		uint32_t dst;

		ip_len = wire_rd16(ip + 2);
		if (ip[0] != 0x45 || ip_len < WIRE_IP4_HLEN || ip_len > len - 14u)
			return 0;
		memcpy(&dst, ip + 16, 4);
		if ((ip[16] & 0xf0) == 0xe0 || dst == 0xffffffffu || dp_local4(c, dst))
			return 0;
		if (!ip4_csum_good && wire_csum_ip4(ip, WIRE_IP4_HLEN) != 0)
			return 0;
		return ip_len;
	}
	if (et == WIRE_ETHERTYPE_IPV6) {
		uint32_t l6 = WIRE_IP6_HLEN + (uint32_t)wire_rd16(ip + 4);
		uint8_t nh = ip[6];

		if ((ip[0] >> 4) != 6 || l6 > len - 14u)
			return 0;
		ip_len = (uint16_t)l6;
		if (nh == WIRE_PROTO_HOPOPT || nh == WIRE_PROTO_ROUTING ||
		    nh == WIRE_PROTO_FRAGMENT || nh == WIRE_PROTO_DSTOPTS ||
		    nh == WIRE_PROTO_ICMPV6)
			return 0;
		if (ip[24] == 0xff || (ip[24] == 0xfe && (ip[25] & 0xc0) == 0x80) ||
		    dp_local6(c, ip + 24))
			return 0;
		return ip_len;
	}
	return 0;
}

/**
 * The tunnelled traffic the home agent terminates, before the general parser: a frame that
 * wire_pkt_parse + dp_classify would call DP_C_DECAP or DP_C_ESP, recognised by its shape
 * alone — unicast to this port's MAC, no VLAN tag; IPv6 without extension headers, next
 * header IPv6, IPv4 or ESP, to a home agent address; or IPv4 without options and not a
 * fragment, a good header checksum (ip4_csum_good: the NIC checked it, else summed here), to
 * a home agent address, protocol IPv4, IPv6 or ESP, or UDP to port 4191 with a well-formed
 * RFC 5555 header or to port 4500 with ESP (not IKE's marker, not a keepalive), with a good
 * or no UDP checksum (l4_csum_good: the NIC checked it). ESP's SPI is one the parser takes
 * (256 and up). w is then filled exactly as wire_pkt_parse fills it (l4_csum_good
 * included); dp_classify_tunnel_class says which of the two it is. Anything else (false)
 * takes the general path, which decides as before. Pure.
 */
bool dp_classify_fast_tunnel(const uint8_t *f, uint16_t len, bool ip4_csum_good,
			     bool l4_csum_good, const struct dp_ctx *c, uint16_t port,
			     struct wire_pkt *w);

/** What dp_classify says of a tunnel dp_classify_fast_tunnel took: DP_C_ESP or DP_C_DECAP. */
static inline enum dp_class
dp_classify_tunnel_class(const struct wire_pkt *w)
{
	return w->tun == WIRE_TUN_ESP || w->tun == WIRE_TUN_ESP_UDP ? DP_C_ESP : DP_C_DECAP;
}

#endif /* DP_CLASSIFY_H */
