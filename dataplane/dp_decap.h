/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Decapsulation at the home agent with the reverse-tunnel checks of RFC 6275 §10.4.5 and
 * RFC 5555 §4.5: the outer source must be the care-of address (and UDP port when NATed) of
 * the binding that owns the inner source (its home addresses or prefixes). Pure.
 */
#ifndef DP_DECAP_H
#define DP_DECAP_H

#include <stdint.h>

#include "bc_entry.h"
#include "dp_pkt.h"
#include "ha_counters.h"
#include "wire_pkt.h"

/** The inner packet of a tunnel packet: where it is and whose source to look up. */
struct dp_inner {
	uint16_t off;                 /**< from the frame start */
	uint16_t len;                 /**< from the inner IP header's length field */
	uint8_t family;               /**< 4 or 6 */
	const uint8_t *src;           /**< the inner source address (4 or 16 bytes) */
};

/**
 * Locate and validate the inner packet of a tunnel frame w (IP-in-IP or UDP 4191 vanilla or
 * TLV). @return 0, or the drop reason (inner malformed, TLV next header).
 */
int dp_inner_locate(const struct wire_pkt *w, const uint8_t *frame, struct dp_inner *in,
		    enum ha_drop *why);

/**
 * Check the outer header of w against e, the binding owning the inner source (NULL: none).
 * @return 0 when the packet may be decapsulated, else a drop reason: unknown inner source,
 *         CoA mismatch, or NAT port mismatch (the caller reports the latter).
 */
int dp_decap_check(const struct bc_entry *e, const struct wire_pkt *w, const uint8_t *frame,
		   enum ha_drop *why);

/** Make p the inner packet (L2 and outer headers removed). Inline: out of line, the stage
 *  stored p for the call and read it straight back, a stall perf showed every packet. */
static inline void
dp_decap_strip(struct dp_pkt *p, const struct dp_inner *in)
{
	p->headroom = (uint16_t)(p->headroom + in->off);
	p->data += in->off;
	p->len = in->len;
}

#endif /* DP_DECAP_H */
