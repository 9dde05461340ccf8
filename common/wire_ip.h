/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 and IPv6 headers: validation, the IPv6 extension-header walk (Home Address option,
 * type 2 routing header, fragment header, tunnel encapsulation limit), and header builders.
 * Pure functions on (pointer, length); they never read outside [p, p + len).
 */
#ifndef WIRE_IP_H
#define WIRE_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "wire_err.h"

#define WIRE_IP4_HLEN 20
#define WIRE_IP6_HLEN 40
#define WIRE_UDP_HLEN 8
#define WIRE_RH2_LEN 24              /* RFC 6275 §6.4: HdrExtLen 2, one address */
#define WIRE_HAO_DSTOPT_LEN 24       /* DstOpt header: PadN(2) + HAO(18) + hdr(2) + pad */

/* IP protocol / IPv6 next-header numbers used here. */
#define WIRE_PROTO_HOPOPT 0
#define WIRE_PROTO_ICMP 1
#define WIRE_PROTO_IPIP 4
#define WIRE_PROTO_TCP 6
#define WIRE_PROTO_UDP 17
#define WIRE_PROTO_IPV6 41
#define WIRE_PROTO_ROUTING 43
#define WIRE_PROTO_FRAGMENT 44
#define WIRE_PROTO_GRE 47
#define WIRE_PROTO_ESP 50
#define WIRE_PROTO_AH 51
#define WIRE_PROTO_ICMPV6 58
#define WIRE_PROTO_NONE 59
#define WIRE_PROTO_DSTOPTS 60
#define WIRE_PROTO_MH 135

#define WIRE_DSTOPT_PAD1 0
#define WIRE_DSTOPT_PADN 1
#define WIRE_DSTOPT_TEL 4            /* Tunnel Encapsulation Limit, RFC 2473 §5.1 */
#define WIRE_DSTOPT_HAO 201          /* Home Address option, RFC 6275 §6.3 */

#define WIRE_IP6_MAX_EXT 8           /* longer chains are refused, not walked */

/** Result of validating an IPv4 header. */
struct wire_ip4_info {
	uint16_t hlen;          /**< IHL * 4 */
	uint16_t tot_len;       /**< total length field */
	uint8_t proto;
	uint8_t ttl;
	bool df;
	bool frag;              /**< MF set or offset non-zero */
	uint16_t frag_offset;   /**< in 8-byte units */
	uint32_t src;           /**< network order */
	uint32_t dst;           /**< network order */
};

/** Result of the IPv6 header and extension-header walk. Offsets are from the IPv6 header. */
struct wire_ip6_info {
	uint16_t payload_len;   /**< payload length field */
	uint16_t l4_off;        /**< first byte after the last extension header walked */
	uint8_t l4_proto;       /**< next header at l4_off */
	uint8_t hop_limit;
	uint8_t n_ext;
	bool has_hao;
	bool has_rh2;
	bool has_frag;
	bool has_tel;
	uint8_t tel;            /**< tunnel encapsulation limit value */
	uint16_t hao_off;       /**< offset of the 16-byte home address in the HAO */
	uint16_t rh2_off;       /**< offset of the 16-byte home address in the RH2 */
	uint16_t dstopt_off;    /**< offset of the destination options header holding the HAO */
	uint16_t frag_offset;   /**< fragment offset, 8-byte units */
	bool frag_more;
	/*
	 * What only the packet's destination judges (RFC 8200 §4: extension headers other
	 * than hop-by-hop are not examined on the way): the first such problem, the walk
	 * having stopped there. A router forwards the packet anyway; the destination drops it
	 * and, as dst_icmp says, answers with a Parameter Problem.
	 */
	uint8_t dst_err;        /**< enum wire_err, WIRE_E_OK when none */
	uint8_t dst_icmp;       /**< enum wire_ip6_pp: whether to send the Parameter Problem */
	uint8_t dst_icmp_code;  /**< its code: 0 erroneous field, 2 unrecognized option */
	uint16_t err_off;       /**< its pointer: offset of the field from the IPv6 header */
};

/** Whether a destination answers a dst_err with an ICMPv6 Parameter Problem (RFC 8200 §4.2). */
enum wire_ip6_pp {
	WIRE_IP6_PP_NONE,       /**< discard silently */
	WIRE_IP6_PP_SEND,
	WIRE_IP6_PP_UNLESS_MCAST, /**< only if the destination address is not multicast */
};

/**
 * Validate an IPv4 header: version, IHL >= 5 and within len, total length within len,
 * header checksum when verify_csum.
 * @return WIRE_E_OK; a fragment is reported in info->frag, not as an error.
 */
enum wire_err wire_ip4_parse(const uint8_t *p, size_t len, bool verify_csum,
			     struct wire_ip4_info *info);

/**
 * Validate an IPv6 header and walk its extension headers: hop-by-hop (first only),
 * destination options (HAO, tunnel encapsulation limit, padding; an unknown option whose
 * action bits are not 00), routing (type 2: HdrExtLen 2, Segments Left 1; other types only
 * with Segments Left 0), fragment (reported, the walk stops after it). The walk stops at any
 * other next header (upper layer, ESP, AH, MH, 59). What only the destination judges (an
 * option, a routing header, a header's inside) stops the walk with info->dst_err set and
 * WIRE_E_OK returned: a transit packet is forwarded as it is.
 * @return WIRE_E_OK, or an error that makes the packet unusable to anyone (lengths); info
 *         is filled as far as the walk got.
 */
enum wire_err wire_ip6_parse(const uint8_t *p, size_t len, struct wire_ip6_info *info);

/** Write a 20-byte IPv4 header with checksum; addresses network order. */
void wire_ip4_hdr_build(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, uint16_t tot_len,
			uint8_t ttl, uint16_t id, bool df);

/** Write a 40-byte IPv6 header. */
void wire_ip6_hdr_build(uint8_t *p, const struct in6_addr *src, const struct in6_addr *dst,
			uint8_t nh, uint16_t payload_len, uint8_t hop_limit);

/** Write an 8-byte UDP header; csum host order (0: none). */
void wire_udp_hdr_build(uint8_t *p, uint16_t sport, uint16_t dport, uint16_t len, uint16_t csum);

/** Write a 24-byte type 2 routing header carrying hoa (RFC 6275 §6.4). */
void wire_rh2_build(uint8_t *p, uint8_t nh, const struct in6_addr *hoa);

/** Write a 24-byte destination options header: PadN(4), Home Address option (8n+6). */
void wire_hao_dstopt_build(uint8_t *p, uint8_t nh, const struct in6_addr *hoa);

/**
 * Checksum of an upper-layer payload over the IPv6 pseudo-header (RFC 8200 §8.1); the
 * checksum field inside payload must be zero or is included as it is.
 * @return the value to store, host order.
 */
uint16_t wire_ip6_l4_csum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh,
			  const uint8_t *payload, size_t len);

/** As wire_ip6_l4_csum over the IPv4 pseudo-header (addresses network order). */
uint16_t wire_ip4_l4_csum(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *payload,
			  size_t len);

#endif /* WIRE_IP_H */
