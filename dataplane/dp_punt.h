/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a worker hands to the control plane, in the private area of the mbuf: signalling
 * with its arrival context, neighbor work, and events. One SP/SC ring per worker.
 */
#ifndef DP_PUNT_H
#define DP_PUNT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "ha_counters.h"

#define DP_MBUF_PRIV 64

enum dp_punt_kind {
	DP_PUNT_MH = 1,               /**< a Mobility Header to the home agent */
	DP_PUNT_HAO,                  /**< a Home Address option without a binding: BE 1 */
	DP_PUNT_ARP,                  /**< ARP to learn from */
	DP_PUNT_ND,                   /**< NS/NA to learn from, or to check DAD against */
	DP_PUNT_HOLD,                 /**< a packet (L3 first) waiting for its next hop's MAC */
	DP_PUNT_SEEN,                 /**< traffic from a NATed binding: keeps it fresh */
	DP_PUNT_NAT_PORT,             /**< a valid flow from a new NAT port: report */
	DP_PUNT_ESP,                  /**< ESP of a signalling SA, with where it came from */
	DP_PUNT_ESP_NATT,             /**< authenticated UDP 4500 ESP from a new NAT mapping */
	DP_PUNT_IKE,                  /**< IKE to the home agent: the whole frame, for charon */
	DP_PUNT_HOME_LINK,            /**< RS, RA, DHAAD Request, MPS: the home link's protocol */
	DP_PUNT_KINDS
};

/** Signalling (BUs, clear or in ESP) has a ring of its own that the control plane drains
 *  first; everything else shares the other ring, each kind behind a token bucket. */
static inline bool
dp_punt_is_signalling(uint8_t kind)
{
	return kind == DP_PUNT_MH || kind == DP_PUNT_ESP;
}

struct dp_punt {
	uint8_t kind;                 /**< enum dp_punt_kind */
	uint8_t family;               /**< HOLD: 4 or 6 */
	uint16_t port;                /**< port index it arrived on / leaves by */
	uint16_t l3_off;              /**< MH, ESP: the IPv6 header carrying it */
	uint16_t mh_off;              /**< MH: the Mobility Header; ESP: the ESP header;
				       *   HOME_LINK: the ICMPv6 message */
	uint16_t mh_len;              /**< MH: its length; ESP: from the ESP header to the end;
				       *   HOME_LINK: the ICMPv6 message's */
	uint8_t udp4;                 /**< arrived IPv4/UDP 4191 encapsulated */
	uint8_t udp6;                 /**< arrived UDP 4191 over IPv6 */
	uint8_t tlv;
	uint8_t tun6;                 /**< arrived IPv6-in-IPv6: outer_src6 is the outer source */
	uint8_t has_hao;
	uint16_t hao_off;
	uint16_t outer_sport;         /**< host order */
	uint32_t outer_src4;          /**< network order */
	uint32_t outer_dst4;
	uint32_t mn;                  /**< SEEN, NAT_PORT, ESP_NATT */
	union {
		uint8_t nh[16];       /**< HOLD: next hop (IPv4 in the first 4 bytes) */
		uint8_t outer_src6[16]; /**< MH, ESP with tun6 */
	};
};

_Static_assert(sizeof(struct dp_punt) <= DP_MBUF_PRIV, "punt metadata fits the mbuf area");

static inline struct dp_punt *
dp_punt_meta(struct rte_mbuf *m)
{
	return (struct dp_punt *)rte_mbuf_to_priv(m);
}

struct dp_lcore;
struct dp_inner;
struct wire_pkt;
struct wire_ip6_info;

/** How a packet punted from inside a tunnel came (seed 001 §4.4): the tunnel's kind, outer
 *  addresses and UDP source port, from its parse w over frame. */
void dp_punt_set_outer(struct dp_punt *meta, const struct wire_pkt *w, const uint8_t *frame);

/** A small event for the control plane (an mbuf of its own, no packet): kind about node
 *  mn, with the outer IPv4 source and UDP source port it concerns; counted as ev. */
void dp_punt_event(struct dp_lcore *lc, uint8_t kind, uint32_t mn, uint32_t src4,
		   uint16_t sport, enum ha_event ev);

/**
 * A Mobility Header for the control plane: m received on port index port, w its parse; in
 * and i6 say where the MH is when it came inside a tunnel (NULL: directly). Consumes m.
 */
void dp_punt_mh(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w,
		uint16_t port, const struct dp_inner *in, const struct wire_ip6_info *i6);

#endif /* DP_PUNT_H */
