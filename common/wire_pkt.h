/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parse an Ethernet frame once: L2 (one optional VLAN tag), L3 (ARP, IPv4, IPv6 with its
 * extension headers), the first transport header, and the tunnel layer the home agent
 * terminates (IP-in-IP, UDP 4191 vanilla/TLV, ESP, UDP 4500). The worker classifies from the
 * result without touching the headers again (pure).
 */
#ifndef WIRE_PKT_H
#define WIRE_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire_err.h"
#include "wire_ip.h"

#define WIRE_ETH_HLEN 14
#define WIRE_ETHERTYPE_IPV4 0x0800
#define WIRE_ETHERTYPE_ARP 0x0806
#define WIRE_ETHERTYPE_VLAN 0x8100
#define WIRE_ETHERTYPE_IPV6 0x86dd
#define WIRE_ARP_LEN 28

enum wire_l3 {
	WIRE_L3_OTHER,
	WIRE_L3_ARP,
	WIRE_L3_IP4,
	WIRE_L3_IP6,
};

/** The tunnel layer found right after the outer L3 (or L4) header. */
enum wire_tun {
	WIRE_TUN_NONE,
	WIRE_TUN_IPIP,                /**< IP protocol / next header 4 or 41 */
	WIRE_TUN_UDP,                 /**< UDP 4191, IP right after UDP */
	WIRE_TUN_UDP_TLV,             /**< UDP 4191 with a TLV header */
	WIRE_TUN_ESP,                 /**< IP protocol 50 */
	WIRE_TUN_ESP_UDP,             /**< UDP 4500 carrying ESP */
	WIRE_TUN_IKE,                 /**< UDP 500, or 4500 with the non-ESP marker */
	WIRE_TUN_NATT_KEEPALIVE,      /**< UDP 4500, one byte 0xff */
};

struct wire_pkt {
	uint16_t l2_len;              /**< Ethernet header and VLAN tag */
	uint16_t ethertype;
	uint16_t vlan_tci;
	uint8_t l3;                   /**< enum wire_l3 */
	uint8_t l4_proto;             /**< IPv4 protocol / last IPv6 next header */
	uint16_t l3_off;              /**< == l2_len */
	uint16_t l4_off;              /**< from the frame start */
	uint16_t ip_len;              /**< IP total length (header + payload) */
	uint16_t l4_len;              /**< ip_len minus the IP header and extension headers */
	bool frag;                    /**< an IP fragment: nothing beyond L3 was parsed */
	bool l4_csum_good;            /**< the caller's to set: the NIC verified the L4 checksum */
	uint8_t l4_err;               /**< enum wire_err: the transport or tunnel layer is
				       *   malformed (only its destination refuses it) */
	bool vlan;
	uint8_t ttl;                  /**< TTL or hop limit */
	uint8_t tun;                  /**< enum wire_tun */
	uint8_t inner_proto;          /**< 4 or 41 (or the TLV Next Header) for tunnels */
	uint16_t inner_off;           /**< from the frame start: the inner packet (or ESP header) */
	uint16_t sport;               /**< UDP/TCP ports, host order */
	uint16_t dport;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint32_t spi;                 /**< ESP, host order */
	union {
		struct wire_ip4_info ip4;
		struct wire_ip6_info ip6;
	};
};

/** Flag: do not verify the IPv4 header checksum (the NIC already did). */
#define WIRE_PKT_F_NO_IP4_CSUM 0x1

/**
 * Parse frame[0..len). Trailing bytes beyond the IP length (Ethernet padding) are ignored.
 * What only the packet's destination judges does not fail the parse: an IPv6 extension
 * header it must refuse (out->ip6.dst_err) or a malformed transport or tunnel layer
 * (out->l4_err, out->tun left NONE); a router forwards such a packet.
 * @return WIRE_E_OK (out describes the packet), or the first error of L2/L3; out is valid as
 *         far as parsing got (out->l3 is set once the EtherType is known).
 */
enum wire_err wire_pkt_parse(const uint8_t *frame, size_t len, unsigned int flags,
			     struct wire_pkt *out);

#endif /* WIRE_PKT_H */
