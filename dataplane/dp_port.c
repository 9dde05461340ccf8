/* SPDX-License-Identifier: BSD-3-Clause */
/* Ethernet port bring-up: probe any PMD by PCI address or vdev spec, queues, start, stop. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "cfg.h"
#include "dp_port.h"
#include "ha_log.h"

bool
dp_port_is_pci_addr(const char *s)
{
	unsigned int dom, bus, dev, fn;
	int n = 0;

	if (sscanf(s, "%x:%x:%x.%x%n", &dom, &bus, &dev, &fn, &n) == 4 && s[n] == '\0')
		return true;
	n = 0;
	return sscanf(s, "%x:%x.%x%n", &bus, &dev, &fn, &n) == 3 && s[n] == '\0';
}

/* ethdev names a vdev port after the text before the first comma of its spec. */
static void
device_name(const char *spec, char *name, size_t len)
{
	size_t n = strcspn(spec, ",");

	if (n >= len)
		n = len - 1;
	memcpy(name, spec, n);
	name[n] = '\0';
}

int
dp_port_open(struct dp_port *p, const struct cfg_port *cfg)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	struct rte_eth_dev_info info;
	int rc;

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	p->ctl_txq = DP_NO_CTL_TXQ;
	device_name(cfg->device, name, sizeof(name));
	if (dp_port_is_pci_addr(name) && strchr(name, ':') == strrchr(name, ':')) {
		/* "3b:00.0" -> ethdev's "0000:3b:00.0" */
		char full[RTE_ETH_NAME_MAX_LEN];

		snprintf(full, sizeof(full), "0000:%s", name);
		snprintf(name, sizeof(name), "%s", full);
	}
	if (rte_eth_dev_get_port_by_name(name, &p->port_id) != 0) {
		rc = rte_dev_probe(cfg->device);
		if (rc < 0) {
			DP_LOG(ERR, "port %s: cannot probe device \"%s\": %s%s", cfg->name,
			       cfg->device, strerror(-rc),
			       dp_port_is_pci_addr(name) ?
			       " (is it bound to vfio-pci and allowed with -a?)" : "");
			return rc;
		}
		p->probed_by_us = true;
		if (rte_eth_dev_get_port_by_name(name, &p->port_id) != 0) {
			DP_LOG(ERR, "port %s: device \"%s\" probed but no ethdev port \"%s\"",
			       cfg->name, cfg->device, name);
			return -ENODEV;
		}
	}
	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		return rc;
	snprintf(p->driver, sizeof(p->driver), "%s", info.driver_name);
	if (cfg->has_mac) {
		struct rte_ether_addr want;

		memcpy(want.addr_bytes, cfg->mac, 6);
		rc = rte_eth_dev_default_mac_addr_set(p->port_id, &want);
		if (rc != 0) {
			DP_LOG(ERR, "port %s: driver %s cannot take MAC " RTE_ETHER_ADDR_PRT_FMT
			       ": %s", cfg->name, p->driver, RTE_ETHER_ADDR_BYTES(&want),
			       strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_macaddr_get(p->port_id, &p->mac);
	if (rc != 0)
		return rc;
	DP_LOG(INFO, "port %s: ethdev %u (%s), driver %s, " RTE_ETHER_ADDR_PRT_FMT, cfg->name,
	       p->port_id, name, p->driver, RTE_ETHER_ADDR_BYTES(&p->mac));
	return 0;
}

int
dp_port_start(struct dp_port *p, uint16_t n_workers, uint16_t rx_desc, uint16_t tx_desc,
	      struct rte_mempool *mp)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	const char *name = p->cfg->name;
	uint16_t q, nrx = rx_desc, ntx = tx_desc;
	int rc, socket = rte_eth_dev_socket_id(p->port_id);

	if (socket < 0)
		socket = (int)rte_socket_id();
	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0)
		return rc;
	if (info.max_rx_queues < n_workers || info.max_tx_queues < n_workers) {
		DP_LOG(ERR, "port %s: %u worker lcores need %u RX and TX queues, device has %u/%u%s",
		       name, n_workers, n_workers, info.max_rx_queues, info.max_tx_queues,
		       strcmp(p->driver, "net_af_packet") == 0 ? " (add qpairs=N to the spec)" : "");
		return -ENOSPC;
	}
	p->n_rxq = n_workers;
	p->n_txq = n_workers;
	/* The control plane sends BAs on a queue of its own when the device has one; otherwise
	 * it hands them to a worker through a ring (no TX queue is ever shared). */
	if (info.max_tx_queues > n_workers) {
		p->ctl_txq = n_workers;
		p->n_txq++;
	}
	if (n_workers > 1 && info.flow_type_rss_offloads != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP);
	} else if (n_workers > 1) {
		DP_LOG(WARNING, "port %s: no RSS, worker queues other than 0 may stay idle", name);
	}
	rc = rte_eth_dev_configure(p->port_id, p->n_rxq, p->n_txq, &conf);
	if (rc != 0) {
		DP_LOG(ERR, "port %s: configure %u RX / %u TX queues: %s", name, p->n_rxq,
		       p->n_txq, strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nrx, &ntx);
	if (rc != 0)
		return rc;
	for (q = 0; q < p->n_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, nrx, (unsigned int)socket, NULL, mp);
		if (rc != 0) {
			DP_LOG(ERR, "port %s: RX queue %u: %s", name, q, strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < p->n_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, ntx, (unsigned int)socket, NULL);
		if (rc != 0) {
			DP_LOG(ERR, "port %s: TX queue %u: %s", name, q, strerror(-rc));
			return rc;
		}
	}
	p->mtu = p->cfg->mtu;
	rc = rte_eth_dev_set_mtu(p->port_id, p->mtu);
	if (rc != 0 && rc != -ENOTSUP)
		DP_LOG(WARNING, "port %s: set MTU %u: %s", name, p->mtu, strerror(-rc));
	rc = rte_eth_dev_start(p->port_id);
	if (rc != 0) {
		DP_LOG(ERR, "port %s: start: %s", name, strerror(-rc));
		return rc;
	}
	p->started = true;
	/* Proxy ND needs solicited-node multicast; filtering by MAC happens in software. */
	rc = rte_eth_promiscuous_enable(p->port_id);
	if (rc != 0 && rc != -ENOTSUP)
		DP_LOG(WARNING, "port %s: promiscuous: %s", name, strerror(-rc));
	rc = rte_eth_allmulticast_enable(p->port_id);
	if (rc != 0 && rc != -ENOTSUP)
		DP_LOG(WARNING, "port %s: all-multicast: %s", name, strerror(-rc));
	DP_LOG(INFO, "port %s: started, %u RX / %u TX queues (control TX: %s), MTU %u", name,
	       p->n_rxq, p->n_txq, p->ctl_txq == DP_NO_CTL_TXQ ? "via worker" : "own queue",
	       p->mtu);
	return 0;
}

void
dp_port_close(struct dp_port *p)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (!rte_eth_dev_is_valid_port(p->port_id))
		return;
	if (rte_eth_dev_info_get(p->port_id, &info) == 0)
		dev = info.device;
	if (p->started) {
		rte_eth_dev_stop(p->port_id);
		p->started = false;
	}
	rte_eth_dev_close(p->port_id);
	if (p->probed_by_us && dev != NULL)
		rte_dev_remove(dev);
	p->probed_by_us = false;
}
