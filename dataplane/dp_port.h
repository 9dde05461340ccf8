/* SPDX-License-Identifier: BSD-3-Clause */
/* Ethernet port bring-up: probe any PMD by PCI address or vdev spec, queues, start, stop. */
#ifndef DP_PORT_H
#define DP_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

struct rte_mempool;
struct cfg_port;

/** ctl_txq value when the device has no spare TX queue for the control plane. */
#define DP_NO_CTL_TXQ UINT16_MAX

struct dp_port {
	uint16_t port_id;
	uint16_t n_rxq;          /**< one per worker lcore */
	uint16_t n_txq;          /**< one per worker, plus the control plane's when possible */
	uint16_t ctl_txq;        /**< the control plane's own TX queue, or DP_NO_CTL_TXQ */
	uint16_t mtu;
	bool probed_by_us;       /**< hot-plugged here, so removed here on shutdown */
	bool started;
	struct rte_ether_addr mac;
	char driver[32];
	const struct cfg_port *cfg;
};

/**
 * Find or probe the device named by cfg->device and return its ethdev port id.
 * A PCI address is looked up among devices EAL probed (and hot-plugged otherwise); a vdev
 * spec is hot-plugged unless a port of that name already exists (given with --vdev).
 * @return 0 or a negative errno; on error a message is logged.
 */
int dp_port_open(struct dp_port *p, const struct cfg_port *cfg);

/**
 * Configure n_workers RX queues (RSS when more than one) and n_workers + 1 TX queues (the last
 * one for the control plane) when the device has that many, set the MTU, promiscuous and
 * all-multicast, and start the port.
 * @return 0 or a negative errno.
 */
int dp_port_start(struct dp_port *p, uint16_t n_workers, uint16_t rx_desc, uint16_t tx_desc,
		  struct rte_mempool *mp);

/** Stop and close the port, and remove the device if dp_port_open hot-plugged it. */
void dp_port_close(struct dp_port *p);

/** @return true when s looks like a PCI address ("0000:3b:00.0" or "3b:00.0"). */
bool dp_port_is_pci_addr(const char *s);

#endif /* DP_PORT_H */
