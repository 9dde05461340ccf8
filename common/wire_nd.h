/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826), Neighbor Discovery (RFC 4861) and ICMP/ICMPv6 messages the home agent reads
 * and writes on its links: proxy ARP/ND for home addresses, DAD, echo replies and the ICMP
 * errors of a router (packet too big, time exceeded). Pure functions on (pointer, length).
 */
#ifndef WIRE_ND_H
#define WIRE_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "wire_err.h"

#define WIRE_MAC_LEN 6

#define WIRE_ARP_REQUEST 1
#define WIRE_ARP_REPLY 2

#define WIRE_ICMP_ECHO_REPLY 0
#define WIRE_ICMP_UNREACH 3
#define WIRE_ICMP_UNREACH_FRAG 4              /* fragmentation needed and DF set */
#define WIRE_ICMP_ECHO 8
#define WIRE_ICMP_TIME_EXCEEDED 11

#define WIRE_ICMP6_UNREACH 1
#define WIRE_ICMP6_TOO_BIG 2
#define WIRE_ICMP6_TIME_EXCEEDED 3
#define WIRE_ICMP6_PARAM_PROB 4
#define WIRE_ICMP6_ECHO 128
#define WIRE_ICMP6_ECHO_REPLY 129
#define WIRE_ND_RS 133
#define WIRE_ND_RA 134
#define WIRE_ND_NS 135
#define WIRE_ND_NA 136

#define WIRE_NA_R 0x80                        /* router */
#define WIRE_NA_S 0x40                        /* solicited */
#define WIRE_NA_O 0x20                        /* override */

#define WIRE_ND_OPT_SLLA 1
#define WIRE_ND_OPT_TLLA 2

#define WIRE_IP6_MIN_MTU 1280

/** An ARP packet for IPv4 over Ethernet; addresses network order. */
struct wire_arp {
	uint16_t op;
	uint8_t sha[WIRE_MAC_LEN];
	uint32_t spa;
	uint8_t tha[WIRE_MAC_LEN];
	uint32_t tpa;
};

/** Parse the 28-byte ARP body (Ethernet/IPv4 only). */
enum wire_err wire_arp_parse(const uint8_t *p, size_t len, struct wire_arp *out);

/** Write a 28-byte ARP body. */
void wire_arp_build(uint8_t *p, const struct wire_arp *a);

/** A Neighbor Solicitation or Advertisement (after the ICMPv6 header). */
struct wire_nd {
	uint8_t type;                         /**< WIRE_ND_NS or WIRE_ND_NA */
	uint8_t na_flags;                     /**< WIRE_NA_* */
	bool has_lla;                         /**< source (NS) or target (NA) link-layer option */
	struct in6_addr target;
	uint8_t lla[WIRE_MAC_LEN];
};

/**
 * Parse an NS or NA (RFC 4861 §4.3-§4.4, §7.1.1-§7.1.2): ICMPv6 at p with len bytes, hop
 * limit 255, code 0, checksum over src/dst, target not multicast, options well formed.
 */
enum wire_err wire_nd_parse(const uint8_t *icmp6, size_t len, uint8_t hop_limit,
			    const struct in6_addr *src, const struct in6_addr *dst,
			    struct wire_nd *out);

/**
 * Build IPv6 + NS or NA at p. For an NS, lla (when non-NULL) goes in a Source Link-layer
 * Address option (none for DAD, RFC 4862 §5.4.2); for an NA in a Target one.
 * @return the packet length, or -WIRE_E_NOSPACE.
 */
int wire_nd_build(uint8_t *p, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
		  const struct wire_nd *nd);

/** The solicited-node multicast address of a (RFC 4291 §2.7.1). */
void wire_nd_solicited_node(const struct in6_addr *a, struct in6_addr *out);

/** The Ethernet multicast MAC of an IPv6 multicast address (RFC 2464 §7). */
void wire_nd_mcast_mac(const struct in6_addr *a, uint8_t mac[WIRE_MAC_LEN]);

/** The link-local address fe80::/64 with the modified EUI-64 of a MAC (RFC 4291 App. A). */
void wire_nd_link_local(const uint8_t mac[WIRE_MAC_LEN], struct in6_addr *out);

/**
 * Turn an ICMP echo request (IPv4 header at p, hlen bytes, total len) into its reply in
 * place: swap the addresses, type 0, fresh TTL, fixed checksums.
 */
void wire_icmp4_echo_reply(uint8_t *p, uint16_t hlen, uint16_t len);

/** As wire_icmp4_echo_reply for ICMPv6 (IPv6 header at p, ICMPv6 at l4_off). */
void wire_icmp6_echo_reply(uint8_t *p, uint16_t l4_off, uint16_t len);

/**
 * Build an ICMPv4 error (RFC 792/1191) about the packet at orig (its IP header, orig_len
 * bytes available): its header plus 8 bytes are quoted. mtu is used by frag-needed.
 * @return the length written at p, or -WIRE_E_NOSPACE.
 */
int wire_icmp4_error(uint8_t *p, size_t cap, uint32_t src, uint8_t type, uint8_t code,
		     uint16_t mtu, const uint8_t *orig, size_t orig_len);

/**
 * Build an ICMPv6 error (RFC 4443) about the packet at orig: as much of it as keeps the
 * error within the minimum MTU. param is the MTU (too big) or the pointer (param problem).
 * @return the length written at p, or -WIRE_E_NOSPACE.
 */
int wire_icmp6_error(uint8_t *p, size_t cap, const struct in6_addr *src, uint8_t type,
		     uint8_t code, uint32_t param, const uint8_t *orig, size_t orig_len);

#endif /* WIRE_ND_H */
