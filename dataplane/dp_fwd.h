/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding stage, for packets whose data starts at the IP header (received plain,
 * decapsulated or decrypted): bindings first (dp_bind.h), then the FIB. A destination with
 * a binding goes to encapsulation (dp_encap_stage.h) or, when its node has a payload SA, to
 * ESP (dp_esp_out.h); anything else is routed (dp_out.h).
 */
#ifndef DP_FWD_H
#define DP_FWD_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "dp_lcore.h"

/** Forward pkts[0..n) that came in on port index port (for ICMP errors). Consumes them. */
void dp_fwd_burst(struct dp_lcore *lc, uint16_t port, struct rte_mbuf **pkts, uint16_t n);

#endif /* DP_FWD_H */
