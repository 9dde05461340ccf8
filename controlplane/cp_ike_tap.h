/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path for IKE (config ike.tap): a DPDK net_tap port whose kernel interface
 * lives in charon's network namespace (ike.netns: moved there at start) and carries the
 * home agent's addresses there. IKE the workers punt (UDP 500, UDP 4500 with the non-ESP
 * marker, behind its own punt bucket) goes to it as the frame arrived, addressed to the
 * interface's MAC; what charon sends comes back from it and leaves through the DPDK ports
 * as the control plane's own IP packets (routed, next hop resolved). ESP never enters the
 * kernel. net_tap rather than virtio_user + vhost-net: no /dev/vhost-net module is needed
 * (this host has none), and IKE is a few packets per node and rekey, not a data path.
 */
#ifndef CP_IKE_TAP_H
#define CP_IKE_TAP_H

#include <stdint.h>

struct ha_app;

struct ha_ike_tap_stats {
	uint64_t to_charon;           /**< frames written to the interface */
	uint64_t from_charon;         /**< IP packets sent on for charon */
	uint64_t dropped;             /**< TX to the interface failed, or not IP from it */
};

struct ha_ike_tap;
struct rte_mbuf;

/** Create and start the port, move its interface into netns ("": stays). */
struct ha_ike_tap *ha_ike_tap_create(struct ha_app *a, const char *ifname, const char *netns);
void ha_ike_tap_free(struct ha_ike_tap *t);
#define HA_IKE_TAP_BURST 32

/** Control loop, first half: what charon's stack sent, taken in (at most HA_IKE_TAP_BURST
 *  frames into m). @return how many. */
uint16_t ha_ike_tap_rx(struct ha_ike_tap *t, struct rte_mbuf **m);
/** Second half: those frames out through the DPDK ports (their IP), and freed. Between the
 *  two the caller mirrors the SAs charon installed: an answer charon sent after installing
 *  an SA must not reach the peer before the data plane has that SA. */
void ha_ike_tap_forward(struct ha_ike_tap *t, struct rte_mbuf **m, uint16_t n);
void ha_ike_tap_stats_get(const struct ha_ike_tap *t, struct ha_ike_tap_stats *st);

#endif /* CP_IKE_TAP_H */
