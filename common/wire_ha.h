/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The home link's own ICMPv6 messages (RFC 6275 §6.5-§6.8, §7.1-§7.4): Router
 * Advertisements with the H bit, the Prefix Information option's R bit, the Advertisement
 * Interval and Home Agent Information options; Dynamic Home Agent Address Discovery
 * Request/Reply; Mobile Prefix Solicitation/Advertisement; the Mobile IPv6 home-agents
 * anycast address (RFC 2526). Pure builders and parsers on (pointer, length); every number
 * checked against IANA and Wireshark (README, protocol table).
 */
#ifndef WIRE_HA_H
#define WIRE_HA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "wire_err.h"

#define WIRE_ICMP6_DHAAD_REQUEST 144     /* R6275 §6.5 */
#define WIRE_ICMP6_DHAAD_REPLY 145       /* R6275 §6.6 */
#define WIRE_ICMP6_MPS 146               /* Mobile Prefix Solicitation, R6275 §6.7 */
#define WIRE_ICMP6_MPA 147               /* Mobile Prefix Advertisement, R6275 §6.8 */

#define WIRE_ND_OPT_PREFIX 3             /* Prefix Information, RFC 4861 §4.6.2 */
#define WIRE_ND_OPT_MTU 5
#define WIRE_ND_OPT_ADV_INTERVAL 7       /* R6275 §7.3 */
#define WIRE_ND_OPT_HA_INFO 8            /* R6275 §7.4 */

#define WIRE_RA_M 0x80
#define WIRE_RA_O 0x40
#define WIRE_RA_H 0x20                   /* the router is a home agent, R6275 §7.1 */
#define WIRE_PIO_L 0x80
#define WIRE_PIO_A 0x40
#define WIRE_PIO_R 0x20                  /* prefix field holds the router's address, §7.2 */
#define WIRE_MPA_M 0x8000
#define WIRE_MPA_O 0x4000

/** The Mobile IPv6 home-agents anycast ID (RFC 2526 §3). */
#define WIRE_HA_ANYCAST_ID 0x7e
/** Home agent addresses in a DHAAD reply within the minimum MTU: (1280 - 40 - 8) / 16. */
#define WIRE_DHAAD_MAX 77
#define WIRE_RA_PIO_MAX 8

/** A Prefix Information option (RFC 4861 §4.6.2). */
struct wire_pio {
	struct in6_addr prefix;          /**< with R: the router's whole address */
	uint8_t plen;
	uint8_t flags;                   /**< WIRE_PIO_* */
	uint32_t valid;                  /**< seconds */
	uint32_t preferred;
};

/** A Router Advertisement and the options a home agent sends or reads. */
struct wire_ra {
	uint8_t cur_hop_limit;
	uint8_t flags;                   /**< WIRE_RA_* */
	uint16_t router_lifetime;        /**< seconds; 0: not a default router */
	uint32_t reachable_ms;
	uint32_t retrans_ms;
	bool has_slla;
	uint8_t slla[6];
	uint32_t mtu;                    /**< 0: no MTU option */
	bool has_interval;
	uint32_t interval_ms;            /**< Advertisement Interval option */
	bool has_ha_info;
	int16_t ha_pref;                 /**< Home Agent Information option: preference */
	uint16_t ha_lifetime;            /**<   and lifetime, seconds */
	uint8_t n_pio;
	struct wire_pio pio[WIRE_RA_PIO_MAX];
};

/** A DHAAD Request or Reply, an MPS or an MPA (after the ICMPv6 type). */
struct wire_ha_msg {
	uint8_t type;                    /**< WIRE_ICMP6_DHAAD_* or WIRE_ICMP6_MP* */
	uint16_t id;
	uint16_t mpa_flags;              /**< WIRE_MPA_M, WIRE_MPA_O */
	uint8_t n_ha;                    /**< reply: the home agents, preferred first */
	struct in6_addr ha[WIRE_DHAAD_MAX];
	uint8_t n_pio;                   /**< MPA: the home prefixes */
	struct wire_pio pio[WIRE_RA_PIO_MAX];
};

/**
 * Build IPv6 (hop limit 255) + RA at p: the header, then the Source Link-layer Address,
 * MTU, Prefix Information, Advertisement Interval and Home Agent Information options that
 * ra names. @return the packet length, or -WIRE_E_NOSPACE.
 */
int wire_ra_build(uint8_t *p, size_t cap, const struct in6_addr *src,
		  const struct in6_addr *dst, const struct wire_ra *ra);

/**
 * Parse an RA (ICMPv6 at icmp6, len bytes) as RFC 4861 §6.1.2 validates one: hop limit
 * 255, link-local source, code 0, valid checksum, at least 16 bytes, no option of length 0.
 * Options this home agent does not use are skipped; more than WIRE_RA_PIO_MAX prefixes are
 * counted in n_pio but not kept.
 */
enum wire_err wire_ra_parse(const uint8_t *icmp6, size_t len, uint8_t hop_limit,
			    const struct in6_addr *src, const struct in6_addr *dst,
			    struct wire_ra *out);

/**
 * Build IPv6 + a DHAAD Request/Reply, MPS or MPA at p from m (its type says which). A reply
 * carries at most WIRE_DHAAD_MAX addresses (R6275 §10.5: it fits the minimum MTU; the rest
 * are left out, the first ones kept). Hop limit 64. @return the length, or -WIRE_E_NOSPACE.
 */
int wire_ha_msg_build(uint8_t *p, size_t cap, const struct in6_addr *src,
		      const struct in6_addr *dst, const struct wire_ha_msg *m);

/**
 * As wire_ha_msg_build, to a mobile node away from home: IPv6 from src to its care-of
 * address coa, a type 2 routing header with its home address hoa, then the message, whose
 * checksum is over hoa, the final destination (R6275 §6.8: a Mobile Prefix Advertisement).
 */
int wire_ha_msg_build_rh2(uint8_t *p, size_t cap, const struct in6_addr *src,
			  const struct in6_addr *coa, const struct in6_addr *hoa,
			  const struct wire_ha_msg *m);

/** Parse a DHAAD Request/Reply, MPS or MPA: code 0, checksum, lengths, option lengths. */
enum wire_err wire_ha_msg_parse(const uint8_t *icmp6, size_t len, const struct in6_addr *src,
				const struct in6_addr *dst, struct wire_ha_msg *out);

/**
 * The Mobile IPv6 home-agents anycast address of the subnet prefix/plen (RFC 2526 §2, §3):
 * up to /64, the first 64 bits of prefix and the interface identifier fdff:ffff:ffff:fffe
 * (anycast ID 0x7e, u/l bit clear); longer (no EUI-64 format), every host bit set but the
 * ID's. plen must be at most 121.
 */
void wire_ha_anycast(const struct in6_addr *prefix, uint8_t plen, struct in6_addr *out);

#endif /* WIRE_HA_H */
