/* SPDX-License-Identifier: BSD-3-Clause */
/* ARP, Neighbor Discovery and echo on the workers (proxy for home addresses). */
#ifndef DP_HOME_H
#define DP_HOME_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "dp_lcore.h"
#include "wire_pkt.h"

/** ARP received on port: answer (own address, proxy for a bound IPv4 HoA) or punt. Consumes m. */
void dp_home_arp(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w, uint16_t port);

/** NS/NA received on port: answer (own, proxy for a bound HoA) or punt. Consumes m. */
void dp_home_nd(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w, uint16_t port);

/** Echo request to the home agent: reply back the way it came. Consumes m. */
void dp_home_echo(struct dp_lcore *lc, struct rte_mbuf *m, const struct wire_pkt *w,
		  uint16_t port);

#endif /* DP_HOME_H */
