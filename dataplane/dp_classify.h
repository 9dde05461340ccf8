/* SPDX-License-Identifier: BSD-3-Clause */
/* Split received packets into the classes the worker handles as bursts (pure). */
#ifndef DP_CLASSIFY_H
#define DP_CLASSIFY_H

#include <stdint.h>

#include "dp_ctx.h"
#include "ha_counters.h"
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

#endif /* DP_CLASSIFY_H */
