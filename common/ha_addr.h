/* SPDX-License-Identifier: BSD-3-Clause */
/* Text <-> binary IPv4/IPv6 addresses and prefixes, and prefix arithmetic (pure). */
#ifndef HA_ADDR_H
#define HA_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/** IPv4 prefix; addr is in network byte order. */
struct ha_prefix4 {
	uint32_t addr;
	uint8_t len;
};

/** IPv6 prefix. */
struct ha_prefix6 {
	struct in6_addr addr;
	uint8_t len;
};

#define HA_ADDR_STRLEN INET6_ADDRSTRLEN
#define HA_PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

/**
 * Parse "a.b.c.d" into network byte order.
 * @return 0, or -1 when the text is not a dotted-quad IPv4 address.
 */
int ha_addr4_parse(const char *s, uint32_t *addr);

/** Parse an IPv6 address. @return 0 or -1. */
int ha_addr6_parse(const char *s, struct in6_addr *addr);

/**
 * Parse "addr/len". Without "/len" the length defaults to 32 (128) when
 * allow_host is true, otherwise it is an error.
 * @return 0, or -1 for bad syntax or a length out of range.
 */
int ha_prefix4_parse(const char *s, bool allow_host, struct ha_prefix4 *p);
int ha_prefix6_parse(const char *s, bool allow_host, struct ha_prefix6 *p);

/** @return true when bits beyond the prefix length are all zero. */
bool ha_prefix4_is_canonical(const struct ha_prefix4 *p);
bool ha_prefix6_is_canonical(const struct ha_prefix6 *p);

/** @return true when addr (network order) lies inside p. */
bool ha_prefix4_contains(const struct ha_prefix4 *p, uint32_t addr);
bool ha_prefix6_contains(const struct ha_prefix6 *p, const struct in6_addr *addr);

/** @return true when the two prefixes share at least one address. */
bool ha_prefix4_overlaps(const struct ha_prefix4 *a, const struct ha_prefix4 *b);
bool ha_prefix6_overlaps(const struct ha_prefix6 *a, const struct ha_prefix6 *b);

/** IPv4 netmask for a length, network byte order. */
uint32_t ha_mask4(uint8_t len);

/** @return true for an address usable as a unicast host address (not 0/8, 127/8, class D/E). */
bool ha_addr4_is_unicast(uint32_t addr);

/** @return true for a global or unique-local unicast IPv6 address (not ::, loopback, multicast,
 *  link-local or IPv4-mapped). */
bool ha_addr6_is_routable_unicast(const struct in6_addr *a);

/** Format helpers; return buf. */
/** a + k as a 128-bit number. @return false when it wraps past ffff:...:ffff. */
bool ha_addr6_add(const struct in6_addr *a, uint64_t k, struct in6_addr *out);

const char *ha_addr4_str(uint32_t addr, char *buf, size_t len);
const char *ha_addr6_str(const struct in6_addr *a, char *buf, size_t len);
const char *ha_prefix4_str(const struct ha_prefix4 *p, char *buf, size_t len);
const char *ha_prefix6_str(const struct ha_prefix6 *p, char *buf, size_t len);

#endif /* HA_ADDR_H */
