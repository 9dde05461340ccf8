/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The home link's protocol, pure (no EAL): the Router Advertisement this home agent sends
 * (R6275 §7.1-§7.4), the home agents list other home agents' RAs build (§10.5.1), and the
 * DHAAD reply it gives (§10.5): preference first, this home agent included, at most what
 * fits the minimum MTU. The I/O around it is cp_io_hl.c.
 */
#ifndef CP_HL_H
#define CP_HL_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "cfg.h"
#include "wire_ha.h"

#define CP_HL_AGENTS_MAX 32           /* other home agents remembered per home link */

struct cp_hl_agent {
	struct in6_addr addr;         /**< its global address (the R bit's Prefix Information) */
	struct in6_addr ll;           /**< the link-local source of its RAs */
	uint16_t port;
	int16_t pref;
	uint64_t expiry_ms;
};

struct cp_hl_stats {
	uint64_t ra_sent;
	uint64_t rs_received;
	uint64_t ra_received;         /**< from other home agents (H bit) */
	uint64_t ra_other;            /**< from routers that are not home agents */
	uint64_t invalid;             /**< RS/RA/DHAAD/MPS that did not parse or validate */
	uint64_t dhaad_requests;
	uint64_t dhaad_replies;
	uint64_t mps_received;        /**< Mobile Prefix Solicitations */
	uint64_t mps_unprotected;     /**< not answered: policy.require_ipsec and no IPsec */
	uint64_t mps_unbound;         /**< not answered: no binding (unprotected: from that care-of
				       *   address; protected: of the SA's node) */
	uint64_t mpa_sent;            /**< answers to solicitations */
	uint64_t mpa_protected;       /**< ... of them through the node's signalling SA */
	uint64_t mpa_unsolicited;     /**< to registered nodes after the home prefixes changed */
	uint64_t mpa_unprotected;     /**< ... not sent: policy.require_ipsec, the node has no SA */
	uint64_t list_full;           /**< an RA's home agent not kept: the list was full */
};

struct cp_hl {
	uint64_t next_ra_ms[CFG_MAX_PORTS];   /**< 0: none planned */
	uint64_t last_ra_ms[CFG_MAX_PORTS];
	uint64_t rnd;                 /**< xorshift64 state for the RA jitter */
	unsigned int n;
	struct cp_hl_agent agents[CP_HL_AGENTS_MAX];
	struct cp_hl_stats stats;
	bool mpa_walk;                /**< unsolicited MPAs to send (the home prefixes changed) */
	uint32_t mpa_cursor;          /**< the next node slot of that walk */
};

/**
 * The RA this home agent sends on a home port with the given MAC and MTU: H bit, router
 * lifetime, source link-layer address, MTU, a Prefix Information option (on-link) per home
 * prefix (up to WIRE_RA_PIO_MAX), the one holding home_agent.address6 with the R bit and
 * that address, the Advertisement Interval and Home Agent Information options.
 */
void cp_hl_ra(const struct ha_cfg *cfg, const uint8_t mac[6], uint16_t mtu, struct wire_ra *ra);

/**
 * The home prefixes as Prefix Information options (at most WIRE_RA_PIO_MAX): on-link, the
 * one holding home_agent.address6 with the R bit and that address. @return how many.
 */
uint8_t cp_hl_pios(const struct ha_cfg *cfg, struct wire_pio *pio);

/**
 * An RA heard on port from src (link-local): a home agent's (H bit and a Prefix Information
 * option with R) joins or refreshes the list for the Home Agent Information option's
 * lifetime (else the router lifetime), with its preference (else 0); lifetime 0 removes it.
 * @return true when it was a home agent's.
 */
bool cp_hl_learn(struct cp_hl *hl, const struct wire_ra *ra, const struct in6_addr *src,
		 uint16_t port, uint64_t now_ms);

/** Forget home agents whose lifetime has run out. */
void cp_hl_expire(struct cp_hl *hl, uint64_t now_ms);

/**
 * The DHAAD reply's addresses for a request to the anycast address of home prefix pfx:
 * this home agent (self, self_pref) and every listed one inside pfx, highest preference
 * first, equal ones in a random order (R6275 §10.5.1: so that they share new nodes), at
 * most max (WIRE_DHAAD_MAX). @return how many.
 */
unsigned int cp_hl_dhaad(struct cp_hl *hl, const struct in6_addr *self, int16_t self_pref,
			 const struct ha_prefix6 *pfx, uint64_t now_ms, struct in6_addr *out,
			 unsigned int max);

/**
 * The preference this home agent advertises and orders DHAAD by: home_link.ha_preference,
 * less, with home_link.load_following, 1 per 0.1 % of capacity.bindings in use (an empty
 * home agent keeps its preference, a full one is 1000 lower), within -32768..32767. Home
 * agents with the same configured preference then list the least loaded first.
 */
int16_t cp_hl_preference(const struct ha_cfg *cfg, uint64_t bindings);

/** The delay to the next periodic RA: 75..100 % of interval_ms (RFC 4861 §6.2.4's jitter). */
uint64_t cp_hl_next_delay(struct cp_hl *hl, uint32_t interval_ms);

/** The next number of hl's xorshift64 sequence (RA jitter, DHAAD ties, MPA identifiers). */
uint64_t cp_hl_rand(struct cp_hl *hl);

#endif /* CP_HL_H */
