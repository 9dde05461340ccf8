/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inbound ESP stage: classification by SPI before decryption (seed 001 §4.3-§4.4),
 * signalling SAs to the control plane, steering of each inbound payload SA to the one
 * worker that owns it (rte_ipsec's inbound SAs are single-threaded), decryption with the
 * anti-spoof check, then forwarding (dp_fwd.h).
 */
#ifndef DP_ESP_IN_H
#define DP_ESP_IN_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "dp_lcore.h"
#include "wire_pkt.h"

/**
 * ESP frames addressed to the home agent (IPv4 or IPv6 protocol 50, or UDP 4500): signalling
 * SAs go to the control plane with their outer addresses, payload SAs are decrypted here or
 * by their worker. Decrypted packets are routed. Consumes every packet.
 */
void dp_esp_rx(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts,
	       struct wire_pkt *const *ws, uint16_t n);

/** Decrypt what other workers steered to this one. */
void dp_esp_rx_steered(struct dp_lcore *lc);

/**
 * Signalling ESP found inside a tunnel to the home agent (the inner IPv6 of UDP 4191 or of
 * IPv6-in-IPv6): punt it. @return 0 when punted, else the drop reason and m untouched:
 * HA_DROP_ESP for an SPI the home agent does not have (an SA gone, e.g. before a restart),
 * HA_DROP_ESP_CARRIAGE for a payload SA's (or a truncated header).
 */
int dp_esp_punt_inner(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w,
		      uint16_t port, uint16_t ip6_off, uint16_t ip6_len, uint16_t esp_off);

#endif /* DP_ESP_IN_H */
