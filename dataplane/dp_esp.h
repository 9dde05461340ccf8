/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ESP around the unmodified rte_ipsec: the packet is staged behind a fixed 20-byte IPv4
 * template header, processed as transport mode by rte_ipsec with CPU crypto, and unstaged
 * (dp_sa.h says why). Inbound, whatever came before the ESP header (IPv6 with a Home Address
 * option, IPv4, IPv4/UDP 4500, or the inner IPv6 of a UDP 4191 tunnel) is recorded by the
 * caller and replaced by the template; outbound, the caller puts the binding's current outer
 * header (or the signalling carriage) in front of the result.
 */
#ifndef DP_ESP_H
#define DP_ESP_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "dp_sa.h"

#define DP_ESP_TMPL_LEN 20
#define DP_ESP_BURST_MAX 64           /**< packets per dp_esp_process call, at most */

/**
 * Inbound: m holds a packet whose ESP header starts esp_off bytes in and whose IP packet
 * ends end bytes in (single segment). Makes m the template followed by the ESP packet.
 * @return 0, or -EINVAL when the offsets do not fit.
 */
int dp_esp_in_stage(struct rte_mbuf *m, uint16_t esp_off, uint16_t end);

/** After processing: strip the template. @return the ESP Next Header of the payload. */
uint8_t dp_esp_in_unstage(struct rte_mbuf *m);

/** Outbound: put the template in front of the payload m, with next as its protocol.
 *  @return 0 or -ENOSPC (headroom). */
int dp_esp_out_stage(struct rte_mbuf *m, uint8_t next);

/** After processing: strip the template; m starts with the ESP header. */
void dp_esp_out_unstage(struct rte_mbuf *m);

/**
 * Run rte_ipsec (prepare with CPU crypto, then process) over n (<= DP_ESP_BURST_MAX) staged
 * packets of sa.
 * Good packets come first in mb[] (the return value); the rest follow, each counted in ctr
 * by reason (inbound: malformed, replayed, failed authentication; outbound: no room or the
 * sequence space exhausted) and left to the caller to free. lc: the calling lcore's queue
 * pair (needed by SAs on the crypto-op path, sa->async).
 */
uint16_t dp_esp_process(const struct dp_sa *sa, struct rte_mbuf **mb, uint16_t n,
			struct dp_sa_ctr *ctr, const struct dp_esp_lcore *lc);

/** A burst's packets of one SA, for dp_esp_process_groups. */
struct dp_esp_group {
	const struct dp_sa *sa;
	struct dp_sa_ctr *ctr;        /**< the SA's counters of the calling lcore */
	struct rte_mbuf **mb;         /**< in: the staged packets; out: as dp_esp_process */
	uint16_t n;
	uint16_t ok;                  /**< out: how many are good (first in mb) */
	uint16_t nv, k;               /**< (internal) past our checks, prepared by rte_ipsec */
};

/**
 * From this many SAs in a burst on, their packets go to the crypto device as ops in one
 * enqueue rather than through a CPU-crypto call per SA: esp-bench (README, "ESP at scale")
 * puts a CPU-crypto call at ~130 cycles more than a packet in a bigger call, and the op
 * path at ~30 cycles more per packet plus ~25 per SA, so ops win from about 8 SAs in 32
 * packets.
 */
#define DP_ESP_OPS_GROUPS 8

/**
 * dp_esp_process for ng groups of one burst (at most DP_ESP_BURST_MAX packets in all):
 * from DP_ESP_OPS_GROUPS groups on, all their crypto in one enqueue to lc's queue pair;
 * fewer, each group with CPU crypto. Each group's result and counters are as
 * dp_esp_process's. @return how many groups went through crypto ops (0 or ng).
 */
uint16_t dp_esp_process_groups(struct dp_esp_group *g, uint16_t ng,
			       const struct dp_esp_lcore *lc);

#endif /* DP_ESP_H */
