/* SPDX-License-Identifier: BSD-3-Clause */
/* When the home agent may answer a packet with an ICMP error (pure, unit-tested). */
#ifndef DP_ICMP_H
#define DP_ICMP_H

#include <stdbool.h>
#include <stdint.h>

/**
 * May an ICMP(v6) error of this type and code be sent about the IP packet ip[0..len)?
 * IPv4, RFC 1812 §4.3.2.7: never about an ICMP error, a non-first fragment, a packet to a
 * broadcast or multicast destination, or from a source that is not one host (0.0.0.0,
 * loopback, multicast, class E, broadcast). IPv6, RFC 4443 §2.4(e): never about an ICMPv6
 * error, nor to a multicast or unspecified source; to a multicast destination only Packet
 * Too Big and Parameter Problem code 2.
 */
bool dp_icmp_error_allowed(const uint8_t *ip, uint16_t len, uint8_t type, uint8_t code);

#endif /* DP_ICMP_H */
